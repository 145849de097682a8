"""The §14a pages (real app, real database): from the candidate's situation to the overview, a draft whose refused
send comes back with every error beside its field and the typed values kept, sending, a second person's approval,
and the candidate's innsatsgruppe following; other offices and roles are refused."""

from __future__ import annotations

import html
import re

import pytest

from candidates import access as candidates_access
from plans import service_vedtak as vs
from tests.factories import csrf_from, login, make_candidate, make_employer, make_office, make_user


@pytest.fixture
def world(db):
    office, other = make_office(db), make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    js2 = make_user(db, "jobbspesialist", office=office)
    person = make_candidate(db, office, actor=js)
    db.commit()
    return {"office": office, "other": other, "js": js, "js2": js2, "person": person}


def post(client, path: str, data: dict, page: str):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def error_beside(page: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="e-{re.escape(field)}">([^<]*)</p>', page)
    assert match, f"no error beside {field}"
    return html.unescape(match.group(1))


def version_of(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "no version field on the form"
    return match.group(1)


def test_draft_refused_send_then_second_person_approves(client, app, db, world):
    pid = world["person"].id
    login(client, world["js"])
    situation = client.get(f"/kandidater/{pid}/situasjon")
    assert f'href="/kandidater/{pid}/vedtak"' in situation.text
    overview = client.get(f"/kandidater/{pid}/vedtak")
    assert overview.status_code == 200 and "Ingen § 14 a-vedtak er registrert" in overview.text
    r = post(client, f"/kandidater/{pid}/vedtak/ny", {}, f"/kandidater/{pid}/vedtak")
    assert r.status_code == 303
    url = r.headers["location"]
    form_page = client.get(url)
    assert form_page.status_code == 200
    for question in (
        "Hva slags veiledning trenger personen?",
        "Har noe endret seg siden forrige oppfølging?",
    ):
        assert question in html.unescape(form_page.text)
    version = version_of(form_page.text)

    typed = {
        "version": version,
        "source_rows": "2",
        "innsatsgruppe": "VARIG_TILPASSET_INNSATS",
        "hovedmal": "SKAFFE_ARBEID",
        "begrunnelse": "",
        "svar_ENDRING_SIDEN_SIST": "Har fått ny diagnose",
        "other_sources.1.kind": "",
        "other_sources.1.text": "Legeerklæring fra fastlegen",
        "capacity_percent": "20",
        "capacity_reason": "",
        "handling": "send",
    }
    bad = post(client, url, typed, url)
    assert bad.status_code == 422
    page = bad.text
    assert error_beside(page, "other_sources.1.kind") == "Velg hva slags kilde det er."
    assert error_beside(page, "capacity_reason").startswith("Skriv en begrunnelse for arbeidsevnen")
    assert "Har fått ny diagnose" in page and "Legeerklæring fra fastlegen" in page  # typed values kept

    typed.update({"other_sources.1.kind": "LEGEERKLAERING", "capacity_reason": "Kan jobbe litt."})
    bad = post(client, url, typed, url)
    assert bad.status_code == 422
    assert "Hovedmål skal ikke fylles ut" in error_beside(bad.text, "hovedmal")
    assert "Skriv en begrunnelse" in error_beside(bad.text, "begrunnelse")
    assert 'value="SKAFFE_ARBEID" selected' in bad.text

    typed.update({"hovedmal": "", "begrunnelse": "Varig nedsatt arbeidsevne."})
    r = post(client, url, typed, url)
    assert r.status_code == 303, r.text
    waiting = client.get(f"/kandidater/{pid}/vedtak")
    assert "Du kan ikke godkjenne et vedtak du har skrevet selv" in waiting.text
    refused = post(client, f"{url}/godkjenn", {}, f"/kandidater/{pid}/vedtak")
    assert refused.status_code == 303  # back with the message; nothing approved
    db.expire_all()
    assert (
        candidates_access.get_candidate(
            db, actor=world["js"], candidate_id=pid, purpose="test", full=True
        ).situation
        is None
    )

    client.cookies.clear()
    login(client, world["js2"])
    page = client.get(url)
    assert "Godkjenn vedtaket" in page.text
    r = post(client, f"{url}/godkjenn", {}, url)
    assert r.status_code == 303 and r.headers["location"] == f"/kandidater/{pid}/vedtak"
    overview = client.get(f"/kandidater/{pid}/vedtak")
    assert "Liten mulighet til å jobbe" in overview.text and world["js2"].name in overview.text
    situation = client.get(f"/kandidater/{pid}/situasjon")
    assert re.search(r'id="innsatsgruppe">Liten mulighet til å jobbe<', situation.text)
    assert re.search(r'id="capacity-percent"><strong>20 %', situation.text)


def test_stale_form_shows_both_versions(client, db, world):
    pid = world["person"].id
    v = vs.create_draft(db, actor=world["js"], candidate_id=pid, data={"begrunnelse": "Første"})
    db.commit()
    login(client, world["js"])
    url = f"/kandidater/{pid}/vedtak/{v.id}"
    page = client.get(url)
    version = version_of(page.text)
    vs.update_draft(db, actor=world["js2"], vedtak_id=v.id, data={"begrunnelse": "Andres tekst"})
    db.commit()
    r = post(client, url, {"version": version, "begrunnelse": "Min tekst", "handling": "lagre"}, url)
    assert r.status_code == 409
    assert "Andres tekst" in r.text and "Min tekst" in r.text


def test_other_office_market_contact_and_employer_are_refused(client, db, world):
    pid = world["person"].id
    v = vs.create_draft(db, actor=world["js"], candidate_id=pid, data={})
    others = {
        "js_other": make_user(db, "jobbspesialist", office=world["other"]),
        "mk": make_user(db, "markedskontakt", office=world["office"]),
        "emp": make_user(db, "arbeidsgiver", employer=make_employer(db)),
    }
    db.commit()
    for name, user in others.items():
        client.cookies.clear()
        login(client, user)
        expected = 403 if name == "emp" else 404
        assert client.get(f"/kandidater/{pid}/vedtak").status_code == expected, name
        assert client.get(f"/kandidater/{pid}/vedtak/{v.id}").status_code == expected, name


def test_the_situation_form_shows_the_innsatsgruppe_from_the_decision_read_only(client, db, world):
    pid = world["person"].id
    v = vs.create_draft(
        db,
        actor=world["js"],
        candidate_id=pid,
        data={
            "innsatsgruppe": "SITUASJONSBESTEMT_INNSATS",
            "hovedmal": "SKAFFE_ARBEID",
            "begrunnelse": "Trenger veiledning.",
            "decision_date": "2026-02-10",
            "default_sources": ["REGISTRERING"],
        },
    )
    vs.submit(db, actor=world["js"], vedtak_id=v.id)
    login(client, world["js"])
    page = f"/kandidater/{pid}/situasjon"
    shown = client.get(page).text
    assert "Fra §14a-vedtak 10.02.2026" in shown
    assert f'href="/kandidater/{pid}/vedtak/{v.id}"' in shown
    assert '<select id="f-innsatsgruppe"' not in shown and 'name="innsatsgruppe"' in shown  # no choice, kept
    # the form as the page sends it: hovedmål and date still change
    kept = post(
        client,
        page + "/vedtak",
        {
            "innsatsgruppe": "SITUASJONSBESTEMT_INNSATS",
            "hovedmal": "BEHOLDE_ARBEID",
            "decision_date": "2026-02-10",
        },
        page,
    )
    assert kept.status_code == 303
    # a hand-made post that changes the group is refused beside the field
    refused = post(
        client,
        page + "/vedtak",
        {"innsatsgruppe": "STANDARD_INNSATS", "hovedmal": "BEHOLDE_ARBEID", "decision_date": "2026-02-10"},
        page,
    )
    assert refused.status_code == 422
    assert error_beside(refused.text, "innsatsgruppe") == (
        "Innsatsgruppen følger §14a-vedtaket av 10.02.2026; endre den med et nytt vedtak."
    )
    db.expire_all()
    person = candidates_access.get_candidate(
        db, actor=world["js"], candidate_id=pid, purpose="test", full=True, restricted=True
    )
    assert person.situation is not None
    assert (person.situation.innsatsgruppe, person.situation.hovedmal) == (
        "SITUASJONSBESTEMT_INNSATS",
        "BEHOLDE_ARBEID",
    )
