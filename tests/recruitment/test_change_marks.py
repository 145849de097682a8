"""Candidates and openings own their change mark (`changed_at`, issue 16): the ranking index refreshes from it,
not from the audit log. A change to the row or to a row of the person's record moves it; a CV edit does not move
the candidate's `version` (that would turn a colleague's personalia save into a conflict)."""

import datetime as dt

from sqlalchemy import select, update

from candidates import service as candidates_service
from candidates import service_profile as candidates_profile
from candidates.models import Candidate
from employers import service_openings as employers_openings
from employers.models import Opening
from tests.factories import make_candidate, make_employer, make_office, make_user

LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _age(db, model, row_id: int) -> None:
    db.execute(update(model).where(model.id == row_id).values(changed_at=LONG_AGO))
    db.expire_all()


def _mark(db, model, row_id: int):
    return db.execute(select(model.changed_at, model.version).where(model.id == row_id)).one()


def test_cv_and_jobbprofil_changes_move_the_candidates_mark_but_not_its_version(db):
    office = make_office(db)
    staff = make_user(db, "jobbspesialist", office=office)
    person = make_candidate(db, office)
    _age(db, Candidate, person.id)
    version = _mark(db, Candidate, person.id).version

    candidates_profile.add_cv_entry(
        db,
        actor=staff,
        candidate_id=person.id,
        kind="arbeid",
        data={"title": "Renholder", "start_date": "2015-01-01", "end_date": "2019-01-01"},
    )
    db.flush()
    after_cv = _mark(db, Candidate, person.id)
    assert after_cv.changed_at > LONG_AGO and after_cv.version == version
    assert candidates_service.candidates_changed_since(db, after_cv.changed_at, 10) == [person.id]

    _age(db, Candidate, person.id)
    candidates_profile.set_job_profile(
        db,
        actor=staff,
        candidate_id=person.id,
        data={"wanted_titles": ["renholder"], "municipalities": ["3407"]},
    )
    db.flush()
    assert _mark(db, Candidate, person.id).changed_at > LONG_AGO
    changed_at = candidates_service.candidate_change_mark(db).changed_at
    assert changed_at is not None and changed_at > LONG_AGO


def test_an_opening_edit_moves_its_mark(db):
    office = make_office(db)
    staff = make_user(db, "markedskontakt", office=office)
    employer = make_employer(db, municipality_code="3407")
    opening = employers_openings.create_opening(
        db, actor=staff, employer_id=employer.id, title="Renholder", municipality_code="3407"
    )
    db.flush()
    _age(db, Opening, opening.id)
    assert employers_openings.openings_changed_since(db, LONG_AGO + dt.timedelta(days=1), 10) == []
    employers_openings.transition_opening(db, actor=staff, opening_id=opening.id, to_status="publisert")
    db.flush()
    assert _mark(db, Opening, opening.id).changed_at > LONG_AGO
    assert opening.id in employers_openings.openings_changed_since(db, LONG_AGO + dt.timedelta(days=1), 10)
