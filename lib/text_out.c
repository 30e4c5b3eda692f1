/*
 * text_out.c - a result as a report for people, in English or French.
 * The knowledge supplies titles in both languages; the few words of the
 * report's own frame are in the table below.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "result.h"
#include "strbuf.h"

typedef struct words {
    const char *as_of, *law, *applies, *not_applies, *undetermined,
        *obligations, *none, *in_force, *upcoming, *from, *possible, *rules,
        *notes, *missing, *penalty, *up_to, *not_certain, *will_be, *role,
        *within, *every, *after, *knowledge, *per;
} words;

static const words EN = {
    "As of", "Law in force", "Applies", "Does not apply",
    "Undetermined (facts missing)", "Obligations", "none", "in force",
    "upcoming", "from", "possible, depends on missing facts",
    "Why (rules that fired)", "Notes", "Facts still needed (most decisive first)",
    "Penalty ceiling", "up to", "not certain: facts missing", "will be",
    "role", "within", "every", "after", "Knowledge", "per"
};

static const words FR = {
    "À la date du", "Droit en vigueur", "S'applique", "Ne s'applique pas",
    "Indéterminé (faits manquants)", "Obligations", "aucune", "en vigueur",
    "à venir", "à partir du", "possible, selon les faits manquants",
    "Pourquoi (règles appliquées)", "Remarques",
    "Faits encore nécessaires (les plus décisifs d'abord)",
    "Plafond de sanction", "jusqu'à", "incertain : faits manquants", "sera",
    "rôle", "dans un délai de", "tous les", "après", "Connaissances", "par"
};

static const char *unit_name(aipi_unit u, uint32_t amount, int fr)
{
    static const char *const en[2][5] = {
        { "hour", "day", "week", "month", "year" },
        { "hours", "days", "weeks", "months", "years" } };
    static const char *const french[2][5] = {
        { "heure", "jour", "semaine", "mois", "an" },
        { "heures", "jours", "semaines", "mois", "ans" } };
    int plural = amount > 1;
    return fr ? french[plural][u] : en[plural][u];
}

static void put_amount(aipi_strbuf *sb, double x, const char *currency)
{
    /* Thousands separated by spaces: 35 000 000 EUR. */
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", floor(x));
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            aipi_sb_putc(sb, ' ');
        aipi_sb_putc(sb, digits[i]);
    }
    if (currency)
        aipi_sb_printf(sb, " %s", currency);
}

static void put_obligation(aipi_strbuf *sb, const words *W, const char *lang,
                           const aip_kb *kb, const aipi_regulation *g,
                           const aipi_res_obligation *ro)
{
    const aipi_obligation *ob = &g->obligations[ro->obligation];
    int fr = strcmp(lang, "fr") == 0;
    aipi_sb_printf(sb, "  - %s [%s]", aipi_text_get(&ob->title, lang),
                   ob->cite.ref);
    if (ob->role != AIPI_NONE)
        aipi_sb_printf(sb, " (%s: %s)", W->role,
                       aipi_text_get(&kb->facts[g->role_fact].value_labels[ob->role],
                                     lang));
    aipi_sb_printf(sb, "\n      %s %s %s", ro->status == AIP_IN_FORCE
                                               ? W->in_force : W->upcoming,
                   W->from, ro->from_str);
    if (!ro->certain)
        aipi_sb_printf(sb, "; %s", W->possible);
    aipi_sb_putc(sb, '\n');
    for (uint32_t i = 0; i < ob->ndeadlines; i++) {
        const aipi_deadline *d = &ob->deadlines[i];
        aipi_sb_printf(sb, "      %s %u %s", d->every ? W->every : W->within,
                       d->amount, unit_name(d->unit, d->amount, fr));
        if (d->after.en)
            aipi_sb_printf(sb, " %s %s", W->after,
                           aipi_text_get(&d->after, lang));
        if (d->kase.en)
            aipi_sb_printf(sb, " (%s)", aipi_text_get(&d->kase, lang));
        aipi_sb_putc(sb, '\n');
    }
}

static void put_dimensions(aipi_strbuf *sb, const words *W, const char *lang,
                           const aipi_regulation *g, const aipi_res_reg *rr)
{
    for (uint32_t d = 0; d < g->ndims; d++) {
        const aipi_dimension *dim = &g->dims[d];
        aipi_sb_printf(sb, "  %s: %s", aipi_text_get(&dim->title, lang),
                       aipi_text_get(&dim->value_labels[rr->dims[d].floor],
                                     lang));
        if (rr->dims[d].floor != rr->dims[d].ceiling)
            aipi_sb_printf(sb, " .. %s (%s)",
                           aipi_text_get(&dim->value_labels[rr->dims[d].ceiling],
                                         lang), W->undetermined);
        aipi_sb_putc(sb, '\n');
        for (uint32_t i = 0; i < rr->nupcoming; i++)
            if (rr->upcoming[i].dim == d) {
                char from[11];
                aipi_date_format(rr->upcoming[i].from, from);
                aipi_sb_printf(sb, "    %s %s %s %s [%s]\n", W->will_be,
                               aipi_text_get(&dim->value_labels[rr->upcoming[i].value],
                                             lang), W->from, from,
                               g->rules[rr->upcoming[i].rule].cite.ref);
            }
    }
}

/* The "per" word of the regime that sets the ceiling (e.g. "violation"). */
static const char *ceiling_per(const aipi_regulation *g, const aipi_res_reg *rr,
                               const char *lang)
{
    for (uint32_t i = 0; i < rr->npenalties; i++) {
        const aipi_penalty *p = &g->penalties[rr->penalties[i].penalty];
        if (rr->penalties[i].status == AIP_IN_FORCE
            && rr->penalties[i].ceiling == rr->ceiling && p->per.en)
            return aipi_text_get(&p->per, lang);
    }
    return NULL;
}

static void put_regulation(aipi_strbuf *sb, const words *W, const char *lang,
                           const aip_result *r, const aipi_res_reg *rr)
{
    const aip_kb *kb = r->kb;
    const aipi_regulation *g = &kb->regs[rr->reg];
    const char *status = rr->applicability == AIP_APPLIES ? W->applies
                       : rr->applicability == AIP_DOES_NOT_APPLY
                           ? W->not_applies : W->undetermined;
    aipi_sb_printf(sb, "\n== %s ==\n", aipi_text_get(&g->title, lang));
    aipi_sb_printf(sb, "  %s: %s\n", W->law,
                   aipi_text_get(&g->versions[rr->version].title, lang));
    aipi_sb_printf(sb, "  %s\n", status);
    put_dimensions(sb, W, lang, g, rr);
    aipi_sb_printf(sb, "\n  %s:%s\n", W->obligations,
                   rr->nobligations ? "" : " ");
    if (!rr->nobligations)
        aipi_sb_printf(sb, "  - %s\n", W->none);
    for (uint32_t i = 0; i < rr->nobligations; i++)
        put_obligation(sb, W, lang, kb, g, &rr->obligations[i]);
    if (rr->nfired) {
        aipi_sb_printf(sb, "\n  %s:\n", W->rules);
        for (uint32_t i = 0; i < rr->nfired; i++) {
            const aipi_rule *rule = &g->rules[rr->fired[i].rule];
            aipi_sb_printf(sb, "  - %s [%s]%s%s\n",
                           aipi_text_get(&rule->title, lang), rule->cite.ref,
                           rr->fired[i].status == AIP_UPCOMING ? " - " : "",
                           rr->fired[i].status == AIP_UPCOMING ? W->upcoming
                                                               : "");
            aipi_sb_printf(sb, "      %s\n", rule->cite.url);
        }
    }
    int notes = 0;
    for (uint32_t i = 0; i < rr->nfired; i++) {
        const aipi_rule *rule = &g->rules[rr->fired[i].rule];
        if (!rule->note.en)
            continue;
        if (!notes++)
            aipi_sb_printf(sb, "\n  %s:\n", W->notes);
        aipi_sb_printf(sb, "  - %s\n", aipi_text_get(&rule->note, lang));
    }
    if (rr->has_ceiling) {
        aipi_sb_printf(sb, "\n  %s: %s ", W->penalty, W->up_to);
        put_amount(sb, rr->ceiling, rr->currency);
        const char *per = ceiling_per(g, rr, lang);
        if (per)
            aipi_sb_printf(sb, " %s %s", W->per, per);
        if (!rr->ceiling_certain)
            aipi_sb_printf(sb, " (%s)", W->not_certain);
        aipi_sb_putc(sb, '\n');
    }
}

int aip_result_to_text(const aip_result *r, const char *lang, char **out,
                       size_t *len)
{
    if (!r || !out || (lang && strcmp(lang, "en") && strcmp(lang, "fr")))
        return AIP_EINVAL;
    if (!lang)
        lang = "en";
    const words *W = strcmp(lang, "fr") == 0 ? &FR : &EN;
    aipi_strbuf sb;
    aipi_sb_init(&sb, &r->kb->alloc);
    aipi_sb_printf(&sb, "%s: %s\n", W->as_of, r->as_of_str);
    for (uint32_t i = 0; i < r->nregs; i++)
        put_regulation(&sb, W, lang, r, &r->regs[i]);
    if (r->nmissing) {
        aipi_sb_printf(&sb, "\n%s:\n", W->missing);
        for (uint32_t i = 0; i < r->nmissing; i++) {
            const aipi_fact *f = &r->kb->facts[r->missing[i].fact];
            aipi_sb_printf(&sb, "  - %s (%s)\n",
                           aipi_text_get(&f->question, lang), f->id);
        }
    }
    aipi_sb_printf(&sb, "\n%s: %s\n", W->knowledge, r->kb->fingerprint);
    return aipi_sb_finish(&sb, out, len);
}
