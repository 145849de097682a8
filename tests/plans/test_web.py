"""The plan through HTTP: the pages (board and list at one address per person, a municipal activity created through
the form, a begrunnelse asked for, a stale edit shown beside the other person's values) and the API (create, the
409 for a stale version, the 422 naming `begrunnelse`, the history, another office's caseworker and an employer
refused)."""

from __future__ import annotations

import datetime as dt

from plans import service_activities as plans_activities
from tests.factories import api_headers, csrf_from, login, make_employer, make_user
from tests.plans.conftest import TODAY, egen

# --- pages ---------------------------------------------------------------------------------------------------


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def test_the_board_and_the_list(client, db, world):
    plans_activities.create_activity(
        db, actor=world.js, candidate_id=world.candidate.id, data=egen(title="Skrive søknad")
    )
    login(client, world.js)
    base = f"/kandidater/{world.candidate.id}/plan"
    board = client.get(base)
    assert board.status_code == 200
    for column in ("Forslag", "Planlegger", "Gjennomfører", "Fullført", "Avbrutt"):
        assert f">{column} <" in board.text
    assert "Skrive søknad" in board.text and "PLANLAGT" not in board.text
    listing = client.get(base + "?visning=liste")
    assert listing.status_code == 200 and "<table>" in listing.text and "Skrive søknad" in listing.text
    card = client.get(f"/kandidater/{world.candidate.id}")
    assert f'href="{base}"' in card.text  # the candidate card links to the plan


def test_a_municipal_activity_through_the_form(client, db, world):
    login(client, world.js)
    base = f"/kandidater/{world.candidate.id}/plan"
    form = {
        "type": "EGEN",
        "title": "Søke kommunal bolig",
        "from_date": TODAY.isoformat(),
        "to_date": (TODAY + dt.timedelta(days=60)).isoformat(),
        "life_area": "BOLIG",
        "provider": "KOMMUNE_SOSIAL",
        "provider_org": "Boligkontoret",
        "responsible_name": "",
    }
    refused = _post(client, base + "/ny", form, base + "/ny?type=EGEN")
    assert refused.status_code == 422 and "Skriv hvem som har ansvaret" in refused.text
    assert 'value="Søke kommunal bolig"' in refused.text  # the typed values kept
    done = _post(client, base + "/ny", {**form, "responsible_name": "Berit Bolig"}, base + "/ny?type=EGEN")
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert (
        page.status_code == 200 and "Berit Bolig" in page.text and "Kommunens sosiale tjenester" in page.text
    )


def test_a_meetings_purpose_is_marked_required_as_the_service_requires_it(client, db, world):
    """A meeting's purpose ("Hensikt med møtet") is required by the service: the form says so before it is sent, with the
    asterisk and the required attribute, as the other required fields do; an optional description is not marked."""
    login(client, world.js)
    base = f"/kandidater/{world.candidate.id}/plan/ny"
    meeting = client.get(base + "?type=MOTE").text
    tag = meeting[meeting.index('<textarea id="f-description"') :]
    tag = tag[: tag.index(">")]
    assert "required" in tag and 'aria-required="true"' in tag
    assert 'Hensikt med møtet <span aria-hidden="true">*</span>' in meeting
    own = client.get(base + "?type=EGEN").text
    tag = own[own.index('<textarea id="f-description"') :]
    assert "required" not in tag[: tag.index(">")]


def test_a_begrunnelse_is_asked_for_on_the_page(client, db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id)
    login(client, world.js)
    url = f"/kandidater/{world.candidate.id}/plan/aktiviteter/{a.id}"
    r = _post(client, url + "/status", {"s_status": "AVBRUTT", "s_version": str(a.version)}, url)
    assert r.status_code == 422 and "Skriv en begrunnelse" in r.text and 'id="e-s_begrunnelse"' in r.text
    r = _post(
        client,
        url + "/status",
        {"s_status": "AVBRUTT", "s_version": str(a.version), "s_begrunnelse": "Flyttet"},
        url,
    )
    assert r.status_code == 303
    page = client.get(url)
    assert "flyttet aktiviteten fra Planlegger til Avbrutt" in page.text


def test_a_stale_edit_on_the_page_shows_both_values(client, db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    login(client, world.js)
    url = f"/kandidater/{world.candidate.id}/plan/aktiviteter/{a.id}"
    opened = client.get(url)
    assert opened.status_code == 200
    plans_activities.update_activity(
        db, actor=world.js, activity_id=a.id, data={"title": "Endret av en annen"}
    )
    db.flush()
    form = {**egen(title="Min tittel"), "version": "1"}
    form.pop("type")
    r = _post(client, url, form, url)
    assert r.status_code == 409 and "Noen andre har lagret endringer" in r.text
    assert "Endret av en annen" in r.text and "Min tittel" in r.text


def test_the_office_market_contact_does_not_see_the_plan(client, db, world):
    mk = make_user(db, "markedskontakt", office=world.office)
    login(client, mk)
    assert client.get(f"/kandidater/{world.candidate.id}/plan").status_code == 404
    assert (
        f"/kandidater/{world.candidate.id}/plan" not in client.get(f"/kandidater/{world.candidate.id}").text
    )


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_creates_changes_and_refuses_a_stale_version(client, db, world):
    headers = api_headers(db, world.js)
    base = f"/api/v1/candidates/{world.candidate.id}/plan"
    body = {
        "type": "BEHANDLING",
        "title": "Fysioterapi",
        "from_date": TODAY.isoformat(),
        "to_date": (TODAY + dt.timedelta(days=30)).isoformat(),
        "life_area": "HELSE",
        "provider": "HELSE",
        "responsible_name": "Fysioterapeut Per",
        "behandling_type": "Fysioterapi",
        "behandling_sted": "Helsehuset",
    }
    created = client.post(base + "/activities", json=body, headers=headers)
    assert created.status_code == 201, created.text
    activity = created.json()
    assert (activity["version"], activity["details"]["behandling_sted"]) == (1, "Helsehuset")
    url = f"/api/v1/plan-activities/{activity['id']}"
    first = client.patch(url, json={"version": 1, "title": "Fysioterapi for ryggen"}, headers=headers)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(url, json={"version": 1, "title": "Noe annet"}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["changed"] == [{"field": "title", "current": "Fysioterapi for ryggen"}]
    stale_status = client.post(url + "/status", json={"status": "FULLFORT", "version": 1}, headers=headers)
    assert stale_status.status_code == 409
    assert client.post(url + "/avtalt", json={"version": 2}, headers=headers).status_code == 200
    reason = client.post(url + "/status", json={"status": "AVBRUTT", "version": 3}, headers=headers)
    assert reason.status_code == 422 and reason.json()["detail"][0]["field"] == "begrunnelse"
    history = client.get(url + "/history", headers=headers).json()
    assert [h["transaction"] for h in history] == ["OPPRETTET", "DETALJER_ENDRET", "AVTALT"]
    plan = client.get(base, headers=headers).json()
    assert [c["activity_id"] for c in plan["activities"]] == [activity["id"]]
    assert plan["period"]["end_date"] is None


def test_the_api_refuses_another_office_and_employers(client, db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    other = api_headers(db, make_user(db, "jobbspesialist"))
    employer = api_headers(db, make_user(db, "arbeidsgiver", employer=make_employer(db)))
    for headers, code in ((other, 404), (employer, 403)):
        assert (
            client.get(f"/api/v1/candidates/{world.candidate.id}/plan", headers=headers).status_code == code
        )
        assert client.get(f"/api/v1/plan-activities/{a.id}", headers=headers).status_code == code
        r = client.post(
            f"/api/v1/plan-activities/{a.id}/status",
            json={"status": "GJENNOMFORES", "version": 1},
            headers=headers,
        )
        assert r.status_code == code
    db.refresh(a)
    assert a.status == "PLANLAGT"
