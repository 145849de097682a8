"""The lease rules one by one (compare-and-set on one row): taken when free or expired, refused while another
holds it, renewed only while valid, given up at once on release."""

from __future__ import annotations

import datetime as dt

from core.models import utcnow
from jobs import lease
from jobs.models import SchedulerLease

NAME = "test-lease"


def _held(factory) -> SchedulerLease:
    """The lease row, which the test expects to be there."""
    row = lease.current(factory, NAME)
    assert row is not None, "no lease is held"
    return row


def test_the_lease_is_taken_refused_renewed_expired_and_released(sched):
    f = sched.factory
    now = utcnow()
    assert lease.current(f, NAME) is None
    first = lease.acquire(f, name=NAME, holder="a", ttl=30, now=now)
    assert first == now + dt.timedelta(seconds=30)
    row = _held(f)
    assert (row.holder, row.expires_at, row.acquired_at) == ("a", first, now)

    assert lease.acquire(f, name=NAME, holder="b", ttl=30, now=now + dt.timedelta(seconds=29)) is None
    assert lease.renew(f, name=NAME, holder="b", ttl=30) is None  # not b's to renew
    again = lease.acquire(f, name=NAME, holder="a", ttl=30, now=now + dt.timedelta(seconds=10))
    assert again is not None and _held(f).acquired_at == now  # still a's since it took it
    assert lease.renew(f, name=NAME, holder="a", ttl=30) is not None

    # a's lease runs out: a may no longer renew it, b may take it
    with f.begin() as session:
        session.get_one(SchedulerLease, NAME).expires_at = utcnow() - dt.timedelta(seconds=1)
    assert lease.renew(f, name=NAME, holder="a", ttl=30) is None
    taken = utcnow()
    assert lease.acquire(f, name=NAME, holder="b", ttl=30, now=taken) is not None
    assert _held(f).acquired_at == taken
    assert lease.acquire(f, name=NAME, holder="a", ttl=30) is None

    lease.release(f, name=NAME, holder="a")  # not a's: changes nothing
    assert _held(f).holder == "b" and lease.acquire(f, name=NAME, holder="a", ttl=30) is None
    lease.release(f, name=NAME, holder="b")
    assert lease.acquire(f, name=NAME, holder="a", ttl=30) is not None  # free at once, no waiting for the TTL
