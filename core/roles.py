"""The roles and the named sets the rules are written with, so a new role (the plan issue's `veileder`) joins a
rule by joining a set, not by a search for string literals."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MARKEDSKONTAKT = "markedskontakt"
    JOBBSPESIALIST = "jobbspesialist"
    VEILEDER = "veileder"
    ARBEIDSGIVER = "arbeidsgiver"


ROLE_LABELS: dict[str, str] = {
    Role.ADMIN.value: "Administrator",
    Role.MARKEDSKONTAKT.value: "Markedskontakt",
    Role.JOBBSPESIALIST.value: "Jobbspesialist",
    Role.VEILEDER.value: "Veileder",
    Role.ARBEIDSGIVER.value: "Arbeidsgiver",
}

# Staff who belong to an office and work with its candidates.
OFFICE_STAFF: frozenset[str] = frozenset(
    {Role.MARKEDSKONTAKT.value, Role.JOBBSPESIALIST.value, Role.VEILEDER.value}
)
# Caseworkers in a follow-up role: the only ones who read and change the restricted fields (situation, capacity,
# benefits, innsatsgruppe, uføregrad, health notes, tilretteleggingsbehov) of their own office's candidates, and
# who may erase a candidate. A `veileder` (NAV's follow-up caseworker, state or municipal) has the same rights on the
# record as a job specialist; the IPS job track itself stays the job specialist's (followup checks that role).
FOLLOW_UP: frozenset[str] = frozenset({Role.JOBBSPESIALIST.value, Role.VEILEDER.value})
# Everyone NAV employs, the admin included.
NAV_STAFF: frozenset[str] = OFFICE_STAFF | {Role.ADMIN.value}


class Employment(StrEnum):
    """Who employs a member of staff: a NAV office is a partnership of the state and the municipality, and what a
    caseworker may read of a person's journal follows the employer (state notes for state staff, the municipal
    social service's notes for municipal staff)."""

    STAT = "STAT"
    KOMMUNE = "KOMMUNE"


EMPLOYMENT_LABELS: dict[str, str] = {
    Employment.STAT.value: "Statlig ansatt (NAV stat)",
    Employment.KOMMUNE.value: "Kommunalt ansatt (NAV kommune)",
}
EMPLOYMENTS: tuple[str, ...] = tuple(e.value for e in Employment)
