"""cus_match: match volunteers and neighbours to residents' needs for Social Services Centres.

The public API: build or load an :class:`Instance`, :func:`solve` it, :func:`check` the plan.
"""

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
from cus_match.plan.result import Assignment, Covered, ReasonCount, Referral, Result, Status, Unmet
from cus_match.reasons import Reason

__version__ = "0.1.0"

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
