"""Every route the app serves, with its full path: for tests that must cover each route (access, CSRF)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    name: str
    include_in_schema: bool


def iter_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Newer FastAPI keeps included routers lazily (`effective_route_contexts`); older ones flatten them."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for ctx in contexts():
                original = ctx.original_route
                if isinstance(original, APIRoute):
                    yield RouteInfo(
                        ctx.path or original.path,
                        frozenset(original.methods),
                        original.name,
                        bool(ctx.include_in_schema),
                    )
        elif isinstance(route, APIRoute):
            yield RouteInfo(route.path, frozenset(route.methods), route.name, route.include_in_schema)
