"""The matching pool built from the database: published openings and active candidates as the engine's
dataclasses, coordinates from the postal-code register, the active (possibly learned) weights. Both the pages
(live ranking) and the nightly re-match start here, so they rank with the same data and the same model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from candidates import service as candidates_service
from core import reference as reference_service
from core.formatting import today_in_oslo
from core.settings import get_settings
from employers import service_openings as employers_openings
from employers import service_suggest
from matching import CandidateProfile, Matcher, Opening
from matching.scoring import Geo
from recruitment.adapters import candidate_profile, opening_profile
from recruitment.service import active_weights


def geo_from_reference(session: Session) -> Geo:
    """Postal code → coordinates and municipality centroids/counties from the loaded reference register.

    Centroids and counties are keyed by today's code and by every older code of the same municipality (0502 and
    3407 are both Gjøvik), so a profile holding either finds the place. A postal code GeoNames has no point for
    (a box address, a new code) gets its municipality's centroid rather than no distance at all."""
    postal: dict[str, tuple[float, float]] = {}
    sums: dict[str, list[float]] = {}
    unplaced: dict[str, str] = {}
    rows = session.execute(
        select(
            reference_service.PostalCode.code,
            reference_service.PostalCode.municipality_code,
            reference_service.PostalCode.latitude,
            reference_service.PostalCode.longitude,
        )
    )
    for code, muni, lat, lon in rows:
        if lat is None or lon is None:
            unplaced[code] = muni
            continue
        postal[code] = (lat, lon)
        acc = sums.setdefault(muni, [0.0, 0.0, 0.0])
        acc[0] += lat
        acc[1] += lon
        acc[2] += 1
    centroids = {m: (a[0] / a[2], a[1] / a[2]) for m, a in sums.items() if a[2]}
    for code, muni in unplaced.items():
        if muni in centroids:
            postal[code] = centroids[muni]
    county = dict(
        session.execute(
            select(reference_service.Municipality.code, reference_service.Municipality.county_code)
        ).all()
    )
    for alias, code in reference_service.municipality_aliases(session).items():
        if code in centroids:
            centroids[alias] = centroids[code]
        if code in county:
            county[alias] = county[code]
    return Geo(postal=postal, municipality_centroid=centroids, municipality_county=county)


def opening_profiles(session: Session, *, ids: Sequence[int] | None = None) -> list[Opening]:
    return [
        opening_profile(o, o.employer.name) for o in employers_openings.matchable_openings(session, ids=ids)
    ]


def candidate_profiles(
    session: Session,
    *,
    ids: Sequence[int] | None = None,
    today: dt.date | None = None,
    active_only: bool = True,
) -> list[CandidateProfile]:
    today = today or today_in_oslo()
    rows = candidates_service.matching_rows(session, ids=ids, active_only=active_only)
    return [candidate_profile(c, today) for c in rows]


def new_matcher(
    session: Session,
    openings: Iterable[Opening],
    candidates: Iterable[CandidateProfile] | None = None,
    *,
    today: dt.date | None = None,
    weights: tuple[str, Mapping[str, float]] | None = None,
) -> Matcher:
    """Every index in the product is built here, so all rank with the same names, coordinates, commute speed
    (`ARBEIDSBRO_COMMUTE_KMH`), title classifier (learnt from NAV's titles; a title without a code is read
    to a unit group only when the classifier is confident enough, and never to a regulated profession the title
    does not name) and weights: ``weights`` is (version, weights), by default the active ones."""
    version, values = weights if weights is not None else active_weights(session)
    return Matcher(
        openings,
        candidates,
        styrk_names=reference_service.styrk_names(session),
        mapper=service_suggest.title_classifier(session),
        geo=geo_from_reference(session),
        weights=values,
        weights_version=version,
        today=today,
        commute_kmh=get_settings().commute_kmh,
    )


def build_matcher(session: Session, *, today: dt.date | None = None, with_candidates: bool = True) -> Matcher:
    """An index of every published opening (and active candidate) ranked with the active weights."""
    return new_matcher(
        session,
        opening_profiles(session),
        candidate_profiles(session, today=today) if with_candidates else None,
        today=today,
    )
