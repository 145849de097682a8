"""Jinja2 rendering with what every page needs: the user, the navigation, the CSRF token, flash messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer

from core import formatting
from web.deps import csrf_token
from web.labels import label
from web.nav import nav_for

TEMPLATE_DIR = Path(__file__).with_name("templates")
FLASH_COOKIE = "ab_flash"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
# Templates ship with the code: checking every file's mtime on each render cost a stat per template per request.
templates.env.auto_reload = False
# NAV's design system CSS, vendored with its version in the name (`make vendor-css` rewrites this line).
AKSEL_CSS = "vendor/navikt-ds-css-8.16.2.min.css"
templates.env.globals["aksel_css"] = AKSEL_CSS
# A state shown as an Aksel tag takes its colour from here (follow-up duties, job runs), one mapping for every page.
templates.env.globals["tag_colors"] = {
    "forfalt": "danger",
    "failed": "danger",
    "i_dag": "warning",
    "varslet": "warning",
    "utfort": "success",
    "ok": "success",
    "running": "info",
}


# One filter per kind of value, both in Europe/Oslo time whatever the server's clock zone (core.formatting).
templates.env.filters["dato"] = formatting.date_no
templates.env.filters["datotid"] = formatting.datetime_no
# Numbers, shares, ranges and counted nouns the bokmål way through Babel (decimal comma, "1 endring"), and a code's
# label from web.labels: a template never prints a float or a code as it is.
templates.env.filters["tall"] = formatting.number_no
templates.env.filters["prosent"] = formatting.percent_no
templates.env.filters["intervall"] = formatting.range_no
templates.env.filters["antall"] = formatting.plural_no
templates.env.filters["maaned"] = formatting.month_no
templates.env.filters["etikett"] = label
templates.env.filters["urlquote"] = lambda v: quote(str(v), safe="")
templates.env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2)


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="flash")


def flash(response: Any, request: Request, message: str, kind: str = "info") -> None:
    """Messages survive one redirect (post → redirect → get) in a signed cookie."""
    pending = list(getattr(request.state, "flash_out", []))
    pending.append({"kind": kind, "message": message})
    request.state.flash_out = pending
    response.set_cookie(
        FLASH_COOKIE,
        _serializer(request).dumps(pending),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _take_flashes(request: Request) -> list[dict]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    request.state.clear_flash = True
    try:
        data = _serializer(request).loads(raw)
    except BadSignature:
        return []
    return [d for d in data if isinstance(d, dict)]


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    ctx = {
        "request": request,
        "user": user,
        "nav": nav_for(user, request.url.path),
        "csrf_token": csrf_token(request),
        "flashes": _take_flashes(request),
        "unread_count": getattr(request.state, "unread_count", 0),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def redirect(request: Request, url: str, message: str | None = None, kind: str = "info") -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if message:
        flash(response, request, message, kind)
    return response
