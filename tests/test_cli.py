from __future__ import annotations

import json

import pytest

from builders import helper, instance, need
from cus_match.cli.main import main
from cus_match.io.json_format import dump_instance, load_result


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
    assert "all constraints hold (1 assignments)" in capsys.readouterr().out


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

    from cus_match.cli.main import _Progress

    with _Progress(30, "pl", enabled=True):
        time.sleep(1.3)
    err = capsys.readouterr().err
    assert "szukam planu..." in err
    assert "/ 30 s" in err
    with _Progress(30, "en", enabled=False):
        time.sleep(0.01)
    assert capsys.readouterr().err == ""
