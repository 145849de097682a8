"""Activities of the plan: create, change, status, "Avtalt med NAV", history, and the period's end making
them historical — NAV's rules (veilarbaktivitet's AktivitetAppService; PLAN-KVP-PARTICIPANT.md §1.3–1.6).

- Final statuses (FULLFORT, AVBRUTT) and historical activities are read-only (`endringTillatt()`); only the
  etikett of a STILLING may still change on a final one.
- A begrunnelse of 1–255 characters is required for an avtalt activity set to AVBRUTT, for an avtalt one set to
  FULLFORT (not MOTE or SAMTALEREFERAT), and for a MOTE set to AVBRUTT.
- A MOTE or SAMTALEREFERAT is FULLFORT only after its referat is shared (`referatPublisert`). The referat is a
  journal entry linked to the activity (`plans.service_journal.save_referat`, which also writes the activity's
  REFERAT_* versions); this module reads only whether it is shared.
- "Avtalt med NAV" only by NAV staff; on an avtalt activity only the deadline may change (a MOTE: time, place,
  channel and details too).
- Every change is a new version (`PlanActivityVersion`, append-only, written by `plans.activity_versions`) with
  who (BRUKER/NAV/SYSTEM), what (AktivitetTransaksjonsType) and when; a write carries the version it was based
  on, and a stale one is refused (409, `core.locking.check_version`)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.cleaning import EVENT_DATE, Cleaner, blank
from core.errors import Conflict, Forbidden, ValidationFailed
from core.formatting import date_no, today_in_oslo
from core.locking import check_version
from core.models import User, utcnow
from core.roles import NAV_STAFF
from plans import access, activity_versions
from plans import service_journal as journal
from plans.activity_versions import COMMON_FIELDS, check_editable, innsender
from plans.models import (
    ACTIVITY_TYPES,
    CREATABLE_TYPES,
    FINAL_STATUSES,
    JOBB_STATUS,
    KANALER,
    LIFE_AREAS,
    MEETING_TYPES,
    PERSON_CHANGES,
    PERSON_CREATES,
    PROVIDERS,
    STATUSES,
    STILLING_ETIKETTER,
    PlanActivity,
    PlanActivityVersion,
    PlanPeriod,
)

SUBJECT = access.SUBJECT_ACTIVITY
START_STATUSES = ("BRUKER_ER_INTERESSERT", "PLANLAGT", "GJENNOMFORES")
REASON_MAX = 255
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

# Messages the API lists as rules beyond the schema (web/api/plans.py): keep the texts in step.
MSG_FROM_TO = "Til kan ikke være før fra."
MSG_MEETING_PAST = "Møtet kan ikke være tilbake i tid."
MSG_TALK_FUTURE = "En samtale kan ikke føres fram i tid."
MSG_RESPONSIBLE = "Skriv hvem som har ansvaret for aktiviteten (navn)."
MSG_NOT_FOR_TYPE = "Feltet hører ikke til aktivitetstypen «{type}»."
MSG_REASON_AVBRUTT = "Skriv en begrunnelse (1–255 tegn) når en avtalt aktivitet avbrytes."
MSG_REASON_FULLFORT = "Skriv en begrunnelse (1–255 tegn) når en avtalt aktivitet fullføres."
MSG_REASON_MOTE = "Skriv en begrunnelse (1–255 tegn) når et møte avbrytes."
MSG_REFERAT_FIRST = "Referatet må deles med personen før aktiviteten kan fullføres."


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, choice, int, time
    max_len: int = 255
    options: Mapping[str, str] | None = None
    required: bool = False
    low: int = 0
    high: int = 0


# The type's own fields (NAV's names in snake case) with the form limits of NAV's aktivitetsplan (reference §1.1).
TYPE_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "EGEN": (
        FieldSpec("hensikt", "Mål med aktiviteten", "text"),
        FieldSpec("oppfolging", "Hvordan følge opp", "text"),
    ),
    "STILLING": (
        FieldSpec("arbeidsgiver", "Arbeidsgiver", "text"),
        FieldSpec("arbeidssted", "Arbeidssted", "text"),
        FieldSpec("kontaktperson", "Kontaktperson", "text"),
        FieldSpec("etikett", "Hvor langt har du kommet", "choice", options=STILLING_ETIKETTER),
    ),
    "SOKEAVTALE": (
        FieldSpec(
            "antall_stillinger_i_uken", "Antall søknader per uke", "int", required=True, low=1, high=99
        ),
        FieldSpec("antall_stillinger_sokes", "Antall søknader i perioden", "int", low=1, high=999),
        FieldSpec("avtale_oppfolging", "Oppfølging av avtalen", "text"),
    ),
    "IJOBB": (
        FieldSpec("jobb_status", "Heltid eller deltid", "choice", options=JOBB_STATUS, required=True),
        FieldSpec("ansettelsesforhold", "Arbeidsgiver og ansettelsesforhold", "text"),
        FieldSpec("arbeidstid", "Arbeidstid", "text"),
    ),
    "BEHANDLING": (
        FieldSpec("behandling_type", "Type behandling", "text", max_len=100, required=True),
        FieldSpec("behandling_sted", "Behandlingssted", "text", required=True),
        FieldSpec("effekt", "Mål for behandlingen", "text"),
        FieldSpec("behandling_oppfolging", "Oppfølging fra NAV", "text"),
    ),
    "MOTE": (
        FieldSpec("kanal", "Møteform", "choice", options=KANALER, required=True),
        FieldSpec("klokkeslett", "Klokkeslett (TT:MM)", "time", required=True),
        FieldSpec("varighet", "Varighet i minutter", "int", required=True, low=5, high=480),
        FieldSpec("adresse", "Sted", "text"),
        FieldSpec("forberedelser", "Forberedelser", "text", max_len=500),
    ),
    "SAMTALEREFERAT": (FieldSpec("kanal", "Samtaleform", "choice", options=KANALER, required=True),),
}
# Dates per type: (from required, to required); a MOTE and a SAMTALEREFERAT have one date (to = from).
DATES: dict[str, tuple[bool, bool]] = {
    "EGEN": (True, True),
    "STILLING": (False, False),
    "SOKEAVTALE": (True, True),
    "IJOBB": (True, False),
    "BEHANDLING": (True, True),
    "MOTE": (True, False),
    "SAMTALEREFERAT": (True, False),
}
DESCRIPTION_MAX = {"BEHANDLING": 400}
# On an avtalt activity the veileder changes only the deadline; on an avtalt MOTE also time, place and channel.
AVTALT_CHANGES = frozenset({"to_date"})
MEETING_TIME_PLACE = frozenset({"from_date", "klokkeslett", "varighet", "kanal", "adresse"})
AVTALT_MEETING_CHANGES = AVTALT_CHANGES | MEETING_TIME_PLACE | {"description", "forberedelser"}
# The labels of the common fields (forms, history lines).
FIELD_LABELS = {
    "title": "Tittel",
    "description": "Beskrivelse",
    "from_date": "Fra dato",
    "to_date": "Til dato",
    "link": "Lenke",
    "life_area": "Livsområde",
    "provider": "Tjenesteyter",
    "provider_org": "Virksomhet eller tjeneste",
    "responsible_name": "Ansvarlig",
    "responsible_org": "Ansvarliges organisasjon",
    "responsible_phone": "Ansvarliges telefon",
    **{s.name: s.label for specs in TYPE_FIELDS.values() for s in specs},
    "referat": "Referat",
}


# --- who did it ----------------------------------------------------------------------------------------------


def person_may_create(activity_type: str) -> bool:
    """§1.4: the participant creates only BEHANDLING, EGEN, STILLING and IJOBB."""
    return activity_type in PERSON_CREATES


def person_may_change(activity: PlanActivity) -> bool:
    """§1.4: the participant changes EGEN, STILLING, SOKEAVTALE, IJOBB, BEHANDLING and STILLING_FRA_NAV, and nothing
    avtalt (except the end date of an avtalt BEHANDLING, which `update_activity` allows)."""
    return activity.type in PERSON_CHANGES and (not activity.avtalt or activity.type == "BEHANDLING")


# --- the rules of §1.3 as functions ------------------------------------------------------------------------


def reason_required(activity: PlanActivity, status: str) -> str | None:
    """The message when a begrunnelse is required for this change of status, else None."""
    if activity.type == "MOTE" and status == "AVBRUTT":
        return MSG_REASON_MOTE
    if activity.avtalt and status == "AVBRUTT":
        return MSG_REASON_AVBRUTT
    if activity.avtalt and status == "FULLFORT" and activity.type not in MEETING_TYPES:
        return MSG_REASON_FULLFORT
    return None


def allowed_statuses(activity: PlanActivity) -> list[str]:
    """The statuses the activity may move to now (none when final or historical)."""
    if not activity.editable:
        return []
    return [s for s in STATUSES if s != activity.status]


# --- reading and cleaning the fields -------------------------------------------------------------------------


def _clean_type_fields(c: Cleaner, activity_type: str) -> None:
    for spec in TYPE_FIELDS.get(activity_type, ()):
        if spec.kind == "text":
            c.text(spec.name, spec.label, required=spec.required, max_len=spec.max_len)
        elif spec.kind == "choice":
            c.choice(spec.name, spec.label, list(spec.options or {}), required=spec.required)
        elif spec.kind == "int":
            c.integer(spec.name, spec.label, minimum=spec.low, maximum=spec.high, required=spec.required)
        elif spec.kind == "time" and not c.skip(spec.name):
            raw = str(c.raw(spec.name) or "").strip()
            if not raw:
                if spec.required:
                    c.error(spec.name, f"{spec.label} må fylles ut.")
                else:
                    c.out[spec.name] = ""
            elif not TIME_RE.match(raw):
                c.error(spec.name, "Skriv klokkeslettet som TT:MM, for eksempel 09:30.")
            else:
                c.out[spec.name] = raw


def _clean_common(c: Cleaner, activity_type: str, *, current: PlanActivity | None = None) -> None:
    c.text("title", "Tittel", required=True, max_len=100)
    if activity_type == "MOTE":
        c.text("description", "Hensikt med møtet", required=True, max_len=5000)
    else:
        c.text("description", "Beskrivelse", max_len=DESCRIPTION_MAX.get(activity_type, 5000))
    from_required, to_required = DATES[activity_type]
    c.date(
        "from_date",
        "Fra dato",
        required=from_required,
        bounds=EVENT_DATE,
        unchanged=current.from_date if current else None,
    )
    if activity_type not in MEETING_TYPES:
        c.date(
            "to_date",
            "Til dato",
            required=to_required,
            bounds=EVENT_DATE,
            unchanged=current.to_date if current else None,
        )
    c.text("link", "Lenke", max_len=2000)
    c.choice("life_area", "Livsområde", list(LIFE_AREAS), required=True)
    c.choice("provider", "Tjenesteyter", list(PROVIDERS), required=True)
    c.text("provider_org", "Virksomhet eller tjeneste", max_len=200)
    c.text("responsible_name", "Ansvarlig", max_len=200)
    c.text("responsible_org", "Ansvarliges organisasjon", max_len=200)
    if blank(c.raw("responsible_phone")) and not c.skip("responsible_phone"):
        c.out["responsible_phone"] = ""
    else:
        c.phone("responsible_phone", "Ansvarliges telefon")


def _check_dates(
    c: Cleaner, activity_type: str, values: Mapping[str, Any], today: dt.date, *, meeting_time_changed: bool
) -> None:
    start, end = values.get("from_date"), values.get("to_date")
    if start and end and end < start and "to_date" not in {e["field"] for e in c.errors}:
        c.error("to_date", MSG_FROM_TO)
    if activity_type == "MOTE" and start and meeting_time_changed and start < today:
        c.error("from_date", MSG_MEETING_PAST)
    if activity_type == "SAMTALEREFERAT" and start and start > today:
        c.error("from_date", MSG_TALK_FUTURE)


def _unknown_fields(
    data: Mapping[str, Any], activity_type: str, *, allowed_extra: Sequence[str] = ()
) -> None:
    own = {s.name for s in TYPE_FIELDS.get(activity_type, ())}
    known = {*COMMON_FIELDS, *own, "type", "status", "version", *allowed_extra}
    errors = [
        {
            "field": name,
            "message": MSG_NOT_FOR_TYPE.format(type=ACTIVITY_TYPES.get(activity_type, activity_type)),
        }
        for name in data
        if name not in known and not blank(data[name])
    ]
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)


def _open_period(session: Session, candidate_id: int) -> PlanPeriod:
    period = session.scalar(
        select(PlanPeriod).where(PlanPeriod.candidate_id == candidate_id, PlanPeriod.end_date.is_(None))
    )
    if period is None:
        raise Conflict(
            "Personen har ingen åpen oppfølgingsperiode. Start en periode før du legger til aktiviteter.",
            field="period",
        )
    return period


# --- use cases -----------------------------------------------------------------------------------------------


def create_activity(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> PlanActivity:
    """A new activity of one of the types staff create (STILLING_FRA_NAV and external cards come from other
    domains), in the person's open period; version 1, OPPRETTET."""
    today = today or today_in_oslo()
    candidate = access.person_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="oppfølging: plan (ny aktivitet)"
    )
    activity_type = str(data.get("type") or "").strip()
    if activity_type not in CREATABLE_TYPES:
        raise ValidationFailed("Velg hva slags aktivitet det er.", field="type")
    _unknown_fields(
        data, activity_type, allowed_extra=("referat",) if activity_type == "SAMTALEREFERAT" else ()
    )
    period = _open_period(session, candidate.id)
    c = Cleaner(data)
    _clean_common(c, activity_type)
    _clean_type_fields(c, activity_type)
    c.choice("status", "Status", START_STATUSES, default="PLANLAGT")
    if activity_type == "SAMTALEREFERAT":
        c.text("referat", "Referat", max_len=5000)
    _check_dates(c, activity_type, c.out, today, meeting_time_changed=True)
    if not c.errors and not c.out.get("responsible_name"):
        if c.out.get("provider") == "NAV_STAT" and actor is not None:
            c.out["responsible_name"] = actor.name
        else:
            c.error("responsible_name", MSG_RESPONSIBLE)
    out = c.done()
    details = {s.name: out.pop(s.name) for s in TYPE_FIELDS[activity_type] if s.name in out}
    referat = out.pop("referat", "") or ""
    if activity_type in MEETING_TYPES:
        out["to_date"] = out["from_date"]
    activity = PlanActivity(
        uuid=str(uuid.uuid4()),
        period_id=period.id,
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        type=activity_type,
        status=out.pop("status") or "PLANLAGT",
        details=details,
        created_by_id=actor.id if actor else None,
        changed_by_type=innsender(actor),
        transaction_type="OPPRETTET",
        avtalt=False,
        **out,
    )
    session.add(activity)
    activity_versions.record(session, activity, actor, "OPPRETTET", action="create")
    if referat:
        if actor is None:
            raise ValidationFailed(journal.MSG_REFERAT_WRITER, field="referat")
        journal.save_referat(session, actor=actor, activity_id=activity.id, referat=referat)
    return activity


def get_activity(session: Session, *, actor: User, activity_id: int, purpose: str) -> PlanActivity:
    """One activity for a reader, the read audit-logged (as a read of the person's plan)."""
    activity = access.activity_in_reach(session, actor=actor, activity_id=activity_id, purpose=purpose)
    access.person_for_read(session, actor=actor, candidate_id=activity.candidate_id, purpose=purpose)
    return activity


def activity_for_change(
    session: Session, *, actor: User | None, activity_id: int, purpose: str
) -> PlanActivity:
    activity = access.activity_in_reach(session, actor=actor, activity_id=activity_id, purpose=purpose)
    access.person_for_change(session, actor=actor, candidate_id=activity.candidate_id, purpose=purpose)
    return activity


def _current(activity: PlanActivity, name: str) -> Any:
    if name in COMMON_FIELDS:
        return getattr(activity, name)
    return (activity.details or {}).get(name)


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: "" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v).strip())  # noqa: E731
    return norm(a) == norm(b)


def update_activity(
    session: Session,
    *,
    actor: User | None,
    activity_id: int,
    data: Mapping[str, Any],
    version: Any = None,
    today: dt.date | None = None,
) -> PlanActivity:
    """Changes the fields sent (a form sends them all; the API only those it changes). Only what really changed
    makes a version: DETALJER_ENDRET, or AVTALT_DATO_ENDRET (the deadline of an avtalt activity),
    MOTE_TID_OG_STED_ENDRET (a meeting's time or place), ETIKETT_ENDRET (a STILLING's etikett, which may change
    on a final activity too)."""
    today = today or today_in_oslo()
    activity = activity_for_change(
        session, actor=actor, activity_id=activity_id, purpose="oppfølging: plan (endre)"
    )
    if activity.is_historic:
        check_editable(activity)
    data = {k: v for k, v in data.items() if k not in ("version", "type")}
    _unknown_fields(data, activity.type)
    if activity.type not in TYPE_FIELDS:
        raise Conflict("Denne aktiviteten kommer fra et annet fagsystem og endres der.", field="type")
    check_version(session, activity, version, subject_type=SUBJECT, label="Aktiviteten", fields=data)
    c = Cleaner(data, partial=True)
    _clean_common(c, activity.type, current=activity)
    _clean_type_fields(c, activity.type)
    changed = {name for name, value in c.out.items() if not _same(_current(activity, name), value)}
    merged = {
        name: c.out[name] if name in c.out else _current(activity, name) for name in ("from_date", "to_date")
    }
    if activity.type in MEETING_TYPES:
        merged["to_date"] = None
    _check_dates(
        c, activity.type, merged, today, meeting_time_changed=bool(changed & {"from_date", "klokkeslett"})
    )
    out = c.done()
    if (
        "responsible_name" in changed
        and not out.get("responsible_name")
        and (out.get("provider") or activity.provider) != "NAV_STAT"
    ):
        raise ValidationFailed(MSG_RESPONSIBLE, field="responsible_name")
    if not changed:
        return activity
    if activity.is_final and not (changed == {"etikett"} and activity.type == "STILLING"):
        check_editable(activity)
    if activity.avtalt:
        allowed = AVTALT_MEETING_CHANGES if activity.type == "MOTE" else AVTALT_CHANGES
        if changed - allowed:
            names = ", ".join(sorted(FIELD_LABELS.get(n, n).lower() for n in changed - allowed))
            what = (
                "tid, sted, møteform, beskrivelse og frist"
                if activity.type == "MOTE"
                else "fristen (til dato)"
            )
            raise Conflict(
                f"Aktiviteten er avtalt med NAV: bare {what} kan endres (du endret {names}).",
                field=sorted(changed - allowed)[0],
            )
    details = dict(activity.details or {})
    for name in changed:
        if name in COMMON_FIELDS:
            setattr(activity, name, out[name])
        else:
            details[name] = out[name]
    if activity.type in MEETING_TYPES and "from_date" in changed:
        activity.to_date = activity.from_date
    activity.details = details
    if changed == {"etikett"}:
        transaction = "ETIKETT_ENDRET"
    elif activity.avtalt and changed == {"to_date"}:
        transaction = "AVTALT_DATO_ENDRET"
    elif activity.type == "MOTE" and changed <= MEETING_TIME_PLACE:
        transaction = "MOTE_TID_OG_STED_ENDRET"
    else:
        transaction = "DETALJER_ENDRET"
    note = ", ".join(sorted(FIELD_LABELS.get(n, n) for n in changed))
    activity_versions.record(session, activity, actor, transaction, note=note)
    return activity


def change_status(
    session: Session,
    *,
    actor: User | None,
    activity_id: int,
    status: str,
    reason: str | None = None,
    version: Any = None,
) -> PlanActivity:
    """Moves the activity to another status (§1.3): refused on a final or historical one; the begrunnelse where
    NAV requires it; a meeting's referat shared before FULLFORT. The begrunnelse of a final status is kept as
    `end_comment` (NAV's avsluttetKommentar)."""
    activity = activity_for_change(
        session, actor=actor, activity_id=activity_id, purpose="oppfølging: plan (status)"
    )
    check_editable(activity)
    if activity.type not in TYPE_FIELDS:
        raise Conflict("Denne aktiviteten kommer fra et annet fagsystem og endres der.", field="status")
    check_version(
        session, activity, version, subject_type=SUBJECT, label="Aktiviteten", fields={"status": status}
    )
    status = (status or "").strip()
    if status not in STATUSES:
        raise ValidationFailed("Velg en status.", field="status")
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Begrunnelsen kan være høyst {REASON_MAX} tegn.", field="begrunnelse")
    if status == activity.status:
        return activity
    needed = reason_required(activity, status)
    if needed and not reason:
        raise ValidationFailed(needed, field="begrunnelse")
    if (
        status == "FULLFORT"
        and activity.type in MEETING_TYPES
        and not journal.referat_shared(session, activity_id=activity.id)
    ):
        raise ValidationFailed(MSG_REFERAT_FIRST, field="status")
    old = activity.status
    activity.status = status
    if status in FINAL_STATUSES:
        activity.end_comment = reason or None
    note = f"{STATUSES[old]} → {STATUSES[status]}" + (f": {reason}" if reason else "")
    activity_versions.record(session, activity, actor, "STATUS_ENDRET", note=note)
    return activity


def mark_avtalt(
    session: Session, *, actor: User | None, activity_id: int, version: Any = None
) -> PlanActivity:
    """ "Avtalt med NAV": only NAV staff; not on a final or historical activity; marking it twice changes nothing."""
    if actor is not None and actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan merke en aktivitet som avtalt med NAV.")
    activity = activity_for_change(
        session, actor=actor, activity_id=activity_id, purpose="oppfølging: plan (avtalt med NAV)"
    )
    check_editable(activity)
    if activity.type not in TYPE_FIELDS:
        raise Conflict("Denne aktiviteten kommer fra et annet fagsystem og endres der.", field="avtalt")
    check_version(
        session, activity, version, subject_type=SUBJECT, label="Aktiviteten", fields={"avtalt": True}
    )
    if activity.avtalt:
        return activity
    activity.avtalt = True
    activity_versions.record(session, activity, actor, "AVTALT")
    return activity


def make_historic(session: Session, *, period: PlanPeriod) -> int:
    """The period has ended: every activity of it becomes historical (`historic_at`, a BLE_HISTORISK version by
    SYSTEM) and read-only. Returns how many."""
    activities = session.scalars(
        select(PlanActivity)
        .where(PlanActivity.period_id == period.id, PlanActivity.historic_at.is_(None))
        .order_by(PlanActivity.id)
    ).all()
    now = utcnow()
    for activity in activities:
        activity.historic_at = now
        activity_versions.record(
            session, activity, None, "BLE_HISTORISK", note="Aktiviteten ble automatisk arkivert"
        )
    return len(activities)


def activities_of(session: Session, *, period_id: int) -> Sequence[PlanActivity]:
    """The period's activities (access is the caller's: the plan read has checked the person)."""
    return session.scalars(
        select(PlanActivity).where(PlanActivity.period_id == period_id).order_by(PlanActivity.id)
    ).all()


# --- history ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    version: int
    at: dt.datetime
    who: str
    who_type: str
    transaction: str
    text: str


def _describe(prev: PlanActivityVersion | None, row: PlanActivityVersion) -> str:
    """One line in words, as NAV's history shows it ("flyttet aktiviteten fra Planlegger til Gjennomfører")."""
    t = row.transaction_type
    if t == "STATUS_ENDRET" and prev is not None:
        text = f"flyttet aktiviteten fra {STATUSES.get(prev.status, prev.status)} til {STATUSES.get(row.status, row.status)}"
        comment = (row.data or {}).get("end_comment")
        return text + (f" – begrunnelse: {comment}" if comment and row.status in FINAL_STATUSES else "")
    if t in ("DETALJER_ENDRET", "MOTE_TID_OG_STED_ENDRET") and row.note:
        return f"endret {row.note.lower()}"
    if t == "AVTALT_DATO_ENDRET":
        to_date = (row.data or {}).get("to_date")
        return f"endret fristen til {date_no(to_date)}" if to_date else row.transaction_label
    if t == "ETIKETT_ENDRET":
        etikett = ((row.data or {}).get("details") or {}).get("etikett")
        return f"endret tilstanden til «{STILLING_ETIKETTER.get(etikett or '', 'ingen')}»"
    return row.transaction_label


def history(session: Session, *, actor: User, activity_id: int) -> list[HistoryLine]:
    """Every version of the activity, oldest first, in words; the read is audit-logged."""
    get_activity(session, actor=actor, activity_id=activity_id, purpose="oppfølging: plan (historikk)")
    rows = session.scalars(
        select(PlanActivityVersion)
        .where(PlanActivityVersion.activity_id == activity_id)
        .order_by(PlanActivityVersion.version)
    ).all()
    lines, prev = [], None
    for row in rows:
        lines.append(
            HistoryLine(
                row.version,
                row.changed_at,
                row.changed_by_name,
                row.changed_by_type,
                row.transaction_type,
                _describe(prev, row),
            )
        )
        prev = row
    return lines


def versions(session: Session, *, activity_id: int) -> Sequence[PlanActivityVersion]:
    """The raw version rows (tests, export)."""
    return session.scalars(
        select(PlanActivityVersion)
        .where(PlanActivityVersion.activity_id == activity_id)
        .order_by(PlanActivityVersion.version)
    ).all()
