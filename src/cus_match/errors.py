"""Exception and warning hierarchy, and the problems invalid input is reported with.

Every error raised on purpose by cus_match derives from :class:`CusMatchError`, so an embedding
system can catch the library's errors without catching programming errors.

A :class:`Problem` says where (a path) and what: a stable code and plain arguments, worded per
language by :mod:`cus_match.problem_texts`. Programs act on the code; people read the text.

Examples
--------
>>> from cus_match.errors import InvalidInputError, Problem
>>> from cus_match.problem_texts import ProblemCode
>>> p = Problem("needs[0].duration_minutes", ProblemCode.NOT_POSITIVE, {"value": 0})
>>> err = InvalidInputError([p], source="a.json")
>>> print(err)
a.json: 1 problem
  needs[0].duration_minutes: must be > 0, got 0
>>> print(err.text("pl"))
a.json: 1 problem
  needs[0].duration_minutes: musi być większe od 0, jest 0
>>> p.code, dict(p.args)
(<ProblemCode.NOT_POSITIVE: 'not_positive'>, {'value': 0})
>>> isinstance(err, CusMatchError)
True
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from attrs import field, frozen

__all__ = [
    "CusMatchError",
    "CusMatchWarning",
    "FieldTypeError",
    "FieldValueError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidOptionError",
    "Problem",
    "ProblemArgs",
    "SolverError",
]


class _Code(Protocol):
    """What a problem code offers (:class:`cus_match.problem_texts.ProblemCode` does).

    The codes know their words, so this module, the bottom of the house, needs no catalogue: the
    catalogue speaks through :mod:`cus_match.lang`, which raises the errors defined here.
    """

    def text(self, lang: str = ..., args: Mapping[str, Any] | None = ...) -> str: ...

    def count_text(self, n: int, lang: str = ...) -> str: ...


def _plain(name: str, value: Any) -> Any:
    """``value`` as a plain, hashable value: text, number, bool, None, tuples and mappings."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # an enum member becomes its value, as JSON would write it
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, list | tuple):
        return tuple(_plain(name, v) for v in value)
    if isinstance(value, Mapping):
        return ProblemArgs(value)
    raise TypeError(f"problem argument {name!r} must be text, a number, a bool, None, or a list "
                    f"or mapping of them, got {type(value).__name__}")


class ProblemArgs(Mapping[str, Any]):
    """The arguments of a problem: an immutable, hashable mapping of plain values.

    Lists become tuples, mappings become ``ProblemArgs``, numbers (numpy's too) ``int`` or
    ``float``; anything else is refused, so a problem always writes as JSON.

    >>> ProblemArgs({"id": "h1", "shape": [3, 4]})
    {'id': 'h1', 'shape': (3, 4)}
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        items = data.items() if isinstance(data, Mapping) else data
        self._data = {str(k): _plain(str(k), v) for k, v in items}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return ProblemArgs, (self._data,)

    def to_json(self) -> dict[str, Any]:
        """Plain ``dict``/``list`` values for :func:`json.dumps`.

        >>> ProblemArgs({"sheet": {"en": "helpers"}, "shape": (3, 4)}).to_json()
        {'sheet': {'en': 'helpers'}, 'shape': [3, 4]}
        """
        def out(v: Any) -> Any:
            if isinstance(v, ProblemArgs):
                return v.to_json()
            return [out(x) for x in v] if isinstance(v, tuple) else v
        return {k: out(v) for k, v in self._data.items()}


def _check_code(_inst: object, _attr: object, code: Any) -> None:
    if not (isinstance(code, str) and callable(getattr(code, "text", None))):
        raise TypeError(f"a problem's code must be a cus_match.problem_texts.ProblemCode, "
                        f"got {code!r}")


@frozen
class Problem:
    """One problem found in input data.

    Parameters
    ----------
    path : str
        Where the problem is: a JSON-like path such as ``needs[3].windows[0].end``; empty for the
        document as a whole.
    code : ProblemCode
        What is wrong, as a stable code (:class:`cus_match.problem_texts.ProblemCode`).
    args : mapping
        The values the text names (the offending value, ids, dates), plain and JSON-friendly.

    ``message`` (and ``str()``) give the English words, :meth:`text` any language's.
    """

    path: str
    code: _Code = field(validator=_check_code)
    args: ProblemArgs = field(factory=ProblemArgs, converter=ProblemArgs)

    @property
    def message(self) -> str:
        """The problem in English words."""
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """What is wrong, in ``lang`` (``"en"`` or ``"pl"``), without the path.

        Raises
        ------
        InvalidOptionError
            If ``lang`` is not a supported language.

        Examples
        --------
        >>> from cus_match.problem_texts import ProblemCode
        >>> Problem("helpers[0].home", ProblemCode.UNKNOWN_PLACE, {"id": "sanok"}).text("pl")
        "nieznane miejsce 'sanok'"
        """
        return self.code.text(lang, self.args)

    def location(self, lang: str = "en") -> str:
        """Where the problem is, for a reader of ``lang``: the path, in general.

        A problem found in a spreadsheet names its sheet, row and column in words of ``lang``.
        """
        return self.path

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """A JSON-ready record: path, code, args and the message in ``lang``.

        :func:`cus_match.problem_texts.problem_from_dict` reads it back.

        Examples
        --------
        >>> from cus_match.problem_texts import ProblemCode
        >>> Problem("cost", ProblemCode.NOT_A_MATRIX, {"shape": (3,)}).to_dict()
        {'path': 'cost', 'code': 'not_a_matrix', 'args': {'shape': [3]},
         'message': 'must be a matrix, got shape (3,)'}
        """
        return {"path": self.path, "code": str(self.code), "args": self.args.to_json(),
                "message": self.text(lang)}

    def __str__(self) -> str:
        message = self.message
        return f"{self.path}: {message}" if self.path else message


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
        super().__init__(self.text())

    def text(self, lang: str = "en") -> str:
        """The source, the number of problems and one line per problem, in ``lang``.

        Raises
        ------
        InvalidOptionError
            If ``lang`` is not a supported language.
        """
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        # The codes carry the words; an error without problems has none to speak but English.
        count = self.problems[0].code.count_text(n, lang) if n else "0 problems"
        lines = [f"{head}{count}"]
        for p in self.problems:
            where = p.location(lang)
            lines.append(f"  {where}: {p.text(lang)}" if where else f"  {p.text(lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


class FieldValueError(ValueError):
    """A value of an entity is wrong; carries the problem's code and arguments.

    Field validators and converters raise it about the field they check (``field`` is None);
    ``__attrs_post_init__`` raises it naming the field to blame, so readers can report
    ``needs[3].windows[0].end`` rather than ``needs[3].windows[0]``. Its message is the English
    text.

    Parameters
    ----------
    code : ProblemCode
        What is wrong.
    field : str, optional
        The field to blame, relative to the object being built.
    **args
        The values the text names.

    Examples
    --------
    >>> from cus_match.problem_texts import ProblemCode
    >>> e = FieldValueError(ProblemCode.END_BEFORE_START, field="end", end="2026-03-01",
    ...                     start="2026-03-05")
    >>> str(e), e.problem("policy.period").path
    ('end 2026-03-01 is before start 2026-03-05', 'policy.period.end')
    """

    def __init__(self, code: _Code, /, *, field: str | None = None, **args: Any) -> None:
        self.code = code
        self.field = field
        self.params = ProblemArgs(args)
        super().__init__(code.text("en", self.params))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self.code.text(lang, self.params)

    def problem(self, path: str) -> Problem:
        """The :class:`Problem` this error is, for the object at ``path``."""
        if self.field:
            path = f"{path}.{self.field}" if path else self.field
        return Problem(path, self.code, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # The message alone cannot rebuild the error; the code and arguments can.
        return _rebuild, (type(self), self.code, self.field, self.params.to_json())


def _rebuild(cls: type[FieldValueError], code: _Code, field: str | None,
             args: dict[str, Any]) -> FieldValueError:
    return cls(code, field=field, **args)


class FieldTypeError(FieldValueError, TypeError):
    """A :class:`FieldValueError` about a value of the wrong type (a string for a list)."""


class InvalidOptionError(CusMatchError, ValueError):
    """An option passed to a function (method, rule, time limit, ...) is not valid."""


class InfeasibleError(CusMatchError):
    """The hard constraints cannot all be met (for example a ``required`` need)."""


class SolverError(CusMatchError):
    """A solver failed in a way that is not the input's fault."""


class CusMatchWarning(UserWarning):
    """Base class of warnings cus_match issues."""
