"""The profiles of synthetic instances and the data they are drawn from.

A :class:`Profile` gives the sizes of one kind of place; the tables below give its geography
(villages, districts, the bus line, speeds on mountain roads), its people (first names, helper
personas and their tastes) and what residents in each situation ask for. They are assumptions,
each explained in ``docs/generator.md``; :mod:`cus_match.generate.builder` turns them into an
instance.

Examples
--------
>>> list(PROFILES)
['tiny', 'rural', 'town', 'city']
>>> PROFILES["rural"].setting, PROFILES["rural"].helpers
('bukowsko', (28, 36))
>>> set(BUKOWSKO_CORE) <= {village[0] for village in BUKOWSKO}
True
"""

from __future__ import annotations

import random

from attrs import field, frozen

from cus_match.errors import InvalidOptionError

__all__ = [
    "BUKOWSKO",
    "BUKOWSKO_CORE",
    "BUS_LINE",
    "CAPS",
    "CAR_FACTOR",
    "CATEGORY_TASTE",
    "CENTRES",
    "CITY_DISTRICTS",
    "FIRST_NAMES",
    "GMINA_STRATA",
    "INITIALS",
    "MAX_WALK_EDGE_KM",
    "MOUNTAIN_BIKE_KMH",
    "MOUNTAIN_CAR_KMH",
    "NEEDS_BY_TYPE",
    "OLDER",
    "PROFILES",
    "RURAL_CLUBS",
    "TOWN_DISTRICTS",
    "UK_FIRST_NAMES",
    "WALK_KMH",
    "Profile",
    "SampleGmina",
    "national_sample",
]


@frozen
class Profile:
    """A kind of place to generate, with the sizes of its instances.

    Counts given as ``(low, high)`` are drawn uniformly (both included) by the seed, then
    multiplied by ``scale`` in :func:`generate`. ``docs/generator.md`` gives the source of, or the
    assumption behind, every number.

    Parameters
    ----------
    name : str
        The profile's key in :data:`PROFILES`.
    title : str
        The instance name (``{seed}`` is filled in).
    description : str
        One line for humans.
    population : int
        Residents of the whole gmina or city (informative: sets the scale of the others).
    setting : str
        The geography: ``"tiny"``, ``"bukowsko"`` (villages on a mountain road network),
        ``"town"`` or ``"city"`` (districts, great-circle travel).
    places : tuple of int
        Villages or districts.
    helpers, residents, needs : tuple of int
        Helpers, residents with needs, and individual needs (group sessions come on top).
    default_weeks : int
        Length of the planning period when ``weeks`` is not given.
    schools : int
        Schools with a children's day club (group sessions, two helpers, every weekday).
    group_sessions : int
        Socio-therapy clubs and self-help groups (one weekly session each).
    neighbour_providers : int
        Neighbour-service providers (usługi sąsiedzkie).
    minors : int
        Helpers aged 13-17.
    required_needs : int
        Needs marked ``required``, each built so that one helper can meet all its visits.
    care_share : float
        Share of older residents who receive formal care services on weekday mornings.
    ipus_share : float
        Share of residents whose needs belong to an individual plan (IPUS).
    car_share, bike_share, bus_share : float
        Shares of helpers who can travel by car, bike, bus (everyone can walk).
    travel_limit_factor : float
        Multiplies helpers' travel limits: city volunteers help in their own neighbourhood.
    uk_share : float
        Share of helpers who speak Ukrainian.
    personas : tuple of (str, float)
        Weights of helper personas: ``senior``, ``student``, ``worker``, ``self_help``.
    resident_mix : tuple of (str, float)
        Weights of resident situations (see ``docs/generator.md``).
    within_place_minutes : float
        Travel between two addresses in one village or district.
    visit_factor : float
        Multiplies the number of weekdays of weekly needs (randomly rounded, at most the
        weekdays allowed): city trips are short, so visits are more frequent.
    showcase : bool
        Make sure the instance shows each interesting exclusion at least once (a helper who
        lived abroad without foreign record information, a missing register check, a short
        unwritten agreement without accident insurance).
    """

    name: str
    title: str
    description: str
    population: int
    setting: str
    places: tuple[int, int]
    helpers: tuple[int, int]
    residents: tuple[int, int]
    needs: tuple[int, int]
    default_weeks: int
    schools: int = 0
    group_sessions: int = 0
    neighbour_providers: int = 0
    minors: int = 0
    required_needs: int = 1
    care_share: float = 0.0
    ipus_share: float = 0.0
    car_share: float = 0.4
    bike_share: float = 0.15
    bus_share: float = 0.3
    uk_share: float = 0.05
    personas: tuple[tuple[str, float], ...] = field(
        default=(("senior", 0.35), ("student", 0.25), ("worker", 0.32), ("self_help", 0.08)))
    resident_mix: tuple[tuple[str, float], ...] = field(
        default=(("elderly_alone", 0.5), ("elderly_frail", 0.12), ("family_children", 0.17),
                 ("carer", 0.08), ("disabled", 0.07), ("refugee", 0.06)))
    within_place_minutes: float = 5.0
    travel_limit_factor: float = 1.0
    visit_factor: float = 1.0
    showcase: bool = False


#: The documented profiles, by name.
PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny", title="Tiny example (synthetic, seed {seed})",
        description="2-3 villages, 3-4 helpers, 3 residents, 4-5 needs, 1 week: for doctests",
        population=1_000, setting="tiny", places=(2, 3), helpers=(3, 4), residents=(3, 3),
        needs=(4, 5), default_weeks=1, required_needs=1, car_share=0.5, uk_share=0.0,
        personas=(("senior", 0.4), ("student", 0.3), ("worker", 0.3)),
        resident_mix=(("elderly_alone", 0.6), ("family_children", 0.2), ("disabled", 0.2)),
        within_place_minutes=10.0,
    ),
    "rural": Profile(
        name="rural", title="Gmina Bukowsko (synthetic, seed {seed})",
        description=("mountain gmina of ~5,000 in 15-20 villages, road network and one bus "
                     "line, few volunteers, many older people living alone"),
        population=5_000, setting="bukowsko", places=(16, 20), helpers=(28, 36),
        residents=(60, 72), needs=(100, 115), default_weeks=2, schools=3, group_sessions=2,
        neighbour_providers=2, minors=1, required_needs=2, care_share=0.25, ipus_share=0.15,
        car_share=0.55, bike_share=0.08, bus_share=0.3, uk_share=0.06,
        personas=(("senior", 0.4), ("student", 0.2), ("worker", 0.32), ("self_help", 0.08)),
        resident_mix=(("elderly_alone", 0.55), ("elderly_frail", 0.12),
                      ("family_children", 0.15), ("carer", 0.08), ("disabled", 0.06),
                      ("refugee", 0.04)),
        within_place_minutes=10.0, showcase=True,
    ),
    "town": Profile(
        name="town", title="Town of ~30,000 (synthetic, seed {seed})",
        description="town of ~30,000 in ~8 districts, great-circle travel, care on weekdays only",
        population=30_000, setting="town", places=(7, 9), helpers=(112, 128),
        residents=(190, 210), needs=(285, 310), default_weeks=2, schools=2, group_sessions=2,
        neighbour_providers=3, minors=3, required_needs=3, care_share=0.35, ipus_share=0.12,
        car_share=0.4, bike_share=0.2, bus_share=0.6, uk_share=0.07,
        personas=(("senior", 0.33), ("student", 0.3), ("worker", 0.3), ("self_help", 0.07)),
        within_place_minutes=8.0,
    ),
    "city": Profile(
        name="city", title="City of ~200,000 (synthetic, seed {seed})",
        description="city of ~200,000 in ~30 districts, ~3,000 helpers and ~3,000 needs",
        population=200_000, setting="city", places=(28, 32), helpers=(2900, 3100),
        residents=(1900, 2100), needs=(2900, 3100), default_weeks=1, schools=10,
        group_sessions=6, neighbour_providers=25, minors=90, required_needs=10,
        care_share=0.3, ipus_share=0.1, car_share=0.3, bike_share=0.25, bus_share=0.8,
        uk_share=0.1,
        personas=(("senior", 0.28), ("student", 0.37), ("worker", 0.3), ("self_help", 0.05)),
        resident_mix=(("elderly_alone", 0.45), ("elderly_frail", 0.12),
                      ("family_children", 0.18), ("carer", 0.08), ("disabled", 0.07),
                      ("refugee", 0.1)),
        within_place_minutes=8.0, visit_factor=1.38, travel_limit_factor=0.5,
    ),
}


# --------------------------------------------------------------------------------------------
# Geography

#: ``(id, name, lat, lon, population weight)``. Names of villages of the Bukowsko area
#: (Bukowsko-Wola is made up); coordinates are approximate, placed by hand; weights are
#: assumptions.
BUKOWSKO = (
    ("bukowsko", "Bukowsko", 49.4820, 22.0660, 16),
    ("nowotaniec", "Nowotaniec", 49.4420, 22.1180, 9),
    ("pobiedno", "Pobiedno", 49.4560, 22.0350, 6),
    ("nadolany", "Nadolany", 49.4700, 22.1190, 5),
    ("zboiska", "Zboiska", 49.5200, 22.0700, 7),
    ("wola-sekowa", "Wola Sękowa", 49.4960, 22.0880, 7),
    ("karlikow", "Karlików", 49.4250, 22.1000, 4),
    ("plonna", "Płonna", 49.4620, 22.1530, 5),
    ("dudynce", "Dudyńce", 49.5080, 22.0450, 6),
    ("tokarnia", "Tokarnia", 49.4380, 22.1450, 4),
    ("wolica", "Wolica", 49.4720, 22.0150, 5),
    ("markowce", "Markowce", 49.4500, 22.1700, 4),
    ("belchowka", "Bełchówka", 49.4300, 22.1650, 3),
    ("pielnia", "Pielnia", 49.4150, 22.1150, 4),
    ("kamienne", "Kamienne", 49.4120, 22.0780, 3),
    ("bukowsko-wola", "Bukowsko-Wola", 49.4930, 22.0520, 3),
    ("wola-piotrowa", "Wola Piotrowa", 49.4420, 22.0300, 3),
    ("nagorzany", "Nagórzany", 49.4780, 22.0900, 3),
    ("rudawka", "Rudawka", 49.4250, 22.0450, 2),
    ("wysoczany", "Wysoczany", 49.5050, 22.1050, 2),
)
#: Villages always present: the three schools with day clubs, the socio-therapy club, the bus
#: line.
BUKOWSKO_CORE = ("bukowsko", "nowotaniec", "pobiedno", "nadolany", "zboiska", "wola-sekowa",
                 "karlikow")
#: The bus line's main stops, in order; it also stops in every village on the roads between.
BUS_LINE = ("zboiska", "wola-sekowa", "bukowsko", "nadolany", "nowotaniec", "karlikow")
#: Children's day clubs: school village and the club's fixed time (1.5 h after lessons).
RURAL_CLUBS = (("bukowsko", "13:30", "15:00"), ("nowotaniec", "13:00", "14:30"),
               ("pobiedno", "14:00", "15:30"))

#: District names of the town profile, the centre first.
TOWN_DISTRICTS = ("Śródmieście", "Posada", "Olchowce", "Dąbrówka", "Błonie", "Wójtostwo",
                  "Zatwarnica", "Biała Góra", "Książęce")
#: District names of the city profile, the centre first.
CITY_DISTRICTS = (
    "Śródmieście", "Baranówka", "Drabinianka", "Staroniwa", "Pobitno", "Słocina", "Zalesie",
    "Budziwój", "Biała", "Przybyszówka", "Załęże", "Wilkowyja", "Nowe Miasto",
    "Krakowska-Południe", "Kmity", "Mieszka I", "Kotuli", "Pułaskiego", "Grota-Roweckiego",
    "Dąbrowskiego", "Słowackiego", "Króla Augusta", "Tysiąclecia", "Paderewskiego", "Bzianka",
    "Matysówka", "Miłocin", "Zwięczyca", "Piastów", "Staromieście", "Zimowit",
    "Generała Andersa",
)
#: ``(lat, lon, radius km)`` of the town and the city: districts are placed around the centre.
CENTRES = {"town": (49.5560, 22.2050, 3.0), "city": (50.0410, 21.9990, 6.0)}

#: Speeds on winding mountain roads (km/h).
MOUNTAIN_CAR_KMH = 40.0
MOUNTAIN_BIKE_KMH = 12.0
WALK_KMH = 4.5
#: Road km: walking only between neighbouring villages.
MAX_WALK_EDGE_KM = 4.5

# --------------------------------------------------------------------------------------------
# People

#: Helpers' synthetic display names: a common first name and a surname initial.
FIRST_NAMES = ("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
               "Krystyna", "Elżbieta", "Zofia", "Joanna", "Magdalena", "Halina", "Teresa",
               "Natalia", "Julia", "Zuzanna", "Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz",
               "Paweł", "Marek", "Stanisław", "Józef", "Michał", "Kacper", "Jakub", "Szymon",
               "Mateusz", "Wiktor")
UK_FIRST_NAMES = ("Oksana", "Olena", "Iryna", "Natalija", "Taras", "Andrij", "Bohdan")
INITIALS = "BCDFGHJKLMNOPRSTWZ"

#: Helper personas -> the chance of taking each category into their agreement.
CATEGORY_TASTE: dict[str, tuple[tuple[str, float], ...]] = {
    "senior": (("companionship", 0.8), ("shopping", 0.5), ("walk", 0.45), ("escort", 0.3),
               ("transport", 0.4), ("homework_help", 0.2), ("childrens_club", 0.3),
               ("respite", 0.15), ("home_repair", 0.15), ("group_session", 0.1),
               ("digital_help", 0.05)),
    "student": (("homework_help", 0.6), ("digital_help", 0.6), ("childrens_club", 0.35),
                ("walk", 0.35), ("companionship", 0.35), ("shopping", 0.3),
                ("transport", 0.2), ("group_session", 0.1), ("home_repair", 0.1)),
    "worker": (("shopping", 0.45), ("transport", 0.6), ("escort", 0.3), ("home_repair", 0.4),
               ("companionship", 0.3), ("digital_help", 0.25), ("respite", 0.2), ("walk", 0.2),
               ("homework_help", 0.15), ("childrens_club", 0.1)),
    "self_help": (("group_session", 1.0), ("companionship", 0.4), ("walk", 0.2)),
    "minor": (("companionship", 0.7), ("walk", 0.7), ("digital_help", 0.7), ("shopping", 0.3)),
}
#: Personas -> the weekly hour caps they choose from.
CAPS = {"senior": (3.0, 4.0, 5.0, 6.0), "student": (2.0, 3.0, 4.0, 5.0),
        "worker": (2.0, 2.5, 3.0, 4.0), "self_help": (2.0, 3.0), "minor": (2.0, 3.0),
        "neighbour": (6.0, 8.0)}
#: Personas -> multiplier of the profile's ``car_share``.
CAR_FACTOR = {"senior": 0.8, "student": 0.5, "worker": 1.3, "self_help": 0.7, "minor": 0.0,
              "neighbour": 1.0}

#: Resident situations -> weights of the categories of their needs.
NEEDS_BY_TYPE: dict[str, tuple[tuple[str, float], ...]] = {
    "elderly_alone": (("shopping", 5), ("companionship", 5), ("walk", 2), ("escort", 2),
                      ("transport", 2), ("digital_help", 2), ("home_repair", 1.5),
                      ("personal_care", 0.8), ("psychotherapy", 0.4),
                      ("addiction_therapy", 0.2)),
    "elderly_frail": (("personal_care", 2), ("escort", 3), ("transport", 3), ("shopping", 3),
                      ("companionship", 2), ("walk", 2)),
    "family_children": (("homework_help", 6), ("digital_help", 1), ("psychotherapy", 0.5)),
    "carer": (("respite", 6), ("shopping", 2), ("escort", 1)),
    "disabled": (("transport", 3), ("walk", 3), ("companionship", 2), ("digital_help", 1),
                 ("home_repair", 1), ("addiction_therapy", 0.3)),
    "refugee": (("homework_help", 3), ("digital_help", 3), ("escort", 2)),
}
#: Situations of older or disabled residents: formal care, required needs, neighbour service.
OLDER = ("elderly_alone", "elderly_frail", "disabled")


# --------------------------------------------------------------------------------------------
# A national sample: gminas of each kind in the proportions of the published counts

#: Polish gminas by kind, 1 January 2019 (GUS, "Powierzchnia i ludność w przekroju terytorialnym
#: w 2019 r."): 2,477 gminas = 1,537 rural + 638 urban-rural + 302 urban, of which 66 are also
#: cities with powiat rights. Each stratum is ``(kind, profile, scale, count)``: the generator
#: profile and scale that stand for a gmina of that kind (``docs/generator.md`` explains the
#: mapping and its limits).
GMINA_STRATA: tuple[tuple[str, str, float, int], ...] = (
    ("rural", "rural", 1.0, 1_537),
    # The generator has no town-and-villages setting: the village road network of the rural
    # profile at twice the people (~10,000, a typical urban-rural gmina) stands in for one.
    ("urban-rural", "rural", 2.0, 638),
    ("urban", "town", 1.0, 302 - 66),
    ("urban", "city", 1.0, 66),
)


@frozen
class SampleGmina:
    """One gmina of a :func:`national_sample`: its kind and the recipe that generates it."""

    kind: str
    profile: str
    seed: int
    scale: float

    @property
    def label(self) -> str:
        """A short name for tables: ``rural-417``, ``urban-rural-9051``."""
        return f"{self.kind}-{self.seed}" if self.profile != "city" else f"city-{self.seed}"


def national_sample(n: int, *, seed: int = 0, scale: float = 1.0) -> tuple[SampleGmina, ...]:
    """``n`` gminas drawn so each kind comes in its national proportion.

    The ``n`` places are shared among the strata of :data:`GMINA_STRATA` by their counts
    (largest remainders, ties to the larger stratum), and each gmina gets its own generator seed,
    drawn without repetition from ``seed``: the same arguments give the same sample.

    Parameters
    ----------
    n : int
        Gminas to draw (at least 1).
    seed : int
        Seed of the draw of generator seeds.
    scale : float
        Multiplies every stratum's scale (smaller instances for a quick study).

    Returns
    -------
    tuple of SampleGmina
        Rural first, then urban-rural, towns, cities; by seed within a kind.

    Examples
    --------
    >>> sample = national_sample(40, seed=1)
    >>> from collections import Counter
    >>> sorted(Counter(g.label.rsplit("-", 1)[0] for g in sample).items())
    [('city', 1), ('rural', 25), ('urban', 4), ('urban-rural', 10)]
    >>> national_sample(40, seed=1) == sample
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidOptionError(f"n must be a whole number >= 1, got {n!r}")
    total = sum(count for *_, count in GMINA_STRATA)
    quotas = [n * count / total for *_, count in GMINA_STRATA]
    shares = [int(q) for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - shares[i]),
                                                      -GMINA_STRATA[i][3]))
    for i in order[:n - sum(shares)]:
        shares[i] += 1
    # A string seed is hashed with SHA-512 by `random`, not with Python's salted hash, so the
    # draw is the same in every process.
    rng = random.Random(f"cus_match national sample {seed}")
    out: list[SampleGmina] = []
    for (kind, profile, factor, _count), k in zip(GMINA_STRATA, shares, strict=True):
        seeds = sorted(rng.sample(range(1, 1_000_000), k))
        out.extend(SampleGmina(kind, profile, s, factor * scale) for s in seeds)
    return tuple(out)
