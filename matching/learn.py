"""Learning component weights from recorded outcomes (hires, employer "interessant"/"ikke aktuell").

A logistic regression on the component values gives one coefficient per component; negative ones are clipped to
zero (a component must never push a better fit down) and the rest normalised to sum to 1, so a learned model is
just another weight vector the engine can use. A new model replaces the current one only when it is better on
held-out outcomes and was trained on enough pairs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from matching.scoring import COMPONENTS, normalise_weights

MIN_SAMPLES = 200
MIN_GAIN = 0.005


@dataclass(frozen=True)
class LabelledPair:
    """Component values of one (candidate, opening) pair and the outcome (1 good, 0 not); group = the query."""

    components: Mapping[str, float]
    label: int
    group: str = ""


@dataclass(frozen=True)
class WeightModel:
    version: str
    weights: dict[str, float]
    trained_at: str
    n_samples: int
    metrics: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> WeightModel:
        d = json.loads(text)
        return cls(
            version=str(d["version"]),
            weights={str(k): float(v) for k, v in d["weights"].items()},
            trained_at=str(d["trained_at"]),
            n_samples=int(d["n_samples"]),
            metrics={str(k): float(v) for k, v in (d.get("metrics") or {}).items()},
        )

    @classmethod
    def defaults(cls) -> WeightModel:
        return cls("default", normalise_weights(None), "", 0, {})


def _matrix(pairs: Sequence[LabelledPair]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(p.components.get(k, 0.0)) for k in COMPONENTS] for p in pairs], dtype=np.float64)
    y = np.array([int(p.label) for p in pairs], dtype=np.int64)
    return x, y


def train(pairs: Sequence[LabelledPair], version: str, c: float = 1.0) -> WeightModel:
    """Fit weights on labelled pairs; needs both outcomes present."""
    x, y = _matrix(pairs)
    if len(set(y.tolist())) < 2:
        raise ValueError("trenger både positive og negative utfall for å lære vekter")
    from sklearn.linear_model import LogisticRegression  # heavy import: only when training

    model = LogisticRegression(C=c, max_iter=1000)
    model.fit(x, y)
    coef = np.clip(model.coef_[0], 0.0, None)
    if coef.sum() <= 0:
        raise ValueError("ingen komponent hadde positiv effekt; beholder standardvektene")
    weights = {k: float(v) for k, v in zip(COMPONENTS, coef / coef.sum(), strict=True)}
    return WeightModel(
        version=version,
        weights=weights,
        trained_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        n_samples=len(pairs),
        metrics=evaluate(weights, pairs),
    )


def _scores(weights: Mapping[str, float], x: np.ndarray) -> np.ndarray:
    w = np.array([float(weights.get(k, 0.0)) for k in COMPONENTS])
    return x @ w


def evaluate(weights: Mapping[str, float], pairs: Sequence[LabelledPair], k: int = 10) -> dict[str, float]:
    """AUC over all pairs and mean nDCG@k within each group (query) that has a positive outcome."""
    x, y = _matrix(pairs)
    s = _scores(weights, x)
    out: dict[str, float] = {"n": float(len(pairs))}
    if len(set(y.tolist())) == 2:
        from sklearn.metrics import roc_auc_score

        out["auc"] = float(roc_auc_score(y, s))
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault(p.group, []).append(i)
    ndcgs = []
    for idx in groups.values():
        labels = y[idx]
        if labels.sum() == 0:
            continue
        order = np.argsort(-s[idx], kind="stable")[:k]
        gains = labels[order]
        disc = 1.0 / np.log2(np.arange(2, len(gains) + 2))
        ideal = np.sort(labels)[::-1][:k]
        ndcgs.append(float((gains * disc).sum() / (ideal * disc[: len(ideal)]).sum()))
    if ndcgs:
        out["ndcg"] = float(np.mean(ndcgs))
    return out


def should_replace(
    defaults: WeightModel,
    candidate_model: WeightModel,
    heldout: Sequence[LabelledPair],
    min_samples: int = MIN_SAMPLES,
    min_gain: float = MIN_GAIN,
) -> bool:
    """Replace only with enough training pairs and a clear gain on held-out outcomes (AUC, and nDCG not worse)."""
    if candidate_model.n_samples < min_samples or len(heldout) < 20:
        return False
    old = evaluate(defaults.weights, heldout)
    new = evaluate(candidate_model.weights, heldout)
    if "auc" not in old or "auc" not in new:
        return False
    better_auc = new["auc"] >= old["auc"] + min_gain
    ndcg_ok = new.get("ndcg", 0.0) >= old.get("ndcg", 0.0) - 1e-9
    return better_auc and ndcg_ok
