/*
 * sweep.c - compiles the pure condition nodes into one pass per query and
 * runs it (see sweep.h for why and how).
 */
#include <string.h>

#include "eval.h"
#include "sweep.h"

/* ---- compiling ------------------------------------------------------------ */

/* Which group a fact test goes to, and its mask. */
static int classify_leaf(const aip_kb *kb, const aipi_cond *c, uint64_t *mask)
{
    if (c->kind == C_KNOWN) {
        *mask = 0;
        return LEAF_KNOWN;
    }
    if (c->kind != C_FACT)
        return LEAF_OTHER;
    switch (kb->facts[c->a].type) {
    case FT_BOOL:
        *mask = (uint64_t)((c->lit.b != 0) == (c->op == OP_EQ));
        return LEAF_BOOL;
    case FT_ENUM:
        if (c->op == OP_IN)
            *mask = c->lit.set;
        else if (c->op == OP_EQ)
            *mask = UINT64_C(1) << c->lit.e;
        else
            *mask = ~(UINT64_C(1) << c->lit.e);
        return LEAF_ENUM;
    case FT_SET:
        if (c->op == OP_CONTAINS_ALL) {
            *mask = c->lit.set;
            return LEAF_SET_ALL;
        }
        *mask = c->op == OP_CONTAINS_ANY ? c->lit.set
                                         : UINT64_C(1) << c->lit.e;
        return LEAF_SET_ANY;
    default:
        return LEAF_OTHER;
    }
}

/* Children of an all/any/not node, wherever the node keeps them. */
static uint32_t child_count(const aipi_cond *c)
{
    return c->kind == C_NOT ? 1 : c->n;
}

static uint32_t child_at(const aip_kb *kb, const aipi_cond *c, uint32_t i)
{
    return c->kind == C_NOT ? c->a : kb->refs_pool[c->a + i];
}

static int is_inner(const aipi_cond *c)
{
    return c->kind == C_ALL || c->kind == C_ANY || c->kind == C_NOT;
}

/* A node is pure when nothing under it tests a dimension. Children have
 * smaller indices, so one forward pass decides every node. */
static void mark_pure(aip_kb *kb, uint8_t *pure, uint32_t *nkids)
{
    *nkids = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        pure[i] = c->kind != C_DIM;
        if (!is_inner(c))
            continue;
        for (uint32_t k = 0; k < child_count(c); k++)
            pure[i] &= pure[child_at(kb, c, k)];
        if (pure[i])
            *nkids += child_count(c);
    }
}

int aipi_sweep_compile(aip_kb *kb)
{
    aipi_sweep *s = &kb->sweep;
    memset(s, 0, sizeof *s);
    s->pure = aipi_arena_alloc(&kb->arena, kb->nconds + 1);
    if (!s->pure)
        return AIP_ENOMEM;
    uint32_t nkids;
    mark_pure(kb, s->pure, &nkids);

    uint64_t mask;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        if (!s->pure[i])
            continue;
        if (is_inner(c))
            s->ninner++;
        else
            s->nleaves[classify_leaf(kb, c, &mask)]++;
    }
    for (int k = 0; k < LEAF_KINDS; k++) {
        s->leaves[k] = aipi_arena_array(&kb->arena, s->nleaves[k] + 1,
                                        sizeof *s->leaves[k]);
        if (!s->leaves[k])
            return AIP_ENOMEM;
        s->nleaves[k] = 0;
    }
    s->inner = aipi_arena_array(&kb->arena, s->ninner + 1, sizeof *s->inner);
    s->kids = aipi_arena_array(&kb->arena, nkids + 1, sizeof *s->kids);
    if (!s->inner || !s->kids)
        return AIP_ENOMEM;

    uint32_t ninner = 0, kid = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        if (!s->pure[i])
            continue;
        if (!is_inner(c)) {
            int k = classify_leaf(kb, c, &mask);
            aipi_leaf *l = &s->leaves[k][s->nleaves[k]++];
            l->node = i;
            l->fact = c->a;
            l->mask = mask;
            continue;
        }
        aipi_inner *in = &s->inner[ninner++];
        in->node = i;
        in->kind = c->kind;
        in->first = kid;
        in->n = child_count(c);
        for (uint32_t k = 0; k < in->n; k++)
            s->kids[kid++] = child_at(kb, c, k);
    }
    s->ninner = ninner;
    return AIP_OK;
}

/* ---- running --------------------------------------------------------------- */

static inline uint8_t pv_of(int holds)
{
    return holds ? AIPI_PV_TRUE : AIPI_PV_FALSE;
}

/* Value of an inner node from the AND (a) and OR (o) of its children's
 * values, for all, any and not (where a == o, the only child). */
static uint8_t combine(uint8_t kind, unsigned a, unsigned o)
{
    switch (kind) {
    case C_ALL: return (uint8_t)((a & AIPI_PV_TRUE) | (o & AIPI_PV_FALSE));
    case C_ANY: return (uint8_t)((o & AIPI_PV_TRUE) | (a & AIPI_PV_FALSE));
    default:    return (uint8_t)(((a & 1u) << 1) | ((a & 2u) >> 1));
    }
}

static const uint8_t pv_from_tv[3] = {
    [TV_FALSE] = AIPI_PV_FALSE, [TV_TRUE] = AIPI_PV_TRUE,
    [TV_UNKNOWN] = AIPI_PV_UNKNOWN
};

void aipi_sweep_run(const aip_kb *kb, const aip_query *q, uint8_t *pv)
{
    const aipi_sweep *s = &kb->sweep;
    const uint8_t *known = q->known;
    const aipi_value *v = q->values;
    const aipi_leaf *l;
    uint32_t i;

    for (l = s->leaves[LEAF_BOOL], i = 0; i < s->nleaves[LEAF_BOOL]; i++, l++)
        pv[l->node] = known[l->fact] ? pv_of((uint64_t)(v[l->fact].b != 0)
                                             == l->mask)
                                     : AIPI_PV_UNKNOWN;
    for (l = s->leaves[LEAF_ENUM], i = 0; i < s->nleaves[LEAF_ENUM]; i++, l++)
        pv[l->node] = known[l->fact] ? pv_of((l->mask >> v[l->fact].e) & 1)
                                     : AIPI_PV_UNKNOWN;
    for (l = s->leaves[LEAF_SET_ANY], i = 0; i < s->nleaves[LEAF_SET_ANY];
         i++, l++)
        pv[l->node] = known[l->fact] ? pv_of((v[l->fact].set & l->mask) != 0)
                                     : AIPI_PV_UNKNOWN;
    for (l = s->leaves[LEAF_SET_ALL], i = 0; i < s->nleaves[LEAF_SET_ALL];
         i++, l++)
        pv[l->node] = known[l->fact]
                          ? pv_of((v[l->fact].set & l->mask) == l->mask)
                          : AIPI_PV_UNKNOWN;
    for (l = s->leaves[LEAF_KNOWN], i = 0; i < s->nleaves[LEAF_KNOWN]; i++, l++)
        pv[l->node] = pv_of(known[l->fact]);
    for (l = s->leaves[LEAF_OTHER], i = 0; i < s->nleaves[LEAF_OTHER]; i++, l++)
        pv[l->node] = pv_from_tv[aipi_eval_cond(kb, q, l->node, NULL)];

    const aipi_inner *in = s->inner;
    for (i = 0; i < s->ninner; i++, in++) {
        unsigned a = AIPI_PV_UNKNOWN, o = 0;
        for (uint32_t k = 0; k < in->n; k++) {
            unsigned x = pv[s->kids[in->first + k]];
            a &= x;
            o |= x;
        }
        pv[in->node] = combine(in->kind, a, o);
    }
}
