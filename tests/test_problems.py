"""Problems have stable codes and plain arguments, and are worded per language in one catalogue.

Every bad input the other tests feed the readers (JSON documents, files, spreadsheets) is fed
again here, to check that each problem has a code of the catalogue and that its Polish text has
no English left in it; the spreadsheet reader is shown to place problems by code, not by text.
"""

from __future__ import annotations

import csv
import json
import pickle
import re
import string
from collections.abc import Callable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cus_match.errors import (
    FieldTypeError,
    FieldValueError,
    InvalidInputError,
    InvalidOptionError,
    Problem,
    ProblemArgs,
)
from cus_match.io.cells import CellError, read_bool
from cus_match.io.json_format import (
    dumps_instance,
    dumps_result,
    load_instance,
    loads_instance,
    loads_result,
)
from cus_match.io.sheets import SheetInputError, read_instance, write_template
from cus_match.lang import LANGS
from cus_match.model import TimeWindow
from cus_match.model.validators import to_frozenset
from cus_match.problem_texts import (
    TEXTS,
    WORDS,
    ProblemCode,
    placeholders,
    problem_count,
    problem_from_dict,
    render,
)
from test_json_format import INSTANCE_MUTATIONS, RESULT_MUTATIONS, rich_instance, rich_result
from test_properties import base_document, generated_documents, mutated_documents
from test_sheets import POLISH_FILES, _broken_folder, _csv_rows, _write
from test_validation import BASE, CASES, mutated

# --- the catalogue ---------------------------------------------------------------------------


def test_every_code_has_a_text_in_every_language() -> None:
    assert set(TEXTS) == set(ProblemCode)
    for code, texts in TEXTS.items():
        assert set(texts) == set(LANGS), code
        assert all(t.strip() for t in texts.values()), code


def test_codes_are_stable_snake_case_names() -> None:
    for code in ProblemCode:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code.value), code
        assert code.value == code.name.lower()


@pytest.mark.parametrize("code", list(ProblemCode), ids=[c.value for c in ProblemCode])
def test_both_languages_use_the_same_placeholders(code: ProblemCode) -> None:
    en, pl = (placeholders(TEXTS[code][lang]) for lang in ("en", "pl"))
    assert en == pl, f"{code}: English names {sorted(en)}, Polish {sorted(pl)}"


def _sample(spec: str) -> Any:
    """An argument a placeholder with ``spec`` can show."""
    kind, _, rest = spec.partition(":")
    return {"date": "2026-03-24", "plural": 2, "hex": 233, "shape": (3, 4), "oserror": 2,
            "qlist": ("mon", "tue"), "q": "h1", "": "x",
            "w": next(iter(WORDS[rest]["en"]), "x") if kind == "w" else None,
            "lead": "car"}[kind]


@pytest.mark.parametrize("code", list(ProblemCode), ids=[c.value for c in ProblemCode])
def test_every_text_renders_in_every_language(code: ProblemCode) -> None:
    specs: dict[str, set[str]] = {}
    for lang in LANGS:
        for _, name, spec, _ in string.Formatter().parse(TEXTS[code][lang]):
            if name:
                specs.setdefault(name, set()).add(spec or "")
    # A number counted by a plural is shown plain too: it must be a number.
    args = {name: 2 if any(s.startswith("plural") for s in ss) else _sample(min(ss))
            for name, ss in specs.items()}
    for lang in LANGS:
        text = code.text(lang, args)
        assert "{" not in text, (code, lang, text)
        assert "}" not in text, (code, lang, text)


def test_word_tables_speak_every_language() -> None:
    for table, by_lang in WORDS.items():
        assert set(by_lang) == set(LANGS), table
    for table in ("expected", "json_type", "mode"):
        assert set(WORDS[table]["en"]) == set(WORDS[table]["pl"]), table


def test_polish_numbers_plurals_and_dates() -> None:
    assert ProblemCode.NOT_POSITIVE.text("pl", {"value": -0.25}) == \
        "musi być większe od 0, jest -0,25"
    assert ProblemCode.NOT_POSITIVE.text("en", {"value": -1.0}) == "must be > 0, got -1.0"
    assert ProblemCode.NOT_POSITIVE.text("pl", {"value": -1.0}) == \
        "musi być większe od 0, jest -1"
    assert [ProblemCode.LENGTH_MISMATCH.text("pl", {"count": n, "expected": 1})
            for n in (1, 3, 5, 22)] == [
        "ma 1 element, a agent ma 1", "ma 3 elementy, a agent ma 1",
        "ma 5 elementów, a agent ma 1", "ma 22 elementy, a agent ma 1"]
    assert ProblemCode.LONGER_THAN_WINDOWS.text("en", {"minutes": 1, "longest": 1}) == \
        "1 minute does not fit in any window (the longest is 1 minute)"
    assert ProblemCode.OUTSIDE_PERIOD.text(
        "pl", {"date": "2026-05-01", "start": "2026-03-23", "end": "2026-03-29"}) == \
        "01.05.2026 jest poza okresem planowania 23.03.2026-29.03.2026"
    assert [problem_count(n, "pl") for n in (1, 4, 11, 104)] == [
        "1 problem", "4 problemy", "11 problemów", "104 problemy"]


def test_the_sheet_mode_column_drops_the_mode_from_the_text() -> None:
    args = {"mode": "car", "value": 0.0}
    assert render(ProblemCode.SPEED_NOT_POSITIVE, args, "en") == \
        "car: speed must be > 0 km/h, got 0.0"
    assert render(ProblemCode.SPEED_NOT_POSITIVE, args, "pl") == \
        "samochód: prędkość musi być większa od 0 km/h, jest 0"
    assert render(ProblemCode.SPEED_NOT_POSITIVE, {**args, "mode": None}, "en") == \
        "speed must be > 0 km/h, got 0.0"


# --- problems as values ----------------------------------------------------------------------

def _problem() -> Problem:
    return Problem("helpers[2].id", ProblemCode.DUPLICATE_ID, {"id": "h1", "first": "helpers[0]"})


def test_a_problem_is_frozen_hashable_and_its_args_immutable() -> None:
    p = _problem()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.path = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        p.args["id"] = "h2"  # type: ignore[index]
    assert {p, _problem()} == {p}
    assert p.args == {"id": "h1", "first": "helpers[0]"}
    assert Problem("x", ProblemCode.NOT_A_MATRIX, {"shape": [3, 4]}).args["shape"] == (3, 4)


def test_a_problem_round_trips_through_json_and_pickle() -> None:
    p = _problem()
    record = json.loads(json.dumps(p.to_dict("pl")))
    assert record == {"path": "helpers[2].id", "code": "duplicate_id",
                      "args": {"id": "h1", "first": "helpers[0]"},
                      "message": "powtórzony identyfikator 'h1' (pierwszy raz: helpers[0])"}
    assert problem_from_dict(record) == p
    shaped = Problem("cost", ProblemCode.NOT_A_MATRIX, {"shape": (3,)})
    assert problem_from_dict(json.loads(json.dumps(shaped.to_dict()))) == shaped
    assert pickle.loads(pickle.dumps(p)) == p


def test_a_problem_needs_a_known_code_and_plain_args() -> None:
    with pytest.raises(TypeError, match="ProblemCode"):
        Problem("x", "duplicate_id")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be text, a number"):
        Problem("x", ProblemCode.UNKNOWN_PLACE, {"id": object()})
    with pytest.raises(ValueError, match="not_a_code"):
        problem_from_dict({"path": "", "code": "not_a_code"})


def test_english_message_and_text_in_any_language() -> None:
    p = _problem()
    assert p.message == p.text("en") == "duplicate id 'h1' (first used at helpers[0])"
    assert str(p) == "helpers[2].id: duplicate id 'h1' (first used at helpers[0])"
    err = InvalidInputError([p, p, p], source="a.json")
    assert str(err).splitlines()[0] == "a.json: 3 problems"
    assert err.text("pl").splitlines() == [
        "a.json: 3 problemy", *["  helpers[2].id: powtórzony identyfikator 'h1' (pierwszy "
                                "raz: helpers[0])"] * 3]
    for render_in in (p.text, err.text, ProblemCode.EMPTY.text):
        with pytest.raises(InvalidOptionError, match="lang"):
            render_in("de")


def test_field_errors_carry_code_args_and_the_field_to_blame() -> None:
    with pytest.raises(FieldValueError) as info:
        TimeWindow("22:00", "06:00")
    e = info.value
    assert (e.code, dict(e.params), e.field) == (
        ProblemCode.END_NOT_AFTER_START, {"end": "06:00", "start": "22:00"}, "end")
    assert e.problem("needs[0].windows[1]").path == "needs[0].windows[1].end"
    assert str(pickle.loads(pickle.dumps(e))) == str(e)
    with pytest.raises(TypeError) as type_info:  # still a TypeError for Python callers
        to_frozenset("cooking")
    assert isinstance(type_info.value, FieldTypeError)
    assert type_info.value.text("pl") == "oczekiwano listy tekstów, jest pojedynczy tekst " \
                                         "'cooking'"
    with pytest.raises(CellError) as cell:
        read_bool("może")
    assert cell.value.code is ProblemCode.CELL_NOT_YES_NO
    assert ProblemArgs(cell.value.params) == {"value": "'może'"}


# --- every bad input of the test corpora ------------------------------------------------------

#: Common English words; none may be left in a Polish text once quoted values are taken out.
ENGLISH = frozenset({
    "the", "is", "not", "an", "of", "and", "or", "in", "at", "must", "be", "got", "expected",
    "missing", "unknown", "field", "value", "need", "needs", "helper", "helpers", "file",
    "number", "date", "time", "first", "used", "no", "has", "have", "with", "for", "only", "one",
    "are", "it", "than", "text", "list", "string", "object", "cannot", "line", "column", "row",
    "sheet", "give", "write", "empty", "valid", "invalid", "before", "after", "end", "start",
    "place", "resident", "category", "weekday", "should", "there", "this", "found", "read",
    "open", "between", "least"})


def _arg_texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _arg_texts(v)
    elif isinstance(value, ProblemArgs):
        for v in value.values():
            yield from _arg_texts(v)


def english_left(p: Problem) -> set[str]:
    """English words in the Polish text of ``p``, apart from the values it quotes."""
    text = p.text("pl")
    for value in sorted(_arg_texts(p.args), key=len, reverse=True):
        if value:  # whole words only: a value "d" must not turn "dat" into " at"
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w in ENGLISH}


def assert_coded_and_polish(problems: Any) -> None:
    assert problems, "an input said to be bad gave no problems"
    for p in problems:
        assert isinstance(p.code, ProblemCode), p
        assert p.code in TEXTS, p
        assert p.code is not ProblemCode.INVALID_VALUE, f"{p}: an error without a code"
        assert not english_left(p), f"{p.text('pl')!r}: English {english_left(p)}"


def _problems(read: Callable[[], Any]) -> tuple[Problem, ...]:
    with pytest.raises(InvalidInputError) as info:
        read()
    return info.value.problems


@pytest.mark.parametrize("mutations", [m for _, m, _ in CASES], ids=[c[0] for c in CASES])
def test_validation_corpus_is_coded_and_polish(mutations: list[Any]) -> None:
    doc = mutated(*mutations)
    assert_coded_and_polish(_problems(lambda: loads_instance(json.dumps(doc))))


@pytest.mark.parametrize("mutate", [m for _, m in INSTANCE_MUTATIONS],
                         ids=[i for i, _ in INSTANCE_MUTATIONS])
def test_json_format_instance_corpus_is_coded_and_polish(mutate: Any) -> None:
    doc = mutate(json.loads(dumps_instance(rich_instance())))
    assert_coded_and_polish(_problems(lambda: loads_instance(json.dumps(doc))))


@pytest.mark.parametrize("mutate", [m for _, m in RESULT_MUTATIONS],
                         ids=[i for i, _ in RESULT_MUTATIONS])
def test_json_format_result_corpus_is_coded_and_polish(mutate: Any) -> None:
    doc = mutate(json.loads(dumps_result(rich_result())))
    assert_coded_and_polish(_problems(lambda: loads_result(json.dumps(doc))))


def _with_cap(raw_number: str) -> str:
    return json.dumps(BASE).replace('"weekly_hours_cap": 4,',
                                    f'"weekly_hours_cap": {raw_number},', 1)


@pytest.mark.parametrize("text", [
    '{\n "format": "cus-match/1",\n "kind": "instance",,\n}', json.dumps(BASE)[:-1] + ",}",
    "[]", "null", "3", '"instance"', "{", '{"a": "b\\x"}', _with_cap("9" * 400),
    _with_cap("9" * 5000), _with_cap("NaN"), _with_cap("Infinity"), "[" * 100_000,
    '{"format": 1, "kind": "instance"}', '{"kind": "instance"}',
], ids=["double-comma", "trailing-comma", "list", "null", "number", "string", "unclosed",
        "bad-escape", "huge-float", "long-int", "nan", "infinity", "deep", "format-number",
        "no-format"])
def test_text_corpus_is_coded_and_polish(text: str) -> None:
    assert_coded_and_polish(_problems(lambda: loads_instance(text)))


def test_file_corpus_is_coded_and_polish(tmp_path: Path) -> None:
    assert_coded_and_polish(_problems(lambda: load_instance(tmp_path / "nie-ma.json")))
    assert _problems(lambda: load_instance(tmp_path / "nie-ma.json"))[0].text("pl") == \
        "nie można odczytać pliku: nie ma takiego pliku"
    f = tmp_path / "z-excela.json"
    f.write_bytes(json.dumps({**BASE, "name": "Łucja"}, ensure_ascii=False).encode("cp1250"))
    assert_coded_and_polish(_problems(lambda: load_instance(f)))


FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(st.one_of(mutated_documents(base_document), mutated_documents(generated_documents)))
def test_mutated_documents_give_coded_polish_problems(doc: dict[str, Any]) -> None:
    try:
        loads_instance(json.dumps(doc))
    except InvalidInputError as e:
        assert_coded_and_polish(e.problems)


def _sheet_problems(path: Path, lang: str = "pl") -> tuple[Problem, ...]:
    with pytest.raises(SheetInputError) as info:
        read_instance(path, lang=lang)
    return info.value.problems


def _edited_template(tmp_path: Path, lang: str, sheet: str,
                     cells: dict[tuple[int, str], Any]) -> Path:
    folder = tmp_path / f"t-{sheet}"
    write_template(folder, lang=lang, fmt="csv")
    rows = _csv_rows(folder / f"{sheet}.csv")
    for (row, header), value in cells.items():
        while len(rows) <= row:
            rows.append([""] * len(rows[0]))
        rows[row][rows[0].index(header)] = value
    with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";" if lang == "pl" else ",").writerows(rows)
    return folder


def _sheet_corpus(tmp_path: Path) -> list[Path]:
    """Spreadsheets with problems of every kind the sheet tests make, and a few more."""
    folders = [_broken_folder(tmp_path / "broken")]
    files = dict(POLISH_FILES)
    del files["mieszkańcy.csv"]
    for name, text in files.items():
        _write(tmp_path / "no-residents", name, text)
    folders.append(tmp_path / "no-residents")
    folders.append(_edited_template(tmp_path, "en", "settings", {
        (1, "speed by car (km/h)"): "0", (1, "period end"): "2026-03-01", (2, "name"): "x"}))
    folders.append(_edited_template(tmp_path, "en", "travel", {
        (1, "car (min)"): "-5", (2, "place A"): "bukowsko", (2, "place B"): "bukowsko",
        (2, "walk (min)"): "3"}))
    folders.append(_edited_template(tmp_path, "pl", "potrzeby", {
        (1, "dni tygodnia"): "", (1, "godziny"): "8", (2, "id"): "n-001",
        (2, "mieszkaniec"): "r-001", (2, "kategoria"): "shopping", (2, "czas (min)"): "x",
        (2, "data"): "2026-03-24 08:30", (2, "dni tygodnia"): "pt-pon 8-12"}))
    folders.append(_edited_template(tmp_path, "pl", "pomagający", {
        (1, "dostępność"): "pon 8-12, wt", (1, "dojazd"): "koń", (1, "porozumienie pisemne"):
        "może", (1, "godzin tygodniowo"): "prawie 2", (2, "id"): "h-001",
        (2, "miejsce zamieszkania"): "bukowsko", (2, "dostępność"): "8-12",
        (2, "godzin tygodniowo"): "2"}))
    (tmp_path / "empty").mkdir()
    folders += [tmp_path / "empty", tmp_path / "nothing.xlsx"]
    (tmp_path / "x.json").write_text("{}", "utf-8")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    _write(tmp_path / "u16", "places.csv", "id\nabc\n", "utf-16")
    folders += [tmp_path / "x.json", tmp_path / "bad.xlsx", tmp_path / "u16"]
    write_template(tmp_path / "w.xlsx", lang="pl")
    wb = load_workbook(tmp_path / "w.xlsx")
    ws = wb["potrzeby"]
    ws.cell(2, [c.value for c in ws[1]].index("godziny") + 1, time(8, 0))
    ws.cell(2, [c.value for c in ws[1]].index("data zgłoszenia") + 1, datetime(2026, 3, 2, 9))
    wb.create_sheet("notatki").append(["a"])
    wb.create_sheet("pomagajacy").append(["id"])  # the same sheet, written without diacritics
    wb.save(tmp_path / "w.xlsx")
    folders.append(tmp_path / "w.xlsx")
    return folders


def test_sheet_corpus_is_coded_and_polish(tmp_path: Path) -> None:
    codes = set()
    for path in _sheet_corpus(tmp_path):
        problems = _sheet_problems(path)
        assert_coded_and_polish(problems)
        codes |= {p.code for p in problems}
    assert {ProblemCode.SPEED_NOT_POSITIVE, ProblemCode.NEGATIVE_TRAVEL_MINUTES,
            ProblemCode.CELL_DATE_WITH_TIME, ProblemCode.SHEET_REPEATED,
            ProblemCode.CELL_NOT_A_LABEL, ProblemCode.NO_CSV_FILES} <= codes


@settings(max_examples=20, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(junk=st.lists(st.text(st.characters(exclude_categories=("Cs",),
                                            exclude_characters="\x00"), max_size=12),
                     min_size=6, max_size=6))
def test_any_cell_text_gives_coded_polish_problems(tmp_path_factory: Any, junk: list[str]) -> None:
    folder = tmp_path_factory.mktemp("junk")
    write_template(folder, lang="en", fmt="csv")
    rows = _csv_rows(folder / "helpers.csv")
    for j, text in zip((2, 4, 5, 6, 8, 13), junk, strict=True):
        rows[1][j] = text
    with (folder / "helpers.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    try:
        read_instance(folder, lang="pl")
    except SheetInputError as e:
        assert_coded_and_polish(e.problems)


# --- the spreadsheet reader places problems by code, not by their words ---------------------

def _placed(problems: tuple[Problem, ...]) -> list[tuple[Any, ...]]:
    return [(p.code, getattr(p, "sheet", None), getattr(p, "row", None),
             getattr(p, "column", None), str(p)) for p in problems]


def test_sheet_problems_do_not_depend_on_the_english_wording(tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    paths = _sheet_corpus(tmp_path)
    before = [_placed(_sheet_problems(p, "pl")) for p in paths]
    for code in ProblemCode:
        monkeypatch.setitem(TEXTS, code, {**TEXTS[code], "en": f"reworded {code.value}"})
    assert [_placed(_sheet_problems(p, "pl")) for p in paths] == before
    # The English reading does see the new words, in the very same cells.
    english = [_placed(_sheet_problems(p, "en")) for p in paths]
    assert all(str(row[4]).endswith(f"reworded {row[0].value}") for e in english for row in e)
    assert [[row[:4] for row in e] for e in english] == [[row[:4] for row in b] for b in before]


def test_a_mode_problem_goes_to_the_mode_column(tmp_path: Path) -> None:
    folder = _edited_template(tmp_path, "en", "settings", {(1, "speed by car (km/h)"): "0"})
    (p,) = _sheet_problems(folder, "en")
    assert (p.code, p.sheet, p.row, p.column) == (
        ProblemCode.SPEED_NOT_POSITIVE, "settings.csv", 2, "speed by car (km/h)")
    assert p.message == "speed must be > 0 km/h, got 0.0"
    assert p.text("pl") == "prędkość musi być większa od 0 km/h, jest 0"


def test_a_polish_reading_prints_in_english_too(tmp_path: Path) -> None:
    with pytest.raises(SheetInputError) as info:
        read_instance(_broken_folder(tmp_path), lang="pl")
    polish, english = str(info.value), info.value.text("en")
    assert "wiersz 5, kolumna 'id': powtórzony identyfikator 'h1' (pierwszy raz: wiersz 2)" \
        in polish
    assert "row 5, column 'id': duplicate id 'h1' (first used at row 2)" in english
    assert english.splitlines()[0].endswith(": 11 problems")
    assert "wiersz" not in english
