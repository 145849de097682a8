"""One gate for every JSON body the app receives: text that is not valid Unicode (a lone surrogate such as
"\\udcff", a NUL) and nesting past reason are refused with a 422 naming the field, before FastAPI parses the body
and long before a database refuses it with a 500. Forms get the same text rule in `web.forms.form_reader`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.cleaning import INVALID_TEXT, MAX_DEPTH, find_invalid_text, json_depth

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOO_DEEP = f"Dokumentet er nestet dypere enn {MAX_DEPTH} nivåer."
TOO_LARGE = "Tallet er for stort."
DB_INT_MAX = 2**31 - 1  # the largest value of an `integer` column (PostgreSQL); the API document states it
_LONG_NUMBER = re.compile(rb"\d{10}")  # an integer beyond DB_INT_MAX has at least ten digits


def json_problem(body: bytes) -> dict[str, str] | None:
    """{"field", "message"} for a JSON body that must be refused, or None (a body that is not JSON at all is left
    for FastAPI's own 422). Cheap for ordinary bodies: the walk runs only when the bytes could hide a problem."""
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and json_depth(body) > MAX_DEPTH:
        return {"field": "", "message": TOO_DEEP}
    if b"\\u" not in body:  # a lone surrogate or a NUL can only come in as a \u escape in valid JSON
        return None
    try:
        value: Any = json.loads(body)
    except (ValueError, RecursionError):
        return None
    field = find_invalid_text(value)
    if field is not None:
        return {
            "field": field,
            "message": INVALID_TEXT.format(label=f"Feltet «{field}»" if field else "Teksten"),
        }
    return None


def query_problem(query: bytes) -> dict[str, str] | None:
    """{"field", "message"} for an API query parameter holding a NUL (which PostgreSQL refuses), or None.
    Invalid UTF-8 in a query is already decoded with replacement characters, so only NUL gets through."""
    if b"%00" not in query and b"\x00" not in query:
        return None
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            field = key if "\x00" not in key else ""
            return {
                "field": field,
                "message": INVALID_TEXT.format(label=f"Parameteren «{field}»" if field else "Adressen"),
            }
    return None


def _is_form(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return value.startswith((b"application/x-www-form-urlencoded", b"multipart/"))
    return False


class JsonBodyCheck:
    """Pure ASGI: reads a non-form request body once, refuses it with 422 when `json_problem` says so, and
    otherwise hands the same bytes on to the app. `document`: the API's OpenAPI document (its integer bounds)."""

    def __init__(self, app: ASGIApp, document: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.document = document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith("/api/"):
            problem = query_problem(scope.get("query_string", b""))
            if problem is not None:
                await JSONResponse({"detail": [problem]}, status_code=422)(scope, receive, send)
                return
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS or _is_form(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_problem(body)
        if problem is None and scope.get("path", "").startswith("/api/") and _LONG_NUMBER.search(body):
            problem = _integer_problem(self.document(), scope, body)
        if problem is not None:
            await JSONResponse({"detail": [problem]}, status_code=422)(scope, receive, send)
            return
        await self.app(
            scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send
        )


def _integer_problem(document: dict[str, Any], scope: Scope, body: bytes) -> dict[str, str] | None:
    """A declared integer field of an API body beyond what the database's integer columns hold, named (the
    document states the bound for every integer: web.api.contract). Without this SQLite would store it and
    PostgreSQL refuse it with a 422 that names no field."""
    from web.api.contract import too_large_integer

    try:
        value: Any = json.loads(body)
    except (ValueError, RecursionError):
        return None
    field = too_large_integer(document, scope["method"], scope["path"], value)
    return None if field is None else {"field": field, "message": TOO_LARGE}


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
