"""The employer registry: organisasjonsnummer check digit, duplicate guard, near-duplicate warning, merge."""

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from employers import access as employers_access
from employers import orgnr as orgnr_rules
from employers import service
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers.models import Employer
from tests.factories import (
    load_builtin_reference,
    make_employer,
    make_opening,
    make_praksisplass,
    make_user,
    valid_orgnr,
)


@pytest.mark.parametrize("number", ["974760673", "923609016", "889640782", "974 760 673"])
def test_valid_orgnr(number):
    assert orgnr_rules.is_valid(number.replace(" ", ""))


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("123456789", "kontrollsifferet"),
        ("974760674", "kontrollsifferet"),
        ("12345678", "ni sifre"),
        ("9747606731", "ni sifre"),
        ("97476067a", "ni sifre"),
        ("", "fylles ut"),
    ],
)
def test_invalid_orgnr_is_refused_with_a_clear_message(db, number, reason):
    with pytest.raises(ValidationFailed) as exc:
        service.create_employer(db, actor=None, orgnr=number, name="Test AS")
    assert exc.value.field == "orgnr"
    assert reason in exc.value.message


def test_create_employer_with_all_fields_looks_up_the_municipality(db):
    load_builtin_reference(db)
    contact = make_user(db, "markedskontakt")
    employer = service.create_employer(
        db,
        actor=contact,
        orgnr=valid_orgnr(700001),
        name="Gjøvik Bakeri AS",
        nace_code="10.710",
        sector="privat",
        address="Storgata 1",
        postal_code="2815",
        size="5-19",
        website="gjovikbakeri.no",
        status="aktiv",
        notes="Interessert i deltid",
    )
    assert employer.municipality_code == "3407"
    assert employer.website == "https://gjovikbakeri.no"
    assert employer.responsible_user_id == contact.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nace_code", "bakeri"),
        ("sector", "frivillig"),
        ("size", "stor"),
        ("status", "ukjent"),
        ("postal_code", "0000"),
        ("website", "ikke en adresse"),
    ],
)
def test_employer_field_rules_name_the_field(db, field, value):
    load_builtin_reference(db)
    with pytest.raises(ValidationFailed) as exc:
        service.create_employer(db, actor=None, orgnr=valid_orgnr(700002), name="X AS", **{field: value})
    assert field in [e["field"] for e in exc.value.errors]


def test_same_orgnr_is_refused(db):
    number = valid_orgnr(700003)
    service.create_employer(db, actor=None, orgnr=number, name="Første AS")
    with pytest.raises(Conflict) as exc:
        service.create_employer(db, actor=None, orgnr=number, name="Andre AS")
    assert exc.value.field == "orgnr"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gjøvik Rør AS", "GJØVIK RØR"),
        ("Bakeriet på Hunndalen AS", "Bakeriet pa Hunndalen avd. Gjøvik"),
        ("Mjøsplast ASA", "Mjosplast AS"),
        ("Toten Transport SA", "Toten Transport ANS"),
        ("Lillehammer Hotelldrift DA", "Lillehammer Hoteldrift"),
    ],
)
def test_near_duplicate_names_in_the_same_municipality_are_found(db, a, b):
    first = make_employer(db, name=a, municipality_code="3407")
    similar = service.similar_employers(db, name=b, municipality_code="3407")
    assert [s.employer.id for s in similar] == [first.id]
    # another municipality: no warning
    assert service.similar_employers(db, name=b, municipality_code="5001") == []


def test_different_names_are_not_duplicates(db):
    make_employer(db, name="Gjøvik Rør AS", municipality_code="3407")
    assert service.similar_employers(db, name="Gjøvik Bakeri AS", municipality_code="3407") == []


def test_normalise_name():
    assert service.normalise_name("  Bjørkås Ærlige Rør AS, avd. Åsen ") == "bjorkas aerlige ror"


def test_merge_moves_everything_and_is_audited(db):
    contact = make_user(db, "markedskontakt")
    keep = make_employer(db, name="Mjøs Mat AS", actor=contact)  # the contact's office owns both records
    other = make_employer(db, name="Mjøs Mat avd. Gjøvik", actor=contact)
    other.website = "https://mjosmat.no"
    other.orgnr = "123456789"  # a record from before the check digit was checked: no valid orgnr
    service.add_contact_person(
        db, actor=contact, employer_id=other.id, name="Per Hansen", role="Daglig leder"
    )
    employers_contacts.log_contact(
        db, actor=contact, employer_id=other.id, date="2026-01-10", type="telefon", summary="Ringte"
    )
    opening = make_opening(db, other)
    place = make_praksisplass(db, other)
    both = make_user(db, "arbeidsgiver", employer=keep)
    service.bind_user(db, user=both, employer=other)
    only_other = make_user(db, "arbeidsgiver", employer=other)

    merged = service.merge_employers(db, actor=contact, keep_id=keep.id, merge_id=other.id)
    db.expire_all()
    assert db.get(Employer, other.id) is None
    assert merged.website == "https://mjosmat.no"
    assert [p.name for p in service.contact_persons(db, actor=contact, employer_id=keep.id)] == ["Per Hansen"]
    assert len(employers_contacts.contact_log(db, actor=contact, employer_id=keep.id)) == 1
    assert employers_openings.get_opening(db, actor=None, opening_id=opening.id).employer_id == keep.id
    assert employers_praksis.get_praksisplass(db, actor=None, praksisplass_id=place.id).employer_id == keep.id
    assert employers_access.employer_ids_for(db, both) == [keep.id]
    assert employers_access.employer_ids_for(db, only_other) == [keep.id]
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == "employer", AuditEntry.purpose == "sammenslåing")
    ).one()
    assert entry.subject_id == str(keep.id) and other.orgnr in entry.detail


def test_merge_refused_for_employer_users_and_same_record(db):
    a, b = make_employer(db), make_employer(db)
    user = make_user(db, "arbeidsgiver", employer=a)
    with pytest.raises(Forbidden):
        service.merge_employers(db, actor=user, keep_id=a.id, merge_id=b.id)
    with pytest.raises(ValidationFailed):
        service.merge_employers(db, actor=None, keep_id=a.id, merge_id=a.id)


def test_employer_user_sees_only_own_organisation(db):
    own, other = make_employer(db), make_employer(db)
    user = make_user(db, "arbeidsgiver", employer=own)
    assert [e.id for e in service.employers_of(db, user)] == [own.id]
    with pytest.raises(NotFound):
        employers_access.get_employer(db, actor=user, employer_id=other.id)
    with pytest.raises(Forbidden):
        service.create_employer(db, actor=user, orgnr=valid_orgnr(700009), name="Ny AS")


def test_list_employers_search_filter_sort(db):
    contact = make_user(db, "markedskontakt")
    a = make_employer(db, name="Aaa Søkbar AS", actor=contact)
    b = make_employer(db, name="Bbb Søkbar AS")
    employers_contacts.log_contact(
        db, actor=contact, employer_id=b.id, date="2026-01-01", type="møte", summary="x"
    )
    rows, total = service.list_employers(db, actor=contact, q="søkbar")
    assert total == 2 and [r.employer.id for r in rows] == [a.id, b.id]
    rows, total = service.list_employers(db, actor=contact, q="søkbar", mine=True)
    assert [r.employer.id for r in rows] == [a.id]
    rows, _ = service.list_employers(db, actor=contact, q=b.orgnr)
    assert [r.employer.id for r in rows] == [b.id]
    rows, _ = service.list_employers(db, actor=contact, q="søkbar", sort="kontakt")
    assert [r.employer.id for r in rows] == [a.id, b.id] and rows[1].last_contact.isoformat() == "2026-01-01"
    # the total is the whole match, not the page: on a later page and past the last one too
    rows, total = service.list_employers(db, actor=contact, q="søkbar", limit=1, offset=1)
    assert [r.employer.id for r in rows] == [b.id] and total == 2
    assert service.list_employers(db, actor=contact, q="søkbar", limit=1, offset=5) == ([], 2)
    assert service.list_employers(db, actor=contact, q="finnes-ikke") == ([], 0)


def test_two_different_valid_orgnr_are_never_merged(db):
    contact = make_user(db, "markedskontakt")
    a = make_employer(db, name="Biri Bakeri AS", actor=contact)
    b = make_employer(db, name="Biri Bakeri avd. Moelv", actor=contact)
    plan = service.merge_plan(db, actor=contact, a_id=a.id, b_id=b.id)
    assert plan.refused and a.orgnr in plan.refused and b.orgnr in plan.refused
    for keep, other in ((a, b), (b, a)):
        with pytest.raises(ValidationFailed) as exc:
            service.merge_employers(db, actor=contact, keep_id=keep.id, merge_id=other.id)
        assert exc.value.field == "merge_id"
    db.expire_all()
    assert db.get(Employer, a.id) is not None and db.get(Employer, b.id) is not None


def test_the_record_with_the_valid_orgnr_and_the_history_is_kept_whichever_way_it_is_asked(db):
    contact = make_user(db, "markedskontakt")
    established = make_employer(db, name="Hunndalen Bil AS", actor=contact)
    make_opening(db, established)
    employers_contacts.log_contact(
        db, actor=contact, employer_id=established.id, date="2026-01-10", type="telefon", summary="Ringte"
    )
    newcomer = make_employer(db, name="Hundalen Bil", actor=contact)
    newcomer.orgnr = "987654321"  # not a valid orgnr
    db.flush()
    for a, b in ((established, newcomer), (newcomer, established)):
        plan = service.merge_plan(db, actor=contact, a_id=a.id, b_id=b.id)
        assert (plan.keep.employer.id, plan.merge.employer.id, plan.refused) == (
            established.id,
            newcomer.id,
            None,
        )
    assert plan.keep.openings == 1 and plan.keep.contacts == 1 and plan.keep.valid_orgnr
    # merging the established record into the newcomer (the reported click) is refused
    with pytest.raises(ValidationFailed):
        service.merge_employers(db, actor=contact, keep_id=newcomer.id, merge_id=established.id)
    orgnr = established.orgnr
    kept = service.merge_employers(db, actor=contact, keep_id=established.id, merge_id=newcomer.id)
    assert kept.id == established.id and kept.orgnr == orgnr and kept.name == "Hunndalen Bil AS"


def test_of_two_records_without_a_valid_orgnr_the_one_with_history_is_kept(db):
    contact = make_user(db, "markedskontakt")
    old = make_employer(db, name="Toten Rør")
    new = make_employer(db, name="Toten Rør AS")
    old.orgnr, new.orgnr = "123456789", "987654321"  # neither has a valid check digit
    make_opening(db, new)
    db.flush()
    plan = service.merge_plan(db, actor=contact, a_id=old.id, b_id=new.id)
    assert plan.keep.employer.id == new.id and plan.refused is None


def test_similar_names_are_found_before_saving(db):
    load_builtin_reference(db)
    make_employer(db, name="Hunndalen Bil AS", municipality_code="3407")
    found = service.similar_to_new(db, orgnr=valid_orgnr(830001), name="Hundalen bil", postal_code="2815")
    assert [s.employer.name for s in found] == ["Hunndalen Bil AS"]
    assert service.similar_to_new(db, orgnr="1", name="Hundalen bil", postal_code="2815") == []
