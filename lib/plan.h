/*
 * plan.h - one regulation under one version of its law, laid out at load
 * for the query path (eval.c).
 *
 * Which rules and obligations are law, the date from which each rule and
 * each obligation it triggers applies, and which rules raise a dimension
 * all depend on the version only, not on the query. The loader
 * resolves them once per version into flat arrays, so that a
 * classification walks one compact list of rules instead of filtering
 * and resolving every rule of the regulation on every query.
 */
#ifndef AIP_PLAN_H
#define AIP_PLAN_H

#include <stdint.h>

#include "date.h"

struct aip_kb;

/* An obligation a rule triggers, with its date resolved: the rule's
 * override or the obligation's own date, never before the rule applies. */
typedef struct aipi_trigger {
    uint32_t obligation;
    uint32_t role;               /* value of the role fact, or AIPI_NONE */
    uint32_t rule;
    aipi_date from;
    char from_str[11];           /* `from` as YYYY-MM-DD */
} aipi_trigger;

/* An obligation a rule names, with the obligation's role: what the
 * missing-fact weights read (every obligation the rule names, whatever
 * the version). */
typedef struct aipi_rule_ob {
    uint32_t obligation;
    uint32_t role;               /* value of the role fact, or AIPI_NONE */
} aipi_rule_ob;

/* What the rule pass reads of a rule besides its condition, copied from
 * the rule (model.h) next to the other rules of the plan: the rules
 * themselves are large and scattered, and reading them cost a cache miss
 * per rule. Each `first_*` indexes the plan's array of that name. */
typedef struct aipi_plan_detail {
    uint32_t first_raise, nraise;        /* plan->raise */
    uint32_t first_ob, nob;              /* plan->obs */
    uint32_t first_penalty, npenalties;  /* plan->penalties */
    uint32_t first_fact, nfacts;         /* plan->facts: facts read */
} aipi_plan_detail;

/* A rule that is law in this version. */
typedef struct aipi_plan_rule {
    uint32_t rule;               /* index in the regulation's rules */
    uint32_t when;               /* condition (a bare dimension test: the
                                  * equal one that stands for it, below) */
    aipi_date from;              /* applies from, in this version */
    uint32_t first_trigger;      /* its triggers in aipi_plan.triggers */
    uint32_t ntriggers;
    uint8_t raises;              /* raises a dimension: see aipi_plan */
    uint8_t scope;               /* aipi_scope */
    char from_str[11];           /* `from` as YYYY-MM-DD */
} aipi_plan_rule;

typedef struct aipi_plan {
    uint32_t nrules;
    aipi_plan_rule *rules;       /* rules in law, in declaration order */
    aipi_plan_detail *detail;    /* per rule in `rules` */
    struct aipi_raise *raise;
    aipi_rule_ob *obs;
    uint32_t *penalties;
    uint32_t *facts;
    /* Rules that raise a dimension are evaluated first, in dependency
     * order (raisers before readers), so that every later reading of a
     * dimension sees its final bounds; the others are evaluated in the
     * one pass over `rules`. */
    uint32_t nraisers;
    uint32_t *raisers;           /* positions in `rules` */
    aipi_trigger *triggers;      /* in law in this version only */
    /* The nodes above a dimension test in the conditions of the rules
     * that raise nothing: the rule pass finishes them in place once the
     * raisers have fixed the dimensions (eval.c). First the distinct
     * dimension tests, one node standing for all equal ones; then per
     * rule {root node, op, words} and its inner nodes, children before
     * parents, as {node, op (sweep.h), n, impure child * n}, a child that
     * is a dimension test being named by the node that stands for it (the
     * rule pass skips the words when the root's pure children decide it).
     * Such nodes are never shared (load_cond.c does not share dimension
     * tests), so each is finished once. */
    uint32_t ndimtests;
    uint32_t *dimtests;
    uint32_t nimpure;            /* words */
    uint32_t *impure;
    uint32_t nscope;             /* scope rules in `rules` */
    uint32_t nraise;             /* raises in all: bounds the upcoming list */
} aipi_plan;

/* Builds reg->plans for every regulation of kb (in kb's arena). AIP_OK or
 * AIP_ENOMEM. */
int aipi_plan_compile(struct aip_kb *kb);

#endif
