"""The contact log: every contact with an employer, and the agreed next steps the market contact works from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Select, bindparam, case, func, select
from sqlalchemy.orm import Session, contains_eager

from core.cleaning import EVENT_DATE, Cleaner
from core.errors import NotFound
from core.models import User
from core.roles import NAV_STAFF
from employers.access import get_employer, readable_employers, require_staff
from employers.models import CONTACT_TYPES, Employer, EmployerContact, Opening, employer_users

__all__ = [
    "EmployerSinceContact",
    "NextStepLine",
    "NextStepsPanel",
    "complete_next_step",
    "contact_log",
    "delete_contact",
    "due_next_steps_by_owner",
    "get_contact",
    "log_contact",
    "next_steps",
    "next_steps_due_this_week",
    "next_steps_panels",
    "not_contacted_since",
    "opening_recipients",
    "overdue_next_steps",
    "update_contact",
    "week_bounds",
]


def _clean_contact(session: Session, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    c = Cleaner(data, partial=partial)
    c.date("date", "Dato", required=True, bounds=EVENT_DATE)
    c.choice("type", "Kontakttype", CONTACT_TYPES, required=True)
    c.text("participants", "Deltakere", max_len=2000)
    c.optional_text("summary", "Sammendrag", required=True, max_len=20000)
    c.optional_text("next_step", "Neste steg", max_len=2000)
    c.date("next_step_due", "Frist for neste steg", bounds=EVENT_DATE)
    c.integer("next_step_owner_id", "Ansvarlig for neste steg", minimum=1)
    c.flag("next_step_done")
    out = c.out
    if not partial or "next_step" in data or "next_step_due" in data:
        if (
            out.get("next_step")
            and not out.get("next_step_due")
            and "next_step_due" not in {e["field"] for e in c.errors}
        ):
            c.error("next_step_due", "Sett en frist for neste steg.")
        if out.get("next_step_due") and not out.get("next_step"):
            c.error("next_step", "Beskriv neste steg når du setter en frist.")
    if out.get("next_step_owner_id"):
        owner = session.get(User, out["next_step_owner_id"])
        if owner is None or owner.role not in NAV_STAFF:
            c.error("next_step_owner_id", "Ansvarlig for neste steg må være en NAV-ansatt.")
    return c.done()


def log_contact(session: Session, *, actor: User | None, employer_id: int, **fields: Any) -> EmployerContact:
    require_staff(actor)
    employer = get_employer(session, actor=actor, employer_id=employer_id)
    data = _clean_contact(session, fields, partial=False)
    if data.get("next_step") and not data.get("next_step_owner_id") and actor is not None:
        data["next_step_owner_id"] = actor.id
    contact = EmployerContact(employer_id=employer.id, created_by_id=actor.id if actor else None, **data)
    session.add(contact)
    session.flush()
    return contact


def get_contact(session: Session, *, actor: User, contact_id: int) -> EmployerContact:
    require_staff(actor)
    contact = session.get(EmployerContact, contact_id)
    if contact is None:
        raise NotFound("Fant ikke kontakten.")
    get_employer(session, actor=actor, employer_id=contact.employer_id)
    return contact


def update_contact(session: Session, *, actor: User, contact_id: int, **fields: Any) -> EmployerContact:
    contact = get_contact(session, actor=actor, contact_id=contact_id)
    merged = {
        "next_step": contact.next_step,
        "next_step_due": contact.next_step_due,
        **fields,
    }
    data = _clean_contact(session, merged, partial=True)
    for key, value in data.items():
        setattr(contact, key, value)
    session.flush()
    return contact


def complete_next_step(
    session: Session, *, actor: User, contact_id: int, done: bool = True
) -> EmployerContact:
    contact = get_contact(session, actor=actor, contact_id=contact_id)
    contact.next_step_done = done
    session.flush()
    return contact


def delete_contact(session: Session, *, actor: User, contact_id: int) -> None:
    session.delete(get_contact(session, actor=actor, contact_id=contact_id))
    session.flush()


def contact_log(
    session: Session, *, actor: User, employer_id: int, contact_type: str = "", limit: int = 200
) -> Sequence[EmployerContact]:
    require_staff(actor)
    get_employer(session, actor=actor, employer_id=employer_id)
    stmt = select(EmployerContact).where(EmployerContact.employer_id == employer_id)
    if contact_type:
        stmt = stmt.where(EmployerContact.type == contact_type)
    return session.scalars(
        stmt.order_by(EmployerContact.date.desc(), EmployerContact.id.desc()).limit(limit)
    ).all()


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


NEXT_STEPS_LIMIT = 200  # the longest list `next_steps` gives (and so the largest count a panel of it shows)


def _open_steps(session: Session, actor: User) -> Select[EmployerContact]:
    return (
        select(EmployerContact)
        .join(EmployerContact.employer)
        .options(contains_eager(EmployerContact.employer))
        .where(
            EmployerContact.employer_id.in_(
                readable_employers(session, actor).with_only_columns(Employer.id)
            ),
            EmployerContact.next_step.is_not(None),
            EmployerContact.next_step_due.is_not(None),
            EmployerContact.next_step_done.is_(False),
        )
    )


def next_steps(
    session: Session,
    *,
    actor: User,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    owner_id: int | None = None,
    employer_id: int | None = None,
    sort: str = "frist",
    limit: int = NEXT_STEPS_LIMIT,
) -> Sequence[EmployerContact]:
    """Open next steps (not done), filtered by due date, owner and employer; sorted by due date or employer."""
    require_staff(actor)
    stmt = _open_steps(session, actor)
    if due_from is not None:
        stmt = stmt.where(EmployerContact.next_step_due >= due_from)
    if due_to is not None:
        stmt = stmt.where(EmployerContact.next_step_due <= due_to)
    if owner_id is not None:
        stmt = stmt.where(EmployerContact.next_step_owner_id == owner_id)
    if employer_id is not None:
        stmt = stmt.where(EmployerContact.employer_id == employer_id)
    order = (
        (Employer.name, EmployerContact.next_step_due)
        if sort == "arbeidsgiver"
        else (EmployerContact.next_step_due, Employer.name)
    )
    return session.scalars(stmt.order_by(*order, EmployerContact.id).limit(limit)).unique().all()


def next_steps_due_this_week(
    session: Session, *, actor: User, today: dt.date, owner_id: int | None = None
) -> Sequence[EmployerContact]:
    """Due from today to Sunday (what is already late is in `overdue_next_steps`)."""
    _monday, sunday = week_bounds(today)
    return next_steps(session, actor=actor, due_from=today, due_to=sunday, owner_id=owner_id)


def overdue_next_steps(
    session: Session, *, actor: User, today: dt.date, owner_id: int | None = None
) -> Sequence[EmployerContact]:
    return next_steps(session, actor=actor, due_to=today - dt.timedelta(days=1), owner_id=owner_id)


@dataclass(frozen=True)
class NextStepLine:
    employer_id: int
    employer_name: str
    next_step: str
    next_step_due: dt.date


@dataclass(frozen=True)
class NextStepsPanel:
    count: int
    items: list[NextStepLine]


# Both panels in one query, built once: the open steps of one owner due by Sunday, split at today into «overdue»
# and «week», each with its size and its first rows in `next_steps` order. Staff read the whole registry
# (readable_employers), and only staff get here, so no employer filter is needed.
_TODAY = bindparam("today", type_=Date)
_BUCKET = case((EmployerContact.next_step_due < _TODAY, "overdue"), else_="week")
_PANEL_ROWS = (
    select(
        _BUCKET.label("bucket"),
        EmployerContact.employer_id,
        Employer.name,
        EmployerContact.next_step,
        EmployerContact.next_step_due,
        func.count().over(partition_by=_BUCKET).label("total"),
        func.row_number()
        .over(
            partition_by=_BUCKET,
            order_by=(EmployerContact.next_step_due, Employer.name, EmployerContact.id),
        )
        .label("position"),
    )
    .join(Employer, Employer.id == EmployerContact.employer_id)
    .where(
        EmployerContact.next_step.is_not(None),
        EmployerContact.next_step_due.is_not(None),
        EmployerContact.next_step_done.is_(False),
        EmployerContact.next_step_due <= bindparam("sunday", type_=Date),
        EmployerContact.next_step_owner_id == bindparam("owner_id"),
    )
    .subquery()
)
_PANELS = (
    select(
        _PANEL_ROWS.c.bucket,
        _PANEL_ROWS.c.employer_id,
        _PANEL_ROWS.c.name,
        _PANEL_ROWS.c.next_step,
        _PANEL_ROWS.c.next_step_due,
        _PANEL_ROWS.c.total,
    )
    .where(_PANEL_ROWS.c.position <= bindparam("limit"))
    .order_by(_PANEL_ROWS.c.bucket, _PANEL_ROWS.c.position)
)


def next_steps_panels(
    session: Session, *, actor: User, today: dt.date, owner_id: int, limit: int = 5
) -> dict[str, NextStepsPanel]:
    """The dashboard's «Neste steg denne uken» (`next_steps_due_this_week`) and «Forfalte neste steg»
    (`overdue_next_steps`) for one owner: the count of each list and its first `limit` steps. One query of plain
    rows, since the panels show only these; a count is capped as the list is (NEXT_STEPS_LIMIT)."""
    require_staff(actor)
    _monday, sunday = week_bounds(today)
    params = {"today": today, "sunday": sunday, "owner_id": owner_id, "limit": limit}
    found: dict[str, tuple[int, list[NextStepLine]]] = {}
    # bucket, employer id and name, the step, its due date, the bucket's total
    panel_rows: Sequence[tuple[str, int, str, str, dt.date, int]] = session.execute(_PANELS, params).all()
    for bucket, employer_id, name, step, due, total in panel_rows:
        _count, items = found.setdefault(bucket, (min(total, NEXT_STEPS_LIMIT), []))
        items.append(NextStepLine(employer_id, name, step, due))
    return {bucket: NextStepsPanel(*found.get(bucket, (0, []))) for bucket in ("week", "overdue")}


@dataclass(frozen=True)
class EmployerSinceContact:
    employer: Employer
    last_contact: dt.date | None


def not_contacted_since(
    session: Session,
    *,
    actor: User,
    days: int,
    today: dt.date,
    mine: bool = False,
    status: str = "",
    limit: int = 200,
) -> list[EmployerSinceContact]:
    """Employers with no contact in the last `days` days (or never), the longest-silent first."""
    require_staff(actor)
    last = (
        select(EmployerContact.employer_id, func.max(EmployerContact.date).label("last_contact"))
        .group_by(EmployerContact.employer_id)
        .subquery()
    )
    cutoff = today - dt.timedelta(days=days)
    stmt = (
        readable_employers(session, actor)
        .outerjoin(last, last.c.employer_id == Employer.id)
        .add_columns(last.c.last_contact)
        .where((last.c.last_contact.is_(None)) | (last.c.last_contact < cutoff))
    )
    if mine:
        stmt = stmt.where(Employer.responsible_user_id == actor.id)
    if status:
        stmt = stmt.where(Employer.status == status)
    stmt = stmt.order_by(last.c.last_contact.is_(None).desc(), last.c.last_contact, Employer.name)
    return [EmployerSinceContact(r[0], r[1]) for r in session.execute(stmt.limit(limit)).all()]


def due_next_steps_by_owner(
    session: Session, *, today: dt.date
) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """System read for the scheduler (no actor): open next steps due today or overdue, per owner
    (the step's owner, else the employer's market contact): {user_id: {"overdue": [...], "due_today": [...]}}."""
    rows = session.execute(
        select(EmployerContact, Employer.name, Employer.responsible_user_id)
        .join(Employer, Employer.id == EmployerContact.employer_id)
        .where(
            EmployerContact.next_step.is_not(None),
            EmployerContact.next_step_due.is_not(None),
            EmployerContact.next_step_done.is_(False),
            EmployerContact.next_step_due <= today,
        )
        .order_by(EmployerContact.next_step_due, EmployerContact.id)
    ).all()
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for contact, employer_name, market_contact_id in rows:
        owner = contact.next_step_owner_id or market_contact_id
        if owner is None:
            continue
        assert contact.next_step_due is not None
        bucket = "due_today" if contact.next_step_due == today else "overdue"
        out.setdefault(owner, {"overdue": [], "due_today": []})[bucket].append(
            {
                "contact_id": contact.id,
                "employer_id": contact.employer_id,
                "employer_name": employer_name,
                "next_step": contact.next_step,
                "due_date": contact.next_step_due.isoformat(),
                "days_overdue": (today - contact.next_step_due).days,
            }
        )
    return out


def opening_recipients(session: Session, opening_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """System read for the scheduler: per opening its title, employer, the employer's market contact and the
    employer's own users (who are told when the opening expires)."""
    ids = list(opening_ids)
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 2000):
        part = ids[start : start + 2000]
        rows = session.execute(
            select(Opening.id, Opening.title, Employer.id, Employer.name, Employer.responsible_user_id)
            .join(Employer, Employer.id == Opening.employer_id)
            .where(Opening.id.in_(part))
        ).all()
        for oid, title, eid, ename, market_contact in rows:
            out[oid] = {
                "title": title,
                "employer_id": eid,
                "employer_name": ename,
                "market_contact_id": market_contact,
                "employer_user_ids": [],
            }
        employer_ids = {v["employer_id"] for v in out.values()}
        if employer_ids:
            users: Sequence[tuple[int, int]] = session.execute(  # (employer, user)
                select(employer_users.c.employer_id, employer_users.c.user_id)
                .join(User, User.id == employer_users.c.user_id)
                .where(employer_users.c.employer_id.in_(employer_ids), User.is_active.is_(True))
            ).all()
            by_employer: dict[int, list[int]] = {}
            for eid, uid in users:
                by_employer.setdefault(eid, []).append(uid)
            for oid in part:
                if oid in out:
                    out[oid]["employer_user_ids"] = sorted(by_employer.get(out[oid]["employer_id"], []))
    return out
