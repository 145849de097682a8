"""Text that is not valid Unicode (a lone surrogate such as "\\udcff", a NUL) is refused with a 422 naming the field,
wherever it comes in: any JSON body of the API, and the pages' forms. Before, it reached the database and was a 500
on SQLite and PostgreSQL. JSON nested past reason is a 422 too."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from candidates.models import Candidate
from core.cleaning import MAX_DEPTH, find_invalid_text, invalid_text, json_depth
from employers.models import Employer
from tests.factories import api_headers, csrf_from, login, make_user, valid_orgnr
from web.input_checks import json_problem

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"orgnr": "%s", "name": "Feil \\udcff AS"}', "name"),
        ('{"orgnr": "%s", "name": "Rør AS", "address": "Storgata \\u0000 1"}', "address"),
        ('{"orgnr": "%s", "name": "\\ud800"}', "name"),
        ('{"orgnr": "%s", "name": "Rør AS", "tags": [{"a": "ok"}, {"b": "\\udfff"}]}', "tags.1.b"),
    ],
)
def test_api_refuses_invalid_text_naming_the_field(client, db, body, field):
    h = {**api_headers(db, make_user(db, "markedskontakt")), **JSON}
    before = db.scalar(select(func.count()).select_from(Employer))
    r = client.post("/api/v1/employers", content=body % valid_orgnr(820001), headers=h)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["field"] == field and "ugyldig Unicode" in detail[0]["message"]
    assert db.scalar(select(func.count()).select_from(Employer)) == before


def test_a_surrogate_pair_is_valid_text_and_is_stored(client, db):
    h = {**api_headers(db, make_user(db, "markedskontakt")), **JSON}
    body = '{"orgnr": "ORGNR", "name": "Smil \\ud83d\\ude00 AS"}'.replace("ORGNR", valid_orgnr(820002))
    r = client.post("/api/v1/employers", content=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Smil \U0001f600 AS"


def test_api_refuses_deep_nesting(client, db):
    h = {**api_headers(db, make_user(db, "markedskontakt")), **JSON}
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post("/api/v1/employers", content='{"name": "X", "orgnr": ' + deep + "}", headers=h)
    assert r.status_code == 422, r.text
    assert "nestet" in r.json()["detail"][0]["message"]
    shallow = '{"orgnr": "ORGNR", "name": "Grunn AS", "x": [[[1]]]}'.replace("ORGNR", valid_orgnr(820003))
    assert client.post("/api/v1/employers", content=shallow, headers=h).status_code == 201


def test_page_forms_refuse_invalid_text_naming_the_field(client, db):
    user = make_user(db, "jobbspesialist")
    login(client, user)
    before = db.scalar(select(func.count()).select_from(Candidate))
    token = csrf_from(client, "/kandidater/ny")
    form = f"csrf_token={quote(token)}&first_name=Kari%00&last_name=Nordmann"
    r = client.post(
        "/kandidater/ny", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 422, r.text[:500]
    assert "ugyldig Unicode" in r.text and "first_name" in r.text
    # multipart, the way a file upload form posts: a NUL in a text field
    r = client.post(
        "/kandidater/ny",
        data={"csrf_token": token, "first_name": "Kari", "last_name": "Nord\x00mann"},
        files={"vedlegg": ("a.txt", b"\x00\x01", "text/plain")},
    )
    assert r.status_code == 422, r.text[:500]
    assert "last_name" in r.text  # the file's own bytes may hold anything
    assert db.scalar(select(func.count()).select_from(Candidate)) == before


def test_api_query_parameters_with_nul_are_named(client, db):
    h = api_headers(db, make_user(db, "markedskontakt"))
    for path, field in (("/api/v1/employers?q=R%00r", "q"), ("/api/v1/candidates?status=aktiv&q=%00", "q")):
        r = client.get(path, headers=h)
        assert r.status_code == 422, r.text
        assert (
            r.json()["detail"][0]["field"] == field and "ugyldig Unicode" in r.json()["detail"][0]["message"]
        )
    assert client.get("/api/v1/employers?q=R%C3%B8r", headers=h).status_code == 200


def test_the_helpers():
    assert invalid_text("\udcff") and invalid_text("a\x00b") and not invalid_text("Rør 😀")
    assert find_invalid_text({"a": [1, {"b": "ok"}, {"c": "\ud800"}]}) == "a.2.c"
    assert find_invalid_text({"a": ["ok"], "b": None}) is None
    assert json_depth(b'{"a": "[[[[[[", "b": [[1]]}') == 3  # brackets inside strings do not count
    assert json_problem(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert json_problem(b'{"a": "\\\\u0000"}') is None  # an escaped backslash, then "u0000": plain text
