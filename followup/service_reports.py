"""Reports: job starts per month, time to first job, retention curve, outcomes per programme, office and
target group, the programme report, and the `followup report` figures of the operator contract."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import accounts
from core.errors import ValidationFailed
from core.formatting import today_in_oslo
from core.models import Office
from followup import service_fidelity as fidelity
from followup.dates import add_months, months_in, quarter_bounds
from followup.models import JOB_TYPES, SERVICES, FollowupRecord

RETENTION_POINTS = (1, 3, 6, 12)
FIRST_JOB_BINS = (
    (0, 30, "0–30 dager"),
    (31, 90, "31–90 dager"),
    (91, 180, "91–180 dager"),
    (181, 365, "181–365 dager"),
    (366, None, "over 1 år"),
)
TARGET_GROUPS = {
    "alle": "Alle",
    "under_30": "Under 30 år",
    "flyktninger": "Flyktninger (introduksjonsprogrammet)",
    "ufore": "Uføretrygd med delvis arbeidsevne",
}


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or today_in_oslo()
    return add_months(today, -12) + dt.timedelta(days=1), today


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    if date_from > date_to:
        raise ValidationFailed("Fra-datoen kan ikke være etter til-datoen.", field="from")
    if (date_to - date_from).days > 366 * 10:
        raise ValidationFailed("Perioden kan ikke være lengre enn ti år.", field="from")


def job_starts(data: fidelity.OfficeData, date_from: dt.date, date_to: dt.date) -> list[Any]:
    return [
        p
        for r in data.records
        for p in r.placements
        if p.type in JOB_TYPES and date_from <= p.start_date <= date_to
    ]


def job_starts_per_month(
    data: fidelity.OfficeData, date_from: dt.date, date_to: dt.date
) -> list[dict[str, Any]]:
    starts = job_starts(data, date_from, date_to)
    rows = []
    for m in months_in(date_from, date_to):
        key = m.strftime("%Y-%m")
        rows.append({"month": key, "starts": sum(1 for p in starts if p.start_date.strftime("%Y-%m") == key)})
    return rows


def time_to_first_job(data: fidelity.OfficeData, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Days from enrolment to the first job, for first jobs that started in the period."""
    days = []
    for r in data.records:
        jobs = sorted(p.start_date for p in r.placements if p.type in JOB_TYPES)
        if jobs and date_from <= jobs[0] <= date_to:
            days.append(max(0, (jobs[0] - r.start_date).days))
    bins = []
    for lo, hi, label in FIRST_JOB_BINS:
        bins.append({"label": label, "count": sum(1 for d in days if d >= lo and (hi is None or d <= hi))})
    median = float(statistics.median(days)) if days else 0.0
    return {"bins": bins, "n": len(days), "median": median}


def retention_curve(data: fidelity.OfficeData, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    rows = []
    for m in RETENTION_POINTS:
        r = fidelity.retention(data, date_from, date_to, m)
        rows.append({"months": m, "share": r["value"], "kept": r["kept"], "n": r["n"]})
    return rows


def _in_groups(record: FollowupRecord) -> list[str]:
    groups = ["alle"]
    if record.age_at_start is not None and record.age_at_start < 30:
        groups.append("under_30")
    if record.target_refugee:
        groups.append("flyktninger")
    if record.target_ufore:
        groups.append("ufore")
    return groups


def _outcome(record: FollowupRecord, date_from: dt.date, date_to: dt.date) -> str:
    """arbeid_utdanning / videre_oppfolging / avsluttet (without work or education) for one participant."""
    started = [p for p in record.placements if p.start_date <= date_to]
    if started or (
        record.end_date is not None
        and record.end_date <= date_to
        and record.end_cause in ("arbeid", "utdanning")
    ):
        return "arbeid_utdanning"
    if record.end_date is None or record.end_date > date_to or record.end_detail == "annet_tiltak":
        return "videre_oppfolging"
    return "avsluttet"


def programme_counts(
    records: Iterable[FollowupRecord], date_from: dt.date, date_to: dt.date
) -> dict[str, int]:
    out = {
        "participants": 0,
        "arbeid_utdanning": 0,
        "videre_oppfolging": 0,
        "avsluttet": 0,
        "hours_increased": 0,
    }
    for r in records:
        if not fidelity.active_during(r, date_from, date_to):
            continue
        out["participants"] += 1
        out[_outcome(r, date_from, date_to)] += 1
        out["hours_increased"] += any(
            c.percent > p.percent for p in r.placements for c in p.changes if c.changed_on <= date_to
        )
    return out


def outcomes(
    data: fidelity.OfficeData, date_from: dt.date, date_to: dt.date
) -> dict[str, list[dict[str, Any]]]:
    by_programme = []
    for key, label in SERVICES.items():
        counts = programme_counts([r for r in data.records if r.service == key], date_from, date_to)
        if counts["participants"]:
            by_programme.append({"key": key, "label": label, **counts})
    by_group = []
    for key, label in TARGET_GROUPS.items():
        counts = programme_counts([r for r in data.records if key in _in_groups(r)], date_from, date_to)
        by_group.append({"key": key, "label": label, **counts})
    return {"programme": by_programme, "target_group": by_group}


def office_outcomes(
    session: Session, offices: Sequence[Office], date_from: dt.date, date_to: dt.date
) -> list[dict[str, Any]]:
    rows = []
    for o in offices:
        counts = programme_counts(fidelity.load_office_data(session, o.id).records, date_from, date_to)
        rows.append({"key": o.number, "label": o.name, **counts})
    return rows


def report(session: Session, *, office_id: int, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Everything the reports page shows for one office and period."""
    check_period(date_from, date_to)
    data = fidelity.load_office_data(session, office_id)
    figures = fidelity.indicators(data, date_from, date_to)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "job_starts": len(job_starts(data, date_from, date_to)),
        "per_month": job_starts_per_month(data, date_from, date_to),
        "first_job": time_to_first_job(data, date_from, date_to),
        "retention": retention_curve(data, date_from, date_to),
        "outcomes": outcomes(data, date_from, date_to),
        "quarters": fidelity.quarterly_rates(data, date_from, date_to),
        "figures": figures,
    }


def report_figures(
    session: Session, office_number: str, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """The `followup report` JSON of the operator contract (shape fixed there)."""
    office = accounts.get_office_by_number(session, office_number)
    default_from, default_to = default_period(date_to or today_in_oslo())
    date_to = date_to or default_to
    date_from = date_from or default_from
    check_period(date_from, date_to)
    data = fidelity.load_office_data(session, office.id)
    first = fidelity.days_to_first_employer_contact(data, date_from, date_to)
    q_from, q_to = quarter_bounds(date_to)
    names = {uid: u.email for uid, u in data.specialists.items()}
    loads = fidelity.caseloads(data, date_to)
    return {
        "job_starts": len(job_starts(data, date_from, date_to)),
        "quarterly_employment_rate": fidelity.employment_rate(data, q_from, min(q_to, date_to))["value"],
        "days_to_first_employer_contact": {
            "median": first["median"],
            "within_30_share": first["within_30_share"],
        },
        "employer_contacts_per_specialist_week": fidelity.employer_contacts_per_week(
            data, date_from, date_to
        )["value"],
        "community_share": fidelity.community_share(data, date_from, date_to)["value"],
        "caseload": {
            names.get(k, str(k)): v for k, v in sorted(loads.items(), key=lambda kv: names.get(kv[0], ""))
        },
        "retention": {f"{m}m": fidelity.retention(data, date_from, date_to, m)["value"] for m in (3, 6, 12)},
    }


def offices(session: Session) -> Sequence[Office]:
    return session.scalars(select(Office).order_by(Office.number)).all()


# --- CSV -------------------------------------------------------------------------------------------------

CSV_TABLES = ("jobbstarter", "forste-jobb", "beholdt", "utfall", "sysselsetting")


def to_csv(name: str, rep: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    if name == "jobbstarter":
        w.writerow(["maaned", "jobbstarter"])
        w.writerows([r["month"], r["starts"]] for r in rep["per_month"])
    elif name == "forste-jobb":
        w.writerow(["tid_fra_innskriving", "antall"])
        w.writerows([b["label"], b["count"]] for b in rep["first_job"]["bins"])
    elif name == "beholdt":
        w.writerow(["maaneder", "andel", "beholdt", "antall"])
        w.writerows([r["months"], r["share"], r["kept"], r["n"]] for r in rep["retention"])
    elif name == "utfall":
        w.writerow(
            ["gruppe", "deltakere", "arbeid_utdanning", "videre_oppfolging", "avsluttet", "okt_stilling"]
        )
        for r in rep["outcomes"]["programme"] + rep["outcomes"]["target_group"]:
            w.writerow(
                [
                    r["label"],
                    r["participants"],
                    r["arbeid_utdanning"],
                    r["videre_oppfolging"],
                    r["avsluttet"],
                    r["hours_increased"],
                ]
            )
    elif name == "sysselsetting":
        w.writerow(["kvartal", "andel", "i_jobb", "antall"])
        w.writerows([q["label"], q["value"], q["employed"], q["n"]] for q in rep["quarters"])
    else:
        raise ValidationFailed("Ukjent tabell.", field="tabell")
    return buf.getvalue()
