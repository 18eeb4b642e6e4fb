/*
 * Shared by bench/mit-gss.c (the cells and the command loop) and bench/mit-gss-creds.c (the
 * credentials of the two configurations, "defaults" and "memory").
 */
#ifndef MIT_GSS_H
#define MIT_GSS_H
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

/* The initiator's reused ticket (KRB5CCNAME), the acceptor, and one initiator per pool ticket. */
extern gss_cred_id_t icred, acred;
extern gss_cred_id_t *pool;
extern int npool;

void check(OM_uint32 major, OM_uint32 minor, const char *what);
/* Acquires every credential: FILE ccaches and keytab as named ("defaults"), or, with memory set,
 * their contents copied into MEMORY ccaches and a MEMORY keytab first. */
void setup_creds(int memory, const char *pooldir);
#endif
