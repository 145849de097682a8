"""Navigation per role, in one place, so each domain adds its pages here."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: tuple[str, ...]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Oversikt", "/", ("admin", "markedskontakt", "jobbspesialist", "arbeidsgiver")),
    NavItem("Arbeidsgivere", "/arbeidsgivere", ("admin", "markedskontakt", "jobbspesialist")),
    NavItem("Kandidater", "/kandidater", ("admin", "markedskontakt", "jobbspesialist")),
    NavItem("Brukere", "/admin/brukere", ("admin",)),
    NavItem("NAV-kontorer", "/admin/kontorer", ("admin",)),
    NavItem("Revisjonslogg", "/admin/revisjonslogg", ("admin",)),
)


def nav_for(user: User | None, current_path: str) -> list[dict]:
    if user is None:
        return []
    items = []
    for item in NAV_ITEMS:
        if user.role not in item.roles:
            continue
        active = current_path == item.href if item.href == "/" else current_path.startswith(item.href)
        items.append({"label": item.label, "href": item.href, "active": active})
    return items
