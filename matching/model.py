"""Input dataclasses: the only shapes the engine accepts, so domains and the bench share one contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NEED_CATEGORIES: tuple[str, ...] = ("ARBEIDSTID", "FYSISK", "ARBEIDSMILJØ", "GRUNNLEGGENDE")
WORKING_HOURS: tuple[str, ...] = ("dagtid", "kveld", "natt", "helg", "skift", "turnus", "vakt")
CEFR: dict[str, int] = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}
NORWEGIAN_NAMES = frozenset({"norsk", "norwegian", "bokmål", "nynorsk", "no", "nb", "nn"})


def _t(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return tuple(values or ())


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _upper_set(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted({str(v).strip().upper() for v in values or () if str(v).strip()}))


def _lower_list(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(str(v).strip().lower() for v in values or () if str(v).strip())


def _num(value: Any, default: float | None) -> float | None:
    return default if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Experience:
    """One work experience line; ``styrk08`` when the adapter already knows the code."""

    title: str
    years: float = 0.0
    styrk08: str | None = None


@dataclass(frozen=True, slots=True)
class Language:
    language: str
    level: str | None = None  # CEFR A1..C2


@dataclass(frozen=True, slots=True)
class Requirements:
    """What an opening asks for; the same shape serves "must" and "should"."""

    driving_licences: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    norwegian: str | None = None
    skills: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Requirements:
        data = data or {}
        return cls(
            driving_licences=_upper_set(data.get("driving_licences")),
            certificates=_t(data.get("certificates")),
            norwegian=(str(data["norwegian"]).upper() if data.get("norwegian") else None),
            skills=_t(data.get("skills")),
        )


@dataclass(frozen=True, slots=True)
class CandidateProfile:
    """A person's matching profile; ``capacity_percent`` is the most they can work (uføregrad leaves the rest)."""

    id: str
    titles: tuple[str, ...] = ()
    experience: tuple[Experience, ...] = ()
    education: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    driving_licences: tuple[str, ...] = ()
    languages: tuple[Language, ...] = ()
    skills: tuple[str, ...] = ()
    wanted_occupations: tuple[str, ...] = ()  # free titles and/or STYRK-08 codes
    municipalities: tuple[str, ...] = ()
    postal_code: str | None = None
    max_commute_km: float | None = None
    max_commute_minutes: float | None = None  # turned into km by the engine's commute speed (commute_kmh)
    capacity_percent: float = 100.0
    wanted_percent_min: float = 0.0
    wanted_percent_max: float = 100.0
    hours_per_week: float | None = None
    working_hours: tuple[str, ...] = ()
    engagement_types: tuple[str, ...] = ()
    earliest_start: dt.date | None = None
    needs: tuple[str, ...] = ()
    text: str = ""  # optional free CV text (summary), used only by the optional TF-IDF component

    @property
    def norwegian_level(self) -> int:
        """Best CEFR level in Norwegian as 0..6 (0: unknown)."""
        levels = [
            CEFR.get((lang.level or "").upper(), 0)
            for lang in self.languages
            if lang.language.strip().lower() in NORWEGIAN_NAMES
        ]
        return max(levels, default=0)

    @classmethod
    def from_bench_dict(cls, d: Mapping[str, Any]) -> CandidateProfile:
        """Build from one line of the bench ``candidates.jsonl`` (``../shared/bench/FORMAT.md``)."""
        experience = tuple(
            Experience(
                title=str(e.get("title") or ""),
                years=float(e.get("years") or 0.0),
                styrk08=(str(e["styrk08"]) if e.get("styrk08") else None),
            )
            for e in d.get("experience") or ()
        )
        education = tuple(
            str(e.get("title") if isinstance(e, Mapping) else e) for e in d.get("education") or ()
        )
        languages = tuple(
            Language(str(x.get("language") or ""), (str(x["level"]).upper() if x.get("level") else None))
            if isinstance(x, Mapping)
            else Language(str(x))
            for x in d.get("languages") or ()
        )
        capacity = _num(d.get("capacity_percent"), 100.0)
        assert capacity is not None
        wmin = _num(d.get("wanted_percent_min"), 0.0)
        wmax = _num(d.get("wanted_percent_max"), capacity)
        return cls(
            id=str(d["id"]),
            titles=_t(d.get("titles")),
            experience=experience,
            education=education,
            certificates=_t(d.get("certificates")),
            driving_licences=_upper_set(d.get("driving_licences")),
            languages=languages,
            skills=_t(d.get("skills")),
            wanted_occupations=tuple(str(x) for x in d.get("wanted_occupations") or ()),
            municipalities=tuple(str(x) for x in d.get("municipalities") or ()),
            postal_code=(str(d["postal_code"]) if d.get("postal_code") else None),
            max_commute_km=_num(d.get("max_commute_km"), None),
            max_commute_minutes=_num(d.get("max_commute_minutes"), None),
            capacity_percent=capacity,
            wanted_percent_min=wmin if wmin is not None else 0.0,
            wanted_percent_max=wmax if wmax is not None else capacity,
            hours_per_week=_num(d.get("hours_per_week"), None),
            working_hours=_lower_list(d.get("working_hours")),
            engagement_types=_lower_list(d.get("engagement_types") or d.get("engagement")),
            earliest_start=_date(d.get("earliest_start")),
            needs=_upper_set(d.get("needs")),
            text=str(d.get("text") or d.get("summary") or ""),
        )


@dataclass(frozen=True, slots=True)
class Opening:
    """A job opening; ``adaptations`` are NAV's inkluderingsmuligheter (what the employer can adapt)."""

    id: str
    title: str
    description: str = ""
    styrk08: str | None = None
    employer: str = ""
    municipality: str | None = None
    postal_code: str | None = None
    percent_min: float = 100.0
    percent_max: float = 100.0
    hours_per_week: float | None = None
    working_hours: tuple[str, ...] = ()
    engagement: str | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    status: str = "open"
    must: Requirements = field(default_factory=Requirements)
    should: Requirements = field(default_factory=Requirements)
    adaptations: tuple[str, ...] = ()
    open_to_reduced_capacity: bool = False

    @classmethod
    def from_bench_dict(cls, d: Mapping[str, Any]) -> Opening:
        """Build from one line of the bench ``openings.jsonl``; ``requirements`` are the must-haves."""
        pmin = _num(d.get("percent_min"), None)
        pmax = _num(d.get("percent_max"), None)
        hours = _num(d.get("hours_per_week"), None)
        if pmin is None and pmax is None and hours is not None:
            pmin = pmax = min(100.0, round(hours / 37.5 * 100.0, 1))
        pmin = pmin if pmin is not None else (pmax if pmax is not None else 100.0)
        pmax = pmax if pmax is not None else max(pmin, 100.0 if pmin >= 100 else pmin)
        should = d.get("should") or (d.get("requirements") or {}).get("should")
        return cls(
            id=str(d["id"]),
            title=str(d.get("title") or ""),
            description=str(d.get("description") or ""),
            styrk08=(str(d["styrk08"]) if d.get("styrk08") else None),
            employer=str(d.get("employer") or ""),
            municipality=(str(d["municipality"]) if d.get("municipality") else None),
            postal_code=(str(d["postal_code"]) if d.get("postal_code") else None),
            percent_min=min(pmin, pmax),
            percent_max=max(pmin, pmax),
            hours_per_week=hours,
            working_hours=_lower_list(d.get("working_hours")),
            engagement=(str(d["engagement"]).lower() if d.get("engagement") else None),
            start=_date(d.get("start")),
            deadline=_date(d.get("deadline")),
            status=str(d.get("status") or "open").lower(),
            must=Requirements.from_dict(d.get("requirements")),
            should=Requirements.from_dict(should),
            adaptations=_upper_set(d.get("adaptations")),
            open_to_reduced_capacity=bool(d.get("open_to_reduced_capacity") or False),
        )
