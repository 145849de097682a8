"""`arbeidsbro candidates import|erase-expired` as a real process against its own database: the contract's JSON
shape, one-line errors with a non-zero exit, and nothing written for an invalid document."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, update

from candidates.models import Candidate, Education, LanguageSkill, WorkExperience
from core.audit import AuditEntry
from core.reference import BUILTIN_DIR
from tests.browser_support import ScratchDatabase, cli, server_env

IMPORT = ("candidates", "import")
OPTS = ("--format", "jsonresume", "--office", "0502", "--json")
SAMPLE = BUILTIN_DIR / "jsonresume" / "sample.resume.json"  # the sample the product ships
VARIANTS = Path(__file__).parents[1] / "candidates" / "data"  # the sample with links written without a scheme


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("candcli")
    db = ScratchDatabase(tmp, "candcli")
    environment = server_env(db.url, tmp / "var")
    cli("db", "upgrade", env=environment)
    cli(
        "office",
        "create",
        "--number",
        "0502",
        "--name",
        "NAV Gjøvik",
        "--municipalities",
        "3407",
        env=environment,
    )
    yield environment
    db.drop()


def count(env, model, *where) -> int:
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    engine.dispose()
    return n


def fails(env, *args, contains: str = ""):
    result = cli(*args, env=env, check=False)
    assert result.returncode != 0, f"{args} succeeded: {result.stdout}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"{args}: expected one line, got {result.stderr!r}"
    assert "Traceback" not in result.stderr
    assert contains in lines[0], lines[0]
    return result


def test_import_sample_then_reimport_updates(env, tmp_path):
    # the shipped sample under an address of its own: other tests of this module import the sample (or its
    # variants) into the same database, in whatever order they run
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["basics"]["email"] = "gjenimport@example.no"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = cli(*IMPORT, str(path), *OPTS, env=env)
    assert json.loads(out.stdout) == {"imported": 1, "updated": 0, "errors": [], "warnings": []}
    where = (func.lower(Candidate.email) == "gjenimport@example.no",)
    assert count(env, Candidate, *where) == 1
    person = select(Candidate.id).where(*where).scalar_subquery()
    assert count(env, WorkExperience, WorkExperience.candidate_id == person) == 2  # work + volunteer
    assert count(env, Education, Education.candidate_id == person) == 1
    assert count(env, LanguageSkill, LanguageSkill.candidate_id == person) == 1
    again = cli(*IMPORT, str(path), *OPTS, env=env)
    assert json.loads(again.stdout) == {"imported": 0, "updated": 1, "errors": [], "warnings": []}
    assert count(env, Candidate, *where) == 1
    assert count(env, WorkExperience, WorkExperience.candidate_id == person) == 2
    text = cli(*IMPORT, str(path), "--format", "jsonresume", "--office", "0502", env=env)
    assert "oppdatert: 1" in text.stdout


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["basics"].__setitem__("email", "ikke en adresse"), "basics.email"),
        (lambda d: d.__setitem__("work", "Pied Piper"), "work"),
        (lambda d: d["education"][0].__setitem__("startDate", 2011), "education[0].startDate"),
        (lambda d: d["work"][0].__setitem__("endDate", "desember 2014"), "work[0].endDate"),
        (lambda d: d["projects"][0].__setitem__("url", ["example.com"]), "projects[0].url"),
    ],
)
def test_invalid_document_is_refused_whole(env, tmp_path, change, field):
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["basics"]["email"] = "ny.person@example.no"
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = [count(env, m) for m in (Candidate, WorkExperience, Education, AuditEntry)]
    result = fails(
        env,
        "candidates",
        "import",
        str(path),
        "--format",
        "jsonresume",
        "--office",
        "0502",
        "--json",
        contains=field,
    )
    out = json.loads(result.stdout)
    assert out["imported"] == 0 and out["updated"] == 0
    assert out["errors"] and all(e["index"] == 0 for e in out["errors"])
    assert field in {e["field"] for e in out["errors"]}
    assert [count(env, m) for m in (Candidate, WorkExperience, Education, AuditEntry)] == before


def test_official_samples_with_links_without_a_scheme_import_with_warnings(env):
    variant = VARIANTS / "sample_project_url_without_scheme.resume.json"
    out = json.loads(cli(*IMPORT, str(variant), *OPTS, env=env).stdout)
    assert out["errors"] == [] and out["imported"] + out["updated"] == 1
    assert [(w["index"], w["field"]) for w in out["warnings"]] == [(0, "projects[0].url")]
    every = VARIANTS / "sample_urls_without_scheme.resume.json"
    text = cli(*IMPORT, str(every), "--format", "jsonresume", "--office", "0502", env=env).stdout
    assert "Importert: 1" in text
    assert "Advarsel, dokument 0: basics.url er ikke en gyldig URL" in text
    assert "projects[0].startDate" in text
    assert count(env, Candidate, func.lower(Candidate.email) == "monica.hall@mail.com") == 1


def _good_and_bad(tmp_path):
    good = json.loads(SAMPLE.read_text(encoding="utf-8"))
    good["basics"].update(name="Ingrid Bakken", email="ingrid.bakken@example.no")
    bad = copy.deepcopy(good)
    bad["basics"].update(name="Ola Feil", email="ola@@example")
    path = tmp_path / "many.json"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
    return path


def test_an_array_is_all_or_nothing(env, tmp_path):
    path = _good_and_bad(tmp_path)
    before = [count(env, m) for m in (Candidate, WorkExperience, AuditEntry)]
    result = fails(env, *IMPORT, str(path), *OPTS, contains="ingenting er lagret")
    out = json.loads(result.stdout)
    assert out["imported"] == 0 and out["updated"] == 0
    assert [(e["index"], e["field"]) for e in out["errors"]] == [(1, "basics.email")]
    assert set(out["errors"][0]) == {"index", "field", "message"}
    assert [count(env, m) for m in (Candidate, WorkExperience, AuditEntry)] == before


def test_partial_imports_the_valid_and_exits_1(env, tmp_path):
    path = _good_and_bad(tmp_path)
    result = cli(*IMPORT, str(path), *OPTS, "--partial", env=env, check=False)
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["imported"] == 1 and [e["index"] for e in out["errors"]] == [1]
    assert out["errors"][0]["field"] == "basics.email"
    assert count(env, Candidate, Candidate.last_name == "Bakken") == 1
    assert count(env, Candidate, Candidate.last_name == "Feil") == 0


def test_too_long_text_is_refused_not_cut(env, tmp_path):
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["basics"].update(email="lang.tekst@example.no", summary="Ord " * 500_000)  # 2 MB
    document["work"][0]["position"] = "x" * 201
    path = tmp_path / "long.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = fails(env, *IMPORT, str(path), *OPTS, contains="basics.summary")
    out = json.loads(result.stdout)
    fields = {e["field"]: e["message"] for e in out["errors"]}
    assert "høyst 5000 tegn" in fields["basics.summary"] and "work[0].position" in fields
    assert count(env, Candidate, func.lower(Candidate.email) == "lang.tekst@example.no") == 0


def test_deep_nesting_and_invalid_text_are_validation_messages(env, tmp_path):
    very_deep = tmp_path / "deep.json"
    very_deep.write_text('{"basics": {"name": "A"}, "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    result = fails(env, *IMPORT, str(very_deep), *OPTS, contains="nestet")
    assert "Uventet" not in result.stderr
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["basics"]["email"] = "dyp@example.no"
    nested: object = "bunn"
    for _ in range(40):
        nested = [nested]
    document["work"][0]["highlights"] = nested
    surrogate = copy.deepcopy(document)
    surrogate["work"][0]["highlights"] = ["ok"]
    surrogate["basics"]["email"] = "surrogat@example.no"
    path = tmp_path / "two.json"
    path.write_text(
        json.dumps([document]).removesuffix("]")
        + ", "
        + json.dumps(surrogate).replace("ok", "o\\udcffk")
        + "]"
    )
    out = json.loads(fails(env, *IMPORT, str(path), *OPTS).stdout)
    errors = {e["index"]: e for e in out["errors"]}
    assert errors[0]["field"].startswith("work[0].highlights") and "nestet" in errors[0]["message"]
    assert errors[1]["field"] == "work[0].highlights[0]" and "ugyldig Unicode" in errors[1]["message"]
    assert out["imported"] == 0


def test_bad_input_one_line(env, tmp_path):
    args = ("candidates", "import", str(SAMPLE))
    fails(env, *args, "--format", "xml", "--office", "0502", contains="--format")
    fails(env, *args, "--format", "jsonresume", "--office", "12", contains="--office")
    fails(env, *args, "--format", "jsonresume", "--office", "9999", contains="9999")
    fails(
        env,
        "candidates",
        "import",
        str(tmp_path / "mangler.json"),
        "--format",
        "jsonresume",
        "--office",
        "0502",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{ikke json", encoding="utf-8")
    fails(
        env,
        "candidates",
        "import",
        str(broken),
        "--format",
        "jsonresume",
        "--office",
        "0502",
        contains="JSON",
    )
    fails(env, "candidates", "import", str(SAMPLE), "--office", "0502", contains="--format")


def test_erase_expired_dry_run_then_for_real(env, tmp_path):
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["basics"].update(name="Utløpt Person", email="utlopt@example.no")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    cli("candidates", "import", str(path), "--format", "jsonresume", "--office", "0502", env=env)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            update(Candidate)
            .where(Candidate.last_name == "Person")
            .values(retention_date=dt.date(2026, 1, 1))
        )
        expired_id = conn.execute(select(Candidate.id).where(Candidate.last_name == "Person")).scalar_one()
    engine.dispose()
    total = count(env, Candidate)

    dry = json.loads(
        cli("candidates", "erase-expired", "--dry-run", "--today", "2026-06-01", "--json", env=env).stdout
    )
    assert dry == {"dry_run": True, "count": 1, "candidate_ids": [expired_id]}
    assert count(env, Candidate) == total
    none_yet = json.loads(
        cli("candidates", "erase-expired", "--today", "2025-12-31", "--json", env=env).stdout
    )
    assert none_yet["count"] == 0 and count(env, Candidate) == total

    done = json.loads(cli("candidates", "erase-expired", "--today", "2026-06-01", "--json", env=env).stdout)
    assert done == {"dry_run": False, "count": 1, "candidate_ids": [expired_id]}
    assert count(env, Candidate) == total - 1
    assert count(env, WorkExperience, WorkExperience.candidate_id == expired_id) == 0
    assert (
        count(
            env,
            AuditEntry,
            AuditEntry.subject_type == "candidate",
            AuditEntry.subject_id == str(expired_id),
            AuditEntry.action == "delete",
        )
        == 1
    )
    fails(env, "candidates", "erase-expired", "--today", "i går", contains="--today")
