"""Reference data (STYRK-08, municipalities, postal codes) and its loaders for the public formats.

The product never reads ../shared: `arbeidsbro reference import` loads files given to it, from ARBEIDSBRO_DATA,
or by default the full data the project ships in core/refdata/ (sources and licences in its README)."""

from __future__ import annotations

import csv
import json
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from core.errors import ValidationFailed
from core.models import Base

BUILTIN_DIR = Path(__file__).with_name("refdata")


class StyrkCode(Base):
    __tablename__ = "ref_styrk08"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(4))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))


class Municipality(Base):
    __tablename__ = "ref_municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(2), index=True)


class MunicipalityAlias(Base):
    """A code a municipality had before (2014 list, the 2020 reform, another register's code for it), pointing at
    the current code in ref_municipalities, so data entered with an old code finds the same place."""

    __tablename__ = "ref_municipality_aliases"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))


class PostalCode(Base):
    __tablename__ = "ref_postal_codes"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    place: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    category: Mapped[str | None] = mapped_column(String(1))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class RefTitle(Base):
    """A job title as people write it, with the STYRK-08 unit group a coder gave it: the title classifier's
    vocabulary beside the STYRK names. `source` says whose list it came from ('nav' for NAV's observed titles),
    so one list can be re-imported without touching another."""

    __tablename__ = "ref_titles"
    __table_args__ = (UniqueConstraint("source", "title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    styrk_code: Mapped[str] = mapped_column(String(4), index=True)
    source: Mapped[str] = mapped_column(String(20))


@dataclass(frozen=True)
class ReferenceFiles:
    styrk: Path | None = None
    municipalities: Path | None = None
    postal_codes: Path | None = None
    geo: Path | None = None
    titles: Path | None = None
    mergers: Path | None = None

    @classmethod
    def from_folder(cls, folder: Path) -> ReferenceFiles:
        """Accepts the layout of core/refdata (klass/, nav/, geonames/) or the same files side by side; a file
        that is missing leaves its part out."""

        def find(*names: str) -> Path | None:
            for name in names:
                for candidate in (folder / name, folder / Path(name).name):
                    if candidate.is_file():
                        return candidate
            return None

        return cls(
            styrk=find("klass/styrk08.json"),
            municipalities=find("klass/kommuner2014.json"),
            postal_codes=find("nav/postal_codes_no.tsv"),
            geo=find("geonames/zipcodes.no.csv"),
            titles=find("nav/yrkesbetegnelser_styrk08.tsv"),
            mergers=find("nav/kor2020_municipality_mergers.tsv"),
        )


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationFailed(f"Fant ikke filen {path}.", field=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"{path} er ikke gyldig JSON: {exc}", field=str(path)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("classificationItems"), list):
        raise ValidationFailed(
            f"{path}: mangler classificationItems (SSB Klass-format).", field="classificationItems"
        )
    return data


def parse_klass(path: Path) -> Iterator[dict]:
    """Items of an SSB Klass version document: code, parentCode, level, name."""
    for i, item in enumerate(_read_json(path)["classificationItems"]):
        if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
            raise ValidationFailed(
                f"{path}: classificationItems[{i}] mangler code eller name.",
                field=f"classificationItems[{i}]",
            )
        yield {
            "code": str(item["code"]).strip(),
            "parent_code": (str(item["parentCode"]).strip() if item.get("parentCode") else None),
            "level": int(item.get("level") or 1),
            "name": str(item["name"]).strip(),
        }


def parse_postal_tsv(path: Path) -> Iterator[dict]:
    """NAV's postal code register: postnummer, poststed, kommunenummer, kommune, category (no header)."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise ValidationFailed(f"Fant ikke filen {path}.", field=str(path)) from exc
    with handle:
        for lineno, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 4 or not (row[0].isdigit() and len(row[0]) == 4 and row[2].isdigit()):
                raise ValidationFailed(
                    f"{path}, linje {lineno}: forventet postnummer, poststed, kommunenummer, kommune, kategori.",
                    field=f"linje {lineno}",
                )
            yield {
                "code": row[0],
                "place": row[1].strip().title(),
                "municipality_code": row[2].zfill(4),
                "municipality_name": row[3].strip().title(),
                "category": (row[4].strip()[:1] if len(row) > 4 else None) or None,
            }


def parse_geonames_csv(path: Path) -> Iterator[dict]:
    """GeoNames postal codes with coordinates (header row; zipcode, latitude, longitude, and when present the
    municipality as province_code/province: GeoNames' own, possibly newer or older, municipality codes)."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise ValidationFailed(f"Fant ikke filen {path}.", field=str(path)) from exc
    with handle:
        for row in csv.DictReader(handle):
            try:
                yield {
                    "code": row["zipcode"],
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                    "municipality_code": (row.get("province_code") or "").strip().zfill(4) or None,
                    "municipality_name": (row.get("province") or "").strip() or None,
                }
            except (KeyError, ValueError) as exc:
                raise ValidationFailed(f"{path}: ugyldig rad {row!r}", field="zipcode") from exc


def parse_mergers_tsv(path: Path) -> Iterator[dict]:
    """NAV's table of the 2020 municipality reform (pam-geography kor2020): "01 ØSTFOLD", "0101 HALDEN", "30 VIKEN",
    "3001 HALDEN" a row, a header line starting with #. A municipality split in two has two rows."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise ValidationFailed(f"Fant ikke filen {path}.", field=str(path)) from exc
    with handle:
        for lineno, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or not "".join(row).strip():
                continue
            parts = [cell.strip().split(" ", 1) for cell in row[:4]]
            if len(parts) < 4 or any(len(p) < 2 or not p[0].isdigit() for p in parts):
                raise ValidationFailed(
                    f"{path}, linje {lineno}: forventet fylke, kommune, nytt fylke, ny kommune (nummer og navn).",
                    field=f"linje {lineno}",
                )
            yield {
                "old_code": parts[1][0].zfill(4),
                "old_name": parts[1][1],
                "new_county": parts[2][0].zfill(2),
                "new_code": parts[3][0].zfill(4),
                "new_name": parts[3][1],
            }


def _name_key(name: str) -> str:
    """A municipality name for comparison across lists: case, a "(fylke)" qualifier and " - " between the
    Norwegian and Sami names do not count."""
    text = re.sub(r"\([^)]*\)", " ", name.lower()).replace(" - ", " ")
    return " ".join(text.split())


def _pretty_name(name: str) -> str:
    """NAV's register writes names in capitals; "NORE OG UVDAL" → "Nore og Uvdal"."""
    return re.sub(r"\bOg\b", "og", name.strip().title())


@dataclass
class _OldCode:
    code: str
    name: str
    county: str
    source: str
    successors: set[str]


def _derive_aliases(
    current: dict[str, dict], old: dict[str, _OldCode], by_postal_code: dict[str, str]
) -> dict[str, dict]:
    """Old code → current code, from the data alone.

    1. A code another register (GeoNames) gives to postal codes the postal register files under a current code
       is that municipality's (the most of its postal codes decide).
    2. An old code whose name is a current municipality's, within the counties the old county's municipalities
       went to (learned from the names that match only once in the whole country), is that municipality: this
       joins 0502 Gjøvik to 3407 and, through the 2020 list, 3024 Bærum to today's code.
    3. Otherwise the code's successor in the 2020 reform table, resolved the same way (0136 Rygge → 3002 Moss →
       today's Moss). A municipality split in two, or a name that stays ambiguous, gets no alias."""
    aliases: dict[str, dict] = {}
    for code, target in by_postal_code.items():
        if code not in current:
            aliases[code] = {"code": code, "municipality_code": target, "source": "geonames"}
    by_key: dict[str, list[str]] = defaultdict(list)
    for code, row in current.items():
        by_key[_name_key(row["name"])].append(code)

    def hits_for(name: str) -> list[str]:
        key = _name_key(name)
        if key in by_key:
            return by_key[key]
        words = set(key.split())  # "Kåfjord" is today's "Gáivuotna Kåfjord"
        return sorted(
            {
                c
                for k, codes in by_key.items()
                for c in codes
                if words <= set(k.split()) or set(k.split()) <= words
            }
        )

    seen: Counter[tuple[str, str]] = Counter()
    for entry in old.values():
        hits = hits_for(entry.name)
        if len(hits) == 1:
            seen[(entry.county, current[hits[0]]["county_code"])] += 1
    successors: dict[str, set[str]] = defaultdict(set)
    for (old_county, new_county), n in seen.items():
        if (
            n >= 2
        ):  # one stray name (Sande in Vestfold and in Møre og Romsdal) does not make a successor county
            successors[old_county].add(new_county)

    old_by_key: dict[str, list[str]] = defaultdict(list)
    for code, entry in old.items():
        old_by_key[_name_key(entry.name)].append(code)

    def resolve(code: str, depth: int = 0) -> str | None:
        if code in current:
            return code
        entry = old.get(code)
        if entry is None or depth > 3:
            return None
        hits = hits_for(entry.name)
        if successors.get(entry.county):
            hits = [h for h in hits if current[h]["county_code"] in successors[entry.county]]
        if len(hits) == 1:
            return hits[0]
        later = set(entry.successors)
        if not later and successors.get(entry.county):
            # the same name under a later code in a successor county (2014's 1612 Hemne is 2018's 5011 Hemne)
            later = {
                c
                for c in old_by_key.get(_name_key(entry.name), ())
                if c != code and old[c].county in successors[entry.county]
            }
        targets = {resolve(s, depth + 1) for s in later}
        return targets.pop() if len(targets) == 1 else None

    for code, entry in old.items():
        if code in current or code in aliases:
            continue
        resolved = resolve(code)
        if resolved:
            aliases[code] = {"code": code, "municipality_code": resolved, "source": entry.source}
    names = {code: entry.name for code, entry in old.items()}
    for code, row in aliases.items():
        row["name"] = names.get(code) or current[row["municipality_code"]]["name"]
    return aliases


def _import_places(session: Session, files: ReferenceFiles, result: dict[str, int]) -> None:
    """Municipalities with today's codes and names from the postal register, postal codes with coordinates joined
    by postal code from GeoNames, and the aliases by which older codes (2014 list, 2020 reform, GeoNames' codes)
    reach the same municipality."""
    current: dict[str, dict] = {}
    postal_rows: list[dict] = []
    if files.postal_codes:
        for r in parse_postal_tsv(files.postal_codes):
            code = r.pop("municipality_code")
            name = r.pop("municipality_name")
            current[code] = {"code": code, "name": _pretty_name(name), "county_code": code[:2]}
            postal_rows.append({**r, "municipality_code": code})
    geo = {g["code"]: g for g in parse_geonames_csv(files.geo)} if files.geo else {}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in postal_rows:
        g = geo.get(r["code"])
        r["latitude"] = g["latitude"] if g else None
        r["longitude"] = g["longitude"] if g else None
        if g and g["municipality_code"]:
            votes[g["municipality_code"]][r["municipality_code"]] += 1
            gname = g["municipality_name"] or ""
            if g["municipality_code"] == r["municipality_code"] and _name_key(gname) == _name_key(
                current[r["municipality_code"]]["name"]
            ):
                current[r["municipality_code"]]["name"] = (
                    gname  # GeoNames spells it as written: "Nore og Uvdal"
                )
    by_postal_code = {code: v.most_common(1)[0][0] for code, v in votes.items()}

    old: dict[str, _OldCode] = {}
    if files.municipalities:
        for r in parse_klass(files.municipalities):
            code = r["code"].zfill(4)
            old[code] = _OldCode(code, r["name"], code[:2], "klass-2014", set())
    if files.mergers:
        for r in parse_mergers_tsv(files.mergers):
            entry = old.get(r["old_code"])
            if entry is None or entry.source != "nav-2020":
                entry = old[r["old_code"]] = _OldCode(
                    r["old_code"], _pretty_name(r["old_name"]), r["old_code"][:2], "nav-2020", set()
                )
            if r["new_code"] != r["old_code"]:
                entry.successors.add(r["new_code"])
                old.setdefault(
                    r["new_code"],
                    _OldCode(r["new_code"], _pretty_name(r["new_name"]), r["new_county"], "nav-2020", set()),
                )

    if current:
        result["municipalities"] = _upsert(session, Municipality, current.values())
    elif old and not session.scalar(select(func.count()).select_from(Municipality)):
        # No register anywhere: the old list is the only one there is, so it is the municipality table.
        rows = [{"code": c, "name": e.name, "county_code": c[:2]} for c, e in old.items()]
        result["municipalities"] = _upsert(session, Municipality, rows)
        old = {}
    if postal_rows:
        result["postal_codes"] = _upsert(session, PostalCode, postal_rows)
    # Today's municipalities are those the postal register files postal codes under (all rows when there is none);
    # any other row is an older code (an earlier import loaded the 2014 list as municipalities) and goes.
    in_register = set(session.scalars(select(PostalCode.municipality_code).distinct()))
    register: dict[str, dict] = {}
    for m in session.scalars(select(Municipality)):
        if in_register and m.code not in in_register:
            session.delete(m)
        else:
            register[m.code] = {"code": m.code, "name": m.name, "county_code": m.county_code}
    if old or by_postal_code:
        aliases = _derive_aliases(register, old, by_postal_code)
        result["municipality_aliases"] = _upsert(session, MunicipalityAlias, aliases.values())
    # An alias whose code became a municipality, or whose municipality is gone, points nowhere.
    for alias in session.scalars(select(MunicipalityAlias)):
        if alias.code in register or alias.municipality_code not in register:
            session.delete(alias)
    session.flush()


TITLES_HEADER = ("tittel", "styrk08")


def parse_titles_tsv(path: Path) -> Iterator[dict]:
    """A title list: TSV with the header `tittel<TAB>styrk08`, one title and its STYRK-08 unit group a row."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise ValidationFailed(f"Fant ikke filen {path}.", field=str(path)) from exc
    with handle:
        reader = csv.reader(handle, delimiter="\t")
        header = tuple(c.strip().lower() for c in next(reader, []))
        if header[:2] != TITLES_HEADER:
            raise ValidationFailed(
                f"{path}: første linje må være overskriften tittel<TAB>styrk08.", field="linje 1"
            )
        for lineno, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            title = row[0].strip() if row else ""
            code = row[1].strip() if len(row) > 1 else ""
            if not title or len(title) > 200 or not (code.isdigit() and len(code) == 4):
                raise ValidationFailed(
                    f"{path}, linje {lineno}: forventet en tittel og en firesifret STYRK-08-kode.",
                    field=f"linje {lineno}",
                )
            yield {"title": title, "styrk_code": code}


def _import_titles(session: Session, path: Path, source: str) -> int:
    """Replaces the titles of `source` with the file's (updating rows in place); a title may appear once.

    A code must be a unit group in ref_styrk08 when that table is loaded: a title pointing nowhere would teach
    the classifier a code no page can name."""
    known = set(session.scalars(select(StyrkCode.code).where(StyrkCode.level == 4)))
    rows: dict[str, dict] = {}
    for row in parse_titles_tsv(path):
        if known and row["styrk_code"] not in known:
            raise ValidationFailed(
                f"{path}: ukjent STYRK-08-kode {row['styrk_code']} for «{row['title']}».",
                field="styrk08",
            )
        rows[row["title"]] = {**row, "source": source}
    existing = {t.title: t for t in session.scalars(select(RefTitle).where(RefTitle.source == source))}
    if not existing and rows:
        session.execute(insert(RefTitle), list(rows.values()))
        _written(None, session.connection(), None)  # type: ignore[arg-type]  # bulk: no mapper events
        return len(rows)
    for title, obj in existing.items():
        if title not in rows:
            session.delete(obj)
    for title, row in rows.items():
        stored = existing.get(title)
        if stored is None:
            session.add(RefTitle(**row))
        elif stored.styrk_code != row["styrk_code"]:
            stored.styrk_code = row["styrk_code"]
    session.flush()
    return len(rows)


def _upsert(session: Session, model: type[Base], rows: Iterable[dict], key: str = "code") -> int:
    existing = {getattr(o, key): o for o in session.scalars(select(model))}
    if not existing:
        # First load (every fresh install, every test): one executemany instead of thousands of ORM objects.
        # Bulk statements fire no mapper events, so mark the write for the cache here (see LookupCache).
        fresh = list({row[key]: row for row in rows}.values())
        if fresh:
            session.execute(insert(model), fresh)
            _written(None, session.connection(), None)  # type: ignore[arg-type]  # bulk: no mapper events (the listener takes none)
        return len(fresh)
    count = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            session.add(obj)
            existing[row[key]] = obj
        else:
            for k, v in row.items():
                setattr(obj, k, v)
        count += 1
    session.flush()
    return count


def import_reference(
    session: Session, files: ReferenceFiles, *, titles_source: str = "nav"
) -> dict[str, int]:
    """Idempotent: a second import updates rows in place. The caller's transaction makes it all-or-nothing."""
    result = {"styrk": 0, "municipalities": 0, "postal_codes": 0, "titles": 0, "municipality_aliases": 0}
    if files.styrk:
        rows = [r for r in parse_klass(files.styrk) if len(r["code"]) <= 4]
        result["styrk"] = _upsert(session, StyrkCode, rows)
    if files.municipalities or files.postal_codes or files.geo or files.mergers:
        _import_places(session, files, result)
    if files.titles:
        result["titles"] = _import_titles(session, files.titles, titles_source)
    return result


def default_files(data_dir: Path | None) -> ReferenceFiles:
    """The files of ARBEIDSBRO_DATA when set, else the full data shipped in core/refdata."""
    return ReferenceFiles.from_folder(data_dir if data_dir else BUILTIN_DIR)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(StyrkCode))


# --- cached lookups ------------------------------------------------------------------------------------

T = TypeVar("T")

CACHE_TTL_SECONDS = 60.0
"""How stale a cached name may be when `arbeidsbro reference import` ran in another process."""


class LookupCache:
    """Process-wide cache of single reference lookups (code → name/place), for pages that show them on every
    request.

    The reference tables change only when an operator runs the import. An import in this process (any ORM write
    to the reference tables) clears the cache at once, and again when that transaction commits or rolls back, so
    neither the old names nor uncommitted new ones outlive it. An import in another process cannot tell us, so
    the whole cache is dropped `ttl` seconds after it was started: a name is never more than `ttl` old. We chose
    a time-to-live over a version check because the tables carry no change mark, and any check would cost a
    query per lookup, which is what the cache saves; a minute of old names after an import is harmless.
    A lookup that started before an invalidation does not store its (possibly old) result."""

    def __init__(self, ttl: float = CACHE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._values: dict[tuple[str, str], Any] = {}
        self._generation = 0
        self._expires = clock() + ttl
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._values = {}
            self._expires = self.clock() + self.ttl

    def get(self, kind: str, key: str, load: Callable[[], T]) -> T:
        """The cached value of (kind, key), or `load()` (which reads the database) stored for later."""
        if self.clock() >= self._expires:
            self.invalidate()
        try:
            return self._values[(kind, key)]
        except KeyError:
            pass
        generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                self._values[(kind, key)] = value
        return value


_cache = LookupCache()
_DIRTY = "arbeidsbro.reference_written"


def invalidate_cache() -> None:
    """Forget every cached lookup (after an import; tests may call it too)."""
    _cache.invalidate()


def _written(_mapper: Mapper[Any], connection: Connection, _target: Any) -> None:
    # Mark the connection so its commit or rollback clears the cache again (see LookupCache).
    connection.info[_DIRTY] = True
    _cache.invalidate()


def _transaction_ended(connection: Connection) -> None:
    if connection.info.pop(_DIRTY, False):
        _cache.invalidate()


def _savepoint_rolled_back(connection: Connection, _name: str, _context: Any) -> None:
    # The enclosing transaction may hold other writes: keep the mark for its end.
    if connection.info.get(_DIRTY):
        _cache.invalidate()


for _model in (StyrkCode, Municipality, MunicipalityAlias, PostalCode, RefTitle):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _written)
event.listen(Engine, "commit", _transaction_ended)
event.listen(Engine, "rollback", _transaction_ended)
event.listen(Engine, "rollback_savepoint", _savepoint_rolled_back)


@dataclass(frozen=True)
class PostalPlace:
    """A postal code as read from the register (a snapshot, shared between requests: not an ORM row)."""

    code: str
    place: str
    municipality_code: str
    category: str | None
    latitude: float | None
    longitude: float | None


_STYRK_NAME = select(StyrkCode.name).where(StyrkCode.code == bindparam("code"))
_MUNICIPALITY_NAME = select(Municipality.name).where(Municipality.code == bindparam("code"))
_POSTAL_CODE = select(
    PostalCode.code,
    PostalCode.place,
    PostalCode.municipality_code,
    PostalCode.category,
    PostalCode.latitude,
    PostalCode.longitude,
).where(PostalCode.code == bindparam("code"))


def styrk_name(session: Session, code: str | None) -> str:
    """The STYRK-08 name of a code, "" for none or an unknown code (cached, see LookupCache)."""
    if not code:
        return ""
    return _cache.get("styrk", code, lambda: session.scalar(_STYRK_NAME, {"code": code}) or "")


def styrk_names(session: Session, level: int | None = 4) -> Mapping[str, str]:
    """Every STYRK-08 name of a level (None: all levels), code → name. Pages that show a person's occupations
    read it on every view, so it is kept like the single names (`LookupCache`); read-only, shared by callers."""

    def load() -> Mapping[str, str]:
        stmt = select(StyrkCode.code, StyrkCode.name)
        if level is not None:
            stmt = stmt.where(StyrkCode.level == level)
        return MappingProxyType({code: name for code, name in session.execute(stmt)})

    return _cache.get("styrk_names", str(level), load)


_TITLE_VOCABULARY = (
    select(RefTitle.title, RefTitle.styrk_code).distinct().order_by(RefTitle.title, RefTitle.styrk_code)
)


_last_vocabulary: list[tuple[tuple[str, str], ...]] = [()]


def title_vocabulary(session: Session) -> tuple[tuple[str, str], ...]:
    """Every known (title, STYRK-08 code) pair, all sources, each pair once, in a stable order: what the title
    classifier learns from. Cached in-process like the names (see LookupCache). While the pairs stay the same the
    very same tuple object comes back, also after the cache's time-to-live, so a model built from it may be kept
    by the tuple's identity (`is`) and is rebuilt only when an import changed the list."""

    def load() -> tuple[tuple[str, str], ...]:
        loaded = tuple((title, code) for title, code in session.execute(_TITLE_VOCABULARY))
        if loaded == _last_vocabulary[0]:
            return _last_vocabulary[0]
        _last_vocabulary[0] = loaded
        return loaded

    return _cache.get("titles", "", load)


def postal_code(session: Session, code: str) -> PostalPlace | None:
    """The register's entry for a postal code, None when unknown (cached, see LookupCache)."""

    def load() -> PostalPlace | None:
        row = session.execute(_POSTAL_CODE, {"code": code}).first()
        return PostalPlace(*row) if row else None

    return _cache.get("postal", code, load)


def municipality_name(session: Session, code: str | None) -> str | None:
    """A municipality's name, also for an older code of it (0502 → "Gjøvik"); None for none or an unknown code
    (cached, see LookupCache)."""
    if not code:
        return None
    canonical = canonical_municipality_code(session, code)
    if canonical is None:
        return None
    return _cache.get(
        "municipality", canonical, lambda: session.scalar(_MUNICIPALITY_NAME, {"code": canonical})
    )


_CANONICAL = select(Municipality.code).where(Municipality.code == bindparam("code"))
_ALIAS_TARGET = select(MunicipalityAlias.municipality_code).where(MunicipalityAlias.code == bindparam("code"))


def canonical_municipality_code(session: Session, code: str | None) -> str | None:
    """Today's code of a municipality code, old or new (0502 and 3407 → "3407"); None when neither the register
    nor its aliases know it (cached, see LookupCache)."""
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == 4):
        return None

    def load() -> str | None:
        return session.scalar(_CANONICAL, {"code": code}) or session.scalar(_ALIAS_TARGET, {"code": code})

    return _cache.get("canonical", code, load)


def resolve_municipality(session: Session, code: str | None) -> Municipality | None:
    """The municipality a code means today, whichever of its codes was given (0502 or 3407: Gjøvik, 3407)."""
    canonical = canonical_municipality_code(session, code)
    return session.get(Municipality, canonical) if canonical else None


def municipality_aliases(session: Session) -> dict[str, str]:
    """Every older code → today's code (cached, see LookupCache): for builders that key places by code."""

    def load() -> dict[str, str]:
        rows = session.execute(select(MunicipalityAlias.code, MunicipalityAlias.municipality_code))
        return {alias: code for alias, code in rows}

    return dict(_cache.get("aliases", "", load))


def clean_municipality_code(session: Session, code: str | None, *, field: str) -> str | None:
    """A municipality code as entered (form, API, import) → today's code: an older code of the same municipality
    becomes the current one, so lists, filters and matching compare like with like. Without a loaded register
    any four digits pass (the old behaviour); with one, an unknown code is refused naming the field."""
    code = (code or "").strip()
    if not code:
        return None
    if not (code.isdigit() and len(code) == 4):
        raise ValidationFailed("Kommunenummer må være fire sifre.", field=field)
    canonical = canonical_municipality_code(session, code)
    if canonical:
        return canonical
    if not _cache.get(
        "register", "", lambda: bool(session.scalar(select(func.count()).select_from(Municipality)))
    ):
        return code
    raise ValidationFailed(f"Ukjent kommunenummer {code}.", field=field)


def municipality_for_postal_code(session: Session, code: str, *, field: str = "postal_code") -> PostalCode:
    """Postal code → municipality, with a message that names the field when the code is unknown."""
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == 4):
        raise ValidationFailed("Postnummer må være fire sifre.", field=field)
    pc = session.get(PostalCode, code)
    if pc is None:
        raise ValidationFailed(f"Ukjent postnummer {code}.", field=field)
    return pc
