"""Routers that turn a request away at once when no route of theirs can match its path, and routes that run
short requests on the event loop itself on SQLite.

FastAPI tries every included router in turn and every route in each, with a regular expression per route, and does
it twice for the router it picks. With a few hundred routes that was a third of the CPU of a small API request.
Each router here knows the first path segments its routes begin with; a request whose first segment is not among
them is refused without trying a single route. A router with a route that begins with a parameter (`/{x}`) checks
every request as before. Matching itself stays FastAPI's, so the order and the 405 answers are unchanged.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from core.db import WRITER_HELD

P = ParamSpec("P")
R = TypeVar("R")


def quick(fn: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Marks a short synchronous handler or dependency (a few queries and a template): on SQLite, when its
    request runs on the event loop (LoopRoute), it is called right there; otherwise in the thread pool as any
    synchronous handler.

    Why: SQLite answers from the page cache in well under a millisecond, and one Python process runs one thread at
    a time, so the two trips through the thread pool cost more than the query; under load the threads also fight
    over the GIL. Only for handlers that never wait long: a request on the loop holds up every other."""

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if WRITER_HELD.get():
            return fn(*args, **kwargs)
        return await run_in_threadpool(fn, *args, **kwargs)

    run.__quick__ = True  # type: ignore[attr-defined]
    return run


def _sync_dependencies(dependant: Dependant) -> list[str]:
    """Names of the synchronous dependencies under a route: each would be a trip to the thread pool while the
    request holds the writer lock."""
    found = []
    for sub in dependant.dependencies:
        call = sub.call
        if call is not None and not (
            inspect.iscoroutinefunction(call)
            or inspect.isasyncgenfunction(call)
            or getattr(call, "__quick__", False)
        ):
            found.append(getattr(call, "__qualname__", repr(call)))
        found += _sync_dependencies(sub)
    return found


class LoopRoute(APIRoute):
    """A route whose endpoint is `quick` runs on the event loop on SQLite when the writer lock is free.

    The request takes the process's SQLite writer lock without waiting and holds it to the end (its transactions
    then do not take it again: core.db.WRITER_HELD). When another request holds it, this one goes the usual way
    through the thread pool and waits for the lock there: the loop itself never waits for it."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if getattr(endpoint, "__quick__", False) and (sync := _sync_dependencies(self.dependant)):
            raise TypeError(f"{path}: a quick route may only have async or quick dependencies, not {sync}")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not getattr(self.endpoint, "__quick__", False):
            return handler

        async def on_loop(request: Request) -> Response:
            # The request's session commits when FastAPI closes the endpoint's dependencies (this stack), after
            # this handler has returned: the lock is let go only after that (the stack runs its exits last-in,
            # first-out, and get_db entered it after this). Let go earlier, the commit would wait for the pool
            # while another request on the loop waited for this transaction: a deadlock. Without the stack
            # (another FastAPI), the request takes the pool's way.
            stack = request.scope.get("fastapi_function_astack")
            lock = getattr(request.app.state, "loop_writer", None)
            if stack is None or lock is None or not lock.acquire(blocking=False):
                return await handler(request)
            token = WRITER_HELD.set(True)

            def release() -> None:
                WRITER_HELD.reset(token)
                lock.release()

            stack.callback(release)
            return await handler(request)

        return on_loop


class DispatchRouter(APIRouter):
    def __init__(self, *args: Any, mount_prefix: str = "", **kwargs: Any) -> None:
        """`mount_prefix`: where the router is finally included (the API's "/api/v1"); its routes' paths are
        relative to it."""
        kwargs.setdefault("route_class", LoopRoute)
        super().__init__(*args, **kwargs)
        self.mount_prefix = mount_prefix
        self._heads_for: int | None = None
        self._heads: frozenset[str] | None = None

    def first_segments(self) -> frozenset[str] | None:
        """The first path segments of this router's routes (through included routers); None: can't tell."""
        if self._heads_for == len(self.routes):
            return self._heads
        heads: set[str] | None = set()
        for route in self.routes:
            child = getattr(route, "original_router", None)
            if child is not None:
                child_heads = child.first_segments() if isinstance(child, DispatchRouter) else None
                if child_heads is None or child.mount_prefix != self.mount_prefix:
                    heads = None
                    break
                heads |= child_heads
                continue
            path = getattr(route, "path", None)
            if not isinstance(path, str):
                heads = None
                break
            head = path.split("/", 2)[1] if path.startswith("/") else ""
            if "{" in head:
                heads = None
                break
            heads.add(head)
        self._heads = frozenset(heads) if heads is not None else None
        self._heads_for = len(self.routes)
        return self._heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        heads = self.first_segments()
        if heads is not None and scope.get("type") in ("http", "websocket"):
            path = get_route_path(scope)
            if not path.startswith(self.mount_prefix):
                return Match.NONE, {}
            rest = path[len(self.mount_prefix) :]
            head = rest.split("/", 2)[1] if rest.startswith("/") else ""
            if head not in heads:
                return Match.NONE, {}
        return super().matches(scope)
