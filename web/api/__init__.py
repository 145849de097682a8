"""JSON API, its own application mounted at /api/v1 (web.app). Every router requires a bearer token at router
level (401 without one)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.deps import api_user

PREFIX = "/api/v1"


def api_router_for(**kwargs: object) -> APIRouter:
    return APIRouter(dependencies=[Depends(api_user)], **kwargs)  # type: ignore[arg-type]  # the caller's APIRouter keywords, passed on


def api_routers() -> list[APIRouter]:
    from web.api import (
        candidates,
        core_api,
        employers,
        followup,
        matching,
        plans,
        plans_ip,
        plans_journal,
        plans_overview,
        plans_vedtak,
        suggest,
    )

    return [
        m.router
        for m in (
            core_api,
            suggest,
            candidates,
            employers,
            followup,
            matching,
            plans,
            plans_ip,
            plans_journal,
            plans_overview,
            plans_vedtak,
        )
    ]
