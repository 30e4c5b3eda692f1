/*
 * eval.c - classification: conditions in three-valued logic, rules,
 * dimensions, scope, obligations, penalties and missing facts
 * (doc/knowledge-format.md §5).
 *
 * This is the query path. It works on indices only: no string is compared
 * and nothing is looked up by name. Scratch space comes from the result's
 * arena, so a classification makes a handful of allocations whatever the
 * size of the knowledge base.
 */
#include <math.h>
#include <string.h>

#include "error.h"
#include "result.h"
#include "sweep.h"

/* ---- conditions ----------------------------------------------------------- */

static aipi_tv from_bool(int b)
{
    return b ? TV_TRUE : TV_FALSE;
}

static aipi_tv not_tv(aipi_tv t)
{
    return t == TV_UNKNOWN ? TV_UNKNOWN : from_bool(t == TV_FALSE);
}

static int compare_num(double x, aipi_op op, double lit)
{
    switch (op) {
    case OP_EQ:  return x == lit;
    case OP_NE:  return x != lit;
    case OP_GT:  return x > lit;
    case OP_GTE: return x >= lit;
    case OP_LT:  return x < lit;
    case OP_LTE: return x <= lit;
    default:     return 0;
    }
}

static aipi_tv eval_fact(const aip_kb *kb, const aip_query *q,
                         const aipi_cond *c)
{
    if (!q->known[c->a])
        return TV_UNKNOWN;
    const aipi_value *v = &q->values[c->a];
    switch (kb->facts[c->a].type) {
    case FT_BOOL:
        return from_bool((v->b == c->lit.b) == (c->op == OP_EQ));
    case FT_ENUM:
        if (c->op == OP_IN)
            return from_bool((c->lit.set >> v->e) & 1);
        return from_bool((v->e == c->lit.e) == (c->op == OP_EQ));
    case FT_SET:
        if (c->op == OP_CONTAINS_ANY)
            return from_bool((v->set & c->lit.set) != 0);
        if (c->op == OP_CONTAINS_ALL)
            return from_bool((v->set & c->lit.set) == c->lit.set);
        return from_bool((v->set >> c->lit.e) & 1);
    case FT_NUMBER:
        return from_bool(compare_num(v->num, (aipi_op)c->op, c->lit.num));
    case FT_DATE:
        return from_bool(compare_num(v->date, (aipi_op)c->op, c->lit.date));
    }
    return TV_UNKNOWN;
}

/* A sum with unknown parts is still decided when every unknown part is at
 * least 0 and the known parts already cross the bound. */
static aipi_tv eval_sum(const aip_kb *kb, const aip_query *q,
                        const aipi_cond *c)
{
    double sum = 0;
    int unknown = 0, unknown_nonneg = 1;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t f = kb->refs_pool[c->a + i];
        if (q->known[f]) {
            sum += q->values[f].num;
        } else {
            unknown = 1;
            unknown_nonneg &= kb->facts[f].has_min && kb->facts[f].min >= 0;
        }
    }
    int holds = compare_num(sum, (aipi_op)c->op, c->lit.num);
    if (!unknown)
        return from_bool(holds);
    if (!unknown_nonneg)
        return TV_UNKNOWN;
    /* Unknown parts can only increase the sum. */
    if ((c->op == OP_GT || c->op == OP_GTE) && holds)
        return TV_TRUE;
    if ((c->op == OP_LT || c->op == OP_LTE) && !holds)
        return TV_FALSE;
    return TV_UNKNOWN;
}

/* The dimension lies somewhere in [floor, ceiling]. */
static aipi_tv eval_dim(const aipi_cond *c, const aipi_dim_state *dims)
{
    uint32_t lo = dims[c->a].floor, hi = dims[c->a].ceiling, x = c->lit.e;
    switch (c->op) {
    case OP_GTE: return lo >= x ? TV_TRUE : hi < x ? TV_FALSE : TV_UNKNOWN;
    case OP_GT:  return lo > x ? TV_TRUE : hi <= x ? TV_FALSE : TV_UNKNOWN;
    case OP_LTE: return hi <= x ? TV_TRUE : lo > x ? TV_FALSE : TV_UNKNOWN;
    case OP_LT:  return hi < x ? TV_TRUE : lo >= x ? TV_FALSE : TV_UNKNOWN;
    case OP_EQ:
    case OP_NE: {
        aipi_tv eq = (lo == x && hi == x) ? TV_TRUE
                   : (x < lo || x > hi)   ? TV_FALSE
                                          : TV_UNKNOWN;
        return c->op == OP_EQ ? eq : not_tv(eq);
    }
    case OP_IN: {
        int any = 0, all = 1;
        for (uint32_t v = lo; v <= hi; v++) {
            int in = (c->lit.set >> v) & 1;
            any |= in;
            all &= in;
        }
        return all ? TV_TRUE : any ? TV_UNKNOWN : TV_FALSE;
    }
    default:
        return TV_UNKNOWN;
    }
}

/* The general evaluator, node by node: for the few fact tests the sweep
 * leaves to it (numbers, dates, sums) and for conditions evaluated outside
 * a query's sweep. `dims` NULL: dimension tests are unknown. */
static aipi_tv eval_node(const aip_kb *kb, const aip_query *q, uint32_t index,
                         const aipi_dim_state *dims)
{
    const aipi_cond *c = &kb->conds[index];
    aipi_tv acc;
    switch (c->kind) {
    case C_ALL:
        acc = TV_TRUE;
        for (uint32_t i = 0; i < c->n; i++) {
            aipi_tv t = eval_node(kb, q, kb->refs_pool[c->a + i], dims);
            if (t == TV_FALSE)
                return TV_FALSE;
            if (t == TV_UNKNOWN)
                acc = TV_UNKNOWN;
        }
        return acc;
    case C_ANY:
        acc = TV_FALSE;
        for (uint32_t i = 0; i < c->n; i++) {
            aipi_tv t = eval_node(kb, q, kb->refs_pool[c->a + i], dims);
            if (t == TV_TRUE)
                return TV_TRUE;
            if (t == TV_UNKNOWN)
                acc = TV_UNKNOWN;
        }
        return acc;
    case C_NOT:
        return not_tv(eval_node(kb, q, c->a, dims));
    case C_KNOWN:
        return from_bool(q->known[c->a]);
    case C_FACT:
        return eval_fact(kb, q, c);
    case C_SUM:
        return eval_sum(kb, q, c);
    case C_DIM:
        return dims ? eval_dim(c, dims) : TV_UNKNOWN;
    }
    return TV_UNKNOWN;
}

aipi_tv aipi_eval_cond(const aip_kb *kb, const aip_query *q, uint32_t index,
                       const aipi_dim_state *dims)
{
    return eval_node(kb, q, index, dims);
}

static const uint8_t tv_from_pv[4] = {
    TV_UNKNOWN, [AIPI_PV_TRUE] = TV_TRUE, [AIPI_PV_FALSE] = TV_FALSE,
    [AIPI_PV_UNKNOWN] = TV_UNKNOWN
};

/* A node above a dimension test, in the two-bit form of sweep.h: the sweep
 * left the AND and OR of its pure children in pv; the impure ones are
 * evaluated here against the dimensions as they stand. Rules that read a
 * dimension come after every rule that raises it (eval_order), so the
 * dimensions they see are final. `dims` NULL: dimension tests unknown. */
static unsigned impure_pv(const aip_kb *kb, uint32_t index,
                          const aipi_dim_state *dims, const uint8_t *pv)
{
    const aipi_cond *c = &kb->conds[index];
    if (c->kind == C_DIM)
        return dims ? aipi_pv_from_tv[eval_dim(c, dims)] : AIPI_PV_UNKNOWN;
    const aipi_sweep *s = &kb->sweep;
    unsigned a = (unsigned)pv[index] >> 2, o = pv[index] & 3u;
    /* all is decided once a child is false, any once one is true: their
     * bit is then gone from the AND */
    unsigned decided = c->kind == C_ALL ? AIPI_PV_TRUE
                     : c->kind == C_ANY ? AIPI_PV_FALSE : 0;
    const uint32_t *kid = &s->impure_kids[s->impure_first[index]];
    for (uint32_t i = 0; i < s->impure_n[index] && (a & decided) == decided;
         i++) {
        unsigned x = impure_pv(kb, kid[i], dims, pv);
        a &= x;
        o |= x;
    }
    return aipi_pv_combine(c->kind, a, o);
}

/* A condition's value in a query whose sweep filled pv. Inlined: the
 * rule pass calls it once per rule, and the pure case is one load. */
static ALWAYS_INLINE aipi_tv
cond_value(const aip_kb *kb, uint32_t index, const aipi_dim_state *dims,
           const uint8_t *pv)
{
    if (kb->sweep.pure[index])
        return (aipi_tv)tv_from_pv[pv[index]];
    return (aipi_tv)tv_from_pv[impure_pv(kb, index, dims, pv)];
}

uint32_t aipi_version_at(const aipi_regulation *reg, aipi_date d)
{
    uint32_t v = 0;
    for (uint32_t i = 1; i < reg->nversions; i++)
        if (reg->versions[i].in_force <= d)
            v = i;
    return v;
}

/* ---- classification -------------------------------------------------------- */

/* Missing-fact scores with the list of facts that have one, so that the
 * work per query follows what the rules touched, not the vocabulary size
 * times the number of regulations. */
typedef struct score_set {
    uint32_t *score;             /* per fact, 0 = none */
    uint32_t *touched;           /* facts with a score, in touch order */
    uint32_t n;
} score_set;

static void score_add(score_set *s, uint32_t f, uint32_t w)
{
    if (!w)
        return;
    if (!s->score[f])
        s->touched[s->n++] = f;
    s->score[f] += w;
}

/* Scratch state for one regulation. */
typedef struct reg_eval {
    const aip_kb *kb;
    const aip_query *q;
    const aipi_regulation *reg;
    const aipi_plan *plan;       /* the regulation at the result's version */
    aipi_res_reg *out;
    aipi_arena *arena;
    aipi_date as_of;
    uint8_t *tv;                 /* per plan rule: value, raisers only */
    uint8_t *ob_state;           /* per obligation: 0 none, 1 possible, 2 certain */
    uint32_t *ob_trigger;        /* per obligation: the trigger that set it */
    uint32_t nob;                /* obligations with a state */
    uint64_t *ob_set;            /* those with a state, as a bit set */
    uint8_t *engaged;            /* per penalty: engaged by a true rule */
    uint8_t *pv;                 /* the query's sweep (sweep.h) */
    score_set *scores;           /* this regulation's missing-fact scores */
    aipi_tv scope_in, scope_out; /* OR of the scope:in / scope:out rules */
    aipi_tv role_state;          /* see read_roles */
    uint64_t roles;
} reg_eval;

/* The rules that raise a dimension, raisers before readers, so that the
 * one pass over all rules (walk_rules) sees final dimensions. */
static void evaluate_raisers(reg_eval *E)
{
    const aipi_plan *plan = E->plan;
    aipi_dim_state *dims = E->out->dims;
    for (uint32_t i = 0; i < plan->nraisers; i++) {
        uint32_t j = plan->raisers[i];
        const aipi_plan_rule *pr = &plan->rules[j];
        aipi_tv t = cond_value(E->kb, pr->when, dims, E->pv);
        E->tv[j] = (uint8_t)t;
        if (t == TV_FALSE || pr->from > E->as_of)
            continue;
        const aipi_plan_detail *dt = &plan->detail[j];
        const aipi_raise *raise = &plan->raise[dt->first_raise];
        for (uint32_t k = 0; k < dt->nraise; k++) {
            aipi_dim_state *d = &dims[raise[k].dim];
            uint32_t v = raise[k].value;
            if (t == TV_TRUE && v > d->floor)
                d->floor = v;
            if (v > d->ceiling)
                d->ceiling = v;
        }
    }
}

/* The nodes above a dimension test in the conditions of the other rules,
 * now that the dimensions are final (plan.h): the distinct dimension
 * tests, then each rule's nodes in place of the partial values the sweep
 * left, children first; none when the rule's pure children already
 * decide it (a false child under all, a true one under any). */
static void finish_impure(reg_eval *E)
{
    const aipi_plan *plan = E->plan;
    const aipi_cond *conds = E->kb->conds;
    const aipi_dim_state *dims = E->out->dims;
    uint8_t *pv = E->pv;
    for (uint32_t i = 0; i < plan->ndimtests; i++) {
        uint32_t node = plan->dimtests[i];
        pv[node] = aipi_pv_from_tv[eval_dim(&conds[node], dims)];
    }
    const uint32_t *p = plan->impure, *end = p + plan->nimpure;
    while (p < end) {
        uint32_t root = p[0], root_op = p[1];
        const uint32_t *next = p + 3 + p[2];
        unsigned pure_and = (unsigned)pv[root] >> 2;
        if (root_op == AIPI_OP_ALL && !(pure_and & AIPI_PV_TRUE)) {
            pv[root] = AIPI_PV_FALSE;
            p = next;
            continue;
        }
        if (root_op == AIPI_OP_ANY && !(pure_and & AIPI_PV_FALSE)) {
            pv[root] = AIPI_PV_TRUE;
            p = next;
            continue;
        }
        for (p += 3; p < next; p += 3 + p[2]) {
            uint32_t node = p[0], op = p[1], n = p[2];
            unsigned a = (unsigned)pv[node] >> 2, o = pv[node] & 3u;
            aipi_pv_fold(pv, p + 3, n, &a, &o);
            pv[node] = (uint8_t)aipi_pv_combine(op, a, o);
        }
    }
}

/* Does the caller hold `role`? Unknown role fact: maybe (TV_UNKNOWN). */
static inline aipi_tv holds_role(const reg_eval *E, uint32_t role)
{
    if (role == AIPI_NONE || E->role_state == TV_TRUE)
        return TV_TRUE;
    if (E->role_state == TV_UNKNOWN)
        return TV_UNKNOWN;
    return from_bool((E->roles >> role) & 1);
}

/* The caller's roles, once per regulation: role_state TV_TRUE when the
 * regulation has no role fact (every obligation binds), TV_UNKNOWN when
 * the fact is not given, else TV_FALSE and `roles` holds the mask. */
static void read_roles(reg_eval *E)
{
    uint32_t f = E->reg->role_fact;
    E->role_state = f == AIPI_NONE ? TV_TRUE
                  : !E->q->known[f] ? TV_UNKNOWN : TV_FALSE;
    E->roles = 0;
    if (E->role_state != TV_FALSE)
        return;
    const aipi_value *v = &E->q->values[f];
    E->roles = E->kb->facts[f].type == FT_SET ? v->set
                                              : UINT64_C(1) << v->e;
}

/* Several rules may trigger one obligation: a certain trigger beats a
 * possible one, and among equals the earliest date applies (the first
 * rule in declaration order on a tie). */
static void trigger_obligations(reg_eval *E, const aipi_plan_rule *pr,
                                aipi_tv t)
{
    const aipi_trigger *all = E->plan->triggers;
    for (uint32_t k = pr->first_trigger; k < pr->first_trigger + pr->ntriggers;
         k++) {
        const aipi_trigger *tr = &all[k];
        aipi_tv role = holds_role(E, tr->role);
        if (role == TV_FALSE)
            continue;
        uint8_t state = (t == TV_TRUE && role == TV_TRUE) ? 2 : 1;
        uint32_t o = tr->obligation;
        uint8_t now = E->ob_state[o];
        if (state > now
            || (state == now && tr->from < all[E->ob_trigger[o]].from)) {
            E->nob += now == 0;
            E->ob_set[o / 64] |= UINT64_C(1) << (o % 64);
            E->ob_state[o] = state;
            E->ob_trigger[o] = k;
        }
    }
}

/* What a true rule adds besides its listing: penalties engaged when it
 * applies, raises still to come when it does not yet. */
static void true_rule(reg_eval *E, uint32_t j)
{
    const aipi_plan_rule *pr = &E->plan->rules[j];
    const aipi_plan_detail *dt = &E->plan->detail[j];
    aipi_res_reg *out = E->out;
    if (pr->from <= E->as_of) {
        const uint32_t *penalties = &E->plan->penalties[dt->first_penalty];
        for (uint32_t k = 0; k < dt->npenalties; k++)
            E->engaged[penalties[k]] = 1;
        return;
    }
    const aipi_raise *raise = &E->plan->raise[dt->first_raise];
    for (uint32_t k = 0; k < dt->nraise; k++) {
        if (raise[k].value <= out->dims[raise[k].dim].floor)
            continue;
        aipi_res_upcoming *u = &out->upcoming[out->nupcoming++];
        u->dim = raise[k].dim;
        u->value = raise[k].value;
        u->rule = pr->rule;
        u->from = pr->from;
    }
}

/* in = OR of scope:in rules (true when there are none), out = OR of
 * scope:out rules; applies = in AND NOT out. Scope is what the text of the
 * law in force says, whatever the dates from which its obligations apply:
 * a system covered by a law not yet applicable "applies", with its
 * obligations upcoming. */
static void decide_scope(reg_eval *E, aipi_tv in, aipi_tv out)
{
    if (!E->reg->has_scope_in[E->out->version])
        in = TV_TRUE;
    E->scope_in = in;
    E->scope_out = out;
    aipi_tv applies = not_tv(out);
    if (in == TV_FALSE || applies == TV_FALSE)
        applies = TV_FALSE;
    else if (in == TV_UNKNOWN || applies == TV_UNKNOWN)
        applies = TV_UNKNOWN;
    E->out->applicability = applies == TV_TRUE    ? AIP_APPLIES
                          : applies == TV_FALSE   ? AIP_DOES_NOT_APPLY
                                                  : AIP_UNDETERMINED;
}

/* Space for what walk_rules writes: each list at most as long as the
 * rules in law can make it. */
static int reserve_lists(reg_eval *E, aipi_res_rule **scope_unknown)
{
    const aipi_plan *plan = E->plan;
    aipi_res_reg *out = E->out;
    aipi_arena *a = E->arena;
    out->fired = aipi_arena_array_raw(a, plan->nrules + 1, sizeof *out->fired);
    out->undetermined = aipi_arena_array_raw(a, plan->nrules + 1,
                                             sizeof *out->undetermined);
    out->scope = aipi_arena_array_raw(a, plan->nscope + 1, sizeof *out->scope);
    *scope_unknown = aipi_arena_array_raw(a, plan->nscope + 1,
                                          sizeof **scope_unknown);
    out->upcoming = aipi_arena_array_raw(a, plan->nraise + 1,
                                         sizeof *out->upcoming);
    return out->fired && out->undetermined && out->scope && *scope_unknown
               && out->upcoming ? AIP_OK : AIP_ENOMEM;
}

/* One pass over the rules in law, in declaration order, once dimensions
 * are final: each rule's value, and for every rule that is true or
 * unknown its part of the lists (fired, undetermined, scope true ones
 * first), of the scope, the obligations, the penalties and the raises to
 * come. False rules contribute nothing. */
static int walk_rules(reg_eval *E)
{
    const aipi_plan *plan = E->plan;
    aipi_res_reg *out = E->out;
    aipi_res_rule *scope_unknown;
    if (reserve_lists(E, &scope_unknown) != AIP_OK)
        return AIP_ENOMEM;
    uint32_t nunknown_scope = 0;
    aipi_tv in = TV_FALSE, outside = TV_FALSE;
    for (uint32_t j = 0; j < plan->nrules; j++) {
        const aipi_plan_rule *pr = &plan->rules[j];
        aipi_tv t = (aipi_tv)(pr->raises ? E->tv[j]
                                         : tv_from_pv[E->pv[pr->when]]);
        if (t == TV_FALSE)
            continue;
        aipi_res_rule rr = { pr->rule, (uint8_t)t,
                             pr->from <= E->as_of ? AIP_IN_FORCE
                                                  : AIP_UPCOMING,
                             j, pr->from, pr->from_str };
        if (t == TV_TRUE)
            out->fired[out->nfired++] = rr;
        else
            out->undetermined[out->nundetermined++] = rr;
        if (pr->scope != SCOPE_NONE) {
            aipi_tv *acc = pr->scope == SCOPE_IN ? &in : &outside;
            if (t == TV_TRUE || *acc == TV_FALSE)
                *acc = t;
            if (t == TV_TRUE)
                out->scope[out->nscope++] = rr;
            else
                scope_unknown[nunknown_scope++] = rr;
        }
        if (pr->ntriggers)
            trigger_obligations(E, pr, t);
        if (t == TV_TRUE)
            true_rule(E, j);
    }
    memcpy(out->scope + out->nscope, scope_unknown,
           nunknown_scope * sizeof *scope_unknown);
    out->nscope += nunknown_scope;
    decide_scope(E, in, outside);
    return AIP_OK;
}

/* Index of the lowest bit set in w (w != 0). */
static inline uint32_t lowest_bit(uint64_t w)
{
#if defined(__GNUC__)
    return (uint32_t)__builtin_ctzll(w);
#else
    uint32_t i = 0;
    while (!((w >> i) & 1))
        i++;
    return i;
#endif
}

static void emit_obligation(reg_eval *E, uint32_t o)
{
    aipi_res_reg *out = E->out;
    const aipi_trigger *tr = &E->plan->triggers[E->ob_trigger[o]];
    aipi_res_obligation *ro = &out->obligations[out->nobligations++];
    ro->obligation = o;
    ro->from = tr->from;
    ro->from_str = tr->from_str;
    ro->status = ro->from <= E->as_of ? AIP_IN_FORCE : AIP_UPCOMING;
    ro->certain = E->ob_state[o] == 2 && out->applicability == AIP_APPLIES;
    ro->rule = tr->rule;
}

/* The obligations with a state, in obligation order: the bit set visits
 * those only, not every obligation of the regulation. */
static int emit_obligations(reg_eval *E)
{
    aipi_res_reg *out = E->out;
    if (out->applicability == AIP_DOES_NOT_APPLY)
        return AIP_OK;
    out->obligations = aipi_arena_array_raw(E->arena, E->nob + 1,
                                            sizeof *out->obligations);
    if (!out->obligations)
        return AIP_ENOMEM;
    uint32_t nwords = (E->reg->nobligations + 63) / 64;
    for (uint32_t word = 0; word < nwords; word++)
        for (uint64_t bits = E->ob_set[word]; bits; bits &= bits - 1)
            emit_obligation(E, word * 64 + lowest_bit(bits));
    return AIP_OK;
}

/* ---- penalties ------------------------------------------------------------- */

static void compute_ceiling(const reg_eval *E, const aipi_penalty *p,
                            aipi_res_penalty *rp)
{
    rp->combine = p->combine;
    rp->variant = AIPI_NONE;
    rp->certain = 1;
    int undecided = 0;
    for (uint32_t i = 0; i < p->nvariants && rp->variant == AIPI_NONE; i++) {
        aipi_tv t = cond_value(E->kb, p->variants[i].when, NULL, E->pv);
        if (t == TV_TRUE && !undecided) {
            rp->variant = i;
            rp->combine = p->variants[i].combine;
        } else if (t == TV_UNKNOWN) {
            undecided = 1;   /* the higher figure stands until it is known */
        }
    }
    if (undecided) {
        rp->certain = 0;
        rp->variant = AIPI_NONE;
        rp->combine = COMBINE_HIGHER;
    }
    uint32_t tf = p->turnover_fact;
    rp->has_turnover = p->has_percent && tf != AIPI_NONE && E->q->known[tf];
    if (rp->has_turnover)
        rp->turnover = E->q->values[tf].num;
    double share = rp->has_turnover ? rp->turnover * p->percent / 100.0 : 0;
    if (p->has_amount && p->has_percent && rp->has_turnover)
        rp->ceiling = rp->combine == COMBINE_LOWER ? fmin(p->amount, share)
                                                   : fmax(p->amount, share);
    else if (p->has_amount)
        rp->ceiling = p->amount;
    else
        rp->ceiling = share;
    if (p->has_percent && !rp->has_turnover)
        rp->certain = 0;
}

static int collect_penalties(reg_eval *E)
{
    const aipi_regulation *reg = E->reg;
    aipi_res_reg *out = E->out;
    if (out->applicability == AIP_DOES_NOT_APPLY || reg->npenalties == 0)
        return AIP_OK;
    uint8_t *engaged = E->engaged;
    for (uint32_t i = 0; i < out->nobligations; i++) {
        const aipi_res_obligation *ro = &out->obligations[i];
        uint32_t p = reg->obligations[ro->obligation].penalty;
        if (ro->certain && ro->status == AIP_IN_FORCE && p != AIPI_NONE)
            engaged[p] = 1;
    }
    uint32_t n = 0;
    for (uint32_t p = 0; p < reg->npenalties; p++)
        n += engaged[p];
    out->penalties = aipi_arena_array(E->arena, n + 1, sizeof *out->penalties);
    if (!out->penalties)
        return AIP_ENOMEM;
    out->ceiling_certain = 1;
    for (uint32_t p = 0; p < reg->npenalties; p++) {
        if (!engaged[p])
            continue;
        const aipi_penalty *pen = &reg->penalties[p];
        aipi_res_penalty *rp = &out->penalties[out->npenalties++];
        rp->penalty = p;
        rp->from = pen->from_v[out->version];
        rp->status = rp->from <= E->as_of ? AIP_IN_FORCE : AIP_UPCOMING;
        compute_ceiling(E, pen, rp);
        if (rp->status != AIP_IN_FORCE)
            continue;
        if (!out->has_ceiling || rp->ceiling > out->ceiling) {
            out->ceiling = rp->ceiling;
            out->currency = pen->currency;
        }
        out->has_ceiling = 1;
        out->ceiling_certain &= rp->certain;
    }
    return AIP_OK;
}

/* ---- missing facts ---------------------------------------------------------- */

/* How much an unknown rule's outcome matters (doc §5.2). */
static uint32_t rule_weight(const reg_eval *E, uint32_t j)
{
    const aipi_plan *plan = E->plan;
    const aipi_plan_detail *dt = &plan->detail[j];
    /* A scope rule matters while its side of the scope is still open. */
    uint8_t scope = plan->rules[j].scope;
    aipi_tv side = scope == SCOPE_IN ? E->scope_in : E->scope_out;
    uint32_t w = scope && side != TV_TRUE ? 1000 : 0;
    const aipi_raise *raise = &plan->raise[dt->first_raise];
    for (uint32_t k = 0; k < dt->nraise; k++) {
        uint32_t floor = E->out->dims[raise[k].dim].floor;
        if (raise[k].value > floor)
            w += 100 * (raise[k].value - floor);
    }
    const aipi_rule_ob *obs = &plan->obs[dt->first_ob];
    for (uint32_t k = 0; k < dt->nob; k++)
        if (E->ob_state[obs[k].obligation] != 2
            && holds_role(E, obs[k].role) != TV_FALSE)
            w += 10;
    return w + dt->npenalties;
}

/* Adds w to the score of every unknown fact condition c reads. */
static void score_cond_facts(const reg_eval *E, uint32_t c, uint32_t w)
{
    const aipi_cond *cond = &E->kb->conds[c];
    switch (cond->kind) {
    case C_ALL:
    case C_ANY:
        for (uint32_t i = 0; i < cond->n; i++)
            score_cond_facts(E, E->kb->refs_pool[cond->a + i], w);
        break;
    case C_NOT:
        score_cond_facts(E, cond->a, w);
        break;
    case C_SUM:
        for (uint32_t i = 0; i < cond->n; i++) {
            uint32_t f = E->kb->refs_pool[cond->a + i];
            if (!E->q->known[f])
                score_add(E->scores, f, w);
        }
        break;
    case C_KNOWN:
    case C_FACT:
        if (!E->q->known[cond->a])
            score_add(E->scores, cond->a, w);
        break;
    default:
        break;
    }
}

static void score_missing(reg_eval *E)
{
    const aipi_regulation *reg = E->reg;
    const aip_query *q = E->q;
    aipi_res_reg *out = E->out;
    if (out->applicability == AIP_DOES_NOT_APPLY)
        return;
    for (uint32_t i = 0; i < out->nundetermined; i++) {
        uint32_t j = out->undetermined[i].at;
        uint32_t w = rule_weight(E, j);
        const aipi_plan_detail *dt = &E->plan->detail[j];
        const uint32_t *facts = &E->plan->facts[dt->first_fact];
        for (uint32_t k = 0; w && k < dt->nfacts; k++)
            if (!q->known[facts[k]])
                score_add(E->scores, facts[k], w);
    }
    if (reg->role_fact != AIPI_NONE && !q->known[reg->role_fact])
        score_add(E->scores, reg->role_fact, 10 * out->nobligations);
    for (uint32_t i = 0; i < out->npenalties; i++) {
        const aipi_penalty *p = &reg->penalties[out->penalties[i].penalty];
        if (p->has_percent && p->turnover_fact != AIPI_NONE
            && !q->known[p->turnover_fact])
            score_add(E->scores, p->turnover_fact, 1);
        if (!out->penalties[i].certain)
            for (uint32_t v = 0; v < p->nvariants; v++)
                score_cond_facts(E, p->variants[v].when, 1);
    }
}

/* Missing facts are sorted on one 64-bit key: score descending in the high
 * half, fact index ascending in the low half (relevant facts are put first
 * by rank_missing itself). Integer keys keep the sort to compares and
 * moves. Insertion sort for the usual short lists; bottom-up merge sort,
 * with scratch from the result's arena, for long ones (synthetic knowledge
 * with thousands of facts). qsort is avoided: glibc's may call malloc. */
static uint64_t missing_key(uint32_t score, uint32_t fact)
{
    return (uint64_t)(UINT32_MAX - score) << 32 | fact;
}

static int sort_keys(uint64_t *k, uint32_t n, aipi_arena *arena)
{
    if (n <= 32) {
        for (uint32_t i = 1; i < n; i++) {
            uint64_t x = k[i];
            uint32_t j = i;
            for (; j > 0 && x < k[j - 1]; j--)
                k[j] = k[j - 1];
            k[j] = x;
        }
        return AIP_OK;
    }
    uint64_t *tmp = aipi_arena_array(arena, n, sizeof *tmp);
    if (!tmp)
        return AIP_ENOMEM;
    uint64_t *src = k, *dst = tmp;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t a = lo, b = mid, i = lo;
            while (a < mid && b < hi)
                dst[i++] = src[b] < src[a] ? src[b++] : src[a++];
            while (a < mid)
                dst[i++] = src[a++];
            while (b < hi)
                dst[i++] = src[b++];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
    return AIP_OK;
}

/* Is fact f's question relevant for this profile? Its relevant_if reads
 * facts only, so the sweep has its value. */
static aipi_tv relevance(const aip_kb *kb, const aip_query *q,
                         const uint8_t *pv, uint32_t f)
{
    uint32_t c = kb->sweep.relevant_if[f];
    return c == AIPI_NONE ? TV_TRUE : cond_value(kb, c, NULL, pv);
}

/* Turns per-fact scores into a sorted list, leaving out facts whose
 * question is irrelevant for this profile: relevant facts first, then
 * those whose relevance is unknown, each by score then fact order. With
 * `into` (a regulation's scores), the same pass adds them into the
 * global scores and clears them for the next regulation. */
static int rank_missing(const aip_kb *kb, const aip_query *q,
                        score_set *scores, score_set *into,
                        const uint8_t *pv, aipi_arena *arena,
                        aipi_res_missing **list, uint32_t *count)
{
    uint32_t n = scores->n;
    *list = aipi_arena_array_raw(arena, n + 1, sizeof **list);
    uint64_t *keys = aipi_arena_array_raw(arena, n + 1, sizeof *keys);
    if (!*list || !keys)
        return AIP_ENOMEM;
    uint32_t nsure = 0, nmaybe = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t f = scores->touched[i];
        aipi_tv r = relevance(kb, q, pv, f);
        uint64_t key = missing_key(scores->score[f], f);
        if (into) {
            score_add(into, f, scores->score[f]);
            scores->score[f] = 0;
        }
        if (r == TV_TRUE)
            keys[nsure++] = key;
        else if (r == TV_UNKNOWN)
            keys[n - ++nmaybe] = key;    /* filled from the end */
    }
    if (into)
        scores->n = 0;
    uint64_t *maybe = keys + n - nmaybe;
    int rc = sort_keys(keys, nsure, arena);
    if (rc == AIP_OK)
        rc = sort_keys(maybe, nmaybe, arena);
    if (rc != AIP_OK)
        return rc;
    *count = nsure + nmaybe;
    for (uint32_t i = 0; i < *count; i++) {
        uint64_t key = i < nsure ? keys[i] : maybe[i - nsure];
        aipi_res_missing *m = &(*list)[i];
        m->fact = (uint32_t)key;
        m->score = UINT32_MAX - (uint32_t)(key >> 32);
        m->relevance = (uint8_t)(i < nsure ? TV_TRUE : TV_UNKNOWN);
    }
    return AIP_OK;
}

/* ---- one regulation ---------------------------------------------------------- */

static int classify_regulation(const aip_kb *kb, const aip_query *q,
                               aip_result *res, uint32_t index,
                               score_set *scores, score_set *global,
                               uint8_t *pv)
{
    const aipi_regulation *reg = &kb->regs[index];
    aipi_res_reg *out = &res->regs[index];
    out->reg = index;
    out->version = aipi_version_at(reg, res->as_of);
    const aipi_plan *plan = &reg->plans[out->version];
    reg_eval E = { .kb = kb, .q = q, .reg = reg, .plan = plan, .out = out,
                   .arena = &res->arena, .as_of = res->as_of, .pv = pv,
                   .scores = scores, .scope_in = TV_FALSE,
                   .scope_out = TV_FALSE, .role_state = TV_TRUE };
    out->dims = aipi_arena_array(&res->arena, reg->ndims + 1,
                                 sizeof *out->dims);
    E.tv = aipi_arena_alloc_raw(&res->arena, plan->nrules + 1);
    E.ob_state = aipi_arena_alloc(&res->arena, reg->nobligations + 1);
    E.ob_set = aipi_arena_array(&res->arena, reg->nobligations / 64 + 1,
                                sizeof *E.ob_set);
    E.ob_trigger = aipi_arena_array_raw(&res->arena, reg->nobligations + 1,
                                        sizeof *E.ob_trigger);
    E.engaged = aipi_arena_alloc(&res->arena, reg->npenalties + 1);
    if (!out->dims || !E.tv || !E.ob_state || !E.ob_set || !E.ob_trigger
        || !E.engaged)
        return AIP_ENOMEM;
    read_roles(&E);
    evaluate_raisers(&E);
    finish_impure(&E);
    int rc = walk_rules(&E);
    if (rc == AIP_OK)
        rc = emit_obligations(&E);
    if (rc == AIP_OK)
        rc = collect_penalties(&E);
    if (rc != AIP_OK)
        return rc;
    score_missing(&E);
    return rank_missing(kb, q, scores, global, pv, &res->arena,
                        &out->missing, &out->nmissing);
}

/* ---- a classification ------------------------------------------------------ */

/* The result lives in its own arena: one allocation less, and freed with
 * it. (A first chunk sized at load for the whole classification was
 * measured slower, not faster: see the README's Performance section.) */
static aip_result *new_result(aip_kb *kb)
{
    aipi_arena arena;
    aipi_arena_init(&arena, &kb->alloc);
    aip_result *res = aipi_arena_alloc(&arena, sizeof *res);
    if (res)
        res->arena = arena;      /* from here on, allocate from res->arena */
    return res;
}

int aip_classify(const aip_query *q, aip_result **out, aip_error **err)
{
    if (!q || !out)
        return aipi_fail(q ? &q->kb->alloc : NULL, err, AIP_EINVAL,
                         "query and out are required");
    aip_kb *kb = q->kb;
    const aip_allocator *a = &kb->alloc;
    aip_result *res = new_result(kb);
    if (!res)
        return aipi_fail(a, err, AIP_ENOMEM, "out of memory");
    res->kb = kb;
    res->as_of = q->has_as_of ? q->as_of : aipi_date_today();
    aipi_date_format(res->as_of, res->as_of_str);
    res->nregs = kb->nregs;
    res->regs = aipi_arena_array(&res->arena, kb->nregs + 1, sizeof *res->regs);
    /* Two score sets (this regulation's, and the sum over all), each
     * a per-fact array plus the list of facts touched. */
    score_set scores = { NULL, NULL, 0 }, global = { NULL, NULL, 0 };
    scores.score = aipi_arena_array(&res->arena, kb->nfacts + 1, sizeof(uint32_t));
    scores.touched = aipi_arena_array_raw(&res->arena, kb->nfacts + 1,
                                          sizeof(uint32_t));
    global.score = aipi_arena_array(&res->arena, kb->nfacts + 1, sizeof(uint32_t));
    global.touched = aipi_arena_array_raw(&res->arena, kb->nfacts + 1,
                                          sizeof(uint32_t));
    int have_scores = scores.score && scores.touched && global.score
                   && global.touched;
    /* Not zeroed: the facts are copied in, and the sweep writes every
     * node that is read afterwards. */
    res->known = aipi_arena_alloc_raw(&res->arena, kb->nfacts + 1);
    res->values = aipi_arena_array_raw(&res->arena, kb->nfacts + 1,
                                       sizeof *res->values);
    uint8_t *pv = aipi_arena_alloc_raw(&res->arena, kb->nconds + 1);
    int rc = res->regs && have_scores && pv && res->known
                 && res->values ? AIP_OK : AIP_ENOMEM;
    if (rc == AIP_OK) {
        memcpy(res->known, q->known, kb->nfacts);
        memcpy(res->values, q->values, kb->nfacts * sizeof *q->values);
        aipi_sweep_run(kb, q, pv);
    }
    for (uint32_t i = 0; rc == AIP_OK && i < kb->nregs; i++)
        rc = classify_regulation(kb, q, res, i, &scores, &global, pv);
    if (rc == AIP_OK)
        rc = rank_missing(kb, q, &global, NULL, pv, &res->arena,
                          &res->missing, &res->nmissing);
    if (rc != AIP_OK) {
        aipi_result_drop(res);
        return aipi_fail(a, err, rc, "classification failed: %s",
                         aip_strerror(rc));
    }
    res->kb = aip_kb_retain(kb);
    *out = res;
    return AIP_OK;
}
