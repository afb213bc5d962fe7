"""cus_match: match volunteers and neighbours to residents' needs for Social Services Centres.

The public API: build or load an :class:`Instance`, :func:`solve` it, :func:`check` the plan.
"""

from cus_match.check import Violation, check
from cus_match.errors import (
    CusMatchError,
    CusMatchWarning,
    InfeasibleError,
    InvalidInputError,
    InvalidOptionError,
    Problem,
    SolverError,
)
from cus_match.instance import Instance
from cus_match.reasons import Reason
from cus_match.result import Assignment, Covered, ReasonCount, Referral, Result, Status, Unmet
from cus_match.solve import solve

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
