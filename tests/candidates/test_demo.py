"""The small demo's candidates: at least 300, varied as the issue asks, valid by the services' own rules, and the
same for the same seed."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import derived as candidates_derived
from candidates import sensitive_text, service
from candidates import service_profile as candidates_profile
from candidates.models import (
    INNSATSGRUPPER,
    NEED_CATEGORIES,
    Candidate,
    Consent,
    LanguageSkill,
    Programme,
    WorkExperience,
)
from core import accounts
from core.formatting import today_in_oslo
from demo import candidates as candidates_demo
from tests.factories import load_builtin_reference, make_employer, make_user


def _load(db: Session, seed: int = 7):
    offices = [
        accounts.create_office(db, number=n, name=f"NAV {m}", municipalities=[m])
        for n, m in (("0502", "3407"), ("0501", "3405"))
    ]
    users = [make_user(db, "jobbspesialist", office=o) for o in offices]
    employers = [make_employer(db), make_employer(db)]
    n = candidates_demo.generate(
        db, rng=random.Random(seed), offices=offices, users=users, size="small", employers=employers
    )
    db.flush()
    return offices, users, employers, n


def test_small_demo_is_varied(db):
    load_builtin_reference(db)
    offices, _users, employers, n = _load(db)
    assert n >= 300
    ids = list(db.scalars(select(Candidate.id)))
    assert len(ids) == n
    today = today_in_oslo()
    rows = db.scalars(select(Candidate).options(*candidates_access.FULL_LOAD)).all()
    capacities = [candidates_derived.capacity_of(c, today) for c in rows]
    below = [c for c in capacities if c.percent < 100]
    assert len(below) * 3 >= len(rows), f"{len(below)} of {len(rows)} below 100 %"
    assert {c.source for c in below} == {"uføregrad", "overstyrt"}
    assert all(c.reason for c in capacities if c.source == "overstyrt")
    grades = {p.uforegrad for c in rows for p in c.programmes if p.kind == "UFORETRYGD"}
    assert {50, 60, 70, 80} <= grades

    groups = Counter(c.situation.innsatsgruppe for c in rows if c.situation)
    assert set(groups) == set(INNSATSGRUPPER)
    for category in NEED_CATEGORIES:
        assert sum(1 for c in rows if c.situation and c.situation.needs(category)) >= 10, category

    ages = [c.age(today) for c in rows]
    assert min(ages) >= 18 and max(ages) <= 64
    assert sum(1 for c in rows if c.under_30(today)) >= len(rows) // 4

    kinds = Counter(p.kind for c in rows for p in c.programmes)
    assert {"IPS", "KVP", "INTRODUKSJONSPROGRAM", "AAP", "UFORETRYGD", "SOSIALHJELP"} <= set(kinds)
    for c in rows:
        for p in c.programmes:
            if p.kind == "SOSIALHJELP" and c.under_30(today):
                assert p.aktivitetsplikt is True
    refugees_norsk = db.scalars(
        select(LanguageSkill.level).where(
            LanguageSkill.language == "Norsk", LanguageSkill.level.in_(("A2", "B1"))
        )
    ).all()
    assert len(refugees_norsk) >= 15
    codes = set(db.scalars(select(WorkExperience.styrk_code)))
    assert {"9112", "5223", "4321", "9412", "5321", "5311", "8322", "9313", "8189", "4110", "4222"} <= codes
    # every office has its share, each with a responsible specialist
    assert {c.office_id for c in rows} == {o.id for o in offices}
    assert all(c.responsible_user_id for c in rows)
    consents = db.scalars(select(Consent)).all()
    assert any(x.employer_id == employers[0].id and x.named and x.withdrawn_at is None for x in consents)
    assert any(not x.named for x in consents) and any(x.withdrawn_at for x in consents)
    # the demo's presentations pass the sensitive-text check (the demo shows clean sharing)
    presented = db.scalars(select(Candidate.presentation).where(Candidate.presentation != "")).all()
    assert presented and not [p for p in presented if sensitive_text.check(p)]


def test_demo_rows_pass_the_services_rules(db):
    """Bulk-inserted rows skip the services: re-cleaning a sample through them must change nothing."""
    load_builtin_reference(db)
    _, users, _, _ = _load(db)
    rows = db.scalars(
        select(Candidate).options(*candidates_access.FULL_LOAD).order_by(Candidate.id).limit(60)
    ).all()
    for c in rows:
        for kind, entries in (
            ("arbeid", c.work_experiences),
            ("utdanning", c.educations),
            ("sertifikat", c.certificates),
            ("sprak", c.languages),
        ):
            for entry in entries:
                data = {
                    k: getattr(entry, k)
                    for k in candidates_profile.CV_KINDS[kind][0].__table__.columns.keys()  # noqa: SIM118 (column names, not columns)
                }
                data = {k: v for k, v in data.items() if k not in ("id", "candidate_id")}
                cleaned = candidates_profile.clean_cv_entry(db, kind, data)
                assert {k: cleaned[k] for k in data} == data, (kind, data)
        profile = c.job_profile
        assert profile is not None and profile.percent_min <= profile.percent_max
        assert profile.percent_max <= candidates_derived.capacity_of(c).percent
    # a demo candidate can be changed through the services afterwards (the version column works)
    first = rows[0]
    actor = next(u for u in users if u.office_id == first.office_id)
    service.update_candidate(db, actor=actor, candidate_id=first.id, phone="+47 99999999")
    candidates_profile.set_job_profile(
        db, actor=actor, candidate_id=first.id, data={"max_commute_km": 15}, partial=True
    )


def test_same_seed_same_people(db):
    _load(db, seed=11)
    first = db.execute(
        select(Candidate.first_name, Candidate.last_name, Candidate.birth_date).order_by(Candidate.id)
    ).all()
    programmes = db.execute(select(Programme.kind, Programme.uforegrad).order_by(Programme.id)).all()
    db.rollback()  # the savepoint of the fixture: start again from an empty database
    assert db.scalar(select(func.count()).select_from(Candidate)) == 0
    _load(db, seed=11)
    again = db.execute(
        select(Candidate.first_name, Candidate.last_name, Candidate.birth_date).order_by(Candidate.id)
    ).all()
    assert again == first
    assert db.execute(select(Programme.kind, Programme.uforegrad).order_by(Programme.id)).all() == programmes
