"""The `arbeidsbro` command line: operators script it, so names, arguments and JSON output are a contract.

Every command exits non-zero with one line naming the problem on bad input; `--json` prints JSON on stdout."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from candidates import importers as candidates_importers
from candidates import service_privacy as candidates_privacy
from core import accounts, audit, migrate
from core import backup as backup_service
from core import reference as reference_service
from core.db import get_engine, session_scope
from core.errors import DomainError
from core.formatting import today_in_oslo
from core.settings import get_settings
from employers import importers as employers_importers
from employers import service as employers_service
from followup import service_reports as followup_reports

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Arbeidsbro: kommandolinje for drift og integrasjoner.",
)
db_app = typer.Typer(no_args_is_help=True, help="Databasen.")
reference_app = typer.Typer(no_args_is_help=True, help="Referansedata (STYRK-08, kommuner, postnummer).")
office_app = typer.Typer(no_args_is_help=True, help="NAV-kontorer.")
user_app = typer.Typer(no_args_is_help=True, help="Brukere og API-nøkler.")
match_app = typer.Typer(no_args_is_help=True, help="Matching.")
app.add_typer(db_app, name="db")
app.add_typer(reference_app, name="reference")
app.add_typer(office_app, name="office")
app.add_typer(user_app, name="user")
app.add_typer(match_app, name="match")
followup_app = typer.Typer(no_args_is_help=True, help="Oppfølging (jobbspor, IPS).")
app.add_typer(followup_app, name="followup")
openings_app = typer.Typer(no_args_is_help=True, help="Stillinger (direktemeldte stillinger).")
app.add_typer(openings_app, name="openings")
jobs_app = typer.Typer(no_args_is_help=True, help="Planlagte jobber.")
app.add_typer(jobs_app, name="jobs")
audit_app = typer.Typer(no_args_is_help=True, help="Revisjonsloggen og sikkerhetsloggen.")
app.add_typer(audit_app, name="audit")

JsonFlag = Annotated[bool, typer.Option("--json", help="Skriv maskinlesbar JSON på stdout.")]


class CliError(Exception):
    """A one-line message for the operator; the exit code is 2 (bad input) unless given."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def emit(data: Any, as_json: bool, text: str | Callable[[], str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(text() if callable(text) else text)


@contextmanager
def db_session() -> Iterator[Session]:
    """All-or-nothing: a failing command leaves nothing half-written."""
    engine = get_engine()
    try:
        if not inspect(engine).has_table("alembic_version"):
            raise CliError("Databasen er ikke satt opp. Kjør først: arbeidsbro db upgrade")
    except OperationalError as exc:
        raise CliError(f"Får ikke kontakt med databasen: {exc.orig}", code=1) from exc
    with session_scope() as session:
        yield session


# --- db -------------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Kjør migreringer til siste versjon."""
    try:
        revision = migrate.upgrade(get_engine())
    except OperationalError as exc:
        raise CliError(f"Får ikke kontakt med databasen: {exc.orig}", code=1) from exc
    emit({"revision": revision}, as_json, f"Databasen er på versjon {revision}.")


# --- reference ------------------------------------------------------------------------------------------


ExistingFile = Annotated[Path | None, typer.Option(exists=False, dir_okay=False)]


@reference_app.command("import")
def reference_import(
    styrk: ExistingFile = None,
    municipalities: ExistingFile = None,
    postal_codes: ExistingFile = None,
    geo: ExistingFile = None,
    titles: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Yrkestitler: TSV med overskriften tittel<TAB>styrk08."),
    ] = None,
    mergers: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Kommunereformen 2020 (NAVs TSV): gamle kommunenummer som alias."),
    ] = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Hopp over om referansedata finnes.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Last STYRK-08, kommuner, postnummer og yrkestitler fra filer (SSB Klass JSON, NAVs postnummer-TSV,
    GeoNames CSV, tittel-TSV); uten filvalg det fulle referansedatasettet produktet leveres med."""
    for name, path in (
        ("--styrk", styrk),
        ("--municipalities", municipalities),
        ("--postal-codes", postal_codes),
        ("--geo", geo),
        ("--titles", titles),
        ("--mergers", mergers),
    ):
        if path is not None and not path.is_file():
            raise CliError(f"{name}: finner ikke filen {path}")
    if any((styrk, municipalities, postal_codes, geo, titles, mergers)):
        files = reference_service.ReferenceFiles(styrk, municipalities, postal_codes, geo, titles, mergers)
    else:
        data_dir = get_settings().data
        if data_dir is not None and not data_dir.is_dir():
            raise CliError(f"ARBEIDSBRO_DATA: finner ikke mappen {data_dir}")
        files = reference_service.default_files(data_dir)
    with db_session() as session:
        if if_empty and not reference_service.is_empty(session):
            emit(
                {
                    "styrk": 0,
                    "municipalities": 0,
                    "postal_codes": 0,
                    "titles": 0,
                    "municipality_aliases": 0,
                    "skipped": True,
                },
                as_json,
                "Referansedata finnes allerede; hoppet over.",
            )
            return
        counts = reference_service.import_reference(session, files)
    emit(counts, as_json, lambda: "Importert: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


# --- office and user ------------------------------------------------------------------------------------


@office_app.command("create")
def office_create(
    number: Annotated[str, typer.Option(help="Enhetsnummer, fire sifre.")],
    name: Annotated[str, typer.Option(help="Kontorets navn.")],
    municipalities: Annotated[str, typer.Option(help="Kommunenummer skilt med komma.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Opprett et NAV-kontor."""
    with db_session() as session:
        office = accounts.create_office(
            session, number=number, name=name, municipalities=municipalities.split(",")
        )
        data = {"id": office.id, "number": office.number}
    emit(data, as_json, f"Opprettet NAV-kontor {data['number']} (id {data['id']}).")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="E-postadresse (brukernavn).")],
    name: Annotated[str, typer.Option(help="Fullt navn.")],
    role: Annotated[
        str, typer.Option(help="admin, markedskontakt, jobbspesialist, veileder eller arbeidsgiver.")
    ],
    office: Annotated[str | None, typer.Option(help="Enhetsnummer for ansatte.")] = None,
    employed_by: Annotated[
        str | None,
        typer.Option(
            "--employed-by",
            help="stat eller kommune: hvem som er arbeidsgiver for en ansatt (standard stat).",
        ),
    ] = None,
    employer: Annotated[str | None, typer.Option(help="Organisasjonsnummer for arbeidsgiverbrukere.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Les passordet fra standard input.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Opprett en bruker. Passordet leses fra standard input, aldri fra kommandolinjen."""
    if not password_stdin:
        raise CliError("Oppgi passordet på standard input med --password-stdin.")
    password = sys.stdin.readline().rstrip("\r\n")
    if role == "arbeidsgiver" and not employer:
        raise CliError("--employer: en arbeidsgiverbruker må knyttes til et organisasjonsnummer.")
    if employer and role != "arbeidsgiver":
        raise CliError("--employer: bare arbeidsgiverbrukere knyttes til en arbeidsgiver.")
    with db_session() as session:
        office_obj = accounts.get_office_by_number(session, office) if office else None
        user = accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            office=office_obj,
            employment=employed_by,
        )
        if employer:
            employers_service.bind_user(
                session, user=user, employer=employers_service.get_by_orgnr(session, employer)
            )
        data = {"id": user.id}
        label = user.email
    emit(data, as_json, f"Opprettet bruker {label} (id {data['id']}).")


@user_app.command("token")
def user_token(
    email: Annotated[str, typer.Option(help="Brukerens e-post.")],
    name: Annotated[str, typer.Option(help="Hva nøkkelen skal brukes til.")] = "kommandolinje",
    as_json: JsonFlag = False,
) -> None:
    """Utsted en API-nøkkel (lagres bare som hash; vises én gang)."""
    with db_session() as session:
        user = accounts.get_user_by_email(session, email)
        token = accounts.issue_token(session, user=user, name=name)
    emit({"token": token}, as_json, token)


@user_app.command("revoke-tokens")
def user_revoke_tokens(email: Annotated[str, typer.Option()], as_json: JsonFlag = False) -> None:
    """Trekk tilbake alle API-nøklene til en bruker."""
    with db_session() as session:
        user = accounts.get_user_by_email(session, email)
        accounts.revoke_all_tokens(session, user=user)
        data = {"revoked": True, "email": user.email}
    emit(data, as_json, f"Alle API-nøkler for {data['email']} er trukket tilbake.")


@user_app.command("deactivate")
def user_deactivate(email: Annotated[str, typer.Option()], as_json: JsonFlag = False) -> None:
    """Deaktiver en bruker: innlogginger og API-nøkler avsluttes straks."""
    with db_session() as session:
        user = accounts.get_user_by_email(session, email)
        user.is_active = False
        accounts.end_all_sessions(session, user=user)
        accounts.revoke_all_tokens(session, user=user)
        data = {"id": user.id, "active": False}
    emit(data, as_json, f"Deaktiverte {email}.")


# --- demo data ------------------------------------------------------------------------------------------


@app.command("demo-data")
def demo_data(
    size: Annotated[str, typer.Option(help="small eller large.")] = "small",
    seed: Annotated[int, typer.Option(help="Frø for tilfeldighetene: samme frø gir samme data.")] = 42,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Gjør ingenting om databasen har data.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Last realistiske, syntetiske demodata i en tom database og skriv ut demo-innloggingene."""
    import demo

    if size not in ("small", "large"):
        raise CliError("--size må være small eller large.")
    with db_session() as session:
        if not demo.database_is_empty(session):
            if not if_empty:
                raise CliError("Databasen er ikke tom: demodata lastes bare i en tom database.")
            result = demo.existing_summary(session, seed=seed)
            result["skipped"] = True
        else:
            result = demo.load(session, size=size, seed=seed)
    emit(result, as_json, lambda: demo.format_summary(result))


# --- serve ----------------------------------------------------------------------------------------------


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Ikke start planlagte jobber.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Antall serverprosesser.")] = 1,
) -> None:
    """Server portalen og API-et."""
    import uvicorn

    engine = get_engine()
    if migrate.current_revision(engine) != migrate.head_revision():
        raise CliError("Databasen er ikke oppdatert. Kjør først: arbeidsbro db upgrade")
    # The worker processes read this from the environment (web.asgi); each starts a scheduler service, and the
    # database lease lets exactly one of them run the jobs.
    os.environ["ARBEIDSBRO_SCHEDULER"] = "0" if no_scheduler else "1"
    get_settings.cache_clear()  # read above already; web.asgi must see the flag
    typer.echo(f"Arbeidsbro kjører på http://{host}:{port}  (Ctrl+C for å stoppe)")
    uvicorn.run(
        "web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        # X-Forwarded-* only from the configured proxies (default none: not even 127.0.0.1, or anyone on the
        # machine could name any client address); web.deps.client_ip applies the same list.
        proxy_headers=bool(get_settings().trusted_proxies),
        forwarded_allow_ips=",".join(get_settings().trusted_proxies) or None,
        log_level="info",
        limit_concurrency=get_settings().max_requests_in_flight,
        backlog=2048,
    )


@app.command("scheduler")
def scheduler_cmd() -> None:
    """Kjør bare de planlagte jobbene (uten webserver), til Ctrl+C. Flere prosesser kan kjøre samtidig: bare
    den som har leiekontrakten i databasen kjører jobbene, og en annen tar over om den stopper."""
    import signal

    from jobs.scheduler import SchedulerService

    engine = get_engine()
    if migrate.current_revision(engine) != migrate.head_revision():
        raise CliError("Databasen er ikke oppdatert. Kjør først: arbeidsbro db upgrade")
    service = SchedulerService(engine=engine, settings=get_settings())
    signal.signal(signal.SIGTERM, lambda *_: service.stop())
    typer.echo(f"Planleggeren kjører ({service.holder}); Ctrl+C for å stoppe.")
    service.start()
    try:
        service.wait()
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()


# --- jobs -----------------------------------------------------------------------------------------------


@jobs_app.command("list")
def jobs_list(as_json: JsonFlag = False) -> None:
    """De planlagte jobbene med neste og siste kjøring."""
    from jobs import overview

    with db_session() as session:
        data = [s.as_dict() for s in overview.job_statuses(session)]

    def text() -> str:
        lines = []
        for job in data:
            last = f"{job['last_run'][:16]} {job['last_status']}" if job["last_run"] else "aldri kjørt"
            nxt = job["next_run"][:16] if job["next_run"] else "-"
            lines.append(f"{job['name']:<20} neste {nxt:<16}  sist {last}  ({job['schedule']})")
        return "\n".join(lines)

    emit(data, as_json, text)


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="Jobbens navn (se `jobs list`).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Bare vis hva som ville skjedd (retention).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Kjør én jobb nå i denne prosessen; kjøringen registreres som de planlagte."""
    from jobs import overview

    overview.get_spec(name)
    with db_session():
        pass  # checks that the database is set up before the run writes to it
    factory = sessionmaker(bind=get_engine(), expire_on_commit=False)
    outcome = overview.run_now(factory, get_settings(), name, dry_run=dry_run)
    data = outcome.as_dict()
    emit(data, as_json, lambda: f"{name}: {outcome.status} {json.dumps(outcome.counts, ensure_ascii=False)}")
    if outcome.status != "ok":
        first = (outcome.error or "").splitlines()[0] if outcome.error else "ukjent feil"
        raise CliError(f"jobben {name} feilet: {first}", code=1)


# --- backup and restore ---------------------------------------------------------------------------------


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Ny fil for sikkerhetskopien.")], as_json: JsonFlag = False
) -> None:
    """Ta en konsistent sikkerhetskopi av hele databasen mens den er i drift."""
    size = backup_service.backup(get_engine(), file)
    emit({"bytes": size}, as_json, f"Sikkerhetskopi skrevet til {file} ({size} byte).")


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="Sikkerhetskopien.")], as_json: JsonFlag = False
) -> None:
    """Gjenopprett en sikkerhetskopi til en tom database."""
    size = backup_service.restore(get_engine(), file)
    emit({"bytes": size}, as_json, f"Gjenopprettet fra {file} ({size} byte).")


# --- audit ----------------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(as_json: JsonFlag = False) -> None:
    """Kontroller den nøkkelbaserte kjeden (HMAC) over revisjonsloggen og sikkerhetsloggen."""
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        # A plain reader: the app's engine begins every transaction IMMEDIATE (core.db), which would hold the
        # writer lock of a serving process for the whole walk.
        engine = create_engine(engine.url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("audit_chain"):
                raise CliError("Databasen er ikke oppdatert. Kjør først: arbeidsbro db upgrade")
            result = audit.verify(conn, get_settings().resolved_audit_key().encode())
    except OperationalError as exc:
        raise CliError(f"Får ikke kontakt med databasen: {exc.orig}", code=1) from exc
    finally:
        if engine is not get_engine():
            engine.dispose()
    broken = result.get("broken")
    where = (
        f"{broken['log']}-loggen, {'rad ' + str(broken['row_id']) if broken['row_id'] else ''}"
        f"{' (nr. ' + str(broken['seq']) + ' i kjeden)' if broken['seq'] else ''}: {broken['reason']}"
        if broken
        else ""
    )
    if as_json or not broken:
        emit(result, as_json, f"Kjeden er hel: {result['rows']} rader kontrollert.")
    if broken:
        raise CliError(f"Kjeden er brutt i {where}", code=1)


# --- match ----------------------------------------------------------------------------------------------


@match_app.command("bench")
def match_bench(
    openings: Annotated[Path, typer.Option(help="openings.jsonl")],
    candidates: Annotated[Path, typer.Option(help="candidates.jsonl")],
    out: Annotated[Path, typer.Option(help="Fil for rangeringene (JSON Lines).")],
    top: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    qrels: Annotated[Path | None, typer.Option(help="qrels.jsonl for nDCG@10 og recall@10.")] = None,
    styrk: Annotated[
        Path | None, typer.Option(help="STYRK-08 (SSB Klass JSON); ellers fra databasen.")
    ] = None,
    geo: Annotated[Path | None, typer.Option(help="Postnummer med koordinater (GeoNames CSV).")] = None,
    titles: Annotated[
        Path | None,
        typer.Option(
            help="Yrkestitler (TSV tittel<TAB>styrk08) som tittelklassifisereren lærer av, som i produktet."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Ranger stillinger for hver kandidat i benchmark-formatet og mål kvaliteten."""
    for name, path in (
        ("--openings", openings),
        ("--candidates", candidates),
        ("--qrels", qrels),
        ("--styrk", styrk),
        ("--geo", geo),
        ("--titles", titles),
    ):
        if path is not None and not path.is_file():
            raise CliError(f"{name}: finner ikke filen {path}")
    from matching import bench

    styrk_names = bench.load_styrk_names(styrk) if styrk else _styrk_names_from_db()
    geo_data = bench.load_geo(geo) if geo else None
    mapper = None
    if titles is not None:
        from matching.titles import TitleClassifier

        mapper = TitleClassifier(bench.read_title_tsv(titles), styrk_names)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = bench.run_bench(
        openings,
        candidates,
        out,
        top=top,
        qrels_path=qrels,
        geo=geo_data,
        styrk_names=styrk_names,
        mapper=mapper,
    )
    emit(result, as_json, lambda: "\n".join(f"{k}: {v}" for k, v in result.items()))


@match_app.command("titles-eval")
def match_titles_eval(
    file: Annotated[Path, typer.Argument(help="TSV med overskrift tittel<TAB>styrk08.")],
    folds: Annotated[
        int | None,
        typer.Option(min=2, max=20, help="k-fold kryssvalidering over det medfølgende ordforrådet i stedet."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Mål tittel → STYRK-08: treff på yrkeskode, 3- og 2-sifret gruppe, ingen kode, sikre feil, mot en
    n-gram-nabo-grunnlinje i samme kjøring."""
    if not file.is_file():
        raise CliError(f"FILE: finner ikke filen {file}")
    from matching import titles
    from matching.bench import read_title_tsv

    builtin = reference_service.BUILTIN_DIR
    names = _styrk_all_levels(builtin / "klass" / "styrk08.json")
    vocabulary = read_title_tsv(builtin / "nav" / "yrkesbetegnelser_styrk08.tsv")
    if folds:
        result = titles.cross_validate(vocabulary, names, folds=folds)
    else:
        try:
            rows = read_title_tsv(file)
        except ValueError as exc:
            raise CliError(f"FILE: {exc}") from exc
        result = titles.evaluate_file(rows, vocabulary, names)
    emit(result, as_json, lambda: "\n".join(f"{k}: {v}" for k, v in result.items()))


def _styrk_all_levels(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(x["code"]): str(x["name"]) for x in data.get("classificationItems", [])}


def _styrk_names_from_db() -> dict[str, str] | None:
    try:
        with session_scope() as session:
            names = reference_service.styrk_names(session)
    except SQLAlchemyError:
        return None
    return dict(names) or None


# --- imports (openings, candidates) ---------------------------------------------------------------------

PartialFlag = Annotated[
    bool,
    typer.Option(
        "--partial", help="Importer de gyldige dokumentene selv om noen avvises (avslutter med kode 1 da)."
    ),
]


def _read_utf8(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"FILE: filen er ikke UTF-8-tekst (byte {exc.start}).") from exc


def _import_outcome(result: dict[str, Any], as_json: bool, partial: bool) -> None:
    """Prints the contract's `{"imported", "updated", "errors"}` (and `warnings`, where the import has them) and
    exits non-zero when any document was refused: 2 when nothing was saved (all or nothing), 1 with --partial when
    the valid ones went in."""

    def text() -> str:
        lines = [f"Importert: {result['imported']}, oppdatert: {result['updated']}."]
        lines += [f"Dokument {e['index']}: {e['field']}: {e['message']}" for e in result["errors"]]
        lines += [f"Advarsel, dokument {w['index']}: {w['message']}" for w in result.get("warnings", [])]
        return "\n".join(lines)

    emit(result, as_json, text)
    if result["errors"]:
        first = result["errors"][0]
        refused = len({e["index"] for e in result["errors"]})
        what = "de gyldige er importert" if partial else "ingenting er lagret"
        raise CliError(
            f"{refused} dokument(er) ble avvist, {what}; dokument {first['index']}, "
            f"{first['field']}: {first['message']}",
            code=1 if partial else 2,
        )


# --- openings -------------------------------------------------------------------------------------------


@openings_app.command("import")
def openings_import(
    file: Annotated[Path, typer.Argument(help="JSON-fil: ett dokument eller en liste av dokumenter.")],
    fmt: Annotated[
        str, typer.Option("--format", help="pam-ad (NAVs annonseformat) eller jobposting (schema.org).")
    ],
    partial: PartialFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Importer stillinger, alt eller ingenting: avvises ett dokument, lagres ingen (med --partial lagres de
    gyldige). Samme dokument importert på nytt oppdaterer stillingen, det lager ingen kopi."""
    if fmt not in employers_importers.FORMATS:
        raise CliError(f"--format: må være {' eller '.join(employers_importers.FORMATS)}, fikk {fmt!r}.")
    if not file.is_file():
        raise CliError(f"FILE: finner ikke filen {file}")
    documents = employers_importers.load_documents(_read_utf8(file))
    with db_session() as session:
        result = employers_importers.import_documents(session, documents, fmt=fmt, partial=partial).as_dict()
    _import_outcome(result, as_json, partial)


# --- candidates -----------------------------------------------------------------------------------------

candidates_app = typer.Typer(no_args_is_help=True, help="Kandidater (import av CV-er, sletting).")
app.add_typer(candidates_app, name="candidates")


@candidates_app.command("import")
def candidates_import(
    file: Annotated[Path, typer.Argument(help="JSON-fil: ett dokument eller en liste av dokumenter.")],
    fmt: Annotated[str, typer.Option("--format", help="jsonresume (JSON Resume 1.0).")],
    office: Annotated[str, typer.Option(help="Enhetsnummeret (fire sifre) kandidatene registreres ved.")],
    partial: PartialFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Importer kandidater med CV, alt eller ingenting: avvises ett dokument (feltsti og grunn), lagres ingen
    (med --partial lagres de gyldige); samme e-post ved samme kontor oppdaterer kandidaten i stedet for å lage
    en kopi."""
    if fmt not in candidates_importers.FORMATS:
        raise CliError(f"--format: må være {' eller '.join(candidates_importers.FORMATS)}, fikk {fmt!r}.")
    if not (office.isdigit() and len(office) == 4):
        raise CliError(f"--office: enhetsnummeret må være fire sifre, fikk {office!r}.")
    if not file.is_file():
        raise CliError(f"FILE: finner ikke filen {file}")
    documents = candidates_importers.load_documents(_read_utf8(file))
    with db_session() as session:
        office_obj = accounts.get_office_by_number(session, office)
        result = candidates_importers.import_documents(
            session, documents, office=office_obj, partial=partial
        ).as_dict()
    _import_outcome(result, as_json, partial)


@candidates_app.command("erase-expired")
def candidates_erase_expired(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Vis hvem som ville blitt slettet.")] = False,
    today: Annotated[str | None, typer.Option(help="Dato å regne fra (ÅÅÅÅ-MM-DD); standard i dag.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Slett kandidater der oppbevaringstiden (slettedatoen) er passert; bare revisjonsloggen blir igjen."""
    day = _cli_date(today, "--today") or today_in_oslo()
    with db_session() as session:
        ids = candidates_privacy.erase_expired(session, today=day, dry_run=dry_run)
    data = {"dry_run": dry_run, "count": len(ids), "candidate_ids": ids}
    verb = "Ville slettet" if dry_run else "Slettet"
    emit(data, as_json, f"{verb} {len(ids)} kandidat(er) med passert slettedato.")


# --- followup -------------------------------------------------------------------------------------------


def _cli_date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag}: ugyldig dato {value!r}; bruk ÅÅÅÅ-MM-DD.") from None


@followup_app.command("report")
def followup_report(
    office: Annotated[str, typer.Option(help="Enhetsnummer (fire sifre).")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="Fra dato (ÅÅÅÅ-MM-DD); standard ett år før --to.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Til dato (ÅÅÅÅ-MM-DD); standard i dag.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Oppfølgingstallene fra rapportsiden for ett NAV-kontor."""
    d_from, d_to = _cli_date(date_from, "--from"), _cli_date(date_to, "--to")
    if d_from and d_to and d_from > d_to:
        raise CliError("--from kan ikke være etter --to.")
    if not (office.isdigit() and len(office) == 4):
        raise CliError(f"--office: enhetsnummeret må være fire sifre, fikk {office!r}.")
    with db_session() as session:
        data = followup_reports.report_figures(session, office, d_from, d_to)

    def text() -> str:
        lines = [f"{k}: {v}" for k, v in data.items() if not isinstance(v, dict)]
        lines += [
            f"{k}: " + ", ".join(f"{kk}={vv}" for kk, vv in v.items())
            for k, v in data.items()
            if isinstance(v, dict)
        ]
        return "\n".join(lines)

    emit(data, as_json, text)


# --- entry point ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Runs the CLI with one-line errors instead of tracebacks or usage boxes."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="arbeidsbro", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        typer.echo(exc.format_message())
        sys.exit(0)
    except UsageError as exc:
        _fail(exc.format_message(), 2)
    except ClickException as exc:
        _fail(exc.format_message(), 1)
    except typer.Abort:
        _fail("Avbrutt.", 130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except CliError as exc:
        _fail(str(exc), exc.code)
    except DomainError as exc:
        field = f"{exc.field}: " if exc.field and exc.field not in exc.message else ""
        _fail(f"{field}{exc.message}", 2)
    except (OperationalError, ProgrammingError) as exc:
        _fail(f"Databasefeil: {str(exc.orig).splitlines()[0] if exc.orig else exc}", 1)
    except OSError as exc:
        _fail(f"Filfeil: {exc}", 1)
    except Exception as exc:  # one line for the operator; the trace with ARBEIDSBRO_DEBUG=1
        if os.environ.get("ARBEIDSBRO_DEBUG"):
            raise
        _fail(f"Uventet feil ({type(exc).__name__}): {exc}", 1)


def _fail(message: str, code: int) -> None:
    typer.echo(f"feil: {' '.join(message.split())}", err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
