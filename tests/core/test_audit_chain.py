"""The audit chain against its real adversary, the database's owner: rows rewritten with the triggers dropped and
every later MAC recomputed without the key, rows deleted, and concurrent writers on PostgreSQL. Each test has a
database of its own (rows are committed: the chain is sealed at commit)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from core import audit, migrate
from core.db import make_engine
from core.models import User
from tests.browser_support import ScratchDatabase, cli, server_env

KEY = b"the-real-key-kept-outside-the-database"


@pytest.fixture
def chain_engine(tmp_path) -> Iterator[Engine]:
    scratch = ScratchDatabase(tmp_path, "chain")
    engine = make_engine(scratch.url)
    migrate.upgrade(engine)
    before = audit._key
    audit.configure_key(KEY)
    try:
        yield engine
    finally:
        audit._key = before
        engine.dispose()
        scratch.drop()


def _user(factory: sessionmaker[Session], email: str = "revisor@nav.no") -> int:
    with factory() as session:
        user = User(email=email, name="Revisor", role="jobbspesialist", password_hash="x")
        session.add(user)
        session.commit()
        return user.id


def _write(engine: Engine, transactions: int = 4) -> int:
    """Reads, a list read and changes in several transactions, plus security events: the rows written."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    user_id = _user(factory)
    rows = 0
    for n in range(transactions):
        with factory() as session:
            user = session.get(User, user_id)
            audit.record(
                session, actor=user, action="read", subject_type="candidate", subject_id=n, purpose="p"
            )
            audit.record(session, actor=user, action="update", subject_type="employer", subject_id=n)
            rows += 2 + audit.record_many(
                session,
                actor=user,
                subject_type="candidate",
                subject_ids=range(100 + 10 * n, 105 + 10 * n),
                purpose="kandidatliste",
            )
            audit.security_event(session, event_name="login_failed", email="x@y.no", ip="10.0.0.1")
            rows += 1
            session.commit()
    return rows


def _verify(engine: Engine, key: bytes = KEY) -> dict:
    with engine.connect() as conn:
        return audit.verify(conn, key)


def _drop_guards(conn) -> None:
    """What the owner of the database can do: remove the append-only triggers."""
    for table in ("audit_log", "audit_chain", "security_log"):
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}"))
        else:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))


def _rechain(conn, log: str, mac: Callable[[str, int, str, list], str]) -> None:
    """Recomputes every MAC of a log's chain with the attacker's own function, as if the rows were untouched."""
    model, fields = audit.LOGS[log]
    prev = audit.GENESIS
    rows = conn.execute(
        select(audit.AuditChain.seq, *[getattr(model, f) for f in fields])
        .join(model, model.id == audit.AuditChain.row_id)
        .where(audit.AuditChain.log == log)
        .order_by(audit.AuditChain.seq)
    ).all()
    for seq, *values in rows:
        prev = mac(log, seq, prev, values)
        conn.execute(
            text("UPDATE audit_chain SET mac = :m WHERE log = :l AND seq = :s"),
            {"m": prev, "l": log, "s": seq},
        )


def _body(log: str, seq: int, prev: str, values: list) -> bytes:
    """The attacker knows the exact form the MAC covers (the code is no secret); only the key is missing."""
    return audit.canonical_body(log, seq, prev, values)


ATTACKERS = {
    "empty key": lambda *a: hmac.new(b"", _body(*a), hashlib.sha256).hexdigest(),
    "guessed key": lambda *a: hmac.new(b"arbeidsbro", _body(*a), hashlib.sha256).hexdigest(),
    "plain hash": lambda *a: hashlib.sha256(_body(*a)).hexdigest(),
}


def test_a_fresh_log_verifies(chain_engine):
    written = _write(chain_engine)
    result = _verify(chain_engine)
    assert result["ok"] is True, result
    assert result["rows"] == written
    assert result["logs"]["security"]["rows"] == 4
    assert result["logs"]["audit"]["head_mac"]


def test_the_wrong_key_does_not_verify(chain_engine):
    _write(chain_engine, 1)
    assert _verify(chain_engine, b"another key")["ok"] is False


@pytest.mark.parametrize("attacker", list(ATTACKERS))
def test_an_altered_row_with_every_later_mac_recomputed_without_the_key_fails(chain_engine, attacker):
    _write(chain_engine)
    with chain_engine.begin() as conn:
        _drop_guards(conn)
        target = conn.scalar(text("SELECT row_id FROM audit_chain WHERE log = 'audit' AND seq = 5"))
        conn.execute(text("UPDATE audit_log SET purpose = 'ingenting å se her' WHERE id = :i"), {"i": target})
        _rechain(conn, "audit", ATTACKERS[attacker])
    result = _verify(chain_engine)
    assert result["ok"] is False
    # The attacker's MACs are wrong from the first row on (no key); the chain names the first one.
    assert result["broken"]["log"] == "audit" and result["broken"]["seq"] == 1


def test_an_altered_row_alone_is_found_where_it_is(chain_engine):
    _write(chain_engine)
    with chain_engine.begin() as conn:
        _drop_guards(conn)
        target = conn.scalar(text("SELECT row_id FROM audit_chain WHERE log = 'audit' AND seq = 5"))
        conn.execute(text("UPDATE audit_log SET actor_email = 'noen@annen.no' WHERE id = :i"), {"i": target})
    broken = _verify(chain_engine)["broken"]
    assert (broken["log"], broken["seq"], broken["row_id"]) == ("audit", 5, target)


def test_a_deleted_row_fails(chain_engine):
    _write(chain_engine)
    with chain_engine.begin() as conn:
        _drop_guards(conn)
        target = conn.scalar(text("SELECT row_id FROM audit_chain WHERE log = 'audit' AND seq = 3"))
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": target})
    broken = _verify(chain_engine)["broken"]
    assert (broken["seq"], broken["row_id"], broken["reason"]) == (3, target, "raden er slettet")


def test_a_deleted_row_and_its_chain_entry_fail(chain_engine):
    _write(chain_engine)
    with chain_engine.begin() as conn:
        _drop_guards(conn)
        target = conn.scalar(text("SELECT row_id FROM audit_chain WHERE log = 'audit' AND seq = 3"))
        conn.execute(text("DELETE FROM audit_chain WHERE log = 'audit' AND seq = 3"))
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": target})
        # ... and the later entries renumbered, so no gap shows: their MACs still name the old positions.
        conn.execute(text("UPDATE audit_chain SET seq = seq - 1 WHERE log = 'audit' AND seq > 3"))
    assert _verify(chain_engine)["broken"]["seq"] == 3


def test_a_row_slipped_in_without_the_chain_fails(chain_engine):
    _write(chain_engine, 1)
    with chain_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, action, subject_type, subject_id, purpose, outcome) "
                "VALUES (CURRENT_TIMESTAMP, 'read', 'candidate', '1', 'x', 'ok')"
            )
        )
    assert _verify(chain_engine)["broken"]["reason"] == "raden står utenfor kjeden"


def test_the_security_log_is_chained_too(chain_engine):
    _write(chain_engine)
    with chain_engine.begin() as conn:
        _drop_guards(conn)
        conn.execute(text("UPDATE security_log SET ip = '127.0.0.1'"))
    assert _verify(chain_engine)["broken"]["log"] == "security"


def test_the_security_log_refuses_changes(chain_engine):
    _write(chain_engine, 1)
    for sql in ("UPDATE security_log SET ip = 'x'", "DELETE FROM security_log", "DELETE FROM audit_chain"):
        with pytest.raises(Exception, match="append-only"), chain_engine.begin() as conn:
            conn.execute(text(sql))


def test_a_rolled_back_transaction_leaves_the_chain_whole(chain_engine):
    factory = sessionmaker(bind=chain_engine, expire_on_commit=False)
    user_id = _user(factory)
    with factory() as session:
        user = session.get(User, user_id)
        audit.record(session, actor=user, action="read", subject_type="candidate", subject_id=1)
        session.flush()
        session.rollback()
        audit.record(
            session, actor=user, action="read", subject_type="candidate", subject_id=2, outcome="nektet"
        )
        nested = session.begin_nested()
        audit.record(session, actor=user, action="update", subject_type="candidate", subject_id=3)
        session.flush()
        nested.rollback()
        session.commit()
    result = _verify(chain_engine)
    assert result["ok"] is True and result["rows"] == 1


def test_the_migration_chains_rows_written_before_it(tmp_path):
    scratch = ScratchDatabase(tmp_path, "premigration")
    engine = make_engine(scratch.url)
    before = audit._key
    audit.configure_key(KEY)
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as conn:
            for n in range(3):
                conn.execute(
                    text(
                        "INSERT INTO audit_log (at, action, subject_type, subject_id, purpose, outcome) "
                        "VALUES (CURRENT_TIMESTAMP, 'read', 'candidate', :n, 'før kjeden', 'ok')"
                    ),
                    {"n": str(n)},
                )
            conn.execute(
                text("INSERT INTO security_log (at, event) VALUES (CURRENT_TIMESTAMP, 'login_failed')")
            )
        migrate.upgrade(engine)
        _write(engine, 1)
        result = _verify(engine)
        assert result["ok"] is True and result["logs"]["audit"]["rows"] == 3 + 7
        assert result["logs"]["security"]["rows"] == 2
    finally:
        audit._key = before
        engine.dispose()
        scratch.drop()


def test_cli_audit_verify(tmp_path):
    scratch = ScratchDatabase(tmp_path, "verifycli")
    env = {**server_env(scratch.url, tmp_path / "var"), "ARBEIDSBRO_AUDIT_KEY": KEY.decode()}
    try:
        cli("db", "upgrade", env=env)
        engine = make_engine(scratch.url)
        before = audit._key
        audit.configure_key(KEY)
        try:
            written = _write(engine, 2)
        finally:
            audit._key = before
        ok = cli("audit", "verify", "--json", env=env)
        assert json.loads(ok.stdout)["rows"] == written and json.loads(ok.stdout)["ok"] is True
        with engine.begin() as conn:
            _drop_guards(conn)
            conn.execute(
                text("UPDATE audit_log SET purpose = 'x' WHERE id = (SELECT MIN(id) FROM audit_log)")
            )
        engine.dispose()
        bad = cli("audit", "verify", "--json", env=env, check=False)
        assert bad.returncode == 1
        out = json.loads(bad.stdout)
        assert out["ok"] is False and out["broken"]["log"] == "audit" and out["broken"]["seq"] == 1
        assert len(bad.stderr.strip().splitlines()) == 1 and "brutt" in bad.stderr
        wrong_key = cli("audit", "verify", env={**env, "ARBEIDSBRO_AUDIT_KEY": "feil"}, check=False)
        assert wrong_key.returncode == 1
    finally:
        scratch.drop()


@pytest.mark.postgres
def test_concurrent_writers_on_postgres_keep_one_valid_chain(chain_engine):
    """Threads with sessions of their own append at once; the advisory lock makes them take turns at commit."""
    factory = sessionmaker(bind=chain_engine, expire_on_commit=False)
    user_ids = [_user(factory, f"skriver{n}@nav.no") for n in range(6)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(user_ids))

    def writer(user_id: int) -> None:
        try:
            start.wait()
            for n in range(15):
                with factory() as session:
                    user = session.get(User, user_id)
                    audit.record(session, actor=user, action="update", subject_type="candidate", subject_id=n)
                    audit.record_many(
                        session, actor=user, subject_type="candidate", subject_ids=range(3), purpose="liste"
                    )
                    if n % 5 == 0:
                        audit.security_event(session, event_name="login_failed", actor=user)
                    session.commit()
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = _verify(chain_engine)
    assert result["ok"] is True, result
    assert result["logs"]["audit"]["rows"] == 6 * 15 * 4
    assert result["logs"]["security"]["rows"] == 6 * 3
