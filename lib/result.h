/*
 * result.h - the layout of an aip_result, shared by the evaluator that fills
 * it and the writers (accessors, JSON, text) that read it. Everything lives
 * in the result's arena; names are borrowed from the knowledge base, which
 * the result keeps a reference to.
 */
#ifndef AIP_RESULT_H
#define AIP_RESULT_H

#include "eval.h"

typedef struct aipi_res_obligation {
    uint32_t obligation;
    aipi_date from;
    const char *from_str;        /* borrowed from the plan's trigger */
    uint8_t status;              /* AIP_IN_FORCE or AIP_UPCOMING */
    uint8_t certain;
    uint32_t rule;               /* the rule that set the date */
} aipi_res_obligation;

typedef struct aipi_res_rule {
    uint32_t rule;
    uint8_t tv;                  /* TV_TRUE or TV_UNKNOWN */
    uint8_t status;              /* AIP_IN_FORCE or AIP_UPCOMING */
    uint32_t at;                 /* position in the plan's rules */
    aipi_date from;
    const char *from_str;        /* borrowed from the plan */
} aipi_res_rule;

typedef struct aipi_res_upcoming {
    uint32_t dim, value, rule;
    aipi_date from;
} aipi_res_upcoming;

typedef struct aipi_res_missing {
    uint32_t fact;
    uint32_t score;
    uint8_t relevance;           /* TV_TRUE or TV_UNKNOWN */
} aipi_res_missing;

typedef struct aipi_res_penalty {
    uint32_t penalty;
    uint32_t variant;            /* the variant that decided, or AIPI_NONE */
    aipi_combine combine;
    uint8_t status;              /* AIP_IN_FORCE or AIP_UPCOMING */
    aipi_date from;
    uint8_t certain;             /* turnover and variants known */
    uint8_t has_turnover;
    double turnover;
    double ceiling;
} aipi_res_penalty;

typedef struct aipi_res_reg {
    uint32_t reg;
    uint32_t version;
    aip_applicability applicability;
    uint32_t nscope;
    aipi_res_rule *scope;        /* scope rules that are true or unknown */
    aipi_dim_state *dims;
    uint32_t nupcoming;
    aipi_res_upcoming *upcoming;
    uint32_t nobligations;
    aipi_res_obligation *obligations;
    uint32_t nfired;
    aipi_res_rule *fired;        /* true rules */
    uint32_t nundetermined;
    aipi_res_rule *undetermined; /* unknown rules */
    uint32_t nmissing;
    aipi_res_missing *missing;
    uint32_t npenalties;
    aipi_res_penalty *penalties;
    int has_ceiling, ceiling_certain;
    double ceiling;
    const char *currency;
} aipi_res_reg;

struct aip_result {
    aip_kb *kb;                  /* a reference */
    aipi_arena arena;
    aipi_date as_of;
    char as_of_str[11];
    uint32_t nregs;
    aipi_res_reg *regs;
    uint32_t nmissing;
    aipi_res_missing *missing;   /* over all regulations */
    uint8_t *known;              /* the query's facts, for the output */
    aipi_value *values;
};

/* Frees r's arena, and r with it (r lives there). aip_result_free also
 * releases the knowledge base; a result that never held it is dropped. */
void aipi_result_drop(aip_result *r);

/* aip_result_to_json, with the pre-rendered knowledge parts used or not
 * (compact output; the bytes are the same either way). */
int aipi_json_write(const aip_result *r, const char *lang, unsigned flags,
                    int fragments, char **out, size_t *len);

#endif
