"""Recommendation latency: top-k helpers and times for new needs, fitted into a city plan.

Protocol: generate the profile (default ``city``, seed 1), take ``--needs`` of its own needs out
(a seeded sample, made non-required), plan the rest (``--method greedy`` by default, or
``auto`` with ``--time-limit``), build one :class:`cus_match.analysis.recommend.Recommender` on that
plan (its build time is reported), then time ``recommend(need, k)`` on each taken-out need
(wall clock, one call each, after one warm-up call that is not counted). The option ranked
first for each visit is verified: added to the plan it must pass :func:`cus_match.plan.check.check`
on the instance with the need (``--verify 0`` skips this, ``--verify N`` checks the first N
needs).

Prints a Markdown table (median, p90, max latency) and, with ``--json FILE``, writes the
records.

    python benchmarks/recommend.py                         # city, greedy plan, 50 needs, k=5
    python benchmarks/recommend.py --profile rural --needs 20 --method auto --time-limit 20
    python benchmarks/recommend.py --method none --verify 5   # empty plan: most options
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from pathlib import Path

import attrs


def _percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``xs``."""
    k = max(0, min(len(xs) - 1, round(q * len(xs) + 0.5) - 1))
    return xs[k]


def run(profile: str, seed: int, needs: int, k: int, method: str, time_limit: float | None,
        verify: int) -> dict:
    """Run the benchmark; returns its record."""
    import cus_match
    from cus_match import solve
    from cus_match.analysis.recommend import Recommender
    from cus_match.generate import generate
    from cus_match.plan.check import check
    from cus_match.plan.result import Result, Status

    inst = generate(profile, seed=seed)
    pool = sorted(inst.needs, key=lambda n: n.id)
    taken = random.Random(seed).sample(pool, min(needs, len(pool)))
    ids = {n.id for n in taken}
    base = attrs.evolve(inst, needs=[n for n in inst.needs if n.id not in ids])
    t0 = time.perf_counter()
    if method == "none":  # an empty plan: every helper free, the most options to rank
        plan = Result(Status.FEASIBLE, method="none", rule="none")
    else:
        plan = solve(base, method=method, time_limit=time_limit, seed=seed)
    solve_s = time.perf_counter() - t0
    bad_plan = check(base, plan)
    known = {str(v) for v in bad_plan}
    t0 = time.perf_counter()
    rec = Recommender(base, plan)
    build_s = time.perf_counter() - t0
    new_needs = [attrs.evolve(n, required=False) for n in sorted(taken, key=lambda n: n.id)]
    rec.recommend(new_needs[0], k=k)  # warm-up: imports and first-use caches
    latencies, options, with_option, violations, verified = [], 0, 0, 0, 0
    for i, n in enumerate(new_needs):
        t0 = time.perf_counter()
        got = rec.recommend(n, k=k)
        latencies.append(time.perf_counter() - t0)
        options += len(got)
        with_option += bool(got)
        if i < verify:
            for o in (o for o in got if o.rank == 1):
                full, with_it = rec.accept(n, o)
                # Only what the option adds (an empty plan breaks completeness by itself).
                violations += sum(str(v) not in known for v in check(full, with_it))
                verified += 1
    lat = sorted(latencies)
    return {
        "profile": profile, "seed": seed, "method": method, "k": k,
        "helpers": len(base.helpers), "needs_in_plan": len(base.needs),
        "plan_assignments": len(plan.assignments), "plan_violations": len(bad_plan),
        "solve_s": round(solve_s, 3), "build_s": round(build_s, 3),
        "calls": len(lat), "median_ms": round(1000 * statistics.median(lat), 2),
        "p90_ms": round(1000 * _percentile(lat, 0.9), 2), "max_ms": round(1000 * lat[-1], 2),
        "mean_ms": round(1000 * statistics.fmean(lat), 2),
        "needs_with_options": with_option, "options": options,
        "verified_options": verified, "violations": violations,
        "version": cus_match.__version__, "python": platform.python_version(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--profile", default="city", help="tiny, rural, town or city")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--needs", type=int, default=50, help="new needs to recommend for")
    ap.add_argument("-k", type=int, default=5, help="options per visit")
    ap.add_argument("--method", default="greedy",
                    help="how the plan is made (none: an empty plan, the worst case)")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--verify", type=int, default=50,
                    help="check the first option of each visit for the first N needs")
    ap.add_argument("--json", type=Path, help="write the record here")
    args = ap.parse_args()
    r = run(args.profile, args.seed, args.needs, args.k, args.method, args.time_limit,
            args.verify)
    print(f"Plan: {r['profile']} seed {r['seed']}, {r['helpers']} helpers, "
          f"{r['needs_in_plan']} needs, {r['plan_assignments']} helper visits by "
          f"{r['method']} in {r['solve_s']:.1f} s ({r['plan_violations']} violations"
          f"{', an empty plan' if r['method'] == 'none' else ''})\n")
    print("| Recommender build (s) | calls | k | median (ms) | p90 (ms) | max (ms) "
          "| needs with options | options | verified | violations |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {r['build_s']:.3f} | {r['calls']} | {r['k']} | {r['median_ms']:.1f} "
          f"| {r['p90_ms']:.1f} | {r['max_ms']:.1f} | {r['needs_with_options']} "
          f"| {r['options']} | {r['verified_options']} | {r['violations']} |")
    if args.json:
        args.json.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    if r["violations"] or (r["plan_violations"] and r["method"] != "none"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
