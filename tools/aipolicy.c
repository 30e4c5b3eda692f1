/*
 * aipolicy - command-line front end of libaipolicy.
 *
 * Uses only the public API (it links against the shared library like any
 * other program). Results go to stdout, errors to stderr.
 *
 * Exit codes (also in --help and doc/aipolicy.1):
 *   0  success (a classification that finds a prohibited practice is a
 *      success: the answer was computed)
 *   1  invalid input: a knowledge file or profile is invalid, lint failed
 *   2  usage error: unknown command or option, missing argument
 *   3  a file could not be read
 *   4  out of memory or internal error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aipolicy.h>

#include "cmd_export.h"

#include "cli.h"

static const char usage_text[] =
    "Usage: aipolicy [--data DIR] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  classify PROFILE [--date YYYY-MM-DD] [--lang en|fr] [--json] [--compact]\n"
    "                       classify the system described by PROFILE (YAML or JSON)\n"
    "  lint FILE...         check knowledge files; prints file:line:column: message\n"
    "  list regulations|facts|rules\n"
    "                       list what the loaded knowledge contains\n"
    "  ask [--lang en|fr] [--regulation ID] [--save FILE] [--date YYYY-MM-DD]\n"
    "                       interactive session: asks the most decisive missing\n"
    "                       facts one by one, then prints the result\n"
    "  explain PROFILE [--date YYYY-MM-DD] [--lang en|fr]\n"
    "                       the reasoning as a tree: rules, citations, facts read\n"
    "  diff --date A --date B PROFILE [--lang en|fr]\n"
    "                       what changes between two dates (obligations,\n"
    "                       dimensions, law version)\n"
    "  export --jsonlogic [--date YYYY-MM-DD]\n"
    "                       the rules as JsonLogic (two-valued: all facts known),\n"
    "                       for comparison with other rule engines\n"
    "\n"
    "Options:\n"
    "  --data DIR           knowledge directory or file (default: $AIPOLICY_DATA,\n"
    "                       else the installed knowledge)\n"
    "  --help               show this help\n"
    "  --version            show the library version\n"
    "\n"
    "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 unreadable file,\n"
    "4 out of memory or internal error.\n";

int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "aipolicy: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'aipolicy --help'.\n");
    return EXIT_USAGE;
}

int exit_code_for(int status)
{
    switch (status) {
    case AIP_OK:       return 0;
    case AIP_EIO:      return EXIT_IO;
    case AIP_ENOMEM:
    case AIP_EINTERNAL: return EXIT_INTERNAL;
    case AIP_EINVAL:   return EXIT_USAGE;
    default:           return EXIT_INVALID;
    }
}

/* Prints "file:line:column: path: message" (the parts that are known). */
void print_error(const aip_error *err)
{
    const char *file = aip_error_file(err), *path = aip_error_path(err);
    if (file)
        fprintf(stderr, "%s:", file);
    if (aip_error_line(err))
        fprintf(stderr, "%u:%u:", aip_error_line(err), aip_error_column(err));
    if (file || aip_error_line(err))
        fputc(' ', stderr);
    if (path)
        fprintf(stderr, "%s: ", path);
    fprintf(stderr, "%s\n", aip_error_message(err));
}

int fail_with(int rc, aip_error *err)
{
    if (err)
        print_error(err);
    else
        fprintf(stderr, "aipolicy: %s\n", aip_strerror(rc));
    aip_error_free(err);
    return exit_code_for(rc);
}

int load_kb(const char *data, aip_kb **kb)
{
    aip_error *err = NULL;
    int rc = aip_kb_load_path(NULL, data, kb, &err);
    return rc == AIP_OK ? 0 : fail_with(rc, err);
}

/* ---- classify ------------------------------------------------------------ */

typedef struct classify_opts {
    const char *profile, *date, *lang;
    int json, compact;
} classify_opts;

static int parse_classify(int argc, char **argv, classify_opts *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0)
            o->json = 1;
        else if (strcmp(a, "--compact") == 0)
            o->compact = o->json = 1;
        else if (strcmp(a, "--date") == 0 || strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            *(a[2] == 'd' ? &o->date : &o->lang) = argv[++i];
        } else if (a[0] == '-' && a[1])
            return usage_error("unknown option for classify: %s", a);
        else if (o->profile)
            return usage_error("classify takes one profile, got also %s", a);
        else
            o->profile = a;
    }
    if (!o->profile)
        return usage_error("%s", "classify needs a PROFILE");
    if (strcmp(o->lang, "en") != 0 && strcmp(o->lang, "fr") != 0)
        return usage_error("--lang must be en or fr, not %s", o->lang);
    return 0;
}

static int print_result(const aip_result *res, const classify_opts *o)
{
    char *out = NULL;
    size_t len = 0;
    int rc = o->json ? aip_result_to_json(res, o->lang,
                                          o->compact ? 0 : AIP_JSON_PRETTY,
                                          &out, &len)
                     : aip_result_to_text(res, o->lang, &out, &len);
    if (rc != AIP_OK)
        return fail_with(rc, NULL);
    fwrite(out, 1, len, stdout);
    if (o->compact)
        fputc('\n', stdout);
    aip_string_free(out);
    return 0;
}

static int cmd_classify(const char *data, int argc, char **argv)
{
    classify_opts o = { NULL, NULL, "en", 0, 0 };
    int code = parse_classify(argc, argv, &o);
    if (code)
        return code;
    aip_kb *kb = NULL;
    if ((code = load_kb(data, &kb)))
        return code;
    aip_query *q = NULL;
    aip_result *res = NULL;
    aip_error *err = NULL;
    int rc = aip_query_new(kb, &q);
    if (rc == AIP_OK)
        rc = aip_query_load_file(q, o.profile, &err);
    if (rc == AIP_OK && o.date && (rc = aip_query_set_as_of(q, o.date)))
        code = usage_error("--date must be a real date YYYY-MM-DD, not %s",
                           o.date);
    else if (rc == AIP_OK && (rc = aip_classify(q, &res, &err)) == AIP_OK)
        code = print_result(res, &o);
    else
        code = fail_with(rc, err);
    aip_result_free(res);
    aip_query_free(q);
    aip_kb_release(kb);
    return code;
}

/* ---- lint ------------------------------------------------------------------ */

/* Checks the files as one knowledge base. When one fails, its error is
 * printed and the rest are checked again without it, so that every broken
 * file is reported once. */
static int cmd_lint(int argc, char **argv)
{
    if (argc == 0)
        return usage_error("%s", "lint needs at least one FILE");
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files)
        return fail_with(AIP_ENOMEM, NULL);
    size_t n = (size_t)argc;
    for (size_t i = 0; i < n; i++)
        files[i] = argv[i];
    int code = 0;
    while (n > 0) {
        aip_kb_builder *b = NULL;
        aip_error *err = NULL;
        int rc = aip_kb_builder_new(NULL, &b);
        if (rc == AIP_OK)
            rc = aip_kb_builder_add_files(b, files, n, &err);
        aip_kb_builder_free(b);
        if (rc == AIP_OK)
            break;
        int c = exit_code_for(rc);
        code = code > c ? code : c;
        /* Find the failing file among ours before the error is freed. */
        const char *bad_name = err ? aip_error_file(err) : NULL;
        size_t bad = n;
        for (size_t i = 0; bad_name && i < n; i++)
            if (strcmp(files[i], bad_name) == 0)
                bad = i;
        fail_with(rc, err);   /* prints and frees */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (i != bad)
                files[k++] = files[i];
        if (k == n)
            break;   /* the error names no file of ours: nothing to drop */
        n = k;
    }
    for (int i = 0; code == 0 && i < argc; i++)
        printf("%s: ok\n", argv[i]);
    free(files);
    return code;
}

/* ---- list ------------------------------------------------------------------ */

static int cmd_list(const char *data, int argc, char **argv)
{
    if (argc != 1 || (strcmp(argv[0], "regulations") && strcmp(argv[0], "facts")
                      && strcmp(argv[0], "rules")))
        return usage_error("%s", "list needs one of: regulations, facts, rules");
    aip_kb *kb = NULL;
    int code = load_kb(data, &kb);
    if (code)
        return code;
    if (strcmp(argv[0], "facts") == 0) {
        for (size_t i = 0; i < aip_kb_fact_count(kb); i++)
            printf("%-36s %-7s %s\n", aip_kb_fact_id(kb, i),
                   aip_kb_fact_type(kb, i), aip_kb_fact_label(kb, i, "en"));
    } else {
        for (size_t r = 0; r < aip_kb_regulation_count(kb); r++) {
            if (argv[0][0] == 'r' && argv[0][1] == 'e') {
                printf("%-20s %s\n", aip_kb_regulation_id(kb, r),
                       aip_kb_regulation_title(kb, r, "en"));
                continue;
            }
            for (size_t i = 0; i < aip_kb_rule_count(kb, r); i++)
                printf("%-12s %-48s %s\n", aip_kb_regulation_id(kb, r),
                       aip_kb_rule_id(kb, r, i), aip_kb_rule_citation(kb, r, i));
        }
    }
    aip_kb_release(kb);
    return 0;
}

int main(int argc, char **argv)
{
    const char *data = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("aipolicy %s (knowledge schema %d)\n", aip_version(),
                   aip_schema_version());
            return 0;
        }
        if (strcmp(argv[i], "--data") == 0) {
            if (++i >= argc)
                return usage_error("%s", "--data needs a directory");
            data = argv[i];
            continue;
        }
        return usage_error("unknown option: %s", argv[i]);
    }
    if (i >= argc)
        return usage_error("%s", "missing command");
    const char *cmd = argv[i++];
    if (strcmp(cmd, "classify") == 0)
        return cmd_classify(data, argc - i, argv + i);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - i, argv + i);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(data, argc - i, argv + i);
    if (strcmp(cmd, "ask") == 0)
        return cmd_ask(data, argc - i, argv + i);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(data, argc - i, argv + i);
    if (strcmp(cmd, "diff") == 0)
        return cmd_diff(data, argc - i, argv + i);
    if (strcmp(cmd, "export") == 0)
        return aipolicy_cmd_export(data, argc - i, argv + i);
    return usage_error("unknown command: %s", cmd);
}
