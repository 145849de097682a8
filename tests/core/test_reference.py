import json
from unittest import mock

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


def test_the_default_is_the_full_shipped_data(db):
    counts = reference.import_reference(db, reference.default_files(None))
    assert counts["styrk"] == 582 and counts["postal_codes"] == 5137 and counts["titles"] == 2425
    assert counts["municipalities"] == 359  # 357 municipalities, Svalbard and Jan Mayen
    assert db.scalar(select(func.count()).select_from(PostalCode).where(PostalCode.latitude.is_(None))) < 20
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
    reference.invalidate_cache()  # (as the time-to-live does) the same pairs come back as the same object
    assert reference.title_vocabulary(db) is vocabulary
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


# --- places: today's codes, older codes as aliases, coordinates by postal code ----------------------------


@pytest.fixture
def places(db):
    reference.import_reference(db, reference.default_files(None))
    return db


@pytest.mark.parametrize(("old", "new", "name"), [("0502", "3407", "Gjøvik"), ("3024", "3201", "Bærum")])
def test_old_and_new_codes_resolve_to_one_place_with_coordinates(places, old, new, name):
    from recruitment.pool import geo_from_reference

    db = places
    assert reference.resolve_municipality(db, old) is reference.resolve_municipality(db, new)
    place = reference.resolve_municipality(db, old)
    assert place is not None and (place.code, place.name) == (new, name)
    assert reference.municipality_name(db, old) == name
    geo = geo_from_reference(db)
    assert geo.coords(None, old) == geo.coords(None, new) is not None
    assert geo.municipality_county[old] == geo.municipality_county[new] == new[:2]
    assert db.get(Municipality, old) is None  # an old code is no municipality of its own


def test_the_2014_code_of_baerum_and_a_split_municipality(places):
    db = places
    assert reference.canonical_municipality_code(db, "0219") == "3201"  # Bærum, 2014
    assert reference.canonical_municipality_code(db, "1534") == "1580"  # Haram: merged in 2020, again in 2024
    assert reference.canonical_municipality_code(db, "1507") == "1508"  # Ålesund's 2020 code
    assert (
        reference.canonical_municipality_code(db, "0426") == "3419"
    )  # Våler (Hedmark), not Våler in Østfold
    assert (
        reference.canonical_municipality_code(db, "1850") is None
    )  # Tysfjord was split in two: no one place
    assert reference.canonical_municipality_code(db, "9998") is None


def test_a_postal_code_gives_its_poststed_municipality_and_coordinates(places):
    db = places
    sandvika = reference.postal_code(db, "1338")
    assert sandvika is not None and sandvika.latitude is not None and sandvika.longitude is not None
    assert (sandvika.place, sandvika.municipality_code) == ("Sandvika", "3201")
    assert 59.5 < sandvika.latitude < 60.2 and 10 < sandvika.longitude < 11
    gjovik = reference.municipality_for_postal_code(db, "2815")
    assert (gjovik.place, reference.municipality_name(db, gjovik.municipality_code)) == ("Gjøvik", "Gjøvik")
    # every postal code of the register has a point for distances (its own, else its municipality's centroid)
    from recruitment.pool import geo_from_reference

    geo = geo_from_reference(db)
    register = set(
        db.scalars(select(PostalCode.code).where(PostalCode.municipality_code.not_in(["2100", "2211"])))
    )
    assert register <= set(geo.postal)


def test_entered_codes_are_cleaned_to_todays_code(places):
    db = places
    assert reference.clean_municipality_code(db, "0502", field="kommune") == "3407"
    assert reference.clean_municipality_code(db, " 3407 ", field="kommune") == "3407"
    assert reference.clean_municipality_code(db, "", field="kommune") is None
    with pytest.raises(ValidationFailed) as exc:
        reference.clean_municipality_code(db, "9998", field="kommune")
    assert exc.value.field == "kommune" and "Ukjent kommunenummer" in str(exc.value)
    with pytest.raises(ValidationFailed):
        reference.clean_municipality_code(db, "05x2", field="kommune")


def test_an_older_import_of_the_2014_list_as_municipalities_is_cleaned_up(db):
    reference.import_reference(db, ReferenceFiles(municipalities=BUILTIN / "klass/kommuner2014.json"))
    assert db.get(Municipality, "0502").name == "Gjøvik"  # no register yet: the old list is all there is
    reference.import_reference(db, reference.default_files(None))
    assert db.get(Municipality, "0502") is None
    resolved = reference.resolve_municipality(db, "0502")
    assert resolved is not None and resolved.code == "3407"
    assert db.scalar(select(func.count()).select_from(Municipality)) == len(
        set(db.scalars(select(PostalCode.municipality_code)))
    )


def test_the_demo_datas_places_resolve_with_coordinates(places):
    """The demo generators' municipalities and postal codes are today's, and every one has a point on the map."""
    import demo as web_demo
    from demo import candidates as candidates_demo
    from demo import employers as employers_demo

    db = places
    municipalities = {m for _, _, ms in web_demo.OFFICES for m in ms}
    municipalities |= set(employers_demo.MUNICIPALITY_NAMES) | set(candidates_demo.POSTAL_CODES)
    for code in municipalities:
        assert reference.canonical_municipality_code(db, code) == code, code
        assert reference.municipality_name(db, code) == employers_demo.MUNICIPALITY_NAMES.get(code, mock.ANY)
    for table in (candidates_demo.POSTAL_CODES, employers_demo.POSTAL_CODES):
        for municipality, codes in table.items():
            for code in codes:
                place = reference.postal_code(db, code)
                assert place is not None and place.municipality_code == municipality, code
                assert place.latitude is not None and place.longitude is not None, code
