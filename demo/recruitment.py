"""Demo data for candidate lists: the demo employer's published openings get lists, and some of the candidates who
consented to that employer are shared from them (consent permits, sharing is the act), so the employer login sees
candidates. Some consenting candidates stay unshared, to show that consent alone shows the employer nothing."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from candidates import service_privacy as candidates_privacy
from core.models import User, utcnow
from employers import service_openings as employers_openings
from recruitment.models import CandidateList, CandidateListEntry, EntryEvent

SHARED_PER_OPENING = 3


def generate(session: Session, *, rng: random.Random, employers: Sequence[Any], users: Sequence[User]) -> int:
    """Returns how many entries were shared. Each shared entry is shared after the consent was recorded."""
    if not employers:
        return 0
    session.flush()
    employer = employers[0]
    sharer = next((u for u in users if u.role == "markedskontakt"), None)
    readable = employers_openings.readable_openings(session, None)
    cols = readable.selected_columns
    opening_ids: list[int] = list(
        session.scalars(
            readable.with_only_columns(cols.id)
            .where(cols.employer_id == employer.id, cols.status == "publisert")
            .order_by(cols.id)
        )
    )
    consenting = candidates_privacy.consenting_candidate_ids(session, employer_id=employer.id)
    if not opening_ids or not consenting:
        return 0
    local = random.Random(rng.getrandbits(64))
    # leave two consenting candidates unshared: their consent alone must show the employer nothing
    to_share = consenting[: max(0, len(consenting) - 2)]
    now = utcnow()
    shared = 0
    for n, opening_id in enumerate(opening_ids):
        list_id = session.scalar(
            insert(CandidateList)
            .values(opening_id=opening_id, created_by_id=sharer.id if sharer else None)
            .returning(CandidateList.id)
        )
        chosen = to_share[n * SHARED_PER_OPENING : (n + 1) * SHARED_PER_OPENING]
        for candidate_id in chosen:
            entry_id = session.scalar(
                insert(CandidateListEntry)
                .values(
                    list_id=list_id,
                    candidate_id=candidate_id,
                    added_by_id=sharer.id if sharer else None,
                    status=local.choice(("VURDERES", "AKTUELL", "KONTAKTET")),
                    outcome="PRESENTERT",
                    components={},
                    shared_at=now,
                    shared_by_id=sharer.id if sharer else None,
                    shared_by_name=sharer.name if sharer else "demodata",
                )
                .returning(CandidateListEntry.id)
            )
            session.execute(
                insert(EntryEvent),
                [
                    {
                        "entry_id": entry_id,
                        "at": now,
                        "actor_id": sharer.id if sharer else None,
                        "actor_name": sharer.name if sharer else "demodata",
                        "kind": kind,
                        "old_value": None,
                        "new_value": value,
                    }
                    for kind, value in (("added", "VURDERES"), ("shared", f"arbeidsgiver {employer.id}"))
                ],
            )
            shared += 1
    return shared
