/*
 * tests/check_unit.c - white-box tests of the library's building blocks:
 * dates, SHA-256, the intern map, the string buffer, the arena and owned
 * strings, the YAML document reader (ydoc) and its limits, number syntax
 * and the internal error record.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "common.h"
#include "date.h"
#include "error.h"
#include "intern.h"
#include "load.h"
#include "result.h"
#include "sha256.h"
#include "strbuf.h"
#include "ydoc.h"

/* ======================================================================== */
/* dates                                                                     */
/* ======================================================================== */

static int parse(const char *s, aipi_date *d)
{
    return aipi_date_parse(s, strlen(s), d);
}

static const char *const valid_dates[] = {
    "1900-01-01", "1970-01-01", "2000-02-29", "2024-02-29", "2023-02-28",
    "2026-02-28", "2026-12-31", "2026-04-30", "9999-12-31", "2100-02-28",
    "1904-02-29",
};

START_TEST(date_valid)
{
    const char *s = valid_dates[_i];
    aipi_date d = -12345;
    ck_assert_msg(parse(s, &d) == 0, "%s should be a valid date", s);
    char buf[11];
    aipi_date_format(d, buf);
    ck_assert_str_eq(buf, s);
}
END_TEST

static const char *const invalid_dates[] = {
    "2026-02-30", "2023-02-29", "1900-02-29", "2100-02-29", "1899-12-31",
    "0000-01-01", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
    "2026-04-31", "2026-06-31", "2026-1-01", "2026-01-1", "26-01-01",
    "2026/01/01", "2026-01-01T00", "20260101", "", "abcd-ef-gh", "2026-0a-01",
    " 2026-01-01", "2026-01-01 ", "+026-01-01", "-026-01-01", "2026--1-01",
};

START_TEST(date_invalid)
{
    const char *s = invalid_dates[_i];
    aipi_date d = 4242;
    ck_assert_msg(parse(s, &d) != 0, "'%s' must be refused", s);
    ck_assert_msg(d == 4242, "'%s': out parameter written on failure", s);
}
END_TEST

START_TEST(date_length_is_explicit)
{
    /* n bytes are read, not up to a NUL: a valid prefix is not a date. */
    aipi_date d;
    ck_assert_int_eq(aipi_date_parse("2026-01-015", 10, &d), 0);
    ck_assert_int_ne(aipi_date_parse("2026-01-015", 11, &d), 0);
    ck_assert_int_ne(aipi_date_parse("2026-01-01", 9, &d), 0);
}
END_TEST

START_TEST(date_epoch_and_order)
{
    aipi_date d;
    ck_assert_int_eq(parse("1970-01-01", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(parse("1970-01-02", &d), 0);
    ck_assert_int_eq(d, 1);
    ck_assert_int_eq(parse("1969-12-31", &d), 0);
    ck_assert_int_eq(d, -1);
    ck_assert_int_eq(parse("2000-03-01", &d), 0);
    ck_assert_int_eq(d, 11017);
    ck_assert_int_eq(aipi_date_from_ymd(2000, 3, 1), 11017);
    ck_assert_int_eq(aipi_date_from_ymd(1900, 1, 1), -25567);
    ck_assert_int_eq(parse("9999-12-31", &d), 0);
    ck_assert_int_eq(d, 2932896);
}
END_TEST

START_TEST(date_round_trip_every_day)
{
    /* Every day from 1900-01-01 to 2101-01-01: format and parse agree, and
     * consecutive day numbers are consecutive calendar days. */
    aipi_date first = aipi_date_from_ymd(1900, 1, 1);
    aipi_date last = aipi_date_from_ymd(2101, 1, 1);
    int y = 1900, m = 1, dd = 1;
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                 31 };
    for (aipi_date d = first; d <= last; d++) {
        char buf[11], want[64];
        aipi_date_format(d, buf);
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
        ck_assert_msg(strcmp(buf, want) == 0, "day %d: %s, expected %s",
                      (int)d, buf, want);
        aipi_date back;
        ck_assert_int_eq(aipi_date_parse(buf, 10, &back), 0);
        ck_assert_int_eq(back, d);
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = mdays[m - 1] + (m == 2 && leap);
        if (++dd > len) {
            dd = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}
END_TEST

START_TEST(date_today_is_plausible)
{
    aipi_date today = aipi_date_today();
    ck_assert_int_ge(today, aipi_date_from_ymd(2024, 1, 1));
    ck_assert_int_le(today, aipi_date_from_ymd(9999, 12, 31));
}
END_TEST

/* ======================================================================== */
/* SHA-256                                                                    */
/* ======================================================================== */

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha_hex(const void *data, size_t n, char out[65])
{
    aipi_sha256 h;
    unsigned char digest[32];
    aipi_sha256_init(&h);
    aipi_sha256_update(&h, data, n);
    aipi_sha256_final(&h, digest);
    hex(digest, 32, out);
}

static const struct {
    const char *msg, *digest;
} sha_vectors[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmno"
      "pjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    { "The quick brown fox jumps over the lazy dog",
      "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592" },
};

START_TEST(sha256_vectors)
{
    char got[65];
    sha_hex(sha_vectors[_i].msg, strlen(sha_vectors[_i].msg), got);
    ck_assert_str_eq(got, sha_vectors[_i].digest);
}
END_TEST

START_TEST(sha256_million_a)
{
    aipi_sha256 h;
    unsigned char digest[32];
    char got[65], block[1000];
    memset(block, 'a', sizeof block);
    aipi_sha256_init(&h);
    for (int i = 0; i < 1000; i++)
        aipi_sha256_update(&h, block, sizeof block);
    aipi_sha256_final(&h, digest);
    hex(digest, 32, got);
    ck_assert_str_eq(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d"
                          "39ccc7112cd0");
}
END_TEST

START_TEST(sha256_incremental_equals_one_shot)
{
    /* Every split of a 200-byte message (crossing block boundaries) gives
     * the digest of the whole. */
    unsigned char msg[200];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 3);
    char whole[65];
    sha_hex(msg, sizeof msg, whole);
    for (size_t cut = 0; cut <= sizeof msg; cut++) {
        aipi_sha256 h;
        unsigned char digest[32];
        char got[65];
        aipi_sha256_init(&h);
        aipi_sha256_update(&h, msg, cut);
        aipi_sha256_update(&h, msg + cut, sizeof msg - cut);
        aipi_sha256_final(&h, digest);
        hex(digest, 32, got);
        ck_assert_msg(strcmp(got, whole) == 0, "split at %zu differs", cut);
    }
}
END_TEST

START_TEST(sha256_padding_boundaries)
{
    /* Lengths 55, 56, 63, 64, 65 exercise the padding edge cases. */
    static const struct {
        size_t n;
        const char *digest;
    } v[] = {
        { 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
        { 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
        { 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
        { 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
        { 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
    };
    char msg[65], got[65];
    memset(msg, 'a', sizeof msg);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sha_hex(msg, v[i].n, got);
        ck_assert_msg(strcmp(got, v[i].digest) == 0, "%zu x 'a': %s",
                      v[i].n, got);
    }
}
END_TEST

/* ======================================================================== */
/* intern map                                                                 */
/* ======================================================================== */

START_TEST(intern_basic)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena arena;
    aipi_arena_init(&arena, &ta.hook);
    aipi_intern m;
    aipi_intern_init(&m, &arena);
    uint32_t v = 77;
    ck_assert_int_eq(aipi_intern_find(&m, "a", 1, &v), -1);
    ck_assert_uint_eq(v, 77);
    ck_assert_int_eq(aipi_intern_add(&m, "alpha", 1), 0);
    ck_assert_int_eq(aipi_intern_add(&m, "beta", 2), 0);
    ck_assert_int_eq(aipi_intern_add(&m, "", 3), 0);
    ck_assert_int_eq(aipi_intern_find(&m, "alpha", 5, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(aipi_intern_find(&m, "beta", 4, &v), 0);
    ck_assert_uint_eq(v, 2);
    ck_assert_int_eq(aipi_intern_find(&m, "", 0, &v), 0);
    ck_assert_uint_eq(v, 3);
    /* lengths are explicit: a prefix or a longer text is another key */
    ck_assert_int_eq(aipi_intern_find(&m, "alphabet", 5, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(aipi_intern_find(&m, "alph", 4, &v), -1);
    ck_assert_int_eq(aipi_intern_find(&m, "alphab", 6, &v), -1);
    ck_assert_int_eq(aipi_intern_find(&m, "gamma", 5, &v), -1);
    /* a duplicate is reported and changes nothing */
    ck_assert_int_eq(aipi_intern_add(&m, "alpha", 99), 1);
    ck_assert_int_eq(aipi_intern_find(&m, "alpha", 5, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(m.count, 3);
    aipi_arena_free(&arena);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(intern_grows_past_1000_keys)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena arena;
    aipi_arena_init(&arena, &ta.hook);
    aipi_intern m;
    aipi_intern_init(&m, &arena);
    enum { N = 5000 };
    const char **keys = malloc(N * sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    for (uint32_t i = 0; i < N; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "key-%u", i);
        keys[i] = aipi_arena_strdup(&arena, buf);
        ck_assert_ptr_nonnull(keys[i]);
        ck_assert_int_eq(aipi_intern_add(&m, keys[i], i * 3), 0);
        /* the load factor stays at most one half */
        ck_assert_uint_le(2 * m.count, m.cap);
    }
    ck_assert_uint_eq(m.count, N);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t v;
        ck_assert_int_eq(aipi_intern_find(&m, keys[i], strlen(keys[i]), &v),
                         0);
        ck_assert_uint_eq(v, i * 3);
        ck_assert_int_eq(aipi_intern_add(&m, keys[i], 0), 1);
    }
    uint32_t v;
    ck_assert_int_eq(aipi_intern_find(&m, "key-5000", 8, &v), -1);
    ck_assert_int_eq(aipi_intern_find(&m, "key-", 4, &v), -1);
    free(keys);
    aipi_arena_free(&arena);
    ck_assert_uint_eq(ta.live_bytes, 0);
}
END_TEST

START_TEST(intern_out_of_memory)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena arena;
    aipi_arena_init(&arena, &ta.hook);
    aipi_intern m;
    aipi_intern_init(&m, &arena);
    test_alloc_fail_after(&ta, 0, 1);
    ck_assert_int_eq(aipi_intern_add(&m, "x", 1), -1);
    test_alloc_disarm(&ta);
    uint32_t v;
    ck_assert_int_eq(aipi_intern_find(&m, "x", 1, &v), -1);
    ck_assert_int_eq(aipi_intern_add(&m, "x", 1), 0);
    ck_assert_int_eq(aipi_intern_find(&m, "x", 1, &v), 0);
    aipi_arena_free(&arena);
    ck_assert_uint_eq(ta.live_bytes, 0);
}
END_TEST

/* ======================================================================== */
/* string buffer, arena, owned strings                                          */
/* ======================================================================== */

START_TEST(strbuf_growth)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_strbuf sb;
    aipi_sb_init(&sb, &ta.hook);
    for (int i = 0; i < 20000; i++)
        aipi_sb_putc(&sb, (char)('a' + i % 26));
    aipi_sb_puts(&sb, "|end");
    aipi_sb_append(&sb, "xyz", 0);
    ck_assert_int_eq(sb.failed, 0);
    ck_assert_uint_eq(sb.len, 20004);
    ck_assert_uint_gt(sb.cap, sb.len);     /* room for the final NUL */
    ck_assert_int_eq(sb.data[0], 'a');
    ck_assert_int_eq(sb.data[26], 'a');
    ck_assert_int_eq(memcmp(sb.data + 20000, "|end", 4), 0);
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(aipi_sb_finish(&sb, &out, &len), AIP_OK);
    ck_assert_uint_eq(len, 20004);
    ck_assert_uint_eq(strlen(out), 20004);
    ck_assert_ptr_null(sb.data);
    aip_string_free(out);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.live_blocks, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(strbuf_printf)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_strbuf sb;
    aipi_sb_init(&sb, &ta.hook);
    aipi_sb_printf(&sb, "%d-%s-%.2f", 42, "x", 1.5);
    /* no NUL until aipi_sb_finish: compare the bytes */
    ck_assert_uint_eq(sb.len, 9);
    ck_assert_int_eq(memcmp(sb.data, "42-x-1.50", 9), 0);
    /* longer than the 256-byte stack buffer of the implementation */
    char big[1000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    aipi_sb_printf(&sb, "[%s]", big);
    ck_assert_uint_eq(sb.len, 9 + 1001);
    ck_assert_int_eq(sb.data[9], '[');
    ck_assert_int_eq(sb.data[9 + 1000], ']');
    aipi_sb_printf(&sb, "%s", "");
    ck_assert_uint_eq(sb.len, 1010);
    char *out;
    size_t len;
    ck_assert_int_eq(aipi_sb_finish(&sb, &out, &len), AIP_OK);
    ck_assert_uint_eq(len, 1010);
    ck_assert_uint_eq(strlen(out), 1010);
    ck_assert_int_eq(strncmp(out, "42-x-1.50[qq", 12), 0);
    aip_string_free(out);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(strbuf_empty_finish)
{
    aipi_strbuf sb;
    aipi_sb_init(&sb, &aipi_default_allocator);
    char *out = NULL;
    size_t len = 99;
    ck_assert_int_eq(aipi_sb_finish(&sb, &out, &len), AIP_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(len, 0);
    aip_string_free(out);
}
END_TEST

START_TEST(strbuf_failure_is_sticky)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_strbuf sb;
    aipi_sb_init(&sb, &ta.hook);
    aipi_sb_puts(&sb, "hello");
    test_alloc_fail_after(&ta, 0, 0);        /* the next growth fails once */
    char big[600];
    memset(big, 'b', sizeof big);
    aipi_sb_append(&sb, big, sizeof big);
    ck_assert_int_eq(sb.failed, 1);
    aipi_sb_puts(&sb, "more");               /* would succeed: ignored */
    aipi_sb_putc(&sb, '!');                  /* the inline paths too */
    ck_assert_uint_eq(sb.len, 5);
    char *out = (char *)0x1;
    size_t len = 77;
    ck_assert_int_eq(aipi_sb_finish(&sb, &out, &len), AIP_ENOMEM);
    ck_assert_ptr_eq(out, (char *)0x1);
    ck_assert_uint_eq(len, 77);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

/* A piece of the buffer copied further on, while the buffer grows (the
 * source moves with it) and after a failure (nothing happens). */
START_TEST(strbuf_append_own)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_strbuf sb;
    aipi_sb_init(&sb, &ta.hook);
    aipi_sb_puts(&sb, "<abc>");
    for (int i = 0; i < 2000; i++)           /* 10 KB: several growths */
        aipi_sb_append_own(&sb, 1, 3);
    ck_assert_int_eq(sb.failed, 0);
    ck_assert_uint_eq(sb.len, 5 + 3 * 2000);
    for (int i = 0; i < 2000; i++)
        ck_assert_int_eq(memcmp(sb.data + 5 + 3 * i, "abc", 3), 0);
    size_t len = sb.len;
    test_alloc_fail_after(&ta, 0, 0);
    aipi_sb_append_own(&sb, 0, sb.cap);      /* cannot fit: fails */
    ck_assert_int_eq(sb.failed, 1);
    aipi_sb_append_own(&sb, 1, 3);           /* sticky */
    ck_assert_uint_eq(sb.len, len);
    aipi_sb_free(&sb);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

/* The inline path of the arena: zero bytes still give distinct aligned
 * pointers, sizes that would wrap are refused without allocating. */
START_TEST(arena_raw_edges)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena a;
    aipi_arena_init(&a, &ta.hook);
    char *p = aipi_arena_alloc_raw(&a, 0), *q = aipi_arena_alloc_raw(&a, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(p, q);
    ck_assert_uint_eq((uintptr_t)q % _Alignof(max_align_t), 0);
    size_t blocks = ta.live_blocks;
    ck_assert_ptr_null(aipi_arena_alloc_raw(&a, SIZE_MAX));
    ck_assert_ptr_null(aipi_arena_alloc_raw(&a, SIZE_MAX - 3));
    ck_assert_ptr_null(aipi_arena_alloc_raw(&a, SIZE_MAX / 2 + 1));
    ck_assert_uint_eq(ta.live_blocks, blocks);
    /* filling chunks one small block at a time: every block distinct */
    char *prev = q;
    for (int i = 0; i < 5000; i++) {
        char *r = aipi_arena_alloc_raw(&a, 24);
        ck_assert_ptr_nonnull(r);
        ck_assert_uint_eq((uintptr_t)r % _Alignof(max_align_t), 0);
        ck_assert_ptr_ne(r, prev);
        memset(r, 7, 24);
        prev = r;
    }
    ck_assert_uint_gt(ta.live_blocks, blocks);
    aipi_arena_free(&a);
    ck_assert_uint_eq(ta.live_bytes, 0);
}
END_TEST

START_TEST(arena_alloc)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena a;
    aipi_arena_init(&a, &ta.hook);
    char *p = aipi_arena_alloc(&a, 10);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(p[i], 0);          /* zeroed, although the test
                                               allocator fills with 0xA5 */
    ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
    char *q = aipi_arena_alloc(&a, 1);
    ck_assert_uint_eq((uintptr_t)q % _Alignof(max_align_t), 0);
    ck_assert_ptr_ne(p, q);
    char *big = aipi_arena_alloc(&a, 100000);   /* larger than a chunk */
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 100000);
    int *arr = aipi_arena_array(&a, 1000, sizeof *arr);
    ck_assert_ptr_nonnull(arr);
    ck_assert_int_eq(arr[999], 0);
    ck_assert_ptr_null(aipi_arena_array(&a, SIZE_MAX / 4, 8));
    char *s = aipi_arena_strndup(&a, "hello world", 5);
    ck_assert_str_eq(s, "hello");
    ck_assert_str_eq(aipi_arena_strdup(&a, "x"), "x");
    ck_assert_ptr_null(aipi_arena_strdup(&a, NULL));
    ck_assert_uint_gt(ta.live_bytes, 100000);
    aipi_arena_free(&a);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.live_blocks, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    /* freeing twice is harmless */
    aipi_arena_free(&a);
}
END_TEST

START_TEST(arena_failure_keeps_arena_usable)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_arena a;
    aipi_arena_init(&a, &ta.hook);
    ck_assert_ptr_nonnull(aipi_arena_alloc(&a, 8));
    test_alloc_fail_after(&ta, 0, 0);
    ck_assert_ptr_null(aipi_arena_alloc(&a, 50000));
    ck_assert_ptr_nonnull(aipi_arena_alloc(&a, 8));   /* the old chunk */
    ck_assert_ptr_nonnull(aipi_arena_alloc(&a, 50000));
    aipi_arena_free(&a);
    ck_assert_uint_eq(ta.live_bytes, 0);
}
END_TEST

START_TEST(owned_string_custom_allocator)
{
    test_alloc ta;
    test_alloc_init(&ta);
    char *s = aipi_owned_string(&ta.hook, "abcdef", 3);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "abc");
    ck_assert_uint_eq(ta.live_blocks, 1);
    aip_string_free(s);                     /* finds its allocator alone */
    ck_assert_uint_eq(ta.live_blocks, 0);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    test_alloc_fail_after(&ta, 0, 0);
    ck_assert_ptr_null(aipi_owned_string(&ta.hook, "x", 1));
    aip_string_free(NULL);
}
END_TEST

START_TEST(allocator_or_default)
{
    ck_assert_ptr_eq(aipi_allocator_or_default(NULL), &aipi_default_allocator);
    aip_allocator empty = { NULL, NULL };
    ck_assert_ptr_eq(aipi_allocator_or_default(&empty),
                     &aipi_default_allocator);
    test_alloc ta;
    test_alloc_init(&ta);
    ck_assert_ptr_eq(aipi_allocator_or_default(&ta.hook), &ta.hook);
    /* calloc refuses an overflowing size without calling the hook */
    size_t before = ta.attempts;
    ck_assert_ptr_null(aipi_calloc(&ta.hook, SIZE_MAX / 2, 4));
    ck_assert_uint_eq(ta.attempts, before);
}
END_TEST

/* ======================================================================== */
/* ydoc                                                                       */
/* ======================================================================== */

typedef struct parsed {
    test_alloc ta;
    ydoc doc;
    aipi_err err;
    int rc;
} parsed;

static void ydoc_parse_text(parsed *p, const char *text, size_t len,
                            const ydoc_limits *limits)
{
    test_alloc_init(&p->ta);
    aipi_err_clear(&p->err);
    p->rc = aipi_ydoc_parse(&p->doc, &p->ta.hook, "mem.yaml", text, len,
                            limits, &p->err);
    if (p->rc != AIP_OK) {
        /* a failed parse leaves nothing allocated */
        ck_assert_msg(p->ta.live_bytes == 0, "failed parse leaks %zu bytes",
                      p->ta.live_bytes);
        ck_assert_uint_eq(p->ta.mismatches, 0);
    }
}

static void ydoc_parse_str(parsed *p, const char *text)
{
    ydoc_parse_text(p, text, strlen(text), NULL);
}

static void parsed_free(parsed *p)
{
    if (p->rc == AIP_OK)
        aipi_ydoc_free(&p->doc);
    ck_assert_uint_eq(p->ta.live_bytes, 0);
    ck_assert_uint_eq(p->ta.mismatches, 0);
}

static const char *node_path(const ydoc_node *n)
{
    static char buf[512];
    aipi_ydoc_path(n, buf, sizeof buf);
    return buf;
}

START_TEST(ydoc_tree_and_positions)
{
    parsed p;
    ydoc_parse_str(&p,
                   "# comment\n"
                   "top:\n"
                   "  list:\n"
                   "    - one\n"
                   "    - {k: 'quoted', n: 12}\n"
                   "  empty: []\n"
                   "other: plain text\n");
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    const ydoc_node *root = p.doc.root;
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(root->kind, YD_MAP);
    ck_assert_uint_eq(root->count, 2);
    ck_assert_str_eq(node_path(root), "/");
    const ydoc_node *top = aipi_ydoc_get(root, "top");
    ck_assert_ptr_nonnull(top);
    ck_assert_int_eq(top->kind, YD_MAP);
    ck_assert_uint_eq(top->line, 3);
    ck_assert_uint_eq(top->column, 3);
    const ydoc_node *list = aipi_ydoc_get(top, "list");
    ck_assert_int_eq(list->kind, YD_SEQ);
    ck_assert_uint_eq(list->count, 2);
    ck_assert_str_eq(node_path(list), "/top/list");
    const ydoc_node *one = list->items[0];
    ck_assert_int_eq(one->kind, YD_SCALAR);
    ck_assert_str_eq(one->str, "one");
    ck_assert_uint_eq(one->len, 3);
    ck_assert_int_eq(one->plain, 1);
    ck_assert_uint_eq(one->line, 4);
    ck_assert_uint_eq(one->column, 7);
    ck_assert_str_eq(node_path(one), "/top/list/0");
    const ydoc_node *m = list->items[1];
    ck_assert_int_eq(m->kind, YD_MAP);
    ck_assert_uint_eq(m->line, 5);
    ck_assert_uint_eq(m->column, 7);
    const ydoc_node *k = aipi_ydoc_get(m, "k");
    ck_assert_str_eq(k->str, "quoted");
    ck_assert_int_eq(k->plain, 0);
    ck_assert_uint_eq(k->column, 11);
    ck_assert_str_eq(node_path(k), "/top/list/1/k");
    ck_assert_str_eq(aipi_ydoc_get(m, "n")->str, "12");
    ck_assert_int_eq(aipi_ydoc_is_scalar(aipi_ydoc_get(m, "n"), "12"), 1);
    ck_assert_int_eq(aipi_ydoc_is_scalar(k, "quoted"), 0);  /* not plain */
    const ydoc_node *empty = aipi_ydoc_get(top, "empty");
    ck_assert_int_eq(empty->kind, YD_SEQ);
    ck_assert_uint_eq(empty->count, 0);
    ck_assert_str_eq(aipi_ydoc_get(root, "other")->str, "plain text");
    ck_assert_ptr_null(aipi_ydoc_get(root, "missing"));
    ck_assert_ptr_null(aipi_ydoc_get(one, "x"));          /* not a mapping */
    ck_assert_ptr_null(aipi_ydoc_get(NULL, "x"));
    /* keys are not nodes of the tree: root, top, list, one, {k, n} (3),
     * empty, other */
    ck_assert_uint_eq(root->weight, 9);
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_empty_document)
{
    parsed p;
    ydoc_parse_str(&p, "# only a comment\n");
    ck_assert_int_eq(p.rc, AIP_OK);
    ck_assert_ptr_null(p.doc.root);
    parsed_free(&p);
    ydoc_parse_text(&p, "", 0, NULL);
    ck_assert_int_eq(p.rc, AIP_OK);
    ck_assert_ptr_null(p.doc.root);
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_json_is_yaml)
{
    parsed p;
    ydoc_parse_str(&p, "{\"a\": [1, 2.5, true, null, \"s\"], \"b\": {}}");
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    const ydoc_node *a = aipi_ydoc_get(p.doc.root, "a");
    ck_assert_uint_eq(a->count, 5);
    ck_assert_str_eq(a->items[1]->str, "2.5");
    ck_assert_int_eq(a->items[4]->plain, 0);
    parsed_free(&p);
}
END_TEST

/* Builds a document nested `depth` collections deep. */
static char *nested(size_t depth)
{
    char *s = malloc(2 * depth + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < depth; i++) {
        s[i] = '[';
        s[2 * depth - 1 - i] = ']';
    }
    s[2 * depth] = '\0';
    return s;
}

START_TEST(ydoc_depth_64_accepted)
{
    char *s = nested(64);
    parsed p;
    ydoc_parse_str(&p, s);
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    parsed_free(&p);
    free(s);
}
END_TEST

START_TEST(ydoc_depth_65_refused)
{
    char *s = nested(65);
    parsed p;
    ydoc_parse_str(&p, s);
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    ck_assert_int_eq(p.err.code, AIP_ELIMIT);
    ck_assert_uint_eq(p.err.line, 1);
    ck_assert_uint_eq(p.err.column, 65);          /* the 65th '[' */
    ck_assert_msg(strstr(p.err.message, "64") != NULL, "%s", p.err.message);
    ck_assert_str_eq(p.err.file, "mem.yaml");
    parsed_free(&p);
    free(s);
}
END_TEST

START_TEST(ydoc_depth_limit_is_configurable)
{
    ydoc_limits lim = aipi_ydoc_default_limits;
    lim.max_depth = 3;
    parsed p;
    ydoc_parse_text(&p, "a: {b: [1]}", 11, &lim);
    ck_assert_int_eq(p.rc, AIP_OK);
    parsed_free(&p);
    ydoc_parse_text(&p, "a: {b: [[1]]}", 13, &lim);
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    parsed_free(&p);
}
END_TEST

/* "Billion laughs": `levels` levels of `fan` aliases each. */
static char *alias_bomb(int levels, int fan)
{
    size_t cap = 64 + (size_t)levels * ((size_t)fan * 6 + 32);
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t n = (size_t)snprintf(s, cap, "a0: &a0 [lol");
    for (int i = 1; i < fan; i++)
        n += (size_t)snprintf(s + n, cap - n, ", lol");
    n += (size_t)snprintf(s + n, cap - n, "]\n");
    for (int l = 1; l < levels; l++) {
        n += (size_t)snprintf(s + n, cap - n, "a%d: &a%d [*a%d", l, l, l - 1);
        for (int i = 1; i < fan; i++)
            n += (size_t)snprintf(s + n, cap - n, ", *a%d", l - 1);
        n += (size_t)snprintf(s + n, cap - n, "]\n");
    }
    return s;
}

START_TEST(ydoc_alias_bomb_refused_quickly)
{
    char *s = alias_bomb(10, 10);       /* 10^10 nodes once expanded */
    parsed p;
    double t0 = test_now();
    ydoc_parse_str(&p, s);
    double dt = test_now() - t0;
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    ck_assert_msg(strstr(p.err.message, "1000000") != NULL, "%s",
                  p.err.message);
    ck_assert_uint_ge(p.err.line, 2);
    ck_assert_uint_le(p.err.line, 10);
    ck_assert_msg(dt < 1.0, "refusing the alias bomb took %.3f s", dt);
    /* nothing was expanded: far less memory than the expansion needs */
    ck_assert_uint_lt(p.ta.peak_bytes, 4u * 1024 * 1024);
    parsed_free(&p);
    free(s);
}
END_TEST

START_TEST(ydoc_aliases_within_limits_are_shared)
{
    parsed p;
    ydoc_parse_str(&p, "base: &b {x: 1, y: 2}\nuse: [*b, *b, *b]\n");
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    const ydoc_node *base = aipi_ydoc_get(p.doc.root, "base");
    const ydoc_node *use = aipi_ydoc_get(p.doc.root, "use");
    ck_assert_uint_eq(use->count, 3);
    ck_assert_ptr_eq(use->items[0], base);
    ck_assert_ptr_eq(use->items[2], base);
    ck_assert_uint_eq(base->weight, 3);
    ck_assert_uint_eq(use->weight, 1 + 3 * 3);
    /* the first parent is kept for paths */
    ck_assert_str_eq(node_path(use->items[1]), "/base");
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_node_limit_counts_expansion)
{
    ydoc_limits lim = aipi_ydoc_default_limits;
    lim.max_nodes = 20;
    parsed p;
    /* root, key b, [1, 2, 3] (4), key u, [...]: 1 + 1 + 4 + 1 + 1, then
     * each alias of b counts its 4 nodes again: 16 with two, 24 with four */
    ydoc_parse_text(&p, "b: &b [1, 2, 3]\nu: [*b, *b]\n", 27, &lim);
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    parsed_free(&p);
    ydoc_parse_text(&p, "b: &b [1, 2, 3]\nu: [*b, *b, *b, *b]\n", 35, &lim);
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_many_keys_quickly)
{
    /* Duplicate keys must be found without comparing every pair: a
     * mapping of 50,000 keys (1.1 MB, far within the limits) must not take
     * seconds, or any profile or knowledge file is a denial of service. */
    enum { N = 50000 };
    size_t cap = (size_t)N * 16 + 64, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(s + len, cap - len, "k%07d: 1\n", i);
    parsed p;
    double t0 = test_now();
    ydoc_parse_text(&p, s, len, NULL);
    double dt = test_now() - t0;
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    ck_assert_uint_eq(p.doc.root->count, N);
    parsed_free(&p);
    const char *pre = getenv("LD_PRELOAD");
    int valgrind = pre && strstr(pre, "vgpreload");
    if (dt < 3.0 || valgrind) {
        /* a duplicate at the very end is still found */
        len += (size_t)snprintf(s + len, cap - len, "k%07d: 2\n", 123);
        ydoc_parse_text(&p, s, len, NULL);
        ck_assert_int_eq(p.rc, AIP_EYAML);
        ck_assert_uint_eq(p.err.line, N + 1);
        parsed_free(&p);
    }
    free(s);
    ck_assert_msg(dt < 3.0 || valgrind, "reading %d keys took %.2f s", N, dt);
}
END_TEST

START_TEST(ydoc_unknown_alias)
{
    parsed p;
    ydoc_parse_str(&p, "a: *nothing\n");
    ck_assert_int_ne(p.rc, AIP_OK);
    ck_assert_uint_eq(p.err.line, 1);
    parsed_free(&p);
}
END_TEST

static char *long_scalar_doc(size_t n)
{
    char *s = malloc(n + 16);
    ck_assert_ptr_nonnull(s);
    memcpy(s, "k: ", 3);
    memset(s + 3, 'x', n);
    strcpy(s + 3 + n, "\n");
    return s;
}

START_TEST(ydoc_scalar_64k_accepted)
{
    char *s = long_scalar_doc(64 * 1024);
    parsed p;
    ydoc_parse_str(&p, s);
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    ck_assert_uint_eq(aipi_ydoc_get(p.doc.root, "k")->len, 64 * 1024);
    parsed_free(&p);
    free(s);
}
END_TEST

START_TEST(ydoc_scalar_over_64k_refused)
{
    char *s = long_scalar_doc(64 * 1024 + 1);
    parsed p;
    ydoc_parse_str(&p, s);
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    ck_assert_uint_eq(p.err.line, 1);
    ck_assert_uint_eq(p.err.column, 4);
    ck_assert_msg(strstr(p.err.message, "scalar") != NULL, "%s",
                  p.err.message);
    parsed_free(&p);
    free(s);
}
END_TEST

START_TEST(ydoc_document_size_limit)
{
    ydoc_limits lim = aipi_ydoc_default_limits;
    lim.max_bytes = 10;
    parsed p;
    ydoc_parse_text(&p, "a: 1234567", 10, &lim);
    ck_assert_int_eq(p.rc, AIP_OK);
    parsed_free(&p);
    ydoc_parse_text(&p, "a: 12345678", 11, &lim);
    ck_assert_int_eq(p.rc, AIP_ELIMIT);
    ck_assert_msg(strstr(p.err.message, "too large") != NULL, "%s",
                  p.err.message);
    parsed_free(&p);
}
END_TEST

static const struct {
    const char *name, *text;
    int code;
    unsigned line, column;
    const char *word;
} ydoc_errors[] = {
    { "duplicate key", "a: 1\nb: 2\na: 3\n", AIP_EYAML, 3, 1, "duplicate" },
    { "duplicate nested key", "x:\n  k: 1\n  k: 2\n", AIP_EYAML, 3, 3,
      "duplicate" },
    { "duplicate key in flow", "x: {k: 1, k: 2}\n", AIP_EYAML, 1, 11,
      "duplicate" },
    { "merge key", "base: &b {x: 1}\nd:\n  <<: *b\n", AIP_EYAML, 3, 3,
      "merge" },
    { "two documents", "a: 1\n---\nb: 2\n", AIP_EYAML, 2, 1, "one document" },
    { "two explicit documents", "--- 1\n--- 2\n", AIP_EYAML, 2, 1,
      "one document" },
    { "explicit tag", "a: !!int 3\n", AIP_EYAML, 1, 4, "tag" },
    { "local tag", "a: !mine x\n", AIP_EYAML, 1, 4, "tag" },
    { "tag on a mapping", "a: !!map {x: 1}\n", AIP_EYAML, 1, 4, "tag" },
    { "key that is a mapping", "? {a: 1}\n: x\n", AIP_EYAML, 1, 3, "key" },
    { "unclosed flow", "a: [1, 2\n", AIP_EYAML, 2, 1, "flow" },
    { "bad indentation", "a:\n  b: 1\n c: 2\n", AIP_EYAML, 3, 2, "" },
    { "tab indentation", "a:\n\tb: 1\n", AIP_EYAML, 2, 1, "token" },
    { "NUL in a scalar", "a: \"x\\0y\"\n", AIP_EYAML, 1, 4, "NUL" },
};

START_TEST(ydoc_error_positions)
{
    parsed p;
    ydoc_parse_str(&p, ydoc_errors[_i].text);
    const char *name = ydoc_errors[_i].name;
    ck_assert_msg(p.rc == ydoc_errors[_i].code, "%s: rc %d (%s)", name, p.rc,
                  p.err.message);
    ck_assert_int_eq(p.err.code, p.rc);
    ck_assert_msg(p.err.line == ydoc_errors[_i].line
                      && p.err.column == ydoc_errors[_i].column,
                  "%s: at %u:%u, expected %u:%u (%s)", name, p.err.line,
                  p.err.column, ydoc_errors[_i].line, ydoc_errors[_i].column,
                  p.err.message);
    ck_assert_msg(strstr(p.err.message, ydoc_errors[_i].word) != NULL,
                  "%s: message '%s' lacks '%s'", name, p.err.message,
                  ydoc_errors[_i].word);
    ck_assert_str_eq(p.err.file, "mem.yaml");
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_invalid_utf8_position)
{
    /* The bad byte is on line 3, column 8: the error must say so (libyaml
     * reports reader errors by offset, not by mark). */
    static const char text[] = "a: 1\nb: 2\nc: abc\xff" "def\n";
    parsed p;
    ydoc_parse_text(&p, text, sizeof text - 1, NULL);
    ck_assert_int_eq(p.rc, AIP_EYAML);
    ck_assert_msg(strstr(p.err.message, "UTF-8") != NULL, "%s",
                  p.err.message);
    ck_assert_msg(p.err.line == 3 && p.err.column == 7,
                  "invalid UTF-8 reported at %u:%u, expected 3:7",
                  p.err.line, p.err.column);
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_quoted_merge_key_is_a_key)
{
    /* Only the plain "<<" is the merge key; a quoted one is an ordinary
     * key. */
    parsed p;
    ydoc_parse_str(&p, "\"<<\": 1\n");
    ck_assert_msg(p.rc == AIP_OK, "%s", p.err.message);
    ck_assert_str_eq(aipi_ydoc_get(p.doc.root, "<<")->str, "1");
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_fail_records_node_position)
{
    parsed p;
    ydoc_parse_str(&p, "a:\n  b: [x, y]\n");
    ck_assert_int_eq(p.rc, AIP_OK);
    const ydoc_node *y = aipi_ydoc_get(aipi_ydoc_get(p.doc.root, "a"),
                                       "b")->items[1];
    aipi_err e;
    aipi_err_clear(&e);
    ck_assert_int_eq(aipi_ydoc_fail(&e, &p.doc, y, AIP_ESCHEMA, "bad %s",
                                    "y"),
                     AIP_ESCHEMA);
    ck_assert_int_eq(e.code, AIP_ESCHEMA);
    ck_assert_str_eq(e.message, "bad y");
    ck_assert_str_eq(e.file, "mem.yaml");
    ck_assert_str_eq(e.path, "/a/b/1");
    ck_assert_uint_eq(e.line, 2);
    ck_assert_uint_eq(e.column, 10);
    /* the first error wins */
    aipi_ydoc_fail(&e, &p.doc, p.doc.root, AIP_EDUPLICATE, "other");
    ck_assert_int_eq(e.code, AIP_ESCHEMA);
    ck_assert_str_eq(e.path, "/a/b/1");
    parsed_free(&p);
}
END_TEST

START_TEST(ydoc_read_file)
{
    char *dir = test_tmpdir_new();
    const char *path = test_fmt("%s/f.yaml", dir);
    ck_assert_int_eq(test_write_string(path, "a: 1\n"), 0);
    test_alloc ta;
    test_alloc_init(&ta);
    aipi_err e;
    aipi_err_clear(&e);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(aipi_read_file(&ta.hook, path, &data, &len, &e), AIP_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(data, "a: 1\n");
    aipi_free(&ta.hook, data, len + 1);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    /* a missing file */
    aipi_err_clear(&e);
    data = (char *)0x1;
    ck_assert_int_eq(aipi_read_file(&ta.hook, test_fmt("%s/none.yaml", dir),
                                    &data, &len, &e),
                     AIP_EIO);
    ck_assert_ptr_eq(data, (char *)0x1);
    ck_assert_int_eq(e.code, AIP_EIO);
    ck_assert_str_eq(e.file, test_fmt("%s/none.yaml", dir));
    ck_assert_uint_eq(ta.live_bytes, 0);
    /* a larger file, read in several steps */
    size_t big = 100000;
    char *content = malloc(big);
    for (size_t i = 0; i < big; i++)
        content[i] = (char)('a' + i % 26);
    ck_assert_int_eq(test_write_file(path, content, big), 0);
    aipi_err_clear(&e);
    ck_assert_int_eq(aipi_read_file(&ta.hook, path, &data, &len, &e), AIP_OK);
    ck_assert_uint_eq(len, big);
    ck_assert_int_eq(memcmp(data, content, big), 0);
    ck_assert_int_eq(data[big], '\0');
    aipi_free(&ta.hook, data, len + 1);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    free(content);
    test_tmpdir_remove(dir);
}
END_TEST

/* ======================================================================== */
/* numbers                                                                     */
/* ======================================================================== */

static const struct {
    const char *text;
    double value;
} good_numbers[] = {
    { "0", 0 },           { "1", 1 },          { "-1", -1 },
    { "+2", 2 },          { "1.5", 1.5 },      { "-0.25", -0.25 },
    { "3e24", 3e24 },     { "1E-3", 1e-3 },    { "1e+3", 1e3 },
    { ".5", 0.5 },        { "5.", 5 },         { "007", 7 },
    { "35000000", 35000000 },
    { "1.7976931348623157e308", 1.7976931348623157e308 },
};

START_TEST(number_valid)
{
    double v = -999;
    const char *s = good_numbers[_i].text;
    ck_assert_msg(aipi_parse_number(s, strlen(s), &v) == 0, "'%s' refused",
                  s);
    ck_assert_msg(v == good_numbers[_i].value, "'%s' read as %.17g", s, v);
}
END_TEST

static const char *const bad_numbers[] = {
    "", " 1", "1 ", "0x10", "0X1A", "inf", "-inf", "nan", "NaN", "infinity",
    "1.2.3", "1e999", "-1e999", "abc", "1,5", "1_000", "e5", "--1", "+-1",
    "1e", ".", "-", "1d", "\xef\xbc\x91", "1\n",
};

START_TEST(number_invalid)
{
    double v = 42;
    const char *s = bad_numbers[_i];
    ck_assert_msg(aipi_parse_number(s, strlen(s), &v) != 0,
                  "'%s' must be refused", s);
    ck_assert_msg(v == 42, "'%s': out parameter written", s);
}
END_TEST

START_TEST(number_length)
{
    double v;
    char buf[80];
    memset(buf, '1', sizeof buf);
    ck_assert_int_eq(aipi_parse_number(buf, 64, &v), 0);   /* 64 digits */
    ck_assert_int_ne(aipi_parse_number(buf, 65, &v), 0);   /* too long */
    /* the length is explicit: "12" of "123" */
    ck_assert_int_eq(aipi_parse_number("123", 2, &v), 0);
    ck_assert(v == 12);
}
END_TEST

/* ======================================================================== */
/* error records                                                               */
/* ======================================================================== */

START_TEST(err_first_wins_and_export)
{
    aipi_err e;
    aipi_err_clear(&e);
    ck_assert_int_eq(e.code, AIP_OK);
    ck_assert_int_eq(aipi_err_set(&e, AIP_ESCHEMA, "first %d", 1),
                     AIP_ESCHEMA);
    ck_assert_int_eq(aipi_err_set(&e, AIP_ENOMEM, "second"), AIP_ENOMEM);
    ck_assert_int_eq(e.code, AIP_ESCHEMA);
    ck_assert_str_eq(e.message, "first 1");
    aipi_err_at(&e, "f.yaml", 3, 4, "/x");
    aipi_err_at(&e, "g.yaml", 5, 6, "/y");          /* ignored */
    test_alloc ta;
    test_alloc_init(&ta);
    aip_error *out = NULL;
    ck_assert_int_eq(aipi_err_export(&e, &ta.hook, &out), AIP_ESCHEMA);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(aip_error_code(out), AIP_ESCHEMA);
    ck_assert_str_eq(aip_error_message(out), "first 1");
    ck_assert_str_eq(aip_error_file(out), "f.yaml");
    ck_assert_str_eq(aip_error_path(out), "/x");
    ck_assert_uint_eq(aip_error_line(out), 3);
    ck_assert_uint_eq(aip_error_column(out), 4);
    aip_error_free(out);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    /* no place to put it */
    ck_assert_int_eq(aipi_err_export(&e, &ta.hook, NULL), AIP_ESCHEMA);
    ck_assert_uint_eq(ta.attempts, 1);
    /* the error object itself cannot be allocated: a static one */
    test_alloc_fail_after(&ta, 0, 1);
    out = NULL;
    ck_assert_int_eq(aipi_err_export(&e, &ta.hook, &out), AIP_ESCHEMA);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(aip_error_code(out), AIP_ENOMEM);
    aip_error_free(out);                              /* a no-op */
    ck_assert_uint_eq(ta.live_bytes, 0);
}
END_TEST

START_TEST(err_long_texts_truncated)
{
    char big[2000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    aipi_err e;
    aipi_err_clear(&e);
    aipi_err_set(&e, AIP_ESCHEMA, "%s", big);
    aipi_err_at(&e, big, 1, 1, big);
    ck_assert_uint_eq(strlen(e.message), AIPI_ERR_MSG - 1);
    ck_assert_uint_eq(strlen(e.file), AIPI_ERR_FILE - 1);
    ck_assert_uint_eq(strlen(e.path), AIPI_ERR_PATH - 1);
}
END_TEST

/* ---- pre-rendered JSON (json_out.c) ------------------------------------ */

/* The compact writer copies parts rendered at load; the byte-for-byte
 * reference is the same writer rendering everything on the spot. Every
 * example profile, two dates (before and after most application dates),
 * both languages. */
START_TEST(json_fragments_match_writer)
{
    aip_error *err = NULL;
    aip_kb *kb = NULL;
    ck_assert_msg(aip_kb_load_path(NULL, test_datadir(), &kb, &err) == AIP_OK,
                  "%s", test_error_str(err));
    size_t n = 0;
    char **files = test_list_dir(test_path("examples/profiles"), ".yaml", &n);
    ck_assert_uint_gt(n, 20);
    static const char *const dates[] = { "2025-06-01", "2027-12-02" };
    static const char *const langs[] = { "en", "fr" };
    size_t compared = 0;
    for (size_t i = 0; i < n; i++) {
        char *text = test_read_file(files[i], NULL);
        ck_assert_ptr_nonnull(text);
        for (int d = 0; d < 2; d++) {
            aip_result *r = test_classify(kb, text, dates[d], &err);
            ck_assert_msg(r != NULL, "%s: %s", files[i], test_error_str(err));
            for (int l = 0; l < 2; l++) {
                char *fast = NULL, *slow = NULL;
                size_t nfast = 0, nslow = 0;
                ck_assert_int_eq(aipi_json_write(r, langs[l], 0, 1, &fast,
                                                 &nfast), AIP_OK);
                ck_assert_int_eq(aipi_json_write(r, langs[l], 0, 0, &slow,
                                                 &nslow), AIP_OK);
                ck_assert_msg(nfast == nslow && memcmp(fast, slow, nslow) == 0,
                              "%s %s %s: outputs differ", files[i], dates[d],
                              langs[l]);
                aip_string_free(fast);
                aip_string_free(slow);
                compared++;
            }
            aip_result_free(r);
        }
        free(text);
    }
    ck_assert_uint_eq(compared, n * 4);
    test_free_list(files, n);
    aip_kb_release(kb);
}
END_TEST

/* ---- per-version plans (plan.c) ------------------------------------------ */

/* Position of rule `id` in plan p, or -1 when it is not law there. */
static int plan_find(const aipi_regulation *reg, const aipi_plan *p,
                     const char *id)
{
    for (uint32_t j = 0; j < p->nrules; j++)
        if (strcmp(reg->rules[p->rules[j].rule].id, id) == 0)
            return (int)j;
    return -1;
}

/* The trigger of obligation `ob` by the rule at position j. */
static const aipi_trigger *plan_trigger(const aipi_regulation *reg,
                                        const aipi_plan *p, int j,
                                        const char *ob)
{
    ck_assert_int_ge(j, 0);
    const aipi_plan_rule *pr = &p->rules[j];
    for (uint32_t k = 0; k < pr->ntriggers; k++) {
        const aipi_trigger *t = &p->triggers[pr->first_trigger + k];
        if (strcmp(reg->obligations[t->obligation].id, ob) == 0)
            return t;
    }
    ck_abort_msg("%s does not trigger %s", reg->rules[pr->rule].id, ob);
    return NULL;
}

/* tests/fixtures/toy.yaml: v1 and v2 differ by an amended rule, an
 * obligation date per version and obligations in law in one version. */
START_TEST(plan_per_version)
{
    aip_error *err = NULL;
    aip_kb *kb = NULL;
    ck_assert_msg(aip_kb_load_path(NULL, test_path("tests/fixtures/toy.yaml"),
                                   &kb, &err) == AIP_OK,
                  "%s", test_error_str(err));
    const aipi_regulation *reg = &kb->regs[0];
    ck_assert_uint_eq(reg->nversions, 2);
    const aipi_plan *v1 = &reg->plans[0], *v2 = &reg->plans[1];
    ck_assert_uint_eq(v1->nrules, reg->nrules - 1);
    ck_assert_uint_eq(v2->nrules, reg->nrules - 1);
    ck_assert_int_ge(plan_find(reg, v1, "toy-label-old"), 0);
    ck_assert_int_eq(plan_find(reg, v1, "toy-label-new"), -1);
    ck_assert_int_eq(plan_find(reg, v2, "toy-label-old"), -1);
    ck_assert_int_ge(plan_find(reg, v2, "toy-label-new"), 0);
    /* declaration order kept */
    ck_assert_int_lt(plan_find(reg, v2, "toy-in"),
                     plan_find(reg, v2, "toy-legacy"));
    /* the two raisers, first in line; the dimension reader is impure */
    ck_assert_uint_eq(v1->nraisers, 2);
    ck_assert_int_eq((int)v1->raisers[0], plan_find(reg, v1, "toy-advanced"));
    ck_assert_int_eq((int)v1->raisers[1], plan_find(reg, v1, "toy-big"));
    ck_assert_int_eq(
        kb->sweep.pure[v1->rules[plan_find(reg, v1, "toy-mid-duties")].when], 0);
    ck_assert_int_eq(kb->sweep.pure[v1->rules[plan_find(reg, v1, "toy-in")].when],
                     1);
    ck_assert_uint_eq(v1->nscope, 2);
    /* an obligation date per version */
    ck_assert_str_eq(plan_trigger(reg, v1, plan_find(reg, v1, "toy-mid-duties"),
                                  "toy-register")->from_str, "2020-06-01");
    ck_assert_str_eq(plan_trigger(reg, v2, plan_find(reg, v2, "toy-mid-duties"),
                                  "toy-register")->from_str, "2023-01-01");
    /* the rule's override wins over the obligation's own date */
    const aipi_trigger *t = plan_trigger(reg, v1,
                                         plan_find(reg, v1, "toy-legacy"),
                                         "toy-report");
    ck_assert_str_eq(t->from_str, "2023-01-01");
    ck_assert_str_eq(reg->rules[t->rule].id, "toy-legacy");
    /* never before the rule itself applies */
    int j = plan_find(reg, v2, "toy-label-new");
    ck_assert_str_eq(v2->rules[j].from_str, "2022-06-01");
    ck_assert_int_ge(plan_trigger(reg, v2, j, "toy-label-v2")->from,
                     v2->rules[j].from);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */

static Suite *unit_suite(void)
{
    Suite *s = suite_create("unit");
    TCase *tc;

    tc = tcase_create("date");
    tcase_add_loop_test(tc, date_valid, 0,
                        (int)(sizeof valid_dates / sizeof valid_dates[0]));
    tcase_add_loop_test(tc, date_invalid, 0,
                        (int)(sizeof invalid_dates / sizeof invalid_dates[0]));
    tcase_add_test(tc, date_length_is_explicit);
    tcase_add_test(tc, date_epoch_and_order);
    tcase_add_test(tc, date_round_trip_every_day);
    tcase_add_test(tc, date_today_is_plausible);
    suite_add_tcase(s, tc);

    tc = tcase_create("sha256");
    tcase_add_loop_test(tc, sha256_vectors, 0,
                        (int)(sizeof sha_vectors / sizeof sha_vectors[0]));
    tcase_add_test(tc, sha256_million_a);
    tcase_add_test(tc, sha256_incremental_equals_one_shot);
    tcase_add_test(tc, sha256_padding_boundaries);
    suite_add_tcase(s, tc);

    tc = tcase_create("intern");
    tcase_add_test(tc, intern_basic);
    tcase_add_test(tc, intern_grows_past_1000_keys);
    tcase_add_test(tc, intern_out_of_memory);
    suite_add_tcase(s, tc);

    tc = tcase_create("memory");
    tcase_add_test(tc, strbuf_growth);
    tcase_add_test(tc, strbuf_printf);
    tcase_add_test(tc, strbuf_empty_finish);
    tcase_add_test(tc, strbuf_failure_is_sticky);
    tcase_add_test(tc, strbuf_append_own);
    tcase_add_test(tc, arena_raw_edges);
    tcase_add_test(tc, arena_alloc);
    tcase_add_test(tc, arena_failure_keeps_arena_usable);
    tcase_add_test(tc, owned_string_custom_allocator);
    tcase_add_test(tc, allocator_or_default);
    suite_add_tcase(s, tc);

    tc = tcase_create("ydoc");
    tcase_add_test(tc, ydoc_tree_and_positions);
    tcase_add_test(tc, ydoc_empty_document);
    tcase_add_test(tc, ydoc_json_is_yaml);
    tcase_add_test(tc, ydoc_depth_64_accepted);
    tcase_add_test(tc, ydoc_depth_65_refused);
    tcase_add_test(tc, ydoc_depth_limit_is_configurable);
    tcase_add_test(tc, ydoc_alias_bomb_refused_quickly);
    tcase_add_test(tc, ydoc_aliases_within_limits_are_shared);
    tcase_add_test(tc, ydoc_node_limit_counts_expansion);
    tcase_add_test(tc, ydoc_many_keys_quickly);
    tcase_add_test(tc, ydoc_unknown_alias);
    tcase_add_test(tc, ydoc_scalar_64k_accepted);
    tcase_add_test(tc, ydoc_scalar_over_64k_refused);
    tcase_add_test(tc, ydoc_document_size_limit);
    tcase_add_loop_test(tc, ydoc_error_positions, 0,
                        (int)(sizeof ydoc_errors / sizeof ydoc_errors[0]));
    tcase_add_test(tc, ydoc_invalid_utf8_position);
    tcase_add_test(tc, ydoc_quoted_merge_key_is_a_key);
    tcase_add_test(tc, ydoc_fail_records_node_position);
    tcase_add_test(tc, ydoc_read_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("number");
    tcase_add_loop_test(tc, number_valid, 0,
                        (int)(sizeof good_numbers / sizeof good_numbers[0]));
    tcase_add_loop_test(tc, number_invalid, 0,
                        (int)(sizeof bad_numbers / sizeof bad_numbers[0]));
    tcase_add_test(tc, number_length);
    suite_add_tcase(s, tc);

    tc = tcase_create("error");
    tcase_add_test(tc, err_first_wins_and_export);
    tcase_add_test(tc, err_long_texts_truncated);
    suite_add_tcase(s, tc);

    tc = tcase_create("plan");
    tcase_add_test(tc, plan_per_version);
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_add_test(tc, json_fragments_match_writer);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(unit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
