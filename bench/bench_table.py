#!/usr/bin/env python3
"""Turns duet_bench's JSON into the markdown table of docs/benchmarks.md and
checks issue #7's targets (one PASS/FAIL line each).

    duet_bench --benchmark_out=duet_bench.json --benchmark_out_format=json \
        [--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true]
    python3 bench/bench_table.py duet_bench.json [--check]

With repetitions, each time is the median of the repetitions.

--check makes the exit status 1 when a target fails. Python 3 stdlib only.
"""
import argparse
import json
import statistics
import sys

IMPLS = ["duet_pure", "duet_torch", "duet_auto", "libtorch_eager"]
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path):
    """{workload: {impl: {"ns": wall time per iteration, counters...}}}, context.

    With --benchmark_repetitions=N, "ns" is the median of the N repetitions
    (best taken with --benchmark_enable_random_interleaving=true, so a slow
    spell of a shared machine does not land on one implementation only)."""
    with open(path) as f:
        doc = json.load(f)
    rows = {}
    for b in doc.get("benchmarks", []):
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        # UseRealTime() makes Google Benchmark append "/real_time".
        name = b["name"].removesuffix("/real_time")
        parts = name.split("/")
        if len(parts) != 2 or parts[1] not in IMPLS:
            continue
        entry = rows.setdefault(parts[0], {}).setdefault(parts[1], {"times": []})
        entry.update({k: v for k, v in b.items() if k != "times"})
        entry["times"].append(b["real_time"] * UNIT_NS[b.get("time_unit", "ns")])
    for impls in rows.values():
        for entry in impls.values():
            entry["ns"] = statistics.median(entry["times"])
    return rows, doc.get("context", {})


def fmt_time(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def ns_of(rows, workload, impl):
    return rows.get(workload, {}).get(impl, {}).get("ns")


def ratio(a, b):
    return a / b if a and b else None


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def table(rows):
    out = ["| workload | duet_pure | duet_torch | duet_auto | libtorch_eager "
           "| eager / auto | best(pure, torch) / auto |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for w in rows:
        t = {i: ns_of(rows, w, i) for i in IMPLS}
        best = min([x for x in (t["duet_pure"], t["duet_torch"]) if x], default=None)
        cells = [fmt_time(t[i]) for i in IMPLS]
        if w == "tiny_graph_dispatch":
            cells = [c + per_node(rows, w, i) for c, i in zip(cells, IMPLS)]
        out.append(f"| {w} | " + " | ".join(cells) +
                   f" | {fmt_ratio(ratio(t['libtorch_eager'], t['duet_auto']))}"
                   f" | {fmt_ratio(ratio(best, t['duet_auto']))} |")
    return "\n".join(out)


def per_node(rows, w, impl):
    v = rows.get(w, {}).get(impl, {}).get("ns_per_node")
    return "" if v is None else f" ({v:.0f} ns/node)"


def targets(rows):
    """(name, passed or None when not measured, detail) per target."""
    res = []
    for n in (64, 256, 1024):
        w = f"gemm_{n}"
        auto = ns_of(rows, w, "duet_auto")
        ref = [x for x in (ns_of(rows, w, "duet_pure"), ns_of(rows, w, "libtorch_eager")) if x]
        if auto and ref:
            r = auto / min(ref)
            res.append((f"{w}/duet_auto within 5% of faster of Eigen (duet_pure) and torch "
                        f"(libtorch_eager)", r <= 1.05, f"auto / faster = {r:.3f}"))
        else:
            res.append((f"{w} within 5%", None, "not measured"))
    for w, want in (("eltwise_chain_1M", 5), ("eltwise_chain_1K", 50),
                    ("mlp_infer_b32", 1.2), ("mlp_train_b64", 1.5)):
        r = ratio(ns_of(rows, w, "libtorch_eager"), ns_of(rows, w, "duet_auto"))
        res.append((f"{w}: duet_auto >= {want}x faster than libtorch_eager",
                    None if r is None else r >= want, fmt_ratio(r)))
    v = rows.get("tiny_graph_dispatch", {}).get("duet_pure", {}).get("ns_per_node")
    res.append(("tiny_graph_dispatch/duet_pure <= 50 ns per node",
                None if v is None else v <= 50, "—" if v is None else f"{v:.1f} ns/node"))
    w = "transformer_block_infer"
    auto = ns_of(rows, w, "duet_auto")
    best = [x for x in (ns_of(rows, w, "duet_pure"), ns_of(rows, w, "duet_torch")) if x]
    r = ratio(min(best) if best else None, auto)
    res.append((f"{w}: duet_auto faster than best of duet_pure and duet_torch",
                None if r is None else r > 1, f"best / auto = {fmt_ratio(r)}"))
    return res


def context_lines(ctx):
    keys = ["duet_cpu", "duet_hardware_threads", "duet_threads", "duet_torch", "duet_torch_blas",
            "duet_profile", "duet_build"]
    return [f"- {k}: {ctx[k]}" for k in keys if k in ctx] + \
        [f"- date: {ctx.get('date', '?')}, host: {ctx.get('host_name', '?')}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", help="duet_bench --benchmark_format=json output")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target fails")
    a = ap.parse_args()
    rows, ctx = load(a.json)
    if not rows:
        sys.exit(f"{a.json}: no <workload>/<impl> benchmarks found")
    print("\n".join(context_lines(ctx)))
    reps = max(len(e["times"]) for impls in rows.values() for e in impls.values())
    if reps > 1:
        print(f"- times: median of {reps} repetitions")
    print()
    print(table(rows))
    print()
    failed = False
    for name, ok, detail in targets(rows):
        tag = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        failed |= ok is False
        print(f"{tag}  {name}: {detail}")
    print("(zero heap allocations on a cached plan run: tests/alloc, `ctest -R ZeroAlloc`)")
    sys.exit(1 if failed and a.check else 0)


if __name__ == "__main__":
    main()
