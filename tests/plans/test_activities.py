"""NAV's activity rules through the real services: the form limits, each status transition rule and its
begrunnelse, final and historical activities read-only, "Avtalt med NAV", the referat before FULLFORT, the
append-only history and the refused stale version."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import Conflict, Forbidden, ValidationFailed
from core.locking import StaleEdit
from plans import service_activities as plans_activities
from plans import service_journal as plans_journal
from plans import service_periods as plans_periods
from plans.models import CREATABLE_TYPES, AppendOnly, PlanActivity
from tests.factories import make_user
from tests.plans.conftest import TODAY, egen, mote, samtale


def _fields(exc: ValidationFailed) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.errors}


def _new(db, world, data):
    return plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=data)


# --- creating ------------------------------------------------------------------------------------------------


def test_an_activity_is_created_with_version_one_and_its_first_history_row(db, world):
    a = _new(db, world, egen())
    assert (a.version, a.status, a.type, a.changed_by_type) == (1, "PLANLAGT", "EGEN", "NAV")
    assert a.details == {"hensikt": "Søke jobb", "oppfolging": ""}
    assert a.responsible_name == world.js.name  # NAV's own activity: the caseworker unless named
    rows = plans_activities.versions(db, activity_id=a.id)
    assert [(r.version, r.transaction_type, r.changed_by_type) for r in rows] == [(1, "OPPRETTET", "NAV")]


def test_nav_form_limits_each_named(db, world):
    with pytest.raises(ValidationFailed) as exc:
        _new(
            db,
            world,
            egen(title="x" * 101, hensikt="y" * 256, description="z" * 5001, link="l" * 2001, from_date=""),
        )
    fields = _fields(exc.value)
    assert set(fields) >= {"title", "hensikt", "description", "link", "from_date"}
    assert "100" in fields["title"] and "255" in fields["hensikt"]


def test_to_date_not_before_from_date(db, world):
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, egen(to_date=(TODAY - dt.timedelta(days=1)).isoformat()))
    assert _fields(exc.value) == {"to_date": "Til kan ikke være før fra."}


def test_type_specific_rules(db, world):
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, {**egen(type="SOKEAVTALE", hensikt=""), "antall_stillinger_i_uken": "100"})
    assert "antall_stillinger_i_uken" in _fields(exc.value)
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, egen(type="BEHANDLING", hensikt="", description="b" * 401))
    assert {"behandling_type", "behandling_sted", "description"} <= set(_fields(exc.value))
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, mote(from_date=(TODAY - dt.timedelta(days=1)).isoformat(), klokkeslett="25:00"))
    assert _fields(exc.value)["from_date"] == "Møtet kan ikke være tilbake i tid."
    assert "klokkeslett" in _fields(exc.value)
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, egen(kanal="OPPMOTE"))  # a meeting's field on an EGEN
    assert "kanal" in _fields(exc.value)


def test_stilling_fra_nav_and_external_cards_are_not_created_in_the_plan(db, world):
    for kind in ("STILLING_FRA_NAV", "EKSTERNAKTIVITET", "NOE_ANNET"):
        with pytest.raises(ValidationFailed) as exc:
            _new(db, world, egen(type=kind))
        assert exc.value.field == "type"


def test_a_municipal_activity_names_its_responsible_person(db, world):
    with pytest.raises(ValidationFailed) as exc:
        _new(db, world, egen(life_area="BOLIG", provider="KOMMUNE_SOSIAL"))
    assert _fields(exc.value) == {"responsible_name": "Skriv hvem som har ansvaret for aktiviteten (navn)."}
    a = _new(
        db,
        world,
        egen(
            life_area="BOLIG",
            provider="KOMMUNE_SOSIAL",
            provider_org="Gjøvik kommune, boligkontoret",
            responsible_name="Berit Bolig",
            responsible_phone="+47 61 00 00 00",
        ),
    )
    assert (a.provider, a.responsible_name, a.life_area) == ("KOMMUNE_SOSIAL", "Berit Bolig", "BOLIG")


# --- statuses ------------------------------------------------------------------------------------------------


def test_any_open_status_moves_to_any_other_without_a_reason(db, world):
    a = _new(db, world, egen())
    for status in ("GJENNOMFORES", "BRUKER_ER_INTERESSERT", "PLANLAGT", "GJENNOMFORES"):
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status=status, version=a.version)
        assert a.status == status
    assert a.version == 5


@pytest.mark.parametrize(
    ("kind", "avtalt", "status", "message"),
    [
        ("EGEN", True, "AVBRUTT", plans_activities.MSG_REASON_AVBRUTT),
        ("EGEN", True, "FULLFORT", plans_activities.MSG_REASON_FULLFORT),
        ("MOTE", False, "AVBRUTT", plans_activities.MSG_REASON_MOTE),
        ("MOTE", True, "AVBRUTT", plans_activities.MSG_REASON_MOTE),
        ("EGEN", False, "AVBRUTT", None),
        ("EGEN", False, "FULLFORT", None),
        ("MOTE", True, "FULLFORT", None),  # no reason, but the referat first (below)
        ("SAMTALEREFERAT", True, "FULLFORT", None),
    ],
)
def test_when_a_begrunnelse_is_required(db, world, kind, avtalt, status, message):
    data = {"EGEN": egen, "MOTE": mote, "SAMTALEREFERAT": samtale}[kind]()
    a = _new(db, world, data)
    if avtalt:
        plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id, version=a.version)
    assert plans_activities.reason_required(a, status) == message
    if kind in ("MOTE", "SAMTALEREFERAT"):
        plans_journal.save_referat(
            db, actor=world.js, activity_id=a.id, referat="Referat.", publish=True, version=a.version
        )
    if message:
        with pytest.raises(ValidationFailed) as exc:
            plans_activities.change_status(
                db, actor=world.js, activity_id=a.id, status=status, version=a.version
            )
        assert _fields(exc.value) == {"begrunnelse": message}
        assert a.status != status
        plans_activities.change_status(
            db,
            actor=world.js,
            activity_id=a.id,
            status=status,
            reason="  Flyttet  fra kommunen ",
            version=a.version,
        )
        assert a.end_comment == "Flyttet fra kommunen"
    else:
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status=status, version=a.version)
    assert a.status == status


def test_a_begrunnelse_is_at_most_255_characters(db, world):
    a = _new(db, world, egen())
    plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id)
    with pytest.raises(ValidationFailed) as exc:
        plans_activities.change_status(
            db, actor=world.js, activity_id=a.id, status="AVBRUTT", reason="x" * 256
        )
    assert exc.value.field == "begrunnelse"
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="AVBRUTT", reason="x" * 255)
    assert a.status == "AVBRUTT"


@pytest.mark.parametrize("maker", [mote, samtale])
def test_a_meeting_is_completed_only_after_its_referat_is_shared(db, world, maker):
    a = _new(db, world, maker())
    with pytest.raises(ValidationFailed) as exc:
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    assert _fields(exc.value) == {"status": plans_activities.MSG_REFERAT_FIRST}
    plans_journal.save_referat(db, actor=world.js, activity_id=a.id, referat="Vi ble enige om neste steg.")
    assert plans_journal.referat_shared(db, activity_id=a.id) is False
    with pytest.raises(ValidationFailed):
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    plans_journal.save_referat(
        db, actor=world.js, activity_id=a.id, referat="Vi ble enige om neste steg.", publish=True
    )
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    assert a.status == "FULLFORT"
    kinds = [r.transaction_type for r in plans_activities.versions(db, activity_id=a.id)]
    assert kinds[-2:] == ["REFERAT_PUBLISERT", "STATUS_ENDRET"]


def test_a_meeting_may_be_cancelled_without_a_shared_referat(db, world):
    a = _new(db, world, mote())
    plans_activities.change_status(
        db, actor=world.js, activity_id=a.id, status="AVBRUTT", reason="Personen er syk"
    )
    assert a.status == "AVBRUTT"


def test_a_referat_belongs_to_meetings_and_is_written_before_it_is_shared(db, world):
    a = _new(db, world, egen())
    with pytest.raises(ValidationFailed) as exc:
        plans_journal.save_referat(db, actor=world.js, activity_id=a.id, referat="x")
    assert exc.value.field == "referat"
    m = _new(db, world, mote())
    with pytest.raises(ValidationFailed) as exc:
        plans_journal.save_referat(db, actor=world.js, activity_id=m.id, referat="", publish=True)
    assert exc.value.message == plans_journal.MSG_REFERAT_EMPTY


@pytest.mark.parametrize("final", ["FULLFORT", "AVBRUTT"])
def test_final_statuses_are_read_only(db, world, final):
    a = _new(db, world, egen())
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status=final)
    before = len(plans_activities.versions(db, activity_id=a.id))
    with pytest.raises(Conflict):
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="PLANLAGT")
    with pytest.raises(Conflict):
        plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data={"title": "Ny tittel"})
    with pytest.raises(Conflict):
        plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id)
    assert plans_activities.allowed_statuses(a) == []
    assert (a.status, a.title, len(plans_activities.versions(db, activity_id=a.id))) == (
        final,
        "Lage CV",
        before,
    )


def test_the_etikett_of_a_stilling_changes_even_when_final(db, world):
    a = _new(
        db, world, egen(type="STILLING", hensikt="", arbeidsgiver="Rema 1000", title="Butikkmedarbeider")
    )
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data={"etikett": "AVSLAG"})
    assert a.details["etikett"] == "AVSLAG"
    assert plans_activities.versions(db, activity_id=a.id)[-1].transaction_type == "ETIKETT_ENDRET"
    with pytest.raises(Conflict):
        plans_activities.update_activity(
            db, actor=world.js, activity_id=a.id, data={"etikett": "JOBBTILBUD", "title": "Annet"}
        )


def test_avtalt_med_nav_is_for_nav_staff_and_leaves_only_the_deadline_to_change(db, world):
    a = _new(db, world, egen())
    employer_user = make_user(db, "arbeidsgiver")
    with pytest.raises(Forbidden):
        plans_activities.mark_avtalt(db, actor=employer_user, activity_id=a.id)
    plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id, version=a.version)
    assert a.avtalt and plans_activities.versions(db, activity_id=a.id)[-1].transaction_type == "AVTALT"
    with pytest.raises(Conflict):
        plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data={"title": "Endret"})
    new_end = (TODAY + dt.timedelta(days=30)).isoformat()
    plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data={"to_date": new_end})
    assert a.to_date.isoformat() == new_end
    assert plans_activities.versions(db, activity_id=a.id)[-1].transaction_type == "AVTALT_DATO_ENDRET"


def test_an_avtalt_meeting_may_move_in_time_and_place(db, world):
    a = _new(db, world, mote())
    plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id)
    plans_activities.update_activity(
        db, actor=world.js, activity_id=a.id, data={"klokkeslett": "13:15", "adresse": "Biblioteket"}
    )
    assert plans_activities.versions(db, activity_id=a.id)[-1].transaction_type == "MOTE_TID_OG_STED_ENDRET"
    with pytest.raises(Conflict):
        plans_activities.update_activity(
            db, actor=world.js, activity_id=a.id, data={"title": "Et annet møte"}
        )


# --- history and versions ------------------------------------------------------------------------------------


def test_every_change_is_a_new_version_and_the_history_reads_in_words(db, world):
    a = _new(db, world, egen())
    plans_activities.update_activity(
        db, actor=world.js, activity_id=a.id, data={"title": "Lage CV og søknad"}, version=1
    )
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="GJENNOMFORES", version=2)
    plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id, version=3)
    rows = plans_activities.versions(db, activity_id=a.id)
    assert [(r.version, r.transaction_type) for r in rows] == [
        (1, "OPPRETTET"),
        (2, "DETALJER_ENDRET"),
        (3, "STATUS_ENDRET"),
        (4, "AVTALT"),
    ]
    assert rows[0].data["title"] == "Lage CV" and rows[1].data["title"] == "Lage CV og søknad"
    lines = plans_activities.history(db, actor=world.js, activity_id=a.id)
    assert lines[2].text == "flyttet aktiviteten fra Planlegger til Gjennomfører"
    assert lines[1].text == "endret tittel"
    assert lines[3].text == "merket aktiviteten som «Avtalt med NAV»"
    assert all(line.who == world.js.name and line.who_type == "NAV" for line in lines)


def test_saving_the_same_values_makes_no_version(db, world):
    a = _new(db, world, egen())
    plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data=egen(), version=1)
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="PLANLAGT", version=1)
    assert a.version == 1 and len(plans_activities.versions(db, activity_id=a.id)) == 1


def test_a_history_row_cannot_be_changed(db, world):
    a = _new(db, world, egen())
    row = plans_activities.versions(db, activity_id=a.id)[0]
    row.note = "omskrevet"
    with pytest.raises(AppendOnly):
        db.flush()


def test_a_history_row_cannot_be_deleted(db, world):
    a = _new(db, world, egen())
    db.delete(plans_activities.versions(db, activity_id=a.id)[0])
    with pytest.raises(AppendOnly):
        db.flush()


def test_a_stale_version_is_refused_and_nothing_is_saved(db, world):
    a = _new(db, world, egen())
    plans_activities.update_activity(db, actor=world.js, activity_id=a.id, data={"title": "Først"}, version=1)
    with pytest.raises(StaleEdit) as exc:
        plans_activities.update_activity(
            db, actor=world.js, activity_id=a.id, data={"title": "Sist"}, version=1
        )
    assert exc.value.status_code == 409 and exc.value.current_version == 2
    assert exc.value.changed == {"title": "Først"}
    with pytest.raises(StaleEdit):
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="GJENNOMFORES", version=1)
    with pytest.raises(StaleEdit):
        plans_activities.mark_avtalt(db, actor=world.js, activity_id=a.id, version=1)
    assert (a.title, a.status, a.avtalt, a.version) == ("Først", "PLANLAGT", False, 2)


# --- the period ----------------------------------------------------------------------------------------------


def test_ending_the_period_makes_every_activity_historical_and_read_only(db, world):
    a = _new(db, world, egen())
    b = _new(db, world, mote())
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    period = plans_periods.end_period(db, actor=world.js, candidate_id=world.candidate.id, reason="Fått jobb")
    assert (period.end_date, period.ended_by_name, period.end_reason) == (TODAY, world.js.name, "Fått jobb")
    for act in (a, b):
        last = plans_activities.versions(db, activity_id=act.id)[-1]
        assert (last.transaction_type, last.changed_by_type) == ("BLE_HISTORISK", "SYSTEM")
        assert act.is_historic and not act.editable
    with pytest.raises(Conflict):
        plans_activities.change_status(db, actor=world.js, activity_id=b.id, status="GJENNOMFORES")
    with pytest.raises(Conflict):
        plans_activities.update_activity(db, actor=world.js, activity_id=b.id, data={"title": "x"})
    with pytest.raises(Conflict):
        _new(db, world, egen())
    with pytest.raises(Conflict):
        plans_periods.end_period(db, actor=world.js, candidate_id=world.candidate.id)
    again = plans_periods.start_period(db, actor=world.js, candidate_id=world.candidate.id)
    assert again.is_open and db.get(PlanActivity, a.id).period_id == period.id


def test_one_open_period_at_a_time_and_nav_start_reasons(db, world):
    with pytest.raises(Conflict):
        plans_periods.start_period(db, actor=world.js, candidate_id=world.candidate.id)
    with pytest.raises(ValidationFailed) as exc:
        plans_periods.end_period(
            db, actor=world.js, candidate_id=world.candidate.id, end_date=TODAY - dt.timedelta(days=61)
        )
    assert exc.value.field == "end_date"
    plans_periods.end_period(db, actor=world.js, candidate_id=world.candidate.id)
    with pytest.raises(ValidationFailed) as exc:
        plans_periods.start_period(
            db, actor=world.js, candidate_id=world.candidate.id, started_reason="TILFELDIG"
        )
    assert exc.value.field == "started_reason"
    period = plans_periods.start_period(
        db, actor=world.js, candidate_id=world.candidate.id, started_reason="ARBEIDSSOKER_REGISTRERING"
    )
    assert period.started_reason == "ARBEIDSSOKER_REGISTRERING"


def test_what_the_person_may_create_and_change(db, world):
    """§1.4, kept for the participant's own channel: BEHANDLING, EGEN, STILLING and IJOBB; nothing avtalt except
    a BEHANDLING's end date; MOTE and SAMTALEREFERAT belong to the veileder."""
    assert [t for t in CREATABLE_TYPES if plans_activities.person_may_create(t)] == [
        "EGEN",
        "STILLING",
        "IJOBB",
        "BEHANDLING",
    ]
    a = _new(db, world, egen())
    m = _new(db, world, mote())
    b = _new(
        db,
        world,
        egen(type="BEHANDLING", hensikt="", behandling_type="Fysioterapi", behandling_sted="Helsehuset"),
    )
    assert plans_activities.person_may_change(a) and not plans_activities.person_may_change(m)
    for act in (a, b):
        plans_activities.mark_avtalt(db, actor=world.js, activity_id=act.id)
    assert not plans_activities.person_may_change(a) and plans_activities.person_may_change(b)
