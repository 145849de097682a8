"""Sharing is an act: consent permits it, a person does it (audited), the sensitive-text check guards the text the
employer would see (override with a reason, logged), bulk sharing takes each entry on its own terms, and the demo
shares real entries so its employer login sees candidates."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import demo
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from core.audit import AuditEntry
from core.errors import AccessDenied, ValidationFailed
from core.models import User
from employers import access as employers_access
from employers import service_openings as employers_openings
from recruitment import service
from recruitment.models import EntryEvent
from tests.factories import make_candidate, make_employer, make_office, make_user


@pytest.fixture
def setting(db):
    office = make_office(db)
    staff = make_user(db, "markedskontakt", office=office)
    employer = make_employer(db)
    employer_user = make_user(db, "arbeidsgiver", employer=employer)
    opening = employers_openings.create_opening(
        db, actor=staff, employer_id=employer.id, title="Renholder", percent_min=40, percent_max=60
    )
    return office, staff, employer, employer_user, opening


def _consented_entry(db, office, staff, employer, opening, **kw):
    candidate = make_candidate(db, office, **kw)
    candidates_privacy.give_consent(db, actor=staff, candidate_id=candidate.id, employer_id=employer.id)
    entry = service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=candidate.id)
    return candidate, entry


def _audit(db, candidate_id, action):
    return db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == str(candidate_id), AuditEntry.action == action)
    ).all()


def test_a_flagged_presentation_blocks_sharing_until_overridden_with_a_reason(db, setting):
    office, staff, employer, employer_user, opening = setting
    candidate, entry = _consented_entry(db, office, staff, employer, opening)
    candidates_privacy.set_presentation(
        db, actor=staff, candidate_id=candidate.id, text="Erfaren renholder, mottar delvis uføretrygd."
    )
    with pytest.raises(ValidationFailed) as blocked:
        service.share_with_employer(db, actor=staff, entry_id=entry.id)
    assert blocked.value.field == "override_reason" and "«uføretrygd» (Ytelser)" in blocked.value.message
    with pytest.raises(ValidationFailed):
        service.share_with_employer(db, actor=staff, entry_id=entry.id, override_reason="   ")
    assert entry.shared_at is None and not _audit(db, candidate.id, "share")
    with pytest.raises(AccessDenied):
        service.shared_candidate(db, actor=employer_user, candidate_id=candidate.id)

    service.share_with_employer(
        db, actor=staff, entry_id=entry.id, override_reason="Kandidaten vil selv at arbeidsgiver vet det"
    )
    assert entry.shared_at is not None and entry.shared_by_id == staff.id
    assert entry.share_override_reason == "Kandidaten vil selv at arbeidsgiver vet det"
    (logged,) = _audit(db, candidate.id, "share")
    assert logged.actor_id == staff.id and "sensitiv tekst overstyrt (Ytelser)" in logged.purpose
    assert "«uføretrygd»" in logged.detail and "Kandidaten vil selv" in logged.detail
    override = db.scalar(
        select(EntryEvent).where(EntryEvent.entry_id == entry.id, EntryEvent.kind == "override")
    )
    assert override is not None and "Kandidaten vil selv" in override.note and override.actor_id == staff.id
    view = service.shared_candidate(db, actor=employer_user, candidate_id=candidate.id)
    assert view["presentation"] == "Erfaren renholder, mottar delvis uføretrygd."


def test_edited_presentation_shares_without_override_and_cv_titles_are_checked_too(db, setting):
    office, staff, employer, employer_user, opening = setting
    candidate, entry = _consented_entry(db, office, staff, employer, opening)
    candidates_privacy.set_presentation(db, actor=staff, candidate_id=candidate.id, text="Sykmeldt i fjor.")
    candidates_privacy.set_presentation(db, actor=staff, candidate_id=candidate.id, text="Stabil og presis.")
    work = candidates_profile.add_cv_entry(
        db, actor=staff, candidate_id=candidate.id, kind="arbeid", data={"title": "Miljøarbeider i rusomsorg"}
    )
    with pytest.raises(ValidationFailed) as blocked:
        service.share_with_employer(db, actor=staff, entry_id=entry.id)
    assert "«rusomsorg» (Rus)" in blocked.value.message
    candidates_profile.update_cv_entry(
        db,
        actor=staff,
        candidate_id=candidate.id,
        kind="arbeid",
        entry_id=work.id,
        data={"title": "Miljøarbeider"},
    )
    service.share_with_employer(db, actor=staff, entry_id=entry.id)
    assert entry.share_override_reason is None
    assert [x["id"] for x in service.shared_candidates(db, actor=employer_user)] == [candidate.id]


def test_bulk_share_takes_each_chosen_entry_on_its_own_terms(db, setting):
    office, staff, employer, employer_user, opening = setting
    consented, first = _consented_entry(db, office, staff, employer, opening)
    unconsented = make_candidate(db, office)
    second = service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=unconsented.id)
    elsewhere = employers_openings.create_opening(
        db, actor=staff, employer_id=employer.id, title="Kokk", percent_min=50, percent_max=100
    )
    _, foreign = _consented_entry(db, office, staff, employer, elsewhere)
    with pytest.raises(ValidationFailed) as none_chosen:
        service.share_entries(db, actor=staff, opening_id=opening.id, entry_ids=[])
    assert none_chosen.value.field == "entry_ids"
    shared, refused = service.share_entries(
        db, actor=staff, opening_id=opening.id, entry_ids=[first.id, second.id, foreign.id]
    )
    assert shared == [first.id]
    assert {(r["entry_id"], r["field"]) for r in refused} == {
        (second.id, "consent"),
        (foreign.id, "entry_ids"),
    }
    assert foreign.shared_at is None and second.shared_at is None
    assert [x["id"] for x in service.shared_candidates(db, actor=employer_user)] == [consented.id]
    assert len(service.shared_candidates(db, actor=employer_user)) == 1


def test_staff_see_when_a_share_lost_its_consent(db, setting):
    office, staff, employer, employer_user, opening = setting
    candidate, entry = _consented_entry(db, office, staff, employer, opening)
    service.share_with_employer(db, actor=staff, entry_id=entry.id)
    entries = service.entries(db, actor=staff, opening_id=opening.id)
    assert service.share_states(db, entries, opening.id) == {entry.id: "delt"}
    consent = candidates_privacy.active_consents_for(
        db, candidate_id=candidate.id, employer_ids=[employer.id]
    )[0]
    candidates_privacy.withdraw_consent(db, actor=staff, candidate_id=candidate.id, consent_id=consent.id)
    assert service.share_states(db, entries, opening.id) == {entry.id: "uten samtykke"}
    assert service.shared_candidates(db, actor=employer_user) == []
    with pytest.raises(AccessDenied):
        service.shared_candidate(db, actor=employer_user, candidate_id=candidate.id)


def test_the_demo_employer_sees_shared_candidates_and_not_the_merely_consented(db):
    demo.load(db, size="small")
    employer_user = db.scalar(select(User).where(User.email == demo.EMPLOYER_USER[0]))
    (employer_id,) = employers_access.employer_ids_for(db, employer_user)
    listed = service.shared_candidates(db, actor=employer_user)
    assert len(listed) >= 3
    assert all(item["shared_for"] and item["presentation"] for item in listed)
    consenting = set(candidates_privacy.consenting_candidate_ids(db, employer_id=employer_id))
    assert consenting - {x["id"] for x in listed}, (
        "some consent without a share, which the employer must not see"
    )
    for cid in consenting - {x["id"] for x in listed}:
        with pytest.raises(AccessDenied):
            service.shared_candidate(db, actor=employer_user, candidate_id=cid)
