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
    *mask = 0;
    if (c->kind == C_KNOWN)
        return LEAF_KNOWN;
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
static void mark_pure(aip_kb *kb, uint8_t *pure)
{
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        pure[i] = c->kind != C_DIM;
        if (is_inner(c))
            for (uint32_t k = 0; k < child_count(c); k++)
                pure[i] &= pure[child_at(kb, c, k)];
    }
}

/* Sizes: leaves per kind, inner nodes, pure and impure children. */
static void count_parts(const aip_kb *kb, aipi_sweep *s, uint32_t *nkids,
                        uint32_t *nimpure)
{
    uint64_t mask;
    *nkids = *nimpure = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        if (!is_inner(c)) {
            if (s->pure[i])
                s->nleaves[classify_leaf(kb, c, &mask)]++;
            continue;
        }
        s->ninner++;
        for (uint32_t k = 0; k < child_count(c); k++) {
            if (s->pure[child_at(kb, c, k)])
                (*nkids)++;
            else
                (*nimpure)++;
        }
    }
}

static int allocate(aip_kb *kb, aipi_sweep *s, uint32_t nkids,
                    uint32_t nimpure)
{
    for (int k = 0; k < LEAF_KINDS; k++) {
        s->leaves[k] = aipi_arena_array(&kb->arena, s->nleaves[k] + 1,
                                        sizeof *s->leaves[k]);
        if (!s->leaves[k])
            return AIP_ENOMEM;
        s->nleaves[k] = 0;
    }
    s->inner = aipi_arena_array(&kb->arena, s->ninner + 1, sizeof *s->inner);
    s->kids = aipi_arena_array(&kb->arena, nkids + 1, sizeof *s->kids);
    s->impure_first = aipi_arena_array(&kb->arena, kb->nconds + 1,
                                       sizeof *s->impure_first);
    s->impure_n = aipi_arena_array(&kb->arena, kb->nconds + 1,
                                   sizeof *s->impure_n);
    s->impure_kids = aipi_arena_array(&kb->arena, nimpure + 1,
                                      sizeof *s->impure_kids);
    return s->inner && s->kids && s->impure_first && s->impure_n && s->impure_kids
               ? AIP_OK : AIP_ENOMEM;
}

/* Node i's entry (pure children only) and, when impure, its list of
 * impure children. */
static void emit_inner(const aip_kb *kb, aipi_sweep *s, uint32_t i,
                       uint32_t *nkids, uint32_t *nimpure)
{
    const aipi_cond *c = &kb->conds[i];
    aipi_inner *in = &s->inner[s->ninner++];
    in->node = i;
    in->op = s->pure[i] ? c->kind : AIPI_OP_PARTIAL;
    in->first = *nkids;
    in->n = 0;
    s->impure_first[i] = *nimpure;
    for (uint32_t k = 0; k < child_count(c); k++) {
        uint32_t kid = child_at(kb, c, k);
        if (s->pure[kid]) {
            s->kids[(*nkids)++] = kid;
            in->n++;
        } else {
            s->impure_kids[(*nimpure)++] = kid;
            s->impure_n[i]++;
        }
    }
}

int aipi_sweep_compile(aip_kb *kb)
{
    aipi_sweep *s = &kb->sweep;
    memset(s, 0, sizeof *s);
    s->pure = aipi_arena_alloc(&kb->arena, kb->nconds + 1);
    if (!s->pure)
        return AIP_ENOMEM;
    mark_pure(kb, s->pure);
    uint32_t nkids, nimpure;
    count_parts(kb, s, &nkids, &nimpure);
    if (allocate(kb, s, nkids, nimpure) != AIP_OK)
        return AIP_ENOMEM;

    s->ninner = nkids = nimpure = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        if (is_inner(c)) {
            emit_inner(kb, s, i, &nkids, &nimpure);
        } else if (s->pure[i]) {
            uint64_t mask;
            int k = classify_leaf(kb, c, &mask);
            aipi_leaf *l = &s->leaves[k][s->nleaves[k]++];
            l->node = i;
            l->fact = c->a;
            l->mask = mask;
        }
    }
    return AIP_OK;
}

/* ---- running --------------------------------------------------------------- */

#define T AIPI_PV_TRUE
#define F AIPI_PV_FALSE
#define U AIPI_PV_UNKNOWN
/* Rows: AND of the children (a) = 0..3; columns: their OR (o) = 0..3. */
const uint8_t aipi_pv_table[4 * 16] = {
    /* all: true possible in every child, false possible in some */
    0, 0, F, F,   T, T, U, U,   0, 0, F, F,   T, T, U, U,
    /* any: true possible in some child, false possible in every one */
    0, T, 0, T,   0, T, 0, T,   F, U, F, U,   F, U, F, U,
    /* not: the only child's value swapped (a == o; other cells unused) */
    0, 0, 0, 0,   0, F, 0, 0,   0, 0, T, 0,   0, 0, 0, U,
    /* partial: both kept for the rule pass */
    0, 1, 2, 3,   4, 5, 6, 7,   8, 9, 10, 11,  12, 13, 14, 15,
};
#undef T
#undef F
#undef U

static inline uint8_t pv_of(int holds)
{
    return holds ? AIPI_PV_TRUE : AIPI_PV_FALSE;
}

const uint8_t aipi_pv_from_tv[3] = {
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
        pv[l->node] = aipi_pv_from_tv[aipi_eval_cond(kb, q, l->node, NULL)];

    const aipi_inner *in = s->inner;
    const uint32_t *kids = s->kids;
    for (i = 0; i < s->ninner; i++, in++) {
        unsigned a = AIPI_PV_UNKNOWN, o = 0;
        const uint32_t *kid = kids + in->first;
        for (uint32_t k = 0, n = in->n; k < n; k++) {
            unsigned x = pv[kid[k]];
            a &= x;
            o |= x;
        }
        pv[in->node] = (uint8_t)aipi_pv_combine(in->op, a, o);
    }
}
