/*
 * result.c - reading a result: accessors and freeing.
 */
#include <string.h>

#include "result.h"

void aipi_result_drop(aip_result *r)
{
    aipi_arena arena = r->arena;     /* copied out: it holds r */
    aipi_arena_free(&arena);
}

void aip_result_free(aip_result *r)
{
    if (!r)
        return;
    aip_kb *kb = r->kb;
    aipi_result_drop(r);
    aip_kb_release(kb);
}

static const aipi_res_reg *res_reg(const aip_result *r, size_t reg)
{
    return r && reg < r->nregs ? &r->regs[reg] : NULL;
}

const char *aip_result_as_of(const aip_result *r)
{
    return r ? r->as_of_str : NULL;
}

size_t aip_result_regulation_count(const aip_result *r)
{
    return r ? r->nregs : 0;
}

const char *aip_result_regulation_id(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? r->kb->regs[rr->reg].id : NULL;
}

const char *aip_result_law_version(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? r->kb->regs[rr->reg].versions[rr->version].id : NULL;
}

int aip_result_applicability(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? (int)rr->applicability : AIP_ERANGE;
}

const char *aip_result_dimension(const aip_result *r, size_t reg,
                                 const char *dimension, int *determined)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    if (!rr || !dimension)
        return NULL;
    const aipi_regulation *g = &r->kb->regs[rr->reg];
    for (uint32_t d = 0; d < g->ndims; d++) {
        if (strcmp(g->dims[d].id, dimension) != 0)
            continue;
        if (determined)
            *determined = rr->dims[d].floor == rr->dims[d].ceiling;
        return g->dims[d].value_ids[rr->dims[d].floor];
    }
    return NULL;
}

static const aipi_res_obligation *res_ob(const aip_result *r, size_t reg,
                                         size_t i)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr && i < rr->nobligations ? &rr->obligations[i] : NULL;
}

static const aipi_obligation *kb_ob(const aip_result *r, size_t reg, size_t i)
{
    const aipi_res_obligation *o = res_ob(r, reg, i);
    return o ? &r->kb->regs[r->regs[reg].reg].obligations[o->obligation] : NULL;
}

size_t aip_result_obligation_count(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? rr->nobligations : 0;
}

const char *aip_result_obligation_id(const aip_result *r, size_t reg, size_t i)
{
    const aipi_obligation *o = kb_ob(r, reg, i);
    return o ? o->id : NULL;
}

const char *aip_result_obligation_role(const aip_result *r, size_t reg,
                                       size_t i)
{
    const aipi_obligation *o = kb_ob(r, reg, i);
    if (!o || o->role == AIPI_NONE)
        return NULL;
    const aipi_regulation *g = &r->kb->regs[r->regs[reg].reg];
    return r->kb->facts[g->role_fact].value_ids[o->role];
}

const char *aip_result_obligation_citation(const aip_result *r, size_t reg,
                                           size_t i)
{
    const aipi_obligation *o = kb_ob(r, reg, i);
    return o ? o->cite.ref : NULL;
}

const char *aip_result_obligation_applies_from(const aip_result *r,
                                               size_t reg, size_t i)
{
    const aipi_res_obligation *o = res_ob(r, reg, i);
    return o ? o->from_str : NULL;
}

int aip_result_obligation_status(const aip_result *r, size_t reg, size_t i)
{
    const aipi_res_obligation *o = res_ob(r, reg, i);
    return o ? o->status : AIP_ERANGE;
}

int aip_result_obligation_certain(const aip_result *r, size_t reg, size_t i)
{
    const aipi_res_obligation *o = res_ob(r, reg, i);
    return o ? o->certain : AIP_ERANGE;
}

size_t aip_result_fired_count(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? rr->nfired : 0;
}

static const aipi_rule *fired_rule(const aip_result *r, size_t reg, size_t i)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    if (!rr || i >= rr->nfired)
        return NULL;
    return &r->kb->regs[rr->reg].rules[rr->fired[i].rule];
}

const char *aip_result_fired_rule(const aip_result *r, size_t reg, size_t i)
{
    const aipi_rule *rule = fired_rule(r, reg, i);
    return rule ? rule->id : NULL;
}

const char *aip_result_fired_citation(const aip_result *r, size_t reg,
                                      size_t i)
{
    const aipi_rule *rule = fired_rule(r, reg, i);
    return rule ? rule->cite.ref : NULL;
}

size_t aip_result_missing_count(const aip_result *r)
{
    return r ? r->nmissing : 0;
}

const char *aip_result_missing_fact(const aip_result *r, size_t i)
{
    return r && i < r->nmissing ? r->kb->facts[r->missing[i].fact].id : NULL;
}

int aip_result_penalty_ceiling(const aip_result *r, size_t reg, double *out,
                               const char **currency)
{
    if (!r || !out)
        return AIP_EINVAL;
    const aipi_res_reg *rr = res_reg(r, reg);
    if (!rr)
        return AIP_ERANGE;
    if (!rr->has_ceiling)
        return AIP_ENOTFOUND;
    *out = rr->ceiling;
    if (currency)
        *currency = rr->currency;
    return AIP_OK;
}
