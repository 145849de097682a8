"""The access-control matrix: every route of the app (pages and /api/v1, enumerated from the router) × every role
and office relation → allowed or refused. A route without a line in ROUTES fails the test, so a new endpoint
cannot ship without someone deciding who may use it.

Each request runs in a savepoint that is rolled back, so one request's writes never change another's outcome.
"Allowed" means the request got past access control (any answer but 401/403/404 or a redirect to the login
page; an empty form may well get 422); "refused" means 401/403/404 or the login redirect."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from candidates import access as candidates_access
from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from core import accounts, notifications
from employers import service as employers_service
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from followup import service_placements as followup_placements
from followup import service_records as followup_records
from plans import service_activities as plans_activities
from plans import service_ip as plans_ip
from plans import service_journal
from plans import service_periods as plans_periods
from plans import service_vedtak as vedtak_service
from recruitment import service as recruitment_service
from tests.factories import (
    api_headers,
    found,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_praksisplass,
    make_user,
)
from web.routes import iter_routes

# admin_r: an admin who has recorded a reason ("break the glass") to read office A's candidate; the plain admin has
# not, and is refused every read of a person's record. vk_a: a veileder of office A employed by the municipality
# (js_a and the other staff are state employees): a veileder has a job specialist's rights on the candidate record,
# and the journal follows the employment (office A's journal entry in the world is the municipal social service's).
ACTORS = ("anon", "admin", "admin_r", "mk_a", "js_a", "vk_a", "mk_b", "js_b", "emp_own", "emp_other")
STAFF = {"admin", "admin_r", "mk_a", "js_a", "vk_a", "mk_b", "js_b"}
RULES: dict[str, set[str]] = {
    "public": set(ACTORS),
    "user": set(ACTORS) - {"anon"},
    "staff": STAFF,
    "staff_reason": STAFF - {"admin"},  # reads people: the admin only with a recorded reason
    "staff+emp": STAFF | {"emp_own"},  # the resource belongs to emp_own's organisation
    "staff+emps": STAFF | {"emp_own", "emp_other"},  # employers see their own part of it
    "office": {
        "admin_r",
        "mk_a",
        "js_a",
        "vk_a",
    },  # a person of office A: the admin only with a recorded reason
    "office_any": {"admin", "admin_r", "mk_a", "js_a", "vk_a"},  # office A's records that are not a person's
    "admin": {"admin", "admin_r"},
    "emps": {"emp_own", "emp_other"},
    "emp": {"emp_own"},
    "office+emp": {
        "admin_r",
        "mk_a",
        "js_a",
        "vk_a",
        "emp_own",
    },  # office A's entry, shared with emp_own from the candidate list under the candidate's consent
    "caseworker": {
        "js_a",
        "vk_a",
    },  # need-to-know: a follow-up caseworker of office A (restricted fields, erasure)
    "office_staff": {"mk_a", "js_a", "vk_a"},  # office A's staff, not the admin (consents are the office's)
    "responsible": {
        "js_a"
    },  # erasure: the candidate's responsible caseworker (js_a created office A's candidate)
    "caseworkers": {
        "js_a",
        "vk_a",
        "js_b",
    },  # a follow-up caseworker of any office: a page of their own people
    "journal": {"js_a", "vk_a"},  # a person's journal: office A's follow-up caseworkers (each their services)
    "journal_kommune": {"vk_a"},  # a municipal social-service entry: municipal staff of office A only
    "self": {"mk_a"},  # the actor's own row (mk_a's notification)
    "flow": set(),  # the login flow: any answer but a 5xx (a redirect back to /login is its normal answer)
}

# method path rule — one line per route; the subject of each {id} is a row of office A / employer "own".
ROUTES = """
GET /healthz public
GET /login public
POST /login flow
GET /login/totp flow
POST /login/totp flow
POST /logout user
GET /konto user
POST /konto/passord user
POST /konto/nokler user
POST /konto/nokler/{token_id}/trekk-tilbake admin
POST /konto/tofaktor user
GET / user
GET /admin/brukere admin
POST /admin/brukere admin
POST /admin/brukere/{user_id}/aktiv admin
POST /admin/brukere/{user_id}/ansettelse admin
POST /admin/forsinkelser/opphev admin
GET /admin/kontorer admin
POST /admin/kontorer admin
GET /admin/revisjonslogg admin
GET /admin/sikkerhetslogg admin
GET /admin/jobber admin
POST /admin/jobber/{job}/kjor admin
GET /varsler user
GET /forslag/{kind} user
GET /kandidater/{candidate_id}/jobbforslag office
GET /stillinger/{opening_id}/kandidater staff_reason
POST /stillinger/{opening_id}/kandidater staff_reason
POST /kandidatliste/{list_entry_id}/status office
POST /kandidatliste/{list_entry_id}/utfall office
POST /kandidatliste/{list_entry_id}/del office
POST /kandidatliste/{list_entry_id}/trekk-deling office
POST /stillinger/{opening_id}/kandidater/del staff
POST /kandidater/{candidate_id}/presentasjon office
GET /kandidatliste/{list_entry_id}/oppfolging office
POST /delte-kandidater/{candidate_id}/svar emp
GET /api/v1/candidates/{candidate_id}/matches office
GET /api/v1/openings/{opening_id}/matches staff
GET /api/v1/openings/{opening_id}/candidate-list staff
POST /api/v1/openings/{opening_id}/candidate-list office
PATCH /api/v1/candidate-list-entries/{list_entry_id} office
POST /api/v1/candidate-list-entries/{list_entry_id}/share office
POST /api/v1/candidate-list-entries/{list_entry_id}/unshare office
POST /api/v1/openings/{opening_id}/candidate-list/share staff
PUT /api/v1/candidates/{candidate_id}/presentation office
POST /api/v1/candidate-list-entries/{list_entry_id}/answer office+emp
POST /varsler/lest user
POST /varsler/{notification_id}/lest self
GET /kandidater staff
GET /kandidater/{candidate_id} office
GET /kandidater/ny staff
POST /kandidater/ny staff
POST /kandidater/{candidate_id} office
GET /kandidater/{candidate_id}/cv office
POST /kandidater/{candidate_id}/cv/ferdigheter office
GET /kandidater/{candidate_id}/cv/last-opp office
POST /kandidater/{candidate_id}/cv/last-opp office
POST /kandidater/{candidate_id}/cv/last-opp/lagre office
POST /kandidater/{candidate_id}/cv/{section} office
GET /kandidater/{candidate_id}/cv/{section}/{entry_id:int} office
POST /kandidater/{candidate_id}/cv/{section}/{entry_id:int} office
POST /kandidater/{candidate_id}/cv/{section}/{entry_id:int}/slett office
GET /kandidater/{candidate_id}/jobbprofil office
POST /kandidater/{candidate_id}/jobbprofil office
GET /kandidater/{candidate_id}/situasjon caseworker
POST /kandidater/{candidate_id}/situasjon/vedtak caseworker
POST /kandidater/{candidate_id}/situasjon/program caseworker
POST /kandidater/{candidate_id}/situasjon/program/{programme}/fjern caseworker
POST /kandidater/{candidate_id}/situasjon/arbeidsevne caseworker
POST /kandidater/{candidate_id}/situasjon/behov caseworker
GET /kandidater/{candidate_id}/samtykke office
POST /kandidater/{candidate_id}/samtykke office
POST /kandidater/{candidate_id}/samtykke/{consent_id:int}/trekk office_staff
GET /kandidater/{candidate_id}/innsyn office
GET /kandidater/{candidate_id}/innsyn.json office
GET /kandidater/{candidate_id}/slett responsible
POST /kandidater/{candidate_id}/slett responsible
POST /kandidater/{candidate_id}/begrunnelse admin
GET /delte-kandidater emps
GET /delte-kandidater/{candidate_id} emp
GET /arbeidsgivere staff
GET /arbeidsgivere/ny staff
POST /arbeidsgivere/ny staff
GET /arbeidsgivere/neste-steg staff
GET /arbeidsgivere/{employer_id} staff+emp
GET /arbeidsgivere/{employer_id}/rediger staff
POST /arbeidsgivere/{employer_id}/rediger staff
GET /arbeidsgivere/{employer_id}/sammenslaing staff
POST /arbeidsgivere/{employer_id}/sammenslaing office_any
POST /arbeidsgivere/{employer_id}/kontaktpersoner staff
POST /arbeidsgivere/{employer_id}/kontakter staff
POST /arbeidsgivere/kontakter/{contact_id}/utfort staff
POST /arbeidsgivere/{employer_id}/praksisplasser staff
POST /praksisplasser/{praksisplass_id}/deltakere staff
POST /praksisplasser/deltakere/{occupant_id}/avslutt staff
GET /praksisplasser user
GET /stillinger user
GET /stillinger/godkjenning staff
GET /stillinger/ny user
POST /stillinger/ny user
GET /stillinger/{opening_id} staff+emp
GET /offentlig/stillinger/{opening_id} public
GET /stillinger/{opening_id}/rediger staff+emp
POST /stillinger/{opening_id}/rediger staff+emp
POST /stillinger/{opening_id}/status staff+emp
POST /stillinger/{opening_id}/godkjenn staff
GET /stillinger/{opening_id}/send-tilbake staff
POST /stillinger/{opening_id}/send-tilbake staff
POST /stillinger/{opening_id}/send-inn staff+emp
GET /oppfolging staff
POST /oppfolging staff
GET /oppfolging/kontakter user
GET /oppfolging/rapporter staff
GET /oppfolging/rapporter.csv staff
GET /oppfolging/kvalitet staff
POST /oppfolging/kvalitet staff
GET /oppfolging/{record_id:int} office
POST /oppfolging/{record_id:int}/status office
POST /oppfolging/{record_id:int}/fase office
POST /oppfolging/{record_id:int}/kontakt office
POST /oppfolging/{record_id:int}/arbeidsforhold office
POST /oppfolging/{record_id:int}/arbeidsforhold/{placement_id:int}/endring office
POST /oppfolging/{record_id:int}/arbeidsforhold/{placement_id:int}/slutt office
POST /oppfolging/{record_id:int}/profil office
POST /oppfolging/{record_id:int}/apenhet office
POST /oppfolging/{record_id:int}/ytelser office
POST /oppfolging/{record_id:int}/passiv office
POST /oppfolging/{record_id:int}/oppsoking office
POST /oppfolging/{record_id:int}/tiltak office
POST /oppfolging/{record_id:int}/plan/{item_id:int}/utfort office
POST /oppfolging/{record_id:int}/avslutt office
GET /api/v1/me user
GET /api/v1/offices user
POST /api/v1/offices admin
GET /api/v1/audit admin
GET /api/v1/candidates staff
GET /api/v1/candidates/{candidate_id} office
POST /api/v1/candidates staff
PATCH /api/v1/candidates/{candidate_id} office
DELETE /api/v1/candidates/{candidate_id} responsible
POST /api/v1/candidates/{candidate_id}/break-glass admin
GET /api/v1/candidates/{candidate_id}/export office
POST /api/v1/candidates/{candidate_id}/cv/arbeid office
PATCH /api/v1/candidates/{candidate_id}/cv/arbeid/{entry_id} office
POST /api/v1/candidates/{candidate_id}/cv/utdanning office
PATCH /api/v1/candidates/{candidate_id}/cv/utdanning/{entry_id} office
POST /api/v1/candidates/{candidate_id}/cv/sertifikat office
PATCH /api/v1/candidates/{candidate_id}/cv/sertifikat/{entry_id} office
POST /api/v1/candidates/{candidate_id}/cv/sprak office
PATCH /api/v1/candidates/{candidate_id}/cv/sprak/{entry_id} office
DELETE /api/v1/candidates/{candidate_id}/cv/{section}/{entry_id} office
PUT /api/v1/candidates/{candidate_id}/skills office
PUT /api/v1/candidates/{candidate_id}/jobbprofil office
PATCH /api/v1/candidates/{candidate_id}/jobbprofil office
PUT /api/v1/candidates/{candidate_id}/situation caseworker
PUT /api/v1/candidates/{candidate_id}/capacity caseworker
PUT /api/v1/candidates/{candidate_id}/needs caseworker
PUT /api/v1/candidates/{candidate_id}/programmes/{programme} caseworker
DELETE /api/v1/candidates/{candidate_id}/programmes/{programme} caseworker
POST /api/v1/candidates/{candidate_id}/consents office
POST /api/v1/candidates/{candidate_id}/consents/{consent_id}/withdraw office_staff
GET /api/v1/shared-candidates emps
GET /api/v1/shared-candidates/{candidate_id} emp
GET /api/v1/employers staff+emps
POST /api/v1/employers staff
GET /api/v1/employers/{employer_id} staff+emp
PATCH /api/v1/employers/{employer_id} staff
GET /api/v1/employers/{employer_id}/similar staff
POST /api/v1/employers/{employer_id}/merge office_any
GET /api/v1/employers/{employer_id}/contact-persons staff+emp
POST /api/v1/employers/{employer_id}/contact-persons staff
PATCH /api/v1/contact-persons/{person_id} staff
DELETE /api/v1/contact-persons/{person_id} staff
GET /api/v1/employers/{employer_id}/contacts staff
POST /api/v1/employers/{employer_id}/contacts staff
PATCH /api/v1/contacts/{contact_id} staff
GET /api/v1/next-steps staff
GET /api/v1/praksisplasser staff+emps
POST /api/v1/praksisplasser staff
GET /api/v1/praksisplasser/{praksisplass_id} staff+emp
PATCH /api/v1/praksisplasser/{praksisplass_id} staff
POST /api/v1/praksisplasser/{praksisplass_id}/occupants staff
GET /api/v1/openings staff+emps
GET /api/v1/openings/styrk-suggestions user
GET /api/v1/styrk/suggest staff
GET /api/v1/places/suggest staff
GET /api/v1/candidates/suggest staff
GET /api/v1/employers/suggest staff
POST /api/v1/openings staff+emp
GET /api/v1/openings/{opening_id} staff+emp
PATCH /api/v1/openings/{opening_id} staff+emp
POST /api/v1/openings/{opening_id}/status staff+emp
POST /api/v1/openings/{opening_id}/approve staff
POST /api/v1/openings/{opening_id}/return staff
POST /api/v1/openings/{opening_id}/resubmit staff+emp
GET /api/v1/openings/{opening_id}/jobposting staff+emp
GET /api/v1/followup/records staff
POST /api/v1/followup/records office
GET /api/v1/followup/records/{record_id} office
POST /api/v1/followup/records/{record_id}/status office
POST /api/v1/followup/records/{record_id}/end office
GET /api/v1/followup/records/{record_id}/contacts office
POST /api/v1/followup/records/{record_id}/contacts office
POST /api/v1/followup/records/{record_id}/placements office
POST /api/v1/followup/records/{record_id}/placements/{placement_id}/changes office
POST /api/v1/followup/records/{record_id}/placements/{placement_id}/end office
GET /api/v1/followup/records/{record_id}/outcomes office
GET /api/v1/followup/contacts staff+emps
GET /api/v1/followup/report staff
GET /kandidater/{candidate_id}/vedtak caseworker
POST /kandidater/{candidate_id}/vedtak/ny caseworker
GET /kandidater/{candidate_id}/vedtak/{vedtak_id:int} caseworker
POST /kandidater/{candidate_id}/vedtak/{vedtak_id:int} caseworker
POST /kandidater/{candidate_id}/vedtak/{vedtak_id:int}/godkjenn caseworker
POST /kandidater/{candidate_id}/vedtak/{vedtak_id:int}/send-tilbake caseworker
GET /api/v1/candidates/{candidate_id}/vedtak caseworker
POST /api/v1/candidates/{candidate_id}/vedtak caseworker
GET /api/v1/vedtak/{vedtak_id} caseworker
PATCH /api/v1/vedtak/{vedtak_id} caseworker
POST /api/v1/vedtak/{vedtak_id}/submit caseworker
POST /api/v1/vedtak/{vedtak_id}/approve caseworker
POST /api/v1/vedtak/{vedtak_id}/return caseworker
GET /kandidater/{candidate_id}/journal journal
GET /kandidater/{candidate_id}/journal/ny journal
POST /kandidater/{candidate_id}/journal/ny journal
GET /journal/{journal_entry_id:int} journal_kommune
POST /journal/{journal_entry_id:int} journal_kommune
POST /journal/{journal_entry_id:int}/del journal_kommune
GET /api/v1/candidates/{candidate_id}/journal journal
POST /api/v1/candidates/{candidate_id}/journal journal
GET /api/v1/journal/{journal_entry_id} journal_kommune
PATCH /api/v1/journal/{journal_entry_id} journal_kommune
POST /api/v1/journal/{journal_entry_id}/share journal_kommune
GET /kandidater/{candidate_id}/plan caseworker
GET /mine-personer caseworkers
GET /api/v1/plan-overview caseworkers
POST /kandidater/{candidate_id}/plan/periode caseworker
POST /kandidater/{candidate_id}/plan/periode/avslutt caseworker
POST /kandidater/{candidate_id}/plan/mal caseworker
POST /kandidater/{candidate_id}/plan/kort caseworker
GET /kandidater/{candidate_id}/plan/ny caseworker
POST /kandidater/{candidate_id}/plan/ny caseworker
GET /kandidater/{candidate_id}/plan/aktiviteter/{activity_id:int} caseworker
POST /kandidater/{candidate_id}/plan/aktiviteter/{activity_id:int} caseworker
POST /kandidater/{candidate_id}/plan/aktiviteter/{activity_id:int}/status caseworker
POST /kandidater/{candidate_id}/plan/aktiviteter/{activity_id:int}/avtalt caseworker
POST /kandidater/{candidate_id}/plan/aktiviteter/{activity_id:int}/referat caseworker
GET /api/v1/candidates/{candidate_id}/plan caseworker
POST /api/v1/candidates/{candidate_id}/plan/period caseworker
POST /api/v1/candidates/{candidate_id}/plan/period/end caseworker
POST /api/v1/candidates/{candidate_id}/plan/goals caseworker
GET /api/v1/candidates/{candidate_id}/plan/goals/history caseworker
POST /api/v1/candidates/{candidate_id}/plan/activities caseworker
GET /api/v1/plan-activities/{activity_id} caseworker
PATCH /api/v1/plan-activities/{activity_id} caseworker
POST /api/v1/plan-activities/{activity_id}/status caseworker
POST /api/v1/plan-activities/{activity_id}/avtalt caseworker
POST /api/v1/plan-activities/{activity_id}/referat caseworker
GET /api/v1/plan-activities/{activity_id}/history caseworker
GET /kandidater/{candidate_id}/plan/individuell-plan caseworker
POST /kandidater/{candidate_id}/plan/individuell-plan caseworker
POST /kandidater/{candidate_id}/plan/individuell-plan/deltakere caseworker
POST /kandidater/{candidate_id}/plan/individuell-plan/deltakere/{participant_id:int}/fjern caseworker
POST /kandidater/{candidate_id}/plan/individuell-plan/evalueringer caseworker
GET /kandidater/{candidate_id}/plan/individuell-plan.pdf caseworker
GET /api/v1/candidates/{candidate_id}/plan/individual-plan caseworker
PUT /api/v1/candidates/{candidate_id}/plan/individual-plan caseworker
POST /api/v1/candidates/{candidate_id}/plan/individual-plan/evaluations caseworker
"""


def parse_routes(text: str) -> dict[tuple[str, str], str]:
    table = {}
    for line in text.strip().splitlines():
        method, path, rule = line.split()
        assert rule in RULES, f"unknown rule {rule} for {method} {path}"
        table[(method, path)] = rule
    return table


TABLE = parse_routes(ROUTES)


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in iter_routes(app)
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }


def test_every_route_has_a_line_in_the_matrix(app):
    routes = app_routes(app)
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, "routes without a line in ROUTES: " + "; ".join(f"{m} {p}" for m, p in missing)
    assert not stale, "lines in ROUTES for routes that no longer exist: " + "; ".join(
        f"{m} {p}" for m, p in stale
    )


@pytest.fixture
def world(db):
    office_a, office_b = make_office(db), make_office(db)
    users = {
        "admin": make_user(db, "admin"),
        "admin_r": make_user(db, "admin"),
        "mk_a": make_user(db, "markedskontakt", office=office_a),
        "js_a": make_user(db, "jobbspesialist", office=office_a),
        "vk_a": make_user(db, "veileder", office=office_a, employment="KOMMUNE"),
        "mk_b": make_user(db, "markedskontakt", office=office_b),
        "js_b": make_user(db, "jobbspesialist", office=office_b),
    }
    # office A created both: it (and the admin) may merge them; the other office edits but does not merge
    own, other = make_employer(db, actor=users["mk_a"]), make_employer(db, actor=users["mk_a"])
    users["emp_own"] = make_user(db, "arbeidsgiver", employer=own)
    users["emp_other"] = make_user(db, "arbeidsgiver", employer=other)
    mk = users["mk_a"]
    candidate = make_candidate(db, office_a, actor=users["js_a"])
    candidates_access.break_glass(
        db, actor=users["admin_r"], candidate_id=candidate.id, reason="Klage på behandlingen, sak 2026/123"
    )
    cv_entry = candidates_profile.add_cv_entry(
        db,
        actor=None,
        candidate_id=candidate.id,
        kind="arbeid",
        data={"title": "Lager", "styrk_code": "9333"},
    )
    cv_entries = {"arbeid": cv_entry.id} | {
        kind: candidates_profile.add_cv_entry(
            db, actor=None, candidate_id=candidate.id, kind=kind, data=data
        ).id
        for kind, data in (
            ("utdanning", {"level": "fagbrev"}),
            ("sertifikat", {"name": "Truckførerbevis"}),
            ("sprak", {"language": "Norsk"}),
        )
    }
    candidates_profile.set_programme(db, actor=None, candidate_id=candidate.id, kind="AAP", data={})
    consent = candidates_privacy.give_consent(db, actor=None, candidate_id=candidate.id, employer_id=own.id)
    record = make_followup_record(db, office_a, users["js_a"], candidate)
    opening = make_opening(db, own, actor=mk)
    employers_openings.transition_opening(db, actor=mk, opening_id=opening.id, to_status="publisert")
    place = make_praksisplass(db, own, actor=mk)
    occupant = employers_praksis.add_occupant(
        db, actor=mk, praksisplass_id=place.id, start_date="2026-11-02", note="Deltaker"
    )
    contact = employers_contacts.log_contact(
        db, actor=mk, employer_id=own.id, date=dt.date(2026, 11, 2), type="telefon", summary="Samtale"
    )
    person = employers_service.add_contact_person(db, actor=mk, employer_id=own.id, name="Per Person")
    placement = followup_placements.start_placement(
        db,
        actor=users["js_a"],
        record=record,
        type="ordinaer",
        start_date=dt.date(2026, 11, 2),
        percent=40,
        employer_id=own.id,
        title="Lagermedarbeider",
    )
    journal_entry = service_journal.create_entry(
        db,
        actor=users["vk_a"],
        candidate_id=candidate.id,
        data={
            "kind": "NOTAT",
            "service": "KOMMUNE_SOSIAL",
            "title": "Bolig",
            "text": "Søknad om bolig sendt.",
        },
    ).entry
    entry = recruitment_service.add_candidate(db, actor=mk, opening_id=opening.id, candidate_id=candidate.id)
    recruitment_service.share_with_employer(db, actor=mk, entry_id=entry.id)
    plans_periods.start_period(db, actor=users["js_a"], candidate_id=candidate.id)
    activity = plans_activities.create_activity(
        db,
        actor=users["js_a"],
        candidate_id=candidate.id,
        data={
            "type": "EGEN",
            "title": "Lage CV",
            "from_date": "2026-11-02",
            "to_date": "2026-12-31",
            "life_area": "ARBEID",
            "provider": "NAV_STAT",
        },
    )
    ip_participant = plans_ip.add_participant(
        db, actor=users["js_a"], candidate_id=candidate.id, data={"name": "Per Person", "role": "BRUKER"}
    )
    notification = notifications.notify(db, user_id=mk.id, kind="system", title="Til mk_a")
    assert notification is not None
    token_user = make_user(db, "markedskontakt", office=office_a)
    accounts.issue_token(db, user=token_user, name="matrise")
    db.flush()
    token_id = accounts.list_tokens(db, user=token_user)[0].id
    # a §14a draft in a permanent group, written and sent by another caseworker of office A: js_a may approve it
    drafter = make_user(db, "jobbspesialist", office=office_a)
    vedtak = vedtak_service.create_draft(
        db,
        actor=drafter,
        candidate_id=candidate.id,
        data={
            "innsatsgruppe": "VARIG_TILPASSET_INNSATS",
            "begrunnelse": "Varig",
            "default_sources": ["REGISTRERING"],
        },
    )
    vedtak_service.submit(db, actor=drafter, vedtak_id=vedtak.id)
    db.refresh(record)
    item_ids = [i.id for i in followup_records.load(db, record.id).plan_items]
    ids = {
        "candidate_id": candidate.id,
        "section": "arbeid",
        "entry_id": cv_entry.id,
        "cv_entries": cv_entries,
        "programme": "AAP",
        "consent_id": consent.id,
        "record_id": record.id,
        "placement_id": placement.id,
        "item_id": item_ids[0] if item_ids else 1,
        "employer_id": own.id,
        "opening_id": opening.id,
        "praksisplass_id": place.id,
        "occupant_id": occupant.id,
        "contact_id": contact.id,
        "person_id": person.id,
        "user_id": token_user.id,
        "token_id": token_id,
        "merge_id": other.id,  # merging emp_other's organisation into emp_own's (the body of .../merge)
        "notification_id": notification.id,
        "list_entry_id": entry.id,
        "vedtak_id": vedtak.id,
        "journal_entry_id": journal_entry.id,
        "activity_id": activity.id,
        "participant_id": ip_participant.id,
        "kind": "yrke",  # a typeahead's kind (/forslag/{kind})
        "job": "finnes-ikke",  # a job name: an unknown job is refused with a message, nothing runs
    }
    return users, ids


def concrete(path: str, ids: dict[str, int]) -> str:
    section = re.search(r"/cv/([a-z]+)/\{entry_id\}", path)  # a section's own PATCH: a line of that section
    if section:
        ids = {**ids, "entry_id": ids["cv_entries"][section.group(1)]}  # type: ignore[index]  # ids holds the CV entry ids by section under this key

    def sub(m: re.Match[str]) -> str:
        name = m.group(1).split(":")[0]
        assert name in ids, f"no id for {{{name}}} in the matrix world"
        return str(ids[name])

    return re.sub(r"\{([^}]+)\}", sub, path)


def refused(r, api: bool) -> bool:
    if r.status_code in (401, 403, 404):
        return True
    return not api and r.status_code in (302, 303) and r.headers.get("location", "").startswith("/login")


def example(schema: dict, doc: dict, ids: dict[str, int] | None = None) -> object:
    """The smallest value the schema accepts (required properties only), so FastAPI's body validation does not
    answer 422 before the access check has been reached."""
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return example(options[0], doc, ids) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            name: (ids or {}).get(name) or example(props[name], doc, ids)
            for name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-11-02"
    if schema.get("format") == "date-time":
        return "2026-11-02T10:00:00Z"
    return "x" * max(1, schema.get("minLength", 1))


def request_for(doc: dict, method: str, pattern: str, ids: dict[str, int]) -> dict:
    """The required query parameters and JSON body of an operation, ids taken from the matrix world."""
    operation = doc["paths"].get(pattern, {}).get(method.lower(), {})
    kwargs: dict = {}
    params = {
        p["name"]: ids.get(p["name"]) or example(p.get("schema", {}), doc, ids)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
    if params:
        kwargs["params"] = params
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content and method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = example(content["schema"], doc, ids)
    return kwargs


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_access_matrix(app, connection, db, world):
    users, ids = world
    clients: dict[str, TestClient] = {}
    headers: dict[str, dict[str, str]] = {}
    tokens: dict[str, str] = {}
    for name in ACTORS:
        c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        clients[name] = c
        if name == "anon":
            tokens[name] = found(CSRF_RE.pattern, c.get("/login").text)
            headers[name] = {}
            continue
        login(c, users[name])
        tokens[name] = found(CSRF_RE.pattern, c.get("/konto").text)
        headers[name] = api_headers(db, users[name])
    db.commit()  # the savepoint of the fixture: logins and tokens stay for every request below

    doc = clients["anon"].get("/api/v1/openapi.json").json()
    wrong: list[str] = []
    for (method, pattern), rule in sorted(TABLE.items()):
        if pattern in ("/logout",):
            continue  # would end the session the rest of the matrix uses; covered in test_auth_pages
        url = concrete(pattern, ids)
        api = pattern.startswith("/api/")
        for actor in ACTORS:
            savepoint = connection.begin_nested()
            try:
                if api:
                    kwargs = request_for(doc, method, pattern, ids)
                    r = clients[actor].request(method, url, headers=headers[actor], **kwargs)
                else:
                    data = {"csrf_token": tokens[actor]} if method == "POST" else None
                    r = clients[actor].request(method, url, data=data)
            finally:
                savepoint.rollback()
            allowed = actor in RULES[rule]
            if r.status_code >= 500:
                wrong.append(f"{method} {pattern} as {actor}: {r.status_code}")
            elif rule == "flow":
                continue
            elif allowed and refused(r, api):
                wrong.append(
                    f"{method} {pattern} as {actor}: refused ({r.status_code}), expected allowed [{rule}]"
                )
            elif not allowed and not refused(r, api):
                wrong.append(
                    f"{method} {pattern} as {actor}: allowed ({r.status_code}), expected refused [{rule}]"
                )
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
