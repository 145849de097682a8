"""Schemathesis against our own OpenAPI document, in-process with a real (rolled-back) database, once with a staff
token and once with an employer's: every default check of schemathesis (no 500s, only documented status codes,
content types and headers, responses matching their schemas, schema-valid input accepted, schema-invalid input
refused, a correct `Allow` on 405 ...), for data that fits the document (positive) and data that breaks it
(negative); and no response carries another office's data.

Each operation gets a bounded, derandomised set of examples so the run is repeatable and stays quick. Strings are
generated as valid UTF-8 without NUL: the document's text is Unicode text, and the API refuses a lone surrogate or
a NUL with a 422 naming the field (web.input_checks), which JSON Schema has no keyword for."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import (
    api_headers,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)
from web.api.contract import RULES_BEYOND_SCHEMA

OTHER_OFFICE_MARKER = "Lekkasjemarkørsen"


@pytest.fixture(params=["markedskontakt", "arbeidsgiver"])
def fuzz_headers(request, db):  # type: ignore[no-untyped-def]
    """A market contact at office A (or a user of an employer) with some data of its own; office B holds a
    candidate with a marker name."""
    office_a, office_b = make_office(db), make_office(db)
    staff = make_user(db, "markedskontakt", office=office_a)
    specialist_b = make_user(db, "jobbspesialist", office=office_b)
    employer = make_employer(db)
    make_opening(db, employer, actor=staff)
    make_candidate(db, office_a, actor=staff)
    hidden = make_candidate(db, office_b, actor=specialist_b, last_name=OTHER_OFFICE_MARKER)
    make_followup_record(db, office_b, specialist_b, hidden)
    user = staff if request.param == "markedskontakt" else make_user(db, "arbeidsgiver", employer=employer)
    db.flush()
    return api_headers(db, user)


def positive_data_accepted(ctx, response, case):  # type: ignore[no-untyped-def]
    """schemathesis' `positive_data_acceptance`, except for a 422 whose every error names a field the operation
    declares under `x-rules-beyond-schema` (a checksum, an id that must exist, a date relative to today: rules
    JSON Schema cannot state). A 422 on any other field still fails: the document must state that rule."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        allowed = set(case.operation.definition.raw.get(RULES_BEYOND_SCHEMA, []))
        if response.status_code != 422 or not allowed:
            raise
        errors = response.json().get("detail", [])
        fields = {str(e.get("field") or "").split(".")[0] for e in errors}
        if not errors or not fields <= allowed:
            raise
        return None


SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_api_fuzz(app, fuzz_headers):  # type: ignore[no-untyped-def]
    """Every operation of the document (so a new endpoint is fuzzed without anyone adding it here) in both
    generation modes; the failures of all operations are collected and reported together."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema.config.generation.update(codec="utf-8", allow_x00=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def fuzz(case):  # type: ignore[no-untyped-def]
                response = case.call(headers=fuzz_headers)
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
