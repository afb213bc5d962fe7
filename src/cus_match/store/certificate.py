"""The certificate of volunteering (zaświadczenie o wykonaniu świadczeń przez wolontariusza).

Art. 44 ust. 2 of the Polish act of 24 April 2003 on public-benefit activity and volunteering
obliges the organisation, at the volunteer's request, to certify in writing the services the
volunteer performed, including their scope; the time spent is added when asked. A
:class:`Certificate` holds what the store knows (approved visits by category over a period)
and renders it as plain text or printable HTML (Jinja2, auto-escaped), in Polish or English.
The volunteer's name is the one stored with the rounds (the helper's ``name`` in the instance),
or the caller's; without either, the id is shown. The Polish text is impersonal ("wykonano
świadczenia ... Świadczenia wykonane przez: ..."): the store does not know the volunteer's
gender, and ``wykonywał(a)`` is no way to address a person.

Examples
--------
>>> c = Certificate(organisation="Centrum Usług Społecznych w Bukowsku", volunteer_id="h-00001",
...                 period=DateRange("2026-03-01", "2026-03-31"), issued_on="2026-04-02",
...                 services=[ServiceLine("shopping", "Zakupy", "Shopping", 4, 270)],
...                 name="Anna Nowak", place="Bukowsko")
>>> print(c.text("pl"))  # doctest: +NORMALIZE_WHITESPACE
Centrum Usług Społecznych w Bukowsku
Bukowsko, 02.04.2026 r.
<BLANKLINE>
ZAŚWIADCZENIE
o wykonaniu świadczeń przez wolontariusza
<BLANKLINE>
Na podstawie art. 44 ust. 2 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku
publicznego i o wolontariacie Centrum Usług Społecznych w Bukowsku zaświadcza, że w okresie od
01.03.2026 r. do 31.03.2026 r. na jego rzecz wykonano świadczenia wolontariusza. Świadczenia
wykonane przez: Anna Nowak. Zakres świadczeń:
  - Zakupy (4 wizyty, 4,5 godz.)
Łączny czas wykonanych świadczeń: 4,5 godz.
<BLANKLINE>
Identyfikator wolontariusza: h-00001
<BLANKLINE>
<BLANKLINE>
..................................................
(podpis osoby upoważnionej do reprezentowania korzystającego)
>>> "&lt;b&gt;" in Certificate(organisation="<b>CUS</b>", volunteer_id="h1",
...     period=c.period, issued_on="2026-04-02", services=c.services).html("en")
True
"""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

from attrs import field, frozen

from cus_match.errors import InvalidOptionError
from cus_match.lang import count, local_name, long_date, number, pick, plural, short_date
from cus_match.model import DateRange
from cus_match.model.validators import to_date, to_tuple

__all__ = ["Certificate", "ServiceLine"]

_TEXTS: dict[str, dict[str, Any]] = {
    "pl": {
        "title": "ZAŚWIADCZENIE",
        "subtitle": "o wykonaniu świadczeń przez wolontariusza",
        # Impersonal, so that no verb or noun takes a gender the store does not know, and
        # the name stays in the nominative after the colon (no declension of names).
        "intro": "Na podstawie art. 44 ust. 2 ustawy z dnia 24 kwietnia 2003 r. o działalności "
                 "pożytku publicznego i o wolontariacie {org} zaświadcza, że w okresie od "
                 "{start} do {end} na jego rzecz wykonano świadczenia wolontariusza. "
                 "Świadczenia wykonane przez: {who} Zakres świadczeń:",
        "who_id": "osoba o identyfikatorze {id}",
        "total": "Łączny czas wykonanych świadczeń: {hours}",
        "reference": "Identyfikator wolontariusza",
        "issued": "{place}, {date}",
        "issued_no_place": "Data wystawienia: {date}",
        "signature": "(podpis osoby upoważnionej do reprezentowania korzystającego)",
        "visits": ("wizyta", "wizyty", "wizyt"),
        "hours": ("{n} godz.",) * 3,
    },
    "en": {
        "title": "CERTIFICATE",
        "subtitle": "of services performed by a volunteer",
        "intro": "Under Article 44(2) of the Polish Act of 24 April 2003 on Public Benefit "
                 "Activity and Volunteering, {org} certifies that volunteer services were "
                 "performed for it from {start} to {end}. Services performed by: {who} "
                 "Scope of the services:",
        "who_id": "the volunteer with identifier {id}",
        "total": "Total time of the services: {hours}",
        "reference": "Volunteer identifier",
        "issued": "{place}, {date}",
        "issued_no_place": "Issued on {date}",
        "signature": "(signature of the person authorised to represent the organisation)",
        "visits": ("visit", "visits"),
        "hours": ("{n} hour", "{n} hours"),
    },
}


# How the document dates itself: a Polish letter writes "02.04.2026 r.".
_DATES = {
    "en": lambda d: long_date(d, "en"),
    "pl": lambda d: f"{short_date(d, 'pl')} r.",
}


def _date(d: date, lang: str) -> str:
    return pick(_DATES, lang)(d)


def _hours(minutes: int, lang: str) -> str:
    # Up to two decimals, trailing zeros dropped: 4.5, 12, 1.25.
    hours = minutes / 60
    forms = pick(_TEXTS, lang)["hours"]
    return plural(hours, lang, *forms).format(n=number(hours, lang, 2, trim=True))


def _visits(n: int, lang: str) -> str:
    return count(n, lang, *pick(_TEXTS, lang)["visits"])


@frozen
class ServiceLine:
    """Visits and minutes of one category of service.

    Parameters
    ----------
    category : str
        The category id.
    name_pl, name_en : str
        Its display names (the id is shown when empty).
    visits : int
        Approved visits.
    minutes : int
        Their total length.
    """

    category: str
    name_pl: str
    name_en: str
    visits: int
    minutes: int

    def name(self, lang: str = "pl") -> str:
        """The category's name in ``lang`` (its id when the name is empty)."""
        return local_name(self, lang, default=self.category)


def _not_blank(_inst: Any, attribute: Any, value: str) -> None:
    if not value.strip():
        raise InvalidOptionError(f"{attribute.name} must not be empty")


@frozen
class Certificate:
    """A certificate of volunteering over a period.

    Parameters
    ----------
    organisation : str
        The organisation issuing it (the *korzystający*, e.g. the CUS).
    volunteer_id : str
        The helper's id in the store.
    period : DateRange
        The period certified.
    services : sequence of ServiceLine
        The scope: approved visits by category, sorted by category id.
    issued_on : date
        Date of issue.
    name : str, optional
        The volunteer's name (:meth:`HistoryStore.certificate
        <cus_match.store.history.HistoryStore.certificate>` gives the stored one); otherwise
        the id is shown.
    place : str
        Place of issue (e.g. ``"Bukowsko"``).
    include_hours : bool
        State the hours (the volunteer may ask for them); the scope is always stated.
    """

    organisation: str = field(validator=_not_blank)
    volunteer_id: str
    period: DateRange
    services: tuple[ServiceLine, ...] = field(converter=to_tuple)
    issued_on: date = field(converter=to_date)
    name: str | None = None
    place: str = ""
    include_hours: bool = True

    @property
    def visits(self) -> int:
        """Approved visits in the period."""
        return sum(s.visits for s in self.services)

    @property
    def minutes(self) -> int:
        """Minutes of service in the period."""
        return sum(s.minutes for s in self.services)

    @property
    def hours(self) -> float:
        """Hours of service in the period."""
        return self.minutes / 60

    def _context(self, lang: str) -> dict[str, Any]:
        t = pick(_TEXTS, lang)
        who = self.name if self.name else t["who_id"].format(id=self.volunteer_id)
        issued = _date(self.issued_on, lang)
        services = []
        for s in self.services:
            detail = _visits(s.visits, lang)
            if self.include_hours:
                detail += ", " + _hours(s.minutes, lang)
            services.append({"name": s.name(lang), "detail": detail})
        return {
            "c": self, "t": t, "lang": lang, "who": who, "services": services,
            # The name ends the sentence: "Anna K." takes no second full stop.
            "intro": t["intro"].format(org=self.organisation,
                                       who=who if who.endswith(".") else who + ".",
                                       start=_date(self.period.start, lang),
                                       end=_date(self.period.end, lang)),
            "issued_line": (t["issued"].format(place=self.place, date=issued) if self.place
                            else t["issued_no_place"].format(date=issued)),
            "total": (t["total"].format(hours=_hours(self.minutes, lang))
                      if self.include_hours else ""),
        }

    def text(self, lang: str = "pl") -> str:
        """The certificate as plain text (wrapped at 92 columns), in ``"pl"`` or ``"en"``."""
        ctx = self._context(lang)
        ctx["t"] = dict(ctx["t"], intro=textwrap.fill(ctx["intro"], width=92))
        return _render("certificate.txt.j2", ctx, html=False)

    def html(self, lang: str = "pl") -> str:
        """The certificate as a printable HTML page (every value escaped)."""
        ctx = self._context(lang)
        ctx["t"] = dict(ctx["t"], intro=ctx["intro"])
        return _render("certificate.html.j2", ctx, html=True)


def _render(template: str, ctx: dict[str, Any], *, html: bool) -> str:
    try:
        import jinja2
    except ImportError as e:  # pragma: no cover - jinja2 is in the report extra
        raise InvalidOptionError("certificates need jinja2: pip install 'cus-match[report]'"
                                 ) from e
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cus_match.store", "templates"),
        autoescape=html, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(template).render(**ctx)
