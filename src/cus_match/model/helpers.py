"""Helpers: volunteers, self-help group members and neighbour-service providers.

Only dates and flags are stored for checks (RODO art. 10): *when* the child-protection register
was checked, *when* criminal-record information was presented — never the documents themselves.

Examples
--------
>>> h = Helper(
...     id="h1", home="bukowsko", weekly_hours_cap=4,
...     availability=[WeeklyWindow("tue", "14:00", "18:00")],
...     agreement=Agreement("2026-01-01", "2026-12-31", written=True,
...                         categories=["shopping", "companionship"]),
... )
>>> h.kind, h.effective_weekly_minutes
(<HelperKind.VOLUNTEER: 'volunteer'>, 240)
"""

from __future__ import annotations

import enum
from datetime import date

from attrs import field, frozen

from cus_match.errors import FieldValueError
from cus_match.model.places import TravelMode
from cus_match.model.time_windows import DateRange, WeeklyWindow
from cus_match.model.validators import (
    check_id,
    check_ids,
    check_non_negative,
    check_opt_id,
    check_positive,
    to_date,
    to_float,
    to_frozenset,
    to_opt_date,
    to_opt_float,
    to_tuple,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["Agreement", "Credentials", "Helper", "HelperKind"]


class HelperKind(enum.StrEnum):
    """The legal form of a helper's work."""

    VOLUNTEER = "volunteer"
    SELF_HELP = "self_help"  # member of a self-help group
    NEIGHBOUR_SERVICE = "neighbour_service"  # usługi sąsiedzkie (social assistance act, art. 50)


@frozen
class Credentials:
    """Dated checks and certificates (H1, H3, H5, H7).

    Parameters
    ----------
    rsps_checked_on : date, optional
        Date the sex-offender register (RSPS) was checked (child-protection act, art. 21).
    krk_presented_on : date, optional
        Date criminal-record information (KRK) was presented.
    lived_abroad_recently : bool
        Lived in another country in the last 20 years; then foreign record information is needed.
    foreign_record_on : date, optional
        Date foreign criminal-record information was presented.
    first_aid_valid_to : date, optional
        Last day the first-aid training is valid.
    fitness_declared_on : date, optional
        Date of the declaration of fitness to provide care (neighbour service).
    bhp_briefed_on : date, optional
        Date of the health-and-safety briefing (volunteering act, art. 45).
    nnw_valid_from, nnw_valid_to : date, optional
        Validity of accident insurance (NNW; volunteering act, art. 46).
    organiser_accepted_on : date, optional
        Date the organiser accepted the helper as a neighbour-service provider.
    """

    rsps_checked_on: date | None = field(default=None, converter=to_opt_date)
    krk_presented_on: date | None = field(default=None, converter=to_opt_date)
    lived_abroad_recently: bool = False
    foreign_record_on: date | None = field(default=None, converter=to_opt_date)
    first_aid_valid_to: date | None = field(default=None, converter=to_opt_date)
    fitness_declared_on: date | None = field(default=None, converter=to_opt_date)
    bhp_briefed_on: date | None = field(default=None, converter=to_opt_date)
    nnw_valid_from: date | None = field(default=None, converter=to_opt_date)
    nnw_valid_to: date | None = field(default=None, converter=to_opt_date)
    organiser_accepted_on: date | None = field(default=None, converter=to_opt_date)

    def __attrs_post_init__(self) -> None:
        if (self.nnw_valid_from and self.nnw_valid_to
                and self.nnw_valid_to < self.nnw_valid_from):
            raise FieldValueError(ProblemCode.INSURANCE_END_BEFORE_START, field="nnw_valid_to",
                                  end=self.nnw_valid_to.isoformat(),
                                  start=self.nnw_valid_from.isoformat())


@frozen
class Agreement:
    """The helper's agreement with the CUS (volunteering agreement or neighbour-service contract).

    Parameters
    ----------
    valid_from : date
        First day covered.
    valid_to : date, optional
        Last day covered; ``None`` for an open-ended agreement.
    written : bool
        Whether the agreement is in writing (required for service over 30 days, art. 44).
    categories : set of str
        Need categories the agreement covers.
    weekly_hours_cap : float, optional
        Hours per week the agreement allows.
    """

    valid_from: date = field(converter=to_date)
    valid_to: date | None = field(default=None, converter=to_opt_date)
    written: bool = False
    categories: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                       validator=check_ids)
    weekly_hours_cap: float | None = field(converter=to_opt_float, default=None,
                                           validator=check_positive)

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise FieldValueError(ProblemCode.VALID_TO_BEFORE_VALID_FROM, field="valid_to",
                                  end=self.valid_to.isoformat(),
                                  start=self.valid_from.isoformat())

    @property
    def days(self) -> int | None:
        """Length in days, ``None`` when open-ended."""
        return None if self.valid_to is None else (self.valid_to - self.valid_from).days + 1

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies inside the agreement."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _modes(value: object) -> frozenset[TravelMode]:
    return frozenset(TravelMode(m) for m in to_tuple(value))  # type: ignore[arg-type]


@frozen
class Helper:
    """Someone who can help: a volunteer, a self-help group member or a neighbour-service provider.

    Parameters
    ----------
    id : str
        Unique id.
    home : str
        Id of the place the helper starts from.
    weekly_hours_cap : float
        Hours per week the helper offers.
    availability : sequence of WeeklyWindow
        When the helper can help, every week.
    agreement : Agreement, optional
        The agreement with the CUS; a helper without one is listed but cannot be matched (H2).
    name : str
        Display name for coordinators' reports (helpers are not pseudonymised: they sign
        agreements with the CUS).
    kind : HelperKind
        Volunteer (default), self-help group member or neighbour service.
    modes : set of TravelMode
        How the helper travels; default walking.
    max_travel_minutes : float
        Longest one-way trip from home to a need.
    unavailable : sequence of DateRange
        Dated absences (holidays, illness).
    max_residents : int, optional
        Most different residents the helper takes on.
    skills, languages, qualifications : set of str
        What the helper can do, speaks, and holds (statutory qualifications, H9).
    credentials : Credentials
        Dated checks (H1, H3, H5, H7).
    is_minor : bool
        Aged 13-17 (H6).
    guardian_consent : bool
        A minor's guardian consented (H6).
    family_of : set of str
        Residents the helper is family of (H1 exemption; H7 exclusion).
    vetoes_residents : set of str
        Residents the helper refuses (H8).
    vetoes_categories : set of str
        Categories the helper refuses (H8).
    household : str, optional
        Id of the household the helper lives in: a resident with the same ``household`` shares
        it. A neighbour-service provider may not serve someone of their own household (social
        assistance act, art. 50: the service is for a person outside the provider's household).
    """

    id: str = field(validator=check_id)
    home: str = field(validator=check_id)
    weekly_hours_cap: float = field(converter=to_float, validator=check_positive)
    availability: tuple[WeeklyWindow, ...] = field(converter=to_tuple)
    agreement: Agreement | None = None
    name: str = ""
    kind: HelperKind = field(default=HelperKind.VOLUNTEER, converter=HelperKind)
    modes: frozenset[TravelMode] = field(factory=lambda: frozenset({TravelMode.WALK}),
                                         converter=_modes)
    max_travel_minutes: float = field(converter=to_float, default=30.0,
                                      validator=check_non_negative)
    unavailable: tuple[DateRange, ...] = field(factory=tuple, converter=to_tuple)
    max_residents: int | None = field(default=None, validator=check_positive)
    skills: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    languages: frozenset[str] = field(factory=lambda: frozenset({"pl"}), converter=to_frozenset)
    qualifications: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    credentials: Credentials = field(factory=Credentials)
    is_minor: bool = False
    guardian_consent: bool = False
    family_of: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                      validator=check_ids)
    vetoes_residents: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                             validator=check_ids)
    vetoes_categories: frozenset[str] = field(factory=frozenset, converter=to_frozenset,
                                              validator=check_ids)
    household: str | None = field(default=None, validator=check_opt_id,
                                  metadata={"omit_if_default": True})

    @property
    def effective_weekly_minutes(self) -> int:
        """The weekly cap in minutes: the lower of the helper's and the agreement's caps."""
        caps = [self.weekly_hours_cap]
        if self.agreement is not None and self.agreement.weekly_hours_cap is not None:
            caps.append(self.agreement.weekly_hours_cap)
        return round(min(caps) * 60)

    def is_absent(self, day: date) -> bool:
        """Whether ``day`` falls in one of the helper's absences."""
        return any(day in r for r in self.unavailable)
