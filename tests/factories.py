"""Small factory functions per domain: real rows through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import httpx
import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from candidates import service as candidates_service
from candidates.models import Candidate
from core import accounts
from core.models import Office, User
from employers import orgnr as orgnr_rules
from employers import service as employers_service
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers.models import Employer
from followup import service_records as followup_records

PASSWORD = "korrekt-hest-batteri-stift"
_seq = itertools.count(1)


def make_office(
    db: Session,
    number: str | None = None,
    name: str | None = None,
    municipalities: tuple[str, ...] = ("3407",),
) -> Office:
    n = next(_seq)
    return accounts.create_office(
        db,
        number=number or f"{9000 + n % 999:04d}",
        name=name or f"NAV Test {n}",
        municipalities=municipalities,
    )


def make_user(
    db: Session,
    role: str = "jobbspesialist",
    office: Office | None = None,
    employer: Employer | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    employment: str | None = None,
) -> User:
    n = next(_seq)
    if role in ("markedskontakt", "jobbspesialist", "veileder") and office is None:
        office = make_office(db)
    user = accounts.create_user(
        db,
        email=email or f"{role}{n}@test.no",
        name=f"Test {role} {n}",
        role=role,
        password=password,
        office=office,
        employment=employment,
    )
    if employer is not None:
        employers_service.bind_user(db, user=user, employer=employer)
    db.flush()
    return user


def valid_orgnr(seed: int | None = None) -> str:
    base = 91_000_000 + (seed if seed is not None else next(_seq) * 7919) % 8_999_999
    while True:
        number = orgnr_rules.complete(str(base))
        if number:
            return number
        base += 1


def make_employer(
    db: Session, name: str | None = None, municipality_code: str = "3407", actor: User | None = None
) -> Employer:
    n = next(_seq)
    return employers_service.create_employer(
        db,
        actor=actor,
        orgnr=valid_orgnr(n * 7919),  # spread out: neighbouring bases can complete to the same number
        name=name or f"Testbedrift {n} AS",
        municipality_code=municipality_code,
    )


def make_candidate(db: Session, office: Office | None, actor: User | None = None, **kw: object) -> Candidate:
    if office is None:  # a user's office, passed as it is: the admin has none
        raise ValueError("make_candidate needs an office; this user has none")
    n = next(_seq)
    data = {
        "first_name": f"Kari{n}",
        "last_name": "Nordmann",
        "birth_date": dt.date(1990, 5, 17),
        "municipality_code": "3407",
    }
    data.update(kw)
    return candidates_service.create_candidate(db, actor=actor, office=office, **data)  # type: ignore[arg-type]  # test data passed through as the caller gave it


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def found(pattern: str, text: str) -> str:
    """The first group of `pattern`'s first match in `text`; fails the test, naming the pattern, without one."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} is not in the text"
    return match.group(1)


def csrf_from(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_RE.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


SECRET_RE = re.compile(r'<code class="token">([A-Z2-7 ]+)</code>')


def totp_codes(secret: str) -> list[str]:
    """This step's code and the next: a code is accepted once, so a second login in the same 30 s takes the next."""
    totp = pyotp.TOTP(secret.replace(" ", ""))
    step = totp.timecode(dt.datetime.now())
    return [totp.generate_otp(step), totp.generate_otp(step + 1)]


def login(client: TestClient, user: User, password: str = PASSWORD) -> None:
    """Logs in through the real form, answering the second factor like an authenticator app would."""
    token = csrf_from(client)
    r = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token, "next": "/"}
    )
    assert r.status_code == 303, r.text
    if r.headers["location"] != "/login/totp":
        return
    page = client.get("/login/totp")
    enrol = SECRET_RE.search(page.text)
    secret = enrol.group(1) if enrol else user.totp_secret
    assert secret, "second factor asked for, but no secret known"
    for code in totp_codes(secret):
        r = client.post("/login/totp", data={"code": code, "csrf_token": csrf_from(client, "/login/totp")})
        if r.status_code == 303:
            if enrol:
                user.totp_secret = secret.replace(" ", "")
            return
    raise AssertionError(f"second factor refused: {r.text[:500]}")


def post_form(client: TestClient, path: str, data: dict, page: str = "/") -> httpx.Response:
    """Posts a form the way a browser does: with the CSRF token the page gave it."""
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def api_headers(db: Session, user: User) -> dict[str, str]:
    token = accounts.issue_token(db, user=user, name="test")
    db.flush()
    return {"Authorization": f"Bearer {token}"}


def make_followup_record(
    db: Session,
    office: Office,
    specialist: User,
    candidate: Candidate | None = None,
    *,
    service: str = "ips",
    start_date: dt.date = dt.date(2026, 1, 5),
    today: dt.date | None = None,
    **kw: object,
):
    """A follow-up record ("jobbspor") enrolled through the real service by the job specialist."""
    candidate = candidate or make_candidate(db, office, actor=specialist)
    return followup_records.enrol(
        db,
        actor=specialist,
        candidate_id=candidate.id,
        service=service,
        referral_date=kw.pop("referral_date", start_date),  # type: ignore[arg-type]  # test data passed through as the caller gave it
        start_date=start_date,
        today=today or start_date,
        **kw,  # type: ignore[arg-type]  # test data passed through as the caller gave it
    )


# --- employers ------------------------------------------------------------------------------------------


def load_builtin_reference(db: Session) -> None:
    """The full reference data the product ships (core/refdata), through the real import (bulk: well under a
    second)."""
    from core import reference

    if reference.is_empty(db):
        reference.import_reference(db, reference.default_files(None))


def make_opening(db: Session, employer: Employer, actor: User | None = None, **kw: Any):
    data: dict[str, Any] = {"title": "Lagermedarbeider", "percent_min": 40, "percent_max": 60}
    data.update(kw)
    return employers_openings.create_opening(db, actor=actor, employer_id=employer.id, **data)


def make_praksisplass(db: Session, employer: Employer, actor: User | None = None, **kw: object):
    data: dict[str, object] = {"title": "Praksis på lager", "places": 2}
    data.update(kw)
    return employers_praksis.create_praksisplass(db, actor=actor, employer_id=employer.id, **data)
