/*
 * cmd_diff.c - "aipolicy diff --date A --date B PROFILE [--lang en|fr]":
 * what changes for one profile between two dates: the law version, the
 * applicability, each dimension, and the obligations (added, removed,
 * in force <-> upcoming, date of application). Both dates are classified
 * with the same knowledge and facts, so every difference comes from time.
 *
 * Obligations are matched by id: an amendment that rewords an obligation
 * under the same id shows as a change of date or status, not as a removal
 * and an addition.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct diff_words {
    const char *header, *to, *law, *applicability, *obligations, *added,
        *removed, *no_change, *in_force, *upcoming, *from, *possible,
        *applies, *not_applies, *undetermined, *summary;
} diff_words;

static const diff_words EN = {
    "Changes for", "to", "Law in force", "Applicability", "Obligations",
    "added", "removed", "no change", "in force", "upcoming", "from",
    "possible", "applies", "does not apply", "undetermined",
    "change(s)"
};

static const diff_words FR = {
    "Changements pour", "au", "Droit en vigueur", "Applicabilité",
    "Obligations", "ajoutée", "supprimée", "aucun changement", "en vigueur",
    "à venir", "à partir du", "possible", "s'applique", "ne s'applique pas",
    "indéterminée", "changement(s)"
};

typedef struct diff_opts {
    const char *profile, *lang;
    const char *dates[2];
    int ndates;
} diff_opts;

typedef struct diff_ctx {
    const aip_kb *kb;
    const aip_result *a, *b;
    const diff_opts *o;
    const diff_words *W;
    size_t changes;              /* over every regulation */
} diff_ctx;

static int parse_diff(int argc, char **argv, diff_opts *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *date = NULL;
        int code = 0;
        if (strcmp(a, "--date") == 0) {
            code = cli_option_value(argc, argv, &i, &date);
            if (!code && o->ndates == 2)
                return usage_error("%s", "diff takes exactly two --date");
            if (!code)
                o->dates[o->ndates++] = date;
        } else if (strcmp(a, "--lang") == 0)
            code = cli_option_value(argc, argv, &i, &o->lang);
        else if (a[0] == '-' && a[1])
            return usage_error("unknown option for diff: %s", a);
        else if (o->profile)
            return usage_error("diff takes one profile, got also %s", a);
        else
            o->profile = a;
        if (code)
            return code;
    }
    if (o->ndates != 2)
        return usage_error("%s", "diff needs two dates: --date A --date B");
    if (!o->profile)
        return usage_error("%s", "diff needs a PROFILE");
    return cli_check_lang(o->lang);
}

/* ---- pieces ------------------------------------------------------------------ */

static const char *applicability_word(const diff_words *W, int a)
{
    return a == AIP_APPLIES ? W->applies
         : a == AIP_DOES_NOT_APPLY ? W->not_applies : W->undetermined;
}

/* "in force from 2027-12-02" (and "possible" when not certain). */
static void put_state(const diff_ctx *c, const aip_result *r, size_t reg,
                      size_t i)
{
    const diff_words *W = c->W;
    printf("%s %s %s", aip_result_obligation_status(r, reg, i) == AIP_IN_FORCE
                           ? W->in_force : W->upcoming,
           W->from, aip_result_obligation_applies_from(r, reg, i));
    if (aip_result_obligation_certain(r, reg, i) != 1)
        printf(" (%s)", W->possible);
}

static size_t find_obligation(const aip_result *r, size_t reg, const char *id)
{
    size_t n = aip_result_obligation_count(r, reg);
    for (size_t i = 0; i < n; i++)
        if (strcmp(aip_result_obligation_id(r, reg, i), id) == 0)
            return i;
    return SIZE_MAX;
}

static void put_obligation_line(const diff_ctx *c, char mark,
                                const aip_result *r, size_t reg, size_t i)
{
    printf("    %c %s [%s]: ", mark,
           aip_result_obligation_title(r, reg, i, c->o->lang),
           aip_result_obligation_citation(r, reg, i));
}

/* Obligations of B changed or added, then those of A gone in B. */
static size_t diff_obligations(diff_ctx *c, size_t reg)
{
    const aip_result *a = c->a, *b = c->b;
    size_t n = 0;
    for (size_t i = 0; i < aip_result_obligation_count(b, reg); i++) {
        size_t j = find_obligation(a, reg, aip_result_obligation_id(b, reg, i));
        if (j != SIZE_MAX
            && aip_result_obligation_status(a, reg, j)
                   == aip_result_obligation_status(b, reg, i)
            && strcmp(aip_result_obligation_applies_from(a, reg, j),
                      aip_result_obligation_applies_from(b, reg, i)) == 0
            && aip_result_obligation_certain(a, reg, j)
                   == aip_result_obligation_certain(b, reg, i))
            continue;
        if (!n++)
            printf("  %s:\n", c->W->obligations);
        put_obligation_line(c, j == SIZE_MAX ? '+' : '~', b, reg, i);
        if (j == SIZE_MAX)
            printf("%s, ", c->W->added);
        else {
            put_state(c, a, reg, j);
            printf(" -> ");
        }
        put_state(c, b, reg, i);
        putchar('\n');
    }
    for (size_t j = 0; j < aip_result_obligation_count(a, reg); j++) {
        if (find_obligation(b, reg, aip_result_obligation_id(a, reg, j))
            != SIZE_MAX)
            continue;
        if (!n++)
            printf("  %s:\n", c->W->obligations);
        put_obligation_line(c, '-', a, reg, j);
        printf("%s (", c->W->removed);
        put_state(c, a, reg, j);
        printf(")\n");
    }
    return n;
}

static size_t diff_dimensions(diff_ctx *c, size_t reg)
{
    size_t n = 0;
    for (size_t d = 0; d < aip_kb_dimension_count(c->kb, reg); d++) {
        const char *id = aip_kb_dimension_id(c->kb, reg, d);
        int da = 0, db = 0;
        const char *va = aip_result_dimension(c->a, reg, id, &da);
        const char *vb = aip_result_dimension(c->b, reg, id, &db);
        if (strcmp(va, vb) == 0 && da == db)
            continue;
        printf("  ~ %s: %s%s -> %s%s\n",
               aip_kb_dimension_title(c->kb, reg, d, c->o->lang),
               aip_result_dimension_label(c->a, reg, id, c->o->lang),
               da ? "" : " (?)",
               aip_result_dimension_label(c->b, reg, id, c->o->lang),
               db ? "" : " (?)");
        n++;
    }
    return n;
}

static void diff_regulation(diff_ctx *c, size_t reg)
{
    const char *la = aip_result_law_version(c->a, reg);
    const char *lb = aip_result_law_version(c->b, reg);
    int aa = aip_result_applicability(c->a, reg);
    int ab = aip_result_applicability(c->b, reg);
    size_t n = 0;
    printf("\n== %s ==\n", aip_kb_regulation_title(c->kb, reg, c->o->lang));
    if (strcmp(la, lb) != 0) {
        printf("  ~ %s: %s -> %s\n", c->W->law, la, lb);
        n++;
    }
    if (aa != ab) {
        printf("  ~ %s: %s -> %s\n", c->W->applicability,
               applicability_word(c->W, aa), applicability_word(c->W, ab));
        n++;
    }
    n += diff_dimensions(c, reg);
    n += diff_obligations(c, reg);
    if (!n)
        printf("  (%s)\n", c->W->no_change);
    c->changes += n;
}

static int classify_at(aip_query *q, const char *date, aip_result **out)
{
    int code = cli_set_date(q, date);
    return code ? code : cli_classify(q, out);
}

int cmd_diff(const char *data, int argc, char **argv)
{
    diff_opts o = { NULL, "en", { NULL, NULL }, 0 };
    int code = parse_diff(argc, argv, &o);
    aip_kb *kb = NULL;
    aip_query *q = NULL;
    aip_result *a = NULL, *b = NULL;
    if (!code)
        code = load_kb(data, &kb);
    if (!code)
        code = cli_load_query(kb, o.profile, NULL, &q);
    if (!code)
        code = classify_at(q, o.dates[0], &a);
    if (!code)
        code = classify_at(q, o.dates[1], &b);
    if (!code) {
        diff_ctx c = { kb, a, b, &o, strcmp(o.lang, "fr") == 0 ? &FR : &EN,
                       0 };
        printf("%s %s: %s %s %s\n", c.W->header, o.profile,
               aip_result_as_of(a), c.W->to, aip_result_as_of(b));
        for (size_t reg = 0; reg < aip_result_regulation_count(a); reg++)
            diff_regulation(&c, reg);
        printf("\n%zu %s\n", c.changes, c.W->summary);
    }
    aip_result_free(a);
    aip_result_free(b);
    aip_query_free(q);
    aip_kb_release(kb);
    return code;
}
