/*
 * load_cond.c - compiles conditions (doc/knowledge-format.md §3) into the
 * flat node array of model.h.
 */
#include <string.h>

#include "load.h"

void aipi_ld_reads_fact(aipi_loader *L, uint32_t f)
{
    if (!L->fact_seen[f]) {
        L->fact_seen[f] = 1;
        L->seen[L->nseen++] = f;
    }
}

void aipi_ld_forget_facts(aipi_loader *L)
{
    for (size_t i = 0; i < L->nseen; i++)
        L->fact_seen[L->seen[i]] = 0;
    L->nseen = 0;
}

static const char *const op_names[] = { "eq", "ne", "in", "contains",
                                        "gt", "gte", "lt", "lte" };
#define NOPS 8

/* ---- hash-consing ------------------------------------------------------
 * Identical conditions are compiled once: children are compiled first, so
 * structurally equal subtrees get equal indices, and a node equal to an
 * earlier one reuses it. The evaluator then computes each shared node once
 * per query (sweep.c). Dimension tests are never shared: the same dimension
 * index means a different dimension in each regulation. */

static int has_refs(const aipi_cond *c)
{
    return c->kind == C_ALL || c->kind == C_ANY || c->kind == C_SUM;
}

static uint32_t cond_hash(const aipi_loader *L, const aipi_cond *c)
{
    uint32_t h = 2166136261u;
    uint32_t words[4] = { c->kind | (uint32_t)c->op << 8, c->n, 0, 0 };
    memcpy(&words[2], &c->lit, sizeof c->lit);
    for (int i = 0; i < 4; i++)
        h = (h ^ words[i]) * 16777619u;
    if (!has_refs(c))
        return (h ^ c->a) * 16777619u;
    for (uint32_t i = 0; i < c->n; i++)
        h = (h ^ L->refs[c->a + i]) * 16777619u;
    return h;
}

static int cond_equal(const aipi_loader *L, const aipi_cond *x,
                      const aipi_cond *y)
{
    if (x->kind != y->kind || x->op != y->op || x->n != y->n
        || memcmp(&x->lit, &y->lit, sizeof x->lit) != 0)
        return 0;
    if (!has_refs(x))
        return x->a == y->a;
    return memcmp(L->refs + x->a, L->refs + y->a, x->n * sizeof *L->refs) == 0;
}

/* Slot of c in the table: an equal node's, or the empty one to fill. */
static size_t cons_slot(const aipi_loader *L, const aipi_cond *c)
{
    size_t mask = L->cons_cap - 1, i = cond_hash(L, c) & mask;
    while (L->cons[i] != AIPI_NONE && !cond_equal(L, &L->conds[L->cons[i]], c))
        i = (i + 1) & mask;
    return i;
}

static int cons_grow(aipi_loader *L, const ydoc_node *n)
{
    size_t cap = L->cons_cap ? L->cons_cap * 2 : 1024;
    uint32_t *slots = aipi_malloc(L->alloc, cap * sizeof *slots);
    if (!slots)
        return aipi_ld_oom(L, n);
    memset(slots, 0xFF, cap * sizeof *slots);   /* AIPI_NONE everywhere */
    uint32_t *old = L->cons;
    size_t old_cap = L->cons_cap;
    L->cons = slots;
    L->cons_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != AIPI_NONE)
            L->cons[cons_slot(L, &L->conds[old[i]])] = old[i];
    aipi_free(L->alloc, old, old_cap * sizeof *old);
    return AIP_OK;
}

static int push_cond(aipi_loader *L, const ydoc_node *n, const aipi_cond *c,
                     uint32_t *out)
{
    int shareable = c->kind != C_DIM;
    if (shareable && (L->cons_count + 1) * 2 > L->cons_cap) {
        int rc = cons_grow(L, n);
        if (rc != AIP_OK)
            return rc;
    }
    size_t slot = shareable ? cons_slot(L, c) : 0;
    if (shareable && L->cons[slot] != AIPI_NONE) {
        *out = L->cons[slot];
        /* The children list pushed for c is not needed: the equal node
         * has its own. */
        if (has_refs(c) && c->a + c->n == L->nrefs)
            L->nrefs = c->a;
        return AIP_OK;
    }
    if (L->nconds == L->cond_cap) {
        size_t cap = L->cond_cap ? L->cond_cap * 2 : 256;
        aipi_cond *conds = aipi_realloc(L->alloc, L->conds,
                                        L->cond_cap * sizeof *conds,
                                        cap * sizeof *conds);
        if (!conds)
            return aipi_ld_oom(L, n);
        L->conds = conds;
        L->cond_cap = cap;
    }
    L->conds[L->nconds] = *c;
    *out = (uint32_t)L->nconds++;
    if (shareable) {
        L->cons[slot] = *out;
        L->cons_count++;
    }
    return AIP_OK;
}

static int push_refs(aipi_loader *L, const ydoc_node *n, const uint32_t *refs,
                     size_t count, uint32_t *offset)
{
    if (L->nrefs + count > L->ref_cap) {
        size_t cap = L->ref_cap ? L->ref_cap : 256;
        while (cap < L->nrefs + count)
            cap *= 2;
        uint32_t *r = aipi_realloc(L->alloc, L->refs,
                                   L->ref_cap * sizeof *r, cap * sizeof *r);
        if (!r)
            return aipi_ld_oom(L, n);
        L->refs = r;
        L->ref_cap = cap;
    }
    *offset = (uint32_t)L->nrefs;
    if (count)
        memcpy(L->refs + L->nrefs, refs, count * sizeof *refs);
    L->nrefs += count;
    return AIP_OK;
}

/* The set-membership mask a child contributes when folded, or 0 when it
 * cannot be folded: `contains` on a set fact (any or all), and for `any`
 * also `eq`/`in` on an enum fact (as `in`). */
static uint64_t fold_mask(const aipi_loader *L, const aipi_cond *c,
                          aipi_cond_kind kind)
{
    if (c->kind != C_FACT)
        return 0;
    aipi_fact_type t = L->kb->facts[c->a].type;
    if (t == FT_SET && c->op == OP_CONTAINS)
        return UINT64_C(1) << c->lit.e;
    if (t == FT_SET && c->op == (kind == C_ANY ? OP_CONTAINS_ANY : OP_CONTAINS_ALL))
        return c->lit.set;
    if (kind == C_ANY && t == FT_ENUM && c->op == OP_EQ)
        return UINT64_C(1) << c->lit.e;
    if (kind == C_ANY && t == FT_ENUM && c->op == OP_IN)
        return c->lit.set;
    return 0;
}

/* Folds the children of an all/any that test one set or enum fact into a
 * single mask test per fact. Exact in three-valued logic: tests of one
 * fact are all unknown or all decided together, and Kleene AND/OR are
 * commutative. Long lists such as "any of these Annex III points" become
 * one node. Returns the new number of children. */
static size_t fold_children(aipi_loader *L, const ydoc_node *n, uint32_t *kids,
                            size_t count, aipi_cond_kind kind, int *rc)
{
    size_t out = 0;
    for (size_t i = 0; i < count; i++) {
        aipi_cond c = L->conds[kids[i]];
        uint64_t mask = fold_mask(L, &c, kind);
        size_t group = out;
        for (size_t k = 0; mask && k < out; k++) {
            const aipi_cond *g = &L->conds[kids[k]];
            if (fold_mask(L, g, kind) && g->a == c.a)
                group = k;
        }
        if (!mask || group == out) {
            kids[out++] = kids[i];
            continue;
        }
        /* Merge child i into the group's node (a fresh node, so that no
         * node is shared between two lists). */
        aipi_cond merged = L->conds[kids[group]];
        merged.lit.set = fold_mask(L, &merged, kind) | mask;
        merged.op = (uint8_t)(L->kb->facts[c.a].type == FT_ENUM
                                  ? OP_IN
                                  : kind == C_ANY ? OP_CONTAINS_ANY
                                                  : OP_CONTAINS_ALL);
        if ((*rc = push_cond(L, n, &merged, &kids[group])) != AIP_OK)
            return 0;
    }
    return out;
}

/* all: / any: */
static int compile_list(aipi_loader *L, const ydoc_node *list,
                        aipi_cond_kind kind, uint32_t *out)
{
    int rc = aipi_ld_seq(L, list, kind == C_ALL ? "all" : "any");
    if (rc != AIP_OK)
        return rc;
    uint32_t *kids = aipi_calloc(L->alloc, list->count + 1, sizeof *kids);
    if (!kids)
        return aipi_ld_oom(L, list);
    for (size_t i = 0; i < list->count && rc == AIP_OK; i++)
        rc = aipi_ld_condition(L, list->items[i], &kids[i]);
    size_t n = rc == AIP_OK ? fold_children(L, list, kids, list->count, kind,
                                            &rc)
                            : 0;
    aipi_cond c = { .kind = (uint8_t)kind, .n = (uint32_t)n };
    if (rc == AIP_OK)
        rc = push_refs(L, list, kids, n, &c.a);
    aipi_free(L->alloc, kids, (list->count + 1) * sizeof *kids);
    return rc == AIP_OK ? push_cond(L, list, &c, out) : rc;
}

static int op_named(const char *key)
{
    for (int o = 0; o < NOPS; o++)
        if (strcmp(key, op_names[o]) == 0)
            return o;
    return -1;
}

/* Finds the single comparison key of a fact/sum/dimension condition. Keys
 * are checked first, so that a key the format does not know is named as
 * such, not counted as a comparison too many. */
static int comparison(aipi_loader *L, const ydoc_node *n, const char *operand,
                      aipi_op *op, const ydoc_node **literal)
{
    *literal = NULL;
    for (size_t i = 0; i < n->count; i++) {
        const char *key = n->keys[i]->str;
        int o = op_named(key);
        if (o < 0 && strcmp(key, operand) != 0)
            return aipi_ld_fail(L, n->keys[i], AIP_ESCHEMA,
                                "unknown key '%s' in a condition (expected a "
                                "comparison: eq, ne, in, contains, gt, gte, "
                                "lt, lte)", key);
        if (o < 0)
            continue;
        if (*literal)
            return aipi_ld_fail(L, n->keys[i], AIP_ESCHEMA,
                                "'%s' takes exactly one comparison (eq, ne, "
                                "in, contains, gt, gte, lt, lte)", operand);
        *op = (aipi_op)o;
        *literal = n->items[i];
    }
    if (!*literal)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "missing comparison");
    return AIP_OK;
}

static int bad_op(aipi_loader *L, const ydoc_node *n, aipi_op op,
                  const char *what)
{
    return aipi_ld_fail(L, n, AIP_ESCHEMA, "'%s' cannot compare %s",
                        op_names[op], what);
}

static int is_order_op(aipi_op op)
{
    return op == OP_EQ || op == OP_NE || op == OP_GT || op == OP_GTE
        || op == OP_LT || op == OP_LTE;
}

/* `in: [a, b]` over value ids -> bit mask */
static int value_mask(aipi_loader *L, const ydoc_node *lit,
                      const aipi_fact *fact, const aipi_dimension *dim,
                      uint64_t *mask)
{
    int rc = aipi_ld_seq(L, lit, "'in'");
    if (rc != AIP_OK)
        return rc;
    if (lit->count == 0)
        return aipi_ld_fail(L, lit, AIP_ESCHEMA, "'in' needs at least one value");
    *mask = 0;
    for (size_t i = 0; i < lit->count; i++) {
        uint32_t v;
        if (fact)
            rc = aipi_ld_value_ref(L, lit->items[i], fact, &v);
        else
            rc = aipi_ld_find(L, lit->items[i], dim->value_ids,
                              sizeof *dim->value_ids, dim->nvalues,
                              "dimension value", &v);
        if (rc != AIP_OK)
            return rc;
        *mask |= UINT64_C(1) << v;
    }
    return AIP_OK;
}

static int compile_fact(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    aipi_cond c = { .kind = C_FACT };
    aipi_op op;
    const ydoc_node *lit;
    int rc = comparison(L, n, "fact", &op, &lit);
    if (rc == AIP_OK)
        rc = aipi_ld_fact_ref(L, aipi_ydoc_get(n, "fact"), &c.a);
    if (rc != AIP_OK)
        return rc;
    const aipi_fact *f = &L->kb->facts[c.a];
    aipi_ld_reads_fact(L, c.a);
    c.op = (uint8_t)op;
    switch (f->type) {
    case FT_BOOL:
        if (op != OP_EQ && op != OP_NE)
            return bad_op(L, lit, op, "a bool fact");
        rc = aipi_ld_bool(L, lit, &c.lit.b);
        break;
    case FT_ENUM:
        if (op == OP_IN)
            rc = value_mask(L, lit, f, NULL, &c.lit.set);
        else if (op == OP_EQ || op == OP_NE)
            rc = aipi_ld_value_ref(L, lit, f, &c.lit.e);
        else
            return bad_op(L, lit, op, "an enum fact");
        break;
    case FT_SET:
        if (op != OP_CONTAINS)
            return bad_op(L, lit, op, "a set fact (use contains)");
        rc = aipi_ld_value_ref(L, lit, f, &c.lit.e);
        break;
    case FT_NUMBER:
        if (!is_order_op(op))
            return bad_op(L, lit, op, "a number fact");
        rc = aipi_ld_number(L, lit, &c.lit.num);
        break;
    case FT_DATE:
        if (!is_order_op(op))
            return bad_op(L, lit, op, "a date fact");
        rc = aipi_ld_date(L, lit, &c.lit.date);
        break;
    }
    return rc == AIP_OK ? push_cond(L, n, &c, out) : rc;
}

static int compile_sum(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    aipi_cond c = { .kind = C_SUM };
    aipi_op op;
    const ydoc_node *lit, *list = aipi_ydoc_get(n, "sum");
    int rc = comparison(L, n, "sum", &op, &lit);
    if (rc == AIP_OK)
        rc = aipi_ld_seq(L, list, "sum");
    if (rc != AIP_OK)
        return rc;
    if (list->count == 0)
        return aipi_ld_fail(L, list, AIP_ESCHEMA, "'sum' needs facts");
    if (!is_order_op(op))
        return bad_op(L, lit, op, "a sum");
    uint32_t *facts = aipi_calloc(L->alloc, list->count, sizeof *facts);
    if (!facts)
        return aipi_ld_oom(L, list);
    for (size_t i = 0; i < list->count && rc == AIP_OK; i++) {
        rc = aipi_ld_fact_ref(L, list->items[i], &facts[i]);
        if (rc == AIP_OK && L->kb->facts[facts[i]].type != FT_NUMBER)
            rc = aipi_ld_fail(L, list->items[i], AIP_ESCHEMA,
                              "'sum' adds number facts; '%s' is not one",
                              list->items[i]->str);
        if (rc == AIP_OK)
            aipi_ld_reads_fact(L, facts[i]);
    }
    c.op = (uint8_t)op;
    c.n = (uint32_t)list->count;
    if (rc == AIP_OK)
        rc = aipi_ld_number(L, lit, &c.lit.num);
    if (rc == AIP_OK)
        rc = push_refs(L, list, facts, list->count, &c.a);
    aipi_free(L->alloc, facts, list->count * sizeof *facts);
    return rc == AIP_OK ? push_cond(L, n, &c, out) : rc;
}

static int compile_dimension(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    aipi_cond c = { .kind = C_DIM };
    aipi_op op;
    const ydoc_node *lit, *name = aipi_ydoc_get(n, "dimension");
    if (!L->reg || !L->dim_seen)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "dimension conditions are only allowed in the "
                            "'when' of a rule");
    int rc = comparison(L, n, "dimension", &op, &lit);
    if (rc == AIP_OK && L->reg->ndims == 0)
        rc = aipi_ld_fail(L, name, AIP_ENOTFOUND,
                          "unknown dimension '%s' (the regulation has none)",
                          name->kind == YD_SCALAR ? name->str : "?");
    if (rc == AIP_OK)
        rc = aipi_ld_find(L, name, &L->reg->dims[0].id, sizeof *L->reg->dims,
                          L->reg->ndims, "dimension", &c.a);
    if (rc != AIP_OK)
        return rc;
    const aipi_dimension *dim = &L->reg->dims[c.a];
    L->dim_seen[c.a] = 1;
    c.op = (uint8_t)op;
    if (op == OP_IN)
        rc = value_mask(L, lit, NULL, dim, &c.lit.set);
    else if (op == OP_CONTAINS)
        return bad_op(L, lit, op, "a dimension");
    else
        rc = aipi_ld_find(L, lit, dim->value_ids, sizeof *dim->value_ids,
                          dim->nvalues, "dimension value", &c.lit.e);
    return rc == AIP_OK ? push_cond(L, n, &c, out) : rc;
}

/* all, any, not and known stand alone: the error names the first other
 * key, where it is. */
static int single_key(aipi_loader *L, const ydoc_node *n, const char *key)
{
    for (size_t i = 0; i < n->count; i++)
        if (strcmp(n->keys[i]->str, key) != 0)
            return aipi_ld_fail(L, n->keys[i], AIP_ESCHEMA,
                                "'%s' must be the only key of its condition, "
                                "not with '%s'", key, n->keys[i]->str);
    return AIP_OK;
}

int aipi_ld_condition(aipi_loader *L, const ydoc_node *n, uint32_t *out)
{
    if (n->kind != YD_MAP || n->count == 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "a condition must be a mapping (all, any, not, "
                            "known, fact, sum or dimension)");
    const ydoc_node *v;
    int rc;
    if ((v = aipi_ydoc_get(n, "all")))
        return (rc = single_key(L, n, "all")) ? rc
                                              : compile_list(L, v, C_ALL, out);
    if ((v = aipi_ydoc_get(n, "any")))
        return (rc = single_key(L, n, "any")) ? rc
                                              : compile_list(L, v, C_ANY, out);
    if ((v = aipi_ydoc_get(n, "not"))) {
        aipi_cond c = { .kind = C_NOT, .n = 1 };
        uint32_t child;
        if ((rc = single_key(L, n, "not")) != AIP_OK
            || (rc = aipi_ld_condition(L, v, &child)) != AIP_OK)
            return rc;
        c.a = child;
        return push_cond(L, n, &c, out);
    }
    if ((v = aipi_ydoc_get(n, "known"))) {
        aipi_cond c = { .kind = C_KNOWN };
        if ((rc = single_key(L, n, "known")) != AIP_OK
            || (rc = aipi_ld_fact_ref(L, v, &c.a)) != AIP_OK)
            return rc;
        aipi_ld_reads_fact(L, c.a);
        return push_cond(L, n, &c, out);
    }
    if (aipi_ydoc_get(n, "fact"))
        return compile_fact(L, n, out);
    if (aipi_ydoc_get(n, "sum"))
        return compile_sum(L, n, out);
    if (aipi_ydoc_get(n, "dimension"))
        return compile_dimension(L, n, out);
    return aipi_ld_fail(L, n->keys[0], AIP_ESCHEMA,
                        "unknown condition '%s' (expected all, any, not, "
                        "known, fact, sum or dimension)", n->keys[0]->str);
}
