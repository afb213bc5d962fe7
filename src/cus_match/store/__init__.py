"""History of planning rounds: the embedded SQLite store (standard library ``sqlite3``).

:class:`HistoryStore` keeps every round's instance and result (as the project's JSON), who
approved it and when; answers continuity, load and hours questions across rounds; issues
volunteering certificates; exports, pseudonymises or erases one person (RODO); and applies a
retention period. See :mod:`cus_match.store.history`.
"""

from cus_match.store.certificate import Certificate, ServiceLine
from cus_match.store.errors import RecordNotFoundError, StoreError
from cus_match.store.history import HistoryStore
from cus_match.store.records import (
    ErasureReport,
    HelperLoad,
    HoursServed,
    Overlap,
    Pair,
    RoundInfo,
    StoredRound,
)
from cus_match.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "Certificate",
    "ErasureReport",
    "HelperLoad",
    "HistoryStore",
    "HoursServed",
    "Overlap",
    "Pair",
    "RecordNotFoundError",
    "RoundInfo",
    "ServiceLine",
    "StoreError",
    "StoredRound",
]
