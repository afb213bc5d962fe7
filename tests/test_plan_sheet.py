"""The plan round trip (issue 13): export the plan to a sheet, edit it in Excel, read it back.

The edits are made with openpyxl as a coordinator makes them in Excel: a visit moved to another
time, one added for an unmet visit, one removed, one broken (a start outside every window). The
import must name each change and the violation at its cell, and must refuse unreadable cells
instead of dropping rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from cus_match.cli.main import main
from cus_match.generate import demo_instance
from cus_match.io.json_format import dump_instance, dump_result, load_result
from cus_match.io.plan_sheet import (
    PlanChange,
    SheetVisit,
    plan_changes,
    plan_from_visits,
    plan_visits,
    read_plan_sheet,
    write_plan_sheet,
)
from cus_match.io.sheets import SheetInputError
from cus_match.model.occurrences import need_dates
from cus_match.optimise.solve import solve
from cus_match.plan.check import check


@pytest.fixture(scope="module")
def demo():
    inst = demo_instance()
    return inst, solve(inst, method="greedy")


_FORMAL: dict[int, tuple] = {}


def _clean(inst, visits) -> bool:
    from cus_match.compat import build_compat

    if id(inst) not in _FORMAL:  # the instance decides these: build them once
        c = build_compat(inst)
        _FORMAL[id(inst)] = (c.covered, c.referrals, [(o.need, o.date) for o in c.outside_ipus])
    covered, referrals, outside = _FORMAL[id(inst)]
    plan = plan_from_visits(inst, visits, covered=covered, referrals=referrals,
                            outside_ipus=outside)
    return check(inst, plan) == []


def _starts(inst, need_id):
    need = inst.need(need_id)
    for w in need.windows:
        t = datetime.combine(date(2026, 1, 1), w.start)
        last = datetime.combine(date(2026, 1, 1), w.end) - timedelta(
            minutes=need.duration_minutes)
        while t <= last:
            yield t.time()
            t += timedelta(minutes=15)


def _edits(inst, plan):
    """A feasible move, a feasible addition, a removal and a break of the demo plan."""
    visits = plan_visits(plan)
    assert _clean(inst, visits)
    removed, rest = visits[-1], visits[:-1]
    moved = None
    for i, v in enumerate(rest):
        for s in _starts(inst, v.need):
            if s == v.start:
                continue
            trial = SheetVisit(v.need, v.date, s, v.helpers)
            if _clean(inst, [*rest[:i], trial, *rest[i + 1:]]):
                moved = (i, trial)
                break
        if moved:
            break
    assert moved is not None
    kept = [*rest[:moved[0]], moved[1], *rest[moved[0] + 1:]]
    taken = {v.key for v in visits}
    added = None
    from cus_match.clock import from_minutes
    from cus_match.compat import build_compat

    c = build_compat(inst)  # eligible (helper, start) pairs: the candidates worth trying
    for occ, cands in zip(c.occurrences, c.candidates, strict=True):
        if (occ.need, occ.date) in taken:
            continue
        for cand in cands:
            for s in cand.starts:
                at = from_minutes(s, inst.policy.timezone)
                trial = SheetVisit(occ.need, occ.date, at.time(), (cand.helper,))
                if _clean(inst, [*kept, trial]):
                    added = trial
                    break
            if added:
                break
        if added:
            break
    assert added is not None
    broken_at = 0 if moved[0] != 0 else 1
    return visits, removed, moved, added, broken_at


def test_export_edit_import_reports_changes_and_the_violation_by_cell(demo, tmp_path, capsys):
    inst, plan = demo
    dump_instance(inst, tmp_path / "gmina.json")
    dump_result(plan, tmp_path / "plan.json")
    xlsx = tmp_path / "plan.xlsx"
    assert main(["--lang", "pl", "export-plan", str(tmp_path / "gmina.json"),
                 str(tmp_path / "plan.json"), "-o", str(xlsx)]) == 0
    visits, removed, (moved_i, moved), added, broken_i = _edits(inst, plan)

    wb = load_workbook(xlsx)
    ws = wb["plan"]
    assert [c.value for c in ws[1]][:4] == ["potrzeba", "data", "początek", "pomagający"]
    assert ws.max_row == len(visits) + 1
    ws.cell(moved_i + 2, 3, moved.start)  # move: another start on the same day
    ws.cell(broken_i + 2, 3, "03:00")  # break: outside every window
    ws.delete_rows(len(visits) + 1)  # remove the last visit
    name = inst.helper(added.helpers[0]).name or added.helpers[0]
    ws.append([added.need, added.date, f"{added.start:%H:%M}", name])  # add, by name
    wb.save(xlsx)

    out_json = tmp_path / "edited.json"
    code = main(["--lang", "pl", "import-plan", str(tmp_path / "gmina.json"), str(xlsx),
                 "--baseline", str(tmp_path / "plan.json"), "-o", str(out_json)])
    out = capsys.readouterr().out
    assert code == 1
    assert not out_json.exists()  # nothing is applied while a constraint breaks
    assert "Zmiany względem pierwotnego planu: 4" in out
    last = len(visits)  # the added visit's row: the removed one's place
    assert f"wiersz {moved_i + 2} (A{moved_i + 2}): przeniesiono potrzebę {moved.need}" in out
    assert f"wiersz {broken_i + 2} (A{broken_i + 2}): przeniesiono potrzebę" in out
    assert f"wiersz {last + 1} (A{last + 1}): dodano wizytę potrzeby {added.need}" in out
    assert f"usunięty wiersz: usunięto wizytę potrzeby {removed.need}" in out
    assert "Naruszone wymogi: " in out
    assert (f"arkusz 'plan', wiersz {broken_i + 2}, kolumna 'początek' (C{broken_i + 2}): "
            "[H4 no_common_time]") in out
    assert f"(C{moved_i + 2})" not in out.split("Naruszone wymogi")[1]  # the move is fine

    # Mend the broken cell: the plan checks clean and is written; check reads the sheet too.
    wb = load_workbook(xlsx)
    wb["plan"].cell(broken_i + 2, 3, visits[broken_i].start)
    wb.save(xlsx)
    assert main(["import-plan", str(tmp_path / "gmina.json"), str(xlsx), "-o",
                 str(out_json)]) == 0
    assert "Every constraint holds." in capsys.readouterr().out
    edited = load_result(out_json)
    assert check(inst, edited) == []
    assert {(a.need, a.date) for a in edited.assignments} == (
        {v.key for v in visits} - {removed.key}) | {added.key}
    assert main(["check", str(tmp_path / "gmina.json"), str(xlsx)]) == 0
    assert main(["check", str(tmp_path / "gmina.json"), str(out_json)]) == 0


def test_unreadable_cells_are_problems_at_their_cells_not_dropped_rows(demo, tmp_path):
    inst, plan = demo
    xlsx = write_plan_sheet(inst, plan, tmp_path / "plan.xlsx", lang="en")
    wb = load_workbook(xlsx)
    ws = wb["plan"]
    ws["A2"] = "no-such-need"
    ws["B3"] = "31.02.2026"
    ws["C4"] = "noon"
    ws["D5"] = None
    ws["D6"] = "Nobody Atall"
    ws.append([plan_visits(plan)[-1].need, plan_visits(plan)[-1].date, "10:00", "h-x"])
    wb.save(xlsx)
    with pytest.raises(SheetInputError) as e:
        read_plan_sheet(xlsx, inst, lang="en")
    got = [(p.row, p.column, str(p.code)) for p in e.value.problems]
    last = ws.max_row
    assert got == [
        (2, "need", "unknown_need"),
        (3, "date", "cell_no_such_day"),
        (4, "start", "cell_not_a_clock"),
        (5, "helpers", "plan_row_no_helpers"),
        (6, "helpers", "name_not_found"),
        (last, "helpers", "name_not_found"),
    ]
    text = e.value.text("pl")
    assert "arkusz 'plan', wiersz 5, kolumna 'helpers' (D5): wizyta nie ma pomagającego" in text
    assert len(text.splitlines()) == 7


def test_two_rows_for_one_visit_and_a_missing_column_are_refused(demo, tmp_path):
    inst, plan = demo
    xlsx = write_plan_sheet(inst, plan, tmp_path / "plan.xlsx", lang="pl")
    wb = load_workbook(xlsx)
    ws = wb["plan"]
    ws.append([c.value for c in ws[2]])
    wb.save(xlsx)
    with pytest.raises(SheetInputError) as e:
        read_plan_sheet(xlsx, inst, lang="pl")
    assert [p.code for p in e.value.problems] == ["plan_row_repeated"]
    assert "w wiersz 2" in e.value.problems[0].text("pl")
    ws.delete_cols(4)
    wb.save(xlsx)
    with pytest.raises(SheetInputError) as e:
        read_plan_sheet(xlsx, inst, lang="pl")
    assert e.value.problems[0].text("pl") == "w arkuszu planu brakuje kolumny 'pomagający'"
    wb = load_workbook(xlsx)
    wb["plan"].title = "inne"
    wb.save(xlsx)
    with pytest.raises(SheetInputError, match="no sheet 'plan'"):
        read_plan_sheet(xlsx, inst, lang="en")


def test_changes_pair_a_date_move_and_tell_reassignments():
    a = SheetVisit("n1", date(2026, 3, 24), time(9), ("h1",))
    b = SheetVisit("n2", date(2026, 3, 24), time(9), ("h1",))
    moved = SheetVisit("n1", date(2026, 3, 26), time(9), ("h1",), row=2)
    other = SheetVisit("n2", date(2026, 3, 24), time(9), ("h2",), row=3)
    assert [(c.kind, c.need) for c in plan_changes([a, b], [moved, other])] == [
        ("moved", "n1"), ("reassigned", "n2")]
    assert plan_changes([a], []) == [PlanChange("removed", "n1", a, None)]


def test_export_xlsx_includes_the_editable_plan_sheet(demo, tmp_path):
    from cus_match.report.tables import write_xlsx

    inst, plan = demo
    path = write_xlsx(inst, plan, tmp_path / "export.xlsx", lang="pl")
    visits = read_plan_sheet(path, inst)
    assert [v.key for v in visits] == [v.key for v in plan_visits(plan)]


def test_a_plan_read_back_unchanged_equals_the_original(demo, tmp_path):
    inst, plan = demo
    xlsx = write_plan_sheet(inst, plan, tmp_path / "plan.xlsx", lang="pl")
    visits = read_plan_sheet(xlsx, inst)
    assert plan_changes(plan_visits(plan), visits) == []
    assert _clean(inst, visits)
    back = plan_from_visits(inst, visits)
    key = sorted((a.need, a.date, a.helper, a.start, a.end, a.mode) for a in plan.assignments)
    assert sorted((a.need, a.date, a.helper, a.start, a.end, a.mode)
                  for a in back.assignments) == key
    assert all(d in need_dates(inst, inst.need(a.need)) for a in back.assignments
               for d in [a.date])


def test_a_plan_sheet_saved_as_csv_reads_the_same(demo, tmp_path):
    import csv

    inst, plan = demo
    visits = plan_visits(plan)
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="cp1250", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["potrzeba", "data", "początek", "pomagający", "# uwagi"])
        for v in visits:
            w.writerow([v.need, v.date.strftime("%d.%m.%Y"), f"{v.start:%H.%M}",
                        "; ".join(v.helpers), "ćwiczenie"])
    back = read_plan_sheet(path, inst, lang="pl")
    assert [(v.key, v.start, v.helpers) for v in back] == [
        (v.key, v.start, v.helpers) for v in visits]
    assert back[0].cell("start") == "C2"


@pytest.mark.parametrize("seed", [1, 2])
def test_covered_referred_and_outside_ipus_are_what_build_compat_finds(seed):
    from cus_match.cli.plan_sheets import formal_entries
    from cus_match.compat import build_compat
    from cus_match.generate import generate

    for inst in (demo_instance(), generate("rural", seed=seed)):
        c = build_compat(inst)
        covered, referrals, outside = formal_entries(inst)
        assert sorted(covered, key=str) == sorted(c.covered, key=str)
        assert sorted(referrals, key=str) == sorted(c.referrals, key=str)
        assert sorted(outside) == sorted((o.need, o.date) for o in c.outside_ipus)
