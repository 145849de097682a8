"""Candidate pages: registration and every tab of the record through the real forms (post → redirect → get),
messages beside the field with the typed input kept, the office rule, capacity derived from the uføregrad and
overridden with a reason, CV upload proposals saved only when accepted, consent → the employer's view → withdrawal,
innsyn and erasure; and the employer's pages never carry anything from the restricted fields."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape

import docx
from sqlalchemy import func, select

from candidates import access as candidates_access
from candidates import derived as candidates_derived
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import Candidate, Certificate, LanguageSkill, WorkExperience
from core.audit import AuditEntry
from core.formatting import today_in_oslo
from tests.factories import (
    csrf_from,
    found,
    load_builtin_reference,
    login,
    make_candidate,
    make_employer,
    make_office,
    make_opening,
    make_user,
)

MARKER = "HEMMELIGMARKOR"


def _post(client, path, data, page=None):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page or path)})


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="e-{re.escape(field)}">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else ""


def _staff(db, office=None):
    office = office or make_office(db)
    return office, make_user(db, "jobbspesialist", office=office)


def test_register_candidate_keeps_input_and_shows_derived_age(client, db):
    office, specialist = _staff(db)
    login(client, specialist)
    r = _post(
        client,
        "/kandidater/ny",
        {
            "first_name": "Sigrid",
            "last_name": "Undset",
            "email": "ikke-en-adresse",
            "birth_date": "2001-02-03",
        },
    )
    assert r.status_code == 422
    assert "ikke en gyldig e-postadresse" in _field_error(r.text, "email")
    assert 'value="Sigrid"' in r.text and 'value="ikke-en-adresse"' in r.text and 'href="#f-email"' in r.text
    assert db.scalar(select(func.count()).select_from(Candidate)) == 0

    r = _post(
        client,
        "/kandidater/ny",
        {
            "first_name": "Sigrid",
            "last_name": "Undset",
            "email": "sigrid@example.no",
            "birth_date": "2001-02-03",
        },
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "Sigrid Undset" in page.text and "er registrert" in page.text
    today = today_in_oslo()
    age = today.year - 2001 - ((today.month, today.day) < (2, 3))
    assert f"{age} år" in page.text
    assert found(r'id="under-30">(Ja|Nei)<', page.text) == ("Ja" if age < 30 else "Nei")
    candidate = db.scalar(select(Candidate).where(Candidate.last_name == "Undset"))
    assert candidate.office_id == office.id and candidate.responsible_user_id == specialist.id

    # the list, its filters and the search
    older = make_candidate(db, office, actor=specialist, first_name="Olav", birth_date=dt.date(1960, 1, 1))
    listing = client.get("/kandidater?q=sigrid")
    assert "Sigrid Undset" in listing.text and older.full_name not in listing.text
    under = client.get("/kandidater?under30=1")
    assert ("Sigrid Undset" in under.text) == (age < 30) and older.full_name not in under.text


def test_edit_every_section_of_the_record(client, db):
    load_builtin_reference(db)
    office, specialist = _staff(db)
    c = make_candidate(db, office, actor=specialist)
    login(client, specialist)
    base = f"/kandidater/{c.id}"

    # personalia: a bad postal code is named and nothing is lost
    r = _post(client, base, {"first_name": "Kari", "last_name": "Endret", "postal_code": "12"}, base)
    assert r.status_code == 422 and "fire sifre" in _field_error(r.text, "postal_code")
    assert 'value="Endret"' in r.text
    r = _post(client, base, {"first_name": "Kari", "last_name": "Endret", "phone": "+47 900 00 000"}, base)
    assert r.status_code == 303 and client.get(base).text.count("Endret") >= 1
    db.expire_all()
    assert db.get(Candidate, c.id).last_name == "Endret"

    # CV: work experience gets a STYRK code from its title; edit and delete
    cv = f"{base}/cv"
    r = _post(
        client,
        f"{cv}/arbeid",
        {"arbeid__title": "Lagermedarbeider", "arbeid__employer": "Coop", "arbeid__start_date": "2020-01-01"},
        cv,
    )
    assert r.status_code == 303
    work = db.scalar(select(WorkExperience).where(WorkExperience.candidate_id == c.id))
    assert work.styrk_code and len(work.styrk_code) == 4
    assert work.styrk_code in client.get(cv).text
    r = _post(
        client,
        f"{cv}/arbeid",
        {"arbeid__title": "Sjåfør", "arbeid__start_date": "2021-05-01", "arbeid__end_date": "2020-01-01"},
        cv,
    )
    assert r.status_code == 422 and "Til kan ikke være før fra" in _field_error(r.text, "arbeid__end_date")
    assert 'value="Sjåfør"' in r.text and "<details open>" in r.text
    r = _post(
        client,
        f"{cv}/arbeid/{work.id}",
        {
            "title": "Lagerarbeider",
            "employer": "Coop Innlandet",
            "start_date": "2020-01-01",
            "styrk_code": "9333",
        },
        f"{cv}/arbeid/{work.id}",
    )
    assert r.status_code == 303
    db.expire_all()
    assert db.get(WorkExperience, work.id).employer == "Coop Innlandet"
    assert db.get(WorkExperience, work.id).styrk_code == "9333"
    for kind, data in (
        (
            "utdanning",
            {"utdanning__level": "fagbrev", "utdanning__field": "Logistikk", "utdanning__end_year": "2015"},
        ),
        ("sertifikat", {"sertifikat__name": "Truckførerbevis", "sertifikat__kind": "sertifikat"}),
        ("sprak", {"sprak__language": "Norsk", "sprak__level": "B1"}),
    ):
        r = _post(client, f"{cv}/{kind}", data, cv)
        assert r.status_code == 303, (kind, r.text[:300])
    page = client.get(cv).text
    assert "Logistikk" in page and "Truckførerbevis" in page and "B1" in page
    r = _post(client, f"{cv}/sprak", {"sprak__language": "Engelsk", "sprak__level": "D9"}, cv)
    assert r.status_code == 422 and _field_error(r.text, "sprak__level")
    lang = db.scalar(select(LanguageSkill).where(LanguageSkill.candidate_id == c.id))
    r = _post(client, f"{cv}/sprak/{lang.id}", {"language": "Norsk", "level": "B2"}, f"{cv}/sprak/{lang.id}")
    assert r.status_code == 303
    cert = db.scalar(select(Certificate).where(Certificate.candidate_id == c.id))
    r = _post(client, f"{cv}/sertifikat/{cert.id}/slett", {}, cv)
    assert r.status_code == 303
    assert db.scalar(select(Certificate).where(Certificate.candidate_id == c.id)) is None
    r = client.post(
        f"{cv}/ferdigheter",
        data={
            "skills": "kundeservice, varemottak",
            "driving_licences": ["B", "BE"],
            "summary": "Stabil",
            "csrf_token": csrf_from(client, cv),
        },
    )
    assert r.status_code == 303
    db.expire_all()
    fresh = db.get(Candidate, c.id)
    assert fresh.driving_licences == ["B", "BE"] and fresh.skills == ["kundeservice", "varemottak"]
    assert db.get(LanguageSkill, lang.id).level == "B2"

    # jobbprofil: a bad range keeps what was typed, then it saves
    jp = f"{base}/jobbprofil"
    profile_form: dict[str, str | list[str]] = {
        "wanted_styrk": "9333",
        "wanted_titles": "lagerarbeider, sjåfør",
        "municipalities": "3407",
        "postal_code": "2815",
        "max_commute_minutes": "45",
        "percent_min": "80",
        "percent_max": "40",
        "working_time": ["dagtid", "kveld"],
        "engagement_types": ["fast"],
        "earliest_start": "2026-03-01",
    }
    r = client.post(jp, data={**profile_form, "csrf_token": csrf_from(client, jp)})
    assert r.status_code == 422 and "høyere enn til" in _field_error(r.text, "percent_min")
    assert 'value="lagerarbeider, sjåfør"' in r.text and 'value="kveld" checked' in r.text
    r = client.post(jp, data={**profile_form, "percent_min": "20", "csrf_token": csrf_from(client, jp)})
    assert r.status_code == 303
    db.expire_all()
    profile = candidates_access.get_candidate(
        db, actor=specialist, candidate_id=c.id, purpose="test", full=True
    ).job_profile
    assert profile is not None
    assert profile.percent_min == 20 and profile.working_time == ["dagtid", "kveld"]
    assert profile.max_commute_minutes == 45 and profile.wanted_titles == ["lagerarbeider", "sjåfør"]

    # situasjon: §14a, a programme, needs
    sit = f"{base}/situasjon"
    r = _post(
        client,
        f"{sit}/vedtak",
        {
            "innsatsgruppe": "SPESIELT_TILPASSET_INNSATS",
            "hovedmal": "SKAFFE_ARBEID",
            "decision_date": "2025-10-01",
        },
        sit,
    )
    assert r.status_code == 303
    page = client.get(sit).text
    assert "Trenger veiledning, nedsatt arbeidsevne" in page and "Begrenset" in page
    r = _post(
        client, f"{sit}/program", {"p_kind": "SOSIALHJELP", "p_aktivitetsplikt": "ja", "p_note": "ok"}, sit
    )
    assert r.status_code == 303
    r = client.post(
        f"{sit}/behov",
        data={
            "needs_arbeidstid": ["IKKE_HELE_DAGER"],
            "needs_norsk": ["LESE"],
            "needs_note": "Korte dager",
            "csrf_token": csrf_from(client, sit),
        },
    )
    assert r.status_code == 303
    db.expire_all()
    full = candidates_access.get_candidate(db, actor=specialist, candidate_id=c.id, purpose="test", full=True)
    assert full.situation is not None
    assert full.situation.needs("arbeidstid") == ["IKKE_HELE_DAGER"] and full.situation.needs("norsk") == [
        "LESE"
    ]
    assert candidates_derived.needs_for_matching(full) == ["ARBEIDSTID", "GRUNNLEGGENDE"]
    assert full.programmes[0].kind == "SOSIALHJELP" and full.programmes[0].aktivitetsplikt is True
    page = client.get(sit).text
    assert 'value="IKKE_HELE_DAGER" checked' in page and "Kan ikke jobbe hele dager" in page
    # every tab read is audit-logged with its purpose
    purposes = set(
        db.scalars(
            select(AuditEntry.purpose).where(
                AuditEntry.subject_type == "candidate",
                AuditEntry.subject_id == str(c.id),
                AuditEntry.action == "read",
            )
        )
    )
    assert {
        "oppfølging: CV",
        "oppfølging: jobbprofil",
        "oppfølging: situasjon og arbeidsevne (begrenset)",
    } <= purposes


def test_other_office_gets_404_on_every_tab(client, db):
    office_a, specialist_a = _staff(db)
    _, specialist_b = _staff(db)
    c = make_candidate(db, office_a, actor=specialist_a, first_name="Synnøve")
    login(client, specialist_b)
    for suffix in ("", "/cv", "/jobbprofil", "/situasjon", "/samtykke", "/innsyn", "/innsyn.json", "/slett"):
        assert client.get(f"/kandidater/{c.id}{suffix}").status_code == 404, suffix
    r = _post(client, f"/kandidater/{c.id}/situasjon/behov", {"needs_note": "x"}, "/kandidater")
    assert r.status_code == 404
    assert "Synnøve" not in client.get("/kandidater").text
    denied = db.scalars(select(AuditEntry).where(AuditEntry.outcome == "nektet")).all()
    assert any(e.subject_id == str(c.id) for e in denied)


def test_capacity_derived_from_uforegrad_and_overridden_with_reason(client, db):
    office, specialist = _staff(db)
    c = make_candidate(db, office, actor=specialist)
    login(client, specialist)
    sit = f"/kandidater/{c.id}/situasjon"
    r = _post(client, f"{sit}/program", {"p_kind": "UFORETRYGD", "p_start_date": "2020-01-01"}, sit)
    assert r.status_code == 422 and "uføregrad" in _field_error(r.text, "p_uforegrad")
    assert 'value="2020-01-01"' in r.text
    r = _post(client, f"{sit}/program", {"p_kind": "UFORETRYGD", "p_uforegrad": "60"}, sit)
    assert r.status_code == 303
    page = client.get(sit).text
    assert re.search(r'id="capacity-percent"><strong>40 %', page)
    assert "100 − uføregrad 60 = 40 %" in page and "Avledet av uføregraden" in page

    # an override without a reason is refused, beside the field, with the typed value kept
    r = _post(
        client,
        f"{sit}/arbeidsevne",
        {"capacity_override_percent": "30", "preferred_hours_per_week": "12"},
        sit,
    )
    assert r.status_code == 422 and "begrunnelse" in _field_error(r.text, "capacity_override_reason")
    assert (
        'id="f-capacity_override_percent" name="capacity_override_percent" type="text" value="30"' in r.text
    )
    db.expire_all()
    assert (
        candidates_derived.capacity_of(
            # what is stored, loaded as get_candidate(full=True) does (that is a person's audited read)
            db.get_one(Candidate, c.id, options=candidates_access.FULL_LOAD, populate_existing=True)
        ).percent
        == 40
    )

    r = _post(
        client,
        f"{sit}/arbeidsevne",
        {
            "capacity_override_percent": "30",
            "capacity_override_reason": "Legeerklæring mars",
            "preferred_hours_per_week": "12",
        },
        sit,
    )
    assert r.status_code == 303
    page = client.get(sit).text
    assert re.search(r'id="capacity-percent"><strong>30 %', page)
    assert "Satt for hånd – begrunnelse: Legeerklæring mars" in page
    assert "100 − uføregrad 60 = 40 %" in page  # the derived value stays visible beside the override
    # back to the derived value
    r = _post(
        client, f"{sit}/arbeidsevne", {"capacity_override_percent": "", "capacity_override_reason": ""}, sit
    )
    assert r.status_code == 303 and re.search(r'id="capacity-percent"><strong>40 %', client.get(sit).text)
    full_capacity = make_candidate(db, office, actor=specialist, first_name="Fullkapasitet")
    reduced = client.get("/kandidater?redusert=1").text
    assert c.full_name in reduced and full_capacity.full_name not in reduced


def _employer_world(db):
    office, specialist = _staff(db)
    employer = make_employer(db, name="Mjøsbakst AS")
    other = make_employer(db, name="Annen Bedrift AS")
    employer_user = make_user(db, "arbeidsgiver", employer=employer)
    other_user = make_user(db, "arbeidsgiver", employer=other)
    c = make_candidate(
        db, office, actor=specialist, first_name="Ingrid", last_name="Bakke", email="ingrid@example.no"
    )
    candidates_profile.add_cv_entry(
        db,
        actor=specialist,
        candidate_id=c.id,
        kind="arbeid",
        data={"title": "Bakeriassistent", "styrk_code": "7512"},
    )
    candidates_profile.set_situation(
        db, actor=specialist, candidate_id=c.id, data={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"}
    )
    candidates_profile.set_programme(
        db, actor=specialist, candidate_id=c.id, kind="AAP", data={"note": MARKER + "-program"}
    )
    candidates_profile.set_capacity(
        db, actor=specialist, candidate_id=c.id, override_percent=40, reason=MARKER + "-grunn"
    )
    candidates_profile.set_needs(
        db,
        actor=specialist,
        candidate_id=c.id,
        data={"needs_arbeidstid": ["IKKE_HELE_DAGER"], "needs_note": MARKER + "-behov"},
    )
    db.flush()
    return specialist, employer, employer_user, other_user, c


def _list_and_share(client, db, opening, c, override_reason=None):
    """Puts the candidate on the opening's list and presses "Del med arbeidsgiver" (with a reason, if given)."""
    listing = f"/stillinger/{opening.id}/kandidater"
    _post(client, listing, {"candidate_id": str(c.id)}, listing)
    entry_id = int(found(r'id="oppforing-(\d+)"', client.get(listing).text))
    data = {"override_reason": override_reason} if override_reason else {}
    return entry_id, _post(client, f"/kandidatliste/{entry_id}/del", data, listing)


def test_consent_permits_sharing_shows_until_either_is_withdrawn(client, anon_client, db):
    specialist, employer, employer_user, other_user, c = _employer_world(db)
    opening = make_opening(db, employer, title="Bakeriassistent")
    db.flush()
    login(client, specialist)
    consent_page = f"/kandidater/{c.id}/samtykke"
    r = _post(client, consent_page, {"employer_id": "", "given_on": "2026-01-05", "named": "1"}, consent_page)
    assert r.status_code == 422 and "arbeidsgiveren" in _field_error(r.text, "employer_id")
    assert 'value="2026-01-05"' in r.text

    # before consent the employer sees nothing
    login(anon_client, employer_user)
    assert "Ingrid" not in anon_client.get("/delte-kandidater").text
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404

    r = _post(
        client,
        consent_page,
        {"employer_id": str(employer.id), "given_on": today_in_oslo().isoformat(), "named": "1"},
        consent_page,
    )
    assert r.status_code == 303
    page = client.get(consent_page).text
    assert "Mjøsbakst AS" in page and "Navngitt profil" in page and specialist.name in page
    # consent alone: still nothing for the employer, on the list, the page and the dashboard's count
    assert "Ingrid" not in anon_client.get("/delte-kandidater").text
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404
    assert re.search(
        r'p-kandidater-delt-med-dere">[^<]*</h2>\s*<p class="big-number">0<', anon_client.get("/").text
    )

    # the presentation: saved with its marks shown; sharing waits for an edit or a reason
    r = _post(
        client,
        f"/kandidater/{c.id}/presentasjon",
        {"presentation": "Ingrid er sykmeldt, men klar for bakeriet."},
        consent_page,
    )
    assert r.status_code == 303
    page = client.get(consent_page).text
    assert '<mark title="Helse">sykmeldt</mark>' in page
    entry_id, r = _list_and_share(client, db, opening, c)
    assert r.status_code == 303 and "sykmeldt" in client.get(r.headers["location"]).text
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404
    r = _post(
        client,
        f"/kandidatliste/{entry_id}/del",
        {"override_reason": "Ingrid ba selv om at det står der"},
        f"/stillinger/{opening.id}/kandidater",
    )
    assert r.status_code == 303
    listing_page = client.get(f"/stillinger/{opening.id}/kandidater").text
    assert "Sensitiv tekst overstyrt" in listing_page and "Ingrid ba selv om at det står der" in listing_page

    listing = anon_client.get("/delte-kandidater")
    assert (
        listing.status_code == 200 and "Ingrid Bakke" in listing.text and "Delte kandidater" in listing.text
    )
    assert "Delt med dere for stillingen «Bakeriassistent» den" in listing.text
    # the dashboard counts what the list shows
    assert re.search(
        r'p-kandidater-delt-med-dere">[^<]*</h2>\s*<p class="big-number">1<', anon_client.get("/").text
    )
    detail = anon_client.get(f"/delte-kandidater/{c.id}")
    assert detail.status_code == 200
    assert (
        "Ingrid Bakke" in detail.text
        and "ingrid@example.no" in detail.text
        and "Bakeriassistent" in detail.text
        and "klar for bakeriet" in detail.text
    )
    for html in (listing.text, detail.text):
        assert MARKER not in html
        for word in (
            "Liten mulighet til å jobbe",
            "VARIG_TILPASSET_INNSATS",
            "Arbeidsavklaringspenger",
            "IKKE_HELE_DAGER",
            "Kan ikke jobbe hele dager",
            "Arbeidsevne",
            "40 %",
        ):
            assert word not in html, word

    # another employer sees nothing of it
    anon_client.cookies.clear()
    login(anon_client, other_user)
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404
    # staff cannot use the employer pages
    assert client.get("/delte-kandidater").status_code == 403

    # withdrawal of the share: the employer loses access at once
    r = _post(client, f"/kandidatliste/{entry_id}/trekk-deling", {}, f"/stillinger/{opening.id}/kandidater")
    assert r.status_code == 303
    anon_client.cookies.clear()
    login(anon_client, employer_user)
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404
    # shared again, then the consent withdrawn: access gone at once too
    r = _post(
        client,
        f"/kandidatliste/{entry_id}/del",
        {"override_reason": "Ingrid ba selv om at det står der"},
        f"/stillinger/{opening.id}/kandidater",
    )
    assert r.status_code == 303 and anon_client.get(f"/delte-kandidater/{c.id}").status_code == 200
    consent = candidates_privacy.active_consents_for(db, candidate_id=c.id, employer_ids=[employer.id])[0]
    r = _post(client, f"{consent_page}/{consent.id}/trekk", {}, consent_page)
    assert r.status_code == 303
    assert "Trukket" in client.get(consent_page).text
    assert anon_client.get(f"/delte-kandidater/{c.id}").status_code == 404
    assert "Ingrid" not in anon_client.get("/delte-kandidater").text
    assert "samtykket er trukket" in client.get(f"/stillinger/{opening.id}/kandidater").text


def test_consent_form_lists_only_the_chosen_employers_openings(client, db):
    specialist, employer, _, _, c = _employer_world(db)
    other = make_employer(db, name="Konkurrent AS")
    own_opening = make_opening(db, employer, title="Baker hos Mjøsbakst")
    other_opening = make_opening(db, other, title="Baker hos konkurrenten")
    db.flush()
    login(client, specialist)
    page = f"/kandidater/{c.id}/samtykke"
    before = client.get(page).text
    assert own_opening.title not in before and other_opening.title not in before
    chosen = _post(client, page, {"employer_id": str(employer.id), "steg": "velg-arbeidsgiver"}, page)
    assert chosen.status_code == 200
    assert own_opening.title in chosen.text and other_opening.title not in chosen.text
    by_query = client.get(f"{page}?employer_id={other.id}").text
    assert other_opening.title in by_query and own_opening.title not in by_query
    # choosing the other employer's opening for this employer is refused beside the field
    r = _post(
        client,
        page,
        {"employer_id": str(employer.id), "opening_id": str(other_opening.id), "named": "1"},
        page,
    )
    assert r.status_code == 422 and "annen arbeidsgiver" in r.text


def test_anonymous_presentation_hides_the_name(client, anon_client, db):
    specialist, employer, employer_user, _, c = _employer_world(db)
    opening = make_opening(db, employer)
    db.flush()
    login(client, specialist)
    page = f"/kandidater/{c.id}/samtykke"
    r = _post(client, page, {"employer_id": str(employer.id), "named": "0"}, page)
    assert r.status_code == 303
    _, shared = _list_and_share(client, db, opening, c)
    assert shared.status_code == 303
    login(anon_client, employer_user)
    detail = anon_client.get(f"/delte-kandidater/{c.id}")
    assert detail.status_code == 200 and "Anonym kandidat" in detail.text and "Bakeriassistent" in detail.text
    assert (
        "Ingrid" not in detail.text and "ingrid@example.no" not in detail.text and MARKER not in detail.text
    )


def _docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_cv_upload_proposes_and_saves_only_what_is_accepted(client, db):
    load_builtin_reference(db)
    office, specialist = _staff(db)
    c = make_candidate(db, office, actor=specialist)
    login(client, specialist)
    up = f"/kandidater/{c.id}/cv/last-opp"
    assert "CV-fil" in client.get(up).text

    # a PNG renamed to .pdf and a PNG named .txt are refused by content
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for name in ("cv.pdf", "cv.txt"):
        r = client.post(
            up, data={"csrf_token": csrf_from(client, up)}, files={"file": (name, png, "application/pdf")}
        )
        assert r.status_code == 422 and _field_error(r.text, "file"), name

    big = b"Arbeidserfaring\n" + b"a" * (5 * 1024 * 1024)
    r = client.post(
        up, data={"csrf_token": csrf_from(client, up)}, files={"file": ("cv.txt", big, "text/plain")}
    )
    assert r.status_code == 422 and "5 MB" in _field_error(r.text, "file")

    content = _docx_bytes(
        [
            "Arbeidserfaring",
            "2019 – nå: Lagermedarbeider, Coop Innlandet",
            "2015 - 2018 Butikkmedarbeider hos Rema 1000",
            "Kurs og sertifikater",
            "Truckførerbevis T1-T4",
            "HMS-kurs",
            "Førerkort klasse B, BE",
            "Språk",
            "Norsk B1, engelsk – flytende",
        ]
    )
    r = client.post(
        up,
        data={"csrf_token": csrf_from(client, up)},
        files={
            "file": (
                "cv.docx",
                content,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
    )
    assert r.status_code == 200, r.text[:500]
    assert 'value="Lagermedarbeider"' in r.text and 'value="Coop Innlandet"' in r.text
    assert 'id="f-lic-BE"' in r.text and 'value="Truckførerbevis"' in r.text and 'value="Norsk"' in r.text
    # nothing saved by the upload itself
    assert (
        db.scalar(select(func.count()).select_from(WorkExperience).where(WorkExperience.candidate_id == c.id))
        == 0
    )
    assert (
        db.scalar(select(func.count()).select_from(LanguageSkill).where(LanguageSkill.candidate_id == c.id))
        == 0
    )

    # accept the first work line (corrected), one language, one certificate, licence B only; a bad date keeps all
    form = {
        "w_count": "2",
        "w-0-take": "1",
        "w-0-title": "Lagerarbeider",
        "w-0-employer": "Coop Innlandet",
        "w-0-start_date": "2019-01-01",
        "w-0-end_date": "",
        "w-0-styrk_code": "9333",
        "w-1-title": "Butikkmedarbeider",
        "w-1-start_date": "2015-01-01",
        "lang_count": "2",
        "lang-0-take": "1",
        "lang-0-language": "Norsk",
        "lang-0-level": "B1",
        "lang-1-language": "Engelsk",
        "lang-1-level": "C1",
        "cert_count": "2",
        "cert-0-take": "1",
        "cert-0-name": "Truckførerbevis",
        "cert-0-kind": "sertifikat",
        "cert-1-name": "HMS-kurs",
        "cert-1-kind": "kurs",
        "lic_offered": "B,BE",
        "lic": "B",
    }
    bad = {**form, "w-0-start_date": "2019-13-45"}
    r = _post(client, f"{up}/lagre", bad, up)
    assert r.status_code == 422 and "dato" in _field_error(r.text, "w-0-start_date")
    assert 'value="2019-13-45"' in r.text and 'value="Lagerarbeider"' in r.text
    assert (
        db.scalar(select(func.count()).select_from(LanguageSkill).where(LanguageSkill.candidate_id == c.id))
        == 0
    )

    r = _post(client, f"{up}/lagre", form, up)
    assert r.status_code == 303
    db.expire_all()
    full = candidates_access.get_candidate(db, actor=specialist, candidate_id=c.id, purpose="test", full=True)
    assert [(w.title, w.styrk_code) for w in full.work_experiences] == [("Lagerarbeider", "9333")]
    assert [(x.language, x.level) for x in full.languages] == [("Norsk", "B1")]
    assert [x.name for x in full.certificates] == ["Truckførerbevis"]
    assert full.driving_licences == ["B"]


def test_innsyn_page_json_and_erasure(client, db):
    office, specialist = _staff(db)
    c = make_candidate(db, office, actor=specialist, first_name="Tore", email="tore@example.no")
    candidates_profile.set_needs(
        db, actor=specialist, candidate_id=c.id, data={"needs_fysisk": ["TUNGE_LØFT"], "needs_note": "rygg"}
    )
    db.flush()
    login(client, specialist)
    page = client.get(f"/kandidater/{c.id}/innsyn")
    assert page.status_code == 200 and "tore@example.no" in page.text
    assert (
        "Unngå tunge løft" in page.text and "TUNGE_LØFT" not in page.text
    )  # the page shows labels, the JSON codes
    assert "Tilgangslogg" in page.text
    download = client.get(f"/kandidater/{c.id}/innsyn.json")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    data = json.loads(download.text)
    assert data["candidate"]["email"] == "tore@example.no" and data["situation"]["needs_fysisk"] == [
        "TUNGE_LØFT"
    ]

    erase = f"/kandidater/{c.id}/slett"
    r = _post(client, erase, {"reason": "ønsket av kandidaten"}, erase)
    assert r.status_code == 422 and "Bekreft" in _field_error(r.text, "confirm")
    assert db.get(Candidate, c.id) is not None
    r = _post(client, erase, {"confirm": "1", "reason": "ønsket av kandidaten"}, erase)
    assert r.status_code == 303 and r.headers["location"] == "/kandidater"
    listing = client.get("/kandidater")
    assert "er slettet" in listing.text and "Tore" not in listing.text
    cid = int(erase.split("/")[2])
    db.expire_all()
    assert db.scalar(select(Candidate).where(Candidate.id == cid)) is None
    assert client.get(f"/kandidater/{cid}").status_code == 404


def test_nav_has_shared_candidates_for_employers_only(client, anon_client, db):
    _, specialist = _staff(db)
    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    login(client, specialist)
    login(anon_client, employer_user)
    assert 'href="/delte-kandidater"' in anon_client.get("/").text
    assert 'href="/delte-kandidater"' not in client.get("/").text
    assert anon_client.get("/kandidater").status_code == 403


def test_share_chosen_entries_from_the_list_page(client, anon_client, db):
    specialist, employer, employer_user, _, c = _employer_world(db)
    second = make_candidate(db, _office_of(db, c), actor=specialist, first_name="Olav")
    opening = make_opening(db, employer, title="Baker")
    candidates_privacy.give_consent(
        db, actor=specialist, candidate_id=c.id, employer_id=employer.id, named=True
    )
    db.flush()
    login(client, specialist)
    listing = f"/stillinger/{opening.id}/kandidater"
    for person in (c, second):
        _post(client, listing, {"candidate_id": str(person.id)}, listing)
    page = client.get(listing).text
    entry_ids = re.findall(r'name="entry_id" value="(\d+)" form="del-valgte"', page)
    assert len(entry_ids) == 2 and "Del valgte med arbeidsgiver" in page
    r = client.post(
        f"/stillinger/{opening.id}/kandidater/del",
        data={"entry_id": entry_ids, "csrf_token": csrf_from(client, listing)},
    )
    assert r.status_code == 303
    after = client.get(r.headers["location"]).text
    assert "1 delt, 1 ikke delt" in after and "samtykket" in after
    login(anon_client, employer_user)
    shared = anon_client.get("/delte-kandidater").text
    assert "Ingrid Bakke" in shared and "Olav" not in shared


def _office_of(db, c):
    from core.models import Office

    return db.get(Office, c.office_id)
