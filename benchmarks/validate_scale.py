"""``validate`` of n one-off needs: time per need against the JSON parse of the same file.

Issue 14 found ``validate`` of 200,000 one-off needs taking over 120 s (about 1.8 ms a need):
work on input of size n must stay linear, within a small multiple of reading the file. This
builds, for each n, the rural profile (seed 1) with its needs replaced by n one-off needs
spread over the period and the residents (every other field as the generator wrote it), writes
it as JSON, and times in this process:

* ``parse``: ``json.loads`` of the file's text (the baseline: nothing is cheaper than reading),
* ``load``: :func:`cus_match.io.json_format.load_instance` (read, structure, cross-check),
* ``expand``: the visits ``validate`` counts (:func:`cus_match.model.occurrences.expand`),
* ``validate``: the whole command, ``load`` + ``expand`` (what the CLI runs),
* ``no gc``: ``validate`` again with the cyclic garbage collector off during it (the library
  never switches it: this column only shows what of the time is CPython's collector scanning
  the growing heap, which json.loads alone suffers as much).

Best of ``--repeat`` runs each (the machine may be shared: compare the columns of one run, not
runs on different days). ``--profile N`` prints the top of a cProfile of ``validate`` at N.

    python benchmarks/validate_scale.py                       # 1k, 10k, 50k, 200k
    python benchmarks/validate_scale.py --sizes 1000,10000 --repeat 3
    python benchmarks/validate_scale.py --profile 50000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def instance_json(n: int) -> str:
    """The rural instance with ``n`` one-off needs, as JSON text."""
    from datetime import date, timedelta

    from cus_match.generate import generate
    from cus_match.io.json_format import dumps_instance

    data = json.loads(dumps_instance(generate("rural", seed=1)))
    start = date.fromisoformat(data["policy"]["period"]["start"])
    days = (date.fromisoformat(data["policy"]["period"]["end"]) - start).days + 1
    templates = [x for x in data["needs"] if x["recurrence"]["kind"] == "once"]
    residents = [r["id"] for r in data["residents"]]
    needs = []
    for i in range(n):
        need = dict(templates[i % len(templates)])
        need["id"] = f"n-{i:07d}"
        need["resident"] = residents[i % len(residents)]
        need["place"] = None
        need["recurrence"] = {"kind": "once", "date": (start + timedelta(i % days)).isoformat()}
        needs.append(need)
    data["needs"] = needs
    return json.dumps(data, ensure_ascii=False)


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def measure(n: int, repeat: int) -> dict[str, float]:
    """Seconds of each step at ``n`` needs (best of ``repeat``)."""
    from cus_match.io.json_format import load_instance
    from cus_match.model.occurrences import expand

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"needs-{n}.json"
        path.write_text(instance_json(n), encoding="utf-8")
        size = path.stat().st_size
        parse, _ = _best(lambda: json.loads(path.read_text("utf-8")), repeat)
        load, inst = _best(lambda: load_instance(path), repeat)
        exp, visits = _best(lambda: expand(inst), repeat)
        del inst
        gc.collect()
        gc.disable()
        try:
            quiet, _ = _best(lambda: expand(load_instance(path)), repeat)
        finally:
            gc.enable()
        inst = load_instance(path)
    assert len(inst.needs) == n
    assert len(visits) == n
    return {"n": n, "mb": size / 2**20, "parse": parse, "load": load, "expand": exp,
            "validate": load + exp, "no_gc": quiet}


def main(argv: list[str] | None = None) -> int:
    """Print the table (and with ``--json`` write it)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--sizes", default="1000,10000,50000,200000")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--profile", type=int, default=None, metavar="N")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    if args.profile:
        from cus_match.io.json_format import load_instance
        from cus_match.model.occurrences import expand

        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "needs.json"
            path.write_text(instance_json(args.profile), encoding="utf-8")
            prof = cProfile.Profile()
            prof.enable()
            expand(load_instance(path))
            prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return 0
    rows = []
    print("| needs | file MB | parse s | load s | expand s | validate s | µs/need "
          "| validate / parse | no gc s | µs/need no gc |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.sizes.split(",")):
        r = measure(n, args.repeat)
        rows.append(r)
        print(f"| {n:,} | {r['mb']:.1f} | {r['parse']:.2f} | {r['load']:.2f} | "
              f"{r['expand']:.2f} | {r['validate']:.2f} | {1e6 * r['validate'] / n:.0f} | "
              f"{r['validate'] / r['parse']:.1f} | {r['no_gc']:.2f} | "
              f"{1e6 * r['no_gc'] / n:.0f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
