"""Norwegian job titles → STYRK-08: normalisation, compound analysis and a classifier that generalises.

Titles in ads and CVs are free text ("Vi søker blid renholder (60 %)", "lager-medarbeider", "Hjelpearbeider
(skogbruk)", "sjafor"). The classifier learns from a vocabulary given as data — NAV's observed titles with the unit
group NAV coded them to, the project's synonym list and the STYRK-08 names — and never reads a database or a file
of the product (the synonym list and the word lists below ship with this library).

How a title is read:
- normalised: lower case, æøå and their ASCII spellings (aa, oe, o) folded to one form, definite and plural endings
  stripped, "Spåkone/-mann" read as both spåkone and spåmann, ad noise ("Vi søker", "(deltid)", "60 %") dropped;
- the parenthesis is evidence, kept as its own feature block ("Hjelpearbeider (skogbruk)" is forestry);
- compounds are split into head and modifier against the heads the vocabulary knows; heads that do not name an
  occupation alone (medarbeider, assistent, konsulent, vakt, leder, …: ``data/title_words.csv``) are read
  together with their modifier;
- season words (sommervikar) are dropped and chain names (Rema, Kiwi) read as their trade;
- a linear model and nearest neighbours over character n-grams and these word features score every unit group;
  the probabilities are summed up the STYRK hierarchy, and the answer is the unit group when it is likely enough,
  else the minor (3-digit) or sub-major (2-digit) group, else nothing. Confidences are calibrated (isotonic) on
  held-out folds of the vocabulary, so 0.9 means right about nine times in ten.
- regulated professions (``data/regulated_professions.csv``) are only proposed when the title names them.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where it is used: a process that never classifies does not load it
    from numpy.typing import NDArray

# confidences: how much a mapped code is trusted in the occupation score
CONF_EXACT = 1.0
UNIT_MIN = 0.25  # calibrated confidence needed to name a unit group; below it the answer backs off to a group
GROUP_MIN = 0.50  # … to name a minor or sub-major group; below it, no code
SUGGEST_MIN = 0.05  # top-3 suggestions below this are left out
FOLDS = 5  # cross-validation folds of titles-eval
CAL_FOLDS = 2  # inner folds the confidences are calibrated on: 2 fits on half the data cost 2.5x less than 5
# on four fifths, for 0.007 less exact (0.520 vs 0.527) and the same wrong-at-0.9 (0.016 vs 0.015), 5-fold CV
MODEL_VERSION = "titles-3"  # part of a stored model's key: change it when the features or the model change

_PAREN = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_PAREN_TEXT = re.compile(r"\(([^)]*)\)?|\[([^\]]*)\]?")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:[-–—]|til)?\s*(?:\d+(?:[.,]\d+)?)?\s*(?:%|prosent)")
_NUM = re.compile(r"\b\d+\b")
_LEAD = re.compile(r"^(?:vi\s+søker(?:\s+etter)?|søker|ledig\s+stilling(?:\s+som)?|stilling\s+som)\s+")
_NOISE = re.compile(
    r"\b(?:heltid|deltid|heltidsstilling|deltidsstilling|stilling|fast|fast ansatt|vikariat|"
    r"søkes|ønskes|snarest|ledig|dagtid|kveld|natt|helg|turnus|skift|ca)\b"
)
_HYPHEN_JOIN = re.compile(r"(?<=\w)-(?=\w)")
_NONWORD = re.compile(r"[^\wæøå\s]")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ü": "u", "ö": "o", "ä": "a"})
_ASCII = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ê": "e", "ü": "u", "ö": "o", "ä": "ae"}
)
# Endings tried longest first; applied identically to both sides of a comparison, so stems only need to agree.
_ENDINGS = ("erne", "ene", "ere", "er", "en", "re", "e")
_DIGITS = re.compile(r"^\d{1,4}$")
_SLASH_SUFFIX = re.compile(r"(\w+)\s*/\s*-\s*(\w+)")  # "spåkone/-mann", "vert/-vertinne"
_FIELD = re.compile(r"\s(?:i|innen|innenfor|ved|på|til|hos)\s")  # "Kokk i barnehage", "Selger hos Rema 1000"
_STOP_WORDS = (
    "og i for av med innen ved pa til mv mm m v fra som the of and in hos vi soker etter en et ei el eller "
)
_STOP = frozenset((_STOP_WORDS + "annen annet andre ogsa innenfor samt").split())


def fold(text: str) -> str:
    """ASCII-fold æøå for fuzzy comparison (people type "sjafor" on foreign keyboards)."""
    return text.translate(_FOLD)


def ascii_fold(word: str) -> str:
    """One spelling for æøå and their ASCII stand-ins: ø/oe/o → o, å/aa/a → a, æ → ae."""
    return word.translate(_ASCII).replace("aa", "a").replace("oe", "o")


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
    return _clean_part(t)


def _clean_part(t: str) -> str:
    t = _PERCENT.sub(" ", t)
    t = _LEAD.sub("", t.strip())
    t = _NOISE.sub(" ", t)
    t = _SLASH_SUFFIX.sub(lambda m: f"{m.group(1)} {_complete(m.group(1), m.group(2))}", t)
    t = t.replace("/", " / ")
    t = _HYPHEN_JOIN.sub("", t)  # "lager-medarbeider" → "lagermedarbeider"
    t = t.replace("-", " ")  # "barne- og ungdomsarbeider"
    t = _NONWORD.sub(" ", t)
    t = _NUM.sub(" ", t)
    return " ".join(t.split())


def _complete(first: str, tail: str) -> str:
    """The second title of "X/-Y": Y replaces X's last part ("vert/-vertinne" → vertinne, "spåkone/-mann" →
    spåmann)."""
    at = first.rfind(tail[:3]) if len(tail) >= 3 else -1
    if at >= 2:
        return first[:at] + tail
    return first[: max(2, len(first) - len(tail))] + tail


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


# ---- data shipped with the library ----------------------------------------------------------------------------
def _data_rows(name: str) -> list[list[str]]:
    path = resources.files("matching") / "data" / name
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return [[c.strip() for c in r] for r in csv.reader(lines[1:], delimiter=";")]


def load_synonyms() -> list[tuple[str, str]]:
    """The project's maintained title list (``matching/data/title_synonyms.csv``, ``title;styrk08``)."""
    return [(r[0], r[1]) for r in _data_rows("title_synonyms.csv") if len(r) >= 2 and r[0]]


@dataclass(frozen=True)
class TitleWords:
    """Word lists from ``data/title_words.csv``: generic heads, manager heads, season words, chain names."""

    generic: frozenset[str]
    manager: frozenset[str]
    season: frozenset[str]
    trainee: frozenset[str]
    brand: Mapping[str, str]


@lru_cache(maxsize=1)
def title_words() -> TitleWords:
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _data_rows("title_words.csv"):
        if len(r) >= 2:
            kinds[r[0]][ascii_fold(r[1].lower())] = ascii_fold((r[2] if len(r) > 2 else "").lower())
    return TitleWords(
        generic=frozenset(stem(w) for w in kinds["generic"]),
        manager=frozenset(stem(w) for w in kinds["manager"]),
        season=frozenset(kinds["season"]),
        trainee=frozenset(stem(w) for w in kinds["trainee"]),
        brand=dict(kinds["brand"]),
    )


@lru_cache(maxsize=1)
def regulated_professions() -> dict[str, tuple[str, ...]]:
    """Unit group → the terms (ASCII-folded) a title must contain to be coded there (``regulated_professions.csv``)."""
    return {r[0]: tuple(t for t in r[1].split("|") if t) for r in _data_rows("regulated_professions.csv")}


def names_regulated_profession(code: str, title: str) -> bool:
    """Whether a title may be coded to this unit group: true unless the group is a regulated profession
    (sykepleier, lege, …) the title does not name. Any suggester (typeahead, fuzzy) checks this too."""
    terms = regulated_professions().get(str(code).strip())
    if not terms:
        return True
    raw = parse(title or "").raw.replace(" ", "")
    return any(t in raw for t in terms)


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


# ---- parsing --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parsed:
    """A title read: main words and parenthesis words (folded, stemmed), and the folded raw text."""

    main: tuple[str, ...]
    paren: tuple[str, ...]
    raw: str  # folded, unstemmed, for "does the title name X" checks

    @property
    def key(self) -> str:
        return " ".join(self.main) + (" | " + " ".join(self.paren) if self.paren else "")

    @property
    def empty(self) -> bool:
        return not self.main and not self.paren


def _words(part: str, words: TitleWords) -> list[str]:
    out: list[str] = []
    for w in _clean_part(part).split():
        w = ascii_fold(w)
        if w in _STOP or w in words.season:
            continue
        w = words.brand.get(w, w)
        if w:
            out.append(stem(w))
    return out


@lru_cache(maxsize=100_000)
def parse(title: str) -> Parsed:
    """Read a title into main and parenthesis words ("Lærling (herre-/damefrisør)" → lærling | herrefrisør …)."""
    words = title_words()
    t = title.lower().strip()
    inner = " ".join(a or b for a, b in _PAREN_TEXT.findall(t))
    main = _PAREN.sub(" ", t)
    # "Hjelpearbeidere i skogbruk" (STYRK's way) reads like "Hjelpearbeider (skogbruk)" (NAV's), and an ad's
    # "Baker (heltid) i barnehage" like "Baker (barnehage)": the place of work is evidence, not the occupation
    at = _FIELD.search(main)
    if at and at.start() > 2:
        main, inner = main[: at.start()], f"{inner} {main[at.end() :]}".strip()
    m, p = _words(main, words), _words(inner, words)
    if not m and p:  # "(renhold)" alone: the parenthesis is all there is
        m, p = p, []
    elif p and m and m[-1] in words.trainee:  # "Lærling (billakkerer)": the parenthesis names the trade
        m, p = p, m
    # the text as written, less what an ad adds around a title ("Vi søker", "(50–80 % stilling)", "heltid"): none
    # of NAV's titles carries it, so in the raw n-grams it could only pull towards wrong neighbours
    bare = _NOISE.sub(" ", _LEAD.sub("", _PERCENT.sub(" ", t).strip()))
    raw = ascii_fold(" ".join(_NONWORD.sub(" ", _HYPHEN_JOIN.sub("", bare.replace("/", " "))).split()))
    return Parsed(tuple(m), tuple(p), raw)


def split_compound(word: str, heads: Iterable[str] | Mapping[str, Any]) -> tuple[str, str]:
    """(modifier, head) of a compound: the longest known head that ends the word ("nattrenholder" → natt,
    renholder); the linking s/e dropped from the modifier. A word with no known head is its own head."""
    for i in range(3, len(word) - 3):
        h = word[i:]
        if h in heads:
            mod = word[:i]
            if len(mod) > 3 and mod[-1] in "se":
                mod = mod[:-1]
            return mod, h
    return "", word


# ---- the result -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TitleGuess:
    """The answer for one title: a unit group (4 digits), a minor (3) or sub-major (2) group, or no code."""

    code: str | None
    confidence: float
    top: list[tuple[str, float]] = field(default_factory=list)  # up to 3 unit groups, most likely first
    name: str | None = None

    @property
    def level(self) -> int:
        return len(self.code) if self.code else 0


# ---- the classifier ------------------------------------------------------------------------------------------
def _as_is(features: list[str]) -> list[str]:
    """The word-feature vectoriser's analyser (a named function, so a fitted model can be stored)."""
    return features


class _Model:
    """Feature extraction, linear model and neighbours over one training set (lazily imports scikit-learn)."""

    # block weights, SVM C, neighbours, blend, softmax temperature, weights of the minor/sub-major models:
    # chosen on the 5 folds of NAV's titles (docs/BENCHMARKS.md)
    W_MAIN, W_PAREN, W_WORDS, W_RAW = 1.0, 0.7, 0.4, 1.5
    C = 1.5
    K = 5
    BLEND = 0.1
    TEMP = 6.0
    H3, H2 = 0.5, 0.3

    def __init__(self, texts: Sequence[str], codes: Sequence[str], words: TitleWords):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self.words = words
        parsed = [parse(t) for t in texts]
        last = Counter(p.main[-1] for p in parsed if p.main)
        self.heads = {h for h, n in last.items() if len(h) >= 4} | set(words.generic)
        # n-grams of one training title only are left out (min_df=2): a weight learnt from one title is mostly
        # that title's noise, and without them the model is about half the size (measured on 2 of the 5 folds:
        # same exact, 3-digit +0.008). A tiny vocabulary (tests, a synonyms-only mapper) keeps them all.
        df = 2 if len(texts) >= 200 else 1
        self.v_main = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=df)
        self.v_paren = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=df)
        self.v_words = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True)
        self.v_raw = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=df)
        self.v_raw.fit([p.raw for p in parsed])
        self.v_main.fit([" ".join(p.main) for p in parsed])
        self.v_paren.fit([" ".join(p.paren) or "_" for p in parsed])
        self.v_words.fit([self._word_features(p) for p in parsed])
        x, self.xr = self.matrix(parsed)
        self.classes = np.array(sorted(set(codes)))
        index = {c: i for i, c in enumerate(self.classes)}
        self.y = np.array([index[c] for c in codes])
        unit = LinearSVC(C=self.C).fit(x, self.y)
        weights, bias = unit.coef_.T.copy(), unit.intercept_.copy()
        # the same model one and two levels up: a title whose unit group is unsure often has a sure minor group.
        # Each group's scores are added to its unit groups' — a sum of linear scores is one linear score, so the
        # three models are kept as one single-precision matrix (features × unit groups: a third of the size of
        # the three double-precision models, and one product per title instead of three)
        for digits, weight in ((3, self.H3), (2, self.H2)):
            if weight <= 0:
                continue
            groups = sorted({c[:digits] for c in codes})
            gi = {g: i for i, g in enumerate(groups)}
            svm = LinearSVC(C=self.C).fit(x, np.array([gi[c[:digits]] for c in codes]))
            col = np.array([gi[c[:digits]] for c in self.classes])
            weights += weight * svm.coef_.T[:, col]
            bias += weight * svm.intercept_[col]
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = bias.astype(np.float32)

    def _word_features(self, p: Parsed) -> list[str]:
        f: list[str] = []
        for i, w in enumerate(p.main):
            mod, head = split_compound(w, self.heads)
            f.append("w=" + w)
            f.append("h=" + head)
            if mod:
                f.append("m=" + mod)
            if i == len(p.main) - 1:
                f.append("H=" + head)
                if head in self.words.generic:
                    f.append("g=" + head + "|" + (mod or (p.main[i - 1] if i else "")))
                if head in self.words.manager:
                    f.append("mgr")
        for w in p.paren:
            mod, head = split_compound(w, self.heads)
            f.append("p=" + w)
            f.append("ph=" + head)
            if mod:
                f.append("pm=" + mod)
        return f

    def matrix(self, parsed: Sequence[Parsed]) -> tuple[Any, Any]:  # scipy sparse matrices (scipy is untyped)
        from scipy import sparse
        from sklearn.preprocessing import normalize

        a = normalize(self.v_main.transform([" ".join(p.main) for p in parsed])) * self.W_MAIN
        b = normalize(self.v_paren.transform([" ".join(p.paren) for p in parsed])) * self.W_PAREN
        c = normalize(self.v_words.transform([self._word_features(p) for p in parsed])) * self.W_WORDS
        r = normalize(self.v_raw.transform([p.raw for p in parsed]))
        return normalize(sparse.hstack([a, b, c, r * self.W_RAW]).tocsr()), r

    def proba(self, parsed: Sequence[Parsed], exclude_self: bool = False) -> NDArray[Any]:
        """Unit-group probabilities (rows sum to 1): softmax of the linear scores blended with neighbour votes."""
        import numpy as np

        x, xr = self.matrix(parsed)
        s = np.asarray(x.astype(np.float32) @ self.weights) + self.bias  # float32 both sides: no up-cast copy
        s = s - s.max(axis=1, keepdims=True)
        p = np.exp(s * self.TEMP)
        p /= p.sum(axis=1, keepdims=True)
        sims = (xr @ self.xr.T).toarray()
        knn = np.zeros_like(p)
        top = np.argsort(-sims, axis=1)[:, : self.K]
        for r in range(len(parsed)):
            for j in top[r]:
                knn[r, self.y[j]] += max(sims[r, j], 0.0) ** 2
        tot = knn.sum(axis=1, keepdims=True)
        knn = np.divide(knn, tot, out=np.zeros_like(knn), where=tot > 0)
        return (1 - self.BLEND) * p + self.BLEND * knn


class _Calibration:
    """Isotonic maps from raw probability to observed precision, one per level (4, 3, 2 digits)."""

    def __init__(self, raw: dict[int, list[tuple[float, bool]]]):
        from sklearn.isotonic import IsotonicRegression

        self.maps: dict[int, Any] = {}
        for level, pairs in raw.items():
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            if pairs:
                iso.fit([p for p, _ in pairs], [float(ok) for _, ok in pairs])
                self.maps[level] = iso

    def __call__(self, level: int, p: float) -> float:
        iso = self.maps.get(level)
        return float(iso.predict([p])[0]) if iso is not None else p


def _prefix_sums(classes: Iterable[str], p: Iterable[float], digits: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for c, v in zip(classes, p, strict=True):
        out[c[:digits]] += float(v)
    return out


class TitleClassifier:
    """Free title → STYRK-08 guess with calibrated confidence; built from data, fitted on first need.

    ``vocabulary``: (title, 4-digit code) pairs (NAV's observed titles); ``styrk_names``: code → name (unit groups
    are used as training titles, every level for display); ``synonyms``: more (title, code) pairs, by default the
    project's list; ``calibrate``: fit the confidence maps on ``CAL_FOLDS`` held-out folds of the training set.
    """

    def __init__(
        self,
        vocabulary: Iterable[tuple[str, str]] = (),
        styrk_names: Mapping[str, str] | None = None,
        synonyms: Iterable[tuple[str, str]] | None = None,
        *,
        calibrate: bool = True,
        calibration_folds: int = CAL_FOLDS,
        regulated: Mapping[str, Sequence[str]] | None = None,
        cache_dir: str | Path | None = None,
    ):
        self.styrk_names: dict[str, str] = {str(k): str(v) for k, v in (styrk_names or {}).items()}
        units = {k for k in self.styrk_names if len(k) == 4}
        self.words = title_words()
        self.regulated = dict(regulated if regulated is not None else regulated_professions())
        pairs: list[tuple[str, str, str]] = []  # (title, code, source)
        for t, c in vocabulary:
            pairs.append((str(t), str(c).strip(), "vocabulary"))
        for t, c in synonyms if synonyms is not None else load_synonyms():
            pairs.append((str(t), str(c).strip(), "synonym"))
        for code in sorted(units):
            for part in _styrk_name_parts(self.styrk_names[code]):
                pairs.append((part, code, "styrk"))
        self.pairs = [(t, c, s) for t, c, s in pairs if re.fullmatch(r"\d{4}", c) and not parse(t).empty]
        # exact keys: the full key, and the main words alone when the title had no parenthesis
        by_key: dict[str, Counter[str]] = defaultdict(Counter)
        for t, c, _s in self.pairs:
            p = parse(t)
            by_key[p.key][c] += 1
            by_key[_joined(p)][c] += 1
        self._exact = {k: cnt for k, cnt in by_key.items() if k}
        self._calibrate = calibrate
        self._cal_folds = calibration_folds
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._model: _Model | None = None
        self._cal: _Calibration | None = None
        self._lock = threading.Lock()
        self._cache: dict[Parsed, TitleGuess] = {}

    # ---- building -------------------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self.pairs)

    def fingerprint(self) -> str:
        """The training data and model settings, independent of the order the pairs came in (the database
        and the shipped file list the same titles in different orders)."""
        h = hashlib.sha1(MODEL_VERSION.encode())
        for t, c, s in sorted(self.pairs):
            h.update(f"{t}\t{c}\t{s}\n".encode())
        h.update(f"{self._calibrate}:{self._cal_folds}".encode())
        return h.hexdigest()

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(self) -> TitleClassifier:
        """Fit now (seconds to a minute) rather than on the first title that needs the model: a server calls
        this in the background at start, so no page request waits for it."""
        self._ensure()
        return self

    def _ensure(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            key = self.fingerprint()
            with _FITTED_LOCK:
                fitted = _FITTED.get(key)
            if fitted is None:
                fitted = self._load(key)
            if fitted is None:
                pairs = sorted(self.pairs)
                texts = [t for t, _, _ in pairs]
                codes = [c for _, c, _ in pairs]
                cal = _fit_calibration(pairs, self.words, self._cal_folds) if self._calibrate else None
                fitted = (_Model(texts, codes, self.words), cal)
                self._store(key, fitted)
            with _FITTED_LOCK:
                _FITTED[key] = fitted
                while len(_FITTED) > 4:  # a few vocabularies at most (tests, a re-import)
                    _FITTED.pop(next(iter(_FITTED)))
            self._cal = fitted[1]
            self._model = fitted[0]

    def _path(self, key: str) -> Path | None:
        return self._cache_dir / f"{MODEL_VERSION}-{key}.pickle" if self._cache_dir is not None else None

    def _load(self, key: str) -> tuple[_Model, _Calibration | None] | None:
        """A model this program fitted and stored earlier for the same data (the file name is the data's hash;
        the directory is the product's own var/, never user input). Unreadable → fit again."""
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                fitted = pickle.load(fh)  # written by _store below, in the product's var/
        except Exception:
            return None
        return fitted if isinstance(fitted, tuple) and isinstance(fitted[0], _Model) else None

    def _store(self, key: str, fitted: tuple[_Model, _Calibration | None]) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(fitted, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # whole or not at all: another process may be reading
            kept = sorted(path.parent.glob("*.pickle"), key=lambda f: f.stat().st_mtime, reverse=True)
            # ~65 MB each (one dense float32 matrix; a title is cast to float32 too, so scoring stays fast):
            # keep the current vocabulary's and the one before a re-import
            for old in kept[2:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only var/ only costs a fit per process

    # ---- answering ------------------------------------------------------------------------------------------
    def classify(self, title: str) -> TitleGuess:
        """Best guess for a title: a unit group when likely enough, else a group, else no code."""
        raw = (title or "").strip()
        known = not self.styrk_names or raw in self.styrk_names
        if _DIGITS.match(raw) and len(raw) in (2, 3, 4) and known:
            return TitleGuess(raw, CONF_EXACT, [(raw, CONF_EXACT)] if len(raw) == 4 else [], self._name(raw))
        p = parse(raw)
        if p.empty:
            return TitleGuess(None, 0.0)
        hit = self._cache.get(p)  # the whole reading: the model sees the raw text as well as the words
        if hit is None:
            hit = self._classify(p)
            if len(self._cache) < 200_000:
                self._cache[p] = hit
        return hit

    def suggest(self, title: str, k: int = 3) -> list[tuple[str, float]]:
        """Up to k unit groups with their confidence (typeahead and CV import use this)."""
        return self.classify(title).top[:k]

    def map(self, title: str) -> tuple[str, float] | None:
        """(unit group, confidence) for the matching engine, whose occupation score works on unit groups: the
        answer when it is a unit group; when it is a minor/sub-major group, its likeliest unit group with that
        unit group's own (low) confidence — "Systemutvikler" is 2511 in NAV's list and 2512 in ours, and an
        opening and a person with that title should still meet; else None. Suggestions shown to a person use
        ``classify`` and name a unit group only when it is the answer."""
        g = self.classify(title)
        if g.code and len(g.code) == 4:
            return g.code, g.confidence
        if g.code and g.top and g.top[0][0].startswith(g.code):
            return g.top[0]
        return None

    def map_all(self, title: str) -> list[tuple[str, float]]:
        """Every code found in the text, e.g. "lagermedarbeider / truckfører" gives two."""
        parts = [p for p in re.split(r"/|,|\bog\b|\beller\b", _PAREN.sub(" ", title.lower())) if p.strip()]
        found: dict[str, float] = {}
        for part in [*(parts if len(parts) > 1 else []), title]:
            m = self.map(part)
            if m and m[1] > found.get(m[0], 0.0):
                found[m[0]] = m[1]
        return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))

    def _name(self, code: str | None) -> str | None:
        return self.styrk_names.get(code) if code else None

    def _exact_hit(self, p: Parsed) -> str | None:
        for k in (p.key, _joined(p)):
            cnt = self._exact.get(k)
            if cnt:
                (code, n), *rest = [*cnt.most_common(2), ("", 0)]
                if n > rest[0][1] * 2:
                    return code
        return None

    def _allowed(self, code: str, p: Parsed) -> bool:
        terms = self.regulated.get(code)
        return not terms or any(t in p.raw.replace(" ", "") for t in terms)

    def _generic_only(self, p: Parsed) -> bool:
        """A bare head that names no occupation alone ("konsulent", "medarbeidere")."""
        return not p.paren and len(p.main) == 1 and p.main[0] in self.words.generic

    def _classify(self, p: Parsed) -> TitleGuess:
        code = None if self._generic_only(p) else self._exact_hit(p)
        if code is not None and self._allowed(code, p):
            return TitleGuess(code, CONF_EXACT, [(code, CONF_EXACT)], self._name(code))
        self._ensure()
        assert self._model is not None
        probs = self._model.proba([p])[0]
        return self._decide(p, self._model.classes, probs)

    def _decide(self, p: Parsed, classes: NDArray[Any], probs: NDArray[Any]) -> TitleGuess:
        probs = probs.copy()
        for i, c in enumerate(classes):
            if c in self.regulated and not self._allowed(c, p):
                probs[i] = 0.0
        total = float(probs.sum())
        if total <= 0:
            return TitleGuess(None, 0.0)
        probs /= total
        cal = self._cal or (lambda _lv, x: x)
        order = probs.argsort()[::-1][:3]
        top = [(str(classes[i]), round(cal(4, float(probs[i])), 4)) for i in order]
        top = [t for t in top if t[1] >= SUGGEST_MIN]
        c4, p4 = str(classes[order[0]]), cal(4, float(probs[order[0]]))
        if p4 >= UNIT_MIN and not self._generic_only(p):
            return TitleGuess(c4, round(p4, 4), top, self._name(c4))
        for digits in (3, 2):
            sums = _prefix_sums(classes, probs, digits)
            g, pg = max(sums.items(), key=lambda kv: kv[1])
            conf = cal(digits, pg)
            if conf >= GROUP_MIN:
                return TitleGuess(g, round(conf, 4), top, self._name(g))
        return TitleGuess(None, round(p4, 4), top)


# fitted models shared by every classifier built from the same data (each Matcher makes its own mapper)
_FITTED: dict[str, tuple[_Model, _Calibration | None]] = {}
_FITTED_LOCK = threading.Lock()


def _joined(p: Parsed) -> str:
    return "".join(p.main) if not p.paren else ""


def _fold_ids(texts: Sequence[str], k: int) -> list[int]:
    """Fold of each title by a stable hash of its normalised main words: titles that read the same share a fold."""
    out = []
    for t in texts:
        key = parse(t).key or t
        out.append(int(hashlib.md5(key.encode()).hexdigest(), 16) % k)
    return out


def _fit_calibration(
    pairs: Sequence[tuple[str, str, str]], words: TitleWords, k: int = CAL_FOLDS
) -> _Calibration:
    """Out-of-fold raw probabilities at each level against whether they were right."""
    import numpy as np

    texts = [t for t, _, _ in pairs]
    folds = _fold_ids(texts, k)
    raw: dict[int, list[tuple[float, bool]]] = {4: [], 3: [], 2: []}
    for f in range(k):
        train = [i for i in range(len(pairs)) if folds[i] != f or pairs[i][2] == "styrk"]
        test = [i for i in range(len(pairs)) if folds[i] == f and pairs[i][2] == "vocabulary"]
        if not test:
            continue
        m = _Model([texts[i] for i in train], [pairs[i][1] for i in train], words)
        probs = m.proba([parse(texts[i]) for i in test])
        for row, i in zip(probs, test, strict=True):
            truth = pairs[i][1]
            j = int(np.argmax(row))
            raw[4].append((float(row[j]), m.classes[j] == truth))
            for digits in (3, 2):
                g, pg = max(_prefix_sums(m.classes, row, digits).items(), key=lambda kv: kv[1])
                raw[digits].append((pg, g == truth[:digits]))
    return _Calibration(raw)


# Kept for the code that constructs the mapper by its old name (matching.engine, matching.scoring).
class TitleMapper(TitleClassifier):
    """``TitleClassifier`` with the old constructor order: ``TitleMapper(styrk_names, synonyms)``."""

    def __init__(
        self,
        styrk_names: Mapping[str, str] | None = None,
        synonyms: Iterable[tuple[str, str]] | None = None,
        vocabulary: Iterable[tuple[str, str]] = (),
        **kw: Any,
    ):
        super().__init__(vocabulary, styrk_names, synonyms, **kw)


# ---- evaluation ------------------------------------------------------------------------------------------------
def _metrics(truths: Sequence[str], guesses: Sequence[TitleGuess], baseline: Sequence[str | None]) -> dict:
    n = len(truths)
    if n == 0:
        keys = (
            "exact",
            "minor",
            "sub_major",
            "no_code",
            "top1_unit",
            "top3_unit",
            "wrong_at_high_confidence",
        )
        return {k: 0.0 for k in keys} | {
            "n": 0,
            "baseline_exact": 0.0,
        }

    def share(xs: Iterable[bool]) -> float:
        return round(sum(xs) / n, 4)

    return {
        "n": n,
        "exact": share(g.code == t for t, g in zip(truths, guesses, strict=True)),
        "minor": share(
            bool(g.code and len(g.code) >= 3 and g.code[:3] == t[:3])
            for t, g in zip(truths, guesses, strict=True)
        ),
        "sub_major": share(
            bool(g.code and g.code[:2] == t[:2]) for t, g in zip(truths, guesses, strict=True)
        ),
        "no_code": share(g.code is None for g in guesses),
        # the likeliest unit group, answered or not (what the matching engine uses for a group answer), and
        # the truth among the up to 3 suggestions a person is shown
        "top1_unit": share(bool(g.top) and g.top[0][0] == t for t, g in zip(truths, guesses, strict=True)),
        "top3_unit": share(any(c == t for c, _ in g.top[:3]) for t, g in zip(truths, guesses, strict=True)),
        "wrong_at_high_confidence": share(
            bool(g.code and g.confidence >= 0.9 and not t.startswith(g.code))
            for t, g in zip(truths, guesses, strict=True)
        ),
        "baseline_exact": share(b == t for t, b in zip(truths, baseline, strict=True)),
    }


def nearest_neighbour_baseline(train: Sequence[tuple[str, str]], titles: Sequence[str]) -> list[str | None]:
    """The yardstick: character n-grams (TF-IDF, 2–5 within words) of the raw lower-cased titles, 1 nearest, over
    the same training titles (vocabulary, synonyms, STYRK names) the classifier learns from."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not train or not titles:
        return [None] * len(titles)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
    x = vec.fit_transform([t for t, _ in train])
    sims = vec.transform(list(titles)) @ x.T
    best = np.asarray(sims.argmax(axis=1)).ravel()
    return [train[int(i)][1] for i in best]


def _read_keys(title: str) -> set[str]:
    p = parse(title)
    return {k for k in (p.key, _joined(p), " ".join(p.main)) if k}


def unlike(pairs: Iterable[tuple[str, str]], held_out: Iterable[str]) -> list[tuple[str, str]]:
    """The (title, code) pairs that do not read like any held-out title (same normalised words, with or without
    its parenthesis): what a classifier evaluated on `held_out` may learn from."""
    held = set().union(*(_read_keys(t) for t in held_out))
    return [(t, c) for t, c in pairs if not (_read_keys(t) & held)]


def cross_validate(
    vocabulary: Sequence[tuple[str, str]],
    styrk_names: Mapping[str, str],
    synonyms: Sequence[tuple[str, str]] | None = None,
    folds: int = FOLDS,
    calibration_folds: int = CAL_FOLDS,
    only_folds: Sequence[int] | None = None,
) -> dict:
    """k-fold cross-validation by title over the vocabulary. A synonym that reads like a held-out title (same
    normalised words, with or without its parenthesis) leaves the training side of that fold; the STYRK names stay.
    The nearest-neighbour baseline is trained on the same side of each fold. ``only_folds`` evaluates some of the
    folds (a quicker, noisier figure for tests)."""
    synonyms = list(load_synonyms() if synonyms is None else synonyms)
    vocabulary = [(t, c) for t, c in vocabulary if re.fullmatch(r"\d{4}", str(c).strip())]
    ids = _fold_ids([t for t, _ in vocabulary], folds)
    truths: list[str] = []
    guesses: list[TitleGuess] = []
    base: list[str | None] = []
    for f in range(folds) if only_folds is None else only_folds:
        test = [vocabulary[i] for i in range(len(vocabulary)) if ids[i] == f]
        train = [vocabulary[i] for i in range(len(vocabulary)) if ids[i] != f]
        syn = unlike(synonyms, (t for t, _ in test))
        clf = TitleClassifier(train, styrk_names, syn, calibration_folds=calibration_folds)
        truths += [c for _, c in test]
        guesses += [clf.classify(t) for t, _ in test]
        base += nearest_neighbour_baseline([(t, c) for t, c, _ in clf.pairs], [t for t, _ in test])
    return _metrics(truths, guesses, base)


def evaluate_file(
    rows: Sequence[tuple[str, str]],
    vocabulary: Sequence[tuple[str, str]],
    styrk_names: Mapping[str, str],
    synonyms: Sequence[tuple[str, str]] | None = None,
) -> dict:
    """Classify titles the model was not built from: vocabulary entries and synonyms that read like an evaluated
    title are left out of the training data first (reported as ``excluded``)."""
    synonyms = list(load_synonyms() if synonyms is None else synonyms)
    train = unlike(vocabulary, (t for t, _ in rows))
    syn = unlike(synonyms, (t for t, _ in rows))
    clf = TitleClassifier(train, styrk_names, syn)
    out = _metrics(
        [c for _, c in rows],
        [clf.classify(t) for t, _ in rows],
        nearest_neighbour_baseline([(t, c) for t, c, _ in clf.pairs], [t for t, _ in rows]),
    )
    out["excluded"] = (len(vocabulary) - len(train)) + (len(synonyms) - len(syn))
    return out
