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


def gram_hash(gram: tuple[str, ...]) -> int:
    """A trigram as a signed 64-bit key, the same in every process (Python's hash() is not)."""
    return int.from_bytes(hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest(), "big", signed=True)


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
    with db:
        db.executemany("INSERT OR IGNORE INTO quote_grams VALUES (?,?)",
                       [(gram_hash(g), q.id) for q in new for g in grams[q.id]])
    pairs: set[tuple[str, str]] = set()
    for q in new:
        seen: Counter[str] = Counter()
        for g in grams[q.id]:
            holders = [r[0] for r in db.execute("SELECT quote_id FROM quote_grams WHERE hash=? LIMIT ?",
                                                (gram_hash(g), COMMON + 1))]
            if len(holders) > COMMON:
                continue  # a trigram found in very many quotes ("said that the") tells nothing
            seen.update(h for h in holders if h != q.id)
        pairs |= {(q.id, oid) for oid, n in seen.items() if n >= MIN_SHARED}
    by_id = {q.id: q for q in new}
    older = sorted({b for _, b in pairs} - by_id.keys())
    by_id |= {q.id: q for q in _rows(store, "id", older)}
    for qid in older:
        grams[qid] = trigrams(by_id[qid].text)
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

    for a, b in sorted(pairs):
        if same_words(grams[a], grams[b]) and compatible(by_id[a], by_id[b]):
            union(a, b)
    # the statements the matched quotes already belong to stay together, and are replaced
    involved = sorted(parent.keys() | set(parent.values()))
    old: dict[str, list[str]] = {}
    for k in range(0, len(involved), 500):
        part = involved[k:k + 500]
        for r in db.execute(f"SELECT DISTINCT s.id, s.quote_ids FROM statement_quotes sq JOIN statements s "
                            f"ON s.id = sq.statement_id WHERE sq.quote_id IN ({','.join('?' * len(part))})", part):
            old[r[0]] = json.loads(r[1])
    for ids in old.values():
        for qid in ids:
            union(ids[0], qid)
    missing = sorted({q for ids in old.values() for q in ids} - by_id.keys())
    by_id |= {q.id: q for q in _rows(store, "id", missing)}
    groups: dict[str, list[str]] = defaultdict(list)
    for qid in parent.keys() | set(parent.values()):
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
