"""IPS fidelity: indicators computed from the data with the IPS Fidelity Scale's thresholds beside them, the
quarterly employment rate against the IPS benchmarks, the 25-item self-assessment and weekly snapshots."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.cleaning import bounded_text
from core.errors import Forbidden, ValidationFailed
from core.models import Office, User
from core.roles import OFFICE_STAFF
from followup.dates import add_months, quarter_bounds, week_start
from followup.models import (
    COMMUNITY_MODES,
    COMPETITIVE_TYPES,
    FACE_TO_FACE_MODES,
    JOB_TYPES,
    FidelityReview,
    FidelitySnapshot,
    FollowupContact,
    FollowupRecord,
    Placement,
)

# The IPS Fidelity Scale's thresholds, shown beside the computed figures.
THRESHOLDS = {
    "caseload": 20,  # at most 20 active per job specialist
    "first_contact_days": 30,  # first face-to-face employer contact within 30 days of start
    "employer_contacts_per_week": 6,  # face-to-face employer contacts per specialist per week
    "community_share": 0.65,  # of contacts out in the community
    "follow_along_share": 0.9,  # followed ≥ 12 months after the first job start
    "competitive_share": 0.95,  # ordinary competitive jobs
    "job_type_diversity": 0.85,  # different types of jobs
    "employer_diversity": 0.85,  # different employers
}
EMPLOYMENT_BENCHMARKS = {"minimum": 0.31, "average": 0.41, "excellent": 0.50}
MIN_PAID_HOURS = 4  # a job counts for the employment rate after 4 paid hours

FIDELITY_ITEMS = (
    "Saksmengde (høyst 20 per jobbspesialist)",
    "Jobbspesialistene arbeider bare med arbeidsrettet oppfølging",
    "Jobbspesialistene følger hele prosessen (generalister)",
    "Integrering i behandlingsteamet (tilknytning)",
    "Integrering gjennom hyppig kontakt med behandlerne",
    "Samarbeid med NAV-veilederne",
    "Jobbspesialistene utgjør en enhet",
    "Leder for jobbspesialistene",
    "Ingen utelukkelse (nullavvisning)",
    "Virksomheten har ordinært arbeid som mål",
    "Ledelsen støtter IPS",
    "Veiledning om arbeid og ytelser",
    "Åpenhet om helse (plan for hva arbeidsgiver får vite)",
    "Løpende arbeidsrettet kartlegging",
    "Rask jobbsøking",
    "Individuell jobbsøking",
    "Jobbutvikling – hyppig arbeidsgiverkontakt",
    "Jobbutvikling – kvalitet i arbeidsgiverkontakten",
    "Variasjon i typer jobber",
    "Variasjon i arbeidsgivere",
    "Ordinære jobber",
    "Individuell oppfølging i jobb",
    "Tidsubegrenset oppfølging",
    "Oppfølging ute i samfunnet",
    "Aktiv oppsøking og kontakt",
)
MAX_SCORE = 5 * len(FIDELITY_ITEMS)


def review_band(total: int) -> str:
    if total >= 100:
        return "God"
    if total >= 74:
        return "Akseptabel"
    return "Ikke IPS"


# --- data for one office -----------------------------------------------------------------------------------


@dataclass
class ContactRow:
    record_id: int
    date: dt.date
    with_whom: str
    mode: str


@dataclass
class OfficeData:
    records: list[FollowupRecord]
    contacts: list[ContactRow]
    specialists: dict[int, User]


def load_office_data(session: Session, office_id: int, specialist_id: int | None = None) -> OfficeData:
    stmt = (
        select(FollowupRecord)
        .where(FollowupRecord.office_id == office_id)
        .options(selectinload(FollowupRecord.placements).selectinload(Placement.changes))
    )
    if specialist_id is not None:
        stmt = stmt.where(FollowupRecord.specialist_id == specialist_id)
    records = list(session.scalars(stmt).all())
    ids = [r.id for r in records]
    contacts: list[ContactRow] = []
    if ids:
        sub = stmt.with_only_columns(FollowupRecord.id).options().subquery()
        contacts = [
            ContactRow(*row)
            for row in session.execute(
                select(
                    FollowupContact.record_id,
                    FollowupContact.date,
                    FollowupContact.with_whom,
                    FollowupContact.mode,
                ).where(FollowupContact.record_id.in_(select(sub.c.id)))
            ).all()
        ]
    spec_ids = {r.specialist_id for r in records if r.specialist_id is not None}
    specialists = (
        {u.id: u for u in session.scalars(select(User).where(User.id.in_(spec_ids)))} if spec_ids else {}
    )
    return OfficeData(records, contacts, specialists)


def active_on(record: FollowupRecord, day: dt.date) -> bool:
    return record.start_date <= day and (record.end_date is None or record.end_date >= day)


def active_during(record: FollowupRecord, date_from: dt.date, date_to: dt.date) -> bool:
    return record.start_date <= date_to and (record.end_date is None or record.end_date >= date_from)


def _share(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def first_employer_contacts(data: OfficeData) -> dict[int, dt.date]:
    """Per record: the date of the first face-to-face employer contact on or after the start."""
    starts = {r.id: r.start_date for r in data.records}
    first: dict[int, dt.date] = {}
    for c in data.contacts:
        if c.with_whom != "arbeidsgiver" or c.mode not in FACE_TO_FACE_MODES or c.date < starts[c.record_id]:
            continue
        if c.record_id not in first or c.date < first[c.record_id]:
            first[c.record_id] = c.date
    return first


def days_to_first_employer_contact(data: OfficeData, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Records started in the period: median days to the first face-to-face employer contact, and the share
    within 30 days of those whose 30 days have passed (or who already had the contact)."""
    first = first_employer_contacts(data)
    limit = THRESHOLDS["first_contact_days"]
    days: list[int] = []
    eligible = within = 0
    for r in data.records:
        if not (date_from <= r.start_date <= date_to):
            continue
        contact = first.get(r.id)
        if contact is not None and contact <= date_to:
            d = (contact - r.start_date).days
            days.append(d)
            eligible += 1
            within += d <= limit
        elif r.start_date + dt.timedelta(days=limit) <= date_to:
            eligible += 1
    return {
        "median": float(statistics.median(days)) if days else 0.0,
        "within_30_share": _share(within, eligible),
        "n": eligible,
        "with_contact": len(days),
    }


def caseloads(data: OfficeData, day: dt.date) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for r in data.records:
        if r.specialist_id is not None and active_on(r, day):
            out[r.specialist_id] += 1
    return dict(out)


def specialists_in_period(data: OfficeData, date_from: dt.date, date_to: dt.date) -> set[int]:
    return {
        r.specialist_id
        for r in data.records
        if r.specialist_id is not None and active_during(r, date_from, date_to)
    }


def employer_contacts_per_week(data: OfficeData, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    n = sum(
        1
        for c in data.contacts
        if date_from <= c.date <= date_to and c.with_whom == "arbeidsgiver" and c.mode in FACE_TO_FACE_MODES
    )
    specialists = len(specialists_in_period(data, date_from, date_to))
    weeks = ((date_to - date_from).days + 1) / 7
    value = round(n / specialists / weeks, 2) if specialists and weeks > 0 else 0.0
    return {"value": value, "contacts": n, "specialists": specialists, "weeks": round(weeks, 2)}


def community_share(data: OfficeData, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    period = [c for c in data.contacts if date_from <= c.date <= date_to]
    community = sum(1 for c in period if c.mode in COMMUNITY_MODES)
    return {"value": _share(community, len(period)), "community": community, "contacts": len(period)}


def _job_placements(data: OfficeData) -> list[Placement]:
    return [p for r in data.records for p in r.placements if p.type in JOB_TYPES]


def follow_along(data: OfficeData, date_to: dt.date) -> dict[str, Any]:
    """Of the records whose first job started at least 12 months before date_to: the share still followed
    12 months after that start (the record not ended before)."""
    eligible = kept = 0
    for r in data.records:
        jobs = [p.start_date for p in r.placements if p.type in JOB_TYPES]
        if not jobs:
            continue
        mark = add_months(min(jobs), 12)
        if mark > date_to:
            continue
        eligible += 1
        kept += r.end_date is None or r.end_date >= mark
    return {"value": _share(kept, eligible), "kept": kept, "n": eligible}


def job_mix(data: OfficeData, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Job starts in the period: share competitive, diversity of job types and of employers."""
    jobs = [p for p in _job_placements(data) if date_from <= p.start_date <= date_to]
    n = len(jobs)
    competitive = sum(1 for p in jobs if p.type in COMPETITIVE_TYPES)
    kinds = {(p.styrk_code or p.title.strip().lower() or p.type) for p in jobs}
    employers = {p.employer_id for p in jobs if p.employer_id is not None}
    return {
        "n": n,
        "competitive_share": _share(competitive, n),
        "competitive": competitive,
        "job_type_diversity": _share(len(kinds), n),
        "job_types": len(kinds),
        "employer_diversity": _share(len(employers), n),
        "employers": len(employers),
    }


def paid_hours_in(placement: Placement, date_from: dt.date, date_to: dt.date) -> float:
    """Paid hours in a period, day by day with the hours in force each day (changes included)."""
    if placement.wage_type == "ingen":
        return 0.0
    start = max(placement.start_date, date_from)
    end = min(placement.end_date or date_to, date_to)
    changes = sorted(placement.changes, key=lambda c: (c.changed_on, c.id or 0))
    total = 0.0
    day = start
    while day <= end:
        hours = placement.hours_per_week
        for c in changes:
            if c.changed_on <= day:
                hours = c.hours_per_week
        total += hours / 7
        day += dt.timedelta(days=1)
    return total


def employment_rate(data: OfficeData, q_from: dt.date, q_to: dt.date) -> dict[str, Any]:
    """Of the people out of work at intake and in follow-up during the quarter: the share with an ordinary
    job during it (a job counts after 4 paid hours in the quarter)."""
    people = [r for r in data.records if r.out_of_work_at_intake and active_during(r, q_from, q_to)]
    employed = 0
    for r in people:
        hours = sum(paid_hours_in(p, q_from, q_to) for p in r.placements if p.type in COMPETITIVE_TYPES)
        employed += hours >= MIN_PAID_HOURS
    rate = _share(employed, len(people))
    level: str | None = None if not people else "under minimum"  # None: nobody to measure ("ingen data")
    for name in ("excellent", "average", "minimum"):
        if people and rate >= EMPLOYMENT_BENCHMARKS[name]:
            level = name
            break
    return {"value": rate, "employed": employed, "n": len(people), "from": q_from, "to": q_to, "level": level}


def quarterly_rates(data: OfficeData, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    out = []
    q_from, q_to = quarter_bounds(date_from)
    while q_from <= date_to:
        row = employment_rate(data, q_from, min(q_to, date_to))
        row["label"] = f"{q_from.year} K{(q_from.month - 1) // 3 + 1}"
        out.append(row)
        q_from = add_months(q_from, 3)
        q_to = add_months(q_from, 3) - dt.timedelta(days=1)
    return out


def retention(data: OfficeData, date_from: dt.date, date_to: dt.date, months: int) -> dict[str, Any]:
    """Jobs that reached their `months` mark in the period: the share still held on that day."""
    eligible = kept = 0
    for p in _job_placements(data):
        mark = add_months(p.start_date, months)
        if not (date_from <= mark <= date_to):
            continue
        eligible += 1
        kept += p.end_date is None or p.end_date >= mark
    return {"value": _share(kept, eligible), "kept": kept, "n": eligible}


def indicators(
    data: OfficeData, date_from: dt.date, date_to: dt.date, emails: dict[int, str] | None = None
) -> dict[str, Any]:
    """All fidelity indicators for one office (or one specialist's records) in a period."""
    loads = caseloads(data, date_to)
    names = emails or {uid: u.email for uid, u in data.specialists.items()}
    first = days_to_first_employer_contact(data, date_from, date_to)
    contacts = employer_contacts_per_week(data, date_from, date_to)
    community = community_share(data, date_from, date_to)
    along = follow_along(data, date_to)
    mix = job_mix(data, date_from, date_to)
    q_from, q_to = quarter_bounds(date_to)
    rate = employment_rate(data, q_from, min(q_to, date_to))

    def judged(n: int, ok: bool) -> bool | None:
        """None where nothing was measured (n = 0): "ingen data", never a failed threshold."""
        return None if n == 0 else ok

    return {
        "caseload": {names.get(k, str(k)): v for k, v in sorted(loads.items())},
        "caseload_max": max(loads.values(), default=0),
        "caseload_ok": judged(len(loads), all(v <= THRESHOLDS["caseload"] for v in loads.values())),
        "days_to_first_employer_contact": first,
        "first_contact_ok": judged(
            first["n"], first["with_contact"] > 0 and first["median"] <= THRESHOLDS["first_contact_days"]
        ),
        "employer_contacts_per_specialist_week": contacts,
        "employer_contacts_ok": judged(
            contacts["specialists"], contacts["value"] >= THRESHOLDS["employer_contacts_per_week"]
        ),
        "community_share": community,
        "community_ok": judged(community["contacts"], community["value"] >= THRESHOLDS["community_share"]),
        "follow_along": along,
        "follow_along_ok": judged(along["n"], along["value"] >= THRESHOLDS["follow_along_share"]),
        "job_mix": mix,
        "competitive_ok": judged(mix["n"], mix["competitive_share"] >= THRESHOLDS["competitive_share"]),
        "job_type_ok": judged(mix["n"], mix["job_type_diversity"] >= THRESHOLDS["job_type_diversity"]),
        "employer_ok": judged(mix["n"], mix["employer_diversity"] >= THRESHOLDS["employer_diversity"]),
        "employment_rate": rate,
        # the period each figure is about (they differ: a day, the period, the quarter, 12 months back)
        "periods": {
            "caseload": {"on": date_to},
            "period": {"from": date_from, "to": date_to},
            "follow_along": {"to": add_months(date_to, -12)},  # first job started by then
            "quarter": {"from": rate["from"], "to": rate["to"]},
        },
    }


def office_indicators(
    session: Session,
    *,
    office_id: int,
    date_from: dt.date,
    date_to: dt.date,
    specialist_id: int | None = None,
) -> dict[str, Any]:
    return indicators(load_office_data(session, office_id, specialist_id), date_from, date_to)


def per_specialist(
    session: Session, *, office_id: int, date_from: dt.date, date_to: dt.date
) -> list[dict[str, Any]]:
    data = load_office_data(session, office_id)
    out = []
    for uid, user in sorted(data.specialists.items(), key=lambda kv: kv[1].name):
        sub = OfficeData([r for r in data.records if r.specialist_id == uid], [], {uid: user})
        ids = {r.id for r in sub.records}
        sub.contacts = [c for c in data.contacts if c.record_id in ids]
        out.append({"user": user, "figures": indicators(sub, date_from, date_to)})
    return out


# --- self-assessment -----------------------------------------------------------------------------------------


def _office_for(actor: User, office_id: int | None) -> int:
    if actor.role == "admin" and office_id is not None:
        return office_id
    if actor.role in OFFICE_STAFF and actor.office_id is not None:
        if office_id is not None and office_id != actor.office_id:
            raise Forbidden("Du kan bare se ditt eget NAV-kontor.")
        return actor.office_id
    raise Forbidden("Bare NAV-ansatte kan se oppfølgingstall.")


def office_for(actor: User, office_id: int | None = None) -> int:
    """The office whose figures the actor may see (own office; admins choose)."""
    return _office_for(actor, office_id)


def save_review(
    session: Session,
    *,
    actor: User,
    office_id: int | None,
    review_date: dt.date | None,
    scores: Sequence[Any],
    note: str = "",
) -> FidelityReview:
    office = _office_for(actor, office_id)
    if review_date is None:
        raise ValidationFailed("Dato for gjennomgangen må fylles ut.", field="review_date")
    if len(scores) != len(FIDELITY_ITEMS):
        raise ValidationFailed(f"Alle {len(FIDELITY_ITEMS)} punktene må skåres.", field="scores")
    clean = []
    for i, s in enumerate(scores, start=1):
        try:
            value = int(s)
        except (TypeError, ValueError):
            raise ValidationFailed(f"Punkt {i} må skåres fra 1 til 5.", field=f"item_{i}") from None
        if not 1 <= value <= 5:
            raise ValidationFailed(f"Punkt {i} må skåres fra 1 til 5.", field=f"item_{i}")
        clean.append(value)
    review = session.scalar(
        select(FidelityReview).where(
            FidelityReview.office_id == office, FidelityReview.review_date == review_date
        )
    )
    if review is None:
        review = FidelityReview(office_id=office, review_date=review_date)
        session.add(review)
    review.scores = clean
    review.reviewer_id = actor.id
    review.note = bounded_text(note, field="note", label="Merknad", max_len=5000)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="fidelity_review",
        subject_id=review.id,
        purpose="selvevaluering",
    )
    return review


def list_reviews(session: Session, *, office_id: int) -> Sequence[FidelityReview]:
    return session.scalars(
        select(FidelityReview)
        .where(FidelityReview.office_id == office_id)
        .order_by(FidelityReview.review_date)
    ).all()


# --- weekly snapshots (the scheduler) -----------------------------------------------------------------------

SNAPSHOT_WINDOW_DAYS = 28


def _snapshot_figures(fig: dict[str, Any]) -> dict[str, Any]:
    return {
        "caseload_max": fig["caseload_max"],
        "caseload": fig["caseload"],
        "median_days_to_first_employer_contact": fig["days_to_first_employer_contact"]["median"],
        "within_30_share": fig["days_to_first_employer_contact"]["within_30_share"],
        "employer_contacts_per_specialist_week": fig["employer_contacts_per_specialist_week"]["value"],
        "community_share": fig["community_share"]["value"],
        "follow_along_share": fig["follow_along"]["value"],
        "competitive_share": fig["job_mix"]["competitive_share"],
        "job_type_diversity": fig["job_mix"]["job_type_diversity"],
        "employer_diversity": fig["job_mix"]["employer_diversity"],
        "employment_rate": fig["employment_rate"]["value"],
    }


def take_fidelity_snapshot(session: Session, today: dt.date) -> int:
    """Stores this week's figures (last 4 weeks) per office and per job specialist; idempotent per week."""
    monday = week_start(today)
    date_from = today - dt.timedelta(days=SNAPSHOT_WINDOW_DAYS - 1)
    office_ids = session.scalars(select(FollowupRecord.office_id).distinct()).all()
    written = 0
    for office_id in office_ids:
        data = load_office_data(session, office_id)
        groups: list[tuple[int, OfficeData]] = [(0, data)]
        for uid, user in data.specialists.items():
            recs = [r for r in data.records if r.specialist_id == uid]
            ids = {r.id for r in recs}
            groups.append(
                (uid, OfficeData(recs, [c for c in data.contacts if c.record_id in ids], {uid: user}))
            )
        for spec_id, group in groups:
            figures = _snapshot_figures(indicators(group, date_from, today))
            figures["date"] = today.isoformat()
            row = session.scalar(
                select(FidelitySnapshot).where(
                    FidelitySnapshot.office_id == office_id,
                    FidelitySnapshot.specialist_id == spec_id,
                    FidelitySnapshot.week_start == monday,
                )
            )
            if row is None:
                row = FidelitySnapshot(office_id=office_id, specialist_id=spec_id, week_start=monday)
                session.add(row)
            row.figures = figures
            written += 1
    session.flush()
    return written


def list_snapshots(
    session: Session, *, office_id: int, specialist_id: int = 0, limit: int = 26
) -> Sequence[FidelitySnapshot]:
    rows = session.scalars(
        select(FidelitySnapshot)
        .where(FidelitySnapshot.office_id == office_id, FidelitySnapshot.specialist_id == specialist_id)
        .order_by(FidelitySnapshot.week_start.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def office_of(session: Session, office_id: int) -> Office | None:
    return session.get(Office, office_id)
