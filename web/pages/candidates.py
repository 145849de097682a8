"""Candidate pages (the foundation's read-only list and record; the candidates issue grows them)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from candidates import service as candidates_service
from web.deps import SessionDep, StaffUser
from web.pages import page_router
from web.templating import render

router = page_router(prefix="/kandidater")


@router.get("")
def candidate_list(request: Request, session: SessionDep, user: StaffUser) -> Response:
    candidates = candidates_service.list_candidates(session, actor=user, limit=200)
    return render(request, "candidates/list.html", {"candidates": candidates})


@router.get("/{candidate_id}")
def candidate_detail(request: Request, session: SessionDep, candidate_id: int, user: StaffUser) -> Response:
    candidate = candidates_service.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: åpnet kandidatkortet"
    )
    return render(request, "candidates/detail.html", {"candidate": candidate})
