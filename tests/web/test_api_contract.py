"""The error contract the OpenAPI document states (web.api.contract), checked against real answers: the fuzz test
(test_api_fuzz.py) finds departures at random; these pin the global behaviours it relies on."""

from __future__ import annotations

from tests.factories import api_headers, make_employer, make_office, make_user

JSON = {"Content-Type": "application/json"}


def _staff(db):
    return api_headers(db, make_user(db, "markedskontakt", office=make_office(db)))


def test_every_operation_declares_its_error_codes_without_catch_alls(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert not codes & {"default", "4XX", "5XX"}, (method, path)
            assert {"401", "403", "422"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in codes, (method, path)
            for code in codes - {"200", "201", "204"}:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                expected: tuple[str, ...] = ("HTTPValidationError",) if code == "422" else ("/Error",)
                if code == "409" and method == "patch":  # a stale version: the Error shape plus what changed
                    expected = ("/Error", "/StaleOut")
                assert schema.endswith(expected), (method, path)


def test_a_body_that_is_not_utf8_is_a_named_422(client, db):
    r = client.post("/api/v1/employers", content=b"\xff\xfe{", headers={**_staff(db), **JSON})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"field": "body", "message": "Innholdet er ikke gyldig JSON i UTF-8."}]}


def test_405_names_every_method_of_the_path(client, db):
    employer = make_employer(db)
    r = client.put(f"/api/v1/employers/{employer.id}", json={}, headers=_staff(db))
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, PATCH"


def test_an_integer_beyond_the_documented_bound_is_refused_naming_the_field(client, db):
    staff = make_user(db, "markedskontakt", office=make_office(db))
    employer = make_employer(db, actor=staff)  # the staff member's office owns it: a merge is theirs to ask
    headers = api_headers(db, staff)
    body = f'{{"merge_id": {2**31}}}'
    r = client.post(f"/api/v1/employers/{employer.id}/merge", content=body, headers={**headers, **JSON})
    assert r.status_code == 422
    assert r.json()["detail"] == [{"field": "merge_id", "message": "Tallet er for stort."}]
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["schemas"]["MergeIn"]["properties"]["merge_id"]["maximum"] == 2**31 - 1
    # a property the operation does not declare is ignored, as the server ignores it
    r = client.post(
        f"/api/v1/employers/{employer.id}/merge",
        content=f'{{"merge_id": {employer.id}, "annet": {2**40}}}',
        headers={**headers, **JSON},
    )
    assert r.json()["detail"][0]["field"] == "merge_id"  # the service's own rule, not the bound
