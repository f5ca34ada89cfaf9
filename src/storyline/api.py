"""The Python API. The CLI (and any other front end) calls these functions and nothing else.

>>> from storyline import api
>>> report = api.ingest(["reports/"], db="storyline.db")
>>> report.added, report.failed
>>> for rec in api.export_records("storyline.db"): ...
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import claimgroups, statements, stories, story_views
from .analyze import analyze_batch
from .errors import InputError, StorylineError
from .ingest import RawInput, Skipped, build_article, expand, read
from .records import Analysis, Article, Failure
from .store import Store

DEFAULT_DB = "storyline.db"
CHUNK = 16
# articles stored between two passes of the cross-article steps (catch_up); STORYLINE_AGGREGATE_EVERY sets it
AGGREGATE_EVERY = int(os.environ.get("STORYLINE_AGGREGATE_EVERY", "128"))


@dataclass
class IngestReport:
    """What an ingest did: counts, and every input that failed with its reason."""

    seen: int = 0
    added: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    quotes: int = 0
    claims: int = 0
    events: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)


def _analyze_chunk(arts: list[Article], events: bool = True) -> list[Analysis | Failure]:
    """Analyse a chunk; if the batch fails, retry article by article so one bad one is isolated."""
    try:
        return list(analyze_batch(arts, events=events))
    except Exception:  # noqa: BLE001 - isolate the article that breaks the batch
        out: list[Analysis | Failure] = []
        for a in arts:
            try:
                out.extend(analyze_batch([a], events=events))
            except Exception as e:  # noqa: BLE001
                out.append(Failure(a.path, f"analysis failed ({type(e).__name__}: {e}); please report this "
                                           "with the file attached"))
        return out


def _store_results(store: Store, report: IngestReport, results: Iterable[Analysis | Failure],
                   progress: Callable[[int, str], None] | None, every: int = AGGREGATE_EVERY) -> None:
    for r in results:
        if isinstance(r, Failure):
            report.failures.append(r)
            store.record_failure(r.path, r.reason)
        elif store.write(r):
            report.added += 1
            report.quotes += len(r.quotes)
            report.claims += len(r.claims)
            report.events += len(r.events)
            if _top(store) % every == 0:
                # a pass of the cross-article steps every `every` articles; the stored story views
                # are brought up to date once, by the ingest's last pass (story_views.defer)
                catch_up(store, every, final=False, defer_views=True)
        else:
            report.unchanged += 1
        if progress:
            progress(1, r.path if isinstance(r, Failure) else r.article.path)


def _since_last_pass(store: Store, key: str, upto: int | None = None) -> list[str]:
    """Articles stored since the pass named ``key`` last ran (a rowid mark in ``meta``), up to rowid
    ``upto``: a run killed between storing and aggregating leaves its articles here for the next run."""
    row = store.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return [r[0] for r in store.rows("SELECT id FROM articles WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                                     (int(row[0]) if row else 0, _top(store) if upto is None else upto))]


def _top(store: Store) -> int:
    return int(store.db.execute("SELECT COALESCE(max(rowid), 0) FROM articles").fetchone()[0])


def aggregate(store: Store, upto: int | None = None, defer_views: bool = False) -> None:
    """The cross-article steps for the articles stored since each step last ran, up to rowid ``upto``
    (every stored article when None): years re-decided against the corpus, then claim groups, event
    clusters, statements and stories. Each step is idempotent and keeps its own mark, so a pass
    killed half-way is finished by the next one."""
    from .event_clusters import aggregate as aggregate_events

    upto = _top(store) if upto is None else upto
    store.resolve_dates(upto=upto)
    claimgroups.aggregate(store, claimgroups.pending(store, upto), upto)
    todo = _since_last_pass(store, "aggregated_rowid", upto)
    aggregate_events(store, todo)
    statements.aggregate(store, todo)
    # every article up to the stories mark is in a story (none: a store older than the mark, read whole once)
    row = store.db.execute("SELECT value FROM meta WHERE key='stories_rowid'").fetchone()
    stories.aggregate(store, stories.pending(store, upto, int(row[0]) if row else 0), defer_views)
    with store.db:  # after stories: a pass killed in any step is redone whole, each step skipping what it did
        store.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [("aggregated_rowid", str(upto)), ("stories_rowid", str(upto))])


def _aggregated(store: Store) -> int:
    """The rowid up to which every cross-article step has run."""
    marks = dict(store.db.execute("SELECT key, value FROM meta WHERE key IN ('aggregated_rowid', "
                                  "'claim_groups_rowid')").fetchall())
    return min(int(marks.get("aggregated_rowid", 0)), int(marks.get("claim_groups_rowid", 0)))


def catch_up(store: Store, every: int = AGGREGATE_EVERY, final: bool = True, defer_views: bool = False) -> None:
    """Run the cross-article steps over the stored articles in passes of ``every`` articles, at rowids
    that are multiples of ``every``, then (``final``) over the rest. Memory is bounded by a pass, not by
    the batch, and the passes fall at the same rowids however often an ingest was interrupted and
    rerun, so a rerun after a crash builds the same store as a clean run. ``defer_views``: the passes
    leave the stored story views to the next pass that does not (see ``story_views.defer``); a
    ``final`` catch-up builds those left."""
    top, done = _top(store), _aggregated(store)
    bound = (done // every + 1) * every
    while bound <= top:
        aggregate(store, bound, defer_views)
        bound += every
    if final and _aggregated(store) < top:
        aggregate(store, top)
    if final:
        story_views.settle(store.db)  # views a pass deferred, when no pass was left to build them


def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest(paths: Iterable[str], db: str = DEFAULT_DB, workers: int = 1,
           progress: Callable[[int, str], None] | None = None, events: bool = True,
           knowledge: list[str] | None = None) -> IngestReport:
    """Read, analyse and store every article under ``paths``. Never raises for one bad input.

    ``events=False`` skips event coding (to measure its cost); ``knowledge`` adds the user's
    knowledge files (see storyline.knowledge) to the bundled one.
    """
    from . import knowledge as _knowledge

    _knowledge.use(knowledge)
    store = Store(db)
    report = IngestReport()
    # the per-article stage does not read the store, so an article gets the same record whatever
    # was stored before (a rerun after a crash equals a clean run); the corpus's years are applied
    # after the batch, by aggregate() -> store.resolve_dates()

    def articles() -> Iterator[Article]:
        seen_ids: set[str] = set()
        for path in expand(paths):
            for item in read(path):
                if isinstance(item, Skipped):
                    report.skipped.append(item.path)
                    continue
                report.seen += 1
                if isinstance(item, InputError):
                    report.failures.append(Failure(item.path, item.reason))
                    store.record_failure(item.path, item.reason)
                    if progress:
                        progress(1, item.path)
                    continue
                art = build_article(item)
                if art.id in seen_ids or store.has_article(art.id):
                    report.unchanged += 1
                    if progress:
                        progress(1, art.path)
                    continue
                seen_ids.add(art.id)
                yield art

    def handle(results: list[Analysis | Failure]) -> None:
        _store_results(store, report, results, progress)

    # what a killed run stored and did not aggregate, in the same passes, deferring views as that run did
    catch_up(store, final=False, defer_views=True)

    chunks = _chunks(articles(), CHUNK)
    if workers <= 1:
        for chunk in chunks:
            handle(_analyze_chunk(chunk, events))
    else:
        # the workers share the model loaded here, run ahead of storing by a pass, and finish together
        from . import parallel
        from .nlp import load

        window = 2 * workers + max(1, AGGREGATE_EVERY // CHUNK)
        for results in parallel.analysed(parallel.shrinking_chunks(articles(), CHUNK, 2 * workers), _analyze_chunk,
                                         (events,), workers, window, preload=load):
            handle(results)
    catch_up(store)
    store.close()
    return report


def analyze_texts(texts: Iterable[str | dict[str, Any]]) -> list[Analysis]:
    """Analyse texts (or {text, id?, title?, outlet?, published?} dicts) without a store."""
    raws = []
    for i, t in enumerate(texts):
        if isinstance(t, str):
            raws.append(RawInput(path=f"text-{i}", text=t))
        else:
            raws.append(RawInput(path=str(t.get("id") or f"text-{i}"), text=t["text"],
                                 meta={k: t[k] for k in ("id", "title", "url", "outlet", "published") if t.get(k)}))
    return list(analyze_batch([build_article(r) for r in raws]))


def export_records(db: str = DEFAULT_DB) -> Iterator[dict[str, Any]]:
    from .export import records

    store = Store(db, readonly=True)
    try:
        yield from records(store)
    finally:
        store.close()


def summary(db: str = DEFAULT_DB) -> dict[str, Any]:
    """Counts, top speakers and figures, for `storyline show`."""
    store = Store(db, readonly=True)
    try:
        out: dict[str, Any] = {"counts": store.counts()}
        out["articles"] = [dict(r) for r in store.rows(
            "SELECT a.path, a.outlet, a.published, a.published_source, a.title, "
            "(SELECT count(*) FROM quotes q WHERE q.article_id=a.id) AS quotes, "
            "(SELECT count(*) FROM claims c WHERE c.article_id=a.id) AS claims FROM articles a ORDER BY a.path")]
        out["speakers"] = [dict(r) for r in store.rows(
            "SELECT ac.name, ac.kind, count(*) AS quotes, count(DISTINCT q.article_id) AS articles "
            "FROM quotes q JOIN actors ac ON ac.id=q.speaker_id GROUP BY ac.id ORDER BY quotes DESC, ac.name LIMIT 15")]
        out["claims"] = [dict(r) for r in store.rows(
            "SELECT c.counts, c.qualifier, c.value, c.low, c.high, c.as_of, ac.name AS claimed_by, a.outlet, a.path "
            "FROM claims c JOIN articles a ON a.id=c.article_id LEFT JOIN actors ac ON ac.id=c.claimed_by_id "
            "ORDER BY c.counts, c.as_of, c.value LIMIT 40")]
        out["failures"] = [dict(r) for r in store.rows("SELECT path, reason FROM failures ORDER BY path")]
        return out
    finally:
        store.close()


def claims(db: str = DEFAULT_DB, counts: str | None = None) -> dict[str, Any]:
    """Claims by counted thing, source and date, with the claim groups' verdicts (`storyline claims`)."""
    store = Store(db, readonly=True)
    try:
        return claimgroups.table(store, counts)
    finally:
        store.close()
def load(folder: str, db: str = DEFAULT_DB, progress: Callable[[int, str], None] | None = None) -> IngestReport:
    """Merge a Parquet folder into the store: the partitions of `ingest --engine ray` (each
    analysis written as a local ingest would, actors resolved across articles) and/or the
    tables of `export --format parquet`. Idempotent: loading the same folder twice adds nothing."""
    from . import scale, tables
    from .errors import StorylineError

    if not os.path.isdir(folder) or not (scale.has_analyses(folder) or tables.has_tables(folder)):
        raise StorylineError(f"{folder} holds no storyline Parquet (no {scale.ANALYSES_DIR}/ or {tables.TABLES_DIR}/ "
                             "folder); pass the -o folder of `ingest --engine ray` or `export --format parquet`")
    store = Store(db)
    report = IngestReport()
    try:
        if tables.has_tables(folder):
            added = tables.import_tables(store, folder)
            report.added += added.get("articles", 0)
            report.quotes += added.get("quotes", 0)
            report.claims += added.get("claims", 0)
        if scale.has_analyses(folder):
            rows = scale.analysis_rows(folder)
            _store_results(store, report, (Failure(r["path"], r["error"]) if r["error"] is not None
                                           else scale.decode(r["analysis"]) for r in rows), progress)
            report.seen = report.added + report.unchanged + report.failed
        catch_up(store)
    finally:
        store.close()
    return report


def refresh_views(db: str = DEFAULT_DB) -> int:
    """Build every stored story view that is missing, waiting for a rebuild, or of another storyline
    version, and return how many stories were built. Ingests rebuild only a few per pass, so after an
    upgrade (views of an older version are ignored) story pages are computed per request until this
    runs; `storyline views` calls it."""
    if not os.path.exists(db):
        raise StorylineError(f"no database at {db}: give the store to refresh with --db")
    from . import story_views

    store = Store(db)
    try:
        return story_views.backfill(store.db)
    finally:
        store.close()
