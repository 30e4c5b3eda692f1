#!/bin/sh
# fuzz-replay.sh - replays every fuzz seed and past crash through the fuzz
# targets built without libFuzzer (fuzz/standalone.c). A crash, sanitizer
# report or abort fails the test.
set -e
src=${AIP_TEST_SRCDIR:-.}
build=${AIP_TEST_BUILDDIR:-.}
"$build/fuzz/replay_load" "$src/data" "$src/tests/fixtures" "$src/fuzz/corpus/load"
"$build/fuzz/replay_profile" "$src/examples/profiles" "$src/fuzz/corpus/profile"
"$build/fuzz/replay_classify" "$src/examples/profiles" "$src/fuzz/corpus/profile"
