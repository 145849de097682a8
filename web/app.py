"""The FastAPI application: pages (server-rendered, no JavaScript needed) and the JSON API under /api/v1."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidates.access import BREAK_GLASS_MINUTES
from core import audit
from core.db import is_sqlite, make_engine
from core.errors import DomainError, ReasonRequired, ValidationFailed
from core.locking import StaleEdit
from core.models import User
from core.settings import OTHER_ACTIVE, SQLITE_ACTIVE, Settings, get_settings
from web import registry  # noqa: F401  (all models mapped before the first query)
from web.api import PREFIX
from web.api.contract import allowed_methods, complete_document
from web.deps import (
    CSRF_COOKIE,
    ApiAuthRequired,
    CsrfFailed,
    LoginRequired,
    RoleRequired,
    client_ip,
)
from web.input_checks import JsonBodyCheck
from web.templating import FLASH_COOKIE, render
from web.validation_messages import bokmal

log = logging.getLogger("arbeidsbro")
STATIC_DIR = Path(__file__).with_name("static")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
        b"object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class ActiveRequestLimit:
    """At most `limit` requests run at once in this process; the others wait their turn in the event loop.

    Python runs one thread at a time, so fifty requests in fifty pool threads do not go faster than a few: they only
    fight over the GIL (and on SQLite over the one writer lock), which under load costs more CPU than the requests
    themselves. On PostgreSQL it also slowed everyone: the transaction that holds the audit chain's lock
    (`core.audit`) waited for the GIL between its statements behind dozens of runnable threads, and every other
    request that reads a person waited for that lock. Waiting here costs nothing and keeps the order of arrival;
    a few at once still overlap one request's database round trips with another's Python."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Adds security headers, no-store on everything but static files, and the CSRF/flash cookies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"
        state: dict[str, Any] = scope.setdefault("state", {})
        cookies = _cookie_names(scope)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers.extend(SECURITY_HEADERS)
                if path.startswith("/static/"):
                    headers.append((b"cache-control", b"public, max-age=3600"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                nonce = state.get("csrf_nonce")  # the pre-session nonce (web.deps.csrf_token)
                if nonce and CSRF_COOKIE not in cookies:
                    headers.append((b"set-cookie", _cookie(CSRF_COOKIE, nonce, https, "strict").encode()))
                if state.get("clear_flash") and not state.get("flash_out"):
                    headers.append((b"set-cookie", f"{FLASH_COOKIE}=; Path=/; Max-Age=0".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _cookie_names(scope: Scope) -> set[str]:
    for k, v in scope.get("headers", []):
        if k == b"cookie":
            return {part.split("=", 1)[0].strip() for part in v.decode("latin-1").split(";")}
    return set()


def _cookie(name: str, value: str, secure: bool, samesite: str) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", f"SameSite={samesite.capitalize()}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message},
        status_code=status,
    )


ERROR_TITLES = {
    400: "Ugyldig forespørsel",
    401: "Du må logge inn",
    403: "Ingen tilgang",
    404: "Fant ikke siden",
    405: "Ikke tillatt",
    409: "Konflikt",
    413: "For stor fil",
    422: "Ugyldige opplysninger",
    500: "Noe gikk galt",
}
NOT_FOUND = "Siden finnes ikke, eller du har ikke tilgang til den."
STALE = "Posten ble endret av noen andre i samme øyeblikk. Ingenting er lagret: last siden på nytt."


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form")),
            "message": bokmal(e),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]


def _number_fields(request: Request, exc: Exception) -> tuple[str, list[str]]:
    """What a number too large for the database (SQLite: OverflowError; PostgreSQL: DataError) was: an id in the
    path that large cannot exist ("path": 404 as for any unknown id); "other": a DataError not about a number;
    otherwise ("query") the query parameters that hold one (bad input, named)."""
    if isinstance(exc, DataError) and not _too_large(request.path_params.values()):
        return "other", []
    if any(_too_large([v]) for v in request.path_params.values()):
        return "path", []
    return "query", [k for k, v in request.query_params.items() if _too_large([v])] or [""]


def install_page_error_handlers(app: FastAPI) -> None:
    """The pages answer errors with an HTML page (or a redirect to sign in)."""

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(RoleRequired)
    async def _role(request: Request, exc: RoleRequired) -> Response:
        await run_in_threadpool(_log_refusal, request, "role_refused")
        return _error_page(request, 403, ERROR_TITLES[403], "Rollen din har ikke tilgang til denne siden.")

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        await run_in_threadpool(_log_refusal, request, "csrf_failed")
        return _error_page(
            request,
            403,
            "Skjemaet kunne ikke sendes",
            "Sikkerhetsnøkkelen i skjemaet manglet eller var utløpt. Gå tilbake, last siden på nytt og prøv igjen.",
        )

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, ReasonRequired):  # break the glass: ask for the reason, then come back here
            await run_in_threadpool(_log_refusal, request, "reason_required")
            return render(
                request,
                "candidates/begrunnelse.html",
                {
                    "message": exc.message,
                    "candidate_id": exc.subject_id,
                    "next": request.url.path if request.method == "GET" else f"/kandidater/{exc.subject_id}",
                    "minutes": BREAK_GLASS_MINUTES,
                    "errors": {},
                    "form": {},
                },
                status_code=403,
            )
        return _error_page(request, exc.status_code, ERROR_TITLES.get(exc.status_code, "Feil"), exc.message)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        kind, _ = _number_fields(request, exc)
        if kind == "path":
            return _error_page(request, 404, ERROR_TITLES[404], NOT_FOUND)
        message = "En verdi er for stor eller for lang." if kind == "other" else "Tallet er for stort."
        return _error_page(request, 422, ERROR_TITLES[422], message)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        return _error_page(request, 409, ERROR_TITLES[409], STALE)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        text_ = "; ".join(f"{e['field']}: {e['message']}" for e in _validation_errors(exc))
        return _error_page(request, 422, ERROR_TITLES[422], text_)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # /healthz; and an API path the mount's pattern refuses (a newline in an id): the API's JSON 404
        if request.url.path == "/healthz" or request.url.path.startswith(PREFIX + "/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        title = ERROR_TITLES.get(exc.status_code, "Feil")
        messages = {404: NOT_FOUND, 405: "Metoden er ikke tillatt."}
        return _error_page(request, exc.status_code, title, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("Uventet feil på %s", request.url.path)
        return _error_page(request, 500, ERROR_TITLES[500], "Det oppstod en uventet feil. Feilen er logget.")


def install_api_error_handlers(api: FastAPI) -> None:
    """The API answers errors in JSON: `{"detail": "..."}`, or for 422 `{"detail": [{"field", "message"}]}`."""

    @api.exception_handler(ApiAuthRequired)
    async def _api_auth(request: Request, exc: ApiAuthRequired) -> Response:
        return JSONResponse(
            {"detail": "Mangler gyldig API-nøkkel (Authorization: Bearer …)."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(RoleRequired)
    async def _role(request: Request, exc: RoleRequired) -> Response:
        await run_in_threadpool(_log_refusal, request, "role_refused")
        return JSONResponse({"detail": "Rollen din har ikke tilgang til dette."}, status_code=403)

    @api.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, ValidationFailed):
            return JSONResponse({"detail": exc.errors}, status_code=422)
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        if isinstance(exc, StaleEdit):  # the API's 409 names what differs (web.api.schemas.StaleOut)
            body["current_version"] = exc.current_version
            body["changed"] = [{"field": k, "current": v} for k, v in exc.changed.items()]
        return JSONResponse(body, status_code=exc.status_code)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        kind, names = _number_fields(request, exc)
        if kind == "path":
            return JSONResponse({"detail": "Ikke funnet"}, status_code=404)
        if kind == "other":
            names, message = [""], "En verdi er for stor eller for lang for databasen."
        else:
            message = "Tallet er for stort."
        return JSONResponse({"detail": [{"field": n, "message": message} for n in names]}, status_code=422)

    @api.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        return JSONResponse({"detail": STALE}, status_code=409)

    @api.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": _validation_errors(exc)}, status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not UTF-8): bad input like any other, named (422)
            return JSONResponse(
                {"detail": [{"field": "body", "message": "Innholdet er ikke gyldig JSON i UTF-8."}]},
                status_code=422,
            )
        if exc.status_code == 405:
            allow = allowed_methods(api.openapi(), request.url.path)
            return JSONResponse(
                {"detail": "Metoden er ikke tillatt."}, status_code=405, headers={"Allow": ", ".join(allow)}
            )
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # not logged here: Starlette raises it on after the answer, and the pages' application logs it
        return JSONResponse({"detail": "Intern feil. Feilen er logget."}, status_code=500)


def _too_large(values: Any) -> bool:
    """True for any value that is an integer outside PostgreSQL's `integer` (our ids' column type)."""
    for value in values:
        try:
            if abs(int(str(value))) > 2**31 - 1:
                return True
        except ValueError:
            continue
    return False


def _log_refusal(request: Request, event_name: str) -> None:
    """Refusals go to the security log in their own transaction (the request's may have rolled back)."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    user = getattr(request.state, "user", None)
    with factory() as session:
        audit.security_event(
            session,
            event_name=event_name,
            actor=session.get(User, user.id) if user is not None else None,
            ip=client_ip(request),
            path=request.url.path,
        )
        session.commit()


def _warm_ranking(app: FastAPI) -> None:
    try:
        from jobs.runner import read_factory_for
        from recruitment import ranking

        ranking.warm(read_factory_for(app.state.engine))
    except Exception:  # only a head start: the first page builds the index itself
        log.exception("rangering: kunne ikke bygge indeksen ved oppstart")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Process start-up and shut-down.

    Sync routes run in a thread pool, and one request's transaction may begin in one pool thread and commit
    in another. On SQLite every transaction takes the single writer lock, so if all pool threads waited for
    that lock, the holder could not get a thread to commit: the pool must be larger than the number of
    requests in flight (`serve` caps those with uvicorn's limit_concurrency)."""
    to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threadpool_size
    service = None
    if isinstance(app.state.engine, Engine):  # a server process, not a test harness on one connection
        threading.Thread(target=_warm_ranking, args=(app,), name="rangering-oppvarming", daemon=True).start()
    if app.state.start_scheduler:
        from jobs.scheduler import SchedulerService

        service = SchedulerService(engine=app.state.engine, settings=app.state.settings)
        service.start()
    try:
        yield
    finally:
        if service is not None:
            service.stop()


def create_app(
    settings: Settings | None = None,
    session_factory: sessionmaker[Session] | None = None,
    *,
    start_scheduler: bool = False,
) -> FastAPI:
    """`start_scheduler`: run the scheduled jobs' service in this process while it serves (web.asgi)."""
    settings = settings or get_settings()
    if session_factory is None:
        engine = make_engine(settings.resolved_database_url())
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.engine = session_factory.kw["bind"]
    app.state.start_scheduler = start_scheduler
    app.state.secret_key = settings.resolved_secret_key()
    audit.configure_key(settings.resolved_audit_key())
    api = create_api(app)

    app.add_middleware(JsonBodyCheck, document=api.openapi)
    app.add_middleware(SecurityHeadersMiddleware)
    active = settings.active_requests
    if active is None:
        active = SQLITE_ACTIVE if is_sqlite(str(app.state.engine.engine.url)) else OTHER_ACTIVE
    if active > 0:
        app.add_middleware(ActiveRequestLimit, limit=active)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(PREFIX, api)
    install_page_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        try:
            with session_factory() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            log.exception("healthz: database unavailable")
            return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    from web.pages import page_routers

    for router in page_routers():
        app.include_router(router)
    return app


def create_api(app: FastAPI) -> FastAPI:
    """The JSON API, an application of its own (its own error handlers and document) sharing the pages' state
    (settings, session factory, keys). Its document names every path in full (/api/v1/...), as clients call it."""
    api = FastAPI(
        title="Arbeidsbro API",
        version="1.0",
        description="JSON-API for Arbeidsbro. Autentisering: `Authorization: Bearer <nøkkel>` fra `arbeidsbro user token`.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        root_path_in_servers=False,
        responses={401: {"description": "Mangler gyldig API-nøkkel"}},
        generate_unique_id_function=_operation_id,
    )
    api.state = app.state
    install_api_error_handlers(api)
    from web.api import api_routers

    for router in api_routers():
        api.include_router(router)

    def document() -> dict[str, Any]:
        """FastAPI's document completed with our error contract (web.api.contract): the error shapes and each
        operation's error codes, as install_api_error_handlers answers them."""
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes
            )
            schema["paths"] = {PREFIX + path: item for path, item in schema.get("paths", {}).items()}
            api.openapi_schema = complete_document(schema, PREFIX)
        return api.openapi_schema

    api.openapi = document  # type: ignore[method-assign]  # FastAPI's documented way to replace the OpenAPI document
    return api


def _operation_id(route: APIRoute) -> str:
    """FastAPI's own operation id, of the path in full: the ids (and body schema names) clients were made with."""
    return (
        re.sub(r"\W", "_", f"{route.name}{PREFIX}{route.path_format}")
        + f"_{sorted(route.methods or ())[0].lower()}"
    )
