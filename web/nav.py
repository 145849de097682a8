"""Navigation per role, in one place, so each domain adds its pages here."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from core.models import User
from core.roles import FOLLOW_UP, NAV_STAFF, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: Collection[str]


EVERYONE = NAV_STAFF | {Role.ARBEIDSGIVER.value}
FOLLOW_UP_PAGES = FOLLOW_UP | {Role.ADMIN.value}
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Oversikt", "/", EVERYONE),
    NavItem("Arbeidsgivere", "/arbeidsgivere", NAV_STAFF),
    NavItem("Stillinger", "/stillinger", EVERYONE),
    NavItem("Praksisplasser", "/praksisplasser", EVERYONE),
    NavItem("Kandidater", "/kandidater", NAV_STAFF),
    NavItem("Mine personer", "/mine-personer", FOLLOW_UP),
    NavItem("Oppfølging", "/oppfolging", FOLLOW_UP_PAGES),
    NavItem("Rapporter", "/oppfolging/rapporter", FOLLOW_UP_PAGES),
    NavItem("Oppfølgingskontakter", "/oppfolging/kontakter", ("arbeidsgiver",)),
    NavItem("Delte kandidater", "/delte-kandidater", ("arbeidsgiver",)),
    NavItem("Brukere", "/admin/brukere", ("admin",)),
    NavItem("NAV-kontorer", "/admin/kontorer", ("admin",)),
    NavItem("Revisjonslogg", "/admin/revisjonslogg", ("admin",)),
    NavItem("Jobber", "/admin/jobber", ("admin",)),
)


def nav_for(user: User | None, current_path: str) -> list[dict]:
    """The user's menu; only the longest matching entry is marked as the current page."""
    if user is None:
        return []
    items = [item for item in NAV_ITEMS if user.role in item.roles]

    def matches(href: str) -> bool:
        return (
            current_path == href
            if href == "/"
            else current_path == href or current_path.startswith(href + "/")
        )

    current = max((i.href for i in items if matches(i.href)), key=len, default=None)
    return [{"label": i.label, "href": i.href, "active": i.href == current} for i in items]
