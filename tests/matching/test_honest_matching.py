"""Matching a caseworker can trust (issue 18): a travel time in minutes is a distance, an unknown distance is
reported, an unrelated occupation sits below the line, percent fit separates people, every item says why in one
line, and a reader's access is a mask applied before the top-k cut."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from matching import CandidateProfile, Geo, Matcher, Opening
from matching.feasibility import UNCERTAIN_PREFIX, haversine_km
from matching.scoring import DEFAULT_COMMUTE_KMH

TODAY = dt.date(2025, 3, 1)
# postal-code centroids (GeoNames): Gjøvik, Raufoss (Vestre Toten), Lillehammer, Trondheim
GJOVIK, RAUFOSS, LILLEHAMMER, TRONDHEIM = (
    (60.7957, 10.6916),
    (60.7257, 10.6126),
    (61.1153, 10.4662),
    (
        63.4305,
        10.3951,
    ),
)
GEO = Geo(
    postal={"2815": GJOVIK, "2830": RAUFOSS, "2609": LILLEHAMMER, "7030": TRONDHEIM},
    municipality_centroid={"3407": GJOVIK, "3443": RAUFOSS, "3405": LILLEHAMMER, "5001": TRONDHEIM},
)


def job(id: str, municipality: str, postal: str | None, **kw) -> Opening:
    base: dict[str, Any] = dict(
        id=id,
        title="Renholder",
        styrk08="9112",
        municipality=municipality,
        postal_code=postal,
        percent_min=20.0,
        percent_max=100.0,
    )
    base.update(kw)
    return Opening(**base)


def gjovik_person(id: str = "c1", **kw) -> CandidateProfile:
    base: dict[str, Any] = dict(
        id=id,
        wanted_occupations=("renholder",),
        municipalities=("3407",),
        postal_code="2815",
        max_commute_minutes=20.0,
    )
    base.update(kw)
    return CandidateProfile(**base)


def test_a_commute_limit_in_minutes_excludes_a_job_beyond_it() -> None:
    home = job("gjovik", "3407", "2815")
    raufoss = job("raufoss", "3443", "2830")  # ~9 km: within 20 minutes
    lillehammer = job("lillehammer", "3405", "2609")  # ~40 km: not within 20 minutes
    trondheim = job("trondheim", "5001", "7030")
    m = Matcher([home, raufoss, lillehammer, trondheim], geo=GEO, today=TODAY)
    person = gjovik_person()
    assert {r.id for r in m.rank_openings(person)} == {"gjovik", "raufoss"}
    why_not = {r.id: r for r in m.rank_infeasible_openings(person)}
    assert set(why_not) == {"lillehammer", "trondheim"}
    reason = why_not["lillehammer"].reasons[0]
    limit_km = 20 * DEFAULT_COMMUTE_KMH / 60
    assert "20 min reisetid" in reason and f"ca. {limit_km:.0f} km" in reason
    assert not why_not["lillehammer"].uncertain
    # the speed is a setting: at 150 km/h, 20 minutes reach Lillehammer (not Trondheim)
    fast = Matcher([home, raufoss, lillehammer, trondheim], geo=GEO, today=TODAY, commute_kmh=150)
    assert {r.id for r in fast.rank_openings(person)} == {"gjovik", "raufoss", "lillehammer"}
    # both directions say the same
    cands = Matcher([], [person], geo=GEO, today=TODAY)
    assert [r.id for r in cands.rank_candidates(lillehammer)] == []
    assert [r.id for r in cands.rank_candidates(raufoss)] == ["c1"]
    # km and minutes both given: the stricter one counts
    assert [r.id for r in fast.rank_openings(gjovik_person(max_commute_km=5.0))] == ["gjovik"]


def test_unknown_distance_is_reported_not_passed() -> None:
    nowhere = job("ukjent", "4601", None)  # a municipality with no coordinates in GEO
    home = job("gjovik", "3407", "2815")
    m = Matcher([nowhere, home], geo=GEO, today=TODAY)
    person = gjovik_person()
    assert [r.id for r in m.rank_openings(person)] == ["gjovik"]
    (item,) = m.rank_infeasible_openings(person)
    assert item.id == "ukjent" and item.uncertain and not item.feasible
    assert (
        item.reasons[0].startswith(UNCERTAIN_PREFIX)
        and "avstanden til arbeidsstedet er ukjent" in item.reasons[0]
    )
    # no coordinates at all (no geo): every job outside the person's municipalities is uncertain
    bare = Matcher([nowhere, home], today=TODAY)
    assert [r.id for r in bare.rank_openings(person)] == ["gjovik"]
    assert [r.uncertain for r in bare.rank_infeasible_openings(person)] == [True]
    cands = Matcher([], [person], today=TODAY)
    assert cands.rank_candidates(nowhere) == []
    assert [r.uncertain for r in cands.rank_candidates(nowhere, include_infeasible=True)] == [True]
    # without a commute limit there is nothing to be unsure about: the place only weighs softly
    free = gjovik_person(max_commute_minutes=None)
    assert {r.id for r in bare.rank_openings(free)} == {"gjovik", "ukjent"}


def test_an_unrelated_occupation_ranks_below_the_line() -> None:
    far_same = job("renhold-trondheim", "5001", "7030", percent_min=100.0)
    near_other = job(
        "sveiser-gjovik",
        "3407",
        "2815",
        title="Sveiser",
        styrk08="7212",
        adaptations=("ARBEIDSTID", "FYSISK", "ARBEIDSMILJØ", "GRUNNLEGGENDE"),
    )
    person = gjovik_person(max_commute_minutes=None, wanted_percent_min=20.0, wanted_percent_max=50.0)
    res = Matcher([near_other, far_same], geo=GEO, today=TODAY).rank_openings(person)
    assert [r.id for r in res] == ["renhold-trondheim", "sveiser-gjovik"]
    same, other = res
    assert same.related and not other.related
    assert other.score < 0.3, "place, percent and adaptations alone never look like half a match"
    assert other.explanation.startswith("Annet yrke")
    assert abs(sum(c.contribution for c in other.components) - other.score) < 1e-12


def test_percent_fit_separates_people_who_want_different_hours() -> None:
    small = job("deltid", "3407", "2815", percent_min=20.0, percent_max=50.0)
    m = Matcher([small], geo=GEO, today=TODAY)
    wants_full = gjovik_person("full", wanted_percent_min=80.0, wanted_percent_max=100.0)
    wants_part = gjovik_person("part", wanted_percent_min=30.0, wanted_percent_max=50.0)
    full, part = m.explain(wants_full, small), m.explain(wants_part, small)
    assert part.score - full.score >= 0.05
    pct = {
        r: next(c for c in x.components if c.key == "percent") for r, x in (("full", full), ("part", part))
    }
    assert pct["part"].value == 1.0 and pct["full"].value < 0.5
    # the opening's side agrees: the part-time seeker comes first
    both = Matcher([], [wants_full, wants_part], geo=GEO, today=TODAY)
    assert [r.id for r in both.rank_candidates(small)] == ["part", "full"]


def test_each_match_carries_a_reason_in_words() -> None:
    raufoss = job("raufoss", "3443", "2830", percent_min=30.0, percent_max=30.0)
    person = gjovik_person(wanted_percent_min=20.0, wanted_percent_max=40.0)
    (item,) = Matcher([raufoss], geo=GEO, today=TODAY).rank_openings(person)
    km = haversine_km(*GJOVIK, *RAUFOSS)
    assert item.explanation == f"Samme yrke, {km:.0f} km unna, 30 % passer ønsket 20–40 %"
    home = job("gjovik", "3407", "2815", title="Sveiser", styrk08="7212", percent_min=80.0, percent_max=100.0)
    other = Matcher([home], geo=GEO, today=TODAY).explain(person, home)
    assert other.explanation == "Annet yrke, i ønsket kommune, krever minst 80 %, ønsket 20–40 %"


def test_an_access_mask_gives_each_office_its_own_top_k() -> None:
    """5 candidates at a small office, 300 stronger ones at a big one: the small office still gets all 5, the
    big one its full top k — the mask is applied before the top-k cut, not after a national top 200."""
    opening = job("renhold", "3407", "2815", percent_min=50.0, percent_max=50.0)
    big = [gjovik_person(f"b{i:03d}", wanted_percent_min=50.0, wanted_percent_max=50.0) for i in range(300)]
    small = [  # weaker: another occupation and a poor percent fit
        gjovik_person(f"s{i}", wanted_occupations=("vaktmester",), wanted_percent_min=90.0) for i in range(5)
    ]
    m = Matcher([], [*big, *small], geo=GEO, today=TODAY)
    national = [r.id for r in m.rank_candidates(opening, k=200)]
    assert not any(i.startswith("s") for i in national), "the small office is outside the national top 200"
    small_top = m.rank_candidates(opening, k=10, allowed=m.candidate_mask(c.id for c in small))
    assert sorted(r.id for r in small_top) == [c.id for c in small]
    big_top = m.rank_candidates(opening, k=50, allowed=m.candidate_mask(c.id for c in big))
    assert len(big_top) == 50 and all(r.id.startswith("b") for r in big_top)
    none = m.rank_candidates(opening, k=10, allowed=np.zeros(m.n_candidates, dtype=bool))
    assert none == []
    # a removed candidate is gone from the mask and the result
    m.remove_candidate("s0")
    assert sorted(r.id for r in m.rank_candidates(opening, allowed=m.candidate_mask(["s0", "s1"]))) == ["s1"]
