"""Quality benchmark over the bench JSONL format (``../shared/bench/FORMAT.md``) plus reference-data loaders.

The CLI (``arbeidsbro match bench``) calls :func:`run_bench`; the loaders turn the public reference files into the
plain dicts/:class:`~matching.scoring.Geo` the engine accepts, so the engine itself never touches files.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matching import scoring as sc
from matching.engine import Matcher
from matching.feasibility import satisfies_licences
from matching.model import CandidateProfile, Opening
from matching.scoring import Geo
from matching.titles import load_synonyms, normalise_title


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_styrk_names(path: str | Path) -> dict[str, str]:
    """STYRK-08 unit groups (4-digit code → name) from an SSB Klass "version" JSON."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    items = data.get("classificationItems", data) if isinstance(data, dict) else data
    return {str(x["code"]): str(x["name"]) for x in items if len(str(x.get("code", ""))) == 4}


def read_title_tsv(path: str | Path) -> list[tuple[str, str]]:
    """A TSV ``tittel<TAB>styrk08`` with that header → (title, 4-digit code) pairs; other rows are skipped."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["tittel", "styrk08"]:
        raise ValueError("første linje må være tittel<TAB>styrk08")
    return [(r[0].strip(), r[1].strip()) for r in rows[1:] if len(r) >= 2 and r[0].strip() and r[1].strip()]


def synonym_units() -> dict[str, str]:
    """The project's synonym list read exactly: normalised title → unit group (the first listing wins). What a
    bench title "is" when the set does not say, for the sets built from the dev set (benchmarks/)."""
    units: dict[str, str] = {}
    for word, unit in load_synonyms():
        units.setdefault(normalise_title(word), unit)
    return units


def load_geo(path: str | Path) -> Geo:
    """GeoNames postal-code CSV (country_code, zipcode, …, community_code, latitude, longitude) → :class:`Geo`."""
    postal: dict[str, tuple[float, float]] = {}
    sums: dict[str, list[float]] = {}
    county: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            zipcode = (row.get("zipcode") or "").strip()
            if zipcode:
                postal[zipcode] = (lat, lon)
            # GeoNames' Norwegian file leaves community_code empty and puts the municipality in province_code
            muni = (row.get("community_code") or row.get("province_code") or "").strip()
            if muni:
                acc = sums.setdefault(muni, [0.0, 0.0, 0.0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += 1
                if row.get("state_code"):
                    county[muni] = row["state_code"].strip()
    centroids = {m: (a[0] / a[2], a[1] / a[2]) for m, a in sums.items() if a[2]}
    return Geo(postal=postal, municipality_centroid=centroids, municipality_county=county)


# ---- metrics ------------------------------------------------------------------------------------------------
def dcg(gains: Iterable[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], relevant: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (trec_eval style); the ideal ordering uses every judged opening."""
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg(relevant.get(o, 0) for o in ranked[:k]) / ideal


def recall_at(ranked: list[str], relevant: Mapping[str, int], k: int = 10) -> float:
    rel = {o for o, g in relevant.items() if g > 0}
    if not rel:
        return 0.0
    return len(rel.intersection(ranked[:k])) / min(len(rel), k)


def breaks_hard_constraint(
    c: CandidateProfile, o: Opening, certificates_match: Callable[[Iterable[str], Iterable[str]], bool]
) -> bool:
    """FORMAT.md's definition: capacity without ARBEIDSTID, or a required licence/certificate lacking."""
    if (
        o.percent_min > c.capacity_percent
        and "ARBEIDSTID" not in o.adaptations
        and not o.open_to_reduced_capacity
    ):
        return True
    if satisfies_licences(c.driving_licences, o.must.driving_licences):
        return True
    return not certificates_match(c.certificates, o.must.certificates)


def _text_of_candidate(c: CandidateProfile) -> str:
    parts = [*c.titles, *(e.title for e in c.experience), *c.wanted_occupations, *c.skills, *c.education]
    parts += [*c.certificates, c.text]
    return " ".join(p for p in parts if p)


def tfidf_baseline(
    openings: list[Opening], candidates: list[CandidateProfile], k: int = 10
) -> dict[str, list[str]]:
    """Text only: TF-IDF of ad title+description against the CV words, cosine, top-k (ties by id)."""
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
    x = vec.fit_transform([f"{o.title} {o.description}" for o in openings])
    q = vec.transform([_text_of_candidate(c) for c in candidates])
    sims = (q @ x.T).toarray()
    ids = np.array([o.id for o in openings])
    id_rank = np.argsort(np.argsort(ids))
    out = {}
    for row, c in zip(sims, candidates, strict=True):
        order = np.lexsort((id_rank, -row))[:k]
        out[c.id] = [str(ids[i]) for i in order]
    return out


def run_bench(
    openings_path: str | Path,
    candidates_path: str | Path,
    out_path: str | Path,
    top: int = 10,
    qrels_path: str | Path | None = None,
    geo: Geo | None = None,
    styrk_names: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    mapper: Any = None,
) -> dict:
    """Rank openings for every candidate, write ranks JSONL, and with qrels return the quality metrics. ``mapper``:
    the title classifier (the product's is learnt from NAV's titles; default: synonyms and STYRK names only)."""
    t0 = time.perf_counter()
    openings = [Opening.from_bench_dict(d) for d in read_jsonl(openings_path)]
    candidates = [CandidateProfile.from_bench_dict(d) for d in read_jsonl(candidates_path)]
    matcher = Matcher(openings, styrk_names=styrk_names, geo=geo, weights=weights, mapper=mapper)
    results: dict[str, list[str]] = {}
    infeasible_flags: dict[str, list[bool]] = {}
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as fh:
        for c in candidates:
            ranked = matcher.rank_openings(c, k=max(top, 10), include_infeasible=True)
            results[c.id] = [r.id for r in ranked]
            infeasible_flags[c.id] = [not r.feasible for r in ranked]
            line = {
                "candidate": c.id,
                "ranked": [
                    {"opening": r.id, "score": round(r.score, 6), "feasible": r.feasible}
                    for r in ranked[:top]
                ],
            }
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - t0
    summary: dict = {"candidates": len(candidates), "openings": len(openings), "seconds": round(seconds, 3)}
    if qrels_path is None:
        return summary
    qrels = {
        str(q["candidate"]): {str(k): int(v) for k, v in q["relevant"].items()}
        for q in read_jsonl(qrels_path)
    }
    by_id = {o.id: o for o in openings}
    vocab = sc.Vocab()

    def certs_ok(held: Iterable[str], required: Iterable[str]) -> bool:
        have = {vocab.id(h) for h in held}
        return all(vocab.id(r) in have for r in required)

    judged = [c for c in candidates if c.id in qrels]
    ndcgs, recalls, infeasible = [], [], 0
    for c in judged:
        top10 = results[c.id][:10]
        ndcgs.append(ndcg_at(top10, qrels[c.id]))
        recalls.append(recall_at(top10, qrels[c.id]))
        infeasible += sum(breaks_hard_constraint(c, by_id[o], certs_ok) for o in top10)
    baseline = tfidf_baseline(openings, judged)
    base_ndcg = [ndcg_at(baseline[c.id], qrels[c.id]) for c in judged]
    summary.update(
        {
            "ndcg@10": round(float(np.mean(ndcgs)) if ndcgs else 0.0, 4),
            "recall@10": round(float(np.mean(recalls)) if recalls else 0.0, 4),
            "infeasible@10": int(infeasible),
            "baseline_tfidf_ndcg@10": round(float(np.mean(base_ndcg)) if base_ndcg else 0.0, 4),
            "weights_version": matcher.weights_version,
        }
    )
    return summary
