"""The HTML report: sections in both languages, escaping, privacy, determinism (no browser)."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

import attrs
import pytest

from builders import PERIOD, helper, instance, need
from cus_match.cli.main import main
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import demo_instance, generate
from cus_match.io.json_format import dump_instance, dump_result
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Credentials,
    FormalService,
    Place,
    Policy,
    Recurrence,
    TravelEdge,
    WeeklyWindow,
)
from cus_match.optimise.rules import rule_as_optimised
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.report import render_report, write_report
from cus_match.report.words import rule_in_words

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
EVIL_HELPER = '<img src=x onerror="alert(2)" id="x" style="url(#y)">Anna'
EVIL_CAT = "Zakupy <b>& co</b>"
EVIL_PROVIDER = "</td></tr></table><script>alert(3)</script>"
NAMES = {"r1": "Jan <i>Kowalski</i>", "r2": "Ewa Nowak-Zielińska"}

SECTIONS = {
    "en": ["Summary", "Coverage by place and kind of help", "Helpers&#39; load",
           "Map of places", "Unmet visits and why", "Shortage diagnosis",
           "Referred to formal services", "Visits met by formal services",
           "Matching rule and approval", "Week by week", "Helpers&#39; schedule"],
    "pl": ["Podsumowanie", "Pokrycie potrzeb według miejsc i rodzajów pomocy",
           "Obciążenie pomagających", "Mapa miejscowości", "Wizyty bez pomocy i dlaczego",
           "Diagnoza niedoborów", "Skierowania do usług formalnych",
           "Wizyty objęte usługami formalnymi", "Zasada doboru i zatwierdzenie planu",
           "Tydzień po tygodniu", "Harmonogram pomagających"],
}


def _categories():
    out = []
    for c in DEFAULT_CATEGORIES:
        if c.id == "shopping":
            c = attrs.evolve(c, name_pl=EVIL_CAT, name_en=EVIL_CAT)
        out.append(c)
    return out


@pytest.fixture(scope="module")
def evil():
    """Markup in every free-text field the report shows; every section has rows."""
    no_child_checks = Credentials(bhp_briefed_on="2026-01-10")
    inst = instance(
        [helper("h1", home="b", name=EVIL_HELPER,
                agreement=Agreement("2026-01-01", written=True, categories=["shopping", "walk"])),
         helper("h2", name=XSS, credentials=no_child_checks, vetoes_categories=["shopping"])],
        [need("n1"),
         need("n2", category="homework_help", resident="r2"),  # h2 lacks child checks: unmet
         need("n3", category="psychotherapy"),  # referred
         need("n4", resident="r2", recurrence=Recurrence.once("2026-03-25")),  # covered
         need("g1", resident=None, place="a", category="walk",
              recurrence=Recurrence.once("2026-03-29"))],
        policy=Policy(period=PERIOD, categories=_categories()),
        places=[Place("a", XSS, lat=49.483, lon=22.066),
                Place("b", "Nowotaniec $x^2$", lat=49.442, lon=22.118)],
        services=[FormalService("care-1", provider=EVIL_PROVIDER, category="personal_care",
                                recipients=["r2"], covers=["shopping"],
                                schedule=[WeeklyWindow("wed", "08:00", "13:00")])],
        name="Gmina <script>x</script>",
    )
    result = solve(inst, method="greedy")
    assert check(inst, result) == []
    assert [u.need for u in result.unmet] == ["n2"]
    assert [r.need for r in result.referrals] == ["n3"]
    assert [c.need for c in result.covered] == ["n4"]
    assert {a.need for a in result.assignments} >= {"n1", "g1"}
    return inst, result


class _Tags(HTMLParser):
    """Start tags and attributes as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if d.get("id"):
            self.ids.append(d["id"])


def _tags(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


# Sections ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_section_has_its_heading_in_the_language(evil, lang):
    inst, result = evil
    html = render_report(inst, result, lang=lang)
    headings = re.findall(r'<h2 id="[a-z]+">(.*?)</h2>', html)
    assert headings == SECTIONS[lang]
    other = "pl" if lang == "en" else "en"
    assert not any(f">{h}<" in html for h in SECTIONS[other])
    assert f'<html lang="{lang}">' in html


def test_polish_report_speaks_polish(evil):
    inst, result = evil
    html = render_report(inst, result, lang="pl")
    assert "Plan jest propozycją" in html
    assert "brak sprawdzenia w RSPS lub informacji z KRK" in html  # reasons.py's Polish text
    assert ">wt<" in html  # lang's Polish day names (24.03.2026 is a Tuesday)
    assert "24.03.2026" in html
    assert "pomocniczość" in html  # the referral's constraint label, translated
    assert "subsidiarity" not in html
    assert "Zasada doboru: pokrycie potrzeb" in html


@pytest.mark.parametrize(("lang", "constraint", "rule", "feasible"), [
    ("en", "Constraint", "Rule", "meets every constraint"),
    ("pl", "Wymóg", "Reguła", "spełnia wszystkie wymogi"),
])
def test_a_constraint_is_not_called_a_rule(evil, lang, constraint, rule, feasible):
    inst, result = evil
    html = render_report(inst, result, lang=lang)
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert constraint in heads  # the column of H1... labels (reasons, referrals)
    assert rule in heads  # the summary row of what the plan optimised
    assert feasible in html
    assert "hard rule" not in html
    assert "tward" not in html


def test_summary_counts_match_the_plan(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en")
    met = len({(a.need, a.date) for a in result.assignments})
    assert f'<span class="n">{met}</span><span class="l">Visits met</span>' in html
    assert f'<span class="n">{len(result.unmet)}</span><span class="l">Visits unmet' in html
    assert f"<th scope=\"row\">Assignments (helper visits)</th><td>{len(result.assignments)}" \
        in html


def test_unmet_visit_is_explained_with_reasons_and_near_misses(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en")
    unmet = html[html.index('id="unmet"'):html.index('id="shortage"')]
    group = unmet[unmet.index('<details class="need" id="unmet-n2">'):]
    group = group[:group.index("</details>")]
    summary = group[:group.index("</summary>")]
    # One collapsed line: the need, its kind, who, where, how many visits and the main reason.
    assert "<strong>n2</strong> · Homework help · r2 · place: " in summary
    u = result.unmet[0]
    assert f"1 visit; {u.main_reason.text('en')}" in summary  # the plan's own main reason
    assert "lacks the child-protection checks" in group  # the other reason, inside
    assert "Tue 24.03" in group  # its date, as lang writes a day
    main = next(rc for rc in u.reasons if rc.reason == u.main_reason)
    helpers = "1 helper" if main.helpers == 1 else f"{main.helpers} helpers"
    assert f"excluded: {helpers}" in group
    for nm in u.near_misses:  # whom the coordinator could unblock, with the one thing
        assert f"({nm.helper}): {nm.reason.text('en')}" in group
    assert "cus-match explain INSTANCE.json PLAN.json n2" in group


def test_charts_and_map_are_inline_svg_without_external_resources(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en")
    for key in ("chart-place", "chart-category", "chart-load", "chart-map"):
        assert f'aria-label="{key}"' in html
    tags = _tags(html)
    assert sum(1 for t, _ in tags.tags if t == "svg") == 4
    # Offline: nothing to fetch (the colour bar is an inline PNG). URLs appear only as XML
    # namespaces.
    for _tag, attrs_ in tags.tags:
        for name, value in attrs_.items():
            if name in ("src", "srcset", "action", "data") or (
                    name.endswith("href") and value
                    and not value.startswith(("#", "data:image/png;base64,"))):
                pytest.fail(f"external reference {name}={value!r}")
    assert all(u in ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                     "http://www.w3.org/2000/svg\"", "http://www.w3.org/1999/xlink\"")
               for u in re.findall(r"https?://[^\s\"'<>]+", html))
    assert "<link" not in html
    assert "@import" not in html
    assert "url(http" not in html
    assert "default-src 'none'" in html  # and the page forbids it anyway


def test_ids_are_unique_across_the_document(evil):
    inst, result = evil
    ids = _tags(render_report(inst, result, lang="pl")).ids
    assert len(ids) == len(set(ids)) > 10


# Escaping and privacy ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "pl"])
def test_text_from_the_instance_is_escaped(evil, lang):
    inst, result = evil
    html = render_report(inst, result, lang=lang, names=NAMES, title="Plan <script>")
    assert "<script" not in html.lower()
    assert XSS_ESCAPED in html  # the place and helper named <script>...
    assert "<img" not in html
    assert "&lt;img src=x onerror=" in html
    assert "<b>& co</b>" not in html
    assert "Zakupy &lt;b&gt;&amp; co&lt;/b&gt;" in html
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in html  # the provider cannot break tables
    assert "Jan &lt;i&gt;Kowalski&lt;/i&gt;" in html
    assert "Plan &lt;script&gt;" in html
    assert "Gmina &lt;script&gt;x&lt;/script&gt;" in html
    tags = {t for t, _ in _tags(html).tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "b", "i"}
    assert not any(name.startswith("on") for _, a in _tags(html).tags for name in a)


def test_labels_in_charts_are_escaped_text_left_as_written(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en")
    load = html[html.index('aria-label="chart-load"'):]
    load = load[:load.index("</svg>")]
    # Escaped, and not taken for the chart's own ids (which get the chart's prefix).
    assert '&lt;img src=x onerror="alert(2)" id="x" style="url(#y)"&gt;Anna (h1)' in load
    assert 'id="chart-load-' in load


def test_dollar_signs_in_labels_are_not_tex(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en")
    map_svg = html[html.index('aria-label="chart-map"'):]
    assert "Nowotaniec $x^2$" in map_svg  # as written, not typeset


def test_residents_names_appear_only_when_given(evil):
    inst, result = evil
    without = render_report(inst, result, lang="pl")
    assert "Kowalski" not in without
    assert "Ewa Nowak" not in without
    assert "r1" in without
    assert "r2" in without
    assert "imiona i nazwiska" not in without
    assert without.count("wyłącznie pod identyfikatorami") == 2  # the notice and the footer
    with_names = render_report(inst, result, lang="pl", names=NAMES)
    assert "Ewa Nowak-Zielińska" in with_names
    # The privacy line tells the truth: names are shown, so it no longer says ids only.
    assert "Raport pokazuje imiona i nazwiska mieszkańców" in with_names
    assert "nie udostępniaj go" in with_names
    assert "wyłącznie pod identyfikatorami" not in with_names
    assert "<th scope=\"col\">Mieszkaniec</th>" in with_names


def test_no_special_category_fields_reach_the_page(evil):
    inst, result = evil
    html = render_report(inst, result, lang="en", names=NAMES)
    # Dates of criminal-record and child-protection checks stay in the instance.
    for field in ("rsps", "krk_presented", "2026-01-10", "vetoes", "family_of"):
        assert field not in html


def test_logs_carry_counts_only(evil, caplog):
    inst, result = evil
    with caplog.at_level(logging.DEBUG, logger="cus_match.report"):
        render_report(inst, result, lang="en", names=NAMES)
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "assignments" in text
    assert "Kowalski" not in text
    assert "Ewa" not in text
    assert "script" not in text


# Determinism ---------------------------------------------------------------------------------

def test_same_input_same_bytes(evil):
    inst, result = evil
    a = render_report(inst, result, lang="pl", names=NAMES)
    b = render_report(inst, result, lang="pl", names=NAMES)
    assert a == b
    assert "dc:date" not in a
    assert "<metadata" not in a
    assert "Created with" not in a


# Edge cases ----------------------------------------------------------------------------------

def test_empty_result_renders_every_section_with_none():
    inst = instance([helper("h1")], [need("n1")])
    empty = Result(status="no_solution", method="cpsat", rule="fifo")
    html = render_report(inst, empty, lang="pl")
    assert re.findall(r'<h2 id="[a-z]+">(.*?)</h2>', html) == SECTIONS["pl"]
    assert "W tym okresie nie ma wizyt do zaplanowania." in html
    assert "nie znaleziono planu w zadanym czasie" in html
    assert html.count('<p class="none">Brak.</p>') >= 4
    # No visits: no coverage charts; helpers and places are still drawn, all at zero.
    assert 'aria-label="chart-place"' not in html
    assert 'aria-label="chart-category"' not in html
    assert 'aria-label="chart-load"' in html
    assert 'aria-label="chart-map"' in html


def test_instance_without_coordinates_has_no_map():
    edges = [TravelEdge("a", "b", {"walk": 40, "car": 8})]
    inst = instance([helper("h1")], [need("n1")], travel_edges=edges,
                    places=[Place("a", "Bukowsko"), Place("b", "Nowotaniec")])
    html = render_report(inst, solve(inst, method="greedy"), lang="en")
    assert "No place has coordinates: no map." in html
    assert 'aria-label="chart-map"' not in html
    # Some with coordinates: those are drawn, the others counted.
    inst = attrs.evolve(inst, places=[Place("a", "Bukowsko", lat=49.483, lon=22.066),
                                      Place("b", "Nowotaniec")])
    html = render_report(inst, solve(inst, method="greedy"), lang="pl")
    assert 'aria-label="chart-map"' in html
    assert "Pominięto miejsca bez współrzędnych: 1." in html


def test_demo_instance_report():
    inst = demo_instance()
    result = solve(inst, method="greedy")
    html = render_report(inst, result, lang="pl")
    assert "Gmina Bukowsko (synthetic demo)" in html
    assert f"<td>{len(result.assignments)}</td>" in html
    for u in result.unmet[:3]:
        assert f'<details class="need" id="unmet-{u.need}">' in html
    assert html.count("<svg") == 4
    schedule = html[html.index('id="schedule"'):]
    for hid in {a.helper for a in result.assignments}:
        assert f'id="helper-{hid}"' in schedule


def test_custom_rule_and_previous_plan_are_reported(evil):
    inst, result = evil
    # A result from before rule stages were recorded: the name alone says nothing.
    custom = attrs.evolve(result, rule="my-weights", rule_stages=())
    html = render_report(inst, custom, lang="en", previous=result)
    assert "a custom rule" in html
    # With its stages recorded, a custom rule is described as optimised, in words.
    recorded = attrs.evolve(result, rule="my-weights")
    told = render_report(inst, recorded, lang="en")
    assert rule_in_words(rule_as_optimised(recorded), "en") in told
    assert "maximise" not in told  # the formula of Rule.describe is for the API, not people
    pairs = len({(a.need, a.helper) for a in result.assignments})
    assert f"Helper–need pairs kept from the previous plan</th><td>{pairs} of {pairs}" in html


def test_long_lists_are_grouped_capped_and_counted_in_visits():
    inst = generate("rural", seed=3)
    result = solve(inst, method="greedy")
    by_need: dict[str, int] = {}
    for u in result.unmet:
        by_need[u.need] = by_need.get(u.need, 0) + 1
    assert len(by_need) > 3
    assert max(by_need.values()) > 1  # a need unmet on several dates
    html = render_report(inst, result, lang="pl", max_rows=2, max_explanations=3)
    assert "… i jeszcze" in html
    assert "(pełne zestawienia: cus-match export --xlsx)" in html
    shown = re.findall(r'<details class="need" id="unmet-([^"]+)">', html)
    assert len(shown) == 3
    # What is left out is counted in visits, not in lines of text.
    left = len(result.unmet) - sum(by_need[n] for n in shown)
    visits = {1: "wizyta"}.get(left, "wizyty" if left % 10 in (2, 3, 4)
                               and left % 100 not in (12, 13, 14) else "wizyt")
    needs = len(by_need) - 3
    assert (f"… i jeszcze {left} {visits} bez pomocy ({needs} potrzeb" in html), left
    assert "arkusz „Wizyty bez pomocy”" in html
    # The week grid is capped too; the helpers' pages by the number of helpers.
    week = html[html.index('id="week"'):html.index('id="schedule"')]
    assert week.count("<tbody>") == 2  # two calendar weeks in the period
    assert len(re.findall(r'<tr><th scope="row">', week)) == 4
    assert html.count('<details class="helper-page"') == 2
    assert "… i jeszcze " in html[html.index('id="schedule"'):]
    # A weekly need is one line with its dates, however many weeks it is unmet.
    for nid in shown:
        assert html.count(f'id="unmet-{nid}"') == 1


def test_plan_quality_is_told_in_words_and_the_solver_values_kept_for_specialists(evil):
    inst, result = evil
    best = attrs.evolve(result, status="optimal", objective=10.0, bound=10.0)
    near = attrs.evolve(result, status="feasible", objective=9.7, bound=10.0)
    bare = attrs.evolve(result, status="feasible", objective=9.7, bound=None)
    for plan, words in ((best, "to najlepszy możliwy plan według przyjętej zasady doboru "
                               "(udowodnione)"),
                        (near, "ten plan jest najwyżej o 3% słabszy od najlepszego możliwego"),
                        (bare, "nie wiadomo, jak blisko najlepszego możliwego jest ten plan")):
        html = render_report(inst, plan, lang="pl")
        main, tech = html.split('<details class="tech"', 1)
        tech = tech[:tech.index("</details>")]
        assert f"<strong>Jakość planu:</strong> {words}" in main
        for jargon in ("Metoda", "Wartość celu", "Najlepsze udowodnione ograniczenie",
                       "ocena", "2026-W"):
            assert jargon not in main, jargon
        assert "Dla specjalistów" in tech
        assert "<th scope=\"row\">Metoda</th><td>greedy</td>" in tech
        # The rule stage by stage, for whoever wants it: in words, not a formula.
        assert rule_in_words(rule_as_optimised(plan), "pl") in tech
        assert "maximise" not in tech
    # "At most": never rounded down.
    html = render_report(inst, attrs.evolve(near, objective=9.6999), lang="en")
    assert "this plan is at most 3.1% below the best possible" in html


def test_week_grid_and_helper_pages(evil):
    inst, result = evil
    html = render_report(inst, result, lang="pl")
    week = html[html.index('id="week"'):html.index('id="schedule"')]
    assert "Tydzień 23–29.03.2026" in week
    assert "2026-W" not in html
    assert "<th scope=\"col\">wt 24.03</th>" in week
    pages = html[html.index('id="schedule"'):]
    helpers = sorted({a.helper for a in result.assignments})
    assert pages.count('<details class="helper-page"') == len(helpers)
    for hid in helpers:
        assert f'<a href="#helper-{hid}">' in week
        assert f'id="helper-{hid}"' in pages
    # Printed, each helper's schedule starts a page and prints open.
    assert "details.helper-page { break-before: page; }" in html
    assert "details.helper-page::details-content { content-visibility: visible;" in html
    assert "@media print" in html


def test_bad_options_and_foreign_results_raise(evil):
    inst, result = evil
    with pytest.raises(InvalidOptionError, match="lang"):
        render_report(inst, result, lang="de")
    with pytest.raises(InvalidOptionError, match="max_rows"):
        render_report(inst, result, max_rows=-1)
    other = generate("tiny", seed=1)
    with pytest.raises(InvalidInputError, match="unknown"):
        render_report(other, result)


def test_write_report_writes_utf8(evil, tmp_path):
    inst, result = evil
    p = write_report(inst, result, tmp_path / "plan.html", lang="pl")
    assert p.read_text(encoding="utf-8") == render_report(inst, result, lang="pl")


# CLI -----------------------------------------------------------------------------------------

def test_cli_report_with_names(evil, tmp_path, capsys):
    inst, result = evil
    dump_instance(inst, tmp_path / "gmina.json")
    dump_result(result, tmp_path / "plan.json")
    names = tmp_path / "names.csv"
    names.write_text("id;name\nr1;Jan Kowalski\n", encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "gmina.json"), str(tmp_path / "plan.json"),
                 "-o", str(out), "--lang", "pl", "--names", str(names)]) == 0
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "Podsumowanie" in html
    assert "Jan Kowalski" in html
    assert main(["--lang", "en", "report", str(tmp_path / "gmina.json"),
                 str(tmp_path / "plan.json"), "-o", str(out)]) == 0
    assert "Summary" in out.read_text(encoding="utf-8")


def test_cli_report_rejects_names_of_unknown_residents(evil, tmp_path, capsys):
    inst, result = evil
    dump_instance(inst, tmp_path / "gmina.json")
    dump_result(result, tmp_path / "plan.json")
    names = tmp_path / "names.csv"
    names.write_text("r9;Nobody\n", encoding="utf-8")
    assert main(["report", str(tmp_path / "gmina.json"), str(tmp_path / "plan.json"),
                 "-o", str(tmp_path / "r.html"), "--names", str(names)]) == 1
    assert "r9" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


# The plain-text plan (cus-match solve) -------------------------------------------------------

def test_text_plan_cuts_no_word_and_needs_no_locative():
    from cus_match.report.text import format_plan

    inst = generate("rural", seed=3)
    text = format_plan(inst, solve(inst, method="greedy"), lang="pl", max_rows=400)
    assert "grupa w " not in text  # "w" would need the locative of every place's name
    groups = [ln for ln in text.splitlines() if "grupa: " in ln]
    assert groups
    assert any("grupa: Szkoła Podstawowa (Bukowsko)" in ln for ln in groups)
    names = {p.name for p in inst.places} | {c.name_pl for c in inst.policy.categories}
    for line in text.splitlines():
        for cut in re.findall(r"(\S+)…", line):  # a shortened name ends at a whole word
            assert any(re.search(re.escape(cut) + r"(?!\w)", name) for name in names), \
                (cut, line)


def test_polish_numbers_take_a_decimal_comma_everywhere_even_in_charts():
    inst = instance([helper("h1", weekly_hours_cap=1.5)],
                    [need("n1", duration_minutes=45), need("n2", duration_minutes=50,
                                                           recurrence=Recurrence.once(
                                                               "2026-03-25"))])
    result = solve(inst, method="greedy")
    html = render_report(inst, result, lang="pl")
    text = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", text)
    page_text = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
    page_text = re.sub(r"<[^>]+>", " ", page_text)
    for t in (*svg_text, page_text):
        points = [x for x in re.findall(r"(?<![\d.])\d+\.\d+(?![\d.])", t)
                  if not re.fullmatch(r"\d\d\.\d\d", x)]  # 24.03 is a day, not a number
        assert not points, (points, t[:200])
    assert re.search(r"\b\d+,\d+\b", page_text)  # 0,8 h and the like, with a comma
    assert not re.search(r"\b\d+,0 h\b", page_text)  # 2 h, not 2,0 h


def test_the_shortage_diagnosis_appears_once_as_a_table(evil):
    from cus_match.analysis.diagnosis import shortage

    inst, result = evil
    html = render_report(inst, result, lang="pl")
    assert "<pre" not in html  # no terminal dump anywhere
    diag = shortage(inst, result)
    assert diag.text("pl", max_cells=5).splitlines()[0] not in html
    section = html[html.index('id="shortage"'):html.index('id="referrals"')]
    assert section.count("<table") == 1
    assert "cus-match diagnose --what-if" in section
    rows = re.findall(r"<tr>.*?</tr>", section, flags=re.S)
    assert len(rows) == 1 + len(diag.cells)  # the header and one row a cell
