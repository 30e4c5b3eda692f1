#!/bin/sh
# tests/check-exports.sh - the shared library exports the public API and
# nothing else:
#   - every exported (defined, global) dynamic symbol starts with aip_;
#   - at least one aip_ symbol is exported;
#   - every function declared AIP_API in include/aipolicy.h is exported.
# Exit status: 0 pass, 1 fail, 77 skip (no shared library was built).

srcdir=${AIP_TEST_SRCDIR:-.}
builddir=${AIP_TEST_BUILDDIR:-.}
nm=${NM:-nm}
so=$builddir/lib/.libs/libaipolicy.so
header=$srcdir/include/aipolicy.h
me=check-exports

if test ! -f "$so"; then
    if test -f "$builddir/lib/.libs/libaipolicy.a"; then
        echo "$me: SKIP: no shared library (configured with --disable-shared?)"
        exit 77
    fi
    echo "$me: FAIL: $so not found"
    exit 1
fi
if test ! -f "$header"; then
    echo "$me: FAIL: $header not found"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aip-exports.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Dynamic symbols defined by the library. Types: T text, D data, B bss,
# R read-only data, plus the other global kinds (W/V weak, G/S small data,
# i ifunc, u unique).
if ! $nm -D --defined-only "$so" > "$tmp/nm.out"; then
    echo "$me: FAIL: $nm -D --defined-only $so failed"
    exit 1
fi
awk 'NF >= 3 && $2 ~ /^[TDBRWVGSiu]$/ { print $3 }' "$tmp/nm.out" \
    | sed 's/@.*//' | LC_ALL=C sort -u > "$tmp/exported"

# Function names declared with AIP_API (the name is the identifier just
# before the first "(", which may be on a following line).
awk '
    /^[ \t]*AIP_API[ \t]/ { buf = $0; on = 1 }
    on && !/^[ \t]*AIP_API[ \t]/ { buf = buf " " $0 }
    on && index(buf, "(") {
        sub(/\(.*/, "", buf)
        n = split(buf, w, /[^A-Za-z0-9_]+/)
        while (n > 0 && w[n] == "") n--
        if (n > 0) print w[n]
        on = 0
    }
' "$header" | LC_ALL=C sort -u > "$tmp/declared"

status=0

grep -v '^aip_' "$tmp/exported" > "$tmp/foreign"
if test -s "$tmp/foreign"; then
    echo "$me: FAIL: exported symbols without the aip_ prefix:"
    sed 's/^/    /' "$tmp/foreign"
    status=1
fi

grep '^aip_' "$tmp/exported" > "$tmp/ours"
nexported=$(wc -l < "$tmp/ours" | tr -d ' ')
if test "$nexported" -eq 0; then
    echo "$me: FAIL: no aip_ symbol is exported by $so"
    status=1
fi

ndeclared=$(wc -l < "$tmp/declared" | tr -d ' ')
if test "$ndeclared" -eq 0; then
    echo "$me: FAIL: found no AIP_API function in $header"
    status=1
fi

LC_ALL=C comm -23 "$tmp/declared" "$tmp/ours" > "$tmp/missing"
if test -s "$tmp/missing"; then
    echo "$me: FAIL: declared AIP_API in aipolicy.h but not exported:"
    sed 's/^/    /' "$tmp/missing"
    status=1
fi

# Not an error: exported aip_ symbols the header does not declare.
LC_ALL=C comm -13 "$tmp/declared" "$tmp/ours" > "$tmp/extra"
if test -s "$tmp/extra"; then
    echo "$me: note: exported but not declared AIP_API in aipolicy.h:"
    sed 's/^/    /' "$tmp/extra"
fi

if test $status -eq 0; then
    echo "$me: PASS: $nexported symbols exported, all aip_*; all $ndeclared AIP_API functions present"
else
    echo "$me: FAIL: $nexported aip_ symbols exported, $ndeclared AIP_API functions declared"
fi
exit $status
