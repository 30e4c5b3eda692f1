/*
 * model.h - the compiled knowledge base.
 *
 * What the loader produces and the evaluator reads. Names appear here only
 * for output; evaluation works on indices: facts, fact values, dimensions,
 * rules, obligations and penalties are all small integers, and conditions
 * are a flat array of nodes referring to each other by index.
 *
 * Everything is allocated in the knowledge base's arena and never changes
 * after loading, which is what makes an aip_kb shareable between threads.
 */
#ifndef AIP_MODEL_H
#define AIP_MODEL_H

#include <stdatomic.h>
#include <stdint.h>

#include "aipolicy.h"
#include "alloc.h"
#include "date.h"
#include "intern.h"
#include "plan.h"
#include "sweep.h"

#define AIPI_NONE UINT32_MAX      /* "no index" */
#define AIPI_MAX_VALUES 64        /* values of one enum or set fact (bit mask) */

typedef struct aipi_text {
    const char *en, *fr;
} aipi_text;

typedef struct aipi_cite {
    const char *ref, *url;
} aipi_cite;

/* ---- facts ---------------------------------------------------------------- */

typedef enum { FT_BOOL, FT_ENUM, FT_SET, FT_NUMBER, FT_DATE } aipi_fact_type;

typedef struct aipi_fact {
    const char *id;
    aipi_fact_type type;
    aipi_text label, question, help;
    uint32_t nvalues;
    const char **value_ids;
    aipi_text *value_labels;
    aipi_intern values;          /* value id -> index */
    const char *unit;
    int has_min, has_max;
    double min, max;
    uint32_t relevant_if;        /* condition index or AIPI_NONE */
} aipi_fact;

/* One fact's value in a query. Sets are bit masks over the fact's values. */
typedef union aipi_value {
    int b;
    uint32_t e;
    uint64_t set;
    double num;
    aipi_date date;
} aipi_value;

/* ---- conditions ------------------------------------------------------------ */

typedef enum {
    C_ALL, C_ANY, C_NOT, C_KNOWN, C_FACT, C_SUM, C_DIM
} aipi_cond_kind;

typedef enum {
    OP_EQ, OP_NE, OP_IN, OP_CONTAINS, OP_GT, OP_GTE, OP_LT, OP_LTE,
    /* Made by the compiler, never written in files: several `contains`
     * on one set fact folded into one mask test (lit.set). */
    OP_CONTAINS_ANY, OP_CONTAINS_ALL
} aipi_op;

typedef struct aipi_cond {
    uint8_t kind;                /* aipi_cond_kind */
    uint8_t op;                  /* aipi_op, for C_FACT/C_SUM/C_DIM */
    uint32_t a;                  /* fact, dimension, or offset in kb->refs */
    uint32_t n;                  /* number of children / summed facts */
    aipi_value lit;              /* literal: enum index, mask, number, date */
} aipi_cond;

/* ---- regulations ----------------------------------------------------------- */

typedef struct aipi_version {
    const char *id;
    aipi_text title;
    const char *source;
    aipi_date in_force;
} aipi_version;

/* A date that may depend on the version of the law (doc §4.2). */
typedef struct aipi_dated {
    uint32_t n;                  /* 0: not given */
    uint32_t *version;
    aipi_date *date;
} aipi_dated;

typedef struct aipi_dimension {
    const char *id;
    aipi_text title;
    uint32_t nvalues;
    const char **value_ids;
    aipi_text *value_labels;
} aipi_dimension;

typedef struct aipi_raise {
    uint32_t dim, value;
} aipi_raise;

typedef struct aipi_rule_obligation {
    uint32_t obligation;
    aipi_dated applies_from;     /* override, or n == 0 */
    aipi_date *from_v;           /* override per version, or NULL */
} aipi_rule_obligation;

typedef enum { SCOPE_NONE = 0, SCOPE_IN = 1, SCOPE_OUT = 2 } aipi_scope;

typedef struct aipi_rule {
    const char *id;
    aipi_text title;
    aipi_cite cite;
    uint32_t when;               /* condition index */
    uint32_t nraise;
    aipi_raise *raise;
    aipi_scope scope;
    uint32_t nobligations;
    aipi_rule_obligation *obligations;
    uint32_t npenalties;
    uint32_t *penalties;
    aipi_text note;              /* en == NULL: none */
    aipi_dated applies_from;
    aipi_date *from_v;           /* applies_from resolved per version */
    uint32_t law_from, law_until; /* version range [from, until) */
    uint32_t nfacts;             /* facts the condition reads, for the */
    uint32_t *facts;             /* explanation and the missing facts */
} aipi_rule;

typedef enum { PER_UNIT_HOURS, PER_UNIT_DAYS, PER_UNIT_WEEKS, PER_UNIT_MONTHS,
               PER_UNIT_YEARS } aipi_unit;

typedef struct aipi_deadline {
    int every;                   /* 0: "within ... after ...", 1: cadence */
    uint32_t amount;
    aipi_unit unit;
    aipi_text after, kase;       /* en == NULL when absent */
} aipi_deadline;

typedef struct aipi_obligation {
    const char *id;
    aipi_text title, summary;
    uint32_t role;               /* value of the role fact, or AIPI_NONE */
    aipi_cite cite;
    aipi_dated applies_from;
    aipi_date *from_v;           /* applies_from resolved per version */
    uint32_t ndeadlines;
    aipi_deadline *deadlines;
    uint32_t penalty;            /* or AIPI_NONE */
    uint32_t law_from, law_until;
} aipi_obligation;

typedef enum { COMBINE_NONE, COMBINE_HIGHER, COMBINE_LOWER } aipi_combine;

typedef struct aipi_variant {
    uint32_t when;
    aipi_combine combine;
    aipi_cite cite;
} aipi_variant;

typedef struct aipi_penalty {
    const char *id;
    aipi_text title;
    aipi_cite cite;
    int has_amount, has_percent;
    double amount, percent;
    const char *currency;
    aipi_text per;               /* "infringement", "violation"; en NULL: none */
    aipi_combine combine;
    uint32_t turnover_fact;      /* or AIPI_NONE */
    uint32_t nvariants;
    aipi_variant *variants;
    aipi_dated applies_from;
    aipi_date *from_v;           /* applies_from resolved per version */
} aipi_penalty;

typedef struct aipi_regulation {
    const char *id;
    aipi_text title, short_title;
    const char *jurisdiction, *source;
    uint32_t role_fact, turnover_fact;
    uint32_t nversions;
    aipi_version *versions;
    uint32_t ndims;
    aipi_dimension *dims;
    uint32_t nrules;
    aipi_rule *rules;            /* declaration order */
    uint32_t *eval_order;        /* rule indices, raisers before readers */
    uint8_t *has_scope_in;       /* per version: some scope:in rule is law */
    aipi_plan *plans;            /* per version (plan.h) */
    uint32_t nobligations;
    aipi_obligation *obligations;
    uint32_t npenalties;
    aipi_penalty *penalties;
} aipi_regulation;

/* ---- pre-rendered JSON ------------------------------------------------------ */

/* The parts of the compact JSON output that depend only on the knowledge
 * and the language, rendered and escaped once at load (json_out.c): the
 * writer copies them whole instead of escaping the same titles for every
 * result. */
typedef struct aipi_frag {
    const char *s;
    size_t n;
} aipi_frag;

typedef struct aipi_json_frags {
    aipi_frag **rule;            /* [reg][rule]: {"id":..,"citation":..,"status": */
    aipi_frag **ob_head;         /* [reg][ob]: {"id":..,"citation":..,"status": */
    aipi_frag **ob_tail;         /* [reg][ob]: ,"deadlines":[..]} */
    aipi_frag *missing;          /* [fact]: {"id":..,"question":..,"score": */
    aipi_frag **scope;           /* [reg][rule]: {"id":..,"scope":..,"value": */
    aipi_frag **note;            /* [reg][rule]: {"rule":..,"text":..} */
    aipi_frag **dim_head;        /* [reg][dim]: {"id":..,"title":..,"value": */
    aipi_frag **dim_value;       /* [reg][dim * 64 + v]: "v","label":"..." */
    aipi_frag **reg_head;        /* [reg][version]: {"id":..,"law_version":".." */
    aipi_frag **law_version;     /* [reg][version]: provenance {..} */
    aipi_frag **pen_head;        /* [reg][penalty]: {"id":..,"status": */
    aipi_frag **pen_amounts;     /* [reg][penalty]: ,"amount":..,"turnover_percent":.. */
} aipi_json_frags;

/* ---- the knowledge base ---------------------------------------------------- */

struct aip_kb {
    atomic_int refs;
    aip_allocator alloc;         /* copied from the builder */
    aipi_arena arena;
    uint32_t nfacts;
    aipi_fact *facts;
    aipi_intern fact_index;      /* fact id -> index */
    uint32_t nregs;
    aipi_regulation *regs;
    uint32_t nconds;
    aipi_cond *conds;
    uint32_t *refs_pool;         /* children of all/any, facts of sums */
    aipi_sweep sweep;            /* the pure nodes as one pass (sweep.h) */
    aipi_frag *json_fact;        /* [fact]: "id":null (json_out.c) */
    aipi_json_frags json[2];     /* English, French */
    char fingerprint[72];        /* "sha256:" + 64 hex + NUL */
};

/* Fills kb->json_fact and kb->json (json_out.c). AIP_OK or
 * AIP_ENOMEM. */
int aipi_json_prerender(aip_kb *kb);

/* Picks the date of `d` for version v, or `fallback` when d has none. */
aipi_date aipi_dated_resolve(const aipi_dated *d, uint32_t v,
                             aipi_date fallback);

/* Text in the requested language ("fr" or anything else = English). */
const char *aipi_text_get(const aipi_text *t, const char *lang);

#endif
