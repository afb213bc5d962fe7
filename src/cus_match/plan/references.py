"""Whether a result belongs to an instance: every id it names exists there.

One check for every consumer of a (instance, result) pair — exports, reports, metrics, the
recommender, the diagnosis, the history store — so a result of another instance is refused
the same way everywhere, with every stray id listed.
"""

from __future__ import annotations

from cus_match.errors import InvalidInputError, Problem
from cus_match.model.instance import Instance
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode

__all__ = ["check_result", "result_problems"]


def result_problems(inst: Instance, result: Result) -> list[Problem]:
    """Ids the result uses that the instance lacks (a result of another instance).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> result_problems(inst, solve(inst, method="greedy"))
    []
    """
    needs = {n.id for n in inst.needs}
    helpers = {h.id for h in inst.helpers}
    services = {s.id for s in inst.services}
    problems: list[Problem] = []

    need, helper = ProblemCode.RESULT_UNKNOWN_NEED, ProblemCode.RESULT_UNKNOWN_HELPER

    def ref(path: str, value: str, known: set[str], code: ProblemCode) -> None:
        if value not in known:
            problems.append(Problem(path, code, {"id": value}))

    for i, a in enumerate(result.assignments):
        ref(f"assignments[{i}].need", a.need, needs, need)
        ref(f"assignments[{i}].helper", a.helper, helpers, helper)
    for i, u in enumerate(result.unmet):
        ref(f"unmet[{i}].need", u.need, needs, need)
        for j, nm in enumerate(u.near_misses):
            ref(f"unmet[{i}].near_misses[{j}].helper", nm.helper, helpers, helper)
    for i, r in enumerate(result.referrals):
        ref(f"referrals[{i}].need", r.need, needs, need)
    for i, c in enumerate(result.covered):
        ref(f"covered[{i}].need", c.need, needs, need)
        ref(f"covered[{i}].service", c.service, services, ProblemCode.RESULT_UNKNOWN_SERVICE)
    return problems


def check_result(inst: Instance, result: Result) -> None:
    """Raise :class:`InvalidInputError` listing every id of ``result`` the instance lacks."""
    problems = result_problems(inst, result)
    if problems:
        raise InvalidInputError(problems, source="result")
