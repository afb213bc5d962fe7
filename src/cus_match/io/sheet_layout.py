"""The layout of instance workbooks: sheets, columns (Polish and English headers) and labels.

One sheet (or CSV file) per entity; one row per entity; one column per field of the JSON instance
format, nested fields flattened (``agreement.valid_from`` is the column "porozumienie od" /
"agreement from"). Each :class:`Column` names the JSON path it fills, so reading a row builds the
same raw dictionary the JSON reader structures, and structurer paths map back to columns.

Examples
--------
>>> [s.names["pl"] for s in SHEETS]
['ustawienia', 'kategorie', 'miejsca', 'pomagający', 'mieszkańcy', 'potrzeby', 'usługi', 'dojazdy']
>>> sheet("helpers").column("agreement.valid_from").names
{'pl': 'porozumienie od', 'en': 'agreement from'}
"""

from __future__ import annotations

from functools import cache

from attrs import field, frozen

from cus_match.io.cells import fold

__all__ = ["INSTRUCTIONS", "LABELS", "SHEETS", "Column", "Sheet", "label_lookup", "sheet"]


@frozen
class Column:
    """One column: the JSON path it fills, its headers and how its cells are read.

    Parameters
    ----------
    key : str
        Dotted JSON path inside the row's entity (``agreement.valid_from``).
    pl, en : str
        Headers in Polish and English.
    kind : str
        Cell syntax: ``id``, ``text``, ``number``, ``bool``, ``date``, ``weekly``, ``windows``,
        ``days``, ``dates``, ``list``, ``enum``, ``enums`` or ``speed``.
    labels : str
        For ``enum``/``enums``: the name of the label table in :data:`LABELS`.
    help_pl, help_en : str
        One line for the instructions sheet.
    required : bool
        Shown as required in the instructions (the structurer enforces it).
    empty_marker : bool
        The field's default is not empty, so an empty list is written ``brak``/``none``.
    aliases : tuple of str
        Further accepted headers.
    """

    key: str
    pl: str
    en: str
    kind: str = "text"
    labels: str = ""
    help_pl: str = ""
    help_en: str = ""
    required: bool = False
    empty_marker: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> dict[str, str]:
        """Headers by language."""
        return {"pl": self.pl, "en": self.en}

    def accepts(self) -> set[str]:
        """Every folded header that names this column (both languages, aliases, the JSON key)."""
        return {fold(h) for h in (self.pl, self.en, self.key, *self.aliases)}


@frozen
class Sheet:
    """One sheet (or CSV file) of the workbook.

    Parameters
    ----------
    key : str
        The instance field it fills (``helpers``; ``settings`` and ``categories`` fill the
        policy).
    pl, en : str
        Sheet (and CSV file) names.
    columns : tuple of Column
        In the order they are written.
    fallback : dict
        Structurer paths (without the entity prefix, list indices dropped) that name no column
        but belong to one: ``recurrence`` -> the weekdays column.
    aliases : tuple of str
        Further accepted sheet names.
    """

    key: str
    pl: str
    en: str
    columns: tuple[Column, ...]
    fallback: dict[str, str] = field(factory=dict)
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> dict[str, str]:
        """Sheet names by language."""
        return {"pl": self.pl, "en": self.en}

    def column(self, key: str) -> Column:
        """The column filling JSON path ``key``."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def accepts(self) -> set[str]:
        """Every folded name of this sheet."""
        return {fold(n) for n in (self.pl, self.en, self.key, *self.aliases)}


def _c(key: str, pl: str, en: str, kind: str = "text", help_pl: str = "", help_en: str = "",
       **kw: object) -> Column:
    return Column(key, pl, en, kind, help_pl=help_pl, help_en=help_en, **kw)  # type: ignore[arg-type]


# Labels of enumerated values: value -> (Polish label, English label, further aliases...).
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "place_kind": {
        "village": ("wieś", "village", "wies", "sołectwo"),
        "town": ("miasto", "town"),
        "district": ("dzielnica", "district", "osiedle"),
        "school": ("szkoła", "school"),
        "venue": ("lokal", "venue", "świetlica", "obiekt"),
        "other": ("inne", "other"),
    },
    "helper_kind": {
        "volunteer": ("wolontariusz", "volunteer", "wolontariuszka"),
        "self_help": ("grupa samopomocowa", "self help", "samopomoc"),
        "neighbour_service": ("usługi sąsiedzkie", "neighbour service", "usługa sąsiedzka",
                              "sąsiad", "neighbor service"),
    },
    "mode": {
        "walk": ("pieszo", "walk", "pieszy"),
        "bike": ("rower", "bike", "rowerem"),
        "car": ("samochód", "car", "samochodem", "auto"),
        "bus": ("autobus", "bus", "autobusem", "komunikacja"),
    },
    "credential": {
        "child_protection": ("ochrona dzieci", "child protection"),
        "first_aid": ("pierwsza pomoc", "first aid"),
        "fitness_declaration": ("oświadczenie o zdolności", "fitness declaration"),
    },
}
LABEL_WHAT: dict[str, tuple[str, str]] = {
    "place_kind": ("place kind", "rodzaj miejsca"),
    "helper_kind": ("helper kind", "forma pomocy"),
    "mode": ("travel mode", "sposób dojazdu"),
    "credential": ("credential", "zaświadczenie"),
}


@cache
def label_lookup(table: str) -> dict[str, str]:
    """Folded label (any language, alias or the value itself) -> value."""
    out = {}
    for value, labels in LABELS[table].items():
        for lbl in (value, *labels):
            out[fold(lbl)] = value
    return out


def label(table: str, value: str, lang: str) -> str:
    """The label of ``value`` in ``lang``."""
    return LABELS[table][value][0 if lang == "pl" else 1]


_ID_HELP = ("unikalny identyfikator: litery, cyfry, _ . : - /",
            "unique id: letters, digits, _ . : - /")
_YES = ("tak/nie", "yes/no")
_LIST = ("lista: oddziel przecinkiem lub średnikiem", "list: separate with , or ;")

SHEETS: tuple[Sheet, ...] = (
    Sheet("settings", "ustawienia", "settings", (
        _c("name", "nazwa", "name", help_pl="nazwa do raportów", help_en="a label for reports"),
        _c("policy.period.start", "początek okresu", "period start", "date", required=True,
           help_pl="pierwszy dzień planowania, np. 23.03.2026",
           help_en="first day of the planning period, e.g. 2026-03-23"),
        _c("policy.period.end", "koniec okresu", "period end", "date", required=True,
           help_pl="ostatni dzień planowania (najwyżej 366 dni)",
           help_en="last day of the planning period (at most 366 days)"),
        _c("policy.timezone", "strefa czasowa", "time zone",
           help_pl="domyślnie Europe/Warsaw", help_en="default Europe/Warsaw",
           aliases=("timezone",)),
        _c("policy.neighbour_max_walk_minutes", "usługi sąsiedzkie: maks. minut pieszo",
           "neighbour service: max walking minutes", "number",
           help_pl="najbliższe sąsiedztwo (H7), domyślnie 15",
           help_en="nearest vicinity (H7), default 15"),
        _c("policy.minors_solo_personal_care", "małoletni sami przy opiece osobistej",
           "minors alone in personal care", "bool", help_pl="tak/nie, domyślnie nie (H6)",
           help_en="yes/no, default no (H6)"),
        _c("policy.checks_on_visit_day", "sprawdzenia z dnia wizyty",
           "checks on the visit day", "bool",
           help_pl="tak/nie, domyślnie nie: sprawdzenie w RSPS, KRK i szkolenie BHP muszą być "
                   "sprzed dnia wizyty (H1, H5)",
           help_en="yes/no, default no: the RSPS, criminal-record checks and the safety "
                   "briefing must be dated before the visit day (H1, H5)"),
        _c("policy.service_since_agreement", "świadczenia od początku porozumienia",
           "service since the agreement", "bool",
           help_pl="tak/nie, domyślnie tak: okres świadczeń liczony najpóźniej od pierwszego "
                   "dnia porozumienia (H2, H3)",
           help_en="yes/no, default yes: the span of service starts at the latest on the "
                   "agreement's first day (H2, H3)"),
        _c("policy.time_step_minutes", "krok czasu (min)", "time step (min)", "number",
           help_pl="co ile minut proponować godziny, domyślnie 15",
           help_en="granularity of start times, default 15"),
        _c("policy.travel.detour_factor", "współczynnik objazdu", "detour factor", "number",
           help_pl="droga / odległość w linii prostej, domyślnie 1,3",
           help_en="road over straight-line distance, default 1.3"),
        _c("policy.travel.within_place_minutes", "minuty w obrębie miejsca",
           "minutes within a place", "number", help_pl="domyślnie 5", help_en="default 5"),
        _c("policy.travel.speeds_kmh.walk", "prędkość pieszo (km/h)", "speed walking (km/h)",
           "speed", help_pl="domyślnie 4,5; brak: ten sposób niedostępny",
           help_en="default 4.5; none: this mode is not used"),
        _c("policy.travel.speeds_kmh.bike", "prędkość rowerem (km/h)", "speed by bike (km/h)",
           "speed", help_pl="domyślnie 14", help_en="default 14"),
        _c("policy.travel.speeds_kmh.car", "prędkość samochodem (km/h)", "speed by car (km/h)",
           "speed", help_pl="domyślnie 45", help_en="default 45"),
        _c("policy.travel.speeds_kmh.bus", "prędkość autobusem (km/h)", "speed by bus (km/h)",
           "speed", help_pl="domyślnie 25", help_en="default 25"),
    ), fallback={"policy.period": "policy.period.start", "policy": "policy.period.start",
                 "policy.travel": "policy.travel.detour_factor",
                 "policy.travel.speeds_kmh": "policy.travel.speeds_kmh.walk"},
        aliases=("policy", "polityka", "ustawienie")),
    Sheet("categories", "kategorie", "categories", (
        _c("id", "id", "category id", "id", *_ID_HELP, required=True, aliases=("kategoria",)),
        _c("name_pl", "nazwa polska", "Polish name"),
        _c("name_en", "nazwa angielska", "English name"),
        _c("professional_only", "tylko profesjonaliści", "professionals only", "bool",
           "tak: kierować do usług formalnych", "yes: refer to formal services"),
        _c("involves_minors", "praca z dziećmi", "work with children", "bool",
           "tak: wymagane RSPS i KRK (H1)", "yes: child-protection checks apply (H1)"),
        _c("personal_care", "opieka osobista", "personal care", "bool", *_YES),
        _c("requires_credentials", "wymagane zaświadczenia", "required credentials", "enums",
           "ochrona dzieci, pierwsza pomoc, oświadczenie o zdolności",
           "child protection, first aid, fitness declaration", labels="credential"),
        _c("required_qualifications", "wymagane kwalifikacje", "required qualifications",
           "list", *_LIST),
        _c("pus_hours_limit", "limit godzin PUS", "PUS hours limit", "number",
           "godziny w okresie; puste: bez limitu", "hours in the period; empty: no limit"),
    ), fallback={"": "id"}),
    Sheet("places", "miejsca", "places", (
        _c("id", "id", "id", "id", *_ID_HELP, required=True),
        _c("name", "nazwa", "name"),
        _c("kind", "rodzaj", "kind", "enum", "wieś, miasto, dzielnica, szkoła, lokal, inne",
           "village, town, district, school, venue, other", labels="place_kind"),
        _c("lat", "szerokość geograficzna", "latitude", "number", "np. 49,482",
           "e.g. 49.482", aliases=("szerokosc", "lat")),
        _c("lon", "długość geograficzna", "longitude", "number", "np. 22,066", "e.g. 22.066",
           aliases=("dlugosc", "lon")),
    ), fallback={"": "lat"}),
    Sheet("helpers", "pomagający", "helpers", (
        _c("id", "id", "id", "id", *_ID_HELP, required=True),
        _c("name", "imię i nazwisko", "name"),
        _c("home", "miejsce zamieszkania", "home place", "id",
           "id lub nazwa miejsca z arkusza miejsca", "id or name of a place",
           required=True, aliases=("dom", "home")),
        _c("kind", "forma", "kind", "enum",
           "wolontariusz, grupa samopomocowa, usługi sąsiedzkie",
           "volunteer, self help, neighbour service", labels="helper_kind",
           aliases=("rodzaj",)),
        _c("weekly_hours_cap", "godzin tygodniowo", "hours per week", "number",
           required=True),
        _c("availability", "dostępność", "availability", "weekly",
           "np. pon 8:00-12:00; śr 14:00-16:00", "e.g. mon 8:00-12:00; wed 14:00-16:00",
           required=True),
        _c("modes", "dojazd", "travel modes", "enums", "pieszo, rower, samochód, autobus; "
           "domyślnie pieszo", "walk, bike, car, bus; default walk", labels="mode",
           empty_marker=True, aliases=("srodki transportu", "modes")),
        _c("max_travel_minutes", "maks. minut dojazdu", "max travel minutes", "number",
           "w jedną stronę, domyślnie 30", "one way, default 30"),
        _c("unavailable", "nieobecności", "absences", "dates",
           "np. 01.04.2026-05.04.2026; 10.04.2026", "e.g. 2026-04-01 - 2026-04-05"),
        _c("max_residents", "maks. liczba mieszkańców", "max residents", "number",
           "puste: bez limitu", "empty: no limit"),
        _c("skills", "umiejętności", "skills", "list", *_LIST),
        _c("languages", "języki", "languages", "list", "np. pl, uk; domyślnie pl",
           "e.g. pl, uk; default pl", empty_marker=True),
        _c("qualifications", "kwalifikacje", "qualifications", "list", *_LIST),
        _c("agreement.valid_from", "porozumienie od", "agreement from", "date",
           "puste: brak porozumienia", "empty: no agreement"),
        _c("agreement.valid_to", "porozumienie do", "agreement to", "date",
           "puste: bezterminowo", "empty: open-ended"),
        _c("agreement.written", "porozumienie pisemne", "agreement in writing", "bool", *_YES),
        _c("agreement.categories", "porozumienie: kategorie", "agreement categories", "list",
           "id lub nazwy kategorii", "category ids or names"),
        _c("agreement.weekly_hours_cap", "porozumienie: godzin tygodniowo",
           "agreement hours per week", "number"),
        _c("credentials.rsps_checked_on", "RSPS sprawdzono", "RSPS checked on", "date"),
        _c("credentials.krk_presented_on", "KRK przedstawiono", "KRK presented on", "date"),
        _c("credentials.lived_abroad_recently", "za granicą w ostatnich 20 latach",
           "lived abroad in the last 20 years", "bool", *_YES),
        _c("credentials.foreign_record_on", "zagraniczna informacja o karalności",
           "foreign record on", "date"),
        _c("credentials.first_aid_valid_to", "pierwsza pomoc ważna do", "first aid valid to",
           "date"),
        _c("credentials.fitness_declared_on", "oświadczenie o zdolności",
           "fitness declared on", "date"),
        _c("credentials.bhp_briefed_on", "szkolenie BHP", "safety briefing on", "date"),
        _c("credentials.nnw_valid_from", "NNW od", "accident insurance from", "date"),
        _c("credentials.nnw_valid_to", "NNW do", "accident insurance to", "date"),
        _c("credentials.organiser_accepted_on", "akceptacja organizatora",
           "organiser accepted on", "date"),
        _c("is_minor", "małoletni", "minor", "bool", "13-17 lat", "aged 13-17"),
        _c("guardian_consent", "zgoda opiekuna", "guardian consent", "bool", *_YES),
        _c("family_of", "rodzina mieszkańców", "family of", "list", "id mieszkańców",
           "resident ids"),
        _c("vetoes_residents", "odmawia mieszkańców", "refuses residents", "list",
           "id mieszkańców", "resident ids"),
        _c("vetoes_categories", "odmawia kategorii", "refuses categories", "list",
           "id lub nazwy kategorii", "category ids or names"),
        _c("household", "gospodarstwo domowe", "household", "id",
           "id gospodarstwa; ten sam co u mieszkańca: wspólne", "household id; same as a "
           "resident's: shared"),
    ), fallback={"agreement": "agreement.valid_from", "credentials": "credentials.nnw_valid_to"},
        aliases=("wolontariusze", "volunteers", "pomagajacy")),
    Sheet("residents", "mieszkańcy", "residents", (
        _c("id", "id", "id", "id", "pseudonim, nigdy imię ani PESEL",
           "pseudonymous id, never a name", required=True),
        _c("home", "miejsce zamieszkania", "home place", "id", "id lub nazwa miejsca",
           "id or name of a place",
           required=True, aliases=("dom", "home")),
        _c("languages", "języki", "languages", "list", *_LIST),
        _c("vetoes", "odmawia pomagających", "refuses helpers", "list", "id pomagających",
           "helper ids"),
        _c("previous_helpers", "wcześniej pomagali", "previous helpers", "list",
           "id pomagających", "helper ids"),
        _c("accepted_neighbours", "zaakceptowani sąsiedzi", "accepted neighbours", "list",
           "id pomagających (usługi sąsiedzkie)", "helper ids (neighbour service)"),
        _c("household", "gospodarstwo domowe", "household", "id",
           "id gospodarstwa; ten sam co u pomagającego: wspólne", "household id; same as a "
           "helper's: shared"),
    )),
    Sheet("needs", "potrzeby", "needs", (
        _c("id", "id", "id", "id", *_ID_HELP, required=True),
        _c("resident", "mieszkaniec", "resident", "id", "id mieszkańca; puste: zajęcia grupowe",
           "resident id; empty: a group session"),
        _c("place", "miejsce", "place", "id", "id lub nazwa miejsca; puste: dom mieszkańca",
           "id or name of a place; empty: the resident's home"),
        _c("category", "kategoria", "category", "id", "id lub nazwa kategorii (lista z arkusza "
           "kategorie)", "category id or name (list from the categories sheet)", required=True),
        _c("duration_minutes", "czas (min)", "duration (min)", "number", "minuty jednej wizyty",
           "minutes per visit", required=True, aliases=("czas trwania",)),
        _c("windows", "godziny", "hours", "windows", "np. 8:00-12:00; 14:00-16:00",
           "e.g. 8:00-12:00; 14:00-16:00", required=True, aliases=("okna czasowe",)),
        _c("recurrence.date", "data", "date", "date", "jednorazowo: dzień wizyty",
           "one-off: the day of the visit"),
        _c("recurrence.days", "dni tygodnia", "weekdays", "days",
           "co tydzień: np. pon, czw lub pon-pt", "weekly: e.g. mon, thu or mon-fri"),
        _c("recurrence.start", "od dnia", "from date", "date", "co tydzień: puste = od początku",
           "weekly: empty = period start"),
        _c("recurrence.end", "do dnia", "to date", "date", "co tydzień: puste = do końca",
           "weekly: empty = period end"),
        _c("applied_on", "data zgłoszenia", "applied on", "date", required=True),
        _c("helpers_needed", "liczba pomagających", "helpers needed", "number",
           "domyślnie 1", "default 1"),
        _c("priority", "priorytet", "priority", "number", "0 i więcej, domyślnie 1",
           "0 and up, default 1"),
        _c("involves_minors", "praca z dziećmi", "work with children", "bool", *_YES),
        _c("required_skills", "wymagane umiejętności", "required skills", "list", *_LIST),
        _c("required_languages", "wymagane języki", "required languages", "list", *_LIST),
        _c("required_qualifications", "wymagane kwalifikacje", "required qualifications",
           "list", *_LIST),
        _c("required_mode", "wymagany dojazd", "required travel mode", "enum",
           "pieszo, rower, samochód, autobus", "walk, bike, car, bus", labels="mode"),
        _c("ipus.id", "IPUS", "IPUS", "id", "id indywidualnego planu usług",
           "id of the individual plan"),
        _c("ipus.valid_from", "IPUS od", "IPUS from", "date"),
        _c("ipus.valid_to", "IPUS do", "IPUS to", "date"),
        _c("required", "obowiązkowa", "required", "bool", *_YES),
    ), fallback={"recurrence": "recurrence.days", "ipus": "ipus.id", "": "id"},
        aliases=("zgloszenia", "requests")),
    Sheet("services", "usługi", "services", (
        _c("id", "id", "id", "id", *_ID_HELP, required=True),
        _c("provider", "realizator", "provider", "text", "instytucja, nie osoba",
           "an institution, not a person", required=True),
        _c("category", "kategoria", "category", "id", "id lub nazwa kategorii",
           "category id or name", required=True),
        _c("recipients", "odbiorcy", "recipients", "list", "id mieszkańców", "resident ids",
           required=True),
        _c("schedule", "harmonogram", "schedule", "weekly", "np. pon-pt 8:00-10:00",
           "e.g. mon-fri 8:00-10:00", required=True),
        _c("valid.start", "obowiązuje od", "valid from", "date", "puste: cały okres",
           "empty: the whole period"),
        _c("valid.end", "obowiązuje do", "valid to", "date"),
        _c("covers", "obejmuje też kategorie", "also covers", "list", "id lub nazwy kategorii",
           "category ids or names"),
    ), fallback={"valid": "valid.start"}, aliases=("uslugi formalne", "formal services")),
    Sheet("travel_edges", "dojazdy", "travel", (
        _c("a", "miejsce A", "place A", "id", "id lub nazwa miejsca", "place id or name",
           required=True),
        _c("b", "miejsce B", "place B", "id", "id lub nazwa miejsca", "place id or name",
           required=True),
        _c("minutes.walk", "pieszo (min)", "walk (min)", "number",
           "puste: nie da się tak dojechać", "empty: this mode cannot use it"),
        _c("minutes.bike", "rowerem (min)", "bike (min)", "number"),
        _c("minutes.car", "samochodem (min)", "car (min)", "number"),
        _c("minutes.bus", "autobusem (min)", "bus (min)", "number"),
    ), fallback={"minutes": "minutes.walk"}, aliases=("siec dojazdow", "travel edges")),
)

_BY_KEY = {s.key: s for s in SHEETS}

#: Sheets read as instructions and skipped.
INSTRUCTIONS = {"pl": "instrukcja", "en": "instructions"}
#: Columns (and sheets) skipped on reading: notes, and anything whose name starts with ``#``.
NOTE_COLUMNS = {fold(n) for n in ("uwagi", "notes", "komentarz", "comment", "comments")}


def sheet(key: str) -> Sheet:
    """The sheet filling instance field ``key`` (``settings``, ``helpers``, ...)."""
    return _BY_KEY[key]
