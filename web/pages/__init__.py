"""Page routers. Every page router carries the CSRF check and the check that posted text is valid Unicode, so no
form can forget them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.deps import verify_csrf
from web.forms import check_form_text

PAGE_CHECKS = [Depends(verify_csrf), Depends(check_form_text)]


def page_router(**kwargs: object) -> APIRouter:
    return APIRouter(dependencies=PAGE_CHECKS, include_in_schema=False, **kwargs)  # type: ignore[arg-type]  # the caller's APIRouter keywords, passed on


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
        plans,
        plans_ip,
        plans_journal,
        plans_overview,
        plans_vedtak,
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
        plans_vedtak.router,
        plans_journal.router,
        plans_ip.router,
        plans.router,
        plans_overview.router,
        suggest.router,
    ]
