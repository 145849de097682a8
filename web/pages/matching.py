"""Matching pages: ranked openings for a candidate ("jobbforslag"), ranked candidates and the candidate list for
an opening, and the employer's answer on a candidate shared with them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import derived as candidates_derived
from candidates import service_suggest as candidates_suggest
from candidates.models import STATUS_LABELS, Candidate
from core.errors import NotFound, ValidationFailed
from core.models import User
from employers import service_openings as employers_openings
from followup import service_records as followup_records
from followup.models import FollowupRecord
from recruitment import ranking
from recruitment import service as rs
from recruitment.models import EMPLOYER_ANSWERS, ENTRY_STATUSES, OUTCOMES
from web.deps import SessionDep, StaffUser, require_roles
from web.forms import form_fields, submit
from web.pages import page_router
from web.pages.candidates import TABS
from web.templating import redirect, render

router = page_router()
EmployerUser = Annotated[User, require_roles("arbeidsgiver")]
FormData = Annotated[dict[str, Any], form_fields()]
BulkForm = Annotated[dict[str, Any], form_fields({"entry_id"})]
EVENT_LABELS = {
    "added": "Lagt på listen",
    "status": "Status",
    "outcome": "Utfall",
    "shared": "Delt med arbeidsgiver",
    "unshared": "Deling trukket",
    "override": "Sensitiv tekst overstyrt",
    "answer": "Svar fra arbeidsgiver",
}
SHARE_STATES = {
    "delt": "Delt",
    "uten samtykke": "Delt, men samtykket er trukket: arbeidsgiveren ser ikke kandidaten",
    "ikke delt": "Ikke delt",
}


def _label(kind: str, value: str | None) -> str:
    if value is None:
        return ""
    return {**ENTRY_STATUSES, **OUTCOMES, **EMPLOYER_ANSWERS}.get(value, value)


@router.get("/kandidater/{candidate_id}/jobbforslag")
def job_suggestions(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="jobbforslag", full=True
    )
    result = ranking.openings_for_candidate(
        session, actor=user, candidate_id=candidate_id, candidate=candidate
    )
    return render(
        request,
        "matching/jobbforslag.html",
        {
            "candidate": candidate,
            "tabs": TABS,
            "tab": "/jobbforslag",
            "status_labels": STATUS_LABELS,
            "result": result,
            "capacity": candidates_derived.capacity_of(candidate),
            "restricted_ok": candidates_access.may_read_restricted(user, candidate),
            "erase_ok": candidates_access.may_erase(user, candidate),
            "reasons_for": lambda reasons: candidates_access.reasons_for(user, candidate, reasons),
        },
    )


def _opening_context(session: Session, user: User, opening_id: int) -> dict[str, Any]:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id)
    matches = ranking.candidates_for_opening(session, actor=user, opening_id=opening_id)
    entries = rs.entries(session, actor=user, opening_id=opening_id)
    on_list = {e.candidate_id for e in entries}
    names = {
        c.id: c.full_name
        for c in session.scalars(
            candidates_access.readable_candidates(user).where(
                Candidate.id.in_([e.candidate_id for e in entries])
            )
        )
    }
    histories = {e.id: rs.history(session, actor=user, entry_id=e.id) for e in entries}
    return {
        "share_states": rs.share_states(session, entries, opening_id),
        "share_state_labels": SHARE_STATES,
        "opening": opening,
        "matches": matches,
        "entries": entries,
        "on_list": on_list,
        "names": names,
        "histories": histories,
        "statuses": ENTRY_STATUSES,
        "outcomes": OUTCOMES,
        "answers": EMPLOYER_ANSWERS,
        "event_labels": EVENT_LABELS,
        "label": _label,
        "errors": {},
    }


@router.get("/stillinger/{opening_id}/kandidater")
def opening_candidates(request: Request, session: SessionDep, user: StaffUser, opening_id: int) -> Response:
    return render(request, "matching/opening_candidates.html", _opening_context(session, user, opening_id))


def _list_form(
    request: Request, session: Session, user: User, opening_id: int, form: dict[str, Any]
) -> Callable[[dict[str, str], int], Response]:
    """The list page again with a form's errors and typed values (`submit`'s page)."""

    def page(errors: dict[str, str], status: int) -> Response:
        ctx = {**_opening_context(session, user, opening_id), "errors": errors, "form": form}
        return render(request, "matching/opening_candidates.html", ctx, status_code=status)

    return page


@router.post("/stillinger/{opening_id}/kandidater")
def add_to_list(
    request: Request, session: SessionDep, user: StaffUser, opening_id: int, form: FormData
) -> Response:
    raw = str(form.get("candidate_id", "")).strip()
    back = str(form.get("tilbake", ""))
    from_candidate = back.startswith("/kandidater/")  # the button on a candidate's job suggestions

    def add() -> None:
        if not raw:
            raise ValidationFailed("Velg en kandidat.", field="candidate_id")
        # a number, the typeahead's "Name (number)", or a name only one readable candidate has
        candidate_id = candidates_suggest.candidate_ref(session, actor=user, text=raw, field="candidate_id")
        score = form.get("score")
        rs.add_candidate(
            session,
            actor=user,
            opening_id=opening_id,
            candidate_id=candidate_id,
            score=float(score) if score else None,
        )

    return submit(
        request,
        session,
        add,
        to=back if from_candidate else f"/stillinger/{opening_id}/kandidater",
        message="Kandidaten er lagt på kandidatlisten.",
        page=None if from_candidate else _list_form(request, session, user, opening_id, form),
    )


def _entry_opening(session: Session, user: User, list_entry_id: int) -> int:
    entry = rs._entry(session, user, list_entry_id)
    return rs.opening_id_of(session, entry)


@router.post("/kandidatliste/{list_entry_id}/status")
def change_status(
    request: Request, session: SessionDep, user: StaffUser, list_entry_id: int, form: FormData
) -> Response:
    opening_id = _entry_opening(session, user, list_entry_id)
    return submit(
        request,
        session,
        lambda: rs.set_status(
            session,
            actor=user,
            entry_id=list_entry_id,
            status=str(form.get("status", "")),
            reason=form.get("reason"),
        ),
        to=f"/stillinger/{opening_id}/kandidater#oppforing-{list_entry_id}",
        message="Status er endret.",
        page=_list_form(request, session, user, opening_id, form),
    )


@router.post("/kandidatliste/{list_entry_id}/utfall")
def change_outcome(
    request: Request, session: SessionDep, user: StaffUser, list_entry_id: int, form: FormData
) -> Response:
    opening_id = _entry_opening(session, user, list_entry_id)
    return submit(
        request,
        session,
        lambda: rs.set_outcome(
            session, actor=user, entry_id=list_entry_id, outcome=str(form.get("outcome", ""))
        ),
        to=f"/stillinger/{opening_id}/kandidater#oppforing-{list_entry_id}",
        message="Utfallet er endret.",
    )


@router.post("/kandidatliste/{list_entry_id}/del")
def share(
    request: Request, session: SessionDep, user: StaffUser, list_entry_id: int, form: FormData
) -> Response:
    opening_id = _entry_opening(session, user, list_entry_id)
    return submit(  # a refused share: back to the list by redirect, so a refresh does not post again
        request,
        session,
        lambda: rs.share_with_employer(
            session,
            actor=user,
            entry_id=list_entry_id,
            override_reason=str(form.get("override_reason", "")) or None,
        ),
        to=f"/stillinger/{opening_id}/kandidater#oppforing-{list_entry_id}",
        message="Kandidaten er delt med arbeidsgiveren.",
    )


@router.post("/kandidatliste/{list_entry_id}/trekk-deling")
def unshare(request: Request, session: SessionDep, user: StaffUser, list_entry_id: int) -> Response:
    opening_id = _entry_opening(session, user, list_entry_id)
    rs.unshare_with_employer(session, actor=user, entry_id=list_entry_id)
    return redirect(
        request,
        f"/stillinger/{opening_id}/kandidater#oppforing-{list_entry_id}",
        "Delingen er trukket. Arbeidsgiveren ser ikke lenger kandidaten for denne stillingen.",
        "success",
    )


@router.post("/stillinger/{opening_id}/kandidater/del")
def share_chosen(
    request: Request, session: SessionDep, user: StaffUser, opening_id: int, form: BulkForm
) -> Response:
    """Bulk share of the chosen entries of one list; each is shared or refused on its own terms."""
    ids = [int(v) for v in form.get("entry_id", []) if str(v).isdigit()]

    def said(result: tuple[list, list]) -> str | tuple[str, str]:
        shared, refused = result
        if refused:
            names = ", ".join(f"oppføring {r['entry_id']}: {r['message']}" for r in refused)
            text = f"{len(shared)} delt, {len(refused)} ikke delt ({names})"
            return text, "error" if not shared else "warning"
        return (
            f"{len(shared)} kandidater er delt med arbeidsgiveren."
            if len(shared) != 1
            else "1 kandidat er delt."
        )

    return submit(
        request,
        session,
        lambda: rs.share_entries(
            session,
            actor=user,
            opening_id=opening_id,
            entry_ids=ids,
            override_reason=str(form.get("override_reason", "")) or None,
        ),
        to=f"/stillinger/{opening_id}/kandidater#kandidatliste",
        message=said,
    )


@router.post("/delte-kandidater/{candidate_id}/svar")
def employer_answer(
    request: Request, session: SessionDep, user: EmployerUser, candidate_id: int, form: FormData
) -> Response:
    raw = str(form.get("entry_id", ""))
    ours = {
        e.id for e, _, _ in rs.shared_entries_for_employer(session, actor=user, candidate_id=candidate_id)
    }
    if not ours:
        raise NotFound("Fant ikke kandidaten.")

    def answer() -> None:
        if not raw.isdigit():
            raise ValidationFailed("Velg stillingen svaret gjelder.", field="entry_id")
        if int(raw) not in ours:
            raise ValidationFailed("Kandidaten er ikke delt med dere for den stillingen.", field="entry_id")
        rs.record_employer_answer(
            session,
            actor=user,
            entry_id=int(raw),
            answer=str(form.get("answer", "")),
            reason=form.get("reason"),
        )

    return submit(
        request,
        session,
        answer,
        to=f"/delte-kandidater/{candidate_id}",
        message="Takk, svaret er sendt til NAV.",
    )


@router.get("/kandidatliste/{list_entry_id}/oppfolging")
def start_followup(request: Request, session: SessionDep, user: StaffUser, list_entry_id: int) -> Response:
    """From a list entry to the job start: the candidate's open follow-up record with the job-start form
    prefilled (employer, title, the opening's lowest percent), or the caseload page to enrol them first."""
    entry = rs._entry(session, user, list_entry_id)
    opening = employers_openings.get_opening(session, actor=user, opening_id=rs.opening_id_of(session, entry))
    record_id = session.scalar(
        followup_records.readable_records(user)
        .where(FollowupRecord.candidate_id == entry.candidate_id, FollowupRecord.status != "avsluttet")
        .with_only_columns(FollowupRecord.id)
        .order_by(FollowupRecord.id.desc())
    )
    if record_id is None:
        return redirect(
            request,
            f"/oppfolging?candidate_id={entry.candidate_id}",
            "Kandidaten har ikke et åpent jobbspor. Skriv kandidaten inn først, og registrer så jobbstarten.",
            "info",
        )
    query = urlencode(
        {
            "p_employer_id": opening.employer_id,
            "p_title": opening.title,
            "p_opening_id": opening.id,
            "p_percent": opening.percent_min,
        }
    )
    return redirect(request, f"/oppfolging/{record_id}?{query}#arbeidsforhold")
