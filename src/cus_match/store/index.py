"""The visits index: a result's assignments flattened, with the resident and category they serve.

The index is derived from a round's instance and result and rewritten with them, so queries
(hours, continuity pairs, load) never parse JSON.

Examples
--------
>>> from cus_match import solve
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> rows = visit_rows(inst, solve(inst, method="greedy"))
>>> rows[0]
(0, 'n-00001', 'r-00003', 'h-00001', 'shopping', '2026-03-26', 60)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from cus_match.model.instance import Instance
from cus_match.plan.references import check_result
from cus_match.plan.result import Result

__all__ = ["VisitRow", "insert_visits", "visit_rows"]

#: (seq, need, resident, helper, category, date, minutes)
VisitRow = tuple[int, str, str | None, str, str, str, int]


def visit_rows(instance: Instance, result: Result) -> list[VisitRow]:
    """One row per assignment, in the result's order.

    Raises
    ------
    InvalidInputError
        With every id of the result the instance does not have (the result belongs to
        another instance): see :func:`cus_match.plan.references.check_result`.
    """
    check_result(instance, result)
    rows: list[VisitRow] = []
    for i, a in enumerate(result.assignments):
        need = instance.need(a.need)
        rows.append((i, a.need, need.resident, a.helper, need.category, a.date.isoformat(),
                     a.minutes))
    return rows


def insert_visits(conn: sqlite3.Connection, round_id: str, rows: Sequence[VisitRow]) -> None:
    """Insert a round's rows into the ``visits`` table (inside the caller's transaction)."""
    conn.executemany(
        "INSERT INTO visits (round_id, seq, need, resident, helper, category, date, minutes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(round_id, *row) for row in rows],
    )
