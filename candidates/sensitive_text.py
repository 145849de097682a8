"""The sensitive-text check for every free text an employer would see (the presentation, and the short CV texts
shown to the employer): words that may reveal health, diagnoses, medication, substance use, benefits or NAV
programmes are marked with their category, and sharing waits until each mark is edited away or overridden with a
reason. NAV's TryggTekst (the check on samtalereferater in aktivitetsplanen) is the anchor: it answers with
`{trigger, kategori}` per finding; this is the same shape from a maintained word list instead of a language model,
so it runs offline and the same way every time.

The list is `data/sensitive_terms.csv` (`term,match,category`), kept by people, not code. `match` says how a term
meets a word (a word is letters and digits, hyphen-joined parts included: "AAP-mottaker"):
- `ord`: the word, or one hyphen part of it, is the term (acronyms: "aap" marks "AAP-mottaker", never "aapen");
- `stamme`: the word or a part starts with the term ("sykmeld" → "sykmeldt", "sykmeldingen"; "ufør" →
  "uføretrygdet");
- `ledd`: the term is the first or the last member of a compound, with a Norwegian inflection ending
  ("sykdom" → "hjertesykdommer", "angst" → "sosialangst", never "langstrakt");
- `frase`: several words, the last one with any ending ("nedsatt arbeidsevne")."""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

TERMS_FILE = Path(__file__).with_name("data") / "sensitive_terms.csv"
CATEGORY_LABELS = {
    "helse": "Helse",
    "diagnose": "Diagnose",
    "legemidler": "Legemidler",
    "rus": "Rus",
    "ytelse": "Ytelser",
    "program": "Tiltak og programmer",
}
MATCH_KINDS = ("ord", "stamme", "ledd", "frase")
# Endings a compound's last member may carry (bokmål noun, adjective and participle forms).
_ENDINGS = "e|en|er|ene|et|a|t|s|r|ne|mer|mene|ing|ingen|inger|lig|lige|te|de|ende|ens|ers"
_WORD = re.compile(r"[0-9a-zæøåäöüé]+(?:-[0-9a-zæøåäöüé]+)*")


@dataclass(frozen=True)
class Term:
    term: str
    match: str
    category: str


@dataclass(frozen=True)
class Mark:
    """One finding: the word as written, where it is, the list's term and its category."""

    start: int
    end: int
    word: str
    term: str
    category: str

    @property
    def label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


def load_terms(path: Path = TERMS_FILE) -> list[Term]:
    """The maintained list; a row with an unknown category or match kind is an error in the list, not skipped."""
    terms = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            term, match, category = (row.get(k, "").strip() for k in ("term", "match", "category"))
            if not term:
                continue
            if match not in MATCH_KINDS or category not in CATEGORY_LABELS:
                raise ValueError(f"{path.name} linje {n}: ukjent match {match!r} eller kategori {category!r}")
            terms.append(Term(term.lower(), match, category))
    return terms


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[dict[str, Term], list[tuple[str, Term]], list[tuple[re.Pattern[str], Term]], list]:
    exact: dict[str, Term] = {}
    prefixes: list[tuple[str, Term]] = []
    members: list[tuple[re.Pattern[str], Term]] = []
    phrases: list[tuple[re.Pattern[str], Term]] = []
    for t in load_terms():
        if t.match == "ord":
            exact.setdefault(t.term, t)
        elif t.match == "stamme":
            prefixes.append((t.term, t))
        elif t.match == "ledd":
            prefixes.append((t.term, t))
            members.append((re.compile(f"{re.escape(t.term)}(?:{_ENDINGS})?$"), t))
        else:
            words = r"\s+".join(re.escape(w) for w in t.term.split())
            phrases.append((re.compile(rf"(?<![0-9a-zæøåäöüé]){words}[0-9a-zæøåäöüé]*"), t))
    return exact, prefixes, members, phrases


def _term_for(word: str) -> Term | None:
    exact, prefixes, members, _ = _compiled()
    for part in dict.fromkeys((word, *word.split("-"))):
        if part in exact:
            return exact[part]
        for prefix, term in prefixes:
            if part.startswith(prefix):
                return term
        for pattern, term in members:
            if pattern.search(part):
                return term
    return None


def check(text: str | None) -> list[Mark]:
    """The marks in one text, in order of position (a word is marked once, by its first matching term)."""
    if not text:
        return []
    low = text.lower()
    marks: dict[int, Mark] = {}
    for m in _WORD.finditer(low):
        term = _term_for(m.group())
        if term is not None:
            marks[m.start()] = Mark(m.start(), m.end(), text[m.start() : m.end()], term.term, term.category)
    for pattern, term in _compiled()[3]:
        for m in pattern.finditer(low):
            if not any(m.start() <= s < m.end() for s in marks):
                marks[m.start()] = Mark(
                    m.start(), m.end(), text[m.start() : m.end()], term.term, term.category
                )
    return [marks[k] for k in sorted(marks)]


def check_fields(
    texts: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
) -> list[tuple[str, Mark]]:
    """Every mark of several texts, each with the name of the field it is in (for the message beside it)."""
    items = texts.items() if isinstance(texts, Mapping) else texts
    return [(field, mark) for field, text in items for mark in check(text)]


def segments(text: str, marks: Iterable[Mark]) -> list[tuple[str, Mark | None]]:
    """The text cut at the marks, for a page that highlights them (`<mark>` around each marked word)."""
    out: list[tuple[str, Mark | None]] = []
    pos = 0
    for mark in sorted(marks, key=lambda m: m.start):
        if mark.start < pos:
            continue
        if mark.start > pos:
            out.append((text[pos : mark.start], None))
        out.append((text[mark.start : mark.end], mark))
        pos = mark.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def describe(marks: Iterable[tuple[str, Mark]] | Iterable[Mark]) -> str:
    """«word» (Category), … for messages and the log."""
    parts = []
    for item in marks:
        mark = item[1] if isinstance(item, tuple) else item
        text = f"«{mark.word}» ({mark.label})"
        if text not in parts:
            parts.append(text)
    return ", ".join(parts)
