"""A stored story view extended by the articles that join the story, instead of built whole.

When a pass adds articles to a story whose stored view is up to date, most of the view is the
same: the timeline, the quotes by speaker and the actor graph of its older articles do not
change, only the new articles' entries come in. ``Joins.extend`` reads those three parts of the
new articles alone and merges them into the stored parts; the cheap or order-dependent parts
(articles, copied paragraphs, claim groups, positions: a speaker's similar quotes are grouped in
date order, so a new quote can regroup older ones) are computed again as ``story_views.compute``
does. For a 2,000-article story of the 100,000-article bench store, building the view whole took
1.0-1.2 s, the timeline half of it.

The merge gives what building the view whole gives, byte for byte, when the older articles'
entries are as stored; the view is built whole instead when they may not be:

- the view cannot be trusted or a part of it waits in ``story_view_stale`` (``story_views._row``);
- an actor it names was renamed or articles were re-dated this pass (``stale`` gives ``ALL``);
- an older article's copied paragraphs changed (a new report is their earlier original);
- a statement that a new quote joined this pass holds a quote of an older article of the story
  (its timeline entry, dated by its first quote and listing its outlets, changes);
- a story member is not among the articles of this pass (an older store's article placed now),
  or a timeline entry is of a kind this module does not know how to order.

tests/test_story_view_parts.py compares the views extended over several passes with views built
whole from the same store.
"""
from __future__ import annotations

import inspect
import json
import sqlite3
from collections import defaultdict
from typing import Any

from . import story_views as sv
from .stories import copied_map, story_article_ids, tables, timeline

# the order of a timeline's entries on one date (stories.timeline sorts by date, article, kind, id)
_KIND = {"article": 0, "event": 1, "statement": 2}
# how many entries a timeline keeps (stories.timeline's default, which story_views.compute uses)
_LIMIT = inspect.signature(timeline).parameters["limit"].default


def _entry_key(i: dict[str, Any]) -> tuple[str, str, int, str]:
    # a stored entry with no date says "undated"; stories.timeline sorts those as "9999"
    return ("9999" if i["date"] == "undated" else i["date"], i["article_id"], _KIND[i["kind"]], i["id"])


def _quote_key(q: dict[str, Any]) -> tuple[bool, str, str, int]:
    # as SQLite orders them (story_views._speakers): published (no date first), article, start
    return (q["published"] is not None, q["published"] or "", q["article_id"], q["start"])


def _json(obj: Any) -> Any:
    return json.loads(json.dumps(obj, ensure_ascii=False))


class Joins:
    """The articles one aggregation pass added (rowid after ``since``), for extending the views of
    the stories they joined."""

    def __init__(self, db: sqlite3.Connection, since: int):
        self.db = db
        self.since = since
        self._restated: set[str] | None = None

    def restated(self) -> set[str]:
        """Articles holding a quote of a statement that a quote of this pass joined."""
        if self._restated is None:
            self._restated = sv.statement_articles(self.db, self.since)
        return self._restated

    def extend(self, sid: str, stale_parts: set[str], groups: sv._Groups) -> bool:
        """Store the view of story ``sid`` extended by its articles of this pass (inside the caller's
        transaction); False, with nothing written, when it must be built whole (see the module)."""
        db = self.db
        if sv.ALL in stale_parts or sv._row(db, sid) is None or db.execute(
                "SELECT 1 FROM story_view_stale WHERE story_id=? LIMIT 1", (sid,)).fetchone():
            return False
        stored = dict(db.execute("SELECT part, json FROM story_view_parts WHERE story_id=?", (sid,)).fetchall())
        if any(stored.get(p) is None for p in sv.PARTS):
            return False
        ids = story_article_ids(db, sid)
        old = set(json.loads(stored["article_ids"]))
        new = [a for a in ids if a not in old]
        if not new or not old <= set(ids) or old & self.restated():
            return False
        if db.execute(f"SELECT count(*) FROM articles WHERE rowid > ? AND id IN ({sv._in(new)})",
                      (self.since, *new)).fetchone()[0] != len(new):
            return False
        copied = copied_map(db, ids)
        if _json([{"article_id": a, **c} for a in ids if a in old for c in copied.get(a, [])]) != json.loads(
                stored["copied"]):
            return False
        items = timeline(db, sid, limit=10 ** 9, ids=new, copied=copied)
        if any(i["kind"] not in _KIND for i in items):
            return False
        for i in items:
            i["date"] = i["date"] or "undated"
        v = sv.compute(db, sid, groups, only={"articles", "copied", "claim_groups", "positions"})
        v["timeline"] = sorted(json.loads(stored["timeline"]) + items, key=_entry_key)[:_LIMIT]
        v["speakers"] = self._speakers(json.loads(stored["speakers"]), new, copied)
        v["graph"] = self._graph(json.loads(stored["graph"]), new)
        v["_actors"] = sv._actor_names(db, ids, v["timeline"])
        sv._save_parts(db, sid, v, list(sv.PARTS))
        sv._store(db, sid, v)
        return True

    def _speakers(self, stored: list[dict[str, Any]], new: list[str],
                  copied: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        by_key = {s["actor_id"] or "?": s for s in stored}
        for s in sv._speakers(self.db, new, copied):
            key = s["actor_id"] or "?"
            if key in by_key:
                by_key[key]["quotes"] += s["quotes"]
            else:
                by_key[key] = s
        for s in by_key.values():
            s["quotes"].sort(key=_quote_key)
        # story_views._speakers lists speakers by number of quotes, then name, then first quote
        return sorted(by_key.values(), key=lambda s: (-len(s["quotes"]), s["name"], _quote_key(s["quotes"][0])))

    def _graph(self, stored: list[dict[str, Any]], new: list[str]) -> list[dict[str, Any]]:
        edges: dict[tuple[str, str, str], int] = defaultdict(int)
        for e in stored + sv._graph(self.db, new, tables(self.db)):
            edges[(e["actor"], e["recipient"] or "", e["event_type"])] += e["count"]
        return [{"actor": a, "recipient": r or None, "event_type": t, "count": n} for (a, r, t), n in sorted(edges.items())]
