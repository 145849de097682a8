"""`arbeidsbro candidates import|erase-expired` as a real process against its own database: the contract's JSON
shape, one-line errors with a non-zero exit, and nothing written for an invalid document."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, func, select, update

from candidates.models import Candidate, Education, LanguageSkill, WorkExperience
from core.audit import AuditEntry
from tests.browser_support import ScratchDatabase, cli, server_env
from tests.conftest import REFDATA

SAMPLE = REFDATA / "jsonresume" / "sample.resume.json"


@pytest.fixture(scope="module")
def env(tmp_path_factory):  # type: ignore[no-untyped-def]
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


def count(env, model, *where) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    engine.dispose()
    return n


def fails(env, *args, contains: str = ""):  # type: ignore[no-untyped-def]
    result = cli(*args, env=env, check=False)
    assert result.returncode != 0, f"{args} succeeded: {result.stdout}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"{args}: expected one line, got {result.stderr!r}"
    assert "Traceback" not in result.stderr
    assert contains in lines[0], lines[0]
    return result


def test_import_sample_then_reimport_updates(env, tmp_path):  # type: ignore[no-untyped-def]
    out = cli(
        "candidates", "import", str(SAMPLE), "--format", "jsonresume", "--office", "0502", "--json", env=env
    )
    assert json.loads(out.stdout) == {"imported": 1, "updated": 0, "errors": []}
    where = (func.lower(Candidate.email) == "richard.hendriks@mail.com",)
    assert count(env, Candidate, *where) == 1
    assert count(env, WorkExperience) == 2  # work + volunteer
    assert count(env, Education) == 1 and count(env, LanguageSkill) == 1
    again = cli(
        "candidates", "import", str(SAMPLE), "--format", "jsonresume", "--office", "0502", "--json", env=env
    )
    assert json.loads(again.stdout) == {"imported": 0, "updated": 1, "errors": []}
    assert count(env, Candidate, *where) == 1 and count(env, WorkExperience) == 2
    text = cli("candidates", "import", str(SAMPLE), "--format", "jsonresume", "--office", "0502", env=env)
    assert "oppdatert: 1" in text.stdout


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["basics"].__setitem__("email", "ikke en adresse"), "basics.email"),
        (lambda d: d.__setitem__("work", "Pied Piper"), "work"),
        (lambda d: d["education"][0].__setitem__("startDate", 2011), "education[0].startDate"),
        (lambda d: d["work"][0].__setitem__("endDate", "desember 2014"), "work[0].endDate"),
    ],
)
def test_invalid_document_is_refused_whole(env, tmp_path, change, field):  # type: ignore[no-untyped-def]
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


def test_array_imports_the_valid_and_reports_the_invalid(env, tmp_path):  # type: ignore[no-untyped-def]
    good = json.loads(SAMPLE.read_text(encoding="utf-8"))
    good["basics"].update(name="Ingrid Bakken", email="ingrid.bakken@example.no")
    bad = copy.deepcopy(good)
    bad["basics"].update(name="Ola Feil", email="ola@@example")
    path = tmp_path / "many.json"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
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
        contains="1",
    )
    out = json.loads(result.stdout)
    assert out["imported"] == 1 and [e["index"] for e in out["errors"]] == [1]
    assert out["errors"][0]["field"] == "basics.email"
    assert count(env, Candidate, Candidate.last_name == "Bakken") == 1
    assert count(env, Candidate, Candidate.last_name == "Feil") == 0


def test_bad_input_one_line(env, tmp_path):  # type: ignore[no-untyped-def]
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


def test_erase_expired_dry_run_then_for_real(env, tmp_path):  # type: ignore[no-untyped-def]
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
