"""Load run on loopback: 50 concurrent users for a bounded time against a real server, on SQLite with one
server process and on PostgreSQL with two. Prints requests/s and p50/p95/p99 and writes them to a JSON file.
The timed run starts after a warm-up (`warm_up`), so a model fitted or loaded on the first ranking page does not
count. Needs locust: pip install -e '.[bench]'.

    python benchmarks/load.py [--duration 120] [--users 50] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
INSTALL = "pip install -e '.[bench]'"
WARM_USER = "jobbspesialist@arbeidsbro.no"  # one of the locustfile's STAFF (the demo data's users)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict, *args: str, stdin: str | None = None) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        check=False,
    )
    if r.returncode != 0:
        raise SystemExit(f"arbeidsbro {' '.join(args)}: {r.stderr}")
    return r.stdout


def pg_available() -> bool:
    return (
        shutil.which("pg_isready") is not None
        and subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0
    )


def pg_admin(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def warm_up(base: str, rounds: int) -> None:
    """Makes the server ready before the timed run: a staff user opens a candidate and an opening with their
    ranking pages, so the title classifier is fitted or loaded (var/models) and the ranking indexes are built —
    in every worker, as far as the rounds (each request on a new connection) reach them all."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(path: str) -> str:
        with opener.open(base + path, timeout=600) as r:
            return r.read().decode()

    token = re.search(r'name="csrf_token" value="([^"]+)"', get("/login"))
    if token is None:
        raise SystemExit("warm-up: the login page has no CSRF token")
    password = os.environ.get("LOAD_PASSWORD", "Demo-Arbeidsbro-2026")
    form = {"email": WARM_USER, "password": password, "csrf_token": token.group(1), "next": "/"}
    opener.open(base + "/login", urllib.parse.urlencode(form).encode(), timeout=60).close()
    candidate = re.search(r'href="(/kandidater/\d+)"', get("/kandidater"))
    opening = re.search(r'href="(/stillinger/\d+)"', get("/stillinger"))
    if candidate is None or opening is None:
        raise SystemExit(f"warm-up: {WARM_USER} sees no candidate or opening (login refused? no demo data?)")
    for _ in range(rounds):
        for path in (candidate.group(1), f"{candidate.group(1)}/jobbforslag", opening.group(1)):
            get(path)
        get(f"{opening.group(1)}/kandidater")


def run_locust(env: dict, base: str, users: int, duration: int, prefix: Path) -> None:
    """The timed run; a locust that is missing or fails says so, with its own words."""
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{duration}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    if not Path(f"{prefix}_stats.csv").exists():
        tail = "\n".join(r.stderr.strip().splitlines()[-20:])
        raise SystemExit(
            f"locust failed (exit {r.returncode}) and wrote no statistics; its stderr ends:\n{tail}\n"
            f"(is it installed? {INSTALL})"
        )


def run_one(kind: str, workers: int, users: int, duration: int, tmp: Path) -> dict:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'load.db'}"
    else:
        pg_admin("DROP DATABASE IF EXISTS arbeidsbro_load WITH (FORCE)")
        pg_admin("CREATE DATABASE arbeidsbro_load")
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/arbeidsbro_load"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBEIDSBRO_")}
    env.update(
        {
            "DATABASE_URL": url,
            "ARBEIDSBRO_VAR_DIR": str(tmp / f"var-{kind}"),
            "ARBEIDSBRO_SECRET_KEY": "load-test",
        }
    )
    cli(env, "db", "upgrade")
    cli(env, "reference", "import")
    cli(env, "demo-data")
    # The title classifier is fitted once and kept in var/models (a restart loads it): fit it now, as a first start
    # would, so the timed run measures serving, not a minute of fitting in the background.
    warm = "from core.db import session_scope\nfrom employers import service_suggest\nwith session_scope() as s:\n    service_suggest.warm_title_classifier(s)\n"
    subprocess.run([sys.executable, "-c", warm], cwd=ROOT, env=env, check=True)
    token = json.loads(cli(env, "user", "token", "--email", "jobbspesialist@arbeidsbro.no", "--json"))[
        "token"
    ]
    port = free_port()
    log = (tmp / f"server-{kind}.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "web.cli",
            "serve",
            "--port",
            str(port),
            "--no-scheduler",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"the server did not start; its log is var/load-server-{kind}.log")
        warm_up(base, rounds=2 * workers)
        prefix = tmp / f"locust-{kind}"
        run_locust({**env, "LOAD_API_TOKEN": token}, base, users, duration, prefix)
        if Path(f"{prefix}_failures.csv").exists():
            shutil.copy(f"{prefix}_failures.csv", ROOT / "var" / f"load-failures-{kind}.csv")
        with open(f"{prefix}_stats.csv", newline="") as f:
            rows = {r["Name"]: r for r in csv.DictReader(f)}
    finally:
        server.terminate()
        server.wait(20)
        shutil.copy(tmp / f"server-{kind}.log", ROOT / "var" / f"load-server-{kind}.log")
        if kind == "postgres":
            pg_admin("DROP DATABASE IF EXISTS arbeidsbro_load WITH (FORCE)")
    total = rows["Aggregated"]

    def figures(r: dict) -> dict:
        return {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "rps": round(float(r["Requests/s"]), 1),
            "p50_ms": float(r["50%"]),
            "p95_ms": float(r["95%"]),
            "p99_ms": float(r["99%"]),
        }

    return {
        "database": kind,
        "server_processes": workers,
        "users": users,
        "seconds": duration,
        "total": figures(total),
        "pages": {name: figures(r) for name, r in rows.items() if name != "Aggregated"},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--out", default=str(ROOT / "var" / "load-results.json"))
    args = parser.parse_args()
    if importlib.util.find_spec("locust") is None:
        raise SystemExit(f"locust is not installed in this Python ({sys.executable}): {INSTALL}")
    runs = []
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if args.only in (None, "sqlite"):
            runs.append(run_one("sqlite", 1, args.users, args.duration, tmp))
        if args.only in (None, "postgres"):
            if pg_available():
                runs.append(run_one("postgres", 2, args.users, args.duration, tmp))
            else:
                print("PostgreSQL does not answer on 127.0.0.1:5432: the PostgreSQL run is skipped")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(runs, indent=2, ensure_ascii=False))
    print(
        f"{'database':<10} {'proc':>4} {'users':>5} {'req':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    for r in runs:
        t = r["total"]
        print(
            f"{r['database']:<10} {r['server_processes']:>4} {r['users']:>5} {t['requests']:>7} {t['failures']:>5} "
            f"{t['rps']:>7} {t['p50_ms']:>6.0f} {t['p95_ms']:>6.0f} {t['p99_ms']:>6.0f}"
        )
        for name, f in sorted(r["pages"].items()):
            print(
                f"    {name:<28} req/s {f['rps']:>6}  p50 {f['p50_ms']:>5.0f}  p99 {f['p99_ms']:>5.0f}  fail {f['failures']}"
            )


if __name__ == "__main__":
    main()
