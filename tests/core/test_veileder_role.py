"""The `veileder` role and staff employment: a veileder (state or municipal) has a job specialist's rights on the
candidate record; staff carry their employment (state by default), set by the admin, the CLI and the demo data."""

from __future__ import annotations

import pytest

from candidates import access as candidates_access
from candidates import service_profile as candidates_profile
from core import accounts
from core.errors import ValidationFailed
from core.roles import FOLLOW_UP, NAV_STAFF, OFFICE_STAFF, ROLE_LABELS, Role
from tests.factories import api_headers, csrf_from, login, make_candidate, make_office, make_user


def test_veileder_joins_the_role_sets():
    assert Role.VEILEDER.value in OFFICE_STAFF and Role.VEILEDER.value in FOLLOW_UP
    assert Role.VEILEDER.value in NAV_STAFF and ROLE_LABELS["veileder"] == "Veileder"


@pytest.mark.parametrize("employment", ["STAT", "KOMMUNE"])
def test_a_veileder_has_a_job_specialists_rights_on_the_record(client, db, employment):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    veileder = make_user(db, "veileder", office=office, employment=employment)
    candidate = make_candidate(db, office, actor=js)
    assert candidates_access.may_read_restricted(veileder, candidate) is True
    assert candidates_access.may_read_restricted(js, candidate) is True
    candidates_profile.set_situation(
        db, actor=veileder, candidate_id=candidate.id, data={"innsatsgruppe": "SITUASJONSBESTEMT_INNSATS"}
    )
    db.flush()
    headers = api_headers(db, veileder)
    detail = client.get(f"/api/v1/candidates/{candidate.id}", headers=headers).json()
    assert detail["situation"] is not None
    login(client, veileder)
    assert client.get(f"/kandidater/{candidate.id}/situasjon").status_code == 200
    assert client.get("/").status_code == 200  # the veileder's own dashboard


def test_employment_defaults_to_the_state_and_is_only_for_nav_staff(db):
    assert make_user(db, "veileder").employment == "STAT"
    assert make_user(db, "admin").employment == "STAT"
    assert make_user(db, "veileder", employment="kommune").employment == "KOMMUNE"
    with pytest.raises(ValidationFailed) as refused:
        make_user(db, "veileder", employment="fylke")
    assert refused.value.field == "employment"
    with pytest.raises(ValidationFailed):
        accounts.create_user(
            db,
            email="ag@test.no",
            name="A",
            role="arbeidsgiver",
            password="korrekt-hest-batteri-stift",
            employment="STAT",
        )


def test_the_admin_sets_employment_on_the_users_page(client, db):
    admin = make_user(db, "admin")
    office = make_office(db)
    login(client, admin)
    token = csrf_from(client, "/admin/brukere")
    r = client.post(
        "/admin/brukere",
        data={
            "email": "kommunal.veileder@test.no",
            "name": "Kommunal Veileder",
            "role": "veileder",
            "office": office.number,
            "employment": "KOMMUNE",
            "password": "korrekt-hest-batteri-stift-2",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    created = accounts.get_user_by_email(db, "kommunal.veileder@test.no")
    assert created.employment == "KOMMUNE" and created.role == "veileder"
    r = client.post(
        f"/admin/brukere/{created.id}/ansettelse",
        data={"employment": "STAT", "csrf_token": csrf_from(client, "/admin/brukere")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    db.refresh(created)
    assert created.employment == "STAT"
