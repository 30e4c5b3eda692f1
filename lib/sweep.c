/*
 * sweep.c - compiles the pure condition nodes into one pass per query and
 * runs it (see sweep.h for why and how).
 */
#include <string.h>

#include "eval.h"
#include "sweep.h"

/* ---- compiling ------------------------------------------------------------ */

/* The comparison group of a number or date test. */
static int comparison(uint8_t op)
{
    switch (op) {
    case OP_EQ:  return CMP_EQ;
    case OP_NE:  return CMP_NE;
    case OP_GT:  return CMP_GT;
    case OP_GTE: return CMP_GTE;
    case OP_LT:  return CMP_LT;
    default:     return CMP_LTE;     /* the loader allows no other */
    }
}

/* Which group a fact test goes to, and its literal in that group's form. */
static int classify_leaf(const aip_kb *kb, const aipi_cond *c, aipi_leaf *l)
{
    l->lit.mask = 0;
    if (c->kind == C_KNOWN)
        return LEAF_KNOWN;
    if (c->kind != C_FACT)
        return LEAF_OTHER;
    switch (kb->facts[c->a].type) {
    case FT_BOOL:
        l->lit.mask = (uint64_t)((c->lit.b != 0) == (c->op == OP_EQ));
        return LEAF_BOOL;
    case FT_ENUM:
        if (c->op == OP_IN)
            l->lit.mask = c->lit.set;
        else if (c->op == OP_EQ)
            l->lit.mask = UINT64_C(1) << c->lit.e;
        else
            l->lit.mask = ~(UINT64_C(1) << c->lit.e);
        return LEAF_ENUM;
    case FT_SET:
        if (c->op == OP_CONTAINS_ALL) {
            l->lit.mask = c->lit.set;
            return LEAF_SET_ALL;
        }
        l->lit.mask = c->op == OP_CONTAINS_ANY ? c->lit.set
                                               : UINT64_C(1) << c->lit.e;
        return LEAF_SET_ANY;
    case FT_NUMBER:
        l->lit.num = c->lit.num;
        return LEAF_NUM + comparison(c->op);
    case FT_DATE:
        l->lit.date = c->lit.date;
        return LEAF_DATE + comparison(c->op);
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

/* Inner nodes are grouped by level, op and arity class (pure children,
 * with 4 or more as AIPI_ARITY_LIST): group = (level - 1) * GROUP_ROW +
 * op * ARITY_CLASSES + class; the group's header word is its op and
 * class, AIPI_SWEEP_GROUP(op, class). */
#define ARITY_CLASSES (AIPI_ARITY_LIST + 1)
#define GROUP_ROW (4 * ARITY_CLASSES)

static uint32_t node_op(const uint8_t *pure, const aipi_cond *c, uint32_t i)
{
    return pure[i] ? c->kind : AIPI_OP_PARTIAL;
}

static uint32_t arity_class(uint32_t npure)
{
    return npure < AIPI_ARITY_LIST ? npure : AIPI_ARITY_LIST;
}

static uint32_t pure_children(const aip_kb *kb, const uint8_t *pure,
                              const aipi_cond *c)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < child_count(c); k++)
        n += pure[child_at(kb, c, k)];
    return n;
}

/* Scratch for compiling: per node its level, then its group. */
typedef struct builder {
    uint32_t *group;             /* per node */
    uint32_t ngroups;
    uint32_t *group_n;           /* nodes per group */
    uint32_t *group_size;        /* code words per group */
    uint32_t *at;                /* write position per group */
} builder;

/* Levels, then groups, of the all/any/not nodes. Children come first, so
 * one forward pass gives the levels. */
static uint32_t assign_levels(const aip_kb *kb, const uint8_t *pure,
                              uint32_t *level)
{
    uint32_t top = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        level[i] = 0;
        if (!is_inner(c))
            continue;
        for (uint32_t k = 0; k < child_count(c); k++) {
            uint32_t kid = child_at(kb, c, k);
            if (pure[kid] && level[kid] >= level[i])
                level[i] = level[kid];
        }
        level[i]++;
        if (level[i] > top)
            top = level[i];
    }
    return top;
}

/* Group of every inner node, sizes of the leaf lists, of each group and
 * of the impure children. */
static void count_parts(const aip_kb *kb, aipi_sweep *s, builder *B,
                        uint32_t *nimpure)
{
    aipi_leaf leaf;
    *nimpure = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        const aipi_cond *c = &kb->conds[i];
        if (!is_inner(c)) {
            if (s->pure[i])
                s->nleaves[classify_leaf(kb, c, &leaf)]++;
            continue;
        }
        uint32_t npure = pure_children(kb, s->pure, c);
        uint32_t cls = arity_class(npure);
        uint32_t g = B->group[i] = (B->group[i] - 1) * GROUP_ROW
                                   + node_op(s->pure, c, i) * ARITY_CLASSES
                                   + cls;
        B->group_n[g]++;
        B->group_size[g] += 1 + npure + (cls == AIPI_ARITY_LIST);
        *nimpure += child_count(c) - npure;
    }
}

static int allocate(aip_kb *kb, aipi_sweep *s, uint32_t ncode,
                    uint32_t nimpure)
{
    for (int k = 0; k < LEAF_KINDS; k++) {
        s->leaves[k] = aipi_arena_array(&kb->arena, s->nleaves[k] + 1,
                                        sizeof *s->leaves[k]);
        if (!s->leaves[k])
            return AIP_ENOMEM;
        s->nleaves[k] = 0;
    }
    s->code = aipi_arena_array(&kb->arena, ncode + 1, sizeof *s->code);
    s->impure_first = aipi_arena_array(&kb->arena, kb->nconds + 1,
                                       sizeof *s->impure_first);
    s->impure_n = aipi_arena_array(&kb->arena, kb->nconds + 1,
                                   sizeof *s->impure_n);
    s->impure_kids = aipi_arena_array(&kb->arena, nimpure + 1,
                                      sizeof *s->impure_kids);
    s->relevant_if = aipi_arena_array(&kb->arena, kb->nfacts + 1,
                                      sizeof *s->relevant_if);
    if (!s->code || !s->impure_first || !s->impure_n || !s->impure_kids
        || !s->relevant_if)
        return AIP_ENOMEM;
    for (uint32_t f = 0; f < kb->nfacts; f++)
        s->relevant_if[f] = kb->facts[f].relevant_if;
    return AIP_OK;
}

/* Group headers, in level order; at[g] is where the group's first entry
 * goes. Returns the stream's length. */
static uint32_t place_groups(aipi_sweep *s, builder *B)
{
    uint32_t pos = 0;
    for (uint32_t g = 0; g < B->ngroups; g++) {
        if (!B->group_n[g])
            continue;
        uint32_t in_row = g % GROUP_ROW;
        s->code[pos] = AIPI_SWEEP_GROUP(in_row / ARITY_CLASSES,
                                        in_row % ARITY_CLASSES);
        s->code[pos + 1] = B->group_n[g];
        B->at[g] = pos + 2;
        pos += 2 + B->group_size[g];
    }
    return pos;
}

/* Node i's code entry (pure children only) in its group and, when impure,
 * its list of impure children. */
static void emit_inner(const aip_kb *kb, aipi_sweep *s, builder *B,
                       uint32_t i, uint32_t *nimpure)
{
    const aipi_cond *c = &kb->conds[i];
    uint32_t npure = pure_children(kb, s->pure, c);
    uint32_t *at = &B->at[B->group[i]];
    s->code[(*at)++] = i;
    if (arity_class(npure) == AIPI_ARITY_LIST)
        s->code[(*at)++] = npure;
    s->impure_first[i] = *nimpure;
    for (uint32_t k = 0; k < child_count(c); k++) {
        uint32_t kid = child_at(kb, c, k);
        if (s->pure[kid]) {
            s->code[(*at)++] = kid;
        } else {
            s->impure_kids[(*nimpure)++] = kid;
            s->impure_n[i]++;
        }
    }
}

static void emit_leaf(const aip_kb *kb, aipi_sweep *s, uint32_t i)
{
    aipi_leaf leaf;
    int k = classify_leaf(kb, &kb->conds[i], &leaf);
    leaf.node = i;
    leaf.fact = kb->conds[i].a;
    s->leaves[k][s->nleaves[k]++] = leaf;
}

static int build(aip_kb *kb, aipi_sweep *s, builder *B)
{
    s->pure = aipi_arena_alloc(&kb->arena, kb->nconds + 1);
    if (!s->pure)
        return AIP_ENOMEM;
    mark_pure(kb, s->pure);
    B->ngroups = assign_levels(kb, s->pure, B->group) * GROUP_ROW;
    const aip_allocator *a = &kb->alloc;
    B->group_n = aipi_calloc(a, B->ngroups + 1, sizeof *B->group_n);
    B->group_size = aipi_calloc(a, B->ngroups + 1, sizeof *B->group_size);
    B->at = aipi_calloc(a, B->ngroups + 1, sizeof *B->at);
    if (!B->group_n || !B->group_size || !B->at)
        return AIP_ENOMEM;
    uint32_t nimpure, ncode = 0;
    count_parts(kb, s, B, &nimpure);
    for (uint32_t g = 0; g < B->ngroups; g++)
        ncode += B->group_n[g] ? 2 + B->group_size[g] : 0;
    if (allocate(kb, s, ncode, nimpure) != AIP_OK)
        return AIP_ENOMEM;
    s->ncode = place_groups(s, B);
    nimpure = 0;
    for (uint32_t i = 0; i < kb->nconds; i++) {
        if (is_inner(&kb->conds[i]))
            emit_inner(kb, s, B, i, &nimpure);
        else if (s->pure[i])
            emit_leaf(kb, s, i);
    }
    return AIP_OK;
}

int aipi_sweep_compile(aip_kb *kb)
{
    aipi_sweep *s = &kb->sweep;
    memset(s, 0, sizeof *s);
    if (kb->nconds >= AIPI_SWEEP_NODE_MAX)
        return AIP_ELIMIT;
    builder B = { NULL, 0, NULL, NULL, NULL };
    const aip_allocator *a = &kb->alloc;
    B.group = aipi_calloc(a, kb->nconds + 1, sizeof *B.group);
    int rc = B.group ? build(kb, s, &B) : AIP_ENOMEM;
    aipi_free(a, B.group, (kb->nconds + 1) * sizeof *B.group);
    aipi_free(a, B.group_n, (B.ngroups + 1) * sizeof *B.group_n);
    aipi_free(a, B.group_size, (B.ngroups + 1) * sizeof *B.group_size);
    aipi_free(a, B.at, (B.ngroups + 1) * sizeof *B.at);
    return rc;
}

/* ---- running --------------------------------------------------------------- */

static inline uint8_t pv_of(int holds)
{
    return holds ? AIPI_PV_TRUE : AIPI_PV_FALSE;
}

/* A test's value: unknown when the fact is not given (known 0), else
 * true or false as `holds` (both 0 or 1), without a branch: which facts
 * are given varies from leaf to leaf, so a branch would be mispredicted. */
static inline uint8_t pv_if_known(unsigned known, unsigned holds)
{
    return (uint8_t)(AIPI_PV_UNKNOWN - known - (known & holds));
}

const uint8_t aipi_pv_from_tv[3] = {
    [TV_FALSE] = AIPI_PV_FALSE, [TV_TRUE] = AIPI_PV_TRUE,
    [TV_UNKNOWN] = AIPI_PV_UNKNOWN
};

/* One group of `count` nodes with `arity` pure children each; op and
 * arity are constants where this is inlined, so the loop over children
 * unrolls and the op folds away. Returns the end of the group. */
static ALWAYS_INLINE const uint32_t *
run_fixed(unsigned op, unsigned arity, uint32_t count, const uint32_t *p,
          uint8_t *pv)
{
    for (uint32_t i = 0; i < count; i++, p += 1 + arity) {
        unsigned a = AIPI_PV_UNKNOWN, o = 0;
        aipi_pv_fold(pv, p + 1, arity, &a, &o);
        pv[p[0]] = (uint8_t)aipi_pv_combine(op, a, o);
    }
    return p;
}

static ALWAYS_INLINE const uint32_t *
run_list(unsigned op, uint32_t count, const uint32_t *p, uint8_t *pv)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n = p[1];
        unsigned a = AIPI_PV_UNKNOWN, o = 0;
        aipi_pv_fold(pv, p + 2, n, &a, &o);
        pv[p[0]] = (uint8_t)aipi_pv_combine(op, a, o);
        p += 2 + n;
    }
    return p;
}

void aipi_sweep_run(const aip_kb *kb, const aip_query *q, uint8_t *pv)
{
    const aipi_sweep *s = &kb->sweep;
    const uint8_t *known = q->known;
    const aipi_value *v = q->values;
    const aipi_leaf *l;
    uint32_t i;

    /* One loop per kind of test, its bound in a local: the stores into pv
     * could otherwise alias it. Facts not given hold zeros (query.c), so
     * every test reads defined values and pv_if_known needs no branch. */
#define LEAVES(kind, holds)                                                  \
    for (l = s->leaves[kind], i = 0, n = s->nleaves[kind]; i < n; i++, l++)  \
        pv[l->node] = pv_if_known(known[l->fact], (holds));
    uint32_t n;
    LEAVES(LEAF_BOOL, (uint64_t)(v[l->fact].b != 0) == l->lit.mask)
    LEAVES(LEAF_ENUM, (l->lit.mask >> v[l->fact].e) & 1)
    LEAVES(LEAF_SET_ANY, (v[l->fact].set & l->lit.mask) != 0)
    LEAVES(LEAF_SET_ALL, (v[l->fact].set & l->lit.mask) == l->lit.mask)
    LEAVES(LEAF_NUM + CMP_EQ, v[l->fact].num == l->lit.num)
    LEAVES(LEAF_NUM + CMP_NE, v[l->fact].num != l->lit.num)
    LEAVES(LEAF_NUM + CMP_GT, v[l->fact].num > l->lit.num)
    LEAVES(LEAF_NUM + CMP_GTE, v[l->fact].num >= l->lit.num)
    LEAVES(LEAF_NUM + CMP_LT, v[l->fact].num < l->lit.num)
    LEAVES(LEAF_NUM + CMP_LTE, v[l->fact].num <= l->lit.num)
    LEAVES(LEAF_DATE + CMP_EQ, v[l->fact].date == l->lit.date)
    LEAVES(LEAF_DATE + CMP_NE, v[l->fact].date != l->lit.date)
    LEAVES(LEAF_DATE + CMP_GT, v[l->fact].date > l->lit.date)
    LEAVES(LEAF_DATE + CMP_GTE, v[l->fact].date >= l->lit.date)
    LEAVES(LEAF_DATE + CMP_LT, v[l->fact].date < l->lit.date)
    LEAVES(LEAF_DATE + CMP_LTE, v[l->fact].date <= l->lit.date)
#undef LEAVES
    for (l = s->leaves[LEAF_KNOWN], i = 0, n = s->nleaves[LEAF_KNOWN]; i < n;
         i++, l++)
        pv[l->node] = pv_of(known[l->fact]);
    for (l = s->leaves[LEAF_OTHER], i = 0; i < s->nleaves[LEAF_OTHER]; i++, l++)
        pv[l->node] = aipi_pv_from_tv[aipi_eval_cond(kb, q, l->node, NULL)];

    const uint32_t *p = s->code, *end = p + s->ncode;
    while (p < end) {
        uint32_t group = p[0], count = p[1];
        p += 2;
        switch (group) {
#define FIXED(op, n) \
        case AIPI_SWEEP_GROUP(op, n): p = run_fixed(op, n, count, p, pv); break;
#define GROUPS_OF(op) \
        FIXED(op, 0) FIXED(op, 1) FIXED(op, 2) FIXED(op, 3) \
        case AIPI_SWEEP_GROUP(op, AIPI_ARITY_LIST): \
            p = run_list(op, count, p, pv); \
            break;
        GROUPS_OF(AIPI_OP_ALL)
        GROUPS_OF(AIPI_OP_ANY)
        GROUPS_OF(AIPI_OP_NOT)
        GROUPS_OF(AIPI_OP_PARTIAL)
#undef GROUPS_OF
#undef FIXED
        default:
            return;              /* not produced by aipi_sweep_compile */
        }
    }
}
