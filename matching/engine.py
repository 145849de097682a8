"""Vectorised ranking index over openings and candidates, both directions, with cheap single-row edits.

Features are encoded once per row into growable numpy columns (STYRK codes at every level, municipality and county
ids, bitmasks for adaptations/needs/hours/licences, padded id arrays for certificates and skills). A query is a few
dozen array operations over all rows; explanations are computed only for the returned top-k, through the scalar
definitions in :mod:`matching.scoring` — the same code the per-pair reference loop uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from matching import scoring as sc
from matching.feasibility import KM_PER_RAD, LICENCE_BIT
from matching.model import NEED_CATEGORIES, WORKING_HOURS, CandidateProfile, Opening
from matching.text import TextIndex, TextModel, TextVector, candidate_text, opening_text
from matching.titles import TitleClassifier, TitleMapper

_OSLO = ZoneInfo("Europe/Oslo")
_POP = np.array(sc.POPCOUNT, dtype=np.int64)
_SIM = np.array(sc.OCC_SIM, dtype=np.float64)
_EXPF = np.array(sc.EXP_FACTOR, dtype=np.float64)
_UNKNOWN_LICENCE_BIT = 1 << 62
_NAN = float("nan")


@dataclass(frozen=True, slots=True)
class RankedItem:
    """One ranked result: the other side's id, score, feasibility, explanation and "hvorfor ikke" reasons.

    ``related``: the occupation is related (else the item belongs under "Andre muligheter"); ``uncertain``: the
    only reason against it is an unknown distance; ``explanation``: one line in words."""

    id: str
    score: float
    feasible: bool
    components: list[sc.Component] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    related: bool = True
    uncertain: bool = False
    explanation: str = ""


class _Store:
    """Growable column store: 1-D columns and padded 2-D columns, each row one opening or candidate."""

    def __init__(self, spec: Mapping[str, tuple[type, float | int, bool]]):
        self.spec = dict(spec)
        self.cap = 0
        self.n = 0
        self.cols: dict[str, np.ndarray] = {}
        for name, (dtype, fill, two_d) in self.spec.items():
            # 2-D columns column-major: a query walks one slot (column) at a time over contiguous memory
            self.cols[name] = np.full((0, 1) if two_d else (0,), fill, dtype=dtype, order="F")

    def grow(self, need: int) -> None:
        if need <= self.cap:
            return
        new_cap = max(need, int(self.cap * 1.5) + 64)
        for name, (dtype, fill, two_d) in self.spec.items():
            old = self.cols[name]
            shape = (new_cap, old.shape[1]) if two_d else (new_cap,)
            arr: np.ndarray = np.full(shape, fill, dtype=dtype, order="F")
            arr[: self.cap] = old[: self.cap]
            self.cols[name] = arr
        self.cap = new_cap

    def set_row(self, i: int, values: Mapping[str, object]) -> None:
        for name, v in values.items():
            dtype, fill, two_d = self.spec[name]
            col = self.cols[name]
            if two_d:
                seq = list(v)  # type: ignore[call-overload]  # any iterable the caller passed
                if len(seq) > col.shape[1]:
                    wider: np.ndarray = np.full((col.shape[0], len(seq)), fill, dtype=dtype, order="F")
                    wider[:, : col.shape[1]] = col
                    self.cols[name] = col = wider
                col[i, :] = fill
                if seq:
                    col[i, : len(seq)] = seq
            else:
                col[i] = v


class _Distinct:
    """Distinct values of a few opening fields, numbered as they first appear (thousands of openings share a
    percent range, hours or a start date), with the values as arrays for a query to compute over."""

    def __init__(self, fields: Mapping[str, type]):
        self.fields = dict(fields)
        self.ids: dict[tuple, int] = {}
        self.keys: list[tuple] = []
        self._arrays: dict[str, np.ndarray] | None = None

    def id(self, key: tuple) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.keys)
            self.keys.append(key)
            self._arrays = None
        return found

    def arrays(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            cols = list(zip(*self.keys, strict=True)) if self.keys else [()] * len(self.fields)
            self._arrays = {
                name: np.array(values, dtype=dtype)
                for (name, dtype), values in zip(self.fields.items(), cols, strict=True)
            }
        return self._arrays


class _ItemSets(_Distinct):
    """Distinct skill-item lists ((vocab id, weight), …) as padded id and weight matrices and their totals."""

    def __init__(self) -> None:
        super().__init__({})

    def arrays(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            width = max((len(k) for k in self.keys), default=0)
            ids = np.full((len(self.keys), width), -1, dtype=np.int64)
            weights = np.zeros((len(self.keys), width))
            for i, key in enumerate(self.keys):
                for j, (item, wt) in enumerate(key):
                    ids[i, j], weights[i, j] = item, wt
            total = np.array([_ordered_sum(wt for _, wt in key) for key in self.keys], dtype=np.float64)
            self._arrays = {"ids": ids, "weights": weights, "total": total}
        return self._arrays


# the code's first 1, 2, 3, 4 digits (NO_CODE where the code has fewer digits, or there is none)
_CODES = {"c1": np.int64, "c2": np.int64, "c3": np.int64, "c4": np.int64}
_TERMS = {
    "pmin": np.float64,
    "pmax": np.float64,
    "flex": np.bool_,
    "adapt": np.int64,
    "nor": np.int64,
    "lic": np.int64,
    "is_open": np.bool_,
}
_HOURS = {"hours": np.int64, "eng": np.int64}
_START = {"start": np.float64}


_OPEN_SPEC: dict[str, tuple[type, float | int, bool]] = {
    "alive": (np.bool_, False, False),
    "conf": (np.float64, 0.0, False),
    "muni": (np.int32, -1, False),
    "county": (np.int32, -1, False),
    "rlat": (np.float64, _NAN, False),
    "coslat": (np.float64, _NAN, False),
    "rlon": (np.float64, _NAN, False),
    "deadline": (np.float64, _NAN, False),
    # ids of the opening's distinct STYRK code, skill items, (percent, adaptations, language, licences, status),
    # (hours, engagement) and start: a query computes those components once per distinct value (a few hundred
    # codes, a few thousand ranges and dates among 100 000 openings), then gathers them for every row
    "code_cls": (np.int32, 0, False),
    "items_cls": (np.int32, 0, False),
    "terms": (np.int32, 0, False),
    "hours_cls": (np.int32, 0, False),
    "start_cls": (np.int32, 0, False),
    "has_certs": (np.bool_, False, False),
    "certs": (np.int64, -1, True),
}
_CAND_SPEC: dict[str, tuple[type, float | int, bool]] = {
    "alive": (np.bool_, False, False),
    "codes": (np.int32, sc.PAD_CODE, True),
    "codes3": (np.int32, sc.PAD_CODE, True),
    "codes2": (np.int32, sc.PAD_CODE, True),
    "codes1": (np.int32, sc.PAD_CODE, True),
    "kinds": (np.int32, 0, True),
    "confs": (np.float64, 0.0, True),
    "exp_codes": (np.int32, sc.PAD_CODE, True),
    "exp3": (np.int32, sc.PAD_CODE, True),
    "exp2": (np.int32, sc.PAD_CODE, True),
    "exp1": (np.int32, sc.PAD_CODE, True),
    "exp_years": (np.float64, 0.0, True),
    "munis": (np.int32, -2, True),
    "counties": (np.int32, -2, True),
    "n_munis": (np.int64, 0, False),
    "lat": (np.float64, _NAN, False),
    "lon": (np.float64, _NAN, False),
    "max_commute": (np.float64, _NAN, False),
    "cap": (np.float64, 100.0, False),
    "wmin": (np.float64, 0.0, False),
    "wmax": (np.float64, 100.0, False),
    "needs": (np.int64, 0, False),
    "hours": (np.int64, 0, False),
    "engs": (np.int64, 0, False),
    "earliest": (np.float64, _NAN, False),
    "lic": (np.int64, 0, False),
    "nor": (np.int64, 0, False),
    "certs": (np.int32, -1, True),
    "items": (np.int32, -1, True),
    # derived once per row so a query does not recompute them for every candidate
    "item_bloom": (np.int64, 0, False),
    "cert_bloom": (np.int64, 0, False),
    "hi": (np.float64, 100.0, False),
    "lo": (np.float64, 0.0, False),
    "rlat": (np.float64, _NAN, False),
    "coslat": (np.float64, _NAN, False),
    "rlon": (np.float64, _NAN, False),
    "limit": (np.float64, sc.DEFAULT_COMMUTE_KM, False),
    "reach": (np.float64, sc.DEFAULT_COMMUTE_KM, False),
    "has_limit": (np.bool_, False, False),
    "no_place": (np.bool_, True, False),
}


class Matcher:
    """Index of openings (and optionally candidates) answering top-k queries in both directions."""

    def __init__(
        self,
        openings: Iterable[Opening] = (),
        candidates: Iterable[CandidateProfile] | None = None,
        styrk_names: Mapping[str, str] | None = None,
        geo: sc.Geo | None = None,
        weights: Mapping[str, float] | None = None,
        today: dt.date | None = None,
        mapper: TitleClassifier | None = None,
        text_model: TextModel | None = None,
        commute_kmh: float = sc.DEFAULT_COMMUTE_KMH,
        weights_version: str = "default",
    ):
        """``text_model``: a (fitted or unfitted) :class:`~matching.text.TextModel` for the optional "text"
        component; one is fitted on the openings automatically when the "text" weight is above 0.
        ``commute_kmh``: the speed that turns a commute limit in minutes into a distance.
        ``weights_version``: the name of ``weights`` (shown beside every ranking)."""
        self.encoder = sc.Encoder(mapper or TitleMapper(styrk_names), geo, commute_kmh)
        self.geo = geo
        self.weights = sc.normalise_weights(weights)
        self.weights_version = weights_version
        self.today = today
        self._places: dict[str, int] = {}
        self._o = _Store(_OPEN_SPEC)
        self._o_codes = _Distinct(_CODES)
        self._o_items = _ItemSets()
        self._o_terms = _Distinct(_TERMS)
        self._o_hours = _Distinct(_HOURS)
        self._o_start = _Distinct(_START)
        self._o_ids: list[str | None] = []
        self._o_slot: dict[str, int] = {}
        self._o_feat: list[sc.OpenFeatures | None] = []
        self._o_obj: list[Opening | None] = []
        self._o_free: list[int] = []
        self._c = _Store(_CAND_SPEC)
        self._c_ids: list[str | None] = []
        self._c_slot: dict[str, int] = {}
        self._c_feat: list[sc.CandFeatures | None] = []
        self._c_obj: list[CandidateProfile | None] = []
        self._c_free: list[int] = []
        self._o_text = TextIndex()
        self._c_text = TextIndex()
        if text_model is not None or self.weights["text"] > 0:
            openings = list(openings)
            model = text_model or TextModel()
            if not model.fitted:
                model.fit(opening_text(o) for o in openings)
            self.encoder.text_model = model
        self.add_openings(openings)
        if candidates is not None:
            self.add_candidates(candidates)

    # ---- configuration ------------------------------------------------------------------------------------
    def set_weights(self, weights: Mapping[str, float], version: str = "custom") -> None:
        """Swap in learned weights (see :mod:`matching.learn`); the index does not depend on them."""
        self.weights = sc.normalise_weights(weights)
        self.weights_version = version
        if self.weights["text"] > 0 and self.encoder.text_model is None:
            self.fit_text()

    def set_today(self, today: dt.date | None) -> None:
        """The day deadlines are checked against (None: the calendar's); the index does not depend on it."""
        self.today = today

    def fit_text(self, texts: Iterable[str] | None = None, model: TextModel | None = None) -> None:
        """(Re)fit the TF-IDF model (default: on the indexed openings' text) and re-encode every row."""
        model = model or TextModel()
        if not model.fitted:
            live = [o for o in self._o_obj if o is not None]
            model.fit(texts if texts is not None else (opening_text(o) for o in live))
        self.encoder.text_model = model
        self.add_openings([o for o in self._o_obj if o is not None])
        self.add_candidates([c for c in self._c_obj if c is not None])

    def _today(self) -> dt.date:
        """The day the ranking is for: Norway's (a pure library, so not core.formatting.today_in_oslo)."""
        return self.today or dt.datetime.now(_OSLO).date()

    def _place(self, code: str | None) -> int:
        if code is None:
            return -1
        return self._places.setdefault(code, len(self._places))

    # ---- openings: add / update / remove ------------------------------------------------------------------
    def add_openings(self, openings: Iterable[Opening]) -> None:
        model = self.encoder.text_model
        if model is None:
            for o in openings:
                self.add_opening(o)
            return
        batch = list(openings)  # one vectoriser call for the whole batch
        for o, text in zip(batch, model.vectors([opening_text(o) for o in batch]), strict=True):
            self.add_opening(o, _text=text)

    def add_opening(self, o: Opening, *, _text: TextVector | None = None) -> None:
        """Insert or replace (same id) one opening; O(1) amortised, so re-ranking right after an edit is cheap."""
        f = self.encoder.opening(o, _text)
        slot = self._o_slot.get(o.id)
        if slot is None:
            slot = self._o_free.pop() if self._o_free else len(self._o_ids)
            if slot == len(self._o_ids):
                self._o_ids.append(None)
                self._o_feat.append(None)
                self._o_obj.append(None)
                self._o.grow(slot + 1)
            self._o_slot[o.id] = slot
        self._o_ids[slot] = o.id
        self._o_feat[slot] = f
        self._o_obj[slot] = o
        if f.text or self.encoder.text_model is not None:
            self._o_text.set(slot, f.text)
        lic = f.lic_mask | (_UNKNOWN_LICENCE_BIT if any(r not in LICENCE_BIT for r in f.lic_req) else 0)
        code = f.code
        rad = (math.radians(f.coords[0]), math.radians(f.coords[1])) if f.coords else (_NAN, _NAN)
        flex = sc.flexible_time(f)
        start = f.start if f.start is not None else _NAN
        self._o.set_row(
            slot,
            {
                "alive": True,
                "code_cls": self._o_codes.id(tuple(sc.prefix(code, lv, sc.NO_CODE) for lv in (1, 2, 3, 4))),
                "items_cls": self._o_items.id(f.items),
                "conf": f.conf,
                "muni": self._place(f.muni),
                "county": self._place("fylke:" + f.county) if f.county else -1,
                "rlat": rad[0],
                "coslat": math.cos(rad[0]),
                "rlon": rad[1],
                "deadline": f.deadline if f.deadline is not None else _NAN,
                "terms": self._o_terms.id((f.pmin, f.pmax, flex, f.adapt, f.norwegian, lic, f.is_open)),
                "hours_cls": self._o_hours.id((f.hours, f.engagement)),
                "start_cls": self._o_start.id((start,)),  # one NaN object: equal to itself
                "has_certs": bool(f.cert_req),
                "certs": f.cert_req,
            },
        )
        self._o.n = len(self._o_ids)

    update_opening = add_opening

    def remove_opening(self, opening_id: str) -> None:
        slot = self._o_slot.pop(opening_id)
        self._o.cols["alive"][slot] = False
        self._o_ids[slot] = None
        self._o_feat[slot] = None
        self._o_obj[slot] = None
        self._o_free.append(slot)
        if slot < len(self._o_text.rows):
            self._o_text.set(slot, ())

    # ---- candidates: add / update / remove ----------------------------------------------------------------
    def add_candidates(self, candidates: Iterable[CandidateProfile]) -> None:
        model = self.encoder.text_model
        if model is None:
            for c in candidates:
                self.add_candidate(c)
            return
        batch = list(candidates)
        for c, text in zip(batch, model.vectors([candidate_text(c) for c in batch]), strict=True):
            self.add_candidate(c, _text=text)

    def add_candidate(self, c: CandidateProfile, *, _text: TextVector | None = None) -> None:
        f = self.encoder.candidate(c, _text)
        slot = self._c_slot.get(c.id)
        if slot is None:
            slot = self._c_free.pop() if self._c_free else len(self._c_ids)
            if slot == len(self._c_ids):
                self._c_ids.append(None)
                self._c_feat.append(None)
                self._c_obj.append(None)
                self._c.grow(slot + 1)
            self._c_slot[c.id] = slot
        self._c_ids[slot] = c.id
        self._c_feat[slot] = f
        self._c_obj[slot] = c
        if f.text or self.encoder.text_model is not None:
            self._c_text.set(slot, f.text)
        self._c.set_row(slot, self._cand_row(f))
        self._c.n = len(self._c_ids)

    update_candidate = add_candidate

    def remove_candidate(self, candidate_id: str) -> None:
        slot = self._c_slot.pop(candidate_id)
        self._c.cols["alive"][slot] = False
        self._c_ids[slot] = None
        self._c_feat[slot] = None
        self._c_obj[slot] = None
        self._c_free.append(slot)
        if slot < len(self._c_text.rows):
            self._c_text.set(slot, ())

    def has_opening(self, opening_id: str) -> bool:
        return opening_id in self._o_slot

    def has_candidate(self, candidate_id: str) -> bool:
        return candidate_id in self._c_slot

    def opening_ids(self) -> list[str]:
        return list(self._o_slot)

    def candidate_ids(self) -> list[str]:
        return list(self._c_slot)

    def discard_opening(self, opening_id: str) -> None:
        """Remove if indexed (a row that is gone may or may not have been in the index)."""
        if opening_id in self._o_slot:
            self.remove_opening(opening_id)

    def discard_candidate(self, candidate_id: str) -> None:
        if candidate_id in self._c_slot:
            self.remove_candidate(candidate_id)

    def candidate_mask(self, candidate_ids: Iterable[str]) -> np.ndarray:
        """Boolean mask over candidate slots: the rows a reader may see (e.g. their office's candidates), for
        :meth:`rank_candidates` (``allowed``) — applied before the top-k cut, so every office gets its own best k.
        Ids not in the index are ignored."""
        mask = np.zeros(self._c.n, dtype=bool)
        slots = [self._c_slot[i] for i in candidate_ids if i in self._c_slot]
        if slots:
            mask[np.fromiter(slots, dtype=np.intp, count=len(slots))] = True
        return mask

    def _cand_row(self, f: sc.CandFeatures) -> dict[str, object]:
        hi = min(f.wmax, f.capacity)
        mc = f.max_commute
        limit = mc if mc is not None and mc > 0 else sc.DEFAULT_COMMUTE_KM
        rad = (math.radians(f.coords[0]), math.radians(f.coords[1])) if f.coords else (_NAN, _NAN)
        return {
            "item_bloom": _bloom(f.items),
            "cert_bloom": _bloom(f.certs),
            "hi": hi,
            "lo": min(f.wmin, hi),
            "rlat": rad[0],
            "coslat": math.cos(rad[0]),
            "rlon": rad[1],
            "limit": limit,
            "reach": max(limit, mc) if mc is not None else limit,
            "has_limit": mc is not None,
            "no_place": not f.munis and f.coords is None,
            "alive": True,
            "codes": [sc.prefix(c, 4) for c, _, _ in f.codes],
            "codes3": [sc.prefix(c, 3) for c, _, _ in f.codes],
            "codes2": [sc.prefix(c, 2) for c, _, _ in f.codes],
            "codes1": [sc.prefix(c, 1) for c, _, _ in f.codes],
            "kinds": [k for _, k, _ in f.codes],
            "confs": [w for _, _, w in f.codes],
            "exp_codes": [sc.prefix(c, 4) for c, _ in f.exp],
            "exp3": [sc.prefix(c, 3) for c, _ in f.exp],
            "exp2": [sc.prefix(c, 2) for c, _ in f.exp],
            "exp1": [sc.prefix(c, 1) for c, _ in f.exp],
            "exp_years": [y for _, y in f.exp],
            "munis": [self._place(m) for m in f.munis],
            "counties": [self._place("fylke:" + c) for c in f.counties],
            "n_munis": len(f.munis),
            "lat": f.coords[0] if f.coords else _NAN,
            "lon": f.coords[1] if f.coords else _NAN,
            "max_commute": f.max_commute if f.max_commute is not None else _NAN,
            "cap": f.capacity,
            "wmin": f.wmin,
            "wmax": f.wmax,
            "needs": f.needs,
            "hours": f.hours,
            "engs": f.engagements,
            "earliest": f.earliest if f.earliest is not None else _NAN,
            "lic": f.licence_mask,
            "nor": f.norwegian,
            "certs": sorted(f.certs),
            "items": sorted(f.items),
        }

    # ---- vectorised scoring: one candidate against all openings -------------------------------------------
    def score_openings(self, candidate: CandidateProfile | sc.CandFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(scores, feasible) for every opening slot (dead slots: score -inf, infeasible)."""
        score, feasible, _ = self._score_openings(candidate)
        return score, feasible

    def _score_openings(
        self, candidate: CandidateProfile | sc.CandFeatures
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scores, feasible, related) for every opening slot (dead slots: score -inf, infeasible).

        Same values as the scalar definitions, added in the same order. Every component but place is computed
        once per distinct value of the opening fields it reads (STYRK code, skill list, percent range, hours,
        start…) and gathered for every row; distances only where latitude alone does not put the opening beyond
        reach.
        """
        f = candidate if isinstance(candidate, sc.CandFeatures) else self.encoder.candidate(candidate)
        col = self._o.cols
        n = self._o.n
        w = self.weights

        # occupation and experience once per distinct STYRK code of the openings
        codes = self._o_codes.arrays()
        at = [codes["c1"], codes["c2"], codes["c3"], codes["c4"]]
        code_cls = col["code_cls"][:n]
        best = np.zeros(len(at[0]))
        for code, kind, conf in f.codes:
            np.maximum(best, _SIM[kind][_agreement(at, code)] * conf, out=best)
        occ = best[code_cls] * col["conf"][:n]
        score = w["occupation"] * occ
        related = occ >= sc.OCC_RELATED
        if f.exp:
            years = np.zeros(len(at[0]))
            for code, y in f.exp:
                years = years + y * _EXPF[_agreement(at, code)]
            score += (w["experience"] * np.minimum(1.0, years / sc.EXP_FULL_YEARS))[code_cls]

        # skills: the share of the opening's items the person has (1 when it asks for none), per distinct list
        sets = self._o_items.arrays()
        total = sets["total"]
        if f.items:
            has = np.zeros(len(self.encoder.vocab) + 1, dtype=bool)
            has[list(f.items)] = True
            ids, weights = sets["ids"], sets["weights"]
            got = np.zeros(len(total))
            for k in range(ids.shape[1]):
                got = got + np.where(has[ids[:, k]], weights[:, k], 0.0)
            skills = np.where(total > 0, got / np.where(total > 0, total, 1.0), 1.0)
        else:
            skills = np.where(total > 0, 0.0, 1.0)
        score += (w["skills"] * skills)[col["items_cls"][:n]]

        # place: municipality 1, county 0.6 (a table lookup per row), commute credit where near enough; the
        # table's last entry is the row without a municipality (place unknown)
        muni = col["muni"][:n]
        mun_val = np.zeros(len(self._places) + 1)
        cty_val = np.zeros(len(self._places) + 1)
        for m in f.munis:
            if m in self._places:
                mun_val[self._places[m]] = sc.PLACE_MUNICIPALITY
        for c in f.counties:
            if "fylke:" + c in self._places:
                cty_val[self._places["fylke:" + c]] = sc.PLACE_COUNTY
        mun_val[-1] = cty_val[-1] = sc.PLACE_UNKNOWN
        by_muni = mun_val[muni]
        in_mun = by_muni == sc.PLACE_MUNICIPALITY
        mc = f.max_commute
        far = near_idx = dist = None
        if not f.munis and f.coords is None:
            place = np.full(n, sc.PLACE_UNKNOWN)
        else:
            place = np.maximum(by_muni, cty_val[col["county"][:n]])
            if f.coords is not None:
                limit = mc if mc is not None and mc > 0 else sc.DEFAULT_COMMUTE_KM
                reach = max(limit, mc) if mc is not None else limit
                p1 = float(np.radians(f.coords[0]))
                rlat = col["rlat"][:n]
                # great-circle distance >= R·|Δlat|: rows beyond reach by latitude alone get no commute credit
                # and break a commute limit, exactly as the full formula would say
                far = np.abs(rlat - p1) * KM_PER_RAD > reach + _REACH_MARGIN_KM
                near_idx = np.flatnonzero(~far)
                dist = _haversine_pre(
                    rlat[near_idx],
                    col["coslat"][near_idx],
                    col["rlon"][near_idx],
                    p1,
                    float(np.cos(p1)),
                    float(np.radians(f.coords[1])),
                )
                with np.errstate(invalid="ignore"):
                    commute = sc.PLACE_COMMUTE_MAX * np.maximum(0.0, 1.0 - dist / limit)
                sub = place[near_idx]
                keep = np.isnan(dist) | (muni[near_idx] < 0)
                place[near_idx] = np.where(keep, sub, np.maximum(sub, commute))
        score += w["place"] * place

        terms = self._o_terms.arrays()
        t_cls = col["terms"][:n]
        pmin, flex, adapt = terms["pmin"], terms["flex"], terms["adapt"]
        hi = min(f.wmax, f.capacity)
        lo = min(f.wmin, hi)
        gap_up = pmin - hi
        gap_up = np.where(flex, gap_up * 0.5, gap_up)
        gap = np.maximum(np.maximum(gap_up, lo - terms["pmax"]), 0.0)
        percent = np.maximum(0.0, 1.0 - gap / sc.PERCENT_GAP_ZERO)
        if f.needs:
            offered = adapt | np.where(pmin <= f.capacity, sc.ARBEIDSTID, 0)
            adaptations = _POP[f.needs & offered] / _POP[f.needs]
        else:
            adaptations = np.ones(len(pmin))
        hrs = self._o_hours.arrays()
        ohours = hrs["hours"]
        if f.hours:
            hv = np.where(
                ohours == 0, 1.0, _POP[(f.hours & ohours) & 0xFF] / np.maximum(_POP[ohours & 0xFF], 1)
            )
        else:
            hv = np.ones(len(ohours))
        if f.engagements:
            eng = hrs["eng"]
            ok = (eng < 0) | (((f.engagements >> np.clip(eng, 0, 62)) & 1) == 1)
            hv = np.where(ok, hv, hv * 0.5)
        onor = terms["nor"]
        language = np.where(
            (onor == 0) | (f.norwegian >= onor),
            1.0,
            np.where(
                adapt & sc.GRUNNLEGGENDE, sc.LANG_ADAPTED, np.maximum(0.0, 1.0 - 0.25 * (onor - f.norwegian))
            ),
        )
        start = self._o_start.arrays()["start"]
        if f.earliest is None:
            start_v = np.ones(len(start))
        else:
            late = f.earliest - start
            with np.errstate(invalid="ignore"):
                start_v = np.where(
                    np.isnan(start) | (late <= 0), 1.0, np.maximum(0.0, 1.0 - late / sc.START_LATE_ZERO_DAYS)
                )
        for key, table, cls in (
            ("percent", percent, t_cls),
            ("adaptations", adaptations, t_cls),
            ("hours", hv, col["hours_cls"][:n]),
            ("language", language, t_cls),
            ("start", start_v, col["start_cls"][:n]),
        ):
            if w[key]:  # a weight of 0 adds 0
                score += (w[key] * table)[cls]
        if f.text:
            score += w["text"] * self._o_text.scores(f.text, n)
        score *= np.where(related, 1.0, sc.UNRELATED_FACTOR)

        # feasibility: status, capacity and licences once per distinct value; deadline, certificates, distance
        bad_terms = (
            ~terms["is_open"] | ((pmin > f.capacity) & ~flex) | ((terms["lic"] & ~f.licence_mask) != 0)
        )
        bad = bad_terms[t_cls]
        bad |= col["deadline"][:n] < float(self._today().toordinal())
        idx = np.flatnonzero(col["has_certs"][:n])
        if len(idx):
            have = np.zeros(len(self.encoder.vocab) + 1, dtype=bool)
            have[-1] = True  # padding
            if f.certs:
                have[list(f.certs)] = True
            bad[idx] |= ~have[col["certs"][idx]].all(axis=1)
        if mc is not None:
            if (
                dist is None
            ):  # the person has no coordinates: every place outside their municipalities is unknown
                bad |= ~in_mun
            else:
                assert far is not None and near_idx is not None
                bad |= far & ~in_mun
                with np.errstate(invalid="ignore"):
                    bad[near_idx] |= ~in_mun[near_idx] & ((dist > mc) | np.isnan(dist))
        alive = col["alive"][:n]
        np.copyto(score, -np.inf, where=~alive)
        return score, ~bad & alive, related

    # ---- vectorised scoring: one opening against all candidates -------------------------------------------
    def score_candidates(self, opening: Opening | sc.OpenFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(scores, feasible) for every candidate slot (dead slots: score -inf, infeasible)."""
        score, feasible, _ = self._score_candidates(opening)
        return score, feasible

    def _score_candidates(
        self, opening: Opening | sc.OpenFeatures, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scores, feasible, related) for every candidate slot (dead slots: score -inf, infeasible), or only
        for the slots in ``rows`` (an office's candidates: its columns are gathered first).

        Same values as the scalar definitions; the work is cut by looking only where a term can be non-zero:
        occupation and experience only for candidates sharing the opening's STYRK group (rows found by one
        contiguous comparison per code slot), distances only for candidates whose latitude alone does not already
        put them beyond every commute limit, padded id columns only where a per-row bloom mask says "maybe".
        """
        o = opening if isinstance(opening, sc.OpenFeatures) else self.encoder.opening(opening)
        col = self._c.cols
        n = self._c.n
        if rows is not None:
            col = {name: values[rows] for name, values in col.items()}
            n = len(rows)
        w = self.weights
        zeros = np.zeros(n)
        values: dict[str, np.ndarray] = {}

        best = zeros.copy()
        years = zeros.copy()
        if o.code >= 0:
            ocodes = {lv: _level_code(o.code, lv) for lv in (1, 2, 3, 4)}
            kinds, confs = col["kinds"], col["confs"]
            for k in range(col["codes"].shape[1]):
                idx = _rows_at_level(col, _CODE_COLS, k, n, ocodes, _OCC_MIN_LEVEL)
                if len(idx):
                    lvl = _levels(col, _CODE_COLS, k, idx, ocodes)
                    best[idx] = np.maximum(best[idx], _SIM[kinds[idx, k], lvl] * confs[idx, k])
            for k in range(col["exp_codes"].shape[1]):
                idx = _rows_at_level(col, _EXP_COLS, k, n, ocodes, _EXP_MIN_LEVEL)
                if len(idx):
                    lvl = _levels(col, _EXP_COLS, k, idx, ocodes)
                    years[idx] = years[idx] + col["exp_years"][idx, k] * _EXPF[lvl]
        values["occupation"] = best * o.conf
        np.divide(years, sc.EXP_FULL_YEARS, out=years)
        values["experience"] = np.minimum(years, 1.0, out=years)

        got = zeros.copy()
        total = 0.0
        for item, wt in o.items:
            total = total + wt
            has = self._has_id(col["items"], col["item_bloom"], n, item)
            got = got + np.where(has, wt, 0.0)
        values["skills"] = got / total if total > 0 else np.ones(n)

        in_mun = np.zeros(n, dtype=bool)
        far = None
        near_idx = near_dist = None
        if o.muni is None:
            values["place"] = np.full(n, sc.PLACE_UNKNOWN)
        else:
            m = self._places.get(o.muni, -3)
            cty = self._places.get("fylke:" + (o.county or ""), -3)
            in_mun = _any_eq(col["munis"], n, m)
            place = np.where(
                in_mun,
                sc.PLACE_MUNICIPALITY,
                np.where(_any_eq(col["counties"], n, cty), sc.PLACE_COUNTY, 0.0),
            )
            if o.coords is not None:
                # great-circle distance >= R·|Δlat|: rows already beyond their reach by latitude alone get no
                # commute credit and break a commute limit, exactly as the full formula would say
                p2 = np.radians(o.coords[0])
                lower = np.abs(col["rlat"][:n] - p2) * KM_PER_RAD
                far = lower > col["reach"][:n] + _REACH_MARGIN_KM
                near_idx = np.flatnonzero(~far)
                near_dist = _haversine_pre(
                    col["rlat"][near_idx],
                    col["coslat"][near_idx],
                    col["rlon"][near_idx],
                    p2,
                    np.cos(p2),
                    np.radians(o.coords[1]),
                )
                limit = col["limit"][near_idx]
                with np.errstate(invalid="ignore"):
                    commute = sc.PLACE_COMMUTE_MAX * np.maximum(0.0, 1.0 - near_dist / limit)
                sub = place[near_idx]
                place[near_idx] = np.where(np.isnan(near_dist), sub, np.maximum(sub, commute))
            values["place"] = np.where(col["no_place"][:n], sc.PLACE_UNKNOWN, place)

        flex = sc.flexible_time(o)
        gap_up = o.pmin - col["hi"][:n]
        if flex:
            gap_up = gap_up * 0.5
        gap = np.maximum(np.maximum(gap_up, col["lo"][:n] - o.pmax), 0.0)
        values["percent"] = np.maximum(0.0, 1.0 - gap / sc.PERCENT_GAP_ZERO)

        cap = col["cap"][:n]
        within = o.pmin <= cap
        values["adaptations"] = _adaptation_table(o.adapt)[col["needs"][:n] + _NEED_SPAN * within]

        if o.engagement >= 0:
            engs = col["engs"][:n]
            ok = (engs == 0) | (((engs >> min(o.engagement, 62)) & 1) == 1)
            values["hours"] = _hours_table(o.hours)[col["hours"][:n] + _HOURS_SPAN * ~ok]
        else:
            values["hours"] = _hours_table(o.hours)[col["hours"][:n]]

        cnor = col["nor"][:n]
        if o.norwegian == 0:
            values["language"] = np.ones(n)
        else:
            alt = sc.LANG_ADAPTED if o.adapt & sc.GRUNNLEGGENDE else None
            lv = np.maximum(0.0, 1.0 - 0.25 * (o.norwegian - cnor)) if alt is None else np.full(n, alt)
            values["language"] = np.where(cnor >= o.norwegian, 1.0, lv)

        earliest = col["earliest"][:n]
        if o.start is None:
            values["start"] = np.ones(n)
        else:
            late = earliest - o.start
            with np.errstate(invalid="ignore"):
                values["start"] = np.where(
                    np.isnan(earliest) | (late <= 0),
                    1.0,
                    np.maximum(0.0, 1.0 - late / sc.START_LATE_ZERO_DAYS),
                )

        if o.text:
            text = self._c_text.scores(o.text, self._c.n)
            values["text"] = text if rows is None else text[rows]
        score = zeros  # in place, same operations and order as the scalar sum: score + weight × value
        term = np.empty(n)
        for component in sc.COMPONENTS:
            if component not in values:
                continue
            np.multiply(values[component], w[component], out=term)
            score += term
        related = values["occupation"] >= sc.OCC_RELATED
        score = np.where(related, score, score * sc.UNRELATED_FACTOR)

        today = self._today().toordinal()
        bad = np.zeros(n, dtype=bool)
        if not o.is_open or (o.deadline is not None and o.deadline < today):
            bad[:] = True
        if not flex:
            bad |= ~within
        req = o.lic_mask | (_UNKNOWN_LICENCE_BIT if any(r not in LICENCE_BIT for r in o.lic_req) else 0)
        if req:
            bad |= (req & ~col["lic"][:n]) != 0
        for cid in o.cert_req:
            bad |= ~self._has_id(col["certs"], col["cert_bloom"], n, cid)
        limited = col["has_limit"][:n] & ~in_mun
        if far is not None:
            bad |= limited & far
            assert near_idx is not None and near_dist is not None
            with np.errstate(invalid="ignore"):
                # beyond the limit, or unknown (the person has no coordinates): never a silent pass
                bad[near_idx] |= limited[near_idx] & (
                    (near_dist > col["max_commute"][near_idx]) | np.isnan(near_dist)
                )
        else:  # the opening has no coordinates: unknown for everyone with a limit outside their municipalities
            bad |= limited
        alive = col["alive"][:n]
        score = np.where(alive, score, -np.inf)
        return score, ~bad & alive, related

    def _has_id(self, ids: np.ndarray, bloom: np.ndarray, n: int, item: int) -> np.ndarray:
        """Rows whose padded id column holds ``item``: bloom bit first, the padded ids only where it is ambiguous."""
        maybe = (bloom[:n] & (1 << (item % _BLOOM_BITS))) != 0
        if len(self.encoder.vocab) <= item % _BLOOM_BITS + _BLOOM_BITS:
            return maybe  # no other id shares this bit: the bit is exact
        idx = np.flatnonzero(maybe)
        maybe[idx] = (ids[idx] == item).any(axis=1)
        return maybe

    # ---- ranking ------------------------------------------------------------------------------------------
    def rank_openings(
        self, candidate: CandidateProfile, k: int = 20, include_infeasible: bool = False
    ) -> list[RankedItem]:
        """Top-k openings for a person: feasible first (always), related occupations before unrelated ones
        ("Andre muligheter"), then by score, ties by id."""
        f = self.encoder.candidate(candidate)
        scores, feasible, related = self._score_openings(f)
        picked = _select(scores, feasible, self._o_ids, k, include_infeasible, related)
        return [self._item_for_opening(f, i, scores[i], bool(feasible[i])) for i in picked]

    def rank_infeasible_openings(self, candidate: CandidateProfile, k: int = 10) -> list[RankedItem]:
        """The best-scoring openings the person cannot take, each with its reasons ("hvorfor ikke"); those only
        uncertain (unknown distance) are among them, marked ``uncertain``."""
        f = self.encoder.candidate(candidate)
        scores, feasible = self.score_openings(f)
        picked = _select(np.where(feasible, -np.inf, scores), np.ones_like(feasible), self._o_ids, k, False)
        return [self._item_for_opening(f, i, scores[i], False) for i in picked]

    def rank_candidates(
        self,
        opening: Opening,
        k: int = 50,
        include_infeasible: bool = False,
        allowed: np.ndarray | None = None,
    ) -> list[RankedItem]:
        """Top-k candidates for an opening, same ordering rules as :meth:`rank_openings`. ``allowed`` (from
        :meth:`candidate_mask`) limits the result to the rows a reader may see, before the top-k cut."""
        f = self.encoder.opening(opening)
        ids: list[str | None] = self._c_ids
        rows = None
        if allowed is not None:
            n = self._c.n
            mask = np.zeros(n, dtype=bool)
            m = min(n, len(allowed))
            mask[:m] = allowed[:m]
            rows = np.flatnonzero(mask)
            if len(rows) * _SUBSET_SHARE < n:  # a small office: score only its rows
                ids = [self._c_ids[i] for i in rows]
            else:
                rows, allowed = None, mask
        scores, feasible, related = self._score_candidates(f, rows)
        if rows is None and allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
            feasible = feasible & allowed
        picked = _select(scores, feasible, ids, k, include_infeasible, related)
        out = []
        for i in picked:
            slot = i if rows is None else int(rows[i])
            cf = self._c_feat[slot]
            assert cf is not None
            out.append(self._item(cf, f, str(self._c_ids[slot]), float(scores[i]), bool(feasible[i])))
        return out

    def _item(
        self, cf: sc.CandFeatures, of: sc.OpenFeatures, item_id: str, score: float, feasible: bool
    ) -> RankedItem:
        occ = sc.occupation_value(cf, of)
        comps = sc.explain_components(cf, of, self.weights, occ)
        reasons = [] if feasible else sc.infeasibility(cf, of, self._today())
        return RankedItem(
            item_id,
            score,
            feasible,
            comps,
            reasons,
            related=sc.related(occ),
            uncertain=bool(reasons) and reasons == [sc.uncertainty(cf, of)],
            explanation=sc.explanation(cf, of),
        )

    def _item_for_opening(self, f: sc.CandFeatures, i: int, score: float, feasible: bool) -> RankedItem:
        of = self._o_feat[i]
        assert of is not None
        return self._item(f, of, str(self._o_ids[i]), float(score), feasible)

    def explain(self, candidate: CandidateProfile, opening: Opening) -> RankedItem:
        """Score, components and reasons for one pair (the pair need not be indexed)."""
        cf = self.encoder.candidate(candidate)
        of = self.encoder.opening(opening)
        reasons = sc.infeasibility(cf, of, self._today())
        return self._item(cf, of, opening.id, sc.score(cf, of, self.weights), not reasons)

    def components(self, candidate: CandidateProfile, opening: Opening) -> dict[str, float]:
        """Component values of one pair: the feature vector used for learning weights."""
        return sc.component_values(self.encoder.candidate(candidate), self.encoder.opening(opening))

    def rank_openings_loop(
        self, candidate: CandidateProfile, k: int = 20, include_infeasible: bool = False
    ) -> list[RankedItem]:
        """Reference: a plain per-pair Python loop over the same scalar scoring (speed baseline, test oracle)."""
        f = self.encoder.candidate(candidate)
        today = self._today()
        rows = []
        for i, of in enumerate(self._o_feat):
            if of is None:
                continue
            feasible = not sc.infeasibility(f, of, today)
            if not feasible and not include_infeasible:
                continue
            unrelated = feasible and not sc.related(sc.occupation_value(f, of))
            rows.append((not feasible, unrelated, -sc.score(f, of, self.weights), str(self._o_ids[i]), i))
        rows.sort()
        return [self._item_for_opening(f, i, -neg, not infeas) for infeas, _, neg, _, i in rows[:k]]

    @property
    def n_openings(self) -> int:
        return len(self._o_slot)

    @property
    def n_candidates(self) -> int:
        return len(self._c_slot)


# ---- helpers of the candidate-side query --------------------------------------------------------------------
_BLOOM_BITS = 63  # bits 0..62 of an int64
_SUBSET_SHARE = 4  # an allowed set below a quarter of the rows is scored alone (gathering its columns first)
_REACH_MARGIN_KM = 1.0  # far beyond float error of the latitude bound
_NEED_SPAN = 1 << len(NEED_CATEGORIES)
_HOURS_SPAN = 1 << len(WORKING_HOURS)
# (level → column) for wanted/experience codes: level L = the first L STYRK digits agree
_CODE_COLS = {1: "codes1", 2: "codes2", 3: "codes3", 4: "codes"}
_EXP_COLS = {1: "exp1", 2: "exp2", 3: "exp3", 4: "exp_codes"}


def _min_level(rows: Iterable[Iterable[float]]) -> int:
    """Lowest STYRK agreement level with a non-zero value; rows below it contribute exactly 0."""
    return min(next((lv for lv, v in enumerate(row) if v != 0.0), 5) for row in rows)


_OCC_MIN_LEVEL = _min_level(sc.OCC_SIM)
_EXP_MIN_LEVEL = _min_level([sc.EXP_FACTOR])


def _level_code(code: int, level: int) -> int:
    return sc.prefix(code, level, sc.NO_CODE)


def _agreement(at: list[np.ndarray], code: int) -> np.ndarray:
    """Levels 0..4 on which each code (``at``: the codes' 1..4-digit prefixes) agrees with ``code``."""
    lvl = (at[0] == sc.prefix(code, 1)).astype(np.int64)
    for lv in (2, 3, 4):
        lvl += at[lv - 1] == sc.prefix(code, lv)
    return lvl


def _rows_at_level(
    col: Mapping[str, np.ndarray],
    names: Mapping[int, str],
    k: int,
    n: int,
    ocodes: Mapping[int, int],
    lv: int,
) -> np.ndarray:
    """Rows whose code in slot k agrees with the opening's on at least ``lv`` levels (codes are hierarchical)."""
    if lv <= 0:
        return np.arange(n)
    if lv > 4:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(col[names[lv]][:n, k] == ocodes[lv])


def _levels(
    col: Mapping[str, np.ndarray],
    names: Mapping[int, str],
    k: int,
    idx: np.ndarray,
    ocodes: Mapping[int, int],
) -> np.ndarray:
    lvl = (col[names[1]][idx, k] == ocodes[1]).astype(np.int64)
    for lv in (2, 3, 4):
        lvl += col[names[lv]][idx, k] == ocodes[lv]
    return lvl


def _any_eq(ids: np.ndarray, n: int, value: int) -> np.ndarray:
    out = ids[:n, 0] == value
    for k in range(1, ids.shape[1]):
        out |= ids[:n, k] == value
    return out


def _bloom(ids: Iterable[int]) -> int:
    mask = 0
    for i in ids:
        mask |= 1 << (i % _BLOOM_BITS)
    return mask


def _haversine_pre(
    p1: np.ndarray, cos1: np.ndarray, rlon1: np.ndarray, p2: float, cos2: float, rlon2: float
) -> np.ndarray:
    """Great-circle distance (haversine), the radians and cosines of one side computed at index time."""
    dlat = p2 - p1
    dlon = rlon2 - rlon1
    a = np.sin(dlat / 2) ** 2 + cos1 * cos2 * np.sin(dlon / 2) ** 2
    return 2 * KM_PER_RAD * np.arcsin(np.minimum(1.0, np.sqrt(a)))


@functools.lru_cache(maxsize=64)
def _adaptation_table(adapt: int) -> np.ndarray:
    """Adaptations value for every needs mask, first without, then with the part-time ARBEIDSTID credit."""
    needs = np.arange(_NEED_SPAN, dtype=np.int64)
    out = []
    for offered in (adapt, adapt | sc.ARBEIDSTID):
        out.append(np.where(needs == 0, 1.0, _POP[needs & offered] / np.maximum(_POP[needs], 1)))
    table = np.concatenate(out)
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=256)
def _hours_table(ohours: int) -> np.ndarray:
    """Hours value for every candidate hours mask, then the same halved (engagement type not wanted)."""
    chours = np.arange(_HOURS_SPAN, dtype=np.int64)
    if ohours:
        hv = np.where(chours == 0, 1.0, _POP[(chours & ohours) & 0xFF] / _POP[ohours & 0xFF])
    else:
        hv = np.ones(_HOURS_SPAN)
    table = np.concatenate([hv, hv * 0.5])
    table.flags.writeable = False
    return table


def _ordered_sum(values: Iterable[float]) -> float:
    total = 0.0
    for v in values:
        total = total + v
    return total


def _select(
    scores: np.ndarray,
    feasible: np.ndarray,
    ids: list[str | None],
    k: int,
    include_infeasible: bool,
    related: np.ndarray | None = None,
) -> list[int]:
    """Indices of the top-k: all feasible before any infeasible, among the feasible the related occupations
    before the unrelated ones, score descending, ties by id (deterministic)."""
    alive = np.isfinite(scores)
    ok = alive & feasible
    groups = [ok] if related is None else [ok & related, ok & ~related]
    if include_infeasible:
        groups.append(alive & ~feasible)
    out: list[int] = []
    for mask in groups:
        need = k - len(out)
        if need <= 0:
            break
        idx = np.flatnonzero(mask)
        if len(idx) > need:
            s = scores[idx]
            thr = np.partition(s, len(s) - need)[len(s) - need]
            idx = idx[s >= thr]
        order = sorted(idx.tolist(), key=lambda i: (-scores[i], ids[i]))
        out.extend(order[:need])
    return out
