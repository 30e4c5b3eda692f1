/*
 * load_regulation.c - reads one `regulation:` mapping (doc §4): versions,
 * dimensions, penalties, obligations and rules, then orders the rules so
 * that every rule reading a dimension comes after the rules raising it.
 */
#include <string.h>

#include "load.h"

#define GET(n, key) aipi_ydoc_get((n), (key))

/* Allocates `count` zeroed elements for a list read from node n. */
static void *list_alloc(aipi_loader *L, const ydoc_node *n, size_t count,
                        size_t size, int *rc)
{
    void *p = aipi_arena_array(&L->kb->arena, count ? count : 1, size);
    if (!p)
        *rc = aipi_ld_oom(L, n);
    return p;
}

/* Registers `id` in a per-regulation namespace; reports duplicates. */
static int unique_id(aipi_loader *L, aipi_intern *names, const ydoc_node *n,
                     const char *id, uint32_t index, const char *what)
{
    int added = aipi_intern_add(names, id, index);
    if (added < 0)
        return aipi_ld_oom(L, n);
    if (added > 0)
        return aipi_ld_fail(L, n, AIP_EDUPLICATE, "duplicate %s '%s'", what,
                            id);
    return AIP_OK;
}

/* ---- versions and dated values ------------------------------------------ */

static int load_versions(aipi_loader *L, const ydoc_node *n,
                         aipi_regulation *reg)
{
    static const char *const keys[] = { "id", "title", "in_force", "source",
                                        NULL };
    static const char *const required[] = { "id", "title", "in_force", NULL };
    int rc = aipi_ld_seq(L, n, "versions");
    if (rc != AIP_OK)
        return rc;
    if (n->count == 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "a regulation needs at least "
                            "one version");
    reg->versions = list_alloc(L, n, n->count, sizeof *reg->versions, &rc);
    if (!reg->versions)
        return rc;
    aipi_intern names;
    aipi_intern_init(&names, &L->kb->arena);
    for (size_t i = 0; i < n->count; i++) {
        const ydoc_node *v = n->items[i];
        aipi_version *ver = &reg->versions[i];
        if ((rc = aipi_ld_keys(L, v, keys, required)) != AIP_OK
            || (rc = aipi_ld_id(L, GET(v, "id"), &ver->id)) != AIP_OK
            || (rc = aipi_ld_text(L, GET(v, "title"), &ver->title)) != AIP_OK
            || (rc = aipi_ld_date(L, GET(v, "in_force"), &ver->in_force))
                   != AIP_OK
            || (GET(v, "source")
                && (rc = aipi_ld_url(L, GET(v, "source"), &ver->source)))
            || (rc = unique_id(L, &names, GET(v, "id"), ver->id, (uint32_t)i,
                               "version")) != AIP_OK)
            return rc;
        if (i > 0 && ver->in_force <= reg->versions[i - 1].in_force)
            return aipi_ld_fail(L, GET(v, "in_force"), AIP_ESCHEMA,
                                "version '%s' must come into force after "
                                "version '%s'", ver->id,
                                reg->versions[i - 1].id);
    }
    reg->nversions = (uint32_t)n->count;
    return AIP_OK;
}

static int version_ref(aipi_loader *L, const ydoc_node *n,
                       const aipi_regulation *reg, uint32_t *out)
{
    return aipi_ld_find(L, n, &reg->versions[0].id, sizeof *reg->versions,
                        reg->nversions, "version", out);
}

static int load_dated(aipi_loader *L, const ydoc_node *n,
                      const aipi_regulation *reg, aipi_dated *out)
{
    static const char *const keys[] = { "version", "date", NULL };
    int rc = AIP_OK;
    size_t count = n->kind == YD_SEQ ? n->count : 1;
    if (n->kind == YD_SEQ && count == 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "empty list of dates");
    out->version = list_alloc(L, n, count, sizeof *out->version, &rc);
    out->date = out->version ? list_alloc(L, n, count, sizeof *out->date, &rc)
                             : NULL;
    if (!out->date)
        return rc;
    out->n = (uint32_t)count;
    if (n->kind != YD_SEQ)
        return aipi_ld_date(L, n, &out->date[0]);   /* version 0: always */
    for (size_t i = 0; i < count; i++) {
        const ydoc_node *e = n->items[i];
        if ((rc = aipi_ld_keys(L, e, keys, keys)) != AIP_OK
            || (rc = version_ref(L, GET(e, "version"), reg, &out->version[i]))
                   != AIP_OK
            || (rc = aipi_ld_date(L, GET(e, "date"), &out->date[i])) != AIP_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (out->version[j] == out->version[i])
                return aipi_ld_fail(L, GET(e, "version"), AIP_EDUPLICATE,
                                    "version '%s' is dated twice",
                                    GET(e, "version")->str);
    }
    return AIP_OK;
}

static int load_law(aipi_loader *L, const ydoc_node *n,
                    const aipi_regulation *reg, uint32_t *from,
                    uint32_t *until)
{
    static const char *const keys[] = { "from", "until", NULL };
    *from = 0;
    *until = reg->nversions;
    if (!n)
        return AIP_OK;
    int rc = aipi_ld_keys(L, n, keys, NULL);
    if (rc == AIP_OK && GET(n, "from"))
        rc = version_ref(L, GET(n, "from"), reg, from);
    if (rc == AIP_OK && GET(n, "until"))
        rc = version_ref(L, GET(n, "until"), reg, until);
    if (rc == AIP_OK && *until <= *from)
        rc = aipi_ld_fail(L, n, AIP_ESCHEMA,
                          "'until' must name a version later than 'from'");
    return rc;
}

/* ---- dimensions ------------------------------------------------------------ */

static int load_dimension(aipi_loader *L, const ydoc_node *n,
                          aipi_dimension *dim)
{
    static const char *const keys[] = { "id", "title", "values", NULL };
    int rc;
    if ((rc = aipi_ld_keys(L, n, keys, keys)) != AIP_OK
        || (rc = aipi_ld_id(L, GET(n, "id"), &dim->id)) != AIP_OK
        || (rc = aipi_ld_text(L, GET(n, "title"), &dim->title)) != AIP_OK)
        return rc;
    return aipi_ld_values(L, GET(n, "values"), dim->id, 0, &dim->nvalues,
                          &dim->value_ids, &dim->value_labels);
}

static int load_dimensions(aipi_loader *L, const ydoc_node *n,
                           aipi_regulation *reg)
{
    int rc = aipi_ld_seq(L, n, "dimensions");
    if (rc != AIP_OK)
        return rc;
    reg->dims = list_alloc(L, n, n->count, sizeof *reg->dims, &rc);
    if (!reg->dims)
        return rc;
    aipi_intern names;
    aipi_intern_init(&names, &L->kb->arena);
    for (size_t i = 0; i < n->count; i++) {
        if ((rc = load_dimension(L, n->items[i], &reg->dims[i])) != AIP_OK
            || (rc = unique_id(L, &names, GET(n->items[i], "id"),
                               reg->dims[i].id, (uint32_t)i, "dimension")))
            return rc;
        reg->ndims++;
    }
    return AIP_OK;
}

/* ---- penalties ------------------------------------------------------------- */

static int load_combine(aipi_loader *L, const ydoc_node *n, aipi_combine *out)
{
    if (aipi_ydoc_is_scalar(n, "higher"))
        *out = COMBINE_HIGHER;
    else if (aipi_ydoc_is_scalar(n, "lower"))
        *out = COMBINE_LOWER;
    else
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "combine must be 'higher' or 'lower'");
    return AIP_OK;
}

static int load_variants(aipi_loader *L, const ydoc_node *n, aipi_penalty *p)
{
    static const char *const keys[] = { "when", "combine", "citation", NULL };
    int rc = aipi_ld_seq(L, n, "variants");
    if (rc != AIP_OK)
        return rc;
    p->variants = list_alloc(L, n, n->count, sizeof *p->variants, &rc);
    if (!p->variants)
        return rc;
    p->nvariants = (uint32_t)n->count;
    for (size_t i = 0; i < n->count; i++) {
        const ydoc_node *v = n->items[i];
        aipi_variant *var = &p->variants[i];
        if ((rc = aipi_ld_keys(L, v, keys, keys)) != AIP_OK
            || (rc = aipi_ld_condition(L, GET(v, "when"), &var->when)))
            return rc;
        aipi_ld_forget_facts(L);
        if ((rc = load_combine(L, GET(v, "combine"), &var->combine))
            || (rc = aipi_ld_cite(L, GET(v, "citation"), &var->cite)))
            return rc;
    }
    return AIP_OK;
}

static int load_turnover_fact(aipi_loader *L, const ydoc_node *n,
                              uint32_t *out)
{
    int rc = aipi_ld_fact_ref(L, n, out);
    if (rc == AIP_OK && L->kb->facts[*out].type != FT_NUMBER)
        rc = aipi_ld_fail(L, n, AIP_ESCHEMA,
                          "turnover fact '%s' must be a number fact", n->str);
    return rc;
}

static int load_penalty(aipi_loader *L, const ydoc_node *n,
                        const aipi_regulation *reg, aipi_penalty *p)
{
    static const char *const keys[] = { "id", "title", "citation", "amount",
                                        "currency", "turnover_percent",
                                        "combine", "per", "turnover_fact",
                                        "variants", "applies_from", NULL };
    static const char *const required[] = { "id", "title", "citation", NULL };
    int rc;
    const ydoc_node *k;
    if ((rc = aipi_ld_keys(L, n, keys, required)) != AIP_OK
        || (rc = aipi_ld_id(L, GET(n, "id"), &p->id)) != AIP_OK
        || (rc = aipi_ld_text(L, GET(n, "title"), &p->title)) != AIP_OK
        || (rc = aipi_ld_cite(L, GET(n, "citation"), &p->cite)) != AIP_OK)
        return rc;
    if ((k = GET(n, "amount"))) {
        if ((rc = aipi_ld_number(L, k, &p->amount)) != AIP_OK)
            return rc;
        if (p->amount < 0)
            return aipi_ld_fail(L, k, AIP_ESCHEMA, "negative amount");
        p->has_amount = 1;
        if (!GET(n, "currency"))
            return aipi_ld_fail(L, n, AIP_ESCHEMA,
                                "an amount needs a 'currency'");
    }
    if ((k = GET(n, "turnover_percent"))) {
        if ((rc = aipi_ld_number(L, k, &p->percent)) != AIP_OK)
            return rc;
        if (p->percent < 0 || p->percent > 100)
            return aipi_ld_fail(L, k, AIP_ESCHEMA,
                                "turnover_percent must be between 0 and 100");
        p->has_percent = 1;
    }
    if (!p->has_amount && !p->has_percent)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "a penalty needs 'amount' or "
                            "'turnover_percent'");
    if ((k = GET(n, "combine")) && (rc = load_combine(L, k, &p->combine)))
        return rc;
    if (p->has_amount && p->has_percent && p->combine == COMBINE_NONE)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "a penalty with an amount and "
                            "a percentage needs 'combine' (higher or lower)");
    if ((k = GET(n, "currency")) && (rc = aipi_ld_string(L, k, &p->currency)))
        return rc;
    if ((k = GET(n, "per")) && (rc = aipi_ld_text(L, k, &p->per)))
        return rc;
    p->turnover_fact = reg->turnover_fact;
    if ((k = GET(n, "turnover_fact"))
        && (rc = load_turnover_fact(L, k, &p->turnover_fact)))
        return rc;
    if ((k = GET(n, "variants")) && (rc = load_variants(L, k, p)))
        return rc;
    if ((k = GET(n, "applies_from"))
        && (rc = load_dated(L, k, reg, &p->applies_from)))
        return rc;
    return AIP_OK;
}

/* ---- obligations ----------------------------------------------------------- */

static int load_period(aipi_loader *L, const ydoc_node *n, aipi_deadline *d)
{
    static const char *const keys[] = { "amount", "unit", NULL };
    static const char *const units[] = { "hours", "days", "weeks", "months",
                                         "years" };
    int rc = aipi_ld_keys(L, n, keys, keys);
    if (rc == AIP_OK)
        rc = aipi_ld_count(L, GET(n, "amount"), &d->amount);
    if (rc != AIP_OK)
        return rc;
    const ydoc_node *u = GET(n, "unit");
    for (int i = 0; i < 5; i++)
        if (aipi_ydoc_is_scalar(u, units[i])) {
            d->unit = (aipi_unit)i;
            return AIP_OK;
        }
    return aipi_ld_fail(L, u, AIP_ESCHEMA,
                        "unit must be hours, days, weeks, months or years");
}

static int load_deadlines(aipi_loader *L, const ydoc_node *n,
                          aipi_obligation *ob)
{
    static const char *const keys[] = { "within", "every", "after", "case",
                                        NULL };
    int rc = aipi_ld_seq(L, n, "deadlines");
    if (rc != AIP_OK)
        return rc;
    ob->deadlines = list_alloc(L, n, n->count, sizeof *ob->deadlines, &rc);
    if (!ob->deadlines)
        return rc;
    ob->ndeadlines = (uint32_t)n->count;
    for (size_t i = 0; i < n->count; i++) {
        const ydoc_node *e = n->items[i];
        aipi_deadline *d = &ob->deadlines[i];
        if ((rc = aipi_ld_keys(L, e, keys, NULL)) != AIP_OK)
            return rc;
        const ydoc_node *within = GET(e, "within"), *every = GET(e, "every");
        if (!within == !every)
            return aipi_ld_fail(L, e, AIP_ESCHEMA, "a deadline needs exactly "
                                "one of 'within' and 'every'");
        d->every = every != NULL;
        if ((rc = load_period(L, within ? within : every, d)) != AIP_OK)
            return rc;
        if (within && !GET(e, "after"))
            return aipi_ld_fail(L, e, AIP_ESCHEMA,
                                "'within' needs 'after' (the starting event)");
        if (GET(e, "after") && (rc = aipi_ld_text(L, GET(e, "after"), &d->after)))
            return rc;
        if (GET(e, "case") && (rc = aipi_ld_text(L, GET(e, "case"), &d->kase)))
            return rc;
    }
    return AIP_OK;
}

static int load_obligation(aipi_loader *L, const ydoc_node *n,
                           const aipi_regulation *reg, aipi_intern *penalties,
                           aipi_obligation *ob)
{
    static const char *const keys[] = { "id", "title", "summary", "role",
                                        "citation", "applies_from",
                                        "deadlines", "penalty", "law", NULL };
    static const char *const required[] = { "id", "title", "citation", NULL };
    int rc;
    const ydoc_node *k;
    if ((rc = aipi_ld_keys(L, n, keys, required)) != AIP_OK
        || (rc = aipi_ld_id(L, GET(n, "id"), &ob->id)) != AIP_OK
        || (rc = aipi_ld_text(L, GET(n, "title"), &ob->title)) != AIP_OK
        || (rc = aipi_ld_cite(L, GET(n, "citation"), &ob->cite)) != AIP_OK)
        return rc;
    if ((k = GET(n, "summary")) && (rc = aipi_ld_text(L, k, &ob->summary)))
        return rc;
    ob->role = AIPI_NONE;
    k = GET(n, "role");
    if (reg->role_fact != AIPI_NONE && !k)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "missing required key 'role' "
                            "(the regulation has a role_fact)");
    if (k && reg->role_fact == AIPI_NONE)
        return aipi_ld_fail(L, k, AIP_ESCHEMA, "'role' needs a role_fact on "
                            "the regulation");
    if (k && (rc = aipi_ld_value_ref(L, k, &L->kb->facts[reg->role_fact],
                                     &ob->role)))
        return rc;
    if ((k = GET(n, "applies_from"))
        && (rc = load_dated(L, k, reg, &ob->applies_from)))
        return rc;
    if ((k = GET(n, "deadlines")) && (rc = load_deadlines(L, k, ob)))
        return rc;
    ob->penalty = AIPI_NONE;
    if ((k = GET(n, "penalty"))
        && (rc = aipi_ld_intern_ref(L, k, penalties, "penalty",
                                    &ob->penalty)))
        return rc;
    return load_law(L, GET(n, "law"), reg, &ob->law_from, &ob->law_until);
}

/* ---- rules ----------------------------------------------------------------- */

static int load_raise(aipi_loader *L, const ydoc_node *n,
                      const aipi_regulation *reg, aipi_rule *r)
{
    if (n->kind != YD_MAP || n->count == 0)
        return aipi_ld_fail(L, n, AIP_ESCHEMA,
                            "'raise' must map dimensions to values");
    int rc = AIP_OK;
    r->raise = list_alloc(L, n, n->count, sizeof *r->raise, &rc);
    if (!r->raise)
        return rc;
    r->nraise = (uint32_t)n->count;
    for (size_t i = 0; i < n->count; i++) {
        aipi_raise *ra = &r->raise[i];
        if (reg->ndims == 0)
            return aipi_ld_fail(L, n->keys[i], AIP_ENOTFOUND,
                                "unknown dimension '%s' (the regulation has "
                                "none)", n->keys[i]->str);
        if ((rc = aipi_ld_find(L, n->keys[i], &reg->dims[0].id,
                               sizeof *reg->dims, reg->ndims, "dimension",
                               &ra->dim)) != AIP_OK)
            return rc;
        const aipi_dimension *dim = &reg->dims[ra->dim];
        if ((rc = aipi_ld_find(L, n->items[i], dim->value_ids,
                               sizeof *dim->value_ids, dim->nvalues,
                               "dimension value", &ra->value)) != AIP_OK)
            return rc;
    }
    return AIP_OK;
}

static int load_rule_obligations(aipi_loader *L, const ydoc_node *n,
                                 const aipi_regulation *reg,
                                 aipi_intern *obligations, aipi_rule *r)
{
    static const char *const keys[] = { "id", "applies_from", NULL };
    static const char *const required[] = { "id", NULL };
    int rc = aipi_ld_seq(L, n, "obligations");
    if (rc != AIP_OK)
        return rc;
    r->obligations = list_alloc(L, n, n->count, sizeof *r->obligations, &rc);
    if (!r->obligations)
        return rc;
    r->nobligations = (uint32_t)n->count;
    for (size_t i = 0; i < n->count; i++) {
        const ydoc_node *e = n->items[i], *id = e;
        aipi_rule_obligation *ro = &r->obligations[i];
        if (e->kind == YD_MAP) {
            if ((rc = aipi_ld_keys(L, e, keys, required)) != AIP_OK
                || (GET(e, "applies_from")
                    && (rc = load_dated(L, GET(e, "applies_from"), reg,
                                        &ro->applies_from))))
                return rc;
            id = GET(e, "id");
        }
        if ((rc = aipi_ld_intern_ref(L, id, obligations, "obligation",
                                     &ro->obligation)) != AIP_OK)
            return rc;
    }
    return AIP_OK;
}

static int load_rule_penalties(aipi_loader *L, const ydoc_node *n,
                               aipi_intern *penalties, aipi_rule *r)
{
    int rc = aipi_ld_seq(L, n, "penalties");
    if (rc != AIP_OK)
        return rc;
    r->penalties = list_alloc(L, n, n->count, sizeof *r->penalties, &rc);
    if (!r->penalties)
        return rc;
    r->npenalties = (uint32_t)n->count;
    for (size_t i = 0; i < n->count; i++) {
        if ((rc = aipi_ld_intern_ref(L, n->items[i], penalties, "penalty",
                                     &r->penalties[i])) != AIP_OK)
            return rc;
    }
    return AIP_OK;
}

/* Compiles `when` and records which facts and dimensions it reads. */
static int load_rule_when(aipi_loader *L, const ydoc_node *n,
                          const aipi_regulation *reg, aipi_rule *r,
                          uint8_t *dims_read)
{
    aipi_ld_forget_facts(L);
    L->dim_seen = dims_read;
    int rc = aipi_ld_condition(L, n, &r->when);
    L->dim_seen = NULL;
    if (rc != AIP_OK)
        return rc;
    r->nfacts = (uint32_t)L->nseen;
    r->facts = list_alloc(L, n, r->nfacts, sizeof *r->facts, &rc);
    if (!r->facts)
        return rc;
    /* In vocabulary order (the list is short: insertion sort). */
    for (uint32_t i = 0; i < r->nfacts; i++) {
        uint32_t f = L->seen[i], j = i;
        for (; j > 0 && r->facts[j - 1] > f; j--)
            r->facts[j] = r->facts[j - 1];
        r->facts[j] = f;
    }
    aipi_ld_forget_facts(L);
    (void)reg;
    return AIP_OK;
}

static int load_rule(aipi_loader *L, const ydoc_node *n,
                     const aipi_regulation *reg, aipi_intern *obligations,
                     aipi_intern *penalties, aipi_rule *r, uint8_t *dims_read)
{
    static const char *const keys[] = { "id", "title", "citation", "when",
                                        "raise", "scope", "obligations",
                                        "penalties", "note", "applies_from",
                                        "law", NULL };
    static const char *const required[] = { "id", "title", "citation", "when",
                                            NULL };
    int rc;
    const ydoc_node *k;
    if ((rc = aipi_ld_keys(L, n, keys, required)) != AIP_OK
        || (rc = aipi_ld_id(L, GET(n, "id"), &r->id)) != AIP_OK
        || (rc = aipi_ld_text(L, GET(n, "title"), &r->title)) != AIP_OK
        || (rc = aipi_ld_cite(L, GET(n, "citation"), &r->cite)) != AIP_OK
        || (rc = load_rule_when(L, GET(n, "when"), reg, r, dims_read)))
        return rc;
    if ((k = GET(n, "raise")) && (rc = load_raise(L, k, reg, r)))
        return rc;
    if ((k = GET(n, "scope"))) {
        if (aipi_ydoc_is_scalar(k, "in"))
            r->scope = SCOPE_IN;
        else if (aipi_ydoc_is_scalar(k, "out"))
            r->scope = SCOPE_OUT;
        else
            return aipi_ld_fail(L, k, AIP_ESCHEMA, "scope must be in or out");
    }
    if ((k = GET(n, "obligations"))
        && (rc = load_rule_obligations(L, k, reg, obligations, r)))
        return rc;
    if ((k = GET(n, "penalties")) && (rc = load_rule_penalties(L, k, penalties,
                                                               r)))
        return rc;
    if ((k = GET(n, "note")) && (rc = aipi_ld_text(L, k, &r->note)))
        return rc;
    if ((k = GET(n, "applies_from"))
        && (rc = load_dated(L, k, reg, &r->applies_from)))
        return rc;
    if ((rc = load_law(L, GET(n, "law"), reg, &r->law_from, &r->law_until)))
        return rc;
    if (!r->nraise && !r->scope && !r->nobligations && !r->npenalties
        && !r->note.en)
        return aipi_ld_fail(L, n, AIP_ESCHEMA, "rule '%s' has no effect "
                            "(raise, scope, obligations, penalties or note)",
                            r->id);
    return AIP_OK;
}

/* Orders rules so that each rule reading a dimension comes after every rule
 * raising it (repeated passes in declaration order: stable and cheap, since
 * chains of dimension dependencies are short). A rule that cannot be placed
 * is part of a cycle. */
static int order_rules(aipi_loader *L, const ydoc_node *rules_node,
                       aipi_regulation *reg, const uint8_t *dims_read)
{
    int rc = AIP_OK;
    uint32_t nr = reg->nrules, nd = reg->ndims;
    reg->eval_order = list_alloc(L, rules_node, nr, sizeof *reg->eval_order,
                                 &rc);
    uint32_t *pending = list_alloc(L, rules_node, nd, sizeof *pending, &rc);
    uint8_t *placed = list_alloc(L, rules_node, nr, 1, &rc);
    if (!reg->eval_order || !pending || !placed)
        return rc ? rc : aipi_ld_oom(L, rules_node);
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t i = 0; i < reg->rules[r].nraise; i++)
            pending[reg->rules[r].raise[i].dim]++;
    uint32_t done = 0;
    for (int progress = 1; progress && done < nr;) {
        progress = 0;
        for (uint32_t r = 0; r < nr; r++) {
            if (placed[r])
                continue;
            int ready = 1;
            for (uint32_t d = 0; d < nd && ready; d++)
                ready = !dims_read[(size_t)r * nd + d] || pending[d] == 0;
            if (!ready)
                continue;
            placed[r] = 1;
            reg->eval_order[done++] = r;
            for (uint32_t i = 0; i < reg->rules[r].nraise; i++)
                pending[reg->rules[r].raise[i].dim]--;
            progress = 1;
        }
    }
    for (uint32_t r = 0; r < nr; r++)
        if (!placed[r])
            return aipi_ld_fail(L, GET(rules_node->items[r], "when"),
                                AIP_ESCHEMA,
                                "rule '%s' is part of a cycle: it reads a "
                                "dimension that it raises, directly or "
                                "through other rules", reg->rules[r].id);
    return AIP_OK;
}

static int load_penalties(aipi_loader *L, const ydoc_node *n,
                          aipi_regulation *reg, aipi_intern *names)
{
    int rc = aipi_ld_seq(L, n, "penalties");
    if (rc != AIP_OK)
        return rc;
    reg->penalties = list_alloc(L, n, n->count, sizeof *reg->penalties, &rc);
    if (!reg->penalties)
        return rc;
    for (size_t i = 0; i < n->count; i++) {
        aipi_penalty *p = &reg->penalties[i];
        if ((rc = load_penalty(L, n->items[i], reg, p)) != AIP_OK
            || (rc = unique_id(L, names, GET(n->items[i], "id"), p->id,
                               (uint32_t)i, "penalty")) != AIP_OK)
            return rc;
        reg->npenalties++;
    }
    return AIP_OK;
}

static int load_obligations(aipi_loader *L, const ydoc_node *n,
                            aipi_regulation *reg, aipi_intern *penalties,
                            aipi_intern *names)
{
    int rc = aipi_ld_seq(L, n, "obligations");
    if (rc != AIP_OK)
        return rc;
    reg->obligations = list_alloc(L, n, n->count, sizeof *reg->obligations,
                                  &rc);
    if (!reg->obligations)
        return rc;
    for (size_t i = 0; i < n->count; i++) {
        aipi_obligation *ob = &reg->obligations[i];
        if ((rc = load_obligation(L, n->items[i], reg, penalties, ob))
            || (rc = unique_id(L, names, GET(n->items[i], "id"), ob->id,
                               (uint32_t)i, "obligation")) != AIP_OK)
            return rc;
        reg->nobligations++;
    }
    return AIP_OK;
}

static int load_rules(aipi_loader *L, const ydoc_node *n, aipi_regulation *reg,
                      aipi_intern *obligations, aipi_intern *penalties)
{
    int rc = aipi_ld_seq(L, n, "rules");
    if (rc != AIP_OK)
        return rc;
    reg->rules = list_alloc(L, n, n->count, sizeof *reg->rules, &rc);
    uint8_t *dims_read = reg->rules
        ? list_alloc(L, n, n->count * (reg->ndims ? reg->ndims : 1), 1, &rc)
        : NULL;
    if (!dims_read)
        return rc;
    aipi_intern names;
    aipi_intern_init(&names, &L->kb->arena);
    for (size_t i = 0; i < n->count; i++) {
        aipi_rule *r = &reg->rules[i];
        if ((rc = load_rule(L, n->items[i], reg, obligations, penalties, r,
                            dims_read + i * reg->ndims)) != AIP_OK
            || (rc = unique_id(L, &names, GET(n->items[i], "id"), r->id,
                               (uint32_t)i, "rule")) != AIP_OK)
            return rc;
        reg->nrules++;
    }
    return order_rules(L, n, reg, dims_read);
}

static int load_header(aipi_loader *L, const ydoc_node *n,
                       aipi_regulation *reg)
{
    int rc;
    const ydoc_node *k;
    if ((rc = aipi_ld_id(L, GET(n, "id"), &reg->id)) != AIP_OK
        || (rc = aipi_ld_text(L, GET(n, "title"), &reg->title)) != AIP_OK
        || (rc = aipi_ld_string(L, GET(n, "jurisdiction"), &reg->jurisdiction))
        || (rc = aipi_ld_url(L, GET(n, "source"), &reg->source)) != AIP_OK)
        return rc;
    if ((k = GET(n, "short_title")) && (rc = aipi_ld_text(L, k,
                                                          &reg->short_title)))
        return rc;
    reg->role_fact = reg->turnover_fact = AIPI_NONE;
    if ((k = GET(n, "role_fact"))) {
        if ((rc = aipi_ld_fact_ref(L, k, &reg->role_fact)) != AIP_OK)
            return rc;
        aipi_fact_type t = L->kb->facts[reg->role_fact].type;
        if (t != FT_SET && t != FT_ENUM)
            return aipi_ld_fail(L, k, AIP_ESCHEMA,
                                "role_fact '%s' must be a set or enum fact",
                                k->str);
    }
    if ((k = GET(n, "turnover_fact"))
        && (rc = load_turnover_fact(L, k, &reg->turnover_fact)))
        return rc;
    return load_versions(L, GET(n, "versions"), reg);
}

/* Resolves a dated value for every version once, at load, so that the
 * evaluator reads a date with one array access. Without a date of its own,
 * a provision applies from the entry into force of the version that made it
 * law (law_from). */
static aipi_date *resolve_dates(aipi_loader *L, const aipi_regulation *reg,
                                const aipi_dated *d, uint32_t law_from)
{
    aipi_date *out = aipi_arena_array(&L->kb->arena, reg->nversions,
                                      sizeof *out);
    for (uint32_t v = 0; out && v < reg->nversions; v++)
        out[v] = aipi_dated_resolve(d, v, reg->versions[law_from].in_force);
    return out;
}

static int resolve_all_dates(aipi_loader *L, const ydoc_node *n,
                             aipi_regulation *reg)
{
    for (uint32_t i = 0; i < reg->nrules; i++) {
        aipi_rule *r = &reg->rules[i];
        if (!(r->from_v = resolve_dates(L, reg, &r->applies_from, r->law_from)))
            return aipi_ld_oom(L, n);
        for (uint32_t k = 0; k < r->nobligations; k++) {
            aipi_rule_obligation *ro = &r->obligations[k];
            uint32_t from = reg->obligations[ro->obligation].law_from;
            if (ro->applies_from.n
                && !(ro->from_v = resolve_dates(L, reg, &ro->applies_from, from)))
                return aipi_ld_oom(L, n);
        }
    }
    /* Per version: is there a scope:in rule at all? (Without one, a
     * regulation applies to everything; the evaluator cannot tell that
     * from the rules that fired.) */
    reg->has_scope_in = aipi_arena_alloc(&L->kb->arena, reg->nversions);
    if (!reg->has_scope_in)
        return aipi_ld_oom(L, n);
    for (uint32_t i = 0; i < reg->nrules; i++)
        if (reg->rules[i].scope == SCOPE_IN)
            for (uint32_t v = reg->rules[i].law_from; v < reg->rules[i].law_until; v++)
                reg->has_scope_in[v] = 1;
    for (uint32_t i = 0; i < reg->nobligations; i++) {
        aipi_obligation *ob = &reg->obligations[i];
        if (!(ob->from_v = resolve_dates(L, reg, &ob->applies_from, ob->law_from)))
            return aipi_ld_oom(L, n);
    }
    for (uint32_t i = 0; i < reg->npenalties; i++) {
        aipi_penalty *p = &reg->penalties[i];
        if (!(p->from_v = resolve_dates(L, reg, &p->applies_from, 0)))
            return aipi_ld_oom(L, n);
    }
    return AIP_OK;
}

int aipi_ld_regulation(aipi_loader *L, const ydoc_node *n,
                       aipi_regulation *reg)
{
    static const char *const keys[] = { "id", "title", "short_title",
                                        "jurisdiction", "source", "role_fact",
                                        "turnover_fact", "versions",
                                        "dimensions", "rules", "obligations",
                                        "penalties", NULL };
    static const char *const required[] = { "id", "title", "jurisdiction",
                                            "source", "versions", NULL };
    int rc = aipi_ld_keys(L, n, keys, required);
    if (rc == AIP_OK)
        rc = load_header(L, n, reg);
    if (rc != AIP_OK)
        return rc;
    L->reg = reg;
    aipi_intern penalties, obligations;
    aipi_intern_init(&penalties, &L->kb->arena);
    aipi_intern_init(&obligations, &L->kb->arena);
    const ydoc_node *k;
    if ((k = GET(n, "dimensions")) && (rc = load_dimensions(L, k, reg)))
        goto out;
    if ((k = GET(n, "penalties")) && (rc = load_penalties(L, k, reg,
                                                          &penalties)))
        goto out;
    if ((k = GET(n, "obligations"))
        && (rc = load_obligations(L, k, reg, &penalties, &obligations)))
        goto out;
    if ((k = GET(n, "rules")))
        rc = load_rules(L, k, reg, &obligations, &penalties);
    else
        reg->eval_order = list_alloc(L, n, 1, sizeof *reg->eval_order, &rc);
    if (rc == AIP_OK)
        rc = resolve_all_dates(L, n, reg);
out:
    L->reg = NULL;
    return rc;
}
