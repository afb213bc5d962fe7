"""What the command modules share: exit codes, ``--lang``, loading, printing, progress.

Like the command modules, this one imports the library only inside its functions, so that
``cus-match --help`` stays fast.

``--lang`` is one option of every command, accepted before the command's name or anywhere after
it (:func:`add_lang_everywhere`); without it the language follows the system locale
(:func:`default_lang`). Output goes through :func:`setup_console`, so no console encoding can
turn a name into a traceback.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", choices=LANGS, default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> history = parser.add_subparsers(dest="command").add_parser("history")
>>> _ = history.add_subparsers(dest="action").add_parser("list")
>>> add_lang_everywhere(parser)
>>> parser.parse_args(["--lang", "pl", "history"]).lang
'pl'
>>> parser.parse_args(["history", "list", "--lang", "pl"]).lang
'pl'
"""

from __future__ import annotations

import argparse
import codecs
import io
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cus_match.errors import InvalidOptionError

if TYPE_CHECKING:
    from cus_match.errors import InvalidInputError
    from cus_match.model.instance import Instance
    from cus_match.optimise.options import ProgressEvent
    from cus_match.plan.check import Violation
    from cus_match.plan.result import Result
    from cus_match.problem_texts import ProblemCode

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "LANGS",
    "SHOWN",
    "Handler",
    "Progress",
    "UsageError",
    "add_lang_everywhere",
    "add_lang_option",
    "check_plan_source",
    "date_option",
    "default_lang",
    "load_plan",
    "print_plan",
    "problems_text",
    "read_names_file",
    "report_violations",
    "setup_console",
    "write_text",
]

#: Exit codes: success; invalid input, an infeasible or partial plan, or violations found;
#: wrong usage (argparse exits 2 too).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

#: Languages of printed text.
LANGS = ("en", "pl")

#: Lines of a long list (violations, problems) printed before the rest is counted by kind.
SHOWN = 20

#: A command's handler: the parsed options in, the exit code out.
Handler = Callable[[argparse.Namespace], int]


class UsageError(InvalidOptionError):
    """Wrong usage of the command line, told by a code in any language (exit 2).

    Parameters
    ----------
    code : ProblemCode
        What is wrong (one of the ``OPTION_*`` codes).
    **args
        The values its text names.

    Examples
    --------
    >>> from cus_match.problem_texts import ProblemCode
    >>> e = UsageError(ProblemCode.OPTION_BOTH_DATES)
    >>> str(e), e.text("pl")
    ('give both --from and --to', 'podaj zarówno --from, jak i --to')
    """

    def __init__(self, code: ProblemCode, /, **args: Any) -> None:
        self.code, self.args_ = code, args
        super().__init__(code.text("en", args))

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.code.text(lang, self.args_)


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language when no ``--lang`` is given: Polish on a Polish system, else English.

    The locale variables are read in POSIX order of precedence (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``); the first one set decides.

    Examples
    --------
    >>> default_lang({"LANG": "pl_PL.UTF-8"}), default_lang({"LC_ALL": "C", "LANG": "pl_PL"})
    ('pl', 'en')
    >>> default_lang({})
    'en'
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "pl" if value.lower().startswith("pl") else "en"
    return "en"


def add_lang_option(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """Let a command take ``--lang`` after its name as well as before it.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's own parser.
    help : str, optional
        The option's help text; the command line's own come from
        :data:`cus_match.cli.help_words.HELP`.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_lang_option(p)
    >>> p.parse_args([])  # no default: the global --lang stays in force
    Namespace()
    """
    # SUPPRESS: without --lang here, the global --lang (before the command) stays in force.
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=help)


def add_lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give every command and sub-command under ``parser`` the ``--lang`` option.

    Commands that already declare it (with their own help text) keep theirs.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The top-level parser, after every command was added.
    """
    for action in parser._actions:  # argparse offers no public walk of its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                if "--lang" not in sub._option_string_actions:
                    add_lang_option(sub)
                add_lang_everywhere(sub)


def date_option(text: str) -> date:
    """A command-line date as a coordinator types it: ``01.04.2026`` or ``2026-04-01``.

    The one parser of every date option (``type=date_option``), the same as the spreadsheets'
    (:func:`cus_match.io.cells.read_date`).

    Examples
    --------
    >>> date_option("1.04.2026"), date_option("2026-04-01")
    (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1))
    >>> date_option("31.02.2026")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '31.02.2026' is not a date in the calendar
    """
    from cus_match.io.cells import CellError, read_date

    try:
        return date.fromisoformat(read_date(text))
    except CellError as e:
        # argparse words the rest of a usage error in English; its own part stays English too.
        raise argparse.ArgumentTypeError(e.text("en")) from None


def load_plan(instance: Path, result: Path) -> tuple[Instance, Result]:
    """Load an instance and a plan made for it.

    Parameters
    ----------
    instance, result : Path
        The instance JSON and the result JSON.

    Returns
    -------
    tuple of (Instance, Result)

    Raises
    ------
    InvalidInputError
        Either file cannot be read or is not valid (the message names the file and lists every
        problem), or the plan was made for another instance (one sentence naming both files).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cus_match.generate import generate
    >>> from cus_match.io.json_format import dump_instance, dump_result
    >>> from cus_match.optimise.solve import solve
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> dump_instance(generate("tiny", seed=1), folder / "a.json")
    >>> load_plan(folder / "a.json", folder / "a.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: .../a.json: 1 problem
      kind: expected 'result', got 'instance'
    >>> dump_result(solve(generate("tiny", seed=2), method="greedy"), folder / "b-plan.json")
    >>> load_plan(folder / "a.json", folder / "b-plan.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: 1 problem
      .../b-plan.json is a plan for another instance, not for .../a.json: ...
    """
    from cus_match.errors import InvalidInputError, Problem
    from cus_match.io.json_format import instance_digest, load_instance, load_result
    from cus_match.problem_texts import ProblemCode

    inst, res = load_instance(instance), load_result(result)
    # Results written before the digest was recorded have none: the references check (and
    # the summary of its problems) is all that can be said of them.
    if res.instance_digest is not None and res.instance_digest != instance_digest(inst):
        raise InvalidInputError([Problem("", ProblemCode.RESULT_FOR_OTHER_INSTANCE,
                                         {"result": str(result), "instance": str(instance)})])
    return inst, res


def check_plan_source(option: str, plan: Result, plan_path: Path, inst: Instance,
                      inst_path: Path) -> None:
    """Refuse a ``--pin`` or ``--baseline`` plan made for another instance.

    Re-planning gives an *earlier* plan of the same instance, which may have changed since (a
    helper withdrew, a need was added): so an exact digest is not asked for. A plan is refused
    when it names another instance, or when none of its visits is of a need and helper this
    instance has.

    Parameters
    ----------
    option : str
        The option that gave the plan (``"--pin"``, ``"--baseline"``).
    plan : Result
        The plan given.
    plan_path, inst_path : Path
        The files, for the message.
    inst : Instance
        The instance being solved.

    Raises
    ------
    InvalidInputError
        One sentence naming both files.
    """
    from cus_match.errors import InvalidInputError, Problem
    from cus_match.io.json_format import instance_digest
    from cus_match.problem_texts import ProblemCode

    if plan.instance_digest is not None and plan.instance_digest == instance_digest(inst):
        return
    helpers, needs = {h.id for h in inst.helpers}, {n.id for n in inst.needs}
    other_name = bool(plan.instance_name and inst.name and plan.instance_name != inst.name)
    nothing_known = bool(plan.assignments) and not any(
        a.helper in helpers and a.need in needs for a in plan.assignments)
    if other_name or nothing_known:
        raise InvalidInputError([Problem("", ProblemCode.PLAN_FROM_OTHER_INSTANCE, {
            "option": option, "result": str(plan_path), "instance": str(inst_path),
            "other": plan.instance_name, "name": inst.name})])


def read_names_file(path: Path) -> dict[str, str]:
    """Names to show beside ids, read as ``report --names`` reads them (one ``id;name`` a line).

    Parameters
    ----------
    path : Path
        The names file.

    Returns
    -------
    dict of str to str
        Id to name; helpers' and residents' ids alike.

    Raises
    ------
    InvalidInputError
        Naming the file and each bad line.
    """
    from cus_match.store.people import read_names

    return read_names(path)


def print_plan(inst: Instance, result: Result, lang: str, quiet: bool = False) -> None:
    """Print a plan: every visit and every unmet need, or with ``quiet`` only its summary.

    Parameters
    ----------
    inst : Instance
        The instance the plan was made for.
    result : Result
        The plan.
    lang : {"en", "pl"}
        Language of the text.
    quiet : bool
        Print :meth:`Result.summary <cus_match.plan.result.Result.summary>` only.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solve import solve
    >>> inst = generate("tiny", seed=1)
    >>> print_plan(inst, solve(inst, method="greedy"), "en", quiet=True)  # doctest: +ELLIPSIS
    Plan: feasible (greedy, rule fifo, ... s)
      visits met: 1 by 1 helper, 1.0 helper-hours
    ...
    """
    from cus_match.report.text import format_plan

    print(result.summary(lang) if quiet else format_plan(inst, result, lang=lang))


def report_violations(violations: Sequence[Violation], lang: str = "en",
                      shown: int = SHOWN) -> int:
    """Print the violations on stderr, the first ``shown`` in full and the rest counted by kind.

    A plan checked against the wrong instance breaks a constraint at every visit: thousands
    of lines would hide the one thing to say.

    Parameters
    ----------
    violations : sequence of Violation
        From :func:`cus_match.plan.check.check`.
    lang : {"en", "pl"}
        Language of the text.
    shown : int
        Violations printed in full.

    Returns
    -------
    int
        :data:`EXIT_INVALID` if there is any, else :data:`EXIT_OK`.

    Examples
    --------
    >>> from cus_match.plan.check import Violation
    >>> report_violations([])
    0
    >>> report_violations([Violation("H4", "overlap", "h1 has two visits at 10:00")])
    1
    """
    from cus_match.cli.words import CHECK_CODES, CONSTRAINTS, say
    from cus_match.lang import pick
    from cus_match.reasons import Reason

    labels, meanings = pick(CONSTRAINTS, lang), pick(CHECK_CODES, lang)
    reasons = {r.value for r in Reason}

    def line(v: Violation) -> str:
        text = v.message
        if lang != "en":
            # The checker words its messages in English; the code says the same in any language.
            meaning = Reason(v.code).text(lang) if v.code in reasons else meanings.get(v.code)
            where = ", ".join(str(x) for x in (v.need, v.date, v.helper) if x is not None)
            text = f"{where}: {meaning}" if meaning and where else (meaning or text)
        return say("violation", lang, constraint=labels.get(v.constraint, v.constraint),
                   code=v.code, text=text)

    for v in violations[:shown]:
        print(line(v), file=sys.stderr)
    if len(violations) > shown:
        print(say("violations_more", lang, n=len(violations) - shown), file=sys.stderr)
        kinds = Counter((labels.get(v.constraint, v.constraint), v.code) for v in violations)
        for (constraint, code), n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
            print(say("by_kind", lang, n=n, kind=f"{constraint} {code}"), file=sys.stderr)
    return EXIT_INVALID if violations else EXIT_OK


def problems_text(error: InvalidInputError, lang: str, shown: int = SHOWN) -> str:
    """An input error for the terminal: the first ``shown`` problems, the rest counted by kind.

    A single problem that names no place in a file is one sentence on its own.

    Parameters
    ----------
    error : InvalidInputError
        The error.
    lang : {"en", "pl"}
        Language of the text.
    shown : int
        Problems printed in full.

    Examples
    --------
    >>> from cus_match.errors import InvalidInputError, Problem
    >>> from cus_match.problem_texts import ProblemCode
    >>> many = [Problem(f"assignments[{i}].need", ProblemCode.RESULT_UNKNOWN_NEED,
    ...                 {"id": f"n{i}"}) for i in range(30)]
    >>> print(problems_text(InvalidInputError(many, source="plan.json"), "en", shown=2))
    plan.json: 30 problems
      assignments[0].need: unknown need 'n0' (not in the instance)
      assignments[1].need: unknown need 'n1' (not in the instance)
      ... and 28 more; all problems by kind:
          30  result_unknown_need
    """
    from cus_match.cli.words import say

    problems = error.problems
    if len(problems) == 1 and not error.source and not problems[0].path:
        return problems[0].text(lang)
    if len(problems) <= shown:
        return error.text(lang)
    lines = error.text(lang).splitlines()[:shown + 1]
    lines.append(say("problems_more", lang, n=len(problems) - shown))
    kinds = Counter(str(p.code) for p in problems)
    lines += [say("by_kind", lang, n=n, kind=code)
              for code, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines)


def write_text(text: str, output: Path | None) -> None:
    """Write ``text``, ending in one newline, to ``output`` (UTF-8) or to standard output.

    Parameters
    ----------
    text : str
        What to write.
    output : Path, optional
        The file; ``None`` for standard output.

    Examples
    --------
    >>> write_text("no rounds stored", None)
    no rounds stored
    """
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


# What a console that cannot show a character gets instead: punctuation by its plain twin,
# Ukrainian and Russian letters in Latin transliteration (a helper's name stays readable),
# anything else "?".
_PLAIN = {"—": "-", "–": "-", "…": "...", "„": '"', "”": '"', "“": '"', "‚": "'", "‘": "'",
          "’": "'", "«": '"', "»": '"', "\u00a0": " ", "\u2009": " ", "\u202f": " ",
          "→": "->", "←": "<-", "×": "x", "≤": "<=", "≥": ">="}
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ё": "io", "ы": "y",
    "э": "e", "ъ": "",
}
_ERRORS = "cus_match_console"


def _replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start:error.end]:
        low = ch.lower()
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
        elif low in _CYRILLIC:
            latin = _CYRILLIC[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append("?")
    return "".join(out), error.end


def setup_console(*streams: Any, keep_encoding: bool | None = None) -> None:
    """Make printing safe on any console: nothing written can raise ``UnicodeEncodeError``.

    A stream the user or the terminal chose an encoding for (a terminal, or
    ``PYTHONIOENCODING``) keeps it, and what it cannot show is replaced: dashes and quotes by
    their plain twins, Cyrillic letters transliterated (``Олена`` → ``Olena``), anything else by
    ``?``. Output redirected to a file or a pipe in a legacy encoding (``cp1250`` on a Polish
    Windows) is written as UTF-8, which holds every name.

    Parameters
    ----------
    *streams : text streams
        Default: standard output and standard error.
    keep_encoding : bool, optional
        Keep each stream's encoding (true) or write UTF-8 (false); by default as above.

    Examples
    --------
    >>> raw = io.BytesIO()
    >>> out = io.TextIOWrapper(raw, encoding="cp852")
    >>> setup_console(out, keep_encoding=True)
    >>> _ = out.write("Олена Шевченко — 1,5 h"); out.flush()
    >>> raw.getvalue().decode("cp852")
    'Olena Shevchenko - 1,5 h'
    >>> raw = io.BytesIO()
    >>> out = io.TextIOWrapper(raw, encoding="cp1250")
    >>> setup_console(out, keep_encoding=False)
    >>> _ = out.write("Олена — 1,5 h"); out.flush()
    >>> raw.getvalue().decode("utf-8")
    'Олена — 1,5 h'
    """
    try:
        codecs.lookup_error(_ERRORS)
    except LookupError:
        codecs.register_error(_ERRORS, _replace)
    for stream in streams or (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # captured by a test, or replaced by an embedding program: theirs to keep
        encoding = codecs.lookup(stream.encoding).name
        if encoding == "utf-8":
            continue
        chosen = (("PYTHONIOENCODING" in os.environ or _isatty(stream))
                  if keep_encoding is None else keep_encoding)
        try:
            if chosen:
                stream.reconfigure(errors=_ERRORS)
            else:
                stream.reconfigure(encoding="utf-8", errors=_ERRORS)
        except (OSError, ValueError):  # already written to, or closed: leave it as it is
            continue


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (OSError, ValueError):
        return False


class Progress:
    """A solve's progress on stderr: phase, elapsed time, best plan so far and its gap.

    A context manager and a ``progress`` callback for :func:`cus_match.optimise.solve.solve`:
    the solve calls it with each :class:`~cus_match.optimise.options.ProgressEvent`, and the
    line is redrawn every second (and on each event) and wiped at the end.

    Parameters
    ----------
    limit : float
        The time limit shown after the elapsed time, in seconds.
    lang : {"en", "pl"}
        Language of the words shown.
    enabled : bool
        Show nothing when false (e.g. when stderr is not a terminal).

    Examples
    --------
    >>> from cus_match.optimise.options import ProgressEvent
    >>> with Progress(30, "en", enabled=False) as show:
    ...     show(ProgressEvent("solve", 1, 4, incumbent=90.0, bound=100.0))
    >>> show.line(12.0)
    'solving... 12 s / 30 s  components 1/4, best 90.00, gap 10.0 %'
    >>> show.lang = "pl"
    >>> show.line(12.0)
    'szukam planu... 12 s / 30 s  części 1/4, najlepszy 90,00, luka 10,0 %'
    """

    def __init__(self, limit: float, lang: str, *, enabled: bool) -> None:
        self.limit, self.lang, self.enabled = limit, lang, enabled
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.event: ProgressEvent | None = None
        self._lock = threading.Lock()
        self._t0 = time.monotonic()

    def __call__(self, event: ProgressEvent) -> None:
        """Take the solve's latest event (the solve's ``progress`` callback)."""
        with self._lock:
            self.event = event
        if self.enabled and event.phase != "done":
            self._draw()

    def line(self, elapsed: float) -> str:
        """The text shown after ``elapsed`` seconds."""
        from cus_match.lang import number

        w = _PROGRESS_WORDS["pl" if self.lang == "pl" else "en"]
        text = f"{w['solving']}... {elapsed:.0f} s / {self.limit:.0f} s"
        e = self.event
        if e is None:
            return text
        if e.phase != "solve":
            return f"{text}  {w[e.phase]}" if e.phase in w else text
        text += f"  {w['components']} {e.components_done}/{e.components_total}"
        if e.incumbent is not None:
            text += f", {w['best']} {number(e.incumbent, self.lang, 2, fixed=True)}"
        if e.gap is not None:
            text += f", {w['gap']} {number(100 * e.gap, self.lang, 1, fixed=True)} %"
        return text

    def _draw(self) -> None:
        with self._lock:
            text = self.line(time.monotonic() - self._t0)
        print(f"\r{text:<72}", end="", file=sys.stderr, flush=True)

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self._draw()
        print("\r" + " " * 80 + "\r", end="", file=sys.stderr, flush=True)

    def __enter__(self) -> Progress:
        self._t0 = time.monotonic()
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stop.set()
            self.thread.join()


# What the progress line says, by language (phases as ProgressEvent names them).
_PROGRESS_WORDS: dict[str, dict[str, str]] = {
    "en": {"solving": "solving", "build": "building the graph of who may help whom",
           "assemble": "assembling the plan", "explain": "explaining unmet visits",
           "components": "components", "best": "best", "gap": "gap"},
    "pl": {"solving": "szukam planu", "build": "buduję graf: kto może komu pomóc",
           "assemble": "składam plan", "explain": "wyjaśniam wizyty bez pomocy",
           "components": "części", "best": "najlepszy", "gap": "luka"},
}
