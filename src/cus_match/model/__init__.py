"""The domain model: frozen attrs entities with field validators.

Cross-entity checks (unique ids, references that exist) happen once, when an
:class:`~cus_match.model.instance.Instance` is built.
"""

from cus_match.clock import Weekday
from cus_match.model.helpers import Agreement, Credentials, Helper, HelperKind
from cus_match.model.needs import Ipus, Need, Recurrence, RecurrenceKind
from cus_match.model.places import Place, PlaceKind, TravelEdge, TravelMode, TravelSettings
from cus_match.model.policy import (
    DEFAULT_CATEGORIES,
    Category,
    CredentialKind,
    Policy,
    PriorService,
)
from cus_match.model.residents import Resident
from cus_match.model.services import FormalService
from cus_match.model.time_windows import DateRange, TimeWindow, WeeklyWindow

__all__ = [
    "DEFAULT_CATEGORIES",
    "Agreement",
    "Category",
    "CredentialKind",
    "Credentials",
    "DateRange",
    "FormalService",
    "Helper",
    "HelperKind",
    "Ipus",
    "Need",
    "Place",
    "PlaceKind",
    "Policy",
    "PriorService",
    "Recurrence",
    "RecurrenceKind",
    "Resident",
    "TimeWindow",
    "TravelEdge",
    "TravelMode",
    "TravelSettings",
    "Weekday",
    "WeeklyWindow",
]
