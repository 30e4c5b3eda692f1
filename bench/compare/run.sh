#!/bin/sh
# bench/compare/run.sh - libaipolicy side by side with json-logic-js, on the
# same rules and the same complete profiles, in the same run.
#
# Usage: run.sh SRCDIR BUILDDIR WORKDIR [DATE] [SECONDS]
#   (make bench calls it; SRCDIR/BUILDDIR are the source and build trees)
#
# For two knowledge bases - the bundled one (data/, with the example
# profiles completed by full_profiles.py) and a synthetic one of 300 rules
# (gen_kb.py --complete) - it:
#   1. exports the rules: aipolicy export --jsonlogic --date DATE;
#   2. classifies every profile with libaipolicy (bench --compare), writing
#      the results and timing the queries;
#   3. runs compare.js: the same profiles through json-logic-js (pinned in
#      package.json / package-lock.json, installed with "npm ci" into
#      WORKDIR), checks that fired rules and dimension values agree on every
#      profile, and times its queries;
#   4. prints the ratio of the median per-query times and the target line.
# Needs node and npm (npm ci needs the registry the first time); without
# them it prints SKIP lines and exits 0. Exits 1 when the engines disagree.
set -eu

srcdir=${1:?usage: run.sh SRCDIR BUILDDIR WORKDIR [DATE] [SECONDS]}
builddir=${2:?}
work=${3:?}
date=${4:-2027-12-02}
seconds=${5:-1}
here=$srcdir/bench/compare
python=${PYTHON3:-python3}

echo
echo "== compare: libaipolicy vs json-logic-js (same rules, same complete profiles, as-of $date)"

if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
    echo "target SKIP  >= 50x faster than json-logic-js                  (node/npm not found)"
    exit 0
fi

mkdir -p "$work"
work=$(cd "$work" && pwd)
# Install the pinned json-logic-js once (again when the lock file changes).
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" \
   || test ! -f "$work/node_modules/json-logic-js/package.json"; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) > "$work/npm.log" 2>&1; then
        sed 's/^/  npm: /' "$work/npm.log" | tail -5
        rm -f "$work/package-lock.json"
        echo "target SKIP  >= 50x faster than json-logic-js                  (npm ci failed)"
        exit 0
    fi
fi
module=$work/node_modules/json-logic-js

tool=$builddir/tools/aipolicy
bench=$builddir/bench/bench
status=0

# compare NAME KBDIR PROFILEDIR
compare() {
    name=$1 kb=$2 profiles=$3
    "$tool" --data "$kb" export --jsonlogic --date "$date" > "$work/$name.rules.json"
    cline=$("$bench" --compare "$kb" "$profiles" "$work/$name.c.jsonl" \
              --date "$date" --seconds "$seconds")
    if jsline=$(node "$here/compare.js" --rules "$work/$name.rules.json" \
                  --profiles "$profiles" --c-results "$work/$name.c.jsonl" \
                  --date "$date" --seconds "$seconds" --module "$module"); then
        agree=1
    else
        agree=0
        status=1
    fi
    echo "$jsline" | grep -v '^compare-js' || true
    c_ns=$(echo "$cline" | sed -n 's/.* median_ns \([0-9]*\).*/\1/p')
    js_ns=$(echo "$jsline" | sed -n 's/^compare-js: json-logic.* median_ns \([0-9]*\).*/\1/p')
    nrules=$(echo "$cline" | sed -n 's/.* rules \([0-9]*\) .*/\1/p')
    nprof=$(echo "$cline" | sed -n 's/.* profiles \([0-9]*\) .*/\1/p')
    agreement=$(echo "$jsline" | sed -n 's/^compare-js: agreement on //p')
    engine=$(echo "$jsline" | sed -n 's/^compare-js: \(json-logic-js [^,]*, node [^,]*\),.*/\1/p')
    awk -v name="$name" -v c="$c_ns" -v js="$js_ns" -v r="$nrules" -v p="$nprof" \
        -v agree="$agreement" -v eng="$engine" 'BEGIN {
        printf "%-9s %5d rules, %2d profiles: libaipolicy %8.2f us, %s %9.2f us per query: x%.0f  (%s)\n",
               name, r, p, c / 1000, eng, js / 1000, js / c, agree
    }'
    awk -v name="$name" -v c="$c_ns" -v js="$js_ns" -v ok="$agree" 'BEGIN {
        pass = ok && js / c >= 50
        printf "target %s  %-52s x%.0f (median per query, %s)\n",
               pass ? "PASS" : "FAIL", ">= 50x faster than json-logic-js, " name,
               js / c, ok ? "engines agree" : "ENGINES DISAGREE"
    }'
}

# 1. the bundled knowledge, example profiles completed with neutral values
rm -rf "$work/bundled-profiles"
"$tool" --data "$srcdir/data" export --jsonlogic > "$work/bundled.export.json"
"$python" "$here/full_profiles.py" "$work/bundled.export.json" "$tool" \
    "$srcdir/data" "$date" "$work/bundled-profiles" "$srcdir"/examples/profiles/*.yaml
compare bundled "$srcdir/data" "$work/bundled-profiles"

# 2. a synthetic knowledge base of 300 rules, complete profiles
"$python" "$srcdir/bench/gen_kb.py" --rules 300 --complete --profiles 20 \
    --out "$work/syn300" > /dev/null
compare syn300 "$work/syn300/kb" "$work/syn300/profiles"

exit $status
