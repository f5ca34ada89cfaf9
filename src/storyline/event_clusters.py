"""Event clusters: the reports of one real event, from several outlets or paragraphs, as one.

Runs after articles are stored, for the articles just added (``aggregate(store, article_ids)``,
called by ``api.ingest``). Every event gets a cluster; an event joins the cluster of an earlier
one when both

- have the same PLOVER type and the same status (a reported attack and an announced attack
  are not one event);
- have compatible actors and recipients: the same actor, or the same country when one side is
  a state (``Russia`` and the ``Russian Foreign Ministry``), or one side not named;
- fall within ``WINDOW_DAYS`` of each other (the event dates, or the articles' dates when the
  text gives none); an event with no date at all (nor its article) joins only events of its
  own article, since nothing says two undated reports tell of one event.

When an event fits several clusters they are merged. The export has one ``event_cluster``
record {id, event_ids} per cluster; every ``event`` keeps its own ``article_id``.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from . import seats, unnamed_groups
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

    def relation(self, a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> str:
        """'same', 'different' or 'unknown': are two parties (actor id, words) the same actor?"""
        (ida, ta), (idb, tb) = a, b
        if (ida is None and not ta) or (idb is None and not tb):
            return "unknown"  # a side the report does not name
        if ida and idb:
            if ida == idb:
                return "same"
            (ka, ca), (kb, cb) = self.get(ida), self.get(idb)
            if ca and ca == cb and "state" in (ka, kb):
                return "same"
        wa, wb = _names(ta), _names(tb)
        if wa & wb:
            return "same"
        if ida and idb or wa and wb:
            return "different"
        return "unknown"


STOP = {"The", "This", "That", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def _names(text: str | None) -> set[str]:
    """The capitalised words of a party's text: what two reports of one actor share."""
    return {w for w in re.findall(r"\b[A-Z][\w'-]{3,}", text or "") if w not in STOP}


def _fits_all(ev: Any, when: dt.date | None, dates: set[tuple[Any, Any]], sides: set[tuple[Any, Any, Any, Any]],
              parties: _Parties) -> bool:
    """Does the event fit every member of a cluster (its date within the window, no party different),
    and is one of its parties named by one of them? Read from the cluster's distinct dates and distinct
    parties: the same answer as member by member, at a cost that does not grow with copies of one report."""
    for date, published in dates:
        other = _day(date) or _day(published)
        if (when is None) != (other is None) or when and other and abs((when - other).days) > WINDOW_DAYS:
            return False
    named = False
    for aid, atext, rid, rtext in sides:
        for rel in (parties.relation((ev["actor_id"], ev["actor_text"]), (aid, atext)),
                    parties.relation((ev["recipient_id"], ev["recipient_text"]), (rid, rtext))):
            if rel == "different":
                return False
            named = named or rel == "same"
    return named


def _summaries(db: Any, clusters: list[str]) -> dict[str, tuple[set[tuple[Any, Any]], set[tuple[Any, Any, Any, Any]]]]:
    """Each cluster's distinct (date, article date) pairs and distinct parties, read in a few queries."""
    out: dict[str, tuple[set[tuple[Any, Any]], set[tuple[Any, Any, Any, Any]]]] = {c: (set(), set()) for c in clusters}
    for k in range(0, len(clusters), 500):
        part = clusters[k:k + 500]
        marks = ",".join("?" * len(part))
        for r in db.execute(f"SELECT DISTINCT e.cluster_id, e.date, a.published FROM events e JOIN articles a "
                            f"ON a.id=e.article_id WHERE e.cluster_id IN ({marks})", part):
            out[r[0]][0].add((r[1], r[2]))
        for r in db.execute(f"SELECT DISTINCT cluster_id, actor_id, actor_text, recipient_id, recipient_text "
                            f"FROM events WHERE cluster_id IN ({marks})", part):
            out[r[0]][1].add((r[1], r[2], r[3], r[4]))
    return out


def _new_cluster(db: Any, ev: Any, kept: _Matches, held: _Held) -> None:
    cid = stable_id("event_cluster", ev["id"])
    held.new(cid, ev)
    db.execute("UPDATE events SET cluster_id=? WHERE id=?", (cid, ev["id"]))
    kept.assign(ev["id"], cid)


def _side(ev: Any) -> tuple[Any, Any, Any, Any]:
    return (ev["actor_id"], ev["actor_text"], ev["recipient_id"], ev["recipient_text"])


class _Held:
    """What one aggregate() call knows of the clusters it touches: each one's members and its
    summary (``_summaries``: distinct dates and parties), read from the store once, then kept up to
    date by the loop (a new cluster, an event joining one, clusters merged), and the members written
    back once at the end (``flush``) instead of at every join. A cluster of the reports of one wire
    story holds thousands of events in a large store (2,846 in the 10,000-article bench corpus):
    reading its summary and rewriting its member list for every new event that joined it cost
    O(cluster) per event, 10 s of every 256 articles' 64 s at 10,000 articles. Only this loop
    writes clusters while it runs, and an event's dates and parties never change in it, so what is
    held is what the store would answer."""

    def __init__(self, db: Any):
        self.db = db
        self.summary: dict[str, tuple[set[tuple[Any, Any]], set[tuple[Any, Any, Any, Any]]]] = {}
        self.members: dict[str, set[str]] = {}
        self.dirty: set[str] = set()
        self.gone: set[str] = set()

    def summaries(self, clusters: list[str]) -> dict[str, tuple[set[tuple[Any, Any]], set[tuple[Any, Any, Any, Any]]]]:
        missing = [c for c in clusters if c not in self.summary]
        if missing:
            self.summary.update(_summaries(self.db, missing))
        return {c: self.summary[c] for c in clusters}

    def of(self, cid: str) -> set[str]:
        if cid not in self.members:
            row = self.db.execute("SELECT event_ids FROM event_clusters WHERE id=?", (cid,)).fetchone()
            self.members[cid] = set(json.loads(row[0])) if row else set()
        return self.members[cid]

    def new(self, cid: str, ev: Any) -> None:
        self.members[cid] = {ev["id"]}
        self.summary[cid] = ({(ev["date"], ev["published"])}, {_side(ev)})
        self.dirty.add(cid)
        self.gone.discard(cid)

    def join(self, keep: str, rest: list[str], ev: Any) -> None:
        """``ev`` joins cluster ``keep``, into which the clusters ``rest`` are merged."""
        members = self.of(keep)
        for cid in rest:
            members |= self.of(cid)
            self.members.pop(cid, None)
            self.summary.pop(cid, None)
            self.dirty.discard(cid)
            self.gone.add(cid)
        if rest:
            self.summary.pop(keep, None)  # read again when asked (merges are rare)
        elif keep in self.summary:
            dates, sides = self.summary[keep]
            dates.add((ev["date"], ev["published"]))
            sides.add(_side(ev))
        members.add(ev["id"])
        self.dirty.add(keep)

    def flush(self) -> None:
        self.db.executemany("DELETE FROM event_clusters WHERE id=?", [(c,) for c in sorted(self.gone)])
        self.db.executemany("INSERT OR REPLACE INTO event_clusters VALUES (?,?)",
                            [(c, json.dumps(sorted(self.members[c]))) for c in sorted(self.dirty)])
        self.dirty.clear()
        self.gone.clear()


class _Matches:
    """The candidate query's answers kept for one aggregate() call. Everything the query asks of an
    event but its cluster (type, status, dates, parties, the actors' countries) stays the same while
    the events are clustered: the loop only writes ``cluster_id``. So the events that match a query
    (with its date window and parties: reports of one wire story ask the same one again and again)
    are kept, and their clusters are read from a copy of ``cluster_id`` that every write of the loop
    updates alike (a new cluster, a join, a merge of clusters), the same answer the store gives.
    Bounded: past ``MAX_KEPT`` kept events a query is asked of the store as before."""

    MAX_KEPT = 200_000

    def __init__(self) -> None:
        self.matches: dict[tuple[Any, ...], list[str]] = {}
        self.cluster: dict[str, str | None] = {}  # event id -> cluster id, as in the store
        self.members: dict[str, set[str]] = {}  # cluster id -> the events of self.cluster in it
        self.size = 0

    def assign(self, event_id: str, cid: str) -> None:
        old = self.cluster.get(event_id)
        if old is not None:
            self.members.get(old, set()).discard(event_id)
        self.cluster[event_id] = cid
        self.members.setdefault(cid, set()).add(event_id)

    def merge(self, cid: str, into: str) -> None:
        """``UPDATE events SET cluster_id=into WHERE cluster_id=cid``, on the copy."""
        for e in self.members.pop(cid, set()):
            self.cluster[e] = into
            self.members.setdefault(into, set()).add(e)

    def clusters(self, db: Any, sql: str, args: tuple, own: str) -> list[str] | None:
        """The clusters of the events matching the query but ``own``, or None past the bound."""
        key = (sql, args)
        ids = self.matches.get(key)
        if ids is None:
            if self.size >= self.MAX_KEPT:
                return None
            ids = []
            for eid, cid in db.execute(sql, args):
                if eid not in self.cluster:
                    self.cluster[eid] = cid
                    if cid is not None:
                        self.members.setdefault(cid, set()).add(eid)
                ids.append(eid)
            self.matches[key] = ids
            self.size += len(ids)
        cluster = self.cluster
        return sorted({c for e in ids if e != own and (c := cluster[e]) is not None})


def _query(head: str, sel: str, own: str, base: tuple, when: dt.date | None, article_id: str,
           party_args: tuple) -> tuple[str, tuple]:
    """The candidate query of aggregate(): ``head`` with what it selects, the condition on the event
    asking (``own``), its source and its time window filled in."""
    undated = "(e.date IS NULL OR length(e.date)<>10)"
    if when is None:
        # with no date at all, two reports cannot be told to be of one event: an undated event
        # joins only the undated events of its own article (the same event told twice)
        return (head.format(sel=sel, own=own, src="events e JOIN articles a ON a.id=e.article_id",
                            window=f"e.article_id=? AND {undated} AND a.published IS NULL"),
                (*base, article_id, *party_args))
    lo = (when - dt.timedelta(days=WINDOW_DAYS)).isoformat()
    hi = (when + dt.timedelta(days=WINDOW_DAYS)).isoformat()
    # events dated in the window (the (event_type, date) index), and undated events of
    # articles published in it (the articles' date index)
    # (the second read from the window's articles through the partial index events_undated,
    # never from every event of the type: "+" keeps SQLite off the type index there)
    return (head.format(sel=sel, own=own, src="events e", window="length(e.date)=10 AND e.date BETWEEN ? AND ?")
            + " UNION " + head.replace("WHERE e.event_type", "WHERE +e.event_type").format(
                sel=sel, own=own, src="articles a JOIN events e ON e.article_id=a.id",
                window=f"a.published BETWEEN ? AND ? AND {undated}"),
            (*base, lo, hi, *party_args, *base, lo, hi, *party_args))


def aggregate(store: Any, article_ids: list[str]) -> None:
    """Enrich the new articles' actors from the knowledge file, then cluster their events."""
    enrich(store, article_ids)
    seats.learn(store, article_ids)
    seats.apply(store)
    unnamed_groups.resolve(store, article_ids)
    if not article_ids:
        return
    db = store.db
    marks = ",".join("?" * len(article_ids))
    pub = {r[0]: r[1] for r in db.execute(f"SELECT id, published FROM articles WHERE id IN ({marks})", article_ids)}
    new = db.execute(f'SELECT e.*, a.published AS published FROM events e JOIN articles a ON a.id=e.article_id '
                     f'WHERE e.article_id IN ({marks}) AND e.cluster_id IS NULL ORDER BY a.path, e.start, e.id',
                     article_ids).fetchall()
    parties = _Parties(db)
    kept = _Matches()
    held = _Held(db)
    with db:
        for ev in new:
            when = _day(ev["date"]) or _day(pub.get(ev["article_id"]))
            ids = [x for x in (ev["actor_id"], ev["recipient_id"]) if x]
            words = sorted(_names(ev["actor_text"]) | _names(ev["recipient_text"]))[:4]
            if not ids and not words:
                _new_cluster(db, ev, kept, held)
                continue
            # only clusters that name one of the event's parties (by id, by a state of the same country, or by
            # a shared name) can take it; the country is matched on the window's events' actors (joined), not
            # by listing every actor of that country
            related = sorted(set(ids))
            countries = []
            for aid in ids:
                kind, country = parties.get(aid)
                if country:
                    countries.append((country, kind == "state"))
            marks2 = ",".join("?" * len(related))
            likes = " OR ".join(["actor_text LIKE ? OR recipient_text LIKE ?"] * len(words))
            by_country = " OR ".join(["(xa.country=? AND (xa.kind='state' OR ?)) OR "
                                      "(xr.country=? AND (xr.kind='state' OR ?))"] * len(countries))
            where = " OR ".join(x for x in (f"actor_id IN ({marks2})" if related else "",
                                            f"recipient_id IN ({marks2})" if related else "", likes) if x)
            # and only events in the time window (a cluster's every member must be), found through the
            # (event_type, date) index rather than by reading every event of the store
            match = where.replace("actor_", "e.actor_").replace("recipient_", "e.recipient_")
            if by_country:
                match += " OR " + by_country
            party_args = (*related, *related, *[f"%{w}%" for w in words for _ in (0, 1)],
                          *[x for c, st in countries for x in (c, st, c, st)])
            head = ("SELECT DISTINCT {sel} FROM {src} " +
                    ("LEFT JOIN actors xa ON xa.id=e.actor_id LEFT JOIN actors xr ON xr.id=e.recipient_id "
                     if by_country else "") +
                    "WHERE e.event_type=? AND e.status=?{own} AND {window} AND (" + match + ")")
            # the matching events kept for the next events asking the same (see _Matches), else as asked
            clusters = kept.clusters(db, *_query(head, "e.id, e.cluster_id", "", (ev["event_type"], ev["status"]),
                                                 when, ev["article_id"], party_args), ev["id"])
            if clusters is None:
                clusters = sorted(r[0] for r in db.execute(*_query(
                    head, "e.cluster_id", " AND e.cluster_id IS NOT NULL AND e.id<>?",
                    (ev["event_type"], ev["status"], ev["id"]), when, ev["article_id"], party_args)))
            hits = [cid for cid, (dates, sides) in sorted(held.summaries(clusters).items())
                    if _fits_all(ev, when, dates, sides, parties)]
            if not hits:
                _new_cluster(db, ev, kept, held)
                continue
            keep, *rest = sorted(hits)
            for cid in rest:
                db.execute("UPDATE events SET cluster_id=? WHERE cluster_id=?", (keep, cid))
                kept.merge(cid, keep)
            held.join(keep, rest, ev)
            db.execute("UPDATE events SET cluster_id=? WHERE id=?", (keep, ev["id"]))
            kept.assign(ev["id"], keep)
        held.flush()
