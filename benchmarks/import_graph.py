"""The import graph of the package, in numbers: modules, arrows, floors, cycles, upward arrows.

Reads the sources with ``ast`` (nothing is imported) through the same functions as
``tests/test_layers.py``: every import, at module level or inside a function, is an arrow. A
*floor* is a step of the longest chain of arrows (cycles counted as one node); *rooms* are the
folders under ``cus_match`` and the modules at its root. Upward and sideways arrows and private
crossings are judged by today's ``LAYERS``; for an older revision whose folders the table does not
know they are left out.

    python benchmarks/import_graph.py                 # the working tree
    python benchmarks/import_graph.py --rev 02bc135   # a revision (git archive of its src/)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def _layers_module(src: Path):  # returns the test module, loaded from its file
    spec = importlib.util.spec_from_file_location("_layers", ROOT / "tests" / "test_layers.py")
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.SRC = src
    mod.MODULES.clear()
    mod.MODULES.update(mod._modules())
    return mod


def measure(src: Path) -> dict[str, object]:
    """The numbers of the package under ``src``."""
    tl = _layers_module(src)
    modules = tl.MODULES
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for m in modules:
        for _, target, _ in tl.imports(m):
            t = tl._existing(target)
            if t != m and not m.startswith(t + "."):
                graph.add_edge(m, t)

    def room(m: str) -> str:
        parts = m.split(".")
        return parts[1] if len(parts) > 1 else "__init__"

    rooms = nx.DiGraph()
    rooms.add_nodes_from(room(m) for m in modules)
    rooms.add_edges_from((room(a), room(b)) for a, b in graph.edges if room(a) != room(b))
    out: dict[str, object] = {
        "modules": len(modules),
        "modules at the root": sum(1 for m in modules if m.count(".") == 1
                                   and not modules[m][1]),
        "arrows": graph.number_of_edges(),
        "floors (modules)": nx.dag_longest_path_length(nx.condensation(graph)) + 1,
        "rooms": rooms.number_of_nodes(),
        "floors (rooms)": nx.dag_longest_path_length(nx.condensation(rooms)) + 1,
        "cycles (modules)": sorted(sorted(c) for c in nx.strongly_connected_components(graph)
                                   if len(c) > 1),
        "cycles (rooms)": sorted(sorted(c) for c in nx.strongly_connected_components(rooms)
                                 if len(c) > 1),
    }
    try:
        out["upward or sideways arrows"] = len(tl.upward_imports())
    except AssertionError:  # a folder today's LAYERS does not know
        out["upward or sideways arrows"] = None
    out["private names crossing a module boundary"] = len(tl.private_crossings())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", help="a git revision instead of the working tree")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = ROOT / "src"
        if args.rev:
            blob = subprocess.run(["git", "archive", args.rev, "src"], cwd=ROOT, check=True,
                                  capture_output=True).stdout
            with tarfile.open(fileobj=BytesIO(blob)) as tar:
                tar.extractall(tmp, filter="data")
            src = Path(tmp) / "src"
        numbers = measure(src)
    print(f"| {args.rev or 'working tree'} | value |\n|---|---|")
    for k, v in numbers.items():
        print(f"| {k} | {v} |")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
