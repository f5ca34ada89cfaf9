"""What event coding costs: ingest the same articles with and without events, side by side.

    python -m storyline.bench_events [PATH ...] [--rounds N]

Runs alternate (off, on, off, on, ...) into fresh databases so both see the same machine load,
and prints the median wall time and the median CPU time of this process for each, and their
ratios (the CPU ratio is the one to trust on a machine other jobs share: ingest runs in this
process with one worker). The default input is PolNeAR dev
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
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as work:
        for r in range(rounds):
            for events in (False, True):
                db = os.path.join(work, f"bench-{r}-{int(events)}.db")
                t0, c0 = time.perf_counter(), time.process_time()
                api.ingest(paths, db=db, events=events)
                wall[events].append(time.perf_counter() - t0)
                cpu[events].append(time.process_time() - c0)
    off, on = statistics.median(wall[False]), statistics.median(wall[True])
    coff, con = statistics.median(cpu[False]), statistics.median(cpu[True])
    return {"without_events_s": round(off, 3), "with_events_s": round(on, 3), "wall_ratio": round(on / off, 3),
            "without_events_cpu_s": round(coff, 3), "with_events_cpu_s": round(con, 3),
            "cpu_ratio": round(con / coff, 3), "rounds": rounds}


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
