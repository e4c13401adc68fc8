#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/rss.sh: the memory row of `make bench` (issue 14's memory
# targets), sizes not speeds: the RSS of cgijail's front, of lighttpd and
# of nginx holding BENCH_MEM_IDLE idle keep-alive connections (bench/idle.py),
# and the RSS of cgijail's executor, front and parent before and after
# about BENCH_MEM_REQUESTS more C hello requests.  Writes $WORK/mem.tsv.
# Sourced by bench/run.sh after bench/lib.sh and bench/peers.sh.

BENCH_MEM_IDLE=${BENCH_MEM_IDLE:-10000}
BENCH_MEM_REQUESTS=${BENCH_MEM_REQUESTS:-100000}
BENCH_MEM_WARM=${BENCH_MEM_WARM:-5}	# seconds of warm-up, and its rate
# descriptors for the servers of this row: a connection each, and room
# (not past the hard limit: raising it may take a capability)
MEM_NOFILE=$((BENCH_MEM_IDLE + 4096))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$MEM_NOFILE" ]
then
	MEM_NOFILE=$(ulimit -Hn)
fi
# each server of this row on a port of its own, after the others' ports
declare -A MEM_PORT=([cgijail]=10 [lighttpd]=11 [nginx]=12)

bench_mem_start_cgijail() {
	printf 'max-connections %d\nmax-connections-per-client 0\n' \
	    $((BENCH_MEM_IDLE + 1024)) >"$WORK/cgijail-mem.conf"
	bench_spawn "$WORK/logs/cgijail-mem.log" prlimit \
	    --nofile="$MEM_NOFILE" -- "$CGIJAIL" -b 127.0.0.1 \
	    -d "$WORK/root" -c "$WORK/cgijail-mem.conf" "$1"
}

# static files only, idle 30 s; lighttpd keeps two descriptors per
# connection: as many connections as the row opens if the limit allows
bench_mem_start_lighttpd() {
	local fds=$((BENCH_MEM_IDLE * 2 + 4096))
	[ "$fds" -gt "$(ulimit -Hn)" ] && fds=$(ulimit -Hn)
	cat >"$WORK/lighttpd-mem.conf" <<CONF
server.document-root = "$WORK/root"
server.port = $1
server.bind = "127.0.0.1"
server.username = "$BENCH_USER"
server.groupname = "$BENCH_USER"
server.pid-file = "$WORK/run/lighttpd-mem.pid"
server.errorlog = "$WORK/logs/lighttpd-mem-error.log"
server.modules = ( "mod_accesslog" )
accesslog.filename = "$WORK/logs/lighttpd-mem-access.log"
server.max-connections = $((fds / 2))
server.max-fds = $fds
server.max-keep-alive-idle = 30
mimetype.assign = ( ".html" => "text/html" )
CONF
	bench_spawn "$WORK/logs/lighttpd-mem.out" prlimit \
	    --nofile="$fds" -- lighttpd -D -f "$WORK/lighttpd-mem.conf"
}

bench_mem_start_nginx() {
	local d=$WORK/nginx-mem
	mkdir -p "$d"
	chown "$BENCH_USER" "$d"
	cat >"$WORK/nginx-mem.conf" <<CONF
daemon off;
user $BENCH_USER;
worker_processes 1;
worker_rlimit_nofile $MEM_NOFILE;
pid $WORK/run/nginx-mem.pid;
error_log $WORK/logs/nginx-mem-error.log;
events { worker_connections $((BENCH_MEM_IDLE + 1024)); }
http {
	types { text/html html; }
	access_log $WORK/logs/nginx-mem-access.log;
	keepalive_timeout 30s;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$1;
		root $WORK/root;
	}
}
CONF
	bench_spawn "$WORK/logs/nginx-mem.out" prlimit --nofile="$MEM_NOFILE" \
	    -- nginx -e "$WORK/logs/nginx-mem-error.log" -p "$d" \
	    -c "$WORK/nginx-mem.conf"
}

# the RSS of process group $3 with $2 idle connections on port $1, as
# mem.tsv lines tagged $4 $5
bench_mem_idle() {
	python3 "$TOP/bench/idle.py" "$1" "$2" /index.html "$3" \
	    >"$WORK/idle.out" || bench_log "memory: idle.py failed on $4"
	sed "s/^/$4	$5	/" "$WORK/idle.out" >>"$WORK/mem.tsv"
}

# the C hello at c=16, keep-alive, for $2 seconds: the summary's count
bench_mem_wrk() {
	DURATION=$2 bench_wrk "$WORK/mem-wrk.$3" \
	    "http://127.0.0.1:$1/cgi-bin/hello-c" 16 0 0
	awk '$1 == "BENCH" && $2 == "summary" { print $4 }' \
	    "$WORK/mem-wrk.$3"
}

# executor, front and parent before and after BENCH_MEM_REQUESTS requests
bench_mem_exec() {
	local port=$1 pg=$2 n secs
	n=$(bench_mem_wrk "$port" "$BENCH_MEM_WARM" warm)
	n=${n:-0}
	secs=$(( n > 0 ? (BENCH_MEM_REQUESTS * BENCH_MEM_WARM + n - 1) / n :
	    60 ))
	sleep 1		# the last scripts reaped
	bench_mem_idle "$port" 0 "$pg" cgijail exec-before
	echo "cgijail	warm	$n	$BENCH_MEM_WARM" >>"$WORK/mem.tsv"
	bench_log "memory: ~$BENCH_MEM_REQUESTS C hello requests (${secs}s)"
	n=$(bench_mem_wrk "$port" "$secs" run)
	sleep 1
	bench_mem_idle "$port" 0 "$pg" cgijail exec-after
	echo "cgijail	run	${n:-0}	$secs" >>"$WORK/mem.tsv"
}

bench_mem() {
	local s port pg
	: >"$WORK/mem.tsv"
	for s in cgijail lighttpd nginx; do
		port=$((BENCH_PORT + MEM_PORT[$s]))
		if ! bench_port_free "$port"; then
			bench_log "memory: $s: port $port is taken"
			continue
		fi
		"bench_mem_start_$s" "$port"
		pg=${PGIDS[-1]}
		if ! bench_wait_port "$port"; then
			bench_log "memory: $s did not start"
			bench_stop_all
			continue
		fi
		bench_log "memory: $s with $BENCH_MEM_IDLE idle connections"
		sleep 0.5
		bench_mem_idle "$port" 0 "$pg" "$s" start
		bench_mem_idle "$port" "$BENCH_MEM_IDLE" "$pg" "$s" idle
		[ "$s" = cgijail ] && bench_mem_exec "$port" "$pg"
		bench_stop_all
	done
	echo "$(date +%s)	$(cat /proc/loadavg)" >"$WORK/mem-load"
}
