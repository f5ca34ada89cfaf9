"""One new article into a big store: time of `api.ingest` of one file, the model already loaded,
into an empty store and into a store of N articles (median of several new articles).

    python bench/incremental.py [--articles 100000] [--db out/bench/store_N.db] [--rebuild]

The big store is synthesised by writing rows directly (an hour of spaCy otherwise): 24 variants
of our fictional sample are analysed and stored for real (Store.write, actors resolved); every
further article is a copy of one of them with a unique closing line appended (so every record's
offsets still hold), its articles/quotes/claims/article_actors rows and its full-text entry
inserted with executemany in large transactions; 30,000 extra person actors with invented names
make the actor table large as well. The 24 originals go through every cross-article step for
real (api.aggregate); each copy's events are copied too (each its own event cluster), the copies
of one original form stories of 100 articles, each round of copies is dated a day later than the
last (so the store spans years, about 24 reports a day), and the steps' marks are moved past the copies, as if
they had been aggregated: their paragraphs are not entered for copy detection, nor their quotes
for statements, so those two steps are measured against the originals' rows only; their claims are
keyed and grouped (claimgroups.backfill), as their ingests would have done. Cached under
out/bench/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import string
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from storyline import api, claimgroups, story_views, synth  # noqa: E402
from storyline.names import person_key  # noqa: E402
from storyline.records import stable_id, text_id  # noqa: E402
from storyline.store import Store  # noqa: E402

TEMPLATES = 24
EXTRA_PERSONS = 30_000
STORY_SIZE = 100


def build(db: str, n: int) -> float:
    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    store = Store(db)
    for an in api.analyze_texts(list(synth.articles(TEMPLATES))):
        store.write(an)
    api.aggregate(store)  # the templates are aggregated for real: stories, clusters, statements, groups
    con = store.db
    con.row_factory = None
    tpl = []
    for (aid,) in con.execute("SELECT id FROM articles ORDER BY path").fetchall():
        art = con.execute("SELECT * FROM articles WHERE id=?", (aid,)).fetchone()
        tpl.append(
            (
                art,
                con.execute("SELECT * FROM quotes WHERE article_id=?", (aid,)).fetchall(),
                con.execute("SELECT * FROM claims WHERE article_id=?", (aid,)).fetchall(),
                con.execute("SELECT * FROM article_actors WHERE article_id=?", (aid,)).fetchall(),
                con.execute("SELECT * FROM events WHERE article_id=?", (aid,)).fetchall(),
                con.execute("SELECT s.* FROM stories s JOIN story_articles sa ON sa.story_id=s.id "
                            "WHERE sa.article_id=?", (aid,)).fetchone(),
            )
        )
    rowid = con.execute("SELECT max(rowid) FROM articles").fetchone()[0]
    batch: dict[str, list] = {"a": [], "f": [], "q": [], "c": [], "aa": [], "e": [], "ec": [], "s": [], "st": []}

    def flush() -> None:
        with con:
            con.executemany(
                "INSERT INTO articles (rowid,id,path,outlet,dateline,published,published_source,"
                "dateline_date,title,url,body_start,repeated,text,ingested_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                batch["a"],
            )
            con.executemany("INSERT INTO articles_fts(rowid,title,text) VALUES (?,?,?)", batch["f"])
            con.executemany(f"INSERT INTO quotes VALUES ({','.join('?' * 13)})", batch["q"])
            con.executemany(f"INSERT INTO claims VALUES ({','.join('?' * 15)})", batch["c"])
            con.executemany("INSERT INTO article_actors VALUES (?,?,?)", batch["aa"])
            con.executemany(f"INSERT INTO events VALUES ({','.join('?' * 19)})", batch["e"])
            con.executemany("INSERT INTO event_clusters VALUES (?,?)", batch["ec"])
            con.executemany("INSERT OR IGNORE INTO stories VALUES (?,?,?,?,?)", batch["st"])
            con.executemany("INSERT INTO story_articles VALUES (?,?)", batch["s"])
        for v in batch.values():
            v.clear()

    def later(day: str | None, by: int) -> str | None:
        try:
            return (dt.date.fromisoformat(day) + dt.timedelta(days=by)).isoformat() if day else day
        except ValueError:
            return day

    for k in range(TEMPLATES, n):
        art, quotes, claims, links, events, story = tpl[k % TEMPLATES]
        # the n-th round of copies is dated n days later: a store that spans years, ~24 reports a day
        by = k // TEMPLATES
        # a copy's date counts as given (its source 'metadata', not 'weekday'): otherwise resolve_dates
        # re-decides the year from the month, day and weekday of its template and brings every such
        # copy back to the template's date, piling a quarter of the store into ten days
        source = "metadata" if art[5] == "weekday" and art[4] else art[5]
        art = (*art[:4], later(art[4], by), source, later(art[6], by), *art[7:])
        claims = [(*c[:13], later(c[13], by), c[14]) for c in claims]
        events = [(*e[:11], later(e[11], by), *e[12:]) for e in events]
        if story:
            story = (*story[:3], later(story[3], by), later(story[4], by))
        text = art[11] + f"\n\n(Archive copy {k}.)"
        aid = text_id(text)
        rowid += 1
        batch["a"].append((rowid, aid, f"archive/{k:07d}.txt", *art[2:11], text, art[12]))
        batch["f"].append((rowid, art[7] or "", text))
        batch["q"] += [(stable_id(aid, "quote", q[3], q[4], q[2]), aid, *q[2:]) for q in quotes]
        batch["c"] += [(stable_id(aid, "claim", c[2], c[3]), aid, *c[2:]) for c in claims]
        batch["aa"] += [(aid, lk, gid) for _, lk, gid in links]
        # a copy's events are events of their own (one cluster each); copies of one original make
        # stories of STORY_SIZE articles, like a long-running story's reports
        for e in events:
            eid = stable_id(aid, "event", e[2], e[3], e[4])
            cid = stable_id("event_cluster", eid)
            batch["e"].append((eid, aid, *e[2:18], cid))
            batch["ec"].append((cid, json.dumps([eid])))
        if story:
            sid = stable_id("story", story[0], k // (TEMPLATES * STORY_SIZE))
            batch["st"].append((sid, *story[1:]))
            batch["s"].append((aid, sid))
        if len(batch["a"]) >= 5000:
            flush()
    flush()
    rnd = random.Random(7)
    names = {
        " ".join(
            rnd.choice(string.ascii_uppercase)
            + "".join(rnd.choice("aeiounrstlkv") for _ in range(rnd.randint(3, 8)))
            for _ in range(2)
        )
        for _ in range(EXTRA_PERSONS)
    }
    with con:
        con.executemany(
            "INSERT OR IGNORE INTO actors (id, name, kind, country, roles, aliases, match_key) VALUES (?,?,?,?,?,?,?)",
            [
                (
                    stable_id("actor", "person", person_key(nm)),
                    nm,
                    "person",
                    None,
                    "[]",
                    json.dumps([nm]),
                    person_key(nm),
                )
                for nm in sorted(names)
            ],
        )
    con.row_factory = sqlite3.Row
    store.resolve_dates()  # as the ingests that built a real store would have
    with con:  # the copies' claims are keyed and grouped as their ingests would have (claimgroups.backfill)
        con.execute("DELETE FROM meta WHERE key='claim_keys'")
    claimgroups.backfill(store)
    # the copies count as aggregated (see the module docstring): the marks of every cross-article step move on
    with con:
        # (the views' too: story_views.backfill builds every story's view before timing; left at the
        # originals' 24, the first timed ingest read every copy as new to the views, 1.5 s)
        for key in ("claim_groups_rowid", "aggregated_rowid", "stories_rowid", "story_views_rowid"):
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, (SELECT max(rowid) FROM articles))", (key,))
    store.close()
    return time.perf_counter() - t0


def time_one(db: str, texts: list[str]) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as d:
        for i, t in enumerate(texts):
            p = os.path.join(d, f"new_{i}.txt")
            with open(p, "w", encoding="utf-8") as f:
                f.write(t)
            t0 = time.perf_counter()
            rep = api.ingest([p], db=db)
            out.append(time.perf_counter() - t0)
            assert rep.added == 1, rep
    return out


def time_joins(db: str, k: int) -> list[float]:
    """Reports joining the ``k`` largest stories (2,000 articles): a copy of a member's text with a
    line appended, dated on the story's last day. The copies' stories were written without terms
    (see the module), so each is given its original's first, as the copies' ingests would have left
    them, and a report like its members joins it."""
    con = sqlite3.connect(db)
    big = [r[0] for r in con.execute("SELECT story_id FROM story_articles GROUP BY story_id "
                                     "ORDER BY count(*) DESC, story_id LIMIT ?", (k,))]
    arts = []
    with con:
        for n, sid in enumerate(big):
            text, outlet, title = con.execute(
                "SELECT a.text, a.outlet, a.title FROM story_articles sa JOIN articles a ON a.id=sa.article_id "
                "WHERE sa.story_id=? ORDER BY a.published DESC, a.id LIMIT 1", (sid,)).fetchone()
            con.execute("INSERT OR IGNORE INTO story_terms SELECT ?, term, weight FROM story_terms WHERE story_id=("
                        "SELECT sa.story_id FROM articles a JOIN story_articles sa ON sa.article_id=a.id "
                        "WHERE a.rowid <= ? AND a.title IS ? LIMIT 1)", (sid, TEMPLATES, title))
            last = con.execute("SELECT last_date FROM stories WHERE id=?", (sid,)).fetchone()[0]
            arts.append({"id": f"join-{n}", "text": text + "\n\n(A follow-up, filed later.)", "outlet": outlet,
                         "published": last, "title": title})
    con.close()
    out = []
    with tempfile.TemporaryDirectory() as d:
        for art, sid in zip(arts, big):
            p = os.path.join(d, art["id"] + ".jsonl")
            with open(p, "w", encoding="utf-8") as f:
                f.write(json.dumps(art) + "\n")
            t0 = time.perf_counter()
            rep = api.ingest([p], db=db)
            out.append(time.perf_counter() - t0)
            assert rep.added == 1, rep
            with sqlite3.connect(db) as con:
                joined = con.execute("SELECT sa.story_id FROM articles a JOIN story_articles sa ON sa.article_id=a.id "
                                     "WHERE a.path=?", (art["id"],)).fetchone()[0]
            assert joined == sid, (art["id"], joined, sid)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", default=None)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--json", default=None)
    ap.add_argument("--join-large", type=int, default=0,
                    help="also time this many reports joining the largest stories (see time_joins)")
    args = ap.parse_args()
    db = args.db or os.path.join(ROOT, "out", "bench", f"store_{args.articles}.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    built = None
    ok = os.path.exists(db) and not args.rebuild
    if ok:
        with sqlite3.connect(db) as con:
            ok = con.execute("SELECT count(*) FROM articles").fetchone()[0] >= args.articles
    if not ok:
        built = build(db, args.articles)
    store = Store(db)
    claimgroups.backfill(store)  # a store cached before claim keys were kept: keyed once, not in a timed ingest
    claimgroups.backfill_decided_on(store)  # and before the day a conflict is decided on was kept
    with store.db:  # and before the stories mark was kept (every article of it is in a story)
        store.db.execute("INSERT OR IGNORE INTO meta VALUES ('stories_rowid', (SELECT max(rowid) FROM articles))")
    story_views.backfill(store.db)  # and before story views were stored: built once here, not in a timed ingest
    # the planner's statistics as a store built by ingests has them (each pass ends with a bounded
    # ANALYZE): the copies were written directly, so those of the 24 originals were left, and the
    # first timed ingest ran its queries on plans for a 24-article store (full scans) until its own
    # ANALYZE; a store cached before this line has them too
    store.db.execute("PRAGMA analysis_limit=400")
    store.db.execute("ANALYZE")
    store.db.commit()
    store.close()
    # a copy, so the timed ingests do not grow the cached store
    work = db + ".work"
    src, dst = sqlite3.connect(db), sqlite3.connect(work)
    src.backup(dst)
    src.close()
    dst.close()
    # the copy's 2 GB on disk before timing: otherwise the first fsync of an ingest (a WAL
    # checkpoint) writes back the whole copy (0.8 s of the first ingest)
    fd = os.open(work, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    api.analyze_texts(["Warm-up: the model is loaded before timing."])
    news = [a["text"] for a in synth.articles(5, start=10_000_000)]
    with tempfile.TemporaryDirectory() as d:
        empty = time_one(os.path.join(d, "empty.db"), news)
    big = time_one(work, news)
    joins = time_joins(work, args.join_large) if args.join_large else []
    with sqlite3.connect(work) as con:
        n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        actors = con.execute("SELECT count(*) FROM actors").fetchone()[0]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    res = {
        "store_articles": n - len(news) - len(joins),
        "store_actors": actors,
        "build_seconds": built,
        "empty_store_seconds": statistics.median(empty),
        "big_store_seconds": statistics.median(big),
        "big_store_max_seconds": max(big),
        "big_store_each_seconds": [round(t, 3) for t in big],
    }
    res["ratio_big_vs_empty"] = res["big_store_seconds"] / res["empty_store_seconds"]
    if joins:
        res["join_largest_story_seconds"] = statistics.median(joins)
        res["join_largest_story_each_seconds"] = [round(t, 3) for t in joins]
    print(json.dumps(res, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
