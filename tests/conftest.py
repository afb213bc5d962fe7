"""Every plan any test obtains through ``solve()`` is re-verified by the independent checker.

The wrapper sits on the methods ``solve()`` dispatches to, so no test can forget it; a required
visit nobody can take is the only finding allowed (the result then says ``partial`` or
``infeasible``).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import pytest

from cus_match.plan.check import check

# The package re-exports the function ``solve``, which hides the module of the same name.
solve_module = importlib.import_module("cus_match.optimise.solve")


def _checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(inst: Any, *args: Any, **kwargs: Any) -> Any:
        result = fn(inst, *args, **kwargs)
        found = [v for v in check(inst, result) if v.code != "required_unmet"]
        assert not found, f"checker found {len(found)} violation(s): {found[:3]}"
        if any(v.code == "required_unmet" for v in check(inst, result)):
            assert result.status.value in {"partial", "infeasible"}, result.status
        return result

    return run


@pytest.fixture(autouse=True, scope="session")
def _check_every_solve() -> Any:
    methods = dict(solve_module.METHODS)
    algorithm = solve_module._algorithm
    for name, fn in methods.items():
        solve_module.METHODS[name] = _checked(fn)
    solve_module._algorithm = lambda name: _checked(algorithm(name))  # type: ignore[assignment]
    yield
    solve_module.METHODS.update(methods)
    solve_module._algorithm = algorithm  # type: ignore[assignment]
