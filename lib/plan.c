/*
 * plan.c - per-version plans of the regulations (see plan.h).
 */
#include <string.h>

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

/* Scratch for one plan's impure nodes: the distinct dimension tests met
 * so far (at most one per dimension test node of the knowledge). */
typedef struct impure_builder {
    const aip_kb *kb;
    uint32_t ntests;             /* dimension test nodes while counting */
    uint32_t *tests;
    uint32_t nwords;
    uint32_t *words;             /* NULL while counting */
} impure_builder;

/* The node that stands for dimension test c: the first equal one met. */
static uint32_t dim_test(impure_builder *B, uint32_t c)
{
    if (!B->words) {
        B->ntests++;
        return c;
    }
    const aipi_cond *x = &B->kb->conds[c];
    for (uint32_t i = 0; i < B->ntests; i++) {
        const aipi_cond *y = &B->kb->conds[B->tests[i]];
        if (x->a == y->a && x->op == y->op
            && memcmp(&x->lit, &y->lit, sizeof x->lit) == 0)
            return B->tests[i];
    }
    B->tests[B->ntests++] = c;
    return c;
}

/* Appends the inner nodes under impure node c, children first (counts
 * them only while B->words is NULL). */
static void add_impure(impure_builder *B, uint32_t c)
{
    const aipi_sweep *s = &B->kb->sweep;
    const uint32_t *kid = &s->impure_kids[s->impure_first[c]];
    uint32_t n = s->impure_n[c];
    for (uint32_t k = 0; k < n; k++)
        if (B->kb->conds[kid[k]].kind != C_DIM)
            add_impure(B, kid[k]);
    uint32_t *w = B->words ? &B->words[B->nwords] : NULL;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t x = B->kb->conds[kid[k]].kind == C_DIM ? dim_test(B, kid[k])
                                                         : kid[k];
        if (w)
            w[3 + k] = x;
    }
    if (w) {
        w[0] = c;
        w[1] = B->kb->conds[c].kind;
        w[2] = n;
    }
    B->nwords += 3 + n;
}

/* Walks the impure conditions of the rules of p that raise nothing. A
 * rule whose whole condition is a dimension test reads the node that
 * stands for it. */
static void walk_impure(impure_builder *B, aipi_plan *p)
{
    for (uint32_t j = 0; j < p->nrules; j++) {
        uint32_t c = p->rules[j].when;
        if (p->rules[j].raises || B->kb->sweep.pure[c])
            continue;
        if (B->kb->conds[c].kind == C_DIM) {
            p->rules[j].when = dim_test(B, c);
            continue;
        }
        uint32_t *head = B->words ? &B->words[B->nwords] : NULL;
        B->nwords += 3;
        uint32_t start = B->nwords;
        add_impure(B, c);
        if (head) {
            head[0] = c;
            head[1] = B->kb->conds[c].kind;
            head[2] = B->nwords - start;
        }
    }
}

static int build_impure(aip_kb *kb, aipi_plan *p)
{
    impure_builder B = { kb, 0, NULL, 0, NULL };
    walk_impure(&B, p);          /* counts words and dimension tests */
    p->impure = aipi_arena_array(&kb->arena, B.nwords + 1, sizeof *p->impure);
    p->dimtests = aipi_arena_array(&kb->arena, B.ntests + 1,
                                   sizeof *p->dimtests);
    if (!p->impure || !p->dimtests)
        return AIP_ENOMEM;
    B.words = p->impure;
    B.tests = p->dimtests;
    B.nwords = B.ntests = 0;
    walk_impure(&B, p);
    p->nimpure = B.nwords;
    p->ndimtests = B.ntests;
    return AIP_OK;
}

/* The details of every rule of p (plan.h), in one pass that counts and
 * one that copies. */
static void copy_details(const aipi_regulation *reg, aipi_plan *p,
                         uint32_t *counts)
{
    uint32_t nraise = 0, nob = 0, npen = 0, nfacts = 0;
    for (uint32_t j = 0; j < p->nrules; j++) {
        const aipi_rule *rule = &reg->rules[p->rules[j].rule];
        aipi_plan_detail *d = &p->detail[j];
        d->first_raise = nraise;
        d->nraise = rule->nraise;
        d->first_ob = nob;
        d->nob = rule->nobligations;
        d->first_penalty = npen;
        d->npenalties = rule->npenalties;
        d->first_fact = nfacts;
        d->nfacts = rule->nfacts;
        if (!counts) {
            for (uint32_t k = 0; k < rule->nraise; k++)
                p->raise[nraise + k] = rule->raise[k];
            for (uint32_t k = 0; k < rule->nobligations; k++) {
                uint32_t o = rule->obligations[k].obligation;
                p->obs[nob + k].obligation = o;
                p->obs[nob + k].role = reg->obligations[o].role;
            }
            for (uint32_t k = 0; k < rule->npenalties; k++)
                p->penalties[npen + k] = rule->penalties[k];
            for (uint32_t k = 0; k < rule->nfacts; k++)
                p->facts[nfacts + k] = rule->facts[k];
        }
        nraise += rule->nraise;
        nob += rule->nobligations;
        npen += rule->npenalties;
        nfacts += rule->nfacts;
    }
    if (counts) {
        counts[0] = nraise;
        counts[1] = nob;
        counts[2] = npen;
        counts[3] = nfacts;
    }
}

static int build_details(aip_kb *kb, const aipi_regulation *reg,
                         aipi_plan *p)
{
    uint32_t n[4];
    p->detail = aipi_arena_array(&kb->arena, p->nrules + 1,
                                 sizeof *p->detail);
    if (!p->detail)
        return AIP_ENOMEM;
    copy_details(reg, p, n);
    p->raise = aipi_arena_array(&kb->arena, n[0] + 1, sizeof *p->raise);
    p->obs = aipi_arena_array(&kb->arena, n[1] + 1, sizeof *p->obs);
    p->penalties = aipi_arena_array(&kb->arena, n[2] + 1,
                                    sizeof *p->penalties);
    p->facts = aipi_arena_array(&kb->arena, n[3] + 1, sizeof *p->facts);
    if (!p->raise || !p->obs || !p->penalties || !p->facts)
        return AIP_ENOMEM;
    copy_details(reg, p, NULL);
    return AIP_OK;
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
    int rc = build_details(kb, reg, p);
    return rc == AIP_OK ? build_impure(kb, p) : rc;
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
