"""The in-process cache of reference lookups (core.reference.LookupCache): right after an import in this process,
never older than its time-to-live after an import in another one, and never holding rolled-back names."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from core import reference
from core.reference import LookupCache, ReferenceFiles, StyrkCode
from employers.styrk import name_of


def _new_names(folder: Path) -> ReferenceFiles:
    """Files an operator might import next: new names for 9112, Gjøvik and 2815, and a new postal code."""
    styrk = folder / "styrk.json"
    styrk.write_text(
        json.dumps(
            {"classificationItems": [{"code": "9112", "parentCode": "911", "level": 4, "name": "Nytt navn"}]}
        ),
        encoding="utf-8",
    )
    postal = folder / "postal.tsv"
    postal.write_text(
        "2815\tNYTT STED\t3407\tNY KOMMUNE\tG\n9999\tTESTBY\t3407\tNY KOMMUNE\tG\n", encoding="utf-8"
    )
    return ReferenceFiles(styrk=styrk, postal_codes=postal)


def _lookups(session: Session) -> tuple[str, str | None, str | None, bool]:
    gjovik = reference.postal_code(session, "2815")
    return (
        name_of(session, "9112"),
        reference.municipality_name(session, "3407"),
        gjovik.place if gjovik else None,
        reference.postal_code(session, "9999") is not None,
    )


def test_reimport_in_the_same_process_shows_the_new_names_at_once(db, tmp_path):
    reference.import_reference(db, reference.default_files(None))
    old = _lookups(db)
    assert old == ("Renholdere i virksomheter", "Gjøvik", "Gjøvik", False)
    assert _lookups(db) == old  # now from the cache, the unknown code included
    reference.import_reference(db, _new_names(tmp_path))
    assert _lookups(db) == ("Nytt navn", "Ny Kommune", "Nytt Sted", True)


def test_a_rolled_back_import_leaves_no_names_behind(db, tmp_path):
    reference.import_reference(db, reference.default_files(None))
    assert name_of(db, "9112") == "Renholdere i virksomheter"
    savepoint = db.begin_nested()
    reference.import_reference(db, _new_names(tmp_path))
    assert name_of(db, "9112") == "Nytt navn"  # this transaction sees its own import
    savepoint.rollback()
    assert _lookups(db) == ("Renholdere i virksomheter", "Gjøvik", "Gjøvik", False)


def test_names_read_inside_an_import_transaction_go_with_its_rollback(engine: Engine, tmp_path):
    reference.invalidate_cache()
    with engine.connect() as conn:
        before = _lookups(Session(bind=conn))
    with engine.connect() as conn:
        conn.begin()
        session = Session(bind=conn)
        reference.import_reference(session, reference.default_files(None))
        reference.import_reference(session, _new_names(tmp_path))
        assert _lookups(session) == ("Nytt navn", "Ny Kommune", "Nytt Sted", True)
        session.close()
        conn.rollback()
    with engine.connect() as conn:
        assert _lookups(Session(bind=conn)) == before


def test_an_import_in_another_process_shows_within_the_time_to_live(db):
    """Another process's import sends us nothing: a plain UPDATE stands in for it (no ORM events here)."""
    reference.import_reference(db, reference.default_files(None))
    now = [1000.0]
    cache = LookupCache(ttl=60, clock=lambda: now[0])

    def read() -> str | None:
        return db.scalar(select(StyrkCode.name).where(StyrkCode.code == "9112"))

    assert cache.get("styrk", "9112", read) == "Renholdere i virksomheter"
    db.execute(update(StyrkCode).where(StyrkCode.code == "9112").values(name="Fra en annen prosess"))
    now[0] += 59.9
    assert cache.get("styrk", "9112", read) == "Renholdere i virksomheter"
    now[0] += 0.1
    assert cache.get("styrk", "9112", read) == "Fra en annen prosess"


def test_the_time_to_live_counts_from_the_start_of_the_cache_not_from_each_read(db):
    """A name read late in the cache's minute is still dropped with it, so no name is older than the ttl."""
    reference.import_reference(db, reference.default_files(None))
    now = [0.0]
    cache = LookupCache(ttl=60, clock=lambda: now[0])
    reads: list[str] = []

    def read() -> str | None:
        reads.append("9112")
        return db.scalar(select(StyrkCode.name).where(StyrkCode.code == "9112"))

    now[0] = 59.0
    cache.get("styrk", "9112", read)
    now[0] = 61.0
    cache.get("styrk", "9112", read)
    assert len(reads) == 2


def test_a_read_overtaken_by_an_import_is_not_kept(db):
    reference.import_reference(db, reference.default_files(None))
    cache = LookupCache()
    calls: list[int] = []

    def read_while_an_import_commits() -> str | None:
        calls.append(1)
        name = db.scalar(select(StyrkCode.name).where(StyrkCode.code == "9112"))
        cache.invalidate()
        return name

    cache.get("styrk", "9112", read_while_an_import_commits)
    cache.get("styrk", "9112", read_while_an_import_commits)
    assert len(calls) == 2


def test_the_shared_cache_uses_the_documented_time_to_live():
    assert reference._cache.ttl == reference.CACHE_TTL_SECONDS <= 60
