"""Errors of the history store.

Every one names the store file, so a coordinator with several files knows which one to look at.

Examples
--------
>>> err = StoreError("gmina.sqlite", "is not a cus_match history store")
>>> print(err)
gmina.sqlite: is not a cus_match history store
>>> from cus_match.errors import CusMatchError
>>> isinstance(RecordNotFoundError("gmina.sqlite", "no round 'x'"), (CusMatchError, LookupError))
True
"""

from __future__ import annotations

from pathlib import Path

from cus_match.errors import CusMatchError

__all__ = ["RecordNotFoundError", "StoreError"]


class StoreError(CusMatchError):
    """The history store cannot do what was asked: wrong, newer or damaged file, or a refused write.

    Parameters
    ----------
    path : str or Path
        The store file.
    message : str
        What is wrong, in plain words.
    """

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class RecordNotFoundError(StoreError, LookupError):
    """No stored round, person or service matches the request."""
