"""Employer records (issue 14, item 4): edits by any staff; merges (which delete one record) only by the office
that created the records, or an admin. A Trondheim job specialist cannot merge away a Gjøvik record."""

from __future__ import annotations

import pytest

from core.errors import Forbidden
from employers import service
from employers.models import Employer
from tests.factories import api_headers, make_employer, make_office, make_user


@pytest.fixture
def world(db):
    gjovik, trondheim = make_office(db), make_office(db)
    mk_gjovik = make_user(db, "markedskontakt", office=gjovik)
    js_trondheim = make_user(db, "jobbspesialist", office=trondheim)
    admin = make_user(db, "admin")
    a = make_employer(db, name="Mjøs Mat AS", actor=mk_gjovik)
    b = make_employer(db, name="Mjøs Mat avd. Gjøvik", actor=mk_gjovik)
    c = make_employer(db, name="Nidaros Mat AS", actor=js_trondheim)
    # b and c were registered without a valid orgnr (two valid orgnr are two organisations, never merged)
    b.orgnr, c.orgnr = "123456789", "123456780"
    db.flush()
    return {"gjovik": mk_gjovik, "trondheim": js_trondheim, "admin": admin, "a": a, "b": b, "c": c}


def test_the_creating_office_owns_the_record(world):
    assert world["a"].owner_office_id == world["gjovik"].office_id
    assert world["c"].owner_office_id == world["trondheim"].office_id


def test_other_office_edits_but_does_not_merge(db, world):
    a, b, c, js = world["a"], world["b"], world["c"], world["trondheim"]
    service.update_employer(db, actor=js, employer_id=a.id, notes="Ringt fra Trondheim", version=a.version)
    with pytest.raises(Forbidden):
        service.merge_employers(db, actor=js, keep_id=a.id, merge_id=b.id)  # two Gjøvik records
    with pytest.raises(Forbidden):
        service.merge_employers(db, actor=js, keep_id=c.id, merge_id=a.id)  # a Gjøvik record merged away
    with pytest.raises(Forbidden):
        service.merge_employers(db, actor=js, keep_id=a.id, merge_id=c.id)  # its own merged into Gjøvik's
    assert db.get(Employer, b.id) is not None


def test_owner_office_and_admin_merge(db, world):
    a, b, c = world["a"], world["b"], world["c"]
    service.merge_employers(db, actor=world["gjovik"], keep_id=a.id, merge_id=b.id)
    assert db.get(Employer, b.id) is None
    service.merge_employers(db, actor=world["admin"], keep_id=a.id, merge_id=c.id)
    assert db.get(Employer, c.id) is None


def test_merge_through_api_and_page_is_403_for_another_office(client, db, world):
    a, b = world["a"], world["b"]
    h = api_headers(db, world["trondheim"])
    r = client.post(f"/api/v1/employers/{a.id}/merge", json={"merge_id": b.id}, headers=h)
    assert r.status_code == 403
    edit = client.patch(f"/api/v1/employers/{a.id}", json={"notes": "x", "version": a.version}, headers=h)
    assert edit.status_code == 200
    ok = client.post(
        f"/api/v1/employers/{a.id}/merge", json={"merge_id": b.id}, headers=api_headers(db, world["gjovik"])
    )
    assert ok.status_code == 200, ok.text
