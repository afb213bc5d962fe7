"""The research harness: rules x methods x seeds over gminas, as tidy data and plots.

:func:`run_study` solves every combination of rules, methods and seeds on generated profiles,
instance files, named library instances or a national sample of gminas
(:func:`cus_match.generate.national_sample`), measures each plan with
:func:`cus_match.analysis.metrics.compute_metrics` and checks it with
:func:`cus_match.plan.check.check`. The solves run through :func:`cus_match.analysis.batch.
solve_many`: on this process, on local worker processes or on a Dask cluster (``executor=``),
resumable from a JSON-lines log (``log=``). In deterministic mode (the default) the same
arguments give byte-identical tables wherever the solves ran. :func:`write_study` writes

- ``results.csv`` / ``results.json``: one row per run with every scalar metric, the rule,
  method, seed, profile (or instance), the digest of the instance and the violations found
  (always 0, or the run is reported as broken); the JSON also holds ``meta`` (the arguments,
  package versions and platform) and ``runs`` (runtime, worker and versions of each run —
  what differs between two runs of the same study, so kept out of the CSV and the table);
- ``places.csv`` and ``loads.csv``: coverage per place and hours per helper, per run;
- ``table.md``: mean and 95 % confidence interval over seeds (and gminas) per profile, rule
  and method (``study_markdown(..., spread="range")``: min / median / max);
- ``frontier.svg``, ``places.svg``, ``loads.svg`` (with the ``report`` extra): coverage
  against travel per rule, coverage by place, and the helper-load distribution.

The files are for scripts and keep stable English ids in any language; what a person reads
on the terminal (the table ``compare`` prints, the progress lines) follows ``lang``
(``study_markdown(..., lang="pl")``, ``run_study(..., lang="pl")``).

Examples
--------
>>> study = run_study(profiles=["tiny"], rules=["fifo", "nearest"], methods=["greedy"],
...                   seeds=[1], work_limit=1)
>>> [(r["rule"], r["method"]) for r in study.records]
[('fifo', 'greedy'), ('nearest', 'nearest')]
>>> study.records[0]["violations"]
0
"""

from __future__ import annotations

import csv
import io
import json
import math
import platform
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from cus_match.analysis.batch import (
    VOLATILE,
    ExecutorLike,
    Task,
    make_tasks,
    solve_many,
    sources_from,
    versions,
)
from cus_match.analysis.metrics import SCALARS
from cus_match.errors import InvalidOptionError, SolverError
from cus_match.generate import PROFILES, generate, national_sample
from cus_match.io.json_format import instance_digest as digest
from cus_match.lang import number, pick
from cus_match.optimise.rules import RULES

__all__ = ["TABLE_METRICS", "Study", "confidence_interval", "run_study", "study_markdown",
           "write_study"]

#: Columns of ``table.md`` (means over seeds).
TABLE_METRICS: tuple[str, ...] = (
    "visits_share", "weighted_hours_met", "min_place_share", "travel_per_visit", "load_gini",
    "continuity_share", "locality_share", "blocking_pairs")

#: Fields of a run that describe its group in tables and per-place rows.
_KEY = ("profile", "scale", "seed", "rule", "method")

#: What a person reads of a study: the table's headers and the progress lines. English keeps
#: the metric ids as headers (the ids researchers' scripts and the tidy CSV use); Polish names
#: them, and a metric without a name here is shown by its id.
_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "head": ("profile", "rule", "method", "runs"),
        "metrics": {name: name for name in TABLE_METRICS},
        "done": "{label} seed {seed} {rule}/{method}: {met}/{visits} visits, {seconds} s",
        "failed": "{label} seed {seed} {rule}/{method}: failed: {error}",
    },
    "pl": {
        "head": ("profil", "reguła", "metoda", "przebiegi"),
        "metrics": {
            "visits_share": "odsetek wizyt z pomocą",
            "weighted_hours_met": "ważone godziny pomocy",
            "min_place_share": "najniższy odsetek w miejscowości",
            "travel_per_visit": "dojazd na wizytę (min)",
            "load_gini": "nierówność obciążenia (Gini)",
            "continuity_share": "odsetek ciągłości",
            "locality_share": "odsetek pomocy na miejscu",
            "blocking_pairs": "pary blokujące",
        },
        "done": "{label} ziarno {seed} {rule}/{method}: wizyty z pomocą {met}/{visits}, "
                "{seconds} s",
        "failed": "{label} ziarno {seed} {rule}/{method}: nieudane: {error}",
    },
}


@frozen
class Study:
    """The outcome of :func:`run_study`: tidy records plus what reproduces them.

    ``runs`` holds, per record, what differs between two runs of the same study (runtime,
    worker, versions), so that ``records`` are the same wherever the study ran.
    """

    records: list[dict[str, Any]]
    places: list[dict[str, Any]]
    loads: list[dict[str, Any]]
    meta: dict[str, Any]
    runs: list[dict[str, Any]] = field(factory=list)


def _check_choice(kind: str, values: Sequence[str], known: Sequence[str]) -> list[str]:
    bad = [v for v in values if v not in known]
    if bad or not values:
        raise InvalidOptionError(f"unknown {kind} {', '.join(map(repr, bad)) or '(none given)'}; "
                                 f"choose from: {', '.join(known)}")
    return list(values)


def _study_tasks(*, profiles: Sequence[str], instances: Sequence[str | Path],
                 library: Sequence[str], national: int, national_seed: int,
                 rules: Sequence[str], methods: Sequence[str], seeds: Sequence[int],
                 scale: float, options: dict[str, Any], ship: str) -> list[Task]:
    tasks: list[Task] = []
    for profile in profiles:
        for seed in seeds:
            # A generated profile is drawn anew per seed (the generator seed is the solver's).
            inst = generate(profile, seed=seed, scale=scale)
            source = {"generate": {"profile": profile, "seed": seed, "scale": scale}}
            tasks += make_tasks([(profile, source, digest(inst))], rules=rules,
                                methods=methods, seeds=[seed], options=options,
                                tags=[{"profile": profile, "scale": scale}])
    if national:
        sample = national_sample(national, seed=national_seed, scale=scale)
        sources = []
        for g in sample:
            inst = generate(g.profile, seed=g.seed, scale=g.scale)
            sources.append((g.label, {"generate": {"profile": g.profile, "seed": g.seed,
                                                   "scale": g.scale}}, digest(inst)))
        tasks += make_tasks(sources, rules=rules, methods=methods, seeds=seeds,
                            options=options,
                            tags=[{"profile": g.kind, "scale": g.scale} for g in sample])
    files = sources_from(instances, library, ship=ship)
    tasks += make_tasks(files, rules=rules, methods=methods, seeds=seeds, options=options,
                        tags=[{"profile": label, "scale": None} for label, *_ in files])
    return tasks


def run_study(*, profiles: Sequence[str] | None = None, instances: Sequence[str | Path] = (),
              library: Sequence[str] = (), national: int = 0, national_seed: int = 0,
              rules: Sequence[str] = tuple(RULES), methods: Sequence[str] = ("greedy", "auto"),
              seeds: Sequence[int] = (1, 2, 3), time_limit: float | None = None,
              work_limit: float = 10.0, scale: float = 1.0, deterministic: bool = True,
              blocking: bool = True, executor: ExecutorLike | None = None,
              log: str | Path | None = None, ship: str = "path",
              progress: Callable[[str], None] | None = None, lang: str = "en") -> Study:
    """Solve and measure every (instance, seed, rule, method).

    Rules that are procedures (``stable``, ``stable-helpers``, ``nearest``) run once per
    instance and seed, under their own name as the method.

    Parameters
    ----------
    profiles : sequence of str, optional
        Generator profiles, one instance per seed (generator seed = solver seed). Default
        ``["rural"]`` when no other instances are given, else none.
    instances : sequence of path
        Instance JSON files (the ``profile`` column shows the file's stem).
    library : sequence of str
        Library instance names (:data:`cus_match.generate.library.LIBRARY`).
    national : int
        Gminas of a national sample (:func:`cus_match.generate.national_sample`, drawn with
        ``national_seed`` at ``scale``); the ``profile`` column shows their kind.
    rules, methods : sequence of str
        Rule names (:data:`cus_match.optimise.rules.RULES`) and methods.
    seeds : sequence of int
        Solver seeds (and generator seeds of ``profiles``).
    time_limit : float, optional
        Seconds per solve when not ``deterministic``.
    work_limit : float
        Deterministic work units per solve (CP-SAT's deterministic time) when
        ``deterministic``.
    scale : float
        Generator scale of profiles and the national sample (``tiny`` accepts only 1).
    deterministic : bool
        Reproducible search (one worker, work-based limit): the same tables anywhere.
    blocking : bool
        Count blocking pairs (costly on large instances).
    executor : Executor or callable returning one, optional
        Where the solves run (see :func:`cus_match.analysis.batch.solve_many`).
    log : path, optional
        JSON-lines log of finished runs: a rerun skips them.
    ship : {"path", "json"}
        How instance files reach workers.
    progress : callable, optional
        Called with a line of text after each run.
    lang : {"en", "pl"}
        Language of the progress lines.

    Returns
    -------
    Study

    Raises
    ------
    SolverError
        When a run failed (its error is named; the finished runs are in ``log``).
    """
    words = pick(_WORDS, lang)
    if profiles is None:
        profiles = [] if (instances or library or national) else ["rural"]
    profiles = _check_choice("profile", profiles, list(PROFILES)) if profiles else []
    rules = _check_choice("rule", rules, list(RULES))
    if isinstance(national, bool) or not isinstance(national, int) or national < 0:
        raise InvalidOptionError(f"national must be a whole number >= 0, got {national!r}")
    options = {"time_limit": time_limit, "work_limit": work_limit,
               "deterministic": deterministic, "blocking": blocking}
    tasks = _study_tasks(profiles=profiles, instances=instances, library=library,
                         national=national, national_seed=national_seed, rules=rules,
                         methods=methods, seeds=seeds, scale=scale, options=options, ship=ship)
    if not tasks:
        raise InvalidOptionError("nothing to study: give profiles, instances, library names "
                                 "or a national sample")

    def report(rec: dict[str, Any]) -> None:
        if progress is None:
            return
        fields = {k: rec[k] for k in ("label", "seed", "rule", "method")}
        if "error" in rec:
            progress(words["failed"].format(**fields, error=rec["error"]))
        else:
            progress(words["done"].format(**fields, met=rec["visits_met"],
                                          visits=rec["visits"],
                                          seconds=number(rec["runtime_seconds"], lang,
                                                         fixed=True)))

    batch = solve_many(tasks=tasks, executor=executor, log=log, progress=report)
    if batch.failed:
        first = batch.failed[0]
        raise SolverError(f"{len(batch.failed)} of {len(tasks)} runs failed, the first "
                          f"{first['label']} seed {first['seed']} {first['rule']}/"
                          f"{first['method']}: {first['error']}"
                          + (f"; the finished runs are kept in {log}" if log else ""))
    records: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    loads: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    for rec in batch.records:
        key = {k: rec[k] for k in _KEY}
        row = {**key, "instance": rec["label"], "instance_sha256": rec["instance_sha256"],
               "status": rec["status"], "objective": rec["objective"], "bound": rec["bound"],
               "violations": rec["violations"]}
        row.update({name: rec[name] for name in SCALARS
                    if name not in row and name not in VOLATILE})
        records.append(row)
        places.extend({**key, "instance": rec["label"], **p} for p in rec["places"])
        loads.extend({**key, "instance": rec["label"], **x} for x in rec["loads"])
        runs.append({"key": rec["key"], **{k: rec[k] for k in VOLATILE if k in rec}})
    meta = {"profiles": profiles, "instances": [str(p) for p in instances],
            "library": list(library), "national": national, "national_seed": national_seed,
            "rules": rules, "methods": list(methods), "seeds": list(seeds),
            "time_limit": time_limit, "work_limit": work_limit, "scale": scale,
            "deterministic": deterministic, "blocking": blocking,
            "versions": {**versions(), "platform": platform.platform()},
            "argv": sys.argv, "resumed": batch.skipped, "restarts": batch.restarts}
    return Study(records, places, loads, meta, runs)


#: 97.5 % quantiles of Student's t by degrees of freedom (1-30); beyond, the normal 1.96.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def confidence_interval(values: Sequence[float]) -> tuple[float, float]:
    """Mean and half-width of its 95 % confidence interval (Student's t; 0 for one value).

    Examples
    --------
    >>> confidence_interval([1.0, 2.0, 3.0])
    (2.0, 2.484...)
    >>> confidence_interval([5.0])
    (5.0, 0.0)
    """
    mean = statistics.fmean(values)
    n = len(values)
    if n < 2:
        return mean, 0.0
    t = _T975[n - 2] if n - 1 <= len(_T975) else 1.96
    return mean, t * statistics.stdev(values) / math.sqrt(n)


def _cell(vals: list[float], spread: str, lang: str) -> str:
    if not vals:
        return "–"
    if spread == "range":
        text = f"{min(vals):.4g} / {statistics.median(vals):.4g} / {max(vals):.4g}"
    else:
        mean, half = confidence_interval(vals)
        text = f"{mean:.4g}" if len(vals) < 2 else f"{mean:.4g} ± {half:.2g}"
    # Four significant digits in both languages; Polish writes them with a decimal comma.
    return text.replace(".", ",") if lang == "pl" else text


def study_markdown(study: Study, metrics: Sequence[str] = TABLE_METRICS, *,
                   spread: str = "ci", lang: str = "en") -> str:
    """Per (profile, rule, method): mean and spread over seeds (and gminas), as Markdown.

    Parameters
    ----------
    study : Study
    metrics : sequence of str
        Columns.
    spread : {"ci", "range"}
        ``"ci"``: mean ± half-width of the 95 % confidence interval (Student's t);
        ``"range"``: min / median / max.
    lang : {"en", "pl"}
        Language of the headers and numbers. English headers are the metric ids (as in
        ``results.csv``); Polish ones name the metrics, and numbers take a decimal comma.

    Examples
    --------
    >>> study = run_study(profiles=["tiny"], rules=["fifo"], methods=["greedy"], seeds=[1, 2],
    ...                   work_limit=1)
    >>> print(study_markdown(study, ["visits_share"]))
    | profile | rule | method | runs | visits_share |
    |---|---|---|---|---|
    | tiny | fifo | greedy | 2 | ... |
    >>> print(study_markdown(study, ["visits_share"], lang="pl"))  # doctest: +ELLIPSIS
    | profil | reguła | metoda | przebiegi | odsetek wizyt z pomocą |
    |---|---|---|---|---|
    | tiny | fifo | greedy | 2 | 0,... |
    """
    words = pick(_WORDS, lang)
    if spread not in ("ci", "range"):
        raise InvalidOptionError(f"spread must be 'ci' or 'range', got {spread!r}")
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in study.records:
        groups[(r["profile"], r["rule"], r["method"])].append(r)
    head = [*words["head"], *(words["metrics"].get(name, name) for name in metrics)]
    lines = ["| " + " | ".join(head) + " |", "|---" * (4 + len(metrics)) + "|"]
    for (profile, rule, method), rows in groups.items():
        cells = [_cell([r[name] for r in rows if r.get(name) is not None], spread, lang)
                 for name in metrics]
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
                                                    "records": study.records,
                                                    "runs": study.runs},
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

    # One instance and seed: the first run's.
    first = study.places[0] if study.places else {"instance": "", "seed": 0}
    instance, seed = first["instance"], first["seed"]
    places = sorted({p["place"] for p in study.places if p.get("instance") == instance})
    fig, ax = plt.subplots(figsize=(max(6, len(places) * 0.9), 4.5))
    width = 0.8 / max(len(labels), 1)
    for k, (rule, method) in enumerate(labels):
        share = {p["place"]: (p["met"] / p["visits"] if p["visits"] else 0.0)
                 for p in study.places
                 if (p.get("instance"), p["seed"], p["rule"], p["method"]) == (
                     instance, seed, rule, method)}
        ax.bar([i + k * width for i in range(len(places))], [share.get(p, 0) for p in places],
               width, label=f"{rule}/{method}")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(places))], places, rotation=45,
                  ha="right", fontsize=7)
    ax.set_ylabel("share of visits met")
    ax.set_title(f"Coverage by place ({instance}, seed {seed})")
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
