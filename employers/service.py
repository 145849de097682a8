"""Employer use cases. Access is decided here so pages, API, CLI and jobs obey the same rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound, ValidationFailed
from core.models import User
from employers import orgnr as orgnr_rules
from employers.models import EMPLOYER_STATUSES, Employer, employer_users


def employer_ids_for(session: Session, user: User) -> list[int]:
    """The organisations an arbeidsgiver user acts for."""
    return list(
        session.scalars(select(employer_users.c.employer_id).where(employer_users.c.user_id == user.id))
    )


def readable_employers(session: Session, actor: User) -> Select[tuple[Employer]]:
    """Staff see the whole registry (employers are not personal data); employer users only their own."""
    stmt = select(Employer)
    if actor.role == "arbeidsgiver":
        stmt = stmt.where(Employer.id.in_(employer_ids_for(session, actor)))
    return stmt


def create_employer(
    session: Session,
    *,
    actor: User | None,
    orgnr: str,
    name: str,
    municipality_code: str | None = None,
    status: str = "prospekt",
) -> Employer:
    number = orgnr_rules.normalise(orgnr)
    if (msg := orgnr_rules.orgnr_error(number)) is not None:
        raise ValidationFailed(msg, field="orgnr")
    if not (name or "").strip():
        raise ValidationFailed("Navn må fylles ut.", field="name")
    if status not in EMPLOYER_STATUSES:
        raise ValidationFailed(f"Ukjent status {status!r}.", field="status")
    if session.scalar(select(Employer.id).where(Employer.orgnr == number)):
        raise Conflict(
            f"Arbeidsgiveren med organisasjonsnummer {number} er allerede registrert.", field="orgnr"
        )
    employer = Employer(
        orgnr=number,
        name=name.strip(),
        municipality_code=municipality_code,
        status=status,
        responsible_user_id=actor.id if actor and actor.is_staff else None,
    )
    session.add(employer)
    session.flush()
    return employer


def get_by_orgnr(session: Session, orgnr: str) -> Employer:
    number = orgnr_rules.normalise(orgnr)
    if (msg := orgnr_rules.orgnr_error(number)) is not None:
        raise ValidationFailed(msg, field="employer")
    employer = session.scalar(select(Employer).where(Employer.orgnr == number))
    if employer is None:
        raise NotFound(f"Fant ingen arbeidsgiver med organisasjonsnummer {number}.")
    return employer


def bind_user(session: Session, *, user: User, employer: Employer) -> None:
    if user.role != "arbeidsgiver":
        raise ValidationFailed("Bare arbeidsgiverbrukere kan knyttes til en arbeidsgiver.", field="employer")
    if employer.id not in employer_ids_for(session, user):
        session.execute(insert(employer_users).values(employer_id=employer.id, user_id=user.id))


def employers_of(session: Session, user: User) -> Sequence[Employer]:
    return session.scalars(readable_employers(session, user).order_by(Employer.name)).all()
