#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/tls.sh: HTTPS, cgijail (libtls) vs lighttpd (mod_openssl), side by
# side, with one certificate (ECDSA P-256, made here) and their default
# TLS settings (TLS 1.3; lighttpd also without tickets, so that it resumes
# no session, as cgijail never does): the handshake's cost (a new
# connection for every request: rate, and server CPU per connection),
# then a 4 KiB static file and a C CGI hello over keep-alive connections.
# Not run by make test.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need
if ! dpkg-query -W -f='${Status}\n' lighttpd-mod-openssl 2>/dev/null |
    grep -q 'install ok installed'; then
	apt-get install -y -qq lighttpd-mod-openssl >/dev/null
fi

# ---- the content and the certificate ---------------------------------
mkdir -p "$WORK/root/cgi-bin"
head -c 4096 /dev/urandom > "$WORK/root/4k.bin"
echo '<html>bench</html>' > "$WORK/root/index.html"
cat > "$WORK/hello.c" <<'C'
#include <stdio.h>
int main(void) { fputs("Content-Type: text/plain\r\n\r\nhello\n", stdout); return 0; }
C
cc -O2 -static -o "$WORK/root/cgi-bin/hello-c" "$WORK/hello.c"
chmod -R a+rX "$WORK/root"
chmod 755 "$WORK/root/cgi-bin/hello-c"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# ---- the servers: plain on 1808x, TLS on 1844x ------------------------
tls_wait_port() {
	local _
	for _ in $(seq 1 50); do
		curl -s -o /dev/null --cacert "$WORK/cert.pem" \
		    "https://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	echo "TLS server on port $1 did not come up" >&2
	return 1
}

cat > "$WORK/cgijail.conf" <<CONF
listen 127.0.0.1 18080
listen 127.0.0.1 18443 tls
tls-certificate $WORK/cert.pem
tls-key $WORK/key.pem
CONF
"$CGIJAIL" -c "$WORK/cgijail.conf" -d "$WORK/root" \
    2>"$WORK/cgijail.log" &
PIDS+=($!)
bench_wait_port 18080
tls_wait_port 18443

cat > "$WORK/lighttpd.conf" <<CONF
server.document-root = "$WORK/root"
server.port = 18081
server.bind = "127.0.0.1"
server.modules = ( "mod_cgi", "mod_accesslog", "mod_openssl" )
accesslog.filename = "$WORK/lighttpd-access.log"
server.max-connections = 1024
\$SERVER["socket"] == "127.0.0.1:18444" {
	ssl.engine = "enable"
	ssl.pemfile = "$WORK/cert.pem"
	ssl.privkey = "$WORK/key.pem"
}
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
mimetype.assign = ( ".html" => "text/html", ".bin" => "application/octet-stream" )
CONF
lighttpd -D -f "$WORK/lighttpd.conf" >/dev/null 2>&1 &
PIDS+=($!)
bench_wait_port 18081
tls_wait_port 18444
# the same without TLS 1.3 tickets: every connection a full handshake, as
# with cgijail (it resumes no session); wrk resumes when the server lets it
sed -e 's/18081/18082/; s/18444/18445/' \
    -e 's|ssl.privkey = .*|&\n\tssl.openssl.ssl-conf-cmd = ( "NumTickets" => "0" )|' \
    -e 's|lighttpd-access|lighttpd2-access|' \
    "$WORK/lighttpd.conf" > "$WORK/lighttpd2.conf"
lighttpd -D -f "$WORK/lighttpd2.conf" >/dev/null 2>&1 &
PIDS+=($!)
bench_wait_port 18082
tls_wait_port 18445

for port in 18443 18444 18445; do
	printf 'port %s: %s\n' "$port" "$(openssl s_client -connect \
	    127.0.0.1:$port -CAfile "$WORK/cert.pem" </dev/null 2>/dev/null |
	    awk '/^New,/ { print $2, $5 }')"
done
echo "wrk, median of $ROUNDS x ${DURATION}s; cgijail on the left"
echo

# ---- the handshake: a new connection for every request ----------------
# CPU time of the processes given, in ns (/proc/PID/schedstat: exact,
# where /proc/PID/stat counts clock ticks)
tls_cpu() {
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{ print $1 }' "/proc/$p/schedstat")))
	done
	echo "$t"
}

# wrk with a new connection per request, ROUNDS times: "median-req/s p99
# server-cpu-us-per-request", the CPU of the server processes given
tls_wrk_cpu() {
	local url=$1 conns=$2 out rs=() p99s=() n=0 t0 t1 _
	shift 2
	t0=$(tls_cpu "$@")
	for _ in $(seq 1 "$ROUNDS"); do
		out=$(wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" \
		    -d"${DURATION}s" --latency -H Connection:close "$url" 2>&1)
		rs+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
		p99s+=("$(echo "$out" | awk '$1 == "99%" {print $2}')")
		n=$((n + $(echo "$out" | awk '/requests in/ {print $1}')))
	done
	t1=$(tls_cpu "$@")
	printf '%s %s %s\n' \
	    "$(printf '%s\n' "${rs[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")" \
	    "$(printf '%s\n' "${p99s[@]}" | sort | sed -n "$(( (ROUNDS + 1) / 2 ))p")" \
	    "$(awk -v a="$t0" -v b="$t1" -v n="$n" \
	    'BEGIN { printf "%.0f", (n > 0 ? (b - a) / 1e3 / n : 0) }')"
}

mapfile -t CJ_PIDS < <(echo "${PIDS[0]}"; pgrep -P "${PIDS[0]}")
echo "handshake: a new connection for every request (Connection: close);"
echo "cpu: us of server CPU per request (cgijail: parent, front, executor);"
echo "handshake = the HTTPS cpu less the plain one"
printf '%-30s %3s %8s %6s %8s %6s %9s\n' server c "http/s" cpu "https/s" \
    cpu handshake
for c in 1 16; do
	for srv in "cgijail 18080 18443" "lighttpd 18081 18444" \
	    "lighttpd-no-resumption 18082 18445"; do
		read -r name plain tls <<<"$srv"
		case $name in
		cgijail) pids=("${CJ_PIDS[@]}") ;;
		lighttpd) pids=("${PIDS[1]}") ;;
		*) pids=("${PIDS[2]}") ;;
		esac
		read -r -a p <<<"$(tls_wrk_cpu \
		    "http://127.0.0.1:$plain/index.html" "$c" "${pids[@]}")"
		read -r -a t <<<"$(tls_wrk_cpu \
		    "https://127.0.0.1:$tls/index.html" "$c" "${pids[@]}")"
		printf '%-30s %3s %8.0f %6s %8.0f %6s %6s us\n' "$name" "$c" \
		    "${p[0]}" "${p[2]}" "${t[0]}" "${t[2]}" \
		    "$((t[2] - p[2]))"
	done
done
echo

# ---- keep-alive: TLS's cost per request once the connection stands -----
echo "keep-alive connections"
bench_header
for c in 1 16; do
	a=$(bench_wrk "http://127.0.0.1:18080/4k.bin" "$c")
	b=$(bench_wrk "http://127.0.0.1:18081/4k.bin" "$c")
	bench_row "static 4k plain c=$c" "$a" "$b"
	a=$(bench_wrk "https://127.0.0.1:18443/4k.bin" "$c")
	b=$(bench_wrk "https://127.0.0.1:18444/4k.bin" "$c")
	bench_row "static 4k HTTPS c=$c" "$a" "$b"
done
for c in 1 16; do
	a=$(bench_wrk "http://127.0.0.1:18080/cgi-bin/hello-c" "$c")
	b=$(bench_wrk "http://127.0.0.1:18081/cgi-bin/hello-c" "$c")
	bench_row "CGI hello-c plain c=$c" "$a" "$b"
	a=$(bench_wrk "https://127.0.0.1:18443/cgi-bin/hello-c" "$c")
	b=$(bench_wrk "https://127.0.0.1:18444/cgi-bin/hello-c" "$c")
	bench_row "CGI hello-c HTTPS c=$c" "$a" "$b"
done
