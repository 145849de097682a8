"""Posted forms for the page routers: the form as a dict (lists for checkbox groups, the last value otherwise), a
domain error as the {field: message} map the form macros show beside each field, and `submit`, the one way a page
runs a posted form (post → redirect → get; on a domain error roll back and show the form again, or for a button
with nothing typed, go back to the page with the message)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from core.cleaning import INVALID_TEXT, invalid_text
from core.errors import AccessDenied, DomainError, NotFound, ValidationFailed
from core.locking import StaleEdit
from web.conflicts import stale_context
from web.templating import redirect

T = TypeVar("T")

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


def form_fields(multi: Collection[str] = ()) -> Any:
    """`FormData = Annotated[dict[str, Any], form_fields({...})]`, for use as a route parameter annotation."""
    return Depends(form_reader(multi))


def field_errors(exc: DomainError, prefix: str = "") -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {prefix + (e["field"] or "form"): e["message"] for e in exc.errors}
    return {prefix + (exc.field or "form"): exc.message}


def submit(
    request: Request,
    session: Session,
    action: Callable[[], T],
    *,
    to: str | Callable[[T], str],
    message: str | tuple[str, str] | Callable[[T], str | tuple[str, str]],
    page: Callable[..., Response] | None = None,
    prefix: str = "",
    back: str | None = None,
    stale: tuple[Callable[[], Mapping[str, Any]], Mapping[str, str], dict[str, Any]] | None = None,
    not_found: str | None = None,
    passes: tuple[type[DomainError], ...] = (),
) -> Response:
    """Runs a posted form's `action` and redirects to `to` with `message` (either may be read from the action's
    result; a message may be a (text, kind) pair such as a warning).

    On a domain error the request's session is rolled back first, so a refused form writes nothing. Then
    `page(errors, status)` renders the form again with every error beside its field (`prefix` before each field
    name) and the typed values kept; without a `page` (a button press: nothing typed to keep) the user goes back
    to `back` (default `to`) by redirect with the message, so a refresh never posts again. A stale edit
    (another person saved first) with `stale` (the saved values, their labels, the typed form) is
    `page({}, 409, conflict=…)`, the two side by side (web.conflicts). A NotFound is the app's 404 (and a refused read is logged), unless
    `not_found` names the field whose choice was not found; the errors in `passes` go on to the app's handlers
    too (a 403 for another office's record)."""
    try:
        result = action()
    except DomainError as exc:
        if isinstance(exc, passes) or (
            isinstance(exc, NotFound) and (not_found is None or isinstance(exc, AccessDenied))
        ):
            raise
        session.rollback()
        if stale is not None and page is not None and isinstance(exc, StaleEdit):
            current, labels, typed = stale
            return page(
                {}, 409, conflict=stale_context(exc, current=current(), submitted=typed, labels=labels)
            )
        if isinstance(exc, NotFound):
            exc = ValidationFailed(exc.message, field=not_found)
        if page is not None:
            return page(
                field_errors(exc, prefix), 422 if isinstance(exc, ValidationFailed) else exc.status_code
            )
        return redirect(request, back or (to if isinstance(to, str) else "/"), exc.message, "error")
    url = to(result) if callable(to) else to
    text = message(result) if callable(message) else message
    return redirect(request, url, *((text, "success") if isinstance(text, str) else text))


def errors_of(prefix: str, action: Callable[..., object], **kwargs: Any) -> dict[str, str]:
    """The errors of `action(**kwargs)`, one part of a form that saves several (each row of a reviewed import), so
    all of them are shown together, each field named with `prefix`; {} when the part was saved."""
    try:
        action(**kwargs)
    except AccessDenied:
        raise
    except DomainError as exc:
        return field_errors(exc, prefix)
    return {}
