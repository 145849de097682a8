"""The strong-match notification is a digest per person: people and openings by name, grouped so that no line
repeats, and a candidate the reader may not open is never named."""

from __future__ import annotations

from recruitment.rematch import Match, digests
from tests.factories import make_candidate, make_employer, make_office, make_opening, make_user


def test_a_digest_names_people_and_openings_once_each_and_only_those_the_reader_may_see(db):
    office, other_office = make_office(db), make_office(db)
    specialist = make_user(db, "jobbspesialist", office=office)
    contact = make_user(db, "markedskontakt", office=office)
    employer = make_employer(db, name="Fjellbakeriet AS", actor=contact)
    bakery = make_opening(db, employer, actor=contact, title="Baker")
    shop = make_opening(db, employer, actor=contact, title="Butikkmedarbeider")
    kiosk = make_opening(db, employer, actor=contact, title="Kioskmedarbeider")
    kari = make_candidate(db, office, actor=specialist, first_name="Kari", last_name="Nordmann")
    ola = make_candidate(db, office, actor=specialist, first_name="Ola", last_name="Hansen")
    stranger = make_candidate(db, other_office, first_name="Sigrid", last_name="Utenfor")

    mine = [
        Match(bakery.id, kari.id, 1, 0.95),
        Match(shop.id, kari.id, 1, 0.91),
        Match(kiosk.id, kari.id, 2, 0.88),
        Match(bakery.id, kari.id, 1, 0.95),  # the same match twice (two routes to one reader) is one
    ]
    theirs = [
        Match(bakery.id, kari.id, 1, 0.95),
        Match(bakery.id, ola.id, 2, 0.9),
        Match(bakery.id, stranger.id, 3, 0.89),
        Match(shop.id, ola.id, 1, 0.93),
        Match(shop.id, kari.id, 2, 0.91),
        Match(kiosk.id, ola.id, 1, 0.92),
    ]
    out = digests(db, {specialist.id: mine, contact.id: theirs})

    one = out[specialist.id]
    # one candidate, three openings: one line for Kari naming the openings, best first
    assert one.title == "Nye sterke treff: 1 kandidat og 3 stillinger"
    assert one.lines == [
        "Kari Nordmann: «Baker» hos Fjellbakeriet AS (95 %); «Butikkmedarbeider» hos Fjellbakeriet AS (91 %); "
        "«Kioskmedarbeider» hos Fjellbakeriet AS (88 %)"
    ]
    assert one.link == f"/kandidater/{kari.id}"

    two = out[contact.id]
    assert two.title == "Nye sterke treff: 3 kandidater og 3 stillinger"
    assert len(two.lines) == len(set(two.lines)) == 3  # one line per opening
    assert two.lines[0] == (
        "«Baker» hos Fjellbakeriet AS: Kari Nordmann (95 %), Ola Hansen (90 %), 1 kandidat ved andre kontorer"
    )
    body = "\n".join(two.lines)
    assert "Sigrid" not in body and "Utenfor" not in body  # not the reader's to see
    assert "nr." not in body and two.link is None
