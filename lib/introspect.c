/*
 * introspect.c - read-only accessors of a knowledge base: regulations,
 * rules, facts and their values, dimensions (aipolicy.h sections 3 and 6),
 * and the per-regulation missing facts of a result, for front ends that
 * talk to people (aipolicy ask, explain, diff, list) and for the bindings.
 * Plain lookups into the structures of model.h; kb.c builds them.
 */
#include <string.h>

#include "result.h"

static const aipi_fact *fact_at(const aip_kb *kb, size_t i)
{
    return kb && i < kb->nfacts ? &kb->facts[i] : NULL;
}

static const aipi_regulation *reg_at(const aip_kb *kb, size_t i)
{
    return kb && i < kb->nregs ? &kb->regs[i] : NULL;
}

/* ---- regulations, rules and facts ---------------------------------------- */

const char *aip_kb_fingerprint(const aip_kb *kb)
{
    return kb ? kb->fingerprint : NULL;
}

size_t aip_kb_regulation_count(const aip_kb *kb)
{
    return kb ? kb->nregs : 0;
}

const char *aip_kb_regulation_id(const aip_kb *kb, size_t i)
{
    const aipi_regulation *r = reg_at(kb, i);
    return r ? r->id : NULL;
}

const char *aip_kb_regulation_title(const aip_kb *kb, size_t i,
                                    const char *lang)
{
    const aipi_regulation *r = reg_at(kb, i);
    return r ? aipi_text_get(&r->title, lang) : NULL;
}

size_t aip_kb_rule_count(const aip_kb *kb, size_t regulation)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r ? r->nrules : 0;
}

const char *aip_kb_rule_id(const aip_kb *kb, size_t regulation, size_t i)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r && i < r->nrules ? r->rules[i].id : NULL;
}

const char *aip_kb_rule_citation(const aip_kb *kb, size_t regulation,
                                 size_t i)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r && i < r->nrules ? r->rules[i].cite.ref : NULL;
}

size_t aip_kb_fact_count(const aip_kb *kb)
{
    return kb ? kb->nfacts : 0;
}

const char *aip_kb_fact_id(const aip_kb *kb, size_t i)
{
    const aipi_fact *f = fact_at(kb, i);
    return f ? f->id : NULL;
}

const char *aip_kb_fact_type(const aip_kb *kb, size_t i)
{
    static const char *const names[] = { "bool", "enum", "set", "number",
                                         "date" };
    const aipi_fact *f = fact_at(kb, i);
    return f ? names[f->type] : NULL;
}

const char *aip_kb_fact_label(const aip_kb *kb, size_t i, const char *lang)
{
    const aipi_fact *f = fact_at(kb, i);
    return f ? aipi_text_get(&f->label, lang) : NULL;
}

const char *aip_kb_fact_question(const aip_kb *kb, size_t i, const char *lang)
{
    const aipi_fact *f = fact_at(kb, i);
    return f ? aipi_text_get(&f->question, lang) : NULL;
}

/* ---- facts ----------------------------------------------------------------- */

int aip_kb_fact_find(const aip_kb *kb, const char *id, size_t *index)
{
    uint32_t i;
    if (!kb || !id || !index)
        return AIP_EINVAL;
    if (aipi_intern_find(&kb->fact_index, id, strlen(id), &i) != 0)
        return AIP_ENOTFOUND;
    *index = i;
    return AIP_OK;
}

/* Only enum and set facts have values; a bool's true/false are not listed
 * because they have no labels of their own. */
size_t aip_kb_fact_value_count(const aip_kb *kb, size_t fact)
{
    const aipi_fact *f = fact_at(kb, fact);
    return f && (f->type == FT_ENUM || f->type == FT_SET) ? f->nvalues : 0;
}

const char *aip_kb_fact_value_id(const aip_kb *kb, size_t fact, size_t value)
{
    const aipi_fact *f = fact_at(kb, fact);
    return f && value < aip_kb_fact_value_count(kb, fact)
               ? f->value_ids[value] : NULL;
}

const char *aip_kb_fact_value_label(const aip_kb *kb, size_t fact,
                                    size_t value, const char *lang)
{
    const aipi_fact *f = fact_at(kb, fact);
    return f && value < aip_kb_fact_value_count(kb, fact)
               ? aipi_text_get(&f->value_labels[value], lang) : NULL;
}

const char *aip_kb_fact_help(const aip_kb *kb, size_t fact, const char *lang)
{
    const aipi_fact *f = fact_at(kb, fact);
    return f && f->help.en ? aipi_text_get(&f->help, lang) : NULL;
}

const char *aip_kb_fact_unit(const aip_kb *kb, size_t fact)
{
    const aipi_fact *f = fact_at(kb, fact);
    return f ? f->unit : NULL;
}

/* ---- regulations and dimensions --------------------------------------------- */

const char *aip_kb_regulation_short_title(const aip_kb *kb, size_t i,
                                          const char *lang)
{
    const aipi_regulation *r = reg_at(kb, i);
    if (!r)
        return NULL;
    return aipi_text_get(r->short_title.en ? &r->short_title : &r->title,
                         lang);
}

size_t aip_kb_dimension_count(const aip_kb *kb, size_t regulation)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r ? r->ndims : 0;
}

const char *aip_kb_dimension_id(const aip_kb *kb, size_t regulation, size_t i)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r && i < r->ndims ? r->dims[i].id : NULL;
}

const char *aip_kb_dimension_title(const aip_kb *kb, size_t regulation,
                                   size_t i, const char *lang)
{
    const aipi_regulation *r = reg_at(kb, regulation);
    return r && i < r->ndims ? aipi_text_get(&r->dims[i].title, lang) : NULL;
}

/* ---- results ------------------------------------------------------------------ */

static const aipi_res_reg *res_reg(const aip_result *r, size_t reg)
{
    return r && reg < r->nregs ? &r->regs[reg] : NULL;
}

const char *aip_result_dimension_label(const aip_result *r, size_t reg,
                                       const char *dimension, const char *lang)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    if (!rr || !dimension)
        return NULL;
    const aipi_regulation *g = &r->kb->regs[rr->reg];
    for (uint32_t d = 0; d < g->ndims; d++)
        if (strcmp(g->dims[d].id, dimension) == 0)
            return aipi_text_get(&g->dims[d].value_labels[rr->dims[d].floor],
                                 lang);
    return NULL;
}

const char *aip_result_obligation_title(const aip_result *r, size_t reg,
                                        size_t i, const char *lang)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    if (!rr || i >= rr->nobligations)
        return NULL;
    const aipi_regulation *g = &r->kb->regs[rr->reg];
    return aipi_text_get(&g->obligations[rr->obligations[i].obligation].title,
                         lang);
}

size_t aip_result_regulation_missing_count(const aip_result *r, size_t reg)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr ? rr->nmissing : 0;
}

const char *aip_result_regulation_missing_fact(const aip_result *r,
                                               size_t reg, size_t i)
{
    const aipi_res_reg *rr = res_reg(r, reg);
    return rr && i < rr->nmissing ? r->kb->facts[rr->missing[i].fact].id
                                  : NULL;
}
