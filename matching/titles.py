"""Norwegian job-title normalisation and title → STYRK-08 mapping.

Titles in ads and CVs are free text ("Vi søker blid renholder (60 %)", "lager-medarbeider", "renholdr"); the
occupation score needs codes. Order of trust: exact synonym/STYRK name, compound head (Norwegian compounds put the
head last: "nattrenholder" is a renholder), then a fuzzy match with a high cutoff.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

FUZZY_CUTOFF = 86.0
SUFFIX_MIN_LEN = 4
# confidences: how much a mapped code is trusted in the occupation score
CONF_EXACT = 1.0
CONF_SUFFIX = 0.85
CONF_FUZZY = 0.8

_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:[-–—]|til)?\s*(?:\d+(?:[.,]\d+)?)?\s*(?:%|prosent)")
_NUM = re.compile(r"\b\d+\b")
_LEAD = re.compile(r"^(?:vi\s+søker(?:\s+etter)?|søker|ledig\s+stilling(?:\s+som)?|stilling\s+som)\s+")
_NOISE = re.compile(
    r"\b(?:heltid|deltid|heltidsstilling|deltidsstilling|stilling|fast|fast ansatt|vikariat|sommervikar|"
    r"tilkallingsvikar|ekstrahjelp|søkes|ønskes|snarest|ledig)\b"
)
_HYPHEN_JOIN = re.compile(r"(?<=\w)-(?=\w)")
_NONWORD = re.compile(r"[^\wæøå\s]")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ü": "u", "ö": "o", "ä": "a"})
# Endings tried longest first; applied identically to both sides of a comparison, so stems only need to agree.
_ENDINGS = ("erne", "ene", "ere", "er", "en", "re", "e")
_DIGITS = re.compile(r"^\d{1,4}$")


def fold(text: str) -> str:
    """ASCII-fold æøå for fuzzy comparison (people type "sjafor" on foreign keyboards)."""
    return text.translate(_FOLD)


def stem(word: str) -> str:
    """Strip Norwegian plural/definite endings (-er, -ere, -en, -ene, -erne, -e); twice for "-eren"."""
    for _ in range(2):
        for end in _ENDINGS:
            if word.endswith(end) and len(word) - len(end) >= 3 and len(word) >= 5:
                word = word[: -len(end)]
                break
        else:
            break
    return word


def clean(text: str) -> str:
    """Lowercase and remove ad noise: "Vi søker", "(heltid)", percent text, "deltid", punctuation."""
    t = text.lower().strip()
    t = _PAREN.sub(" ", t)
    t = _PERCENT.sub(" ", t)
    t = _LEAD.sub("", t)
    t = _NOISE.sub(" ", t)
    t = t.replace("/", " / ")
    t = _HYPHEN_JOIN.sub("", t)  # "lager-medarbeider" → "lagermedarbeider"
    t = t.replace("-", " ")  # "barne- og ungdomsarbeider"
    t = _NONWORD.sub(" ", t)
    t = _NUM.sub(" ", t)
    return " ".join(t.split())


def tokens(text: str) -> list[str]:
    return clean(text).split()


def key_of(words: Iterable[str]) -> str:
    """Comparable key of a word sequence: each word stemmed, joined by spaces."""
    return " ".join(stem(w) for w in words)


def normalise_title(text: str) -> str:
    """The canonical comparable form of a title (used for display-independent equality)."""
    return key_of(tokens(text))


def normalise_term(text: str) -> str:
    """Normalised, folded form of a certificate/skill string for set comparison."""
    return fold(" ".join(_NONWORD.sub(" ", _HYPHEN_JOIN.sub("", text.lower())).split()))


def load_synonyms() -> list[tuple[str, str]]:
    """The project's maintained title list (``matching/data/title_synonyms.csv``, ``title;styrk08``)."""
    path = resources.files("matching") / "data" / "title_synonyms.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return [(r[0].strip(), r[1].strip()) for r in rows[1:] if len(r) >= 2 and r[0].strip()]


def _styrk_name_parts(name: str) -> list[str]:
    """Split a STYRK unit name like "Tømrere og snekkere" / "Bud mv." into titles."""
    n = re.sub(r"\bmv\.?|\bmm\.?|\(.*?\)", " ", name.lower())
    parts = re.split(r",|\bog\b|/", n)
    out = [n]
    for p in parts:
        p = p.strip(" .-")
        if p and (len(p) >= 5 or " " in p):  # drop fragments like "mat" in "Gateselgere, mat"
            out.append(p)
    return out


class TitleMapper:
    """Maps free titles to STYRK-08 unit codes (4 digits) with a confidence in (0, 1]."""

    def __init__(
        self, styrk_names: Mapping[str, str] | None = None, synonyms: Iterable[tuple[str, str]] | None = None
    ):
        self.styrk_names: dict[str, str] = {
            str(k): str(v) for k, v in (styrk_names or {}).items() if len(str(k)) == 4
        }
        self._exact: dict[str, str] = {}
        # STYRK names first so the project's synonyms (more specific) override them
        heads: dict[str, set[str]] = {}
        for code, name in self.styrk_names.items():
            for part in _styrk_name_parts(name):
                words = tokens(part)
                if not words:
                    continue
                self._add(words, code)
                # the head before " i "/" innen " ("Hjelpearbeidere i bygg" → hjelpearbeider), if unambiguous
                for sep in ("i", "innen", "ved"):
                    if sep in words[1:]:
                        head = key_of(words[: words.index(sep)])
                        heads.setdefault(head, set()).add(code)
        for head, codes in heads.items():
            if len(codes) == 1 and head not in self._exact:
                self._exact[head] = next(iter(codes))
        for title, code in synonyms if synonyms is not None else load_synonyms():
            self._add(tokens(title), code)
        self._folded: dict[str, str] = {}
        for k, code in self._exact.items():
            self._folded.setdefault(fold(k), code)
        self._fuzzy_keys = list(self._folded)
        self._joined_keys = {fold(k.replace(" ", "")): c for k, c in self._exact.items()}

    def _add(self, words: list[str], code: str) -> None:
        self._exact[key_of(words)] = code
        if len(words) > 1:
            self._exact.setdefault(stem("".join(words)), code)

    @property
    def size(self) -> int:
        return len(self._exact)

    def map(self, title: str) -> tuple[str, float] | None:
        """Best (code, confidence) for a title or short text, or None."""
        return _map_cached(self, title)

    def map_all(self, title: str) -> list[tuple[str, float]]:
        """Every code found in the text, e.g. "lagermedarbeider / truckfører" gives two."""
        parts = [p for p in re.split(r"/|,|\bog\b|\beller\b", title.lower()) if p.strip()]
        found: dict[str, float] = {}
        for p in parts or [title]:
            m = self.map(p)
            if m and m[1] > found.get(m[0], 0.0):
                found[m[0]] = m[1]
        whole = self.map(title)
        if whole and whole[1] > found.get(whole[0], 0.0):
            found[whole[0]] = whole[1]
        return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))

    def _lookup(self, words: list[str]) -> str | None:
        k = key_of(words)
        code = self._exact.get(k) or self._folded.get(fold(k))
        if code is None and len(words) > 1:
            code = self._joined_keys.get(fold(stem("".join(words))))
        return code

    def _map(self, title: str) -> tuple[str, float] | None:
        raw = title.strip()
        if _DIGITS.match(raw) and len(raw) == 4 and (not self.styrk_names or raw in self.styrk_names):
            return raw, CONF_EXACT
        words = tokens(raw)
        if not words:
            return None
        n = len(words)
        # longest exact span first (leftmost among equals): handles "erfaren renholder søkes"
        for length in range(min(n, 5), 0, -1):
            hits = [self._lookup(words[s : s + length]) for s in range(n - length + 1)]
            hits = [h for h in hits if h]
            if hits:
                # prefer the rightmost hit: in Norwegian phrases the head noun tends to come last
                return hits[-1] if length == 1 else hits[0], CONF_EXACT
        # compound head: longest known suffix of a word ("nattrenholder" → "renholder")
        best: tuple[int, str] | None = None
        for w in reversed(words):
            fw = fold(stem(w))
            for i in range(1, len(fw) - SUFFIX_MIN_LEN + 1):
                code = self._joined_keys.get(fw[i:])
                if code:
                    if best is None or len(fw) - i > best[0]:
                        best = (len(fw) - i, code)
                    break
            if best:
                return best[1], CONF_SUFFIX
        # misspellings: fuzzy on the whole phrase, then on single long words
        probes = [fold(key_of(words))] + [fold(stem(w)) for w in reversed(words) if len(w) >= 5]
        for probe in probes:
            hit = process.extractOne(probe, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if hit:
                return self._folded[hit[0]], CONF_FUZZY * hit[1] / 100.0
        return None


@lru_cache(maxsize=200_000)
def _map_cached(mapper: TitleMapper, title: str) -> tuple[str, float] | None:
    return mapper._map(title)
