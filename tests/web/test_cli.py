"""The operator CLI, run as a real process: contract output with --json, one-line errors, nothing half-written."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from sqlalchemy import create_engine, func, select, text

from core.models import Office, User
from tests.browser_support import ScratchDatabase, cli, reference_args, server_env


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    db = ScratchDatabase(tmp, "cli")
    env = server_env(db.url, tmp / "var")
    out = cli("db", "upgrade", "--json", env=env)
    assert json.loads(out.stdout)["revision"]
    yield env
    db.drop()


def count(env, model) -> int:
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return n


def fails(env, *args, stdin=None, contains=""):
    result = cli(*args, env=env, stdin=stdin, check=False)
    assert result.returncode != 0, f"{args} succeeded: {result.stdout}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"{args}: expected one line, got {result.stderr!r}"
    assert "Traceback" not in result.stderr
    assert contains in lines[0], lines[0]
    return lines[0]


def test_reference_import_json_counts(cli_env):
    out = json.loads(cli("reference", "import", *reference_args(), "--json", env=cli_env).stdout)
    # today's 357 municipalities (plus Svalbard, Jan Mayen); the 2014 and 2020 codes become aliases of them
    assert out["styrk"] > 500 and out["municipalities"] > 350 and out["postal_codes"] > 4000
    assert out["titles"] > 2000 and out["municipality_aliases"] > 400


def test_reference_import_default_and_data_folder(tmp_path):
    """No file options: the full shipped data; ARBEIDSBRO_DATA: that folder's files instead (a missing file leaves
    its part out, files may sit side by side)."""
    db = ScratchDatabase(tmp_path, "refdefault")
    env = server_env(db.url, tmp_path / "var")
    try:
        cli("db", "upgrade", env=env)
        out = json.loads(cli("reference", "import", "--if-empty", "--json", env=env).stdout)
        assert (out["styrk"], out["postal_codes"], out["titles"]) == (582, 5137, 2425)
        skipped = json.loads(cli("reference", "import", "--if-empty", "--json", env=env).stdout)
        assert skipped["skipped"] and skipped["titles"] == 0
        folder = tmp_path / "data"
        folder.mkdir()
        (folder / "postal_codes_no.tsv").write_text("2899\tTESTSTED\t3407\tGJØVIK\tG\n", encoding="utf-8")
        own = json.loads(
            cli("reference", "import", "--json", env={**env, "ARBEIDSBRO_DATA": str(folder)}).stdout
        )
        assert (own["styrk"], own["postal_codes"], own["titles"]) == (0, 1, 0)
        fails(
            {**env, "ARBEIDSBRO_DATA": str(tmp_path / "mangler")},
            "reference",
            "import",
            contains="ARBEIDSBRO_DATA",
        )
    finally:
        db.drop()


def test_reference_import_bad_input(cli_env, tmp_path):
    fails(cli_env, "reference", "import", "--styrk", str(tmp_path / "mangler.json"), contains="--styrk")
    bad = tmp_path / "bad.json"
    bad.write_text("ikke json")
    fails(cli_env, "reference", "import", "--styrk", str(bad), contains="ikke gyldig JSON")


def test_office_and_user_and_token(cli_env):
    office = json.loads(
        cli(
            "office",
            "create",
            "--number",
            "0777",
            "--name",
            "NAV Prøve",
            "--municipalities",
            "3407",
            "--json",
            env=cli_env,
        ).stdout
    )
    assert office["number"] == "0777" and office["id"]
    user = json.loads(
        cli(
            "user",
            "create",
            "--email",
            "prove@nav.no",
            "--name",
            "Prøve Person",
            "--role",
            "jobbspesialist",
            "--office",
            "0777",
            "--password-stdin",
            "--json",
            env=cli_env,
            stdin="et-langt-og-godt-passord\n",
        ).stdout
    )
    assert user["id"]
    token = json.loads(cli("user", "token", "--email", "prove@nav.no", "--json", env=cli_env).stdout)["token"]
    assert token.startswith("abt_")
    veileder = json.loads(
        cli(
            "user",
            "create",
            "--email",
            "kommunal@nav.no",
            "--name",
            "Kommunal Veileder",
            "--role",
            "veileder",
            "--office",
            "0777",
            "--employed-by",
            "kommune",
            "--password-stdin",
            "--json",
            env=cli_env,
            stdin="et-langt-og-godt-passord\n",
        ).stdout
    )
    assert veileder["id"]
    engine = create_engine(cli_env["DATABASE_URL"])
    with engine.connect() as conn:
        stored: str = conn.execute(
            text("SELECT password_hash FROM users WHERE email='prove@nav.no'")
        ).scalar_one()
        tokens: Sequence[str] = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
        employment: dict[str, str | None] = dict(
            conn.execute(text("SELECT email, employment FROM users")).all()
        )
    engine.dispose()
    assert "et-langt-og-godt-passord" not in stored and token not in tokens
    assert employment == {"prove@nav.no": "STAT", "kommunal@nav.no": "KOMMUNE"}


@pytest.mark.parametrize(
    ("args", "stdin", "contains"),
    [
        (("office", "create", "--number", "12", "--name", "X"), None, "fire sifre"),
        (("office", "create", "--name", "X"), None, "--number"),
        (
            ("user", "create", "--email", "a@nav.no", "--name", "A", "--role", "sjef", "--password-stdin"),
            "et-langt-og-godt-passord\n",
            "rolle",
        ),
        (
            ("user", "create", "--email", "a@nav.no", "--name", "A", "--role", "admin", "--password-stdin"),
            "kort\n",
            "12 tegn",
        ),
        (
            ("user", "create", "--email", "a@nav.no", "--name", "A", "--role", "admin"),
            None,
            "--password-stdin",
        ),
        (
            (
                "user",
                "create",
                "--email",
                "a@nav.no",
                "--name",
                "A",
                "--role",
                "jobbspesialist",
                "--office",
                "9999",
                "--password-stdin",
            ),
            "et-langt-og-godt-passord\n",
            "9999",
        ),
        (
            (
                "user",
                "create",
                "--email",
                "a@nav.no",
                "--name",
                "A",
                "--role",
                "arbeidsgiver",
                "--employer",
                "123456789",
                "--password-stdin",
            ),
            "et-langt-og-godt-passord\n",
            "kontrollsifferet",
        ),
        (
            (
                "user",
                "create",
                "--email",
                "a@nav.no",
                "--name",
                "A",
                "--role",
                "admin",
                "--employed-by",
                "fylket",
                "--password-stdin",
            ),
            "et-langt-og-godt-passord\n",
            "staten eller kommunen",
        ),
        (("user", "token", "--email", "ingen@nav.no"), None, "ingen@nav.no"),
        (("demo-data", "--size", "enorm"), None, "--size"),
        (("nonsense",), None, "nonsense"),
        (
            (
                "match",
                "bench",
                "--openings",
                "/ingen/fil",
                "--candidates",
                "/ingen/fil",
                "--out",
                "/tmp/x.jsonl",
            ),
            None,
            "--openings",
        ),
    ],
)
def test_bad_input_prints_one_line_and_writes_nothing(cli_env, args, stdin, contains):
    users_before, offices_before = count(cli_env, User), count(cli_env, Office)
    fails(cli_env, *args, stdin=stdin, contains=contains)
    assert count(cli_env, User) == users_before
    assert count(cli_env, Office) == offices_before


def test_duplicate_office_refused(cli_env):
    cli("office", "create", "--number", "0778", "--name", "NAV En", env=cli_env)
    fails(cli_env, "office", "create", "--number", "0778", "--name", "NAV To", contains="finnes allerede")


def test_demo_data_only_into_an_empty_database(tmp_path):
    db = ScratchDatabase(tmp_path, "demo")
    env = server_env(db.url, tmp_path / "var")
    try:
        cli("db", "upgrade", env=env)
        cli("reference", "import", env=env)
        first = json.loads(cli("demo-data", "--json", env=env).stdout)
        assert first["employers"] >= 60 and first["candidates"] >= 300
        roles = {u["role"] for u in first["users"]}
        assert roles == {"admin", "markedskontakt", "jobbspesialist", "veileder", "arbeidsgiver"}
        veiledere = [u for u in first["users"] if u["role"] == "veileder"]
        assert {u["employed_by"] for u in veiledere} == {"stat", "kommune"}
        assert all(u["password"] for u in first["users"])
        fails(env, "demo-data", contains="ikke tom")
        again = json.loads(cli("demo-data", "--if-empty", "--json", env=env).stdout)
        assert again["skipped"] and again["employers"] == first["employers"]
    finally:
        db.drop()


def test_demo_data_is_reproducible(tmp_path):
    summaries = []
    for name in ("seed_a", "seed_b"):
        db = ScratchDatabase(tmp_path, name)
        env = server_env(db.url, tmp_path / f"var_{name}")
        try:
            cli("db", "upgrade", env=env)
            cli("demo-data", "--seed", "7", env=env)
            engine = create_engine(db.url)
            with engine.connect() as conn:
                summaries.append(conn.execute(text("SELECT orgnr, name FROM employers ORDER BY id")).all())
            engine.dispose()
        finally:
            db.drop()
    assert summaries[0] == summaries[1]


def test_commands_refuse_an_unmigrated_database(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'tom.db'}", tmp_path / "var")
    fails(env, "office", "create", "--number", "1234", "--name", "X", contains="db upgrade")
