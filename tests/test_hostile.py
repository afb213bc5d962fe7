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


# --- the command line: paths, extras, numbers -----------------------------------------------

@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from cus_match.io.json_format import dump_instance, dump_result
    from cus_match.optimise.solve import solve

    folder = tmp_path_factory.mktemp("plan")
    inst = generate("tiny", seed=1)
    dump_instance(inst, folder / "i.json")
    dump_result(solve(inst, method="greedy"), folder / "r.json")
    return folder / "i.json", folder / "r.json"


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from cus_match.cli.main import main

    code = main(argv)
    err = capsys.readouterr().err.strip()
    return code, err


def _one_line(err: str, *words: str) -> None:
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)


def test_solve_into_a_missing_folder_fails_before_solving(plan_files: tuple[Path, Path],
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import cus_match.optimise.solve as solve_module

    def no_solve(*a: object, **k: object) -> None:
        raise AssertionError("solved before the path was checked")

    monkeypatch.setattr(solve_module, "solve", no_solve)
    inst, _ = plan_files
    out = tmp_path / "missing" / "r.json"
    code, err = _cli(["--lang", "pl", "solve", str(inst), "-o", str(out)], capsys)
    assert code == 1
    _one_line(err, str(out), "nie istnieje")


@pytest.mark.parametrize("make", ["dir", "missing"])
def test_every_output_option_is_checked_first(plan_files: tuple[Path, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              make: str) -> None:
    inst, res = plan_files
    target = tmp_path / "out"
    if make == "dir":
        target.mkdir()
    else:
        target = tmp_path / "missing" / "out"
    commands = [
        ["solve", str(inst), "-o", str(target)],
        ["report", str(inst), str(res), "-o", str(target)],
        ["export", str(inst), str(res), "--xlsx", str(target)],
        ["import", str(tmp_path), "-o", str(target)],
        ["generate", "--profile", "tiny", "-o", str(target)],
        ["template", str(target.with_suffix(".xlsx")) if make == "missing"
         else str(target), "--format", "xlsx"],
        ["diagnose", str(inst), str(res), "-o", str(target)],
    ]
    for argv in commands:
        code, err = _cli(argv, capsys)
        assert code == 1, (argv, err)
        _one_line(err, str(target.parent) if make == "missing" else str(target))


def test_csv_and_ics_folders_that_are_files_are_refused(plan_files: tuple[Path, Path],
                                                        tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    inst, res = plan_files
    f = tmp_path / "a-file"
    f.write_text("x")
    for option in ("--csv", "--ics"):
        code, err = _cli(["export", str(inst), str(res), option, str(f)], capsys)
        assert code == 1
        _one_line(err, str(f), "not a folder")


def test_a_read_only_folder_is_named_as_such(plan_files: tuple[Path, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import cus_match.cli.paths as paths

    # Tests may run as root, whom no permission bit stops: the check itself is what is tested.
    monkeypatch.setattr(paths.os, "access", lambda p, mode: Path(p) != tmp_path)
    inst, res = plan_files
    code, err = _cli(["report", str(inst), str(res), "-o", str(tmp_path / "r.html")], capsys)
    assert code == 1
    _one_line(err, "read-only")
    assert os.access  # the real one is back after the test


@pytest.mark.parametrize("kind", ["missing", "dir", "cp1250"])
def test_need_and_names_files_are_checked(plan_files: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], kind: str) -> None:
    inst, res = plan_files
    f = tmp_path / "f.txt"
    if kind == "dir":
        f.mkdir()
    elif kind == "cp1250":
        f.write_bytes("r1;Łucja Żak".encode("cp1250"))
    words = {"missing": "no such", "dir": "folder", "cp1250": "UTF-8"}[kind]
    need = [["recommend", str(inst), str(res), str(f)]]
    names = [["report", str(inst), str(res), "-o", str(tmp_path / "r.html"), "--names", str(f)],
             ["export", str(inst), str(res), "--csv", str(tmp_path / "c"), "--names", str(f)]]
    # A names file saved by Polish Excel (Windows-1250) is read by store.people: only its
    # content is then refused (r1 is no resident here), with the file and the line named.
    for argv in need + (names if kind != "cp1250" else []):
        code, err = _cli(argv, capsys)
        assert code == 1, argv
        _one_line(err, str(f), words)
    for argv in names if kind == "cp1250" else []:
        code, err = _cli(argv, capsys)
        assert code == 1, argv
        assert err.splitlines() == [f"{f}: 1 problem", "  r1: not a resident of the instance"]


@pytest.mark.parametrize(("module", "argv", "extra"), [
    ("openpyxl", ["template", "{tmp}/t.xlsx"], "xlsx"),
    ("defusedxml", ["import", "{tmp}/t.xlsx"], "xlsx"),
    ("jinja2", ["report", "{inst}", "{res}", "-o", "{tmp}/r.html"], "report"),
    ("icalendar", ["export", "{inst}", "{res}", "--ics", "{tmp}/ics"], "ical"),
])
def test_a_missing_extra_is_one_line_naming_it(plan_files: tuple[Path, Path], tmp_path: Path,
                                               module: str, argv: list[str], extra: str) -> None:
    inst, res = plan_files
    (tmp_path / "t.xlsx").write_bytes(b"")
    args = [a.format(tmp=tmp_path, inst=inst, res=res) for a in argv]
    out = hf.run_limited(textwrap.dedent(f"""
        import sys
        sys.modules[{module!r}] = None  # as if the extra were not installed
        from cus_match.cli.main import main
        sys.exit(main({args!r}))
    """), timeout=60)
    assert out.returncode == 2, out.stderr
    _one_line(out.stderr.strip(), f"pip install 'cus-match[{extra}]'", module)


@pytest.mark.parametrize("argv", [
    ["solve", "{inst}", "-o", "{tmp}/r.json", "--seed", str(2**70)],
    ["solve", "{inst}", "-o", "{tmp}/r.json", "--weights", "weighted_coverage=1e308"],
    ["solve", "{inst}", "-o", "{tmp}/r.json", "--time-limit", "1e300"],
    ["generate", "--seed", str(2**70)],
    ["history", "{tmp}/h.db", "retention", str(10**20)],
    ["history", "{tmp}/h.db", "load", "--last", str(10**20)],
])
def test_numbers_out_of_bounds_are_refused_before_work(plan_files: tuple[Path, Path],
                                                       tmp_path: Path, argv: list[str],
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    from cus_match.store.history import HistoryStore

    inst, _ = plan_files
    with HistoryStore(tmp_path / "h.db", create=True):
        pass
    code, err = _cli([a.format(tmp=tmp_path, inst=inst) for a in argv], capsys)
    assert code == 2, err
    _one_line(err, "is outside")


# --- writers --------------------------------------------------------------------------------

def _with_names(names: list[str], ids: list[str] | None = None) -> tuple[object, object]:
    from cus_match.optimise.solve import solve

    base = generate("tiny", seed=1)
    helpers = [evolve(h, name=n) for h, n in zip(base.helpers, names, strict=False)]
    inst = evolve(base, helpers=[*helpers, *base.helpers[len(helpers):]])
    if ids:
        mapping = dict(zip([h.id for h in inst.helpers], ids, strict=False))
        inst = json.loads(dumps_instance(inst))
        text = json.dumps(inst)
        for old, new in mapping.items():
            text = text.replace(f'"{old}"', f'"{new}"')
        inst = loads_instance(text)
    return inst, solve(inst, method="greedy")


@pytest.mark.parametrize(("name", "delimiter", "other"), [("x,=3+3", ";", ","),
                                                          ("x;=2+2", ",", ";"),
                                                          ("x\t=1+1", ";", "\t")])
def test_csv_cells_cannot_be_split_into_a_formula(tmp_path: Path, name: str, delimiter: str,
                                                  other: str) -> None:
    import csv

    from cus_match.report.tables import write_csv

    inst, result = _with_names([name, name, name])
    files = write_csv(inst, result, tmp_path / "c", lang="en", delimiter=delimiter)
    folder = tmp_path / "s"
    write_instance_csv(inst, folder, "pl" if delimiter == ";" else "en")
    files += sorted(folder.glob("*.csv"))
    seen = False
    for f in files:
        text = f.read_text("utf-8-sig")
        seen = seen or name.replace("=", "'=") in text
        for sep in (delimiter, other):  # as the file's Excel and another locale's read it
            for row in csv.reader(text.splitlines(), delimiter=sep):
                assert not any(c.startswith(("=", "+", "@")) for c in row), (f, sep, row)
    assert seen
    assert read_instance(folder).helpers[0].name == name


def test_control_characters_cannot_reach_any_writer(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(dumps_instance(generate("tiny", seed=1)))
    data["helpers"][0]["name"] = "Anna\x00\x1b[2J"
    data["places"][0]["name"] = "Wola\nDruga"
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data), "utf-8")
    code, err = _cli(["validate", str(path)], capsys)
    assert code == 1
    assert "helpers[0].name" in err
    assert "U+0000" in err
    assert "places[0].name" in err


def test_calendar_files_of_ids_differing_by_case_or_named_con(tmp_path: Path) -> None:
    from cus_match.report.calendar import write_ics

    base = generate("tiny", seed=1)
    ids = [h.id for h in base.helpers]
    inst, result = _with_names([], ids=None)
    text = dumps_instance(inst)
    for old, new in zip(ids, ["CON", "anna", "Anna"], strict=True):
        text = text.replace(f'"{old}"', f'"{new}"')
    inst = loads_instance(text)
    from cus_match.optimise.solve import solve

    result = solve(inst, method="greedy")
    paths = write_ics(inst, result, tmp_path / "ics")
    names = [p.name for p in paths]
    assert len({n.casefold() for n in names}) == len(names)
    for n in names:
        assert n.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_a_store_in_a_read_only_folder_is_not_called_damaged(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    import cus_match.store.opening as opening
    from cus_match.store.errors import StoreError
    from cus_match.store.history import HistoryStore

    with HistoryStore(tmp_path / "h.db", create=True):
        pass
    # Tests may run as root, whom no permission bit stops: the check itself is what is tested.
    monkeypatch.setattr(opening.os, "access", lambda p, mode: Path(p) != tmp_path)
    with pytest.raises(StoreError) as e, HistoryStore(tmp_path / "h.db", create=False):
        pass
    assert "read-only folder" in e.value.message
    assert "damaged" not in e.value.message


def test_control_characters_in_a_names_file_are_refused(plan_files: tuple[Path, Path],
                                                        tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    inst, res = plan_files
    names = tmp_path / "names.csv"
    rid = generate("tiny", seed=1).residents[0].id
    names.write_text(f"{rid};Jan\x1b<script>\n", "utf-8")
    code, err = _cli(["report", str(inst), str(res), "-o", str(tmp_path / "r.html"), "--names",
                      str(names)], capsys)
    assert code == 1
    assert "U+001B" in err
    assert not (tmp_path / "r.html").exists()


def test_control_characters_in_free_text_options_are_refused(plan_files: tuple[Path, Path],
                                                             tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    inst, res = plan_files
    code, err = _cli(["report", str(inst), str(res), "-o", str(tmp_path / "r.html"),
                      "--title", "Plan\x00"], capsys)
    assert code == 2
    _one_line(err, "--title", "U+0000")
    assert not (tmp_path / "r.html").exists()
    code, err = _cli(["certificate", str(tmp_path / "h.db"), "h1", "--organisation",
                      "CUS\x1b[2J", "--from", "2026-01-01", "--to", "2026-02-01"], capsys)
    assert code == 2
    _one_line(err, "--organisation", "U+001B")
