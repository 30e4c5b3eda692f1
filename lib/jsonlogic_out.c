/*
 * jsonlogic_out.c - the rules of a knowledge base as JsonLogic
 * (https://jsonlogic.com), for running the same rules through another
 * engine (bench/compare runs them through json-logic-js).
 *
 * Only the two-valued part of the semantics is exported: every fact is
 * assumed known, so `known: F` is `true` and Kleene logic reduces to
 * Boolean logic. What is exported, per regulation: its versions, its
 * dimensions and its rules in evaluation order (raisers before readers),
 * each with its `when` as a JsonLogic expression, the dimension values it
 * raises, the versions that contain it and its date of application in each
 * version. A small driver (bench/compare/compare.mjs) computes from that
 * the rules that fire and the dimension values of a profile on a date;
 * scope, obligations, penalties and missing facts are not exported.
 * The format is described in doc/jsonlogic-export.md.
 *
 * Variables: a fact is {"var": ID}; a dimension of the regulation being
 * evaluated is {"var": "@DIM"} holding the index of its current value
 * (0 = least severe). json-logic-js reads "." in a variable name as a path,
 * so an id containing "." is written "#N" (fact N) or "@#N" (dimension N);
 * "#" cannot occur in an id, so these names never collide. Dates are day
 * numbers (days since 1970-01-01), both in the rules and in the data the
 * driver passes, so that they compare as numbers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "model.h"
#include "strbuf.h"

#define AIP_JSONLOGIC_FORMAT_VERSION 1

typedef struct xw {
    const aip_kb *kb;
    aipi_strbuf sb;
    int rc;                      /* AIP_EINTERNAL on a condition not known */
} xw;

static void put(xw *w, const char *s)
{
    aipi_sb_puts(&w->sb, s);
}

/* A JSON string; ids and value names need no escaping, but titles and the
 * fingerprint go through here too. */
static void put_str(xw *w, const char *s)
{
    aipi_sb_putc(&w->sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            aipi_sb_putc(&w->sb, '\\');
            aipi_sb_putc(&w->sb, (char)*p);
        } else if (*p < 0x20) {
            aipi_sb_printf(&w->sb, "\\u%04x", *p);
        } else {
            aipi_sb_putc(&w->sb, (char)*p);
        }
    }
    aipi_sb_putc(&w->sb, '"');
}

/* Shortest decimal that reads back as the same double. */
static void put_num(xw *w, double x)
{
    if (!isfinite(x)) {
        put(w, "null");
        return;
    }
    if (fabs(x) < 1e15 && floor(x) == x) {
        aipi_sb_printf(&w->sb, "%.0f", x);
        return;
    }
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    put(w, buf);
}

/* {"var": NAME} for fact f. */
static void put_fact_var(xw *w, uint32_t f)
{
    const char *id = w->kb->facts[f].id;
    if (strchr(id, '.'))
        aipi_sb_printf(&w->sb, "{\"var\":\"#%u\"}", (unsigned)f);
    else {
        put(w, "{\"var\":");
        put_str(w, id);
        put(w, "}");
    }
}

static void put_dim_name(xw *w, const aipi_regulation *reg, uint32_t d)
{
    const char *id = reg->dims[d].id;
    if (strchr(id, '.'))
        aipi_sb_printf(&w->sb, "\"@#%u\"", (unsigned)d);
    else
        aipi_sb_printf(&w->sb, "\"@%s\"", id);
}

static const char *order_op(uint8_t op)
{
    switch (op) {
    case OP_EQ:  return "==";
    case OP_NE:  return "!=";
    case OP_GT:  return ">";
    case OP_GTE: return ">=";
    case OP_LT:  return "<";
    case OP_LTE: return "<=";
    default:     return NULL;
    }
}

/* {"OP": [LEFT, <number>]}: LEFT is written by the caller between the two
 * calls. */
static int open_cmp(xw *w, uint8_t op)
{
    const char *name = order_op(op);
    if (!name)
        return 0;
    aipi_sb_printf(&w->sb, "{\"%s\":[", name);
    return 1;
}

/* Values of fact f named by the bits of mask, as a JSON array of strings. */
static void put_value_array(xw *w, const aipi_fact *f, uint64_t mask)
{
    put(w, "[");
    int first = 1;
    for (uint32_t v = 0; v < f->nvalues && v < 64; v++) {
        if (!((mask >> v) & 1))
            continue;
        if (!first)
            put(w, ",");
        first = 0;
        put_str(w, f->value_ids[v]);
    }
    put(w, "]");
}

/* {"in": [VALUE, {"var": SET}]} for each value of mask, joined by and/or. */
static void put_contains(xw *w, uint32_t fact, uint64_t mask, const char *join)
{
    const aipi_fact *f = &w->kb->facts[fact];
    int n = 0;
    for (uint32_t v = 0; v < f->nvalues && v < 64; v++)
        n += (int)((mask >> v) & 1);
    if (n == 0) {                /* and of nothing: true; or: false */
        put(w, strcmp(join, "and") == 0 ? "true" : "false");
        return;
    }
    if (n != 1)
        aipi_sb_printf(&w->sb, "{\"%s\":[", join);
    int first = 1;
    for (uint32_t v = 0; v < f->nvalues && v < 64; v++) {
        if (!((mask >> v) & 1))
            continue;
        if (!first)
            put(w, ",");
        first = 0;
        put(w, "{\"in\":[");
        put_str(w, f->value_ids[v]);
        put(w, ",");
        put_fact_var(w, fact);
        put(w, "]}");
    }
    if (n != 1)
        put(w, "]}");
}

static void put_fact_cond(xw *w, const aipi_cond *c)
{
    const aipi_fact *f = &w->kb->facts[c->a];
    switch (f->type) {
    case FT_BOOL:
        if (c->op != OP_EQ && c->op != OP_NE)
            break;
        aipi_sb_printf(&w->sb, "{\"%s\":[", c->op == OP_EQ ? "==" : "!=");
        put_fact_var(w, c->a);
        put(w, c->lit.b ? ",true]}" : ",false]}");
        return;
    case FT_ENUM:
        if (c->op == OP_IN) {
            put(w, "{\"in\":[");
            put_fact_var(w, c->a);
            put(w, ",");
            put_value_array(w, f, c->lit.set);
            put(w, "]}");
            return;
        }
        if (c->op != OP_EQ && c->op != OP_NE)
            break;
        aipi_sb_printf(&w->sb, "{\"%s\":[", c->op == OP_EQ ? "==" : "!=");
        put_fact_var(w, c->a);
        put(w, ",");
        put_str(w, f->value_ids[c->lit.e]);
        put(w, "]}");
        return;
    case FT_SET:
        if (c->op == OP_CONTAINS) {
            put_contains(w, c->a, UINT64_C(1) << c->lit.e, "and");
            return;
        }
        if (c->op == OP_CONTAINS_ANY || c->op == OP_CONTAINS_ALL) {
            put_contains(w, c->a, c->lit.set,
                         c->op == OP_CONTAINS_ANY ? "or" : "and");
            return;
        }
        break;
    case FT_NUMBER:
    case FT_DATE:
        if (!open_cmp(w, c->op))
            break;
        put_fact_var(w, c->a);
        put(w, ",");
        if (f->type == FT_NUMBER)
            put_num(w, c->lit.num);
        else
            aipi_sb_printf(&w->sb, "%ld", (long)c->lit.date);
        put(w, "]}");
        return;
    }
    w->rc = AIP_EINTERNAL;
    put(w, "null");
}

static void put_cond(xw *w, const aipi_regulation *reg, uint32_t index)
{
    const aip_kb *kb = w->kb;
    const aipi_cond *c = &kb->conds[index];
    switch (c->kind) {
    case C_ALL:
    case C_ANY:
        if (c->n == 0) {
            /* json-logic-js: an empty "and" is not true */
            put(w, c->kind == C_ALL ? "true" : "false");
            return;
        }
        if (c->n == 1) {         /* e.g. a list the compiler folded */
            put_cond(w, reg, kb->refs_pool[c->a]);
            return;
        }
        put(w, c->kind == C_ALL ? "{\"and\":[" : "{\"or\":[");
        for (uint32_t i = 0; i < c->n; i++) {
            if (i)
                put(w, ",");
            put_cond(w, reg, kb->refs_pool[c->a + i]);
        }
        put(w, "]}");
        return;
    case C_NOT:
        put(w, "{\"!\":[");
        put_cond(w, reg, c->a);
        put(w, "]}");
        return;
    case C_KNOWN:
        put(w, "true");          /* every fact is known */
        return;
    case C_FACT:
        put_fact_cond(w, c);
        return;
    case C_SUM:
        if (!open_cmp(w, c->op))
            break;
        put(w, "{\"+\":[");
        for (uint32_t i = 0; i < c->n; i++) {
            if (i)
                put(w, ",");
            put_fact_var(w, kb->refs_pool[c->a + i]);
        }
        put(w, "]},");
        put_num(w, c->lit.num);
        put(w, "]}");
        return;
    case C_DIM:
        if (!reg || c->a >= reg->ndims)
            break;
        if (c->op == OP_IN) {
            put(w, "{\"in\":[{\"var\":");
            put_dim_name(w, reg, c->a);
            put(w, "},[");
            int first = 1;
            for (uint32_t v = 0; v < reg->dims[c->a].nvalues && v < 64; v++)
                if ((c->lit.set >> v) & 1) {
                    aipi_sb_printf(&w->sb, first ? "%u" : ",%u", (unsigned)v);
                    first = 0;
                }
            put(w, "]]}");
            return;
        }
        if (!open_cmp(w, c->op))
            break;
        put(w, "{\"var\":");
        put_dim_name(w, reg, c->a);
        aipi_sb_printf(&w->sb, "},%u]}", (unsigned)c->lit.e);
        return;
    }
    w->rc = AIP_EINTERNAL;
    put(w, "null");
}

static const char *type_name(aipi_fact_type t)
{
    static const char *const names[] = { "bool", "enum", "set", "number",
                                         "date" };
    return (unsigned)t < 5 ? names[t] : "?";
}

static void put_facts(xw *w)
{
    const aip_kb *kb = w->kb;
    put(w, "\"facts\":[");
    for (uint32_t i = 0; i < kb->nfacts; i++) {
        const aipi_fact *f = &kb->facts[i];
        put(w, i ? ",\n{\"id\":" : "\n{\"id\":");
        put_str(w, f->id);
        put(w, ",\"var\":");
        if (strchr(f->id, '.'))
            aipi_sb_printf(&w->sb, "\"#%u\"", (unsigned)i);
        else
            put_str(w, f->id);
        put(w, ",\"type\":");
        put_str(w, type_name(f->type));
        if (f->type == FT_ENUM || f->type == FT_SET) {
            put(w, ",\"values\":");
            put_value_array(w, f, f->nvalues >= 64 ? UINT64_MAX
                                 : (UINT64_C(1) << f->nvalues) - 1);
        }
        if (f->type == FT_NUMBER && f->has_min) {
            put(w, ",\"min\":");
            put_num(w, f->min);
        }
        if (f->type == FT_NUMBER && f->has_max) {
            put(w, ",\"max\":");
            put_num(w, f->max);
        }
        put(w, "}");
    }
    put(w, "]");
}

static void put_rule(xw *w, const aipi_regulation *reg, const aipi_rule *r)
{
    put(w, "{\"id\":");
    put_str(w, r->id);
    if (r->scope != SCOPE_NONE)
        put(w, r->scope == SCOPE_IN ? ",\"scope\":\"in\"" : ",\"scope\":\"out\"");
    aipi_sb_printf(&w->sb, ",\"law\":[%u,", (unsigned)r->law_from);
    if (r->law_until >= reg->nversions)
        put(w, "null]");
    else
        aipi_sb_printf(&w->sb, "%u]", (unsigned)r->law_until);
    /* Without a date of its own, a rule applies from the entry into force
     * of the version that made it law (as in eval.c). */
    aipi_date entry = reg->versions[r->law_from].in_force;
    put(w, ",\"applies_from_day\":[");
    for (uint32_t v = 0; v < reg->nversions; v++)
        aipi_sb_printf(&w->sb, v ? ",%ld" : "%ld",
                       (long)aipi_dated_resolve(&r->applies_from, v, entry));
    put(w, "],\"raise\":{");
    for (uint32_t k = 0; k < r->nraise; k++) {
        const aipi_dimension *d = &reg->dims[r->raise[k].dim];
        if (k)
            put(w, ",");
        put_str(w, d->id);
        put(w, ":");
        put_str(w, d->value_ids[r->raise[k].value]);
    }
    put(w, "},\"when\":");
    put_cond(w, reg, r->when);
    put(w, "}");
}

static void put_regulation(xw *w, const aipi_regulation *reg)
{
    put(w, "{\"id\":");
    put_str(w, reg->id);
    put(w, ",\"versions\":[");
    for (uint32_t v = 0; v < reg->nversions; v++) {
        char date[11];
        aipi_date_format(reg->versions[v].in_force, date);
        put(w, v ? ",{\"id\":" : "{\"id\":");
        put_str(w, reg->versions[v].id);
        aipi_sb_printf(&w->sb, ",\"in_force\":\"%s\",\"in_force_day\":%ld}",
                       date, (long)reg->versions[v].in_force);
    }
    put(w, "],\"dimensions\":[");
    for (uint32_t d = 0; d < reg->ndims; d++) {
        put(w, d ? ",{\"id\":" : "{\"id\":");
        put_str(w, reg->dims[d].id);
        put(w, ",\"var\":");
        put_dim_name(w, reg, d);
        put(w, ",\"values\":[");
        for (uint32_t v = 0; v < reg->dims[d].nvalues; v++) {
            if (v)
                put(w, ",");
            put_str(w, reg->dims[d].value_ids[v]);
        }
        put(w, "]}");
    }
    put(w, "],\"rules\":[");
    for (uint32_t i = 0; i < reg->nrules; i++) {
        put(w, i ? ",\n" : "\n");
        put_rule(w, reg, &reg->rules[reg->eval_order[i]]);
    }
    put(w, "]}");
}

int aip_kb_export_jsonlogic(const aip_kb *kb, char **out, size_t *len)
{
    if (!kb || !out)
        return AIP_EINVAL;
    xw w;
    w.kb = kb;
    w.rc = AIP_OK;
    aipi_sb_init(&w.sb, &kb->alloc);
    aipi_sb_printf(&w.sb,
                   "{\"format\":\"aipolicy-jsonlogic\",\"format_version\":%d,"
                   "\"knowledge_fingerprint\":",
                   AIP_JSONLOGIC_FORMAT_VERSION);
    put_str(&w, kb->fingerprint);
    put(&w, ",\"semantics\":\"two-valued: every fact known; rules in "
            "evaluation order; dates as day numbers since 1970-01-01; "
            "see doc/jsonlogic-export.md\",\n");
    put_facts(&w);
    put(&w, ",\n\"regulations\":[");
    for (uint32_t r = 0; r < kb->nregs; r++) {
        put(&w, r ? ",\n" : "\n");
        put_regulation(&w, &kb->regs[r]);
    }
    put(&w, "]}\n");
    if (w.rc != AIP_OK) {
        aipi_sb_free(&w.sb);
        return w.rc;
    }
    return aipi_sb_finish(&w.sb, out, len);
}
