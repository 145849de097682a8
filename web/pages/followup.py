"""Follow-up pages: the job specialist's caseload, the record ("jobbspor"), fidelity and reports.

Thin routes: parse the form, call followup.service, render. Forms post → redirect → get; on bad input the
page is rendered again with the message beside the field and the input kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import PlainTextResponse, Response

from candidates import access as candidates_access
from candidates import service as candidates_service
from core import formatting
from core.cleaning import Cleaner
from core.errors import ValidationFailed
from core.formatting import today_in_oslo
from core.models import User
from employers import service as employers_service
from followup import charts
from followup import service as fs
from followup import service_fidelity as followup_fidelity
from followup import service_placements as followup_placements
from followup import service_plan as followup_plan
from followup import service_records as followup_records
from followup import service_reports as followup_reports
from followup.models import (
    CONTACT_MODES,
    CONTACT_WITH,
    COUNSELLING_OCCASIONS,
    END_CAUSES,
    END_DETAILS,
    GOALS,
    MEASURE_KINDS,
    OTHER_KINDS,
    PHASES,
    PLACEMENT_END_REASONS,
    PLACEMENT_TYPES,
    SERVICES,
    STATUSES,
    WAGE_TYPES,
    FollowupRecord,
)
from web.deps import PageUser, SessionDep, StaffUser
from web.forms import form_fields, submit
from web.pages import page_router
from web.templating import render

router = page_router(prefix="/oppfolging")


# the one form reader (web.forms): a text longer than its field holds is named, not cut
FormData = Annotated[dict[str, Any], form_fields()]


def _today() -> dt.date:
    return today_in_oslo()


def _typed(
    form: dict[str, str],
    prefix: str,
    *,
    dates: tuple[str, ...] = (),
    optional_dates: tuple[str, ...] = (),
    numbers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A form's dates and whole numbers through the one cleaner (core.cleaning), every bad field named at once;
    the service checks the rest."""
    c = Cleaner({k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)})
    for name in dates:
        c.date(name, "Datoen", required=True)
    for name in optional_dates:
        c.date(name, "Datoen")
    for name, message in (numbers or {}).items():
        c.integer(name, "Tallet", message=message)
    return c.done()


def _options(d: dict[Any, str]) -> list[tuple[Any, str]]:
    return list(d.items())


# --- caseload ------------------------------------------------------------------------------------------------


def _caseload_context(
    session: SessionDep, user: User, errors: dict | None = None, form: dict | None = None
) -> dict:
    today = _today()
    show_all = user.role != "jobbspesialist"
    records = followup_records.list_records(session, actor=user, specialist_id=None if show_all else user.id)
    items = fs.caseload_items(session, actor=user, today=today, horizon_days=14)
    names = followup_records.candidate_refs(
        session, actor=user, ids=list({r.candidate_id for r in records} | {i.candidate_id for i in items})
    )
    next_due: dict[int, followup_plan.DueItem] = {}
    overdue_records: set[int] = set()
    for i in items:
        next_due.setdefault(i.record_id, i)
        if i.state == "forfalt":
            overdue_records.add(i.record_id)
    records = sorted(
        records,
        key=lambda r: (
            r.id not in overdue_records,
            next_due[r.id].due_date if r.id in next_due else dt.date.max,
            r.id,
        ),
    )
    candidates = candidates_service.list_candidates(
        session, actor=user, limit=500, purpose="velg kandidat til jobbspor"
    )
    specialists = followup_records.specialists_of_office(
        session, user.office_id if user.role != "admin" else None
    )
    return {
        "records": records,
        "names": names,
        "items": items,
        "overdue": [i for i in items if i.state == "forfalt"],
        "next_due": next_due,
        "overdue_records": overdue_records,
        "state_labels": followup_plan.STATE_LABELS,
        "candidate_options": [
            (
                c.id,
                f"{c.full_name} ({formatting.date_no(c.birth_date) if c.birth_date else 'uten fødselsdato'})",
            )
            for c in candidates
        ],
        "specialist_options": [(u.id, u.name) for u in specialists],
        "services": _options(SERVICES),
        "goals": _options(GOALS),
        "errors": errors or {},
        "form": form
        or {
            "referral_date": today.isoformat(),
            "start_date": today.isoformat(),
            "specialist_id": str(user.id),
        },
        "today": today,
    }


@router.get("")
def caseload(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return render(request, "followup/caseload.html", _caseload_context(session, user))


@router.post("")
def enrol(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    return submit(
        request,
        session,
        lambda: followup_records.enrol(
            session,
            actor=user,
            candidate_id=form.get("candidate_id"),
            service=form.get("service", ""),
            goal=form.get("goal", "arbeid"),
            referral_date=form.get("referral_date"),
            start_date=form.get("start_date"),
            specialist_id=form.get("specialist_id"),
            out_of_work_at_intake=form.get("out_of_work_at_intake") == "1",
            target_refugee=form.get("target_refugee") == "1",
            target_ufore=form.get("target_ufore") == "1",
        ),
        to=lambda record: f"/oppfolging/{record.id}",
        message="Kandidaten er skrevet inn i et jobbspor.",
        page=lambda errors, status: render(
            request,
            "followup/caseload.html",
            _caseload_context(session, user, errors, form),
            status_code=status,
        ),
    )


# --- employer users: the contacts they took part in -----------------------------------------------------------


@router.get("/kontakter")
def employer_contacts(request: Request, session: SessionDep, user: PageUser) -> Response:
    contacts = followup_records.contacts_for_employer_user(session, actor=user)
    return render(request, "followup/employer_contacts.html", {"contacts": contacts})


# --- reports and fidelity ------------------------------------------------------------------------------------


def _period(date_from: str | None, date_to: str | None) -> tuple[dt.date, dt.date, dict[str, str]]:
    d_from, d_to = followup_reports.default_period(_today())
    c = Cleaner({"fra": date_from, "til": date_to})
    c.date("fra", "Fra-datoen")
    c.date("til", "Til-datoen")
    errors = {e["field"]: e["message"] for e in c.errors}
    d_from, d_to = c.out.get("fra") or d_from, c.out.get("til") or d_to
    if d_from > d_to:
        errors["fra"] = "Fra-datoen kan ikke være etter til-datoen."
        d_from, d_to = followup_reports.default_period(_today())
    return d_from, d_to, errors


def _office_choice(session: SessionDep, user: User, kontor: str | None) -> tuple[int, list[tuple[str, str]]]:
    offices = followup_reports.offices(session)
    if user.role == "admin":
        chosen = next((o for o in offices if o.number == kontor), offices[0] if offices else None)
        if chosen is None:
            raise ValidationFailed("Det finnes ingen NAV-kontorer ennå.", field="kontor")
        return chosen.id, [(o.number, f"{o.name} ({o.number})") for o in offices]
    return followup_fidelity.office_for(user), []


def _charts(rep: dict) -> dict[str, str]:
    months = formatting.month_axis_labels([r["month"] for r in rep["per_month"]])
    return {
        "starts": charts.bar_chart(
            "Jobbstarter per måned",
            "Antall jobbstarter hver måned i perioden: "
            + ", ".join(f"{formatting.month_no(r['month'])}: {r['starts']}" for r in rep["per_month"]),
            months,
            [r["starts"] for r in rep["per_month"]],
            names=[formatting.month_no(r["month"]) for r in rep["per_month"]],
        ),
        "first_job": charts.bar_chart(
            "Tid fra innskriving til første jobb",
            "Fordeling av antall dager fra innskriving til første jobb: "
            + ", ".join(f"{b['label']}: {b['count']}" for b in rep["first_job"]["bins"]),
            [b["label"] for b in rep["first_job"]["bins"]],
            [b["count"] for b in rep["first_job"]["bins"]],
        ),
        "retention": charts.line_chart(
            "Beholdt jobben",
            "Andel som fortsatt var i jobben etter 1, 3, 6 og 12 måneder: "
            + ", ".join(
                f"{r['months']} mnd: {formatting.percent_no(r['share'])}"
                if r["n"]
                else f"{r['months']} mnd: ingen data"
                for r in rep["retention"]
            ),
            [f"{r['months']} mnd" for r in rep["retention"]],
            [r["share"] if r["n"] else None for r in rep["retention"]],  # no jobs reached the mark: no point
        ),
        "employment": charts.bar_chart(
            "Sysselsettingsrate per kvartal",
            "Andel i ordinær jobb per kvartal av dem som var uten arbeid ved oppstart: "
            + ", ".join(f"{q['label']}: {formatting.percent_no(q['value'])}" for q in rep["quarters"]),
            [q["label"] for q in rep["quarters"]],
            [q["value"] for q in rep["quarters"]],
            as_share=True,
        ),
    }


@router.get("/rapporter")
def reports(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    fra: Annotated[str | None, Query(max_length=10)] = None,
    til: Annotated[str | None, Query(max_length=10)] = None,
    kontor: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    office_id, office_options = _office_choice(session, user, kontor)
    d_from, d_to, errors = _period(fra, til)
    rep = followup_reports.report(session, office_id=office_id, date_from=d_from, date_to=d_to)
    office = next((o for o in followup_reports.offices(session) if o.id == office_id), None)
    query = f"fra={d_from.isoformat()}&til={d_to.isoformat()}" + (
        f"&kontor={office.number}" if office else ""
    )
    offices = followup_reports.offices(session)
    office_rows = followup_reports.office_outcomes(
        session, offices if user.role == "admin" else [o for o in offices if o.id == office_id], d_from, d_to
    )
    return render(
        request,
        "followup/reports.html",
        {
            "rep": rep,
            "charts": _charts(rep),
            "office": office,
            "office_options": office_options,
            "office_rows": office_rows,
            "q": {
                "fra": d_from.isoformat(),
                "til": d_to.isoformat(),
                "kontor": office.number if office else "",
            },
            "query": query,
            "errors": errors,
            "benchmarks": followup_fidelity.EMPLOYMENT_BENCHMARKS,
        },
        status_code=422 if errors else 200,
    )


@router.get("/rapporter.csv")
def reports_csv(
    session: SessionDep,
    user: StaffUser,
    tabell: Annotated[str, Query(max_length=20)] = "jobbstarter",
    fra: Annotated[str | None, Query(max_length=10)] = None,
    til: Annotated[str | None, Query(max_length=10)] = None,
    kontor: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    if tabell not in followup_reports.CSV_TABLES:
        raise ValidationFailed("Ukjent tabell.", field="tabell")
    office_id, _ = _office_choice(session, user, kontor)
    d_from, d_to, errors = _period(fra, til)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)))
    rep = followup_reports.report(session, office_id=office_id, date_from=d_from, date_to=d_to)
    return PlainTextResponse(
        followup_reports.to_csv(tabell, rep),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="oppfolging-{tabell}-{d_from}-{d_to}.csv"'},
    )


def _fidelity_context(
    session: SessionDep,
    user: User,
    kontor: str | None,
    fra: str | None,
    til: str | None,
    errors: dict | None = None,
    form: dict | None = None,
) -> dict:
    office_id, office_options = _office_choice(session, user, kontor)
    today = _today()
    default_from = today - dt.timedelta(days=27)
    d_from, d_to, period_errors = _period(fra or default_from.isoformat(), til)
    office = next((o for o in followup_reports.offices(session) if o.id == office_id), None)
    reviews = followup_fidelity.list_reviews(session, office_id=office_id)
    snapshots = followup_fidelity.list_snapshots(session, office_id=office_id)
    review_chart = (
        charts.line_chart(
            "Selvevaluering over tid",
            "Samlet skår (av 125) per gjennomgang: "
            + ", ".join(f"{formatting.date_no(r.review_date)}: {r.total}" for r in reviews),
            [formatting.date_no(r.review_date) for r in reviews],
            [r.total for r in reviews],
            as_share=False,
        )
        if reviews
        else ""
    )
    return {
        "office": office,
        "office_options": office_options,
        "fig": followup_fidelity.office_indicators(
            session, office_id=office_id, date_from=d_from, date_to=d_to
        ),
        "per_specialist": followup_fidelity.per_specialist(
            session, office_id=office_id, date_from=d_from, date_to=d_to
        ),
        "thresholds": followup_fidelity.THRESHOLDS,
        "benchmarks": followup_fidelity.EMPLOYMENT_BENCHMARKS,
        "items": list(enumerate(followup_fidelity.FIDELITY_ITEMS, start=1)),
        "reviews": reviews,
        "review_chart": review_chart,
        "snapshots": snapshots,
        "band": followup_fidelity.review_band,
        "max_score": followup_fidelity.MAX_SCORE,
        "q": {"fra": d_from.isoformat(), "til": d_to.isoformat(), "kontor": office.number if office else ""},
        "errors": {**period_errors, **(errors or {})},
        "form": form or {"review_date": today.isoformat()},
    }


@router.get("/kvalitet")
def fidelity_page(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    fra: Annotated[str | None, Query(max_length=10)] = None,
    til: Annotated[str | None, Query(max_length=10)] = None,
    kontor: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:
    return render(request, "followup/fidelity.html", _fidelity_context(session, user, kontor, fra, til))


@router.post("/kvalitet")
def save_review(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    kontor = form.get("kontor") or None
    items = range(1, len(followup_fidelity.FIDELITY_ITEMS) + 1)

    def save() -> Any:
        c = Cleaner(form)
        c.date("review_date", "Datoen", required=True)
        for i in items:
            message = f"Punkt {i} må skåres fra 1 til 5."
            c.integer(f"item_{i}", f"Punkt {i}", required=True, message=message)
        out = c.done()
        return followup_fidelity.save_review(
            session,
            actor=user,
            office_id=_office_choice(session, user, kontor)[0],
            review_date=out["review_date"],
            scores=[out[f"item_{i}"] for i in items],
            note=form.get("note", ""),
        )

    return submit(
        request,
        session,
        save,
        to=f"/oppfolging/kvalitet{f'?kontor={kontor}' if kontor else ''}",
        message=lambda review: (
            f"Selvevalueringen er lagret: {review.total} av {followup_fidelity.MAX_SCORE}."
        ),
        page=lambda errors, status: render(
            request,
            "followup/fidelity.html",
            _fidelity_context(session, user, kontor, None, None, errors, form),
            status_code=status,
        ),
    )


# --- the record ----------------------------------------------------------------------------------------------


def _record_context(session: SessionDep, user: User, record: FollowupRecord) -> dict:
    today = _today()
    followup_plan.extend_rolling(session, record, record.placements, today)
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=record.candidate_id, purpose="oppfølging: åpnet jobbsporet"
    )
    employers = employers_service.employers_of(session, user)
    employer_names = {e.id: e.name for e in employers}
    contacts = followup_records.list_contacts(session, record)
    plan_items = sorted(record.plan_items, key=lambda i: (i.due_date, i.id))
    states = {i.id: followup_plan.item_state(i, today, record.passive_periods) for i in plan_items}
    visible_plan = [
        i for i in plan_items if states[i.id] != "utfort" or i.due_date >= today - dt.timedelta(days=60)
    ]
    spec = session.get(User, record.specialist_id) if record.specialist_id else None
    return {
        "record": record,
        "candidate": candidate,
        "specialist": spec,
        "timeline": followup_records.phase_timeline(record, today),
        "plan_items": visible_plan,
        "states": states,
        "state_labels": followup_plan.STATE_LABELS,
        "overdue_count": sum(1 for s in states.values() if s == "forfalt"),
        "contacts": contacts,
        "employer_names": employer_names,
        "employer_options": [(e.id, e.name) for e in employers],
        "placements": record.placements,
        "terms": {p.id: followup_placements.current_terms(p) for p in record.placements},
        "milestones": {p.id: followup_placements.retention_milestones(p, today) for p in record.placements},
        "profile": followup_records.get_profile(session, actor=user, record=record),
        "disclosure": followup_records.get_disclosure(session, record),
        "counselling": followup_records.list_counselling(session, record),
        "counselling_missing": followup_records.counselling_missing(session, record),
        "ufore": followup_records.ufore_income_status(session, record=record, year=today.year),
        "measures": followup_records.list_measures(session, record),
        "outreach": followup_records.outreach_attempts(session, record),
        "statuses": [(s, STATUSES[s]) for s in followup_records.allowed_statuses(record)],
        "phases": _options(PHASES),
        "contact_with": _options(CONTACT_WITH),
        "other_kinds": _options(OTHER_KINDS),
        "modes": _options(CONTACT_MODES),
        "placement_types": _options(PLACEMENT_TYPES),
        "wage_types": _options(WAGE_TYPES),
        "end_reasons": _options(PLACEMENT_END_REASONS),
        "end_causes": _options(END_CAUSES),
        "end_details": _options(END_DETAILS),
        "occasions": _options(COUNSELLING_OCCASIONS),
        "measure_kinds": _options(MEASURE_KINDS),
        "today": today,
        "errors": {},
        "form": {},
    }


def _render_record(
    request: Request,
    session: SessionDep,
    user: User,
    record_id: int,
    *,
    errors: dict | None = None,
    form: dict | None = None,
    status: int = 200,
) -> Response:
    record = followup_records.get_record(
        session, actor=user, record_id=record_id, purpose="oppfølging: åpnet jobbsporet"
    )
    ctx = _record_context(session, user, record)
    ctx["errors"] = errors or {}
    ctx["form"] = form or {}
    return render(request, "followup/record.html", ctx, status_code=status)


@router.get("/{record_id:int}")
def record_page(request: Request, session: SessionDep, user: StaffUser, record_id: int) -> Response:
    """Query parameters `p_…` prefill the job-start form (from a candidate list entry: employer, title,
    opening)."""
    prefill = {k: v[:300] for k, v in request.query_params.items() if k.startswith("p_")}
    return _render_record(request, session, user, record_id, form=prefill)


def _act(
    request: Request,
    session: SessionDep,
    user: User,
    record_id: int,
    form: dict[str, str],
    prefix: str,
    anchor: str,
    action: Callable[[FollowupRecord], str],
) -> Response:
    """One form's action on the record through `submit`: on bad input the record page comes back with every
    error beside its field (field names carry the form's prefix, so two forms never share an id)."""
    return submit(
        request,
        session,
        lambda: action(followup_records.for_update(session, actor=user, record_id=record_id)),
        to=f"/oppfolging/{record_id}#{anchor}",
        message=lambda text: text,
        page=lambda errors, status: _render_record(
            request, session, user, record_id, errors=errors, form=form, status=status
        ),
        prefix=prefix,
    )


def _f(form: dict[str, str], prefix: str, name: str, default: str = "") -> str:
    return form.get(prefix + name, default).strip()


@router.post("/{record_id:int}/status")
def set_status(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        followup_records.set_status(session, actor=user, record=record, status=_f(form, "s_", "status"))
        return f"Status er endret til «{record.status_label}»."

    return _act(request, session, user, record_id, form, "s_", "status", action)


@router.post("/{record_id:int}/fase")
def enter_phase(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        v = _typed(form, "ph_", dates=("entered_on",), numbers={"phase": "Velg en fase fra 1 til 5."})
        phase = v["phase"] or 0
        followup_records.enter_phase(
            session,
            actor=user,
            record=record,
            phase=phase,
            entered_on=v["entered_on"],
            note=_f(form, "ph_", "note"),
        )
        return f"Fase {PHASES.get(phase, phase)} er registrert."

    return _act(request, session, user, record_id, form, "ph_", "faser", action)


@router.post("/{record_id:int}/kontakt")
def log_contact(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        contact = followup_records.log_contact(
            session,
            actor=user,
            record=record,
            date=_f(form, "k_", "date"),
            with_whom=_f(form, "k_", "with_whom"),
            mode=_f(form, "k_", "mode"),
            duration_minutes=_f(form, "k_", "duration_minutes"),
            content=_f(form, "k_", "content"),
            other_kind=_f(form, "k_", "other_kind") or None,
            employer_id=_f(form, "k_", "employer_id"),
            placement_id=_f(form, "k_", "placement_id"),
            participants=_f(form, "k_", "participants"),
        )
        return f"Kontakten {contact.date.strftime('%d.%m.%Y')} er ført."

    return _act(request, session, user, record_id, form, "k_", "kontakter", action)


@router.post("/{record_id:int}/arbeidsforhold")
def start_placement(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        v = _typed(
            form,
            "p_",
            dates=("start_date",),
            numbers={"employer_id": "Velg arbeidsgiver.", "opening_id": "Velg stilling."},
        )
        p = followup_placements.start_placement(
            session,
            actor=user,
            record=record,
            type=_f(form, "p_", "type"),
            start_date=v["start_date"],
            percent=_f(form, "p_", "percent"),
            hours_per_week=_f(form, "p_", "hours_per_week") or None,
            employer_id=v["employer_id"],
            opening_id=v["opening_id"],
            title=_f(form, "p_", "title"),
            wage_type=_f(form, "p_", "wage_type", "timelonn"),
            contact_person=_f(form, "p_", "contact_person"),
        )
        return f"Jobbstart {p.start_date.strftime('%d.%m.%Y')} ({p.percent} %) er registrert, og oppfølgingsplanen er laget."

    return _act(request, session, user, record_id, form, "p_", "arbeidsforhold", action)


@router.post("/{record_id:int}/arbeidsforhold/{placement_id:int}/endring")
def change_placement(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, placement_id: int, form: FormData
) -> Response:
    prefix = f"c{placement_id}_"

    def action(record: FollowupRecord) -> str:
        p = followup_placements.get_placement(record, placement_id)
        change = followup_placements.change_placement(
            session,
            actor=user,
            record=record,
            placement=p,
            changed_on=_typed(form, prefix, dates=("changed_on",))["changed_on"],
            percent=_f(form, prefix, "percent"),
            hours_per_week=_f(form, prefix, "hours_per_week") or None,
            note=_f(form, prefix, "note"),
        )
        return f"Endringen til {change.percent} % er registrert."

    return _act(request, session, user, record_id, form, prefix, "arbeidsforhold", action)


@router.post("/{record_id:int}/arbeidsforhold/{placement_id:int}/slutt")
def end_placement(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, placement_id: int, form: FormData
) -> Response:
    prefix = f"e{placement_id}_"

    def action(record: FollowupRecord) -> str:
        p = followup_placements.get_placement(record, placement_id)
        followup_placements.end_placement(
            session,
            actor=user,
            record=record,
            placement=p,
            end_date=_typed(form, prefix, dates=("end_date",))["end_date"],
            reason=_f(form, prefix, "reason"),
            note=_f(form, prefix, "note"),
        )
        return "Arbeidsforholdet er avsluttet. Ta kontakt innen 3 dager."

    return _act(request, session, user, record_id, form, prefix, "arbeidsforhold", action)


@router.post("/{record_id:int}/profil")
def save_profile(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        data = {f: form.get("pr_" + f) for f in (*followup_records.PROFILE_FIELDS, "ufore_grad")}
        followup_records.save_profile(session, actor=user, record=record, data=data)
        return "Profilen er lagret."

    return _act(request, session, user, record_id, form, "pr_", "profil", action)


@router.post("/{record_id:int}/apenhet")
def save_disclosure(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        followup_records.save_disclosure(
            session,
            actor=user,
            record=record,
            may_tell=_f(form, "d_", "may_tell"),
            may_not_tell=_f(form, "d_", "may_not_tell"),
            consent_date=_typed(form, "d_", optional_dates=("consent_date",))["consent_date"],
        )
        return "Planen for åpenhet er lagret."

    return _act(request, session, user, record_id, form, "d_", "apenhet", action)


@router.post("/{record_id:int}/ytelser")
def log_counselling(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        amounts = dict.fromkeys(
            ("earnings_to_date", "expected_annual_earnings"), "Beløpet må være hele kroner."
        )
        v = _typed(form, "b_", dates=("date",), numbers=amounts)
        followup_records.log_counselling(
            session,
            actor=user,
            record=record,
            date=v["date"],
            occasion=_f(form, "b_", "occasion"),
            benefits=_f(form, "b_", "benefits"),
            earnings_to_date=v["earnings_to_date"],
            expected_annual_earnings=v["expected_annual_earnings"],
            note=_f(form, "b_", "note"),
        )
        return "Veiledningen om arbeid og ytelser er ført."

    return _act(request, session, user, record_id, form, "b_", "ytelser", action)


@router.post("/{record_id:int}/passiv")
def add_passive(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        v = _typed(form, "pa_", dates=("from_date",), optional_dates=("to_date",))
        followup_records.add_passive_period(
            session,
            actor=user,
            record=record,
            from_date=v["from_date"],
            to_date=v["to_date"],
            reason=_f(form, "pa_", "reason"),
        )
        return "Oppfølgingen er satt på pause. Jobbsporet er fortsatt åpent."

    return _act(request, session, user, record_id, form, "pa_", "passiv", action)


@router.post("/{record_id:int}/oppsoking")
def log_outreach(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        followup_records.log_outreach(
            session,
            actor=user,
            record=record,
            date=_typed(form, "o_", dates=("date",))["date"],
            mode=_f(form, "o_", "mode"),
            reached=_f(form, "o_", "reached") == "1",
            note=_f(form, "o_", "note"),
        )
        return "Forsøket på å nå personen er ført."

    return _act(request, session, user, record_id, form, "o_", "passiv", action)


@router.post("/{record_id:int}/tiltak")
def add_measure(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        v = _typed(form, "m_", dates=("start_date", "end_date"))
        m = followup_records.add_measure(
            session,
            actor=user,
            record=record,
            kind=_f(form, "m_", "kind"),
            start_date=v["start_date"],
            end_date=v["end_date"],
            reduced_work_capacity=_f(form, "m_", "reduced_work_capacity") == "1",
            note=_f(form, "m_", "note"),
        )
        return f"{m.kind_label} er registrert med varsel før slutt."

    return _act(request, session, user, record_id, form, "m_", "tiltak", action)


@router.post("/{record_id:int}/plan/{item_id:int}/utfort")
def complete_item(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, item_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        followup_records.complete_plan_item(
            session,
            actor=user,
            record=record,
            item_id=item_id,
            done_on=_typed(form, "", optional_dates=("done_on",))["done_on"] or _today(),
        )
        return "Punktet er merket som utført."

    return _act(request, session, user, record_id, form, "pl_", "plan", action)


@router.post("/{record_id:int}/avslutt")
def end_record(
    request: Request, session: SessionDep, user: StaffUser, record_id: int, form: FormData
) -> Response:
    def action(record: FollowupRecord) -> str:
        followup_records.end_record(
            session,
            actor=user,
            record=record,
            end_date=_typed(form, "x_", dates=("end_date",))["end_date"],
            cause=_f(form, "x_", "cause"),
            detail=_f(form, "x_", "detail") or None,
            note=_f(form, "x_", "note"),
        )
        return "Jobbsporet er avsluttet."

    return _act(request, session, user, record_id, form, "x_", "avslutt", action)
