"""Four planning rounds over four weeks: pins, repair against re-solving, continuity, the store.

A generated gmina is planned for four weeks at once (round 1). At the start of each later week
something happens and the remaining weeks are re-planned with every visit already done or
confirmed (the weeks up to and including this one) pinned:

- round 2: a volunteer withdraws from this week on; an urgent request arrives;
- round 3: a formal care service starts covering one resident on weekdays; another request;
- round 4: a volunteer is ill this week; one need is cancelled.

Each round is solved twice from the same state: ``repair`` (coverage first, then as few changes
to the previous plan as possible) and from scratch (``fifo``, the previous plan only measured).
The repair plan is approved and saved in a SQLite history store; the next round reads the
residents' previous helpers back from it (continuity). At the end the store is checked against
what was saved, and one helper's data is exported and pseudonymised (RODO) with the hours kept.

    python benchmarks/rounds.py                       # rural, seed 1, 10 s per solve
    python benchmarks/rounds.py --profile tiny --time-limit 2 --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs

from cus_match.analysis.metrics import compute_metrics
from cus_match.generate import generate
from cus_match.model import DateRange, FormalService, Need, Recurrence, WeeklyWindow
from cus_match.model.instance import Instance
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.store import HistoryStore

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _with_history(inst: Instance, store: HistoryStore) -> Instance:
    """Residents' previous helpers, as approved rounds in the store record them."""
    known = {h.id for h in inst.helpers}
    prev = store.previous_helpers()
    return attrs.evolve(inst, residents=tuple(
        attrs.evolve(r, previous_helpers=r.previous_helpers
                     | (prev.get(r.id, frozenset()) & known))
        for r in inst.residents))


def _pins(result: Result, until: date) -> tuple:
    """Visits done or confirmed: every assignment up to and including ``until``."""
    return tuple(a for a in result.assignments if a.date <= until)


def _urgent(inst: Instance, day: date, k: int) -> Need:
    base = inst.needs[k % len(inst.needs)]
    return attrs.evolve(base, id=f"urgent-{k}", priority=3, required=False,
                        recurrence=Recurrence.once(day), applied_on=day, ipus=None)


def _event(inst: Instance, week: int, start: date, plan: Result) -> tuple[Instance, str]:
    monday = start + timedelta(weeks=week)
    end = inst.policy.period.end
    busiest = sorted({a.helper for a in plan.assignments if a.date >= monday}) or sorted(
        h.id for h in inst.helpers)
    if week == 1:
        gone = busiest[0]
        helpers = tuple(attrs.evolve(h, unavailable=(*h.unavailable, DateRange(monday, end)))
                        if h.id == gone else h for h in inst.helpers)
        needs = (*inst.needs, _urgent(inst, monday + timedelta(days=1), 1))
        return (attrs.evolve(inst, helpers=helpers, needs=needs),
                f"{gone} withdraws from {monday}; urgent request")
    if week == 2:
        met = [a for a in plan.assignments if a.date >= monday
               and inst.need(a.need).resident is not None]
        need = inst.need(met[0].need) if met else inst.needs[0]
        svc = FormalService("ops-care", provider="OPS", category=need.category,
                            recipients=[need.resident] if need.resident else [],
                            schedule=[WeeklyWindow(d, "07:00", "20:00") for d in WEEKDAYS],
                            valid=DateRange(monday, end), covers=[need.category])
        needs = (*inst.needs, _urgent(inst, monday + timedelta(days=2), 2))
        return (attrs.evolve(inst, services=(*inst.services, svc), needs=needs),
                f"formal care for {need.resident} on weekdays from {monday}; urgent request")
    ill = busiest[-1]
    helpers = tuple(attrs.evolve(h, unavailable=(*h.unavailable,
                                                 DateRange(monday, monday + timedelta(days=6))))
                    if h.id == ill else h for h in inst.helpers)
    cancelled = next((n.id for n in inst.needs if n.resident is not None
                      and not n.required and not n.id.startswith("urgent")), None)
    needs = tuple(n for n in inst.needs if n.id != cancelled)
    return (attrs.evolve(inst, helpers=helpers, needs=needs),
            f"{ill} ill in week {week + 1}; {cancelled} cancelled")


def run(profile: str = "rural", seed: int = 1, time_limit: float = 10.0,
        store_path: Path | None = None, scale: float = 1.0) -> dict[str, Any]:
    """Run the scenario; return the per-round records and the end-of-run checks."""
    inst = generate(profile, seed=seed, weeks=4, scale=scale)
    start = inst.policy.period.start
    tmp = None
    if store_path is None:
        tmp = tempfile.TemporaryDirectory()
        store_path = Path(tmp.name) / "history.sqlite"
    records = []
    saved: dict[str, tuple[Instance, Result]] = {}
    opts = dict(method="auto", time_limit=time_limit, seed=seed, deterministic=True)
    with HistoryStore(store_path) as store:
        plan = solve(inst, **opts)
        events = "first plan for four weeks"
        for week in range(4):
            if week:
                inst, events = _event(inst, week, start, plan)
                inst = _with_history(inst, store)
                pins = _pins(plan, start + timedelta(weeks=week) - timedelta(days=1))
                # Next week's visits are confirmed too: volunteers were told on Friday.
                pins += tuple(a for a in plan.assignments
                              if start + timedelta(weeks=week) <= a.date
                              < start + timedelta(weeks=week + 1))
                repair = solve(inst, rule="repair", pinned=pins, baseline=plan, **opts)
                scratch = solve(inst, baseline=plan, **opts)
                kept = {(a.need, a.date, a.helper, a.start) for a in repair.assignments}
                dropped = {(d.need, d.date, d.helper) for d in repair.dropped_pins}
                pins_ok = all((a.need, a.date, a.helper, a.start) in kept
                              or (a.need, a.date, a.helper) in dropped for a in pins)
                previous = plan
                plan = repair
            else:
                pins, repair, scratch, pins_ok, previous = (), plan, None, True, None
            violations = check(inst, plan)
            m = compute_metrics(inst, plan, previous, blocking=False)
            round_id = f"week-{week + 1}"
            store.save(round_id, inst, plan, approved_by="coordinator",
                       approved_at=f"{start + timedelta(weeks=week)}T08:00:00+01:00")
            saved[round_id] = (inst, plan)
            records.append({
                "round": round_id, "event": events, "visits": m.visits,
                "met": m.visits_met, "pinned": len(pins), "pins_dropped": len(repair.dropped_pins),
                "dropped_reasons": sorted({d.reason.value for d in repair.dropped_pins}),
                "pins_kept_or_explained": pins_ok,
                "changes_repair": repair.changes, "changes_scratch":
                    None if scratch is None else scratch.changes,
                "met_scratch": None if scratch is None else
                    len({(a.need, a.date) for a in scratch.assignments}),
                "continuity_share": m.continuity_share,
                "previous_pairs_share": m.previous_pairs_share,
                # A required visit nobody can take after the events is reported, not hidden.
                "required_unmet": sum(v.code == "required_unmet" for v in violations),
                "status": plan.status.value,
                "violations": sum(v.code != "required_unmet" for v in violations),
            })
        roundtrip = all(store.load(rid).instance == i and store.load(rid).result == r
                        for rid, (i, r) in saved.items())
        helper = sorted({a.helper for a in plan.assignments})[0]
        hours_before = {h.helper: h.minutes for h in store.hours_served()}
        exported = store.export_person(helper)
        report = store.erase_person(helper, mode="pseudonymise")
        hours_after = {h.helper: h.minutes for h in store.hours_served()}
        erased_ok = (helper not in hours_after
                     and sorted(hours_before.values()) == sorted(hours_after.values())
                     and not store.export_person(helper)["rounds"])
    if tmp is not None:
        tmp.cleanup()
    return {"profile": profile, "seed": seed, "time_limit": time_limit, "rounds": records,
            "store_roundtrip": roundtrip, "rodo_export_rounds": len(exported["rounds"]),
            "rodo_pseudonymised_rounds": len(report.rounds), "rodo_aggregates_kept": erased_ok}


def markdown(out: dict[str, Any]) -> str:
    cols = ["round", "event", "visits", "met", "met_scratch", "pinned", "pins_dropped",
            "dropped_reasons", "pins_kept_or_explained", "changes_repair", "changes_scratch",
            "continuity_share", "previous_pairs_share", "status", "required_unmet",
            "violations"]
    lines = ["| " + " | ".join(cols) + " |", "|---" * len(cols) + "|"]
    for r in out["rounds"]:
        cells = []
        for c in cols:
            v = r[c]
            cells.append(", ".join(v) if isinstance(v, list) else
                         f"{v:.3f}" if isinstance(v, float) else "–" if v is None else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"store round-trip: {out['store_roundtrip']}; RODO export: "
                 f"{out['rodo_export_rounds']} rounds; pseudonymised in "
                 f"{out['rodo_pseudonymised_rounds']} rounds, aggregates kept: "
                 f"{out['rodo_aggregates_kept']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profile", default="rural")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=10.0)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args(argv)
    out = run(a.profile, a.seed, a.time_limit, scale=a.scale)
    print(markdown(out))
    if a.json:
        a.json.write_text(json.dumps(out, indent=1, default=str))
    ok = (out["store_roundtrip"] and out["rodo_aggregates_kept"]
          and all(r["pins_kept_or_explained"] and r["violations"] == 0 for r in out["rounds"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
