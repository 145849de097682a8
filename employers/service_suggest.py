"""Typeahead for occupations, places and employers: the vocabulary read from the reference tables into
matching.suggest's indexes, built once per process and rebuilt when the reference data changes.

The indexes are kept per process with a cheap mark of the tables they were built from (row counts), checked on
each use, and at most `MAX_AGE_SECONDS` old, so an import in another process is seen within minutes and one in
this process at once (the counts change, or core.reference's cache generation does)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import reference as reference_service
from core.errors import ValidationFailed
from core.models import User
from core.settings import get_settings
from employers.access import readable_employers
from employers.models import Employer
from employers.styrk import synonyms as own_synonyms
from matching.suggest import (
    DEFAULT_LIMIT,
    OccupationIndex,
    OccupationSuggestion,
    PlaceIndex,
    PlaceSuggestion,
    code_in,
    rank_names,
)
from matching.titles import TitleClassifier, load_synonyms

__all__ = [
    "EmployerSuggestion",
    "classify_title",
    "employer_ref",
    "keep_provenance",
    "occupation_index",
    "place_index",
    "resolve_municipality",
    "resolve_occupation",
    "suggest_employers",
    "suggest_occupations",
    "suggest_places",
    "title_classifier",
    "warm_title_classifier",
    "with_chosen_codes",
]

MAX_AGE_SECONDS = 600.0
T = TypeVar("T")


class _Kept:
    """One index per process, rebuilt when its mark changes or it is older than MAX_AGE_SECONDS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: Any = None
        self._mark: Any = None
        self._built = 0.0

    def get(self, mark: Any, build: Callable[[], T]) -> T:
        now = time.monotonic()
        if self._value is not None and self._mark == mark and now - self._built < MAX_AGE_SECONDS:
            return self._value
        value = build()
        with self._lock:
            self._value, self._mark, self._built = value, mark, now
        return value


_occupations = _Kept()
_places = _Kept()


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def occupation_index(session: Session) -> OccupationIndex:
    """STYRK-08 unit-group names, NAV's titles, the project's synonym list and the short list in employers.styrk."""
    mark = _occupation_mark(session)

    def build() -> OccupationIndex:
        titles = [*reference_service.title_vocabulary(session), *load_synonyms(), *own_synonyms().items()]
        return OccupationIndex(reference_service.styrk_names(session), titles)

    return _occupations.get(mark, build)


def _occupation_mark(session: Session) -> tuple[int, int]:
    return (_count(session, reference_service.StyrkCode), _count(session, reference_service.RefTitle))


_classifier_lock = threading.Lock()
_classifier: list[Any] = [None, None]  # [vocabulary tuple it was built from, TitleClassifier]


def title_classifier(session: Session) -> TitleClassifier:
    """The process's title → STYRK-08 classifier, learnt from NAV's titles (core.reference.title_vocabulary),
    the STYRK-08 names and the synonym list. One per vocabulary: title_vocabulary hands back the same tuple
    until an import changes it. Its fitted model is kept in var/models under the data's hash, so a restart
    loads it in a second instead of fitting for a minute; the web server fits or loads it in the background at
    start (`warm_title_classifier`), and the matching index and the imports all use this one."""
    vocabulary = reference_service.title_vocabulary(session)
    with _classifier_lock:
        if _classifier[0] is not vocabulary or _classifier[1] is None:
            _classifier[0] = vocabulary
            _classifier[1] = TitleClassifier(
                vocabulary,
                reference_service.styrk_names(session, level=None),
                cache_dir=get_settings().var_dir / "models",
            )
        return _classifier[1]


def warm_title_classifier(session: Session) -> None:
    """Fit (or load) the classifier before the first request needs it."""
    title_classifier(session).fit()


def classify_title(session: Session, title: str) -> OccupationSuggestion | None:
    """An import's suggestion for a whole title (matching.titles' classifier, not the typeahead: a CV title is
    complete words, not the start of one), with the classifier's confidence; None when it names no unit group.
    A regulated profession (sykepleier, lege, …) comes only from a title that names it."""
    guess = title_classifier(session).classify(title or "")
    if not guess.code or len(guess.code) != 4:
        return None  # a group or nothing: the person chooses (the page lists the typeahead's suggestions)
    code, confidence = guess.code, guess.confidence
    name = reference_service.styrk_name(session, code)
    return OccupationSuggestion(code, name, name or code, round(float(confidence), 3))


def place_index(session: Session) -> PlaceIndex:
    """Municipalities (current ones first) and postal codes with their poststed."""
    mark = (_count(session, reference_service.Municipality), _count(session, reference_service.PostalCode))

    def build() -> PlaceIndex:
        municipalities = dict(
            session.execute(
                select(reference_service.Municipality.code, reference_service.Municipality.name)
            ).all()
        )
        postal = session.execute(
            select(
                reference_service.PostalCode.code,
                reference_service.PostalCode.place,
                reference_service.PostalCode.municipality_code,
            )
        )
        return PlaceIndex(municipalities, list(postal))

    return _places.get(mark, build)


def suggest_occupations(session: Session, q: str, limit: int = DEFAULT_LIMIT) -> list[OccupationSuggestion]:
    return occupation_index(session).search(q, limit)


def resolve_occupation(session: Session, text: str) -> OccupationSuggestion | None:
    """The unit group a person chose by typing or picking (a code, "Title (code)" or an exact title)."""
    return occupation_index(session).resolve(text)


def suggest_places(session: Session, q: str, limit: int = DEFAULT_LIMIT) -> list[PlaceSuggestion]:
    return place_index(session).search(q, limit)


def resolve_municipality(session: Session, text: str) -> str | None:
    """Today's code of the municipality a person chose: by name, "Name (code)" or a code, old codes included
    ("Gjøvik (0502)" → 3407)."""
    code = place_index(session).resolve_municipality(text)
    if code is None:
        code = code_in(text)
    return reference_service.canonical_municipality_code(session, code) if code else None


@dataclass(frozen=True)
class EmployerSuggestion:
    id: int
    name: str
    orgnr: str
    confidence: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.orgnr})"


def suggest_employers(
    session: Session, *, actor: User, q: str, limit: int = DEFAULT_LIMIT
) -> list[EmployerSuggestion]:
    """Employers the actor may see, by name (ø/o and typos forgiven) or orgnr. Names are read as three plain
    columns and ranked in Python: tolerant matching has no portable SQL form, and the registry is thousands of
    rows, not millions."""
    raw = (q or "").strip()
    if not raw:
        return []
    stmt = readable_employers(session, actor).with_only_columns(Employer.id, Employer.name, Employer.orgnr)
    digits = raw.replace(" ", "")
    if digits.isdigit():
        stmt = stmt.where(Employer.orgnr.startswith(digits))
    rows = session.execute(stmt.order_by(Employer.name)).all()
    by_id = {r[0]: r for r in rows}
    ranked = rank_names(raw, [(r[0], r[1], r[2]) for r in rows], limit)
    return [EmployerSuggestion(i, by_id[i][1], by_id[i][2], conf) for i, conf in ranked]


IMPORT_SOURCES = ("import", "tittel")


def with_chosen_codes(session: Session, data: dict[str, Any], *, place: bool = False) -> dict[str, Any]:
    """The form or API data with the typeahead's text read back to codes, and the code's provenance.

    `styrk_code` may be a code, "Title (code)" or an exact title; anything else is a 422 asking for a
    suggestion. A code given by an import keeps the import's `styrk_source`/`styrk_confidence`; any other code
    given is a person's choice. With `place`, `municipality_code` may be a name or "Name (code)" too."""
    out = dict(data)
    if "styrk_code" in data:
        raw = str(data.get("styrk_code") or "").strip()
        code: str | None = raw or None
        if raw and not raw.split(".")[0].isdigit():
            hit = resolve_occupation(session, raw)
            if hit is None:
                raise ValidationFailed(
                    f"Fant ikke yrket «{raw}». Skriv litt mer, eller velg et av forslagene.",
                    field="styrk_code",
                )
            code = hit.code
        out["styrk_code"] = code
        if code and data.get("styrk_source") in IMPORT_SOURCES:
            conf = data.get("styrk_confidence")
            out["styrk_source"] = data["styrk_source"]
            out["styrk_confidence"] = float(conf) if isinstance(conf, int | float) else None
        else:
            out["styrk_source"] = "person" if code else None
            out["styrk_confidence"] = None
    else:
        out.pop("styrk_source", None)
        out.pop("styrk_confidence", None)
    if place and data.get("municipality_code"):
        raw = str(data["municipality_code"]).strip()
        if raw and not raw.isdigit():
            municipality = resolve_municipality(session, raw)
            if municipality is None:
                raise ValidationFailed(
                    f"Fant ikke kommunen «{raw}». Skriv navnet, eller velg et av forslagene.",
                    field="municipality_code",
                )
            out["municipality_code"] = municipality
    return out


def keep_provenance(out: dict[str, Any], data: dict[str, Any], current: Any) -> None:
    """Copy the code's provenance (from `with_chosen_codes`) into the cleaned values; a save that leaves the code
    as it was keeps where it came from (an edit form posts the code it shows)."""
    if "styrk_source" not in data:
        return
    if current is not None and data.get("styrk_code") == current.styrk_code and current.styrk_source:
        return
    out["styrk_source"] = data["styrk_source"]
    out["styrk_confidence"] = data.get("styrk_confidence")


_ORGNR_AT_END = re.compile(r"\((\d{9})\)\s*$|^\s*(\d{9})\s*$")


def employer_ref(session: Session, *, actor: User, text: str, field: str) -> int:
    """The employer a person chose in a typeahead field: "Name (orgnr)", an orgnr, an id (what older forms and
    links send), or a name only one readable employer has exactly; otherwise a 422 on `field`."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed("Velg arbeidsgiver.", field=field)
    orgnr = _ORGNR_AT_END.search(raw)
    if orgnr:
        number = orgnr.group(1) or orgnr.group(2)
        found = session.scalar(
            readable_employers(session, actor).with_only_columns(Employer.id).where(Employer.orgnr == number)
        )
        if found is not None:
            return int(found)
    elif raw.isdigit():
        return int(raw)
    hits = [s for s in suggest_employers(session, actor=actor, q=raw, limit=2) if s.confidence >= 1.0]
    if len(hits) == 1:
        return hits[0].id
    raise ValidationFailed(
        f"Fant ingen entydig arbeidsgiver for «{raw}». Skriv navn eller organisasjonsnummer og velg et forslag.",
        field=field,
    )
