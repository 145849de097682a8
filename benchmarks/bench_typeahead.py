"""Speed of the typeahead (matching.suggest) over the full vocabulary the product ships: STYRK-08 unit groups,
NAV's observed titles and the project's synonym list; places over every municipality and postal code.

Queries are what a person sends while typing: every prefix (2 letters and up) of titles drawn from the
vocabulary, the same with æøå typed as ASCII, and with one letter dropped (a typo). Beside it, in the same run,
the previous suggester's way (rapidfuzz WRatio over every title for each query) as a reference.
Target (issue 18): p95 ≤ 30 ms per query.

Run: ``python benchmarks/bench_typeahead.py [--quick]``
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.suggest import OccupationIndex, PlaceIndex, norm  # noqa: E402
from matching.titles import fold, load_synonyms  # noqa: E402

REFDATA = ROOT / "core" / "refdata"


def vocabulary() -> tuple[dict[str, str], list[tuple[str, str]]]:
    items = json.loads((REFDATA / "klass" / "styrk08.json").read_text(encoding="utf-8"))[
        "classificationItems"
    ]
    names = {i["code"]: i["name"] for i in items if len(i["code"]) == 4}
    with (REFDATA / "nav" / "yrkesbetegnelser_styrk08.tsv").open(encoding="utf-8") as fh:
        titles = [(r["tittel"], r["styrk08"]) for r in csv.DictReader(fh, delimiter="\t")]
    return names, titles + load_synonyms()


def places() -> PlaceIndex:
    municipalities: dict[str, str] = {}
    postal = []
    with (REFDATA / "nav" / "postal_codes_no.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            municipalities[row[2].zfill(4)] = row[3].title()
            postal.append((row[0], row[1].title(), row[2].zfill(4)))
    return PlaceIndex(municipalities, postal)


def typed_queries(words: list[str], rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    for word in rng.sample(words, min(n, len(words))):
        word = word.lower()
        out += [word[:k] for k in range(2, len(word) + 1)]
        out.append(fold(word))
        if len(word) > 5:
            i = rng.randrange(1, len(word) - 1)
            out.append(word[:i] + word[i + 1 :])
    return out


def timings(fn, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report(label: str, times: list[float]) -> dict[str, float]:
    times = sorted(times)
    p = {
        "p50": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "p99": times[int(0.99 * (len(times) - 1))],
        "max": times[-1],
    }
    print(f"{label:<44} n={len(times):>5}  " + "  ".join(f"{k} {v:6.2f} ms" for k, v in p.items()))
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer titles typed")
    args = parser.parse_args()
    rng = random.Random(18)
    names, titles = vocabulary()
    t = time.perf_counter()
    index = OccupationIndex(names, titles)
    build_ms = (time.perf_counter() - t) * 1000
    print(f"occupation index: {len(index)} titles on {len(names)} unit groups, built in {build_ms:.0f} ms")
    words = [title for title, _ in titles]
    queries = typed_queries(words, rng, 60 if args.quick else 300)
    index.search("oppvarming")  # first call pays rapidfuzz's import-time setup
    occ = report("typeahead, occupations (matching.suggest)", timings(index.search, queries))

    keys = [norm(title) for title, _ in titles] + [norm(n) for n in names.values()]
    previous = report(
        "previous way: WRatio over every title",
        timings(lambda q: process.extract(norm(q), keys, scorer=fuzz.WRatio, limit=24), queries),
    )

    t = time.perf_counter()
    place_index = places()
    print(f"place index built in {(time.perf_counter() - t) * 1000:.0f} ms")
    place_words = sorted(set(place_index.municipalities.values()))
    place_queries = typed_queries(place_words, rng, 60 if args.quick else 200)
    place_queries += [f"{n:04d}"[:k] for n in rng.sample(range(1, 9999), 100) for k in (2, 4)]
    pl = report("typeahead, places (matching.suggest)", timings(place_index.search, place_queries))

    target = 30.0
    ok = occ["p95"] <= target and pl["p95"] <= target
    print(
        f"\np95 occupations {occ['p95']:.2f} ms, places {pl['p95']:.2f} ms (target ≤ {target:.0f} ms): "
        f"{'OK' if ok else 'TOO SLOW'}; previous way p95 {previous['p95']:.2f} ms "
        f"(ratio new/previous {occ['p95'] / previous['p95']:.2f})"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
