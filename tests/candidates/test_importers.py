"""JSON Resume 1.0 import: the sample lands in the right fields; an invalid document is refused whole, with the
field path and the reason, and nothing of it is written."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from candidates import importers
from candidates.models import (
    Candidate,
    Certificate,
    Consent,
    Education,
    JobProfile,
    LanguageSkill,
    Programme,
    Situation,
    WorkExperience,
)
from core.audit import AuditEntry
from core.errors import ValidationFailed
from core.reference import BUILTIN_DIR
from tests.factories import load_builtin_reference, make_office

VARIANTS = Path(__file__).with_name("data")  # the official sample with links written without a scheme

SAMPLE = json.loads((BUILTIN_DIR / "jsonresume" / "sample.resume.json").read_text(encoding="utf-8"))
TABLES = (
    Candidate,
    WorkExperience,
    Education,
    Certificate,
    LanguageSkill,
    JobProfile,
    Situation,
    Programme,
    Consent,
    AuditEntry,
)


def counts(db) -> list[int]:
    return [db.scalar(select(func.count()).select_from(m)) for m in TABLES]


def test_sample_lands_in_the_profile(db):
    load_builtin_reference(db)
    office = make_office(db)
    result = importers.import_documents(db, [copy.deepcopy(SAMPLE)], office=office)
    assert result.as_dict() == {"imported": 1, "updated": 0, "errors": [], "warnings": []}
    c = db.scalar(
        select(Candidate).where(Candidate.id == result.candidate_ids[0]).options(*importers.service.FULL_LOAD)
    )
    assert (c.first_name, c.last_name, c.office_id) == ("Richard", "Hendriks", office.id)
    assert c.email == "richard.hendriks@mail.com" and c.phone == "(912) 555-4321"
    assert c.address == "2712 Broadway St" and c.postal_code is None  # "CA 94115" is no Norwegian postal code
    assert c.summary.startswith("Richard hails from Tulsa")
    assert c.skills == ["Web Development", "HTML", "CSS", "Javascript", "Compression", "Mpeg", "MP4", "GIF"]

    work = {w.title: w for w in c.work_experiences}
    ceo = work["CEO/President"]
    assert ceo.employer == "Pied Piper"
    assert (ceo.start_date, ceo.end_date) == (dt.date(2013, 12, 1), dt.date(2014, 12, 1))
    assert "Successfully won Techcrunch Disrupt" in ceo.description
    teacher = work["Teacher"]  # volunteer work is experience too
    assert teacher.employer == "CoderDojo" and teacher.description.startswith("Frivillig arbeid.")

    (edu,) = c.educations
    assert edu.level == "høyere utdanning" and edu.institution == "University of Oklahoma"
    assert "Information Technology" in edu.field and (edu.start_year, edu.end_year) == (2011, 2014)
    (lang,) = c.languages
    assert (lang.language, lang.level) == ("English", "C2")
    assert c.certificates == []
    assert c.job_profile is not None and c.job_profile.wanted_titles == ["Programmer"]
    assert c.situation is None and c.programmes == []  # nothing restricted comes from a CV


def test_reimport_with_same_email_updates(db):
    office = make_office(db)
    importers.import_documents(db, [copy.deepcopy(SAMPLE)], office=office)
    changed = copy.deepcopy(SAMPLE)
    changed["work"] = [{"name": "Rema 1000", "position": "Butikkmedarbeider", "startDate": "2020-02"}]
    result = importers.import_documents(db, [changed], office=office)
    assert (result.imported, result.updated) == (0, 1)
    assert db.scalar(select(func.count()).select_from(Candidate)) == 1
    titles = db.scalars(select(WorkExperience.title).order_by(WorkExperience.title)).all()
    assert titles == ["Butikkmedarbeider", "Teacher"]  # the CV is replaced, not appended to


def _broken(path: str, value: object) -> dict:
    doc = copy.deepcopy(SAMPLE)
    target = doc
    keys = path.replace("[", ".").replace("]", "").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        ("basics.email", "richard@@mail", "e-post"),
        ("basics.email", "richard.hendriks mail.com", "e-post"),
        ("basics.name", 42, "tekst"),
        ("work", {"name": "Pied Piper"}, "liste"),
        ("work[0].highlights", "én streng", "liste"),
        ("education[0].startDate", "juni 2011", "dato"),
        ("skills[1].keywords[0]", 3, "tekst"),
        ("projects[0].url", 5, "tekst"),  # a wrong type refuses even where the product does not read
        ("meta", "v1", "objekt"),
        ("work[0].startDate", "2014-13-45", "dato"),  # the pattern lets it through; no such day
        ("work[0].startDate", "1899-01", "kan ikke være før"),  # the CV form's bounds (CAREER_DATE)
        ("certificates", [{"name": "Truckførerbevis", "date": "2999-01-01"}], "fram i tid"),
    ],
)
def test_invalid_documents_are_refused_whole(db, path, value, reason):
    office = make_office(db)
    before = counts(db)
    document = _broken(path, value)
    with pytest.raises(ValidationFailed) as exc:
        importers.validate_resume(document)
    field = "certificates[0].date" if path == "certificates" else path
    assert exc.value.field == field and reason.lower() in exc.value.message.lower()
    result = importers.import_documents(db, [document], office=office)
    assert result.imported == 0 and result.candidate_ids == []
    assert result.errors[0] == {"index": 0, "field": field, "message": exc.value.message}
    assert counts(db) == before


def test_every_problem_of_a_document_is_listed(db):
    document = _broken("basics.email", "nei")
    document["work"][0]["startDate"] = 2013
    document["languages"] = "engelsk"
    with pytest.raises(ValidationFailed) as exc:
        importers.validate_resume(document)
    assert {e["field"] for e in exc.value.errors} == {"basics.email", "work[0].startDate", "languages"}


def test_documents_without_a_name_or_not_objects(db):
    office = make_office(db)
    before = counts(db)
    nameless = copy.deepcopy(SAMPLE)
    del nameless["basics"]["name"]
    result = importers.import_documents(db, [nameless, [1, 2], "tekst"], office=office)
    assert [(e["index"], e["field"]) for e in result.errors] == [(0, "basics.name"), (1, "$"), (2, "$")]
    assert counts(db) == before
    with pytest.raises(ValidationFailed):
        importers.load_documents("{ikke json")


def test_the_schema_is_the_official_one_compiled_once():
    validator = importers.schema_validator()
    assert validator is importers.schema_validator()  # not re-read and re-checked per document
    assert isinstance(validator.schema, dict)  # an object schema (JSON Schema also allows plain true/false)
    assert validator.schema["properties"]["basics"]["properties"]["email"]["format"] == "email"
    # format checking is on, for "uri" too (jsonschema passes every uri without a checker for it)
    assert not validator.is_valid({"basics": {"url": "example.com"}})
    assert validator.is_valid({"basics": {"url": "https://example.com"}})


def _variant(name: str) -> dict:
    return json.loads((VARIANTS / name).read_text(encoding="utf-8"))


def test_links_without_a_scheme_import_with_a_warning(db):
    office = make_office(db)
    documents = [
        _variant("sample_project_url_without_scheme.resume.json"),
        _variant("sample_urls_without_scheme.resume.json"),
    ]
    result = importers.import_documents(db, documents, office=office)
    assert (result.imported, result.errors) == (2, [])
    warned = [(w["index"], w["field"]) for w in result.warnings]
    assert warned == [
        (0, "projects[0].url"),
        (1, "basics.url"),
        (1, "basics.profiles[1].url"),
        (1, "work[0].url"),
        (1, "volunteer[0].url"),
        (1, "education[0].url"),
        (1, "publications[0].url"),
        (1, "projects[0].startDate"),
        (1, "projects[0].url"),
    ]
    assert all("brukes ikke" in w["message"] and w["field"] in w["message"] for w in result.warnings)
    monica = db.scalar(select(Candidate).where(Candidate.email == "monica.hall@mail.com"))
    assert monica is not None and monica.first_name == "Monica"


def test_a_warning_does_not_hide_a_refusal(db):
    office = make_office(db)
    before = counts(db)
    document = _variant("sample_urls_without_scheme.resume.json")
    document["basics"]["email"] = "monica.hall.mail.com"
    with pytest.raises(ValidationFailed) as exc:
        importers.validate_resume(document)
    assert [e["field"] for e in exc.value.errors] == ["basics.email"]
    result = importers.import_documents(db, [document], office=office)
    assert result.imported == 0 and result.warnings == [] and counts(db) == before


def test_an_empty_email_or_url_is_not_given(db):
    office = make_office(db)
    document = copy.deepcopy(SAMPLE)
    document["basics"].update(email="", url="")
    document["projects"][0]["url"] = ""
    result = importers.import_documents(db, [document], office=office)
    assert (result.imported, result.errors, result.warnings) == (1, [], [])
    assert db.scalar(select(Candidate.email).where(Candidate.id == result.candidate_ids[0])) is None
