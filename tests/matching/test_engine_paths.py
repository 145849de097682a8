"""Group codes earn graded occupation credit, and the engine's fast paths (distinct-value tables on the openings'
side, an office's rows scored alone on the candidates' side) give exactly what the plain definitions give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matching import CandidateProfile, Matcher, Opening
from matching import scoring as sc
from matching.model import Experience
from matching.synth import Synth, synthetic_geo

TODAY = dt.date(2025, 1, 20)


def test_group_codes_agree_on_their_own_digits_only() -> None:
    minor, sub_major = sc.code_int("512"), sc.code_int("51")
    assert minor is not None and sub_major is not None
    assert sc.level(5120, 5120) == 4
    assert sc.level(minor, 5120) == sc.level(5120, minor) == 3  # same minor group, unit group unknown
    assert sc.level(minor, minor) == 3  # two people naming the same group: still not the same unit group
    assert sc.level(minor, 5131) == 2 and sc.level(sub_major, 5120) == 2
    group_91 = sc.code_int("91")
    assert group_91 is not None
    assert sc.level(minor, 9112) == 0 and sc.level(group_91, 5120) == 0
    assert sc.code_int("5") is None and sc.code_int("51201") is None and sc.code_int("ab") is None


def _worker(id: str, code: str) -> CandidateProfile:
    return CandidateProfile(
        id=id,
        experience=(Experience("kjøkken", 2.0, code),),
        municipalities=("0301",),
        capacity_percent=100.0,
    )


def _job(id: str, code: str) -> Opening:
    return Opening(id=id, title="stilling", styrk08=code, municipality="0301", percent_min=100.0)


def test_a_group_code_gets_graded_credit_in_both_directions() -> None:
    """A person whose experience is only known to the minor group 512 (cooks) scores above nothing for a cook's
    job, below a person with the exact unit group, and less for a job in the same sub-major group only."""
    exact, group, other = _worker("exact", "5120"), _worker("group", "512"), _worker("other", "9112")
    cook, waiter, by_group = _job("kokk", "5120"), _job("servitør", "5131"), _job("kokk-gruppe", "512")
    m = Matcher([cook, waiter, by_group], [exact, group, other], today=TODAY)

    def occupation(c: CandidateProfile, o: Opening) -> float:
        return m.components(c, o)["occupation"]

    assert occupation(exact, cook) > occupation(group, cook) > occupation(group, waiter) > 0.0
    assert occupation(other, cook) == 0.0
    assert 0.0 < occupation(exact, by_group) < occupation(exact, cook)  # an opening coded to a group only
    ranked = [r.id for r in m.rank_candidates(cook, k=3, include_infeasible=True)]
    assert ranked[:2] == ["exact", "group"]
    for c in (exact, group, other):  # the vectorised paths say what the scalar definitions say
        scores, _ = m.score_openings(c)
        for o in (cook, waiter, by_group):
            pair = m.explain(c, o).score
            assert scores[m.opening_ids().index(o.id)] == pytest.approx(pair, abs=1e-12)
            cand_scores, _ = m.score_candidates(o)
            assert cand_scores[m.candidate_ids().index(c.id)] == pytest.approx(pair, abs=1e-12)


def test_an_office_scored_alone_ranks_as_the_masked_whole() -> None:
    """A small office's rows are scored on their own (its columns gathered first); the result must be the
    national ranking filtered to the office, scores and order alike."""
    s = Synth(23)
    openings = list(s.openings(30))
    candidates = list(s.candidates(400))
    m = Matcher(openings, candidates, geo=synthetic_geo(), today=TODAY)
    rng = np.random.default_rng(3)
    office = {candidates[i].id for i in rng.choice(len(candidates), size=40, replace=False)}
    for o in openings[:10]:
        alone = m.rank_candidates(o, k=15, include_infeasible=True, allowed=m.candidate_mask(office))
        whole = [
            r for r in m.rank_candidates(o, k=len(candidates), include_infeasible=True) if r.id in office
        ]
        assert [(r.id, r.score, r.feasible) for r in alone] == [
            (r.id, r.score, r.feasible) for r in whole[:15]
        ]
