"""The individuell plan through the pages and the JSON API (real app, real database): the page shows the nine
elements and flags the missing ones, a refused save comes back with the error beside its field and the typed values
kept, a stale save is 409 with both versions, participants and evaluation rounds are added; the PDF carries the nine
headings; the API reads and saves the plan whole (409 when stale, 422 naming the field) and records evaluations;
another office gets 404, an employer 403, and reads are audit-logged."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import sys

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.audit import AuditEntry
from core.formatting import today_in_oslo
from plans import service_ip as ips
from plans import service_periods as plans_periods
from tests.factories import (
    api_headers,
    csrf_from,
    login,
    make_candidate,
    make_employer,
    make_office,
    make_user,
)

TODAY = today_in_oslo()
NINE = [f"{i}. {h}" for i, h in enumerate(ips.HEADINGS, start=1)]


@pytest.fixture
def world(db):
    office, other = make_office(db), make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    js2 = make_user(db, "jobbspesialist", office=office)
    js_other = make_user(db, "jobbspesialist", office=other)
    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    person = make_candidate(db, office, actor=js)
    plans_periods.start_period(db, actor=js, candidate_id=person.id, start_date=TODAY - dt.timedelta(days=30))
    users = {"js": js, "js2": js2, "js_other": js_other, "emp": employer_user}
    headers = {name: api_headers(db, user) for name, user in users.items()}
    db.commit()
    return users, headers, person


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def error_beside(page: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="e-{re.escape(field)}">([^<]*)</p>', page)
    assert match, f"no error beside {field}"
    return html.unescape(match.group(1))


def test_the_page_flags_missing_elements_and_keeps_typed_values(client, db, world):
    users, _, person = world
    url = f"/kandidater/{person.id}/plan/individuell-plan"
    login(client, users["js"])
    plan_page = client.get(f"/kandidater/{person.id}/plan")
    assert f'href="{url}"' in plan_page.text
    page = client.get(url)
    assert page.status_code == 200
    text = text_of(page.text)
    for heading in NINE:
        assert heading in text
    assert text.count("Mangler") >= 9 and "9 av 9 påkrevde elementer mangler" in text

    form = {
        "csrf_token": csrf_from(client, url),
        "status": "AKTIV",
        "needs": "Bolig og økonomisk rådgivning",
        "period_from": TODAY.isoformat(),
        "period_to": (TODAY - dt.timedelta(days=1)).isoformat(),
    }
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert error_beside(refused.text, "consent_date") == ips.MSG_CONSENT_FOR_ACTIVE
    assert error_beside(refused.text, "period_to") == ips.MSG_FROM_TO
    assert "Bolig og økonomisk rådgivning" in html.unescape(refused.text)  # typed values kept

    form.update(status="UNDER_ARBEID", period_to=(TODAY + dt.timedelta(days=200)).isoformat())
    saved = client.post(url, data=form)
    assert saved.status_code == 303
    page = client.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version and version.group(1)

    r = client.post(
        f"{url}/deltakere",
        data={"csrf_token": csrf_from(client, url), "d_name": "", "d_role": "FASTLEGE"},
    )
    assert r.status_code == 422 and error_beside(r.text, "d_name") == "Navnet må fylles ut."
    r = client.post(
        f"{url}/deltakere",
        data={
            "csrf_token": csrf_from(client, url),
            "d_name": "Lege Lise",
            "d_role": "FASTLEGE",
            "d_organisation": "Legesenteret",
            "d_contribution": "Sykmelding og oppfølging",
        },
    )
    assert r.status_code == 303
    r = client.post(
        f"{url}/evalueringer",
        data={
            "csrf_token": csrf_from(client, url),
            "e_date": TODAY.isoformat(),
            "e_summary": "Første gjennomgang",
            "e_person_took_part": "on",
            "e_person_assessment": "Fint å ha alt på ett sted.",
        },
    )
    assert r.status_code == 303
    page = text_of(client.get(url).text)
    assert "Lege Lise" in page and "Fint å ha alt på ett sted." in page

    # a stale save: another caseworker saved after this form was opened
    ip = ips.get_ip(db, actor=users["js"], candidate_id=person.id)
    assert ip is not None
    ips.save_ip(
        db, actor=users["js2"], candidate_id=person.id, data={"needs": "Annen tekst", "version": ip.version}
    )
    db.commit()
    stale = client.post(url, data={**form, "csrf_token": csrf_from(client, url), "version": version.group(1)})
    assert stale.status_code == 409
    assert users["js2"].name in html.unescape(stale.text) and "Annen tekst" in html.unescape(stale.text)


def test_the_pdf_carries_the_nine_headings(client, world):
    users, _, person = world
    login(client, users["js"])
    r = client.get(f"/kandidater/{person.id}/plan/individuell-plan.pdf")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for heading in NINE:
        assert heading in text
    assert person.full_name in text


def test_another_office_gets_404_and_an_employer_403(client, world):
    users, headers, person = world
    login(client, users["js_other"])
    for url in (
        f"/kandidater/{person.id}/plan/individuell-plan",
        f"/kandidater/{person.id}/plan/individuell-plan.pdf",
    ):
        assert client.get(url).status_code == 404
    api = f"/api/v1/candidates/{person.id}/plan/individual-plan"
    assert client.get(api, headers=headers["js_other"]).status_code == 404
    assert client.put(api, json={}, headers=headers["js_other"]).status_code == 404
    assert client.get(api, headers=headers["emp"]).status_code == 403


def test_the_api_reads_saves_and_evaluates(client, db, world):
    users, h, person = world
    api = f"/api/v1/candidates/{person.id}/plan/individual-plan"
    r = client.get(api, headers=h["js"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["exists"] and body["version"] is None
    assert [e["number"] for e in body["elements"]] == list(range(1, 10))
    assert all(e["missing"] and e["hint"] for e in body["elements"])

    r = client.post(
        f"{api}/evaluations", json={"date": TODAY.isoformat(), "summary": "Før planen"}, headers=h["js"]
    )
    assert r.status_code == 409 and r.json()["field"] == "ip"

    plan = {
        "status": "AKTIV",
        "legal_bases": ["SOTJL_28", "NAVL_15"],
        "koordinator_user_id": users["js"].id,
        "consent_date": TODAY.isoformat(),
        "period_from": TODAY.isoformat(),
        "period_to": (TODAY + dt.timedelta(days=180)).isoformat(),
        "next_revision": (TODAY + dt.timedelta(days=60)).isoformat(),
        "participants": [
            {"name": person.full_name, "role": "BRUKER"},
            {"name": "Siri Sosial", "role": "NAV_KOMMUNE", "contribution": "Økonomisk rådgivning"},
        ],
    }
    r = client.put(api, json=plan, headers=h["js"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["exists"] and body["koordinator_name"] == users["js"].name
    assert body["kostra_faat_individuell_plan"] == 1
    assert [p["role"] for p in body["participants"]] == ["BRUKER", "NAV_KOMMUNE"]
    missing = {e["key"] for e in body["elements"] if e["missing"]}
    assert {"koordinator", "deltakere", "periode", "samtykke"}.isdisjoint(missing)

    # without the version the client has not read the plan it would overwrite; an old version is stale
    assert client.put(api, json={"needs": "Bolig"}, headers=h["js"]).status_code == 409
    version = body["version"]
    r = client.put(api, json={**plan, "needs": "Bolig", "version": version}, headers=h["js"])
    assert r.status_code == 200 and r.json()["participants"][0]["role"] == "BRUKER"
    stale = client.put(api, json={**plan, "needs": "Jobb", "version": version}, headers=h["js2"])
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    assert {"field": "needs", "current": "Bolig"} in stale.json()["changed"]

    # 422 naming the field: the schema's and the service's rules alike
    r = client.put(api, json={"status": "AKTIV", "version": r.json()["version"]}, headers=h["js"])
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["detail"]] == ["consent_date"]
    r = client.put(api, json={"participants": [{"name": "X", "role": "KONGE"}]}, headers=h["js"])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "participants.0.role"

    r = client.post(
        f"{api}/evaluations",
        json={
            "date": TODAY.isoformat(),
            "summary": "Gjennomgang",
            "person_assessment": "Bedre nå",
            "next_date": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
        headers=h["js"],
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "next_date"
    r = client.post(
        f"{api}/evaluations",
        json={"date": TODAY.isoformat(), "summary": "Gjennomgang", "person_assessment": "Bedre nå"},
        headers=h["js"],
    )
    assert r.status_code == 201 and r.json()["person_assessment"] == "Bedre nå"

    db.commit()
    mark = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    assert client.get(api, headers=h["js2"]).status_code == 200
    purposes = db.scalars(
        select(AuditEntry.purpose).where(
            AuditEntry.id > mark, AuditEntry.action == "read", AuditEntry.subject_id == str(person.id)
        )
    ).all()
    assert purposes == [ips.PURPOSE + " via API"]


def test_without_weasyprint_the_pdf_is_a_clear_503_page(client, world, monkeypatch):
    """A machine without WeasyPrint's libraries (here: the package cannot be imported, as when Pango is missing)
    answers the PDF with a page saying so, never a 500; the plan page itself still works."""
    users, _, person = world
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    login(client, users["js"])
    r = client.get(f"/kandidater/{person.id}/plan/individuell-plan.pdf")
    assert r.status_code == 503 and "text/html" in r.headers["content-type"]
    assert "PDF-en kan ikke lages" in html.unescape(r.text)
    assert client.get(f"/kandidater/{person.id}/plan/individuell-plan").status_code == 200
