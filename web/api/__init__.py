"""JSON API under /api/v1. Every router requires a bearer token at router level (401 without one)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.deps import api_user


def api_router_for(**kwargs: object) -> APIRouter:
    return APIRouter(dependencies=[Depends(api_user)], **kwargs)  # type: ignore[arg-type]


def _build() -> APIRouter:
    from web.api import candidates, core_api, employers, followup, matching

    root = APIRouter(responses={401: {"description": "Mangler gyldig API-nøkkel"}})
    for module in (core_api, candidates, employers, followup, matching):
        root.include_router(module.router)
    return root


api_router = _build()
