"""Journal pages: a person's notes and samtalereferat (list with a filter by service, a new entry, a draft's edit,
sharing with the person, and a preview of what the person sees). Access and audit are the domain's
(plans.service_journal); TryggTekst's warning is shown before anything is saved and must be confirmed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from candidates import service as candidates_service
from core.models import User
from plans import service_journal as sj
from plans import tryggtekst
from plans.access_journal import services_for
from plans.models_journal import KIND_LABELS, SERVICE_LABELS, JournalEntry
from web.deps import SessionDep, StaffUser
from web.forms import form_fields, submit
from web.pages import page_router
from web.templating import render

router = page_router()
FormData = Annotated[dict[str, Any], form_fields()]
FIELDS = ("kind", "service", "title", "text", "event_date", "corrects_id")
EMPLOYMENT_PHRASES = {"STAT": "statlig ansatt", "KOMMUNE": "kommunalt ansatt"}


def _common(user: User) -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "service_labels": SERVICE_LABELS,
        "kind_options": sj.kind_options(),
        "service_options": sj.service_options(user),
        "employment_phrase": EMPLOYMENT_PHRASES.get(user.employment or "", ""),
        "readable_services": [SERVICE_LABELS[s] for s in services_for(user)],
    }


def _data(form: dict[str, Any]) -> dict[str, Any]:
    return {k: form[k] for k in FIELDS if k in form}


def _confirmed(form: dict[str, Any]) -> bool:
    return str(form.get(sj.CONFIRM_FIELD, "")).strip() in ("1", "on", "true", "ja")


@router.get("/kandidater/{candidate_id}/journal")
def journal(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, tjeneste: str = ""
) -> Response:
    service = tjeneste if tjeneste in SERVICE_LABELS else None
    person, entries = sj.list_entries(session, actor=user, candidate_id=candidate_id, service=service)
    preview = [e for e in entries if e.is_shared] if service is None else None
    return render(
        request,
        "plans/journal.html",
        {
            **_common(user),
            "person": person,
            "entries": entries,
            "service": service or "",
            "filter_options": [(s, SERVICE_LABELS[s]) for s in services_for(user)],
            "preview": preview,
        },
    )


def _form_page(
    request: Request,
    session: SessionDep,
    user: User,
    candidate_id: int,
    form: dict[str, Any],
    errors: dict,
    status: int = 200,
) -> Response:
    person = sj.journal_person(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: journal (nytt notat)"
    )
    warning = errors.get(sj.CONFIRM_FIELD)
    return render(
        request,
        "plans/journal_form.html",
        {**_common(user), "person": person, "form": form, "errors": errors, "warning": warning},
        status_code=status,
    )


@router.get("/kandidater/{candidate_id}/journal/ny")
def new_entry(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    retter: int | None = None,
    kind: Annotated[str, Query(alias="type")] = "",
) -> Response:
    services = services_for(user)
    form: dict[str, Any] = {
        "kind": kind if kind in KIND_LABELS else "SAMTALEREFERAT",
        "service": services[0] if services else "",
        "corrects_id": retter or "",
    }
    if retter:
        corrected = sj.get_entry(
            session, actor=user, entry_id=retter, purpose="oppfølging: journal (rettelse)"
        )
        form.update(
            service=corrected.service, kind=corrected.kind, title=f"Rettelse: {corrected.title}"[:100]
        )
    return _form_page(request, session, user, candidate_id, form, {})


@router.post("/kandidater/{candidate_id}/journal/ny")
def create_entry(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return submit(
        request,
        session,
        lambda: sj.create_entry(
            session,
            actor=user,
            candidate_id=candidate_id,
            data=_data(form),
            confirm_needed=True,
            confirmed=_confirmed(form),
        ),
        to=lambda saved: f"/journal/{saved.entry.id}",
        message=lambda saved: (
            f"{saved.entry.kind_label} er lagret som utkast. Personen ser det ikke før du deler det.",
            "success",
        ),
        page=lambda errors, status, **_: _form_page(
            request, session, user, candidate_id, dict(form), errors, status
        ),
    )


def _entry_page(
    request: Request,
    session: SessionDep,
    user: User,
    entry_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict | None = None,
    share_errors: dict | None = None,
    conflict: Any = None,
    status: int = 200,
) -> Response:
    entry = sj.get_entry(session, actor=user, entry_id=entry_id, history=True)
    names = candidates_service.names_for_reader(session, reader=user, candidate_ids=[entry.candidate_id])
    share_marks = sj.share_warnings(entry)
    values = {k: getattr(entry, k) for k in ("kind", "service", "title", "text", "event_date")}
    return render(
        request,
        "plans/journal_entry.html",
        {
            **_common(user),
            "entry": entry,
            "person_name": names.get(entry.candidate_id, ""),
            "form": {**values, "version": entry.version, **(form or {})},
            "errors": errors or {},
            "share_errors": share_errors or {},
            "share_warning": (
                tryggtekst.message(share_marks, service=entry.service, shared=True) if share_marks else None
            ),
            "edit_warning": (errors or {}).get(sj.CONFIRM_FIELD),
            "conflict": conflict,
            "marked": tryggtekst.sensitive_text.segments(entry.text, share_marks),
        },
        status_code=status,
    )


@router.get("/journal/{journal_entry_id:int}")
def entry_page(request: Request, session: SessionDep, user: StaffUser, journal_entry_id: int) -> Response:
    return _entry_page(request, session, user, journal_entry_id)


def _current(session: SessionDep, user: User, entry_id: int) -> dict[str, Any]:
    entry: JournalEntry = sj.get_entry(session, actor=user, entry_id=entry_id)
    return {k: getattr(entry, k) for k in ("kind", "service", "title", "text", "event_date")}


@router.post("/journal/{journal_entry_id:int}")
def update_entry(
    request: Request, session: SessionDep, user: StaffUser, journal_entry_id: int, form: FormData
) -> Response:
    typed = dict(form)
    return submit(
        request,
        session,
        lambda: sj.update_draft(
            session,
            actor=user,
            entry_id=journal_entry_id,
            data=_data(form),
            version=form.get("version"),
            confirm_needed=True,
            confirmed=_confirmed(form),
        ),
        to=f"/journal/{journal_entry_id}",
        message=("Utkastet er lagret. Den forrige teksten er tatt vare på i historikken.", "success"),
        page=lambda errors, status, conflict=None: _entry_page(
            request,
            session,
            user,
            journal_entry_id,
            form=typed,
            errors=errors,
            conflict=conflict,
            status=status,
        ),
        stale=(lambda: _current(session, user, journal_entry_id), sj.LABELS, typed),
    )


@router.post("/journal/{journal_entry_id:int}/del")
def share_entry(
    request: Request, session: SessionDep, user: StaffUser, journal_entry_id: int, form: FormData
) -> Response:
    return submit(
        request,
        session,
        lambda: sj.share_with_person(
            session,
            actor=user,
            entry_id=journal_entry_id,
            version=form.get("version"),
            confirm_needed=True,
            confirmed=_confirmed(form),
        ),
        to=f"/journal/{journal_entry_id}",
        message=(
            "Delt med personen. Notatet kan ikke endres lenger; skriv en rettelse om noe er feil.",
            "success",
        ),
        page=lambda errors, status, **_: _entry_page(
            request, session, user, journal_entry_id, share_errors=errors, status=status
        ),
    )
