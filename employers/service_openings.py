"""Openings (direktemeldte stillinger): validation, the lifecycle utkast → publisert → besatt/stengt/utløpt with who
and when, employer self-service with approval by NAV, and the expiry the scheduler runs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from core import audit, notifications
from core import reference as reference_service
from core.cleaning import DEADLINE, IMPORTED_AD_DATE, OPENING_START, Cleaner, as_list, bounded_text
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.locking import check_version
from core.models import ChangeMark, User, change_mark, changed_since, hold_rows, utcnow
from core.roles import NAV_STAFF
from employers import service_suggest, styrk
from employers.access import get_employer, readable_employers
from employers.models import (
    ENGAGEMENT_TYPES,
    INCLUSION_OPTIONS,
    MEASURES,
    NORWEGIAN_LEVELS,
    OPENING_STATUS_LABELS,
    REQUIREMENT_KINDS,
    TARGET_GROUPS,
    WORKING_TIMES,
    Employer,
    Opening,
    OpeningStatusChange,
    employer_users,
)
from matching.feasibility import LICENCE_CLASSES
from matching.titles import names_regulated_profession

__all__ = [
    "DRIVING_LICENCES",
    "TRANSITIONS",
    "approval_queue",
    "approve_opening",
    "awaiting_approval",
    "clean_opening",
    "create_opening",
    "expire_openings",
    "get_opening",
    "hold_openings",
    "list_openings",
    "matchable_openings",
    "opening_change_mark",
    "opening_row_ids",
    "openings_changed_since",
    "openings_with_employer_names",
    "public_opening",
    "readable_openings",
    "resubmit_opening",
    "return_opening",
    "returned_openings",
    "suggest_styrk",
    "transition_opening",
    "update_opening",
]

DRIVING_LICENCES = LICENCE_CLASSES  # one list of classes for the whole product (matching owns it)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "utkast": ("publisert", "stengt"),
    "publisert": ("besatt", "stengt", "utløpt"),
    "utløpt": ("publisert", "stengt"),
    "stengt": ("publisert",),
    "besatt": (),
    "returnert": ("stengt",),  # back to NAV only through resubmit_opening, into the approval queue again
}
EMPLOYER_USER_TRANSITIONS = ("besatt", "stengt")
EMPLOYER_EDITABLE_STATUSES = ("utkast", "publisert", "returnert")
RETURN_COMMENT_MAX = 2000
_EMAIL_RE = re.compile(r"^[^@\s?&,;<>\"']+@[^@\s?&,;<>\"']+\.[^@\s?&,;<>\"']+$")  # and a safe mailto:
_PHONE_RE = re.compile(r"^[+\d][\d ]{4,}$")
_URL_RE = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(:\d+)?(/\S*)?$", re.IGNORECASE)
EDITABLE = (
    "title",
    "styrk_code",
    "styrk_source",
    "styrk_confidence",
    "description",
    "positions",
    "percent_min",
    "percent_max",
    "hours_per_week",
    "working_time",
    "engagement_type",
    "start_date",
    "start_by_agreement",
    "application_deadline",
    "address",
    "postal_code",
    "municipality_code",
    "requirements",
    "inclusion",
    "target_groups",
    "measures",
    "open_to_reduced_capacity",
    "how_to_apply",
    "application_url",
    "application_email",
    "contact_name",
    "contact_phone",
)


def suggest_styrk(
    session: Session, title: str, limit: int = 3, min_score: float = 40
) -> list[styrk.StyrkSuggestion]:
    """STYRK-08 unit groups for a whole title, best first, each code once: the title classifier's answer, then
    the typeahead's (score = confidence × 100). The person confirms one."""
    found = [
        service_suggest.classify_title(session, title),
        *service_suggest.suggest_occupations(session, title, limit),
    ]
    out: dict[str, styrk.StyrkSuggestion] = {}
    for s in found:
        if s is None or not names_regulated_profession(s.code, title):
            continue  # a regulated profession only for a title that names it ("Syerske" is no Sykepleier)
        if s.code not in out and s.confidence * 100 >= min_score:
            out[s.code] = styrk.StyrkSuggestion(s.code, s.name, round(s.confidence * 100, 1), s.title)
    return list(out.values())[:limit]


# --- access -------------------------------------------------------------------------------------------


def matchable_openings(session: Session, *, ids: Sequence[int] | None = None) -> Sequence[Opening]:
    """For the matching pool (a system read, no actor): published openings with their employer loaded."""
    stmt = select(Opening).where(Opening.status == "publisert").options(selectinload(Opening.employer))
    if ids is not None:
        stmt = stmt.where(Opening.id.in_(list(ids)))
    return session.scalars(stmt.order_by(Opening.id)).all()


def opening_change_mark(session: Session) -> ChangeMark:
    """The openings' change mark (for caches of the matching index)."""
    return change_mark(session, Opening)


def openings_changed_since(session: Session, since: dt.datetime | None, limit: int) -> list[int]:
    return changed_since(session, Opening, since, limit)


def hold_openings(session: Session, opening_ids: Sequence[int]) -> set[int]:
    """The openings among these that still exist, kept from deletion until the transaction ends (for a writer
    that stores their ids: `core.models.hold_rows`)."""
    return hold_rows(session, Opening, opening_ids)


def opening_row_ids(session: Session) -> set[int]:
    """Every opening id there is (a cache checks what it holds against it after rows went)."""
    return set(session.scalars(select(Opening.id)))


def openings_with_employer_names(session: Session, ids: Sequence[int]) -> dict[int, tuple[Opening, str]]:
    """System read for display next to ranked results: opening id → (opening, employer name)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Opening, Employer.name)
        .join(Employer, Employer.id == Opening.employer_id)
        .where(Opening.id.in_(list(ids)))
    ).all()
    return {o.id: (o, name) for o, name in rows}


def readable_openings(session: Session, actor: User | None) -> Select[Opening]:
    """Staff see every opening; an employer user those of their own organisations; `None` is the system."""
    stmt = select(Opening)
    if actor is not None and actor.role not in NAV_STAFF:
        stmt = stmt.where(
            Opening.employer_id.in_(readable_employers(session, actor).with_only_columns(Employer.id))
        )
    return stmt


# Staff and the system read every opening (readable_openings), so their reads are built once (cache key kept).
# The status history of one opening is a handful of rows: joined into the same statement, it costs less than a
# second (selectin) statement.
_OPENING = select(Opening).where(Opening.id == bindparam("opening_id")).options(joinedload(Opening.employer))
_OPENING_FULL = _OPENING.options(joinedload(Opening.status_changes))
_PUBLIC_OPENING = _OPENING.where(Opening.status == "publisert")


def get_opening(session: Session, *, actor: User | None, opening_id: int, full: bool = False) -> Opening:
    """One readable opening with its employer; `full` adds the status history. 404 for one the actor may not see."""
    if actor is None or actor.role in NAV_STAFF:
        stmt = _OPENING_FULL if full else _OPENING
        params: dict[str, Any] = {"opening_id": opening_id}
    else:
        stmt = (
            readable_openings(session, actor)
            .where(Opening.id == opening_id)
            .options(joinedload(Opening.employer))
        )
        if full:
            stmt = stmt.options(joinedload(Opening.status_changes))
        params = {}
    # unique(): the joined history repeats the opening's row; one_or_none() reads all of them
    opening = session.scalars(stmt, params).unique().one_or_none()
    if opening is None:
        raise NotFound("Fant ikke stillingen.")
    return opening


def public_opening(session: Session, *, opening_id: int) -> Opening:
    """A published opening, for anyone (openings carry no personal data)."""
    opening = session.scalar(_PUBLIC_OPENING, {"opening_id": opening_id})
    if opening is None:
        raise NotFound("Fant ikke stillingen.")
    return opening


# --- validation ---------------------------------------------------------------------------------------


def _clean_requirements(raw: Any, data: dict[str, Any], c: Cleaner) -> dict[str, Any]:
    """{"must": {...}, "should": {...}}, each with driving_licences, certificates, skills, experience (lists)
    and norwegian_level (A1–C2). Accepts the nested object or flat form fields `must_skills`, `should_…`."""
    result: dict[str, Any] = {}
    for level in ("must", "should"):
        part = raw.get(level) if isinstance(raw, dict) else None
        if part is not None and not isinstance(part, dict):
            c.error(f"requirements.{level}", "Kravene må være et objekt med lister.")
            part = {}
        source = (
            part
            if part is not None
            else {k: data.get(f"{level}_{k}") for k in (*REQUIREMENT_KINDS, "norwegian_level")}
        )
        cleaned: dict[str, Any] = {}
        for kind in REQUIREMENT_KINDS:
            values = as_list(source.get(kind))
            if kind == "driving_licences":
                values = [v.upper() for v in values]
                bad = [v for v in values if v not in DRIVING_LICENCES]
                if bad:
                    c.error(
                        f"{level}_{kind}",
                        f"Ukjent førerkortklasse: {', '.join(bad)}; gyldige er {', '.join(DRIVING_LICENCES)}.",
                    )
            if values:
                cleaned[kind] = values
        norwegian = str(source.get("norwegian_level") or "").strip().upper()
        if norwegian:
            if norwegian not in NORWEGIAN_LEVELS:
                c.error(f"{level}_norwegian_level", "Norsknivå må være A1, A2, B1, B2, C1 eller C2.")
            else:
                cleaned["norwegian_level"] = norwegian
        result[level] = cleaned
    return result


def _clean_how_to_apply(c: Cleaner) -> None:
    """How to apply: free text, a link (https:// added when left out), an e-mail address, a contact person."""
    c.optional_text("how_to_apply", "Slik søker du", max_len=2000)
    c.optional_text("application_url", "Lenke til søknadsskjema", max_len=500)
    c.optional_text("application_email", "E-post for søknad og spørsmål", max_len=254)
    c.optional_text("contact_name", "Kontaktperson", max_len=200)
    c.optional_text("contact_phone", "Telefon til kontaktperson", max_len=40)
    out = c.out
    url = out.get("application_url")
    if url:
        if not _URL_RE.match(url):
            c.error("application_url", "Lenken må være en adresse som https://eksempel.no/soknad.")
        elif not url.lower().startswith(("http://", "https://")):
            out["application_url"] = "https://" + url
    if out.get("application_email") and not _EMAIL_RE.match(out["application_email"]):
        c.error("application_email", "Ugyldig e-postadresse.")
    if out.get("contact_phone") and not _PHONE_RE.match(out["contact_phone"]):
        c.error("contact_phone", "Telefonnummeret kan bare ha sifre, mellomrom og + først.")


def clean_opening(
    session: Session,
    data: dict[str, Any],
    *,
    partial: bool,
    current: Opening | None = None,
    imported: bool = False,
) -> dict[str, Any]:
    """Every rule a ValidationFailed naming the field: percent 1–100 and min ≤ max, positions, dates, codes.
    Dates typed by people keep near the present; an `imported` ad's dates are the source's record (an expired
    ad from an archive keeps its old deadline), so only absurd ones are refused."""
    data = service_suggest.with_chosen_codes(session, data, place=True)
    c = Cleaner(data, partial=partial)
    c.optional_text("title", "Stillingstittel", required=True)
    c.optional_text("styrk_code", "STYRK-08-kode", max_len=10)
    c.text("description", "Beskrivelse", max_len=50000)
    c.integer("positions", "Antall stillinger", minimum=1, maximum=1000, default=1)
    c.integer("percent_min", "Stillingsprosent fra", minimum=1, maximum=100)
    c.integer("percent_max", "Stillingsprosent til", minimum=1, maximum=100)
    c.number("hours_per_week", "Timer per uke", minimum=0, maximum=75, above=True)
    c.choices("working_time", "Arbeidstid", WORKING_TIMES)
    c.choice("engagement_type", "Ansettelsesform", ENGAGEMENT_TYPES, default="fast")
    c.date(
        "start_date",
        "Startdato",
        bounds=IMPORTED_AD_DATE if imported else OPENING_START,
        unchanged=current.start_date if current else None,
    )
    c.flag("start_by_agreement")
    c.date(
        "application_deadline",
        "Søknadsfrist",
        bounds=IMPORTED_AD_DATE if imported else DEADLINE,
        unchanged=current.application_deadline if current else None,
    )
    c.optional_text("address", "Adresse")
    c.optional_text("postal_code", "Postnummer", max_len=4)
    c.optional_text("municipality_code", "Kommunenummer", max_len=4)
    c.choices("inclusion", "Inkluderingsmulighet", INCLUSION_OPTIONS)
    c.choices("target_groups", "Prioritert målgruppe", TARGET_GROUPS)
    c.choices("measures", "Tiltak", MEASURES)
    c.flag("open_to_reduced_capacity")
    _clean_how_to_apply(c)
    out = c.out
    service_suggest.keep_provenance(out, data, current)
    if not partial or "requirements" in data or any(k.startswith(("must_", "should_")) for k in data):
        out["requirements"] = _clean_requirements(data.get("requirements"), data, c)
    code = out.get("styrk_code")
    if code:
        code = code.split(".")[0]
        out["styrk_code"] = code
        if not (code.isdigit() and len(code) == 4):
            c.error("styrk_code", "STYRK-08-koden må være fire sifre.")
        elif (
            not reference_service.is_empty(session) and session.get(reference_service.StyrkCode, code) is None
        ):
            c.error("styrk_code", f"Ukjent STYRK-08-kode {code}.")
    # percent range: one value given means a fixed percent; none given means full time
    low = out.get("percent_min", current.percent_min if current and partial else None)
    high = out.get("percent_max", current.percent_max if current and partial else None)
    failed = {e["field"] for e in c.errors}
    if not {"percent_min", "percent_max"} & failed:
        if low is None:
            low = high if high is not None else 100
        if high is None:
            high = low
        if low > high:
            c.error("percent_min", "Stillingsprosent fra kan ikke være høyere enn stillingsprosent til.")
        if "percent_min" in out or "percent_max" in out or not partial:
            out["percent_min"], out["percent_max"] = low, high
    if out.get("postal_code"):
        try:
            out["municipality_code"] = reference_service.municipality_for_postal_code(
                session, out["postal_code"]
            ).municipality_code
        except ValidationFailed as exc:
            c.error("postal_code", exc.message)
    elif out.get("municipality_code"):
        try:  # an older code of the municipality (0502) is stored as today's (3407)
            out["municipality_code"] = reference_service.clean_municipality_code(
                session, out["municipality_code"], field="municipality_code"
            )
        except ValidationFailed as exc:
            c.error("municipality_code", exc.message)
    if out.get("start_by_agreement"):
        out["start_date"] = None if not partial or "start_date" in out else out.get("start_date")
    result = c.done()
    return {k: v for k, v in result.items() if k in EDITABLE}


# --- create, update, list -----------------------------------------------------------------------------


def _record_change(
    session: Session, opening: Opening, actor: User | None, to_status: str, note: str = ""
) -> None:
    change = OpeningStatusChange(
        opening_id=opening.id,
        from_status=opening.status,
        to_status=to_status,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else "system",
        note=note,
    )
    session.add(change)
    opening.status = to_status


def _change_status(
    session: Session, opening: Opening, actor: User | None, to_status: str, note: str, *, purpose: str
) -> Opening:
    """A person's step in the lifecycle: the status history row, the flush and the audit entry."""
    _record_change(session, opening, actor, to_status, note)
    session.flush()
    audit.record(
        session, actor=actor, action="update", subject_type="opening", subject_id=opening.id, purpose=purpose
    )
    return opening


def create_opening(
    session: Session,
    *,
    actor: User | None,
    employer_id: int,
    source: str | None = None,
    external_id: str | None = None,
    imported: bool = False,
    **fields: Any,
) -> Opening:
    """Staff and the system create drafts; an employer user's new opening waits for a market contact's approval."""
    employer = get_employer(session, actor=actor, employer_id=employer_id)
    data = clean_opening(session, fields, partial=False, imported=imported)
    if not data.get("municipality_code"):
        data["municipality_code"] = employer.municipality_code
    self_service = actor is not None and actor.role == "arbeidsgiver"
    opening = Opening(
        employer_id=employer.id,
        status="utkast",
        awaiting_approval=self_service,
        created_by_id=actor.id if actor else None,
        source=source,
        external_id=external_id,
        **data,
    )
    session.add(opening)
    session.flush()
    session.add(
        OpeningStatusChange(
            opening_id=opening.id,
            from_status=None,
            to_status="utkast",
            at=utcnow(),
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "system",
            note="sendt til godkjenning" if self_service else "",
        )
    )
    session.flush()
    return opening


def update_opening(session: Session, *, actor: User | None, opening_id: int, **fields: Any) -> Opening:
    """Partial update; `version` (from the form) refuses a save based on a stale read (core.locking)."""
    opening = get_opening(session, actor=actor, opening_id=opening_id)
    if (
        actor is not None
        and actor.role == "arbeidsgiver"
        and opening.status not in EMPLOYER_EDITABLE_STATUSES
    ):
        raise Forbidden("Stillingen er avsluttet og kan ikke endres.")
    check_version(
        session,
        opening,
        fields.pop("version", None),
        subject_type="opening",
        label="Stillingen",
        fields=fields,
    )
    data = clean_opening(session, fields, partial=True, current=opening)
    for key, value in data.items():
        setattr(opening, key, value)
    session.flush()
    audit.record(session, actor=actor, action="update", subject_type="opening", subject_id=opening.id)
    return opening


OPENING_SORTS = {
    "nyeste": (Opening.created_at.desc(), Opening.id.desc()),
    "frist": (Opening.application_deadline.is_(None), Opening.application_deadline, Opening.id),
    "tittel": (Opening.title, Opening.id),
}


def list_openings(
    session: Session,
    *,
    actor: User,
    q: str = "",
    status: str = "",
    employer_id: int | None = None,
    municipality_code: str = "",
    reduced: bool = False,
    awaiting_approval: bool | None = None,
    sort: str = "nyeste",
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Opening], int]:
    stmt = readable_openings(session, actor)
    if q.strip():
        stmt = stmt.where(Opening.title.ilike(f"%{q.strip()}%"))
    if status:
        stmt = stmt.where(Opening.status == status)
    if employer_id is not None:
        stmt = stmt.where(Opening.employer_id == employer_id)
    if municipality_code:
        stmt = stmt.where(Opening.municipality_code == municipality_code)
    if reduced:
        stmt = stmt.where(or_(Opening.percent_min < 100, Opening.open_to_reduced_capacity.is_(True)))
    if awaiting_approval is not None:
        stmt = stmt.where(Opening.awaiting_approval.is_(awaiting_approval))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.options(selectinload(Opening.employer)).order_by(
        *OPENING_SORTS.get(sort, OPENING_SORTS["nyeste"])
    )
    return session.scalars(stmt.limit(limit).offset(offset)).all(), total


def _require_approver(actor: User) -> None:
    if actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte godkjenner stillinger.")


def awaiting_approval(session: Session, *, actor: User) -> Select[Opening]:
    """The openings waiting for approval, as a statement: `approval_queue` lists it, the dashboard counts it (in
    one query with its other counts)."""
    _require_approver(actor)
    return readable_openings(session, actor).where(
        Opening.awaiting_approval.is_(True), Opening.status == "utkast"
    )


def approval_queue(session: Session, *, actor: User) -> Sequence[Opening]:
    return session.scalars(
        awaiting_approval(session, actor=actor)
        .options(selectinload(Opening.employer))
        .order_by(Opening.created_at, Opening.id)
    ).all()


def returned_openings(session: Session, *, actor: User) -> Sequence[Opening]:
    """Openings NAV sent back and the employer has not sent in again: shown under the queue, so they are not
    forgotten."""
    _require_approver(actor)
    return session.scalars(
        readable_openings(session, actor)
        .where(Opening.status == "returnert")
        .options(selectinload(Opening.employer))
        .order_by(Opening.updated_at, Opening.id)
    ).all()


# --- lifecycle ----------------------------------------------------------------------------------------


def transition_opening(
    session: Session,
    *,
    actor: User | None,
    opening_id: int,
    to_status: str,
    today: dt.date | None = None,
    note: str = "",
    application_deadline: dt.date | str | None = None,
) -> Opening:
    """Moves an opening along its lifecycle. Publishing needs a deadline that has not passed; an expired (or
    closed) opening is published again only with a new deadline in the future. Employer users may mark their
    openings filled or closed, but publishing is NAV's (approval)."""
    opening = get_opening(session, actor=actor, opening_id=opening_id)
    today = today or today_in_oslo()
    if to_status not in OPENING_STATUS_LABELS:
        raise ValidationFailed(f"Ukjent status {to_status!r}.", field="status")
    if to_status not in TRANSITIONS[opening.status]:
        raise ValidationFailed(
            f"En stilling med status {OPENING_STATUS_LABELS[opening.status].lower()} kan ikke bli "
            f"{OPENING_STATUS_LABELS[to_status].lower()}.",
            field="status",
        )
    if actor is not None and actor.role == "arbeidsgiver" and to_status not in EMPLOYER_USER_TRANSITIONS:
        raise Forbidden("Stillingen publiseres når NAV har godkjent den.")
    note = bounded_text(note, field="note", label="Merknad", max_len=500)
    if application_deadline not in (None, ""):
        c = Cleaner({"application_deadline": application_deadline})
        c.date("application_deadline", "Søknadsfrist", bounds=DEADLINE)
        opening.application_deadline = c.done()["application_deadline"]
    if to_status == "publisert":
        deadline = opening.application_deadline
        if opening.status in ("utløpt", "stengt") and (deadline is None or deadline <= today):
            raise ValidationFailed(
                "Stillingen kan bare publiseres igjen med en ny søknadsfrist fram i tid.",
                field="application_deadline",
            )
        if deadline is not None and deadline < today:
            raise ValidationFailed("Søknadsfristen har gått: sett en ny frist.", field="application_deadline")
        if opening.awaiting_approval:
            opening.awaiting_approval = False
            opening.approved_by_id = actor.id if actor else None
            opening.approved_at = utcnow()
            note = note or "godkjent"
        opening.published_at = utcnow()
    return _change_status(session, opening, actor, to_status, note, purpose=f"status {to_status}")


def approve_opening(
    session: Session, *, actor: User, opening_id: int, today: dt.date | None = None
) -> Opening:
    """A market contact approves an employer's self-service opening: it is published."""
    _require_approver(actor)
    opening = get_opening(session, actor=actor, opening_id=opening_id)
    if not opening.awaiting_approval:
        raise ValidationFailed("Stillingen venter ikke på godkjenning.", field="status")
    return transition_opening(
        session, actor=actor, opening_id=opening_id, to_status="publisert", today=today, note="godkjent"
    )


def _comment(raw: Any, *, required: bool) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ValidationFailed("Skriv en kommentar til arbeidsgiveren om hva som må endres.", field="comment")
    if len(text) > RETURN_COMMENT_MAX:
        raise ValidationFailed(f"Kommentaren kan være høyst {RETURN_COMMENT_MAX} tegn.", field="comment")
    return text


def return_opening(session: Session, *, actor: User, opening_id: int, comment: str) -> Opening:
    """A market contact sends an employer's self-service opening back with a comment (1–2000 characters): it
    leaves the approval queue as «Sendt tilbake», the comment is shown to the employer on the opening and kept
    in its status history, and the employer's users get a notification."""
    _require_approver(actor)
    opening = get_opening(session, actor=actor, opening_id=opening_id)
    if not (opening.awaiting_approval and opening.status == "utkast"):
        raise Conflict("Stillingen venter ikke på godkjenning.", field="status")
    text = _comment(comment, required=True)
    opening.awaiting_approval = False
    opening.return_comment = text
    _change_status(session, opening, actor, "returnert", text, purpose="sendt tilbake til arbeidsgiver")
    user_id: int  # employer_users is a plain Table: its columns are not typed
    for user_id in session.scalars(
        select(employer_users.c.user_id).where(employer_users.c.employer_id == opening.employer_id)
    ):
        notifications.notify(
            session,
            user_id=user_id,
            kind="stilling",
            title=f"NAV har sendt stillingen «{opening.title}» tilbake",
            body="Se kommentaren fra NAV, rett stillingen og send den inn igjen.",
            link=f"/stillinger/{opening.id}",
        )
    return opening


def resubmit_opening(session: Session, *, actor: User, opening_id: int, comment: str = "") -> Opening:
    """The employer (or NAV on their behalf) sends a returned opening in again, with an optional answer: it is a
    draft waiting for approval, back in the queue."""
    opening = get_opening(session, actor=actor, opening_id=opening_id)
    if opening.status != "returnert":
        raise Conflict("Bare en stilling som er sendt tilbake, kan sendes inn igjen.", field="status")
    text = _comment(comment, required=False)
    opening.awaiting_approval = True
    opening.return_comment = None
    purpose = "sendt til godkjenning igjen"
    return _change_status(session, opening, actor, "utkast", text or purpose, purpose=purpose)


def expire_openings(session: Session, now: dt.datetime) -> list[Opening]:
    """Published openings whose deadline has passed become `utløpt` (the scheduler calls this; idempotent)."""
    today = now.date()
    expired = list(
        session.scalars(
            select(Opening).where(Opening.status == "publisert", Opening.application_deadline < today)
        )
    )
    for opening in expired:
        _record_change(session, opening, None, "utløpt", "søknadsfristen gikk ut")
    session.flush()
    return expired
