"""The ``cus-match`` command line: the top-level parser and the dispatch.

Exit codes: 0 success; 1 invalid input, an infeasible or partial plan, or violations found;
2 wrong usage.

Each command group is a module with a ``register(subparsers)`` that adds its commands and
returns their handlers; :func:`main` registers :data:`GROUPS` in order, which is also the order
``--help`` lists them in. The command modules import the library only inside their handlers, so
``cus-match --help`` and ``--version`` load neither OR-Tools nor pandas.

The parsers are built without help texts and then given them, in the language of the command
line (known before parsing, like the language of usage errors), from their one home,
:data:`cus_match.cli.help_words.HELP`: ``cus-match --lang pl solve --help`` is Polish throughout.

Examples
--------
>>> main(["validate", "no-such-file.json"])  # the problem goes to stderr
1
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from cus_match.cli import analysis, batch, history, instances, plan_sheets, plans, renderings
from cus_match.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    LANGS,
    Handler,
    add_lang_everywhere,
    default_lang,
    problems_text,
    setup_console,
)
from cus_match.cli.help_words import localise_help
from cus_match.cli.paths import PathError, extra_for_module
from cus_match.errors import CusMatchError, InvalidInputError, InvalidOptionError
from cus_match.problem_texts import ProblemCode
from cus_match.version import __version__

__all__ = ["GROUPS", "main"]

#: The command groups, in the order they are registered and listed by ``--help``.
GROUPS = (instances, plans, analysis, batch, renderings, plan_sheets, history)

# argparse's own messages (it words them in English only), as it writes them, in Polish.
_USAGE_PL = (
    (r"unrecognized arguments: (.*)", r"nieznane argumenty: \1"),
    (r"the following arguments are required: (.*)", r"brak wymaganych argumentów: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
     r"argument \1: niedozwolona wartość \2 (do wyboru: \3)"),
    (r"argument (\S+): invalid \S+ value: (.*)", r"argument \1: niepoprawna wartość \2"),
    (r"argument (\S+): expected one argument", r"argument \1: brak wartości"),
    (r"argument (\S+): not allowed with argument (.*)",
     r"argument \1: nie może wystąpić razem z \2"),
    (r"one of the arguments (.*) is required", r"wymagany jest jeden z argumentów: \1"),
    (r"argument (\S+): (.*) is not a date \(YYYY-MM-DD\)",
     r"argument \1: \2 to nie data (RRRR-MM-DD)"),
)


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports wrong usage in the language of the command line."""

    lang = "en"

    def error(self, message: str) -> NoReturn:
        if self.lang == "pl":
            for pattern, words in _USAGE_PL:
                message, n = re.subn(rf"^{pattern}$", words, message)
                if n:
                    break
            usage = self.format_usage().replace("usage:", "użycie:", 1)
            self.exit(EXIT_USAGE, f"{usage}{self.prog}: błąd: {message}\n")
        super().error(message)


def _argv_lang(argv: Sequence[str]) -> str:
    # The language to report wrong usage in, before parsing: the last --lang given wins.
    lang = default_lang()
    for i, arg in enumerate(argv):
        if arg in ("--lang", "--language") and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith(("--lang=", "--language=")):
            lang = arg.partition("=")[2]
    return lang if lang in LANGS else "en"


def _parser(lang: str = "en") -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    # A class per run (sub-parsers are made of the parser's own class): no global to reset.
    parser_class = type("Parser", (_Parser,), {"lang": lang})
    p = parser_class(prog="cus-match")
    p.add_argument("--lang", choices=LANGS, default=default_lang())
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for group in GROUPS:
        handlers.update(group.register(sub))
    add_lang_everywhere(p)
    localise_help(p, lang)
    return p, handlers


def _error_text(e: CusMatchError, lang: str) -> str:
    from cus_match.cli.common import UsageError
    from cus_match.cli.words import error_text, say
    from cus_match.store.errors import StoreError

    if isinstance(e, UsageError):
        return say("error", lang, text=e.text(lang))
    if isinstance(e, StoreError):
        return say("error", lang, text=f"{e.path}: {error_text(e.message, lang)}")
    return say("error", lang, text=error_text(str(e), lang))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``cus-match``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code. Wrong usage found by the parser (and ``--help``, ``--version``) raises
        :class:`SystemExit` instead, as :mod:`argparse` does.
    """
    setup_console()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, handlers = _parser(_argv_lang(argv))
    args = parser.parse_args(argv)
    try:
        return int(handlers[args.command](args))
    except PathError as e:
        print(e.text(args.lang), file=sys.stderr)
        # A path is input like a file's content; an installation to complete is not.
        return EXIT_USAGE if e.code == ProblemCode.EXTRA_MISSING else EXIT_INVALID
    except ModuleNotFoundError as e:
        # An optional extra a command needs and paths.check did not foresee: name the extra.
        extra = extra_for_module(e.name)
        if extra is None:
            raise
        print(PathError(ProblemCode.EXTRA_MISSING, what=args.command, module=e.name,
                        extra=extra).text(args.lang), file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        # The paths were checked at the start; a disk full or a file removed meanwhile is
        # still one line, not a traceback.
        print(PathError(ProblemCode.FILE_SYSTEM_ERROR, path=e.filename or "",
                        errno=e.errno).text(args.lang), file=sys.stderr)
        return EXIT_INVALID
    except InvalidInputError as e:
        # Every problem carries its code, so it can be told in the coordinator's language.
        print(problems_text(e, args.lang), file=sys.stderr)
        return EXIT_INVALID
    except CusMatchError as e:
        print(_error_text(e, args.lang), file=sys.stderr)
        return EXIT_USAGE if isinstance(e, InvalidOptionError) else EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
