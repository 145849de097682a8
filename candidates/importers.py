"""JSON Resume 1.0 (https://jsonresume.org/schema, v1.0.0) into the candidate's CV.

A document is validated with the `jsonschema` library against the official schema shipped in
core/refdata/jsonresume/schema.json (draft-07, format checking on), so the rules are the JSON Resume project's own
and not a copy of them. What refuses a document whole, with the field path (`basics.email`, `work[0].startDate`)
and the reason, nothing of it written: a wrong type anywhere; a format problem (a `uri`, an `email`, the partial
ISO 8601 date pattern) in a field the product reads (READ_FIELDS). A format problem in a field the product does
not read (every `url`, `projects[].startDate`, `meta.canonical`, ...) is a warning in the result: the official
samples write `projects[].url` as "example.com", and refusing a CV for a link nobody looks at helps no one. An
empty string where a format is expected ("email": "") is a field left empty, not a problem.

The product's own rules apply on top: an e-mail address must pass core.cleaning.check_email (stricter than
the schema's "contains an @"), every text fits its column (too long is refused, never cut), a date the product
reads is a real date within the bounds the CV form uses, and the shapes core.cleaning.check_document checks
(nesting, valid Unicode).

An array is imported all or nothing, as the openings import is: when any document is refused nothing is saved,
and the command reports every refused document (and exits non-zero); with `partial`, each document is imported in
its own savepoint and the valid ones go in.

A document whose e-mail matches a candidate of the same office updates that candidate (its CV is replaced), so
a re-import does not make a copy. Read: basics (name, label, email, phone, summary, location address and postal
code), work, volunteer, education, certificates, skills, languages. Not read (no field in the profile): awards,
publications, interests, references, projects, meta, and every url."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError as SchemaError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from candidates import service, service_profile
from candidates.models import Candidate, Certificate, Education, LanguageSkill, WorkExperience
from core.cleaning import CAREER_DATE, check_date, check_document, check_email, load_json
from core.errors import DomainError, ValidationFailed
from core.models import Office, User
from core.reference import BUILTIN_DIR

FORMATS = ("jsonresume",)
SCHEMA_PATH = BUILTIN_DIR / "jsonresume" / "schema.json"

# The fields import_resume reads, as paths with "[]" for any array index. A format problem here refuses the
# document; anywhere else it is a warning. Keep in step with import_resume.
READ_FIELDS = frozenset(
    {
        "basics.name",
        "basics.label",
        "basics.email",
        "basics.phone",
        "basics.summary",
        "basics.location.address",
        "basics.location.postalCode",
        *(f"{part}[].{key}" for part in ("work", "volunteer") for key in ("startDate", "endDate", "summary")),
        *(f"{part}[].highlights[]" for part in ("work", "volunteer")),
        "work[].name",
        "work[].position",
        "volunteer[].organization",
        "volunteer[].position",
        "education[].institution",
        "education[].area",
        "education[].studyType",
        "education[].startDate",
        "education[].endDate",
        "certificates[].name",
        "certificates[].issuer",
        "certificates[].date",
        "skills[].name",
        "skills[].keywords[]",
        "languages[].language",
        "languages[].fluency",
    }
)
# The dates the product reads, checked as the CV form checks them (education as years, as its form does).
CAREER_DATES = ("work[].startDate", "work[].endDate", "volunteer[].startDate", "volunteer[].endDate")
EDUCATION_YEARS = (1940, 2100)

TYPE_NAMES = {
    "string": "tekst (string)",
    "array": "en liste (array)",
    "object": "et objekt",
    "number": "et tall",
    "integer": "et heltall",
    "boolean": "sann eller usann (boolean)",
    "null": "null",
}
FORMAT_MESSAGES = {
    "email": "er ikke en gyldig e-postadresse",
    "uri": "er ikke en gyldig URL (uri) med skjema, som https://",
}
DATE_MESSAGE = "må være en dato på formen ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller ÅÅÅÅ"
WARNING_SUFFIX = "feltet brukes ikke, så dokumentet er importert likevel"


@functools.cache
def schema_validator() -> Draft7Validator:
    """The official schema, checked and compiled once per process (a validator per document would re-read and
    re-check the schema each time)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _path(parts: Iterator[Any] | Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "$"


def _pattern(path: str) -> str:
    """`work[0].highlights[2]` as `work[].highlights[]`, the form READ_FIELDS uses."""
    return re.sub(r"\[\d+\]", "[]", path)


def _reason(error: SchemaError) -> str:
    if error.validator == "type":
        expected = error.validator_value  # the schema's "type": a type name or a list of them
        names = [
            TYPE_NAMES.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected])
        ]
        return f"må være {' eller '.join(names)}"
    if error.validator == "format":
        return FORMAT_MESSAGES.get(str(error.validator_value), f"har ikke formatet {error.validator_value}")
    if error.validator == "pattern":
        iso = "[1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]"
        return DATE_MESSAGE if iso in str(error.validator_value) else "har ikke riktig form"
    return f"følger ikke JSON Resume-skjemaet ({error.validator}: {error.message})"


@dataclass
class Checked:
    """A document that passed: the document as read (e-mail normalised) and what was let through with a warning."""

    document: dict[str, Any]
    warnings: list[dict[str, str]] = field(default_factory=list)


def validate_resume(document: Any) -> Checked:
    """Raises ValidationFailed listing every problem as {field, message} (field = the JSON path); returns the
    document with its warnings (format problems in fields the product does not read)."""
    if not isinstance(document, dict):
        raise ValidationFailed("Dokumentet må være et JSON-objekt.", field="$")
    errors: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    for error in schema_validator().iter_errors(document):
        if error.validator == "format" and error.instance == "":
            continue  # "" is how many tools write a field left empty: not given, as the product reads it
        path = _path(error.absolute_path)
        problem = {"field": path, "message": f"{path} {_reason(error)}"}
        if error.validator in ("format", "pattern") and _pattern(path) not in READ_FIELDS:
            warnings.append({"field": path, "message": f"{problem['message']}; {WARNING_SUFFIX}."})
        else:
            errors.append(problem)
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    document = dict(document)
    basics = dict(document.get("basics") or {})
    document["basics"] = basics
    if basics.get("email"):
        normalised = check_email(basics["email"])
        if normalised is None:
            errors.append(
                {"field": "basics.email", "message": "basics.email er ikke en gyldig e-postadresse"}
            )
        basics["email"] = normalised
    if not (basics.get("name") or "").strip():
        errors.append({"field": "basics.name", "message": "basics.name mangler: kandidaten må ha et navn."})
    errors += _date_problems(document)
    errors += [
        {"field": path, "message": f"{path} er {len(text)} tegn langt; feltet rommer høyst {limit} tegn."}
        for path, text, limit in _texts_with_limits(document)
        if len(text) > limit
    ]
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    return Checked(document, warnings)


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """An array of objects the schema has already typed (absent is empty)."""
    return list(document.get(key) or [])


def _date_problems(document: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The dates the product reads: a real calendar date ("2014-13-45" passes the schema's pattern) within the
    bounds the CV form uses, so an import cannot store what the form would refuse."""
    fields = [(part, key) for part in ("work", "volunteer") for key in ("startDate", "endDate")]
    fields += [("certificates", "date"), ("education", "startDate"), ("education", "endDate")]
    for part, key in fields:
        for i, item in enumerate(_items(document, part)):
            value = item.get(key)
            if not value:
                continue
            path = f"{part}[{i}].{key}"
            day = _date(value)
            if day is None:
                yield {"field": path, "message": f"{path} er ikke en dato som finnes ({value})."}
            elif part == "education":
                low, high = EDUCATION_YEARS
                if not low <= day.year <= high:
                    yield {"field": path, "message": f"{path} må være et år fra {low} til {high}."}
            elif (message := check_date(day, CAREER_DATE, path)) is not None:
                yield {"field": path, "message": message}


def _texts_with_limits(document: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """Every text the import stores, as (path, text as stored, what its column holds): a text too long for its
    field refuses the document (a 100 MB summary is not cut to 5 000 characters without a word)."""
    basics = document["basics"]
    location = basics.get("location") or {}
    yield "basics.summary", basics.get("summary") or "", 5000
    yield "basics.label", (basics.get("label") or "").strip(), 200
    yield "basics.location.address", location.get("address") or "", 200
    for i, s in enumerate(_items(document, "skills")):
        yield f"skills[{i}].name", (s.get("name") or "").strip(), 200
        for k, word in enumerate(s.get("keywords") or []):
            yield f"skills[{i}].keywords[{k}]", word.strip(), 200
    for i, w in enumerate(_items(document, "work")):
        yield f"work[{i}].position", (w.get("position") or w.get("name") or "").strip(), 200
        yield f"work[{i}].name", w.get("name") or "", 200
        yield f"work[{i}].summary", _text(w.get("summary"), *(w.get("highlights") or [])), 5000
    for i, v in enumerate(_items(document, "volunteer")):
        yield f"volunteer[{i}].position", (v.get("position") or v.get("organization") or "").strip(), 200
        yield f"volunteer[{i}].organization", v.get("organization") or "", 200
        summary = _text("Frivillig arbeid.", v.get("summary"), *(v.get("highlights") or []))
        yield f"volunteer[{i}].summary", summary, 5000
    for i, e in enumerate(_items(document, "education")):
        yield f"education[{i}].area", _study(e), 200
        yield f"education[{i}].institution", e.get("institution") or "", 200
    for i, c in enumerate(_items(document, "certificates")):
        yield f"certificates[{i}].name", (c.get("name") or "").strip(), 200
        yield f"certificates[{i}].issuer", c.get("issuer") or "", 200
    for i, lang in enumerate(_items(document, "languages")):
        yield f"languages[{i}].language", (lang.get("language") or "").strip(), 100


def _study(e: dict[str, Any]) -> str:
    study_type = e.get("studyType")
    return _text(e.get("area"), study_type and f"({study_type})")


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
    session: Session, checked: Checked, *, office: Office, actor: User | None = None
) -> tuple[Candidate, bool]:
    """Creates or (same office, same e-mail) updates a candidate from a validated document; True when updated."""
    resume = checked.document
    basics = resume["basics"]
    first, last = _split_name(basics["name"])
    location = basics.get("location") or {}
    postal = (location.get("postalCode") or "").strip()
    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "email": basics.get("email") or None,
        "phone": basics.get("phone") or None,
        "summary": basics.get("summary") or "",
        "address": location.get("address") or None,
    }
    if postal.isdigit() and len(postal) == 4:
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
    for s in _items(resume, "skills"):
        for word in [s.get("name"), *(s.get("keywords") or [])]:
            if word and word.strip() and word.strip() not in skills:
                skills.append(word.strip())
    candidate.skills = skills
    rows: list[Any] = []
    for part, employer_key, lead in (
        ("work", "name", None),
        ("volunteer", "organization", "Frivillig arbeid."),
    ):
        for w in _items(resume, part):
            title = (w.get("position") or w.get(employer_key) or "").strip()
            if not title:
                continue
            rows.append(
                WorkExperience(
                    candidate_id=candidate.id,
                    title=title,
                    employer=w.get(employer_key) or "",
                    start_date=_date(w.get("startDate")),
                    end_date=_date(w.get("endDate")),
                    description=_text(lead, w.get("summary"), *(w.get("highlights") or [])),
                    **_styrk(session, title),
                )
            )
    for e in _items(resume, "education"):
        start, end = _date(e.get("startDate")), _date(e.get("endDate"))
        rows.append(
            Education(
                candidate_id=candidate.id,
                level=education_level(e.get("studyType"), e.get("institution")),
                field=_study(e),
                institution=e.get("institution") or "",
                start_year=start.year if start else None,
                end_year=end.year if end else None,
            )
        )
    for c in _items(resume, "certificates"):
        name = (c.get("name") or "").strip()
        if name:
            rows.append(
                Certificate(
                    candidate_id=candidate.id,
                    name=name,
                    kind="sertifikat",
                    issuer=c.get("issuer") or "",
                    date=_date(c.get("date")),
                )
            )
    for lang in _items(resume, "languages"):
        language = (lang.get("language") or "").strip()
        if language:
            rows.append(
                LanguageSkill(
                    candidate_id=candidate.id, language=language, level=cefr_level(lang.get("fluency"))
                )
            )
    session.add_all(rows)
    label = (basics.get("label") or "").strip()
    if label:
        service_profile.set_job_profile(
            session, actor=actor, candidate_id=candidate.id, data={"wanted_titles": [label]}, partial=True
        )
    session.flush()
    return candidate, updated


def _styrk(session: Session, title: str) -> dict[str, Any]:
    """The classifier's code for an imported title, stored as the import's suggestion with its confidence."""
    best = service_profile.suggest_for_import(session, title)
    if best is None:
        return {"styrk_code": None, "styrk_source": None, "styrk_confidence": None}
    return {"styrk_code": best.code, "styrk_source": "import", "styrk_confidence": best.confidence}


# --- documents ------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    candidate_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The contract's shape, plus `warnings` (same items as `errors`): what was imported despite a format
        problem in a field the product does not read."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def load_documents(text: str) -> list[Any]:
    """One JSON document or a JSON array of them."""
    data = load_json(text, field="$")
    return data if isinstance(data, list) else [data]


def import_documents(
    session: Session,
    documents: list[Any],
    *,
    office: Office,
    actor: User | None = None,
    partial: bool = False,
) -> ImportResult:
    """All or nothing: when any document is refused, nothing is saved (every problem of every refused document
    is still reported). With `partial`, each document is all-or-nothing on its own and the valid ones go in."""
    result = ImportResult()
    whole = session.begin_nested()
    for index, document in enumerate(documents):
        try:
            check_document(document)
            checked = validate_resume(document)
        except ValidationFailed as exc:
            result.errors.extend({"index": index, **e} for e in exc.errors)
            continue
        savepoint = session.begin_nested()
        try:
            candidate, updated = import_resume(session, checked, office=office, actor=actor)
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
        result.warnings.extend({"index": index, **w} for w in checked.warnings)
        if updated:
            result.updated += 1
        else:
            result.imported += 1
    if result.errors and not partial:
        whole.rollback()
        result.imported = result.updated = 0
        result.candidate_ids = []
    else:
        whole.commit()
    return result
