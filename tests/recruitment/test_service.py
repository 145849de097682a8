"""Candidate lists: statuses with history, office boundaries, employer answers, and learning from outcomes."""

import random

import pytest
from sqlalchemy import select

from candidates import service_privacy as candidates_privacy
from core.errors import AccessDenied, Forbidden, NotFound, ValidationFailed
from employers import service_openings as employers_openings
from matching import DEFAULT_WEIGHTS
from recruitment import service
from recruitment.models import CandidateListEntry, MatchOutcome, WeightModelVersion
from tests.factories import make_candidate, make_employer, make_office, make_user


@pytest.fixture
def setting(db):
    office = make_office(db)
    staff = make_user(db, "markedskontakt", office=office)
    employer = make_employer(db)
    opening = employers_openings.create_opening(
        db, actor=staff, employer_id=employer.id, title="Renholder", percent_min=40, percent_max=60
    )
    return office, staff, employer, opening


def test_statuses_and_outcomes_are_logged_with_who(db, setting):
    office, staff, _, opening = setting
    candidate = make_candidate(db, office)
    entry = service.add_candidate(
        db, actor=staff, opening_id=opening.id, candidate_id=candidate.id, score=0.8
    )
    with pytest.raises(ValidationFailed) as exc:
        service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=candidate.id)
    assert exc.value.field == "candidate_id"
    service.set_status(db, actor=staff, entry_id=entry.id, status="KONTAKTET")
    with pytest.raises(ValidationFailed) as exc:
        service.set_status(db, actor=staff, entry_id=entry.id, status="UAKTUELL")
    assert exc.value.field == "reason"
    service.set_status(db, actor=staff, entry_id=entry.id, status="TIL_INTERVJU")
    service.set_outcome(db, actor=staff, entry_id=entry.id, outcome="FATT_JOBBEN")
    events = [
        (e.kind, e.old_value, e.new_value, e.actor_id)
        for e in service.history(db, actor=staff, entry_id=entry.id)
    ]
    assert events == [
        ("added", None, "VURDERES", staff.id),
        ("status", "VURDERES", "KONTAKTET", staff.id),
        ("status", "KONTAKTET", "TIL_INTERVJU", staff.id),
        ("outcome", "IKKE_PRESENTERT", "FATT_JOBBEN", staff.id),
    ]
    labels = {
        o.source: o.label for o in db.scalars(select(MatchOutcome).where(MatchOutcome.entry_id == entry.id))
    }
    assert labels == {"status": 1, "outcome": 1}


def test_other_office_cannot_add_or_see_the_candidate(db, setting):
    office, staff, _, opening = setting
    other_staff = make_user(db, "jobbspesialist", office=make_office(db))
    candidate = make_candidate(db, office)
    with pytest.raises(AccessDenied):
        service.add_candidate(db, actor=other_staff, opening_id=opening.id, candidate_id=candidate.id)
    service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=candidate.id)
    assert [e.candidate_id for e in service.entries(db, actor=staff, opening_id=opening.id)] == [candidate.id]
    assert service.entries(db, actor=other_staff, opening_id=opening.id) == []


def test_employers_cannot_build_lists_and_answer_only_shared_entries(db, setting):
    office, staff, employer, opening = setting
    employer_user = make_user(db, "arbeidsgiver", employer=employer)
    with pytest.raises(Forbidden):
        service.list_for_opening(db, actor=employer_user, opening_id=opening.id)
    candidate = make_candidate(db, office)
    entry = service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=candidate.id)
    with pytest.raises(NotFound):  # not shared with the employer: refused before the answer is even read
        service.record_employer_answer(db, actor=employer_user, entry_id=entry.id, answer="kanskje")
    with pytest.raises(ValidationFailed) as no_consent:
        service.share_with_employer(db, actor=staff, entry_id=entry.id)
    assert no_consent.value.field == "consent"
    candidates_privacy.give_consent(db, actor=None, candidate_id=candidate.id, employer_id=employer.id)
    service.share_with_employer(db, actor=staff, entry_id=entry.id)
    with pytest.raises(ValidationFailed):
        service.record_employer_answer(db, actor=employer_user, entry_id=entry.id, answer="kanskje")
    service.record_employer_answer(db, actor=employer_user, entry_id=entry.id, answer="intervju")
    kinds = [e.kind for e in service.history(db, actor=staff, entry_id=entry.id)]
    assert kinds == ["added", "shared", "outcome", "answer"]


def test_learned_weights_replace_defaults_only_when_better_on_held_out_outcomes(db, setting):
    """Synthetic truth: employers here care only about place and percent fit; the defaults weigh occupation most."""
    office, staff, _, opening = setting
    rng = random.Random(3)
    keys = list(DEFAULT_WEIGHTS)
    clist = service.list_for_opening(db, actor=staff, opening_id=opening.id)
    for _ in range(400):
        comps = {k: rng.random() for k in keys}
        truth = 0.5 * comps["place"] + 0.5 * comps["percent"]
        label = int(truth + rng.gauss(0, 0.05) > 0.5)
        candidate = make_candidate(db, office)
        entry = CandidateListEntry(list_id=clist.id, candidate_id=candidate.id, components=comps)
        db.add(entry)
        db.flush()
        db.add(MatchOutcome(entry_id=entry.id, source="outcome", label=label, components=comps))
    db.flush()
    result = service.train_weights(db)
    assert result["trained"] and result["activated"], result
    assert result["metrics"]["heldout_new"]["auc"] > result["metrics"]["heldout_current"]["auc"]
    version, weights = service.active_weights(db)
    assert version == result["version"]
    assert weights is not None and weights["place"] + weights["percent"] > 0.5
    assert db.scalar(select(WeightModelVersion).where(WeightModelVersion.active.is_(True))).n_samples == 300
    assert service.list_for_opening(db, actor=staff, opening_id=opening.id).weights_version == "default"


def test_too_few_outcomes_keep_the_defaults(db, setting):
    assert service.train_weights(db)["trained"] is False
    assert service.active_version(db) == "default"
