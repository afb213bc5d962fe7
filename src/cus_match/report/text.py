"""A plan as plain text for a terminal: visits by day, unmet needs with reasons, referrals.

Residents appear by their pseudonymous id only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from cus_match.lang import MODE_WORDS, count, day_abbr, local_name, pick, plural
from cus_match.model.instance import Instance
from cus_match.plan.result import Assignment, Result

__all__ = ["format_plan"]

_T = {
    "en": {
        "plan": "Proposed visits (to approve)", "unmet": "Unmet visits and why",
        "ref": "Referred to formal services", "cov": "Already met by formal services",
        "excluded": "excludes {n}", "group": "group: {place}", "none": "  (none)",
        "more": "  ... and {n} more {noun}", "near": "would fit but",
    },
    "pl": {
        "plan": "Proponowane wizyty (do zatwierdzenia)", "unmet": "Wizyty bez pomocy i dlaczego",
        "ref": "Skierowane do usług formalnych", "cov": "Objęte usługami formalnymi",
        "excluded": "wyklucza {n}", "group": "grupa: {place}", "none": "  (brak)",
        "more": "  ... i jeszcze {n} {noun}", "near": "pasuje, ale",
    },
}


# Helpers counted after "excludes": Polish in the accusative of "osoba", which fits a man and
# a woman alike (the files do not say which a helper is).
_PEOPLE = {"en": ("helper", "helpers"), "pl": ("osobę", "osoby", "osób")}
# What a section lists, counted after "... and N more".
_COUNTED: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"visit": ("visit", "visits"), "need": ("need", "needs")},
    "pl": {"visit": ("wizyta", "wizyty", "wizyt"), "need": ("potrzeba", "potrzeby", "potrzeb")}}
# Width of the category and the who columns ("grupa: Szkoła Podstawowa (Wola Sękowa)" fits whole).
_COLUMN, _WHO = 28, 40


def _fit(text: str, width: int = _COLUMN) -> str:
    """``text`` padded to ``width``, or cut at a word's end with an ellipsis (never mid-word).

    A name cut inside a word (``Szkoła Podstawowa (B``) reads as a different word.

    >>> _fit("grupa: Szkoła Podstawowa (Bukowsko)", 28)
    'grupa: Szkoła Podstawowa…   '
    >>> _fit("Zakupy", 10)
    'Zakupy    '
    """
    if len(text) <= width:
        return text.ljust(width)
    cut = text[:width - 1]
    if " " in cut and text[width - 1] != " ":
        cut = cut[:cut.rindex(" ")]
    return (cut.rstrip(" ,(") + "…").ljust(width)


def _day(d: date, lang: str) -> str:
    # Day names from lang: strftime's %a follows the process locale, not the report's language.
    return f"{day_abbr(d.weekday(), lang):<3} {d:%d.%m}"


def _who(inst: Instance, need_id: str, lang: str) -> str:
    n = inst.need(need_id)
    place = inst.place(inst.need_place(n))
    if n.resident is None:
        # "grupa: Szkoła Podstawowa" keeps the place's name as it is, in any case.
        return _T[lang]["group"].format(place=place.name or place.id)
    return f"{n.resident} ({place.name or place.id})"


def _category(inst: Instance, cat_id: str, lang: str) -> str:
    return local_name(inst.category(cat_id), lang)


def format_plan(inst: Instance, result: Result, *, lang: str = "en",
                max_rows: int = 60) -> str:
    """Render ``result`` for a coordinator.

    Parameters
    ----------
    inst : Instance
        The instance the result belongs to.
    result : Result
        The plan.
    lang : {"en", "pl"}
        Language.
    max_rows : int
        Rows shown per section before "... and N more".

    Returns
    -------
    str
        The summary, then the proposed visits by time, the unmet visits with their reasons,
        the referrals and the visits met by formal services.

    Raises
    ------
    InvalidOptionError
        For a language other than ``en`` or ``pl``.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> text = format_plan(inst, solve(inst, method="greedy"), lang="pl")
    >>> "Proponowane wizyty (do zatwierdzenia)" in text
    True
    """
    t = pick(_T, lang)
    modes = pick(MODE_WORDS, lang)
    lines = [result.summary(lang), "", t["plan"]]
    groups: dict[tuple[str, date, str], list[Assignment]] = defaultdict(list)
    for a in result.assignments:
        groups[(a.need, a.date, a.start.isoformat())].append(a)
    rows: list[list[str]] = []
    for (need_id, _d, _s), team in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        a = team[0]
        helpers = ", ".join(
            f"{inst.helper(x.helper).name or x.helper} [{modes[x.mode]} {x.travel_minutes:.0f}']"
            for x in team)
        rows.append([f"  {_day(a.start, lang)} {a.start:%H:%M}-{a.end:%H:%M}  "
                     f"{_fit(_category(inst, inst.need(need_id).category, lang))} "
                     f"{_fit(_who(inst, need_id, lang), _WHO)} <- {helpers}"])
    lines += _cap(rows, max_rows, t, "visit", lang)
    lines += ["", t["unmet"]]
    rows = []
    for u in result.unmet:
        n = inst.need(u.need)
        why = "; ".join(f"{rc.reason.text(lang)} ("
                        + t["excluded"].format(n=count(rc.helpers, lang, *pick(_PEOPLE, lang)))
                        + ")" for rc in u.reasons[:2])
        # A visit and its near misses are one entry: "... and N more" counts visits, not lines.
        rows.append([f"  {_day(u.date, lang)}  {_fit(_category(inst, n.category, lang))} "
                     f"{_fit(_who(inst, u.need, lang), _WHO)} {why}"]
                    + [f"      {t['near']}: {inst.helper(nm.helper).name or nm.helper} — "
                       f"{nm.reason.text(lang)}" for nm in u.near_misses])
    lines += _cap(rows, max_rows, t, "visit", lang)
    lines += ["", t["ref"]]
    rows = [[f"  {r.need}  {_fit(_category(inst, inst.need(r.need).category, lang))} "
             f"{r.reason.text(lang)}"] for r in result.referrals]
    lines += _cap(rows, max_rows, t, "need", lang)
    if result.covered:
        lines += ["", t["cov"]]
        rows = [[f"  {_day(c.date, lang)}  {c.need} <- {c.service}"] for c in result.covered]
        lines += _cap(rows, max_rows, t, "visit", lang)
    return "\n".join(lines)


def _cap(entries: list[list[str]], n: int, t: dict[str, str], noun: str, lang: str
         ) -> list[str]:
    if not entries:
        return [t["none"]]
    lines = [line for entry in entries[:n] for line in entry]
    rest = len(entries) - n
    if rest > 0:
        lines.append(t["more"].format(n=rest, noun=plural(rest, lang,
                                                          *pick(_COUNTED, lang)[noun])))
    return lines
