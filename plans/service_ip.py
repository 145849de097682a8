"""The individuell plan (IP) with koordinator as a view over the person's one plan
(../shared/domain/PLAN-KVP-PARTICIPANT.md §4.2–4.3, W2-4).

`get_view` reads the plan (`plans.service.get_plan`: the period, goals, "Mitt mål", every activity and derived
card) and the period's IP row, and assembles the **nine required elements** of forskrift om individuell plan (NAV's
list for municipalities) — each with the content it draws from the IP *and* the plan, a `missing` flag and a short
bokmål hint when it is missing — and the quality checks drawn from what supervision (tilsyn) criticised: no trace of
the person's participation, standard texts, revision or evaluation overdue, goals without measures.

Access is the plan's (`plans.access`): the follow-up caseworkers of the person's office; anyone else is 404
("nektet"), an employer's write 403. Every read goes through the candidates domain's read and is audit-logged with
its purpose; every change is audit-logged as a change of the person's record. The IP row is versioned (a stale
save is 409, `core.locking`); it belongs to the open period only (an ended period's IP is read-only, as its
activities are). `revision_and_evaluation_due` is the system read the caseworker's overview uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ScalarSelect, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from candidates import access as candidates_access
from candidates import service as candidates_service
from core.cleaning import DECISION_DATE, EVENT_DATE, Cleaner, as_bool, blank
from core.errors import Conflict, NotFound, ValidationFailed
from core.formatting import date_no
from core.locking import OSLO, StaleEdit, check_version
from core.models import Office, User, utcnow
from plans import access
from plans import service as plans_service
from plans.models import PROVIDERS, PlanGoal, PlanPeriod
from plans.models_ip import (
    IP_FIELDS,
    IP_STATUSES,
    LEGAL_BASES,
    MAX_PARTICIPANTS,
    NAME_MAX,
    PARTICIPANT_ROLES,
    SERVICE_ROLES,
    TEXT_MAX,
    IndividualPlan,
    IpEvaluation,
    IpParticipant,
)
from plans.service import PlanView
from plans.service_feed import Card
from plans.service_periods import open_period

PURPOSE = "oppfølging: individuell plan"
SUBJECT = "plan_ip"

MSG_NO_PERIOD = "Personen har ingen oppfølgingsperiode ennå. Start en i planen først."
MSG_NO_OPEN = "Personen har ingen åpen oppfølgingsperiode: den individuelle planen kan bare leses."
MSG_NO_IP = "Lag den individuelle planen først (lagre den én gang)."
MSG_EXISTS = "Den individuelle planen finnes allerede: send versjonen du leste (version)."
MSG_CONSENT_FOR_ACTIVE = (
    "En individuell plan kan ikke være aktiv uten personens samtykke: skriv datoen for samtykket."
)
MSG_KOORDINATOR_USER = "Koordinatoren må være en ansatt ved personens NAV-kontor."
MSG_FROM_TO = "Til kan ikke være før fra."
MSG_NEXT_EVALUATION = "Neste evaluering kan ikke være før denne evalueringen."
MSG_NO_PARTICIPANT = "Fant ikke deltakeren i planen."

# Activity types that are measures of the plan (a meeting, a referat or a job application is not a measure).
MEASURE_TYPES = ("EGEN", "SOKEAVTALE", "IJOBB", "BEHANDLING", "EKSTERNAKTIVITET")
STANDARD_TEXT_MIN = 20  # shorter texts («Egen bolig») may well be the same for two people

LABELS = {
    "status": "Status",
    "legal_bases": "Lovgrunnlag",
    "koordinator_user_id": "Koordinator i NAV-kontoret",
    "koordinator_name": "Koordinatorens navn",
    "koordinator_org": "Koordinatorens virksomhet",
    "koordinator_phone": "Koordinatorens telefon",
    "period_from": "Planperiode fra",
    "period_to": "Planperiode til",
    "next_revision": "Neste revisjon",
    "consent_date": "Dato for samtykke til planen",
    "share_consent_date": "Dato for samtykke til deling",
    "share_with": "Tjenester og samarbeidspartnere opplysninger kan deles med",
    "share_confidential": "Samtykket gjelder også taushetsbelagte opplysninger",
    "resources": "Personens ressurser",
    "needs": "Personens behov for tjenester",
    "own_effort": "Personens egen innsats",
    "network_contribution": "Hva nærpersonene bidrar med",
    "implementation": "Hvordan tiltakene skal gjennomføres",
    "cooperation": "Samarbeid med andre tjenester",
}
TEXT_FIELDS = ("resources", "needs", "own_effort", "network_contribution", "implementation", "cooperation")

HEADINGS = (
    "Mål, ressurser og behov",
    "Hvem som deltar i planarbeidet",
    "Koordinator",
    "Bidrag fra personen, tjenestene og nærpersonene",
    "Tiltak, omfang og ansvar",
    "Hvordan tiltakene skal gjennomføres",
    "Planperiode og revisjon",
    "Samtykke",
    "Samarbeid med andre tjenester",
)


# --- the view -------------------------------------------------------------------------------------------------


@dataclass
class Element:
    """One of the nine required elements: its number and heading, what it says (label, text lines), whether it
    is missing (with a hint in bokmål on what to write), and the parts still lacking while it is there."""

    number: int
    key: str
    heading: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    missing: bool = False
    hint: str = ""

    @property
    def title(self) -> str:
        return f"{self.number}. {self.heading}"


@dataclass(frozen=True)
class Check:
    """A quality check from the supervision findings (§4.3) that the plan does not pass."""

    code: str
    message: str


@dataclass
class Measure:
    """An activity of the plan as an IP measure: what, extent, who is responsible, how."""

    card: Card

    @property
    def extent(self) -> str:
        c = self.card
        parts = []
        if c.from_date and c.to_date and c.to_date != c.from_date:
            parts.append(f"{date_no(c.from_date)}–{date_no(c.to_date)}")
        elif c.from_date:
            parts.append(f"fra {date_no(c.from_date)}")
        elif c.to_date:
            parts.append(f"til {date_no(c.to_date)}")
        parts += [f"{label}: {value}" for label, value in c.facts if label not in HOW_FACTS]
        return "; ".join(parts)

    @property
    def responsible(self) -> str:
        c = self.card
        who = c.responsible_name
        if who and c.responsible_org:
            who += f" ({c.responsible_org})"
        if who and c.responsible_phone:
            who += f", tlf. {c.responsible_phone}"
        return who

    @property
    def provider(self) -> str:
        c = self.card
        return c.provider_label + (f": {c.provider_org}" if c.provider_org else "")

    @property
    def how(self) -> str:
        c = self.card
        parts = [c.description] if c.description else []
        parts += [f"{label}: {value}" for label, value in c.facts if label in HOW_FACTS]
        return " ".join(p if p.endswith(".") else p + "." for p in parts)


# the facts of an activity that say how it is carried out (the rest say its extent)
HOW_FACTS = ("Mål med aktiviteten", "Hvordan følge opp", "Oppfølging av avtalen", "Oppfølging fra NAV")


@dataclass
class IpView:
    plan: PlanView
    ip: IndividualPlan | None
    measures: list[Measure]
    elements: list[Element]
    checks: list[Check]

    @property
    def candidate(self) -> Any:
        return self.plan.candidate

    @property
    def period(self) -> PlanPeriod | None:
        return self.plan.period

    @property
    def editable(self) -> bool:
        return self.plan.editable

    @property
    def missing(self) -> list[Element]:
        return [e for e in self.elements if e.missing]


def measures_of(plan: PlanView) -> list[Measure]:
    """The plan's measures: activities and tiltak cards that are not cancelled, not meetings nor applications."""
    return [Measure(c) for c in plan.cards if c.type in MEASURE_TYPES and c.status != "AVBRUTT"]


def _join(items: Iterable[str]) -> str:
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def required_elements(plan: PlanView, ip: IndividualPlan | None) -> list[Element]:
    """The nine required elements (§4.2), drawn from the IP row and the plan; each flagged `missing` with a hint
    when its required content is not there."""
    measures = measures_of(plan)
    participants = list(ip.participants) if ip is not None else []
    text = {name: (getattr(ip, name) or "") if ip is not None else "" for name in TEXT_FIELDS}
    elements: list[Element] = []

    def add(key: str, lines: list[tuple[str, str]], gaps: list[str], hint: str) -> None:
        number = len(elements) + 1
        missing = bool(gaps)
        elements.append(
            Element(number, key, HEADINGS[number - 1], lines, gaps, missing, hint if missing else "")
        )

    # 1. goals, resources and needs
    lines: list[tuple[str, str]] = []
    if plan.my_goal is not None:
        lines.append(("Mitt mål", plan.my_goal.text))
    lines += [(f"Mål for {label.lower()}", goal.text) for _, label, goal, _ in plan.areas if goal is not None]
    lines += [("Ressurser", text["resources"]), ("Behov for tjenester", text["needs"])]
    gaps = []
    if not plan.goals:
        gaps.append("mål («Mitt mål» eller mål for et livsområde)")
    if not text["resources"]:
        gaps.append("personens ressurser")
    if not text["needs"]:
        gaps.append("behovet for tjenester")
    add("mal", [line for line in lines if line[1]], gaps, f"Beskriv {_join(gaps)}.")

    # 2. who takes part
    lines = [(p.name, p.role_label + (f", {p.organisation}" if p.organisation else "")) for p in participants]
    add(
        "deltakere",
        lines,
        [] if participants else ["deltakere"],
        "Legg til hvem som deltar i planarbeidet: personen selv, tjenestene og eventuelle nærpersoner.",
    )

    # 3. the koordinator
    k = ip.koordinator_name if ip is not None else ""
    lines = []
    if ip is not None and k:
        lines = [("Koordinator", k), ("Virksomhet", ip.koordinator_org), ("Telefon", ip.koordinator_phone)]
    add(
        "koordinator",
        [line for line in lines if line[1]],
        [] if k else ["koordinator"],
        "Velg hvem som er koordinator: den som har ansvaret for oppfølgingen og framdriften i planen.",
    )

    # 4. contributions
    lines = [("Personens egen innsats", text["own_effort"]), ("Nærpersonene", text["network_contribution"])]
    lines += [(f"{p.name} ({p.role_label})", p.contribution) for p in participants if p.role != "BRUKER"]
    gaps = []
    if not text["own_effort"]:
        gaps.append("hva personen selv skal bidra med")
    if not any(p.contribution for p in participants if p.role in SERVICE_ROLES):
        gaps.append("hva tjenestene skal bidra med (bidraget til hver deltaker)")
    add("bidrag", [line for line in lines if line[1]], gaps, f"Skriv {_join(gaps)}.")

    # 5. measures, extent and who is responsible
    lines = [
        (
            m.card.title,
            "; ".join(x for x in (m.provider, m.extent, m.responsible and "ansvarlig " + m.responsible) if x),
        )
        for m in measures
    ]
    gaps = [] if measures else ["tiltak"]
    add(
        "tiltak",
        lines,
        gaps,
        "Legg inn tiltakene som aktiviteter i planen, med omfang (datoer) og hvem som er ansvarlig for hvert.",
    )

    # 6. how the measures are carried out
    lines = [("Gjennomføring", text["implementation"])]
    lines += [(m.card.title, m.how) for m in measures]
    has_how = bool(text["implementation"]) or any(m.how for m in measures)
    add(
        "gjennomforing",
        [line for line in lines if line[1]],
        [] if has_how else ["gjennomføring"],
        "Beskriv hvordan tiltakene skal gjennomføres (i planen, eller i beskrivelsen av hver aktivitet).",
    )

    # 7. plan period and revision
    lines = []
    gaps = []
    if ip is not None and ip.period_from:
        span = date_no(ip.period_from) + (f"–{date_no(ip.period_to)}" if ip.period_to else "")
        lines.append(("Planperiode", span))
    if ip is None or not ip.period_from or not ip.period_to:
        gaps.append("planperioden (fra og til)")
    if ip is not None and ip.next_revision:
        lines.append(("Neste revisjon", date_no(ip.next_revision)))
    else:
        gaps.append("når planen skal revideres")
    add("periode", lines, gaps, f"Skriv {_join(gaps)}.")

    # 8. consent
    lines = []
    if ip is not None and ip.consent_date:
        lines.append(("Samtykke til planen", date_no(ip.consent_date)))
    if ip is not None and ip.share_consent_date:
        scope = (
            "også taushetsbelagte opplysninger"
            if ip.share_confidential
            else "ikke taushetsbelagte opplysninger"
        )
        lines.append(("Samtykke til deling", f"{date_no(ip.share_consent_date)}, {scope}"))
        if ip.share_with:
            lines.append(("Kan deles med", ip.share_with))
    has_consent = ip is not None and ip.consent_date is not None
    add(
        "samtykke",
        lines,
        [] if has_consent else ["samtykke"],
        "Skriv når personen samtykket til planen, og om deltakerne kan se taushetsbelagte opplysninger.",
    )

    # 9. cooperation with other providers
    partners = sorted(
        {
            p.organisation or p.role_label
            for p in participants
            if p.role in SERVICE_ROLES and p.role != "NAV_STAT"
        }
        | {
            m.card.provider_org or PROVIDERS.get(m.card.provider, m.card.provider)
            for m in measures
            if m.card.provider != "NAV_STAT"
        }
    )
    lines = [("Samarbeid", text["cooperation"])] if text["cooperation"] else []
    if partners:
        lines.append(("Tjenester i planen", ", ".join(partners)))
    add(
        "samarbeid",
        lines,
        [] if lines else ["samarbeid"],
        "Beskriv hvilket samarbeid med andre tjenester, institusjoner eller etater som trengs.",
    )
    return elements


def quality_checks(
    session: Session, plan: PlanView, ip: IndividualPlan | None, *, today: dt.date | None = None
) -> list[Check]:
    """The supervision findings (§4.3) the plan shows: little trace of the person's participation, standard texts,
    revision or evaluation overdue, goals without measures."""
    today = today or plan.today
    checks: list[Check] = []
    mine = plan.my_goal
    if mine is None:
        checks.append(
            Check(
                "lite_brukermedvirkning",
                "Lite spor av brukermedvirkning: personen har ikke noe eget mål («Mitt mål») i planen.",
            )
        )
    elif mine.written_by_type != "BRUKER":
        checks.append(Check("mitt_mal_av_nav", "«Mitt mål» er skrevet av NAV, ikke med personens egne ord."))
    if ip is not None:
        if ip.participants and not any(p.role == "BRUKER" for p in ip.participants):
            checks.append(
                Check("bruker_ikke_deltaker", "Personen selv står ikke som deltaker i planarbeidet.")
            )
        latest = ip.latest_evaluation
        if latest is not None and (not latest.person_took_part or not latest.person_assessment):
            checks.append(
                Check(
                    "evaluering_uten_bruker",
                    f"Evalueringen {date_no(latest.date)} har ikke med personens egen vurdering.",
                )
            )
        if ip.status != "AVSLUTTET" and plan.editable:
            if ip.next_revision is not None and ip.next_revision < today:
                checks.append(
                    Check(
                        "revisjon_passert",
                        f"Revisjonsdatoen {date_no(ip.next_revision)} er passert: planen skal revideres.",
                    )
                )
            if latest is not None and latest.next_date is not None and latest.next_date < today:
                checks.append(
                    Check(
                        "evaluering_forfalt",
                        f"Neste evaluering skulle vært {date_no(latest.next_date)}.",
                    )
                )
    measures = measures_of(plan)
    for m in measures:
        if m.card.activity is not None and not m.card.responsible_name and not m.card.historic:
            checks.append(
                Check(
                    "tiltak_uten_ansvarlig", f"Tiltaket «{m.card.title}» har ingen navngitt ansvarlig person."
                )
            )
    areas = {m.card.life_area for m in measures}
    for code, label, goal, _ in plan.areas:
        if goal is not None and code not in areas:
            checks.append(Check(f"mal_uten_tiltak_{code}", f"Målet for {label.lower()} har ingen tiltak."))
    for label in standard_texts(session, plan, ip):
        checks.append(
            Check(
                "standardtekst", f"Standardtekst: «{label}» er ordrett lik teksten i en annen persons plan."
            )
        )
    return checks


def standard_texts(session: Session, plan: PlanView, ip: IndividualPlan | None) -> list[str]:
    """The labels of the plan's texts (the IP's own and "Mitt mål") that are word for word the same as another
    person's at the same office: a sign of a standard text rather than an individual assessment. Only whether such a
    text exists is read, never whose it is."""
    if plan.period is None:
        return []
    office_id, candidate_id = plan.period.office_id, plan.period.candidate_id
    texts: dict[str, str] = {}
    if ip is not None:
        for name in TEXT_FIELDS:
            value = getattr(ip, name) or ""
            if len(value) >= STANDARD_TEXT_MIN:
                texts.setdefault(value, LABELS[name])
    out: list[str] = []
    if texts:
        columns = [getattr(IndividualPlan, name) for name in TEXT_FIELDS]
        rows = session.execute(
            select(*columns).where(
                IndividualPlan.office_id == office_id,
                IndividualPlan.candidate_id != candidate_id,
                or_(*(c.in_(list(texts)) for c in columns)),
            )
        ).all()
        seen = {value for row in rows for value in row}
        out += [label for value, label in texts.items() if value in seen]
    mine = plan.my_goal
    if mine is not None and len(mine.text) >= STANDARD_TEXT_MIN:
        same = session.scalar(
            select(PlanGoal.id)
            .join(PlanPeriod, PlanPeriod.id == PlanGoal.period_id)
            .where(
                PlanGoal.life_area.is_(None),
                PlanGoal.superseded_at.is_(None),
                PlanGoal.text == mine.text,
                PlanGoal.candidate_id != candidate_id,
                PlanPeriod.office_id == office_id,
            )
            .limit(1)
        )
        if same is not None:
            out.append("Mitt mål")
    return out


_LOAD = (selectinload(IndividualPlan.participants), selectinload(IndividualPlan.evaluations))


def _ip_of(session: Session, period_id: int) -> IndividualPlan | None:
    return session.scalar(
        select(IndividualPlan)
        .where(IndividualPlan.period_id == period_id)
        .options(*_LOAD)
        .execution_options(populate_existing=True)
    )


def get_view(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    period_id: int | None = None,
    today: dt.date | None = None,
    purpose: str = PURPOSE,
) -> IpView:
    """The IP of the person's plan (the open period, else the latest; or the period asked for) with the nine
    elements and the quality checks; the read is audit-logged, refused (404, "nektet") outside `plans.access`."""
    plan = plans_service.get_plan(
        session, actor=actor, candidate_id=candidate_id, period_id=period_id, today=today, purpose=purpose
    )
    ip = _ip_of(session, plan.period.id) if plan.period is not None else None
    return IpView(
        plan=plan,
        ip=ip,
        measures=measures_of(plan),
        elements=required_elements(plan, ip),
        checks=quality_checks(session, plan, ip, today=today),
    )


def get_ip(
    session: Session, *, actor: User, candidate_id: int, purpose: str = PURPOSE
) -> IndividualPlan | None:
    """The IP row of the person's current plan (the open period, else the latest), or None; audit-logged."""
    access.person_for_read(session, actor=actor, candidate_id=candidate_id, purpose=purpose)
    period = _current_period(session, candidate_id)
    return _ip_of(session, period.id) if period is not None else None


def _current_period(session: Session, candidate_id: int) -> PlanPeriod | None:
    return open_period(session, candidate_id) or session.scalar(
        select(PlanPeriod)
        .where(PlanPeriod.candidate_id == candidate_id)
        .order_by(PlanPeriod.start_date.desc(), PlanPeriod.id.desc())
        .limit(1)
    )


def koordinator_options(session: Session, candidate: Any) -> list[tuple[int, str]]:
    """The staff of the person's office who may be koordinator (id, name)."""
    return [(row.id, row.name) for row in candidates_service.staff_of_office(session, candidate.office_id)]


# --- input ----------------------------------------------------------------------------------------------------


def _clean_ip(session: Session, data: Mapping[str, Any], candidate: Any) -> dict[str, Any]:
    """The IP's own fields, every error named with its field (a page form or the API's PUT: a field left out is
    emptied, except `participants`, which is replaced only when sent)."""
    c = Cleaner(data)
    c.choice("status", LABELS["status"], IP_STATUSES, default="UNDER_ARBEID")
    c.choices("legal_bases", LABELS["legal_bases"], LEGAL_BASES)
    c.integer("koordinator_user_id", LABELS["koordinator_user_id"], minimum=1)
    c.text("koordinator_name", LABELS["koordinator_name"], max_len=NAME_MAX)
    c.text("koordinator_org", LABELS["koordinator_org"], max_len=NAME_MAX)
    c.phone("koordinator_phone", LABELS["koordinator_phone"])
    c.date("period_from", LABELS["period_from"], bounds=EVENT_DATE)
    c.date("period_to", LABELS["period_to"], bounds=EVENT_DATE)
    c.date("next_revision", LABELS["next_revision"], bounds=EVENT_DATE)
    c.date("consent_date", LABELS["consent_date"], bounds=DECISION_DATE)
    c.date("share_consent_date", LABELS["share_consent_date"], bounds=DECISION_DATE)
    c.text("share_with", LABELS["share_with"], max_len=TEXT_MAX)
    c.flag("share_confidential")
    for name in TEXT_FIELDS:
        c.text(name, LABELS[name], max_len=TEXT_MAX)
    out = c.out
    out["koordinator_phone"] = out.get("koordinator_phone") or ""
    start, end = out.get("period_from"), out.get("period_to")
    if start and end and end < start:
        c.error("period_to", MSG_FROM_TO)
    if out.get("status") == "AKTIV" and "consent_date" in out and out["consent_date"] is None:
        c.error("consent_date", MSG_CONSENT_FOR_ACTIVE)
    user_id = out.get("koordinator_user_id")
    if user_id is not None:
        staff = dict(koordinator_options(session, candidate))
        if user_id not in staff:
            c.error("koordinator_user_id", MSG_KOORDINATOR_USER)
        else:
            out["koordinator_name"] = out.get("koordinator_name") or staff[user_id]
            out["koordinator_org"] = out.get("koordinator_org") or _office_name(session, candidate.office_id)
    participants: list[dict[str, Any]] | None = None
    if data.get("participants") is not None:
        participants = _clean_participants(data["participants"], c)
    c.done()
    if participants is not None:
        out["participants"] = participants
    return out


def _office_name(session: Session, office_id: int) -> str:
    return session.scalar(select(Office.name).where(Office.id == office_id)) or ""


def _clean_participant(item: Mapping[str, Any], prefix: str = "") -> Cleaner:
    p = Cleaner(item, prefix=prefix)
    p.text("name", "Navnet", required=True, max_len=NAME_MAX)
    p.choice("role", "Rollen", PARTICIPANT_ROLES, required=True)
    p.text("organisation", "Virksomheten", max_len=NAME_MAX)
    p.text("contact", "Kontaktinformasjonen", max_len=NAME_MAX)
    p.text("contribution", "Bidraget", max_len=TEXT_MAX)
    return p


def _clean_participants(raw: Any, c: Cleaner) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple):
        c.error("participants", "Deltakerne må være en liste.")
        return []
    if len(raw) > MAX_PARTICIPANTS:
        c.error("participants", f"Høyst {MAX_PARTICIPANTS} deltakere.")
        return []
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            c.error(f"participants.{i}", "Hver deltaker må ha navn og rolle.")
            continue
        p = _clean_participant(item, prefix=f"participants.{i}.")
        c.errors += [e for e in p.errors if e not in c.errors]
        out.append(p.out)
    return out


def _apply(ip: IndividualPlan, out: dict[str, Any], actor: User | None) -> None:
    participants = out.pop("participants", None)
    for key, value in out.items():
        setattr(ip, key, value)
    if participants is not None:
        ip.participants.clear()
        for position, item in enumerate(participants):
            ip.participants.append(IpParticipant(position=position, **item))
    ip.changed_by_name = actor.name if actor else "Systemet"


# --- use cases ------------------------------------------------------------------------------------------------


def _for_change(session: Session, actor: User | None, candidate_id: int, what: str) -> tuple[Any, PlanPeriod]:
    candidate = access.person_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose=f"oppfølging: individuell plan ({what})"
    )
    period = open_period(session, candidate.id)
    if period is None:
        raise Conflict(MSG_NO_OPEN, field="period")
    return candidate, period


def _record(session: Session, actor: User | None, candidate: Any, what: str, action: str = "update") -> None:
    candidates_access.record_change(
        session, actor=actor, candidate=candidate, what=f"individuell plan: {what}", action=action
    )


def create_ip(
    session: Session, *, actor: User | None, candidate_id: int, data: Mapping[str, Any] | None = None
) -> IndividualPlan:
    """The IP of the person's open period (one per period: 409 when it exists), with what is known so far."""
    candidate, period = _for_change(session, actor, candidate_id, "lag")
    if _ip_of(session, period.id) is not None:
        raise Conflict(MSG_EXISTS, field="version")
    out = _clean_ip(session, data or {}, candidate)
    ip = IndividualPlan(
        period_id=period.id,
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        created_by_id=actor.id if actor else None,
        participants=[],
        evaluations=[],
    )
    _apply(ip, out, actor)
    try:
        with session.begin_nested():
            session.add(ip)
            session.flush()
    except IntegrityError as exc:  # another caseworker made it in between (one per period: a unique index)
        raise Conflict(MSG_EXISTS, field="version") from exc
    _record(session, actor, candidate, "laget", action="create")
    return ip


def update_ip(
    session: Session, *, actor: User | None, candidate_id: int, data: Mapping[str, Any]
) -> IndividualPlan:
    """Saves the IP's fields (a field left out is emptied; `participants` replace the list when sent); `version`
    (the one the form or the client read) refuses a stale save (409 naming the fields that differ)."""
    candidate, period = _for_change(session, actor, candidate_id, "endre")
    ip = _ip_of(session, period.id)
    if ip is None:
        raise Conflict(MSG_NO_IP, field="version")
    data = dict(data)
    version = data.pop("version", None)
    compared = {k: v for k, v in data.items() if k in IP_FIELDS}
    if "share_confidential" in compared:  # a form's "on" or "" is the stored True or False
        compared["share_confidential"] = as_bool(compared["share_confidential"])
    _check_version(session, ip, version, compared)
    out = _clean_ip(session, data, candidate)
    _apply(ip, out, actor)
    ip.updated_at = utcnow()  # a save is a new version even when only the participants changed
    session.flush()
    _record(session, actor, candidate, "endret")
    return ip


def _check_version(session: Session, ip: IndividualPlan, version: Any, fields: Mapping[str, Any]) -> None:
    """`core.locking.check_version`, naming who saved the plan last (the row keeps the name)."""
    try:
        check_version(
            session, ip, version, subject_type=SUBJECT, label="Den individuelle planen", fields=fields
        )
    except StaleEdit as exc:
        when = ip.updated_at.astimezone(OSLO) if ip.updated_at else None
        at = f" {when:%d.%m.%Y kl. %H:%M}" if when else ""
        raise StaleEdit(
            f"Den individuelle planen ble endret av {ip.changed_by_name or 'en annen'}{at} etter at du åpnet den. "
            "Endringene dine er ikke lagret: se hva som er endret nedenfor, og lagre på nytt hvis de fortsatt skal "
            "gjelde.",
            current_version=exc.current_version,
            changed=exc.changed,
        ) from exc


def save_ip(
    session: Session, *, actor: User | None, candidate_id: int, data: Mapping[str, Any]
) -> IndividualPlan:
    """Creates the IP of the open period when there is none, otherwise updates it. Updating an existing one needs
    the version read (409 without: the client has not seen the plan it would overwrite)."""
    candidate, period = _for_change(session, actor, candidate_id, "lagre")
    if _ip_of(session, period.id) is None:
        return create_ip(session, actor=actor, candidate_id=candidate.id, data=data)
    if blank(data.get("version")):
        raise Conflict(MSG_EXISTS, field="version")
    return update_ip(session, actor=actor, candidate_id=candidate.id, data=data)


def _ip_for_change(
    session: Session, actor: User | None, candidate_id: int, what: str
) -> tuple[Any, IndividualPlan]:
    candidate, period = _for_change(session, actor, candidate_id, what)
    ip = _ip_of(session, period.id)
    if ip is None:
        raise Conflict(MSG_NO_IP, field="ip")
    return candidate, ip


def add_participant(
    session: Session, *, actor: User | None, candidate_id: int, data: Mapping[str, Any]
) -> IpParticipant:
    """A participant of the planning work (name, role, organisation, contact, contribution); the IP is created
    when there is none yet (adding who takes part is often the first step)."""
    candidate, period = _for_change(session, actor, candidate_id, "ny deltaker")
    out = _clean_participant(data).done()
    ip = _ip_of(session, period.id) or create_ip(session, actor=actor, candidate_id=candidate.id)
    if len(ip.participants) >= MAX_PARTICIPANTS:
        raise ValidationFailed(f"Høyst {MAX_PARTICIPANTS} deltakere.", field="name")
    participant = IpParticipant(position=len(ip.participants), **out)
    ip.participants.append(participant)
    ip.updated_at = utcnow()
    session.flush()
    _record(session, actor, candidate, "ny deltaker")
    return participant


def remove_participant(
    session: Session, *, actor: User | None, candidate_id: int, participant_id: int
) -> None:
    candidate, ip = _ip_for_change(session, actor, candidate_id, "fjern deltaker")
    participant = next((p for p in ip.participants if p.id == participant_id), None)
    if participant is None:
        raise NotFound(MSG_NO_PARTICIPANT)
    ip.participants.remove(participant)
    ip.updated_at = utcnow()
    session.flush()
    _record(session, actor, candidate, "fjernet deltaker")


def record_evaluation(
    session: Session, *, actor: User | None, candidate_id: int, data: Mapping[str, Any]
) -> IpEvaluation:
    """An evaluation round: the date (not ahead), who took part and whether the person did, what was evaluated,
    the person's own assessment and the next evaluation date (not before this one)."""
    candidate, ip = _ip_for_change(session, actor, candidate_id, "evaluering")
    c = Cleaner(data)
    c.date("date", "Datoen for evalueringen", required=True, bounds=DECISION_DATE)
    c.text("participants", "Hvem som deltok", max_len=TEXT_MAX)
    c.text("summary", "Hva som ble evaluert", required=True, max_len=TEXT_MAX)
    c.text("person_assessment", "Personens egen vurdering", max_len=TEXT_MAX)
    c.date("next_date", "Neste evaluering", bounds=EVENT_DATE)
    out = c.out
    out["person_took_part"] = as_bool(data.get("person_took_part", True))
    if out.get("date") and out.get("next_date") and out["next_date"] < out["date"]:
        c.error("next_date", MSG_NEXT_EVALUATION)
    c.done()
    evaluation = IpEvaluation(
        recorded_by_id=actor.id if actor else None,
        recorded_by_name=actor.name if actor else "Systemet",
        **out,
    )
    ip.evaluations.append(evaluation)
    session.flush()
    _record(session, actor, candidate, "evaluering")
    return evaluation


# --- for the caseworker's overview ---------------------------------------------------------------------------


def ip_dates_of(
    period_id: Any,
) -> tuple[ScalarSelect[dt.date | None], ScalarSelect[dt.date | None]]:
    """The next revision date and the next evaluation date (the last round's) of a period's individuell plan, as
    correlated scalar subqueries on ``period_id`` (a column of the outer query): None when the period has no IP or
    its IP is closed (AVSLUTTET). One definition for every read that shows or counts them, so «Mine personer» can
    read them in its own grouped query instead of two more statements."""
    live = and_(IndividualPlan.period_id == period_id, IndividualPlan.status != "AVSLUTTET")
    revision = select(IndividualPlan.next_revision).where(live).scalar_subquery()
    evaluation = (
        select(IpEvaluation.next_date)
        .join(IndividualPlan, IndividualPlan.id == IpEvaluation.ip_id)
        .where(live)
        .order_by(IpEvaluation.date.desc(), IpEvaluation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return revision, evaluation


def revision_and_evaluation_due(
    session: Session, plan_ids: list[int]
) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """Period (plan) id → (next revision date, next evaluation date) of its IP, for every id asked for: (None,
    None) when the period has no IP, the IP is closed (AVSLUTTET) or the period has ended. A system read with no
    person data beyond two dates: the caller has applied the access rule to the ids."""
    out: dict[int, tuple[dt.date | None, dt.date | None]] = dict.fromkeys(plan_ids, (None, None))
    ids = sorted(set(plan_ids))
    revision, evaluation = ip_dates_of(PlanPeriod.id)
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(PlanPeriod.id, revision, evaluation).where(
                PlanPeriod.id.in_(ids[start : start + 2000]), PlanPeriod.end_date.is_(None)
            )
        ).all()
        for period_id, next_revision, next_evaluation in rows:
            out[period_id] = (next_revision, next_evaluation)
    return out
