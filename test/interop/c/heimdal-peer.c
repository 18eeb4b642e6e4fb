/*
 * A GSS-API peer built on Heimdal's libgssapi (heimdal-multidev: headers under
 * /usr/include/heimdal, so MIT's <gssapi/gssapi.h> is never seen). Driven by
 * test/interop/heimdal-gss.test.ts over stdin/stdout, one line per message:
 *   "token HEX"  context tokens, both ways
 *   "wrap HEX" / "wrapi HEX" / "mic HEX"  after establishment: a confidential Wrap, an
 *                integrity-only Wrap and a MIC of this side's message, then the peer's three
 *   "established FLAGS NAME", "unwrapped CONF TEXT", "micok", "error WHERE MAJOR MINOR TEXT",
 *   "supplementary WHERE MAJOR" (before "unwrapped"/"micok": GSS_S_GAP_TOKEN and the like)
 *   "delegated NAME TOKENLEN": (acceptor) a delegated credential, and the length of the first
 *                token of a context to HTTP@localhost initiated with it (a TGS exchange with it)
 * Usage: heimdal-peer init SERVICE@HOST MESSAGE [deleg] | heimdal-peer accept MESSAGE
 * Credentials come from KRB5CCNAME (initiator) and KRB5_KTNAME (acceptor); config from KRB5_CONFIG.
 * PEER_CB=TEXT: channel bindings with both addresses 127.0.0.1 (GSS_C_AF_INET) and TEXT as
 * application data. PEER_NOMUTUAL=1: the initiator asks for no mutual authentication.
 * PEER_SPNEGO=1 (initiator): SPNEGO (RFC 4178) around Kerberos; the acceptor takes either anyway.
 * PEER_SAMPLE=1 (initiator): after establishment only "wrap HEX" of MESSAGE out and "mic HEX" of
 * it in, as MIT's gss-client exchanges one message with gss-server.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gss_channel_bindings_t bindings(void) {
  static struct gss_channel_bindings_struct cb;
  static unsigned char loopback[4] = {127, 0, 0, 1};
  const char *text = getenv("PEER_CB");
  if (!text) return GSS_C_NO_CHANNEL_BINDINGS;
  cb.initiator_addrtype = GSS_C_AF_INET;
  cb.initiator_address.length = 4;
  cb.initiator_address.value = loopback;
  cb.acceptor_addrtype = GSS_C_AF_INET;
  cb.acceptor_address.length = 4;
  cb.acceptor_address.value = loopback;
  cb.application_data.length = strlen(text);
  cb.application_data.value = (void *)text;
  return &cb;
}

static void fail(const char *where, OM_uint32 major, OM_uint32 minor) {
  OM_uint32 m, ctx = 0;
  gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
  printf("error %s %u %u", where, major, minor);
  gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &text);
  printf(" %.*s\n", (int)text.length, (char *)text.value);
  gss_release_buffer(&m, &text);
  fflush(stdout);
  exit(2);
}

static void put(const char *tag, const gss_buffer_desc *b) {
  printf("%s ", tag);
  for (size_t i = 0; i < b->length; i++) printf("%02x", ((unsigned char *)b->value)[i]);
  printf("\n");
  fflush(stdout);
}

/* Reads "TAG HEX" and checks the tag; the buffer is malloc'ed. */
static void get(const char *tag, gss_buffer_desc *b) {
  static char line[1 << 17];
  if (!fgets(line, sizeof line, stdin)) exit(3);
  size_t n = strlen(tag);
  if (strncmp(line, tag, n) != 0 || line[n] != ' ') {
    fprintf(stderr, "expected %s, got %.40s\n", tag, line);
    exit(3);
  }
  char *hex = line + n + 1;
  size_t len = strcspn(hex, "\r\n") / 2;
  unsigned char *v = malloc(len ? len : 1);
  for (size_t i = 0; i < len; i++) sscanf(hex + 2 * i, "%2hhx", &v[i]);
  b->length = len;
  b->value = v;
}

static void send_messages(gss_ctx_id_t ctx, const char *msg) {
  OM_uint32 major, minor;
  gss_buffer_desc in = {strlen(msg), (void *)msg}, out;
  int conf;
  major = gss_wrap(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
  if (major != GSS_S_COMPLETE) fail("wrap", major, minor);
  put("wrap", &out);
  gss_release_buffer(&minor, &out);
  major = gss_wrap(&minor, ctx, 0, GSS_C_QOP_DEFAULT, &in, &conf, &out);
  if (major != GSS_S_COMPLETE) fail("wrapi", major, minor);
  put("wrapi", &out);
  gss_release_buffer(&minor, &out);
  major = gss_get_mic(&minor, ctx, GSS_C_QOP_DEFAULT, &in, &out);
  if (major != GSS_S_COMPLETE) fail("mic", major, minor);
  put("mic", &out);
  gss_release_buffer(&minor, &out);
}

static void receive_messages(gss_ctx_id_t ctx) {
  OM_uint32 major, minor;
  gss_buffer_desc tok, out, last = GSS_C_EMPTY_BUFFER;
  int conf;
  const char *tags[] = {"wrap", "wrapi"};
  for (int i = 0; i < 2; i++) {
    get(tags[i], &tok);
    major = gss_unwrap(&minor, ctx, &tok, &out, &conf, NULL);
    free(tok.value);
    if (GSS_ERROR(major)) fail(tags[i], major, minor);
    if (major != GSS_S_COMPLETE) printf("supplementary %s %u\n", tags[i], major);
    printf("unwrapped %d %.*s\n", conf, (int)out.length, (char *)out.value);
    fflush(stdout);
    if (i == 1)
      last = out;
    else
      gss_release_buffer(&minor, &out);
  }
  /* The MIC is over the same message as the Wraps (the last: Heimdal returns no message with a
   * GSS_S_GAP_TOKEN, see heimdal-gss-options.test.ts). */
  get("mic", &tok);
  major = gss_verify_mic(&minor, ctx, &last, &tok, NULL);
  free(tok.value);
  gss_release_buffer(&minor, &last);
  if (GSS_ERROR(major)) fail("verify_mic", major, minor);
  if (major != GSS_S_COMPLETE) printf("supplementary mic %u\n", major);
  printf("micok\n");
  fflush(stdout);
}

/* Initiates a context to HTTP@localhost with a delegated credential: needs a TGS exchange. */
static void use_delegated(gss_cred_id_t cred) {
  OM_uint32 major, minor;
  gss_name_t name = GSS_C_NO_NAME, http = GSS_C_NO_NAME;
  gss_buffer_desc text, hb = {14, "HTTP@localhost"}, out;
  gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
  major = gss_inquire_cred(&minor, cred, &name, NULL, NULL, NULL);
  if (major != GSS_S_COMPLETE) fail("inquire_cred", major, minor);
  major = gss_display_name(&minor, name, &text, NULL);
  if (major != GSS_S_COMPLETE) fail("display_name", major, minor);
  major = gss_import_name(&minor, &hb, GSS_C_NT_HOSTBASED_SERVICE, &http);
  if (major != GSS_S_COMPLETE) fail("import_name", major, minor);
  major = gss_init_sec_context(&minor, cred, &ctx, http, GSS_KRB5_MECHANISM, GSS_C_MUTUAL_FLAG, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
  if (GSS_ERROR(major)) fail("init_with_delegated", major, minor);
  printf("delegated %.*s %zu\n", (int)text.length, (char *)text.value, out.length);
  fflush(stdout);
  gss_release_buffer(&minor, &out);
  gss_release_buffer(&minor, &text);
  gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
  gss_release_name(&minor, &name);
  gss_release_name(&minor, &http);
  gss_release_cred(&minor, &cred);
}

int main(int argc, char **argv) {
  OM_uint32 major, minor, flags = 0;
  gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
  gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out, text;
  gss_name_t target = GSS_C_NO_NAME, client = GSS_C_NO_NAME;
  gss_cred_id_t delegated = GSS_C_NO_CREDENTIAL;
  int initiator = (argc == 4 || argc == 5) && strcmp(argv[1], "init") == 0;
  if (!initiator && !(argc == 3 && strcmp(argv[1], "accept") == 0)) {
    fprintf(stderr, "usage: heimdal-peer init SERVICE@HOST MESSAGE [deleg] | heimdal-peer accept MESSAGE\n");
    return 1;
  }
  OM_uint32 mutual = getenv("PEER_NOMUTUAL") ? 0 : GSS_C_MUTUAL_FLAG;
  gss_OID mech = getenv("PEER_SPNEGO") ? GSS_SPNEGO_MECHANISM : GSS_KRB5_MECHANISM;
  OM_uint32 deleg = argc == 5 && strcmp(argv[4], "deleg") == 0 ? GSS_C_DELEG_FLAG : 0;
  const char *msg = initiator ? argv[3] : argv[2];
  if (initiator) {
    gss_buffer_desc name = {strlen(argv[2]), argv[2]};
    major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &target);
    if (major != GSS_S_COMPLETE) fail("import_name", major, minor);
    for (;;) {
      major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ctx, target, mech,
                                   mutual | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
                                       GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | deleg,
                                   0, bindings(), &in, NULL, &out, &flags, NULL);
      if (in.value) free(in.value);
      in.value = NULL;
      if (GSS_ERROR(major)) fail("init_sec_context", major, minor);
      if (out.length) put("token", &out);
      gss_release_buffer(&minor, &out);
      if (major != GSS_S_CONTINUE_NEEDED) break;
      get("token", &in);
    }
    major = gss_inquire_context(&minor, ctx, NULL, &client, NULL, NULL, NULL, NULL, NULL);
  } else {
    for (;;) {
      get("token", &in);
      major = gss_accept_sec_context(&minor, &ctx, GSS_C_NO_CREDENTIAL, &in, bindings(),
                                     &client, NULL, &out, &flags, NULL, &delegated);
      free(in.value);
      if (out.length) put("token", &out);
      gss_release_buffer(&minor, &out);
      if (GSS_ERROR(major)) fail("accept_sec_context", major, minor);
      if (major != GSS_S_CONTINUE_NEEDED) break;
    }
  }
  if (GSS_ERROR(major)) fail("inquire_context", major, minor);
  major = gss_display_name(&minor, client, &text, NULL);
  if (major != GSS_S_COMPLETE) fail("display_name", major, minor);
  printf("established %u %.*s\n", flags, (int)text.length, (char *)text.value);
  fflush(stdout);
  gss_release_buffer(&minor, &text);
  if (delegated != GSS_C_NO_CREDENTIAL) use_delegated(delegated);
  if (initiator && getenv("PEER_SAMPLE")) {
    gss_buffer_desc m = {strlen(msg), (void *)msg}, tok;
    int conf;
    major = gss_wrap(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &m, &conf, &out);
    if (major != GSS_S_COMPLETE) fail("wrap", major, minor);
    put("wrap", &out);
    gss_release_buffer(&minor, &out);
    get("mic", &tok);
    major = gss_verify_mic(&minor, ctx, &m, &tok, NULL);
    free(tok.value);
    if (GSS_ERROR(major)) fail("verify_mic", major, minor);
    if (major != GSS_S_COMPLETE) printf("supplementary mic %u\n", major);
    printf("micok\n");
    fflush(stdout);
  } else if (initiator) {
    send_messages(ctx, msg);
    receive_messages(ctx);
  } else {
    receive_messages(ctx);
    send_messages(ctx, msg);
  }
  gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
  gss_release_name(&minor, &target);
  gss_release_name(&minor, &client);
  return 0;
}
