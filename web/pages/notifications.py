"""The notification inbox (every user) and the admin page of scheduled jobs."""

from __future__ import annotations

import logging
import threading
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from core import notifications
from core.errors import ValidationFailed
from jobs import overview
from web.deps import AdminUser, PageUser, SessionDep
from web.forms import submit
from web.pages import page_router
from web.templating import redirect, render

router = page_router()
log = logging.getLogger("arbeidsbro.jobs")
PAGE_SIZE = 50


@router.get("/varsler")
def inbox(
    request: Request,
    session: SessionDep,
    user: PageUser,
    uleste: Annotated[bool, Query()] = False,
    side: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    total = notifications.count_for(session, actor=user, unread_only=uleste)
    rows = notifications.list_for(
        session, actor=user, unread_only=uleste, limit=PAGE_SIZE, offset=(side - 1) * PAGE_SIZE
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "rows": rows,
            "total": total,
            "unread_only": uleste,
            "page": side,
            "pages": max(1, -(-total // PAGE_SIZE)),
        },
    )


@router.post("/varsler/lest")
def mark_all_read(request: Request, session: SessionDep, user: PageUser) -> Response:
    count = notifications.mark_all_read(session, actor=user)
    request.state.unread_count = 0
    return redirect(request, "/varsler", f"{count} varsler er merket som lest." if count else None)


@router.post("/varsler/{notification_id}/lest")
def mark_read(request: Request, session: SessionDep, user: PageUser, notification_id: int) -> Response:
    """Marks one as read; with `til` the user goes on to what the notification is about."""
    row = notifications.mark_read(session, actor=user, notification_id=notification_id)
    target = row.link if row.link and row.link.startswith("/") and not row.link.startswith("//") else None
    return redirect(request, target or "/varsler")


# --- admin: scheduled jobs ------------------------------------------------------------------------------


def _run_in_background(request: Request, name: str, user_id: int, dry_run: bool) -> None:
    """A manual run can take minutes (the nightly re-match): it runs beside the request, and the page shows it
    as `kjører` from its JobRun row until it ends."""
    app = request.app
    from core.models import User

    def work() -> None:
        try:
            with app.state.session_factory() as session:
                actor = session.get(User, user_id)
            overview.run_now(
                app.state.session_factory, app.state.settings, name, actor=actor, dry_run=dry_run
            )
        except Exception:
            log.exception("manuell kjøring av %s feilet", name)

    if isinstance(app.state.session_factory.kw.get("bind"), Engine):
        threading.Thread(target=work, name=f"jobb-{name}", daemon=True).start()
    else:  # bound to one connection (an embedding test harness): a connection is not shared across threads
        work()


@router.get("/admin/jobber")
def jobs_page(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    jobb: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    statuses = overview.job_statuses(session)
    names = {s.name for s in statuses}
    selected = jobb if jobb in names else None
    return render(
        request,
        "admin/jobs.html",
        {
            "statuses": statuses,
            "runs": overview.recent_runs(session, name=selected, limit=50),
            "selected": selected,
            "running": any(s.last_run is not None and s.last_run.status == "running" for s in statuses),
        },
    )


@router.post("/admin/jobber/{job}/kjor")
def run_job_now(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    job: str,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    def start() -> str:
        spec = overview.get_spec(job)
        if dry_run and not spec.dry_run:
            raise ValidationFailed("Denne jobben har ingen prøvekjøring.", field="dry_run")
        _run_in_background(request, job, user.id, dry_run)
        return spec.label

    what = "Prøvekjøring" if dry_run else "Kjøring"
    return submit(
        request,
        session,
        start,
        to=f"/admin/jobber?jobb={job}",
        message=lambda label: (
            f"{what} av «{label}» er startet. Oppdater siden for å se resultatet.",
            "info",
        ),
        back="/admin/jobber",
        not_found="job",
    )
