"""The vectorised per-helper tables: every constraint of a pair, on whole columns of helpers.

:class:`HelperTables` applies every constraint that does not depend on the rest of the plan
(H1-H3, H5-H10, skills, languages, travel, absences, common time windows), with the meaning
:mod:`cus_match.model.eligibility` gives them per pair, but on whole columns of helpers at once:
numpy masks over the helpers (in id order) per need, built from a few instance-wide tables

* travel minutes from every helper's home to every place per mode (so the fastest allowed mode and
  the travel reach of a place are one vectorised step; helpers beyond reach of a need are counted
  as ``too_far`` without further checks),
* per agreed category, skill, language and qualification, a boolean column; vetoes, family links
  and accepted neighbours stay sparse,
* per date of the period, one byte per helper with the dated checks that fail (child protection,
  agreement dates, insurance, safety briefing, neighbour rules, credentials, absence),
* per weekday, the helpers grouped by their availability pattern, so the feasible starts of an
  occurrence are computed once per pattern by broadcasting its start grid against the pattern's
  windows on that date (:class:`GridFits`).

:func:`candidate_columns` turns them into the eligible helpers of each occurrence of a need, as
plain columns; :mod:`cus_match.compat.graph` makes the :class:`~cus_match.compat.graph.Candidate`
records of them. :class:`NeedExclusions` says why the other helpers are not eligible.

Examples
--------
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> tables = HelperTables(inst)
>>> tables.n == len(inst.helpers), tables.ids == sorted(h.id for h in inst.helpers)
(True, True)
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, time
from typing import Any, TypeAlias

import numpy as np

from cus_match.clock import local_to_minutes
from cus_match.model import CredentialKind, HelperKind, Need, Resident, TravelMode
from cus_match.model.eligibility import (
    LONG_SERVICE_DAYS,
    matchable,
    needs_child_protection,
    oral_window,
    prior_dates,
    required_qualifications,
)
from cus_match.model.instance import Instance
from cus_match.model.occurrences import (
    FormalVisit,
    Interval,
    Occurrence,
    formal_visits,
    need_dates,
)
from cus_match.reasons import Reason

__all__ = ["Columns", "FitsCache", "GridFits", "HelperTables", "NeedExclusions",
           "candidate_columns", "covering_service", "start_grid", "starts_in"]

# ---------------------------------------------------------------------------------------------
# Instance-wide tables

_MODES = tuple(TravelMode)  # also the tie order of TravelTimes.best
_MODE_OBJ = np.array(_MODES, dtype=object)
_WALK = _MODES.index(TravelMode.WALK)
# Date ordinals standing for a missing date: "never on or before" / "never on or after".
_NEVER_BEFORE = 1 << 40
_NEVER_AFTER = -(1 << 40)
# Padding of availability windows that no start can fit.
_NO_WINDOW = 1 << 60

# The dated checks of eligibility.dated_reasons, one bit each. Credentials take two bits (first
# aid, fitness declaration) for one reason, because the category decides which of them applies.
(_CP, _AG_DATES, _NNW, _BHP, _NEIGHBOUR, _FIRST_AID, _FITNESS, _ABSENT,
 _NOT_WRITTEN) = (1 << k for k in range(9))
_NBITS = 9
_DATED: tuple[tuple[int, Reason], ...] = (
    (_CP, Reason.CHILD_PROTECTION), (_AG_DATES, Reason.AGREEMENT_DATES),
    (_NNW, Reason.ACCIDENT_INSURANCE), (_BHP, Reason.SAFETY_BRIEFING),
    (_NEIGHBOUR, Reason.NEIGHBOUR_RULES), (_FIRST_AID | _FITNESS, Reason.CREDENTIAL),
    (_ABSENT, Reason.ABSENT), (_NOT_WRITTEN, Reason.AGREEMENT_NOT_WRITTEN),
)
# Checks every need makes.
_ALWAYS = _AG_DATES | _NNW | _BHP | _NEIGHBOUR | _ABSENT | _NOT_WRITTEN

_REASONS = tuple(Reason)
_CODE = {r: k for k, r in enumerate(_REASONS)}


def _dated_lookup() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # For each pattern of failed dated checks: which reasons it stands for, how many, and the
    # reason when it is the only one (-1 otherwise).
    size = 1 << _NBITS
    has = np.zeros((size, len(_DATED)), dtype=np.int64)
    n = np.zeros(size, dtype=np.int16)
    single = np.full(size, -1, dtype=np.int16)
    for f in range(size):
        rs = [r for bits, r in _DATED if f & bits]
        has[f] = [bool(f & bits) for bits, _ in _DATED]
        n[f] = len(rs)
        if len(rs) == 1:
            single[f] = _CODE[rs[0]]
    return has, n, single


_DATED_HAS, _DATED_N, _DATED_SINGLE = _dated_lookup()
_DATED_REASONS = tuple(r for _, r in _DATED)


def _ordinals(days: Iterable[date | None], missing: int) -> np.ndarray:
    return np.array([missing if d is None else d.toordinal() for d in days], dtype=np.int64)


class HelperTables:
    """Arrays over the helpers (sorted by id), places and period dates of one instance.

    Plainly mutable: the instance-wide arrays are made here, the columns, masks, trips and
    windows that only some needs ask for are cached on first use (in dictionaries that only
    grow; an entry, once made, is never changed, and callers must not change the arrays they
    are given). Two threads filling the same entry at once compute it twice, with one result.

    Parameters
    ----------
    inst : Instance
        The instance; it must not change while the tables are in use.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> t = HelperTables(inst)
    >>> t.flags.shape == (inst.policy.period.days, len(inst.helpers))
    True
    >>> col = t.column("agreement", "shopping")
    >>> col.tolist() == [h.agreement is not None and "shopping" in h.agreement.categories
    ...                  for h in t.helpers]
    True
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        hs = sorted(inst.helpers, key=lambda h: h.id)
        n = len(hs)
        self.helpers = hs
        self.n = n
        self.ids = [h.id for h in hs]
        self.ids_obj = np.array(self.ids, dtype=object)
        self.pos = {hid: k for k, hid in enumerate(self.ids)}
        place_ids = [p.id for p in inst.places]
        self.place_pos = {p: i for i, p in enumerate(place_ids)}
        self.travel = inst.travel.matrix(place_ids)
        self.home = np.array([self.place_pos[h.home] for h in hs], dtype=np.intp)
        self.has_mode = np.array([[m in h.modes for h in hs] for m in _MODES],
                                 dtype=bool).reshape(len(_MODES), n)
        self.max_travel = np.array([h.max_travel_minutes for h in hs], dtype=np.float64)

        def flag(values: Iterable[bool]) -> np.ndarray:
            return np.fromiter(values, dtype=bool, count=n)

        ags = [h.agreement for h in hs]
        self.has_agreement = flag(a is not None for a in ags)
        self.minor = flag(h.is_minor for h in hs)
        self.no_consent = self.minor & ~flag(h.guardian_consent for h in hs)
        self.neighbour = flag(h.kind is HelperKind.NEIGHBOUR_SERVICE for h in hs)
        self.any_without_agreement = not self.has_agreement.all()
        self.any_minor = bool(self.minor.any())
        self.any_neighbour = bool(self.neighbour.any())
        self.family: dict[str, list[int]] = defaultdict(list)
        self.vetoes_resident: dict[str, list[int]] = defaultdict(list)
        for k, h in enumerate(hs):
            for r in h.family_of:
                self.family[r].append(k)
            for r in h.vetoes_residents:
                self.vetoes_resident[r].append(k)
        self._columns: dict[tuple[str, str], np.ndarray] = {}
        self._sets: dict[tuple[str, frozenset[str], bool], np.ndarray] = {}
        self._categories: dict[str, list[tuple[Reason, np.ndarray]]] = {}
        self._languages: dict[tuple[frozenset[str], frozenset[str]], np.ndarray] = {}
        self._places: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.day0 = inst.policy.period.start
        self.flags = self._dated_flags(inst.policy.period.days)
        self._patterns()
        self._windows: dict[date, tuple[np.ndarray, np.ndarray, list[list[Interval]]]] = {}
        self._minutes: dict[tuple[date, time], int] = {}
        self._formal: dict[str, tuple[np.ndarray, np.ndarray]] | None = None

    # Helper columns ----------------------------------------------------------------------
    def column(self, kind: str, token: str) -> np.ndarray:
        """Helpers having ``token`` among their ``kind``.

        ``kind`` is a helper attribute (``skills``, ``languages``, ``qualifications``,
        ``vetoes_categories``) or ``agreement`` for the agreed categories.
        """
        key = (kind, token)
        col = self._columns.get(key)
        if col is None:
            hs = self.helpers
            if kind == "agreement":
                it: Iterator[bool] = (h.agreement is not None and token in h.agreement.categories
                                      for h in hs)
            else:
                it = (token in getattr(h, kind) for h in hs)
            col = self._columns[key] = np.fromiter(it, dtype=bool, count=self.n)
        return col

    def has_all(self, kind: str, tokens: frozenset[str]) -> np.ndarray:
        """Helpers having every one of ``tokens`` (do not modify: shared)."""
        key = (kind, tokens, True)
        out = self._sets.get(key)
        if out is None:
            out = np.ones(self.n, dtype=bool)
            for t in tokens:
                out &= self.column(kind, t)
            self._sets[key] = out
        return out

    def has_any(self, kind: str, tokens: frozenset[str]) -> np.ndarray:
        """Helpers having at least one of ``tokens`` (do not modify: shared)."""
        key = (kind, tokens, False)
        out = self._sets.get(key)
        if out is None:
            out = np.zeros(self.n, dtype=bool)
            for t in tokens:
                out |= self.column(kind, t)
            self._sets[key] = out
        return out

    def among(self, ids: Iterable[str] | Iterable[int]) -> np.ndarray:
        """Mask of the helpers with these ids (or positions)."""
        out = np.zeros(self.n, dtype=bool)
        ks = [self.pos.get(x) if isinstance(x, str) else x for x in ids]
        out[[k for k in ks if k is not None]] = True
        return out

    def place(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per helper, the trip from home to place ``p`` over the helper's own modes.

        Returns the fastest minutes (``inf``: unreachable), that mode's index in
        :class:`TravelMode` order, and whether it is within the helper's travel limit.
        """
        got = self._places.get(p)
        if got is None:
            col = self.travel[:, self.home, p]
            best = np.full(self.n, np.inf)
            mode = np.full(self.n, -1, dtype=np.int8)
            for k in range(len(_MODES)):  # strict "<": ties keep the earlier mode
                v = np.where(self.has_mode[k], col[k], np.inf)
                better = v < best
                best[better] = v[better]
                mode[better] = k
            got = self._places[p] = (best, mode, best <= self.max_travel)
        return got

    # Dated checks --------------------------------------------------------------------------
    def _dated_flags(self, days: int) -> np.ndarray:
        """Failed dated checks per (period day, helper), as bits."""
        inst = self.inst
        hs = self.helpers
        cr = [h.credentials for h in hs]
        day = np.arange(days, dtype=np.int64)[:, None] + self.day0.toordinal()
        # Checks made "before the start" (H1, H5): strictly before the day unless the policy
        # accepts the day itself (eligibility.checked_before).
        shift = 0 if inst.policy.checks_on_visit_day else 1

        def before(xs: Iterable[date | None]) -> np.ndarray:  # "on or before the day"
            return _ordinals(xs, _NEVER_BEFORE)[None, :] <= day

        def checked(xs: Iterable[date | None]) -> np.ndarray:
            return _ordinals(xs, _NEVER_BEFORE)[None, :] <= day - shift

        def after(xs: Iterable[date | None]) -> np.ndarray:  # "on or after the day"
            return _ordinals(xs, _NEVER_AFTER)[None, :] >= day

        abroad = np.array([c.lived_abroad_recently for c in cr], dtype=bool)
        child_ok = (checked(c.rsps_checked_on for c in cr)
                    & checked(c.krk_presented_on for c in cr)
                    & (~abroad | checked(c.foreign_record_on for c in cr)))
        ags = [h.agreement for h in hs]
        valid_from = _ordinals((None if a is None else a.valid_from for a in ags), _NEVER_BEFORE)
        valid_to = _ordinals((None if a is None else a.valid_to for a in ags), _NEVER_BEFORE)
        covers = (valid_from <= day) & (day <= valid_to)
        # The span of service (H2, H3): oral agreements serve within a 30-day window; the
        # insurance covers the earlier service and the day, unless these alone exceed 30 days.
        windows = [oral_window(inst, h) for h in hs]
        oral = np.array([w is not None for w in windows], dtype=bool)
        w_lo = _ordinals((None if w is None else w[0] for w in windows), _NEVER_AFTER)
        w_hi = _ordinals((None if w is None else w[1] for w in windows), _NEVER_BEFORE)
        in_window = (w_lo <= day) & (day <= w_hi)
        prior = [prior_dates(inst, h) for h in hs]
        has_prior = np.array([bool(p) for p in prior], dtype=bool)
        p_lo = _ordinals((p[0] if p else None for p in prior), _NEVER_BEFORE)
        p_hi = _ordinals((p[-1] if p else None for p in prior), _NEVER_AFTER)
        lo = np.minimum(day, p_lo)
        hi = np.maximum(day, p_hi)
        exempt = has_prior & (hi - lo + 1 > LONG_SERVICE_DAYS)
        insured = (_ordinals((c.nnw_valid_to for c in cr), _NEVER_AFTER)[None, :] >= hi) & (
            _ordinals((c.nnw_valid_from for c in cr), _NEVER_AFTER)[None, :] <= lo)
        first_aid = after(c.first_aid_valid_to for c in cr)
        fitness = before(c.fitness_declared_on for c in cr)
        accepted = before(c.organiser_accepted_on for c in cr)
        nb = self.neighbour
        flags = np.zeros((days, self.n), dtype=np.uint16)
        flags[~child_ok] |= _CP
        flags[self.has_agreement & ~covers] |= _AG_DATES
        flags[oral & ~in_window] |= _NOT_WRITTEN
        flags[self.has_agreement & ~nb & ~exempt & ~insured] |= _NNW
        flags[~checked(c.bhp_briefed_on for c in cr)] |= _BHP
        flags[nb & ~(first_aid & fitness & accepted)] |= _NEIGHBOUR
        flags[~first_aid] |= _FIRST_AID
        flags[~fitness] |= _FITNESS
        for k, h in enumerate(hs):
            for r in h.unavailable:
                lo = max(0, (r.start - self.day0).days)
                hi = min(days - 1, (r.end - self.day0).days)
                if lo <= hi:
                    flags[lo:hi + 1, k] |= _ABSENT
        return flags

    def need_bits(self, need: Need, idx: np.ndarray) -> np.ndarray | int:
        """The dated checks that apply to ``need`` (as in ``date_profile``).

        For the helpers at positions ``idx``: one set of bits for all of them, or an array when
        family of the resident are among them (exempt from the child-protection checks).
        """
        creds = self.inst.category(need.category).requires_credentials
        base = _ALWAYS | (_FIRST_AID if CredentialKind.FIRST_AID in creds else 0) | (
            _FITNESS if CredentialKind.FITNESS_DECLARATION in creds else 0)
        if not needs_child_protection(self.inst, need):
            return base
        family = self.family.get(need.resident, []) if need.resident is not None else []
        exempt = self.among(family)[idx] if family else None
        if exempt is None or not exempt.any():
            return base | _CP
        return np.where(exempt, base, base | _CP).astype(np.uint16)

    def minutes(self, day: date, at: time) -> int:
        """``local_to_minutes`` in the policy's time zone, each (date, time) converted once."""
        key = (day, at)
        got = self._minutes.get(key)
        if got is None:
            got = self._minutes[key] = local_to_minutes(day, at, self.inst.policy.timezone)
        return got

    def formal_busy(self, resident: str | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Starts and ends of the resident's formal visits, absolute minutes (``None``: none)."""
        if resident is None:
            return None
        if self._formal is None:
            self._formal = {
                r: (np.array([v.start for v in vs], dtype=np.int64),
                    np.array([v.end for v in vs], dtype=np.int64))
                for r, vs in formal_visits(self.inst).items()}
        return self._formal.get(resident)

    def expand(self, need: Need) -> list[Occurrence]:
        """``occurrences.expand(inst, [need])``, with cached time conversions."""
        conv = self.minutes
        return [Occurrence(need.id, d, tuple(sorted((conv(d, w.start), conv(d, w.end))
                                                    for w in need.windows)),
                           need.duration_minutes) for d in need_dates(self.inst, need)]

    def day_index(self, day: date) -> int:
        """Row of ``day`` in :attr:`flags`."""
        return (day - self.day0).days

    # Availability ------------------------------------------------------------------------
    def _patterns(self) -> None:
        # Helpers share a few availability patterns per weekday (a senior's 09:00-12:00...), so
        # feasible starts are worked out per pattern, not per helper. Pattern 0: no window.
        self.pattern: list[np.ndarray] = []
        self.patterns: list[list[tuple[tuple[time, time], ...]]] = []
        for wd in range(7):
            index: dict[tuple[tuple[time, time], ...], int] = {(): 0}
            ids = np.zeros(self.n, dtype=np.intp)
            for k, h in enumerate(self.helpers):
                key = tuple(sorted((w.start, w.end) for w in h.availability if w.day.number == wd))
                ids[k] = index.setdefault(key, len(index))
            self.pattern.append(ids)
            self.patterns.append(list(index))
        self.pattern7 = np.stack(self.pattern)  # (weekday, helper)

    def windows(self, day: date) -> tuple[np.ndarray, np.ndarray, list[list[Interval]]]:
        """Every availability pattern of ``day``'s weekday in absolute minutes.

        Returns window starts and ends, shape (patterns, most windows), padded with windows
        nothing fits; and the same windows as lists of (start, end) per pattern.
        """
        got = self._windows.get(day)
        if got is None:
            conv = self.minutes
            lists = [[(conv(day, a), conv(day, b)) for a, b in pat]
                     for pat in self.patterns[day.weekday()]]
            width = max(1, max(len(w) for w in lists))
            starts = np.full((len(lists), width), _NO_WINDOW, dtype=np.int64)
            ends = np.full((len(lists), width), -_NO_WINDOW, dtype=np.int64)
            for j, wins in enumerate(lists):
                for k, (a, b) in enumerate(wins):
                    starts[j, k], ends[j, k] = a, b
            got = self._windows[day] = (starts, ends, lists)
        return got

    # Per need ------------------------------------------------------------------------------
    def static_reasons(self, need: Need) -> tuple[list[tuple[Reason, np.ndarray]], np.ndarray,
                                                  np.ndarray]:
        """Date-independent reasons per helper, as masks (the rules of ``pair_reasons``).

        Masks may be all false (callers count them). Also returns the need's travel minutes
        and mode index per helper (``travel_for``).
        """
        inst = self.inst
        cat = inst.category(need.category)
        res = inst.resident(need.resident) if need.resident is not None else None
        p = self.place_pos[inst.need_place(need)]
        out: list[tuple[Reason, np.ndarray]] = []
        # Rules that exclude nobody here are skipped: most needs ask for no skill, language or
        # qualification, and most helpers are adult volunteers.
        out.extend(self._category_reasons(need.category))
        if res is not None and res.vetoes:
            out.append((Reason.RESIDENT_VETO, self.among(res.vetoes)))
        if res is not None and res.id in self.vetoes_resident:
            out.append((Reason.HELPER_VETO, self.column("vetoes_categories", need.category)
                        | self.among(self.vetoes_resident[res.id])))
        elif self.column("vetoes_categories", need.category).any():
            out.append((Reason.HELPER_VETO, self.column("vetoes_categories", need.category)))
        if need.required_skills:
            out.append((Reason.SKILL, ~self.has_all("skills", need.required_skills)))
        languages = res.languages if res is not None else frozenset()
        if need.required_languages or languages:
            key = (need.required_languages, languages)
            language = self._languages.get(key)
            if language is None:
                language = ~self.has_all("languages", need.required_languages)
                if languages:
                    language |= ~self.has_any("languages", languages)
                self._languages[key] = language
            out.append((Reason.LANGUAGE, language))
        quals = required_qualifications(inst, need)
        if quals:
            out.append((Reason.QUALIFICATION, ~self.has_all("qualifications", quals)))
        if self.any_minor:
            out.append((Reason.MINOR_CONSENT, self.no_consent))
            if (cat.personal_care and not inst.policy.minors_solo_personal_care
                    and need.helpers_needed == 1):
                out.append((Reason.MINOR_PERSONAL_CARE, self.minor))
        if self.any_neighbour:
            out.append((Reason.NEIGHBOUR_RULES, self._neighbour_rules(res, p)))
        if need.required_mode is not None:
            k = _MODES.index(need.required_mode)
            able = self.has_mode[k]
            out.append((Reason.TRAVEL_MODE, ~able))
            # Too far is judged by the required mode for every helper, with it or not: a helper
            # lacking the car and living too far for it fails both.
            out.append((Reason.TOO_FAR, ~(self.travel[k, self.home, p] <= self.max_travel)))
            minutes = np.where(able, self.travel[k, self.home, p], np.inf)
            mode = np.full(self.n, k, dtype=np.int8)
        else:
            minutes, mode, reach = self.place(p)
            out.append((Reason.TOO_FAR, ~reach))
        return out, minutes, mode

    def _category_reasons(self, category: str) -> list[tuple[Reason, np.ndarray]]:
        """The agreement rules for a need of ``category``: what needs of a category share."""
        got = self._categories.get(category)
        if got is None:
            got = []
            if self.any_without_agreement:
                got.append((Reason.NO_AGREEMENT, ~self.has_agreement))
            agreed = self.column("agreement", category)
            if not agreed.all():
                got.append((Reason.AGREEMENT_CATEGORY, self.has_agreement & ~agreed))
            self._categories[category] = got
        return got

    def _neighbour_rules(self, res: Resident | None, p: int) -> np.ndarray:
        """Neighbour-service providers excluded from helping ``res`` at place ``p`` (H7)."""
        out = self.neighbour.copy()
        if res is not None:
            # Few neighbours, fewer accepted by one resident: check those one by one.
            family = self.family.get(res.id, [])
            walk = self.travel[_WALK]
            limit = self.inst.policy.neighbour_max_walk_minutes
            for hid in res.accepted_neighbours:
                k = self.pos.get(hid)
                if (k is not None and out[k] and not self.minor[k] and k not in family
                        and walk[self.home[k], p] <= limit
                        and (res.household is None
                             or self.helpers[k].household != res.household)):
                    out[k] = False
        return out

    def referral(self, need: Need) -> Reason | None:
        """``eligibility.referral_reason`` on the tables."""
        if self.inst.category(need.category).professional_only:
            return Reason.PROFESSIONAL_ONLY
        quals = required_qualifications(self.inst, need)
        if quals and not any(matchable(self.inst, self.helpers[k], need)
                             for k in np.flatnonzero(self.has_all("qualifications", quals))):
            return Reason.NO_QUALIFIED_HELPER
        return None



class NeedExclusions:
    """Why helpers are not candidates for the occurrences of one need: every helper, every rule.

    Each helper of the instance is evaluated on every constraint of one assignment
    (``docs/constraints.md``, 1-15, and the resident's formal visits of 18): the
    date-independent rules once per need (numpy masks over all helpers, travel reach included),
    the dated checks and the common time per occurrence (one vectorised step over all helpers:
    their bits of the date, their availability pattern against the occurrence's start grid).
    The constraints that depend on the rest of the plan (hours, residents, other visits, PUS)
    are left to :func:`cus_match.compat.unmet.unmet_of`. The object is not changed after it is
    made (but for its cache of feasible starts), so one serves every occurrence of the need.

    Parameters
    ----------
    tables : HelperTables
        The instance's tables.
    need : Need
        One of its needs (not referred).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> from cus_match.model.occurrences import need_dates
    >>> inst = generate("tiny", seed=1)
    >>> tables = HelperTables(inst)
    >>> need = sorted(inst.needs, key=lambda n: n.id)[0]
    >>> counts, near = NeedExclusions(tables, need).on(need_dates(inst, need)[0], [])
    >>> sum(counts.values()) >= tables.n  # with no candidate, every helper has a reason
    True
    """

    __slots__ = ("bits", "busy", "count", "fits", "need", "occ", "single", "static", "t",
                 "tables")
    bits: np.ndarray | int

    def __init__(self, tables: HelperTables, need: Need) -> None:
        self.tables = tables
        self.need = need
        inst = tables.inst
        p = tables.place_pos[inst.need_place(need)]
        # Travel over the helper's own modes orders the near misses (nearest first).
        self.t = tables.place(p)[0]
        reasons, _, _ = tables.static_reasons(need)
        count = np.zeros(tables.n, dtype=np.int16)
        single = np.full(tables.n, -1, dtype=np.int16)
        self.static: list[tuple[Reason, np.ndarray]] = []
        for reason, mask in reasons:
            if mask.any():
                self.static.append((reason, mask))
                count += mask
                single[mask] = _CODE[reason]
        single[count != 1] = -1
        self.count, self.single = count, single
        self.bits = tables.need_bits(need, np.arange(tables.n))
        self.occ = {o.date: o for o in tables.expand(need)}
        self.busy = tables.formal_busy(need.resident)
        self.fits: FitsCache = {}

    def _grids(self, day: date) -> tuple[Occurrence, list[int], list[int]]:
        """The occurrence on ``day``, its full start grid and the grid away from formal visits."""
        occ = self.occ[day]
        step = self.tables.inst.policy.time_step_minutes
        return occ, starts_in(occ.windows, occ.duration, step), start_grid(occ, step, self.busy)

    def _fit(self, day: date, duration: int, grid: list[int]) -> GridFits:
        key = (day, duration, tuple(grid))
        got = self.fits.get(key)
        if got is None:
            got = self.fits[key] = GridFits(self.tables, day, duration, grid)
        return got

    def _time(self, day: date) -> tuple[np.ndarray, np.ndarray]:
        """Per helper: no start fits at all; a start fits, but only over a formal visit."""
        tables = self.tables
        occ, full, free = self._grids(day)
        pats = tables.pattern7[day.weekday()]
        none = np.zeros(tables.n, dtype=bool)
        fit_free = self._fit(day, occ.duration, free).check(pats) if free else none
        if full == free:
            fit_full = fit_free
        else:
            fit_full = self._fit(day, occ.duration, full).check(pats) if full else none
        return ~fit_full, fit_full & ~fit_free

    def on(self, day: date, chosen: Iterable[str]) -> tuple[Counter[Reason],
                                                            list[tuple[float, str, Reason]]]:
        """The exclusions of the need's occurrence on ``day``, whose candidates are ``chosen``.

        Parameters
        ----------
        day : date
            The occurrence's date, inside the planning period.
        chosen : iterable of str
            Ids of the occurrence's candidates (not excluded).

        Returns
        -------
        counts : Counter of Reason
            Per reason, the helpers (other than ``chosen``) that fail its constraint; a helper
            counts under every constraint it fails.
        near : list of (float, str, Reason)
            The helpers failing exactly one of these constraints, as (travel minutes, helper,
            reason), easiest fix first (:attr:`Reason.fix_rank`), then nearest, then by id.
            They are near misses once the rest of the plan is checked too
            (:func:`cus_match.compat.unmet.unmet_of`). Both are new objects.
        """
        tables = self.tables
        flags = tables.flags[tables.day_index(day)] & self.bits
        no_time, formal = self._time(day)
        excluded = ~tables.among(list(chosen))
        counts: Counter[Reason] = Counter()
        for reason, mask in self.static:
            c = int(np.count_nonzero(mask & excluded))
            if c:
                counts[reason] += c
        live = flags[excluded]
        if len(live):
            for reason, c in zip(_DATED_REASONS,
                                 (np.bincount(live, minlength=1 << _NBITS) @ _DATED_HAS).tolist(),
                                 strict=True):
                if c:
                    counts[reason] += c
        for reason, mask in ((Reason.NO_COMMON_TIME, no_time), (Reason.FORMAL_CLASH, formal)):
            c = int(np.count_nonzero(mask & excluded))
            if c:
                counts[reason] += c
        total = self.count + _DATED_N[flags] + no_time + formal
        one = np.flatnonzero((total == 1) & excluded)
        code = np.where(self.count[one] == 1, self.single[one],
                        np.where(_DATED_N[flags[one]] == 1, _DATED_SINGLE[flags[one]],
                                 np.where(no_time[one], _CODE[Reason.NO_COMMON_TIME],
                                          _CODE[Reason.FORMAL_CLASH])))
        near = [(t, hid, _REASONS[k]) for t, hid, k in zip(
            self.t[one].tolist(), tables.ids_obj[one].tolist(), code.tolist(), strict=True)]
        near.sort(key=lambda x: (x[2].fix_rank, x[0], x[1]))
        return counts, near

    def reasons_of(self, day: date, helper: str) -> list[Reason]:
        """Every constraint of one assignment ``helper`` fails for the occurrence on ``day``.

        In :class:`~cus_match.reasons.Reason` order; empty: the helper is a candidate.
        """
        tables = self.tables
        k = tables.pos[helper]
        out = {r for r, mask in self.static if mask[k]}
        f = int((tables.flags[tables.day_index(day)] & self.bits)[k]) if isinstance(
            self.bits, np.ndarray) else int(tables.flags[tables.day_index(day), k] & self.bits)
        out.update(r for bits, r in _DATED if f & bits)
        no_time, formal = self._time(day)
        if no_time[k]:
            out.add(Reason.NO_COMMON_TIME)
        elif formal[k]:
            out.add(Reason.FORMAL_CLASH)
        return [r for r in _REASONS if r in out]

    def starts_for(self, day: date, helper: str, reason: Reason | None) -> tuple[int, ...]:
        """The starts at which ``helper`` would take the occurrence once ``reason`` is fixed.

        ``NO_COMMON_TIME``: the need's own starts away from formal visits (the helper's
        availability set aside); ``FORMAL_CLASH``: the helper's starts in the need's windows,
        formal visits set aside; otherwise (or ``None``) the helper's feasible starts.
        """
        tables = self.tables
        occ, full, free = self._grids(day)
        if reason is Reason.NO_COMMON_TIME:
            return tuple(free)
        grid = full if reason is Reason.FORMAL_CLASH else free
        if not grid:
            return ()
        pat = int(tables.pattern7[day.weekday(), tables.pos[helper]])
        return self._fit(day, occ.duration, grid).starts_of(pat)


class GridFits:
    """Feasible starts of one start grid on one date, per availability pattern.

    Occurrences of different needs often share a date, windows and duration, hence a grid: the
    starts of each pattern are worked out once (when first asked) and the same tuple is shared
    by every candidate with that pattern. :meth:`check` does many patterns at once with numpy,
    :meth:`starts_of` one pattern by bisection (cheaper for the few helpers of a small need).
    A cache: it fills as it is asked, and is meant for one build (:data:`FitsCache`).

    Parameters
    ----------
    tables : HelperTables
        The instance's tables (availability patterns per weekday).
    day : date
        The occurrences' date.
    duration : int
        The visit's length in minutes.
    grid : list of int
        The occurrences' start grid, absolute minutes, ascending (:func:`start_grid`).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> tables = HelperTables(inst)
    >>> occ = tables.expand(sorted(inst.needs, key=lambda n: n.id)[0])[0]
    >>> grid = start_grid(occ, inst.policy.time_step_minutes, None)
    >>> fits = GridFits(tables, occ.date, occ.duration, grid)
    >>> pats = tables.pattern7[occ.date.weekday()]
    >>> bool(fits.check(pats)[0]) == bool(fits.starts_of(int(pats[0])))
    True
    >>> set(fits.starts_of(int(pats[0]))) <= set(grid)
    True
    """

    __slots__ = ("array", "day", "done", "duration", "fits", "grid", "lists", "one", "starts",
                 "tables")

    def __init__(self, tables: HelperTables, day: date, duration: int, grid: list[int]) -> None:
        self.tables, self.day, self.duration, self.grid = tables, day, duration, grid
        self.one: dict[int, tuple[int, ...]] = {}
        self.lists: list[list[Interval]] | None = None
        self.array: np.ndarray | None = None

    def starts_of(self, pat: int) -> tuple[int, ...]:
        """The feasible starts of pattern ``pat`` (empty: none)."""
        got = self.one.get(pat)
        if got is None:
            if self.lists is None:
                self.lists = self.tables.windows(self.day)[2]
            got = self.one[pat] = tuple(_fitting_starts(self.grid, self.lists[pat],
                                                        self.duration))
        return got

    def check(self, pats: np.ndarray) -> np.ndarray:
        """Whether each of ``pats`` (pattern ids) has a feasible start; fills :attr:`starts`."""
        if self.array is None:
            npat = len(self.tables.patterns[self.day.weekday()])
            self.array = np.array(self.grid, dtype=np.int64)
            self.done = np.zeros(npat, dtype=bool)
            self.fits = np.zeros(npat, dtype=bool)
            self.starts = np.empty(npat, dtype=object)
        todo = pats[~self.done[pats]]
        if len(todo):
            mark = np.zeros(len(self.done), dtype=bool)
            mark[todo] = True
            todo = np.flatnonzero(mark)
            ws, we, _ = self.tables.windows(self.day)
            g = self.array
            # A start fits a window when it is in it and the visit ends by its end (the bounds
            # of _fitting_starts); padded windows fit nothing.
            fit = np.logical_or.reduce((g >= ws[todo][:, :, None])
                                       & (g <= we[todo][:, :, None] - self.duration), axis=1)
            self.done[todo] = True
            self.fits[todo] = fit.any(axis=1)
            for p, row in zip(todo.tolist(), fit, strict=True):
                self.starts[p] = tuple(g[row].tolist())
        out: np.ndarray = self.fits[pats]
        return out


def _fitting_starts(grid: list[int], windows: list[Interval], duration: int) -> list[int]:
    out: list[int] = []
    for a, b in windows:
        lo = bisect.bisect_left(grid, a)
        hi = bisect.bisect_right(grid, b - duration)
        out.extend(grid[lo:hi])
    return sorted(set(out)) if len(windows) > 1 else out



#: Per (date, duration, start grid), what :class:`GridFits` worked out: shared by the needs of
#: one build (or one recommendation).
FitsCache: TypeAlias = dict[tuple[date, int, tuple[int, ...]], GridFits]

#: The candidates of one occurrence as columns, best first: helper ids, travel minutes, modes,
#: continuity, locality, feasible starts (the fields of a ``Candidate`` after ``occ``).
Columns: TypeAlias = tuple[list[str], list[float], list[TravelMode], list[bool], list[bool],
                           list[tuple[int, ...]]]


def covering_service(inst: Instance, need: Need, occ: Occurrence,
                     formal: dict[tuple[str, date], list[FormalVisit]]) -> str | None:
    """The formal service whose visit meets ``occ`` already, if any.

    Parameters
    ----------
    inst : Instance
        The instance.
    need : Need
        The occurrence's need.
    occ : Occurrence
        One occurrence of ``need``.
    formal : dict
        Formal visits per (resident id, date), as :func:`~cus_match.model.occurrences.
        formal_visits` gives them regrouped by date.

    Returns
    -------
    str or None
        The id of the first service, in ``formal``'s order, that covers the need's category and
        has a visit overlapping one of the occurrence's windows; ``None`` for a need of no
        resident or when no visit does.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> need = sorted(inst.needs, key=lambda n: n.id)[0]
    >>> occ = HelperTables(inst).expand(need)[0]
    >>> covering_service(inst, need, occ, {}) is None  # no formal visit at all
    True
    """
    if need.resident is None:
        return None
    for v in formal.get((need.resident, occ.date), []):
        if need.category in inst.service(v.service).covered_categories \
                and any(v.start < we and ws < v.end for ws, we in occ.windows):
            return v.service
    return None


def starts_in(windows: Iterable[Interval], duration: int, step: int) -> list[int]:
    """Grid start times (every ``step`` minutes from each window's start) that fit a visit.

    Parameters
    ----------
    windows : iterable of (int, int)
        Windows as (start, end) in minutes; they may overlap.
    duration : int
        The visit's length in minutes: it must end by its window's end.
    step : int
        Minutes between starts.

    Returns
    -------
    list of int
        The starts of every window, merged and ascending.

    Examples
    --------
    >>> starts_in([(0, 60), (30, 90)], 30, 15)
    [0, 15, 30, 45, 60]
    """
    out: set[int] = set()
    for ws, we in windows:
        out.update(range(ws, we - duration + 1, step))
    return sorted(out)


def start_grid(occ: Occurrence, step: int, busy: tuple[np.ndarray, np.ndarray] | None) -> list[int]:
    """Grid starts inside the occurrence's windows, away from the resident's formal visits.

    Parameters
    ----------
    occ : Occurrence
        The occurrence (windows and duration in absolute minutes).
    step : int
        The policy's time step in minutes.
    busy : (ndarray, ndarray) or None
        Starts and ends of the resident's formal visits, absolute minutes; ``None``: none.

    Returns
    -------
    list of int
        :func:`starts_in` of the windows, less the starts at which the visit would overlap a
        formal visit.

    Examples
    --------
    >>> import numpy as np
    >>> from datetime import date
    >>> occ = Occurrence("n1", date(2026, 3, 24), ((0, 120),), 60)
    >>> start_grid(occ, 30, None)
    [0, 30, 60]
    >>> start_grid(occ, 30, (np.array([80]), np.array([100])))  # a formal visit 80-100
    [0]
    """
    grid = starts_in(occ.windows, occ.duration, step)
    if busy is not None and grid:
        g = np.array(grid, dtype=np.int64)
        clash = ((busy[0][None, :] < g[:, None] + occ.duration)
                 & (g[:, None] < busy[1][None, :])).any(axis=1)
        grid = g[~clash].tolist()
    return grid


# Needs with at most this many eligible helpers are matched helper by helper in Python: for so
# few, numpy's per-call overhead costs more than it saves (rural gminas).
_SMALL = 16


def _no_columns() -> Columns:
    return [], [], [], [], [], []


def candidate_columns(tables: HelperTables, need: Need, kept: list[tuple[Occurrence, list[int]]],
                      cache: FitsCache) -> list[Columns]:
    """The eligible helpers of each of ``kept``, occurrences of ``need`` with their grids.

    Parameters
    ----------
    tables : HelperTables
        The instance's tables.
    need : Need
        A need that is not referred.
    kept : list of (Occurrence, list of int)
        Its occurrences that want helpers, each with its start grid (:func:`start_grid`).
    cache : FitsCache
        Feasible starts already worked out; filled in place.

    Returns
    -------
    list of Columns
        Per occurrence, its candidates as columns, best first (continuity, locality, travel,
        id); the starts of one availability pattern are one shared tuple.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> tables = HelperTables(inst)
    >>> need = sorted(inst.needs, key=lambda n: n.id)[0]
    >>> kept = [(o, start_grid(o, inst.policy.time_step_minutes, None))
    ...         for o in tables.expand(need)]
    >>> ids, travel, modes, continuity, locality, starts = candidate_columns(
    ...     tables, need, kept, {})[0]
    >>> len(ids) == len(travel) == len(starts), set(ids) <= set(tables.ids)
    (True, True)
    """
    inst = tables.inst
    p = tables.place_pos[inst.need_place(need)]
    res = inst.resident(need.resident) if need.resident is not None else None
    # Helpers passing every date-independent rule, best first (continuity, locality, travel,
    # id): each occurrence keeps a subsequence of them.
    reasons, minutes, mode = tables.static_reasons(need)
    idx = (tables.place(p)[2] & ~np.logical_or.reduce([m for _, m in reasons])).nonzero()[0]
    if not len(idx):
        return [_no_columns() for _ in kept]
    cont = (tables.among(res.previous_helpers)[idx] if res is not None and res.previous_helpers
            else np.zeros(len(idx), dtype=bool))
    local = tables.home[idx] == p
    travel = minutes[idx]
    if len(idx) > 1:
        order = np.lexsort((idx, travel, ~local, ~cont))
        idx, cont, local, travel = idx[order], cont[order], local[order], travel[order]
    # Python floats made once per need, shared by its occurrences' candidates: a city has
    # millions of candidates and a float each would be a third more memory to allocate.
    cols = (tables.ids_obj[idx], travel.astype(object), _MODE_OBJ[mode[idx]], cont, local)
    # Per occurrence (rows) and helper (columns): dated checks passed, availability pattern.
    day0 = tables.day0
    days = np.array([((o.date - day0).days, o.date.weekday()) for o, _ in kept],
                    dtype=np.intp).reshape(len(kept), 2)
    dated_ok = (tables.flags[days[:, :1], idx] & tables.need_bits(need, idx)) == 0
    pats = tables.pattern7[days[:, 1:], idx]
    out: list[Columns] = []
    small = len(idx) <= _SMALL
    if small:
        ids_l, travel_l, modes_l, conts_l, locals_l = (c.tolist() for c in cols)
        rows: Iterable[tuple[Any, Any]] = zip(dated_ok.tolist(), pats.tolist(), strict=True)
    else:
        rows = zip(dated_ok, pats, strict=True)
    for (occ, grid), (row_ok, row_pat) in zip(kept, rows, strict=True):
        if not grid:
            out.append(_no_columns())
            continue
        key = (occ.date, occ.duration, tuple(grid))
        fit = cache.get(key)
        if fit is None:
            fit = cache[key] = GridFits(tables, occ.date, occ.duration, grid)
        if small:
            ks: list[int] = []
            sts: list[tuple[int, ...]] = []
            for k, good in enumerate(row_ok):
                if good:
                    st = fit.starts_of(row_pat[k])
                    if st:
                        ks.append(k)
                        sts.append(st)
            out.append(([ids_l[k] for k in ks], [travel_l[k] for k in ks],
                        [modes_l[k] for k in ks], [conts_l[k] for k in ks],
                        [locals_l[k] for k in ks], sts))
        else:
            sel = row_ok.nonzero()[0]
            pat = row_pat[sel]
            keep = fit.check(pat)
            sel = sel[keep]
            ids, tr, md, co, lo = (c[sel].tolist() for c in cols)
            out.append((ids, tr, md, co, lo, fit.starts[pat[keep]].tolist()))
    return out
