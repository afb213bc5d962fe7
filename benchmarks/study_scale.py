"""The same study serially, on local worker processes and on a Dask LocalCluster.

A national sample of gminas (:func:`cus_match.generate.national_sample`: rural, urban-rural and
urban in the published proportions), small and with short deterministic work limits, is
studied three times: in this process, on a ``ProcessPoolExecutor`` of ``--workers`` processes
and on a Dask ``LocalCluster`` of ``--workers`` single-threaded worker processes. For each the
script prints the wall time, the speed-up over the serial run, the peak memory of each worker
process, the CPU time spent inside tasks and the cores that makes (CPU inside tasks / wall: on
a machine shared with others, fewer than the workers), and the overhead per task (the
workers' time not spent inside tasks, shared over the tasks: shipping, scheduling, process
start, idling at the end), and checks that the three tables are byte-identical and every plan
passed the checker.

``--calibrate`` instead solves one full-size gmina of each stratum with each rule of a national
study, to price the whole country (benchmarks/README.md).

    python benchmarks/study_scale.py                          # 40 gminas, scale 0.2
    python benchmarks/study_scale.py --gminas 80 --json out/study_scale.json
    python benchmarks/study_scale.py --calibrate --work-limit 10
    python benchmarks/study_scale.py --calibrate --profiles city     # one stratum
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cus_match.analysis.batch import solve_call
from cus_match.analysis.research import Study, run_study, write_study
from cus_match.generate import generate
from cus_match.generate.profiles import GMINA_STRATA
from cus_match.plan.check import check


def _measure(name: str, study_kw: dict[str, Any], executor: Any, workers: int,
             folder: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    study: Study = run_study(**study_kw, executor=executor)
    wall = time.perf_counter() - t0
    write_study(study, folder / name, plots=False)
    busy = sum(run["task_seconds"] for run in study.runs)
    cpu = sum(run["task_cpu_seconds"] for run in study.runs)
    peaks: dict[int, float] = {}
    for run in study.runs:
        pid, peak = run["worker"]["pid"], run["worker"]["peak_rss_mb"]
        peaks[pid] = max(peaks.get(pid, 0.0), peak or 0.0)
    n = len(study.runs)
    return {"mode": name, "tasks": n, "wall_s": wall, "task_s": busy, "task_cpu_s": cpu,
            "overhead_per_task_s": (wall * workers - busy) / n,
            "peak_rss_mb": sorted(peaks.values(), reverse=True),
            "violations": sum(r["violations"] for r in study.records),
            "table": (folder / name / "table.md").read_bytes(),
            "csv": (folder / name / "results.csv").read_bytes(),
            "per_kind": _per_kind(study)}


def _per_kind(study: Study) -> dict[str, float]:
    """Mean seconds inside a task, by kind of gmina and rule."""
    by: dict[str, list[float]] = defaultdict(list)
    for rec, run in zip(study.records, study.runs, strict=True):
        by[f"{rec['profile']} {rec['rule']}/{rec['method']}"].append(run["task_seconds"])
    return {k: statistics.fmean(v) for k, v in sorted(by.items())}


def scale_study(args: argparse.Namespace) -> list[dict[str, Any]]:
    study_kw: dict[str, Any] = {
        "national": args.gminas, "national_seed": args.seed, "scale": args.scale,
        "rules": args.rules.split(","), "methods": args.methods.split(","),
        "seeds": [int(s) for s in args.seeds.split(",")], "work_limit": args.work_limit,
        "blocking": False}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows.append(_measure("serial", study_kw, None, 1, folder))
        print(f"serial: {rows[-1]['wall_s']:.1f} s", file=sys.stderr, flush=True)

        def pool() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(args.workers,
                                       mp_context=multiprocessing.get_context("spawn"))
        rows.append(_measure(f"{args.workers} processes", study_kw, pool, args.workers,
                             folder))
        print(f"pool: {rows[-1]['wall_s']:.1f} s", file=sys.stderr, flush=True)
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster:
            with Client(cluster) as client:
                client.wait_for_workers(args.workers, timeout=60)
            # The study opens (and closes) its own client on the cluster, as --scheduler does.
            from cus_match.analysis.batch import executor_from

            dask = executor_from(scheduler=cluster.scheduler_address)
            rows.append(_measure(f"Dask LocalCluster, {args.workers} workers", study_kw,
                                 dask, args.workers, folder))
        print(f"dask: {rows[-1]['wall_s']:.1f} s", file=sys.stderr, flush=True)
    same = all(r["table"] == rows[0]["table"] and r["csv"] == rows[0]["csv"] for r in rows)
    serial = rows[0]["wall_s"]
    print(f"\n{args.gminas} gminas (national sample, seed {args.seed}, scale {args.scale:g}), "
          f"rules {args.rules}, methods {args.methods}, seeds {args.seeds}, work limit "
          f"{args.work_limit:g}; {rows[0]['tasks']} solves; load average before: "
          f"{args.load_before}\n")
    print("| mode | wall s | speed-up | inside tasks s | CPU inside tasks s | cores obtained | "
          "overhead per task s | peak memory per worker MB | violations |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        peaks = ", ".join(f"{p:.0f}" for p in r["peak_rss_mb"])
        print(f"| {r['mode']} | {r['wall_s']:.1f} | {serial / r['wall_s']:.2f} | "
              f"{r['task_s']:.1f} | {r['task_cpu_s']:.1f} | {r['task_cpu_s'] / r['wall_s']:.2f} | "
              f"{r['overhead_per_task_s']:.3f} | {peaks} | "
              f"{r['violations']} |")
    print(f"\ntables byte-identical in all three modes: {same}")
    print("\nmean seconds inside a task (serial run), by kind and rule/method:")
    for k, v in rows[0]["per_kind"].items():
        print(f"  {k}: {v:.2f}")
    if not same or any(r["violations"] for r in rows):
        sys.exit(1)
    return [{k: v for k, v in r.items() if k not in ("table", "csv")} for r in rows]


def calibrate(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One full-size gmina per stratum x each rule: seconds per solve, for the national sum."""
    rows = []
    pairs = [(r, m) for r, m in (x.split("/") for x in args.national_rules.split(","))]
    for kind, profile, factor, count in GMINA_STRATA:
        if args.profiles and profile not in args.profiles.split(","):
            continue
        inst = generate(profile, seed=1, scale=factor)
        for rule, method in pairs:
            t0, c0 = time.perf_counter(), time.process_time()
            result = solve_call(inst, rule=rule, method=method, seed=1,
                                options={"work_limit": args.work_limit})
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            assert check(inst, result) == []
            rows.append({"kind": kind, "profile": profile, "scale": factor, "gminas": count,
                         "rule": rule, "method": method, "seconds": seconds, "cpu": cpu,
                         "needs": len(inst.needs), "helpers": len(inst.helpers)})
            print(f"{kind} ({profile} x{factor:g}, {len(inst.needs)} needs) {rule}/{method}: "
                  f"{seconds:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr, flush=True)
    seeds = args.national_seeds
    # CPU seconds: what a solve costs on a core of its own (the wall clock here includes
    # waiting for a core the other users of the machine hold).
    hours = sum(r["cpu"] * r["gminas"] * seeds for r in rows) / 3600
    print(f"\nper-solve CPU seconds at full size, work limit {args.work_limit:g}, load average "
          f"before: {args.load_before}\n")
    print("| kind | profile | needs | gminas | " + " | ".join(f"{r}/{m} s" for r, m in pairs)
          + " |")
    print("|---" * (4 + len(pairs)) + "|")
    for kind, profile, factor, count in GMINA_STRATA:
        mine = [r for r in rows if (r["kind"], r["profile"], r["scale"]) == (kind, profile,
                                                                            factor)]
        if not mine:
            continue
        print(f"| {kind} | {profile} x{factor:g} | {mine[0]['needs']} | {count} | "
              + " | ".join(f"{r['cpu']:.1f}" for r in mine) + " |")
    longest = max(r["cpu"] for r in rows)
    print(f"\nnational study (every gmina x {len(pairs)} rules x {seeds} seeds = "
          f"{sum(c for *_, c in GMINA_STRATA) * len(pairs) * seeds} solves): "
          f"{hours:.1f} worker-hours; under one hour with >= {math.ceil(hours)} workers "
          f"(the longest single solve is {longest:.0f} s)")
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gminas", type=int, default=40)
    p.add_argument("--seed", type=int, default=1, help="seed of the national sample")
    p.add_argument("--scale", type=float, default=0.2)
    p.add_argument("--rules", default="fifo,priority")
    p.add_argument("--methods", default="greedy,auto")
    p.add_argument("--seeds", default="1")
    p.add_argument("--work-limit", type=float, default=0.5,
                   help="deterministic work units per solve")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--calibrate", action="store_true")
    p.add_argument("--national-rules", default="fifo/greedy,priority/auto,equity/auto")
    p.add_argument("--national-seeds", type=int, default=3)
    p.add_argument("--profiles", default=None,
                   help="with --calibrate: only the strata of these profiles (comma-separated)")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    args.load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = calibrate(args) if args.calibrate else scale_study(args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"args": {k: v for k, v in vars(args).items()
                                                  if k != "json"}, "rows": rows},
                                        indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
