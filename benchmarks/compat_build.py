"""Building the compatibility graph with and without switching the garbage collector.

``build_compat`` used to switch Python's cyclic garbage collector off for the whole process while
it ran (not thread-safe in an embedding server). This measures, each run in a fresh process, on
generated instances (seed 1):

* ``switch``: the collector off during ``build_compat`` (the old behaviour),
* ``on``: no switching at all,
* ``freeze``: no switching, then ``gc.freeze()`` right after the build (moves every object the
  process then has to a generation the collector never scans: later collections skip the graph),
* ``columns`` (this tree only): no switching, and no :class:`Candidate` objects either: each
  occurrence keeps the plain columns of ``compat.tables.candidate_columns``. Not an API (the
  solvers read objects); it measures what a columnar candidate store would cost to build.

Each variant runs on the code of this work tree (``tree``) and, with ``--base REV``, on the
``cus_match.compat`` of that git revision too (one module then, loaded beside this tree's
package, so it must still run against this tree's other modules). Columns: build wall
and CPU seconds (best of ``--repeat`` processes: the machine may be shared, CPU time is the
steadier), seconds spent in the collector during the build and its full collections (gen 2),
one full ``gc.collect()`` right after the build (what every later full collection pays while
the graph is alive), peak RSS of the process and its growth during the build (median).

    python benchmarks/compat_build.py                            # town, city, city2x; tree
    python benchmarks/compat_build.py --base bc5cb0d --repeat 3  # the table of the README
    python benchmarks/compat_build.py --only city --variants on --json out/compat_build.json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"town": ("town", 1.0), "city": ("city", 1.0), "city2x": ("city", 2.0)}
VARIANTS = ("switch", "on", "freeze", "columns")


def _rss_mb() -> float:
    """Resident memory now (not the peak), from /proc."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _load_base(rev: str) -> types.ModuleType:
    """``cus_match.compat`` as it was at ``rev`` (one module), beside this tree's package."""
    import cus_match  # noqa: F401  (the package imports this tree's compat; the old one is apart)

    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:src/cus_match/compat/"
                             "__init__.py"], check=True, capture_output=True, text=True).stdout
    name = f"compat_at_{rev}"
    module = types.ModuleType(name)
    module.__file__ = f"<{rev}:src/cus_match/compat/__init__.py>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def run_one(size: str, variant: str, code: str) -> dict:
    """Generate, build and measure one instance (runs inside the child process)."""
    compat = _load_base(code) if code != "tree" else None
    if compat is None:
        import cus_match.compat as compat
    build_compat = compat.build_compat
    if variant == "columns":
        from cus_match.compat import graph, tables

        def columns(t, need, kept, first, cache):
            return tables.candidate_columns(t, need, kept, cache)

        graph.need_candidates = columns
    if variant != "switch" and hasattr(compat, "_no_gc"):
        # The old code switches by itself; "no switching" runs it with a switch that does not.
        compat._no_gc = contextlib.nullcontext
    from cus_match.generate import generate

    profile, scale = SIZES[size]
    inst = generate(profile, seed=1, scale=scale)
    _ = inst.travel  # the travel matrix is the instance's, not the build's
    gc.collect()
    spent = {"s": 0.0, "full": 0, "t0": 0.0}

    def timer(phase: str, info: dict) -> None:
        if phase == "start":
            spent["t0"] = time.process_time()
        else:
            spent["s"] += time.process_time() - spent["t0"]
            spent["full"] += info["generation"] == 2

    gc.callbacks.append(timer)
    rss0 = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    if variant == "switch":
        enabled = gc.isenabled()
        gc.disable()
        try:
            c = build_compat(inst)
        finally:
            if enabled:
                gc.enable()
    else:
        c = build_compat(inst)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.callbacks.remove(timer)
    in_gc, full = spent["s"], spent["full"]
    if variant == "freeze":
        gc.freeze()
    t1 = time.perf_counter()
    gc.collect()
    collect = time.perf_counter() - t1
    return {
        "instance": size, "profile": profile, "scale": scale, "seed": 1, "code": code,
        "variant": variant, "visits": len(c.occurrences),
        "pairs": sum(len(x[0] if variant == "columns" else x) for x in c.candidates),
        "build_s": round(wall, 3), "cpu_s": round(cpu, 3), "gc_s": round(in_gc, 3),
        "full_collections": full, "collect_after_s": round(collect, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "build_mb": round(_rss_mb() - rss0, 1),
    }


def _child(args: argparse.Namespace) -> None:
    print(json.dumps(run_one(args.child, args.variants, args.code)))


def _summary(runs: list[dict]) -> dict:
    best = min(runs, key=lambda r: r["cpu_s"])
    return {**best, "build_s": min(r["build_s"] for r in runs),
            "cpu_s": best["cpu_s"], "gc_s": min(r["gc_s"] for r in runs),
            "collect_after_s": min(r["collect_after_s"] for r in runs),
            "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            "build_mb": statistics.median(r["build_mb"] for r in runs), "runs": len(runs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default=",".join(SIZES), help="comma-separated sizes")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--base", help="also measure cus_match.compat of this git revision")
    ap.add_argument("--repeat", type=int, default=1, help="processes per row (best is kept)")
    ap.add_argument("--json", type=Path, help="write every run and the summary rows")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--code", default="tree", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    codes = [args.base, "tree"] if args.base else ["tree"]
    runs: list[dict] = []
    rows: list[dict] = []
    for size in args.only.split(","):
        for code in codes:
            for variant in args.variants.split(","):
                if variant == "columns" and code != "tree":
                    continue  # the old code has no columns to keep
                mine = []
                for _ in range(args.repeat):
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", size, "--variants", variant,
                         "--code", code], check=True, capture_output=True, text=True)
                    mine.append(json.loads(out.stdout.strip().splitlines()[-1]))
                runs += mine
                rows.append(_summary(mine))
                print(f"  {size} {code} {variant}: {rows[-1]['cpu_s']} s CPU", file=sys.stderr)
    print("| instance | code | GC | visits | pairs | build s | CPU s | in GC CPU s | full GCs "
          "| gc.collect() after s | peak MB | build MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['instance']} | {r['code']} | {r['variant']} | {r['visits']} | {r['pairs']} "
              f"| {r['build_s']} | {r['cpu_s']} | {r['gc_s']} | {r['full_collections']} "
              f"| {r['collect_after_s']} | {r['peak_mb']:.0f} | {r['build_mb']:.0f} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
