# SPDX-License-Identifier: ISC
"""bench/report_mem.py: the memory row (bench/rss.sh's WORK/mem.tsv) as
markdown for bench/report.py: each server's RSS at start and holding the
idle keep-alive connections, and cgijail's roles before and after the
requests.  Reads only what rss.sh wrote; what is missing says so.
"""
import os

IDLE_TARGET_KIB = 64 * 1024     # issue 14: the front, 10,000 idle
FLAT_KIB = 1024                 # "stays flat": within 1 MiB
ROLES = {"cgijail-front": "front", "cgijail-exec": "executor",
         "cgijail": "parent"}
LABEL = {"cgijail": "cgijail", "lighttpd": "lighttpd", "nginx": "nginx"}


def _load(work):
    """{(server, phase): {"held": n, "ok": n, "rss": [(comm, kib)],
    "n": requests, "secs": s}}"""
    out = {}
    try:
        with open(os.path.join(work, "mem.tsv")) as f:
            lines = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
    except OSError:
        return out
    for r in lines:
        if len(r) < 4:
            continue
        d = out.setdefault((r[0], r[1]), {"rss": []})
        try:
            if r[2] == "rss" and len(r) == 6:
                d["rss"].append((r[4], int(r[5])))
            elif r[2] in ("held", "ok"):
                d[r[2]] = int(r[3])
            elif r[1] in ("warm", "run"):
                d["n"], d["secs"] = int(r[2]), int(r[3])
        except ValueError:
            continue
    return out


def _kib(d, server, role=None):
    """RSS of server's processes (role: cgijail's one role), or None"""
    if not d or not d["rss"]:
        return None
    if role is None:
        return sum(k for _, k in d["rss"])
    v = [k for c, k in d["rss"] if ROLES.get(c) == role]
    return v[0] if v else None


def _fmt(v):
    return "—" if v is None else f"{v:,}"


def _idle_rows(m, n):
    rows = [("cgijail", "front", "cgijail: the front"),
            ("cgijail", None, "cgijail: parent, front and executor"),
            ("lighttpd", None, "lighttpd (one process)"),
            ("nginx", None, "nginx (master and one worker)")]
    out = [f"| server | RSS at start, KiB | holding {n:,} idle keep-alive "
           "connections, KiB | per connection held, bytes | "
           "connections held |",
           "|---|---:|---:|---:|---:|"]
    for s, role, label in rows:
        a = _kib(m.get((s, "start")), s, role)
        b = _kib(m.get((s, "idle")), s, role)
        held = m.get((s, "idle"), {}).get("held")
        per = f"{(b - a) * 1024 / held:,.0f}" if a and b and held else "—"
        out.append(f"| {label} | {_fmt(a)} | {_fmt(b)} | {per} | "
                   f"{_fmt(held)} |")
    return out


def _exec_rows(m):
    before, after = m.get(("cgijail", "exec-before")), \
        m.get(("cgijail", "exec-after"))
    warm, run = m.get(("cgijail", "warm"), {}), m.get(("cgijail", "run"), {})
    out = [f"cgijail's roles after a warm-up of {warm.get('n', 0):,} C hello "
           f"requests ({warm.get('secs', 0)} s) and after "
           f"{run.get('n', 0):,} more ({run.get('secs', 0)} s; wrk c=16, "
           "keep-alive):", "",
           "| role | RSS after the warm-up, KiB | after the requests, KiB | "
           "change, KiB |", "|---|---:|---:|---:|"]
    for role in ("executor", "front", "parent"):
        a = _kib(before, "cgijail", role)
        b = _kib(after, "cgijail", role)
        ch = f"{b - a:+,}" if a is not None and b is not None else "—"
        out.append(f"| {role} | {_fmt(a)} | {_fmt(b)} | {ch} |")
    return out


def memory(work):
    """The markdown lines of the memory row."""
    m = _load(work)
    if not m:
        return ["The memory row did not run (see the run's output)."]
    n = max((d.get("held", 0) for (s, p), d in m.items() if p == "idle"),
            default=0)
    front = _kib(m.get(("cgijail", "idle")), "cgijail", "front")
    a = _kib(m.get(("cgijail", "exec-before")), "cgijail", "executor")
    b = _kib(m.get(("cgijail", "exec-after")), "cgijail", "executor")
    out = _idle_rows(m, n) + [""] + _exec_rows(m) + [""]
    out.append("Targets: the front holding 10,000 idle keep-alive "
               f"connections in ≤ 64 MiB ({IDLE_TARGET_KIB:,} KiB): " +
               ("—" if front is None else "met" if front <=
                IDLE_TARGET_KIB else "not met") +
               "; the executor's RSS flat (within "
               f"{FLAT_KIB:,} KiB): " +
               ("—" if a is None or b is None else "met" if b - a <=
                FLAT_KIB else "not met") + ".")
    try:
        with open(os.path.join(work, "mem-load")) as f:
            load = f.read().split("\t")[1].split()[0]
        out.append(f"1-minute load average at the end of the row: {load}.")
    except (OSError, IndexError):
        pass
    return out
