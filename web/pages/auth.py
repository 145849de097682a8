"""Login, logout, password change and personal API keys."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import Form, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core import accounts, audit, mfa
from core.errors import AuthenticationFailed, NotFound, ValidationFailed
from core.models import User
from web.deps import SESSION_COOKIE, OptionalPageUser, PageUser, SessionDep, client_ip
from web.pages import page_router
from web.templating import redirect, render

router = page_router()
MFA_COOKIE = "ab_mfa"
MFA_MAX_AGE = 300


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
    # Argon2 before the request's transaction begins: on SQLite that transaction holds the only writer lock.
    password_ok, checked_hash = accounts.check_password(
        request.app.state.session_factory, email=email, password=password
    )
    try:
        user = accounts.authenticate(
            session,
            email=email,
            password=password,
            ip=client_ip(request),
            settings=settings,
            slow_down=False,
            password_ok=password_ok,
            password_checked_hash=checked_hash,
        )
    except AuthenticationFailed as exc:
        # The failure counter must be kept although the request "fails": commit it here, then slow the
        # answer down (repeated failures) without holding any lock.
        session.commit()
        response: Response = render(
            request,
            "auth/login.html",
            {"next": _safe_next(next), "email": email, "error": exc.message},
            status_code=exc.status_code,
        )
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if mfa.required_for(user, require_admin=settings.require_admin_mfa):
        # Password is right; the session starts only after the second factor.
        pending = {"uid": user.id, "next": _safe_next(next)}
        if user.totp_secret is None:
            pending["enrol"] = mfa.new_secret()
        response = redirect(request, "/login/totp")
        response.set_cookie(
            MFA_COOKIE,
            _mfa_signer(request).dumps(pending),
            max_age=MFA_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/login",
        )
        return response
    return _start_session(request, session, user, _safe_next(next))


def _start_session(request: Request, session: SessionDep, user: User, target: str) -> Response:
    """A fresh random session id at every login; any id the browser brought is ended first (no fixation)."""
    settings = request.app.state.settings
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    token = accounts.start_session(
        session,
        user=user,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        settings=settings,
    )
    response = redirect(request, target, f"Velkommen, {user.name}.", "success")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(MFA_COOKIE, path="/login")
    return response


def _mfa_signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="mfa-pending")


def _pending(request: Request) -> dict | None:
    raw = request.cookies.get(MFA_COOKIE)
    if not raw:
        return None
    try:
        data = _mfa_signer(request).loads(raw, max_age=MFA_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("uid"), int) else None


def _totp_context(pending: dict, user: User, error: str | None = None) -> dict:
    secret = pending.get("enrol")
    return {
        "enrol": bool(secret),
        "secret": mfa.grouped(secret) if secret else None,
        "uri": mfa.provisioning_uri(secret, user.email) if secret else None,
        "errors": {"code": error} if error else {},
    }


@router.get("/login/totp")
def totp_form(request: Request, session: SessionDep) -> Response:
    pending = _pending(request)
    user = session.get(User, pending["uid"]) if pending else None
    if pending is None or user is None:
        return redirect(request, "/login", "Innloggingen tok for lang tid. Prøv igjen.", "warning")
    return render(request, "auth/totp.html", _totp_context(pending, user))


@router.post("/login/totp")
def totp_verify(
    request: Request, session: SessionDep, code: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    pending = _pending(request)
    user = session.get(User, pending["uid"]) if pending else None
    if pending is None or user is None or not user.is_active:
        return redirect(request, "/login", "Innloggingen tok for lang tid. Prøv igjen.", "warning")
    settings = request.app.state.settings
    ip = client_ip(request)
    try:
        accounts.check_not_locked(session, key=f"totp:{user.id}", ip=ip)
    except AuthenticationFailed as exc:  # inside the delay: not counted, answered at once
        response = render(
            request, "auth/totp.html", _totp_context(pending, user, exc.message), status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    try:
        mfa.verify(session, user=user, code=code, secret=pending.get("enrol"))
    except (ValidationFailed, AuthenticationFailed) as exc:
        session.rollback()
        accounts.register_failure(session, key=f"totp:{user.id}", settings=settings, ip=ip, email=user.email)
        session.commit()
        return render(request, "auth/totp.html", _totp_context(pending, user, exc.message), status_code=401)
    accounts.clear_totp_failures(session, user=user)
    if pending.get("enrol"):
        audit.record(
            session,
            actor=user,
            action="update",
            subject_type="user",
            subject_id=user.id,
            purpose="tofaktor satt opp",
        )
    return _start_session(request, session, user, pending.get("next") or "/")


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect(request, "/login", "Du er logget ut.", "success")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/konto")
def account(request: Request, session: SessionDep, user: PageUser) -> Response:
    tokens = accounts.list_tokens(session, user=user)
    return render(
        request, "auth/account.html", {"tokens": tokens, "errors": {}, "has_totp": bool(user.totp_secret)}
    )


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


@router.post("/konto/tofaktor")
def totp_setup(
    request: Request,
    session: SessionDep,
    user: PageUser,
    code: Annotated[str, Form(max_length=20)] = "",
    pending: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Offered to all staff: first post shows a new key, the second confirms it with a code from the app."""
    signer = URLSafeTimedSerializer(request.app.state.secret_key, salt="mfa-setup")
    secret = None
    if pending:
        try:
            secret = signer.loads(pending, max_age=MFA_MAX_AGE)
        except BadSignature:
            secret = None
    errors: dict[str, str] = {}
    if secret and code:
        account = session.get(User, user.id)
        if account is None:  # the account was deleted after this request's login check
            raise NotFound("Fant ikke brukeren.")
        try:
            mfa.verify(session, user=account, code=code, secret=secret)
        except ValidationFailed as exc:
            errors["code"] = exc.message
        else:
            audit.record(
                session,
                actor=account,
                action="update",
                subject_type="user",
                subject_id=user.id,
                purpose="tofaktor satt opp",
            )
            return redirect(request, "/konto", "Tofaktor er slått på.", "success")
    secret = secret or mfa.new_secret()
    tokens = accounts.list_tokens(session, user=user)
    ctx = {
        "tokens": tokens,
        "errors": errors,
        "totp_setup": {
            "secret": mfa.grouped(secret),
            "uri": mfa.provisioning_uri(secret, user.email),
            "pending": signer.dumps(secret),
        },
    }
    return render(request, "auth/account.html", ctx, status_code=422 if errors else 200)
