"""Who reads which journal entries: the statement every journal read starts from, and the same rule in Python.

- A follow-up caseworker (`core.roles.FOLLOW_UP`: jobbspesialist, veileder) of the person's office — the office
  as the candidates domain decides it (`candidates.access.readable_candidates`) — reads the entries of the
  services their employment reads (`plans.models_journal.READERS`): state staff the state's, municipal staff the
  municipal social service's, both the `ANNET` entries. They write in the same services.
- Everyone else reads none: the admin (need-to-know: a recorded reason opens the person's record, not the
  services' journals), market contacts, employer users.
- The person sees what has been shared with them (`shared_with_person`), whatever the service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from candidates import access as candidates_access
from core.models import User
from core.roles import FOLLOW_UP
from plans.models_journal import READERS, JournalEntry, services_readable_by


def may_use_journal(actor: User | None) -> bool:
    """A follow-up caseworker bound to an office, with an employment (state or municipality)."""
    return (
        actor is not None
        and actor.role in FOLLOW_UP
        and actor.office_id is not None
        and bool(services_readable_by(actor.employment))
    )


def services_for(actor: User | None) -> tuple[str, ...]:
    """The services whose entries the actor reads and writes (none for those without the journal)."""
    if not may_use_journal(actor):
        return ()
    assert actor is not None
    return services_readable_by(actor.employment)


def _readable_people(actor: User) -> Any:
    people = candidates_access.readable_candidates(actor)
    return people.with_only_columns(people.selected_columns.id)


def readable_entries(actor: User | None) -> Select[JournalEntry]:
    """Every journal read by staff starts here (SQL side of `may_read`)."""
    services = services_for(actor)
    if not services:
        return select(JournalEntry).where(false())
    assert actor is not None
    return select(JournalEntry).where(
        JournalEntry.candidate_id.in_(_readable_people(actor)), JournalEntry.service.in_(services)
    )


def may_read(actor: User | None, entry: JournalEntry, person_office_id: int | None) -> bool:
    """Python side of `readable_entries`, for one entry whose person belongs to `person_office_id`."""
    return (
        may_use_journal(actor)
        and actor is not None
        and person_office_id is not None
        and actor.office_id == person_office_id
        and actor.employment in READERS.get(entry.service, ())
    )


def shared_with_person(candidate_id: int) -> Select[JournalEntry]:
    """What the person sees of their journal: the entries shared with them (drafts never), every service."""
    return select(JournalEntry).where(
        JournalEntry.candidate_id == candidate_id, JournalEntry.shared_with_person_at.is_not(None)
    )
