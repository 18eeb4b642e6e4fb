/*
 * MIT krb5's GSS-API throughput, for bench/gss.ts to print beside ours: the same work in the
 * same run, initiator and acceptor in this one process, credentials acquired once (as a server
 * does), replay cache on (MIT's file rcache in KRB5RCACHEDIR).
 * Build: gcc -O2 -o mit-gss mit-gss.c -lgssapi_krb5 -lkrb5
 * Usage: mit-gss TARGET_SERVICE@HOST, commands on stdin (see main), with KRB5_CONFIG,
 *   KRB5CCNAME (the initiator's, TGT inside), KRB5_KTNAME and KRB5RCACHEDIR set.
 * Prints "enctype N" (the context's key) first, then one "measure size ops_per_cpu_second" line
 * per command.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REQ_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)
#define BATCH 64

static gss_cred_id_t icred, acred;
static gss_name_t target;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(OM_uint32 major, OM_uint32 minor, const char *what) {
    OM_uint32 m, ctx = 0;
    gss_buffer_desc msg;
    if (!GSS_ERROR(major)) return;
    gss_display_status(&m, minor ? minor : major, minor ? GSS_C_MECH_CODE : GSS_C_GSS_CODE, GSS_C_NO_OID,
                       &ctx, &msg);
    fprintf(stderr, "%s: %.*s\n", what, (int)msg.length, (char *)msg.value);
    exit(1);
}

/* The initiator's first step: its context (waiting for the AP-REP) and the AP-REQ token. */
static void init_first(gss_ctx_id_t *ictx, gss_buffer_desc *out) {
    OM_uint32 major, minor;
    *ictx = GSS_C_NO_CONTEXT;
    major = gss_init_sec_context(&minor, icred, ictx, target, GSS_C_NO_OID, REQ_FLAGS, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, out, NULL, NULL);
    check(major, minor, "gss_init_sec_context");
}

static void accept_one(gss_ctx_id_t *actx, gss_buffer_t in, gss_buffer_desc *out) {
    OM_uint32 major, minor;
    *actx = GSS_C_NO_CONTEXT;
    major = gss_accept_sec_context(&minor, actx, acred, in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, out, NULL,
                                   NULL, NULL);
    check(major, minor, "gss_accept_sec_context");
}

static void establish(gss_ctx_id_t *ictx, gss_ctx_id_t *actx) {
    OM_uint32 major, minor;
    gss_buffer_desc t1, t2, t3 = GSS_C_EMPTY_BUFFER;
    init_first(ictx, &t1);
    accept_one(actx, &t1, &t2);
    major = gss_init_sec_context(&minor, icred, ictx, target, GSS_C_NO_OID, REQ_FLAGS, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, &t2, NULL, &t3, NULL, NULL);
    check(major, minor, "gss_init_sec_context (AP-REP)");
    if (major != GSS_S_COMPLETE) {
        fprintf(stderr, "not established\n");
        exit(1);
    }
    gss_release_buffer(&minor, &t1);
    gss_release_buffer(&minor, &t2);
    gss_release_buffer(&minor, &t3);
}

static void delete_ctx(gss_ctx_id_t *c) {
    OM_uint32 minor;
    gss_delete_sec_context(&minor, c, GSS_C_NO_BUFFER);
}

/* The enctype of the context's key (GSS_C_INQ_SSPI_SESSION_KEY: key, then OID ...4.<enctype>). */
static int context_enctype(gss_ctx_id_t ctx) {
    OM_uint32 major, minor;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    int e = -1;
    major = gss_inquire_sec_context_by_oid(&minor, ctx, GSS_C_INQ_SSPI_SESSION_KEY, &set);
    check(major, minor, "gss_inquire_sec_context_by_oid");
    if (set->count >= 2 && set->elements[1].length > 0)
        e = ((unsigned char *)set->elements[1].value)[set->elements[1].length - 1];
    gss_release_buffer_set(&minor, &set);
    return e;
}

static void bench_wrap(gss_ctx_id_t ictx, gss_ctx_id_t actx, size_t size, int conf, double seconds) {
    OM_uint32 major, minor;
    gss_buffer_desc in, tok, out;
    long ops = 0;
    double t0 = now(), t;
    in.length = size;
    in.value = calloc(1, size ? size : 1);
    do {
        for (int i = 0; i < BATCH; i++) {
            int state;
            major = gss_wrap(&minor, ictx, conf, GSS_C_QOP_DEFAULT, &in, NULL, &tok);
            check(major, minor, "gss_wrap");
            major = gss_unwrap(&minor, actx, &tok, &out, &state, NULL);
            check(major, minor, "gss_unwrap");
            if (major != GSS_S_COMPLETE || out.length != size || state != conf) {
                fprintf(stderr, "unwrap mismatch\n");
                exit(1);
            }
            gss_release_buffer(&minor, &tok);
            gss_release_buffer(&minor, &out);
        }
        ops += BATCH;
        t = now() - t0;
    } while (t < seconds);
    printf("%s %zu %.1f\n", conf ? "wrap-conf" : "wrap-integ", size, ops / t);
    free(in.value);
}

static void bench_mic(gss_ctx_id_t ictx, gss_ctx_id_t actx, size_t size, double seconds) {
    OM_uint32 major, minor;
    gss_buffer_desc in, tok;
    long ops = 0;
    double t0 = now(), t;
    in.length = size;
    in.value = calloc(1, size ? size : 1);
    do {
        for (int i = 0; i < BATCH; i++) {
            major = gss_get_mic(&minor, ictx, GSS_C_QOP_DEFAULT, &in, &tok);
            check(major, minor, "gss_get_mic");
            major = gss_verify_mic(&minor, actx, &in, &tok, NULL);
            check(major, minor, "gss_verify_mic");
            if (major != GSS_S_COMPLETE) {
                fprintf(stderr, "verify_mic supplementary status\n");
                exit(1);
            }
            gss_release_buffer(&minor, &tok);
        }
        ops += BATCH;
        t = now() - t0;
    } while (t < seconds);
    printf("mic %zu %.1f\n", size, ops / t);
    free(in.value);
}

static void bench_establish(double seconds) {
    long ops = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 16; i++) {
            gss_ctx_id_t ictx, actx;
            establish(&ictx, &actx);
            delete_ctx(&ictx);
            delete_ctx(&actx);
        }
        ops += 16;
        t = now() - t0;
    } while (t < seconds);
    printf("establish 0 %.1f\n", ops / t);
}

/* Accept alone: AP-REQs made beforehand (untimed), each accepted once (the replay cache sees all). */
static void bench_accept(double seconds) {
    OM_uint32 minor;
    gss_ctx_id_t ictx[BATCH];
    gss_buffer_desc tok[BATCH];
    long ops = 0;
    double spent = 0;
    do {
        double t0;
        for (int i = 0; i < BATCH; i++) init_first(&ictx[i], &tok[i]);
        t0 = now();
        for (int i = 0; i < BATCH; i++) {
            gss_ctx_id_t actx;
            gss_buffer_desc rep;
            accept_one(&actx, &tok[i], &rep);
            gss_release_buffer(&minor, &rep);
            delete_ctx(&actx);
        }
        spent += now() - t0;
        ops += BATCH;
        for (int i = 0; i < BATCH; i++) {
            gss_release_buffer(&minor, &tok[i]);
            delete_ctx(&ictx[i]);
        }
    } while (spent < seconds);
    printf("accept 0 %.1f\n", ops / spent);
}

/* gss_export_sec_context then gss_import_sec_context of the acceptor's context, over and over. */
static void bench_export(gss_ctx_id_t *actx, double seconds) {
    OM_uint32 major, minor;
    long ops = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < BATCH; i++) {
            gss_buffer_desc tok;
            major = gss_export_sec_context(&minor, actx, &tok);
            check(major, minor, "gss_export_sec_context");
            major = gss_import_sec_context(&minor, &tok, actx);
            check(major, minor, "gss_import_sec_context");
            gss_release_buffer(&minor, &tok);
        }
        ops += BATCH;
        t = now() - t0;
    } while (t < seconds);
    printf("export 0 %.1f\n", ops / t);
}

/*
 * Commands on stdin, one per line, answered by one line on stdout:
 *   wrap-conf SIZE SECONDS | wrap-integ SIZE SECONDS | mic SIZE SECONDS | export 0 SECONDS |
 *   establish 0 SECONDS | accept 0 SECONDS      ->  "MEASURE SIZE OPS_PER_CPU_SECOND"
 * so that bench/gss.ts can alternate short slices of MIT and ours on each cell.
 */
int main(int argc, char **argv) {
    OM_uint32 major, minor;
    gss_buffer_desc name;
    gss_ctx_id_t ictx, actx;
    char line[256], measure[64];
    size_t size;
    double seconds;

    if (argc < 2) {
        fprintf(stderr, "usage: %s SERVICE@HOST < commands\n", argv[0]);
        return 2;
    }
    name.value = argv[1];
    name.length = strlen(argv[1]);
    major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &target);
    check(major, minor, "gss_import_name");
    major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_INITIATE, &icred,
                             NULL, NULL);
    check(major, minor, "gss_acquire_cred (initiate)");
    major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &acred,
                             NULL, NULL);
    check(major, minor, "gss_acquire_cred (accept)");

    /* The first context gets the service ticket from the KDC into the ccache. */
    establish(&ictx, &actx);
    printf("enctype %d\n", context_enctype(ictx));
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        if (sscanf(line, "%63s %zu %lf", measure, &size, &seconds) != 3) break;
        if (!strcmp(measure, "wrap-conf")) bench_wrap(ictx, actx, size, 1, seconds);
        else if (!strcmp(measure, "wrap-integ")) bench_wrap(ictx, actx, size, 0, seconds);
        else if (!strcmp(measure, "mic")) bench_mic(ictx, actx, size, seconds);
        else if (!strcmp(measure, "export")) bench_export(&actx, seconds);
        else if (!strcmp(measure, "establish")) bench_establish(seconds);
        else if (!strcmp(measure, "accept")) bench_accept(seconds);
        else {
            fprintf(stderr, "unknown measure %s\n", measure);
            return 2;
        }
        fflush(stdout);
    }
    delete_ctx(&ictx);
    delete_ctx(&actx);
    gss_release_cred(&minor, &icred);
    gss_release_cred(&minor, &acred);
    gss_release_name(&minor, &target);
    return 0;
}
