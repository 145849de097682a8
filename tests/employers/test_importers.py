"""pam-ad and JobPosting import; re-import updates; import → export → import changes nothing; the CLI command."""

import copy
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.errors import ValidationFailed
from core.reference import BUILTIN_DIR
from employers import importers, service
from employers import service_openings as employers_openings
from employers.models import Employer, Opening
from tests.factories import load_builtin_reference, make_employer, make_opening

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = BUILTIN_DIR / "nav" / "pam_ad_sample.json"  # the sample the product ships
VALID = "974760673"
TODAY = dt.date(2021, 4, 1)


def _sample(**changes):
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["employer"]["orgnr"] = VALID
    for key, value in changes.items():
        doc["properties"][key] = value
    return doc


def _snapshot(o: Opening) -> dict:
    return {c.name: getattr(o, c.name) for c in Opening.__table__.columns if c.name not in ("updated_at",)}


def test_sample_with_placeholder_orgnr_is_refused_naming_the_field(db):
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    before = db.scalar(select(func.count()).select_from(Opening))
    result = importers.import_documents(db, [doc], fmt="pam-ad", today=TODAY)
    assert result.as_dict()["imported"] == 0
    assert (
        result.errors == [{"index": 0, "field": "employer.orgnr", "message": result.errors[0]["message"]}]
        and "123456789" in result.errors[0]["message"]
    )
    assert db.scalar(select(func.count()).select_from(Opening)) == before
    assert service.find_by_orgnr(db, "123456789") is None


def test_sample_with_valid_orgnr_imports_and_reimport_updates(db):
    load_builtin_reference(db)
    result = importers.import_documents(db, [_sample()], fmt="pam-ad", today=TODAY)
    assert result.as_dict() == {"imported": 1, "updated": 0, "errors": []}
    opening = employers_openings.get_opening(db, actor=None, opening_id=result.ids[0])
    employer = db.get(Employer, opening.employer_id)
    assert employer.orgnr == VALID and employer.name == "Leka kommune" and employer.sector == "offentlig"
    assert employer.nace_code == "84.110" and employer.municipality_code == "5052"
    assert opening.title == "Pedagogisk leder (barnehage/førskole)"
    assert opening.styrk_code == "2342"
    assert opening.working_time == ["dagtid"]
    assert opening.engagement_type == "fast"
    assert opening.start_date == dt.date(2021, 6, 1)
    assert opening.application_deadline == dt.date(2021, 4, 23)
    assert opening.municipality_code == "5052"
    assert (opening.percent_min, opening.percent_max) == (1, 100)  # "Heltid_og_Deltid"
    assert opening.status == "publisert" and opening.source == "pam-ad"

    again = importers.import_documents(
        db,
        [_sample(jobpercentagerange="20-50", jobarrangement="Turnus", workday='["Lørdag"]')],
        fmt="pam-ad",
        today=TODAY,
    )
    assert again.as_dict() == {"imported": 0, "updated": 1, "errors": []}
    assert again.ids == result.ids
    db.refresh(opening)
    assert (opening.percent_min, opening.percent_max) == (20, 50)
    assert opening.working_time == ["dagtid", "helg", "skift"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"jobpercentage": "35", "extent": "Deltid"}, (35, 35)),
        ({"extent": "Heltid"}, (100, 100)),
        ({"jobpercentagerange": "60-40"}, "percent_min"),
        ({"jobpercentagerange": "tjue"}, "properties.jobpercentagerange"),
        ({"engagementtype": "Sesong"}, "sesong"),
        ({"engagementtype": "Lærling"}, "lærling"),
    ],
)
def test_pam_ad_value_lists(db, changes, expected):
    result = importers.import_documents(db, [_sample(**changes)], fmt="pam-ad", today=TODAY)
    if isinstance(expected, tuple):
        o = db.get(Opening, result.ids[0])
        assert (o.percent_min, o.percent_max) == expected
    elif expected in ("sesong", "lærling"):
        assert db.get(Opening, result.ids[0]).engagement_type == expected
    else:
        assert [e["field"] for e in result.errors] == [importers.PAM_FIELDS.get(expected, expected)]


def test_expired_ad_imports_as_expired(db):
    result = importers.import_documents(db, [_sample()], fmt="pam-ad", today=dt.date(2026, 1, 1))
    assert db.get(Opening, result.ids[0]).status == "utløpt"


def _bad_and_other():
    bad = _sample()
    bad["employer"]["orgnr"] = "123456789"
    other = _sample()
    other["uuid"] = "other-uuid"
    return [bad, other]


def test_an_array_with_a_bad_document_writes_nothing(db):
    before = db.scalar(select(func.count()).select_from(Opening))
    result = importers.import_documents(db, _bad_and_other(), fmt="pam-ad", today=TODAY)
    assert result.imported == 0 and result.ids == [] and [e["index"] for e in result.errors] == [0]
    assert db.scalar(select(func.count()).select_from(Opening)) == before


def test_partial_writes_the_valid_documents(db):
    result = importers.import_documents(db, _bad_and_other(), fmt="pam-ad", today=TODAY, partial=True)
    assert result.imported == 1 and [e["index"] for e in result.errors] == [0]
    assert db.get(Opening, result.ids[0]).external_id == "other-uuid"


def test_deep_nesting_and_invalid_text_are_refused_naming_the_path(db):
    deep = _sample()
    nested: object = "bunn"
    for _ in range(40):
        nested = {"x": nested}
    deep["properties"]["extra"] = nested
    broken = _sample()
    broken["uuid"] = "broken-uuid"
    broken["title"] = "Lager\udcff"
    result = importers.import_documents(db, [deep, broken], fmt="pam-ad", today=TODAY, partial=True)
    errors = {e["index"]: e for e in result.errors}
    assert errors[0]["field"].startswith("properties.extra.x") and "nestet" in errors[0]["message"]
    assert errors[1]["field"] == "title" and "ugyldig Unicode" in errors[1]["message"]
    assert result.imported == 0
    with pytest.raises(ValidationFailed, match="nestet"):
        importers.load_documents("[" * 100_000 + "]" * 100_000)


def test_pam_ad_round_trip_through_jobposting(db):
    load_builtin_reference(db)
    first = importers.import_documents(db, [_sample()], fmt="pam-ad", today=TODAY)
    opening = employers_openings.get_opening(db, actor=None, opening_id=first.ids[0])
    before = _snapshot(opening)
    exported = importers.to_jobposting(db, opening)
    assert (
        exported["@type"] == "JobPosting" and exported["hiringOrganization"]["identifier"]["value"] == VALID
    )
    again = importers.import_documents(db, [copy.deepcopy(exported)], fmt="jobposting", today=TODAY)
    assert again.as_dict() == {"imported": 0, "updated": 1, "errors": []}
    db.expire_all()
    opening = employers_openings.get_opening(db, actor=None, opening_id=first.ids[0])
    assert _snapshot(opening) == before
    assert importers.to_jobposting(db, opening) == exported


def test_own_opening_round_trip(db):
    load_builtin_reference(db)
    opening = make_opening(
        db,
        make_employer(db),
        title="Butikkmedarbeider",
        styrk_code="5223",
        percent_min=40,
        percent_max=60,
        hours_per_week=15.5,
        working_time=["kveld", "helg"],
        engagement_type="vikariat",
        start_by_agreement=True,
        application_deadline="2026-06-01",
        postal_code="2815",
        address="Storgata 3",
        requirements={"must": {"norwegian_level": "B1"}, "should": {"driving_licences": ["B"]}},
        inclusion=["ARBEIDSTID"],
        target_groups=["HULL_I_CV"],
        measures=["MENTORTILSKUDD"],
        open_to_reduced_capacity=True,
    )
    employers_openings.transition_opening(
        db, actor=None, opening_id=opening.id, to_status="publisert", today=dt.date(2026, 3, 1)
    )
    before = _snapshot(opening)
    doc = importers.to_jobposting(db, opening)
    assert doc["employmentType"] == ["PART_TIME", "TEMPORARY"] and "40–60 %" in doc["workHours"]
    assert "15,5 timer per uke" in doc["workHours"]  # bokmål's decimal comma, read back below
    assert doc["occupationalCategory"]["codeValue"] == "5223"
    result = importers.import_documents(db, [doc], fmt="jobposting", today=dt.date(2026, 3, 1))
    assert result.as_dict() == {"imported": 0, "updated": 1, "errors": []}
    db.expire_all()
    assert _snapshot(employers_openings.get_opening(db, actor=None, opening_id=opening.id)) == before


def test_foreign_jobposting_uses_standard_fields(db):
    doc = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": "Kokk",
        "description": "Kokk til kantine",
        "employmentType": "PART_TIME",
        "workHours": "50 % stilling, 18,75 timer per uke, dagtid",
        "validThrough": "2026-05-01T00:00:00+02:00",
        "hiringOrganization": {"@type": "Organization", "name": "Kantina AS", "identifier": "923609016"},
    }
    result = importers.import_documents(db, [doc], fmt="jobposting", today=dt.date(2026, 3, 1))
    assert result.imported == 1, result.errors
    o = db.get(Opening, result.ids[0])
    assert (o.percent_min, o.percent_max, o.hours_per_week, o.working_time) == (50, 50, 18.75, ["dagtid"])
    assert o.application_deadline == dt.date(2026, 5, 1) and o.status == "publisert"
    assert importers.import_documents(db, [doc], fmt="jobposting", today=dt.date(2026, 3, 1)).updated == 1
    bad = {**doc, "hiringOrganization": {"name": "X", "identifier": "123456789"}}
    result = importers.import_documents(db, [bad], fmt="jobposting")
    assert result.errors[0]["field"] == "hiringOrganization.identifier"


def _cli(*args, env):
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "arbeidsbro"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_openings_import(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARBEIDSBRO_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env["ARBEIDSBRO_VAR_DIR"] = str(tmp_path / "var")
    assert _cli("db", "upgrade", env=env).returncode == 0
    refused = _cli("openings", "import", str(SAMPLE), "--format", "pam-ad", "--json", env=env)
    assert refused.returncode != 0
    out = json.loads(refused.stdout)
    assert out["imported"] == 0 and out["errors"][0]["field"] == "employer.orgnr"
    assert "employer.orgnr" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    good = tmp_path / "good.json"
    good.write_text(json.dumps([_sample()]), encoding="utf-8")
    first = _cli("openings", "import", str(good), "--format", "pam-ad", "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"imported": 1, "updated": 0, "errors": []}
    second = _cli("openings", "import", str(good), "--format", "pam-ad", "--json", env=env)
    assert json.loads(second.stdout) == {"imported": 0, "updated": 1, "errors": []}
    wrong = _cli("openings", "import", str(good), "--format", "xml", env=env)
    assert wrong.returncode != 0 and "--format" in wrong.stderr
