"""Consent and the employer's view, right of access (export) and erasure, checked against the database itself."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import models as cm
from candidates import service
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.service_privacy import RESTRICTED_FIELDS
from core.audit import AuditEntry
from core.errors import AccessDenied, Forbidden, ValidationFailed
from core.formatting import today_in_oslo
from core.models import Base
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers.models import PraksisplassOccupant
from followup import service_placements as followup_placements
from recruitment import service as recruitment_service
from tests.factories import (
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_praksisplass,
    make_user,
)

MARKER = "Hemmeligmarkør"
CANDIDATE_MODELS = (
    cm.Candidate,
    cm.WorkExperience,
    cm.Education,
    cm.Certificate,
    cm.LanguageSkill,
    cm.JobProfile,
    cm.Situation,
    cm.Programme,
    cm.Consent,
)


@pytest.fixture
def team(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    employer, other = make_employer(db), make_employer(db)
    emp = make_user(db, "arbeidsgiver", employer=employer)
    emp_other = make_user(db, "arbeidsgiver", employer=other)
    return {"office": office, "js": js, "mk": mk, "employer": employer, "emp": emp, "emp_other": emp_other}


def full_candidate(db: Session, team: dict[str, Any]) -> cm.Candidate:
    """A candidate with a row in every candidate table and the marker in every free-text restricted field."""
    js = team["js"]
    c = make_candidate(
        db,
        team["office"],
        actor=js,
        first_name="Amina",
        last_name="Haugland",
        email="amina@example.no",
        phone="+47 40000000",
        address=f"{MARKER}veien 1",
        birth_date=dt.date(1999, 4, 1),
        summary="Erfaren på lager.",
    )
    for kind, data in (
        ("arbeid", {"title": "Lagermedarbeider", "employer": "Coop", "styrk_code": "4321"}),
        ("utdanning", {"level": "videregående", "field": "Salg og service"}),
        ("sertifikat", {"name": "Truckførerbevis", "kind": "sertifikat"}),
        ("sprak", {"language": "Norsk", "level": "B1"}),
    ):
        candidates_profile.add_cv_entry(db, actor=js, candidate_id=c.id, kind=kind, data=data)
    candidates_profile.set_skills_and_licences(
        db, actor=js, candidate_id=c.id, data={"skills": "Plukk", "driving_licences": "B"}
    )
    candidates_profile.set_job_profile(
        db,
        actor=js,
        candidate_id=c.id,
        data={"wanted_titles": ["Lager"], "percent_min": 40, "percent_max": 60},
    )
    candidates_profile.set_situation(
        db,
        actor=js,
        candidate_id=c.id,
        data={
            "innsatsgruppe": "SPESIELT_TILPASSET_INNSATS",
            "hovedmal": "SKAFFE_ARBEID",
            "decision_date": "2025-01-10",
        },
    )
    candidates_profile.set_capacity(
        db,
        actor=js,
        candidate_id=c.id,
        override_percent=40,
        reason=f"{MARKER} helse",
        preferred_hours_per_week=15,
    )
    candidates_profile.set_needs(
        db,
        actor=js,
        candidate_id=c.id,
        data={
            "needs_arbeidstid": ["GRADVIS_ØKNING"],
            "needs_fysisk": ["TUNGE_LØFT"],
            "needs_note": f"{MARKER} rygg",
        },
    )
    candidates_profile.set_programme(
        db, actor=js, candidate_id=c.id, kind="UFORETRYGD", data={"uforegrad": 60, "note": MARKER}
    )
    candidates_profile.set_programme(
        db, actor=js, candidate_id=c.id, kind="SOSIALHJELP", data={"note": MARKER}
    )
    return c


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def _shared_view(db: Session, emp: Any, candidate_id: int) -> dict[str, Any]:
    return recruitment_service.shared_candidate(db, actor=emp, candidate_id=candidate_id)


def _shared_list(db: Session, emp: Any) -> list[dict[str, Any]]:
    return recruitment_service.shared_candidates(db, actor=emp)


def _share(db: Session, team: dict[str, Any], c: cm.Candidate, opening: Any = None) -> Any:
    """Puts the candidate on the list of one of the employer's openings and shares the entry (a person's act)."""
    if opening is None:
        opening = make_opening(db, team["employer"], actor=team["mk"])
    entry = recruitment_service.add_candidate(db, actor=team["mk"], opening_id=opening.id, candidate_id=c.id)
    return recruitment_service.share_with_employer(db, actor=team["mk"], entry_id=entry.id)


def test_consent_alone_shows_nothing_sharing_does_and_withdrawal_closes_it(db, team):
    c = full_candidate(db, team)
    emp = team["emp"]
    with pytest.raises(AccessDenied):
        _shared_view(db, emp, c.id)
    assert _shared_list(db, emp) == []

    anon = candidates_privacy.give_consent(
        db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id, named=False
    )
    # consent permits; it shares nothing by itself
    with pytest.raises(AccessDenied):
        _shared_view(db, emp, c.id)
    assert _shared_list(db, emp) == []
    assert recruitment_service.shared_candidates(db, actor=emp) == []

    opening = make_opening(db, team["employer"], actor=team["mk"], title="Lagermedarbeider")
    entry = _share(db, team, c, opening)
    view = _shared_view(db, emp, c.id)
    assert (
        view["named"] is False and "first_name" not in view and "Amina" not in json.dumps(view, default=str)
    )
    assert view["occupations"] == ["Lagermedarbeider"] and view["wanted_percent"] == {"min": 40, "max": 60}
    assert [(s["opening_id"], s["entry_id"]) for s in view["shared_for"]] == [(opening.id, entry.id)]

    named = candidates_privacy.give_consent(
        db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id
    )
    # a consent recorded after the share does not widen it: the named profile needs a share under it
    assert _shared_view(db, emp, c.id)["named"] is False
    recruitment_service.unshare_with_employer(db, actor=team["mk"], entry_id=entry.id)
    recruitment_service.share_with_employer(db, actor=team["mk"], entry_id=entry.id)
    view = _shared_view(db, emp, c.id)
    assert view["named"] is True
    assert (view["first_name"], view["last_name"], view["email"]) == ("Amina", "Haugland", "amina@example.no")
    assert view["work_experience"][0]["employer"] == "Coop"
    assert "description" not in view["work_experience"][0] and "summary" not in view
    assert view["consent"]["employer_id"] == team["employer"].id
    assert [x["id"] for x in _shared_list(db, emp)] == [c.id]
    assert len(recruitment_service.shared_candidates(db, actor=emp)) == 1
    # another employer sees nothing; staff have no employer view
    with pytest.raises(AccessDenied):
        _shared_view(db, team["emp_other"], c.id)
    assert _shared_list(db, team["emp_other"]) == []
    with pytest.raises(Forbidden):
        _shared_view(db, team["js"], c.id)

    candidates_privacy.withdraw_consent(db, actor=team["js"], candidate_id=c.id, consent_id=named.id)
    assert _shared_view(db, emp, c.id)["named"] is False  # the anonymous one stays
    candidates_privacy.withdraw_consent(db, actor=team["js"], candidate_id=c.id, consent_id=anon.id)
    with pytest.raises(AccessDenied):
        _shared_view(db, emp, c.id)
    assert _shared_list(db, emp) == []
    # a new consent does not bring back the share made under the withdrawn one
    candidates_privacy.give_consent(db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id)
    with pytest.raises(AccessDenied):
        _shared_view(db, emp, c.id)


def test_withdrawing_the_share_closes_access_at_once(db, team):
    c = full_candidate(db, team)
    candidates_privacy.give_consent(db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id)
    entry = _share(db, team, c)
    assert _shared_view(db, team["emp"], c.id)["id"] == c.id
    recruitment_service.unshare_with_employer(db, actor=team["mk"], entry_id=entry.id)
    with pytest.raises(AccessDenied):
        _shared_view(db, team["emp"], c.id)
    assert _shared_list(db, team["emp"]) == []
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_id == str(c.id)).order_by(AuditEntry.id)
    ).all()
    assert "share" in actions and actions.index("share") < actions.index("unshare")


def test_consent_scoped_to_an_opening(db, team):
    c = full_candidate(db, team)
    opening = make_opening(db, team["employer"], actor=team["mk"])
    elsewhere = make_opening(db, team["employer"], actor=team["mk"])
    consent = candidates_privacy.give_consent(db, actor=team["js"], candidate_id=c.id, opening_id=opening.id)
    assert consent.employer_id == team["employer"].id and consent.opening_id == opening.id
    # the consent names one opening: sharing for another of the employer's openings is refused
    entry = recruitment_service.add_candidate(
        db, actor=team["mk"], opening_id=elsewhere.id, candidate_id=c.id
    )
    with pytest.raises(ValidationFailed) as refused:
        recruitment_service.share_with_employer(db, actor=team["mk"], entry_id=entry.id)
    assert refused.value.field == "consent"
    _share(db, team, c, opening)
    assert _shared_view(db, team["emp"], c.id)["consent"]["opening_id"] == opening.id
    other = make_employer(db)
    with pytest.raises(ValidationFailed) as exc:
        candidates_privacy.give_consent(
            db, actor=team["js"], candidate_id=c.id, employer_id=other.id, opening_id=opening.id
        )
    assert exc.value.field == "opening_id"
    with pytest.raises(ValidationFailed) as exc:
        candidates_privacy.give_consent(
            db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id, given_on="2999-01-01"
        )
    assert exc.value.field == "given_on"


def test_employer_never_sees_restricted_fields(db, team):
    c = full_candidate(db, team)
    candidates_privacy.give_consent(db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id)
    _share(db, team, c)
    outputs = [_shared_view(db, team["emp"], c.id), _shared_list(db, team["emp"])]
    for out in outputs:
        dumped = json.dumps(out, ensure_ascii=False, default=str)
        assert not keys_of(out) & set(RESTRICTED_FIELDS), keys_of(out) & set(RESTRICTED_FIELDS)
        assert not keys_of(out) & {"summary", "description", "note"}, keys_of(out)
        assert MARKER not in dumped
        for code in (
            "SPESIELT_TILPASSET_INNSATS",
            "SKAFFE_ARBEID",
            "UFORETRYGD",
            "SOSIALHJELP",
            "TUNGE_LØFT",
            "GRADVIS_ØKNING",
            "1999-04-01",
            "2025-01-10",
        ):
            assert code not in dumped, code
    # the markers really are in the database (so the check above can fail)
    exported = json.dumps(
        candidates_privacy.export_candidate(db, actor=team["js"], candidate_id=c.id), ensure_ascii=False
    )
    assert exported.count(MARKER) >= 5 and "SPESIELT_TILPASSET_INNSATS" in exported


def test_export_holds_every_column_of_every_candidate_table(db, team):
    c = full_candidate(db, team)
    candidates_privacy.give_consent(db, actor=team["js"], candidate_id=c.id, employer_id=team["employer"].id)
    candidates_access.break_glass(
        db, actor=make_user(db, "admin"), candidate_id=c.id, reason="Klagesak 2026/1 fra personen"
    )
    data = candidates_privacy.export_candidate(db, actor=team["js"], candidate_id=c.id)
    sections = {
        cm.Candidate: [data["candidate"]],
        cm.WorkExperience: data["work_experiences"],
        cm.Education: data["educations"],
        cm.Certificate: data["certificates"],
        cm.LanguageSkill: data["languages"],
        cm.JobProfile: [data["job_profile"]],
        cm.Situation: [data["situation"]],
        cm.Programme: data["programmes"],
        cm.Consent: data["consents"],
        cm.BreakGlass: data["break_glass"],
    }
    # every model of candidates/models.py is covered (a new table must be added to the export)
    mapped = {m.class_ for m in Base.registry.mappers if m.class_.__module__ == "candidates.models"}
    assert mapped == set(sections)
    for model, rows in sections.items():
        assert rows and rows[0] is not None, model.__name__
        columns = set(model.__table__.columns.keys())
        for row in rows:
            assert columns <= set(row), (model.__name__, columns - set(row))
            stored = (
                db.execute(select(model.__table__).where(model.__table__.c.id == row["id"])).mappings().one()
            )
            for key in columns:
                value = stored[key]
                expected = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
                assert row[key] == expected, (model.__name__, key)
    assert data["derived"]["capacity_percent"] == 40 and data["derived"]["capacity_source"] == "overstyrt"
    assert data["derived"]["under_30"] is c.under_30()
    assert any(e["action"] == "update" for e in data["access_log"])
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "export", AuditEntry.subject_id == str(c.id))
        )
        == 1
    )
    with pytest.raises(AccessDenied):
        candidates_privacy.export_candidate(db, actor=make_user(db, "jobbspesialist"), candidate_id=c.id)
    with pytest.raises(Forbidden):
        candidates_privacy.export_candidate(db, actor=team["emp"], candidate_id=c.id)


def _referencing_rows(db: Session, candidate_id: int) -> dict[str, set[int]]:
    """Every row that hangs off the candidate through foreign keys (any depth), by table, plus the rows of other
    domains that refer to it by plain integer (praksisplass occupants)."""
    found: dict[str, set[int]] = {"candidates": {candidate_id}}
    frontier = dict(found)
    tables: list[Table] = list(Base.metadata.sorted_tables)
    while frontier:
        nxt: dict[str, set[int]] = {}
        for table in tables:
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if target not in frontier or fk.ondelete != "CASCADE":
                    continue
                if "id" not in table.c:
                    continue  # no id of its own (an association table): the pointer check after erasure covers it
                ids: set[int] = set(db.scalars(select(table.c.id).where(fk.parent.in_(frontier[target]))))
                new = ids - found.get(table.name, set())
                if new:
                    found.setdefault(table.name, set()).update(new)
                    nxt.setdefault(table.name, set()).update(new)
        frontier = nxt
    occupants = set(
        db.scalars(select(PraksisplassOccupant.id).where(PraksisplassOccupant.candidate_ref == candidate_id))
    )
    if occupants:
        found["praksisplass_occupants"] = occupants
    return found


def _person_everywhere(db: Session, team: dict[str, Any]) -> cm.Candidate:
    c = full_candidate(db, team)
    js, mk = team["js"], team["mk"]
    candidates_privacy.give_consent(db, actor=js, candidate_id=c.id, employer_id=team["employer"].id)
    record = make_followup_record(db, team["office"], js, c, start_date=dt.date(2026, 1, 5))
    followup_placements.start_placement(
        db,
        actor=js,
        record=record,
        type="ordinaer",
        start_date=dt.date(2026, 2, 2),
        percent=40,
        employer_id=team["employer"].id,
        today=dt.date(2026, 2, 2),
    )
    opening = make_opening(db, team["employer"], actor=mk)
    employers_openings.transition_opening(db, actor=mk, opening_id=opening.id, to_status="publisert")
    entry = recruitment_service.add_candidate(
        db, actor=js, opening_id=opening.id, candidate_id=c.id, score=0.7
    )
    recruitment_service.set_status(db, actor=js, entry_id=entry.id, status="KONTAKTET")
    place = make_praksisplass(db, team["employer"], actor=mk)
    employers_praksis.add_occupant(
        db, actor=mk, praksisplass_id=place.id, start_date="2026-03-01", candidate_ref=c.id, note="Amina H."
    )
    db.flush()
    return c


def test_erasure_leaves_only_the_audit_tombstone(db, team):
    c = _person_everywhere(db, team)
    cid = c.id
    before = _referencing_rows(db, cid)
    # the world really reaches into every domain (so the checks below can fail)
    expected = {m.__tablename__ for m in CANDIDATE_MODELS} | {
        "followup_records",
        "followup_placements",
        "candidate_list_entries",
        "candidate_list_events",
        "praksisplass_occupants",
    }
    assert expected <= set(before), expected - set(before)
    candidates_privacy.erase_candidate(
        db, actor=team["js"], candidate_id=cid, confirm=True, reason="krav fra personen"
    )
    db.expire_all()
    occupant_ids = before.pop("praksisplass_occupants")
    for occupant in db.scalars(select(PraksisplassOccupant).where(PraksisplassOccupant.id.in_(occupant_ids))):
        # the employer's occupancy history stays, with nothing left that points at or names the person
        assert occupant.candidate_ref is None and "Amina" not in occupant.note
    for table_name, ids in before.items():
        table = Base.metadata.tables[table_name]
        left = db.scalar(select(func.count()).select_from(table).where(table.c.id.in_(ids)))
        assert left == 0, f"{left} row(s) left in {table_name}"
    # no foreign key anywhere still points at an erased row (SET NULL references are cut)
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in before:
                n = db.scalar(
                    select(func.count()).select_from(table).where(fk.parent.in_(before[fk.column.table.name]))
                )
                assert n == 0, f"{table.name}.{fk.parent.name} still points at an erased row"
    assert (
        db.scalar(
            select(func.count())
            .select_from(PraksisplassOccupant)
            .where(PraksisplassOccupant.candidate_ref == cid)
        )
        == 0
    )
    # the tombstone: audit rows with ids only, the last one the deletion; no personal data in any of them
    entries = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "candidate", AuditEntry.subject_id == str(cid))
        .order_by(AuditEntry.id)
    ).all()
    assert entries and entries[-1].action == "delete"
    dump = json.dumps(
        [
            {a.key: str(getattr(e, a.key)) for a in AuditEntry.__mapper__.column_attrs}
            for e in db.scalars(select(AuditEntry))
        ],
        ensure_ascii=False,
    )
    for personal in ("Amina", "Haugland", "amina@example.no", MARKER, "Lagermedarbeider"):
        assert personal not in dump, personal


def test_erasure_needs_confirmation_and_access(db, team):
    c = make_candidate(db, team["office"], actor=team["js"])
    with pytest.raises(AccessDenied):
        candidates_privacy.erase_candidate(
            db, actor=make_user(db, "jobbspesialist"), candidate_id=c.id, confirm=False
        )
    with pytest.raises(ValidationFailed) as exc:
        candidates_privacy.erase_candidate(db, actor=team["js"], candidate_id=c.id)
    assert exc.value.field == "confirm"
    with pytest.raises(Forbidden):
        candidates_privacy.erase_candidate(db, actor=team["emp"], candidate_id=c.id, confirm=True)
    assert db.get(cm.Candidate, c.id) is not None


def test_erase_expired_with_dry_run(db, team):
    js = team["js"]
    expired = make_candidate(db, team["office"], actor=js, retention_date=dt.date(2026, 3, 1))
    today_ = make_candidate(db, team["office"], actor=js, retention_date=dt.date(2026, 3, 2))
    kept = make_candidate(db, team["office"], actor=js)
    ended = service.update_candidate(db, actor=js, candidate_id=kept.id, status="avsluttet")
    assert ended.retention_date == today_in_oslo() + dt.timedelta(days=service.RETENTION_DAYS)
    ids = [expired.id, today_.id, kept.id]

    assert candidates_privacy.erase_expired(db, today=dt.date(2026, 3, 2), dry_run=True) == [expired.id]
    assert db.scalar(select(func.count()).select_from(cm.Candidate).where(cm.Candidate.id.in_(ids))) == 3
    assert candidates_privacy.erase_expired(db, today=dt.date(2026, 3, 2)) == [expired.id]
    db.expire_all()
    remaining = set(db.scalars(select(cm.Candidate.id).where(cm.Candidate.id.in_(ids))))
    assert remaining == {today_.id, kept.id}
    tomb = db.scalar(
        select(AuditEntry).where(AuditEntry.subject_id == str(expired.id), AuditEntry.action == "delete")
    )
    assert tomb is not None and tomb.actor_email is None
    assert candidates_privacy.erase_expired(db, today=dt.date(2026, 3, 2)) == []
