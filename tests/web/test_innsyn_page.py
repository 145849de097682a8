"""The "Innsyn" export as a page a person could be handed: sections with bokmål field names, dates as dd.mm.åååå,
codes as labels, no internal keys or microsecond timestamps; the JSON beside it keeps every column and code."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

import demo
from candidates import access as candidates_access
from candidates import service_profile as candidates_profile
from candidates.models import INNSATSGRUPPER, Candidate, Situation
from core.models import User
from tests.factories import login
from tests.visible_text import visible_text
from web import innsyn

RAW_KEY_RE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # office_id, created_at, needs_fysisk …
MICROSECONDS_RE = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
ISO_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _followed_candidates(db, user: User, n: int = 3) -> list[Candidate]:
    """Candidates the caseworker follows up (restricted sections included) that have a situation recorded."""
    rows = db.scalars(select(Candidate).join(Situation).where(Candidate.office_id == user.office_id)).all()
    return [c for c in rows if candidates_access.may_read_restricted(user, c)][:n]


def test_every_exported_field_has_a_name_and_the_page_reads_as_a_document(client, db):
    demo.load(db, size="small")
    db.expire_all()
    user = db.scalars(select(User).where(User.email == "jobbspesialist@arbeidsbro.no")).one()
    chosen = _followed_candidates(db, user)
    assert chosen, "the demo has followed-up candidates with a situation"
    login(client, user, password=demo.DEMO_PASSWORD)
    for candidate in chosen:
        data = json.loads(client.get(f"/kandidater/{candidate.id}/innsyn.json").text)
        assert data["situation"] and not innsyn.unnamed_fields(data), innsyn.unnamed_fields(data)
        page = client.get(f"/kandidater/{candidate.id}/innsyn")
        assert page.status_code == 200
        text = visible_text(page.text.split('class="tabs"', 1)[-1])
        for title in ("Personopplysninger", "Jobbprofil", "Situasjon og arbeidsevne", "Tilgangslogg"):
            assert title in text
        assert not RAW_KEY_RE.search(text), RAW_KEY_RE.findall(text)[:5]
        assert not MICROSECONDS_RE.search(text) and not ISO_RE.search(text)
        assert candidate.birth_date is not None
        assert "Fødselsdato" in text and candidate.birth_date.strftime("%d.%m.%Y") in text
        # codes come as their labels: the innsatsgruppe, the audit log's actions
        situation = data["situation"]
        assert INNSATSGRUPPER[situation["innsatsgruppe"]] in text and situation["innsatsgruppe"] not in text
        assert "Eksportert" in text, text[-1500:]
        assert f'href="/kandidater/{candidate.id}/innsyn.json"' in page.text  # the JSON beside it


def test_the_json_keeps_codes_and_the_page_shows_labels(client, db):
    demo.load(db, size="small")
    db.expire_all()
    user = db.scalars(select(User).where(User.email == "jobbspesialist@arbeidsbro.no")).one()
    candidate = _followed_candidates(db, user, 1)[0]
    candidates_profile.set_needs(
        db, actor=user, candidate_id=candidate.id, data={"needs_fysisk": ["TUNGE_LØFT"], "needs_note": "rygg"}
    )
    db.flush()
    login(client, user, password=demo.DEMO_PASSWORD)
    data = json.loads(client.get(f"/kandidater/{candidate.id}/innsyn.json").text)
    assert data["situation"]["needs_fysisk"] == ["TUNGE_LØFT"] and "office_id" in data["candidate"]
    text = visible_text(client.get(f"/kandidater/{candidate.id}/innsyn").text)
    assert "Behov: fysisk tilrettelegging\nUnngå tunge løft" in text and "TUNGE_LØFT" not in text


def test_unknown_columns_are_caught():
    assert innsyn.unnamed_fields({"candidate": {"first_name": "Kari", "shoe_size": 42, "office_id": 1}}) == {
        "candidate.shoe_size"
    }


def test_sections_left_out_for_need_to_know_say_so(client, db):
    demo.load(db, size="small")
    db.expire_all()
    mk = db.scalars(select(User).where(User.email == "markedskontakt@arbeidsbro.no")).one()
    candidate = db.scalars(select(Candidate).where(Candidate.office_id == mk.office_id)).first()
    assert candidate is not None and not candidates_access.may_read_restricted(mk, candidate)
    login(client, mk, password=demo.DEMO_PASSWORD)
    text = visible_text(client.get(f"/kandidater/{candidate.id}/innsyn").text)
    situation = text.split("Situasjon og arbeidsevne (begrenset tilgang)", 1)[1].split("\n")[1]
    assert situation == "Bare med i uttrekket for den som følger opp personen."
