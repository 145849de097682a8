"""Employer pages (the foundation's list; the employers issue grows them)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from employers import service as employers_service
from web.deps import SessionDep, StaffUser
from web.pages import page_router
from web.templating import render

router = page_router(prefix="/arbeidsgivere")


@router.get("")
def employer_list(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return render(
        request, "employers/list.html", {"employers": employers_service.employers_of(session, user)}
    )
