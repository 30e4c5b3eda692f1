#!/bin/sh
# fuzz-replay.sh - replays every fuzz seed and past crash through the fuzz
# targets built without libFuzzer (fuzz/standalone.c). A crash, sanitizer
# report or abort fails the test.
set -e
src=${AIP_TEST_SRCDIR:-.}
build=${AIP_TEST_BUILDDIR:-.}
# (tests/fixtures holds tests/fixtures/fuzz/load, the load target's past
# crashes and seeds)
"$build/fuzz/replay_load" "$src/data" "$src/tests/fixtures"
"$build/fuzz/replay_profile" "$src/examples/profiles" "$src/tests/fixtures/fuzz/profile"
"$build/fuzz/replay_classify" "$src/examples/profiles" "$src/tests/fixtures/fuzz/profile"
