"""Two job specialists take the last praksisplass at once, each in a connection (and engine) of its own: exactly
one succeeds, the other is refused with a clear message, and the second really waited for the first."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import migrate
from core.db import make_engine
from core.errors import Conflict
from employers import service_praksis as employers_praksis
from employers.models import PraksisplassOccupant
from tests.browser_support import ScratchDatabase
from tests.factories import make_employer, make_office, make_praksisplass, make_user

HOLD_SECONDS = 0.6


@pytest.fixture
def scratch(tmp_path):
    db = ScratchDatabase(tmp_path, "praksis_race")
    engine = make_engine(db.url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    db.drop()


def test_two_specialists_take_the_last_place_at_once(scratch):
    with Session(scratch, expire_on_commit=False) as s, s.begin():
        office = make_office(s)
        first = make_user(s, "jobbspesialist", office=office)
        second = make_user(s, "jobbspesialist", office=office)
        place = make_praksisplass(s, make_employer(s), places=1)
        place_id = place.id

    engines = [make_engine(scratch.url.render_as_string(hide_password=False)) for _ in range(2)]
    holding = threading.Event()
    results: dict[str, object] = {}

    def take_and_hold() -> None:
        with Session(engines[0]) as s, s.begin():
            employers_praksis.add_occupant(
                s, actor=s.merge(first), praksisplass_id=place_id, start_date="2026-12-01", note="første"
            )
            holding.set()
            time.sleep(HOLD_SECONDS)  # the transaction is still open: the other one must wait for it
        results["first"] = "ok"

    def take_meanwhile() -> None:
        holding.wait(10)
        started = time.monotonic()
        try:
            with Session(engines[1]) as s, s.begin():
                employers_praksis.add_occupant(
                    s, actor=s.merge(second), praksisplass_id=place_id, start_date="2026-12-01", note="andre"
                )
            results["second"] = "ok"
        except Conflict as exc:
            results["second"] = exc.message
        results["waited"] = time.monotonic() - started

    threads = [threading.Thread(target=take_and_hold), threading.Thread(target=take_meanwhile)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for e in engines:
        e.dispose()

    assert results["first"] == "ok"
    assert results["second"] == "Alle plassene er opptatt."
    waited = results["waited"]
    assert isinstance(waited, float) and waited >= HOLD_SECONDS * 0.5
    with Session(scratch) as s:
        taken = s.scalar(
            select(func.count()).where(
                PraksisplassOccupant.praksisplass_id == place_id, PraksisplassOccupant.end_date.is_(None)
            )
        )
    assert taken == 1
