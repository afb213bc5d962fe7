"""A plan as iCalendar files: one calendar per helper, one event per visit.

Each helper gets a ``.ics`` file they can import into a phone or desktop calendar. Events are
in the instance's time zone (``Europe/Warsaw`` by default, with its ``VTIMEZONE``), so they stay
right across the clock changes. An event's summary names the kind of help and the resident's
pseudonymous id, or the name from a names file the coordinator gives (never health data); its
location is the place's name, and each calendar is named after its helper (the name stored in
the instance, else the id).

UIDs are deterministic: the same visit (instance name, need, date, helper) always gets the same
UID, so importing a revised plan updates events instead of duplicating them.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> result = solve(inst, method="greedy")
>>> cals = helper_calendars(inst, result)
>>> sorted(cals) == sorted({a.helper for a in result.assignments})
True
>>> b"BEGIN:VEVENT" in next(iter(cals.values()))
True
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from cus_match.errors import InvalidOptionError
from cus_match.lang import MODE_WORDS, check_lang, local_name, pick
from cus_match.model.instance import Instance
from cus_match.plan.references import check_result
from cus_match.plan.result import Assignment, Result

if TYPE_CHECKING:  # icalendar is an optional extra: imported where used
    import icalendar

__all__ = ["event_uid", "helper_calendars", "ics_filename", "ics_filenames", "write_ics"]

_PRODID = "-//cus-match//plan//EN"
# Namespace of the UIDs: any fixed UUID works; this one is uuid5(NAMESPACE_DNS, "cus-match").
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "cus-match")

_T = {
    "en": {"group": "group at", "note": "Proposed by cus-match, to be approved by the "
                                        "coordinator.", "need": "Need", "travel": "Travel",
           "cal": "Visits of"},
    "pl": {"group": "grupa w", "note": "Propozycja cus-match do zatwierdzenia przez "
                                      "koordynatora.", "need": "Potrzeba", "travel": "Dojazd",
           "cal": "Wizyty:"},
}


def event_uid(instance_name: str, a: Assignment) -> str:
    """The deterministic UID of the event of assignment ``a``.

    Examples
    --------
    >>> from cus_match.plan.result import Assignment
    >>> a = Assignment("n1", "2026-03-24", "h1", "2026-03-24T09:00:00+01:00",
    ...                "2026-03-24T10:00:00+01:00", 5.0, "walk")
    >>> event_uid("gmina", a) == event_uid("gmina", a), event_uid("gmina", a).endswith("@cus-match")
    (True, True)
    """
    key = "\x1f".join((instance_name, a.need, a.date.isoformat(), a.helper))
    return f"{uuid.uuid5(_NAMESPACE, key)}@cus-match"


#: Names Windows reserves for devices, with any extension ("CON.ics" too).
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})


def ics_filename(helper_id: str, *, mark_case: bool = False) -> str:
    """A file name for the helper's calendar, safe on every system and distinct per id.

    Ids may hold ``/`` and ``:``; they are percent-encoded (ids never contain ``%``, so two ids
    never share a file name). A name Windows reserves for a device (``CON``, ``NUL``,
    ``COM1``, ...) gets a leading ``_``, which no id has. With ``mark_case``, each capital is
    written as ``!`` and the small letter, so ids differing only by case get names that differ
    on a case-insensitive disk (Windows, macOS); :func:`ics_filenames` marks only such ids.

    >>> ics_filename("h1"), ics_filename("team/a:1"), ics_filename("CON"), ics_filename("lpt1.x")
    ('h1.ics', 'team%2Fa%3A1.ics', '_CON.ics', '_lpt1.x.ics')
    >>> ics_filename("Anna", mark_case=True)
    '!anna.ics'
    """
    stem = "".join(f"!{c.lower()}" if mark_case and c.isupper() else c for c in helper_id)
    stem = quote(stem, safe="!")
    if stem.split(".", 1)[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem + ".ics"


def ics_filenames(helper_ids: Iterable[str]) -> dict[str, str]:
    """File names for the calendars of ``helper_ids``, distinct even ignoring case.

    >>> ics_filenames(["anna", "Anna", "h1"])
    {'anna': 'anna.ics', 'Anna': '!anna.ics', 'h1': 'h1.ics'}
    """
    ids = list(helper_ids)
    plain = Counter(ics_filename(h).casefold() for h in ids)
    return {h: ics_filename(h, mark_case=plain[ics_filename(h).casefold()] > 1) for h in ids}


def helper_calendars(inst: Instance, result: Result, *, lang: str = "en",
                     stamp: datetime | None = None,
                     names: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """One iCalendar document per helper with visits, keyed by helper id (sorted).

    Parameters
    ----------
    inst : Instance
        The instance the result belongs to.
    result : Result
        The plan.
    lang : {"en", "pl"}
        Language of summaries and descriptions.
    stamp : datetime, optional
        The events' ``DTSTAMP`` (when the calendar was made). Default: midnight UTC of the
        planning period's first day, so the same plan gives the same bytes.
    names : mapping, optional
        Residents' names by id (a names file the coordinator supplies): the events then say
        whom to visit by name. Without it they carry the pseudonymous id only.

    Returns
    -------
    dict of str to bytes
        Helper id to the calendar's ``.ics`` bytes.

    Raises
    ------
    InvalidInputError
        When the result names needs or helpers the instance lacks.
    """
    import icalendar

    t = pick(_T, lang)
    check_result(inst, result)
    tz = ZoneInfo(inst.policy.timezone)
    if stamp is None:
        stamp = datetime.combine(inst.policy.period.start, time(0, 0), tzinfo=UTC)
    elif stamp.tzinfo is None:
        raise InvalidOptionError("stamp must be an aware datetime (with a time zone)")
    by_helper: dict[str, list[Assignment]] = defaultdict(list)
    for a in result.assignments:
        by_helper[a.helper].append(a)
    out: dict[str, bytes] = {}
    for hid in sorted(by_helper):
        h = inst.helper(hid)
        cal = icalendar.Calendar()
        cal.add("prodid", _PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", f"{t['cal']} {h.name or hid}")
        cal.add("x-wr-timezone", inst.policy.timezone)
        for a in sorted(by_helper[hid], key=lambda a: (a.start, a.need)):
            cal.add_component(_event(inst, a, t, lang, tz, stamp, names or {}))
        cal.add_missing_timezones()
        out[hid] = cal.to_ical()
    return out


def _event(inst: Instance, a: Assignment, t: dict[str, str], lang: str, tz: ZoneInfo,
           stamp: datetime, names: Mapping[str, str]) -> icalendar.Event:
    import icalendar

    need = inst.need(a.need)
    cat = inst.category(need.category)
    label = local_name(cat, lang)
    place = inst.place(inst.need_place(need))
    where = place.name or place.id
    who = (names.get(need.resident, need.resident) if need.resident is not None
           else f"{t['group']} {where}")
    ev = icalendar.Event()
    ev.add("uid", event_uid(inst.name, a))
    ev.add("dtstamp", stamp.astimezone(UTC))
    ev.add("dtstart", a.start.astimezone(tz))
    ev.add("dtend", a.end.astimezone(tz))
    # Category and pseudonymous id only, unless the coordinator gave names: a calendar syncs
    # to phones and clouds.
    ev.add("summary", f"{label}: {who}")
    ev.add("location", where)
    mode = pick(MODE_WORDS, lang)[a.mode]
    ev.add("description", f"{t['need']}: {a.need}. {t['travel']}: "
                          f"{mode}, {a.travel_minutes:.0f} min. {t['note']}")
    ev.add("categories", [label])
    ev.add("status", "TENTATIVE")
    ev.add("transp", "OPAQUE")
    return ev


def write_ics(inst: Instance, result: Result, folder: str | Path, *, lang: str = "en",
              stamp: datetime | None = None,
              names: Mapping[str, str] | None = None) -> list[Path]:
    """Write one ``.ics`` file per helper with visits into ``folder`` (created if missing).

    Parameters
    ----------
    inst, result
        The instance and its plan.
    folder : str or Path
        Where to write; files are named by :func:`ics_filename`.
    lang : {"en", "pl"}
        Language of summaries and descriptions.
    stamp, names : optional
        See :func:`helper_calendars`.

    Returns
    -------
    list of Path
        The files written, by helper id.

    Examples
    --------
    >>> import tempfile
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_ics(inst, solve(inst, method="greedy"), d)
    >>> all(p.suffix == ".ics" for p in paths)
    True
    """
    check_lang(lang)  # before the folder is made
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    calendars = helper_calendars(inst, result, lang=lang, stamp=stamp, names=names)
    files = ics_filenames(calendars)
    for hid, data in calendars.items():
        p = out / files[hid]
        p.write_bytes(data)
        paths.append(p)
    return paths
