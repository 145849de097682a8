"""Follow-up pages: enrol, contacts, placements, overdue first, reports equal to a direct database count,
and employer users see none of it except the contacts they took part in."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.formatting import today_in_oslo
from followup import service
from followup import service_placements as followup_placements
from followup import service_records as followup_records
from followup import service_reports as followup_reports
from followup.models import FollowupContact, FollowupRecord, Placement
from tests.factories import (
    csrf_from,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_user,
)

TODAY = today_in_oslo()


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def test_enrol_contact_placement_flow(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    candidate = make_candidate(db, office, actor=spec)
    login(client, spec)

    page = client.get("/oppfolging")
    assert page.status_code == 200 and "Skriv inn en kandidat" in page.text
    start = (TODAY - dt.timedelta(days=40)).isoformat()
    bad = _post(
        client,
        "/oppfolging",
        {
            "candidate_id": str(candidate.id),
            "service": "ips",
            "referral_date": start,
            "start_date": "31.02.2026",
        },
        "/oppfolging",
    )
    assert bad.status_code == 422 and "Ugyldig dato" in bad.text and 'value="31.02.2026"' in bad.text
    r = _post(
        client,
        "/oppfolging",
        {
            "candidate_id": str(candidate.id),
            "service": "ips",
            "goal": "arbeid",
            "referral_date": start,
            "start_date": start,
            "specialist_id": str(spec.id),
            "out_of_work_at_intake": "1",
        },
        "/oppfolging",
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    record_id = int(url.rsplit("/", 1)[1])

    # 40 days in and no employer contact: the first-employer-contact duty is overdue, listed first
    page = client.get("/oppfolging")
    assert "Forfalte oppfølgingskontakter (1)" in page.text
    assert "Første arbeidsgiverkontakt" in page.text

    r = _post(
        client,
        f"{url}/kontakt",
        {
            "k_date": TODAY.isoformat(),
            "k_with_whom": "arbeidsgiver",
            "k_mode": "arbeidsplassen",
            "k_duration_minutes": "30",
            "k_content": "Møte om praksis",
        },
        url,
    )
    assert r.status_code == 422 and "Velg arbeidsgiveren" in r.text and "Møte om praksis" in r.text
    r = _post(
        client,
        f"{url}/kontakt",
        {
            "k_date": TODAY.isoformat(),
            "k_with_whom": "arbeidsgiver",
            "k_employer_id": str(employer.id),
            "k_mode": "arbeidsplassen",
            "k_duration_minutes": "30",
            "k_content": "Møte om jobb",
        },
        url,
    )
    assert r.status_code == 303
    r = _post(
        client,
        f"{url}/arbeidsforhold",
        {
            "p_type": "ordinaer",
            "p_employer_id": str(employer.id),
            "p_title": "Lagermedarbeider",
            "p_start_date": TODAY.isoformat(),
            "p_percent": "30",
        },
        url,
    )
    assert r.status_code == 303, r.text
    page = client.get(url)
    assert "Lagermedarbeider" in page.text and "30 %" in page.text and "I jobb" in page.text
    assert "Ukentlig oppfølging" in page.text
    placement = db.scalar(select(Placement).where(Placement.record_id == record_id))
    assert placement.percent == 30 and placement.hours_per_week == 11.2
    r = _post(
        client,
        f"{url}/arbeidsforhold/{placement.id}/endring",
        {f"c{placement.id}_changed_on": TODAY.isoformat(), f"c{placement.id}_percent": "40"},
        url,
    )
    assert r.status_code == 303
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.subject_type == "followup_record",
                AuditEntry.action == "read",
                AuditEntry.subject_id == str(record_id),
            )
        )
        >= 1
    )


def test_reports_match_a_direct_count_and_csv(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    for i in range(3):
        start = TODAY - dt.timedelta(days=100 + i * 20)
        rec = make_followup_record(db, office, spec, start_date=start, today=start)
        followup_placements.start_placement(
            db,
            actor=spec,
            record=rec,
            type="ordinaer",
            start_date=start + dt.timedelta(days=30),
            percent=20 + 10 * i,
            employer_id=employer.id,
            title=f"Jobb {i}",
            today=start + dt.timedelta(days=30),
        )
    other_office = make_office(db)
    other_spec = make_user(db, "jobbspesialist", office=other_office)
    rec = make_followup_record(
        db,
        other_office,
        other_spec,
        start_date=TODAY - dt.timedelta(days=50),
        today=TODAY - dt.timedelta(days=50),
    )
    followup_placements.start_placement(
        db,
        actor=other_spec,
        record=rec,
        type="ordinaer",
        start_date=TODAY - dt.timedelta(days=10),
        percent=50,
        employer_id=employer.id,
        today=TODAY,
    )
    db.flush()
    date_from, date_to = followup_reports.default_period(TODAY)
    expected = db.scalar(
        select(func.count())
        .select_from(Placement)
        .join(FollowupRecord, FollowupRecord.id == Placement.record_id)
        .where(
            FollowupRecord.office_id == office.id,
            Placement.start_date >= date_from,
            Placement.start_date <= date_to,
            Placement.type.in_(("ordinaer", "lonnstilskudd", "arbeidstrening", "laerling")),
        )
    )
    assert expected == 3
    login(client, spec)
    page = client.get("/oppfolging/rapporter")
    assert page.status_code == 200
    starts = re.search(r'<dd id="job-starts">(\d+)</dd>', page.text)
    assert starts is not None and starts.group(1) == str(expected)
    assert (
        "<svg" in page.text
        and "<title" in page.text
        and "<desc" in page.text
        and "<script" not in _svgs(page.text)
    )
    csv_text = client.get("/oppfolging/rapporter.csv?tabell=jobbstarter").text
    assert csv_text.startswith("maaned,jobbstarter")
    assert sum(int(line.split(",")[1]) for line in csv_text.strip().splitlines()[1:]) == expected
    assert client.get("/oppfolging/rapporter?fra=2026-13-01").status_code == 422
    fid = client.get("/oppfolging/kvalitet")
    assert fid.status_code == 200 and "Saksmengde" in fid.text
    data = {f"item_{i}": "4" for i in range(1, 26)} | {"review_date": TODAY.isoformat()}
    r = _post(client, "/oppfolging/kvalitet", data, "/oppfolging/kvalitet")
    assert r.status_code == 303
    assert "100" in client.get("/oppfolging/kvalitet").text


def test_other_office_gets_404_and_employer_users_see_only_their_contacts(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    outsider = make_user(db, "arbeidsgiver", employer=make_employer(db))
    rec = make_followup_record(db, office, spec, start_date=TODAY - dt.timedelta(days=10), today=TODAY)
    followup_records.log_contact(
        db,
        actor=spec,
        record=rec,
        date=TODAY,
        with_whom="arbeidsgiver",
        mode="arbeidsplassen",
        employer_id=employer.id,
        employer_user_id=boss.id,
        content="Oppstartsmøte med leder",
    )
    followup_records.log_contact(
        db,
        actor=spec,
        record=rec,
        date=TODAY,
        with_whom="person",
        mode="samfunnet",
        content="Hemmelig samtale om helse",
    )
    db.flush()
    assert (
        db.scalar(select(func.count()).select_from(followup_records.readable_contacts(boss).subquery())) == 1
    )
    assert (
        db.scalar(select(func.count()).select_from(followup_records.readable_records(boss).subquery())) == 0
    )

    login(client, boss)
    assert client.get(f"/oppfolging/{rec.id}").status_code == 403
    assert client.get("/oppfolging").status_code == 403
    assert client.get("/oppfolging/rapporter").status_code == 403
    page = client.get("/oppfolging/kontakter")
    # the meeting they took part in, never the job specialist's note about it
    assert "Kontakter (1)" in page.text and TODAY.strftime("%d.%m.%Y") in page.text
    assert "Oppstartsmøte med leder" not in page.text and "Hemmelig" not in page.text

    client.cookies.clear()
    login(client, outsider)
    assert "Oppstartsmøte" not in client.get("/oppfolging/kontakter").text

    client.cookies.clear()
    stranger = make_user(db, "jobbspesialist", office=make_office(db))
    login(client, stranger)
    assert client.get(f"/oppfolging/{rec.id}").status_code == 404
    assert db.scalar(select(func.count()).select_from(FollowupContact)) >= 2


def test_dashboard_helper_counts_overdue(db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    make_followup_record(
        db, office, spec, start_date=TODAY - dt.timedelta(days=45), today=TODAY - dt.timedelta(days=45)
    )
    panel = service.dashboard_overdue(db, actor=spec, today=TODAY)
    assert panel["count"] == 1 and panel["items"][0]["href"].startswith("/oppfolging/")


def _svgs(html: str) -> str:
    """The charts' own markup (the page around them may load the typeahead script; the charts need none)."""
    return "".join(part.split("</svg>", 1)[0] for part in html.split("<svg")[1:])


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="e-{re.escape(field)}">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_a_contact_form_shows_every_error_at_once_with_the_values_kept(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    record = make_followup_record(db, office, spec, start_date=TODAY - dt.timedelta(days=30))
    login(client, spec)
    url = f"/oppfolging/{record.id}"
    r = _post(
        client,
        f"{url}/kontakt",
        {
            "k_date": "31.02.2026",
            "k_with_whom": "arbeidsgiver",
            "k_mode": "",
            "k_duration_minutes": "en halvtime",
            "k_content": "Møte om praksis",
        },
        url,
    )
    assert r.status_code == 422
    assert "Ugyldig dato" in _field_error(r.text, "k_date")
    assert "kontaktform" in _field_error(r.text, "k_mode")
    assert "minutter" in _field_error(r.text, "k_duration_minutes")
    assert "Velg arbeidsgiveren" in _field_error(r.text, "k_employer_id")
    assert 'value="31.02.2026"' in r.text and 'value="en halvtime"' in r.text and "Møte om praksis" in r.text
    assert db.scalar(select(func.count()).where(FollowupContact.record_id == record.id)) == 0
