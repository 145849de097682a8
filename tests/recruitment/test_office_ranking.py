"""Office-correct ranking (issue 18, item 5): the reader's candidates are a mask inside the engine, applied before
the top-k cut, so a small office gets its own best k even when a big office's candidates fill the national top."""

from __future__ import annotations

from candidates import service_profile as candidates_profile
from employers import service_openings as employers_openings
from recruitment import ranking
from tests.factories import make_candidate, make_employer, make_office, make_user


def _people(db, office, actor, n: int, wanted: str, percent_min: int):
    ids = []
    for _ in range(n):
        p = make_candidate(db, office, actor=actor)
        candidates_profile.set_job_profile(
            db,
            actor=actor,
            candidate_id=p.id,
            data={"wanted_titles": [wanted], "municipalities": ["3407"], "percent_min": percent_min},
        )
        ids.append(p.id)
    return ids


def test_two_offices_of_unequal_size_each_get_their_full_top_k(db):
    small_office, big_office = make_office(db), make_office(db)
    small_js = make_user(db, "jobbspesialist", office=small_office)
    big_js = make_user(db, "jobbspesialist", office=big_office)
    employer = make_employer(db, municipality_code="3407", actor=big_js)
    opening = employers_openings.create_opening(
        db,
        actor=big_js,
        employer_id=employer.id,
        title="Renholder",
        percent_min=50,
        percent_max=60,
        municipality_code="3407",
    )
    employers_openings.transition_opening(db, actor=big_js, opening_id=opening.id, to_status="publisert")
    big = _people(db, big_office, big_js, 300, "renholder", 50)
    # the small office's five are weaker: another occupation, and a wish for more hours than the job has
    small = _people(db, small_office, small_js, 5, "kokk", 90)
    db.flush()

    small_result = ranking.candidates_for_opening(db, actor=small_js, opening_id=opening.id, k=30)
    assert sorted(m.candidate_id for m in small_result.matches) == sorted(small)
    assert small_result.candidates_total == 5
    assert all(not m.item.related for m in small_result.matches), (
        "they sit below the line, but they are there"
    )

    big_result = ranking.candidates_for_opening(db, actor=big_js, opening_id=opening.id, k=30)
    assert len(big_result.matches) == 30 and {m.candidate_id for m in big_result.matches} <= set(big)
    assert all(m.item.related and m.item.explanation.startswith("Samme yrke") for m in big_result.matches)
