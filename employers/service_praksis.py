"""Praksisplasser: work-training places an employer offers, with their occupancy (free / taken / total)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from core import reference as reference_service
from core.cleaning import EVENT_DATE, Cleaner
from core.errors import Conflict, NotFound, ValidationFailed
from core.locking import check_version
from core.models import User
from employers import service_suggest
from employers.access import get_employer, readable_employers, require_staff
from employers.models import (
    INCLUSION_OPTIONS,
    PRAKSISPLASS_STATUSES,
    Employer,
    Praksisplass,
    PraksisplassOccupant,
)

__all__ = [
    "add_occupant",
    "anonymise_occupant_refs",
    "create_praksisplass",
    "end_occupant",
    "get_praksisplass",
    "list_praksisplasser",
    "matchable_praksisplasser",
    "readable_praksisplasser",
    "update_praksisplass",
]


def readable_praksisplasser(session: Session, actor: User) -> Select[Praksisplass]:
    return select(Praksisplass).where(
        Praksisplass.employer_id.in_(readable_employers(session, actor).with_only_columns(Employer.id))
    )


def _check_styrk(session: Session, c: Cleaner, field: str = "styrk_code") -> None:
    code = c.out.get(field)
    if not code:
        return
    code = code.split(".")[0]
    c.out[field] = code
    if not (code.isdigit() and len(code) == 4):
        c.error(field, "STYRK-08-koden må være fire sifre.")
    elif not reference_service.is_empty(session) and session.get(reference_service.StyrkCode, code) is None:
        c.error(field, f"Ukjent STYRK-08-kode {code}.")


def _clean(
    session: Session, data: dict[str, Any], *, partial: bool, current: Praksisplass | None = None
) -> dict[str, Any]:
    data = service_suggest.with_chosen_codes(session, data)
    c = Cleaner(data, partial=partial)
    c.optional_text("title", "Tittel", required=True)
    c.optional_text("styrk_code", "STYRK-08-kode", max_len=10)
    c.text("tasks", "Arbeidsoppgaver", max_len=20000)
    c.integer("places", "Antall plasser", minimum=1, maximum=100, default=1)
    c.date("period_start", "Periode fra", bounds=EVENT_DATE)
    c.date("period_end", "Periode til", bounds=EVENT_DATE)
    c.optional_text("supervisor", "Veileder", max_len=200)
    c.choices("adaptations", "Tilrettelegging", INCLUSION_OPTIONS)
    c.text("adaptations_note", "Om tilretteleggingen", max_len=5000)
    c.choice("status", "Status", PRAKSISPLASS_STATUSES, default="aktiv")
    _check_styrk(session, c)
    start, end = c.out.get("period_start"), c.out.get("period_end")
    if start and end and end < start:
        c.error("period_end", "Perioden kan ikke slutte før den begynner.")
    out = c.done()
    service_suggest.keep_provenance(out, data, current)
    if partial and out.get("status") is None:
        out.pop("status", None)
    return out


def _load(session: Session, actor: User | None, praksisplass_id: int) -> Praksisplass:
    stmt = select(Praksisplass) if actor is None else readable_praksisplasser(session, actor)
    place = session.scalar(
        stmt.where(Praksisplass.id == praksisplass_id).options(
            selectinload(Praksisplass.occupants), selectinload(Praksisplass.employer)
        )
    )
    if place is None:
        raise NotFound("Fant ikke praksisplassen.")
    return place


def get_praksisplass(session: Session, *, actor: User | None, praksisplass_id: int) -> Praksisplass:
    return _load(session, actor, praksisplass_id)


def create_praksisplass(
    session: Session, *, actor: User | None, employer_id: int, **fields: Any
) -> Praksisplass:
    require_staff(actor)
    employer = get_employer(session, actor=actor, employer_id=employer_id)
    place = Praksisplass(employer_id=employer.id, **_clean(session, fields, partial=False))
    session.add(place)
    session.flush()
    return _load(session, actor, place.id)


def update_praksisplass(
    session: Session, *, actor: User, praksisplass_id: int, **fields: Any
) -> Praksisplass:
    require_staff(actor)
    place = _load(session, actor, praksisplass_id)
    check_version(
        session,
        place,
        fields.pop("version", None),
        subject_type="praksisplass",
        label="Praksisplassen",
        fields=fields,
    )
    data = _clean(session, fields, partial=True, current=place)
    if "places" in data and data["places"] is not None and data["places"] < place.taken:
        raise ValidationFailed(
            f"Det er {place.taken} personer på plassen nå; antall plasser kan ikke være lavere.",
            field="places",
        )
    for key, value in data.items():
        setattr(place, key, value)
    session.flush()
    return place


def list_praksisplasser(
    session: Session, *, actor: User, employer_id: int | None = None, status: str = ""
) -> Sequence[Praksisplass]:
    stmt = readable_praksisplasser(session, actor).options(
        selectinload(Praksisplass.occupants), selectinload(Praksisplass.employer)
    )
    if employer_id is not None:
        stmt = stmt.where(Praksisplass.employer_id == employer_id)
    if status:
        stmt = stmt.where(Praksisplass.status == status)
    return session.scalars(stmt.order_by(Praksisplass.title, Praksisplass.id)).all()


def matchable_praksisplasser(session: Session) -> list[Praksisplass]:
    """For jobbforslag (a system read, no actor): active work-practice slots with a free place, employer loaded."""
    rows = session.scalars(
        select(Praksisplass)
        .where(Praksisplass.status == "aktiv")
        .options(selectinload(Praksisplass.occupants), selectinload(Praksisplass.employer))
        .order_by(Praksisplass.id)
    ).all()
    return [p for p in rows if p.free > 0]


def add_occupant(
    session: Session,
    *,
    actor: User | None,
    praksisplass_id: int,
    start_date: dt.date | str | None,
    candidate_ref: int | str | None = None,
    note: str = "",
) -> PraksisplassOccupant:
    """Someone starts on the place; refused when no place is free.

    Two people taking the last place at once: the row is locked before the free places are counted
    (PostgreSQL `SELECT … FOR UPDATE`; SQLite ignores that, but every transaction there is `BEGIN IMMEDIATE`,
    which serialises the whole read-count-insert), and the occupants are re-read after the lock is held."""
    require_staff(actor)
    _load(session, actor, praksisplass_id)  # the access check
    session.execute(select(Praksisplass.id).where(Praksisplass.id == praksisplass_id).with_for_update())
    place = session.scalar(
        select(Praksisplass)
        .where(Praksisplass.id == praksisplass_id)
        .options(selectinload(Praksisplass.occupants))
        .execution_options(populate_existing=True)
    )
    assert place is not None
    c = Cleaner({"start_date": start_date, "candidate_ref": candidate_ref, "note": note})
    c.date("start_date", "Startdato", required=True, bounds=EVENT_DATE)
    c.integer("candidate_ref", "Kandidat", minimum=1)
    c.text("note", "Merknad", max_len=300)
    data = c.done()
    if not data.get("candidate_ref") and not data.get("note"):
        raise ValidationFailed("Oppgi kandidaten eller en merknad om hvem som er på plassen.", field="note")
    if place.status != "aktiv":
        raise ValidationFailed("Praksisplassen er ikke aktiv.", field="status")
    if place.free <= 0:
        raise Conflict("Alle plassene er opptatt.", field="places")
    occupant = PraksisplassOccupant(praksisplass_id=place.id, **data)
    session.add(occupant)
    place.occupants.append(occupant)
    session.flush()
    return occupant


def end_occupant(
    session: Session, *, actor: User | None, occupant_id: int, end_date: dt.date | str | None
) -> PraksisplassOccupant:
    require_staff(actor)
    occupant = session.get(PraksisplassOccupant, occupant_id)
    if occupant is None:
        raise NotFound("Fant ikke personen på praksisplassen.")
    _load(session, actor, occupant.praksisplass_id)
    c = Cleaner({"end_date": end_date})
    c.date("end_date", "Sluttdato", required=True, bounds=EVENT_DATE)
    data = c.done()
    if data["end_date"] < occupant.start_date:
        raise ValidationFailed("Sluttdatoen kan ikke være før startdatoen.", field="end_date")
    occupant.end_date = data["end_date"]
    session.flush()
    return occupant


def anonymise_occupant_refs(session: Session, *, candidate_id: int) -> int:
    """When a candidate is erased: the occupancy rows that name them lose the reference and the free-text note
    (which may hold the name), so nothing points at the person; the place's occupancy (dates) stays correct."""
    rows = session.scalars(
        select(PraksisplassOccupant).where(PraksisplassOccupant.candidate_ref == candidate_id)
    ).all()
    for row in rows:
        row.candidate_ref = None
        row.note = "Deltaker (opplysningene er slettet)"
    session.flush()
    return len(rows)
