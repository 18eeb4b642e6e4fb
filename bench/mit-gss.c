/*
 * MIT krb5's GSS-API throughput, for bench/gss.ts to print beside ours: the same work in the
 * same run, initiator and acceptor in this one process, credentials acquired once (as a server
 * does), replay cache on (as the environment selects: the file2 cache of KRB5RCACHEDIR, or
 * KRB5RCACHENAME). The credentials of the "defaults" and "memory" configurations: mit-gss-creds.c.
 * Build: gcc -O2 -o mit-gss mit-gss.c mit-gss-creds.c -lgssapi_krb5 -lkrb5
 * Usage: mit-gss [-memory] TARGET_SERVICE@HOST POOLDIR NPOOL, commands on stdin (see main), with
 *   KRB5_CONFIG, KRB5CCNAME (the initiator's, TGT and the reused service ticket inside),
 *   KRB5_KTNAME and KRB5RCACHEDIR set; POOLDIR/t-0.ccache ... t-(NPOOL-1).ccache hold one
 *   distinct service ticket each (the "every ticket new" regime).
 * Prints "enctype N" (the context's key) first, then one "measure size ops_per_cpu_second [extra]"
 * line per command.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mit-gss.h"

#define REQ_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)
#define BATCH 64

static gss_name_t target;
static int next_ticket;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void check(OM_uint32 major, OM_uint32 minor, const char *what) {
    OM_uint32 m, ctx = 0;
    gss_buffer_desc msg;
    if (!GSS_ERROR(major)) return;
    gss_display_status(&m, minor ? minor : major, minor ? GSS_C_MECH_CODE : GSS_C_GSS_CODE, GSS_C_NO_OID,
                       &ctx, &msg);
    fprintf(stderr, "%s: %.*s\n", what, (int)msg.length, (char *)msg.value);
    exit(1);
}

/* The initiator credential of the next context: the reused ticket, or the pool's next one. */
static gss_cred_id_t initiator(int fresh) {
    if (!fresh || npool == 0) return icred;
    next_ticket = (next_ticket + 1) % npool;
    return pool[next_ticket];
}

/* The initiator's first step: its context (waiting for the AP-REP) and the AP-REQ token. */
static void init_first(gss_cred_id_t cred, gss_ctx_id_t *ictx, gss_buffer_desc *out) {
    OM_uint32 major, minor;
    *ictx = GSS_C_NO_CONTEXT;
    major = gss_init_sec_context(&minor, cred, ictx, target, GSS_C_NO_OID, REQ_FLAGS, 0,
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

static void establish(gss_cred_id_t cred, gss_ctx_id_t *ictx, gss_ctx_id_t *actx) {
    OM_uint32 major, minor;
    gss_buffer_desc t1, t2, t3 = GSS_C_EMPTY_BUFFER;
    init_first(cred, ictx, &t1);
    accept_one(actx, &t1, &t2);
    major = gss_init_sec_context(&minor, cred, ictx, target, GSS_C_NO_OID, REQ_FLAGS, 0,
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

static void bench_establish(int fresh, double seconds) {
    long ops = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 16; i++) {
            gss_ctx_id_t ictx, actx;
            establish(initiator(fresh), &ictx, &actx);
            delete_ctx(&ictx);
            delete_ctx(&actx);
        }
        ops += 16;
        t = now() - t0;
    } while (t < seconds);
    printf("%s 0 %.1f\n", fresh ? "establish-new" : "establish-reuse", ops / t);
}

/* Accept alone: AP-REQs made beforehand (untimed), each accepted once (the replay cache sees all). */
static void bench_accept(int fresh, double seconds) {
    OM_uint32 minor;
    gss_ctx_id_t ictx[BATCH];
    gss_buffer_desc tok[BATCH];
    long ops = 0;
    double spent = 0;
    do {
        double t0;
        for (int i = 0; i < BATCH; i++) init_first(initiator(fresh), &ictx[i], &tok[i]);
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
    printf("%s 0 %.1f\n", fresh ? "accept-new" : "accept-reuse", ops / spent);
}

/* gss_export_sec_context then gss_import_sec_context of the acceptor's context, over and over. */
static void bench_export(gss_ctx_id_t *actx, double seconds) {
    OM_uint32 major, minor;
    long ops = 0;
    size_t size = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < BATCH; i++) {
            gss_buffer_desc tok;
            major = gss_export_sec_context(&minor, actx, &tok);
            size = tok.length;
            check(major, minor, "gss_export_sec_context");
            major = gss_import_sec_context(&minor, &tok, actx);
            check(major, minor, "gss_import_sec_context");
            gss_release_buffer(&minor, &tok);
        }
        ops += BATCH;
        t = now() - t0;
    } while (t < seconds);
    printf("export 0 %.1f %zu\n", ops / t, size);
}

/* Bytes malloc has handed out and not taken back (glibc: arena chunks plus mmapped ones). */
static double in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return (double)m.uordblks + (double)m.hblkhd;
}

/*
 * Memory per established acceptor context: COUNT contexts accepted from the pool's tickets (each
 * initiator context deleted at once), measured live ("fresh"), then after 5 gss_wrap (1 KiB,
 * confidential) and 5 gss_get_mic (16 B) on each ("traffic"), both against the level after all
 * are deleted, so the replay cache and anything else kept per process does not count.
 */
static void bench_memory(int count) {
    OM_uint32 major, minor;
    gss_ctx_id_t *ctx = calloc(count, sizeof(*ctx));
    gss_buffer_desc msg, small, tok;
    double fresh, traffic, base;
    msg.length = 1024;
    msg.value = calloc(1, msg.length);
    small.length = 16;
    small.value = msg.value;
    for (int i = 0; i < count; i++) {
        gss_ctx_id_t ictx;
        gss_buffer_desc t1, rep;
        init_first(initiator(1), &ictx, &t1);
        accept_one(&ctx[i], &t1, &rep);
        gss_release_buffer(&minor, &t1);
        gss_release_buffer(&minor, &rep);
        delete_ctx(&ictx);
    }
    fresh = in_use();
    for (int i = 0; i < count; i++) {
        for (int j = 0; j < 5; j++) {
            major = gss_wrap(&minor, ctx[i], 1, GSS_C_QOP_DEFAULT, &msg, NULL, &tok);
            check(major, minor, "gss_wrap");
            gss_release_buffer(&minor, &tok);
            major = gss_get_mic(&minor, ctx[i], GSS_C_QOP_DEFAULT, &small, &tok);
            check(major, minor, "gss_get_mic");
            gss_release_buffer(&minor, &tok);
        }
    }
    traffic = in_use();
    for (int i = 0; i < count; i++) delete_ctx(&ctx[i]);
    base = in_use();
    printf("mem %d %.1f %.1f\n", count, (fresh - base) / count, (traffic - base) / count);
    free(ctx);
    free(msg.value);
}

/*
 * Commands on stdin, one per line, answered by one line on stdout:
 *   wrap-conf SIZE SECONDS | wrap-integ SIZE SECONDS | mic SIZE SECONDS | export 0 SECONDS |
 *   establish-reuse 0 SECONDS | establish-new 0 SECONDS | accept-reuse 0 SECONDS |
 *   accept-new 0 SECONDS (accept: bench/fleet.ts's name of accept-reuse)  ->  "MEASURE SIZE OPS_PER_CPU_SECOND" (export adds the token's size)
 *   mem COUNT 0  ->  "mem COUNT FRESH_BYTES TRAFFIC_BYTES" (per context)
 * so that bench/gss.ts can alternate short slices of MIT and ours on each cell.
 */
int main(int argc, char **argv) {
    OM_uint32 major, minor;
    gss_buffer_desc name;
    gss_ctx_id_t ictx, actx;
    char line[256], measure[64];
    size_t size;
    double seconds;
    int memory = argc > 1 && !strcmp(argv[1], "-memory");

    if (argc - memory < 4) {
        fprintf(stderr, "usage: %s [-memory] SERVICE@HOST POOLDIR NPOOL < commands\n", argv[0]);
        return 2;
    }
    name.value = argv[1 + memory];
    name.length = strlen(name.value);
    major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &target);
    check(major, minor, "gss_import_name");
    npool = atoi(argv[3 + memory]);
    setup_creds(memory, argv[2 + memory]);

    /* The reused ticket is in KRB5CCNAME already: no KDC exchange while measuring. */
    establish(icred, &ictx, &actx);
    printf("enctype %d\n", context_enctype(ictx));
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        if (sscanf(line, "%63s %zu %lf", measure, &size, &seconds) != 3) break;
        if (!strcmp(measure, "wrap-conf")) bench_wrap(ictx, actx, size, 1, seconds);
        else if (!strcmp(measure, "wrap-integ")) bench_wrap(ictx, actx, size, 0, seconds);
        else if (!strcmp(measure, "mic")) bench_mic(ictx, actx, size, seconds);
        else if (!strcmp(measure, "export")) bench_export(&actx, seconds);
        else if (!strcmp(measure, "establish-reuse")) bench_establish(0, seconds);
        else if (!strcmp(measure, "establish-new")) bench_establish(1, seconds);
        else if (!strcmp(measure, "accept-reuse") || !strcmp(measure, "accept")) bench_accept(0, seconds);
        else if (!strcmp(measure, "accept-new")) bench_accept(1, seconds);
        else if (!strcmp(measure, "mem")) bench_memory((int)size);
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
    for (int i = 0; i < npool; i++) gss_release_cred(&minor, &pool[i]);
    gss_release_name(&minor, &target);
    return 0;
}
