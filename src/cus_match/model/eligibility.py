"""Which helpers may take which need, and on which dates: the constraints H1-H10 per pair.

These functions state the constraints for one pair; :mod:`cus_match.compat` applies the same
constraints to whole columns of helpers at once with numpy (``tests/test_compat.py`` keeps the
two in step), and :mod:`cus_match.plan.check` re-implements them independently
(``docs/constraints.md`` is the contract). Each function returns the *reasons* a pair is
excluded, so the constraints that filter candidates also explain unmet needs.

Examples
--------
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> need, helper = inst.needs[0], inst.helpers[0]
>>> isinstance(pair_reasons(inst, helper, need), list)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from cus_match.model import CredentialKind, Helper, HelperKind, Need, TravelMode
from cus_match.model.instance import Instance
from cus_match.model.occurrences import need_dates
from cus_match.reasons import Reason

__all__ = ["LONG_SERVICE_DAYS", "checked_before", "date_reasons", "matchable",
           "needs_child_protection", "oral_window", "outside_ipus", "pair_ok", "pair_reasons",
           "prior_dates", "referral_reason", "travel_for"]

#: Service longer than this many days needs a written agreement; service of at most this many
#: days needs accident insurance (NNW) over it (volunteering act, arts. 44 and 46).
LONG_SERVICE_DAYS = 30


def checked_before(inst: Instance, value: date | None, day: date) -> bool:
    """Whether a child-protection check or BHP briefing dated ``value`` counts for ``day``.

    Strictly before ``day``, unless the policy accepts the visit's own date
    (:attr:`~cus_match.model.policy.Policy.checks_on_visit_day`).

    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> checked_before(inst, date(2026, 3, 24), date(2026, 3, 24))
    False
    >>> checked_before(inst, date(2026, 3, 23), date(2026, 3, 24))
    True
    """
    if value is None:
        return False
    return value <= day if inst.policy.checks_on_visit_day else value < day


def prior_dates(inst: Instance, helper: Helper) -> tuple[date, ...]:
    """The helper's dates of earlier service under their current agreement, sorted.

    Dates of :attr:`Policy.prior_service <cus_match.model.policy.Policy.prior_service>` that the
    agreement covers (service under an earlier agreement is another service), and the
    agreement's first day when :attr:`Policy.service_since_agreement
    <cus_match.model.policy.Policy.service_since_agreement>`.
    """
    ag = helper.agreement
    if ag is None:
        return ()
    got = {d for d in inst.policy.prior_dates(helper.id) if ag.covers(d)}
    if inst.policy.service_since_agreement:  # the agreement's first day starts the service
        got.add(ag.valid_from)
    return tuple(sorted(got))


def oral_window(inst: Instance, helper: Helper) -> tuple[date, date] | None:
    """The dates an agreement not in writing lets the helper serve on; ``None``: no limit.

    Service over 30 days needs a written agreement (art. 44), measured from the first day of
    service to the last. The service starts on the first approved earlier date
    (:func:`prior_dates`) or, without one, on the first date of the period the agreement
    covers; the window is the 30 days from there. Empty (end before start) when the earlier
    service alone already spans more. ``None`` for a written agreement or none at all.
    """
    ag = helper.agreement
    if ag is None or ag.written:
        return None
    prior = prior_dates(inst, helper)
    first = max(inst.policy.period.start, ag.valid_from)
    if prior:
        first = min(first, prior[0])
    last = first + timedelta(days=LONG_SERVICE_DAYS - 1)
    if prior and prior[-1] > last:
        return first, first - timedelta(days=1)
    return first, last


def _insurance_ok(inst: Instance, helper: Helper, day: date) -> bool:
    """H3 on ``day``: NNW valid that day and over the earlier service, unless exempt.

    The insurance is required for service of at most 30 days: a visit on ``day`` is exempt only
    when the earlier service and ``day`` alone already span more than 30 days (then the whole
    service does, whatever the rest of the plan).
    """
    cr = helper.credentials
    prior = prior_dates(inst, helper)
    if prior and (max(day, prior[-1]) - min(day, prior[0])).days + 1 > LONG_SERVICE_DAYS:
        return True
    lo = min(day, prior[0]) if prior else day
    hi = max(day, prior[-1]) if prior else day
    return (cr.nnw_valid_to is not None and cr.nnw_valid_to >= hi
            and (cr.nnw_valid_from is None or cr.nnw_valid_from <= lo))


def matchable(inst: Instance, helper: Helper, need: Need) -> bool:
    """Whether the helper could take some occurrence of ``need`` at all, qualifications aside.

    Used for referrals (H9): an agreement that covers the need's category and some date of the
    need in the period on which the helper is not absent.
    """
    ag = helper.agreement
    if ag is None or need.category not in ag.categories:
        return False
    return any(ag.covers(d) and not helper.is_absent(d) for d in need_dates(inst, need))


def needs_child_protection(inst: Instance, need: Need) -> bool:
    """Whether the need triggers the child-protection checks (H1)."""
    cat = inst.category(need.category)
    return (need.involves_minors or cat.involves_minors
            or CredentialKind.CHILD_PROTECTION in cat.requires_credentials)


def required_qualifications(inst: Instance, need: Need) -> frozenset[str]:
    """The need's own and its category's required qualifications."""
    return need.required_qualifications | inst.category(need.category).required_qualifications


def referral_reason(inst: Instance, need: Need) -> Reason | None:
    """Why the need goes to formal services instead of volunteers, or ``None``."""
    if inst.category(need.category).professional_only:
        return Reason.PROFESSIONAL_ONLY
    quals = required_qualifications(inst, need)
    if quals and not any(quals <= h.qualifications and matchable(inst, h, need)
                         for h in inst.helpers):
        return Reason.NO_QUALIFIED_HELPER
    return None


def travel_for(inst: Instance, helper: Helper, need: Need) -> tuple[float, TravelMode] | None:
    """Fastest allowed travel from the helper's home to the need, as (minutes, mode)."""
    modes = helper.modes if need.required_mode is None else (
        {need.required_mode} & helper.modes)
    return inst.travel.best(helper.home, inst.need_place(need), modes)


def pair_reasons(inst: Instance, helper: Helper, need: Need) -> list[Reason]:
    """Reasons, independent of the date, why ``helper`` cannot take ``need`` (empty: may)."""
    return list(_pair_failures(inst, helper, need))


def pair_ok(inst: Instance, helper: Helper, need: Need) -> bool:
    """Whether no date-independent rule excludes the pair (stops at the first failure)."""
    return next(_pair_failures(inst, helper, need), None) is None


# Enum attribute access is slow in Python 3.11; these run millions of times.
_R_AGREEMENT_CATEGORY = Reason.AGREEMENT_CATEGORY
_R_HELPER_VETO = Reason.HELPER_VETO
_R_LANGUAGE = Reason.LANGUAGE
_R_MINOR_CONSENT = Reason.MINOR_CONSENT
_R_MINOR_PERSONAL_CARE = Reason.MINOR_PERSONAL_CARE
_R_NEIGHBOUR_RULES = Reason.NEIGHBOUR_RULES
_R_NO_AGREEMENT = Reason.NO_AGREEMENT
_R_QUALIFICATION = Reason.QUALIFICATION
_R_RESIDENT_VETO = Reason.RESIDENT_VETO
_R_SKILL = Reason.SKILL
_R_TOO_FAR = Reason.TOO_FAR
_R_TRAVEL_MODE = Reason.TRAVEL_MODE


def _pair_failures(inst: Instance, helper: Helper, need: Need) -> Iterator[Reason]:
    # Cheap and selective checks first: pair_ok stops at the first failure.
    ag = helper.agreement
    if ag is None:
        yield _R_NO_AGREEMENT
    else:
        if need.category not in ag.categories:
            yield _R_AGREEMENT_CATEGORY
    res = inst.resident(need.resident) if need.resident is not None else None
    if res is not None and helper.id in res.vetoes:
        yield _R_RESIDENT_VETO
    if (res is not None and res.id in helper.vetoes_residents) or (
            need.category in helper.vetoes_categories):
        yield _R_HELPER_VETO
    if not need.required_skills <= helper.skills:
        yield _R_SKILL
    if not need.required_languages <= helper.languages or (
            res is not None and res.languages and not res.languages & helper.languages):
        yield _R_LANGUAGE
    if not required_qualifications(inst, need) <= helper.qualifications:
        yield _R_QUALIFICATION
    if helper.is_minor:
        if not helper.guardian_consent:
            yield _R_MINOR_CONSENT
        cat = inst.category(need.category)
        if (cat.personal_care and not inst.policy.minors_solo_personal_care
                and need.helpers_needed == 1):
            yield _R_MINOR_PERSONAL_CARE
    if helper.kind is HelperKind.NEIGHBOUR_SERVICE and not _neighbour_static_ok(inst, helper,
                                                                                need):
        yield _R_NEIGHBOUR_RULES
    if need.required_mode is not None and need.required_mode not in helper.modes:
        yield _R_TRAVEL_MODE
        # Too far is judged by the required mode, whether the helper has it or not.
        m = inst.travel.minutes(helper.home, inst.need_place(need), need.required_mode)
        if m is None or m > helper.max_travel_minutes:
            yield _R_TOO_FAR
    else:
        t = travel_for(inst, helper, need)
        if t is None or t[0] > helper.max_travel_minutes:
            yield _R_TOO_FAR


def _neighbour_static_ok(inst: Instance, helper: Helper, need: Need) -> bool:
    if need.resident is None or helper.is_minor or need.resident in helper.family_of:
        return False
    res = inst.resident(need.resident)
    if helper.id not in res.accepted_neighbours:
        return False
    if helper.household is not None and helper.household == res.household:
        return False
    walk = inst.travel.minutes(helper.home, inst.need_place(need), TravelMode.WALK)
    return walk is not None and walk <= inst.policy.neighbour_max_walk_minutes


def _on_or_before(d: date | None, day: date) -> bool:
    return d is not None and d <= day


def _on_or_after(d: date | None, day: date) -> bool:
    return d is not None and d >= day


def date_profile(inst: Instance, helper: Helper, need: Need) -> tuple[bool, frozenset[str]]:
    """What :func:`date_reasons` reads of the need: (child checks apply, category credentials).

    Pairs with the same profile share their dated reasons, so callers can cache by it.
    """
    cp = needs_child_protection(inst, need) and need.resident not in helper.family_of
    return cp, frozenset(inst.category(need.category).requires_credentials)


def date_reasons(inst: Instance, helper: Helper, need: Need, day: date) -> list[Reason]:
    """Reasons tied to ``day`` (dated checks, agreement dates and span, absences)."""
    cp, creds = date_profile(inst, helper, need)
    return dated_reasons(inst, helper, cp, creds, day)


def dated_reasons(inst: Instance, helper: Helper, child_checks: bool, creds: frozenset[str],
                  day: date) -> list[Reason]:
    """:func:`date_reasons` from a precomputed :func:`date_profile`."""
    out: list[Reason] = []
    cr = helper.credentials
    if child_checks:
        ok = (checked_before(inst, cr.rsps_checked_on, day)
              and checked_before(inst, cr.krk_presented_on, day))
        if ok and cr.lived_abroad_recently:
            ok = checked_before(inst, cr.foreign_record_on, day)
        if not ok:
            out.append(Reason.CHILD_PROTECTION)
    ag = helper.agreement
    if ag is not None:
        if not ag.covers(day):
            out.append(Reason.AGREEMENT_DATES)
        window = oral_window(inst, helper)
        if window is not None and not window[0] <= day <= window[1]:
            out.append(Reason.AGREEMENT_NOT_WRITTEN)
        if helper.kind is not HelperKind.NEIGHBOUR_SERVICE and not _insurance_ok(inst, helper,
                                                                                 day):
            out.append(Reason.ACCIDENT_INSURANCE)
    if not checked_before(inst, cr.bhp_briefed_on, day):
        out.append(Reason.SAFETY_BRIEFING)
    if helper.kind is HelperKind.NEIGHBOUR_SERVICE and not (
            _on_or_after(cr.first_aid_valid_to, day)
            and _on_or_before(cr.fitness_declared_on, day)
            and _on_or_before(cr.organiser_accepted_on, day)):
        out.append(Reason.NEIGHBOUR_RULES)
    if (CredentialKind.FIRST_AID in creds and not _on_or_after(cr.first_aid_valid_to, day)) or (
            CredentialKind.FITNESS_DECLARATION in creds
            and not _on_or_before(cr.fitness_declared_on, day)):
        out.append(Reason.CREDENTIAL)
    if helper.is_absent(day):
        out.append(Reason.ABSENT)
    return out


def outside_ipus(need: Need, day: date) -> bool:
    """Whether ``day`` lies outside the need's IPUS validity (H10)."""
    return need.ipus is not None and not (need.ipus.valid_from <= day <= need.ipus.valid_to)
