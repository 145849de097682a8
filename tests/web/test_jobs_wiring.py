"""The scheduled jobs as operators and users meet them: `jobs list`/`jobs run` and `serve`/`scheduler` as real
processes, the admin page with "Kjør nå", and the notification inbox with the unread count in the header."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from core import notifications
from core.notifications import Notification
from employers.models import Opening
from jobs.definitions import JOBS
from jobs.models import JobRun, SchedulerLease
from tests.browser_support import ROOT, ScratchDatabase, ServerProcess, cli, server_env
from tests.factories import login, make_employer, make_office, make_opening, make_user, post_form

JOB_NAMES = {spec.name for spec in JOBS}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jobscli")
    db = ScratchDatabase(tmp, "jobscli")
    environment = server_env(db.url, tmp / "var")
    cli("db", "upgrade", env=environment)
    yield environment
    db.drop()


@pytest.fixture
def fresh_env(tmp_path_factory):
    """A database of its own, where no job has run yet (the module's `env` is shared, and its other tests run jobs
    in any order)."""
    tmp = tmp_path_factory.mktemp("jobscli-fresh")
    db = ScratchDatabase(tmp, "jobsfresh")
    environment = server_env(db.url, tmp / "var")
    cli("db", "upgrade", env=environment)
    yield environment
    db.drop()


def _wait(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_jobs_list_and_run_follow_the_contract(fresh_env):
    env = fresh_env
    listed = json.loads(cli("jobs", "list", "--json", env=env).stdout)
    assert {j["name"] for j in listed} == JOB_NAMES
    for job in listed:
        assert {"name", "next_run", "last_run", "last_status"} <= job.keys()
        assert job["next_run"] is not None and job["last_status"] is None

    # a published opening whose deadline has passed is expired by `jobs run opening-expiry`
    engine = create_engine(env["DATABASE_URL"])
    with Session(engine) as session, session.begin():
        office = make_office(session)
        mk = make_user(session, "markedskontakt", office=office)
        employer = make_employer(session, actor=mk)
        employer.responsible_user_id = mk.id
        opening = make_opening(session, employer, actor=mk, application_deadline=dt.date(2026, 1, 5))
        session.execute(text("UPDATE openings SET status = 'publisert' WHERE id = :id"), {"id": opening.id})
        opening_id, mk_id = opening.id, mk.id

    run = json.loads(cli("jobs", "run", "opening-expiry", "--json", env=env).stdout)
    assert run["status"] == "ok" and run["counts"]["expired"] == 1, run
    with Session(engine) as session:
        assert session.get_one(Opening, opening_id).status == "utløpt"
        titles = session.scalars(select(Notification.title).where(Notification.user_id == mk_id)).all()
        assert any("er utløpt" in t for t in titles), titles
    # idempotent: a second run expires nothing and notifies nobody again
    again = json.loads(cli("jobs", "run", "opening-expiry", "--json", env=env).stdout)
    assert again["counts"]["expired"] == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == len(titles)
    engine.dispose()

    listed = {j["name"]: j for j in json.loads(cli("jobs", "list", "--json", env=env).stdout)}
    assert listed["opening-expiry"]["last_status"] == "ok"
    assert listed["opening-expiry"]["last_run"] is not None


def test_jobs_run_refuses_bad_input_with_one_line(env):
    for args, expected in (
        (("jobs", "run", "finnes-ikke"), "Ukjent jobb"),
        (("jobs", "run", "followup-reminders", "--dry-run"), "prøvekjøring"),
    ):
        result = cli(*args, env=env, check=False)
        assert result.returncode != 0
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], result.stderr
    dry = json.loads(cli("jobs", "run", "retention", "--dry-run", "--json", env=env).stdout)
    assert dry["status"] == "ok" and dry["counts"]["dry_run"] is True


def _lease(url: str) -> tuple[str | None, dt.datetime] | None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            row = session.get(SchedulerLease, "scheduler")
            return (row.holder, row.expires_at) if row else None
    finally:
        engine.dispose()


def _stored_jobs(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT id FROM apscheduler_jobs"))}
    except Exception:
        return set()
    finally:
        engine.dispose()


def _held(url: str) -> bool:
    lease = _lease(url)
    return lease is not None and lease[0] is not None and lease[1] > dt.datetime.now(dt.UTC)


def test_serve_starts_the_scheduler_and_releases_it_on_shutdown(env, tmp_path):
    server = ServerProcess(env, tmp_path / "serve.log", scheduler=True)
    server.start()
    try:
        _wait(lambda: _held(env["DATABASE_URL"]), what="the server to take the scheduler lease")
        _wait(lambda: _stored_jobs(env["DATABASE_URL"]) >= JOB_NAMES, what="jobs in the job store")
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode is not None
    assert not _held(env["DATABASE_URL"]), "a clean shutdown frees the lease for another process"

    # --no-scheduler: the server runs, and nobody takes the lease
    quiet = ServerProcess(env, tmp_path / "quiet.log")
    quiet.start()
    try:
        time.sleep(1.0)
        assert not _held(env["DATABASE_URL"])
    finally:
        quiet.stop()


def test_scheduler_command_runs_alone_until_terminated(env, tmp_path):
    log = (tmp_path / "scheduler.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(lambda: _held(env["DATABASE_URL"]), what="`arbeidsbro scheduler` to take the lease")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert proc.returncode == 0, (tmp_path / "scheduler.log").read_text()
    assert not _held(env["DATABASE_URL"])


# --- pages ----------------------------------------------------------------------------------------------


def test_inbox_header_count_and_mark_read(client, db):
    office = make_office(db)
    user = make_user(db, "jobbspesialist", office=office)
    other = make_user(db, "jobbspesialist", office=office)
    first = notifications.notify(
        db,
        user_id=user.id,
        kind="oppfolging",
        title="Oppfølging: 2 forfalt",
        body="Forfalt: samtale",
        link="/oppfolging",
        dedupe_key="k1",
    )
    notifications.notify(db, user_id=user.id, kind="system", title="Andre varsel")
    foreign = notifications.notify(db, user_id=other.id, kind="system", title="Ikke ditt")
    assert notifications.notify(db, user_id=user.id, kind="oppfolging", title="x", dedupe_key="k1") is None
    assert first is not None and foreign is not None  # new, not deduplicated
    db.flush()
    login(client, user)

    home = client.get("/").text
    assert 'href="/varsler"' in home and ">2<" in home.replace(" ", "")
    inbox = client.get("/varsler").text
    assert "Oppfølging: 2 forfalt" in inbox and "Andre varsel" in inbox and "Ikke ditt" not in inbox

    r = post_form(client, f"/varsler/{first.id}/lest", {}, page="/varsler")
    assert r.status_code == 303 and r.headers["location"] == "/oppfolging"
    assert notifications.unread_count(db, user.id) == 1
    assert post_form(client, f"/varsler/{foreign.id}/lest", {}, page="/varsler").status_code == 404
    post_form(client, "/varsler/lest", {}, page="/varsler")
    assert notifications.unread_count(db, user.id) == 0
    assert notifications.unread_count(db, other.id) == 1
    assert "Ingen uleste varsler" in client.get("/varsler?uleste=true").text


def test_admin_jobs_page_runs_a_job_and_shows_the_result(client, db):
    admin = make_user(db, "admin")
    db.flush()
    login(client, admin)
    page = client.get("/admin/jobber").text
    for spec in JOBS:
        assert spec.label in page
    # the next run is shown in Oslo time, the clock of "hver dag kl. 06.30" beside it (it was 05:30 UTC)
    row = page.split("Påminnelser om oppfølging", 1)[1].split("</tr>", 1)[0]
    assert "hver dag kl. 06.30" in row and "kl. 06:30" in row, row
    r = post_form(client, "/admin/jobber/retention/kjor", {"dry_run": "true"}, page="/admin/jobber")
    assert r.status_code == 303

    def finished() -> JobRun | None:
        db.expire_all()
        run = db.scalar(select(JobRun).where(JobRun.name == "retention").order_by(JobRun.id.desc()))
        return run if run is not None and run.status != "running" else None

    run = _wait(finished, what="the manual run to finish")
    assert run.status == "ok" and run.trigger == "manual" and run.started_by_id == admin.id
    assert run.counts["dry_run"] is True
    page = client.get("/admin/jobber?jobb=retention").text
    assert "manuelt" in page and "would_erase" in page

    bad = post_form(client, "/admin/jobber/finnes-ikke/kjor", {}, page="/admin/jobber")
    assert bad.status_code == 303
    assert "Ukjent jobb" in client.get("/admin/jobber").text
