"""Plausible dates per field (issue 14 item 6, issue 15 item 4): a birth date gives an age of 15–80, an opening's
start is not years back nor absurdly far ahead, programme start and vedtaksdato are within a working life, a
follow-up's dates likewise — each a 422 naming the field (API) or the message beside the field (page). A stored
date an edit sends back unchanged is not refused."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import update

from core.cleaning import BIRTH_DATE, OPENING_START, check_date
from core.formatting import today_in_oslo
from employers.models import Opening
from tests.factories import (
    api_headers,
    csrf_from,
    login,
    make_candidate,
    make_employer,
    make_office,
    make_opening,
    make_user,
)

TODAY = today_in_oslo()


def _years(n: int) -> dt.date:
    try:
        return TODAY.replace(year=TODAY.year + n)
    except ValueError:
        return TODAY.replace(year=TODAY.year + n, day=28)


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="e-{re.escape(field)}">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else ""


@pytest.fixture
def world(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    return {
        "office": office,
        "js": js,
        "h": api_headers(db, js),
        "candidate": make_candidate(db, office, actor=js),
        "employer": make_employer(db),
    }


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        ("2031-01-01", False),  # a birth date in the future (issue 15)
        (_years(-14).isoformat(), False),  # 14 years old
        (_years(-16).isoformat(), True),
        (_years(-79).isoformat(), True),
        (_years(-85).isoformat(), False),
        ("1800-01-01", False),
    ],
)
def test_birth_date_gives_an_age_of_15_to_80(client, world, birth, ok):
    cid = world["candidate"].id
    r = client.patch(
        f"/api/v1/candidates/{cid}",
        headers=world["h"],
        json={"birth_date": birth, "version": world["candidate"].version},
    )
    if ok:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["field"] == "birth_date"
        assert "alder" in r.json()["detail"][0]["message"]


@pytest.mark.parametrize("value", ["1800-01-01", "9999-12-31"])
def test_retention_date_is_near_the_present(client, world, value):
    c = world["candidate"]
    r = client.patch(
        f"/api/v1/candidates/{c.id}", headers=world["h"], json={"retention_date": value, "version": c.version}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "retention_date", r.text


@pytest.mark.parametrize(
    ("field", "value"),
    [("start_date", "1899-01-01"), ("start_date", "9999-12-31"), ("application_deadline", "1800-01-01")],
)
def test_opening_dates_are_plausible(client, world, field, value):
    body = {"employer_id": world["employer"].id, "title": "Lagermedarbeider", field: value}
    r = client.post("/api/v1/openings", headers=world["h"], json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field
    body[field] = (TODAY + dt.timedelta(days=30)).isoformat()
    assert client.post("/api/v1/openings", headers=world["h"], json=body).status_code == 201


def test_an_old_start_date_sent_back_unchanged_is_kept(client, world, db):
    opening = make_opening(db, world["employer"], actor=world["js"])
    old = _years(-3)
    db.execute(update(Opening).where(Opening.id == opening.id).values(start_date=old))
    db.expire_all()
    version = client.get(f"/api/v1/openings/{opening.id}", headers=world["h"]).json()["version"]
    r = client.patch(
        f"/api/v1/openings/{opening.id}",
        headers=world["h"],
        json={"start_date": old.isoformat(), "title": "Ny tittel", "version": version},
    )
    assert r.status_code == 200, r.text
    r = client.patch(
        f"/api/v1/openings/{opening.id}",
        headers=world["h"],
        json={"start_date": (old - dt.timedelta(days=1)).isoformat(), "version": r.json()["version"]},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "start_date"


@pytest.mark.parametrize("value", ["9999-12-31", "1800-01-01"])
def test_programme_start_and_vedtaksdato(client, world, value):
    cid, h = world["candidate"].id, world["h"]
    r = client.put(f"/api/v1/candidates/{cid}/programmes/KVP", headers=h, json={"start_date": value})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "start_date", r.text
    r = client.put(f"/api/v1/candidates/{cid}/situation", headers=h, json={"decision_date": value})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "decision_date", r.text
    r = client.post(
        "/api/v1/followup/records",
        headers=h,
        json={"candidate_id": cid, "service": "ips", "referral_date": value, "start_date": value},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] in ("referral_date", "start_date"), r.text
    good = (TODAY - dt.timedelta(days=30)).isoformat()
    assert (
        client.put(
            f"/api/v1/candidates/{cid}/programmes/KVP", headers=h, json={"start_date": good}
        ).status_code
        == 200
    )
    assert (
        client.put(f"/api/v1/candidates/{cid}/situation", headers=h, json={"decision_date": good}).status_code
        == 200
    )


def test_the_pages_show_the_message_beside_the_field(client, db):
    office = make_office(db)
    user = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    login(client, user)
    token = csrf_from(client, "/kandidater/ny")
    r = client.post(
        "/kandidater/ny",
        data={"csrf_token": token, "first_name": "Kari", "last_name": "Nordmann", "birth_date": "2031-01-01"},
    )
    assert r.status_code == 422
    assert "alder under 15" in _field_error(r.text, "birth_date")
    token = csrf_from(client, "/stillinger/ny")
    r = client.post(
        "/stillinger/ny",
        data={
            "csrf_token": token,
            "employer_id": str(employer.id),
            "title": "Renholder",
            "start_date": "1899-01-01",
        },
    )
    assert r.status_code == 422
    assert "tilbake i tid" in _field_error(r.text, "start_date")


def test_check_date_bounds():
    today = dt.date(2026, 12, 3)
    assert check_date(dt.date(2011, 12, 3), BIRTH_DATE, "Fødselsdato", today=today) is None  # 15 today
    assert check_date(dt.date(2011, 12, 4), BIRTH_DATE, "Fødselsdato", today=today)
    assert check_date(dt.date(1945, 12, 4), BIRTH_DATE, "Fødselsdato", today=today) is None  # 80, 81 tomorrow
    assert check_date(dt.date(1945, 12, 3), BIRTH_DATE, "Fødselsdato", today=today)  # 81 today
    assert check_date(dt.date(2025, 12, 3), OPENING_START, "Startdato", today=today) is None
    assert "Startdato" in (check_date(dt.date(1899, 1, 1), OPENING_START, "Startdato", today=today) or "")
    assert check_date(dt.date(2030, 1, 1), OPENING_START, "Startdato", today=today)
