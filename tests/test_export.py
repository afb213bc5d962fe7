from __future__ import annotations

import csv
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import attrs
import icalendar
import openpyxl
import pytest

from builders import PERIOD, helper, instance, need
from cus_match.cli.main import main
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import generate
from cus_match.io.json_format import dump_instance, dump_result
from cus_match.io.safe_cells import neutralise
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Credentials,
    FormalService,
    Place,
    Policy,
    Recurrence,
    WeeklyWindow,
)
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Assignment, Result
from cus_match.report.calendar import event_uid, helper_calendars, ics_filename, write_ics
from cus_match.report.tables import (
    CSV_NAMES,
    TABLE_KEYS,
    plan_tables,
    write_csv,
    write_xlsx,
)

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
EVIL_HELPER = '=HYPERLINK("http://evil.example","click")'
EVIL_PLACE = "+cmd|' /C calc'!A0"
EVIL_CAT_EN = "@SUM(1+1)*cmd"
EVIL_CAT_PL = "=1+1"
EVIL_PROVIDER = "-2+3+cmd|' /C calc'!A0"
EVIL_NEAR = "\tAnna"
EVIL_NAMES = {"r1": "=Jan Kowalski", "r2": "\rEwa"}


def _categories():
    out = []
    for c in DEFAULT_CATEGORIES:
        if c.id == "shopping":
            c = attrs.evolve(c, name_pl=EVIL_CAT_PL, name_en=EVIL_CAT_EN)
        out.append(c)
    return out


@pytest.fixture(scope="module")
def evil():
    """Malicious text in every free-text field the plan's tables show."""
    no_child_checks = Credentials(bhp_briefed_on="2026-01-10")
    inst = instance(
        [helper("h1", home="b", name=EVIL_HELPER,
                agreement=Agreement("2026-01-01", written=True, categories=["shopping", "walk"])),
         helper("h2", name=EVIL_NEAR, credentials=no_child_checks,
                vetoes_categories=["shopping"])],
        [need("n1"),  # shopping for r1 at "a": h1 travels from "b" (a fraction of minutes)
         need("n2", category="homework_help", resident="r2"),  # h2 lacks child checks
         need("n3", category="psychotherapy"),  # referred
         need("n4", resident="r2", recurrence=Recurrence.once("2026-03-25")),  # covered
         need("g1", resident=None, place="a", category="walk",
              recurrence=Recurrence.once("2026-03-29"))],  # group session on the DST day
        policy=Policy(period=PERIOD, categories=_categories()),
        places=[Place("a", EVIL_PLACE, lat=49.483, lon=22.066),
                Place("b", "Nowotaniec", lat=49.442, lon=22.118)],
        services=[FormalService("care-1", provider=EVIL_PROVIDER, category="personal_care",
                                recipients=["r2"], covers=["shopping"],
                                schedule=[WeeklyWindow("wed", "08:00", "13:00")])],
    )
    result = solve(inst, method="greedy")
    assert check(inst, result) == []
    # The scenario the tests rely on: every table has rows.
    assert {a.need for a in result.assignments} >= {"n1", "g1"}
    assert [u.need for u in result.unmet] == ["n2"]
    assert sorted(nm.helper for nm in result.unmet[0].near_misses) == ["h1", "h2"]
    assert [r.need for r in result.referrals] == ["n3"]
    assert [c.need for c in result.covered] == ["n4"]
    return inst, result


def _texts(values):
    return [v for v in values if isinstance(v, str)]


# neutralise ----------------------------------------------------------------------------------

@pytest.mark.parametrize("first", DANGEROUS)
def test_neutralise_prefixes_every_dangerous_start(first):
    assert neutralise(first + "1+2") == "'" + first + "1+2"


def test_neutralise_leaves_safe_text_and_non_text_alone():
    for v in ("Nowotaniec", "", " =x", "a=b", "'=x"):
        assert neutralise(v) == v
    for v in (-3, 2.5, 0, None, True, date(2026, 3, 24), time(9, 0)):
        assert neutralise(v) is v


# XLSX ----------------------------------------------------------------------------------------

def _cells(path):
    wb = openpyxl.load_workbook(path)
    return wb, [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_xlsx_neutralises_every_malicious_text_cell(evil, tmp_path):
    inst, result = evil
    p = write_xlsx(inst, result, tmp_path / "plan.xlsx", lang="en", names=EVIL_NAMES)
    _wb, cells = _cells(p)
    texts = [c for c in cells if isinstance(c.value, str)]
    assert texts
    assert not [c.value for c in texts if c.value.startswith(DANGEROUS)]
    assert all(c.data_type == "s" for c in texts)  # no formula cell anywhere
    values = {c.value for c in texts}
    for evil_text in (EVIL_HELPER, EVIL_PLACE, EVIL_CAT_EN, EVIL_PROVIDER, EVIL_NEAR,
                      *EVIL_NAMES.values()):
        # XML reads a stored carriage return back as a line feed; the quote is still first.
        assert "'" + evil_text.replace("\r", "\n") in values, evil_text
    # A cell that merely starts with free text (the near-miss summary) is neutralised too.
    assert any(v.startswith("'" + EVIL_HELPER + " (h1): ") and "Anna (h2)" in v
               for v in values)


def test_xlsx_numbers_are_numbers_and_dates_are_dates(evil, tmp_path):
    inst, result = evil
    p = write_xlsx(inst, result, tmp_path / "plan.xlsx", lang="pl")
    wb = openpyxl.load_workbook(p)
    ws = wb["Harmonogram pomagających"]
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["Pomagający (id)", "Imię i nazwisko", "Data", "Dzień"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[heads.index("Potrzeba (id)")].value
               == "n1")
    a = next(a for a in result.assignments if a.need == "n1")
    minutes, travel = row[heads.index("Minuty")], row[heads.index("Dojazd (min)")]
    assert minutes.data_type == "n"
    assert minutes.value == 60
    assert travel.data_type == "n"
    assert travel.value == pytest.approx(round(a.travel_minutes, 1))
    assert not float(travel.value).is_integer()  # a real fraction, kept numeric
    day, start = row[heads.index("Data")], row[heads.index("Od")]
    assert day.is_date
    assert day.value.date() == date(2026, 3, 24)
    assert start.is_date
    assert start.value == time(9, 0)
    assert row[heads.index("Dzień")].value == "wt"
    # The unmet sheet's priority and excluded counts are numbers too.
    un = wb["Wizyty bez pomocy"]
    uheads = [c.value for c in un[1]]
    assert un.cell(2, uheads.index("Priorytet") + 1).data_type == "n"


def test_xlsx_every_sheet_is_set_up_for_print(evil, tmp_path):
    inst, result = evil
    p = write_xlsx(inst, result, tmp_path / "plan.xlsx", lang="pl")
    wb = openpyxl.load_workbook(p)
    assert [ws.title for ws in wb.worksheets[len(TABLE_KEYS):]] == ["plan", "# pomagający"]
    for ws in wb.worksheets[:len(TABLE_KEYS)]:  # the editable plan sheet is not for print
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}" \
                                     f"{ws.max_row}"
        assert ws.oddFooter.right.text == "strona &P z &N"
        assert ws.oddHeader.right.text == "23.03.2026 – 29.03.2026"
    assert wb.worksheets[0].oddHeader.left.text == "Harmonogram pomagających"
    # Dates as Polish Excel shows them.
    ws = wb["Harmonogram pomagających"]
    assert ws.cell(2, 3).number_format == "dd.mm.yyyy"


def test_xlsx_one_sheet_per_helper_on_request(evil, tmp_path):
    inst, result = evil
    plain = openpyxl.load_workbook(write_xlsx(inst, result, tmp_path / "a.xlsx", lang="pl"))
    p = write_xlsx(inst, result, tmp_path / "b.xlsx", lang="pl", sheet_per_helper=True)
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames[:len(TABLE_KEYS)] == plain.sheetnames[:len(TABLE_KEYS)]
    extra = [ws for ws in wb.worksheets[len(TABLE_KEYS):] if ws.title != "plan"
             and not ws.title.startswith("#")]  # the editable plan sheet and its list
    by_helper: dict[str, list] = {}
    for a in result.assignments:
        by_helper.setdefault(a.helper, []).append(a)
    assert len(extra) == len(by_helper)
    names = [ws.title for ws in extra]
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    for ws in extra:
        heads = [c.value for c in ws[1]]
        assert heads[:2] == ["Data", "Dzień"]  # the helper's own sheet: no helper columns
        header = ws.oddHeader.left.text
        hid = next(h for h in by_helper if f"({h})" in header)
        assert header.startswith("Harmonogram: ")
        need = heads.index("Potrzeba (id)")
        assert sorted(r[need].value for r in ws.iter_rows(min_row=2)) == sorted(
            a.need for a in by_helper[hid])
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape"
    # Still no formula anywhere: the helper's name with a leading "=" is neutralised.
    texts = [c.value for ws in extra for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not [v for v in texts if v.startswith(DANGEROUS)]
    # Excel's header codes start with "&": a name's own ampersand is doubled.
    amp = attrs.evolve(inst, helpers=[attrs.evolve(h, name="Anna & Jan") if h.id == "h1"
                                      else h for h in inst.helpers])
    wb = openpyxl.load_workbook(write_xlsx(amp, result, tmp_path / "c.xlsx",
                                           sheet_per_helper=True))
    assert any("Anna && Jan (h1)" in ws.oddHeader.left.text for ws in wb.worksheets)


def test_xlsx_holds_every_unmet_visit_the_report_leaves_out(tmp_path):
    inst = generate("rural", seed=3)
    result = solve(inst, method="greedy")
    wb = openpyxl.load_workbook(write_xlsx(inst, result, tmp_path / "plan.xlsx", lang="pl"))
    ws = wb["Wizyty bez pomocy"]
    heads = [c.value for c in ws[1]]
    got = sorted((r[heads.index("Potrzeba (id)")].value, r[heads.index("Data")].value.date())
                 for r in ws.iter_rows(min_row=2))
    assert got == sorted((u.need, u.date) for u in result.unmet)
    # The main reason is the plan's own pick.
    first = min(result.unmet, key=lambda u: (u.date, u.need))
    assert ws.cell(2, heads.index("Główna przyczyna") + 1).value == \
        first.main_reason.text("pl")


def test_xlsx_shows_residents_by_id_unless_names_given(evil, tmp_path):
    inst, result = evil
    _wb, cells = _cells(write_xlsx(inst, result, tmp_path / "a.xlsx"))
    values = {c.value for c in cells}
    assert "r1" in values
    assert not any(isinstance(v, str) and "Kowalski" in v for v in values)
    _wb, cells = _cells(write_xlsx(inst, result, tmp_path / "b.xlsx", names=EVIL_NAMES))
    assert "'=Jan Kowalski" in {c.value for c in cells}


# CSV -----------------------------------------------------------------------------------------

def _read_csv(path, delimiter=";"):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_csv_neutralises_every_malicious_text_cell(evil, tmp_path):
    inst, result = evil
    paths = write_csv(inst, result, tmp_path, lang="pl", names=EVIL_NAMES)
    assert [p.name for p in paths] == ["wizyty.csv", "mieszkańcy.csv", "bez_pomocy.csv",
                                       "prawie_pasujący.csv", "skierowania.csv",
                                       "usługi_formalne.csv"]
    fields = []
    for p in paths:
        assert p.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
        rows = _read_csv(p)
        assert len(rows) >= 2, p.name
        fields += [x for r in rows for x in r]
    assert not [x for x in fields if x.startswith(DANGEROUS)]
    for evil_text in (EVIL_HELPER, EVIL_PLACE, EVIL_CAT_PL, EVIL_PROVIDER, EVIL_NEAR,
                      *EVIL_NAMES.values()):
        assert "'" + evil_text in fields, evil_text


def test_csv_numbers_are_plain_numbers_with_the_locale_decimal(evil, tmp_path):
    inst, result = evil
    a = next(a for a in result.assignments if a.need == "n1")
    want = round(a.travel_minutes, 1)
    for delimiter, decimal in ((";", ","), (",", ".")):
        out = tmp_path / delimiter.replace(";", "semi").replace(",", "comma")
        write_csv(inst, result, out, lang="en", delimiter=delimiter)
        rows = _read_csv(out / "helpers.csv", delimiter)
        heads = rows[0]
        row = next(r for r in rows[1:] if r[heads.index("Need (id)")] == "n1")
        assert row[heads.index("Minutes")] == "60"
        travel = row[heads.index("Travel (min)")]
        assert decimal in travel
        assert float(travel.replace(",", ".")) == pytest.approx(want)
        assert row[heads.index("Date")] == "2026-03-24"
        assert row[heads.index("From")] == "09:00"


def test_csv_names_and_dates_follow_the_language(evil, tmp_path):
    inst, result = evil
    en = write_csv(inst, result, tmp_path / "en", lang="en")
    pl = write_csv(inst, result, tmp_path / "pl", lang="pl")
    assert [p.name for p in en] == [f"{k}.csv" for k in TABLE_KEYS]
    assert [p.stem for p in pl] == [CSV_NAMES["pl"][k] for k in TABLE_KEYS]
    assert pl[0].name == "wizyty.csv"
    for path, day in ((en[0], "2026-03-24"), (pl[0], "24.03.2026")):
        rows = _read_csv(path)
        dates = [r[rows[0].index("Data" if path in pl else "Date")] for r in rows[1:]]
        assert day in dates
        assert all(re.fullmatch(r"\d{2}\.\d{2}\.\d{4}" if path in pl else r"\d{4}-\d{2}-\d{2}",
                                d) for d in dates)
    # The Polish dates read back as the importer reads every Polish spreadsheet date.
    from cus_match.io.cells import read_date

    assert read_date("24.03.2026") == "2026-03-24"


def test_csv_rejects_bad_options(evil, tmp_path):
    inst, result = evil
    with pytest.raises(InvalidOptionError, match="delimiter"):
        write_csv(inst, result, tmp_path, delimiter="\t")
    with pytest.raises(InvalidOptionError, match="decimal"):
        write_csv(inst, result, tmp_path, delimiter=",", decimal=",")
    with pytest.raises(InvalidOptionError, match="lang"):
        plan_tables(inst, result, lang="de")


def test_tables_place_group_sessions_and_every_fate(evil):
    inst, result = evil
    tables = {t.key: t for t in plan_tables(inst, result, lang="en")}
    helpers = tables["helpers"]
    need_col = helpers.headers.index("Need (id)")
    assert sorted(r[need_col] for r in helpers.rows) == sorted(a.need for a in
                                                              result.assignments)
    res = tables["residents"]
    status = {(r[res.headers.index("Need (id)")], r[res.headers.index("Date")]):
              r[res.headers.index("Status")] for r in res.rows}
    assert status[("n1", date(2026, 3, 24))] == "planned"
    assert status[("n2", date(2026, 3, 24))] == "unmet"
    assert status[("n4", date(2026, 3, 25))] == "formal service"
    assert status[("n3", None)] == "referred to formal services"
    assert not any(k[0] == "g1" for k in status)  # group sessions have no resident
    near = tables["near_misses"]
    constraints = {r[near.headers.index("Helper (id)")]: r[near.headers.index("Constraint")]
                   for r in near.rows}
    assert constraints == {"h1": "H2", "h2": "H1"}


def test_a_result_of_another_instance_is_rejected_with_every_problem(evil):
    inst, result = evil
    stray = Assignment("zz", "2026-03-24", "hx", "2026-03-24T09:00:00+01:00",
                       "2026-03-24T10:00:00+01:00", 1.0, "walk")
    bad = attrs.evolve(result, assignments=(*result.assignments, stray))
    with pytest.raises(InvalidInputError) as e:
        plan_tables(inst, bad)
    paths = [p.path for p in e.value.problems]
    n = len(result.assignments)
    assert paths == [f"assignments[{n}].need", f"assignments[{n}].helper"]


# names file ----------------------------------------------------------------------------------

def test_read_names_reports_every_bad_line(tmp_path):
    from cus_match.store.people import read_names

    p = tmp_path / "names.csv"
    p.write_text("id;name\nr1;Jan\nr1;Jan again\n;Nobody\nr2;\nr3;A;B\nr 4;X\n",
                 encoding="utf-8-sig")
    with pytest.raises(InvalidInputError) as e:
        read_names(p)
    assert [x.path for x in e.value.problems] == [
        "line 3.id", "line 4.id", "line 5.name", "line 6", "line 7.id"]
    assert str(p) in str(e.value)
    p.write_text("r1,Jan Kowalski\nr2,Ewa\n", encoding="utf-8")
    assert read_names(p) == {"r1": "Jan Kowalski", "r2": "Ewa"}


# iCalendar -----------------------------------------------------------------------------------

def test_ics_has_one_event_per_assignment_with_the_right_times(evil, tmp_path):
    inst, result = evil
    paths = write_ics(inst, result, tmp_path, lang="pl")
    by_helper = {}
    for a in result.assignments:
        by_helper.setdefault(a.helper, []).append(a)
    assert sorted(p.name for p in paths) == sorted(ics_filename(h) for h in by_helper)
    warsaw = ZoneInfo("Europe/Warsaw")
    for p in paths:
        cal = icalendar.Calendar.from_ical(p.read_bytes())
        hid = next(h for h in by_helper if ics_filename(h) == p.name)
        events = list(cal.walk("VEVENT"))
        assert len(events) == len(by_helper[hid])
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Warsaw"]
        want = {event_uid(inst.name, a): a for a in by_helper[hid]}
        assert len(want) == len(events)
        for ev in events:
            a = want[str(ev["UID"])]
            start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
            assert start == a.start
            assert end == a.end
            assert start.tzinfo == warsaw  # a named zone, not a fixed offset
            n = inst.need(a.need)
            place = inst.place(inst.need_place(n))
            assert str(ev["LOCATION"]) == place.name
            summary = str(ev["SUMMARY"])
            assert summary.startswith(inst.category(n.category).name_pl)
            if n.resident:
                assert n.resident in summary
    # The group session on the night clocks go forward: 09:00 local is 07:00 UTC.
    g = next(a for a in result.assignments if a.need == "g1")
    assert g.start.astimezone(ZoneInfo("UTC")).hour == 7


def test_ics_is_deterministic_and_keeps_health_data_out(evil):
    inst, result = evil
    first = helper_calendars(inst, result)
    assert first == helper_calendars(inst, result)
    stamp = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    other = helper_calendars(inst, result, stamp=stamp)
    assert b"DTSTAMP:20260301T120000Z" in next(iter(other.values()))
    for data in first.values():
        assert b"Kowalski" not in data
    with pytest.raises(InvalidOptionError, match="aware"):
        helper_calendars(inst, result, stamp=datetime(2026, 3, 1))


def test_ics_uids_differ_per_visit_and_file_names_per_id():
    a = Assignment("n1", "2026-03-24", "h1", "2026-03-24T09:00:00+01:00",
                   "2026-03-24T10:00:00+01:00", 1.0, "walk")
    b = attrs.evolve(a, date=date(2026, 3, 25))
    c = attrs.evolve(a, helper="h2")
    assert len({event_uid("g", x) for x in (a, b, c)} | {event_uid("other", a)}) == 4
    assert ics_filename("a/b") != ics_filename("a_b")
    assert "/" not in ics_filename("a/b:c")
    assert ":" not in ics_filename("a/b:c")


def test_ics_for_a_generated_town_round_trips(tmp_path):
    inst = generate("tiny", seed=3)
    result = solve(inst, method="greedy")
    cals = helper_calendars(inst, result)
    total = sum(len(list(icalendar.Calendar.from_ical(b).walk("VEVENT")))
                for b in cals.values())
    assert total == len(result.assignments)


# CLI -----------------------------------------------------------------------------------------

def test_cli_export_writes_every_format_and_checks_names(evil, tmp_path, capsys):
    inst, result = evil
    fi, fr = tmp_path / "g.json", tmp_path / "r.json"
    dump_instance(inst, fi)
    dump_result(result, fr)
    names = tmp_path / "names.csv"
    names.write_text("id;name\nr1;Jan\n", encoding="utf-8")
    assert main(["export", str(fi), str(fr), "--xlsx", str(tmp_path / "p.xlsx"),
                 "--csv", str(tmp_path / "csv"), "--ics", str(tmp_path / "ics"),
                 "--names", str(names), "--lang", "pl"]) == 0
    assert (tmp_path / "p.xlsx").exists()
    rows = _read_csv(tmp_path / "csv" / "mieszkańcy.csv")
    assert rows[0][:2] == ["Mieszkaniec (id)", "Mieszkaniec"]
    assert ["r1", "Jan"] in [r[:2] for r in rows]
    assert len(list((tmp_path / "ics").glob("*.ics"))) == len({a.helper for a in
                                                              result.assignments})
    names.write_text("r1;Jan\nr9;Nobody\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(fi), str(fr), "--csv", str(tmp_path / "c2"),
                 "--names", str(names)]) == 1
    assert "r9: not a resident" in capsys.readouterr().err
    assert main(["export", str(fi), str(fr)]) == 2
    assert main(["export", str(fi), str(fr), "--csv", str(tmp_path / "c3"),
                 "--sheet-per-helper"]) == 2
    assert "--sheet-per-helper needs --xlsx" in capsys.readouterr().err
    assert main(["export", str(fi), str(fr), "--xlsx", str(tmp_path / "h.xlsx"),
                 "--sheet-per-helper", "--lang", "pl"]) == 0
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    assert len(wb.sheetnames) == len(TABLE_KEYS) + len({a.helper for a in result.assignments}) + 2


def test_cli_global_lang_applies_to_export(evil, tmp_path):
    inst, result = evil
    fi, fr = tmp_path / "g.json", tmp_path / "r.json"
    dump_instance(inst, fi)
    dump_result(result, fr)
    assert main(["--lang", "pl", "export", str(fi), str(fr), "--csv", str(tmp_path)]) == 0
    assert _read_csv(tmp_path / "wizyty.csv")[0][0] == "Pomagający (id)"


def test_result_with_no_assignments_exports_empty_tables(tmp_path):
    inst = instance([helper("h1")], [need("n1")])
    empty = Result("no_solution", method="cpsat", rule="fifo")
    paths = write_csv(inst, empty, tmp_path)
    assert all(len(_read_csv(p)) == 1 for p in paths)  # headers only
    assert helper_calendars(inst, empty) == {}
