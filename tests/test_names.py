"""Names where people type and read them (issue 13): explain by name, calendars with names."""

from __future__ import annotations

import attrs
import pytest

from cus_match.cli.main import main
from cus_match.generate import demo_instance
from cus_match.io.json_format import dump_instance, dump_result
from cus_match.optimise.solve import solve
from cus_match.report.calendar import helper_calendars


@pytest.fixture(scope="module")
def demo():
    inst = demo_instance()
    return inst, solve(inst, method="greedy")


@pytest.fixture
def files(demo, tmp_path):
    inst, plan = demo
    dump_instance(inst, tmp_path / "g.json")
    dump_result(plan, tmp_path / "p.json")
    resident = sorted({n.resident for n in inst.needs if n.resident})[0]
    (tmp_path / "imiona.csv").write_bytes(
        f"id;imię i nazwisko\r\n{resident};Halina Nowak\r\n".encode("cp1250"))
    return tmp_path, resident


def _explain(tmp_path, *extra):
    return main(["--lang", "pl", "explain", str(tmp_path / "g.json"), str(tmp_path / "p.json"),
                 *extra])


def test_explain_by_resident_id_lists_every_need_of_the_resident(demo, files, capsys):
    inst, _ = demo
    tmp_path, resident = files
    assert _explain(tmp_path, resident) == 0
    out = capsys.readouterr().out
    own = sorted(n.id for n in inst.needs if n.resident == resident)
    assert out.splitlines()[0] == f"Mieszkaniec {resident}: potrzeby: {len(own)}"
    for nid in own:
        assert nid in out


def test_explain_by_resident_name_with_names_any_case_no_diacritics(files, capsys):
    tmp_path, resident = files
    assert _explain(tmp_path, "halina nowak", "--names", str(tmp_path / "imiona.csv")) == 0
    assert capsys.readouterr().out.startswith(f"Mieszkaniec {resident} (Halina Nowak): ")
    assert _explain(tmp_path, "Halina Nowak") == 2  # without --names no resident has a name


def test_explain_by_helper_name_and_ambiguous_names_list_ids(demo, files, capsys):
    inst, _ = demo
    tmp_path, _resident = files
    h = next(h for h in inst.helpers if h.name)
    assert _explain(tmp_path, h.name.upper()) == 0
    by_name = capsys.readouterr().out
    assert _explain(tmp_path, h.id) == 0
    assert capsys.readouterr().out == by_name
    twins = attrs.evolve(inst, helpers=[*inst.helpers[:2],
                                        attrs.evolve(inst.helpers[1], id="twin", name=h.name),
                                        *inst.helpers[2:]])
    dump_instance(twins, tmp_path / "g.json")
    # A plan records its instance's digest: the twins' round needs its own plan.
    dump_result(solve(twins, method="greedy"), tmp_path / "p.json")
    assert _explain(tmp_path, h.name) == 2
    err = capsys.readouterr().err
    assert "pasuje do kilku osób" in err
    assert f"{h.id} ({h.name})" in err
    assert f"twin ({h.name})" in err


def test_calendars_name_the_resident_when_the_coordinator_gives_names(demo):
    inst, plan = demo
    a = next(a for a in plan.assignments if inst.need(a.need).resident)
    rid = inst.need(a.need).resident
    plain = helper_calendars(inst, plan, lang="pl")[a.helper].decode()
    named = helper_calendars(inst, plan, lang="pl", names={rid: "Halina Nowak"})[a.helper]
    assert "Halina Nowak" not in plain
    assert f": {rid}" in plain
    assert "Halina Nowak" in named.decode()
    h = inst.helper(a.helper)
    assert f"X-WR-CALNAME:Wizyty: {h.name or h.id}" in plain


def test_export_passes_names_to_the_calendars(demo, files, capsys):
    tmp_path, resident = files
    inst, plan = demo
    assert main(["export", str(tmp_path / "g.json"), str(tmp_path / "p.json"), "--ics",
                 str(tmp_path / "ics"), "--names", str(tmp_path / "imiona.csv")]) == 0
    helpers = {a.helper for a in plan.assignments if inst.need(a.need).resident == resident}
    text = "".join(p.read_text() for p in (tmp_path / "ics").glob("*.ics"))
    assert ("Halina Nowak" in text) == bool(helpers)


def test_report_reads_the_names_file_saved_by_polish_excel(demo, files):
    # The path check at the command's start must not refuse what store.people reads (cp1250).
    tmp_path, _resident = files
    out = tmp_path / "raport.html"
    assert main(["report", str(tmp_path / "g.json"), str(tmp_path / "p.json"), "-o", str(out),
                 "--names", str(tmp_path / "imiona.csv")]) == 0
    assert "Halina Nowak" in out.read_text(encoding="utf-8")
