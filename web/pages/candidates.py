"""Candidate pages: the office's list, registration, and the candidate record in tabs (personalia, CV with upload,
jobbprofil, the RESTRICTED situation, consent, innsyn and erasure); and the employer user's shared candidates.

Thin routes: parse the form, call candidates.service, render. Every form posts and redirects back with a flash;
bad input rolls the request back and renders the form again with the message beside the field and the typed
input kept, so nothing already saved is lost and nothing half-saved is kept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from candidates import access as candidates_access
from candidates import cv_text, sensitive_text
from candidates import derived as candidates_derived
from candidates import service as cs
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import (
    CANDIDATE_STATUSES,
    CEFR_LEVELS,
    CERTIFICATE_KINDS,
    DRIVING_LICENCES,
    EDUCATION_LEVELS,
    ENGAGEMENT_TYPES,
    HOVEDMAL,
    INNSATSGRUPPER,
    NEED_CATEGORIES,
    NEED_CATEGORY_LABELS,
    NEED_TO_INCLUSION,
    PROGRAMMES,
    STATUS_LABELS,
    STYRK_SOURCES,
    WORKING_TIMES,
    Candidate,
    Certificate,
    Education,
    LanguageSkill,
    WorkExperience,
)
from core import accounts, formatting
from core import reference as reference_service
from core.errors import DomainError, NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.models import User
from employers import access as employers_access
from employers import service as es
from employers import service_openings as employers_openings
from employers import service_suggest as employers_suggest
from plans import access_journal
from web import innsyn
from web.deps import SessionDep, StaffUser, client_ip, require_roles
from web.forms import errors_of, field_errors, form_fields, submit
from web.pages import page_router
from web.pages import suggest as suggest_ui
from web.templating import redirect, render

router = page_router()
EmployerUser = Annotated[User, require_roles("arbeidsgiver")]
PAGE_SIZE = 50
MULTI = {
    "wanted_styrk",
    "municipalities",
    "working_time",
    "engagement_types",
    "driving_licences",
    "lic",
    *(f"needs_{c}" for c in NEED_CATEGORIES),
}
TABS = (
    ("", "Personalia"),
    ("/cv", "CV"),
    ("/jobbprofil", "Jobbprofil"),
    ("/situasjon", "Situasjon og arbeidsevne"),
    ("/samtykke", "Samtykke"),
    ("/innsyn", "Innsyn"),
    ("/slett", "Slett kandidat"),
)
PURPOSES = {
    "": "oppfølging: kandidatkort (personalia)",
    "/cv": "oppfølging: CV",
    "/jobbprofil": "oppfølging: jobbprofil",
    "/situasjon": "oppfølging: situasjon og arbeidsevne (begrenset)",
    "/samtykke": "oppfølging: samtykke til deling",
    "/slett": "sletting: bekreftelse",
}
CV_LABELS = {
    "arbeid": "arbeidserfaring",
    "utdanning": "utdanning",
    "sertifikat": "sertifikat eller kurs",
    "sprak": "språk",
}
COMMON = {
    "status_labels": STATUS_LABELS,
    "education_levels": EDUCATION_LEVELS,
    "certificate_kinds": CERTIFICATE_KINDS,
    "cefr_options": [(level, level) for level in CEFR_LEVELS],
    "licence_options": [(code, code) for code in DRIVING_LICENCES],
    "working_times": WORKING_TIMES,
    "engagement_types": ENGAGEMENT_TYPES,
    "innsatsgrupper": INNSATSGRUPPER,
    "innsatsgruppe_options": list(INNSATSGRUPPER.items()),  # the label alone: the code is for systems
    "hovedmal": HOVEDMAL,
    "programmes": PROGRAMMES,
    "need_categories": NEED_CATEGORIES,
    "need_category_labels": NEED_CATEGORY_LABELS,
    "need_to_inclusion": NEED_TO_INCLUSION,
    "cv_labels": CV_LABELS,
    "tabs": TABS,
}


FormData = Annotated[dict[str, Any], form_fields(MULTI)]


def _prefixed(form: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)}


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return formatting.number_input(value)  # "37,5": the form reads the decimal comma back
    return str(value)


def _ctx(**kw: Any) -> dict[str, Any]:
    return {**COMMON, **kw}


def _tab_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    tab: str,
    template: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """Every tab of the record: the candidate with the full load, audit-logged with the tab's purpose."""
    candidate = candidates_access.get_candidate(
        session,
        actor=user,
        candidate_id=candidate_id,
        purpose=PURPOSES.get(tab, "oppfølging"),
        full=True,
        load=candidates_access.SUMMARY_LOAD if tab == "" else None,
        restricted=tab == "/situasjon",
    )
    builder = TAB_CONTEXT.get(tab)
    ctx = _ctx(
        candidate=candidate,
        tab=tab,
        capacity=candidates_derived.capacity_of(candidate),
        restricted_ok=candidates_access.may_read_restricted(user, candidate),
        erase_ok=candidates_access.may_erase(user, candidate),
        journal_ok=access_journal.may_use_journal(user),
        **extra,
    )
    if builder is not None:
        for key, value in builder(session, user, candidate, extra).items():
            if key == "form" and "form" in ctx:  # typed input over the saved values
                ctx["form"] = {**value, **ctx["form"]}
            else:
                ctx.setdefault(key, value)
    ctx.setdefault("errors", {})
    return render(request, template, ctx, status_code=status_code)


def _tab_form(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    tab: str,
    form: dict[str, Any],
    **extra: Any,
) -> Callable[..., Response]:
    """A tab's form again, with the errors and the typed input (`submit`'s page)."""
    template = TAB_TEMPLATES[tab]
    return lambda errors, status, **more: _tab_page(
        request,
        session,
        user,
        candidate_id,
        tab,
        template,
        status_code=status,
        errors=errors,
        form=form,
        **extra,
        **more,
    )


@dataclass(frozen=True)
class _Record:
    """One candidate's record as a request sees it; its tabs' forms are saved through `save`."""

    request: Request
    session: Session
    user: User
    candidate_id: int

    def save(
        self,
        where: str,
        message: Any,
        service: Callable[..., Any],
        form: dict[str, Any],
        *,
        prefix: str = "",
        to: str | None = None,
        extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Response:
        """`service(session, actor=, candidate_id=, **kwargs)` through `submit`: then to `where` (the tab and an
        anchor) with `message`, or the tab again with every error, the typed `form` and `extra` for its page."""
        return submit(
            self.request,
            self.session,
            lambda: service(self.session, actor=self.user, candidate_id=self.candidate_id, **kwargs),
            to=to or f"/kandidater/{self.candidate_id}{where}",
            message=message,
            page=_tab_form(
                self.request,
                self.session,
                self.user,
                self.candidate_id,
                where.partition("#")[0],
                form,
                **(extra or {}),
            ),
            prefix=prefix,
        )


# --- list and registration ---------------------------------------------------------------------------------


@router.get("/kandidater")
def candidate_list(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    q: str = "",
    status: str = "",
    under30: str = "",
    redusert: str = "",
    innsatsgruppe: str = "",
    side: int = 1,
) -> Response:
    side = max(1, min(side, 100_000))
    filters: dict[str, Any] = {
        "q": q[:200],
        "status": status if status in CANDIDATE_STATUSES else "",
        "under_30": bool(under30),
        "reduced_capacity": bool(redusert),
        "innsatsgruppe": innsatsgruppe if innsatsgruppe in INNSATSGRUPPER else "",
    }
    candidates, total = cs.list_page(
        session, actor=user, limit=PAGE_SIZE, offset=(side - 1) * PAGE_SIZE, **filters
    )
    query = {
        "q": filters["q"],
        "status": filters["status"],
        "under30": "1" if under30 else "",
        "redusert": "1" if redusert else "",
        "innsatsgruppe": filters["innsatsgruppe"],
    }
    return render(
        request,
        "candidates/list.html",
        _ctx(
            restricted_ok=candidates_access.may_search_restricted(user),
            candidates=candidates,
            total=total,
            filters=query,
            query=urlencode({k: v for k, v in query.items() if v}),
            side=side,
            pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        ),
    )


def _new_form(
    request: Request, session: Session, user: User, form: dict[str, Any], errors: dict[str, str]
) -> Response:
    offices = accounts.list_offices(session) if user.role == "admin" else []
    staff = cs.staff_of_office(session, user.office_id) if user.office_id else []
    return render(
        request,
        "candidates/new.html",
        _ctx(
            form=form,
            errors=errors,
            office_options=[(str(o.id), f"{o.name} ({o.number})") for o in offices],
            staff_options=[(str(u.id), u.name) for u in staff],
        ),
        status_code=422 if errors else 200,
    )


@router.get("/kandidater/ny")
def new_candidate(request: Request, session: SessionDep, user: StaffUser) -> Response:
    return _new_form(request, session, user, {"status": "aktiv", "responsible_user_id": str(user.id)}, {})


RECORD_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "address",
    "postal_code",
    "municipality_code",
    "status",
    "retention_date",
    "summary",
    "responsible_user_id",
)

RECORD_LABELS = {
    "first_name": "Fornavn",
    "last_name": "Etternavn",
    "birth_date": "Fødselsdato",
    "email": "E-post",
    "phone": "Telefon",
    "address": "Adresse",
    "postal_code": "Postnummer",
    "municipality_code": "Kommunenummer",
    "status": "Status",
    "retention_date": "Slettedato",
    "summary": "Sammendrag",
    "responsible_user_id": "Ansvarlig",
}


@router.post("/kandidater/ny")
def create_candidate(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    data = {k: form.get(k, "") for k in RECORD_FIELDS if k in form}
    return submit(
        request,
        session,
        lambda: cs.create_candidate(
            session,
            actor=user,
            office_id=form.get("office_id") or "",
            first_name=data.pop("first_name", ""),
            last_name=data.pop("last_name", ""),
            **data,
        ),
        to=lambda candidate: f"/kandidater/{candidate.id}",
        message=lambda candidate: f"{candidate.full_name} er registrert.",
        page=lambda errors, _: _new_form(request, session, user, form, errors),
    )


# --- personalia --------------------------------------------------------------------------------------------


def _personalia_ctx(
    session: Session, user: User, candidate: Candidate, extra: dict[str, Any]
) -> dict[str, Any]:
    form = {k: _s(getattr(candidate, k)) for k in RECORD_FIELDS}
    form["version"] = str(candidate.version)
    return {
        "form": form,
        "staff_options": [(str(u.id), u.name) for u in cs.staff_of_office(session, candidate.office_id)],
        "municipality": reference_service.municipality_name(session, candidate.municipality_code),
    }


@router.get("/kandidater/{candidate_id}")
def candidate_detail(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    return _tab_page(request, session, user, candidate_id, "", "candidates/detail.html")


@router.post("/kandidater/{candidate_id}")
def save_personalia(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {k: form.get(k, "") for k in (*RECORD_FIELDS, "version") if k in form}

    def saved() -> dict[str, str]:
        candidate = candidates_access.get_candidate(
            session, actor=user, candidate_id=candidate_id, purpose=PURPOSES[""]
        )
        return {k: _s(getattr(candidate, k)) for k in RECORD_FIELDS}

    return submit(
        request,
        session,
        lambda: cs.update_candidate(session, actor=user, candidate_id=candidate_id, **data),
        to=f"/kandidater/{candidate_id}",
        message="Personalia er lagret.",
        page=_tab_form(request, session, user, candidate_id, "", form),
        stale=(saved, RECORD_LABELS, form),
    )


# --- CV ------------------------------------------------------------------------------------------------------


def _cv_ctx(session: Session, user: User, candidate: Candidate, extra: dict[str, Any]) -> dict[str, Any]:
    typed = (extra.get("form") or {}).get("arbeid__styrk_code") if extra.get("errors") else None
    return {
        "styrk": reference_service.styrk_names(session),
        "styrk_sources": STYRK_SOURCES,
        "styrk_options": suggest_ui.options(session, user, "yrke", typed) if typed else [],
        "form": {},
        "skills_form": {
            "skills": ", ".join(candidate.skills or []),
            "driving_licences": list(candidate.driving_licences or []),
            "summary": candidate.summary or "",
        },
    }


@router.get("/kandidater/{candidate_id}/cv")
def cv_page(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    return _tab_page(request, session, user, candidate_id, "/cv", "candidates/cv.html")


@router.post("/kandidater/{candidate_id}/cv/ferdigheter")
def save_skills(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {
        "skills": form.get("skills", ""),
        "driving_licences": form.get("driving_licences") or [],
        "summary": form.get("summary", ""),
    }
    return _Record(request, session, user, candidate_id).save(
        "/cv#ferdigheter",
        "Ferdigheter og førerkort er lagret.",
        candidates_profile.set_skills_and_licences,
        {},
        extra={"skills_form": data},
        data=data,
    )


# --- CV upload: propose, then the user accepts --------------------------------------------------------------


async def upload_data(request: Request) -> dict[str, Any]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return {"filename": "", "data": b""}
    data = await upload.read(cv_text.MAX_BYTES + 1)
    return {"filename": upload.filename or "", "data": data}


Upload = Annotated[dict[str, Any], Depends(upload_data)]


def _upload_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    *,
    proposals: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    filename: str = "",
) -> Response:
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: CV fra fil", full=True
    )
    return render(
        request,
        "candidates/cv_upload.html",
        _ctx(
            candidate=candidate,
            tab="/cv",
            proposals=proposals,
            errors=errors or {},
            filename=filename,
            max_mb=cv_text.MAX_BYTES // (1024 * 1024),
        ),
        status_code=422 if errors else 200,
    )


@router.get("/kandidater/{candidate_id}/cv/last-opp")
def upload_form(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    return _upload_page(request, session, user, candidate_id)


def _proposal_rows(proposals: cv_text.Proposals, candidate: Candidate) -> dict[str, Any]:
    """The proposals as form rows; what the CV already has is proposed unticked."""
    have_lang = {lang.language.lower() for lang in candidate.languages}
    have_cert = {c.name.lower() for c in candidate.certificates}
    have_work = {(w.title.lower(), _s(w.start_date)) for w in candidate.work_experiences}
    return {
        "work": [
            {
                "take": (w.title.lower(), w.start_date) not in have_work,
                "title": w.title,
                "employer": w.employer,
                "start_date": w.start_date,
                "end_date": w.end_date,
                "styrk_code": "",  # the person's own choice, if the suggestion is not it
                "styrk_suggested": w.styrk_code,
                "styrk_name": w.styrk_name,
                "styrk_confidence": "" if w.styrk_confidence is None else str(w.styrk_confidence),
                # a weak suggestion is shown but not ticked: the person decides (issue 18: "Syerske" → 2223)
                "styrk_take": bool(w.styrk_code)
                and (w.styrk_confidence or 0.0) >= candidates_profile.PRETICK_CONFIDENCE,
                "line": w.line,
            }
            for w in proposals.work
        ],
        "languages": [
            {
                "take": lang.language.lower() not in have_lang,
                "language": lang.language,
                "level": lang.level,
                "written": lang.written,
            }
            for lang in proposals.languages
        ],
        "certificates": [
            {"take": c.name.lower() not in have_cert, "name": c.name, "kind": c.kind}
            for c in proposals.certificates
        ],
        "licences": [
            {"code": code, "take": code not in (candidate.driving_licences or [])}
            for code in proposals.driving_licences
        ],
    }


@router.post("/kandidater/{candidate_id}/cv/last-opp")
def upload_cv(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, upload: Upload
) -> Response:
    """Reads the file and shows the proposals; nothing is saved here."""
    candidate = candidates_access.load_for_change(
        session, actor=user, candidate_id=candidate_id, purpose="CV fra fil", full=True
    )
    # Reading a file takes a worker process and may take seconds: the transaction (on SQLite the writer lock,
    # which /healthz and every other request need) is not held while it runs. Only the access check and its
    # audit row are in it.
    session.commit()
    try:
        if not upload["data"]:
            raise ValidationFailed("Velg en fil å laste opp.", field="file")
        if len(upload["data"]) > cv_text.MAX_BYTES:
            raise ValidationFailed("Filen er større enn 5 MB.", field="file")
        text = cv_text.extract_text(upload["data"], upload["filename"])
    except ValidationFailed as exc:
        return _upload_page(request, session, user, candidate_id, errors=field_errors(exc))

    def suggest(title: str) -> tuple[str, str, float] | None:
        best = candidates_profile.suggest_for_import(session, title)
        return (best.code, best.name, best.confidence) if best else None

    proposals = cv_text.propose(text, suggest=suggest)
    return _upload_page(
        request,
        session,
        user,
        candidate_id,
        proposals=_proposal_rows(proposals, candidate),
        filename=upload["filename"],
    )


def _rows_from_form(form: dict[str, Any], prefix: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    try:
        count = min(int(form.get(f"{prefix}_count") or 0), 200)
    except ValueError:
        count = 0
    return [
        {
            "take": bool(form.get(f"{prefix}-{i}-take")),
            **{f: form.get(f"{prefix}-{i}-{f}", "") for f in fields},
        }
        for i in range(count)
    ]


@router.post("/kandidater/{candidate_id}/cv/last-opp/lagre")
def accept_proposals(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    """Saves what the user ticked, as corrected; one bad row keeps all rows on the form and saves nothing."""
    candidates_access.load_for_change(session, actor=user, candidate_id=candidate_id, purpose="CV fra fil")
    rows = {
        "work": _rows_from_form(
            form,
            "w",
            (
                "title",
                "employer",
                "start_date",
                "end_date",
                "styrk_code",
                "styrk_suggested",
                "styrk_name",
                "styrk_confidence",
                "styrk_take",
                "line",
            ),
        ),
        "languages": _rows_from_form(form, "lang", ("language", "level", "written")),
        "certificates": _rows_from_form(form, "cert", ("name", "kind")),
    }
    offered = [x for x in (form.get("lic_offered") or "").split(",") if x]
    chosen = form.get("lic") or []
    rows["licences"] = [{"code": code, "take": code in chosen} for code in offered]

    def save() -> int:
        errors: dict[str, str] = {}
        saved = 0
        for prefix, kind, key in (
            ("w", "arbeid", "work"),
            ("lang", "sprak", "languages"),
            ("cert", "sertifikat", "certificates"),
        ):
            for i, row in enumerate(rows[key]):
                if not row["take"]:
                    continue
                data = {k: v for k, v in row.items() if k not in ("take", "styrk_name", "line", "written")}
                if kind == "arbeid":
                    data = {**_reviewed_occupation(data), "description": ""}
                found = errors_of(
                    f"{prefix}-{i}-",
                    candidates_profile.add_cv_entry,
                    session=session,
                    actor=user,
                    candidate_id=candidate_id,
                    kind=kind,
                    data=data,
                )
                errors.update(found)
                saved += not found
        if chosen and not errors:
            candidate = candidates_access.load_for_change(
                session, actor=user, candidate_id=candidate_id, purpose="endre CV"
            )
            licences = list(candidate.driving_licences or [])
            licences += [c for c in chosen if c not in licences]
            errors.update(
                errors_of(
                    "lic-",
                    candidates_profile.set_skills_and_licences,
                    session=session,
                    actor=user,
                    candidate_id=candidate_id,
                    data={"driving_licences": licences},
                )
            )
            saved += 1
        if errors:
            raise ValidationFailed(
                next(iter(errors.values())), errors=[{"field": f, "message": m} for f, m in errors.items()]
            )
        return saved

    return submit(
        request,
        session,
        save,
        to=f"/kandidater/{candidate_id}/cv",
        message=lambda saved: (
            "Forslagene du valgte er lagt til i CV-en." if saved else "Ingenting ble lagt til fra filen."
        ),
        page=lambda errors, _: _upload_page(
            request, session, user, candidate_id, proposals=rows, errors=errors
        ),
    )


def _reviewed_occupation(row: dict[str, Any]) -> dict[str, Any]:
    """A reviewed CV row's occupation: what the person typed is their choice; else the import's suggestion if
    ticked, stored as the import's with its confidence; else none (no second guess from the title)."""
    data = {k: v for k, v in row.items() if not k.startswith("styrk_")}
    typed = str(row.get("styrk_code") or "").strip()
    suggested = str(row.get("styrk_suggested") or "").strip()
    if typed:
        data["styrk_code"] = typed
    elif suggested and row.get("styrk_take"):
        try:
            confidence: float | None = float(row.get("styrk_confidence") or "")
        except ValueError:
            confidence = None
        data.update(styrk_code=suggested, styrk_source="import", styrk_confidence=confidence)
    else:
        data.update(styrk_code="", styrk_source="import")
    return data


def _cv_data(kind: str, data: dict[str, Any], session: Session) -> dict[str, Any]:
    """The form's values. A work experience left without a STYRK code gets the title classifier's code in the
    service (source "tittel" with its confidence), never a typeahead guess stored as the person's choice."""
    return data


@router.post("/kandidater/{candidate_id}/cv/{section}")
def add_cv(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, section: str, form: FormData
) -> Response:
    kind = section
    if kind not in CV_LABELS:
        raise NotFound("Ukjent CV-del.")
    data = _cv_data(kind, _prefixed(form, f"{kind}__"), session)
    return _Record(request, session, user, candidate_id).save(
        f"/cv#{kind}",
        f"La til {CV_LABELS[kind]}.",
        candidates_profile.add_cv_entry,
        form,
        prefix=f"{kind}__",
        extra={"open_kind": kind},
        kind=kind,
        data=data,
    )


def _find_entry(candidate: Candidate, kind: str, entry_id: int) -> Any:
    by_kind: dict[str, Sequence[WorkExperience | Education | Certificate | LanguageSkill]] = {
        "arbeid": candidate.work_experiences,
        "utdanning": candidate.educations,
        "sertifikat": candidate.certificates,
        "sprak": candidate.languages,
    }
    entry = next((e for e in by_kind.get(kind, ()) if e.id == entry_id), None)
    if entry is None:
        raise NotFound("Fant ikke CV-linjen.")
    return entry


ENTRY_FIELDS = {
    "arbeid": ("title", "employer", "start_date", "end_date", "styrk_code", "description"),
    "utdanning": ("level", "field", "institution", "start_year", "end_year"),
    "sertifikat": ("name", "kind", "issuer", "date"),
    "sprak": ("language", "level"),
}


def _entry_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    kind: str,
    entry_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    if kind not in CV_LABELS:
        raise NotFound("Ukjent CV-del.")
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: endre CV", full=True
    )
    entry = _find_entry(candidate, kind, entry_id)
    values = form if form is not None else {k: _s(getattr(entry, k)) for k in ENTRY_FIELDS[kind]}
    if form is None and kind == "arbeid" and entry.styrk_code:  # the typeahead shows the name, keeps the code
        values["styrk_code"] = (
            f"{reference_service.styrk_name(session, entry.styrk_code)} ({entry.styrk_code})"
        )
    suggestions = (
        candidates_profile.suggest_styrk(session, values.get("title") or entry.title, limit=3)
        if kind == "arbeid"
        else []
    )
    styrk_options = (
        suggest_ui.options(session, user, "yrke", values.get("styrk_code") or values.get("title"))
        if kind == "arbeid"
        else []
    )
    return render(
        request,
        "candidates/cv_entry.html",
        _ctx(
            candidate=candidate,
            tab="/cv",
            kind=kind,
            entry=entry,
            form=values,
            errors=errors or {},
            suggestions=suggestions,
            styrk_options=styrk_options,
        ),
        status_code=422 if errors else 200,
    )


@router.get("/kandidater/{candidate_id}/cv/{section}/{entry_id:int}")
def edit_cv(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, section: str, entry_id: int
) -> Response:
    kind = section
    return _entry_page(request, session, user, candidate_id, kind, entry_id)


@router.post("/kandidater/{candidate_id}/cv/{section}/{entry_id:int}")
def save_cv(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    section: str,
    entry_id: int,
    form: FormData,
) -> Response:
    kind = section
    if kind not in CV_LABELS:
        raise NotFound("Ukjent CV-del.")
    data = _cv_data(kind, {k: form.get(k, "") for k in ENTRY_FIELDS[kind] if k in form}, session)
    return submit(
        request,
        session,
        lambda: candidates_profile.update_cv_entry(
            session, actor=user, candidate_id=candidate_id, kind=kind, entry_id=entry_id, data=data
        ),
        to=f"/kandidater/{candidate_id}/cv#{kind}",
        message=f"Endret {CV_LABELS[kind]}.",
        page=lambda errors, _: _entry_page(
            request, session, user, candidate_id, kind, entry_id, form=form, errors=errors
        ),
    )


@router.post("/kandidater/{candidate_id}/cv/{section}/{entry_id:int}/slett")
def delete_cv(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, section: str, entry_id: int
) -> Response:
    kind = section
    candidates_profile.delete_cv_entry(
        session, actor=user, candidate_id=candidate_id, kind=kind, entry_id=entry_id
    )
    return redirect(
        request, f"/kandidater/{candidate_id}/cv#{kind}", f"Slettet {CV_LABELS.get(kind, kind)}.", "success"
    )


# --- jobbprofil ----------------------------------------------------------------------------------------------

PROFILE_TEXT = ("wanted_styrk", "wanted_titles", "municipalities")
PROFILE_FIELDS = (
    "postal_code",
    "max_commute_minutes",
    "max_commute_km",
    "percent_min",
    "percent_max",
    "earliest_start",
)


EMPTY_INPUTS = 2  # free occupation and municipality fields below the chosen ones: one choice per field


def _profile_ctx(session: Session, user: User, candidate: Candidate, extra: dict[str, Any]) -> dict[str, Any]:
    p = candidate.job_profile
    styrk = reference_service.styrk_names(session) if p and p.wanted_styrk else {}
    form: dict[str, Any] = {"wanted_titles": ", ".join(p.wanted_titles or []) if p else ""}
    form["wanted_styrk"] = [f"{styrk.get(c, c)} ({c})" for c in (p.wanted_styrk if p else [])]
    codes = list(p.municipalities or []) if p else []
    municipality_names = {c: reference_service.municipality_name(session, c) for c in codes}
    form["municipalities"] = [f"{municipality_names[c] or c} ({c})" for c in codes]
    form.update({k: _s(getattr(p, k)) if p else "" for k in PROFILE_FIELDS})
    form["working_time"] = list(p.working_time or []) if p else []
    form["engagement_types"] = list(p.engagement_types or []) if p else []
    typed = extra.get("form") or {}
    lists = {}
    for key in ("wanted_styrk", "municipalities"):
        values = typed.get(key, form[key])
        values = [values] if isinstance(values, str) else [v for v in values if v.strip()]
        lists[key] = [*values, *[""] * EMPTY_INPUTS]
    suggestions = (
        suggest_ui.field_options(
            session,
            user,
            {
                "wanted_styrk": ("yrke", lists["wanted_styrk"]),
                "municipalities": ("kommune", lists["municipalities"]),
                "postal_code": ("postnummer", typed.get("postal_code", "")),
            },
        )
        if extra.get("errors")
        else {}
    )
    return {
        "form": form,
        "styrk": styrk,
        "styrk_sources": STYRK_SOURCES,
        "municipality_names": municipality_names,
        "lists": lists,
        "suggestions": suggestions,
    }


@router.get("/kandidater/{candidate_id}/jobbprofil")
def profile_page(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    return _tab_page(request, session, user, candidate_id, "/jobbprofil", "candidates/jobbprofil.html")


@router.post("/kandidater/{candidate_id}/jobbprofil")
def save_profile(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {k: form.get(k, "") for k in (*PROFILE_TEXT, *PROFILE_FIELDS)}
    for key in ("wanted_styrk", "municipalities"):  # one choice per field; blanks are the spare fields
        data[key] = [v for v in (form.get(key) or []) if str(v).strip()]
    data["working_time"] = form.get("working_time") or []
    data["engagement_types"] = form.get("engagement_types") or []
    return _Record(request, session, user, candidate_id).save(
        "/jobbprofil", "Jobbprofilen er lagret.", candidates_profile.set_job_profile, data, data=data
    )


# --- RESTRICTED: situation, programmes, capacity, needs ------------------------------------------------------


def _situation_ctx(
    session: Session, user: User, candidate: Candidate, extra: dict[str, Any]
) -> dict[str, Any]:
    s = candidate.situation
    grade = candidates_derived.uforegrad_of(candidate.programmes)
    form: dict[str, Any] = {
        "innsatsgruppe": _s(s.innsatsgruppe) if s else "",
        "hovedmal": _s(s.hovedmal) if s else "",
        "decision_date": _s(s.decision_date) if s else "",
        "capacity_override_percent": _s(s.capacity_override_percent) if s else "",
        "capacity_override_reason": _s(s.capacity_override_reason) if s else "",
        "preferred_hours_per_week": _s(s.preferred_hours_per_week) if s else "",
        "needs_note": s.needs_note if s else "",
        "p_kind": "",
    }
    for category in NEED_CATEGORIES:
        form[f"needs_{category}"] = s.needs(category) if s else []
    edit = next((p for p in candidate.programmes if p.kind == extra.get("edit_programme")), None)
    program_form = (
        {
            "p_kind": edit.kind,
            "p_start_date": _s(edit.start_date),
            "p_end_date": _s(edit.end_date),
            "p_uforegrad": _s(edit.uforegrad),
            "p_aktivitetsplikt": ""
            if edit.aktivitetsplikt is None
            else "ja"
            if edit.aktivitetsplikt
            else "nei",
            "p_note": edit.note,
        }
        if edit is not None
        else {}
    )
    return {
        "form": form,
        "program_form": program_form,
        "derived_capacity": candidates_derived.capacity_from(None, None, grade).percent,
        "uforegrad": grade,
        "today": today_in_oslo(),
    }


@router.get("/kandidater/{candidate_id}/situasjon")
def situation_page(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, program: str = ""
) -> Response:
    return _tab_page(
        request,
        session,
        user,
        candidate_id,
        "/situasjon",
        "candidates/situasjon.html",
        edit_programme=program,
    )


@router.post("/kandidater/{candidate_id}/situasjon/vedtak")
def save_decision(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {k: form.get(k, "") for k in ("innsatsgruppe", "hovedmal", "decision_date")}
    message = "Innsatsgruppe og hovedmål er lagret."
    return _Record(request, session, user, candidate_id).save(
        "/situasjon#vedtak", message, candidates_profile.set_situation, data, data=data, partial=False
    )


@router.post("/kandidater/{candidate_id}/situasjon/program")
def save_programme(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = _prefixed(form, "p_")
    kind = data.pop("kind", "")
    return _Record(request, session, user, candidate_id).save(
        "/situasjon#program",
        lambda _: f"{PROGRAMMES[kind]} er registrert.",
        candidates_profile.set_programme,
        {},
        prefix="p_",
        extra={"program_form": form},
        kind=kind,
        data=data,
    )


@router.post("/kandidater/{candidate_id}/situasjon/program/{programme}/fjern")
def remove_programme(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, programme: str
) -> Response:
    candidates_profile.remove_programme(session, actor=user, candidate_id=candidate_id, kind=programme)
    return redirect(
        request,
        f"/kandidater/{candidate_id}/situasjon#program",
        f"{PROGRAMMES.get(programme, programme)} er fjernet.",
        "success",
    )


@router.post("/kandidater/{candidate_id}/situasjon/arbeidsevne")
def save_capacity(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data = {
        k: form.get(k, "")
        for k in ("capacity_override_percent", "capacity_override_reason", "preferred_hours_per_week")
    }
    return _Record(request, session, user, candidate_id).save(
        "/situasjon#arbeidsevne",
        "Arbeidsevnen er lagret.",
        candidates_profile.set_capacity,
        data,
        override_percent=data["capacity_override_percent"],
        reason=data["capacity_override_reason"],
        preferred_hours_per_week=data["preferred_hours_per_week"],
    )


@router.post("/kandidater/{candidate_id}/situasjon/behov")
def save_needs(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    data: dict[str, Any] = {f"needs_{c}": form.get(f"needs_{c}") or [] for c in NEED_CATEGORIES}
    data["needs_note"] = form.get("needs_note", "")
    return _Record(request, session, user, candidate_id).save(
        "/situasjon#behov",
        "Tilretteleggingsbehovene er lagret.",
        candidates_profile.set_needs,
        data,
        data=data,
    )


# --- consent -------------------------------------------------------------------------------------------------


def _consent_ctx(session: Session, user: User, candidate: Candidate, extra: dict[str, Any]) -> dict[str, Any]:
    """The consents, the presentation for employers with its marks, and the form; the opening choice lists only
    the chosen employer's openings (none until an employer is chosen)."""
    rows, _ = es.list_employers(session, actor=user, limit=1000)
    names = {r.employer.id: r.employer.name for r in rows}
    for consent in candidate.consents:
        if consent.employer_id not in names:
            try:
                names[consent.employer_id] = employers_access.get_employer(
                    session, actor=None, employer_id=consent.employer_id
                ).name
            except NotFound:
                names[consent.employer_id] = f"Arbeidsgiver {consent.employer_id}"
    typed = str((extra.get("form") or {}).get("employer_id") or "").strip()
    try:  # the typeahead sends a name, an orgnr or an id; an unclear one chooses nothing yet
        chosen = (
            employers_suggest.employer_ref(session, actor=user, text=typed, field="employer_id")
            if typed
            else None
        )
    except DomainError:
        chosen = None
    openings = (
        employers_openings.list_openings(session, actor=user, employer_id=chosen, limit=500)[0]
        if chosen
        else []
    )
    consent_openings = employers_openings.openings_with_employer_names(
        session, [c.opening_id for c in candidate.consents if c.opening_id]
    )
    presentation = str((extra.get("form") or {}).get("presentation", candidate.presentation) or "")
    marks = sensitive_text.check(presentation)
    return {
        "employer_names": names,
        "employer_typed_options": suggest_ui.options(session, user, "arbeidsgiver", typed)
        if typed and (extra.get("errors") or chosen is None)
        else [],
        "opening_options": [(str(o.id), o.title) for o in openings if o.status not in ("stengt",)],
        "chosen_employer": "" if chosen is None else str(chosen),
        "opening_titles": {oid: o.title for oid, (o, _) in consent_openings.items()},
        "marks": marks,
        "marked_segments": sensitive_text.segments(presentation, marks),
        "form": {
            "given_on": today_in_oslo().isoformat(),
            "named": "1",
            "presentation": candidate.presentation,
        },
    }


@router.get("/kandidater/{candidate_id}/samtykke")
def consent_page(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, employer_id: str = ""
) -> Response:
    form = {"employer_id": employer_id.strip()} if employer_id.strip() else {}
    return _tab_page(request, session, user, candidate_id, "/samtykke", "candidates/samtykke.html", form=form)


@router.post("/kandidater/{candidate_id}/samtykke")
def give_consent(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    if form.get("steg") == "velg-arbeidsgiver":  # without JavaScript: show the chosen employer's openings
        return _tab_page(
            request, session, user, candidate_id, "/samtykke", "candidates/samtykke.html", form=dict(form)
        )
    typed_employer = str(form.get("employer_id") or "").strip()  # the typeahead: name, orgnr or id
    return submit(
        request,
        session,
        lambda: candidates_privacy.give_consent(
            session,
            actor=user,
            candidate_id=candidate_id,
            employer_id=employers_suggest.employer_ref(
                session, actor=user, text=typed_employer, field="employer_id"
            )
            if typed_employer
            else None,
            opening_id=form.get("opening_id") or None,
            given_on=form.get("given_on") or None,
            named=form.get("named") == "1",
            note=form.get("note", ""),
        ),
        to=f"/kandidater/{candidate_id}/samtykke",
        message=lambda consent: (
            f"Samtykket er registrert ({'navngitt profil' if consent.named else 'anonym presentasjon'}). "
            "Arbeidsgiveren ser ingenting før kandidaten deles fra en kandidatliste."
        ),
        page=_tab_form(request, session, user, candidate_id, "/samtykke", form),
    )


@router.post("/kandidater/{candidate_id}/presentasjon")
def set_presentation(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return _Record(request, session, user, candidate_id).save(
        "/samtykke#presentasjon",
        _presentation_saved,
        candidates_privacy.set_presentation,
        form,
        text=form.get("presentation", ""),
    )


def _presentation_saved(candidate: Candidate) -> str | tuple[str, str]:
    marks = candidates_privacy.presentation_marks(candidate)
    if not marks:
        return "Presentasjonen er lagret."
    return (
        "Presentasjonen er lagret, men inneholder ord som kan røpe sensitive opplysninger: "
        f"{sensitive_text.describe(marks)}. Kandidaten kan ikke deles før de er fjernet eller overstyrt.",
        "warning",
    )


@router.post("/kandidater/{candidate_id}/samtykke/{consent_id:int}/trekk")
def withdraw_consent(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, consent_id: int
) -> Response:
    candidates_privacy.withdraw_consent(session, actor=user, candidate_id=candidate_id, consent_id=consent_id)
    return redirect(
        request,
        f"/kandidater/{candidate_id}/samtykke",
        "Samtykket er trukket. Arbeidsgiveren har ikke lenger tilgang.",
        "success",
    )


# --- break the glass (the admin) -----------------------------------------------------------------------------


@router.post("/kandidater/{candidate_id}/begrunnelse")
def give_reason(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    """The admin's recorded reason to read this record (then back to the page that asked for it)."""
    target = str(form.get("next") or "")
    if not target.startswith(f"/kandidater/{candidate_id}") or "//" in target:
        target = f"/kandidater/{candidate_id}"
    return submit(
        request,
        session,
        lambda: candidates_access.break_glass(
            session,
            actor=user,
            candidate_id=candidate_id,
            reason=form.get("reason", ""),
            ip=client_ip(request),
        ),
        to=target,
        message=("Begrunnelsen er registrert og vises for personens NAV-kontor.", "warning"),
        page=lambda errors, status: render(
            request,
            "candidates/begrunnelse.html",
            {
                "message": "Begrunnelsen mangler eller er for kort.",
                "candidate_id": candidate_id,
                "next": target,
                "minutes": candidates_access.BREAK_GLASS_MINUTES,
                "errors": errors,
                "form": {"reason": form.get("reason", "")},
            },
            status_code=status,
        ),
    )


# --- innsyn and erasure --------------------------------------------------------------------------------------


def _employer_name(session: Session, employer_id: int | None) -> str | None:
    if employer_id is None:
        return None
    try:
        return employers_access.get_employer(session, actor=None, employer_id=employer_id).name
    except NotFound:
        return None


@router.get("/kandidater/{candidate_id}/innsyn")
def access_page(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    data = candidates_privacy.export_candidate(session, actor=user, candidate_id=candidate_id)
    candidate = candidates_access.get_candidate(
        session, actor=user, candidate_id=candidate_id, purpose="innsyn: lesbar side", full=True
    )
    names = innsyn.Names(
        styrk=reference_service.styrk_names(session),
        municipality=lambda code: reference_service.municipality_name(session, code),
        employers={
            c.employer_id: n for c in candidate.consents if (n := _employer_name(session, c.employer_id))
        },
        openings={
            oid: o.title
            for oid, (o, _) in employers_openings.openings_with_employer_names(
                session, [c.opening_id for c in candidate.consents if c.opening_id]
            ).items()
        },
    )
    return render(
        request,
        "candidates/innsyn.html",
        _ctx(
            candidate=candidate,
            tab="/innsyn",
            export=data,
            sections=innsyn.sections(data, names),
            access_log=innsyn.access_log(data),
            capacity=candidates_derived.capacity_of(candidate),
            restricted_ok=candidates_access.may_read_restricted(user, candidate),
            erase_ok=candidates_access.may_erase(user, candidate),
        ),
    )


@router.get("/kandidater/{candidate_id}/innsyn.json")
def access_json(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    data = candidates_privacy.export_candidate(session, actor=user, candidate_id=candidate_id)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="innsyn-kandidat-{candidate_id}.json"'},
    )


@router.get("/kandidater/{candidate_id}/slett")
def erase_page(request: Request, session: SessionDep, user: StaffUser, candidate_id: int) -> Response:
    candidates_access.load_for_change(
        session, actor=user, candidate_id=candidate_id, purpose="sletting: bekreftelse", erase=True
    )
    return _tab_page(request, session, user, candidate_id, "/slett", "candidates/slett.html", form={})


@router.post("/kandidater/{candidate_id}/slett")
def erase(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return _Record(request, session, user, candidate_id).save(
        "/slett",
        "Kandidaten og alle personopplysningene er slettet.",
        candidates_privacy.erase_candidate,
        form,
        to="/kandidater",
        confirm=form.get("confirm") == "1",
        reason=form.get("reason", ""),
    )


TAB_TEMPLATES = {
    "": "candidates/detail.html",
    "/cv": "candidates/cv.html",
    "/jobbprofil": "candidates/jobbprofil.html",
    "/situasjon": "candidates/situasjon.html",
    "/samtykke": "candidates/samtykke.html",
    "/slett": "candidates/slett.html",
}
TAB_CONTEXT = {
    "": _personalia_ctx,
    "/cv": _cv_ctx,
    "/jobbprofil": _profile_ctx,
    "/situasjon": _situation_ctx,
    "/samtykke": _consent_ctx,
}


# --- the employer user's shared candidates -------------------------------------------------------------------


@router.get("/delte-kandidater")
def shared_list(request: Request, session: SessionDep, user: EmployerUser) -> Response:
    from recruitment import service as rs

    return render(
        request, "candidates/shared_list.html", {"candidates": rs.shared_candidates(session, actor=user)}
    )


@router.get("/delte-kandidater/{candidate_id}")
def shared_detail(request: Request, session: SessionDep, user: EmployerUser, candidate_id: int) -> Response:
    from recruitment import service as rs
    from recruitment.models import EMPLOYER_ANSWERS

    view = rs.shared_candidate(session, actor=user, candidate_id=candidate_id)
    entries = rs.shared_entries_for_employer(session, actor=user, candidate_id=candidate_id)
    return render(
        request,
        "candidates/shared_detail.html",
        {"c": view, "entries": entries, "answers": EMPLOYER_ANSWERS},
    )
