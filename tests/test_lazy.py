"""``import cus_match`` is cheap: the public names are imported on first use (PEP 562).

Each check that looks at ``sys.modules`` runs in a fresh interpreter: this test process has long
since imported everything.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import cus_match

HEAVY = ("ortools", "networkx", "pandas", "matplotlib", "jinja2", "openpyxl")
SRC = Path(cus_match.__file__).resolve().parents[1]


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter on this tree; it reports ``HEAVY`` modules it loaded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    report = ("import json, sys\n"
              f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    *lines, loaded = out.strip().splitlines()
    return {"loaded": json.loads(loaded), "out": lines}


def test_the_subprocess_imports_this_tree():
    assert fresh("import cus_match; print(cus_match.__file__)")["out"] == [cus_match.__file__]


def test_the_probe_sees_a_heavy_import():
    # Otherwise an empty list below could mean the probe is blind.
    assert fresh("import networkx")["loaded"] == ["networkx"]


def test_import_cus_match_loads_none_of_the_heavy_dependencies():
    assert fresh("import cus_match")["loaded"] == []


@pytest.mark.parametrize("name", ["Instance", "solve", "check", "Result", "Reason"])
def test_the_core_names_load_neither_ortools_nor_networkx(name):
    # OR-Tools waits for the first solve, networkx for the first travel network.
    assert fresh(f"from cus_match import {name}")["loaded"] == []


def test_a_solve_still_brings_in_ortools():
    code = ("from cus_match import solve\nfrom cus_match.generate import generate\n"
            "solve(generate('tiny', seed=1), method='cpsat')")
    assert "ortools" in fresh(code)["loaded"]


def test_star_import_gives_every_public_name():
    out = fresh("from cus_match import *\nimport cus_match\n"
                "print(all(globals()[n] is getattr(cus_match, n) for n in cus_match.__all__))\n"
                "print(callable(solve) and callable(check) and isinstance(Instance, type))")
    assert out["out"] == ["True", "True"]


@pytest.mark.parametrize("first", ["cus_match.optimise.solve", "cus_match.plan.check",
                                   "cus_match.optimise", "cus_match.plan"])
def test_solve_and_check_stay_the_functions_after_importing_their_modules(first):
    out = fresh(f"import {first}\nimport cus_match\n"
                "print(cus_match.solve.__qualname__, cus_match.check.__qualname__)\n"
                "from cus_match import solve, check\n"
                "print(type(solve).__name__, type(check).__name__)")
    assert out["out"] == ["solve check", "function function"]


def test_solve_and_check_are_the_functions_here():
    from cus_match.optimise import solve as solve_module
    from cus_match.plan import check as check_module

    assert isinstance(cus_match.solve, types.FunctionType)
    assert cus_match.solve is solve_module.solve
    assert cus_match.check is check_module.check


@pytest.mark.parametrize("name", [n for n in cus_match.__all__ if n != "__version__"])
def test_every_public_name_resolves_to_its_home(name):
    value = getattr(cus_match, name)
    assert value.__module__.startswith("cus_match.")
    assert getattr(sys.modules[value.__module__], name) is value


def test_version_and_dir():
    assert cus_match.__version__ == "0.1.0"
    assert set(cus_match.__all__) <= set(dir(cus_match))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'solver'"):
        _ = cus_match.solver
    assert not hasattr(cus_match, "_private")


def test_type_checkers_see_every_public_name():
    """The ``if TYPE_CHECKING:`` block imports exactly ``__all__`` (bar ``__version__``)."""
    tree = ast.parse(Path(cus_match.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If)
                 and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING")
    seen = {a.asname or a.name for n in block.body if isinstance(n, ast.ImportFrom)
            for a in n.names}
    assert seen == set(cus_match.__all__) - {"__version__"}


def test_a_small_default_solve_loads_neither_cpsat_nor_pandas():
    # Rural seed 2 has a component on which the flow is exact beside one the time-indexed
    # model takes: neither needs CP-SAT, whose package loads pandas (0.6 s of a 1-2 s solve).
    code = ("import sys\nfrom cus_match import solve\nfrom cus_match.generate import generate\n"
            "r = solve(generate('rural', seed=2), time_limit=30)\n"
            "print(r.status.value, sorted(m.method for m in r.methods),"
            " 'ortools.sat.python.cp_model' in sys.modules)")
    got = fresh(code)
    assert got["out"] == ["optimal ['timeindexed'] False"]
    assert "pandas" not in got["loaded"]
