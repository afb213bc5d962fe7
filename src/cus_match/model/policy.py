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
from datetime import date
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
    to_date,
    to_float,
    to_frozenset,
    to_opt_float,
    to_tuple,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["DEFAULT_CATEGORIES", "OMIT_IF_DEFAULT", "Category", "CredentialKind", "Policy",
           "PriorService"]

#: Field metadata: the JSON writer leaves the field out while it holds its default, so
#: documents (and the library's published digests) written before the field existed keep
#: their bytes.
OMIT_IF_DEFAULT = {"omit_if_default": True}


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


def _dates(value: object) -> tuple[date, ...]:
    return tuple(sorted({to_date(d) for d in to_tuple(value)}))  # type: ignore[arg-type]


@frozen
class PriorService:
    """The dates a helper already served on in earlier, approved planning rounds.

    What the span of service (volunteering act, arts. 44 and 46) needs from the history store
    (:mod:`cus_match.store.history`): only the dates, not what was done or for whom.

    Parameters
    ----------
    helper : str
        The helper's id (a helper no longer in the instance is simply not looked up).
    dates : sequence of date
        Dates of approved visits; stored sorted, without repeats.

    Examples
    --------
    >>> PriorService("h1", ["2026-03-10", "2026-03-03", "2026-03-10"]).dates
    (datetime.date(2026, 3, 3), datetime.date(2026, 3, 10))
    """

    helper: str = field(validator=check_id)
    dates: tuple[date, ...] = field(factory=tuple, converter=_dates)


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
    checks_on_visit_day : bool
        Whether a child-protection check (RSPS, KRK, foreign record, H1) or a health-and-safety
        briefing (H5) dated on the visit's own date is accepted. Default no: the acts require
        them *before* the helper is admitted to the work ("przed dopuszczeniem", child-protection
        act art. 21), and a date alone cannot show that a check made that day came before the
        visit, so by default they must be dated strictly before the visit's date.
    prior_service : sequence of PriorService
        Dates each helper already served on in approved earlier rounds (the history store).
        With them the span of service of the volunteering act (arts. 44 and 46: a written
        agreement beyond 30 days, accident insurance up to 30 days) starts at the first of them
        under the helper's current agreement; without them, in this plan. Default none.
    service_since_agreement : bool
        Whether the span of service starts, at the latest, on the agreement's first day
        (``valid_from``): the agreement states the time of service (volunteering act, art. 44),
        so a helper agreed since January is taken to have served since January. Default yes.
        No: only the dates of service known count (this plan's visits and ``prior_service``),
        the strict reading of "first to last visit" for a CUS whose history store holds every
        approved round.
    """

    period: DateRange
    categories: tuple[Category, ...] = field(default=DEFAULT_CATEGORIES, converter=to_tuple)
    timezone: str = field(default=DEFAULT_TIMEZONE, validator=_check_tz)
    neighbour_max_walk_minutes: float = field(converter=to_float, default=15.0,
                                              validator=check_positive)
    minors_solo_personal_care: bool = False
    time_step_minutes: int = field(default=15, validator=check_positive)
    travel: TravelSettings = field(factory=TravelSettings)
    checks_on_visit_day: bool = field(default=False, metadata=OMIT_IF_DEFAULT)
    service_since_agreement: bool = field(default=True, metadata=OMIT_IF_DEFAULT)
    prior_service: tuple[PriorService, ...] = field(factory=tuple, converter=to_tuple,
                                                    metadata=OMIT_IF_DEFAULT)

    def prior_dates(self, helper_id: str) -> tuple[date, ...]:
        """The dates of :attr:`prior_service` for ``helper_id``, sorted (empty: none).

        >>> p = Policy(period=DateRange("2026-03-23", "2026-04-05"),
        ...            prior_service=[PriorService("h1", ["2026-03-03"])])
        >>> p.prior_dates("h1"), p.prior_dates("h2")
        ((datetime.date(2026, 3, 3),), ())
        """
        got = {d for ps in self.prior_service if ps.helper == helper_id for d in ps.dates}
        return tuple(sorted(got))

    def category(self, category_id: str) -> Category:
        """The category with id ``category_id`` (``KeyError`` if unknown)."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)
