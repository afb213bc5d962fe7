"""Words for diagnosis texts in English and Polish: time bands, credentials, gaps, changes.

Kept apart from the logic so a translator finds every phrase in one place. Every table is keyed
by the languages of :data:`cus_match.lang.LANGS`; day names, travel modes, plural forms and
numbers come from :mod:`cus_match.lang`. A tuple of phrases holds the plural forms that
:func:`cus_match.lang.plural` chooses from (English two, Polish three).
"""

from __future__ import annotations

# Time of day after a recurring weekday: "Saturday mornings", "w soboty rano".
BANDS = {
    "en": {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"},
    "pl": {"morning": "rano", "afternoon": "po południu", "evening": "wieczorem"},
}

#: Credentials a coordinator can have helpers complete, with their names (Polish: genitive,
#: after "brak" and "uzupełnienie").
CREDENTIALS: dict[str, dict[str, str]] = {
    "en": {
        "child_protection": "the child-protection checks (RSPS register, criminal record KRK)",
        "first_aid": "a valid first-aid certificate",
        "fitness_declaration": "a declaration of fitness to care",
        "safety_briefing": "the health-and-safety (BHP) briefing",
        "accident_insurance": "accident insurance (NNW)",
    },
    "pl": {
        "child_protection": "sprawdzenia w RSPS i informacji z KRK (ochrona małoletnich)",
        "first_aid": "ważnego zaświadczenia o kursie pierwszej pomocy",
        "fitness_declaration": "oświadczenia o zdolności do sprawowania opieki",
        "safety_briefing": "informacji o BHP",
        "accident_insurance": "ubezpieczenia NNW",
    },
}
#: The credentials :class:`~cus_match.analysis.diagnosis.Extend` knows.
CREDENTIAL_IDS = tuple(CREDENTIALS["en"])

#: Counted nouns: the plural forms after a number.
NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "visit": ("visit", "visits"),
        "visit_acc": ("visit", "visits"),
        "unmet_visit": ("unmet visit", "unmet visits"),
        "place_in": ("place", "places"),
        "near_helper": ("near-miss helper", "near-miss helpers"),
    },
    "pl": {
        "visit": ("wizyta", "wizyty", "wizyt"),
        "visit_acc": ("wizytę", "wizyty", "wizyt"),  # after "pominięto"
        "unmet_visit": ("wizyta bez pomocy", "wizyty bez pomocy", "wizyt bez pomocy"),
        "place_in": ("miejscu", "miejscach", "miejscach"),  # after "w"
        "near_helper": ("osoba bliska dopasowania", "osoby bliskie dopasowania",
                        "osób bliskich dopasowania"),
    },
}

#: The shortage map as text.
SHORTAGE: dict[str, dict[str, str]] = {
    "en": {
        "none": "No unmet visits: no shortage.",
        "head": "Shortage: {visits}, {hours} hours, in {places}",
        "by_place": "  by place: {places}",
        "more": "  ... and {n} more",
        "outside": "  ({visits} outside their IPUS period left out)",
        "cell": "{hours} unmet hours ({visits}) of {cat} in {place}, {day} {band}",
    },
    "pl": {
        "none": "Brak wizyt bez pomocy: nie ma niedoborów.",
        "head": "Niedobór pomocy: {visits}, {hours} h, w {places}",
        "by_place": "  wg miejsc: {places}",
        "more": "  ... i {n} więcej",
        "outside": "  (pominięto {visits} poza okresem IPUS)",
        "cell": "{hours} h ({visits}) — {cat}, {place}, {day} {band}",
    },
}

#: The missing thing as a noun phrase (Polish: genitive, after "brak"), by gap kind.
MISSING: dict[str, dict[str, str]] = {
    "en": {
        "skill": "the skill '{v}'",
        "language": "the language '{v}'",
        "qualification": "the qualification '{v}'",
        "agreement": "an agreement covering this kind of help",  # the cell names the category
        "travel_mode": "{v}",
    },
    "pl": {
        "skill": "umiejętności „{v}”",
        "language": "języka „{v}”",
        "qualification": "kwalifikacji „{v}”",
        "agreement": "porozumienia obejmującego ten rodzaj pomocy",
        "travel_mode": "środka transportu: {v}",
    },
}

#: What blocks near-miss helpers, after "{n} near-miss helpers ({who})": plural forms, as the
#: English verb agrees with the number.
NEAR: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "noun": (" lacks {noun}", " lack {noun}"),
        "reach": (" lives too far (beyond their travel limit)",
                  " live too far (beyond their travel limit)"),
        "time": (" is not free {window}", " are not free {window}"),
        "other": (": {reason}", ": {reason}"),
    },
    "pl": {
        "noun": (": brak {noun}",) * 3,
        "reach": (": za daleko (poza limitem dojazdu)",) * 3,
        # "niedostępni" would be wrong for one person and guesses a gender: say it of the time.
        "time": (": brak wolnego czasu w godzinach {window}",) * 3,
        "other": (": {reason}",) * 3,
    },
}

#: A rule that excludes every helper.
EVERYONE: dict[str, dict[str, str]] = {
    "en": {
        "reach": "no helper within travel limit",
        "time": "no helper free {window}",
        "noun": "no helper has {noun}",
        "other": "every helper: {reason}",
        "only": " (the only obstacle for {who})",
    },
    "pl": {
        "reach": "nikt w zasięgu dojazdu",
        "time": "nikt nie jest wolny w godzinach {window}",
        "noun": "żaden pomagający nie ma {noun}",
        "other": "wszyscy pomagający: {reason}",
        "only": " (jedyna przeszkoda dla: {who})",
    },
}

#: Changes to the supply of help, in one sentence each; ``extend_*`` by what is extended.
CHANGES: dict[str, dict[str, str]] = {
    "en": {
        "add": "recruit a helper living in {place}: {profile}",
        "skills": "skills: {list}",
        "languages": "languages: {list}",
        "qualifications": "qualifications: {list}",
        "cap": "up to {hours} h a week",
        "extend_credential": "{who} complete {what}",
        "extend_category": "{who}: extend the agreement to '{what}'",
        "extend_mode": "{who} gain {what}",
        "extend_skill": "{who} gain the skill '{what}'",
        "extend_language": "{who} gain the language '{what}'",
        "extend_qualification": "{who} gain the qualification '{what}'",
        "hours": "{who} offer {hours} more hours a week",
    },
    "pl": {
        "add": "nowy pomagający z miejsca {place}: {profile}",
        "skills": "umiejętności: {list}",
        "languages": "języki: {list}",
        "qualifications": "kwalifikacje: {list}",
        "cap": "do {hours} h tygodniowo",
        "extend_credential": "{who}: uzupełnienie {what}",
        "extend_category": "{who}: rozszerzenie porozumienia o „{what}”",
        "extend_mode": "{who}: środek transportu — {what}",
        "extend_skill": "{who}: umiejętność „{what}”",
        "extend_language": "{who}: język „{what}”",
        "extend_qualification": "{who}: kwalifikacje „{what}”",
        "hours": "{who}: +{hours} h tygodniowo",
    },
}

#: What-if results.
WHAT_IF: dict[str, dict[str, str]] = {
    "en": {
        "none": "None of the changes considered covers more needs.",
        "head": "What if (covered now: {hours} h, {visits}):",
        "gain": "{gain} h ({visits}, weighted {weighted})",
    },
    "pl": {
        "none": "Żadna z rozważanych zmian nie zwiększa pokrycia potrzeb.",
        "head": "Co jeśli (teraz pokryte: {hours} h, {visits}):",
        "gain": "{gain} h ({visits}, ważone {weighted})",
    },
}
