"""Diagnosis of the community's needs and potential: where help is short, and whom to recruit.

The CUS act asks the centre to diagnose the needs *and the potential* of the community. Given an
instance and a plan, :func:`shortage` maps the unmet hours by place x category x weekday x time
of day and says, for each cell, which supply is missing (a skill, a language, a qualification, a
credential, a travel mode, time availability, reach, capacity) and which near-miss helpers it
blocks. :func:`what_if` re-solves the instance with candidate changes — one more helper with a
given profile, a credential or skill extended to named helpers, more weekly hours — and ranks
them by the coverage they gain; :func:`suggest_changes` proposes such changes from the shortage
map and evaluates them.

Examples
--------
>>> from cus_match import solve
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> plan = solve(inst, method="greedy")
>>> diag = shortage(inst, plan)
>>> print(diag.text("en").splitlines()[0])  # doctest: +ELLIPSIS
Shortage: ... unmet visits, ... hours, in ... place...
>>> best = suggest_changes(inst, plan, top=1, method="greedy")
>>> best[0].gain > 0
True
"""

from cus_match.analysis.diagnosis.changes import (
    AddHelper,
    Change,
    Extend,
    Extension,
    ExtraHours,
    apply_change,
    full_credentials,
)
from cus_match.analysis.diagnosis.shortage_map import (
    Band,
    Cell,
    Gap,
    GapKind,
    Shortage,
    gap_values,
    need_band,
    shortage,
)
from cus_match.analysis.diagnosis.whatif import (
    MetTotals,
    WhatIf,
    candidate_changes,
    format_what_if,
    met_totals,
    suggest_changes,
    what_if,
)

__all__ = [
    "AddHelper",
    "Band",
    "Cell",
    "Change",
    "Extend",
    "Extension",
    "ExtraHours",
    "Gap",
    "GapKind",
    "MetTotals",
    "Shortage",
    "WhatIf",
    "apply_change",
    "candidate_changes",
    "format_what_if",
    "full_credentials",
    "gap_values",
    "met_totals",
    "need_band",
    "shortage",
    "suggest_changes",
    "what_if",
]
