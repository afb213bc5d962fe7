from __future__ import annotations

import attrs
import pytest

from builders import helper, instance, need
from cus_match.analysis.explain import NotChosen, Outcome, explain
from cus_match.cli.main import main
from cus_match.compat import build_compat
from cus_match.errors import InvalidOptionError
from cus_match.io.json_format import dump_instance, dump_result
from cus_match.model import (
    Agreement,
    Credentials,
    FormalService,
    Recurrence,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import NearMiss, ReasonCount, Unmet
from cus_match.reasons import Reason

TUE_ALL = [WeeklyWindow("tue", "08:00", "20:00")]


def _solved(inst):
    result = solve(inst, method="greedy")
    assert check(inst, result) == []
    return result


# A planned need: why this helper, and the others -----------------------------------------------

@pytest.fixture(scope="module")
def planned():
    """n1 (r1 at "a", Tue 09:00-12:00, 60 min) and four other eligible helpers, each kept off
    it for a different reason."""
    inst = instance(
        [helper("h1", name="Anna", availability=TUE_ALL),  # local: chosen
         helper("h2", home="b", name="Bartek", availability=TUE_ALL),  # farther: worse score
         helper("h3", name="Celina", availability=TUE_ALL, weekly_hours_cap=1,
                skills=["x"]),  # takes n0 and so uses up its hour
         helper("h4", home="b", name="Dorota",
                availability=[WeeklyWindow("tue", "11:00", "12:00")]),  # not there at 09:00
         helper("h5", home="b", name="Edward", availability=[WeeklyWindow("tue", "09:00",
                                                                           "10:00")],
                skills=["y"])],  # busy with n5 at 09:00
        [need("n1"),
         need("n0", resident="r2", priority=3, required_skills=["x"],
              windows=[TimeWindow("13:00", "15:00")]),
         need("n5", resident="r2", priority=2, required_skills=["y"],
              windows=[TimeWindow("09:00", "10:00")])],
    )
    result = _solved(inst)
    got = {a.need: a.helper for a in result.assignments}
    assert got == {"n1": "h1", "n0": "h3", "n5": "h5"}
    return inst, result


def test_planned_need_names_the_terms_and_why_not_the_others(planned):
    inst, result = planned
    e = explain(inst, result, "n1", lang="en")
    assert e.kind == "need"
    (v,) = e.visits
    assert v.outcome is Outcome.PLANNED
    (c,) = v.chosen
    assert (c.helper, c.locality, c.continuity) == ("h1", True, False)
    assert v.priority == 1
    why = {a.terms.helper: a.why for a in v.alternatives}
    assert why == {"h2": NotChosen.WORSE_SCORE, "h3": NotChosen.HOURS_CAP,
                   "h4": NotChosen.UNAVAILABLE, "h5": NotChosen.BUSY}
    assert all(a.terms.score < c.score for a in v.alternatives if a.terms.helper == "h2")
    assert "Tue 24.03 09:00-10:00: Anna (h1)." in e.text
    assert "lives in the same place" in e.text
    assert "Bartek (h2) — free then, but a worse score" in e.text
    assert "Celina (h3) — the visit would exceed their weekly hours" in e.text
    assert "Dorota (h4) — not available at that time" in e.text
    assert "Edward (h5) — busy with another visit" in e.text


def test_planned_need_in_polish(planned):
    inst, result = planned
    text = explain(inst, result, "n1", lang="pl").text
    assert "wt 24.03 09:00-10:00: Anna (h1)." in text
    assert "mieszka w tej samej miejscowości" in text
    assert "Bartek (h2) — ma wtedy czas, ale niższą ocenę" in text
    assert "Celina (h3) — wizyta przekroczyłaby tygodniowy limit godzin" in text
    assert "Edward (h5) — w tym czasie ma inną wizytę lub dojazd" in text


def test_planned_need_with_a_team_and_no_alternative():
    inst = instance([helper("h1"), helper("h2")], [need("n1", helpers_needed=2)])
    result = _solved(inst)
    (v,) = explain(inst, result, "n1").visits
    assert sorted(c.helper for c in v.chosen) == ["h1", "h2"]
    assert v.alternatives == ()
    assert "No other helper was eligible." in explain(inst, result, "n1").text
    assert "Nikt inny nie spełniał warunków." in explain(inst, result, "n1", "pl").text


# An unmet need: reasons and near misses --------------------------------------------------------

@pytest.fixture(scope="module")
def unmet():
    no_checks = Credentials(bhp_briefed_on="2026-01-10", nnw_valid_to="2026-12-31")
    shop_only = Agreement("2026-01-01", written=True, categories=["shopping"])
    helpers = [helper("h12", name="Anna", credentials=no_checks)]
    # 21 helpers whose agreement does not cover homework help (ids after h12: Anna is the
    # nearest near miss on the tie of travel).
    helpers += [helper(f"x{i:02d}", agreement=shop_only) for i in range(21)]
    inst = instance(helpers, [need("n1", category="homework_help")])
    return inst, _solved(inst)


def test_unmet_need_counts_reasons_and_names_the_near_miss(unmet):
    inst, result = unmet
    e = explain(inst, result, "n1", lang="en")
    (v,) = e.visits
    assert v.outcome is Outcome.UNMET
    counts = {rc.reason: rc.helpers for rc in v.reasons}
    assert counts == {Reason.CHILD_PROTECTION: 1, Reason.AGREEMENT_CATEGORY: 21}
    assert v.near_misses == (NearMiss("h12", Reason.CHILD_PROTECTION),
                             NearMiss("x00", Reason.AGREEMENT_CATEGORY),
                             NearMiss("x01", Reason.AGREEMENT_CATEGORY))
    assert ("Anna (h12) would fit, but for one thing: lacks the child-protection checks"
            in e.text)
    assert "1 helper: lacks the child-protection checks" in e.text
    assert "21 helpers: the agreement does not cover this kind of help" in e.text


def test_unmet_need_in_polish_with_plural_forms(unmet):
    inst, result = unmet
    text = explain(inst, result, "n1", lang="pl").text
    assert ("Anna (h12) spełnia wszystkie warunki poza jednym: brak sprawdzenia w RSPS"
            in text)
    assert "1 osoba pomagająca: brak sprawdzenia w RSPS" in text
    assert "21 osób pomagających: porozumienie nie obejmuje tego rodzaju pomocy" in text


@pytest.mark.parametrize(("n", "phrase"), [
    (1, "1 osoba pomagająca:"), (2, "2 osoby pomagające:"), (5, "5 osób pomagających:"),
    (12, "12 osób pomagających:"), (14, "14 osób pomagających:"), (24, "24 osoby pomagające:"),
])
def test_counts_of_helpers_take_the_polish_form(unmet, n, phrase):
    inst, result = unmet
    u = result.unmet[0]
    forged = attrs.evolve(result, unmet=(Unmet(u.need, u.date,
                                               (ReasonCount(Reason.TOO_FAR, n),)),))
    text = explain(inst, forged, "n1", lang="pl").text
    assert f"{phrase} za daleko" in text
    en = explain(inst, forged, "n1", lang="en").text
    assert f"{n} helper{'' if n == 1 else 's'}: too far" in en


# Referrals and formal services -----------------------------------------------------------------

def test_referral_says_why_formal_services():
    inst = instance([helper("h1")], [
        need("psy", category="psychotherapy"),
        need("legal", category="digital_help", required_qualifications=["lawyer"])])
    result = _solved(inst)
    e = explain(inst, result, "psy")
    (v,) = e.visits
    assert v.outcome is Outcome.REFERRED
    assert v.referral.reason is Reason.PROFESSIONAL_ONLY
    assert "Referred to formal services: only professionals may meet this need" in e.text
    assert "“Psychological support” is for professionals only" in e.text
    pl = explain(inst, result, "psy", lang="pl").text
    assert "Skierowana do usług formalnych" in pl
    assert "„Wsparcie psychologiczne” mogą świadczyć tylko profesjonaliści" in pl
    e = explain(inst, result, "legal", lang="en")
    assert e.visits[0].referral.reason is Reason.NO_QUALIFIED_HELPER
    assert "Required qualifications: lawyer; no helper who could be matched" in e.text


def test_visit_met_by_a_formal_service():
    svc = FormalService("care-1", provider="GOPS", category="personal_care",
                        recipients=["r1"], covers=["shopping"],
                        schedule=[WeeklyWindow("tue", "09:00", "10:00")])
    inst = instance([helper("h1")], [need("n1")], services=[svc])
    result = _solved(inst)
    e = explain(inst, result, "n1")
    assert [(v.outcome, v.service) for v in e.visits] == [(Outcome.COVERED, "care-1")]
    assert "met by the formal service GOPS (care-1)" in e.text
    assert "objęta usługą formalną GOPS (care-1)" in explain(inst, result, "n1", "pl").text


# A helper: visits, hours against the cap, why not more -----------------------------------------

@pytest.fixture(scope="module")
def capped():
    inst = instance(
        [helper("h1", name="Anna", weekly_hours_cap=1, skills=["x"]),
         helper("h2", name="Bartek", agreement=Agreement("2026-01-01", written=True,
                                                         categories=["walk"]))],
        [need("n1", required_skills=["x"], priority=2),
         need("n2", required_skills=["x"], recurrence=Recurrence.once("2026-03-25"))],
    )
    result = _solved(inst)
    assert [a.need for a in result.assignments] == ["n1"]
    assert [u.need for u in result.unmet] == ["n2"]
    return inst, result


def test_helper_hours_against_the_cap_and_why_not_more(capped):
    inst, result = capped
    e = explain(inst, result, "h1", lang="en")
    assert e.kind == "helper"
    assert [a.need for a in e.assignments] == ["n1"]
    (wk,) = e.weeks
    assert (wk.minutes, wk.cap_minutes) == (60, 60)
    (m,) = e.missed
    assert (m.need, m.reasons) == ("n2", (Reason.HOURS_CAP,))
    assert "Anna (h1): 1 visit, 1 hour." in e.text
    assert "1 h of the 1 h weekly cap, cap reached" in e.text
    assert "weekly hours already used up: 1 visit" in e.text
    pl = explain(inst, result, "h1", lang="pl").text
    assert "Anna (h1): 1 wizyta, 1 godzina." in pl
    assert "limit wyczerpany" in pl
    assert "tygodniowy limit godzin wyczerpany: 1 wizyta" in pl


def test_unused_helper_is_told_what_keeps_them_out(capped):
    inst, result = capped
    e = explain(inst, result, "h2", lang="pl")
    assert e.assignments == ()
    reasons = set(e.missed[0].reasons)
    assert {Reason.AGREEMENT_CATEGORY, Reason.SKILL} <= reasons
    assert "Bartek (h2): 0 wizyt, 0 godzin." in e.text
    assert "porozumienie nie obejmuje tego rodzaju pomocy: 1 wizyta" in e.text


def test_helper_who_could_still_take_an_unmet_visit(planned):
    inst, result = planned
    # Drop n1's assignment and call it unmet: h1 (and others) could take it.
    a = next(a for a in result.assignments if a.need == "n1")
    forged = attrs.evolve(
        result, assignments=tuple(x for x in result.assignments if x is not a),
        unmet=(Unmet("n1", a.date, (ReasonCount(Reason.NOT_ENOUGH_HELPERS, 1),)),))
    e = explain(inst, forged, "h1")
    assert e.missed[0].reasons == ()
    assert "Could still take (free then and eligible): n1 Tue 24.03" in e.text
    assert "Do przejęcia" in explain(inst, forged, "h1", "pl").text
    assert explain(inst, forged, "n1").visits[0].outcome is Outcome.UNMET


# Subjects and options --------------------------------------------------------------------------

def test_unknown_subject_lists_close_ids(unmet):
    inst, result = unmet
    with pytest.raises(InvalidOptionError) as e:
        explain(inst, result, "h13")
    msg = str(e.value)
    assert "'h13' is neither a need nor a helper id" in msg
    assert "h12 (helper)" in msg
    with pytest.raises(InvalidOptionError, match="close ids: none"):
        explain(inst, result, "zzzzzz")
    with pytest.raises(InvalidOptionError, match="lang"):
        explain(inst, result, "n1", lang="de")


def test_an_id_both_need_and_helper_needs_a_kind():
    inst = instance([helper("x1")], [need("x1")])
    result = _solved(inst)
    with pytest.raises(InvalidOptionError, match="both a need and a helper"):
        explain(inst, result, "x1")
    assert explain(inst, result, "x1", kind="helper").kind == "helper"
    assert explain(inst, result, "x1", kind="need").kind == "need"
    with pytest.raises(InvalidOptionError, match="neither"):
        explain(inst, result, "x2", kind="need")


def test_explanations_are_deterministic(planned):
    inst, result = planned
    assert explain(inst, result, "n1") == explain(inst, result, "n1")
    assert explain(inst, result, "n1", compat=build_compat(inst)) == explain(inst, result, "n1")
    assert explain(inst, result, "h3", "pl") == explain(inst, result, "h3", "pl")


def test_cli_explain(planned, tmp_path, capsys):
    inst, result = planned
    fi, fr = tmp_path / "g.json", tmp_path / "r.json"
    dump_instance(inst, fi)
    dump_result(result, fr)
    assert main(["explain", str(fi), str(fr), "n1", "--lang", "pl"]) == 0
    assert "Anna (h1)" in capsys.readouterr().out
    assert main(["explain", str(fi), str(fr), "n9"]) == 2
    assert "close ids: n0 (need), n1 (need), n5 (need)" in capsys.readouterr().err
