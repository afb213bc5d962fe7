"""A researcher's comparison of matching rules on generated rural gminas.

The question: what does each rule — what a plan optimises — cost and buy? The legal default
``fifo`` (priority-weighted coverage, then continuity, locality, travel) by hand (``greedy``)
and optimised (``auto``); ``equity`` (the worst-served village first); the procedures
``nearest`` (each need to the nearest free helper) and ``stable`` (deferred acceptance); and one
rule of our own, ``short-trips``, built from weights with
:func:`cus_match.optimise.rules.from_weights`:
coverage, but every travel minute costs three times a covered minute, so it gives up visits
that are far to reach.

:func:`cus_match.analysis.research.run_study` solves every (rule, method, seed) on the same
generated
instances, measures each plan (:mod:`cus_match.analysis.metrics`) and checks it
(:func:`cus_match.plan.check.check`); :func:`~cus_match.analysis.research.study_markdown` averages
over the
seeds. Deterministic search: the same arguments give the same table.

Run::

    python examples/compare_rules.py --lang pl
    python examples/compare_rules.py --lang en
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any, NamedTuple

from cus_match import solve
from cus_match.analysis.metrics import SCALARS, compute_metrics
from cus_match.analysis.research import Study, run_study, study_markdown
from cus_match.generate import generate
from cus_match.optimise.rules import Rule, from_weights
from cus_match.plan.check import check

PROFILE = "rural"
SCALE = 0.5  # half the default rural gmina: a few seconds for the whole study
SEEDS = [1, 2]
TIME_LIMIT = 2.0  # seconds (work units: deterministic) per solve
RULES = ["fifo", "equity", "nearest", "stable"]
METHODS = ["greedy", "auto"]
COLUMNS = ["visits_share", "weighted_hours_share", "min_place_share", "travel_per_visit",
           "load_gini", "continuity_share", "blocking_pairs"]

T = {
    "pl": {
        "title": "Porównanie reguł dopasowania: gmina wiejska (generator '{profile}', "
                 "skala {scale}, ziarna {seeds})",
        "custom": "Własna reguła: {rule}",
        "table": "WYNIKI (średnie po ziarnach)",
        "legend": "LEGENDA",
        "findings": "NAJLEPSZE REGUŁY W KAŻDEJ KOLUMNIE",
        "best": "  {what}: {who} ({value})",
        "all": "wszystkie reguły po równo",
        "verdict": "  Wszystkie {n} planów sprawdzone niezależnie: naruszeń {v}.",
    },
    "en": {
        "title": "Comparing matching rules: a rural gmina (generator '{profile}', "
                 "scale {scale}, seeds {seeds})",
        "custom": "Our own rule: {rule}",
        "table": "RESULTS (means over seeds)",
        "legend": "LEGEND",
        "findings": "THE BEST RULES ON EACH COLUMN",
        "best": "  {what}: {who} ({value})",
        "all": "every rule alike",
        "verdict": "  All {n} plans checked independently: {v} violations.",
    },
}
NAMES = {
    "pl": {
        "visits_share": "udział wizyt, które mają pomoc",
        "weighted_hours_share": "udział godzin ważonych priorytetem",
        "min_place_share": "pokrycie w najgorzej obsłużonej miejscowości",
        "travel_per_visit": "minuty dojazdu na wizytę",
        "load_gini": "nierówność obciążenia pomagających (Gini; 0 = równo)",
        "continuity_share": "udział wizyt z ciągłością (ta sama osoba)",
        "blocking_pairs": "pary blokujące (ktoś wolałby się zamienić)",
    },
    "en": {
        "visits_share": "share of visits met",
        "weighted_hours_share": "share of priority-weighted hours met",
        "min_place_share": "coverage in the worst-served village",
        "travel_per_visit": "travel minutes per visit",
        "load_gini": "inequality of helpers' load (Gini; 0 = even)",
        "continuity_share": "share of visits with continuity (the same person)",
        "blocking_pairs": "blocking pairs (someone would rather swap)",
    },
}
# Which direction is better for each column, for the findings.
HIGHER_IS_BETTER = {"visits_share": True, "weighted_hours_share": True,
                    "min_place_share": True, "travel_per_visit": False, "load_gini": False,
                    "continuity_share": True, "blocking_pairs": False}


def short_trips() -> Rule:
    """Our own rule: coverage, with every travel minute costing three covered minutes."""
    return from_weights("short-trips", {"weighted_coverage": 1, "travel": 3},
                        "priority-weighted coverage less 3 x travel minutes")


def _custom_runs(rule: Rule) -> list[dict[str, Any]]:
    """The custom rule on the study's instances, as rows shaped like the study's records."""
    rows = []
    for seed in SEEDS:
        inst = generate(PROFILE, seed=seed, scale=SCALE)
        result = solve(inst, rule=rule, method="auto", time_limit=TIME_LIMIT, seed=seed,
                       deterministic=True)
        m = compute_metrics(inst, result)
        row: dict[str, Any] = {"profile": PROFILE, "scale": SCALE, "seed": seed,
                               "rule": rule.name, "method": "auto",
                               "status": result.status.value,
                               "violations": len(check(inst, result))}
        row.update({name: getattr(m, name) for name in SCALARS if name not in row})
        rows.append(row)
    return rows


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    study: Study
    table: str


def main(lang: str = "pl") -> Story:
    """Run the study, add the custom rule, print the table and what it shows."""
    t = T[lang]
    study = run_study(profiles=[PROFILE], rules=RULES, methods=METHODS, seeds=SEEDS,
                      work_limit=TIME_LIMIT, scale=SCALE)
    # With the greedy, a rule only scores the greedy's FIFO plan: keep the greedy once, as
    # the by-hand baseline (fifo/greedy), and compare the rules where they are optimised.
    rule = short_trips()
    records = [r for r in study.records if r["method"] != "greedy" or r["rule"] == "fifo"]
    records += _custom_runs(rule)
    study = Study(records, study.places, study.loads, study.meta)

    print("=== " + t["title"].format(profile=PROFILE, scale=SCALE,
                                      seeds=", ".join(map(str, SEEDS))) + " ===")
    print(t["custom"].format(rule=rule.describe()))
    table = study_markdown(study, COLUMNS)
    print(f"\n--- {t['table']} ---")
    print(table)
    print(f"\n--- {t['legend']} ---")
    for name in COLUMNS:
        print(f"  {name}: {NAMES[lang][name]}")

    # Which rules do best on each column (means over seeds), ties named together.
    means: dict[tuple[str, str], dict[str, float]] = {}
    for key in dict.fromkeys((r["rule"], r["method"]) for r in study.records):
        rows = [r for r in study.records if (r["rule"], r["method"]) == key]
        means[key] = {c: statistics.fmean(r[c] for r in rows if r[c] is not None)
                      for c in COLUMNS}
    print(f"\n--- {t['findings']} ---")
    for c in COLUMNS:
        values = [m[c] for m in means.values()]
        top = max(values) if HIGHER_IS_BETTER[c] else min(values)
        best = [f"{r}/{m}" for (r, m), v in means.items() if abs(v[c] - top) < 1e-9]
        who = t["all"] if len(best) == len(means) else ", ".join(best)
        print(t["best"].format(what=NAMES[lang][c], who=who, value=f"{top:.3g}"))
    violations = sum(r["violations"] for r in study.records)
    print(t["verdict"].format(n=len(study.records), v=violations))
    return Story(study, table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
