"""Build the report's content from a plan and render it through the HTML template.

The page is written for a coordinator who reads it on screen and prints it: long lists are
grouped and collapsed (``<details>``), capped with a count of what is left out (the full lists
are in the workbook, ``cus-match export --xlsx``), and every helper's schedule is a page of its
own when printed. Technical values (method, objective, bound) stay in one collapsed section for
specialists; the summary says in words how good the plan is.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cus_match.errors import InvalidOptionError
from cus_match.lang import (
    LANGS,
    MODE_WORDS,
    check_lang,
    count,
    day_abbr,
    day_date,
    local_name,
    number,
    pick,
    plural,
    short_date,
)
from cus_match.model.instance import Instance
from cus_match.plan.result import Assignment, Result, Status, Unmet
from cus_match.reasons import Reason
from cus_match.report.words import (
    CONSTRAINT_LABELS,
    NOUNS,
    RULE_DESCRIPTIONS,
    WORDS,
    rule_in_words,
)

if TYPE_CHECKING:
    from cus_match.io.geojson import Basemap

__all__ = ["LANGS", "render_report", "write_report"]

_log = logging.getLogger(__name__)

_MAX_GAPS = 2  # missing supply listed per shortage cell
_MAX_SHORTAGE_CELLS = 8  # combinations of place, kind of help, day and time of day shown
_MAX_DATES = 12  # dates written out in a need's line before "and N more"
_TOLERANCE = 1e-9  # relative: an objective this close to its bound is proven best


# Formatting ----------------------------------------------------------------------------------

def _pct(x: float | None, lang: str) -> str:
    return "–" if x is None else f"{number(round(100 * x), lang)}%"


def _num(x: float, lang: str) -> str:
    # Hours and minutes read as 1,5 and 2 (not 2,0) beside each other.
    return number(x, lang, trim=True)


def _cell(v: object, lang: str) -> dict[str, Any]:
    """A table cell as display text, and whether it is a number (right-aligned)."""
    if v is None:
        return {"v": "", "num": False, "list": None}
    if isinstance(v, list):  # several short items: one a line
        return {"v": "", "num": False, "list": [str(x) for x in v]}
    if isinstance(v, bool):
        return {"v": str(v), "num": False, "list": None}
    if isinstance(v, int | float):
        return {"v": _num(float(v), lang), "num": True, "list": None}
    if isinstance(v, datetime):
        return {"v": f"{v:%H:%M}", "num": False, "list": None}
    if isinstance(v, date):
        return {"v": short_date(v, lang), "num": False, "list": None}
    if isinstance(v, time):
        return {"v": f"{v:%H:%M}", "num": False, "list": None}
    return {"v": str(v), "num": False, "list": None}


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], lang: str,
           max_rows: int) -> dict[str, Any]:
    shown = [[_cell(v, lang) for v in r] for r in rows[:max_rows]]
    more = max(0, len(rows) - max_rows)
    return {"headers": list(headers), "rows": shown, "more": more,
            "more_text": _more(more, lang) if more else ""}


def _more(n: int, lang: str) -> str:
    rows = plural(n, lang, *pick(NOUNS, lang)["row"])
    return pick(WORDS, lang)["more_rows"].format(n=n, rows=rows)


def _hhmm(t: time) -> str:
    # 9:00, not 09:00: how a schedule on paper writes it.
    return f"{t.hour}:{t.minute:02d}"


def _day_range(start: date, end: date, lang: str) -> str:
    """``23–29.03.2026`` / ``2026-03-23 – 2026-03-29``: a week or a period in few characters."""
    if lang == "pl":
        if start.year == end.year and start.month == end.month:
            return f"{start:%d}–{end:%d.%m.%Y}"
        if start.year == end.year:
            return f"{start:%d.%m}–{end:%d.%m.%Y}"
    return f"{short_date(start, lang)} – {short_date(end, lang)}"


def _up_to_tenth(pct: float) -> float:
    """A percentage rounded up to a tenth: "at most" must never understate the distance."""
    return math.ceil(pct * 10 - 1e-6) / 10


# Content -------------------------------------------------------------------------------------

class _Build:
    """Everything the template shows, computed once from the instance and the plan."""

    def __init__(self, inst: Instance, result: Result, lang: str,
                 names: Mapping[str, str] | None, previous: Result | None,
                 max_rows: int, max_explanations: int) -> None:
        from cus_match.analysis.metrics import compute_metrics
        from cus_match.compat import build_compat

        self.inst, self.result, self.lang, self.names = inst, result, lang, names
        self.max_rows, self.max_explanations = max_rows, max_explanations
        self.w = pick(WORDS, lang)
        self.nouns = pick(NOUNS, lang)
        self.tz = ZoneInfo(inst.policy.timezone)
        self.compat = build_compat(inst)
        # Blocking pairs are a research metric, and the costliest: the report does not need it.
        self.metrics = compute_metrics(inst, result, previous, compat=self.compat,
                                       blocking=False)

    # Labels --------------------------------------------------------------------------------
    def place(self, pid: str) -> str:
        p = self.inst.place(pid)
        return p.name or p.id

    def category(self, cid: str) -> str:
        return local_name(self.inst.category(cid), self.lang)

    def helper(self, hid: str) -> str:
        name = self.inst.helper(hid).name
        return f"{name} ({hid})" if name else hid

    def day(self, d: date) -> str:
        return day_abbr(d.weekday(), self.lang)

    def who(self, rid: str | None) -> str:
        """The resident as the report may show them: the id, and the name when given."""
        if rid is None:
            return self.w["group"]
        name = self.names.get(rid) if self.names is not None else None
        return f"{name} ({rid})" if name else rid

    def wall(self, dt: datetime) -> time:
        return dt.astimezone(self.tz).time().replace(tzinfo=None)

    def visits(self, n: int) -> str:
        return count(n, self.lang, *self.nouns["visit"])

    def hours(self, h: float) -> str:
        return f"{_num(h, self.lang)} h"

    def resident_heads(self) -> list[str]:
        return [self.w["resident"]] + ([self.w["resident_name"]] if self.names is not None
                                       else [])

    def resident_cols(self, rid: str | None) -> list[object]:
        cols: list[object] = [rid if rid is not None else self.w["group"]]
        if self.names is not None:
            cols.append(self.names.get(rid, "") if rid is not None else "")
        return cols

    # Sections ------------------------------------------------------------------------------
    def quality(self) -> str:
        """How good the plan is, in words: proven best, at most N % below it, or unknown."""
        r, w, lang = self.result, self.w, self.lang
        if r.status in (Status.PARTIAL, Status.INFEASIBLE, Status.NO_SOLUTION):
            return w[r.status.value]
        if r.status is Status.OPTIMAL:
            return w["quality_optimal"]
        if r.objective is not None and r.bound is not None:
            scale = max(abs(r.bound), 1e-9)
            below = max(0.0, r.bound - r.objective) / scale
            if below <= _TOLERANCE:
                return w["quality_optimal"]
            pct = _up_to_tenth(100 * below)
            return w["quality_gap"].format(pct=f"{number(pct, lang, trim=True)}%")
        return w["quality_unknown"]

    def summary(self) -> dict[str, Any]:
        r, m, w, lang = self.result, self.metrics, self.w, self.lang
        rows: list[tuple[str, str]] = []
        if m.min_place_share is not None:
            worst = min((c.share, self.place(pid)) for pid, c in m.by_place.items()
                        if c.share is not None)
            rows.append((w["worst_place"], f"{worst[1]} ({_pct(worst[0], lang)})"))
        if m.previous_pairs is not None:
            rows.append((w["previous"], f"{m.previous_pairs_kept} {w['of']} "
                                        f"{m.previous_pairs}"))
        if r.changes is not None:
            rows.append((w["changes"], str(r.changes)))
        if r.dropped_pins:
            rows.append((w["dropped"], str(len(r.dropped_pins))))
        helpers_used = len({a.helper for a in r.assignments})
        cards = [
            (w["visits_met"], str(m.visits_met), "ok"),
            (w["visits_unmet"], str(len(r.unmet)), "bad" if r.unmet else "ok"),
            (w["visits_share"], _pct(m.visits_share, lang), ""),
            (w["helpers_used"], str(helpers_used), ""),
            (w["helper_hours"], _num(m.helper_hours, lang), ""),
            (w["covered_n"], str(len(r.covered)), ""),
            (w["referred_n"], str(len(r.referrals)), ""),
        ]
        reasons: Counter[Reason] = Counter(u.main_reason for u in r.unmet
                                           if u.main_reason is not None)
        reason_rows = [(reason.text(lang),
                        pick(CONSTRAINT_LABELS, lang).get(reason.constraint, reason.constraint), n)
                       for reason, n in sorted(reasons.items(),
                                               key=lambda kv: (-kv[1], kv[0].value))]
        return {"rows": rows, "cards": cards, "quality": self.quality(),
                "status": w.get(r.status.value, r.status.value),
                "reasons": _table([w["reason"], w["constraint"], w["visits"]], reason_rows,
                                  lang, self.max_rows)}

    def technical(self, rule: dict[str, Any]) -> list[tuple[str, str]]:
        """The solver's own values, for the collapsed section for specialists."""
        r, w, lang = self.result, self.w, self.lang
        rows: list[tuple[str, str]] = [(w["status"], w.get(r.status.value, r.status.value)),
                                       (w["status_code"], r.status.value),
                                       (w["method"], r.method), (w["rule"], r.rule)]
        if rule["describe"]:
            rows.append((w["rule_formula"], rule["describe"]))
        if r.objective is not None:
            rows.append((w["objective"], number(r.objective, lang, 2)))
        if r.bound is not None:
            rows.append((w["bound"], number(r.bound, lang, 2)))
        if r.gap is not None:
            rows.append((w["gap"], f"{number(100 * r.gap, lang, 2)}%"))
        rows.append((w["runtime"], f"{number(r.runtime_seconds, lang, 2)} {w['seconds']}"))
        rows.append((w["seed"], str(r.seed)))
        rows.append((w["assignments"], str(len(r.assignments))))
        return rows

    def coverage(self) -> dict[str, Any]:
        from cus_match.report import charts

        m, w, lang = self.metrics, self.w, self.lang
        out: dict[str, Any] = {}
        for key, groups, label, head, title in (
                ("place", m.by_place, self.place, w["place"], w["chart_place"]),
                ("category", m.by_category, self.category, w["category"],
                 w["chart_category"])):
            # Worst served first: where a coordinator looks first.
            items = sorted(((label(k), c) for k, c in groups.items()),
                           key=lambda kc: (kc[1].share if kc[1].share is not None else 2.0,
                                           kc[0]))
            rows = [(name, c.visits, c.met, _pct(c.share, lang), c.hours, c.hours_met)
                    for name, c in items]
            out[key] = _table([head, w["visits"], w["met"], w["share"], w["hours"],
                               w["hours_met"]], rows, lang, self.max_rows)
            top = items[:charts.MAX_BARS]
            out[f"{key}_chart"] = charts.share_bars(
                f"chart-{key}", [n for n, _ in top], [c.share for _, c in top],
                [f"{c.met}/{c.visits}" for _, c in top], w["chart_share"]) if top else None
            out[f"{key}_title"] = title
        return out

    def load(self) -> dict[str, Any]:
        from cus_match.clock import iso_week
        from cus_match.report import charts

        m, w, lang, inst = self.metrics, self.w, self.lang, self.inst
        weekly: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
        visits: Counter[str] = Counter()
        for a in self.result.assignments:
            weekly[a.helper][iso_week(a.date)] += a.minutes
            visits[a.helper] += 1
        items = []
        for hid, hours in m.load_hours.items():
            busiest = max(weekly[hid].values(), default=0) / 60
            cap = inst.helper(hid).effective_weekly_minutes / 60
            items.append((hid, hours, busiest, cap))
        items.sort(key=lambda x: (-x[2], -x[1], x[0]))
        rows = [(inst.helper(hid).name, hid, visits[hid], hours, busiest, cap,
                 round(m.travel_by_helper.get(hid, 0.0)))
                for hid, hours, busiest, cap in items]
        table = _table([w["helper"], w["helper_id"], w["visits"], w["period_hours"],
                        w["week_hours"], w["cap"], w["travel"]], rows, lang, self.max_rows)
        top = items[:charts.MAX_BARS]
        chart = charts.load_bars("chart-load", [self.helper(h) for h, *_ in top],
                                  [b for _, _, b, _ in top], [c for *_, c in top],
                                  w["chart_load_x"], w["chart_cap"],
                                  lambda x: _num(x, lang)) if top else None
        gini = w["gini"].format(g=number(m.load_gini, lang, 2)) if m.load_gini is not None \
            else ""
        top_note = w["top_shown"].format(n=len(top)) if len(items) > len(top) else ""
        return {"table": table, "chart": chart, "gini": gini, "top_note": top_note}

    def map(self, basemap: Basemap | None) -> dict[str, Any]:
        from cus_match.report import charts

        m, w, lang = self.metrics, self.w, self.lang
        points = []
        missing = 0
        for p in sorted(self.inst.places, key=lambda p: p.id):
            if p.lat is None or p.lon is None:
                missing += 1
                continue
            c = m.by_place.get(p.id)
            unmet = (c.hours - c.hours_met) if c is not None else 0.0
            points.append((p.name or p.id, p.lat, p.lon, unmet, c.share if c else None))
        lines = basemap.lines if basemap is not None else ()
        areas = basemap.areas if basemap is not None else ()
        chart = charts.place_map("chart-map", points, w["unmet_hours"], w["chart_share"],
                                  lambda h: _num(h, lang), lines=lines, areas=areas,
                                  km_text=lambda km: w["km"].format(n=_num(km, lang))) \
            if points else None
        note = w["missing_coords"].format(n=missing) if missing and points else ""
        if basemap is None:
            base = w["map_no_base"]
        else:
            base = w["map_base"].format(source=basemap.source, lines=len(basemap.lines),
                                        areas=len(basemap.areas))
            if basemap.points:
                base += " " + w["map_points"].format(n=basemap.points)
        return {"chart": chart, "missing_note": note, "base_note": base}

    def unmet(self) -> dict[str, Any]:
        """Unmet visits grouped by need: one collapsed line each, with dates and reasons."""
        inst, w, lang = self.inst, self.w, self.lang
        by_need: dict[str, list[Unmet]] = defaultdict(list)
        for u in self.result.unmet:
            by_need[u.need].append(u)
        # Required first, then higher priority, more visits, earlier: what to act on first.
        order = sorted(by_need, key=lambda nid: (
            not inst.need(nid).required, -inst.need(nid).priority, -len(by_need[nid]),
            min(u.date for u in by_need[nid]), nid))
        groups = []
        for nid in order[:self.max_explanations]:
            groups.append(self._need_group(nid, sorted(by_need[nid], key=lambda u: u.date)))
        left = order[self.max_explanations:]
        left_visits = sum(len(by_need[nid]) for nid in left)
        more = w["unmet_more"].format(
            visits=self.visits(left_visits),
            needs=count(len(left), lang, *self.nouns["need"])) if left else ""
        total = len(self.result.unmet)
        lead = w["unmet_lead"].format(visits=self.visits(total),
                                      needs=count(len(order), lang, *self.nouns["need"])) \
            if total else ""
        return {"groups": groups, "more": more, "lead": lead}

    def _need_group(self, nid: str, unmet: list[Unmet]) -> dict[str, Any]:
        inst, w, lang = self.inst, self.w, self.lang
        n = inst.need(nid)
        dates = [day_date(u.date, lang) for u in unmet]
        shown = ", ".join(dates[:_MAX_DATES])
        if len(dates) > _MAX_DATES:
            shown += " " + w["dates_more"].format(n=len(dates) - _MAX_DATES)
        # The main reason is the plan's own pick (Unmet.main_reason), visit by visit. A reason's
        # count is the most helpers it excluded on one date: the dates of a weekly need share
        # their helpers, so a sum would count the same people again.
        mains: dict[Reason, list[date]] = defaultdict(list)
        excluded: dict[Reason, int] = {}
        for u in unmet:
            if u.main_reason is None:
                continue
            mains[u.main_reason].append(u.date)
            for rc in u.reasons:
                excluded[rc.reason] = max(excluded.get(rc.reason, 0), rc.helpers)
        main_rows = [
            {"text": reason.text(lang),
             "visits": self.visits(len(ds)),
             "helpers": count(excluded.get(reason, 0), lang, *self.nouns["helper"])}
            for reason, ds in sorted(mains.items(), key=lambda kv: (-len(kv[1]), kv[0].value))]
        others = sorted({rc.reason for u in unmet for rc in u.reasons} - set(mains),
                        key=lambda r: (-excluded.get(r, 0), r.value))
        other_rows = [f"{r.text(lang)} ({count(excluded[r], lang, *self.nouns['helper'])})"
                      for r in others]
        near: dict[tuple[str, Reason], int] = Counter()
        for u in unmet:
            for nm in u.near_misses:
                near[(nm.helper, nm.reason)] += 1
        near_rows = [f"{self.helper(h)}: {reason.text(lang)}"
                     + (f" ({self.visits(k)})" if len(unmet) > 1 else "")
                     for (h, reason), k in sorted(near.items(),
                                                  key=lambda kv: (-kv[1], kv[0][0],
                                                                  kv[0][1].value))]
        first = max(mains.items(), key=lambda kv: (len(kv[1]), kv[0].value))[0] if mains \
            else None
        tags = []
        if n.required:
            tags.append(w["required_need"])
        tags.append(w["priority_n"].format(p=n.priority))
        return {
            "need": nid, "category": self.category(n.category), "who": self.who(n.resident),
            "place": self.place(inst.need_place(n)), "count": self.visits(len(unmet)),
            "main": first.text(lang) if first else "", "tags": ", ".join(tags),
            "dates": shown, "mains": main_rows, "others": other_rows, "near": near_rows,
            "explain": w["explain_cmd"].format(need=nid),
        }

    def shortage(self) -> dict[str, Any]:
        from cus_match.analysis.diagnosis import shortage

        inst, w, lang = self.inst, self.w, self.lang
        diag = shortage(inst, self.result)
        helper_names = {h.id: h.name or h.id for h in inst.helpers}
        rows = []
        for c in diag.cells[:_MAX_SHORTAGE_CELLS]:
            missing = "; ".join(g.text(lang, helper_names) for g in c.gaps[:_MAX_GAPS])
            rows.append((self.place(c.place), self.category(c.category),
                         day_abbr(c.weekday.number, lang), w[c.band.value], c.visits, c.hours,
                         c.reasons[0][0].text(lang) if c.reasons else "", missing))
        table = _table([w["place"], w["category"], w["weekday"], w["band"], w["visits"],
                        w["hours"], w["main_reason"], w["missing"]], rows, lang, len(rows))
        left = diag.cells[_MAX_SHORTAGE_CELLS:]
        more = w["shortage_more"].format(
            visits=self.visits(sum(c.visits for c in left)),
            cells=len(left)) if left else ""
        return {"table": table, "more": more}

    def plan_tables(self) -> dict[str, Any]:
        from cus_match.report.tables import plan_tables

        tables = {t.key: t for t in plan_tables(self.inst, self.result, lang=self.lang,
                                                names=self.names)}
        return {key: _table(tables[key].headers, self._constraint_labels(tables[key]),
                            self.lang, self.max_rows)
                for key in ("referrals", "covered")}

    def _constraint_labels(self, table: Any) -> list[list[object]]:
        """Rows with the practical constraint labels (``subsidiarity``...) translated."""
        rows = [list(r) for r in table.rows]
        labels = pick(CONSTRAINT_LABELS, self.lang)
        if self.w["constraint"] in table.headers:
            k = table.headers.index(self.w["constraint"])
            for r in rows:
                r[k] = labels.get(str(r[k]), r[k])
        return rows

    def _by_helper(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = defaultdict(list)
        for a in sorted(self.result.assignments, key=lambda a: (a.helper, a.start, a.need)):
            out[a.helper].append(a)
        return out

    def _helper_order(self, by_helper: Mapping[str, list[Assignment]]) -> list[str]:
        # By name as a coordinator looks one up (ids break ties and stand in for no name).
        return sorted(by_helper, key=lambda h: ((self.inst.helper(h).name or h).casefold(), h))

    def week_grid(self) -> list[dict[str, Any]]:
        """One grid per calendar week of the period: helpers x days, visits as times."""
        w, lang = self.w, self.lang
        by_helper = self._by_helper()
        order = self._helper_order(by_helper)
        period = self.inst.policy.period
        monday = period.start - timedelta(days=period.start.weekday())
        weeks = []
        while monday <= period.end:
            days = [monday + timedelta(days=k) for k in range(7)]
            rows = []
            for hid in order:
                cells: list[list[dict[str, str]]] = [[] for _ in days]
                minutes = 0
                for a in by_helper[hid]:
                    k = (a.date - monday).days
                    if 0 <= k < 7:
                        n = self.inst.need(a.need)
                        cells[k].append({
                            "time": f"{_hhmm(self.wall(a.start))}–{_hhmm(self.wall(a.end))}",
                            "what": f"{self.category(n.category)} — "
                                    f"{self.place(self.inst.need_place(n))}"})
                        minutes += a.minutes
                if minutes:
                    rows.append({"id": hid, "helper": self.helper(hid), "cells": cells,
                                 "hours": _num(minutes / 60, lang)})
            more = len(rows) - self.max_rows
            weeks.append({
                "title": w["week_of"].format(days=_day_range(days[0], days[-1], lang)),
                "days": [{"label": day_date(d, lang),
                          "out": not (period.start <= d <= period.end)} for d in days],
                "rows": rows[:self.max_rows], "more": _more(more, lang) if more > 0 else ""})
            monday += timedelta(days=7)
        return weeks

    def helper_pages(self) -> dict[str, Any]:
        """Each helper's visits: collapsed on screen, one printed page per helper."""
        w, lang, inst = self.w, self.lang, self.inst
        modes = pick(MODE_WORDS, lang)
        by_helper = self._by_helper()
        order = self._helper_order(by_helper)
        heads = [w["date"], w["day"], w["from"], w["to"], w["category"], *self.resident_heads(),
                 w["place"], w["travel"], w["mode"]]
        pages = []
        for hid in order[:self.max_rows]:
            visits = by_helper[hid]
            rows = []
            for a in visits:
                n = inst.need(a.need)
                rows.append([a.date, self.day(a.date), _hhmm(self.wall(a.start)),
                             _hhmm(self.wall(a.end)), self.category(n.category),
                             *self.resident_cols(n.resident),
                             self.place(inst.need_place(n)), round(a.travel_minutes),
                             modes.get(a.mode, a.mode)])
            hours = sum(a.minutes for a in visits) / 60
            pages.append({"id": hid, "name": self.helper(hid),
                          "total": f"{self.visits(len(visits))}, {self.hours(hours)}",
                          "table": _table(heads, rows, lang, len(rows))})
        left = order[self.max_rows:]
        more = w["pages_more"].format(
            n=count(len(left), lang, *self.nouns["helper"])) if left else ""
        return {"pages": pages, "more": more}

    def rule(self) -> dict[str, Any]:
        from cus_match.optimise.rules import rule_as_optimised

        try:
            rule = rule_as_optimised(self.result)  # the stages optimised, not the name's
        except InvalidOptionError:
            return {"name": self.result.rule, "describe": "", "description": ""}
        description = pick(RULE_DESCRIPTIONS, self.lang).get(rule.name, rule.description)
        # In words, not the formula of Rule.describe(): people read it (issue 13).
        return {"name": rule.name, "describe": rule_in_words(rule, self.lang),
                "description": description}


# Entry points --------------------------------------------------------------------------------

# The helpers' schedules come last: printed, they are the pages handed to each helper.
_SECTIONS = ("summary", "coverage", "load", "map", "unmet", "shortage", "referrals", "covered",
             "rule", "week", "schedule")


def render_report(instance: Instance, result: Result, *, lang: str = "pl",
                  names: Mapping[str, str] | None = None, previous: Result | None = None,
                  title: str | None = None, max_rows: int = 500,
                  max_explanations: int = 20, basemap: Basemap | None = None) -> str:
    """A self-contained HTML report of a plan, for coordinators, to read and to print.

    One file, viewable offline: the styles are inline and the charts (coverage by place and
    kind of help, helpers' load, a map of places, over an optional base layer) are inline SVG;
    no scripts, fonts or network requests. Sections: summary (with the plan's quality in
    words; the solver's values collapsed, for specialists), coverage, load, map, unmet visits
    grouped by need, shortage diagnosis, referrals, visits met by formal services, the rule
    with a note that people approve the plan, the week grid (helpers x days) and every
    helper's schedule — collapsed on screen, one page each when printed.

    Every text from the instance (names, labels) is HTML-escaped. Residents appear by their
    pseudonymous id; their names only when ``names`` is given (and the page then says so).

    Parameters
    ----------
    instance : Instance
        The instance the plan was made for.
    result : Result
        The plan.
    lang : {"pl", "en"}
        Language of the report.
    names : mapping of str to str, optional
        Resident id to name (kept outside the instance); adds a name column.
    previous : Result, optional
        The previous round's plan: the summary tells how many helper-need pairs are kept.
    title : str, optional
        The page title (default: "Proposed help plan" in the chosen language).
    max_rows : int
        Rows shown per table before "... and N more rows"; also the most helper pages.
    max_explanations : int
        Needs with unmet visits listed (each collapsed, with its dates, reasons and near
        misses); the rest are counted in visits.
    basemap : Basemap, optional
        Roads or boundaries drawn under the map's points
        (:func:`cus_match.io.geojson.read_basemap`).

    Returns
    -------
    str
        The HTML document. The same input gives the same text.

    Raises
    ------
    InvalidInputError
        When the result names needs, helpers or services the instance lacks.
    InvalidOptionError
        For an unknown language or a negative limit.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> html = render_report(inst, solve(inst, method="greedy"), lang="en")
    >>> html.startswith("<!DOCTYPE html>"), '<h2 id="summary">Summary</h2>' in html
    (True, True)
    >>> "<script" in html, "break-before: page" in html
    (False, True)
    """
    from cus_match.plan.references import check_result

    check_lang(lang)
    if max_rows < 0 or max_explanations < 0:
        raise InvalidOptionError("max_rows and max_explanations must be >= 0")
    check_result(instance, result)
    if previous is not None:
        previous = _known_part(instance, previous)
    b = _Build(instance, result, lang, names, previous, max_rows, max_explanations)
    w = pick(WORDS, lang)
    period = instance.policy.period
    sections = [(key, w[f"sec_{key}"]) for key in _SECTIONS]
    rule = b.rule()
    ctx = {
        "lang": lang, "w": w, "title": title or w["title"],
        "instance_name": instance.name,
        "period": _day_range(period.start, period.end, lang),
        "privacy": w["privacy_names"] if names is not None else w["privacy"],
        "sections": sections,
        "summary": b.summary(), "technical": b.technical(rule), "coverage": b.coverage(),
        "load": b.load(), "map": b.map(basemap), "unmet": b.unmet(), "shortage": b.shortage(),
        "tables": b.plan_tables(), "weeks": b.week_grid(), "schedule": b.helper_pages(),
        "covered_text": w["covered_open"].format(visits=b.visits(len(result.covered))),
        "rule": rule,
    }
    _log.debug("report %s: %d assignments, %d unmet, %d referrals", lang,
               len(result.assignments), len(result.unmet), len(result.referrals))
    return _render("report.html.j2", ctx)


def _known_part(instance: Instance, previous: Result) -> Result:
    """The previous plan's assignments whose need is still in the instance.

    Needs come and go between rounds; continuity is measured over those still asked for (as
    :func:`cus_match.analysis.metrics.compute_metrics` defines it). Their helpers must still be
    known.
    """
    import attrs

    known = {n.id for n in instance.needs}
    return attrs.evolve(previous, assignments=[a for a in previous.assignments
                                               if a.need in known])


def write_report(instance: Instance, result: Result, path: str | Path, *, lang: str = "pl",
                 names: Mapping[str, str] | None = None, previous: Result | None = None,
                 title: str | None = None, max_rows: int = 500,
                 max_explanations: int = 20, basemap: Basemap | None = None) -> Path:
    """Write :func:`render_report`'s HTML to ``path`` (UTF-8); return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_report(inst, solve(inst, method="greedy"), pathlib.Path(d, "plan.html"))
    ...     "Podsumowanie" in p.read_text(encoding="utf-8")
    True
    """
    html = render_report(instance, result, lang=lang, names=names, previous=previous,
                         title=title, max_rows=max_rows, max_explanations=max_explanations,
                         basemap=basemap)
    out = Path(path)
    out.write_text(html, encoding="utf-8")
    return out


def _render(template: str, ctx: dict[str, Any]) -> str:
    try:
        import jinja2
        from markupsafe import Markup
    except ImportError as e:  # pragma: no cover - jinja2 is in the report extra
        raise InvalidOptionError("reports need jinja2 and matplotlib: "
                                 "pip install 'cus-match[report]'") from e
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cus_match.report", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # Our own SVG (matplotlib escapes the labels in it) is the only markup not escaped.
    for key, sub in (("coverage", "place_chart"), ("coverage", "category_chart"),
                     ("load", "chart"), ("map", "chart")):
        if ctx[key][sub] is not None:
            ctx[key][sub] = Markup(ctx[key][sub])
    return env.get_template(template).render(**ctx)
