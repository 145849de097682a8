"""Employer pages: the registry, contact log and next steps, praksisplasser, openings (/stillinger) with their
lifecycle and approval, and the employer user's own view. Routes parse, call a service, render."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response

from candidates import service_suggest as candidates_suggest
from core import formatting
from core import reference as reference_service
from core.errors import DomainError, Forbidden, NotFound
from core.formatting import today_in_oslo
from core.models import User
from employers import access as employers_access
from employers import importers
from employers import models as m
from employers import service as es
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers import service_suggest as employers_suggest
from employers.styrk import name_of as styrk_name
from web.deps import OptionalPageUser, PageUser, SessionDep, StaffUser
from web.forms import form_fields, submit
from web.labels import nace_label
from web.pages import page_router
from web.pages import suggest as suggest_ui
from web.templating import redirect, render

router = page_router()
SAVED = "Endringene er lagret."
MULTI = {"working_time", "inclusion", "target_groups", "measures", "adaptations"}
PAGE_SIZE = 50


FormData = Annotated[dict[str, Any], form_fields(MULTI)]


def _municipality_filter(session: SessionDep, typed: str) -> str:
    """A list filter's municipality as typed in its typeahead: a name ("gjovik"), "Gjøvik (3407)" or a code."""
    typed = (typed or "").strip()
    if not typed or typed.isdigit():
        return typed
    return employers_suggest.resolve_municipality(session, typed) or typed


def _opts(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


COMMON = {
    "status_labels": m.EMPLOYER_STATUS_LABELS,
    "sector_labels": m.SECTOR_LABELS,
    "size_labels": m.SIZE_LABELS,
    "contact_types": m.CONTACT_TYPES,
    "opening_status_labels": m.OPENING_STATUS_LABELS,
    "praksis_status_labels": m.PRAKSISPLASS_STATUS_LABELS,
    "inclusion_labels": m.INCLUSION_LABELS,
    "target_group_labels": m.TARGET_GROUP_LABELS,
    "measure_labels": m.MEASURE_LABELS,
    "working_times": m.WORKING_TIMES,
    "engagement_types": m.ENGAGEMENT_TYPES,
    "norwegian_levels": m.NORWEGIAN_LEVELS,
    "requirement_labels": m.REQUIREMENT_LABELS,
    "transitions": employers_openings.TRANSITIONS,
}


def _ctx(**kw: Any) -> dict[str, Any]:
    return {**COMMON, **kw}


# --- registry -----------------------------------------------------------------------------------------


@router.get("/arbeidsgivere")
def employer_list(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    q: str = "",
    status: str = "",
    kommune: str = "",
    mine: str = "",
    sort: str = "navn",
    side: int = 1,
) -> Response:
    side = max(side, 1)
    rows, total = es.list_employers(
        session,
        actor=user,
        q=q,
        status=status,
        municipality_code=_municipality_filter(session, kommune),
        mine=bool(mine),
        sort=sort,
        limit=PAGE_SIZE,
        offset=(side - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "employers/list.html",
        _ctx(
            rows=rows,
            total=total,
            filters={"q": q, "status": status, "kommune": kommune, "mine": mine, "sort": sort},
            side=side,
            pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            employers=[r.employer for r in rows],
        ),
    )


def _employer_form(
    request: Request,
    session: SessionDep,
    *,
    form: dict,
    errors: dict,
    employer: Any = None,
    conflict: dict | None = None,
    similar: list | None = None,
) -> Response:
    staff = [(str(u.id), u.name) for u in es.staff_users(session)]
    return render(
        request,
        "employers/employer_form.html",
        _ctx(
            form=form,
            errors=errors,
            employer=employer,
            staff_options=staff,
            conflict=conflict,
            similar=similar or [],
        ),
        status_code=409 if conflict else 422 if errors else 200,
    )


EMPLOYER_FIELDS = {
    "orgnr": "Organisasjonsnummer",
    "name": "Navn",
    "nace_code": "Næringskode",
    "sector": "Sektor",
    "address": "Adresse",
    "postal_code": "Postnummer",
    "size": "Størrelse",
    "website": "Nettsted",
    "status": "Status",
    "responsible_user_id": "Ansvarlig markedskontakt",
    "notes": "Notater",
}


def _employer_to_form(e: Any) -> dict[str, Any]:
    form = {
        k: ("" if getattr(e, k) is None else str(getattr(e, k)))
        for k in (*EMPLOYER_FIELDS, "municipality_code")
    }
    if (
        e.nace_code
    ):  # the code with its name, "Drift av restauranter og kafeer (56.101)"; the service reads it back
        form["nace_code"] = nace_label(e.nace_code)
    form["version"] = str(e.version)
    return form


@router.get("/arbeidsgivere/ny")
def new_employer(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return _employer_form(request, session, form={"status": "prospekt", "sector": "privat"}, errors={})


@router.post("/arbeidsgivere/ny")
def create_employer(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    """The similar-name check runs before saving: the form comes back with the look-alikes to pick instead, and
    is saved only when the person confirms it is another employer ("Lagre som ny likevel")."""
    fields = {k: v for k, v in form.items() if k != "lagre_likevel"}
    if not form.get("lagre_likevel"):
        similar = es.similar_to_new(session, **fields)
        if similar:
            return _employer_form(request, session, form=fields, errors={}, similar=similar)
    return submit(
        request,
        session,
        lambda: es.create_employer(session, actor=user, **fields),
        to=lambda employer: f"/arbeidsgivere/{employer.id}",
        message=lambda employer: f"{employer.name} er registrert.",
        page=lambda errors, _: _employer_form(request, session, form=fields, errors=errors),
    )


@router.get("/arbeidsgivere/neste-steg")
def next_steps_page(
    request: Request, session: SessionDep, user: StaffUser, dager: int = 60, alle: str = ""
) -> Response:
    today = today_in_oslo()
    owner = None if alle else user.id
    return render(
        request,
        "employers/next_steps.html",
        _ctx(
            **contact_panels(session, user, today=today, owner_id=owner, days=dager),
            days=dager,
            alle=alle,
            today=today,
        ),
    )


def contact_panels(
    session: SessionDep, user: User, *, today: dt.date, owner_id: int | None, days: int = 60
) -> dict[str, Any]:
    """The market contact's lists; the dashboard may call this too."""
    return {
        "due_this_week": employers_contacts.next_steps_due_this_week(
            session, actor=user, today=today, owner_id=owner_id
        ),
        "overdue": employers_contacts.overdue_next_steps(session, actor=user, today=today, owner_id=owner_id),
        "silent": employers_contacts.not_contacted_since(
            session, actor=user, days=days, today=today, mine=owner_id is not None, limit=50
        ),
    }


def _detail(
    request: Request,
    session: SessionDep,
    user: User,
    employer_id: int,
    *,
    errors: dict | None = None,
    form: dict | None = None,
    status_code: int = 200,
) -> Response:
    employer = employers_access.get_employer(
        session, actor=user, employer_id=employer_id, full=user.role != "arbeidsgiver"
    )
    staff = user.role != "arbeidsgiver"
    openings, _ = employers_openings.list_openings(session, actor=user, employer_id=employer.id, limit=200)
    ctx = _ctx(
        employer=employer,
        staff=staff,
        persons=es.contact_persons(session, actor=user, employer_id=employer.id),
        log=employer.contacts if staff else [],
        places=employers_praksis.list_praksisplasser(session, actor=user, employer_id=employer.id),
        openings=openings,
        similar=es.similar_employers(
            session, name=employer.name, municipality_code=employer.municipality_code, exclude_id=employer.id
        )
        if staff
        else [],
        may_merge=lambda other: (
            employers_access.may_merge_or_delete(user, employer)
            and employers_access.may_merge_or_delete(user, other)
        ),
        municipality=reference_service.municipality_name(session, employer.municipality_code),
        staff_options=[(str(u.id), u.name) for u in es.staff_users(session)] if staff else [],
        responsible=session.get(User, employer.responsible_user_id) if employer.responsible_user_id else None,
        errors=errors or {},
        form=form or {},
        today=today_in_oslo(),
        pp_styrk_options=suggest_ui.options(session, user, "yrke", (form or {}).get("pp_styrk_code"))
        if errors and staff
        else [],
    )
    return render(request, "employers/detail.html", ctx, status_code=status_code)


@router.get("/arbeidsgivere/{employer_id}")
def employer_detail(request: Request, session: SessionDep, user: PageUser, employer_id: int) -> Response:
    return _detail(request, session, user, employer_id)


@router.get("/arbeidsgivere/{employer_id}/rediger")
def edit_employer(request: Request, session: SessionDep, user: StaffUser, employer_id: int) -> Response:
    e = employers_access.get_employer(session, actor=user, employer_id=employer_id)
    return _employer_form(request, session, form=_employer_to_form(e), errors={}, employer=e)


@router.post("/arbeidsgivere/{employer_id}/rediger")
def save_employer(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, form: FormData
) -> Response:
    e = employers_access.get_employer(session, actor=user, employer_id=employer_id)

    def page(errors: dict[str, str], status: int, conflict: dict | None = None) -> Response:
        return _employer_form(request, session, form=form, errors=errors, employer=e, conflict=conflict)

    action = partial(es.update_employer, session, actor=user, employer_id=employer_id, **form)
    stale = (partial(_employer_to_form, e), EMPLOYER_FIELDS, form)
    return submit(
        request, session, action, to=f"/arbeidsgivere/{e.id}", message=SAVED, page=page, stale=stale
    )


@router.get("/arbeidsgivere/{employer_id}/sammenslaing")
def merge_confirmation(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, med: str = ""
) -> Response:
    """Both records side by side before anything is merged: which one is kept (the valid orgnr and the
    history) and which is folded into it, or why the two may not be merged."""
    other_id = _int(med)
    if not other_id:
        return redirect(
            request, f"/arbeidsgivere/{employer_id}", "Velg arbeidsgiveren som skal slås sammen.", "error"
        )
    try:
        plan = es.merge_plan(session, actor=user, a_id=employer_id, b_id=other_id)
    except NotFound:
        return redirect(request, f"/arbeidsgivere/{employer_id}", "Fant ikke arbeidsgiveren.", "error")
    except DomainError as exc:
        return redirect(request, f"/arbeidsgivere/{employer_id}", exc.message, "error")
    municipalities = {
        side.employer.id: reference_service.municipality_name(session, side.employer.municipality_code)
        for side in (plan.keep, plan.merge)
    }
    return render(
        request, "employers/merge.html", _ctx(plan=plan, municipalities=municipalities, back=employer_id)
    )


@router.post("/arbeidsgivere/{employer_id}/sammenslaing")
def merge(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, form: FormData
) -> Response:
    return submit(
        request,
        session,
        lambda: es.merge_employers(
            session, actor=user, keep_id=employer_id, merge_id=_int(form.get("merge_id")) or 0
        ),
        to=lambda kept: f"/arbeidsgivere/{kept.id}",
        message="Arbeidsgiverne er slått sammen.",
        back=f"/arbeidsgivere/{employer_id}",
        passes=(Forbidden,),  # another office's record: 403, not a flash message after a redirect
        not_found="merge_id",
    )


def _on_detail(
    request: Request, session: SessionDep, user: User, employer_id: int, form: dict, prefix: str = ""
) -> Callable[[str, str, Callable[[], object]], Response]:
    """A form on the employer's page: `save(anchor, message, action)` runs it through `submit`, back to the page
    at `anchor`, or the page again with the form's errors (`prefix` before each field) and typed values."""
    return lambda anchor, message, action: submit(
        request,
        session,
        action,
        to=f"/arbeidsgivere/{employer_id}#{anchor}",
        message=message,
        page=lambda errors, status: _detail(
            request, session, user, employer_id, errors=errors, form=form, status_code=status
        ),
        prefix=prefix,
    )


@router.post("/arbeidsgivere/{employer_id}/kontaktpersoner")
def add_person(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, form: FormData
) -> Response:
    data = {k.removeprefix("cp_"): v for k, v in form.items() if k.startswith("cp_")}
    save = _on_detail(request, session, user, employer_id, form, "cp_")
    return save(
        "kontaktpersoner",
        "Kontaktpersonen er lagt til.",
        lambda: es.add_contact_person(session, actor=user, employer_id=employer_id, **data),
    )


@router.post("/arbeidsgivere/{employer_id}/kontakter")
def log_contact(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, form: FormData
) -> Response:
    return _on_detail(request, session, user, employer_id, form)(
        "kontaktlogg",
        "Kontakten er ført i loggen.",
        lambda: employers_contacts.log_contact(session, actor=user, employer_id=employer_id, **form),
    )


@router.post("/arbeidsgivere/kontakter/{contact_id}/utfort")
def complete_step(
    request: Request, session: SessionDep, user: StaffUser, contact_id: int, form: FormData
) -> Response:
    contact = employers_contacts.complete_next_step(
        session, actor=user, contact_id=contact_id, done=form.get("done", "1") == "1"
    )
    back = form.get("tilbake") or f"/arbeidsgivere/{contact.employer_id}#kontaktlogg"
    if not str(back).startswith("/") or str(back).startswith("//"):
        back = "/"
    return redirect(request, back, "Neste steg er markert som utført.", "success")


@router.post("/arbeidsgivere/{employer_id}/praksisplasser")
def add_place(
    request: Request, session: SessionDep, user: StaffUser, employer_id: int, form: FormData
) -> Response:
    data = {k.removeprefix("pp_"): v for k, v in form.items() if k.startswith("pp_")}
    save = _on_detail(request, session, user, employer_id, form, "pp_")
    return save(
        "praksisplasser",
        "Praksisplassen er registrert.",
        lambda: employers_praksis.create_praksisplass(session, actor=user, employer_id=employer_id, **data),
    )


@router.post("/praksisplasser/{praksisplass_id}/deltakere")
def add_occupant(
    request: Request, session: SessionDep, user: StaffUser, praksisplass_id: int, form: FormData
) -> Response:
    place = employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)

    typed = (form.get("candidate_ref") or "").strip()
    return _on_detail(request, session, user, place.employer_id, form)(
        f"praksis-{place.id}",
        "Deltakeren er registrert på praksisplassen.",
        lambda: employers_praksis.add_occupant(
            session,
            actor=user,
            praksisplass_id=praksisplass_id,
            start_date=form.get("start_date"),
            candidate_ref=str(
                candidates_suggest.candidate_ref(session, actor=user, text=typed, field="candidate_ref")
            )
            if typed
            else None,
            note=form.get("note", ""),
        ),
    )


@router.post("/praksisplasser/deltakere/{occupant_id}/avslutt")
def end_occupant(
    request: Request, session: SessionDep, user: StaffUser, occupant_id: int, form: FormData
) -> Response:
    occ = employers_praksis.end_occupant(
        session, actor=user, occupant_id=occupant_id, end_date=form.get("end_date") or today_in_oslo()
    )
    place = employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=occ.praksisplass_id)
    return redirect(
        request,
        f"/arbeidsgivere/{place.employer_id}#praksis-{place.id}",
        "Deltakelsen er avsluttet.",
        "success",
    )


@router.get("/praksisplasser")
def praksisplasser(request: Request, session: SessionDep, user: PageUser, status: str = "aktiv") -> Response:
    places = employers_praksis.list_praksisplasser(session, actor=user, status=status)
    return render(request, "employers/praksisplasser.html", _ctx(places=places, status=status))


# --- openings -----------------------------------------------------------------------------------------


@router.get("/stillinger")
def openings_list(
    request: Request,
    session: SessionDep,
    user: PageUser,
    q: str = "",
    status: str = "",
    kommune: str = "",
    redusert: str = "",
    sort: str = "nyeste",
    side: int = 1,
) -> Response:
    side = max(side, 1)
    rows, total = employers_openings.list_openings(
        session,
        actor=user,
        q=q,
        status=status,
        municipality_code=_municipality_filter(session, kommune),
        reduced=bool(redusert),
        sort=sort,
        limit=PAGE_SIZE,
        offset=(side - 1) * PAGE_SIZE,
    )
    queue = len(employers_openings.approval_queue(session, actor=user)) if user.role != "arbeidsgiver" else 0
    return render(
        request,
        "employers/openings_list.html",
        _ctx(
            openings=rows,
            total=total,
            side=side,
            pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            filters={"q": q, "status": status, "kommune": kommune, "redusert": redusert, "sort": sort},
            queue_count=queue,
            own_employers=es.employers_of(session, user) if user.role == "arbeidsgiver" else [],
        ),
    )


@router.get("/stillinger/godkjenning")
def approval_page(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return render(
        request,
        "employers/approval.html",
        _ctx(
            openings=employers_openings.approval_queue(session, actor=user),
            returned=employers_openings.returned_openings(session, actor=user),
        ),
    )


def _opening_to_form(o: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        k: ("" if getattr(o, k) is None else getattr(o, k))
        for k in (
            "title",
            "styrk_code",
            "description",
            "positions",
            "percent_min",
            "percent_max",
            "hours_per_week",
            "engagement_type",
            "start_date",
            "application_deadline",
            "address",
            "postal_code",
            "how_to_apply",
            "application_url",
            "application_email",
            "contact_name",
            "contact_phone",
        )
    }
    form["hours_per_week"] = formatting.number_input(o.hours_per_week)  # "37,5": the form reads it back
    for k in ("working_time", "inclusion", "target_groups", "measures"):
        form[k] = list(getattr(o, k))
    for k in ("start_by_agreement", "open_to_reduced_capacity"):
        form[k] = "1" if getattr(o, k) else ""
    for level in ("must", "should"):
        part = o.requirements.get(level) or {}
        for kind in m.REQUIREMENT_KINDS:
            form[f"{level}_{kind}"] = ", ".join(part.get(kind) or [])
        form[f"{level}_norwegian_level"] = part.get("norwegian_level") or ""
    form["employer_id"] = str(o.employer_id)
    form["version"] = str(o.version)
    return form


OPENING_FIELDS = {
    "title": "Tittel",
    "styrk_code": "Yrkeskode (STYRK-08)",
    "description": "Beskrivelse",
    "positions": "Antall stillinger",
    "percent_min": "Stillingsprosent fra",
    "percent_max": "Stillingsprosent til",
    "hours_per_week": "Timer per uke",
    "engagement_type": "Ansettelsesform",
    "start_date": "Oppstart",
    "application_deadline": "Søknadsfrist",
    "address": "Adresse",
    "postal_code": "Postnummer",
    "working_time": "Arbeidstid",
    "inclusion": "Tilretteleggingsmuligheter",
    "how_to_apply": "Slik søker du",
    "application_url": "Lenke til søknadsskjema",
    "application_email": "E-post for søknad og spørsmål",
    "contact_name": "Kontaktperson",
    "contact_phone": "Telefon til kontaktperson",
}


def _opening_form(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    form: dict,
    errors: dict,
    opening: Any = None,
    suggestions: list | None = None,
    conflict: dict | None = None,
) -> Response:
    employers = es.employers_of(session, user)
    typed = str(form.get("styrk_code") or "").strip()
    code = typed if typed.isdigit() and len(typed) == 4 else None
    return render(
        request,
        "employers/opening_form.html",
        _ctx(
            form=form,
            errors=errors,
            opening=opening,
            employer_options=[(str(e.id), f"{e.name} ({e.orgnr})") for e in employers][:2000],
            suggestions=suggestions or [],
            styrk_label=styrk_name(session, code) if code else "",
            styrk_value=f"{styrk_name(session, code)} ({code})"
            if code and styrk_name(session, code)
            else typed,
            styrk_options=suggest_ui.options(session, user, "yrke", typed or form.get("title"))
            if errors or form.get("action") == "suggest"
            else [],
            postal_options=suggest_ui.options(session, user, "postnummer", form.get("postal_code"))
            if errors.get("postal_code")
            else [],
            conflict=conflict,
        ),
        status_code=409 if conflict else 422 if errors else 200,
    )


@router.get("/stillinger/ny")
def new_opening(
    request: Request, session: SessionDep, user: PageUser, arbeidsgiver: int | None = None
) -> Response:
    form: dict[str, Any] = {
        "employer_id": str(arbeidsgiver or ""),
        "positions": "1",
        "engagement_type": "fast",
    }
    if arbeidsgiver:
        employers_access.get_employer(session, actor=user, employer_id=arbeidsgiver)
    elif user.role == "arbeidsgiver":
        own = es.employers_of(session, user)
        form["employer_id"] = str(own[0].id) if own else ""
    if user.role == "arbeidsgiver":  # the one posting is the natural contact; shown, so they may change it
        form.update(contact_name=user.name, application_email=user.email)
    return _opening_form(request, session, user, form=form, errors={})


@router.post("/stillinger/ny")
def create_opening(request: Request, session: SessionDep, user: PageUser, form: FormData) -> Response:
    if form.get("action") == "suggest":
        return _opening_form(
            request,
            session,
            user,
            form=form,
            errors={},
            suggestions=employers_openings.suggest_styrk(session, form.get("title", "")),
        )
    data = {k: v for k, v in form.items() if k not in ("action", "employer_id", "styrk_pick")}
    if not str(form.get("styrk_code") or "").strip() and form.get("styrk_pick"):
        data["styrk_code"] = form["styrk_pick"]  # a suggestion from the title, picked without typing
    employer_id = _int(form.get("employer_id"))
    if employer_id is None:
        return _opening_form(request, session, user, form=form, errors={"employer_id": "Velg arbeidsgiver."})
    return submit(
        request,
        session,
        lambda: employers_openings.create_opening(session, actor=user, employer_id=employer_id, **data),
        to=lambda opening: f"/stillinger/{opening.id}",
        message=lambda opening: (
            "Stillingen er sendt til NAV for godkjenning."
            if opening.awaiting_approval
            else "Stillingen er lagret som utkast."
        ),
        page=lambda errors, _: _opening_form(
            request,
            session,
            user,
            form=form,
            errors=errors,
            suggestions=[]
            if form.get("styrk_code")
            else employers_openings.suggest_styrk(session, form.get("title", "")),
        ),
        not_found="employer_id",
    )


def _jsonld(session: SessionDep, opening: Any) -> str:
    """JSON for a <script> block: <, > and & as \\u escapes (as Django's json_script), so no text in an ad can
    close the block or open a comment."""
    text = json.dumps(importers.to_jobposting(session, opening), ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


STATUS_BUTTONS = {
    "publisert": "Publiser",
    "besatt": "Marker som besatt",
    "stengt": "Steng",
    "utløpt": "Marker som utløpt",
}


@router.get("/stillinger/{opening_id}")
def opening_detail(request: Request, session: SessionDep, user: PageUser, opening_id: int) -> Response:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id, full=True)
    return render(request, "employers/opening_detail.html", _detail_ctx(session, user, opening))


def _detail_ctx(
    session: SessionDep, user: User, opening: Any, form: dict | None = None, errors: dict | None = None
) -> dict[str, Any]:
    return _ctx(
        opening=opening,
        jsonld=_jsonld(session, opening) if opening.status == "publisert" else None,
        styrk_label=styrk_name(session, opening.styrk_code),
        municipality=reference_service.municipality_name(session, opening.municipality_code),
        staff=user.role != "arbeidsgiver",
        allowed=[
            s
            for s in employers_openings.TRANSITIONS[opening.status]
            if user.role != "arbeidsgiver" or s in ("besatt", "stengt")
        ],
        status_buttons=STATUS_BUTTONS,
        form=form or {},
        errors=errors or {},
        today=today_in_oslo(),
    )


@router.get("/offentlig/stillinger/{opening_id}")
def public_opening(
    request: Request, session: SessionDep, user: OptionalPageUser, opening_id: int
) -> Response:
    """A published opening for anyone, with its JobPosting JSON-LD (openings carry no personal data)."""
    opening = employers_openings.public_opening(session, opening_id=opening_id)
    return render(
        request,
        "employers/opening_public.html",
        _ctx(
            opening=opening,
            jsonld=_jsonld(session, opening),
            styrk_label=styrk_name(session, opening.styrk_code),
            municipality=reference_service.municipality_name(session, opening.municipality_code),
        ),
    )


@router.get("/stillinger/{opening_id}/rediger")
def edit_opening(request: Request, session: SessionDep, user: PageUser, opening_id: int) -> Response:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id)
    return _opening_form(request, session, user, form=_opening_to_form(opening), errors={}, opening=opening)


@router.post("/stillinger/{opening_id}/rediger")
def save_opening(
    request: Request, session: SessionDep, user: PageUser, opening_id: int, form: FormData
) -> Response:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id)
    if form.get("action") == "suggest":
        return _opening_form(
            request,
            session,
            user,
            form=form,
            errors={},
            opening=opening,
            suggestions=employers_openings.suggest_styrk(session, form.get("title", "")),
        )
    data = {k: v for k, v in form.items() if k not in ("action", "employer_id", "styrk_pick")}
    if not str(form.get("styrk_code") or "").strip() and form.get("styrk_pick"):
        data["styrk_code"] = form["styrk_pick"]  # a suggestion from the title, picked without typing
    for k in MULTI - {"adaptations"}:
        data.setdefault(k, [])
    for k in ("start_by_agreement", "open_to_reduced_capacity"):
        data.setdefault(k, "")
    edited = partial(_opening_form, request, session, user, form=form, opening=opening)
    resubmit = (
        form.get("action") == "resubmit" and opening.status == "returnert"
    )  # saved and sent in, one step

    def save() -> None:
        employers_openings.update_opening(session, actor=user, opening_id=opening_id, **data)
        if resubmit:
            employers_openings.resubmit_opening(session, actor=user, opening_id=opening_id)

    return submit(
        request,
        session,
        save,
        to=f"/stillinger/{opening_id}",
        message="Stillingen er lagret og sendt til NAV igjen." if resubmit else SAVED,
        page=lambda errors, _, conflict=None: edited(errors=errors, conflict=conflict),
        stale=(partial(_opening_to_form, opening), OPENING_FIELDS, form),
    )


@router.post("/stillinger/{opening_id}/status")
def change_status(
    request: Request, session: SessionDep, user: PageUser, opening_id: int, form: FormData
) -> Response:
    label = m.OPENING_STATUS_LABELS.get(form.get("status", ""), "")
    return submit(
        request,
        session,
        lambda: employers_openings.transition_opening(
            session,
            actor=user,
            opening_id=opening_id,
            to_status=form.get("status", ""),
            application_deadline=form.get("application_deadline") or None,
            note=form.get("note", ""),
        ),
        to=f"/stillinger/{opening_id}",
        message=f"Stillingen har nå status {label.lower()}.",
    )


@router.post("/stillinger/{opening_id}/godkjenn")
def approve(
    request: Request, session: SessionDep, user: StaffUser, opening_id: int, form: FormData
) -> Response:
    return submit(
        request,
        session,
        lambda: employers_openings.approve_opening(session, actor=user, opening_id=opening_id),
        to="/stillinger/godkjenning",
        message="Stillingen er godkjent og publisert.",
        back=f"/stillinger/{opening_id}",
    )


def _return_form(request: Request, opening: Any, form: dict, errors: dict, status: int = 200) -> Response:
    return render(
        request,
        "employers/opening_return.html",
        _ctx(opening=opening, form=form, errors=errors),
        status_code=status,
    )


@router.get("/stillinger/{opening_id}/send-tilbake")
def return_opening_form(request: Request, session: SessionDep, user: StaffUser, opening_id: int) -> Response:
    return _return_form(
        request, employers_openings.get_opening(session, actor=user, opening_id=opening_id), {}, {}
    )


@router.post("/stillinger/{opening_id}/send-tilbake")
def return_opening(
    request: Request, session: SessionDep, user: StaffUser, opening_id: int, form: FormData
) -> Response:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id)
    return submit(
        request,
        session,
        lambda: employers_openings.return_opening(
            session, actor=user, opening_id=opening_id, comment=form.get("comment", "")
        ),
        to="/stillinger/godkjenning",
        message="Stillingen er sendt tilbake til arbeidsgiveren.",
        page=lambda errors, status: _return_form(request, opening, form, errors, status),
    )


@router.post("/stillinger/{opening_id}/send-inn")
def resubmit_opening(
    request: Request, session: SessionDep, user: PageUser, opening_id: int, form: FormData
) -> Response:
    def again(errors: dict, status: int) -> Response:
        """The answer refused (too long): the opening's page again with it beside its field; a refusal of the
        step itself (not, or no longer, sent back) is said on the opening's page by redirect."""
        if status != 422:
            return redirect(request, f"/stillinger/{opening_id}", next(iter(errors.values()), ""), "error")
        opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id, full=True)
        return render(
            request,
            "employers/opening_detail.html",
            _detail_ctx(session, user, opening, form=form, errors=errors),
            status_code=422,
        )

    return submit(
        request,
        session,
        lambda: employers_openings.resubmit_opening(
            session, actor=user, opening_id=opening_id, comment=form.get("comment", "")
        ),
        to=f"/stillinger/{opening_id}",
        message="Stillingen er sendt til NAV for godkjenning igjen.",
        page=again,
    )
