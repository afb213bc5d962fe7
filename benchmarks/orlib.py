#!/usr/bin/env python3
"""OR-Library benchmark: cus_match's engine on public GAP and linear-assignment instances.

Reads the instances and known values from ``../shared/data/orlib`` (override with ``--data``),
solves each with :func:`cus_match.optimise.engine.solve_gap` /
:func:`cus_match.optimise.engine.solve_lap` — the
same engine the domain solver uses — re-checks every solution with an independent checker
(its own file parser: capacities, every job assigned, objective recomputed from the file) and
prints one line per instance. See ``benchmarks/README.md`` for the protocol and latest table.

    .venv/bin/python benchmarks/orlib.py                      # everything, 60 s per instance
    .venv/bin/python benchmarks/orlib.py --only '^c515' --sense both --time-limit 1
    .venv/bin/python benchmarks/orlib.py --only '^(d|e)' --peers --json out/orlib.json

``--peers`` also solves each GAP instance with HiGHS MIP (highspy) in a subprocess under the
same time limit, killed on a wall clock (OR-Tools bundles its own libhighs, so the two are
never imported into one process; HiGHS may overshoot its own limit).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Beside the main checkout (../shared), or two levels up from a worktree (/work/wt/<name>).
DEFAULT_DATA = next((p.resolve() for p in (ROOT / ".." / "shared" / "data" / "orlib",
                                           ROOT / ".." / ".." / "shared" / "data" / "orlib")
                     if p.is_dir()), (ROOT / ".." / "shared" / "data" / "orlib").resolve())


# --------------------------------------------------------------------------------------------
# Independent reading and checking (no cus_match code: numpy only)


def raw_tokens(path: Path) -> np.ndarray:
    return np.array(path.read_text().split(), dtype=np.int64)


def raw_gap(path: Path, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost (m x n), resource (m x n) and capacity (m) of problem ``index`` (1-based)."""
    tok = raw_tokens(path)
    multi = path.name.startswith("gap") and path.name.endswith(".txt")
    pos = 1 if multi else 0
    for k in range(1, (int(tok[0]) if multi else 1) + 1):
        m, n = int(tok[pos]), int(tok[pos + 1])
        pos += 2
        c = tok[pos: pos + m * n].reshape(m, n)
        a = tok[pos + m * n: pos + 2 * m * n].reshape(m, n)
        b = tok[pos + 2 * m * n: pos + 2 * m * n + m]
        pos += 2 * m * n + m
        if k == index:
            return c, a, b
    raise ValueError(f"{path}: no problem {index}")


def check_gap(path: Path, index: int, assignment: list[int], objective: Any) -> list[str]:
    """Errors of a GAP solution, checked against the file itself."""
    c, a, b = raw_gap(path, index)
    m, n = c.shape
    x = np.asarray(assignment, dtype=np.int64)
    errors = []
    if x.shape != (n,):
        return [f"assignment has {x.shape} entries, expected {n}"]
    if ((x < 0) | (x >= m)).any():
        errors.append(f"{int(((x < 0) | (x >= m)).sum())} jobs without a valid agent")
        return errors
    jobs = np.arange(n)
    load = np.bincount(x, weights=a[x, jobs], minlength=m)
    over = np.flatnonzero(load > b)
    if over.size:
        errors.append(f"agents over capacity: {over.tolist()[:5]}")
    total = int(c[x, jobs].sum())
    if objective is None or total != objective:
        errors.append(f"objective {objective} but the file gives {total}")
    return errors


def raw_assign(path: Path) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    tok = raw_tokens(path)
    n = int(tok[0])
    if path.name.startswith("assignp"):
        t = tok[1:].reshape(-1, 3)
        return n, t[:, 0] - 1, t[:, 1] - 1, t[:, 2]
    rows = np.repeat(np.arange(n), n)
    cols = np.tile(np.arange(n), n)
    return n, rows, cols, tok[1:]


def check_assign(path: Path, assignment: list[int], objective: Any) -> list[str]:
    n, rows, cols, cost = raw_assign(path)
    x = np.asarray(assignment, dtype=np.int64)
    if x.shape != (n,) or sorted(x.tolist()) != list(range(n)):
        return ["not a permutation of the columns"]
    lookup = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), cost.tolist(),
                      strict=True))
    try:
        total = sum(lookup[(i, int(x[i]))] for i in range(n))
    except KeyError as e:
        return [f"pair {e} is not allowed"]
    if total != objective:
        return [f"objective {objective} but the file gives {total}"]
    return []


# --------------------------------------------------------------------------------------------
# Instances


@dataclass
class Row:
    collection: str
    instance: str
    file: str
    index: int
    m: int
    n: int
    sense: str
    known: int
    lower: int | None
    proven: bool

    @property
    def kind(self) -> str:
        if self.collection == "orlib-assign":
            return "lap"
        if self.collection == "orlib-gap1-12":
            return "gap1-12"
        return "gap"


def read_rows(data: Path) -> list[Row]:
    out = []
    with open(data / "known_values.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["file"].startswith("("):
                continue  # not stored
            out.append(Row(r["collection"], r["instance"], r["file"], int(r["problem_index"]),
                           int(r["m"]), int(r["n"]), r["sense"], int(r["best_known"]),
                           int(r["lower_bound"]) if r["lower_bound"] else None,
                           r["proven_optimal"] == "yes"))
    return out


def target_of(row: Row) -> tuple[str, float, float | None]:
    """(label, allowed gap %, allowed seconds) of the issue's targets."""
    name = row.instance
    if row.kind == "gap1-12":
        return "gap1-12 optimal < 1 s", 0.0, 1.0
    if row.kind == "lap":
        return "LAP optimal, <= 1.1x fastest peer", 0.0, None
    if row.collection == "orlib-gapa-d" and name[0] in "abc":
        return "A/B/C n<=200 proven optimal", 0.0, None
    if name[0] == "d":
        return "D within 0.5 %", 0.5, None
    return "large C/E within 1 %", 1.0, None


# --------------------------------------------------------------------------------------------
# Peer: HiGHS MIP in a subprocess


def peer_worker(spec: str) -> None:
    """Solve one GAP with highspy; print a JSON line. Runs in its own process."""
    import highspy

    s = json.loads(spec)
    c, a, b = raw_gap(Path(s["file"]), s["index"])
    m, n = c.shape
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(s["time_limit"]))
    h.setOptionValue("random_seed", int(s.get("seed", 0)))
    lp = highspy.HighsLp()
    nv = m * n
    lp.num_col_ = nv
    lp.num_row_ = n + m
    lp.col_cost_ = c.ravel().astype(np.float64)
    lp.col_lower_ = np.zeros(nv)
    lp.col_upper_ = np.ones(nv)
    lp.row_lower_ = np.concatenate([np.ones(n), np.full(m, -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([np.ones(n), b.astype(np.float64)])
    ii, jj = np.divmod(np.arange(nv), n)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * nv + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = np.stack([jj, n + ii], axis=1).ravel().astype(np.int32)
    lp.a_matrix_.value_ = np.stack([np.ones(nv), a.ravel().astype(np.float64)], 1).ravel()
    lp.integrality_ = [highspy.HighsVarType.kInteger] * nv
    if s["sense"] == "max":
        lp.sense_ = highspy.ObjSense.kMaximize
    t0 = time.perf_counter()
    h.passModel(lp)
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    out: dict[str, Any] = {"status": status, "seconds": seconds, "objective": None,
                           "bound": info.mip_dual_bound}
    if info.primal_solution_status == 2:  # feasible point
        x = np.asarray(h.getSolution().col_value).reshape(m, n)
        assignment = x.argmax(axis=0)
        out["objective"] = int(c[assignment, np.arange(n)].sum())
        out["assignment"] = assignment.tolist()
    print(json.dumps(out))


def run_peer(args: argparse.Namespace, row: Row, path: Path) -> dict[str, Any]:
    spec = json.dumps({"file": str(path), "index": row.index, "sense": row.sense,
                       "time_limit": args.time_limit, "seed": args.seed})
    wall = args.time_limit * 1.5 + 5.0
    t0 = time.perf_counter()
    try:
        cp = subprocess.run([args.peer_python, __file__, "--peer-worker", spec],
                            capture_output=True, text=True, timeout=wall)
    except subprocess.TimeoutExpired:
        return {"status": "killed", "seconds": time.perf_counter() - t0, "objective": None}
    if cp.returncode != 0 or not cp.stdout.strip():
        return {"status": "error: " + cp.stderr.strip().splitlines()[-1:][0][:60]
                if cp.stderr.strip() else "error", "seconds": time.perf_counter() - t0,
                "objective": None}
    res = json.loads(cp.stdout.strip().splitlines()[-1])
    res["wall"] = time.perf_counter() - t0
    if res.get("objective") is not None:
        errs = check_gap(path, row.index, res["assignment"], res["objective"])
        if errs:
            res["status"] += " (INVALID: " + "; ".join(errs) + ")"
    return res


# --------------------------------------------------------------------------------------------
# Solving


def gap_pct(ours: float | None, known: int, sense: str) -> float | None:
    if ours is None:
        return None
    diff = (ours - known) if sense == "min" else (known - ours)
    return 100.0 * diff / abs(known)


def solve_gap_row(args: argparse.Namespace, row: Row, path: Path,
                  cache: dict[tuple[str, str], list[Any]]) -> dict[str, Any]:
    from cus_match.optimise.engine import solve_gap
    from cus_match.optimise.engine.orlib import read_gap

    key = (str(path), row.sense)
    if key not in cache:
        cache[key] = read_gap(path, sense=row.sense)
    name, problem = cache[key][row.index - 1]
    if name != row.instance and not (row.kind == "gap" and path.name == row.instance):
        raise SystemExit(f"{path} problem {row.index} is {name}, expected {row.instance}")
    sol = solve_gap(problem, method=args.method, time_limit=args.time_limit, seed=args.seed,
                    workers=args.workers, deterministic=args.deterministic)
    assignment = sol.job_agent.tolist()
    errors = []
    if sol.objective is not None:
        errors = check_gap(path, row.index, assignment, sol.objective)
    rec = {"instance": row.instance, "sense": row.sense, "objective": sol.objective,
           "status": sol.status.value, "seconds": round(sol.seconds, 4),
           "assignment": assignment, "bound": sol.bound, "known": row.known,
           "method": sol.method, "m": row.m, "n": row.n, "check": errors or "ok"}
    if args.peers:
        rec["peer"] = run_peer(args, row, path)
    return rec


def best_times(fns: list[Any], repeat: int) -> list[tuple[float, Any]]:
    """Best wall time and last result of each function, run in turn ``repeat`` rounds.

    Interleaved rounds, so that load from other processes on a shared machine falls on every
    contender alike instead of on whichever ran during a busy second.
    """
    best = [float("inf")] * len(fns)
    out: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            out[i] = fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(best, out, strict=True))


def solve_lap_row(args: argparse.Namespace, row: Row, path: Path) -> dict[str, Any]:
    from ortools.graph.python import linear_sum_assignment

    from cus_match.optimise.engine import solve_lap
    from cus_match.optimise.engine.orlib import read_assign

    data = read_assign(path)
    n = data.n

    def ours() -> Any:
        if data.dense is not None:
            return solve_lap(data.dense)
        return solve_lap(data.cost, rows=data.rows, cols=data.cols, shape=(n, n))

    def raw() -> Any:
        if data.dense is not None:
            rr = np.repeat(np.arange(n, dtype=np.int64), n)
            cc = np.tile(np.arange(n, dtype=np.int64), n)
            cost = data.dense.reshape(-1)
        else:
            rr, cc, cost = data.rows, data.cols, data.cost
        lsa = linear_sum_assignment.SimpleLinearSumAssignment()
        lsa.add_arcs_with_cost(rr, cc, cost)
        assert lsa.solve() == lsa.OPTIMAL
        mate = lsa.right_mate
        return [mate(i) for i in range(n)], lsa.optimal_cost()

    try:
        from scipy.optimize import linear_sum_assignment as scipy_lsa
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        def sp() -> Any:
            if data.dense is not None:
                r_, c_ = scipy_lsa(data.dense)
                return c_, int(data.dense[r_, c_].sum())
            g = csr_matrix((data.cost, (data.rows, data.cols)), shape=(n, n))
            r_, c_ = min_weight_full_bipartite_matching(g)
            return c_, int(np.asarray(g[r_, c_]).sum())

        fns = [ours, raw, sp]
    except ImportError:
        fns = [ours, raw]
    timed = best_times(fns, args.repeat)
    (t_ours, sol), (t_raw, (_mates, raw_cost)) = timed[0], timed[1]
    rec = {"instance": row.instance, "sense": "min", "objective": sol.objective,
           "status": sol.status.value, "seconds": round(t_ours, 4),
           "assignment": sol.row_col.tolist(), "known": row.known, "m": n, "n": n,
           "raw_ortools": {"objective": raw_cost, "seconds": round(t_raw, 4)}}
    rec["scipy"] = None
    if len(timed) == 3:
        t_sp, (_, sp_cost) = timed[2]
        rec["scipy"] = {"objective": sp_cost, "seconds": round(t_sp, 4)}
    errors = check_assign(path, rec["assignment"], sol.objective) if sol.objective else [
        "no solution"]
    rec["check"] = errors or "ok"
    return rec


# --------------------------------------------------------------------------------------------
# Output


def fmt(x: Any, spec: str = "") -> str:
    if x is None:
        return "-"
    return format(x, spec)


def print_gap(rec: dict[str, Any], peers: bool) -> None:
    pct = gap_pct(rec["objective"], rec["known"], rec["sense"])
    line = (f"{rec['instance']:<11} {rec['sense']:<4} {rec['m']:>3} {rec['n']:>5} "
            f"{rec['known']:>8} {fmt(rec['objective']):>8} {fmt(rec['bound']):>10} "
            f"{fmt(pct, '.3f'):>7} {rec['status']:<9} {rec['seconds']:>7.2f}  "
            f"{'ok' if rec['check'] == 'ok' else 'INVALID ' + '; '.join(rec['check'])}")
    if peers and "peer" in rec:
        p = rec["peer"]
        ratio_t = rec["seconds"] / p["seconds"] if p.get("seconds") else None
        ratio_o = (rec["objective"] / p["objective"]
                   if p.get("objective") and rec["objective"] is not None else None)
        line += (f" | highs {fmt(p.get('objective')):>8} {p['status'][:12]:<12} "
                 f"{p.get('wall', p.get('seconds', 0)):>6.1f}s  obj x{fmt(ratio_o, '.4f')} "
                 f"time x{fmt(ratio_t, '.2f')}")
    print(line, flush=True)


def print_lap(rec: dict[str, Any]) -> None:
    raw_t = rec["raw_ortools"]["seconds"]
    sp = rec.get("scipy")
    line = (f"{rec['instance']:<11} {'min':<4} {rec['m']:>5} {rec['known']:>8} "
            f"{fmt(rec['objective']):>8} {rec['status']:<8} ours {rec['seconds']:.4f}s  "
            f"raw-ortools {raw_t:.4f}s (x{rec['seconds'] / raw_t:.2f})  ")
    if sp:
        line += f"scipy {sp['seconds']:.4f}s (x{rec['seconds'] / sp['seconds']:.2f})  "
    line += "ok" if rec["check"] == "ok" else "INVALID " + "; ".join(rec["check"])
    print(line, flush=True)


#: Linear assignment: at most this times the fastest peer's time (issue 11).
LAP_RATIO = 1.1


def fastest_peer(rec: dict[str, Any]) -> float:
    """The faster of raw OR-Tools and scipy on a linear-assignment record."""
    times = [rec["raw_ortools"]["seconds"]]
    if rec.get("scipy"):
        times.append(rec["scipy"]["seconds"])
    return min(times)


def summarise(records: list[dict[str, Any]], rows: dict[tuple[str, str], Row]) -> None:
    groups: dict[str, list[bool]] = {}
    for rec in records:
        row = rows[(rec["instance"], rec["sense"])]
        label, allowed, seconds = target_of(row)
        ok = rec["check"] == "ok" and rec["objective"] is not None
        if row.kind == "lap":
            ok &= rec["objective"] == row.known
            ok &= rec["seconds"] <= LAP_RATIO * fastest_peer(rec)
        else:
            pct = gap_pct(rec["objective"], row.known, row.sense)
            ok &= pct is not None and pct <= allowed + 1e-9
            if allowed == 0.0:
                ok &= rec["status"] == "optimal"
            if seconds is not None:
                ok &= rec["seconds"] < seconds
        groups.setdefault(label, []).append(bool(ok))
    print("\n# targets")
    for label, oks in groups.items():
        print(f"{label:<36} {sum(oks):>3}/{len(oks):<3} {'MET' if all(oks) else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="folder with known_values.csv, gap/ and assign/ (default: %(default)s)")
    ap.add_argument("--only", default=None, help="regular expression on instance names")
    ap.add_argument("--sense", choices=["max", "min", "both"], default="both",
                    help="sense for gap1-12 (the others are minimisation)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    ap.add_argument("--method", default="auto", help="solve_gap method (default auto)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--deterministic", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="write the records to this file")
    ap.add_argument("--peers", action="store_true", help="also HiGHS MIP (highspy), subprocess")
    ap.add_argument("--peer-python", default=sys.executable,
                    help="python with highspy for --peers (default: this one)")
    ap.add_argument("--repeat", type=int, default=9,
                    help="timing rounds for assignment files (interleaved; best of each)")
    ap.add_argument("--peer-worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peer_worker is not None:
        peer_worker(args.peer_worker)
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    import ortools

    rows = read_rows(args.data)
    pattern = re.compile(args.only) if args.only else None
    chosen = [r for r in rows
              if (pattern is None or pattern.search(r.instance))
              and (r.kind != "gap1-12" or args.sense in ("both", r.sense))]
    print(f"# OR-Library benchmark: {len(chosen)} runs, time limit {args.time_limit:g} s, "
          f"method {args.method}, seed {args.seed}, ortools {ortools.__version__}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    records: list[dict[str, Any]] = []
    cache: dict[tuple[str, str], list[Any]] = {}
    header_gap = header_lap = False
    for row in chosen:
        path = args.data / row.file
        if row.kind == "lap":
            if not header_lap:
                print(f"\n{'instance':<11} {'sns':<4} {'n':>5} {'known':>8} {'ours':>8} status")
                header_lap = True
            rec = solve_lap_row(args, row, path)
            print_lap(rec)
        else:
            if not header_gap:
                print(f"\n{'instance':<11} {'sns':<4} {'m':>3} {'n':>5} {'known':>8} "
                      f"{'ours':>8} {'bound':>10} {'gap%':>7} {'status':<9} {'seconds':>7}"
                      f"  check")
                header_gap = True
            rec = solve_gap_row(args, row, path, cache)
            print_gap(rec, args.peers)
        records.append(rec)
    summarise(records, {(r.instance, r.sense): r for r in rows})
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(records, indent=1))
    bad = [r["instance"] for r in records if r["check"] != "ok" and r["objective"] is not None]
    if bad:
        print(f"INVALID solutions: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
