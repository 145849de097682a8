"""The nightly re-match: every published opening ranked against every active candidate, the top matches stored,
and the *new* strong ones (not stored at the previous run) reported per responsible staff member.

Two steps so the scheduler can keep the write transaction short: `rank_top_matches` only reads (it may run on
a read-only connection for minutes on national-scale data), `store_top_matches` writes the difference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from candidates import service as candidates_service
from core.models import User, utcnow
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from recruitment import pool
from recruitment.models import TopMatch

TOP_K = 20  # stored per opening
STRONG_SCORE = 0.85  # a stored match at or above this score, and among the opening's best STRONG_RANK, is
STRONG_RANK = (
    5  # "strong" and worth a notification (on the large demo 0.8 alone let 77 % of the top 20 through)
)


@dataclass(frozen=True)
class Match:
    opening_id: int
    candidate_id: int
    rank: int
    score: float


@dataclass
class RankResult:
    matches: list[Match]
    openings: int
    candidates: int
    weights_version: str


@dataclass
class StoreResult:
    stored: int = 0
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    new_strong: list[Match] = field(default_factory=list)
    # staff user id → the new strong matches that concern them (their candidate, or their employer's opening)
    by_user: dict[int, list[Match]] = field(default_factory=dict)


def rank_top_matches(
    session: Session, *, today: dt.date, k: int = TOP_K, opening_ids: Sequence[int] | None = None
) -> RankResult:
    """Ranks the active candidates for each published opening (vectorised engine, feasible only). Reads only."""
    openings = pool.opening_profiles(session, ids=opening_ids)
    candidates = pool.candidate_profiles(session, today=today)
    matcher = pool.new_matcher(session, openings, candidates, today=today)
    matches: list[Match] = []
    if candidates:
        for opening in openings:
            for rank, item in enumerate(matcher.rank_candidates(opening, k), start=1):
                if item.feasible:
                    matches.append(Match(int(opening.id), int(item.id), rank, round(item.score, 4)))
    return RankResult(matches, len(openings), len(candidates), matcher.weights_version)


def store_top_matches(
    session: Session,
    matches: Iterable[Match],
    *,
    now: dt.datetime | None = None,
    strong_score: float = STRONG_SCORE,
    opening_ids: Sequence[int] | None = None,
) -> StoreResult:
    """Replaces the stored top matches with `matches` (writing only the difference) and returns the strong
    matches that were not stored before, grouped per responsible staff member. Running it twice with the same
    matches changes nothing and reports nothing new.

    `opening_ids` limits the replacement to those openings (a partial re-match); otherwise every stored pair
    missing from `matches` is removed (its opening closed or its candidate left)."""
    now = now or utcnow()
    current = _still_there(session, {(m.opening_id, m.candidate_id): m for m in matches})
    stmt = select(TopMatch.opening_id, TopMatch.candidate_id, TopMatch.rank, TopMatch.score)
    if opening_ids is not None:
        stmt = stmt.where(TopMatch.opening_id.in_(list(opening_ids)))
    # read after the hold: no held pair can lose its row (a cascade) before the writes below
    previous = {(o, c): (r, s) for o, c, r, s in session.execute(stmt)}
    result = StoreResult(stored=len(current))

    gone = [{"o": o, "c": c} for (o, c) in previous.keys() - current.keys()]
    if gone:
        # Core-level executemany: SQLAlchemy has no ORM bulk DELETE with a list of parameter sets
        table = cast(Table, TopMatch.__table__)  # a declarative model's __table__ is the Table it maps
        session.connection().execute(
            delete(table).where(table.c.opening_id == bindparam("o"), table.c.candidate_id == bindparam("c")),
            gone,
        )
    new = [m for key, m in current.items() if key not in previous]
    if new:
        _insert(session, new, now)
    changed = [
        {"opening_id": o, "candidate_id": c, "rank": m.rank, "score": m.score, "updated_at": now}
        for (o, c), m in current.items()
        if (o, c) in previous and previous[(o, c)] != (m.rank, m.score)
    ]
    if changed:
        session.execute(update(TopMatch), changed)
    session.flush()
    result.removed, result.inserted, result.updated = len(gone), len(new), len(changed)
    result.new_strong = sorted(
        (m for m in new if m.score >= strong_score and m.rank <= STRONG_RANK),
        key=lambda m: (-m.score, m.opening_id, m.candidate_id),
    )
    result.by_user = recipients(session, result.new_strong)
    return result


def _insert(session: Session, matches: Sequence[Match], now: dt.datetime) -> None:
    session.execute(
        insert(TopMatch),
        [
            {
                "opening_id": m.opening_id,
                "candidate_id": m.candidate_id,
                "rank": m.rank,
                "score": m.score,
                "first_seen_at": now,
                "updated_at": now,
            }
            for m in matches
        ],
    )


def _still_there(session: Session, pairs: dict[tuple[int, int], Match]) -> dict[tuple[int, int], Match]:
    """The pairs whose opening and candidate still exist, re-checked in the writing transaction and held until
    it ends: the ranking read may be minutes old (or come from an index that outlived its rows), and an erasure,
    a retention run or a deleted opening — before the re-check or, on PostgreSQL's read committed, after it —
    must neither make the insert fail on a foreign key nor store a match for a person who is gone. A deletion
    that comes after the re-check waits for this transaction, then takes the stored pairs with it (cascade)."""
    if not pairs:
        return pairs
    candidates = candidates_service.hold_candidates(session, [c for _, c in pairs])
    openings = employers_openings.hold_openings(session, [o for o, _ in pairs])
    return {(o, c): m for (o, c), m in pairs.items() if o in openings and c in candidates}


def recipients(session: Session, matches: Sequence[Match]) -> dict[int, list[Match]]:
    """Who hears of each match: the candidate's responsible job specialist and the opening's market contact
    (the employer's responsible user)."""
    if not matches:
        return {}
    responsible = candidates_service.responsible_users(session, sorted({m.candidate_id for m in matches}))
    openings = employers_contacts.opening_recipients(session, sorted({m.opening_id for m in matches}))
    out: dict[int, list[Match]] = {}
    for m in matches:
        users = {responsible.get(m.candidate_id), openings.get(m.opening_id, {}).get("market_contact_id")}
        for user_id in users - {None}:
            assert user_id is not None
            out.setdefault(user_id, []).append(m)
    return out


def opening_titles(session: Session, opening_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Opening id → (title, employer name), for the notification text."""
    info = employers_contacts.opening_recipients(session, opening_ids)
    return {oid: (v["title"], v["employer_name"]) for oid, v in info.items()}


@dataclass(frozen=True)
class Digest:
    """One person's notification of new strong matches: people and openings by name, each line once."""

    title: str
    lines: list[str]
    link: str | None


def _pct(score: float) -> str:
    return f"{round(score * 100)} %"


def digests(session: Session, by_user: dict[int, list[Match]]) -> dict[int, Digest]:
    """Per staff member one digest. Lines are grouped by the side with fewer names (a job specialist's few
    candidates, each with the openings that fit; a market contact's few openings, each with the people), so no
    line repeats; a candidate the reader may not open is not named, only counted."""
    if not by_user:
        return {}
    titles = opening_titles(session, sorted({m.opening_id for ms in by_user.values() for m in ms}))

    def opening(oid: int) -> str:
        title, employer = titles.get(oid, ("stilling", "ukjent arbeidsgiver"))
        return f"«{title}» hos {employer}"

    out: dict[int, Digest] = {}
    for user_id, matches in by_user.items():
        reader = session.get(User, user_id)
        if reader is None:
            continue
        names = candidates_service.names_for_reader(
            session, reader=reader, candidate_ids=[m.candidate_id for m in matches]
        )

        unique = {(m.opening_id, m.candidate_id): m for m in matches}.values()
        opening_ids = {m.opening_id for m in unique}
        candidate_ids = {m.candidate_id for m in unique}
        # a tie goes by the reader's own side: a market contact thinks in openings, a job specialist in people
        by_candidate = len(candidate_ids) < len(opening_ids) or (
            len(candidate_ids) == len(opening_ids) and reader.role != "markedskontakt"
        )
        groups: dict[int, list[Match]] = {}
        for m in sorted(unique, key=lambda m: (-m.score, m.opening_id, m.candidate_id)):
            groups.setdefault(m.candidate_id if by_candidate else m.opening_id, []).append(m)
        lines: list[str] = []
        hidden: dict[int, int] = {}  # a group whose head the reader may not see: counted, not named
        for key, ms in groups.items():
            if by_candidate:
                if key not in names:
                    hidden[key] = len(ms)
                    continue
                lines.append(
                    f"{names[key]}: " + "; ".join(f"{opening(m.opening_id)} ({_pct(m.score)})" for m in ms)
                )
            else:
                named = [f"{names[m.candidate_id]} ({_pct(m.score)})" for m in ms if m.candidate_id in names]
                others = len(ms) - len(named)
                if others:
                    named.append(f"{others} {'kandidat' if others == 1 else 'kandidater'} ved andre kontorer")
                lines.append(f"{opening(key)}: " + ", ".join(named))
        if hidden:
            n = len(hidden)
            lines.append(f"{n} {'kandidat' if n == 1 else 'kandidater'} ved andre kontorer")
        lines = list(dict.fromkeys(lines))
        n_c, n_o = len(candidate_ids), len(opening_ids)
        title = (
            f"Nye sterke treff: {n_c} {'kandidat' if n_c == 1 else 'kandidater'} og "
            f"{n_o} {'stilling' if n_o == 1 else 'stillinger'}"
        )
        link = (
            f"/stillinger/{next(iter(opening_ids))}"
            if n_o == 1
            else f"/kandidater/{next(iter(candidate_ids))}"
            if n_c == 1 and next(iter(candidate_ids)) in names
            else None
        )
        out[user_id] = Digest(title, lines, link)
    return out
