"""The history store: rounds over time, queries, certificate, RODO, retention, robustness."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import helper, instance, need
from cus_match import solve
from cus_match.errors import CusMatchError, InvalidInputError, InvalidOptionError
from cus_match.generate import generate
from cus_match.model import DateRange, Resident
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.store import (
    SCHEMA_VERSION,
    HistoryStore,
    Pair,
    RecordNotFoundError,
    StoreError,
)
from cus_match.store import index as index_mod
from cus_match.store import schema as schema_mod
from cus_match.store.certificate import _visits
from strategies import instances

# Three consecutive weekly rounds of one rural gmina (the generator reuses ids h-00001...,
# r-00001..., so the same ids recur across rounds, as the same people would).
STARTS = ("2026-03-02", "2026-03-09", "2026-03-16")
T = "2026-03-20T18:00:00+01:00"


@pytest.fixture(scope="module")
def rounds() -> list[tuple[str, Instance, Result]]:
    out = []
    for k, start in enumerate(STARTS):
        inst = generate("rural", seed=k + 1, start=start, weeks=1)
        out.append((f"2026-w{10 + k}", inst, solve(inst, method="greedy")))
    return out


def _fill(path: Path, rounds: list[tuple[str, Instance, Result]], approve: bool = True
          ) -> HistoryStore:
    store = HistoryStore(path)
    for k, (rid, inst, res) in enumerate(rounds):
        store.save(rid, inst, res)
        if approve:
            store.approve(rid, by="koordynator", at=f"2026-03-2{k}T18:00:00+01:00")
    return store


def _minutes_by_helper(res: Result, period: DateRange | None = None) -> Counter[str]:
    c: Counter[str] = Counter()
    for a in res.assignments:
        if period is None or a.date in period:
            c[a.helper] += a.minutes
    return c


def _files(path: Path) -> bytes:
    """The store's bytes on disk: main file plus WAL, if any."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# Saving and loading ---------------------------------------------------------------------------
def test_save_load_round_trip_and_approval(tmp_path, rounds):
    rid, inst, res = rounds[0]
    with HistoryStore(tmp_path / "h.sqlite") as store:
        info = store.save(rid, inst, res)
        assert not info.approved
        assert info.approved_by is None
        assert info.period == inst.policy.period
        assert info.visits == len(res.assignments)
        assert info.minutes == sum(a.minutes for a in res.assignments)
        approved = store.approve(rid, by="Anna K.", at=T)
        assert approved.approved
        assert approved.approved_by == "Anna K."
        assert approved.approved_at.isoformat() == "2026-03-20T17:00:00+00:00"
    with HistoryStore(tmp_path / "h.sqlite", create=False) as store:
        back = store.load(rid)
        assert back.instance == inst
        assert back.result == res
        assert back.info == approved
        assert check(back.instance, back.result) == []


def test_rounds_are_listed_by_period_and_filtered_by_approval(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", list(reversed(rounds)), approve=False) as store:
        store.approve(rounds[1][0], by="k", at=T)
        assert [r.id for r in store.rounds()] == [r[0] for r in rounds]
        assert [r.id for r in store.rounds(approved_only=True)] == [rounds[1][0]]


def test_saved_approved_in_one_step(tmp_path, rounds):
    rid, inst, res = rounds[0]
    with HistoryStore(tmp_path / "h.sqlite") as store:
        info = store.save(rid, inst, res, approved_by="k", approved_at=T)
        assert info.approved
        with pytest.raises(InvalidOptionError, match="approved_at is given without"):
            store.save("x", inst, res, approved_at=T)
        with pytest.raises(InvalidOptionError, match="UTC offset"):
            store.approve(rid, by="k", at="2026-03-20T18:00:00")


def test_duplicates_replacement_and_refusals(tmp_path, rounds):
    rid, inst, res = rounds[0]
    smaller = attrs.evolve(res, assignments=res.assignments[:3])
    with HistoryStore(tmp_path / "h.sqlite") as store:
        store.save(rid, inst, res)
        with pytest.raises(StoreError, match="already stored"):
            store.save(rid, inst, smaller)
        assert store.save(rid, inst, smaller, replace=True).visits == 3
        assert store.load(rid).result == smaller
        store.approve(rid, by="k", at=T)
        with pytest.raises(StoreError, match="already approved"):
            store.approve(rid, by="k", at=T)
        with pytest.raises(StoreError, match="is approved and is not replaced"):
            store.save(rid, inst, res, replace=True)
        assert store.load(rid).result == smaller
        with pytest.raises(RecordNotFoundError, match="no round 'nope'"):
            store.load("nope")
        with pytest.raises(InvalidOptionError, match="round id"):
            store.save("  ", inst, res)
        store.delete(rid)
        assert store.rounds() == []
        with pytest.raises(RecordNotFoundError):
            store.delete(rid)


def test_result_of_another_instance_is_refused_and_nothing_stored(tmp_path, rounds):
    _, inst, _ = rounds[0]
    _, _, other = rounds[2]
    with HistoryStore(tmp_path / "h.sqlite") as store:
        with pytest.raises(InvalidInputError, match=r"assignments\[\d+\]\.(need|helper)"):
            # Without a digest (a result written before it was recorded), the references say.
            store.save("mixed", inst, attrs.evolve(other, instance_digest=None, assignments=[
                attrs.evolve(other.assignments[0], need="no-such-need")]))
        assert store.rounds() == []


# History queries -----------------------------------------------------------------------------
def _pairs(inst: Instance, res: Result) -> set[Pair]:
    return {Pair(inst.need(a.need).resident, a.helper, a.need) for a in res.assignments}


def test_previous_pairs_last_rounds_period_and_before(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        every = set().union(*(_pairs(i, r) for _, i, r in rounds))
        assert set(store.previous_pairs()) == every
        assert store.previous_pairs() == sorted(store.previous_pairs())
        assert set(store.previous_pairs(last=1)) == _pairs(*rounds[2][1:])
        assert set(store.previous_pairs(last=2)) == _pairs(*rounds[1][1:]) | _pairs(
            *rounds[2][1:])
        # Planning the week of 16 March: only rounds that ended before it.
        assert set(store.previous_pairs(last=1, before="2026-03-16")) == _pairs(*rounds[1][1:])
        week2 = rounds[1][1].policy.period
        assert set(store.previous_pairs(period=week2)) == _pairs(*rounds[1][1:])
        with pytest.raises(InvalidOptionError, match="last"):
            store.previous_pairs(last=0)


def test_previous_helpers_feeds_resident_previous_helpers(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", rounds[:2]) as store:
        prev = store.previous_helpers(before="2026-03-16")
    expected: dict[str, set[str]] = defaultdict(set)
    for _, inst, res in rounds[:2]:
        for a in res.assignments:
            r = inst.need(a.need).resident
            if r is not None:
                expected[r].add(a.helper)
    assert prev == {r: frozenset(h) for r, h in expected.items()}
    assert list(prev) == sorted(prev)
    # The mapping is what the next round's residents take.
    _, nxt, _ = rounds[2]
    residents = [attrs.evolve(r, previous_helpers=r.previous_helpers
                              | (prev.get(r.id, frozenset()) & {h.id for h in nxt.helpers}))
                 for r in nxt.residents]
    assert isinstance(attrs.evolve(nxt, residents=residents).residents[0], Resident)


def test_proposals_count_only_when_asked(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", rounds, approve=False) as store:
        store.approve(rounds[0][0], by="k", at=T)
        assert set(store.previous_pairs()) == _pairs(*rounds[0][1:])
        assert set(store.previous_pairs(approved_only=False)) == set().union(
            *(_pairs(i, r) for _, i, r in rounds))
        assert {h.helper for h in store.hours_served()} == set(
            _minutes_by_helper(rounds[0][2]))


def test_helper_load_per_round(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        load = store.helper_load()
        assert [(x.round_id, x.helper) for x in load] == sorted(
            (x.round_id, x.helper) for x in load)
        for rid, _, res in rounds:
            got = {x.helper: x.minutes for x in load if x.round_id == rid}
            assert got == dict(_minutes_by_helper(res))
            visits = Counter(a.helper for a in res.assignments)
            assert {x.helper: x.visits for x in load if x.round_id == rid} == dict(visits)
        assert {x.round_id for x in store.helper_load(last=2)} == {r[0] for r in rounds[1:]}


def test_hours_served_over_any_period(tmp_path, rounds):
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        total = sum((_minutes_by_helper(r) for _, _, r in rounds), Counter())
        served = store.hours_served()
        assert {s.helper: s.minutes for s in served} == dict(total)
        assert all(s.hours == s.minutes / 60 for s in served)
        # A period cutting through a round counts only the visits dated in it.
        cut = DateRange("2026-03-05", "2026-03-11")
        part = sum((_minutes_by_helper(r, cut) for _, _, r in rounds), Counter())
        assert {s.helper: s.minutes for s in store.hours_served(cut)} == dict(part)
        one = store.hours_served(helper="h-00001")
        assert [s.helper for s in one] == (["h-00001"] if total["h-00001"] else [])


def test_a_later_approval_supersedes_without_double_counting(tmp_path, rounds):
    _rid, inst, res = rounds[0]
    replan = attrs.evolve(res, assignments=res.assignments[: len(res.assignments) // 2])
    with HistoryStore(tmp_path / "h.sqlite") as store:
        store.save("first", inst, res, approved_by="k", approved_at="2026-03-01T10:00:00+01:00")
        store.save("replan", inst, replan, approved_by="k",
                   approved_at="2026-03-03T10:00:00+01:00")
        got = {s.helper: s.minutes for s in store.hours_served()}
        assert got == dict(_minutes_by_helper(replan))
        assert set(store.previous_pairs()) == _pairs(inst, replan)


# Certificate ---------------------------------------------------------------------------------
def _volunteer_with_visits(inst: Instance, res: Result) -> str:
    served = Counter(a.helper for a in res.assignments)
    return next(h for h, _ in sorted(served.items(), key=lambda kv: (-kv[1], kv[0]))
                if inst.helper(h).kind.value == "volunteer")


def test_certificate_states_scope_and_hours_in_polish_and_english(tmp_path, rounds):
    _, inst, res = rounds[0]
    hid = _volunteer_with_visits(inst, res)
    mine = [a for a in res.assignments if a.helper == hid]
    cats = sorted({inst.need(a.need).category for a in mine})
    month = DateRange("2026-03-01", "2026-03-31")
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        cert = store.certificate(hid, organisation="Centrum Usług Społecznych w Bukowsku",
                                 period=month, issued_on="2026-04-01", place="Bukowsko")
        assert cert.minutes == sum(a.minutes for a in mine)
        assert cert.visits == len(mine)
        assert [s.category for s in cert.services] == cats
        pl, en = cert.text("pl"), cert.text("en")
        assert "ZAŚWIADCZENIE" in pl
        assert "art. 44 ust. 2" in pl
        assert "01.03.2026 r." in pl
        assert "CERTIFICATE" in en
        assert "Article 44(2)" in en
        assert "1 March 2026" in en
        hours = f"{cert.minutes / 60:.2f}".rstrip("0").rstrip(".")
        assert f"{hours.replace('.', ',')} godz." in pl
        assert f"{hours} hour" in en
        for c in cats:
            assert inst.category(c).name_pl in pl
            assert inst.category(c).name_en in cert.html("en")
        assert hid in pl
        assert "Bukowsko, 01.04.2026 r." in pl
        # The name stored with the round is shown (issue 13), in neutral Polish; the caller's
        # name, when given, wins.
        assert f"Świadczenia wykonane przez: {inst.helper(hid).name}" in " ".join(pl.split())
        assert "wykonywał" not in pl
        assert "(ka)" not in pl
        named = store.certificate(hid, organisation="CUS", period=month, name="Anna Nowak",
                                  issued_on="2026-04-01")
        assert "Anna Nowak" in named.text()
        assert "Anna Nowak" in named.html()
        quiet = store.certificate(hid, organisation="CUS", period=month, include_hours=False,
                                  issued_on="2026-04-01")
        assert "godz." not in quiet.text("pl")
        assert "hour" not in quiet.html("en")
        with pytest.raises(InvalidOptionError, match="lang must be one of en, pl"):
            cert.text("de")


def test_certificate_html_is_escaped_and_needs_visits(tmp_path, rounds):
    _, inst, res = rounds[0]
    hid = _volunteer_with_visits(inst, res)
    month = DateRange("2026-03-01", "2026-03-31")
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        html = store.certificate(hid, organisation="<script>alert(1)</script>", period=month,
                                 name="O'Hara & <Co>", issued_on="2026-04-01").html("pl")
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert "&lt;Co&gt;" in html
        assert "<html lang=\"pl\">" in html
        with pytest.raises(RecordNotFoundError, match="no approved visit"):
            store.certificate(hid, organisation="CUS", period=DateRange("2025-01-01",
                                                                        "2025-01-31"))
        with pytest.raises(InvalidOptionError, match="organisation"):
            store.certificate(hid, organisation=" ", period=month)
        neighbour = next(a.helper for a in res.assignments
                         if inst.helper(a.helper).kind.value == "neighbour_service")
        with pytest.raises(InvalidOptionError, match="neighbour services"):
            store.certificate(neighbour, organisation="CUS", period=month)


@pytest.mark.parametrize(("n", "text"), [(1, "1 wizyta"), (2, "2 wizyty"), (5, "5 wizyt"),
                                         (12, "12 wizyt"), (22, "22 wizyty"), (25, "25 wizyt")])
def test_polish_plural_of_visits(n, text):
    assert _visits(n, "pl") == text


# RODO: export, pseudonymise, erase -----------------------------------------------------------
def _aggregates(store: HistoryStore) -> list[tuple]:
    out = []
    for info in store.rounds():
        res = store.load(info.id).result
        out.append((info.id, info.visits, info.minutes, len(res.unmet), len(res.referrals),
                    len(res.covered), len({(a.need, a.date) for a in res.assignments})))
    return out


def test_export_person_holds_every_record_on_a_helper(tmp_path, rounds):
    hid = "h-00002"
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        out = store.export_person(hid)
        json.dumps(out)  # JSON-able
        assert out["person"] == hid
        by_round = {r["round"]: r for r in out["rounds"]}
        for rid, inst, res in rounds:
            if hid not in {h.id for h in inst.helpers}:
                continue
            rec = by_round[rid]
            assert rec["helper"]["id"] == hid
            assert len(rec["assignments"]) == sum(a.helper == hid for a in res.assignments)
            mentioned = sum(hid in r.vetoes | r.previous_helpers | r.accepted_neighbours
                            for r in inst.residents)
            assert sum(".residents[" in m for m in rec["mentions"]) == mentioned
        assert store.export_person("nobody-here") == {
            "person": "nobody-here", "kinds": ["helper", "resident"], "rounds": []}


def test_export_person_for_a_resident(tmp_path, rounds):
    _, inst, res = rounds[0]
    rid = next(inst.need(a.need).resident for a in res.assignments
               if inst.need(a.need).resident)
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        rec = store.export_person(rid, kind="resident")["rounds"][0]
    assert rec["resident"]["id"] == rid
    assert rec["helper"] is None
    assert {n["id"] for n in rec["needs"]} == {n.id for n in inst.needs if n.resident == rid}
    own = {n.id for n in inst.needs if n.resident == rid}
    assert len(rec["assignments"]) == sum(a.need in own for a in res.assignments)
    assert len(rec["unmet"]) == sum(u.need in own for u in res.unmet)


def test_pseudonymise_helper_everywhere_keeps_aggregates_and_plans_valid(tmp_path, rounds):
    hid = "h-00002"
    path = tmp_path / "h.sqlite"
    with _fill(path, rounds) as store:
        before = _aggregates(store)
        mentioned = [r["round"] for r in store.export_person(hid)["rounds"]]
        hours = {s.helper: s.minutes for s in store.hours_served()}
        report = store.erase_person(hid)
        assert report.mode == "pseudonymise"
        assert report.replacement.startswith("anon-")
        assert list(report.rounds) == mentioned
        assert len(mentioned) >= 2
        assert _aggregates(store) == before
        assert store.export_person(hid)["rounds"] == []
        # One pseudonym across rounds: continuity and load stay linked.
        assert [r["round"] for r in store.export_person(report.replacement)["rounds"]] == \
            mentioned
        after = {s.helper: s.minutes for s in store.hours_served()}
        assert after.get(report.replacement, 0) == hours.get(hid, 0)
        for info in store.rounds():
            back = store.load(info.id)
            assert check(back.instance, back.result) == []
            assert all(h.name == "" for h in back.instance.helpers
                       if h.id == report.replacement)
        with pytest.raises(RecordNotFoundError, match="no stored round mentions"):
            store.erase_person(hid)
    assert b'"h-00002"' not in _files(path)


def test_erase_resident_unlinks_rounds_and_leaves_no_trace_in_the_file(tmp_path, rounds):
    rid = "r-00001"
    path = tmp_path / "h.sqlite"
    with _fill(path, rounds) as store:
        before = _aggregates(store)
        assert b'"r-00001"' in _files(path)
        report = store.erase_person(rid, "erase", kind="resident")
        assert report.replacement is None
        assert len(report.rounds) == 3
        assert _aggregates(store) == before
        tokens = set()
        for info in store.rounds():
            inst = store.load(info.id).instance
            erased = [r for r in inst.residents if r.id.startswith("erased-")]
            assert len(erased) == 1
            assert not erased[0].vetoes
            assert not erased[0].previous_helpers
            assert not erased[0].languages
            tokens.add(erased[0].id)
        assert len(tokens) == 3  # a different placeholder per round: not linkable
        assert store.conn.execute("SELECT mode, rounds FROM erasures").fetchall() == [
            ("erase", 3)]
    assert b'"r-00001"' not in _files(path)


def test_erase_helper_empties_personal_fields(tmp_path, rounds):
    hid = "h-00001"
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        name = rounds[0][1].helper(hid).name
        assert name
        store.erase_person(hid, "erase", kind="helper")
        inst = store.load(rounds[0][0]).instance
        (gone,) = [h for h in inst.helpers if h.id.startswith("erased-")]
        assert gone.name == ""
        assert gone.credentials.krk_presented_on is None
        assert not gone.skills
        assert not gone.unavailable
        assert not gone.family_of
        assert name not in store.conn.execute("SELECT instance_json FROM rounds").fetchone()[0]


def test_same_id_for_a_helper_and_a_resident_needs_a_kind(tmp_path):
    inst = instance([helper("x"), helper("h2")], [need("n1", resident="x")],
                    residents=[Resident("x", home="a"), Resident("r2", home="b")])
    res = solve(inst, method="greedy")
    with HistoryStore(tmp_path / "h.sqlite") as store:
        store.save("w", inst, res)
        with pytest.raises(StoreError, match="kind='helper' or kind='resident'"):
            store.erase_person("x")
        report = store.erase_person("x", kind="resident")
        back = store.load("w").instance
        assert "x" in {h.id for h in back.helpers}
        assert "x" not in {r.id for r in back.residents}
        assert back.needs[0].resident == report.replacement
        with pytest.raises(InvalidOptionError, match="mode"):
            store.erase_person("x", "forget")


@settings(max_examples=20)
@given(instances(max_helpers=4, max_needs=6), st.data())
def test_erasure_renames_only_people_and_keeps_every_plan_valid(inst, data):
    # Random ids may coincide across kinds (a need called like a helper): only the person's
    # positions may change, and the re-verified plan must stay valid.
    res = solve(inst, method="greedy")
    kind = data.draw(st.sampled_from(["helper", "resident"]))
    people = [h.id for h in inst.helpers] if kind == "helper" else [r.id for r in inst.residents]
    if not people:
        return
    person = data.draw(st.sampled_from(sorted(people)))
    mode = data.draw(st.sampled_from(["pseudonymise", "erase"]))
    with HistoryStore(":memory:") as store:
        store.save("w", inst, res)
        report = store.erase_person(person, mode, kind=kind)
        back = store.load("w")
        assert store.export_person(person, kind=kind)["rounds"] == []
    assert [a.minutes for a in back.result.assignments] == [a.minutes for a in res.assignments]
    assert [(a.need, a.date) for a in back.result.assignments] == [
        (a.need, a.date) for a in res.assignments]
    assert [(u.need, u.date) for u in back.result.unmet] == [(u.need, u.date) for u in res.unmet]
    assert [n.id for n in back.instance.needs] == [n.id for n in inst.needs]
    assert [p.id for p in back.instance.places] == [p.id for p in inst.places]
    other = "resident" if kind == "helper" else "helper"
    assert [x.id for x in getattr(back.instance, other + "s")] == [
        x.id for x in getattr(inst, other + "s")]
    if mode == "pseudonymise":
        assert check(back.instance, back.result) == check(inst, res)
        assert report.replacement in {x.id for x in getattr(back.instance, kind + "s")}


def test_failed_erasure_changes_nothing(tmp_path, rounds, monkeypatch):
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        texts = store.conn.execute("SELECT id, instance_json, result_json FROM rounds "
                                   "ORDER BY id").fetchall()
        calls = []
        original = index_mod.insert_visits

        def fail_on_second(conn, round_id, rows):
            calls.append(round_id)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            original(conn, round_id, rows)

        monkeypatch.setattr(index_mod, "insert_visits", fail_on_second)
        with pytest.raises(RuntimeError, match="disk full"):
            store.erase_person("h-00002")
        monkeypatch.undo()
        assert store.conn.execute("SELECT id, instance_json, result_json FROM rounds "
                                  "ORDER BY id").fetchall() == texts
        assert len(store.export_person("h-00002")["rounds"]) >= 2
        assert store.conn.execute("SELECT count(*) FROM erasures").fetchone()[0] == 0


# Retention -----------------------------------------------------------------------------------
def test_purge_and_retention_days(tmp_path, rounds):
    path = tmp_path / "h.sqlite"
    with _fill(path, rounds) as store:
        assert store.retention_days is None
        assert store.apply_retention(today="2030-01-01") == []
        assert store.purge_older_than("2026-03-09") == [rounds[0][0]]
        assert [r.id for r in store.rounds()] == [r[0] for r in rounds[1:]]
        store.set_retention_days(7)
        with pytest.raises(InvalidOptionError, match="retention_days"):
            store.set_retention_days(0)
    with HistoryStore(path) as store:
        assert store.retention_days == 7
        # The week ending 15 March is older than 7 days on 23 March; the next is not.
        assert store.apply_retention(today=date(2026, 3, 23)) == [rounds[1][0]]
        assert [r.id for r in store.rounds()] == [rounds[2][0]]
        assert store.conn.execute("SELECT count(*) FROM visits WHERE round_id != ?",
                                  (rounds[2][0],)).fetchone()[0] == 0
        store.set_retention_days(None)
        assert store.retention_days is None
    assert b"2026-w10" not in _files(path)


# Robustness ----------------------------------------------------------------------------------
def test_a_failure_in_the_middle_of_a_save_leaves_the_previous_state(tmp_path, rounds,
                                                                     monkeypatch):
    rid, inst, res = rounds[0]
    with HistoryStore(tmp_path / "h.sqlite") as store:
        store.save(rid, inst, attrs.evolve(res, assignments=res.assignments[:2]))
        before = store.rounds(), store.load(rid)

        def half_then_fail(conn, round_id, rows):
            conn.execute("INSERT INTO visits VALUES (?, 0, 'n', NULL, 'h', 'c', 'd', 1)",
                         (round_id,))
            raise OSError("power cut")

        monkeypatch.setattr(index_mod, "insert_visits", half_then_fail)
        with pytest.raises(OSError, match="power cut"):
            store.save("another", *rounds[1][1:])
        with pytest.raises(OSError, match="power cut"):
            store.save(rid, inst, res, replace=True)  # deletes the old proposal first
        monkeypatch.undo()
        assert (store.rounds(), store.load(rid)) == before
        assert store.conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 2


def _save_many(path: str, worker: int, n: int, start: object) -> None:
    inst = generate("tiny", seed=worker)
    res = solve(inst, method="greedy")
    with HistoryStore(path, busy_timeout=30) as store:
        start.wait(30)  # type: ignore[attr-defined]  # both write at the same moment
        for k in range(n):
            store.save(f"p{worker}-{k:02d}", inst, res)
            if k % 2:
                store.approve(f"p{worker}-{k:02d}", by=f"worker {worker}", at=T)


@pytest.mark.slow
def test_two_processes_saving_at_once_do_not_corrupt_the_file(tmp_path):
    path = tmp_path / "shared.sqlite"
    HistoryStore(path).close()
    ctx = multiprocessing.get_context("spawn")  # fork is unsafe once OR-Tools threads exist
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_save_many, args=(str(path), w, 12, start)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with HistoryStore(path) as store:
        infos = store.rounds()
        assert len(infos) == 24
        assert sum(i.approved for i in infos) == 12
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for i in infos:
            assert store.load(i.id).result.assignments == solve(
                generate("tiny", seed=int(i.id[1])), method="greedy").assignments


def test_busy_store_raises_a_clear_error(tmp_path, rounds):
    path = tmp_path / "h.sqlite"
    HistoryStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with HistoryStore(path, busy_timeout=0.2) as store, \
                pytest.raises(StoreError, match="is busy"):
            store.save(*rounds[0])
    finally:
        other.execute("ROLLBACK")
        other.close()


def _not_a_store(tmp_path: Path) -> Path:
    p = tmp_path / "other.sqlite"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE clients (name TEXT)")
    conn.execute("INSERT INTO clients VALUES ('Jan')")
    conn.commit()
    conn.close()
    return p


def _newer(tmp_path: Path) -> Path:
    p = tmp_path / "newer.sqlite"
    HistoryStore(p).close()
    conn = sqlite3.connect(p)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    return p


def _damaged(tmp_path: Path, rounds) -> Path:
    p = tmp_path / "damaged.sqlite"
    with HistoryStore(p) as store:
        for rid, inst, res in rounds:
            store.save(rid, inst, res)
    data = bytearray(p.read_bytes())
    assert len(data) > 8 * 4096
    data[2 * 4096: 6 * 4096] = b"\xa5" * (4 * 4096)  # garbage over b-tree pages
    p.write_bytes(bytes(data))
    return p


def _truncated(tmp_path: Path, rounds) -> Path:
    p = tmp_path / "truncated.sqlite"
    with HistoryStore(p) as store:
        for rid, inst, res in rounds:
            store.save(rid, inst, res)
    p.write_bytes(p.read_bytes()[: 3 * 4096 + 100])
    return p


@pytest.mark.parametrize(("make", "message"), [
    (lambda t, r: (t / "notes.txt", (t / "notes.txt").write_text("shopping: milk"))[0],
     "not an SQLite database"),
    (lambda t, r: (t / "noise.bin", (t / "noise.bin").write_bytes(bytes(range(256)) * 64))[0],
     "not an SQLite database"),
    (lambda t, r: _not_a_store(t), "not a cus_match history store"),
    (lambda t, r: _newer(t), "newer cus_match"),
    (_damaged, "damaged"),
    (_truncated, "damaged"),
])
def test_foreign_newer_or_damaged_files_are_refused_and_left_unchanged(tmp_path, rounds, make,
                                                                       message):
    path = make(tmp_path, rounds)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message) as info:
        HistoryStore(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, CusMatchError)
    assert path.read_bytes() == before


def test_missing_directory_and_create_false(tmp_path):
    with pytest.raises(StoreError, match="no such history store"):
        HistoryStore(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
    with pytest.raises(StoreError, match="is a directory"):
        HistoryStore(tmp_path)
    store = HistoryStore(tmp_path / "x.sqlite")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.rounds()


# Schema versions and migrations --------------------------------------------------------------
def _header(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA application_id").fetchone()[0],
                conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_an_empty_file_is_initialised_to_the_current_schema(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with HistoryStore(path) as store:
        assert store.rounds() == []
        meta = dict(store.conn.execute("SELECT key, value FROM meta"))
        assert meta["application"] == schema_mod.APPLICATION_NAME
    assert _header(path) == (schema_mod.APPLICATION_ID, SCHEMA_VERSION)


def test_a_version_0_store_is_migrated(tmp_path):
    path = tmp_path / "v0.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {schema_mod.APPLICATION_ID}")
    conn.close()
    assert _header(path) == (schema_mod.APPLICATION_ID, 0)
    with HistoryStore(path) as store:
        assert store.rounds() == []
    assert _header(path) == (schema_mod.APPLICATION_ID, SCHEMA_VERSION)


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE rounds ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE rounds SET note = 'from v1'")


def test_an_older_store_is_migrated_keeping_its_rounds(tmp_path, rounds, monkeypatch):
    path = tmp_path / "v1.sqlite"
    with HistoryStore(path) as store:
        store.save(*rounds[0])
    monkeypatch.setattr(schema_mod, "MIGRATIONS", (*schema_mod.MIGRATIONS,
                                                  schema_mod.Migration(2, "round notes", _v2)))
    with HistoryStore(path) as store:
        assert store.load(rounds[0][0]).result == rounds[0][2]
        assert store.conn.execute("SELECT note FROM rounds").fetchall() == [("from v1",)]
    assert _header(path) == (schema_mod.APPLICATION_ID, 2)
    monkeypatch.undo()
    # This version cannot read what the "next" version wrote.
    with pytest.raises(StoreError, match="newer"):
        HistoryStore(path)


def test_a_failing_migration_leaves_the_store_at_its_old_version(tmp_path, rounds,
                                                                 monkeypatch):
    path = tmp_path / "v1.sqlite"
    with HistoryStore(path) as store:
        store.save(*rounds[0])

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("ALTER TABLE no_such_table ADD COLUMN y")

    monkeypatch.setattr(schema_mod, "MIGRATIONS", (*schema_mod.MIGRATIONS,
                                                  schema_mod.Migration(2, "broken", broken)))
    with pytest.raises(StoreError, match="no_such_table"):
        HistoryStore(path)
    monkeypatch.undo()
    assert _header(path) == (schema_mod.APPLICATION_ID, 1)
    with HistoryStore(path) as store:
        assert [r.id for r in store.rounds()] == [rounds[0][0]]
        assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                                  "'half_done'").fetchone()[0] == 0


def test_migrations_must_be_in_order():
    def noop(_c: sqlite3.Connection) -> None:
        return None

    conn = sqlite3.connect(":memory:")
    with pytest.raises(RuntimeError, match="out of order"):
        schema_mod.apply_migrations(conn, 0, [schema_mod.Migration(2, "skips v1", noop)])


# Command line --------------------------------------------------------------------------------
def _cli():
    import argparse

    from cus_match.cli.history import register

    parser = argparse.ArgumentParser(prog="cus-match")
    parser.add_argument("--lang", choices=["en", "pl"], default="en")
    handlers = register(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(list(argv))
        return handlers[args.command](args)

    return run


def test_history_and_certificate_commands(tmp_path, rounds, capsys):
    from cus_match.io.json_format import dump_instance, dump_result

    run = _cli()
    store = str(tmp_path / "h.sqlite")
    for rid, inst, res in rounds[:2]:
        dump_instance(inst, tmp_path / f"{rid}.json")
        dump_result(res, tmp_path / f"{rid}.plan.json")
        assert run("history", store, "save", rid, str(tmp_path / f"{rid}.json"),
                   str(tmp_path / f"{rid}.plan.json")) == 0
    assert run("history", store, "approve", rounds[0][0], "--by", "Anna K.", "--at", T) == 0
    capsys.readouterr()
    assert run("history", store, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [r[0] for r in rounds[:2]]
    assert "approved by Anna K." in lines[0]
    assert "proposal" in lines[1]

    run("history", store, "pairs")
    pairs = capsys.readouterr().out.splitlines()
    assert len(pairs) == len(_pairs(*rounds[0][1:]))
    run("history", store, "pairs", "--include-proposals", "--last", "1")
    assert len(capsys.readouterr().out.splitlines()) == len(_pairs(*rounds[1][1:]))
    run("history", store, "load")
    assert len(capsys.readouterr().out.splitlines()) == len(_minutes_by_helper(rounds[0][2]))
    run("history", store, "hours", "--from", "2026-03-01", "--to", "2026-03-31")
    assert len(capsys.readouterr().out.splitlines()) == len(_minutes_by_helper(rounds[0][2]))

    hid = _volunteer_with_visits(rounds[0][1], rounds[0][2])
    out = tmp_path / "cert.html"
    assert run("--lang", "pl", "certificate", store, hid, "--organisation", "CUS w Bukowsku",
               "--from", "2026-03-01", "--to", "2026-03-31", "--name", "Anna Nowak",
               "--format", "html", "-o", str(out)) == 0
    html = out.read_text(encoding="utf-8")
    assert "Anna Nowak" in html
    assert "ZAŚWIADCZENIE" in html
    run("certificate", store, hid, "--organisation", "CUS", "--from", "2026-03-01", "--to",
        "2026-03-31", "--no-hours", "--language", "en")
    text = capsys.readouterr().out
    assert "CERTIFICATE" in text
    assert "hour" not in text

    run("history", store, "export", "h-00002", "-o", str(tmp_path / "export.json"))
    exported = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert exported["person"] == "h-00002"
    assert exported["rounds"]
    run("history", store, "erase", "h-00002", "--yes")
    assert "pseudonym anon-" in capsys.readouterr().out
    run("history", store, "retention", "7")
    assert "7 days" in capsys.readouterr().out
    run("history", store, "purge", "--retention", "--today", "2026-03-17")
    assert capsys.readouterr().out.strip() == f"deleted 1 round: {rounds[0][0]}"
    run("history", store, "show", rounds[1][0], "--result-out", str(tmp_path / "back.json"))
    assert "Plan:" in capsys.readouterr().out
    assert (tmp_path / "back.json").exists()


def test_commands_refuse_bad_input(tmp_path):
    run = _cli()
    with pytest.raises(StoreError, match="no such history store"):
        run("history", str(tmp_path / "typo.sqlite"), "list")
    assert not (tmp_path / "typo.sqlite").exists()
    HistoryStore(tmp_path / "h.sqlite").close()
    with pytest.raises(InvalidOptionError, match="give both --from and --to"):
        run("history", str(tmp_path / "h.sqlite"), "hours", "--from", "2026-03-01")
    with pytest.raises(InvalidOptionError, match="'forever' is not a number"):
        run("history", str(tmp_path / "h.sqlite"), "retention", "forever")
    with pytest.raises(SystemExit):
        run("history", str(tmp_path / "h.sqlite"), "erase", "h1")  # --yes is required


# --- names (issue 13) ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1250", "utf-8", "utf-8-sig"])
def test_names_file_is_read_like_the_sheets(tmp_path, encoding):
    from cus_match.store.people import read_names

    p = tmp_path / "imiona.csv"
    p.write_bytes("id;imię i nazwisko\r\nr-001;Józef Łęcki\r\nr-002;Zoë Żak\r\n".encode(
        encoding))
    assert read_names(p) == {"r-001": "Józef Łęcki", "r-002": "Zoë Żak"}


def test_names_file_problems_are_all_told_with_their_lines(tmp_path):
    from cus_match.errors import InvalidInputError
    from cus_match.store.people import read_names

    inst = generate_tiny()
    rid = inst.residents[0].id
    p = tmp_path / "imiona.csv"
    p.write_bytes(f"{rid};Jan\n{rid};Ewa\nbad id;X\nr-003;\nr-009;Olga\n".encode("cp1250"))
    with pytest.raises(InvalidInputError) as e:
        read_names(p, instance=inst)
    assert [q.path for q in e.value.problems] == ["line 2.id", "line 3.id", "line 4.name",
                                                 "r-009"]
    p.write_bytes(b"\xff\xfe" + "r-001;Jan".encode("utf-16-le"))
    with pytest.raises(InvalidInputError, match="not UTF-8 or Windows-1250 text"):
        read_names(p)


def generate_tiny():
    from cus_match.generate import generate

    return generate("tiny", seed=1)


def test_hours_and_certificates_carry_the_stored_names(tmp_path, rounds):
    _, inst, res = rounds[0]
    hid = _volunteer_with_visits(inst, res)
    month = DateRange("2026-03-01", "2026-03-31")
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        served = {s.helper: s.name for s in store.hours_served(month)}
        assert served[hid] == inst.helper(hid).name
        assert store.helper_names(month) == {h.id: h.name for h in inst.helpers if h.name}
    nameless = attrs.evolve(inst, helpers=[attrs.evolve(h, name="") for h in inst.helpers])
    with HistoryStore(tmp_path / "h2.sqlite") as other:
        from cus_match.io.json_format import instance_digest

        other.save("nameless", nameless, attrs.evolve(res, instance_digest=instance_digest(
            nameless)), approved_by="k", approved_at=T)
        cert = other.certificate(hid, organisation="CUS", period=month, issued_on="2026-04-01")
        text = " ".join(cert.text("pl").split())
        assert f"Świadczenia wykonane przez: osoba o identyfikatorze {hid}. Zakres" in text
        assert f"Services performed by: the volunteer with identifier {hid}. Scope" in " ".join(
            cert.text("en").split())


def test_cli_dates_are_polish_or_iso(tmp_path, rounds, capsys):
    from cus_match.io.json_format import dump_instance, dump_result

    run = _cli()
    rid, inst, res = rounds[0]
    dump_instance(inst, tmp_path / "i.json")
    dump_result(res, tmp_path / "r.json")
    store = str(tmp_path / "h.sqlite")
    assert run("history", store, "save", rid, str(tmp_path / "i.json"), str(tmp_path / "r.json"),
               "--approved-by", "k", "--approved-at", T) == 0
    capsys.readouterr()
    assert run("history", store, "hours", "--from", "01.03.2026", "--to", "31.03.2026") == 0
    polish = capsys.readouterr().out
    assert run("history", store, "hours", "--from", "2026-03-01", "--to", "2026-03-31") == 0
    assert capsys.readouterr().out == polish != ""
    with pytest.raises(SystemExit):
        run("history", store, "hours", "--from", "31.02.2026", "--to", "31.03.2026")
    assert "'31.02.2026' is not a date in the calendar" in capsys.readouterr().err
# Overlapping approvals, names, Polish (issue 13, item 7) ------------------------------------

def test_overlaps_name_approved_rounds_sharing_dates_in_approval_order(tmp_path, rounds):
    rid, inst, res = rounds[0]
    with _fill(tmp_path / "h.sqlite", rounds) as store:
        assert store.overlaps() == []  # consecutive weeks: no date twice
        store.save("w10-again", inst, res)
        assert store.overlaps() == []  # a proposal counts nothing
        store.approve("w10-again", by="B", at="2026-03-01T09:00:00+01:00")  # approved first
        [o] = store.overlaps()
        assert (o.earlier, o.later) == ("w10-again", rid)
        assert o.period == inst.policy.period


def test_history_warns_of_overlaps_and_speaks_polish(tmp_path, rounds, capsys):
    from cus_match.cli.main import main
    from cus_match.io.json_format import dump_instance, dump_result

    _rid, inst, res = rounds[0]
    dump_instance(inst, tmp_path / "i.json")
    dump_result(res, tmp_path / "p.json")
    store = str(tmp_path / "h.sqlite")
    for name, at in (("w10", "2026-03-01T09:00:00+01:00"), ("w10-bis", T)):
        assert main(["history", store, "save", name, str(tmp_path / "i.json"),
                     str(tmp_path / "p.json"), "--approved-by", "Anna K.", "--approved-at", at,
                     "--lang", "pl"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("zapisano rundę w10-bis: ")
    assert err.strip() == ("uwaga: zatwierdzone rundy w10 i w10-bis obejmują te same dni "
                           "(02.03.2026–08.03.2026); godziny z tych dni liczą się raz, według "
                           "późniejszego zatwierdzenia (w10-bis)")
    assert main(["--lang", "pl", "history", store, "list"]) == 0
    out, err = capsys.readouterr()
    # Warsaw time (18:00+01:00 is 17:00 UTC), Polish dates, counted nouns.
    assert "\t02.03.2026–08.03.2026\t" in out
    assert "zatwierdzenie: Anna K., 20.03.2026 18:00" in out
    assert "UTC" not in out
    assert "uwaga: zatwierdzone rundy w10 i w10-bis" in err
    assert main(["history", store, "list"]) == 0
    assert "approved by Anna K., 2026-03-20 18:00" in capsys.readouterr().out


def test_hours_show_names_from_a_names_file(tmp_path, rounds, capsys):
    from cus_match.cli.main import main

    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        served = store.hours_served()
    first, second = served[0].helper, served[1].helper
    names = tmp_path / "imiona.csv"
    names.write_text(f"id;name\n{first};Anna Nowak\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "pl", "history", str(tmp_path / "h.sqlite"), "hours", "--names",
                 str(names)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Anna Nowak ({first})\t")
    assert lines[1].startswith(f"{second}\t")  # no name given: the id alone
    from cus_match.lang import count, number

    visits = count(served[0].visits, "pl", "wizyta", "wizyty", "wizyt")
    hours = number(served[0].minutes / 60, "pl", 2, fixed=True)
    assert f"\t{visits}\t{hours} h\t" in lines[0]


def test_a_plan_of_another_instance_is_not_saved(tmp_path, rounds):
    (_, a, plan_a), (_, b, _) = rounds[0], rounds[1]
    with HistoryStore(tmp_path / "h.sqlite") as store:
        with pytest.raises(InvalidInputError, match="is a plan for another instance") as info:
            store.save("w", b, plan_a)
        assert info.value.problems[0].text("pl").startswith("runda 'w': wynik to plan dla")
        assert store.rounds() == []
        store.save("w", a, attrs.evolve(plan_a, instance_digest=None))  # an old result: kept


def test_erasure_keeps_the_plan_naming_its_rewritten_instance(tmp_path, rounds):
    from cus_match.io.json_format import instance_digest

    rid, _inst, res = rounds[0]
    with _fill(tmp_path / "h.sqlite", rounds[:1]) as store:
        old = store.load(rid).result.instance_digest
        store.erase_person(res.assignments[0].helper, "erase")
        back = store.load(rid)
    assert back.result.instance_digest == instance_digest(back.instance) != old
