"""The live ranking's index on a real engine (as the server runs it): built once, then kept current row by row
from change marks, so an edit made through the services — here in separate transactions, as separate requests
would — re-ranks at the next call without a rebuild."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from candidates import service as candidates_service
from candidates import service_profile as candidates_profile
from core import migrate
from core.db import make_engine, session_scope
from core.formatting import today_in_oslo
from employers import service_openings as employers_openings
from recruitment import ranking
from tests.browser_support import ScratchDatabase
from tests.factories import make_candidate, make_employer, make_office, make_user


@pytest.fixture
def factory(tmp_path):
    scratch = ScratchDatabase(tmp_path, "ranking_cache")
    engine = make_engine(scratch.url)
    migrate.upgrade(engine)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    ranking._cache.entries.clear()
    engine.dispose()
    scratch.drop()


def test_edits_reach_the_cached_index_without_a_rebuild(factory):
    with session_scope(factory) as s:
        office = make_office(s)
        js = make_user(s, "jobbspesialist", office=office)
        employer = make_employer(s, municipality_code="3407", actor=js)
        opening = employers_openings.create_opening(
            s,
            actor=js,
            employer_id=employer.id,
            title="Renholder",
            percent_min=50,
            percent_max=50,
            municipality_code="3407",
        )
        employers_openings.transition_opening(s, actor=js, opening_id=opening.id, to_status="publisert")
        person = make_candidate(s, office, actor=js)
        candidates_profile.set_job_profile(
            s,
            actor=js,
            candidate_id=person.id,
            data={"wanted_titles": ["renholder"], "municipalities": ["3407"]},
        )
        ids = {"js": js.id, "opening": opening.id, "person": person.id, "employer": employer.id}

    def suggestions() -> list[int]:
        with session_scope(factory) as s:
            actor = s.get_one(type(js), ids["js"])
            return [
                x.opening_id
                for x in ranking.openings_for_candidate(s, actor=actor, candidate_id=ids["person"]).feasible
            ]

    def candidates() -> list[int]:
        with session_scope(factory) as s:
            actor = s.get_one(type(js), ids["js"])
            return [
                m.candidate_id
                for m in ranking.candidates_for_opening(s, actor=actor, opening_id=ids["opening"]).matches
            ]

    assert suggestions() == [ids["opening"]]
    assert candidates() == [ids["person"]]
    built = {k: e.matcher for k, e in ranking._cache.entries.items()}
    assert len(built) == 2

    # a second opening is published; the person's capacity drops below the first opening's 50 %
    with session_scope(factory) as s:
        actor = s.get_one(type(js), ids["js"])
        second = employers_openings.create_opening(
            s,
            actor=actor,
            employer_id=ids["employer"],
            title="Renholder",
            percent_min=20,
            percent_max=30,
            municipality_code="3407",
        )
        employers_openings.transition_opening(s, actor=actor, opening_id=second.id, to_status="publisert")
        candidates_profile.set_capacity(
            s, actor=actor, candidate_id=ids["person"], override_percent="30", reason="Helse"
        )
        ids["second"] = second.id
    assert suggestions() == [ids["second"]], "the new opening is there, the 50 % one no longer feasible"
    assert candidates() == [], "for the 50 % opening the person is no longer feasible"

    # the person leaves (status avsluttet): gone from the candidate index
    with session_scope(factory) as s:
        actor = s.get_one(type(js), ids["js"])
        candidates_service.update_candidate(s, actor=actor, candidate_id=ids["person"], status="avsluttet")
    with session_scope(factory) as s:
        actor = s.get_one(type(js), ids["js"])
        ranked = ranking.candidates_for_opening(s, actor=actor, opening_id=ids["second"])
        assert ranked.matches == []
    assert {k: e.matcher for k, e in ranking._cache.entries.items()} == built, "edited in place, not rebuilt"
    assert today_in_oslo() == next(iter(ranking._cache.entries.values())).today
