#!/usr/bin/env python3
"""HiGHS on the town's largest component: the peer's call against ours, log on (issue 11).

Diagnosis for the fourth session of issue 11: HiGHS on the one-MIP peer's model
(``benchmarks/mip_peer.py``, highspy 1.12 in its own process) proves town seeds 2-3 within
0.5 %, while HiGHS on *our* time-indexed model of the largest component (OR-Tools' bundled
HiGHS through MathOpt, ``cus_match.optimise.timeindexed.backends``) ends 5-6 % short. This
script runs the same HiGHS for the same time on

* ``peer``        the peer's whole-instance model, highspy (what ``--peers`` runs);
* ``ours-highspy`` our model of the largest component, highspy, the peer's options;
* ``ours-mathopt`` our model through ``run_backend(backend="highs")`` (MathOpt), no start;
* ``ours-mathopt-hint`` the same, with the greedy plan as the MIP start;

and ``strategy=NAME``: ``solve_timeindexed(..., strategy=NAME)`` on that component from the
greedy plan (the A/B of the strategies; value and bound in hours),

each in its own process with HiGHS's log on (``--logs DIR`` keeps the logs), and prints, per
run, what the log says: the size after presolve, the root LP's value and time, the first and
last incumbents, the dual bound, nodes, and the answer.

    PYTHONPATH=src python benchmarks/town_highs.py --seeds 2,3 --time-limit 60 --logs /tmp/th
    PYTHONPATH=src python benchmarks/town_highs.py --seeds 2 --runs ours-mathopt --time-limit 30
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

RUNS = ("peer", "ours-highspy", "ours-mathopt", "ours-mathopt-hint")


def _largest(compat: Any) -> list[int]:
    from cus_match.optimise.solvers.components import active_components

    return sorted(max(active_components(compat), key=len))


def _save(path: Path, cost: Any, model: Any) -> None:
    np.savez(path, cost=cost, lower=model.lower, upper=model.upper,
             row_lower=model.row_lower, row_upper=model.row_upper, a_start=model.a_start,
             a_index=model.a_index, a_value=model.a_value)


def _highspy_child(npz: str, log: str, limit: float, seed: int, out: str) -> None:
    """highspy on a saved model, the peer's options, log to ``log`` (no OR-Tools loaded)."""
    import highspy

    m = np.load(npz, allow_pickle=False)
    h = highspy.Highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", log)
    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)
    lp = highspy.HighsLp()
    lp.num_col_ = len(m["cost"])
    lp.num_row_ = len(m["row_lower"])
    lp.col_cost_ = m["cost"]
    lp.col_lower_ = m["lower"]
    lp.col_upper_ = m["upper"]
    lp.row_lower_ = np.where(np.isinf(m["row_lower"]), -highspy.kHighsInf, m["row_lower"])
    lp.row_upper_ = np.where(np.isinf(m["row_upper"]), highspy.kHighsInf, m["row_upper"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = m["a_start"].astype(np.int32)
    lp.a_matrix_.index_ = m["a_index"].astype(np.int32)
    lp.a_matrix_.value_ = m["a_value"]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    lp.sense_ = highspy.ObjSense.kMaximize
    t0 = time.perf_counter()
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    Path(out).write_text(json.dumps({
        "seconds": time.perf_counter() - t0, "status": h.modelStatusToString(h.getModelStatus()),
        "objective": info.objective_function_value if info.primal_solution_status == 2
        else None, "bound": info.mip_dual_bound, "nodes": info.mip_node_count}))


def _mathopt_child(seed: int, limit: float, hinted: bool, out: str,
                   options: dict[str, Any]) -> None:
    """Our model through our MathOpt call (log on: HiGHS writes it to this process's stdout)."""
    from cus_match.compat import build_compat
    from cus_match.generate import generate
    from cus_match.optimise.rules import RULES
    from cus_match.optimise.solvers.greedy import greedy_state
    from cus_match.optimise.timeindexed import backends
    from cus_match.optimise.timeindexed.model import build_model, stage_costs
    from cus_match.optimise.timeindexed.solve import plan_vector

    compat = build_compat(generate("town", seed=seed))
    comp = _largest(compat)
    model = build_model(compat, comp)
    cost = stage_costs(compat, model, RULES["fifo"].stages[0])
    hint = None
    if hinted:
        greedy = greedy_state(compat).chosen
        hint = plan_vector(compat, model, {i: greedy[i] for i in comp if i in greedy})
    t0 = time.perf_counter()
    got = backends.run_backend(model, cost, backend="highs", time_limit=limit, seed=0,
                               hint=hint, log=True, highs_options=options)
    sys.stdout.flush()
    Path(out).write_text(json.dumps({
        "seconds": time.perf_counter() - t0, "status": "optimal" if got.proven else "limit",
        "objective": got.objective, "bound": got.bound}))


def _strategy_child(seed: int, limit: float, strategy: str, out: str) -> None:
    """``solve_timeindexed`` on the largest component, greedy start, one worker."""
    import cus_match.optimise.timeindexed.solve as ti
    from cus_match.compat import build_compat
    from cus_match.generate import generate
    from cus_match.optimise.rules import RULES
    from cus_match.optimise.solvers.greedy import greedy_state
    from cus_match.optimise.timeindexed.solve import solve_timeindexed

    # "rens+all": the RENS step with every helper freed at the LP's starts; "rens+lp": only
    # the LP's own columns (and the plan's).
    strategy, _, variant = strategy.partition("+")
    if variant:
        ti.RENS_ALL_HELPERS = variant == "all"
    compat = build_compat(generate("town", seed=seed))
    comp = _largest(compat)
    greedy = greedy_state(compat).chosen
    stage = RULES["fifo"].stages[0]
    t0 = time.perf_counter()
    sol = solve_timeindexed(compat, comp, stage, deadline=t0 + limit, seed=0,
                            hint={i: greedy[i] for i in comp if i in greedy},
                            strategy=strategy)
    value = stage.value(compat, sol.chosen)
    Path(out).write_text(json.dumps({
        "seconds": round(time.perf_counter() - t0, 2), "objective": value / 6000,
        "bound": sol.bound / 6000, "gap_pct": round(100 * (sol.bound - value) / sol.bound, 2),
        "how": sol.how}))


def parse_log(text: str) -> dict[str, Any]:
    """What a HiGHS log says: presolved size, root LP, incumbents, bound, nodes."""
    rec: dict[str, Any] = {}
    m = re.search(r"Presolving model\n(\d+) rows, (\d+) cols, (\d+) nonzeros", text)
    if m:
        rec["model"] = tuple(int(g) for g in m.groups())
    m = re.search(r"Presolved problem has (\d+) rows, (\d+) cols[^,]*, (\d+) nonzeros"
                  r"|Presolve[^\n]*: Reductions: rows (\d+)\(-?\d+\); columns (\d+)\(-?\d+\);"
                  r" nonzeros (\d+)", text)
    if m:
        g = [x for x in m.groups() if x is not None]
        rec["presolved"] = tuple(int(x) for x in g)
    m = re.search(r"Presolve reductions: rows (\d+)\(-?\d+\); columns (\d+)\(-?\d+\); "
                  r"nonzeros (\d+)", text)
    if m:
        rec["presolved"] = tuple(int(x) for x in m.groups())
    m = re.search(r"Objective function is integral with scale ([\d.e+-]+)", text)
    rec["integral_scale"] = m.group(1) if m else None
    # Node table rows: "  src  nodes ... BestBound BestSol Gap Cuts InLp Confl. LpIters Time"
    rows = re.findall(r"^ ?([A-Za-z ])\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)%\s+([-\d.e+]+|inf)"
                      r"\s+([-\d.e+]+|inf)\s+([\d.]+%|inf|Large)\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                      r"(\d+)\s+([\d.]+)s", text, re.M)
    table = [{"src": r[0].strip(), "nodes": int(r[1]), "bound": r[5], "sol": r[6],
              "gap": r[7], "cuts": int(r[8]), "time": float(r[12])} for r in rows]
    if table:
        rec["first_row"] = table[0]
        inc = [r for r in table if r["sol"] not in ("inf", "-inf")]
        rec["first_incumbent"] = inc[0] if inc else None
        rec["last_row"] = table[-1]
        rec["incumbents"] = [(r["time"], r["sol"], r["src"]) for r in table if r["src"]]
    m = re.search(r"Solving report.*", text, re.S)
    if m:
        rec["report"] = " | ".join(line.strip() for line in m.group(0).splitlines()[1:14]
                                   if line.strip())
    m = re.search(r"MIP start solution is feasible, objective value is ([-\d.e+]+)", text)
    rec["start"] = m.group(1) if m else None
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="2,3")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--runs", default=",".join(RUNS))
    ap.add_argument("--logs", default=None, help="folder to keep the HiGHS logs in")
    ap.add_argument("--highs-option", action="append", default=[],
                    help="NAME=VALUE, HiGHS options for the MathOpt runs")
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "strategy":
            _strategy_child(int(rest[0]), float(rest[1]), rest[2], rest[3])
        elif kind == "highspy":
            _highspy_child(rest[0], rest[1], float(rest[2]), int(rest[3]), rest[4])
        else:
            _mathopt_child(int(rest[0]), float(rest[1]), rest[2] == "1", rest[3],
                           json.loads(rest[4]))
        return
    options: dict[str, Any] = {}
    for item in args.highs_option:
        name, value = item.split("=", 1)
        options[name] = json.loads(value) if value[:1] in "0123456789-tf" else value
    logs = Path(args.logs or tempfile.mkdtemp(prefix="town_highs_"))
    logs.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).parent))
    from mip_peer import build_mip

    from cus_match.compat import build_compat
    from cus_match.generate import generate
    from cus_match.optimise.rules import RULES
    from cus_match.optimise.timeindexed.model import build_model, stage_costs

    for seed in [int(s) for s in args.seeds.split(",")]:
        compat = build_compat(generate("town", seed=seed))
        comp = _largest(compat)
        for run in args.runs.split(","):
            tag = f"s{seed}-{run}"
            log, out = logs / f"{tag}.log", logs / f"{tag}.json"
            load = Path("/proc/loadavg").read_text().split()[0]
            t0 = time.perf_counter()
            if run.startswith("strategy="):
                subprocess.run([sys.executable, __file__, "--child", "strategy", str(seed),
                                str(args.time_limit), run.split("=", 1)[1], str(out)],
                               check=True)
                print(json.dumps({"seed": seed, "run": run, "load": load,
                                  "wall": round(time.perf_counter() - t0, 1),
                                  **json.loads(out.read_text())}), flush=True)
                continue
            if run in ("peer", "ours-highspy"):
                npz = logs / f"{tag}.npz"
                if run == "peer":
                    mip = build_mip(compat)
                    np.savez(npz, cost=mip.cost, lower=mip.lower, upper=mip.upper,
                             row_lower=mip.row_lower, row_upper=mip.row_upper,
                             a_start=mip.a_start, a_index=mip.a_index, a_value=mip.a_value)
                else:
                    model = build_model(compat, comp)
                    _save(npz, stage_costs(compat, model, RULES["fifo"].stages[0]), model)
                subprocess.run([sys.executable, __file__, "--child", "highspy", str(npz),
                                str(log), str(args.time_limit), "0", str(out)], check=True)
                npz.unlink()
            else:
                with log.open("w") as fh:
                    subprocess.run([sys.executable, __file__, "--child", "mathopt", str(seed),
                                    str(args.time_limit), "1" if run.endswith("hint") else "0",
                                    str(out), json.dumps(options)], check=True, stdout=fh)
            wall = time.perf_counter() - t0
            res = json.loads(out.read_text())
            rec = parse_log(log.read_text())
            print(json.dumps({"seed": seed, "run": run, "load": load, "wall": round(wall, 1),
                              **res, **rec}, default=str), flush=True)


if __name__ == "__main__":
    main()
