"""Synthetic employers for the demo: valid organisasjonsnummer, Norwegian names, spread over the offices."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.demo_names import EMPLOYER_KINDS, EMPLOYER_STEMS, PUBLIC_EMPLOYERS
from core.models import Office, User
from employers import orgnr as orgnr_rules
from employers import service
from employers.models import Employer

MUNICIPALITY_NAMES = {"3407": "Gjøvik", "3405": "Lillehammer", "5001": "Trondheim"}


def _orgnr(rng: random.Random, used: set[str]) -> str:
    while True:
        number = orgnr_rules.complete(
            str(rng.choice((8, 9))) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        )
        if number and number not in used:
            used.add(number)
            return number


def generate(
    session: Session, *, rng: random.Random, offices: Sequence[Office], users: Sequence[User], size: str
) -> list[Employer]:
    count = 60 if size == "small" else 2000
    used: set[str] = set()
    names: set[str] = set()
    employers: list[Employer] = []
    contacts = [u for u in users if u.role == "markedskontakt"]
    for i in range(count):
        office = offices[i % len(offices)]
        municipality = office.municipalities[0]
        if i % 10 == 9:
            kind, _nace, _sector = rng.choice(PUBLIC_EMPLOYERS)
            name = f"{MUNICIPALITY_NAMES.get(municipality, 'Bygde')} {kind}"
        else:
            kind, _nace, _sector = rng.choice(EMPLOYER_KINDS)
            name = f"{rng.choice(EMPLOYER_STEMS)} {kind}"
        while name in names:
            name = f"{rng.choice(EMPLOYER_STEMS)}{rng.choice(('s', 'en', 'heim', 'vik'))} {kind}"
        names.add(name)
        owner = next((c for c in contacts if c.office_id == office.id), None)
        employer = service.create_employer(
            session,
            actor=owner,
            orgnr=_orgnr(rng, used),
            name=name,
            municipality_code=municipality,
            status=rng.choice(("prospekt", "aktiv", "aktiv", "samarbeidspartner")),
        )
        employers.append(employer)
    return employers


def bind_demo_employer_user(session: Session, *, user: User, employers: Sequence[Employer]) -> None:
    service.bind_user(session, user=user, employer=employers[0])


def count_openings(session: Session) -> int:
    return 0
