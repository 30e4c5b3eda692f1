/*
 * eval.h - the evaluator: a query against the compiled model.
 */
#ifndef AIP_EVAL_H
#define AIP_EVAL_H

#include "model.h"

/* Kleene truth values. */
typedef enum { TV_FALSE = 0, TV_TRUE = 1, TV_UNKNOWN = 2 } aipi_tv;

/* For the small functions of the query path whose inlining decides its
 * speed (eval.c, sweep.c). */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

struct aip_query {
    aip_kb *kb;                  /* a reference */
    int has_as_of;
    aipi_date as_of;
    uint8_t *known;              /* per fact: 1 when given */
    aipi_value *values;          /* per fact */
};

/* Per-regulation dimension bounds while rules are evaluated. */
typedef struct aipi_dim_state {
    uint32_t floor, ceiling;
} aipi_dim_state;

/* Evaluates condition c. `dims` may be NULL when c reads no dimension. */
aipi_tv aipi_eval_cond(const aip_kb *kb, const aip_query *q, uint32_t c,
                       const aipi_dim_state *dims);

/* The version of reg in force on date d. */
uint32_t aipi_version_at(const aipi_regulation *reg, aipi_date d);

#endif
