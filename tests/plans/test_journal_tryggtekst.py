"""TryggTekst in the journal: a warning (never a refusal) when a text shown to others names health details; none for
a plain text, none for a text that stays within its own service; the page's confirmation step."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from plans import service_journal as sj
from plans import tryggtekst
from tests.factories import make_candidate, make_office, make_user

HEALTH = "Han fortalte at han er diagnostisert med depresjon og bruker Cipralex."
PLAIN = "Vi snakket om lagerjobber og avtalte å oppdatere CV-en."


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("fikk diagnosen ADHD", {"diagnose"}),
        ("tar medisiner hver morgen", {"legemidler"}),
        ("tidligere rusmisbruk", {"rus"}),
        ("har vært sykmeldt", {"helse"}),
        ("sliter med sosialangst", {"diagnose"}),
    ],
)
def test_health_words_are_marked(text, categories):
    assert {m.category for m in tryggtekst.health_marks(text)} == categories


@pytest.mark.parametrize("text", [PLAIN, "mottar AAP og sosialhjelp", "deltar i KVP", "syklet til møtet"])
def test_plain_text_benefits_and_programmes_are_not_marked(text):
    assert tryggtekst.health_marks(text) == []


def test_a_warning_only_when_the_text_is_shown_to_others():
    assert tryggtekst.warnings_for(title="", text=HEALTH, service="STAT", shared=False) == []
    assert tryggtekst.warnings_for(title="", text=HEALTH, service="KOMMUNE_SOSIAL", shared=False) == []
    assert tryggtekst.warnings_for(title="", text=HEALTH, service="STAT", shared=True)
    assert tryggtekst.warnings_for(title="", text=HEALTH, service="ANNET", shared=False)
    assert tryggtekst.warnings_for(title="", text=PLAIN, service="ANNET", shared=True) == []


@pytest.fixture
def world(db):
    office = make_office(db)
    veileder = make_user(db, "veileder", office=office, employment="STAT")
    return veileder, make_candidate(db, office, actor=veileder)


def entry(db, veileder, candidate, text, service="STAT"):
    return sj.create_entry(
        db,
        actor=veileder,
        candidate_id=candidate.id,
        data={"kind": "SAMTALEREFERAT", "service": service, "title": "Referat", "text": text},
    )


def test_sharing_a_note_with_a_health_word_warns_and_a_plain_one_does_not(db, world):
    veileder, candidate = world
    health = entry(db, veileder, candidate, HEALTH)
    assert health.warnings == []  # a state draft stays within the state service
    shared = sj.share_with_person(db, actor=veileder, entry_id=health.entry.id)
    assert {m.word.lower() for m in shared.warnings} >= {"depresjon", "cipralex"}
    assert shared.entry.is_shared  # a warning, not a refusal
    assert "personen selv" in (shared.warning or "")

    plain = entry(db, veileder, candidate, PLAIN)
    assert sj.share_with_person(db, actor=veileder, entry_id=plain.entry.id).warnings == []


def test_a_note_for_both_services_warns_when_it_is_written(db, world):
    veileder, candidate = world
    saved = entry(db, veileder, candidate, HEALTH, service="ANNET")
    assert saved.warnings and "begge" not in (saved.warning or "") and "kommunale" in (saved.warning or "")


def test_the_page_must_confirm_before_a_warned_text_is_saved_or_shared(db, world):
    veileder, candidate = world
    data = {"kind": "NOTAT", "service": "ANNET", "title": "Møte", "text": HEALTH}
    with pytest.raises(ValidationFailed) as asked:
        sj.create_entry(db, actor=veileder, candidate_id=candidate.id, data=data, confirm_needed=True)
    assert asked.value.field == sj.CONFIRM_FIELD and "depresjon" in asked.value.message
    saved = sj.create_entry(
        db, actor=veileder, candidate_id=candidate.id, data=data, confirm_needed=True, confirmed=True
    )
    with pytest.raises(ValidationFailed):
        sj.share_with_person(db, actor=veileder, entry_id=saved.entry.id, confirm_needed=True)
    assert sj.share_with_person(
        db, actor=veileder, entry_id=saved.entry.id, confirm_needed=True, confirmed=True
    ).entry.is_shared
