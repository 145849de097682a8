"""The start page: one dashboard per role."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from candidates import service as candidates_service
from core.db import count
from core.models import ROLE_LABELS, User
from employers import service as employers_service
from followup import service as followup_service
from web.deps import PageUser, SessionDep
from web.pages import page_router
from web.templating import render

router = page_router()


@router.get("/")
def dashboard(request: Request, session: SessionDep, user: PageUser) -> Response:
    context: dict = {"role_label": ROLE_LABELS[user.role]}
    if user.role in ("markedskontakt", "jobbspesialist", "admin"):
        context["candidate_count"] = count(session, candidates_service.readable_candidates(user))
        context["employer_count"] = count(session, employers_service.readable_employers(session, user))
    if user.role == "markedskontakt":
        today = dt.date.today()
        context["due_this_week"] = employers_service.next_steps_due_this_week(
            session, actor=user, today=today, owner_id=user.id
        )
        context["overdue_steps"] = employers_service.overdue_next_steps(
            session, actor=user, today=today, owner_id=user.id
        )
        context["approval_queue"] = employers_service.approval_queue(session, actor=user)
    if user.role == "jobbspesialist":
        context["overdue"] = followup_service.dashboard_overdue(session, actor=user)
    if user.role == "arbeidsgiver":
        context["employers"] = employers_service.employers_of(session, user)
        context["openings"], context["opening_count"] = employers_service.list_openings(
            session, actor=user, limit=5
        )
    if user.role == "admin":
        context["user_count"] = count(session, select(User))
    return render(request, f"dashboard/{user.role}.html", context)
