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
added: their quotes join existing statements, or form new ones with older quotes.
"""
from __future__ import annotations

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


def _quotes(store: Store) -> list[QuoteText]:
    rows = store.rows('SELECT q.id, q.article_id, q.kind, q.text, q.speaker_id, a.kind AS speaker_kind, q.start, q."end" '
                      "FROM quotes q LEFT JOIN actors a ON a.id = q.speaker_id")
    return [QuoteText(r["id"], r["article_id"], r["kind"], r["text"] or "", r["speaker_id"], r["speaker_kind"],
                      r["start"], r["end"]) for r in rows]


def aggregate(store: Store, article_ids: list[str]) -> None:
    """Gather the quotes of the articles just added into statements (incremental)."""
    if not article_ids:
        return
    new_ids = set(article_ids)
    quotes = [q for q in _quotes(store) if len(words(q.text)) >= MIN_WORDS]
    grams = {q.id: trigrams(q.text) for q in quotes}
    by_gram: dict[tuple[str, ...], list[QuoteText]] = defaultdict(list)
    for q in quotes:
        for g in grams[q.id]:
            by_gram[g].append(q)
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

    # existing statements stay together
    members: dict[str, list[str]] = {}
    for r in store.rows("SELECT id, quote_ids FROM statements"):
        ids = json.loads(r["quote_ids"])
        members[r["id"]] = ids
        for qid in ids[1:]:
            union(ids[0], qid)
    for q in quotes:
        if q.article_id not in new_ids:
            continue
        # a trigram found in very many quotes ("said that the") tells nothing
        rare = [g for g in grams[q.id] if len(by_gram[g]) <= COMMON]
        seen: Counter[str] = Counter(o.id for g in rare for o in by_gram[g] if o.id != q.id)
        others = {o.id: o for g in rare for o in by_gram[g]}
        for oid, shared in seen.items():
            if shared >= MIN_SHARED and same_words(grams[q.id], grams[oid]) and compatible(q, others[oid]):
                union(q.id, oid)
    groups: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        groups[find(q.id)].append(q.id)
    by_id = {q.id: q for q in quotes}
    touched = {find(q.id) for q in quotes if q.article_id in new_ids}
    with store.db:
        for root in touched:
            ids = sorted(groups[root])
            if len(ids) < 2:
                continue
            for sid, old in members.items():
                if set(old) & set(ids):
                    store.db.execute("DELETE FROM statements WHERE id=?", (sid,))
            group = [by_id[i] for i in ids]
            speakers = Counter(q.speaker_id for q in group if q.speaker_id)
            speaker = speakers.most_common(1)[0][0] if speakers else None
            # the statement's words: the longest direct quote, else the longest quote
            best = max(group, key=lambda q: (q.kind == "direct", len(q.text), q.id))
            store.db.execute("INSERT OR REPLACE INTO statements VALUES (?,?,?,?)",
                             (stable_id("statement", ids[0]), best.text, speaker, json.dumps(ids)))
