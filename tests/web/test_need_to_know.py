"""Need-to-know (issue 14, item 4): the restricted fields (situation, capacity, benefits, innsatsgruppe, uføregrad,
health notes, tilretteleggingsbehov) are read and changed only by follow-up caseworkers of the candidate's own
office; a market contact gets 404/403 on every restricted route and null in every restricted API field; erasure
only by the responsible caseworker, with a reason; the admin changes no health or benefit data, withdraws no
consent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from candidates import access as candidates_access
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import Candidate
from core.audit import AuditEntry
from tests.factories import (
    api_headers,
    csrf_from,
    login,
    make_candidate,
    make_employer,
    make_office,
    make_user,
)

API = "/api/v1/candidates"
MARKER_NOTE = "Ryggplager-merknad-7731"


@pytest.fixture
def world(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    js2 = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    admin = make_user(db, "admin")
    employer = make_employer(db)
    candidate = make_candidate(db, office, actor=js)
    candidates_profile.set_programme(
        db, actor=js, candidate_id=candidate.id, kind="UFORETRYGD", data={"uforegrad": "40"}
    )
    candidates_profile.set_situation(
        db, actor=js, candidate_id=candidate.id, data={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"}
    )
    candidates_profile.set_needs(
        db, actor=js, candidate_id=candidate.id, data={"needs_fysisk": [], "needs_note": MARKER_NOTE}
    )
    consent = candidates_privacy.give_consent(
        db, actor=js, candidate_id=candidate.id, employer_id=employer.id
    )
    db.flush()
    return {"js": js, "js2": js2, "mk": mk, "admin": admin, "candidate": candidate, "consent": consent}


RESTRICTED_POSTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/situasjon/vedtak", {"innsatsgruppe": "STANDARD_INNSATS"}),
    ("/situasjon/program", {"p_kind": "AAP"}),
    ("/situasjon/program/UFORETRYGD/fjern", {}),
    ("/situasjon/arbeidsevne", {"capacity_override_percent": "50", "capacity_override_reason": "x"}),
    ("/situasjon/behov", {"needs_note": "endret"}),
)
RESTRICTED_API: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("PUT", "/situation", {"innsatsgruppe": "STANDARD_INNSATS"}),
    ("PUT", "/capacity", {"override_percent": 50, "reason": "x"}),
    ("PUT", "/needs", {"needs_note": "endret"}),
    ("PUT", "/programmes/AAP", {}),
    ("DELETE", "/programmes/UFORETRYGD", None),
)


def _csrf(client) -> str:
    return csrf_from(client, "/")


def test_market_contact_is_refused_every_restricted_page(client, world):
    cid = world["candidate"].id
    login(client, world["mk"])
    assert client.get(f"/kandidater/{cid}/situasjon").status_code == 404
    token = _csrf(client)
    for path, data in RESTRICTED_POSTS:
        r = client.post(f"/kandidater/{cid}{path}", data={**data, "csrf_token": token})
        assert r.status_code in (403, 404), (path, r.status_code)
    # the record's other tabs: no restricted value, no link to the restricted tab
    for tab in ("", "/cv", "/jobbprofil", "/innsyn", "/samtykke"):
        page = client.get(f"/kandidater/{cid}{tab}")
        assert page.status_code == 200, tab
        assert MARKER_NOTE not in page.text and "Arbeidsevne:" not in page.text, tab
        assert f'href="/kandidater/{cid}/situasjon"' not in page.text, tab
        assert "VARIG_TILPASSET_INNSATS" not in page.text, tab
    assert MARKER_NOTE not in client.get(f"/kandidater/{cid}/innsyn.json").text
    # filters on restricted fields tell who has them
    assert client.get("/kandidater?innsatsgruppe=VARIG_TILPASSET_INNSATS").status_code == 403
    assert client.get("/kandidater?redusert=1").status_code == 403
    listing = client.get("/kandidater")
    assert listing.status_code == 200 and "60 %" not in listing.text
    # erasure: neither the page nor the post
    assert client.get(f"/kandidater/{cid}/slett").status_code == 403
    r = client.post(f"/kandidater/{cid}/slett", data={"confirm": "1", "reason": "x", "csrf_token": token})
    assert r.status_code == 403


def test_market_contact_is_refused_every_restricted_api_field(client, db, world):
    cid = world["candidate"].id
    headers = api_headers(db, world["mk"])
    record = client.get(f"{API}/{cid}", headers=headers)
    assert record.status_code == 200
    body = record.json()
    for field in ("situation", "programmes", "capacity", "needs_as_inclusion"):
        assert body[field] is None, field
    assert MARKER_NOTE not in record.text and "UFORETRYGD" not in record.text
    for method, path, payload in RESTRICTED_API:
        r = client.request(method, f"{API}/{cid}{path}", headers=headers, json=payload)
        assert r.status_code in (403, 404), (method, path, r.status_code)
    assert client.get(f"{API}?innsatsgruppe=VARIG_TILPASSET_INNSATS", headers=headers).status_code == 403
    assert client.get(f"{API}?reduced_capacity=true", headers=headers).status_code == 403
    export = client.get(f"{API}/{cid}/export", headers=headers)
    assert export.status_code == 200 and MARKER_NOTE not in export.text
    r = client.delete(f"{API}/{cid}?confirm=true&reason=test", headers=headers)
    assert r.status_code == 403
    assert db.get(Candidate, cid) is not None


def test_follow_up_caseworker_reads_and_changes_the_restricted_fields(client, db, world):
    cid = world["candidate"].id
    headers = api_headers(db, world["js"])
    body = client.get(f"{API}/{cid}", headers=headers).json()
    assert body["situation"]["needs_note"] == MARKER_NOTE
    assert body["capacity"]["percent"] == 60
    r = client.put(f"{API}/{cid}/situation", headers=headers, json={"innsatsgruppe": "STANDARD_INNSATS"})
    assert r.status_code == 200
    assert client.get(f"{API}?innsatsgruppe=STANDARD_INNSATS", headers=headers).status_code == 200
    login(client, world["js"])
    page = client.get(f"/kandidater/{cid}/situasjon")
    assert page.status_code == 200 and MARKER_NOTE in page.text


def test_admin_changes_no_health_or_benefit_data_and_withdraws_no_consent(client, db, world):
    cid = world["candidate"].id
    headers = api_headers(db, world["admin"])
    for method, path, payload in RESTRICTED_API:
        r = client.request(method, f"{API}/{cid}{path}", headers=headers, json=payload)
        assert r.status_code in (403, 404), (method, path, r.status_code)
    r = client.post(f"{API}/{cid}/consents/{world['consent'].id}/withdraw", headers=headers)
    assert r.status_code == 403
    assert world["consent"].withdrawn_at is None


def test_erasure_only_by_the_responsible_caseworker_with_a_reason(client, db, world):
    cid = world["candidate"].id
    other = api_headers(db, world["js2"])  # same office, same role, not responsible
    assert client.delete(f"{API}/{cid}?confirm=true&reason=test", headers=other).status_code == 403
    own = api_headers(db, world["js"])
    r = client.delete(f"{API}/{cid}?confirm=true", headers=own)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    assert (
        client.delete(f"{API}/{cid}?confirm=true&reason=Personen+ba+om+det", headers=own).status_code == 204
    )
    db.expire_all()
    assert db.get(Candidate, cid) is None
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == str(cid), AuditEntry.action == "delete")
    ).all()
    assert rows and "Personen ba om det" in rows[-1].purpose


def test_retention_job_still_erases(db, world):
    import datetime as dt

    candidate = world["candidate"]
    candidate.status = "avsluttet"
    candidate.retention_date = dt.date(2020, 1, 1)
    db.flush()
    assert candidate.id in candidates_privacy.erase_expired(db, today=dt.date(2026, 1, 1))


def test_matching_reasons_name_the_category_not_the_capacity(db, world):
    from matching import feasibility

    candidate = world["candidate"]
    reasons = [feasibility.reason_capacity(80, 60), feasibility.reason_licence(["B"])]
    assert candidates_access.reasons_for(world["js"], candidate, reasons) == reasons
    masked = candidates_access.reasons_for(world["mk"], candidate, reasons)
    assert masked == [candidates_access.CAPACITY_REASON_CATEGORY, reasons[1]]
    assert not any("60" in r for r in masked)


def test_market_contact_job_suggestions_show_no_capacity(client, db, world):
    cid = world["candidate"].id
    login(client, world["mk"])
    page = client.get(f"/kandidater/{cid}/jobbforslag")
    assert page.status_code == 200 and "arbeidsevne\n60 %" not in page.text and "60 %" not in page.text
    r = client.get(f"/api/v1/candidates/{cid}/matches", headers=api_headers(db, world["mk"]))
    assert r.status_code == 200 and "inntil 60" not in r.text
