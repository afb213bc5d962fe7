"""Pinned visits: confirmed assignments the solver keeps, or drops with a reason.

A pin is an :class:`~cus_match.plan.result.Assignment` of an earlier plan (usually one a
coordinator confirmed). Pins are grouped into visits (need, date, start) with their helpers and
placed first, in a fixed order (date, start, need), before anything is optimised; each later
method treats them as fixed. A pin that the current instance no longer allows — the need was
cancelled, the helper withdrew or is absent that day, the time left the need's window or clashes
with a formal service, a weekly cap or another pin — is dropped and reported with the rule that
stops it: never silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from cus_match.clock import datetime_to_minutes
from cus_match.compat import Candidate, Compat
from cus_match.model import Need
from cus_match.model.eligibility import date_reasons, pair_reasons
from cus_match.model.instance import Instance
from cus_match.optimise.solvers.state import PlanState
from cus_match.plan.result import Assignment, DroppedPin
from cus_match.reasons import Reason

__all__ = ["place_pins"]


def place_pins(compat: Compat, pins: Sequence[Assignment]
               ) -> tuple[PlanState, list[DroppedPin]]:
    """Place every pin that still fits; explain every one that does not.

    Parameters
    ----------
    compat : Compat
        The compatibility structure of the current instance.
    pins : sequence of Assignment
        Confirmed visits (of any earlier plan of this gmina).

    Returns
    -------
    tuple of (PlanState, list of DroppedPin)
        The plan holding the kept pins, and the dropped ones with reasons.
    """
    inst = compat.inst
    index = {(o.need, o.date): i for i, o in enumerate(compat.occurrences)}
    covered = {(c.need, c.date) for c in compat.covered}
    referred = {r.need for r in compat.referrals}
    visits: dict[tuple[str, date, int], list[Assignment]] = defaultdict(list)
    for a in pins:
        visits[(a.need, a.date, datetime_to_minutes(a.start))].append(a)
    state = PlanState(compat)
    dropped: list[DroppedPin] = []

    def drop(group: list[Assignment], reason: Reason, detail: str = "") -> None:
        dropped.extend(DroppedPin(a.need, a.date, a.helper, reason, detail)
                       for a in sorted(group, key=lambda a: a.helper))

    for (nid, day, start), group in sorted(visits.items(), key=lambda kv: (kv[0][1], kv[0][2],
                                                                            kv[0][0])):
        helpers = sorted({a.helper for a in group})
        if not _known(inst, nid) or (nid, day) not in index:
            if (nid, day) in covered:
                drop(group, Reason.VISIT_CANCELLED, "covered by a formal service")
            elif nid in referred:
                drop(group, Reason.VISIT_CANCELLED, "referred to formal services")
            else:
                drop(group, Reason.VISIT_CANCELLED)
            continue
        i = index[(nid, day)]
        need = inst.need(nid)
        if i in state.chosen:
            drop(group, Reason.VISIT_CANCELLED, "the visit is pinned twice")
            continue
        if len(helpers) != need.helpers_needed:
            drop(group, Reason.NOT_ENOUGH_HELPERS,
                 f"{len(helpers)} pinned, {need.helpers_needed} needed")
            continue
        by_helper = {c.helper: c for c in compat.candidates[i]}
        team: list[Candidate] = []
        why: tuple[Reason, str] | None = None
        for h in helpers:
            c = by_helper.get(h)
            if c is None:
                why = (_not_eligible(compat, h, need, day), h)
                break
            team.append(c)
        if why is None:
            why = _misfit(state, i, start, team)
        if why is not None:
            reason, detail = why
            drop(group, reason, detail)
            continue
        state.add(i, start, team)
    return state, dropped


def _known(inst: Instance, nid: str) -> bool:
    try:
        inst.need(nid)
    except KeyError:
        return False
    return True


def _not_eligible(compat: Compat, hid: str, need: Need, day: date) -> Reason:
    inst = compat.inst
    try:
        helper = inst.helper(hid)
    except KeyError:
        return Reason.HELPER_WITHDRAWN
    reasons = pair_reasons(inst, helper, need) + date_reasons(inst, helper, need, day)
    return reasons[0] if reasons else Reason.NO_COMMON_TIME


def _misfit(state: PlanState, i: int, start: int, team: list[Candidate]
            ) -> tuple[Reason, str] | None:
    if start not in state.compat.starts[i]:
        return Reason.NO_COMMON_TIME, "the time is no longer possible for the visit"
    if not state.resident_free(i, start):
        return Reason.BUSY, "the resident has another visit then"
    if not state.pus_ok(i, len(team)):
        return Reason.PUS_LIMIT, ""
    for c in team:
        if start not in c.starts:
            return Reason.NO_COMMON_TIME, c.helper
        if not state.hours_ok(c.helper, i):
            return Reason.HOURS_CAP, c.helper
        if not state.residents_ok(c.helper, i):
            return Reason.MAX_RESIDENTS, c.helper
        if not state.helper_free(c.helper, i, start):
            return Reason.BUSY, c.helper
    return None
