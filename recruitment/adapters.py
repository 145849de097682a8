"""From the domains' rows to the matching library's dataclasses: the one place that knows both shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from candidates.derived import capacity_of, needs_for_matching
from core.formatting import today_in_oslo
from matching import CandidateProfile, Opening, Requirements
from matching.model import Experience, Language

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


def _upper_set(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted({str(v).strip().upper() for v in values or () if str(v).strip()}))


def _lower_list(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(str(v).strip().lower() for v in values or () if str(v).strip())


def candidate_profile(candidate: Any, today: dt.date | None = None) -> CandidateProfile:
    """A candidates.models.Candidate row with its CV, jobbprofil and situation loaded
    (`candidates.service.matching_rows`) as the engine's profile: wishes capped at today's work capacity, the
    home municipality when the jobbprofil names none."""
    today = today or today_in_oslo()
    profile = candidate.job_profile
    situation = candidate.situation
    capacity = float(capacity_of(candidate, today).percent)
    municipalities = list(profile.municipalities) if profile and profile.municipalities else []
    if not municipalities and candidate.municipality_code:
        municipalities = [candidate.municipality_code]
    wmin = profile.percent_min if profile and profile.percent_min is not None else 0
    wmax = profile.percent_max if profile and profile.percent_max is not None else capacity
    hours = situation.preferred_hours_per_week if situation else None
    return CandidateProfile(
        id=str(candidate.id),
        titles=tuple(w.title for w in candidate.work_experiences),
        experience=tuple(
            Experience(w.title or "", float(w.years or 0.0), w.styrk_code or None)
            for w in candidate.work_experiences
        ),
        education=tuple(" ".join(x for x in (e.field, e.level) if x) for e in candidate.educations),
        certificates=tuple(c.name for c in candidate.certificates),
        driving_licences=_upper_set(candidate.driving_licences),
        languages=tuple(
            Language(lang.language or "", lang.level.upper() if lang.level else None)
            for lang in candidate.languages
        ),
        skills=tuple(candidate.skills or ()),
        wanted_occupations=tuple(
            str(x)
            for x in (*(profile.wanted_titles if profile else ()), *(profile.wanted_styrk if profile else ()))
        ),
        municipalities=tuple(str(m) for m in municipalities),
        postal_code=(profile.postal_code if profile and profile.postal_code else candidate.postal_code)
        or None,
        max_commute_km=_float(profile.max_commute_km if profile else None),
        max_commute_minutes=_float(profile.max_commute_minutes if profile else None),
        capacity_percent=capacity,
        wanted_percent_min=float(min(wmin, capacity)),
        wanted_percent_max=float(min(wmax, capacity)),
        hours_per_week=_float(hours),
        working_hours=_lower_list(profile.working_time if profile else ()),
        engagement_types=_lower_list(profile.engagement_types if profile else ()),
        earliest_start=profile.earliest_start if profile else None,
        needs=_upper_set(needs_for_matching(candidate)),
        text=candidate.summary or "",
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


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
