"""The plan on a generated gmina at a time limit: objective, bound, gap, wall, peak MB, LNS rounds.

``solve(generate(profile, seed=seed), time_limit=limit, seed=seed)`` (``auto``), with the LNS
sub-models counted (one per neighbourhood re-solved), then the start of the largest component:
the FIFO greedy against the flow-guided rounding (:mod:`cus_match.optimise.solvers.flow_start`)
and that rounding followed by insertion with ejection (``solvers/insertion.py``).

    PYTHONPATH=src python benchmarks/city_plan.py --profile city --seed 1 --limit 60
    PYTHONPATH=src python benchmarks/city_plan.py --profile city --start-only

Peak MB is the process's ``ru_maxrss`` (the start is measured after the solve, so it does not
count there).
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

import cus_match.optimise.solvers.lns as lns_module
from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.optimise.rules import RULES
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.greedy import greedy_state
from cus_match.optimise.solvers.state import PlanState


def _count_rounds() -> dict[str, int]:
    seen = {"rounds": 0}
    base = lns_module.ComponentModel

    class Counting(base):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            seen["rounds"] += 1
            super().__init__(*args, **kwargs)

    lns_module.ComponentModel = Counting  # type: ignore[misc]
    return seen


def _start(profile: str, seed: int) -> None:
    try:
        from cus_match.optimise.solvers.flow_start import flow_guided
    except ImportError:  # before the flow-guided start existed
        flow_guided = None
    fifo = RULES["fifo"]
    compat = build_compat(generate(profile, seed=seed))
    comp = max(compat.components(), key=len)
    greedy = greedy_state(compat)
    mine = {i: greedy.chosen[i] for i in comp if i in greedy.chosen}
    print(f"largest component: {len(comp)} visits; greedy "
          f"{fifo.stages[0].value(compat, mine) / 6000:.2f} h")
    if flow_guided is not None:
        t = time.perf_counter()
        got = flow_guided(compat, comp, greedy)
        print(f"flow-guided start {fifo.stages[0].value(compat, got.plan) / 6000:.2f} h, flow "
              f"bound {(got.bound or 0) / 6000:.2f} h, {time.perf_counter() - t:.1f} s")
        try:
            from cus_match.optimise.solvers.insertion import insert_with_ejection
        except ImportError:  # before insertion with ejection existed
            return
        state = PlanState(compat)
        for i, (s, team) in sorted(got.plan.items()):
            state.add(i, s, team)
        t = time.perf_counter()
        insert_with_ejection(compat, comp, state, fifo, passes=1)
        hours = fifo.stages[0].value(compat, state.chosen) / 6000
        print(f"then insertion with ejection {hours:.2f} h, {len(state.chosen)} visits (from "
              f"{len(got.plan)}), "
              f"{time.perf_counter() - t:.1f} s")


def main() -> None:
    """Solve once and print one line of measurements (and the start of the largest component)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="city")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--start-only", action="store_true")
    args = ap.parse_args()
    if not args.start_only:
        seen = _count_rounds()
        inst = generate(args.profile, seed=args.seed)
        t = time.perf_counter()
        r = solve(inst, time_limit=args.limit, seed=args.seed)
        wall = time.perf_counter() - t
        assert r.objective is not None
        assert r.bound is not None
        gap = 100 * (r.bound - r.objective) / r.bound
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"objective {r.objective:.2f} bound {r.bound:.2f} gap {gap:.2f} % wall {wall:.2f} s "
              f"peak {peak:.0f} MB lns rounds {seen['rounds']} status {r.status.value}")
    _start(args.profile, args.seed)


if __name__ == "__main__":
    main()
