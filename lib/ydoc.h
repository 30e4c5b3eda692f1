/*
 * ydoc.h - a YAML (or JSON) document as a tree of nodes with positions.
 *
 * libyaml's event parser feeds a small tree that remembers, for every node,
 * its line, column and place in the document, so that the loaders above it
 * can report "file:line:column: /rules/3/when: message". The limits are
 * enforced while reading: an alias bomb is refused when its first alias
 * would push the expanded size over the limit, before anything is copied.
 * Aliased nodes are shared, not copied.
 */
#ifndef AIP_YDOC_H
#define AIP_YDOC_H

#include <stddef.h>
#include "alloc.h"
#include "error.h"

typedef enum { YD_SCALAR, YD_SEQ, YD_MAP } ydoc_kind;

typedef struct ydoc_node ydoc_node;
struct ydoc_node {
    ydoc_kind kind;
    unsigned line, column;       /* 1-based */
    const ydoc_node *parent;     /* first parent (aliased nodes have more) */
    const char *key;             /* key in a parent mapping, else NULL */
    size_t index;                /* index in a parent sequence */
    const char *str;             /* scalar text, NUL-terminated */
    size_t len;
    int plain;                   /* scalar written without quotes */
    size_t count;                /* items of a sequence / pairs of a mapping */
    ydoc_node **items;           /* sequence items, or mapping values */
    ydoc_node **keys;            /* mapping keys (scalars) */
    size_t weight;               /* nodes in this subtree, aliases expanded */
};

typedef struct ydoc_limits {
    size_t max_bytes;            /* input size */
    size_t max_depth;            /* nesting of collections */
    size_t max_nodes;            /* nodes, counting aliased subtrees each time */
    size_t max_scalar;           /* bytes in one scalar */
} ydoc_limits;

extern const ydoc_limits aipi_ydoc_default_limits;

typedef struct ydoc {
    aipi_arena arena;
    const char *name;            /* file name for messages (arena copy) */
    ydoc_node *root;             /* NULL for an empty document */
} ydoc;

/* Parses one document. On failure returns a negative status with *err set
 * (position included) and leaves nothing allocated. */
int  aipi_ydoc_parse(ydoc *doc, const aip_allocator *alloc, const char *name,
                     const char *data, size_t len, const ydoc_limits *limits,
                     aipi_err *err);
void aipi_ydoc_free(ydoc *doc);

/* Value of `key` in a mapping node, or NULL. */
const ydoc_node *aipi_ydoc_get(const ydoc_node *map, const char *key);

/* Writes the node's path ("/regulation/rules/3") into buf. */
void aipi_ydoc_path(const ydoc_node *n, char *buf, size_t cap);

/* Records an error located at node n of doc. Returns code. */
int aipi_ydoc_fail(aipi_err *e, const ydoc *doc, const ydoc_node *n, int code,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Reads a whole file into a NUL-terminated buffer of *len + 1 bytes, made
 * with `alloc`. Files over the document size limit are refused. */
int aipi_read_file(const aip_allocator *alloc, const char *path, char **data,
                   size_t *len, aipi_err *err);

/* Scalar helpers. */
int aipi_ydoc_is_scalar(const ydoc_node *n, const char *text);

#endif
