"""From the domains' rows to the matching library's dataclasses: the one place that knows both shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matching import CandidateProfile, Opening, Requirements

MATCHABLE_STATUSES = {"publisert": "open"}


def _requirements(part: Mapping[str, Any] | None) -> Requirements:
    part = part or {}
    return Requirements.from_dict(
        {
            "driving_licences": part.get("driving_licences"),
            "certificates": part.get("certificates"),
            "norwegian": part.get("norwegian_level"),
            "skills": [*(part.get("skills") or ()), *(part.get("experience") or ())],
        }
    )


def opening_profile(opening: Any, employer_name: str = "") -> Opening:
    """An employers.models.Opening row (read through employers.service) as the engine's Opening."""
    requirements = opening.requirements or {}
    return Opening(
        id=str(opening.id),
        title=opening.title,
        description=opening.description or "",
        styrk08=opening.styrk_code,
        employer=employer_name,
        municipality=opening.municipality_code,
        postal_code=opening.postal_code,
        percent_min=float(opening.percent_min),
        percent_max=float(opening.percent_max),
        hours_per_week=opening.hours_per_week,
        working_hours=tuple(opening.working_time or ()),
        engagement=opening.engagement_type,
        start=None if opening.start_by_agreement else opening.start_date,
        deadline=opening.application_deadline,
        status=MATCHABLE_STATUSES.get(opening.status, "closed"),
        must=_requirements(requirements.get("must")),
        should=_requirements(requirements.get("should")),
        adaptations=tuple(opening.inclusion or ()),
        open_to_reduced_capacity=bool(opening.open_to_reduced_capacity),
    )


def candidate_profile(data: Mapping[str, Any]) -> CandidateProfile:
    """A candidate in the bench format (candidates.service builds that dict) as the engine's profile."""
    return CandidateProfile.from_bench_dict(data)


def praksis_profile(place: Any) -> Opening:
    """A praksisplass as the engine's Opening: hours are agreed person by person (any percent, open to reduced
    capacity), the place is the employer's address, the period's end is the deadline."""
    employer = place.employer
    return Opening(
        id=f"p{place.id}",
        title=place.title,
        description=place.tasks or "",
        styrk08=place.styrk_code,
        employer=employer.name,
        municipality=employer.municipality_code,
        postal_code=employer.postal_code,
        percent_min=0.0,
        percent_max=100.0,
        hours_per_week=None,
        working_hours=(),
        engagement=None,
        start=place.period_start,
        deadline=place.period_end,
        status="open",
        must=_requirements(None),
        should=_requirements(None),
        adaptations=tuple(place.adaptations or ()),
        open_to_reduced_capacity=True,
    )
