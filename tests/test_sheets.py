from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from builders import evolve, helper, instance, need
from cus_match.cli.main import main
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import demo_instance, generate
from cus_match.io.cells import CellError, fold, read_days, read_weekly, read_windows
from cus_match.io.json_format import load_instance
from cus_match.io.safe_cells import neutralise, restore
from cus_match.io.sheet_layout import SHEETS, sheet
from cus_match.io.sheets import (
    SheetInputError,
    SheetProblem,
    read_instance,
    template_instance,
    write_instance,
    write_instance_csv,
    write_instance_xlsx,
    write_template,
)
from cus_match.model import (
    Agreement,
    Credentials,
    DateRange,
    FormalService,
    Helper,
    Need,
    Place,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    TravelSettings,
    WeeklyWindow,
)
from strategies import instances

# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_demo_instance_round_trips(tmp_path, lang, fmt):
    demo = demo_instance()
    target = tmp_path / ("demo.xlsx" if fmt == "xlsx" else "demo")
    write_instance(demo, target, lang=lang, fmt=fmt)
    back = read_instance(target, lang=lang)
    assert back == demo
    assert back.travel_edges == demo.travel_edges  # dict fields are compared too
    assert [c.pus_hours_limit for c in back.policy.categories] == \
        [c.pus_hours_limit for c in demo.policy.categories]


@settings(max_examples=25)
@given(inst=instances(max_helpers=3, max_needs=3))
def test_generated_instances_round_trip_through_csv(tmp_path_factory, inst):
    inst = _sheetable(inst, tmp_path_factory.mktemp("refused"))
    for lang in ("pl", "en"):
        folder = tmp_path_factory.mktemp("csv")
        write_instance_csv(inst, folder, lang)
        assert read_instance(folder, lang) == inst


def _sheetable(inst, folder):
    """``inst`` without the history's prior service, after checking a writer refuses it."""
    if not inst.policy.prior_service:
        return inst
    with pytest.raises(InvalidOptionError, match="prior_service"):
        write_instance_csv(inst, folder, "pl")
    return evolve(inst, policy=evolve(inst.policy, prior_service=()))


@settings(max_examples=5)
@given(inst=instances(max_helpers=3, max_needs=3))
def test_generated_instances_round_trip_through_xlsx(tmp_path_factory, inst):
    inst = _sheetable(inst, tmp_path_factory.mktemp("refused"))
    path = tmp_path_factory.mktemp("xlsx") / "gmina.xlsx"
    write_instance_xlsx(inst, path, "pl")
    assert read_instance(path) == inst


def test_partial_speeds_and_empty_lists_round_trip(tmp_path):
    # A mode without a speed, a helper with no languages and no modes: the cells say "brak",
    # because an empty cell would mean the default.
    base = instance([helper("h1", languages=[], modes=[])], [need("n1")])
    inst = evolve(base, policy=evolve(base.policy, travel=TravelSettings(
        speeds_kmh={"walk": 5, "car": 50})))
    write_instance_csv(inst, tmp_path / "x", "pl")
    rows = _csv_rows(tmp_path / "x" / "pomagający.csv")
    assert rows[1][rows[0].index("języki")] == "brak"
    assert read_instance(tmp_path / "x") == inst


def test_writer_refuses_a_folder_with_other_csv_files(tmp_path):
    write_instance_csv(demo_instance(), tmp_path, "pl")
    with pytest.raises(InvalidOptionError, match="other CSV files"):
        write_instance_csv(demo_instance(), tmp_path, "en")


def test_list_items_with_separators_cannot_be_written(tmp_path):
    inst = instance([helper("h1", skills=["cooking, baking"])], [need("n1")])
    with pytest.raises(InvalidInputError, match=r"helpers\[0\]\.skills"):
        write_instance_csv(inst, tmp_path / "x", "pl")


# --- the Polish Excel dialect ----------------------------------------------------------------

def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


def _csv_rows(path: Path) -> list[list[str]]:
    text = path.read_text("utf-8-sig")
    return list(csv.reader(text.splitlines(), delimiter=";" if ";" in text[:200] else ","))


POLISH_FILES = {
    "ustawienia.csv": "nazwa;początek okresu;koniec okresu;współczynnik objazdu\n"
                      "Gmina Bukowsko;23.03.2026;29.03.2026;1,4\n",
    "miejsca.csv": "id;nazwa;rodzaj;szerokość geograficzna;długość geograficzna\n"
                   "bukowsko;Bukowsko;wieś;49,482;22,066\n"
                   "nowotaniec;Nowotaniec;Wies;49,442;22,118\n",
    "pomagający.csv": "ID;Imię i nazwisko;Miejsce zamieszkania;godzin tygodniowo;dostępność;"
                      "dojazd;porozumienie od;porozumienie pisemne;porozumienie: kategorie;"
                      "szkolenie BHP;Uwagi\n"
                      "h1;Zbigniew Łęcki;bukowsko;2,5;\"Poniedziałek 8:00-12:00; środa 14-16\";"
                      "pieszo, samochód;1.01.2026;tak;zakupy_x;05.01.2026;dzwonić po 16\n",
    "mieszkańcy.csv": "id;miejsce zamieszkania;języki\nr-1;nowotaniec;\"pl; uk\"\n",
    "potrzeby.csv": "id;mieszkaniec;kategoria;czas (min);godziny;data;dni tygodnia;"
                    "data zgłoszenia;obowiązkowa\n"
                    "n1;r-1;shopping;90;09:00-12:00;;pon, śr;02.03.2026;nie\n"
                    "n2;r-1;companionship;60;8.30-10;24.03.2026;;2026-03-03;TAK\n",
}


def _polish_expected() -> dict[str, object]:
    return {
        "helper": Helper(
            "h1", home="bukowsko", name="Zbigniew Łęcki", weekly_hours_cap=2.5,
            availability=[WeeklyWindow("mon", "08:00", "12:00"),
                          WeeklyWindow("wed", "14:00", "16:00")],
            modes=["walk", "car"],
            agreement=Agreement("2026-01-01", written=True, categories=["zakupy_x"]),
            credentials=Credentials(bhp_briefed_on="2026-01-05")),
        "needs": (
            Need("n1", resident="r-1", category="shopping", duration_minutes=90,
                 windows=[TimeWindow("09:00", "12:00")],
                 recurrence=Recurrence.weekly("mon", "wed"), applied_on="2026-03-02"),
            Need("n2", resident="r-1", category="companionship", duration_minutes=60,
                 windows=[TimeWindow("08:30", "10:00")], recurrence=Recurrence.once("2026-03-24"),
                 applied_on="2026-03-03", required=True)),
    }


def test_cp1250_semicolons_decimal_commas_and_polish_dates(tmp_path):
    files = dict(POLISH_FILES)
    # A category the agreement names, so the instance is valid.
    files["kategorie.csv"] = ("id;nazwa polska;praca z dziećmi;wymagane zaświadczenia\n"
                              "shopping;Zakupy;nie;\ncompanionship;Odwiedziny;nie;brak\n"
                              "zakupy_x;Zakupy ekstra;nie;pierwsza pomoc\n")
    for name, text in files.items():
        _write(tmp_path, name, text, "cp1250")
    inst = read_instance(tmp_path)
    assert inst.name == "Gmina Bukowsko"
    assert inst.policy.period == DateRange("2026-03-23", "2026-03-29")
    assert inst.policy.travel.detour_factor == 1.4
    assert inst.place("bukowsko") == Place("bukowsko", "Bukowsko", "village", 49.482, 22.066)
    assert inst.helpers == (_polish_expected()["helper"],)
    assert inst.resident("r-1").languages == {"pl", "uk"}
    assert inst.needs == _polish_expected()["needs"]
    assert [c.id for c in inst.policy.categories] == ["shopping", "companionship", "zakupy_x"]
    assert [sorted(c.requires_credentials) for c in inst.policy.categories] == \
        [[], [], ["first_aid"]]


def test_utf8_with_bom_commas_and_english_headers_in_any_case(tmp_path):
    files = {
        "settings.csv": "Period Start,PERIOD END\n2026-03-23,2026-03-29\n",
        "places.csv": "id,name,kind,latitude,longitude\nbukowsko,Bukowsko,village,49.482,22.066\n"
                      "nowotaniec,Nowotaniec,VILLAGE,49.442,22.118\n",
        # Diacritics left out of a Polish header, English values, a quoted list cell.
        "helpers.csv": "id,name,MIEJSCE ZAMIESZKANIA,hours per week,Dostepnosc,travel modes,"
                       "agreement from,agreement in writing,agreement categories,"
                       "safety briefing on\n"
                       'h1,Zbigniew Łęcki,bukowsko,"2,5","Mon 8:00-12:00; wednesday 14-16",'
                       '"walk; car",2026-01-01,yes,zakupy_x,2026-01-05\n',
        "residents.csv": "id,home place,languages\nr-1,nowotaniec,\"pl, uk\"\n",
        "needs.csv": "id,resident,category,duration (min),hours,date,weekdays,applied on,"
                     "required\n"
                     "n1,r-1,shopping,90,09:00-12:00,,\"mon, wed\",2026-03-02,no\n"
                     "n2,r-1,companionship,60,8.30-10,24.03.2026,,2026-03-03,1\n",
        "categories.csv": "id\nshopping\ncompanionship\nzakupy_x\n",
    }
    for name, text in files.items():
        _write(tmp_path, name, text, "utf-8-sig")
    assert (tmp_path / "places.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    inst = read_instance(tmp_path, lang="en")
    assert inst.helpers == (_polish_expected()["helper"],)
    assert inst.needs == _polish_expected()["needs"]


@pytest.mark.parametrize(("cell", "days"), [
    ("poniedziałek 8-12", ["mon"]), ("poniedzialek 8-12", ["mon"]), ("PON. 8-12", ["mon"]),
    ("wtorek 8-12", ["tue"]), ("wt 8-12", ["tue"]), ("środa 8-12", ["wed"]),
    ("sroda 8-12", ["wed"]), ("śr 8-12", ["wed"]), ("czwartek 8-12", ["thu"]),
    ("czw 8-12", ["thu"]), ("piątek 8-12", ["fri"]), ("piatek 8-12", ["fri"]),
    ("pt 8-12", ["fri"]), ("sobota 8-12", ["sat"]), ("sob 8-12", ["sat"]),
    ("niedziela 8-12", ["sun"]), ("nd 8-12", ["sun"]), ("Sunday 8-12", ["sun"]),
    ("pon-pt 8-12", ["mon", "tue", "wed", "thu", "fri"]), ("sob – nd 8-12", ["sat", "sun"]),
    ("pon, śr 8-12", ["mon", "wed"]),
])
def test_polish_and_english_weekday_names(cell, days):
    assert [w["day"] for w in read_weekly(cell)] == days
    assert all((w["start"], w["end"]) == ("8:00", "12:00") for w in read_weekly(cell))


def test_window_cell_syntax():
    assert read_weekly("pon 8-10, 14:30-16\nśr 9.15-11") == [
        {"day": "mon", "start": "8:00", "end": "10:00"},
        {"day": "mon", "start": "14:30", "end": "16:00"},
        {"day": "wed", "start": "9:15", "end": "11:00"},
    ]
    assert read_windows("8:00-12:00; 14:00 - 24:00") == [
        {"start": "8:00", "end": "12:00"}, {"start": "14:00", "end": "24:00"}]
    assert read_days("pon śr; pt") == ["mon", "wed", "fri"]
    for bad in ("8:00-12:00", "pon", "pon 8:00", "pt-pon 8-12", "xyz 8-12", "pon od 8 do 12"):
        with pytest.raises(CellError):
            read_weekly(bad)
    with pytest.raises(CellError, match="single time"):
        read_windows(time(8, 0))


def test_fold_ignores_case_and_polish_diacritics():
    assert fold("ŻÓŁĆ gęślą JAŹŃ") == "zolc gesla jazn"
    for s in SHEETS:  # no two columns of a sheet answer to the same header
        seen: dict[str, str] = {}
        for c in s.columns:
            for name in c.accepts():
                assert seen.setdefault(name, c.key) == c.key, (s.key, name)


# --- real Excel cells -----------------------------------------------------------------------

def _workbook_from_template(tmp_path: Path, lang: str = "pl") -> Path:
    path = tmp_path / "w.xlsx"
    write_template(path, lang=lang)
    return path


def test_excel_typed_cells_dates_numbers_booleans(tmp_path):
    path = _workbook_from_template(tmp_path)
    wb = load_workbook(path)
    ws = wb["pomagający"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("porozumienie od") + 1, datetime(2026, 1, 2))
    ws.cell(2, head.index("porozumienie pisemne") + 1, False)
    ws.cell(2, head.index("godzin tygodniowo") + 1, "3,5")
    ws.cell(2, head.index("szkolenie BHP") + 1, date(2026, 1, 3))
    ws = wb["mieszkańcy"]
    ws.cell(3, 1, 17)  # an id typed as a number
    ws.cell(3, 2, "bukowsko")
    wb.save(path)
    inst = read_instance(path)
    h = inst.helpers[0]
    assert h.agreement is not None
    assert (h.agreement.valid_from, h.agreement.written) == (date(2026, 1, 2), False)
    assert h.weekly_hours_cap == 3.5
    assert h.credentials.bhp_briefed_on == date(2026, 1, 3)
    assert inst.resident("17").home == "bukowsko"


def test_excel_time_cell_in_a_window_column_is_explained(tmp_path):
    path = _workbook_from_template(tmp_path)
    wb = load_workbook(path)
    ws = wb["potrzeby"]
    ws.cell(2, [c.value for c in ws[1]].index("godziny") + 1, time(8, 0))
    wb.save(path)
    with pytest.raises(SheetInputError) as e:
        read_instance(path)
    (p,) = e.value.problems
    assert (p.sheet, p.row, p.column) == ("potrzeby", 2, "godziny")
    assert "8:00-12:00" in p.message


# --- errors: all at once, located, in the user's language -----------------------------------

def _broken_folder(tmp_path: Path) -> Path:
    files = dict(POLISH_FILES)
    files["pomagający.csv"] = (
        "id;imię i nazwisko;miejsce zamieszkania;godzin tygodniowo;dostępność;ulubiony kolor\n"
        "h1;Anna;bukowsko;dwie;pon 8:00-12:00;\n"          # row 2: not a number
        "h2;Jan;warszawa;3;wt 14:00-12:00;\n"              # row 3: unknown place, end < start
        "h3;Ewa;bukowsko;3;pn 8-12;\n"                     # row 4: fine
        "h1;Olga;bukowsko;3;ponie 8-12;\n"                 # row 5: duplicate id, bad weekday
    )
    files["potrzeby.csv"] = (
        "id;mieszkaniec;kategoria;czas (min);godziny;data;dni tygodnia;data zgłoszenia\n"
        "n1;r-1;shopping;90;09:00-12:00;31.02.2026;;02.03.2026\n"   # no such date
        "n2;r-9;gardening;300;09:00-12:00;;pon;02.03.2026\n"        # 3 structurer problems
    )
    del files["ustawienia.csv"]
    for name, text in files.items():
        _write(tmp_path, name, text, "cp1250")
    return tmp_path


def _where(e: pytest.ExceptionInfo[SheetInputError]) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in e.value.problems]


def test_every_problem_at_once_with_sheet_row_and_column_in_polish(tmp_path):
    folder = _broken_folder(tmp_path)
    with pytest.raises(SheetInputError) as e:
        read_instance(folder, lang="pl")
    assert isinstance(e.value, InvalidInputError)
    assert all(isinstance(p, SheetProblem) for p in e.value.problems)
    where = _where(e)
    assert where == [
        (None, None, None),  # missing sheet of settings
        ("pomagający.csv", 1, "ulubiony kolor"),
        ("pomagający.csv", 2, "godzin tygodniowo"),
        ("pomagający.csv", 3, "miejsce zamieszkania"),
        ("pomagający.csv", 3, "dostępność"),
        ("pomagający.csv", 5, "id"),
        ("pomagający.csv", 5, "dostępność"),
        ("potrzeby.csv", 2, "data"),
        ("potrzeby.csv", 3, "mieszkaniec"),
        ("potrzeby.csv", 3, "kategoria"),
        ("potrzeby.csv", 3, "czas (min)"),
    ]
    text = str(e.value)
    assert text.splitlines()[0].endswith(": 11 problemów")
    for expected in [
        "brak pliku ustawienia.csv",
        "pomagający.csv, wiersz 1, kolumna 'ulubiony kolor': nieznana kolumna",
        "pomagający.csv, wiersz 2, kolumna 'godzin tygodniowo': 'dwie' nie jest liczbą",
        "wiersz 3, kolumna 'miejsce zamieszkania': nieznane miejsce 'warszawa'",
        "wiersz 3, kolumna 'dostępność': koniec 12:00 nie jest po początku 14:00",
        "wiersz 5, kolumna 'id': powtórzony identyfikator 'h1' (pierwszy raz: wiersz 2)",
        "'ponie' to nie dzień tygodnia",
        "kolumna 'data': '31.02.2026': nie ma takiego dnia w kalendarzu",
        "wiersz 3, kolumna 'mieszkaniec': nieznany mieszkaniec 'r-9'",
        "wiersz 3, kolumna 'kategoria': nieznana kategoria 'gardening'",
        "300 min nie mieści się w żadnym przedziale godzin (najdłuższy ma 180 min)",
    ]:
        assert expected in text
    assert "unknown" not in text


def test_a_missing_sheet_is_reported_once_not_at_every_reference(tmp_path):
    files = dict(POLISH_FILES)
    del files["mieszkańcy.csv"]
    for name, text in files.items():
        _write(tmp_path, name, text, "utf-8")
    with pytest.raises(SheetInputError) as e:
        read_instance(tmp_path, lang="en")
    # The other files are named in Polish, so the missing one is named in Polish too.
    assert [str(p) for p in e.value.problems if "resident" in p.message
            or "mieszka" in p.message] == ["missing file mieszkańcy.csv"]


def test_every_problem_at_once_in_english(tmp_path):
    folder = _broken_folder(tmp_path)
    with pytest.raises(SheetInputError) as e:
        read_instance(folder, lang="en")
    text = str(e.value)
    assert text.splitlines()[0].endswith(": 11 problems")
    assert "missing file ustawienia.csv" in text
    assert "pomagający.csv, row 3, column 'miejsce zamieszkania': unknown place 'warszawa'" in text
    assert "row 5, column 'id': duplicate id 'h1' (first used at row 2)" in text
    assert "'dwie' is not a number" in text
    assert "wiersz" not in text


def test_xlsx_errors_name_the_sheet(tmp_path):
    path = _workbook_from_template(tmp_path, "en")
    wb = load_workbook(path)
    ws = wb["needs"]
    ws.cell(2, [c.value for c in ws[1]].index("weekdays") + 1, "")  # neither date nor days
    ws = wb["places"]
    ws.cell(3, 4).value = None  # longitude without latitude
    wb.save(path)
    with pytest.raises(SheetInputError) as e:
        read_instance(path, lang="pl")
    assert _where(e) == [("places", 3, "latitude"), ("needs", 2, "weekdays")]
    assert [str(p) for p in e.value.problems] == [
        "arkusz 'places', wiersz 3, kolumna 'latitude': podaj obie współrzędne (szerokość i "
        "długość) albo żadnej",
        "arkusz 'needs', wiersz 2, kolumna 'weekdays': podaj datę (jednorazowo) albo dni "
        "tygodnia (co tydzień)",
    ]


def test_nothing_is_imported_half_way(tmp_path):
    # One bad cell among good rows: no instance at all, only the error.
    write_template(tmp_path / "t", lang="pl", fmt="csv")
    f = tmp_path / "t" / "potrzeby.csv"
    f.write_text(f.read_text("utf-8-sig").replace("90", "dziewięćdziesiąt"), "utf-8")
    with pytest.raises(SheetInputError) as e:
        read_instance(tmp_path / "t")
    assert len(e.value.problems) == 1
    assert e.value.problems[0].column == "czas (min)"


def test_unknown_sheets_and_extra_settings_rows_are_reported(tmp_path):
    write_template(tmp_path / "t", lang="en", fmt="csv")
    _write(tmp_path / "t", "notatki.csv", "a\n1\n")
    _write(tmp_path / "t", "#private.csv", "a\n1\n")  # skipped
    s = tmp_path / "t" / "settings.csv"
    s.write_text(s.read_text("utf-8-sig") + s.read_text("utf-8-sig").splitlines()[1] + "\n",
                 "utf-8")
    with pytest.raises(SheetInputError) as e:
        read_instance(tmp_path / "t", lang="en")
    assert _where(e) == [("notatki.csv", None, None), ("settings.csv", 3, None)]


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(SheetInputError, match=r"cannot open the \.xlsx workbook"):
        read_instance(bad, lang="en")
    (tmp_path / "x.json").write_text("{}", "utf-8")
    with pytest.raises(SheetInputError, match=r"to nie jest skoroszyt \.xlsx"):
        read_instance(tmp_path / "x.json")
    with pytest.raises(SheetInputError, match="nie ma takiego pliku"):
        read_instance(tmp_path / "brak.xlsx")
    _write(tmp_path / "u16", "places.csv", "id\nabc\n", "utf-16")
    with pytest.raises(SheetInputError, match="not UTF-8 or Windows-1250"):
        read_instance(tmp_path / "u16", lang="en")


# --- templates ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_reads_back_as_a_valid_instance(tmp_path, lang, fmt):
    target = tmp_path / ("t.xlsx" if fmt == "xlsx" else "t")
    write_template(target, lang=lang, fmt=fmt)
    assert read_instance(target, lang=lang) == template_instance()
    if fmt == "csv":
        guide = (target / ("instrukcja.txt" if lang == "pl" else "instructions.txt"))
        assert ("pon 8:00-12:00" if lang == "pl" else "mon 8:00-12:00") in guide.read_text("utf-8")
        helpers = _csv_rows(target / ("pomagający.csv" if lang == "pl" else "helpers.csv"))
        assert helpers[0][:3] == (["id", "imię i nazwisko", "miejsce zamieszkania"]
                                  if lang == "pl" else ["id", "name", "home place"])


def test_xlsx_template_has_instructions_headers_and_drop_downs(tmp_path):
    path = _workbook_from_template(tmp_path, "pl")
    wb = load_workbook(path)
    assert wb.sheetnames == ["instrukcja", *[s.pl for s in SHEETS]]
    ws = wb["pomagający"]
    assert [c.value for c in ws[1]] == [c.pl for c in sheet("helpers").columns]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"tak,nie"' in lists
    assert '"wolontariusz,grupa samopomocowa,usługi sąsiedzkie"' in lists
    assert ws.cell(2, 6).value == "wt 09:00-13:00; czw 14:00-18:00"
    assert isinstance(wb["potrzeby"].cell(2, 11).value, datetime)  # a real date cell


# --- formula injection ----------------------------------------------------------------------

def test_neutralise_and_restore():
    for text in ("=1+1", "+48 600", "-x", "@SUM(A1)", "\tTAB", "\rCR"):
        assert neutralise(text) == "'" + text
        assert restore(neutralise(text)) == text
    for value in (-3, 2.5, None, True, date(2026, 1, 1), "Anna", "", "'quoted'"):
        assert neutralise(value) == value
        assert restore(value) == value


def test_written_cells_cannot_run_as_formulas(tmp_path):
    evil = "=HYPERLINK(\"http://x\",\"y\")"
    base = template_instance()
    inst = evolve(base, helpers=[evolve(base.helpers[0], name=evil)],
                  services=[evolve(base.services[0], provider="+48 cmd|' /C calc'!A0")])
    write_instance_xlsx(inst, tmp_path / "e.xlsx", "en")
    wb = load_workbook(tmp_path / "e.xlsx")
    cell = wb["helpers"].cell(2, 2)
    assert cell.value == "'" + evil
    assert cell.data_type == "s"
    assert wb["services"].cell(2, 2).value.startswith("'+")
    write_instance_csv(inst, tmp_path / "e", "pl")
    assert "'=HYPERLINK" in (tmp_path / "e" / "pomagający.csv").read_text("utf-8-sig")
    for target in (tmp_path / "e.xlsx", tmp_path / "e"):
        assert read_instance(target) == inst


def test_formulas_in_a_coordinators_workbook_are_read_as_their_values(tmp_path):
    wb = Workbook()
    wb.active.title = "ustawienia"
    wb.active.append(["początek okresu", "koniec okresu"])
    wb.active.append([date(2026, 3, 23), "=A2+6"])  # no cached value: refused, not empty
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(SheetInputError) as e:
        read_instance(tmp_path / "f.xlsx")
    assert ("ustawienia", 2, "koniec okresu") in _where(e)
    assert [str(p.code) for p in e.value.problems] == ["cell_formula_no_value"]


# --- command line ---------------------------------------------------------------------------

def test_cli_template_and_import(tmp_path, capsys):
    out = tmp_path / "szablon.xlsx"
    assert main(["template", str(out), "--lang", "pl"]) == 0
    assert main(["import", str(out), "-o", str(tmp_path / "gmina.json")]) == 0
    assert load_instance(tmp_path / "gmina.json") == template_instance()
    assert main(["--lang", "en", "template", str(tmp_path / "csv"), "--format", "csv",
                 "--demo"]) == 0
    assert (tmp_path / "csv" / "helpers.csv").exists()
    assert main(["import", str(tmp_path / "csv"), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed[printed.index("{"):])["name"] == demo_instance().name


def test_cli_import_reports_every_problem_in_polish(tmp_path, capsys):
    folder = _broken_folder(tmp_path / "zle")
    assert main(["import", str(folder), "--lang", "pl", "-o", str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err
    assert "11 problemów" in err
    assert "wiersz 5, kolumna 'id'" in err
    assert not (tmp_path / "x.json").exists()


def test_cli_usage_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["template", str(tmp_path / "t.xlsx"), "--format", "ods"])
    assert e.value.code == 2
    capsys.readouterr()


def test_instance_with_every_field_round_trips(tmp_path):
    """Fields the demo and the generator rarely fill: IPUS, group sessions, valid ranges."""
    from cus_match.model import Ipus, TravelEdge

    base = instance(
        [helper("h1", unavailable=[DateRange("2026-03-25", "2026-03-26"),
                                   DateRange("2026-03-28", "2026-03-28")],
                max_residents=2, is_minor=True, guardian_consent=True, kind="neighbour_service",
                family_of=["r2"], vetoes_residents=["r2"], vetoes_categories=["walk"],
                qualifications=["nurse"],
                agreement=Agreement("2026-01-01", "2026-06-30", written=True,
                                    categories=["shopping"], weekly_hours_cap=1.5))],
        [need("n1", ipus=Ipus("ipus-1", "2026-01-01", "2026-12-31"), helpers_needed=2,
              priority=0, involves_minors=True, required_skills=["lifting"],
              required_languages=["uk"], required_qualifications=["nurse"],
              required_mode="car", place="b",
              recurrence=Recurrence.weekly("tue", start="2026-03-24", end="2026-03-28")),
         need("g1", resident=None, place="a", windows=[TimeWindow("16:00", "24:00")])],
        residents=[Resident("r1", home="a", vetoes=["h1"], previous_helpers=["h1"],
                            accepted_neighbours=["h1"]), Resident("r2", home="b")],
        services=[FormalService("s1", "MOPS", "personal_care", ["r1"],
                                [WeeklyWindow("mon", "08:00", "09:30")],
                                valid=DateRange("2026-03-01", "2026-04-30"), covers=["shopping"])],
        travel_edges=[TravelEdge("a", "b", {"bus": 12.5})],
    )
    inst = evolve(base, policy=Policy(period=base.policy.period, timezone="Europe/London",
                                      neighbour_max_walk_minutes=20, minors_solo_personal_care=True,
                                      time_step_minutes=5))
    for lang in ("pl", "en"):
        write_instance(inst, tmp_path / f"{lang}.xlsx", lang)
        write_instance(inst, tmp_path / lang, lang, fmt="csv")
        assert read_instance(tmp_path / f"{lang}.xlsx", lang) == inst
        assert read_instance(tmp_path / lang, lang) == inst


def test_bad_options():
    with pytest.raises(InvalidOptionError):
        write_template("x.xlsx", fmt="ods")
    with pytest.raises(InvalidOptionError):
        read_instance("x.xlsx", lang="de")


def test_generate_profiles_round_trip_quickly(tmp_path):
    inst = generate("town", seed=3)
    write_instance(inst, tmp_path / "t", "pl", fmt="csv")
    assert read_instance(tmp_path / "t") == inst


def test_docs_list_every_sheet_and_column():
    doc = (Path(__file__).parents[1] / "docs" / "spreadsheets.md").read_text("utf-8")
    for s in SHEETS:
        for lang in ("pl", "en"):
            assert f"#### `{s.names[lang]}`" in doc
            for c in s.columns:
                assert f"| {c.names[lang]} |" in doc, (s.key, c.key, lang)


def test_values_outside_the_headed_columns_are_not_dropped_silently(tmp_path):
    write_template(tmp_path / "t", lang="pl", fmt="csv")
    f = tmp_path / "t" / "mieszkańcy.csv"
    lines = f.read_text("utf-8-sig").splitlines()
    f.write_text("\n".join([lines[0], lines[1] + ";;;;;;zapomniana wartość"]) + "\n", "utf-8")
    with pytest.raises(SheetInputError) as e:
        read_instance(tmp_path / "t")
    assert _where(e) == [("mieszkańcy.csv", 2, "M")]  # after the household column
    assert "kolumnie bez nagłówka" in e.value.problems[0].message


@given(junk=st.lists(st.text(st.characters(exclude_categories=("Cs",),
                                            exclude_characters="\x00"), max_size=12),
                     min_size=6, max_size=6))
def test_any_cell_text_gives_an_instance_or_located_problems(tmp_path_factory, junk):
    folder = tmp_path_factory.mktemp("junk")
    write_template(folder, lang="en", fmt="csv")
    rows = _csv_rows(folder / "helpers.csv")
    for j, text in zip((2, 4, 5, 6, 8, 13), junk, strict=True):
        rows[1][j] = text
    with (folder / "helpers.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    problems: tuple = ()
    try:
        read_instance(folder, lang="pl")
    except SheetInputError as e:
        problems = e.problems
        assert problems
    assert all(p.sheet == "helpers.csv" and p.row == 2 and p.column for p in problems)


# --- names where ids are meant (issue 13) ----------------------------------------------------


def _edit_template(tmp_path: Path, edits: dict[tuple[str, str], object]) -> Path:
    """The Polish template with cells replaced: (sheet, header) -> value in the first row."""
    write_template(tmp_path / "t.xlsx", lang="pl")
    wb = load_workbook(tmp_path / "t.xlsx")
    for (name, header), value in edits.items():
        ws = wb[name]
        heads = [c.value for c in ws[1]]
        ws.cell(2, heads.index(header) + 1).value = value  # None empties the cell
    wb.save(tmp_path / "edited.xlsx")
    return tmp_path / "edited.xlsx"


def test_category_and_place_names_in_any_case_and_without_diacritics(tmp_path):
    path = _edit_template(tmp_path, {
        ("potrzeby", "kategoria"): "ZAKUPY",
        ("potrzeby", "miejsce"): "Nowotaniec",
        ("pomagający", "miejsce zamieszkania"): "bukowsko",
        ("pomagający", "porozumienie: kategorie"): "Zakupy; odwiedziny towarzystwo; Transport",
        ("pomagający", "odmawia kategorii"): "Pomoc w lekcjach",
        ("mieszkańcy", "miejsce zamieszkania"): "NOWOTANIEC",
        ("usługi", "kategoria"): "uslugi opiekuncze",
        ("dojazdy", "miejsce A"): "Bukowsko",
    })
    inst = read_instance(path)
    assert (inst.needs[0].category, inst.needs[0].place) == ("shopping", "nowotaniec")
    assert inst.helpers[0].agreement.categories == {"shopping", "companionship", "transport"}
    assert inst.helpers[0].vetoes_categories == {"homework_help"}
    assert inst.residents[0].home == "nowotaniec"
    assert inst.services[0].category == "personal_care"
    assert inst.travel_edges[0].a == "bukowsko"


def test_an_unknown_name_says_did_you_mean_at_its_cell(tmp_path):
    path = _edit_template(tmp_path, {
        ("potrzeby", "kategoria"): "zakpy",
        ("pomagający", "miejsce zamieszkania"): "Bukowskoo",
        ("pomagający", "porozumienie: kategorie"): "zakupy, ogrodnictwo",
    })
    with pytest.raises(SheetInputError) as e:
        read_instance(path, lang="pl")
    got = {(p.sheet, p.row, p.column): p.text("pl") for p in e.value.problems}
    assert got == {
        ("pomagający", 2, "miejsce zamieszkania"):
            "nieznane miejsce 'Bukowskoo'; czy chodzi o 'Bukowsko'?",
        ("pomagający", 2, "porozumienie: kategorie"):
            "nieznana kategoria 'ogrodnictwo' (wpisz identyfikator albo nazwę)",
        ("potrzeby", 2, "kategoria"): "nieznana kategoria 'zakpy'; czy chodzi o 'Zakupy'?",
    }
    assert "did you mean 'Zakupy'" in e.value.problems[-1].text("en")


def test_a_name_two_places_share_is_refused_with_both_ids(tmp_path):
    path = _edit_template(tmp_path, {("miejsca", "nazwa"): "Nowotaniec",
                                     ("pomagający", "miejsce zamieszkania"): "nowotaniec "})
    inst = read_instance(path)  # an exact id (spaces aside) always wins
    assert inst.helpers[0].home == "nowotaniec"
    path = _edit_template(tmp_path, {("miejsca", "nazwa"): "Nowotaniec",
                                     ("pomagający", "miejsce zamieszkania"): "NOWOTANIEC"})
    with pytest.raises(SheetInputError) as e:
        read_instance(path, lang="en")
    assert [p.text("en") for p in e.value.problems] == [
        "'NOWOTANIEC' names more than one place: write one of the ids 'bukowsko', "
        "'nowotaniec'"]


def test_workbook_has_drop_downs_fed_from_the_categories_and_places_sheets(tmp_path):
    write_template(tmp_path / "t.xlsx", lang="pl")
    wb = load_workbook(tmp_path / "t.xlsx")
    heads = [c.value for c in wb["potrzeby"][1]]
    lists = {str(dv.sqref): dv for dv in wb["potrzeby"].data_validations.dataValidation}
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cat = lists[f"{letter[heads.index('kategoria')]}2:{letter[heads.index('kategoria')]}1000"]
    assert (cat.type, cat.formula1) == ("list", "'kategorie'!$B$2:$B$1000")
    assert not cat.showErrorMessage  # an id or an English name is accepted as well
    place = lists[f"{letter[heads.index('miejsce')]}2:{letter[heads.index('miejsce')]}1000"]
    assert place.formula1 == "'miejsca'!$B$2:$B$1000"
    assert [c.value for c in wb["kategorie"]["B"]][:2] == ["nazwa polska", "Zakupy"]
    homes = {str(dv.sqref): dv.formula1
             for dv in wb["pomagający"].data_validations.dataValidation}
    assert homes["C2:C1000"] == "'miejsca'!$B$2:$B$1000"
    write_template(tmp_path / "en.xlsx", lang="en")
    wb = load_workbook(tmp_path / "en.xlsx")
    assert any(dv.formula1 == "'categories'!$C$2:$C$1000"
               for dv in wb["needs"].data_validations.dataValidation)


def test_one_row_of_the_needs_sheet_with_its_problems_at_its_cells(tmp_path):
    from cus_match.io.sheets import read_need_row

    path = _edit_template(tmp_path, {("potrzeby", "kategoria"): "Zakupy",
                                     ("potrzeby", "czas (min)"): None,
                                     ("potrzeby", "dni tygodnia"): "pon, sroda"})
    inst = template_instance()
    with pytest.raises(SheetInputError) as e:
        read_need_row(path, 2, inst, lang="pl")
    assert [(p.sheet, p.row, p.column) for p in e.value.problems] == [
        ("potrzeby", 2, "czas (min)")]
    path = _edit_template(tmp_path, {("potrzeby", "kategoria"): "Zakupy",
                                     ("potrzeby", "dni tygodnia"): "pon, sroda"})
    need = read_need_row(path, 2, inst)
    assert need.category == "shopping"
    assert sorted(d.value for d in need.recurrence.days) == ["mon", "wed"]


@pytest.mark.parametrize("name", ["gmina.xlsx", "csv"])
def test_the_law_switches_of_the_policy_round_trip_and_prior_service_is_refused(tmp_path, name):
    from cus_match.model import PriorService

    base = instance([helper("h1")], [need("n1")])
    inst = evolve(base, policy=evolve(base.policy, checks_on_visit_day=True,
                                      service_since_agreement=False))
    write_instance(inst, tmp_path / name)
    back = read_instance(tmp_path / name)
    assert (back.policy.checks_on_visit_day, back.policy.service_since_agreement) == (True, False)
    assert back == inst
    served = evolve(inst, policy=evolve(inst.policy, prior_service=[PriorService(
        "h1", ["2026-02-10"])]))
    with pytest.raises(InvalidOptionError, match="history store"):
        write_instance(served, tmp_path / f"other-{name}")
    assert not (tmp_path / f"other-{name}").exists()  # nothing half-written
