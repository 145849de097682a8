"""Every route the app serves, with its full path: for tests that must cover each route (access, CSRF)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    name: str
    include_in_schema: bool
    endpoint: Any = None  # the function that answers (several routes may share a name made by a factory)


def iter_routes(app: FastAPI, prefix: str = "") -> Iterator[RouteInfo]:
    """Through mounted applications (the API at /api/v1). Newer FastAPI keeps included routers lazily
    (`effective_route_contexts`); older ones flatten them."""
    for route in app.routes:
        if isinstance(route, Mount) and isinstance(route.app, FastAPI):
            yield from iter_routes(route.app, prefix + route.path)
            continue
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for ctx in contexts():
                original = ctx.original_route
                if isinstance(original, APIRoute):
                    yield RouteInfo(
                        prefix + (ctx.path or original.path),
                        frozenset(original.methods or ()),
                        original.name,
                        bool(ctx.include_in_schema),
                        original.endpoint,
                    )
        elif isinstance(route, APIRoute):
            yield RouteInfo(
                prefix + route.path,
                frozenset(route.methods or ()),
                route.name,
                route.include_in_schema,
                route.endpoint,
            )
