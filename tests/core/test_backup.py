"""Backup while the server is serving and restore into an empty database: every table compares equal."""

from __future__ import annotations

import json
import threading
import urllib.request

from sqlalchemy import create_engine, inspect, select, text

from tests.browser_support import ScratchDatabase, ServerProcess, cli, server_env


def table_contents(url: str) -> dict[str, list]:
    engine = create_engine(url)
    tables = sorted(t for t in inspect(engine).get_table_names())
    out = {}
    with engine.connect() as conn:
        for t in tables:
            cols = [c["name"] for c in inspect(engine).get_columns(t)]
            rows = conn.execute(text(f'SELECT * FROM "{t}"')).all()
            out[t] = sorted((tuple(str(v) for v in r) for r in rows), key=str)
            assert cols
    engine.dispose()
    return out


def test_backup_while_serving_and_restore_compares_every_table(tmp_path):
    source = ScratchDatabase(tmp_path, "bk_source")
    target = ScratchDatabase(tmp_path, "bk_target")
    env = server_env(source.url, tmp_path / "var")
    server = ServerProcess(env, tmp_path / "server.log")
    try:
        cli("db", "upgrade", env=env)
        cli("reference", "import", env=env)
        cli("demo-data", env=env)
        server.start()
        stop = threading.Event()

        def reader() -> None:  # the server keeps serving during the backup
            while not stop.is_set():
                with urllib.request.urlopen(server.url + "/healthz", timeout=5) as r:
                    assert r.status == 200

        t = threading.Thread(target=reader)
        t.start()
        backup_file = tmp_path / "arbeidsbro.backup"
        out = json.loads(cli("backup", str(backup_file), "--json", env=env).stdout)
        stop.set()
        t.join()
        assert out["bytes"] == backup_file.stat().st_size > 0
        # a second backup to the same file is refused, in one line
        again = cli("backup", str(backup_file), env=env, check=False)
        assert again.returncode != 0 and "finnes allerede" in again.stderr
        server.stop()

        target_env = server_env(target.url, tmp_path / "var2")
        restored = json.loads(cli("restore", str(backup_file), "--json", env=target_env).stdout)
        assert restored["bytes"] > 0
        before, after = table_contents(source.url), table_contents(target.url)
        assert set(before) == set(after)
        assert before == after
        assert len(after["candidates"]) >= 300
        # restore refuses a database that is not empty
        refused = cli("restore", str(backup_file), env=target_env, check=False)
        assert refused.returncode != 0 and "ikke tom" in refused.stderr
        engine = create_engine(target.url)
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(select(text("count(*)")).select_from(text("audit_log"))).scalar_one() >= 0
        engine.dispose()
    finally:
        server.stop()
        source.drop()
        target.drop()
