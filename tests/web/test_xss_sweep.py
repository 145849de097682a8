"""Stored XSS: every free-text column of every domain table is overwritten with a script payload, then every page
each role can reach is crawled; the payload must come back escaped everywhere, never as markup."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text, cast, literal, update

import demo
from core.models import User
from tests.crawl import crawl
from tests.factories import login
from web import registry

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
RAW_MARKERS = ("<script>alert('xss')", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("
SKIP_TABLES = ("audit_log", "security_log", "alembic_version")


def free_text_columns() -> list:
    """Text columns and strings of 100 characters or more (names, titles, notes), not e-mail addresses (logins)
    and not keys; new tables are covered without anyone listing them."""
    out = []
    for table in registry.metadata().sorted_tables:
        if table.name in SKIP_TABLES or table.name.startswith("ref_"):
            continue
        for col in table.columns:
            if col.primary_key or col.foreign_keys or "email" in col.name or "password" in col.name:
                continue
            if isinstance(col.type, Text) or (isinstance(col.type, String) and (col.type.length or 0) >= 100):
                out.append(col)
    return out


def poison(db) -> int:
    columns = free_text_columns()
    for col in columns:
        table = col.table
        key = table.primary_key.columns.values()[0]
        db.execute(update(table).values({col.name: literal(PAYLOAD) + cast(key, String)}))
    db.flush()
    return len(columns)


@pytest.fixture
def poisoned_demo(db):
    demo.load(db, size="small")
    assert poison(db) > 40
    db.expire_all()
    return db


@pytest.mark.parametrize(
    "email",
    [
        "admin@arbeidsbro.no",
        "markedskontakt@arbeidsbro.no",
        "jobbspesialist@arbeidsbro.no",
        demo.EMPLOYER_USER[0],
    ],
)
def test_stored_payloads_come_back_escaped_on_every_page(client, poisoned_demo, email):
    user = poisoned_demo.query(User).filter_by(email=email).one_or_none()
    if user is None:
        pytest.skip(f"no demo user {email}")
    login(client, user, password=demo.DEMO_PASSWORD)
    pages = crawl(client, limit=250)
    assert len(pages) >= 5
    leaks = [path for path, html in pages.items() if any(m in html for m in RAW_MARKERS)]
    assert not leaks, f"unescaped payload on {leaks[:10]}"
    shown = [path for path, html in pages.items() if ESCAPED in html]
    assert shown, "the poisoned fields were shown somewhere (else the sweep proves nothing)"
