"""One person's candidate-list entries as other domains need them (the plan shows each entry shared with the
person's consent as a STILLING_FRA_NAV card). Reads recruitment's own tables; the consent rule is the candidates
domain's (`covered_shares`), the opening and employer names the employers domain's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import service_privacy as candidates_privacy
from core.models import User
from employers import service_openings as employers_openings
from recruitment.models import CandidateList, CandidateListEntry


@dataclass(frozen=True)
class SharedEntry:
    """An entry shared with the opening's employer and still covered by the person's consent."""

    entry_id: int
    opening_id: int
    opening_title: str
    employer_name: str
    municipality_code: str | None
    application_deadline: dt.date | None
    status: str
    outcome: str
    employer_answer: str | None
    shared_at: dt.datetime
    shared_by_name: str | None


def shared_entries_for_candidate(
    session: Session, *, actor: User | None, candidate_id: int
) -> list[SharedEntry]:
    """The person's entries shared with an employer under an active consent, oldest share first; none for a
    reader who may not read the person (the candidates domain's rule)."""
    readable = candidates_access.readable_candidates(actor)
    readable_ids = readable.with_only_columns(readable.selected_columns.id)
    rows = session.execute(
        select(CandidateListEntry, CandidateList.opening_id)
        .join(CandidateList, CandidateList.id == CandidateListEntry.list_id)
        .where(
            CandidateListEntry.candidate_id == candidate_id,
            CandidateListEntry.candidate_id.in_(readable_ids),
            CandidateListEntry.shared_at.is_not(None),
        )
        .order_by(CandidateListEntry.shared_at, CandidateListEntry.id)
    ).all()
    if not rows:
        return []
    openings = employers_openings.openings_with_employer_names(session, [r.opening_id for r in rows])
    shares = [
        candidates_privacy.EmployerShare(
            entry.id,
            entry.candidate_id,
            openings[opening_id][0].employer_id,
            opening_id,
            openings[opening_id][0].title,
            entry.shared_at,
        )
        for entry, opening_id in rows
        if opening_id in openings and entry.shared_at is not None
    ]
    covered = {s.entry_id for s, _ in candidates_privacy.covered_shares(session, shares)}
    out = []
    for entry, opening_id in rows:
        if entry.id not in covered or entry.shared_at is None:
            continue
        opening, employer_name = openings[opening_id]
        out.append(
            SharedEntry(
                entry_id=entry.id,
                opening_id=opening_id,
                opening_title=opening.title,
                employer_name=employer_name,
                municipality_code=opening.municipality_code,
                application_deadline=opening.application_deadline,
                status=entry.status,
                outcome=entry.outcome,
                employer_answer=entry.employer_answer,
                shared_at=entry.shared_at,
                shared_by_name=entry.shared_by_name,
            )
        )
    return out
