"""Administration: users, offices, the audit log (search, CSV and CEF export) and the security log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, TypedDict

from fastapi import Form, Query, Request
from fastapi.responses import PlainTextResponse, Response

from candidates import service as cs
from core import accounts, audit
from core.errors import ValidationFailed
from core.models import ROLE_LABELS, ROLES, User
from core.roles import EMPLOYMENT_LABELS
from employers import service as employers_service
from followup import service_records as followup_records
from plans import service_journal
from web.deps import AdminUser, SessionDep, client_ip
from web.forms import submit
from web.pages import page_router
from web.templating import redirect, render

router = page_router(prefix="/admin")


class _AuditFilters(TypedDict):
    """The audit log search's filters (`core.audit.search`), shared by the page and its exports."""

    actor_email: str | None
    action: str | None
    subject_type: str | None
    subject_id: str | None
    subjects: Sequence[tuple[str, str]] | None
    date_from: dt.date | None
    date_to: dt.date | None


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/brukere")
def users(request: Request, session: SessionDep, user: AdminUser) -> Response:
    return render(request, "admin/users.html", _users_context(session, {}, {}))


def _users_context(session: SessionDep, errors: dict, form: dict) -> dict:
    return {
        "users": accounts.list_users(session),
        "office_options": [(o.number, f"{o.name} ({o.number})") for o in accounts.list_offices(session)],
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        "employment_options": list(EMPLOYMENT_LABELS.items()),
        "throttled": accounts.throttled(session),
        "now": accounts.utcnow(),
        "errors": errors,
        "form": form,
    }


@router.post("/brukere")
def create_user(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    email: Annotated[str, Form(max_length=254)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    office: Annotated[str, Form(max_length=4)] = "",
    employment: Annotated[str, Form(max_length=10)] = "",
    employer: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    form = {
        "email": email,
        "name": name,
        "role": role,
        "office": office,
        "employment": employment,
        "employer": employer,
    }

    def create() -> User:
        office_obj = accounts.get_office_by_number(session, office) if office else None
        new = accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            office=office_obj,
            employment=employment or None,
        )
        if role == "arbeidsgiver":
            if not employer:
                raise ValidationFailed(
                    "En arbeidsgiverbruker må knyttes til et organisasjonsnummer.", field="employer"
                )
            employers_service.bind_user(
                session, user=new, employer=employers_service.get_by_orgnr(session, employer)
            )
        audit.record(
            session,
            actor=user,
            action="create",
            subject_type="user",
            subject_id=new.id,
            purpose="brukeradministrasjon",
        )
        return new

    return submit(
        request,
        session,
        create,
        to="/admin/brukere",
        message=lambda new: f"Brukeren {new.email} er opprettet.",
        page=lambda errors, _: render(
            request, "admin/users.html", _users_context(session, errors, form), status_code=422
        ),
        not_found="employer",  # the typed orgnr (the office is chosen from a list)
    )


@router.post("/brukere/{user_id}/aktiv")
def set_active(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    user_id: int,
    active: Annotated[str, Form()] = "0",
) -> Response:
    target = session.get(User, user_id)
    if target is None:
        return redirect(request, "/admin/brukere", "Fant ikke brukeren.", "error")
    accounts.set_active(session, actor=user, user=target, active=active == "1")
    state = "aktivert" if active == "1" else "deaktivert; innloggingene er avsluttet"
    return redirect(request, "/admin/brukere", f"{target.email} er {state}.", "success")


@router.post("/brukere/{user_id}/ansettelse")
def set_employment(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    user_id: int,
    employment: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    target = session.get(User, user_id)
    if target is None:
        return redirect(request, "/admin/brukere", "Fant ikke brukeren.", "error")
    return submit(
        request,
        session,
        lambda: accounts.set_employment(session, actor=user, user=target, employment=employment),
        to="/admin/brukere",
        message=f"{target.email}: {EMPLOYMENT_LABELS.get(employment.strip().upper(), '').lower()} er lagret.",
    )


@router.post("/forsinkelser/opphev")
def lift_delay(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    key: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Lift a login delay (an account, a second factor or an IP) for someone who must get in now."""
    return submit(
        request,
        session,
        lambda: accounts.lift_delay(session, actor=user, key=key, ip=client_ip(request)),
        to="/admin/brukere",
        message="Forsinkelsen er opphevet.",
        not_found="key",
    )


@router.get("/kontorer")
def offices(request: Request, session: SessionDep, user: AdminUser) -> Response:
    return render(
        request, "admin/offices.html", {"offices": accounts.list_offices(session), "errors": {}, "form": {}}
    )


@router.post("/kontorer")
def create_office(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    number: Annotated[str, Form(max_length=10)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    municipalities: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"number": number, "name": name, "municipalities": municipalities}
    return submit(
        request,
        session,
        lambda: accounts.create_office(
            session, number=number, name=name, municipalities=municipalities.split(",")
        ),
        to="/admin/kontorer",
        message=f"Kontoret {number} er opprettet.",
        page=lambda errors, _: render(
            request,
            "admin/offices.html",
            {"offices": accounts.list_offices(session), "errors": errors, "form": form},
            status_code=422,
        ),
    )


@router.get("/revisjonslogg")
def audit_log(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=10)] = None,
    subject_type: Annotated[str | None, Query(max_length=40)] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    date_from: Annotated[str | None, Query(alias="fra", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="til", max_length=10)] = None,
    format: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    """Search by person (name or candidate number: every row about them, follow-up included), by user (e-mail or
    name), action, type, id and dates; CSV and CEF export the same hits."""
    people: list[tuple[int, str]] = []
    subjects = None
    if person and person.strip():
        people = cs.people_for_audit_search(session, actor=user, text=person)
        ids = [cid for cid, _ in people]
        subjects = [("candidate", str(cid)) for cid in ids] + followup_records.audit_subjects_of(session, ids)
        subjects += service_journal.audit_subjects_of(session, ids)
    filters: _AuditFilters = {
        "actor_email": actor or None,
        "action": action if action in audit.ACTIONS else None,
        "subject_type": subject_type or None,
        "subject_id": subject_id or None,
        "subjects": subjects,
        "date_from": _parse_date(date_from),
        "date_to": _parse_date(date_to),
    }
    if format in ("csv", "cef"):
        entries = audit.search(session, **filters, limit=100_000)
        audit.record(
            session,
            actor=user,
            action="export",
            subject_type="audit_log",
            subject_id=None,
            purpose=f"eksport av revisjonslogg ({format})",
        )
        if format == "csv":
            body, media, name = audit.to_csv(entries), "text/csv; charset=utf-8", "revisjonslogg.csv"
        else:
            body, media, name = audit.to_cef(entries), "text/plain; charset=utf-8", "revisjonslogg.cef"
        return PlainTextResponse(
            body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
        )
    entries = audit.search(session, **filters, limit=200)
    query = request.url.query
    return render(
        request,
        "admin/audit.html",
        {
            "entries": entries,
            "actions": [(a, audit.ACTION_LABELS[a]) for a in audit.ACTIONS],
            "subject_types": sorted(audit.SUBJECT_LABELS.items(), key=lambda kv: kv[1]),
            "action_label": audit.action_label,
            "subject_label": audit.subject_label,
            "outcome_labels": audit.OUTCOME_LABELS,
            "role_labels": ROLE_LABELS,
            "people": people,
            "person_names": {str(cid): name for cid, name in people if name},
            "q": {
                "actor": actor or "",
                "person": person or "",
                "action": action or "",
                "subject_type": subject_type or "",
                "subject_id": subject_id or "",
                "fra": date_from or "",
                "til": date_to or "",
            },
            "query": query,
        },
    )


@router.get("/sikkerhetslogg")
def security_log(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    bruker: Annotated[str | None, Query(max_length=254)] = None,
    hendelse: Annotated[str | None, Query(max_length=40)] = None,
    date_from: Annotated[str | None, Query(alias="fra", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="til", max_length=10)] = None,
) -> Response:
    events = audit.search_security(
        session,
        user=bruker or None,
        event_name=hendelse or None,
        date_from=_parse_date(date_from),
        date_to=_parse_date(date_to),
    )
    return render(
        request,
        "admin/security.html",
        {
            "events": events,
            "event_label": audit.event_label,
            "event_options": sorted(audit.EVENT_LABELS.items(), key=lambda kv: kv[1]),
            "subject_label": audit.subject_label,
            "q": {
                "bruker": bruker or "",
                "hendelse": hendelse or "",
                "fra": date_from or "",
                "til": date_to or "",
            },
        },
    )
