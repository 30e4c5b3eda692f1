/*
 * sweep.h - conditions compiled into a straight-line program, run once per
 * query before any rule is looked at.
 *
 * Every condition node that reads no dimension ("pure") has one value per
 * query, so the evaluator computes them all in one pass instead of walking
 * each rule's tree: first the fact tests, grouped by kind of test so that
 * each group is a tight loop with no dispatch per node, then all/any/not
 * in node order (the loader numbers children before their parents), each a
 * few bit operations on its children's values. Nodes under a dimension
 * test are left to the rule pass (eval.c), which knows the dimensions.
 *
 * Values are sets of possible truth values on two bits: AIPI_PV_TRUE,
 * AIPI_PV_FALSE, or both (AIPI_PV_UNKNOWN). Kleene's all is then "true
 * possible in every child, false possible in some", and any the converse.
 */
#ifndef AIP_SWEEP_H
#define AIP_SWEEP_H

#include <stdint.h>

#include "aipolicy.h"
#include "date.h"

#define AIPI_PV_TRUE 1u
#define AIPI_PV_FALSE 2u
#define AIPI_PV_UNKNOWN 3u

/* Comparisons of a number or date fact with a literal, one loop each. */
enum { CMP_EQ, CMP_NE, CMP_GT, CMP_GTE, CMP_LT, CMP_LTE, AIPI_NCMP };

/* Kinds of fact test, one loop each. */
enum {
    LEAF_BOOL,      /* value == mask (0 or 1) */
    LEAF_ENUM,      /* bit `value` of mask set (eq, ne and in alike) */
    LEAF_SET_ANY,   /* value & mask != 0 (contains, folded contains-any) */
    LEAF_SET_ALL,   /* value & mask == mask (folded contains-all) */
    LEAF_KNOWN,     /* the fact is given */
    LEAF_NUM,       /* LEAF_NUM + CMP_*: value <op> lit.num */
    LEAF_DATE = LEAF_NUM + AIPI_NCMP,   /* + CMP_*: value <op> lit.date */
    LEAF_OTHER = LEAF_DATE + AIPI_NCMP, /* sums: the general evaluator */
    LEAF_KINDS
};

typedef struct aipi_leaf {
    uint32_t node, fact;
    union {
        uint64_t mask;
        double num;
        aipi_date date;
    } lit;
} aipi_leaf;

/* The all/any/not nodes are compiled into `code`, a stream of groups. A
 * group holds nodes of one level (1 + the highest level of their pure
 * children; fact tests are level 0), one op and the same number of pure
 * children, so that every child is computed before its group and each
 * group is a loop with no inner loop and no dispatch: header
 * {AIPI_SWEEP_GROUP(op, arity), count}, then per node {node, child...}.
 * Groups of AIPI_ARITY_LIST have entries {node, n, child * n}. A node
 * above a dimension test gets
 * AIPI_OP_PARTIAL over its pure children only: pv then holds (AND << 2 |
 * OR) of them, for the rule pass to finish with the impure ones
 * (aipi_sweep.impure_*). */
enum { AIPI_OP_ALL, AIPI_OP_ANY, AIPI_OP_NOT, AIPI_OP_PARTIAL };
/* (the first three equal C_ALL, C_ANY and C_NOT of model.h) */

#define AIPI_ARITY_LIST 4u       /* groups of 4 or more children */
#define AIPI_SWEEP_GROUP(op, arity) ((op) << 3 | (arity))
#define AIPI_SWEEP_NODE_MAX (UINT32_C(1) << 30)

typedef struct aipi_sweep {
    uint32_t nleaves[LEAF_KINDS];
    aipi_leaf *leaves[LEAF_KINDS];
    uint32_t ncode;
    uint32_t *code;              /* all/any/not, see above */
    uint8_t *pure;               /* per node: reads no dimension */
    uint32_t *impure_first;      /* per impure all/any/not node: its impure */
    uint32_t *impure_n;          /* children in impure_kids */
    uint32_t *impure_kids;
    uint32_t *relevant_if;       /* per fact: its relevant_if, a pure node,
                                  * or AIPI_NONE (kept here, next to the
                                  * values, for the missing-fact ranking) */
} aipi_sweep;

struct aip_query;

/* Indexed by an aipi_tv (eval.h): its two-bit set. */
extern const uint8_t aipi_pv_from_tv[3];

/* The value of an AIPI_OP_* node from the AND (a) and OR (o) of its
 * children's values: all is true-possible when every child is,
 * false-possible when some child is; any the converse; not swaps the two
 * bits of its only child (a == o); partial keeps both for the rule pass.
 * The sweep inlines it with a constant op; eval.c with the node's kind. */
static inline unsigned aipi_pv_combine(unsigned op, unsigned a, unsigned o)
{
    switch (op) {
    case AIPI_OP_ALL: return (a & AIPI_PV_TRUE) | (o & AIPI_PV_FALSE);
    case AIPI_OP_ANY: return (o & AIPI_PV_TRUE) | (a & AIPI_PV_FALSE);
    case AIPI_OP_NOT: return (a & AIPI_PV_TRUE) << 1 | (a & AIPI_PV_FALSE) >> 1;
    default:          return a << 2 | o;
    }
}

/* Folds the values of the n nodes listed at `kids` into the AND (*a) and
 * OR (*o) that aipi_pv_combine takes: the sweep's groups and the rule
 * pass's dimension readers (eval.c) alike. */
static inline void aipi_pv_fold(const uint8_t *pv, const uint32_t *kids,
                                uint32_t n, unsigned *a, unsigned *o)
{
    for (uint32_t k = 0; k < n; k++) {
        unsigned x = pv[kids[k]];
        *a &= x;
        *o |= x;
    }
}

/* Builds kb->sweep from kb->conds (in kb's arena). AIP_OK, AIP_ENOMEM, or
 * AIP_ELIMIT when there are AIPI_SWEEP_NODE_MAX conditions or more. */
int aipi_sweep_compile(aip_kb *kb);

/* Fills pv[node] for every node: the value of pure ones, the partial
 * value of impure all/any/not (pv has kb->nconds entries). */
void aipi_sweep_run(const aip_kb *kb, const struct aip_query *q, uint8_t *pv);

#endif
