"""Event clusters: the reports of one real event, from several outlets or paragraphs, as one.

Runs after articles are stored, for the articles just added (``aggregate(store, article_ids)``,
called by ``api.ingest``). Every event gets a cluster; an event joins the cluster of an earlier
one when both

- have the same PLOVER type and the same status (a reported attack and an announced attack
  are not one event);
- have compatible actors and recipients: the same actor, or the same country when one side is
  a state (``Russia`` and the ``Russian Foreign Ministry``), or one side not named;
- fall within ``WINDOW_DAYS`` of each other (the event dates, or the articles' dates when the
  text gives none).

When an event fits several clusters they are merged. The export has one ``event_cluster``
record {id, event_ids} per cluster; every ``event`` keeps its own ``article_id``.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .knowledge import enrich
from .records import stable_id

WINDOW_DAYS = 2


def _day(s: str | None) -> dt.date | None:
    if not s or len(s) != 10:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        return None


class _Parties:
    """Actor ids to (kind, country), read once per aggregate."""

    def __init__(self, db: Any):
        self.db = db
        self.cache: dict[str, tuple[str, str | None]] = {}

    def get(self, aid: str) -> tuple[str, str | None]:
        if aid not in self.cache:
            r = self.db.execute("SELECT kind, country FROM actors WHERE id=?", (aid,)).fetchone()
            self.cache[aid] = (r[0], r[1]) if r else ("", None)
        return self.cache[aid]

    def compatible(self, a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
        (ida, ta), (idb, tb) = a, b
        if ida is None and ta is None or idb is None and tb is None:
            return True  # a side the report does not name
        if ida and idb:
            if ida == idb:
                return True
            (ka, ca), (kb, cb) = self.get(ida), self.get(idb)
            return bool(ca and ca == cb and "state" in (ka, kb))
        return (ta or "").lower() == (tb or "").lower()


def _fits(ev: Any, when: dt.date | None, members: list[Any], parties: _Parties) -> bool:
    """Does the event fit every member of a cluster, and name at least one party one of them names?"""
    named = False
    for c in members:
        other = _day(c["date"]) or _day(c["published"])
        if (when is None) != (other is None) or when and other and abs((when - other).days) > WINDOW_DAYS:
            return False
        for side in ("actor", "recipient"):
            a = (ev[f"{side}_id"], ev[f"{side}_text"])
            b = (c[f"{side}_id"], c[f"{side}_text"])
            if not parties.compatible(a, b):
                return False
            named = named or (a[0] is not None and b[0] is not None)
    return named


def aggregate(store: Any, article_ids: list[str]) -> None:
    """Enrich the new articles' actors from the knowledge file, then cluster their events."""
    enrich(store, article_ids)
    if not article_ids:
        return
    db = store.db
    marks = ",".join("?" * len(article_ids))
    pub = {r[0]: r[1] for r in db.execute(f"SELECT id, published FROM articles WHERE id IN ({marks})", article_ids)}
    new = db.execute(f'SELECT e.*, a.published AS published FROM events e JOIN articles a ON a.id=e.article_id '
                     f'WHERE e.article_id IN ({marks}) AND e.cluster_id IS NULL ORDER BY a.path, e.start, e.id',
                     article_ids).fetchall()
    parties = _Parties(db)
    with db:
        for ev in new:
            when = _day(ev["date"]) or _day(pub.get(ev["article_id"]))
            cands = db.execute(
                "SELECT e.id, e.cluster_id, e.actor_id, e.actor_text, e.recipient_id, e.recipient_text, e.date, "
                "a.published FROM events e JOIN articles a ON a.id=e.article_id WHERE e.event_type=? AND e.status=? "
                "AND e.cluster_id IS NOT NULL AND e.id<>? ORDER BY e.id LIMIT 5000",
                (ev["event_type"], ev["status"], ev["id"])).fetchall()
            by_cluster: dict[str, list[Any]] = {}
            for c in cands:
                by_cluster.setdefault(c["cluster_id"], []).append(c)
            hits = [cid for cid, members in by_cluster.items() if _fits(ev, when, members, parties)]
            if not hits:
                cid = stable_id("event_cluster", ev["id"])
                db.execute("INSERT OR REPLACE INTO event_clusters VALUES (?,?)", (cid, json.dumps([ev["id"]])))
                db.execute("UPDATE events SET cluster_id=? WHERE id=?", (cid, ev["id"]))
                continue
            keep, *rest = sorted(hits)
            members = set(json.loads(db.execute("SELECT event_ids FROM event_clusters WHERE id=?",
                                                (keep,)).fetchone()[0]))
            for cid in rest:
                row = db.execute("SELECT event_ids FROM event_clusters WHERE id=?", (cid,)).fetchone()
                if row:
                    members |= set(json.loads(row[0]))
                db.execute("DELETE FROM event_clusters WHERE id=?", (cid,))
                db.execute("UPDATE events SET cluster_id=? WHERE cluster_id=?", (keep, cid))
            members.add(ev["id"])
            db.execute("UPDATE event_clusters SET event_ids=? WHERE id=?", (json.dumps(sorted(members)), keep))
            db.execute("UPDATE events SET cluster_id=? WHERE id=?", (keep, ev["id"]))
