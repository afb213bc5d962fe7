"""Many solves on any executor: checked, reproducible, resumable.

A *task* is one (instance, rule, method, seed, options). It travels to a worker as JSON text —
where the instance is (a file path, the instance's own JSON text, a library name or a generator
recipe), its SHA-256 digest and plain options — never as pickled domain objects, so a worker
needs only the same package version, not the same Python objects. :func:`run_task`, a
module-level function any executor can call, loads the instance, checks that its digest is the
one the task names (a worker on another version fails loudly instead of answering another
question), solves, verifies the plan with the independent :func:`cus_match.plan.check.check`,
measures it and returns a JSON-able record.

:func:`solve_many` runs every task on an executor (none: in this process; a
``concurrent.futures.ProcessPoolExecutor``; a Dask cluster through
``distributed.Client(...).get_executor()``), writes each record to an append-only JSON-lines
log as soon as it arrives (flushed and fsynced, so a crash loses at most the task in flight),
skips the tasks the log already holds on a rerun, and resubmits the tasks a broken process
pool lost. Records come back in task order whatever order they finished in: in deterministic
mode the same tasks give the same records — and tables — serially, on a process pool and on a
cluster.

Examples
--------
>>> import tempfile, pathlib
>>> from cus_match.generate import generate
>>> from cus_match.io.json_format import dump_instance
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> dump_instance(generate("tiny", seed=1), folder / "a.json")
>>> batch = solve_many([folder / "a.json"], rules=["fifo"], methods=["greedy"], seeds=[1, 2],
...                    log=folder / "runs.jsonl")
>>> [(r["label"], r["seed"], r["violations"]) for r in batch.records]
[('a', 1, 0), ('a', 2, 0)]
>>> again = solve_many([folder / "a.json"], rules=["fifo"], methods=["greedy"], seeds=[1, 2],
...                    log=folder / "runs.jsonl")
>>> again.skipped, again.records == batch.records
(2, True)
"""

from __future__ import annotations

import json
import os
import platform
import socket
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from pathlib import Path
from typing import Any

from attrs import field, frozen

from cus_match.errors import (
    CusMatchError,
    InvalidInputError,
    InvalidOptionError,
    Problem,
    SolverError,
)
from cus_match.generate import generate
from cus_match.generate.library import LIBRARY
from cus_match.generate.library import load as load_library
from cus_match.io.json_format import instance_digest
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES, get_rule
from cus_match.optimise.solve import METHODS, solve
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode

__all__ = ["VOLATILE", "Batch", "Task", "executor_from", "make_tasks", "read_log",
           "record_key", "run_task", "solve_call", "solve_many", "sources_from", "versions"]

#: Record fields that differ between runs of the same task (where, when, how long, on which
#: versions); everything else is a function of the task in deterministic mode.
VOLATILE: tuple[str, ...] = ("runtime_seconds", "task_seconds", "task_cpu_seconds", "worker",
                              "versions")

#: The options a task carries, with their defaults.
_OPTIONS: dict[str, Any] = {"time_limit": None, "work_limit": 10.0, "deterministic": True,
                            "blocking": True, "plan": False}


def versions() -> dict[str, str]:
    """The versions a record names: Python and the packages that decide a plan.

    >>> sorted(versions())[:3]
    ['attrs', 'cattrs', 'cus-match']
    """
    out = {"python": platform.python_version()}
    for pkg in ("cus-match", "ortools", "networkx", "numpy", "attrs", "cattrs"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
            out[pkg] = "unknown"
    return out


def record_key(digest: str, rule: str, method: str, seed: int,
               options: Mapping[str, Any]) -> str:
    """The key of a task in a log: what it computes, not where or when.

    Examples
    --------
    >>> record_key("ab" * 32, "fifo", "greedy", 1, {"work_limit": 2})[:30]
    '["abababababababababababababab'
    """
    return json.dumps([digest, rule, method, seed, dict(options)], sort_keys=True,
                      separators=(",", ":"))


@frozen
class Task:
    """One solve to run somewhere: JSON-able, so any executor can ship it.

    Parameters
    ----------
    label : str
        The instance's name in tables (a file's stem, a library name, a profile).
    source : dict
        Where the instance is: ``{"path": ...}``, ``{"json": ...}``, ``{"library": ...}`` or
        ``{"generate": {"profile": ..., "seed": ..., "scale": ...}}``.
    digest : str
        SHA-256 of the instance's compact canonical JSON.
    rule, method : str
        What is optimised and how (an algorithmic rule is its own method).
    seed : int
        Solver seed.
    options : dict
        ``time_limit`` (seconds, or None), ``work_limit`` (deterministic work units),
        ``deterministic``, ``blocking`` (count blocking pairs), ``plan`` (return the plan's
        JSON); plus ``tags`` (dict) copied into the record.
    """

    label: str
    source: dict[str, Any]
    digest: str
    rule: str
    method: str
    seed: int
    options: dict[str, Any] = field(factory=dict)
    tags: dict[str, Any] = field(factory=dict)

    @property
    def key(self) -> str:
        """The log key (:func:`record_key`)."""
        return record_key(self.digest, self.rule, self.method, self.seed, self.options)

    def to_json(self) -> str:
        """The task as JSON text, what a worker receives."""
        return json.dumps({"label": self.label, "source": self.source, "digest": self.digest,
                           "rule": self.rule, "method": self.method, "seed": self.seed,
                           "options": self.options, "tags": self.tags},
                          sort_keys=True, ensure_ascii=False)


def solve_call(inst: Instance, *, rule: str, method: str, seed: int,
               options: Mapping[str, Any]) -> Result:
    """The one call to :func:`cus_match.optimise.solve.solve` of every batch and study.

    In deterministic mode the limit is ``work_limit`` (CP-SAT's deterministic work units: one
    worker, so the same seed gives the same plan anywhere); otherwise ``time_limit`` seconds.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> solve_call(generate("tiny", seed=1), rule="fifo", method="greedy", seed=1,
    ...            options={}).method
    'greedy'
    """
    deterministic = bool(options.get("deterministic", _OPTIONS["deterministic"]))
    work = options.get("work_limit", _OPTIONS["work_limit"]) if deterministic else None
    algorithm = get_rule(rule).algorithm
    return solve(inst, rule=rule, method="auto" if algorithm else method,
                 time_limit=None if deterministic else options.get("time_limit"),
                 work_limit=work, seed=seed, workers=1, deterministic=deterministic)


def _load(source: Mapping[str, Any]) -> Instance:
    from cus_match.io.json_format import load_instance, loads_instance

    if "path" in source:
        return load_instance(source["path"])
    if "json" in source:
        return loads_instance(source["json"], source=str(source.get("name", "<json>")))
    if "library" in source:
        return load_library(source["library"])
    if "generate" in source:
        g = source["generate"]
        return generate(g["profile"], seed=g["seed"], scale=g.get("scale", 1.0))
    raise InvalidOptionError(f"unknown task source {sorted(source)!r}")


def run_task(task_json: str) -> dict[str, Any]:
    """Run one task (its :meth:`Task.to_json` text) and return its JSON-able record.

    The record holds the key, the task's fields, the plan's status, objective, bound, the
    number of violations the independent checker found, every scalar metric, coverage per
    place and hours per helper; and, under :data:`VOLATILE` names, runtime, worker and
    versions. A failure (an instance that no longer has the task's digest, a solver error) is
    returned as a record with an ``error`` text, not raised: one bad task does not stop a study.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> task = Task("tiny", {"generate": {"profile": "tiny", "seed": 1}}, instance_digest(inst),
    ...             "fifo", "greedy", 1)
    >>> record = run_task(task.to_json())
    >>> record["violations"], record["status"], "error" in record
    (0, 'feasible', False)
    """
    from cus_match.analysis.metrics import SCALARS, compute_metrics
    from cus_match.io.json_format import dumps_result
    from cus_match.plan.check import check

    started, cpu = time.perf_counter(), time.process_time()
    task = json.loads(task_json)
    options = task["options"]
    record: dict[str, Any] = {
        "key": record_key(task["digest"], task["rule"], task["method"], task["seed"], options),
        "label": task["label"], **task["tags"], "instance_sha256": task["digest"],
        "rule": task["rule"], "method": task["method"], "seed": task["seed"],
        "options": options,
        "worker": {"host": socket.gethostname(), "pid": os.getpid()},
        "versions": versions()}
    try:
        inst = _load(task["source"])
        got = instance_digest(inst)
        if got != task["digest"]:
            raise CusMatchError(f"the instance has sha256 {got[:12]}... here, the task expects "
                                f"{task['digest'][:12]}...: a different file or package version "
                                f"on this worker")
        result = solve_call(inst, rule=task["rule"], method=task["method"], seed=task["seed"],
                            options=options)
        violations = check(inst, result)
        m = compute_metrics(inst, result, blocking=bool(options.get("blocking", True)))
    except Exception as exc:
        record.update(error=f"{type(exc).__name__}: {exc}",
                      task_seconds=time.perf_counter() - started)
        return record
    record.update(status=result.status.value, objective=result.objective, bound=result.bound,
                  violations=len(violations))
    record.update({name: getattr(m, name) for name in SCALARS if name not in record})
    record["places"] = [{"place": p, "visits": c.visits, "met": c.met, "hours": c.hours,
                         "hours_met": c.hours_met} for p, c in sorted(m.by_place.items())]
    record["loads"] = [{"helper": h, "hours": v} for h, v in sorted(m.load_hours.items())]
    if options.get("plan"):
        record["plan"] = dumps_result(result, indent=None)
    # CPU seconds tell the work from the waiting on a machine shared with others.
    record["task_seconds"] = time.perf_counter() - started
    record["task_cpu_seconds"] = time.process_time() - cpu
    record["worker"]["peak_rss_mb"] = _peak_rss_mb()
    return record


def _peak_rss_mb() -> float | None:
    """The peak resident memory of this process so far, in MB (None where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


def _check_choice(kind: str, values: Sequence[str], known: Iterable[str]) -> list[str]:
    known = sorted(known)
    bad = [v for v in values if v not in known]
    if bad or not values:
        raise InvalidOptionError(f"unknown {kind} {', '.join(map(repr, bad)) or '(none given)'}; "
                                 f"choose from: {', '.join(known)}")
    return list(values)


def sources_from(instances: Iterable[str | Path] = (), library: Iterable[str] = (), *,
                 ship: str = "path") -> list[tuple[str, dict[str, Any], str]]:
    """``(label, source, digest)`` for instance files and library names, each loaded once.

    Every file is read and validated here, before any work is shipped; the problems of all
    files are raised together.

    Parameters
    ----------
    instances : iterable of path
        Instance JSON files.
    library : iterable of str
        Names from :data:`cus_match.generate.library.LIBRARY`.
    ship : {"path", "json"}
        Send workers the file's path (they share the file system) or its canonical JSON text
        (a cluster whose workers do not see the files).

    Raises
    ------
    InvalidInputError
        With the problems of every file that does not load, each problem's path prefixed with
        the file name.
    InvalidOptionError
        For an unknown library name or ``ship``.
    """
    from cus_match.io.json_format import dumps_instance, load_instance

    if ship not in ("path", "json"):
        raise InvalidOptionError(f"ship must be 'path' or 'json', got {ship!r}")
    out: list[tuple[str, dict[str, Any], str]] = []
    problems: list[Problem] = []
    for p in instances:
        path = Path(p)
        try:
            inst = load_instance(path)
        except InvalidInputError as exc:
            problems.extend(Problem(f"{path}: {q.path}" if q.path else str(path), q.code,
                                    q.args) for q in exc.problems)
            continue
        source: dict[str, Any] = ({"path": str(path.resolve())} if ship == "path" else
                                  {"json": dumps_instance(inst, indent=None),
                                   "name": path.name})
        out.append((path.stem, source, instance_digest(inst)))
    if problems:
        raise InvalidInputError(problems)
    for name in _check_choice("library instance", list(library), LIBRARY) if library else ():
        out.append((name, {"library": name}, instance_digest(load_library(name))))
    return out


def make_tasks(sources: Sequence[tuple[str, dict[str, Any], str]], *, rules: Sequence[str],
               methods: Sequence[str], seeds: Sequence[int],
               options: Mapping[str, Any] | None = None,
               tags: Sequence[Mapping[str, Any]] | None = None) -> list[Task]:
    """Every (source, seed, rule, method) as a :class:`Task`, in that order.

    A rule that is a procedure (``stable``, ``nearest``) runs once per instance and seed,
    under its own name as the method. ``tags`` (one dict per source) are copied into the
    records.
    """
    rules = _check_choice("rule", rules, RULES)
    methods = _check_choice("method", methods, METHODS)
    unknown = sorted(set(options or {}) - set(_OPTIONS))
    if unknown:
        raise InvalidOptionError(f"unknown task option(s) {', '.join(unknown)}; "
                                 f"choose from: {', '.join(_OPTIONS)}")
    opts = {**_OPTIONS, **(options or {})}
    tasks = []
    for i, (label, source, dig) in enumerate(sources):
        for seed in seeds:
            for rule in rules:
                algorithm = get_rule(rule).algorithm
                for method in [algorithm] if algorithm else methods:
                    tasks.append(Task(label, dict(source), dig, rule, method, int(seed),
                                      dict(opts), dict(tags[i]) if tags else {}))
    return tasks


def read_log(path: str | Path) -> dict[str, dict[str, Any]]:
    """The finished records of a JSON-lines log, by key (the last record of a key wins).

    Records with an ``error`` are not finished: a rerun tries them again. An unfinished last
    line (the writer was killed mid-line) is ignored; any other line that is not a JSON object
    is an error naming the file and line.

    Raises
    ------
    InvalidInputError
        For a damaged line before the last one.
    """
    file = Path(path)
    if not file.exists():
        return {}
    lines = file.read_text(encoding="utf-8").split("\n")
    done: dict[str, dict[str, Any]] = {}
    problems = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        last = no == len(lines)  # no newline after it: the write was cut short
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            if not last:
                problems.append(Problem(f"line {no}", ProblemCode.INVALID_JSON,
                                        {"detail": exc.msg, "line": no, "column": exc.colno}))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(f"line {no}", ProblemCode.TOP_LEVEL_NOT_OBJECT))
            continue
        if not isinstance(rec.get("key"), str):
            problems.append(Problem(f"line {no}.key", ProblemCode.MISSING_FIELD))
            continue
        if "error" in rec:
            done.pop(rec["key"], None)
        else:
            done[rec["key"]] = rec
    if problems:
        raise InvalidInputError(problems, source=str(file))
    return done


@frozen
class Batch:
    """What :func:`solve_many` did.

    Attributes
    ----------
    records : list of dict
        One finished record per task, in task order (from this run or the log).
    failed : list of dict
        Records of tasks that failed (each with an ``error``), in task order.
    skipped : int
        Tasks found finished in the log and not run again.
    restarts : int
        Times a broken executor was replaced and its lost tasks resubmitted.
    """

    records: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    skipped: int
    restarts: int


ExecutorLike = Executor | Callable[[], Executor]


def executor_from(jobs: int = 1, scheduler: str | None = None) -> Callable[[], Executor] | None:
    """A factory of the executor that ``--jobs`` / ``--scheduler`` ask for (None: serial).

    ``jobs`` > 1 gives local worker processes (started with ``spawn``, so a worker shares no
    state with the caller); ``scheduler`` the address of a running Dask scheduler (needs the
    ``dask`` extra).

    Examples
    --------
    >>> executor_from(1) is None
    True
    >>> executor_from(0)
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: jobs must be a whole number >= 1, got 0
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidOptionError(f"jobs must be a whole number >= 1, got {jobs!r}")
    if scheduler is not None:
        if jobs != 1:
            raise InvalidOptionError("give --jobs or --scheduler, not both")
        return lambda: _dask_executor(scheduler)
    if jobs == 1:
        return None

    def pool() -> Executor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    return pool


class _DaskExecutor(Executor):
    """A Dask client's executor that closes its client when shut down (we opened both)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise InvalidOptionError("--scheduler needs Dask: pip install 'cus-match[dask]'"
                                     ) from exc
        # distributed is untyped.
        self.client = Client(address, timeout="30s")  # type: ignore[no-untyped-call]
        self.inner: Executor = self.client.get_executor(  # type: ignore[no-untyped-call]
            pure=False)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait)
        self.client.close()  # type: ignore[no-untyped-call]


def _dask_executor(address: str) -> Executor:
    return _DaskExecutor(address)


def _drop_cut_line(path: Path) -> None:
    """Cut off a last line left unfinished by a crash, so the next record starts a line."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)


def _append(file: Any, record: Mapping[str, Any]) -> None:
    file.write(json.dumps(record, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n")
    file.flush()
    os.fsync(file.fileno())


def solve_many(instances: Iterable[str | Path] = (), *, library: Iterable[str] = (),
               tasks: Sequence[Task] | None = None, rules: Sequence[str] = ("fifo",),
               methods: Sequence[str] = ("auto",), seeds: Sequence[int] = (0,),
               time_limit: float | None = None, work_limit: float = 10.0,
               deterministic: bool = True, blocking: bool = True, plans: bool = False,
               executor: ExecutorLike | None = None, log: str | Path | None = None,
               max_restarts: int = 3, ship: str = "path",
               progress: Callable[[dict[str, Any]], None] | None = None) -> Batch:
    """Solve, check and measure every (instance, seed, rule, method) on ``executor``.

    Parameters
    ----------
    instances : iterable of path
        Instance JSON files (all validated before any solve; all problems raised at once).
    library : iterable of str
        Library instance names.
    tasks : sequence of Task, optional
        Ready-made tasks instead of instances x seeds x rules x methods.
    rules, methods, seeds
        What to run on each instance.
    time_limit : float, optional
        Seconds per solve, when not ``deterministic``.
    work_limit : float
        Deterministic work units per solve (CP-SAT's deterministic time), when
        ``deterministic``.
    deterministic : bool
        Reproducible solves: one search worker, work-based limit.
    blocking : bool
        Count blocking pairs (costly on large instances).
    plans : bool
        Keep each plan's result JSON in its record (``plan``).
    executor : Executor or callable returning one, optional
        Where to run: None runs in this process. A factory (e.g. from
        :func:`executor_from`) is called here, shut down at the end, and called again when
        the executor breaks (a killed process-pool worker): the lost tasks are resubmitted,
        at most ``max_restarts`` times. A ready executor is used as given and left open; if
        it breaks, :class:`cus_match.errors.SolverError` says so, and a rerun with the same
        log resumes.
    log : path, optional
        JSON-lines file: each finished record is appended, flushed and fsynced as it
        arrives; tasks already in it are skipped.
    ship : {"path", "json"}
        How instance files reach workers (see :func:`sources_from`).
    progress : callable, optional
        Called with each new record.

    Returns
    -------
    Batch
    """
    if tasks is None:
        srcs = sources_from(instances, library, ship=ship)
        options = {"time_limit": time_limit, "work_limit": work_limit,
                   "deterministic": deterministic, "blocking": blocking, "plan": plans}
        tasks = make_tasks(srcs, rules=rules, methods=methods, seeds=seeds, options=options)
    done = read_log(log) if log is not None else {}
    order = {t.key: i for i, t in enumerate(tasks)}
    if len(order) != len(tasks):
        raise InvalidOptionError("the same task is listed twice (same instance, rule, method, "
                                 "seed and options)")
    todo = [t for t in tasks if t.key not in done]
    skipped = len(tasks) - len(todo)
    fresh: dict[str, dict[str, Any]] = {}
    failed: dict[str, dict[str, Any]] = {}
    restarts = 0
    out = None
    if log is not None:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        _drop_cut_line(Path(log))
        out = open(log, "a", encoding="utf-8")  # noqa: SIM115 - closed in the finally below

    def finish(task: Task, rec: dict[str, Any]) -> None:
        if out is not None:
            _append(out, rec)
        (failed if "error" in rec else fresh)[task.key] = rec
        if progress is not None:
            progress(rec)

    factory = None if executor is None or isinstance(executor, Executor) else executor
    ex = factory() if factory is not None else executor
    assert ex is None or isinstance(ex, Executor)
    try:
        if ex is None:
            for task in todo:
                finish(task, run_task(task.to_json()))
        while ex is not None and todo:
            futures: dict[Future[dict[str, Any]], Task] = {
                ex.submit(run_task, t.to_json()): t for t in todo}
            todo = []
            for fut in as_completed(futures):
                task = futures[fut]
                try:
                    rec = fut.result()
                except BrokenProcessPool:
                    todo.append(task)
                    continue
                except Exception as exc:
                    rec = {"key": task.key, "label": task.label, "rule": task.rule,
                           "method": task.method, "seed": task.seed,
                           "error": f"{type(exc).__name__}: {exc}"}
                finish(task, rec)
            if not todo:
                break
            if factory is None or restarts >= max_restarts:
                raise SolverError(f"the executor broke with {len(todo)} task(s) unfinished; "
                                  f"{len(fresh) + skipped} are done"
                                  + (f" and kept in {log}: rerun to resume" if log else ""))
            restarts += 1
            ex.shutdown(wait=False, cancel_futures=True)
            ex = factory()
            todo.sort(key=lambda t: order[t.key])
    finally:
        if factory is not None and ex is not None:
            ex.shutdown(wait=True)
        if out is not None:
            out.close()
    records = [fresh.get(t.key) or done[t.key] for t in tasks
               if t.key in fresh or t.key in done]
    return Batch(records, [failed[t.key] for t in tasks if t.key in failed], skipped, restarts)
