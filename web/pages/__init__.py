"""Page routers. Every page router carries the CSRF check, so no form can forget it."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.deps import verify_csrf
from web.routing import DispatchRouter


def page_router(**kwargs: object) -> APIRouter:
    return DispatchRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False, **kwargs)  # type: ignore[arg-type]


def page_routers() -> list[APIRouter]:
    from web.pages import (
        admin,
        auth,
        candidates,
        dashboard,
        employers,
        followup,
        matching,
        notifications,
        suggest,
    )

    return [
        auth.router,
        dashboard.router,
        admin.router,
        notifications.router,
        candidates.router,
        matching.router,
        employers.router,
        followup.router,
        suggest.router,
    ]
