"""Compare matching rules: rules x methods x seeds x generated profiles, reproducibly.

Writes tidy CSV/JSON, a Markdown table (means over seeds) and SVG plots into ``--out`` and
prints the table. Deterministic CP-SAT, so the same arguments give the same table; the versions
and arguments are recorded in ``results.json``.

    python benchmarks/rules.py                                   # rural + town, 3 seeds
    python benchmarks/rules.py --profiles rural --seeds 1 --work-limit 5 --out /tmp/rules
"""

from __future__ import annotations

import argparse
import sys

from cus_match.analysis.research import run_study, study_markdown, write_study
from cus_match.optimise.rules import RULES


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profiles", default="rural,town")
    p.add_argument("--rules", default=",".join(RULES))
    p.add_argument("--methods", default="greedy,auto")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--work-limit", type=float, default=10.0,
                   help="deterministic work units per solve (as compare --work-limit)")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--no-blocking", action="store_true", help="skip blocking-pair counts")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--out", default="benchmarks/out/rules")
    a = p.parse_args(argv)
    study = run_study(profiles=a.profiles.split(","), rules=a.rules.split(","),
                      methods=a.methods.split(","),
                      seeds=[int(s) for s in a.seeds.split(",")], work_limit=a.work_limit,
                      scale=a.scale, blocking=not a.no_blocking,
                      progress=lambda line: print(line, file=sys.stderr, flush=True))
    files = write_study(study, a.out, plots=not a.no_plots)
    print(study_markdown(study))
    print(f"\nwrote {', '.join(str(f) for f in files)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
