"""«Mine personer»: the people a caseworker is «Ansvarlig» for (the candidate's `responsible_user_id`) who have an
open oppfølgingsperiode, with the plan's state per person — open activities due within DUE_SOON_DAYS, overdue ones
(the end date passed, status not final), days since any activity last changed (flagged from INACTIVE_DAYS), and the
individuell plan's next revision and evaluation (flagged within REVISION_NOTICE_DAYS or passed) — and the daily
reminders the scheduler sends from the same read (`send_reminders`).

Access is the plan's own rule (a follow-up caseworker of the office, the person readable by the candidates
domain's rule), in one module-level statement with the access as bind parameters (`_MY_PLANS`). The counts and
the individuell plan's dates are one grouped query for the whole caseload (no query per person, none per panel);
who needs attention first is sorted here. A read for a person (page, API) names every person listed in the
audit log; the dashboard's counts name nobody and are not logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import service as candidates_service
from core import audit, formatting, notifications
from core.models import User
from core.roles import FOLLOW_UP
from plans import service_ip
from plans.models import FINAL_STATUSES, PlanActivity, PlanPeriod

DUE_SOON_DAYS = 7
INACTIVE_DAYS = 30
REVISION_NOTICE_DAYS = 14  # the revision and the evaluation of the individuell plan alike
MAX_LINES = 15
LINK = "/mine-personer"
AUDIT_PURPOSE = "oppfølging: mine personer (planoversikt)"

# The page's filters: code → label (a person is shown under each that applies)
FILTERS = {
    "alle": "Alle",
    "oppmerksomhet": "Trenger oppfølging",
    "forfalt": "Forfalte aktiviteter",
    "frist": f"Frist innen {DUE_SOON_DAYS} dager",
    "inaktiv": f"Ingen endring på {INACTIVE_DAYS} dager",
    "revisjon": "Revisjon nærmer seg",
    "evaluering": "Evaluering nærmer seg",
}
# The page's and the API's orders: code → label
SORTS = {
    "oppmerksomhet": "Trenger oppfølging først",
    "navn": "Navn",
    "forfalt": "Forfalte aktiviteter",
    "frist": "Neste frist",
    "inaktiv": "Dager uten endring",
    "revisjon": "Revisjon",
    "evaluering": "Evaluering",
}


@dataclass(frozen=True)
class PlanRow:
    """What the grouped query reads of one person's open plan."""

    candidate_id: int
    name: str
    period_id: int
    start_date: dt.date
    open_activities: int
    due_soon: int
    overdue: int
    next_due: dt.date | None
    oldest_overdue: dt.date | None
    last_change: dt.datetime
    next_revision: dt.date | None = None  # of the individuell plan (`service_ip.ip_dates_of`)
    next_evaluation: dt.date | None = None


@dataclass(frozen=True)
class PersonState:
    """One person in «Mine personer»: the counts, the dates and the flags the page, the API, the dashboard and the
    reminders show."""

    candidate_id: int
    name: str
    period_id: int
    start_date: dt.date
    open_activities: int
    due_soon: int
    overdue: int
    next_due: dt.date | None
    oldest_overdue: dt.date | None
    last_change: dt.date
    days_inactive: int
    inactive: bool
    revision_date: dt.date | None
    revision_due: bool
    evaluation_date: dt.date | None
    evaluation_due: bool

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.overdue or self.due_soon or self.inactive or self.revision_due or self.evaluation_due
        )

    @property
    def href(self) -> str:
        return f"/kandidater/{self.candidate_id}/plan"

    def matches(self, what: str) -> bool:
        """Whether the person belongs under a filter of FILTERS."""
        return {
            "oppmerksomhet": self.needs_attention,
            "forfalt": self.overdue > 0,
            "frist": self.due_soon > 0,
            "inaktiv": self.inactive,
            "revisjon": self.revision_due,
            "evaluering": self.evaluation_due,
        }.get(what, True)


@dataclass(frozen=True)
class Counts:
    people: int = 0
    overdue: int = 0  # people with at least one overdue activity
    due_soon: int = 0
    inactive: int = 0
    revision_due: int = 0
    evaluation_due: int = 0
    attention: int = 0


@dataclass
class Overview:
    today: dt.date
    people: list[PersonState] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        return counts_of(self.people)


def counts_of(people: Sequence[PersonState]) -> Counts:
    return Counts(
        people=len(people),
        overdue=sum(p.overdue > 0 for p in people),
        due_soon=sum(p.due_soon > 0 for p in people),
        inactive=sum(p.inactive for p in people),
        revision_due=sum(p.revision_due for p in people),
        evaluation_due=sum(p.evaluation_due for p in people),
        attention=sum(p.needs_attention for p in people),
    )


# --- the read --------------------------------------------------------------------------------------------------


def _my_plans() -> Any:
    """The caseworker's people (their «Ansvarlig», readable by the candidates domain's rule, bound as
    `candidates_access.access_params`) with an open plan, one row each with the activity counts (bound: `me`,
    `today`, `soon`). The plan rule adds nothing here: `_rows` asks only for follow-up caseworkers of an office,
    and for them the plan is readable exactly when the person is (`plans.access._in_reach`)."""
    names = candidates_access.READABLE_NAMES
    revision, evaluation = service_ip.ip_dates_of(PlanPeriod.id)
    today = bindparam("today", type_=Date)
    soon = bindparam("soon", type_=Date)
    is_open = PlanActivity.status.not_in(FINAL_STATUSES)
    overdue = and_(is_open, PlanActivity.to_date < today)
    upcoming = and_(is_open, PlanActivity.to_date >= today)
    return (
        select(
            PlanPeriod.candidate_id,
            names.c.first_name,
            names.c.last_name,
            PlanPeriod.id,
            PlanPeriod.start_date,
            func.count(case((is_open, PlanActivity.id))),
            func.count(case((and_(upcoming, PlanActivity.to_date <= soon), PlanActivity.id))),
            func.count(case((overdue, PlanActivity.id))),
            func.min(case((upcoming, PlanActivity.to_date))),
            func.min(case((overdue, PlanActivity.to_date))),
            func.max(PlanActivity.updated_at),
            PlanPeriod.created_at,
            revision,
            evaluation,
        )
        .join(names, names.c.id == PlanPeriod.candidate_id)
        .outerjoin(
            PlanActivity, and_(PlanActivity.period_id == PlanPeriod.id, PlanActivity.historic_at.is_(None))
        )
        .where(PlanPeriod.end_date.is_(None), names.c.responsible_user_id == bindparam("me", type_=Integer))
        .group_by(
            PlanPeriod.candidate_id,
            names.c.first_name,
            names.c.last_name,
            PlanPeriod.id,
            PlanPeriod.start_date,
            PlanPeriod.created_at,
        )
    )


_MY_PLANS = _my_plans()


def _rows(session: Session, *, actor: User, today: dt.date) -> list[PlanRow]:
    if actor.role not in FOLLOW_UP or actor.office_id is None:
        return []
    params = {
        **candidates_access.access_params(actor),
        "me": actor.id,
        "today": today,
        "soon": today + dt.timedelta(days=DUE_SOON_DAYS),
    }
    result: Sequence[Any] = session.execute(_MY_PLANS, params).all()
    return [
        PlanRow(
            cid,
            f"{first} {last}",
            pid,
            start,
            n_open,
            n_soon,
            n_over,
            nxt,
            oldest,
            changed or created,
            rev,
            ev,
        )
        for cid, first, last, pid, start, n_open, n_soon, n_over, nxt, oldest, changed, created, rev, ev in result
    ]


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.datetime):
        return value.date() if isinstance(value, dt.datetime) else None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def assemble(
    rows: Iterable[PlanRow],
    dates: dict[int, tuple[Any, Any]],
    today: dt.date,
) -> list[PersonState]:
    """The people with their flags, who needs attention first. `dates`: plan (period) id → (next revision, next
    evaluation) of the individuell plan, either may be None."""
    notice = today + dt.timedelta(days=REVISION_NOTICE_DAYS)
    out = []
    for r in rows:
        revision, evaluation = (_as_date(d) for d in dates.get(r.period_id, (None, None)))
        changed = formatting.to_oslo(r.last_change).date()
        days = max(0, (today - changed).days)
        out.append(
            PersonState(
                candidate_id=r.candidate_id,
                name=r.name,
                period_id=r.period_id,
                start_date=_as_date(r.start_date) or today,
                open_activities=r.open_activities,
                due_soon=r.due_soon,
                overdue=r.overdue,
                next_due=_as_date(r.next_due),
                oldest_overdue=_as_date(r.oldest_overdue),
                last_change=changed,
                days_inactive=days,
                inactive=days >= INACTIVE_DAYS,
                revision_date=revision,
                revision_due=revision is not None and revision <= notice,
                evaluation_date=evaluation,
                evaluation_due=evaluation is not None and evaluation <= notice,
            )
        )
    return sort_people(out, "oppmerksomhet")


def _attention(p: PersonState) -> tuple[Any, ...]:
    """Overdue activities first (most, then oldest), then a revision or evaluation due (soonest), then deadlines
    this week, then no change for long; the name breaks ties."""
    due_date = min((d for d in (p.revision_date, p.evaluation_date) if d is not None), default=dt.date.max)
    return (
        not p.overdue,
        -p.overdue,
        p.oldest_overdue or dt.date.max,
        not (p.revision_due or p.evaluation_due),
        due_date,
        not p.due_soon,
        p.next_due or dt.date.max,
        not p.inactive,
        -p.days_inactive,
        p.name.casefold(),
        p.candidate_id,
    )


def sort_people(people: Sequence[PersonState], order: str, descending: bool = False) -> list[PersonState]:
    """The list in one of SORTS' orders (the attention order by default); `descending` turns it round."""
    keys = {
        "navn": lambda p: (p.name.casefold(), p.candidate_id),
        "forfalt": lambda p: (-p.overdue, p.oldest_overdue or dt.date.max, p.name.casefold()),
        "frist": lambda p: (p.next_due or dt.date.max, p.name.casefold()),
        "inaktiv": lambda p: (-p.days_inactive, p.name.casefold()),
        "revisjon": lambda p: (p.revision_date or dt.date.max, p.name.casefold()),
        "evaluering": lambda p: (p.evaluation_date or dt.date.max, p.name.casefold()),
    }
    return sorted(people, key=keys.get(order, _attention), reverse=descending)


def _overview(session: Session, *, actor: User, today: dt.date) -> Overview:
    rows = _rows(session, actor=actor, today=today)
    dates = {r.period_id: (r.next_revision, r.next_evaluation) for r in rows}
    return Overview(today, assemble(rows, dates, today))


def my_people(
    session: Session,
    *,
    actor: User,
    today: dt.date | None = None,
    show: str = "alle",
    order: str = "oppmerksomhet",
    descending: bool = False,
) -> Overview:
    """The caseworker's people with an open plan (empty for anyone not in a follow-up role), filtered by one of
    FILTERS and sorted by one of SORTS; every person listed is audit-logged."""
    today = today or formatting.today_in_oslo()
    overview = _overview(session, actor=actor, today=today)
    people = [p for p in overview.people if p.matches(show)]
    overview.people = sort_people(people, order, descending) if order in SORTS else people
    audit.record_many(
        session,
        actor=actor,
        subject_type="candidate",
        subject_ids=[p.candidate_id for p in overview.people],
        purpose=AUDIT_PURPOSE,
    )
    return overview


def my_counts(session: Session, *, actor: User, today: dt.date | None = None) -> Counts:
    """The dashboard panel's numbers (nobody named, so nothing audit-logged)."""
    today = today or formatting.today_in_oslo()
    return _overview(session, actor=actor, today=today).counts


# --- the scheduler's reminders ---------------------------------------------------------------------------------


def _caseworkers(session: Session) -> list[User]:
    """The active follow-up caseworkers «Ansvarlig» for someone with an open plan."""
    candidate_ids = session.scalars(
        select(PlanPeriod.candidate_id).where(PlanPeriod.end_date.is_(None)).distinct()
    ).all()
    user_ids = {u for u in candidates_service.responsible_users(session, candidate_ids).values() if u}
    if not user_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.id.in_(sorted(user_ids)), User.is_active.is_(True), User.role.in_(FOLLOW_UP))
            .order_by(User.id)
        )
    )


def reminder_lines(people: Sequence[PersonState]) -> list[str]:
    """The people a reminder names: overdue activities, then a revision due; each person by name."""
    lines = []
    for p in people:
        if p.overdue:
            what = formatting.plural_no(p.overdue, "forfalt aktivitet", "forfalte aktiviteter")
            lines.append(f"Forfalt: {p.name}: {what} (eldste frist {formatting.date_no(p.oldest_overdue)})")
    for p in people:
        if p.revision_due and p.revision_date is not None:
            lines.append(f"Revisjon: {p.name}: planen skal revideres {formatting.date_no(p.revision_date)}")
    return lines


def send_reminders(session: Session, *, today: dt.date) -> dict[str, int]:
    """Daily: one notification (kind `plan`) per caseworker naming their people with overdue activities or an
    individuell plan due for revision. One per caseworker per day: a second run the same day adds nothing."""
    caseworkers = _caseworkers(session)
    created = overdue = revision = 0
    for user in caseworkers:
        people = _overview(session, actor=user, today=today).people
        over = [p for p in people if p.overdue]
        due = [p for p in people if p.revision_due]
        if not over and not due:
            continue
        overdue += len(over)
        revision += len(due)
        lines = reminder_lines(people)
        extra = len(lines) - MAX_LINES
        body = "\n".join(lines[:MAX_LINES] + ([f"… og {extra} til."] if extra > 0 else []))
        row = notifications.notify(
            session,
            user_id=user.id,
            kind="plan",
            title=(
                f"Planer: {formatting.plural_no(len(over), 'person', 'personer')} med forfalte aktiviteter, "
                f"{len(due)} med revisjon"
            ),
            body=body,
            link=LINK,
            dedupe_key=f"plan:{today.isoformat()}",
        )
        created += row is not None
    return {
        "caseworkers": len(caseworkers),
        "people_overdue": overdue,
        "people_revision": revision,
        "notifications": created,
    }
