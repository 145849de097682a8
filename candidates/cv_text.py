"""CV upload: read the text of a PDF, DOCX or plain-text CV and PROPOSE structured entries (work experience with a
suggested STYRK-08 code, driving licence classes, languages with CEFR level, certificates and courses).

Nothing here writes anything: `propose` is a pure function (text in, proposals out) and the readers only turn
bytes into text. The user accepts or corrects the proposals in a form before the CV services save them, because a
heuristic reading of a free-form CV is never right often enough to be saved unseen."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from candidates.models import CEFR_LEVELS, DRIVING_LICENCES
from core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 200_000

# --- reading ----------------------------------------------------------------------------------------------


def sniff(data: bytes, filename: str = "") -> str:
    """The kind of file by its content ("pdf", "docx" or "text"); the extension alone is never trusted, so a
    renamed image or an old .doc is refused with a message the user understands."""
    if not data:
        raise ValidationFailed("Filen er tom.", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("Filen er større enn 5 MB.", field="file")
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04") and _is_docx(data):
        kind = "docx"
    elif _looks_like_text(data):
        kind = "text"
    else:
        raise ValidationFailed(
            "Filtypen støttes ikke: last opp en PDF, et Word-dokument (DOCX) eller ren tekst.", field="file"
        )
    claimed = {"pdf": "pdf", "docx": "docx", "txt": "text", "text": "text"}.get(ext)
    if ext in ("pdf", "docx") and claimed != kind:
        raise ValidationFailed(
            f"Filen heter .{ext}, men innholdet er ikke en {ext.upper()}-fil. "
            "Last opp en PDF, et Word-dokument (DOCX) eller ren tekst.",
            field="file",
        )
    return kind


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a multi-byte character cut by the sample
            text = sample[: exc.start].decode("utf-8", "ignore")
        else:
            text = sample.decode("cp1252", "replace")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return bool(text) and printable / len(text) > 0.95


def read_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationFailed("PDF-filen er passordbeskyttet og kan ikke leses.", field="file")
        return "\n".join(page.extract_text() or "" for page in reader.pages[:50])
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationFailed("Kunne ikke lese PDF-filen.", field="file") from exc


def read_docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise ValidationFailed("Kunne ikke lese Word-dokumentet.", field="file") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("  ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def extract_text(data: bytes, filename: str = "") -> str:
    """The CV's text, whatever the format; refuses files that are not PDF, DOCX or text, or have no text."""
    kind = sniff(data, filename)
    text = {"pdf": read_pdf, "docx": read_docx, "text": read_text}[kind](data)
    text = unicodedata.normalize("NFC", text)[:MAX_TEXT_CHARS]
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
_MONTH = r"(?:(0?[1-9]|1[0-2])[./-])?"
_YEAR = r"((?:19|20)\d{2})"
_OPEN_END = r"(nå|n\u00e5|d\.?\s?d\.?|i dag|pågående|dags dato|present|now|today)"
_RANGE = re.compile(
    rf"{_MONTH}{_YEAR}\s*(?:[-–—]|til|to)\s*(?:{_MONTH}{_YEAR}|{_OPEN_END})",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"(?:fra|siden|since)\s+{_MONTH}{_YEAR}", re.IGNORECASE)
_SPLITTERS = re.compile(r"\s+(?:hos|ved|i|at|for)\s+|\s*[,|]\s*|\s+[-–—]\s+|\s*:\s+")

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


def _iso(month: str | None, year: str | None, *, end: bool) -> str:
    if not year:
        return ""
    if month:
        return f"{year}-{int(month):02d}-01"
    return f"{year}-12-31" if end else f"{year}-01-01"


def _title_and_employer(rest: str) -> tuple[str, str]:
    rest = _clean_line(rest.strip(" ()-–—:,|"))
    parts = [p.strip(" ()-–—:,|") for p in _SPLITTERS.split(rest, maxsplit=1) if p and p.strip(" ()-–—:,|")]
    if not parts:
        return "", ""
    title = parts[0]
    employer = parts[1] if len(parts) > 1 else ""
    return title[:200], employer[:200]


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
            start = _iso(match.group(1), match.group(2), end=False)
            end = "" if match.group(5) else _iso(match.group(3), match.group(4), end=True)
            rest = line[: match.start()] + " " + line[match.end() :]
        else:
            assert since is not None
            start, end = _iso(since.group(1), since.group(2), end=False), ""
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
                w.styrk_confidence = best[2] if len(best) > 2 else None  # type: ignore[misc]
    return proposals
