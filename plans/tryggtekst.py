"""TryggTekst for the journal: a warning, before saving, when a note or referat that others will read names health
details.

NAV's aktivitetsplan gives the veileder a "TryggTekst" check that flags sensitive personal data in a referat
before it is saved (PLAN-KVP-PARTICIPANT.md §1.5). Here:

- *what* is flagged: health details — the categories `helse`, `diagnose`, `legemidler` and `rus` (diagnoses,
  medication, mental health and substance words) of the one maintained word list, `candidates.sensitive_text`
  (`candidates/data/sensitive_terms.csv`, with its matching rules and tests). Benefits and programmes, which that
  list also marks for employers, are no secret to the person or to NAV's other service and are not flagged here;
- *when*: only for text that will be shown to others — shared with the person, or in a service both the state
  and the municipal staff read (`ANNET`). A note kept within its own service is not checked;
- *what happens*: a warning, never a refusal. The page asks the writer to confirm before it saves; the API saves
  and returns the warning in its answer (`warnings`)."""

from __future__ import annotations

from typing import Any

from candidates import sensitive_text
from candidates.sensitive_text import Mark
from plans.models_journal import READERS

HEALTH_CATEGORIES = ("helse", "diagnose", "legemidler", "rus")


def health_marks(*texts: str | None) -> list[Mark]:
    """The health words in the texts, in order (other categories of the list left out)."""
    return [m for text in texts for m in sensitive_text.check(text) if m.category in HEALTH_CATEGORIES]


def shown_to_others(*, service: str, shared: bool) -> bool:
    """The text leaves the writer's own service: shared with the person, or read by both services."""
    return shared or len(READERS.get(service, ())) > 1


def warnings_for(*, title: str | None, text: str | None, service: str, shared: bool) -> list[Mark]:
    """The health words that would be shown to others (none when the text stays within its service)."""
    if not shown_to_others(service=service, shared=shared):
        return []
    return health_marks(title, text)


def audience(*, service: str, shared: bool) -> str:
    if shared and len(READERS.get(service, ())) > 1:
        return "personen selv og begge tjenestene ved kontoret"
    if shared:
        return "personen selv"
    return "både statlige og kommunale ansatte ved kontoret"


def message(marks: list[Mark], *, service: str, shared: bool) -> str:
    """The warning in words: which words, and who will read them."""
    return (
        f"Teksten kan inneholde helseopplysninger: {sensitive_text.describe(marks)}. Den vil bli vist for "
        f"{audience(service=service, shared=shared)}. Ta bare med det som er nødvendig, og bekreft at du vil lagre."
    )


def as_dicts(marks: list[Mark]) -> list[dict[str, Any]]:
    return [m.as_dict() for m in marks]
