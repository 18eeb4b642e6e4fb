/*
 * MIT krb5's own decoder speed for bench/asn1.ts: decode_krb5_as_rep (exported by libkrb5,
 * not declared in krb5.h) plus krb5_free_kdc_rep, in a loop; prints decodes per CPU second.
 * Build: gcc -O2 -o mit-asn1 mit-asn1.c -lkrb5.   Usage: mit-asn1 AS-REP-FILE ITERATIONS
 */
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

krb5_error_code decode_krb5_as_rep(const krb5_data *code, krb5_kdc_rep **rep);
void krb5_free_kdc_rep(krb5_context context, krb5_kdc_rep *rep);

int main(int argc, char **argv) {
  krb5_context ctx;
  krb5_kdc_rep *rep;
  krb5_data d;
  struct timespec a, b;
  static char buf[65536];
  long i, n;
  size_t len;
  FILE *f;
  if (argc != 3 || (f = fopen(argv[1], "rb")) == NULL) return 2;
  len = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  n = atol(argv[2]);
  if (krb5_init_context(&ctx) != 0) return 1;
  d.magic = KV5M_DATA;
  d.data = buf;
  d.length = (unsigned int)len;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  for (i = 0; i < n; i++) {
    if (decode_krb5_as_rep(&d, &rep) != 0) return 1;
    krb5_free_kdc_rep(ctx, rep);
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("%.0f\n", n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9));
  return 0;
}
