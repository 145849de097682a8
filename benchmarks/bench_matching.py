"""Speed benchmark of the matching engine at national scale, against the per-pair loop in the same run.

Beside the absolute figures it runs the previous code (``--against REV``, default 0963d62: the engine before the
issue 18 speed work, exported with ``git archive`` into a temporary folder) on the same data in a subprocess right
after, and prints new/old ratios — on a shared machine only the ratios count. Every query is timed in wall time and
in CPU time of the thread (``time.thread_time``: without the waits for a core another process holds).

Run: ``python benchmarks/bench_matching.py [--quick] [--against REV | --no-against]`` (one core: BLAS threads
pinned to 1 below).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REFDATA = ROOT / "core" / "refdata"


def _engine_root() -> Path:
    """``--engine-root DIR`` (the previous code's export) is imported instead of this checkout's matching/."""
    if "--engine-root" in sys.argv:
        return Path(sys.argv[sys.argv.index("--engine-root") + 1])
    return ROOT


sys.path.insert(0, str(_engine_root()))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from matching.engine import Matcher  # noqa: E402
from matching.suggest import OccupationIndex  # noqa: E402
from matching.synth import Synth, synthetic_geo  # noqa: E402

TODAY = dt.date(2025, 1, 20)
PREVIOUS = "0963d62"  # main before the issue 18 speed work


def timed(fn, items) -> dict[str, float]:
    """Median and p95 of each call, in wall time and in the thread's CPU time (ms)."""
    wall, cpu = [], []
    for x in items:
        t, c = time.perf_counter(), time.thread_time()
        fn(x)
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    wall.sort()
    cpu.sort()
    p95 = int(0.95 * (len(wall) - 1))
    return {
        "median": statistics.median(wall),
        "median_cpu": statistics.median(cpu),
        "p95": wall[p95],
        "p95_cpu": cpu[p95],
    }


def median_ms(fn, items) -> float:
    return timed(fn, items)["median"]


def typed_queries(rng: random.Random, n: int) -> tuple[dict[str, str], list[tuple[str, str]], list[str]]:
    """The full occupation vocabulary and what a person sends while typing (as bench_typeahead.py: every prefix
    of n titles from 2 letters, and the title with one letter dropped)."""
    items = json.loads((REFDATA / "klass" / "styrk08.json").read_text(encoding="utf-8"))[
        "classificationItems"
    ]
    names = {i["code"]: i["name"] for i in items if len(i["code"]) == 4}
    with (REFDATA / "nav" / "yrkesbetegnelser_styrk08.tsv").open(encoding="utf-8") as fh:
        titles = [(r["tittel"], r["styrk08"]) for r in csv.DictReader(fh, delimiter="\t")]
    out: list[str] = []
    for word in rng.sample([t for t, _ in titles], min(n, len(titles))):
        word = word.lower()
        out += [word[:k] for k in range(2, len(word) + 1)]
        if len(word) > 5:
            i = rng.randrange(1, len(word) - 1)
            out.append(word[:i] + word[i + 1 :])
    return names, titles, out


def core(n_open: int, n_cand: int, office: int, quick: bool) -> dict[str, dict[str, float]]:
    """The figures compared with the previous code: the same data and the same calls in either engine."""
    out: dict[str, dict[str, float]] = {}
    synth = Synth(2025)
    openings = list(synth.openings(n_open))
    candidates = list(synth.candidates(n_cand))
    geo = synthetic_geo()
    t, c = time.perf_counter(), time.process_time()
    m = Matcher(openings, geo=geo, today=TODAY)
    out["index_openings"] = {"s": time.perf_counter() - t, "s_cpu": time.process_time() - c}
    queries = candidates[:200]
    for cand in queries[:5]:
        m.rank_openings(cand, k=20)  # warm caches
    out["top20_openings"] = timed(lambda cand: m.rank_openings(cand, k=20), queries)
    t, c = time.perf_counter(), time.process_time()
    m.add_candidates(candidates)
    out["index_candidates"] = {"s": time.perf_counter() - t, "s_cpu": time.process_time() - c}
    ops = openings[:200]
    for o in ops[:5]:
        m.rank_candidates(o, k=50)
    out["top50_candidates"] = timed(lambda o: m.rank_candidates(o, k=50), ops)
    # one office: its readable candidate ids (as the pages get them) become a mask inside the engine, applied
    # before the top-k cut; the mask is built in the timed call, as every page request builds it
    rng = np.random.default_rng(7)
    office_ids = [candidates[i].id for i in rng.choice(n_cand, size=office, replace=False)]
    out["top50_office"] = timed(
        lambda o: m.rank_candidates(o, k=50, allowed=m.candidate_mask(office_ids)), ops
    )
    out["office_size"] = {"n": float(len(office_ids))}
    names, titles, typed = typed_queries(random.Random(18), 60 if quick else 300)
    index = OccupationIndex(names, titles)
    index.search("oppvarming")  # first call pays rapidfuzz's import-time setup
    out["typeahead"] = timed(index.search, typed)
    return out


def previous_core(rev: str, args: argparse.Namespace) -> dict[str, dict[str, float]] | None:
    """The same measurements on the code at ``rev`` (its matching/ exported into a temporary folder), run in a
    subprocess right after this one's."""
    with tempfile.TemporaryDirectory(prefix="bench-previous-") as tmp:
        archive = Path(tmp) / "matching.tar"
        try:
            subprocess.run(
                ["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "matching"],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"(no comparison: git archive {rev} failed: {exc})")
            return None
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        cmd = [sys.executable, __file__, "--core-json", "--engine-root", tmp, "--scale", str(args.scale)]
        cmd += ["--office", str(args.office)] + (["--quick"] if args.quick else [])
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10x smaller sets (smoke run)")
    ap.add_argument("--scale", type=int, default=1, help="divide every set size by this (a busy machine)")
    ap.add_argument("--office", type=int, default=1000, help="candidates at the one office (before --scale)")
    ap.add_argument("--against", default=PREVIOUS, help="git revision whose engine the ratios compare with")
    ap.add_argument("--no-against", action="store_true", help="skip the run of the previous code")
    ap.add_argument("--core-json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine-root", help=argparse.SUPPRESS)
    args = ap.parse_args()
    scale = 10 if args.quick else max(1, args.scale)
    n_open, n_cand, n_pairs = 100_000 // scale, 200_000 // scale, 20_000 // scale
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.core_json:
        print(json.dumps(core(n_open, n_cand, args.office // scale, args.quick)))
        return
    rows: list[tuple[str, str, str]] = []
    geo = synthetic_geo()

    new = core(n_open, n_cand, args.office // scale, args.quick)
    old = None if args.no_against else previous_core(args.against, args)

    synth = Synth(2025)
    openings = list(synth.openings(n_open))
    candidates = list(synth.candidates(n_cand))

    tracemalloc.start()
    t = time.perf_counter()
    m = Matcher(openings, geo=geo, today=TODAY)
    index_s = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append((f"index {n_open:,} openings", f"{new['index_openings']['s']:.1f} s", "≤ 60 s"))
    rows.append(
        (f"index {n_open:,} openings (traced for memory)", f"{index_s:.1f} s", "-"),
    )
    rows.append((f"peak memory while indexing {n_open:,} openings", f"{peak / 2**20:.0f} MiB", "≤ 2 GB"))

    queries = candidates[:200]
    q_ms = new["top20_openings"]["median"]
    rows.append((f"top-20 openings for one candidate among {n_open:,} (median)", f"{q_ms:.1f} ms", "≤ 25 ms"))

    # floor: bare TF-IDF sparse dot + top-10 over the same ads
    vec = TfidfVectorizer(sublinear_tf=True)
    x = vec.fit_transform([f"{o.title} {o.description}" for o in openings]).T.tocsr()
    qv = vec.transform([" ".join(c.wanted_occupations) for c in queries])

    def tfidf_top(i: int) -> None:
        s = (qv[i] @ x).toarray().ravel()
        top = np.argpartition(-s, 10)[:10]
        top[np.argsort(-s[top])]

    tf_ms = median_ms(tfidf_top, range(len(queries)))
    rows.append(
        (f"floor: bare TF-IDF dot + top-10 over {n_open:,} ads (median)", f"{tf_ms:.1f} ms", "≈ 4 ms")
    )

    # loop baseline on a subset of openings, extrapolated
    sub = Matcher(openings[: max(1000, n_open // 20)], geo=geo, today=TODAY)
    loop_ms = median_ms(lambda c: sub.rank_openings_loop(c, k=20), queries[:10]) * (n_open / sub.n_openings)
    rows.append(
        (f"per-pair Python loop, one candidate × {n_open:,} (extrapolated)", f"{loop_ms:.0f} ms", "-")
    )
    rows.append(("speed-up of vectorised over loop", f"{loop_ms / q_ms:.0f}×", "-"))

    rows.append((f"index {n_cand:,} candidates", f"{new['index_candidates']['s']:.1f} s", "-"))
    rows.append(
        (
            f"top-50 candidates for one opening among {n_cand:,} (median)",
            f"{new['top50_candidates']['median']:.1f} ms",
            "≤ 50 ms",
        )
    )
    rows.append(
        (
            f"top-50 candidates among {n_cand:,} for one office of {int(new['office_size']['n']):,} (median)",
            f"{new['top50_office']['median']:.1f} ms",
            "≤ 50 ms",
        )
    )
    rows.append(
        (
            "typeahead over the full occupation vocabulary (p95)",
            f"{new['typeahead']['p95']:.1f} ms",
            "≤ 30 ms",
        )
    )

    pm = Matcher(openings[:n_pairs], geo=geo, today=TODAY)
    t = time.perf_counter()
    for c in candidates[:n_pairs]:
        pm.rank_openings(c, k=20)
    pairs_s = time.perf_counter() - t
    rows.append((f"all {n_pairs:,} × {n_pairs:,} pairs, top-20 each", f"{pairs_s:.1f} s", "≤ 120 s"))

    t = time.perf_counter()
    m.update_opening(openings[0])
    m.rank_openings(candidates[0], k=20)
    rows.append(("edit one opening + re-rank", f"{(time.perf_counter() - t) * 1000:.1f} ms", "-"))
    rows.append(
        (
            "cpu: top-20 openings (median, thread CPU time)",
            f"{new['top20_openings']['median_cpu']:.1f} ms",
            "-",
        )
    )
    rows.append(
        (
            "cpu: top-50 for one office (median, thread CPU time)",
            f"{new['top50_office']['median_cpu']:.1f} ms",
            "-",
        )
    )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak RSS of the whole run (ru_maxrss)", f"{rss:.0f} MiB", "-"))
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'result':>10}  target")
    for name, val, target in rows:
        print(f"{name:<{w}}  {val:>10}  {target}")
    if old is not None:
        print_ratios(new, old, args.against)


RATIOS = (
    ("index openings", "index_openings", "s", "s_cpu"),
    ("index candidates", "index_candidates", "s", "s_cpu"),
    ("top-20 openings (median)", "top20_openings", "median", "median_cpu"),
    ("top-50 candidates, all (median)", "top50_candidates", "median", "median_cpu"),
    ("top-50 candidates, one office (median)", "top50_office", "median", "median_cpu"),
    ("typeahead (p95)", "typeahead", "p95", "p95_cpu"),
)


def print_ratios(new: dict, old: dict, rev: str) -> None:
    """new/old per measure, wall and CPU time: at most 1.20 is the bar (no more than 20 % slower)."""
    print(f"\nagainst {rev} (run right after, same data): new/old, ≤ 1.20 passes")
    print(f"{'measure':<40} {'old':>9} {'new':>9} {'wall':>6} {'old cpu':>9} {'new cpu':>9} {'cpu':>6}")
    for label, key, wall, cpu in RATIOS:
        o, n = old[key], new[key]
        print(
            f"{label:<40} {o[wall]:9.2f} {n[wall]:9.2f} {n[wall] / o[wall]:6.2f} "
            f"{o[cpu]:9.2f} {n[cpu]:9.2f} {n[cpu] / o[cpu]:6.2f}"
        )


if __name__ == "__main__":
    main()
