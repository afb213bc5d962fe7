"""Output never crashes on a console's encoding (issue 13, item 8).

A Polish Windows console or a redirected file is cp1250 (cp852 in an old ``cmd``); a helper named
in Cyrillic, or the em-dash of ``validate``, used to end in a ``UnicodeEncodeError`` traceback.
Each command here runs in a fresh interpreter with ``PYTHONIOENCODING`` set, its output
redirected, as a coordinator's ``cus-match explain ... > plik.txt`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cus_match
from cus_match.generate import generate
from cus_match.io.json_format import dump_instance, dump_result, dumps_instance
from cus_match.optimise.solve import solve

NAME = "Олена Шевченко"
SRC = str(Path(cus_match.__file__).parent.parent)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("console")
    doc = json.loads(dumps_instance(generate("tiny", seed=1)))
    doc["helpers"][0]["name"] = NAME
    (root / "gmina.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    from cus_match.io.json_format import load_instance

    inst = load_instance(root / "gmina.json")
    plan = solve(inst, method="greedy")
    dump_instance(inst, root / "gmina.json")
    dump_result(plan, root / "plan.json")
    helper = inst.helpers[0].id
    assert any(a.helper == helper for a in plan.assignments)
    (root / "imiona.csv").write_text(f"id;name\n{helper};{NAME}\n", encoding="utf-8")
    return root, helper


def _run(encoding: str, *argv: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "cus_match", *argv], capture_output=True,
                          env=env, timeout=120, check=False)


@pytest.mark.parametrize("encoding", ["cp1250", "cp852"])
def test_a_cyrillic_name_is_transliterated_not_a_traceback(files, encoding):
    root, helper = files
    done = _run(encoding, "--lang", "pl", "explain", str(root / "gmina.json"),
                str(root / "plan.json"), helper)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode(encoding)  # every byte is of the console's own encoding
    assert f"Olena Shevchenko ({helper})" in out
    assert "wizyt" in out  # Polish letters the code page has stay as they are


@pytest.mark.parametrize("encoding", ["cp1250", "cp852", "ascii"])
def test_the_em_dash_and_polish_letters_survive_any_code_page(files, encoding):
    root, _ = files
    done = _run(encoding, "--lang", "pl", "validate", str(root / "gmina.json"))
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    out = done.stdout.decode(encoding)
    dash = "—" if encoding == "cp1250" else "-"  # cp1250 has the em-dash, cp852 has not
    assert f": poprawne {dash} miejsca: " in out
    assert ("pomagaj?cy" if encoding == "ascii" else "pomagający") in out


def test_history_hours_show_names_from_a_names_file_on_cp1250(files, tmp_path):
    root, helper = files
    store = str(tmp_path / "h.sqlite")
    assert _run("cp1250", "history", store, "save", "w13", str(root / "gmina.json"),
                str(root / "plan.json"), "--approved-by", "Anna").returncode == 0
    done = _run("cp1250", "--lang", "pl", "history", store, "hours", "--names",
                str(root / "imiona.csv"))
    assert done.returncode == 0, done.stderr.decode("cp1250", "replace")
    assert done.stdout.decode("cp1250").startswith(f"Olena Shevchenko ({helper})\t")


def test_errors_go_out_in_the_console_encoding_too(files):
    root, _ = files
    done = _run("cp852", "--lang", "pl", "check", str(root / "plan.json"),
                str(root / "plan.json"))
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert "oczekiwano dokumentu rodzaju 'instance'" in done.stderr.decode("cp852")
