/*
 * A test peer for the per-message tokens (test/interop/tokens-mit.test.ts): establishes a krb5
 * context pair with MIT krb5 in one process (initiator "I" with the default ccache, acceptor "A"
 * with the default keytab), prints both sides' lucid contexts (keys, sequence numbers) and then
 * runs per-message commands read from stdin, one per line, answering one line each:
 *
 *   lucid I|A                      -> LUCID initiate proto send_seq recv_seq endtime
 *                                     ctx_etype ctx_key have_asub asub_etype asub_key
 *   wrap I|A CONF MSG              -> OK TOKEN            | ERR major text
 *   mic I|A MSG                    -> OK TOKEN            | ERR major text
 *   unwrap I|A TOKEN               -> OK major conf MSG   | ERR major text
 *   verify I|A MSG TOKEN           -> OK major            | ERR major text
 *   limit I|A CONF SIZE            -> OK max              | ERR major text
 *
 * ERR lines end with the krb5 mechanism's text for the minor status (the mechglue renumbers
 * minor codes, so the numbers would not be MIT's com_err codes). Bytes are hex, "-" for empty. Usage: lucid TARGET [nomutual]
 * The lucid data comes from gss_inquire_sec_context_by_oid, which (unlike
 * gss_krb5_export_lucid_sec_context) leaves the context usable.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gss_ctx_id_t ctx_i = GSS_C_NO_CONTEXT, ctx_a = GSS_C_NO_CONTEXT;

static void
die(const char *what, OM_uint32 major, OM_uint32 minor)
{
    printf("FATAL %s %u %u\n", what, major, minor);
    exit(1);
}

/* The mechglue maps minor codes to its own numbers; print the krb5 mechanism's text instead. */
static void
print_err(OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 m, ctx = 0;
    gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;

    printf("ERR %u ", major);
    gss_display_status(&m, minor, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5, &ctx, &msg);
    fwrite(msg.value, 1, msg.length, stdout);
    printf("\n");
    gss_release_buffer(&m, &msg);
}

static void
put_hex(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    if (n == 0)
        fputs("-", stdout);
    for (i = 0; i < n; i++)
        printf("%02x", b[i]);
}

static int
get_hex(const char *s, gss_buffer_desc *out)
{
    size_t n, i;
    unsigned char *b;

    out->length = 0;
    out->value = NULL;
    if (s == NULL)
        return -1;
    if (strcmp(s, "-") == 0)
        return 0;
    n = strlen(s);
    if (n % 2)
        return -1;
    b = malloc(n / 2 + 1);
    for (i = 0; i < n / 2; i++) {
        unsigned int v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        b[i] = (unsigned char)v;
    }
    out->length = n / 2;
    out->value = b;
    return 0;
}

static void
establish(const char *target, OM_uint32 flags)
{
    OM_uint32 major, minor, imaj = GSS_S_CONTINUE_NEEDED;
    gss_buffer_desc namebuf, itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
    gss_name_t name;

    namebuf.value = (void *)target;
    namebuf.length = strlen(target);
    major = gss_import_name(&minor, &namebuf, GSS_C_NT_HOSTBASED_SERVICE, &name);
    if (GSS_ERROR(major))
        die("import_name", major, minor);
    for (;;) {
        imaj = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ctx_i, name,
                                    (gss_OID)gss_mech_krb5, flags, 0, NULL,
                                    &atok, NULL, &itok, NULL, NULL);
        gss_release_buffer(&minor, &atok);
        if (GSS_ERROR(imaj))
            die("init_sec_context", imaj, minor);
        if (itok.length == 0)
            break;
        major = gss_accept_sec_context(&minor, &ctx_a, GSS_C_NO_CREDENTIAL,
                                       &itok, NULL, NULL, NULL, &atok, NULL,
                                       NULL, NULL);
        gss_release_buffer(&minor, &itok);
        if (GSS_ERROR(major))
            die("accept_sec_context", major, minor);
        if (atok.length == 0 && imaj == GSS_S_COMPLETE)
            break;
    }
    gss_release_name(&minor, &name);
}

static void
lucid(gss_ctx_id_t ctx)
{
    static unsigned char oid_bytes[] = {
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x05, 0x06, 0x01
    };
    gss_OID_desc oid = { sizeof(oid_bytes), oid_bytes };
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    gss_krb5_lucid_context_v1_t *l;
    OM_uint32 major, minor;

    major = gss_inquire_sec_context_by_oid(&minor, ctx, &oid, &set);
    if (GSS_ERROR(major) || set == NULL || set->count != 1) {
        print_err(major, minor);
        return;
    }
    l = *(gss_krb5_lucid_context_v1_t **)set->elements[0].value;
    printf("LUCID %u %u %llu %llu %u %u ", l->initiate, l->protocol,
           (unsigned long long)l->send_seq, (unsigned long long)l->recv_seq,
           l->endtime, l->cfx_kd.ctx_key.type);
    put_hex(l->cfx_kd.ctx_key.data, l->cfx_kd.ctx_key.length);
    printf(" %u %u ", l->cfx_kd.have_acceptor_subkey,
           l->cfx_kd.acceptor_subkey.type);
    put_hex(l->cfx_kd.acceptor_subkey.data, l->cfx_kd.acceptor_subkey.length);
    printf("\n");
    gss_krb5_free_lucid_sec_context(&minor, l);
    gss_release_buffer_set(&minor, &set);
}

int
main(int argc, char **argv)
{
    char line[1 << 17];
    OM_uint32 flags = GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
        GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;

    if (argc < 2)
        return 2;
    if (argc < 3 || strcmp(argv[2], "nomutual") != 0)
        flags |= GSS_C_MUTUAL_FLAG;
    establish(argv[1], flags);
    printf("READY\n");
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *cmd = strtok(line, " \n"), *side = strtok(NULL, " \n");
        char *a1 = strtok(NULL, " \n"), *a2 = strtok(NULL, " \n");
        gss_ctx_id_t ctx;
        gss_buffer_desc in = GSS_C_EMPTY_BUFFER, in2 = GSS_C_EMPTY_BUFFER;
        gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
        OM_uint32 major, minor = 0, max = 0;
        int conf = 0;
        gss_qop_t qop = 0;

        if (cmd == NULL || side == NULL) {
            printf("BAD\n");
            fflush(stdout);
            continue;
        }
        ctx = side[0] == 'I' ? ctx_i : ctx_a;
        if (strcmp(cmd, "lucid") == 0) {
            lucid(ctx);
        } else if (strcmp(cmd, "wrap") == 0 && a1 && get_hex(a2, &in) == 0) {
            major = gss_wrap(&minor, ctx, atoi(a1), 0, &in, &conf, &out);
            if (GSS_ERROR(major)) {
                print_err(major, minor);
            } else {
                printf("OK ");
                put_hex(out.value, out.length);
                printf("\n");
            }
        } else if (strcmp(cmd, "mic") == 0 && get_hex(a1, &in) == 0) {
            major = gss_get_mic(&minor, ctx, 0, &in, &out);
            if (GSS_ERROR(major)) {
                print_err(major, minor);
            } else {
                printf("OK ");
                put_hex(out.value, out.length);
                printf("\n");
            }
        } else if (strcmp(cmd, "unwrap") == 0 && get_hex(a1, &in) == 0) {
            major = gss_unwrap(&minor, ctx, &in, &out, &conf, &qop);
            if (GSS_ERROR(major)) {
                print_err(major, minor);
            } else {
                printf("OK %u %d ", major, conf);
                put_hex(out.value, out.length);
                printf("\n");
            }
        } else if (strcmp(cmd, "verify") == 0 && get_hex(a1, &in) == 0 &&
                   get_hex(a2, &in2) == 0) {
            major = gss_verify_mic(&minor, ctx, &in, &in2, &qop);
            if (GSS_ERROR(major))
                print_err(major, minor);
            else
                printf("OK %u\n", major);
        } else if (strcmp(cmd, "limit") == 0 && a1 && a2) {
            major = gss_wrap_size_limit(&minor, ctx, atoi(a1), 0,
                                        (OM_uint32)strtoul(a2, NULL, 10), &max);
            if (GSS_ERROR(major))
                print_err(major, minor);
            else
                printf("OK %u\n", max);
        } else {
            printf("BAD\n");
        }
        free(in.value);
        free(in2.value);
        gss_release_buffer(&minor, &out);
        fflush(stdout);
    }
    return 0;
}
