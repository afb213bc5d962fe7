"""RODO requests on a store: export one person's records, pseudonymise or erase them.

The functions run on an open connection inside the caller's transaction (a read snapshot for
export, a write transaction for erasure), so an erasure is all-or-nothing across rounds. The
rewriting itself is :mod:`cus_match.store.people`; here it is applied to every stored round,
re-read through the project's JSON reader and written back with its visits index.

Examples
--------
>>> import sqlite3
>>> from cus_match.store.schema import apply_migrations
>>> conn = sqlite3.connect(":memory:")
>>> _ = apply_migrations(conn, 0)
>>> export_person(conn, "r-00001", None)
{'person': 'r-00001', 'kinds': ['helper', 'resident'], 'rounds': []}
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import attrs

from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.io.json_format import (
    dumps_instance,
    dumps_result,
    instance_digest,
    loads_instance,
    loads_result,
)
from cus_match.model.instance import Instance
from cus_match.plan.result import Result
from cus_match.store import index, people
from cus_match.store.errors import RecordNotFoundError, StoreError
from cus_match.store.records import ErasureReport

__all__ = ["ErasureMode", "erase_person", "export_person", "person_kinds"]

ErasureMode = Literal["pseudonymise", "erase"]


def person_kinds(kind: str | None) -> tuple[people.PersonKind, ...]:
    """The kinds of record to look at: both, or the one named.

    >>> person_kinds(None), person_kinds("helper")
    (('helper', 'resident'), ('helper',))
    """
    if kind is None:
        return (people.HELPER, people.RESIDENT)
    if kind not in (people.HELPER, people.RESIDENT):
        raise InvalidOptionError(f"kind must be 'helper' or 'resident', got {kind!r}")
    return (kind,)


def _needle(text: str) -> str:
    # The id as stored: a JSON string, quotes included (so "h1" does not match "h10").
    return json.dumps(text, ensure_ascii=False)


def _mentioning(conn: sqlite3.Connection, person: str
                ) -> list[tuple[str, str, str, str, str, str | None, str | None]]:
    needle = _needle(person)
    return conn.execute(
        "SELECT id, instance_json, result_json, period_start, period_end, approved_by, "
        "approved_at FROM rounds WHERE instr(instance_json, ?) > 0 OR instr(result_json, ?) > 0 "
        "ORDER BY period_start, period_end, id", (needle, needle)).fetchall()


def export_person(conn: sqlite3.Connection, person: str, kind: str | None) -> dict[str, Any]:
    """Everything the stored rounds hold on ``person`` (see ``HistoryStore.export_person``)."""
    kinds = person_kinds(kind)
    out: list[dict[str, Any]] = []
    for rid, inst_text, res_text, start, end, by, at in _mentioning(conn, person):
        records = people.person_records(json.loads(inst_text), json.loads(res_text), person,
                                        kinds)
        if not records["mentions"]:
            continue  # the id occurs only as another kind's id (e.g. a need's)
        out.append({"round": rid, "period": {"start": start, "end": end},
                    "approved_by": by, "approved_at": at, **records})
    return {"person": person, "kinds": list(kinds), "rounds": out}


def _fresh_id(conn: sqlite3.Connection, prefix: str) -> str:
    while True:
        candidate = f"{prefix}-{secrets.token_hex(6)}"
        needle = _needle(candidate)
        if conn.execute("SELECT 1 FROM rounds WHERE instr(instance_json, ?) > 0 OR "
                        "instr(result_json, ?) > 0", (needle, needle)).fetchone() is None:
            return candidate


def _reread(path: Path, rid: str, inst_doc: dict[str, Any], res_doc: dict[str, Any]
            ) -> tuple[Instance, Result]:
    # Through the project's reader: a reference the rewrite missed fails its cross-checks.
    source = f"{path} round {rid!r} (rewritten)"
    try:
        return (loads_instance(json.dumps(inst_doc), source=source),
                loads_result(json.dumps(res_doc), source=source))
    except InvalidInputError as e:
        raise StoreError(path, f"round {rid!r} would not read back after the rewrite; "
                               f"nothing was changed:\n{e}") from e


def erase_person(conn: sqlite3.Connection, path: Path, person: str, mode: str,
                 kind: str | None) -> ErasureReport:
    """Rewrite every round mentioning ``person`` (see ``HistoryStore.erase_person``).

    Runs inside the caller's write transaction; raises before anything is committed.
    """
    if mode not in ("pseudonymise", "erase"):
        raise InvalidOptionError(f"mode must be 'pseudonymise' or 'erase', got {mode!r}")
    kinds = person_kinds(kind)
    rounds = []
    seen: set[str] = set()
    for rid, inst_text, res_text, *_ in _mentioning(conn, person):
        inst_doc, res_doc = json.loads(inst_text), json.loads(res_text)
        found = {k for _, k in people.mentions(inst_doc, res_doc, person, kinds)}
        if found:
            rounds.append((rid, inst_doc, res_doc))
            seen |= found
    if not rounds:
        raise RecordNotFoundError(path, f"no stored round mentions {person!r}")
    if len(seen) > 1:
        raise StoreError(path, f"{person!r} is a helper id in some records and a resident id "
                               "in others: pass kind='helper' or kind='resident'")
    pseudonym = _fresh_id(conn, "anon") if mode == "pseudonymise" else None
    changed: list[str] = []
    for rid, inst_doc, res_doc in rounds:
        # Pseudonymised: one id across rounds. Erased: a new placeholder per round (unlinkable).
        new = pseudonym or _fresh_id(conn, "erased")
        before = conn.execute("SELECT count(*), coalesce(sum(minutes), 0) FROM visits "
                              "WHERE round_id = ?", (rid,)).fetchone()
        if mode == "erase":
            people.strip_person(inst_doc, person, kinds)
        elif people.HELPER in kinds:
            for h in inst_doc.get("helpers") or []:
                if h.get("id") == person:
                    h["name"] = ""  # a name identifies directly, whatever the id
        people.rename_in_instance(inst_doc, person, new, kinds)
        people.rename_in_result(res_doc, person, new, kinds)
        instance, result = _reread(path, rid, inst_doc, res_doc)
        if result.instance_digest is not None:
            # The plan names the rewritten instance: the pair still belongs together, and no
            # hash of the old personal data stays behind.
            result = attrs.evolve(result, instance_digest=instance_digest(instance))
        rows = index.visit_rows(instance, result)
        if (len(rows), sum(r[6] for r in rows)) != tuple(before):
            raise StoreError(path, f"round {rid!r}: the rewrite changed its visits; "
                                   "nothing was changed")
        conn.execute("UPDATE rounds SET instance_json = ?, result_json = ? WHERE id = ?",
                     (dumps_instance(instance, indent=None), dumps_result(result, indent=None),
                      rid))
        conn.execute("DELETE FROM visits WHERE round_id = ?", (rid,))
        index.insert_visits(conn, rid, rows)
        changed.append(rid)
    conn.execute("INSERT INTO erasures (at, mode, rounds) VALUES (?, ?, ?)",
                 (datetime.now(UTC).isoformat(timespec="microseconds"), mode, len(changed)))
    return ErasureReport(mode=mode, replacement=pseudonym, rounds=tuple(changed))
