"""The individuell plan as a view over the person's one plan, through the real services and database: the nine
required elements (all listed, the missing ones flagged with a hint; a complete plan flags none), the quality checks
from the supervision findings, validation errors naming their fields, a stale save refused, access (another office
404, an employer 403) and the audit of reads, and the overview's revision and evaluation dates."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import AccessDenied, Conflict, Forbidden, ValidationFailed
from core.locking import StaleEdit
from plans import models_ip as m
from plans import service_activities as plans_activities
from plans import service_ip as ips
from plans import service_periods as plans_periods
from tests.factories import make_candidate, make_employer, make_user
from tests.plans.conftest import TODAY

HEADINGS = [
    "1. Mål, ressurser og behov",
    "2. Hvem som deltar i planarbeidet",
    "3. Koordinator",
    "4. Bidrag fra personen, tjenestene og nærpersonene",
    "5. Tiltak, omfang og ansvar",
    "6. Hvordan tiltakene skal gjennomføres",
    "7. Planperiode og revisjon",
    "8. Samtykke",
    "9. Samarbeid med andre tjenester",
]


def complete(db, world, **overrides):
    """Everything the nine elements need, in the plan and in the IP."""
    cid = world.candidate.id
    plans_periods.set_goal(
        db,
        actor=world.js,
        candidate_id=cid,
        text="Egen leilighet og en deltidsjobb i butikk innen våren.",
        written_by="BRUKER",
    )
    plans_periods.set_goal(
        db, actor=world.js, candidate_id=cid, life_area="BOLIG", text="Egen kontrakt på en leilighet"
    )
    plans_activities.create_activity(
        db,
        actor=world.js,
        candidate_id=cid,
        data={
            "type": "EGEN",
            "title": "Søke kommunal bolig",
            "description": "Søknaden fylles ut sammen på boligkontoret.",
            "from_date": TODAY.isoformat(),
            "to_date": (TODAY + dt.timedelta(days=60)).isoformat(),
            "life_area": "BOLIG",
            "provider": "KOMMUNE_SOSIAL",
            "provider_org": "Gjøvik kommune, boligkontoret",
            "responsible_name": "Berit Bolig",
            "responsible_phone": "61 00 00 00",
        },
    )
    data = {
        "status": "AKTIV",
        "legal_bases": ["SOTJL_28", "HOL"],
        "koordinator_user_id": world.js.id,
        "koordinator_phone": "61 11 22 33",
        "period_from": TODAY.isoformat(),
        "period_to": (TODAY + dt.timedelta(days=365)).isoformat(),
        "next_revision": (TODAY + dt.timedelta(days=90)).isoformat(),
        "consent_date": TODAY.isoformat(),
        "share_consent_date": TODAY.isoformat(),
        "share_with": "Boligkontoret og fastlegen",
        "share_confidential": True,
        "resources": f"Praktisk anlagt, liker å jobbe med hendene ({cid}).",
        "needs": f"Trenger bolig og hjelp med økonomien ({cid}).",
        "own_effort": f"Møter til avtalene og søker to jobber i uka ({cid}).",
        "network_contribution": "Søsteren hjelper med flyttingen.",
        "implementation": f"Vi møtes annenhver uke og går gjennom planen ({cid}).",
        "cooperation": f"Boligkontoret og fastlegen deltar i møtene ved behov ({cid}).",
        "participants": [
            {"name": world.candidate.full_name, "role": "BRUKER", "contribution": "Møter opp."},
            {
                "name": "Berit Bolig",
                "role": "NAV_KOMMUNE",
                "organisation": "Gjøvik kommune, boligkontoret",
                "contribution": "Behandler boligsøknaden.",
            },
            {
                "name": "Lege Lise",
                "role": "FASTLEGE",
                "organisation": "Legesenteret",
                "contribution": "Oppfølging.",
            },
        ],
        **overrides,
    }
    return ips.save_ip(db, actor=world.js, candidate_id=cid, data=data)


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.value.errors}


def test_value_lists_and_their_labels_agree():
    assert get_args(m.IpStatus) == tuple(m.IP_STATUSES)
    assert get_args(m.LegalBasis) == tuple(m.LEGAL_BASES)
    assert get_args(m.ParticipantRole) == tuple(m.PARTICIPANT_ROLES)


def test_the_view_lists_all_nine_elements_and_flags_those_missing(db, world):
    view = ips.get_view(db, actor=world.js, candidate_id=world.candidate.id)
    assert view.ip is None
    assert [e.title for e in view.elements] == HEADINGS
    assert all(e.missing and e.hint for e in view.elements)
    assert "lite_brukermedvirkning" in {c.code for c in view.checks}

    # what the plan already has counts: a goal and a municipal measure with a responsible person
    plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, text="Egen bolig", written_by="BRUKER"
    )
    plans_activities.create_activity(
        db,
        actor=world.js,
        candidate_id=world.candidate.id,
        data={
            "type": "EGEN",
            "title": "Søke bolig",
            "from_date": TODAY.isoformat(),
            "to_date": (TODAY + dt.timedelta(days=30)).isoformat(),
            "life_area": "BOLIG",
            "provider": "KOMMUNE_SOSIAL",
            "provider_org": "Boligkontoret",
            "responsible_name": "Berit Bolig",
        },
    )
    view = ips.get_view(db, actor=world.js, candidate_id=world.candidate.id)
    flagged = {e.key: e for e in view.elements}
    assert not flagged["tiltak"].missing
    assert "Berit Bolig" in dict(flagged["tiltak"].lines)["Søke bolig"]
    assert not flagged["samarbeid"].missing  # the municipality is a provider in the plan
    assert flagged["mal"].missing and "ressurser" in flagged["mal"].hint  # a goal, but no resources or needs
    assert flagged["koordinator"].missing and flagged["samtykke"].missing and flagged["deltakere"].missing


def test_a_complete_plan_flags_none(db, world):
    ip = complete(db, world)
    ips.record_evaluation(
        db,
        actor=world.js,
        candidate_id=world.candidate.id,
        data={
            "date": TODAY.isoformat(),
            "participants": "Personen, koordinator og boligkontoret",
            "summary": "Boligsøknaden er sendt.",
            "person_assessment": "Det går bedre enn jeg trodde.",
            "next_date": (TODAY + dt.timedelta(days=30)).isoformat(),
        },
    )
    view = ips.get_view(db, actor=world.js, candidate_id=world.candidate.id)
    assert [e.title for e in view.elements] == HEADINGS
    assert [e.title for e in view.elements if e.missing] == []
    assert view.checks == []
    assert ip.koordinator_name == world.js.name and ip.koordinator_org == world.office.name
    assert ip.kostra_faat_individuell_plan == 1
    assert [p.role for p in ip.participants] == ["BRUKER", "NAV_KOMMUNE", "FASTLEGE"]


def test_validation_errors_name_the_field(db, world):
    other = make_user(db, "jobbspesialist")  # another office: not a koordinator here
    with pytest.raises(ValidationFailed) as exc:
        ips.save_ip(
            db,
            actor=world.js,
            candidate_id=world.candidate.id,
            data={
                "status": "AKTIV",
                "period_from": TODAY.isoformat(),
                "period_to": (TODAY - dt.timedelta(days=1)).isoformat(),
                "next_revision": "31.02.2026",
                "koordinator_user_id": other.id,
                "koordinator_phone": "ring meg",
                "legal_bases": ["SOTJL_28", "LOV_OM_ALT"],
                "needs": "x" * (m.TEXT_MAX + 1),
                "participants": [{"name": "", "role": "BRUKER"}, {"name": "Ola", "role": "KONGE"}],
            },
        )
    errors = errors_of(exc)
    assert set(errors) == {
        "period_to",
        "next_revision",
        "koordinator_user_id",
        "koordinator_phone",
        "legal_bases",
        "needs",
        "consent_date",
        "participants.0.name",
        "participants.1.role",
    }
    assert errors["consent_date"] == ips.MSG_CONSENT_FOR_ACTIVE
    assert errors["koordinator_user_id"] == ips.MSG_KOORDINATOR_USER
    assert errors["period_to"] == ips.MSG_FROM_TO
    assert ips.get_ip(db, actor=world.js, candidate_id=world.candidate.id) is None  # nothing saved

    ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={})
    with pytest.raises(ValidationFailed) as exc:
        ips.record_evaluation(
            db,
            actor=world.js,
            candidate_id=world.candidate.id,
            data={"date": TODAY.isoformat(), "next_date": (TODAY - dt.timedelta(days=3)).isoformat()},
        )
    assert errors_of(exc) == {
        "summary": "Hva som ble evaluert må fylles ut.",
        "next_date": ips.MSG_NEXT_EVALUATION,
    }
    with pytest.raises(ValidationFailed) as exc:
        ips.add_participant(db, actor=world.js, candidate_id=world.candidate.id, data={"role": "BRUKER"})
    assert list(errors_of(exc)) == ["name"]


def test_a_stale_save_is_refused(db, world):
    js2 = make_user(db, "jobbspesialist", office=world.office)
    ip = ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={"needs": "Bolig"})
    version = ip.version
    ips.save_ip(
        db, actor=js2, candidate_id=world.candidate.id, data={"needs": "Bolig og jobb", "version": version}
    )
    with pytest.raises(StaleEdit) as exc:
        ips.save_ip(
            db, actor=world.js, candidate_id=world.candidate.id, data={"needs": "Jobb", "version": version}
        )
    assert exc.value.status_code == 409
    assert js2.name in exc.value.message
    assert exc.value.changed == {"needs": "Bolig og jobb"}
    with pytest.raises(Conflict):  # an existing plan is not overwritten by a client that has not read it
        ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={"needs": "Blindt"})


def test_participants_are_added_and_removed_and_bump_the_version(db, world):
    ip = ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={})
    version = ip.version
    p = ips.add_participant(
        db, actor=world.js, candidate_id=world.candidate.id, data={"name": "Siri", "role": "PAARORENDE"}
    )
    assert ip.version > version and [x.name for x in ip.participants] == ["Siri"]
    ips.remove_participant(db, actor=world.js, candidate_id=world.candidate.id, participant_id=p.id)
    again = ips.get_ip(db, actor=world.js, candidate_id=world.candidate.id)
    assert again is not None and again.participants == []


def test_an_ended_period_is_read_only(db, world):
    ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={"needs": "Bolig"})
    plans_periods.end_period(db, actor=world.js, candidate_id=world.candidate.id)
    view = ips.get_view(db, actor=world.js, candidate_id=world.candidate.id)
    assert view.ip is not None and not view.editable
    with pytest.raises(Conflict):
        ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={"version": view.ip.version})


def test_quality_checks_from_the_supervision_findings(db, world):
    complete(
        db,
        world,
        next_revision=(TODAY - dt.timedelta(days=2)).isoformat(),
        own_effort="Skal følge opp planen som avtalt med NAV.",
    )
    ips.record_evaluation(
        db,
        actor=world.js,
        candidate_id=world.candidate.id,
        data={
            "date": (TODAY - dt.timedelta(days=40)).isoformat(),
            "summary": "Gjennomgang",
            "person_took_part": False,
            "next_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        },
    )
    other = make_candidate(db, world.office, actor=world.js)
    plans_periods.start_period(db, actor=world.js, candidate_id=other.id)
    ips.save_ip(
        db,
        actor=world.js,
        candidate_id=other.id,
        data={"own_effort": "Skal følge opp planen som avtalt med NAV."},
    )
    plans_periods.set_goal(
        db, actor=world.js, candidate_id=world.candidate.id, life_area="HELSE", text="Sove bedre"
    )
    codes = {c.code for c in ips.get_view(db, actor=world.js, candidate_id=world.candidate.id).checks}
    assert codes == {
        "revisjon_passert",
        "evaluering_forfalt",
        "evaluering_uten_bruker",
        "standardtekst",
        "mal_uten_tiltak_HELSE",
    }


def test_another_office_and_a_market_contact_are_refused(db, world):
    ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={})
    for actor in (make_user(db, "jobbspesialist"), make_user(db, "markedskontakt", office=world.office)):
        with pytest.raises(AccessDenied) as exc:
            ips.get_view(db, actor=actor, candidate_id=world.candidate.id)
        assert exc.value.status_code == 404
        with pytest.raises(AccessDenied):
            ips.save_ip(db, actor=actor, candidate_id=world.candidate.id, data={})
        with pytest.raises(AccessDenied):
            ips.record_evaluation(db, actor=actor, candidate_id=world.candidate.id, data={"summary": "x"})
    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    with pytest.raises(Forbidden):
        ips.save_ip(db, actor=employer_user, candidate_id=world.candidate.id, data={})


def test_reads_are_audit_logged(db, world):
    js2 = make_user(db, "jobbspesialist", office=world.office)
    db.commit()  # a new transaction: the read below is a new read
    mark = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    ips.get_view(db, actor=js2, candidate_id=world.candidate.id)
    db.flush()
    rows = db.scalars(select(AuditEntry).where(AuditEntry.id > mark, AuditEntry.action == "read")).all()
    assert [(r.subject_type, r.subject_id, r.purpose, r.actor_id) for r in rows] == [
        ("candidate", str(world.candidate.id), ips.PURPOSE, js2.id)
    ]


def test_revision_and_evaluation_due(db, world):
    period = plans_periods.open_period(db, world.candidate.id)
    assert period is not None
    assert ips.revision_and_evaluation_due(db, [period.id, 999_999]) == {
        period.id: (None, None),
        999_999: (None, None),
    }
    revision = TODAY + dt.timedelta(days=90)
    ips.save_ip(db, actor=world.js, candidate_id=world.candidate.id, data={"next_revision": revision})
    assert ips.revision_and_evaluation_due(db, [period.id]) == {period.id: (revision, None)}
    for days, next_days in ((20, 10), (5, 25)):
        ips.record_evaluation(
            db,
            actor=world.js,
            candidate_id=world.candidate.id,
            data={
                "date": TODAY - dt.timedelta(days=days),
                "summary": "Runde",
                "next_date": TODAY + dt.timedelta(days=next_days),
            },
        )
    assert ips.revision_and_evaluation_due(db, [period.id]) == {
        period.id: (revision, TODAY + dt.timedelta(days=25))
    }
    plans_periods.end_period(db, actor=world.js, candidate_id=world.candidate.id)
    assert ips.revision_and_evaluation_due(db, [period.id]) == {period.id: (None, None)}
