"""The roles and the named sets the rules are written with, so a new role (the plan issue's `veileder`) joins a
rule by joining a set, not by a search for string literals."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MARKEDSKONTAKT = "markedskontakt"
    JOBBSPESIALIST = "jobbspesialist"
    ARBEIDSGIVER = "arbeidsgiver"


ROLE_LABELS: dict[str, str] = {
    Role.ADMIN.value: "Administrator",
    Role.MARKEDSKONTAKT.value: "Markedskontakt",
    Role.JOBBSPESIALIST.value: "Jobbspesialist",
    Role.ARBEIDSGIVER.value: "Arbeidsgiver",
}

# Staff who belong to an office and work with its candidates.
OFFICE_STAFF: frozenset[str] = frozenset({Role.MARKEDSKONTAKT.value, Role.JOBBSPESIALIST.value})
# Caseworkers in a follow-up role: the only ones who read and change the restricted fields (situation, capacity,
# benefits, innsatsgruppe, uføregrad, health notes, tilretteleggingsbehov) of their own office's candidates, and
# who may erase a candidate. `veileder` joins here when the plan issue adds it.
FOLLOW_UP: frozenset[str] = frozenset({Role.JOBBSPESIALIST.value})
# Everyone NAV employs, the admin included.
NAV_STAFF: frozenset[str] = OFFICE_STAFF | {Role.ADMIN.value}
