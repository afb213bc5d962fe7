"""Upper bounds on a generated gminas's largest component, side by side, with their times.

The trivial bound (every meetable visit met), the LP without start times (GLOP), the same LP
as a min-cost flow (plain, and with each helper-day held to its longest chain in minutes), the
Lagrangian bound over helper-day chains (from scratch, from the flow's duals as the solve did
until 2026-12-03's fourth session, from the held flow's duals as it does now, and from the
LP's duals), and the time-indexed LP (GLOP, where the model fits), on the first stage of a
rule, in hours (scaled stage units / 6000). Prints one Markdown row per bound; the chains'
rows note the best bound reached by 10, 20 and 30 s (building included).

    PYTHONPATH=src python benchmarks/bounds.py --profile town
    PYTHONPATH=src python benchmarks/bounds.py --profile city --skip lp,ti,chains
    PYTHONPATH=src python benchmarks/bounds.py --profile city --chain-seconds 60
    PYTHONPATH=src python benchmarks/bounds.py --profile city --skip lp,ti --chain-seconds 30

The city's GLOP LP takes minutes on a loaded machine (``--skip lp`` leaves it out, and with it
the chains from its duals); its time-indexed model does not fit (``ti`` is skipped above
``MODEL_MAX_Z`` helper-start columns anyway).
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import Any

from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import RULES
from cus_match.optimise.solvers.components import active_components
from cus_match.optimise.solvers.lagrange import chain_minutes, lagrangian_bound
from cus_match.optimise.solvers.method import trivial_bound
from cus_match.optimise.solvers.relaxation import flow_bound, flow_relaxation, lp_with_duals
from cus_match.optimise.timeindexed.model import count_z
from cus_match.optimise.timeindexed.solve import MODEL_MAX_Z
from cus_match.optimise.timeindexed.solve import lp_bound as ti_lp_bound

HOURS = 6000


def _timed(f: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="town")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rule", default="fifo")
    ap.add_argument("--skip", default="", help="comma-separated: lp, ti, chains")
    ap.add_argument("--chain-seconds", type=float, default=60.0)
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    compat = build_compat(generate(args.profile, seed=args.seed))
    comp = max(active_components(compat), key=len)
    rule = RULES[args.rule]
    stage = rule.stages[0]
    z = count_z(compat, comp)
    print(f"{args.profile} seed {args.seed}, rule {args.rule}: {len(comp)} visits, "
          f"{z} helper-start columns\n")
    print("| bound | hours | seconds | note |\n|---|---|---|---|")

    def row(name: str, value: float | None, seconds: float, note: str = "") -> None:
        shown = "-" if value is None else f"{value / HOURS:.3f}"
        print(f"| {name} | {shown} | {seconds:.2f} | {note} |", flush=True)

    row("trivial", *_timed(lambda: trivial_bound(compat, comp, rule)))
    (flow, flow_duals), s = _timed(lambda: flow_relaxation(compat, comp, stage))
    row("LP as flow", flow, s)
    held, s = _timed(lambda: chain_minutes(compat, comp))
    row("LP as flow, helper-days held to their longest chains",
        *_timed(lambda: flow_bound(compat, comp, stage, day_minutes=held)),
        f"+ {s:.2f} s for the chains' minutes")

    def chains(name: str, **kw: Any) -> None:
        trace: list[tuple[float, float]] = []
        got, s = _timed(lambda: lagrangian_bound(
            compat, comp, stage, deadline=Deadline.after(args.chain_seconds), trace=trace,
            **kw))
        at = [min((v for t, v in trace if t <= mark), default=None) for mark in (10, 20, 30)]
        shown = ", ".join("-" if v is None else f"{v / HOURS:.1f}" for v in at)
        row(name, got and got.value, s,
            got and f"{got.rounds} rounds; by 10/20/30 s: {shown}")

    duals = None
    if "lp" not in skip:
        (relaxation, duals), s = _timed(lambda: lp_with_duals(compat, comp, stage))
        row("LP (GLOP)", relaxation[0], s, "" if duals else "not solved: trivial")
    if "chains" not in skip:
        chains("chains, from scratch", tighten=False)
        chains("chains, from the flow's duals", start=flow_duals, tighten=False)
        chains("chains, from the held flow's duals (and the flow's)", start=flow_duals)
    if duals is not None:
        chains("chains, from the LP's duals", start=duals, tighten=False)
    if "ti" not in skip and z <= MODEL_MAX_Z:
        row("time-indexed LP (GLOP)", *_timed(lambda: ti_lp_bound(compat, comp, stage,
                                                                    time_limit=600)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
