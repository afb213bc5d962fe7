"""The research harness: rules x methods x seeds x generated profiles, as tidy data and plots.

:func:`run_study` solves every combination (deterministic CP-SAT by default, so the same
arguments give the same plans), measures each plan with :func:`cus_match.analysis.metrics.
compute_metrics` and checks it with :func:`cus_match.plan.check.check`. :func:`write_study` writes

- ``results.csv`` / ``results.json``: one row per run with every scalar metric, the rule,
  method, seed, profile, the library digest of the instance, the runtime and the violations
  found (always 0, or the run is reported as broken); the JSON also holds ``meta``: the
  arguments, package versions and platform;
- ``places.csv`` and ``loads.csv``: coverage per place and hours per helper, per run;
- ``table.md``: means over seeds per profile, rule and method (runtime left out, so the table
  reproduces byte for byte);
- ``frontier.svg``, ``places.svg``, ``loads.svg`` (with the ``report`` extra): coverage
  against travel per rule, coverage by place, and the helper-load distribution.

Examples
--------
>>> study = run_study(profiles=["tiny"], rules=["fifo", "nearest"], methods=["greedy"],
...                   seeds=[1], time_limit=1)
>>> [(r["rule"], r["method"]) for r in study.records]
[('fifo', 'greedy'), ('nearest', 'nearest')]
>>> study.records[0]["violations"]
0
"""

from __future__ import annotations

import csv
import io
import json
import platform
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from attrs import frozen

from cus_match.analysis.metrics import SCALARS, compute_metrics
from cus_match.compat import build_compat
from cus_match.errors import InvalidOptionError
from cus_match.generate import PROFILES, generate
from cus_match.generate.library import digest
from cus_match.optimise.rules import RULES, get_rule
from cus_match.optimise.solve import METHODS, solve
from cus_match.plan.check import check

__all__ = ["TABLE_METRICS", "Study", "run_study", "study_markdown", "write_study"]

#: Columns of ``table.md`` (means over seeds).
TABLE_METRICS: tuple[str, ...] = (
    "visits_share", "weighted_hours_met", "min_place_share", "travel_per_visit", "load_gini",
    "continuity_share", "locality_share", "blocking_pairs")


@frozen
class Study:
    """The outcome of :func:`run_study`: tidy records plus what reproduces them."""

    records: list[dict[str, Any]]
    places: list[dict[str, Any]]
    loads: list[dict[str, Any]]
    meta: dict[str, Any]


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("cus-match", "ortools", "networkx", "numpy", "attrs", "cattrs"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
            out[pkg] = "unknown"
    return out


def _check_choice(kind: str, values: Sequence[str], known: Sequence[str]) -> list[str]:
    bad = [v for v in values if v not in known]
    if bad or not values:
        raise InvalidOptionError(f"unknown {kind} {', '.join(map(repr, bad)) or '(none given)'}; "
                                 f"choose from: {', '.join(known)}")
    return list(values)


def run_study(*, profiles: Sequence[str] = ("rural",), rules: Sequence[str] = tuple(RULES),
              methods: Sequence[str] = ("greedy", "auto"), seeds: Sequence[int] = (1, 2, 3),
              time_limit: float = 10.0, scale: float = 1.0, deterministic: bool = True,
              blocking: bool = True,
              progress: Callable[[str], None] | None = None) -> Study:
    """Solve and measure every (profile, seed, rule, method).

    Rules that are procedures (``stable``, ``stable-helpers``, ``nearest``) run once per
    instance, under their own name as the method.

    Parameters
    ----------
    profiles, rules, methods : sequence of str
        Generator profiles, rule names (:data:`cus_match.optimise.rules.RULES`), methods.
    seeds : sequence of int
        Generator seeds; the solver seed is the same number.
    time_limit : float
        Seconds per solve (work units in ``deterministic`` mode).
    scale : float
        Generator scale (``tiny`` accepts only 1).
    deterministic : bool
        Reproducible search (one worker, work-based limit).
    blocking : bool
        Count blocking pairs (costly on large instances).
    progress : callable, optional
        Called with a line of text after each run.

    Returns
    -------
    Study
    """
    profiles = _check_choice("profile", profiles, list(PROFILES))
    rules = _check_choice("rule", rules, list(RULES))
    methods = _check_choice("method", methods, sorted(METHODS))
    records: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    loads: list[dict[str, Any]] = []
    for profile in profiles:
        for seed in seeds:
            inst = generate(profile, seed=seed, scale=scale)
            compat = build_compat(inst)
            fingerprint = digest(inst)
            for rule in rules:
                algorithm = get_rule(rule).algorithm
                for method in ([algorithm] if algorithm else methods):
                    result = solve(inst, rule=rule, method=method if not algorithm else "auto",
                                   time_limit=time_limit, seed=seed,
                                   deterministic=deterministic)
                    m = compute_metrics(inst, result, compat=compat, blocking=blocking)
                    key = {"profile": profile, "scale": scale, "seed": seed, "rule": rule,
                           "method": method}
                    row = {**key, "instance_sha256": fingerprint,
                           "status": result.status.value, "objective": result.objective,
                           "bound": result.bound,
                           "violations": len(check(inst, result))}
                    row.update({name: getattr(m, name) for name in SCALARS
                                if name not in row})
                    records.append(row)
                    places.extend({**key, "place": p, "visits": c.visits, "met": c.met,
                                   "hours": c.hours, "hours_met": c.hours_met}
                                  for p, c in sorted(m.by_place.items()))
                    loads.extend({**key, "helper": h, "hours": v}
                                 for h, v in sorted(m.load_hours.items()))
                    if progress is not None:
                        progress(f"{profile} seed {seed} {rule}/{method}: "
                                 f"{m.visits_met}/{m.visits} visits, "
                                 f"{result.runtime_seconds:.1f} s")
    meta = {"profiles": profiles, "rules": rules, "methods": methods, "seeds": list(seeds),
            "time_limit": time_limit, "scale": scale, "deterministic": deterministic,
            "blocking": blocking, "versions": _versions(), "argv": sys.argv}
    return Study(records, places, loads, meta)


def study_markdown(study: Study, metrics: Sequence[str] = TABLE_METRICS) -> str:
    """Means over seeds per (profile, rule, method), as a Markdown table.

    Examples
    --------
    >>> study = run_study(profiles=["tiny"], rules=["fifo"], methods=["greedy"], seeds=[1, 2],
    ...                   time_limit=1)
    >>> print(study_markdown(study, ["visits_share"]))
    | profile | rule | method | runs | visits_share |
    |---|---|---|---|---|
    | tiny | fifo | greedy | 2 | ... |
    """
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in study.records:
        groups[(r["profile"], r["rule"], r["method"])].append(r)
    lines = ["| profile | rule | method | runs | " + " | ".join(metrics) + " |",
             "|---" * (4 + len(metrics)) + "|"]
    for (profile, rule, method), rows in groups.items():
        cells = []
        for name in metrics:
            vals = [r[name] for r in rows if r.get(name) is not None]
            cells.append(f"{statistics.fmean(vals):.4g}" if vals else "–")
        lines.append(f"| {profile} | {rule} | {method} | {len(rows)} | " + " | ".join(cells)
                     + " |")
    return "\n".join(lines)


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_study(study: Study, out: str | Path, *, plots: bool = True) -> list[Path]:
    """Write the study's files into folder ``out`` (created); return their paths.

    Plots need matplotlib (the ``report`` extra); ``plots=False`` skips them.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.csv", _csv(study.records)),
                       ("places.csv", _csv(study.places)), ("loads.csv", _csv(study.loads)),
                       ("table.md", study_markdown(study) + "\n"),
                       ("results.json", json.dumps({"meta": study.meta,
                                                    "records": study.records},
                                                   indent=1, ensure_ascii=False) + "\n")):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if plots:
        written.extend(_plots(study, folder))
    return written


def _plots(study: Study, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Reproducible SVG bytes: no date, fixed ids.
    plt.rcParams["svg.hashsalt"] = "cus_match"
    meta = {"Date": None}
    out = []
    labels = sorted({(r["rule"], r["method"]) for r in study.records})

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for rule, method in labels:
        rows = [r for r in study.records if (r["rule"], r["method"]) == (rule, method)]
        ax.scatter([r["travel_per_visit"] or 0 for r in rows],
                   [r["visits_share"] or 0 for r in rows], label=f"{rule}/{method}", s=24)
    ax.set_xlabel("travel minutes per helper visit")
    ax.set_ylabel("share of visits met")
    ax.set_title("Coverage against travel, per rule")
    ax.legend(fontsize=7, ncols=2)
    fig.tight_layout()
    out.append(folder / "frontier.svg")
    fig.savefig(out[-1], metadata=meta)
    plt.close(fig)

    profile = study.meta["profiles"][0]
    seed = study.meta["seeds"][0]
    places = sorted({p["place"] for p in study.places if p["profile"] == profile})
    fig, ax = plt.subplots(figsize=(max(6, len(places) * 0.9), 4.5))
    width = 0.8 / max(len(labels), 1)
    for k, (rule, method) in enumerate(labels):
        share = {p["place"]: (p["met"] / p["visits"] if p["visits"] else 0.0)
                 for p in study.places
                 if (p["profile"], p["seed"], p["rule"], p["method"]) == (profile, seed, rule,
                                                                          method)}
        ax.bar([i + k * width for i in range(len(places))], [share.get(p, 0) for p in places],
               width, label=f"{rule}/{method}")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(places))], places, rotation=45,
                  ha="right", fontsize=7)
    ax.set_ylabel("share of visits met")
    ax.set_title(f"Coverage by place ({profile}, seed {seed})")
    ax.legend(fontsize=7, ncols=2)
    fig.tight_layout()
    out.append(folder / "places.svg")
    fig.savefig(out[-1], metadata=meta)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    data = [[x["hours"] for x in study.loads if (x["rule"], x["method"]) == lab]
            for lab in labels]
    ax.boxplot([d or [0.0] for d in data], tick_labels=[f"{r}/{m}" for r, m in labels])
    ax.tick_params(axis="x", rotation=45, labelsize=7)
    ax.set_ylabel("hours per helper used")
    ax.set_title("Helper load, per rule")
    fig.tight_layout()
    out.append(folder / "loads.svg")
    fig.savefig(out[-1], metadata=meta)
    plt.close(fig)
    return out
