/*
 * aipolicy.h - public interface of libaipolicy
 *
 * libaipolicy answers compliance-classification questions about AI systems
 * and models from regulations encoded as YAML knowledge files.
 *
 * Reading order for a newcomer:
 *   1. status codes and the error object      (what can go wrong)
 *   2. the allocator hook                     (who owns memory)
 *   3. loading a knowledge base               (aip_kb_builder -> aip_kb)
 *   4. building a query                       (aip_query)
 *   5. classifying and reading the result     (aip_result)
 *
 * Conventions
 *   - Every function is prefixed aip_. Functions that can fail return an int
 *     status: AIP_OK (0) on success, a negative aip_status value on failure.
 *   - Out parameters come first among the outputs and are written only on
 *     success; on failure they are left untouched.
 *   - Optional `aip_error **err` parameters may be NULL. When not NULL and
 *     the call fails, *err receives a new error object the caller frees with
 *     aip_error_free(). On success *err is left untouched.
 *   - const char * returned by a getter is BORROWED: valid as long as the
 *     object it was read from is alive. Strings returned through a
 *     `char **out` parameter are OWNED by the caller: free them with
 *     aip_string_free().
 *   - All strings are UTF-8. Dates are "YYYY-MM-DD" strings.
 *
 * Ownership table
 *   object          created by                      freed by
 *   aip_kb_builder  aip_kb_builder_new              aip_kb_builder_free
 *   aip_kb          aip_kb_builder_build,           aip_kb_release (refcounted;
 *                   aip_kb_load_default,             aip_kb_retain adds a ref)
 *                   aip_kb_load_path
 *   aip_query       aip_query_new                   aip_query_free
 *   aip_result      aip_classify                    aip_result_free
 *   aip_error       any call taking aip_error **    aip_error_free
 *   char *          aip_result_to_json/_to_text/    aip_string_free
 *                   _explain
 *
 * Thread safety
 *   - An aip_kb is immutable once built: any number of threads may classify
 *     against it at once, and retain/release it, without locking.
 *   - An aip_kb_builder, an aip_query and an aip_result belong to one thread
 *     at a time (use from several threads needs the caller's locking). Distinct
 *     objects may be used from distinct threads freely.
 *   - The library has no global mutable state. The allocator is per
 *     builder/knowledge base, never process-wide.
 */
#ifndef AIPOLICY_H
#define AIPOLICY_H

#include <stddef.h>
#include <stdint.h>

#include "aipolicy_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(AIP_STATIC)
#  if defined(AIP_BUILDING)
#    define AIP_API __declspec(dllexport)
#  else
#    define AIP_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define AIP_API __attribute__((visibility("default")))
#else
#  define AIP_API
#endif

/* ------------------------------------------------------------------------ */
/* Handles (all opaque)                                                     */
/* ------------------------------------------------------------------------ */

typedef struct aip_kb_builder aip_kb_builder; /* collects files; one thread   */
typedef struct aip_kb         aip_kb;         /* immutable, refcounted, shared */
typedef struct aip_query      aip_query;      /* one request; one thread       */
typedef struct aip_result     aip_result;     /* one answer; one thread        */
typedef struct aip_error      aip_error;      /* error details                 */

/* ------------------------------------------------------------------------ */
/* 1. Status codes: fixed values, append only, never renumbered             */
/* ------------------------------------------------------------------------ */

typedef enum aip_status {
    AIP_OK         =   0,
    AIP_ENOMEM     =  -1, /* an allocation failed                          */
    AIP_EINVAL     =  -2, /* bad argument (NULL, unknown id, bad date...)   */
    AIP_EIO        =  -3, /* a file could not be opened or read             */
    AIP_EYAML      =  -4, /* the input is not well-formed YAML/JSON         */
    AIP_ESCHEMA    =  -5, /* well-formed, but not a valid knowledge file    */
    AIP_EVERSION   =  -6, /* schema_version not supported                   */
    AIP_EDUPLICATE =  -7, /* an id is defined twice                         */
    AIP_ENOTFOUND  =  -8, /* a reference names nothing known                */
    AIP_ERANGE     =  -9, /* index or value out of range                    */
    AIP_ELIMIT     = -10, /* size, depth or alias-expansion limit exceeded  */
    AIP_EPROFILE   = -11, /* a profile (query document) is invalid          */
    AIP_EINTERNAL  = -99  /* a bug in the library: please report it        */
} aip_status;

/* Static English description of a status code; never NULL. */
AIP_API const char *aip_strerror(int code);

/* ------------------------------------------------------------------------ */
/* Error details                                                             */
/* ------------------------------------------------------------------------ */

/* The aip_status code of the failure. */
AIP_API int         aip_error_code(const aip_error *err);
/* Human-readable English message naming the offending key or value. */
AIP_API const char *aip_error_message(const aip_error *err);
/* File name (or buffer name) the error is in, or NULL. */
AIP_API const char *aip_error_file(const aip_error *err);
/* 1-based line and column in that file; 0 when not applicable. */
AIP_API unsigned    aip_error_line(const aip_error *err);
AIP_API unsigned    aip_error_column(const aip_error *err);
/* YAML path of the offending node, e.g. "/regulation/rules/3/when", or NULL. */
AIP_API const char *aip_error_path(const aip_error *err);
/* Frees an error; NULL is a no-op. */
AIP_API void        aip_error_free(aip_error *err);

/* ------------------------------------------------------------------------ */
/* 2. Memory                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * An allocator hook, modelled on zstd's customMem and Lua's lua_Alloc: a
 * single realloc-style function. It is called as
 *     fn(ctx, NULL, 0, n)      to allocate n bytes,
 *     fn(ctx, p, old, n)       to resize p (old = size last requested),
 *     fn(ctx, p, old, 0)       to free p (return value ignored).
 * It returns NULL when it cannot allocate; the library then fails the call
 * with AIP_ENOMEM and leaks nothing. Pass NULL wherever an allocator is taken
 * to use malloc/realloc/free. The allocator given to a builder is used for
 * everything derived from it: knowledge bases, queries, results, errors and
 * strings. It must stay usable until the last such object is freed, and be
 * callable from every thread that uses them.
 *
 * libyaml's own internal buffers are allocated with malloc and are outside
 * the hook.
 */
typedef void *(*aip_alloc_fn)(void *ctx, void *ptr, size_t old_size,
                              size_t new_size);

typedef struct aip_allocator {
    aip_alloc_fn fn;
    void        *ctx;
} aip_allocator;

/* Frees a string returned through a char ** out parameter; NULL is a no-op.
 * Works for strings from any knowledge base, whatever its allocator. */
AIP_API void aip_string_free(char *str);

/* ------------------------------------------------------------------------ */
/* Versions                                                                  */
/* ------------------------------------------------------------------------ */

/* Runtime library version: "MAJOR.MINOR.PATCH" and MAJOR*10000+MINOR*100+PATCH.
 * Compare with AIP_VERSION_NUMBER to detect a header/library mismatch. */
AIP_API const char *aip_version(void);
AIP_API int         aip_version_number(void);
/* The knowledge-file schema_version this library reads. */
AIP_API int         aip_schema_version(void);

/* ------------------------------------------------------------------------ */
/* 3. Knowledge bases                                                        */
/* ------------------------------------------------------------------------ */

/*
 * A builder collects knowledge files. Each add call is a transaction: the
 * file (or every file of the directory) is parsed, checked and compiled
 * together with what was added before; if anything is wrong the builder is
 * left exactly as it was and *err says where. A file may refer to facts
 * declared by files added earlier or in the same call.
 *
 * Thread safety: one thread at a time per builder.
 */
AIP_API int  aip_kb_builder_new(const aip_allocator *alloc,
                                aip_kb_builder **out);
AIP_API void aip_kb_builder_free(aip_kb_builder *builder);

/* Adds one file. */
AIP_API int aip_kb_builder_add_file(aip_kb_builder *builder, const char *path,
                                    aip_error **err);
/* Adds several files as one transaction: they may refer to each other's
 * facts whatever their order. */
AIP_API int aip_kb_builder_add_files(aip_kb_builder *builder,
                                     const char *const *paths, size_t count,
                                     aip_error **err);
/* Adds every "*.yaml" file of a directory, in name order, as one transaction. */
AIP_API int aip_kb_builder_add_dir(aip_kb_builder *builder, const char *dir,
                                   aip_error **err);
/* Adds a document held in memory; `name` is used in error messages. The
 * bytes are copied. */
AIP_API int aip_kb_builder_add_buffer(aip_kb_builder *builder,
                                      const char *name, const char *data,
                                      size_t len, aip_error **err);

/* Returns (in *out, a new reference) the knowledge base of everything added
 * so far. The builder stays usable; later additions do not affect *out. */
AIP_API int aip_kb_builder_build(aip_kb_builder *builder, aip_kb **out,
                                 aip_error **err);

/*
 * Where the bundled knowledge is: $AIPOLICY_DATA if set and not empty,
 * otherwise the directory chosen at configure time (pkgdatadir).
 * Returns a static string (borrowed, never NULL).
 */
AIP_API const char *aip_default_data_dir(void);

/* Convenience: builds a knowledge base from one directory or file. `path`
 * NULL means aip_default_data_dir(). */
AIP_API int aip_kb_load_path(const aip_allocator *alloc, const char *path,
                             aip_kb **out, aip_error **err);
AIP_API int aip_kb_load_default(const aip_allocator *alloc, aip_kb **out,
                                aip_error **err);

/* Reference counting; safe from any thread. Releasing the last reference
 * frees the knowledge base. NULL is a no-op for both. */
AIP_API aip_kb *aip_kb_retain(aip_kb *kb);
AIP_API void    aip_kb_release(aip_kb *kb);

/* Digest of the loaded files' bytes: "sha256:" followed by 64 hex digits. */
AIP_API const char *aip_kb_fingerprint(const aip_kb *kb);

/* Introspection: counts and borrowed strings. Index out of range -> NULL. */
AIP_API size_t      aip_kb_regulation_count(const aip_kb *kb);
AIP_API const char *aip_kb_regulation_id(const aip_kb *kb, size_t i);
AIP_API const char *aip_kb_regulation_title(const aip_kb *kb, size_t i,
                                            const char *lang);
AIP_API size_t      aip_kb_rule_count(const aip_kb *kb, size_t regulation);
AIP_API const char *aip_kb_rule_id(const aip_kb *kb, size_t regulation,
                                   size_t i);
AIP_API const char *aip_kb_rule_citation(const aip_kb *kb, size_t regulation,
                                         size_t i);
AIP_API size_t      aip_kb_fact_count(const aip_kb *kb);
AIP_API const char *aip_kb_fact_id(const aip_kb *kb, size_t i);
/* "bool", "enum", "set", "number" or "date". */
AIP_API const char *aip_kb_fact_type(const aip_kb *kb, size_t i);
AIP_API const char *aip_kb_fact_label(const aip_kb *kb, size_t i,
                                      const char *lang);
AIP_API const char *aip_kb_fact_question(const aip_kb *kb, size_t i,
                                         const char *lang);

/* ------------------------------------------------------------------------ */
/* 4. Queries                                                                */
/* ------------------------------------------------------------------------ */

/*
 * A query holds the facts of one profile and the as-of date. It keeps a
 * reference to the knowledge base. Facts not set are unknown: that is a
 * normal input, not an error. Setters fail with AIP_EINVAL (unknown fact,
 * wrong type, value not allowed) and leave the query unchanged.
 */
AIP_API int  aip_query_new(aip_kb *kb, aip_query **out);
AIP_API void aip_query_free(aip_query *query);

AIP_API int aip_query_set_bool(aip_query *q, const char *fact, int value);
AIP_API int aip_query_set_enum(aip_query *q, const char *fact,
                               const char *value);
/* For set facts: adds one value (the fact becomes known, possibly empty via
 * aip_query_set_empty). */
AIP_API int aip_query_add_to_set(aip_query *q, const char *fact,
                                 const char *value);
AIP_API int aip_query_set_empty(aip_query *q, const char *fact);
AIP_API int aip_query_set_number(aip_query *q, const char *fact,
                                 double value);
AIP_API int aip_query_set_date(aip_query *q, const char *fact,
                               const char *yyyy_mm_dd);
/* Makes a fact unknown again. */
AIP_API int aip_query_unset(aip_query *q, const char *fact);

/* As-of date of the query. Default: today's date (UTC) when classified. */
AIP_API int aip_query_set_as_of(aip_query *q, const char *yyyy_mm_dd);

/* Reads a profile document (YAML or JSON, see doc/knowledge-format.md §6)
 * into the query, replacing its facts (and as-of date when the profile has
 * one). On failure the query is unchanged and *err names the fact. */
AIP_API int aip_query_parse(aip_query *q, const char *name, const char *data,
                            size_t len, aip_error **err);
AIP_API int aip_query_load_file(aip_query *q, const char *path,
                                aip_error **err);

/* ------------------------------------------------------------------------ */
/* 5. Classification and results                                             */
/* ------------------------------------------------------------------------ */

/*
 * Classifies the query against its knowledge base. Safe to call from many
 * threads at once on one knowledge base (each with its own query).
 * The result keeps a reference to the knowledge base.
 */
AIP_API int  aip_classify(const aip_query *q, aip_result **out,
                          aip_error **err);
AIP_API void aip_result_free(aip_result *result);

/* Applicability of a regulation to the profile. */
typedef enum aip_applicability {
    AIP_DOES_NOT_APPLY = 0,
    AIP_APPLIES        = 1,
    AIP_UNDETERMINED   = 2
} aip_applicability;

/* The as-of date the result was computed for (borrowed). */
AIP_API const char *aip_result_as_of(const aip_result *r);
AIP_API size_t      aip_result_regulation_count(const aip_result *r);
AIP_API const char *aip_result_regulation_id(const aip_result *r, size_t reg);
/* The law version in force on the as-of date (borrowed). */
AIP_API const char *aip_result_law_version(const aip_result *r, size_t reg);
/* An aip_applicability value, or AIP_ERANGE. */
AIP_API int         aip_result_applicability(const aip_result *r, size_t reg);

/* Dimension value by id ("tier"): the current value (the floor when
 * undetermined), or NULL when the regulation or dimension is unknown.
 * *determined (may be NULL) is set to 1 when the value cannot change with
 * the missing facts, 0 otherwise. */
AIP_API const char *aip_result_dimension(const aip_result *r, size_t reg,
                                         const char *dimension,
                                         int *determined);

/* Obligations reported for the regulation. */
typedef enum aip_obligation_status {
    AIP_IN_FORCE = 0,
    AIP_UPCOMING = 1
} aip_obligation_status;

AIP_API size_t      aip_result_obligation_count(const aip_result *r,
                                                size_t reg);
AIP_API const char *aip_result_obligation_id(const aip_result *r, size_t reg,
                                             size_t i);
AIP_API const char *aip_result_obligation_role(const aip_result *r,
                                               size_t reg, size_t i);
AIP_API const char *aip_result_obligation_citation(const aip_result *r,
                                                   size_t reg, size_t i);
/* The date from which it applies (borrowed, "YYYY-MM-DD"). */
AIP_API const char *aip_result_obligation_applies_from(const aip_result *r,
                                                       size_t reg, size_t i);
/* An aip_obligation_status, or AIP_ERANGE. */
AIP_API int         aip_result_obligation_status(const aip_result *r,
                                                 size_t reg, size_t i);
/* 1 when the obligation certainly binds, 0 when it depends on missing
 * facts, AIP_ERANGE on a bad index. */
AIP_API int         aip_result_obligation_certain(const aip_result *r,
                                                  size_t reg, size_t i);

/* Rules that fired (the explanation). */
AIP_API size_t      aip_result_fired_count(const aip_result *r, size_t reg);
AIP_API const char *aip_result_fired_rule(const aip_result *r, size_t reg,
                                          size_t i);
AIP_API const char *aip_result_fired_citation(const aip_result *r, size_t reg,
                                              size_t i);

/* Missing facts over all regulations, most decisive first
 * (doc/knowledge-format.md §5.2). */
AIP_API size_t      aip_result_missing_count(const aip_result *r);
AIP_API const char *aip_result_missing_fact(const aip_result *r, size_t i);

/* Penalty ceiling for the regulation: 0 and *out set when one is engaged,
 * AIP_ENOTFOUND when none is. *currency (may be NULL) receives a borrowed
 * ISO code. */
AIP_API int aip_result_penalty_ceiling(const aip_result *r, size_t reg,
                                       double *out, const char **currency);

/* Serialisation. JSON shape: doc/json-output.md (deterministic: the same
 * knowledge and query give the same bytes). `lang` is "en" or "fr" and
 * selects the language of titles; NULL means "en". *out is owned by the
 * caller (aip_string_free); *len (may be NULL) receives its length. */
enum {
    AIP_JSON_PRETTY = 1u << 0   /* indent with two spaces, newline at end */
};
AIP_API int aip_result_to_json(const aip_result *r, const char *lang,
                               unsigned flags, char **out, size_t *len);
/* A report for people, in "en" or "fr". */
AIP_API int aip_result_to_text(const aip_result *r, const char *lang,
                               char **out, size_t *len);

/* ------------------------------------------------------------------------ */
/* 6. For people: questions, provisional answers, explanations              */
/* ------------------------------------------------------------------------ */

/*
 * What an interactive front end (aipolicy ask, explain, diff) needs beyond
 * sections 3 and 5: the allowed values of a fact with their labels, the
 * dimensions of a regulation, the missing facts of one regulation, and the
 * reasoning as a text tree. Since: 0.1.0.
 *
 * All are read-only; they follow the rules of the object they read: any
 * thread for an aip_kb, one thread at a time for an aip_result. Returned
 * const char * are BORROWED from the knowledge base (or the result), valid
 * while it is alive. `lang` is "en" or "fr"; NULL or anything else means
 * English. An index out of range gives NULL (strings) or 0 (counts).
 */

/* Finds a fact by id: AIP_OK and *index set, AIP_ENOTFOUND when no fact has
 * that id, AIP_EINVAL when kb, id or index is NULL. */
AIP_API int         aip_kb_fact_find(const aip_kb *kb, const char *id,
                                     size_t *index);
/* Allowed values of an enum or set fact, in display order; 0 for the other
 * types. */
AIP_API size_t      aip_kb_fact_value_count(const aip_kb *kb, size_t fact);
AIP_API const char *aip_kb_fact_value_id(const aip_kb *kb, size_t fact,
                                         size_t value);
AIP_API const char *aip_kb_fact_value_label(const aip_kb *kb, size_t fact,
                                            size_t value, const char *lang);
/* The fact's longer explanation, or NULL when it has none. */
AIP_API const char *aip_kb_fact_help(const aip_kb *kb, size_t fact,
                                     const char *lang);
/* The unit of a number fact ("EUR", "FLOP"...), or NULL when none. */
AIP_API const char *aip_kb_fact_unit(const aip_kb *kb, size_t fact);

/* The regulation's short title ("AI Act"), or its title when it has none. */
AIP_API const char *aip_kb_regulation_short_title(const aip_kb *kb, size_t i,
                                                  const char *lang);
/* Classification dimensions of a regulation ("tier"...), in knowledge
 * order: the ids aip_result_dimension() takes. */
AIP_API size_t      aip_kb_dimension_count(const aip_kb *kb,
                                           size_t regulation);
AIP_API const char *aip_kb_dimension_id(const aip_kb *kb, size_t regulation,
                                        size_t i);
AIP_API const char *aip_kb_dimension_title(const aip_kb *kb,
                                           size_t regulation, size_t i,
                                           const char *lang);

/* The label of a dimension's current value (what aip_result_dimension
 * returns the id of), e.g. "High risk"; NULL when unknown. */
AIP_API const char *aip_result_dimension_label(const aip_result *r,
                                               size_t reg,
                                               const char *dimension,
                                               const char *lang);
/* The title of obligation i of the regulation. */
AIP_API const char *aip_result_obligation_title(const aip_result *r,
                                                size_t reg, size_t i,
                                                const char *lang);

/* Missing facts of one regulation, most decisive first for that regulation
 * (the ranking of doc/knowledge-format.md §5.2 with this regulation's
 * scores only; the JSON "missing_facts" of the regulation). Empty when the
 * regulation does not apply. */
AIP_API size_t      aip_result_regulation_missing_count(const aip_result *r,
                                                        size_t reg);
AIP_API const char *aip_result_regulation_missing_fact(const aip_result *r,
                                                       size_t reg, size_t i);

/* The reasoning behind a result as an indented text tree, for people: per
 * regulation, the law version; applicability with the scope rules; each
 * dimension with the rules that raised it (title, citation, URL, the facts
 * each read and their values); the obligations grouped by the rule that
 * triggered them; the rules not decided because facts are unknown, with
 * those facts. The layout is for reading, not parsing: it may change between
 * versions (parse aip_result_to_json instead). `lang` is "en", "fr" or NULL
 * (English); anything else is AIP_EINVAL. *out is OWNED by the caller
 * (aip_string_free); *len (may be NULL) receives its length.
 * Returns AIP_OK, AIP_EINVAL or AIP_ENOMEM. */
AIP_API int aip_result_explain(const aip_result *r, const char *lang,
                               char **out, size_t *len);

/* ------------------------------------------------------------------------ */
/* Export to JsonLogic                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Writes the rules of kb as JsonLogic (https://jsonlogic.com), so that the
 * same rules can be run by another engine (bench/compare runs them through
 * json-logic-js). Only the two-valued semantics is exported: every fact is
 * taken as known (`known: F` is true). One JSON document: the facts (id,
 * JsonLogic variable name, type, values), then per regulation its versions,
 * its dimensions and its rules in evaluation order, each with its `when` as
 * a JsonLogic expression over the facts (dates as day numbers since
 * 1970-01-01) and the dimensions ({"var": "@tier"}, the index of the
 * current value), the dimension values it raises, its law range and its
 * date of application in each version. A small driver computes from it the
 * fired rules and the dimension values of a complete profile on a date,
 * which aip_classify gives too; scope, obligations, penalties and missing
 * facts are not exported. Format and driver: doc/jsonlogic-export.md.
 * Since: 0.1.0.
 *
 * *out is OWNED by the caller (aip_string_free); *len (may be NULL)
 * receives its length. Returns AIP_OK, AIP_EINVAL (kb or out NULL),
 * AIP_ENOMEM, or AIP_EINTERNAL for a compiled condition the export does not
 * know (a bug).
 */
AIP_API int aip_kb_export_jsonlogic(const aip_kb *kb, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* AIPOLICY_H */
