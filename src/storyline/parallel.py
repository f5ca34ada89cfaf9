"""The analysis on several local processes, results handed back in input order.

`api.ingest(..., workers=N)` with N > 1 runs the per-article stage (`api._analyze_chunk`) on N
forked worker processes while this process stores the results and runs the passes of the
cross-article steps. What keeps both cores busy:

1. the model is loaded once here before the fork, so the workers share its pages and start
   analysing at once; the cyclic garbage collector is told to leave those objects alone
   (``gc.freeze``), so the workers neither scan them nor copy their pages;
2. results come back in input order (the same rowids, hence the same passes and the same store,
   as one worker), and the workers may run ahead of storing by a whole pass of the cross-article
   steps plus two chunks each (``window``), so they keep analysing while this process runs a pass;
3. the workers run at a lower priority (``WORKER_NICE``) than this process: storing and the passes
   are one process that must keep up with N workers (at 2,400 articles the passes cost nearly as
   much CPU as the analysis), so when it has work it gets a core and the workers share the rest;
4. the input is read a few chunks ahead, and once it ends the remaining articles are cut into
   smaller and smaller chunks (``shrinking_chunks``), so the workers finish together instead of
   one analysing a last full chunk while the other waits.

Chunks of different sizes give the same analyses (tests/test_parallel.py), so the store is the
same whatever the chunking.
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# how much lower the workers' priority is than the storing process's (see point 3 above): any
# positive value makes the storing process alone on a core the balanced placement on an otherwise
# idle machine; a small one takes little from the workers when other programs compete for the cores
WORKER_NICE = int(os.environ.get("STORYLINE_WORKER_NICE", "2"))
SMALLEST = 4  # the smallest chunk at the end of the input


def shrinking_chunks(items: Iterable[T], size: int, parts: int, smallest: int = SMALLEST) -> Iterator[list[T]]:
    """Chunks of ``size`` items, read ``parts`` chunks ahead; once the input ends, what is left is cut
    into chunks of about a ``parts``-th of it (never more than ``size``, never fewer than ``smallest``
    items), so the last chunks are small and ``parts`` / 2 workers finish close together.
    The items come out in input order, each once."""
    it = iter(items)
    buf: deque[T] = deque()
    ended = False
    while True:
        while not ended and len(buf) < size * (parts + 1):
            try:
                buf.append(next(it))
            except StopIteration:
                ended = True
        if not buf:
            return
        n = size if not ended else max(smallest, min(size, -(-len(buf) // parts)))
        yield [buf.popleft() for _ in range(min(n, len(buf)))]


def _lower_priority(nice: int) -> None:
    if nice > 0:
        try:
            os.nice(nice)
        except OSError:  # not permitted here: run at the same priority
            pass


def analysed(chunks: Iterable[list[Any]], work: Callable[..., list[Any]], args: tuple[Any, ...], workers: int,
             window: int, preload: Callable[[], Any] | None = None) -> Iterator[list[Any]]:
    """``work(chunk, *args)`` for every chunk, on ``workers`` processes, yielded in input order, with at
    most ``window`` chunks handed out and not yet yielded. ``preload`` runs here before the fork
    (the model load), so the forked workers share what it loaded."""
    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    # a caller that froze the collector itself (gctune.bulk_ingest) unfreezes it when it is done
    frozen_before = gc.get_freeze_count() > 0
    if ctx.get_start_method() == "fork":
        if preload is not None:
            preload()
        gc.freeze()  # what is loaded so far stays put: the workers' collector neither scans nor copies it
    try:
        with ctx.Pool(workers, initializer=_lower_priority, initargs=(WORKER_NICE,)) as pool:
            pending: deque[Any] = deque()
            source = iter(chunks)
            more = True
            while True:
                while more and len(pending) < window:  # top up before waiting, and before a pass
                    chunk = next(source, None)
                    if chunk is None:
                        more = False
                    else:
                        pending.append(pool.apply_async(work, (chunk, *args)))
                if not pending:
                    return
                yield pending.popleft().get()
    finally:
        if not frozen_before:
            gc.unfreeze()
