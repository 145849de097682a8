"""Typeahead for pages: the options of a search-as-you-type field, server-filled into its `<datalist>` when a
form comes back (works without JavaScript), and as JSON at /forslag/{kind} for web/static/typeahead.js, which
refreshes them while the person types. Same services as /api/v1/*/suggest, with the page session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from candidates import service_suggest as candidates_suggest
from core.models import User
from core.roles import NAV_STAFF
from employers import service_suggest as employers_suggest
from web.deps import PageUser, SessionDep
from web.pages import page_router

router = page_router()

KINDS = ("yrke", "kommune", "sted", "postnummer", "kandidat", "arbeidsgiver")
LIMIT = 10


def options(
    session: Session, user: User, kind: str, q: str | None, limit: int = LIMIT
) -> list[dict[str, str]]:
    """[{"value": what the field is filled with, "label": what is shown beside it}] for what was typed."""
    q = (q or "").strip()[:200]
    if not q:
        return []
    if kind == "yrke":
        return [
            {"value": s.label, "label": s.name}
            for s in employers_suggest.suggest_occupations(session, q, limit)
        ]
    if kind in ("kommune", "sted", "postnummer"):
        found = employers_suggest.suggest_places(session, q, limit * 2)
        out = []
        for s in found:
            if s.kind == "kommune" and kind in ("kommune", "sted"):
                out.append({"value": s.label, "label": "Kommune"})
            elif s.kind == "postnummer" and kind == "postnummer":
                out.append({"value": s.code, "label": f"{s.name} ({s.municipality_name} kommune)"})
            elif s.kind == "postnummer" and kind in ("kommune", "sted"):
                label = f"{s.municipality_name} ({s.municipality_code})"
                if {"value": label, "label": "Kommune"} not in out:
                    out.append({"value": label, "label": f"Kommune, med {s.name} ({s.code})"})
        return out[:limit]
    if kind == "kandidat":
        return [
            {"value": s.label, "label": "Kandidat"}
            for s in candidates_suggest.suggest_candidates(session, actor=user, q=q, limit=limit)
        ]
    if kind == "arbeidsgiver":
        return [
            {"value": s.label, "label": f"Org.nr. {s.orgnr}"}
            for s in employers_suggest.suggest_employers(session, actor=user, q=q, limit=limit)
        ]
    return []


def field_options(session: Session, user: User, fields: dict[str, tuple[str, Any]]) -> dict[str, list]:
    """Options for each field of a form that came back, by what is in it: {field: (kind, value)}; a list value
    (repeated inputs) gives one option list per input, keyed "field-0", "field-1", …"""
    out: dict[str, list] = {}
    for name, (kind, value) in fields.items():
        if isinstance(value, list):
            for i, v in enumerate(value):
                out[f"{name}-{i}"] = options(session, user, kind, v)
        else:
            out[name] = options(session, user, kind, value)
    return out


STAFF_KINDS = (
    "kandidat",
    "arbeidsgiver",
)  # people and the registry: staff only (employers type occupations too)


@router.get("/forslag/{kind}")
def suggestions(
    session: SessionDep, user: PageUser, kind: str, q: Annotated[str, Query(max_length=200)] = ""
) -> JSONResponse:
    if kind not in KINDS or (kind in STAFF_KINDS and user.role not in NAV_STAFF):
        return JSONResponse([], status_code=404)
    return JSONResponse(options(session, user, kind, q))
