"""Login, logout, password change and personal API keys."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import Form, Request
from fastapi.responses import Response

from core import accounts
from core.errors import AuthenticationFailed, ValidationFailed
from web.deps import SESSION_COOKIE, OptionalPageUser, PageUser, SessionDep, client_ip
from web.pages import page_router
from web.templating import redirect, render

router = page_router()


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after login would be a phishing aid."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, user: OptionalPageUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(request, _safe_next(next))
    return render(request, "auth/login.html", {"next": _safe_next(next), "email": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = request.app.state.settings
    try:
        user = accounts.authenticate(
            session, email=email, password=password, ip=client_ip(request), settings=settings
        )
    except AuthenticationFailed as exc:
        # The failure counter must be kept although the request "fails": commit it here.
        session.commit()
        return render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "email": email, "error": exc.message},
            status_code=401,
        )
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    token = accounts.start_session(
        session,
        user=user,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        settings=settings,
    )
    response = redirect(request, _safe_next(next), f"Velkommen, {user.name}.", "success")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect(request, "/login", "Du er logget ut.", "success")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/konto")
def account(request: Request, session: SessionDep, user: PageUser) -> Response:
    tokens = accounts.list_tokens(session, user=user)
    return render(request, "auth/account.html", {"tokens": tokens, "errors": {}})


@router.post("/konto/passord")
def change_password(
    request: Request,
    session: SessionDep,
    user: PageUser,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
    new_password_again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    errors: dict[str, str] = {}
    if new_password != new_password_again:
        errors["new_password_again"] = "De to nye passordene er ikke like."
    else:
        try:
            accounts.change_password(
                session,
                user=user,
                current=current_password,
                new=new_password,
                keep_session_id=getattr(request.state, "user_session_id", None),
            )
        except ValidationFailed as exc:
            errors[exc.field or "new_password"] = exc.message
    if errors:
        session.rollback()
        tokens = accounts.list_tokens(session, user=user)
        return render(request, "auth/account.html", {"tokens": tokens, "errors": errors}, status_code=422)
    return redirect(request, "/konto", "Passordet er endret. Andre innlogginger er avsluttet.", "success")


@router.post("/konto/nokler")
def create_token(
    request: Request, session: SessionDep, user: PageUser, name: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    token = accounts.issue_token(session, user=user, name=name.strip() or "API-nøkkel")
    tokens = accounts.list_tokens(session, user=user)
    return render(request, "auth/account.html", {"tokens": tokens, "errors": {}, "new_token": token})


@router.post("/konto/nokler/{token_id}/trekk-tilbake")
def revoke_token(request: Request, session: SessionDep, user: PageUser, token_id: int) -> Response:
    accounts.revoke_token(session, actor=user, token_id=token_id)
    return redirect(request, "/konto", "API-nøkkelen er trukket tilbake.", "success")
