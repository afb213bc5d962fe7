"""The ``cus-match`` command line: the top-level parser and the dispatch.

Exit codes: 0 success; 1 invalid input, an infeasible or partial plan, or violations found;
2 wrong usage.

Each command group is a module with a ``register(subparsers)`` that adds its commands and
returns their handlers; :func:`main` registers :data:`GROUPS` in order, which is also the order
``--help`` lists them in. The command modules import the library only inside their handlers, so
``cus-match --help`` and ``--version`` load neither OR-Tools nor pandas.

Examples
--------
>>> main(["validate", "no-such-file.json"])  # the problem goes to stderr
1
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cus_match.cli import analysis, history, instances, plans, renderings
from cus_match.cli.common import EXIT_INVALID, EXIT_USAGE, LANGS, Handler
from cus_match.cli.paths import PathError, extra_for_module
from cus_match.errors import CusMatchError, InvalidInputError, InvalidOptionError
from cus_match.problem_texts import ProblemCode
from cus_match.version import __version__

__all__ = ["GROUPS", "main"]

#: The command groups, in the order they are registered and listed by ``--help``.
GROUPS = (instances, plans, analysis, renderings, history)

def _parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    p = argparse.ArgumentParser(
        prog="cus-match",
        description="Match volunteers and neighbours to residents' needs for a Social Services "
                    "Centre (CUS). Proposals are decision support: people approve them.",
    )
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="language of printed text (default: en)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for group in GROUPS:
        handlers.update(group.register(sub))
    return p, handlers


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
    parser, handlers = _parser()
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
        print(e.text(args.lang), file=sys.stderr)
        return EXIT_INVALID
    except CusMatchError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE if isinstance(e, InvalidOptionError) else EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
