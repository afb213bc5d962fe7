"""Batch solves and studies on any executor: same answers anywhere, resumable, fault-tolerant.

The Dask tests start a two-worker ``LocalCluster`` of their own (processes, one thread each)
and close it in the fixture's finaliser; the kill tests kill a worker process with
``os.kill`` while the study runs and expect the same table as a serial run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from cus_match.analysis.batch import (
    VOLATILE,
    Task,
    executor_from,
    make_tasks,
    read_log,
    run_task,
    solve_many,
    sources_from,
)
from cus_match.analysis.research import (
    Study,
    confidence_interval,
    run_study,
    study_markdown,
    write_study,
)
from cus_match.cli.batch import SUMMARY
from cus_match.cli.main import main
from cus_match.errors import InvalidInputError, InvalidOptionError, SolverError
from cus_match.generate import generate, national_sample
from cus_match.generate.library import LIBRARY
from cus_match.generate.profiles import GMINA_STRATA
from cus_match.io.json_format import dump_instance, load_result
from cus_match.io.json_format import instance_digest as digest
from cus_match.plan.check import check

#: A small study: 3 seeds x (fifo, priority on greedy and auto; nearest) = 15 solves of small
#: rural gminas, a few seconds serially.
STUDY: dict[str, Any] = {"profiles": ["rural"], "scale": 0.3, "seeds": [1, 2, 3],
                         "rules": ["fifo", "priority", "nearest"],
                         "methods": ["greedy", "auto"], "work_limit": 1.0, "blocking": False}


def _tables(study: Study, folder: Path) -> dict[str, bytes]:
    write_study(study, folder, plots=False)
    return {name: (folder / name).read_bytes()
            for name in ("table.md", "results.csv", "places.csv", "loads.csv")}


@pytest.fixture(scope="module")
def reference() -> list[dict[str, Any]]:
    """The records of :func:`_study_tasks` solved in this process."""
    return _strip(solve_many(tasks=_study_tasks()).records)


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _tables(run_study(**STUDY), tmp_path_factory.mktemp("serial"))


def _spawn_pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")  # the dask extra is in the test extra
    lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40)
    try:
        yield lc
    finally:
        lc.close(timeout=30)


# --- same answers anywhere ------------------------------------------------------------------

@pytest.mark.slow
def test_a_study_on_a_process_pool_gives_the_serial_tables_byte_for_byte(serial, tmp_path):
    study = run_study(**STUDY, executor=_spawn_pool)
    assert _tables(study, tmp_path) == serial
    pids = {run["worker"]["pid"] for run in study.runs}
    assert os.getpid() not in pids
    assert len(pids) >= 1
    assert all(r["violations"] == 0 for r in study.records)


@pytest.mark.slow
def test_a_study_on_a_dask_local_cluster_gives_the_serial_tables(serial, cluster, tmp_path):
    study = run_study(**STUDY, executor=executor_from(scheduler=cluster.scheduler_address))
    assert _tables(study, tmp_path) == serial
    assert len({run["worker"]["pid"] for run in study.runs}) == 2  # both workers took part


def test_every_record_carries_digest_seed_versions_and_worker():
    inst = generate("tiny", seed=1)
    task = Task("tiny", {"generate": {"profile": "tiny", "seed": 1}}, digest(inst), "fifo",
                "greedy", 7)
    rec = run_task(task.to_json())
    assert rec["instance_sha256"] == digest(inst)
    assert rec["seed"] == 7
    assert rec["worker"]["pid"] == os.getpid()
    assert rec["versions"]["ortools"]
    assert set(VOLATILE) <= set(rec)
    json.dumps(rec, allow_nan=False)  # JSON-able as it is


def test_a_worker_with_other_data_fails_the_task_loudly():
    task = Task("tiny", {"generate": {"profile": "tiny", "seed": 1}}, "0" * 64, "fifo",
                "greedy", 1)
    rec = run_task(task.to_json())
    assert "error" in rec
    assert "sha256" in rec["error"]
    assert "status" not in rec


# --- resumable -----------------------------------------------------------------------------

def _files(folder: Path, n: int = 3) -> list[Path]:
    paths = []
    for k in range(1, n + 1):
        paths.append(folder / f"gmina-{k}.json")
        dump_instance(generate("rural", seed=k, scale=0.3), paths[-1])
    return paths


def test_a_rerun_skips_what_the_log_holds_and_gives_the_same_records(tmp_path):
    files = _files(tmp_path)
    log = tmp_path / "runs.jsonl"
    kw: dict[str, Any] = {"rules": ["fifo"], "methods": ["greedy", "auto"], "seeds": [1],
                          "work_limit": 1.0, "log": log}
    first = solve_many(files[:2], **kw)
    assert first.skipped == 0
    assert len(first.records) == 4
    assert len(log.read_text().splitlines()) == 4  # one line per finished solve
    second = solve_many(files, **kw)
    assert second.skipped == 4
    assert len(second.records) == 6
    assert second.records[:4] == first.records  # from the log, in task order
    assert len(log.read_text().splitlines()) == 6


def test_a_line_cut_short_by_a_crash_is_solved_again(tmp_path):
    files = _files(tmp_path, 1)
    log = tmp_path / "runs.jsonl"
    kw: dict[str, Any] = {"rules": ["fifo", "priority"], "methods": ["greedy"], "seeds": [1],
                          "log": log}
    full = solve_many(files, **kw)
    lines = log.read_text().splitlines()
    log.write_text(lines[0] + "\n" + lines[1][:40])  # killed while writing the second
    assert len(read_log(log)) == 1
    again = solve_many(files, **kw)
    assert again.skipped == 1
    assert [r["key"] for r in again.records] == [r["key"] for r in full.records]
    assert len(read_log(log)) == 2  # the cut line was dropped, not glued to the new record
    assert len(log.read_text().splitlines()) == 2


def test_a_damaged_line_inside_the_log_is_an_error_naming_the_line(tmp_path):
    log = tmp_path / "runs.jsonl"
    log.write_text('{"key": "a"}\nnot json\n{"key": "b"}\n[1]\n')
    with pytest.raises(InvalidInputError) as e:
        read_log(log)
    assert [p.path for p in e.value.problems] == ["line 2", "line 4"]
    assert str(log) in str(e.value)


def test_failed_tasks_are_logged_and_tried_again(tmp_path):
    log = tmp_path / "runs.jsonl"
    inst = generate("tiny", seed=1)
    bad = Task("tiny", {"generate": {"profile": "tiny", "seed": 1}}, "0" * 64, "fifo",
               "greedy", 1)
    good = Task("tiny", {"generate": {"profile": "tiny", "seed": 1}}, digest(inst), "fifo",
                "greedy", 1)
    batch = solve_many(tasks=[bad, good], log=log)
    assert len(batch.failed) == 1
    assert len(batch.records) == 1
    assert list(read_log(log)) == [good.key]
    assert solve_many(tasks=[bad, good], log=log).skipped == 1  # the failure runs again


# --- fault-tolerant --------------------------------------------------------------------------

def _killer() -> Any:
    """A progress callback that kills the worker of the first record, once."""
    killed: list[int] = []

    def progress(rec: dict[str, Any]) -> None:
        if not killed and rec.get("worker"):
            killed.append(rec["worker"]["pid"])
            os.kill(rec["worker"]["pid"], signal.SIGKILL)
    progress.killed = killed  # type: ignore[attr-defined]
    return progress


@pytest.mark.slow
def test_a_killed_pool_worker_costs_only_its_tasks_which_are_resubmitted(reference):
    tasks = _study_tasks()
    progress = _killer()
    batch = solve_many(tasks=tasks, executor=_spawn_pool, progress=progress)
    assert progress.killed
    assert batch.restarts >= 1
    assert not batch.failed
    assert len(batch.records) == len(tasks)
    assert _strip(batch.records) == reference


@pytest.mark.slow
def test_a_ready_executor_that_breaks_is_reported_and_the_log_resumes(tmp_path):
    tasks = _study_tasks()
    log = tmp_path / "runs.jsonl"
    with _spawn_pool() as pool, pytest.raises(SolverError, match="rerun to resume"):
        solve_many(tasks=tasks, executor=pool, log=log, progress=_killer())
    done = len(read_log(log))
    assert done >= 1
    assert solve_many(tasks=tasks, log=log).skipped == done


@pytest.mark.slow
def test_a_killed_dask_worker_costs_only_its_task_and_the_study_completes(serial, reference,
                                                                         cluster, tmp_path):
    progress = _killer()
    study_kw = dict(STUDY)
    lines: list[str] = []
    dask = executor_from(scheduler=cluster.scheduler_address)
    batch = solve_many(tasks=_study_tasks(), executor=dask, progress=progress)
    assert progress.killed
    assert not batch.failed
    assert _strip(batch.records) == reference
    # And the whole study, through run_study, still gives the serial tables.
    study = run_study(**study_kw, executor=dask, progress=lines.append)
    assert _tables(study, tmp_path) == serial
    assert len(lines) == 15


def _study_tasks() -> list[Task]:
    inst_sources = []
    for seed in (1,):
        inst = generate("rural", seed=seed, scale=0.3)
        inst_sources.append((f"rural-{seed}", {"generate": {"profile": "rural", "seed": seed,
                                                            "scale": 0.3}}, digest(inst)))
    return make_tasks(inst_sources, rules=["fifo", "priority"], methods=["greedy", "auto"],
                      seeds=[1, 2, 3], options={"work_limit": 1.0, "blocking": False})


def _strip(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in records]


# --- inputs and options -------------------------------------------------------------------

def test_bad_files_are_reported_together_with_their_names(tmp_path):
    (tmp_path / "a.json").write_text("{")
    (tmp_path / "b.json").write_text('{"format": "cus-match/1"}')
    with pytest.raises(InvalidInputError) as e:
        sources_from([tmp_path / "a.json", tmp_path / "b.json"])
    text = str(e.value)
    assert "a.json" in text
    assert "b.json" in text


def test_files_can_travel_as_json_text(tmp_path):
    files = _files(tmp_path, 1)
    (label, source, dig), = sources_from(files, ship="json")
    assert label == "gmina-1"
    assert "json" in source
    assert "path" not in source
    by_path = solve_many(files, methods=["greedy"])
    by_text = solve_many(tasks=make_tasks([(label, source, dig)], rules=["fifo"],
                                          methods=["greedy"], seeds=[0]))
    assert _strip(by_path.records) == _strip(by_text.records)


def test_library_instances_run_under_their_names():
    batch = solve_many(library=["cus-tiny-1"], methods=["greedy"])
    assert batch.records[0]["label"] == "cus-tiny-1"
    assert batch.records[0]["instance_sha256"] == LIBRARY["cus-tiny-1"].sha256


def test_options_are_checked_before_any_work():
    with pytest.raises(InvalidOptionError, match="jobs"):
        executor_from(0)
    with pytest.raises(InvalidOptionError, match="not both"):
        executor_from(2, "tcp://localhost:1")
    with pytest.raises(InvalidOptionError, match="rule"):
        make_tasks([], rules=["fastest"], methods=["greedy"], seeds=[1])
    with pytest.raises(InvalidOptionError, match="option"):
        make_tasks([], rules=["fifo"], methods=["greedy"], seeds=[1], options={"speed": 1})
    with pytest.raises(InvalidOptionError, match="nothing to study"):
        run_study(profiles=[], rules=["fifo"], methods=["greedy"])


def test_the_plans_of_a_batch_pass_the_checker(tmp_path):
    files = _files(tmp_path, 1)
    batch = solve_many(files, rules=["priority"], methods=["auto"], plans=True,
                       work_limit=1.0)
    (rec,) = batch.records
    out = tmp_path / "plan.json"
    out.write_text(rec["plan"])
    from cus_match.io.json_format import load_instance

    assert check(load_instance(files[0]), load_result(out)) == []


# --- national sample and tables -------------------------------------------------------------

def test_the_national_sample_follows_the_published_proportions():
    total = sum(count for *_, count in GMINA_STRATA)
    assert total == 2_477
    sample = national_sample(500, seed=3)
    assert len(sample) == 500
    for kind, profile, _scale, count in GMINA_STRATA:
        got = sum(g.kind == kind and g.profile == profile for g in sample)
        assert abs(got - 500 * count / total) < 1
    assert national_sample(500, seed=3) == sample != national_sample(500, seed=4)
    assert len({(g.profile, g.seed, g.scale) for g in sample}) == 500  # no gmina twice
    with pytest.raises(InvalidOptionError):
        national_sample(0)


def test_a_national_study_reports_each_kind(tmp_path):
    study = run_study(national=4, scale=0.3, rules=["fifo"], methods=["greedy"], seeds=[1, 2],
                      blocking=False)
    table = study_markdown(study, ["visits_share"])
    kinds = {r["profile"] for r in study.records}
    assert kinds == {"rural", "urban-rural"}  # 4 gminas: 3 rural, 1 urban-rural
    assert "| rural | fifo | greedy | 6 |" in table
    assert " ± " in table
    ranged = study_markdown(study, ["visits_share"], spread="range")
    assert ranged.count(" / ") == 2 * 2


def test_the_confidence_interval_uses_students_t():
    mean, half = confidence_interval([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert half == pytest.approx(4.303 * 1.0 / 3 ** 0.5)
    assert confidence_interval([4.0]) == (4.0, 0.0)


# --- the command line ------------------------------------------------------------------------

@pytest.mark.slow
def test_compare_on_local_processes_gives_the_serial_table(tmp_path, capsys):
    files = _files(tmp_path, 1)
    args = ["compare", "--instances", *map(str, files), "--rules", "fifo,priority",
            "--methods", "greedy,auto", "--seeds", "1", "--work-limit", "1", "--no-plots"]
    assert main([*args, "-o", str(tmp_path / "one")]) == 0
    one = capsys.readouterr().out
    assert main([*args, "--jobs", "2", "-o", str(tmp_path / "two")]) == 0
    assert capsys.readouterr().out == one
    assert "| gmina-1 | priority | auto | 1 |" in one
    assert ((tmp_path / "one" / "table.md").read_bytes()
            == (tmp_path / "two" / "table.md").read_bytes())
    # A rerun into the same folder solves nothing again.
    assert main([*args, "-o", str(tmp_path / "one")]) == 0
    meta = json.loads((tmp_path / "one" / "results.json").read_text())["meta"]
    assert meta["resumed"] == 4  # 2 rules x 2 methods


def test_compare_takes_seconds_or_work_units_not_both(tmp_path, capsys):
    code = main(["compare", "--library", "cus-tiny-1", "--time-limit", "1", "--work-limit",
                 "1", "-o", str(tmp_path)])
    assert code == 2
    assert "not both" in capsys.readouterr().err


def test_batch_plans_a_folder_and_resumes(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _files(folder, 2)
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--methods", "greedy", "--seeds", "1,2", "-o",
                 str(out)]) == 0
    table = capsys.readouterr().out
    assert table.count("| gmina-") == 4
    plans = sorted((out / "plans").iterdir())
    assert [p.name for p in plans][:2] == ["gmina-1.fifo.greedy.s1.json",
                                           "gmina-1.fifo.greedy.s2.json"]
    from cus_match.io.json_format import load_instance

    assert check(load_instance(files[0]), load_result(plans[0])) == []
    assert (out / "summary.csv").read_text().startswith("instance,rule,method,seed,status")
    assert main(["batch", str(folder), "--methods", "greedy", "--seeds", "1,2", "-o",
                 str(out)]) == 0
    assert capsys.readouterr().out == table
    assert len((out / "runs.jsonl").read_text().splitlines()) == 4  # nothing solved again


def test_batch_and_compare_speak_polish_and_keep_their_files_in_ids(tmp_path, capsys):
    from cus_match.cli.words import say

    # The English header is summary.csv's: one list of ids, told twice.
    assert say("batch_header", "en") == "| " + " | ".join(SUMMARY) + " |"
    folder = tmp_path / "in"
    folder.mkdir()
    _files(folder, 1)
    out = {}
    for lang in ("en", "pl"):
        assert main(["--lang", lang, "batch", str(folder), "--methods", "greedy", "-o",
                     str(tmp_path / f"b-{lang}")]) == 0
        out[lang] = capsys.readouterr()
    assert out["pl"].out.splitlines()[0] == (
        "| dane | reguła | metoda | ziarno | stan | wizyty z pomocą | wizyty łącznie | "
        "naruszenia wymogów |")
    assert "| gmina-1 | fifo | greedy | 0 | dopuszczalny |" in out["pl"].out
    assert "ziarno 0: wizyty z pomocą " in out["pl"].err
    assert "seed 0: " in out["en"].err
    assert " visits" in out["en"].err
    # summary.csv is for scripts: the same bytes in either language.
    assert ((tmp_path / "b-pl" / "summary.csv").read_bytes()
            == (tmp_path / "b-en" / "summary.csv").read_bytes())
    assert (tmp_path / "b-pl" / "summary.csv").read_text().startswith(",".join(SUMMARY))
    args = ["compare", "--profiles", "tiny", "--rules", "fifo", "--methods", "greedy",
            "--seeds", "1", "--work-limit", "0.1", "--no-plots"]
    for lang in ("en", "pl"):
        assert main(["--lang", lang, *args, "-o", str(tmp_path / f"c-{lang}")]) == 0
        out[lang] = capsys.readouterr()
    assert out["en"].out.startswith("| profile | rule | method | runs | visits_share |")
    assert out["pl"].out.startswith("| profil | reguła | metoda | przebiegi | odsetek wizyt ")
    assert re.search(r"^tiny ziarno 1 fifo/greedy: wizyty z pomocą \d+/\d+, \d+,\d s$",
                     out["pl"].err, re.MULTILINE)
    # The same numbers, with a decimal comma in Polish.
    assert re.search(r"\d\.\d", out["en"].out)
    assert not re.search(r"\d\.\d", out["pl"].out)
    assert out["pl"].out.splitlines()[2:] == [
        line.replace(".", ",") for line in out["en"].out.splitlines()[2:]]
    # table.md, like results.csv, is the same file whatever the language of the terminal.
    for name in ("table.md", "results.csv"):
        assert ((tmp_path / "c-pl" / name).read_bytes()
                == (tmp_path / "c-en" / name).read_bytes())


def test_compare_and_batch_errors_name_the_options_typed(tmp_path, capsys):
    cases = [
        (["compare", "--rules", "fifo,fast", "-o", str(tmp_path / "c")],
         "--rules: nieznane 'fast'; do wyboru: 'fifo', "),
        (["compare", "--profiles", "tiny", "--work-limit", "0", "-o", str(tmp_path / "c")],
         "--work-limit musi być liczbą dodatnią, podano 0"),
        (["compare", "--seeds", "1,x", "-o", str(tmp_path / "c")],
         "--seeds to liczby całkowite rozdzielone przecinkami, podano '1,x'"),
        (["batch", str(tmp_path / "brak"), "-o", str(tmp_path / "b")],
         f"{tmp_path / 'brak'} to nie folder: podaj folder z plikami danych (*.json)"),
        (["batch", str(tmp_path), "-o", str(tmp_path / "b")],
         f"w {tmp_path} nie ma plików danych (*.json)"),
    ]
    for argv, text in cases:
        assert main(["--lang", "pl", *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"błąd: {text}"), (argv, err)
        assert err.count("\n") == 1, (argv, err)
    assert not (tmp_path / "c").exists()
    assert not (tmp_path / "b").exists()


def test_an_unreachable_scheduler_is_told_as_such_and_file_errors_pass(tmp_path):
    import argparse

    from cus_match.cli.batch import scheduler_reached
    from cus_match.cli.common import UsageError

    # A real unreachable address takes Dask's connect timeout (tens of seconds): the bare
    # OSError it then raises is what is simulated here.
    with pytest.raises(UsageError) as caught, scheduler_reached(
            argparse.Namespace(scheduler="tcp://10.0.0.5:8786")):
        raise OSError("Timed out trying to connect to tcp://10.0.0.5:8786 after 30 s")
    assert caught.value.text("pl") == (
        "nie można połączyć się z planistą Dask (scheduler) pod adresem tcp://10.0.0.5:8786: "
        "czy działa i czy adres jest poprawny?")
    with pytest.raises(OSError, match="disk"), scheduler_reached(
            argparse.Namespace(scheduler="tcp://10.0.0.5:8786")):
        raise OSError(28, "disk full", str(tmp_path / "runs.jsonl"))
    with pytest.raises(OSError, match="refused"), scheduler_reached(
            argparse.Namespace(scheduler=None)):
        raise OSError("refused")
