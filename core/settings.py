"""Settings read from the environment (names as in the operator contract)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


SQLITE_ACTIVE = 2  # one writer at a time, and one thread of Python at a time
OTHER_ACTIVE = 6  # PostgreSQL: enough to overlap the database's round trips (docs/BENCHMARKS.md, load)


class Settings(BaseSettings):
    """All configuration in one place, so tests can build an app with their own values."""

    model_config = SettingsConfigDict(env_prefix="ARBEIDSBRO_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/arbeidsbro.db",
        validation_alias=AliasChoices("DATABASE_URL", "ARBEIDSBRO_DATABASE_URL"),
    )
    secret_key: str | None = None
    # Keys the audit and security logs' HMAC chain (core.audit); kept outside the database on purpose.
    audit_key: str | None = None
    data: Path | None = None
    var_dir: Path = PROJECT_ROOT / "var"
    smtp_url: str | None = None
    # `serve` starts the scheduler in each server process (one of them holds the lease); --no-scheduler sets 0.
    scheduler: bool = True
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # Login throttling: a progressive delay, never a lock (core.accounts.throttle_delay). Per account (also the
    # second factor): the first `login_free_failures` cost nothing, then 1, 2, 4 … s up to the cap, so the owner
    # waits at most the cap. Per IP the same with more free failures (a whole office may share one address).
    login_free_failures: int = 3
    login_delay_cap_seconds: int = 30
    login_ip_free_failures: int = 20
    login_ip_delay_cap_seconds: int = 60
    # Failures older than this are forgotten (the count starts again).
    login_failure_window_minutes: int = 60
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated in the environment:
    # ARBEIDSBRO_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/16); default none: the peer address is the client, whatever
    # the header says.
    trusted_proxies: Annotated[list[str], NoDecode] = []

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    environment: str = "production"
    require_admin_mfa: bool = True
    # Worker threads for sync routes; must exceed max_requests_in_flight (see web.app.lifespan).
    threadpool_size: int = 100
    max_requests_in_flight: int = 80
    # Requests running at once in one server process (the rest wait their turn in the event loop;
    # web.app.ActiveRequestLimit): None is the database's default (SQLITE_ACTIVE / OTHER_ACTIVE above); 0: no cap.
    active_requests: int | None = Field(default=None, ge=0)
    # Uføretrygd: grunnbeløp and income limit are figures that change yearly — settings, not code.
    # Matching: a travel time in minutes becomes a straight-line distance at this speed (roads wind, ~1.3×).
    commute_kmh: float = Field(default=45.0, gt=0, le=200)
    grunnbelop: int = 130160
    inntektsgrense_ufore: int = 52080

    def resolved_database_url(self) -> str:
        """Relative SQLite paths are taken from the project root, so the CLI works from any folder."""
        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////") and ":memory:" not in url:
            rel = url[len(prefix) :]
            path = (PROJECT_ROOT / rel).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
        return url

    def resolved_secret_key(self) -> str:
        """Generated once into var/secret_key, so restarts keep sessions and CSRF tokens valid."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key

    def resolved_audit_key(self) -> str:
        """The audit chain's HMAC key: ARBEIDSBRO_AUDIT_KEY, else generated once into var/audit_key beside the
        secret key. Outside the database, so its owner cannot recompute the chain after rewriting a row."""
        if self.audit_key:
            return self.audit_key
        path = self.var_dir / "audit_key"
        if not path.exists():
            # Written aside and linked into place: two processes starting at once still end with one key.
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".audit_key.{os.getpid()}.{secrets.token_hex(4)}")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
