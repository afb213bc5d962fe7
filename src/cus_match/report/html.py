"""Build the report's content from a plan and render it through the HTML template."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from cus_match.clock import iso_week
from cus_match.errors import InvalidOptionError
from cus_match.lang import (
    LANGS,
    check_lang,
    count,
    day_abbr,
    local_name,
    number,
    pick,
    plural,
    short_date,
)
from cus_match.model.instance import Instance
from cus_match.plan.result import Result
from cus_match.reasons import Reason
from cus_match.report.words import CONSTRAINT_LABELS, NOUNS, RULE_DESCRIPTIONS, WORDS

__all__ = ["LANGS", "render_report", "write_report"]

_log = logging.getLogger(__name__)

_MAX_GAPS = 4  # missing supply listed per shortage cell


# Formatting ----------------------------------------------------------------------------------

def _pct(x: float | None, lang: str) -> str:
    return "–" if x is None else f"{number(round(100 * x), lang)}%"


def _cell(v: object, lang: str) -> dict[str, Any]:
    """A table cell as display text, and whether it is a number (right-aligned)."""
    if v is None:
        return {"v": "", "num": False, "list": None}
    if isinstance(v, list):  # several short items: one a line
        return {"v": "", "num": False, "list": [str(x) for x in v]}
    if isinstance(v, bool):
        return {"v": str(v), "num": False, "list": None}
    if isinstance(v, int | float):
        return {"v": number(float(v), lang), "num": True, "list": None}
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

    def resident_heads(self) -> list[str]:
        return [self.w["resident"]] + ([self.w["resident_name"]] if self.names is not None
                                       else [])

    def resident_cols(self, rid: str | None) -> list[object]:
        cols: list[object] = [rid if rid is not None else self.w["group"]]
        if self.names is not None:
            cols.append(self.names.get(rid, "") if rid is not None else "")
        return cols

    # Sections ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        r, m, w, lang = self.result, self.metrics, self.w, self.lang
        rows: list[tuple[str, str]] = [
            (w["status"], w.get(r.status.value, r.status.value)),
            (w["method"], r.method),
            (w["rule"], r.rule),
        ]
        if r.objective is not None:
            rows.append((w["objective"], number(r.objective, lang, 2)))
        if r.bound is not None:
            rows.append((w["bound"], number(r.bound, lang, 2)))
        if r.gap is not None:
            rows.append((w["gap"], f"{number(100 * r.gap, lang, 2)}%"))
        rows.append((w["runtime"], f"{number(r.runtime_seconds, lang, 2)} {w['seconds']}"))
        rows.append((w["assignments"], str(len(r.assignments))))
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
            (w["helper_hours"], number(m.helper_hours, lang), ""),
            (w["covered_n"], str(len(r.covered)), ""),
            (w["referred_n"], str(len(r.referrals)), ""),
        ]
        reasons: Counter[Reason] = Counter(u.main_reason for u in r.unmet
                                           if u.main_reason is not None)
        reason_rows = [(reason.text(lang),
                        pick(CONSTRAINT_LABELS, lang).get(reason.constraint, reason.constraint), n)
                       for reason, n in sorted(reasons.items(),
                                               key=lambda kv: (-kv[1], kv[0].value))]
        return {"rows": rows, "cards": cards,
                "reasons": _table([w["reason"], w["constraint"], w["visits"]], reason_rows,
                                  lang, self.max_rows),
                "text": r.summary(lang)}

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
                                  w["chart_load_x"], w["chart_cap"]) if top else None
        gini = w["gini"].format(g=number(m.load_gini, lang, 2)) if m.load_gini is not None \
            else ""
        top_note = w["top_shown"].format(n=len(top)) if len(items) > len(top) else ""
        return {"table": table, "chart": chart, "gini": gini, "top_note": top_note}

    def map(self) -> dict[str, Any]:
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
        chart = charts.place_map("chart-map", points, w["unmet_hours"], w["chart_share"],
                                  lambda h: number(h, lang)) if points else None
        note = w["missing_coords"].format(n=missing) if missing and points else ""
        return {"chart": chart, "missing_note": note}

    def unmet(self) -> dict[str, Any]:
        from cus_match.analysis.explain import explain

        inst, w, lang = self.inst, self.w, self.lang
        rows = []
        order: list[str] = []
        for u in sorted(self.result.unmet, key=lambda u: (u.date, u.need)):
            n = inst.need(u.need)
            if u.need not in order:
                order.append(u.need)
            near = [f"{self.helper(nm.helper)}: {nm.reason.text(lang)}"
                    for nm in u.near_misses]
            # The most actionable reason (Unmet.main_reason), as explain names it.
            main = next((rc for rc in u.reasons if rc.reason is u.main_reason), None)
            rows.append([short_date(u.date, lang), self.day(u.date), u.need,
                         self.category(n.category), *self.resident_cols(n.resident),
                         self.place(inst.need_place(n)),
                         main.reason.text(lang) if main else "",
                         main.helpers if main else None, near])
        heads = [w["date"], w["day"], w["need"], w["category"], *self.resident_heads(),
                 w["place"], w["main_reason"], w["excluded"], w["near"]]
        explanations = []
        for nid in order[:self.max_explanations]:
            n = inst.need(nid)
            e = explain(inst, self.result, nid, lang, kind="need", compat=self.compat)
            explanations.append({
                "need": nid,
                "head": f"{nid} — {self.category(n.category)}, "
                        f"{self.place(inst.need_place(n))}",
                "text": e.text})
        more = (w["explain_more"].format(n=self.max_explanations, total=len(order))
                if len(order) > self.max_explanations else "")
        return {"table": _table(heads, rows, lang, self.max_rows),
                "explanations": explanations, "explain_more": more}

    def shortage(self) -> dict[str, Any]:
        from cus_match.analysis.diagnosis import shortage

        inst, w, lang = self.inst, self.w, self.lang
        diag = shortage(inst, self.result)
        helper_names = {h.id: h.name or h.id for h in inst.helpers}
        rows = []
        for c in diag.cells:
            missing = "; ".join(g.text(lang, helper_names) for g in c.gaps[:_MAX_GAPS])
            rows.append((self.place(c.place), self.category(c.category),
                         day_abbr(c.weekday.number, lang), w[c.band.value], c.visits, c.hours,
                         c.reasons[0][0].text(lang) if c.reasons else "", missing))
        table = _table([w["place"], w["category"], w["weekday"], w["band"], w["visits"],
                        w["hours"], w["main_reason"], w["missing"]], rows, lang,
                       self.max_rows)
        return {"text": diag.text(lang, max_cells=5), "table": table}

    def plan_tables(self) -> dict[str, Any]:
        from cus_match.report.tables import plan_tables

        tables = {t.key: t for t in plan_tables(self.inst, self.result, lang=self.lang,
                                                names=self.names)}
        out = {key: _table(tables[key].headers, self._constraint_labels(tables[key]), self.lang,
                           self.max_rows)
               for key in ("referrals", "covered")}
        out["schedule"] = self._schedule(tables["helpers"])
        return out

    def _constraint_labels(self, table: Any) -> list[list[object]]:
        """Rows with the practical constraint labels (``subsidiarity``...) translated."""
        rows = [list(r) for r in table.rows]
        labels = pick(CONSTRAINT_LABELS, self.lang)
        if self.w["constraint"] in table.headers:
            k = table.headers.index(self.w["constraint"])
            for r in rows:
                r[k] = labels.get(str(r[k]), r[k])
        return rows

    def _schedule(self, table: Any) -> dict[str, Any]:
        """One table per helper (the plan table's rows, less the helper's id and name)."""
        lang = self.lang
        by_helper: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # cells of mixed types
        for row in table.rows:  # sorted by helper, then time
            by_helper[str(row[0])].append(row[2:])
        minutes_col = 4  # of the rows less the first two columns: date, day, from, to, minutes
        helpers = []
        shown = 0
        for hid in sorted(by_helper):
            if shown >= self.max_rows:
                break
            rows = by_helper[hid]
            n = len(rows)
            hours = sum(float(r[minutes_col] or 0) for r in rows) / 60
            visits = count(n, lang, *pick(NOUNS, lang)["visit"])
            helpers.append({"id": hid, "head": f"{self.helper(hid)} — {visits}, "
                                               f"{number(hours, lang)} h",
                            "table": _table(table.headers[2:], rows, lang,
                                            self.max_rows - shown)})
            shown += min(n, self.max_rows - shown)
        total = len(table.rows)
        return {"helpers": helpers, "more_text": _more(total - shown, lang)
                if total > shown else ""}

    def rule(self) -> dict[str, Any]:
        from cus_match.optimise.rules import get_rule

        try:
            rule = get_rule(self.result.rule)
        except InvalidOptionError:
            return {"name": self.result.rule, "describe": "", "description": ""}
        description = pick(RULE_DESCRIPTIONS, self.lang).get(rule.name, rule.description)
        return {"name": rule.name, "describe": rule.describe(), "description": description}


# Entry points --------------------------------------------------------------------------------

def render_report(instance: Instance, result: Result, *, lang: str = "pl",
                  names: Mapping[str, str] | None = None, previous: Result | None = None,
                  title: str | None = None, max_rows: int = 500,
                  max_explanations: int = 50) -> str:
    """A self-contained HTML report of a plan, for coordinators.

    One file, viewable offline: the styles are inline and the charts (coverage by place and
    kind of help, helpers' load, a schematic map of places with coordinates) are inline SVG;
    no scripts, fonts or network requests. Sections: summary, coverage, load, map, unmet visits
    with explanations, shortage diagnosis, referrals, visits met by formal services, the
    helpers' schedule, and the rule with a note that people approve the plan.

    Every text from the instance (names, labels) is HTML-escaped. Residents appear by their
    pseudonymous id; their names only when ``names`` is given.

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
        Rows shown per table before "... and N more rows".
    max_explanations : int
        Unmet needs explained in full.

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
    >>> "<script" in html
    False
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
    sections = [(key, w[f"sec_{key}"]) for key in (
        "summary", "coverage", "load", "map", "unmet", "shortage", "referrals", "covered",
        "schedule", "rule")]
    ctx = {
        "lang": lang, "w": w, "title": title or w["title"],
        "instance_name": instance.name,
        "period": f"{short_date(period.start, lang)} – {short_date(period.end, lang)}",
        "names_given": names is not None, "sections": sections,
        "summary": b.summary(), "coverage": b.coverage(), "load": b.load(), "map": b.map(),
        "unmet": b.unmet(), "shortage": b.shortage(), "tables": b.plan_tables(),
        "rule": b.rule(),
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
                 max_explanations: int = 50) -> Path:
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
                         title=title, max_rows=max_rows, max_explanations=max_explanations)
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
