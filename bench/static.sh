#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/static.sh: static files, cgijail vs lighttpd, side by side.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need
mkdir -p "$WORK/root"
head -c 4096 /dev/urandom > "$WORK/root/4k.bin"
head -c 1048576 /dev/urandom > "$WORK/root/1m.bin"
echo '<html>bench</html>' > "$WORK/root/index.html"
chmod -R a+rX "$WORK/root"
bench_cgijail "$WORK/root" 18080
bench_lighttpd "$WORK/root" 18081
echo "static files, wrk, median of $ROUNDS x ${DURATION}s"
bench_header
for f in 4k 1m; do
	for c in 1 16; do
		a=$(bench_wrk "http://127.0.0.1:18080/$f.bin" "$c")
		b=$(bench_wrk "http://127.0.0.1:18081/$f.bin" "$c")
		bench_row "static $f keep-alive c=$c" "$a" "$b"
	done
done
