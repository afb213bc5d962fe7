"""cus_match: match volunteers and neighbours to residents' needs for Social Services Centres.

The public API: build or load an :class:`Instance`, :func:`solve` it, :func:`check` the plan.

Every name is imported on first use (PEP 562), so ``import cus_match`` and the command line's
``--help`` do not pay for OR-Tools, pandas or networkx until a solve or a travel network needs
them.

Examples
--------
>>> import cus_match
>>> cus_match.Reason.__module__
'cus_match.reasons'
>>> callable(cus_match.solve), cus_match.check.__module__
(True, 'cus_match.plan.check')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cus_match.errors import (
        CusMatchError,
        CusMatchWarning,
        InfeasibleError,
        InvalidInputError,
        InvalidOptionError,
        Problem,
        SolverError,
    )
    from cus_match.model.instance import Instance
    from cus_match.optimise.solve import solve
    from cus_match.plan.check import Violation, check
    from cus_match.plan.result import (
        Assignment,
        Covered,
        ReasonCount,
        Referral,
        Result,
        Status,
        Unmet,
    )
    from cus_match.reasons import Reason

from cus_match.version import __version__

# Where each public name lives; must list exactly the names imported under TYPE_CHECKING above
# (tests/test_lazy.py compares them with __all__).
_HOMES: dict[str, str] = {
    "Assignment": "cus_match.plan.result",
    "Covered": "cus_match.plan.result",
    "CusMatchError": "cus_match.errors",
    "CusMatchWarning": "cus_match.errors",
    "InfeasibleError": "cus_match.errors",
    "Instance": "cus_match.model.instance",
    "InvalidInputError": "cus_match.errors",
    "InvalidOptionError": "cus_match.errors",
    "Problem": "cus_match.errors",
    "Reason": "cus_match.reasons",
    "ReasonCount": "cus_match.plan.result",
    "Referral": "cus_match.plan.result",
    "Result": "cus_match.plan.result",
    "SolverError": "cus_match.errors",
    "Status": "cus_match.plan.result",
    "Unmet": "cus_match.plan.result",
    "Violation": "cus_match.plan.check",
    "check": "cus_match.plan.check",
    "solve": "cus_match.optimise.solve",
}

__all__ = [
    "Assignment",
    "Covered",
    "CusMatchError",
    "CusMatchWarning",
    "InfeasibleError",
    "Instance",
    "InvalidInputError",
    "InvalidOptionError",
    "Problem",
    "Reason",
    "ReasonCount",
    "Referral",
    "Result",
    "SolverError",
    "Status",
    "Unmet",
    "Violation",
    "__version__",
    "check",
    "solve",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first access and keep it as a module attribute."""
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    # Bound here, later lookups are plain attribute reads that never come back to this hook.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
