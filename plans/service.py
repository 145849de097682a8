"""A person's plan as one read model (`get_plan`): the period, its goals, the stored activities and the derived
cards on one board, the IPS follow-up plan's deadlines, and the jobbprofil's wanted occupations beside the ARBEID
goal; and `adopt_card`, which makes a derived card a stored activity.

The use cases themselves live where they are defined, and callers import those modules (no façade): the
oppfølgingsperiode and goals in `plans.service_periods`, activities and their history in
`plans.service_activities`, the cards other domains give the plan in `plans.service_feed`, the access rule in
`plans.access`. The journal and the §14a record are written beside these (`service_journal`, `service_vedtak`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core import reference as reference_service
from core.errors import Conflict, NotFound
from core.formatting import today_in_oslo
from core.models import User
from plans import access
from plans.models import LIFE_AREAS, STATUSES, PlanActivity, PlanGoal, PlanPeriod
from plans.service_activities import activities_of, create_activity
from plans.service_feed import Card, Deadline, card_of, derived
from plans.service_periods import current_goals, periods_of


@dataclass
class PlanView:
    """A person's plan as a reader sees it: one period (the open one, or an earlier one chosen), its goals, and
    every card — stored activities and those derived from follow-up, recruitment and praksisplasser."""

    candidate: Any
    period: PlanPeriod | None
    periods: Sequence[PlanPeriod]
    goals: dict[str | None, PlanGoal]
    cards: list[Card]
    deadlines: list[Deadline]
    wanted_occupations: list[tuple[str, str]] = field(default_factory=list)
    wanted_titles: list[str] = field(default_factory=list)
    today: dt.date = field(default_factory=today_in_oslo)

    @property
    def my_goal(self) -> PlanGoal | None:
        return self.goals.get(None)

    @property
    def columns(self) -> list[tuple[str, str, list[Card]]]:
        """The board's five columns in NAV's order."""
        return [(s, label, [c for c in self.cards if c.status == s]) for s, label in STATUSES.items()]

    @property
    def areas(self) -> list[tuple[str, str, PlanGoal | None, list[Card]]]:
        """Per life area: its goal and its cards."""
        return [
            (code, label, self.goals.get(code), [c for c in self.cards if c.life_area == code])
            for code, label in LIFE_AREAS.items()
        ]

    @property
    def editable(self) -> bool:
        return self.period is not None and self.period.is_open


def period_of(session: Session, activity: PlanActivity) -> PlanPeriod:
    """The period an activity belongs to (access is the caller's: the activity was read through the rule)."""
    period = session.get(PlanPeriod, activity.period_id)
    assert period is not None  # a foreign key, deleted with the activity
    return period


def _sort_key(card: Card) -> tuple[Any, ...]:
    return (card.to_date or card.from_date or dt.date.max, card.from_date or dt.date.max, card.key)


def get_plan(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    period_id: int | None = None,
    today: dt.date | None = None,
    purpose: str = "oppfølging: plan",
) -> PlanView:
    """The person's plan (the open period, else the latest; or the period asked for); the read is audit-logged,
    and refused (404, "nektet") outside `plans.access`."""
    today = today or today_in_oslo()
    candidate = access.person_for_read(session, actor=actor, candidate_id=candidate_id, purpose=purpose)
    periods = periods_of(session, candidate.id)
    if period_id is not None:
        period = next((p for p in periods if p.id == period_id), None)
        if period is None:
            raise NotFound("Fant ikke oppfølgingsperioden.")
    else:
        period = next((p for p in periods if p.is_open), periods[0] if periods else None)
    profile = candidate.job_profile
    occupations = [
        (code, reference_service.styrk_name(session, code) or code)
        for code in (profile.wanted_styrk if profile else [])
    ]
    titles = list(profile.wanted_titles) if profile else []
    if period is None:
        return PlanView(candidate, None, periods, {}, [], [], occupations, titles, today)
    stored = list(activities_of(session, period_id=period.id))
    adopted = {a.source_key for a in stored if a.source_key}
    feed = derived(session, actor=actor, candidate_id=candidate.id, period=period, today=today)
    cards = [card_of(a) for a in stored] + [c for c in feed.cards if c.key not in adopted]
    cards.sort(key=_sort_key)
    goals = current_goals(session, period_id=period.id)
    return PlanView(candidate, period, periods, goals, cards, feed.deadlines, occupations, titles, today)


ADOPTABLE = ("IJOBB",)


def adopt_card(
    session: Session, *, actor: User, candidate_id: int, key: str, today: dt.date | None = None
) -> PlanActivity:
    """Makes a derived card a stored activity the plan can follow up on its own (status, avtalt, deadline), with
    the card's `source_key`, so from then on the stored one is shown instead of the derived card. Only an IJOBB
    card that is still going: STILLING_FRA_NAV and tiltak cards belong to the systems they come from (NAV keeps
    them read-only in the plan too)."""
    plan = get_plan(
        session,
        actor=actor,
        candidate_id=candidate_id,
        today=today,
        purpose="oppfølging: plan (følg opp kort)",
    )
    card = next((c for c in plan.cards if c.key == key and c.activity is None), None)
    if card is None or not plan.editable:
        raise NotFound("Fant ikke kortet i den åpne planen.")
    if card.type not in ADOPTABLE or card.status in ("FULLFORT", "AVBRUTT"):
        raise Conflict("Dette kortet hører til fagsystemet det kommer fra, og følges opp der.", field="key")
    facts = dict(card.facts)
    activity = create_activity(
        session,
        actor=actor,
        candidate_id=candidate_id,
        today=today,
        data={
            "type": card.type,
            "title": card.title,
            "description": f"Fra {card.source.lower()}.",
            "from_date": card.from_date,
            "to_date": card.to_date,
            "life_area": card.life_area,
            "provider": card.provider,
            "provider_org": card.provider_org,
            "responsible_name": card.responsible_name,
            "status": card.status,
            "jobb_status": "HELTID" if facts.get("Heltid eller deltid") == "Heltid" else "DELTID",
            "ansettelsesforhold": " – ".join(
                v for v in (facts.get("Arbeidsgiver"), facts.get("Ansettelsesforhold")) if v
            )[:255],
            "arbeidstid": facts.get("Arbeidstid", "")[:255],
        },
    )
    activity.source_key = key
    session.flush()
    return activity
