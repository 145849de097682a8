"""Seeded synthetic openings and candidates at national scale, for speed benchmarks and tests.

Titles come from the project's own synonym list (with ad noise and the odd misspelling), places from a synthetic
county/municipality grid, so nothing depends on the bench sets or reference files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from matching.model import CandidateProfile, Experience, Language, Opening, Requirements
from matching.scoring import Geo
from matching.titles import load_synonyms

COUNTIES = ("03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56")
NEEDS = ("ARBEIDSTID", "FYSISK", "ARBEIDSMILJØ", "GRUNNLEGGENDE")
HOURS = ("dagtid", "kveld", "natt", "helg", "skift")
CERTS = (
    "truckførerbevis",
    "maskinførerbevis",
    "autorisasjon som helsefagarbeider",
    "hms-kort",
    "hygienekurs",
)
SKILLS = (
    "kundebehandling",
    "plukking",
    "kassasystem",
    "excel",
    "renhold",
    "matlaging",
    "personlig hygiene",
    "stell",
)
LEVELS = ("A2", "B1", "B2", "C1")


def municipalities(per_county: int = 24) -> list[str]:
    return [f"{c}{i:02d}" for c in COUNTIES for i in range(1, per_county + 1)]


def synthetic_geo(seed: int = 7) -> Geo:
    """Coordinates for the synthetic municipalities and postal codes (county clusters over Norway's extent)."""
    rng = random.Random(seed)
    centroids = {}
    postal = {}
    for ci, c in enumerate(COUNTIES):
        clat, clon = 58.5 + ci * 0.8, 6.0 + (ci % 5) * 2.5
        for i in range(1, 25):
            m = f"{c}{i:02d}"
            centroids[m] = (clat + rng.uniform(-0.6, 0.6), clon + rng.uniform(-1.0, 1.0))
            for p in range(4):
                postal[f"{ci:02d}{i:01d}{p}"[:4]] = (
                    centroids[m][0] + rng.uniform(-0.05, 0.05),
                    centroids[m][1],
                )
    return Geo(postal=postal, municipality_centroid=centroids)


class Synth:
    def __init__(self, seed: int = 42):
        self.rng = random.Random(seed)
        syn = load_synonyms()
        self.titles = [t for t, _ in syn]
        self.codes = {t: c for t, c in syn}
        self.munis = municipalities()

    def _title(self, base: str) -> str:
        r = self.rng.random()
        if r < 0.2:
            return f"Vi søker {base}"
        if r < 0.35:
            return f"{base.capitalize()} (heltid)"
        if r < 0.45 and len(base) > 6:
            i = self.rng.randrange(2, len(base) - 1)
            return base[:i] + base[i + 1 :]  # a typo
        return base.capitalize()

    def opening(self, i: int) -> Opening:
        rng = self.rng
        base = rng.choice(self.titles)
        pmin = rng.choice((20, 30, 40, 50, 60, 80, 100, 100, 100))
        pmax = max(pmin, rng.choice((40, 50, 60, 80, 100, 100)))
        muni = rng.choice(self.munis)
        lic = ("B",) if rng.random() < 0.15 else (("C",) if rng.random() < 0.03 else ())
        cert = (rng.choice(CERTS),) if rng.random() < 0.08 else ()
        today = dt.date(2025, 1, 1)
        return Opening(
            id=f"o{i}",
            title=self._title(base),
            description=f"Vi søker {base} i {pmin}–{pmax} % stilling.",
            styrk08=self.codes[base] if rng.random() < 0.7 else None,
            employer=f"Arbeidsgiver {i % 5000} AS",
            municipality=muni,
            postal_code=f"{COUNTIES.index(muni[:2]):02d}{int(muni[2:]) % 10}{rng.randrange(4)}",
            percent_min=float(pmin),
            percent_max=float(pmax),
            working_hours=tuple(rng.sample(HOURS, rng.choice((1, 1, 2)))),
            engagement=rng.choice(("fast", "fast", "vikariat", "sesong")),
            start=today + dt.timedelta(days=rng.randrange(0, 120)) if rng.random() < 0.5 else None,
            deadline=today + dt.timedelta(days=rng.randrange(-10, 60)) if rng.random() < 0.5 else None,
            status="open" if rng.random() < 0.97 else "closed",
            must=Requirements(
                driving_licences=lic, certificates=cert, skills=tuple(rng.sample(SKILLS, rng.randrange(0, 2)))
            ),
            should=Requirements(skills=tuple(rng.sample(SKILLS, rng.randrange(0, 3)))),
            adaptations=tuple(sorted(rng.sample(NEEDS, rng.choice((0, 0, 1, 1, 2))))),
            open_to_reduced_capacity=rng.random() < 0.05,
        )

    def candidate(self, i: int) -> CandidateProfile:
        rng = self.rng
        wanted = rng.sample(self.titles, rng.choice((1, 1, 2)))
        exp = [
            Experience(rng.choice(self.titles), round(rng.uniform(0, 12), 1))
            for _ in range(rng.choice((0, 1, 2)))
        ]
        cap = rng.choice((20, 30, 40, 50, 60, 80, 100, 100, 100))
        county = rng.choice(COUNTIES)
        munis = tuple(rng.sample([m for m in self.munis if m.startswith(county)], rng.choice((1, 1, 2, 3))))
        return CandidateProfile(
            id=f"c{i}",
            experience=tuple(exp),
            certificates=tuple(rng.sample(CERTS, rng.choice((0, 0, 0, 1)))),
            driving_licences=rng.choice(((), ("B",), ("B",), ("B", "C1"), ("CE",))),
            languages=(Language("norsk", rng.choice(LEVELS)),),
            skills=tuple(rng.sample(SKILLS, rng.randrange(0, 3))),
            wanted_occupations=tuple(wanted),
            municipalities=munis,
            postal_code=f"{COUNTIES.index(county):02d}{int(munis[0][2:]) % 10}0",
            max_commute_km=rng.choice((None, None, 30.0, 60.0)),
            capacity_percent=float(cap),
            wanted_percent_min=20.0,
            wanted_percent_max=float(cap),
            working_hours=tuple(rng.sample(HOURS, rng.choice((0, 1, 2)))),
            needs=tuple(sorted(rng.sample(NEEDS, rng.choice((0, 0, 1, 2))))),
        )

    def openings(self, n: int) -> Iterator[Opening]:
        return (self.opening(i) for i in range(n))

    def candidates(self, n: int) -> Iterator[CandidateProfile]:
        return (self.candidate(i) for i in range(n))
