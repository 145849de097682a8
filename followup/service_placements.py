"""Placements: job starts, changes in percent/hours, job endings, and retention derived from the dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.cleaning import bounded_text
from core.errors import NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.models import User
from employers import access as employers_access
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from followup import service_plan as plan
from followup import service_records as records
from followup.dates import add_months
from followup.models import (
    PLACEMENT_END_REASONS,
    PLACEMENT_TYPES,
    WAGE_TYPES,
    FollowupRecord,
    PhaseEntry,
    Placement,
    PlacementChange,
)

RETENTION_MONTHS = (1, 3, 6, 12)


def _check_terms(percent: Any, hours: Any) -> tuple[int, float]:
    try:
        percent_i = int(percent)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Stillingsprosenten må være et helt tall fra 1 til 100.", field="percent"
        ) from None
    if not 1 <= percent_i <= 100:
        raise ValidationFailed("Stillingsprosenten må være et helt tall fra 1 til 100.", field="percent")
    if hours in (None, ""):
        hours_f = round(37.5 * percent_i / 100, 1)
    else:
        try:
            hours_f = float(str(hours).replace(",", "."))
        except ValueError:
            raise ValidationFailed("Timer per uke må være et tall.", field="hours_per_week") from None
        if not 0 < hours_f <= 75:
            raise ValidationFailed("Timer per uke må være mellom 0 og 75.", field="hours_per_week")
    return percent_i, hours_f


def _check_source(
    session: Session, employer_id: int | None, opening_id: int | None, praksisplass_id: int | None
) -> None:
    """The opening or praksisplass a job came from must exist and belong to the same employer."""

    def opening_employer(i: int) -> int:
        return employers_openings.get_opening(session, actor=None, opening_id=i).employer_id

    def praksisplass_employer(i: int) -> int:
        return employers_praksis.get_praksisplass(session, actor=None, praksisplass_id=i).employer_id

    sources: tuple[tuple[str, int | None, Callable[[int], int]], ...] = (
        ("opening_id", opening_id, opening_employer),
        ("praksisplass_id", praksisplass_id, praksisplass_employer),
    )
    for field, value, employer_of in sources:
        if value is None:
            continue
        try:
            owner = employer_of(value)
        except NotFound as exc:
            raise ValidationFailed("Fant ikke stillingen eller praksisplassen.", field=field) from exc
        if employer_id is not None and owner != employer_id:
            raise ValidationFailed("Den hører til en annen arbeidsgiver.", field=field)


def start_placement(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    type: str,
    start_date: dt.date | None,
    percent: Any,
    hours_per_week: Any = None,
    employer_id: int | None = None,
    title: str = "",
    styrk_code: str | None = None,
    wage_type: str = "timelonn",
    contact_person: str = "",
    opening_id: int | None = None,
    praksisplass_id: int | None = None,
    today: dt.date | None = None,
) -> Placement:
    """Registers a job (or education) start: status «i jobb», phase 5 and the job-start plan follow."""
    records._check_writer(actor)
    records.check_open(record)
    today = today or today_in_oslo()
    if type not in PLACEMENT_TYPES:
        raise ValidationFailed("Velg type arbeidsforhold.", field="type")
    if start_date is None:
        raise ValidationFailed("Startdato må fylles ut (ÅÅÅÅ-MM-DD).", field="start_date")
    if start_date < record.start_date - dt.timedelta(days=30):
        raise ValidationFailed("Jobbstarten kan ikke være lenge før jobbsporet startet.", field="start_date")
    if start_date > today + dt.timedelta(days=180):
        raise ValidationFailed("Jobbstarten er mer enn et halvt år fram i tid.", field="start_date")
    percent_i, hours_f = _check_terms(percent, hours_per_week)
    if wage_type not in WAGE_TYPES:
        raise ValidationFailed("Velg lønnsform.", field="wage_type")
    if type != "utdanning":
        if employer_id is None:
            raise ValidationFailed("Velg arbeidsgiver.", field="employer_id")
        if (
            session.scalar(employers_access.readable_employers(session, actor).filter_by(id=employer_id))
            is None
        ):
            raise ValidationFailed("Fant ikke arbeidsgiveren.", field="employer_id")
    _check_source(session, employer_id, opening_id, praksisplass_id)
    placement = Placement(
        record_id=record.id,
        candidate_id=record.candidate_id,
        employer_id=employer_id,
        opening_id=opening_id,
        praksisplass_id=praksisplass_id,
        specialist_id=record.specialist_id,
        type=type,
        title=bounded_text(title, field="title", label="Stillingstittel", max_len=200),
        styrk_code=(styrk_code or None),
        start_date=start_date,
        percent=percent_i,
        hours_per_week=hours_f,
        wage_type=wage_type,
        contact_person=bounded_text(
            contact_person, field="contact_person", label="Kontaktperson hos arbeidsgiver", max_len=300
        ),
        changes=[],
    )
    session.add(placement)
    record.placements.append(placement)
    session.flush()
    if records.current_phase(record) != 5:  # phase 5 and its status («I jobb» / «I utdanning») in one step
        entry = PhaseEntry(
            record_id=record.id,
            phase=5,
            entered_on=max(start_date, record.start_date, *(p.entered_on for p in record.phases)),
            note="Jobbstart",
        )
        session.add(entry)
        record.phases.append(entry)
    records.follow_phase(record, today)
    plan.generate_job_start_plan(session, record, placement, today)
    audit.record(
        session,
        actor=actor,
        action="create",
        subject_type="followup_placement",
        subject_id=placement.id,
        purpose="jobbstart",
    )
    return placement


def start_placement_from(
    session: Session, *, actor: User, data: dict[str, Any], today: dt.date | None = None
) -> Placement:
    """Starts a placement from a candidate-list entry with outcome FATT_JOBBEN, carrying its data over.

    `data` is the entry as a plain dict: candidate_id, employer_id, opening_id, praksisplass_id, title,
    styrk_code, percent, hours_per_week, start_date (date or ISO string), type (default «ordinaer»), outcome."""
    outcome = str(data.get("outcome", "FATT_JOBBEN")).upper()
    if outcome != "FATT_JOBBEN":
        raise ValidationFailed(
            "Bare et treff med utfallet «Fått jobben» kan bli et arbeidsforhold.", field="outcome"
        )
    candidate_id = data.get("candidate_id")
    if candidate_id is None:
        raise ValidationFailed("Treffet mangler kandidat.", field="candidate_id")
    open_records = records.list_records(session, actor=actor, candidate_id=int(candidate_id))
    if not open_records:
        raise ValidationFailed(
            "Kandidaten har ikke et åpent jobbspor. Skriv kandidaten inn først.", field="candidate_id"
        )
    record = records.load(session, open_records[0].id)
    start = data.get("start_date")
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            raise ValidationFailed("Ugyldig startdato.", field="start_date") from None
    return start_placement(
        session,
        actor=actor,
        record=record,
        type=str(data.get("type") or "ordinaer"),
        start_date=start,
        percent=data.get("percent") or 100,
        hours_per_week=data.get("hours_per_week"),
        employer_id=data.get("employer_id"),
        title=str(data.get("title") or ""),
        styrk_code=data.get("styrk_code"),
        wage_type=str(data.get("wage_type") or "timelonn"),
        contact_person=str(data.get("contact_person") or ""),
        opening_id=data.get("opening_id"),
        praksisplass_id=data.get("praksisplass_id"),
        today=today,
    )


def get_placement(record: FollowupRecord, placement_id: int) -> Placement:
    placement = next((p for p in record.placements if p.id == placement_id), None)
    if placement is None:
        raise NotFound("Fant ikke arbeidsforholdet.")
    return placement


def change_placement(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    placement: Placement,
    changed_on: dt.date | None,
    percent: Any,
    hours_per_week: Any = None,
    note: str = "",
) -> PlacementChange:
    records._check_writer(actor)
    records.check_open(record)
    if changed_on is None:
        raise ValidationFailed("Dato for endringen må fylles ut.", field="changed_on")
    records.check_bounds(changed_on, "changed_on", "Dato for endringen")
    if changed_on < placement.start_date:
        raise ValidationFailed("Endringen kan ikke være før jobbstarten.", field="changed_on")
    if placement.end_date is not None and changed_on > placement.end_date:
        raise ValidationFailed("Arbeidsforholdet var avsluttet på den datoen.", field="changed_on")
    percent_i, hours_f = _check_terms(percent, hours_per_week)
    change = PlacementChange(
        placement_id=placement.id,
        changed_on=changed_on,
        percent=percent_i,
        hours_per_week=hours_f,
        note=bounded_text(note, field="note", label="Merknad", max_len=500),
    )
    session.add(change)
    placement.changes.append(change)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="followup_placement",
        subject_id=placement.id,
        purpose=f"endret til {percent_i} %",
    )
    return change


def end_placement(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    placement: Placement,
    end_date: dt.date | None,
    reason: str,
    note: str = "",
    today: dt.date | None = None,
) -> None:
    """A job ended: contact within 3 days is planned, and the status goes back to job development."""
    records._check_writer(actor)
    records.check_open(record)
    today = today or today_in_oslo()
    if placement.end_date is not None:
        raise ValidationFailed("Arbeidsforholdet er allerede avsluttet.", field="end_date")
    if end_date is None:
        raise ValidationFailed("Sluttdato må fylles ut.", field="end_date")
    if end_date < placement.start_date:
        raise ValidationFailed("Sluttdatoen kan ikke være før startdatoen.", field="end_date")
    records.check_bounds(end_date, "end_date", "Sluttdatoen")
    if reason not in PLACEMENT_END_REASONS:
        raise ValidationFailed("Velg hvorfor arbeidsforholdet sluttet.", field="reason")
    placement.end_date = end_date
    placement.end_reason = reason
    placement.end_note = bounded_text(note, field="note", label="Merknad", max_len=2000) or None
    session.flush()
    plan.close_placement_items(session, record, placement)
    still = [
        p
        for p in record.placements
        if p.id != placement.id and (p.end_date is None or p.end_date >= end_date)
    ]
    if not still and records.current_phase(record) == 5:  # back to job search (phase 3), status with it
        entry = PhaseEntry(
            record_id=record.id,
            phase=3,
            entered_on=max(end_date, *(p.entered_on for p in record.phases)),
            note="Jobben tok slutt",
        )
        session.add(entry)
        record.phases.append(entry)
    records.follow_phase(record, today)
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="followup_placement",
        subject_id=placement.id,
        purpose=f"avsluttet: {reason}",
    )
    session.flush()


def terms_on(placement: Placement, day: dt.date) -> tuple[int, float]:
    """Percent and hours in force on a day (the latest change on or before it)."""
    percent, hours = placement.percent, placement.hours_per_week
    for c in sorted(placement.changes, key=lambda c: (c.changed_on, c.id or 0)):
        if c.changed_on <= day:
            percent, hours = c.percent, c.hours_per_week
    return percent, hours


def current_terms(placement: Placement) -> tuple[int, float]:
    return terms_on(placement, dt.date.max)


def hours_increased(placement: Placement) -> bool:
    return any(c.percent > placement.percent for c in placement.changes)


def retention_milestones(placement: Placement, today: dt.date) -> dict[int, bool | None]:
    """For 1, 3, 6 and 12 months after the start: True (still in the job), False (ended before), None (not yet)."""
    out: dict[int, bool | None] = {}
    for m in RETENTION_MONTHS:
        milestone = add_months(placement.start_date, m)
        if placement.end_date is not None and placement.end_date < milestone:
            out[m] = False
        elif milestone > today:
            out[m] = None
        else:
            out[m] = True
    return out


def placements_of(session: Session, record: FollowupRecord) -> Sequence[Placement]:
    return session.scalars(
        select(Placement).where(Placement.record_id == record.id).order_by(Placement.start_date)
    ).all()
