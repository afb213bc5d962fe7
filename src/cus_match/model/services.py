"""Formal services already delivered to residents (care services, a psychologist, a day club).

Volunteers complement them: never duplicate them, never clash with them in a resident's day.

Examples
--------
>>> s = FormalService("care-1", provider="GOPS care team", category="personal_care",
...                   recipients=["r-001"], schedule=[WeeklyWindow("mon", "08:00", "10:00")])
>>> s.covered_categories
frozenset({'personal_care'})
"""

from __future__ import annotations

from attrs import field, frozen

from cus_match.model.time_windows import DateRange, WeeklyWindow
from cus_match.model.validators import check_id, check_ids, check_non_empty, to_frozenset, to_tuple

__all__ = ["FormalService"]


@frozen
class FormalService:
    """A formal (professional) service delivered on a weekly schedule.

    Parameters
    ----------
    id : str
        Unique id.
    provider : str
        Who delivers it (an institution, not a person's name).
    category : str
        Id of its category.
    recipients : set of str
        Residents who receive it.
    schedule : sequence of WeeklyWindow
        When its visits happen.
    valid : DateRange, optional
        When it runs; default the whole planning period.
    covers : set of str
        Need categories it meets; default just ``category``.
    """

    id: str = field(validator=check_id)
    provider: str
    category: str = field(validator=check_id)
    recipients: frozenset[str] = field(converter=to_frozenset, validator=[check_ids,
                                                                          check_non_empty])
    schedule: tuple[WeeklyWindow, ...] = field(converter=to_tuple, validator=check_non_empty)
    valid: DateRange | None = None
    covers: frozenset[str] = field(factory=frozenset, converter=to_frozenset, validator=check_ids)

    @property
    def covered_categories(self) -> frozenset[str]:
        """The categories this service meets (its own category included)."""
        return self.covers | {self.category}
