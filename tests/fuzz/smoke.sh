#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/fuzz/smoke.sh BUILD SECONDS JOBS FUZZER...: each libFuzzer target
# for SECONDS on its corpus (tests/fuzz/corpus/NAME), JOBS at a time (the
# time is wall-clock, so two on two cores take half as long as one after
# the other).  Prints each target's stats in order; fails if any failed.
# Run by `make fuzz-smoke` (and so by `make test`) from the tree's top.
set -u

if [ "${1:-}" = --one ]; then
	# --one BUILD SECONDS OUTDIR FUZZER: one target, its log and status
	build=$2 secs=$3 out=$4 f=$5
	n=$(basename "$f")
	mkdir -p "$build/fuzz/work-$n"
	LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
	    "$f" -max_total_time="$secs" -print_final_stats=1 \
	    "$build/fuzz/work-$n" "tests/fuzz/corpus/${n#fuzz_}" \
	    >"$out/$n.log" 2>&1
	echo $? >"$out/$n.rc"
	exit 0
fi

build=$1 secs=$2 jobs=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '%s\n' "$@" | xargs -P "$jobs" -I{} "$0" --one "$build" "$secs" \
    "$out" {}
fail=0
for f in "$@"; do
	n=$(basename "$f")
	echo "== $n for ${secs}s"
	grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' "$out/$n.log"
	if [ "$(cat "$out/$n.rc" 2>/dev/null)" != 0 ]; then
		echo "$n: FAILED (exit $(cat "$out/$n.rc" 2>/dev/null)); its log:"
		tail -n 60 "$out/$n.log"
		fail=1
	fi
done
exit $fail
