"""The plan as one read model: goals and "Mitt mål" with history; what follow-up, recruitment and praksisplasser
already know shown as cards (an IPS job start as IJOBB, a shared candidate as STILLING_FRA_NAV, tiltak as
EKSTERNAKTIVITET) and the IPS plan's items as deadlines; and who may read and change it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from core.audit import AuditEntry
from core.errors import AccessDenied, Conflict, Forbidden, NotFound, ValidationFailed
from employers import service_praksis as employers_praksis
from followup import service_placements as followup_placements
from followup import service_records as followup_records
from plans import service as ps
from plans import service_activities as plans_activities
from plans import service_feed as plans_feed
from plans import service_periods as plans_periods
from recruitment import service as rs
from tests.factories import (
    make_candidate,
    make_employer,
    make_followup_record,
    make_opening,
    make_praksisplass,
    make_user,
)
from tests.plans.conftest import TODAY, egen

# --- goals ---------------------------------------------------------------------------------------------------


def test_mitt_mal_is_1_to_500_characters_with_its_history(db, world):
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(ValidationFailed) as exc:
            plans_periods.set_goal(db, actor=world.js, candidate_id=world.candidate.id, text=bad)
        assert exc.value.field == "text"
    first = plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, text="Jobbe i barnehage", written_by="BRUKER"
    )
    second = plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, text="Jobbe i barnehage, 60 %"
    )
    again = plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, text="Jobbe i barnehage, 60 %"
    )
    assert again is second
    assert first is not None and second is not None
    history = plans_periods.goal_history(db, period_id=first.period_id)
    assert [(g.text, g.written_by_type) for g in history] == [
        ("Jobbe i barnehage, 60 %", "NAV"),
        ("Jobbe i barnehage", "BRUKER"),
    ]
    assert first.superseded_at is not None and second.superseded_at is None
    assert plans_periods.current_goals(db, period_id=first.period_id)[None].text == "Jobbe i barnehage, 60 %"


def test_goals_per_life_area(db, world):
    plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, life_area="BOLIG", text="Egen leilighet"
    )
    plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, life_area="OKONOMI", text="Betale ned gjeld"
    )
    with pytest.raises(ValidationFailed):
        plans_periods.set_goal(
            db, actor=world.js, candidate_id=world.candidate.id, life_area="FERIE", text="Sol"
        )
    removed = plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, life_area="OKONOMI", text=""
    )
    assert removed is not None  # a removed goal is a row with no text
    plan = ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    assert {k: g.text for k, g in plan.goals.items()} == {"BOLIG": "Egen leilighet"}
    assert [
        g.text for g in plans_periods.goal_history(db, period_id=removed.period_id, life_area="OKONOMI")
    ] == [
        "",
        "Betale ned gjeld",
    ]


def test_the_arbeid_goal_shows_the_jobbprofil_occupations(db, world):
    candidates_profile.set_job_profile(
        db, actor=world.js, candidate_id=world.candidate.id, data={"wanted_styrk": ["5311"]}
    )
    plan = ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    assert [code for code, _ in plan.wanted_occupations] == ["5311"]


# --- cards from other domains --------------------------------------------------------------------------------


def test_an_ips_job_start_shows_as_an_ijobb_activity_with_its_deadlines(db, world):
    employer = make_employer(db)
    record = make_followup_record(
        db, world.office, world.js, world.candidate, start_date=TODAY - dt.timedelta(days=40), today=TODAY
    )
    placement = followup_placements.start_placement(
        db,
        actor=world.js,
        record=record,
        type="ordinaer",
        start_date=TODAY - dt.timedelta(days=5),
        percent=60,
        hours_per_week=22.5,
        employer_id=employer.id,
        title="Barnehageassistent",
    )
    measure = followup_records.add_measure(
        db,
        actor=world.js,
        record=record,
        kind="midlertidig_lonnstilskudd",
        start_date=TODAY - dt.timedelta(days=5),
        end_date=TODAY + dt.timedelta(days=180),
        placement_id=placement.id,
    )
    plan = ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    cards = {c.key: c for c in plan.cards}
    job = cards[f"ips-jobb:{placement.id}"]
    assert (job.type, job.status, job.title, job.life_area, job.read_only) == (
        "IJOBB",
        "GJENNOMFORES",
        "Barnehageassistent",
        "ARBEID",
        True,
    )
    assert ("Heltid eller deltid", "Deltid") in job.facts and ("Arbeidsgiver", employer.name) in job.facts
    assert job.deadlines, "the job start's contact windows are deadlines of the job card"
    tiltak = cards[f"tiltak:{measure.id}"]
    assert (tiltak.type, tiltak.kort_type) == ("EKSTERNAKTIVITET", "MIDLERTIDIG_LONNSTILSKUDD")
    assert any(d.label for d in tiltak.deadlines)  # the measure's end is warned about in the same plan
    assert all(card.status in ps_statuses() for card in plan.cards)


def ps_statuses() -> tuple[str, ...]:
    from plans.models import STATUSES

    return tuple(STATUSES)


def test_a_shared_candidate_list_entry_shows_as_stilling_fra_nav_with_its_status(db, world):
    mk = make_user(db, "markedskontakt", office=world.office)
    employer = make_employer(db, actor=mk)
    opening = make_opening(db, employer, actor=mk, title="Lagermedarbeider")
    entry = rs.add_candidate(db, actor=mk, opening_id=opening.id, candidate_id=world.candidate.id)
    plan = ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    assert not [c for c in plan.cards if c.type == "STILLING_FRA_NAV"], "not shared: not in the plan"
    candidates_privacy.give_consent(db, actor=mk, candidate_id=world.candidate.id, employer_id=employer.id)
    rs.share_with_employer(db, actor=mk, entry_id=entry.id)
    card = next(
        c
        for c in ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id).cards
        if c.type == "STILLING_FRA_NAV"
    )
    assert (card.key, card.soknadsstatus, card.status) == (
        f"kandidatliste:{entry.id}",
        "CV_DELT",
        "GJENNOMFORES",
    )
    rs.set_status(db, actor=mk, entry_id=entry.id, status="TIL_INTERVJU")
    card = next(
        c
        for c in ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id).cards
        if c.type == "STILLING_FRA_NAV"
    )
    assert card.soknadsstatus == "SKAL_PAA_INTERVJU"


@pytest.mark.parametrize(
    ("status", "outcome", "answer", "expected"),
    [
        ("VURDERES", "PRESENTERT", None, "CV_DELT"),
        ("TIL_INTERVJU", "PRESENTERT", None, "SKAL_PAA_INTERVJU"),
        ("AKTUELL", "PRESENTERT", "intervju", "SKAL_PAA_INTERVJU"),
        ("UAKTUELL", "PRESENTERT", None, "IKKE_FATT_JOBBEN"),
        ("AKTUELL", "PRESENTERT", "ikke aktuell", "AVSLAG"),
        ("AKTUELL", "FATT_JOBBEN", None, "FATT_JOBBEN"),
        ("AKTUELL", "PRESENTERT", "ansatt", "FATT_JOBBEN"),
    ],
)
def test_soknadsstatus_from_the_candidate_list(status, outcome, answer, expected):
    assert plans_feed.soknadsstatus_for(status, outcome, answer) == expected


def test_a_praksisplass_shows_as_arbeidstrening(db, world):
    employer = make_employer(db)
    place = make_praksisplass(db, employer, actor=world.js, title="Praksis i butikk")
    employers_praksis.add_occupant(
        db, actor=world.js, praksisplass_id=place.id, start_date=TODAY, candidate_ref=world.candidate.id
    )
    card = next(
        c
        for c in ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id).cards
        if c.key.startswith("praksis:")
    )
    assert (card.type, card.kort_type, card.title) == (
        "EKSTERNAKTIVITET",
        "ARBEIDSTRENING",
        "Praksisplass: Praksis i butikk",
    )


def test_stored_and_derived_cards_share_the_five_columns(db, world):
    plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    plan = ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    assert [label for _, label, _ in plan.columns] == [
        "Forslag",
        "Planlegger",
        "Gjennomfører",
        "Fullført",
        "Avbrutt",
    ]
    assert [c.title for _, _, cards in plan.columns for c in cards] == ["Lage CV"]


# --- access --------------------------------------------------------------------------------------------------


def test_another_offices_job_specialist_gets_not_found(db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    other = make_user(db, "jobbspesialist")
    with pytest.raises(AccessDenied):
        ps.get_plan(db, actor=other, candidate_id=world.candidate.id)
    with pytest.raises(AccessDenied):
        plans_activities.get_activity(db, actor=other, activity_id=a.id, purpose="test")
    with pytest.raises(AccessDenied):
        plans_activities.change_status(db, actor=other, activity_id=a.id, status="GJENNOMFORES")
    with pytest.raises(AccessDenied):
        plans_activities.create_activity(db, actor=other, candidate_id=world.candidate.id, data=egen())


def test_a_market_contact_of_the_office_and_the_admin_do_not_read_the_plan(db, world):
    mk = make_user(db, "markedskontakt", office=world.office)
    admin = make_user(db, "admin")
    for reader in (mk, admin):
        with pytest.raises(AccessDenied):
            ps.get_plan(db, actor=reader, candidate_id=world.candidate.id)


def test_an_employer_user_never_reaches_a_plan(db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    with pytest.raises(AccessDenied):
        ps.get_plan(db, actor=employer_user, candidate_id=world.candidate.id)
    with pytest.raises(AccessDenied):
        plans_activities.get_activity(db, actor=employer_user, activity_id=a.id, purpose="test")
    with pytest.raises((Forbidden, AccessDenied)):
        plans_activities.create_activity(
            db, actor=employer_user, candidate_id=world.candidate.id, data=egen()
        )
    with pytest.raises((Forbidden, AccessDenied)):
        plans_periods.set_goal(db, actor=employer_user, candidate_id=world.candidate.id, text="Hei")


def test_every_read_of_a_plan_is_audit_logged(db, world):
    a = plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=egen())
    db.flush()
    ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id)
    plans_activities.history(db, actor=world.js, activity_id=a.id)
    db.flush()
    rows = db.scalars(
        select(AuditEntry).where(
            AuditEntry.actor_id == world.js.id,
            AuditEntry.action == "read",
            AuditEntry.subject_type == "candidate",
            AuditEntry.subject_id == str(world.candidate.id),
        )
    ).all()
    assert rows and all("plan" in r.purpose for r in rows)


def test_no_plan_without_a_period(db):
    from tests.factories import make_office

    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    person = make_candidate(db, office, actor=js)
    plan = ps.get_plan(db, actor=js, candidate_id=person.id)
    assert plan.period is None and plan.cards == [] and not plan.editable
    with pytest.raises(Conflict):
        plans_periods.set_goal(db, actor=js, candidate_id=person.id, text="Et mål")


def test_a_derived_job_card_can_be_followed_up_as_a_stored_activity(db, world):
    employer = make_employer(db)
    record = make_followup_record(
        db, world.office, world.js, world.candidate, start_date=TODAY - dt.timedelta(days=40), today=TODAY
    )
    placement = followup_placements.start_placement(
        db,
        actor=world.js,
        record=record,
        type="ordinaer",
        start_date=TODAY - dt.timedelta(days=5),
        percent=100,
        employer_id=employer.id,
        title="Lagermedarbeider",
    )
    measure = followup_records.add_measure(
        db,
        actor=world.js,
        record=record,
        kind="mentor",
        start_date=TODAY - dt.timedelta(days=5),
        end_date=TODAY + dt.timedelta(days=90),
    )
    with pytest.raises(Conflict):
        ps.adopt_card(db, actor=world.js, candidate_id=world.candidate.id, key=f"tiltak:{measure.id}")
    key = f"ips-jobb:{placement.id}"
    activity = ps.adopt_card(db, actor=world.js, candidate_id=world.candidate.id, key=key)
    assert (activity.type, activity.source_key, activity.details["jobb_status"], activity.status) == (
        "IJOBB",
        key,
        "HELTID",
        "GJENNOMFORES",
    )
    keys = [c.key for c in ps.get_plan(db, actor=world.js, candidate_id=world.candidate.id).cards]
    assert f"a{activity.id}" in keys and key not in keys
    plans_activities.mark_avtalt(
        db, actor=world.js, activity_id=activity.id
    )  # now the plan's own: NAV's rules apply
    with pytest.raises(NotFound):
        ps.adopt_card(db, actor=world.js, candidate_id=world.candidate.id, key=key)
