#!/usr/bin/env bash
# tools/ci-test.sh - the full test run, from a clean clone or a used tree:
#   1. ./bootstrap
#   2. _build/plain: configure, make, make check
#   2b. _build/plain: make check-bindings (Python, Node, Rust bindings and
#      the cross-language identity test)
#   3. _build/asan:  configure --enable-sanitizers (ASan + UBSan), make check
#   3b. _build/tsan: configure --enable-sanitizers=thread, the threads test
#   4. _build/plain: make distcheck (tarball build, check, install,
#      installcheck, uninstall)
# Exits non-zero on the first failure, after printing the end of every
# test-suite.log. The last line of output is always "N passed, N failed",
# summed over the test runs (FAIL and ERROR count as failed).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
jobs=${JOBS:-2}
logdir=$root/_build/logs
export AM_COLOR_TESTS=no

# Summaries to add up: test-suite.log files and captured make output.
summaries=()

count_from() {  # FILE KEY -> number on the first "# KEY: N" line, or 0
    sed -n "s/^# $2: *\([0-9][0-9]*\).*/\1/p" "$1" 2>/dev/null | head -n 1
}

print_totals() {
    local passed=0 failed=0 f n
    for f in "${summaries[@]+"${summaries[@]}"}"; do
        test -f "$f" || continue
        n=$(count_from "$f" PASS);  passed=$((passed + ${n:-0}))
        n=$(count_from "$f" FAIL);  failed=$((failed + ${n:-0}))
        n=$(count_from "$f" ERROR); failed=$((failed + ${n:-0}))
    done
    echo "$passed passed, $failed failed"
}

show_logs() {
    local f
    while IFS= read -r f; do
        echo
        echo "===== tail of ${f#"$root"/} ====="
        tail -n 150 "$f"
    done < <(find "$root/_build" -name test-suite.log -type f 2>/dev/null | sort)
}

# bindings_summary LOG OUT: the pass/fail counts of pytest, node --test,
# cargo test and the identity test in LOG, written to OUT as "# PASS: N" and
# "# FAIL: N" lines like a test-suite.log, for print_totals.
bindings_summary() {
    awk '
        /^(=+ )?[0-9]+ (passed|failed|error).* in [0-9.]+s/ {
            for (i = 1; i < NF; i++) {
                if ($(i + 1) ~ /^passed/) pass += $i
                if ($(i + 1) ~ /^(failed|error)/) fail += $i
            }
        }
        /^# pass [0-9]+$/ { pass += $3 }
        /^# fail [0-9]+$/ { fail += $3 }
        /^test result: / {
            for (i = 1; i < NF; i++) {
                if ($(i + 1) ~ /^passed/) pass += $i
                if ($(i + 1) ~ /^failed/) fail += $i
            }
        }
        /^identity: PASS/ { pass++ }
        /^FAIL: / { fail++ }
        END { printf "# PASS: %d\n# FAIL: %d\n", pass, fail }
    ' "$1" > "$2"
}

step() {
    echo
    echo "=== ci-test: $* ==="
}

fail() {
    echo
    echo "ci-test: FAILED: $*" >&2
    show_logs
    print_totals
    exit 1
}

# A tree configured in place (./configure in the source directory) blocks
# builds in _build/*: clean it first.
if test -f config.status; then
    step "cleaning the in-tree build (make distclean)"
    make distclean > /dev/null 2>&1 || rm -f config.status
fi

rm -rf _build
mkdir -p "$logdir" _build/plain _build/asan _build/tsan

step "bootstrap"
sh ./bootstrap || fail "bootstrap"

step "plain build: configure"
(cd _build/plain && ../../configure) || fail "configure (plain)"
step "plain build: make"
make -C _build/plain -j"$jobs" || fail "make (plain)"
step "plain build: make check"
summaries+=("$root/_build/plain/test-suite.log")
make -C _build/plain -j"$jobs" check || fail "make check (plain)"

step "plain build: make check-bindings (Python, Node, Rust, identity)"
summaries+=("$logdir/check-bindings.summary")
bindings_start=$(date +%s)
make -C _build/plain check-bindings 2>&1 | tee "$logdir/check-bindings.log"
bindings_rc=${PIPESTATUS[0]}
bindings_summary "$logdir/check-bindings.log" "$logdir/check-bindings.summary"
echo "ci-test: check-bindings took $(( $(date +%s) - bindings_start )) s"
test "$bindings_rc" -eq 0 || fail "make check-bindings"

step "sanitizer build: configure --enable-sanitizers"
(cd _build/asan && ../../configure --enable-sanitizers) \
    || fail "configure (sanitizers)"
step "sanitizer build: make check"
summaries+=("$root/_build/asan/test-suite.log")
make -C _build/asan -j"$jobs" check || fail "make check (sanitizers)"

step "thread sanitizer build: the shared-knowledge threads test"
(cd _build/tsan && ../../configure --enable-sanitizers=thread) \
    || fail "configure (thread sanitizer)"
summaries+=("$root/_build/tsan/test-suite.log")
AIP_THREAD_ROUNDS=10 make -C _build/tsan -j"$jobs" check \
    TESTS=tests/check_threads || fail "make check (thread sanitizer)"

step "make distcheck"
summaries+=("$logdir/distcheck.log")
make -C _build/plain -j"$jobs" distcheck 2>&1 | tee "$logdir/distcheck.log"
test "${PIPESTATUS[0]}" -eq 0 || fail "make distcheck"

echo
echo "ci-test: all steps passed"
print_totals
