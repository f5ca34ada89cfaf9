"""Export the store as JSON Lines (the export contract in DESIGN.md) or Parquet.

The output is deterministic: records are ordered by article path and offsets, and ids are
content hashes, so the same inputs give the same file.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import IO, Any

from .event_export import cluster_records, event_records
from .store import Store


def _party(actors: dict, actor_id: str | None, **extra: Any) -> dict[str, Any] | None:
    if actor_id is None:
        return None
    a = actors.get(actor_id)
    if a is None:
        return None
    out = {"actor_id": a["id"], "name": a["name"], "aliases": json.loads(a["aliases"]), "kind": a["kind"]}
    out.update(extra)
    return out


def records(store: Store) -> Iterator[dict[str, Any]]:
    """Every record of the store as export dicts, in a stable order."""
    actors = store.actor_map()
    arts = list(store.rows("SELECT id, path, outlet, dateline, published, published_source, dateline_date, title, "
                           "url, body_start, repeated FROM articles ORDER BY path, id"))
    for a in arts:
        yield {"type": "article", "id": a["id"], "path": a["path"], "outlet": a["outlet"], "dateline": a["dateline"],
               "published": a["published"], "published_source": a["published_source"],
               "dateline_date": a["dateline_date"], "title": a["title"], "url": a["url"],
               "body_start": a["body_start"], "repeated_paragraphs": json.loads(a["repeated"] or "[]")}
    for a in arts:
        for q in store.rows('SELECT * FROM quotes WHERE article_id=? ORDER BY start, "end", id', (a["id"],)):
            yield {"type": "quote", "id": q["id"], "article_id": q["article_id"], "kind": q["kind"], "start": q["start"],
                   "end": q["end"], "text": q["text"], "cue": q["cue"], "cue_start": q["cue_start"],
                   "cue_end": q["cue_end"],
                   "speaker": _party(actors, q["speaker_id"], text=q["speaker_text"], start=q["speaker_start"],
                                     end=q["speaker_end"])}
        for c in store.rows('SELECT * FROM claims WHERE article_id=? ORDER BY start, "end", id', (a["id"],)):
            yield {"type": "claim", "id": c["id"], "article_id": c["article_id"], "start": c["start"], "end": c["end"],
                   "text": c["text"], "value": c["value"], "low": c["low"], "high": c["high"],
                   "qualifier": c["qualifier"], "counts": c["counts"], "unit": c["unit"], "where": c["where"],
                   "claimed_by": _party(actors, c["claimed_by_id"]), "as_of": c["as_of"], "quote_id": c["quote_id"]}
        yield from event_records(store, actors, a["id"])
    yield from cluster_records(store)
    for r in sorted(actors.values(), key=lambda r: r["id"]):
        yield {"type": "actor", "id": r["id"], "name": r["name"], "kind": r["kind"], "country": r["country"],
               "roles": json.loads(r["roles"]), "aliases": json.loads(r["aliases"]),
               "sector": r["sector"] if "sector" in r.keys() else None}
    from .claimgroups import group_records

    yield from group_records(store)
    from .stories import story_rows

    yield from story_rows(store.db)
    for st in store.rows("SELECT * FROM statements ORDER BY id"):
        yield {"type": "statement", "id": st["id"], "text": st["text"], "speaker": _party(actors, st["speaker_id"]),
               "quote_ids": json.loads(st["quote_ids"])}


def write_jsonl(store: Store, out: IO[str]) -> int:
    n = 0
    for rec in records(store):
        out.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n


def write_parquet(store: Store, folder: str) -> dict[str, int]:
    """One Parquet file per record type in ``folder`` (article.parquet, quote.parquet, ...)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(folder, exist_ok=True)
    by: dict[str, list[dict[str, Any]]] = {}
    for rec in records(store):
        by.setdefault(rec["type"], []).append(rec)
    counts = {}
    for kind, recs in by.items():
        table = pa.Table.from_pylist([{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                                       for k, v in r.items()} for r in recs])
        pq.write_table(table, os.path.join(folder, f"{kind}.parquet"))
        counts[kind] = len(recs)
    return counts
