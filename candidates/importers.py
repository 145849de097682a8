"""JSON Resume 1.0 (https://jsonresume.org/schema, v1.0.0) into the candidate's CV.

Validation follows the schema's rules for the fields the schema types (strings, arrays, objects, `email`, `uri`
and the partial ISO 8601 dates), written in code with pydantic: a document that breaks any of them is refused
whole, with the field path (`basics.email`, `work[0].startDate`) and the reason, and nothing of it is written.
In an array each document is imported in its own savepoint, as the openings import does: an invalid document
writes nothing, the valid ones still go in, and the command reports every refused document (and exits non-zero).

A document whose e-mail matches a candidate of the same office updates that candidate (its CV is replaced), so
a re-import does not make a copy. Read: basics (name, label, email, phone, summary, location), work, volunteer,
education, certificates, skills, languages. Not read (no field in the profile): awards, publications, interests,
references, projects, meta."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError, field_validator
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from candidates import service
from candidates.models import Candidate, Certificate, Education, LanguageSkill, WorkExperience
from candidates.validation import check_email
from core.errors import DomainError, ValidationFailed
from core.models import Office, User

FORMATS = ("jsonresume",)
ISO8601 = re.compile(r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$")


def _iso(value: str | None) -> str | None:
    if value is None:
        return value
    if not ISO8601.match(value):
        raise ValueError("må være en dato på formen ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller ÅÅÅÅ")
    return value


def _uri(value: str | None) -> str | None:
    if value is None or value == "":
        return value
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path) or " " in value:
        raise ValueError("er ikke en gyldig URL (uri)")
    return value


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class Location(_Part):
    address: StrictStr | None = None
    postalCode: StrictStr | None = None
    city: StrictStr | None = None
    countryCode: StrictStr | None = None
    region: StrictStr | None = None


class Profile(_Part):
    network: StrictStr | None = None
    username: StrictStr | None = None
    url: StrictStr | None = None
    _url = field_validator("url")(_uri)


class Basics(_Part):
    name: StrictStr | None = None
    label: StrictStr | None = None
    image: StrictStr | None = None
    email: StrictStr | None = None
    phone: StrictStr | None = None
    url: StrictStr | None = None
    summary: StrictStr | None = None
    location: Location | None = None
    profiles: list[Profile] | None = None

    _url = field_validator("url")(_uri)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        normalised = check_email(value)
        if normalised is None:
            raise ValueError("er ikke en gyldig e-postadresse")
        return normalised


class _Dated(_Part):
    startDate: StrictStr | None = None
    endDate: StrictStr | None = None
    url: StrictStr | None = None
    summary: StrictStr | None = None
    highlights: list[StrictStr] | None = None

    _dates = field_validator("startDate", "endDate")(_iso)
    _url = field_validator("url")(_uri)


class Work(_Dated):
    name: StrictStr | None = None
    location: StrictStr | None = None
    description: StrictStr | None = None
    position: StrictStr | None = None


class Volunteer(_Dated):
    organization: StrictStr | None = None
    position: StrictStr | None = None


class EducationItem(_Part):
    institution: StrictStr | None = None
    url: StrictStr | None = None
    area: StrictStr | None = None
    studyType: StrictStr | None = None
    startDate: StrictStr | None = None
    endDate: StrictStr | None = None
    score: StrictStr | None = None
    courses: list[StrictStr] | None = None

    _dates = field_validator("startDate", "endDate")(_iso)
    _url = field_validator("url")(_uri)


class CertificateItem(_Part):
    name: StrictStr | None = None
    date: StrictStr | None = None
    url: StrictStr | None = None
    issuer: StrictStr | None = None

    _dates = field_validator("date")(_iso)
    _url = field_validator("url")(_uri)


class Skill(_Part):
    name: StrictStr | None = None
    level: StrictStr | None = None
    keywords: list[StrictStr] | None = None


class Language(_Part):
    language: StrictStr | None = None
    fluency: StrictStr | None = None


class Award(_Part):
    title: StrictStr | None = None
    date: StrictStr | None = None
    awarder: StrictStr | None = None
    summary: StrictStr | None = None
    _dates = field_validator("date")(_iso)


class Publication(_Part):
    name: StrictStr | None = None
    publisher: StrictStr | None = None
    releaseDate: StrictStr | None = None
    url: StrictStr | None = None
    summary: StrictStr | None = None
    _dates = field_validator("releaseDate")(_iso)
    _url = field_validator("url")(_uri)


class Interest(_Part):
    name: StrictStr | None = None
    keywords: list[StrictStr] | None = None


class Reference(_Part):
    name: StrictStr | None = None
    reference: StrictStr | None = None


class Project(_Part):
    name: StrictStr | None = None
    description: StrictStr | None = None
    highlights: list[StrictStr] | None = None
    keywords: list[StrictStr] | None = None
    startDate: StrictStr | None = None
    endDate: StrictStr | None = None
    url: StrictStr | None = None
    roles: list[StrictStr] | None = None
    entity: StrictStr | None = None
    type: StrictStr | None = None
    _dates = field_validator("startDate", "endDate")(_iso)
    _url = field_validator("url")(_uri)


class Meta(_Part):
    canonical: StrictStr | None = None
    version: StrictStr | None = None
    lastModified: StrictStr | None = None
    _url = field_validator("canonical")(_uri)


class Resume(_Part):
    basics: Basics | None = None
    work: list[Work] | None = None
    volunteer: list[Volunteer] | None = None
    education: list[EducationItem] | None = None
    awards: list[Award] | None = None
    certificates: list[CertificateItem] | None = None
    publications: list[Publication] | None = None
    skills: list[Skill] | None = None
    languages: list[Language] | None = None
    interests: list[Interest] | None = None
    references: list[Reference] | None = None
    projects: list[Project] | None = None
    meta: Meta | None = None


TYPE_MESSAGES = {
    "string_type": "må være tekst (string)",
    "list_type": "må være en liste (array)",
    "model_type": "må være et objekt",
    "model_attributes_type": "må være et objekt",
    "dict_type": "må være et objekt",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_resume(document: Any) -> Resume:
    """Raises ValidationFailed listing every problem as {field, message} (field = the JSON path)."""
    if not isinstance(document, dict):
        raise ValidationFailed("Dokumentet må være et JSON-objekt.", field="$")
    try:
        resume = Resume.model_validate(document)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            path = _path(tuple(err["loc"]))
            message = TYPE_MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
            errors.append({"field": path, "message": f"{path} {message}"})
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors) from exc
    if not (resume.basics and resume.basics.name and resume.basics.name.strip()):
        raise ValidationFailed("basics.name mangler: kandidaten må ha et navn.", field="basics.name")
    return resume


# --- into the profile -----------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    while len(parts) < 3:
        parts.append(1)
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def education_level(study_type: str | None, institution: str | None) -> str:
    text = f"{study_type or ''} {institution or ''}".lower()
    if any(w in text for w in ("fagbrev", "svennebrev", "apprentice")):
        return "fagbrev"
    if any(w in text for w in ("grunnskole", "ungdomsskole", "primary", "middle school")):
        return "grunnskole"
    if any(
        w in text
        for w in (
            "bachelor",
            "master",
            "phd",
            "doctor",
            "univers",
            "høgskole",
            "college",
            "degree",
            "ma ",
            "bsc",
        )
    ):
        return "høyere utdanning"
    return "videregående"


FLUENCY = {
    "native": "C2",
    "morsmål": "C2",
    "fluent": "C1",
    "flytende": "C1",
    "full professional": "C1",
    "professional": "B2",
    "god": "B2",
    "limited": "B1",
    "conversational": "B1",
    "intermediate": "B1",
    "elementary": "A2",
    "basic": "A2",
    "beginner": "A1",
    "grunnleggende": "A2",
}


def cefr_level(fluency: str | None) -> str | None:
    text = (fluency or "").strip()
    if text.upper() in ("A1", "A2", "B1", "B2", "C1", "C2"):
        return text.upper()
    lowered = text.lower()
    for key, level in FLUENCY.items():
        if key in lowered:
            return level
    return None


def _split_name(name: str) -> tuple[str, str]:
    parts = name.strip().split()
    if len(parts) == 1:
        return parts[0], "-"
    return " ".join(parts[:-1]), parts[-1]


def _text(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def import_resume(
    session: Session, resume: Resume, *, office: Office, actor: User | None = None
) -> tuple[Candidate, bool]:
    """Creates or (same office, same e-mail) updates a candidate from a validated document; True when updated."""
    basics = resume.basics
    assert basics is not None and basics.name
    first, last = _split_name(basics.name)
    postal = basics.location.postalCode if basics.location else None
    postal = postal.strip() if postal and postal.strip().isdigit() and len(postal.strip()) == 4 else None
    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "email": basics.email or None,
        "phone": basics.phone or None,
        "summary": (basics.summary or "")[:5000],
        "address": (basics.location.address if basics.location and basics.location.address else None),
    }
    if postal:
        fields["postal_code"] = postal
    existing = None
    if fields["email"]:
        existing = session.scalar(
            select(Candidate).where(
                Candidate.office_id == office.id, func.lower(Candidate.email) == fields["email"].lower()
            )
        )
    if existing is None:
        candidate = service.create_candidate(session, actor=actor, office=office, **fields)
        updated = False
    else:
        candidate = service.update_candidate(session, actor=actor, candidate_id=existing.id, **fields)
        for model in (WorkExperience, Education, Certificate, LanguageSkill):
            session.execute(delete(model).where(model.candidate_id == candidate.id))
        updated = True
    skills: list[str] = []
    for s in resume.skills or []:
        for word in [s.name, *(s.keywords or [])]:
            if word and word.strip() and word.strip() not in skills:
                skills.append(word.strip()[:200])
    candidate.skills = skills
    rows: list[Any] = []
    for w in resume.work or []:
        title = (w.position or w.name or "").strip()
        if not title:
            continue
        rows.append(
            WorkExperience(
                candidate_id=candidate.id,
                title=title[:200],
                employer=(w.name or "")[:200],
                start_date=_date(w.startDate),
                end_date=_date(w.endDate),
                description=_text(w.summary, *(w.highlights or []))[:5000],
                **_styrk(session, title),
            )
        )
    for v in resume.volunteer or []:
        title = (v.position or v.organization or "").strip()
        if not title:
            continue
        rows.append(
            WorkExperience(
                candidate_id=candidate.id,
                title=title[:200],
                employer=(v.organization or "")[:200],
                start_date=_date(v.startDate),
                end_date=_date(v.endDate),
                description=_text("Frivillig arbeid.", v.summary, *(v.highlights or []))[:5000],
                **_styrk(session, title),
            )
        )
    for e in resume.education or []:
        start, end = _date(e.startDate), _date(e.endDate)
        rows.append(
            Education(
                candidate_id=candidate.id,
                level=education_level(e.studyType, e.institution),
                field=_text(e.area, e.studyType and f"({e.studyType})")[:200],
                institution=(e.institution or "")[:200],
                start_year=start.year if start else None,
                end_year=end.year if end else None,
            )
        )
    for c in resume.certificates or []:
        if c.name and c.name.strip():
            rows.append(
                Certificate(
                    candidate_id=candidate.id,
                    name=c.name.strip()[:200],
                    kind="sertifikat",
                    issuer=(c.issuer or "")[:200],
                    date=_date(c.date),
                )
            )
    for lang in resume.languages or []:
        if lang.language and lang.language.strip():
            rows.append(
                LanguageSkill(
                    candidate_id=candidate.id,
                    language=lang.language.strip()[:100],
                    level=cefr_level(lang.fluency),
                )
            )
    session.add_all(rows)
    if basics.label and basics.label.strip():
        service.set_job_profile(
            session,
            actor=actor,
            candidate_id=candidate.id,
            data={"wanted_titles": [basics.label.strip()[:200]]},
            partial=True,
        )
    session.flush()
    return candidate, updated


def _styrk(session: Session, title: str) -> dict[str, Any]:
    """The classifier's code for an imported title, stored as the import's suggestion with its confidence."""
    best = service.suggest_for_import(session, title)
    if best is None:
        return {"styrk_code": None, "styrk_source": None, "styrk_confidence": None}
    return {"styrk_code": best.code, "styrk_source": "import", "styrk_confidence": best.confidence}


# --- documents ------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    candidate_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "errors": self.errors}


def load_documents(text: str) -> list[Any]:
    """One JSON document or a JSON array of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"Filen er ikke gyldig JSON: {exc}", field="$") from exc
    return data if isinstance(data, list) else [data]


def import_documents(
    session: Session, documents: list[Any], *, office: Office, actor: User | None = None
) -> ImportResult:
    """Each document all-or-nothing in its own savepoint; every problem of a refused document is reported."""
    result = ImportResult()
    for index, document in enumerate(documents):
        try:
            resume = validate_resume(document)
        except ValidationFailed as exc:
            result.errors.extend({"index": index, **e} for e in exc.errors)
            continue
        savepoint = session.begin_nested()
        try:
            candidate, updated = import_resume(session, resume, office=office, actor=actor)
            savepoint.commit()
        except ValidationFailed as exc:
            savepoint.rollback()
            result.errors.extend({"index": index, **e} for e in exc.errors)
            continue
        except DomainError as exc:
            savepoint.rollback()
            result.errors.append({"index": index, "field": exc.field or "", "message": exc.message})
            continue
        result.candidate_ids.append(candidate.id)
        if updated:
            result.updated += 1
        else:
            result.imported += 1
    return result
