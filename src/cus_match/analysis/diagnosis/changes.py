"""Changes a coordinator can make to the supply of help, and how they modify an instance.

A change either recruits one helper with a given profile (:class:`AddHelper`), extends a
credential, skill, language, qualification, agreement category or travel mode to named existing
helpers (:class:`Extend`: "3 volunteers complete the child-protection check"), or has named
helpers offer more weekly hours (:class:`ExtraHours`). :func:`apply_change` returns the
modified instance; the original is never touched.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs
from attrs import field, frozen

from cus_match.analysis.diagnosis import words
from cus_match.clock import format_time
from cus_match.errors import FieldValueError, InvalidInputError, Problem
from cus_match.lang import DAY_ABBR, MODE_NOUNS, local_name, number, pick
from cus_match.model import Agreement, Credentials, Helper, TravelMode
from cus_match.model.instance import Instance
from cus_match.model.validators import check_id, check_positive, to_float
from cus_match.problem_texts import ProblemCode

__all__ = ["AddHelper", "Change", "Extend", "Extension", "ExtraHours", "apply_change",
           "full_credentials"]


class Extension(enum.StrEnum):
    """What :class:`Extend` gives the helpers."""

    CREDENTIAL = "credential"  # child_protection, first_aid, fitness_declaration, BHP, NNW
    SKILL = "skill"
    LANGUAGE = "language"
    QUALIFICATION = "qualification"
    CATEGORY = "category"  # the agreement is extended to a need category
    MODE = "mode"  # a travel mode (a bike, a bus ticket)


def _sorted_ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(f"expected a list of helper ids, got the string {value!r}")
    return tuple(sorted(set(value)))


def _check_ids(_i: object, a: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
    if not value:
        raise ValueError("name at least one helper")
    for v in value:
        check_id(_i, a, v)


@frozen
class AddHelper:
    """Recruit one helper with this profile.

    Parameters
    ----------
    helper : Helper
        The profile: home place, skills, languages, qualifications, credentials, weekly
        windows, travel modes, hours cap. Its id is a placeholder that must not clash with the
        instance's helpers.
    """

    helper: Helper

    @property
    def key(self) -> str:
        """A deterministic sort key and label."""
        return f"add:{self.helper.id}"

    def describe(self, instance: Instance, lang: str = "en") -> str:
        """The change in one sentence for a coordinator."""
        h, t = self.helper, pick(words.CHANGES, lang)
        cats = ", ".join(_category(instance, c, lang)
                         for c in sorted(h.agreement.categories)) if h.agreement else ""
        days = pick(DAY_ABBR, lang)
        windows = ", ".join(f"{days[w.day.number]} {format_time(w.start)}-{format_time(w.end)}"
                            for w in sorted(h.availability,
                                            key=lambda w: (w.day.number, w.start)))
        modes = ", ".join(pick(MODE_NOUNS, lang)[m] for m in sorted(h.modes))
        bits = [cats]
        for key, xs in (("skills", h.skills), ("languages", h.languages),
                        ("qualifications", h.qualifications)):
            if xs:
                bits.append(t[key].format(list=", ".join(sorted(xs))))
        bits += [windows, modes, t["cap"].format(hours=number(h.weekly_hours_cap, lang,
                                                              fixed=True))]
        return t["add"].format(place=_place(instance, h.home),
                               profile="; ".join(b for b in bits if b))


@frozen
class Extend:
    """Give named existing helpers a credential, skill, language, qualification, category or mode.

    Parameters
    ----------
    helpers : sequence of str
        Ids of existing helpers (kept sorted, without repeats).
    kind : Extension
        What is extended.
    value : str
        A credential (``child_protection``: RSPS check and KRK, and foreign record information
        where needed; ``first_aid``; ``fitness_declaration``; ``safety_briefing``: BHP;
        ``accident_insurance``: NNW), a skill, a language, a qualification, a category id or a
        travel mode. Credentials become valid over the whole planning period.

    Examples
    --------
    >>> Extend(["h2", "h1"], "credential", "child_protection").key
    'extend:credential:child_protection:h1,h2'
    """

    helpers: tuple[str, ...] = field(converter=_sorted_ids, validator=_check_ids)
    kind: Extension = field(converter=Extension)
    value: str = field(validator=check_id)

    def __attrs_post_init__(self) -> None:
        if self.kind is Extension.CREDENTIAL and self.value not in words.CREDENTIAL_IDS:
            raise FieldValueError(ProblemCode.UNKNOWN_CREDENTIAL, field="value", value=self.value,
                                  allowed=list(words.CREDENTIAL_IDS))
        if self.kind is Extension.MODE and self.value not in set(TravelMode):
            raise FieldValueError(ProblemCode.UNKNOWN_TRAVEL_MODE, field="value",
                                  value=self.value, allowed=[m.value for m in TravelMode])

    @property
    def key(self) -> str:
        """A deterministic sort key and label."""
        return f"extend:{self.kind.value}:{self.value}:{','.join(self.helpers)}"

    def describe(self, instance: Instance, lang: str = "en") -> str:
        """The change in one sentence for a coordinator."""
        v = self.value
        if self.kind is Extension.CREDENTIAL:
            what = pick(words.CREDENTIALS, lang)[v]
        elif self.kind is Extension.CATEGORY:
            what = _category(instance, v, lang)
        elif self.kind is Extension.MODE:
            what = pick(MODE_NOUNS, lang)[TravelMode(v)]
        else:  # a skill, a language or a qualification: its code
            what = v
        return pick(words.CHANGES, lang)[f"extend_{self.kind.value}"].format(
            who=_names(instance, self.helpers), what=what)


@frozen
class ExtraHours:
    """Named existing helpers offer ``hours`` more a week (their agreement's cap too).

    Parameters
    ----------
    helpers : sequence of str
        Ids of existing helpers.
    hours : float
        Extra hours a week, each.
    """

    helpers: tuple[str, ...] = field(converter=_sorted_ids, validator=_check_ids)
    hours: float = field(converter=to_float, validator=check_positive)

    @property
    def key(self) -> str:
        """A deterministic sort key and label."""
        return f"hours:{self.hours:g}:{','.join(self.helpers)}"

    def describe(self, instance: Instance, lang: str = "en") -> str:
        """The change in one sentence for a coordinator."""
        return pick(words.CHANGES, lang)["hours"].format(
            who=_names(instance, self.helpers), hours=number(self.hours, lang, fixed=True))


Change = AddHelper | Extend | ExtraHours


def full_credentials(first: date, last: date) -> Credentials:
    """Every check and certificate, valid from ``first`` to ``last`` (a recruit's profile).

    Examples
    --------
    >>> from datetime import date
    >>> c = full_credentials(date(2026, 3, 23), date(2026, 3, 29))
    >>> c.rsps_checked_on, c.first_aid_valid_to
    (datetime.date(2026, 3, 23), datetime.date(2026, 3, 29))
    """
    return Credentials(rsps_checked_on=first, krk_presented_on=first, bhp_briefed_on=first,
                       first_aid_valid_to=last, fitness_declared_on=first,
                       nnw_valid_from=first, nnw_valid_to=last)


def _earliest(old: date | None, first: date) -> date:
    return first if old is None else min(old, first)


def _extend_credential(h: Helper, value: str, first: date, last: date) -> Helper:
    cr = h.credentials
    if value == "child_protection":
        cr = attrs.evolve(
            cr, rsps_checked_on=_earliest(cr.rsps_checked_on, first),
            krk_presented_on=_earliest(cr.krk_presented_on, first),
            foreign_record_on=(_earliest(cr.foreign_record_on, first)
                               if cr.lived_abroad_recently else cr.foreign_record_on))
    elif value == "first_aid":
        cr = attrs.evolve(cr, first_aid_valid_to=max(cr.first_aid_valid_to or last, last))
    elif value == "fitness_declaration":
        cr = attrs.evolve(cr, fitness_declared_on=_earliest(cr.fitness_declared_on, first))
    elif value == "safety_briefing":
        cr = attrs.evolve(cr, bhp_briefed_on=_earliest(cr.bhp_briefed_on, first))
    else:  # accident_insurance
        cr = attrs.evolve(
            cr, nnw_valid_from=(None if cr.nnw_valid_from is None
                                else min(cr.nnw_valid_from, first)),
            nnw_valid_to=max(cr.nnw_valid_to or last, last))
    return attrs.evolve(h, credentials=cr)


def _extended(inst: Instance, h: Helper, change: Extend | ExtraHours) -> Helper:
    first, last = inst.policy.period.start, inst.policy.period.end
    if isinstance(change, ExtraHours):
        ag = h.agreement
        if ag is not None and ag.weekly_hours_cap is not None:
            ag = attrs.evolve(ag, weekly_hours_cap=ag.weekly_hours_cap + change.hours)
        return attrs.evolve(h, weekly_hours_cap=h.weekly_hours_cap + change.hours, agreement=ag)
    v = change.value
    if change.kind is Extension.CREDENTIAL:
        return _extend_credential(h, v, first, last)
    if change.kind is Extension.SKILL:
        return attrs.evolve(h, skills=h.skills | {v})
    if change.kind is Extension.LANGUAGE:
        return attrs.evolve(h, languages=h.languages | {v})
    if change.kind is Extension.QUALIFICATION:
        return attrs.evolve(h, qualifications=h.qualifications | {v})
    if change.kind is Extension.MODE:
        return attrs.evolve(h, modes=h.modes | {TravelMode(v)})
    if h.agreement is None:  # a new written agreement over the period, for this category only
        return attrs.evolve(h, agreement=Agreement(first, written=True, categories=[v]))
    return attrs.evolve(h, agreement=attrs.evolve(h.agreement,
                                                  categories=h.agreement.categories | {v}))


def apply_change(instance: Instance, change: Change) -> Instance:
    """The instance with ``change`` applied (a new instance; ``instance`` is unchanged).

    Parameters
    ----------
    instance : Instance
        The instance.
    change : AddHelper or Extend or ExtraHours
        The change.

    Returns
    -------
    Instance
        Validated like any instance.

    Raises
    ------
    InvalidInputError
        Listing every problem with the change: a recruit's id already in use or unknown home
        or categories, unknown helpers to extend, an unknown category.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> hid = inst.helpers[0].id
    >>> new = apply_change(inst, Extend([hid], "skill", "lifting"))
    >>> "lifting" in new.helper(hid).skills, "lifting" in inst.helper(hid).skills
    (True, False)
    >>> apply_change(inst, Extend(["nobody"], "skill", "lifting"))
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: change: 1 problem
      change.helpers[0]: unknown helper 'nobody'
    """
    problems: list[Problem] = []
    helper_ids = {h.id for h in instance.helpers}
    categories = {c.id for c in instance.policy.categories}
    if isinstance(change, AddHelper):
        h = change.helper
        if h.id in helper_ids:
            problems.append(Problem("change.helper.id", ProblemCode.HELPER_ID_TAKEN,
                                    {"id": h.id}))
        if h.home not in {p.id for p in instance.places}:
            problems.append(Problem("change.helper.home", ProblemCode.UNKNOWN_PLACE,
                                    {"id": h.home}))
        if h.agreement is not None:
            problems += [Problem("change.helper.agreement.categories",
                                 ProblemCode.UNKNOWN_CATEGORY, {"id": c})
                         for c in sorted(h.agreement.categories - categories)]
        if problems:
            raise InvalidInputError(problems, source="change")
        return attrs.evolve(instance, helpers=(*instance.helpers, h))
    if isinstance(change, Extend | ExtraHours):
        problems += [Problem(f"change.helpers[{i}]", ProblemCode.UNKNOWN_HELPER, {"id": x})
                     for i, x in enumerate(change.helpers) if x not in helper_ids]
        if (isinstance(change, Extend) and change.kind is Extension.CATEGORY
                and change.value not in categories):
            problems.append(Problem("change.value", ProblemCode.UNKNOWN_CATEGORY,
                                    {"id": change.value}))
        if problems:
            raise InvalidInputError(problems, source="change")
        chosen = set(change.helpers)
        return attrs.evolve(instance, helpers=tuple(
            _extended(instance, h, change) if h.id in chosen else h for h in instance.helpers))
    raise InvalidInputError([Problem("change", ProblemCode.NOT_A_CHANGE,
                                     {"kind": type(change).__name__})], source="change")


def _place(inst: Instance, pid: str) -> str:
    try:
        p = inst.place(pid)
    except KeyError:
        return pid
    return p.name or p.id


def _category(inst: Instance, cid: str, lang: str) -> str:
    try:
        c = inst.category(cid)
    except KeyError:
        return cid
    return local_name(c, lang)


def _names(inst: Instance, ids: tuple[str, ...], most: int = 5) -> str:
    def name(x: str) -> str:
        try:
            return inst.helper(x).name or x
        except KeyError:
            return x

    shown = ", ".join(name(x) for x in ids[:most])
    return shown + (f" +{len(ids) - most}" if len(ids) > most else "")
