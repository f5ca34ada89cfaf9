"""Story views: everything the story page and ``/api/stories/{id}`` show, computed once per story
when aggregation changes it and stored as JSON in ``story_views``.

A story's view (articles, copied paragraphs, claim groups with their conflicts, timeline,
positions, quotes by speaker, actor graph, and the page's sections rendered to HTML) reads
thousands of rows for a long story; computing it on every request cost 200–340 ms for a
347-article story of a 10,000-article store, reading it back costs 15–40 ms. ``refresh`` computes the views of
the stories a pass changed, at the end of ``stories.aggregate`` (the last cross-article step,
after dates, claim groups, event clusters and statements). A view goes stale when:

- an article joins the story (``stories.aggregate`` knows which stories it touched);
- one of its paragraphs is found to be the copy of a newer report's earlier original
  (``_mark_copies`` says which older articles it re-marked);
- the claim groups it shows change: the claim-group step records every claim whose group it
  changed (``claim_group_changes``: another group, or its group's members, verdict or explanation
  changed), and the stories holding those claims are built again; reading every story's groups
  instead cost 0.7 s an ingest in a 100,000-article store;
- a statement holding one of its quotes changes: statements only change when a new quote joins
  them, so the statements of the new articles' quotes lead to every story concerned;
- an actor it names is renamed or merged into another (``story_view_actor_names`` keeps the
  names the views were built with);
- the corpus's median year changes, so ``Store.resolve_dates`` may re-date older articles
  (``dates_key``, a hash of the members' dates, is compared then).

A view is stored in parts (``story_view_parts``: articles, copied paragraphs, claim groups,
timeline, positions, quotes by speaker, actor graph), each with the page section that shows it.
A story an article joined is extended by its new articles when its older articles' entries cannot
have changed (``story_joins``); it, one whose paragraphs were re-marked, one naming a renamed actor
or holding re-dated articles is otherwise built whole; a story whose claim groups or statements alone changed
gets only that part (and its section) built again: 0.16 s instead of ~2 s whole for a
2,000-article story. Parts a pass leaves for later wait in ``story_view_stale``; the story is
served computed on the spot until then. Joining the parts gives what building the view whole
gives, byte for byte (tests/test_story_view_parts.py).

Event clusters are not part of a view (it shows events, not their clusters), so a pass that
only regroups clusters leaves views as they are.

Reading never trusts a view blindly: a view of another version, or one naming an actor whose
name is no longer the stored one, is ignored and the view is computed on the fly, as it is for
a story without a row (a store from before this table; the server opens stores read-only and
never writes). ``compute`` is the one definition of a view; ``load`` only returns what
``compute`` stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import defaultdict
from typing import Any

from .stories import copied_map, in_copied, positions, story_article_ids, tables, timeline

VERSION = 3            # bump when compute() changes what a view holds: older rows are then ignored
BACKFILL_PER_PASS = 2  # stories without a view (older stores, deferred ones) given one per aggregation pass
# stories a pass changes without an article joining them (a claim group they show took a new
# figure, a statement, a renamed actor) rebuilt in the pass; the others' views are dropped, so they
# are computed per request until a later pass gives them one again. A running total reported by
# many stories would otherwise rebuild dozens of long stories in one ingest (43 views, 67 s, seen
# in the 100k bench store).
STALE_PER_PASS = 2
# stories whose stored view a pass changed in one part only (a claim group they show, a statement
# of their timeline) get that part built again, up to this many articles' worth of stories a pass
# (at least one story); the rest wait in story_view_stale for the next passes
PARTIAL_ARTICLES_PER_PASS = 4000
# the parts of a view, in the order the served JSON lists them; each is stored on its own
# (story_view_parts) with the page section that shows it, so a part can be built again alone
PARTS = ("article_ids", "articles", "copied", "claim_groups", "timeline", "positions", "speakers", "graph")
# the page's sections in page order, each with the part it shows (the table of contents shows
# only the story id: it is stored with article_ids)
SECTIONS = (("nav", "article_ids"), ("timeline", "timeline"), ("figures", "claim_groups"), ("graph", "graph"),
            ("positions", "positions"), ("quotes", "speakers"), ("articles", "articles"))
_SECTION = {part: name for name, part in SECTIONS}
ALL = "*"  # a story_view_stale part: the whole view
DEFERRED = "+"  # a story_view_stale part: articles joined the story in a pass that deferred its view (defer)


def version() -> str:
    """The version a stored row must carry to be served: VERSION and the code that renders the
    stored page sections (templates, charts), so a changed template never serves an old page."""
    global _VERSION
    if _VERSION is None:
        from importlib import resources

        root = resources.files("storyline")
        src = "".join(root.joinpath(*p).read_text(encoding="utf-8")
                      for p in (("templates", "_macros.html"), ("web.py",)))
        _VERSION = f"{VERSION}:{_hash(src)}"
    return _VERSION


_VERSION: str | None = None


def _in(ids: list[str] | set[str]) -> str:
    return ",".join("?" * len(ids)) if ids else "NULL"


def _hash(obj: Any) -> str:
    return hashlib.blake2b(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode(), digest_size=12).hexdigest()


# ---- claim groups ---------------------------------------------------------------------------
class _Groups:
    """Stored claim groups by counted class, loaded once per class (one pass reuses them); in a store
    whose claims are keyed (``claim_keys`` names each claim's group, kept by claimgroups), only the
    groups holding a story's claims are read."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        have = tables(db)
        self.have = "claim_groups" in have
        self.keyed = self.have and "claim_keys" in have and db.execute(
            "SELECT 1 FROM meta WHERE key='claim_keys'").fetchone() is not None
        self.by_class: dict[Any, list[tuple[dict[str, Any], list[str]]]] = {}
        self.by_id: dict[str, tuple[dict[str, Any], list[str]]] = {}

    def of_class(self, counts: Any) -> list[tuple[dict[str, Any], list[str]]]:
        if counts not in self.by_class:
            rows = self.db.execute('SELECT id, counts, "where", period, verdict, explanation, claim_ids '
                                   "FROM claim_groups WHERE counts=? ORDER BY id", (counts,)) if self.have else []
            self.by_class[counts] = [({k: r[k] for k in ("id", "counts", "where", "period", "verdict",
                                                         "explanation")}, json.loads(r["claim_ids"] or "[]"))
                                     for r in rows]
        return self.by_class[counts]

    def _of_claims(self, ids: list[str]) -> list[tuple[dict[str, Any], list[str]]]:
        """The stored groups (in id order) that ``claim_keys`` says hold some of these claims; the
        other groups of their classes are not read (a class holds thousands at 100,000 articles)."""
        gids: set[str] = set()
        for k in range(0, len(ids), 500):
            part = ids[k:k + 500]
            gids |= {r[0] for r in self.db.execute(f"SELECT group_id FROM claim_keys WHERE claim_id IN ({_in(part)}) "
                                                   "AND group_id IS NOT NULL", part)}
        todo = sorted(gids - self.by_id.keys())
        for k in range(0, len(todo), 500):
            part = todo[k:k + 500]
            for r in self.db.execute('SELECT id, counts, "where", period, verdict, explanation, claim_ids '
                                     f"FROM claim_groups WHERE id IN ({_in(part)})", part):
                self.by_id[r["id"]] = ({k: r[k] for k in ("id", "counts", "where", "period", "verdict",
                                                          "explanation")}, json.loads(r["claim_ids"] or "[]"))
        return [self.by_id[g] for g in sorted(gids) if g in self.by_id]

    def raw(self, claims: list[dict[str, Any]]) -> dict[Any, list[tuple[dict[str, Any], list[str]]]]:
        """Per counted class, the stored groups holding some of these claims, with those claims' ids."""
        if self.keyed:
            wanted = {c["id"] for c in claims if c["counts"] is not None}
            keyed: dict[Any, list[tuple[dict[str, Any], list[str]]]] = defaultdict(list)
            for g, members in self._of_claims(sorted(wanted)):
                held = [i for i in members if i in wanted]
                if held:
                    keyed[g["counts"]].append((g, held))
            return dict(keyed)
        ids_by_class: dict[Any, set[str]] = defaultdict(set)
        for c in claims:
            ids_by_class[c["counts"]].add(c["id"])
        out: dict[Any, list[tuple[dict[str, Any], list[str]]]] = {}
        for counts, ids in ids_by_class.items():
            if counts is None:
                continue
            # the members in the group's own order (as the group lists them)
            mine = [(g, [i for i in members if i in ids]) for g, members in self.of_class(counts)]
            out[counts] = [(g, m) for g, m in mine if m]
        return out


def claim_groups(groups: _Groups, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim groups of a story: issue-4 groups when stored, else the story's figures grouped by
    what they count. A point conflicts when another source gives a different figure for the same
    thing on the same date."""
    by_id = {c["id"]: c for c in claims}
    found = sorted(((g, m) for v in groups.raw(claims).values() for g, m in v), key=lambda x: x[0]["id"])
    out: list[dict[str, Any]] = [{**g, "claims": [by_id[i] for i in m]} for g, m in found]
    if not out:
        tmp: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in claims:
            if c["counts"]:
                tmp[c["counts"]].append(c)
        for counts, members in sorted(tmp.items()):
            if len(members) >= 2:
                out.append({"id": f"counts:{counts}", "counts": counts, "where": None, "period": None,
                            "verdict": None, "explanation": None, "claims": members})
    for g in out:
        _mark_conflicts(g)
    return out


def _mark_conflicts(g: dict[str, Any]) -> None:
    conflicted = False
    for c in g["claims"]:
        c["source"] = c.get("claimed_by_name") or c.get("outlet") or "unattributed"
        c["date"] = c.get("as_of") or c.get("published")
    # on one date, independent sources giving different figures conflict
    by_date: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for c in g["claims"]:
        c["conflict"] = False
        if not c.get("copied"):
            by_date[c["date"]].append(c)
    for same in by_date.values():
        figures = {(c["source"], c["low"] or c["value"], c["high"] or c["value"]) for c in same}
        if len({f[0] for f in figures}) < 2 or len({f[1:] for f in figures}) < 2:
            continue
        for c in same:
            fig = (c["low"] or c["value"], c["high"] or c["value"])
            c["conflict"] = any(s != c["source"] and (lo, hi) != fig for s, lo, hi in figures)
            conflicted |= c["conflict"]
    if g["verdict"] is None:
        g["verdict"] = "conflict" if conflicted else "consistent"
    elif g["verdict"] == "conflict" and not conflicted:
        for c in g["claims"]:
            c["conflict"] = True


# ---- computing a view -----------------------------------------------------------------------
def _dates_key(articles: list[dict[str, Any]]) -> str:
    return _hash(sorted([a["id"], a["published"]] for a in articles))


def compute(db: sqlite3.Connection, sid: str, groups: _Groups | None = None,
            only: set[str] | None = None) -> dict[str, Any]:
    """The view of one story (without the ``stories`` row: title, summary and dates are read
    live), or with ``only`` just those parts of it (and ``article_ids``). Keys starting with ``_``
    are bookkeeping for ``refresh`` and are not served: ``_actors`` comes with the timeline,
    ``_dates_key`` with the articles."""
    groups = groups or _Groups(db)
    want = set(PARTS) if only is None else set(only)
    have = tables(db)
    ids = story_article_ids(db, sid)
    q = _in(ids)
    out: dict[str, Any] = {"article_ids": sorted(ids)}
    if "articles" in want:
        out["articles"] = [dict(x) for x in db.execute(
            f"SELECT id, path, outlet, published, published_source, title FROM articles WHERE id IN ({q}) "
            "ORDER BY published IS NULL, published, id", ids)]
    copied = copied_map(db, ids)
    if "copied" in want:
        out["copied"] = [{"article_id": aid, **c} for aid in ids for c in copied.get(aid, [])]
    if "claim_groups" in want:
        claims = [dict(x) for x in db.execute(
            f"SELECT c.*, a.outlet, a.published, ac.name AS claimed_by_name FROM claims c JOIN articles a ON "
            f"a.id=c.article_id LEFT JOIN actors ac ON ac.id=c.claimed_by_id WHERE c.article_id IN ({q}) "
            "ORDER BY a.published, c.article_id, c.start", ids)]
        for c in claims:
            c["copied"] = bool(in_copied(copied.get(c["article_id"], []), c["start"]))
        out["claim_groups"] = claim_groups(groups, claims)
    if "timeline" in want:
        out["timeline"] = timeline(db, sid, ids=ids, copied=copied)
        for i in out["timeline"]:
            i["date"] = i["date"] or "undated"
    if "positions" in want:
        out["positions"] = positions(db, sid, ids=ids, copied=copied)
    if "speakers" in want:
        out["speakers"] = _speakers(db, ids, copied)
    if "graph" in want:
        out["graph"] = _graph(db, ids, have)
    if "timeline" in want:
        out["_actors"] = _actor_names(db, ids, out["timeline"])
    if "articles" in want:
        out["_dates_key"] = _dates_key(out["articles"])
    return out


def _speakers(db: sqlite3.Connection, ids: list[str], copied: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    speakers: dict[str, dict[str, Any]] = {}
    for x in db.execute(
            f"SELECT q.id, q.article_id, q.kind, q.text, q.start, q.speaker_id, ac.name, ac.kind AS actor_kind, "
            f"a.outlet, a.published FROM quotes q JOIN articles a ON a.id=q.article_id LEFT JOIN actors ac ON "
            f"ac.id=q.speaker_id WHERE q.article_id IN ({_in(ids)}) ORDER BY a.published, q.article_id, q.start", ids):
        key = x["speaker_id"] or "?"
        sp = speakers.setdefault(key, {"actor_id": x["speaker_id"], "name": x["name"] or "unattributed",
                                       "kind": x["actor_kind"], "quotes": []})
        d = dict(x)
        d["copied"] = bool(in_copied(copied.get(x["article_id"], []), x["start"]))
        sp["quotes"].append(d)
    return sorted(speakers.values(), key=lambda s: (-len(s["quotes"]), s["name"]))


def _graph(db: sqlite3.Connection, ids: list[str], have: set[str]) -> list[dict[str, Any]]:
    edges: dict[tuple[str, str, str], int] = defaultdict(int)
    if "events" in have:
        for e in db.execute(
                f"SELECT COALESCE(ac.name, e.actor_text) AS a, COALESCE(rc.name, e.recipient_text) AS r, e.event_type "
                f"FROM events e LEFT JOIN actors ac ON ac.id=e.actor_id LEFT JOIN actors rc ON rc.id=e.recipient_id "
                f"WHERE e.article_id IN ({_in(ids)}) AND COALESCE(ac.name, e.actor_text) IS NOT NULL", ids):
            edges[(e["a"], e["r"] or "", e["event_type"] or "?")] += 1
    return [{"actor": a, "recipient": r or None, "event_type": t, "count": n}
            for (a, r, t), n in sorted(edges.items())]


def _actor_names(db: sqlite3.Connection, ids: list[str], timeline_: list[dict[str, Any]]) -> dict[str, str]:
    """Bookkeeping: the names of the actors the view shows (its articles' and its statements' speakers)."""
    names = {r[0]: r[1] for r in db.execute(
        f"SELECT DISTINCT ac.id, ac.name FROM article_actors aa JOIN actors ac ON ac.id=aa.actor_id "
        f"WHERE aa.article_id IN ({_in(ids)})", ids)}
    st_ids = sorted({i["statement_id"] for i in timeline_ if i.get("statement_id")})
    if st_ids:
        names |= {r[0]: r[1] for r in db.execute(
            f"SELECT ac.id, ac.name FROM statements s JOIN actors ac ON ac.id=s.speaker_id WHERE s.id IN ({_in(st_ids)})",
            st_ids)}
    return names


def public(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if not k.startswith("_")}


# ---- reading --------------------------------------------------------------------------------
def _row(db: sqlite3.Connection, sid: str) -> sqlite3.Row | None:
    """A story's stored view row when it is of this version and names no actor renamed or merged
    since it was built (parts still waiting in ``story_view_stale`` are not looked at)."""
    have = tables(db)
    if "story_views" not in have or "story_view_parts" not in have:
        return None
    r = db.execute("SELECT version, actors, page FROM story_views WHERE story_id=?", (sid,)).fetchone()
    if r is None or r[0] != version():
        return None
    names: dict[str, str] = json.loads(r[1] or "{}")
    if names:
        ids = list(names)
        now = dict(db.execute(f"SELECT id, name FROM actors WHERE id IN ({_in(ids)})", ids).fetchall())
        if now != names:
            return None
    return r


def _trusted(db: sqlite3.Connection, sid: str, column: str) -> dict[str, str] | None:
    """A story's stored parts (``column``: their ``json`` or ``html``) by part, or None when there
    is no view, it cannot be trusted (see ``_row``) or a part of it waits to be built again."""
    if _row(db, sid) is None:
        return None
    if "story_view_stale" in tables(db) and db.execute("SELECT 1 FROM story_view_stale WHERE story_id=? LIMIT 1",
                                                        (sid,)).fetchone():
        return None
    parts = dict(db.execute(f"SELECT part, {column} FROM story_view_parts WHERE story_id=?", (sid,)).fetchall())
    return parts if all(parts.get(p) is not None for p in PARTS) else None


def stored_json(db: sqlite3.Connection, sid: str) -> str | None:
    """The stored view of a story as JSON text (its parts joined, as ``json.dumps`` of the whole
    view with separators ``,`` and ``:`` would write it), or None (see ``_trusted``)."""
    parts = _trusted(db, sid, "json")
    if parts is None:
        return None
    return "{" + ",".join(f"{json.dumps(p)}:{parts[p]}" for p in PARTS) + "}"


def stored_page(db: sqlite3.Connection, sid: str) -> dict[str, Any] | None:
    """The stored page sections of a story (``html``, ``n_articles``, ``n_copied``), or None."""
    parts = _trusted(db, sid, "html")
    if parts is None:
        return None
    row = _row(db, sid)
    counts = json.loads(row[2]) if row is not None and row[2] else None
    if not counts:
        return None
    return {**counts, "html": "".join(parts[p] for _, p in SECTIONS)}


def _section(sid: str, part: str, view: dict[str, Any]) -> str | None:
    """The page section showing this part of a view; None for a part no section shows, or without
    the server's templates (jinja2 comes with the [server] extra: the page is then rendered when served)."""
    name = _SECTION.get(part)
    if name is None:
        return ""
    try:
        from . import web
    except ImportError:
        return None
    return web.story_section(name, {**view, "id": sid})


def load(db: sqlite3.Connection, sid: str) -> dict[str, Any]:
    """The view of a story: the stored one when it can be trusted, else computed now."""
    text = stored_json(db, sid)
    return json.loads(text) if text is not None else public(compute(db, sid))


# ---- refreshing -----------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _save_parts(db: sqlite3.Connection, sid: str, v: dict[str, Any], parts: list[str]) -> None:
    db.executemany("INSERT OR REPLACE INTO story_view_parts (story_id, part, json, html) VALUES (?,?,?,?)",
                   [(sid, p, json.dumps(v[p], ensure_ascii=False, separators=(",", ":")), _section(sid, p, v))
                    for p in parts])


def _save_actors(db: sqlite3.Connection, names: dict[str, str]) -> None:
    db.executemany("INSERT OR REPLACE INTO story_view_actor_names VALUES (?,?)", sorted(names.items()))


def write(db: sqlite3.Connection, sids: list[str] | set[str], groups: _Groups | None = None) -> int:
    """Compute and store the whole views of these stories (inside the caller's transaction)."""
    groups = groups or _Groups(db)
    n = 0
    for sid in sorted(sids):
        db.execute("DELETE FROM story_view_stale WHERE story_id=?", (sid,))
        if db.execute("SELECT 1 FROM stories WHERE id=?", (sid,)).fetchone() is None:
            db.execute("DELETE FROM story_views WHERE story_id=?", (sid,))
            db.execute("DELETE FROM story_view_parts WHERE story_id=?", (sid,))
            continue
        v = compute(db, sid, groups)
        _save_parts(db, sid, v, list(PARTS))
        _store(db, sid, v)
        n += 1
    return n


def _store(db: sqlite3.Connection, sid: str, v: dict[str, Any]) -> None:
    """The row of a view whose parts were all just saved."""
    # the view itself lives in story_view_parts; page: the counts the page header shows
    db.execute("INSERT OR REPLACE INTO story_views (story_id, version, view, actors, groups_key, dates_key, "
               "updated, page) VALUES (?,?,?,?,?,?,?,?)",
               (sid, version(), None, json.dumps(v["_actors"], ensure_ascii=False, sort_keys=True),
                None, v["_dates_key"], _now(),
                json.dumps({"n_articles": len(v["articles"]), "n_copied": len(v["copied"])})))
    _save_actors(db, v["_actors"])


def update(db: sqlite3.Connection, sid: str, parts: set[str], groups: _Groups | None = None) -> bool:
    """Build again only these parts of a story's stored view (and their page sections), inside the
    caller's transaction; the other parts are kept as stored. False (nothing written) when the
    story has no stored view that can be trusted: it needs a whole one (``write``)."""
    if _row(db, sid) is None or db.execute("SELECT 1 FROM stories WHERE id=?", (sid,)).fetchone() is None:
        return False
    todo = [p for p in PARTS if p in parts]
    v = compute(db, sid, groups, only=set(todo))
    _save_parts(db, sid, v, todo)
    if "_actors" in v:
        db.execute("UPDATE story_views SET actors=? WHERE story_id=?",
                   (json.dumps(v["_actors"], ensure_ascii=False, sort_keys=True), sid))
        _save_actors(db, v["_actors"])
    db.execute("UPDATE story_views SET updated=? WHERE story_id=?", (_now(), sid))
    db.execute("DELETE FROM story_view_stale WHERE story_id=?", (sid,))
    return True


def stories_of_articles(db: sqlite3.Connection, aids: set[str]) -> set[str]:
    """The stories these articles belong to."""
    out: set[str] = set()
    ids = sorted(aids)
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        out |= {r[0] for r in db.execute(f"SELECT story_id FROM story_articles WHERE article_id IN ({_in(part)})",
                                         part)}
    return out


NEW = "(SELECT id FROM articles WHERE rowid > ?)"  # the articles stored since the last pass


def stale(db: sqlite3.Connection, since: int) -> dict[str, set[str]]:
    """Stories with a stored view that the articles stored after rowid ``since`` may have
    changed through claim groups, statements, actor names or re-dated articles (the stories they
    joined, and re-marked copies, the caller knows), each with the parts of its view to build
    again: ``claim_groups`` (a claim group it shows changed), ``timeline`` (a statement of it
    changed), or ``ALL`` (an actor renamed, articles re-dated)."""
    have = tables(db)
    out: dict[str, set[str]] = defaultdict(set)

    def add(sids: set[str], part: str) -> None:
        for sid in sids:
            out[sid].add(part)
    # claim groups: the regrouping recorded the claims whose group changed (claimgroups._regroup);
    # the stories showing them are built again, and the record is emptied (CROSS JOIN: read from the
    # few recorded claims; the planner otherwise scanned every story's articles, 0.3 s at 100,000)
    if "claim_group_changes" in have:
        add({r[0] for r in db.execute(
            "SELECT DISTINCT sa.story_id FROM claim_group_changes g CROSS JOIN claims c ON c.id=g.claim_id "
            "CROSS JOIN story_articles sa ON sa.article_id=c.article_id")}, "claim_groups")
        db.execute("DELETE FROM claim_group_changes")
    with_view = {r[0] for r in db.execute("SELECT story_id FROM story_views")}
    if not with_view:
        return {}
    # statements: one changes only when a quote of a new article joins it, and then holds them all
    add(stories_of_articles(db, statement_articles(db, since)), "timeline")
    # actor names: renamed actors of the new articles, and those merged into one of them (gone,
    # their name now among its aliases)
    changed = {r[0] for r in db.execute(
        f"SELECT DISTINCT aa.actor_id FROM article_actors aa JOIN actors ac ON ac.id=aa.actor_id "
        f"JOIN story_view_actor_names n ON n.actor_id=aa.actor_id WHERE aa.article_id IN {NEW} AND n.name != ac.name",
        (since,))}
    gone = db.execute("SELECT n.actor_id, n.name FROM story_view_actor_names n "
                      "WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id=n.actor_id)").fetchall()
    if gone:
        names = {r[1] for r in gone}
        for r in db.execute(f"SELECT DISTINCT ac.id, ac.aliases FROM article_actors aa JOIN actors ac "
                            f"ON ac.id=aa.actor_id WHERE aa.article_id IN {NEW}", (since,)):
            if names & set(json.loads(r[1] or "[]")):
                changed.add(r[0])
        db.executemany("DELETE FROM story_view_actor_names WHERE actor_id=?", [(r[0],) for r in gone])
    if changed:
        add({r[0] for r in db.execute(
            f"SELECT DISTINCT sa.story_id FROM article_actors aa JOIN story_articles sa ON sa.article_id=aa.article_id "
            f"WHERE aa.actor_id IN ({_in(changed)})", sorted(changed))}, ALL)
    # dates: older articles are re-dated only when the corpus's median year moves (or may have
    # moved: the first pass that finds views has no median to compare with, and checks them all)
    add(_redated(db), ALL)
    return {sid: parts for sid, parts in out.items() if sid in with_view}


def statement_articles(db: sqlite3.Connection, since: int) -> set[str]:
    """The articles holding a quote of a statement that a quote of an article stored after rowid
    ``since`` joined (a statement changes only then, and then holds them all)."""
    have = tables(db)
    if "statement_quotes" not in have or "statements" not in have:
        return set()
    quote_ids: set[str] = set()
    for r in db.execute(f"SELECT s.quote_ids FROM statements s WHERE s.id IN (SELECT sq.statement_id FROM quotes q "
                        f"JOIN statement_quotes sq ON sq.quote_id=q.id WHERE q.article_id IN {NEW})", (since,)):
        quote_ids |= set(json.loads(r[0] or "[]"))
    qs = sorted(quote_ids)
    aids: set[str] = set()
    for k in range(0, len(qs), 500):
        part = qs[k:k + 500]
        aids |= {r[0] for r in db.execute(f"SELECT article_id FROM quotes WHERE id IN ({_in(part)})", part)}
    return aids


def _redated(db: sqlite3.Connection) -> set[str]:
    """Stories with a view whose articles were re-dated since it was built, looked for only when the
    corpus's median year moved since the last look (``Store.resolve_dates`` re-dates older articles
    only then) or was never recorded; their own first and last dates follow their members."""
    median = db.execute("SELECT value FROM meta WHERE key='dates_median'").fetchone()
    seen = db.execute("SELECT value FROM meta WHERE key='story_views_dates_median'").fetchone()
    if not median:
        return set()
    redated: set[str] = set()
    if seen is None or median[0] != seen[0]:
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in db.execute("SELECT sa.story_id, a.id, a.published FROM story_articles sa JOIN articles a "
                            "ON a.id=sa.article_id"):
            members[r[0]].append({"id": r[1], "published": r[2]})
        redated = {sid for sid, dk in db.execute("SELECT story_id, dates_key FROM story_views")
                   if _dates_key(members.get(sid, [])) != dk}
        _set_dates(db, redated)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('story_views_dates_median', ?)", (median[0],))
    return redated


def _set_dates(db: sqlite3.Connection, sids: set[str]) -> None:
    """A story's first and last dates from its members' (after articles were re-dated)."""
    db.executemany("UPDATE stories SET first_date=(SELECT min(a.published) FROM story_articles sa JOIN articles a "
                   "ON a.id=sa.article_id WHERE sa.story_id=stories.id), last_date=(SELECT max(a.published) FROM "
                   "story_articles sa JOIN articles a ON a.id=sa.article_id WHERE sa.story_id=stories.id) "
                   "WHERE id=?", [(sid,) for sid in sorted(sids)])


def mark(db: sqlite3.Connection) -> int:
    """The rowid up to which articles have been taken into the views (before a pass: its start)."""
    r = db.execute("SELECT value FROM meta WHERE key='story_views_rowid'").fetchone()
    if r:
        return int(r[0])
    # first pass on this store: the articles not yet in a story are the new ones, all after the
    # stories mark when there is one (every article up to it is in a story: api.aggregate), so the
    # articles before it are not read (0.2-0.3 s at 100,000)
    r = db.execute("SELECT value FROM meta WHERE key='stories_rowid'").fetchone()
    r = db.execute("SELECT min(rowid) FROM articles WHERE rowid > ? AND id NOT IN (SELECT article_id FROM story_articles)",
                   (int(r[0]) if r else 0,)).fetchone()
    return (r[0] or 1) - 1


def defer(db: sqlite3.Connection, touched: set[str]) -> None:
    """Instead of ``refresh``, in a pass of a bulk ingest that more passes follow: the stories the
    pass changed wait in ``story_view_stale`` (served computed on the spot meanwhile), and the views
    mark stays where it is, so the next ``refresh`` sees every article stored since the last one
    and builds each deferred story once. Building the views of the stories a pass touched at every
    pass made an ingest quadratic in the length of its stories: at 10,000 synthetic articles, 8
    stories of 830-1,670 articles each, their views took 23 s of every 256 articles' 64 s."""
    db.executemany("INSERT OR IGNORE INTO story_view_stale VALUES (?,?)", [(sid, DEFERRED) for sid in sorted(touched)])


def settle(db: sqlite3.Connection) -> int:
    """Build the views that passes deferred (``defer``) when no pass followed them (an ingest whose
    last article closed a pass). Returns the number of views written whole or in part."""
    if "story_view_stale" not in tables(db) or not db.execute(
            "SELECT 1 FROM story_view_stale WHERE part=? LIMIT 1", (DEFERRED,)).fetchone():
        return 0
    since = mark(db)
    with db:
        return refresh(db, set(), since)


def refresh(db: sqlite3.Connection, touched: set[str], since: int) -> int:
    """Bring the stored views up to date after an aggregation pass (inside its transaction): the
    stories it touched are built whole; the parts ``stale`` finds join those still waiting in
    ``story_view_stale``, of which a pass builds again the parts of a bounded number of stories
    (``PARTIAL_ARTICLES_PER_PASS``) and at most ``STALE_PER_PASS`` whole views; and a few stories of
    an older store get a view. A story waiting in ``story_view_stale`` is served computed on the
    spot until then. Returns the number of views written whole or in part."""
    if "story_views" not in tables(db):
        return 0
    from .story_joins import Joins

    # the stories earlier passes deferred (defer) are this pass's too
    deferred = {r[0] for r in db.execute("SELECT story_id FROM story_view_stale WHERE part=?", (DEFERRED,))}
    if deferred:
        db.execute("DELETE FROM story_view_stale WHERE part=?", (DEFERRED,))
        touched = set(touched) | deferred
        # articles re-dated since a deferred story was described: what _redated does for a story
        # with a view, had the pass built it (a no-op unless the corpus's median year moved)
        _set_dates(db, deferred)
    groups = _Groups(db)
    found = stale(db, since)
    db.executemany("INSERT OR IGNORE INTO story_view_stale VALUES (?,?)",
                   [(sid, p) for sid, parts in sorted(found.items()) if sid not in touched for p in sorted(parts)])
    # a story articles joined: its stored view extended by them when it can be (story_joins), else built whole
    joins = Joins(db, since)
    extended = {sid for sid in sorted(touched) if joins.extend(sid, found.get(sid, set()), groups)}
    n = len(extended) + write(db, set(touched) - extended, groups)
    waiting: dict[str, set[str]] = defaultdict(set)
    for sid, part in db.execute("SELECT story_id, part FROM story_view_stale ORDER BY story_id, part"):
        waiting[sid].add(part)
    whole = [sid for sid, parts in waiting.items() if ALL in parts]
    budget = PARTIAL_ARTICLES_PER_PASS
    for sid, parts in waiting.items():
        if ALL in parts or budget <= 0:
            continue
        size = db.execute("SELECT count(*) FROM story_articles WHERE story_id=?", (sid,)).fetchone()[0]
        if size > budget and budget < PARTIAL_ARTICLES_PER_PASS:
            continue  # a smaller story may still fit; this one waits for a pass of its own
        budget -= size
        if update(db, sid, parts, groups):
            n += 1
        else:
            whole.append(sid)  # no view of this version to update: built whole, like the others
    n += write(db, sorted(whole)[:STALE_PER_PASS], groups)
    n += write(db, set(_missing(db, BACKFILL_PER_PASS)), groups)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('story_views_rowid', (SELECT COALESCE(max(rowid), 0) FROM articles))")
    if deferred and not db.execute("SELECT 1 FROM meta WHERE key='story_views_dates_median'").fetchone():
        # the first views of this store were all built just now, with the articles' dates of now
        db.execute("INSERT INTO meta SELECT 'story_views_dates_median', value FROM meta WHERE key='dates_median' "
                   "AND EXISTS (SELECT 1 FROM story_views)")
    return n


def _missing(db: sqlite3.Connection, limit: int = -1) -> list[str]:
    """Stories without a view of this version (a store built before story views, or by other code)."""
    return [r[0] for r in db.execute("SELECT id FROM stories WHERE id NOT IN (SELECT story_id FROM story_views "
                                     "WHERE version=?) ORDER BY id LIMIT ?", (version(), limit))]


def backfill(db: sqlite3.Connection) -> int:
    """Views for every story that has none of this version (a store built before story views), and
    whole views for those with parts waiting in ``story_view_stale`` or with re-dated articles."""
    with db:
        todo = set(_missing(db))
        if "story_view_stale" in tables(db):
            todo |= {r[0] for r in db.execute("SELECT DISTINCT story_id FROM story_view_stale")}
        # and the views' dates checked once here, not by the next aggregation pass
        todo |= _redated(db) if "story_views" in tables(db) else set()
        return write(db, todo)
