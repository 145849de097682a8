"""A form field longer than its rule allows is a 422 naming the field, beside it, with the text kept: never cut
short in silence. The form reader (web.forms.MAX_FIELD) lets every field reach its domain rule whole (the longest
domain limit is an opening's description, 50 000 characters); only beyond every limit it refuses by itself."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.cleaning import bounded_text
from core.errors import ValidationFailed
from core.formatting import today_in_oslo
from employers.models import Opening
from followup.models import FollowupContact
from tests.factories import (
    csrf_from,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_user,
)
from web.forms import MAX_FIELD

TODAY = today_in_oslo()


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)})


def _words(n: int) -> str:
    """n characters of text ending in a marker, so a cut anywhere shows."""
    end = "SLUTTMERKE"
    body = ("ord " * n)[: n - len(end)]
    return body + end


def test_opening_description_within_the_domain_limit_is_kept_whole(client, db):
    """30 000 characters are within an opening description's 50 000: stored whole (the reader used to cut 20 000)."""
    employer = make_employer(db)
    login(client, make_user(db, "markedskontakt"))
    text = _words(30_000)
    r = _post(
        client,
        "/stillinger/ny",
        {"employer_id": str(employer.id), "title": "Langt notat", "description": text, "action": "save"},
        "/stillinger/ny",
    )
    assert r.status_code == 303, r.text[:500]
    stored = db.scalar(select(Opening.description).where(Opening.title == "Langt notat"))
    assert stored == text and len(stored) == 30_000


def test_too_long_description_is_named_beside_the_field_with_the_text_kept(client, db):
    employer = make_employer(db)
    login(client, make_user(db, "markedskontakt"))
    text = _words(60_000)
    r = _post(
        client,
        "/stillinger/ny",
        {"employer_id": str(employer.id), "title": "For langt", "description": text, "action": "save"},
        "/stillinger/ny",
    )
    assert r.status_code == 422
    assert "Beskrivelse kan være høyst 50000 tegn." in r.text
    assert re.search(r'<textarea id="f-description" name="description"[^>]*aria-invalid="true"', r.text)
    assert text in r.text and 'value="For langt"' in r.text  # every typed value back in its field
    assert db.scalar(select(Opening.id).where(Opening.title == "For langt")) is None


def test_a_field_beyond_every_limit_is_refused_by_name(client, db):
    employer = make_employer(db)
    login(client, make_user(db, "markedskontakt"))
    r = _post(
        client,
        "/stillinger/ny",
        {"employer_id": str(employer.id), "title": "Enorm", "description": "x" * (MAX_FIELD + 1)},
        "/stillinger/ny",
    )
    assert r.status_code == 422 and "«description» er for langt" in r.text
    assert db.scalar(select(Opening.id).where(Opening.title == "Enorm")) is None


def test_followup_contact_note_over_its_limit_is_named_not_cut(client, db):
    """A contact's note holds 10 000 characters; the follow-up pages' reader used to cut there without a word."""
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    record = make_followup_record(db, office, spec, make_candidate(db, office, actor=spec), today=TODAY)
    url = f"/oppfolging/{record.id}"
    login(client, spec)
    text = _words(10_001)
    form = {
        "k_date": TODAY.isoformat(),
        "k_with_whom": "person",
        "k_mode": "telefon",
        "k_duration_minutes": "30",
        "k_content": text,
    }
    r = _post(client, f"{url}/kontakt", form, url)
    assert r.status_code == 422 and "Innhold kan være høyst 10000 tegn (nå 10001)." in r.text
    assert text in r.text  # the note is back in its field
    assert db.scalar(select(FollowupContact.id).where(FollowupContact.record_id == record.id)) is None
    r = _post(client, f"{url}/kontakt", {**form, "k_content": text[1:]}, url)
    assert r.status_code == 303
    assert (
        db.scalar(select(FollowupContact.content).where(FollowupContact.record_id == record.id)) == text[1:]
    )


def test_bounded_text_names_the_field_and_strips():
    assert bounded_text("  hei  ", field="note", label="Merknad", max_len=3) == "hei"
    with pytest.raises(ValidationFailed) as exc:
        bounded_text("hallo", field="note", label="Merknad", max_len=3)
    assert exc.value.field == "note" and "høyst 3 tegn" in exc.value.message
