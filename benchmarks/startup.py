"""Start-up time: ``import cus_match`` and the command line, before and after, fresh interpreters.

Each case is a new ``python`` process timed from launch to exit (interpreter start-up included,
as a user waits for it), run ``--runs`` times per tree; the table gives medians. The "after"
tree is this checkout's ``src``; the "before" tree is ``src`` of ``--before REV`` extracted with
``git archive`` into a temporary directory. Each process gets ``PYTHONPATH`` set to its tree's
``src`` and nothing else, and runs in a neutral directory. The trees alternate run by run, so a
change of load on a shared machine hits both alike; one untimed warm-up run per case and tree
writes the bytecode caches first.

Also printed: the five largest cumulative imports that ``import cus_match`` loads, from
``python -X importtime`` (median over the runs), per tree: of any module, and of modules
outside the package (what the dependencies cost).

    python benchmarks/startup.py                      # 15 runs, before = 02bc135
    python benchmarks/startup.py --runs 31 --json out/startup.json
    python benchmarks/startup.py --before HEAD~3      # against any revision
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: (label, arguments after ``python``).
CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("python -c pass (interpreter alone)", ("-c", "pass")),
    ("import cus_match", ("-c", "import cus_match")),
    ("from cus_match import Instance", ("-c", "from cus_match import Instance")),
    ("from cus_match import solve", ("-c", "from cus_match import solve")),
    ("python -m cus_match --help", ("-m", "cus_match", "--help")),
    ("python -m cus_match --version", ("-m", "cus_match", "--version")),
)
#: A tree whose CLI exits non-zero on these is reported as lacking them, not as a failure.
OPTIONAL = {"python -m cus_match --version"}


def extract(rev: str, into: Path) -> Path:
    """``src`` of ``rev`` unpacked under ``into``; returns that ``src``."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "src"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def describe(rev: str | None = None) -> str:
    """Short commit of ``rev``; without one, of this checkout (``-dirty`` if it has changes)."""
    args = ["rev-parse", "--short", rev] if rev else ["describe", "--always", "--dirty"]
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def run_once(python: str, src: Path, args: tuple[str, ...], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, exit code and stderr of one fresh ``python args`` on ``src``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(src)
    t0 = time.perf_counter()
    done = subprocess.run([python, *args], env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - t0, done.returncode, done.stderr


def import_times(python: str, src: Path, cwd: Path, runs: int) -> dict[str, float]:
    """Median cumulative microseconds of ``cus_match`` and each module its import loads.

    From ``-X importtime``, which lists a module after the ones it imports, indented one step
    deeper; start-up's own imports (``site``, ``encodings``) come first, at the top level.
    """
    seen: dict[str, list[float]] = {}
    for _ in range(runs):
        _, code, err = run_once(python, src, ("-X", "importtime", "-c", "import cus_match"), cwd)
        if code:
            raise RuntimeError(f"import cus_match failed on {src}:\n{err}")
        # "import time:       self [us] |  cumulative | imported package"
        entries = [(float(cumulative), name.rstrip())
                   for _, cumulative, name in (line.split("|") for line in err.splitlines()
                                               if line.startswith("import time:")
                                               and "[us]" not in line)]
        top = next(i for i, (_, name) in enumerate(entries) if name == " cus_match")
        start = top
        while start > 0 and entries[start - 1][1].startswith("   "):
            start -= 1
        for cumulative, name in entries[start:top + 1]:
            seen.setdefault(name.strip(), []).append(cumulative)
    # A module missing from some runs (imported elsewhere first) counts as 0 there.
    return {name: statistics.median(us + [0.0] * (runs - len(us))) for name, us in seen.items()}


def measure(python: str, trees: dict[str, Path], runs: int, cwd: Path) -> list[dict[str, Any]]:
    rows = []
    for label, args in CASES:
        times: dict[str, list[float]] = {side: [] for side in trees}
        missing: dict[str, str] = {}
        for side, src in trees.items():  # warm-up: bytecode caches, disk cache
            _, code, err = run_once(python, src, args, cwd)
            if code:
                if label not in OPTIONAL:
                    raise RuntimeError(f"{label} failed on the {side} tree:\n{err}")
                missing[side] = err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
        order = [side for side in trees if side not in missing]
        for i in range(runs):
            for side in order if i % 2 == 0 else order[::-1]:
                seconds, code, err = run_once(python, trees[side], args, cwd)
                if code:
                    raise RuntimeError(f"{label} failed on the {side} tree:\n{err}")
                times[side].append(seconds)
        rows.append({
            "case": label, "argv": ["python", *args],
            **{side: ({"median": statistics.median(ts), "min": min(ts), "max": max(ts),
                       "times": ts} if ts else {"skipped": missing[side]})
               for side, ts in times.items()},
        })
        print(f"  {label}: " + ", ".join(
            f"{side} {statistics.median(ts):.3f} s" if ts else f"{side} skipped"
            for side, ts in times.items()), file=sys.stderr)
    return rows


def table(rows: list[dict[str, Any]], runs: int) -> str:
    def cell(r: dict[str, Any]) -> str:
        return f"{r['median']:.3f}" if "median" in r else "-"

    lines = [f"| command (median of {runs} fresh processes) | before s | after s "
             "| after / before |", "|---|---|---|---|"]
    notes = []
    for row in rows:
        b, a = row["before"], row["after"]
        ratio = f"{a['median'] / b['median']:.2f}" if "median" in a and "median" in b else "-"
        lines.append(f"| `{row['case']}` | {cell(b)} | {cell(a)} | {ratio} |")
        notes += [f"* `{row['case']}` not run on the {side} tree: its CLI exits with "
                  f"`{row[side]['skipped']}`" for side in ("before", "after")
                  if "skipped" in row[side]]
    return "\n".join([*lines, "", *notes] if notes else lines)


def largest(us: dict[str, float], n: int = 5) -> list[tuple[str, float]]:
    # cus_match itself is the whole import: shown as the total, not as one of the five.
    return sorted(((m, t) for m, t in us.items() if m != "cus_match"),
                  key=lambda mt: -mt[1])[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="fresh processes per case and tree")
    ap.add_argument("--before", default="02bc135", help="revision to compare with")
    ap.add_argument("--python", default=sys.executable, help="interpreter to time")
    ap.add_argument("--json", type=Path, help="write every time and the import profile here")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="startup-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "before").mkdir()
        (tmpdir / "cwd").mkdir()
        trees = {"before": extract(args.before, tmpdir / "before"), "after": REPO / "src"}
        print(f"timing {len(CASES)} cases x {args.runs} runs x 2 trees ...", file=sys.stderr)
        rows = measure(args.python, trees, args.runs, tmpdir / "cwd")
        profile = {side: import_times(args.python, src, tmpdir / "cwd", args.runs)
                   for side, src in trees.items()}
    load_end = os.getloadavg()

    print(f"before = {args.before} ({describe(args.before)}), after = {describe()}; "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
          f"{load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end\n")
    print(table(rows, args.runs))
    for side, us in profile.items():
        print(f"\nLargest cumulative imports under `import cus_match`, {side} tree "
              f"(-X importtime, median of {args.runs}; the whole import "
              f"{us.get('cus_match', 0) / 1000:.0f} ms):\n")
        print("| | any module | ms | outside cus_match | ms |\n|---|---|---|---|---|")
        outside = {m: t for m, t in us.items() if m.split(".")[0] != "cus_match"}
        for k, ((m1, t1), (m2, t2)) in enumerate(zip(largest(us), largest(outside),
                                                     strict=False), 1):
            print(f"| {k} | `{m1}` | {t1 / 1000:.0f} | `{m2}` | {t2 / 1000:.0f} |")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "before": args.before, "before_commit": describe(args.before), "after": describe(),
            "runs": args.runs, "python": platform.python_version(), "executable": args.python,
            "cores": os.cpu_count(), "load_average": {"start": load_start, "end": load_end},
            "results": rows,
            "importtime_us": {side: dict(largest(us, n=len(us))) | {"cus_match": us.get(
                "cus_match", 0.0)} for side, us in profile.items()},
        }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
