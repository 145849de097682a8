import json

import pytest
from sqlalchemy import func, select

from core import reference
from core.errors import ValidationFailed
from core.reference import Municipality, PostalCode, ReferenceFiles, StyrkCode
from tests.conftest import SHARED_DATA

FULL = ReferenceFiles(
    styrk=SHARED_DATA / "klass/styrk08.json",
    municipalities=SHARED_DATA / "klass/kommuner2014.json",
    postal_codes=SHARED_DATA / "nav/postal_codes_no.tsv",
    geo=SHARED_DATA / "geonames/zipcodes.no.csv",
)


def test_import_full_reference_files(db):
    counts = reference.import_reference(db, FULL)
    assert counts["styrk"] == 10 + 43 + 122 + 407
    assert db.scalar(select(func.count()).select_from(StyrkCode).where(StyrkCode.level == 4)) == 407
    assert counts["postal_codes"] > 4000
    assert db.get(StyrkCode, "5321").name.startswith("Helsefagarbeidere")
    gjovik = db.get(PostalCode, "2815")
    assert gjovik.municipality_code == "3407" and gjovik.place == "Gjøvik"
    assert gjovik.latitude and 60 < gjovik.latitude < 61.5
    assert db.get(Municipality, "3407").county_code == "34"
    # idempotent: a second import updates in place
    again = reference.import_reference(db, FULL)
    assert again == counts
    assert db.scalar(select(func.count()).select_from(StyrkCode)) == counts["styrk"]


def test_builtin_subset_loads(db):
    counts = reference.import_reference(db, reference.default_files(None))
    assert counts["styrk"] > 100 and counts["postal_codes"] > 100
    assert reference.municipality_for_postal_code(db, "2815").municipality_code == "3407"


def test_postal_code_lookup_names_the_field(db):
    with pytest.raises(ValidationFailed) as exc:
        reference.municipality_for_postal_code(db, "28x5", field="postnummer")
    assert exc.value.field == "postnummer"


def test_malformed_klass_file_refused(tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"classificationItems": [{"code": "1"}]}))
    with pytest.raises(ValidationFailed, match=r"classificationItems\[0\]"):
        reference.import_reference(db, ReferenceFiles(styrk=bad))
    bad.write_text("{ikke json")
    with pytest.raises(ValidationFailed, match="ikke gyldig JSON"):
        reference.import_reference(db, ReferenceFiles(styrk=bad))
