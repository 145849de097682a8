"""Typeahead for people: candidates by name or candidate number, only among those the actor may read.

A suggestion shows a name, so it is a read of personal data: each candidate returned is written to the audit log
(purpose "kandidatsøk"), as opening the record would be. Nothing outside `readable_candidates` is looked at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import Session

from candidates.access import readable_candidates
from candidates.models import Candidate
from core import audit
from core.errors import ValidationFailed
from core.models import User
from matching.suggest import DEFAULT_LIMIT, rank_names

__all__ = ["CandidateSuggestion", "candidate_ref", "suggest_candidates"]

PURPOSE = "kandidatsøk"
MAX_READ = 2000  # names read for the tolerant ranking; a first-letter filter keeps it far below this
_NUMBER_AT_END = re.compile(r"\((\d{1,9})\)\s*$|^\s*(\d{1,9})\s*$")


@dataclass(frozen=True)
class CandidateSuggestion:
    id: int
    name: str
    confidence: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})"


def suggest_candidates(
    session: Session, *, actor: User, q: str, limit: int = DEFAULT_LIMIT, audited: bool = True
) -> list[CandidateSuggestion]:
    """Readable candidates whose number starts with the digits typed or whose name matches the words typed."""
    raw = (q or "").strip()
    if not raw:
        return []
    stmt = readable_candidates(actor).with_only_columns(
        Candidate.id, Candidate.first_name, Candidate.last_name
    )
    number = _NUMBER_AT_END.search(raw)
    if number:
        stmt = stmt.where(Candidate.id == int(number.group(1) or number.group(2)))
    else:
        first = raw.split()[0]
        head = first[:2] if len(first) >= 2 else first
        pattern = f"{head}%"
        stmt = stmt.where(
            or_(
                Candidate.first_name.ilike(pattern),
                Candidate.last_name.ilike(pattern),
                Candidate.first_name.ilike(f"%{first}%"),
                Candidate.last_name.ilike(f"%{first}%"),
            )
        )
    rows = session.execute(stmt.order_by(Candidate.id).limit(MAX_READ)).all()
    names = {r[0]: f"{r[1]} {r[2]}" for r in rows}
    if number:
        ranked = [(i, 1.0) for i in names]
    else:
        ranked = rank_names(raw, [(i, n, str(i)) for i, n in names.items()], limit)
    out = [CandidateSuggestion(int(i), names[i], conf) for i, conf in ranked[:limit]]
    if audited:
        for s in out:
            audit.record(
                session,
                actor=actor,
                action="read",
                subject_type="candidate",
                subject_id=s.id,
                purpose=PURPOSE,
            )
        session.flush()
    return out


def candidate_ref(session: Session, *, actor: User, text: str, field: str) -> int:
    """The candidate a person chose in a typeahead field: a number, "Name (number)", or a name that only one
    readable candidate has. Otherwise a 422 on `field` that asks the person to pick from the suggestions."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed("Velg en kandidat.", field=field)
    number = _NUMBER_AT_END.search(raw)
    if number:
        return int(number.group(1) or number.group(2))
    hits = [s for s in suggest_candidates(session, actor=actor, q=raw, limit=2) if s.confidence >= 1.0]
    if len(hits) == 1:
        return hits[0].id
    raise ValidationFailed(
        f"Fant ingen entydig kandidat for «{raw}». Skriv navn eller kandidatnummer og velg et av forslagene.",
        field=field,
    )
