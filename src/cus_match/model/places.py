"""Places (villages, districts, venues), travel modes and the optional travel network.

Examples
--------
>>> Place("bukowsko", "Bukowsko", kind="village", lat=49.483, lon=22.066).kind
<PlaceKind.VILLAGE: 'village'>
>>> TravelEdge("bukowsko", "nowotaniec", {"car": 9, "bus": 15}).minutes[TravelMode.CAR]
9.0
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from attrs import field, frozen

from cus_match.errors import FieldTypeError, FieldValueError
from cus_match.model.validators import (
    check_id,
    check_non_negative,
    check_positive,
    shown,
    to_float,
    to_opt_float,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["Place", "PlaceKind", "TravelEdge", "TravelMode", "TravelSettings"]


class PlaceKind(enum.StrEnum):
    """What a place is; only informative, travel does not depend on it."""

    VILLAGE = "village"
    TOWN = "town"
    DISTRICT = "district"
    SCHOOL = "school"
    VENUE = "venue"
    OTHER = "other"


class TravelMode(enum.StrEnum):
    """How a helper can travel."""

    WALK = "walk"
    BIKE = "bike"
    CAR = "car"
    BUS = "bus"


def _check_lat(_i: object, _a: object, v: float | None) -> None:
    if v is not None and not -90 <= v <= 90:
        raise FieldValueError(ProblemCode.LATITUDE_RANGE, value=shown(v))


def _check_lon(_i: object, _a: object, v: float | None) -> None:
    if v is not None and not -180 <= v <= 180:
        raise FieldValueError(ProblemCode.LONGITUDE_RANGE, value=shown(v))


@frozen
class Place:
    """A place where residents live, helpers start from, or services happen.

    Parameters
    ----------
    id : str
        Unique id.
    name : str
        Display name (``"Nowotaniec"``).
    kind : PlaceKind
        Village, town, district, school, venue or other.
    lat, lon : float, optional
        WGS84 coordinates; needed for straight-line travel when no travel network is given.
    """

    id: str = field(validator=check_id)
    name: str = ""
    kind: PlaceKind = field(default=PlaceKind.OTHER, converter=PlaceKind)
    lat: float | None = field(converter=to_opt_float, default=None, validator=_check_lat)
    lon: float | None = field(converter=to_opt_float, default=None, validator=_check_lon)

    def __attrs_post_init__(self) -> None:
        if (self.lat is None) != (self.lon is None):
            raise FieldValueError(ProblemCode.HALF_COORDINATES,
                                  field="lon" if self.lon is None else "lat")

    @property
    def has_coordinates(self) -> bool:
        """Whether both coordinates are known."""
        return self.lat is not None and self.lon is not None


def _to_mode_minutes(value: Mapping[str, float]) -> dict[TravelMode, float]:
    if not isinstance(value, Mapping):
        raise FieldTypeError(ProblemCode.NOT_MODE_MINUTES, value=repr(value))
    return {TravelMode(k): to_float(v) for k, v in value.items()}


def _check_mode_minutes(_i: object, _a: object, v: dict[TravelMode, float]) -> None:
    if not v:
        raise FieldValueError(ProblemCode.NO_TRAVEL_MINUTES)
    for mode, minutes in v.items():
        if not minutes >= 0:
            raise FieldValueError(ProblemCode.NEGATIVE_TRAVEL_MINUTES, mode=mode.value,
                                  value=shown(minutes))


@frozen
class TravelEdge:
    """A direct connection between two places, with travel minutes per mode (both directions).

    A mode left out cannot use this connection (no bus between these villages, say).
    """

    a: str = field(validator=check_id)
    b: str = field(validator=check_id)
    minutes: dict[TravelMode, float] = field(
        converter=_to_mode_minutes, validator=_check_mode_minutes, hash=False
    )


def _default_speeds() -> dict[TravelMode, float]:
    return {TravelMode.WALK: 4.5, TravelMode.BIKE: 14.0, TravelMode.CAR: 45.0,
            TravelMode.BUS: 25.0}


def _check_speeds(_i: object, _a: object, v: dict[TravelMode, float]) -> None:
    for mode, kmh in v.items():
        if not kmh > 0:
            raise FieldValueError(ProblemCode.SPEED_NOT_POSITIVE, mode=mode.value,
                                  value=shown(kmh))


@frozen
class TravelSettings:
    """How travel minutes are worked out.

    When the instance has a travel network (``travel_edges``), minutes are shortest paths in it
    per mode (mountain roads, a bus line). Otherwise they come from the great-circle distance
    times ``detour_factor`` at each mode's speed. Within one place, travel takes
    ``within_place_minutes``.

    Parameters
    ----------
    speeds_kmh : dict, optional
        Average door-to-door speed per mode; defaults walk 4.5, bike 14, car 45, bus 25 km/h.
    detour_factor : float
        Road distance over straight-line distance (1.3 is typical on lowland roads).
    within_place_minutes : float
        Travel between two addresses in the same place.
    """

    speeds_kmh: dict[TravelMode, float] = field(
        factory=_default_speeds, converter=_to_mode_minutes, validator=_check_speeds, hash=False
    )
    detour_factor: float = field(converter=to_float, default=1.3, validator=check_positive)
    within_place_minutes: float = field(converter=to_float, default=5.0,
                                        validator=check_non_negative)
