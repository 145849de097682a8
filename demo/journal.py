"""Demo journal entries: for some of each office's people, a state veileder's samtalereferat (shared with the
person), a draft referat, a municipal social-service note and a note for both services — written through the
service, as the veiledere of the office, so access, history and audit are as in real use."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy.orm import Session

from candidates import access as candidates_access
from core.formatting import today_in_oslo
from core.models import User
from plans import service_journal

STATE_REFERAT = (
    (
        "Oppfølgingssamtale om jobbmål",
        "Vi snakket om hvilke jobber du ønsker deg. Du vil helst jobbe med lager eller logistikk, gjerne dagtid. "
        "Vi ble enige om at du oppdaterer CV-en innen neste møte, og at jeg sender deg tre aktuelle stillinger.",
    ),
    (
        "Samtale om arbeidstrening",
        "Vi gikk gjennom muligheten for arbeidstrening hos en lokal arbeidsgiver. Du ønsker å starte med tre dager "
        "i uken. Jeg tar kontakt med arbeidsgiveren og kommer tilbake til deg innen to uker.",
    ),
    (
        "Møte om søknader",
        "Du har sendt fire søknader siden sist. Vi øvde på intervju og snakket om hvordan du kan presentere "
        "erfaringen din fra butikk. Neste møte er om tre uker.",
    ),
)
STATE_DRAFT = (
    "Utkast: samtale om kurs",
    "Vi snakket om truckførerkurs. Jeg undersøker når neste kurs starter før referatet deles.",
)
MUNICIPAL = (
    (
        "Bolig",
        "Søknad om kommunal bolig er sendt. Husleien er ikke betalt for forrige måned; vi lager en plan for "
        "nedbetaling sammen med økonomirådgiver.",
    ),
    (
        "Økonomisk rådgivning",
        "Gjennomgang av budsjett og faste utgifter. Avtalt time hos gjeldsrådgiver.",
    ),
)
SHARED = (
    "Samarbeidsmøte",
    "Felles møte med statlig og kommunal veileder om hvordan oppfølgingen deles mellom tjenestene.",
)


def generate(session: Session, *, rng: random.Random, veiledere: Sequence[User], size: str = "small") -> int:
    """Returns the number of entries written."""
    per_office = 12 if size == "small" else 40
    written = 0
    today = today_in_oslo()
    by_office: dict[int, dict[str, User]] = {}
    for v in veiledere:
        if v.office_id is not None and v.employment:
            by_office.setdefault(v.office_id, {})[v.employment] = v
    for pair in by_office.values():
        state, municipal = pair.get("STAT"), pair.get("KOMMUNE")
        if state is None or municipal is None:
            continue
        ids = sorted(candidates_access.readable_ids(session, state))
        for candidate_id in rng.sample(ids, min(per_office, len(ids))):
            title, text = rng.choice(STATE_REFERAT)
            day = today - dt.timedelta(days=rng.randint(7, 120))
            saved = service_journal.create_entry(
                session,
                actor=state,
                candidate_id=candidate_id,
                data={
                    "kind": "SAMTALEREFERAT",
                    "service": "STAT",
                    "title": title,
                    "text": text,
                    "event_date": day,
                },
            )
            service_journal.share_with_person(session, actor=state, entry_id=saved.entry.id)
            written += 1
            if rng.random() < 0.4:
                service_journal.create_entry(
                    session,
                    actor=state,
                    candidate_id=candidate_id,
                    data={
                        "kind": "SAMTALEREFERAT",
                        "service": "STAT",
                        "title": STATE_DRAFT[0],
                        "text": STATE_DRAFT[1],
                    },
                )
                written += 1
            if rng.random() < 0.6:
                title, text = rng.choice(MUNICIPAL)
                service_journal.create_entry(
                    session,
                    actor=municipal,
                    candidate_id=candidate_id,
                    data={
                        "kind": "NOTAT",
                        "service": "KOMMUNE_SOSIAL",
                        "title": title,
                        "text": text,
                        "event_date": today - dt.timedelta(days=rng.randint(1, 90)),
                    },
                )
                written += 1
            if rng.random() < 0.3:
                service_journal.create_entry(
                    session,
                    actor=municipal,
                    candidate_id=candidate_id,
                    data={"kind": "NOTAT", "service": "ANNET", "title": SHARED[0], "text": SHARED[1]},
                )
                written += 1
    return written
