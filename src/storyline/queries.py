"""Read-only queries behind the HTTP API, the web UI and the HTML report.

Every function takes an open ``sqlite3.Connection`` (the server opens the file read-only) and
returns plain dicts. Tables written by other stages (events, claim_groups, statements) are
read when they exist and are empty otherwise, so the API works on any store.
"""
from __future__ import annotations

import base64
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from . import story_views
from .stories import copied_map, tables

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
    after: str | None = None

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
        if self.after and self.offset:
            raise BadQuery("give either after= (the `next` of the previous page) or offset=, not both")


def _actor_ids(db: sqlite3.Connection, actor: str) -> list[str]:
    like = f"%{actor}%"
    return [r[0] for r in db.execute(
        "SELECT id FROM actors WHERE id=? OR name LIKE ? OR aliases LIKE ?", (actor, like, like))]


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids)) if ids else "NULL"


def _order_keys(order: str) -> list[tuple[str, bool]]:
    """An ORDER BY clause as (expression, descending) pairs (commas inside parentheses kept)."""
    out, depth, cur = [], 0, ""
    for ch in order + ",":
        if ch == "," and depth == 0:
            e = cur.strip()
            desc = e.upper().endswith(" DESC")
            out.append((e[:-5].strip() if desc else e, desc))
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    return out


def cursor(values: list[Any]) -> str:
    """The opaque ``next`` of a page: the sort key of its last row."""
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _uncursor(text: str, n: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != n:
        raise BadQuery("after= is not a cursor of this list; pass the `next` value of the previous page as it is")
    return values


def _after(keys: list[tuple[str, bool]], values: list[Any]) -> tuple[str, list[Any]]:
    """SQL true for the rows that sort after ``values`` under ``keys``. SQLite sorts NULL first
    ascending and last descending, so a NULL in the cursor is compared with IS NULL."""
    sql = "0"
    args: list[Any] = []
    for (e, desc), v in reversed(list(zip(keys, values))):
        e = e if re.fullmatch(r"[\w.]+", e) else f"({e})"
        if v is None:
            gt, gargs = ("0" if desc else f"{e} IS NOT NULL"), []
            eq, eargs = f"{e} IS NULL", []
        else:
            gt, gargs = (f"({e} < ? OR {e} IS NULL)" if desc else f"{e} > ?"), [v]
            eq, eargs = f"{e} = ?", [v]
        sql, args = f"({gt} OR ({eq} AND {sql}))", [*gargs, *eargs, *args]
    # the same as a range on the leading ascending keys, so an index on them is entered at the cursor
    lead = []
    for (e, desc), v in zip(keys, values):
        if desc or v is None:
            break
        lead.append((e if re.fullmatch(r"[\w.]+", e) else f"({e})", v))
    if lead:
        sql = f"({', '.join(e for e, _ in lead)}) >= ({', '.join('?' * len(lead))}) AND {sql}"
        args = [v for _, v in lead] + args
    return sql, args


def _page(db: sqlite3.Connection, select: str, base: str, where: list[str], args: list[Any], order: str,
          f: Filters, row: Any, count_base: str | None = None, main: str | None = None) -> dict[str, Any]:
    """One page of a list: {total, limit, offset, items, next}. ``next`` is a cursor (keyset
    paging): ``after=<next>`` gives the following page by seeking to it, where a deep ``offset``
    walks every row before it. ``main``: the alias of the listed table; with it, an offset walks
    only the rowids and sort keys (covering indexes), and only the page's rows are read in full."""
    w = (" WHERE " + " AND ".join(where)) if where else ""
    # joins that cannot change the count (actor names; articles when no filter reads them) are left out
    cbase = count_base or re.sub(r" LEFT JOIN actors \w+ ON [\w.]+=[\w.]+", "", base)
    if count_base is None and not any("a." in x for x in where):
        cbase = re.sub(r" JOIN articles a ON a\.id=\w+\.article_id", "", cbase)
    total = db.execute(f"SELECT count(*) {cbase}{w}", args).fetchone()[0]
    keys = _order_keys(order)
    kcols = ", ".join(f"{e} AS _k{i}" for i, (e, _) in enumerate(keys))
    pwhere, pargs = list(where), list(args)
    if f.after:
        sql, more = _after(keys, _uncursor(f.after, len(keys)))
        pwhere.append(sql)
        pargs.extend(more)
    pw = (" WHERE " + " AND ".join(pwhere)) if pwhere else ""
    if main and f.offset:
        inner = re.sub(r" LEFT JOIN actors \w+ ON [\w.]+=[\w.]+", "", base)
        rows = db.execute(f"SELECT {select}, {kcols} {base} WHERE {main}.rowid IN (SELECT {main}.rowid {inner}{pw} "
                          f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
                          [*pargs, f.limit + 1, f.offset]).fetchall()
    else:
        rows = db.execute(f"SELECT {select}, {kcols} {base}{pw} ORDER BY {order} LIMIT ? OFFSET ?",
                          [*pargs, f.limit + 1, f.offset]).fetchall()
    nxt = cursor([rows[f.limit - 1][f"_k{i}"] for i in range(len(keys))]) if len(rows) > f.limit else None
    items = []
    for r in rows[:f.limit]:
        d = row(r)
        for i in range(len(keys)):
            d.pop(f"_k{i}", None)
        items.append(d)
    return {"total": total, "limit": f.limit, "offset": f.offset, "items": items, "next": nxt}


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
        # EXISTS per article: the list is read in date order and stops at the page's end
        neg = "" if f.type == "copied" else "NOT "
        where.append(f"{neg}EXISTS (SELECT 1 FROM copied_paragraphs cp WHERE cp.article_id=a.id)")
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
        if len(where) == 1:  # the search alone: counted in the full-text index, no article read
            return _page(db, select, base, where, args, order, f, dict, count_base="FROM articles_fts")
        return _page(db, select, base, where, args, order, f, dict)
    return _page(db, select, base, where, args, order, f, dict, main="a")


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
    return _page(db, select, base, where, args, order, f, dict, main=base.split()[2])


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
    return {"total": 0, "limit": f.limit, "offset": f.offset, "items": [], "next": None}


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
        # the actors of those articles, found once (not again by the count and by the page), as
        # a list of ids when it fits in SQLite's bound parameters
        named_sql = ("SELECT DISTINCT aa.actor_id FROM article_actors aa JOIN articles a ON a.id=aa.article_id "
                     f"WHERE {' AND '.join(sub)}")
        named = [r[0] for r in db.execute(named_sql + " LIMIT 10001", sargs)]
        if len(named) <= 10000:
            where.append(f"ac.id IN ({_in(named)})")
            args.extend(named)
        else:
            where.append(f"ac.id IN ({named_sql})")
            args.extend(sargs)

    def row(r: sqlite3.Row) -> dict[str, Any]:
        d = _actor_row(r)
        d["quotes"] = d.pop("nq")
        d["articles"] = db.execute("SELECT count(DISTINCT article_id) FROM article_actors WHERE actor_id=?",
                                   (r["id"],)).fetchone()[0]
        return d

    # the filters apply inside, so quotes are counted (through the speaker index) for the matching
    # actors only; LIMIT -1 keeps SQLite from flattening the count into every use of it
    w = (" WHERE " + " AND ".join(where)) if where else ""
    return _page(db, "ac.*", "FROM (SELECT ac.*, (SELECT count(*) FROM quotes q WHERE q.speaker_id=ac.id) AS nq "
                 f"FROM actors ac{w} LIMIT -1) ac", [], args, "ac.nq = 0, ac.nq DESC, ac.name, ac.id", f, row,
                 count_base=f"FROM actors ac{w}")


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


def _story_row(db: sqlite3.Connection, sid: str) -> dict[str, Any]:
    if "stories" not in tables(db):
        raise NotFound(f"no story {sid}")
    r = db.execute("SELECT * FROM stories WHERE id=?", (sid,)).fetchone()
    if r is None:
        raise NotFound(f"no story {sid}")
    return dict(r)


def story(db: sqlite3.Connection, rid: str) -> dict[str, Any]:
    """Everything the story page shows: articles, timeline, positions, claim groups, the actor
    graph (events) and quotes by speaker, with copied paragraphs marked. Title, summary and dates
    are read live; the rest is the view stored at aggregation (``story_views``), or computed now
    when there is none that can be trusted."""
    out = _story_row(db, rid)
    out.update(story_views.load(db, rid))
    return out


def story_page(db: sqlite3.Connection, rid: str) -> dict[str, Any]:
    """What the story page needs: the story row with its stored, pre-rendered sections
    (``sections_html``, ``n_articles``, ``n_copied``) when they can be trusted, else ``story``."""
    row = _story_row(db, rid)
    page = story_views.stored_page(db, rid)
    if page is None:
        return story(db, rid)
    return {**row, "n_articles": page["n_articles"], "n_copied": page["n_copied"], "sections_html": page["html"]}


def story_json(db: sqlite3.Connection, rid: str) -> str:
    """``story`` as JSON text; a stored view is spliced in as stored, without parsing it."""
    row = _story_row(db, rid)
    view = story_views.stored_json(db, rid)
    if view is None:
        return json.dumps({**row, **story_views.public(story_views.compute(db, rid))}, ensure_ascii=False)
    return json.dumps(row, ensure_ascii=False)[:-1] + "," + view[1:]
