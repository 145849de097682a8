"""Every route of the app, the mounted API's included, is reached by its own path; the SQLite request limit."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from fastapi.testclient import TestClient

from web.routes import iter_routes


def test_every_route_of_the_app_is_reached(app) -> None:
    """Each route of the real app, called with its parameters filled in, is answered by that very route (whatever
    the answer: 401, 303 to login, 404 for a missing row), never by the router's 404 or 405 nor by another route."""
    reached: list[object] = []

    async def recording(scope, receive, send):
        await app(scope, receive, send)
        reached.append(scope.get("endpoint"))

    client = TestClient(recording, raise_server_exceptions=False, follow_redirects=False)
    seen = 0
    for route in iter_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            reached.clear()
            r = client.request(method, path)
            assert r.status_code != 405, (method, path)
            assert reached == [route.endpoint], (method, path, route.name, reached)  # that very function
            seen += 1
    assert seen > 150


def test_active_request_limit_caps_concurrency_and_serves_everyone() -> None:
    """On SQLite the server lets only a few requests run at once; the rest wait (none is refused or lost)."""
    import asyncio
    import threading

    from web.app import ActiveRequestLimit

    running = 0
    peak = 0
    done: list[int] = []

    async def inner(scope, receive, send):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        done.append(scope["n"])

    limited = ActiveRequestLimit(inner, limit=2)

    async def receive() -> dict[str, Any]:  # not called: `inner` reads no body
        return {"type": "http.request", "body": b""}

    async def send(message: MutableMapping[str, Any]) -> None:  # not called: `inner` answers nothing
        pass

    async def main() -> None:
        await asyncio.gather(*(limited({"type": "http", "n": n}, receive, send) for n in range(7)))

    # in a thread of its own: an earlier test in the same process (Playwright) may leave a loop running here
    runner = threading.Thread(target=asyncio.run, args=(main(),))
    runner.start()
    runner.join(10)
    assert peak == 2
    assert done == list(range(7))  # in order of arrival
