"""Schemathesis against our own OpenAPI document, in-process with a real (rolled-back) database, once with a staff
token and once with an employer's: every default check of schemathesis (no 500s, only documented status codes,
content types and headers, responses matching their schemas, schema-valid input accepted, schema-invalid input
refused, a correct `Allow` on 405 ...), for data that fits the document (positive) and data that breaks it
(negative); and no response carries another office's data.

Each operation gets a bounded, derandomised set of examples so the run is repeatable and stays quick. Strings are
generated as valid UTF-8 without NUL: the document's text is Unicode text, and the API refuses a lone surrogate or
a NUL with a 422 naming the field (web.input_checks), which JSON Schema has no keyword for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Err
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from candidates import service_privacy as candidates_privacy
from candidates import service_profile as candidates_profile
from core.formatting import today_in_oslo
from employers import service as es
from employers import service_contacts as employers_contacts
from employers.service_suggest import warm_title_classifier
from followup import service_placements as followup_placements
from plans import service_activities as plans_activities
from plans import service_journal
from plans import service_periods as plans_periods
from plans import service_vedtak as vs
from recruitment import service as rs
from tests.factories import (
    api_headers,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_praksisplass,
    make_user,
)
from web.api.contract import RULES, RULES_BEYOND_SCHEMA
from web.input_checks import DB_INT_MAX

OTHER_OFFICE_MARKER = "Lekkasjemarkørsen"


@pytest.fixture(params=["jobbspesialist", "arbeidsgiver"])
def fuzz_world(request, db):
    """A job specialist at office A (the staff role that reaches the most handlers) or a user of an employer, and
    one row of every kind an operation names by id: a candidate with a CV line of each section, a programme, a
    consent and a place on an opening's candidate list; an employer with a contact person, a logged contact, an
    opening and a praksisplass; a follow-up record with a placement. Office B holds a candidate with a marker name.
    Returns the token's headers and the ids per path parameter."""
    office_a, office_b = make_office(db), make_office(db)
    staff = make_user(db, "jobbspesialist", office=office_a)
    specialist_b = make_user(db, "jobbspesialist", office=office_b)
    employer = make_employer(db)
    opening = make_opening(db, employer, actor=staff)
    place = make_praksisplass(db, employer, actor=staff)
    person = es.add_contact_person(db, actor=staff, employer_id=employer.id, name="Kari Kontakt")
    contact = employers_contacts.log_contact(
        db, actor=staff, employer_id=employer.id, date=today_in_oslo(), type="telefon", summary="Ringte"
    )
    candidate = make_candidate(db, office_a, actor=staff)
    entries = [
        candidates_profile.add_cv_entry(db, actor=staff, candidate_id=candidate.id, kind=kind, data=data).id
        for kind, data in (
            ("arbeid", {"title": "Lagermedarbeider"}),
            ("utdanning", {"level": "fagbrev"}),
            ("sertifikat", {"name": "Truckførerbevis"}),
            ("sprak", {"language": "Norsk"}),
        )
    ]
    candidates_profile.set_programme(db, actor=staff, candidate_id=candidate.id, kind="KVP", data={})
    consent = candidates_privacy.give_consent(
        db, actor=staff, candidate_id=candidate.id, employer_id=employer.id
    )
    entry = rs.add_candidate(db, actor=staff, opening_id=opening.id, candidate_id=candidate.id)
    record = make_followup_record(db, office_a, staff, candidate)
    placement = followup_placements.start_placement(
        db,
        actor=staff,
        record=record,
        type="ordinaer",
        start_date=record.start_date,
        percent=50,
        employer_id=employer.id,
    )
    vedtak = vs.create_draft(db, actor=staff, candidate_id=candidate.id, data={})
    journal_entry = service_journal.create_entry(
        db,
        actor=staff,
        candidate_id=candidate.id,
        data={"kind": "SAMTALEREFERAT", "service": "STAT", "title": "Samtale", "text": "Om jobbmål."},
    ).entry
    plans_periods.start_period(db, actor=staff, candidate_id=candidate.id)
    activities = [
        plans_activities.create_activity(db, actor=staff, candidate_id=candidate.id, data=data).id
        for data in (
            {
                "type": "EGEN",
                "title": "Lage CV",
                "from_date": today_in_oslo(),
                "to_date": today_in_oslo() + dt.timedelta(days=30),
                "life_area": "ARBEID",
                "provider": "NAV_STAT",
            },
            {
                "type": "MOTE",
                "title": "Oppfølgingsmøte",
                "description": "Planen",
                "from_date": today_in_oslo() + dt.timedelta(days=7),
                "kanal": "OPPMOTE",
                "klokkeslett": "10:00",
                "varighet": 30,
                "life_area": "ARBEID",
                "provider": "NAV_STAT",
            },
        )
    ]
    hidden = make_candidate(db, office_b, actor=specialist_b, last_name=OTHER_OFFICE_MARKER)
    make_followup_record(db, office_b, specialist_b, hidden)
    user = staff if request.param == "jobbspesialist" else make_user(db, "arbeidsgiver", employer=employer)
    warm_title_classifier(db)  # as the server does at start: no request waits for the fit
    db.flush()
    ids = {
        "candidate_id": [candidate.id],
        "entry_id": entries,
        "consent_id": [consent.id],
        "employer_id": [employer.id],
        "person_id": [person.id],
        "contact_id": [contact.id],
        "opening_id": [opening.id],
        "praksisplass_id": [place.id],
        "list_entry_id": [entry.id],
        "record_id": [record.id],
        "placement_id": [placement.id],
        "vedtak_id": [vedtak.id],
        "journal_entry_id": [journal_entry.id],
        "activity_id": activities,
    }
    return api_headers(db, user), ids


def positive_data_accepted(ctx, response, case):
    """schemathesis' `positive_data_acceptance`, except for a 422 in which every error names a field the operation
    declares under `x-rules-beyond-schema` *and* carries that rule's message (web.api.contract.RULES: a date
    relative to today, a code of the loaded register, one field against another, which status may follow which).
    Any other 422 for schema-valid input fails: the document must state that rule."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code != 422:
            raise
        declared: dict[str, list[str]] = {}
        for item in case.operation.definition.raw.get(RULES_BEYOND_SCHEMA, []):
            declared.setdefault(item["field"], []).extend(RULES[item["rule"]].messages)
        errors = response.json().get("detail", [])
        if not errors or not all(_by_rule(error, declared) for error in errors):
            raise
        return None


def _by_rule(error: dict, declared: dict[str, list[str]]) -> bool:
    """The error names a field with a declared rule and is one of that rule's messages."""
    field = str(error.get("field") or "").split(".")[0]
    message = str(error.get("message") or "")
    return any(re.fullmatch(pattern, message) for pattern in declared.get(field, []))


def with_known_ids(strategy, ids):
    """Cases whose ids (in the path, the query and the body's top level) are mostly those of the fixture's rows,
    so the request reaches the handler and the service's rules (a drawn id almost never exists and is answered
    404 before the body is read). Only an id that is itself schema-valid is replaced, so a negative case stays
    negative: its broken part is elsewhere."""

    def valid(value):
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DB_INT_MAX

    @st.composite
    def cases(draw):
        case = draw(strategy)
        for container in (case.path_parameters, case.query, case.body):
            if not isinstance(container, dict):
                continue
            for name, value in container.items():
                if ids.get(name) and valid(value) and draw(st.integers(0, 3)):
                    container[name] = draw(st.sampled_from(ids[name]))
        return case

    return cases()


def _last_if_final(operation):
    """Operations that delete or close the fixture's rows run after the rest (the erasure of the candidate last),
    so the others find them."""
    path = operation.path
    if operation.method.upper() == "DELETE":
        return (2, -path.count("/"), path)
    if path.endswith(
        ("/end", "/withdraw", "/merge", "/journal/{journal_entry_id}/share")
    ):  # a shared entry is final
        return (1, -path.count("/"), path)
    return (0, 0, "")


SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_api_fuzz(app, fuzz_world):
    """Every operation of the document (so a new endpoint is fuzzed without anyone adding it here) in both
    generation modes; the failures of all operations are collected and reported together."""
    fuzz_headers, ids = fuzz_world
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema.config.generation.update(codec="utf-8", allow_x00=False)
    results = list(schema.get_all_operations())
    broken = [str(result.err()) for result in results if isinstance(result, Err)]
    assert not broken, broken  # an operation the document describes wrongly fails here, by name
    operations = sorted(
        (result.ok() for result in results if not isinstance(result, Err)), key=_last_if_final
    )
    assert len(operations) > 20
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @SETTINGS
            @given(case=with_known_ids(operation.as_strategy(generation_mode=mode), ids))
            def fuzz(case):
                response = case.call(
                    headers=fuzz_headers, timeout=120
                )  # a loaded machine is no contract failure
                case.validate_response(  # all default checks
                    response,
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[positive_data_accepted],
                )
                assert OTHER_OFFICE_MARKER not in response.text, "another office's data in the response"

            try:
                fuzz()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to break in an operation without input
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(
                    f"{mode.value} {operation.method.upper()} {operation.path}: {str(exc).strip()[:1500]}"
                )
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
