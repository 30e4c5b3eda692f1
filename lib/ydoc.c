/*
 * ydoc.c - libyaml events -> ydoc tree, with limits.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "intern.h"
#include "ydoc.h"

const ydoc_limits aipi_ydoc_default_limits = {
    16u * 1024 * 1024,   /* 16 MiB */
    64,                  /* nesting */
    1000000,             /* nodes after alias expansion */
    64u * 1024           /* 64 KiB scalar */
};

/* A collection under construction: its children are gathered in growable
 * arrays (allocator memory) and copied into the arena when it ends. */
typedef struct frame {
    ydoc_node *node;
    ydoc_node **items, **keys;
    size_t count, cap, keys_cap; /* keys grow separately: see attach() */
    ydoc_node *pending_key;      /* mapping: key waiting for its value */
    const char *anchor;          /* to register once complete */
} frame;

typedef struct builder {
    ydoc *doc;
    const aip_allocator *alloc;
    const ydoc_limits *limits;
    aipi_err *err;
    frame *stack;
    size_t depth, stack_cap;
    size_t total_nodes;
    const char *data;            /* the input, for positions of reader errors */
    size_t len;
    aipi_intern anchors;         /* anchor name -> index in anchor_nodes */
    ydoc_node **anchor_nodes;
    size_t anchor_count, anchor_cap;
    int documents;
} builder;

static int fail_at(builder *b, unsigned line, unsigned col, int code,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int fail_at(builder *b, unsigned line, unsigned col, int code,
                   const char *fmt, ...)
{
    if (b->err->code == AIP_OK) {
        va_list ap;
        va_start(ap, fmt);
        b->err->code = code;
        vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
        va_end(ap);
    }
    aipi_err_at(b->err, b->doc->name, line, col, NULL);
    return code;
}

static int oom(builder *b, const yaml_event_t *ev)
{
    return fail_at(b, (unsigned)ev->start_mark.line + 1,
                   (unsigned)ev->start_mark.column + 1, AIP_ENOMEM,
                   "out of memory");
}

static ydoc_node *new_node(builder *b, const yaml_event_t *ev, ydoc_kind kind)
{
    ydoc_node *n = aipi_arena_alloc(&b->doc->arena, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (unsigned)ev->start_mark.line + 1;
    n->column = (unsigned)ev->start_mark.column + 1;
    n->weight = 1;
    return n;
}

static int count_nodes(builder *b, const yaml_event_t *ev, size_t weight)
{
    if (weight > b->limits->max_nodes
        || b->total_nodes > b->limits->max_nodes - weight)
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_ELIMIT,
                       "document too large: more than %zu nodes once aliases "
                       "are expanded", b->limits->max_nodes);
    b->total_nodes += weight;
    return AIP_OK;
}

/* Attaches a finished node to the collection on top of the stack (or makes
 * it the root). */
static int attach(builder *b, const yaml_event_t *ev, ydoc_node *n)
{
    if (b->depth == 0) {
        b->doc->root = n;
        return AIP_OK;
    }
    frame *f = &b->stack[b->depth - 1];
    int is_map = f->node->kind == YD_MAP;
    if (is_map && !f->pending_key) {
        if (n->kind != YD_SCALAR)
            return fail_at(b, n->line, n->column, AIP_EYAML,
                           "mapping keys must be plain scalars");
        if (strcmp(n->str, "<<") == 0 && n->plain)
            return fail_at(b, n->line, n->column, AIP_EYAML,
                           "merge keys (<<) are not supported");
        if (!n->parent) {   /* errors about a key point at the key itself */
            n->parent = f->node;
            n->key = n->str;
        }
        f->pending_key = n;
        return AIP_OK;
    }
    /* Each array records its own capacity as soon as it has grown, so that
     * a failure growing the second frees the first with its true size. */
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        ydoc_node **items = aipi_realloc(b->alloc, f->items,
                                         f->cap * sizeof *items,
                                         cap * sizeof *items);
        if (!items)
            return oom(b, ev);
        f->items = items;
        f->cap = cap;
    }
    if (is_map && f->count == f->keys_cap) {
        size_t cap = f->cap;
        ydoc_node **keys = aipi_realloc(b->alloc, f->keys,
                                        f->keys_cap * sizeof *keys,
                                        cap * sizeof *keys);
        if (!keys)
            return oom(b, ev);
        f->keys = keys;
        f->keys_cap = cap;
    }
    if (!n->parent && n != f->node) {
        n->parent = f->node;
        n->key = is_map ? f->pending_key->str : NULL;
        n->index = f->count;
    }
    if (is_map) {
        f->keys[f->count] = f->pending_key;
        f->pending_key = NULL;
    }
    f->items[f->count++] = n;
    return AIP_OK;
}

static int check_tag(builder *b, const yaml_event_t *ev, const yaml_char_t *tag,
                     int implicit)
{
    if (tag && !implicit)
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_EYAML,
                       "explicit tags ('%s') are not supported",
                       (const char *)tag);
    return AIP_OK;
}

static int register_anchor(builder *b, const yaml_event_t *ev,
                           const char *anchor, ydoc_node *n)
{
    if (!anchor)
        return AIP_OK;
    uint32_t index;
    if (aipi_intern_find(&b->anchors, anchor, strlen(anchor), &index) == 0) {
        b->anchor_nodes[index] = n;   /* a redefined anchor shadows the old */
        return AIP_OK;
    }
    if (b->anchor_count == b->anchor_cap) {
        size_t cap = b->anchor_cap ? b->anchor_cap * 2 : 16;
        ydoc_node **nodes = aipi_arena_array(&b->doc->arena, cap, sizeof *nodes);
        if (!nodes)
            return oom(b, ev);
        if (b->anchor_count)
            memcpy(nodes, b->anchor_nodes, b->anchor_count * sizeof *nodes);
        b->anchor_nodes = nodes;
        b->anchor_cap = cap;
    }
    char *name = aipi_arena_strdup(&b->doc->arena, anchor);
    if (!name || aipi_intern_add(&b->anchors, name, (uint32_t)b->anchor_count) < 0)
        return oom(b, ev);
    b->anchor_nodes[b->anchor_count++] = n;
    return AIP_OK;
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    int rc = check_tag(b, ev, ev->data.scalar.tag,
                       ev->data.scalar.plain_implicit
                           || ev->data.scalar.quoted_implicit);
    if (rc != AIP_OK)
        return rc;
    if (len > b->limits->max_scalar)
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_ELIMIT,
                       "scalar too long: %zu bytes (limit %zu)", len,
                       b->limits->max_scalar);
    if (memchr(text, '\0', len))
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_EYAML,
                       "NUL character in a scalar");
    if ((rc = count_nodes(b, ev, 1)) != AIP_OK)
        return rc;
    ydoc_node *n = new_node(b, ev, YD_SCALAR);
    char *copy = n ? aipi_arena_strndup(&b->doc->arena, text, len) : NULL;
    if (!copy)
        return oom(b, ev);
    n->str = copy;
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if ((rc = register_anchor(b, ev, (const char *)ev->data.scalar.anchor, n))
        != AIP_OK)
        return rc;
    return attach(b, ev, n);
}

static int on_alias(builder *b, const yaml_event_t *ev)
{
    const char *anchor = (const char *)ev->data.alias.anchor;
    uint32_t index;
    if (aipi_intern_find(&b->anchors, anchor, strlen(anchor), &index) != 0)
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_EYAML,
                       "alias '*%s' names no complete anchored node", anchor);
    ydoc_node *n = b->anchor_nodes[index];
    int rc = count_nodes(b, ev, n->weight);
    if (rc != AIP_OK)
        return rc;
    return attach(b, ev, n);
}

static int push(builder *b, const yaml_event_t *ev, ydoc_kind kind,
                const yaml_char_t *anchor, const yaml_char_t *tag, int implicit)
{
    int rc = check_tag(b, ev, tag, implicit);
    if (rc != AIP_OK)
        return rc;
    if (b->depth >= b->limits->max_depth)
        return fail_at(b, (unsigned)ev->start_mark.line + 1,
                       (unsigned)ev->start_mark.column + 1, AIP_ELIMIT,
                       "nesting deeper than %zu levels", b->limits->max_depth);
    if ((rc = count_nodes(b, ev, 1)) != AIP_OK)
        return rc;
    if (b->depth == b->stack_cap) {
        size_t cap = b->stack_cap ? b->stack_cap * 2 : 16;
        frame *stack = aipi_realloc(b->alloc, b->stack,
                                    b->stack_cap * sizeof *stack,
                                    cap * sizeof *stack);
        if (!stack)
            return oom(b, ev);
        b->stack = stack;
        b->stack_cap = cap;
    }
    ydoc_node *n = new_node(b, ev, kind);
    char *anchor_copy = NULL;
    if (n && anchor)
        anchor_copy = aipi_arena_strdup(&b->doc->arena, (const char *)anchor);
    if (!n || (anchor && !anchor_copy))
        return oom(b, ev);
    frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->anchor = anchor_copy;
    return AIP_OK;
}

static void free_frame(builder *b, frame *f)
{
    aipi_free(b->alloc, f->items, f->cap * sizeof *f->items);
    aipi_free(b->alloc, f->keys, f->keys_cap * sizeof *f->keys);
    f->items = f->keys = NULL;
}

/* Orders keys by text, then by position, so that duplicates are adjacent
 * and the later one is reported. */
static int compare_keys(const void *x, const void *y)
{
    const ydoc_node *a = *(ydoc_node *const *)x, *c = *(ydoc_node *const *)y;
    size_t n = a->len < c->len ? a->len : c->len;
    int d = memcmp(a->str, c->str, n);
    if (d || a->len != c->len)
        return d ? d : (a->len < c->len ? -1 : 1);
    if (a->line != c->line)
        return a->line < c->line ? -1 : 1;
    return a->column < c->column ? -1 : a->column > c->column;
}

/* Duplicate keys, in O(n log n): a mapping with many keys must not cost
 * quadratic time (anyone can write one within the size limits). */
static int check_duplicate_keys(builder *b, const yaml_event_t *ev, frame *f)
{
    if (f->count < 2)
        return AIP_OK;
    ydoc_node **sorted = aipi_malloc(b->alloc, f->count * sizeof *sorted);
    if (!sorted)
        return oom(b, ev);
    memcpy(sorted, f->keys, f->count * sizeof *sorted);
    qsort(sorted, f->count, sizeof *sorted, compare_keys);
    const ydoc_node *first = NULL, *dup = NULL;
    for (size_t i = 1; i < f->count; i++) {
        const ydoc_node *a = sorted[i - 1], *c = sorted[i];
        if (a->len == c->len && memcmp(a->str, c->str, a->len) == 0
            && (!dup || c->line < dup->line
                || (c->line == dup->line && c->column < dup->column))) {
            size_t k = i - 1;
            while (k > 0 && sorted[k - 1]->len == c->len
                   && memcmp(sorted[k - 1]->str, c->str, c->len) == 0)
                k--;
            first = sorted[k];
            dup = c;
        }
    }
    aipi_free(b->alloc, sorted, f->count * sizeof *sorted);
    if (dup)
        return fail_at(b, dup->line, dup->column, AIP_EYAML,
                       "duplicate key '%s' (first at line %u)", dup->str,
                       first->line);
    return AIP_OK;
}

static int pop(builder *b, const yaml_event_t *ev)
{
    frame *f = &b->stack[b->depth - 1];
    if (f->node->kind == YD_MAP) {
        int rc = check_duplicate_keys(b, ev, f);
        if (rc != AIP_OK)
            return rc;
    }
    ydoc_node *n = f->node;
    size_t weight = 1;
    n->count = f->count;
    if (f->count) {
        n->items = aipi_arena_array(&b->doc->arena, f->count, sizeof *n->items);
        if (!n->items)
            return oom(b, ev);
        memcpy(n->items, f->items, f->count * sizeof *n->items);
        if (n->kind == YD_MAP) {
            n->keys = aipi_arena_array(&b->doc->arena, f->count,
                                       sizeof *n->keys);
            if (!n->keys)
                return oom(b, ev);
            memcpy(n->keys, f->keys, f->count * sizeof *n->keys);
        }
        for (size_t i = 0; i < f->count; i++)
            weight += f->items[i]->weight;
    }
    n->weight = weight;
    const char *anchor = f->anchor;
    free_frame(b, f);
    b->depth--;
    int rc = register_anchor(b, ev, anchor, n);
    if (rc != AIP_OK)
        return rc;
    return attach(b, ev, n);
}

static int on_event(builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return fail_at(b, (unsigned)ev->start_mark.line + 1,
                           (unsigned)ev->start_mark.column + 1, AIP_EYAML,
                           "only one document per file is allowed");
        return AIP_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return push(b, ev, YD_SEQ, ev->data.sequence_start.anchor,
                    ev->data.sequence_start.tag,
                    ev->data.sequence_start.implicit);
    case YAML_MAPPING_START_EVENT:
        return push(b, ev, YD_MAP, ev->data.mapping_start.anchor,
                    ev->data.mapping_start.tag,
                    ev->data.mapping_start.implicit);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return pop(b, ev);
    default:
        return AIP_OK;
    }
}

static int yaml_failure(builder *b, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return fail_at(b, 0, 0, AIP_ENOMEM, "out of memory in the YAML parser");
    if (p->error == YAML_READER_ERROR) {
        /* The reader (encoding) reports a byte offset, not a mark. */
        unsigned line = 1, col = 1;
        for (size_t i = 0; i < p->problem_offset && i < b->len; i++) {
            if (b->data[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)b->data[i] & 0xC0) != 0x80) {
                col++;   /* count characters, not continuation bytes */
            }
        }
        return fail_at(b, line, col, AIP_EYAML, "%s (byte 0x%02x)",
                       p->problem ? p->problem : "invalid encoding",
                       (unsigned)p->problem_value & 0xFF);
    }
    const yaml_mark_t *m = &p->problem_mark;
    if (p->context)
        return fail_at(b, (unsigned)m->line + 1, (unsigned)m->column + 1,
                       AIP_EYAML, "%s %s", p->problem ? p->problem : "error",
                       p->context);
    return fail_at(b, (unsigned)m->line + 1, (unsigned)m->column + 1, AIP_EYAML,
                   "%s", p->problem ? p->problem : "malformed YAML");
}

int aipi_ydoc_parse(ydoc *doc, const aip_allocator *alloc, const char *name,
                    const char *data, size_t len, const ydoc_limits *limits,
                    aipi_err *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    memset(doc, 0, sizeof *doc);
    aipi_arena_init(&doc->arena, alloc);
    b.doc = doc;
    b.alloc = alloc;
    b.limits = limits ? limits : &aipi_ydoc_default_limits;
    b.err = err;
    b.data = data;
    b.len = len;
    aipi_intern_init(&b.anchors, &doc->arena);
    doc->name = aipi_arena_strdup(&doc->arena, name ? name : "<buffer>");
    if (!doc->name)
        return fail_at(&b, 0, 0, AIP_ENOMEM, "out of memory");
    if (len > b.limits->max_bytes) {
        int rc = fail_at(&b, 0, 0, AIP_ELIMIT,
                         "document too large: %zu bytes (limit %zu)", len,
                         b.limits->max_bytes);
        aipi_ydoc_free(doc);
        return rc;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fail_at(&b, 0, 0, AIP_ENOMEM, "out of memory");
        aipi_ydoc_free(doc);
        return AIP_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int rc = AIP_OK, done = 0;
    while (rc == AIP_OK && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = yaml_failure(&b, &parser);
            break;
        }
        rc = on_event(&b, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    for (size_t i = 0; i < b.depth; i++)
        free_frame(&b, &b.stack[i]);
    aipi_free(alloc, b.stack, b.stack_cap * sizeof *b.stack);
    if (rc != AIP_OK)
        aipi_ydoc_free(doc);
    return rc;
}

void aipi_ydoc_free(ydoc *doc)
{
    aipi_arena_free(&doc->arena);
    doc->root = NULL;
}

const ydoc_node *aipi_ydoc_get(const ydoc_node *map, const char *key)
{
    if (!map || map->kind != YD_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->items[i];
    return NULL;
}

void aipi_ydoc_path(const ydoc_node *n, char *buf, size_t cap)
{
    const ydoc_node *chain[128];
    size_t depth = 0;
    for (const ydoc_node *p = n; p && p->parent && depth < 128; p = p->parent)
        chain[depth++] = p;
    size_t used = 0;
    buf[0] = '\0';
    if (depth == 0)
        snprintf(buf, cap, "/");
    while (depth > 0 && used < cap) {
        const ydoc_node *p = chain[--depth];
        int w = p->key ? snprintf(buf + used, cap - used, "/%s", p->key)
                       : snprintf(buf + used, cap - used, "/%zu", p->index);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int aipi_ydoc_fail(aipi_err *e, const ydoc *doc, const ydoc_node *n, int code,
                   const char *fmt, ...)
{
    if (e->code == AIP_OK) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        char path[AIPI_ERR_PATH];
        aipi_ydoc_path(n, path, sizeof path);
        aipi_err_at(e, doc ? doc->name : NULL, n ? n->line : 0,
                    n ? n->column : 0, n ? path : NULL);
    }
    return code;
}

int aipi_ydoc_is_scalar(const ydoc_node *n, const char *text)
{
    return n && n->kind == YD_SCALAR && n->plain && strcmp(n->str, text) == 0;
}

int aipi_read_file(const aip_allocator *alloc, const char *path, char **data,
                   size_t *len, aipi_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        aipi_err_set(err, AIP_EIO, "cannot open: %s", strerror(errno));
        aipi_err_at(err, path, 0, 0, NULL);
        return AIP_EIO;
    }
    size_t cap = 4096, used = 0, limit = aipi_ydoc_default_limits.max_bytes;
    /* A regular file over the limit is refused from its size, unread. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)
        && (uintmax_t)st.st_size > limit) {
        fclose(f);
        aipi_err_set(err, AIP_ELIMIT, "document too large: %ju bytes (limit "
                     "%zu)", (uintmax_t)st.st_size, limit);
        aipi_err_at(err, path, 1, 1, NULL);
        return AIP_ELIMIT;
    }
    char *buf = aipi_malloc(alloc, cap);
    int rc = buf ? AIP_OK : aipi_err_set(err, AIP_ENOMEM, "out of memory");
    while (rc == AIP_OK) {
        if (used + 1 >= cap) {
            if (used > limit) {
                rc = aipi_err_set(err, AIP_ELIMIT, "document too large: more "
                                  "than %zu bytes", limit);
                break;
            }
            char *bigger = aipi_realloc(alloc, buf, cap, cap * 2);
            if (!bigger) {
                rc = aipi_err_set(err, AIP_ENOMEM, "out of memory");
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + used, 1, cap - used - 1, f);
        used += got;
        if (got == 0) {
            if (ferror(f))
                rc = aipi_err_set(err, AIP_EIO, "read error: %s",
                                  strerror(errno));
            break;
        }
    }
    fclose(f);
    char *exact = rc == AIP_OK ? aipi_realloc(alloc, buf, cap, used + 1) : NULL;
    if (rc == AIP_OK && !exact)
        rc = aipi_err_set(err, AIP_ENOMEM, "out of memory");
    if (rc != AIP_OK) {
        aipi_err_at(err, path, 0, 0, NULL);
        aipi_free(alloc, buf, cap);
        return rc;
    }
    exact[used] = '\0';
    *data = exact;
    *len = used;
    return AIP_OK;
}
