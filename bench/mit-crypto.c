/*
 * MIT krb5's encrypt+decrypt throughput, for bench/crypto.ts to print beside ours.
 * Uses krb5_k_encrypt/krb5_k_decrypt with one krb5_key per enctype (as MIT's GSS mechanism
 * does, so derived keys are cached across calls, like ours per Key object).
 * Build: gcc -O2 -o mit-crypto mit-crypto.c -lkrb5 -lk5crypto -lcom_err
 * Usage: mit-crypto CPU_SECONDS_PER_CELL SIZE...   prints "enctype size bytes_per_cpu_second" lines.
 */
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(krb5_context ctx, krb5_error_code ret, const char *what) {
    if (ret) {
        const char *msg = krb5_get_error_message(ctx, ret);
        fprintf(stderr, "%s: %s\n", what, msg);
        exit(1);
    }
}

int main(int argc, char **argv) {
    static const krb5_enctype enctypes[] = { 17, 18, 19, 20 };
    krb5_context ctx;
    double seconds;
    int e, a;

    if (argc < 3) {
        fprintf(stderr, "usage: %s SECONDS SIZE...\n", argv[0]);
        return 2;
    }
    seconds = atof(argv[1]);
    check(NULL, krb5_init_context(&ctx), "krb5_init_context");
    for (e = 0; e < 4; e++) {
        krb5_keyblock kb;
        krb5_key key;
        check(ctx, krb5_c_make_random_key(ctx, enctypes[e], &kb), "make_random_key");
        check(ctx, krb5_k_create_key(ctx, &kb, &key), "k_create_key");
        for (a = 2; a < argc; a++) {
            size_t size = (size_t)atol(argv[a]), clen;
            krb5_data in, out;
            krb5_enc_data enc;
            long ops = 0;
            double t0, t;

            check(ctx, krb5_c_encrypt_length(ctx, enctypes[e], size, &clen), "encrypt_length");
            in.data = calloc(1, size ? size : 1);
            in.length = size;
            out.data = malloc(clen);
            enc.enctype = enctypes[e];
            enc.kvno = 0;
            enc.ciphertext.data = malloc(clen);
            t0 = now();
            do {
                for (int i = 0; i < 8; i++) {
                    enc.ciphertext.length = clen;
                    check(ctx, krb5_k_encrypt(ctx, key, 2, NULL, &in, &enc), "k_encrypt");
                    out.length = clen;
                    check(ctx, krb5_k_decrypt(ctx, key, 2, NULL, &enc, &out), "k_decrypt");
                    if (out.length != size) {
                        fprintf(stderr, "length mismatch\n");
                        return 1;
                    }
                }
                ops += 8;
                t = now() - t0;
            } while (t < seconds);
            printf("%d %zu %.0f\n", enctypes[e], size, (double)ops * size / t);
            free(in.data);
            free(out.data);
            free(enc.ciphertext.data);
        }
        krb5_k_free_key(ctx, key);
        krb5_free_keyblock_contents(ctx, &kb);
    }
    krb5_free_context(ctx);
    return 0;
}
