"""Reason codes: each names its constraint and speaks English and Polish, and nothing else."""

from __future__ import annotations

import re

import pytest

from cus_match.errors import InvalidOptionError
from cus_match.lang import LANGS
from cus_match.reasons import Reason

#: The practical constraint groups besides the design's H1-H10.
PRACTICAL = {"subsidiarity", "quality", "travel", "formal", "supply", "re-planning"}


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_every_reason_names_a_constraint(reason: Reason) -> None:
    c = reason.constraint
    assert re.fullmatch(r"H([1-9]|10)", c) or c in PRACTICAL, c


def test_the_numbered_constraints_are_the_designs() -> None:
    assert Reason.CHILD_PROTECTION.constraint == "H1"
    assert Reason.NO_AGREEMENT.constraint == "H2"
    assert Reason.RESIDENT_VETO.constraint == "H8"
    assert Reason.PUS_LIMIT.constraint == "H10"
    assert Reason.TOO_FAR.constraint == "travel"
    # Every group of the design's ten is used by some reason.
    used = {r.constraint for r in Reason}
    assert {f"H{i}" for i in range(1, 11)} <= used


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_every_reason_has_a_sentence_per_language(reason: Reason) -> None:
    texts = {lang: reason.text(lang) for lang in LANGS}
    assert all(t.strip() for t in texts.values())
    assert texts["en"] != texts["pl"]
    assert reason.text() == texts["en"]  # English by default


@pytest.mark.parametrize("lang", ["de", "EN", "Pl", "", None, 1])
def test_an_unknown_language_is_refused_not_english(lang: object) -> None:
    with pytest.raises(InvalidOptionError, match="lang must be one of en, pl"):
        Reason.TOO_FAR.text(lang)  # type: ignore[arg-type]
