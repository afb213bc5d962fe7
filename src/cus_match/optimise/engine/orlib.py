"""Readers for OR-Library GAP and linear-assignment files (public benchmark instances).

The files hold whitespace-separated integers only; line breaks mean nothing. See the README of
the data folder for the formats and naming:

* GAP, several problems per file (``gap1.txt`` .. ``gapd.txt``): ``P``, then ``P`` blocks;
* GAP, one problem per file (Yagiura's ``c10400`` ...): one block;
* a block is ``m n``, costs (m rows of n), resource use (m rows of n), capacities (m);
* assignment, dense (``assign100.txt``): ``n`` then an ``n x n`` cost matrix;
* assignment, sparse (``assignp800.txt``): ``n`` then ``i j cost`` triples, 1-based.

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "gap1.txt").write_text("1  2 3  1 2 3 4 5 6  1 1 1 1 1 1  2 2")
>>> [(name, p.n_agents, p.n_jobs) for name, p in read_gap(d / "gap1.txt")]
[('c23-1', 2, 3)]
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from cus_match.errors import InvalidInputError, Problem
from cus_match.optimise.engine.problem import GapProblem
from cus_match.problem_texts import ProblemCode

__all__ = ["AssignData", "read_assign", "read_gap"]


def _tokens(path: str | os.PathLike[str]) -> np.ndarray:
    with open(path) as f:
        return np.array(f.read().split(), dtype=np.int64)


def _bad(path: str | os.PathLike[str], code: ProblemCode, **args: int) -> InvalidInputError:
    return InvalidInputError([Problem("", code, args)], source=os.fspath(path))


def _block(tok: np.ndarray, pos: int, path: str | os.PathLike[str], sense: str,
           assign_all: bool) -> tuple[GapProblem, int]:
    if pos + 2 > tok.size:
        raise _bad(path, ProblemCode.FILE_ENDS_BEFORE_SIZE)
    m, n = int(tok[pos]), int(tok[pos + 1])
    pos += 2
    end = pos + 2 * m * n + m
    if end > tok.size:
        raise _bad(path, ProblemCode.FILE_ENDS_INSIDE, m=m, n=n)
    cost = tok[pos: pos + m * n].reshape(m, n)
    weight = tok[pos + m * n: pos + 2 * m * n].reshape(m, n)
    cap = tok[pos + 2 * m * n: end]
    return GapProblem.from_dense(cost, weight, cap, sense=sense, assign_all=assign_all), end


def read_gap(
    path: str | os.PathLike[str], *, sense: str = "min", assign_all: bool = True
) -> list[tuple[str, GapProblem]]:
    """Read an OR-Library or Yagiura GAP file.

    Parameters
    ----------
    path : path
        ``gapN.txt`` / ``gapX.txt`` (several problems) or a Yagiura file (one problem).
    sense : {"min", "max"}
        The objective sense to attach (gap1-12 are maximisation in OR-Library's table,
        minimisation in many papers; gapa-d and Yagiura's are minimisation).
    assign_all : bool
        Every job must be assigned (the benchmark's rule).

    Returns
    -------
    list of (name, GapProblem)
        Names as in the OR-Library tables: ``c515-1`` for gap1-12 (``c<m><n>-<k>``),
        ``a05100`` for gapa-d (type, m as two digits, n), the file name for Yagiura's.
    """
    tok = _tokens(path)
    base = os.path.basename(os.fspath(path))
    stem = base[:-4] if base.endswith(".txt") else base
    if not (stem.startswith("gap") and base.endswith(".txt")):
        prob, pos = _block(tok, 0, path, sense, assign_all)
        if pos != tok.size:
            raise _bad(path, ProblemCode.NUMBERS_AFTER_PROBLEM, count=tok.size - pos)
        return [(stem, prob)]
    count, pos = int(tok[0]), 1
    out = []
    for k in range(count):
        prob, pos = _block(tok, pos, path, sense, assign_all)
        if stem[3:].isdigit():
            name = f"c{prob.n_agents}{prob.n_jobs}-{k + 1}"
        else:
            name = f"{stem[3:]}{prob.n_agents:02d}{prob.n_jobs}"
        out.append((name, prob))
    if pos != tok.size:
        raise _bad(path, ProblemCode.NUMBERS_AFTER_LAST_PROBLEM, count=tok.size - pos)
    return out


class AssignData(NamedTuple):
    """A linear assignment instance: ``n``, and arcs ``rows``, ``cols``, ``cost`` (0-based).

    ``dense`` is the ``n x n`` matrix for the dense files, None for the sparse ones.
    """

    name: str
    n: int
    rows: np.ndarray
    cols: np.ndarray
    cost: np.ndarray
    dense: np.ndarray | None


def read_assign(path: str | os.PathLike[str]) -> AssignData:
    """Read an OR-Library assignment file (``assign<n>.txt`` dense, ``assignp<n>.txt`` sparse)."""
    tok = _tokens(path)
    base = os.path.basename(os.fspath(path))
    name = base[:-4] if base.endswith(".txt") else base
    n, rest = int(tok[0]), tok[1:]
    if name.startswith("assignp"):
        if rest.size % 3:
            raise _bad(path, ProblemCode.NOT_TRIPLES)
        t = rest.reshape(-1, 3)
        rows, cols, cost = t[:, 0] - 1, t[:, 1] - 1, t[:, 2].copy()
        if rows.size and (rows.min() < 0 or rows.max() >= n or cols.min() < 0
                          or cols.max() >= n):
            raise _bad(path, ProblemCode.PAIR_INDEX_OUT_OF_RANGE)
        return AssignData(name, n, rows, cols, cost, None)
    if rest.size != n * n:
        raise _bad(path, ProblemCode.COST_COUNT, expected=n * n, count=rest.size)
    dense = rest.reshape(n, n)
    rows = np.repeat(np.arange(n, dtype=np.int64), n)
    cols = np.tile(np.arange(n, dtype=np.int64), n)
    return AssignData(name, n, rows, cols, rest.copy(), dense)
