"""Stories: articles grouped by the development they report, built incrementally.

``aggregate(store, article_ids)`` runs after a batch is stored and touches only what the new
articles touch:

1. **Copied text.** Each paragraph, less its quotations (the speaker's words, the same in
   every honest report), is cut into hashed word 5-gram shingles
   (``paragraph_shingles``). A paragraph sharing at least half of its shingles with a paragraph
   of another article is a copy (agency background, reprint); the earliest published of the
   pair is the original, the others are marked in ``copied_paragraphs`` with their source.
   A copied paragraph is not independent corroboration: positions count each copy once.
2. **Clustering.** An article is a TF-IDF vector of its words (names weigh more). Document
   frequencies are kept incrementally (``term_df``) and each story keeps a centroid
   (``story_terms``, also an inverted index to find candidate stories). The article joins the
   most similar story whose dates lie within ``WINDOW_DAYS`` of its own, or starts a new one.
3. **Title and summary** of each touched story: the title of the article closest to the
   centroid, and an extractive summary of the lead sentences that best cover the centroid,
   taken from original (not copied) paragraphs.

Reading helpers (``timeline``, ``positions``) build a story's views from the stored records;
tables owned by other stages (events, statements) are read when present and treated as empty
when not.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from .errors import StoreError
from .lexicon import load_lexicon
from .records import stable_id

WINDOW_DAYS = 6          # an article joins a story active within this many days of its date
JOIN_THRESHOLD = 0.10    # cosine similarity to the story centroid needed to join it
TOP_TERMS = 40           # terms kept per article vector
CENTROID_TERMS = 80      # terms kept per story centroid
SHINGLE = 5              # words per shingle
COPY_SHARE = 0.5         # share of a paragraph's shingles found elsewhere that makes it a copy
HOLDERS = 30            # earliest holders of a shingle looked at when matching a paragraph
MIN_PARA_WORDS = 12      # shorter paragraphs are never called copies (datelines, sign-offs)
SUMMARY_SENTENCES = 3
CANDIDATES = 12          # stories compared in full with each new article
_DEBUG = False

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'\u2019-]+")
_PARA = re.compile(r"\n[ \t]*\n+")
_QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d")
_SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d']))\s+(?=[A-Z\"\u201c])")


# ---- text helpers --------------------------------------------------------------------------
def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph; blank lines separate paragraphs, or single
    line breaks when the text has no blank lines."""
    sep = _PARA if _PARA.search(text) else re.compile(r"\n+")
    out, pos = [], 0
    for m in list(sep.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        pos = m.end() if m else len(text)
    return out


def _norm_words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=2048)  # wire copy: the same paragraph in many reports (bounded: ~2 MB at most)
def shingles(text: str) -> frozenset[int]:
    """Hashed word 5-grams of a paragraph (signed 64-bit, to fit an SQLite INTEGER)."""
    w = _norm_words(text)
    out = set()
    for i in range(max(0, len(w) - SHINGLE + 1)):
        h = hashlib.blake2b(" ".join(w[i:i + SHINGLE]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(h, "big", signed=True))
    return frozenset(out)


def terms(title: str | None, text: str) -> dict[str, float]:
    """Term counts of an article: content words, names (capitalised) count more, the title twice."""
    stop = _stopwords()
    tf: dict[str, float] = defaultdict(float)
    for src, weight in ((title or "", 2.0), (text, 1.0)):
        for m in _WORD.finditer(src):
            w = m.group().lower().replace("\u2019", "'").strip("'-")
            if len(w) < 3 or w in stop:
                continue
            tf[w] += weight * (1.5 if m.group()[0].isupper() else 1.0)
    return tf


def _stopwords() -> frozenset[str]:
    return _STOP if _STOP else _load_stop()


_STOP: frozenset[str] = frozenset()


def _load_stop() -> frozenset[str]:
    global _STOP
    _STOP = frozenset(load_lexicon("stopwords"))
    return _STOP


def _date(s: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s) if s else None
    except ValueError:
        return None


def tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")}


# ---- aggregate -----------------------------------------------------------------------------
def pending(store: Any, upto: int | None = None, since: int = 0) -> list[str]:
    """Stored articles not yet in a story (those just added, or stored before stories existed), with a
    rowid in (``since``, ``upto``] when given (a pass of api.catch_up)."""
    return [r[0] for r in store.db.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM story_articles) AND rowid > ? AND rowid <= ? "
        "ORDER BY published, id", (since, upto if upto is not None else 2**63 - 1))]


def aggregate(store: Any, article_ids: list[str], defer_views: bool = False) -> None:
    """Mark copied paragraphs of, and assign to stories, the given (newly stored) articles.
    ``defer_views``: leave the stories' stored views to a later pass (``story_views.defer``)."""
    if not article_ids:
        return
    try:
        _aggregate(store.db, article_ids, defer_views)
    except sqlite3.Error as e:
        raise StoreError(f"grouping articles into stories failed in {store.path}: {e}; the articles are stored, "
                         "and the next `storyline ingest` groups them (check free disk space)") from None


def _aggregate(db: sqlite3.Connection, article_ids: list[str], defer_views: bool = False) -> None:
    q = ",".join("?" * len(article_ids))
    rows = db.execute(f"SELECT id, title, text, published, outlet FROM articles WHERE id IN ({q}) "
                      "ORDER BY published IS NULL, published, id", tuple(article_ids)).fetchall()
    from . import story_views

    since = story_views.mark(db)
    with db:
        recopied: set[str] = set()
        shared: dict[int, list[tuple[str, int]]] = {}  # see _mark_copies
        for r in rows:
            recopied |= _mark_copies(db, r["id"], r["text"], r["published"], shared)
        shared.clear()
        touched: set[str] = set()
        done = {a for (a,) in db.execute(f"SELECT article_id FROM story_articles WHERE article_id IN ({q})",
                                         tuple(article_ids))}
        kept = _Kept(db)
        for r in rows:
            if r["id"] in done:
                continue
            sid = _assign(db, r["id"], r["title"], r["text"], r["published"], kept)
            touched.add(sid)
            if r["outlet"]:
                db.execute("INSERT OR IGNORE INTO story_outlets VALUES (?,?)", (sid, r["outlet"]))
        for sid in sorted(touched):
            _describe(db, sid)
        # the stored views of the stories this pass changed (the cross-article steps before
        # this one included: see story_views)
        touched |= story_views.stories_of_articles(db, recopied)
        if defer_views:
            story_views.defer(db, touched)
        else:
            story_views.refresh(db, touched, since)
        # bounded statistics for the query planner, so the read-only API picks index plans
        db.execute("PRAGMA analysis_limit=400")
        db.execute("ANALYZE")


def _mark_copies(db: sqlite3.Connection, aid: str, text: str, published: str | None,
                 shared: dict[int, list[tuple[str, int]]] | None = None) -> set[str]:
    """Mark the copied paragraphs of one article; returns the other articles whose paragraphs
    it re-marked (as copies of this earlier original).

    ``shared`` (kept by the caller across the articles of a pass) remembers the earliest
    ``HOLDERS`` holders (article, paragraph start) of every shingle found already held: rows are
    only ever added to ``paragraph_shingles``, each with a larger rowid than all before, so those
    change only by the holders added since, which this function appends as it stores them. A
    repeated paragraph's shingles are read from SQLite once a pass, not once for every article
    repeating them; a shingle no one holds yet (most of them) is not kept."""
    shared = {} if shared is None else shared
    recopied: set[str] = set()
    first = True

    def rank(a: str, pub: str | None = None) -> tuple[str, str]:
        if pub is None and a != aid:
            row = db.execute("SELECT published FROM articles WHERE id=?", (a,)).fetchone()
            pub = row[0] if row else None
        return (pub or "9999", a)

    for s, e in paragraphs(text):
        # quoted words are the speaker's and are the same in every honest report; only the
        # outlet's own framing tells a copy
        para = _QUOTED.sub(" ", text[s:e])
        if len(para.split()) < MIN_PARA_WORDS:
            continue
        sh = sorted(shingles(para))
        if not sh:
            continue
        # already marked (a pass redone after a crash) if its first paragraph's shingles are stored:
        # a pass stores all of an article's or none; a primary-key lookup, where a lookup by
        # article_id alone would read the whole table
        if first and db.execute("SELECT 1 FROM paragraph_shingles WHERE hash=? AND article_id=? AND start=?",
                                (sh[0], aid, s)).fetchone():
            return recopied
        first = False
        # the earliest holders of each shingle: enough to find the original of a paragraph
        # reprinted a thousand times, at a bounded cost per paragraph
        unread = [h for h in sh if h not in shared]
        for i in range(0, len(unread), 200):
            part = unread[i:i + 200]
            one = (f"SELECT * FROM (SELECT hash, article_id, start FROM paragraph_shingles WHERE hash=? ORDER BY rowid "
                   f"LIMIT {HOLDERS})")
            for h, rows in groupby(db.execute(" UNION ALL ".join([one] * len(part)), part), key=itemgetter(0)):
                shared[h] = [(r[1], r[2]) for r in rows]
        matches: Counter[tuple[str, int]] = Counter(chain.from_iterable(shared[h] for h in sh if h in shared))
        db.executemany("INSERT OR IGNORE INTO paragraph_shingles VALUES (?,?,?)", [(h, aid, s) for h in sh])
        # none of this article's shingles was stored (see above) and its paragraphs start apart
        for h in sh:
            held = shared.get(h)
            if held is not None and len(held) < HOLDERS:
                held.append((aid, s))
        copies = sorted(k for k, n in matches.items() if n / len(sh) >= COPY_SHARE and k[0] != aid)
        if not copies:
            continue
        share = max(matches[k] for k in copies) / len(sh)
        # the original: the earliest published among the matches and their own sources
        cands = {(aid, s, published)}
        sources = _sources(db, copies)
        for oa, os_ in copies:
            src = sources.get((oa, os_))
            cands.add((src[0], src[1], None) if src else (oa, os_, None))
        # ties (a paragraph its source repeats) go to the first place it stands: never to set order
        orig = min(cands, key=lambda c: (*rank(c[0], c[2]), c[1]))
        if orig[0] != aid:
            db.execute("INSERT OR REPLACE INTO copied_paragraphs VALUES (?,?,?,?,?,?)",
                       (aid, s, e, orig[0], orig[1], round(share, 3)))
            continue
        # this report predates the paragraph's known original: it becomes the source of them all
        for oa, os_, _ in sorted(cands - {orig}):
            db.execute("UPDATE copied_paragraphs SET source_article_id=?, source_start=? WHERE source_article_id=? "
                       "AND source_start=?", (aid, s, oa, os_))
            db.execute("INSERT OR REPLACE INTO copied_paragraphs VALUES (?,?,?,?,?,?)",
                       (oa, os_, _para_end(db, oa, os_), aid, s, round(share, 3)))
        # every copy of the paragraph now names this report as its source
        recopied |= {r[0] for r in db.execute("SELECT article_id FROM copied_paragraphs WHERE source_article_id=? "
                                              "AND source_start=?", (aid, s))}
    return recopied


def _sources(db: sqlite3.Connection, paras: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, int]]:
    """(article, start) -> the source its copied_paragraphs row names, for those of these paragraphs
    that have one: read by their key, a few hundred at a time (one query per paragraph cost 15,598
    queries in a pass of the bench corpus, whose paragraphs each have up to HOLDERS copies)."""
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for k in range(0, len(paras), 400):
        part = paras[k:k + 400]
        # joined from the list (CROSS JOIN: through the key; "(article_id, start) IN (VALUES ...)" scans the table)
        out.update(((r[0], r[1]), (r[2], r[3])) for r in db.execute(
            f"SELECT c.article_id, c.start, c.source_article_id, c.source_start FROM (VALUES {','.join(['(?,?)'] * len(part))}) "
            "AS v CROSS JOIN copied_paragraphs c ON c.article_id=v.column1 AND c.start=v.column2",
            [x for p in part for x in p]))
    return out


def _para_end(db: sqlite3.Connection, aid: str, start: int) -> int:
    row = db.execute("SELECT text FROM articles WHERE id=?", (aid,)).fetchone()
    for s, e in paragraphs(row[0] if row else ""):
        if s == start:
            return e
    return start


class _Kept:
    """What story assignment reads of the store, kept across the articles of one pass: how many
    articles are in stories, the document frequency of each term looked at, and the centroid of
    each story looked at (by term, the order SQLite returns them in through the primary key).
    _assign writes every change to the store and here alike, so what is kept is what a read would
    answer; it saves reading a candidate story's 80 terms and their frequencies again for every
    article compared with it."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.members = db.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        self.df: dict[str, int] = {}
        self.centroids: dict[str, dict[str, float]] = {}

    def read_df(self, terms_: Iterable[str]) -> None:
        unread = [t for t in dict.fromkeys(terms_) if t not in self.df]
        for i in range(0, len(unread), 500):
            part = unread[i:i + 500]
            self.df.update((t, 0) for t in part)
            self.df.update(self.db.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(part))})",
                                           part))

    def add_document(self, terms_: list[str]) -> None:
        self.read_df(terms_)
        self.db.executemany("INSERT INTO term_df VALUES (?,1) ON CONFLICT(term) DO UPDATE SET df=df+1",
                            [(t,) for t in terms_])
        for t in terms_:
            self.df[t] += 1

    def centroid(self, sid: str) -> dict[str, float]:
        if sid not in self.centroids:
            self.centroids[sid] = dict(self.db.execute(
                "SELECT term, weight FROM story_terms WHERE story_id=? ORDER BY term", (sid,)))
        return self.centroids[sid]

    def set_centroid(self, sid: str, keep: list[tuple[str, float]]) -> None:
        self.db.execute("DELETE FROM story_terms WHERE story_id=?", (sid,))
        self.db.executemany("INSERT INTO story_terms VALUES (?,?,?)", [(sid, t, w) for t, w in keep])
        self.centroids[sid] = dict(sorted(keep))


def _unit(v: dict[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {k: x / n for k, x in v.items()}


def _assign(db: sqlite3.Connection, aid: str, title: str | None, text: str, published: str | None,
            kept: _Kept | None = None) -> str:
    kept = _Kept(db) if kept is None else kept
    tf = terms(title, text)
    n_docs = kept.members + 1
    kept.add_document(list(tf))
    idf = {t: math.log((n_docs + 1) / (kept.df[t] + 1)) + 1 for t in tf}
    vec = dict(sorted(((t, (1 + math.log(c)) * idf[t]) for t, c in tf.items()), key=lambda x: (-x[1], x[0]))[:TOP_TERMS])
    vec = _unit(vec)
    best, best_sim = None, 0.0
    if vec:
        keys = list(vec)
        # candidates: stories sharing the article's strongest terms, active within the window
        window = ("" if not _date(published) else
                  " AND (s.first_date IS NULL OR (s.first_date <= date(:d, :plus) AND s.last_date >= date(:d, :minus)))")
        cands = db.execute(
            f"SELECT st.story_id, sum(st.weight) AS w FROM story_terms st JOIN stories s ON s.id=st.story_id "
            f"WHERE st.term IN ({','.join(f':t{i}' for i in range(len(keys)))}){window} "
            "GROUP BY st.story_id ORDER BY w DESC, st.story_id LIMIT :n",
            {**{f"t{i}": k for i, k in enumerate(keys)}, "d": published, "plus": f"+{WINDOW_DAYS} days",
             "minus": f"-{WINDOW_DAYS} days", "n": CANDIDATES}).fetchall()
        cents = [(c[0], kept.centroid(c[0])) for c in cands]
        kept.read_df(t for _, cent in cents for t in cent)
        for csid, cent in cents:
            cv = _unit({t: w * (math.log((n_docs + 1) / (kept.df[t] + 1)) + 1) for t, w in cent.items()})
            sim = sum(x * cv.get(t, 0.0) for t, x in vec.items())
            if _DEBUG:
                print(aid, csid, round(sim, 3))
            if sim > best_sim or (sim == best_sim and best is not None and csid < best):
                best, best_sim = csid, sim
    if best is None or best_sim < JOIN_THRESHOLD:
        sid = stable_id("story", aid)
        db.execute("INSERT OR IGNORE INTO stories VALUES (?,?,?,?,?)", (sid, title, "", published, published))
    else:
        sid = best
        if published:
            db.execute("UPDATE stories SET first_date=min(COALESCE(first_date, :d), :d), "
                       "last_date=max(COALESCE(last_date, :d), :d) WHERE id=:s", {"d": published, "s": sid})
    db.execute("INSERT OR REPLACE INTO story_articles VALUES (?,?)", (aid, sid))
    kept.members += 1  # the caller assigns only articles in no story yet
    # centroid: sum of the members' unit term-frequency vectors, the strongest terms kept
    raw = _unit({t: 1 + math.log(c) for t, c in tf.items() if t in vec})
    cent = dict(kept.centroid(sid))
    for t, w in raw.items():
        cent[t] = cent.get(t, 0.0) + w
    kept.set_centroid(sid, sorted(cent.items(), key=lambda x: (-x[1], x[0]))[:CENTROID_TERMS])
    return sid


def _describe(db: sqlite3.Connection, sid: str) -> None:
    """Dates, title and extractive summary of one story from its members."""
    first, last, n = db.execute(
        "SELECT min(a.published), max(a.published), count(*) FROM story_articles sa JOIN articles a ON a.id=sa.article_id "
        "WHERE sa.story_id=?", (sid,)).fetchone()
    cent = {t: w for t, w in db.execute("SELECT term, weight FROM story_terms WHERE story_id=?", (sid,))}
    # the earliest and the latest members are enough to describe a long story
    members = db.execute(
        "SELECT a.id, a.title, a.text, a.published, a.body_start FROM story_articles sa JOIN articles a ON a.id=sa.article_id "
        "WHERE sa.story_id=? ORDER BY a.published IS NULL, a.published, a.id", (sid,)).fetchall()
    if len(members) > 30:
        members = members[:15] + members[-15:]

    def cover(words: list[str]) -> float:
        seen = set(words)
        return sum(cent.get(w, 0.0) for w in seen) / math.sqrt(len(words) + 5)

    title, best = None, -1.0
    cands: list[tuple[float, str, str, int]] = []
    for m in members:
        tw = [w for w in _norm_words(m["title"] or "")]
        sc = cover(tw) if tw else -1.0
        if m["title"] and sc > best:
            title, best = m["title"], sc
        copied = [(r[0], r[1]) for r in db.execute('SELECT start, "end" FROM copied_paragraphs WHERE article_id=?',
                                                   (m["id"],))]
        text = m["text"]
        body = m["body_start"] or 0
        paras = [(max(ps, body), pe) for ps, pe in paragraphs(text) if pe > body][:4]
        for i, (s, e) in enumerate(paras):
            if any(cs <= s < ce for cs, ce in copied):
                continue
            for sent in _SENT.split(text[s:e])[:2]:
                sent = " ".join(sent.split())
                if sent.count("\"") % 2 or sent.count("\u201c") != sent.count("\u201d"):
                    continue
                words = _norm_words(sent)
                if 8 <= len(words) <= 60 and not sent.startswith(("\"", "\u201c")):
                    weight = (1.0 if i == 0 else 0.8) * (1.0 if m["published"] else 0.5)
                    cands.append((cover(words) * weight, m["published"] or "", sent, len(cands)))
    # the lead of the earliest dated report opens the summary; the best-covering sentences follow
    leads = [c for c in cands if c[1]]
    chosen: list[tuple[float, str, str, int]] = [min(leads, key=lambda c: (c[1], c[3]))] if leads else []
    for c in sorted(cands, key=lambda c: (-c[0], c[3])):
        if c in chosen:
            continue
        ws = set(_norm_words(c[2]))
        if any(len(ws & set(_norm_words(o[2]))) / max(1, len(ws)) > 0.5 for o in chosen):
            continue
        chosen.append(c)
        if len(chosen) == SUMMARY_SENTENCES:
            break
    summary = " ".join(_strip_dateline(c[2]) for c in sorted(chosen, key=lambda c: (c[1], c[3])))
    db.execute("UPDATE stories SET title=?, summary=?, first_date=?, last_date=? WHERE id=?",
               (title or (summary[:80] if summary else f"Story of {n} articles"), summary, first, last, sid))


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+[,.]\s+[^-\u2014\u2013]{0,40}?[-\u2014\u2013]\s+")


def _strip_dateline(s: str) -> str:
    return _DATELINE.sub("", s, count=1)


# ---- reading -------------------------------------------------------------------------------
def copied_map(db: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Copied paragraphs per article: start, end, source article id, outlet and title."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not article_ids or "copied_paragraphs" not in tables(db):
        return out
    q = ",".join("?" * len(article_ids))
    for r in db.execute(f'SELECT c.article_id, c.start, c."end", c.source_article_id, c.overlap, a.outlet, a.title '
                        f"FROM copied_paragraphs c LEFT JOIN articles a ON a.id=c.source_article_id "
                        f"WHERE c.article_id IN ({q}) ORDER BY c.article_id, c.start", tuple(article_ids)):
        out[r[0]].append({"start": r[1], "end": r[2], "source_article_id": r[3], "overlap": r[4],
                          "source_outlet": r[5], "source_title": r[6]})
    return out


def in_copied(copied: list[dict[str, Any]], start: int) -> dict[str, Any] | None:
    for c in copied:
        if c["start"] <= start < c["end"]:
            return c
    return None


def story_article_ids(db: sqlite3.Connection, sid: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT sa.article_id FROM story_articles sa JOIN articles a ON a.id=sa.article_id WHERE sa.story_id=? "
        "ORDER BY a.published IS NULL, a.published, a.id", (sid,))]


def positions(db: sqlite3.Connection, sid: str, min_outlets: int = 2, ids: list[str] | None = None,
              copied: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Positions each actor repeats across the story: similar quotes of one speaker grouped,
    counted by independent outlets (a quote inside a copied paragraph is not a new outlet).
    ``ids`` and ``copied`` (the story's articles and their copied paragraphs) are read when not given."""
    ids = story_article_ids(db, sid) if ids is None else ids
    if not ids:
        return []
    copied = copied_map(db, ids) if copied is None else copied
    q = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT q.id, q.article_id, q.text, q.kind, q.start, q.speaker_id, ac.name, a.outlet, a.published "
        f"FROM quotes q JOIN actors ac ON ac.id=q.speaker_id JOIN articles a ON a.id=q.article_id "
        f"WHERE q.article_id IN ({q}) AND ac.kind != 'unnamed_source' ORDER BY a.published, q.article_id, q.start",
        tuple(ids)).fetchall()
    stop = _stopwords()
    by_speaker: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by_speaker[r["speaker_id"]].append(r)
    out = []
    for spk, qs in by_speaker.items():
        groups: list[dict[str, Any]] = []
        for r in qs:
            words = {w for w in _norm_words(r["text"]) if w not in stop and len(w) > 2}
            if len(words) < 3:
                continue
            for g in groups:
                if len(words & g["words"]) / min(len(words), len(g["words"])) >= 0.5:
                    break
            else:
                g = {"words": set(), "quotes": []}
                groups.append(g)
            g["words"] |= words
            g["quotes"].append(r)
        for g in groups:
            indep = {r["outlet"] or r["article_id"] for r in g["quotes"]
                     if not in_copied(copied.get(r["article_id"], []), r["start"])}
            copies = sum(1 for r in g["quotes"] if in_copied(copied.get(r["article_id"], []), r["start"]))
            if len(indep) < min_outlets:
                continue
            rep = min(g["quotes"], key=lambda r: (len(r["text"]), r["id"]))
            out.append({"actor_id": spk, "actor": rep["name"], "position": rep["text"], "outlets": sorted(indep),
                        "n_outlets": len(indep), "copies": copies, "quote_ids": [r["id"] for r in g["quotes"]],
                        "article_id": g["quotes"][0]["article_id"],
                        "first_date": g["quotes"][0]["published"], "last_date": g["quotes"][-1]["published"]})
    out.sort(key=lambda p: (-p["n_outlets"], p["actor"], p["position"]))
    return out


def timeline(db: sqlite3.Connection, sid: str, limit: int = 400, ids: list[str] | None = None,
             copied: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Events and statements (direct quotes, or issue-3 statements when stored) of a story by date."""
    ids = story_article_ids(db, sid) if ids is None else ids
    if not ids:
        return []
    have = tables(db)
    q = ",".join("?" * len(ids))
    items: list[dict[str, Any]] = []
    copied = copied_map(db, ids) if copied is None else copied
    for r in db.execute(f"SELECT id, title, outlet, published FROM articles WHERE id IN ({q})", tuple(ids)):
        items.append({"kind": "article", "date": r["published"], "article_id": r["id"], "id": r["id"],
                      "text": r["title"] or "(untitled)", "outlet": r["outlet"], "who": r["outlet"]})
    if "events" in have:
        for r in db.execute(
                f"SELECT e.id, e.article_id, e.start, e.event_type, e.mode, e.actor_text, e.recipient_text, e.trigger, "
                f"e.status, COALESCE(e.date, a.published) AS d, a.outlet, {_SNIPPET} AS snippet, "
                f"ac.name AS actor_name, rc.name AS recipient_name FROM events e JOIN articles a ON a.id=e.article_id "
                f"LEFT JOIN actors ac ON ac.id=e.actor_id LEFT JOIN actors rc ON rc.id=e.recipient_id "
                f"WHERE e.article_id IN ({q})", tuple(ids)):
            who = r["actor_name"] or r["actor_text"] or "?"
            whom = r["recipient_name"] or r["recipient_text"]
            items.append({"kind": "event", "date": r["d"], "article_id": r["article_id"], "id": r["id"],
                          "event_type": r["event_type"], "status": r["status"], "who": who, "whom": whom,
                          "text": r["snippet"] if r["start"] is not None else r["trigger"],
                          "outlet": r["outlet"],
                          "copied": bool(in_copied(copied.get(r["article_id"], []), r["start"] or 0))})
    quotes = {r["id"]: r for r in db.execute(
        f"SELECT q.id, q.article_id, q.text, q.start, q.kind, a.published, a.outlet, ac.name FROM quotes q "
        f"JOIN articles a ON a.id=q.article_id LEFT JOIN actors ac ON ac.id=q.speaker_id "
        f"WHERE q.article_id IN ({q}) AND q.speaker_id IS NOT NULL", tuple(ids))}
    covered: set[str] = set()
    if "statements" in have:
        # issue-3 statements: one entry per statement, dated by its earliest quote in the story
        for st in _statements_of(db, have, list(quotes)):
            mine = sorted((quotes[x] for x in json.loads(st["quote_ids"] or "[]") if x in quotes),
                          key=lambda r: (r["published"] or "9999", r["article_id"], r["start"]))
            if not mine:
                continue
            covered.update(r["id"] for r in mine)
            first = mine[0]
            items.append({"kind": "statement", "date": first["published"], "article_id": first["article_id"],
                          "id": first["id"], "statement_id": st["id"], "who": st["name"] or first["name"],
                          "text": st["text"] or first["text"], "outlet": first["outlet"],
                          "outlets": sorted({r["outlet"] for r in mine if r["outlet"]}),
                          "copied": bool(in_copied(copied.get(first["article_id"], []), first["start"]))})
    for r in quotes.values():
        if r["kind"] != "direct" or r["id"] in covered:
            continue
        items.append({"kind": "statement", "date": r["published"], "article_id": r["article_id"], "id": r["id"],
                      "who": r["name"], "text": r["text"], "outlet": r["outlet"],
                      "copied": bool(in_copied(copied.get(r["article_id"], []), r["start"]))})
    order = {"article": 0, "event": 1, "statement": 2}
    items.sort(key=lambda i: (i["date"] or "9999", i["article_id"], order[i["kind"]], i["id"]))
    return items[:limit]


# an event's words in its article, at most 300 characters (text[start:end][:300]), cut in SQL: reading the
# whole article text for each event was half the cost of a long story's timeline
_SNIPPET = ('substr(COALESCE(a.text, \'\'), e.start + 1, CASE WHEN e."end" IS NULL THEN 300 '
            'ELSE max(0, min(e."end", e.start + 300) - e.start) END)')


def _statements_of(db: sqlite3.Connection, have: set[str], quote_ids: list[str]) -> list[sqlite3.Row]:
    """The statements holding some of these quotes, by id: looked up through ``statement_quotes``
    when the statements stage keeps it, else every statement is read."""
    sql = "SELECT s.id, s.text, s.quote_ids, ac.name FROM statements s LEFT JOIN actors ac ON ac.id=s.speaker_id"
    if "statement_quotes" not in have or not db.execute("SELECT 1 FROM statement_quotes LIMIT 1").fetchone():
        return db.execute(sql + " ORDER BY s.id").fetchall()
    sids: set[str] = set()
    for k in range(0, len(quote_ids), 500):
        part = quote_ids[k:k + 500]
        sids |= {r[0] for r in db.execute(
            f"SELECT statement_id FROM statement_quotes WHERE quote_id IN ({','.join('?' * len(part))})", part)}
    ids = sorted(sids)
    return db.execute(sql + f" WHERE s.id IN ({','.join('?' * len(ids)) or 'NULL'}) ORDER BY s.id", ids).fetchall()


def story_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every story with its article ids, for the export."""
    if "stories" not in tables(db):
        return []
    members: dict[str, list[str]] = defaultdict(list)
    for a, s in db.execute("SELECT article_id, story_id FROM story_articles ORDER BY article_id"):
        members[s].append(a)
    return [{"type": "story", "id": r[0], "title": r[1], "summary": r[2], "article_ids": members.get(r[0], []),
             "first_date": r[3], "last_date": r[4]}
            for r in db.execute("SELECT id, title, summary, first_date, last_date FROM stories ORDER BY id")]


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
