"""The CV (work experience with a suggested STYRK-08 code, education, certificates and courses, languages with
CEFR level, driving licences, skills), the jobbprofil and the RESTRICTED situation (§14a innsatsgruppe and
hovedmål, programmes and benefits, work capacity, tilretteleggingsbehov). Gaps in a CV are allowed: nothing here
asks periods to follow each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from candidates.access import load_for_change, record_change
from candidates.models import (
    CEFR_LEVELS,
    CERTIFICATE_KINDS,
    DRIVING_LICENCES,
    EDUCATION_LEVELS,
    ENGAGEMENT_TYPES,
    HOVEDMAL,
    INNSATSGRUPPER,
    NEED_CATEGORIES,
    PROGRAMMES,
    WORKING_TIMES,
    Candidate,
    Certificate,
    Education,
    JobProfile,
    LanguageSkill,
    Programme,
    Situation,
    WorkExperience,
)
from core import reference as reference_service
from core.cleaning import CAREER_DATE, DECISION_DATE, PROGRAMME_DATE, Cleaner
from core.errors import NotFound, ValidationFailed
from core.formatting import date_no
from core.models import User
from employers import service_openings as employers_openings
from employers import service_suggest as employers_suggest

__all__ = [
    "CV_KINDS",
    "PRETICK_CONFIDENCE",
    "StyrkSuggestion",
    "add_cv_entry",
    "clean_cv_entry",
    "delete_cv_entry",
    "remove_programme",
    "set_capacity",
    "set_job_profile",
    "set_needs",
    "set_programme",
    "set_situation",
    "set_skills_and_licences",
    "suggest_for_import",
    "suggest_styrk",
    "update_cv_entry",
]


@dataclass(frozen=True)
class StyrkSuggestion:
    code: str
    name: str
    score: float


def suggest_styrk(session: Session, title: str, limit: int = 3) -> list[StyrkSuggestion]:
    """STYRK-08 unit groups for a job title (rapidfuzz over the STYRK names, the synonym lists and the matching
    team's matching/data/title_synonyms.csv when present) — the same suggester employers use for openings."""
    return [
        StyrkSuggestion(s.code, s.name, s.score)
        for s in employers_openings.suggest_styrk(session, title, limit=limit)
    ]


# --- CV entries -----------------------------------------------------------------------------------------


IMPORT_SOURCES = ("import", "tittel")
PRETICK_CONFIDENCE = 0.9
"""An import's occupation suggestion at or above this confidence is ticked for the person in the review form;
below it they see the suggestion unticked and choose. The classifier gives 1.0 only for a title it knows."""


def suggest_for_import(session: Session, title: str) -> Any:
    """The occupation an import proposes for a title (code, name, confidence), or None."""
    return employers_suggest.classify_title(session, title)


def occupation_code(session: Session, raw: Any, *, field: str) -> str | None:
    """The STYRK-08 code a person chose in an occupation field: a code, "Title (code)" as the typeahead fills
    in, or a title the vocabulary knows exactly ("renholder"). Anything else is a 422 on `field` asking them to
    pick a suggestion (the page then lists the suggestions for what was typed)."""
    text = str(raw or "").strip()
    if not text:
        return None
    if text.isdigit():
        return text  # the code rules (four digits, known) are checked where the code is stored
    hit = employers_suggest.resolve_occupation(session, text)
    if hit is None:
        raise ValidationFailed(
            f"Fant ikke yrket «{text}». Skriv litt mer, eller velg et av forslagene.", field=field
        )
    return hit.code


def _styrk_provenance(c: Cleaner, session: Session) -> None:
    """A code typed or picked by a person is "person"; an import passes its own source and confidence."""
    raw = c.data.get("styrk_code")
    if "styrk_code" not in c.data:
        return
    source = c.data.get("styrk_source")
    if source in IMPORT_SOURCES and raw:
        c.out["styrk_source"] = source
        confidence = c.data.get("styrk_confidence")
        c.out["styrk_confidence"] = float(confidence) if isinstance(confidence, int | float) else None
    elif raw:
        c.out["styrk_source"] = "person"
        c.out["styrk_confidence"] = None
    else:
        c.out["styrk_source"] = None
        c.out["styrk_confidence"] = None


def _clean_work(c: Cleaner, session: Session) -> None:
    if not str(c.data.get("styrk_code") or "").strip().isdigit() and c.data.get("styrk_code"):
        try:
            c.data = {
                **c.data,
                "styrk_code": occupation_code(session, c.data["styrk_code"], field="styrk_code"),
            }
        except ValidationFailed as exc:
            c.error("styrk_code", exc.message)
            c.data = {**c.data, "styrk_code": None}
    c.text("title", "Stillingstittel", required=True, max_len=200)
    c.text("employer", "Arbeidsgiver", max_len=200)
    c.date("start_date", "Fra", bounds=CAREER_DATE)
    c.date("end_date", "Til", bounds=CAREER_DATE)
    c.text("description", "Beskrivelse", max_len=5000)
    c.optional_text("styrk_code", "Yrkeskode (STYRK-08)", max_len=4)
    code = c.out.get("styrk_code")
    if code and not (code.isdigit() and len(code) == 4):
        c.error("styrk_code", "Yrkeskoden (STYRK-08) må være fire sifre.")
    _styrk_provenance(c, session)


def _clean_education(c: Cleaner, session: Session) -> None:
    c.choice("level", "Nivå", EDUCATION_LEVELS, required=True)
    c.text("field", "Fagfelt", max_len=200)
    c.text("institution", "Skole/lærested", max_len=200)
    c.integer("start_year", "Fra år", minimum=1940, maximum=2100)
    c.integer("end_year", "Til år", minimum=1940, maximum=2100)


def _clean_certificate(c: Cleaner, session: Session) -> None:
    c.text("name", "Navn", required=True, max_len=200)
    c.choice("kind", "Type", CERTIFICATE_KINDS, default="sertifikat")
    c.text("issuer", "Utsteder", max_len=200)
    c.date("date", "Dato", bounds=CAREER_DATE)


def _clean_language(c: Cleaner, session: Session) -> None:
    c.text("language", "Språk", required=True, max_len=100)
    c.choice("level", "Nivå (CEFR)", CEFR_LEVELS)


CV_KINDS: dict[
    str,
    tuple[type[WorkExperience | Education | Certificate | LanguageSkill], Callable[[Cleaner, Session], None]],
] = {
    "arbeid": (WorkExperience, _clean_work),
    "utdanning": (Education, _clean_education),
    "sertifikat": (Certificate, _clean_certificate),
    "sprak": (LanguageSkill, _clean_language),
}


def clean_cv_entry(
    session: Session, kind: str, data: dict[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    if kind not in CV_KINDS:
        raise NotFound("Ukjent CV-del.")
    c = Cleaner(data, partial=partial)
    CV_KINDS[kind][1](c, session)
    out = c.done()
    start, end = out.get("start_date") or out.get("start_year"), out.get("end_date") or out.get("end_year")
    if start is not None and end is not None and end < start:
        field = "end_date" if "end_date" in out else "end_year"
        raise ValidationFailed("Til kan ikke være før fra.", field=field)
    decided = (
        data.get("styrk_source") in IMPORT_SOURCES
    )  # an import (or its review) already chose, or chose none
    if (
        kind == "arbeid"
        and "styrk_code" in out
        and out.get("styrk_code") is None
        and not partial
        and not decided
    ):
        # the title classifier, not the typeahead: a whole title is not a prefix, and a weak match must not
        # put a regulated profession on the person ("Syerske" is no Sykepleier)
        guess = employers_suggest.classify_title(session, out["title"])
        out["styrk_code"] = guess.code if guess else None
        out["styrk_source"] = "tittel" if guess else None
        out["styrk_confidence"] = guess.confidence if guess else None
    return out


def add_cv_entry(
    session: Session, *, actor: User | None, candidate_id: int, kind: str, data: dict[str, Any]
) -> Any:
    """A CV line. A work experience without a STYRK code gets the best suggestion for its title."""
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="endre CV")
    out = clean_cv_entry(session, kind, data)
    model = CV_KINDS[kind][0]
    entry = model(candidate_id=candidate.id, **out)
    session.add(entry)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what=f"CV: la til {kind}")
    return entry


def _entry(session: Session, candidate: Candidate, kind: str, entry_id: int) -> Any:
    if kind not in CV_KINDS:
        raise NotFound("Ukjent CV-del.")
    model = CV_KINDS[kind][0]
    entry = session.scalar(select(model).where(model.id == entry_id, model.candidate_id == candidate.id))
    if entry is None:
        raise NotFound("Fant ikke CV-linjen.")
    return entry


def update_cv_entry(
    session: Session, *, actor: User | None, candidate_id: int, kind: str, entry_id: int, data: dict[str, Any]
) -> Any:
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="endre CV")
    entry = _entry(session, candidate, kind, entry_id)
    out = clean_cv_entry(session, kind, data, partial=True)
    unchanged = kind == "arbeid" and out.get("styrk_code") == entry.styrk_code and entry.styrk_source
    if unchanged and out.get("styrk_source") == "person" and data.get("styrk_source") not in IMPORT_SOURCES:
        out.pop("styrk_source", None)  # the code as it was: it keeps where it came from
        out.pop("styrk_confidence", None)
    for key, value in out.items():
        setattr(entry, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what=f"CV: endret {kind}")
    return entry


def delete_cv_entry(
    session: Session, *, actor: User | None, candidate_id: int, kind: str, entry_id: int
) -> None:
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="endre CV")
    session.delete(_entry(session, candidate, kind, entry_id))
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what=f"CV: slettet {kind}")


def set_skills_and_licences(
    session: Session, *, actor: User | None, candidate_id: int, data: dict[str, Any]
) -> Candidate:
    """Skills (free words) and driving licence classes (B, BE, C1, C1E, C, CE, D1, D1E, D, DE …), partial."""
    candidate = load_for_change(session, actor=actor, candidate_id=candidate_id, purpose="endre CV")
    c = Cleaner(data, partial=True)
    c.multi("skills", "Ferdigheter")
    c.multi("driving_licences", "Førerkort", DRIVING_LICENCES, upper=True)
    c.text("summary", "Sammendrag", max_len=5000)
    for key, value in c.done().items():
        setattr(candidate, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="CV: ferdigheter og førerkort")
    return candidate


# --- jobbprofil -----------------------------------------------------------------------------------------


def set_job_profile(
    session: Session, *, actor: User | None, candidate_id: int, data: dict[str, Any], partial: bool = False
) -> JobProfile:
    candidate = load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="endre jobbprofil", full=True
    )
    given_sources = data.get("wanted_styrk_sources")
    sources: dict[str, Any] = given_sources if isinstance(given_sources, dict) else {}
    c = Cleaner(data, partial=partial)
    c.multi("wanted_styrk", "Ønskede yrker (STYRK-08)")
    c.multi("wanted_titles", "Ønskede yrker (fritekst)")
    c.multi("municipalities", "Kommuner")
    c.code4("postal_code", "Postnummer")
    c.integer("max_commute_minutes", "Lengste reisetid (minutter)", minimum=0, maximum=300)
    c.integer("max_commute_km", "Lengste reisevei (km)", minimum=0, maximum=500)
    c.integer("percent_min", "Stillingsprosent fra", minimum=0, maximum=100)
    c.integer("percent_max", "Stillingsprosent til", minimum=1, maximum=100)
    c.multi("working_time", "Arbeidstid", WORKING_TIMES)
    c.multi("engagement_types", "Ansettelsesform", ENGAGEMENT_TYPES)
    c.date("earliest_start", "Tidligste oppstart", bounds=PROGRAMME_DATE)
    out = c.done()
    if "wanted_styrk" in out:
        out["wanted_styrk"] = _unique(
            [occupation_code(session, item, field="wanted_styrk") or "" for item in out["wanted_styrk"]]
        )
    for code in out.get("wanted_styrk") or []:
        if not (code.isdigit() and len(code) == 4):
            raise ValidationFailed(
                f"Yrkeskoden {code!r} må være fire sifre (STYRK-08).", field="wanted_styrk"
            )
    if "municipalities" in out:
        out["municipalities"] = _unique([_municipality_code(session, item) for item in out["municipalities"]])
    for code in out.get("municipalities") or []:
        if not (code.isdigit() and len(code) == 4):
            raise ValidationFailed(f"Kommunenummeret {code!r} må være fire sifre.", field="municipalities")
    if out.get("municipalities"):  # older codes (0502) are stored as today's (3407), each place once
        cleaned = [
            reference_service.clean_municipality_code(session, code, field="municipalities")
            for code in out["municipalities"]
        ]
        out["municipalities"] = list(dict.fromkeys(code for code in cleaned if code))
    if "wanted_styrk" in out:
        out["wanted_styrk_sources"] = _wanted_sources(candidate.job_profile, out["wanted_styrk"], sources)
    if (
        out.get("postal_code")
        and reference_service.postal_code(session, out["postal_code"]) is None
        and session.scalar(select(reference_service.PostalCode.code).limit(1)) is not None
    ):
        raise ValidationFailed(f"Ukjent postnummer {out['postal_code']}.", field="postal_code")
    current = candidate.job_profile
    pmin = out.get("percent_min", current.percent_min if current else None)
    pmax = out.get("percent_max", current.percent_max if current else None)
    if pmin is not None and pmax is not None and pmin > pmax:  # checked before anything is written
        raise ValidationFailed("Stillingsprosent fra kan ikke være høyere enn til.", field="percent_min")
    profile = current
    if profile is None:
        profile = JobProfile(candidate_id=candidate.id)
        session.add(profile)
        candidate.job_profile = profile
    for key, value in out.items():
        setattr(profile, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret jobbprofil")
    return profile


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _municipality_code(session: Session, item: str) -> str:
    """A municipality typed as a number, a name ("gjovik") or the typeahead's "Gjøvik (3407)"."""
    text = item.strip()
    if text.isdigit():
        return text
    code = employers_suggest.resolve_municipality(session, text)
    if code is None:
        raise ValidationFailed(
            f"Fant ikke kommunen «{text}». Skriv navnet, eller velg et av forslagene.", field="municipalities"
        )
    return code


def _wanted_sources(
    current: JobProfile | None, codes: list[str], given: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Provenance per wanted code: what an import says for its codes; a code kept from before keeps its
    provenance; every other code was chosen by the person saving the form."""
    before = dict(current.wanted_styrk_sources or {}) if current else {}
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        g = given.get(code)
        if isinstance(g, dict) and g.get("source") in IMPORT_SOURCES:
            conf = g.get("confidence")
            out[code] = {
                "source": g["source"],
                "confidence": float(conf) if isinstance(conf, int | float) else None,
            }
        elif code in before and current is not None and code in (current.wanted_styrk or []):
            out[code] = before[code]
        else:
            out[code] = {"source": "person", "confidence": None}
    return out


# --- restricted situation -------------------------------------------------------------------------------


def _situation(session: Session, candidate: Candidate) -> Situation:
    if candidate.situation is None:
        situation = Situation(candidate_id=candidate.id)
        session.add(situation)
        candidate.situation = situation
    return candidate.situation


MSG_GROUP_FOLLOWS_VEDTAK = "Innsatsgruppen følger §14a-vedtaket av {date}; endre den med et nytt vedtak."


def group_follows_vedtak(situation: Situation | None) -> bool:
    """Whether the innsatsgruppe follows a current §14a record (and so is not changed by hand)."""
    return situation is not None and situation.innsatsgruppe_vedtak_id is not None


def set_situation(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    data: dict[str, Any],
    partial: bool = True,
    vedtak_id: int | None = None,
) -> Situation:
    """§14a: innsatsgruppe (five codes), hovedmål and the decision date. `vedtak_id`: the §14a record that has
    become current and gives these values (the plans domain); from then on the innsatsgruppe follows it, and a
    change by hand is refused (422 on the field) until another record becomes current. Hovedmål and the date stay
    editable."""
    candidate = load_for_change(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose="endre situasjon (§14a)",
        full=True,
        restricted=True,
    )
    c = Cleaner(data, partial=partial)
    c.choice("innsatsgruppe", "Innsatsgruppe", INNSATSGRUPPER)
    c.choice("hovedmal", "Hovedmål", HOVEDMAL)
    c.date("decision_date", "Vedtaksdato", bounds=DECISION_DATE)
    out = c.done()
    situation = _situation(session, candidate)
    if vedtak_id is not None:
        situation.innsatsgruppe_vedtak_id = vedtak_id
    elif (
        group_follows_vedtak(situation)
        and "innsatsgruppe" in out
        and out["innsatsgruppe"] != situation.innsatsgruppe
    ):
        raise ValidationFailed(
            MSG_GROUP_FOLLOWS_VEDTAK.format(date=date_no(situation.decision_date)), field="innsatsgruppe"
        )
    for key, value in out.items():
        setattr(situation, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret situasjon (§14a)")
    return situation


def set_capacity(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    override_percent: Any = None,
    reason: Any = None,
    preferred_hours_per_week: Any = None,
) -> Situation:
    """Work capacity: by default 100 − uføregrad (derived, not stored); an override needs a reason. An empty
    override goes back to the derived value."""
    candidate = load_for_change(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose="endre arbeidsevne",
        full=True,
        restricted=True,
    )
    c = Cleaner(
        {
            "capacity_override_percent": override_percent,
            "capacity_override_reason": reason,
            "preferred_hours_per_week": preferred_hours_per_week,
        }
    )
    c.integer("capacity_override_percent", "Arbeidsevne i prosent", minimum=0, maximum=100)
    c.optional_text("capacity_override_reason", "Begrunnelse", max_len=2000)
    c.number("preferred_hours_per_week", "Ønsket antall timer per uke", minimum=0, maximum=60)
    out = c.done()
    if out["capacity_override_percent"] is not None and not out["capacity_override_reason"]:
        raise ValidationFailed(
            "Skriv en begrunnelse når arbeidsevnen settes for hånd.", field="capacity_override_reason"
        )
    if out["capacity_override_percent"] is None:
        out["capacity_override_reason"] = None
    situation = _situation(session, candidate)
    for key, value in out.items():
        setattr(situation, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret arbeidsevne")
    return situation


def set_needs(
    session: Session, *, actor: User | None, candidate_id: int, data: dict[str, Any], partial: bool = False
) -> Situation:
    """Tilretteleggingsbehov in NAV's four categories (Finn kandidat's sub-items) and a free note."""
    candidate = load_for_change(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose="endre tilretteleggingsbehov",
        full=True,
        restricted=True,
    )
    c = Cleaner(data, partial=partial)
    for category, items in NEED_CATEGORIES.items():
        c.multi(f"needs_{category}", category.capitalize(), items, upper=True)
    c.text("needs_note", "Merknad", max_len=5000)
    out = c.done()
    situation = _situation(session, candidate)
    for key, value in out.items():
        setattr(situation, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret tilretteleggingsbehov")
    return situation


def set_programme(
    session: Session, *, actor: User | None, candidate_id: int, kind: str, data: dict[str, Any]
) -> Programme:
    """Register or change one programme/benefit (one row per kind). Uføretrygd needs an uføregrad (1–100);
    økonomisk sosialhjelp records aktivitetsplikt (the duty applies to those under 30)."""
    candidate = load_for_change(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose="endre program og ytelser",
        full=True,
        restricted=True,
    )
    c = Cleaner({**data, "kind": kind})
    c.choice("kind", "Program/ytelse", PROGRAMMES, required=True)
    c.date("start_date", "Fra", bounds=PROGRAMME_DATE)
    c.date("end_date", "Til", bounds=PROGRAMME_DATE)
    c.integer("uforegrad", "Uføregrad", minimum=1, maximum=100)
    c.text("note", "Merknad", max_len=2000)
    raw_duty = data.get("aktivitetsplikt")
    out = c.done()
    if out.get("start_date") and out.get("end_date") and out["end_date"] < out["start_date"]:
        raise ValidationFailed("Til kan ikke være før fra.", field="end_date")
    if kind == "UFORETRYGD" and out.get("uforegrad") is None:
        raise ValidationFailed("Uføretrygd må ha en uføregrad (1–100).", field="uforegrad")
    if kind != "UFORETRYGD":
        out["uforegrad"] = None
    if kind == "SOSIALHJELP":
        if raw_duty in (None, ""):
            out["aktivitetsplikt"] = candidate.under_30()
        else:
            out["aktivitetsplikt"] = raw_duty in (True, "1", "true", "on", "ja")
    else:
        out["aktivitetsplikt"] = None
    programme = next((p for p in candidate.programmes if p.kind == kind), None)
    if programme is None:
        programme = Programme(candidate_id=candidate.id, kind=kind)
        session.add(programme)
        candidate.programmes.append(programme)
    for key, value in out.items():
        setattr(programme, key, value)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret program og ytelser")
    return programme


def remove_programme(session: Session, *, actor: User | None, candidate_id: int, kind: str) -> None:
    candidate = load_for_change(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose="endre program og ytelser",
        full=True,
        restricted=True,
    )
    programme = next((p for p in candidate.programmes if p.kind == kind), None)
    if programme is None:
        raise NotFound("Kandidaten har ikke dette programmet.")
    candidate.programmes.remove(programme)
    session.flush()
    record_change(session, actor=actor, candidate=candidate, what="endret program og ytelser")
