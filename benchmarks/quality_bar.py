"""`make bench`'s quality gate: fails (exit 1) when a `match bench --json` summary is below the bar.

The bar is the issue's: nDCG@10 ≥ 0.95 and no opening a person cannot take in any top 10 (infeasible@10 = 0).
The suite checks the same on a generated set (tests/matching/test_matching.py); this checks it on ../shared/bench,
which only `make bench` reads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("summary", type=Path, help="the JSON `arbeidsbro match bench --json` wrote")
    parser.add_argument("--min-ndcg", type=float, default=0.95)
    parser.add_argument("--max-infeasible", type=int, default=0)
    args = parser.parse_args(argv)
    summary = json.loads(args.summary.read_text(encoding="utf-8"))
    ndcg, infeasible = float(summary["ndcg@10"]), int(summary["infeasible@10"])
    failures = []
    if ndcg < args.min_ndcg:
        failures.append(f"nDCG@10 {ndcg:.4f} < {args.min_ndcg}")
    if infeasible > args.max_infeasible:
        failures.append(f"infeasible@10 {infeasible} > {args.max_infeasible}")
    name = args.summary.name
    if failures:
        print(f"{name}: UNDER THE BAR: " + "; ".join(failures), file=sys.stderr)
        return 1
    print(f"{name}: nDCG@10 {ndcg:.4f} ≥ {args.min_ndcg}, infeasible@10 {infeasible} ≤ {args.max_infeasible}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
