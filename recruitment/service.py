"""Candidate lists: who may build them, status and outcome changes with history, employer answers, and the
labelled outcomes that the weight learning reads. Candidate reads go through candidates.service (audited)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from candidates import access as candidates_access
from candidates import sensitive_text
from candidates import service_privacy as candidates_privacy
from core import audit
from core.errors import Forbidden, NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.models import User, utcnow
from core.roles import NAV_STAFF
from employers import service_openings as employers_openings
from matching import learn
from recruitment.models import (
    EMPLOYER_ANSWERS,
    ENTRY_STATUSES,
    OUTCOMES,
    CandidateList,
    CandidateListEntry,
    EntryEvent,
    MatchOutcome,
    WeightModelVersion,
)

POSITIVE = {"TIL_INTERVJU", "AKTUELL", "FATT_JOBBEN", "interessant", "intervju", "ansatt"}
NEGATIVE = {"UAKTUELL", "UINTERESSERT", "ikke aktuell"}


def _require_staff(actor: User) -> None:
    if actor.role not in NAV_STAFF:
        raise Forbidden("Bare ansatte i NAV kan bygge kandidatlister.")


def _event(
    session: Session,
    entry: CandidateListEntry,
    actor: User | None,
    kind: str,
    old: str | None,
    new: str | None,
    note: str | None = None,
) -> None:
    session.add(
        EntryEvent(
            entry_id=entry.id,
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "system",
            kind=kind,
            old_value=old,
            new_value=new,
            note=note,
        )
    )


def list_for_opening(session: Session, *, actor: User, opening_id: int) -> CandidateList:
    """The opening's list, created on first use. Entries the actor may not read are left out by the caller."""
    _require_staff(actor)
    employers_openings.get_opening(session, actor=actor, opening_id=opening_id)
    clist = session.scalar(select(CandidateList).where(CandidateList.opening_id == opening_id))
    if clist is None:
        clist = CandidateList(
            opening_id=opening_id, created_by_id=actor.id, weights_version=active_version(session)
        )
        session.add(clist)
        session.flush()
    return clist


def entries(session: Session, *, actor: User, opening_id: int) -> Sequence[CandidateListEntry]:
    """Only entries for candidates of the actor's office (admin: all): the list itself is shared by offices."""
    clist = list_for_opening(session, actor=actor, opening_id=opening_id)
    readable = candidates_access.readable_candidates(actor).subquery()
    stmt = select(CandidateListEntry).where(
        CandidateListEntry.list_id == clist.id, CandidateListEntry.candidate_id.in_(select(readable.c.id))
    )
    found = session.scalars(
        stmt.order_by(CandidateListEntry.score.desc().nulls_last(), CandidateListEntry.id)
    ).all()
    audit.record_many(
        session,
        actor=actor,
        subject_type="candidate",
        subject_ids=[e.candidate_id for e in found],
        purpose=f"kandidatliste for stilling {opening_id}",
    )
    return found


def add_candidate(
    session: Session,
    *,
    actor: User,
    opening_id: int,
    candidate_id: int,
    score: float | None = None,
    components: dict[str, float] | None = None,
) -> CandidateListEntry:
    clist = list_for_opening(session, actor=actor, opening_id=opening_id)
    candidates_access.get_candidate(
        session, actor=actor, candidate_id=candidate_id, purpose=f"kandidatliste for stilling {opening_id}"
    )
    existing = session.scalar(
        select(CandidateListEntry).where(
            CandidateListEntry.list_id == clist.id, CandidateListEntry.candidate_id == candidate_id
        )
    )
    if existing is not None:
        raise ValidationFailed("Kandidaten står allerede på listen.", field="candidate_id")
    entry = CandidateListEntry(
        list_id=clist.id,
        candidate_id=candidate_id,
        added_by_id=actor.id,
        score=score,
        components=dict(components or {}),
    )
    session.add(entry)
    session.flush()
    _event(session, entry, actor, "added", None, "VURDERES")
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="candidate",
        subject_id=candidate_id,
        purpose=f"lagt på kandidatliste for stilling {opening_id}",
    )
    return entry


def opening_id_of(session: Session, entry: CandidateListEntry) -> int:
    """The entry's opening (its list is not loaded with the entry everywhere, so ask for the column)."""
    opening_id = session.scalar(select(CandidateList.opening_id).where(CandidateList.id == entry.list_id))
    assert opening_id is not None
    return opening_id


def _entry(
    session: Session, actor: User, entry_id: int, purpose: str = "kandidatliste: endring"
) -> CandidateListEntry:
    """The entry, if the actor may read its candidate (the read is audit-logged once per request)."""
    entry = session.get(
        CandidateListEntry, entry_id, options=[selectinload(CandidateListEntry.candidate_list)]
    )
    if entry is None:
        raise NotFound("Fant ikke oppføringen på kandidatlisten.")
    if actor.role in NAV_STAFF:
        candidates_access.get_candidate(
            session, actor=actor, candidate_id=entry.candidate_id, purpose=purpose
        )
    return entry


def set_status(
    session: Session, *, actor: User, entry_id: int, status: str, reason: str | None = None
) -> None:
    _require_staff(actor)
    entry = _entry(session, actor, entry_id)  # access first: a stranger learns nothing from the validation
    if status not in ENTRY_STATUSES:
        raise ValidationFailed(
            f"Ukjent status {status!r}; gyldige er {', '.join(ENTRY_STATUSES)}.", field="status"
        )
    if status == "UAKTUELL" and not (reason or "").strip():
        raise ValidationFailed("Oppgi hvorfor kandidaten er uaktuell.", field="reason")
    if entry.status != status:
        _event(session, entry, actor, "status", entry.status, status, reason)
        entry.status = status
        entry.status_reason = (reason or "").strip() or None
        _label(session, entry, "status", status)


def set_outcome(session: Session, *, actor: User, entry_id: int, outcome: str) -> None:
    _require_staff(actor)
    entry = _entry(session, actor, entry_id)
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            f"Ukjent utfall {outcome!r}; gyldige er {', '.join(OUTCOMES)}.", field="outcome"
        )
    if entry.outcome != outcome:
        _event(session, entry, actor, "outcome", entry.outcome, outcome)
        entry.outcome = outcome
        _label(session, entry, "outcome", outcome)


def _employer_answerable(session: Session, actor: User, entry: CandidateListEntry) -> bool:
    """The employer answers only on an entry shared with their organisation that a consent still covers."""
    return any(
        share.entry_id == entry.id
        for share, _ in candidates_privacy.covered_shares(
            session, employer_shares(session, actor=actor, candidate_id=entry.candidate_id)
        )
    )


def record_employer_answer(
    session: Session, *, actor: User, entry_id: int, answer: str, reason: str | None = None
) -> None:
    """The employer answers only on entries shared with them (and still consented), for an opening of their own
    organisation; staff of the candidate's office may record an answer given by phone."""
    entry = session.get(
        CandidateListEntry, entry_id, options=[selectinload(CandidateListEntry.candidate_list)]
    )
    if entry is None or entry.shared_at is None:
        raise NotFound("Fant ikke kandidaten.")
    if actor.role in NAV_STAFF:
        _entry(session, actor, entry_id)
    elif actor.role != "arbeidsgiver" or not _employer_answerable(session, actor, entry):
        raise NotFound("Fant ikke kandidaten.")
    if answer not in EMPLOYER_ANSWERS:
        raise ValidationFailed(
            f"Ukjent svar {answer!r}; gyldige er {', '.join(EMPLOYER_ANSWERS)}.", field="answer"
        )
    if answer == "ikke aktuell" and not (reason or "").strip():
        raise ValidationFailed("Oppgi kort hvorfor kandidaten ikke er aktuell.", field="reason")
    _event(session, entry, actor, "answer", entry.employer_answer, answer, reason)
    entry.employer_answer = answer
    entry.employer_answer_reason = (reason or "").strip() or None
    entry.employer_answered_at = utcnow()
    _label(session, entry, "employer_answer", answer)


# --- sharing: consent permits it, a person does it ------------------------------------------------------------


def _covering_consent(session: Session, entry: CandidateListEntry, opening_id: int, employer_id: int) -> bool:
    return any(
        c.opening_id is None or c.opening_id == opening_id
        for c in candidates_privacy.active_consents_for(
            session, candidate_id=entry.candidate_id, employer_ids=[employer_id]
        )
    )


def share_with_employer(
    session: Session, *, actor: User, entry_id: int, override_reason: str | None = None
) -> CandidateListEntry:
    """Presents the candidate to the opening's employer: a person's act, audit-logged ("share"). Refused without
    the candidate's active consent for that employer (and, when the consent names an opening, for this one), and
    while the sensitive-text check marks words in the text the employer would see, unless the sharer overrides the
    marks with a reason (logged on the entry and in the audit log). The employer then sees the summary, the
    presentation and what the consent allows (candidates.service.employer_view) and can answer; the outcome
    becomes PRESENTERT. Sharing an entry that is already shared and still consented changes nothing."""
    _require_staff(actor)
    entry = _entry(session, actor, entry_id)
    opening = employers_openings.get_opening(session, actor=actor, opening_id=opening_id_of(session, entry))
    if not _covering_consent(session, entry, opening.id, opening.employer_id):
        raise ValidationFailed(
            "Kandidaten har ikke samtykket til deling med denne arbeidsgiveren. Registrer samtykket på "
            "kandidatkortet først.",
            field="consent",
        )
    if entry.shared_at is not None and _share_covered(session, entry, opening.id, opening.employer_id):
        return entry
    marks = candidates_privacy.employer_text_marks(session, candidate_id=entry.candidate_id)
    reason = (override_reason or "").strip()
    if marks and not reason:
        raise ValidationFailed(
            "Teksten arbeidsgiveren vil se inneholder ord som kan røpe helse, diagnoser, legemidler, rus, ytelser "
            f"eller tiltak: {sensitive_text.describe(marks)}. Rediger presentasjonen (eller CV-en), eller oppgi "
            "hvorfor teksten likevel kan deles.",
            field="override_reason",
        )
    if len(reason) > 500:
        raise ValidationFailed("Begrunnelsen kan være høyst 500 tegn.", field="override_reason")
    entry.shared_at = utcnow()
    entry.shared_by_id, entry.shared_by_name = actor.id, actor.name
    entry.share_override_reason = reason if marks else None
    _event(session, entry, actor, "shared", None, f"arbeidsgiver {opening.employer_id}")
    categories = ""
    if marks:
        overridden = sensitive_text.describe(marks)
        _event(session, entry, actor, "override", None, None, f"{overridden}. Begrunnelse: {reason}")
        categories = ", ".join(dict.fromkeys(m.label for _, m in marks))
    audit.record(
        session,
        actor=actor,
        action="share",
        subject_type="candidate",
        subject_id=entry.candidate_id,
        purpose=(
            f"delt med arbeidsgiver for stilling {opening.id}"
            + (f"; sensitiv tekst overstyrt ({categories})" if marks else "")
        )[:200],
        detail=f"Overstyrt: {sensitive_text.describe(marks)}. Begrunnelse: {reason}" if marks else None,
    )
    if entry.outcome == "IKKE_PRESENTERT":
        _event(session, entry, actor, "outcome", entry.outcome, "PRESENTERT")
        entry.outcome = "PRESENTERT"
    session.flush()
    return entry


def _share_covered(session: Session, entry: CandidateListEntry, opening_id: int, employer_id: int) -> bool:
    if entry.shared_at is None:
        return False
    share = candidates_privacy.EmployerShare(
        entry.id, entry.candidate_id, employer_id, opening_id, "", entry.shared_at
    )
    return bool(candidates_privacy.covered_shares(session, [share]))


def unshare_with_employer(session: Session, *, actor: User, entry_id: int) -> CandidateListEntry:
    """Withdraws the share: the employer loses access to the candidate through this entry at once (audit
    "unshare"). The employer's earlier answer stays in the history."""
    _require_staff(actor)
    entry = _entry(session, actor, entry_id)
    if entry.shared_at is not None:
        opening_id = opening_id_of(session, entry)
        _event(session, entry, actor, "unshared", None, None)
        entry.shared_at = None
        entry.shared_by_id = entry.shared_by_name = entry.share_override_reason = None
        audit.record(
            session,
            actor=actor,
            action="unshare",
            subject_type="candidate",
            subject_id=entry.candidate_id,
            purpose=f"deling med arbeidsgiver trukket for stilling {opening_id}",
        )
        session.flush()
    return entry


def share_entries(
    session: Session,
    *,
    actor: User,
    opening_id: int,
    entry_ids: Sequence[int],
    override_reason: str | None = None,
) -> tuple[list[int], list[dict[str, object]]]:
    """Shares the chosen entries of one opening's list, each on its own terms: (shared ids, refusals with the
    entry id, field and message). An entry of another list or out of the actor's reach is refused, not shared."""
    _require_staff(actor)
    if not entry_ids:
        raise ValidationFailed("Velg minst én kandidat å dele.", field="entry_ids")
    ours = {e.id for e in entries(session, actor=actor, opening_id=opening_id)}
    shared: list[int] = []
    refused: list[dict[str, object]] = []
    for entry_id in dict.fromkeys(entry_ids):
        if entry_id not in ours:
            refused.append(
                {"entry_id": entry_id, "field": "entry_ids", "message": "Fant ikke oppføringen på listen."}
            )
            continue
        try:
            # every refusal comes before the entry is touched, so a refused entry leaves nothing half-done
            share_with_employer(session, actor=actor, entry_id=entry_id, override_reason=override_reason)
            shared.append(entry_id)
        except ValidationFailed as exc:
            refused.append({"entry_id": entry_id, "field": exc.field, "message": exc.message})
    return shared, refused


def share_states(session: Session, entries_: Sequence[CandidateListEntry], opening_id: int) -> dict[int, str]:
    """For staff beside each entry: "delt" (the employer sees it), "uten samtykke" (shared, but the consent is
    gone, so the employer does not), or "ikke delt"."""
    shared = [e for e in entries_ if e.shared_at is not None]
    if not shared:
        return {e.id: "ikke delt" for e in entries_}
    opening = employers_openings.get_opening(session, actor=None, opening_id=opening_id)
    covered = {
        s.entry_id
        for s, _ in candidates_privacy.covered_shares(
            session,
            [
                candidates_privacy.EmployerShare(
                    e.id, e.candidate_id, opening.employer_id, opening_id, opening.title, e.shared_at
                )
                for e in shared
                if e.shared_at is not None
            ],
        )
    }
    return {
        e.id: "ikke delt" if e.shared_at is None else "delt" if e.id in covered else "uten samtykke"
        for e in entries_
    }


# --- what the employer sees -------------------------------------------------------------------------------------


def employer_shares(
    session: Session, *, actor: User, candidate_id: int | None = None
) -> list[candidates_privacy.EmployerShare]:
    """The entries shared with the employer user's organisations (for their openings), consented or not: the
    candidates domain decides which a consent covers. Employer users only."""
    if actor.role != "arbeidsgiver":
        raise Forbidden("Denne visningen er for arbeidsgivere.")
    readable = employers_openings.readable_openings(session, actor)
    opening_ids = readable.with_only_columns(readable.selected_columns.id).order_by(None)
    stmt = (
        select(
            CandidateListEntry.id,
            CandidateListEntry.candidate_id,
            CandidateList.opening_id,
            CandidateListEntry.shared_at,
        )
        .join(CandidateList, CandidateList.id == CandidateListEntry.list_id)
        .where(CandidateListEntry.shared_at.is_not(None), CandidateList.opening_id.in_(opening_ids))
        .order_by(CandidateListEntry.id)
    )
    if candidate_id is not None:
        stmt = stmt.where(CandidateListEntry.candidate_id == candidate_id)
    rows = session.execute(stmt).all()
    openings = employers_openings.openings_with_employer_names(session, [r.opening_id for r in rows])
    return [
        candidates_privacy.EmployerShare(
            r.id,
            r.candidate_id,
            openings[r.opening_id][0].employer_id,
            r.opening_id,
            openings[r.opening_id][0].title,
            r.shared_at,
        )
        for r in rows
        if r.opening_id in openings
    ]


def shared_candidates(session: Session, *, actor: User) -> list[dict[str, object]]:
    """The employer's "Delte kandidater": shared, and still consented."""
    return candidates_privacy.shared_with_employer(
        session, actor=actor, shares=employer_shares(session, actor=actor)
    )[1]


def shared_candidates_first(
    session: Session, *, actor: User, limit: int
) -> tuple[int, list[dict[str, object]]]:
    """How many candidates "Delte kandidater" lists, and the first `limit` of them (the employer's dashboard):
    the same rule as the list, reading only the records it shows."""
    return candidates_privacy.shared_with_employer(
        session, actor=actor, shares=employer_shares(session, actor=actor), limit=limit
    )


def shared_candidate(session: Session, *, actor: User, candidate_id: int) -> dict[str, object]:
    """One shared candidate as the employer sees it (404 unless shared and consented)."""
    return candidates_privacy.employer_view(
        session,
        actor=actor,
        candidate_id=candidate_id,
        shares=employer_shares(session, actor=actor, candidate_id=candidate_id),
    )


def shared_entries_for_employer(
    session: Session, *, actor: User, candidate_id: int
) -> list[tuple[CandidateListEntry, int, str]]:
    """The entries of this candidate shared with the employer user's organisations and still consented: (entry,
    opening id, opening title), so the employer can answer per opening."""
    covered = candidates_privacy.covered_shares(
        session, employer_shares(session, actor=actor, candidate_id=candidate_id)
    )
    if not covered:
        return []
    rows = {
        e.id: e
        for e in session.scalars(
            select(CandidateListEntry).where(CandidateListEntry.id.in_([s.entry_id for s, _ in covered]))
        )
    }
    return [(rows[s.entry_id], s.opening_id, s.opening_title) for s, _ in covered if s.entry_id in rows]


def history(session: Session, *, actor: User, entry_id: int) -> Sequence[EntryEvent]:
    _entry(session, actor, entry_id, purpose="kandidatliste: historikk")
    return session.scalars(
        select(EntryEvent).where(EntryEvent.entry_id == entry_id).order_by(EntryEvent.id)
    ).all()


# --- learning from outcomes ----------------------------------------------------------------------------


def _label(session: Session, entry: CandidateListEntry, source: str, value: str) -> None:
    """One label per entry and source; a later change of mind replaces it."""
    label = 1 if value in POSITIVE else 0 if value in NEGATIVE else None
    row = session.scalar(
        select(MatchOutcome).where(MatchOutcome.entry_id == entry.id, MatchOutcome.source == source)
    )
    if label is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            MatchOutcome(entry_id=entry.id, source=source, label=label, components=dict(entry.components))
        )
    else:
        row.label, row.components, row.at = label, dict(entry.components), utcnow()


def labelled_pairs(session: Session) -> list[learn.LabelledPair]:
    rows = session.execute(
        select(MatchOutcome, CandidateListEntry.list_id)
        .join(CandidateListEntry, CandidateListEntry.id == MatchOutcome.entry_id, isouter=True)
        .order_by(MatchOutcome.id)
    ).all()
    return [
        learn.LabelledPair(components=o.components, label=o.label, group=str(list_id or ""))
        for o, list_id in rows
        if o.components
    ]


def active_version(session: Session) -> str:
    return (
        session.scalar(select(WeightModelVersion.version).where(WeightModelVersion.active.is_(True)))
        or "default"
    )


def active_weights(session: Session) -> tuple[str, dict[str, float] | None]:
    row = session.scalar(select(WeightModelVersion).where(WeightModelVersion.active.is_(True)))
    return (row.version, dict(row.weights)) if row else ("default", None)


def train_weights(session: Session, *, today: dt.date | None = None, holdout_share: float = 0.25) -> dict:
    """Fits weights on older outcomes, evaluates on the newest ones; activates only if it beats the defaults.
    Every trained model is kept, versioned, whether or not it replaced the active one."""
    pairs = labelled_pairs(session)
    if len(pairs) < 40:
        return {
            "trained": False,
            "reason": f"for få utfall ({len(pairs)})",
            "active": active_version(session),
        }
    cut = int(len(pairs) * (1 - holdout_share))
    train, heldout = pairs[:cut], pairs[cut:]
    version = f"{(today or today_in_oslo()).isoformat()}-{uuid.uuid4().hex[:6]}"
    model = learn.train(train, version)
    current = learn.WeightModel.defaults()
    _, weights = active_weights(session)
    if weights:
        current = learn.WeightModel(active_version(session), weights, "", 0, {})
    replace = learn.should_replace(current, model, heldout)
    metrics = {
        "heldout_new": learn.evaluate(model.weights, heldout),
        "heldout_current": learn.evaluate(current.weights, heldout),
    }
    if replace:
        session.execute(update(WeightModelVersion).values(active=False))
    session.add(
        WeightModelVersion(
            version=version, weights=model.weights, metrics=metrics, n_samples=model.n_samples, active=replace
        )
    )
    session.flush()
    return {
        "trained": True,
        "version": version,
        "activated": replace,
        "metrics": metrics,
        "active": version if replace else current.version,
    }
