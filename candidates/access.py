"""Who may read and change a candidate. Every candidate read starts from `readable_candidates(actor)`, so a
forgotten check cannot leak another office's records; a refused read raises AccessDenied (404, audit "nektet")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Integer, Select, Table, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from candidates.models import BreakGlass, Candidate, Situation
from core import audit
from core.errors import AccessDenied, Forbidden, ReasonRequired, ValidationFailed
from core.models import User, utcnow
from core.roles import FOLLOW_UP, NAV_STAFF, OFFICE_STAFF, Role
from matching import feasibility

# The restricted sections of a record (need-to-know): only FOLLOW_UP caseworkers of the candidate's own office read
# or change them. A market contact sees what matching concludes (fits / does not fit, with the reason category).
RESTRICTED_SECTIONS = ("situation", "programmes", "capacity", "needs")

# The situation's table, for the domain above that declares the foreign key of `innsatsgruppe_vedtak_id` to its own
# §14a records (plans.models_vedtak): the candidates domain does not name a higher domain's table.
SITUATIONS_TABLE: Table = Situation.__table__  # type: ignore[assignment]


def may_read_restricted(actor: User | None, candidate: Candidate) -> bool:
    """Situation, capacity, benefits, innsatsgruppe, uføregrad, health notes, tilretteleggingsbehov: the
    candidate's own office's caseworkers in a follow-up role (None is the system: jobs, CLI, matching)."""
    if actor is None:
        return True
    return actor.role in FOLLOW_UP and actor.office_id is not None and actor.office_id == candidate.office_id


# What matching concludes, in a form for readers without need-to-know: fits / does not fit and the category.
_CAPACITY_REASON_START = feasibility.reason_capacity(1, 0).split("1", 1)[0]
CAPACITY_REASON_CATEGORY = "Arbeidstid og arbeidsevne: passer ikke (opplysningene bak er begrenset)"


def reasons_for(actor: User | None, candidate: Candidate, reasons: Sequence[str]) -> list[str]:
    """Matching's "why not" for this reader: the capacity reason names the person's capacity, so a reader
    without need-to-know gets its category instead (the other reasons hold no restricted value)."""
    if may_read_restricted(actor, candidate):
        return list(reasons)
    return [CAPACITY_REASON_CATEGORY if r.startswith(_CAPACITY_REASON_START) else r for r in reasons]


# --- break the glass: the admin reads a person's record only with a recorded reason ----------------------------

BREAK_GLASS_MINUTES = 30
REASON_MIN_LENGTH = 10
_ACTIVE_GRANT = (
    select(BreakGlass)
    .where(
        BreakGlass.user_id == bindparam("user_id"),
        BreakGlass.candidate_id == bindparam("candidate_id"),
        BreakGlass.expires_at > bindparam("now"),
    )
    .order_by(BreakGlass.id.desc())
    .limit(1)
)


def needs_reason(actor: User | None) -> bool:
    """The admin manages users, offices and logs; a person's record is not theirs to read without a reason."""
    return actor is not None and actor.role == Role.ADMIN


def require_reason(session: Session, actor: User | None, candidate_id: int) -> BreakGlass | None:
    """The actor's active reason for this record (None when none is needed); refused without one."""
    if not needs_reason(actor):
        return None
    assert actor is not None
    grant = session.scalar(
        _ACTIVE_GRANT, {"user_id": actor.id, "candidate_id": candidate_id, "now": utcnow()}
    )
    if grant is None:
        raise ReasonRequired(
            "Som administrator må du skrive hvorfor du åpner denne personens opplysninger. Begrunnelsen lagres, "
            "flagges i sikkerhetsloggen og vises for personens NAV-kontor.",
            subject_type="candidate",
            subject_id=candidate_id,
        )
    return grant


def break_glass(
    session: Session, *, actor: User, candidate_id: int, reason: str, ip: str | None = None
) -> BreakGlass:
    """Record the admin's reason to read one record for the next BREAK_GLASS_MINUTES: flagged in the security log
    (`break_glass`) and the audit log, and shown to the person's office."""
    if not needs_reason(actor):
        raise Forbidden("Bare administratoren trenger å begrunne innsyn; ditt kontor leser egne kandidater.")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationFailed(
            f"Skriv en begrunnelse på minst {REASON_MIN_LENGTH} tegn (for eksempel saksnummer og hvorfor).",
            field="reason",
        )
    reason = reason[:500]
    candidate = session.scalar(readable_candidates(actor).where(Candidate.id == candidate_id))
    if candidate is None:
        raise AccessDenied(
            subject_type="candidate", subject_id=candidate_id, actor_id=actor.id, purpose="begrunnet innsyn"
        )
    now = utcnow()
    grant = BreakGlass(
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        user_id=actor.id,
        user_name=actor.name,
        reason=reason,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    session.add(grant)
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose=f"begrunnet innsyn (administrator): {reason}"[:200],
    )
    audit.security_event(
        session,
        event_name="break_glass",
        actor=actor,
        ip=ip,
        path=f"/kandidater/{candidate.id}",
        subject_type="candidate",
        subject_id=candidate.id,
        detail=reason[:200],
    )
    session.flush()
    return grant


_OFFICE_GRANTS = (
    select(BreakGlass)
    .where(BreakGlass.office_id == bindparam("office_id"))
    .order_by(BreakGlass.created_at.desc(), BreakGlass.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


def break_glass_for_office(session: Session, *, actor: User, limit: int = 20) -> list[BreakGlass]:
    """The admin's reasoned reads of the office's people, newest first (the office's dashboard shows them)."""
    if actor.office_id is None:
        return []
    return list(session.scalars(_OFFICE_GRANTS, {"office_id": actor.office_id, "limit": limit}))


def may_search_restricted(actor: User | None) -> bool:
    """Filtering a list by a restricted field reveals the field: the same roles (the list is office-scoped)."""
    return actor is None or (actor.role in FOLLOW_UP and actor.office_id is not None)


def may_erase(actor: User | None, candidate: Candidate) -> bool:
    """Erasure by the responsible caseworker (any follow-up caseworker of the office while none is responsible);
    the retention job erases as the system."""
    if actor is None:
        return True
    if not may_read_restricted(actor, candidate):
        return False
    return candidate.responsible_user_id in (None, actor.id)


# The access rule as bind parameters, their values from `access_params(actor)`: a statement built from it once serves
# every reader, so no kept statement can be keyed wrong. "ingen" (employer users by this path): neither binds true.
READABLE = or_(
    bindparam("all_offices", type_=Boolean), Candidate.office_id == bindparam("reader_office", type_=Integer)
)


def access_params(actor: User | None) -> dict[str, Any]:
    """The rule itself: admins and the system (None) read every office, staff their own office, others none."""
    if actor is None or actor.role == "admin":
        return {"all_offices": True, "reader_office": None}
    if actor.role in OFFICE_STAFF and actor.office_id is not None:
        return {"all_offices": False, "reader_office": actor.office_id}
    return {"all_offices": False, "reader_office": None}


def readable_candidates(actor: User | None) -> Select[Candidate]:
    """Every candidate read starts here: staff see their own office's candidates, employers none by this path.
    `None` is the system itself (CLI import, demo data, scheduled jobs)."""
    return select(Candidate).where(READABLE).params(access_params(actor))


# The readable people's names, for other domains' module-level statements that list them (bind `access_params`).
READABLE_NAMES = (
    select(Candidate.id, Candidate.first_name, Candidate.last_name, Candidate.responsible_user_id)
    .where(READABLE)
    .subquery("readable_names")
)


def readable_ids(session: Session, actor: User | None) -> list[int]:
    """Ids only (no record is read): which candidates the actor may open, to filter a ranked list."""
    return list(session.scalars(readable_candidates(actor).with_only_columns(Candidate.id)))


# One-to-one relations ride along in the candidate's own query (joins); the lists come in one query each.
FULL_LOAD = (
    joinedload(Candidate.office),
    joinedload(Candidate.responsible),
    joinedload(Candidate.job_profile),
    joinedload(Candidate.situation),
    selectinload(Candidate.work_experiences),
    selectinload(Candidate.educations),
    selectinload(Candidate.certificates),
    selectinload(Candidate.languages),
    selectinload(Candidate.programmes),
    selectinload(Candidate.consents),
)


# What the record's front page shows: the person, office, responsible and work capacity (no CV, no consents).
SUMMARY_LOAD = (
    joinedload(Candidate.office),
    joinedload(Candidate.responsible),
    joinedload(Candidate.situation),
    selectinload(Candidate.programmes),
)


# What a page beside the record shows of the person: the office, and the jobbprofil (the plan's ARBEID goal shows
# its wanted occupations). For other domains, which do not reach into candidates.models.
PROFILE_LOAD = (
    joinedload(Candidate.office),
    joinedload(Candidate.job_profile),
)


# One candidate by id, with the access rule bound (READABLE): the record pages ask on every view.
_ONE = select(Candidate).where(READABLE, Candidate.id == bindparam("candidate_id"))
_ONE_FULL = _ONE.options(*FULL_LOAD)


def get_candidate(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    purpose: str,
    full: bool = False,
    load: Sequence[Any] | None = None,
    restricted: bool = False,
) -> Candidate:
    """One candidate for a person, audit-logged with the purpose; refused (404, "nektet") outside the office.
    `full` loads every relation; `load` names the loader options a page needs instead. `restricted`: the read
    shows the restricted sections, refused (404, "nektet") unless `may_read_restricted`."""
    if load is None:
        candidate = session.scalar(
            _ONE_FULL if full else _ONE, {"candidate_id": candidate_id, **access_params(actor)}
        )
    else:
        candidate = session.scalar(
            readable_candidates(actor).where(Candidate.id == candidate_id).options(*load)
        )
    if candidate is None or (restricted and not may_read_restricted(actor, candidate)):
        raise AccessDenied(
            subject_type="candidate", subject_id=candidate_id, actor_id=actor.id, purpose=purpose
        )
    grant = require_reason(session, actor, candidate.id)
    if grant is not None:
        purpose = f"{purpose}; begrunnelse: {grant.reason}"[:200]
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose=purpose,
    )
    return candidate


def load_for_change(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    purpose: str,
    full: bool = False,
    restricted: bool = False,
    erase: bool = False,
) -> Candidate:
    """A candidate the actor may change (same rule as reading); the change itself is audit-logged by the caller.
    `restricted`: a change of a restricted section (404 "nektet" unless `may_read_restricted`, so neither a
    market contact nor the admin changes health or benefit data); `erase`: `may_erase` (403 otherwise)."""
    if actor is not None and actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan endre kandidater.")
    stmt = readable_candidates(actor).where(Candidate.id == candidate_id)
    if full:
        stmt = stmt.options(*FULL_LOAD)
    candidate = session.scalar(stmt)
    if candidate is None:
        raise AccessDenied(
            subject_type="candidate",
            subject_id=candidate_id,
            actor_id=actor.id if actor else None,
            purpose=purpose,
        )
    require_reason(session, actor, candidate.id)
    if restricted and not may_read_restricted(actor, candidate):
        raise AccessDenied(
            subject_type="candidate",
            subject_id=candidate_id,
            actor_id=actor.id if actor else None,
            purpose=purpose,
        )
    if erase and not may_erase(actor, candidate):
        raise Forbidden("Bare kandidatens ansvarlige veileder kan slette kandidaten.")
    return candidate


def record_change(
    session: Session, *, actor: User | None, candidate: Candidate, what: str, action: str = "update"
) -> None:
    """Audit detail names the section changed, never the values (the log must not hold the personal data)."""
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type="candidate",
        subject_id=candidate.id,
        purpose=what,
    )
