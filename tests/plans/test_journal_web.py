"""The journal through the pages and the JSON API (real app, real database): the same service rules — a municipal
note is not readable by state staff and vice versa, a stale version is a 409, TryggTekst warns in the API's answer
and asks the page to confirm — and the candidate's page links to the journal."""

from __future__ import annotations

import pytest

from plans import service_journal as sj
from tests.factories import api_headers, csrf_from, login, make_candidate, make_office, make_user
from tests.visible_text import marked_required

HEALTH = "Hun fortalte om angst og at hun bruker sovemedisin."


@pytest.fixture
def world(db):
    office = make_office(db)
    stat = make_user(db, "veileder", office=office, employment="STAT")
    kommune = make_user(db, "veileder", office=office, employment="KOMMUNE")
    candidate = make_candidate(db, office, actor=stat)
    municipal = sj.create_entry(
        db,
        actor=kommune,
        candidate_id=candidate.id,
        data={
            "kind": "NOTAT",
            "service": "KOMMUNE_SOSIAL",
            "title": "Husleierestanse",
            "text": "Restanse i mai.",
        },
    ).entry
    state = sj.create_entry(
        db,
        actor=stat,
        candidate_id=candidate.id,
        data={
            "kind": "SAMTALEREFERAT",
            "service": "STAT",
            "title": "Jobbsamtale",
            "text": "Lager og logistikk.",
        },
    ).entry
    db.flush()
    return stat, kommune, candidate, municipal, state


def test_api_municipal_and_state_entries_each_for_their_own_staff(client, db, world):
    stat, kommune, candidate, municipal, state = world
    as_stat, as_kommune = api_headers(db, stat), api_headers(db, kommune)
    listed = client.get(f"/api/v1/candidates/{candidate.id}/journal", headers=as_stat).json()
    assert [e["title"] for e in listed["entries"]] == ["Jobbsamtale"]
    assert listed["readable_services"] == ["STAT", "ANNET"]
    listed = client.get(f"/api/v1/candidates/{candidate.id}/journal", headers=as_kommune).json()
    assert [e["title"] for e in listed["entries"]] == ["Husleierestanse"]
    assert client.get(f"/api/v1/journal/{municipal.id}", headers=as_stat).status_code == 404
    assert client.get(f"/api/v1/journal/{state.id}", headers=as_kommune).status_code == 404
    r = client.patch(f"/api/v1/journal/{municipal.id}", headers=as_stat, json={"version": 1, "text": "x"})
    assert r.status_code == 404
    detail = client.get(f"/api/v1/journal/{municipal.id}", headers=as_kommune).json()
    assert [v["change_type"] for v in detail["history"]] == ["OPPRETTET"]


def test_api_stale_version_is_refused_and_share_warns_without_refusing(client, db, world):
    stat, _, _, _, state = world
    headers = api_headers(db, stat)
    url = f"/api/v1/journal/{state.id}"
    first = client.get(url, headers=headers).json()["version"]
    r = client.patch(url, headers=headers, json={"version": first, "text": HEALTH})
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == []  # a state draft: only state staff read it
    stale = client.patch(url, headers=headers, json={"version": first, "text": "Eldre utgave"})
    assert stale.status_code == 409 and stale.json()["field"] == "version"

    shared = client.post(f"{url}/share", headers=headers, json={"version": r.json()["version"]})
    assert shared.status_code == 200, shared.text
    body = shared.json()
    assert body["shared_with_person_at"] and {w["category"] for w in body["warnings"]} >= {
        "diagnose",
        "legemidler",
    }
    assert "helseopplysninger" in body["warning"]
    after = client.patch(url, headers=headers, json={"version": body["version"], "text": "Endret"})
    assert after.status_code == 409


def test_api_create_in_another_service_is_a_422_naming_service(client, db, world):
    stat, _, candidate, _, _ = world
    r = client.post(
        f"/api/v1/candidates/{candidate.id}/journal",
        headers=api_headers(db, stat),
        json={"type": "NOTAT", "service": "KOMMUNE_SOSIAL", "title": "T", "text": "T"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "service"


def test_pages_list_filter_and_hide_the_other_service(client, db, world):
    stat, _, candidate, municipal, _ = world
    login(client, stat)
    page = client.get(f"/kandidater/{candidate.id}/journal")
    assert page.status_code == 200
    assert "Jobbsamtale" in page.text and "Husleierestanse" not in page.text
    assert client.get(f"/journal/{municipal.id}").status_code == 404
    assert client.get(f"/kandidater/{candidate.id}/journal?tjeneste=ANNET").text.count("Jobbsamtale") == 0
    record = client.get(f"/kandidater/{candidate.id}")
    assert f'href="/kandidater/{candidate.id}/journal"' in record.text


def test_page_asks_to_confirm_a_health_word_before_saving(client, db, world):
    stat, _, candidate, _, _ = world
    login(client, stat)
    form_url = f"/kandidater/{candidate.id}/journal/ny"
    data = {"kind": "NOTAT", "service": "ANNET", "title": "Samarbeid", "text": HEALTH}
    r = client.post(form_url, data={**data, "csrf_token": csrf_from(client, form_url)})
    assert r.status_code == 422 and "TryggTekst" in r.text and 'name="confirm_sensitive"' in r.text
    _, entries = sj.list_entries(db, actor=stat, candidate_id=candidate.id)
    assert "Samarbeid" not in {e.title for e in entries}  # nothing saved before the confirmation
    r = client.post(
        form_url,
        data={**data, "confirm_sensitive": "1", "csrf_token": csrf_from(client, form_url)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    entry_url = r.headers["location"]
    page = client.get(entry_url)
    assert "Del med personen" in page.text and "tryggtekst-deling" in page.text
    # the text is required by the service, and both forms say so before they are sent
    assert marked_required(page.text, "f-text") and marked_required(client.get(form_url).text, "f-text")


def test_page_shares_a_plain_referat_and_it_becomes_read_only(client, db, world):
    stat, _, candidate, _, state = world
    login(client, stat)
    url = f"/journal/{state.id}"
    r = client.post(
        f"{url}/del",
        data={"version": str(state.version), "csrf_token": csrf_from(client, url)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(url)
    assert "Delt med personen" in page.text and "Skriv en rettelse" in page.text
    assert [e.title for e in sj.entries_for_person(db, candidate_id=candidate.id)] == ["Jobbsamtale"]


def test_page_edit_with_a_stale_version_shows_the_conflict(client, db, world):
    stat, _, _, _, state = world
    login(client, stat)
    url = f"/journal/{state.id}"
    token = csrf_from(client, url)
    old = str(state.version)
    ok = client.post(
        url, data={"version": old, "text": "Ny tekst", "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    stale = client.post(url, data={"version": old, "text": "Gammel", "csrf_token": token})
    assert stale.status_code == 409 and "Noen andre har lagret endringer" in stale.text


def test_market_contact_has_no_journal(client, db, world):
    _, _, candidate, _, state = world
    mk = make_user(db, "markedskontakt", office=world[0].office)
    db.flush()
    login(client, mk)
    assert client.get(f"/kandidater/{candidate.id}/journal").status_code == 404
    assert client.get(f"/journal/{state.id}").status_code == 404
    assert f'href="/kandidater/{candidate.id}/journal"' not in client.get(f"/kandidater/{candidate.id}").text
