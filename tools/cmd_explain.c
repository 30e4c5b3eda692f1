/*
 * cmd_explain.c - "aipolicy explain PROFILE [--date D] [--lang en|fr]":
 * the reasoning behind a classification as a text tree. The tree itself is
 * drawn by the library (aip_result_explain), so every program embedding
 * libaipolicy, and every binding, gets the same explanation.
 */
#include <string.h>

#include "cli.h"

typedef struct explain_opts {
    const char *profile, *date, *lang;
} explain_opts;

static int parse_explain(int argc, char **argv, explain_opts *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int code = 0;
        if (strcmp(a, "--date") == 0)
            code = cli_option_value(argc, argv, &i, &o->date);
        else if (strcmp(a, "--lang") == 0)
            code = cli_option_value(argc, argv, &i, &o->lang);
        else if (a[0] == '-' && a[1])
            return usage_error("unknown option for explain: %s", a);
        else if (o->profile)
            return usage_error("explain takes one profile, got also %s", a);
        else
            o->profile = a;
        if (code)
            return code;
    }
    if (!o->profile)
        return usage_error("%s", "explain needs a PROFILE");
    return cli_check_lang(o->lang);
}

int cmd_explain(const char *data, int argc, char **argv)
{
    explain_opts o = { NULL, NULL, "en" };
    int code = parse_explain(argc, argv, &o);
    aip_kb *kb = NULL;
    aip_query *q = NULL;
    aip_result *res = NULL;
    if (!code)
        code = load_kb(data, &kb);
    if (!code)
        code = cli_load_query(kb, o.profile, o.date, &q);
    if (!code)
        code = cli_classify(q, &res);
    if (!code) {
        char *text = NULL;
        size_t len = 0;
        int rc = aip_result_explain(res, o.lang, &text, &len);
        code = cli_print_owned(rc, text, len);
    }
    aip_result_free(res);
    aip_query_free(q);
    aip_kb_release(kb);
    return code;
}
