"""§14a record and behovsvurdering: draft, send, approve by a second person, and the current decision with its
history (../shared/domain/PLAN-KVP-PARTICIPANT.md §2.3–2.6; NAV's `validerVedtakForFerdigstilling` and
`validerSkjema`).

Access is the candidate's restricted-field rule (innsatsgruppe and capacity are restricted): only
`core.roles.FOLLOW_UP` caseworkers of the person's office read or change a record; everyone else is answered 404
("nektet" in the audit log), an employer 403. Every read goes through `candidates.access.get_candidate`, which
writes the audit row. When a record becomes current, the candidate's innsatsgruppe, hovedmål and decision date
(and work capacity, when the re-assessment block gives it) are set through `candidates.service_profile`: the
candidate's situation stays the one home of the current value."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from candidates import access as candidates_access
from candidates import service_profile as candidates_profile
from candidates.service_profile import HOVEDMAL, INNSATSGRUPPER
from core.cleaning import DECISION_DATE, Cleaner, blank, check_date, parse_date
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.formatting import today_in_oslo
from core.locking import OSLO, StaleEdit, check_version
from core.models import User, utcnow
from plans.models_vedtak import (
    ANSWER_MAX,
    BEGRUNNELSE_MAX,
    BEGRUNNELSE_OPTIONAL_GROUP,
    DEFAULT_SOURCES,
    FROM_V2,
    MAX_OTHER_SOURCES,
    NO_HOVEDMAL_GROUP,
    OTHER_SOURCES,
    PERMANENT_GROUPS,
    QUESTIONS,
    SOURCE_TEXT_MAX,
    Vedtak,
    VedtakAnswer,
    VedtakSource,
)

__all__ = [
    "PURPOSE",
    "Overview",
    "approve",
    "create_draft",
    "draft_state",
    "get_vedtak",
    "overview",
    "return_to_drafter",
    "rule_errors",
    "submit",
    "update_draft",
]

PURPOSE = "oppfølging: §14a-vedtak og behovsvurdering (begrenset)"

# The messages of NAV's rules, one home each (the API's rules beyond the schema match them: web/api/plans_vedtak).
MSG_GROUP = "Velg innsatsgruppe."
MSG_HOVEDMAL_REQUIRED = "Velg hovedmål."
MSG_HOVEDMAL_EMPTY = "Hovedmål skal ikke fylles ut når innsatsgruppen er «Liten mulighet til å jobbe» (varig tilpasset innsats)."
MSG_BEGRUNNELSE = "Skriv en begrunnelse for innsatsgruppen «{label}»."
MSG_BEGRUNNELSE_AFTER_PERMANENT = (
    "Skriv en begrunnelse: personen har «{label}» i dag, og begrunnelsen må forklare hva som er endret."
)
MSG_SOURCES = "Velg minst én kilde (opplysning) vedtaket bygger på."
MSG_CAPACITY_REASON = "Skriv en begrunnelse for arbeidsevnen når du oppgir den i prosent."
MSG_SOURCE_KIND = "Velg hva slags kilde det er."
MSG_SOURCE_TEXT = "Skriv hva kilden er (for eksempel «Legeerklæring fra fastlegen 3. mars»)."
MSG_OWN_DRAFT = (
    "Du kan ikke kvalitetssikre et vedtak du har skrevet selv. En annen veileder må godkjenne det."
)
MSG_DRAFT_EXISTS = "Personen har allerede et utkast til § 14 a-vedtak. Fortsett på det."
MSG_NOT_DRAFT = "Vedtaket er fattet og kan ikke endres. Lag et nytt vedtak for å endre innsatsgruppen."
MSG_WAITING = "Utkastet venter på kvalitetssikring og kan ikke endres nå. Kvalitetssikreren kan sende det tilbake til deg."
MSG_NOT_WAITING = "Utkastet venter ikke på kvalitetssikring."
SOURCE_DATE_LABEL = "Dato for kilden"

_LOAD = (selectinload(Vedtak.sources), selectinload(Vedtak.answers))


@dataclass(frozen=True)
class Overview:
    """A person's §14a records as the page and the API show them: the decision in force, the open draft, and
    every decision made (newest first, the current one included)."""

    candidate: Any
    current: Vedtak | None
    draft: Vedtak | None
    history: list[Vedtak]


def _person(session: Session, actor: User, candidate_id: int, purpose: str) -> Any:
    """The candidate for a read, refused (404, "nektet") unless the actor may read restricted fields; logged."""
    return candidates_access.get_candidate(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose=purpose,
        load=candidates_access.SUMMARY_LOAD,
        restricted=True,
    )


def _person_for_change(session: Session, actor: User, candidate_id: int, purpose: str) -> Any:
    return candidates_access.load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose=purpose, full=True, restricted=True
    )


def overview(session: Session, *, actor: User, candidate_id: int, purpose: str = PURPOSE) -> Overview:
    candidate = _person(session, actor, candidate_id, purpose)
    rows = list(
        session.scalars(
            select(Vedtak)
            .where(Vedtak.candidate_id == candidate.id, Vedtak.status != "SLETTET")
            .options(*_LOAD)
            .order_by(Vedtak.id.desc())
        )
    )
    sent = sorted(
        (v for v in rows if v.status == "SENDT"),
        key=lambda v: (v.decision_date or dt.date.min, v.sent_at or utcnow(), v.id),
        reverse=True,
    )
    return Overview(
        candidate=candidate,
        current=next((v for v in rows if v.is_current), None),
        draft=next((v for v in rows if v.status == "UTKAST"), None),
        history=sent,
    )


def _owner(session: Session, vedtak_id: int, candidate_id: int | None) -> int:
    owner = session.scalar(select(Vedtak.candidate_id).where(Vedtak.id == vedtak_id))
    if owner is None or (candidate_id is not None and owner != candidate_id):
        raise NotFound("Fant ikke § 14 a-vedtaket.")
    return owner


def _load(session: Session, vedtak_id: int) -> Vedtak:
    vedtak = session.scalar(select(Vedtak).where(Vedtak.id == vedtak_id).options(*_LOAD))
    assert vedtak is not None
    return vedtak


def get_vedtak(
    session: Session,
    *,
    actor: User,
    vedtak_id: int,
    candidate_id: int | None = None,
    purpose: str = PURPOSE,
) -> tuple[Any, Vedtak]:
    """One record and its person (the read is the person's, audit-logged; another office's is 404)."""
    candidate = _person(session, actor, _owner(session, vedtak_id, candidate_id), purpose)
    return candidate, _load(session, vedtak_id)


def _for_change(
    session: Session, actor: User, vedtak_id: int, candidate_id: int | None, what: str
) -> tuple[Any, Vedtak]:
    candidate = _person_for_change(session, actor, _owner(session, vedtak_id, candidate_id), what)
    return candidate, _load(session, vedtak_id)


# --- input ------------------------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """The draft's own fields (each error named with its field); sources and answers are read beside it."""
    group = data.get("innsatsgruppe")
    if isinstance(group, str) and group.strip() in FROM_V2:  # NAV's V2 name is the same group
        data = {**data, "innsatsgruppe": FROM_V2[group.strip()]}
    c = Cleaner(data, partial=partial)
    c.choice("innsatsgruppe", "Innsatsgruppe", INNSATSGRUPPER)
    c.choice("hovedmal", "Hovedmål", HOVEDMAL)
    c.text("begrunnelse", "Begrunnelsen", max_len=BEGRUNNELSE_MAX)
    c.date("decision_date", "Vedtaksdato", bounds=DECISION_DATE)
    c.integer("uforegrad", "Uføregrad", minimum=1, maximum=100)
    c.number("desired_hours_per_week", "Ønsket antall timer per uke", minimum=0, maximum=60)
    c.text("changes_since_last", "Endringer siden forrige arbeidsavklaring", max_len=ANSWER_MAX)
    c.integer("capacity_percent", "Arbeidsevne i prosent", minimum=0, maximum=100)
    c.text("capacity_reason", "Begrunnelsen for arbeidsevnen", max_len=1500)
    errors = list(c.errors)
    if (
        c.out.get("capacity_percent") is not None
        and "capacity_reason" in c.out
        and not c.out["capacity_reason"]
    ):
        errors.append({"field": "capacity_reason", "message": MSG_CAPACITY_REASON})
    answers: dict[str, str] | None = None
    if "answers" in data:
        raw = data.get("answers") or {}
        a = Cleaner(raw if isinstance(raw, Mapping) else {}, partial=True, prefix="svar_")
        for code in raw if isinstance(raw, Mapping) else ():
            if code not in QUESTIONS:
                a.error(str(code), f"Ukjent hjelpespørsmål: {code!r}.")
            else:
                a.text(code, "Svaret", max_len=ANSWER_MAX)
        errors += a.errors
        answers = a.out
    defaults: list[str] | None = None
    if "default_sources" in data:
        d = Cleaner(data, partial=True)
        d.choices("default_sources", "Kilder", DEFAULT_SOURCES)
        errors += d.errors
        defaults = d.out.get("default_sources")
    others: list[dict[str, Any]] | None = None
    if "other_sources" in data:
        others, source_errors = _clean_other_sources(data.get("other_sources"))
        errors += source_errors
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    out = c.out
    if answers is not None:
        out["answers"] = answers
    if defaults is not None:
        out["default_sources"] = defaults
    if others is not None:
        out["other_sources"] = others
    return out


def _clean_other_sources(raw: Any) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Typed sources (referat, dialog, sluttrapport, legeerklæring, other): kind and text, a date if known. An
    entirely empty item (an unused row of the form) is skipped; errors name `other_sources.{i}.{part}`."""
    if raw is None or raw == "":
        return [], []
    if not isinstance(raw, list | tuple):
        return [], [{"field": "other_sources", "message": "Kildene må være en liste."}]
    out: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for i, item in enumerate(raw):
        name = f"other_sources.{i}"
        if not isinstance(item, Mapping):
            errors.append({"field": name, "message": "Hver kilde må ha type, tekst og eventuelt dato."})
            continue
        kind, text, date = item.get("kind"), item.get("text"), item.get("date")
        if blank(kind) and blank(text) and blank(date):
            continue
        if blank(kind) or str(kind).strip() not in OTHER_SOURCES:
            errors.append({"field": f"{name}.kind", "message": MSG_SOURCE_KIND})
        text_value = "" if text is None else str(text).strip()
        if not text_value:
            errors.append({"field": f"{name}.text", "message": MSG_SOURCE_TEXT})
        elif len(text_value) > SOURCE_TEXT_MAX:
            errors.append(
                {"field": f"{name}.text", "message": f"Kilden kan være høyst {SOURCE_TEXT_MAX} tegn."}
            )
        day = None
        if not blank(date):
            day = parse_date(date)
            message = (
                f"Ugyldig dato for kilden: «{str(date).strip()}». Skriv ÅÅÅÅ-MM-DD."
                if day is None
                else check_date(day, DECISION_DATE, SOURCE_DATE_LABEL)
            )
            if message:
                errors.append({"field": f"{name}.date", "message": message})
        out.append({"kind": str(kind or "").strip(), "text": text_value, "date": day})
    if len(out) > MAX_OTHER_SOURCES:
        errors.append({"field": "other_sources", "message": f"Høyst {MAX_OTHER_SOURCES} andre kilder."})
    return out, errors


def _apply(vedtak: Vedtak, out: dict[str, Any]) -> None:
    """Writes the cleaned input on the draft; a capacity in per cent needs its reason (422 otherwise)."""
    answers = out.pop("answers", None)
    defaults = out.pop("default_sources", None)
    others = out.pop("other_sources", None)
    for key, value in out.items():
        setattr(vedtak, key, value)
    if answers is not None:
        current = {a.question: a for a in vedtak.answers}
        for code, text in answers.items():
            row = current.get(code)
            if text and row is not None:
                row.answer = text
            elif text:
                vedtak.answers.append(VedtakAnswer(question=code, answer=text))
            elif row is not None:
                vedtak.answers.remove(row)
    if defaults is not None or others is not None:
        kept_defaults = [s.kind for s in vedtak.sources if s.kind in DEFAULT_SOURCES]
        kept_others = [
            {"kind": s.kind, "text": s.text, "date": s.date}
            for s in vedtak.sources
            if s.kind not in DEFAULT_SOURCES
        ]
        defaults = kept_defaults if defaults is None else defaults
        others = kept_others if others is None else others
        vedtak.sources.clear()
        sources = [VedtakSource(kind=k, text=DEFAULT_SOURCES[k]) for k in defaults]
        sources += [VedtakSource(kind=o["kind"], text=o["text"], date=o["date"]) for o in others]
        for position, source in enumerate(sources):
            source.position = position
            vedtak.sources.append(source)
    if vedtak.capacity_percent is not None and not (vedtak.capacity_reason or "").strip():
        raise ValidationFailed(MSG_CAPACITY_REASON, field="capacity_reason")


# --- NAV's rules ----------------------------------------------------------------------------------------------


def rule_errors(vedtak: Vedtak, current_group: str | None) -> list[dict[str, str]]:
    """Every rule a draft breaks before it may be sent, each naming its field: an innsatsgruppe; hovedmål required
    except for «Liten mulighet til å jobbe», where it must be empty; begrunnelse required except for «Gode
    muligheter», and for that too when the person's current group is a permanent one; at least one source."""
    errors: list[dict[str, str]] = []
    group = vedtak.innsatsgruppe
    if not group:
        errors.append({"field": "innsatsgruppe", "message": MSG_GROUP})
    elif group == NO_HOVEDMAL_GROUP and vedtak.hovedmal:
        errors.append({"field": "hovedmal", "message": MSG_HOVEDMAL_EMPTY})
    elif group != NO_HOVEDMAL_GROUP and not vedtak.hovedmal:
        errors.append({"field": "hovedmal", "message": MSG_HOVEDMAL_REQUIRED})
    if group and not (vedtak.begrunnelse or "").strip():
        if group != BEGRUNNELSE_OPTIONAL_GROUP:
            errors.append(
                {"field": "begrunnelse", "message": MSG_BEGRUNNELSE.format(label=INNSATSGRUPPER[group])}
            )
        elif current_group in PERMANENT_GROUPS:
            message = MSG_BEGRUNNELSE_AFTER_PERMANENT.format(label=INNSATSGRUPPER[current_group])
            errors.append({"field": "begrunnelse", "message": message})
    if not vedtak.sources:
        errors.append({"field": "sources", "message": MSG_SOURCES})
    return errors


def _check_rules(vedtak: Vedtak, candidate: Any) -> None:
    current = candidate.situation.innsatsgruppe if candidate.situation is not None else None
    errors = rule_errors(vedtak, current)
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)


def _editable(vedtak: Vedtak) -> None:
    if vedtak.status != "UTKAST":
        raise Conflict(MSG_NOT_DRAFT, field="status")
    if vedtak.beslutter_status == "KLAR_TIL_BESLUTTER":
        raise Conflict(MSG_WAITING, field="status")


def _check_version(session: Session, vedtak: Vedtak, submitted: Any, data: Mapping[str, Any]) -> None:
    """`core.locking.check_version`, naming who saved the draft last (whoever saves it is its veileder)."""
    fields = {k: v for k, v in data.items() if k not in ("answers", "default_sources", "other_sources")}
    try:
        check_version(session, vedtak, submitted, subject_type="plan_vedtak", label="Utkastet", fields=fields)
    except StaleEdit as exc:
        when = vedtak.updated_at.astimezone(OSLO) if vedtak.updated_at else None
        at = f" {when:%d.%m.%Y kl. %H:%M}" if when else ""
        raise StaleEdit(
            f"Utkastet ble endret av {vedtak.drafted_by_name or 'en annen'}{at} etter at du åpnet det. Endringene "
            "dine er ikke lagret: se hva som er endret nedenfor, og lagre på nytt hvis de fortsatt skal gjelde.",
            current_version=exc.current_version,
            changed=exc.changed,
        ) from exc


def _take_over(vedtak: Vedtak, actor: User) -> None:
    """Whoever saves or sends a draft is its veileder (NAV's "overta utkast"): the second person who approves
    must be someone else."""
    vedtak.drafted_by_id = actor.id
    vedtak.drafted_by_name = actor.name


# --- use cases ------------------------------------------------------------------------------------------------


def create_draft(
    session: Session, *, actor: User, candidate_id: int, data: Mapping[str, Any] | None = None
) -> Vedtak:
    """A new draft (one per person at a time: 409 while one is open), with whatever the caseworker has so far."""
    candidate = _person_for_change(session, actor, candidate_id, "§14a-vedtak: nytt utkast")
    open_draft = session.scalar(
        select(Vedtak.id).where(Vedtak.candidate_id == candidate.id, Vedtak.status == "UTKAST")
    )
    if open_draft is not None:
        raise Conflict(MSG_DRAFT_EXISTS, field="candidate_id")
    out = _clean(data or {}, partial=False)
    vedtak = Vedtak(
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        referanse=str(uuid.uuid4()),
        status="UTKAST",
        is_current=False,
        sources=[],
        answers=[],
    )
    _take_over(vedtak, actor)
    _apply(vedtak, {"default_sources": [], "other_sources": [], **out})
    session.add(vedtak)
    session.flush()
    candidates_access.record_change(
        session, actor=actor, candidate=candidate, what="§14a-vedtak: nytt utkast", action="create"
    )
    return vedtak


def update_draft(
    session: Session,
    *,
    actor: User,
    vedtak_id: int,
    data: Mapping[str, Any],
    candidate_id: int | None = None,
) -> Vedtak:
    """Saves what is sent (fields left out stay; `default_sources`/`other_sources` replace their part; `answers`
    set the questions named, an empty answer removes it). `version` (the form's) refuses a stale save (409)."""
    candidate, vedtak = _for_change(session, actor, vedtak_id, candidate_id, "§14a-vedtak: endre utkast")
    data = dict(data)
    _check_version(session, vedtak, data.pop("version", None), data)
    _editable(vedtak)
    out = _clean(data, partial=True)
    _apply(vedtak, out)
    _take_over(vedtak, actor)
    session.flush()
    candidates_access.record_change(
        session, actor=actor, candidate=candidate, what="§14a-vedtak: endret utkast"
    )
    return vedtak


def submit(
    session: Session, *, actor: User, vedtak_id: int, candidate_id: int | None = None, version: Any = None
) -> Vedtak:
    """The veileder's decision: NAV's rules checked (every error named); a permanent group goes to a second person
    (`KLAR_TIL_BESLUTTER`) and becomes current when approved; every other group becomes current now."""
    candidate, vedtak = _for_change(session, actor, vedtak_id, candidate_id, "§14a-vedtak: send")
    _check_version(session, vedtak, version, {})
    _editable(vedtak)
    _check_rules(vedtak, candidate)
    _take_over(vedtak, actor)
    if vedtak.needs_approval:
        vedtak.beslutter_status = "KLAR_TIL_BESLUTTER"
        vedtak.beslutter_note = ""
        session.flush()
        candidates_access.record_change(
            session, actor=actor, candidate=candidate, what="§14a-vedtak: til kvalitetssikring"
        )
        return vedtak
    _make_current(session, actor=actor, candidate=candidate, vedtak=vedtak)
    return vedtak


def _second_person(vedtak: Vedtak, actor: User) -> None:
    if vedtak.status != "UTKAST":
        raise Conflict(MSG_NOT_DRAFT, field="status")
    if vedtak.beslutter_status != "KLAR_TIL_BESLUTTER":
        raise Conflict(MSG_NOT_WAITING, field="status")
    if vedtak.drafted_by_id == actor.id:
        raise Forbidden(MSG_OWN_DRAFT)


def approve(session: Session, *, actor: User, vedtak_id: int, candidate_id: int | None = None) -> Vedtak:
    """A second person (a follow-up caseworker of the office, not the drafter) approves a permanent group: the
    rules are checked again, and the record becomes current."""
    candidate, vedtak = _for_change(session, actor, vedtak_id, candidate_id, "§14a-vedtak: kvalitetssikre")
    _second_person(vedtak, actor)
    _check_rules(vedtak, candidate)
    vedtak.beslutter_status = "GODKJENT_AV_BESLUTTER"
    vedtak.approved_by_id = actor.id
    vedtak.approved_by_name = actor.name
    vedtak.approved_at = utcnow()
    _make_current(session, actor=actor, candidate=candidate, vedtak=vedtak)
    return vedtak


def return_to_drafter(
    session: Session, *, actor: User, vedtak_id: int, note: Any = "", candidate_id: int | None = None
) -> Vedtak:
    """The second person sends the draft back (`KLAR_TIL_VEILEDER`) with a note; the veileder edits and sends
    it again."""
    candidate, vedtak = _for_change(session, actor, vedtak_id, candidate_id, "§14a-vedtak: send tilbake")
    _second_person(vedtak, actor)
    c = Cleaner({"note": note})
    c.text("note", "Kommentaren", max_len=2000)
    vedtak.beslutter_status = "KLAR_TIL_VEILEDER"
    vedtak.beslutter_note = c.done()["note"]
    session.flush()
    candidates_access.record_change(
        session, actor=actor, candidate=candidate, what="§14a-vedtak: sendt tilbake til veileder"
    )
    return vedtak


def _make_current(session: Session, *, actor: User, candidate: Any, vedtak: Vedtak) -> None:
    """The decision is in force: the earlier one becomes history, and the candidate's situation (innsatsgruppe,
    hovedmål, decision date; work capacity and desired hours when the re-assessment gives them) follows it,
    through the candidates service (its restricted-field rule and audit apply)."""
    for earlier in session.scalars(
        select(Vedtak).where(Vedtak.candidate_id == candidate.id, Vedtak.is_current.is_(True))
    ):
        earlier.is_current = False
    session.flush()  # one current record per person (a unique index): the old one goes first
    vedtak.status = "SENDT"
    vedtak.is_current = True
    vedtak.sent_at = utcnow()
    vedtak.decision_date = vedtak.decision_date or today_in_oslo()
    session.flush()
    situation = candidates_profile.set_situation(
        session,
        actor=actor,
        candidate_id=candidate.id,
        data={
            "innsatsgruppe": vedtak.innsatsgruppe,
            "hovedmal": vedtak.hovedmal,
            "decision_date": vedtak.decision_date,
        },
        partial=True,
        vedtak_id=vedtak.id,
    )
    if vedtak.capacity_percent is not None or vedtak.desired_hours_per_week is not None:
        given = vedtak.capacity_percent is not None
        reason = f"§ 14 a-vedtak {vedtak.decision_date:%d.%m.%Y}: {vedtak.capacity_reason}"
        candidates_profile.set_capacity(
            session,
            actor=actor,
            candidate_id=candidate.id,
            override_percent=vedtak.capacity_percent if given else situation.capacity_override_percent,
            reason=reason if given else situation.capacity_override_reason,
            preferred_hours_per_week=(
                vedtak.desired_hours_per_week
                if vedtak.desired_hours_per_week is not None
                else situation.preferred_hours_per_week
            ),
        )
    candidates_access.record_change(session, actor=actor, candidate=candidate, what="§14a-vedtak: fattet")


def draft_state(vedtak: Vedtak | None, actor: User) -> dict[str, bool]:
    """What the actor may do with a draft now (the pages show only the buttons that work)."""
    if vedtak is None or vedtak.status != "UTKAST":
        return {"edit": False, "approve": False}
    waiting = vedtak.beslutter_status == "KLAR_TIL_BESLUTTER"
    return {"edit": not waiting, "approve": waiting and vedtak.drafted_by_id != actor.id}
