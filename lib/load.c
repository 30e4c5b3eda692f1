/*
 * load.c - the loader's entry point, top-level documents, facts, and the
 * schema helpers shared by load_cond.c and load_regulation.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "sha256.h"

/* ---- schema helpers ------------------------------------------------------ */

int aipi_ld_fail(aipi_loader *L, const ydoc_node *n, int code,
                 const char *fmt, ...)
{
    char msg[AIPI_ERR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return aipi_ydoc_fail(L->err, L->doc, n, code, "%s", msg);
}

int aipi_ld_oom(aipi_loader *L, const ydoc_node *n)
{
    return aipi_ld_fail(L, n, AIP_ENOMEM, "out of memory");
}

static const char *kind_name(const ydoc_node *n)
{
    switch (n->kind) {
    case YD_MAP: return "a mapping";
    case YD_SEQ: return "a list";
    default:     return "a scalar";
    }
}

static int in_list(const char *key, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(key, *list) == 0)
            return 1;
    return 0;
}

int aipi_ld_keys(aipi_loader *L, const ydoc_node *n,
                 const char *const *allowed, const char *const *required)
{
    if (n->kind != YD_MAP)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "expected a mapping, found %s",
                            kind_name(n));
    for (size_t i = 0; i < n->count; i++) {
        if (!in_list(n->keys[i]->str, allowed)) {
            char list[256] = "";
            size_t used = 0;
            for (const char *const *a = allowed; a && *a && used < sizeof list;
                 a++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 used ? ", " : "", *a);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            return aipi_ld_fail(L, n->keys[i], AIP_ESCHEMA,
                                "unknown key '%s' (expected one of: %s)",
                                n->keys[i]->str, list);
        }
    }
    for (; required && *required; required++)
        if (!aipi_ydoc_get(n, *required))
            return aipi_ld_fail(L, n, AIP_ESCHEMA,
                                "missing required key '%s'", *required);
    return AIP_OK;
}

int aipi_ld_seq(aipi_loader *L, const ydoc_node *n, const char *what)
{
    if (n->kind != YD_SEQ)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "%s must be a list, found %s",
                            what, kind_name(n));
    return AIP_OK;
}

static int scalar(aipi_loader *L, const ydoc_node *n, const char *what)
{
    if (n->kind != YD_SCALAR)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "%s expected, found %s", what,
                            kind_name(n));
    return AIP_OK;
}

int aipi_ld_id(aipi_loader *L, const ydoc_node *n, const char **out)
{
    int rc = scalar(L, n, "an identifier");
    if (rc != AIP_OK)
        return rc;
    const char *s = n->str;
    int ok = n->len > 0 && n->len <= 64
          && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'));
    for (size_t i = 1; ok && i < n->len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
          || s[i] == '_' || s[i] == '.' || s[i] == '-';
    if (!ok)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "invalid identifier '%s' (lower-case letters, "
                            "digits, '_', '.', '-'; at most 64 bytes)", s);
    char *copy = aipi_arena_strndup(&L->kb->arena, n->str, n->len);
    if (!copy)
        return aipi_ld_oom(L, n);
    *out = copy;
    return AIP_OK;
}

int aipi_ld_string(aipi_loader *L, const ydoc_node *n, const char **out)
{
    int rc = scalar(L, n, "a string");
    if (rc != AIP_OK)
        return rc;
    if (n->len == 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "empty string");
    char *s = aipi_arena_strndup(&L->kb->arena, n->str, n->len);
    if (!s)
        return aipi_ld_oom(L, n);
    *out = s;
    return AIP_OK;
}

int aipi_ld_url(aipi_loader *L, const ydoc_node *n, const char **out)
{
    int rc = aipi_ld_string(L, n, out);
    if (rc == AIP_OK && strncmp(*out, "https://", 8) != 0
        && strncmp(*out, "http://", 7) != 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "'%s' is not a URL (http:// or https://)", *out);
    return rc;
}

int aipi_ld_text(aipi_loader *L, const ydoc_node *n, aipi_text *out)
{
    static const char *const keys[] = { "en", "fr", NULL };
    int rc = aipi_ld_keys(L, n, keys, keys);
    if (rc == AIP_OK)
        rc = aipi_ld_string(L, aipi_ydoc_get(n, "en"), &out->en);
    if (rc == AIP_OK)
        rc = aipi_ld_string(L, aipi_ydoc_get(n, "fr"), &out->fr);
    return rc;
}

int aipi_ld_cite(aipi_loader *L, const ydoc_node *n, aipi_cite *out)
{
    static const char *const keys[] = { "ref", "url", NULL };
    int rc = aipi_ld_keys(L, n, keys, keys);
    if (rc == AIP_OK)
        rc = aipi_ld_string(L, aipi_ydoc_get(n, "ref"), &out->ref);
    if (rc == AIP_OK)
        rc = aipi_ld_url(L, aipi_ydoc_get(n, "url"), &out->url);
    return rc;
}

int aipi_ld_date(aipi_loader *L, const ydoc_node *n, aipi_date *out)
{
    int rc = scalar(L, n, "a date (YYYY-MM-DD)");
    if (rc != AIP_OK)
        return rc;
    if (aipi_date_parse(n->str, n->len, out) != 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "'%s' is not a valid date (YYYY-MM-DD, a real "
                            "calendar day between %d and %d)", n->str,
                            AIPI_DATE_MIN_YEAR, AIPI_DATE_MAX_YEAR);
    return AIP_OK;
}

/* Strict number syntax: what strtod accepts, fully consumed, finite. Hex
 * and inf/nan spellings are refused. */
int aipi_parse_number(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 64)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E'
              || c == '+' || c == '-'))
            return -1;
    }
    char buf[65];
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int aipi_ld_number(aipi_loader *L, const ydoc_node *n, double *out)
{
    int rc = scalar(L, n, "a number");
    if (rc != AIP_OK)
        return rc;
    if (!n->plain || aipi_parse_number(n->str, n->len, out) != 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "'%s' is not a number", n->str);
    return AIP_OK;
}

int aipi_ld_count(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    double v;
    int rc = aipi_ld_number(L, n, &v);
    if (rc != AIP_OK)
        return rc;
    if (v < 0 || v > 1e9 || floor(v) != v)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "'%s' is not a whole number between 0 and 10^9",
                            n->str);
    *out = (uint32_t)v;
    return AIP_OK;
}

int aipi_ld_bool(aipi_loader *L, const ydoc_node *n, int *out)
{
    if (aipi_ydoc_is_scalar(n, "true")) {
        *out = 1;
        return AIP_OK;
    }
    if (aipi_ydoc_is_scalar(n, "false")) {
        *out = 0;
        return AIP_OK;
    }
    if (n->kind != YD_SCALAR)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "true or false expected, found %s", kind_name(n));
    return aipi_ld_fail(L, n, AIP_ESCHEMA, "'%s' is not true or false",
                        n->str);
}

int aipi_ld_intern_ref(aipi_loader *L, const ydoc_node *n,
                       const aipi_intern *names, const char *what,
                       uint32_t *out)
{
    int rc = scalar(L, n, "an identifier");
    if (rc != AIP_OK)
        return rc;
    if (aipi_intern_find(names, n->str, n->len, out) != 0)
        return aipi_ld_fail(L, n, AIP_ENOTFOUND, "unknown %s '%s'", what,
                            n->str);
    return AIP_OK;
}

int aipi_ld_fact_ref(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    return aipi_ld_intern_ref(L, n, &L->kb->fact_index, "fact", out);
}

int aipi_ld_value_ref(aipi_loader *L, const ydoc_node *n,
                      const aipi_fact *fact, uint32_t *out)
{
    int rc = scalar(L, n, "a value id");
    if (rc != AIP_OK)
        return rc;
    if (aipi_intern_find(&fact->values, n->str, n->len, out) != 0)
        return aipi_ld_fail(L, n, AIP_ENOTFOUND,
                            "'%s' is not a value of fact '%s'", n->str,
                            fact->id);
    return AIP_OK;
}

int aipi_ld_find(aipi_loader *L, const ydoc_node *n, const char *const *names,
                 size_t stride, size_t count, const char *what, uint32_t *out)
{
    int rc = scalar(L, n, what);
    if (rc != AIP_OK)
        return rc;
    const char *base = (const char *)names;
    for (size_t i = 0; i < count; i++) {
        const char *name = *(const char *const *)(base + i * stride);
        if (name && strcmp(name, n->str) == 0) {
            *out = (uint32_t)i;
            return AIP_OK;
        }
    }
    return aipi_ld_fail(L, n, AIP_ENOTFOUND, "unknown %s '%s'", what, n->str);
}

/* ---- facts --------------------------------------------------------------- */

int aipi_ld_values(aipi_loader *L, const ydoc_node *n, const char *owner,
                   int allow_help, uint32_t *count, const char ***ids,
                   aipi_text **labels)
{
    static const char *const keys[] = { "id", "label", "help", NULL };
    static const char *const required[] = { "id", "label", NULL };
    int rc = aipi_ld_seq(L, n, "values");
    if (rc != AIP_OK)
        return rc;
    if (n->count == 0 || n->count > AIPI_MAX_VALUES)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "'%s' needs between 1 and %d values", owner,
                            AIPI_MAX_VALUES);
    *ids = aipi_arena_array(&L->kb->arena, n->count, sizeof **ids);
    *labels = aipi_arena_array(&L->kb->arena, n->count, sizeof **labels);
    if (!*ids || !*labels)
        return aipi_ld_oom(L, n);
    for (size_t i = 0; i < n->count; i++) {
        const ydoc_node *v = n->items[i], *help;
        if ((rc = aipi_ld_keys(L, v, allow_help ? keys : required, required))
            || (rc = aipi_ld_id(L, aipi_ydoc_get(v, "id"), &(*ids)[i]))
            || (rc = aipi_ld_text(L, aipi_ydoc_get(v, "label"), &(*labels)[i])))
            return rc;
        aipi_text ignored;
        if ((help = aipi_ydoc_get(v, "help"))
            && (rc = aipi_ld_text(L, help, &ignored)))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp((*ids)[k], (*ids)[i]) == 0)
                return aipi_ld_fail(L, aipi_ydoc_get(v, "id"), AIP_EDUPLICATE,
                                    "duplicate value '%s' in '%s'", (*ids)[i],
                                    owner);
    }
    *count = (uint32_t)n->count;
    return AIP_OK;
}

static int load_fact_values(aipi_loader *L, const ydoc_node *n, aipi_fact *f)
{
    int rc = aipi_ld_values(L, n, f->id, 1, &f->nvalues, &f->value_ids,
                            &f->value_labels);
    if (rc != AIP_OK)
        return rc;
    aipi_intern_init(&f->values, &L->kb->arena);
    for (uint32_t i = 0; i < f->nvalues; i++)
        if (aipi_intern_add(&f->values, f->value_ids[i], i) < 0)
            return aipi_ld_oom(L, n);
    return AIP_OK;
}

static int parse_fact_type(aipi_loader *L, const ydoc_node *n,
                           aipi_fact_type *out)
{
    static const char *const names[] = { "bool", "enum", "set", "number",
                                         "date" };
    if (n->kind == YD_SCALAR)
        for (int i = 0; i < 5; i++)
            if (strcmp(n->str, names[i]) == 0) {
                *out = (aipi_fact_type)i;
                return AIP_OK;
            }
    return aipi_ld_fail(L, n, AIP_ESCHEMA,
                        "fact type must be bool, enum, set, number or date");
}

static int load_fact(aipi_loader *L, const ydoc_node *n, aipi_fact *f)
{
    static const char *const keys[] = { "id", "type", "label", "question",
                                        "help", "values", "unit", "min", "max",
                                        "relevant_if", NULL };
    static const char *const required[] = { "id", "type", "label", "question",
                                            NULL };
    int rc;
    if ((rc = aipi_ld_keys(L, n, keys, required)) != AIP_OK
        || (rc = aipi_ld_id(L, aipi_ydoc_get(n, "id"), &f->id)) != AIP_OK
        || (rc = parse_fact_type(L, aipi_ydoc_get(n, "type"), &f->type))
               != AIP_OK
        || (rc = aipi_ld_text(L, aipi_ydoc_get(n, "label"), &f->label))
               != AIP_OK
        || (rc = aipi_ld_text(L, aipi_ydoc_get(n, "question"), &f->question))
               != AIP_OK)
        return rc;
    const ydoc_node *help = aipi_ydoc_get(n, "help");
    if (help && (rc = aipi_ld_text(L, help, &f->help)) != AIP_OK)
        return rc;
    int enumerated = f->type == FT_ENUM || f->type == FT_SET;
    const ydoc_node *values = aipi_ydoc_get(n, "values");
    if (enumerated && !values)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "fact '%s' of type %s needs 'values'", f->id,
                            f->type == FT_ENUM ? "enum" : "set");
    if (!enumerated && values)
        return aipi_ld_fail(L, values, AIP_ESCHEMA,
                            "'values' is only for enum and set facts");
    if (values && (rc = load_fact_values(L, values, f)) != AIP_OK)
        return rc;
    const char *number_keys[] = { "unit", "min", "max" };
    for (int i = 0; i < 3; i++) {
        const ydoc_node *k = aipi_ydoc_get(n, number_keys[i]);
        if (k && f->type != FT_NUMBER)
            return aipi_ld_fail(L, k, AIP_ESCHEMA,
                                "'%s' is only for number facts",
                                number_keys[i]);
    }
    const ydoc_node *k;
    if ((k = aipi_ydoc_get(n, "unit")) && (rc = aipi_ld_string(L, k, &f->unit)))
        return rc;
    if ((k = aipi_ydoc_get(n, "min"))) {
        if ((rc = aipi_ld_number(L, k, &f->min)) != AIP_OK)
            return rc;
        f->has_min = 1;
    }
    if ((k = aipi_ydoc_get(n, "max"))) {
        if ((rc = aipi_ld_number(L, k, &f->max)) != AIP_OK)
            return rc;
        f->has_max = 1;
        if (f->has_min && f->max < f->min)
            return aipi_ld_fail(L, k, AIP_ESCHEMA, "max is below min");
    }
    f->relevant_if = AIPI_NONE;
    return AIP_OK;
}

/* ---- documents ------------------------------------------------------------- */

static int check_document(aipi_loader *L, const ydoc *doc)
{
    static const char *const keys[] = { "schema_version", "facts",
                                        "regulation", NULL };
    static const char *const required[] = { "schema_version", NULL };
    L->doc = doc;
    if (!doc->root) {
        aipi_err_set(L->err, AIP_ESCHEMA, "empty document: a knowledge file "
                     "needs at least 'schema_version'");
        aipi_err_at(L->err, doc->name, 1, 1, "/");
        return AIP_ESCHEMA;
    }
    int rc = aipi_ld_keys(L, doc->root, keys, required);
    if (rc != AIP_OK)
        return rc;
    const ydoc_node *v = aipi_ydoc_get(doc->root, "schema_version");
    uint32_t version;
    if ((rc = aipi_ld_count(L, v, &version)) != AIP_OK)
        return rc;
    if (version != AIP_SCHEMA_VERSION)
        return aipi_ld_fail(L, v, AIP_EVERSION,
                            "schema_version %u is not supported (this library "
                            "reads version %d)", version, AIP_SCHEMA_VERSION);
    const ydoc_node *facts = aipi_ydoc_get(doc->root, "facts");
    if (facts && (rc = aipi_ld_seq(L, facts, "facts")) != AIP_OK)
        return rc;
    return AIP_OK;
}

static int load_all_facts(aipi_loader *L, const ydoc *docs, size_t ndocs)
{
    aip_kb *kb = L->kb;
    size_t total = 0;
    for (size_t d = 0; d < ndocs; d++) {
        const ydoc_node *facts = aipi_ydoc_get(docs[d].root, "facts");
        total += facts ? facts->count : 0;
    }
    kb->facts = aipi_arena_array(&kb->arena, total ? total : 1,
                                 sizeof *kb->facts);
    if (!kb->facts)
        return aipi_ld_oom(L, NULL);
    int rc;
    for (size_t d = 0; d < ndocs; d++) {
        const ydoc_node *facts = aipi_ydoc_get(docs[d].root, "facts");
        L->doc = &docs[d];
        for (size_t i = 0; facts && i < facts->count; i++) {
            aipi_fact *f = &kb->facts[kb->nfacts];
            if ((rc = load_fact(L, facts->items[i], f)) != AIP_OK)
                return rc;
            int added = aipi_intern_add(&kb->fact_index, f->id, kb->nfacts);
            if (added < 0)
                return aipi_ld_oom(L, facts->items[i]);
            if (added > 0)
                return aipi_ld_fail(L, aipi_ydoc_get(facts->items[i], "id"),
                                    AIP_EDUPLICATE, "duplicate fact '%s'",
                                    f->id);
            kb->nfacts++;
        }
    }
    /* Relevance conditions may name facts declared after them. */
    L->fact_seen = aipi_arena_alloc(&kb->arena, kb->nfacts + 1);
    L->seen = aipi_arena_array(&kb->arena, kb->nfacts + 1, sizeof *L->seen);
    if (!L->fact_seen || !L->seen)
        return aipi_ld_oom(L, NULL);
    uint32_t index = 0;
    for (size_t d = 0; d < ndocs; d++) {
        const ydoc_node *facts = aipi_ydoc_get(docs[d].root, "facts");
        L->doc = &docs[d];
        for (size_t i = 0; facts && i < facts->count; i++, index++) {
            const ydoc_node *c = aipi_ydoc_get(facts->items[i], "relevant_if");
            if (c && (rc = aipi_ld_condition(L, c, &kb->facts[index].relevant_if))
                         != AIP_OK)
                return rc;
            aipi_ld_forget_facts(L);
        }
    }
    return AIP_OK;
}

static int load_all_regulations(aipi_loader *L, const ydoc *docs, size_t ndocs)
{
    aip_kb *kb = L->kb;
    size_t total = 0;
    for (size_t d = 0; d < ndocs; d++)
        total += aipi_ydoc_get(docs[d].root, "regulation") != NULL;
    kb->regs = aipi_arena_array(&kb->arena, total ? total : 1,
                                sizeof *kb->regs);
    if (!kb->regs)
        return aipi_ld_oom(L, NULL);
    for (size_t d = 0; d < ndocs; d++) {
        const ydoc_node *r = aipi_ydoc_get(docs[d].root, "regulation");
        if (!r)
            continue;
        L->doc = &docs[d];
        aipi_regulation *reg = &kb->regs[kb->nregs];
        int rc = aipi_ld_regulation(L, r, reg);
        if (rc != AIP_OK)
            return rc;
        for (uint32_t i = 0; i < kb->nregs; i++)
            if (strcmp(kb->regs[i].id, reg->id) == 0)
                return aipi_ld_fail(L, aipi_ydoc_get(r, "id"), AIP_EDUPLICATE,
                                    "duplicate regulation '%s'", reg->id);
        kb->nregs++;
    }
    return AIP_OK;
}

/* Moves the scratch vectors into the arena. */
static int freeze_pools(aipi_loader *L)
{
    aip_kb *kb = L->kb;
    kb->nconds = (uint32_t)L->nconds;
    kb->conds = aipi_arena_array(&kb->arena, L->nconds + 1, sizeof *kb->conds);
    kb->refs_pool = aipi_arena_array(&kb->arena, L->nrefs + 1,
                                     sizeof *kb->refs_pool);
    if (!kb->conds || !kb->refs_pool)
        return aipi_ld_oom(L, NULL);
    if (L->nconds)
        memcpy(kb->conds, L->conds, L->nconds * sizeof *kb->conds);
    if (L->nrefs)
        memcpy(kb->refs_pool, L->refs, L->nrefs * sizeof *kb->refs_pool);
    return AIP_OK;
}

static void fingerprint(aip_kb *kb, const aipi_source *sources, size_t n)
{
    aipi_sha256 h;
    aipi_sha256_init(&h);
    for (size_t i = 0; i < n; i++)
        aipi_sha256_update(&h, sources[i].data, sources[i].len);
    unsigned char digest[32];
    aipi_sha256_final(&h, digest);
    memcpy(kb->fingerprint, "sha256:", 7);
    for (int i = 0; i < 32; i++)
        snprintf(kb->fingerprint + 7 + 2 * i, 3, "%02x", digest[i]);
}

void aipi_kb_destroy(aip_kb *kb)
{
    if (!kb)
        return;
    aip_allocator alloc = kb->alloc;
    aipi_arena_free(&kb->arena);
    aipi_free(&alloc, kb, sizeof *kb);
}

static int compile_docs(aipi_loader *L, ydoc *docs, size_t ndocs)
{
    int rc = AIP_OK;
    for (size_t d = 0; d < ndocs && rc == AIP_OK; d++)
        rc = check_document(L, &docs[d]);
    if (rc == AIP_OK)
        rc = load_all_facts(L, docs, ndocs);
    if (rc == AIP_OK)
        rc = load_all_regulations(L, docs, ndocs);
    if (rc == AIP_OK)
        rc = freeze_pools(L);
    if (rc == AIP_OK) {
        rc = aipi_sweep_compile(L->kb);
        if (rc == AIP_ELIMIT)
            return aipi_ld_fail(L, NULL, rc, "more than %lu conditions in all",
                                (unsigned long)(AIPI_SWEEP_NODE_MAX - 1));
    }
    if (rc == AIP_OK)
        rc = aipi_plan_compile(L->kb);
    if (rc == AIP_OK)
        rc = aipi_json_prerender(L->kb);
    if (rc == AIP_ENOMEM)
        rc = aipi_ld_oom(L, NULL);
    return rc;
}

int aipi_compile(const aip_allocator *alloc, const aipi_source *sources,
                 size_t nsources, aip_kb **out, aipi_err *err)
{
    aip_kb *kb = aipi_calloc(alloc, 1, sizeof *kb);
    if (!kb)
        return aipi_err_set(err, AIP_ENOMEM, "out of memory");
    kb->alloc = *alloc;
    atomic_init(&kb->refs, 1);
    aipi_arena_init(&kb->arena, &kb->alloc);
    aipi_intern_init(&kb->fact_index, &kb->arena);

    ydoc *docs = aipi_calloc(alloc, nsources + 1, sizeof *docs);
    if (!docs) {
        aipi_kb_destroy(kb);
        return aipi_err_set(err, AIP_ENOMEM, "out of memory");
    }
    int rc = AIP_OK;
    size_t parsed = 0;
    for (; parsed < nsources && rc == AIP_OK; parsed++)
        rc = aipi_ydoc_parse(&docs[parsed], &kb->alloc, sources[parsed].name,
                             sources[parsed].data, sources[parsed].len, NULL,
                             err);
    if (rc != AIP_OK)
        parsed--;   /* a failed parse leaves nothing to free */

    aipi_loader L;
    memset(&L, 0, sizeof L);
    L.kb = kb;
    L.err = err;
    L.alloc = alloc;
    if (rc == AIP_OK)
        rc = compile_docs(&L, docs, nsources);
    if (rc == AIP_OK)
        fingerprint(kb, sources, nsources);

    aipi_free(alloc, L.conds, L.cond_cap * sizeof *L.conds);
    aipi_free(alloc, L.refs, L.ref_cap * sizeof *L.refs);
    aipi_free(alloc, L.cons, L.cons_cap * sizeof *L.cons);
    for (size_t d = 0; d < parsed; d++)
        aipi_ydoc_free(&docs[d]);
    aipi_free(alloc, docs, (nsources + 1) * sizeof *docs);
    if (rc != AIP_OK) {
        aipi_kb_destroy(kb);
        return rc;
    }
    *out = kb;
    return AIP_OK;
}
