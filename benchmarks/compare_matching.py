"""Back-to-back speed comparison of two code trees on a busy machine: the same measurements, in process CPU time.

Run once per tree, alternating, e.g. with the previous commit unpacked by ``git archive <rev> | tar -x -C DIR``::

    for r in DIR . DIR .; do python benchmarks/compare_matching.py $r 2; done

Prints one JSON line per run. Compare ratios, not absolute figures: on a shared machine wall time swings ±50 %
between identical runs, CPU time much less. The office query uses the tree's own way: a mask inside the engine
(``allowed=``) when it has one, else the previous code's national top 200 filtered to the office afterwards.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import datetime as dt  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

TODAY = dt.date(2025, 1, 20)


def _median_cpu_ms(fn, items) -> float:
    times = []
    for x in items:
        t = time.process_time()
        fn(x)
        times.append((time.process_time() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    root, scale = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sys.path.insert(0, root)
    from matching.engine import Matcher
    from matching.synth import Synth, synthetic_geo

    n_open, n_cand = 100_000 // scale, 200_000 // scale
    geo, synth = synthetic_geo(), Synth(2025)
    openings, cands = list(synth.openings(n_open)), list(synth.candidates(n_cand))
    out: dict[str, object] = {"root": root, "scale": scale}
    t = time.process_time()
    m = Matcher(openings, geo=geo, today=TODAY)
    out["index_openings_s"] = time.process_time() - t
    queries = cands[:200]
    for c in queries[:5]:
        m.rank_openings(c, k=20)
    out["top20_openings_ms"] = _median_cpu_ms(lambda c: m.rank_openings(c, k=20), queries)
    t = time.process_time()
    m.add_candidates(cands)
    out["index_candidates_s"] = time.process_time() - t
    ops = openings[:200]
    for o in ops[:5]:
        m.rank_candidates(o, k=50)
    out["top50_candidates_ms"] = _median_cpu_ms(lambda o: m.rank_candidates(o, k=50), ops)
    rng = np.random.default_rng(7)
    office = [cands[i].id for i in rng.choice(n_cand, size=1000 // scale, replace=False)]
    if "allowed" in inspect.signature(m.rank_candidates).parameters:

        def office_top(o):
            return m.rank_candidates(o, k=50, allowed=m.candidate_mask(office))

    else:
        in_office = set(office)

        def office_top(o):
            return [r for r in m.rank_candidates(o, k=200) if r.feasible and r.id in in_office][:50]

    out["top50_office_ms"] = _median_cpu_ms(office_top, ops)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
