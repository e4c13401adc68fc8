#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench/report.py WORK OUT: bench/run.sh's results in WORK (wrk outputs,
spawncost, the executor's spawn log, the memory row) as markdown tables on
stdout and in OUT/RESULTS.md, with the charts (bench/plot.py) in
OUT/results/.  bench/report.py --memory WORK OUT: the memory row alone, in
OUT/MEMORY.md.  Reads only what run.sh wrote; a missing or failed
measurement is shown as such.
"""
import datetime
import os
import platform
import re
import statistics
import sys

import plot
import report_mem

SERVERS = ["cgijail", "lighttpd", "nginx", "apache", "python"]
PEERS = SERVERS[1:]
LABEL = {"cgijail": "cgijail", "lighttpd": "lighttpd mod_cgi",
         "nginx": "nginx + fcgiwrap", "apache": "apache2 mod_cgid",
         "python": "python3 http.server"}
# errors above this share of requests make a measurement no result
ERR_MAX = 0.01
# python's HTTP/1.0 CGI replies end at EOF, which wrk counts as a read
# error after it counted the reply: not a failure there
EOF_DELIMITED = {"python"}


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def parse_wrk(path):
    """one wrk run: dict(rps, pct{p: us}, errors, requests) or None"""
    text = read(path)
    m = re.search(r"BENCH summary requests (\d+) duration_us (\d+) "
                  r"connect (\d+) read (\d+) write (\d+) status (\d+) "
                  r"timeout (\d+)", text)
    if m is None or "BENCH failed" in text:
        return None
    v = [int(x) for x in m.groups()]
    pct = {float(p): int(us) for p, us in
           re.findall(r"BENCH pct ([0-9.]+) (\d+)", text)}
    if v[0] == 0 or v[1] == 0:
        return None
    return {"rps": v[0] / (v[1] / 1e6), "pct": pct, "requests": v[0],
            "errors": v[2] + sum(v[4:]), "read": v[3]}


def cpu_us(path, requests):
    """a run's server CPU time per request in µs (bench_cpu_server's
    "TICKS HZ" file), or None"""
    f = read(path).split()
    if len(f) != 2 or not all(x.lstrip("-").isdigit() for x in f) or \
            int(f[0]) < 0 or int(f[1]) <= 0 or requests <= 0:
        return None
    return int(f[0]) / int(f[1]) * 1e6 / requests


def cell(work, row, server, rounds):
    """the median of the rounds for one row and server, or None"""
    runs = []
    for r in range(1, rounds + 1):
        path = os.path.join(work, "res", f"{row}.{server}.{r}")
        run = parse_wrk(path)
        if run is not None:
            run["cpu"] = cpu_us(path + ".cpu", run["requests"])
            runs.append(run)
    if not runs:
        return None
    cpus = [r["cpu"] for r in runs if r["cpu"] is not None]
    runs.sort(key=lambda r: r["rps"])
    mid = runs[(len(runs) - 1) // 2]
    req = sum(r["requests"] for r in runs)
    err = sum(r["errors"] + (0 if server in EOF_DELIMITED else r["read"])
              for r in runs)
    return {"rps": mid["rps"],
            "p50": statistics.median(r["pct"].get(50.0, 0) for r in runs),
            "p99": statistics.median(r["pct"].get(99.0, 0) for r in runs),
            "curve": mid["pct"], "rounds": len(runs), "errors": err,
            "valid": err <= ERR_MAX * req,
            "cpu": statistics.median(cpus) if cpus else None}


def load_rows(work):
    rows = []
    for line in read(os.path.join(work, "rows.txt")).splitlines():
        f = line.split("|")
        rows.append({"id": f[0], "label": f[1], "path": f[2],
                     "target": f[6], "kind": f[7]})
    return rows


def tsv(path):
    return [ln.split("\t") for ln in read(path).splitlines() if ln]


def best(cells):
    """the peer with the most req/s among the valid ones, or None"""
    c = [s for s in PEERS if cells.get(s) and cells[s]["valid"]]
    return max(c, key=lambda s: cells[s]["rps"]) if c else None


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "—"


def fmt_rps(c):
    if c is None:
        return "—"
    s = f"{c['rps']:,.0f}"
    return s if c["valid"] else s + " †"


def fmt_cpu(c):
    if c is None or c["cpu"] is None:
        return "—"
    s = f"{c['cpu']:,.1f}" if c["cpu"] < 100 else f"{c['cpu']:,.0f}"
    return s if c["valid"] else s + " †"


def fmt_lat(c):
    if c is None:
        return "—"
    s = f"{c['p50'] / 1000:.2f} / {c['p99'] / 1000:.2f}"
    return s if c["valid"] else s + " †"


def target(row, cells):
    """(what the issue asks, whether it is met) for one row"""
    j, t = cells.get("cgijail"), row["target"]
    if t == "none":
        return "—", "—"
    ref = cells.get("lighttpd") if t == "lighttpd" else cells.get(best(cells))
    need = 1.5 if t.startswith("cgi") else 1.0
    what = f"≥ {need:.1f}× " + ("lighttpd" if t == "lighttpd" else "best")
    if t == "cgi1":
        what += ", p50 ≤ 0.8×"
    elif t == "cgi16":
        what += ", p99 ≤ 1.0×"
    if j is None or ref is None:
        return what, "no result"
    ok = [j["rps"] >= need * ref["rps"]]
    if t == "cgi1":
        ok.append(j["p50"] <= 0.8 * ref["p50"])
    elif t == "cgi16":
        ok.append(j["p99"] <= ref["p99"])
    return what, " / ".join("yes" if x else "no" for x in ok)


def table(title, hdr, tail, rows, res, fmt, extra):
    """one table: a line per workload, a column per server (fmt of its
    cell), then the columns named in tail (tail's alignments), which
    extra(row, cells) gives"""
    out = [f"### {title}", "",
           "| workload | " + " | ".join(hdr) + " | " +
           " | ".join(t for t, _ in tail) + " |",
           "|---|" + "---:|" * len(SERVERS) + "".join(a + "|"
                                                     for _, a in tail)]
    for row in rows:
        cells = res[row["id"]]
        out.append(f"| {row['label']} | " +
                   " | ".join(fmt(cells.get(s)) for s in SERVERS) +
                   " | " + " | ".join(extra(row, cells)) + " |")
    return out


def rps_extra(row, cells):
    b, j = best(cells), cells.get("cgijail")
    return [LABEL[b] if b else "—",
            ratio(j and j["rps"], b and cells[b]["rps"])] + \
        list(target(row, cells))


def lat_extra(row, cells):
    b, j = best(cells), cells.get("cgijail")
    return [ratio(j and j[k], b and cells[b][k]) for k in ("p50", "p99")]


def cpu_extra(row, cells):
    b, j = best(cells), cells.get("cgijail")
    least = [s for s in PEERS if cells.get(s) and cells[s]["valid"] and
             cells[s]["cpu"] is not None]
    least = min(least, key=lambda s: cells[s]["cpu"]) if least else None
    return [ratio(j and j["cpu"], b and cells[b]["cpu"]),
            LABEL[least] if least else "—"]


def tables(rows, res, up):
    hdr = [LABEL[s] + ("" if up.get(s) == "up" else " (missing)")
           for s in SERVERS]
    out = table("Throughput (req/s, median of the rounds)", hdr,
                [("best peer", "---"), ("cgijail ÷ best", "---:"),
                 ("target", "---"), ("met", "---")],
                rows, res, fmt_rps, rps_extra)
    out += [""] + table("Latency (ms, p50 / p99, median of the rounds)", hdr,
                        [("p50 ÷ best peer's", "---:"),
                         ("p99 ÷ best peer's", "---:")],
                        rows, res, fmt_lat, lat_extra)
    out += [""] + table("Server CPU time per request (µs, median of the "
                        "rounds; less is better)", hdr,
                        [("cgijail ÷ best peer's", "---:"),
                         ("least of the peers", "---")],
                        rows, res, fmt_cpu, cpu_extra)
    out += ["", "— no result (missing server, wrong answer or failed "
            "run); † more than 1 % of requests failed (socket errors, "
            "timeouts or non-2xx): not counted as best. The best peer is "
            "the one with the most req/s in the row; the latency and CPU "
            "ratios are to that same peer. CPU time is the machine's busy "
            "time over the wrk run (user, nice, system, irq, softirq) less "
            "wrk's own, divided by the requests wrk counted: the server, "
            "its scripts however they are reaped and the kernel's work for "
            "them (bench/README.md). It moves less than req/s when wrk and "
            "the server share the cores."]
    return out


def spawncost(work):
    rows = {(r[0], r[1]): (float(r[2]), float(r[3]))
            for r in tsv(os.path.join(work, "spawncost.tsv"))
            if len(r) == 4 and r[0] in ("bare", "jailed")}
    if len(rows) != 4:
        return ["spawncost did not run (see the run's output)."]
    head = [ln for ln in read(os.path.join(work, "spawncost.tsv"))
            .splitlines() if ln.startswith("#")]
    out = [(head[0][2:] if head else "spawncost") + ".", "",
           "| from one process | median µs | p99 µs |", "|---|---:|---:|"]
    for stage, what in (("exec", "to its exec"),
                        ("reaped", "to EOF on stdout, reaped "
                                   "(jailed: and released)")):
        b, j = rows[("bare", stage)], rows[("jailed", stage)]
        out += [f"| bare fork + execveat, {what} | {b[0]:.0f} | "
                f"{b[1]:.0f} |",
                f"| sandbox_spawn(), every layer, {what} | {j[0]:.0f} | "
                f"{j[1]:.0f} |",
                f"| **jailed ÷ bare, {what}** (target ≤ 1.30×) | "
                f"**{j[0] / b[0]:.2f}×** | **{j[1] / b[1]:.2f}×** |"]
    return out


def spawnlog(work):
    out = ["| cgijail --debug, wrk on the C hello | spawns | median µs | "
           "p99 µs |", "|---|---:|---:|---:|"]
    for c in ("1", "16"):
        v = sorted(int(x) for x in
                   read(os.path.join(work, f"spawnlog.{c}")).split())
        if v:
            out.append(f"| c={c} | {len(v)} | {v[(len(v) - 1) // 2]} | "
                       f"{v[int((len(v) - 1) * 0.99)]} |")
        else:
            out.append(f"| c={c} | 0 | — | — |")
    return out


def machine():
    cpu = read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.*)$", cpu, re.M)
    ncpu = len(re.findall(r"^processor\s*:", cpu, re.M))
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo"), re.M)
    u = platform.uname()
    vm = " (a virtual machine)" if re.search(r"^flags\s*:.*\bhypervisor\b",
                                             cpu, re.M) else ""
    return (f"{ncpu} × {model.group(1) if model else '?'}{vm}, "
            f"{int(mem.group(1)) / 1048576 if mem else 0:.1f} GiB RAM; "
            f"{u.system} {u.release} ({u.version}) {u.machine}; "
            f"Debian {read('/etc/debian_version').strip()}")


def preamble(work, params):
    rounds, dur, n, secs = params
    vers = dict(r[:2] for r in tsv(os.path.join(work, "versions.tsv")))
    load = tsv(os.path.join(work, "load.tsv"))
    loads = [float(r[1].split()[0]) for r in load if len(r) > 1]
    cpu = read(os.path.join(work, "cpu"), "0 100 0 1").split()
    busy, ours = int(cpu[0]) / int(cpu[1]), float(cpu[2])
    other = max(busy - ours, 0.0)
    avail = max(secs, 1) * int(cpu[3])
    now = datetime.datetime.now(datetime.timezone.utc)
    return [f"Run of {now:%Y-%m-%d %H:%M} UTC, `make bench` (ROUNDS={rounds}, "
            f"DURATION={dur} s, SPAWNCOST_N={n}): {secs // 60} min "
            f"{secs % 60} s in all.", "",
            f"- machine: {machine()}",
            "- servers: " + "; ".join(f"{LABEL.get(k, k)}: {v}" for k, v in
                                      vers.items() if k != "wrk"),
            f"- client: {vers.get('wrk', 'wrk')}, on the same cores; "
            "c=1 with one thread, c=16 with two",
            f"- the machine: 1-minute load average {loads[0]:.2f} before "
            f"the run; CPU time spent outside the run's processes while it "
            f"ran {other:.0f} s of {avail} s ({100 * other / avail:.1f} %; "
            f"the run's own {ours:.0f} s)" if loads else "- load: ?"]


def main_memory(work, out):
    now = datetime.datetime.now(datetime.timezone.utc)
    text = "\n".join([f"Run of {now:%Y-%m-%d %H:%M} UTC, `bash bench/run.sh "
                      "mem` (the memory row alone).", "",
                      f"- machine: {machine()}", ""] +
                     report_mem.memory(work)) + "\n"
    print(text)
    with open(os.path.join(out, "MEMORY.md"), "w") as f:
        f.write("# `make bench`: the memory row\n\n" + text)


def main():
    if sys.argv[1] == "--memory":
        main_memory(sys.argv[2], sys.argv[3])
        return
    work, out = sys.argv[1], sys.argv[2]
    p = read(os.path.join(work, "params"), "3 4 0 0").split()
    params = [int(x) for x in p]
    rows = load_rows(work)
    up = {r[0]: r[1] for r in tsv(os.path.join(work, "servers.tsv"))}
    res = {row["id"]: {s: cell(work, row["id"], s, params[0])
                       for s in SERVERS} for row in rows}
    pngs = plot.draw(rows, res, SERVERS, LABEL, os.path.join(out, "results"),
                     work)
    body = preamble(work, params) + [""] + tables(rows, res, up) + \
        ["", "### The sandbox's own cost (bench/spawncost.c)", ""] + \
        spawncost(work) + \
        ["", "The executor's own clone-to-execve times, every layer, from "
         "its `--debug` log (\"spawn N us\"):", ""] + spawnlog(work) + \
        ["", "### Memory (bench/rss.sh)", ""] + report_mem.memory(work) + \
        ["", "### Charts", ""] + \
        [f"![{t}](results/{f})" for f, t in pngs]
    text = "\n".join(body) + "\n"
    print(text)
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write("# `make bench` results\n\n"
                "Written by bench/report.py at the end of a full run; the "
                "method is in bench/README.md.\n\n" + text)


if __name__ == "__main__":
    main()
