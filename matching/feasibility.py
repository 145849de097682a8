"""Hard constraints ("hvorfor ikke"): a pair that breaks one is never ranked above a feasible pair.

Decision on ``open_to_reduced_capacity``: an employer who says so has accepted less than ``percent_min``, exactly
like an ARBEIDSTID adaptation, so either one lifts the capacity constraint.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Licence classes in a fixed order (bit positions); what each class also entitles you to drive.
LICENCE_CLASSES: tuple[str, ...] = (
    "AM",
    "A1",
    "A2",
    "A",
    "B",
    "BE",
    "C1",
    "C1E",
    "C",
    "CE",
    "D1",
    "D1E",
    "D",
    "DE",
    "T",
    "S",
)
_IMPLIES: dict[str, tuple[str, ...]] = {
    "A": ("A2",),
    "A2": ("A1",),
    "A1": ("AM",),
    "B": ("AM",),
    "BE": ("B",),
    "C1": ("B",),
    "C1E": ("C1", "BE"),
    "C": ("C1",),
    "CE": ("C", "C1E", "BE"),
    "D1": ("B",),
    "D1E": ("D1", "BE"),
    "D": ("D1",),
    "DE": ("D", "D1E", "BE"),
    "T": ("AM",),
}
LICENCE_BIT: dict[str, int] = {c: 1 << i for i, c in enumerate(LICENCE_CLASSES)}
KM_PER_RAD = 6371.0


def licence_closure(classes: Iterable[str]) -> frozenset[str]:
    """Every class a set of licences entitles the holder to (C1 gives B; CE gives C, C1E, BE, …)."""
    seen: set[str] = set()
    stack = [c.strip().upper().replace(" ", "") for c in classes]
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        stack.extend(_IMPLIES.get(c, ()))
    return frozenset(seen)


def licence_mask(classes: Iterable[str]) -> int:
    """Bitmask of known classes (unknown classes are ignored for the mask, kept for the reason text)."""
    mask = 0
    for c in classes:
        mask |= LICENCE_BIT.get(c, 0)
    return mask


def satisfies_licences(held: Iterable[str], required: Iterable[str]) -> list[str]:
    """Required classes the holder lacks, after implication."""
    have = licence_closure(held)
    return [r for r in required if r.strip().upper() not in have]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; a stand-in for travel distance when only postal-code centroids are known."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat = p2 - p1
    dlon = math.radians(lon2) - math.radians(lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * KM_PER_RAD * math.asin(min(1.0, math.sqrt(a)))


# Norwegian reason texts (kept here so the web layer shows the same words as the engine's tests)
def reason_capacity(percent_min: float, capacity: float) -> str:
    return (
        f"Stillingen krever minst {percent_min:g} %, men personen kan jobbe inntil {capacity:g} %, "
        "og arbeidsgiver har ikke sagt at arbeidstiden kan tilpasses"
    )


def reason_licence(missing: Iterable[str]) -> str:
    return "Mangler førerkort klasse " + ", ".join(missing) + " som stillingen krever"


def reason_certificate(missing: Iterable[str]) -> str:
    return "Mangler sertifikat/autorisasjon som stillingen krever: " + ", ".join(missing)


def reason_closed() -> str:
    return "Stillingen er ikke lenger ledig"


def reason_deadline(deadline: str) -> str:
    return f"Søknadsfristen gikk ut {deadline}"


def _limit_text(max_km: float, minutes: float | None) -> str:
    km = f"{max_km:.0f} km"
    return f"{minutes:g} min reisetid, regnet som ca. {km}" if minutes is not None else km


def reason_place(distance_km: float, max_km: float, minutes: float | None = None) -> str:
    return (
        f"Arbeidsstedet ligger utenfor kommunene personen vil jobbe i, og er ca. {distance_km:.0f} km unna "
        f"(maks reisevei {_limit_text(max_km, minutes)})"
    )


UNCERTAIN_PREFIX = "Usikkert:"


def reason_distance_unknown(max_km: float, minutes: float | None = None) -> str:
    return (
        f"{UNCERTAIN_PREFIX} avstanden til arbeidsstedet er ukjent (mangler koordinater for arbeidssted eller "
        f"bosted), og det ligger utenfor kommunene personen vil jobbe i (maks reisevei "
        f"{_limit_text(max_km, minutes)})"
    )
