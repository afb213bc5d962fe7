from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import cus_match
from builders import helper, instance, need
from cus_match.cli.main import main
from cus_match.io.json_format import dump_instance, load_result
from cus_match.optimise.options import WORK_PER_SECOND

#: Every command, in the order ``--help`` lists them.
COMMANDS = ("demo", "generate", "validate", "schema", "template", "import", "solve", "check",
            "explain", "diagnose", "recommend", "compare", "batch", "report", "export",
            "export-plan", "import-plan", "history", "certificate")
#: What the command line must not load before a command runs: they take seconds to import.
HEAVY = frozenset({"ortools", "networkx", "pandas", "matplotlib", "jinja2", "openpyxl"})


@pytest.fixture
def inst_file(tmp_path):
    p = tmp_path / "gmina.json"
    dump_instance(instance([helper("h1")], [need("n1"), need("n2", category="psychotherapy")]),
                  p)
    return p


def test_demo_prints_a_checked_plan_with_unmet_needs_explained(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Proposed visits" in out
    assert "Unmet visits and why" in out
    assert "Checked independently: all constraints hold" in out


def test_demo_in_polish(capsys):
    assert main(["--lang", "pl", "demo"]) == 0
    out = capsys.readouterr().out
    assert "Proponowane wizyty" in out
    assert "pon 23.03" in out  # Polish day names, whatever the process locale
    assert "Mon 23.03" not in out
    assert "Sprawdzono niezależnie: wszystkie wymogi spełnione" in out
    assert "constraints hold" not in out


def test_validate_solve_check_round_trip(inst_file, tmp_path, capsys):
    assert main(["validate", str(inst_file)]) == 0
    assert "valid" in capsys.readouterr().out
    out = tmp_path / "plan.json"
    assert main(["solve", str(inst_file), "-o", str(out)]) == 0
    result = load_result(out)
    assert [a.need for a in result.assignments] == ["n1"]
    assert [r.need for r in result.referrals] == ["n2"]
    capsys.readouterr()
    assert main(["check", str(inst_file), str(out)]) == 0
    assert "all constraints hold (1 assignment)" in capsys.readouterr().out


def test_check_reports_a_tampered_plan(inst_file, tmp_path, capsys):
    out = tmp_path / "plan.json"
    assert main(["solve", str(inst_file), "-o", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["assignments"][0]["start"] = "2026-03-24T06:00:00+01:00"
    data["assignments"][0]["end"] = "2026-03-24T07:00:00+01:00"
    out.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(inst_file), str(out)]) == 1
    assert "VIOLATION [H4 no_common_time]" in capsys.readouterr().err  # the constraint, then code


def test_invalid_input_exits_1_with_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cus-match/1", "kind": "instance", "policy": {}, "places": 3}',
                   encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "policy.period: missing required field" in err
    assert "places: expected a list" in err


def test_usage_errors_exit_2(inst_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["solve"])
    assert e.value.code == 2
    assert main(["solve", str(inst_file), "-o", str(tmp_path / "x.json"),
                 "--method", "magic"]) == 2
    assert "unknown method" in capsys.readouterr().err


def test_schema_and_generate(tmp_path, capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["format"]["const"] == "cus-match/1"
    out = tmp_path / "tiny.json"
    assert main(["generate", "--profile", "tiny", "--seed", "3", "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert main(["generate", "--profile", "nowhere"]) == 2


def test_progress_shows_elapsed_time_on_stderr(capsys):
    import time

    from cus_match.cli.common import Progress

    with Progress(30, "pl", enabled=True):
        time.sleep(1.3)
    err = capsys.readouterr().err
    assert "szukam planu..." in err
    assert "/ 30 s" in err
    with Progress(30, "en", enabled=False):
        time.sleep(0.01)
    assert capsys.readouterr().err == ""


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == f"cus-match {cus_match.__version__}\n"


def test_help_lists_every_command_in_group_order(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--version" in out
    listed = [line.split()[0] for line in out.splitlines()
              if line.startswith("    ") and not line.startswith("     ")]
    assert listed == list(COMMANDS)


# Everything the command line loads, from an empty interpreter on (``import cus_match`` is lazy).
_PROBE = """
import contextlib, io, json, sys
before = set(sys.modules)
from cus_match.cli.main import main
loaded = {}
for argv in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(argv)
    loaded[" ".join(argv)] = sorted({m.split(".")[0] for m in set(sys.modules) - before})
print(json.dumps(loaded))
"""


def test_help_and_version_import_no_heavy_package(tmp_path):
    argvs = [["--help"], ["--version"]] + [[c, "--help"] for c in COMMANDS]
    argvs.append(["history", "store.sqlite", "list", "--help"])
    control = ["template", "t.xlsx"]  # does load openpyxl: shows the probe can see it
    src = str(Path(cus_match.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", _PROBE, json.dumps([*argvs, control])],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    loaded = json.loads(run.stdout)
    assert "openpyxl" in loaded.pop(" ".join(control))
    assert list(loaded) == [" ".join(a) for a in argvs]
    heavy = {argv: sorted(HEAVY & set(mods)) for argv, mods in loaded.items()}
    assert heavy == {argv: [] for argv in loaded}


def test_generate_demo_rewrites_the_bundled_file_byte_for_byte(tmp_path):
    out = tmp_path / "demo.json"
    assert main(["generate", "--demo", "-o", str(out)]) == 0
    bundled = resources.files("cus_match.generate.data").joinpath("demo_rural.json")
    assert out.read_bytes() == bundled.read_bytes()


def test_generate_demo_refuses_other_options(capsys):
    assert main(["generate", "--demo", "--seed", "3", "--scale", "2"]) == 2
    assert "--demo has fixed options: drop --seed, --scale" in capsys.readouterr().err


def test_generate_library_writes_the_published_instance(tmp_path):
    from cus_match.generate.library import LIBRARY, digest
    from cus_match.io.json_format import load_instance

    out = tmp_path / "rural.json"
    assert main(["generate", "--library", "cus-rural-1", "-o", str(out)]) == 0
    assert digest(load_instance(out)) == LIBRARY["cus-rural-1"].sha256


def test_generate_library_refuses_unknown_names_and_other_options(capsys):
    assert main(["generate", "--library", "cus-nope-9"]) == 2
    err = capsys.readouterr().err
    for word in ("--library", "cus-nope-9", "cus-rural-1"):
        assert word in err
    assert main(["generate", "--library", "cus-rural-1", "--seed", "3"]) == 2
    assert "drop --seed" in capsys.readouterr().err
    assert main(["generate", "--library", "cus-rural-1", "--demo"]) == 2
    assert "drop --library" in capsys.readouterr().err


def test_solve_takes_the_time_reading_the_files_took_off_its_limit(tmp_path, monkeypatch):
    import time

    import cus_match.io.json_format as jf
    import cus_match.optimise.solve as solve_module
    from cus_match.generate import generate

    path = tmp_path / "tiny.json"
    jf.dump_instance(generate("tiny", seed=1), path)
    slow_load = jf.load_instance

    def load(p, *a, **k):
        time.sleep(0.5)  # a large instance file
        return slow_load(p, *a, **k)

    asked: list[dict[str, object]] = []
    real = solve_module.solve

    def spy(*a, **k):
        asked.append(k)
        return real(*a, **k)

    monkeypatch.setattr(jf, "load_instance", load)
    monkeypatch.setattr(solve_module, "solve", spy)
    assert main(["solve", str(path), "-o", str(tmp_path / "r.json"), "--time-limit", "5",
                 "--method", "greedy", "--quiet"]) == 0
    assert asked
    # The command keeps the limit: reading (0.5 s) and a reserve for what follows the solve
    # (1.3 x the 0.5 s of reading) come off the solve's share.
    assert asked[0]["time_limit"] <= 5 - 0.5 - 0.65
    assert asked[0]["work_limit"] is None
    assert main(["solve", str(path), "-o", str(tmp_path / "d.json"), "--time-limit", "5",
                 "--method", "greedy", "--quiet", "--deterministic"]) == 0
    assert asked[1]["time_limit"] <= 5 - 0.5 - 0.65  # the cap is the same share
    assert asked[1]["work_limit"] == 5 * WORK_PER_SECOND  # the work, from the limit alone
