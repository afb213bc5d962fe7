"""A plan as plain text for a terminal: visits by day, unmet needs with reasons, referrals.

Residents appear by their pseudonymous id only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from cus_match.lang import MODE_WORDS, day_abbr, local_name, pick
from cus_match.model.instance import Instance
from cus_match.plan.result import Assignment, Result

__all__ = ["format_plan"]

_T = {
    "en": {
        "plan": "Proposed visits (to approve)", "unmet": "Unmet visits and why",
        "ref": "Referred to formal services", "cov": "Already met by formal services",
        "helpers_excluded": "helpers", "group": "group — place:", "none": "  (none)",
        "more": "  ... and {n} more", "near": "would fit but",
    },
    "pl": {
        "plan": "Proponowane wizyty (do zatwierdzenia)", "unmet": "Wizyty bez pomocy i dlaczego",
        "ref": "Skierowane do usług formalnych", "cov": "Objęte usługami formalnymi",
        "helpers_excluded": "pomagających", "group": "grupa — miejsce:", "none": "  (brak)",
        "more": "  ... i {n} więcej", "near": "pasuje, ale",
    },
}


def _day(d: date, lang: str) -> str:
    # Day names from lang: strftime's %a follows the process locale, not the report's language.
    return f"{day_abbr(d.weekday(), lang):<3} {d:%d.%m}"


def _who(inst: Instance, need_id: str, lang: str) -> str:
    n = inst.need(need_id)
    place = inst.place(inst.need_place(n))
    if n.resident is None:
        return f"{_T[lang]['group']} {place.name or place.id}"
    return f"{n.resident} ({place.name or place.id})"


def _fit(text: str, width: int) -> str:
    """``text`` in a column of ``width``: padded, or cut at a word's end with an ellipsis.

    A name cut inside a word (``Szkoła Podstawowa (B``) reads as a different word.

    >>> _fit("grupa — miejsce: Szkoła Podstawowa (Bukowsko)", 28)
    'grupa — miejsce: Szkoła…    '
    >>> _fit("Zakupy", 10)
    'Zakupy    '
    """
    if len(text) <= width:
        return text.ljust(width)
    cut = text[:width - 1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return (cut.rstrip(" —–-:,(") + "…").ljust(width)


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
    rows = []
    for (need_id, _d, _s), team in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        a = team[0]
        helpers = ", ".join(
            f"{inst.helper(x.helper).name or x.helper} [{modes[x.mode]} {x.travel_minutes:.0f}']"
            for x in team)
        rows.append(f"  {_day(a.start, lang)} {a.start:%H:%M}-{a.end:%H:%M}  "
                    f"{_fit(_category(inst, inst.need(need_id).category, lang), 28)} "
                    f"{_fit(_who(inst, need_id, lang), 48)} <- {helpers}")
    lines += _cap(rows, max_rows, t)
    lines += ["", t["unmet"]]
    rows = []
    for u in result.unmet:
        n = inst.need(u.need)
        why = "; ".join(f"{rc.reason.text(lang)} ({rc.helpers} {t['helpers_excluded']})"
                        for rc in u.reasons[:2])
        rows.append(f"  {_day(u.date, lang)}  {_fit(_category(inst, n.category, lang), 28)} "
                    f"{_fit(_who(inst, u.need, lang), 48)} {why}")
        for nm in u.near_misses:
            h = inst.helper(nm.helper)
            rows.append(f"      {t['near']}: {h.name or h.id} — {nm.reason.text(lang)}")
    lines += _cap(rows, max_rows, t)
    lines += ["", t["ref"]]
    rows = [f"  {r.need}  {_fit(_category(inst, inst.need(r.need).category, lang), 28)} "
            f"{r.reason.text(lang)}" for r in result.referrals]
    lines += _cap(rows, max_rows, t)
    if result.covered:
        lines += ["", t["cov"]]
        rows = [f"  {_day(c.date, lang)}  {c.need} <- {c.service}" for c in result.covered]
        lines += _cap(rows, max_rows, t)
    return "\n".join(lines)


def _cap(rows: list[str], n: int, t: dict[str, str]) -> list[str]:
    if not rows:
        return [t["none"]]
    return rows[:n] + ([t["more"].format(n=len(rows) - n)] if len(rows) > n else [])
