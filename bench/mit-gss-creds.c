/*
 * The credentials of bench/mit-gss.c in its two configurations:
 * - defaults: the initiator's FILE ccache (KRB5CCNAME), one FILE ccache per pool ticket, the FILE
 *   keytab (KRB5_KTNAME); MIT re-reads each file at every gss_init_sec_context and
 *   gss_accept_sec_context, as a default installation does.
 * - memory: the same contents copied once into MEMORY ccaches and a MEMORY keytab (MIT's kt_memory,
 *   a process-wide named list, kept alive by the handle held here), so no file is read while timed.
 * The replay cache is chosen by the caller's environment (KRB5RCACHEDIR or KRB5RCACHENAME).
 */
#include <krb5/krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mit-gss.h"

gss_cred_id_t icred, acred;
gss_cred_id_t *pool;
int npool;

static krb5_context kctx;
static krb5_keytab memkt; /* held open: a MEMORY keytab goes away with its last handle */

static void kcheck(krb5_error_code code, const char *what) {
    if (!code) return;
    fprintf(stderr, "%s: %s\n", what, krb5_get_error_message(kctx, code));
    exit(1);
}

static gss_cred_id_t acquire_from(const char *key, const char *value, gss_cred_usage_t usage) {
    OM_uint32 major, minor;
    gss_cred_id_t cred;
    gss_key_value_element_desc el;
    gss_key_value_set_desc store;
    el.key = key;
    el.value = value;
    store.count = 1;
    store.elements = &el;
    major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, usage, &store,
                                  &cred, NULL, NULL);
    check(major, minor, value);
    return cred;
}

/* FILE ccache `from` copied into MEMORY:`to` (principal and every credential). */
static void copy_ccache(const char *from, const char *to) {
    krb5_ccache src, dst;
    krb5_principal princ;
    kcheck(krb5_cc_resolve(kctx, from, &src), from);
    kcheck(krb5_cc_resolve(kctx, to, &dst), to);
    kcheck(krb5_cc_get_principal(kctx, src, &princ), from);
    kcheck(krb5_cc_initialize(kctx, dst, princ), to);
    kcheck(krb5_cc_copy_creds(kctx, src, dst), to);
    krb5_free_principal(kctx, princ);
    krb5_cc_close(kctx, src);
    krb5_cc_close(kctx, dst); /* a MEMORY ccache outlives its handles until destroyed */
}

/* The default keytab's entries copied into MEMORY:bench-kt. */
static void copy_keytab(void) {
    krb5_keytab src;
    krb5_kt_cursor cur;
    krb5_keytab_entry e;
    kcheck(krb5_kt_default(kctx, &src), "krb5_kt_default");
    kcheck(krb5_kt_resolve(kctx, "MEMORY:bench-kt", &memkt), "MEMORY keytab");
    kcheck(krb5_kt_start_seq_get(kctx, src, &cur), "keytab");
    while (krb5_kt_next_entry(kctx, src, &e, &cur) == 0) {
        kcheck(krb5_kt_add_entry(kctx, memkt, &e), "krb5_kt_add_entry");
        krb5_free_keytab_entry_contents(kctx, &e);
    }
    krb5_kt_end_seq_get(kctx, src, &cur);
    krb5_kt_close(kctx, src);
}

void setup_creds(int memory, const char *pooldir) {
    char file[4096], mem[64];
    const char *cc = getenv("KRB5CCNAME");
    kcheck(krb5_init_context(&kctx), "krb5_init_context");
    if (!cc) {
        fprintf(stderr, "KRB5CCNAME is not set\n");
        exit(2);
    }
    if (memory) {
        copy_ccache(cc, "MEMORY:bench-reuse");
        copy_keytab();
        icred = acquire_from("ccache", "MEMORY:bench-reuse", GSS_C_INITIATE);
        acred = acquire_from("keytab", "MEMORY:bench-kt", GSS_C_ACCEPT);
    } else {
        icred = acquire_from("ccache", cc, GSS_C_INITIATE);
        const char *kt = getenv("KRB5_KTNAME");
        if (!kt) {
            fprintf(stderr, "KRB5_KTNAME is not set\n");
            exit(2);
        }
        acred = acquire_from("keytab", kt, GSS_C_ACCEPT);
    }
    pool = calloc(npool > 0 ? npool : 1, sizeof(*pool));
    for (int i = 0; i < npool; i++) {
        snprintf(file, sizeof(file), "FILE:%s/t-%d.ccache", pooldir, i);
        if (memory) {
            snprintf(mem, sizeof(mem), "MEMORY:bench-pool-%d", i);
            copy_ccache(file, mem);
            pool[i] = acquire_from("ccache", mem, GSS_C_INITIATE);
        } else {
            pool[i] = acquire_from("ccache", file, GSS_C_INITIATE);
        }
    }
}
