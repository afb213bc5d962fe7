"""The store's versioned SQLite schema and its ordered migrations.

A cus_match history store is an SQLite file whose header carries :data:`APPLICATION_ID` (so
tools such as ``file`` and this library recognise it) and whose ``PRAGMA user_version`` is the
schema version. :data:`MIGRATIONS` lists every step from an empty file (version 0) upwards; a
file is brought to :data:`SCHEMA_VERSION` by running, in one transaction, each step above its
version. To change the schema, append a :class:`Migration` (never edit a released one) and the
files of earlier versions are upgraded the next time they are opened.

Examples
--------
>>> [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
True
>>> hex(APPLICATION_ID)
'0x4355534d'
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from attrs import frozen

__all__ = ["APPLICATION_ID", "APPLICATION_NAME", "MIGRATIONS", "SCHEMA_VERSION", "Migration",
           "apply_migrations"]

#: "CUSM" in ASCII: written at offset 68 of the SQLite header (``PRAGMA application_id``).
APPLICATION_ID = 0x4355534D
#: The value of the ``application`` key of the ``meta`` table.
APPLICATION_NAME = "cus_match history store"


@frozen
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``.

    Parameters
    ----------
    version : int
        The schema version after the step.
    description : str
        What the step changes, for people reading the code.
    apply : callable
        Runs the step on a connection inside an open transaction. It must not commit, so it
        uses ``execute`` statement by statement (``executescript`` would commit).
    """

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _statements(*sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in sql:
            conn.execute(statement)

    return run


_V1 = _statements(
    # Key/value facts about the file itself: what it is, settings such as retention_days.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    # One row per planning round. The instance and the result are kept whole, as the project's
    # versioned JSON text (never pickle), so a round can always be reloaded and re-checked.
    """CREATE TABLE rounds (
        id TEXT PRIMARY KEY,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        approved_by TEXT,
        approved_at TEXT,
        instance_json TEXT NOT NULL,
        result_json TEXT NOT NULL,
        CHECK (period_start <= period_end),
        CHECK ((approved_by IS NULL) = (approved_at IS NULL))
    )""",
    # The result's assignments flattened for queries (hours, continuity, load). Derived from the
    # two JSON texts and rewritten with them, never edited on its own.
    """CREATE TABLE visits (
        round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        need TEXT NOT NULL,
        resident TEXT,
        helper TEXT NOT NULL,
        category TEXT NOT NULL,
        date TEXT NOT NULL,
        minutes INTEGER NOT NULL,
        PRIMARY KEY (round_id, seq)
    )""",
    "CREATE INDEX visits_helper ON visits(helper, date)",
    "CREATE INDEX visits_resident ON visits(resident)",
    # Accountability (RODO art. 5(2)): that an erasure happened, never whose.
    "CREATE TABLE erasures (at TEXT NOT NULL, mode TEXT NOT NULL, rounds INTEGER NOT NULL)",
    f"INSERT INTO meta (key, value) VALUES ('application', '{APPLICATION_NAME}')",
)

#: Every schema step, oldest first; ``MIGRATIONS[i].version == i + 1``.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "rounds with instance and result JSON, visits index, meta, erasure log", _V1),
)

#: The schema version this library writes and reads.
SCHEMA_VERSION = MIGRATIONS[-1].version


def apply_migrations(conn: sqlite3.Connection, current: int,
                     migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Run every migration above ``current``, then stamp the header; returns the new version.

    The caller holds a write transaction, so either every step and the new version are
    committed together or nothing is.
    """
    target = current
    for m in migrations:
        if m.version > current:
            if m.version != target + 1:
                raise RuntimeError(f"migrations out of order: {target} then {m.version}")
            m.apply(conn)
            target = m.version
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    conn.execute(f"PRAGMA user_version = {target:d}")
    return target
