"""Languages: one home for words, every ``lang=`` checked, every word table complete.

The guards here read the renderings' modules themselves: a new public function taking ``lang``
that is not listed (and so not shown to reject an unknown language), or a word table missing a
key or a placeholder in one language, fails a test instead of putting English into a Polish text.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import string
from datetime import UTC, date, datetime
from types import ModuleType, SimpleNamespace

import pytest

from cus_match import lang as lng
from cus_match.analysis.complement import formal_gaps
from cus_match.analysis.diagnosis import AddHelper, Extend, ExtraHours, Gap, format_what_if
from cus_match.analysis.diagnosis import shortage as shortage_map
from cus_match.analysis.diagnosis.whatif import MetTotals, WhatIf
from cus_match.analysis.explain import Explanation, explain
from cus_match.analysis.recommend import Recommendation, Recommender, format_recommendations
from cus_match.analysis.research import Study, run_study, study_markdown
from cus_match.cli import words as cli_words
from cus_match.cli.help_words import localise_help
from cus_match.errors import InvalidOptionError
from cus_match.generate import generate
from cus_match.model import DateRange, Need, Recurrence, TimeWindow
from cus_match.optimise.rules import RULES
from cus_match.optimise.solve import solve
from cus_match.report import words as report_words
from cus_match.report.calendar import helper_calendars, write_ics
from cus_match.report.html import render_report, write_report
from cus_match.report.tables import plan_tables, write_csv, write_xlsx
from cus_match.report.text import format_plan
from cus_match.store.certificate import Certificate, ServiceLine

#: The modules this guard reads: the renderings and the words they share.
PACKAGES = ("cus_match.analysis", "cus_match.report")
MODULES = ("cus_match.lang", "cus_match.store.certificate", "cus_match.plan.result",
           "cus_match.cli.words", "cus_match.cli.help_words")


def _modules() -> list[ModuleType]:
    mods = [importlib.import_module(m) for m in MODULES]
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        mods.append(pkg)
        mods += [importlib.import_module(info.name)
                 for info in pkgutil.walk_packages(pkg.__path__, pkg_name + ".")]
    return mods


# Plural forms, numbers, days -----------------------------------------------------------------

@pytest.mark.parametrize(("n", "form"), [
    (0, "wizyt"), (1, "wizyta"), (2, "wizyty"), (3, "wizyty"), (4, "wizyty"), (5, "wizyt"),
    (11, "wizyt"), (12, "wizyt"), (13, "wizyt"), (14, "wizyt"), (21, "wizyt"), (22, "wizyty"),
    (24, "wizyty"), (25, "wizyt"), (102, "wizyty"), (112, "wizyt"), (1.5, "wizyty"),
])
def test_polish_plural_rule(n, form):
    assert lng.plural_pl(n, "wizyta", "wizyty", "wizyt") == form
    assert lng.plural(n, "pl", "wizyta", "wizyty", "wizyt") == form


def test_plural_wants_the_forms_of_its_language():
    assert lng.plural(1, "en", "visit", "visits") == "visit"
    assert lng.count(2, "en", "visit", "visits") == "2 visits"
    with pytest.raises(ValueError, match="one, few, many"):
        lng.plural(2, "pl", "wizyta", "wizyty")
    with pytest.raises(ValueError, match="one, many"):
        lng.plural(2, "en", "wizyta", "wizyty", "wizyt")


@pytest.mark.parametrize(("args", "kwargs", "text"), [
    ((2.0, "pl"), {}, "2"), ((1.5, "pl"), {}, "1,5"), ((1.5, "en"), {}, "1.5"),
    ((1.5, "pl", 2), {}, "1,50"), ((3, "pl"), {"fixed": True}, "3,0"),
    ((3, "en", 2), {"fixed": True}, "3.00"), ((4.5, "pl", 2), {"trim": True}, "4,5"),
    ((1.25, "en", 2), {"trim": True}, "1.25"), ((12.0, "pl", 2), {"trim": True}, "12"),
    ((4.999, "pl", 2), {"trim": True}, "5"), ((-0.5, "pl"), {}, "-0,5"),
])
def test_number(args, kwargs, text):
    assert lng.number(*args, **kwargs) == text


def test_a_number_is_not_both_fixed_and_trimmed():
    with pytest.raises(ValueError, match="fixed or trimmed"):
        lng.number(1.5, "en", fixed=True, trim=True)


def test_days_months_and_dates():
    for table, size in ((lng.DAY_ABBR, 7), (lng.DAY_NAMES, 7), (lng.DAY_RECURRING, 7),
                        (lng.MONTHS_IN_DATE, 12)):
        assert {k: len(v) for k, v in table.items()} == dict.fromkeys(lng.LANGS, size)
    tue = date(2026, 3, 24)
    assert [lng.day_abbr(tue.weekday(), x) for x in lng.LANGS] == ["Tue", "wt"]
    assert [lng.day_name(tue.weekday(), x) for x in lng.LANGS] == ["Tuesday", "wtorek"]
    assert lng.short_date(tue, "pl") == "24.03.2026"
    assert lng.long_date(date(2026, 1, 2), "pl") == "2 stycznia 2026"


def test_local_name_falls_back_to_the_id_or_a_default():
    cat = SimpleNamespace(id="walk", name_en="Walk", name_pl="")
    assert lng.local_name(cat, "en") == "Walk"
    assert lng.local_name(cat, "pl") == "walk"
    assert lng.local_name(cat, "pl", default="spacer") == "spacer"


# Every lang= rejects an unknown language ---------------------------------------------------------

@pytest.fixture(scope="module")
def ctx():
    inst = generate("tiny", seed=1)
    result = solve(inst, method="greedy")
    h = inst.helpers[0]
    need = Need("call-1", category=inst.needs[0].category, duration_minutes=60,
                resident=inst.residents[0].id, windows=[TimeWindow("10:00", "16:00")],
                recurrence=Recurrence.weekly("tue"), applied_on="2026-03-20")
    start = datetime.fromisoformat("2026-03-24T10:00:00+01:00")
    rec = Recommendation("call-1", date(2026, 3, 24), start, start, (), (), (), 1, 1)
    what_if = WhatIf(ExtraHours([h.id], 2), MetTotals(0, 0, 0), MetTotals(1, 60, 60), result)
    cert = Certificate(organisation="CUS", volunteer_id=h.id,
                       period=DateRange("2026-03-01", "2026-03-31"), issued_on="2026-04-02",
                       services=[ServiceLine("shopping", "Zakupy", "Shopping", 4, 270)])
    return SimpleNamespace(inst=inst, result=result, helper=h, need=need, rec=rec,
                           what_if=what_if, cert=cert)


#: Every public callable of the renderings that takes ``lang``, called with it.
CALLS = {
    "cus_match.lang.check_lang": lambda c, lang, tmp: lng.check_lang(lang),
    "cus_match.lang.pick": lambda c, lang, tmp: lng.pick({"en": 1, "pl": 2}, lang),
    "cus_match.lang.local_name": lambda c, lang, tmp: lng.local_name(
        c.inst.policy.categories[0], lang),
    "cus_match.lang.plural": lambda c, lang, tmp: lng.plural(2, lang, "a", "b"),
    "cus_match.lang.count": lambda c, lang, tmp: lng.count(2, lang, "a", "b"),
    "cus_match.lang.number": lambda c, lang, tmp: lng.number(1.5, lang),
    "cus_match.lang.day_abbr": lambda c, lang, tmp: lng.day_abbr(0, lang),
    "cus_match.lang.day_date": lambda c, lang, tmp: lng.day_date(date(2026, 3, 24), lang),
    "cus_match.lang.exact_number": lambda c, lang, tmp: lng.exact_number(-0.25, lang),
    "cus_match.lang.day_name": lambda c, lang, tmp: lng.day_name(0, lang),
    "cus_match.lang.short_date": lambda c, lang, tmp: lng.short_date(date(2026, 3, 1), lang),
    "cus_match.lang.long_date": lambda c, lang, tmp: lng.long_date(date(2026, 3, 1), lang),
    "cus_match.analysis.explain.explain": lambda c, lang, tmp: explain(
        c.inst, c.result, c.result.assignments[0].need, lang),
    "cus_match.analysis.explain.Explanation": lambda c, lang, tmp: Explanation(
        "n1", "need", lang, ""),
    "cus_match.analysis.recommend.Recommendation": lambda c, lang, tmp: Recommendation(
        "call-1", c.rec.date, c.rec.start, c.rec.end, (), (), (), 1, 1, lang),
    "cus_match.analysis.recommend.Recommendation.text": lambda c, lang, tmp: c.rec.text(lang),
    "cus_match.analysis.recommend.Recommender.recommend": lambda c, lang, tmp: Recommender(
        c.inst, c.result).recommend(c.need, lang=lang),
    "cus_match.analysis.recommend.format_recommendations": lambda c, lang, tmp: (
        format_recommendations([], [], "n1", lang=lang)),
    "cus_match.analysis.complement.FormalGaps.text": lambda c, lang, tmp: formal_gaps(
        c.inst, c.result).text(lang),
    "cus_match.analysis.diagnosis.shortage_map.Gap.text": lambda c, lang, tmp: Gap(
        "skill", "lifting", "skill").text(lang),
    "cus_match.analysis.diagnosis.shortage_map.Shortage.text": lambda c, lang, tmp: (
        shortage_map(c.inst, c.result).text(lang)),
    "cus_match.analysis.diagnosis.changes.AddHelper.describe": lambda c, lang, tmp: AddHelper(
        c.helper).describe(c.inst, lang),
    "cus_match.analysis.diagnosis.changes.Extend.describe": lambda c, lang, tmp: Extend(
        [c.helper.id], "skill", "lifting").describe(c.inst, lang),
    "cus_match.analysis.diagnosis.changes.ExtraHours.describe": lambda c, lang, tmp: ExtraHours(
        [c.helper.id], 2).describe(c.inst, lang),
    "cus_match.analysis.diagnosis.whatif.WhatIf.text": lambda c, lang, tmp: c.what_if.text(
        c.inst, lang),
    "cus_match.analysis.diagnosis.whatif.WhatIf.to_record": lambda c, lang, tmp: (
        c.what_if.to_record(c.inst, lang)),
    "cus_match.analysis.diagnosis.whatif.format_what_if": lambda c, lang, tmp: format_what_if(
        c.inst, [], lang),
    "cus_match.analysis.research.run_study": lambda c, lang, tmp: run_study(
        profiles=["tiny"], rules=["fifo"], methods=["greedy"], seeds=[1], work_limit=0.1,
        lang=lang),
    "cus_match.analysis.research.study_markdown": lambda c, lang, tmp: study_markdown(
        Study([], [], [], {}), lang=lang),
    "cus_match.report.text.format_plan": lambda c, lang, tmp: format_plan(
        c.inst, c.result, lang=lang),
    "cus_match.report.tables.plan_tables": lambda c, lang, tmp: plan_tables(
        c.inst, c.result, lang=lang),
    "cus_match.report.tables.write_xlsx": lambda c, lang, tmp: write_xlsx(
        c.inst, c.result, tmp / "plan.xlsx", lang=lang),
    "cus_match.report.tables.write_csv": lambda c, lang, tmp: write_csv(
        c.inst, c.result, tmp / "csv", lang=lang),
    "cus_match.report.calendar.helper_calendars": lambda c, lang, tmp: helper_calendars(
        c.inst, c.result, lang=lang),
    "cus_match.report.calendar.write_ics": lambda c, lang, tmp: write_ics(
        c.inst, c.result, tmp / "ics", lang=lang),
    "cus_match.report.html.render_report": lambda c, lang, tmp: render_report(
        c.inst, c.result, lang=lang),
    "cus_match.report.html.write_report": lambda c, lang, tmp: write_report(
        c.inst, c.result, tmp / "plan.html", lang=lang),
    "cus_match.store.certificate.Certificate.text": lambda c, lang, tmp: c.cert.text(lang),
    "cus_match.store.certificate.Certificate.html": lambda c, lang, tmp: c.cert.html(lang),
    "cus_match.store.certificate.ServiceLine.name": lambda c, lang, tmp: (
        c.cert.services[0].name(lang)),
    "cus_match.plan.result.Result.summary": lambda c, lang, tmp: c.result.summary(lang),
    "cus_match.report.words.rule_in_words": lambda c, lang, tmp: report_words.rule_in_words(
        RULES["fifo"], lang),
    "cus_match.cli.words.say": lambda c, lang, tmp: cli_words.say("no_rounds", lang),
    "cus_match.cli.words.noun": lambda c, lang, tmp: cli_words.noun("visit", lang),
    "cus_match.cli.words.error_text": lambda c, lang, tmp: cli_words.error_text(
        "seed must be an integer, got 'x'", lang),
    "cus_match.cli.words.warsaw_time": lambda c, lang, tmp: cli_words.warsaw_time(
        datetime(2026, 3, 22, 17, 0, tzinfo=UTC), lang),
    "cus_match.cli.help_words.localise_help": lambda c, lang, tmp: localise_help(
        argparse.ArgumentParser(prog="cus-match"), lang),
}


def _takes_lang(f: object) -> bool:
    try:
        return "lang" in inspect.signature(f).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _public_lang_callables() -> set[str]:
    found = set()
    for mod in _modules():
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            where = f"{mod.__name__}.{name}"
            if inspect.isclass(obj):
                if _takes_lang(obj):
                    found.add(where)
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    func = member.__func__ if isinstance(member, classmethod | staticmethod) \
                        else member
                    if inspect.isfunction(func) and _takes_lang(func):
                        found.add(f"{where}.{attr}")
            elif inspect.isfunction(obj) and _takes_lang(obj):
                found.add(where)
    return found


def test_every_public_lang_callable_is_checked_here():
    found = _public_lang_callables()
    assert found == set(CALLS), (f"not listed in CALLS: {sorted(found - set(CALLS))}; "
                                 f"listed but gone: {sorted(set(CALLS) - found)}")


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_unknown_language_raises_everywhere(ctx, tmp_path, name):
    (tmp_path / "en").mkdir()
    CALLS[name](ctx, "en", tmp_path / "en")  # the call itself works in a known language
    with pytest.raises(InvalidOptionError,
                       match=re.escape("lang must be one of en, pl, got 'de'")):
        CALLS[name](ctx, "de", tmp_path / "de")
    assert not (tmp_path / "de").exists()  # and nothing was written


def test_result_summary_no_longer_falls_back_to_english(ctx):
    with pytest.raises(InvalidOptionError, match="en, pl"):
        ctx.result.summary("de")
    assert ctx.result.summary("pl") != ctx.result.summary("en")


# Word tables: the same keys and placeholders in every language -------------------------------

def _placeholders(text: str) -> set[tuple[str, str, str | None]]:
    return {(f, spec or "", conv) for _, f, spec, conv in string.Formatter().parse(text)
            if f is not None}


def _shape(value: object) -> object:
    """What must agree between languages: keys of a mapping, placeholders of a text."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, str):
        return _placeholders(value)
    if isinstance(value, tuple | list):  # plural forms (two or three): the union of them
        out: set[object] = set()
        for v in value:
            s = _shape(v)
            out |= s if isinstance(s, set) else {repr(s)}
        return out
    return "callable" if callable(value) else type(value).__name__


def _differences(a: object, b: object, path: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}[{k!r}]: only in one language" for k in set(a) ^ set(b)]
        for k in set(a) & set(b):
            out += _differences(a[k], b[k], f"{path}[{k!r}]")
        return out
    return [] if a == b else [f"{path}: {a} != {b}"]


def _word_tables() -> dict[str, dict[object, object]]:
    """Every module-level mapping with a language among its keys, by where it is written."""
    tables = {}
    for mod in _modules():
        source = inspect.getsource(mod)
        for name, obj in vars(mod).items():
            # Imported tables are found where they are assigned, once.
            if (isinstance(obj, dict) and any(isinstance(k, str) and k in lng.LANGS for k in obj)
                    and re.search(rf"^{re.escape(name)}\s*[:=]", source, re.MULTILINE)):
                tables[f"{mod.__name__}.{name}"] = obj
    return tables


def test_the_word_tables_are_found():
    expected = {
        "cus_match.lang.DAY_ABBR", "cus_match.lang.DAY_RECURRING", "cus_match.lang.MODE_WORDS",
        "cus_match.lang.MODE_BY", "cus_match.lang.MODE_NOUNS",
        "cus_match.analysis.explain._T", "cus_match.analysis.explain._NOUNS",
        "cus_match.analysis.recommend._TEXT", "cus_match.analysis.complement._TEXT",
        "cus_match.analysis.diagnosis.words.SHORTAGE", "cus_match.analysis.diagnosis.words.NEAR",
        "cus_match.analysis.diagnosis.words.CREDENTIALS",
        "cus_match.analysis.diagnosis.words.CHANGES", "cus_match.report.words.WORDS",
        "cus_match.report.words.CONSTRAINT_LABELS", "cus_match.report.words.RULE_DESCRIPTIONS",
        "cus_match.report.tables._H", "cus_match.report.tables._WORDS",
        "cus_match.report.tables._TITLES", "cus_match.report.text._T",
        "cus_match.report.calendar._T", "cus_match.store.certificate._TEXTS",
        "cus_match.plan.result._SUMMARY", "cus_match.report.text._PEOPLE",
        "cus_match.cli.words.MESSAGES", "cus_match.report.words.TERM_WORDS",
        "cus_match.report.words.STAGE_WORDS", "cus_match.cli.words.NOUNS",
        "cus_match.cli.words.CONSTRAINTS", "cus_match.cli.words.CHECK_CODES",
        "cus_match.analysis.research._WORDS",
    }
    assert expected <= set(_word_tables()), sorted(expected - set(_word_tables()))


@pytest.mark.parametrize("name", sorted(_word_tables()))
def test_a_word_table_says_the_same_in_every_language(name):
    table = _word_tables()[name]
    assert set(table) == set(lng.LANGS), f"{name} is keyed by {sorted(map(str, table))}"
    first, *others = lng.LANGS
    for other in others:
        diff = _differences(_shape(table[first]), _shape(table[other]), name)
        assert not diff, "\n".join(sorted(diff))


def test_the_table_guard_catches_a_missing_word_and_a_lost_placeholder():
    table = {"en": {"a": "{n} visits", "b": "x"}, "pl": {"a": "wizyty"}}
    diff = _differences(_shape(table["en"]), _shape(table["pl"]), "t")
    assert sorted(diff) == ["t['a']: {('n', '', None)} != set()", "t['b']: only in one language"]
