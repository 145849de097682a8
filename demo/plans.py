"""Demo plans: for a third of each office's demo candidates, an open oppfølgingsperiode with "Mitt mål", goals and
activities across at least four life areas, from both state (NAV) and municipal providers (and health, school,
others), in every status; some avtalt, a meeting ahead and a shared samtalereferat. For about half of those plans an
individuell plan with a koordinator, participants from the municipality and the health services, and an evaluation
round (a few left incomplete, so the missing elements show). Deterministic for the rng given; dates are counted from
today, so meetings are ahead and conversations behind."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from candidates import service as candidates_service
from core.formatting import today_in_oslo
from core.models import Office, User
from plans import service_activities as plans_activities
from plans import service_ip as plans_ip
from plans import service_journal as plans_journal
from plans import service_periods as plans_periods

MY_GOALS = (
    "Jeg vil ha en fast jobb i butikk, gjerne 60 prosent.",
    "Komme i jobb og klare meg uten sosialhjelp.",
    "Jobbe med dyr eller i en gartneri.",
    "Fullføre fagbrev og få lærlingplass.",
    "Ha en jobb der jeg kan bruke hendene, og en egen leilighet.",
    "Klare en arbeidsdag på fire timer innen sommeren.",
)
AREA_GOALS = {
    "ARBEID": ("Deltidsjobb innen ett år", "Arbeidstrening som kan bli jobb", "Søke fem jobber i måneden"),
    "BOLIG": ("Egen leilighet med kontrakt", "Beholde leiligheten", "Flytte nærmere jobbene"),
    "OKONOMI": ("Oversikt over gjelden", "Betale husleia i tide hver måned", "Budsjett jeg klarer å holde"),
    "HELSE": ("Sove bedre og ha energi til jobb", "Fast time hos fastlegen", "Trene to ganger i uka"),
    "KVALIFISERING": ("Bestått norskprøve B1", "Truckførerbevis", "Fullføre videregående"),
    "FAMILIE_NETTVERK": ("En fast aktivitet med andre hver uke", "Mer kontakt med familien"),
}
# (life area, type, title, provider, provider org, responsible, fields)
ACTIVITIES: dict[str, tuple[tuple[str, str, str, str, str, dict[str, Any]], ...]] = {
    "ARBEID": (
        ("EGEN", "Oppdatere CV-en", "NAV_STAT", "", "", {"hensikt": "Ha en CV klar til søknader"}),
        ("SOKEAVTALE", "Søke jobber hver uke", "NAV_STAT", "", "", {"antall_stillinger_i_uken": 2}),
        (
            "STILLING",
            "Butikkmedarbeider, deltid",
            "NAV_STAT",
            "",
            "",
            {"arbeidsgiver": "Kiwi Gjøvik", "etikett": "SOKNAD_SENDT"},
        ),
    ),
    "BOLIG": (
        (
            "EGEN",
            "Søke kommunal bolig",
            "KOMMUNE_SOSIAL",
            "Kommunens boligkontor",
            "Berit Bolig",
            {"hensikt": "Egen kontrakt"},
        ),
        (
            "EGEN",
            "Bostøtte fra Husbanken",
            "KOMMUNE_SOSIAL",
            "NAV-kontoret (kommunal del)",
            "Kari Sosialkonsulent",
            {},
        ),
    ),
    "OKONOMI": (
        (
            "EGEN",
            "Økonomisk rådgivning",
            "KOMMUNE_SOSIAL",
            "NAV-kontoret, økonomisk rådgivning",
            "Ole Rådgiver",
            {"oppfolging": "Møte hver fjortende dag"},
        ),
        (
            "EGEN",
            "Sette opp budsjett",
            "KOMMUNE_SOSIAL",
            "NAV-kontoret (kommunal del)",
            "Kari Sosialkonsulent",
            {},
        ),
    ),
    "HELSE": (
        (
            "BEHANDLING",
            "Samtaler hos DPS",
            "HELSE",
            "Distriktspsykiatrisk senter",
            "Lege Lise Lund",
            {"behandling_type": "Samtalebehandling", "behandling_sted": "DPS Gjøvik"},
        ),
        (
            "BEHANDLING",
            "Fysioterapi for ryggen",
            "HELSE",
            "Kommunal fysioterapi",
            "Fysioterapeut Per Rygg",
            {"behandling_type": "Fysioterapi", "behandling_sted": "Helsehuset"},
        ),
    ),
    "KVALIFISERING": (
        (
            "EGEN",
            "Norskkurs på voksenopplæringen",
            "SKOLE",
            "Voksenopplæringen",
            "Lærer Nina Norsk",
            {"hensikt": "Norskprøve B1"},
        ),
        ("EGEN", "Truckførerkurs", "SKOLE", "Kursleverandør", "Trond Truck", {}),
    ),
    "FAMILIE_NETTVERK": (
        ("EGEN", "Turgruppe med frivilligsentralen", "ANNET", "Frivilligsentralen", "Frida Frivillig", {}),
    ),
}
EXTRA_AREAS = ("OKONOMI", "HELSE", "KVALIFISERING", "FAMILIE_NETTVERK")


def _one(
    session: Session, rng: random.Random, specialist: User, candidate_id: int, today: dt.date, index: int = 0
) -> int:
    plans_periods.start_period(
        session,
        actor=specialist,
        candidate_id=candidate_id,
        start_date=today - dt.timedelta(days=rng.randint(20, 300)),
        started_reason=rng.choice(("MANUELL_REGISTRERING_VEILEDER", "ARBEIDSSOKER_REGISTRERING")),
    )
    plans_periods.set_goal(
        session, actor=specialist, candidate_id=candidate_id, text=rng.choice(MY_GOALS), written_by="BRUKER"
    )
    areas = ["ARBEID", "BOLIG", *rng.sample(EXTRA_AREAS, 2)]  # four areas, state and municipal providers
    count = 0
    for area in areas:
        plans_periods.set_goal(
            session,
            actor=specialist,
            candidate_id=candidate_id,
            life_area=area,
            text=rng.choice(AREA_GOALS[area]),
        )
        kind, title, provider, org, responsible, fields = rng.choice(ACTIVITIES[area])
        start = today - dt.timedelta(days=rng.randint(0, 30))
        end = start + dt.timedelta(days=rng.randint(30, 120))
        # «Mine personer» shows overdue activities and deadlines this week
        if area == "ARBEID" and index % 4 == 0:
            start, end = today - dt.timedelta(days=40 + index % 9), today - dt.timedelta(days=1 + index % 12)
        elif area == "ARBEID" and index % 4 == 1:
            end = today + dt.timedelta(days=1 + index % 6)
            start = min(start, end)
        activity = plans_activities.create_activity(
            session,
            actor=specialist,
            candidate_id=candidate_id,
            data={
                "type": kind,
                "title": title,
                "from_date": start,
                "to_date": end,
                "life_area": area,
                "provider": provider,
                "provider_org": org,
                "responsible_name": responsible,
                "status": rng.choice(("BRUKER_ER_INTERESSERT", "PLANLAGT", "GJENNOMFORES")),
                **fields,
            },
        )
        if rng.random() < 0.4:
            plans_activities.mark_avtalt(session, actor=specialist, activity_id=activity.id)
        roll = rng.random()
        if roll < 0.2:
            plans_activities.change_status(
                session,
                actor=specialist,
                activity_id=activity.id,
                status="FULLFORT",
                reason="Gjennomført som avtalt",
            )
        elif roll < 0.3:
            plans_activities.change_status(
                session,
                actor=specialist,
                activity_id=activity.id,
                status="AVBRUTT",
                reason="Ikke aktuelt lenger",
            )
        count += 1
    meeting = plans_activities.create_activity(
        session,
        actor=specialist,
        candidate_id=candidate_id,
        data={
            "type": "MOTE",
            "title": "Oppfølgingsmøte om planen",
            "description": "Gå gjennom målene og aktivitetene sammen",
            "from_date": today + dt.timedelta(days=rng.randint(1, 21)),
            "kanal": rng.choice(("OPPMOTE", "TELEFON", "INTERNETT")),
            "klokkeslett": rng.choice(("09:00", "10:30", "13:00")),
            "varighet": 45,
            "adresse": "NAV-kontoret",
            "life_area": "ARBEID",
            "provider": "NAV_STAT",
        },
    )
    plans_activities.mark_avtalt(session, actor=specialist, activity_id=meeting.id)
    talk = plans_activities.create_activity(
        session,
        actor=specialist,
        candidate_id=candidate_id,
        data={
            "type": "SAMTALEREFERAT",
            "title": "Samtale om bolig og økonomi",
            "from_date": today - dt.timedelta(days=rng.randint(1, 14)),
            "kanal": "TELEFON",
            "life_area": "BOLIG",
            "provider": "KOMMUNE_SOSIAL",
            "responsible_name": "Kari Sosialkonsulent",
        },
    )
    shared = rng.random() < 0.7
    plans_journal.save_referat(
        session,
        actor=specialist,
        activity_id=talk.id,
        referat="Vi snakket om boligsøknaden og budsjettet. Neste steg: møte hos boligkontoret.",
        publish=shared,
    )
    # a shared referat closes the conversation; one still a draft shows as overdue in «Mine personer»
    if shared:
        plans_activities.change_status(session, actor=specialist, activity_id=talk.id, status="FULLFORT")
    return count + 2


def generate(
    session: Session,
    *,
    rng: random.Random,
    offices: Sequence[Office],
    users: Sequence[User],
    today: dt.date | None = None,
    veiledere: Sequence[User] = (),
) -> int:
    """Plans for a third of each office's candidates; returns the number of plans. Every third of them gets one
    of the office's `veiledere` as «Ansvarlig» (the rest keep the job specialist), so each demo caseworker has
    people in «Mine personer»; some plans have an overdue activity, some a deadline this week."""
    rng = random.Random(rng.getrandbits(64))
    today = today or today_in_oslo()
    plans = 0
    planned: list[tuple[User, Any]] = []
    for office in offices:
        specialist = next((u for u in users if u.role == "jobbspesialist" and u.office_id == office.id), None)
        if specialist is None:
            continue
        candidates = sorted(
            candidates_service.list_candidates(session, actor=specialist, limit=10_000), key=lambda c: c.id
        )
        own = [v for v in veiledere if v.office_id == office.id]
        for index, candidate in enumerate(rng.sample(candidates, len(candidates) // 3)):
            ansvarlig = specialist
            if own and index % 3 == 2:
                ansvarlig = own[(index // 3) % len(own)]
                candidates_service.update_candidate(
                    session, actor=None, candidate_id=candidate.id, responsible_user_id=ansvarlig.id
                )
            _one(session, rng, specialist, candidate.id, today, index)
            planned.append((ansvarlig, candidate))
            plans += 1
    ip_rng = random.Random(rng.getrandbits(64))  # drawn after the plans: they stay as they were without it
    for ansvarlig, candidate in planned:
        if ip_rng.random() < 0.5:
            _individual_plan(session, ip_rng, ansvarlig, candidate, today)
    session.flush()
    return plans


# (name, role, organisation, contribution) of the services that take part in an individuell plan
IP_MUNICIPAL = (
    (
        "Kari Sosialkonsulent",
        "NAV_KOMMUNE",
        "NAV-kontoret, sosiale tjenester",
        "Økonomisk rådgivning og sosialhjelp",
    ),
    ("Berit Bolig", "NAV_KOMMUNE", "Kommunens boligkontor", "Behandler søknaden om kommunal bolig"),
    (
        "Ole Rådgiver",
        "NAV_KOMMUNE",
        "NAV-kontoret, økonomisk rådgivning",
        "Budsjett og avtale med kreditorene",
    ),
)
IP_HEALTH = (
    (
        "Lege Lise Lund",
        "SPESIALISTHELSE",
        "Distriktspsykiatrisk senter",
        "Samtalebehandling hver fjortende dag",
    ),
    ("Fastlege Anders Aas", "FASTLEGE", "Legesenteret", "Sykmelding, medisiner og legeerklæring"),
    (
        "Fysioterapeut Per Rygg",
        "KOMMUNAL_HELSE",
        "Kommunal fysioterapi",
        "Trening for ryggen to ganger i uka",
    ),
)
IP_RESOURCES = (
    "er praktisk anlagt og liker å jobbe med hendene",
    "har lang erfaring fra butikk og lager",
    "er god med mennesker og har førerkort",
    "snakker tre språk og har fullført grunnskole",
)
IP_NEEDS = (
    "trenger en stabil bolig før jobb er realistisk",
    "trenger hjelp med gjelden og et budsjett",
    "trenger behandling for søvn og angst ved siden av arbeidstrening",
    "trenger norskopplæring og en vei til fagbrev",
)
IP_EFFORT = (
    "møter til avtalene og sier fra når noe blir vanskelig",
    "søker to jobber i uka og fører oversikt i planen",
    "går på norskkurset og trener med fysioterapeuten",
)


def _individual_plan(
    session: Session, rng: random.Random, koordinator: User, candidate: Any, today: dt.date
) -> None:
    """The IP of one demo plan, kept by the person's «Ansvarlig» as koordinator: legal bases, participants (the
    person, the municipality, the health services), consents, contributions and an evaluation round; one in five is
    still being written (incomplete)."""
    first = candidate.first_name
    municipal, health = rng.choice(IP_MUNICIPAL), rng.choice(IP_HEALTH)
    start = today - dt.timedelta(days=rng.randint(20, 120))
    complete = rng.random() < 0.8
    data: dict[str, Any] = {
        "status": "AKTIV" if complete else "UNDER_ARBEID",
        "legal_bases": ["SOTJL_28", "HOL"] if health[1] != "SPESIALISTHELSE" else ["SOTJL_28", "SHTL"],
        "koordinator_user_id": koordinator.id,
        "koordinator_phone": f"61 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "period_from": start,
        "period_to": start + dt.timedelta(days=365),
        "next_revision": today + dt.timedelta(days=rng.randint(-10, 90)),
        "needs": f"{first} {rng.choice(IP_NEEDS)}.",
        "own_effort": f"{first} {rng.choice(IP_EFFORT)}.",
        "participants": [
            {
                "name": candidate.full_name,
                "role": "BRUKER",
                "contribution": "Sier hva som er viktigst for meg",
            },
            {
                "name": municipal[0],
                "role": municipal[1],
                "organisation": municipal[2],
                "contribution": municipal[3],
            },
            {"name": health[0], "role": health[1], "organisation": health[2], "contribution": health[3]},
        ],
    }
    if complete:
        data.update(
            consent_date=start,
            share_consent_date=start,
            share_with=f"{municipal[2]} og {health[2].lower()}",
            share_confidential=rng.random() < 0.5,
            resources=f"{first} {rng.choice(IP_RESOURCES)}.",
            network_contribution=rng.choice(
                ("Søsteren hjelper med flyttingen.", "Mora følger til legetimene.", "")
            ),
            implementation=f"Vi møtes hver {rng.choice(('andre', 'tredje'))} uke på NAV-kontoret med {first}, og "
            f"{municipal[0]} og {health[0]} kommer når det trengs.",
            cooperation=f"Ansvarsgruppe med {municipal[2].lower()} og {health[2].lower()}.",
        )
    plans_ip.save_ip(session, actor=koordinator, candidate_id=candidate.id, data=data)
    if complete:
        plans_ip.record_evaluation(
            session,
            actor=koordinator,
            candidate_id=candidate.id,
            data={
                "date": today - dt.timedelta(days=rng.randint(1, 15)),
                "participants": f"{first}, {koordinator.name}, {municipal[0]}",
                "summary": "Gikk gjennom målene og tiltakene. Boligsøknaden er sendt, behandlingen er i gang.",
                "person_assessment": rng.choice(
                    (
                        "Det hjelper å ha én plan og én å ringe til.",
                        "Går litt tregt med boligen, men jobbtreningen er bra.",
                        "Jeg vil prøve flere timer i arbeidstreningen.",
                    )
                ),
                "next_date": today + dt.timedelta(days=rng.randint(20, 60)),
            },
        )
