"""Scale benchmark: generated rural, town, city, 2x and 4x city instances, per method.

Each (instance, method) runs in its own subprocess, so peak memory (max RSS) is its own. Prints
a Markdown table — build time of the compatibility graph, solve time, objective, bound, gap,
peak memory, violations found by the independent checker — and per method the log-log slope of
total time against the number of visits. ``--json FILE`` writes the records.

    python benchmarks/scale.py                       # all sizes, greedy and cpsat, 60 s each
    python benchmarks/scale.py --only rural,town --methods cpsat --time-limit 20
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

SIZES = {  # name -> (profile, scale)
    "rural": ("rural", 1.0), "town": ("town", 1.0), "city": ("city", 1.0),
    "city2x": ("city", 2.0), "city4x": ("city", 4.0),
}


def run_one(name: str, method: str, seed: int, time_limit: float) -> dict:
    """Generate, build, solve and check one instance (runs inside the child process)."""
    import cus_match
    from cus_match.check import check
    from cus_match.compat import build_compat
    from cus_match.generate import generate
    from cus_match.solve import METHODS

    profile, scale = SIZES[name]
    inst = generate(profile, seed=seed, scale=scale)
    t0 = time.perf_counter()
    _ = inst.travel
    compat = build_compat(inst)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = METHODS[method](inst, seed=seed, time_limit=time_limit, compat=compat)
    solve = time.perf_counter() - t1
    violations = check(inst, result)
    return {
        "instance": name, "profile": profile, "scale": scale, "seed": seed, "method": method,
        "helpers": len(inst.helpers), "visits": len(compat.occurrences),
        "pairs": sum(len(c) for c in compat.candidates),
        "build_s": round(build, 3), "solve_s": round(solve, 3),
        "total_s": round(build + solve, 3), "objective": result.objective,
        "bound": result.bound,
        "gap_pct": None if result.gap is None else round(100 * result.gap, 3),
        "status": result.status.value, "violations": len(violations),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "version": cus_match.__version__,
    }


def _child(args: argparse.Namespace) -> None:
    print(json.dumps(run_one(args.child, args.methods, args.seed, args.time_limit)))


def _slope(rows: list[dict]) -> float | None:
    pts = [(math.log(r["visits"]), math.log(r["total_s"])) for r in rows
           if r["visits"] > 0 and r["total_s"] > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default=",".join(SIZES), help="comma-separated sizes")
    ap.add_argument("--methods", default="greedy,cpsat")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    rows = []
    head = ("| instance | method | helpers | visits | pairs | build s | solve s | objective | "
            "bound | gap % | status | peak MB | violations |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in args.only.split(","):
        for method in args.methods.split(","):
            cmd = [sys.executable, __file__, "--child", name, "--methods", method,
                   "--seed", str(args.seed), "--time-limit", str(args.time_limit)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(f"| {name} | {method} | failed: {out.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(f"| {name} | {method} | {r['helpers']} | {r['visits']} | {r['pairs']} | "
                  f"{r['build_s']} | {r['solve_s']} | {r['objective']} | {r['bound']} | "
                  f"{r['gap_pct']} | {r['status']} | {r['peak_mb']} | {r['violations']} |",
                  flush=True)
    print()
    for method in args.methods.split(","):
        s = _slope([r for r in rows if r["method"] == method])
        if s is not None:
            print(f"log-log slope of total time vs visits, {method}: {s:.2f}")
        for r in rows:
            if r["method"] == method and r["total_s"] > 0:
                share = 100 * r["build_s"] / r["total_s"]
                print(f"  {r['instance']}: graph building {share:.0f}% of total time")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
