"""Posted forms for the page routers: the form as a dict (lists for checkbox groups, the last value otherwise) and
a domain error as the {field: message} map the form macros show beside each field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Any

from fastapi import Depends, Request

from core.cleaning import INVALID_TEXT, invalid_text
from core.errors import DomainError, ValidationFailed

# Above every text limit of the domains (the longest: an opening's description, 50 000 characters), so a field
# that is too long reaches its domain rule whole and comes back beside the field with the text kept. Longer than
# this no field of ours may be: a 422 naming the field, never a silent cut.
MAX_FIELD = 100_000
TOO_LONG = "Feltet «{field}» er for langt: høyst {max} tegn (nå {n})."


def form_reader(multi: Collection[str] = ()) -> Callable[[Request], Awaitable[dict[str, Any]]]:
    """A dependency reading the form; `multi` names the fields that are lists (checkbox groups)."""
    multi = frozenset(multi)

    async def read(request: Request) -> dict[str, Any]:
        form = await request.form()
        data: dict[str, Any] = {}
        for key in form:
            if key == "csrf_token":
                continue
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            longest = max(map(len, values), default=0)
            if longest > MAX_FIELD:
                message = TOO_LONG.format(field=key, max=f"{MAX_FIELD:,}".replace(",", " "), n=longest)
                raise ValidationFailed(message, field=key)
            data[key] = values if key in multi else (values[-1] if values else "")
        return data

    return read


async def check_form_text(request: Request) -> None:
    """Every page router carries this beside the CSRF check: a posted form field that is not valid text (a lone
    surrogate, a NUL, which PostgreSQL refuses) is a 422 naming the field, whichever way the route reads it."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return
    form = await request.form()
    for key, value in form.multi_items():
        if invalid_text(key) or (isinstance(value, str) and invalid_text(value)):
            field = "form" if invalid_text(key) else key
            label = "Skjemaet" if field == "form" else f"Feltet «{field}»"
            raise ValidationFailed(INVALID_TEXT.format(label=label), field=field)


def form_type(multi: Collection[str] = ()) -> Any:
    """`FormData = form_type({...})`, for use as a route parameter annotation."""
    return Annotated[dict[str, Any], Depends(form_reader(multi))]


def field_errors(exc: DomainError, prefix: str = "") -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {prefix + (e["field"] or "form"): e["message"] for e in exc.errors}
    return {prefix + (exc.field or "form"): exc.message}
