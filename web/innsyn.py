"""The "Innsyn" export as a page a person could be handed: the same data as `innsyn.json`
(`candidates.service.export_candidate`), in sections with bokmål field names, dates as dd.mm.åååå, codes as their
labels, and without the keys that only tie rows together (ids, version).

Every exported field has a name here or is listed as technical; `tests/web/test_innsyn_page.py` fails on a new
column nobody named, so the page never falls back to showing `office_id`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core import formatting
from web.labels import label

# Keys that tie rows together or count edits: in the JSON, not on the page.
TECHNICAL = frozenset(
    {
        "id",
        "candidate_id",
        "office_id",
        "responsible_user_id",
        "recorded_by_id",
        "user_id",
        "version",
        "changed_at",  # the ranking index's change mark (updated_at is the one a person reads)
        "innsatsgruppe_vedtak_id",  # the §14a record the innsatsgruppe follows (its date is the Vedtaksdato shown)
        "format",
    }
)

# key → (field name, how the value is shown): "dato", "datotid", "ja/nei", "prosent", "tall", a code list kind from
# web.labels, or "" (as it is). Keys shared by several rows mean the same everywhere.
FIELDS: dict[str, tuple[str, str]] = {
    # the candidate
    "first_name": ("Fornavn", ""),
    "last_name": ("Etternavn", ""),
    "birth_date": ("Fødselsdato", "dato"),
    "municipality_code": ("Bostedskommune", "kommune"),
    "status": ("Status", "kandidatstatus"),
    "email": ("E-post", ""),
    "phone": ("Telefon", ""),
    "address": ("Adresse", ""),
    "postal_code": ("Postnummer", ""),
    "retention_date": ("Slettes senest", "dato"),
    "summary": ("Sammendrag (for NAV)", ""),
    "presentation": ("Presentasjon for arbeidsgivere", ""),
    "skills": ("Ferdigheter", ""),
    "driving_licences": ("Førerkort", ""),
    "created_at": ("Registrert", "datotid"),
    "updated_at": ("Sist endret", "datotid"),
    # derived
    "age": ("Alder", "tall"),
    "under_30": ("Under 30 år", "ja/nei"),
    "capacity_percent": ("Arbeidsevne", "prosent-tall"),
    "capacity_source": ("Arbeidsevnen er", "arbeidsevnekilde"),
    "needs_as_inclusion": ("Tilretteleggingsbehov slik arbeidsgivere ser dem", "inkludering"),
    # responsible, office
    "name": ("Navn", ""),
    "number": ("Kontornummer", ""),
    # work experience, education, certificates, languages
    "title": ("Stillingstittel", ""),
    "employer": ("Arbeidsgiver", ""),
    "start_date": ("Fra", "dato"),
    "end_date": ("Til", "dato"),
    "description": ("Beskrivelse", ""),
    "styrk_code": ("Yrke (STYRK-08)", "styrk"),
    "styrk_source": ("Yrket er", "styrkkilde"),
    "styrk_confidence": ("Sikkerhet i forslaget", "andel"),
    "level": ("Nivå", "utdanningsniva"),
    "field": ("Fagfelt", ""),
    "institution": ("Lærested", ""),
    "start_year": ("Fra år", ""),
    "end_year": ("Til år", ""),
    "kind": ("Type", "sertifikattype"),
    "issuer": ("Utsteder", ""),
    "date": ("Dato", "dato"),
    "language": ("Språk", ""),
    # job profile
    "wanted_styrk": ("Ønskede yrker", "styrk"),
    "wanted_styrk_sources": ("Hvor yrkesønskene kom fra", "styrkkilder"),
    "wanted_titles": ("Ønskede stillingstitler", ""),
    "municipalities": ("Ønskede kommuner", "kommune"),
    "max_commute_minutes": ("Lengste reisetid (minutter)", "tall"),
    "max_commute_km": ("Lengste reisevei (km)", "tall"),
    "percent_min": ("Stillingsprosent fra", "prosent-tall"),
    "percent_max": ("Stillingsprosent til", "prosent-tall"),
    "working_time": ("Arbeidstid", "arbeidstid"),
    "engagement_types": ("Ansettelsesformer", "ansettelsesform"),
    "earliest_start": ("Kan begynne", "dato"),
    # situation (restricted)
    "innsatsgruppe": ("Innsatsgruppe", "innsatsgruppe"),
    "hovedmal": ("Hovedmål", "hovedmal"),
    "decision_date": ("Vedtaksdato", "dato"),
    "capacity_override_percent": ("Arbeidsevne satt for hånd", "prosent-tall"),
    "capacity_override_reason": ("Begrunnelse for arbeidsevnen", ""),
    "preferred_hours_per_week": ("Ønsket antall timer per uke", "tall"),
    "needs_arbeidstid": ("Behov: arbeidstid", "behov"),
    "needs_fysisk": ("Behov: fysisk tilrettelegging", "behov"),
    "needs_arbeidshverdagen": ("Behov: arbeidshverdagen", "behov"),
    "needs_norsk": ("Behov: norsk", "behov"),
    "needs_note": ("Merknad om tilrettelegging", ""),
    # programmes and benefits (restricted)
    "uforegrad": ("Uføregrad", "prosent-tall"),
    "aktivitetsplikt": ("Aktivitetsplikt", "ja/nei"),
    "note": ("Merknad", ""),
    # consents
    "employer_id": ("Arbeidsgiver", "arbeidsgiver"),
    "opening_id": ("Stilling", "stilling"),
    "named": ("Med navn", "ja/nei"),
    "given_on": ("Gitt", "dato"),
    "recorded_by_name": ("Registrert av", ""),
    "withdrawn_at": ("Trukket", "datotid"),
    "withdrawn_by_name": ("Trukket av", ""),
    # break the glass
    "user_name": ("Administrator", ""),
    "reason": ("Begrunnelse", ""),
    "expires_at": ("Gjelder til", "datotid"),
}
# A key whose meaning depends on the section (a programme's "kind" is a benefit, a certificate's a kind of
# certificate; a language's "level" is CEFR, an education's a school level).
SECTION_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "programmes": {"kind": ("Program eller ytelse", "ytelse")},
    "languages": {"level": ("Nivå (CEFR)", "")},
}
RESTRICTED_SECTIONS = ("situation", "programmes")  # empty in the export of a reader without need-to-know
CAPACITY_SOURCES = {
    "overstyrt": "satt for hånd",
    "uføregrad": "avledet av uføregraden",
    "standard": "standard (100 %)",
}

SECTIONS = (
    ("candidate", "Personopplysninger"),
    ("derived", "Avledet av opplysningene"),
    ("responsible", "Ansvarlig veileder"),
    ("office", "NAV-kontor"),
    ("work_experiences", "Arbeidserfaring"),
    ("educations", "Utdanning"),
    ("certificates", "Sertifikater og kurs"),
    ("languages", "Språk"),
    ("job_profile", "Jobbprofil"),
    ("situation", "Situasjon og arbeidsevne (begrenset tilgang)"),
    ("programmes", "Program og ytelser (begrenset tilgang)"),
    ("consents", "Samtykker til deling"),
    ("break_glass", "Begrunnet innsyn fra administrator"),
)


@dataclass
class Section:
    key: str
    title: str
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # each row: (field name, shown value)
    single: bool = True  # one record (a definition list) or a list of records
    hidden: bool = False  # left out of this reader's export (need-to-know), not empty


@dataclass
class Names:
    """Names for the ids and codes the export holds (the page looks them up; the JSON keeps the codes)."""

    styrk: Mapping[str, str] = field(default_factory=dict)
    municipality: Callable[[str], str | None] = lambda code: None
    employers: Mapping[int, str] = field(default_factory=dict)
    openings: Mapping[int, str] = field(default_factory=dict)


def _date(value: Any, with_time: bool) -> str:
    if value in (None, ""):
        return ""
    if with_time:
        return formatting.datetime_no(
            value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        )
    return formatting.date_no(value)


def show(value: Any, how: str, names: Names) -> str:
    """One value as the page writes it (empty for nothing)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if how == "dato":
        return _date(value, False)
    if how == "datotid":
        return _date(value, True)
    if how == "ja/nei":
        return "Ja" if value else "Nei"
    if how == "tall":
        return formatting.number_no(value)
    if how == "prosent-tall":
        return f"{formatting.number_no(value)}\u00a0%"
    if how == "andel":
        return formatting.percent_no(float(value))
    if how == "arbeidsevnekilde":
        return CAPACITY_SOURCES.get(value, str(value))
    if how == "styrk":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(
            f"{names.styrk.get(c, '')} ({c})".strip() if names.styrk.get(c) else str(c) for c in codes
        )
    if how == "styrkkilder":
        return "; ".join(
            f"{names.styrk.get(code) or code}: {label(src.get('source'), 'styrkkilde')}"
            + (
                f", sikkerhet {formatting.percent_no(src['confidence'])}"
                if src.get("confidence") is not None
                else ""
            )
            for code, src in value.items()
            if isinstance(src, dict)
        )
    if how == "kommune":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(f"{names.municipality(c)} ({c})" if names.municipality(c) else str(c) for c in codes)
    if how == "arbeidsgiver":
        return names.employers.get(value) or f"Arbeidsgiver nummer {value}"
    if how == "stilling":
        return names.openings.get(value) or f"Stilling nummer {value}"
    if how:
        return label(value, how)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def field_for(section: str, key: str) -> tuple[str, str] | None:
    """The field name and way of showing `key` in `section`; None for a technical key."""
    if key in TECHNICAL:
        return None
    return SECTION_FIELDS.get(section, {}).get(key) or FIELDS.get(key)


def unnamed_fields(export: Mapping[str, Any]) -> set[str]:
    """Keys of the export the page has no name for (the test's guard against a raw key on the page)."""
    missing = set()
    for key, _title in SECTIONS:
        data = export.get(key)
        rows = data if isinstance(data, list) else [data] if data else []
        missing |= {
            f"{key}.{k}" for row in rows for k in row if field_for(key, k) is None and k not in TECHNICAL
        }
    return missing


def sections(export: Mapping[str, Any], names: Names) -> list[Section]:
    out = []
    for key, title in SECTIONS:
        data = export.get(key)
        hidden = bool(export.get("restricted_hidden")) and key in RESTRICTED_SECTIONS
        section = Section(key, title, single=not isinstance(data, list), hidden=hidden)
        for row in data if isinstance(data, list) else [data] if data else []:
            shown = []
            for k, value in row.items():
                named = field_for(key, k)
                if named is None:
                    continue
                text = show(value, named[1], names)
                if text:
                    shown.append((named[0], text))
            section.rows.append(shown)
        out.append(section)
    return out


def access_log(export: Mapping[str, Any]) -> list[dict[str, str]]:
    """The audit log's rows about the person, with labels: when, who (role and office), what and why."""
    return [
        {
            "at": _date(e["at"], True),
            "role": label(e.get("role"), "rolle"),
            "office": e.get("office") or "",
            "action": label(e.get("action"), "handling"),
            "purpose": e.get("purpose") or "",
            "outcome": label(e.get("outcome"), "loggutfall"),
        }
        for e in export.get("access_log", [])
    ]
