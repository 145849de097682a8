"""Quick routes (web.routing.quick / LoopRoute): on SQLite they run on the event loop when the writer lock is free,
and go through the thread pool when it is not, so the loop never waits for it.

These tests use an app bound to an engine of their own (the other tests' app is bound to a connection that holds
the writer lock for the whole test, so there every quick route takes the thread-pool way)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import sessionmaker

from core import migrate
from core.db import WRITER_HELD, is_sqlite, make_engine, writer_lock
from core.settings import Settings
from tests.factories import login, make_candidate, make_office, make_user
from web.deps import SessionDep
from web.routing import DispatchRouter, quick


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def setup(database_url: str, settings: Settings, tmp_path) -> Iterator[tuple[TestClient, Engine, list[bool]]]:  # type: ignore[no-untyped-def]
    """An app on a SQLite file of its own, with a signed-in job specialist; `seen`: for each query, whether it
    ran on the event loop."""
    if not is_sqlite(database_url):
        pytest.skip("the event-loop way is SQLite's")
    from web.app import create_app

    engine = make_engine(f"sqlite:///{tmp_path / 'loop.db'}")
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as db:
        office = make_office(db, number="9901", name="Løkken")
        user = make_user(db, "jobbspesialist", office, email="loop@example.no")
        make_candidate(db, office, first_name="Loop", last_name="Prøve")
        db.commit()
    seen: list[bool] = []

    def record(*_args: object) -> None:
        seen.append(_on_loop())

    event.listen(engine, "before_cursor_execute", record)
    try:
        with TestClient(
            create_app(settings, factory), raise_server_exceptions=False, follow_redirects=False
        ) as c:
            login(c, user)
            yield c, engine, seen
    finally:
        engine.dispose()


def test_quick_requests_commit_on_the_loop_before_letting_the_lock_go(setup) -> None:  # type: ignore[no-untyped-def]
    """The commit comes after the handler (FastAPI closes the dependencies then): it must still run on the loop
    with the lock held, or it would wait for the pool while the next quick request waits for it on the loop."""
    client, engine, _seen = setup
    lock = writer_lock(engine)
    commits: list[tuple[bool, bool, bool]] = []

    def on_commit(_conn: object) -> None:
        commits.append((_on_loop(), WRITER_HELD.get(), lock is not None and lock.locked()))

    event.listen(engine, "commit", on_commit)
    try:
        for path in ("/kandidater", "/"):
            commits.clear()
            assert client.get(path).status_code == 200
            assert commits == [(True, True, True)], (path, commits)
    finally:
        event.remove(engine, "commit", on_commit)
    assert lock is not None and not lock.locked()  # and let go afterwards
    assert not WRITER_HELD.get()


def test_quick_pages_run_on_the_loop_on_sqlite(setup) -> None:  # type: ignore[no-untyped-def]
    client, _engine, seen = setup
    for path in ("/kandidater", "/kandidater?q=pr%C3%B8ve"):
        seen.clear()
        r = client.get(path)
        assert r.status_code == 200, r.text
        assert "Prøve" in r.text
        assert seen and all(seen)
    seen.clear()
    assert client.get("/api/v1/me").status_code == 401  # a quick route refusing runs on the loop too
    # a page that is not quick runs its queries in the pool
    seen.clear()
    assert client.get("/stillinger").status_code == 200
    assert seen and not any(seen)


def test_quick_routes_take_the_pool_when_the_lock_is_taken_or_absent(client, db, engine) -> None:  # type: ignore[no-untyped-def]
    """The suite's app: on SQLite the test's own connection holds the writer lock all along; on PostgreSQL there
    is no such lock. Either way quick routes run in the pool, as every route did before."""
    office = make_office(db)
    user = make_user(db, "jobbspesialist", office)
    make_candidate(db, office, first_name="Pool", last_name="Prøve")
    db.commit()
    login(client, user)
    seen: list[bool] = []

    def record(*_args: object) -> None:
        seen.append(_on_loop())

    event.listen(engine, "before_cursor_execute", record)
    try:
        r = client.get("/kandidater")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert r.status_code == 200 and "Prøve" in r.text
    assert seen and not any(seen)


def test_a_held_writer_lock_sends_quick_requests_to_the_pool_and_the_loop_keeps_serving(setup) -> None:  # type: ignore[no-untyped-def]
    client, engine, seen = setup
    lock = writer_lock(engine)
    assert lock is not None
    lock.acquire()
    result: dict[str, int] = {}
    try:
        seen.clear()
        worker = threading.Thread(
            target=lambda: result.setdefault("status", client.get("/kandidater").status_code)
        )
        worker.start()
        time.sleep(0.3)
        assert "status" not in result  # waiting for the lock, in the pool
        t0 = time.monotonic()
        assert client.get("/static/style.css").status_code == 200  # the loop is free meanwhile
        assert time.monotonic() - t0 < 1
    finally:
        lock.release()
    worker.join(30)
    assert result.get("status") == 200
    assert seen and not any(seen)  # it ran in the pool


def test_a_quick_route_with_a_synchronous_dependency_is_refused() -> None:
    def sync_dependency() -> int:
        return 1

    router = DispatchRouter()
    with pytest.raises(TypeError, match="sync_dependency"):

        @router.get("/x")
        @quick
        def endpoint(session: SessionDep, value: int = Depends(sync_dependency)) -> dict:
            return {"n": session.scalar(select(1)), "value": value}
