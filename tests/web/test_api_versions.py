"""Every API PATCH of a record two people edit (employers, openings, praksisplasser, candidates) requires the
`version` read: without it 422 naming `version`; with an old one 409 naming the fields whose saved value differs,
and nothing is saved (issue 14, item 6)."""

from __future__ import annotations

import pytest

from tests.factories import (
    api_headers,
    make_candidate,
    make_employer,
    make_opening,
    make_praksisplass,
    make_user,
)


@pytest.fixture
def world(db):
    js = make_user(db, "jobbspesialist")
    employer = make_employer(db, actor=js)
    opening = make_opening(db, employer, actor=js)
    place = make_praksisplass(db, employer, actor=js)
    assert js.office is not None
    candidate = make_candidate(db, js.office, actor=js)
    db.flush()
    return {
        "h": api_headers(db, js),
        "records": [
            (f"/api/v1/employers/{employer.id}", "name", "Nytt navn AS", "Tredje navn AS"),
            (f"/api/v1/openings/{opening.id}", "title", "Ny tittel", "Tredje tittel"),
            (f"/api/v1/praksisplasser/{place.id}", "title", "Ny praksis", "Tredje praksis"),
            (f"/api/v1/candidates/{candidate.id}", "phone", "+47 912 34 567", "+47 913 00 000"),
        ],
    }


def test_patch_without_version_is_422_naming_version(client, world):
    for url, field, value, _ in world["records"]:
        r = client.patch(url, json={field: value}, headers=world["h"])
        assert r.status_code == 422, (url, r.status_code)
        assert [e["field"] for e in r.json()["detail"]] == ["version"], url


def test_patch_with_a_stale_version_is_409_naming_the_changed_fields(client, world):
    h = world["h"]
    for url, field, value, third in world["records"]:
        version = client.get(url, headers=h).json()["version"]
        first = client.patch(url, json={field: value, "version": version}, headers=h)  # someone else saves
        assert first.status_code == 200, (url, first.text)
        assert first.json()["version"] == version + 1
        stale = client.patch(url, json={field: third, "version": version}, headers=h)
        assert stale.status_code == 409, (url, stale.status_code)
        body = stale.json()
        assert body["field"] == "version" and body["current_version"] == version + 1
        assert body["changed"] == [{"field": field, "current": value}], url
        assert client.get(url, headers=h).json()[field] == value  # nothing overwritten
        again = client.patch(url, json={field: third, "version": version + 1}, headers=h)
        assert again.status_code == 200 and again.json()[field] == third


def test_openapi_requires_version_and_documents_409(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = {
        "/api/v1/employers/{employer_id}": "EmployerPatch",
        "/api/v1/openings/{opening_id}": "OpeningPatch",
        "/api/v1/praksisplasser/{praksisplass_id}": "PraksisplassPatch",
        "/api/v1/candidates/{candidate_id}": "CandidatePatch",
    }
    for path, schema in paths.items():
        op = doc["paths"].get(path) or doc["paths"][path.removeprefix("/api/v1")]
        assert "409" in op["patch"]["responses"], path
        assert "version" in doc["components"]["schemas"][schema]["required"], schema
