"""Synthetic employers for the demo: valid organisasjonsnummer, Norwegian names, NACE codes, contact persons, a
contact history with next steps (some due this week, some overdue), praksisplasser and openings (a third part-time
or open to reduced capacity), spread over the demo offices' municipalities. Deterministic for a given seed;
`large` bulk-inserts 20 000 openings."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core import reference as reference_service
from core.formatting import today_in_oslo
from core.models import Office, User, utcnow
from demo.names import EMPLOYER_KINDS, EMPLOYER_STEMS, FIRST_NAMES, LAST_NAMES, PUBLIC_EMPLOYERS, STREETS
from employers import orgnr as orgnr_rules
from employers import service
from employers.models import (
    CONTACT_TYPES,
    INCLUSION_OPTIONS,
    MEASURES,
    SIZES,
    TARGET_GROUPS,
    ContactPerson,
    Employer,
    EmployerContact,
    Opening,
    OpeningStatusChange,
    Praksisplass,
    PraksisplassOccupant,
)

MUNICIPALITY_NAMES = {"3407": "Gjøvik", "3405": "Lillehammer", "5001": "Trondheim"}
POSTAL_CODES = {
    "3407": ["2815", "2816", "2817", "2818", "2819", "2821", "2822", "2825", "2827", "2836"],
    "3405": ["2607", "2608", "2609", "2611", "2613", "2614", "2615", "2618", "2619", "2625"],
    "5001": ["7010", "7011", "7012", "7013", "7014", "7015"],
}
# (title, STYRK-08) pairs; every code is a unit group of core/refdata/klass/styrk08.json
TITLES_BY_NACE: dict[str, list[tuple[str, str]]] = {
    "81.210": [("Renholder", "9112"), ("Renholdsleder", "9112"), ("Vinduspusser", "9123")],
    "10.710": [("Baker", "7512"), ("Bakeriassistent", "9329"), ("Butikkmedarbeider bakeri", "5223")],
    "52.100": [("Lagermedarbeider", "4321"), ("Truckfører", "8344"), ("Pakker", "9321"), ("Sjåfør", "8322")],
    "47.111": [("Butikkmedarbeider", "5223"), ("Varepåfyller", "9334"), ("Butikkavdelingssjef", "5222")],
    "56.290": [
        ("Kokk", "5120"),
        ("Kjøkkenassistent", "9412"),
        ("Kafémedarbeider", "5246"),
        ("Servitør", "5131"),
    ],
    "41.200": [
        ("Tømrer", "7115"),
        ("Hjelpearbeider bygg", "9313"),
        ("Maler", "7131"),
        ("Flislegger", "7122"),
    ],
    "49.410": [
        ("Lastebilsjåfør", "8332"),
        ("Varebilsjåfør", "8322"),
        ("Lager- og logistikkmedarbeider", "4322"),
    ],
    "55.101": [
        ("Hotellresepsjonist", "4224"),
        ("Romrenholder", "9112"),
        ("Servitør", "5131"),
        ("Kokk", "5120"),
    ],
    "25.620": [("Sveiser", "7212"), ("Industrimekaniker", "7233"), ("Maskinoperatør", "8189")],
    "68.320": [("Vaktmester", "9622"), ("Altmuligmann", "9622"), ("Renholder", "9112")],
    "88.911": [("Barnehageassistent", "5311"), ("Pedagogisk leder", "2342"), ("Kjøkkenassistent", "9412")],
    "87.301": [
        ("Helsefagarbeider", "5321"),
        ("Pleieassistent", "5329"),
        ("Sykepleier", "2223"),
        ("Hjemmehjelp", "5322"),
    ],
    "82.201": [("Kundesentermedarbeider", "4222"), ("Kontormedarbeider", "4110"), ("Telefonselger", "5244")],
    "47.761": [
        ("Gartner", "6113"),
        ("Butikkmedarbeider hagesenter", "5223"),
        ("Hjelpearbeider gartneri", "9214"),
    ],
}
ROLES = ("Daglig leder", "Personalleder", "Avdelingsleder", "Driftsleder", "Butikksjef", "Styrer")
SUMMARIES = (
    "Gjennomgang av rekrutteringsbehov til høsten.",
    "Presenterte Arbeidsbro og mulighetene for tilrettelegging.",
    "Snakket om en kandidat som kan starte med redusert stilling.",
    "Oppfølging av praksisplassen; veileder er fornøyd.",
    "Arbeidsgiver vurderer lønnstilskudd for en ny ansatt.",
    "Omvisning på arbeidsplassen og avklaring av arbeidsoppgaver.",
)
NEXT_STEPS = (
    "Sende oversikt over aktuelle kandidater",
    "Avtale omvisning for kandidat",
    "Følge opp søknad om lønnstilskudd",
    "Ringe daglig leder om ny stilling",
    "Sende utkast til praksisavtale",
)


def _orgnr(rng: random.Random, used: set[str]) -> str:
    while True:
        number = orgnr_rules.complete(
            str(rng.choice((8, 9))) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        )
        if number and number not in used:
            used.add(number)
            return number


def generate(
    session: Session, *, rng: random.Random, offices: Sequence[Office], users: Sequence[User], size: str
) -> list[Employer]:
    count = 60 if size == "small" else 2000
    n_openings = 160 if size == "small" else 20_000
    used: set[str] = set()
    names: set[str] = set()
    employers: list[Employer] = []
    contacts = [u for u in users if u.role == "markedskontakt"]
    # a stream of its own (derived without drawing from `rng`, so other domains' demo data stays as it was)
    local = random.Random(repr(rng.getstate()[1][:4]))
    has_postal = reference_service.postal_code(session, "2815") is not None
    nace_of: dict[int, str] = {}
    for i in range(count):
        office = offices[i % len(offices)]
        municipality = office.municipalities[0]
        if i % 10 == 9:
            kind, nace, sector = rng.choice(PUBLIC_EMPLOYERS)
            name = f"{MUNICIPALITY_NAMES.get(municipality, 'Bygde')} {kind}"
        else:
            kind, nace, sector = rng.choice(EMPLOYER_KINDS)
            name = f"{rng.choice(EMPLOYER_STEMS)} {kind}"
        while name in names:
            name = f"{rng.choice(EMPLOYER_STEMS)}{rng.choice(('s', 'en', 'heim', 'vik'))} {kind}"
        names.add(name)
        owner = next((c for c in contacts if c.office_id == office.id), None)
        postal = local.choice(POSTAL_CODES.get(municipality, ["2815"]))
        employer = service.create_employer(
            session,
            actor=owner,
            orgnr=_orgnr(rng, used),
            name=name,
            municipality_code=municipality,
            postal_code=postal if has_postal and municipality in POSTAL_CODES else None,
            status=rng.choice(("prospekt", "aktiv", "aktiv", "samarbeidspartner")),
            nace_code=nace,
            sector=sector,
            address=f"{local.choice(STREETS)} {local.randint(1, 120)}",
            size=local.choice(SIZES[:4]),
            website=f"https://www.{''.join(ch for ch in name.lower() if ch.isalnum())[:30]}.no",
        )
        employers.append(employer)
        nace_of[employer.id] = nace
    _details(session, local, employers, nace_of, contacts, users)
    _openings(session, local, employers, nace_of, n_openings)
    return employers


def _details(
    session: Session,
    rng: random.Random,
    employers: list[Employer],
    nace_of: dict[int, str],
    contacts: list[User],
    users: Sequence[User],
) -> None:
    today = today_in_oslo()
    monday = today - dt.timedelta(days=today.weekday())
    now = utcnow()
    persons, log, places = [], [], []
    staff_by_id = {u.id: u for u in users}
    for i, e in enumerate(employers):
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            persons.append(
                {
                    "employer_id": e.id,
                    "name": f"{first} {last}",
                    "role": rng.choice(ROLES),
                    "phone": f"9{rng.randint(1000000, 9999999)}",
                    "email": f"{first.lower()}.{last.lower()}@example.no".replace("ø", "o")
                    .replace("å", "a")
                    .replace("æ", "ae"),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        owner = staff_by_id.get(e.responsible_user_id or 0) or (contacts[0] if contacts else None)
        n_contacts = 0 if i % 7 == 6 else rng.randint(1, 4)  # some employers never contacted
        for k in range(n_contacts):
            date = today - dt.timedelta(days=rng.randint(1, 200))
            row: dict[str, Any] = {
                "employer_id": e.id,
                "date": date,
                "type": rng.choice(CONTACT_TYPES),
                "participants": f"{owner.name if owner else 'NAV'}, {rng.choice(FIRST_NAMES)} (arbeidsgiver)",
                "summary": rng.choice(SUMMARIES),
                "next_step": None,
                "next_step_due": None,
                "next_step_owner_id": None,
                "next_step_done": False,
                "created_by_id": owner.id if owner else None,
                "created_at": now,
                "updated_at": now,
            }
            if k == 0 and i % 3 != 2:
                # the latest contact's next step: a third due this week, a third overdue, a third later or done
                kind = i % 9
                if kind in (0, 3, 6):
                    due = monday + dt.timedelta(days=rng.randint(max(today.weekday(), 0), 6))
                elif kind in (1, 4, 7):
                    due = today - dt.timedelta(days=rng.randint(1, 20))
                else:
                    due = today + dt.timedelta(days=rng.randint(8, 40))
                row.update(
                    date=today - dt.timedelta(days=rng.randint(1, 14)),
                    next_step=rng.choice(NEXT_STEPS),
                    next_step_due=due,
                    next_step_owner_id=owner.id if owner else None,
                    next_step_done=kind == 8,
                )
            log.append(row)
        if i % 3 == 0:
            title, code = rng.choice(TITLES_BY_NACE.get(nace_of[e.id], [("Praksisplass", "9629")]))
            places.append(
                {
                    "employer_id": e.id,
                    "title": f"Praksis: {title.lower()}",
                    "styrk_code": code,
                    "tasks": "Arbeidsoppgaver etter avtale med veileder.",
                    "places": rng.randint(1, 3),
                    "period_start": today - dt.timedelta(days=rng.randint(0, 60)),
                    "period_end": today + dt.timedelta(days=rng.randint(60, 240)),
                    "supervisor": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "adaptations": sorted(rng.sample(INCLUSION_OPTIONS, rng.randint(1, 2))),
                    "adaptations_note": "",
                    "status": "aktiv",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    session.execute(insert(ContactPerson), persons)
    session.execute(insert(EmployerContact), log)
    if places:
        ids = session.scalars(
            insert(Praksisplass).returning(Praksisplass.id, sort_by_parameter_order=True), places
        ).all()
        occupants = [
            {
                "praksisplass_id": pid,
                "candidate_ref": None,
                "note": "Deltaker via arbeidstrening",
                "start_date": today - dt.timedelta(days=rng.randint(5, 50)),
                "end_date": None,
                "created_at": now,
            }
            for j, pid in enumerate(ids)
            if j % 2 == 0
        ]
        if occupants:
            session.execute(insert(PraksisplassOccupant), occupants)


def _how_to_apply(n: int, e: Employer) -> dict[str, Any]:
    """Every other opening says how to apply (no random draw: the rest of the demo data stays as it was); the
    others show the public page's default, the employer's own details."""
    domain = (e.website or "").removeprefix("https://www.").removeprefix("https://").strip("/")
    given = n % 2 == 0 and bool(domain)
    return {
        "how_to_apply": "Send en kort søknad og CV. Vi intervjuer fortløpende." if given else None,
        "application_url": None,
        "application_email": f"jobb@{domain}" if given else None,
        "contact_name": None,
        "contact_phone": None,
    }


def _openings(
    session: Session, rng: random.Random, employers: list[Employer], nace_of: dict[int, str], total: int
) -> None:
    today = today_in_oslo()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    statuses = ["publisert"] * 14 + ["utkast", "besatt", "stengt", "utløpt"]
    for n in range(total):
        e = employers[0] if n < 3 else employers[n % len(employers)]
        title, code = rng.choice(TITLES_BY_NACE.get(nace_of[e.id], [("Medarbeider", "9629")]))
        reduced = n % 3 == 0  # a third part-time or open to reduced capacity
        if reduced:
            low = rng.choice((20, 30, 40, 50, 60))
            high = min(100, low + rng.choice((0, 10, 20, 40)))
            open_reduced = rng.random() < 0.6
        else:
            low, high, open_reduced = 100, 100, False
        status = rng.choice(statuses)
        if n < 3:  # the demo employer user's organisation: one waiting for approval
            status = "utkast" if n == 0 else "publisert"
        deadline = today + dt.timedelta(days=rng.randint(5, 60))
        if status == "utløpt":
            deadline = today - dt.timedelta(days=rng.randint(1, 30))
        working = sorted(rng.sample(("dagtid", "kveld", "helg", "natt", "skift"), rng.randint(1, 2)))
        rows.append(
            {
                "employer_id": e.id,
                "title": title,
                "styrk_code": code,
                "description": f"{e.name} søker {title.lower()}. Opplæring gis. Vi tilrettelegger for riktig person.",
                "positions": rng.choice((1, 1, 1, 2, 3)),
                "percent_min": low,
                "percent_max": high,
                "hours_per_week": round(37.5 * low / 100, 1) if reduced else 37.5,
                "working_time": working,
                "engagement_type": rng.choice(("fast", "fast", "fast", "vikariat", "sesong", "engasjement")),
                "start_date": None if n % 4 == 0 else today + dt.timedelta(days=rng.randint(14, 90)),
                "start_by_agreement": n % 4 == 0,
                "application_deadline": deadline,
                "address": e.address,
                "postal_code": e.postal_code,
                "municipality_code": e.municipality_code,
                "requirements": {
                    "must": {"norwegian_level": rng.choice(("A2", "B1", "B1", "B2"))},
                    "should": {"driving_licences": ["B"]} if rng.random() < 0.3 else {},
                },
                "inclusion": sorted(rng.sample(INCLUSION_OPTIONS, rng.randint(1, 3))) if open_reduced else [],
                "target_groups": sorted(rng.sample(TARGET_GROUPS, rng.randint(0, 2))),
                "measures": sorted(rng.sample(MEASURES, rng.randint(0, 1))),
                "open_to_reduced_capacity": open_reduced,
                **_how_to_apply(n, e),
                "status": status,
                "awaiting_approval": n == 0,
                "published_at": now if status != "utkast" else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        ids = session.scalars(
            insert(Opening).returning(Opening.id, sort_by_parameter_order=True), chunk
        ).all()
        changes = [
            {
                "opening_id": i,
                "from_status": None,
                "to_status": "utkast",
                "at": now,
                "actor_name": "demodata",
                "note": "",
            }
            for i in ids
        ]
        changes += [
            {
                "opening_id": i,
                "from_status": "utkast",
                "to_status": r["status"],
                "at": now,
                "actor_name": "demodata",
                "note": "",
            }
            for i, r in zip(ids, chunk, strict=True)
            if r["status"] != "utkast"
        ]
        session.execute(insert(OpeningStatusChange), changes)


def bind_demo_employer_user(session: Session, *, user: User, employers: Sequence[Employer]) -> None:
    service.bind_user(session, user=user, employer=employers[0])


def count_openings(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Opening)) or 0
