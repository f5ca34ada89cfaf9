"""Garbage-collector settings for one bulk ingest process (the command line's `ingest`).

spaCy and the extractors allocate many short-lived container objects per report; with Python's
default threshold (700 allocations) the youngest generation is collected thousands of times per
corpus, and every collection also walks the long-lived objects the imports made (spaCy, thinc,
the model's vocab). `bulk_ingest()` moves what is alive at the start out of the collector's way
(`gc.freeze()`) and collects the youngest generation every 20,000 allocations instead. Cycles are
still collected; only the cadence changes. The previous settings come back on exit: the library
(`storyline.api`) never changes them for its callers.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = (20_000, 50, 100)


@contextmanager
def bulk_ingest() -> Iterator[None]:
    """Fewer collections for the length of a bulk ingest; the process's settings restored after."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
