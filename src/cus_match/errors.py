"""Exception and warning hierarchy.

Every error raised on purpose by cus_match derives from :class:`CusMatchError`, so an embedding
system can catch the library's errors without catching programming errors.

Examples
--------
>>> from cus_match.errors import InvalidInputError, Problem
>>> err = InvalidInputError([Problem("needs[0].duration", "must be > 0, got 0")], source="a.json")
>>> print(err)
a.json: 1 problem
  needs[0].duration: must be > 0, got 0
>>> isinstance(err, CusMatchError)
True
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

__all__ = [
    "CusMatchError",
    "CusMatchWarning",
    "FieldValueError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidOptionError",
    "Problem",
    "SolverError",
]


@frozen
class Problem:
    """One problem found in input data.

    Parameters
    ----------
    path : str
        Where the problem is: a JSON-like path such as ``needs[3].windows[0].end``; empty for the
        document as a whole.
    message : str
        What is wrong, in plain words, including the offending value.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CusMatchError(Exception):
    """Base class of every error cus_match raises on purpose."""


class InvalidInputError(CusMatchError, ValueError):
    """Input data (an instance, a file, a result) is invalid.

    Carries *all* problems found, each with a path, so a user fixes the file in one pass.

    Parameters
    ----------
    problems : iterable of Problem
        The problems, in the order they were found.
    source : str, optional
        The file or object the problems were found in.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        lines = [f"{head}{n} problem{'s' if n != 1 else ''}"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()


class FieldValueError(ValueError):
    """A value that is wrong only in relation to another field of the same object.

    Raised from ``__attrs_post_init__``; ``field`` names the field to blame, so readers can report
    ``needs[3].windows[0].end`` rather than ``needs[3].windows[0]``.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class InvalidOptionError(CusMatchError, ValueError):
    """An option passed to a function (method, rule, time limit, ...) is not valid."""


class InfeasibleError(CusMatchError):
    """The hard constraints cannot all be met (for example a ``required`` need)."""


class SolverError(CusMatchError):
    """A solver failed in a way that is not the input's fault."""


class CusMatchWarning(UserWarning):
    """Base class of warnings cus_match issues."""
