"""Derived facts: work capacity from the uføregrad or an override with its reason, and "under 30" from the birth
date (in Python and in the search query, which must agree at the 30th birthday and around 29 February)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from candidates import access as candidates_access
from candidates import derived as candidates_derived
from candidates import service
from candidates import service_profile as candidates_profile
from candidates.derived import capacity_sql
from candidates.models import Candidate
from core.errors import ValidationFailed
from core.formatting import today_in_oslo
from tests.factories import make_candidate, make_office, make_user

D = dt.date


@pytest.fixture
def team(db):
    office = make_office(db)
    return office, make_user(db, "jobbspesialist", office=office)


def _full(db, actor, candidate_id):
    db.expire_all()
    return candidates_access.load_for_change(
        db, actor=actor, candidate_id=candidate_id, purpose="test", full=True
    )


def test_capacity_from_uforegrad_and_override_with_reason(db, team):
    office, js = team
    cid = make_candidate(db, office, actor=js).id
    assert candidates_derived.capacity_of(_full(db, js, cid)) == candidates_derived.Capacity(100, "standard")

    candidates_profile.set_programme(
        db, actor=js, candidate_id=cid, kind="UFORETRYGD", data={"uforegrad": "60"}
    )
    cap = candidates_derived.capacity_of(_full(db, js, cid))
    assert (cap.percent, cap.source, cap.uforegrad) == (40, "uføregrad", 60)

    with pytest.raises(ValidationFailed) as exc:
        candidates_profile.set_capacity(db, actor=js, candidate_id=cid, override_percent=30, reason="  ")
    assert exc.value.field == "capacity_override_reason"
    assert candidates_derived.capacity_of(_full(db, js, cid)).percent == 40  # nothing written

    candidates_profile.set_capacity(
        db, actor=js, candidate_id=cid, override_percent="30", reason="Avklart med lege"
    )
    cap = candidates_derived.capacity_of(_full(db, js, cid))
    assert (cap.percent, cap.source, cap.reason, cap.uforegrad) == (30, "overstyrt", "Avklart med lege", 60)

    candidates_profile.set_capacity(db, actor=js, candidate_id=cid, override_percent="", reason="gammel")
    candidate = _full(db, js, cid)
    assert candidate.situation.capacity_override_reason is None  # the reason goes with the override
    assert candidates_derived.capacity_of(candidate).percent == 40

    with pytest.raises(ValidationFailed) as exc:
        candidates_profile.set_capacity(db, actor=js, candidate_id=cid, override_percent=140, reason="x")
    assert exc.value.field == "capacity_override_percent"
    with pytest.raises(ValidationFailed) as exc:
        candidates_profile.set_programme(
            db, actor=js, candidate_id=cid, kind="UFORETRYGD", data={"uforegrad": ""}
        )
    assert exc.value.field == "uforegrad"


def test_ended_uforetrygd_no_longer_reduces_capacity(db, team):
    office, js = team
    cid = make_candidate(db, office, actor=js).id
    candidates_profile.set_programme(
        db,
        actor=js,
        candidate_id=cid,
        kind="UFORETRYGD",
        data={"uforegrad": 50, "start_date": "2020-01-01", "end_date": "2025-12-31"},
    )
    candidate = _full(db, js, cid)
    assert candidates_derived.capacity_of(candidate, D(2025, 12, 31)).percent == 50
    assert candidates_derived.capacity_of(candidate, D(2026, 1, 1)) == candidates_derived.Capacity(
        100, "standard"
    )
    # the search filter agrees
    found = service.list_candidates(db, actor=js, reduced_capacity=True, today=D(2025, 6, 1))
    assert [c.id for c in found] == [cid]
    assert service.list_candidates(db, actor=js, reduced_capacity=True, today=D(2026, 6, 1)) == []


def test_list_capacities_agree_with_the_record(db, team):
    """The list reads capacity with plain queries; it must give what the full record gives, case by case."""
    office, js = team
    plain = make_candidate(db, office, actor=js).id
    graded = make_candidate(db, office, actor=js).id
    candidates_profile.set_programme(
        db, actor=js, candidate_id=graded, kind="UFORETRYGD", data={"uforegrad": "60"}
    )
    ended = make_candidate(db, office, actor=js).id
    candidates_profile.set_programme(
        db,
        actor=js,
        candidate_id=ended,
        kind="UFORETRYGD",
        data={"uforegrad": 50, "start_date": "2020-01-01", "end_date": "2025-12-31"},
    )
    overridden = make_candidate(db, office, actor=js).id
    candidates_profile.set_programme(
        db, actor=js, candidate_id=overridden, kind="UFORETRYGD", data={"uforegrad": "30"}
    )
    candidates_profile.set_capacity(
        db, actor=js, candidate_id=overridden, override_percent="20", reason="Avklart med lege"
    )
    ids = [plain, graded, ended, overridden]
    for today in (D(2025, 6, 1), D(2026, 6, 1)):
        rows, total = service.list_page(db, actor=js, today=today)
        assert total == 4
        listed = {r.id: r.capacity for r in rows}
        assert listed == {cid: candidates_derived.capacity_of(_full(db, js, cid), today) for cid in ids}
    rows, _ = service.list_page(db, actor=js, today=D(2026, 6, 1))
    capacities = {r.id: r.capacity for r in rows}
    assert [cap.percent if cap else None for cap in (capacities[c] for c in ids)] == [100, 40, 100, 20]


def test_list_page_totals_and_pages(db, team):
    office, js = team
    for i in range(5):
        make_candidate(db, office, actor=js, last_name=f"Etternavn{i}")
    rows, total = service.list_page(db, actor=js, limit=2, offset=2)
    assert (len(rows), total) == (2, 5)
    assert [r.last_name for r in rows] == ["Etternavn2", "Etternavn3"]
    assert service.list_page(db, actor=js, limit=2, offset=10) == (
        [],
        5,
    )  # past the end: the total still right
    assert service.list_page(db, actor=js, q="etternavn4")[1] == 1
    other = make_user(db, "jobbspesialist", office=make_office(db))
    assert service.list_page(db, actor=other) == ([], 0)  # another office's list is empty


@pytest.mark.parametrize(
    ("birth", "today", "under"),
    [
        (D(1996, 6, 15), D(2026, 6, 14), True),  # the day before the 30th birthday
        (D(1996, 6, 15), D(2026, 6, 15), False),  # the 30th birthday
        (D(1996, 2, 29), D(2026, 2, 28), True),  # born 29 February: 30 on 1 March in a common year
        (D(1996, 2, 29), D(2026, 3, 1), False),
        (D(1994, 2, 28), D(2024, 2, 28), False),  # today is in a leap year
        (D(1994, 3, 1), D(2024, 2, 29), True),
        (D(1994, 2, 28), D(2024, 2, 29), False),
        (D(1964, 2, 29), D(2024, 2, 29), False),
        (D(2008, 1, 1), D(2026, 1, 1), True),
    ],
)
def test_under_30_boundaries(db, team, birth, today, under):
    office, js = team
    candidate = make_candidate(db, office, actor=js, birth_date=birth)
    assert candidate.under_30(today) is under
    found = service.list_candidates(db, actor=js, under_30=True, today=today)
    assert (candidate.id in [c.id for c in found]) is under
    assert service.count_candidates(db, actor=js, under_30=True, today=today) == int(under)


def test_age_is_derived_not_stored(db, team):
    office, js = team
    candidate = make_candidate(db, office, actor=js, birth_date=D(2000, 12, 31))
    assert candidate.age(D(2026, 12, 30)) == 25 and candidate.age(D(2026, 12, 31)) == 26
    assert "age" not in Candidate.__table__.columns
    assert "under_30" not in Candidate.__table__.columns


def test_sosialhjelp_aktivitetsplikt_defaults_to_under_30(db, team):
    office, js = team
    young = make_candidate(
        db, office, actor=js, birth_date=today_in_oslo().replace(year=today_in_oslo().year - 22)
    )
    old = make_candidate(db, office, actor=js, birth_date=D(1970, 1, 1))
    p_young = candidates_profile.set_programme(
        db, actor=js, candidate_id=young.id, kind="SOSIALHJELP", data={}
    )
    p_old = candidates_profile.set_programme(db, actor=js, candidate_id=old.id, kind="SOSIALHJELP", data={})
    assert p_young.aktivitetsplikt is True and p_old.aktivitetsplikt is False


def test_kept_list_statements_are_never_shared_across_offices(db):
    """list_page keeps its statements per access key: alternate offices (and the same filters) must still each see
    only their own; an admin sees both; an employer user none."""
    offices = [make_office(db), make_office(db)]
    staff = [make_user(db, "jobbspesialist", office=o) for o in offices]
    for i, office in enumerate(offices):
        make_candidate(db, office, actor=staff[i], last_name=f"Kontor{i}")
    for _ in range(2):
        for i, user in enumerate(staff):
            rows, total = service.list_page(db, actor=user, q="kontor")
            assert [r.last_name for r in rows] == [f"Kontor{i}"] and total == 1
    admin = make_user(db, "admin")
    assert {r.last_name for r in service.list_page(db, actor=admin, q="kontor")[0]} == {"Kontor0", "Kontor1"}
    assert service.list_page(db, actor=make_user(db, "arbeidsgiver"), q="kontor") == ([], 0)
    with pytest.raises(TypeError):
        service.list_page(db, actor=staff[0], navn="x")


def test_kept_record_statements_are_never_shared_across_offices(db):
    from core.errors import AccessDenied

    offices = [make_office(db), make_office(db)]
    staff = [make_user(db, "jobbspesialist", office=o) for o in offices]
    ids = [make_candidate(db, o, actor=staff[i]).id for i, o in enumerate(offices)]
    for load in (candidates_access.SUMMARY_LOAD, None):
        for _ in range(2):
            for i, user in enumerate(staff):
                got = candidates_access.get_candidate(
                    db, actor=user, candidate_id=ids[i], purpose="test", load=load
                )
                assert got.id == ids[i]
                with pytest.raises(AccessDenied):
                    candidates_access.get_candidate(
                        db, actor=user, candidate_id=ids[1 - i], purpose="test", load=load
                    )


def test_capacity_in_sql_agrees_with_python(db, team):
    """`capacity_sql` (the list's reduced-capacity filter) and `capacity_of` give every candidate the same
    percent: none, an active, an ended and a full uføretrygd, an override above and below the derived value."""
    office, js = team
    today = today_in_oslo()
    cases = [
        ({}, None),
        ({"uforegrad": "60"}, None),
        ({"uforegrad": "100"}, None),
        ({"uforegrad": "50", "end_date": (today - dt.timedelta(days=1)).isoformat()}, None),
        ({"uforegrad": "60"}, 80),
        ({}, 30),
    ]
    ids = []
    for programme, override in cases:
        cid = make_candidate(db, office, actor=js).id
        if programme:
            data = {"start_date": (today - dt.timedelta(days=400)).isoformat(), **programme}
            candidates_profile.set_programme(db, actor=js, candidate_id=cid, kind="UFORETRYGD", data=data)
        if override is not None:
            candidates_profile.set_capacity(
                db, actor=js, candidate_id=cid, override_percent=override, reason="Vurdert"
            )
        ids.append(cid)
    db.flush()
    in_sql = dict(db.execute(select(Candidate.id, capacity_sql(today)).where(Candidate.id.in_(ids))).all())
    in_python = {cid: candidates_derived.capacity_of(_full(db, js, cid), today).percent for cid in ids}
    assert in_sql == in_python
    assert sorted(in_python.values()) == [0, 30, 40, 80, 100, 100]
