"""What the command modules share: exit codes, ``--lang``, loading, printing, progress.

Like the command modules, this one imports the library only inside its functions, so that
``cus-match --help`` stays fast.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="cus-match")
>>> parser.add_argument("--lang", choices=LANGS, default="en")  # doctest: +ELLIPSIS
_StoreAction(...)
>>> add_lang_option(parser.add_subparsers(dest="command").add_parser("explain"))
>>> parser.parse_args(["--lang", "pl", "explain"]).lang
'pl'
>>> parser.parse_args(["explain", "--lang", "pl"]).lang
'pl'
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cus_match.model.instance import Instance
    from cus_match.optimise.options import ProgressEvent
    from cus_match.plan.check import Violation
    from cus_match.plan.result import Result

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "LANGS",
    "Handler",
    "Progress",
    "add_lang_option",
    "load_plan",
    "print_plan",
    "report_violations",
    "write_text",
]

#: Exit codes: success; invalid input, an infeasible or partial plan, or violations found;
#: wrong usage (argparse exits 2 too).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

#: Languages of printed text.
LANGS = ("en", "pl")

#: A command's handler: the parsed options in, the exit code out.
Handler = Callable[[argparse.Namespace], int]


def add_lang_option(parser: argparse.ArgumentParser, help: str = "language of printed text"
                    ) -> None:
    """Let a command take ``--lang`` after its name as well as before it.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's own parser.
    help : str
        The option's help text.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_lang_option(p)
    >>> p.parse_args([])  # no default: the global --lang stays in force
    Namespace()
    """
    # SUPPRESS: without --lang here, the global --lang (before the command) stays in force.
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=help)


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
        Either file cannot be read or is not valid; the message names the file and lists every
        problem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cus_match.generate import generate
    >>> from cus_match.io.json_format import dump_instance
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.json"
    >>> dump_instance(generate("tiny", seed=1), path)
    >>> load_plan(path, path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: .../tiny.json: ... problems
      kind: expected 'result', got 'instance'
    ...
    """
    from cus_match.io.json_format import load_instance, load_result

    return load_instance(instance), load_result(result)


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


def report_violations(violations: Sequence[Violation]) -> int:
    """Print each violation on stderr; return the exit code they call for.

    Parameters
    ----------
    violations : sequence of Violation
        From :func:`cus_match.plan.check.check`.

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
    for v in violations:
        print(f"VIOLATION [{v.constraint} {v.code}] {v.message}", file=sys.stderr)
    return EXIT_INVALID if violations else EXIT_OK


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
