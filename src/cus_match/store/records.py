"""What the history store returns: frozen records of rounds, pairs, loads and hours.

Examples
--------
>>> load = HelperLoad(round_id="2026-w13", helper="h-00001", visits=3, minutes=150)
>>> load.hours
2.5
"""

from __future__ import annotations

from datetime import date, datetime

from attrs import field, frozen

from cus_match.model import DateRange
from cus_match.model.instance import Instance
from cus_match.plan.result import Result

__all__ = ["ErasureReport", "HelperLoad", "HoursServed", "Overlap", "Pair", "RoundInfo",
           "StoredRound"]


@frozen
class RoundInfo:
    """One stored planning round, without its (large) instance and result.

    Parameters
    ----------
    id : str
        The round's id or label, unique in the store (e.g. ``"2026-03 week 13"``).
    period : DateRange
        The planning period (the instance's ``policy.period``).
    saved_at : datetime
        When it was saved (UTC).
    approved_by : str, optional
        Who approved the plan; ``None`` while it is a proposal.
    approved_at : datetime, optional
        When it was approved.
    visits : int
        Helper visits (assignments) in the plan.
    minutes : int
        Helper-minutes planned.
    """

    id: str
    period: DateRange
    saved_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    visits: int = 0
    minutes: int = 0

    @property
    def approved(self) -> bool:
        """Whether people approved the plan."""
        return self.approved_at is not None

    @property
    def hours(self) -> float:
        """Helper-hours planned."""
        return self.minutes / 60


@frozen
class StoredRound:
    """A round read back whole: its record, instance and result."""

    info: RoundInfo
    instance: Instance
    result: Result


@frozen(order=True)
class Pair:
    """A helper who served a need (of a resident, if the need has one) in a stored round.

    Sorted by resident, helper, need (``None`` residents of group sessions first).
    """

    resident: str | None = field(order=lambda r: (r is not None, r or ""))
    helper: str
    need: str


@frozen
class HelperLoad:
    """A helper's visits and minutes in one round."""

    round_id: str
    helper: str
    visits: int
    minutes: int

    @property
    def hours(self) -> float:
        """Hours served in the round."""
        return self.minutes / 60


@frozen
class HoursServed:
    """A helper's approved service over a period: visits, minutes, first and last date.

    ``name`` is the helper's name as stored with the latest of those rounds (empty when none
    was given, or after erasure).
    """

    helper: str
    visits: int
    minutes: int
    first_date: date
    last_date: date
    name: str = ""

    @property
    def hours(self) -> float:
        """Hours served."""
        return self.minutes / 60


@frozen
class ErasureReport:
    """What :meth:`HistoryStore.erase_person` changed.

    Parameters
    ----------
    mode : str
        ``"pseudonymise"`` or ``"erase"``.
    replacement : str, optional
        The pseudonym now used in every round (``None`` after ``"erase"``: each round got its
        own unlinkable placeholder).
    rounds : tuple of str
        Ids of the rounds rewritten.
    """

    mode: str
    replacement: str | None
    rounds: tuple[str, ...]


@frozen
class Overlap:
    """Two approved rounds whose periods share dates.

    Hours on those dates are counted once, from the later approval (``later``): re-planning
    the rest of a week does this on purpose, a round saved under the wrong dates by mistake.

    Parameters
    ----------
    earlier, later : str
        The rounds' ids, in the order they were approved.
    period : DateRange
        The dates both cover.
    """

    earlier: str
    later: str
    period: DateRange
