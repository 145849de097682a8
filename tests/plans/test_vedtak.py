"""The §14a record through the real services and database: each of NAV's rules on its own (hovedmål required /
empty for «Liten mulighet til å jobbe»; begrunnelse required / optional for «Gode muligheter» / required after a
permanent group; at least one source; a second person approves the permanent groups, never the drafter), the
candidate's innsatsgruppe and capacity following the current record, access and the audit of reads."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from sqlalchemy import select

from candidates import access as candidates_access
from candidates import derived
from candidates import service_profile as candidates_profile
from candidates.models import HOVEDMAL, INNSATSGRUPPER
from core.audit import AuditEntry
from core.errors import AccessDenied, Conflict, Forbidden, ValidationFailed
from core.locking import StaleEdit
from plans import models_vedtak as m
from plans import schemas_vedtak
from plans import service_vedtak as vs
from plans.models_vedtak import Vedtak
from tests.factories import make_candidate, make_office, make_user

SOURCES = {"default_sources": ["REGISTRERING", "CV_JOBBPROFIL"]}


@pytest.fixture
def world(db):
    office, other = make_office(db), make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    js2 = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    js_other = make_user(db, "jobbspesialist", office=other)
    person = make_candidate(db, office, actor=js)
    db.commit()  # the test's own savepoint: what a test writes after this it may roll back alone
    return {"js": js, "js2": js2, "mk": mk, "js_other": js_other, "person": person}


def test_value_lists_and_their_tables_agree():
    """The Literal types are the value lists the API document states; the tables (labels, V2 names, Arena codes)
    and the candidate's own code lists are keyed by the same values, in the same order."""
    groups = get_args(m.Innsatsgruppe)
    assert groups == tuple(INNSATSGRUPPER) == tuple(m.INNSATSGRUPPE_V2) == tuple(m.ARENA_CODES)
    assert get_args(m.InnsatsgruppeV2) == tuple(m.INNSATSGRUPPE_V2.values()) == tuple(m.FROM_V2)
    assert set(m.PERMANENT_GROUPS) | {m.NO_HOVEDMAL_GROUP, m.BEGRUNNELSE_OPTIONAL_GROUP} <= set(groups)
    assert get_args(m.DefaultSource) == tuple(m.DEFAULT_SOURCES)
    assert get_args(m.OtherSource) == tuple(m.OTHER_SOURCES)
    assert get_args(m.VedtakStatus) == tuple(m.STATUSES)
    assert get_args(schemas_vedtak.Hovedmal) == tuple(HOVEDMAL)


def draft(db, w, **data):
    return vs.create_draft(db, actor=w["js"], candidate_id=w["person"].id, data=data)


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.value.errors}


def send(db, w, **data):
    v = draft(db, w, **data)
    return vs.submit(db, actor=w["js"], vedtak_id=v.id)


def situation(db, w):
    db.expire_all()
    return candidates_access.get_candidate(
        db, actor=w["js"], candidate_id=w["person"].id, purpose="test", full=True, restricted=True
    )


# --- hovedmål -----------------------------------------------------------------------------------------------


def test_hovedmal_is_required(db, world):
    v = draft(
        db, world, innsatsgruppe="SITUASJONSBESTEMT_INNSATS", begrunnelse="Trenger veiledning.", **SOURCES
    )
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert errors_of(exc) == {"hovedmal": vs.MSG_HOVEDMAL_REQUIRED}


def test_hovedmal_must_be_empty_for_liten_mulighet(db, world):
    v = draft(
        db,
        world,
        innsatsgruppe="VARIG_TILPASSET_INNSATS",
        hovedmal="SKAFFE_ARBEID",
        begrunnelse="Varig nedsatt arbeidsevne.",
        **SOURCES,
    )
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert errors_of(exc) == {"hovedmal": vs.MSG_HOVEDMAL_EMPTY}
    vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"hovedmal": None})
    assert vs.submit(db, actor=world["js"], vedtak_id=v.id).beslutter_status == "KLAR_TIL_BESLUTTER"


def test_jobbe_delvis_needs_a_hovedmal(db, world):
    """Only «Liten mulighet til å jobbe» goes without: the other permanent group needs one."""
    v = draft(
        db, world, innsatsgruppe="GRADERT_VARIG_TILPASSET_INNSATS", begrunnelse="Kan jobbe litt.", **SOURCES
    )
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert errors_of(exc) == {"hovedmal": vs.MSG_HOVEDMAL_REQUIRED}


# --- begrunnelse --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group", ["SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS", "GRADERT_VARIG_TILPASSET_INNSATS"]
)
def test_begrunnelse_is_required_but_for_gode_muligheter(db, world, group):
    v = draft(db, world, innsatsgruppe=group, hovedmal="SKAFFE_ARBEID", **SOURCES)
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert list(errors_of(exc)) == ["begrunnelse"]
    assert "Skriv en begrunnelse for innsatsgruppen" in errors_of(exc)["begrunnelse"]


def test_begrunnelse_is_optional_for_gode_muligheter(db, world):
    v = send(db, world, innsatsgruppe="GODE_MULIGHETER", hovedmal="SKAFFE_ARBEID", **SOURCES)
    assert v.status == "SENDT" and v.is_current and v.begrunnelse == ""
    assert v.innsatsgruppe == "STANDARD_INNSATS"  # the V2 name is the same group, stored as NAV's code


@pytest.mark.parametrize("permanent", ["VARIG_TILPASSET_INNSATS", "GRADERT_VARIG_TILPASSET_INNSATS"])
def test_begrunnelse_is_required_for_gode_muligheter_after_a_permanent_group(db, world, permanent):
    hovedmal = None if permanent == "VARIG_TILPASSET_INNSATS" else "BEHOLDE_ARBEID"
    first = send(db, world, innsatsgruppe=permanent, hovedmal=hovedmal, begrunnelse="Varig.", **SOURCES)
    vs.approve(db, actor=world["js2"], vedtak_id=first.id)
    v = draft(db, world, innsatsgruppe="STANDARD_INNSATS", hovedmal="SKAFFE_ARBEID", **SOURCES)
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert list(errors_of(exc)) == ["begrunnelse"]
    assert "hva som er endret" in errors_of(exc)["begrunnelse"]
    vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"begrunnelse": "Har fått jobb igjen."})
    assert vs.submit(db, actor=world["js"], vedtak_id=v.id).is_current


# --- sources --------------------------------------------------------------------------------------------------


def test_at_least_one_source(db, world):
    v = draft(db, world, innsatsgruppe="STANDARD_INNSATS", hovedmal="SKAFFE_ARBEID")
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert errors_of(exc) == {"sources": vs.MSG_SOURCES}
    other = [{"kind": "LEGEERKLAERING", "text": "Legeerklæring fra fastlegen", "date": "2026-01-10"}]
    v = vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"other_sources": other})
    assert [(s.kind, s.text, s.date) for s in v.sources] == [
        ("LEGEERKLAERING", "Legeerklæring fra fastlegen", dt.date(2026, 1, 10))
    ]
    assert vs.submit(db, actor=world["js"], vedtak_id=v.id).is_current


def test_default_sources_carry_navs_text_and_typed_sources_need_theirs(db, world):
    v = draft(db, world, default_sources=["EGENVURDERING"])
    assert [s.text for s in v.sources] == ["Svarene dine om behov for veiledning"]
    with pytest.raises(ValidationFailed) as exc:
        vs.update_draft(
            db,
            actor=world["js"],
            vedtak_id=v.id,
            data={
                "other_sources": [{"kind": "", "text": "", "date": ""}, {"kind": "SLUTTRAPPORT", "text": " "}]
            },
        )
    assert errors_of(exc) == {"other_sources.1.text": vs.MSG_SOURCE_TEXT}


def test_every_broken_rule_is_named_at_once(db, world):
    v = draft(db, world)
    with pytest.raises(ValidationFailed) as exc:
        vs.submit(db, actor=world["js"], vedtak_id=v.id)
    assert errors_of(exc) == {"innsatsgruppe": vs.MSG_GROUP, "sources": vs.MSG_SOURCES}


# --- the second person ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("permanent", ["VARIG_TILPASSET_INNSATS", "GRADERT_VARIG_TILPASSET_INNSATS"])
def test_a_permanent_group_is_current_only_after_a_second_person_approves(db, world, permanent):
    hovedmal = None if permanent == "VARIG_TILPASSET_INNSATS" else "SKAFFE_ARBEID"
    v = send(db, world, innsatsgruppe=permanent, hovedmal=hovedmal, begrunnelse="Varig nedsatt.", **SOURCES)
    assert (v.status, v.is_current, v.beslutter_status) == ("UTKAST", False, "KLAR_TIL_BESLUTTER")
    assert situation(db, world).situation is None  # nothing recorded on the person yet
    with pytest.raises(Forbidden):
        vs.approve(db, actor=world["js"], vedtak_id=v.id)  # the drafter cannot approve their own
    with pytest.raises(AccessDenied):
        vs.approve(db, actor=world["mk"], vedtak_id=v.id)  # not a follow-up caseworker: need-to-know
    with pytest.raises(Conflict):
        vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"begrunnelse": "Endret"})
    approved = vs.approve(db, actor=world["js2"], vedtak_id=v.id)
    assert (approved.status, approved.is_current, approved.beslutter_status) == (
        "SENDT",
        True,
        "GODKJENT_AV_BESLUTTER",
    )
    assert approved.approved_by_id == world["js2"].id and approved.drafted_by_id == world["js"].id
    assert situation(db, world).situation.innsatsgruppe == permanent


def test_other_groups_need_no_second_person(db, world):
    v = send(
        db,
        world,
        innsatsgruppe="SPESIELT_TILPASSET_INNSATS",
        hovedmal="SKAFFE_ARBEID",
        begrunnelse="Nedsatt arbeidsevne.",
        **SOURCES,
    )
    assert v.is_current and v.beslutter_status is None and v.approved_by_id is None
    with pytest.raises(Conflict):
        vs.approve(db, actor=world["js2"], vedtak_id=v.id)


def test_the_second_person_can_send_it_back(db, world):
    v = send(db, world, innsatsgruppe="VARIG_TILPASSET_INNSATS", begrunnelse="Varig.", **SOURCES)
    with pytest.raises(Forbidden):
        vs.return_to_drafter(db, actor=world["js"], vedtak_id=v.id, note="Selv")
    back = vs.return_to_drafter(db, actor=world["js2"], vedtak_id=v.id, note="Legg ved legeerklæringen.")
    assert back.beslutter_status == "KLAR_TIL_VEILEDER" and back.beslutter_note == "Legg ved legeerklæringen."
    vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"begrunnelse": "Varig, se legeerklæringen."})
    assert vs.submit(db, actor=world["js"], vedtak_id=v.id).beslutter_status == "KLAR_TIL_BESLUTTER"


def test_whoever_saves_the_draft_is_its_veileder_and_cannot_approve_it(db, world):
    v = draft(db, world, innsatsgruppe="VARIG_TILPASSET_INNSATS", begrunnelse="Varig.", **SOURCES)
    vs.update_draft(db, actor=world["js2"], vedtak_id=v.id, data={"begrunnelse": "Varig, skrevet om."})
    vs.submit(db, actor=world["js2"], vedtak_id=v.id)
    with pytest.raises(Forbidden):
        vs.approve(db, actor=world["js2"], vedtak_id=v.id)
    assert vs.approve(db, actor=world["js"], vedtak_id=v.id).is_current


# --- the person's situation follows the current record ----------------------------------------------------------


def test_innsatsgruppe_and_capacity_follow_the_current_record(db, world):
    candidates_profile.set_programme(
        db, actor=world["js"], candidate_id=world["person"].id, kind="UFORETRYGD", data={"uforegrad": 60}
    )
    first = send(
        db,
        world,
        innsatsgruppe="GRADERT_VARIG_TILPASSET_INNSATS",
        hovedmal="SKAFFE_ARBEID",
        begrunnelse="Ønsker å jobbe litt ved siden av uføretrygden.",
        decision_date="2026-03-02",
        uforegrad=60,
        desired_hours_per_week="15",
        changes_since_last="Bedre helse siste år.",
        capacity_percent=40,
        capacity_reason="Kan jobbe 40 % i tilrettelagt arbeid.",
        **SOURCES,
    )
    vs.approve(db, actor=world["js2"], vedtak_id=first.id)
    person = situation(db, world)
    assert person.situation.innsatsgruppe == "GRADERT_VARIG_TILPASSET_INNSATS"
    assert person.situation.hovedmal == "SKAFFE_ARBEID"
    assert person.situation.decision_date == dt.date(2026, 3, 2)
    capacity = derived.capacity_of(person)
    assert (capacity.percent, capacity.source) == (40, "overstyrt")
    assert "Kan jobbe 40 % i tilrettelagt arbeid." in (capacity.reason or "")
    assert person.situation.preferred_hours_per_week == 15

    second = send(
        db,
        world,
        innsatsgruppe="SITUASJONSBESTEMT_INNSATS",
        hovedmal="BEHOLDE_ARBEID",
        begrunnelse="Har fått jobb, trenger veiledning for å beholde den.",
        capacity_percent=60,
        capacity_reason="Jobber 60 % nå.",
        **SOURCES,
    )
    person = situation(db, world)
    assert person.situation.innsatsgruppe == "SITUASJONSBESTEMT_INNSATS"
    assert derived.capacity_of(person).percent == 60
    assert person.situation.preferred_hours_per_week == 15  # not given this time: kept
    found = vs.overview(db, actor=world["js"], candidate_id=world["person"].id)
    assert found.current is not None and found.current.id == second.id
    assert [v.id for v in found.history] == [second.id, first.id]  # the earlier decision is kept
    assert found.draft is None
    assert db.scalar(select(Vedtak.is_current).where(Vedtak.id == first.id)) is False


def test_the_innsatsgruppe_is_locked_to_the_current_record_and_the_rest_stays_editable(db, world):
    pid = world["person"].id
    candidates_profile.set_situation(
        db, actor=world["js"], candidate_id=pid, data={"innsatsgruppe": "STANDARD_INNSATS"}
    )
    assert situation(db, world).situation.innsatsgruppe_vedtak_id is None  # set by hand: no lock
    first = send(
        db,
        world,
        innsatsgruppe="SITUASJONSBESTEMT_INNSATS",
        hovedmal="SKAFFE_ARBEID",
        begrunnelse="Trenger veiledning for å komme i arbeid.",
        decision_date="2026-02-10",
        **SOURCES,
    )
    person = situation(db, world)
    assert person.situation.innsatsgruppe_vedtak_id == first.id
    with pytest.raises(ValidationFailed) as exc:
        candidates_profile.set_situation(
            db, actor=world["js"], candidate_id=pid, data={"innsatsgruppe": "STANDARD_INNSATS"}
        )
    assert errors_of(exc) == {
        "innsatsgruppe": "Innsatsgruppen følger §14a-vedtaket av 10.02.2026; endre den med et nytt vedtak."
    }
    assert candidates_profile.MSG_GROUP_FOLLOWS_VEDTAK.format(date="10.02.2026") == exc.value.message
    # the whole form again with the same group, and the other fields changed: allowed
    candidates_profile.set_situation(
        db,
        actor=world["js"],
        candidate_id=pid,
        data={"innsatsgruppe": "SITUASJONSBESTEMT_INNSATS", "hovedmal": "BEHOLDE_ARBEID"},
    )
    candidates_profile.set_capacity(
        db, actor=world["js"], candidate_id=pid, override_percent=50, reason="Avklart med lege."
    )
    person = situation(db, world)
    assert (person.situation.innsatsgruppe, person.situation.hovedmal) == (
        "SITUASJONSBESTEMT_INNSATS",
        "BEHOLDE_ARBEID",
    )
    assert person.situation.capacity_override_percent == 50
    # a new decision changes it, and the lock follows the new record
    second = send(
        db,
        world,
        innsatsgruppe="STANDARD_INNSATS",
        hovedmal="SKAFFE_ARBEID",
        begrunnelse="Klar for arbeid.",
        **SOURCES,
    )
    person = situation(db, world)
    assert (person.situation.innsatsgruppe, person.situation.innsatsgruppe_vedtak_id) == (
        "STANDARD_INNSATS",
        second.id,
    )


def test_capacity_in_per_cent_needs_a_reason(db, world):
    with pytest.raises(ValidationFailed) as exc:
        draft(db, world, capacity_percent=50)
    assert errors_of(exc) == {"capacity_reason": vs.MSG_CAPACITY_REASON}


# --- one draft, versions, what is kept -------------------------------------------------------------------------


def test_one_open_draft_per_person(db, world):
    draft(db, world)
    with pytest.raises(Conflict):
        draft(db, world)


def test_a_stale_save_is_refused(db, world):
    v = draft(db, world, begrunnelse="Første")
    version = v.version
    vs.update_draft(db, actor=world["js2"], vedtak_id=v.id, data={"begrunnelse": "Andre", "version": version})
    with pytest.raises(StaleEdit) as exc:
        vs.update_draft(
            db, actor=world["js"], vedtak_id=v.id, data={"begrunnelse": "Tredje", "version": version}
        )
    assert world["js2"].name in exc.value.message
    assert exc.value.changed == {"begrunnelse": "Andre"}


def test_a_sent_decision_cannot_be_changed(db, world):
    v = send(db, world, innsatsgruppe="STANDARD_INNSATS", hovedmal="SKAFFE_ARBEID", **SOURCES)
    with pytest.raises(Conflict):
        vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"begrunnelse": "Etterpå"})


def test_answers_to_the_help_questions_are_kept_apart(db, world):
    v = draft(db, world, answers={"MULIGHETER": "Tror selv det går.", "ENDRING_SIDEN_SIST": "Ny bolig."})
    assert v.answer_map == {"MULIGHETER": "Tror selv det går.", "ENDRING_SIDEN_SIST": "Ny bolig."}
    v = vs.update_draft(
        db, actor=world["js"], vedtak_id=v.id, data={"answers": {"MULIGHETER": "", "AVTALT": "Jobbsøking."}}
    )
    assert v.answer_map == {"ENDRING_SIDEN_SIST": "Ny bolig.", "AVTALT": "Jobbsøking."}
    with pytest.raises(ValidationFailed) as exc:
        vs.update_draft(db, actor=world["js"], vedtak_id=v.id, data={"answers": {"AVTALT": "x" * 4001}})
    assert list(errors_of(exc)) == ["svar_AVTALT"]


# --- access and audit -------------------------------------------------------------------------------------------


def test_another_office_and_a_market_contact_are_refused(db, world):
    v = draft(db, world)
    for actor in (world["js_other"], world["mk"]):
        with pytest.raises(AccessDenied):
            vs.overview(db, actor=actor, candidate_id=world["person"].id)
        with pytest.raises(AccessDenied):
            vs.get_vedtak(db, actor=actor, vedtak_id=v.id)
        with pytest.raises(AccessDenied):
            vs.update_draft(db, actor=actor, vedtak_id=v.id, data={"begrunnelse": "Fremmed"})
        with pytest.raises(AccessDenied):
            vs.create_draft(db, actor=actor, candidate_id=world["person"].id, data={})


def test_an_employer_is_refused(db, world):
    from tests.factories import make_employer

    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    v = draft(db, world)
    with pytest.raises(AccessDenied):
        vs.get_vedtak(db, actor=employer_user, vedtak_id=v.id)
    with pytest.raises(Forbidden):
        vs.update_draft(db, actor=employer_user, vedtak_id=v.id, data={})


def test_reads_are_audit_logged(db, world):
    v = draft(db, world)
    db.commit()  # a new transaction: the read below is a new read
    mark = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    vs.overview(db, actor=world["js2"], candidate_id=world["person"].id)
    db.flush()
    rows = db.scalars(select(AuditEntry).where(AuditEntry.id > mark, AuditEntry.action == "read")).all()
    assert [(r.subject_type, r.subject_id, r.purpose, r.actor_id) for r in rows] == [
        ("candidate", str(world["person"].id), vs.PURPOSE, world["js2"].id)
    ]
    db.commit()
    vs.get_vedtak(db, actor=world["js2"], vedtak_id=v.id, purpose="oppfølging: les vedtaket")
    db.flush()
    purposes = db.scalars(select(AuditEntry.purpose).where(AuditEntry.action == "read")).all()
    assert "oppfølging: les vedtaket" in purposes
