"""Municipality codes entered anywhere (an office's area, a candidate, a jobbprofil, an employer, an opening) are
stored as today's code, so an older code (0502 Gjøvik before 2020, 3024 Bærum in 2020–2023) finds the same
place in lists, filters and matching; an unknown code is refused naming the field."""

from __future__ import annotations

import pytest

from candidates import service_profile
from core.errors import ValidationFailed
from tests.factories import (
    load_builtin_reference,
    make_candidate,
    make_employer,
    make_office,
    make_opening,
    make_user,
)


def test_older_codes_are_stored_as_todays(db):
    load_builtin_reference(db)
    office = make_office(db, municipalities=("0502", "3407", "0219"))
    assert office.municipalities == ["3407", "3201"]
    user = make_user(db, office=office)
    person = make_candidate(db, office, actor=user, municipality_code="0502")
    assert person.municipality_code == "3407"
    profile = service_profile.set_job_profile(
        db, actor=user, candidate_id=person.id, data={"municipalities": ["3024", "3201", "0502"]}
    )
    assert profile.municipalities == ["3201", "3407"]
    employer = make_employer(db, municipality_code="3024")
    assert employer.municipality_code == "3201"
    opening = make_opening(db, employer, municipality_code="0502")
    assert opening.municipality_code == "3407"


def test_unknown_codes_are_refused_naming_the_field(db):
    load_builtin_reference(db)
    with pytest.raises(ValidationFailed) as exc:
        make_office(db, municipalities=("9998",))
    assert exc.value.field == "municipalities"
    office = make_office(db)
    user = make_user(db, office=office)
    person = make_candidate(db, office, actor=user)
    with pytest.raises(ValidationFailed) as exc:
        service_profile.set_job_profile(
            db, actor=user, candidate_id=person.id, data={"municipalities": ["9998"]}
        )
    assert exc.value.field == "municipalities"
    with pytest.raises(ValidationFailed) as exc:
        make_candidate(db, office, actor=user, municipality_code="9998")
    assert exc.value.field == "municipality_code"
    with pytest.raises(ValidationFailed) as exc:
        make_employer(db, municipality_code="9998")
    assert {e["field"] for e in exc.value.errors} == {"municipality_code"}
    assert "Ukjent kommunenummer 9998" in exc.value.errors[0]["message"]
