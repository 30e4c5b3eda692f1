/*
 * load.h - from YAML documents to the compiled model (model.h).
 *
 * aipi_compile() is the whole loader: it parses every source, checks it
 * against the schema of doc/knowledge-format.md and compiles it. It is a
 * pure function of its sources, which is what makes loading transactional:
 * the builder compiles old sources + new ones into a fresh knowledge base
 * and keeps the old one when that fails.
 *
 * The rest of this header is shared by load.c, load_cond.c and
 * load_regulation.c: a loader context and schema helpers that report errors
 * at the offending node.
 */
#ifndef AIP_LOAD_H
#define AIP_LOAD_H

#include "error.h"
#include "model.h"
#include "ydoc.h"

typedef struct aipi_source {
    const char *name;
    const char *data;
    size_t len;
} aipi_source;

int aipi_compile(const aip_allocator *alloc, const aipi_source *sources,
                 size_t nsources, aip_kb **out, aipi_err *err);

/* Frees a knowledge base that nobody references any more. */
void aipi_kb_destroy(aip_kb *kb);

/* Strict number syntax shared with the profile reader: decimal or
 * exponent notation, fully consumed, finite. Returns 0 or -1. */
int aipi_parse_number(const char *s, size_t len, double *out);

/* ---- shared by the loader files ----------------------------------------- */

typedef struct aipi_loader {
    aip_kb *kb;
    aipi_err *err;
    const ydoc *doc;             /* document being read, for positions */
    const aip_allocator *alloc;  /* scratch vectors below */
    aipi_cond *conds;
    size_t nconds, cond_cap;
    uint32_t *refs;
    size_t nrefs, ref_cap;
    uint32_t *cons;              /* hash-consing: slots of cond indices */
    size_t cons_cap, cons_count;
    aipi_regulation *reg;        /* regulation being read, or NULL */
    uint8_t *fact_seen;          /* facts read by the current condition, */
    uint32_t *seen;              /* also as a list, so that resetting costs */
    size_t nseen;                /* what the condition read, not all facts */
    uint8_t *dim_seen;           /* dimensions read by the current condition */
} aipi_loader;

int aipi_ld_fail(aipi_loader *L, const ydoc_node *n, int code,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int aipi_ld_oom(aipi_loader *L, const ydoc_node *n);

/* Checks that n is a mapping whose keys are all in `allowed` and that holds
 * every key of `required` (both NULL-terminated). */
int aipi_ld_keys(aipi_loader *L, const ydoc_node *n,
                 const char *const *allowed, const char *const *required);
int aipi_ld_seq(aipi_loader *L, const ydoc_node *n, const char *what);
int aipi_ld_id(aipi_loader *L, const ydoc_node *n, const char **out);
int aipi_ld_string(aipi_loader *L, const ydoc_node *n, const char **out);
int aipi_ld_url(aipi_loader *L, const ydoc_node *n, const char **out);
int aipi_ld_text(aipi_loader *L, const ydoc_node *n, aipi_text *out);
int aipi_ld_cite(aipi_loader *L, const ydoc_node *n, aipi_cite *out);
int aipi_ld_date(aipi_loader *L, const ydoc_node *n, aipi_date *out);
int aipi_ld_number(aipi_loader *L, const ydoc_node *n, double *out);
int aipi_ld_bool(aipi_loader *L, const ydoc_node *n, int *out);
int aipi_ld_count(aipi_loader *L, const ydoc_node *n, uint32_t *out);

/* Looks up a fact by the id in scalar n; reports a dangling reference. */
int aipi_ld_fact_ref(aipi_loader *L, const ydoc_node *n, uint32_t *out);
/* Looks up a value of `fact` by the id in scalar n. */
int aipi_ld_value_ref(aipi_loader *L, const ydoc_node *n,
                      const aipi_fact *fact, uint32_t *out);
/* Finds the id in scalar n among interned names (facts, penalties,
 * obligations), reporting a dangling reference to `what`. */
int aipi_ld_intern_ref(aipi_loader *L, const ydoc_node *n,
                       const struct aipi_intern *names, const char *what,
                       uint32_t *out);
/* Finds `id` in names[0..count), reporting a dangling reference to `what`. */
int aipi_ld_find(aipi_loader *L, const ydoc_node *n, const char *const *names,
                 size_t stride, size_t count, const char *what, uint32_t *out);

/* Reads a list of `{id, label}` values (fact values also allow `help`):
 * 1 to AIPI_MAX_VALUES of them, ids unique. `owner` names the fact or
 * dimension in messages. */
int aipi_ld_values(aipi_loader *L, const ydoc_node *n, const char *owner,
                   int allow_help, uint32_t *count, const char ***ids,
                   aipi_text **labels);

/* Records that the condition being compiled reads fact f. */
void aipi_ld_reads_fact(aipi_loader *L, uint32_t f);
/* Forgets the facts recorded so far (before the next condition). */
void aipi_ld_forget_facts(aipi_loader *L);

/* Compiles the condition at n; *out receives its index. Dimension
 * conditions are allowed only while a regulation is being read. */
int aipi_ld_condition(aipi_loader *L, const ydoc_node *n, uint32_t *out);

/* Reads the `regulation:` mapping into reg. */
int aipi_ld_regulation(aipi_loader *L, const ydoc_node *n,
                       aipi_regulation *reg);

#endif
