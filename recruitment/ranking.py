"""Live ranking for the pages and the API: openings for one candidate, candidates for one opening.

The index of published openings (and of active candidates) is built once per process and kept up to date from
the tables' own change marks (`changed_at` of openings and candidates, compared on every call, and the active
weights), so an edit anywhere — in this process or another — re-ranks at once. The
person being ranked is always read fresh from the database."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from candidates import service as candidates_service
from candidates import service_privacy as candidates_privacy
from core import reference as reference_service
from core.formatting import today_in_oslo
from core.models import ChangeMark, User
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers import service_suggest
from matching import Matcher, RankedItem
from recruitment import pool
from recruitment.adapters import opening_profile, praksis_profile
from recruitment.service import active_weights

SUGGESTIONS = 20
WHY_NOT = 10


@dataclass
class OpeningSuggestion:
    item: RankedItem
    opening_id: int
    title: str
    employer_name: str
    percent: str
    municipality: str

    @property
    def score_percent(self) -> int:
        return round(self.item.score * 100)


@dataclass
class PraksisSuggestion:
    item: RankedItem
    praksisplass_id: int
    title: str
    employer_name: str
    free: int
    municipality: str

    @property
    def score_percent(self) -> int:
        return round(self.item.score * 100)


@dataclass
class CandidateSuggestions:
    candidate_id: int
    feasible: list[OpeningSuggestion]
    infeasible: list[OpeningSuggestion]
    weights_version: str
    openings_total: int
    active: bool = True
    praksis: list[PraksisSuggestion] = field(default_factory=list)

    @property
    def weights_label(self) -> str:
        return weights_label(self.weights_version)

    @property
    def related(self) -> list[OpeningSuggestion]:
        return [s for s in self.feasible if s.item.related]

    @property
    def others(self) -> list[OpeningSuggestion]:
        """Feasible, but in an unrelated occupation: "Andre muligheter", below the line."""
        return [s for s in self.feasible if not s.item.related]

    @property
    def uncertain(self) -> list[OpeningSuggestion]:
        return [s for s in self.infeasible if s.item.uncertain]

    @property
    def why_not(self) -> list[OpeningSuggestion]:
        return [s for s in self.infeasible if not s.item.uncertain]


@dataclass
class CandidateMatch:
    item: RankedItem
    candidate_id: int
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def score_percent(self) -> int:
        return round(self.item.score * 100)


@dataclass
class OpeningMatches:
    opening_id: int
    matches: list[CandidateMatch]
    weights_version: str
    candidates_total: int

    @property
    def weights_label(self) -> str:
        return weights_label(self.weights_version)


@dataclass
class _Entry:
    matcher: Matcher
    version: str
    today: dt.date
    mark: ChangeMark  # of the openings' or the candidates' table


class _Cache:
    """One matcher per kind and database. A change is applied to the index row by row (the engine's cheap
    single-row edits); only a new day, new weights or a flood of changes rebuild it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[tuple[str, str], _Entry] = {}


_cache = _Cache()
REBUILD_AFTER = 2000  # changed rows: beyond this a rebuild is cheaper than row edits


def _db_key(session: Session) -> str:
    bind = session.get_bind()
    return str(getattr(bind, "url", id(bind)))


def _mark(session: Session, kind: str) -> ChangeMark:
    if kind == "openings":
        return employers_openings.opening_change_mark(session)
    return candidates_service.candidate_change_mark(session)


def _build(session: Session, kind: str, today: dt.date, weights: tuple[str, Any]) -> _Entry:
    mark = _mark(session, kind)
    matcher = pool.new_matcher(
        session,
        pool.opening_profiles(session) if kind == "openings" else [],
        pool.candidate_profiles(session, today=today) if kind == "candidates" else None,
        weights=weights,
        today=today,
    )
    return _Entry(matcher, weights[0], today, mark)


def _refresh(session: Session, kind: str, entry: _Entry, today: dt.date) -> bool:
    """Applies the changes since the entry's mark (rows changed at or after it: re-applying one is harmless) and
    drops rows that went; False when a rebuild is due instead."""
    mark = _mark(session, kind)
    if mark == entry.mark:
        return True
    since, matcher = entry.mark.changed_at, entry.matcher
    if kind == "openings":
        changed = employers_openings.openings_changed_since(session, since, REBUILD_AFTER + 1)
    else:
        changed = candidates_service.candidates_changed_since(session, since, REBUILD_AFTER + 1)
    if len(changed) > REBUILD_AFTER:
        return False
    discard = matcher.discard_opening if kind == "openings" else matcher.discard_candidate
    for row_id in changed:
        discard(str(row_id))
    if kind == "openings":
        matcher.add_openings(pool.opening_profiles(session, ids=changed))
    else:
        matcher.add_candidates(pool.candidate_profiles(session, ids=changed, today=today))
    created = sum(1 for i in changed if entry.mark.last_id is None or i > entry.mark.last_id)
    if mark.rows != entry.mark.rows + created:  # rows went (an erasure, a cascade): drop what the index holds
        if kind == "openings":
            present, held = employers_openings.opening_row_ids(session), matcher.opening_ids()
        else:
            present, held = candidates_service.candidate_row_ids(session), matcher.candidate_ids()
        for item_id in held:
            if int(item_id) not in present:
                discard(item_id)
    entry.mark = mark
    return True


GONE_RETRIES = 3


def _ranked(session: Session, kind: str, today: dt.date, fn: Any, gone: Any = None) -> Any:
    """Runs `fn(matcher)` on an up-to-date index, under the lock (edits and queries never overlap).

    `gone(result)` names the ids in a result whose rows no longer exist (deleted without a change mark: a
    cascade, a restore, a retention run in another process); they are dropped from the index and the query runs
    again, so the index never outlives its rows where it matters — in what it returns."""
    weights = active_weights(session)
    version = weights[0]
    if not isinstance(session.get_bind(), Engine):
        # bound to one connection (a test's rolled-back transaction): row ids and timestamps come back after a
        # rollback, so no mark can tell two states apart — build afresh
        return fn(_build(session, kind, today, weights).matcher)
    key = (kind, _db_key(session))
    with _cache.lock:
        entry = _cache.entries.get(key)
        if entry is not None and entry.today != today:  # a new day: deadlines are checked against it
            entry.matcher.set_today(today)
            entry.today = today
        fresh = entry is not None and entry.version == version
        if not (fresh and entry is not None and _refresh(session, kind, entry, today)):
            entry = _build(session, kind, today, weights)
            _cache.entries[key] = entry
        result = fn(entry.matcher)
        for _ in range(GONE_RETRIES):
            missing = gone(result) if gone is not None else ()
            if not missing:
                break
            for item_id in missing:
                if kind == "openings":
                    entry.matcher.discard_opening(str(item_id))
                else:
                    entry.matcher.discard_candidate(str(item_id))
            result = fn(entry.matcher)
        return result


def weights_label(version: str) -> str:
    """The weights version as a person reads it: the defaults, or weights learned from outcomes on a date."""
    if version == "default":
        return "standardvekter (yrke, sted, stillingsprosent og tilrettelegging)"
    day = version[:10]
    try:
        learned = dt.date.fromisoformat(day)
    except ValueError:
        return f"egne vekter «{version}»"
    return f"vekter lært fra utfall {learned:%d.%m.%Y}"


def _percent(lo: int | None, hi: int | None) -> str:
    if lo is None and hi is None:
        return ""
    if lo == hi or hi is None:
        return f"{lo} %"
    if lo is None:
        return f"inntil {hi} %"
    return f"{lo}–{hi} %"


def _suggestions(
    session: Session, items: list[RankedItem], rows: dict[int, Any] | None = None
) -> list[OpeningSuggestion]:
    if rows is None:
        rows = employers_openings.openings_with_employer_names(session, [int(i.id) for i in items])
    out = []
    for item in items:
        found = rows.get(int(item.id))
        if found is None:
            continue
        opening, employer_name = found
        muni = opening.municipality_code or ""
        out.append(
            OpeningSuggestion(
                item=item,
                opening_id=opening.id,
                title=opening.title,
                employer_name=employer_name,
                percent=_percent(opening.percent_min, opening.percent_max),
                municipality=reference_service.municipality_name(session, muni) or muni,
            )
        )
    return out


def openings_for_candidate(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    today: dt.date | None = None,
    candidate: Any = None,
) -> CandidateSuggestions:
    """The person's best feasible openings with explanations, and the best ones they cannot take with the
    reasons why not. The read of the candidate is audit-logged (purpose: jobbforslag) unless the caller already
    made that read and passes the `candidate`."""
    today = today or today_in_oslo()
    if candidate is None or candidate.id != candidate_id:
        candidate = candidates_access.get_candidate(
            session, actor=actor, candidate_id=candidate_id, purpose="jobbforslag"
        )
    profile = pool.candidate_profiles(session, ids=[candidate_id], today=today, active_only=False)[0]
    rows: dict[int, Any] | None = None

    def gone(result: Any) -> list[int]:
        nonlocal rows
        ids = [int(i.id) for i in (*result[2], *result[3])]
        rows = employers_openings.openings_with_employer_names(session, ids)
        return [i for i in ids if i not in rows]

    version, total, feasible, infeasible = _ranked(
        session,
        "openings",
        today,
        lambda m: (
            m.weights_version,
            m.n_openings,
            m.rank_openings(profile, SUGGESTIONS),
            m.rank_infeasible_openings(profile, WHY_NOT),
        ),
        gone,
    )
    return CandidateSuggestions(
        candidate_id,
        _suggestions(session, feasible, rows),
        _suggestions(session, infeasible, rows),
        version,
        total,
        active=candidate.status == "aktiv",
        praksis=_praksis(session, profile, today),
    )


def _praksis(session: Session, profile: Any, today: dt.date, k: int = 10) -> list[PraksisSuggestion]:
    """Work-practice slots with a free place, ranked by the same engine (few, so indexed per call)."""
    places = {p.id: p for p in employers_praksis.matchable_praksisplasser(session)}
    if not places:
        return []
    matcher = pool.new_matcher(session, [praksis_profile(p) for p in places.values()], None, today=today)
    out = []
    for item in matcher.rank_openings(profile, k):
        place = places[int(item.id.removeprefix("p"))]
        muni = place.employer.municipality_code or ""
        out.append(
            PraksisSuggestion(
                item,
                place.id,
                place.title,
                place.employer.name,
                place.free,
                reference_service.municipality_name(session, muni) or muni,
            )
        )
    return out


def candidates_for_opening(
    session: Session, *, actor: User, opening_id: int, k: int = 30, today: dt.date | None = None
) -> OpeningMatches:
    """Feasible candidates for an opening, best first, only those the actor may read (their office; admin
    all), each as the anonymous summary. Opening a candidate is a separate, audit-logged read."""
    today = today or today_in_oslo()
    opening = employers_openings.get_opening(session, actor=actor, opening_id=opening_id)
    profile = opening_profile(opening, opening.employer.name)
    readable = [str(i) for i in candidates_access.readable_ids(session, actor)]
    summaries: dict[int, dict[str, Any]] = {}

    def gone(result: Any) -> list[int]:
        nonlocal summaries
        ids = [int(i.id) for i in result[1]]
        summaries = candidates_privacy.staff_summaries(session, ids)
        return [i for i in ids if i not in summaries]

    # the actor's readable candidates are a mask inside the engine, applied before the top-k cut: a small
    # office gets its own best k, not what is left of the national top
    version, ranked = _ranked(
        session,
        "candidates",
        today,
        lambda m: (
            m.weights_version,
            m.rank_candidates(profile, k=k, allowed=m.candidate_mask(readable)),
        ),
        gone,
    )
    items = [i for i in ranked if i.feasible]
    if not summaries and items:  # built afresh (no cache): nothing was checked yet
        summaries = candidates_privacy.staff_summaries(session, [int(i.id) for i in items])
    items = [i for i in items if int(i.id) in summaries]
    return OpeningMatches(
        opening.id,
        [CandidateMatch(i, int(i.id), summaries[int(i.id)]) for i in items],
        version,
        len(readable),
    )


def warm(factory: Any, *, today: dt.date | None = None) -> None:
    """Builds both indexes ahead of the first page that needs them (national scale: seconds, not on a
    person's click). Called in a background thread at server start; give it a read-only session factory (on
    SQLite a read holds no writer lock, so requests go on meanwhile)."""
    today = today or today_in_oslo()
    with factory() as session:
        if not isinstance(session.get_bind(), Engine):
            return
        service_suggest.warm_title_classifier(session)  # fitted or loaded from var/models, once per process
        for kind in ("openings", "candidates"):
            _ranked(session, kind, today, lambda m: None)
        session.rollback()
