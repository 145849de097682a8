"""E-mail copies of notifications through a local SMTP server the test starts (aiosmtpd), only when
settings.smtp_url is set: each notification mailed once, refused recipients recorded, no database transaction
held while the mail server talks, and two deliveries at once never mail one notification twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import notifications
from core.models import User, utcnow
from core.notifications import Notification
from jobs.definitions import BY_NAME
from jobs.models import JobRun
from jobs.runner import run_job
from tests.browser_support import free_port
from tests.factories import make_user
from tests.jobs import data
from tests.jobs.conftest import wait_for

SENDER = "varsler@arbeidsbro.test"
TODAY = dt.date(2026, 3, 11)


class Inbox:
    """An aiosmtpd handler keeping what it receives; it can refuse addresses and hold a message back."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.release = threading.Event()
        self.release.set()
        self.receiving = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.receiving.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        msg = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return sorted(to for tos, _ in self.messages for to in tos)


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}?from={SENDER}"
    inbox.release.set()
    controller.stop()


def test_notifications_made_by_a_job_are_mailed_once_when_smtp_is_set(db, session_factory, settings, smtp):
    inbox, url = smtp
    t = data.team(db, employer_users=2)
    data.published_opening(
        db, t, deadline=TODAY - dt.timedelta(days=1), published_on=TODAY - dt.timedelta(days=9), title="Kokk"
    )
    now = dt.datetime(2026, 3, 11, 8, tzinfo=dt.UTC)

    def run(job: str, smtp_url: str | None) -> dict[str, Any]:
        outcome = run_job(
            job,
            BY_NAME[job].func,
            factory=session_factory,
            settings=settings.model_copy(update={"smtp_url": smtp_url}),
            now=now,
        )
        assert outcome.status == "ok", outcome.error
        return outcome.counts

    # without an SMTP URL nothing is sent and nothing is marked
    assert run("opening-expiry", None)["emails"] == 0
    rows = list(db.scalars(select(Notification)))
    assert len(rows) == 3 and all(r.emailed_at is None for r in rows)

    # the next job run with SMTP set mails the three (its own run made none)
    assert run("opening-expiry", url)["emails"] == 3
    people = [t.market_contact, *t.employer_users]
    assert inbox.recipients == sorted(u.email for u in people)
    _, msg = inbox.messages[0]
    assert msg["From"] == SENDER and msg["Subject"] == "Arbeidsbro: Stillingen «Kokk» er utløpt"
    assert "er satt til utløpt" in msg.get_content() and "Logg inn i Arbeidsbro" in msg.get_content()
    db.expire_all()
    assert all(r.emailed_at is not None and r.email_error is None for r in db.scalars(select(Notification)))

    assert run("opening-expiry", url)["emails"] == 0  # nothing mailed twice
    assert len(inbox.messages) == 3


def test_refused_inactive_and_old_are_not_mailed(db, session_factory, smtp):
    inbox, url = smtp
    ok, refused, inactive, old = (make_user(db, "jobbspesialist") for _ in range(4))
    inactive.is_active = False
    inbox.refuse.add(refused.email)
    for user in (ok, refused, inactive, old):
        notifications.notify(db, user_id=user.id, kind="system", title=f"Til {user.name}")
    notifications.notify(db, user_id=ok.id, kind="system", title="Bare i innboksen", send_email=False)
    db.execute(
        update(Notification)
        .where(Notification.user_id == old.id)
        .values(created_at=utcnow() - dt.timedelta(days=2))
    )
    db.commit()

    assert notifications.deliver_email(session_factory, smtp_url=url) == 1
    assert inbox.recipients == [ok.email]
    db.expire_all()
    by_user = {
        n.user_id: n for n in db.scalars(select(Notification).where(Notification.send_email.is_(True)))
    }
    assert by_user[ok.id].emailed_at is not None
    assert by_user[refused.id].emailed_at is None and "mottaker avvist" in by_user[refused.id].email_error
    assert by_user[inactive.id].emailed_at is None and by_user[old.id].emailed_at is None
    assert notifications.deliver_email(session_factory, smtp_url=url) == 0  # the refused one is not retried
    assert len(inbox.messages) == 1


def test_an_unreachable_mail_server_leaves_the_notifications_for_later(db, session_factory):
    user = make_user(db, "jobbspesialist")
    notifications.notify(db, user_id=user.id, kind="system", title="Senere")
    db.commit()
    assert notifications.deliver_email(session_factory, smtp_url=f"smtp://127.0.0.1:{free_port()}") == 0
    assert db.scalar(select(Notification.emailed_at).where(Notification.user_id == user.id)) is None


def _users_with_notifications(sched, n: int) -> list[int]:
    with Session(sched.engine, expire_on_commit=False) as session, session.begin():
        users = [make_user(session, "jobbspesialist") for _ in range(n)]
        for user in users:
            notifications.notify(session, user_id=user.id, kind="system", title="Hei")
    return [u.id for u in users]


def test_no_database_transaction_is_held_while_the_mail_server_talks(sched, smtp):
    inbox, url = smtp
    _users_with_notifications(sched, 1)
    inbox.release.clear()  # the mail server takes its time with the message
    sent: list[int] = []
    mailer = threading.Thread(
        target=lambda: sent.append(notifications.deliver_email(sched.factory, smtp_url=url))
    )
    mailer.start()
    try:
        assert inbox.receiving.wait(10)

        def write() -> None:  # a web request's write meanwhile (on SQLite: the one write lock)
            with sched.factory.begin() as session:
                session.add(JobRun(name="probe", status="ok"))

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(3)
        assert not writer.is_alive(), "a write waited for the mail server"
    finally:
        inbox.release.set()
        mailer.join(10)
    writer.join(30)
    assert sent == [1] and len(inbox.messages) == 1


def test_two_deliveries_at_once_mail_each_notification_once(sched, smtp):
    inbox, url = smtp
    ids = _users_with_notifications(sched, 3)
    inbox.release.clear()
    sent: list[int] = []
    threads = [
        threading.Thread(target=lambda: sent.append(notifications.deliver_email(sched.factory, smtp_url=url)))
        for _ in range(2)
    ]
    for th in threads:
        th.start()
    assert inbox.receiving.wait(10)
    wait_for(lambda: len(sent) == 1, timeout=2, what="the other delivery")  # it finds nothing left to send
    inbox.release.set()
    for th in threads:
        th.join(30)
    assert sorted(sent) == [0, 3]
    with Session(sched.engine) as session:
        emails = session.scalars(select(User.email).where(User.id.in_(ids))).all()
    assert inbox.recipients == sorted(emails)
