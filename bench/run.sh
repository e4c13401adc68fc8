#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/run.sh: `make bench`.  cgijail (every layer) against lighttpd
# mod_cgi, nginx + fcgiwrap, apache2 mod_cgid and python3's http.server,
# side by side on loopback: every row of issue 14's targets, interleaved
# rounds (A B C ... A B C), the median of ROUNDS; then the sandbox-cost
# microbenchmark, the executor's own spawn times and the memory row
# (bench/rss.sh); then the table, the charts and bench/RESULTS.md.
# Usage: run.sh [all|cgi|static|mem]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=bench/peers.sh
. "$TOP/bench/peers.sh"
# shellcheck source=bench/rss.sh
. "$TOP/bench/rss.sh"

WHICH=${1:-all}
SPAWNCOST_N=${SPAWNCOST_N:-1000}
# where RESULTS.md and results/*.png go
BENCH_OUT=${BENCH_OUT:-$TOP/bench}
# wait this long at most for the machine to be quiet (1-min load < 0.5)
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-120}

# id|label|path|connections|close|POST bytes|target|kind
ROWS=(
	"hello-c-close1|static C hello CGI, close, c=1|/cgi-bin/hello-c|1|1|0|cgi1|cgi"
	"hello-c-ka16|static C hello CGI, keep-alive, c=16|/cgi-bin/hello-c|16|0|0|cgi16|cgi"
	"hello-sh-close1|/bin/sh hello, close, c=1|/cgi-bin/hello.sh|1|1|0|cgi1|cgi"
	"hello-sh-ka16|/bin/sh hello, keep-alive, c=16|/cgi-bin/hello.sh|16|0|0|cgi16|cgi"
	"post-close1|POST 64 KiB echo, close, c=1|/cgi-bin/echo|1|1|65536|cgi1|cgi"
	"post-ka16|POST 64 KiB echo, keep-alive, c=16|/cgi-bin/echo|16|0|65536|cgi16|cgi"
	"env-py-close1|python3 env dump, close, c=1|/cgi-bin/env.py|1|1|0|none|cgi"
	"student-c-close1|a student's C hello (~/public_html/cgi-bin), close, c=1|/~$BENCH_STUDENT/cgi-bin/hello-c|1|1|0|none|cgi"
	"student-sh-close1|a student's /bin/sh hello, close, c=1|/~$BENCH_STUDENT/cgi-bin/hello.sh|1|1|0|none|cgi"
	"static-4k-ka16|static 4 KiB, keep-alive, c=16|/4k.bin|16|0|0|lighttpd|static"
	"static-1m-ka16|static 1 MiB, keep-alive, c=16|/1m.bin|16|0|0|lighttpd|static"
	"static-4k-close16|static 4 KiB, close, c=16|/4k.bin|16|1|0|best|static"
)

bench_log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# wait, boundedly, until nothing else keeps the cores busy
bench_quiet() {
	local t=0 load
	while :; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		awk -v l="$load" 'BEGIN { exit !(l < 0.5) }' && break
		[ "$t" -ge "$BENCH_QUIET_WAIT" ] && {
			bench_log "load $load still after ${t}s: going on"
			break
		}
		bench_log "load $load: waiting for a quiet machine"
		sleep 10
		t=$((t + 10))
	done
	echo "start	$(cat /proc/loadavg)" >>"$WORK/load.tsv"
}

# does server $1 answer $2 as it should?  (a wrong answer is no result)
bench_check() {
	local url got=$WORK/check.out
	url="http://127.0.0.1:$(bench_port "$1")$2"
	rm -f "$got"
	case $2 in
	*/echo)
		head -c 65536 /dev/zero | tr '\0' x >"$WORK/post.in"
		curl -s --max-time 10 -o "$got" --data-binary "@$WORK/post.in" \
		    -H 'Content-Type: application/octet-stream' "$url" &&
		    cmp -s "$got" "$WORK/post.in" ;;
	*/env.py)
		curl -s --max-time 10 -o "$got" "$url" &&
		    grep -q '^GATEWAY_INTERFACE=CGI/1.1' "$got" ;;
	/cgi-bin/* | /~*/cgi-bin/*)
		curl -s --max-time 10 -o "$got" "$url" &&
		    [ "$(cat "$got")" = hello ] ;;
	*)
		curl -s --max-time 10 -o "$got" "$url" &&
		    cmp -s "$got" "$WORK/root$2" ;;
	esac
}

# start every server; one that does not come up is missing, not fatal
bench_start() {
	local s
	: >"$WORK/servers.tsv"
	for s in "${SERVERS[@]}"; do
		if ! bench_port_free "$(bench_port "$s")"; then
			bench_log "$s: port $(bench_port "$s") is taken"
			echo "$s	missing" >>"$WORK/servers.tsv"
		elif "bench_start_$s" "$(bench_port "$s")" &&
		    bench_wait_port "$(bench_port "$s")"; then
			echo "$s	up" >>"$WORK/servers.tsv"
		else
			bench_log "$s did not start (logs: $WORK/logs)"
			echo "$s	missing" >>"$WORK/servers.tsv"
		fi
	done
}

bench_up() { awk -v s="$1" '$1 == s && $2 == "up"' "$WORK/servers.tsv" | grep -q .; }

# the servers that answer every path of the selected rows correctly
bench_checks() {
	local s row path
	: >"$WORK/checks.tsv"
	for s in "${SERVERS[@]}"; do
		bench_up "$s" || continue
		for row in "${SEL[@]}"; do
			IFS='|' read -r _ _ path _ <<<"$row"
			grep -q "^$s	$path	" "$WORK/checks.tsv" && continue
			# a server may still be settling in: three tries
			if bench_check "$s" "$path" ||
			    { sleep 0.5; bench_check "$s" "$path"; } ||
			    { sleep 1; bench_check "$s" "$path"; }; then
				echo "$s	$path	ok" >>"$WORK/checks.tsv"
			else
				bench_log "$s answers $path wrongly: left out ($(head -c 200 "$WORK/check.out" 2>/dev/null | tr -c "[:print:]" " "))"
				echo "$s	$path	wrong" >>"$WORK/checks.tsv"
			fi
		done
	done
}

bench_rows() {
	local row id label path conns close body r s n=0
	mkdir -p "$WORK/res"
	for row in "${SEL[@]}"; do
		IFS='|' read -r id label path conns close body _ <<<"$row"
		n=$((n + 1))
		bench_log "row $n/${#SEL[@]}: $label"
		for r in $(seq 1 "$ROUNDS"); do
			for s in "${SERVERS[@]}"; do
				grep -q "^$s	$path	ok" "$WORK/checks.tsv" ||
				    continue
				bench_cpu_mark >"$WORK/mark.0"
				bench_wrk "$WORK/res/$id.$s.$r" \
				    "http://127.0.0.1:$(bench_port "$s")$path" \
				    "$conns" "$close" "$body"
				bench_cpu_mark >"$WORK/mark.1"
				bench_cpu_server "$WORK/mark.0" "$WORK/mark.1" \
				    >"$WORK/res/$id.$s.$r.cpu"
			done
		done
		echo "$id	$(cat /proc/loadavg)" >>"$WORK/load.tsv"
	done
}

# the executor's own clone-to-execve times, from a --debug run's log
bench_spawnlog() {
	local port=$((BENCH_PORT + 9)) c log
	log=$WORK/logs/cgijail-debug.log
	if ! bench_port_free "$port"; then
		bench_log "cgijail --debug: port $port is taken"
		return 0
	fi
	bench_spawn "$log" "$CGIJAIL" --debug -b 127.0.0.1 -d "$WORK/root" \
	    "$port"
	bench_wait_port "$port" ||
	    { bench_log "cgijail --debug did not start"; return 0; }
	# the first script waits for the executor to be ready: not a spawn
	curl -s -o /dev/null --max-time 10 \
	    "http://127.0.0.1:$port/cgi-bin/hello-c" || true
	for c in 1 16; do
		: >"$log"
		bench_wrk "$WORK/spawnlog-wrk.$c" \
		    "http://127.0.0.1:$port/cgi-bin/hello-c" "$c" 0 0
		grep -o 'spawn [0-9]* us' "$log" | awk '{ print $2 }' \
		    >"$WORK/spawnlog.$c" || true
	done
}

bench_select() {
	local row kind
	SEL=()
	for row in "${ROWS[@]}"; do
		kind=${row##*|}
		[ "$WHICH" = all ] || [ "$WHICH" = "$kind" ] && SEL+=("$row")
	done
	printf '%s\n' "${SEL[@]}" >"$WORK/rows.txt"
}

# the memory row alone: its own table in $BENCH_OUT/MEMORY.md
main_mem() {
	bench_docroot
	bench_versions
	bench_quiet
	bench_mem
	python3 "$TOP/bench/report.py" --memory "$WORK" "$BENCH_OUT"
}

main() {
	local t0 cpu0
	[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
	bench_install
	[ "$WHICH" = mem ] && { main_mem; return; }
	bench_select
	bench_docroot
	bench_student
	bench_versions
	bench_quiet
	t0=$SECONDS
	cpu0=$(bench_cpu_all)
	bench_start
	bench_checks
	bench_log "$ROUNDS rounds of ${DURATION}s per server and row"
	bench_rows
	bench_stop_all
	bench_log "sandbox cost: spawncost -n $SPAWNCOST_N"
	"$BUILD/bench/spawncost" -n "$SPAWNCOST_N" "$BUILD/bench/hello" \
	    >"$WORK/spawncost.tsv" || bench_log "spawncost failed"
	bench_log "executor spawn times (cgijail --debug)"
	bench_spawnlog
	bench_stop_all
	[ "$WHICH" = all ] && bench_mem
	echo "end	$(cat /proc/loadavg)" >>"$WORK/load.tsv"
	# what the machine spent on anything but this run (ticks, seconds)
	times >"$WORK/times"
	echo "$(($(bench_cpu_all) - cpu0)) $(getconf CLK_TCK)" \
	    "$(bench_cpu_ours "$WORK/times") $(nproc)" >"$WORK/cpu"
	echo "$ROUNDS $DURATION $SPAWNCOST_N $((SECONDS - t0))" >"$WORK/params"
	python3 "$TOP/bench/report.py" "$WORK" "$BENCH_OUT"
}

main
