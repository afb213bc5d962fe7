"""Paths, optional packages and numbers checked when a command starts, before any work.

A solve of minutes should not end in a traceback because ``-o`` names a folder that does not
exist; a report should not die on ``import jinja2``; ``--seed 2**70`` should not reach OR-Tools.
Each command calls these at its start; each failure is one line naming the path (or the
option, or the extra to install) and what to do, in English or Polish; the command exits 1
(2 for a missing extra or an option out of bounds).

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> output_file(folder / "plan.json") == folder / "plan.json"
True
>>> try:
...     output_file(folder / "no-such-folder" / "plan.json")
... except PathError as e:
...     print(e.text("en").replace(str(folder), "TMP"))
TMP/no-such-folder/plan.json: the folder TMP/no-such-folder does not exist (create it first)
"""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path
from typing import Any

from cus_match.errors import CusMatchError
from cus_match.problem_texts import ProblemCode

__all__ = [
    "EXTRAS",
    "PathError",
    "check",
    "check_options",
    "extra_for_module",
    "input_file",
    "input_path",
    "output_file",
    "output_folder",
    "require_extra",
]

#: Optional extras and the modules each provides (pyproject.toml's ``[project.optional-...]``).
EXTRAS: dict[str, tuple[str, ...]] = {
    "xlsx": ("openpyxl", "defusedxml"),
    "report": ("jinja2", "matplotlib"),
    "ical": ("icalendar",),
}


class PathError(CusMatchError):
    """A path, an option or an installation a command cannot work with: one line to print.

    Parameters
    ----------
    code : ProblemCode
        What is wrong (its text names the path and what to do).
    **args
        The values the text names.
    """

    def __init__(self, code: ProblemCode, **args: Any) -> None:
        self.code, self.params = code, args
        super().__init__(code.text("en", args))

    def text(self, lang: str = "en") -> str:
        """The line in ``lang``."""
        return self.code.text(lang, self.params)


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def input_file(path: Path, *, text: bool = False) -> Path:
    """``path`` if it is a file that can be read (and, with ``text``, UTF-8 text).

    Raises
    ------
    PathError
        Missing, a folder, unreadable or (with ``text``) not UTF-8.
    """
    if not path.exists():
        raise PathError(ProblemCode.PATH_MISSING, path=str(path))
    if path.is_dir():
        raise PathError(ProblemCode.PATH_NOT_A_FILE, path=str(path))
    try:
        with path.open("rb") as f:
            head = f.read(1 << 20) if text else f.read(1)
    except OSError as e:
        raise PathError(ProblemCode.PATH_NOT_READABLE, path=str(path), errno=e.errno) from None
    if text:
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            cut = len(head) == 1 << 20 and e.start >= len(head) - 3  # a character cut at 1 MB
            if not cut:
                raise PathError(ProblemCode.PATH_NOT_UTF8, path=str(path), byte=head[e.start],
                                offset=e.start) from None
    return path


def input_path(path: Path) -> Path:
    """``path`` if it exists (a file or a folder, as ``import`` takes)."""
    if not path.exists():
        raise PathError(ProblemCode.PATH_MISSING, path=str(path))
    return path


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def output_file(path: Path) -> Path:
    """``path`` if a file can be written there: its folder exists and is writable.

    Raises
    ------
    PathError
        The path is a folder, its folder is missing, or either is read-only.
    """
    if path.is_dir():
        raise PathError(ProblemCode.PATH_IS_A_FOLDER, path=str(path))
    parent = _parent(path)
    if not parent.is_dir():
        raise PathError(ProblemCode.PATH_PARENT_MISSING, path=str(path), parent=str(parent))
    if not _writable(parent) or (path.exists() and not os.access(path, os.W_OK)):
        raise PathError(ProblemCode.PATH_READ_ONLY, path=str(path))
    return path


def output_folder(path: Path) -> Path:
    """``path`` if files can be written into it: a writable folder, or one that can be made.

    Raises
    ------
    PathError
        The path is an existing file, its parent is missing, or it is read-only.
    """
    if path.exists():
        if not path.is_dir():
            raise PathError(ProblemCode.PATH_NOT_A_FOLDER, path=str(path))
        if not _writable(path):
            raise PathError(ProblemCode.PATH_READ_ONLY, path=str(path))
        return path
    parent = _parent(path)
    if not parent.is_dir():
        raise PathError(ProblemCode.PATH_PARENT_MISSING, path=str(path), parent=str(parent))
    if not _writable(parent):
        raise PathError(ProblemCode.PATH_READ_ONLY, path=str(path))
    return path


def require_extra(extra: str, what: str) -> None:
    """Raise unless every module of the optional ``extra`` can be imported.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.
    what : str
        What needs it, as the line names it (``"export --ics"``).
    """
    for module in EXTRAS[extra]:
        try:
            importlib.import_module(module)
        except ImportError:
            raise PathError(ProblemCode.EXTRA_MISSING, what=what, module=module,
                            extra=extra) from None


def extra_for_module(name: str | None) -> str | None:
    """The extra providing the top-level module of ``name``, if any.

    >>> extra_for_module("matplotlib.figure"), extra_for_module("numpy")
    ('report', None)
    """
    top = (name or "").split(".", 1)[0]
    return next((extra for extra, mods in EXTRAS.items() if top in mods), None)


# Option attribute -> name in cus_match.limits.OPTION_BOUNDS.
_OPTIONS = {"seed": "seed", "time_limit": "time-limit", "workers": "workers", "weeks": "weeks",
            "scale": "scale", "last": "last", "top": "top", "max_cells": "max-cells", "k": "k",
            "accept": "accept"}


# Options whose free text ends up in a report, a certificate or the store.
_TEXT_OPTIONS = ("title", "organisation", "name", "place", "by", "approved_by")


def check_options(args: argparse.Namespace) -> None:
    """Check every number a command was given against its bound in :mod:`cus_match.limits`.

    ``--weights TERM=W,...`` is checked per weight; words that are not numbers are left to the
    rule's own check, which names the term. Free text that ends up in a report, a certificate
    or the store (``--title``, ``--organisation``, ``--name``, ``--place``, ``--by``,
    ``--approved-by``) obeys :func:`cus_match.limits.text_problem`.

    Raises
    ------
    InvalidOptionError
        Naming the option, the value and the bound.

    Examples
    --------
    >>> check_options(argparse.Namespace(seed=2**70))
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: --seed: 1180591620717411303424 is outside 0..2147483647
    """
    from cus_match.errors import InvalidOptionError
    from cus_match.limits import check_option, text_problem

    for attr, name in _OPTIONS.items():
        value = getattr(args, attr, None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            check_option(name, value)
    for attr in _TEXT_OPTIONS:
        text = getattr(args, attr, None)
        found = text_problem(text) if isinstance(text, str) else None
        if found:
            code, params = found
            raise InvalidOptionError(f"--{attr.replace('_', '-')}: {code.text('en', params)}")
    weights = getattr(args, "weights", None)
    if isinstance(weights, str):
        for part in weights.split(","):
            try:
                value = float(part.partition("=")[2])
            except ValueError:
                continue
            check_option("weights", value)


def check(args: argparse.Namespace, *, inputs: tuple[str, ...] = (),
          text: tuple[str, ...] = (), paths: tuple[str, ...] = (),
          outputs: tuple[str, ...] = (), folders: tuple[str, ...] = (),
          extras: tuple[tuple[str | None, str, str], ...] = ()) -> None:
    """Check a command's options at its start: the one call each handler makes.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options; an option that is absent or ``None`` is not checked.
    inputs, text, paths : tuple of str
        Options naming files to read; ``text`` ones must be UTF-8; ``paths`` may be folders.
    outputs, folders : tuple of str
        Options naming a file, or a folder, to write.
    extras : tuple of (option or None, extra, what)
        An optional extra needed (when the option is given, or always for ``None``).

    Raises
    ------
    PathError, InvalidOptionError
        The first path that cannot be used, or a number out of bounds.

    Examples
    --------
    >>> check(argparse.Namespace(file=Path("no-such.json"), seed=1), inputs=("file",))
    Traceback (most recent call last):
    ...
    cus_match.cli.paths.PathError: no-such.json: no such file or folder
    """
    def given(names: tuple[str, ...]) -> list[Path]:
        return [Path(v) for n in names if (v := getattr(args, n, None)) is not None]

    for p in given(inputs):
        input_file(p)
    for p in given(text):
        input_file(p, text=True)
    for p in given(paths):
        input_path(p)
    for p in given(outputs):
        output_file(p)
    for p in given(folders):
        output_folder(p)
    for option, extra, what in extras:
        if option is None or getattr(args, option, None):
            require_extra(extra, what)
    check_options(args)
