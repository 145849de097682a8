import json

import pytest
from sqlalchemy import func, select

from core import reference
from core.errors import ValidationFailed
from core.reference import BUILTIN_DIR as BUILTIN
from core.reference import Municipality, PostalCode, ReferenceFiles, RefTitle, StyrkCode

FULL = ReferenceFiles(
    styrk=BUILTIN / "klass/styrk08.json",
    municipalities=BUILTIN / "klass/kommuner2014.json",
    postal_codes=BUILTIN / "nav/postal_codes_no.tsv",
    geo=BUILTIN / "geonames/zipcodes.no.csv",
    titles=BUILTIN / "nav/yrkesbetegnelser_styrk08.tsv",
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
    assert counts["titles"] == 2425
    assert ("Sersjant", "0210") in reference.title_vocabulary(db)
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


def _titles_file(folder, text: str, name: str = "titler.tsv"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_titles_import_replaces_its_source_and_feeds_the_vocabulary(db, tmp_path):
    reference.import_reference(db, ReferenceFiles(styrk=BUILTIN / "klass/styrk08.json"))
    first = _titles_file(tmp_path, "tittel\tstyrk08\nRenholder\t9112\nSyerske\t7531\n")
    assert reference.import_reference(db, ReferenceFiles(titles=first))["titles"] == 2
    vocabulary = reference.title_vocabulary(db)
    assert vocabulary == (("Renholder", "9112"), ("Syerske", "7531"))
    assert reference.title_vocabulary(db) is vocabulary  # cached in-process
    # a new list of the same source replaces the old one (changed code, dropped and added titles) ...
    second = _titles_file(tmp_path, "tittel\tstyrk08\nRenholder\t9112\nSyer\t7531\nKokk\t5120\n", "ny.tsv")
    assert reference.import_reference(db, ReferenceFiles(titles=second))["titles"] == 3
    # ... and the cache is cleared by the write
    assert reference.title_vocabulary(db) == (("Kokk", "5120"), ("Renholder", "9112"), ("Syer", "7531"))
    assert db.scalar(select(func.count()).select_from(RefTitle)) == 3
    # another source sits beside it; a pair both lists hold is one pair of the vocabulary
    reference.import_reference(db, ReferenceFiles(titles=first), titles_source="egen")
    assert reference.title_vocabulary(db) == (
        ("Kokk", "5120"),
        ("Renholder", "9112"),
        ("Syer", "7531"),
        ("Syerske", "7531"),
    )


def test_titles_file_refused_with_its_line(db, tmp_path):
    reference.import_reference(db, ReferenceFiles(styrk=BUILTIN / "klass/styrk08.json"))
    with pytest.raises(ValidationFailed, match="overskriften") as exc:
        reference.import_reference(db, ReferenceFiles(titles=_titles_file(tmp_path, "Renholder\t9112\n")))
    assert exc.value.field == "linje 1"
    with pytest.raises(ValidationFailed) as exc:
        reference.import_reference(
            db, ReferenceFiles(titles=_titles_file(tmp_path, "tittel\tstyrk08\nRenholder\t9112\nKokk\t51\n"))
        )
    assert exc.value.field == "linje 3"
    with pytest.raises(ValidationFailed, match="ukjent STYRK-08-kode 9999"):
        reference.import_reference(
            db, ReferenceFiles(titles=_titles_file(tmp_path, "tittel\tstyrk08\nTøys\t9999\n"))
        )
    assert reference.title_vocabulary(db) == ()
