"""Finding the property an API client means: by UPRN, by coordinates, or by a written address."""
from __future__ import annotations

import math

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Property

# A point further than this from every property is not one we can attach a report to.
MAX_DISTANCE_METRES = 250
_DEGREE = 0.01  # about 1 km of latitude: the box searched before measuring


def _metres(lat1, lon1, lat2, lon2) -> float:
    # Equirectangular: within a town the error is far below a house width.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371000 * math.hypot(x, y)


def nearest(lat: float, lon: float) -> tuple[Property | None, float | None]:
    """The nearest property with a location within a small box (indexed-friendly), and its distance."""
    candidates = db.session.scalars(
        select(Property).where(
            Property.latitude.between(lat - _DEGREE, lat + _DEGREE),
            Property.longitude.between(lon - 2 * _DEGREE, lon + 2 * _DEGREE),
        ).limit(5000)
    ).all()
    best, best_d = None, None
    for prop in candidates:
        d = _metres(lat, lon, prop.latitude, prop.longitude)
        if best_d is None or d < best_d:
            best, best_d = prop, d
    if best is None or best_d > MAX_DISTANCE_METRES:
        return None, best_d
    return best, best_d


def by_address_string(text: str) -> Property | None:
    """An exact single-line address match ("12 High Street, Demoton, DB1 2AB"), case and spaces ignored."""
    wanted = " ".join(text.replace(",", " ").lower().split())
    first = wanted.split(" ")
    if not first:
        return None
    # Narrow by the first line's opening word, then compare whole addresses in Python.
    candidates = db.session.scalars(
        select(Property).where(func.lower(Property.address_line1).startswith(first[0], autoescape=True)).limit(2000)
    ).all()
    for prop in candidates:
        if " ".join(prop.single_line.replace(",", " ").lower().split()) == wanted:
            return prop
    return None
