"""Request dependencies: database session per request, the acting user, CSRF."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from core import accounts, audit, notifications
from core.errors import AccessDenied
from core.models import User
from core.roles import FOLLOW_UP, NAV_STAFF
from core.security import client_address, constant_time_equals, new_token

SESSION_COOKIE = "ab_session"
CSRF_COOKIE = "ab_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class OfficeView:
    id: int
    number: str
    name: str


@dataclass(frozen=True)
class UserView:
    """A detached snapshot of the signed-in user for templates and error pages (safe after a rollback)."""

    id: int
    email: str
    name: str
    role: str
    role_label: str
    office_id: int | None
    office: OfficeView | None

    @classmethod
    def of(cls, user: User) -> UserView:
        office = OfficeView(user.office.id, user.office.number, user.office.name) if user.office else None
        return cls(user.id, user.email, user.name, user.role, user.role_label, user.office_id, office)


def _remember(request: Request, user: User | None) -> None:
    request.state.user = UserView.of(user) if user is not None else None


class LoginRequired(Exception):
    """A page needs a signed-in user: the handler redirects to the login page."""


class ApiAuthRequired(Exception):
    """An API call without valid credentials: the handler answers 401."""


class CsrfFailed(Exception):
    """A state-changing form without a valid CSRF token."""


class RoleRequired(Exception):
    """Signed in, but the role may not use this page or endpoint."""


def client_ip(request: Request) -> str | None:
    """The client's address: X-Forwarded-For only from a configured proxy (settings.trusted_proxies)."""
    peer = request.client.host if request.client else None
    trusted = request.app.state.settings.trusted_proxies
    if not trusted:
        return peer
    return client_address(peer, request.headers.get("x-forwarded-for"), trusted)


def _record_refusal(request: Request, session: Session, denied: AccessDenied) -> None:
    session.rollback()
    audit.record_denied(session, denied, ip=client_ip(request), path=request.url.path)
    session.commit()


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent (scope='function').

    Async, so opening the session (no I/O yet) costs no trip through the thread pool; the commit (a network round
    trip on PostgreSQL, on SQLite perhaps a wait for the writer lock) and the refusal's audit row go to the pool."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
        await run_in_threadpool(session.commit)
    except AccessDenied as exc:
        await run_in_threadpool(_record_refusal, request, session, exc)
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def optional_page_user(request: Request, session: SessionDep) -> User | None:
    info = accounts.resolve_session(session, request.cookies.get(SESSION_COOKIE), request.app.state.settings)
    user = info.user if info is not None else None
    _remember(request, user)
    if info is not None:
        request.state.user_session_id = info.session.id
        request.state.unread_count = notifications.unread_count(
            session, info.user.id
        )  # the header's, every page
    return user


async def page_user(user: Annotated[User | None, Depends(optional_page_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def api_user(request: Request, session: SessionDep) -> User:
    """The API takes bearer tokens only: no cookie, so no CSRF exposure."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    user = accounts.resolve_token(session, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiAuthRequired()
    _remember(request, user)
    return user


PageUser = Annotated[User, Depends(page_user)]
OptionalPageUser = Annotated[User | None, Depends(optional_page_user)]
ApiUser = Annotated[User, Depends(api_user)]


def require_roles(*roles: str) -> Any:
    async def check_page(user: PageUser) -> User:  # no I/O: async, so no thread-pool hop
        if user.role not in roles:
            raise RoleRequired()
        return user

    return Depends(check_page)


def require_api_roles(*roles: str) -> Any:
    async def check_api(user: ApiUser) -> User:
        if user.role not in roles:
            raise RoleRequired()
        return user

    return Depends(check_api)


def _csrf_mac(request: Request, kind: str, value: str) -> str:
    key = request.app.state.secret_key.encode()
    return hmac.new(key, f"csrf|{kind}|{value[:200]}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The synchronizer token for forms on this page, bound to the server-side session: a keyed MAC of the
    session's own id (the cookie only the server and that browser know), so a token from another session, or a
    pair an attacker makes up, does not match. Before sign-in (the login form, the second factor) it is bound the
    same way to a random pre-session nonce the middleware sets as a cookie."""
    token = getattr(request.state, "csrf_token", None)
    if token is None:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            token = _csrf_mac(request, "session", session_id)
        else:
            nonce = request.cookies.get(CSRF_COOKIE) or new_token(24)
            request.state.csrf_nonce = nonce
            token = _csrf_mac(request, "pre-session", nonce)
        request.state.csrf_token = token
    return token


async def verify_csrf(request: Request) -> None:
    """Every page router carries this: an unsafe request must carry this session's token, in the form field or the
    htmx header (`hx-headers` on <body>); no other carrier and no other session's token is accepted."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not constant_time_equals(csrf_token(request), sent):
        raise CsrfFailed()


AdminUser = Annotated[User, require_roles("admin")]
StaffUser = Annotated[User, require_roles(*NAV_STAFF)]
ApiStaffUser = Annotated[User, require_api_roles(*NAV_STAFF)]
# a caseworker in a follow-up role (`core.roles.FOLLOW_UP`): pages about the caseworker's own people
FollowUpUser = Annotated[User, require_roles(*FOLLOW_UP)]
ApiFollowUpUser = Annotated[User, require_api_roles(*FOLLOW_UP)]
ApiAdminUser = Annotated[User, require_api_roles("admin")]
