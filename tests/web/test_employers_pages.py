"""Employer pages: forms that keep typed input and name the field, detail with duplicate warning and merge,
contact log and next steps, praksisplasser, openings with lifecycle, approval and JSON-LD, employer-user limits."""

import datetime as dt
import json
import re

from core.formatting import today_in_oslo
from employers import service
from employers import service_openings as employers_openings
from employers.models import Employer, Opening
from tests.factories import (
    csrf_from,
    load_builtin_reference,
    login,
    make_employer,
    make_opening,
    make_praksisplass,
    make_user,
    valid_orgnr,
)


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def test_register_employer_form_keeps_input_and_names_the_field(client, db):
    load_builtin_reference(db)
    contact = make_user(db, "markedskontakt")
    login(client, contact)
    r = _post(
        client,
        "/arbeidsgivere/ny",
        {"orgnr": "123456789", "name": "Skrevet Inn AS", "postal_code": "2815"},
        "/arbeidsgivere/ny",
    )
    assert r.status_code == 422
    assert "kontrollsifferet" in r.text and 'value="Skrevet Inn AS"' in r.text
    assert 'aria-invalid="true"' in r.text and 'href="#f-orgnr"' in r.text
    number = valid_orgnr(820001)
    r = _post(
        client,
        "/arbeidsgivere/ny",
        {"orgnr": number, "name": "Skrevet Inn AS", "postal_code": "2815", "status": "aktiv"},
        "/arbeidsgivere/ny",
    )
    assert r.status_code == 303
    detail = client.get(r.headers["location"])
    assert detail.status_code == 200 and "Skrevet Inn AS" in detail.text and "Gjøvik" in detail.text
    listing = client.get("/arbeidsgivere?q=skrevet")
    assert "Skrevet Inn AS" in listing.text


def test_duplicate_warning_links_and_merge(client, db):
    contact = make_user(db, "markedskontakt")
    a = make_employer(db, name="Hunndalen Bil AS", actor=contact)  # the contact's office owns both
    make_opening(db, a)
    b = make_employer(db, name="HUNNDALEN BIL avd. Biri", actor=contact)
    b.orgnr = "123456789"  # registered without a valid orgnr
    db.flush()
    bid = b.id
    login(client, contact)
    page = client.get(f"/arbeidsgivere/{b.id}")
    assert "Mulig duplikat" in page.text and f'href="/arbeidsgivere/{a.id}"' in page.text
    # no merge in one click: the link leads to both records side by side
    assert 'sammenslaing" method' not in page.text and 'name="merge_id"' not in page.text
    confirm_url = f"/arbeidsgivere/{b.id}/sammenslaing?med={a.id}"
    assert f'href="{confirm_url}"' in page.text
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200
    table = confirm.text.split('id="sammenligning"', 1)[1].split("</table>", 1)[0]
    head = table.split("</thead>", 1)[0]
    assert head.index("Beholdes") < head.index("Slås inn og slettes")
    rows = {
        r.split("</th>", 1)[0].rsplit(">", 1)[-1]: r for r in table.split("<tr>")[2:]
    }  # the kept (established, valid orgnr, one opening) is the first column
    assert rows["Navn"].index("Hunndalen Bil AS") < rows["Navn"].index("HUNNDALEN BIL avd. Biri")
    assert f"{a.orgnr} (gyldig)" in rows["Org.nr."] and "123456789 (ugyldig)" in rows["Org.nr."]
    assert "<td>1</td><td>0</td>" in rows["Stillinger"]
    assert f'action="/arbeidsgivere/{a.id}/sammenslaing"' in confirm.text
    assert f'name="merge_id" value="{b.id}"' in confirm.text
    db.expire_all()
    assert db.get(Employer, bid) is not None  # looking merged nothing
    r = _post(client, f"/arbeidsgivere/{a.id}/sammenslaing", {"merge_id": str(b.id)}, confirm_url)
    assert r.status_code == 303 and r.headers["location"] == f"/arbeidsgivere/{a.id}"
    db.expire_all()
    assert db.get(Employer, bid) is None and db.get(Employer, a.id).name == "Hunndalen Bil AS"
    assert "Mulig duplikat" not in client.get(f"/arbeidsgivere/{a.id}").text


def test_two_valid_orgnr_are_shown_but_never_merged(client, db):
    contact = make_user(db, "markedskontakt")
    a = make_employer(db, name="Biri Bakeri AS", actor=contact)
    b = make_employer(db, name="Biri Bakeri avd. Moelv", actor=contact)
    login(client, contact)
    confirm_url = f"/arbeidsgivere/{a.id}/sammenslaing?med={b.id}"
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200 and "to virksomheter" in confirm.text
    assert 'name="merge_id"' not in confirm.text
    r = _post(client, f"/arbeidsgivere/{a.id}/sammenslaing", {"merge_id": str(b.id)}, confirm_url)
    assert r.status_code == 303
    assert "to virksomheter" in client.get(r.headers["location"]).text
    db.expire_all()
    assert db.get(Employer, a.id) is not None and db.get(Employer, b.id) is not None


def test_a_similar_name_is_warned_of_on_the_form_before_saving(client, db):
    load_builtin_reference(db)
    contact = make_user(db, "markedskontakt")
    existing = make_employer(db, name="Hunndalen Bil AS", municipality_code="3407")
    login(client, contact)
    typed = {"orgnr": valid_orgnr(840001), "name": "Hundalen Bil", "postal_code": "2815", "status": "aktiv"}
    r = _post(client, "/arbeidsgivere/ny", typed, "/arbeidsgivere/ny")
    assert r.status_code == 200 and "Finnes arbeidsgiveren allerede?" in r.text
    assert f'href="/arbeidsgivere/{existing.id}"' in r.text and 'value="Hundalen Bil"' in r.text
    assert 'name="lagre_likevel"' in r.text
    assert db.query(Employer).filter_by(orgnr=typed["orgnr"]).first() is None  # nothing saved yet
    r = _post(client, "/arbeidsgivere/ny", {**typed, "lagre_likevel": "1"}, "/arbeidsgivere/ny")
    assert r.status_code == 303
    assert db.query(Employer).filter_by(orgnr=typed["orgnr"]).one().name == "Hundalen Bil"


def test_contact_log_next_step_and_praksisplass(client, db):
    contact = make_user(db, "markedskontakt")
    employer = make_employer(db, actor=contact)
    login(client, contact)
    page = f"/arbeidsgivere/{employer.id}"
    r = _post(
        client,
        f"{page}/kontakter",
        {"date": "2026-03-02", "type": "møte", "summary": "", "next_step": "Sende avtale"},
        page,
    )
    assert r.status_code == 422 and "Sende avtale" in r.text and "Sammendrag må fylles ut" in r.text
    today = today_in_oslo()
    r = _post(
        client,
        f"{page}/kontakter",
        {
            "date": today.isoformat(),
            "type": "møte",
            "summary": "Møte med daglig leder",
            "next_step": "Sende avtale",
            "next_step_due": today.isoformat(),
        },
        page,
    )
    assert r.status_code == 303
    steps = client.get("/arbeidsgivere/neste-steg")
    assert "Sende avtale" in steps.text
    r = _post(
        client,
        f"{page}/praksisplasser",
        {"pp_title": "Praksis i kantina", "pp_places": "2", "pp_adaptations": "FYSISK"},
        page,
    )
    assert r.status_code == 303
    detail = client.get(page)
    assert "Praksis i kantina" in detail.text and "Ledig: 2" in detail.text
    r = _post(client, f"{page}/praksisplasser", {"pp_title": "", "pp_places": "0"}, page)
    assert r.status_code == 422 and "f-pp_title" in r.text


def test_opening_form_styrk_suggestion_lifecycle_and_jsonld(client, db):
    load_builtin_reference(db)
    contact = make_user(db, "markedskontakt")
    employer = make_employer(db)
    login(client, contact)
    form = {
        "employer_id": str(employer.id),
        "title": "Renholder",
        "percent_min": "40",
        "working_time": ["dagtid", "kveld"],
    }
    r = _post(client, "/stillinger/ny", {**form, "action": "suggest"}, "/stillinger/ny")
    assert r.status_code == 200 and 'value="9112"' in r.text and "Renholdere i virksomheter" in r.text
    r = _post(client, "/stillinger/ny", {**form, "percent_max": "20", "action": "save"}, "/stillinger/ny")
    assert r.status_code == 422 and 'value="Renholder"' in r.text and 'href="#f-percent_min"' in r.text
    deadline = (today_in_oslo() + dt.timedelta(days=20)).isoformat()
    r = _post(
        client,
        "/stillinger/ny",
        {**form, "styrk_code": "9112", "application_deadline": deadline, "action": "save"},
        "/stillinger/ny",
    )
    assert r.status_code == 303
    url = r.headers["location"]
    opening_id = int(url.rsplit("/", 1)[1])
    assert "application/ld+json" not in client.get(url).text  # a draft is not public
    r = _post(client, f"{url}/status", {"status": "publisert"}, url)
    assert r.status_code == 303
    page = client.get(url)
    assert "Publisert" in page.text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert script is not None, "the published opening's page carries its JSON-LD"
    data = json.loads(script.group(1))
    assert data["@type"] == "JobPosting" and data["title"] == "Renholder"
    public = client.get(f"/offentlig/stillinger/{opening_id}")
    assert public.status_code == 200 and "application/ld+json" in public.text
    r = _post(
        client,
        f"{url}/rediger",
        {"title": "Renholder kveld", "percent_min": "40", "percent_max": "60"},
        f"{url}/rediger",
    )
    assert r.status_code == 303
    assert "Renholder kveld" in client.get("/stillinger?redusert=1").text


def test_expired_opening_needs_new_deadline_on_the_page(client, db):
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, make_employer(db), application_deadline=today_in_oslo() + dt.timedelta(days=1))
    employers_openings.transition_opening(db, actor=None, opening_id=opening.id, to_status="publisert")
    employers_openings.expire_openings(db, dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    login(client, contact)
    url = f"/stillinger/{opening.id}"
    assert "Ny søknadsfrist" in client.get(url).text
    r = _post(client, f"{url}/status", {"status": "publisert"}, url)
    assert r.status_code == 303 and "Utløpt" in client.get(url).text
    r = _post(
        client,
        f"{url}/status",
        {"status": "publisert", "application_deadline": (today_in_oslo() + dt.timedelta(days=9)).isoformat()},
        url,
    )
    db.expire_all()
    assert db.get(Opening, opening.id).status == "publisert"


def test_employer_user_own_view_self_service_and_approval(client, db):
    own, other = make_employer(db, name="Egen Bedrift AS"), make_employer(db, name="Annen Bedrift AS")
    boss = make_user(db, "arbeidsgiver", employer=own)
    theirs = make_opening(db, other, title="Hemmelig stilling")
    place = make_praksisplass(db, other)
    login(client, boss)
    assert client.get("/arbeidsgivere").status_code == 403
    assert client.get(f"/arbeidsgivere/{other.id}").status_code == 404
    assert client.get(f"/stillinger/{theirs.id}").status_code == 404
    assert client.get(f"/stillinger/{theirs.id}/rediger").status_code == 404
    assert "Hemmelig stilling" not in client.get("/stillinger").text
    assert (
        place.title not in client.get("/praksisplasser").text
        or "Annen Bedrift" not in client.get("/praksisplasser").text
    )
    assert client.get(f"/arbeidsgivere/{own.id}").status_code == 200
    r = _post(
        client,
        f"/arbeidsgivere/{own.id}/kontakter",
        {"date": "2026-03-01", "type": "møte", "summary": "x"},
        "/stillinger",
    )
    assert r.status_code == 403
    r = _post(
        client, "/stillinger/ny", {"employer_id": str(other.id), "title": "Inntrenger"}, "/stillinger/ny"
    )
    assert r.status_code == 422 and db.query(Opening).filter_by(title="Inntrenger").count() == 0
    r = _post(
        client,
        "/stillinger/ny",
        {"employer_id": str(own.id), "title": "Kokk", "percent_min": "50", "action": "save"},
        "/stillinger/ny",
    )
    assert r.status_code == 303
    url = r.headers["location"]
    assert "venter på godkjenning" in client.get(url).text
    r = _post(client, f"{url}/status", {"status": "publisert"}, url)
    assert r.status_code == 303
    db.expire_all()
    opening_id = int(url.rsplit("/", 1)[1])
    assert db.get(Opening, opening_id).status == "utkast"

    client.cookies.clear()
    contact = make_user(db, "markedskontakt")
    login(client, contact)
    queue = client.get("/stillinger/godkjenning")
    assert "Kokk" in queue.text
    r = _post(client, f"/stillinger/{opening_id}/godkjenn", {}, "/stillinger/godkjenning")
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Opening, opening_id).status == "publisert"


def test_approval_queue_returns_an_opening_with_a_comment_and_the_employer_resubmits(client, db):
    employer = make_employer(db, name="Egen Bedrift AS")
    boss = make_user(db, "arbeidsgiver", employer=employer)
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, employer, actor=boss, title="Kokk")
    oid, url = opening.id, f"/stillinger/{opening.id}"
    login(client, contact)
    queue = client.get("/stillinger/godkjenning").text
    assert f'href="{url}/send-tilbake"' in queue
    form_url = f"{url}/send-tilbake"
    r = _post(client, form_url, {"comment": "  "}, form_url)
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text and 'href="#f-comment"' in r.text
    assert "Skriv en kommentar" in r.text
    typed = "For lang kommentar " * 120  # 2280 characters: refused, and kept in the field
    r = _post(client, form_url, {"comment": typed}, form_url)
    assert r.status_code == 422 and "høyst 2000 tegn" in r.text and typed.strip() in r.text
    comment = "Oppgi arbeidstid og søknadsfrist.\nStillingsprosenten mangler."
    r = _post(client, form_url, {"comment": comment}, form_url)
    assert r.status_code == 303 and r.headers["location"] == "/stillinger/godkjenning"
    queue = client.get("/stillinger/godkjenning").text
    waiting, returned = queue.split("Sendt tilbake, venter på arbeidsgiveren (1)")
    assert "Kokk" not in waiting and "Kokk" in returned and "Stillingsprosenten mangler." in returned
    assert "Stillingen venter ikke" in _post(client, form_url, {"comment": "Igjen"}, form_url).text

    # the employer: the comment on the opening, the status in the list, the bell; edit and send in again
    client.cookies.clear()
    login(client, boss)
    page = client.get(url)
    assert "NAV har sendt stillingen tilbake" in page.text and "Stillingsprosenten mangler." in page.text
    assert contact.name in page.text and "Sendt tilbake" in page.text
    assert "Sendt tilbake" in client.get("/stillinger").text
    assert "Kokk" in client.get("/varsler").text
    edit = client.get(f"{url}/rediger")
    assert "Stillingsprosenten mangler." in edit.text and 'value="resubmit"' in edit.text
    r = _post(
        client,
        f"{url}/rediger",
        {"title": "Kokk", "percent_min": "60", "percent_max": "80", "action": "resubmit"},
        f"{url}/rediger",
    )
    assert r.status_code == 303
    db.expire_all()
    stored = db.get(Opening, oid)
    assert (stored.status, stored.awaiting_approval, stored.percent_min) == ("utkast", True, 60)
    assert "NAV har sendt stillingen tilbake" not in client.get(url).text
    history = client.get(url).text
    assert (
        "Sendt tilbake" in history and "Stillingsprosenten mangler." in history
    )  # the comment stays in the history

    client.cookies.clear()
    login(client, contact)
    assert "Kokk" in client.get("/stillinger/godkjenning").text
    r = _post(client, f"{url}/godkjenn", {}, "/stillinger/godkjenning")
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Opening, oid).status == "publisert"


def test_employer_resubmits_from_the_opening_page_with_an_answer(client, db):
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, employer, actor=boss, title="Servitør")
    employers_openings.return_opening(
        db, actor=contact, opening_id=opening.id, comment="Mangler søknadsfrist"
    )
    url = f"/stillinger/{opening.id}"
    login(client, boss)
    long_answer = "svar " * 401
    r = _post(client, f"{url}/send-inn", {"comment": long_answer}, url)
    assert r.status_code == 422 and "høyst 2000 tegn" in r.text and long_answer.strip() in r.text
    db.expire_all()
    assert db.get(Opening, opening.id).status == "returnert"
    r = _post(client, f"{url}/send-inn", {"comment": "Frist lagt inn"}, url)
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Opening, opening.id).awaiting_approval
    assert "Frist lagt inn" in client.get(url).text
    r = _post(client, f"{url}/send-inn", {}, url)  # already in the queue: said on the opening's page
    assert r.status_code == 303 and "Bare en stilling som er sendt tilbake" in client.get(url).text


def test_public_opening_page_says_how_to_apply(client, db):
    employer = make_employer(db, name="Hunndalen Bil AS")
    service.add_contact_person(
        db, actor=None, employer_id=employer.id, name="Intern Kontaktperson", email="intern@bil.no"
    )
    deadline = today_in_oslo() + dt.timedelta(days=20)
    given = make_opening(
        db,
        employer,
        title="Bilpleier",
        application_deadline=deadline,
        how_to_apply="Send CV og noen ord om deg selv.",
        application_url="https://jobb.example.no/bilpleier",
        application_email="jobb@bil.no",
        contact_name="Per Hansen",
        contact_phone="612 34 567",
    )
    bare = make_opening(db, employer, title="Lagerarbeider")
    for o in (given, bare):
        employers_openings.transition_opening(db, actor=None, opening_id=o.id, to_status="publisert")
    page = client.get(f"/offentlig/stillinger/{given.id}")
    assert page.status_code == 200
    text = page.text
    assert '<h2 id="h-sok">Slik søker du</h2>' in text and 'href="#sok"' in text
    assert "Send CV og noen ord om deg selv." in text and deadline.strftime("%d.%m.%Y") in text
    assert 'href="https://jobb.example.no/bilpleier"' in text
    assert 'href="mailto:jobb@bil.no?subject=S%C3%B8knad%3A%20Bilpleier"' in text
    assert "Per Hansen" in text and 'href="tel:61234567"' in text
    assert "har ikke oppgitt" not in text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert script is not None
    jsonld = json.loads(script.group(1))
    assert jsonld["applicationContact"] == {
        "@type": "ContactPoint",
        "name": "Per Hansen",
        "email": "jobb@bil.no",
        "telephone": "612 34 567",
        "url": "https://jobb.example.no/bilpleier",
        "description": "Send CV og noen ord om deg selv.",
    }

    text = client.get(f"/offentlig/stillinger/{bare.id}").text
    assert "Arbeidsgiveren har ikke oppgitt hvordan du søker" in text and "Hunndalen Bil AS" in text
    assert "Ingen frist oppgitt" in text
    assert (
        "Intern Kontaktperson" not in text and "intern@bil.no" not in text
    )  # NAV's contact, never published


def test_employer_posting_gets_their_own_contact_as_the_default(client, db):
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    login(client, boss)
    form = client.get("/stillinger/ny").text
    assert f'value="{boss.email}"' in form and f'value="{boss.name}"' in form
    r = _post(
        client,
        "/stillinger/ny",
        {"employer_id": str(employer.id), "title": "Kokk", "application_email": "feil", "action": "save"},
        "/stillinger/ny",
    )
    assert r.status_code == 422 and "Ugyldig e-postadresse." in r.text and 'value="feil"' in r.text


def test_a_refused_form_writes_nothing_and_goes_back_by_redirect(client, db):
    """Publishing a closed opening again with a deadline already passed: the service sets the deadline before it
    refuses, so only the page helper's rollback keeps the stored one; the refusal is a redirect (post → redirect
    → get), not a page at the POST URL."""
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, make_employer(db), actor=contact)
    deadline = today_in_oslo() + dt.timedelta(days=20)
    employers_openings.transition_opening(
        db, actor=contact, opening_id=opening.id, to_status="publisert", application_deadline=deadline
    )
    employers_openings.transition_opening(db, actor=contact, opening_id=opening.id, to_status="stengt")
    db.flush()
    login(client, contact)
    url = f"/stillinger/{opening.id}"
    passed = (today_in_oslo() - dt.timedelta(days=3)).isoformat()
    r = _post(client, f"{url}/status", {"status": "publisert", "application_deadline": passed}, url)
    assert r.status_code == 303 and r.headers["location"] == url
    assert "ny søknadsfrist fram i tid" in client.get(url).text
    db.expire_all()
    stored = db.get(Opening, opening.id)
    assert stored.status == "stengt" and stored.application_deadline == deadline
