"""External formats for openings: NAV's ad format (pam-ad) in, schema.org JobPosting JSON-LD in and out.

An imported opening keeps its source key (`source`, `external_id`), so importing the same document again updates
it instead of adding a copy. An import is all or nothing: when any document of an array is refused, nothing is
saved and every refused document is reported; with `partial`, each document is imported in its own savepoint and
the valid ones go in. Exported JobPostings carry the key as `identifier`, so import → export →
import lands on the same opening and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import reference as reference_service
from core.cleaning import check_document, load_json
from core.errors import DomainError, ValidationFailed
from core.formatting import number_input, today_in_oslo
from core.models import User, utcnow
from employers import orgnr as orgnr_rules
from employers import service, service_openings
from employers.models import WORKING_TIMES, Employer, Opening, OpeningStatusChange
from employers.styrk import name_of

FORMATS = ("pam-ad", "jobposting")
OWN_SOURCE = "arbeidsbro"

PAM_ENGAGEMENT = {
    "fast": "fast",
    "vikariat": "vikariat",
    "engasjement": "engasjement",
    "prosjekt": "engasjement",
    "sesong": "sesong",
    "feriejobb": "sesong",
    "trainee": "engasjement",
    "lærling": "lærling",
    "selvstendig næringsdrivende": "engasjement",
    "annet": "engasjement",
}
PAM_WORKHOURS = {"dagtid": "dagtid", "kveld": "kveld", "natt": "natt", "helg": "helg"}
PAM_WORKDAY = {"lørdag": "helg", "søndag": "helg"}
PAM_STATUS = {"ACTIVE": "publisert", "INACTIVE": "stengt", "STOPPED": "stengt", "DELETED": "stengt"}
PAM_FIELDS = {
    "title": "properties.jobtitle",
    "description": "properties.adtext",
    "positions": "properties.positioncount",
    "percent_min": "properties.jobpercentagerange",
    "percent_max": "properties.jobpercentagerange",
    "engagement_type": "properties.engagementtype",
    "application_deadline": "properties.applicationdue",
    "start_date": "properties.starttime",
    "styrk_code": "categoryList",
    "municipality_code": "location.municipalCode",
}
JP_FIELDS = {
    "title": "title",
    "description": "description",
    "positions": "totalJobOpenings",
    "percent_min": "workHours",
    "percent_max": "workHours",
    "application_deadline": "validThrough",
    "start_date": "jobStartDate",
    "styrk_code": "occupationalCategory",
}
ENGAGEMENT_TO_SCHEMA = {
    "fast": None,
    "vikariat": "TEMPORARY",
    "engasjement": "CONTRACTOR",
    "sesong": "TEMPORARY",
    "lærling": "INTERN",
}
SCHEMA_TO_ENGAGEMENT = {"TEMPORARY": "vikariat", "CONTRACTOR": "engasjement", "INTERN": "lærling"}


class DocumentError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Parsed:
    """One document in our terms: the employer, the opening fields, the source key and the status."""

    orgnr: str
    employer: dict[str, Any]
    opening: dict[str, Any]
    source: str
    external_id: str
    status: str
    field_names: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "errors": self.errors}


# --- helpers ------------------------------------------------------------------------------------------


def _json_list(value: Any) -> list[str]:
    """pam-ad keeps lists as JSON text ('["Dagtid"]'); accept a list or plain text too."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def _date_or_none(value: Any) -> str | None:
    text = str(value or "").strip()
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None


def _percent_range(text: str) -> tuple[int, int] | None:
    match = re.search(r"(\d{1,3})(?:[,.]\d+)?\s*(?:%\s*)?(?:[-–]|til)\s*(\d{1,3})(?:[,.]\d+)?\s*%", text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = re.search(r"(\d{1,3})(?:[,.]\d+)?\s*(?:%|prosent)", text)
    if match:
        return int(match.group(1)), int(match.group(1))
    return None


def _known_postal_code(session: Session, code: Any) -> str | None:
    code = str(code or "").strip()
    return code if code and reference_service.postal_code(session, code) is not None else None


def _municipality(session: Session, value: Any) -> str | None:
    """An ad's municipality as today's code (an older code of it resolves); one the register does not know is
    left out, as an unknown postal code is, rather than refusing the whole ad."""
    code = str(value or "").strip()
    if not (code.isdigit() and len(code) <= 4):
        return None
    try:
        return reference_service.clean_municipality_code(session, code.zfill(4), field="municipalCode")
    except ValidationFailed:
        return None


def _check_orgnr(value: Any, field_name: str) -> str:
    number = orgnr_rules.normalise(str(value or ""))
    if (msg := orgnr_rules.orgnr_error(number)) is not None:
        raise DocumentError(field_name, msg)
    return number


def _status_for(status: str, deadline: str | None, today: dt.date) -> str:
    if status == "publisert" and deadline and dt.date.fromisoformat(deadline) < today:
        return "utløpt"
    return status


# --- pam-ad -------------------------------------------------------------------------------------------


def parse_pam_ad(session: Session, doc: dict[str, Any], today: dt.date) -> Parsed:
    if not isinstance(doc, dict):
        raise DocumentError("", "Dokumentet må være et JSON-objekt.")
    props = doc.get("properties") or {}
    emp = doc.get("employer") or {}
    if not isinstance(props, dict) or not isinstance(emp, dict):
        raise DocumentError("properties", "properties og employer må være objekter.")
    orgnr = _check_orgnr(emp.get("orgnr"), "employer.orgnr")
    key = str(doc.get("uuid") or doc.get("reference") or doc.get("id") or "").strip()
    if not key:
        raise DocumentError("uuid", "Annonsen mangler uuid (trengs for å kjenne den igjen ved ny import).")

    emp_loc = emp.get("location") or {}
    nace = None
    for nace_item in _json_list_of_dicts((emp.get("properties") or {}).get("nace2")):
        nace = str(nace_item.get("code") or "").strip() or None
        break
    sector = str(props.get("sector") or "").strip().lower()
    employer = {
        "name": props.get("employer") or emp.get("publicName") or emp.get("name") or "",
        "sector": sector if sector in ("privat", "offentlig") else None,
        "nace_code": nace,
        "address": emp_loc.get("address"),
        "postal_code": _known_postal_code(session, emp_loc.get("postalCode")),
        "municipality_code": _municipality(session, emp_loc.get("municipalCode")),
        "website": props.get("employerhomepage"),
    }

    percent: tuple[int | None, int | None] = (None, None)
    if props.get("jobpercentagerange"):
        match = re.match(r"^\s*(\d{1,3})\s*[-–]\s*(\d{1,3})\s*$", str(props["jobpercentagerange"]))
        if not match:
            raise DocumentError("properties.jobpercentagerange", "Forventet et spenn som «20-50».")
        percent = (int(match.group(1)), int(match.group(2)))
    elif props.get("jobpercentage"):
        text = str(props["jobpercentage"]).replace("%", "").replace(",", ".").strip()
        try:
            value = round(float(text))
        except ValueError:
            raise DocumentError("properties.jobpercentage", "Stillingsprosenten må være et tall.") from None
        percent = (value, value)
    else:
        extent = str(props.get("extent") or "").lower()
        if extent == "heltid":
            percent = (100, 100)
        elif extent == "deltid":
            percent = (1, 99)
        elif "deltid" in extent:
            percent = (1, 100)

    working: list[str] = []
    for item in _json_list(props.get("workhours")):
        if (w := PAM_WORKHOURS.get(item.strip().lower())) and w not in working:
            working.append(w)
    for item in _json_list(props.get("workday")):
        if (w := PAM_WORKDAY.get(item.strip().lower())) and w not in working:
            working.append(w)
    if _json_list(props.get("jobarrangement")) and "skift" not in working:
        working.append("skift")  # Skift, Turnus and Vakt all mean shifts in our terms
    working = [w for w in WORKING_TIMES if w in working]

    engagement_raw = str(props.get("engagementtype") or "").strip().lower()
    engagement = PAM_ENGAGEMENT.get(engagement_raw) if engagement_raw else "fast"
    if engagement is None:
        raise DocumentError(
            "properties.engagementtype", f"Ukjent ansettelsesform {props['engagementtype']!r}."
        )

    styrk = None
    for cat in doc.get("categoryList") or []:
        if isinstance(cat, dict) and str(cat.get("categoryType", "")).upper().startswith("STYRK08"):
            styrk = str(cat.get("code") or "").split(".")[0] or None
            break
    loc = (doc.get("locationList") or [None])[0] or doc.get("location") or {}
    start = props.get("starttime")
    deadline = _date_or_none(props.get("applicationdue")) or _date_or_none(doc.get("expires"))
    inclusion, targets, measures = _pam_tags(props.get("tags"))
    status = _status_for(PAM_STATUS.get(str(doc.get("status") or "").upper(), "utkast"), deadline, today)
    opening: dict[str, Any] = {
        "title": props.get("jobtitle") or doc.get("title") or "",
        "description": props.get("adtext") or "",
        "positions": props.get("positioncount") or 1,
        "percent_min": percent[0],
        "percent_max": percent[1],
        "working_time": working,
        "engagement_type": engagement,
        "start_date": _date_or_none(start),
        "start_by_agreement": bool(start) and _date_or_none(start) is None,
        "application_deadline": deadline,
        "address": loc.get("address"),
        "postal_code": _known_postal_code(session, loc.get("postalCode")),
        "municipality_code": _municipality(session, loc.get("municipalCode")),
        "styrk_code": styrk,
        "inclusion": inclusion,
        "target_groups": targets,
        "measures": measures,
        "open_to_reduced_capacity": bool(inclusion),
        "requirements": {"must": {}, "should": {}},
    }
    return Parsed(orgnr, employer, opening, "pam-ad", key, status, PAM_FIELDS)


def _json_list_of_dicts(value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _pam_tags(value: Any) -> tuple[list[str], list[str], list[str]]:
    """Rekrutteringsbistand's tags: INKLUDERING__ARBEIDSTID, PRIORITERT_MÅLGRUPPE__…, TILTAK_ELLER_VIRKEMIDDEL__…"""
    inclusion, targets, measures = [], [], []
    for tag in _json_list(value):
        prefix, _, rest = tag.partition("__")
        if prefix == "INKLUDERING" and rest:
            inclusion.append(rest)
        elif prefix == "PRIORITERT_MÅLGRUPPE" and rest:
            targets.append(rest)
        elif prefix == "TILTAK_ELLER_VIRKEMIDDEL" and rest:
            measures.append(rest)
    return inclusion, targets, measures


# --- schema.org JobPosting ----------------------------------------------------------------------------


def _identifier(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return (str(value.get("name") or "") or None, str(value.get("value") or "") or None)
    if value:
        return None, str(value)
    return None, None


def parse_jobposting(session: Session, doc: dict[str, Any], today: dt.date) -> Parsed:
    if not isinstance(doc, dict):
        raise DocumentError("", "Dokumentet må være et JSON-objekt.")
    if doc.get("@type") not in (None, "JobPosting"):
        raise DocumentError("@type", "Forventet @type JobPosting.")
    org = doc.get("hiringOrganization") or {}
    if not isinstance(org, dict):
        raise DocumentError("hiringOrganization", "hiringOrganization må være et objekt.")
    _name, org_id = _identifier(org.get("identifier"))
    orgnr = _check_orgnr(org_id, "hiringOrganization.identifier")
    given_ext = doc.get("arbeidsbro")
    ext: dict[str, Any] = given_ext if isinstance(given_ext, dict) else {}

    location = doc.get("jobLocation") or {}
    if isinstance(location, list):
        location = location[0] if location else {}
    address = (location.get("address") if isinstance(location, dict) else None) or {}
    work_hours = str(doc.get("workHours") or "")
    types = doc.get("employmentType") or []
    types = [str(t).upper() for t in (types if isinstance(types, list) else [types])]
    percent: tuple[int | None, int | None] = (None, None)
    if (found := _percent_range(work_hours)) is not None:
        percent = found
    elif "PART_TIME" in types:
        percent = (1, 99)
    elif "FULL_TIME" in types:
        percent = (100, 100)
    hours_match = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:timer|t)\b", work_hours)
    working = [w for w in WORKING_TIMES if re.search(rf"\b{w}\b", work_hours.lower())]
    engagement = next((SCHEMA_TO_ENGAGEMENT[t] for t in types if t in SCHEMA_TO_ENGAGEMENT), "fast")
    category = doc.get("occupationalCategory")
    if isinstance(category, dict):
        category = category.get("codeValue")
    styrk_match = re.match(r"^\s*(\d{4})", str(category or ""))
    start = doc.get("jobStartDate")

    source, key = _identifier(doc.get("identifier"))
    if not key:
        basis = json.dumps(
            [orgnr, doc.get("title"), doc.get("datePosted"), doc.get("url")], ensure_ascii=False
        )
        source, key = "jobposting", hashlib.sha256(basis.encode()).hexdigest()[:32]
    deadline = _date_or_none(doc.get("validThrough"))
    opening: dict[str, Any] = {
        "title": doc.get("title") or "",
        "description": doc.get("description") or "",
        "positions": doc.get("totalJobOpenings") or 1,
        "percent_min": percent[0],
        "percent_max": percent[1],
        "hours_per_week": hours_match.group(1) if hours_match else None,
        "working_time": working,
        "engagement_type": engagement,
        "start_date": _date_or_none(start),
        "start_by_agreement": bool(start) and _date_or_none(start) is None,
        "application_deadline": deadline,
        "address": address.get("streetAddress"),
        "postal_code": _known_postal_code(session, address.get("postalCode")),
        "municipality_code": None,
        "styrk_code": styrk_match.group(1) if styrk_match else None,
        "requirements": {"must": {}, "should": {}},
        "inclusion": [],
        "target_groups": [],
        "measures": [],
        "open_to_reduced_capacity": False,
    }
    for name in (
        "description",
        "engagement_type",
        "working_time",
        "percent_min",
        "percent_max",
        "municipality_code",
        "requirements",
        "inclusion",
        "target_groups",
        "measures",
        "open_to_reduced_capacity",
        "start_by_agreement",
    ):
        if name in ext:
            opening[name] = ext[name]
    employer = {
        "name": org.get("name") or "",
        "website": org.get("sameAs") or org.get("url"),
        "municipality_code": opening["municipality_code"],
    }
    status = ext.get("status") or "publisert"
    return Parsed(
        orgnr, employer, opening, source or "jobposting", key, _status_for(status, deadline, today), JP_FIELDS
    )


def to_jobposting(session: Session, opening: Opening) -> dict[str, Any]:
    """schema.org JobPosting for an opening (its employer must be loaded). Standard fields first; the `arbeidsbro`
    object carries what schema.org has no field for, so our own import reads the document back unchanged."""
    employer: Employer = opening.employer
    percent = (
        f"{opening.percent_min} %"
        if opening.percent_min == opening.percent_max
        else f"{opening.percent_min}–{opening.percent_max} %"
    )
    hours = [percent]
    if opening.hours_per_week is not None:
        hours.append(f"{number_input(opening.hours_per_week)} timer per uke")  # "37,5": bokmål, and read back
    hours.extend(opening.working_time)
    types = ["FULL_TIME" if opening.percent_min >= 100 else "PART_TIME"]
    if schema_type := ENGAGEMENT_TO_SCHEMA.get(opening.engagement_type):
        types.append(schema_type)
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "NO"}
    if opening.address:
        address["streetAddress"] = opening.address
    if opening.postal_code:
        address["postalCode"] = opening.postal_code
        pc = reference_service.postal_code(session, opening.postal_code)
        if pc is not None:
            address["addressLocality"] = pc.place
    elif opening.municipality_code:
        name = reference_service.municipality_name(session, opening.municipality_code)
        if name:
            address["addressLocality"] = name
    source, key = (opening.source, opening.external_id) if opening.source else (OWN_SOURCE, str(opening.id))
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": source, "value": key},
        "title": opening.title,
        "description": opening.description or opening.title,
        "datePosted": (opening.published_at or opening.created_at).date().isoformat(),
        "employmentType": types,
        "workHours": ", ".join(hours),
        "totalJobOpenings": opening.positions,
        "hiringOrganization": {
            "@type": "Organization",
            "name": employer.name,
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "orgnr",
                "name": "orgnr",
                "value": employer.orgnr,
            },
        },
        "jobLocation": {"@type": "Place", "address": address},
    }
    if employer.website:
        doc["hiringOrganization"]["sameAs"] = employer.website
    if opening.styrk_code:
        doc["occupationalCategory"] = {
            "@type": "CategoryCode",
            "codeValue": opening.styrk_code,
            "inCodeSet": "STYRK-08",
            "name": name_of(session, opening.styrk_code),
        }
    if opening.application_deadline:
        doc["validThrough"] = opening.application_deadline.isoformat()
    contact = {
        key: value
        for key, value in (
            ("name", opening.contact_name),
            ("email", opening.application_email),
            ("telephone", opening.contact_phone),
            ("url", opening.application_url),
            ("description", opening.how_to_apply),
        )
        if value
    }
    if contact:  # how to apply (schema.org JobPosting.applicationContact)
        doc["applicationContact"] = {"@type": "ContactPoint", **contact}
    if opening.start_date:
        doc["jobStartDate"] = opening.start_date.isoformat()
    elif opening.start_by_agreement:
        doc["jobStartDate"] = "Etter avtale"
    must = opening.requirements.get("must") or {}
    if must:
        doc["qualifications"] = "; ".join(
            f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in must.items()
        )
    doc["arbeidsbro"] = {
        "status": opening.status,
        "percent_min": opening.percent_min,
        "percent_max": opening.percent_max,
        "engagement_type": opening.engagement_type,
        "working_time": list(opening.working_time),
        "municipality_code": opening.municipality_code,
        "requirements": opening.requirements,
        "inclusion": list(opening.inclusion),
        "target_groups": list(opening.target_groups),
        "measures": list(opening.measures),
        "open_to_reduced_capacity": opening.open_to_reduced_capacity,
        "start_by_agreement": opening.start_by_agreement,
    }
    if not opening.description:
        doc["arbeidsbro"]["description"] = ""
    return doc


# --- the import itself --------------------------------------------------------------------------------

PARSERS: dict[str, Callable[[Session, dict[str, Any], dt.date], Parsed]] = {
    "pam-ad": parse_pam_ad,
    "jobposting": parse_jobposting,
}


def _find_existing(session: Session, parsed: Parsed) -> Opening | None:
    if parsed.source == OWN_SOURCE:
        if not parsed.external_id.isdigit():
            return None
        return session.get(Opening, int(parsed.external_id))
    return session.scalar(
        select(Opening).where(Opening.source == parsed.source, Opening.external_id == parsed.external_id)
    )


def _employer_for(session: Session, parsed: Parsed, actor: User | None) -> Employer:
    employer = service.find_by_orgnr(session, parsed.orgnr)
    if employer is not None:
        return employer
    data = {k: v for k, v in parsed.employer.items() if v not in (None, "")}
    if not data.get("name"):
        raise DocumentError("employer.name", "Arbeidsgiveren er ukjent og dokumentet mangler navnet.")
    try:
        return service.create_employer(session, actor=actor, orgnr=parsed.orgnr, **data)
    except ValidationFailed as exc:
        raise DocumentError(f"employer.{exc.field}", exc.message) from exc


def import_one(session: Session, parsed: Parsed, *, actor: User | None = None) -> tuple[Opening, bool]:
    """Creates or updates the opening; returns it and whether it was new."""
    employer = _employer_for(session, parsed, actor)
    existing = _find_existing(session, parsed)
    fields = dict(parsed.opening)
    # the ad's own classification: an import's code, as sure as the source is (a code the record already has
    # keeps the provenance it has, so an unchanged round trip changes nothing)
    if fields.get("styrk_code") and (existing is None or existing.styrk_code != fields["styrk_code"]):
        fields.update(styrk_source="import", styrk_confidence=1.0)
    if existing is None:
        source = None if parsed.source == OWN_SOURCE else parsed.source
        opening = service_openings.create_opening(
            session,
            actor=None,
            employer_id=employer.id,
            source=source,
            external_id=parsed.external_id if source else None,
            imported=True,
            **fields,
        )
        created = True
    else:
        data = service_openings.clean_opening(session, fields, partial=False, imported=True)
        if data.get("styrk_code") == existing.styrk_code:  # the same code keeps the provenance it has
            data.pop("styrk_source", None)
            data.pop("styrk_confidence", None)
        for key, value in data.items():
            if getattr(existing, key) != value:
                setattr(existing, key, value)
        if existing.employer_id != employer.id:
            existing.employer_id = employer.id
        opening, created = existing, False
    if not opening.municipality_code:
        opening.municipality_code = employer.municipality_code
    if opening.status != parsed.status:
        session.add(
            OpeningStatusChange(
                opening_id=opening.id,
                from_status=opening.status,
                to_status=parsed.status,
                actor_id=actor.id if actor else None,
                actor_name=actor.name if actor else "system",
                note=f"import ({parsed.source})",
            )
        )
        opening.status = parsed.status
        if parsed.status == "publisert" and opening.published_at is None:
            opening.published_at = utcnow()
    session.flush()
    return opening, created


def load_documents(text: str) -> list[Any]:
    """One JSON document or a JSON array of them."""
    data = load_json(text, field="file")
    return data if isinstance(data, list) else [data]


def import_documents(
    session: Session,
    documents: list[Any],
    *,
    fmt: str,
    actor: User | None = None,
    today: dt.date | None = None,
    partial: bool = False,
) -> ImportResult:
    """All or nothing: when any document is refused, nothing is saved (every refused document is still
    reported). With `partial`, each document is all-or-nothing on its own and the valid ones go in."""
    if fmt not in PARSERS:
        raise ValidationFailed(f"Ukjent format {fmt!r}; bruk {' eller '.join(FORMATS)}.", field="format")
    today = today or today_in_oslo()
    result = ImportResult()
    whole = session.begin_nested()
    for index, doc in enumerate(documents):
        savepoint = session.begin_nested()
        try:
            check_document(doc)
            parsed = PARSERS[fmt](session, doc, today)
            try:
                opening, created = import_one(session, parsed, actor=actor)
            except ValidationFailed as exc:
                raise DocumentError(
                    parsed.field_names.get(exc.field or "", exc.field or ""), exc.message
                ) from exc
            savepoint.commit()
        except DocumentError as exc:
            savepoint.rollback()
            result.errors.append({"index": index, "field": exc.field, "message": exc.message})
            continue
        except DomainError as exc:
            savepoint.rollback()
            result.errors.append({"index": index, "field": exc.field or "", "message": exc.message})
            continue
        result.ids.append(opening.id)
        if created:
            result.imported += 1
        else:
            result.updated += 1
    if result.errors and not partial:
        whole.rollback()
        result.imported = result.updated = 0
        result.ids = []
    else:
        whole.commit()
    return result
