"""Problem codes and their texts: the one place where every input problem is worded.

A :class:`~cus_match.errors.Problem` carries a stable :class:`ProblemCode` and plain ``args``
(ids, numbers, ISO dates); its words are written here once per language and rendered on demand,
so programs (the spreadsheet reader, an embedding system) act on the code and people read the
text in English or Polish. Rewording a message here changes nothing a program relies on.

A text is a :meth:`str.format` template whose placeholders name ``args``; a placeholder's spec
says how a value is shown in the language:

===================  ==========================================================================
``{x}``              as it is; numbers with the language's decimal mark (``-1.5`` / ``-1,5``);
                     a mapping ``{"en": ..., "pl": ...}`` shows its entry for the language
``{x:q}``            quoted like an id: ``'h1'`` (numbers as above)
``{x:qlist}``        a list of quoted values: ``'mon', 'tue'``
``{x:date}``         an ISO date as the language writes it: ``2026-03-24`` / ``24.03.2026``
``{x:plural:...}``   the noun form after the number ``x``: ``plural:minute|minutes`` in English,
                     ``plural:minuta|minuty|minut`` in Polish (see :func:`cus_match.lang.plural`)
``{x:w:table}``      a word from the table ``table`` of :data:`WORDS` (the value itself if absent)
``{x:lead:table}``   like ``w``, followed by ``": "``; nothing at all when ``x`` is ``None``
``{x:hex}``          a byte: ``0xe9``
``{x:shape}``        an array shape: ``(3, 4)``
``{x:oserror}``      an operating-system error number, in words
===================  ==========================================================================

Both languages of a code use the same placeholders (``tests/test_problems.py`` checks it).

Examples
--------
>>> ProblemCode.UNKNOWN_PLACE.text("pl", {"id": "nowotaniec"})
"nieznane miejsce 'nowotaniec'"
>>> ProblemCode.END_BEFORE_START.text("pl", {"end": "2026-03-01", "start": "2026-03-05"})
'koniec 01.03.2026 jest przed początkiem 05.03.2026'
>>> ProblemCode.NOT_POSITIVE.text("en", {"value": -1.5}), ProblemCode.NOT_POSITIVE.text(
...     "pl", {"value": -1.5})
('must be > 0, got -1.5', 'musi być większe od 0, jest -1,5')
>>> problem_count(1, "en"), problem_count(12, "pl"), problem_count(22, "pl")
('1 problem', '12 problemów', '22 problemy')
"""

from __future__ import annotations

import enum
import errno as errno_names
import math
import os
import string
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from cus_match.errors import Problem
from cus_match.lang import (
    MODE_WORDS,
    check_lang,
    count,
    exact_number,
    number,
    pick,
    plural,
    short_date,
)

__all__ = ["TEXTS", "WORDS", "ProblemCode", "placeholders", "problem_count",
           "problem_from_dict", "render"]


class ProblemCode(enum.StrEnum):
    """The stable code of a problem; its value is what files and programs see."""

    # Reading JSON-like data: shapes and types (io.structure, io.json_format) ----------------
    WRONG_TYPE = "wrong_type"
    WRONG_FIELD_TYPE = "wrong_field_type"
    NOT_FINITE = "not_finite"
    INVALID_TEXT = "invalid_text"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"
    NULL_VALUE = "null_value"
    NUMBER_TOO_LARGE = "number_too_large"
    NOT_ONE_OF = "not_one_of"
    INVALID_VALUE = "invalid_value"
    # Files and documents (io.json_format) -----------------------------------------------------
    CANNOT_READ_FILE = "cannot_read_file"
    NOT_UTF8 = "not_utf8"
    INVALID_JSON = "invalid_json"
    JSON_NOT_FINITE = "json_not_finite"
    JSON_NUMBER_TOO_LONG = "json_number_too_long"
    JSON_INVALID_VALUE = "json_invalid_value"
    NESTED_TOO_DEEPLY = "nested_too_deeply"
    TOP_LEVEL_NOT_OBJECT = "top_level_not_object"
    NOT_AN_OBJECT = "not_an_object"
    FORMAT_MISSING = "format_missing"
    FORMAT_UNSUPPORTED = "format_unsupported"
    WRONG_KIND = "wrong_kind"
    # One value of an entity (model.validators and the entities) ------------------------------
    INVALID_ID = "invalid_id"
    NOT_POSITIVE = "not_positive"
    NEGATIVE = "negative"
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    MUST_BE_FINITE = "must_be_finite"
    STRING_FOR_SET = "string_for_set"
    STRING_FOR_LIST = "string_for_list"
    NOT_A_TIME = "not_a_time"
    NOT_A_DATE = "not_a_date"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    LATITUDE_RANGE = "latitude_range"
    LONGITUDE_RANGE = "longitude_range"
    HALF_COORDINATES = "half_coordinates"
    NOT_MODE_MINUTES = "not_mode_minutes"
    NO_TRAVEL_MINUTES = "no_travel_minutes"
    NEGATIVE_TRAVEL_MINUTES = "negative_travel_minutes"
    SPEED_NOT_POSITIVE = "speed_not_positive"
    # Fields of one entity together ------------------------------------------------------------
    END_NOT_AFTER_START = "end_not_after_start"
    END_BEFORE_START = "end_before_start"
    VALID_TO_BEFORE_VALID_FROM = "valid_to_before_valid_from"
    INSURANCE_END_BEFORE_START = "insurance_end_before_start"
    ONCE_WITHOUT_DATE = "once_without_date"
    ONCE_WITH_DAYS = "once_with_days"
    WEEKLY_WITHOUT_DAYS = "weekly_without_days"
    WEEKLY_WITH_DATE = "weekly_with_date"
    GROUP_WITHOUT_PLACE = "group_without_place"
    NEED_WITHOUT_WINDOWS = "need_without_windows"
    LONGER_THAN_WINDOWS = "longer_than_windows"
    # The instance as a whole (model.instance) -------------------------------------------------
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_PLACE = "unknown_place"
    UNKNOWN_RESIDENT = "unknown_resident"
    UNKNOWN_HELPER = "unknown_helper"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_NEED = "unknown_need"
    PERIOD_TOO_LONG = "period_too_long"
    NO_AVAILABILITY = "no_availability"
    EDGE_SAME_PLACE = "edge_same_place"
    NO_COORDINATES = "no_coordinates"
    OUTSIDE_PERIOD = "outside_period"
    NO_VISIT_IN_PERIOD = "no_visit_in_period"
    # A result against its instance (plan.result, plan.references, solvers, analysis) ---------
    NOT_A_DATETIME = "not_a_datetime"
    NO_UTC_OFFSET = "no_utc_offset"
    RESULT_UNKNOWN_NEED = "result_unknown_need"
    RESULT_UNKNOWN_HELPER = "result_unknown_helper"
    RESULT_UNKNOWN_SERVICE = "result_unknown_service"
    VISIT_NOT_OPEN = "visit_not_open"
    NOT_A_VISIT_FOR_HELPERS = "not_a_visit_for_helpers"
    HELPER_NOT_ELIGIBLE = "helper_not_eligible"
    TEAM_START_DIFFERS = "team_start_differs"
    # Changes, recommendations, names (analysis, report, cli) ---------------------------------
    NEED_ALREADY_IN_INSTANCE = "need_already_in_instance"
    HELPER_ID_TAKEN = "helper_id_taken"
    NOT_A_CHANGE = "not_a_change"
    UNKNOWN_CREDENTIAL = "unknown_credential"
    UNKNOWN_TRAVEL_MODE = "unknown_travel_mode"
    NOT_A_RESIDENT = "not_a_resident"
    NAMES_NOT_UTF8 = "names_not_utf8"
    NAMES_FIELD_COUNT = "names_field_count"
    NAMES_NO_NAME = "names_no_name"
    NAMES_DUPLICATE_ID = "names_duplicate_id"
    # A base map of roads or boundaries for the report (io.geojson) ---------------------------
    GEOJSON_POSITION = "geojson_position"
    GEOJSON_LINE_TOO_SHORT = "geojson_line_too_short"
    GEOJSON_RING_TOO_SHORT = "geojson_ring_too_short"
    GEOJSON_NOT_DEGREES = "geojson_not_degrees"
    GEOJSON_NOTHING_TO_DRAW = "geojson_nothing_to_draw"
    # Spreadsheets: files, sheets, columns (io.sheets) -----------------------------------------
    WORKBOOK_UNREADABLE = "workbook_unreadable"
    FILE_NOT_TEXT = "file_not_text"
    CSV_INVALID = "csv_invalid"
    NO_CSV_FILES = "no_csv_files"
    NO_SUCH_PATH = "no_such_path"
    NOT_A_WORKBOOK = "not_a_workbook"
    SHEET_UNKNOWN = "sheet_unknown"
    SHEET_REPEATED = "sheet_repeated"
    SHEET_MISSING = "sheet_missing"
    FILE_MISSING = "file_missing"
    COLUMN_UNKNOWN = "column_unknown"
    COLUMN_REPEATED = "column_repeated"
    VALUE_WITHOUT_HEADER = "value_without_header"
    SETTINGS_EXTRA_ROW = "settings_extra_row"
    NEED_WITHOUT_DATE_OR_DAYS = "need_without_date_or_days"
    LIST_ITEM_UNWRITABLE = "list_item_unwritable"
    # Spreadsheets: one cell (io.cells) --------------------------------------------------------
    CELL_NOT_TEXT = "cell_not_text"
    CELL_BOOL_FOR_NUMBER = "cell_bool_for_number"
    CELL_NOT_FINITE = "cell_not_finite"
    CELL_NOT_A_NUMBER = "cell_not_a_number"
    CELL_NUMBER_TOO_LARGE = "cell_number_too_large"
    CELL_NOT_YES_NO = "cell_not_yes_no"
    CELL_DATE_WITH_TIME = "cell_date_with_time"
    CELL_NO_SUCH_DAY = "cell_no_such_day"
    CELL_NOT_A_DATE = "cell_not_a_date"
    CELL_EMPTY_ITEM = "cell_empty_item"
    CELL_NOT_A_LABEL = "cell_not_a_label"
    CELL_NOT_A_WEEKDAY = "cell_not_a_weekday"
    CELL_DAYS_BACKWARDS = "cell_days_backwards"
    CELL_SINGLE_TIME = "cell_single_time"
    CELL_BAD_HOURS = "cell_bad_hours"
    CELL_HOURS_WITHOUT_DAY = "cell_hours_without_day"
    CELL_DAYS_WITHOUT_HOURS = "cell_days_without_hours"
    CELL_BAD_DATES = "cell_bad_dates"
    CELL_NOT_A_CLOCK = "cell_not_a_clock"
    # Names typed where an id is meant (io.cells.NameIndex) -----------------------------------
    NAME_UNKNOWN = "name_unknown"
    NAME_NOT_FOUND = "name_not_found"
    NAME_AMBIGUOUS = "name_ambiguous"
    # A plan edited in a spreadsheet (io.plan_sheet) ------------------------------------------
    SHEET_ROW_EMPTY = "sheet_row_empty"
    PLAN_SHEET_MISSING = "plan_sheet_missing"
    PLAN_COLUMN_MISSING = "plan_column_missing"
    PLAN_ROW_NO_HELPERS = "plan_row_no_helpers"
    PLAN_ROW_REPEATED = "plan_row_repeated"
    PLAN_HELPER_REPEATED = "plan_helper_repeated"
    # Optimisation problems given as arrays, benchmark files (optimise.engine) ----------------
    NOT_A_MATRIX = "not_a_matrix"
    ROWS_COLS_TOGETHER = "rows_cols_together"
    ARRAYS_NOT_ALIGNED = "arrays_not_aligned"
    PAIRS_OUT_OF_RANGE = "pairs_out_of_range"
    NOT_NUMBERS = "not_numbers"
    NOT_ALL_FINITE = "not_all_finite"
    ENTRY_NOT_FINITE = "entry_not_finite"
    MATRICES_NOT_ALIGNED = "matrices_not_aligned"
    WRONG_SHAPE = "wrong_shape"
    NOT_AGENT_INDICES = "not_agent_indices"
    NO_ARC = "no_arc"
    NOT_ONE_DIMENSIONAL = "not_one_dimensional"
    LENGTH_MISMATCH = "length_mismatch"
    NOT_INTEGERS = "not_integers"
    INDEX_OUT_OF_RANGE = "index_out_of_range"
    DUPLICATE_ARC = "duplicate_arc"
    FILE_ENDS_BEFORE_SIZE = "file_ends_before_size"
    FILE_ENDS_INSIDE = "file_ends_inside"
    NUMBERS_AFTER_PROBLEM = "numbers_after_problem"
    NUMBERS_AFTER_LAST_PROBLEM = "numbers_after_last_problem"
    NOT_TRIPLES = "not_triples"
    PAIR_INDEX_OUT_OF_RANGE = "pair_index_out_of_range"
    COST_COUNT = "cost_count"
    # Which file goes with which, told in one sentence (cli, io.json_format) -----------------
    RESULT_FOR_OTHER_INSTANCE = "result_for_other_instance"
    PLAN_FROM_OTHER_INSTANCE = "plan_from_other_instance"
    SPREADSHEET_NOT_JSON = "spreadsheet_not_json"
    # The command line's options, in its own words (cli.words maps the library's errors) -----
    OPTION_TIME_LIMIT = "option_time_limit"
    OPTION_SEED = "option_seed"
    OPTION_WORKERS = "option_workers"
    OPTION_K = "option_k"
    OPTION_UNKNOWN_RULE = "option_unknown_rule"
    OPTION_UNKNOWN_METHOD = "option_unknown_method"
    OPTION_FLOW_RULE = "option_flow_rule"
    OPTION_TIMEINDEXED_RULE = "option_timeindexed_rule"
    OPTION_PROCEDURE_PINS = "option_procedure_pins"
    OPTION_UNKNOWN_TERM = "option_unknown_term"
    OPTION_WEIGHT_NOT_NUMBER = "option_weight_not_number"
    OPTION_WEIGHT_NEGATIVE = "option_weight_negative"
    OPTION_NO_POSITIVE_WEIGHT = "option_no_positive_weight"
    OPTION_NOT_A_DATETIME = "option_not_a_datetime"
    OPTION_NO_UTC_OFFSET = "option_no_utc_offset"
    OPTION_LABEL = "option_label"
    OPTION_AT_WITHOUT_BY = "option_at_without_by"
    OPTION_LAST = "option_last"
    OPTION_RETENTION = "option_retention"
    OPTION_BOTH_DATES = "option_both_dates"
    OPTION_TO_BEFORE_FROM = "option_to_before_from"
    OPTION_NOT_A_CLI_DATE = "option_not_a_cli_date"
    OPTION_DEMO_FIXED = "option_demo_fixed"
    OPTION_LIBRARY_FIXED = "option_library_fixed"
    OPTION_NOT_NEGATIVE = "option_not_negative"
    OPTION_ACCEPT_NEEDS = "option_accept_needs"
    OPTION_NO_SUCH_RANK = "option_no_such_rank"
    OPTION_EXPORT_NOTHING = "option_export_nothing"
    OPTION_SEEDS = "option_seeds"
    OPTION_REQUIRES = "option_requires"
    OPTION_OUT_OF_RANGE = "option_out_of_range"
    OPTION_NEIGHBOUR_CERTIFICATE = "option_neighbour_certificate"
    OPTION_PERSON_BOTH_KINDS = "option_person_both_kinds"
    # The history store (store), told to a coordinator -----------------------------------------
    STORE_ROUND_EXISTS = "store_round_exists"
    STORE_ROUND_APPROVED = "store_round_approved"
    STORE_ALREADY_APPROVED = "store_already_approved"
    STORE_NO_ROUND = "store_no_round"
    STORE_NO_VISITS = "store_no_visits"
    STORE_NO_PERSON = "store_no_person"
    STORE_MISSING = "store_missing"
    STORE_DIRECTORY = "store_directory"
    STORE_NOT_SQLITE = "store_not_sqlite"
    STORE_FOREIGN = "store_foreign"
    STORE_NEWER = "store_newer"
    STORE_DAMAGED = "store_damaged"
    STORE_BUSY = "store_busy"
    # Limits, hostile input and paths (limits, io.xlsx_read, io.json_format, cli.paths) -------
    OUT_OF_RANGE = "out_of_range"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    CONTROL_CHARACTER = "control_character"
    LINE_BREAK_IN_TEXT = "line_break_in_text"
    TEXT_TOO_LONG = "text_too_long"
    TOO_MANY_ENTITIES = "too_many_entities"
    DUPLICATE_KEY = "duplicate_key"
    FILE_TOO_LARGE = "file_too_large"
    XLSX_TOO_MANY_MEMBERS = "xlsx_too_many_members"
    XLSX_MEMBER_TOO_LARGE = "xlsx_member_too_large"
    XLSX_TOO_LARGE = "xlsx_too_large"
    XLSX_DAMAGED = "xlsx_damaged"
    XLSX_BAD_XML = "xlsx_bad_xml"
    XLSX_FORBIDDEN_XML = "xlsx_forbidden_xml"
    SHEET_TOO_MANY_ROWS = "sheet_too_many_rows"
    SHEET_TOO_MANY_COLUMNS = "sheet_too_many_columns"
    CELL_TOO_LONG = "cell_too_long"
    CELL_BAD_SHARED_STRING = "cell_bad_shared_string"
    CELL_BAD_VALUE = "cell_bad_value"
    CELL_FORMULA_NO_VALUE = "cell_formula_no_value"
    CELL_MERGED = "cell_merged"
    CELL_ERROR_VALUE = "cell_error_value"
    CELL_NON_ASCII_DIGIT = "cell_non_ascii_digit"
    PATH_MISSING = "path_missing"
    PATH_NOT_A_FILE = "path_not_a_file"
    PATH_NOT_A_FOLDER = "path_not_a_folder"
    PATH_IS_A_FOLDER = "path_is_a_folder"
    PATH_PARENT_MISSING = "path_parent_missing"
    PATH_READ_ONLY = "path_read_only"
    PATH_NOT_READABLE = "path_not_readable"
    PATH_NOT_UTF8 = "path_not_utf8"
    EXTRA_MISSING = "extra_missing"
    STORE_READ_ONLY = "store_read_only"
    STORE_PLAN_FOR_OTHER_INSTANCE = "store_plan_for_other_instance"
    FILE_SYSTEM_ERROR = "file_system_error"
    # Options of compare and batch (cli.batch, cli.analysis) ------------------------------------
    OPTION_BOTH_LIMITS = "option_both_limits"
    OPTION_NOT_POSITIVE = "option_not_positive"
    OPTION_UNKNOWN_CHOICE = "option_unknown_choice"
    BATCH_NOT_A_FOLDER = "batch_not_a_folder"
    BATCH_NO_INSTANCES = "batch_no_instances"
    OPTION_AT_LEAST_ONE = "option_at_least_one"
    OPTION_FIXED_SCALE = "option_fixed_scale"
    SCHEDULER_UNREACHABLE = "scheduler_unreachable"
    STUDY_RUNS_FAILED = "study_runs_failed"

    def text(self, lang: str = "en", args: Mapping[str, Any] | None = None) -> str:
        """The problem in words, in ``lang``, with ``args`` filled in.

        >>> ProblemCode.DUPLICATE_ID.text("en", {"id": "h1", "first": "helpers[0]"})
        "duplicate id 'h1' (first used at helpers[0])"
        """
        return render(self, args or {}, lang)

    @classmethod
    def count_text(cls, n: int, lang: str = "en") -> str:
        """``3 problems`` / ``3 problemy``: the first line of an error listing problems.

        >>> ProblemCode.count_text(3, "pl")
        '3 problemy'
        """
        return problem_count(n, lang)


C = ProblemCode

#: code -> language -> template. Reviewers read each pair side by side.
TEXTS: Final[dict[ProblemCode, dict[str, str]]] = {
    # Shapes and types. ``value`` is the offending value as Python shows it (``'4'``, ``2.5``).
    C.WRONG_TYPE: {
        "en": "expected {expected:w:expected}, got {got:w:json_type} {value}",
        "pl": "oczekiwano {expected:w:expected}, jest {got:w:json_type} {value}"},
    C.WRONG_FIELD_TYPE: {
        "en": "expected {expected:w:expected}, got {got:w:json_type}",
        "pl": "oczekiwano {expected:w:expected}, jest {got:w:json_type}"},
    C.NOT_FINITE: {
        "en": "expected a finite number, got {value}",
        "pl": "oczekiwano skończonej liczby, jest {value}"},
    C.INVALID_TEXT: {
        "en": "contains characters that are not valid text (lone surrogates): {value}",
        "pl": "zawiera znaki, które nie są poprawnym tekstem (niesparowane surogaty): {value}"},
    C.MISSING_FIELD: {"en": "missing required field", "pl": "brak wymaganej wartości"},
    C.UNKNOWN_FIELD: {"en": "unknown field {name:q}", "pl": "nieznane pole {name:q}"},
    C.NULL_VALUE: {"en": "must not be null", "pl": "nie może być puste (null)"},
    C.NUMBER_TOO_LARGE: {"en": "number too large: {value}", "pl": "za duża liczba: {value}"},
    C.NOT_ONE_OF: {
        "en": "{value:q} is not one of {allowed:qlist}",
        "pl": "{value:q} nie należy do dozwolonych wartości: {allowed:qlist}"},
    # A last resort for an error raised without a code; tests keep it out of every corpus.
    C.INVALID_VALUE: {"en": "{detail}", "pl": "niepoprawna wartość: {detail}"},
    # Files and documents. ``detail`` of INVALID_JSON is the json module's own description.
    C.CANNOT_READ_FILE: {
        "en": "cannot read the file: {errno:oserror}",
        "pl": "nie można odczytać pliku: {errno:oserror}"},
    C.NOT_UTF8: {
        "en": "not UTF-8 text: byte {byte:hex} at offset {offset} (save the file as UTF-8)",
        "pl": "to nie jest tekst UTF-8: bajt {byte:hex} na pozycji {offset} (zapisz plik "
              "w kodowaniu UTF-8)"},
    C.INVALID_JSON: {
        "en": "not valid JSON: {detail} at line {line}, column {column}",
        "pl": "niepoprawny JSON: {detail:w:json_error} (wiersz {line}, kolumna {column})"},
    C.JSON_NOT_FINITE: {
        "en": "not valid JSON: {name} is not valid JSON (numbers must be finite)",
        "pl": "niepoprawny JSON: wartość {name} jest niedozwolona (liczby muszą być skończone)"},
    C.JSON_NUMBER_TOO_LONG: {
        "en": "not valid JSON: a number of {digits} digits is too long",
        "pl": "niepoprawny JSON: liczba o {digits} cyfrach jest za długa"},
    C.JSON_INVALID_VALUE: {
        "en": "not valid JSON: {detail}",
        "pl": "niepoprawny JSON: {detail:w:json_error}"},
    C.NESTED_TOO_DEEPLY: {
        "en": "not valid input: nested too deeply",
        "pl": "niepoprawne dane: zbyt głębokie zagnieżdżenie"},
    C.TOP_LEVEL_NOT_OBJECT: {
        "en": "expected a JSON object at the top level",
        "pl": "oczekiwano obiektu JSON na najwyższym poziomie"},
    C.NOT_AN_OBJECT: {"en": "expected a JSON object", "pl": "oczekiwano obiektu JSON"},
    C.FORMAT_MISSING: {
        "en": "missing 'format' (expected {expected:q})",
        "pl": "brak pola 'format' (oczekiwano {expected:q})"},
    # ``got`` is the value as Python shows it: ``'cus-match/2'``, ``1``, ``None``.
    C.FORMAT_UNSUPPORTED: {
        "en": "unsupported format {got} (this version reads {expected:q})",
        "pl": "nieobsługiwany format {got} (ta wersja obsługuje {expected:q})"},
    C.WRONG_KIND: {
        "en": "expected {expected:q}, got {got}",
        "pl": "oczekiwano dokumentu rodzaju {expected:q}, jest {got}"},
    # One value.
    C.INVALID_ID: {
        "en": "{value} is not a valid id (1-128 letters, digits or _ . : - /, starting with a "
              "letter or digit)",
        "pl": "{value} to niepoprawny identyfikator (1-128 liter, cyfr lub _ . : - /, na "
              "początku litera lub cyfra)"},
    C.NOT_POSITIVE: {"en": "must be > 0, got {value}", "pl": "musi być większe od 0, jest {value}"},
    C.NEGATIVE: {"en": "must be >= 0, got {value}", "pl": "nie może być ujemne, jest {value}"},
    C.EMPTY: {"en": "must not be empty", "pl": "nie może być puste"},
    C.NOT_A_NUMBER: {"en": "expected a number, got {value}",
                     "pl": "oczekiwano liczby, jest {value}"},
    C.MUST_BE_FINITE: {
        "en": "must be a finite number, got {value}",
        "pl": "musi być skończoną liczbą, jest {value}"},
    C.STRING_FOR_SET: {
        "en": "expected a list of strings, got the string {value:q}",
        "pl": "oczekiwano listy tekstów, jest pojedynczy tekst {value:q}"},
    C.STRING_FOR_LIST: {
        "en": "expected a list, got the string {value:q}",
        "pl": "oczekiwano listy, jest pojedynczy tekst {value:q}"},
    C.NOT_A_TIME: {
        "en": "{value} is not a time of day HH:MM (00:00-24:00)",
        "pl": "{value} to niepoprawna godzina GG:MM (00:00-24:00)"},
    C.NOT_A_DATE: {
        "en": "{value} is not a date YYYY-MM-DD",
        "pl": "{value} nie jest datą w zapisie RRRR-MM-DD"},
    C.UNKNOWN_TIMEZONE: {
        "en": "{value} is not a known IANA time zone (e.g. 'Europe/Warsaw')",
        "pl": "{value} to nieznana strefa czasowa IANA (np. 'Europe/Warsaw')"},
    C.LATITUDE_RANGE: {
        "en": "latitude must be within -90..90, got {value}",
        "pl": "szerokość geograficzna musi być w zakresie od -90 do 90, jest {value}"},
    C.LONGITUDE_RANGE: {
        "en": "longitude must be within -180..180, got {value}",
        "pl": "długość geograficzna musi być w zakresie od -180 do 180, jest {value}"},
    C.HALF_COORDINATES: {
        "en": "give both lat and lon, or neither",
        "pl": "podaj obie współrzędne (szerokość i długość) albo żadnej"},
    C.NOT_MODE_MINUTES: {
        "en": "expected an object of mode: minutes, got {value}",
        "pl": "oczekiwano par sposób dojazdu: minuty, jest {value}"},
    C.NO_TRAVEL_MINUTES: {
        "en": "give travel minutes for at least one mode",
        "pl": "podaj minuty dojazdu dla co najmniej jednego sposobu dojazdu"},
    # ``mode`` is None where the column already names the mode (a spreadsheet).
    C.NEGATIVE_TRAVEL_MINUTES: {
        "en": "{mode:lead:mode}minutes must be >= 0, got {value}",
        "pl": "{mode:lead:mode}minuty dojazdu nie mogą być ujemne, jest {value}"},
    C.SPEED_NOT_POSITIVE: {
        "en": "{mode:lead:mode}speed must be > 0 km/h, got {value}",
        "pl": "{mode:lead:mode}prędkość musi być większa od 0 km/h, jest {value}"},
    # Fields together. Times are ``HH:MM`` text, dates ISO text.
    C.END_NOT_AFTER_START: {
        "en": "end {end} is not after start {start} (windows cannot cross midnight: split into "
              "two)",
        "pl": "koniec {end} nie jest po początku {start} (przedział nie może przechodzić przez "
              "północ: podziel go na dwa)"},
    C.END_BEFORE_START: {
        "en": "end {end:date} is before start {start:date}",
        "pl": "koniec {end:date} jest przed początkiem {start:date}"},
    C.VALID_TO_BEFORE_VALID_FROM: {
        "en": "valid_to {end:date} is before valid_from {start:date}",
        "pl": "data końcowa {end:date} jest przed początkową {start:date}"},
    C.INSURANCE_END_BEFORE_START: {
        "en": "nnw_valid_to {end:date} is before nnw_valid_from {start:date}",
        "pl": "koniec ubezpieczenia NNW {end:date} jest przed jego początkiem {start:date}"},
    C.ONCE_WITHOUT_DATE: {"en": "a one-off need needs a date",
                          "pl": "potrzeba jednorazowa musi mieć datę"},
    C.ONCE_WITH_DAYS: {
        "en": "a one-off need takes only a date, no days/start/end",
        "pl": "potrzeba jednorazowa ma tylko datę: usuń dni tygodnia i daty od/do"},
    C.WEEKLY_WITHOUT_DAYS: {
        "en": "a weekly need needs at least one weekday",
        "pl": "potrzeba cotygodniowa musi mieć co najmniej jeden dzień tygodnia"},
    C.WEEKLY_WITH_DATE: {"en": "a weekly need takes days, not a date",
                         "pl": "potrzeba cotygodniowa ma dni tygodnia, nie datę"},
    C.GROUP_WITHOUT_PLACE: {
        "en": "a need without a resident (group session) needs a place",
        "pl": "potrzeba bez mieszkańca (zajęcia grupowe) musi mieć miejsce"},
    C.NEED_WITHOUT_WINDOWS: {
        "en": "a need needs at least one time window",
        "pl": "potrzeba musi mieć co najmniej jeden przedział godzin"},
    C.LONGER_THAN_WINDOWS: {
        "en": "{minutes} {minutes:plural:minute does|minutes do} not fit in any window (the "
              "longest is {longest} {longest:plural:minute|minutes})",
        "pl": "{minutes} min nie mieści się w żadnym przedziale godzin (najdłuższy ma "
              "{longest} min)"},
    # The instance. ``first`` is the path of the first entity with the id.
    C.DUPLICATE_ID: {
        "en": "duplicate id {id:q} (first used at {first})",
        "pl": "powtórzony identyfikator {id:q} (pierwszy raz: {first})"},
    C.UNKNOWN_PLACE: {"en": "unknown place {id:q}", "pl": "nieznane miejsce {id:q}"},
    C.UNKNOWN_RESIDENT: {"en": "unknown resident {id:q}", "pl": "nieznany mieszkaniec {id:q}"},
    C.UNKNOWN_HELPER: {"en": "unknown helper {id:q}", "pl": "nieznany pomagający {id:q}"},
    C.UNKNOWN_CATEGORY: {"en": "unknown category {id:q}", "pl": "nieznana kategoria {id:q}"},
    C.UNKNOWN_NEED: {"en": "unknown need {id:q}", "pl": "nieznana potrzeba {id:q}"},
    C.PERIOD_TOO_LONG: {
        "en": "the planning period has {days} {days:plural:day|days}; at most {max} are "
              "supported",
        "pl": "okres planowania ma {days} {days:plural:dzień|dni|dni}; można planować najwyżej "
              "{max} {max:plural:dzień|dni|dni}"},
    C.NO_AVAILABILITY: {
        "en": "a helper needs at least one availability window",
        "pl": "pomagający musi mieć co najmniej jeden termin dostępności"},
    C.EDGE_SAME_PLACE: {
        "en": "an edge must join two different places, got {place:q} twice",
        "pl": "dojazd musi łączyć dwa różne miejsca, a {place:q} podano dwa razy"},
    C.NO_COORDINATES: {
        "en": "place {place:q} has no coordinates and the instance has no travel network "
              "(travel_edges): travel to or from it cannot be worked out",
        "pl": "miejsce {place:q} nie ma współrzędnych, a dane nie zawierają sieci dojazdów: "
              "nie da się policzyć dojazdu do niego ani z niego"},
    C.OUTSIDE_PERIOD: {
        "en": "{date:date} is outside the planning period {start:date}..{end:date}",
        "pl": "{date:date} jest poza okresem planowania {start:date}-{end:date}"},
    C.NO_VISIT_IN_PERIOD: {
        "en": "the need has no visit in the planning period {start:date}..{end:date}",
        "pl": "potrzeba nie ma żadnej wizyty w okresie planowania {start:date}-{end:date}"},
    # A result, and a result against its instance.
    C.NOT_A_DATETIME: {
        "en": "{value} is not an ISO date-time with offset",
        "pl": "{value} to nie data z godziną i strefą czasową w zapisie ISO"},
    C.NO_UTC_OFFSET: {
        "en": "{value} has no UTC offset (write e.g. 2026-03-30T08:00:00+02:00)",
        "pl": "{value} nie ma przesunięcia względem UTC (wpisz np. 2026-03-30T08:00:00+02:00)"},
    C.RESULT_UNKNOWN_NEED: {
        "en": "unknown need {id:q} (not in the instance)",
        "pl": "nieznana potrzeba {id:q} (nie ma jej w danych planu)"},
    C.RESULT_UNKNOWN_HELPER: {
        "en": "unknown helper {id:q} (not in the instance)",
        "pl": "nieznany pomagający {id:q} (nie ma go w danych planu)"},
    C.RESULT_UNKNOWN_SERVICE: {
        "en": "unknown formal service {id:q} (not in the instance)",
        "pl": "nieznana usługa formalna {id:q} (nie ma jej w danych planu)"},
    C.VISIT_NOT_OPEN: {
        "en": "visit {need} on {date:date} is not open to helpers in this instance (referred, "
              "met by a formal service, outside its IPUS or not a date of the need)",
        "pl": "wizyta {need} w dniu {date:date} nie jest w tych danych do obsadzenia przez "
              "pomagających (skierowana dalej, zapewniona przez usługę formalną, poza okresem "
              "IPUS albo w dniu, w którym potrzeby nie ma)"},
    C.NOT_A_VISIT_FOR_HELPERS: {
        "en": "need {need:q} on {date:date} is not a visit that needs helpers",
        "pl": "potrzeba {need:q} w dniu {date:date} to nie wizyta, która czeka na pomagających"},
    C.HELPER_NOT_ELIGIBLE: {
        "en": "helper {helper:q} is not eligible for need {need:q} on {date:date}",
        "pl": "pomagający {helper:q} nie może podjąć potrzeby {need:q} w dniu {date:date}"},
    C.TEAM_START_DIFFERS: {
        "en": "the helpers of need {need:q} on {date:date} start at different times",
        "pl": "pomagający przy potrzebie {need:q} w dniu {date:date} zaczynają o różnych "
              "godzinach"},
    # Changes, recommendations, names.
    C.NEED_ALREADY_IN_INSTANCE: {
        "en": "need {id:q} is already in the instance; recommendations are for a new need",
        "pl": "potrzeba {id:q} już jest w danych; propozycje dotyczą nowej potrzeby"},
    C.HELPER_ID_TAKEN: {
        "en": "helper id {id:q} is already used in the instance; give the recruit a new "
              "placeholder id",
        "pl": "identyfikator {id:q} ma już inny pomagający; nadaj nowej osobie nowy "
              "identyfikator"},
    C.NOT_A_CHANGE: {
        "en": "not a change: {kind} (use AddHelper, Extend or ExtraHours)",
        "pl": "to nie zmiana: {kind} (użyj AddHelper, Extend lub ExtraHours)"},
    C.UNKNOWN_CREDENTIAL: {
        "en": "unknown credential {value:q}; choose one of: {allowed}",
        "pl": "nieznane zaświadczenie {value:q}; wybierz jedno z: {allowed}"},
    C.UNKNOWN_TRAVEL_MODE: {
        "en": "unknown travel mode {value:q}; choose one of: {allowed}",
        "pl": "nieznany sposób dojazdu {value:q}; wybierz jeden z: {allowed}"},
    C.NOT_A_RESIDENT: {"en": "not a resident of the instance",
                       "pl": "nie ma takiego mieszkańca w danych"},
    C.NAMES_NOT_UTF8: {"en": "the file is not UTF-8 text",
                       "pl": "plik nie jest tekstem w kodowaniu UTF-8"},
    C.NAMES_FIELD_COUNT: {
        "en": "expected 2 fields (id{delimiter}name), got {count}",
        "pl": "oczekiwano 2 pól (id{delimiter}imię i nazwisko), jest {count}"},
    C.NAMES_NO_NAME: {"en": "no name for {id:q}", "pl": "brak imienia i nazwiska dla {id:q}"},
    C.NAMES_DUPLICATE_ID: {
        "en": "duplicate id {id:q} (first on line {line})",
        "pl": "powtórzony identyfikator {id:q} (pierwszy raz w wierszu {line})"},
    # A base map: GeoJSON (RFC 7946) positions are [longitude, latitude] in WGS 84 degrees.
    C.GEOJSON_POSITION: {
        "en": "a position is [longitude, latitude] in degrees: 2 or 3 numbers, got {value}",
        "pl": "pozycja to [długość, szerokość geograficzna] w stopniach: 2 lub 3 liczby, "
              "jest {value}"},
    C.GEOJSON_LINE_TOO_SHORT: {
        "en": "a line needs at least 2 positions, got {count}",
        "pl": "linia wymaga co najmniej 2 pozycji, jest {count}"},
    C.GEOJSON_RING_TOO_SHORT: {
        "en": "a polygon's ring needs at least 4 positions (the first repeated last), got "
              "{count}",
        "pl": "obwód wielokąta wymaga co najmniej 4 pozycji (pierwsza powtórzona na końcu), "
              "jest {count}"},
    C.GEOJSON_NOT_DEGREES: {
        "en": "{count} {count:plural:position is|positions are} not longitude and latitude in "
              "degrees (the first, at {first}: {value}); save the file in WGS 84 (EPSG:4326), "
              "as GeoJSON requires",
        "pl": "{count} {count:plural:pozycja nie jest|pozycje nie są|pozycji nie jest} długością "
              "i szerokością geograficzną w stopniach (pierwsza w {first}: {value}); zapisz plik "
              "w układzie WGS 84 (EPSG:4326), jak wymaga GeoJSON"},
    C.GEOJSON_NOTHING_TO_DRAW: {
        "en": "no lines or areas to draw (a base map needs LineString, MultiLineString, Polygon "
              "or MultiPolygon geometries)",
        "pl": "brak linii i obszarów do narysowania (podkład wymaga geometrii LineString, "
              "MultiLineString, Polygon lub MultiPolygon)"},
    # Spreadsheets. ``detail`` is the spreadsheet library's or the csv module's own words.
    C.WORKBOOK_UNREADABLE: {
        "en": "cannot open the .xlsx workbook: {detail}",
        "pl": "nie można otworzyć skoroszytu .xlsx: {detail:w:library_error}"},
    C.FILE_NOT_TEXT: {
        "en": "not UTF-8 or Windows-1250 text (save it as CSV UTF-8)",
        "pl": "plik nie jest tekstem UTF-8 ani Windows-1250 (zapisz jako CSV UTF-8)"},
    C.CSV_INVALID: {"en": "not a valid CSV file: {detail}",
                    "pl": "niepoprawny plik CSV: {detail:w:library_error}"},
    C.NO_CSV_FILES: {"en": "the folder has no .csv files",
                     "pl": "folder nie zawiera plików .csv"},
    C.NO_SUCH_PATH: {"en": "no such file or folder", "pl": "nie ma takiego pliku ani folderu"},
    C.NOT_A_WORKBOOK: {
        "en": "not an .xlsx workbook nor a folder of CSV files",
        "pl": "to nie jest skoroszyt .xlsx ani folder z plikami CSV"},
    # ``known`` and ``sheet`` hold a text per language ({"en": ..., "pl": ...}).
    C.SHEET_UNKNOWN: {
        "en": "unknown sheet (expected: {known}; sheets starting with # are skipped)",
        "pl": "nieznany arkusz (oczekiwane: {known}; arkusze zaczynające się od # są "
              "pomijane)"},
    C.SHEET_REPEATED: {
        "en": "a second {sheet:q} sheet (the first is {first:q})",
        "pl": "drugi arkusz {sheet:q} (pierwszy: {first:q})"},
    C.SHEET_MISSING: {"en": "missing sheet {sheet:q}", "pl": "brak arkusza {sheet:q}"},
    C.FILE_MISSING: {"en": "missing file {sheet}.csv", "pl": "brak pliku {sheet}.csv"},
    C.COLUMN_UNKNOWN: {
        "en": "unknown column (compare the name with the template; notes columns and columns "
              "starting with # are skipped)",
        "pl": "nieznana kolumna (sprawdź nazwę z szablonem; kolumny uwagi oraz zaczynające się "
              "od # są pomijane)"},
    C.COLUMN_REPEATED: {
        "en": "repeated column (first as column {first})",
        "pl": "kolumna powtórzona (pierwszy raz w kolumnie {first})"},
    C.VALUE_WITHOUT_HEADER: {"en": "a value in a column without a header",
                             "pl": "wartość w kolumnie bez nagłówka"},
    C.SETTINGS_EXTRA_ROW: {
        "en": "settings have a single row of values: delete this row",
        "pl": "ustawienia mają tylko jeden wiersz wartości: usuń ten wiersz"},
    C.NEED_WITHOUT_DATE_OR_DAYS: {
        "en": "give a date (one-off) or weekdays (weekly)",
        "pl": "podaj datę (jednorazowo) albo dni tygodnia (co tydzień)"},
    C.LIST_ITEM_UNWRITABLE: {
        "en": "{value:q} cannot be written in a list cell (it has a separator , ; or a line "
              "break, spaces around it, or it is the empty-list word)",
        "pl": "{value:q} nie da się zapisać w komórce z listą (zawiera separator , ; lub "
              "koniec wiersza, spacje na brzegach albo jest słowem pustej listy)"},
    # One cell. ``value`` and ``cell`` are the cell's content as shown to the user.
    C.CELL_NOT_TEXT: {"en": "expected text, got {value}", "pl": "oczekiwano tekstu, jest {value}"},
    C.CELL_BOOL_FOR_NUMBER: {"en": "expected a number, got {value}",
                             "pl": "oczekiwano liczby, jest {value}"},
    C.CELL_NOT_FINITE: {"en": "expected a finite number, got {value}",
                        "pl": "oczekiwano skończonej liczby, jest {value}"},
    C.CELL_NOT_A_NUMBER: {
        "en": "{value} is not a number (write e.g. 2,5 or 2.5)",
        "pl": "{value} nie jest liczbą (wpisz np. 2,5)"},
    C.CELL_NUMBER_TOO_LARGE: {"en": "{value} is too large", "pl": "{value} to za duża liczba"},
    C.CELL_NOT_YES_NO: {
        "en": "{value} is not yes or no (write yes, no, 1 or 0)",
        "pl": "{value} to nie tak/nie (wpisz tak, nie, 1 lub 0)"},
    # ``day`` is an ISO date, ``at`` a time ``HH:MM``.
    C.CELL_DATE_WITH_TIME: {
        "en": "expected a date, got a date and time {day} {at}",
        "pl": "oczekiwano daty, jest data z godziną {day:date} {at}"},
    C.CELL_NO_SUCH_DAY: {
        "en": "{value} is not a date in the calendar",
        "pl": "{value}: nie ma takiego dnia w kalendarzu"},
    C.CELL_NOT_A_DATE: {
        "en": "{value} is not a date (write DD.MM.YYYY or YYYY-MM-DD)",
        "pl": "{value} nie jest datą (wpisz DD.MM.RRRR, np. 23.03.2026)"},
    C.CELL_EMPTY_ITEM: {
        "en": "{value} has an empty item (two separators in a row?)",
        "pl": "{value} ma pusty element (dwa separatory obok siebie?)"},
    # ``what`` and ``choices`` hold a text per language.
    C.CELL_NOT_A_LABEL: {
        "en": "{value} is not a {what} (write one of: {choices})",
        "pl": "{value} to nie {what} (wpisz jedno z: {choices})"},
    C.CELL_NOT_A_WEEKDAY: {
        "en": "{value} is not a weekday (write pon, wt, śr, czw, pt, sob, nd or mon ... sun) "
              "in {cell}",
        "pl": "{value} to nie dzień tygodnia (wpisz pon, wt, śr, czw, pt, sob, nd) w {cell}"},
    C.CELL_DAYS_BACKWARDS: {
        "en": "the day range {value:q} runs backwards (write e.g. pon-pt)",
        "pl": "zakres dni {value:q} jest odwrócony (wpisz np. pon-pt)"},
    C.CELL_SINGLE_TIME: {
        "en": "a single time is not a {what}: write start and end, e.g. 8:00-12:00 (format the "
              "cell as text)",
        "pl": "sama godzina to nie {what}: wpisz początek i koniec, np. 8:00-12:00 (ustaw "
              "format komórki: tekst)"},
    C.CELL_BAD_HOURS: {
        "en": "cannot read {value:q} in {cell}: write hours as 8:00-12:00",
        "pl": "nie rozumiem {value:q} w {cell}: wpisz godziny jak 8:00-12:00"},
    C.CELL_HOURS_WITHOUT_DAY: {
        "en": "{value:q} in {cell} has hours but no day (write e.g. pon 8:00-12:00)",
        "pl": "{value:q} w {cell} ma godziny bez dnia (wpisz np. pon 8:00-12:00)"},
    C.CELL_DAYS_WITHOUT_HOURS: {
        "en": "{cell} ends with days but no hours (write e.g. pon 8:00-12:00)",
        "pl": "{cell} kończy się dniem bez godzin (wpisz np. pon 8:00-12:00)"},
    C.CELL_BAD_DATES: {
        "en": "cannot read {value:q} as dates: write 01.04.2026-05.04.2026 or 10.04.2026",
        "pl": "nie rozumiem {value:q} jako dat: wpisz 01.04.2026-05.04.2026 lub 10.04.2026"},
    C.CELL_NOT_A_CLOCK: {
        "en": "{value} is not a time of day (write e.g. 9:30)",
        "pl": "{value} to nie godzina (wpisz np. 9:30)"},
    # ``unknown`` and ``what`` hold a text per language; ``choices`` the closest ids or names.
    C.NAME_UNKNOWN: {
        "en": "{unknown} {value:q}; did you mean {choices:qlist}?",
        "pl": "{unknown} {value:q}; czy chodzi o {choices:qlist}?"},
    C.NAME_NOT_FOUND: {
        "en": "{unknown} {value:q} (write its id or its name)",
        "pl": "{unknown} {value:q} (wpisz identyfikator albo nazwę)"},
    C.NAME_AMBIGUOUS: {
        "en": "{value:q} names more than one {what}: write one of the ids {ids:qlist}",
        "pl": "{value:q} pasuje do kilku pozycji ({what}): wpisz jeden z identyfikatorów "
              "{ids:qlist}"},
    # A plan sheet. ``sheet`` is the sheet's name, ``column`` a header.
    C.SHEET_ROW_EMPTY: {
        "en": "the row is empty or is the header (give the number of a row with a need)",
        "pl": "wiersz jest pusty albo to nagłówek (podaj numer wiersza z potrzebą)"},
    C.PLAN_SHEET_MISSING: {
        "en": "the workbook has no sheet {sheet:q} (export the plan with cus-match export "
              "--xlsx)",
        "pl": "w skoroszycie nie ma arkusza {sheet:q} (zapisz plan poleceniem cus-match export "
              "--xlsx)"},
    C.PLAN_COLUMN_MISSING: {
        "en": "the plan sheet has no column {column:q}",
        "pl": "w arkuszu planu brakuje kolumny {column:q}"},
    C.PLAN_ROW_NO_HELPERS: {
        "en": "the visit has no helper (to remove a visit, delete its row)",
        "pl": "wizyta nie ma pomagającego (aby usunąć wizytę, usuń cały wiersz)"},
    C.PLAN_ROW_REPEATED: {
        "en": "need {need:q} has a visit on {day:date} already in {first}",
        "pl": "potrzeba {need:q} ma już wizytę {day:date} w {first}"},
    C.PLAN_HELPER_REPEATED: {
        "en": "helper {id:q} is listed twice in one visit",
        "pl": "pomagający {id:q} jest wpisany dwa razy w jednej wizycie"},
    # Arrays and benchmark files: shapes are tuples, dtypes numpy's names.
    C.NOT_A_MATRIX: {"en": "must be a matrix, got shape {shape:shape}",
                     "pl": "musi być macierzą, ma kształt {shape:shape}"},
    C.ROWS_COLS_TOGETHER: {"en": "rows and cols must be given together",
                           "pl": "rows i cols trzeba podać razem"},
    C.ARRAYS_NOT_ALIGNED: {
        "en": "rows, cols and cost must be 1-d of one length, got {rows:shape}, {cols:shape}, "
              "{cost:shape}",
        "pl": "rows, cols i cost muszą być jednowymiarowe i równej długości, mają kształty "
              "{rows:shape}, {cols:shape}, {cost:shape}"},
    C.PAIRS_OUT_OF_RANGE: {"en": "pairs must lie in {rows} x {cols}",
                           "pl": "pary muszą mieścić się w {rows} x {cols}"},
    C.NOT_NUMBERS: {"en": "must hold numbers, got dtype {dtype}",
                    "pl": "musi zawierać liczby, ma typ {dtype}"},
    C.NOT_ALL_FINITE: {"en": "must be finite", "pl": "wartości muszą być skończone"},
    C.ENTRY_NOT_FINITE: {"en": "must be finite, got {value}",
                         "pl": "musi być skończone, jest {value}"},
    C.MATRICES_NOT_ALIGNED: {
        "en": "cost and weight must be m x n matrices of one shape, got {cost:shape} and "
              "{weight:shape}",
        "pl": "cost i weight muszą być macierzami m x n o tym samym kształcie, mają "
              "{cost:shape} i {weight:shape}"},
    C.WRONG_SHAPE: {"en": "must have shape {expected:shape}, got {got:shape}",
                    "pl": "musi mieć kształt {expected:shape}, ma {got:shape}"},
    C.NOT_AGENT_INDICES: {
        "en": "must hold agent indices, or -1 for unassigned",
        "pl": "musi zawierać numery agentów albo -1 dla nieprzydzielonych"},
    C.NO_ARC: {"en": "job {job} has no arc to agent {agent}",
               "pl": "zadanie {job} nie ma łuku do agenta {agent}"},
    C.NOT_ONE_DIMENSIONAL: {"en": "must be one-dimensional, got shape {shape:shape}",
                            "pl": "musi być jednowymiarowe, ma kształt {shape:shape}"},
    C.LENGTH_MISMATCH: {
        "en": "has {count} {count:plural:entry|entries}, agent has {expected}",
        "pl": "ma {count} {count:plural:element|elementy|elementów}, a agent ma {expected}"},
    C.NOT_INTEGERS: {"en": "must hold integers, got dtype {dtype}",
                     "pl": "musi zawierać liczby całkowite, ma typ {dtype}"},
    C.INDEX_OUT_OF_RANGE: {"en": "must be in 0..{last}, got {value}",
                           "pl": "musi być w zakresie 0..{last}, jest {value}"},
    C.DUPLICATE_ARC: {
        "en": "arcs {first} and {second} both join agent {agent} and job {job}",
        "pl": "łuki {first} i {second} łączą tego samego agenta {agent} z zadaniem {job}"},
    C.FILE_ENDS_BEFORE_SIZE: {"en": "file ended before a problem's m n",
                              "pl": "plik kończy się, zanim podano rozmiar problemu (m n)"},
    C.FILE_ENDS_INSIDE: {"en": "file ended inside a {m} x {n} problem",
                         "pl": "plik kończy się w środku problemu {m} x {n}"},
    C.NUMBERS_AFTER_PROBLEM: {
        "en": "{count} {count:plural:number|numbers} after the problem",
        "pl": "{count} {count:plural:liczba|liczby|liczb} po końcu problemu"},
    C.NUMBERS_AFTER_LAST_PROBLEM: {
        "en": "{count} {count:plural:number|numbers} after the last problem",
        "pl": "{count} {count:plural:liczba|liczby|liczb} po końcu ostatniego problemu"},
    C.NOT_TRIPLES: {"en": "the sparse body is not made of triples",
                    "pl": "dane macierzy rzadkiej nie składają się z trójek liczb"},
    C.PAIR_INDEX_OUT_OF_RANGE: {"en": "a pair index is out of range",
                                "pl": "numer w parze jest poza zakresem"},
    C.COST_COUNT: {"en": "expected {expected} costs, got {count}",
                   "pl": "liczba kosztów powinna wynosić {expected}, jest {count}"},
    # Which file goes with which: one sentence naming both files.
    C.RESULT_FOR_OTHER_INSTANCE: {
        "en": "{result} is a plan for another instance, not for {instance}: give the instance "
              "it was made from, or make a new plan with cus-match solve {instance}",
        "pl": "{result} to plan dla innych danych, nie dla {instance}: podaj plik danych, "
              "z którego go przygotowano, albo przygotuj nowy plan: cus-match solve "
              "{instance}"},
    C.PLAN_FROM_OTHER_INSTANCE: {
        "en": "{option} {result} is a plan for another instance ({other:q}), not for {instance} "
              "({name:q}): {option} takes an earlier plan of the same instance",
        "pl": "{option} {result} to plan dla innych danych ({other:q}), nie dla {instance} "
              "({name:q}): {option} przyjmuje wcześniejszy plan tych samych danych"},
    C.SPREADSHEET_NOT_JSON: {
        "en": "this is a spreadsheet, not an instance JSON file: read it first with "
              "cus-match import {path} -o gmina.json",
        "pl": "to arkusz kalkulacyjny, nie plik danych JSON: najpierw wczytaj go poleceniem "
              "cus-match import {path} -o gmina.json"},
    # Options of the command line. Values are shown as the library quoted them.
    C.OPTION_TIME_LIMIT: {
        "en": "--time-limit must be a positive number of seconds, got {value}",
        "pl": "--time-limit musi być dodatnią liczbą sekund, podano {value}"},
    C.OPTION_SEED: {"en": "--seed must be a whole number, got {value}",
                    "pl": "--seed musi być liczbą całkowitą, podano {value}"},
    C.OPTION_WORKERS: {"en": "--workers must be a whole number of at least 1, got {value}",
                       "pl": "--workers musi być liczbą całkowitą co najmniej 1, podano {value}"},
    C.OPTION_K: {"en": "--k must be a whole number of at least 1, got {value}",
                 "pl": "--k musi być liczbą całkowitą co najmniej 1, podano {value}"},
    C.OPTION_UNKNOWN_RULE: {
        "en": "--rule: unknown rule {value}; choose one of {known:qlist}, or give --weights "
              "TERM=W,... for a rule of your own",
        "pl": "--rule: nieznana reguła {value}; wybierz jedną z: {known:qlist} albo podaj "
              "--weights TERM=W,... (reguła własna)"},
    C.OPTION_UNKNOWN_METHOD: {
        "en": "--method: unknown method {value}; choose one of {known:qlist}",
        "pl": "--method: nieznana metoda {value}; wybierz jedną z: {known:qlist}"},
    C.OPTION_FLOW_RULE: {
        "en": "--method flow cannot optimise --rule {rule} (max-min is not a flow objective); "
              "use --method cpsat or auto",
        "pl": "--method flow nie optymalizuje reguły --rule {rule} (max-min to nie cel "
              "przepływu); użyj --method cpsat albo auto"},
    C.OPTION_TIMEINDEXED_RULE: {
        "en": "--method timeindexed cannot optimise --rule {rule} (max-min is not a linear "
              "objective); use --method cpsat or auto",
        "pl": "--method timeindexed nie optymalizuje reguły --rule {rule} (max-min to nie cel "
              "liniowy); użyj --method cpsat albo auto"},
    C.OPTION_PROCEDURE_PINS: {
        "en": "--rule {rule} is a matching procedure and cannot keep the visits of --pin; "
              "choose an optimising rule (e.g. --rule repair)",
        "pl": "--rule {rule} to procedura doboru, która nie zachowuje wizyt z --pin; wybierz "
              "regułę optymalizującą (np. --rule repair)"},
    C.OPTION_UNKNOWN_TERM: {
        "en": "--weights: unknown term {term}; known terms: {known:qlist}",
        "pl": "--weights: nieznany składnik {term}; znane składniki: {known:qlist}"},
    C.OPTION_WEIGHT_NOT_NUMBER: {
        "en": "--weights: the weight of {term} must be a finite number, got {value}",
        "pl": "--weights: waga składnika {term} musi być skończoną liczbą, podano {value}"},
    C.OPTION_WEIGHT_NEGATIVE: {
        "en": "--weights: the weight of {term} must not be negative, got {value} (costs such "
              "as travel are minimised by a positive weight)",
        "pl": "--weights: waga składnika {term} nie może być ujemna, podano {value} (koszty "
              "takie jak dojazd minimalizuje waga dodatnia)"},
    C.OPTION_NO_POSITIVE_WEIGHT: {
        "en": "--weights: give at least one positive weight",
        "pl": "--weights: podaj co najmniej jedną dodatnią wagę"},
    C.OPTION_NOT_A_DATETIME: {
        "en": "{option}: {value} is not a date and time (e.g. 2026-03-22T18:00+01:00)",
        "pl": "{option}: {value} to nie data z godziną (np. 2026-03-22T18:00+01:00)"},
    C.OPTION_NO_UTC_OFFSET: {
        "en": "{option}: {value} needs an offset from UTC (e.g. 2026-03-22T18:00+01:00)",
        "pl": "{option}: {value} wymaga przesunięcia względem UTC "
              "(np. 2026-03-22T18:00+01:00)"},
    C.OPTION_LABEL: {
        "en": "{option} must be 1-{max} printable characters, got {value}",
        "pl": "{option} musi mieć od 1 do {max} znaków drukowalnych, podano {value}"},
    C.OPTION_AT_WITHOUT_BY: {
        "en": "--approved-at is given without --approved-by",
        "pl": "podano --approved-at bez --approved-by"},
    C.OPTION_LAST: {"en": "--last must be a whole number from 1 to 1000000, got {value}",
                    "pl": "--last musi być liczbą całkowitą od 1 do 1000000, podano {value}"},
    C.OPTION_RETENTION: {
        "en": "retention: {value} is not a number of days from 1 to 36500, nor 'off'",
        "pl": "retention: {value} to nie liczba dni (od 1 do 36500) ani 'off'"},
    C.OPTION_BOTH_DATES: {"en": "give both --from and --to",
                          "pl": "podaj zarówno --from, jak i --to"},
    C.OPTION_TO_BEFORE_FROM: {
        "en": "--to {end:date} is before --from {start:date}",
        "pl": "--to {end:date} jest przed --from {start:date}"},
    C.OPTION_NOT_A_CLI_DATE: {
        "en": "{value:q} is not a date (2026-03-24 or 24.03.2026)",
        "pl": "{value:q} to nie data (24.03.2026 lub 2026-03-24)"},
    C.OPTION_DEMO_FIXED: {"en": "--demo has fixed options: drop {options}",
                          "pl": "--demo ma ustalone opcje: usuń {options}"},
    C.OPTION_LIBRARY_FIXED: {"en": "a library instance is fixed by its name: drop {options}",
                             "pl": "przykład z biblioteki jest ustalony przez nazwę: "
                                   "usuń {options}"},
    C.OPTION_NOT_NEGATIVE: {"en": "{option} must be 0 or more, got {value}",
                            "pl": "{option} musi wynosić co najmniej 0, podano {value}"},
    C.OPTION_ACCEPT_NEEDS: {"en": "--accept needs --date and --output",
                            "pl": "--accept wymaga --date i --output"},
    C.OPTION_NO_SUCH_RANK: {
        "en": "no option of rank {rank} on {date:date}",
        "pl": "brak propozycji numer {rank} w dniu {date:date}"},
    C.OPTION_EXPORT_NOTHING: {
        "en": "export needs at least one of --xlsx, --csv, --ics",
        "pl": "export wymaga co najmniej jednej z opcji --xlsx, --csv, --ics"},
    C.OPTION_OUT_OF_RANGE: {"en": "{option}: {value} is outside {bound}",
                            "pl": "{option}: {value} jest poza zakresem {bound}"},
    C.OPTION_REQUIRES: {"en": "{option} needs {other}", "pl": "{option} wymaga {other}"},
    C.OPTION_SEEDS: {"en": "--seeds must be whole numbers separated by commas, got {value:q}",
                     "pl": "--seeds to liczby całkowite rozdzielone przecinkami, podano "
                           "{value:q}"},
    C.OPTION_NEIGHBOUR_CERTIFICATE: {
        "en": "{helper:q} provides neighbour services (paid); the volunteering certificate is "
              "for volunteers",
        "pl": "{helper:q} świadczy usługi sąsiedzkie (odpłatnie); zaświadczenie o wolontariacie "
              "dotyczy wolontariuszy"},
    C.OPTION_PERSON_BOTH_KINDS: {
        "en": "{person:q} is a helper id in some records and a resident id in others: add "
              "--kind helper or --kind resident",
        "pl": "{person:q} to w części zapisów identyfikator pomagającego, a w części "
              "mieszkańca: dodaj --kind helper albo --kind resident"},
    # The history store.
    C.STORE_ROUND_EXISTS: {
        "en": "round {round:q} is already stored (add --replace to replace a proposal)",
        "pl": "runda {round:q} jest już zapisana (dodaj --replace, by zastąpić propozycję)"},
    C.STORE_ROUND_APPROVED: {
        "en": "round {round:q} is approved and is not replaced; save the new plan under a new "
              "id (a later approval supersedes it)",
        "pl": "runda {round:q} jest zatwierdzona i nie zostanie zastąpiona; zapisz nowy plan "
              "pod nowym identyfikatorem (późniejsze zatwierdzenie ma pierwszeństwo)"},
    C.STORE_ALREADY_APPROVED: {
        "en": "round {round:q} was already approved (by {by}, {at})",
        "pl": "runda {round:q} została już zatwierdzona (zatwierdzenie: {by}, {at})"},
    C.STORE_NO_ROUND: {"en": "no round {round:q} is stored",
                       "pl": "nie ma zapisanej rundy {round:q}"},
    C.STORE_NO_VISITS: {
        "en": "helper {helper:q} has no approved visit from {start:date} to {end:date}",
        "pl": "pomagający {helper:q} nie ma zatwierdzonych wizyt od {start:date} do "
              "{end:date}"},
    C.STORE_NO_PERSON: {"en": "no stored round mentions {person:q}",
                        "pl": "żadna zapisana runda nie dotyczy {person:q}"},
    C.STORE_MISSING: {"en": "no such history store (history ... save creates one)",
                      "pl": "nie ma takiego pliku historii (tworzy go history ... save)"},
    C.STORE_DIRECTORY: {"en": "is a folder, not a history store file",
                        "pl": "to folder, nie plik historii"},
    C.STORE_NOT_SQLITE: {
        "en": "is not a cus_match history store (not an SQLite database); left unchanged",
        "pl": "to nie plik historii cus_match (nie jest bazą SQLite); nic nie zmieniono"},
    C.STORE_FOREIGN: {
        "en": "is an SQLite database but not a cus_match history store; left unchanged",
        "pl": "to baza SQLite, ale nie plik historii cus_match; nic nie zmieniono"},
    C.STORE_NEWER: {
        "en": "was written by a newer cus_match; upgrade cus_match to open it. Left unchanged",
        "pl": "zapisała go nowsza wersja cus_match; zaktualizuj cus_match, by go otworzyć. "
              "Nic nie zmieniono"},
    C.STORE_DAMAGED: {
        "en": "is damaged or unreadable; left unchanged. Restore it from a backup",
        "pl": "plik jest uszkodzony lub nieczytelny; nic nie zmieniono. Przywróć go z kopii "
              "zapasowej"},
    C.STORE_BUSY: {
        "en": "is busy: another program kept it locked; try again in a moment",
        "pl": "plik jest zajęty przez inny program; spróbuj ponownie za chwilę"},
    # Limits (cus_match.limits): ``bound`` is the range as ``0..1000`` or ``0 < x <= 168``.
    C.OUT_OF_RANGE: {
        "en": "{value} is outside the accepted range {bound} (see docs/limits.md)",
        "pl": "{value} jest poza dozwolonym zakresem {bound} (zob. docs/limits.md)"},
    C.DATE_OUT_OF_RANGE: {
        "en": "{value} is outside the years {low}-{high}",
        "pl": "{value} jest poza latami {low}-{high}"},
    # ``char`` is the character's code point as U+0000.
    C.CONTROL_CHARACTER: {
        "en": "contains the control character {char} at position {position} (remove it)",
        "pl": "zawiera znak sterujący {char} na pozycji {position} (usuń go)"},
    C.LINE_BREAK_IN_TEXT: {
        "en": "contains a line break at position {position}: a name or label is one line",
        "pl": "zawiera koniec wiersza na pozycji {position}: nazwa lub etykieta to jeden wiersz"},
    C.TEXT_TOO_LONG: {
        "en": "is {length} characters long; at most {max} are accepted",
        "pl": "ma {length} znaków; dozwolone jest najwyżej {max}"},
    C.TOO_MANY_ENTITIES: {
        "en": "has {count} entries; at most {max} are accepted",
        "pl": "ma {count} pozycji; dozwolone jest najwyżej {max}"},
    C.DUPLICATE_KEY: {
        "en": "the key {name:q} appears twice in one object (keep one)",
        "pl": "klucz {name:q} występuje dwa razy w jednym obiekcie (zostaw jeden)"},
    C.FILE_TOO_LARGE: {
        "en": "the file has {size} bytes; at most {max} are read",
        "pl": "plik ma {size} bajtów; wczytywane jest najwyżej {max}"},
    # Workbooks: ``member`` is a file inside the .xlsx archive (xl/worksheets/sheet1.xml).
    C.XLSX_TOO_MANY_MEMBERS: {
        "en": "the workbook holds {count} files; a workbook has at most {max}",
        "pl": "skoroszyt zawiera {count} plików; skoroszyt ma ich najwyżej {max}"},
    C.XLSX_MEMBER_TOO_LARGE: {
        "en": "{member} would unpack to {size} bytes; at most {max} are read (a zip bomb?)",
        "pl": "{member} po rozpakowaniu miałby {size} bajtów; wczytywane jest najwyżej {max} "
              "(bomba ZIP?)"},
    C.XLSX_TOO_LARGE: {
        "en": "the workbook would unpack to {size} bytes; at most {max} are read (a zip bomb?)",
        "pl": "skoroszyt po rozpakowaniu miałby {size} bajtów; wczytywane jest najwyżej {max} "
              "(bomba ZIP?)"},
    C.XLSX_DAMAGED: {
        "en": "the workbook is damaged: {member} cannot be unpacked ({detail}); save it again "
              "from Excel",
        "pl": "skoroszyt jest uszkodzony: nie można rozpakować {member} ({detail}); zapisz go "
              "ponownie w Excelu"},
    C.XLSX_BAD_XML: {
        "en": "the workbook is damaged: {member} is not valid XML ({detail}); save it again "
              "from Excel",
        "pl": "skoroszyt jest uszkodzony: {member} to niepoprawny XML ({detail}); zapisz go "
              "ponownie w Excelu"},
    C.XLSX_FORBIDDEN_XML: {
        "en": "{member} declares XML entities or a DTD, which a workbook never does (refused "
              "for safety)",
        "pl": "{member} deklaruje encje XML lub DTD, czego skoroszyt nigdy nie robi (odrzucone "
              "dla bezpieczeństwa)"},
    C.SHEET_TOO_MANY_ROWS: {
        "en": "the sheet has more than {max} rows",
        "pl": "arkusz ma więcej niż {max} wierszy"},
    C.SHEET_TOO_MANY_COLUMNS: {
        "en": "row {row} has a cell beyond column {max}",
        "pl": "wiersz {row} ma komórkę za kolumną {max}"},
    # ``cell`` is the Excel address (B7).
    C.CELL_TOO_LONG: {
        "en": "cell {cell} holds {length} characters; at most {max} are read",
        "pl": "komórka {cell} ma {length} znaków; wczytywane jest najwyżej {max}"},
    C.CELL_BAD_SHARED_STRING: {
        "en": "cell {cell} points to text number {index}, but the workbook holds {count}",
        "pl": "komórka {cell} wskazuje tekst nr {index}, a skoroszyt ma ich {count}"},
    C.CELL_BAD_VALUE: {
        "en": "cell {cell} is marked as a {what:w:cell_type} but holds {value:q}",
        "pl": "komórka {cell} jest oznaczona jako {what:w:cell_type}, a zawiera {value:q}"},
    C.CELL_FORMULA_NO_VALUE: {
        "en": "cell {cell} holds a formula with no computed value: open the file in Excel "
              "and save it, or type the value",
        "pl": "komórka {cell} zawiera formułę bez obliczonej wartości: otwórz plik w Excelu "
              "i zapisz go albo wpisz wartość"},
    C.CELL_MERGED: {
        "en": "cells {range} are merged across rows: unmerge them and fill each row",
        "pl": "komórki {range} są scalone przez kilka wierszy: rozdziel je i wypełnij każdy "
              "wiersz"},
    C.CELL_ERROR_VALUE: {
        "en": "cell {cell} holds the error {value}",
        "pl": "komórka {cell} zawiera błąd {value}"},
    C.CELL_NON_ASCII_DIGIT: {
        "en": "{value} has the digit {char}, which is not 0-9: type the number again",
        "pl": "{value} zawiera cyfrę {char} spoza 0-9: wpisz liczbę ponownie"},
    # Paths on the command line: ``path`` as given.
    C.PATH_MISSING: {
        "en": "{path}: no such file or folder",
        "pl": "{path}: nie ma takiego pliku ani folderu"},
    C.PATH_NOT_A_FILE: {
        "en": "{path} is a folder, not a file: give a file",
        "pl": "{path} to folder, nie plik: podaj plik"},
    C.PATH_NOT_A_FOLDER: {
        "en": "{path} is an existing file, not a folder: give a folder (new or existing)",
        "pl": "{path} to istniejący plik, nie folder: podaj folder (nowy lub istniejący)"},
    C.PATH_IS_A_FOLDER: {
        "en": "{path} is a folder: give the name of a file to write",
        "pl": "{path} to folder: podaj nazwę pliku do zapisania"},
    C.PATH_PARENT_MISSING: {
        "en": "{path}: the folder {parent} does not exist (create it first)",
        "pl": "{path}: folder {parent} nie istnieje (najpierw go utwórz)"},
    C.PATH_READ_ONLY: {
        "en": "{path}: cannot write here (read-only); choose another place",
        "pl": "{path}: nie można tu zapisywać (tylko do odczytu); wybierz inne miejsce"},
    C.PATH_NOT_READABLE: {
        "en": "{path}: cannot read the file ({errno:oserror})",
        "pl": "{path}: nie można odczytać pliku ({errno:oserror})"},
    C.PATH_NOT_UTF8: {
        "en": "{path} is not UTF-8 text (byte {byte:hex} at offset {offset}): save it as UTF-8",
        "pl": "{path} to nie tekst UTF-8 (bajt {byte:hex} na pozycji {offset}): zapisz go "
              "w kodowaniu UTF-8"},
    C.FILE_SYSTEM_ERROR: {
        "en": "{path}: {errno:oserror}",
        "pl": "{path}: {errno:oserror}"},
    C.EXTRA_MISSING: {
        "en": "{what} needs the optional package {module}: pip install 'cus-match[{extra}]'",
        "pl": "{what} wymaga dodatkowego pakietu {module}: pip install 'cus-match[{extra}]'"},
    C.STORE_READ_ONLY: {
        "en": "the store's folder {path} is read-only: cus-match cannot write the store there "
              "(copy the file somewhere writable)",
        "pl": "folder magazynu {path} jest tylko do odczytu: cus-match nie może tam zapisać "
              "magazynu (skopiuj plik w miejsce z prawem zapisu)"},
    C.STORE_PLAN_FOR_OTHER_INSTANCE: {
        "en": "round {round:q}: the result is a plan for another instance, not for the instance "
              "saved with it",
        "pl": "runda {round:q}: wynik to plan dla innych danych, nie dla danych zapisywanych "
              "razem z nim"},
    # Options of compare and batch.
    C.OPTION_BOTH_LIMITS: {
        "en": "give --time-limit (seconds) or --work-limit (deterministic work units), not both",
        "pl": "podaj --time-limit (sekundy) albo --work-limit (deterministyczne jednostki "
              "pracy), nie obie opcje naraz"},
    C.OPTION_NOT_POSITIVE: {"en": "{option} must be positive, got {value}",
                            "pl": "{option} musi być liczbą dodatnią, podano {value}"},
    C.OPTION_UNKNOWN_CHOICE: {
        "en": "{option}: unknown {bad:qlist}; choose from {known:qlist}",
        "pl": "{option}: nieznane {bad:qlist}; do wyboru: {known:qlist}"},
    C.BATCH_NOT_A_FOLDER: {
        "en": "{path} is not a folder: give the folder of instance files (*.json)",
        "pl": "{path} to nie folder: podaj folder z plikami danych (*.json)"},
    C.BATCH_NO_INSTANCES: {
        "en": "no instance files (*.json) in {path}",
        "pl": "w {path} nie ma plików danych (*.json)"},
    C.OPTION_AT_LEAST_ONE: {
        "en": "{option} must be a whole number of at least 1, got {value}",
        "pl": "{option} musi być liczbą całkowitą co najmniej 1, podano {value}"},
    C.OPTION_FIXED_SCALE: {
        "en": "--scale: the {profile:q} profile has fixed sizes; give --scale 1, not {value}",
        "pl": "--scale: profil {profile:q} ma stałe rozmiary; podaj --scale 1, nie {value}"},
    C.SCHEDULER_UNREACHABLE: {
        "en": "cannot reach the Dask scheduler at {address}: is it running, and is the address "
              "right?",
        "pl": "nie można połączyć się z planistą Dask (scheduler) pod adresem {address}: czy "
              "działa i czy adres jest poprawny?"},
    C.STUDY_RUNS_FAILED: {
        "en": "{failed} of {total} runs failed, the first {label} seed {seed} {rule}/{method}: "
              "{error}; the finished runs are kept in {log}",
        "pl": "nieudane przebiegi: {failed} z {total}; pierwszy: {label} ziarno {seed} "
              "{rule}/{method}: {error}; ukończone przebiegi zachowano w {log}"},
}

#: table -> language -> value -> word, for ``{x:w:table}`` and ``{x:lead:table}``. A value not in
#: a table is shown as it is, or as the table's ``""`` entry when it has one.
WORDS: Final[dict[str, dict[str, dict[str, str]]]] = {
    # What a JSON value should have been, after "expected" / "oczekiwano" (genitive).
    "expected": {
        "en": {"object": "an object", "list": "a list", "string": "a string",
               "boolean": "true or false", "integer": "a whole number", "number": "a number"},
        "pl": {"object": "obiektu", "list": "listy", "string": "tekstu",
               "boolean": "wartości true lub false", "integer": "liczby całkowitej",
               "number": "liczby"},
    },
    # What it was (the names :func:`cus_match.io.structure.json_type_name` gives).
    "json_type": {
        "en": {"null": "null", "boolean": "boolean", "integer": "integer", "number": "number",
               "string": "string", "list": "list", "object": "object"},
        "pl": {"null": "null", "boolean": "wartość logiczna", "integer": "liczba całkowita",
               "number": "liczba", "string": "tekst", "list": "lista", "object": "obiekt"},
    },
    # Travel modes as the messages name them: English keeps the file's own word.
    "mode": {
        "en": {m: m for m in MODE_WORDS["en"]},
        "pl": dict(MODE_WORDS["pl"]),
    },
    # The json module's descriptions of syntax errors (its own words, keyed as it writes them).
    "json_error": {
        "en": {},
        "pl": {
            "": "błąd składni",
            "Expecting value": "oczekiwano wartości",
            "Expecting property name enclosed in double quotes":
                "oczekiwano nazwy pola w cudzysłowie",
            "Expecting ':' delimiter": "oczekiwano dwukropka",
            "Expecting ',' delimiter": "oczekiwano przecinka",
            "Unterminated string starting at": "niezakończony tekst",
            "Invalid control character at": "niedozwolony znak sterujący w tekście",
            "Invalid \\escape": "niepoprawna sekwencja ze znakiem \\",
            "Invalid \\uXXXX escape": "niepoprawny zapis \\uXXXX",
            "Extra data": "nadmiarowe dane po końcu dokumentu",
            "Illegal trailing comma before end of object": "przecinek przed końcem obiektu",
            "Illegal trailing comma before end of array": "przecinek przed końcem listy",
        },
    },
    # The kinds of cell an .xlsx file marks (the ``t`` attribute), after "as a" / "jako".
    "cell_type": {
        "en": {"n": "number", "d": "date", "b": "true/false", "s": "text"},
        "pl": {"n": "liczba", "d": "data", "b": "prawda/fałsz", "s": "tekst"},
    },
    # The commonest words of the zipfile, openpyxl and csv modules; others are shown as they are.
    "library_error": {
        "en": {},
        "pl": {
            "File is not a zip file": "plik nie jest skoroszytem .xlsx (archiwum ZIP)",
            "line contains NUL": "plik zawiera znak NUL (to nie jest zwykły tekst)",
        },
    },
}

#: Operating-system errors by :mod:`errno` name, in Polish (English uses the system's words).
_OS_ERRORS_PL: Final[dict[str, str]] = {
    "ENOENT": "nie ma takiego pliku",
    "EACCES": "brak uprawnień do odczytu",
    "EPERM": "brak uprawnień do odczytu",
    "EISDIR": "to jest folder, nie plik",
    "ENOTDIR": "część ścieżki nie jest folderem",
    "ENAMETOOLONG": "za długa nazwa pliku",
    "ELOOP": "zapętlone dowiązania symboliczne",
    "EIO": "błąd odczytu z dysku",
    "EBUSY": "plik jest zajęty przez inny program",
}


# Rendering ------------------------------------------------------------------------------------

def _number(x: float, lang: str) -> str:
    # Exact, with the language's decimal mark: an offending -0.25 must not be rounded to -0,2.
    if lang == "pl" and isinstance(x, float) and math.isfinite(x) and x.is_integer():
        return number(x, lang)
    return exact_number(x, lang)


def _show(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return _show(value.get(lang, ""), lang)
    if value is None:
        return ""
    if isinstance(value, int | float):
        return _number(value, lang)
    if isinstance(value, tuple | list):
        return ", ".join(_show(v, lang) for v in value)
    return str(value)


def _quote(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return _quote(value.get(lang, ""), lang)
    return repr(value) if isinstance(value, str) else _show(value, lang)


def _word(table: str, value: Any, lang: str) -> str:
    words = WORDS[table][lang]
    key = _show(value, lang)
    return words.get(key, words.get("", key))


def _os_error(code: Any, lang: str) -> str:
    if not isinstance(code, int):
        return {"en": "unknown error", "pl": "nieznany błąd"}[lang]
    name = errno_names.errorcode.get(code, "")
    if lang == "pl":
        return _OS_ERRORS_PL.get(name, f"błąd systemu nr {code}")
    return os.strerror(code)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, rest = format_spec.partition(":")
        lang = self.lang
        if kind == "":
            return _show(value, lang)
        if kind == "q":
            return _quote(value, lang)
        if kind == "qlist":
            return ", ".join(_quote(v, lang) for v in value)
        if kind == "date":
            try:
                return short_date(date.fromisoformat(_show(value, lang)), lang)
            except ValueError:
                return _show(value, lang)
        if kind == "plural":
            return plural(value, lang, *rest.split("|"))
        if kind == "w":
            return _word(rest, value, lang)
        if kind == "lead":
            return "" if value is None else _word(rest, value, lang) + ": "
        if kind == "hex":
            return f"0x{value:02x}"
        if kind == "shape":
            return str(tuple(value))
        if kind == "oserror":
            return _os_error(value, lang)
        raise ValueError(f"unknown placeholder spec {format_spec!r}")


def render(code: ProblemCode, args: Mapping[str, Any], lang: str = "en") -> str:
    """The text of ``code`` in ``lang`` with ``args`` filled in.

    Raises
    ------
    InvalidOptionError
        If ``lang`` is not a supported language.

    Examples
    --------
    >>> render(ProblemCode.LONGER_THAN_WINDOWS, {"minutes": 200, "longest": 180}, "en")
    '200 minutes do not fit in any window (the longest is 180 minutes)'
    >>> render(ProblemCode.PERIOD_TOO_LONG, {"days": 400, "max": 366}, "pl")
    'okres planowania ma 400 dni; można planować najwyżej 366 dni'
    """
    return _Formatter(check_lang(lang)).vformat(TEXTS[code][lang], (), args)


def placeholders(template: str) -> set[str]:
    """The argument names a template uses.

    >>> sorted(placeholders(TEXTS[ProblemCode.DUPLICATE_ID]["pl"]))
    ['first', 'id']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def problem_count(n: int, lang: str = "en") -> str:
    """``n`` and the word "problem" in ``lang``: ``3 problems``, ``3 problemy``, ``5 problemów``.

    >>> problem_count(0, "en"), problem_count(2, "pl"), problem_count(5, "pl")
    ('0 problems', '2 problemy', '5 problemów')
    """
    forms: dict[str, Sequence[str]] = {"en": ("problem", "problems"),
                                       "pl": ("problem", "problemy", "problemów")}
    return count(n, lang, *pick(forms, lang))


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """A :class:`~cus_match.errors.Problem` back from :meth:`~cus_match.errors.Problem.to_dict`.

    The message, if present, is ignored: it is rendered again from the code.

    >>> p = Problem("needs[0].duration_minutes", ProblemCode.NOT_POSITIVE, {"value": 0})
    >>> problem_from_dict(p.to_dict()) == p
    True
    """
    return Problem(data["path"], ProblemCode(data["code"]), data.get("args", {}))

