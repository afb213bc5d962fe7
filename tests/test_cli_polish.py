"""Polish all the way: every command run with ``--lang pl`` prints no stock English word.

Each command runs on the bundled demo and on a generated instance, its success and its error
paths; what it prints (standard output and error) is scanned for common English words, with
ids, file names, option names and the command names themselves taken out first. Also here: the
one-sentence refusals of a plan for another instance, the summaries of long problem lists, the
language taken from the locale, and counted nouns after every number from 0 to 112.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cus_match.cli.common import default_lang
from cus_match.cli.main import main
from cus_match.cli.words import MESSAGES, NOUNS, count, error_text, noun, say
from cus_match.generate import demo_instance, generate
from cus_match.io.json_format import (
    dump_instance,
    dump_result,
    dumps_result,
    instance_digest,
    load_result,
)
from cus_match.optimise.solve import solve

#: Common English words a Polish text must not hold (ids, file and command names excepted).
_STOCK = """
all hold holds valid saved round rounds approved approve rules rule violation violations optimal
feasible partial infeasible kept for ever unknown car foot bike bus the and of with from
is are was not no none error warning visits visit helper helpers need needs resident residents
place places hours hour formal services service met unmet proposal deleted written template
expected got must missing more problems files plan's plans assignments assignment
dropped pin changed baseline objective bound solution time seconds give pass use instead
another instance other only this that there these those again usage arguments required
invalid choice choose value values days day week weeks pseudonymised erased rewritten
"""
STOCK = frozenset(_STOCK.split())
#: "to", "by", "problem", "limit" and "argument" are Polish words too, so they are not listed.
#: Words that are Polish too, or names of things the coordinator types (rules, methods, modes
#: as options), which may appear as they are.
_ALLOWED = """
plan fifo greedy auto cpsat flow priority utilitarian equity repair stable nearest pl en csv xlsx
ics html json h min s off on
"""
ALLOWED = frozenset(_ALLOWED.split())
COMMANDS = ("demo", "generate", "validate", "schema", "template", "import", "solve", "check",
            "explain", "diagnose", "recommend", "compare", "batch", "report", "export", "history",
            "certificate", "list", "save", "show", "pairs", "load", "hours", "erase", "purge",
            "retention", "approve")

_DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+ ?(?:h|min|s|godz\w*)\b")
_WORD = re.compile(r"(?<![\w\-./'])[A-Za-z]+(?:'[a-z]+)?(?![\w\-/])")


def english_words(text: str, *paths: Path) -> set[str]:
    """The stock English words in ``text``, after the paths, ids and options are taken out."""
    for p in sorted({str(p) for p in paths}, key=len, reverse=True):
        text = text.replace(p, " ")
    text = re.sub(r"^użycie:.*\n(?:[ \t]+.*\n)*", " ", text, flags=re.MULTILINE)  # metavars
    text = re.sub(r"'[^'\n]*'", " ", text)            # quoted ids and values
    text = re.sub(r"--[a-z][a-z-]*", " ", text)       # option names
    text = re.sub(r"cus-match( [a-z-]+)*", " ", text)  # a command to run
    words = {w.lower() for w in _WORD.findall(text)}
    return (words & STOCK) - ALLOWED - set(COMMANDS)


def test_the_scan_finds_english_and_spares_ids_paths_and_options(tmp_path):
    assert english_words("plan.json: all constraints hold (1 assignments)") == {
        "all", "hold", "assignments"}
    assert english_words(f"{tmp_path}/rounds.json: poprawne — 'unknown' --time-limit n-00001"
                         " cus-match import car.xlsx", tmp_path) == set()
    assert english_words("[samochód 10 min] [car 10 min]") == {"car"}
    assert _DECIMAL_POINT.findall("1,5 h; 2.0 h; 3.25 godziny; pon 23.03 10:00") == [
        "2.0 h", "3.25 godziny"]
    assert english_words("użycie: cus-match solve [-h] [--rule RULE]\n      file\nbłąd") == set()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The demo and a generated instance, each with a plan, and a plan of another instance."""
    root = tmp_path_factory.mktemp("pl")
    out = {}
    for name, inst in (("demo", demo_instance()), ("tiny", generate("tiny", seed=1))):
        dump_instance(inst, root / f"{name}.json")
        plan = solve(inst, method="greedy")
        dump_result(plan, root / f"{name}-plan.json")
        out[name] = (inst, plan)
    other = generate("tiny", seed=2)
    dump_instance(other, root / "other.json")
    dump_result(solve(other, method="greedy"), root / "other-plan.json")
    return root, out


def _run(argv, capsys):
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as e:  # wrong usage, found by the parser
        code = e.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _need_file(path: Path, inst) -> Path:
    resident = inst.residents[0].id
    path.write_text(json.dumps({
        "id": "call-1", "category": inst.needs[0].category, "duration_minutes": 60,
        "resident": resident, "windows": [{"start": "09:00", "end": "17:00"}],
        "recurrence": {"kind": "once", "date": str(inst.policy.period.start)},
        "applied_on": str(inst.policy.period.start)}), encoding="utf-8")
    return path


def _runs(root: Path, name: str, inst, plan) -> list[tuple[list[str], tuple[int, ...]]]:
    """Every command on one instance: (argv, the exit codes it may end with)."""
    f, p, d = str(root / f"{name}.json"), str(root / f"{name}-plan.json"), root / name
    d.mkdir(exist_ok=True)
    store = str(d / "historia.sqlite")
    first = next(a for a in plan.assignments if inst.helper(a.helper).kind == "volunteer")
    helper, need = first.helper, first.need  # a volunteer: certificates are for volunteers
    names = d / "imiona.csv"
    names.write_text(f"id;name\n{helper};Олена Шевченко\n", encoding="utf-8")
    gminy, pusty, obce = d / "gminy", d / "pusty", d / "obce"
    for folder in (gminy, pusty, obce):
        folder.mkdir(exist_ok=True)
    (gminy / "gmina-a.json").write_bytes(Path(f).read_bytes())
    (obce / "wynik.json").write_bytes(Path(p).read_bytes())  # a plan, not an instance
    study = ["compare", "--profiles", "tiny", "--rules", "fifo", "--methods", "greedy",
             "--seeds", "1", "--work-limit", "0.1", "--no-plots"]
    ok, bad, usage = (0,), (1,), (2,)
    return [
        (["generate", "--profile", "tiny", "--seed", "3", "-o", str(d / "g.json")], ok),
        (["validate", f], ok),
        (["template", str(d / "szablon.xlsx")], ok),
        (["template", str(d / "szablon"), "--format", "csv"], ok),
        (["import", str(d / "szablon.xlsx"), "-o", str(d / "import.json")], ok + bad),
        (["solve", f, "-o", str(d / "plan2.json"), "--time-limit", "5", "--deterministic"],
         ok + bad),
        (["solve", f, "-o", str(d / "plan3.json"), "--pin", p, "--baseline", p,
          "--rule", "repair", "--time-limit", "5", "--quiet"], ok + bad),
        (["check", f, p], ok),
        (["explain", f, p, helper], ok),
        (["explain", f, p, need], ok),
        (["diagnose", f, p], ok),
        (["recommend", f, p, str(_need_file(d / "nowa.json", inst)), "--k", "2"], ok),
        (["report", f, p, "-o", str(d / "raport.html")], ok),
        (["export", f, p, "--xlsx", str(d / "plan.xlsx"), "--csv", str(d / "csv"),
          "--ics", str(d / "ics")], ok),
        (["history", store, "save", "w13", f, p], ok),
        (["history", store, "save", "w13b", f, p, "--approved-by", "J. Kowalska",
          "--approved-at", "2026-03-20T10:00:00+01:00"], ok),
        (["history", store, "approve", "w13", "--by", "A. Nowak"], ok),
        (["history", store, "list"], ok),
        (["history", store, "show", "w13"], ok),
        (["history", store, "pairs"], ok),
        (["history", store, "load"], ok),
        (["history", store, "hours", "--names", str(names)], ok),
        (["certificate", store, helper, "--organisation", "CUS w Bukowsku", "--from",
          str(inst.policy.period.start), "--to", str(inst.policy.period.end)], ok + bad),
        (["history", store, "retention"], ok),
        (["history", store, "retention", "30"], ok),
        (["history", store, "export", helper, "-o", str(d / "eksport.json")], ok),
        (["history", store, "erase", helper, "--yes"], ok),
        (["history", store, "purge", "--before", "2000-01-01"], ok),
        ([*study, "-o", str(d / "badanie")], ok),
        (["batch", str(gminy), "--methods", "greedy", "--work-limit", "0.1", "-o",
          str(d / "partia")], ok),
        # Error paths.
        (["check", f, str(root / "other-plan.json")], bad),
        (["check", p, p], bad),
        (["validate", str(d / "szablon.xlsx")], bad),
        (["validate", str(d / "no-such.json")], bad),
        (["solve", f, "-o", str(d / "x.json"), "--time-limit", "-1"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--work-limit", "0"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--rule", "nope"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--weights", "coverage=1,walking=2"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--weights", "travel=-1"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--pin", str(root / "other-plan.json")], bad),
        (["solve", f, "-o", str(d / "x.json"), "--method", "nope"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--method", "flow", "--rule", "equity"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--rule", "stable", "--pin", p], usage),
        (["solve", f, "-o", str(d / "x.json"), "--weights", "travel=abc"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--seed", "x"], usage),
        (["solve", f, "--bogus"], usage),
        (["history", store, "save", "w13b", f, p], bad),
        (["history", store, "save", "w14", f, p, "--approved-at", "wczoraj"], usage),
        (["history", str(d / "brak.sqlite"), "list"], bad),
        (["history", store, "hours", "--from", "2026-03-01"], usage),
        (["history", store, "retention", "zawsze"], usage),
        (["history", store, "show", "nie-ma"], bad),
        (["export", f, p], usage),
        (["diagnose", f, p, "--top", "-1"], usage),
        (["recommend", f, p, str(d / "nowa.json"), "--k", "0"], usage),
        (["solve", f, "-o", str(d / "x.json"), "--workers", "0"], usage),
        (["history", store, "load", "--last", "0"], usage),
        (["generate", "--demo", "--seed", "3"], usage),
        (["generate", "--library", "cus-rural-1", "--seed", "3"], usage),
        (["generate", "--library", "nie-ma"], usage),
        (["schema", "--kind", "nope"], usage),
        ([*study[:4], "nope", *study[5:], "-o", str(d / "b2")], usage),
        ([*study, "--time-limit", "1", "-o", str(d / "b2")], usage),
        ([*study[:8], "x", *study[9:], "-o", str(d / "b2")], usage),
        (["compare", "--profiles", "nope", "--work-limit", "0", "-o", str(d / "b2")], usage),
        (["compare", "--library", "nope", "-o", str(d / "b2")], usage),
        (["compare", "--methods", "greedy,nope", "-o", str(d / "b2")], usage),
        (["compare", "--national", "-1", "-o", str(d / "b2")], usage),
        (["batch", str(d / "brak"), "-o", str(d / "p2")], usage),
        (["batch", str(pusty), "-o", str(d / "p2")], usage),
        (["batch", str(obce), "--methods", "greedy", "-o", str(d / "p2")], bad),
        (["batch", str(gminy), "--methods", "nope", "-o", str(d / "p2")], usage),
        (["batch", str(gminy), "--seeds", "1,x", "-o", str(d / "p2")], usage),
        (["batch", str(gminy), "--work-limit", "-2", "-o", str(d / "p2")], usage),
        (["batch", str(gminy), "--jobs", "0", "-o", str(d / "p2")], usage),
        (["compare", "--profiles", "tiny", "--scale", "2", "-o", str(d / "b2")], usage),
        (["compare", "--profiles", "rural", "--scale", "0", "-o", str(d / "b2")], usage),
        (["certificate", store, helper, "--organisation", "CUS", "--from",
          str(inst.policy.period.end), "--to", str(inst.policy.period.start)], usage),
        (["certificate", store, "h-99999", "--organisation", "CUS", "--from",
          str(inst.policy.period.start), "--to", str(inst.policy.period.end)], bad),
    ]


@pytest.mark.parametrize("name", ["demo", "tiny"])
def test_every_command_speaks_polish(files, name, capsys):
    root, plans = files
    inst, plan = plans[name]
    found = {}
    for k, (argv, codes) in enumerate(_runs(root, name, inst, plan)):
        # --lang after the command's last word here, before the command there: both must work.
        full = ["--lang", "pl", *argv] if k % 2 else [*argv, "--lang", "pl"]
        code, text = _run(full, capsys)
        assert code in codes, (full, code, text)
        assert "Traceback" not in text
        words = english_words(text, root)
        # A Polish number takes a decimal comma: "1,5 h", never "1.5 h" or "2.0 h".
        words |= {f"decimal point: {m}" for m in _DECIMAL_POINT.findall(text)}
        if words:
            found[f"{k} " + " ".join(argv[:3])] = (sorted(words), text[:600])
    assert not found, "\n\n".join(f"{k}: {w}\n{t}" for k, (w, t) in found.items())


def test_the_demo_command_speaks_polish(capsys):
    code, text = _run(["demo", "--lang", "pl"], capsys)
    assert code == 0
    assert english_words(text) == set()


def test_a_polish_locale_is_the_default(monkeypatch, tmp_path, capsys):
    dump_instance(generate("tiny", seed=1), tmp_path / "g.json")
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert _run(["validate", str(tmp_path / "g.json")], capsys)[1].startswith(
        f"{tmp_path / 'g.json'}: poprawne")
    assert "valid —" in _run(["--lang", "en", "validate", str(tmp_path / "g.json")], capsys)[1]
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert "valid —" in _run(["validate", str(tmp_path / "g.json")], capsys)[1]
    assert default_lang({"LC_MESSAGES": "pl_PL", "LANG": "en_US"}) == "pl"


# Decisive errors ------------------------------------------------------------------------------

def test_a_plan_for_another_instance_is_one_sentence_naming_both(files, capsys):
    root, _ = files
    store = str(root / "h-other.sqlite")
    for argv in (["check"], ["report", "-o", str(root / "r.html")], ["explain"],
                 ["export", "--csv", str(root / "csv-x")], ["diagnose"],
                 ["history", store, "save", "w1"]):
        command, rest = argv[0], argv[1:]
        extra = ["h-00001"] if command == "explain" else []
        if command == "history":
            command, rest, first = "history", [], argv[1:]
        else:
            first = []
        code, text = _run([command, *first, str(root / "tiny.json"),
                           str(root / "other-plan.json"), *extra, *rest], capsys)
        assert code == 1
        assert text.strip().splitlines() == [
            f"{root / 'other-plan.json'} is a plan for another instance, not for "
            f"{root / 'tiny.json'}: give the instance it was made from, or make a new plan "
            f"with cus-match solve {root / 'tiny.json'}"]
    code, text = _run(["--lang", "pl", "check", str(root / "tiny.json"),
                       str(root / "other-plan.json")], capsys)
    assert text.startswith(f"{root / 'other-plan.json'} to plan dla innych danych, nie dla ")


def test_a_plan_from_another_instance_is_refused_as_pin_and_baseline(files, capsys):
    root, _ = files
    for option in ("--pin", "--baseline"):
        code, text = _run(["solve", str(root / "tiny.json"), "-o", str(root / "x.json"),
                           option, str(root / "other-plan.json")], capsys)
        assert code == 1
        assert len(text.strip().splitlines()) == 1
        assert text.startswith(f"{option} {root / 'other-plan.json'} is a plan for another "
                               f"instance ('Tiny example (synthetic, seed 2)'), not for ")
        assert not (root / "x.json").exists()


def test_an_earlier_plan_of_a_changed_instance_still_pins(files, tmp_path, capsys):
    import attrs

    root, plans = files
    inst, _plan = plans["tiny"]
    changed = attrs.evolve(inst, helpers=inst.helpers[1:] + inst.helpers[:1])
    assert instance_digest(changed) != instance_digest(inst)
    dump_instance(changed, tmp_path / "changed.json")
    code, _ = _run(["solve", str(tmp_path / "changed.json"), "-o", str(tmp_path / "new.json"),
                    "--pin", str(root / "tiny-plan.json"), "--rule", "repair", "--quiet"],
                   capsys)
    assert code in (0, 1)
    assert load_result(tmp_path / "new.json").instance_digest == instance_digest(changed)


def test_an_old_result_without_a_digest_still_loads(files, tmp_path, capsys):
    root, plans = files
    doc = json.loads(dumps_result(plans["tiny"][1]))
    del doc["instance_digest"]
    (tmp_path / "old.json").write_text(json.dumps(doc), encoding="utf-8")
    assert load_result(tmp_path / "old.json").instance_digest is None
    assert _run(["check", str(root / "tiny.json"), str(tmp_path / "old.json")], capsys)[0] == 0


def test_an_old_plan_of_another_instance_lists_few_problems_then_counts(files, tmp_path, capsys):
    root, _ = files
    demo_plan = json.loads((root / "demo-plan.json").read_text(encoding="utf-8"))
    demo_plan["instance_digest"] = None  # as written before digests were recorded
    (tmp_path / "old.json").write_text(json.dumps(demo_plan), encoding="utf-8")
    code, text = _run(["--lang", "pl", "report", str(root / "tiny.json"),
                       str(tmp_path / "old.json"), "-o", str(tmp_path / "r.html")], capsys)
    assert code == 1
    lines = text.strip().splitlines()
    assert len(lines) < 40
    assert any(line.startswith("  ... i jeszcze ") for line in lines)
    assert re.search(r"^ +\d+  result_unknown_need$", text, re.MULTILINE)


def test_long_violation_lists_are_summarised(files, tmp_path, capsys):
    root, plans = files
    _inst, plan = plans["demo"]
    doc = json.loads(dumps_result(plan))
    for a in doc["assignments"]:  # every visit at 3 a.m.: a violation each
        for key in ("start", "end"):
            at = datetime.fromisoformat(a[key])
            a[key] = (at - timedelta(hours=at.hour - 3)).isoformat()
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    code, text = _run(["--lang", "pl", "check", str(root / "demo.json"),
                       str(tmp_path / "bad.json")], capsys)
    assert code == 1
    lines = text.strip().splitlines()
    assert sum(line.startswith("NARUSZENIE [") for line in lines) == 20
    assert "... i jeszcze " in text
    assert english_words(text, tmp_path, root) == set()


def test_a_workbook_given_as_json_names_the_import_command(tmp_path, capsys):
    assert main(["template", str(tmp_path / "gmina.xlsx")]) == 0
    code, text = _run(["solve", str(tmp_path / "gmina.xlsx"), "-o", str(tmp_path / "p.json")],
                      capsys)
    assert code == 1
    assert f"cus-match import {tmp_path / 'gmina.xlsx'} -o gmina.json" in text
    assert "UTF-8" not in text


def test_a_result_given_as_an_instance_stops_at_the_kind(files, capsys):
    root, _ = files
    code, text = _run(["validate", str(root / "tiny-plan.json")], capsys)
    assert code == 1
    assert text.strip().splitlines()[1:] == ["  kind: expected 'instance', got 'result'"]


# CLI words ------------------------------------------------------------------------------------

def test_library_errors_are_told_in_option_names():
    assert error_text("time_limit must be a positive number of seconds, got 0", "en") == (
        "--time-limit must be a positive number of seconds, got 0")
    assert "--replace" in error_text(
        "round 'w1' is already stored (pass replace=True to replace a proposal)", "pl")
    rule = error_text("unknown rule 'x'; choose one of: fifo, repair, or pass a "
                      "cus_match.optimise.rules.Rule", "en")
    assert "cus_match" not in rule
    assert "--weights" in rule
    failed = ("1 of 4 runs failed, the first gmina-1 seed 2 fifo/greedy: workers must be an "
              "integer >= 1, got 0; the finished runs are kept in out/runs.jsonl")
    assert error_text(failed, "en") == failed.replace(
        "workers must be an integer >= 1", "--workers must be a whole number of at least 1")
    assert error_text(failed, "pl") == (
        "nieudane przebiegi: 1 z 4; pierwszy: gmina-1 ziarno 2 fifo/greedy: --workers musi być "
        "liczbą całkowitą co najmniej 1, podano 0; ukończone przebiegi zachowano w "
        "out/runs.jsonl")
    # A message no pattern knows: Python names still become options.
    assert error_text("seed is odd: pass seed=3", "en") == "--seed is odd: give --seed 3"


@pytest.mark.parametrize("key", sorted(NOUNS["pl"]))
def test_counted_nouns_after_every_number_up_to_112(key):
    forms = noun(key, "pl")
    for n in range(113):
        text = count(n, "pl", *forms)
        last = n % 10
        expected = (forms[0] if n == 1 else
                    forms[1] if last in (2, 3, 4) and n % 100 not in (12, 13, 14) else forms[2])
        assert text == f"{n} {expected}", text
        assert count(n, "en", *noun(key, "en")).startswith(f"{n} ")


def test_messages_need_no_gender():
    # A sentence with a person in it must not guess a man or a woman (no "zatwierdził(a)").
    for text in MESSAGES["pl"].values():
        assert "(a)" not in text
        assert "ł(a" not in text
    assert say("round_approved", "pl", id="w1", by="Anna") == (
        "runda w1 zatwierdzona; zatwierdzenie: Anna")


def test_the_text_plan_counts_visits_not_lines_and_cuts_no_word(files):
    from cus_match.lang import plural
    from cus_match.report.text import format_plan

    _, plans = files
    inst, plan = plans["demo"]
    # Show visits up to the first with a near miss (since law's definition near misses are
    # fewer): its extra line must not count as a visit.
    shown = next(i for i, u in enumerate(plan.unmet) if u.near_misses) + 1
    text = format_plan(inst, plan, lang="pl", max_rows=shown)
    rest = len(plan.unmet) - shown
    assert rest > 0
    assert f"  ... i jeszcze {rest} {plural(rest, 'pl', 'wizyta', 'wizyty', 'wizyt')}" in text
    assert "pasuje, ale:" in text  # lines beyond one a visit
    # Punctuation around a word is no part of it: "(telefon…" cuts "(telefon, komputer)".
    words = {w.strip(",()") for c in inst.policy.categories for w in c.name_pl.split()} | {
        w.strip(",()") for p in inst.places for w in (p.name or p.id).split()} | {"grupa:"}
    for cut in re.findall(r"(\S+)…", text):
        assert cut.strip(",()") in words, cut  # a whole word before the ellipsis
    assert "grupa w " not in text
