"""Demo data: realistic, synthetic, reproducible from a seed. One module per domain (`demo.employers`, `demo.candidates`,
`demo.followup`, `demo.recruitment`, `demo.plans`, shared names in `demo.names`); this one makes the offices and logins
and runs them in order. Only the CLI (`arbeidsbro demo-data`, `make run`) and the tests load it; no domain imports it."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from candidates.models import Candidate
from core import accounts
from core.models import Office, User
from demo import candidates as candidates_demo
from demo import employers as employers_demo
from demo import followup as followup_demo
from demo import journal as journal_demo
from demo import plans as plans_demo
from demo import recruitment as recruitment_demo
from employers.models import Employer

# Public on purpose: these are the demo logins printed by `make run`. Never used outside demo data.
DEMO_PASSWORD = "Demo-Arbeidsbro-2026"
# Admins must use a second factor; the demo admin's TOTP key is public too (add it to an authenticator app).
DEMO_ADMIN_TOTP = "ARBEIDSBRODEMOADMINTOTPNOKKEL234"

OFFICES = (
    ("0502", "NAV Gjøvik", ["3407"]),
    ("0501", "NAV Lillehammer-Gausdal", ["3405"]),
    ("1601", "NAV Trondheim", ["5001"]),
)

STAFF = (
    ("admin@arbeidsbro.no", "Ada Administrator", "admin", None),
    ("markedskontakt@arbeidsbro.no", "Marte Markedskontakt", "markedskontakt", "0502"),
    ("jobbspesialist@arbeidsbro.no", "Jonas Jobbspesialist", "jobbspesialist", "0502"),
    ("markedskontakt.lillehammer@arbeidsbro.no", "Lars Lillehammer", "markedskontakt", "0501"),
    ("jobbspesialist.lillehammer@arbeidsbro.no", "Linn Lillehammer", "jobbspesialist", "0501"),
    ("markedskontakt.trondheim@arbeidsbro.no", "Trond Trondheim", "markedskontakt", "1601"),
    ("jobbspesialist.trondheim@arbeidsbro.no", "Tiril Trondheim", "jobbspesialist", "1601"),
)

# NAV follow-up caseworkers, one employed by the state and one by the municipality at each office (a NAV office is
# a partnership of both); created after the other staff, so the generators before them draw as they did.
VEILEDERE = (
    ("veileder@arbeidsbro.no", "Vera Veileder", "0502", "STAT"),
    ("veileder.kommune@arbeidsbro.no", "Kasper Kommuneveileder", "0502", "KOMMUNE"),
    ("veileder.lillehammer@arbeidsbro.no", "Live Lillehammer", "0501", "STAT"),
    ("veileder.kommune.lillehammer@arbeidsbro.no", "Kari Gausdal", "0501", "KOMMUNE"),
    ("veileder.trondheim@arbeidsbro.no", "Tore Trondheim", "1601", "STAT"),
    ("veileder.kommune.trondheim@arbeidsbro.no", "Kine Kommuneveileder", "1601", "KOMMUNE"),
)

EMPLOYER_USER = ("arbeidsgiver@arbeidsbro.no", "Arne Arbeidsgiver")


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(User))


def load(session: Session, *, size: str = "small", seed: int = 42) -> dict[str, Any]:
    rng = random.Random(seed)
    offices = [
        accounts.create_office(session, number=n, name=name, municipalities=m) for n, name, m in OFFICES
    ]
    by_number = {o.number: o for o in offices}
    users = [
        accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            office=by_number[office] if office else None,
        )
        for email, name, role, office in STAFF
    ]
    users[0].totp_secret = DEMO_ADMIN_TOTP
    employers = employers_demo.generate(session, rng=rng, offices=offices, users=users, size=size)
    employer_user = accounts.create_user(
        session, email=EMPLOYER_USER[0], name=EMPLOYER_USER[1], role="arbeidsgiver", password=DEMO_PASSWORD
    )
    employers_demo.bind_demo_employer_user(session, user=employer_user, employers=employers)
    candidates_demo.generate(session, rng=rng, offices=offices, users=users, size=size, employers=employers)
    followup_demo.generate(session, rng=rng, offices=offices, users=users, employers=employers, size=size)
    recruitment_demo.generate(session, rng=rng, employers=employers, users=users)
    veiledere = [
        accounts.create_user(
            session,
            email=email,
            name=name,
            role="veileder",
            password=DEMO_PASSWORD,
            office=by_number[office],
            employment=employment,
        )
        for email, name, office, employment in VEILEDERE
    ]
    journal_demo.generate(session, rng=random.Random(seed + 19), veiledere=veiledere, size=size)
    plans_demo.generate(session, rng=rng, offices=offices, users=users, veiledere=veiledere)
    session.flush()
    return existing_summary(session, seed=seed)


def existing_summary(session: Session, *, seed: int = 42) -> dict[str, Any]:
    users = session.scalars(select(User).order_by(User.id)).all()
    demo_emails = {s[0] for s in STAFF} | {v[0] for v in VEILEDERE} | {EMPLOYER_USER[0]}
    return {
        "employers": session.scalar(select(func.count()).select_from(Employer)) or 0,
        "openings": employers_demo.count_openings(session),
        "candidates": session.scalar(select(func.count()).select_from(Candidate)) or 0,
        "offices": session.scalar(select(func.count()).select_from(Office)) or 0,
        "users": [
            {"email": u.email, "role": u.role, "password": DEMO_PASSWORD}
            | ({"employed_by": u.employment.lower()} if u.employment else {})
            | ({"totp_secret": DEMO_ADMIN_TOTP} if u.role == "admin" else {})
            for u in users
            if u.email in demo_emails
        ],
    }


def format_summary(result: dict[str, Any]) -> str:
    lines = []
    if result.get("skipped"):
        lines.append("Databasen har allerede data; demodata ble ikke lastet på nytt.")
    lines.append(
        f"Demodata: {result['offices']} NAV-kontorer, {result['employers']} arbeidsgivere, "
        f"{result['openings']} stillinger, {result['candidates']} kandidater."
    )
    if result["users"]:
        lines.append(f"Demo-innlogginger (passord for alle: {DEMO_PASSWORD}):")
        lines.extend(
            f"  {u['role']:<15} {u['email']}" + (f" ({u['employed_by']})" if u.get("employed_by") else "")
            for u in result["users"]
        )
        lines.append(
            f"Admin krever tofaktor: legg TOTP-nøkkelen {DEMO_ADMIN_TOTP} inn i en autentiseringsapp."
        )
    return "\n".join(lines)
