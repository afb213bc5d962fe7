"""``cus-match --help`` and every ``cus-match COMMAND --help``, in English and in Polish.

Every help text has one home, :data:`cus_match.cli.help_words.HELP`: here, every option, every
positional argument and every command of the real parser has a text there in both languages
(a missing one fails, an entry no option uses fails too); the Polish help of every command holds
no stock English word (the list of ``tests/test_cli_polish.py``) once option names, metavars,
choices and file names are taken out; argparse's own headings are Polish too; and the English
help says what it said before the texts moved.
"""

from __future__ import annotations

import argparse
import re

import pytest

from cus_match.cli.help_words import HEADINGS, HELP, localise_help
from cus_match.cli.main import _parser, main
from test_cli_polish import english_words


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
              ) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every parser under ``parser`` by the words that reach it (aliases once)."""
    found = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    found.update(_commands(sub, (*path, name)))
    return found


def _argv(path: tuple[str, ...]) -> list[str]:
    # history's sub-commands come after the store file.
    return [*path[:1], "store.sqlite", *path[1:]] if path[:1] == ("history",) and path[1:] \
        else list(path)


def _key(action: argparse.Action) -> str:
    return max(action.option_strings, key=len) if action.option_strings else action.dest


def _untold(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> list[str]:
    """The options and commands under ``parser`` with no help text."""
    out = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        if not action.help:
            out.append(f"{' '.join(path) or 'cus-match'} {_key(action)}")
        if isinstance(action, argparse._SubParsersAction):
            listed = {c.dest for c in action._choices_actions if c.help}
            out += [f"{' '.join((*path, name))}: not listed" for name in action.choices
                    if name not in listed]
    return out


COMMANDS = sorted(_commands(_parser("en")[0]))


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    out, err = capsys.readouterr()
    assert not err
    return out


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_option_and_command_has_a_text_in_both_languages(lang):
    untold = [line for path, p in _commands(_parser(lang)[0]).items()
              for line in _untold(p, path)]
    assert not untold, "no help text in HELP for:\n" + "\n".join(untold)


def test_every_entry_of_the_table_is_used_and_has_both_languages():
    used = set()
    for path, p in _commands(_parser("en")[0]).items():
        command = " ".join(path)
        used |= {(command, _key(a)) for a in p._actions if a.help != argparse.SUPPRESS
                 and not isinstance(a, argparse._HelpAction)}
        used |= {(command, f"group:{g.title}") for g in p._action_groups[2:]}
        used |= {(command, k) for k in ("help", "description", "epilog")}
    # Group titles are replaced: the key is the one the module gave, found in the table.
    stale = sorted((c, k) for c, entry in HELP.items() for k in entry
                   if (c, k) not in used and not k.startswith("group:"))
    assert not stale, f"entries no option uses: {stale}"
    for command, entry in HELP.items():
        for key, texts in entry.items():
            assert set(texts) == {"en", "pl"}, (command, key)
            assert all(t.strip() for t in texts.values()), (command, key)
            placeholders = {lang: set(re.findall(r"\{(\w+)\}", t)) for lang, t in texts.items()}
            assert placeholders["en"] == placeholders["pl"], (command, key)


def test_the_guard_finds_an_option_without_a_text():
    p = argparse.ArgumentParser(prog="cus-match")
    p.add_argument("--not-in-the-table")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("solve")
    sub.add_parser("no-such-command")
    localise_help(p, "pl")
    # The top level's texts and solve's are found; the made-up ones are not.
    assert _untold(p, ()) == ["cus-match --not-in-the-table", "no-such-command: not listed"]
    assert _untold(sub.choices["solve"], ("solve",)) == []


def _without_names(text: str, parser: argparse.ArgumentParser) -> str:
    """The help without option names, metavars, choices and file names."""
    for action in parser._actions:  # a positional argument is listed by its name, a metavar
        if not action.option_strings:
            text = re.sub(rf"^(\s+){re.escape(action.dest)}\b", r"\1", text, flags=re.MULTILINE)
    text = re.sub(r"\{[^}\n]*\}", " ", text)           # choices: {fifo,priority,...}
    text = re.sub(r"\b[A-ZĄĆĘŁŃÓŚŹŻ][A-ZĄĆĘŁŃÓŚŹŻ_:]+\b", " ", text)  # metavars: SECONDS
    text = re.sub(r"[\w./<>-]+\.(?:json|jsonl|xlsx|csv|ics|md|sqlite)\b", " ", text)
    text = re.sub(r"\b[a-z]+=\d+", " ", text)          # weights: travel=2
    return text


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cus-match")
def test_polish_help_of_every_command_has_no_english(path, capsys):
    text = _help(["--lang", "pl", *_argv(path), "--help"], capsys)
    assert text.startswith("użycie: cus-match")
    assert "opcje:" in text
    assert HEADINGS["-h"]["pl"] in text
    for english in ("usage:", "options:", "positional arguments", "show this help"):
        assert english not in text
    parser = _commands(_parser("pl")[0])[path]
    assert english_words(_without_names(text, parser)) == set(), text


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cus-match")
def test_english_help_of_every_command_keeps_every_text(path, capsys):
    text = _help([*_argv(path), "--help", "--lang", "en"], capsys)
    assert text.startswith("usage: cus-match")
    # argparse wraps lines at a hyphen too ("re-" / "solve").
    flat = re.sub(r"- ", "-", " ".join(text.split()))
    parser = _commands(_parser("en")[0])[path]
    for action in parser._actions:
        if action.help not in (None, argparse.SUPPRESS):
            assert " ".join(action.help.replace("%%", "%").split()) in flat, _key(action)
    assert " ".join(HELP[" ".join(path)]["description" if path in {(), ("recommend",)}
                             else "help"]["en"].split()) in flat


def test_english_texts_are_the_ones_the_options_had(capsys):
    text = " ".join(_help(["solve", "--help", "--lang", "en"], capsys).split())
    assert "matching rule: fifo (default), priority, utilitarian, equity, repair, stable, " \
           "stable-helpers or nearest" in text
    text = " ".join(_help(["batch", "--help", "--lang", "en"], capsys).split())
    # A default the code computes is written into the text: 30 work units for a batch.
    assert "(the default mode, 30)" in text
    assert "(the default mode, 10)" in " ".join(
        _help(["compare", "--help", "--lang", "en"], capsys).split())


def test_a_polish_locale_gives_polish_help(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    text = _help(["solve", "--help"], capsys)
    assert text.startswith("użycie:")
    assert "wypisz tylko podsumowanie" in text
    assert _help(["--lang", "en", "solve", "--help"], capsys).startswith("usage:")


def test_polish_help_lists_the_commands_and_wrong_usage_stays_polish(capsys):
    text = _help(["--lang", "pl", "--help"], capsys)
    assert "POLECENIE" in text
    assert "COMMAND" not in text
    assert re.search(r"^\s+solve\s+ułóż plan dla pliku danych$", text, re.MULTILINE)
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "pl", "solve"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("użycie: cus-match solve")
    assert "brak wymaganych argumentów" in err
