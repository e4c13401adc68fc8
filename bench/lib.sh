#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/lib.sh: shared helpers for the benchmarks (not tests: no assertions).
# Everything listens on 127.0.0.1 only; every run is bounded in time.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-4}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
CGIJAIL=${CGIJAIL:-$BUILD/cgijail}
# the first of the ports the servers take, one each (bench/peers.sh)
BENCH_PORT=${BENCH_PORT:-18280}
WORK=$(mktemp -d /tmp/cgijail-bench.XXXXXX)
chmod 755 "$WORK"
# process groups we started (each server runs under setsid)
PGIDS=()
# the student whose ~/public_html the userdir rows ask for: an account
# made for the run (home in $WORK), removed at its end (bench_student)
BENCH_STUDENT=cjbench$(($$ % 100000))
BENCH_STUDENT_MADE=0
# Debian packages of the peers, and what the run needs besides
BENCH_PKGS=(lighttpd nginx fcgiwrap apache2 wrk gnuplot-nox python3 curl)

bench_stop_all() {
	local g _ alive
	for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
	for _ in $(seq 1 30); do
		alive=0
		for g in "${PGIDS[@]}"; do
			kill -0 -- "-$g" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
	# reaped, so that their CPU time is in our children's (bench_cpu_ours)
	for g in "${PGIDS[@]}"; do wait "$g" 2>/dev/null || true; done
	PGIDS=()
}

# BENCH_KEEP=1 keeps the work directory (configs, logs, raw wrk output)
bench_cleanup() {
	bench_stop_all
	[ "$BENCH_STUDENT_MADE" = 1 ] && { userdel "$BENCH_STUDENT" ||
	    userdel -f "$BENCH_STUDENT"; } >/dev/null 2>&1
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap bench_cleanup EXIT

# the peers from Debian when missing; their services are not started
# (policy-rc.d, ours only if there is none) and no default site changes
bench_install() {
	local missing=() p rc=
	for p in "${BENCH_PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "bench: installing ${missing[*]}" >&2
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		rc=ours
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "${missing[@]}" >/dev/null || true
	[ "$rc" = ours ] && rm -f /usr/sbin/policy-rc.d
	return 0
}

# run a server in a process group of its own: bench_spawn LOG CMD...
bench_spawn() {
	local log=$1
	shift
	setsid "$@" >>"$log" 2>&1 </dev/null &
	PGIDS+=($!)
}

# 0 if nothing listens on 127.0.0.1:$1 yet (another run, another test)
bench_port_free() {
	! ss -Hltn "sport = :$1" | grep -q .
}

# 0 once something answers HTTP on port $1, within 5 s
bench_wait_port() {
	local _
	for _ in $(seq 1 50); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" &&
		    return 0
		sleep 0.1
	done
	return 1
}

# one wrk run into file $1: bench_wrk OUT URL CONNS CLOSE BODY
bench_wrk() {
	local out=$1 url=$2 conns=$3
	BENCH_CLOSE=$4 BENCH_BODY=$5 timeout $((DURATION + 30)) \
	    wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" -d"${DURATION}s" \
	    --timeout 10s --latency -s "$TOP/bench/wrk.lua" "$url" \
	    >"$out" 2>&1 || echo "BENCH failed wrk exit $?" >>"$out"
}

# user + nice + system time of the whole machine, in clock ticks; with
# "irq", irq and softirq time too (a server's loopback work lands there)
bench_cpu_all() {
	awk -v irq="${1:-}" '$1 == "cpu" {
	    print $2 + $3 + $4 + (irq == "irq" ? $7 + $8 : 0) }' /proc/stat
}

# user + system seconds of every process of ours that has been reaped,
# from `times` run in the main shell (a subshell's children are not ours)
bench_cpu_ours() {
	awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) {
	    split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; print t }' "$1"
}

# now: the machine's busy ticks and our reaped children's seconds (wrk's
# runs), on one line; call it in the main shell, not in $(...)
bench_cpu_mark() {
	times >"$WORK/times.mark"
	echo "$(bench_cpu_all irq) $(bench_cpu_ours "$WORK/times.mark")"
}

# between two marks: the ticks the machine spent on anything but our own
# processes (the server under test, its scripts, the kernel's work for
# them), and the clock rate
bench_cpu_server() {
	awk -v hz="$(getconf CLK_TCK)" 'NR == 1 { m = $1; o = $2 }
	    NR == 2 { printf "%d %d\n", ($1 - m) - ($2 - o) * hz + 0.5, hz }' \
	    "$1" "$2"
}

# the median of numbers on stdin, one per line
bench_median() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}
