"""Scale benchmark: generated rural, town, city, 2x and 4x city instances, per method.

Each (instance, method) runs in its own subprocess, so peak memory (max RSS) is its own. Prints
a Markdown table — build time of the compatibility graph, solve time, objective, bound, gap,
peak memory, violations found by the independent checker — and per method the log-log slope of
total time against the number of visits. ``--json FILE`` writes the records.

``--peers`` adds the peer a researcher would otherwise write: the same instance as one
time-indexed MIP solved by HiGHS under the same time limit (``benchmarks/mip_peer.py``: HiGHS in
its own process, killed at limit + grace, its plan decoded and checked), as the row
``highs-mip``, and two columns of ratios ours / HiGHS: objective and total time.

    python benchmarks/scale.py                       # all sizes, greedy and cpsat, 60 s each
    python benchmarks/scale.py --only rural,town --methods cpsat --time-limit 20
    python benchmarks/scale.py --only rural,town --methods greedy,cpsat,auto --peers
    python benchmarks/scale.py --only rural,town --methods greedy,cpsat,flow,auto \
        --deterministic --time-limit 10             # objectives that repeat byte for byte
    python benchmarks/scale.py --only rural --seeds 1,2,3,4,5 --methods cpsat,timeindexed \
        --peers                                     # + the issue-11 targets, MET / MISSED

Every method is the library's registered one (``timeindexed`` is the time-indexed model of
``cus_match.optimise.timeindexed``: one HiGHS MIP per component where it fits, else LNS on
sub-MIPs of the same model, the bound from its LP). A record also has ``first_plan_s``, the
time to the first plan (the compatibility graph and the greedy hint: the first ``solve``
progress event), and ``methods``, what ran on how many components (``Result.methods``).

Times, ours and the peer's alike: ``build s`` is the compatibility graph (and the travel
matrix), ``solve s`` everything after it up to an assembled, explained plan, the checker left
out -- for us the method (imports of OR-Tools on first use included) and the instance digest
``solve()`` takes; for the peer building its MIP, ``import highspy``, setting the model up,
HiGHS's run, decoding and assembling, but not the start-up of the child process HiGHS runs in
or the model's trip through files (``solve_process_s`` in the records keeps that time too;
``_peer_in_process``).

With ``--peers`` the script ends with the targets of issue 11 for each method but the greedy
and the peer, as ``orlib.py`` does: MET / MISSED, with the numbers and ratios behind each; a
target whose instances were not run says so.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SIZES = {  # name -> (profile, scale)
    "rural": ("rural", 1.0), "town": ("town", 1.0), "city": ("city", 1.0),
    "city2x": ("city", 2.0), "city4x": ("city", 4.0),
}
PEER = "highs-mip"


def run_one(name: str, method: str, seed: int, time_limit: float,
            peer: dict | None = None, deterministic: bool = False, workers: int = 1) -> dict:
    """Generate, build, solve and check one instance (runs inside the child process).

    ``method`` ``highs-mip`` runs the MIP peer with the options in ``peer``.
    """
    import cus_match
    from cus_match.compat import build_compat
    from cus_match.generate import generate
    from cus_match.io.json_format import instance_digest
    from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
    from cus_match.optimise.solve import METHODS
    from cus_match.plan.check import check

    profile, scale = SIZES[name]
    inst = generate(profile, seed=seed, scale=scale)
    # The limit covers the graph's build, as in solve(), whose clock starts on entry (the
    # target compares build + solve with it): the solve gets what the build leaves.
    deadline = Deadline.after(time_limit)
    t0 = time.perf_counter()
    _ = inst.travel
    compat = build_compat(inst)
    build = time.perf_counter() - t0
    if method == PEER:
        return _run_peer(name, inst, compat, build, seed, time_limit, peer or {})
    t1 = time.perf_counter()
    first_plan: list[float] = []

    def progress(event: ProgressEvent) -> None:
        # The first "solve" event carries the greedy hint's plan: the first plan there is.
        if event.phase == "solve" and not first_plan:
            first_plan.append(time.perf_counter() - t0)

    options = SolveOptions(seed=seed, time_limit=time_limit, progress=progress,
                           deterministic=deterministic and method != "greedy",
                           workers=workers)
    # What solve() does besides the method (and the CLI with it): the plan names its
    # instance by digest, which serialises the whole instance.
    instance_digest(inst)
    result = METHODS[method](inst, options=options, compat=compat, deadline=deadline)
    solve = time.perf_counter() - t1
    violations = check(inst, result)
    return {
        "instance": name, "profile": profile, "scale": scale, "seed": seed, "method": method,
        "helpers": len(inst.helpers), "visits": len(compat.occurrences),
        "pairs": sum(len(c) for c in compat.candidates),
        "build_s": round(build, 3), "solve_s": round(solve, 3),
        "total_s": round(build + solve, 3), "objective": result.objective,
        "bound": result.bound,
        "gap_pct": None if result.gap is None else round(100 * result.gap, 3),
        "status": result.status.value, "violations": len(violations),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "first_plan_s": round(first_plan[0], 3) if first_plan else None,
        "methods": {m.method: m.components for m in result.methods},
        "version": cus_match.__version__,
    }


def _run_peer(name: str, inst, compat, build: float, seed: int, time_limit: float,
              peer: dict) -> dict:
    import cus_match

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from mip_peer import run_peer

    profile, scale = SIZES[name]
    rec = run_peer(inst, compat, time_limit=time_limit, seed=seed, grace=peer.get("grace"),
                   memory_gb=peer.get("memory_gb"), max_z=peer.get("max_z"))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    solve = _peer_in_process(rec)
    return {
        "instance": name, "profile": profile, "scale": scale, "seed": seed, "method": PEER,
        "helpers": len(inst.helpers), "visits": len(compat.occurrences),
        "pairs": sum(len(c) for c in compat.candidates),
        "build_s": round(build, 3), "solve_s": solve, "solve_process_s": rec["solve_s"],
        "total_s": round(build + solve, 3), "objective": rec["objective"],
        "bound": rec["bound"], "gap_pct": rec["gap_pct"], "status": rec["status"],
        "violations": rec["violations"],
        # The larger of this process (model building) and HiGHS's process.
        "peak_mb": round(max(own, rec.get("highs_peak_mb") or 0.0), 1),
        "model_peak_mb": round(own, 1),
        "version": cus_match.__version__,
        **{k: v for k, v in rec.items() if k not in (
            "solve_s", "objective", "bound", "gap_pct", "status", "violations")},
    }


def _peer_in_process(rec: dict) -> float:
    """The peer's solve time as if HiGHS ran in this process, as ours does.

    HiGHS runs in a child process (OR-Tools bundles its own libhighs, and the two must not
    share a process), so ``run_peer``'s time holds the child's start-up, its import of numpy
    and the model's round trip through files (0.3-0.4 s on rural): costs of the benchmark,
    not of the peer. What is kept: building the MIP, ``import highspy``, setting the model up,
    HiGHS's run, decoding and assembling the plan -- the same steps our time holds (our
    import of OR-Tools, our models, HiGHS, assembling). A run killed at its limit keeps the
    child's wall time (no HiGHS time was reported).
    """
    parts = (rec.get("highs_wall_s"), rec.get("highs_s"), rec.get("highs_import_s"),
             rec.get("highs_setup_s"))
    if any(p is None for p in parts):
        return float(rec["solve_s"])
    wall, run, imp, setup = (float(p) for p in parts)  # type: ignore[arg-type]
    return round(float(rec["solve_s"]) - wall + imp + setup + run, 3)


def _child(args: argparse.Namespace) -> None:
    peer = {"grace": args.peer_grace, "memory_gb": args.peer_memory_gb,
            "max_z": args.peer_max_z}
    print(json.dumps(run_one(args.child, args.methods, args.seed, args.time_limit, peer,
                             args.deterministic, args.workers)))


def _ratio(a: float | None, b: float | None, digits: int) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, digits)


def _slope(rows: list[dict]) -> float | None:
    pts = [(math.log(r["visits"]), math.log(r["total_s"])) for r in rows
           if r["visits"] > 0 and r["total_s"] > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default=",".join(SIZES), help="comma-separated sizes")
    ap.add_argument("--methods", default="greedy,cpsat")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", default=None,
                    help="comma-separated seeds, each instance run with each (default: --seed)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--peers", action="store_true",
                    help="also the HiGHS MIP peer (benchmarks/mip_peer.py), with ratios")
    ap.add_argument("--peer-grace", type=float, default=None,
                    help="seconds HiGHS may run past the limit before it is killed "
                         "(default: half the limit + 10)")
    ap.add_argument("--peer-memory-gb", type=float, default=None,
                    help="address-space cap of the HiGHS process")
    ap.add_argument("--peer-max-z", type=int, default=1_000_000,
                    help="do not build MIPs with more helper-start columns (reported "
                         "'too large'; the city has 6 million: 19 GB to build)")
    ap.add_argument("--deterministic", action="store_true",
                    help="reproducible search: --time-limit is then CP-SAT work units, and "
                         "the objectives repeat on any machine load")
    ap.add_argument("--workers", type=int, default=1,
                    help="SolveOptions.workers (timeindexed: 2+ runs the whole-model HiGHS "
                         "MIP beside LNS)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    args.env = _bytecode_env()
    methods = args.methods.split(",") + ([PEER] if args.peers else [])
    rows = []
    head = ("| instance | seed | method | helpers | visits | pairs | build s | solve s | "
            "objective | bound | gap % | status | peak MB | violations |")
    if args.peers:
        head += " obj / HiGHS | time / HiGHS |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    for name in args.only.split(","):
        for seed in seeds:
            rows.extend(_run_instance(args, name, seed, methods))
    print()
    for r in rows:
        if r["method"] == PEER and "mip" in r and "cols" not in r["mip"]:
            print(f"{r['instance']}: MIP not built, {r['mip']['z_cols']} helper-start columns "
                  f"(over --peer-max-z)")
        elif r["method"] == PEER and "mip" in r:
            m = r["mip"]
            print(f"{r['instance']}: MIP of {m['cols']} columns ({m['z_cols']} helper-start), "
                  f"{m['rows']} rows, {m['nnz']} nonzeros, built in {m['build_s']} s; "
                  f"HiGHS {r.get('highs_status') or r['status']}, "
                  f"{r.get('highs_wall_s')} s wall, {r.get('highs_peak_mb')} MB")
    for method in methods:
        s = _slope([r for r in rows if r["method"] == method])
        if s is not None:
            print(f"log-log slope of total time vs visits, {method}: {s:.2f}")
        for r in rows:
            if r["method"] == method and r["total_s"] > 0:
                share = 100 * r["build_s"] / r["total_s"]
                print(f"  {r['instance']}, {method}: graph building {share:.0f}% of total "
                      "time")
    if args.peers:
        for method in methods:
            if method not in (PEER, "greedy"):
                print_targets(rows, method, args.time_limit)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def _bytecode_env() -> dict[str, str]:
    """The children's environment, with the library's bytecode compiled once, before any run.

    Under ``PYTHONDONTWRITEBYTECODE`` (set on the project machine) every child compiled each
    module it imported from source: 0.03-0.06 s of our solve (the solvers load on first use,
    inside the timed part) and nothing of the peer's (its modules load before its clock), which
    no installed copy pays. The children write and read their bytecode under a temporary
    ``PYTHONPYCACHEPREFIX`` instead (never beside the sources), compiled here untimed.
    """
    import os
    import tempfile

    import cus_match

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", tempfile.mkdtemp(prefix="cus-scale-pyc-"))
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    str(Path(cus_match.__file__).resolve().parent)], env=env, check=False,
                   capture_output=True)
    return env


def _run_instance(args: argparse.Namespace, name: str, seed: int, methods: list[str]
                  ) -> list[dict]:
    """Every method on one (size, seed), each in its own process; rows printed as they come."""
    done = []
    for method in methods:
        cmd = [sys.executable, __file__, "--child", name, "--methods", method,
               "--seed", str(seed), "--time-limit", str(args.time_limit)]
        if args.deterministic:
            cmd.append("--deterministic")
        if args.workers != 1:
            cmd += ["--workers", str(args.workers)]
        for opt in ("peer_grace", "peer_memory_gb", "peer_max_z"):
            if getattr(args, opt) is not None:
                cmd += ["--" + opt.replace("_", "-"), str(getattr(args, opt))]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=False,
                             env=args.env)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            print(f"| {name} | {method} | failed: {out.stderr.strip().splitlines()[-1:]} |",
                  flush=True)
            continue
        done.append(json.loads(out.stdout.strip().splitlines()[-1]))
        done[-1]["process_wall_s"] = round(wall, 3)
        if not args.peers:
            _print_row(done[-1], False)
    if args.peers:  # the ratios need the peer's run: print the instance's rows together
        peer = next((r for r in done if r["method"] == PEER), None)
        if peer is not None and peer["objective"] is None:
            peer = None  # no plan (too large, killed empty): nothing to compare with
        for r in done:
            if peer is not None and r is not peer:
                r["obj_ratio_vs_highs"] = _ratio(r["objective"], peer["objective"], 4)
                r["time_ratio_vs_highs"] = _ratio(r["total_s"], peer["total_s"], 3)
            _print_row(r, True)
    return done


#: The targets of issue 11: (label, sizes, seeds, check) with check(ours, peer) -> (ok, note).
def _proven(r: dict) -> bool:
    """Optimal, or ``partial`` (required visits no helper can take) at its proven bound."""
    return r["status"] == "optimal" or (
        r["status"] == "partial" and r["bound"] is not None and r["objective"] is not None
        and r["objective"] >= r["bound"] - 1e-6)


def _rural(r: dict, p: dict | None) -> tuple[bool, str]:
    if p is None or p["status"] not in ("optimal", "feasible", "partial"):
        return False, f"{r['status']} in {r['total_s']} s, no peer time to compare"
    ok = _proven(r) and r["total_s"] <= p["total_s"]
    return ok, f"{r['status']} in {r['total_s']} s, peer {p['total_s']} s " \
               f"(x{r['total_s'] / p['total_s']:.2f})"


def _town(r: dict, p: dict | None) -> tuple[bool, str]:
    gap = r["gap_pct"]
    ratio = r.get("obj_ratio_vs_highs")
    ok = ratio is not None and ratio >= 1.0 and gap is not None and gap <= 0.5
    return ok, f"objective / HiGHS {ratio}, gap {gap} %"


def _city(limit: float) -> Any:
    def check(r: dict, p: dict | None) -> tuple[bool, str]:
        gap = r["gap_pct"]
        ok = gap is not None and gap <= limit and r["peak_mb"] <= 4096
        return ok, f"gap {gap} %, peak {r['peak_mb']} MB"
    return check


def _wall(time_limit: float) -> Any:
    def check(r: dict, p: dict | None) -> tuple[bool, str]:
        allowed = 1.05 * time_limit + 1.0
        return r["total_s"] <= allowed, f"{r['total_s']} s of {allowed:.1f} s allowed"
    return check


def print_targets(rows: list[dict], method: str, time_limit: float) -> None:
    """Issue 11's targets for ``method``: MET / MISSED with the numbers behind each."""
    mine = [r for r in rows if r["method"] == method]
    peers = {(r["instance"], r["seed"]): r for r in rows if r["method"] == PEER}
    targets = [
        ("rural seeds 1-5: proven optimal, time <= HiGHS", {"rural"}, {1, 2, 3, 4, 5}, _rural),
        ("town seeds 1-3: objective >= HiGHS, gap <= 0.5 %", {"town"}, {1, 2, 3}, _town),
        ("city seeds 1-3: gap <= 1 %, peak <= 4 GB", {"city"}, {1, 2, 3}, _city(1.0)),
        ("city 2x, 4x: gap <= 2 %", {"city2x", "city4x"}, None, _city(2.0)),
        ("every size: wall <= 1.05 x limit + 1 s", None, None, _wall(time_limit)),
    ]
    print(f"\n# targets (issue 11), {method}, time limit {time_limit:g} s")
    for label, sizes, seeds, check in targets:
        got = [r for r in mine if (sizes is None or r["instance"] in sizes)
               and (seeds is None or r["seed"] in seeds)]
        if not got:
            print(f"{label:<52} not run")
            continue
        results = [(r, *check(r, peers.get((r["instance"], r["seed"])))) for r in got]
        n_ok = sum(ok for _r, ok, _n in results)
        wanted = (len(sizes or ()) * len(seeds)) if seeds is not None and sizes else len(got)
        verdict = "MET" if n_ok == len(got) == wanted else "MISSED"
        more = "" if len(got) >= wanted else f" (only {len(got)} of {wanted} run)"
        print(f"{label:<52} {n_ok:>2}/{len(got):<2} {verdict}{more}")
        for r, ok, note in results:
            print(f"    {r['instance']} seed {r['seed']}: {'ok' if ok else 'missed'}, {note}")
    cities = sorted((r for r in mine if r["instance"].startswith("city")
                     and r.get("first_plan_s")), key=lambda r: r["visits"])
    label = "city 1x-4x: slope of time to first plan <= 1.2"
    if len({r["instance"] for r in cities}) < 2:
        print(f"{label:<52} not run (needs two city sizes and a recorded first plan)")
    else:
        slope = _slope([{"visits": r["visits"], "total_s": r["first_plan_s"]} for r in cities])
        ok = slope is not None and slope <= 1.2
        print(f"{label:<52} {'MET' if ok else 'MISSED'} (slope {slope:.2f})")


def _print_row(r: dict, peers: bool) -> None:
    line = (f"| {r['instance']} | {r['seed']} | {r['method']} | {r['helpers']} | {r['visits']} | "
            f"{r['pairs']} | {r['build_s']} | {r['solve_s']} | {r['objective']} | {r['bound']} | "
            f"{r['gap_pct']} | {r['status']} | {r['peak_mb']} | {r['violations']} |")
    if peers:
        line += f" {r.get('obj_ratio_vs_highs', '-')} | {r.get('time_ratio_vs_highs', '-')} |"
    print(line, flush=True)


if __name__ == "__main__":
    main()
