"""The house keeps its shape: imports point only down the layers, and private names stay home.

Every module of ``src/cus_match`` is parsed with :mod:`ast` (nothing is imported), and every
import in it — at module level, under ``TYPE_CHECKING`` or inside a function — is resolved to the
module it names. A layer is a folder (the foundation is the few modules at the package root); a
module may import from its own layer or from a lower one. ``docs/architecture.md`` describes the
layers; this table is the one place that orders them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "cus_match"

#: Bottom to top. A module's layer is its first folder under ``cus_match`` (the root modules are
#: named one by one); folders on one line are one floor but may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    # foundation: plain values and words, no domain
    ("errors", "reasons", "clock", "lang", "limits", "problem_texts", "version"),
    ("model",),  # the entities, the validated Instance, travel, occurrences, eligibility
    ("plan",),  # the Result, its references to the instance, the independent check
    ("io",),  # file formats of instances and plans (JSON, spreadsheets), schemas
    ("compat",),  # eligible pairs: per-helper tables and the candidate graph
    ("optimise",),  # rules (what is optimised), the solve path (engine, solvers, solve)
    ("generate",),  # synthetic instances, the demo, the named instance library
    ("analysis",),  # explain, metrics, complement, diagnosis, recommend, research
    ("report", "store"),  # renderings for people; the history of rounds
    ("cli",),  # the command line
    ("__init__", "__main__"),  # the lazy public API and ``python -m cus_match``
)
FOUNDATION = LAYERS[0]

#: Import cycles still to be cut, with the issue that owns them; this list may only shrink.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def _modules() -> dict[str, tuple[Path, bool]]:
    mods = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        mods[".".join(parts)] = (path, is_package)
    return mods


MODULES = _modules()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: len(module.split(".")) - (0 if is_package else 1)]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _existing(name: str) -> str:
    """The longest prefix of ``name`` that is a module of the package."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports(module: str) -> list[tuple[int, str, str | None]]:
    """``(line, imported module, imported name or None)`` for every import in ``module``."""
    path, is_package = MODULES[module]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node)
            for a in node.names:
                sub = f"{base}.{a.name}"
                # ``from pkg import mod`` imports a module; ``from mod import name`` a name.
                out.append((node.lineno, sub, None) if sub in MODULES
                           else (node.lineno, base, a.name))
    return [(line, m, n) for line, m, n in out if m == PACKAGE or m.startswith(PACKAGE + ".")]


def layer_of(module: str) -> tuple[int, str]:
    """``(floor, room)`` of a module: the floor's index in :data:`LAYERS` and its folder."""
    parts = module.split(".")
    room = parts[1] if len(parts) > 1 else "__init__"
    if len(parts) == 2 and room in FOUNDATION:
        return 0, "foundation"
    for floor, rooms in enumerate(LAYERS):
        if room in rooms:
            return floor, room
    raise AssertionError(f"{module}: folder {room!r} is in no layer of LAYERS")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def upward_imports() -> list[str]:
    bad = []
    for module in MODULES:
        floor, room = layer_of(module)
        for line, target, _ in imports(module):
            t_floor, t_room = layer_of(_existing(target))
            if t_floor > floor or (t_floor == floor and t_room != room):
                bad.append(f"{module}:{line} imports {target} ({t_room}, floor {t_floor}) from "
                           f"{room} (floor {floor})")
    return bad


def private_crossings() -> list[str]:
    bad = []
    for module in MODULES:
        for line, target, name in imports(module):
            target = _existing(target) if name is not None else target
            if name is not None and _is_private(name):
                bad.append(f"{module}:{line} imports the private name {name} from {target}")
            mod_parts = target.split(".")
            private_at = [i for i, p in enumerate(mod_parts) if _is_private(p)]
            if private_at:
                # A private module belongs to its package: only that package's modules use it.
                owner = ".".join(mod_parts[: private_at[0]])
                if not (module == owner or module.startswith(owner + ".")):
                    bad.append(f"{module}:{line} imports the private module {target}")
    return bad


def import_cycles() -> set[frozenset[str]]:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        for _, target, _ in imports(module):
            target = _existing(target)
            # A package's __init__ re-exporting its modules is not a cycle of concepts.
            if target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    return {frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1}


def test_every_module_is_in_a_layer() -> None:
    floors = {module: layer_of(module)[0] for module in MODULES}  # raises for a stray module
    assert set(floors.values()) == set(range(len(LAYERS))), "a layer without modules"


def test_no_import_points_up_or_sideways() -> None:
    bad = upward_imports()
    assert not bad, "imports that point to a higher layer:\n" + "\n".join(bad)


def test_no_private_name_crosses_a_module_boundary() -> None:
    bad = private_crossings()
    assert not bad, "\n".join(bad)


def test_no_new_import_cycles() -> None:
    cycles = import_cycles()
    assert cycles <= KNOWN_CYCLES, sorted(sorted(c) for c in cycles - KNOWN_CYCLES)


@pytest.mark.parametrize(("room", "source", "caught"), [
    ("model", "from cus_match.plan.result import Result\n", True),
    ("report", "from cus_match.store import HistoryStore\n", True),  # same floor, other room
    ("model", "def f():\n    from cus_match.cli.main import main\n", True),
    ("model", "if TYPE_CHECKING:\n    from cus_match.compat import Compat\n", True),
    ("report", "from cus_match.plan.result import Result\n", False),
    ("model", "from cus_match.clock import Weekday\n", False),
])
def test_the_guard_judges_a_made_up_module(tmp_path, monkeypatch, room, source, caught) -> None:
    path = tmp_path / "fake.py"
    path.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, f"{PACKAGE}.{room}.fake_for_test", (path, False))
    bad = [b for b in upward_imports() if "fake_for_test" in b]
    assert bool(bad) is caught, bad


def test_the_guard_catches_a_private_crossing(tmp_path, monkeypatch) -> None:
    path = tmp_path / "fake.py"
    path.write_text("from cus_match.compat import _secret\n"
                    "from cus_match.analysis.diagnosis import _words\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, f"{PACKAGE}.report.fake_for_test", (path, False))
    monkeypatch.setitem(MODULES, f"{PACKAGE}.analysis.diagnosis._words", (path, False))
    bad = [b for b in private_crossings() if "fake_for_test" in b]
    assert len(bad) == 2, bad
