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

/* The writer's small functions are inlined: they run a few hundred times
 * per result, and a key given as a literal then costs no strlen. */
#if defined(__GNUC__)
#define JW_INLINE inline __attribute__((always_inline))
#else
#define JW_INLINE inline
#endif

static JW_INLINE void jw_indent(jw *w)
{
    if (!w->pretty)
        return;
    aipi_sb_putc(&w->sb, '\n');
    for (int i = 0; i < w->depth; i++)
        aipi_sb_append(&w->sb, "  ", 2);
}

/* Separator before a value in an array, or before a key in an object. */
static JW_INLINE void jw_item(jw *w)
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

/* A fragment opened an object and wrote keys in it: go on inside it. */
static void jw_continue_obj(jw *w)
{
    if (w->depth + 1 < (int)(sizeof w->first / sizeof w->first[0]))
        w->depth++;
    w->first[w->depth] = 0;
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
static JW_INLINE void jw_key(jw *w, const char *key)
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
/* A knowledge identifier ([a-z0-9_.-], checked by the loader), a date or
 * one of this file's constants: nothing to escape. */
static JW_INLINE void jw_id(jw *w, const char *s)
{
    aipi_sb_putc(&w->sb, '"');
    aipi_sb_append(&w->sb, s, strlen(s));
    aipi_sb_putc(&w->sb, '"');
}

static JW_INLINE void jw_bool(jw *w, int b)
{
    if (b)
        aipi_sb_append(&w->sb, "true", 4);
    else
        aipi_sb_append(&w->sb, "false", 5);
}

static JW_INLINE void jw_null(jw *w)
{
    aipi_sb_append(&w->sb, "null", 4);
}

/* Digits of u, with a minus sign when `negative`. */
static void jw_whole(jw *w, uint64_t u, int negative)
{
    char digits[24];
    size_t k = sizeof digits;
    do
        digits[--k] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (negative)
        digits[--k] = '-';
    aipi_sb_append(&w->sb, digits + k, sizeof digits - k);
}

/* Counts and scores: no floating point on the way. */
static void jw_uint(jw *w, uint32_t u)
{
    jw_whole(w, u, 0);
}

static void jw_num(jw *w, double x)
{
    if (!isfinite(x)) {
        aipi_sb_puts(&w->sb, "null");
    } else if (fabs(x) < 1e15 && floor(x) == x) {
        /* Whole numbers (amounts, counts) without printf's float path. */
        int64_t v = (int64_t)x;
        jw_whole(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
    } else {
        aipi_sb_printf(&w->sb, "%.17g", x);
    }
}

static JW_INLINE void jw_kstr(jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_str(w, v);
}

static JW_INLINE void jw_kid(jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_id(w, v);
}

static JW_INLINE void jw_kbool(jw *w, const char *k, int v)
{
    jw_key(w, k);
    jw_bool(w, v);
}

static JW_INLINE void jw_knum(jw *w, const char *k, double v)
{
    jw_key(w, k);
    jw_num(w, v);
}

static void jw_kdate(jw *w, const char *k, aipi_date d)
{
    char buf[11];
    aipi_date_format(d, buf);
    jw_kid(w, k, buf);
}

/* ---- pieces of the result -------------------------------------------------- */

typedef struct ctx {
    jw *w;
    const aip_result *r;
    const aip_kb *kb;
    const char *lang;
    /* Compact output only: the knowledge's pre-rendered parts, and where
     * each given fact was written in the "facts" object, as "id":value
     * (offset, length; length 0 = not there), to be copied from there
     * into the rules that read it. */
    const aipi_json_frags *fr;
    uint32_t *piece_at;          /* 2 per fact */
} ctx;

static void put_frag(jw *w, const aipi_frag *f)
{
    aipi_sb_append(&w->sb, f->s, f->n);
}

/* kb->json_fact[f] is "id":null; its key is all but the null. */
#define FACT_NULL_LEN 4

static void put_fact_key(ctx *c, uint32_t f)
{
    const aipi_frag *p = &c->kb->json_fact[f];
    aipi_sb_append(&c->w->sb, p->s, p->n - FACT_NULL_LEN);
}

#define PUT_LIT(w, lit) aipi_sb_append(&(w)->sb, lit, sizeof lit - 1)

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
    case FT_ENUM:   jw_id(c->w, fact->value_ids[v->e]); break;
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
                jw_id(c->w, fact->value_ids[i]);
            }
        jw_arr_end(c->w);
        break;
    }
}

/* Given fact f as "id":value (compact output): copied from the "facts"
 * object written first. */
static void write_fact_piece(ctx *c, uint32_t f)
{
    const uint32_t *at = &c->piece_at[2 * f];
    if (at[1]) {
        aipi_sb_append_own(&c->w->sb, at[0], at[1]);
        return;
    }
    put_fact_key(c, f);                          /* not recorded */
    write_fact_value(c, f);
}

static void write_given_facts(ctx *c)
{
    aipi_strbuf *sb = &c->w->sb;
    jw_key(c->w, "facts");
    jw_obj(c->w);
    for (uint32_t f = 0; f < c->kb->nfacts; f++) {
        if (!c->r->known[f])
            continue;
        if (!c->fr) {
            jw_key(c->w, c->kb->facts[f].id);
            write_fact_value(c, f);
            continue;
        }
        jw_item(c->w);
        size_t start = sb->len;
        put_fact_key(c, f);
        write_fact_value(c, f);
        if (!sb->failed && sb->len <= UINT32_MAX) {
            c->piece_at[2 * f] = (uint32_t)start;
            c->piece_at[2 * f + 1] = (uint32_t)(sb->len - start);
        }
    }
    jw_obj_end(c->w);
}

static const char *status_name(uint8_t status)
{
    return status == AIP_IN_FORCE ? "in_force" : "upcoming";
}

/* "in_force","applies_from":"YYYY-MM-DD" (or "upcoming"...) as one
 * append: it follows every rule and obligation. */
static void write_status_date(ctx *c, uint8_t status, const char *from)
{
    static const char in_force[] = "\"in_force\",\"applies_from\":\"";
    static const char upcoming[] = "\"upcoming\",\"applies_from\":\"";
    char buf[sizeof in_force + 11];
    memcpy(buf, status == AIP_IN_FORCE ? in_force : upcoming,
           sizeof in_force - 1);
    memcpy(buf + sizeof in_force - 1, from, 10);
    buf[sizeof in_force + 9] = '"';
    aipi_sb_append(&c->w->sb, buf, sizeof buf - 1);
}

/* write_rule_ref from the pre-rendered head (compact output). */
static void write_rule_ref_fast(ctx *c, const aipi_regulation *g, uint32_t reg,
                                const aipi_res_rule *rr, int with_facts)
{
    const aipi_rule *rule = &g->rules[rr->rule];
    jw_item(c->w);
    put_frag(c->w, &c->fr->rule[reg][rr->rule]);
    write_status_date(c, rr->status, rr->from_str);
    if (with_facts) {
        PUT_LIT(c->w, ",\"facts\":{");
        for (uint32_t k = 0; k < rule->nfacts; k++) {
            uint32_t f = rule->facts[k];
            if (k)
                aipi_sb_putc(&c->w->sb, ',');
            if (c->r->known[f])
                write_fact_piece(c, f);
            else
                put_frag(c->w, &c->kb->json_fact[f]);
        }
        aipi_sb_putc(&c->w->sb, '}');
    }
    aipi_sb_putc(&c->w->sb, '}');
}

/* The head of a rule reference: everything up to the status value. */
static void write_rule_head(ctx *c, const aipi_rule *rule)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", rule->id);
    jw_kstr(c->w, "title", aipi_text_get(&rule->title, c->lang));
    write_cite(c, "citation", &rule->cite);
    jw_key(c->w, "status");
}

static void write_rule_ref(ctx *c, const aipi_regulation *g,
                           const aipi_res_rule *rr, int with_facts)
{
    const aipi_rule *rule = &g->rules[rr->rule];
    uint32_t reg = (uint32_t)(g - c->kb->regs);
    if (c->fr) {
        write_rule_ref_fast(c, g, reg, rr, with_facts);
        return;
    }
    jw_item(c->w);
    write_rule_head(c, rule);
    jw_str(c->w, status_name(rr->status));
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

static void write_scope_head(ctx *c, const aipi_rule *rule)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", rule->id);
    jw_kstr(c->w, "scope", rule->scope == SCOPE_IN ? "in" : "out");
    jw_key(c->w, "value");
}

static void write_applicability(ctx *c, const aipi_regulation *g,
                                const aipi_res_reg *rr)
{
    static const char *const names[] = { "does_not_apply", "applies",
                                         "undetermined" };
    jw_key(c->w, "applicability");
    jw_obj(c->w);
    jw_kid(c->w, "status", names[rr->applicability]);
    jw_key(c->w, "scope_rules");
    jw_arr(c->w);
    uint32_t reg = (uint32_t)(g - c->kb->regs);
    for (uint32_t i = 0; i < rr->nscope; i++) {
        const aipi_rule *rule = &g->rules[rr->scope[i].rule];
        jw_item(c->w);
        if (c->fr) {
            put_frag(c->w, &c->fr->scope[reg][rr->scope[i].rule]);
            if (rr->scope[i].tv == TV_TRUE)
                PUT_LIT(c->w, "\"true\"}");
            else
                PUT_LIT(c->w, "\"unknown\"}");
            continue;
        }
        write_scope_head(c, rule);
        jw_str(c->w, rr->scope[i].tv == TV_TRUE ? "true" : "unknown");
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

static void write_dim_head(ctx *c, const aipi_dimension *dim)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", dim->id);
    jw_kstr(c->w, "title", aipi_text_get(&dim->title, c->lang));
    jw_key(c->w, "value");
}

/* Value v of dim and its label, after the "value" key. */
static void write_dim_value(ctx *c, const aipi_dimension *dim, uint32_t v)
{
    jw_id(c->w, dim->value_ids[v]);
    jw_kstr(c->w, "label", aipi_text_get(&dim->value_labels[v], c->lang));
}

static void write_dimensions(ctx *c, const aipi_regulation *g,
                             const aipi_res_reg *rr)
{
    uint32_t reg = (uint32_t)(g - c->kb->regs);
    jw_key(c->w, "dimensions");
    jw_arr(c->w);
    for (uint32_t d = 0; d < g->ndims; d++) {
        const aipi_dimension *dim = &g->dims[d];
        uint32_t floor = rr->dims[d].floor;
        jw_item(c->w);
        if (c->fr) {
            put_frag(c->w, &c->fr->dim_head[reg][d]);
            put_frag(c->w, &c->fr->dim_value[reg][d * AIPI_MAX_VALUES + floor]);
            jw_continue_obj(c->w);
        } else {
            write_dim_head(c, dim);
            write_dim_value(c, dim, floor);
        }
        jw_kbool(c->w, "determined", floor == rr->dims[d].ceiling);
        jw_kid(c->w, "ceiling", dim->value_ids[rr->dims[d].ceiling]);
        jw_key(c->w, "upcoming");
        jw_arr(c->w);
        for (uint32_t i = 0; i < rr->nupcoming; i++) {
            const aipi_res_upcoming *u = &rr->upcoming[i];
            if (u->dim != d)
                continue;
            jw_item(c->w);
            jw_obj(c->w);
            jw_kid(c->w, "value", dim->value_ids[u->value]);
            jw_kdate(c->w, "from", u->from);
            jw_kid(c->w, "rule", g->rules[u->rule].id);
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

/* An obligation up to its status value, and from its deadlines to its
 * end: the parts that depend on the knowledge only. */
static void write_obligation_head(ctx *c, const aipi_regulation *g,
                                  const aipi_obligation *ob)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", ob->id);
    jw_kstr(c->w, "title", aipi_text_get(&ob->title, c->lang));
    if (ob->summary.en)
        jw_kstr(c->w, "summary", aipi_text_get(&ob->summary, c->lang));
    jw_kstr(c->w, "role", ob->role == AIPI_NONE
                              ? NULL
                              : c->kb->facts[g->role_fact].value_ids[ob->role]);
    write_cite(c, "citation", &ob->cite);
    jw_key(c->w, "status");
}

static void write_obligation_tail(ctx *c, const aipi_obligation *ob)
{
    write_deadlines(c, ob);
    jw_obj_end(c->w);
}

static void write_obligations(ctx *c, const aipi_regulation *g,
                              const aipi_res_reg *rr)
{
    uint32_t reg = (uint32_t)(g - c->kb->regs);
    jw_key(c->w, "obligations");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nobligations; i++) {
        const aipi_res_obligation *ro = &rr->obligations[i];
        const aipi_obligation *ob = &g->obligations[ro->obligation];
        const char *rule_id = g->rules[ro->rule].id;
        jw_item(c->w);
        if (c->fr) {
            put_frag(c->w, &c->fr->ob_head[reg][ro->obligation]);
            write_status_date(c, ro->status, ro->from_str);
            if (ro->certain)
                PUT_LIT(c->w, ",\"certain\":true,\"rule\":\"");
            else
                PUT_LIT(c->w, ",\"certain\":false,\"rule\":\"");
            aipi_sb_append(&c->w->sb, rule_id, strlen(rule_id));
            aipi_sb_putc(&c->w->sb, '"');
            put_frag(c->w, &c->fr->ob_tail[reg][ro->obligation]);
            continue;
        }
        write_obligation_head(c, g, ob);
        jw_str(c->w, status_name(ro->status));
        jw_kstr(c->w, "applies_from", ro->from_str);
        jw_kbool(c->w, "certain", ro->certain);
        jw_kid(c->w, "rule", rule_id);
        write_obligation_tail(c, ob);
    }
    jw_arr_end(c->w);
}

/* A fired rule's note, as one object. */
static void write_note(ctx *c, const aipi_rule *rule)
{
    jw_obj(c->w);
    jw_kid(c->w, "rule", rule->id);
    jw_kstr(c->w, "text", aipi_text_get(&rule->note, c->lang));
    jw_obj_end(c->w);
}

static void write_notes(ctx *c, const aipi_regulation *g,
                        const aipi_res_reg *rr)
{
    uint32_t reg = (uint32_t)(g - c->kb->regs);
    jw_key(c->w, "notes");
    jw_arr(c->w);
    for (uint32_t i = 0; i < rr->nfired; i++) {
        const aipi_rule *rule = &g->rules[rr->fired[i].rule];
        if (!rule->note.en)
            continue;
        jw_item(c->w);
        if (c->fr)
            put_frag(c->w, &c->fr->note[reg][rr->fired[i].rule]);
        else
            write_note(c, rule);
    }
    jw_arr_end(c->w);
}

static void write_missing_ids(ctx *c, const aipi_res_missing *m, uint32_t n)
{
    jw_key(c->w, "missing_facts");
    jw_arr(c->w);
    for (uint32_t i = 0; i < n; i++) {
        jw_item(c->w);
        if (c->fr) {
            /* the pre-rendered "id":null without its colon and null */
            const aipi_frag *id = &c->kb->json_fact[m[i].fact];
            aipi_sb_append(&c->w->sb, id->s, id->n - FACT_NULL_LEN - 1);
        } else {
            jw_str(c->w, c->kb->facts[m[i].fact].id);
        }
    }
    jw_arr_end(c->w);
}

static const char *combine_name(aipi_combine k)
{
    return k == COMBINE_LOWER ? "lower" : k == COMBINE_HIGHER ? "higher" : NULL;
}

/* A penalty regime up to its status value, and its amounts: the parts
 * that depend on the knowledge only. */
static void write_penalty_head(ctx *c, const aipi_penalty *p)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", p->id);
    jw_kstr(c->w, "title", aipi_text_get(&p->title, c->lang));
    write_cite(c, "citation", &p->cite);
    jw_key(c->w, "status");
}

static void write_penalty_amounts(ctx *c, const aipi_penalty *p)
{
    jw_key(c->w, "amount");
    p->has_amount ? jw_num(c->w, p->amount) : jw_null(c->w);
    jw_key(c->w, "turnover_percent");
    p->has_percent ? jw_num(c->w, p->percent) : jw_null(c->w);
}

static void write_penalty_regime(ctx *c, uint32_t reg,
                                 const aipi_res_penalty *rp,
                                 const aipi_penalty *p)
{
    jw_item(c->w);
    if (c->fr) {
        char from[11];
        aipi_date_format(rp->from, from);
        put_frag(c->w, &c->fr->pen_head[reg][rp->penalty]);
        write_status_date(c, rp->status, from);
        put_frag(c->w, &c->fr->pen_amounts[reg][rp->penalty]);
        jw_continue_obj(c->w);
    } else {
        write_penalty_head(c, p);
        jw_id(c->w, status_name(rp->status));
        jw_kdate(c->w, "applies_from", rp->from);
        write_penalty_amounts(c, p);
    }
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
        write_penalty_regime(c, rr->reg, &rr->penalties[i],
                             &g->penalties[rr->penalties[i].penalty]);
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

/* A regulation's object up to its law version, for version v. */
static void write_regulation_head(ctx *c, const aipi_regulation *g, uint32_t v)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", g->id);
    jw_kstr(c->w, "title", aipi_text_get(&g->title, c->lang));
    jw_kstr(c->w, "jurisdiction", g->jurisdiction);
    jw_kid(c->w, "law_version", g->versions[v].id);
}

static void write_regulation(ctx *c, const aipi_res_reg *rr)
{
    const aipi_regulation *g = &c->kb->regs[rr->reg];
    jw_item(c->w);
    if (c->fr) {
        put_frag(c->w, &c->fr->reg_head[rr->reg][rr->version]);
        jw_continue_obj(c->w);
    } else {
        write_regulation_head(c, g, rr->version);
    }
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

/* The provenance of one regulation at version v. */
static void write_law_version(ctx *c, const aipi_regulation *g, uint32_t v)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", g->id);
    jw_kid(c->w, "law_version", g->versions[v].id);
    jw_kstr(c->w, "law_version_title",
            aipi_text_get(&g->versions[v].title, c->lang));
    jw_kdate(c->w, "law_version_in_force", g->versions[v].in_force);
    jw_obj_end(c->w);
}

static void write_provenance(ctx *c)
{
    jw_key(c->w, "provenance");
    jw_obj(c->w);
    jw_kstr(c->w, "library_version", AIP_VERSION);
    jw_kid(c->w, "knowledge_fingerprint", c->kb->fingerprint);
    jw_kid(c->w, "as_of", c->r->as_of_str);
    jw_kid(c->w, "lang", c->lang);
    jw_key(c->w, "regulations");
    jw_arr(c->w);
    for (uint32_t i = 0; i < c->r->nregs; i++) {
        const aipi_res_reg *rr = &c->r->regs[i];
        jw_item(c->w);
        if (c->fr)
            put_frag(c->w, &c->fr->law_version[rr->reg][rr->version]);
        else
            write_law_version(c, &c->kb->regs[rr->reg], rr->version);
    }
    jw_arr_end(c->w);
    jw_obj_end(c->w);
}

static void write_missing_head(ctx *c, const aipi_fact *f)
{
    jw_obj(c->w);
    jw_kid(c->w, "id", f->id);
    jw_kstr(c->w, "label", aipi_text_get(&f->label, c->lang));
    jw_kstr(c->w, "question", aipi_text_get(&f->question, c->lang));
    jw_key(c->w, "score");
}

static void write_missing_details(ctx *c)
{
    jw_key(c->w, "missing_facts");
    jw_arr(c->w);
    for (uint32_t i = 0; i < c->r->nmissing; i++) {
        const aipi_res_missing *m = &c->r->missing[i];
        jw_item(c->w);
        if (c->fr) {
            put_frag(c->w, &c->fr->missing[m->fact]);
            jw_uint(c->w, m->score);
            if (m->relevance == TV_TRUE)
                PUT_LIT(c->w, ",\"relevant\":true}");
            else
                PUT_LIT(c->w, ",\"relevant\":false}");
            continue;
        }
        write_missing_head(c, &c->kb->facts[m->fact]);
        jw_uint(c->w, m->score);
        jw_kbool(c->w, "relevant", m->relevance == TV_TRUE);
        jw_obj_end(c->w);
    }
    jw_arr_end(c->w);
}

static int lang_ok(const char *lang)
{
    return !lang || strcmp(lang, "en") == 0 || strcmp(lang, "fr") == 0;
}

/* Bytes the compact output of c->r will take, about: fragments plus a
 * guess for what is written around them. */
static size_t estimate_size(const ctx *c)
{
    const aip_result *r = c->r;
    size_t n = 4096 + 64 * (size_t)r->kb->nfacts;
    for (uint32_t i = 0; i < r->nregs; i++) {
        const aipi_res_reg *rr = &r->regs[i];
        uint32_t g = rr->reg;
        n += 2048;
        for (uint32_t k = 0; k < rr->nobligations; k++) {
            uint32_t o = rr->obligations[k].obligation;
            n += c->fr->ob_head[g][o].n + c->fr->ob_tail[g][o].n + 96;
        }
        for (uint32_t k = 0; k < rr->nfired; k++)
            n += c->fr->rule[g][rr->fired[k].rule].n
               + c->fr->note[g][rr->fired[k].rule].n + 128;
        for (uint32_t k = 0; k < rr->nundetermined; k++)
            n += c->fr->rule[g][rr->undetermined[k].rule].n + 128;
    }
    for (uint32_t k = 0; k < r->nmissing; k++)
        n += c->fr->missing[r->missing[k].fact].n + 32;
    return n;
}

/* Writes r as JSON; fragments: copy the knowledge's pre-rendered parts
 * (compact output only). Both ways give the same bytes
 * (tests/check_unit.c compares them on every example profile). */
int aipi_json_write(const aip_result *r, const char *lang, unsigned flags,
                    int fragments, char **out, size_t *len)
{
    if (!r || !out || !lang_ok(lang) || (flags & ~(unsigned)AIP_JSON_PRETTY))
        return AIP_EINVAL;
    jw w;
    memset(&w, 0, sizeof w);
    aipi_sb_init(&w.sb, &r->kb->alloc);
    w.pretty = (flags & AIP_JSON_PRETTY) != 0;
    ctx c;
    memset(&c, 0, sizeof c);
    c.w = &w;
    c.r = r;
    c.kb = r->kb;
    c.lang = lang ? lang : "en";
    size_t cache_size = 2 * (size_t)r->kb->nfacts * sizeof *c.piece_at;
    if (fragments && !w.pretty) {
        c.fr = &r->kb->json[strcmp(c.lang, "fr") == 0];
        c.piece_at = aipi_calloc(&r->kb->alloc, 1, cache_size + 1);
        if (!c.piece_at)
            return AIP_ENOMEM;
        /* Results are tens of kilobytes: reserve about what the
         * pre-rendered parts will take, so that the buffer seldom moves. */
        aipi_sb_reserve(&w.sb, estimate_size(&c));
    }
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
    if (c.piece_at)
        aipi_free(&r->kb->alloc, c.piece_at, cache_size + 1);
    return aipi_sb_finish(&w.sb, out, len);
}

int aip_result_to_json(const aip_result *r, const char *lang, unsigned flags,
                       char **out, size_t *len)
{
    return aipi_json_write(r, lang, flags, 1, out, len);
}

/* ---- pre-rendering at load --------------------------------------------------- */

/* Moves what w holds into the knowledge's arena as one fragment. */
static int take_frag(aip_kb *kb, jw *w, aipi_frag *f)
{
    if (w->sb.failed)
        return AIP_ENOMEM;
    f->n = w->sb.len;
    f->s = aipi_arena_strndup(&kb->arena, w->sb.len ? w->sb.data : "",
                              w->sb.len);
    w->sb.len = 0;
    if (w->sb.data)
        w->sb.data[0] = '\0';
    memset(w->first, 0, sizeof w->first);
    w->depth = 0;
    return f->s ? AIP_OK : AIP_ENOMEM;
}

enum { PER_RULE, PER_OBLIGATION, PER_DIM, PER_DIM_VALUE, PER_VERSION,
       PER_PENALTY };

/* A [regulation][item] table of fragments. */
static aipi_frag **frag_table(aip_kb *kb, int per)
{
    aipi_frag **t = aipi_arena_array(&kb->arena, kb->nregs + 1, sizeof *t);
    if (!t)
        return NULL;
    for (uint32_t g = 0; g < kb->nregs; g++) {
        const aipi_regulation *reg = &kb->regs[g];
        size_t n = per == PER_RULE ? reg->nrules
                 : per == PER_OBLIGATION ? reg->nobligations
                 : per == PER_DIM ? reg->ndims
                 : per == PER_VERSION ? reg->nversions
                 : per == PER_PENALTY ? reg->npenalties
                 : (size_t)reg->ndims * AIPI_MAX_VALUES;
        t[g] = aipi_arena_array(&kb->arena, n + 1, sizeof **t);
        if (!t[g])
            return NULL;
    }
    return t;
}

static int prerender_regulation(ctx *c, aip_kb *kb, aipi_json_frags *fr,
                                uint32_t g)
{
    const aipi_regulation *reg = &kb->regs[g];
    int rc = AIP_OK;
    for (uint32_t i = 0; rc == AIP_OK && i < reg->nrules; i++) {
        write_rule_head(c, &reg->rules[i]);
        rc = take_frag(kb, c->w, &fr->rule[g][i]);
    }
    for (uint32_t i = 0; rc == AIP_OK && i < reg->nobligations; i++) {
        write_obligation_head(c, reg, &reg->obligations[i]);
        rc = take_frag(kb, c->w, &fr->ob_head[g][i]);
        if (rc != AIP_OK)
            break;
        /* The tail follows other keys of an open object. */
        jw_continue_obj(c->w);
        write_obligation_tail(c, &reg->obligations[i]);
        rc = take_frag(kb, c->w, &fr->ob_tail[g][i]);
    }
    for (uint32_t i = 0; rc == AIP_OK && i < reg->nrules; i++) {
        if (reg->rules[i].scope == SCOPE_NONE)
            continue;
        write_scope_head(c, &reg->rules[i]);
        rc = take_frag(kb, c->w, &fr->scope[g][i]);
    }
    for (uint32_t i = 0; rc == AIP_OK && i < reg->nrules; i++) {
        if (!reg->rules[i].note.en)
            continue;
        write_note(c, &reg->rules[i]);
        rc = take_frag(kb, c->w, &fr->note[g][i]);
    }
    for (uint32_t p = 0; rc == AIP_OK && p < reg->npenalties; p++) {
        write_penalty_head(c, &reg->penalties[p]);
        rc = take_frag(kb, c->w, &fr->pen_head[g][p]);
        if (rc != AIP_OK)
            break;
        jw_continue_obj(c->w);
        write_penalty_amounts(c, &reg->penalties[p]);
        rc = take_frag(kb, c->w, &fr->pen_amounts[g][p]);
    }
    for (uint32_t v = 0; rc == AIP_OK && v < reg->nversions; v++) {
        write_regulation_head(c, reg, v);
        rc = take_frag(kb, c->w, &fr->reg_head[g][v]);
        if (rc == AIP_OK) {
            write_law_version(c, reg, v);
            rc = take_frag(kb, c->w, &fr->law_version[g][v]);
        }
    }
    for (uint32_t d = 0; rc == AIP_OK && d < reg->ndims; d++) {
        const aipi_dimension *dim = &reg->dims[d];
        write_dim_head(c, dim);
        rc = take_frag(kb, c->w, &fr->dim_head[g][d]);
        for (uint32_t v = 0; rc == AIP_OK && v < dim->nvalues; v++) {
            jw_continue_obj(c->w);
            write_dim_value(c, dim, v);
            rc = take_frag(kb, c->w,
                           &fr->dim_value[g][d * AIPI_MAX_VALUES + v]);
        }
    }
    return rc;
}

static int prerender_language(ctx *c, aip_kb *kb, aipi_json_frags *fr)
{
    fr->rule = frag_table(kb, PER_RULE);
    fr->ob_head = frag_table(kb, PER_OBLIGATION);
    fr->ob_tail = frag_table(kb, PER_OBLIGATION);
    fr->scope = frag_table(kb, PER_RULE);
    fr->note = frag_table(kb, PER_RULE);
    fr->dim_head = frag_table(kb, PER_DIM);
    fr->dim_value = frag_table(kb, PER_DIM_VALUE);
    fr->reg_head = frag_table(kb, PER_VERSION);
    fr->law_version = frag_table(kb, PER_VERSION);
    fr->pen_head = frag_table(kb, PER_PENALTY);
    fr->pen_amounts = frag_table(kb, PER_PENALTY);
    fr->missing = aipi_arena_array(&kb->arena, kb->nfacts + 1,
                                   sizeof *fr->missing);
    if (!fr->rule || !fr->ob_head || !fr->ob_tail || !fr->scope || !fr->note
        || !fr->dim_head || !fr->dim_value || !fr->reg_head
        || !fr->law_version || !fr->pen_head || !fr->pen_amounts
        || !fr->missing)
        return AIP_ENOMEM;
    int rc = AIP_OK;
    for (uint32_t g = 0; rc == AIP_OK && g < kb->nregs; g++)
        rc = prerender_regulation(c, kb, fr, g);
    for (uint32_t f = 0; rc == AIP_OK && f < kb->nfacts; f++) {
        write_missing_head(c, &kb->facts[f]);
        rc = take_frag(kb, c->w, &fr->missing[f]);
    }
    return rc;
}

int aipi_json_prerender(aip_kb *kb)
{
    jw w;
    memset(&w, 0, sizeof w);
    aipi_sb_init(&w.sb, &kb->alloc);
    ctx c;
    memset(&c, 0, sizeof c);
    c.w = &w;
    c.kb = kb;
    int rc = AIP_OK;
    kb->json_fact = aipi_arena_array(&kb->arena, kb->nfacts + 1,
                                     sizeof *kb->json_fact);
    if (!kb->json_fact)
        rc = AIP_ENOMEM;
    for (uint32_t f = 0; rc == AIP_OK && f < kb->nfacts; f++) {
        /* Fact ids never need escaping (the loader checks them). */
        aipi_sb_putc(&w.sb, '"');
        aipi_sb_puts(&w.sb, kb->facts[f].id);
        aipi_sb_append(&w.sb, "\":null", 2 + FACT_NULL_LEN);
        rc = take_frag(kb, &w, &kb->json_fact[f]);
    }
    static const char *const langs[2] = { "en", "fr" };
    for (int l = 0; rc == AIP_OK && l < 2; l++) {
        c.lang = langs[l];
        rc = prerender_language(&c, kb, &kb->json[l]);
    }
    aipi_sb_free(&w.sb);
    return rc;
}
