"""Employer use cases: the registry (this module), the contact log (`service_contacts`), praksisplasser
(`service_praksis`) and openings (`service_openings`). Access is decided here, as query filters, so pages, API,
CLI and jobs obey the same rules. Callers import the module they use (the access rules are in `access`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Select, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from core import audit
from core import reference as reference_service
from core.cleaning import Cleaner
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.locking import check_version
from core.models import Base, User
from core.roles import NAV_STAFF
from employers import orgnr as orgnr_rules
from employers.access import (
    employer_ids_for,
    get_employer,
    is_staff,
    readable_employers,
    require_merge_or_delete,
    require_staff,
)
from employers.models import (
    EMPLOYER_STATUSES,
    SECTORS,
    SIZES,
    ContactPerson,
    Employer,
    EmployerContact,
    Opening,
    Praksisplass,
    employer_users,
)

DUPLICATE_THRESHOLD = 85
STAFF_ONLY_FIELDS = frozenset({"notes"})  # NAV's own notes about an employer, written for colleagues
_NACE_RE = re.compile(r"^\d{2}(\.\d{1,3})?$")
_NACE_LABELLED_RE = re.compile(r"\((\d{2}(?:\.\d{1,3})?)\)\s*$")


def _nace_code_of(raw: Any) -> Any:
    """A næringskode as the form shows it, with its name ("Drift av restauranter og kafeer (56.101)"), is its code."""
    if isinstance(raw, str) and (m := _NACE_LABELLED_RE.search(raw)):
        return m.group(1)
    return raw


_LEGAL_FORMS = {"as", "asa", "sa", "ans", "da", "ba", "enk", "nuf", "ks", "iks", "kf", "sf", "hf"}
_NOISE = {"avd", "avdeling", "avdelingen", "og", "&"}
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def employer_view(actor: User | None, employer: Employer) -> dict[str, Any]:
    """An employer's own columns as the actor may see them: NAV's notes about the employer (STAFF_ONLY_FIELDS)
    never reach the employer's users."""
    staff = actor is None or is_staff(actor)
    return {
        c.key: getattr(employer, c.key)
        for c in Employer.__table__.columns
        if staff or c.key not in STAFF_ONLY_FIELDS
    }


def employers_of(session: Session, user: User) -> Sequence[Employer]:
    return session.scalars(readable_employers(session, user).order_by(Employer.name)).all()


# --- registry -----------------------------------------------------------------------------------------


def _clean_employer(session: Session, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    if "nace_code" in data:
        data = {**data, "nace_code": _nace_code_of(data["nace_code"])}
    c = Cleaner(data, partial=partial)
    if not partial or c.has("orgnr"):
        number = orgnr_rules.normalise(str(data.get("orgnr") or ""))
        if (msg := orgnr_rules.orgnr_error(number)) is not None:
            c.error("orgnr", msg)
        else:
            c.out["orgnr"] = number
    c.optional_text("name", "Navn", required=True)
    c.optional_text("nace_code", "Næringskode", max_len=10)
    c.choice("sector", "Sektor", SECTORS, default="privat")
    c.optional_text("address", "Adresse")
    c.optional_text("postal_code", "Postnummer", max_len=4)
    c.choice("size", "Størrelse", SIZES)
    c.optional_text("website", "Nettsted")
    c.choice("status", "Status", EMPLOYER_STATUSES, default="prospekt")
    c.integer("responsible_user_id", "Ansvarlig markedskontakt", minimum=1)
    c.optional_text("notes", "Notater", max_len=20000)
    c.optional_text("municipality_code", "Kommunenummer", max_len=4)
    out = c.out
    if out.get("nace_code") and not _NACE_RE.match(out["nace_code"]):
        c.error("nace_code", "Næringskoden skrives som SN2007-kode, for eksempel 56.101 eller 47.")
    if out.get("website"):
        site = out["website"]
        if not re.match(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", site, re.IGNORECASE):
            c.error("website", "Nettstedet må være en adresse som https://eksempel.no.")
        elif not site.startswith(("http://", "https://")):
            out["website"] = "https://" + site
    if out.get("postal_code"):
        try:
            pc = reference_service.municipality_for_postal_code(session, out["postal_code"])
            out["municipality_code"] = pc.municipality_code
        except ValidationFailed as exc:
            c.error("postal_code", exc.message)
    elif out.get("municipality_code"):
        try:  # an older code of the municipality (0502) is stored as today's (3407)
            out["municipality_code"] = reference_service.clean_municipality_code(
                session, out["municipality_code"], field="municipality_code"
            )
        except ValidationFailed as exc:
            c.error("municipality_code", exc.message)
    if out.get("responsible_user_id"):
        owner = session.get(User, out["responsible_user_id"])
        if owner is None or owner.role not in NAV_STAFF:
            c.error("responsible_user_id", "Ansvarlig må være en NAV-ansatt.")
    return c.done()


def create_employer(session: Session, *, actor: User | None, **fields: Any) -> Employer:
    """Refuses an orgnr that fails the mod-11 check or is already registered; similar names are only warned of
    (see `similar_employers`), since two shops of one chain may well be separate organisations."""
    require_staff(actor)
    data = _clean_employer(session, fields, partial=False)
    if session.scalar(select(Employer.id).where(Employer.orgnr == data["orgnr"])):
        raise Conflict(
            f"Arbeidsgiveren med organisasjonsnummer {data['orgnr']} er allerede registrert.", field="orgnr"
        )
    if data.get("responsible_user_id") is None and actor is not None and actor.role != "admin":
        data["responsible_user_id"] = actor.id
    employer = Employer(**data, owner_office_id=actor.office_id if actor is not None else None)
    session.add(employer)
    session.flush()
    audit.record(session, actor=actor, action="create", subject_type="employer", subject_id=employer.id)
    return employer


def update_employer(session: Session, *, actor: User | None, employer_id: int, **fields: Any) -> Employer:
    """Partial update; `version` (from the form) refuses a save based on a stale read (core.locking)."""
    require_staff(actor)
    employer = get_employer(session, actor=actor, employer_id=employer_id)
    check_version(
        session,
        employer,
        fields.pop("version", None),
        subject_type="employer",
        label="Arbeidsgiveren",
        fields=fields,
    )
    data = _clean_employer(session, fields, partial=True)
    if "orgnr" in data and data["orgnr"] != employer.orgnr:
        taken = session.scalar(select(Employer.id).where(Employer.orgnr == data["orgnr"]))
        if taken:
            raise Conflict(
                f"Organisasjonsnummer {data['orgnr']} er allerede registrert på en annen arbeidsgiver.",
                field="orgnr",
            )
    for key, value in data.items():
        if key == "sector" and value is None:
            continue
        setattr(employer, key, value)
    session.flush()
    audit.record(session, actor=actor, action="update", subject_type="employer", subject_id=employer.id)
    return employer


def get_by_orgnr(session: Session, orgnr: str) -> Employer:
    number = orgnr_rules.normalise(orgnr)
    if (msg := orgnr_rules.orgnr_error(number)) is not None:
        raise ValidationFailed(msg, field="employer")
    employer = session.scalar(select(Employer).where(Employer.orgnr == number))
    if employer is None:
        raise NotFound(f"Fant ingen arbeidsgiver med organisasjonsnummer {number}.")
    return employer


def find_by_orgnr(session: Session, orgnr: str) -> Employer | None:
    return session.scalar(select(Employer).where(Employer.orgnr == orgnr_rules.normalise(orgnr)))


def bind_user(session: Session, *, user: User, employer: Employer) -> None:
    if user.role != "arbeidsgiver":
        raise ValidationFailed("Bare arbeidsgiverbrukere kan knyttes til en arbeidsgiver.", field="employer")
    if employer.id not in employer_ids_for(session, user):
        session.execute(insert(employer_users).values(employer_id=employer.id, user_id=user.id))


def users_of(session: Session, employer_id: int) -> Sequence[User]:
    return session.scalars(
        select(User)
        .join(employer_users, employer_users.c.user_id == User.id)
        .where(employer_users.c.employer_id == employer_id)
        .order_by(User.name)
    ).all()


EMPLOYER_SORTS = {
    "navn": (Employer.name,),
    "nyeste": (Employer.created_at.desc(), Employer.id.desc()),
    "status": (Employer.status, Employer.name),
    "kontakt": ("last_contact",),
}


@dataclass(frozen=True)
class EmployerRow:
    employer: Employer
    last_contact: Any


def _search(
    stmt: Select[Any], *, term: bool, orgnr: bool, status: bool, municipality: bool, mine: bool
) -> Select[Any]:
    """The list's search and filters, as bound parameters (`pattern`, `orgnr`, `status`, `municipality`,
    `owner_id` from `_search_params`): one statement then serves every search of its shape."""
    if term:
        name = Employer.name.ilike(bindparam("pattern"))
        stmt = stmt.where(or_(name, Employer.orgnr == bindparam("orgnr")) if orgnr else name)
    if status:
        stmt = stmt.where(Employer.status == bindparam("status"))
    if municipality:
        stmt = stmt.where(Employer.municipality_code == bindparam("municipality"))
    if mine:
        stmt = stmt.where(Employer.responsible_user_id == bindparam("owner_id"))
    return stmt


def _search_params(
    actor: User, q: str, status: str, municipality_code: str, mine: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Search name or orgnr: (the shape for `_search`, the values it binds)."""
    term = q.strip()
    digits = term.replace(" ", "")
    orgnr = bool(term) and digits.isdigit()
    shape = {
        "term": bool(term),
        "orgnr": orgnr,
        "status": bool(status),
        "municipality": bool(municipality_code),
        "mine": mine,
    }
    values = {
        "pattern": f"%{term}%",
        "orgnr": digits,
        "status": status,
        "municipality": municipality_code,
        "owner_id": actor.id,
    }
    return shape, values


# Each employer's last contact date: shown in the list, and its order «kontakt».
_LAST_CONTACT = (
    select(EmployerContact.employer_id, func.max(EmployerContact.date).label("last_contact"))
    .group_by(EmployerContact.employer_id)
    .subquery()
)


def _ordering(sort: str) -> tuple[Any, ...]:
    """The list's order by its name in EMPLOYER_SORTS («navn» for an unknown one); «kontakt» needs _LAST_CONTACT
    joined: never contacted first, then the longest since."""
    if sort == "kontakt":
        return (_LAST_CONTACT.c.last_contact.is_(None).desc(), _LAST_CONTACT.c.last_contact, Employer.name)
    return EMPLOYER_SORTS.get(sort, EMPLOYER_SORTS["navn"])


def list_employers(
    session: Session,
    *,
    actor: User,
    q: str = "",
    status: str = "",
    municipality_code: str = "",
    mine: bool = False,
    sort: str = "navn",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[EmployerRow], int]:
    """Search (name or orgnr), filter and sort; returns one page of rows with their last contact date."""
    shape, values = _search_params(actor, q, status, municipality_code, mine)
    stmt = _search(readable_employers(session, actor), **shape)
    filtered = stmt
    # the total rides along as a window count: one query for the page instead of two
    stmt = (
        stmt.outerjoin(_LAST_CONTACT, _LAST_CONTACT.c.employer_id == Employer.id)
        .add_columns(_LAST_CONTACT.c.last_contact, func.count().over())
        .order_by(*_ordering(sort))
    )
    rows = session.execute(stmt.limit(limit).offset(offset), values).all()
    if rows:
        total = rows[0][2]
    else:  # past the last page (or nothing at all): ask for the count itself
        count_stmt = select(func.count()).select_from(filtered.subquery())
        total = (session.scalar(count_stmt, values) or 0) if offset else 0
    return [EmployerRow(r[0], r[1]) for r in rows], total


def _employer_page(base: Select[Any], columns: tuple[str, ...], sort: str, **shape: bool) -> Select[Any]:
    """`list_employers`' page as plain columns, without its total and last contact (joined only to sort by it);
    bound: the `_search` values, `limit`, `offset`."""
    stmt = _search(base.with_only_columns(*(getattr(Employer, c) for c in columns)), **shape)
    if sort == "kontakt":
        stmt = stmt.outerjoin(_LAST_CONTACT, _LAST_CONTACT.c.employer_id == Employer.id)
    return stmt.order_by(*_ordering(sort)).limit(bindparam("limit")).offset(bindparam("offset"))


def list_employer_columns(
    session: Session,
    *,
    actor: User,
    columns: Sequence[str],
    q: str = "",
    status: str = "",
    municipality_code: str = "",
    mine: bool = False,
    sort: str = "navn",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The rows `list_employers` would return, in its order, as dicts of the named `Employer` columns: for the
    JSON list, which shows only these (no ORM rows, no total, no last contact)."""
    shape, values = _search_params(actor, q, status, municipality_code, mine)
    sort = sort if sort in EMPLOYER_SORTS else "navn"
    if not is_staff(actor):
        columns = [c for c in columns if c not in STAFF_ONLY_FIELDS]
    stmt = _employer_page(readable_employers(session, actor), tuple(columns), sort, **shape)
    rows = session.execute(stmt, {**values, "limit": limit, "offset": offset}).all()
    return [dict(zip(columns, r, strict=True)) for r in rows]


# --- duplicates and merging ---------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Case, æøå, punctuation, legal forms (AS, ASA, SA, ANS, DA …) and "avd." do not make a different employer."""
    text = unicodedata.normalize("NFC", (name or "").lower()).translate(_FOLD)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\b(avd|avdeling|avdelingen)\b.*$", " ", text)  # a department is the same employer
    words = [w for w in text.split() if w not in _LEGAL_FORMS and w not in _NOISE]
    return " ".join(words)


@dataclass(frozen=True)
class SimilarEmployer:
    employer: Employer
    score: float


def similar_employers(
    session: Session,
    *,
    name: str,
    municipality_code: str | None,
    exclude_id: int | None = None,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[SimilarEmployer]:
    """Employers in the same municipality whose normalised names are close (rapidfuzz token sort ratio)."""
    if not municipality_code:
        return []
    target = normalise_name(name)
    if not target:
        return []
    stmt = select(Employer).where(Employer.municipality_code == municipality_code)
    if exclude_id is not None:
        stmt = stmt.where(Employer.id != exclude_id)
    found = []
    for other in session.scalars(stmt):
        other_name = normalise_name(other.name)
        score = max(fuzz.token_sort_ratio(target, other_name), fuzz.ratio(target, other_name))
        if score >= threshold:
            found.append(SimilarEmployer(other, round(score, 1)))
    return sorted(found, key=lambda s: -s.score)


def similar_to_new(session: Session, **fields: Any) -> list[SimilarEmployer]:
    """Before saving a new employer: the registered ones with a similar name in its municipality (found from
    the postal code as when saving). Input that would not save finds nothing; saving names the error."""
    try:
        data = _clean_employer(session, fields, partial=False)
    except ValidationFailed:
        return []
    return similar_employers(session, name=data["name"], municipality_code=data.get("municipality_code"))


@dataclass(frozen=True)
class MergeSide:
    """One of two records about to be merged, with what it carries (for the side-by-side confirmation)."""

    employer: Employer
    valid_orgnr: bool
    openings: int
    contacts: int
    persons: int
    praksisplasser: int
    users: int

    @property
    def history(self) -> int:
        return self.openings + self.contacts + self.persons + self.praksisplasser + self.users


@dataclass(frozen=True)
class MergePlan:
    """Which record survives a merge: `keep` (the established one), `merge` (the one folded into it), or why
    the two may not be merged at all (`refused`)."""

    keep: MergeSide
    merge: MergeSide
    refused: str | None


def _merge_side(session: Session, employer: Employer) -> MergeSide:
    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    eid = employer.id
    return MergeSide(
        employer,
        orgnr_rules.is_valid(employer.orgnr),
        count(select(func.count()).select_from(Opening).where(Opening.employer_id == eid)),
        count(select(func.count()).select_from(EmployerContact).where(EmployerContact.employer_id == eid)),
        count(select(func.count()).select_from(ContactPerson).where(ContactPerson.employer_id == eid)),
        count(select(func.count()).select_from(Praksisplass).where(Praksisplass.employer_id == eid)),
        count(select(func.count()).select_from(employer_users).where(employer_users.c.employer_id == eid)),
    )


def merge_plan(session: Session, *, actor: User | None, a_id: int, b_id: int) -> MergePlan:
    """Decides the direction of a merge, never the person clicking: the record with a valid orgnr is kept; of
    two without (or an equal number), the established one — more history (openings, contacts, people,
    praksisplasser, users), then the older. Two different valid orgnr are two organisations: refused."""
    if a_id == b_id:
        raise ValidationFailed("Velg to forskjellige arbeidsgivere.", field="merge_id")
    a = _merge_side(session, get_employer(session, actor=actor, employer_id=a_id))
    b = _merge_side(session, get_employer(session, actor=actor, employer_id=b_id))

    def established(side: MergeSide) -> tuple[bool, int, float, int]:
        created = side.employer.created_at.timestamp() if side.employer.created_at else 0.0
        return (side.valid_orgnr, side.history, -created, -side.employer.id)

    keep, other = (a, b) if established(a) >= established(b) else (b, a)
    refused = None
    if keep.valid_orgnr and other.valid_orgnr and keep.employer.orgnr != other.employer.orgnr:
        refused = (
            f"{keep.employer.name} (org.nr. {keep.employer.orgnr}) og {other.employer.name} "
            f"(org.nr. {other.employer.orgnr}) har hvert sitt gyldige organisasjonsnummer og er to virksomheter. "
            "De kan ikke slås sammen."
        )
    return MergePlan(keep, other, refused)


def merge_employers(session: Session, *, actor: User | None, keep_id: int, merge_id: int) -> Employer:
    """Moves everything that points at `merge_id` (contacts, log, openings, praksisplasser, users, and other
    domains' references) to `keep_id`, fills the kept record's empty fields, and deletes the other record.
    Only in the direction `merge_plan` decides (the valid orgnr and the history are kept), never between two
    different valid orgnr."""
    if actor is not None and actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan slå sammen arbeidsgivere.")
    # a merge changes one record and deletes the other: both must be the actor's office's (or the admin's)
    keep = get_employer(session, actor=actor, employer_id=keep_id)
    require_merge_or_delete(actor, keep)
    if keep_id == merge_id:
        raise ValidationFailed("Velg to forskjellige arbeidsgivere.", field="merge_id")
    other = get_employer(session, actor=actor, employer_id=merge_id)
    require_merge_or_delete(actor, other)
    plan = merge_plan(session, actor=actor, a_id=keep_id, b_id=merge_id)
    if plan.refused:
        raise ValidationFailed(plan.refused, field="merge_id")
    if plan.keep.employer.id != keep_id:
        raise ValidationFailed(
            f"{plan.keep.employer.name} (org.nr. {plan.keep.employer.orgnr}) er den etablerte arbeidsgiveren og "
            "beholdes; slå den andre sammen inn i den.",
            field="merge_id",
        )
    keep, other = plan.keep.employer, plan.merge.employer
    # employer_users has a composite key: drop the links the kept record already has before moving the rest
    session.execute(
        delete(employer_users).where(
            employer_users.c.employer_id == other.id,
            employer_users.c.user_id.in_(
                select(employer_users.c.user_id).where(employer_users.c.employer_id == keep.id)
            ),
        )
    )
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "employers" and fk.column.name == "id":
                session.execute(update(table).where(fk.parent == other.id).values({fk.parent.name: keep.id}))
    for attr in ("nace_code", "address", "postal_code", "size", "website", "responsible_user_id"):
        if getattr(keep, attr) in (None, "") and getattr(other, attr) not in (None, ""):
            setattr(keep, attr, getattr(other, attr))
    if other.notes:
        keep.notes = "\n\n".join(
            n for n in (keep.notes, f"Fra {other.name} ({other.orgnr}): {other.notes}") if n
        )
    detail = f"slått sammen med {other.name} (org.nr. {other.orgnr}, id {other.id})"
    session.flush()
    session.expire(keep)
    session.delete(other)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="employer",
        subject_id=keep.id,
        purpose="sammenslåing",
        detail=detail,
    )
    return keep


# --- contact persons ----------------------------------------------------------------------------------


def _clean_person(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    c = Cleaner(data, partial=partial)
    c.optional_text("name", "Navn", required=True, max_len=200)
    c.optional_text("role", "Rolle", max_len=200)
    c.optional_text("phone", "Telefon", max_len=40)
    c.optional_text("email", "E-post", max_len=254)
    if c.out.get("email") and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", c.out["email"]):
        c.error("email", "Ugyldig e-postadresse.")
    if c.out.get("phone") and not re.match(r"^[+\d][\d ]{4,}$", c.out["phone"]):
        c.error("phone", "Telefonnummeret kan bare ha sifre, mellomrom og + først.")
    return c.done()


def add_contact_person(
    session: Session, *, actor: User | None, employer_id: int, **fields: Any
) -> ContactPerson:
    require_staff(actor)
    employer = get_employer(session, actor=actor, employer_id=employer_id)
    person = ContactPerson(employer_id=employer.id, **_clean_person(fields, partial=False))
    session.add(person)
    session.flush()
    return person


def get_contact_person(session: Session, *, actor: User, person_id: int) -> ContactPerson:
    person = session.get(ContactPerson, person_id)
    if person is None:
        raise NotFound("Fant ikke kontaktpersonen.")
    get_employer(session, actor=actor, employer_id=person.employer_id)
    return person


def update_contact_person(session: Session, *, actor: User, person_id: int, **fields: Any) -> ContactPerson:
    require_staff(actor)
    person = get_contact_person(session, actor=actor, person_id=person_id)
    for key, value in _clean_person(fields, partial=True).items():
        setattr(person, key, value)
    session.flush()
    return person


def delete_contact_person(session: Session, *, actor: User, person_id: int) -> None:
    require_staff(actor)
    session.delete(get_contact_person(session, actor=actor, person_id=person_id))
    session.flush()


def contact_persons(session: Session, *, actor: User, employer_id: int) -> Sequence[ContactPerson]:
    get_employer(session, actor=actor, employer_id=employer_id)
    return session.scalars(
        select(ContactPerson).where(ContactPerson.employer_id == employer_id).order_by(ContactPerson.name)
    ).all()


def staff_users(session: Session) -> Sequence[User]:
    """Who can own an employer or a next step."""
    return session.scalars(
        select(User).where(User.role.in_(NAV_STAFF), User.is_active.is_(True)).order_by(User.name)
    ).all()
