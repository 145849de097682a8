"""Synthetic candidates for the demo: varied ages and places, spread over the offices."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy.orm import Session

from candidates import service
from core.demo_names import FIRST_NAMES, LAST_NAMES
from core.models import Office, User


def generate(
    session: Session, *, rng: random.Random, offices: Sequence[Office], users: Sequence[User], size: str
) -> int:
    count = 300 if size == "small" else 20000
    today = dt.date(2026, 11, 1)
    specialists = {u.office_id: u for u in users if u.role == "jobbspesialist"}
    for i in range(count):
        office = offices[i % len(offices)]
        age_days = rng.randint(18 * 365, 62 * 365)
        service.create_candidate(
            session,
            actor=specialists.get(office.id),
            office=office,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_date=today - dt.timedelta(days=age_days),
            municipality_code=office.municipalities[0],
        )
    return count
