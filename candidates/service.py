"""Candidate use cases: the record, access, search, derived facts (age, under 30, work capacity) and the rows the
matching pool reads. The CV, jobbprofil and restricted situation are in `service_profile`, consent, the employer
view, export and erasure in `service_privacy`, name search in `service_suggest`, the access rules in `access` and
the derived facts in `derived`: callers import the module they use.

Every read by a person is audit-logged with its purpose; access is decided in the query (`readable_candidates`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Date, Integer, Row, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, load_only

from candidates.access import (
    FULL_LOAD,
    READABLE,
    access_params,
    load_for_change,
    may_search_restricted,
    readable_candidates,
    record_change,
)
from candidates.derived import (
    OVERRIDE_SQL,
    REASON_SQL,
    Capacity,
    capacity_from,
    capacity_sql,
    thirty_years_before,
    uforegrad_sql,
)
from candidates.models import CANDIDATE_STATUSES, Candidate, PersonFacts, Situation
from core import accounts, audit
from core import reference as reference_service
from core.cleaning import BIRTH_DATE, RETENTION_DATE, Cleaner
from core.errors import Forbidden, ValidationFailed
from core.formatting import today_in_oslo
from core.locking import check_version
from core.models import ChangeMark, Office, User, change_mark, changed_since, hold_rows
from core.reference import Municipality
from core.roles import NAV_STAFF, OFFICE_STAFF

RETENTION_DAYS = 2 * 365  # after the follow-up ends (status "avsluttet") unless set by hand


MATCHING_LOAD = FULL_LOAD[2:-1]  # the profile only: not office, responsible user or consents


def matching_rows(
    session: Session,
    *,
    ids: Sequence[int] | None = None,
    chunk: int = 2000,
    active_only: bool = True,
) -> list[Candidate]:
    """For the matching pool (a system read, no actor, not a person's look-up): active candidates with what their
    matching profile reads (`recruitment.adapters.candidate_profile`), loaded in chunks so 20 000 candidates do not
    become one giant IN list."""
    stmt = select(Candidate.id).order_by(Candidate.id)
    if active_only:
        stmt = stmt.where(Candidate.status == "aktiv")
    if ids is not None:
        stmt = stmt.where(Candidate.id.in_(list(ids)))
    all_ids = list(session.scalars(stmt))
    out: list[Candidate] = []
    for start in range(0, len(all_ids), chunk):
        part = all_ids[start : start + chunk]
        out.extend(
            session.scalars(
                select(Candidate).where(Candidate.id.in_(part)).options(*MATCHING_LOAD).order_by(Candidate.id)
            ).all()
        )
    return out


def candidate_change_mark(session: Session) -> ChangeMark:
    """The candidates' change mark (for caches of the matching index)."""
    return change_mark(session, Candidate)


def candidates_changed_since(session: Session, since: dt.datetime | None, limit: int) -> list[int]:
    return changed_since(session, Candidate, since, limit)


def hold_candidates(session: Session, candidate_ids: Sequence[int]) -> set[int]:
    """The candidates among these that still exist, kept from deletion until the transaction ends (for a writer
    that stores their ids: `core.models.hold_rows`)."""
    return hold_rows(session, Candidate, candidate_ids)


def candidate_row_ids(session: Session) -> set[int]:
    """Every candidate id there is (a cache checks what it holds against it after rows went)."""
    return set(session.scalars(select(Candidate.id)))


# --- search ---------------------------------------------------------------------------------------------


def search_statement(
    actor: User | None,
    *,
    q: str = "",
    status: str = "",
    under_30: bool = False,
    reduced_capacity: bool = False,
    innsatsgruppe: str = "",
    today: dt.date | None = None,
) -> Select[Candidate]:
    _check_filters(actor, reduced_capacity=reduced_capacity, innsatsgruppe=innsatsgruppe)
    return _filtered(
        readable_candidates(actor),
        q=q,
        status=status,
        under_30=under_30,
        reduced_capacity=reduced_capacity,
        innsatsgruppe=innsatsgruppe,
        today=today or today_in_oslo(),
    )


def _check_filters(actor: User | None, *, reduced_capacity: Any, innsatsgruppe: Any) -> None:
    """A filter on a restricted field tells who has it: refused (403) for all but follow-up caseworkers."""
    if (reduced_capacity or innsatsgruppe) and not may_search_restricted(actor):
        raise Forbidden("Bare veiledere i oppfølgingsrolle kan søke på arbeidsevne og innsatsgruppe.")


def _filtered(
    stmt: Select[Any],
    *,
    q: str,
    status: str,
    under_30: bool,
    reduced_capacity: bool,
    innsatsgruppe: str,
    today: dt.date,
) -> Select[Any]:
    """The list's filters on a statement over candidates (the same for the search and the list page)."""
    words = (q or "").strip().split()
    for word in words[:5]:
        like = f"%{word.lower()}%"
        stmt = stmt.where(
            or_(func.lower(Candidate.first_name).like(like), func.lower(Candidate.last_name).like(like))
        )
    if status:
        stmt = stmt.where(Candidate.status == status)
    if under_30:
        stmt = stmt.where(Candidate.birth_date > thirty_years_before(today))
    if reduced_capacity:
        stmt = stmt.where(capacity_sql(today) < 100)
    if innsatsgruppe:
        stmt = stmt.where(
            exists(
                select(Situation.id).where(
                    Situation.candidate_id == Candidate.id, Situation.innsatsgruppe == innsatsgruppe
                )
            )
        )
    return stmt


FILTER_LABELS = {
    "q": "navnesøk",
    "status": "status",
    "under_30": "under 30 år",
    "reduced_capacity": "redusert arbeidsevne",
    "innsatsgruppe": "innsatsgruppe",
}


def list_purpose(what: str, filters: dict[str, Any]) -> str:
    """The audit purpose of a list read, naming the filters (never the searched name itself)."""
    parts = []
    for name, label in FILTER_LABELS.items():
        value = filters.get(name)
        if not value:
            continue
        parts.append(label if isinstance(value, bool) or name == "q" else f"{label} {value}")
    return f"{what} (filter: {', '.join(parts)})" if parts else what


def list_candidates(
    session: Session,
    *,
    actor: User,
    limit: int = 100,
    offset: int = 0,
    purpose: str = "kandidatvalg",
    **filters: Any,
) -> Sequence[Candidate]:
    """A list of names; filters: q, status, under_30, reduced_capacity, innsatsgruppe. Each person returned is
    audit-logged (one batched insert), with `purpose` and the filters.

    Only the list's columns are loaded (work capacity for the rows: `capacities`): lists are the most requested
    pages, and building full ORM rows with their relations and JSON columns was most of their cost."""
    stmt = search_statement(actor, **filters).order_by(
        Candidate.last_name, Candidate.first_name, Candidate.id
    )
    rows = session.scalars(stmt.options(load_only(*LIST_COLUMNS)).limit(limit).offset(offset)).all()
    if actor is not None:
        audit.record_many(
            session,
            actor=actor,
            subject_type="candidate",
            subject_ids=[c.id for c in rows],
            purpose=list_purpose(purpose, filters),
        )
    return rows


@dataclass(frozen=True)
class CandidateRow(PersonFacts):
    """One line of the candidate list: what the list shows, read as plain columns (no ORM row per candidate)."""

    id: int
    office_id: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    municipality_code: str | None
    municipality_name: str | None
    status: str
    capacity: (
        Capacity | None
    )  # None for a reader without need-to-know (candidates.access.may_read_restricted)


# The list's derived columns, for the rows of one page (built once; `today` is bound).
_TODAY = bindparam("today", type_=Date)
_OVERRIDE, _REASON, _GRADE = OVERRIDE_SQL, REASON_SQL, uforegrad_sql(_TODAY)
_ORDER = (Candidate.last_name, Candidate.first_name, Candidate.id)


# A list line's columns: id, office, first and last name, birth date, municipality code and name (an outer join:
# None for a code not in the register), status, capacity override, its reason, uføregrad, and the window total.
_ListColumns = tuple[
    int, int, str, str, dt.date | None, str | None, str | None, str, int | None, str | None, int | None, int
]


def _list_statement(today: dt.date, **filters: Any) -> Select[*_ListColumns]:
    """The list's statement; access (`access_params`), `today`, `limit` and `offset` are bound at execution."""
    page = (
        _filtered(select(Candidate).where(READABLE), today=today, **filters)
        .with_only_columns(Candidate.id, func.count().over().label("total"))
        .order_by(*_ORDER)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery()
    )
    # A cast: SQLAlchemy types Municipality.name as its column's `str`, not knowing the outer join makes it nullable.
    return cast(
        "Select[*_ListColumns]",
        select(
            Candidate.id,
            Candidate.office_id,
            Candidate.first_name,
            Candidate.last_name,
            Candidate.birth_date,
            Candidate.municipality_code,
            Municipality.name,
            Candidate.status,
            _OVERRIDE,
            _REASON,
            _GRADE,
            page.c.total,
        )
        .join(page, page.c.id == Candidate.id)
        .outerjoin(Municipality, Municipality.code == Candidate.municipality_code)
        .order_by(*_ORDER),
    )


_NO_FILTERS: dict[str, Any] = {
    "q": "",
    "status": "",
    "under_30": False,
    "reduced_capacity": False,
    "innsatsgruppe": "",
}
# The unfiltered list, the one asked for most (the list page and the API as they open): built once; a filtered
# list is built per request (a name search puts its words in the statement). No filter reads the date given here;
# the columns bind `today`.
_PLAIN_LIST = _list_statement(dt.date.min, **_NO_FILTERS)


def list_page(
    session: Session,
    *,
    actor: User,
    limit: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
    **filters: Any,
) -> tuple[list[CandidateRow], int]:
    """The list (page and API) in one query: the rows with work capacity and municipality name, and the total (a
    window count); each person returned is audit-logged. Lists are the most requested reads; one query instead of
    four halves their cost.

    The page is chosen first (ids and the total only) and the derived columns are read for its rows alone: with
    them beside the window count, the database worked them out for every candidate of the office."""
    today = today or today_in_oslo()
    if unknown := set(filters) - set(_NO_FILTERS):
        raise TypeError(f"unknown filters {sorted(unknown)}")
    _check_filters(
        actor, reduced_capacity=filters.get("reduced_capacity"), innsatsgruppe=filters.get("innsatsgruppe")
    )
    show_capacity = may_search_restricted(actor)
    chosen = {
        "q": str(filters.get("q") or ""),
        "status": str(filters.get("status") or ""),
        "under_30": bool(filters.get("under_30")),
        "reduced_capacity": bool(filters.get("reduced_capacity")),
        "innsatsgruppe": str(filters.get("innsatsgruppe") or ""),
    }
    stmt = _PLAIN_LIST if chosen == _NO_FILTERS else _list_statement(today, **chosen)
    params = {**access_params(actor), "today": today, "limit": limit, "offset": offset}
    rows = session.execute(stmt, params).all()
    if not rows:
        total = count_candidates(session, actor=actor, today=today, **filters) if offset else 0
        return [], total
    out = [
        CandidateRow(
            cid,
            office,
            first,
            last,
            birth,
            muni,
            muni_name,
            status,
            capacity_from(pct, why, g) if show_capacity else None,
        )
        for cid, office, first, last, birth, muni, muni_name, status, pct, why, g, _ in rows
    ]
    # Every person on the page is named in the audit log (one batched insert), so a person's history is complete.
    audit.record_many(
        session,
        actor=actor,
        subject_type="candidate",
        subject_ids=[row.id for row in out],
        purpose=list_purpose("kandidatliste", filters),
    )
    return out, rows[0][-1]


LIST_COLUMNS = (
    Candidate.office_id,
    Candidate.responsible_user_id,
    Candidate.first_name,
    Candidate.last_name,
    Candidate.birth_date,
    Candidate.municipality_code,
    Candidate.status,
    Candidate.version,
)


def people_for_audit_search(
    session: Session, *, actor: User, text: str, limit: int = 20
) -> list[tuple[int, str]]:
    """The people an admin's search of the audit log means: by candidate number, or by name across all offices
    (the log covers every office). Only names are read, and each person found is itself audit-logged. An erased
    candidate is found by number only (their name is gone; their history in the log is not)."""
    if actor.role != "admin":
        raise Forbidden("Bare administrator kan søke i revisjonsloggen.")
    text = (text or "").strip()
    if not text:
        return []
    stmt = select(Candidate.id, Candidate.first_name, Candidate.last_name)
    if text.isdigit():
        if int(text) > 2**31 - 1:
            return []
        found = [(int(text), "")]
        row = session.execute(stmt.where(Candidate.id == int(text))).first()
        if row is not None:
            found = [(row[0], f"{row[1]} {row[2]}")]
    else:
        for word in text.split()[:5]:
            like = f"%{word.lower()}%"
            stmt = stmt.where(
                or_(func.lower(Candidate.first_name).like(like), func.lower(Candidate.last_name).like(like))
            )
        rows = session.execute(stmt.order_by(*_ORDER).limit(limit)).all()
        found = [(cid, f"{first} {last}") for cid, first, last in rows]
    named = [cid for cid, name in found if name]
    audit.record_many(
        session,
        actor=actor,
        subject_type="candidate",
        subject_ids=named,
        purpose="revisjon: søk i revisjonsloggen etter person",
    )
    return found


def count_candidates(session: Session, *, actor: User, **filters: Any) -> int:
    sub = search_statement(actor, **filters).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


# --- the record -----------------------------------------------------------------------------------------


def _clean_record(
    session: Session, data: dict[str, Any], *, partial: bool, current: Candidate | None = None
) -> dict[str, Any]:
    c = Cleaner(data, partial=partial)
    c.text("first_name", "Fornavn", required=True, max_len=100)
    c.text("last_name", "Etternavn", required=True, max_len=100)
    c.date("birth_date", "Fødselsdato", bounds=BIRTH_DATE, unchanged=current.birth_date if current else None)
    c.email("email")
    c.phone("phone")
    c.optional_text("address", "Adresse", max_len=200)
    c.code4("postal_code", "Postnummer")
    c.code4("municipality_code", "Kommunenummer")
    c.choice("status", "Status", CANDIDATE_STATUSES, default="aktiv")
    c.date(
        "retention_date",
        "Slettedato",
        bounds=RETENTION_DATE,
        unchanged=current.retention_date if current else None,
    )
    c.text("summary", "Sammendrag", max_len=5000)
    c.integer("responsible_user_id", "Ansvarlig", minimum=1)
    out = c.done()
    if out.get("postal_code"):
        # postal code → municipality through the reference register (when one is loaded)
        pc = reference_service.postal_code(session, out["postal_code"])
        if pc is not None:
            out["municipality_code"] = pc.municipality_code
        elif session.scalar(select(reference_service.PostalCode.code).limit(1)) is not None:
            raise ValidationFailed(f"Ukjent postnummer {out['postal_code']}.", field="postal_code")
    elif out.get("municipality_code"):  # an older code of the municipality (0502) is stored as today's (3407)
        out["municipality_code"] = reference_service.clean_municipality_code(
            session, out["municipality_code"], field="municipality_code"
        )
    return out


def _check_responsible(session: Session, user_id: int | None, office_id: int) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or user.role not in NAV_STAFF or (user.role != "admin" and user.office_id != office_id):
        raise ValidationFailed(
            "Ansvarlig må være en veileder eller jobbspesialist ved kandidatens kontor.",
            field="responsible_user_id",
        )


def office_for_new(
    session: Session,
    *,
    actor: User | None,
    office_id: int | str | None = None,
    office_number: str | None = None,
) -> Office:
    """Where a new candidate belongs, decided here for the page (`office_id`, the admin's choice), the API
    (`office_number`, an enhetsnummer) and anyone else: the chosen office, or else the actor's own. The error
    names the field the caller offered (the page's `office_id`, otherwise `office`)."""
    if office_number:
        return accounts.get_office_by_number(session, office_number)
    chosen = str(office_id or "").strip()
    if chosen:
        office = session.get(Office, int(chosen)) if chosen.isdigit() else None
        if office is None:
            raise ValidationFailed("Velg NAV-kontoret kandidaten hører til.", field="office_id")
        return office
    if actor is not None and actor.office is not None:
        return actor.office
    if office_id is not None:
        raise ValidationFailed("Velg NAV-kontoret kandidaten hører til.", field="office_id")
    raise ValidationFailed("Oppgi kontoret (enhetsnummer).", field="office")


def create_candidate(
    session: Session,
    *,
    actor: User | None,
    office: Office | None = None,
    office_id: int | str | None = None,
    office_number: str | None = None,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None = None,
    municipality_code: str | None = None,
    status: str = "aktiv",
    **fields: Any,
) -> Candidate:
    """A new candidate in `office`, or the office `office_for_new` decides."""
    if actor is not None and actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan registrere kandidater.")
    if office is None:
        office = office_for_new(session, actor=actor, office_id=office_id, office_number=office_number)
    if actor is not None and actor.role != "admin" and actor.office_id != office.id:
        raise Forbidden("Du kan bare registrere kandidater ved ditt eget NAV-kontor.")
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": birth_date,
        "municipality_code": municipality_code,
        "status": status,
        **fields,
    }
    out = _clean_record(session, data, partial=False)
    if out.get("responsible_user_id") is None:
        out["responsible_user_id"] = actor.id if actor and actor.is_office_staff else None
    _check_responsible(session, out["responsible_user_id"], office.id)
    candidate = Candidate(office_id=office.id, **out)
    if candidate.status == "avsluttet" and candidate.retention_date is None:
        candidate.retention_date = today_in_oslo() + dt.timedelta(days=RETENTION_DAYS)
    session.add(candidate)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="registrering", action="create")
    return candidate


def update_candidate(session: Session, *, actor: User | None, candidate_id: int, **fields: Any) -> Candidate:
    """Partial update. Ending the follow-up (status "avsluttet") sets the retention date unless one is given;
    `version` (from the form) refuses a save based on a stale read (core.locking)."""
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="endre kandidat")
    check_version(
        session,
        candidate,
        fields.pop("version", None),
        subject_type="candidate",
        label="Kandidaten",
        fields=fields,
    )
    out = _clean_record(session, fields, partial=True, current=candidate)
    if "responsible_user_id" in out:
        _check_responsible(session, out["responsible_user_id"], candidate.office_id)
    ending = out.get("status") == "avsluttet" and candidate.status != "avsluttet"
    for key, value in out.items():
        setattr(candidate, key, value)
    if ending and "retention_date" not in fields and candidate.retention_date is None:
        candidate.retention_date = today_in_oslo() + dt.timedelta(days=RETENTION_DAYS)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret personalia")
    return candidate


def follow_up_ended(session: Session, *, candidate_id: int, ended_on: dt.date) -> dt.date | None:
    """The follow-up's last record ended: the retention clock starts (unless a date was set by hand), so the
    nightly retention job erases the candidate when it has run out. Returns the retention date."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    if candidate.retention_date is None:
        candidate.retention_date = ended_on + dt.timedelta(days=RETENTION_DAYS)
        session.flush()
    return candidate.retention_date


# Built once: the record page asks on every view, and a reused statement keeps its cache key.
_STAFF_OF_OFFICE = (
    select(User.id, User.name)
    .where(User.office_id == bindparam("office_id"), User.role.in_(OFFICE_STAFF))
    .where(User.is_active.is_(True))
    .order_by(User.name)
)


def staff_of_office(session: Session, office_id: int) -> Sequence[Row[int, str]]:
    """(id, name) rows for the «Ansvarlig» choice: plain rows, as the record page asks on every view."""
    return session.execute(_STAFF_OF_OFFICE, {"office_id": office_id}).all()


def responsible_users(session: Session, candidate_ids: Sequence[int]) -> dict[int, int | None]:
    """System read for the scheduler (no actor, no record contents): candidate id → responsible user id."""
    out: dict[int, int | None] = {}
    ids = list(candidate_ids)
    for start in range(0, len(ids), 2000):
        part = ids[start : start + 2000]
        rows = session.execute(
            select(Candidate.id, Candidate.responsible_user_id).where(Candidate.id.in_(part))
        ).all()
        out.update((cid, uid) for cid, uid in rows)  # a Result has .keys(): dict.update would misread it
    return out


def names_for_reader(session: Session, *, reader: User, candidate_ids: Sequence[int]) -> dict[int, str]:
    """Candidate id → full name, only for the candidates `reader` may open (the same rule as every read): a
    notification names the people its reader may see, and only those."""
    ids = sorted(set(candidate_ids))
    out: dict[int, str] = {}
    base = readable_candidates(reader).with_only_columns(
        Candidate.id, Candidate.first_name, Candidate.last_name
    )
    for start in range(0, len(ids), 2000):
        part = ids[start : start + 2000]
        for cid, first, last in session.execute(base.where(Candidate.id.in_(part))):
            out[cid] = f"{first} {last}"
    return out
