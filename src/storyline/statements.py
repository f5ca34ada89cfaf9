"""Statements: the same words quoted by several reports, gathered into one record.

Wire copy travels: an agency's quote reappears word for word in other outlets, or cut down to a
partial quote, or retold in indirect speech that keeps most of the words. A *statement* groups
the quotes that carry the same words from the same (or a compatible) speaker, and lists their
quote ids, so an analyst sees one statement with all its sources.

Matching, on normalised text (lower case, words only):

- two quotes match when they share at least ``MIN_SHARED`` word trigrams and those cover at
  least ``MIN_OVERLAP`` of the shorter quote's trigrams (a partial quote inside a longer one
  matches it);
- they are not one quote seen twice (a partial quote inside the reported speech holding it);
- their speakers are compatible: the same actor, or one of them has no speaker, or both are
  unnamed sources (each report names "a source" on its own);
- quotes of fewer than ``MIN_WORDS`` words are not matched (too generic to be the same words).

Only groups of two quotes or more become statements. The statement's id comes from its
smallest quote id, so the same quotes always give the same statement, in whatever order the
articles were ingested. :func:`aggregate` runs after a batch is stored, for the articles just
added: their quotes join existing statements, or form new ones with older quotes found through
the indexed trigram table ``quote_grams``.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .records import stable_id
from .store import Store

MIN_WORDS = 5
MIN_SHARED = 3
MIN_OVERLAP = 0.6
COMMON = 500


@dataclass(frozen=True)
class QuoteText:
    id: str
    article_id: str
    kind: str
    text: str
    speaker_id: str | None
    speaker_kind: str | None
    start: int = 0
    end: int = 0


def words(text: str) -> list[str]:
    """Lower-case words of a quote, without punctuation or quotation marks."""
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text.lower())


@lru_cache(maxsize=2048)  # wire copy: the same quote in many reports (bounded: ~6 MB at most)
def trigrams(text: str) -> frozenset[tuple[str, ...]]:
    w = words(text)
    return frozenset(tuple(w[i:i + 3]) for i in range(len(w) - 2))


def same_words(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    shared = len(a & b)
    return shared >= MIN_SHARED and shared >= MIN_OVERLAP * min(len(a), len(b))


def compatible(a: QuoteText, b: QuoteText) -> bool:
    if a.article_id == b.article_id and a.start < b.end and b.start < a.end:
        return False  # a partial quote inside the reported speech that holds it: one quote, not two
    if a.speaker_id is None or b.speaker_id is None or a.speaker_id == b.speaker_id:
        return True
    return a.speaker_kind == "unnamed_source" and b.speaker_kind == "unnamed_source"


_SELECT = ('SELECT q.id, q.article_id, q.kind, q.text, q.speaker_id, a.kind AS speaker_kind, q.start, q."end" '
           "FROM quotes q LEFT JOIN actors a ON a.id = q.speaker_id")


def _rows(store: Store, column: str, values: list[str]) -> list[QuoteText]:
    out: list[QuoteText] = []
    for k in range(0, len(values), 500):
        part = values[k:k + 500]
        out += [QuoteText(r["id"], r["article_id"], r["kind"], r["text"] or "", r["speaker_id"], r["speaker_kind"],
                          r["start"], r["end"])
                for r in store.rows(f"{_SELECT} WHERE q.{column} IN ({','.join('?' * len(part))})", tuple(part))]
    return out


@lru_cache(maxsize=32768)  # ~5 MB at most
def gram_hash(gram: tuple[str, ...]) -> int:
    """A trigram as a signed 64-bit key, the same in every process (Python's hash() is not)."""
    return int.from_bytes(hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest(), "big", signed=True)


class _Seen:
    """Answers of ``quote_grams`` kept while it does not change (the matching of a pass's new
    quotes): which trigrams are rare, and the quotes holding a set of trigrams (a quote reprinted
    word for word by several reports has the same set)."""

    def __init__(self) -> None:
        self.rare: dict[int, bool] = {}
        self.holders: dict[tuple[int, ...], list[str]] = {}


def _candidates(db: Any, hashes: list[int], own: str, seen: _Seen | None = None) -> list[str]:
    """Quotes sharing at least ``MIN_SHARED`` of these trigrams, those held by more than ``COMMON``
    quotes left out ("said that the" tells nothing); counted by SQLite, not in Python."""
    seen = _Seen() if seen is None else seen
    for h in hashes:
        if h not in seen.rare:
            seen.rare[h] = db.execute("SELECT count(*) FROM (SELECT 1 FROM quote_grams WHERE hash=? LIMIT ?)",
                                      (h, COMMON + 1)).fetchone()[0] <= COMMON
    rare = tuple(h for h in hashes if seen.rare[h])
    out = seen.holders.get(rare)
    if out is None:
        out = []
        for k in range(0, len(rare), 500):
            part = rare[k:k + 500]
            marks = ",".join("?" * len(part))
            out += [r[0] for r in db.execute(f"SELECT quote_id FROM quote_grams WHERE hash IN ({marks}) "
                                             "GROUP BY quote_id HAVING count(*) >= ?", (*part, MIN_SHARED))]
        seen.holders[rare] = out
    return sorted(o for o in out if o != own)


def aggregate(store: Store, article_ids: list[str]) -> None:
    """Gather the quotes of the articles just added into statements (incremental).

    Cost grows with the new quotes, not the store: each quote's trigrams are kept in
    ``quote_grams`` (indexed), so the older quotes that share words with a new one are looked up,
    not scanned, and ``statement_quotes`` says which statement an older quote is already in."""
    if not article_ids:
        return
    db = store.db
    new = [q for q in _rows(store, "article_id", sorted(set(article_ids))) if len(words(q.text)) >= MIN_WORDS]
    if not new:
        return
    grams = {q.id: trigrams(q.text) for q in new}
    hashes = {q.id: [gram_hash(g) for g in grams[q.id]] for q in new}
    with db:
        db.executemany("INSERT OR IGNORE INTO quote_grams VALUES (?,?)", [(h, q.id) for q in new for h in hashes[q.id]])
    seen = _Seen()  # quote_grams stays as it is while the new quotes are matched
    by_id = {q.id: q for q in new}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # the statements the older quotes already belong to, each joined once: a new quote that matches
    # one member of a statement is not compared with the others
    old: dict[str, list[str]] = {}
    in_statement: dict[str, str | None] = {}
    touched: set[str] = set()
    for q in new:
        others = _candidates(db, hashes[q.id], q.id, seen)
        unknown = sorted(set(others) - in_statement.keys())
        for k in range(0, len(unknown), 500):
            part = unknown[k:k + 500]
            found = dict(db.execute("SELECT sq.quote_id, sq.statement_id FROM statement_quotes sq WHERE sq.quote_id "
                                    f"IN ({','.join('?' * len(part))})", part).fetchall())
            for qid in part:
                in_statement[qid] = found.get(qid)
            for sid in sorted(set(found.values()) - old.keys()):
                row = db.execute("SELECT quote_ids FROM statements WHERE id=?", (sid,)).fetchone()
                old[sid] = json.loads(row[0]) if row else []
                for qid in old[sid]:
                    union(old[sid][0], qid)
        root = find(q.id)  # found again only after a union (find's path compression changes no root)
        for oid in others:
            if root == find(oid):
                continue
            if oid not in by_id:  # read when first compared: most candidates join through their statement
                by_id |= {o.id: o for o in _rows(store, "id", [oid])}
                grams[oid] = trigrams(by_id[oid].text)
            if same_words(grams[q.id], grams[oid]) and compatible(by_id[q.id], by_id[oid]):
                union(q.id, oid)
                root = find(q.id)
                touched.add(q.id)
    # only the statements a new quote joined are written again
    roots = {find(q) for q in touched}
    old = {sid: ids for sid, ids in old.items() if ids and find(ids[0]) in roots}
    missing = sorted({q for ids in old.values() for q in ids} - by_id.keys())
    by_id |= {q.id: q for q in _rows(store, "id", missing)}
    groups: dict[str, list[str]] = defaultdict(list)
    for qid in parent.keys() | set(parent.values()):
        if find(qid) in roots:
            groups[find(qid)].append(qid)
    with db:
        for sid, ids in old.items():
            db.execute("DELETE FROM statements WHERE id=?", (sid,))
            db.executemany("DELETE FROM statement_quotes WHERE quote_id=?", [(i,) for i in ids])
        for root in sorted(groups):
            ids = sorted(set(groups[root]))
            if len(ids) < 2:
                continue
            group = [by_id[i] for i in ids]
            speakers = Counter(q.speaker_id for q in group if q.speaker_id)
            speaker = speakers.most_common(1)[0][0] if speakers else None
            # the statement's words: the longest direct quote, else the longest quote
            best = max(group, key=lambda q: (q.kind == "direct", len(q.text), q.id))
            sid = stable_id("statement", ids[0])
            db.execute("INSERT OR REPLACE INTO statements VALUES (?,?,?,?)", (sid, best.text, speaker, json.dumps(ids)))
            db.executemany("INSERT OR REPLACE INTO statement_quotes VALUES (?,?)", [(i, sid) for i in ids])
