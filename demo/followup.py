"""Demo follow-up history, 2025-11 → 2026-11, for every demo office's job specialist: enrolments, phases,
employer contacts (mostly face to face, out in the community), part-time job starts (some increased later),
job endings, benefits counselling, fidelity reviews and weekly snapshots. Deterministic for the rng given."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from candidates import service as candidates_service
from core.models import Office, User
from employers import access as employers_access
from followup import service_fidelity as followup_fidelity
from followup import service_placements as followup_placements
from followup import service_plan as followup_plan
from followup import service_records as followup_records
from followup.dates import week_start

HISTORY_START = dt.date(2025, 11, 1)
HISTORY_END = dt.date(2026, 11, 20)
SERVICE_WEIGHTS = (("ips", 55), ("ips_ung", 20), ("supported_employment", 15), ("kvp", 5), ("ordinaer", 5))
TYPE_WEIGHTS = (
    ("ordinaer", 58),
    ("lonnstilskudd", 22),
    ("arbeidstrening", 10),
    ("laerling", 5),
    ("utdanning", 5),
)
PERCENTS = (20, 20, 30, 30, 40, 40, 50, 50, 60, 80, 100)
END_REASONS = (
    ("sa_opp", 3),
    ("oppsagt", 2),
    ("midlertidig_utlop", 3),
    ("helse", 3),
    ("ny_jobb", 2),
    ("utdanning", 1),
)
PERSON_MODES = (("samfunnet", 45), ("arbeidsplassen", 10), ("nav", 15), ("telefon", 22), ("digitalt", 8))
EMPLOYER_MODES = (("arbeidsplassen", 60), ("samfunnet", 22), ("nav", 3), ("telefon", 12), ("digitalt", 3))
TITLES = (
    "Butikkmedarbeider",
    "Lagermedarbeider",
    "Kokkelærling",
    "Renholder",
    "Barnehageassistent",
    "Vaktmester",
    "Kantinemedarbeider",
    "Sjåfør",
    "Helsefagarbeider",
    "Gartner",
    "Resepsjonist",
    "Kundeservicemedarbeider",
    "Pakkeri",
    "Bilpleier",
    "Kafémedarbeider",
    "Lærling IKT",
    "Snekkerlærling",
    "Produksjonsmedarbeider",
)
CONTENT_PERSON = (
    "Samtale om jobbønsker",
    "Gikk gjennom CV",
    "Kaffe og planlegging av neste uke",
    "Forberedte jobbintervju",
    "Oppfølging etter første arbeidsdag",
    "Snakket om arbeidstid og transport",
    "Fulgte til møte med leder",
)
CONTENT_EMPLOYER = (
    "Presenterte kandidaten",
    "Møte om tilpasninger",
    "Trepartsmøte med leder",
    "Omvisning på arbeidsplassen",
    "Avklarte arbeidsoppgaver",
    "Oppfølging av ny medarbeider",
)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    keys, weights = zip(*weighted, strict=True)
    return rng.choices(keys, weights=weights)[0]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def generate(
    session: Session,
    *,
    rng: random.Random,
    offices: Sequence[Office],
    users: Sequence[User],
    employers: Sequence[Any],
    size: str = "small",
) -> int:
    rng = random.Random(rng.getrandbits(64))
    per_office = 24 if size == "small" else 120
    employer_user = session.scalar(select(User).where(User.role == "arbeidsgiver").order_by(User.id))
    employer_user_orgs = (
        set(employers_access.employer_ids_for(session, employer_user)) if employer_user else set()
    )
    count = 0
    for office in offices:
        specialist = next((u for u in users if u.role == "jobbspesialist" and u.office_id == office.id), None)
        if specialist is None:
            continue
        local = [e for e in employers if e.municipality_code in office.municipalities] or list(employers)
        candidates = list(candidates_service.list_candidates(session, actor=specialist, limit=per_office * 3))
        rng.shuffle(candidates)
        for candidate in candidates[:per_office]:
            _one(session, rng, specialist, candidate, local, employer_user, employer_user_orgs)
            count += 1
        _reviews(session, rng, specialist, office)
    for monday in _mondays(HISTORY_END - _days(7 * 11), HISTORY_END):
        followup_fidelity.take_fidelity_snapshot(
            session, monday + _days(6) if monday + _days(6) <= HISTORY_END else HISTORY_END
        )
    session.flush()
    return count


def _mondays(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    out = []
    d = week_start(date_from)
    while d <= date_to:
        out.append(d)
        d += _days(7)
    return out


def _one(
    session: Session,
    rng: random.Random,
    spec: User,
    candidate: Any,
    employers: Sequence[Any],
    employer_user: User | None,
    employer_user_orgs: set[int],
) -> None:
    end = HISTORY_END
    start = HISTORY_START + _days(rng.randint(0, 330))
    age = candidate.age(start)
    service = _pick(rng, SERVICE_WEIGHTS)
    if service == "ips_ung" and (age is None or not 16 <= age <= 30):
        service = "ips"
    record = followup_records.enrol(
        session,
        actor=spec,
        candidate_id=candidate.id,
        service=service,
        referral_date=start - _days(rng.randint(3, 21)),
        start_date=start,
        goal="utdanning" if rng.random() < 0.1 else "arbeid",
        out_of_work_at_intake=rng.random() < 0.92,
        target_refugee=rng.random() < 0.12,
        target_ufore=rng.random() < 0.15,
        today=start,
    )
    followup_records.save_profile(
        session,
        actor=spec,
        record=record,
        data={
            "preferences": rng.choice(
                ("Vil jobbe med mennesker", "Liker praktisk arbeid", "Ønsker dagtid", "Vil ut i butikk")
            ),
            "transport": rng.choice(("Buss", "Sykkel", "Har bil", "Går")),
            "preferred_hours": rng.choice(("Formiddag", "Dagtid, 3 dager i uka", "Fleksibelt")),
            "ufore_grad": 50 if record.target_ufore else None,
        },
    )
    if rng.random() < 0.6:
        followup_records.save_disclosure(
            session,
            actor=spec,
            record=record,
            may_tell="At jeg har hatt en periode utenfor arbeidslivet.",
            may_not_tell="Diagnose og behandling.",
            consent_date=start + _days(rng.randint(3, 14)),
        )
    phase_day = start + _days(rng.randint(5, 20))
    if phase_day < end:
        followup_records.enter_phase(session, actor=spec, record=record, phase=2, entered_on=phase_day)
    search_day = phase_day + _days(rng.randint(5, 20))
    if search_day < end:
        followup_records.enter_phase(
            session, actor=spec, record=record, phase=3, entered_on=search_day
        )  # status follows

    def contact(
        day: dt.date, with_whom: str, employer: Any | None = None, placement_id: int | None = None
    ) -> None:
        if day > end or day < start:
            return
        modes = EMPLOYER_MODES if with_whom == "arbeidsgiver" else PERSON_MODES
        participant = None
        if (
            employer is not None
            and employer.id in employer_user_orgs
            and employer_user is not None
            and rng.random() < 0.5
        ):
            participant = employer_user.id
        followup_records.log_contact(
            session,
            actor=spec,
            record=record,
            date=day,
            with_whom=with_whom,
            mode=_pick(rng, modes),
            duration_minutes=rng.choice((20, 30, 45, 60, 90)),
            content=rng.choice(CONTENT_EMPLOYER if with_whom == "arbeidsgiver" else CONTENT_PERSON),
            employer_id=employer.id if employer is not None else None,
            employer_user_id=participant if with_whom == "arbeidsgiver" else None,
            placement_id=placement_id,
            today=end,
        )

    # the job search: first face-to-face employer contact mostly within 30 days, then frequent contacts
    first_employer = start + _days(rng.randint(6, 32) if rng.random() < 0.8 else rng.randint(35, 70))
    gets_job = rng.random() < 0.62
    job_day = start + _days(rng.randint(30, 160)) if gets_job else None
    ends_on = None
    if (job_day is None or job_day > end) and start < end - _days(200) and rng.random() < 0.2:
        ends_on = start + _days(rng.randint(120, 200))
    search_until = min(job_day or end, end, ends_on or end)
    day = first_employer
    while day <= search_until:
        contact(day, "arbeidsgiver", rng.choice(employers))
        day += _days(rng.randint(4, 12))
    day = start + _days(rng.randint(1, 6))
    while day <= search_until:
        contact(day, "person")
        day += _days(rng.randint(6, 16))
    if job_day is None or job_day > end:
        if ends_on is not None:
            followup_records.end_record(
                session,
                actor=spec,
                record=record,
                end_date=ends_on,
                cause="annet",
                detail=rng.choice(("sykdom", "annet_tiltak", "sokt_ufore", "flyttet")),
            )
            return
        followup_plan.extend_rolling(session, record, [], end)
        return

    # a job: benefits counselling before, mostly part time, sometimes increased later
    jobs = 0
    while job_day is not None and job_day <= end and jobs < 2:
        jobs += 1
        employer = rng.choice(employers)
        type_ = _pick(rng, TYPE_WEIGHTS)
        percent = rng.choice(PERCENTS)
        if rng.random() < 0.85:
            followup_records.log_counselling(
                session,
                actor=spec,
                record=record,
                date=job_day - _days(rng.randint(2, 10)),
                occasion="jobbstart",
                benefits="Arbeidsavklaringspenger" if not record.target_ufore else "Uføretrygd 50 %",
                expected_annual_earnings=int(4200 * percent * rng.uniform(0.8, 1.2)),
            )
        if rng.random() < 0.7:
            contact(job_day - _days(rng.randint(1, 6)), "person")
        placement = followup_placements.start_placement(
            session,
            actor=spec,
            record=record,
            type=type_,
            start_date=job_day,
            percent=percent,
            employer_id=None if type_ == "utdanning" else employer.id,
            title="Videregående opplæring" if type_ == "utdanning" else rng.choice(TITLES),
            wage_type="ingen"
            if type_ == "arbeidstrening"
            else rng.choice(("timelonn", "timelonn", "fastlonn")),
            contact_person=f"Leder {rng.choice(('Hansen', 'Berg', 'Dahl', 'Lie', 'Moe'))}",
            today=job_day,
        )
        job_end = None
        if rng.random() < 0.28:
            job_end = job_day + _days(rng.randint(30, 240))
        until = min(job_end or end, end)
        # follow-along: weekly the first month, then every 2–5 weeks (so some duties slip past their date)
        day = job_day + _days(rng.randint(1, 3))
        n = 0
        while day <= until:
            who = "arbeidsgiver" if rng.random() < 0.35 else "person"
            contact(day, who, employer if who == "arbeidsgiver" else None, placement.id)
            n += 1
            day += _days(rng.randint(5, 8) if n < 4 else rng.randint(14, 38))
        if rng.random() < 0.3 and job_day + _days(60) < until:
            changed = job_day + _days(rng.randint(60, 150))
            if changed <= until:
                new_percent = min(100, percent + rng.choice((10, 20, 20, 30)))
                followup_records.log_counselling(
                    session,
                    actor=spec,
                    record=record,
                    date=changed - _days(5),
                    occasion="endring_timer",
                    expected_annual_earnings=int(4200 * new_percent),
                )
                followup_placements.change_placement(
                    session,
                    actor=spec,
                    record=record,
                    placement=placement,
                    changed_on=changed,
                    percent=new_percent,
                    note="Økte stillingen",
                )
        if job_end is not None and job_end <= end:
            followup_placements.end_placement(
                session,
                actor=spec,
                record=record,
                placement=placement,
                end_date=job_end,
                reason=_pick(rng, END_REASONS),
                today=job_end,
            )
            contact(job_end + _days(rng.randint(1, 4)), "person")
            job_day = job_end + _days(rng.randint(30, 120)) if rng.random() < 0.45 else None
            if job_day is not None:
                day = job_end + _days(7)
                while day < min(job_day, end):
                    contact(day, "arbeidsgiver", rng.choice(employers))
                    day += _days(rng.randint(5, 12))
        else:
            job_day = None
    record = followup_records.load(session, record.id)
    followup_plan.extend_rolling(session, record, record.placements, end)


def _reviews(session: Session, rng: random.Random, spec: User, office: Office) -> None:
    base = rng.randint(3, 4)
    for i, day in enumerate(
        (dt.date(2025, 12, 10), dt.date(2026, 3, 10), dt.date(2026, 6, 10), dt.date(2026, 9, 10))
    ):
        scores = [
            max(1, min(5, base + rng.choice((-1, 0, 0, 1)) + (1 if i >= 2 and rng.random() < 0.4 else 0)))
            for _ in followup_fidelity.FIDELITY_ITEMS
        ]
        followup_fidelity.save_review(
            session,
            actor=spec,
            office_id=office.id,
            review_date=day,
            scores=scores,
            note=f"Gjennomgang {i + 1}",
        )
