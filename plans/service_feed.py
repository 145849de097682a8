"""What other domains already know, shown in the plan: a read model that merges the stored activities with cards
derived on read.

Decision: derive on read, do not copy. The alternative — creating plan rows when the source event happens — would
need the follow-up and recruitment services to call the plan (they may not: lower domains never import plans), or a
job that copies afterwards; either way the same fact (a job start, a shared candidate, a lønnstilskudd) would live
in two tables and drift apart when one is corrected. Deriving keeps one home per fact: the IPS job start stays in
follow-up, the candidate-list status in recruitment, the praksisplass in employers, and the plan reads them through
their service modules each time it is shown. A derived card is read-only in the plan (NAV's STILLING_FRA_NAV and
EKSTERNAKTIVITET are too); it links to the page where its fact is kept. Should someone need to plan more on one
(an IJOBB the person wants to follow up as their own), it can be made a stored activity carrying the card's
`source_key`, and from then on the stored one is shown instead.

Mapped here:
- an IPS/SE job start (follow-up placement: ordinary job, lønnstilskudd, apprenticeship) → `IJOBB`;
- a follow-up measure (lønnstilskudd, mentor, arbeidstrening) → `EKSTERNAKTIVITET` with NAV's AktivitetskortType;
- a work trial (follow-up placement «arbeidstrening», or a place on an employer's praksisplass) → `EKSTERNAKTIVITET`
  `ARBEIDSTRENING`;
- a candidate-list entry shared with the employer under the person's consent → `STILLING_FRA_NAV`, its
  `Soknadsstatus` mapped from the list status, outcome and the employer's answer;
- the IPS follow-up plan's open items (contact windows, 90-day progress reports, measure deadlines) → deadlines of
  the card they belong to, or of the plan itself (not a second plan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core import reference as reference_service
from core.formatting import date_no, number_no
from core.models import User
from employers import service_person as employers_person
from followup import service_placements as followup_placements
from followup import service_plan as followup_plan
from followup import service_records as followup_records
from plans.models import (
    ACTIVITY_TYPES,
    INNSENDER,
    JOBB_STATUS,
    KORT_TYPER,
    LIFE_AREAS,
    PROVIDERS,
    SOKNADSSTATUS,
    STATUSES,
    PlanActivity,
    PlanPeriod,
)
from plans.service_activities import TYPE_FIELDS
from recruitment import service_person as recruitment_person

# Follow-up measure kinds → NAV's AktivitetskortType
MEASURE_CARD_TYPES = {
    "midlertidig_lonnstilskudd": "MIDLERTIDIG_LONNSTILSKUDD",
    "varig_lonnstilskudd": "VARIG_LONNSTILSKUDD",
    "mentor": "MENTOR",
    "arbeidstrening": "ARBEIDSTRENING",
}
JOB_PLACEMENTS = ("ordinaer", "lonnstilskudd", "laerling")
PLACEMENT_ITEM_KINDS = ("before_start", "after_start", "weekly", "monthly", "job_loss")
MEASURE_ITEM_KINDS = ("measure_end", "measure_review")
FINISHED_SOKNAD = ("FATT_JOBBEN", "IKKE_FATT_JOBBEN", "AVSLAG")


@dataclass
class Deadline:
    label: str
    due_date: dt.date
    state: str
    state_label: str
    href: str | None = None


@dataclass
class Card:
    """One card of the board: a stored activity (`activity` set, `key` "a<id>") or one derived on read."""

    key: str
    type: str
    title: str
    status: str
    life_area: str
    provider: str
    provider_org: str = ""
    responsible_name: str = ""
    responsible_org: str = ""
    responsible_phone: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    avtalt: bool = False
    description: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    source: str = ""
    href: str | None = None
    activity: PlanActivity | None = None
    kort_type: str | None = None
    soknadsstatus: str | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    historic: bool = False
    changed_by: str = ""

    @property
    def read_only(self) -> bool:
        return self.activity is None or not self.activity.editable

    @property
    def type_label(self) -> str:
        if self.kort_type:
            return KORT_TYPER.get(self.kort_type, self.kort_type)
        return ACTIVITY_TYPES.get(self.type, self.type)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def life_area_label(self) -> str:
        return LIFE_AREAS.get(self.life_area, self.life_area)

    @property
    def provider_label(self) -> str:
        return PROVIDERS.get(self.provider, self.provider)

    @property
    def overdue_deadlines(self) -> int:
        return sum(1 for d in self.deadlines if d.state == "forfalt")


def _detail_facts(activity: PlanActivity) -> list[tuple[str, str]]:
    facts = []
    details = activity.details or {}
    for spec in TYPE_FIELDS.get(activity.type, ()):
        value = details.get(spec.name)
        if value is None or value == "":
            continue
        if spec.options:
            value = spec.options.get(value, value)
        elif spec.kind == "int":
            value = number_no(value)
        facts.append((spec.label, str(value)))
    return facts


def card_of(activity: PlanActivity) -> Card:
    return Card(
        key=f"a{activity.id}",
        type=activity.type,
        title=activity.title,
        status=activity.status,
        life_area=activity.life_area,
        provider=activity.provider,
        provider_org=activity.provider_org,
        responsible_name=activity.responsible_name,
        responsible_org=activity.responsible_org,
        responsible_phone=activity.responsible_phone,
        from_date=activity.from_date,
        to_date=activity.to_date,
        avtalt=activity.avtalt,
        description=activity.description,
        facts=_detail_facts(activity),
        source="Planen",
        activity=activity,
        historic=activity.is_historic,
        changed_by=f"{activity.changed_by_name} ({INNSENDER.get(activity.changed_by_type, activity.changed_by_type)})",
    )


def status_by_dates(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    """A derived card's status: not begun → PLANLAGT, ended → FULLFORT, else GJENNOMFORES."""
    if start is not None and start > today:
        return "PLANLAGT"
    if end is not None and end < today:
        return "FULLFORT"
    return "GJENNOMFORES"


def soknadsstatus_for(status: str, outcome: str, employer_answer: str | None) -> str:
    """NAV's Soknadsstatus for a shared candidate-list entry (Rekrutteringsbistand's statuses, our outcome and the
    employer's answer): got the job, the employer said no, not relevant any more, to an interview, or the CV is
    shared and waits for an answer."""
    if outcome == "FATT_JOBBEN" or employer_answer == "ansatt":
        return "FATT_JOBBEN"
    if employer_answer == "ikke aktuell":
        return "AVSLAG"
    if status in ("UAKTUELL", "UINTERESSERT"):
        return "IKKE_FATT_JOBBEN"
    if status == "TIL_INTERVJU" or employer_answer == "intervju":
        return "SKAL_PAA_INTERVJU"
    return "CV_DELT"


def _overlaps(start: dt.date | None, end: dt.date | None, period: PlanPeriod) -> bool:
    if end is not None and end < period.start_date:
        return False
    return not (period.end_date is not None and start is not None and start > period.end_date)


def _percent_text(percent: int, hours: float | None) -> str:
    text = f"{percent} %"
    return text + (f" ({number_no(hours)} timer per uke)" if hours else "")


@dataclass
class Feed:
    cards: list[Card]
    deadlines: list[Deadline]


def derived(session: Session, *, actor: User, candidate_id: int, period: PlanPeriod, today: dt.date) -> Feed:
    """The cards and deadlines other domains give the period's plan (access to the person is checked by the
    caller; each domain's own read applies its rules again and logs its reads)."""
    cards: dict[str, Card] = {}
    plan_deadlines: list[Deadline] = []
    praksis_ids: set[int] = set()
    records = followup_records.list_records(
        session, actor=actor, candidate_id=candidate_id, include_ended=True
    )
    for listed in records:
        record = followup_records.get_record(
            session, actor=actor, record_id=listed.id, purpose="oppfølging: plan (jobbspor)"
        )
        href = f"/oppfolging/{record.id}"
        specialist = session.get(User, record.specialist_id) if record.specialist_id else None
        responsible = specialist.name if specialist else ""
        employers = employers_person.employer_names(session, [p.employer_id for p in record.placements])
        measures = followup_records.list_measures(session, record)
        covered_by_measure = {
            m.placement_id for m in measures if m.kind == "arbeidstrening" and m.placement_id
        }
        for p in record.placements:
            if not _overlaps(p.start_date, p.end_date, period):
                continue
            if p.praksisplass_id:
                praksis_ids.add(p.praksisplass_id)
            employer = employers.get(p.employer_id, "") if p.employer_id else ""
            percent, hours = followup_placements.current_terms(p)
            if p.type in JOB_PLACEMENTS:
                cards[f"ips-jobb:{p.id}"] = Card(
                    key=f"ips-jobb:{p.id}",
                    type="IJOBB",
                    title=(p.title or p.type_label)[:100],
                    status=status_by_dates(p.start_date, p.end_date, today),
                    life_area="ARBEID",
                    provider="NAV_STAT",
                    provider_org=record.service_label,
                    responsible_name=responsible,
                    from_date=p.start_date,
                    to_date=p.end_date,
                    facts=[
                        ("Arbeidsgiver", employer),
                        ("Heltid eller deltid", JOBB_STATUS["HELTID" if percent >= 100 else "DELTID"]),
                        ("Ansettelsesforhold", p.type_label),
                        ("Arbeidstid", _percent_text(percent, hours)),
                    ],
                    source="Jobbspor (IPS-oppfølging)",
                    href=f"{href}#arbeidsforhold",
                )
            elif p.type == "arbeidstrening" and p.id not in covered_by_measure:
                cards[f"ips-praksis:{p.id}"] = Card(
                    key=f"ips-praksis:{p.id}",
                    type="EKSTERNAKTIVITET",
                    kort_type="ARBEIDSTRENING",
                    title=(p.title or "Arbeidstrening")[:100],
                    status=status_by_dates(p.start_date, p.end_date, today),
                    life_area="ARBEID",
                    provider="NAV_STAT",
                    provider_org=record.service_label,
                    responsible_name=responsible,
                    from_date=p.start_date,
                    to_date=p.end_date,
                    facts=[("Arbeidsgiver", employer), ("Arbeidstid", _percent_text(percent, hours))],
                    source="Jobbspor (IPS-oppfølging)",
                    href=f"{href}#arbeidsforhold",
                )
        for m in measures:
            if not _overlaps(m.start_date, m.end_date, period):
                continue
            cards[f"tiltak:{m.id}"] = Card(
                key=f"tiltak:{m.id}",
                type="EKSTERNAKTIVITET",
                kort_type=MEASURE_CARD_TYPES.get(m.kind),
                title=m.kind_label[:100],
                status=status_by_dates(m.start_date, m.end_date, today),
                life_area="ARBEID",
                provider="NAV_STAT",
                provider_org="NAV (tiltak)",
                responsible_name=responsible,
                from_date=m.start_date,
                to_date=m.end_date,
                description=m.note,
                facts=[("Redusert arbeidsevne", "Ja" if m.reduced_work_capacity else "Nei")],
                source="Jobbspor (tiltak)",
                href=f"{href}#tiltak",
            )
        for item in record.plan_items:
            state = followup_plan.item_state(item, today, record.passive_periods)
            if state == "utfort" or period.end_date is not None:
                continue
            deadline = Deadline(
                label=followup_plan.item_label(item.kind, item.note),
                due_date=item.due_date,
                state=state,
                state_label=followup_plan.STATE_LABELS.get(state, state),
                href=f"{href}#plan",
            )
            if item.kind in MEASURE_ITEM_KINDS and f"tiltak:{item.ref_id}" in cards:
                cards[f"tiltak:{item.ref_id}"].deadlines.append(deadline)
            elif item.kind in PLACEMENT_ITEM_KINDS and f"ips-jobb:{item.ref_id}" in cards:
                cards[f"ips-jobb:{item.ref_id}"].deadlines.append(deadline)
            elif item.kind in PLACEMENT_ITEM_KINDS and f"ips-praksis:{item.ref_id}" in cards:
                cards[f"ips-praksis:{item.ref_id}"].deadlines.append(deadline)
            else:
                plan_deadlines.append(deadline)
    for o in employers_person.occupancies_of(session, candidate_id=candidate_id):
        if o.praksisplass_id in praksis_ids or not _overlaps(o.start_date, o.end_date, period):
            continue
        cards[f"praksis:{o.occupant_id}"] = Card(
            key=f"praksis:{o.occupant_id}",
            type="EKSTERNAKTIVITET",
            kort_type="ARBEIDSTRENING",
            title=f"Praksisplass: {o.title}"[:100],
            status=status_by_dates(o.start_date, o.end_date, today),
            life_area="ARBEID",
            provider="NAV_STAT",
            provider_org=o.employer_name,
            responsible_name=o.supervisor or "",
            responsible_org=o.employer_name,
            from_date=o.start_date,
            to_date=o.end_date,
            facts=[("Arbeidsgiver", o.employer_name)],
            source="Praksisplass",
            href="/praksisplasser",
        )
    for e in recruitment_person.shared_entries_for_candidate(session, actor=actor, candidate_id=candidate_id):
        shared_on = e.shared_at.date()
        if not _overlaps(shared_on, shared_on, period):
            continue
        soknad = soknadsstatus_for(e.status, e.outcome, e.employer_answer)
        place = (
            reference_service.municipality_name(session, e.municipality_code) if e.municipality_code else None
        )
        facts = [("Arbeidsgiver", e.employer_name)]
        if place:
            facts.append(("Arbeidssted", place))
        if e.application_deadline:
            facts.append(("Søknadsfrist", date_no(e.application_deadline)))
        facts.append(("Søknadsstatus", SOKNADSSTATUS[soknad]))
        cards[f"kandidatliste:{e.entry_id}"] = Card(
            key=f"kandidatliste:{e.entry_id}",
            type="STILLING_FRA_NAV",
            title=e.opening_title[:100],
            status="FULLFORT" if soknad in FINISHED_SOKNAD else "GJENNOMFORES",
            life_area="ARBEID",
            provider="NAV_STAT",
            provider_org="NAV (kandidatliste)",
            responsible_name=e.shared_by_name or "",
            from_date=shared_on,
            to_date=e.application_deadline,
            facts=facts,
            soknadsstatus=soknad,
            source="Kandidatliste (delt med samtykke)",
            href=f"/stillinger/{e.opening_id}/kandidater",
        )
    if period.end_date is not None:
        for card in cards.values():
            card.historic = True
    plan_deadlines.sort(key=lambda d: d.due_date)
    for card in cards.values():
        card.deadlines.sort(key=lambda d: d.due_date)
    return Feed(list(cards.values()), plan_deadlines)
