#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/cgi.sh: CGI programs, cgijail (sandboxed) vs lighttpd mod_cgi
# (unsandboxed), side by side: a static C hello and a /bin/sh hello.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need
mkdir -p "$WORK/root/cgi-bin"
cat > "$WORK/hello.c" <<'C'
#include <stdio.h>
int main(void) { fputs("Content-Type: text/plain\r\n\r\nhello\n", stdout); return 0; }
C
cc -O2 -static -o "$WORK/root/cgi-bin/hello-c" "$WORK/hello.c"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello\\n"\n' \
    > "$WORK/root/cgi-bin/hello.sh"
echo '<html>bench</html>' > "$WORK/root/index.html"
chmod -R a+rX "$WORK/root"
chmod 755 "$WORK/root/cgi-bin/"*
bench_cgijail "$WORK/root" 18080
bench_lighttpd "$WORK/root" 18081
echo "CGI, wrk, median of $ROUNDS x ${DURATION}s"
bench_header
for s in hello-c hello.sh; do
	for c in 1 16; do
		a=$(bench_wrk "http://127.0.0.1:18080/cgi-bin/$s" "$c")
		b=$(bench_wrk "http://127.0.0.1:18081/cgi-bin/$s" "$c")
		bench_row "$s keep-alive c=$c" "$a" "$b"
	done
	a=$(bench_wrk "http://127.0.0.1:18080/cgi-bin/$s" 1 "-H Connection:close")
	b=$(bench_wrk "http://127.0.0.1:18081/cgi-bin/$s" 1 "-H Connection:close")
	bench_row "$s close c=1" "$a" "$b"
done
echo
# the sandbox's own cost, measured inside the executor: clone to execve
# with every layer applied, from a --debug run of its own
"$CGIJAIL" --debug -b 127.0.0.1 -d "$WORK/root" 18082 \
    2>"$WORK/cgijail-debug.log" &
PIDS+=($!)
bench_wait_port 18082
wrk -t1 -c1 -d"${DURATION}s" http://127.0.0.1:18082/cgi-bin/hello-c \
    >/dev/null 2>&1
echo "sandbox spawn inside the executor (clone to execve, all layers):"
grep -o "spawn [0-9]* us" "$WORK/cgijail-debug.log" | awk '{print $2}' | \
    sort -n | awk '{a[NR]=$1} END { if (NR) printf \
    "  n=%d median=%d us p99=%d us\n", NR, a[int((NR+1)/2)], \
    a[int(NR*0.99)] }'
