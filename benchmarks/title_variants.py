"""How the title classifier holds when a known title is written the way ads and CVs write it: with "Vi søker",
a percentage, a season word, æøå typed as ASCII, a letter missing, or the place of work ("Kokk til barnehage").

The titles are the dev set's whose unit group is known (an opening's `styrk08`, or the project's synonym list read
exactly); each variant is classified by the product's classifier (NAV's titles, STYRK-08 names, synonyms) and
compared with that unit group. Unlike `match titles-eval` this is not about unseen occupations but about unseen
wording around known ones: every variant should get what the plain title gets.

    python benchmarks/title_variants.py [--dev DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import bench  # noqa: E402
from matching.titles import TitleClassifier, normalise_title  # noqa: E402

REFDATA = ROOT / "core" / "refdata"
DEV = ROOT.parent / "shared" / "bench" / "dev"


def _ascii(s: str) -> str:
    return s.replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("Ø", "O").replace("Å", "A")


def _typo(s: str) -> str:
    return s[: len(s) // 2] + s[len(s) // 2 + 1 :] if len(s) > 6 else s


VARIANTS: dict[str, Callable[[str], str]] = {
    "as written": lambda s: s,
    "æøå as ASCII": _ascii,
    "UPPER CASE": str.upper,
    "… søkes": lambda s: s + " søkes",
    "Vi søker …": lambda s: "Vi søker " + s.lower(),
    "Sommervikar …": lambda s: "Sommervikar " + s.lower(),
    "… 50 %": lambda s: s + " 50 %",
    "… (deltid)": lambda s: s + " (deltid)",
    "plural": lambda s: s + ("r" if s.endswith("e") else "e"),
    "a letter missing": _typo,
    "… til barnehage": lambda s: s + " til barnehage",
    "… i barnehage": lambda s: s + " i barnehage",
    "… til sykehjem": lambda s: s + " til sykehjem",
    "… hos Rema 1000": lambda s: s + " hos Rema 1000",
    "… ved Gjøvik sykehus": lambda s: s + " ved Gjøvik sykehus",
    "… - Gjøvik kommune": lambda s: s + " - Gjøvik kommune",
}


def _kind(got: tuple[str, float] | None, unit: str) -> str:
    if got is None:
        return "none"
    return "exact" if got[0] == unit else "minor" if got[0][:3] == unit[:3] else "wrong"


def known_titles(dev: Path) -> dict[str, str]:
    by_word = bench.synonym_units()
    out: dict[str, str] = {}
    for person in bench.read_jsonl(dev / "candidates.jsonl"):
        for t in person["wanted_occupations"] + [e["title"] for e in person["experience"]]:
            if unit := by_word.get(normalise_title(t)):
                out[t] = unit
    for o in bench.read_jsonl(dev / "openings.jsonl"):
        if o.get("styrk08"):
            out.setdefault(o["title"], o["styrk08"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (args.dev / "candidates.jsonl").is_file():
        raise SystemExit(f"--dev: no candidates.jsonl in {args.dev}")
    titles = known_titles(args.dev)
    clf = TitleClassifier(
        bench.read_title_tsv(REFDATA / "nav" / "yrkesbetegnelser_styrk08.tsv"),
        bench.load_styrk_names(REFDATA / "klass" / "styrk08.json"),
    )
    rows = {}
    for name, variant in VARIANTS.items():
        counts = {"exact": 0, "minor": 0, "none": 0, "wrong": 0}
        for title, unit in titles.items():
            counts[_kind(clf.map(variant(title)), unit)] += 1
        rows[name] = {k: round(v / len(titles), 3) for k, v in counts.items()}
    if args.json:
        print(json.dumps({"titles": len(titles), "variants": rows}, ensure_ascii=False))
        return
    print(f"{len(titles)} distinct titles with a known unit group")
    print(f"{'variant':24s} {'exact':>6s} {'minor':>6s} {'none':>6s} {'wrong':>6s}")
    for name, r in rows.items():
        print(f"{name:24s} {r['exact']:6.3f} {r['minor']:6.3f} {r['none']:6.3f} {r['wrong']:6.3f}")


if __name__ == "__main__":
    main()
