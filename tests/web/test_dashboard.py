"""The dashboard's panels read only what they show (one query each, plain rows): their counts and first rows must
equal the full lists they summarise, under the same access rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select

from candidates import service_privacy as candidates_privacy
from candidates.models import Candidate
from core import notifications
from core.audit import AuditEntry
from core.formatting import today_in_oslo
from core.models import User
from employers import service as employers_service
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from followup import service as followup_service
from followup import service_records as followup_records
from recruitment import service as recruitment_service
from tests.factories import (
    found,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)

TODAY = today_in_oslo()
WEDNESDAY = dt.date(2026, 3, 11)


def _big_numbers(html: str) -> dict[str, str]:
    """Panel title → the number it shows."""
    found = re.findall(r'<h2 id="[^"]*">([^<]+)</h2>\s*<p class="big-number">(\d+)</p>', html)
    return dict(found)


def _log_step(db, actor, employer, due, step, owner=None):
    return employers_contacts.log_contact(
        db,
        actor=actor,
        employer_id=employer.id,
        date=WEDNESDAY - dt.timedelta(days=20),
        type="møte",
        summary="Møte",
        next_step=step,
        next_step_due=due,
        next_step_owner_id=owner.id if owner else None,
    )


def test_next_step_panels_equal_the_lists(db):
    me = make_user(db, "markedskontakt")
    colleague = make_user(db, "markedskontakt", office=me.office)
    a, b = make_employer(db, name="Alfa AS"), make_employer(db, name="Beta AS")
    # seven this week (more than a panel shows, ties on the date broken by name, then by id), three overdue
    for days, employer in [(0, b), (0, a), (1, a), (2, b), (2, a), (3, a), (4, b)]:
        _log_step(db, me, employer, WEDNESDAY + dt.timedelta(days=days), f"Steg {days} {employer.name}")
    for days in (1, 8, 30):
        _log_step(db, me, a, WEDNESDAY - dt.timedelta(days=days), f"For sent {days}")
    _log_step(db, me, b, WEDNESDAY + dt.timedelta(days=5), "Neste uke")
    _log_step(db, me, b, WEDNESDAY, "Kollegas", owner=colleague)
    done = _log_step(db, me, b, WEDNESDAY, "Ferdig")
    employers_contacts.complete_next_step(db, actor=me, contact_id=done.id)

    panels = employers_contacts.next_steps_panels(db, actor=me, today=WEDNESDAY, owner_id=me.id)
    week = employers_contacts.next_steps_due_this_week(db, actor=me, today=WEDNESDAY, owner_id=me.id)
    overdue = employers_contacts.overdue_next_steps(db, actor=me, today=WEDNESDAY, owner_id=me.id)
    for panel, full in ((panels["week"], week), (panels["overdue"], overdue)):
        assert panel.count == len(full)
        assert [(s.employer_id, s.employer_name, s.next_step, s.next_step_due) for s in panel.items] == [
            (c.employer_id, c.employer.name, c.next_step, c.next_step_due) for c in full[:5]
        ]
    assert (panels["week"].count, panels["overdue"].count) == (7, 3)
    nobody = employers_contacts.next_steps_panels(db, actor=colleague, today=WEDNESDAY, owner_id=-1)
    assert nobody["week"] == nobody["overdue"] == employers_contacts.NextStepsPanel(0, [])


def test_markedskontakt_dashboard_counts(client, db):
    me = make_user(db, "markedskontakt")
    make_candidate(db, me.office, actor=me)
    make_candidate(db, make_office(db))  # another office's: not counted
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    make_opening(db, employer, actor=boss, title="Kokk")  # waits for approval
    make_opening(db, employer)  # a draft by staff: no approval needed
    _log_step(db, me, employer, TODAY, "Ringe i dag")
    _log_step(db, me, employer, TODAY - dt.timedelta(days=2), "Sende avtale")

    login(client, me)
    page = client.get("/")
    assert page.status_code == 200
    numbers = _big_numbers(page.text)
    assert numbers["Kandidater ved kontoret"] == "1"
    assert numbers["Arbeidsgivere"] == str(len(employers_service.list_employers(db, actor=me, limit=1000)[0]))
    assert numbers["Nye stillinger til godkjenning"] == str(
        len(employers_openings.approval_queue(db, actor=me))
    )
    assert numbers["Nye stillinger til godkjenning"] == "1"
    assert numbers["Neste steg denne uken"] == "1" and numbers["Forfalte neste steg"] == "1"
    assert "Ringe i dag" in page.text and "Sende avtale" in page.text and employer.name in page.text


def test_overdue_panel_equals_the_caseload(db):
    office = make_office(db)
    me = make_user(db, "jobbspesialist", office=office)
    colleague = make_user(db, "jobbspesialist", office=office)
    start = TODAY - dt.timedelta(days=400)  # the first contact and a year of progress reports are overdue
    records = [make_followup_record(db, office, me, start_date=start, today=TODAY) for _ in range(3)]
    make_followup_record(db, office, colleague, start_date=start, today=TODAY)  # not my caseload
    # a passive period pauses what falls due inside it; an item done by hand is no longer open; an ended record
    # is no one's caseload
    followup_records.add_passive_period(
        db,
        actor=me,
        record=records[0],
        from_date=start + dt.timedelta(days=60),
        to_date=start + dt.timedelta(days=200),
        reason="Sykdom",
    )
    done = next(
        d for d in followup_service.caseload_items(db, actor=me, today=TODAY) if d.record_id == records[1].id
    )
    followup_records.complete_plan_item(db, actor=me, record=records[1], item_id=done.item_id, done_on=TODAY)
    followup_records.end_record(db, actor=me, record=records[2], end_date=TODAY, cause="annet")

    expected = sorted(
        (d for d in followup_service.caseload_items(db, actor=me, today=TODAY) if d.state == "forfalt"),
        key=lambda d: (d.due_date, d.item_id),
    )
    names = followup_records.candidate_refs(db, actor=me, ids=[d.candidate_id for d in expected])
    panel = followup_service.dashboard_overdue(db, actor=me, today=TODAY)
    assert panel["count"] == len(expected) > 5
    assert panel["items"] == [
        {
            "name": names[d.candidate_id].name,
            "label": d.label,
            "due_date": d.due_date,
            "days_overdue": d.days_overdue,
            "href": f"/oppfolging/{d.record_id}",
        }
        for d in expected[:5]
    ]
    assert {d.record_id for d in expected} == {records[0].id, records[1].id}
    assert done.item_id not in {d.item_id for d in expected}
    assert followup_service.dashboard_overdue(db, actor=colleague, today=TODAY)["count"] > 0
    stranger = make_user(db, "jobbspesialist", office=make_office(db))
    assert followup_service.dashboard_overdue(db, actor=stranger, today=TODAY) == {
        "count": 0,
        "items": [],
        "href": "/oppfolging",
    }


def test_counts_are_per_user_office(client, db):
    """The counts query is kept per user: each job specialist sees their own office's candidates (an admin all)."""
    one, two = make_office(db), make_office(db)
    for _ in range(2):
        make_candidate(db, one)
    make_candidate(db, two)
    for office, expected in ((one, "2"), (two, "1")):
        client.cookies.clear()
        login(client, make_user(db, "jobbspesialist", office=office))
        page = client.get("/")
        assert _big_numbers(page.text)["Kandidater ved kontoret"] == expected
        assert "Forfalte oppfølgingskontakter" in page.text
    client.cookies.clear()
    login(client, make_user(db, "admin"))
    numbers = _big_numbers(client.get("/").text)
    assert numbers["Brukere"] == str(db.scalar(select(func.count()).select_from(User)))
    assert numbers["Kandidater"] == str(db.scalar(select(func.count()).select_from(Candidate)))


def test_employer_columns_equal_the_list(db):
    """The JSON list's plain rows are the page's rows, in its order, for staff and for an employer user."""
    staff = make_user(db, "markedskontakt")
    names = ["Cafe Sentrum AS", "Bakeri Nord AS", "Apotek Sør", "Bakeri Sør AS", "Verksted AS"]
    employers = [make_employer(db, name=n) for n in names]
    employers_service.update_employer(db, actor=staff, employer_id=employers[1].id, status="aktiv")
    employers_service.update_employer(db, actor=staff, employer_id=employers[3].id, municipality_code="0301")
    employers_contacts.log_contact(
        db, actor=staff, employer_id=employers[2].id, date=WEDNESDAY, type="møte", summary="Møte"
    )
    boss = make_user(db, "arbeidsgiver", employer=employers[4])
    columns = ("id", "orgnr", "name", "status", "municipality_code", "responsible_user_id")
    searches: list[dict[str, Any]] = [
        {},
        {"q": "bakeri"},
        {"q": employers[0].orgnr},
        {"status": "aktiv"},
        {"municipality_code": "0301"},
        {"mine": True},
        {"sort": "kontakt"},
        {"sort": "nyeste", "limit": 2, "offset": 1},
        {"sort": "status"},
        {"sort": "ukjent"},
        {"offset": 10_000},
    ]
    for actor in (staff, boss):
        for search in searches:
            kw: dict[str, Any] = {"limit": 1000, **search}
            rows, _total = employers_service.list_employers(db, actor=actor, **kw)
            plain = employers_service.list_employer_columns(db, actor=actor, columns=columns, **kw)
            assert plain == [{c: getattr(r.employer, c) for c in columns} for r in rows], (actor.role, search)
    assert [r["id"] for r in employers_service.list_employer_columns(db, actor=boss, columns=("id",))] == [
        employers[4].id
    ]


def test_employer_dashboard_counts_what_its_lists_show(client, db):
    """The employer's panels: «Kandidater delt med dere» counts the «Delte kandidater» list (it said nothing was
    shared while the list held 12), «Stillinger» the openings list."""
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    other = make_employer(db)
    people = [make_candidate(db, office, actor=js) for _ in range(4)]
    kokk = employers_openings.create_opening(db, actor=js, employer_id=employer.id, title="Kokk")
    for person, named in ((people[0], True), (people[1], False), (people[3], True)):
        candidates_privacy.give_consent(
            db, actor=js, candidate_id=person.id, employer_id=employer.id, named=named
        )
    candidates_privacy.give_consent(db, actor=js, candidate_id=people[2].id, employer_id=other.id)
    for person in people[
        :2
    ]:  # consent permits; sharing from the candidate list is the act (people[3]: not shared)
        entry = recruitment_service.add_candidate(db, actor=js, opening_id=kokk.id, candidate_id=person.id)
        recruitment_service.share_with_employer(db, actor=js, entry_id=entry.id)
    db.flush()

    login(client, boss)
    page = client.get("/").text
    numbers = _big_numbers(page)
    listed = client.get("/delte-kandidater").text
    rows = re.findall(r'<a href="/delte-kandidater/(\d+)"', listed)
    assert numbers["Kandidater delt med dere"] == str(len(rows)) == "2"
    assert (
        f"{people[0].first_name} {people[0].last_name}" in page
        and f"Anonym kandidat nr. {people[1].id}" in page
    )
    assert str(people[2].id) not in re.findall(r"/delte-kandidater/(\d+)", page)
    assert str(people[3].id) not in re.findall(r"/delte-kandidater/(\d+)", page)  # consented, never shared
    assert numbers["Stillinger"] == "1"


def test_employer_dashboard_counts_every_shared_candidate_and_reads_only_those_it_shows(client, db):
    """Seven shared: the panel says 7, names the first five, and the audit log has the five it showed (the list
    page, all seven)."""
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    kokk = employers_openings.create_opening(db, actor=js, employer_id=employer.id, title="Kokk")
    people = [make_candidate(db, office, actor=js) for _ in range(7)]
    for person in people:
        candidates_privacy.give_consent(db, actor=js, candidate_id=person.id, employer_id=employer.id)
        entry = recruitment_service.add_candidate(db, actor=js, opening_id=kokk.id, candidate_id=person.id)
        recruitment_service.share_with_employer(db, actor=js, entry_id=entry.id)
    db.flush()

    def listed_reads() -> list[str]:
        return list(
            db.scalars(
                select(AuditEntry.subject_id).where(
                    AuditEntry.actor_id == boss.id,
                    AuditEntry.purpose == "arbeidsgiver: delte kandidater (liste)",
                )
            )
        )

    login(client, boss)
    page = client.get("/").text
    assert _big_numbers(page)["Kandidater delt med dere"] == "7"
    shown = re.findall(r'<a href="/delte-kandidater/(\d+)"', page)
    assert shown == [str(p.id) for p in sorted(people, key=lambda p: p.id)[:5]]
    assert sorted(listed_reads()) == sorted(shown)
    listed = re.findall(r'<a href="/delte-kandidater/(\d+)"', client.get("/delte-kandidater").text)
    assert sorted(listed, key=int) == sorted((str(p.id) for p in people), key=int)
    assert len(listed_reads()) == 5 + 7


def test_new_matches_panel_shows_the_unread_digest(client, db):
    office = make_office(db)
    me = make_user(db, "jobbspesialist", office=office)
    login(client, me)
    assert "Ingen nye treff siden sist." in client.get("/").text
    note = notifications.notify(
        db,
        user_id=me.id,
        kind="nye_treff",
        title="Nye sterke treff: 1 kandidat og 2 stillinger",
        body="Kari Nordmann: «Baker» hos Fjellbakeriet AS (95 %); «Kokk» hos Fjellbakeriet AS (90 %)",
        dedupe_key="test-treff",
    )
    db.flush()
    page = client.get("/").text
    assert (
        "Nye sterke treff: 1 kandidat og 2 stillinger" in page and "Ingen nye treff siden sist." not in page
    )
    assert "<li>Kari Nordmann: «Baker» hos Fjellbakeriet AS (95 %)" in page
    assert note is not None
    notifications.mark_read(db, actor=me, notification_id=note.id)
    db.flush()
    assert "Ingen nye treff siden sist." in client.get("/").text


def test_staff_dashboard_numbers_equal_the_totals_of_the_lists_they_link_to(client, db):
    """Each big number with a «Se alle» link is the total the linked list shows, for each staff role."""
    office = make_office(db)
    for _ in range(3):
        make_candidate(db, office)
    make_candidate(db, make_office(db))
    for _ in range(2):
        make_employer(db)
    for role in ("jobbspesialist", "veileder", "markedskontakt", "admin"):
        client.cookies.clear()
        login(client, make_user(db, role, office=None if role == "admin" else office))
        page = client.get("/").text
        numbers = _big_numbers(page)
        candidates_title = "Kandidater" if role == "admin" else "Kandidater ved kontoret"
        listed = found(
            r"<caption>Kandidater ved [^<]*\((\d+) treff\)</caption>", client.get("/kandidater").text
        )
        assert numbers[candidates_title] == listed, role
        employers_listed = found(
            r"<caption>Arbeidsgivere \((\d+)\)</caption>", client.get("/arbeidsgivere").text
        )
        assert numbers["Arbeidsgivere"] == employers_listed, role
