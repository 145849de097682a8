"""Candidate use cases. Every read by a person is audit-logged; access is decided in the query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from candidates.models import CANDIDATE_STATUSES, Candidate
from core import audit
from core.errors import AccessDenied, Forbidden, ValidationFailed
from core.models import Office, User


def readable_candidates(actor: User) -> Select[tuple[Candidate]]:
    """Every candidate read starts here: staff see their own office's candidates, employers none by this path."""
    stmt = select(Candidate)
    if actor.role == "admin":
        return stmt
    if actor.role in ("markedskontakt", "jobbspesialist") and actor.office_id is not None:
        return stmt.where(Candidate.office_id == actor.office_id)
    return stmt.where(false())


def get_candidate(session: Session, *, actor: User, candidate_id: int, purpose: str) -> Candidate:
    candidate = session.scalar(readable_candidates(actor).where(Candidate.id == candidate_id))
    if candidate is None:
        raise AccessDenied(
            subject_type="candidate", subject_id=candidate_id, actor_id=actor.id, purpose=purpose
        )
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose=purpose,
    )
    return candidate


def list_candidates(
    session: Session, *, actor: User, limit: int = 100, offset: int = 0
) -> Sequence[Candidate]:
    stmt = readable_candidates(actor).order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
    return session.scalars(stmt.limit(limit).offset(offset)).all()


def create_candidate(
    session: Session,
    *,
    actor: User | None,
    office: Office,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None = None,
    municipality_code: str | None = None,
    status: str = "aktiv",
) -> Candidate:
    if actor is not None and actor.role != "admin" and actor.office_id != office.id:
        raise Forbidden("Du kan bare registrere kandidater ved ditt eget NAV-kontor.")
    if not (first_name or "").strip():
        raise ValidationFailed("Fornavn må fylles ut.", field="first_name")
    if not (last_name or "").strip():
        raise ValidationFailed("Etternavn må fylles ut.", field="last_name")
    if status not in CANDIDATE_STATUSES:
        raise ValidationFailed(f"Ukjent status {status!r}.", field="status")
    candidate = Candidate(
        office_id=office.id,
        responsible_user_id=actor.id if actor and actor.is_staff else None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        municipality_code=municipality_code,
        status=status,
    )
    session.add(candidate)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose="registrering",
    )
    return candidate
