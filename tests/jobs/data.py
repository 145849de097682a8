"""Prepared data for the scheduled jobs, built through the real services, relative to a given day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from candidates import service_profile as candidates_profile
from candidates.models import Candidate
from core.models import Office, User
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from employers.models import Employer, Opening
from tests.factories import (
    load_builtin_reference,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)

STYRK = "5223"  # butikkmedarbeidere


@dataclass
class Team:
    office: Office
    market_contact: User
    specialist: User
    employer: Employer
    employer_users: list[User]


def team(db: Session, *, employer_users: int = 2) -> Team:
    office = make_office(db)
    mk = make_user(db, "markedskontakt", office=office)
    specialist = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db, actor=mk)
    employer.responsible_user_id = mk.id
    users = [make_user(db, "arbeidsgiver", employer=employer) for _ in range(employer_users)]
    db.flush()
    return Team(office, mk, specialist, employer, users)


def published_opening(
    db: Session, t: Team, *, deadline: dt.date, published_on: dt.date, **kw: object
) -> Opening:
    opening = make_opening(db, t.employer, actor=t.market_contact, **kw)
    employers_openings.transition_opening(
        db,
        actor=t.market_contact,
        opening_id=opening.id,
        to_status="publisert",
        today=published_on,
        application_deadline=deadline,
    )
    return opening


def matching_opening(db: Session, t: Team, today: dt.date) -> Opening:
    """A part-time shop job in the team's municipality, open for a month."""
    load_builtin_reference(db)
    return published_opening(
        db,
        t,
        deadline=today + dt.timedelta(days=30),
        published_on=today,
        title="Butikkmedarbeider",
        percent_min=30,
        percent_max=40,
        municipality_code="3407",
        working_time=["dagtid"],
        inclusion=["ARBEIDSTID"],
        styrk_code=STYRK,
    )


def candidate_for(db: Session, t: Team, *, weak: bool = False) -> Candidate:
    """A candidate of the team's job specialist: a strong match for `matching_opening` (≈ 0.95), or with
    `weak` (another occupation, wanting work elsewhere) a feasible but weak one."""
    styrk = "9112" if weak else STYRK
    person = make_candidate(db, t.office, actor=t.specialist)
    staff = t.specialist
    candidates_profile.set_programme(
        db, actor=staff, candidate_id=person.id, kind="UFORETRYGD", data={"uforegrad": "60"}
    )
    candidates_profile.set_needs(
        db, actor=staff, candidate_id=person.id, data={"needs_arbeidstid": ["IKKE_HELE_DAGER"]}
    )
    candidates_profile.add_cv_entry(
        db,
        actor=staff,
        candidate_id=person.id,
        kind="arbeid",
        data={
            "title": "Butikkmedarbeider",
            "styrk_code": styrk,
            "start_date": "2015-01-01",
            "end_date": "2019-01-01",
        },
    )
    candidates_profile.set_job_profile(
        db,
        actor=staff,
        candidate_id=person.id,
        data={
            "wanted_styrk": [styrk],
            "municipalities": ["5001" if weak else "3407"],
            "working_time": ["dagtid"],
        },
    )
    return person


def overdue_followup(db: Session, t: Team, today: dt.date) -> None:
    """A follow-up record started two months ago with nothing done since: contacts are overdue."""
    start = today - dt.timedelta(days=60)
    make_followup_record(db, t.office, t.specialist, start_date=start, today=start)


def overdue_next_step(db: Session, t: Team, today: dt.date) -> None:
    employers_contacts.log_contact(
        db,
        actor=t.market_contact,
        employer_id=t.employer.id,
        date=today - dt.timedelta(days=5),
        type="møte",
        summary="Møte om behov",
        next_step="Ringe tilbake",
        next_step_due=today - dt.timedelta(days=2),
    )


def past_retention(db: Session, t: Team, today: dt.date) -> Candidate:
    return make_candidate(db, t.office, actor=t.specialist, retention_date=today - dt.timedelta(days=1))
