"""Typeahead over HTTP: the JSON shapes under /api/v1 (CONTRACT.md "Suggestions"), access (another office's
candidate is never suggested, an employer's token is refused, a suggested name is audit-logged), and the pages:
a jobbprofil and a CV entry filled with names, never codes, with the search step when what was typed is not yet
a choice (no JavaScript needed)."""

from __future__ import annotations

import re

from sqlalchemy import select

from candidates import service_profile as candidates_profile
from candidates.models import JobProfile, WorkExperience
from core.audit import AuditEntry
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from employers.models import PraksisplassOccupant
from tests.factories import (
    api_headers,
    csrf_from,
    load_builtin_reference,
    login,
    make_candidate,
    make_employer,
    make_office,
    make_user,
)


def test_styrk_suggest_shape_and_order(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    r = client.get(
        "/api/v1/styrk/suggest", params={"q": "renhold", "limit": 5}, headers=api_headers(db, user)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body[0] == {
        "code": "9112",
        "name": "Renholdere i virksomheter",
        "title": "Renholder",
        "confidence": 1.0,
    }
    assert len(body) <= 5 and all(set(s) == {"code", "name", "title", "confidence"} for s in body)
    assert [s["confidence"] for s in body] == sorted((s["confidence"] for s in body), reverse=True)
    assert (
        client.get("/api/v1/styrk/suggest", params={"q": ""}, headers=api_headers(db, user)).status_code
        == 422
    )


def test_places_suggest_gjovik_and_postal_code(client, db):
    load_builtin_reference(db)
    headers = api_headers(db, make_user(db))
    best = client.get("/api/v1/places/suggest", params={"q": "gjovik"}, headers=headers).json()[0]
    assert best == {
        "kind": "kommune",
        "code": "3407",
        "name": "Gjøvik",
        "municipality_code": "3407",
        "municipality_name": "Gjøvik",
        "confidence": 1.0,
    }
    post = client.get("/api/v1/places/suggest", params={"q": "2815"}, headers=headers).json()[0]
    assert (post["kind"], post["name"], post["municipality_code"]) == ("postnummer", "Gjøvik", "3407")


def test_candidate_suggest_stays_in_the_office_and_is_audited(client, db):
    office_a, office_b = make_office(db), make_office(db)
    user = make_user(db, office=office_a)
    mine = make_candidate(db, office_a, first_name="Bjørn", last_name="Solberg")
    theirs = make_candidate(db, office_b, first_name="Bjørn", last_name="Solbakken")
    headers = api_headers(db, user)
    body = client.get("/api/v1/candidates/suggest", params={"q": "bjorn sol"}, headers=headers).json()
    assert [s["id"] for s in body] == [mine.id]
    assert body[0] == {"id": mine.id, "name": "Bjørn Solberg", "confidence": body[0]["confidence"]}
    by_number = client.get("/api/v1/candidates/suggest", params={"q": str(theirs.id)}, headers=headers).json()
    assert by_number == []
    reads = db.scalars(
        select(AuditEntry).where(AuditEntry.purpose == "kandidatsøk", AuditEntry.actor_id == user.id)
    ).all()
    assert {e.subject_id for e in reads} == {str(mine.id)}


def test_employer_suggest_by_name_with_o_for_oe_and_by_orgnr(client, db):
    employer = make_employer(db, name="Bjørnstad Bygg AS")
    make_employer(db, name="Kiwi Gjøvik")
    headers = api_headers(db, make_user(db, role="markedskontakt"))
    body = client.get("/api/v1/employers/suggest", params={"q": "bjornstad"}, headers=headers).json()
    assert body[0]["id"] == employer.id and body[0]["orgnr"] == employer.orgnr
    by_orgnr = client.get(
        "/api/v1/employers/suggest", params={"q": employer.orgnr[:6]}, headers=headers
    ).json()
    assert employer.id in [s["id"] for s in by_orgnr]


def test_an_employer_token_is_refused(client, db):
    load_builtin_reference(db)
    employer = make_employer(db)
    make_candidate(db, make_office(db), first_name="Kari")
    headers = api_headers(db, make_user(db, role="arbeidsgiver", employer=employer))
    for path in ("styrk", "places", "candidates", "employers"):
        r = client.get(f"/api/v1/{path}/suggest", params={"q": "kari"}, headers=headers)
        assert r.status_code == 403, (path, r.status_code)
    assert client.get("/api/v1/styrk/suggest", params={"q": "kokk"}).status_code == 401


def test_openapi_documents_the_suggestion_models(client):
    spec = (
        client.get("/api/v1/openapi.json").json()
        if client.get("/api/v1/openapi.json").status_code == 200
        else None
    )
    spec = spec or client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/styrk/suggest"]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["items"]["$ref"].endswith("OccupationSuggestionOut")
    for name in (
        "OccupationSuggestionOut",
        "PlaceSuggestionOut",
        "CandidateSuggestionOut",
        "EmployerSuggestionOut",
    ):
        assert name in spec["components"]["schemas"]


def _post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, path)})


def test_jobbprofil_by_names_with_a_search_step_when_unsure(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    login(client, user)
    path = f"/kandidater/{candidate.id}/jobbprofil"
    # "lager" only resembles titles: the form comes back with suggestions filled in, nothing saved
    r = _post(
        client, path, {"wanted_styrk": ["lager", ""], "municipalities": ["gjovik", ""], "postal_code": ""}
    )
    assert r.status_code == 422
    datalist = re.search(r'<datalist id="l-wanted_styrk-0">(.*?)</datalist>', r.text, re.S)
    assert datalist and "(4321)" in datalist.group(1), datalist
    assert 'data-suggest="yrke"' in r.text and "Fant ikke yrket «lager»" in r.text
    assert db.scalar(select(JobProfile).where(JobProfile.candidate_id == candidate.id)) is None
    r = _post(
        client,
        path,
        {
            "wanted_styrk": ["Lagermedarbeider (4321)", "renhold"],
            "municipalities": ["gjovik"],
            "postal_code": "2815",
        },
    )
    assert r.status_code == 303, r.text[:2000]
    profile = db.scalar(select(JobProfile).where(JobProfile.candidate_id == candidate.id))
    assert profile.wanted_styrk == ["4321", "9112"] and profile.municipalities == ["3407"]
    assert profile.wanted_styrk_sources["9112"] == {"source": "person", "confidence": None}
    page = client.get(path).text
    assert "Renholdere i virksomheter (9112)" in page and "Gjøvik (3407)" in page


def test_cv_entry_occupation_by_name_records_a_persons_choice(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    entry = candidates_profile.add_cv_entry(
        db, actor=user, candidate_id=candidate.id, kind="arbeid", data={"title": "Vaskehjelp på hotell"}
    )
    assert entry.styrk_source == "tittel" and entry.styrk_confidence is not None
    entry = candidates_profile.add_cv_entry(
        db,
        actor=user,
        candidate_id=candidate.id,
        kind="arbeid",
        data={"title": "Vask", "styrk_code": "Renholder (9112)"},
    )
    assert (entry.styrk_code, entry.styrk_source, entry.styrk_confidence) == ("9112", "person", None)
    stored = db.get(WorkExperience, entry.id)
    assert stored.styrk_code == "9112"


def test_suggestion_json_for_pages_needs_a_staff_session(client, db):
    load_builtin_reference(db)
    assert client.get("/forslag/yrke", params={"q": "renhold"}, follow_redirects=False).status_code in (
        302,
        303,
        401,
    )
    login(client, make_user(db))
    r = client.get("/forslag/yrke", params={"q": "renhold"})
    assert r.json()[0] == {"value": "Renholder (9112)", "label": "Renholdere i virksomheter"}
    assert client.get("/forslag/kommune", params={"q": "gjovik"}).json()[0]["value"] == "Gjøvik (3407)"


def _upload(client, path, lines):
    text = "\n".join(lines).encode("utf-8")
    return client.post(
        path, data={"csrf_token": csrf_from(client, path)}, files={"file": ("cv.txt", text, "text/plain")}
    )


def test_cv_import_pre_ticks_only_confident_occupations_and_stores_where_they_came_from(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    login(client, user)
    up = f"/kandidater/{candidate.id}/cv/last-opp"
    weak_title = "Nattevakt sykehjem"  # no title the classifier knows exactly: a weak guess at best
    r = _upload(
        client,
        up,
        ["Arbeidserfaring", "2019 – 2021: Syerske, Stoff & Stil", f"2021 – nå: {weak_title}, Gjøvik kommune"],
    )
    assert r.status_code == 200, r.text[:500]
    strong = re.search(r'<input type="checkbox" id="f-w-0-styrk_take"[^>]*>', r.text)
    assert strong and "checked" in strong.group(0)
    assert "(8153)" in r.text and "(2223)" not in r.text.split("w-0-styrk_take")[1].split("w-1-")[0]
    weak = re.search(r'<input type="checkbox" id="f-w-1-styrk_take"[^>]*>', r.text)
    weak_conf = candidates_profile.suggest_for_import(db, weak_title)
    if weak_conf is not None and weak_conf.confidence < candidates_profile.PRETICK_CONFIDENCE:
        assert weak and "checked" not in weak.group(0)
    # save as ticked: the first row's code is the import's, with its confidence
    hidden = dict(re.findall(r'name="(w-0-[a-z_]+)" value="([^"]*)"', r.text))
    form = {
        "w_count": "1",
        "w-0-take": "1",
        "w-0-title": "Syerske",
        "w-0-styrk_take": "1",
        "w-0-styrk_code": "",
        **{k: v for k, v in hidden.items() if k.startswith("w-0-styrk_") and k != "w-0-styrk_code"},
    }
    r = client.post(f"{up}/lagre", data={**form, "csrf_token": csrf_from(client, up)})
    assert r.status_code == 303, r.text[:1000]
    entry = db.scalar(select(WorkExperience).where(WorkExperience.candidate_id == candidate.id))
    assert (entry.styrk_code, entry.styrk_source) == ("8153", "import") and entry.styrk_confidence >= 0.9


def test_an_unticked_weak_suggestion_is_not_stored_nor_guessed_again(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    login(client, user)
    up = f"/kandidater/{candidate.id}/cv/last-opp"
    form = {
        "w_count": "1",
        "w-0-take": "1",
        "w-0-title": "Syerske",
        "w-0-styrk_suggested": "2223",
        "w-0-styrk_confidence": "0.4",
        "w-0-styrk_code": "",
    }
    r = client.post(f"{up}/lagre", data={**form, "csrf_token": csrf_from(client, up)})
    assert r.status_code == 303, r.text[:1000]
    entry = db.scalar(select(WorkExperience).where(WorkExperience.candidate_id == candidate.id))
    assert entry.styrk_code is None


def test_opening_by_occupation_name_and_its_provenance_kept_on_an_unchanged_save(db):

    load_builtin_reference(db)
    user = make_user(db, role="markedskontakt")
    employer = make_employer(db)
    opening = employers_openings.create_opening(
        db, actor=user, employer_id=employer.id, title="Renhold", styrk_code="renholder"
    )
    assert (opening.styrk_code, opening.styrk_source) == ("9112", "person")
    opening.styrk_source, opening.styrk_confidence = "import", 0.7  # as an import would have left it
    db.flush()
    employers_openings.update_opening(
        db, actor=user, opening_id=opening.id, styrk_code="Renholdere i virksomheter (9112)"
    )
    assert (opening.styrk_source, opening.styrk_confidence) == ("import", 0.7)
    employers_openings.update_opening(db, actor=user, opening_id=opening.id, styrk_code="Kokk (5120)")
    # (read into a declared tuple: mypy would keep the attributes narrowed by the assignment above)
    provenance: tuple[str | None, str | None, float | None] = (
        opening.styrk_code,
        opening.styrk_source,
        opening.styrk_confidence,
    )
    assert provenance == ("5120", "person", None)


def test_candidate_list_and_praksisplass_take_a_name_within_the_office(client, db):
    from recruitment import service as rs

    load_builtin_reference(db)
    office_a, office_b = make_office(db), make_office(db)
    user = make_user(db, role="markedskontakt", office=office_a)
    mine = make_candidate(db, office_a, first_name="Solveig", last_name="Østby")
    make_candidate(db, office_b, first_name="Sigrid", last_name="Ødegård")
    employer = make_employer(db)
    opening = employers_openings.create_opening(
        db, actor=user, employer_id=employer.id, title="Kokk", styrk_code="5120"
    )
    login(client, user)
    path = f"/stillinger/{opening.id}/kandidater"
    r = _post(client, path, {"candidate_id": "Sigrid Ødegård"})  # another office's: never found
    assert r.status_code == 422 and "Fant ingen entydig kandidat" in r.text
    r = _post(client, path, {"candidate_id": "solveig ostby"})
    assert r.status_code == 303, r.text[:1000]
    assert mine.id in [e.candidate_id for e in rs.entries(db, actor=user, opening_id=opening.id)]
    place = employers_praksis.create_praksisplass(
        db, actor=user, employer_id=employer.id, title="Kjøkken", styrk_code="kokk"
    )
    assert (place.styrk_code, place.styrk_source) == ("5120", "person")
    r = client.post(
        f"/praksisplasser/{place.id}/deltakere",
        data={
            "candidate_ref": f"Solveig Østby ({mine.id})",
            "start_date": "2026-01-05",
            "csrf_token": csrf_from(client, f"/arbeidsgivere/{employer.id}"),
        },
    )
    assert r.status_code == 303, r.text[:1000]
    occupants = db.scalars(
        select(PraksisplassOccupant).where(PraksisplassOccupant.praksisplass_id == place.id)
    ).all()
    assert [o.candidate_ref for o in occupants] == [mine.id]


def test_list_filters_take_a_municipality_name(client, db):
    load_builtin_reference(db)
    user = make_user(db, role="markedskontakt")
    here = make_employer(db, name="Gjøvik Renhold AS", municipality_code="3407")
    make_employer(db, name="Oslo Renhold AS", municipality_code="0301")
    login(client, user)
    page = client.get("/arbeidsgivere", params={"kommune": "gjovik", "q": "Renhold"}).text
    assert here.name in page and "Oslo Renhold AS" not in page


def test_api_jobbprofil_takes_names_too(client, db):
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    headers = api_headers(db, user)
    path = f"/api/v1/candidates/{candidate.id}/jobbprofil"
    r = client.put(
        path, json={"wanted_styrk": ["renholder", "5120"], "municipalities": ["gjovik"]}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["wanted_styrk"] == ["9112", "5120"] and r.json()["municipalities"] == ["3407"]
    bad = client.patch(path, json={"wanted_styrk": ["lager"]}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "wanted_styrk"


def test_syerske_never_proposes_nor_pre_ticks_a_health_profession(client, db):
    """Issue 18: the old fuzzy suggester proposed Sykepleiere (2223) for "Syerske". Every product path that reads
    a title to a code — CV upload, a CV line saved without a code, the suggestion list — goes through the title
    classifier and never lands on a regulated health profession the title does not name."""
    from matching.titles import regulated_professions

    health = {c for c in regulated_professions() if c[:2] in ("22", "32") or c[:3] == "532" or c == "2634"}
    load_builtin_reference(db)
    user = make_user(db)
    candidate = make_candidate(db, user.office, actor=user)
    login(client, user)
    titles = ("Syerske", "syersker", "Sydame", "Syerske (sykehus)")
    r = _upload(
        client,
        f"/kandidater/{candidate.id}/cv/last-opp",
        ["Arbeidserfaring", *(f"20{10 + i} – 20{11 + i}: {t}, Stoff & Stil" for i, t in enumerate(titles))],
    )
    assert r.status_code == 200, r.text[:500]
    rows = r.text.split('id="f-w-')
    for i in range(len(titles)):
        row = "".join(x for x in rows if x.startswith(f"{i}-"))  # the i-th experience's fields
        assert f'value="{titles[i]}"' in row, row
        assert not any(f"({code})" in row or f'value="{code}"' in row for code in health), (titles[i], row)
    for title in titles:
        assert all(s.code not in health for s in employers_openings.suggest_styrk(db, title, limit=10)), title
        guess = candidates_profile.suggest_for_import(db, title)
        assert guess is None or guess.code not in health, (title, guess)
        entry = candidates_profile.add_cv_entry(
            db, actor=user, candidate_id=candidate.id, kind="arbeid", data={"title": title}
        )
        assert entry.styrk_code not in health, (title, entry.styrk_code)
    assert (
        candidates_profile.suggest_for_import(db, "Sykepleier").code == "2223"
    )  # named: the profession is proposed
