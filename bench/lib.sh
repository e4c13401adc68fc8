#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/lib.sh: shared helpers for the benchmarks (not tests: no assertions).
# Everything listens on 127.0.0.1 only; every run is bounded in time.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CGIJAIL=${CGIJAIL:-$TOP/build/cgijail}
WORK=$(mktemp -d /tmp/cgijail-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()

bench_cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap bench_cleanup EXIT

bench_need() {
	local missing=()
	for p in wrk lighttpd; do
		command -v "$p" >/dev/null || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}

bench_wait_port() {
	local _
	for _ in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	echo "server on port $1 did not come up" >&2
	return 1
}

# start lighttpd serving $1 on port $2, with mod_cgi for /cgi-bin/
bench_lighttpd() {
	cat > "$WORK/lighttpd.conf" <<CONF
server.document-root = "$1"
server.port = $2
server.bind = "127.0.0.1"
server.modules = ( "mod_cgi", "mod_accesslog" )
# cgijail writes an access line per request: so does lighttpd here
accesslog.filename = "$WORK/lighttpd-access.log"
server.max-connections = 1024
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
mimetype.assign = ( ".html" => "text/html", ".bin" => "application/octet-stream" )
CONF
	lighttpd -D -f "$WORK/lighttpd.conf" >/dev/null 2>&1 &
	PIDS+=($!)
	bench_wait_port "$2"
}

bench_cgijail() {
	"$CGIJAIL" -b 127.0.0.1 -d "$1" "$2" 2>"$WORK/cgijail-$2.log" &
	PIDS+=($!)
	bench_wait_port "$2"
}

# median req/s and p99 of ROUNDS wrk runs: prints "reqs p99"
bench_wrk() {
	local url=$1 conns=$2 extra=${3:-} out rs=() p99s=() _
	for _ in $(seq 1 "$ROUNDS"); do
		# shellcheck disable=SC2086
		out=$(wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" \
		    -d"${DURATION}s" --latency $extra "$url" 2>&1)
		rs+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
		p99s+=("$(echo "$out" | awk '$1 == "99%" {print $2}')")
	done
	printf '%s %s\n' \
	    "$(printf '%s\n' "${rs[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")" \
	    "$(printf '%s\n' "${p99s[@]}" | sort | sed -n "$(( (ROUNDS + 1) / 2 ))p")"
}

bench_row() {
	# name, cgijail "req p99", lighttpd "req p99"
	local name=$1 ra rb
	read -r -a ra <<<"$2"
	read -r -a rb <<<"$3"
	awk -v n="$name" -v ar="${ra[0]}" -v ap="${ra[1]}" -v br="${rb[0]}" \
	    -v bp="${rb[1]}" 'BEGIN { printf "%-40s %10.0f %8s %10.0f %8s %6.2fx\n",
	    n, ar, ap, br, bp, (br > 0 ? ar / br : 0) }'
}

bench_header() {
	printf '%-40s %10s %8s %10s %8s %7s\n' workload "cgijail" p99 \
	    lighttpd p99 ratio
}
