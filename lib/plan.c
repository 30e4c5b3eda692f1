/*
 * plan.c - per-version plans of the regulations (see plan.h).
 */
#include "model.h"
#include "plan.h"

static int in_law(uint32_t v, uint32_t from, uint32_t until)
{
    return v >= from && v < until;
}

/* Sizes of version v's plan: rules, raisers and triggers in law. */
static void count_plan(const aipi_regulation *reg, uint32_t v,
                       aipi_plan *p, uint32_t *ntriggers)
{
    *ntriggers = 0;
    for (uint32_t r = 0; r < reg->nrules; r++) {
        const aipi_rule *rule = &reg->rules[r];
        if (!in_law(v, rule->law_from, rule->law_until))
            continue;
        p->nrules++;
        p->nraisers += rule->nraise > 0;
        p->nraise += rule->nraise;
        p->nscope += rule->scope != SCOPE_NONE;
        for (uint32_t k = 0; k < rule->nobligations; k++) {
            const aipi_obligation *ob =
                &reg->obligations[rule->obligations[k].obligation];
            *ntriggers += in_law(v, ob->law_from, ob->law_until);
        }
    }
}

/* The obligations rule r triggers in version v, appended at *n. */
static void add_triggers(const aipi_regulation *reg, uint32_t v, uint32_t r,
                         aipi_date rule_from, aipi_trigger *t, uint32_t *n)
{
    const aipi_rule *rule = &reg->rules[r];
    for (uint32_t k = 0; k < rule->nobligations; k++) {
        const aipi_rule_obligation *ro = &rule->obligations[k];
        const aipi_obligation *ob = &reg->obligations[ro->obligation];
        if (!in_law(v, ob->law_from, ob->law_until))
            continue;
        aipi_date d = ro->from_v ? ro->from_v[v] : ob->from_v[v];
        aipi_trigger *tr = &t[(*n)++];
        tr->obligation = ro->obligation;
        tr->role = ob->role;
        tr->rule = r;
        tr->from = d > rule_from ? d : rule_from;
        aipi_date_format(tr->from, tr->from_str);
    }
}

/* Version v's plan; `pos` is scratch of reg->nrules entries (rule index ->
 * position in p->rules, for the raisers' order). */
static int build_plan(aip_kb *kb, const aipi_regulation *reg, uint32_t v,
                      aipi_plan *p, uint32_t *pos)
{
    uint32_t ntriggers;
    count_plan(reg, v, p, &ntriggers);
    p->rules = aipi_arena_array(&kb->arena, p->nrules + 1, sizeof *p->rules);
    p->raisers = aipi_arena_array(&kb->arena, p->nraisers + 1,
                                  sizeof *p->raisers);
    p->triggers = aipi_arena_array(&kb->arena, ntriggers + 1,
                                   sizeof *p->triggers);
    if (!p->rules || !p->raisers || !p->triggers)
        return AIP_ENOMEM;
    uint32_t n = 0, nt = 0;
    for (uint32_t r = 0; r < reg->nrules; r++) {
        const aipi_rule *rule = &reg->rules[r];
        if (!in_law(v, rule->law_from, rule->law_until))
            continue;
        aipi_plan_rule *pr = &p->rules[n];
        pos[r] = n++;
        pr->rule = r;
        pr->when = rule->when;
        pr->from = rule->from_v[v];
        aipi_date_format(pr->from, pr->from_str);
        pr->first_trigger = nt;
        add_triggers(reg, v, r, pr->from, p->triggers, &nt);
        pr->ntriggers = nt - pr->first_trigger;
        pr->raises = rule->nraise > 0;
        pr->scope = (uint8_t)rule->scope;
    }
    uint32_t nr = 0;
    for (uint32_t i = 0; i < reg->nrules; i++) {
        const aipi_rule *rule = &reg->rules[reg->eval_order[i]];
        if (rule->nraise > 0 && in_law(v, rule->law_from, rule->law_until))
            p->raisers[nr++] = pos[reg->eval_order[i]];
    }
    return AIP_OK;
}

int aipi_plan_compile(aip_kb *kb)
{
    int rc = AIP_OK;
    for (uint32_t g = 0; rc == AIP_OK && g < kb->nregs; g++) {
        aipi_regulation *reg = &kb->regs[g];
        reg->plans = aipi_arena_array(&kb->arena, reg->nversions + 1,
                                      sizeof *reg->plans);
        uint32_t *pos = aipi_malloc(&kb->alloc,
                                    (reg->nrules + 1) * sizeof *pos);
        rc = reg->plans && pos ? AIP_OK : AIP_ENOMEM;
        for (uint32_t v = 0; rc == AIP_OK && v < reg->nversions; v++)
            rc = build_plan(kb, reg, v, &reg->plans[v], pos);
        aipi_free(&kb->alloc, pos, (reg->nrules + 1) * sizeof *pos);
    }
    return rc;
}
