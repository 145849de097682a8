"""A ranking index never outlives its rows (issue 15, item 8): rows deleted behind the index's back — a cascade,
a restore, an erasure or retention run in another process between the re-match's read and its write — never
reach a page, the API or `recruitment_top_matches`."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from candidates import service as candidates_service
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import Candidate
from core import migrate
from core.db import make_engine, session_scope
from core.formatting import today_in_oslo
from employers import service_openings as employers_openings
from employers.models import Opening
from recruitment import ranking, rematch
from recruitment.models import TopMatch
from tests.browser_support import ScratchDatabase
from tests.factories import make_candidate, make_employer, make_office, make_user
from tests.jobs.conftest import wait_for


@pytest.fixture
def factory(tmp_path):
    scratch = ScratchDatabase(tmp_path, "index_rows")
    engine = make_engine(scratch.url)
    migrate.upgrade(engine)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    ranking._cache.entries.clear()
    engine.dispose()
    scratch.drop()


def _seed(factory, n: int):
    """n published openings and n candidates who fit every one of them, all at one office."""
    with session_scope(factory) as s:
        office = make_office(s)
        js = make_user(s, "jobbspesialist", office=office)
        employer = make_employer(s, municipality_code="3407", actor=js)
        openings = []
        for title in ("Renholder", "Renholdsoperatør")[:n]:
            o = employers_openings.create_opening(
                s,
                actor=js,
                employer_id=employer.id,
                title=title,
                percent_min=50,
                percent_max=100,
                municipality_code="3407",
            )
            employers_openings.transition_opening(s, actor=js, opening_id=o.id, to_status="publisert")
            openings.append(o.id)
        people = []
        for _ in range(n):
            p = make_candidate(s, office, actor=js)
            candidates_profile.set_job_profile(
                s,
                actor=js,
                candidate_id=p.id,
                data={"wanted_titles": ["renholder"], "municipalities": ["3407"]},
            )
            people.append(p.id)
    return js, openings, people


def test_deleted_rows_leave_the_warm_index_and_the_rematch(factory):
    today = today_in_oslo()
    js, openings, people = _seed(factory, 2)
    (keep_o, gone_o), (keep_c, gone_c) = openings, people

    def live() -> tuple[list[int], list[int]]:
        with session_scope(factory) as s:
            actor = s.get_one(type(js), js.id)
            suggested = ranking.openings_for_candidate(s, actor=actor, candidate_id=keep_c)
            ranked = ranking.candidates_for_opening(s, actor=actor, opening_id=keep_o)
            return [x.opening_id for x in suggested.feasible], [m.candidate_id for m in ranked.matches]

    def live_opening_side() -> list[int]:
        with session_scope(factory) as s:
            actor = s.get_one(type(js), js.id)
            ranked = ranking.candidates_for_opening(s, actor=actor, opening_id=keep_o)
            return [m.candidate_id for m in ranked.matches]

    # the index is warm and holds both of each
    assert live() == (sorted(openings), sorted(people))
    indexes = {kind: e.matcher for (kind, _), e in ranking._cache.entries.items()}
    assert indexes["openings"].has_opening(str(gone_o)) and indexes["candidates"].has_candidate(str(gone_c))
    # the nightly re-match has read (and ranked) before the rows went
    with session_scope(factory) as s:
        stale = rematch.rank_top_matches(s, today=today)
    assert {(m.opening_id, m.candidate_id) for m in stale.matches} == {
        (o, c) for o in openings for c in people
    }

    # the rows go without a change mark the index would notice (no audit entry, no updated_at)
    with session_scope(factory) as s:
        s.execute(delete(Candidate).where(Candidate.id == gone_c))
        s.execute(delete(Opening).where(Opening.id == gone_o))

    # the store re-checks every id in its own transaction: no foreign-key failure, nothing for the gone rows
    with session_scope(factory) as s:
        result = rematch.store_top_matches(s, stale.matches)
        assert result.stored == result.inserted == 1
        assert {m.candidate_id for ms in result.by_user.values() for m in ms} <= {keep_c}
    with session_scope(factory) as s:
        assert set(s.execute(select(TopMatch.opening_id, TopMatch.candidate_id))) == {(keep_o, keep_c)}

    # the pages' index drops what it returned for rows that are gone, and ranks again without them
    assert live() == ([keep_o], [keep_c])
    assert not indexes["openings"].has_opening(str(gone_o))
    # (a candidate index row whose person is gone is outside every reader's mask — readable ids come from the
    # rows — so it can never surface; an erasure removes the row, the table's change mark counts one row less and
    # the index drops it at once)
    with session_scope(factory) as s:
        actor = s.get_one(type(js), js.id)
        candidates_privacy.erase_candidate(
            s, actor=actor, candidate_id=keep_c, confirm=True, reason="Kandidaten ba om sletting."
        )
    assert live_opening_side() == []
    assert not indexes["candidates"].has_candidate(str(keep_c))
    assert {kind: e.matcher for (kind, _), e in ranking._cache.entries.items()} == indexes, (
        "dropped, not rebuilt"
    )

    # and a fresh re-match after it all: the erased person's pair went with the row, nothing is left to store
    with session_scope(factory) as s:
        again = rematch.store_top_matches(s, rematch.rank_top_matches(s, today=today).matches)
        assert (again.stored, again.inserted, again.removed) == (0, 0, 0)
        assert s.scalar(select(TopMatch.opening_id)) is None


def _ranked_pair(factory):
    _, (opening,), (person,) = _seed(factory, 1)
    with session_scope(factory) as s:
        matches = rematch.rank_top_matches(s, today=today_in_oslo()).matches
    assert [(m.opening_id, m.candidate_id) for m in matches] == [(opening, person)]
    return opening, person, matches


@pytest.mark.postgres
def test_a_deletion_after_the_recheck_waits_for_the_writer(factory):
    """Read committed lets another transaction delete a row between a writer's re-check and its insert; the
    re-check (`hold_candidates`, `hold_openings`) holds what it found, so the deletion waits for the commit."""
    opening, person, _ = _ranked_pair(factory)
    engine = factory.kw["bind"]
    with factory() as writer:
        assert candidates_service.hold_candidates(writer, [person, person + 1000]) == {person}
        assert employers_openings.hold_openings(writer, [opening]) == {opening}
        for model, row_id in ((Candidate, person), (Opening, opening)):  # an erasure; a deleted opening
            with engine.connect() as other:
                other.execute(text("SET lock_timeout = '300ms'"))
                with pytest.raises(OperationalError, match="lock timeout"):
                    other.execute(delete(model).where(model.id == row_id))
        writer.commit()
    with session_scope(factory) as s:  # and after the commit it goes
        s.execute(delete(Candidate).where(Candidate.id == person))
        assert candidates_service.hold_candidates(s, [person]) == set()


@pytest.mark.postgres
def test_a_deletion_that_commits_during_the_recheck_is_left_out(factory):
    """An erasure not yet committed when the store re-checks: the re-check waits for it, then leaves the person
    out (a plain read would see the row and the insert would then fail on the foreign key)."""
    _, person, matches = _ranked_pair(factory)
    engine = factory.kw["bind"]
    outcome: dict[str, object] = {}

    def store() -> None:
        try:
            with session_scope(factory) as s:
                outcome["result"] = rematch.store_top_matches(s, matches)
        except Exception as e:  # reported below, not lost in the thread
            outcome["error"] = e

    with engine.connect() as eraser, engine.connect() as watcher:
        eraser.execute(delete(Candidate).where(Candidate.id == person))
        thread = threading.Thread(target=store)
        thread.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )

        def blocked() -> int:
            n = watcher.execute(waiting).scalar() or 0
            watcher.rollback()  # pg_stat_activity is read once per transaction
            return n

        wait_for(blocked, what="the store waiting for the eraser")
        eraser.commit()
        thread.join(30)
    assert "error" not in outcome, outcome
    result = outcome["result"]
    assert isinstance(result, rematch.StoreResult) and (result.stored, result.inserted) == (0, 0)
    with session_scope(factory) as s:
        assert s.scalar(select(func.count()).select_from(TopMatch)) == 0
