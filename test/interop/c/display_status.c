/*
 * MIT's own status texts, for test/interop/status-mit.test.ts.
 *
 * Usage: display_status gss|mech ARG...
 *   ARG is a status code (decimal, unsigned 32-bit), or CODE@CTX for a single call that
 *   starts from message context CTX instead of the whole RFC 2744 5.11 loop.
 * Output, one line per message: code TAB ctx-in TAB ctx-out TAB major TAB message.
 *
 * gss: gss_display_status(GSS_C_GSS_CODE), looped while the message context is non-zero.
 * mech: gss_display_status(GSS_C_MECH_CODE); the mechglue only knows minor codes that an
 *   earlier call has mapped, so for a fresh non-zero code it answers GSS_S_BAD_STATUS and we
 *   print com_err's error_message(), which is what the krb5 mechanism returns for a mapped
 *   code with no saved extended message (krb5_gss_get_error_message). Major is then "com_err".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <com_err.h>
#include <krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

static void
one(int type, OM_uint32 code, OM_uint32 ctx_in, int loop)
{
    OM_uint32 major, minor, ctx = ctx_in, in;
    gss_buffer_desc buf;
    int n = 0;

    do {
        in = ctx;
        major = gss_display_status(&minor, code, type, GSS_C_NO_OID, &ctx, &buf);
        if (major == GSS_S_COMPLETE) {
            printf("%u\t%u\t%u\t%u\t%.*s\n", code, in, ctx, major, (int)buf.length,
                   (const char *)buf.value);
            gss_release_buffer(&minor, &buf);
        } else if (type == GSS_C_MECH_CODE) {
            printf("%u\t%u\t%u\tcom_err\t%s\n", code, in, in, error_message((long)code));
            return;
        } else {
            printf("%u\t%u\t%u\t%u\t\n", code, in, ctx, major);
            return;
        }
        /* Guard against a context that never returns to 0. */
    } while (loop && ctx != 0 && ++n < 40);
}

int
main(int argc, char **argv)
{
    krb5_context kctx;
    OM_uint32 minor;
    gss_OID_set mechs = GSS_C_NO_OID_SET;
    int type, i;

    if (argc < 2 || (strcmp(argv[1], "gss") != 0 && strcmp(argv[1], "mech") != 0)) {
        fprintf(stderr, "usage: display_status gss|mech CODE[@CTX]...\n");
        return 2;
    }
    type = strcmp(argv[1], "gss") == 0 ? GSS_C_GSS_CODE : GSS_C_MECH_CODE;
    /* Load the error tables as an application would: krb5 (libkrb5), k5g and ggss (mechglue). */
    if (krb5_init_context(&kctx) != 0)
        return 1;
    (void)gss_indicate_mechs(&minor, &mechs);
    (void)gss_release_oid_set(&minor, &mechs);

    for (i = 2; i < argc; i++) {
        char *at = strchr(argv[i], '@');
        OM_uint32 code = (OM_uint32)strtoul(argv[i], NULL, 10);
        if (at != NULL)
            one(type, code, (OM_uint32)strtoul(at + 1, NULL, 10), 0);
        else
            one(type, code, 0, 1);
    }
    krb5_free_context(kctx);
    return 0;
}
