"""Every plan any test obtains through ``solve()`` is re-verified by the independent checker.

The wrapper sits on the methods ``solve()`` dispatches to, so no test can forget it; a required
visit nobody can take is the only finding allowed (the result then says ``partial`` or
``infeasible``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from cus_match.optimise.solve import REGISTRY
from cus_match.plan.check import check

# Hypothesis profiles, registered once for every test: HYPOTHESIS_PROFILE=dev|ci picks one, else
# "ci" where CI is set (as .ci/run does) and "dev" otherwise. No deadline: a solver example takes
# milliseconds or seconds depending on the machine's load, so a deadline fails busy machines, not
# bugs; for the same reason, and because the instance strategies draw whole planning rounds by
# design, too_slow and data_too_large are not health problems here. CI is derandomized (the same
# examples on every run, so a red build reproduces) and prints the blob that replays a failure.
# A test whose examples are expensive (a planning round built and solved) keeps its own
# max_examples; every other test gets the profile's.
# Both start from Hypothesis's own defaults: where CI is set it has already loaded its built-in
# "ci" profile, which would otherwise leak into "dev".
_BASE = settings.get_profile("default")
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", _BASE, max_examples=25, deadline=None,
                          suppress_health_check=_HEALTH)
settings.register_profile("ci", _BASE, max_examples=100, deadline=None,
                          suppress_health_check=_HEALTH, derandomize=True, database=None,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))


def checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its plan re-verified by :func:`cus_match.plan.check.check` on every call."""

    @functools.wraps(fn)
    def run(inst: Any, *args: Any, **kwargs: Any) -> Any:
        result = fn(inst, *args, **kwargs)
        found = [v for v in check(inst, result) if v.code != "required_unmet"]
        assert not found, f"checker found {len(found)} violation(s): {found[:3]}"
        if any(v.code == "required_unmet" for v in check(inst, result)):
            assert result.status.value in {"partial", "infeasible", "stopped"}, result.status
        return result

    # Lets tests/test_checked_solves.py tell this guard from any other functools wrapper.
    run.checked = True  # type: ignore[attr-defined]
    return run


@pytest.fixture(autouse=True, scope="session")
def _check_every_solve() -> Iterator[None]:
    # Every method and algorithmic rule, those registered later by a test included.
    with REGISTRY.wrapped(checked):
        yield


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command line speaks Polish on a Polish system locale; tests state the language they
    # expect, so a developer's pl_PL locale must not change what they see.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
