"""JSON API under /api/v1. Every router requires a bearer token at router level (401 without one)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.deps import api_user
from web.routing import DispatchRouter

PREFIX = "/api/v1"


def api_router_for(**kwargs: object) -> APIRouter:
    return DispatchRouter(dependencies=[Depends(api_user)], mount_prefix=PREFIX, **kwargs)  # type: ignore[arg-type]


def _build() -> APIRouter:
    from web.api import candidates, core_api, employers, followup, matching, suggest

    root = DispatchRouter(responses={401: {"description": "Mangler gyldig API-nøkkel"}}, mount_prefix=PREFIX)
    for module in (core_api, suggest, candidates, employers, followup, matching):
        root.include_router(module.router)
    return root


api_router = _build()
