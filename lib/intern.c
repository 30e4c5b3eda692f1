/*
 * intern.c - string -> index map.
 */
#include <string.h>

#include "intern.h"

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void aipi_intern_init(aipi_intern *m, aipi_arena *arena)
{
    memset(m, 0, sizeof *m);
    m->arena = arena;
}

static int key_equals(const char *key, const char *s, size_t n)
{
    return strncmp(key, s, n) == 0 && key[n] == '\0';
}

/* Slot of key, or of the empty slot where it would go. */
static size_t probe(const aipi_intern *m, const char *s, size_t n)
{
    size_t mask = m->cap - 1, i = hash(s, n) & mask;
    while (m->keys[i] && !key_equals(m->keys[i], s, n))
        i = (i + 1) & mask;
    return i;
}

static int rehash(aipi_intern *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = aipi_arena_array(m->arena, cap, sizeof *keys);
    uint32_t *values = aipi_arena_array(m->arena, cap, sizeof *values);
    if (!keys || !values)
        return -1;
    aipi_intern old = *m;
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i]) {
            size_t j = probe(m, old.keys[i], strlen(old.keys[i]));
            m->keys[j] = old.keys[i];
            m->values[j] = old.values[i];
        }
    }
    return 0;
}

int aipi_intern_add(aipi_intern *m, const char *key, uint32_t value)
{
    if ((m->count + 1) * 2 > m->cap && rehash(m) != 0)
        return -1;
    size_t i = probe(m, key, strlen(key));
    if (m->keys[i])
        return 1;
    m->keys[i] = key;
    m->values[i] = value;
    m->count++;
    return 0;
}

int aipi_intern_find(const aipi_intern *m, const char *key, size_t n,
                     uint32_t *value)
{
    if (m->cap == 0)
        return -1;
    size_t i = probe(m, key, n);
    if (!m->keys[i])
        return -1;
    *value = m->values[i];
    return 0;
}
