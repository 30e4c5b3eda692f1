/*
 * explain_out.c - aip_result_explain(): the reasoning behind a result as an
 * indented text tree, in English or French.
 *
 * Everything shown is already in the result (fired and undetermined rule
 * lists, scope rules, dimension bounds, the rule that dated each
 * obligation) and in the knowledge it points to: explaining re-evaluates
 * nothing, so the tree can never disagree with the classification.
 *
 * Layout, per regulation (markers: "+" a rule that fired, "?" a rule whose
 * outcome depends on unknown facts, "-" an obligation):
 *   == title [id] ==
 *     Law in force / Applicability + scope rules
 *     <dimension>: value + the rules that raised it, with facts read
 *     Obligations, grouped under the rule that triggered them
 *     Rules not decided, with the unknown facts they wait for
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "result.h"
#include "strbuf.h"

typedef struct words {
    const char *title, *knowledge, *given, *law, *applicability, *applies,
        *not_applies, *undetermined, *in_scope, *out_scope, *maybe_in,
        *maybe_out, *no_scope_rule, *nothing_in, *determined, *could_rise,
        *raised_to, *by, *will_raise, *from, *default_value, *obligations, *none,
        *in_force, *upcoming, *possible, *not_decided, *unknown_facts,
        *known_facts, *facts, *dims_only, *unknown;
} words;

static const words EN = {
    "Explanation as of", "Knowledge", "Facts given", "Law in force",
    "Applicability", "applies", "does not apply",
    "undetermined (facts missing)", "brings into scope", "excludes",
    "could bring into scope (facts unknown)", "could exclude (facts unknown)",
    "no scope rule: the regulation applies to every case",
    "no rule brings the case into scope", "determined",
    "not determined, could rise to", "raised to", "by", "will raise to",
    "from", "no rule raised it: first value", "Obligations, by the rule that "
    "triggered them", "none", "in force from", "upcoming from",
    "possible: depends on unknown facts",
    "Rules not decided because facts are unknown", "unknown", "known",
    "facts", "depends on a dimension that is not determined yet", "unknown"
};

static const words FR = {
    "Explication à la date du", "Connaissances", "Faits donnés",
    "Droit en vigueur", "Applicabilité", "s'applique", "ne s'applique pas",
    "indéterminée (faits manquants)", "fait entrer dans le champ", "exclut",
    "pourrait faire entrer dans le champ (faits inconnus)",
    "pourrait exclure (faits inconnus)",
    "aucune règle de champ : le texte s'applique à tous les cas",
    "aucune règle ne fait entrer le cas dans le champ", "déterminé",
    "non déterminé, pourrait monter jusqu'à", "porté à", "par",
    "portera à", "à partir du",
    "aucune règle ne l'a relevé : première valeur",
    "Obligations, par règle déclenchante", "aucune", "en vigueur à partir du",
    "à venir à partir du", "possible : dépend de faits inconnus",
    "Règles non tranchées faute de faits connus", "inconnus", "connus",
    "faits", "dépend d'une dimension pas encore déterminée", "inconnu"
};

typedef struct ex {
    aipi_strbuf sb;
    const aip_result *r;
    const aip_kb *kb;
    const char *lang;
    const words *W;
} ex;

/* ---- facts ----------------------------------------------------------------- */

/* A fact's value as a profile would write it, so that a reader can find it
 * in the profile file: ids, true/false, [a, b] for sets. */
static void put_value(ex *x, uint32_t f)
{
    const aipi_fact *fact = &x->kb->facts[f];
    const aipi_value *v = &x->r->values[f];
    char buf[32];
    switch (fact->type) {
    case FT_BOOL:
        aipi_sb_puts(&x->sb, v->b ? "true" : "false");
        break;
    case FT_ENUM:
        aipi_sb_puts(&x->sb, fact->value_ids[v->e]);
        break;
    case FT_SET: {
        int n = 0;
        aipi_sb_putc(&x->sb, '[');
        for (uint32_t i = 0; i < fact->nvalues; i++)
            if ((v->set >> i) & 1)
                aipi_sb_printf(&x->sb, "%s%s", n++ ? ", " : "",
                               fact->value_ids[i]);
        aipi_sb_putc(&x->sb, ']');
        break;
    }
    case FT_NUMBER:
        if (fabs(v->num) < 1e15 && floor(v->num) == v->num)
            aipi_sb_printf(&x->sb, "%.0f", v->num);
        else
            aipi_sb_printf(&x->sb, "%.6g", v->num);
        break;
    case FT_DATE:
        aipi_date_format(v->date, buf);
        aipi_sb_puts(&x->sb, buf);
        break;
    }
}

/* "label: a = x, b = y" over the facts a rule reads; known selects the known
 * (1) or unknown (0) ones, -1 all. Nothing when no fact qualifies. */
static void put_facts(ex *x, const char *pad, const char *label,
                      const aipi_rule *rule, int known)
{
    int n = 0;
    for (uint32_t k = 0; k < rule->nfacts; k++) {
        uint32_t f = rule->facts[k];
        int is_known = x->r->known[f];
        if (known >= 0 && is_known != known)
            continue;
        aipi_sb_printf(&x->sb, n++ ? ", " : "%s%s: ", pad, label);
        aipi_sb_puts(&x->sb, x->kb->facts[f].id);
        if (known == 0)
            aipi_sb_printf(&x->sb, " (%s)",
                           aipi_text_get(&x->kb->facts[f].label, x->lang));
        else if (is_known) {
            aipi_sb_puts(&x->sb, " = ");
            put_value(x, f);
        } else
            aipi_sb_printf(&x->sb, " = %s", x->W->unknown);
    }
    if (n)
        aipi_sb_putc(&x->sb, '\n');
}

/* ---- rules ---------------------------------------------------------------------- */

/* The rule's entry in the result: fired (TV_TRUE), undetermined
 * (TV_UNKNOWN), or NULL when it was false or not part of the law. */
static const aipi_res_rule *rule_entry(const aipi_res_reg *rr, uint32_t rule)
{
    for (uint32_t i = 0; i < rr->nfired; i++)
        if (rr->fired[i].rule == rule)
            return &rr->fired[i];
    for (uint32_t i = 0; i < rr->nundetermined; i++)
        if (rr->undetermined[i].rule == rule)
            return &rr->undetermined[i];
    return NULL;
}

/* "<pad><marker> <what>: title [ref]", then its URL and the facts it read. */
static void put_rule(ex *x, const char *pad, const aipi_res_rule *e,
                     const aipi_rule *rule, const char *what)
{
    aipi_sb_printf(&x->sb, "%s%c %s%s%s [%s]\n", pad,
                   e->tv == TV_TRUE ? '+' : '?', what ? what : "",
                   what ? ": " : "", aipi_text_get(&rule->title, x->lang),
                   rule->cite.ref);
    aipi_sb_printf(&x->sb, "%s    %s\n", pad, rule->cite.url);
    put_facts(x, "        ", x->W->facts, rule, -1);
}

/* ---- sections -------------------------------------------------------------------- */

static void put_scope(ex *x, const aipi_regulation *g, const aipi_res_reg *rr)
{
    const words *W = x->W;
    const char *status = rr->applicability == AIP_APPLIES ? W->applies
                       : rr->applicability == AIP_DOES_NOT_APPLY
                           ? W->not_applies : W->undetermined;
    aipi_sb_printf(&x->sb, "  %s: %s\n", W->applicability, status);
    int has_scope = 0, in_true = 0;
    for (uint32_t r = 0; r < g->nrules; r++)
        has_scope |= g->rules[r].scope != SCOPE_NONE;
    for (uint32_t i = 0; i < rr->nscope; i++) {
        const aipi_res_rule *e = &rr->scope[i];
        const aipi_rule *rule = &g->rules[e->rule];
        int in = rule->scope == SCOPE_IN, sure = e->tv == TV_TRUE;
        in_true |= in && sure;
        if (sure)
            put_rule(x, "    ", e, rule, in ? W->in_scope : W->out_scope);
        else
            aipi_sb_printf(&x->sb, "    ? %s: %s [%s]\n",
                           in ? W->maybe_in : W->maybe_out,
                           aipi_text_get(&rule->title, x->lang),
                           rule->cite.ref);
    }
    if (!has_scope)
        aipi_sb_printf(&x->sb, "    (%s)\n", W->no_scope_rule);
    else if (!in_true && rr->applicability == AIP_DOES_NOT_APPLY)
        aipi_sb_printf(&x->sb, "    (%s)\n", W->nothing_in);
}

static void put_dimension(ex *x, const aipi_regulation *g,
                          const aipi_res_reg *rr, uint32_t d)
{
    const aipi_dimension *dim = &g->dims[d];
    const aipi_dim_state *st = &rr->dims[d];
    const char *lang = x->lang;
    aipi_sb_printf(&x->sb, "  %s: %s", aipi_text_get(&dim->title, lang),
                   aipi_text_get(&dim->value_labels[st->floor], lang));
    if (st->floor == st->ceiling)
        aipi_sb_printf(&x->sb, " (%s)\n", x->W->determined);
    else
        aipi_sb_printf(&x->sb, " (%s %s)\n", x->W->could_rise,
                       aipi_text_get(&dim->value_labels[st->ceiling], lang));
    int raised = 0;
    for (uint32_t i = 0; i < rr->nfired; i++) {
        const aipi_rule *rule = &g->rules[rr->fired[i].rule];
        for (uint32_t k = 0; k < rule->nraise; k++) {
            if (rule->raise[k].dim != d)
                continue;
            const char *label =
                aipi_text_get(&dim->value_labels[rule->raise[k].value], lang);
            char what[512], from[11];
            aipi_date_format(rr->fired[i].from, from);
            if (rr->fired[i].status == AIP_IN_FORCE)
                snprintf(what, sizeof what, "%s %s %s", x->W->raised_to,
                         label, x->W->by);
            else
                snprintf(what, sizeof what, "%s %s %s %s", x->W->will_raise,
                         label, x->W->from, from);
            put_rule(x, "    ", &rr->fired[i], rule, what);
            raised = 1;
        }
    }
    if (!raised)
        aipi_sb_printf(&x->sb, "    (%s)\n", x->W->default_value);
}

static void put_obligation(ex *x, const aipi_regulation *g,
                           const aipi_res_obligation *ro)
{
    const aipi_obligation *ob = &g->obligations[ro->obligation];
    aipi_sb_printf(&x->sb, "        - %s [%s]",
                   aipi_text_get(&ob->title, x->lang), ob->cite.ref);
    /* Two obligations may share a title, one per role. */
    if (ob->role != AIPI_NONE)
        aipi_sb_printf(&x->sb, " (%s)",
                       aipi_text_get(&x->kb->facts[g->role_fact]
                                          .value_labels[ob->role], x->lang));
    aipi_sb_printf(&x->sb, ": %s %s%s%s\n",
                   ro->status == AIP_IN_FORCE ? x->W->in_force
                                              : x->W->upcoming,
                   ro->from_str, ro->certain ? "" : "; ",
                   ro->certain ? "" : x->W->possible);
}

/* Obligations under the rule that dated them, rules in the order their
 * first obligation appears, so the output follows the knowledge. */
static void put_obligations(ex *x, const aipi_regulation *g,
                            const aipi_res_reg *rr)
{
    aipi_sb_printf(&x->sb, "  %s:%s%s\n", x->W->obligations,
                   rr->nobligations ? "" : " ",
                   rr->nobligations ? "" : x->W->none);
    for (uint32_t i = 0; i < rr->nobligations; i++) {
        uint32_t rule = rr->obligations[i].rule;
        int seen = 0;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = rr->obligations[j].rule == rule;
        if (seen)
            continue;
        /* The dating rule is always true or unknown; should it be neither,
         * its obligations are still shown, without the rule. */
        const aipi_res_rule *e = rule_entry(rr, rule);
        if (e)
            put_rule(x, "    ", e, &g->rules[rule], NULL);
        for (uint32_t j = i; j < rr->nobligations; j++)
            if (rr->obligations[j].rule == rule)
                put_obligation(x, g, &rr->obligations[j]);
    }
}

static void put_undetermined(ex *x, const aipi_regulation *g,
                             const aipi_res_reg *rr)
{
    if (!rr->nundetermined)
        return;
    aipi_sb_printf(&x->sb, "  %s:\n", x->W->not_decided);
    for (uint32_t i = 0; i < rr->nundetermined; i++) {
        const aipi_rule *rule = &g->rules[rr->undetermined[i].rule];
        int unknown = 0;
        for (uint32_t k = 0; k < rule->nfacts; k++)
            unknown |= !x->r->known[rule->facts[k]];
        aipi_sb_printf(&x->sb, "    ? %s [%s]\n        %s\n",
                       aipi_text_get(&rule->title, x->lang), rule->cite.ref,
                       rule->cite.url);
        if (!unknown)
            aipi_sb_printf(&x->sb, "        (%s)\n", x->W->dims_only);
        put_facts(x, "        ", x->W->unknown_facts, rule, 0);
        put_facts(x, "        ", x->W->known_facts, rule, 1);
    }
}

static void put_regulation(ex *x, const aipi_res_reg *rr)
{
    const aipi_regulation *g = &x->kb->regs[rr->reg];
    const aipi_version *v = &g->versions[rr->version];
    aipi_sb_printf(&x->sb, "\n== %s [%s] ==\n",
                   aipi_text_get(&g->title, x->lang), g->id);
    aipi_sb_printf(&x->sb, "  %s: %s (%s)\n", x->W->law,
                   aipi_text_get(&v->title, x->lang), v->id);
    put_scope(x, g, rr);
    for (uint32_t d = 0; d < g->ndims; d++)
        put_dimension(x, g, rr, d);
    put_obligations(x, g, rr);
    put_undetermined(x, g, rr);
}

int aip_result_explain(const aip_result *r, const char *lang, char **out,
                       size_t *len)
{
    if (!r || !out || (lang && strcmp(lang, "en") && strcmp(lang, "fr")))
        return AIP_EINVAL;
    ex x = { .r = r, .kb = r->kb, .lang = lang ? lang : "en" };
    x.W = strcmp(x.lang, "fr") == 0 ? &FR : &EN;
    aipi_sb_init(&x.sb, &r->kb->alloc);
    uint32_t given = 0;
    for (uint32_t f = 0; f < r->kb->nfacts; f++)
        given += r->known[f] != 0;
    aipi_sb_printf(&x.sb, "%s %s\n%s: %s\n%s: %u/%u\n", x.W->title,
                   r->as_of_str, x.W->knowledge, r->kb->fingerprint,
                   x.W->given, given, r->kb->nfacts);
    for (uint32_t i = 0; i < r->nregs; i++)
        put_regulation(&x, &r->regs[i]);
    return aipi_sb_finish(&x.sb, out, len);
}
