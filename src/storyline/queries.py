"""Read-only queries behind the HTTP API, the web UI and the HTML report.

Every function takes an open ``sqlite3.Connection`` (the server opens the file read-only) and
returns plain dicts. Tables written by other stages (events, claim_groups, statements) are
read when they exist and are empty otherwise, so the API works on any store.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .stories import copied_map, in_copied, positions, story_article_ids, tables, timeline

MAX_LIMIT = 500


class NotFound(Exception):
    """No record with that id."""


class BadQuery(Exception):
    """A query parameter that cannot be used; the message says how to fix it."""


def connect(path: str) -> sqlite3.Connection:
    """Open a store read-only (an ingest may be writing to the same WAL file meanwhile)."""
    import os

    if not os.path.exists(path):
        raise FileNotFoundError(f"no database at {path}; run `storyline ingest PATH --db {path}` first")
    db = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True, timeout=10, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


@dataclass
class Filters:
    """The filters every list endpoint accepts."""

    actor: str | None = None
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    type: str | None = None
    story: str | None = None
    article: str | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0

    def check(self) -> None:
        import datetime as dt

        for name in ("date_from", "date_to"):
            v = getattr(self, name)
            if v:
                try:
                    dt.date.fromisoformat(v)
                except ValueError:
                    raise BadQuery(f"{name}={v!r} is not a date; write it as YYYY-MM-DD") from None
        if not 1 <= self.limit <= MAX_LIMIT:
            raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}")
        if self.offset < 0:
            raise BadQuery("offset must be 0 or more")


def _actor_ids(db: sqlite3.Connection, actor: str) -> list[str]:
    like = f"%{actor}%"
    return [r[0] for r in db.execute(
        "SELECT id FROM actors WHERE id=? OR name LIKE ? OR aliases LIKE ?", (actor, like, like))]


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids)) if ids else "NULL"


def _page(db: sqlite3.Connection, select: str, base: str, where: list[str], args: list[Any], order: str,
          f: Filters, row: Any, count_base: str | None = None) -> dict[str, Any]:
    w = (" WHERE " + " AND ".join(where)) if where else ""
    # joins that cannot change the count (actor names; articles when no filter reads them) are left out
    cbase = count_base or re.sub(r" LEFT JOIN actors \w+ ON [\w.]+=[\w.]+", "", base)
    if not any("a." in x for x in where):
        cbase = re.sub(r" JOIN articles a ON a\.id=\w+\.article_id", "", cbase)
    total = db.execute(f"SELECT count(*) {cbase}{w}", args).fetchone()[0]
    rows = db.execute(f"SELECT {select} {base}{w} ORDER BY {order} LIMIT ? OFFSET ?", [*args, f.limit, f.offset])
    return {"total": total, "limit": f.limit, "offset": f.offset, "items": [row(r) for r in rows]}


def _article_filters(db: sqlite3.Connection, f: Filters, where: list[str], args: list[Any], a: str = "a",
                     date: str | None = None) -> None:
    date = date or f"{a}.published"
    for value, clause in ((f.outlet, f"{a}.outlet = ? COLLATE NOCASE"), (f.date_from, f"{date} >= ?"),
                          (f.date_to, f"{date} <= ?"),
                          (f.story, f"{a}.id IN (SELECT article_id FROM story_articles WHERE story_id=?)"),
                          (f.article, f"{a}.id = ?")):
        if value:
            where.append(clause)
            args.append(value)


def _fts(q: str) -> str:
    """A user's search as an FTS5 query: words are matched as they are (all must occur), so
    punctuation in the query cannot make a syntax error."""
    words = [w for w in q.replace('"', " ").split() if w]
    return " ".join(f'"{w}"' for w in words)


def list_articles(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    f.check()
    where: list[str] = []
    args: list[Any] = []
    _article_filters(db, f, where, args)
    if f.actor:
        ids = _actor_ids(db, f.actor)
        where.append(f"a.id IN (SELECT article_id FROM article_actors WHERE actor_id IN ({_in(ids)}))")
        args.extend(ids)
    if f.type:
        if f.type not in ("original", "copied"):
            raise BadQuery("type for articles is 'original' (no copied paragraph) or 'copied'")
        neg = "" if f.type == "copied" else "NOT "
        where.append(f"a.id {neg}IN (SELECT article_id FROM copied_paragraphs)")
    select = ("a.id, a.path, a.outlet, a.dateline, a.published, a.published_source, a.title, "
              "(SELECT story_id FROM story_articles WHERE article_id=a.id) AS story_id")
    base = "FROM articles a"
    order = "a.published DESC, a.id DESC"
    if f.q and _fts(f.q):
        base = "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        where.append("articles_fts MATCH ?")
        args.append(_fts(f.q))
        select += ", snippet(articles_fts, 1, char(2), char(3), '…', 14) AS snippet"
        order = "articles_fts.rank, a.id"
    return _page(db, select, base, where, args, order, f, dict)


def _records(db: sqlite3.Connection, f: Filters, actor_cols: tuple[str, ...], type_sql: str, select: str,
             base: str, order: str, date: str | None = None, text_col: str | None = None) -> dict[str, Any]:
    """A page of per-article records (quotes, claims, events) with the common filters."""
    f.check()
    where: list[str] = []
    args: list[Any] = []
    _article_filters(db, f, where, args, date=date)
    if f.actor:
        ids = _actor_ids(db, f.actor)
        where.append("(" + " OR ".join(f"{c} IN ({_in(ids)})" for c in actor_cols) + ")")
        args.extend(ids * len(actor_cols))
    if f.type:
        where.append(type_sql)
        args.append(f.type)
    if f.q and text_col:
        where.append(f"{text_col} LIKE ?")
        args.append(f"%{f.q}%")
    return _page(db, select, base, where, args, order, f, dict)


def list_quotes(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    return _records(db, f, ("q.speaker_id",), "q.kind = ?",
                    "q.*, a.outlet, a.published, a.title AS article_title, ac.name AS speaker_name",
                    "FROM quotes q JOIN articles a ON a.id=q.article_id LEFT JOIN actors ac ON ac.id=q.speaker_id",
                    "a.published, a.id, q.start, q.id", text_col="q.text")


def list_claims(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    return _records(db, f, ("c.claimed_by_id",), "c.counts = ?",
                    "c.*, a.outlet, a.published, ac.name AS claimed_by_name",
                    "FROM claims c JOIN articles a ON a.id=c.article_id LEFT JOIN actors ac ON ac.id=c.claimed_by_id",
                    "a.published, a.id, c.start, c.id", text_col="c.text")


def _empty(f: Filters) -> dict[str, Any]:
    return {"total": 0, "limit": f.limit, "offset": f.offset, "items": []}


def list_events(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    if "events" not in tables(db):
        f.check()
        return _empty(f)
    return _records(db, f, ("e.actor_id", "e.recipient_id"), "e.event_type = ? COLLATE NOCASE",
                    "e.*, a.outlet, a.published, ac.name AS actor_name, rc.name AS recipient_name",
                    "FROM events e JOIN articles a ON a.id=e.article_id LEFT JOIN actors ac ON ac.id=e.actor_id "
                    "LEFT JOIN actors rc ON rc.id=e.recipient_id",
                    "COALESCE(e.date, a.published), a.id, e.start, e.id", date="COALESCE(e.date, a.published)")


def _actor_row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    for k in ("roles", "aliases"):
        d[k] = json.loads(d[k] or "[]")
    d.pop("match_key", None)
    return d


def list_actors(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    f.check()
    where: list[str] = []
    args: list[Any] = []
    if f.actor or f.q:
        ids = _actor_ids(db, f.actor or f.q or "")
        where.append(f"ac.id IN ({_in(ids)})")
        args.extend(ids)
    if f.type:
        where.append("ac.kind = ?")
        args.append(f.type)
    sub: list[str] = []
    sargs: list[Any] = []
    _article_filters(db, f, sub, sargs)
    if sub:
        where.append("ac.id IN (SELECT aa.actor_id FROM article_actors aa JOIN articles a ON a.id=aa.article_id "
                     f"WHERE {' AND '.join(sub)})")
        args.extend(sargs)
    def row(r: sqlite3.Row) -> dict[str, Any]:
        d = _actor_row(r)
        d["quotes"] = d["quotes"] or 0
        d["articles"] = db.execute("SELECT count(DISTINCT article_id) FROM article_actors WHERE actor_id=?",
                                   (r["id"],)).fetchone()[0]
        return d

    return _page(db, "ac.*, qc.n AS quotes",
                 "FROM actors ac LEFT JOIN (SELECT speaker_id, count(*) AS n FROM quotes GROUP BY speaker_id) qc "
                 "ON qc.speaker_id=ac.id", where, args, "qc.n IS NULL, qc.n DESC, ac.name, ac.id", f, row,
                 count_base="FROM actors ac")


def list_stories(db: sqlite3.Connection, f: Filters) -> dict[str, Any]:
    f.check()
    if "stories" not in tables(db):
        return _empty(f)
    where: list[str] = []
    args: list[Any] = []
    # the outlets of each story, kept by aggregation (derived from the articles in older stores)
    so = "story_outlets" if "story_outlets" in tables(db) else (
        "(SELECT DISTINCT sa.story_id, a.outlet FROM story_articles sa JOIN articles a ON a.id=sa.article_id "
        "WHERE a.outlet IS NOT NULL)")
    if f.actor:
        ids = _actor_ids(db, f.actor)
        where.append("s.id IN (SELECT sa.story_id FROM story_articles sa JOIN article_actors aa "
                     f"ON aa.article_id=sa.article_id WHERE aa.actor_id IN ({_in(ids)}))")
        args.extend(ids)
    if f.outlet:
        where.append(f"s.id IN (SELECT story_id FROM {so} WHERE outlet = ? COLLATE NOCASE)")
        args.append(f.outlet)
    if f.date_from:
        where.append("COALESCE(s.last_date, s.first_date) >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append("s.first_date <= ?")
        args.append(f.date_to)
    if f.type:
        if f.type not in ("multi_outlet", "single_outlet"):
            raise BadQuery("type for stories is 'multi_outlet' or 'single_outlet'")
        multi = f"SELECT story_id FROM {so} GROUP BY story_id HAVING count(*) > 1"
        where.append(f"s.id {'' if f.type == 'multi_outlet' else 'NOT '}IN ({multi})")
    if f.q:
        where.append("(s.title LIKE ? OR s.summary LIKE ?)")
        args.extend([f"%{f.q}%"] * 2)

    def row(r: sqlite3.Row) -> dict[str, Any]:
        d = dict(r)
        d["article_ids"] = [x[0] for x in db.execute(
            "SELECT article_id FROM story_articles WHERE story_id=? ORDER BY article_id", (r["id"],))]
        d["outlets"] = [x[0] for x in db.execute(f"SELECT outlet FROM {so} WHERE story_id=? ORDER BY outlet",
                                                  (r["id"],))]
        return d

    return _page(db, "s.*", "FROM stories s", where, args,
                 "s.last_date DESC, s.id DESC", f, row)


# ---- single records ------------------------------------------------------------------------
def get_record(db: sqlite3.Connection, rid: str, kind: str) -> dict[str, Any]:
    table = {"quote": "quotes", "claim": "claims", "event": "events", "actor": "actors"}[kind]
    if table not in tables(db):
        raise NotFound(f"no {kind} {rid}")
    r = db.execute(f"SELECT * FROM {table} WHERE id=?", (rid,)).fetchone()
    if r is None:
        raise NotFound(f"no {kind} {rid}")
    return _actor_row(r) if kind == "actor" else dict(r)


def article(db: sqlite3.Connection, rid: str) -> dict[str, Any]:
    """An article with its text and every extracted span (quotes, speakers, claims, events, copies)."""
    aid = rid
    r = db.execute("SELECT * FROM articles WHERE id=?", (aid,)).fetchone()
    if r is None:
        raise NotFound(f"no article {aid}")
    out = dict(r)
    out["repeated"] = json.loads(out.get("repeated") or "[]")
    out.pop("ingested_at", None)
    st = db.execute("SELECT s.id, s.title FROM story_articles sa JOIN stories s ON s.id=sa.story_id "
                    "WHERE sa.article_id=?", (aid,)).fetchone() if "stories" in tables(db) else None
    out["story"] = dict(st) if st else None
    out["quotes"] = [dict(x) for x in db.execute(
        "SELECT q.*, ac.name AS speaker_name FROM quotes q LEFT JOIN actors ac ON ac.id=q.speaker_id "
        "WHERE q.article_id=? ORDER BY q.start, q.id", (aid,))]
    out["claims"] = [dict(x) for x in db.execute(
        "SELECT c.*, ac.name AS claimed_by_name FROM claims c LEFT JOIN actors ac ON ac.id=c.claimed_by_id "
        "WHERE c.article_id=? ORDER BY c.start, c.id", (aid,))]
    out["events"] = [dict(x) for x in db.execute(
        "SELECT e.*, ac.name AS actor_name, rc.name AS recipient_name FROM events e LEFT JOIN actors ac "
        "ON ac.id=e.actor_id LEFT JOIN actors rc ON rc.id=e.recipient_id WHERE e.article_id=? "
        "ORDER BY e.start, e.id", (aid,))] if "events" in tables(db) else []
    out["copied"] = copied_map(db, [aid]).get(aid, [])
    return out


def _claim_groups(db: sqlite3.Connection, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim groups of a story: issue-4 groups when stored, else the story's figures grouped by
    what they count. A point conflicts when another source gives a different figure for the same
    thing on the same date."""
    by_id = {c["id"]: c for c in claims}
    groups: list[dict[str, Any]] = []
    if "claim_groups" in tables(db):
        for g in db.execute('SELECT id, counts, "where", period, verdict, explanation, claim_ids FROM claim_groups '
                            "ORDER BY id"):
            members = [by_id[i] for i in json.loads(g["claim_ids"] or "[]") if i in by_id]
            if members:
                groups.append({"id": g["id"], "counts": g["counts"], "where": g["where"], "period": g["period"],
                               "verdict": g["verdict"], "explanation": g["explanation"], "claims": members})
    if not groups:
        tmp: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in claims:
            if c["counts"]:
                tmp[c["counts"]].append(c)
        for counts, members in sorted(tmp.items()):
            if len(members) >= 2:
                groups.append({"id": f"counts:{counts}", "counts": counts, "where": None, "period": None,
                               "verdict": None, "explanation": None, "claims": members})
    for g in groups:
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
    return groups


def story(db: sqlite3.Connection, rid: str) -> dict[str, Any]:
    """Everything the story page shows: articles, timeline, positions, claim groups, the actor
    graph (events) and quotes by speaker, with copied paragraphs marked."""
    sid = rid
    if "stories" not in tables(db):
        raise NotFound(f"no story {sid}")
    r = db.execute("SELECT * FROM stories WHERE id=?", (sid,)).fetchone()
    if r is None:
        raise NotFound(f"no story {sid}")
    out = dict(r)
    ids = story_article_ids(db, sid)
    out["article_ids"] = sorted(ids)
    q = _in(ids)
    out["articles"] = [dict(x) for x in db.execute(
        f"SELECT id, path, outlet, published, published_source, title FROM articles WHERE id IN ({q}) "
        "ORDER BY published IS NULL, published, id", ids)]
    copied = copied_map(db, ids)
    out["copied"] = [{"article_id": aid, **c} for aid in ids for c in copied.get(aid, [])]
    claims = [dict(x) for x in db.execute(
        f"SELECT c.*, a.outlet, a.published, ac.name AS claimed_by_name FROM claims c JOIN articles a ON "
        f"a.id=c.article_id LEFT JOIN actors ac ON ac.id=c.claimed_by_id WHERE c.article_id IN ({q}) "
        "ORDER BY a.published, c.article_id, c.start", ids)]
    for c in claims:
        c["copied"] = bool(in_copied(copied.get(c["article_id"], []), c["start"]))
    out["claim_groups"] = _claim_groups(db, claims)
    out["timeline"] = timeline(db, sid, ids=ids, copied=copied)
    for i in out["timeline"]:
        i["date"] = i["date"] or "undated"
    out["positions"] = positions(db, sid, ids=ids, copied=copied)
    speakers: dict[str, dict[str, Any]] = {}
    for x in db.execute(
            f"SELECT q.id, q.article_id, q.kind, q.text, q.start, q.speaker_id, ac.name, ac.kind AS actor_kind, "
            f"a.outlet, a.published FROM quotes q JOIN articles a ON a.id=q.article_id LEFT JOIN actors ac ON "
            f"ac.id=q.speaker_id WHERE q.article_id IN ({q}) ORDER BY a.published, q.article_id, q.start", ids):
        key = x["speaker_id"] or "?"
        sp = speakers.setdefault(key, {"actor_id": x["speaker_id"], "name": x["name"] or "unattributed",
                                       "kind": x["actor_kind"], "quotes": []})
        d = dict(x)
        d["copied"] = bool(in_copied(copied.get(x["article_id"], []), x["start"]))
        sp["quotes"].append(d)
    out["speakers"] = sorted(speakers.values(), key=lambda s: (-len(s["quotes"]), s["name"]))
    edges: dict[tuple[str, str, str], int] = defaultdict(int)
    if "events" in tables(db):
        for e in db.execute(
                f"SELECT COALESCE(ac.name, e.actor_text) AS a, COALESCE(rc.name, e.recipient_text) AS r, e.event_type "
                f"FROM events e LEFT JOIN actors ac ON ac.id=e.actor_id LEFT JOIN actors rc ON rc.id=e.recipient_id "
                f"WHERE e.article_id IN ({q}) AND COALESCE(ac.name, e.actor_text) IS NOT NULL", ids):
            edges[(e["a"], e["r"] or "", e["event_type"] or "?")] += 1
    out["graph"] = [{"actor": a, "recipient": r or None, "event_type": t, "count": n}
                    for (a, r, t), n in sorted(edges.items())]
    return out
