"""The individuell plan page, a view over the person's plan: the nine required elements with the missing ones
flagged, the quality checks, the form for the IP's own fields (koordinator, period and revision, consents, resources
and needs, contributions), the participants and the evaluation rounds; and the same plan as a PDF for the person and
the partners. Thin routes: read the form, call plans.service_ip, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from core.errors import ReasonRequired
from core.formatting import today_in_oslo
from core.models import User
from plans import service_ip as ips
from plans.models_ip import IP_FIELDS, IP_STATUSES, LEGAL_BASES, PARTICIPANT_ROLES, IndividualPlan
from web.deps import SessionDep, StaffUser
from web.forms import form_fields, submit
from web.pages import page_router
from web.pdf import pdf_response
from web.templating import render

router = page_router(prefix="/kandidater/{candidate_id}/plan")
FormData = Annotated[dict[str, Any], form_fields({"legal_bases"})]
Period = Annotated[int | None, Query(ge=1, le=2_147_483_647)]
PARTICIPANT_FIELDS = ("name", "role", "organisation", "contact", "contribution")
EVALUATION_FIELDS = ("date", "participants", "person_took_part", "summary", "person_assessment", "next_date")


def _today() -> dt.date:
    return today_in_oslo()


def _s(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return value
    return str(value) if not isinstance(value, bool) else value


def _form_of(ip: IndividualPlan | None) -> dict[str, Any]:
    if ip is None:
        return {"status": "UNDER_ARBEID", "legal_bases": [], "version": ""}
    form = {name: _s(getattr(ip, name)) for name in IP_FIELDS}
    form["version"] = str(ip.version)
    return form


def _page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    *,
    period_id: int | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    conflict: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    view = ips.get_view(session, actor=user, candidate_id=candidate_id, period_id=period_id, today=_today())
    return render(
        request,
        "plans/ip.html",
        {
            "view": view,
            "candidate": view.candidate,
            "ip": view.ip,
            "statuses": IP_STATUSES,
            "legal_bases": LEGAL_BASES,
            "roles": PARTICIPANT_ROLES,
            "koordinators": ips.koordinator_options(session, view.candidate),
            "form": {**_form_of(view.ip), "e_person_took_part": "on", **(form or {})},
            "errors": errors or {},
            "conflict": conflict,
            "today": _today(),
        },
        status_code=status,
    )


@router.get("/individuell-plan")
def ip_page(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, periode: Period = None
) -> Response:
    return _page(request, session, user, candidate_id, period_id=periode)


def _again(
    request: Request, session: Session, user: User, candidate_id: int, form: dict[str, Any]
) -> Callable[..., Response]:
    return lambda errors, status, **more: _page(
        request,
        session,
        user,
        candidate_id,
        form=form,
        errors=errors,
        conflict=more.get("conflict"),
        status=status,
    )


@router.post("/individuell-plan")
def save_ip(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    form.setdefault("legal_bases", [])
    data = {name: form.get(name, "") for name in IP_FIELDS}
    data["share_confidential"] = form.get("share_confidential", "")
    data["version"] = form.get("version", "")

    def saved() -> dict[str, Any]:
        return _form_of(ips.get_ip(session, actor=user, candidate_id=candidate_id))

    return submit(
        request,
        session,
        lambda: ips.save_ip(session, actor=user, candidate_id=candidate_id, data=data),
        to=f"/kandidater/{candidate_id}/plan/individuell-plan",
        message="Den individuelle planen er lagret.",
        page=_again(request, session, user, candidate_id, form),
        stale=(saved, ips.LABELS, form),
    )


@router.post("/individuell-plan/deltakere")
def add_participant(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {name: form.get(f"d_{name}", "") for name in PARTICIPANT_FIELDS}
    return submit(
        request,
        session,
        lambda: ips.add_participant(session, actor=user, candidate_id=candidate_id, data=data),
        to=f"/kandidater/{candidate_id}/plan/individuell-plan#deltakere",
        message=lambda p: f"{p.name} er lagt til som deltaker.",
        page=_again(request, session, user, candidate_id, form),
        prefix="d_",
    )


@router.post("/individuell-plan/deltakere/{participant_id:int}/fjern")
def remove_participant(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, participant_id: int
) -> Response:
    return submit(
        request,
        session,
        lambda: ips.remove_participant(
            session, actor=user, candidate_id=candidate_id, participant_id=participant_id
        ),
        to=f"/kandidater/{candidate_id}/plan/individuell-plan#deltakere",
        message="Deltakeren er fjernet fra planen.",
        passes=(ReasonRequired,),  # the admin: the page asking for a reason, not a message after a redirect
    )


@router.post("/individuell-plan/evalueringer")
def add_evaluation(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {name: form.get(f"e_{name}", "") for name in EVALUATION_FIELDS}
    return submit(
        request,
        session,
        lambda: ips.record_evaluation(session, actor=user, candidate_id=candidate_id, data=data),
        to=f"/kandidater/{candidate_id}/plan/individuell-plan#evalueringer",
        message="Evalueringen er registrert.",
        page=_again(request, session, user, candidate_id, form),
        prefix="e_",
    )


@router.get("/individuell-plan.pdf")
def ip_pdf(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, periode: Period = None
) -> Response:
    view = ips.get_view(
        session,
        actor=user,
        candidate_id=candidate_id,
        period_id=periode,
        today=_today(),
        purpose=ips.PURPOSE + " (PDF)",
    )
    context = {
        "view": view,
        "candidate": view.candidate,
        "ip": view.ip,
        "today": _today(),
        "printed_by": user,
    }
    return pdf_response(request, "plans/ip_pdf.html", context, filename="individuell-plan.pdf")
