#!/bin/sh
# tests/check-man.sh - the man pages render cleanly and say what the code
# does:
#   - groff renders each page with every warning enabled (-ww) and prints
#     nothing; "man -l --warnings" (man-db) agrees, at 80 columns;
#   - the sources are plain ASCII (accents are written as roff escapes, so
#     the pages render the same whatever the locale);
#   - aipolicy.3 mirrors include/aipolicy.h: every AIP_API function is in
#     it, and every aip_*() it mentions is declared there;
#   - aipolicy.1 names every command tools/aipolicy.c dispatches, and the
#     exit codes 0 to 4.
# Exit status: 0 pass, 1 fail, 77 skip (groff not installed).

srcdir=${AIP_TEST_SRCDIR:-.}
me=check-man
pages="aipolicy.1 aipolicy.3 aipolicy-knowledge.5"

if ! command -v groff > /dev/null 2>&1; then
    echo "$me: SKIP: groff is not installed (apt-get install groff-base)"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aip-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

fail() {
    echo "$me: FAIL: $*"
    status=1
}

# Prints the file's lines (with a prefix) and fails when it is not empty.
fail_if_output() {  # WHAT FILE
    if test -s "$2"; then
        fail "$1:"
        sed 's/^/    /' "$2"
    fi
}

for p in $pages; do
    f=$srcdir/doc/$p
    if test ! -f "$f"; then
        fail "$f is missing"
        continue
    fi
    LC_ALL=C.UTF-8 groff -t -man -Tutf8 -ww -z "$f" > "$tmp/groff" 2>&1
    fail_if_output "groff -ww $p" "$tmp/groff"
    if command -v man > /dev/null 2>&1; then
        LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings -E UTF-8 "$f" \
            2> "$tmp/man" > "$tmp/rendered"
        fail_if_output "man --warnings $p" "$tmp/man"
        grep -q NAME "$tmp/rendered" || fail "man -l $p rendered no NAME"
    fi
    LC_ALL=C grep -n "$(printf '[\200-\377]')" "$f" > "$tmp/ascii"
    fail_if_output "non-ASCII bytes in $p (use roff escapes)" "$tmp/ascii"
done

# The functions the header declares AIP_API (as tests/check-exports.sh
# reads them) and the aip_ functions the page calls or lists.
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
' "$srcdir/include/aipolicy.h" | LC_ALL=C sort -u > "$tmp/declared"
grep -o 'aip_[a-z0-9_]*[ ]*(' "$srcdir/doc/aipolicy.3" \
    | sed 's/[ (]*$//' | LC_ALL=C sort -u > "$tmp/documented"
LC_ALL=C comm -23 "$tmp/declared" "$tmp/documented" > "$tmp/undocumented"
fail_if_output "AIP_API functions missing from aipolicy.3" "$tmp/undocumented"
LC_ALL=C comm -13 "$tmp/declared" "$tmp/documented" > "$tmp/invented"
fail_if_output "aipolicy.3 names functions aipolicy.h does not declare" \
    "$tmp/invented"
test -s "$tmp/declared" || fail "no AIP_API function found in aipolicy.h"

for c in $(sed -n 's/.*strcmp(cmd, "\([a-z]*\)").*/\1/p' \
               "$srcdir/tools/aipolicy.c"); do
    grep -q "^\\.B $c\$" "$srcdir/doc/aipolicy.1" \
        || fail "aipolicy.1 does not document the command '$c'"
done
for code in 0 1 2 3 4; do
    grep -q "^\\.B $code\$" "$srcdir/doc/aipolicy.1" \
        || fail "aipolicy.1 does not document exit status $code"
done

if test $status -eq 0; then
    echo "$me: PASS: $pages render without warnings;" \
         "$(wc -l < "$tmp/declared" | tr -d ' ') API functions documented"
fi
exit $status
