/*
 * json_out.c - a result as JSON (shape and stability rules:
 * doc/json-output.md). Output is deterministic: knowledge order, fixed key
 * order, numbers printed the same way on every platform.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "result.h"
#include "strbuf.h"

#define AIP_JSON_FORMAT_VERSION 1

/* ---- a small JSON writer ------------------------------------------------- */

typedef struct jw {
    aipi_strbuf sb;
    int pretty;
    int depth;
    int first[72];               /* per depth: no element written yet */
} jw;

static void jw_indent(jw *w)
{
    if (!w->pretty)
        return;
    aipi_sb_putc(&w->sb, '\n');
    for (int i = 0; i < w->depth; i++)
        aipi_sb_append(&w->sb, "  ", 2);
}

/* Separator before a value in an array, or before a key in an object. */
static void jw_item(jw *w)
{
    if (w->depth == 0)
        return;
    if (!w->first[w->depth])
        aipi_sb_putc(&w->sb, ',');
    w->first[w->depth] = 0;
    jw_indent(w);
}

/* Does the 8-byte word hold a byte that JSON must escape: below 0x20, '"'
 * or '\\'? Bit tricks from "Bit Twiddling Hacks" (haszero / hasless); bytes
 * of UTF-8 sequences (>= 0x80) never match. */
static int word_needs_escape(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t high = UINT64_C(0x8080808080808080);
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;
    uint64_t zero_q = (quote - ones) & ~quote;
    uint64_t zero_b = (backslash - ones) & ~backslash;
    return ((control | zero_q | zero_b) & high) != 0;
}

/* Length of the prefix of s[0..n) that needs no escaping, 8 bytes at a
 * time: the strings are most of the output. */
static size_t plain_prefix(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (word_needs_escape(w))
            break;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            break;
    }
    return i;
}

static void jw_string_raw(jw *w, const char *s)
{
    size_t n = strlen(s);
    aipi_sb_reserve(&w->sb, n + 2);
    aipi_sb_putc(&w->sb, '"');
    while (n > 0) {
        size_t plain = plain_prefix(s, n);
        aipi_sb_append(&w->sb, s, plain);
        s += plain;
        n -= plain;
        if (n == 0)
            break;
        switch (*s) {
        case '"':  aipi_sb_append(&w->sb, "\\\"", 2); break;
        case '\\': aipi_sb_append(&w->sb, "\\\\", 2); break;
        case '\n': aipi_sb_append(&w->sb, "\\n", 2); break;
        case '\r': aipi_sb_append(&w->sb, "\\r", 2); break;
        case '\t': aipi_sb_append(&w->sb, "\\t", 2); break;
        default:
            aipi_sb_printf(&w->sb, "\\u%04x", (unsigned)(unsigned char)*s);
            break;
        }
        s++;
        n--;
    }
    aipi_sb_putc(&w->sb, '"');
}

static void jw_open(jw *w, char c)
{
    aipi_sb_putc(&w->sb, c);
    if (w->depth + 1 < (int)(sizeof w->first / sizeof w->first[0]))
        w->depth++;
    w->first[w->depth] = 1;
}

static void jw_close(jw *w, char c)
{
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty)
        jw_indent(w);
    aipi_sb_putc(&w->sb, c);
}

/* Keys are this file's constants or knowledge ids ([a-z0-9_.-], checked
 * by the loader): they never need escaping. */
static void jw_key(jw *w, const char *key)
{
    jw_item(w);
    aipi_sb_putc(&w->sb, '"');
    aipi_sb_append(&w->sb, key, strlen(key));
    aipi_sb_append(&w->sb, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
}

/* Values inside arrays call jw_item first; after a key they do not. */
static void jw_obj(jw *w)            { jw_open(w, '{'); }
static void jw_obj_end(jw *w)        { jw_close(w, '}'); }
static void jw_arr(jw *w)            { jw_open(w, '['); }
static void jw_arr_end(jw *w)        { jw_close(w, ']'); }
static void jw_str(jw *w, const char *s)
{
    if (s)
        jw_string_raw(w, s);
    else
        aipi_sb_puts(&w->sb, "null");
}
static void jw_bool(jw *w, int b)    { aipi_sb_puts(&w->sb, b ? "true" : "false"); }
static void jw_null(jw *w)           { aipi_sb_puts(&w->sb, "null"); }

static void jw_num(jw *w, double x)
{
    if (!isfinite(x)) {
        aipi_sb_puts(&w->sb, "null");
    } else if (fabs(x) < 1e15 && floor(x) == x) {
        /* Whole numbers (amounts, counts) without printf's float path. */
        char digits[24];
        int64_t v = (int64_t)x;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        size_t k = sizeof digits;
        do
            digits[--k] = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (v < 0)
            digits[--k] = '-';
        aipi_sb_append(&w->sb, digits + k, sizeof digits - k);
    } else {
        aipi_sb_printf(&w->sb, "%.17g", x);
    }
}

static void jw_kstr(jw *w, const char *k, const char *v) { jw_key(w, k); jw_str(w, v); }
static void jw_kbool(jw *w, const char *k, int v)        { jw_key(w, k); jw_bool(w, v); }
static void jw_knum(jw *w, const char *k, double v)      { jw_key(w, k); jw_num(w, v); }

static void jw_kdate(jw *w, const char *k, aipi_date d)
{
    char buf[11];
    aipi_date_format(d, buf);
    jw_kstr(w, k, buf);
}

/* ---- pieces of the result -------------------------------------------------- */

typedef struct ctx {
    jw *w;
    const aip_result *r;
    const aip_kb *kb;
    const char *lang;
} ctx;

static void write_cite(ctx *c, const char *key, const aipi_cite *cite)
{
    jw_key(c->w, key);
    jw_obj(c->w);
    jw_kstr(c->w, "ref", cite->ref);
    jw_kstr(c->w, "url", cite->url);
    jw_obj_end(c->w);
}

static void write_fact_value(ctx *c, uint32_t f)
{
    const aipi_fact *fact = &c->kb->facts[f];
    const aipi_value *v = &c->r->values[f];
    switch (fact->type) {
    case FT_BOOL:   jw_bool(c->w, v->b); break;
    case FT_ENUM:   jw_str(c->w, fact->value_ids[v->e]); break;
    case FT_NUMBER: jw_num(c->w, v->num); break;
    case FT_DATE: {
        char buf[11];
        aipi_date_format(v->date, buf);
        jw_str(c->w, buf);
        break;
    }
    case FT_SET:
        jw_arr(c->w);
        for (uint32_t i = 0; i < fact->nvalues; i++)
            if ((v->set >> i) & 1) {
                jw_item(c->w);
                jw_str(c->w, fact->value_ids[i]);
            }
        jw_arr_end(c->w);
        break;
    }
}

static void write_given_facts(ctx *c)
{
    jw_key(c->w, "facts");
    jw_obj(c->w);
    for (uint32_t f = 0; f < c->kb->nfacts; f++) {
        if (!c->r->known[f])
            continue;
        jw_key(c->w, c->kb->facts[f].id);
        write_fact_value(c, f);
    }
    jw_obj_end(c->w);
}

static const char *status_name(uint8_t status)
{
    return status == AIP_IN_FORCE ? "in_force" : "upcoming";
}

static void write_rule_ref(ctx *c, const aipi_regulation *g,
                           const aipi_res_rule *rr, int with_facts)
{
    const aipi_rule *rule = &g->rules[rr->rule];
    jw_item(c->w);
    jw_obj(c->w);
    jw_kstr(c->w, "id", rule->id);
    jw_kstr(c->w, "title", aipi_text_get(&rule->title, c->lang));
    write_cite(c, "citation", &rule->cite);
    jw_kstr(c->w, "status", status_name(rr->status));
    jw_kdate(c->w, "applies_from", rr->from);
    if (with_facts) {
        jw_key(c->w, "facts");
        jw_obj(c->w);
        for (uint32_t k = 0; k < rule->nfacts; k++) {
            uint32_t f = rule->facts[k];
            jw_key(c->w, c->kb->facts[f].id);
            if (c->r->known[f])
                write_fact_value(c, f);
            else
                jw_null(c->w);
        }
        jw_obj_end(c->w);
    }
    jw_obj_end(c->w);
}

static void write_applicability(ctx *c, const aipi_regulation *g,
                                const aipi_res_reg *rr)
{
    static const char *const names[] = { "does_not_apply", "applies",
                                         "undetermined" };
    jw_key(c->w, "applicability");
    jw_obj(c->w);
    jw_kstr(c->w, "status", names[rr->applicability]);
    jw_key(c->w, "scope_rules");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nscope; i++) {
        const aipi_rule *rule = &g->rules[rr->scope[i].rule];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "id", rule->id);
        jw_kstr(c->w, "scope", rule->scope == SCOPE_IN ? "in" : "out");
        jw_kstr(c->w, "value",
                rr->scope[i].tv == TV_TRUE ? "true" : "unknown");
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

static void write_dimensions(ctx *c, const aipi_regulation *g,
                             const aipi_res_reg *rr)
{
    jw_key(c->w, "dimensions");
    jw_arr(c->w);
    for (uint32_t d = 0; d < g->ndims; d++) {
        const aipi_dimension *dim = &g->dims[d];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "id", dim->id);
        jw_kstr(c->w, "title", aipi_text_get(&dim->title, c->lang));
        jw_kstr(c->w, "value", dim->value_ids[rr->dims[d].floor]);
        jw_kstr(c->w, "label",
                aipi_text_get(&dim->value_labels[rr->dims[d].floor], c->lang));
        jw_kbool(c->w, "determined", rr->dims[d].floor == rr->dims[d].ceiling);
        jw_kstr(c->w, "ceiling", dim->value_ids[rr->dims[d].ceiling]);
        jw_key(c->w, "upcoming");
        jw_arr(c->w);
        for (uint32_t i = 0; i < rr->nupcoming; i++) {
            const aipi_res_upcoming *u = &rr->upcoming[i];
            if (u->dim != d)
                continue;
            jw_item(c->w);
            jw_obj(c->w);
            jw_kstr(c->w, "value", dim->value_ids[u->value]);
            jw_kdate(c->w, "from", u->from);
            jw_kstr(c->w, "rule", g->rules[u->rule].id);
            jw_obj_end(c->w);
        }
        jw_arr_end(c->w);
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static void write_deadlines(ctx *c, const aipi_obligation *ob)
{
    static const char *const units[] = { "hours", "days", "weeks", "months",
                                         "years" };
    jw_key(c->w, "deadlines");
    jw_arr(c->w);
    for (uint32_t i = 0; i < ob->ndeadlines; i++) {
        const aipi_deadline *d = &ob->deadlines[i];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "kind", d->every ? "every" : "within");
        jw_knum(c->w, "amount", d->amount);
        jw_kstr(c->w, "unit", units[d->unit]);
        if (d->after.en)
            jw_kstr(c->w, "after", aipi_text_get(&d->after, c->lang));
        if (d->kase.en)
            jw_kstr(c->w, "case", aipi_text_get(&d->kase, c->lang));
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static void write_obligations(ctx *c, const aipi_regulation *g,
                              const aipi_res_reg *rr)
{
    jw_key(c->w, "obligations");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nobligations; i++) {
        const aipi_res_obligation *ro = &rr->obligations[i];
        const aipi_obligation *ob = &g->obligations[ro->obligation];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "id", ob->id);
        jw_kstr(c->w, "title", aipi_text_get(&ob->title, c->lang));
        if (ob->summary.en)
            jw_kstr(c->w, "summary", aipi_text_get(&ob->summary, c->lang));
        jw_kstr(c->w, "role", ob->role == AIPI_NONE
                                  ? NULL
                                  : c->kb->facts[g->role_fact].value_ids[ob->role]);
        write_cite(c, "citation", &ob->cite);
        jw_kstr(c->w, "status", status_name(ro->status));
        jw_kstr(c->w, "applies_from", ro->from_str);
        jw_kbool(c->w, "certain", ro->certain);
        jw_kstr(c->w, "rule", g->rules[ro->rule].id);
        write_deadlines(c, ob);
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static void write_notes(ctx *c, const aipi_regulation *g,
                        const aipi_res_reg *rr)
{
    jw_key(c->w, "notes");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nfired; i++) {
        const aipi_rule *rule = &g->rules[rr->fired[i].rule];
        if (!rule->note.en)
            continue;
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "rule", rule->id);
        jw_kstr(c->w, "text", aipi_text_get(&rule->note, c->lang));
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static void write_missing_ids(ctx *c, const aipi_res_missing *m, uint32_t n)
{
    jw_key(c->w, "missing_facts");
    jw_arr(c->w);
    for (uint32_t i = 0; i < n; i++) {
        jw_item(c->w);
        jw_str(c->w, c->kb->facts[m[i].fact].id);
    }
    jw_arr_end(c->w);
}

static const char *combine_name(aipi_combine k)
{
    return k == COMBINE_LOWER ? "lower" : k == COMBINE_HIGHER ? "higher" : NULL;
}

static void write_penalty_regime(ctx *c, const aipi_res_penalty *rp,
                                 const aipi_penalty *p)
{
    jw_item(c->w);
    jw_obj(c->w);
    jw_kstr(c->w, "id", p->id);
    jw_kstr(c->w, "title", aipi_text_get(&p->title, c->lang));
    write_cite(c, "citation", &p->cite);
    jw_kstr(c->w, "status", status_name(rp->status));
    jw_kdate(c->w, "applies_from", rp->from);
    jw_key(c->w, "amount");
    p->has_amount ? jw_num(c->w, p->amount) : jw_null(c->w);
    jw_key(c->w, "turnover_percent");
    p->has_percent ? jw_num(c->w, p->percent) : jw_null(c->w);
    jw_kstr(c->w, "combine", combine_name(rp->combine));
    if (rp->variant != AIPI_NONE)
        write_cite(c, "variant_citation", &p->variants[rp->variant].cite);
    jw_key(c->w, "turnover");
    rp->has_turnover ? jw_num(c->w, rp->turnover) : jw_null(c->w);
    jw_kstr(c->w, "per", p->per.en ? aipi_text_get(&p->per, c->lang) : NULL);
    jw_knum(c->w, "ceiling", rp->ceiling);
    jw_kstr(c->w, "currency", p->currency);
    jw_kbool(c->w, "certain", rp->certain);
    jw_obj_end(c->w);
}

static void write_penalty(ctx *c, const aipi_regulation *g,
                          const aipi_res_reg *rr)
{
    jw_key(c->w, "penalty");
    if (!rr->npenalties) {
        jw_null(c->w);
        return;
    }
    jw_obj(c->w);
    jw_key(c->w, "ceiling");
    rr->has_ceiling ? jw_num(c->w, rr->ceiling) : jw_null(c->w);
    jw_kstr(c->w, "currency", rr->currency);
    jw_kbool(c->w, "certain", rr->has_ceiling && rr->ceiling_certain);
    jw_key(c->w, "regimes");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->npenalties; i++)
        write_penalty_regime(c, &rr->penalties[i],
                             &g->penalties[rr->penalties[i].penalty]);
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

static void write_regulation(ctx *c, const aipi_res_reg *rr)
{
    const aipi_regulation *g = &c->kb->regs[rr->reg];
    jw_item(c->w);
    jw_obj(c->w);
    jw_kstr(c->w, "id", g->id);
    jw_kstr(c->w, "title", aipi_text_get(&g->title, c->lang));
    jw_kstr(c->w, "jurisdiction", g->jurisdiction);
    jw_kstr(c->w, "law_version", g->versions[rr->version].id);
    write_applicability(c, g, rr);
    write_dimensions(c, g, rr);
    write_obligations(c, g, rr);
    jw_key(c->w, "fired_rules");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nfired; i++)
        write_rule_ref(c, g, &rr->fired[i], 1);
    jw_arr_end(c->w);
    jw_key(c->w, "undetermined_rules");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nundetermined; i++)
        write_rule_ref(c, g, &rr->undetermined[i], 1);
    jw_arr_end(c->w);
    write_notes(c, g, rr);
    write_missing_ids(c, rr->missing, rr->nmissing);
    write_penalty(c, g, rr);
    jw_obj_end(c->w);
}

static void write_provenance(ctx *c)
{
    jw_key(c->w, "provenance");
    jw_obj(c->w);
    jw_kstr(c->w, "library_version", AIP_VERSION);
    jw_kstr(c->w, "knowledge_fingerprint", c->kb->fingerprint);
    jw_kstr(c->w, "as_of", c->r->as_of_str);
    jw_kstr(c->w, "lang", c->lang);
    jw_key(c->w, "regulations");
    jw_arr(c->w);
    for (uint32_t i = 0; i < c->r->nregs; i++) {
        const aipi_res_reg *rr = &c->r->regs[i];
        const aipi_regulation *g = &c->kb->regs[rr->reg];
        const aipi_version *v = &g->versions[rr->version];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "id", g->id);
        jw_kstr(c->w, "law_version", v->id);
        jw_kstr(c->w, "law_version_title", aipi_text_get(&v->title, c->lang));
        jw_kdate(c->w, "law_version_in_force", v->in_force);
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

static void write_missing_details(ctx *c)
{
    jw_key(c->w, "missing_facts");
    jw_arr(c->w);
    for (uint32_t i = 0; i < c->r->nmissing; i++) {
        const aipi_res_missing *m = &c->r->missing[i];
        const aipi_fact *f = &c->kb->facts[m->fact];
        jw_item(c->w);
        jw_obj(c->w);
        jw_kstr(c->w, "id", f->id);
        jw_kstr(c->w, "label", aipi_text_get(&f->label, c->lang));
        jw_kstr(c->w, "question", aipi_text_get(&f->question, c->lang));
        jw_knum(c->w, "score", m->score);
        jw_kbool(c->w, "relevant", m->relevance == TV_TRUE);
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static int lang_ok(const char *lang)
{
    return !lang || strcmp(lang, "en") == 0 || strcmp(lang, "fr") == 0;
}

int aip_result_to_json(const aip_result *r, const char *lang, unsigned flags,
                       char **out, size_t *len)
{
    if (!r || !out || !lang_ok(lang) || (flags & ~(unsigned)AIP_JSON_PRETTY))
        return AIP_EINVAL;
    jw w;
    memset(&w, 0, sizeof w);
    aipi_sb_init(&w.sb, &r->kb->alloc);
    w.pretty = (flags & AIP_JSON_PRETTY) != 0;
    ctx c = { &w, r, r->kb, lang ? lang : "en" };
    jw_obj(&w);
    jw_kstr(&w, "format", "aipolicy-result");
    jw_knum(&w, "format_version", AIP_JSON_FORMAT_VERSION);
    write_provenance(&c);
    write_given_facts(&c);
    jw_key(&w, "regulations");
    jw_arr(&w);
    for (uint32_t i = 0; i < r->nregs; i++)
        write_regulation(&c, &r->regs[i]);
    jw_arr_end(&w);
    write_missing_details(&c);
    jw_obj_end(&w);
    if (w.pretty)
        aipi_sb_putc(&w.sb, '\n');
    return aipi_sb_finish(&w.sb, out, len);
}
