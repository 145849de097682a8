"""Schemathesis against our own OpenAPI document, in-process with a real (rolled-back) database and a valid staff
token: no 500s, every response matches its documented schema, and no response carries another office's data.

Each operation gets a bounded, derandomised set of examples so the run is repeatable and stays quick."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.factories import (
    api_headers,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)

OTHER_OFFICE_MARKER = "Lekkasjemarkørsen"


@pytest.fixture
def fuzz_headers(db):  # type: ignore[no-untyped-def]
    """A market contact at office A with some data of its own; office B holds a candidate with a marker name."""
    office_a, office_b = make_office(db), make_office(db)
    staff = make_user(db, "markedskontakt", office=office_a)
    specialist_b = make_user(db, "jobbspesialist", office=office_b)
    employer = make_employer(db)
    make_opening(db, employer, actor=staff)
    make_candidate(db, office_a, actor=staff)
    hidden = make_candidate(db, office_b, actor=specialist_b, last_name=OTHER_OFFICE_MARKER)
    make_followup_record(db, office_b, specialist_b, hidden)
    db.flush()
    return api_headers(db, staff)


SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_api_fuzz(app, fuzz_headers):  # type: ignore[no-untyped-def]
    """Every operation of the document (so a new endpoint is fuzzed without anyone adding it here); the
    failures of all operations are collected and reported together."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def fuzz(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=fuzz_headers)
            case.validate_response(response, checks=CHECKS)
            assert OTHER_OFFICE_MARKER not in response.text, "another office's data in the response"

        try:
            fuzz()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:1500]}")
    assert not failures, "\n\n".join(failures)
