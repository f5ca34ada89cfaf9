"""Where the CPU time of one `storyline ingest --workers 1` goes, stage by stage.

    python bench/stages.py CORPUS.jsonl [--json out.json]

Runs the ingest in this process with CPU timers around its stages (process CPU time, so other
load on the machine changes the numbers little): start-up (imports and model load), the spaCy
pipeline, storyline's extraction (analyze_doc), storing, and each cross-article step. The last
pass of the cross-article steps runs after every article is analysed, so with several workers it
cannot overlap with analysis; with start-up it is the serial part that bounds what a second
worker can give (``two_worker_bound``: Amdahl's law on 2 processors with that serial part, and
no better than the storing process's own work during the analysis allows, since that is one
process: ``main during analysis``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

T0 = time.process_time()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from storyline import analyze, api, claimgroups, event_clusters, gctune, statements, store, stories
from storyline.nlp import load

CPU: dict[str, float] = {}


def _timed(name: str, fn):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            CPU[name] = CPU.get(name, 0.0) + time.process_time() - t

    return wrapper


def _last_pass(fn):  # type: ignore[no-untyped-def]
    def wrapper(st, every=api.AGGREGATE_EVERY, final=True, **kw):  # type: ignore[no-untyped-def]
        t = time.process_time()
        try:
            return fn(st, every, final, **kw)
        finally:
            if final:
                CPU["last pass"] = CPU.get("last pass", 0.0) + time.process_time() - t

    return wrapper


def measure(corpus: str) -> dict:
    load()
    startup = time.process_time() - T0
    analyze.analyze_doc = _timed("extraction", analyze.analyze_doc)
    api._analyze_chunk = _timed("analysis", api._analyze_chunk)
    store.Store.write = _timed("store", store.Store.write)
    store.Store.resolve_dates = _timed("years", store.Store.resolve_dates)
    claimgroups.aggregate = _timed("claim groups", claimgroups.aggregate)
    event_clusters.aggregate = _timed("event clusters", event_clusters.aggregate)
    statements.aggregate = _timed("statements", statements.aggregate)
    stories.aggregate = _timed("stories", stories.aggregate)
    api.aggregate = _timed("cross-article", api.aggregate)
    api.catch_up = _last_pass(api.catch_up)
    with tempfile.TemporaryDirectory() as tmp, gctune.bulk_ingest():  # as `storyline ingest` runs it
        t = time.process_time()
        api.ingest([corpus], db=os.path.join(tmp, "stages.db"), workers=1)
        ingest = time.process_time() - t
    out = {"startup": startup, "spacy": CPU["analysis"] - CPU["extraction"], **CPU, "ingest": ingest,
           "total": startup + ingest}
    serial = startup + CPU.get("last pass", 0.0)
    out["serial"] = serial
    # with two workers, this process stores and runs the passes before the last one while the workers
    # analyse: one process, so it cannot take less than its own CPU time however many cores there are
    out["main during analysis"] = CPU.get("store", 0.0) + CPU.get("cross-article", 0.0) - CPU.get("last pass", 0.0)
    out["two_worker_bound"] = out["total"] / (serial + max((out["total"] - serial) / 2, out["main during analysis"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--json")
    args = ap.parse_args()
    res = measure(args.corpus)
    text = json.dumps({k: round(v, 3) for k, v in res.items()}, indent=1)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
