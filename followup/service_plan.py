"""The follow-up plan: duties generated from dates by per-programme rules, and their alerts.

Rules are data (PLAN_RULES), not branches: a programme without a rule simply gets no items of that kind.
Generation is idempotent (one item per record, kind, due date and placement/measure), so the pages, the
services and the scheduler may all call it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, or_, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from followup.dates import add_months
from followup.models import (
    PLAN_KINDS,
    FollowupContact,
    FollowupRecord,
    MeasurePeriod,
    PassivePeriod,
    Placement,
    PlanItem,
)

_IPS_RULES: dict[str, Any] = {
    # First employer contact about the person: warned at day 21, breached at day 30 after the start.
    "first_employer_contact": {"warn_day": 21, "due_day": 30, "face_to_face": True},
    # Around a job start: within 7 days before and 3 days after, weekly for 4 weeks, then at least monthly
    # for 12 months — and on, monthly, for as long as the job and the record last (time-unlimited).
    "job_start": {
        "before_days": 7,
        "after_days": 3,
        "weekly_weeks": 4,
        "monthly_months": 12,
        "rolling": True,
    },
    "job_loss": {"within_days": 3},
    # Progress report to the NAV veileder every ~90 days: first due at start + 76, reminder 14 days before.
    "progress_report": {"first_day": 76, "interval_days": 90, "reminder_days": 14},
    "measure": {"warn_days": 30},
}
PLAN_RULES: dict[str, dict[str, Any]] = {
    "ips": _IPS_RULES,
    "ips_ung": _IPS_RULES,
    "supported_employment": _IPS_RULES,
    "kvp": {
        "job_start": {
            "before_days": 7,
            "after_days": 3,
            "weekly_weeks": 4,
            "monthly_months": 6,
            "rolling": False,
        },
        "job_loss": {"within_days": 3},
        "progress_report": {"first_day": 76, "interval_days": 90, "reminder_days": 14},
        "measure": {"warn_days": 30},
    },
    "ordinaer": {
        "job_start": {
            "before_days": 7,
            "after_days": 3,
            "weekly_weeks": 0,
            "monthly_months": 3,
            "rolling": False,
        },
        "job_loss": {"within_days": 3},
        "measure": {"warn_days": 30},
    },
}
# How far ahead rolling items (progress reports, monthly follow-along after 12 months) are laid out.
HORIZON_DAYS = 120

STATE_LABELS = {
    "utfort": "Utført",
    "pausert": "Pause (passiv periode)",
    "forfalt": "Forfalt",
    "i_dag": "Forfaller i dag",
    "varslet": "Snart forfall",
    "apen": "Planlagt",
}


def rules_for(service: str) -> dict[str, Any]:
    return PLAN_RULES.get(service, {})


def _existing_keys(session: Session, record: FollowupRecord) -> set[tuple[str, dt.date, int]]:
    rows = session.execute(
        select(PlanItem.kind, PlanItem.due_date, PlanItem.ref_id).where(PlanItem.record_id == record.id)
    ).all()
    keys = {(k, d, r) for k, d, r in rows}
    keys |= {
        (o.kind, o.due_date, o.ref_id)
        for o in session.new
        if isinstance(o, PlanItem) and o.record_id == record.id
    }
    return keys


def _add(
    session: Session,
    record: FollowupRecord,
    keys: set[tuple[str, dt.date, int]],
    *,
    kind: str,
    window_start: dt.date,
    due: dt.date,
    warn: dt.date | None = None,
    ref_id: int = 0,
    note: str = "",
) -> PlanItem | None:
    if (kind, due, ref_id) in keys:
        return None
    keys.add((kind, due, ref_id))
    item = PlanItem(
        record_id=record.id,
        kind=kind,
        ref_id=ref_id,
        window_start=window_start,
        due_date=due,
        warn_date=warn or due,
        note=note,
    )
    session.add(item)
    if _loaded(record, "plan_items"):
        record.plan_items.append(item)
    return item


def _loaded(record: FollowupRecord, name: str) -> bool:
    return name in sa_inspect(record).dict


def generate_record_plan(session: Session, record: FollowupRecord, today: dt.date) -> None:
    """Items that follow from the record's start: first employer contact, progress reports."""
    rules = rules_for(record.service)
    keys = _existing_keys(session, record)
    start = record.start_date
    if (r := rules.get("first_employer_contact")) is not None:
        _add(
            session,
            record,
            keys,
            kind="first_employer_contact",
            window_start=start,
            due=start + dt.timedelta(days=r["due_day"]),
            warn=start + dt.timedelta(days=r["warn_day"]),
        )
    if (r := rules.get("progress_report")) is not None:
        horizon = max(today, start) + dt.timedelta(days=HORIZON_DAYS)
        due = start + dt.timedelta(days=r["first_day"])
        previous = start
        while due <= horizon and (record.end_date is None or due <= record.end_date):
            _add(
                session,
                record,
                keys,
                kind="progress_report",
                window_start=previous,
                due=due,
                warn=due - dt.timedelta(days=r["reminder_days"]),
            )
            previous = due + dt.timedelta(days=1)
            due = due + dt.timedelta(days=r["interval_days"])
    session.flush()


def generate_job_start_plan(
    session: Session, record: FollowupRecord, placement: Placement, today: dt.date
) -> None:
    r = rules_for(record.service).get("job_start")
    if r is None:
        return
    keys = _existing_keys(session, record)
    start = placement.start_date
    ref = placement.id
    if r["before_days"]:
        _add(
            session,
            record,
            keys,
            kind="before_start",
            window_start=start - dt.timedelta(days=r["before_days"]),
            due=start,
            ref_id=ref,
        )
    if r["after_days"]:
        _add(
            session,
            record,
            keys,
            kind="after_start",
            window_start=start + dt.timedelta(days=1),
            due=start + dt.timedelta(days=r["after_days"]),
            ref_id=ref,
        )
    last_due = start
    for week in range(1, r["weekly_weeks"] + 1):
        due = start + dt.timedelta(days=7 * week)
        _add(
            session,
            record,
            keys,
            kind="weekly",
            window_start=due - dt.timedelta(days=6),
            due=due,
            ref_id=ref,
            note=f"uke {week}",
        )
        last_due = due
    first_month = 2 if r["weekly_weeks"] >= 4 else 1
    months = r["monthly_months"]
    horizon = max(today, start) + dt.timedelta(days=HORIZON_DAYS)
    month = first_month
    while True:
        due = add_months(start, month)
        if month > months and not (r["rolling"] and due <= horizon):
            break
        if placement.end_date is not None and due > placement.end_date:
            break
        _add(
            session,
            record,
            keys,
            kind="monthly",
            window_start=max(
                last_due + dt.timedelta(days=1), add_months(start, month - 1) + dt.timedelta(days=1)
            ),
            due=due,
            ref_id=ref,
            note=f"måned {month}",
        )
        last_due = due
        month += 1
    session.flush()


def close_placement_items(session: Session, record: FollowupRecord, placement: Placement) -> None:
    """Items for a job that has ended are not duties any more (the job-loss contact replaces them)."""
    assert placement.end_date is not None
    for item in session.scalars(
        select(PlanItem).where(
            PlanItem.record_id == record.id,
            PlanItem.ref_id == placement.id,
            PlanItem.kind.in_(("weekly", "monthly", "after_start")),
            PlanItem.done_on.is_(None),
            PlanItem.due_date > placement.end_date,
        )
    ):
        if _loaded(record, "plan_items") and item in record.plan_items:
            record.plan_items.remove(item)
        session.delete(item)
    r = rules_for(record.service).get("job_loss")
    if r is not None:
        keys = _existing_keys(session, record)
        _add(
            session,
            record,
            keys,
            kind="job_loss",
            window_start=placement.end_date,
            due=placement.end_date + dt.timedelta(days=r["within_days"]),
            ref_id=placement.id,
        )
    session.flush()


def generate_measure_plan(session: Session, record: FollowupRecord, measure: MeasurePeriod) -> None:
    r = rules_for(record.service).get("measure", {"warn_days": 30})
    keys = _existing_keys(session, record)
    _add(
        session,
        record,
        keys,
        kind="measure_end",
        window_start=measure.start_date,
        due=measure.end_date,
        warn=measure.end_date - dt.timedelta(days=r["warn_days"]),
        ref_id=measure.id,
        note=measure.kind_label,
    )
    if measure.kind == "varig_lonnstilskudd":  # reviewed at least every 6 months
        k = 1
        while (due := add_months(measure.start_date, 6 * k)) < measure.end_date:
            _add(
                session,
                record,
                keys,
                kind="measure_review",
                window_start=add_months(measure.start_date, 6 * (k - 1)),
                due=due,
                warn=due - dt.timedelta(days=r["warn_days"]),
                ref_id=measure.id,
                note=measure.kind_label,
            )
            k += 1
    session.flush()


def extend_rolling(
    session: Session, record: FollowupRecord, placements: Sequence[Placement], today: dt.date
) -> None:
    """Lays out the rolling items up to the horizon: progress reports, follow-along beyond 12 months."""
    if record.is_ended:
        return
    generate_record_plan(session, record, today)
    for p in placements:
        if p.end_date is None:
            generate_job_start_plan(session, record, p, today)


# --- completion by contacts --------------------------------------------------------------------------------

CONTACT_KINDS = ("before_start", "after_start", "weekly", "monthly", "job_loss")


def _satisfies(item: PlanItem, contact: FollowupContact, face_to_face_first: bool) -> bool:
    if not (item.window_start <= contact.date <= item.due_date) and item.kind != "first_employer_contact":
        return False
    if item.kind == "first_employer_contact":
        if contact.with_whom != "arbeidsgiver" or contact.date < item.window_start:
            return False
        return contact.face_to_face or not face_to_face_first
    if item.kind in CONTACT_KINDS:
        return contact.with_whom in ("person", "arbeidsgiver")
    return False


def satisfy_with_contact(
    session: Session, record: FollowupRecord, contact: FollowupContact
) -> list[PlanItem]:
    rule = rules_for(record.service).get("first_employer_contact") or {}
    done = []
    for item in session.scalars(
        select(PlanItem).where(PlanItem.record_id == record.id, PlanItem.done_on.is_(None))
    ):
        if _satisfies(item, contact, bool(rule.get("face_to_face"))):
            item.done_on = contact.date
            item.done_contact_id = contact.id
            done.append(item)
    session.flush()
    return done


# --- state ------------------------------------------------------------------------------------------------


# The rule for an item's state lives here twice, side by side: `state_of` in Python (one record's page) and the
# clauses below in SQL (caseloads, the dashboard, the daily stamps); tests/followup/test_overdue_rule.py holds them
# to the same rows, passive periods included.


def in_passive_period(day: dt.date, periods: Iterable[PassivePeriod]) -> bool:
    return any(p.from_date <= day and (p.to_date is None or day <= p.to_date) for p in periods)


def paused_clause() -> ColumnElement[bool]:
    """SQL twin of `in_passive_period(item.due_date, record's periods)`."""
    return (
        select(PassivePeriod.id)
        .where(
            PassivePeriod.record_id == PlanItem.record_id,
            PassivePeriod.from_date <= PlanItem.due_date,
            or_(PassivePeriod.to_date.is_(None), PlanItem.due_date <= PassivePeriod.to_date),
        )
        .exists()
    )


def overdue_clause(today: dt.date | BindParameter[dt.date]) -> ColumnElement[bool]:
    """SQL twin of `state_of(...) == "forfalt"`: not done, not paused, past due."""
    return and_(PlanItem.done_on.is_(None), ~paused_clause(), PlanItem.due_date < today)


def item_state(item: PlanItem, today: dt.date, periods: Iterable[PassivePeriod] = ()) -> str:
    return state_of(item.done_on, item.due_date, item.warn_date, today, periods)


def state_of(
    done_on: dt.date | None,
    due: dt.date,
    warn: dt.date,
    today: dt.date,
    periods: Iterable[PassivePeriod] = (),
) -> str:
    if done_on is not None:
        return "utfort"
    if in_passive_period(due, periods):
        return "pausert"
    if today > due:
        return "forfalt"
    if today == due:
        return "i_dag"
    if today >= warn:
        return "varslet"
    return "apen"


def item_label(kind: str, note: str) -> str:
    """How an item is named in lists: its kind in words, and the note that tells two of a kind apart."""
    return PLAN_KINDS.get(kind, kind) + (f" ({note})" if note else "")


@dataclass(frozen=True)
class DueItem:
    item_id: int
    record_id: int
    candidate_id: int
    specialist_id: int | None
    kind: str
    label: str
    due_date: dt.date
    state: str
    days_overdue: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "record_id": self.record_id,
            "candidate_id": self.candidate_id,
            "kind": self.kind,
            "label": self.label,
            "due_date": self.due_date.isoformat(),
            "state": self.state,
            "days_overdue": self.days_overdue,
        }


def open_items(
    session: Session, records_stmt: Any, today: dt.date, *, horizon_days: int = 0
) -> list[DueItem]:
    """Open items of the given records (a select of FollowupRecord) that are due by today + horizon,
    overdue first; items paused by a passive period are left out."""
    sub = (
        records_stmt.where(FollowupRecord.status != "avsluttet")
        .with_only_columns(FollowupRecord.id)
        .subquery()
    )
    # plain rows, not ORM objects: the dashboard asks this on every view, over a whole caseload
    rows = session.execute(
        select(
            PlanItem.id,
            PlanItem.kind,
            PlanItem.note,
            PlanItem.due_date,
            PlanItem.warn_date,
            FollowupRecord.id,
            FollowupRecord.candidate_id,
            FollowupRecord.specialist_id,
        )
        .join(FollowupRecord, FollowupRecord.id == PlanItem.record_id)
        .where(
            PlanItem.record_id.in_(select(sub.c.id)),
            PlanItem.done_on.is_(None),
            PlanItem.warn_date <= today + dt.timedelta(days=horizon_days),
        )
        .order_by(PlanItem.due_date, PlanItem.id)
    ).all()
    periods: dict[int, list[PassivePeriod]] = {}
    record_ids = sorted({r[5] for r in rows})
    if record_ids:
        for period in session.scalars(select(PassivePeriod).where(PassivePeriod.record_id.in_(record_ids))):
            periods.setdefault(period.record_id, []).append(period)
    out = []
    for item_id, kind, note, due, warn, record_id, candidate_id, specialist_id in rows:
        state = state_of(None, due, warn, today, periods.get(record_id, ()))
        if state in ("pausert", "utfort"):
            continue
        out.append(
            DueItem(
                item_id=item_id,
                record_id=record_id,
                candidate_id=candidate_id,
                specialist_id=specialist_id,
                kind=kind,
                label=item_label(kind, note),
                due_date=due,
                state=state,
                days_overdue=max(0, (today - due).days),
            )
        )
    return out


def mark_alert_states(session: Session, today: dt.date) -> None:
    """Records the day an open item was first warned, by the same rule as `state_of` (an item paused by a
    passive period is not)."""
    session.execute(
        update(PlanItem)
        .where(
            PlanItem.record_id.in_(select(FollowupRecord.id).where(FollowupRecord.status != "avsluttet")),
            PlanItem.warned_on.is_(None),
            PlanItem.done_on.is_(None),
            ~paused_clause(),
            PlanItem.warn_date <= today,
        )
        .values(warned_on=today)
        .execution_options(synchronize_session="fetch")
    )


def due_reminders(session: Session, today: dt.date) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Per job specialist (user id): {"overdue": [...], "due_today": [...]} of open plan items.

    Called by the scheduler once a day; also stamps warned_on on the items (idempotent)."""
    mark_alert_states(session, today)
    result: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"overdue": [], "due_today": []})
    for due in open_items(session, select(FollowupRecord), today):
        if due.specialist_id is None:
            continue
        if due.state == "forfalt":
            result[due.specialist_id]["overdue"].append(due.as_dict())
        elif due.state == "i_dag":
            result[due.specialist_id]["due_today"].append(due.as_dict())
    return {k: v for k, v in result.items() if v["overdue"] or v["due_today"]}
