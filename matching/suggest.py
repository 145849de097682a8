"""Search-as-you-type over the occupation vocabulary, places and names: nobody should have to know a code.

Pure: the vocabulary is passed in (STYRK-08 unit-group names, NAV's observed titles, our synonym list,
municipalities and postal codes, employer or person names); the caller builds an index once per process and
keeps it. Text is compared in one normal form (matching.titles' `clean`, `fold` and `stem`, plus the ASCII
spellings "aa" and "oe"), so "gjovik", "Gjøvik" and "GJOEVIK" are the same word. Ranks, best first: exact
word, start of the title, start of a word, inside a compound ("renhold" in "nattrenholder"), then a typo-tolerant
fuzzy match. The confidence is the rank as a number (1.0 exact … about 0.5 for a distant fuzzy hit); only an
exact match is treated as a choice the person made (`resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process

from matching.titles import clean, fold, stem

EXACT = 1.0
PREFIX = 0.9
WORD_PREFIX = 0.8
INFIX = 0.65
FUZZY = 0.6
FUZZY_CUTOFF = 78.0
WORD_OF_PHRASE = 0.8  # a hit on one word of a longer phrase
DEFAULT_LIMIT = 10

_CODE_IN_TEXT = re.compile(r"\((\d{4})\)\s*$|^\s*(\d{4})\b")
_DIGITS = re.compile(r"^\d{1,9}$")
_ASCII = (("aa", "a"), ("oe", "o"))


def norm(text: str) -> str:
    """The comparable form of typed text: lowercase, ad noise removed, æøå folded, "aa"/"oe" as å/ø."""
    cleaned = clean(text or "")
    if not cleaned:  # clean() drops words like "fast" or "ledig"; a search for them still means them
        cleaned = " ".join(re.sub(r"[^\wæøå]+", " ", (text or "").lower()).split())
    folded = fold(cleaned)
    for a, b in _ASCII:
        folded = folded.replace(a, b)
    return folded


def _stemmed(words: Sequence[str]) -> str:
    return " ".join(stem(w) for w in words)


def code_in(text: str) -> str | None:
    """A four-digit code written in the text: "9112" or "Renholder (9112)" (what the suggestion lists fill in)."""
    m = _CODE_IN_TEXT.search(text or "")
    return (m.group(1) or m.group(2)) if m else None


class _TextIndex:
    """Ranks entries (an id and a display text) against a typed query; the shared part of every index."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._keys: list[str] = []
        self._stems: list[str] = []
        self._compact: list[str] = []
        self._words: list[tuple[str, ...]] = []

    def add(self, entry_id: int, text: str) -> None:
        key = norm(text)
        if not key:
            return
        words = tuple(key.split())
        self._ids.append(entry_id)
        self._keys.append(key)
        self._stems.append(_stemmed(words))
        self._compact.append(key.replace(" ", ""))
        self._words.append(words)

    def __len__(self) -> int:
        return len(self._ids)

    def rank(self, query: str, *, fuzzy: int = DEFAULT_LIMIT) -> dict[int, float]:
        """Entry id → confidence for every entry the query reaches."""
        q = norm(query)
        if not q:
            return {}
        q_words = q.split()
        q_stem = _stemmed(q_words)
        q_compact = q.replace(" ", "")
        found: dict[int, float] = {}
        # Every kind of hit below contains each query word's stem somewhere in the key: one C-level substring
        # test per entry rules out almost all of them before the slower checks.
        needles = sorted({stem(w) for w in q_words}, key=len, reverse=True)
        first, rest = needles[0], needles[1:]
        compact = self._compact
        candidates = [i for i, c in enumerate(compact) if first in c and all(n in c for n in rest)]
        for i in candidates:
            key = self._keys[i]
            coverage = min(1.0, len(q) / len(key))
            if self._stems[i] == q_stem or key == q:
                found[i] = EXACT
            elif key.startswith(q) or self._stems[i].startswith(q_stem):
                found[i] = PREFIX + 0.09 * coverage
            elif all(any(w.startswith(qw) for w in self._words[i]) for qw in q_words):
                found[i] = WORD_PREFIX + 0.09 * coverage
            elif len(q_compact) >= 3 and q_compact in compact[i]:
                found[i] = INFIX + 0.09 * coverage
        if len(found) < fuzzy and len(q) >= 4:
            for _key, score, i in process.extract(
                q, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=fuzzy * 3
            ):
                conf = FUZZY * score / 100.0
                if conf > found.get(i, 0.0):
                    found[i] = conf
        ids = self._ids
        return {ids[i]: conf for i, conf in found.items()}


@dataclass(frozen=True)
class OccupationSuggestion:
    """A STYRK-08 unit group for what was typed: the title that matched and the unit group's name beside it."""

    code: str
    name: str
    title: str
    confidence: float

    @property
    def label(self) -> str:
        """The text a suggestion list fills in; `code_in` reads the code back from it."""
        return f"{self.title} ({self.code})"


class OccupationIndex:
    """Every title of the vocabulary, each pointing at its unit group. Built once per process (a few ms per
    thousand titles); a search is a pass over the titles plus a fuzzy pass when the plain one finds little."""

    def __init__(self, styrk_names: Mapping[str, str], titles: Iterable[tuple[str, str]] = ()) -> None:
        self.names = {str(c): str(n) for c, n in styrk_names.items() if len(str(c)) == 4}
        self._text = _TextIndex()
        self._titles: list[tuple[str, str]] = []  # (display title, code), in the order of the text index
        seen: set[tuple[str, str]] = set()

        def add(title: str, code: str) -> None:
            title = " ".join(title.split())
            if not title or (self.names and code not in self.names):
                return
            display = title[0].upper() + title[1:]
            mark = (norm(title), code)
            if mark in seen:
                return
            seen.add(mark)
            self._text.add(len(self._titles), display)
            self._titles.append((display, code))

        for code, name in self.names.items():
            add(name, code)
        for title, code in titles:
            add(title, str(code).strip()[:4])

    def __len__(self) -> int:
        return len(self._titles)

    def _of(self, code: str, confidence: float, title: str | None = None) -> OccupationSuggestion:
        name = self.names.get(code, "")
        return OccupationSuggestion(code, name, title or name or code, round(confidence, 3))

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[OccupationSuggestion]:
        """The best unit groups for what was typed, each code once (with its best-matching title), best first."""
        raw = (query or "").strip()
        if not raw or limit <= 0:
            return []
        code = code_in(raw)
        if code and code in self.names:
            return [self._of(code, EXACT, raw.split("(")[0].strip() if "(" in raw else None)]
        if _DIGITS.match(raw):
            codes = sorted(c for c in self.names if c.startswith(raw))[:limit]
            return [self._of(c, PREFIX) for c in codes]
        best: dict[str, tuple[float, str]] = {}
        for i, conf in self._text.rank(raw, fuzzy=limit).items():
            title, c = self._titles[i]
            current = best.get(c)
            if current is None or (conf, -len(title)) > (current[0], -len(current[1])):
                best[c] = (conf, title)
        words = sorted((w for w in norm(raw).split() if len(w) >= 4), key=len, reverse=True)[:3]
        if not best and len(words) > 1:  # a phrase ("vaskehjelp på hotell"): its longest words, trusted less
            for word in words:
                for hit in self.search(word, limit):
                    conf = hit.confidence * WORD_OF_PHRASE
                    if hit.code not in best or conf > best[hit.code][0]:
                        best[hit.code] = (conf, hit.title)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(kv[1][1]), kv[1][1]))
        return [self._of(c, conf, title) for c, (conf, title) in ranked[:limit]]

    def resolve(self, text: str) -> OccupationSuggestion | None:
        """The unit group a person chose: a code (bare or in "Title (code)") or a title matched exactly;
        None when the text only resembles titles (then the person picks from `search`)."""
        hits = self.search(text, limit=2)
        if hits and hits[0].confidence >= EXACT and (len(hits) == 1 or hits[1].confidence < EXACT):
            return hits[0]
        return None


@dataclass(frozen=True)
class PlaceSuggestion:
    """A municipality ("kommune") or a postal code ("postnummer") with its names."""

    kind: str
    code: str
    name: str
    municipality_code: str
    municipality_name: str
    confidence: float

    @property
    def label(self) -> str:
        if self.kind == "kommune":
            return f"{self.name} ({self.code})"
        return f"{self.code} {self.name}"


class PlaceIndex:
    """Municipalities by name and code, postal codes by number and poststed. A municipality that no postal code
    points at is an old one (codes changed in 2020 and 2024); it ranks after a current one of the same name and
    is left out when a current one has that name."""

    def __init__(
        self, municipalities: Mapping[str, str], postal_codes: Iterable[tuple[str, str, str]] = ()
    ) -> None:
        self.municipalities = dict(municipalities)
        self.postal: dict[str, tuple[str, str]] = {}  # code → (place, municipality code)
        current: set[str] = set()
        first_code_of_place: dict[str, str] = {}
        for code, place, municipality in postal_codes:
            self.postal[code] = (place, municipality)
            current.add(municipality)
            if place not in first_code_of_place or code < first_code_of_place[place]:
                first_code_of_place[place] = code
        self.current = current
        by_name: dict[str, str] = {}
        for code, name in sorted(self.municipalities.items(), key=lambda kv: (kv[0] not in current, kv[0])):
            by_name.setdefault(norm(name), code)  # the current code of each name comes first
        self._by_name = by_name
        self._text = _TextIndex()
        self._entries: list[tuple[str, str]] = []
        for code in by_name.values():
            self._text.add(len(self._entries), self.municipalities[code])
            self._entries.append(("kommune", code))
        names = set(by_name)
        for place, code in sorted(first_code_of_place.items()):
            if norm(place) not in names:  # "Gjøvik" the poststed is Gjøvik the municipality
                self._text.add(len(self._entries), place)
                self._entries.append(("postnummer", code))

    def _postal(self, code: str, confidence: float) -> PlaceSuggestion:
        place, municipality = self.postal[code]
        return PlaceSuggestion(
            "postnummer", code, place, municipality, self.municipalities.get(municipality, ""), confidence
        )

    def _municipality(self, code: str, confidence: float) -> PlaceSuggestion:
        name = self.municipalities.get(code, "")
        return PlaceSuggestion("kommune", code, name, code, name, confidence)

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[PlaceSuggestion]:
        raw = (query or "").strip()
        if not raw or limit <= 0:
            return []
        code = code_in(raw)
        if code and not raw.startswith(code):  # "Gjøvik (3407)": the label of a municipality
            return [self._municipality(code, EXACT)] if code in self.municipalities else []
        if code and (code in self.municipalities or code in self.postal):  # "2815" or "2815 Gjøvik"
            out = [self._postal(code, EXACT)] if code in self.postal else []
            if code in self.municipalities:
                out.append(self._municipality(code, PREFIX if out else EXACT))
            return out[:limit]
        if _DIGITS.match(raw):
            codes = sorted(c for c in self.postal if c.startswith(raw))[:limit]
            return [self._postal(c, EXACT if c == raw else PREFIX) for c in codes]
        ranked: list[PlaceSuggestion] = []
        for i, conf in self._text.rank(raw, fuzzy=limit).items():
            kind, c = self._entries[i]
            old = kind == "kommune" and self.current and c not in self.current
            conf = conf - (0.05 if kind == "postnummer" or old else 0.0)
            ranked.append(self._municipality(c, conf) if kind == "kommune" else self._postal(c, conf))
        ranked.sort(key=lambda s: (-s.confidence, s.kind, s.name, s.code))
        return [
            PlaceSuggestion(
                s.kind, s.code, s.name, s.municipality_code, s.municipality_name, round(s.confidence, 3)
            )
            for s in ranked[:limit]
        ]

    def resolve_municipality(self, text: str) -> str | None:
        """The municipality code a person chose: a known code, "Name (code)", or a name matched exactly
        (the current municipality of that name); None otherwise."""
        raw = (text or "").strip()
        code = code_in(raw)
        if code and code in self.municipalities:
            return code
        return self._by_name.get(norm(raw)) if raw else None


_Id = TypeVar("_Id")


def rank_names(
    query: str, entries: Iterable[tuple[_Id, str, str]], limit: int = DEFAULT_LIMIT
) -> list[tuple[_Id, float]]:
    """(id, name, number) entries ranked for a query: digits match the number's start (an orgnr, a candidate
    number), text the name the same way as titles (ø/o, typos). For small sets read per request."""
    raw = (query or "").strip()
    items = list(entries)
    if not raw or limit <= 0:
        return []
    if raw.replace(" ", "").isdigit():
        digits = raw.replace(" ", "")
        hits = [(i, EXACT if n == digits else PREFIX) for i, _name, n in items if n and n.startswith(digits)]
        return sorted(hits, key=lambda h: -h[1])[:limit]
    index = _TextIndex()
    for pos, (_i, name, _n) in enumerate(items):
        index.add(pos, name)
    ranked = sorted(index.rank(raw, fuzzy=limit).items(), key=lambda kv: (-kv[1], kv[0]))
    return [(items[pos][0], round(conf, 3)) for pos, conf in ranked[:limit]]
