"""The history store: planning rounds over time, in one SQLite file.

A :class:`HistoryStore` saves each planning round (its instance and result as the project's
JSON text), records who approved it and when, and answers the questions later rounds ask:
which helper served which resident (continuity), how many hours each helper gave (fair load),
how many hours a volunteer served over any period (their certificate). It also answers RODO
requests (export, pseudonymise or erase one person) and applies a retention period.

Every write is one ``BEGIN IMMEDIATE ... COMMIT`` transaction; the file is in WAL mode with a
busy timeout, so several processes can use it at once.

*Approved plans are facts; later approvals win.* Hours, load and continuity count only
approved rounds (unless asked otherwise), and where approved rounds' periods overlap, a visit
date is counted from the latest approved round covering it: re-planning the rest of a week and
approving the new plan supersedes the old plan from then on, without double counting.

Examples
--------
>>> import pathlib, tempfile
>>> from cus_match import solve
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=2)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "history.sqlite"
>>> with HistoryStore(path) as store:
...     info = store.save("2026-w13", inst, solve(inst, method="greedy"))
...     store.approve("2026-w13", by="coordinator", at="2026-03-22T18:00:00+01:00").approved
True
>>> with HistoryStore(path) as store:
...     [(r.id, r.visits, r.hours) for r in store.rounds()]
...     store.previous_pairs(last=1)[0]
...     store.hours_served()[0].hours
[('2026-w13', 3, 2.75)]
Pair(resident='r-00002', helper='h-00001', need='n-00001')
1.75
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.io.json_format import (
    dumps_instance,
    dumps_result,
    instance_digest,
    loads_instance,
    loads_result,
)
from cus_match.limits import OPTION_BOUNDS
from cus_match.model import DateRange
from cus_match.model.instance import Instance
from cus_match.model.policy import PriorService
from cus_match.model.validators import to_date
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode
from cus_match.store import index, privacy
from cus_match.store.certificate import Certificate, ServiceLine
from cus_match.store.errors import RecordNotFoundError, StoreError
from cus_match.store.index import visit_rows
from cus_match.store.opening import connect
from cus_match.store.privacy import ErasureMode
from cus_match.store.records import (
    ErasureReport,
    HelperLoad,
    HoursServed,
    Overlap,
    Pair,
    RoundInfo,
    StoredRound,
)

__all__ = ["HistoryStore"]

_MAX_LABEL = 200

# Visits that count: those of approved rounds, except dates a later approval covers.
_EFFECTIVE = """
    SELECT v.round_id, v.seq, v.need, v.resident, v.helper, v.category, v.date, v.minutes
    FROM visits v JOIN rounds r ON r.id = v.round_id
    WHERE r.approved_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM rounds s
        WHERE s.approved_at IS NOT NULL
          AND (s.approved_at > r.approved_at OR (s.approved_at = r.approved_at AND s.id > r.id))
          AND v.date BETWEEN s.period_start AND s.period_end)
"""
# Proposals not (yet) approved, for questions that include them.
_PROPOSED = """
    SELECT v.round_id, v.seq, v.need, v.resident, v.helper, v.category, v.date, v.minutes
    FROM visits v JOIN rounds r ON r.id = v.round_id
    WHERE r.approved_at IS NULL
"""
_INFO = """
    SELECT r.id, r.period_start, r.period_end, r.saved_at, r.approved_by, r.approved_at,
           (SELECT count(*) FROM visits v WHERE v.round_id = r.id),
           (SELECT coalesce(sum(minutes), 0) FROM visits v WHERE v.round_id = r.id)
    FROM rounds r
"""
_ORDER = " ORDER BY r.period_start, r.period_end, r.id"


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(value: datetime | str | None, what: str) -> str:
    """An aware date-time as canonical UTC text (sortable as text)."""
    if value is None:
        value = _now()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidOptionError(f"{what}: {value!r} is not an ISO date-time") from None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidOptionError(f"{what}: {value!r} must be a date-time with a UTC offset")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _label(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LABEL \
            or any(ord(ch) < 32 for ch in value):
        raise InvalidOptionError(f"{what} must be 1-{_MAX_LABEL} printable characters, "
                                 f"got {value!r}")
    return value


def _info(row: Sequence[Any]) -> RoundInfo:
    return RoundInfo(
        id=row[0], period=DateRange(row[1], row[2]),
        saved_at=datetime.fromisoformat(row[3]), approved_by=row[4],
        approved_at=None if row[5] is None else datetime.fromisoformat(row[5]),
        visits=row[6], minutes=row[7],
    )


class HistoryStore:
    """Planning rounds over time in one SQLite file (a context manager).

    Parameters
    ----------
    path : str or Path
        The store file (``":memory:"``: a throw-away store in memory). Created when missing
        (unless ``create`` is false); an empty file or a store of an older schema version is
        upgraded in one transaction.
    busy_timeout : float
        Seconds to wait for another process's write before raising.
    create : bool
        Create the file when it does not exist.

    Raises
    ------
    StoreError
        The file is not a cus_match store, is from a newer version, or is damaged; the file
        is then left byte for byte as it was.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 10.0,
                 create: bool = True) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = connect(self.path, busy_timeout=busy_timeout,
                                                        create=create)

    # Life cycle ------------------------------------------------------------------------------
    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __repr__(self) -> str:
        return f"HistoryStore({str(self.path)!r})"

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection (raises once closed)."""
        if self._conn is None:
            raise StoreError(self.path, "the store is closed")
        return self._conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise StoreError(self.path, f"is busy: another process kept it locked ({e})"
                                 ) from e
            raise StoreError(self.path, f"database error: {e}") from e
        except sqlite3.DatabaseError as e:
            raise StoreError(self.path, f"is damaged or unreadable ({e})") from e

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        conn = self.conn
        with self._guard():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for reads of several statements."""
        conn = self.conn
        with self._guard():
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    # Writing rounds --------------------------------------------------------------------------
    def save(self, round_id: str, instance: Instance, result: Result, *,
             approved_by: str | None = None, approved_at: datetime | str | None = None,
             replace: bool = False) -> RoundInfo:
        """Save a planning round, approved or not.

        Parameters
        ----------
        round_id : str
            Id or label of the round, unique in the store.
        instance, result : Instance, Result
            The round's input and plan; every assignment must name a need and a helper of
            the instance.
        approved_by : str, optional
            Who approved it, if it is saved approved (``approved_at`` defaults to now).
        approved_at : datetime or str, optional
            When, with a UTC offset; only with ``approved_by``.
        replace : bool
            Replace a stored round of the same id that is not approved.

        Returns
        -------
        RoundInfo

        Raises
        ------
        StoreError
            The id exists (and ``replace`` is false, or that round is approved).
        InvalidInputError
            The result was made for another instance (its digest differs), or names needs or
            helpers the instance does not have.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=1)
        >>> with HistoryStore(pathlib.Path(tempfile.mkdtemp()) / "h.sqlite") as store:
        ...     store.save("march", inst, solve(inst, method="greedy")).period
        DateRange(start=datetime.date(2026, 3, 23), end=datetime.date(2026, 3, 29))
        """
        _label(round_id, "round id")
        if approved_by is None and approved_at is not None:
            raise InvalidOptionError("approved_at is given without approved_by")
        by = None if approved_by is None else _label(approved_by, "approved_by")
        at = None if by is None else _stamp(approved_at, "approved_at")
        if result.instance_digest is not None and result.instance_digest != instance_digest(
                instance):
            # Hours and continuity would be counted from a plan of other people's needs.
            raise InvalidInputError([Problem("", ProblemCode.STORE_PLAN_FOR_OTHER_INSTANCE,
                                             {"round": round_id})], source=str(self.path))
        rows = visit_rows(instance, result)
        period = instance.policy.period
        with self._write() as conn:
            old = conn.execute("SELECT approved_at FROM rounds WHERE id = ?",
                               (round_id,)).fetchone()
            if old is not None:
                if not replace:
                    raise StoreError(self.path, f"round {round_id!r} is already stored "
                                                "(pass replace=True to replace a proposal)")
                if old[0] is not None:
                    raise StoreError(self.path, f"round {round_id!r} is approved and is not "
                                                "replaced; save the new plan under a new id "
                                                "(a later approval supersedes it)")
                conn.execute("DELETE FROM visits WHERE round_id = ?", (round_id,))
                conn.execute("DELETE FROM rounds WHERE id = ?", (round_id,))
            conn.execute(
                "INSERT INTO rounds (id, period_start, period_end, saved_at, approved_by, "
                "approved_at, instance_json, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (round_id, period.start.isoformat(), period.end.isoformat(), _stamp(None, ""),
                 by, at, dumps_instance(instance, indent=None), dumps_result(result, indent=None)),
            )
            index.insert_visits(conn, round_id, rows)
            return self._info(conn, round_id)

    def approve(self, round_id: str, by: str, at: datetime | str | None = None) -> RoundInfo:
        """Record that ``by`` approved the round's plan at ``at`` (default now).

        Raises
        ------
        RecordNotFoundError
            No such round.
        StoreError
            The round is already approved.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> _ = store.save("w14", inst, solve(inst, method="greedy"))
        >>> store.approve("w14", by="Anna K.", at="2026-03-22T18:00:00+01:00").approved_at
        datetime.datetime(2026, 3, 22, 17, 0, tzinfo=datetime.timezone.utc)
        """
        _label(by, "approved_by")
        stamp = _stamp(at, "approved_at")
        with self._write() as conn:
            info = self._info(conn, round_id)
            if info.approved:
                raise StoreError(self.path, f"round {round_id!r} was already approved by "
                                            f"{info.approved_by} at {info.approved_at}")
            conn.execute("UPDATE rounds SET approved_by = ?, approved_at = ? WHERE id = ?",
                         (by, stamp, round_id))
            return self._info(conn, round_id)

    def delete(self, round_id: str) -> None:
        """Delete one round (approved or not).

        Raises
        ------
        RecordNotFoundError
            No such round.
        """
        with self._write() as conn:
            self._info(conn, round_id)
            conn.execute("DELETE FROM visits WHERE round_id = ?", (round_id,))
            conn.execute("DELETE FROM rounds WHERE id = ?", (round_id,))
        self._checkpoint()

    # Reading rounds --------------------------------------------------------------------------
    def _info(self, conn: sqlite3.Connection, round_id: str) -> RoundInfo:
        row = conn.execute(_INFO + " WHERE r.id = ?", (round_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError(self.path, f"no round {round_id!r}")
        return _info(row)

    def rounds(self, *, approved_only: bool = False) -> list[RoundInfo]:
        """Every stored round, oldest period first."""
        where = " WHERE r.approved_at IS NOT NULL" if approved_only else ""
        with self._read() as conn:
            return [_info(row) for row in conn.execute(_INFO + where + _ORDER)]

    def overlaps(self) -> list[Overlap]:
        """Pairs of approved rounds that cover the same dates, earliest shared date first.

        Counting is not affected (a date counts from the latest approved round covering it),
        but a coordinator should know which plan the hours of those dates come from.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> with HistoryStore(pathlib.Path(tempfile.mkdtemp()) / "h.sqlite") as store:
        ...     plan = solve(inst, method="greedy")
        ...     _ = store.save("w13", inst, plan, approved_by="A", approved_at="2026-03-20T10:00Z")
        ...     _ = store.save("w13b", inst, plan, approved_by="A", approved_at="2026-03-25T10:00Z")
        ...     [(o.earlier, o.later, str(o.period.start)) for o in store.overlaps()]
        [('w13', 'w13b', '2026-03-23')]
        """
        approved = sorted(self.rounds(approved_only=True), key=lambda r: (r.approved_at, r.id))
        out = []
        for i, a in enumerate(approved):
            for b in approved[i + 1:]:
                start, end = max(a.period.start, b.period.start), min(a.period.end, b.period.end)
                if start <= end:
                    out.append(Overlap(a.id, b.id, DateRange(start, end)))
        return sorted(out, key=lambda o: (o.period.start, o.earlier, o.later))

    def info(self, round_id: str) -> RoundInfo:
        """One round's record (raises :class:`RecordNotFoundError` if unknown)."""
        with self._read() as conn:
            return self._info(conn, round_id)

    def load(self, round_id: str) -> StoredRound:
        """One round whole: its record, instance and result.

        Raises
        ------
        RecordNotFoundError
            No such round.
        StoreError
            The stored JSON no longer reads (the file was edited by hand).

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.load("w13").instance == inst
        True
        """
        with self._read() as conn:
            info = self._info(conn, round_id)
            inst_text, res_text = conn.execute(
                "SELECT instance_json, result_json FROM rounds WHERE id = ?", (round_id,)
            ).fetchone()
        source = f"{self.path} round {round_id!r}"
        try:
            return StoredRound(info, loads_instance(inst_text, source=source),
                               loads_result(res_text, source=source))
        except InvalidInputError as e:
            raise StoreError(self.path, f"round {round_id!r} does not read back:\n{e}") from e

    # History queries -------------------------------------------------------------------------
    def _selected(self, conn: sqlite3.Connection, last: int | None, before: date | str | None,
                  approved_only: bool) -> list[str] | None:
        """Ids of the rounds a query looks at (``None``: all of them)."""
        if last is None and before is None:
            return None
        if last is not None and (isinstance(last, bool) or not isinstance(last, int)
                                 or not OPTION_BOUNDS["last"].holds(last)):
            raise InvalidOptionError(f"last must be a whole number in {OPTION_BOUNDS['last']}, "
                                     f"got {last!r}")
        sql = "SELECT id FROM rounds r WHERE 1"
        args: list[Any] = []
        if approved_only:
            sql += " AND r.approved_at IS NOT NULL"
        if before is not None:
            sql += " AND r.period_end < ?"
            args.append(to_date(before).isoformat())
        sql += " ORDER BY r.period_end DESC, r.period_start DESC, r.id DESC"
        if last is not None:
            sql += " LIMIT ?"
            args.append(last)
        return [r[0] for r in conn.execute(sql, args)]

    def _visits(self, conn: sqlite3.Connection, columns: str, *, last: int | None = None,
                period: DateRange | None = None, before: date | str | None = None,
                approved_only: bool = True, helper: str | None = None,
                tail: str = "") -> list[tuple[Any, ...]]:
        source = _EFFECTIVE if approved_only else _EFFECTIVE + " UNION ALL " + _PROPOSED
        sql = f"SELECT {columns} FROM ({source}) e WHERE 1"
        args: list[Any] = []
        ids = self._selected(conn, last, before, approved_only)
        if ids is not None:
            sql += f" AND e.round_id IN ({', '.join('?' * len(ids))})"
            args += ids
        if period is not None:
            if not isinstance(period, DateRange):
                raise InvalidOptionError(f"period must be a DateRange, got {period!r}")
            sql += " AND e.date BETWEEN ? AND ?"
            args += [period.start.isoformat(), period.end.isoformat()]
        if helper is not None:
            sql += " AND e.helper = ?"
            args.append(helper)
        return conn.execute(sql + tail, args).fetchall()

    def previous_pairs(self, *, last: int | None = None, period: DateRange | None = None,
                       before: date | str | None = None, approved_only: bool = True
                       ) -> list[Pair]:
        """The (resident, helper, need) pairs served, for continuity across rounds.

        Parameters
        ----------
        last : int, optional
            Only the ``last`` most recent rounds (by the end of their period).
        period : DateRange, optional
            Only visits dated in this period.
        before : date, optional
            Only rounds whose period ended before this date (the next round's start).
        approved_only : bool
            Only approved plans (default); otherwise proposals too.

        Returns
        -------
        list of Pair
            Distinct, sorted; group sessions have ``resident=None``.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.previous_pairs(last=1, before="2026-04-01")[0]
        Pair(resident='r-00002', helper='h-00001', need='n-00001')
        """
        with self._read() as conn:
            rows = self._visits(conn, "DISTINCT e.resident, e.helper, e.need", last=last,
                                period=period, before=before, approved_only=approved_only)
        return sorted(Pair(r, h, n) for r, h, n in rows)

    def previous_helpers(self, *, last: int | None = None, period: DateRange | None = None,
                         before: date | str | None = None, approved_only: bool = True
                         ) -> dict[str, frozenset[str]]:
        """Helpers who served each resident (for ``Resident.previous_helpers``).

        Same selection as :meth:`previous_pairs`; residents in sorted order.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.previous_helpers()["r-00002"] == {"h-00001", "h-00003"}
        True
        """
        out: dict[str, set[str]] = defaultdict(set)
        for p in self.previous_pairs(last=last, period=period, before=before,
                                     approved_only=approved_only):
            if p.resident is not None:
                out[p.resident].add(p.helper)
        return {r: frozenset(out[r]) for r in sorted(out)}

    def helper_load(self, *, last: int | None = None, period: DateRange | None = None,
                    before: date | str | None = None, approved_only: bool = True
                    ) -> list[HelperLoad]:
        """Visits and minutes per helper per round, for fair load across rounds.

        Same selection as :meth:`previous_pairs`. Sorted by round (oldest period first),
        then helper.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> [(x.helper, x.visits, x.hours) for x in store.helper_load(last=4)]
        [('h-00001', 2, 1.75), ('h-00003', 1, 1.0)]
        """
        with self._read() as conn:
            rows = self._visits(
                conn, "e.round_id, e.helper, count(*), sum(e.minutes), "
                      "(SELECT period_start FROM rounds WHERE id = e.round_id) AS ps",
                last=last, period=period, before=before, approved_only=approved_only,
                tail=" GROUP BY e.round_id, e.helper ORDER BY ps, e.round_id, e.helper")
        return [HelperLoad(rid, h, n, m) for rid, h, n, m, _ in rows]

    def hours_served(self, period: DateRange | None = None, *, helper: str | None = None
                     ) -> list[HoursServed]:
        """Approved hours per helper over ``period`` (default: all time), sorted by helper.

        Counts visits of approved rounds dated in the period; where approved rounds overlap,
        the latest approval counts.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> week = DateRange("2026-03-23", "2026-03-25")
        >>> [(x.helper, x.visits, x.minutes) for x in store.hours_served(week)]
        [('h-00001', 1, 60)]
        """
        with self._read() as conn:
            rows = self._visits(conn, "e.helper, count(*), sum(e.minutes), min(e.date), "
                                      "max(e.date)", period=period, helper=helper,
                                tail=" GROUP BY e.helper ORDER BY e.helper")
        names = self.helper_names(period)
        return [HoursServed(h, n, m, date.fromisoformat(a), date.fromisoformat(b),
                            names.get(h, "")) for h, n, m, a, b in rows]

    def prior_service(self, before: date | str) -> tuple[PriorService, ...]:
        """Each helper's dates of approved visits before ``before``, for the span of service.

        What :attr:`cus_match.model.policy.Policy.prior_service` needs so that the written
        agreement and accident insurance rules (volunteering act, arts. 44 and 46) count the
        service already given in approved rounds, not only this plan's: dates only, nothing of
        what was done or for whom.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> res = solve(inst, method="greedy")
        >>> _ = store.save("w13", inst, res, approved_by="k")
        >>> served = store.prior_service("2026-12-31")
        >>> {p.helper for p in served} == {a.helper for a in res.assignments}
        True
        >>> store.prior_service(inst.policy.period.start)
        ()
        """
        day = to_date(before).isoformat()
        by_helper: dict[str, list[str]] = {}
        with self._read() as conn:
            for helper, d in conn.execute(
                    "SELECT DISTINCT v.helper, v.date FROM visits v JOIN rounds r ON "
                    "r.id = v.round_id WHERE r.approved_at IS NOT NULL AND v.date < ? "
                    "ORDER BY v.helper, v.date", (day,)):
                by_helper.setdefault(str(helper), []).append(str(d))
        return tuple(PriorService(h, dates) for h, dates in by_helper.items())

    def helper_names(self, period: DateRange | None = None) -> dict[str, str]:
        """Helpers' names as stored with the approved rounds (of ``period``; latest wins).

        Helpers without a name are left out. For ``hours``, certificates and anything else
        that shows a helper: the rounds keep the names the instances had.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.helper_names()["h-00001"] == inst.helper("h-00001").name
        True
        """
        sql = "SELECT instance_json FROM rounds WHERE approved_at IS NOT NULL"
        params: tuple[str, ...] = ()
        if period is not None:
            sql += " AND period_end >= ? AND period_start <= ?"
            params = (period.start.isoformat(), period.end.isoformat())
        out: dict[str, str] = {}
        with self._read() as conn:
            for (text,) in conn.execute(sql + " ORDER BY period_end, id", params):
                for h in json.loads(text).get("helpers") or []:
                    if isinstance(h, dict) and h.get("name"):
                        out[str(h.get("id"))] = str(h["name"])
        return out

    def certificate(self, helper: str, *, organisation: str, period: DateRange,
                    name: str | None = None, place: str = "",
                    issued_on: date | str | None = None, include_hours: bool = True
                    ) -> Certificate:
        """A certificate of volunteering for ``helper`` over ``period`` (approved visits).

        Parameters
        ----------
        helper : str
            The helper's id.
        organisation : str
            The issuing organisation (e.g. ``"Centrum Usług Społecznych w Bukowsku"``).
        period : DateRange
            The period certified.
        name : str, optional
            The volunteer's name as it should appear; default the name stored with the rounds
            (:meth:`helper_names`), else the id.
        place : str
            Place of issue.
        issued_on : date, optional
            Default today.
        include_hours : bool
            State the hours served (the scope is always stated).

        Raises
        ------
        RecordNotFoundError
            The helper has no approved visit in the period.
        InvalidOptionError
            The helper is a neighbour-service provider (paid, not a volunteer).

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> cert = store.certificate("h-00001", organisation="CUS w Bukowsku",
        ...                          period=inst.policy.period, issued_on="2026-03-30")
        >>> [line for line in cert.text("pl").splitlines() if line.startswith("  - ")]
        ['  - Spacer (2 wizyty, 1,75 godz.)']
        """
        with self._read() as conn:
            rows = self._visits(conn, "e.category, count(*), sum(e.minutes)", period=period,
                                helper=helper, tail=" GROUP BY e.category ORDER BY e.category")
            if not rows:
                raise RecordNotFoundError(self.path, f"helper {helper!r} has no approved visit "
                                                     f"from {period.start} to {period.end}")
            names, kind = self._category_names(conn, helper, period)
        if kind == "neighbour_service":
            raise InvalidOptionError(f"helper {helper!r} provides neighbour services (paid); "
                                     "the volunteering certificate is for volunteers")
        lines = [ServiceLine(c, *names.get(c, ("", "")), n, m) for c, n, m in rows]
        if name is None:  # the name the rounds were saved with, when there is one
            name = self.helper_names(period).get(helper)
        return Certificate(organisation=organisation, volunteer_id=helper, period=period,
                           services=lines, issued_on=issued_on or date.today(), name=name,
                           place=place, include_hours=include_hours)

    def _category_names(self, conn: sqlite3.Connection, helper: str, period: DateRange
                        ) -> tuple[dict[str, tuple[str, str]], str | None]:
        """Category names and the helper's kind, from the rounds of the period (latest last)."""
        names: dict[str, tuple[str, str]] = {}
        kind: str | None = None
        for (text,) in conn.execute(
                "SELECT instance_json FROM rounds WHERE period_end >= ? AND period_start <= ? "
                "AND approved_at IS NOT NULL ORDER BY period_end, id",
                (period.start.isoformat(), period.end.isoformat())):
            doc = json.loads(text)
            for c in (doc.get("policy") or {}).get("categories") or []:
                names[c["id"]] = (c.get("name_pl", ""), c.get("name_en", ""))
            for h in doc.get("helpers") or []:
                if h.get("id") == helper:
                    kind = h.get("kind")
        return names, kind

    # RODO ------------------------------------------------------------------------------------
    def export_person(self, person_id: str, *, kind: str | None = None) -> dict[str, Any]:
        """Everything the store holds on one helper or resident (RODO art. 15), JSON-able.

        Parameters
        ----------
        person_id : str
            The helper's or resident's id.
        kind : {"helper", "resident"}, optional
            Look only at this kind of record (ids are unique only within a kind).

        Returns
        -------
        dict
            ``{"person": id, "rounds": [...]}``: per round that mentions them, the round's
            id, period and approval, their own record(s), the needs, assignments, unmet
            visits, referrals and covered visits concerning them, and the path of every
            mention. An empty ``rounds`` list means the store holds nothing on them.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> out = store.export_person("r-00002")
        >>> [len(r["assignments"]) for r in out["rounds"]]
        [2]
        >>> out["rounds"][0]["mentions"]  # doctest: +NORMALIZE_WHITESPACE
        ['instance.residents[1].id', 'instance.needs[0].resident',
         'instance.needs[4].resident']
        """
        with self._read() as conn:
            return privacy.export_person(conn, person_id, kind)

    def erase_person(self, person_id: str, mode: ErasureMode = "pseudonymise", *,
                     kind: str | None = None) -> ErasureReport:
        """Pseudonymise or erase one person in every stored round (RODO art. 17), atomically.

        ``"pseudonymise"`` replaces the id, everywhere it appears in every round (their
        record, needs, assignments, near misses, other people's vetoes and links), by one fresh
        random pseudonym, and clears a helper's name; history stays linked (continuity, load)
        but no longer points to the person, and no table of old to new ids is kept.
        ``"erase"`` also empties their personal fields (name, checks, absences, skills,
        languages, vetoes, relations) and gives them a different placeholder in each round, so
        rounds cannot be linked through them. Either way every plan keeps its visits and
        minutes, so aggregate statistics (hours per round, coverage) do not change; the file
        is then checkpointed with secure delete, so the old id does not linger in it.

        Parameters
        ----------
        person_id : str
            The helper's or resident's id.
        mode : {"pseudonymise", "erase"}
        kind : {"helper", "resident"}, optional
            Required when the id names a helper in some round and a resident in another.

        Returns
        -------
        ErasureReport

        Raises
        ------
        RecordNotFoundError
            No stored round mentions the person.
        StoreError
            The id names both a helper and a resident and ``kind`` was not given, or a
            rewritten round would not read back (nothing is then changed).

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> report = store.erase_person("r-00002")
        >>> report.rounds, report.replacement.startswith("anon-")
        (('w13',), True)
        >>> store.export_person("r-00002")["rounds"], store.info("w13").minutes
        ([], 165)
        """
        with self._write() as conn:
            report = privacy.erase_person(conn, self.path, person_id, mode, kind)
        self._checkpoint()
        return report

    def _checkpoint(self) -> None:
        # Copy the WAL into the file and truncate it, so rewritten or deleted rows do not
        # survive in the WAL (secure_delete zeroes them in the file). Best effort: another
        # process reading at this moment keeps the WAL until its own checkpoint.
        with self._guard():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    # Retention -------------------------------------------------------------------------------
    @property
    def retention_days(self) -> int | None:
        """Days after the end of its period that a round is kept (``None``: kept for ever)."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'retention_days'").fetchone()
        return None if row is None else int(row[0])

    def set_retention_days(self, days: int | None) -> None:
        """Set (or with ``None`` remove) the retention period, stored in the file."""
        if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                                 or not OPTION_BOUNDS["retention"].holds(days)):
            raise InvalidOptionError(f"retention_days must be a whole number of days in "
                                     f"{OPTION_BOUNDS['retention']}, got {days!r}")
        with self._write() as conn:
            if days is None:
                conn.execute("DELETE FROM meta WHERE key = 'retention_days'")
            else:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES "
                             "('retention_days', ?)", (str(days),))

    def purge_older_than(self, cutoff: date | str) -> list[str]:
        """Delete every round whose period ended before ``cutoff``; returns their ids.

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.purge_older_than("2026-03-29"), store.purge_older_than("2026-03-30")
        ([], ['w13'])
        """
        day = to_date(cutoff).isoformat()
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM rounds WHERE period_end < ? ORDER BY period_start, id", (day,))]
            conn.execute("DELETE FROM visits WHERE round_id IN "
                         "(SELECT id FROM rounds WHERE period_end < ?)", (day,))
            conn.execute("DELETE FROM rounds WHERE period_end < ?", (day,))
        if ids:
            self._checkpoint()
        return ids

    def apply_retention(self, today: date | str | None = None) -> list[str]:
        """Purge rounds that ended more than :attr:`retention_days` before ``today``.

        Returns the ids deleted (none when no retention period is set).

        Examples
        --------
        >>> from cus_match import solve
        >>> from cus_match.generate import generate
        >>> inst = generate("tiny", seed=2)
        >>> store = HistoryStore(":memory:")
        >>> _ = store.save("w13", inst, solve(inst, method="greedy"), approved_by="k")
        >>> store.set_retention_days(365)
        >>> store.apply_retention(today="2027-03-29"), store.apply_retention(today="2027-03-30")
        ([], ['w13'])
        """
        days = self.retention_days
        if days is None:
            return []
        day = date.today() if today is None else to_date(today)
        return self.purge_older_than(day - timedelta(days=days))
