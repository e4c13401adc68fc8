#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench/plot.py: the charts of a bench run, drawn by gnuplot (pngcairo):
throughput per workload and server as grouped bars (CGI rows, static
rows), and the C hello's latency by percentile for each server.  Called
by bench/report.py with its parsed results; a chart gnuplot cannot draw
is reported on stderr and left out, not fatal.
"""
import math
import os
import subprocess
import sys

# bar and line colours: cgijail first, in red
COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"]
SHORT = {"hello-c-close1": "C hello\\nclose c=1",
         "hello-c-ka16": "C hello\\nkeep-alive c=16",
         "hello-sh-close1": "sh hello\\nclose c=1",
         "hello-sh-ka16": "sh hello\\nkeep-alive c=16",
         "post-close1": "POST 64 KiB\\nclose c=1",
         "post-ka16": "POST 64 KiB\\nkeep-alive c=16",
         "env-py-close1": "python3 env\\nclose c=1",
         "student-c-close1": "student C hello\\nclose c=1",
         "student-sh-close1": "student sh hello\\nclose c=1",
         "static-4k-ka16": "4 KiB\\nkeep-alive c=16",
         "static-1m-ka16": "1 MiB\\nkeep-alive c=16",
         "static-4k-close16": "4 KiB\\nclose c=16"}
# the latency chart's panels
LAT_ROWS = [("hello-c-close1", "Connection: close, c=1"),
            ("hello-c-ka16", "keep-alive, c=16")]
HEAD = 'set terminal pngcairo noenhanced size {w},{h} ' \
    'font "DejaVu Sans,11"\n' \
    'set output "{out}"\nset encoding utf8\n'


def bars(rows, res, servers, label, dat, out, title, log):
    """grouped bars, one group per row, one bar per server"""
    lowest = min([c["rps"] for r in rows for c in res[r["id"]].values()
                  if c and c["rps"] > 0] or [1])
    with open(dat, "w") as f:
        f.write("workload " + " ".join(f'"{label[s]}"' for s in servers) +
                "\n")
        for r in rows:
            v = [res[r["id"]].get(s) for s in servers]
            f.write(f'"{SHORT.get(r["id"], r["id"])}" ' +
                    " ".join(f"{c['rps']:.1f}" if c else "?" for c in v) +
                    "\n")
    n = len(servers)
    g = HEAD.format(w=1280, h=640, out=out)
    g += f'set title "{title}" font ",14"\n'
    g += "set style data histograms\nset style histogram clustered gap 1\n"
    g += "set style fill solid 0.85 border -1\nset boxwidth 1\n"
    g += "set datafile missing '?'\nset grid ytics\nset xtics nomirror\n"
    g += "set key outside top center horizontal autotitle columnheader\n"
    g += "set border 3\nset bmargin 4\n"
    g += "set ytics nomirror\nset xtics font ',11'\n"
    if log:
        g += "set logscale y\nset yrange [%g:*]\n" % \
            10 ** math.floor(math.log10(lowest) - 0.3)
        g += 'set ylabel "requests/s (median, log scale)"\n'
    else:
        g += "set yrange [0:*]\nset offsets 0,0,graph 0.08,0\n"
        g += 'set ylabel "requests/s (median)"\n'
    g += "array C[%d] = [%s]\n" % (n, ", ".join(f'"{c}"' for c in
                                               COLOURS[:n]))
    g += (f'plot for [i=2:{n + 1}] "{dat}" using i:xtic(1) '
          "lc rgb C[i-1], \\\n"
          f'  for [i=2:{n + 1}] "{dat}" using '
          f"($0 + (i - 2 - ({n} - 1) / 2.0) / ({n} + 1.0)):i:"
          '(sprintf("%.0f", column(i))) with labels rotate by 90 left '
          "offset 0,0.4 font ',8' notitle\n")
    return g


def latency(res, servers, label, work, out):
    """percentile curves of the C hello, one panel per row"""
    rows = [(r, t) for r, t in LAT_ROWS if r in res]
    if not rows:
        return None
    g = HEAD.format(w=1280, h=560, out=out)
    g += "set multiplot layout 1,%d title \"static C hello CGI: latency " \
        "by percentile (the median round; lower is better)\" font ',14'\n" % \
        len(rows)
    g += "set xrange [0:3]\nset logscale y\nset grid\n"
    g += 'set xtics ("50 %%" 0.30103, "90 %%" 1, "99 %%" 2, "99.9 %%" 3)\n'
    g += 'set xlabel "percentile"\nset ylabel "latency (ms, log scale)"\n'
    g += "set key top left\n"
    for rid, t in rows:
        plots = []
        for i, s in enumerate(servers):
            c = res[rid].get(s)
            if c is None:
                continue
            dat = os.path.join(work, f"lat-{rid}-{s}.dat")
            with open(dat, "w") as f:
                for p in sorted(c["curve"]):
                    if p <= 99.9 and c["curve"][p] > 0:
                        f.write(f"{p} {c['curve'][p]}\n")
            plots.append(f'"{dat}" using (-log10(1 - $1 / 100)):($2 / '
                         f"1000.0) with linespoints pt 7 ps 0.6 lw 2 "
                         f'lc rgb "{COLOURS[i]}" title "{label[s]}"')
        g += f'set title "{t}"\n'
        g += "plot " + ", \\\n  ".join(plots) + "\n" if plots else \
            "unset key\nplot 1/0 notitle\n"
    return g + "unset multiplot\n"


def run(script, out):
    try:
        r = subprocess.run(["gnuplot"], input=script, text=True,
                           capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        sys.stderr.write(f"plot: {out}: gnuplot: {e}\n")
        return False
    if r.returncode != 0 or not os.path.exists(out):
        sys.stderr.write(f"plot: {out}: gnuplot failed: {r.stderr}\n")
        return False
    return True


def draw(rows, res, servers, label, outdir, work):
    """draw every chart; [(file name, title)] of those drawn"""
    d = os.path.join(work, "plot")
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(d, exist_ok=True)
    done = []
    for kind, name, title, log in (
            ("cgi", "throughput-cgi.png",
             "CGI throughput (higher is better)", False),
            ("static", "throughput-static.png",
             "static files throughput (higher is better)", True)):
        sel = [r for r in rows if r["kind"] == kind]
        out = os.path.join(outdir, name)
        if sel and run(bars(sel, res, servers, label,
                            os.path.join(d, kind + ".dat"), out, title, log),
                       out):
            done.append((name, title))
    out = os.path.join(outdir, "latency-hello-c.png")
    g = latency(res, servers, label, d, out)
    if g is not None and run(g, out):
        done.append(("latency-hello-c.png", "C hello latency by percentile"))
    return done
