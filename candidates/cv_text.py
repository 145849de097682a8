"""CV upload: read the text of a PDF, DOCX or plain-text CV and PROPOSE structured entries (work experience with a
suggested STYRK-08 code, driving licence classes, languages with CEFR level, certificates and courses).

Nothing here writes anything: `propose` is a pure function (text in, proposals out) and the readers only turn
bytes into text. The user accepts or corrects the proposals in a form before the CV services save them, because a
heuristic reading of a free-form CV is never right often enough to be saved unseen."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from candidates import cv_files
from candidates.models import CEFR_LEVELS, DRIVING_LICENCES
from core.errors import ValidationFailed

MAX_BYTES = cv_files.MAX_BYTES
MAX_TEXT_CHARS = cv_files.MAX_TEXT_CHARS

# --- reading (candidates.cv_files: limits before parsing, parsing in a worker process) ---------------------

sniff = cv_files.sniff
read_text = cv_files.read_text
read_pdf = cv_files.read_pdf
read_docx = cv_files.read_docx


def extract_text(data: bytes, filename: str = "") -> str:
    """The CV's text, whatever the format; refuses files that are not PDF, DOCX or text, that would expand past
    what a CV needs, that the worker process cannot read within its limits, or that have no text."""
    kind = sniff(data, filename)
    cv_files.check_expansion(data, kind)
    text = unicodedata.normalize("NFC", cv_files.read_isolated(data, kind))
    if not text.strip():
        raise ValidationFailed(
            "Fant ingen tekst i filen (er det et skannet bilde?). Skriv inn CV-en for hånd.", field="file"
        )
    return text


# --- proposals ----------------------------------------------------------------------------------------------


@dataclass
class WorkProposal:
    title: str
    employer: str = ""
    start_date: str = ""  # ISO date or ""
    end_date: str = ""
    styrk_code: str = ""
    styrk_name: str = ""
    line: str = ""
    styrk_confidence: float | None = None  # the suggester's confidence, when it gives one


@dataclass
class LanguageProposal:
    language: str
    level: str = ""  # CEFR or ""
    written: str = ""  # what the CV said ("flytende", "B1")


@dataclass
class CertificateProposal:
    name: str
    kind: str = "sertifikat"  # sertifikat / kurs / fagbrev


@dataclass
class Proposals:
    work: list[WorkProposal] = field(default_factory=list)
    driving_licences: list[str] = field(default_factory=list)
    languages: list[LanguageProposal] = field(default_factory=list)
    certificates: list[CertificateProposal] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.work or self.driving_licences or self.languages or self.certificates)


StyrkSuggester = Callable[[str], "tuple[str, str] | tuple[str, str, float] | None"]

_HEADINGS = {
    "work": (
        "arbeidserfaring",
        "yrkeserfaring",
        "erfaring",
        "relevant erfaring",
        "arbeidsforhold",
        "work experience",
        "experience",
        "employment",
        "jobberfaring",
        "praksis",
    ),
    "education": ("utdanning", "utdannelse", "skolegang", "education"),
    "certificates": (
        "kurs",
        "kurs og sertifikater",
        "sertifikater",
        "sertifikater og kurs",
        "kurs og sertifikat",
        "kurs/sertifikater",
        "kompetansebevis",
        "certificates",
        "courses",
        "fagbrev",
    ),
    "languages": ("språk", "språkkunnskaper", "languages"),
    "licences": ("førerkort", "sertifikat", "driving licence"),
    "other": (
        "personalia",
        "kontakt",
        "kontaktinformasjon",
        "om meg",
        "profil",
        "sammendrag",
        "ferdigheter",
        "kompetanse",
        "skills",
        "referanser",
        "hobbyer",
        "interesser",
        "fritid",
        "annet",
        "nøkkelkvalifikasjoner",
    ),
}
_HEADING_OF = {h: kind for kind, names in _HEADINGS.items() for h in names}

_BULLET = re.compile(r"^[\s\-–—•·*▪●◦>]+")
_MONTH_NAMES = {
    "jan": 1, "januar": 1, "january": 1, "feb": 2, "februar": 2, "february": 2, "mar": 3, "mars": 3, "march": 3,
    "apr": 4, "april": 4, "mai": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_NAME_RE = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))


def _date_re(p: str) -> str:
    """A date as CVs write it: 2019, 03.2019, 3/2019, 15.03.2019, mars 2019, jan. 2019 (groups named by `p`)."""
    return (
        rf"(?:(?:(?P<{p}d>0?[1-9]|[12]\d|3[01])[./-])?(?P<{p}m>0?[1-9]|1[0-2])[./-]"
        rf"|(?P<{p}n>{_MONTH_NAME_RE})\.?\s+)?(?P<{p}y>(?:19|20)\d{{2}})\b"
    )


_OPEN_END = r"(?P<open>nå|n\u00e5|d\.?\s?d\.?|i dag|pågående|dags dato|present|now|today)"
_RANGE = re.compile(
    rf"(?<![\d.])\b{_date_re('s')}\s*(?:[-–—]|til|to)\s*(?:{_date_re('e')}|{_OPEN_END})",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"(?:fra|siden|since)\s+{_date_re('s')}", re.IGNORECASE)
_SPLITTERS = re.compile(r"\s+(?:hos|ved|i|at|for)\s+|\s*[,|;]\s*|\s+[-–—]\s+|\s*:\s+")
# Where an employer's name ends and a description of the work begins.
_EMPLOYER_END = re.compile(r"\s*[,;|:(]\s*|\s+[-–—]\s+|\.\s+|\s+(?:med|som|der|hvor|og)\s+[a-zæøå]")
# First words of a description of the work, never of an employer's name.
_DESCRIPTION_WORDS = {
    "ansvar", "ansvarlig", "ansvaret", "arbeid", "arbeidet", "arbeidsoppgaver", "oppgaver", "jobbet", "jobb",
    "hadde", "har", "var", "drift", "utførte", "gjennomførte", "diverse", "generelt", "daglig",
}  # fmt: skip
_EMPLOYER_MARKERS = re.compile(
    r"\b(?:AS|ASA|SA|BA|ANS|DA|kommune|fylkeskommune|HF|IKS|KF|stiftelse|sykehus|skole|barnehage)\b"
)

# Language names (bokmål, as a CV writes them) → the display name.
LANGUAGES = {
    name: name.capitalize()
    for name in (
        "norsk",
        "engelsk",
        "svensk",
        "dansk",
        "tysk",
        "fransk",
        "spansk",
        "italiensk",
        "portugisisk",
        "nederlandsk",
        "polsk",
        "litauisk",
        "latvisk",
        "estisk",
        "finsk",
        "samisk",
        "russisk",
        "ukrainsk",
        "rumensk",
        "bulgarsk",
        "ungarsk",
        "tsjekkisk",
        "slovakisk",
        "serbisk",
        "kroatisk",
        "bosnisk",
        "albansk",
        "gresk",
        "tyrkisk",
        "kurdisk",
        "arabisk",
        "persisk",
        "farsi",
        "dari",
        "pashto",
        "urdu",
        "hindi",
        "punjabi",
        "bengali",
        "tamil",
        "somali",
        "tigrinja",
        "amharisk",
        "swahili",
        "oromo",
        "kinesisk",
        "mandarin",
        "japansk",
        "koreansk",
        "vietnamesisk",
        "thai",
        "tagalog",
        "filippinsk",
        "burmesisk",
        "nepali",
        "islandsk",
        "english",
        "norwegian",
    )
}
LANGUAGES["english"] = "Engelsk"
LANGUAGES["norwegian"] = "Norsk"
_LANG_RE = re.compile(r"\b(" + "|".join(sorted(LANGUAGES, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_CEFR_RE = re.compile(r"\b([ABC][12])\b", re.IGNORECASE)
# Words a CV uses for a level, and the CEFR level they are read as (shown as a proposal the user may correct).
LEVEL_WORDS = (
    ("morsmål", "C2"),
    ("native", "C2"),
    ("flytende", "C1"),
    ("fluent", "C1"),
    ("svært god", "C1"),
    ("meget god", "C1"),
    ("veldig god", "C1"),
    ("god", "B2"),
    ("good", "B2"),
    ("middels", "B1"),
    ("grunnleggende", "A2"),
    ("basic", "A2"),
    ("litt", "A2"),
    ("nybegynner", "A1"),
)
_LEVEL_WORD_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w, _ in LEVEL_WORDS) + r")\b", re.IGNORECASE)

_LICENCE_KEY = re.compile(
    r"(førerkort|førarkort|sertifikat|driving licen[cs]e|driver'?s licen[cs]e)\s*(klasse|kl\.|class)?\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_LICENCE_CONNECTORS = {"og", "and", "&", "+", "klasse", "kl.", "class", ""}

# Certificates and courses recognised anywhere in the text: pattern → (name, kind).
CERTIFICATE_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), name, kind)
    for p, name, kind in (
        (
            r"\btruck(?:fører)?(?:bevis|sertifikat|kurs|førerbevis)|\btruckfører\b",
            "Truckførerbevis",
            "sertifikat",
        ),
        (r"\bkran(?:fører)?(?:bevis|sertifikat)|\bkranfører\b", "Kranførerbevis", "sertifikat"),
        (r"\bmaskinfører(?:bevis)?\b", "Maskinførerbevis", "sertifikat"),
        (r"\bhms[\s-]*kurs\b|\bhms[\s-]*opplæring\b|\bgrunnkurs i hms\b", "HMS-kurs", "kurs"),
        (r"\bhygienekurs\b|\bnæringsmiddelhygiene\b|\bmattrygghet(?:skurs)?\b", "Hygienekurs", "kurs"),
        (r"\bførstehjelp(?:skurs)?\b", "Førstehjelpskurs", "kurs"),
        (r"\bhlr[\s-]*kurs\b|\bhjerte-?lunge-?redning\b", "HLR-kurs", "kurs"),
        (r"\bvarme arbeider\b", "Varme arbeider", "sertifikat"),
        (r"\barbeidsvarsling\b|\barbeid på vei\b", "Arbeidsvarsling", "kurs"),
        (r"\bstillas(?:kurs|bygger|montør)\b", "Stillaskurs", "kurs"),
        (r"\bfallsikring(?:skurs)?\b", "Fallsikringskurs", "kurs"),
        (r"\bkunnskapsprøven\b|\bansvarlig vertskap\b", "Kunnskapsprøven (alkoholloven)", "sertifikat"),
        (r"\byrkessjåførkompetanse\b|\bysk\b", "Yrkessjåførkompetanse (YSK)", "sertifikat"),
        (r"\badr[\s-]*(?:kompetanse)?bevis\b|\badr-kurs\b", "ADR-kompetansebevis", "sertifikat"),
        (r"\badk\s?1\b", "ADK1", "sertifikat"),
        (r"\bvekterkurs\b|\bvekterutdanning\b", "Vekterkurs", "kurs"),
        (r"\bsafe pass\b|\bsikkerhetskurs\b", "Sikkerhetskurs", "kurs"),
        (r"\bmedikamenthåndtering\b|\blegemiddelhåndtering\b", "Kurs i legemiddelhåndtering", "kurs"),
    )
)
_FAGBREV_RE = re.compile(
    r"\b(fagbrev|svennebrev|fagprøve)\s+(som|i)\s+([a-zæøå][a-zæøå\- ]{2,60}?)(?=\s*[,.;()\n]|\s+\d|\s*$)",
    re.IGNORECASE,
)


def _clean_line(line: str) -> str:
    return _BULLET.sub("", line).strip().rstrip(":;,.").strip()


def _heading(line: str) -> str | None:
    text = _clean_line(line).lower()
    if not text or len(text) > 40:
        return None
    return _HEADING_OF.get(text)


def _iso(m: re.Match[str], p: str) -> str:
    """The date the CV wrote, as ISO: a full date as written, a month as its first day; a year alone is not a
    date, so it is left empty for the person to fill in rather than guessed as 1 January or 31 December."""
    year = m.group(f"{p}y")
    month_word = m.group(f"{p}n")
    month = _MONTH_NAMES[month_word.lower()] if month_word else m.group(f"{p}m")
    if not year or not month:
        return ""
    day = int(m.group(f"{p}d") or 1)
    try:
        return dt.date(int(year), int(month), day).isoformat()
    except ValueError:
        return ""


def _strip_edges(text: str) -> str:
    """Separators off both ends, and brackets only where they are unbalanced ("Renholder (deltid)" stays whole,
    "(2019–2021)" leaves no "()" behind)."""
    text = re.sub(r"\(\s*\)", " ", text)
    while True:
        before = text
        text = text.strip(" -–—:,;|.")
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text.endswith(")") and text.count(")") > text.count("("):
            text = text[:-1]
        if text.startswith("(") and text.endswith(")") and _depth_zero_at_end(text[1:-1]):
            text = text[1:-1]
        if text == before:
            return text


def _depth_zero_at_end(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _split_outside_brackets(text: str) -> tuple[str, str]:
    """The text before and after the first splitter that is not inside brackets."""
    for match in _SPLITTERS.finditer(text):
        if _depth_zero_at_end(text[: match.start()]):
            return text[: match.start()], text[match.end() :]
    return text, ""


def _employer(text: str) -> str:
    """Only the employer's name: cut where a description begins, and nothing when it reads as a description."""
    text = _strip_edges(text)
    if not text:
        return ""
    cut = _EMPLOYER_END.search(text)
    name = _strip_edges(text[: cut.start()] if cut else text)
    words = name.split()
    if not words:
        return ""
    first = words[0].lower()
    described = first in _DESCRIPTION_WORDS or (words[0][:1].islower() and not _EMPLOYER_MARKERS.search(name))
    if described or len(words) > (8 if _EMPLOYER_MARKERS.search(name) else 6):
        return ""
    return name[:200]


def _title_and_employer(rest: str) -> tuple[str, str]:
    rest = _strip_edges(_clean_line(_strip_edges(rest)))
    title, after = _split_outside_brackets(rest)
    title = _strip_edges(title)
    if not title:
        return "", ""
    return title[:200], _employer(after)


def _work(lines: list[tuple[str, str | None]]) -> list[WorkProposal]:
    """Lines with a period (2019–2022, 03.2019 – nå, fra 2020) in a work section, or anywhere outside the
    education section when the CV has no work heading."""
    has_work_section = any(section == "work" for _, section in lines)
    out: list[WorkProposal] = []
    for i, (line, section) in enumerate(lines):
        if section in ("education", "languages", "certificates", "licences"):
            continue
        if has_work_section and section != "work":
            continue
        match = _RANGE.search(line)
        since = None if match else _SINCE.search(line)
        if not match and not since:
            continue
        if match:
            start = _iso(match, "s")
            end = "" if match.group("open") else _iso(match, "e")
            rest = line[: match.start()] + " " + line[match.end() :]
        else:
            assert since is not None
            start, end = _iso(since, "s"), ""
            rest = line[: since.start()] + " " + line[since.end() :]
        title, employer = _title_and_employer(rest)
        if not title and i + 1 < len(lines) and not _RANGE.search(lines[i + 1][0]):
            title, employer = _title_and_employer(lines[i + 1][0])  # the period on a line of its own
        if not title or len(title) < 3 or _heading(title):
            continue
        out.append(WorkProposal(title=title, employer=employer, start_date=start, end_date=end, line=line))
    return out


def _licences(text: str) -> list[str]:
    found: list[str] = []
    for match in _LICENCE_KEY.finditer(text):
        has_klasse = bool(match.group(2))
        tail = text[match.end() : match.end() + 80].split("\n", 1)[0]
        seen_any = False
        for token in re.split(r"[\s,/;()]+", tail):
            upper = token.upper().rstrip(".")
            if upper in DRIVING_LICENCES and (token.isupper() or token[:1].isdigit() or has_klasse):
                if upper not in found:
                    found.append(upper)
                seen_any = True
            elif token.lower() in _LICENCE_CONNECTORS:
                continue
            elif seen_any or token:
                break
    return [c for c in DRIVING_LICENCES if c in found]


def _level(segment: str) -> tuple[str, str]:
    cefr = _CEFR_RE.search(segment)
    if cefr and cefr.group(1).upper() in CEFR_LEVELS:
        return cefr.group(1).upper(), cefr.group(1).upper()
    word = _LEVEL_WORD_RE.search(segment)
    if word:
        written = word.group(1).lower()
        return dict(LEVEL_WORDS)[written], written
    return "", ""


def _languages(lines: list[tuple[str, str | None]]) -> list[LanguageProposal]:
    out: dict[str, LanguageProposal] = {}
    for line, section in lines:
        matches = list(_LANG_RE.finditer(line))
        if not matches:
            continue
        starts_with_label = line.strip().lower().startswith(("språk", "languages"))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            segment = line[m.end() : end][:40]
            level, written = _level(segment)
            # Only a language statement: in the language section, on a "Språk:" line, or with a level beside it
            # ("Norsk Hydro" in a work line is not a language).
            if not (section == "languages" or starts_with_label or level):
                continue
            name = LANGUAGES[m.group(1).lower()]
            current = out.get(name)
            if current is None or (not current.level and level):
                out[name] = LanguageProposal(language=name, level=level, written=written)
    return list(out.values())


def _certificates(lines: list[tuple[str, str | None]], text: str) -> list[CertificateProposal]:
    out: dict[str, CertificateProposal] = {}

    def add(name: str, kind: str) -> None:
        key = name.lower()
        if key not in out and name:
            out[key] = CertificateProposal(name=name[:200], kind=kind)

    for match in _FAGBREV_RE.finditer(text):
        word = match.group(1).lower()
        label = "Fagbrev" if word == "fagprøve" else word.capitalize()
        add(f"{label} {match.group(2).lower()} {match.group(3).strip()}", "fagbrev")
    for pattern, name, kind in CERTIFICATE_PATTERNS:
        if pattern.search(text):
            add(name, kind)
    for line, section in lines:
        if section != "certificates" or _heading(line) or _LICENCE_KEY.search(line):
            continue
        name = _clean_line(_RANGE.sub("", re.sub(r"\(?\b(?:19|20)\d{2}\b\)?", "", line)))
        if (
            len(name) < 3
            or any(p.search(name) for p, _, _ in CERTIFICATE_PATTERNS)
            or _FAGBREV_RE.search(name)
        ):
            continue
        low = name.lower()
        kind = (
            "fagbrev"
            if "fagbrev" in low or "svennebrev" in low
            else "kurs"
            if "kurs" in low
            else "sertifikat"
        )
        add(name, kind)
    return list(out.values())


def _sectioned(text: str) -> list[tuple[str, str | None]]:
    """Each non-empty line with the section it is in (by the last heading above it)."""
    out: list[tuple[str, str | None]] = []
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _heading(line)
        if heading is not None:
            section = heading
            out.append((line, None))
            continue
        out.append((line, section))
    return out


def propose(text: str, suggest: StyrkSuggester | None = None) -> Proposals:
    """Structured proposals from a CV's text. `suggest(title)` gives (STYRK code, name) for a work title."""
    text = unicodedata.normalize("NFC", text or "")[:MAX_TEXT_CHARS]
    lines = _sectioned(text)
    proposals = Proposals(
        work=_work(lines),
        driving_licences=_licences(text),
        languages=_languages(lines),
        certificates=_certificates(lines, text),
    )
    if suggest is not None:
        for w in proposals.work:
            best = suggest(w.title)
            if best:
                w.styrk_code, w.styrk_name = best[0], best[1]
                w.styrk_confidence = best[2] if len(best) > 2 else None
    return proposals
