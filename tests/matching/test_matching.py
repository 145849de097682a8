"""Behaviour of the matching library: hard constraints, scoring, ranking, both directions, learning, bench."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matching import CandidateProfile, Matcher, Opening, Requirements
from matching.bench import breaks_hard_constraint, load_styrk_names, read_jsonl, run_bench
from matching.feasibility import licence_closure, satisfies_licences
from matching.learn import LabelledPair, WeightModel, evaluate, should_replace, train
from matching.model import Experience
from matching.scoring import COMPONENTS, DEFAULT_WEIGHTS, Vocab
from matching.synth import COUNTIES, Synth, synthetic_geo
from matching.titles import TitleMapper, load_synonyms

STYRK = Path(__file__).resolve().parents[2] / "core" / "refdata" / "klass" / "styrk08.json"
TODAY = dt.date(2025, 3, 1)


def opening(id: str = "o1", **kw) -> Opening:
    base: dict[str, Any] = dict(
        id=id, title="Renholder", styrk08="9112", municipality="3407", percent_min=20.0, percent_max=100.0
    )
    base.update(kw)
    return Opening(**base)


def person(id: str = "c1", **kw) -> CandidateProfile:
    base: dict[str, Any] = dict(
        id=id, wanted_occupations=("renholder",), municipalities=("3407",), capacity_percent=100.0
    )
    base.update(kw)
    return CandidateProfile(**base)


def reasons(o: Opening, c: CandidateProfile, geo=None) -> list[str]:
    return Matcher([o], today=TODAY, geo=geo).explain(c, o).reasons


# ---- hard constraints ----------------------------------------------------------------------------------------
def test_capacity_below_minimum_without_adaptation_excludes() -> None:
    o = opening(percent_min=80.0)
    c = person(capacity_percent=50.0, wanted_percent_max=50.0)
    r = reasons(o, c)
    assert len(r) == 1 and "minst 80 %" in r[0]
    assert Matcher([o], today=TODAY).rank_openings(c) == []
    assert reasons(opening(percent_min=80.0, adaptations=("ARBEIDSTID",)), c) == []
    assert reasons(opening(percent_min=80.0, open_to_reduced_capacity=True), c) == []


def test_missing_licence_and_certificate_exclude() -> None:
    o = opening(must=Requirements(driving_licences=("C",), certificates=("Truckførerbevis",)))
    r = reasons(o, person(driving_licences=("B",)))
    assert any("førerkort klasse C" in x for x in r)
    assert any("Truckførerbevis" in x for x in r)
    ok = person(driving_licences=("CE",), certificates=("truckførerbevis T1-T4",))
    assert reasons(o, ok) == []
    assert reasons(o, person(driving_licences=("CE",), certificates=("truckforerbevis",))) == []


def test_licence_implication() -> None:
    assert satisfies_licences(["C1"], ["B"]) == []
    assert satisfies_licences(["B"], ["C"]) == ["C"]
    assert satisfies_licences(["CE"], ["C", "C1E", "BE", "B"]) == []
    assert satisfies_licences(["D"], ["B", "D1"]) == []
    assert "C" not in licence_closure(["C1E"])


def test_closed_and_past_deadline_exclude() -> None:
    assert any("ikke lenger ledig" in x for x in reasons(opening(status="closed"), person()))
    r = reasons(opening(deadline=TODAY - dt.timedelta(days=1)), person())
    assert any("Søknadsfristen" in x for x in r)
    assert reasons(opening(deadline=TODAY), person()) == []


def test_outside_places_and_beyond_commute_excludes() -> None:
    geo = synthetic_geo()
    far = opening(municipality="5601", postal_code=None)
    near = opening(id="o2", municipality="0302", postal_code=None)
    c = person(municipalities=("0301",), max_commute_km=30.0)
    assert any("reisevei" in x for x in reasons(far, c, geo))
    assert reasons(far, person(municipalities=("0301",)), geo) == []  # no commute limit given: soft only
    m = Matcher([far, near], today=TODAY, geo=geo)
    res = m.rank_openings(c, include_infeasible=True)
    assert [r.feasible for r in res] == sorted([r.feasible for r in res], reverse=True)


def test_infeasible_never_ranks_above_feasible() -> None:
    great_but_closed = opening("o1", status="closed")
    weak = opening("o2", title="Sveiser", styrk08="7212", municipality="5001")
    res = Matcher([great_but_closed, weak], today=TODAY).rank_openings(person(), include_infeasible=True)
    assert [r.id for r in res] == ["o2", "o1"]
    assert res[1].score > res[0].score and not res[1].feasible and res[1].reasons


# ---- soft scoring ---------------------------------------------------------------------------------------------
def test_part_time_opening_fits_part_time_person_better() -> None:
    c = person(capacity_percent=50.0, wanted_percent_min=20.0, wanted_percent_max=50.0)
    part = opening("o1", percent_min=40.0, percent_max=60.0)
    full = opening("o2", percent_min=100.0, percent_max=100.0, adaptations=("ARBEIDSTID",))
    m = Matcher([part, full], today=TODAY)
    res = m.rank_openings(c)
    assert [r.id for r in res] == ["o1", "o2"]
    pct = {r.id: next(x.value for x in r.components if x.key == "percent") for r in res}
    assert pct["o1"] == 1.0 and pct["o2"] < 1.0


def test_synonyms_and_misspellings() -> None:
    m = TitleMapper()

    def code(title: str) -> str:
        mapped = m.map(title)
        assert mapped is not None, title
        return mapped[0]

    assert code("renholdr") == "9112"
    assert code("Vi søker hjelpepleiere (deltid)") == "5321"
    assert code("lager-medarbeider") == code("lager medarbeider") == code("Lagermedarbeidere") == "4321"
    assert code("nattrenholder") == "9112"
    hfa = opening("o1", title="Helsefagarbeider", styrk08=None)
    other = opening("o2", title="Bussjåfør", styrk08=None)
    res = Matcher([hfa, other], today=TODAY).rank_openings(person(wanted_occupations=("hjelpepleier",)))
    assert res[0].id == "o1"
    assert next(x.value for x in res[0].components if x.key == "occupation") == 1.0


def test_synonym_list_is_large_and_uses_real_codes() -> None:
    rows = load_synonyms()
    assert len({t for t, _ in rows}) >= 400
    codes = set(load_styrk_names(STYRK))
    assert {c for _, c in rows} <= codes


def test_styrk_hierarchy_orders_occupation_score() -> None:
    c = person(wanted_occupations=("5321",))
    ops = [
        opening("same", styrk08="5321"),
        opening("minor", styrk08="5322"),
        opening("submajor", styrk08="5311"),
        opening("none", styrk08="9112"),
    ]
    res = Matcher(ops, today=TODAY).rank_openings(c)
    assert [r.id for r in res] == ["same", "minor", "submajor", "none"]


def test_explanation_contributions_sum_to_score() -> None:
    s = Synth(3)
    m = Matcher(s.openings(300), today=TODAY)
    for c in s.candidates(10):
        for r in m.rank_openings(c, k=10, include_infeasible=True):
            assert [x.key for x in r.components] == list(COMPONENTS)
            assert sum(x.contribution for x in r.components) == pytest.approx(r.score, abs=1e-9)
            assert all(0.0 <= x.value <= 1.0 for x in r.components)
            assert r.feasible == (not r.reasons)


def test_ranking_is_deterministic_with_ties_by_id() -> None:
    ops = [opening(f"o{i}") for i in (3, 1, 2)]
    res = Matcher(ops, today=TODAY).rank_openings(person())
    assert [r.id for r in res] == ["o1", "o2", "o3"]
    s = Synth(5)
    openings, cands = list(s.openings(400)), list(s.candidates(5))
    a = [[r.id for r in Matcher(openings, today=TODAY).rank_openings(c)] for c in cands]
    b = [[r.id for r in Matcher(list(reversed(openings)), today=TODAY).rank_openings(c)] for c in cands]
    assert a == b


def test_vectorised_equals_loop_and_both_directions_agree() -> None:
    s = Synth(11)
    openings, cands = list(s.openings(800)), list(s.candidates(40))
    m = Matcher(openings, cands, geo=synthetic_geo(), today=dt.date(2025, 1, 20))
    for c in cands[:20]:
        vec = m.rank_openings(c, k=60, include_infeasible=True)
        loop = m.rank_openings_loop(c, k=60, include_infeasible=True)
        assert [r.id for r in vec] == [r.id for r in loop]
        assert np.allclose([r.score for r in vec], [r.score for r in loop], rtol=0, atol=1e-12)
    for o in openings[:30]:
        cs, cf = m.score_candidates(o)
        for c in cands[:10]:
            os_, of = m.score_openings(c)
            i, j = m._o_slot[o.id], m._c_slot[c.id]
            assert os_[i] == pytest.approx(cs[j], abs=1e-12) and bool(of[i]) == bool(cf[j])


def test_add_update_remove_rerank_immediately() -> None:
    m = Matcher([opening("o1"), opening("o2", municipality="5001")], today=TODAY)
    c = person()
    assert m.rank_openings(c)[0].id == "o1"
    m.update_opening(opening("o1", status="closed"))
    assert [r.id for r in m.rank_openings(c)] == ["o2"]
    m.remove_opening("o2")
    m.add_opening(opening("o3"))
    assert [r.id for r in m.rank_openings(c)] == ["o3"]
    m.add_candidate(c)
    m.add_candidate(person("c2", municipalities=("5001",)))
    assert [r.id for r in m.rank_candidates(opening("o3"))] == ["c1", "c2"]
    m.remove_candidate("c1")
    assert [r.id for r in m.rank_candidates(opening("o3"))] == ["c2"]


def test_experience_counts() -> None:
    with_exp = person(experience=(Experience("renholder", 6.0),), wanted_occupations=())
    without = person("c2", wanted_occupations=(), experience=(Experience("kokk", 6.0),))
    m = Matcher([opening()], today=TODAY)
    assert m.explain(with_exp, opening()).score > m.explain(without, opening()).score


# ---- learning -------------------------------------------------------------------------------------------------
def _synthetic_outcomes(n: int, true_w: dict[str, float], seed: int) -> list[LabelledPair]:
    rng = np.random.default_rng(seed)
    w = np.array([true_w[k] for k in COMPONENTS])
    pairs = []
    for i in range(n):
        x = rng.random(len(COMPONENTS))
        p = 1 / (1 + np.exp(-(12 * (x @ w) - 6)))
        pairs.append(
            LabelledPair(dict(zip(COMPONENTS, x.tolist(), strict=True)), int(rng.random() < p), f"g{i // 20}")
        )
    return pairs


def test_learned_weights_beat_defaults_on_heldout() -> None:
    truth = dict.fromkeys(COMPONENTS, 0.0) | {"skills": 0.5, "hours": 0.3, "start": 0.2}
    train_pairs = _synthetic_outcomes(3000, truth, 1)
    heldout = _synthetic_outcomes(1500, truth, 2)
    model = train(train_pairs, version="v1")
    assert all(v >= 0 for v in model.weights.values()) and sum(model.weights.values()) == pytest.approx(1.0)
    defaults = WeightModel.defaults()
    assert evaluate(model.weights, heldout)["auc"] > evaluate(defaults.weights, heldout)["auc"] + 0.05
    assert should_replace(defaults, model, heldout)
    assert not should_replace(defaults, train(train_pairs[:100], version="tiny"), heldout)
    again = WeightModel.from_json(model.to_json())
    assert again == model
    Matcher([opening()], weights=again.weights).rank_openings(person())
    assert set(DEFAULT_WEIGHTS) == set(COMPONENTS)


# ---- bench ----------------------------------------------------------------------------------------------------
# The bench sets (../shared/bench) are `make bench`'s input only (it fails below nDCG@10 0.95 or with an
# infeasible opening in a top 10). The suite keeps the same checks on a set in the same format generated here by
# matching/synth.py, with judgements written from what the generator knows: the opening's true occupation.
_SYNTH_BASE = re.compile(r"^Vi søker (.+) i \d+–\d+ % stilling\.$")


def _fold(m: str | None) -> str:
    """Two counties instead of fifteen, so every person has openings within reach (as in a real office's area)."""
    assert m is not None, "the synthetic data gives every opening and person a municipality"
    return COUNTIES[COUNTIES.index(m[:2]) % 2] + m[2:]


def _fold_postal(p: str | None) -> str | None:
    return f"{int(p[:2]) % 2:02d}{p[2:]}" if p else p


def _synthetic_bench_set(folder: Path, seed: int, n_openings: int, n_candidates: int) -> None:
    s = Synth(seed)
    openings = [
        dataclasses.replace(o, municipality=_fold(o.municipality), postal_code=_fold_postal(o.postal_code))
        for o in s.openings(n_openings)
    ]
    people = [
        dataclasses.replace(
            c,
            municipalities=tuple(dict.fromkeys(_fold(m) for m in c.municipalities)),
            postal_code=_fold_postal(c.postal_code),
        )
        for c in s.candidates(n_candidates)
    ]

    def lines(path: Path, rows: list[dict]) -> None:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    lines(
        folder / "openings.jsonl",
        [
            {
                "id": o.id,
                "title": o.title,
                "description": o.description,
                "styrk08": o.styrk08,
                "employer": o.employer,
                "municipality": o.municipality,
                "postal_code": o.postal_code,
                "percent_min": o.percent_min,
                "percent_max": o.percent_max,
                "working_hours": list(o.working_hours),
                "engagement": o.engagement,
                "requirements": {
                    "driving_licences": list(o.must.driving_licences),
                    "certificates": list(o.must.certificates),
                    "skills": list(o.must.skills),
                },
                "adaptations": list(o.adaptations),
                "open_to_reduced_capacity": o.open_to_reduced_capacity,
            }
            for o in openings
        ],
    )
    lines(
        folder / "candidates.jsonl",
        [
            {
                "id": c.id,
                "experience": [{"title": e.title, "years": e.years} for e in c.experience],
                "certificates": list(c.certificates),
                "driving_licences": list(c.driving_licences),
                "languages": [{"language": x.language, "level": x.level} for x in c.languages],
                "skills": list(c.skills),
                "wanted_occupations": list(c.wanted_occupations),
                "municipalities": list(c.municipalities),
                "postal_code": c.postal_code,
                "max_commute_km": c.max_commute_km,
                "capacity_percent": c.capacity_percent,
                "wanted_percent_min": c.wanted_percent_min,
                "wanted_percent_max": c.wanted_percent_max,
                "working_hours": list(c.working_hours),
                "needs": list(c.needs),
            }
            for c in people
        ],
    )
    vocab = Vocab()

    def certs_ok(held, required) -> bool:
        have = {vocab.id(h) for h in held}
        return all(vocab.id(r) in have for r in required)

    qrels = []
    for c in people:
        wanted = {s.codes[t] for t in c.wanted_occupations}
        relevant = {}
        for o in openings:
            match = _SYNTH_BASE.match(o.description)
            assert match, o.description
            if s.codes[match.group(1)] not in wanted or breaks_hard_constraint(c, o, certs_ok):
                continue  # another occupation, or one the person cannot take (FORMAT.md): never relevant
            if o.municipality in c.municipalities:
                relevant[o.id] = 3
            elif o.municipality is not None and o.municipality[:2] == c.municipalities[0][:2]:
                relevant[o.id] = 1
        if relevant:
            qrels.append({"candidate": c.id, "relevant": relevant})
    lines(folder / "qrels.jsonl", qrels)


def test_bench_on_a_generated_set_writes_the_format_and_keeps_the_bar(tmp_path: Path) -> None:
    _synthetic_bench_set(tmp_path, seed=11, n_openings=600, n_candidates=80)
    out = tmp_path / "ranks.jsonl"
    summary = run_bench(
        tmp_path / "openings.jsonl",
        tmp_path / "candidates.jsonl",
        out,
        top=10,
        qrels_path=tmp_path / "qrels.jsonl",
        styrk_names=load_styrk_names(STYRK),
        geo=synthetic_geo(),
    )
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["candidate"] for r in rows] == [c["id"] for c in read_jsonl(tmp_path / "candidates.jsonl")]
    for r in rows:
        assert len(r["ranked"]) == 10
        assert set(r["ranked"][0]) == {"opening", "score", "feasible"}
        scores = [x["score"] for x in r["ranked"] if x["feasible"]]
        assert scores == sorted(scores, reverse=True)
    for key in ("ndcg@10", "recall@10", "infeasible@10", "seconds", "baseline_tfidf_ndcg@10"):
        assert key in summary
    assert (
        sum(1 for _ in read_jsonl(tmp_path / "qrels.jsonl")) >= 40
    )  # judged people enough to mean something
    assert summary["infeasible@10"] == 0
    # the generator's truth is coarser than a person's judgement (any opening of the right occupation nearby is
    # relevant), so the bar is below the dev set's 0.95; it still fails an engine that ranks by text alone
    assert summary["ndcg@10"] >= 0.6
    assert summary["ndcg@10"] >= summary["baseline_tfidf_ndcg@10"] + 0.3


def test_synth_is_seeded() -> None:
    a = [o.title for o in Synth(9).openings(50)]
    b = [o.title for o in Synth(9).openings(50)]
    assert a == b


# ---- candidate side, licences in the skills score, text component ------------------------------------------
def _rare(k: int) -> str:
    return hashlib.sha1(str(k).encode()).hexdigest()[:12]


def _with_rare_items(s: Synth, n: int) -> list[CandidateProfile]:
    """Synthetic candidates plus many distinct skills, so the vocabulary outgrows the 63-bit bloom masks."""
    out = []
    for i, c in enumerate(s.candidates(n)):
        extra = tuple(_rare(i % 90 + j) for j in range(i % 3))
        out.append(
            CandidateProfile(
                **{f: getattr(c, f) for f in c.__slots__ if f not in ("skills", "max_commute_km")},
                skills=(*c.skills, *extra),
                max_commute_km=(0.0, None, 15.0, 80.0)[i % 4],
            )
        )
    return out


def test_candidate_side_scores_equal_scalar_definitions() -> None:
    from matching import scoring as sc

    s = Synth(17)
    openings = list(s.openings(150))
    cands = _with_rare_items(s, 600)
    cands.append(person("nowhere", municipalities=(), postal_code=None))
    geo = synthetic_geo()
    m = Matcher([], cands, geo=geo, today=dt.date(2025, 1, 20))
    extra_skill = opening("rare", should=Requirements(skills=(_rare(70), _rare(3))))
    assert len(m.encoder.vocab) > 63
    for o in [*openings[:60], extra_skill]:
        scores, feasible = m.score_candidates(o)
        of = m.encoder.opening(o)
        for c in cands:
            j = m._c_slot[c.id]
            cf = m._c_feat[j]
            assert cf is not None  # a live slot
            assert scores[j] == pytest.approx(sc.score(cf, of, m.weights), abs=1e-12)
            assert bool(feasible[j]) == (not sc.infeasibility(cf, of, m.today))


def test_should_licence_counts_with_implication() -> None:
    def skills(held: tuple[str, ...], should: tuple[str, ...]) -> float:
        o = opening(should=Requirements(driving_licences=should))
        r = Matcher([o], today=TODAY).explain(person(driving_licences=held), o)
        return next(x.value for x in r.components if x.key == "skills")

    for held in (("B",), ("C1",), ("C",), ("D1",), ("D",), ("CE",), ("DE",), ("C1E",)):
        assert skills(held, ("B",)) == 1.0, held
    assert skills(("CE",), ("C",)) == 1.0
    assert skills(("DE",), ("D", "BE")) == 1.0
    assert skills(("B",), ("BE",)) == 0.0
    assert skills(("C1",), ("C",)) == 0.0
    assert skills(("B",), ("C",)) == 0.0
    assert skills((), ("B",)) == 0.0
    assert skills(("C1E",), ("C",)) == 0.0
    c1 = person("c1", driving_licences=("C1",))
    b_only = person("b", driving_licences=("B",))
    m = Matcher([], [c1, b_only], today=TODAY)
    res = m.rank_candidates(opening(should=Requirements(driving_licences=("C1",))))
    assert [r.id for r in res] == ["c1", "b"]


def test_text_component_off_by_default_and_explained_when_on() -> None:
    from matching import scoring as sc

    assert DEFAULT_WEIGHTS["text"] == 0.0 and "text" in COMPONENTS
    ops = [
        opening("o1", title="Medarbeider", styrk08=None, description="Kassearbeid og varepåfylling i butikk"),
        opening("o2", title="Medarbeider", styrk08=None, description="Sveising av stålkonstruksjoner"),
    ]
    c = person(wanted_occupations=(), skills=("sveising", "stålkonstruksjoner"))
    off = Matcher(ops, today=TODAY).rank_openings(c)
    assert all(next(x for x in r.components if x.key == "text").value == 0.0 for r in off)
    weights = dict(DEFAULT_WEIGHTS, text=0.1)
    m = Matcher(ops, [c], weights=weights, today=TODAY)
    res = m.rank_openings(c)
    assert res[0].id == "o2"
    text = {r.id: next(x for x in r.components if x.key == "text") for r in res}
    assert text["o2"].value > text["o1"].value >= 0.0 and text["o2"].weight > 0
    assert sum(x.contribution for x in res[0].components) == pytest.approx(res[0].score, abs=1e-12)
    # vectorised (both directions, after edits) equals the scalar definition
    m.add_opening(opening("o3", title="Sveiser", styrk08=None, description="Sveising, MIG/MAG"))
    m.remove_opening("o1")
    m.add_candidate(person("c2", skills=("kassearbeid",)))
    scores, _ = m.score_openings(c)
    cf = m.encoder.candidate(c)
    for oid, slot in m._o_slot.items():
        of = m._o_feat[slot]
        assert of is not None  # a live slot
        assert scores[slot] == pytest.approx(sc.score(cf, of, m.weights), abs=1e-12), oid
    for o in m._o_obj:
        if o is None:
            continue
        cs, _ = m.score_candidates(o)
        of = m.encoder.opening(o)
        for cid, slot in m._c_slot.items():
            held = m._c_feat[slot]
            assert held is not None  # a live slot
            assert cs[slot] == pytest.approx(sc.score(held, of, m.weights), abs=1e-12), cid
    plain = Matcher(ops, today=TODAY)
    plain.set_weights(weights, version="text-on")
    assert plain.rank_openings(c)[0].id == "o2"
