"""One person's places on praksisplasser as other domains need them (the plan shows each as an ARBEIDSTRENING
card). The occupant names the person by `candidate_ref` (the candidate's id); access to the person is the caller's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from employers.models import Employer, Praksisplass, PraksisplassOccupant


@dataclass(frozen=True)
class Occupancy:
    occupant_id: int
    praksisplass_id: int
    title: str
    employer_name: str
    supervisor: str | None
    start_date: dt.date
    end_date: dt.date | None


def occupancies_of(session: Session, *, candidate_id: int) -> list[Occupancy]:
    """The person's places, oldest first."""
    rows = session.execute(
        select(PraksisplassOccupant, Praksisplass.title, Praksisplass.supervisor, Employer.name)
        .join(Praksisplass, Praksisplass.id == PraksisplassOccupant.praksisplass_id)
        .join(Employer, Employer.id == Praksisplass.employer_id)
        .where(PraksisplassOccupant.candidate_ref == candidate_id)
        .order_by(PraksisplassOccupant.start_date, PraksisplassOccupant.id)
    ).all()
    return [
        Occupancy(o.id, o.praksisplass_id, title, name, supervisor, o.start_date, o.end_date)
        for o, title, supervisor, name in rows
    ]


def employer_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Employer id → name (for display beside a person's jobs; the employer register is not personal data)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(wanted)))
    return {employer_id: name for employer_id, name in rows}
