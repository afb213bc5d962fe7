"""Every plan any test obtains through ``solve()`` is re-verified by the independent checker.

The wrapper sits on the methods ``solve()`` dispatches to, so no test can forget it; a required
visit nobody can take is the only finding allowed (the result then says ``partial`` or
``infeasible``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cus_match.optimise.solve import REGISTRY
from cus_match.plan.check import check


def checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its plan re-verified by :func:`cus_match.plan.check.check` on every call."""

    @functools.wraps(fn)
    def run(inst: Any, *args: Any, **kwargs: Any) -> Any:
        result = fn(inst, *args, **kwargs)
        found = [v for v in check(inst, result) if v.code != "required_unmet"]
        assert not found, f"checker found {len(found)} violation(s): {found[:3]}"
        if any(v.code == "required_unmet" for v in check(inst, result)):
            assert result.status.value in {"partial", "infeasible"}, result.status
        return result

    # Lets tests/test_checked_solves.py tell this guard from any other functools wrapper.
    run.checked = True  # type: ignore[attr-defined]
    return run


@pytest.fixture(autouse=True, scope="session")
def _check_every_solve() -> Iterator[None]:
    # Every method and algorithmic rule, those registered later by a test included.
    with REGISTRY.wrapped(checked):
        yield
