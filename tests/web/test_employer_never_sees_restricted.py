"""Field-level check: a marker in every restricted field (health, capacity reason, uføregrad note, benefits,
innsatsgruppe, needs, follow-up health and warning signs) and in every free-text field written for colleagues (the
summary, CV descriptions, certificate issuers, consent notes, candidate-list reasons and history notes, every
follow-up text) of every candidate, candidates shared with the employer from a candidate list, both named and
anonymously; then every page and every GET endpoint an employer user can reach is fetched: the markers and the
health words beside them never appear, and no JSON key of a restricted field is ever sent. The presentation
written for employers is the only free text that reaches them (it carries its own marker, which must appear)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import JSON, String, Table, Text, UniqueConstraint, cast, literal, select, update

import demo
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from candidates.models import Candidate, Certificate, Consent, Programme, Situation, WorkExperience
from core.models import Base, User
from employers import access as employers_access
from employers import service_openings as employers_openings
from employers.models import Employer, EmployerContact
from followup.models import FollowupProfile
from recruitment import service as recruitment_service
from recruitment.models import CandidateListEntry, EntryEvent
from tests.crawl import crawl
from tests.factories import api_headers, login
from web.routes import iter_routes

MARKER = "RESTRIKTMARKOR"
INTERNAL = "INTERNMARKOR"
SHOWN = "PRESENTASJONSMARKOR"
HEALTH_WORDS = "sykmeldt uføretrygdet AAP-mottaker"


def _table(model: type[Base]) -> Table:
    """The model's Table, as the metadata holds it (a model's `__table__` is typed as any FROM clause)."""
    return Base.metadata.tables[model.__tablename__]


RESTRICTED_TABLES: dict[Table, tuple[str, ...] | None] = {
    _table(Situation): None,  # every column
    _table(Programme): None,
    _table(FollowupProfile): ("health", "warning_signs", "coping", "treatment_team"),
}
# Free text written for colleagues: never for an employer (the employer sees titles, employers, education and
# certificate names, skills and wishes, and the presentation written for them).
# No exception: not even the note of a contact an employer user took part in (/oppfolging/kontakter shows them the
# meeting, not the job specialist's note about it), nor the participants written down for it.
FOLLOWUP_TEXT = {
    table: tuple(
        c.name
        for c in table.columns
        if (isinstance(c.type, Text) or (table.name, c.name) == ("followup_contacts", "participants"))
        and not c.foreign_keys
    )
    for table in Base.metadata.sorted_tables
    if table.name.startswith("followup")
}
INTERNAL_TEXT: dict[Table, tuple[str, ...]] = {
    _table(Candidate): ("summary",),
    _table(WorkExperience): ("description",),
    _table(Certificate): ("issuer",),
    _table(Consent): ("note",),
    _table(CandidateListEntry): ("status_reason",),
    _table(EntryEvent): ("note",),
    _table(Employer): (
        "notes",
    ),  # NAV's notes about the employer and its contact log, about the employer itself
    _table(EmployerContact): ("summary", "next_step", "participants"),
    **{t: cols for t, cols in FOLLOWUP_TEXT.items() if cols},
}
# the candidate's address is restricted too, but "address" is also the employer's own (public) address: the
# marker check covers the candidate's, the key check the fields that only ever mean health, benefits or needs
RESTRICTED_KEYS = (set(candidates_privacy.RESTRICTED_FIELDS) - {"address"}) | {
    "health",
    "warning_signs",
    "coping",
    "treatment_team",
    "ufore_grad",
    "uforegrad",
}


def _seed_markers(db) -> None:
    for table, only in RESTRICTED_TABLES.items():
        values: dict[str, Any] = {}
        for col in table.columns:
            if col.primary_key or col.foreign_keys or (only and col.name not in only):
                continue
            if isinstance(col.type, JSON):
                values[col.name] = [MARKER]
            elif isinstance(col.type, Text | String) and (col.type.length or 99) >= len(MARKER):
                # a column in a unique constraint (programme kind) gets the row id too: a candidate may have several
                unique = any(
                    col.name in c.columns for c in table.constraints if isinstance(c, UniqueConstraint)
                )
                values[col.name] = literal(MARKER).concat(cast(table.c.id, String)) if unique else MARKER
        db.execute(update(table).values(values))
    for table, columns in INTERNAL_TEXT.items():
        values = {}
        for name in columns:
            if table is _table(FollowupProfile) and name in (RESTRICTED_TABLES[table] or ()):
                continue  # already carries the restricted marker
            values[name] = f"{HEALTH_WORDS} {INTERNAL}"
        if values:
            db.execute(update(table).values(values))
    db.execute(update(_table(Candidate)).values(presentation=f"Blid og presis. {SHOWN}"))
    db.flush()


@pytest.fixture
def shared_world(db):
    demo.load(db, size="small")
    employer_user = db.scalar(select(User).where(User.email == demo.EMPLOYER_USER[0]))
    employer_id = employers_access.employer_ids_for(db, employer_user)[0]
    candidates = db.scalars(select(Candidate).order_by(Candidate.id).limit(4)).all()
    opening = employers_openings.create_opening(
        db, actor=None, employer_id=employer_id, title="Lagermedarbeider", percent_min=40, percent_max=100
    )
    for i, c in enumerate(candidates):
        # every candidate gets a situation and a programme row to carry the marker
        candidates_profile.set_situation(
            db, actor=None, candidate_id=c.id, data={"innsatsgruppe": "SITUASJONSBESTEMT_INNSATS"}
        )
        candidates_profile.set_programme(db, actor=None, candidate_id=c.id, kind="AAP", data={"note": "x"})
        candidates_privacy.give_consent(
            db, actor=None, candidate_id=c.id, employer_id=employer_id, named=i % 2 == 0
        )
        # consent permits; a person of the candidate's office shares from the opening's candidate list
        staff = db.scalar(
            select(User).where(User.office_id == c.office_id, User.role == "jobbspesialist").order_by(User.id)
        )
        entry = recruitment_service.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=c.id)
        recruitment_service.set_status(db, actor=staff, entry_id=entry.id, status="UAKTUELL", reason="x")
        recruitment_service.share_with_employer(
            db, actor=staff, entry_id=entry.id, override_reason="Kontrollert av veileder"
        )
    _seed_markers(db)
    db.expire_all()
    return employer_user, employer_id, [c.id for c in candidates]


def _restricted_keys(value: object) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        found |= RESTRICTED_KEYS & set(value)
        for v in value.values():
            found |= _restricted_keys(v)
    elif isinstance(value, list):
        for v in value:
            found |= _restricted_keys(v)
    return found


def test_employer_pages_never_show_restricted_fields(client, db, shared_world):
    employer_user, _, candidate_ids = shared_world
    login(client, employer_user, password=demo.DEMO_PASSWORD)
    start = ["/", *(f"/delte-kandidater/{cid}" for cid in candidate_ids)]
    pages = crawl(client, start=start, limit=300)
    assert len(pages) >= 5
    shown = [p for p in pages if p.startswith("/delte-kandidater/")]
    # the demo data shares a few candidates of its own with this employer too
    assert {f"/delte-kandidater/{cid}" for cid in candidate_ids} <= set(shown), (
        "every shared candidate's page was reached (else this proves nothing)"
    )
    leaks = [path for path, html in pages.items() if MARKER in html]
    assert not leaks, f"restricted marker on {leaks[:10]}"
    internal = [
        path for path, html in pages.items() for word in (INTERNAL, *HEALTH_WORDS.split()) if word in html
    ]
    assert not internal, f"internal free text on {internal[:10]}"
    # the presentation written for employers does reach them (so the markers above were where they could leak)
    assert all(SHOWN in pages[f"/delte-kandidater/{cid}"] for cid in candidate_ids)


def test_employer_api_never_sends_restricted_fields(client, db, shared_world):
    employer_user, employer_id, candidate_ids = shared_world
    headers = api_headers(db, employer_user)
    openings = [o.id for o in employers_openings.list_openings(db, actor=employer_user)[0]]
    ids = {
        "candidate_id": candidate_ids,
        "employer_id": [employer_id],
        "opening_id": openings[:3],
    }
    fetched = shown = 0
    for route in iter_routes(client.app):
        path = getattr(route, "path", "")
        if not path.startswith("/api/v1") or "GET" not in getattr(route, "methods", ()):
            continue
        params = re.findall(r"\{(\w+)\}", path)
        choices = [ids.get(p, [1]) for p in params]
        urls = [path]
        for name, values in zip(params, choices, strict=True):
            urls = [u.replace("{" + name + "}", str(v)) for u in urls for v in values]
        for url in urls:
            r = client.get(url, headers=headers)
            fetched += 1
            assert r.status_code < 500, url
            assert MARKER not in r.text, f"restricted marker in {url}"
            for word in (INTERNAL, *HEALTH_WORDS.split()):
                assert word not in r.text, f"internal free text ({word}) in {url}"
            shown += SHOWN in r.text
            if r.headers.get("content-type", "").startswith("application/json") and r.status_code == 200:
                assert not _restricted_keys(json.loads(r.text)), f"restricted key in {url}"
    assert fetched >= 10
    assert shown >= len(candidate_ids), "the shared candidates were fetched (else this proves nothing)"
