"""Consistent backups while the server is serving, and restore into an empty database.

SQLite: the online backup API (a consistent snapshot even with writers, WAL included).
PostgreSQL: pg_dump in custom format, pg_restore into an empty database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, make_url

from core.errors import ValidationFailed


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ValidationFailed("Kan ikke ta sikkerhetskopi av en database i minnet.", field="DATABASE_URL")
    return Path(database)


def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    url = make_url(engine.url.render_as_string(hide_password=False))
    args = [
        "--host",
        url.host or "127.0.0.1",
        "--port",
        str(url.port or 5432),
        "--username",
        url.username or "postgres",
        "--dbname",
        url.database or "postgres",
    ]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ValidationFailed(f"Fant ikke {name}; installer PostgreSQL-klientverktøyene.", field=name)
    return path


def backup(engine: Engine, target: Path) -> int:
    """Writes a consistent copy to `target` and returns its size in bytes."""
    target = Path(target)
    if target.exists():
        raise ValidationFailed(f"Filen {target} finnes allerede; velg et nytt filnavn.", field="FILE")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine), timeout=30)
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest, pages=256)
        finally:
            dest.close()
            source.close()
    elif engine.dialect.name == "postgresql":
        args, env = _pg_args(engine)
        result = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        )
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise ValidationFailed(f"pg_dump feilet: {result.stderr.strip().splitlines()[-1:]}", field="FILE")
    else:
        raise ValidationFailed(
            f"Sikkerhetskopi støttes ikke for {engine.dialect.name}.", field="DATABASE_URL"
        )
    return target.stat().st_size


def restore(engine: Engine, source: Path) -> int:
    """Restores into an EMPTY database only: never mixes a backup with live data."""
    source = Path(source)
    if not source.is_file():
        raise ValidationFailed(f"Fant ikke filen {source}.", field="FILE")
    existing = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if existing:
        raise ValidationFailed(
            "Databasen er ikke tom: gjenoppretting skjer bare til en tom database.", field="DATABASE_URL"
        )
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ValidationFailed(f"{source} er skadet (integrity_check).", field="FILE")
        engine.dispose()
        src = sqlite3.connect(source)
        dest = sqlite3.connect(_sqlite_path(engine), timeout=30)
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
    elif engine.dialect.name == "postgresql":
        args, env = _pg_args(engine)
        result = subprocess.run(
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", *args, str(source)],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        )
        if result.returncode != 0:
            raise ValidationFailed(
                f"pg_restore feilet: {result.stderr.strip().splitlines()[-1:]}", field="FILE"
            )
    else:
        raise ValidationFailed(
            f"Gjenoppretting støttes ikke for {engine.dialect.name}.", field="DATABASE_URL"
        )
    return source.stat().st_size
