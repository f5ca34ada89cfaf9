"""What event coding costs: ingest the same articles with and without events, side by side.

    python -m storyline.bench_events [PATH ...] [--rounds N]

Runs alternate (off, on, off, on, ...) into fresh databases so both see the same machine load,
and prints the median time of each and their ratio. The default input is PolNeAR dev
(../shared/eval/polnear/dev/text). The budget in issue 5 is a ratio of at most 1.15.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

from . import api

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(paths: list[str], rounds: int = 3) -> dict[str, float]:
    api.analyze_texts(["Warm-up: the model loads once."])
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as work:
        for r in range(rounds):
            for events in (False, True):
                db = os.path.join(work, f"bench-{r}-{int(events)}.db")
                t0 = time.perf_counter()
                api.ingest(paths, db=db, events=events)
                times[events].append(time.perf_counter() - t0)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    return {"without_events_s": round(off, 3), "with_events_s": round(on, 3), "ratio": round(on / off, 3),
            "rounds": rounds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=[os.path.join(ROOT, "..", "shared", "eval", "polnear", "dev", "text")])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    res = run(args.paths, args.rounds)
    print(", ".join(f"{k}={v}" for k, v in res.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
