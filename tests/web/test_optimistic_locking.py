"""Two people edit the same record: the second save of a stale form is refused with who changed it and what,
keeps the typed input, overwrites nothing; saving again after seeing the change is a deliberate choice."""

import re
from typing import cast

import pytest
from sqlalchemy import Table
from sqlalchemy.orm.exc import StaleDataError

from employers import service
from employers import service_openings as employers_openings
from employers.models import Employer, Opening
from tests.factories import csrf_from, login, make_employer, make_opening, make_user


def _form(client, path):
    page = client.get(path)
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, "the edit form carries the record's version"
    return version.group(1), csrf_from(client, path)


def test_stale_employer_form_is_refused_and_shows_the_other_change(client, db):
    me = make_user(db, "markedskontakt")
    other = make_user(db, "markedskontakt", office=me.office)
    employer = make_employer(db, name="Kafé Solsiden AS")
    login(client, me)
    path = f"/arbeidsgivere/{employer.id}/rediger"
    version, token = _form(client, path)

    service.update_employer(db, actor=other, employer_id=employer.id, notes="Ringt, vil ha to i praksis")
    db.flush()

    data = {"orgnr": employer.orgnr, "name": "Kafé Solsiden AS", "notes": "Mitt notat", "status": "aktiv"}
    r = client.post(path, data={**data, "version": version, "csrf_token": token})
    assert r.status_code == 409
    assert other.name in r.text and "Noen andre har lagret endringer" in r.text
    assert "Ringt, vil ha to i praksis" in r.text and "Mitt notat" in r.text  # theirs beside mine
    db.expire_all()
    assert db.get(Employer, employer.id).notes == "Ringt, vil ha to i praksis"  # nothing overwritten

    version_field = re.search(r'name="version" value="(\d+)"', r.text)
    assert version_field is not None
    newer = version_field.group(1)
    assert int(newer) > int(version)
    r = client.post(path, data={**data, "version": newer, "csrf_token": token})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Employer, employer.id).notes == "Mitt notat"


def test_stale_opening_form_is_refused(client, db):
    me = make_user(db, "markedskontakt")
    employer = make_employer(db)
    opening = make_opening(db, employer, actor=me, title="Renholder")
    login(client, me)
    path = f"/stillinger/{opening.id}/rediger"
    version, token = _form(client, path)
    employers_openings.update_opening(db, actor=None, opening_id=opening.id, percent_min=20)
    db.flush()
    r = client.post(
        path,
        data={
            "title": "Renholder kveld",
            "percent_min": "40",
            "percent_max": "60",
            "engagement_type": "fast",
            "positions": "1",
            "version": version,
            "csrf_token": token,
        },
    )
    assert r.status_code == 409 and "Stillingsprosent fra" in r.text
    assert 'value="Renholder kveld"' in r.text  # the typed input is kept
    db.expire_all()
    row = db.get(Opening, opening.id)
    assert row.title == "Renholder" and row.percent_min == 20


def test_a_save_racing_another_at_the_database_is_refused(db):
    """The version column itself: an UPDATE based on a stale read matches no row and fails."""
    employer = make_employer(db)
    db.flush()
    db.execute(
        cast(Table, Employer.__table__)  # a declarative model's __table__ is the Table it maps
        .update()
        .where(Employer.id == employer.id)
        .values(version=Employer.version + 1)
    )
    employer.notes = "skrevet på et gammelt grunnlag"
    with pytest.raises(StaleDataError):
        db.flush()
