"""Who may see and change employers: staff the whole registry, arbeidsgiver users their own organisations."""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from core.errors import Forbidden, NotFound
from core.models import User
from core.roles import NAV_STAFF
from employers.models import Employer, employer_users

# --- access -------------------------------------------------------------------------------------------


def is_staff(actor: User | None) -> bool:
    return actor is not None and actor.role in NAV_STAFF


def require_staff(actor: User | None) -> None:
    """`None` is the system itself (CLI, import, demo data, scheduled jobs)."""
    if actor is not None and actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan gjøre dette.")


def may_merge_or_delete(actor: User | None, employer: Employer) -> bool:
    """Merges and deletions by the office that owns (created) the record, or an admin; edits by any staff."""
    if actor is None or actor.role == "admin":
        return True
    return (
        actor.role in NAV_STAFF
        and actor.office_id is not None
        and employer.owner_office_id == actor.office_id
    )


def require_merge_or_delete(actor: User | None, employer: Employer) -> None:
    if not may_merge_or_delete(actor, employer):
        raise Forbidden(
            f"Bare kontoret som registrerte {employer.name}, eller en administrator, kan slå sammen eller slette "
            "arbeidsgiveren."
        )


def employer_ids_for(session: Session, user: User) -> list[int]:
    """The organisations an arbeidsgiver user acts for."""
    return list(
        session.scalars(select(employer_users.c.employer_id).where(employer_users.c.user_id == user.id))
    )


def readable_employers(session: Session, actor: User) -> Select[Employer]:
    """Staff see the whole registry (employers are not personal data); employer users only their own."""
    stmt = select(Employer)
    if actor.role == "arbeidsgiver":
        stmt = stmt.where(
            Employer.id.in_(select(employer_users.c.employer_id).where(employer_users.c.user_id == actor.id))
        )
    elif actor.role not in NAV_STAFF:
        stmt = stmt.where(false())
    return stmt


def get_employer(session: Session, *, actor: User | None, employer_id: int, full: bool = False) -> Employer:
    """404 for an employer the actor may not see (no existence leak); `full` loads what the detail page shows."""
    stmt = select(Employer) if actor is None else readable_employers(session, actor)
    stmt = stmt.where(Employer.id == employer_id)
    if full:
        stmt = stmt.options(
            selectinload(Employer.contact_persons),
            selectinload(Employer.contacts),
        )
    employer = session.scalar(stmt)
    if employer is None:
        raise NotFound("Fant ikke arbeidsgiveren.")
    return employer
