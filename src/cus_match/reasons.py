"""Reason codes: why a helper cannot take a need, why a need stays unmet or is referred.

Every code names the constraint behind it (H1-H10 of the design, or a practical group such as
``travel``; ``docs/constraints.md`` states them all) and has a plain sentence in English and
Polish, so explanations and reports speak the coordinator's language. "Rule" is kept for what a
plan optimises (:mod:`cus_match.optimise.rules`).

Examples
--------
>>> Reason.CHILD_PROTECTION.constraint
'H1'
>>> Reason.TOO_FAR.text("pl")
'za daleko (dojazd przekracza limit wolontariusza)'
"""

from __future__ import annotations

import enum

from cus_match.lang import check_lang

__all__ = ["Reason"]


class Reason(enum.StrEnum):
    """Why a (helper, need) pair is excluded, or a need unmet or referred."""

    PROFESSIONAL_ONLY = "professional_only"
    NO_QUALIFIED_HELPER = "no_qualified_helper"
    CHILD_PROTECTION = "child_protection"
    NO_AGREEMENT = "no_agreement"
    AGREEMENT_CATEGORY = "agreement_category"
    AGREEMENT_DATES = "agreement_dates"
    AGREEMENT_NOT_WRITTEN = "agreement_not_written"
    ACCIDENT_INSURANCE = "accident_insurance"
    SAFETY_BRIEFING = "safety_briefing"
    MINOR_CONSENT = "minor_consent"
    MINOR_PERSONAL_CARE = "minor_personal_care"
    NEIGHBOUR_RULES = "neighbour_rules"
    RESIDENT_VETO = "resident_veto"
    HELPER_VETO = "helper_veto"
    QUALIFICATION = "qualification"
    CREDENTIAL = "credential"
    SKILL = "skill"
    LANGUAGE = "language"
    TRAVEL_MODE = "travel_mode"
    TOO_FAR = "too_far"
    ABSENT = "absent"
    NO_COMMON_TIME = "no_common_time"
    FORMAL_CLASH = "formal_clash"
    BUSY = "busy"
    HOURS_CAP = "hours_cap"
    MAX_RESIDENTS = "max_residents"
    OUTSIDE_IPUS = "outside_ipus"
    PUS_LIMIT = "pus_limit"
    NOT_ENOUGH_HELPERS = "not_enough_helpers"
    NO_HELPERS = "no_helpers"
    VISIT_CANCELLED = "visit_cancelled"
    HELPER_WITHDRAWN = "helper_withdrawn"

    @property
    def constraint(self) -> str:
        """The constraint: the design's number (``H1`` ... ``H10``) or a short practical label.

        >>> Reason.BUSY.constraint, Reason.TOO_FAR.constraint
        ('H4', 'travel')
        """
        return _TEXT[self][0]

    @property
    def fix_rank(self) -> int:
        """How easily a coordinator can remove this obstacle: lower is easier.

        0 a date to renew or record (insurance, briefing, checks, agreement); 1 the plan itself
        (other visits, hours, the PUS budget, another time); 2 travel; 3 what the helper can do
        (skills, languages, qualifications, neighbour-service conditions); 4 what nobody may
        change (absences, vetoes, the law on minors, the IPUS, professionals only). Near misses
        are listed easiest first.

        >>> Reason.ACCIDENT_INSURANCE.fix_rank, Reason.BUSY.fix_rank, Reason.RESIDENT_VETO.fix_rank
        (0, 1, 4)
        """
        return _FIX_RANK.get(self, 4)

    def text(self, lang: str = "en") -> str:
        """A plain sentence in ``lang`` (``"en"`` or ``"pl"``).

        Raises
        ------
        InvalidOptionError
            If ``lang`` is not a supported language (:data:`cus_match.lang.LANGS`).

        Examples
        --------
        >>> Reason.ABSENT.text("en"), Reason.ABSENT.text("pl")
        ('absent on the date', 'nieobecny w tym dniu')
        >>> Reason.ABSENT.text("de")
        Traceback (most recent call last):
        ...
        cus_match.errors.InvalidOptionError: lang must be one of en, pl, got 'de'
        """
        _, en, pl = _TEXT[self]
        return pl if check_lang(lang) == "pl" else en


_TEXT: dict[Reason, tuple[str, str, str]] = {
    Reason.PROFESSIONAL_ONLY: (
        "subsidiarity", "only professionals may meet this need: refer to formal services",
        "potrzebę może zaspokoić tylko profesjonalista: skierować do usług formalnych"),
    Reason.NO_QUALIFIED_HELPER: (
        "H9", "no helper who could be matched holds the required qualification: refer to "
              "formal services",
        "żaden pomagający, którego można przydzielić, nie ma wymaganych kwalifikacji: "
        "skierować do usług formalnych"),
    Reason.CHILD_PROTECTION: (
        "H1", "lacks the child-protection checks (RSPS register, criminal record) dated before "
              "the visit day",
        "brak sprawdzenia w RSPS lub informacji z KRK sprzed dnia wizyty (ochrona małoletnich)"),
    Reason.NO_AGREEMENT: ("H2", "has no agreement with the CUS",
                          "brak porozumienia z CUS"),
    Reason.AGREEMENT_CATEGORY: ("H2", "the agreement does not cover this kind of help",
                                "porozumienie nie obejmuje tego rodzaju pomocy"),
    Reason.AGREEMENT_DATES: ("H2", "the agreement does not cover the date",
                             "porozumienie nie obejmuje tej daty"),
    Reason.AGREEMENT_NOT_WRITTEN: (
        "H2", "service over 30 days needs a written agreement",
        "świadczenie dłuższe niż 30 dni wymaga porozumienia na piśmie"),
    Reason.ACCIDENT_INSURANCE: (
        "H3", "no accident insurance (NNW) valid over the whole service (up to 30 days)",
        "brak ubezpieczenia NNW ważnego przez cały okres świadczenia (do 30 dni)"),
    Reason.SAFETY_BRIEFING: ("H5", "no health-and-safety briefing dated before the visit",
                             "brak informacji o BHP sprzed dnia wizyty"),
    Reason.MINOR_CONSENT: ("H6", "a minor helper without guardian consent",
                           "niepełnoletni bez zgody opiekuna"),
    Reason.MINOR_PERSONAL_CARE: ("H6", "a minor may not do personal care alone",
                                 "niepełnoletni nie może sam świadczyć opieki osobistej"),
    Reason.NEIGHBOUR_RULES: (
        "H7", "neighbour-service conditions not met (adult, not family, nearby, first aid, "
              "fitness, accepted by resident and organiser)",
        "niespełnione warunki usług sąsiedzkich (pełnoletność, nie rodzina, bliskie sąsiedztwo, "
        "pierwsza pomoc, oświadczenie, akceptacja osoby i organizatora)"),
    Reason.RESIDENT_VETO: ("H8", "the resident does not want this helper",
                           "osoba nie zgadza się na tego pomagającego"),
    Reason.HELPER_VETO: ("H8", "the helper does not take this resident or kind of help",
                         "pomagający nie podejmuje się tej osoby lub tego rodzaju pomocy"),
    Reason.QUALIFICATION: ("H9", "lacks a required qualification",
                           "brak wymaganych kwalifikacji"),
    Reason.CREDENTIAL: ("quality", "lacks a credential the category requires (first aid, ...)",
                        "brak wymaganego zaświadczenia (pierwsza pomoc, ...)"),
    Reason.SKILL: ("quality", "lacks a required skill", "brak wymaganej umiejętności"),
    Reason.LANGUAGE: ("quality", "no common language", "brak wspólnego języka"),
    Reason.TRAVEL_MODE: ("travel", "lacks the required means of travel (e.g. a car)",
                         "brak wymaganego środka transportu (np. samochodu)"),
    Reason.TOO_FAR: ("travel", "too far (travel exceeds the helper's limit)",
                     "za daleko (dojazd przekracza limit wolontariusza)"),
    Reason.ABSENT: ("H4", "absent on the date", "nieobecny w tym dniu"),
    Reason.NO_COMMON_TIME: ("H4", "no common time window", "brak wspólnego okna czasowego"),
    Reason.FORMAL_CLASH: (
        "formal", "every common time clashes with the resident's formal service visits",
        "każdy wspólny termin koliduje z wizytami usługi formalnej u tej osoby"),
    Reason.BUSY: ("H4", "busy at every fitting time (other visits, travel, resident's schedule)",
                  "zajęty w każdym pasującym czasie (inne wizyty, dojazd, plan osoby)"),
    Reason.HOURS_CAP: ("H4", "weekly hours already used up",
                       "tygodniowy limit godzin wyczerpany"),
    Reason.MAX_RESIDENTS: ("H4", "already helps the most residents agreed",
                           "pomaga już maksymalnej liczbie osób"),
    Reason.OUTSIDE_IPUS: ("H10", "the date is outside the individual plan (IPUS)",
                          "data poza okresem indywidualnego planu (IPUS)"),
    Reason.PUS_LIMIT: ("H10", "the programme's (PUS) hours for this category are used up",
                       "wyczerpany limit godzin programu usług społecznych (PUS)"),
    Reason.NOT_ENOUGH_HELPERS: (
        "H4", "not enough helpers free at the same time",
        "za mało pomagających wolnych w tym samym czasie"),
    Reason.NO_HELPERS: ("supply", "there are no helpers at all", "brak jakichkolwiek pomagających"),
    Reason.VISIT_CANCELLED: ("re-planning", "the visit is no longer requested",
                             "wizyta nie jest już potrzebna"),
    Reason.HELPER_WITHDRAWN: ("re-planning", "the helper is no longer available to the CUS",
                              "pomagający nie jest już dostępny dla CUS"),
}


_FIX_RANK: dict[Reason, int] = {
    **dict.fromkeys((Reason.ACCIDENT_INSURANCE, Reason.SAFETY_BRIEFING, Reason.CHILD_PROTECTION,
                     Reason.CREDENTIAL, Reason.AGREEMENT_DATES, Reason.AGREEMENT_CATEGORY,
                     Reason.AGREEMENT_NOT_WRITTEN, Reason.NO_AGREEMENT, Reason.MINOR_CONSENT),
                    0),
    **dict.fromkeys((Reason.BUSY, Reason.HOURS_CAP, Reason.MAX_RESIDENTS, Reason.NO_COMMON_TIME,
                     Reason.FORMAL_CLASH, Reason.PUS_LIMIT, Reason.NOT_ENOUGH_HELPERS), 1),
    **dict.fromkeys((Reason.TOO_FAR, Reason.TRAVEL_MODE), 2),
    **dict.fromkeys((Reason.SKILL, Reason.LANGUAGE, Reason.QUALIFICATION,
                     Reason.NEIGHBOUR_RULES), 3),
}
