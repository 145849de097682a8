"""The scheduled jobs: each calls the domains' services and turns the result into notifications.

Every job is safe to run twice: the services are idempotent (an expired opening is not expired again, an
erased candidate is gone, a week's snapshot is overwritten) and notifications carry a `dedupe_key` per day or
per subject, so a retry or a second process leaves one notification, not two."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from candidates import service as candidates_service
from candidates import service_privacy as candidates_privacy
from core import formatting, notifications
from core.models import User
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from followup import service_fidelity as followup_fidelity
from followup import service_plan as followup_plan
from jobs.runner import TZ, JobContext
from plans import service_overview as plans_overview
from recruitment import rematch

MAX_LINES = 15


def _d(value: str | dt.date) -> str:
    return formatting.date_no(value)


def _lines(items: list[str]) -> str:
    extra = len(items) - MAX_LINES
    shown = items[:MAX_LINES] + ([f"… og {extra} til."] if extra > 0 else [])
    return "\n".join(shown)


def followup_reminders(ctx: JobContext) -> dict[str, Any]:
    """Daily: overdue and due-today follow-up contacts, one notification per job specialist."""
    today = ctx.today
    with ctx.session() as session:
        due = followup_plan.due_reminders(session, today)
        created = overdue = due_today = 0
        for user_id, buckets in sorted(due.items()):
            over, now_ = buckets["overdue"], buckets["due_today"]
            overdue += len(over)
            due_today += len(now_)
            reader = session.get(User, user_id)
            names = (
                candidates_service.names_for_reader(
                    session, reader=reader, candidate_ids=[i["candidate_id"] for i in over + now_]
                )
                if reader is not None
                else {}
            )

            def who(i: dict[str, Any], names: dict[int, str] = names) -> str:
                return names.get(i["candidate_id"], "en kandidat ved et annet kontor")

            items = list(
                dict.fromkeys(  # people by name, each line once
                    [f"Forfalt: {who(i)}: {i['label']} (frist {_d(i['due_date'])})" for i in over]
                    + [f"I dag: {who(i)}: {i['label']}" for i in now_]
                )
            )
            row = notifications.notify(
                session,
                user_id=user_id,
                kind="oppfolging",
                title=f"Oppfølging: {len(over)} forfalt, {len(now_)} med frist i dag",
                body=_lines(items),
                link="/oppfolging",
                dedupe_key=f"oppfolging:{today.isoformat()}",
            )
            created += row is not None
    return {"specialists": len(due), "overdue": overdue, "due_today": due_today, "notifications": created}


def plan_reminders(ctx: JobContext) -> dict[str, Any]:
    """Daily: per caseworker, one notification naming their people with overdue plan activities or an
    individuell plan due for revision (the service writes it, once per caseworker per day)."""
    with ctx.session() as session:
        return plans_overview.send_reminders(session, today=ctx.today)


def employer_next_steps(ctx: JobContext) -> dict[str, Any]:
    """Daily: next steps with employers that are due today or overdue, one notification per market contact."""
    today = ctx.today
    with ctx.session() as session:
        due = employers_contacts.due_next_steps_by_owner(session, today=today)
        created = overdue = due_today = 0
        for user_id, buckets in sorted(due.items()):
            over, now_ = buckets["overdue"], buckets["due_today"]
            overdue += len(over)
            due_today += len(now_)
            items = [
                f"Forfalt: {s['employer_name']}: {s['next_step']} (frist {_d(s['due_date'])})" for s in over
            ] + [f"I dag: {s['employer_name']}: {s['next_step']}" for s in now_]
            row = notifications.notify(
                session,
                user_id=user_id,
                kind="neste_steg",
                title=f"Neste steg hos arbeidsgivere: {len(over)} forfalt, {len(now_)} med frist i dag",
                body=_lines(items),
                link="/arbeidsgivere/neste-steg",
                dedupe_key=f"neste-steg:{today.isoformat()}",
            )
            created += row is not None
    return {"owners": len(due), "overdue": overdue, "due_today": due_today, "notifications": created}


def opening_expiry(ctx: JobContext) -> dict[str, Any]:
    """Hourly: published openings past their deadline become `utløpt`; the employer's users and the market
    contact are told."""
    with ctx.session() as session:
        # the deadline is a Norwegian calendar day: at 00.30 Oslo time yesterday's deadline has passed, although
        # it is still yesterday in UTC
        expired = employers_openings.expire_openings(session, ctx.now.astimezone(TZ))
        info = employers_contacts.opening_recipients(session, [o.id for o in expired])
        created = 0
        for opening in expired:
            meta = info.get(opening.id)
            if meta is None:
                continue
            deadline = opening.application_deadline
            users = {meta["market_contact_id"], *meta["employer_user_ids"]} - {None}
            for user_id in sorted(users):
                row = notifications.notify(
                    session,
                    user_id=user_id,
                    kind="stilling_utlopt",
                    title=f"Stillingen «{meta['title']}» er utløpt",
                    body=(
                        f"Søknadsfristen {_d(deadline) if deadline else ''} er passert, så stillingen hos "
                        f"{meta['employer_name']} er satt til utløpt."
                    ),
                    link=f"/stillinger/{opening.id}",
                    # per deadline: an opening published again with a new deadline is reported when that expires
                    dedupe_key=f"utlopt:{opening.id}:{deadline.isoformat() if deadline else ''}",
                )
                created += row is not None
    return {"expired": len(expired), "notifications": created}


def _matches_key(today: dt.date, matches: list[rematch.Match]) -> str:
    """The same new matches reported twice on one day (overlapping runs) are one notification."""
    pairs = ",".join(f"{o}-{c}" for o, c in sorted({(m.opening_id, m.candidate_id) for m in matches}))
    return f"nye-treff:{today.isoformat()}:" + hashlib.sha256(pairs.encode()).hexdigest()[:32]


def nightly_rematch(ctx: JobContext) -> dict[str, Any]:
    """Nightly: every published opening against every active candidate; the top matches are stored and the new
    strong ones reported to the candidate's job specialist and the opening's market contact."""
    t0 = time.perf_counter()
    with ctx.read_session() as session:
        ranked = rematch.rank_top_matches(session, today=ctx.today)
    t1 = time.perf_counter()
    with ctx.session() as session:
        result = rematch.store_top_matches(session, ranked.matches, now=ctx.now)
        created = 0
        for user_id, digest in sorted(rematch.digests(session, result.by_user).items()):
            row = notifications.notify(
                session,
                user_id=user_id,
                kind="nye_treff",
                title=digest.title,
                body=_lines(digest.lines),
                link=digest.link,
                dedupe_key=_matches_key(ctx.today, result.by_user[user_id]),
            )
            created += row is not None
    return {
        "openings": ranked.openings,
        "candidates": ranked.candidates,
        "stored": result.stored,
        "inserted": result.inserted,
        "updated": result.updated,
        "removed": result.removed,
        "new_strong": len(result.new_strong),
        "notifications": created,
        "seconds_rank": round(t1 - t0, 2),
        "seconds_store": round(time.perf_counter() - t1, 2),
    }


def retention(ctx: JobContext) -> dict[str, Any]:
    """Nightly: candidates past their retention date are erased (each erasure in the audit log). Dry run:
    only lists who would go."""
    with ctx.session() as session:
        ids = candidates_privacy.erase_expired(session, today=ctx.today, dry_run=ctx.dry_run)
    if ctx.dry_run:
        return {"would_erase": len(ids), "candidate_ids": ids, "dry_run": True}
    return {"erased": len(ids), "candidate_ids": ids}


def fidelity_snapshot(ctx: JobContext) -> dict[str, Any]:
    """Weekly: the follow-up fidelity figures per office and job specialist, for the reports page."""
    with ctx.session() as session:
        written = followup_fidelity.take_fidelity_snapshot(session, ctx.today)
    return {"snapshots": written}
