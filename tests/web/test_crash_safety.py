"""SIGKILL in the middle of a stream of writes: every write acknowledged before the kill survives the restart,
and the database passes its integrity check."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence

from sqlalchemy import create_engine, text

from tests.browser_support import ScratchDatabase, ServerProcess, cli, server_env

WRITERS = 4


def post(url: str, token: str, body: dict) -> int:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def test_acknowledged_writes_survive_sigkill(tmp_path):
    db = ScratchDatabase(tmp_path, "crash")
    env = server_env(db.url, tmp_path / "var")
    server = ServerProcess(env, tmp_path / "server.log")
    try:
        cli("db", "upgrade", env=env)
        cli(
            "user",
            "create",
            "--email",
            "drift@nav.no",
            "--name",
            "Drift",
            "--role",
            "admin",
            "--password-stdin",
            env=env,
            stdin="et-langt-og-godt-passord\n",
        )
        token = json.loads(cli("user", "token", "--email", "drift@nav.no", "--json", env=env).stdout)["token"]
        server.start()
        acked: list[str] = []
        lock = threading.Lock()
        killed = threading.Event()

        def writer(k: int) -> None:
            n = k
            while not killed.is_set() and n < 9000:
                number = f"{1000 + n:04d}"
                try:
                    status = post(
                        server.url + "/api/v1/offices", token, {"number": number, "name": f"NAV {number}"}
                    )
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the server is gone: this write was never acknowledged
                if status == 201:
                    with lock:
                        acked.append(number)
                n += WRITERS

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
        for t in threads:
            t.start()
        while True:
            with lock:
                if len(acked) >= 150:
                    break
            threading.Event().wait(0.01)
        server.kill()  # SIGKILL mid-stream
        killed.set()
        for t in threads:
            t.join(15)

        server.start()
        engine = create_engine(db.url)
        with engine.connect() as conn:
            stored: set[str] = set(conn.execute(text("SELECT number FROM offices")).scalars())
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            else:  # amcheck verifies every B-tree index against its table
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
                indexes: Sequence[int] = (
                    conn.execute(
                        text(
                            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
                        )
                    )
                    .scalars()
                    .all()
                )
                assert indexes
                for oid in indexes:
                    conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        engine.dispose()
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} acknowledged writes lost"
        assert len(acked) >= 150
        # the restarted server answers and keeps accepting writes
        assert post(server.url + "/api/v1/offices", token, {"number": "9999", "name": "NAV Etter"}) == 201
    finally:
        server.stop()
        db.drop()
