"""The dispatching routers must route exactly as FastAPI's own: same endpoint, same 404 and 405, for every route of
the real app and for a small app built both ways."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from web.routes import iter_routes
from web.routing import DispatchRouter


def _build(router_cls: type[APIRouter]) -> FastAPI:
    def make(**kw: object) -> APIRouter:
        if router_cls is DispatchRouter:
            return DispatchRouter(**kw)  # type: ignore[arg-type]
        kw.pop("mount_prefix", None)
        return APIRouter(**kw)  # type: ignore[arg-type]

    pages = make()
    pages.add_api_route("/", lambda: "root", methods=["GET"])
    pages.add_api_route("/a", lambda: "a", methods=["GET"])
    pages.add_api_route("/a/{x}", lambda x: f"a/{x}", methods=["GET", "POST"])
    admin = make(prefix="/admin")
    admin.add_api_route("/jobber", lambda: "jobber", methods=["GET"])
    catch_all = make()
    catch_all.add_api_route("/{slug}/info", lambda slug: f"info {slug}", methods=["GET"])
    api_child = make(mount_prefix="/api/v1")
    api_child.add_api_route("/me", lambda: "me", methods=["GET"])
    api_child.add_api_route("/a/{x}", lambda x: f"api a/{x}", methods=["DELETE"])
    api = make(mount_prefix="/api/v1")
    api.include_router(api_child)
    app = FastAPI()
    for r in (pages, admin, catch_all):
        app.include_router(r)
    app.include_router(api, prefix="/api/v1")
    return app


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/a"),
        ("GET", "/a/7"),
        ("POST", "/a/7"),
        ("DELETE", "/a/7"),  # 405: the path is known, the method is not
        ("GET", "/admin/jobber"),
        ("POST", "/admin/jobber"),
        ("GET", "/b"),  # 404
        ("GET", "/zz/info"),  # the router with a parameter first
        ("GET", "/api/v1/me"),
        ("DELETE", "/api/v1/a/3"),
        ("GET", "/api/v1/a/3"),
        ("GET", "/api/v1/nope"),
        ("GET", "/api/v2/me"),
    ],
)
def test_same_answer_as_fastapis_router(method: str, path: str) -> None:
    plain = TestClient(_build(APIRouter)).request(method, path)
    fast = TestClient(_build(DispatchRouter)).request(method, path)
    assert (fast.status_code, fast.text) == (plain.status_code, plain.text)


def test_a_foreign_first_segment_is_refused_without_trying_routes() -> None:
    router = DispatchRouter()
    router.add_api_route("/kandidater/{id}", lambda id: id, methods=["GET"])
    assert router.first_segments() == frozenset({"kandidater"})
    assert router.matches({"type": "http", "path": "/stillinger/1", "method": "GET", "root_path": ""}) == (
        Match.NONE,
        {},
    )
    router.add_api_route("/{anything}", lambda anything: anything, methods=["GET"])
    assert router.first_segments() is None  # a parameter first: every path is tried as before


def test_every_route_of_the_app_is_reached(app) -> None:  # type: ignore[no-untyped-def]
    """Each route of the real app, called with its parameters filled in, is answered by that very route (whatever
    the answer: 401, 303 to login, 404 for a missing row), never by the router's 404 or 405 nor by another route."""
    reached: list[str | None] = []

    async def recording(scope, receive, send):  # type: ignore[no-untyped-def]
        await app(scope, receive, send)
        endpoint = scope.get("endpoint")
        reached.append(getattr(endpoint, "__name__", None))

    client = TestClient(recording, raise_server_exceptions=False, follow_redirects=False)
    seen = 0
    for route in iter_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            reached.clear()
            r = client.request(method, path)
            assert r.status_code != 405, (method, path)
            assert reached == [route.name], (method, path, reached)
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

    async def inner(scope, receive, send):  # type: ignore[no-untyped-def]
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        done.append(scope["n"])

    limited = ActiveRequestLimit(inner, limit=2)

    async def main() -> None:
        await asyncio.gather(*(limited({"type": "http", "n": n}, None, None) for n in range(7)))

    # in a thread of its own: an earlier test in the same process (Playwright) may leave a loop running here
    runner = threading.Thread(target=asyncio.run, args=(main(),))
    runner.start()
    runner.join(10)
    assert peak == 2
    assert done == list(range(7))  # in order of arrival
