"""The CUS's policy: planning period, need categories and the rules chosen locally.

Examples
--------
>>> p = Policy(period=DateRange("2026-03-23", "2026-04-05"))
>>> p.category("homework_help").involves_minors
True
>>> p.category("psychotherapy").professional_only
True
"""

from __future__ import annotations

import enum
from functools import cache
from zoneinfo import ZoneInfoNotFoundError, available_timezones

from attrs import field, frozen

from cus_match.clock import DEFAULT_TIMEZONE
from cus_match.errors import FieldValueError
from cus_match.model.places import TravelSettings
from cus_match.model.time_windows import DateRange
from cus_match.model.validators import (
    check_id,
    check_positive,
    to_float,
    to_frozenset,
    to_opt_float,
    to_tuple,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["DEFAULT_CATEGORIES", "Category", "CredentialKind", "Policy"]


class CredentialKind(enum.StrEnum):
    """Credentials a category may require on top of the statutory ones."""

    CHILD_PROTECTION = "child_protection"  # RSPS check + KRK (+ foreign record), H1
    FIRST_AID = "first_aid"
    FITNESS_DECLARATION = "fitness_declaration"


def _credential_kinds(value: object) -> frozenset[CredentialKind]:
    return frozenset(CredentialKind(c) for c in to_tuple(value))  # type: ignore[arg-type]


@frozen
class Category:
    """A category of need and the rules attached to it.

    Parameters
    ----------
    id : str
        Unique id, used by needs, agreements and formal services.
    name_pl, name_en : str
        Display names.
    professional_only : bool
        Only professionals may meet it: needs are referred to formal services (subsidiarity).
    involves_minors : bool
        Work with children: the child-protection checks apply (H1).
    personal_care : bool
        Personal care: a minor helper may not do it alone (H6).
    requires_credentials : set of CredentialKind
        Further credentials every helper needs.
    required_qualifications : set of str
        Statutory qualifications every helper needs (H9).
    pus_hours_limit : float, optional
        Volunteer hours the programme of social services (PUS) allows in the period (H10).
    """

    id: str = field(validator=check_id)
    name_pl: str = ""
    name_en: str = ""
    professional_only: bool = False
    involves_minors: bool = False
    personal_care: bool = False
    requires_credentials: frozenset[CredentialKind] = field(factory=frozenset,
                                                            converter=_credential_kinds)
    required_qualifications: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    pus_hours_limit: float | None = field(converter=to_opt_float, default=None,
                                          validator=check_positive)


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("shopping", "Zakupy", "Shopping"),
    Category("escort", "Towarzyszenie w wyjściu (lekarz, urząd)", "Escort to a doctor or office"),
    Category("transport", "Transport", "Transport"),
    Category("companionship", "Odwiedziny, towarzystwo", "Companionship visit"),
    Category("walk", "Spacer", "Walk"),
    Category("homework_help", "Pomoc w lekcjach", "Homework help", involves_minors=True,
             requires_credentials=frozenset({CredentialKind.CHILD_PROTECTION})),
    Category("home_repair", "Drobne naprawy", "Minor home repairs"),
    Category("digital_help", "Pomoc cyfrowa (telefon, e-usługi)", "Digital help"),
    Category("respite", "Wytchnienie dla opiekuna", "Respite for a family carer",
             personal_care=True, requires_credentials=frozenset({CredentialKind.FIRST_AID})),
    Category("group_session", "Współprowadzenie zajęć grupowych", "Co-facilitating a group"),
    Category("childrens_club", "Klub dziecięcy", "Children's club", involves_minors=True,
             requires_credentials=frozenset({CredentialKind.CHILD_PROTECTION})),
    Category("neighbour_care", "Usługi sąsiedzkie", "Neighbour care", personal_care=True,
             requires_credentials=frozenset({CredentialKind.FIRST_AID,
                                             CredentialKind.FITNESS_DECLARATION})),
    Category("personal_care", "Usługi opiekuńcze", "Care services", personal_care=True,
             professional_only=True),
    Category("psychotherapy", "Wsparcie psychologiczne", "Psychological support",
             professional_only=True),
    Category("addiction_therapy", "Terapia uzależnień", "Addiction therapy",
             professional_only=True),
)


@cache
def _known_timezones() -> frozenset[str]:
    try:
        return frozenset(available_timezones())
    except ZoneInfoNotFoundError:  # pragma: no cover - only without any tz database
        return frozenset()


def _check_tz(_i: object, _a: object, value: str) -> None:
    ok = value in _known_timezones()
    if not ok:
        raise FieldValueError(ProblemCode.UNKNOWN_TIMEZONE, value=repr(value))


@frozen
class Policy:
    """Local rules of the CUS for one planning round.

    Parameters
    ----------
    period : DateRange
        The planning period (local dates, both included).
    categories : sequence of Category
        The need categories in use; default :data:`DEFAULT_CATEGORIES`.
    timezone : str
        IANA time zone of the wall-clock times; default ``Europe/Warsaw``.
    neighbour_max_walk_minutes : float
        "Nearest vicinity" for neighbour service (H7): walking minutes from the helper's home.
    minors_solo_personal_care : bool
        Whether a minor may do personal care alone (H6); default no.
    time_step_minutes : int
        Granularity of proposed start times.
    travel : TravelSettings
        How travel minutes are computed.
    """

    period: DateRange
    categories: tuple[Category, ...] = field(default=DEFAULT_CATEGORIES, converter=to_tuple)
    timezone: str = field(default=DEFAULT_TIMEZONE, validator=_check_tz)
    neighbour_max_walk_minutes: float = field(converter=to_float, default=15.0,
                                              validator=check_positive)
    minors_solo_personal_care: bool = False
    time_step_minutes: int = field(default=15, validator=check_positive)
    travel: TravelSettings = field(factory=TravelSettings)

    def category(self, category_id: str) -> Category:
        """The category with id ``category_id`` (``KeyError`` if unknown)."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)
