"""Where people appear in a round's JSON, and how to export or rewrite every mention (RODO).

Helpers and residents are referred to by id in fixed places of the instance and result
documents, listed in :data:`INSTANCE_REFS` and :data:`RESULT_REFS`. Export (right of access,
RODO art. 15) and pseudonymisation or erasure (art. 17) both walk these lists, so a field added
to the model that names a person must be added here too; the rewritten documents are re-read
by the project's JSON reader, whose cross-checks fail on any reference left behind.

Examples
--------
>>> doc = {"residents": [{"id": "r1", "vetoes": ["h1", "h2"]}], "helpers": [{"id": "h1"}]}
>>> rename_in_instance(doc, "h1", "anon-7", kinds=("helper",))
2
>>> doc["residents"][0]["vetoes"], doc["helpers"][0]["id"]
(['anon-7', 'h2'], 'anon-7')
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cus_match.errors import InvalidInputError, Problem
from cus_match.problem_texts import ProblemCode

if TYPE_CHECKING:
    from cus_match.model.instance import Instance

__all__ = [
    "ERASED_HELPER_FIELDS",
    "ERASED_RESIDENT_FIELDS",
    "HELPER",
    "INSTANCE_REFS",
    "RESIDENT",
    "RESULT_REFS",
    "PersonKind",
    "mentions",
    "person_records",
    "read_names",
    "rename_in_instance",
    "rename_in_result",
    "strip_person",
]

PersonKind = Literal["helper", "resident"]
HELPER: PersonKind = "helper"
RESIDENT: PersonKind = "resident"

#: (list in the instance, key, kind of person named, whether the key holds a list of ids).
INSTANCE_REFS: tuple[tuple[str, str, PersonKind, bool], ...] = (
    ("helpers", "id", HELPER, False),
    ("residents", "vetoes", HELPER, True),
    ("residents", "previous_helpers", HELPER, True),
    ("residents", "accepted_neighbours", HELPER, True),
    ("residents", "id", RESIDENT, False),
    ("needs", "resident", RESIDENT, False),
    ("helpers", "family_of", RESIDENT, True),
    ("helpers", "vetoes_residents", RESIDENT, True),
    ("services", "recipients", RESIDENT, True),
)

#: (list in the result, key, kind, nested list inside each item or ``None``).
RESULT_REFS: tuple[tuple[str, str, PersonKind, str | None], ...] = (
    ("assignments", "helper", HELPER, None),
    ("unmet", "helper", HELPER, "near_misses"),
)

#: A helper's own fields emptied by ``erase`` (identifying or special: names, checks, absences
#: that may be illness, relations). What the round's plan needs to stay coherent is kept.
ERASED_HELPER_FIELDS: dict[str, Any] = {
    "name": "", "credentials": {}, "unavailable": [], "skills": [], "languages": [],
    "qualifications": [], "is_minor": False, "guardian_consent": False, "family_of": [],
    "vetoes_residents": [], "vetoes_categories": [],
}
#: A resident's own fields emptied by ``erase``.
ERASED_RESIDENT_FIELDS: dict[str, Any] = {
    "languages": [], "vetoes": [], "previous_helpers": [], "accepted_neighbours": [],
}


def _items(doc: dict[str, Any], section: str) -> list[dict[str, Any]]:
    items = doc.get(section) or []
    return [x for x in items if isinstance(x, dict)]


def mentions(instance: dict[str, Any], result: dict[str, Any], person: str,
             kinds: tuple[PersonKind, ...] = (HELPER, RESIDENT)) -> Iterator[tuple[str, str]]:
    """Yield ``(path, kind)`` for every place the round's documents name ``person``.

    Examples
    --------
    >>> list(mentions({"needs": [{"id": "n1", "resident": "r1"}]}, {}, "r1"))
    [('instance.needs[0].resident', 'resident')]
    """
    for section, key, kind, many in INSTANCE_REFS:
        if kind not in kinds:
            continue
        for i, item in enumerate(_items(instance, section)):
            value = item.get(key)
            if (many and isinstance(value, list) and person in value) or value == person:
                yield f"instance.{section}[{i}].{key}", kind
    for section, key, kind, nested in RESULT_REFS:
        if kind not in kinds:
            continue
        for i, item in enumerate(_items(result, section)):
            if nested is None:
                if item.get(key) == person:
                    yield f"result.{section}[{i}].{key}", kind
            else:
                for j, sub in enumerate(_items(item, nested)):
                    if sub.get(key) == person:
                        yield f"result.{section}[{i}].{nested}[{j}].{key}", kind


def rename_in_instance(doc: dict[str, Any], old: str, new: str,
                       kinds: tuple[PersonKind, ...] = (HELPER, RESIDENT)) -> int:
    """Replace id ``old`` by ``new`` wherever the instance document names that person.

    Returns the number of replacements. Lists of ids keep their other members.
    """
    n = 0
    for section, key, kind, many in INSTANCE_REFS:
        if kind not in kinds:
            continue
        for item in _items(doc, section):
            value = item.get(key)
            if many and isinstance(value, list):
                if old in value:
                    item[key] = sorted(new if v == old else v for v in value)
                    n += 1
            elif value == old:
                item[key] = new
                n += 1
    return n


def rename_in_result(doc: dict[str, Any], old: str, new: str,
                     kinds: tuple[PersonKind, ...] = (HELPER, RESIDENT)) -> int:
    """Replace id ``old`` by ``new`` wherever the result document names that person."""
    n = 0
    for section, key, kind, nested in RESULT_REFS:
        if kind not in kinds:
            continue
        for item in _items(doc, section):
            targets = [item] if nested is None else _items(item, nested)
            for t in targets:
                if t.get(key) == old:
                    t[key] = new
                    n += 1
    return n


def strip_person(doc: dict[str, Any], person: str,
                 kinds: tuple[PersonKind, ...] = (HELPER, RESIDENT)) -> int:
    """Empty the personal fields of the helper and/or resident ``person`` in an instance.

    Returns the number of entities stripped.
    """
    n = 0
    for kind, section, fields in ((HELPER, "helpers", ERASED_HELPER_FIELDS),
                                  (RESIDENT, "residents", ERASED_RESIDENT_FIELDS)):
        if kind not in kinds:
            continue
        for item in _items(doc, section):
            if item.get("id") == person:
                for key, empty in fields.items():
                    if key in item:
                        item[key] = copy.deepcopy(empty)
                n += 1
    return n


def person_records(instance: dict[str, Any], result: dict[str, Any], person: str,
                   kinds: tuple[PersonKind, ...] = (HELPER, RESIDENT)) -> dict[str, Any]:
    """Everything one round's documents hold on ``person``, as JSON-able data.

    Their own helper and/or resident record, the needs of the resident, every assignment,
    unmet visit, referral and covered visit that concerns them, and the path of every mention
    (including mentions in other people's records, such as a resident's vetoes).

    Examples
    --------
    >>> inst = {"residents": [{"id": "r1"}], "needs": [{"id": "n1", "resident": "r1"}]}
    >>> res = {"assignments": [{"need": "n1", "helper": "h1"}], "unmet": []}
    >>> out = person_records(inst, res, "r1")
    >>> out["resident"], [a["helper"] for a in out["assignments"]]
    ({'id': 'r1'}, ['h1'])
    """
    helper = next((h for h in _items(instance, "helpers") if h.get("id") == person), None) \
        if HELPER in kinds else None
    resident = next((r for r in _items(instance, "residents") if r.get("id") == person),
                    None) if RESIDENT in kinds else None
    needs = [n for n in _items(instance, "needs") if n.get("resident") == person] \
        if resident is not None else []
    own = {n.get("id") for n in needs}
    helps = helper is not None

    def concerns(item: dict[str, Any]) -> bool:
        return item.get("need") in own or (helps and item.get("helper") == person)

    def near(item: dict[str, Any]) -> bool:
        return helps and any(m.get("helper") == person for m in _items(item, "near_misses"))

    return {
        "helper": helper,
        "resident": resident,
        "needs": needs,
        "assignments": [a for a in _items(result, "assignments") if concerns(a)],
        "unmet": [u for u in _items(result, "unmet") if concerns(u) or near(u)],
        "referrals": [r for r in _items(result, "referrals") if concerns(r)],
        "covered": [c for c in _items(result, "covered") if concerns(c)],
        "mentions": [path for path, _ in mentions(instance, result, person, kinds)],
    }


# --- the names file -----------------------------------------------------------------------------

# Headers a names file may start with (folded): id, then name in either language.
_NAME_HEADERS = {"name", "imie i nazwisko", "imie", "nazwa", "nazwisko", "imie nazwisko"}


def read_names(path: str | Path, instance: Instance | None = None) -> dict[str, str]:
    r"""Read a names file: one ``id;name`` (or ``id,name``) per line, for reports and exports.

    Read like the spreadsheets (:func:`cus_match.io.sheets.decode_text`): UTF-8 with or without
    BOM, or Windows-1250 as Polish Excel saves "CSV"; a first line ``id;name`` (or
    ``id;imię i nazwisko``) is a header. Every problem (missing name, bad id, duplicate id, and
    with ``instance`` an id that is no resident of it: most likely a typo) is reported at once
    with its line.

    Parameters
    ----------
    path : str or Path
        The file.
    instance : Instance, optional
        The round the names are for: every id must be one of its residents.

    Returns
    -------
    dict of str to str
        Resident id to name.

    Raises
    ------
    InvalidInputError
        Naming the file and each bad line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "imiona.csv")
    ...     _ = p.write_bytes("id;imię i nazwisko\r\nr-001;Józef Łęcki\r\n".encode("cp1250"))
    ...     read_names(p)
    {'r-001': 'Józef Łęcki'}
    """
    from cus_match.io.cells import fold
    from cus_match.io.sheets import decode_text
    from cus_match.limits import text_problem
    from cus_match.model.validators import check_id

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise InvalidInputError([Problem("", ProblemCode.CANNOT_READ_FILE,
                                         {"errno": e.errno})], source=str(p)) from None
    text = decode_text(raw)
    if text is None:
        raise InvalidInputError([Problem("", ProblemCode.FILE_NOT_TEXT)], source=str(p))
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delim = ";" if ";" in first else ","
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    known = None if instance is None else {r.id for r in instance.residents}
    for no, row in enumerate(csv.reader(lines, delimiter=delim), start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if not seen and not problems and len(row) == 2 and fold(row[0]) in (
                "id", "identyfikator") and fold(row[1]) in _NAME_HEADERS:
            continue
        where = f"line {no}"
        if len(row) != 2:
            problems.append(Problem(where, ProblemCode.NAMES_FIELD_COUNT,
                                    {"delimiter": delim, "count": len(row)}))
            continue
        rid, name = row[0].strip(), row[1].strip()
        try:
            check_id(None, None, rid)
        except ValueError:
            problems.append(Problem(f"{where}.id", ProblemCode.INVALID_ID, {"value": repr(rid)}))
            continue
        if not name:
            problems.append(Problem(f"{where}.name", ProblemCode.NAMES_NO_NAME, {"id": rid}))
        elif found := text_problem(name):
            # Names reach HTML, XLSX and iCalendar files: they obey the instance's text rule.
            problems.append(Problem(f"{where}.name", *found))
        elif rid in seen:
            problems.append(Problem(f"{where}.id", ProblemCode.NAMES_DUPLICATE_ID,
                                    {"id": rid, "line": seen[rid]}))
        elif known is not None and rid not in known:
            problems.append(Problem(rid, ProblemCode.NOT_A_RESIDENT))
        else:
            seen[rid] = no
            out[rid] = name
    if problems:
        raise InvalidInputError(problems, source=str(p))
    return out
