"""Privacy by design: consent to share with an employer, the presentation written for employers, what an employer
may see (`employer_view`, `shared_with_employer`), right of access (`export_candidate`), erasure (`erase_candidate`,
`erase_expired`).

Consent permits; sharing is an act. An employer sees a candidate only through a share: a candidate-list entry a
person shared with the opening's employer (recruitment owns the entries and reports them as `EmployerShare`s),
covered by an active consent for that employer (for all its openings or that one) recorded no later than the share.
Withdrawing either cuts access at once: the next request is refused (404) and audit-logged as "nektet". A consent
alone shows the employer nothing.

What the employer sees: the short summary (competence, wishes, region) and the presentation written for employers
(`presentation`, checked by `candidates.sensitive_text` before anything is shared); under consent to a named
profile also name, contact details and the CV's entries (titles, employers, dates) without their descriptions.
Never the summary written for colleagues, notes, CV descriptions, birth date, health, benefits, innsatsgruppe,
capacity or needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, selectinload

from candidates import sensitive_text
from candidates.access import (
    FULL_LOAD,
    load_for_change,
    may_read_restricted,
    readable_candidates,
    record_change,
    require_reason,
)
from candidates.derived import capacity_of, needs_for_matching
from candidates.models import (
    EDUCATION_LEVELS,
    ENGAGEMENT_TYPES,
    WORKING_TIMES,
    BreakGlass,
    Candidate,
    Consent,
)
from core import audit
from core import reference as reference_service
from core.cleaning import EVENT_DATE, Cleaner
from core.errors import AccessDenied, Forbidden, NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.models import User, utcnow
from core.roles import NAV_STAFF
from employers import access as employers_access
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis

__all__ = [
    "EMPLOYER_SUMMARY_FIELDS",
    "INTERNAL_TEXT_FIELDS",
    "RESTRICTED_FIELDS",
    "EmployerShare",
    "active_consents_for",
    "consenting_candidate_ids",
    "covered_shares",
    "employer_text_marks",
    "employer_view",
    "erase_candidate",
    "erase_expired",
    "export_candidate",
    "give_consent",
    "presentation_marks",
    "sensitive_text",
    "set_presentation",
    "shared_with_employer",
    "staff_summaries",
    "withdraw_consent",
]

EMPLOYER_SUMMARY_FIELDS = (
    "id",
    "named",
    "presentation",
    "shared_for",
    "occupations",
    "education",
    "certificates",
    "driving_licences",
    "languages",
    "skills",
    "wanted_occupations",
    "wanted_percent",
    "working_time",
    "region",
)
EMPLOYER_NAMED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "work_experience",
    "education_details",
    "earliest_start",
    "engagement_types",
    "consent",
)
# What an employer never sees, in any response (tests check every key against this).
RESTRICTED_FIELDS = (
    "birth_date",
    "age",
    "address",
    "innsatsgruppe",
    "hovedmal",
    "decision_date",
    "situation",
    "programmes",
    "uforegrad",
    "aktivitetsplikt",
    "capacity",
    "capacity_percent",
    "capacity_override_percent",
    "capacity_override_reason",
    "preferred_hours_per_week",
    "needs",
    "needs_arbeidstid",
    "needs_fysisk",
    "needs_arbeidshverdagen",
    "needs_norsk",
    "needs_note",
)
# Internal free text, written for colleagues: never sent to an employer (tests check every key against this too).
INTERNAL_TEXT_FIELDS = ("summary", "note", "description", "status_reason")


# --- consent --------------------------------------------------------------------------------------------


def give_consent(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    employer_id: Any = None,
    opening_id: Any = None,
    given_on: Any = None,
    named: bool = True,
    note: str = "",
) -> Consent:
    """Record the candidate's consent to share with one employer, or with one of its openings (scope)."""
    candidate = load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="registrere samtykke"
    )
    c = Cleaner(
        {"employer_id": employer_id, "opening_id": opening_id, "given_on": given_on or today_in_oslo()}
    )
    c.integer("employer_id", "Arbeidsgiver", minimum=1)
    c.integer("opening_id", "Stilling", minimum=1)
    c.date("given_on", "Dato for samtykket", required=True, bounds=EVENT_DATE)
    out = c.done()
    if out["given_on"] > today_in_oslo():
        raise ValidationFailed("Samtykket kan ikke være gitt fram i tid.", field="given_on")
    if out["opening_id"] is not None:
        try:
            opening = employers_openings.get_opening(session, actor=None, opening_id=out["opening_id"])
        except NotFound as exc:
            raise ValidationFailed("Fant ikke stillingen.", field="opening_id") from exc
        if out["employer_id"] is not None and out["employer_id"] != opening.employer_id:
            raise ValidationFailed("Stillingen hører til en annen arbeidsgiver.", field="opening_id")
        out["employer_id"] = opening.employer_id
    if out["employer_id"] is None:
        raise ValidationFailed("Velg arbeidsgiveren samtykket gjelder.", field="employer_id")
    try:
        employers_access.get_employer(session, actor=None, employer_id=out["employer_id"])
    except NotFound as exc:
        raise ValidationFailed("Fant ikke arbeidsgiveren.", field="employer_id") from exc
    consent = Consent(
        candidate_id=candidate.id,
        employer_id=out["employer_id"],
        opening_id=out["opening_id"],
        named=bool(named),
        given_on=out["given_on"],
        recorded_by_id=actor.id if actor else None,
        recorded_by_name=actor.name if actor else "system",
        note=(note or "").strip()[:2000],
    )
    session.add(consent)
    session.flush()
    # consent is not a share (that is recruitment.service.share_with_employer, audit action "share")
    record_change(
        session,
        actor=actor,
        candidate=candidate,
        what=f"samtykke til deling med arbeidsgiver {consent.employer_id} registrert",
        action="create",
    )
    return consent


def withdraw_consent(session: Session, *, actor: User | None, candidate_id: int, consent_id: int) -> Consent:
    if actor is not None and actor.role == "admin":  # the admin manages users, offices and logs, not consents
        raise Forbidden("Administratoren kan ikke trekke samtykker; det gjør kandidatens kontor.")
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="trekke samtykke")
    consent = session.scalar(
        select(Consent).where(Consent.id == consent_id, Consent.candidate_id == candidate.id)
    )
    if consent is None:
        raise NotFound("Fant ikke samtykket.")
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        consent.withdrawn_by_name = actor.name if actor else "system"
        session.flush()
        record_change(
            session, actor=actor, candidate=candidate, what=f"samtykke trukket ({consent.employer_id})"
        )
    return consent


def _active_consent_clause(employer_ids: Sequence[int]) -> Any:
    return exists(
        select(Consent.id).where(
            Consent.candidate_id == Candidate.id,
            Consent.employer_id.in_(employer_ids),
            Consent.withdrawn_at.is_(None),
        )
    )


def active_consents_for(session: Session, *, candidate_id: int, employer_ids: Sequence[int]) -> list[Consent]:
    return list(
        session.scalars(
            select(Consent)
            .where(
                Consent.candidate_id == candidate_id,
                Consent.employer_id.in_(employer_ids),
                Consent.withdrawn_at.is_(None),
            )
            .order_by(Consent.named.desc(), Consent.given_on.desc(), Consent.id.desc())
        )
    )


# --- the presentation written for employers -----------------------------------------------------------------


def set_presentation(session: Session, *, actor: User | None, candidate_id: int, text: Any) -> Candidate:
    """Sets the text written for employers (the only free text an employer sees). Saved with its marks: the
    sensitive-text check blocks sharing, not writing, so a draft can be kept while it is edited."""
    candidate = load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="presentasjon til arbeidsgiver"
    )
    c = Cleaner({"text": text})
    c.text("text", "Presentasjon til arbeidsgiver", max_len=3000)
    value = c.done()["text"] or ""
    if value != candidate.presentation:
        candidate.presentation = value
        session.flush()
        record_change(session, actor=actor, candidate=candidate, what="presentasjon til arbeidsgiver")
    return candidate


def presentation_marks(candidate: Candidate) -> list[sensitive_text.Mark]:
    return sensitive_text.check(candidate.presentation)


def employer_text_marks(session: Session, *, candidate_id: int) -> list[tuple[str, sensitive_text.Mark]]:
    """The sensitive-text check over every free text an employer would see of the candidate: the presentation and
    the CV's short texts (titles, employers, education, certificates, skills, wanted titles). CV descriptions are
    never shown to an employer, so they are not checked here. A system read for the share check (not logged)."""
    candidate = session.scalar(
        select(Candidate)
        .where(Candidate.id == candidate_id)
        .options(*_employer_load())
        .execution_options(populate_existing=True)
    )
    if candidate is None:
        return []
    profile = candidate.job_profile
    texts: list[tuple[str, str | None]] = [("presentation", candidate.presentation)]
    texts += [("work_experience", f"{w.title} {w.employer}") for w in candidate.work_experiences]
    texts += [("education", f"{e.field} {e.institution}") for e in candidate.educations]
    texts += [("certificates", c.name) for c in candidate.certificates]
    texts += [("skills", s) for s in candidate.skills or []]
    texts += [("wanted_occupations", t) for t in (profile.wanted_titles if profile else [])]
    return sensitive_text.check_fields(texts)


def consenting_candidate_ids(session: Session, *, employer_id: int) -> list[int]:
    """Candidates with an active consent for the employer (a system read, for demo data and reports)."""
    return list(
        session.scalars(
            select(Consent.candidate_id)
            .where(Consent.employer_id == employer_id, Consent.withdrawn_at.is_(None))
            .distinct()
            .order_by(Consent.candidate_id)
        )
    )


# --- the employer's view --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerShare:
    """A candidate-list entry shared with an employer for one opening, as recruitment reports it (this domain does
    not read recruitment's tables). It shows the candidate only while `covered_shares` finds a consent for it."""

    entry_id: int
    candidate_id: int
    employer_id: int
    opening_id: int
    opening_title: str
    shared_at: dt.datetime


def _covers(consent: Consent, share: EmployerShare) -> bool:
    """The one rule: an active consent for the share's employer, for all its openings or the shared one, recorded
    no later than the share (so a share made under a withdrawn consent does not come back with a new consent)."""
    return (
        consent.withdrawn_at is None
        and consent.employer_id == share.employer_id
        and (consent.opening_id is None or consent.opening_id == share.opening_id)
        and consent.created_at <= share.shared_at
    )


def covered_shares(session: Session, shares: Iterable[EmployerShare]) -> list[tuple[EmployerShare, bool]]:
    """The shares an active consent covers, each with whether a covering consent allows the named profile."""
    shares = list(shares)
    if not shares:
        return []
    consents = session.scalars(
        select(Consent)
        .where(
            Consent.candidate_id.in_({s.candidate_id for s in shares}),
            Consent.employer_id.in_({s.employer_id for s in shares}),
            Consent.withdrawn_at.is_(None),
        )
        .execution_options(populate_existing=True)
    ).all()
    by_candidate: dict[int, list[Consent]] = {}
    for consent in consents:
        by_candidate.setdefault(consent.candidate_id, []).append(consent)
    out = []
    for share in shares:
        covering = [c for c in by_candidate.get(share.candidate_id, []) if _covers(c, share)]
        if covering:
            out.append((share, any(c.named for c in covering)))
    return out


def _region(session: Session, candidate: Candidate) -> list[str]:
    profile = candidate.job_profile
    codes = list(profile.municipalities) if profile and profile.municipalities else []
    if not codes and candidate.municipality_code:
        codes = [candidate.municipality_code]
    return [reference_service.municipality_name(session, code) or code for code in codes]


def _summary(session: Session, candidate: Candidate, named: bool) -> dict[str, Any]:
    profile = candidate.job_profile
    styrk = reference_service.styrk_names(session) if profile and profile.wanted_styrk else {}
    return {
        "id": candidate.id,
        "named": named,
        "occupations": sorted({w.title for w in candidate.work_experiences}),
        "education": [
            " – ".join(x for x in (EDUCATION_LEVELS.get(e.level, e.level), e.field) if x)
            for e in candidate.educations
        ],
        "certificates": [c.name for c in candidate.certificates],
        "driving_licences": list(candidate.driving_licences or []),
        "languages": [
            f"{lang.language} ({lang.level})" if lang.level else lang.language for lang in candidate.languages
        ],
        "skills": list(candidate.skills or []),
        "wanted_occupations": [
            *(profile.wanted_titles if profile else []),
            *(styrk.get(code, code) for code in (profile.wanted_styrk if profile else [])),
        ],
        "wanted_percent": (
            {"min": profile.percent_min, "max": profile.percent_max}
            if profile and (profile.percent_min is not None or profile.percent_max is not None)
            else None
        ),
        "working_time": [WORKING_TIMES.get(w, w) for w in (profile.working_time if profile else [])],
        "region": _region(session, candidate),
    }


def _named(candidate: Candidate, consent: Consent | None) -> dict[str, Any]:
    """The named profile: contact details and the CV's entries, without the descriptions written for colleagues."""
    profile = candidate.job_profile
    return {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "work_experience": [
            {
                "title": w.title,
                "employer": w.employer,
                "start_date": w.start_date.isoformat() if w.start_date else None,
                "end_date": w.end_date.isoformat() if w.end_date else None,
            }
            for w in candidate.work_experiences
        ],
        "education_details": [
            {
                "level": EDUCATION_LEVELS.get(e.level, e.level),
                "field": e.field,
                "institution": e.institution,
                "start_year": e.start_year,
                "end_year": e.end_year,
            }
            for e in candidate.educations
        ],
        "earliest_start": (
            profile.earliest_start.isoformat() if profile and profile.earliest_start else None
        ),
        "engagement_types": [
            ENGAGEMENT_TYPES.get(e, e) for e in (profile.engagement_types if profile else [])
        ],
        "consent": (
            {
                "given_on": consent.given_on.isoformat(),
                "opening_id": consent.opening_id,
                "employer_id": consent.employer_id,
            }
            if consent is not None
            else None
        ),
    }


def _shared_for(shares: Sequence[EmployerShare]) -> list[dict[str, Any]]:
    """ "Delt med dere for stillingen X den DATO", newest first."""
    return [
        {
            "entry_id": s.entry_id,
            "opening_id": s.opening_id,
            "opening_title": s.opening_title,
            "shared_at": s.shared_at,
        }
        for s in sorted(shares, key=lambda s: (s.shared_at, s.entry_id), reverse=True)
    ]


def _employer_ids(session: Session, actor: User) -> list[int]:
    if actor.role != "arbeidsgiver":
        raise Forbidden("Denne visningen er for arbeidsgivere.")
    return employers_access.employer_ids_for(session, actor)


def _employer_load() -> tuple[Any, ...]:
    return (
        selectinload(Candidate.work_experiences),
        selectinload(Candidate.educations),
        selectinload(Candidate.certificates),
        selectinload(Candidate.languages),
        selectinload(Candidate.job_profile),
    )


def _visible(
    session: Session, actor: User, shares: Iterable[EmployerShare]
) -> dict[int, tuple[list[EmployerShare], bool]]:
    """Candidate id → (its shares with the actor's organisations that a consent covers, named or not)."""
    employer_ids = set(_employer_ids(session, actor))
    out: dict[int, tuple[list[EmployerShare], bool]] = {}
    for share, named in covered_shares(session, [s for s in shares if s.employer_id in employer_ids]):
        listed, was_named = out.get(share.candidate_id, ([], False))
        out[share.candidate_id] = ([*listed, share], was_named or named)
    return out


def employer_view(
    session: Session, *, actor: User, candidate_id: int, shares: Iterable[EmployerShare]
) -> dict[str, Any]:
    """What an arbeidsgiver user may see of one candidate shared with them: the short summary and the
    presentation, plus the named profile under consent to it. `shares` come from recruitment (the entries shared
    with the actor's organisations); with none covered by an active consent → AccessDenied (404)."""
    visible = _visible(session, actor, [s for s in shares if s.candidate_id == candidate_id])
    candidate = (
        session.scalar(
            select(Candidate)
            .where(Candidate.id == candidate_id)
            .options(*_employer_load())
            .execution_options(populate_existing=True)
        )
        if candidate_id in visible
        else None
    )
    if candidate is None:
        raise AccessDenied(
            subject_type="candidate",
            subject_id=candidate_id,
            actor_id=actor.id,
            purpose="arbeidsgiver: delt kandidat",
        )
    its_shares, named = visible[candidate_id]
    view = _summary(session, candidate, named)
    view["presentation"] = candidate.presentation or ""
    view["shared_for"] = _shared_for(its_shares)
    if named:
        consent = next(
            (
                c
                for c in active_consents_for(
                    session, candidate_id=candidate_id, employer_ids=[s.employer_id for s in its_shares]
                )
                if c.named and any(_covers(c, s) for s in its_shares)
            ),
            None,
        )
        view.update(_named(candidate, consent))
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose="arbeidsgiver: delt kandidat (navngitt)" if named else "arbeidsgiver: anonym presentasjon",
    )
    return view


def shared_with_employer(
    session: Session, *, actor: User, shares: Iterable[EmployerShare], limit: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """The candidates shared with the employer user's organisations and still consented — how many, and the first
    `limit` of them (all without one): the summary, the presentation and what they were shared for, plus the name
    under a named consent. A list, not a read of one record (opening one is `employer_view`, which is
    audit-logged); the candidates shown are logged as listed. The consents are queried, not taken from a
    relationship a long session may hold stale."""
    visible = _visible(session, actor, shares)
    if not visible:
        return 0, []
    shown = sorted(visible)[:limit] if limit is not None else sorted(visible)
    rows = session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(shown))
        .options(*_employer_load())
        .execution_options(populate_existing=True)
        .order_by(Candidate.id)
    ).all()
    result = []
    for candidate in rows:
        its_shares, named = visible[candidate.id]
        item = _summary(session, candidate, named)
        item["presentation"] = candidate.presentation or ""
        item["shared_for"] = _shared_for(its_shares)
        if named:
            item["first_name"], item["last_name"] = candidate.first_name, candidate.last_name
        result.append(item)
    audit.record_many(
        session,
        actor=actor,
        subject_type="candidate",
        subject_ids=[c.id for c in rows],
        purpose="arbeidsgiver: delte kandidater (liste)",
    )
    return len(visible), result


def staff_summaries(session: Session, candidate_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The anonymous summary (no name, health, benefits or needs) of ranked candidates, for a ranked list that
    staff open one by one (each open is an audit-logged read). Not a read of a record, so not logged here."""
    if not candidate_ids:
        return {}
    rows = session.scalars(
        select(Candidate).where(Candidate.id.in_(list(candidate_ids))).options(*_employer_load())
    ).all()
    return {c.id: _summary(session, c, named=False) for c in rows}


# --- right of access ------------------------------------------------------------------------------------


def _columns(obj: Any) -> dict[str, Any]:
    out = {}
    for attr in obj.__mapper__.column_attrs:
        value = getattr(obj, attr.key)
        out[attr.key] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return out


def export_candidate(session: Session, *, actor: User, candidate_id: int) -> dict[str, Any]:
    """Everything stored about the candidate (every column of every table, the derived facts, and who has read
    or changed the record according to the audit log). Audit action "export"."""
    if actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan ta ut innsyn.")
    candidate = session.scalar(
        readable_candidates(actor)
        .where(Candidate.id == candidate_id)
        .options(*FULL_LOAD)
        .execution_options(populate_existing=True)
    )
    if candidate is None:
        raise AccessDenied(
            subject_type="candidate", subject_id=candidate_id, actor_id=actor.id, purpose="innsyn (eksport)"
        )
    require_reason(session, actor, candidate.id)  # the admin: only with a recorded reason
    capacity = capacity_of(candidate)
    log = session.scalars(
        select(audit.AuditEntry)
        .where(audit.AuditEntry.subject_type == "candidate", audit.AuditEntry.subject_id == str(candidate.id))
        .order_by(audit.AuditEntry.at, audit.AuditEntry.id)
    ).all()
    data: dict[str, Any] = {
        "format": "arbeidsbro-innsyn/1",
        "exported_at": utcnow().isoformat(),
        "candidate": _columns(candidate),
        "office": {"number": candidate.office.number, "name": candidate.office.name},
        "responsible": (
            {"name": candidate.responsible.name, "email": candidate.responsible.email}
            if candidate.responsible
            else None
        ),
        "derived": {
            "age": candidate.age(),
            "under_30": candidate.under_30(),
            "capacity_percent": capacity.percent,
            "capacity_source": capacity.source,
            "needs_as_inclusion": needs_for_matching(candidate),
        },
        "work_experiences": [_columns(x) for x in candidate.work_experiences],
        "educations": [_columns(x) for x in candidate.educations],
        "certificates": [_columns(x) for x in candidate.certificates],
        "languages": [_columns(x) for x in candidate.languages],
        "job_profile": _columns(candidate.job_profile) if candidate.job_profile else None,
        "situation": _columns(candidate.situation) if candidate.situation else None,
        "programmes": [_columns(x) for x in candidate.programmes],
        "consents": [_columns(x) for x in candidate.consents],
        # the admin's recorded reasons to read the record ("break the glass"): who, when and why
        "break_glass": [
            _columns(x)
            for x in session.scalars(
                select(BreakGlass).where(BreakGlass.candidate_id == candidate.id).order_by(BreakGlass.id)
            )
        ],
        "restricted_hidden": False,
        "access_log": [
            {
                "at": e.at.isoformat(),
                "role": e.role,
                "office": e.office,
                "action": e.action,
                "purpose": e.purpose,
                "outcome": e.outcome,
            }
            for e in log
        ],
    }
    if not may_read_restricted(actor, candidate):  # need-to-know: the sections, not a hint of their values
        data.update(situation=None, programmes=[], restricted_hidden=True)
        data["derived"] = {"age": data["derived"]["age"], "under_30": data["derived"]["under_30"]}
    audit.record(
        session,
        actor=actor,
        action="export",
        subject_type="candidate",
        subject_id=candidate.id,
        purpose="innsyn: alt som er lagret om kandidaten",
    )
    return data


# --- erasure --------------------------------------------------------------------------------------------


def _erase(session: Session, candidate: Candidate, *, actor: User | None, purpose: str) -> None:
    candidate_id = candidate.id
    session.expunge(candidate)
    # One DELETE: the CV, jobbprofil, situation, programmes, consents and the other domains' rows about the
    # person (follow-up records, candidate-list entries) go with it through ON DELETE CASCADE.
    session.execute(
        delete(Candidate).where(Candidate.id == candidate_id).execution_options(synchronize_session=False)
    )
    # Rows of other domains that refer to the person by plain integer, not by foreign key.
    employers_praksis.anonymise_occupant_refs(session, candidate_id=candidate_id)
    # The tombstone: the audit rows stay (ids only), plus this one.
    audit.record(
        session,
        actor=actor,
        action="delete",
        subject_type="candidate",
        subject_id=candidate_id,
        purpose=purpose,
    )
    session.flush()


def erase_candidate(
    session: Session, *, actor: User, candidate_id: int, confirm: bool = False, reason: str = ""
) -> None:
    """Delete the candidate and all personal data, leaving only the audit log's ids and a "delete" entry."""
    # access first: an unconfirmed request for another office's candidate is 404, not 422 (no existence leak)
    candidate = load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="sletting", erase=True
    )
    if not confirm:
        raise ValidationFailed("Bekreft at alle opplysninger om kandidaten skal slettes.", field="confirm")
    if not reason.strip():
        raise ValidationFailed("Skriv hvorfor kandidaten slettes.", field="reason")
    _erase(
        session,
        candidate,
        actor=actor,
        purpose=("sletting: " + reason.strip())[:200] if reason else "sletting",
    )


def erase_expired(session: Session, *, today: dt.date, dry_run: bool = False) -> list[int]:
    """For the scheduler: every candidate whose retention date has passed is erased (ids returned, ascending)."""
    ids = list(
        session.scalars(
            select(Candidate.id)
            .where(Candidate.retention_date.is_not(None), Candidate.retention_date < today)
            .order_by(Candidate.id)
        )
    )
    if dry_run:
        return ids
    for candidate_id in ids:
        candidate = session.get(Candidate, candidate_id)
        if candidate is not None:
            _erase(session, candidate, actor=None, purpose="sletting: oppbevaringstiden er ute")
    return ids
