"""The start page: one dashboard per role."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from core import notifications
from core.formatting import today_in_oslo
from core.models import ROLE_LABELS, User
from core.roles import FOLLOW_UP, NAV_STAFF, OFFICE_STAFF
from employers import access as employers_access
from employers import service as employers_service
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from followup import service as followup_service
from plans import service_overview as plans_overview
from recruitment import service as recruitment_service
from web.deps import PageUser, SessionDep
from web.pages import page_router
from web.templating import render

router = page_router()


def _count_of(stmt: Select[Any]) -> ScalarSelect[int]:
    """The rows a select would return (as `core.db.count`), reading only their ids."""
    ids = stmt.with_only_columns(stmt.selected_columns.id).order_by(None).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _counts_query(session: Session, user: User) -> Select[*tuple[int, ...]]:
    """Candidates and employers the user may read, and the role's own: openings awaiting approval
    (markedskontakt), users (admin); one query, composed from the domains' own access statements."""
    counts = [
        _count_of(candidates_access.readable_candidates(user)),
        _count_of(employers_access.readable_employers(session, user)),
    ]
    if user.role == "markedskontakt":
        counts.append(_count_of(employers_openings.awaiting_approval(session, actor=user)))
    if user.role == "admin":
        counts.append(_count_of(select(User)))
    return select(*counts)


@router.get("/")
def dashboard(request: Request, session: SessionDep, user: PageUser) -> Response:
    context: dict = {"role_label": ROLE_LABELS[user.role]}
    if user.role in NAV_STAFF:
        counts = session.execute(_counts_query(session, user)).one()
        context["candidate_count"], context["employer_count"] = counts[0], counts[1]
        if user.role == "markedskontakt":
            context["approval_count"] = counts[2]
        if user.role == "admin":
            context["user_count"] = counts[2]
    if user.role in OFFICE_STAFF:  # the admin's reasoned reads of the office's people
        context["break_glass"] = candidates_access.break_glass_for_office(session, actor=user, limit=10)
    if user.role == "markedskontakt":
        panels = employers_contacts.next_steps_panels(
            session, actor=user, today=today_in_oslo(), owner_id=user.id
        )
        context["due_this_week"], context["overdue_steps"] = panels["week"], panels["overdue"]
    if (
        user.role in FOLLOW_UP
    ):  # «Mine personer»: the plan's state of the caseworker's own people, counts only
        context["plan_counts"] = plans_overview.my_counts(session, actor=user)
    if user.role == "jobbspesialist":
        context["overdue"] = followup_service.dashboard_overdue(session, actor=user)
        # the nightly re-match's digest, as the bell holds it (the panel said "none" while the bell had one)
        context["new_matches"] = notifications.latest_unread(session, actor=user, kind="nye_treff")
    if user.role == "arbeidsgiver":
        context["employers"] = employers_service.employers_of(session, user)
        context["openings"], context["opening_count"] = employers_openings.list_openings(
            session, actor=user, limit=5
        )
        # the same call as the «Delte kandidater» list (shared from a candidate list, still consented), so the
        # panel counts and names what the list shows
        context["shared_count"], context["shared"] = recruitment_service.shared_candidates_first(
            session, actor=user, limit=5
        )
    return render(request, f"dashboard/{user.role}.html", context)
