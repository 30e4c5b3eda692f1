#!/bin/sh
# bindings/test-identity.sh - the cross-language identity test.
#
# Classifies every examples/profiles/*.yaml on a fixed date (2027-12-02), in
# English and in French, through C (tools/aipolicy classify --json), Python,
# Node and Rust (each binding's example program with --json), and checks that
# the four JSON outputs are byte-identical for every profile and language.
# All use the pretty layout (AIP_JSON_PRETTY), the default of each.
#
# Environment (defaults suit an in-tree build):
#   AIP_TEST_SRCDIR, AIP_TEST_BUILDDIR   source and build trees
#   AIPOLICY_LIB     the shared library (default BUILDDIR/lib/.libs/libaipolicy.so)
#   AIPOLICY_DATA    the knowledge (default SRCDIR/data)
#   AIPOLICY_CLI     the C tool (default BUILDDIR/tools/aipolicy)
#   PYTHON, NODE, CARGO                  interpreters and cargo
#   CARGO_TARGET_DIR                     default BUILDDIR/bindings/rust/target
# Node's dependencies must be installed first (npm ci in bindings/node).
# Exit status 0 when every output matches; the differing profiles otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${AIP_TEST_SRCDIR:-$(dirname "$here")}
builddir=${AIP_TEST_BUILDDIR:-$srcdir}
AIPOLICY_LIB=${AIPOLICY_LIB:-$builddir/lib/.libs/libaipolicy.so}
AIPOLICY_DATA=${AIPOLICY_DATA:-$srcdir/data}
export AIPOLICY_LIB AIPOLICY_DATA
cli=${AIPOLICY_CLI:-$builddir/tools/aipolicy}
PYTHON=${PYTHON:-python3}
NODE=${NODE:-node}
CARGO=${CARGO:-cargo}
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$builddir/bindings/rust/target}
export CARGO_TARGET_DIR
libdir=$(dirname "$AIPOLICY_LIB")
date=2027-12-02

test -f "$AIPOLICY_LIB" || { echo "identity: no library $AIPOLICY_LIB" >&2; exit 1; }
test -x "$cli" || { echo "identity: no C tool $cli" >&2; exit 1; }
test -d "$srcdir/bindings/node/node_modules/koffi" || {
    echo "identity: run 'npm ci' in $srcdir/bindings/node first" >&2; exit 1; }

out=$(mktemp -d "${TMPDIR:-/tmp}/aipolicy-identity.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

# The profiles, in a fixed order; numbered 1..N in the output files.
set -- "$srcdir"/examples/profiles/*.yaml
test -f "$1" || { echo "identity: no profiles" >&2; exit 1; }
count=$#

echo "identity: building the Rust example"
(cd "$srcdir/bindings/rust" &&
 AIPOLICY_LIB_DIR=$libdir "$CARGO" build --quiet --offline --locked \
     --example classify) || exit 1
rust_bin=$CARGO_TARGET_DIR/debug/examples/classify

# split FILE DIR: one file per JSON document of a concatenated pretty output
# (each document starts with a line "{", nested objects are indented).
split_docs() {
    mkdir -p "$2"
    awk -v dir="$2" '/^\{$/ { n++ } n { print > (dir "/" n ".json") }' "$1"
}

status=0
for lang in en fr; do
    # C: one run per profile.
    mkdir -p "$out/c-$lang"
    i=0
    for p in "$@"; do
        i=$((i + 1))
        "$cli" classify "$p" --date "$date" --lang "$lang" --json \
            > "$out/c-$lang/$i.json"
    done
    # The bindings: one run each over all the profiles.
    "$PYTHON" "$srcdir/examples/python_classify.py" --json --date "$date" \
        --lang "$lang" "$@" > "$out/python-$lang.all"
    "$NODE" "$srcdir/examples/node_classify.mjs" --json --date "$date" \
        --lang "$lang" "$@" > "$out/node-$lang.all"
    LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
        "$rust_bin" --json --date "$date" --lang "$lang" "$@" \
        > "$out/rust-$lang.all"
    for binding in python node rust; do
        split_docs "$out/$binding-$lang.all" "$out/$binding-$lang"
        n=$(ls "$out/$binding-$lang" | wc -l)
        if test "$n" -ne "$count"; then
            echo "FAIL: $binding ($lang): $n results for $count profiles"
            status=1
            continue
        fi
        i=0
        same=0
        for p in "$@"; do
            i=$((i + 1))
            if cmp -s "$out/c-$lang/$i.json" "$out/$binding-$lang/$i.json"; then
                same=$((same + 1))
            else
                echo "FAIL: $binding ($lang) differs from C on ${p##*/}:"
                diff "$out/c-$lang/$i.json" "$out/$binding-$lang/$i.json" \
                    | head -n 10
                status=1
            fi
        done
        echo "identity: $binding ($lang): $same/$count profiles byte-identical to C"
    done
done

if test $status -eq 0; then
    echo "identity: PASS: $count profiles, en and fr, on $date: C = Python = Node = Rust"
fi
exit $status
