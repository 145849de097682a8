"""Soft scoring: each component in [0, 1] times a weight; contributions sum to the score.

This module holds the *scalar* definitions (one pair at a time). The vectorised engine reproduces them with numpy
array operations in the same order, and tests check the two agree. Encoders turn dataclasses into compact
features (codes as ints, vocab ids, bitmasks) once, so both paths read the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from matching import feasibility as fz
from matching.model import CEFR, NEED_CATEGORIES, WORKING_HOURS, CandidateProfile, Opening
from matching.text import TextModel, TextVector, candidate_text, opening_text
from matching.text import dot as text_dot
from matching.titles import CONF_EXACT, TitleClassifier, TitleMapper, normalise_term

# ---- weights and labels -------------------------------------------------------------------------------------
COMPONENTS: tuple[str, ...] = (
    "occupation",
    "experience",
    "skills",
    "place",
    "percent",
    "adaptations",
    "hours",
    "language",
    "start",
    "text",
)
LABELS: dict[str, str] = {
    "occupation": "Yrke",
    "experience": "Erfaring i yrket",
    "skills": "Ferdigheter og sertifikater",
    "place": "Sted",
    "percent": "Stillingsprosent og timer",
    "adaptations": "Tilrettelegging",
    "hours": "Arbeidstid og ansettelsesform",
    "language": "Norskkunnskaper",
    "start": "Oppstart",
    "text": "Tekstlikhet CV og annonse",
}
# Occupation first, place second, adaptations third: what NAV's job specialists look at, in that order.
DEFAULT_WEIGHTS: dict[str, float] = {
    "occupation": 0.40,
    "experience": 0.05,
    "skills": 0.04,
    "place": 0.24,
    # percent fit separates people: someone wanting 80–100 % and someone wanting 30–50 % must not look the same
    # for a 20–50 % job (at 0.05 they differed by 3 points of 100, now by 6)
    "percent": 0.10,
    "adaptations": 0.09,
    "hours": 0.03,
    "language": 0.03,
    "start": 0.02,
    # TF-IDF cosine of CV and ad text (matching/text.py): available, off by default — it did not raise nDCG@10 on
    # the dev set, and the structured fields already carry what the text says
    "text": 0.0,
}

# occupation similarity by how many leading STYRK digits agree: [kind][level 0..4]; kind 0 wanted, 1 experience
OCC_SIM: tuple[tuple[float, ...], tuple[float, ...]] = (
    (0.0, 0.0, 0.3, 0.6, 1.0),
    (0.0, 0.0, 0.15, 0.35, 0.75),
)
EXP_FACTOR: tuple[float, ...] = (
    0.0,
    0.0,
    0.0,
    0.5,
    1.0,
)  # years count fully in the unit group, half in minor
EXP_FULL_YEARS = 5.0
PLACE_MUNICIPALITY = 1.0
PLACE_COUNTY = 0.6
PLACE_COMMUTE_MAX = 0.4  # within commute ranks below same county (brief: municipality > county > commute)
PLACE_UNKNOWN = 0.5
DEFAULT_COMMUTE_KM = 40.0
# A commute limit in minutes becomes a straight-line distance at this speed (km/h). Straight-line, not road: roads
# wind (about 1.3× the straight line in Norway) and include the walk and waits, so 45 km/h "as the crow flies" is
# about 60 km/h on the road. Configurable (ARBEIDSBRO_COMMUTE_KMH); the engine takes it as a parameter.
DEFAULT_COMMUTE_KMH = 45.0
PERCENT_GAP_ZERO = 50.0  # 50 percentage points between the wish and the opening's range → no fit
# An opening in an unrelated occupation (occupation value below OCC_RELATED: not even the same STYRK sub-major
# group) is ranked below every related one ("Andre muligheter") and its score is scaled by UNRELATED_FACTOR, so
# place and adaptations alone cannot make it look like half a match.
OCC_RELATED = 0.05
UNRELATED_FACTOR = 0.5
START_LATE_ZERO_DAYS = 90.0
LANG_ADAPTED = 0.75
NO_CODE = -1
PAD_CODE = -100000
# A STYRK code as one int: a unit group (4 digits) is itself, a minor group (3 digits) 10000 + the code, a sub-major
# group (2 digits) 20000 + the code. The title classifier backs off to a group when only that is certain; such a
# code agrees with another on at most its own digits, so it earns graded credit (same minor group < same unit group).
GROUP3_BASE = 10_000
GROUP2_BASE = 20_000
MISSING_LEVEL = -3  # a group code's prefix below its own digits: equal to no opening's (NO_CODE) or padding

NEED_BIT: dict[str, int] = {c: 1 << i for i, c in enumerate(NEED_CATEGORIES)}
ARBEIDSTID = NEED_BIT["ARBEIDSTID"]
GRUNNLEGGENDE = NEED_BIT["GRUNNLEGGENDE"]
HOURS_BIT: dict[str, int] = {c: 1 << i for i, c in enumerate(WORKING_HOURS)}
POPCOUNT: tuple[int, ...] = tuple(bin(i).count("1") for i in range(256))


def normalise_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Non-negative weights over COMPONENTS, summing to 1 (so the score stays in [0, 1])."""
    w = dict(DEFAULT_WEIGHTS)
    if weights:
        w.update({k: float(v) for k, v in weights.items() if k in COMPONENTS})
    w = {k: max(0.0, w.get(k, 0.0)) for k in COMPONENTS}
    total = sum(w.values())
    if total <= 0:
        raise ValueError("minst én vekt må være positiv")
    return {k: v / total for k, v in w.items()}


@dataclass(frozen=True, slots=True)
class Component:
    """One explanation line: key, Norwegian label, value in [0, 1], weight and weight × value."""

    key: str
    label: str
    value: float
    weight: float
    contribution: float


def code_int(code: str | None) -> int | None:
    """A 2-, 3- or 4-digit STYRK code as the engine's int (see GROUP3_BASE); anything else None."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        return None
    n = int(code)
    return n if len(code) == 4 else n + (GROUP3_BASE if len(code) == 3 else GROUP2_BASE)


def code_digits(code: int) -> int:
    return 4 if code < GROUP3_BASE else 3 if code < GROUP2_BASE else 2


def prefix(code: int, lv: int, missing: int = MISSING_LEVEL) -> int:
    """The code's first ``lv`` digits, or ``missing`` when the code is a group with fewer digits (or no code)."""
    if code < 0:
        return missing
    d = code_digits(code)
    if lv > d:
        return missing
    base = code if d == 4 else code - (GROUP3_BASE if d == 3 else GROUP2_BASE)
    return base // 10 ** (d - lv)


_CODE = re.compile(r"\d{2,4}")


# ---- geography ----------------------------------------------------------------------------------------------
@dataclass
class Geo:
    """Optional coordinates: postal code → (lat, lon), municipality → centroid. The engine works without it."""

    postal: dict[str, tuple[float, float]] = field(default_factory=dict)
    municipality_centroid: dict[str, tuple[float, float]] = field(default_factory=dict)
    municipality_county: dict[str, str] = field(default_factory=dict)

    def coords(self, postal_code: str | None, municipality: str | None) -> tuple[float, float] | None:
        if postal_code and postal_code in self.postal:
            return self.postal[postal_code]
        if municipality and municipality in self.municipality_centroid:
            return self.municipality_centroid[municipality]
        return None


def county_of(municipality: str) -> str:
    """County = first two digits of the municipality code (stable within one code version)."""
    return municipality[:2]


# ---- vocabularies -------------------------------------------------------------------------------------------
class Vocab:
    """Canonical ids for certificates/skills: normalised, with fuzzy merge of near-identical spellings."""

    def __init__(self, cutoff: float = 90.0):
        self.cutoff = cutoff
        self.ids: dict[str, int] = {}
        self.keys: list[str] = []
        self._fuzzy: list[str] = []  # keys open to fuzzy merging (not the exact ones, e.g. licence classes)
        self._cache: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def id(self, text: str) -> int:
        if text in self._cache:
            return self._cache[text]
        key = normalise_term(text)
        found = self.ids.get(key)
        if found is None and self._fuzzy:
            hit = process.extractOne(key, self._fuzzy, scorer=fuzz.ratio, score_cutoff=self.cutoff)
            if hit:
                found = self.ids[hit[0]]
            elif len(key) >= 6:
                # "truckførerbevis" vs "truckførerbevis t1 t4": one's words contained in the other's
                words = set(key.split())
                for k in self._fuzzy:
                    kw = set(k.split())
                    if len(k) >= 6 and (words <= kw or kw <= words):
                        found = self.ids[k]
                        break
        if found is None:
            found = len(self.keys)
            self.keys.append(key)
            self._fuzzy.append(key)
            self.ids[key] = found
        self._cache[text] = found
        return found

    def exact_id(self, key: str) -> int:
        """Id of a key that must never merge with a near spelling ("førerkort B" is not "førerkort BE")."""
        key = "\x00" + key
        found = self.ids.get(key)
        if found is None:
            found = len(self.keys)
            self.keys.append(key)
            self.ids[key] = found
        return found


def licence_item(vocab: Vocab, licence_class: str) -> int:
    """Skills-score item for a driving-licence class; classes stay distinct (implication is done by the holder's
    closure, so a C1, C, D1, D or E-variant holder also holds the "B" item, a CE holder the "C" item, etc.)."""
    return vocab.exact_id("førerkort:" + licence_class.strip().upper().replace(" ", ""))


# ---- encoded features ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CandFeatures:
    codes: tuple[tuple[int, int, float], ...]  # (code4, kind 0=wanted 1=experience, confidence)
    exp: tuple[tuple[int, float], ...]  # (code4, years)
    munis: tuple[str, ...]
    counties: tuple[str, ...]
    coords: tuple[float, float] | None
    max_commute: float | None
    capacity: float
    wmin: float
    wmax: float
    needs: int
    hours: int
    engagements: int
    earliest: float | None
    licence_mask: int
    licences: frozenset[str]
    certs: frozenset[int]
    items: frozenset[int]
    norwegian: int
    text: tuple[tuple[int, float], ...] = ()  # TF-IDF vector (term, weight) when a text model is set
    commute_minutes: float | None = None  # the limit as the person gave it (for the reason text)


def commute_limit_km(km: float | None, minutes: float | None, kmh: float) -> float | None:
    """The person's commute limit as a distance: minutes at ``kmh``; with both given, the stricter one."""
    limits = [float(km)] if km is not None else []
    if minutes is not None:
        limits.append(float(minutes) * kmh / 60.0)
    return min(limits) if limits else None


@dataclass(frozen=True, slots=True)
class OpenFeatures:
    code: int
    conf: float
    muni: str | None
    county: str | None
    coords: tuple[float, float] | None
    pmin: float
    pmax: float
    adapt: int
    reduced: bool
    hours: int
    engagement: int
    start: float | None
    deadline: float | None
    is_open: bool
    lic_req: tuple[str, ...]
    lic_mask: int
    cert_req: tuple[int, ...]
    cert_names: tuple[str, ...]
    items: tuple[tuple[int, float], ...]  # (vocab id, weight): must skills 2, should skills/certs/licences 1
    norwegian: int
    text: tuple[tuple[int, float], ...] = ()


_HOURS_IN_TEXT = re.compile(r"arbeidstid:\s*([^.]*)", re.IGNORECASE)


class Encoder:
    """Turns dataclasses into features; owns the title mapper and the shared vocabularies."""

    def __init__(
        self,
        mapper: TitleClassifier | None = None,
        geo: Geo | None = None,
        commute_kmh: float = DEFAULT_COMMUTE_KMH,
    ):
        self.mapper = mapper or TitleMapper()
        self.geo = geo
        self.commute_kmh = float(commute_kmh)
        self.vocab = Vocab()
        self.text_model: TextModel | None = None  # set by the Matcher when the text component is used
        self.engagement_ids: dict[str, int] = {}

    def _eng(self, name: str) -> int:
        return self.engagement_ids.setdefault(name.strip().lower(), len(self.engagement_ids))

    def _code(self, title: str, styrk: str | None = None) -> tuple[int, float] | None:
        """(code, confidence): a structured code (2–4 digits) wins; else the title's unit group, or the group
        the classifier backs off to when only that is certain (graded credit, see GROUP3_BASE)."""
        code = code_int(styrk)
        if code is not None:
            return code, CONF_EXACT
        if not title:
            return None
        m = self.mapper.map(title)
        if m is None:
            guess = self.mapper.classify(title)
            m = (guess.code, guess.confidence) if guess.code else None
        code = code_int(m[0]) if m else None
        return (code, m[1]) if code is not None and m is not None else None

    def opening_code(self, o: Opening) -> tuple[int, float]:
        """Structured STYRK code wins (the employer chose it); else the title; else the description's words."""
        c = self._code(o.title, o.styrk08)
        if c is None and o.description:
            m = self._code(o.description.split(".")[0])
            c = (m[0], 0.8 * m[1]) if m else None
        return c or (NO_CODE, 0.0)

    def candidate(self, c: CandidateProfile, text: TextVector | None = None) -> CandFeatures:
        if text is None:
            text = self.text_model.vector(candidate_text(c)) if self.text_model else ()
        codes: dict[tuple[int, int], float] = {}
        for t in c.wanted_occupations:
            m = self._code(t)
            if m:
                codes[(m[0], 0)] = max(codes.get((m[0], 0), 0.0), m[1])
        exp: list[tuple[int, float]] = []
        for e in c.experience:
            m = self._code(e.title, e.styrk08)
            if m:
                codes[(m[0], 1)] = max(codes.get((m[0], 1), 0.0), m[1])
                exp.append((m[0], float(e.years)))
        for t in c.titles:
            m = self._code(t)
            if m:
                codes[(m[0], 1)] = max(codes.get((m[0], 1), 0.0), m[1])
        lic = fz.licence_closure(c.driving_licences)
        certs = frozenset(self.vocab.id(x) for x in c.certificates)
        items = set(certs) | {self.vocab.id(x) for x in c.skills} | {licence_item(self.vocab, x) for x in lic}
        munis = tuple(dict.fromkeys(c.municipalities))
        coords = None
        if self.geo:
            coords = self.geo.coords(c.postal_code, munis[0] if munis else None)
        eng = 0
        for kind in c.engagement_types:
            eng |= 1 << min(self._eng(kind), 62)
        return CandFeatures(
            codes=tuple((code, kind, conf) for (code, kind), conf in sorted(codes.items())),
            exp=tuple(exp),
            munis=munis,
            counties=tuple(dict.fromkeys(county_of(m) for m in munis)),
            coords=coords,
            max_commute=commute_limit_km(c.max_commute_km, c.max_commute_minutes, self.commute_kmh),
            capacity=float(c.capacity_percent),
            wmin=float(c.wanted_percent_min),
            wmax=float(c.wanted_percent_max),
            needs=_mask(c.needs, NEED_BIT),
            hours=_mask(c.working_hours, HOURS_BIT),
            engagements=eng,
            earliest=float(c.earliest_start.toordinal()) if c.earliest_start else None,
            licence_mask=fz.licence_mask(lic),
            licences=lic,
            certs=certs,
            items=frozenset(items),
            norwegian=c.norwegian_level,
            text=text,
            commute_minutes=c.max_commute_minutes,
        )

    def opening(self, o: Opening, text: TextVector | None = None) -> OpenFeatures:
        if text is None:
            text = self.text_model.vector(opening_text(o)) if self.text_model else ()
        code, conf = self.opening_code(o)
        hours = o.working_hours
        if not hours and o.description:  # structured field wins; text only fills a gap
            m = _HOURS_IN_TEXT.search(o.description)
            if m:
                hours = tuple(w.strip().lower() for w in re.split(r",|\bog\b", m.group(1)))
        items: dict[int, float] = {}
        for s in o.must.skills:
            items[self.vocab.id(s)] = 2.0
        for s in (*o.should.skills, *o.should.certificates):
            items.setdefault(self.vocab.id(s), 1.0)
        for lic in o.should.driving_licences:  # "should" licences count with implication, as feasibility does
            items.setdefault(licence_item(self.vocab, lic), 1.0)

        coords = self.geo.coords(o.postal_code, o.municipality) if self.geo else None
        return OpenFeatures(
            code=code,
            conf=conf,
            muni=o.municipality,
            county=county_of(o.municipality) if o.municipality else None,
            coords=coords,
            pmin=float(o.percent_min),
            pmax=float(o.percent_max),
            adapt=_mask(o.adaptations, NEED_BIT),
            reduced=bool(o.open_to_reduced_capacity),
            hours=_mask(hours, HOURS_BIT),
            engagement=self._eng(o.engagement) if o.engagement else -1,
            start=float(o.start.toordinal()) if o.start else None,
            deadline=float(o.deadline.toordinal()) if o.deadline else None,
            is_open=o.status in ("open", "ledig", "aktiv", "active"),
            lic_req=tuple(o.must.driving_licences),
            lic_mask=fz.licence_mask(o.must.driving_licences),
            cert_req=tuple(self.vocab.id(x) for x in o.must.certificates),
            cert_names=tuple(o.must.certificates),
            items=tuple(sorted(items.items())),
            norwegian=CEFR.get(o.must.norwegian or "", 0),
            text=text,
        )


def _mask(values: Iterable[str], bits: Mapping[str, int]) -> int:
    m = 0
    for v in values:
        m |= bits.get(v, 0)
    return m


def _pop(x: int) -> int:
    return POPCOUNT[x & 0xFF]


# ---- scalar component definitions ---------------------------------------------------------------------------
def level(a: int, b: int) -> int:
    """How many leading STYRK digits agree (0..4; a group code agrees on at most its own digits)."""
    if a < 0 or b < 0:
        return 0
    if a < GROUP3_BASE and b < GROUP3_BASE:
        return int(a // 1000 == b // 1000) + int(a // 100 == b // 100) + int(a // 10 == b // 10) + int(a == b)
    return sum(prefix(a, lv) == prefix(b, lv, NO_CODE) for lv in (1, 2, 3, 4))


def occupation_value(c: CandFeatures, o: OpenFeatures) -> float:
    best = 0.0
    for code, kind, conf in c.codes:
        s = OCC_SIM[kind][level(code, o.code)] * conf
        best = max(best, s)
    return best * o.conf


def experience_value(c: CandFeatures, o: OpenFeatures) -> float:
    years = 0.0
    for code, y in c.exp:
        years = years + y * EXP_FACTOR[level(code, o.code)]
    return min(1.0, years / EXP_FULL_YEARS)


def skills_value(c: CandFeatures, o: OpenFeatures) -> float:
    total = 0.0
    got = 0.0
    for item, w in o.items:
        total = total + w
        got = got + (w if item in c.items else 0.0)
    return got / total if total > 0 else 1.0


def distance(c: CandFeatures, o: OpenFeatures) -> float | None:
    if c.coords is None or o.coords is None:
        return None
    return fz.haversine_km(c.coords[0], c.coords[1], o.coords[0], o.coords[1])


def place_value(c: CandFeatures, o: OpenFeatures) -> float:
    if o.muni is None or (not c.munis and c.coords is None):
        return PLACE_UNKNOWN
    if o.muni in c.munis:
        base = PLACE_MUNICIPALITY
    elif o.county in c.counties:
        base = PLACE_COUNTY
    else:
        base = 0.0
    d = distance(c, o)
    if d is not None:
        limit = c.max_commute if c.max_commute is not None and c.max_commute > 0 else DEFAULT_COMMUTE_KM
        base = max(base, PLACE_COMMUTE_MAX * max(0.0, 1.0 - d / limit))
    return base


def flexible_time(o: OpenFeatures) -> bool:
    return bool(o.adapt & ARBEIDSTID) or o.reduced


def percent_value(c: CandFeatures, o: OpenFeatures) -> float:
    """Overlap of the person's [wanted_min, min(wanted_max, capacity)] with the opening's range.

    A 40–60 % opening is a perfect fit for someone who can work 50 %; a full-time one is not, even when the employer
    can adapt the hours (half the gap counts then).
    """
    hi = min(c.wmax, c.capacity)
    lo = min(c.wmin, hi)
    gap_up = o.pmin - hi
    if flexible_time(o):
        gap_up = gap_up * 0.5
    gap = max(gap_up, lo - o.pmax, 0.0)
    return max(0.0, 1.0 - gap / PERCENT_GAP_ZERO)


def adaptations_value(c: CandFeatures, o: OpenFeatures) -> float:
    """Share of the person's needs the employer can adapt; a part-time job within capacity meets ARBEIDSTID."""
    if not c.needs:
        return 1.0
    offered = o.adapt | (ARBEIDSTID if o.pmin <= c.capacity else 0)
    return _pop(c.needs & offered) / _pop(c.needs)


def hours_value(c: CandFeatures, o: OpenFeatures) -> float:
    v = 1.0 if (not c.hours or not o.hours) else _pop(c.hours & o.hours) / _pop(o.hours)
    if c.engagements and o.engagement >= 0 and not (c.engagements >> min(o.engagement, 62)) & 1:
        v = v * 0.5
    return v


def language_value(c: CandFeatures, o: OpenFeatures) -> float:
    if o.norwegian == 0 or c.norwegian >= o.norwegian:
        return 1.0
    if o.adapt & GRUNNLEGGENDE:
        return LANG_ADAPTED
    return max(0.0, 1.0 - 0.25 * (o.norwegian - c.norwegian))


def start_value(c: CandFeatures, o: OpenFeatures) -> float:
    if c.earliest is None or o.start is None:
        return 1.0
    late = c.earliest - o.start
    return 1.0 if late <= 0 else max(0.0, 1.0 - late / START_LATE_ZERO_DAYS)


def text_value(c: CandFeatures, o: OpenFeatures) -> float:
    """TF-IDF cosine of CV and ad text (0 when no text model is set)."""
    return text_dot(o.text, c.text)


VALUE_FUNCS = {
    "occupation": occupation_value,
    "experience": experience_value,
    "skills": skills_value,
    "place": place_value,
    "percent": percent_value,
    "adaptations": adaptations_value,
    "hours": hours_value,
    "language": language_value,
    "start": start_value,
    "text": text_value,
}


def component_values(c: CandFeatures, o: OpenFeatures) -> dict[str, float]:
    return {k: VALUE_FUNCS[k](c, o) for k in COMPONENTS}


def related(occupation: float) -> bool:
    """Is the opening's occupation related to the person's (wanted or experienced) at all?"""
    return occupation >= OCC_RELATED


def factor(occupation: float) -> float:
    return 1.0 if related(occupation) else UNRELATED_FACTOR


def score(c: CandFeatures, o: OpenFeatures, weights: Mapping[str, float]) -> float:
    """Weighted sum in COMPONENTS order (the vectorised path adds in the same order), scaled down when the
    occupation is unrelated."""
    total = 0.0
    for k in COMPONENTS:
        total = total + weights[k] * VALUE_FUNCS[k](c, o)
    return total * factor(occupation_value(c, o))


def explain_components(
    c: CandFeatures, o: OpenFeatures, weights: Mapping[str, float], occupation: float | None = None
) -> list[Component]:
    """One line per component; contributions include the unrelated-occupation scaling, so they sum to the
    score. ``occupation``: the pair's occupation value when the caller already has it."""
    occ = occupation_value(c, o) if occupation is None else occupation
    f = factor(occ)
    out = []
    for k in COMPONENTS:
        v = occ if k == "occupation" else VALUE_FUNCS[k](c, o)
        out.append(Component(k, LABELS[k], v, weights[k], weights[k] * v * f))
    return out


def _num_text(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _range_text(lo: float, hi: float) -> str:
    return f"{_num_text(lo)} %" if lo == hi else f"{_num_text(lo)}–{_num_text(hi)} %"


def _occupation_text(c: CandFeatures, o: OpenFeatures) -> str:
    best, best_kind, best_level = 0.0, 1, 0
    for code, kind, conf in c.codes:
        lv = level(code, o.code)
        v = OCC_SIM[kind][lv] * conf
        if v > best:
            best, best_kind, best_level = v, kind, lv
    if not related(best * o.conf):
        return "Annet yrke" if o.code >= 0 else "Yrket er ukjent"
    if best_level == 4:
        return "Samme yrke" if best_kind == 0 else "Erfaring fra samme yrke"
    if best_level == 3:
        return "Beslektet yrke"
    return "Nærliggende yrke"


def _place_text(c: CandFeatures, o: OpenFeatures) -> str:
    if o.muni is not None and o.muni in c.munis:
        return "i ønsket kommune"
    d = distance(c, o)
    if d is not None:
        return f"{d:.0f} km unna"
    if o.county is not None and o.county in c.counties:
        return "i samme fylke (avstand ukjent)"
    return "avstand ukjent"


def _percent_text(c: CandFeatures, o: OpenFeatures) -> str:
    hi = min(c.wmax, c.capacity)
    lo = min(c.wmin, hi)
    wish = _range_text(lo, hi)
    if max(lo, o.pmin) <= min(hi, o.pmax):
        fit_lo, fit_hi = max(lo, o.pmin), min(hi, o.pmax)
        return f"{_range_text(fit_lo, fit_hi)} passer ønsket {wish}"
    if o.pmin > hi:
        return f"krever minst {_num_text(o.pmin)} %, ønsket {wish}"
    return f"inntil {_num_text(o.pmax)} %, ønsket {wish}"


def explanation(c: CandFeatures, o: OpenFeatures) -> str:
    """One line in words: occupation, place, percent ("Samme yrke, 6 km unna, 30 % passer ønsket 20–40 %")."""
    parts = [_occupation_text(c, o), _place_text(c, o), _percent_text(c, o)]
    if c.needs:
        met = adaptations_value(c, o)
        parts.append(
            "tilrettelegging dekket" if met >= 1.0 else "tilrettelegging delvis dekket" if met > 0 else ""
        )
    return ", ".join(p for p in parts if p)


def uncertainty(c: CandFeatures, o: OpenFeatures) -> str | None:
    """Why the pair cannot be judged: a commute limit, a workplace outside the person's municipalities, and no
    coordinates to measure the distance. Never a silent pass."""
    if c.max_commute is None or (o.muni is not None and o.muni in c.munis):
        return None
    if distance(c, o) is not None:
        return None
    return fz.reason_distance_unknown(c.max_commute, c.commute_minutes)


def infeasibility(c: CandFeatures, o: OpenFeatures, today: dt.date | None) -> list[str]:
    """Norwegian reasons why the person cannot take the opening (empty list: feasible)."""
    reasons: list[str] = []
    if not o.is_open:
        reasons.append(fz.reason_closed())
    if o.deadline is not None and today is not None and o.deadline < today.toordinal():
        reasons.append(fz.reason_deadline(dt.date.fromordinal(int(o.deadline)).isoformat()))
    if o.pmin > c.capacity and not flexible_time(o):
        reasons.append(fz.reason_capacity(o.pmin, c.capacity))
    missing_lic = [r for r in o.lic_req if r not in c.licences]
    if missing_lic:
        reasons.append(fz.reason_licence(missing_lic))
    missing_cert = [name for cid, name in zip(o.cert_req, o.cert_names, strict=True) if cid not in c.certs]
    if missing_cert:
        reasons.append(fz.reason_certificate(missing_cert))
    if c.max_commute is not None and o.muni not in c.munis:
        d = distance(c, o)
        if d is None:
            reasons.append(fz.reason_distance_unknown(c.max_commute, c.commute_minutes))
        elif d > c.max_commute:
            reasons.append(fz.reason_place(d, c.max_commute, c.commute_minutes))
    return reasons
