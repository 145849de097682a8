"""§14a record pages, part of the candidate's record (under «Situasjon og arbeidsevne»): the current decision and
its history, the drafting form (innsatsgruppe, hovedmål, begrunnelse, sources, the help questions, the re-assessment
block), sending, and a second person's approval or return. Restricted like the situation: follow-up caseworkers of
the person's office only. Thin routes: parse the form, call plans.service_vedtak, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from candidates.models import HOVEDMAL, INNSATSGRUPPER
from core import formatting
from core.errors import ReasonRequired
from core.models import User
from plans import service_vedtak as vs
from plans.models_vedtak import (
    ARENA_CODES,
    ASSESSMENT_QUESTIONS,
    BEGRUNNELSE_MAX,
    BEGRUNNELSE_RECOMMENDED,
    BESLUTTER_STATUSES,
    DEFAULT_SOURCES,
    FORM_QUESTIONS,
    INNSATSGRUPPE_V2,
    ORIGINS,
    OTHER_SOURCES,
    PERMANENT_GROUPS,
    QUESTIONS,
    SOURCE_KINDS,
    STATUSES,
    Vedtak,
)
from web.deps import SessionDep, StaffUser
from web.forms import form_fields, submit
from web.pages import page_router
from web.pages.candidates import COMMON as CANDIDATE_COMMON
from web.templating import render

router = page_router()
FormData = Annotated[dict[str, Any], form_fields({"default_sources"})]
EMPTY_SOURCE_ROWS = 2  # blank rows for typed sources below the saved ones (no JavaScript needed)
FIELDS = (
    "innsatsgruppe",
    "hovedmal",
    "begrunnelse",
    "decision_date",
    "uforegrad",
    "desired_hours_per_week",
    "changes_since_last",
    "capacity_percent",
    "capacity_reason",
)
LABELS = {
    "innsatsgruppe": "Innsatsgruppe",
    "hovedmal": "Hovedmål",
    "begrunnelse": "Begrunnelse",
    "decision_date": "Vedtaksdato",
    "uforegrad": "Uføregrad",
    "desired_hours_per_week": "Ønsket antall timer per uke",
    "changes_since_last": "Endringer siden forrige arbeidsavklaring",
    "capacity_percent": "Arbeidsevne i prosent",
    "capacity_reason": "Begrunnelse for arbeidsevnen",
}
# Who each group is for (NAV's presentation on §14a for people on uføretrygd), shown beside the choice.
GROUP_HINTS = {
    "STANDARD_INNSATS": "kan nå målet om arbeid på egen hånd og med generelle tjenester",
    "SITUASJONSBESTEMT_INNSATS": "kan trenge veiledning for å nå målet om arbeid",
    "SPESIELT_TILPASSET_INNSATS": "kan trenge veiledning og har nedsatt arbeidsevne",
    "GRADERT_VARIG_TILPASSET_INNSATS": "har mulighet til å jobbe litt (delvis, varig tilpasset innsats)",
    "VARIG_TILPASSET_INNSATS": "har liten mulighet for å jobbe på grunn av varig nedsatt arbeidsevne",
}
COMMON = {
    **CANDIDATE_COMMON,
    "innsatsgrupper": INNSATSGRUPPER,
    "innsatsgruppe_v2": INNSATSGRUPPE_V2,
    "arena_codes": ARENA_CODES,
    "group_hints": GROUP_HINTS,
    "hovedmal": HOVEDMAL,
    "statuses": STATUSES,
    "beslutter_statuses": BESLUTTER_STATUSES,
    "origins": ORIGINS,
    "default_sources": DEFAULT_SOURCES,
    "other_sources": OTHER_SOURCES,
    "source_kinds": SOURCE_KINDS,
    "form_questions": FORM_QUESTIONS,
    "assessment_questions": ASSESSMENT_QUESTIONS,
    "questions": QUESTIONS,
    "permanent_groups": PERMANENT_GROUPS,
    "begrunnelse_max": BEGRUNNELSE_MAX,
    "begrunnelse_recommended": BEGRUNNELSE_RECOMMENDED,
}


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return formatting.number_input(value)
    return str(value)


def _page(request: Request, template: str, candidate: Any, user: User, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    return render(
        request,
        template,
        {
            **COMMON,
            "candidate": candidate,
            "tab": "/situasjon",
            "restricted_ok": True,  # every page here is for those who read the restricted fields
            "erase_ok": False,
            **ctx,
        },
        status_code=status,
    )


# --- the overview -------------------------------------------------------------------------------------------


@router.get("/kandidater/{candidate_id}/vedtak")
def vedtak_overview(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    found = vs.overview(session, actor=user, candidate_id=candidate_id)
    return _page(
        request,
        "plans/vedtak.html",
        found.candidate,
        user,
        current=found.current,
        draft=found.draft,
        history=found.history,
        may=vs.draft_state(found.draft, user),
    )


@router.post("/kandidater/{candidate_id}/vedtak/ny")
def new_draft(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    return submit(
        request,
        session,
        lambda: vs.create_draft(session, actor=user, candidate_id=candidate_id),
        to=lambda v: f"/kandidater/{candidate_id}/vedtak/{v.id}",
        message="Utkastet er laget. Det gjelder ikke før det er fattet.",
        back=f"/kandidater/{candidate_id}/vedtak",
        passes=(ReasonRequired,),  # the admin: the page asking for a reason, not a message after a redirect
    )


# --- one record: the drafting form, or the decision as it was made ---------------------------------------------


def _form_of(vedtak: Vedtak) -> dict[str, Any]:
    form: dict[str, Any] = {k: _s(getattr(vedtak, k)) for k in FIELDS}
    form["version"] = str(vedtak.version)
    form["default_sources"] = [s.kind for s in vedtak.sources if s.kind in DEFAULT_SOURCES]
    others = [s for s in vedtak.sources if s.kind not in DEFAULT_SOURCES]
    for i, source in enumerate(others):
        form[f"other_sources.{i}.kind"] = source.kind
        form[f"other_sources.{i}.text"] = source.text
        form[f"other_sources.{i}.date"] = _s(source.date)
    form["source_rows"] = str(len(others) + EMPTY_SOURCE_ROWS)
    for code in QUESTIONS:
        form[f"svar_{code}"] = vedtak.answer_map.get(code, "")
    return form


def _rows(form: dict[str, Any]) -> int:
    raw = str(form.get("source_rows") or "")
    return min(int(raw), 40) if raw.isdigit() else EMPTY_SOURCE_ROWS


def _record_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    vedtak_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    conflict: dict[str, Any] | None = None,
) -> Response:
    candidate, vedtak = vs.get_vedtak(session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id)
    may = vs.draft_state(vedtak, user)
    if not may["edit"]:
        return _page(
            request,
            "plans/vedtak_detail.html",
            candidate,
            user,
            vedtak=vedtak,
            may=may,
            form=form or {},
            errors=errors or {},
            status_code=status_code,
        )
    shown = {**_form_of(vedtak), **(form or {})}  # typed input over the saved values
    return _page(
        request,
        "plans/vedtak_form.html",
        candidate,
        user,
        vedtak=vedtak,
        may=may,
        form=shown,
        rows=_rows(shown),
        errors=errors or {},
        conflict=conflict,
        current_group=candidate.situation.innsatsgruppe if candidate.situation else None,
        status_code=status_code,
    )


@router.get("/kandidater/{candidate_id}/vedtak/{vedtak_id:int}")
def vedtak_page(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, vedtak_id: int
) -> Response:
    return _record_page(request, session, user, candidate_id, vedtak_id)


def _data(form: dict[str, Any]) -> dict[str, Any]:
    """The form as the service reads it: the fields, the sources (ticked defaults and typed rows, each row keeping
    its index so an error comes back beside it) and the answers."""
    data: dict[str, Any] = {k: form.get(k, "") for k in FIELDS}
    data["version"] = form.get("version", "")
    data["default_sources"] = form.get("default_sources") or []
    data["other_sources"] = [
        {part: form.get(f"other_sources.{i}.{part}", "") for part in ("kind", "text", "date")}
        for i in range(_rows(form))
    ]
    data["answers"] = {code: form.get(f"svar_{code}", "") for code in QUESTIONS}
    return data


def _form_again(
    request: Request, session: Session, user: User, candidate_id: int, vedtak_id: int, form: dict[str, Any]
) -> Callable[..., Response]:
    return lambda errors, status, **more: _record_page(
        request,
        session,
        user,
        candidate_id,
        vedtak_id,
        form=form,
        errors=errors,
        status_code=status,
        conflict=more.get("conflict"),
    )


@router.post("/kandidater/{candidate_id}/vedtak/{vedtak_id:int}")
def save_draft(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, vedtak_id: int, form: FormData
) -> Response:
    """«Lagre utkast» saves; «Fatt vedtak» saves and sends in one step (a refused send saves nothing: the form
    comes back with every error beside its field and what was typed)."""
    sending = form.get("handling") == "send"
    form.setdefault("default_sources", [])  # none ticked: the form again shows none ticked
    data = _data(form)

    def action() -> Vedtak:
        vedtak = vs.update_draft(
            session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id, data=data
        )
        if sending:
            vedtak = vs.submit(session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id)
        return vedtak

    def saved() -> dict[str, Any]:
        _, vedtak = vs.get_vedtak(session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id)
        return _form_of(vedtak)

    def message(vedtak: Vedtak) -> str:
        if not sending:
            return "Utkastet er lagret."
        if vedtak.beslutter_status == "KLAR_TIL_BESLUTTER":
            return (
                "Utkastet er sendt til kvalitetssikring. Vedtaket gjelder først når en annen veileder har "
                "godkjent det."
            )
        return "Vedtaket er fattet og gjelder fra nå. Innsatsgruppen er oppdatert på kandidaten."

    return submit(
        request,
        session,
        action,
        to=lambda v: (
            f"/kandidater/{candidate_id}/vedtak" if sending else f"/kandidater/{candidate_id}/vedtak/{v.id}"
        ),
        message=message,
        page=_form_again(request, session, user, candidate_id, vedtak_id, form),
        stale=(saved, LABELS, form),
    )


@router.post("/kandidater/{candidate_id}/vedtak/{vedtak_id:int}/godkjenn")
def approve(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, vedtak_id: int
) -> Response:
    return submit(
        request,
        session,
        lambda: vs.approve(session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id),
        to=f"/kandidater/{candidate_id}/vedtak",
        message="Vedtaket er godkjent og gjelder fra nå. Innsatsgruppen er oppdatert på kandidaten.",
        back=f"/kandidater/{candidate_id}/vedtak/{vedtak_id}",
        passes=(ReasonRequired,),
    )


@router.post("/kandidater/{candidate_id}/vedtak/{vedtak_id:int}/send-tilbake")
def return_to_drafter(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, vedtak_id: int, form: FormData
) -> Response:
    note = form.get("note", "")
    return submit(
        request,
        session,
        lambda: vs.return_to_drafter(
            session, actor=user, vedtak_id=vedtak_id, candidate_id=candidate_id, note=note
        ),
        to=f"/kandidater/{candidate_id}/vedtak",
        message="Utkastet er sendt tilbake til veilederen.",
        page=lambda errors, status, **_: _record_page(
            request,
            session,
            user,
            candidate_id,
            vedtak_id,
            form={"note": note},
            errors=errors,
            status_code=status,
        ),
    )
