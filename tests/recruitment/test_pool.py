"""The matching pool from real rows: capacity from uføregrad, needs as inclusion, closed openings left out."""

import datetime as dt

from candidates import service_profile as candidates_profile
from employers import service_openings as employers_openings
from recruitment import pool
from tests.factories import make_candidate, make_employer, make_office, make_user


def _publish(db, staff, opening):
    employers_openings.transition_opening(db, actor=staff, opening_id=opening.id, to_status="publisert")
    return opening


def test_db_rows_rank_the_part_time_job_first_for_partial_capacity(db):
    office = make_office(db)
    staff = make_user(db, "markedskontakt", office=office)
    employer = make_employer(db, municipality_code="3407")
    full = employers_openings.create_opening(
        db,
        actor=staff,
        employer_id=employer.id,
        title="Butikkmedarbeider",
        percent_min=100,
        percent_max=100,
        municipality_code="3407",
    )
    part = employers_openings.create_opening(
        db,
        actor=staff,
        employer_id=employer.id,
        title="Butikkmedarbeider",
        percent_min=30,
        percent_max=40,
        municipality_code="3407",
        working_time=["dagtid"],
        inclusion=["ARBEIDSTID"],
    )
    draft = employers_openings.create_opening(
        db,
        actor=staff,
        employer_id=employer.id,
        title="Butikkmedarbeider",
        percent_min=30,
        percent_max=40,
        municipality_code="3407",
    )
    _publish(db, staff, full)
    _publish(db, staff, part)
    person = make_candidate(db, office)
    caseworker = make_user(db, "jobbspesialist", office=office)  # restricted fields: need-to-know
    candidates_profile.set_programme(
        db, actor=caseworker, candidate_id=person.id, kind="UFORETRYGD", data={"uforegrad": "60"}
    )
    candidates_profile.set_needs(
        db, actor=caseworker, candidate_id=person.id, data={"needs_arbeidstid": ["IKKE_HELE_DAGER"]}
    )
    candidates_profile.add_cv_entry(
        db,
        actor=staff,
        candidate_id=person.id,
        kind="arbeid",
        data={"title": "Butikkmedarbeider", "start_date": "2015-01-01", "end_date": "2019-01-01"},
    )
    candidates_profile.set_job_profile(
        db,
        actor=staff,
        candidate_id=person.id,
        data={"wanted_titles": ["butikk"], "municipalities": ["3407"], "working_time": ["dagtid"]},
    )
    profiles = pool.candidate_profiles(db, ids=[person.id], today=dt.date(2026, 11, 23))
    assert profiles[0].capacity_percent == 40
    assert profiles[0].needs == ("ARBEIDSTID",)

    matcher = pool.build_matcher(db, today=dt.date(2026, 11, 23))
    ids = {o.id for o in pool.opening_profiles(db)}
    assert str(draft.id) not in ids and {str(full.id), str(part.id)} <= ids
    ranked = matcher.rank_openings(pool.candidate_profiles(db, ids=[person.id])[0], k=10)
    by_id = {r.id: r for r in ranked}
    assert ranked[0].id == str(part.id) and ranked[0].feasible
    # the full-time job is beyond 40 % capacity; it never ranks above the feasible one
    assert str(full.id) not in by_id or not by_id[str(full.id)].feasible
    assert matcher.weights_version == "default"
