/*
 * MIT's own answers for krb5.conf questions, for test/interop/files-config.test.ts.
 * Usage: files-profile-oracle PATH1:PATH2... < queries
 * Query lines (fields separated by tabs):
 *   V <name>...   profile_get_values       -> "OK" then each value, or "ERR <code>"
 *   S <name>...   profile_get_subsection_names
 *   D <string>    krb5_string_to_deltat    -> "OK <seconds>" or "ERR <code>"
 * Output fields are tab-separated; \, tab and newline in values are written as \\, \t, \n.
 */
#include <krb5/krb5.h>
#include <profile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(const char *s)
{
    putchar('\t');
    for (; *s; s++) {
        if (*s == '\\') fputs("\\\\", stdout);
        else if (*s == '\t') fputs("\\t", stdout);
        else if (*s == '\n') fputs("\\n", stdout);
        else putchar(*s);
    }
}

int main(int argc, char **argv)
{
    profile_t profile;
    long ret;
    char line[8192];

    if (argc != 2)
        return 2;
    ret = profile_init_path(argv[1], &profile);
    if (ret) {
        printf("INIT\t%ld\n", ret);
        while (fgets(line, sizeof(line), stdin) != NULL)
            ;
        return 0;
    }
    printf("INIT\t0\n");
    while (fgets(line, sizeof(line), stdin) != NULL) {
        const char *names[16];
        char **vals = NULL, *save = NULL, *tok;
        int n = 0, i;
        line[strcspn(line, "\n")] = '\0';
        tok = strtok_r(line, "\t", &save);
        if (tok == NULL)
            continue;
        if (tok[0] == 'D') {
            krb5_deltat d;
            char *arg = save != NULL ? save : "";
            krb5_error_code r = krb5_string_to_deltat(arg, &d);
            if (r) printf("ERR\t%ld\n", (long)r);
            else printf("OK\t%ld\n", (long)d);
            continue;
        }
        while (n < 15 && (names[n] = strtok_r(NULL, "\t", &save)) != NULL)
            n++;
        names[n] = NULL;
        ret = (tok[0] == 'V') ? profile_get_values(profile, names, &vals)
            : profile_get_subsection_names(profile, names, &vals);
        if (ret) {
            printf("ERR\t%ld\n", ret);
            continue;
        }
        fputs("OK", stdout);
        for (i = 0; vals[i] != NULL; i++)
            put(vals[i]);
        putchar('\n');
        profile_free_list(vals);
    }
    profile_release(profile);
    return 0;
}
