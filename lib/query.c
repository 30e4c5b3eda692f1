/*
 * query.c - queries: typed setters and profile documents (doc §6).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "eval.h"
#include "load.h"
#include "ydoc.h"

int aip_query_new(aip_kb *kb, aip_query **out)
{
    if (!kb || !out)
        return AIP_EINVAL;
    const aip_allocator *a = &kb->alloc;
    aip_query *q = aipi_calloc(a, 1, sizeof *q);
    if (!q)
        return AIP_ENOMEM;
    q->known = aipi_calloc(a, kb->nfacts + 1, 1);
    q->values = aipi_calloc(a, kb->nfacts + 1, sizeof *q->values);
    if (!q->known || !q->values) {
        aipi_free(a, q->known, kb->nfacts + 1);
        aipi_free(a, q->values, (kb->nfacts + 1) * sizeof *q->values);
        aipi_free(a, q, sizeof *q);
        return AIP_ENOMEM;
    }
    q->kb = aip_kb_retain(kb);
    *out = q;
    return AIP_OK;
}

void aip_query_free(aip_query *q)
{
    if (!q)
        return;
    aip_kb *kb = q->kb;
    const aip_allocator *a = &kb->alloc;
    aipi_free(a, q->known, kb->nfacts + 1);
    aipi_free(a, q->values, (kb->nfacts + 1) * sizeof *q->values);
    aipi_free(a, q, sizeof *q);
    aip_kb_release(kb);
}

/* ---- setters: names are resolved here, once, never during classify ------- */

static const aipi_fact *find_fact(const aip_query *q, const char *fact,
                                  aipi_fact_type type, uint32_t *index)
{
    if (!q || !fact
        || aipi_intern_find(&q->kb->fact_index, fact, strlen(fact), index))
        return NULL;
    const aipi_fact *f = &q->kb->facts[*index];
    return f->type == type ? f : NULL;
}

static int find_value(const aipi_fact *f, const char *value, uint32_t *out)
{
    return value && aipi_intern_find(&f->values, value, strlen(value), out) == 0
               ? AIP_OK
               : AIP_EINVAL;
}

int aip_query_set_bool(aip_query *q, const char *fact, int value)
{
    uint32_t i;
    if (!find_fact(q, fact, FT_BOOL, &i))
        return AIP_EINVAL;
    q->values[i].b = value != 0;
    q->known[i] = 1;
    return AIP_OK;
}

int aip_query_set_enum(aip_query *q, const char *fact, const char *value)
{
    uint32_t i, v;
    const aipi_fact *f = find_fact(q, fact, FT_ENUM, &i);
    if (!f || find_value(f, value, &v) != AIP_OK)
        return AIP_EINVAL;
    q->values[i].e = v;
    q->known[i] = 1;
    return AIP_OK;
}

int aip_query_add_to_set(aip_query *q, const char *fact, const char *value)
{
    uint32_t i, v;
    const aipi_fact *f = find_fact(q, fact, FT_SET, &i);
    if (!f || find_value(f, value, &v) != AIP_OK)
        return AIP_EINVAL;
    if (!q->known[i])
        q->values[i].set = 0;
    q->values[i].set |= UINT64_C(1) << v;
    q->known[i] = 1;
    return AIP_OK;
}

int aip_query_set_empty(aip_query *q, const char *fact)
{
    uint32_t i;
    if (!find_fact(q, fact, FT_SET, &i))
        return AIP_EINVAL;
    q->values[i].set = 0;
    q->known[i] = 1;
    return AIP_OK;
}

static int number_allowed(const aipi_fact *f, double value)
{
    return isfinite(value) && !(f->has_min && value < f->min)
        && !(f->has_max && value > f->max);
}

int aip_query_set_number(aip_query *q, const char *fact, double value)
{
    uint32_t i;
    const aipi_fact *f = find_fact(q, fact, FT_NUMBER, &i);
    if (!f || !number_allowed(f, value))
        return AIP_EINVAL;
    q->values[i].num = value;
    q->known[i] = 1;
    return AIP_OK;
}

int aip_query_set_date(aip_query *q, const char *fact, const char *yyyy_mm_dd)
{
    uint32_t i;
    aipi_date d;
    if (!find_fact(q, fact, FT_DATE, &i) || !yyyy_mm_dd
        || aipi_date_parse(yyyy_mm_dd, strlen(yyyy_mm_dd), &d) != 0)
        return AIP_EINVAL;
    q->values[i].date = d;
    q->known[i] = 1;
    return AIP_OK;
}

int aip_query_unset(aip_query *q, const char *fact)
{
    uint32_t i;
    if (!q || !fact
        || aipi_intern_find(&q->kb->fact_index, fact, strlen(fact), &i))
        return AIP_EINVAL;
    q->known[i] = 0;
    memset(&q->values[i], 0, sizeof q->values[i]);
    return AIP_OK;
}

int aip_query_set_as_of(aip_query *q, const char *yyyy_mm_dd)
{
    aipi_date d;
    if (!q || !yyyy_mm_dd
        || aipi_date_parse(yyyy_mm_dd, strlen(yyyy_mm_dd), &d) != 0)
        return AIP_EINVAL;
    q->as_of = d;
    q->has_as_of = 1;
    return AIP_OK;
}

/* ---- profiles -------------------------------------------------------------- */

typedef struct profile_reader {
    const aip_kb *kb;
    const ydoc *doc;
    aipi_err *err;
    uint8_t *known;              /* staged: copied into the query on success */
    aipi_value *values;
} profile_reader;

static int profile_fail(profile_reader *p, const ydoc_node *n,
                        const char *fmt, const char *a, const char *b)
{
    return aipi_ydoc_fail(p->err, p->doc, n, AIP_EPROFILE, fmt, a, b);
}

static int is_unknown_word(const ydoc_node *n)
{
    return aipi_ydoc_is_scalar(n, "unknown") || aipi_ydoc_is_scalar(n, "null")
        || aipi_ydoc_is_scalar(n, "~") || (n->kind == YD_SCALAR && n->plain
                                           && n->len == 0);
}

static int read_value_id(profile_reader *p, const ydoc_node *n,
                         const aipi_fact *f, uint32_t *out)
{
    if (n->kind != YD_SCALAR)
        return profile_fail(p, n, "fact '%s': a value id expected%s", f->id,
                            "");
    if (aipi_intern_find(&f->values, n->str, n->len, out) != 0)
        return profile_fail(p, n, "fact '%s': '%s' is not an allowed value",
                            f->id, n->str);
    return AIP_OK;
}

static int read_fact_value(profile_reader *p, const ydoc_node *n,
                           const aipi_fact *f, aipi_value *v)
{
    int rc = AIP_OK;
    switch (f->type) {
    case FT_BOOL:
        if (aipi_ydoc_is_scalar(n, "true"))
            v->b = 1;
        else if (aipi_ydoc_is_scalar(n, "false"))
            v->b = 0;
        else
            rc = profile_fail(p, n, "fact '%s': true or false expected%s",
                              f->id, "");
        break;
    case FT_ENUM:
        rc = read_value_id(p, n, f, &v->e);
        break;
    case FT_SET:
        if (n->kind != YD_SEQ)
            return profile_fail(p, n, "fact '%s': a list of values expected%s",
                                f->id, "");
        v->set = 0;
        for (size_t i = 0; i < n->count && rc == AIP_OK; i++) {
            uint32_t id;
            rc = read_value_id(p, n->items[i], f, &id);
            if (rc == AIP_OK)
                v->set |= UINT64_C(1) << id;
        }
        break;
    case FT_NUMBER:
        if (n->kind != YD_SCALAR || !n->plain
            || aipi_parse_number(n->str, n->len, &v->num) != 0)
            rc = profile_fail(p, n, "fact '%s': a number expected%s", f->id,
                              "");
        else if (!number_allowed(f, v->num))
            rc = profile_fail(p, n, "fact '%s': %s is outside the allowed "
                              "range", f->id, n->str);
        break;
    case FT_DATE:
        if (n->kind != YD_SCALAR
            || aipi_date_parse(n->str, n->len, &v->date) != 0)
            rc = profile_fail(p, n, "fact '%s': a date (YYYY-MM-DD) expected%s",
                              f->id, "");
        break;
    }
    return rc;
}

static int read_facts(profile_reader *p, const ydoc_node *facts)
{
    if (facts->kind != YD_MAP)
        return profile_fail(p, facts, "'facts' must be a mapping%s%s", "", "");
    for (size_t i = 0; i < facts->count; i++) {
        const ydoc_node *key = facts->keys[i], *val = facts->items[i];
        uint32_t index;
        if (aipi_intern_find(&p->kb->fact_index, key->str, key->len, &index))
            return profile_fail(p, key, "unknown fact '%s'%s", key->str, "");
        if (is_unknown_word(val))
            continue;
        int rc = read_fact_value(p, val, &p->kb->facts[index],
                                 &p->values[index]);
        if (rc != AIP_OK)
            return rc;
        p->known[index] = 1;
    }
    return AIP_OK;
}

static int read_profile(profile_reader *p, const ydoc_node *root,
                        int *has_date, aipi_date *date)
{
    static const char *const keys[] = { "profile", "name", "description",
                                        "date", "facts", NULL };
    if (!root || root->kind != YD_MAP)
        return profile_fail(p, root, "a profile must be a mapping%s%s", "",
                            "");
    for (size_t i = 0; i < root->count; i++) {
        int ok = 0;
        for (const char *const *k = keys; *k; k++)
            ok |= strcmp(root->keys[i]->str, *k) == 0;
        if (!ok)
            return profile_fail(p, root->keys[i], "unknown key '%s' (expected "
                                "profile, name, description, date, facts)%s",
                                root->keys[i]->str, "");
    }
    const ydoc_node *v = aipi_ydoc_get(root, "profile");
    if (v && !aipi_ydoc_is_scalar(v, "1"))
        return aipi_ydoc_fail(p->err, p->doc, v, AIP_EVERSION,
                              "profile format '%s' is not supported (1 is)",
                              v->kind == YD_SCALAR ? v->str : "?");
    if ((v = aipi_ydoc_get(root, "date"))) {
        if (v->kind != YD_SCALAR || aipi_date_parse(v->str, v->len, date))
            return profile_fail(p, v, "'date' must be a date (YYYY-MM-DD)%s%s",
                                "", "");
        *has_date = 1;
    }
    v = aipi_ydoc_get(root, "facts");
    return v ? read_facts(p, v) : AIP_OK;
}

int aip_query_parse(aip_query *q, const char *name, const char *data,
                    size_t len, aip_error **err)
{
    if (!q || (!data && len))
        return aipi_fail(q ? &q->kb->alloc : NULL, err, AIP_EINVAL,
                         "query and data are required");
    const aip_kb *kb = q->kb;
    const aip_allocator *a = &kb->alloc;
    aipi_err e;
    aipi_err_clear(&e);
    ydoc doc;
    int rc = aipi_ydoc_parse(&doc, a, name ? name : "<profile>", data ? data : "",
                             len, NULL, &e);
    if (rc != AIP_OK)
        return aipi_err_export(&e, a, err);
    profile_reader p = { kb, &doc, &e, NULL, NULL };
    p.known = aipi_calloc(a, kb->nfacts + 1, 1);
    p.values = aipi_calloc(a, kb->nfacts + 1, sizeof *p.values);
    int has_date = 0;
    aipi_date date = 0;
    if (!p.known || !p.values)
        rc = aipi_err_set(&e, AIP_ENOMEM, "out of memory");
    else
        rc = read_profile(&p, doc.root, &has_date, &date);
    if (rc == AIP_OK) {
        memcpy(q->known, p.known, kb->nfacts);
        memcpy(q->values, p.values, kb->nfacts * sizeof *p.values);
        if (has_date) {
            q->as_of = date;
            q->has_as_of = 1;
        }
    }
    aipi_free(a, p.known, kb->nfacts + 1);
    aipi_free(a, p.values, (kb->nfacts + 1) * sizeof *p.values);
    aipi_ydoc_free(&doc);
    return rc == AIP_OK ? AIP_OK : aipi_err_export(&e, a, err);
}

int aip_query_load_file(aip_query *q, const char *path, aip_error **err)
{
    if (!q || !path)
        return aipi_fail(q ? &q->kb->alloc : NULL, err, AIP_EINVAL,
                         "query and path are required");
    const aip_allocator *a = &q->kb->alloc;
    aipi_err e;
    aipi_err_clear(&e);
    char *data;
    size_t len;
    if (aipi_read_file(a, path, &data, &len, &e) != AIP_OK)
        return aipi_err_export(&e, a, err);
    int rc = aip_query_parse(q, path, data, len, err);
    aipi_free(a, data, len + 1);
    return rc;
}
