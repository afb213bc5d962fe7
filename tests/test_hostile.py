"""Hostile, damaged and unusual input: a clear error every time, nothing silently lost (issue 14).

Every case is made at test time (``tests/hostile_files.py``). The ones that could run away in
time or memory run in a child process under a 2 GB address-space cap and a time limit; the
fuzzers allow :class:`~cus_match.errors.InvalidInputError` and nothing else.
"""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_files as hf
from cus_match.errors import InvalidInputError
from cus_match.generate import demo_instance, generate
from cus_match.io.json_format import dumps_instance, loads_instance
from cus_match.io.sheets import SheetInputError, read_instance, write_instance_csv
from cus_match.problem_texts import ProblemCode


def _codes(e: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [str(p.code) for p in e.value.problems]


def _read_fails(path: Path) -> SheetInputError:
    with pytest.raises(SheetInputError) as e:
        read_instance(path, lang="en")
    text = e.value.text("pl") + e.value.text("en")
    assert "Traceback" not in text
    assert "Error" not in text.split(":", 1)[1]
    return e.value


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hf.workbook(demo_instance(), tmp_path_factory.mktemp("demo") / "gmina.xlsx")


@pytest.fixture
def book(demo_xlsx: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "gmina.xlsx"
    copy.write_bytes(demo_xlsx.read_bytes())
    return copy


# --- XLSX: data silently lost ---------------------------------------------------------------

def test_a_stale_dimension_tag_loses_no_row(book: Path) -> None:
    from openpyxl import load_workbook

    member = hf.sheet_member(book, "potrzeby")
    hf.edit_member(book, member, lambda x: x.replace('<dimension ref="A1:V46" />',
                                                     '<dimension ref="A1:V5" />'))
    wb = load_workbook(book, read_only=True)
    assert sum(1 for _ in wb["potrzeby"].iter_rows()) == 5  # what openpyxl alone would read
    wb.close()
    inst = read_instance(book)
    assert len(inst.needs) == 45
    assert inst == demo_instance()


def test_a_formula_without_a_value_is_refused_with_its_cell(book: Path) -> None:
    hf.set_cell_xml(book, "pomagający", "E2", '<c r="E2"><f>2+1</f></c>')
    e = _read_fails(book)
    [p] = e.problems
    assert p.code == ProblemCode.CELL_FORMULA_NO_VALUE
    assert (p.sheet, p.row, p.column) == ("pomagający", 2, "godzin tygodniowo")
    assert "E2" in p.text("en")


def test_a_cell_merged_across_two_helpers_is_refused(book: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["pomagający"].merge_cells("E2:E3")
    wb.save(book)
    e = _read_fails(book)
    assert [(str(p.code), p.sheet, p.row) for p in e.problems] == [
        ("cell_merged", "pomagający", 2)]
    assert "E2:E3" in e.problems[0].text("pl")


def test_a_leading_tab_and_a_typed_tab_are_kept(tmp_path: Path) -> None:
    base = demo_instance()
    inst = evolve(base, helpers=[evolve(base.helpers[0], name="\tAnna"), *base.helpers[1:]])
    path = hf.workbook(inst, tmp_path / "t.xlsx")
    assert read_instance(path).helpers[0].name == "\tAnna"
    # typed by a person, without the apostrophe the writer adds
    hf.set_cell_xml(path, "pomagający", "B2",
                    '<c r="B2" t="inlineStr"><is><t xml:space="preserve">\tBeata</t></is></c>')
    assert read_instance(path).helpers[0].name == "\tBeata"


# --- XLSX: hostile and damaged files --------------------------------------------------------

def test_a_zip_bomb_is_refused_from_the_directory_without_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    hf.zip_bomb(bomb)
    assert bomb.stat().st_size < 3 * 2**20
    out = hf.run_limited(textwrap.dedent(f"""
        import time
        from cus_match.io.sheets import read_instance, SheetInputError
        t = time.perf_counter()
        try:
            read_instance({str(bomb)!r}, lang="en")
        except SheetInputError as e:
            print(e.problems[0].code, round(time.perf_counter() - t, 3))
    """), timeout=30)
    code, seconds = out.stdout.split()
    assert code == "xlsx_member_too_large", out.stderr
    assert float(seconds) < 2.0  # not one byte inflated


def test_a_directory_that_lies_about_a_size_is_caught_by_the_crc(book: Path) -> None:
    member = hf.sheet_member(book, "potrzeby")
    hf.lying_size(book, member, 1000)
    e = _read_fails(book)
    assert _codes_of(e) == ["xlsx_damaged"]


def _codes_of(e: InvalidInputError) -> list[str]:
    return [str(p.code) for p in e.problems]


def test_a_million_rows_in_a_skipped_sheet_are_never_parsed(book: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb.create_sheet("#notatki")
    wb.save(book)
    big = hf.million_row_sheet()
    hf.replace_member(book, hf.sheet_member(book, "#notatki"), big)
    assert book.stat().st_size < 8 * 2**20
    out = hf.run_limited(textwrap.dedent(f"""
        import time
        from cus_match.io.sheets import read_instance
        t = time.perf_counter()
        inst = read_instance({str(book)!r})
        print(len(inst.needs), round(time.perf_counter() - t, 3))
    """), timeout=60)
    needs, seconds = out.stdout.split()
    assert needs == "45", out.stderr
    assert float(seconds) < 20


def test_a_million_rows_in_a_read_sheet_stop_at_the_row_limit(book: Path) -> None:
    hf.replace_member(book, hf.sheet_member(book, "potrzeby"), hf.million_row_sheet())
    out = hf.run_limited(textwrap.dedent(f"""
        from cus_match.io.sheets import read_instance, SheetInputError
        try:
            read_instance({str(book)!r}, lang="en")
        except SheetInputError as e:
            print(*sorted({{str(p.code) for p in e.problems}}))
    """), timeout=60)
    assert out.stdout.split() == ["sheet_too_many_rows"], out.stderr


@pytest.mark.parametrize(("xml", "code"), [
    (b"<worksheet><sheetData><row r='1'><c r='A1'>", "xlsx_bad_xml"),
    (b"\xff\xfe not xml at all", "xlsx_bad_xml"),
    (hf.BILLION_LAUGHS.encode(), "xlsx_forbidden_xml"),
    (hf.EXTERNAL_ENTITY.encode(), "xlsx_forbidden_xml"),
])
def test_hostile_sheet_xml_is_one_clear_problem(book: Path, xml: bytes, code: str) -> None:
    hf.replace_member(book, hf.sheet_member(book, "potrzeby"), xml)
    e = _read_fails(book)
    assert _codes_of(e) == [code]
    assert e.problems[0].sheet == "potrzeby"


def test_bad_deflate_data_is_one_clear_problem(book: Path) -> None:
    hf.damage_deflate(book, hf.sheet_member(book, "potrzeby"))
    e = _read_fails(book)
    assert _codes_of(e) == ["xlsx_damaged"]


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    assert _codes_of(_read_fails(path)) == ["workbook_unreadable"]


@pytest.mark.parametrize(("cell", "code", "column"), [
    ('<c r="E2" t="s"><v>99999</v></c>', "cell_bad_shared_string", "godzin tygodniowo"),
    ('<c r="E2"><v>abc</v></c>', "cell_bad_value", "godzin tygodniowo"),
    ('<c r="E2"><v>nan</v></c>', "cell_bad_value", "godzin tygodniowo"),
    ('<c r="E2" t="d"><v>2026-99-99</v></c>', "cell_bad_value", "godzin tygodniowo"),
    ('<c r="E2" t="b"><v>yes</v></c>', "cell_bad_value", "godzin tygodniowo"),
    ('<c r="E2" t="e"><v>#DIV/0!</v></c>', "cell_error_value", "godzin tygodniowo"),
    ('<c r="E2"><v>٣</v></c>', "cell_bad_value", "godzin tygodniowo"),
])
def test_a_bad_cell_names_sheet_row_column_and_address(book: Path, cell: str, code: str,
                                                       column: str) -> None:
    hf.set_cell_xml(book, "pomagający", "E2", cell)
    e = _read_fails(book)
    [p] = e.problems
    assert (str(p.code), p.sheet, p.row, p.column) == (code, "pomagający", 2, column)
    assert "E2" in p.text("en")
    assert "E2" in p.text("pl")


def test_an_arabic_indic_digit_typed_as_text_is_refused(book: Path) -> None:
    hf.set_cell_xml(book, "pomagający", "E2", '<c r="E2" t="inlineStr"><is><t>٣</t></is></c>')
    e = _read_fails(book)
    assert ("cell_non_ascii_digit", 2) in [(str(p.code), p.row) for p in e.problems]


def test_a_period_ending_in_9999_in_a_workbook_is_refused_at_once(book: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["ustawienia"]["C2"] = "31.12.9999"
    wb.save(book)
    t = time.perf_counter()
    e = _read_fails(book)
    assert time.perf_counter() - t < 10
    assert [(str(p.code), p.sheet, p.column) for p in e.problems] == [
        ("date_out_of_range", "ustawienia", "koniec okresu")]


def test_an_excel_serial_of_minus_five_is_refused(book: Path) -> None:
    hf.set_cell_xml(book, "ustawienia", "B2", '<c r="B2" s="3" t="n"><v>-5</v></c>')
    e = _read_fails(book)
    assert [(str(p.code), p.column) for p in e.problems] == [
        ("date_out_of_range", "początek okresu")]


def test_weekly_hours_of_1e308_in_a_workbook_are_refused(book: Path) -> None:
    hf.set_cell_xml(book, "pomagający", "E2", '<c r="E2"><v>1e308</v></c>')
    e = _read_fails(book)
    assert [(str(p.code), p.row) for p in e.problems] == [("out_of_range", 2)]


# --- CSV ------------------------------------------------------------------------------------

def test_csv_reader_refuses_control_characters_and_keeps_tabs(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    write_instance_csv(demo_instance(), folder, "pl")
    f = folder / "pomagający.csv"
    text = f.read_text("utf-8-sig")
    f.write_text(text.replace("Natalija F.", "\tNatalija F.", 1), "utf-8")
    assert read_instance(folder).helpers[0].name == "\tNatalija F."
    f.write_text(text.replace("Natalija F.", "Natalija\x1b[2J F.", 1), "utf-8")
    e = _read_fails(folder)
    assert [(str(p.code), p.row) for p in e.problems] == [("control_character", 2)]


# --- JSON -----------------------------------------------------------------------------------

def test_duplicate_keys_are_refused_with_their_path() -> None:
    text = dumps_instance(generate("tiny", seed=1), indent=None)
    text = text.replace('"priority": ', '"priority": 5, "priority": ', 1)
    text = text.replace('{"format": ', '{"format": "cus-match/1", "format": ', 1)
    with pytest.raises(InvalidInputError) as e:
        loads_instance(text)
    assert [(p.path, str(p.code), p.args["name"]) for p in e.value.problems] == [
        ("", "duplicate_key", "format"), ("needs[0]", "duplicate_key", "priority")]


@pytest.mark.parametrize("field", ["seed", "weights", "last", "retention"])
def test_every_cli_number_has_a_bound(field: str) -> None:
    from cus_match.limits import OPTION_BOUNDS

    assert field in OPTION_BOUNDS


# --- fuzzing: nothing but InvalidInputError -------------------------------------------------

_DOC = json.loads(dumps_instance(generate("tiny", seed=1)))
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                              max_size=4),
    max_leaves=12)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


_DOC_PATHS = [p for p in _paths(_DOC) if p]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_DOC_PATHS), _JSON_VALUES), min_size=1, max_size=4))
def test_fuzz_json_reader_raises_only_invalid_input(changes: list[tuple[tuple[object, ...],
                                                                         object]]) -> None:
    doc = json.loads(json.dumps(_DOC))
    for path, value in changes:
        target = doc
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        loads_instance(json.dumps(doc))
    except InvalidInputError as e:
        uncoded = [p for p in e.problems if str(p.code) == "invalid_value"]
        e.text("pl")
    else:
        uncoded = []
    assert not uncoded


@settings(max_examples=200)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_fuzz_json_bytes_raise_only_invalid_input(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        loads_instance(text)
    except InvalidInputError as e:
        e.text("pl")


_CSV_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 20), _CSV_TEXT),
                      min_size=1, max_size=5))
def test_fuzz_csv_reader_raises_only_invalid_input(tmp_path_factory: pytest.TempPathFactory,
                                                   cells: list[tuple[int, int, str]]) -> None:
    folder = tmp_path_factory.mktemp("fuzz") / "g"
    write_instance_csv(generate("tiny", seed=1), folder, "pl")
    f = folder / "pomagający.csv"
    lines = f.read_text("utf-8-sig").splitlines()
    for row, col, text in cells:
        r = row % len(lines)
        parts = lines[r].split(";")
        parts[col % len(parts)] = text.replace(";", ",")
        lines[r] = ";".join(parts)
    f.write_text("\n".join(lines), "utf-8")
    try:
        read_instance(folder, lang="en")
    except InvalidInputError as e:
        e.text("pl")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=st.sampled_from(["E2", "A2", "B3", "F4"]),
       kind=st.sampled_from(["n", "s", "str", "b", "e", "d", "inlineStr", "bogus"]),
       value=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                     max_size=12),
       style=st.sampled_from(["", ' s="1"', ' s="999"', ' s="x"']))
def test_fuzz_xlsx_cells_raise_only_invalid_input(demo_xlsx: Path,
                                                  tmp_path_factory: pytest.TempPathFactory,
                                                  cell: str, kind: str, value: str,
                                                  style: str) -> None:
    path = tmp_path_factory.mktemp("fx") / "g.xlsx"
    path.write_bytes(demo_xlsx.read_bytes())
    esc = value.replace("&", "&amp;").replace("<", "&lt;")
    body = (f"<is><t>{esc}</t></is>" if kind == "inlineStr" else f"<v>{esc}</v>")
    hf.set_cell_xml(path, "pomagający", cell, f'<c r="{cell}" t="{kind}"{style}>{body}</c>')
    try:
        read_instance(path, lang="en")
    except InvalidInputError as e:
        e.text("pl")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_xlsx_bytes_raise_only_invalid_input(demo_xlsx: Path,
                                                  tmp_path_factory: pytest.TempPathFactory,
                                                  flips: list[tuple[int, int]]) -> None:
    data = bytearray(demo_xlsx.read_bytes())
    for at, byte in flips:
        data[at % len(data)] = byte
    path = tmp_path_factory.mktemp("fb") / "g.xlsx"
    path.write_bytes(bytes(data))
    try:
        read_instance(path, lang="en")
    except InvalidInputError as e:
        e.text("pl")
