"""SQLite storage: one file, WAL mode, FTS5 full-text search over articles.

Each article is written in one transaction with everything found in it, so an interrupted
ingest leaves either the whole article or nothing. Ids are content hashes, so writing the
same article again changes nothing.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

from .errors import StoreError
from .names import fold, person_key, same_person
from .discourse import org_key
from .records import Actor, Analysis, stable_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, path TEXT, outlet TEXT, dateline TEXT, published TEXT, published_source TEXT,
  dateline_date TEXT, title TEXT, url TEXT, body_start INTEGER, repeated TEXT, text TEXT NOT NULL,
  ingested_at REAL
);
CREATE TABLE IF NOT EXISTS actors (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT, roles TEXT, aliases TEXT,
  match_key TEXT
);
CREATE INDEX IF NOT EXISTS actors_key ON actors(kind, match_key);
CREATE TABLE IF NOT EXISTS article_actors (
  article_id TEXT NOT NULL, local_key TEXT NOT NULL, actor_id TEXT NOT NULL,
  PRIMARY KEY (article_id, local_key)
);
CREATE TABLE IF NOT EXISTS quotes (
  id TEXT PRIMARY KEY, article_id TEXT NOT NULL, kind TEXT, start INTEGER, "end" INTEGER, text TEXT,
  cue TEXT, cue_start INTEGER, cue_end INTEGER, speaker_id TEXT, speaker_text TEXT, speaker_start INTEGER,
  speaker_end INTEGER
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_id);
CREATE TABLE IF NOT EXISTS claims (
  id TEXT PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER, "end" INTEGER, text TEXT, value REAL,
  low REAL, high REAL, qualifier TEXT, counts TEXT, unit TEXT, "where" TEXT, claimed_by_id TEXT,
  as_of TEXT, quote_id TEXT
);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_source, published);
CREATE TABLE IF NOT EXISTS failures (path TEXT PRIMARY KEY, reason TEXT, at REAL);
CREATE TABLE IF NOT EXISTS claim_groups (
  id TEXT PRIMARY KEY, counts TEXT, "where" TEXT, period TEXT, verdict TEXT, explanation TEXT,
  claim_ids TEXT /*JSON list*/
);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER, "end" INTEGER, event_type TEXT, mode TEXT,
  context TEXT, actor_id TEXT, actor_text TEXT, recipient_id TEXT, recipient_text TEXT, date TEXT, location TEXT,
  trigger TEXT, trigger_start INTEGER, trigger_end INTEGER, status TEXT /*asserted|negated|future|hypothetical*/,
  quote_id TEXT, cluster_id TEXT
);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_type ON events(event_type, date);
CREATE INDEX IF NOT EXISTS events_actor ON events(actor_id);
CREATE INDEX IF NOT EXISTS events_recipient ON events(recipient_id);
CREATE INDEX IF NOT EXISTS events_cluster ON events(cluster_id);
CREATE TABLE IF NOT EXISTS event_clusters (id TEXT PRIMARY KEY, event_ids TEXT /*JSON list*/);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
CREATE INDEX IF NOT EXISTS article_actors_by_actor ON article_actors(actor_id, article_id);
CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, title TEXT, summary TEXT, first_date TEXT, last_date TEXT);
CREATE TABLE IF NOT EXISTS story_articles (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id);
CREATE TABLE IF NOT EXISTS story_terms (story_id TEXT NOT NULL, term TEXT NOT NULL, weight REAL,
  PRIMARY KEY (story_id, term));
CREATE INDEX IF NOT EXISTS story_terms_term ON story_terms(term);
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS paragraph_shingles (hash INTEGER NOT NULL, article_id TEXT NOT NULL, start INTEGER NOT NULL,
  PRIMARY KEY (hash, article_id, start));
CREATE INDEX IF NOT EXISTS paragraph_shingles_hash ON paragraph_shingles(hash);
CREATE TABLE IF NOT EXISTS story_outlets (story_id TEXT NOT NULL, outlet TEXT NOT NULL, PRIMARY KEY (story_id, outlet));
CREATE INDEX IF NOT EXISTS articles_published_id ON articles(published, id);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet COLLATE NOCASE, published);
CREATE INDEX IF NOT EXISTS quotes_article_start ON quotes(article_id, start);
CREATE TABLE IF NOT EXISTS copied_paragraphs (article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER,
  source_article_id TEXT, source_start INTEGER, overlap REAL, PRIMARY KEY (article_id, start));
CREATE TABLE IF NOT EXISTS statements (id TEXT PRIMARY KEY, text TEXT, speaker_id TEXT, quote_ids TEXT /*JSON list*/);
CREATE TABLE IF NOT EXISTS statement_quotes (quote_id TEXT PRIMARY KEY, statement_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quote_grams (hash INTEGER NOT NULL, quote_id TEXT NOT NULL, PRIMARY KEY (hash, quote_id))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_views (story_id TEXT PRIMARY KEY, version TEXT, view TEXT /*JSON*/,
  actors TEXT /*JSON {id: name}*/, groups_key TEXT, dates_key TEXT, updated TEXT, page TEXT /*JSON*/);
CREATE TABLE IF NOT EXISTS story_view_actor_names (actor_id TEXT PRIMARY KEY, name TEXT);
CREATE INDEX IF NOT EXISTS claims_counts_article ON claims(counts, article_id);
CREATE INDEX IF NOT EXISTS claim_groups_by_counts ON claim_groups(counts);
CREATE INDEX IF NOT EXISTS copied_paragraphs_by_source ON copied_paragraphs(source_article_id, source_start);
CREATE INDEX IF NOT EXISTS quotes_article_start_id ON quotes(article_id, start, id);
CREATE INDEX IF NOT EXISTS article_actors_by_article ON article_actors(article_id, actor_id);
CREATE TABLE IF NOT EXISTS claim_keys (claim_id TEXT PRIMARY KEY, counts TEXT NOT NULL, part TEXT NOT NULL,
  "where" TEXT, group_id TEXT);
CREATE INDEX IF NOT EXISTS claim_keys_part ON claim_keys(counts, part);
CREATE TABLE IF NOT EXISTS claim_group_changes (claim_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_undated ON events(article_id) WHERE date IS NULL OR length(date)<>10;
CREATE TABLE IF NOT EXISTS seat_evidence (article_id TEXT NOT NULL, seat TEXT NOT NULL, state TEXT NOT NULL,
  kind TEXT NOT NULL, weight REAL NOT NULL, PRIMARY KEY (article_id, seat, state, kind));
CREATE TABLE IF NOT EXISTS story_view_parts (story_id TEXT NOT NULL, part TEXT NOT NULL, json TEXT, html TEXT,
  PRIMARY KEY (story_id, part));
CREATE INDEX IF NOT EXISTS claims_counts_as_of ON claims(counts, as_of);
CREATE INDEX IF NOT EXISTS claim_keys_place ON claim_keys(counts, part, "where", group_id);
CREATE TABLE IF NOT EXISTS story_view_stale (story_id TEXT NOT NULL, part TEXT NOT NULL, PRIMARY KEY (story_id, part))
  WITHOUT ROWID;
"""
SCHEMA_VERSION = "1"


class Store:
    def __init__(self, path: str, readonly: bool = False):
        self.path = path
        try:
            if readonly:
                if not os.path.exists(path):
                    raise StoreError(f"no database at {path}; run `storyline ingest PATH --db {path}` first")
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            else:
                d = os.path.dirname(os.path.abspath(path))
                if not os.path.isdir(d):
                    raise StoreError(f"cannot create the database {path}: folder {d} does not exist")
                self.db = sqlite3.connect(path, timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                if "sector" not in {r[1] for r in self.db.execute("PRAGMA table_info(actors)")}:
                    self.db.execute("ALTER TABLE actors ADD COLUMN sector TEXT")
                if "decided_on" not in {r[1] for r in self.db.execute("PRAGMA table_info(claim_groups)")}:
                    # the day a conflicting group is decided on (claimgroups.judge); older stores' groups
                    # have none until built again
                    self.db.execute("ALTER TABLE claim_groups ADD COLUMN decided_on TEXT")
                self.db.commit()
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the database {path}: {e}; check the path and that it is writable") from None
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    # ---- writing -------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def record_failure(self, path: str, reason: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO failures VALUES (?,?,?)", (path, reason, time.time()))

    def write(self, an: Analysis) -> bool:
        """Store one analysed article and everything found in it; False if it was already stored."""
        a = an.article
        try:
            with self.db:
                if self.has_article(a.id):
                    return False
                cur = self.db.execute(
                    "INSERT INTO articles (id,path,outlet,dateline,published,published_source,dateline_date,title,url,"
                    "body_start,repeated,text,ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (a.id, a.path, a.outlet, a.dateline, a.published, a.published_source, a.dateline_date, a.title,
                     a.url, a.body_start, json.dumps([[r.start, r.end] for r in a.repeated]), a.text, time.time()))
                self.db.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?,?,?)",
                                (cur.lastrowid, a.title or "", a.text))
                self.db.execute("DELETE FROM failures WHERE path=?", (a.path,))
                ids = {loc.id: self._resolve_actor(a.id, loc) for loc in an.actors}
                self.db.executemany("INSERT OR REPLACE INTO article_actors VALUES (?,?,?)",
                                    [(a.id, k, v) for k, v in ids.items()])
                self.db.executemany(
                    "INSERT OR IGNORE INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(q.id, q.article_id, q.kind, q.start, q.end, q.text, q.cue, q.cue_start, q.cue_end,
                      ids.get(q.speaker.actor_id) if q.speaker else None, q.speaker.text if q.speaker else None,
                      q.speaker.start if q.speaker else None, q.speaker.end if q.speaker else None)
                     for q in an.quotes])
                self.db.executemany(
                    "INSERT OR IGNORE INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(c.id, c.article_id, c.start, c.end, c.text, c.value, c.low, c.high, c.qualifier, c.counts,
                      c.unit, c.where, ids.get(c.claimed_by.actor_id) if c.claimed_by else None, c.as_of, c.quote_id)
                     for c in an.claims])
                self._write_events(an, ids)
        except sqlite3.Error as e:
            raise StoreError(f"cannot write to {self.path}: {e}; check free disk space and permissions") from None
        return True

    def _write_events(self, an: Analysis, ids: dict[str, str]) -> None:
        def party(p: Any) -> tuple[Any, Any]:
            return (ids.get(p.actor_id) if p and p.actor_id else None), (p.text if p else None)

        self.db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(e.id, e.article_id, e.start, e.end, e.event_type, e.mode, json.dumps(list(e.context)), *party(e.actor),
              *party(e.recipient), e.date, e.location, e.trigger, e.trigger_start, e.trigger_end, e.status,
              e.quote_id, None) for e in an.events])

    def _resolve_actor(self, article_id: str, loc: Actor) -> str:
        """The corpus-wide actor for an article's local actor; created or merged into."""
        kind = loc.kind
        if kind == "unnamed_source":
            gid = stable_id("actor", "source", article_id, loc.id)
            key = f"source:{article_id}:{loc.id}"
            row = None
        elif kind == "person":
            key = person_key(loc.name)
            row = None
            cands = self.db.execute("SELECT * FROM actors WHERE kind='person' AND match_key=?", (key,)).fetchall()
            if not cands:
                # transliteration one edit away: scan the persons whose key starts alike
                cands = self.db.execute("SELECT * FROM actors WHERE kind='person' AND substr(match_key,1,2)=?",
                                        (key[:2],)).fetchall() if len(key) < 2 else self.db.execute(
                    # the same prefix as a range, so the (kind, match_key) index answers it
                    "SELECT * FROM actors WHERE kind='person' AND match_key >= ? AND match_key < ?",
                    (key[:2], key[:2] + "\U0010ffff")).fetchall()
            for r in sorted(cands, key=lambda r: r["id"]):
                forms = [r["name"]] + json.loads(r["aliases"])
                if any(same_person(loc.name, f) for f in forms):
                    row = r
                    break
            gid = row["id"] if row else stable_id("actor", "person", key, fold(loc.name))
        elif kind == "state":
            key = fold(loc.name)
            row = self.db.execute("SELECT * FROM actors WHERE kind='state' AND match_key=?", (key,)).fetchone()
            gid = row["id"] if row else stable_id("actor", "state", key)
        else:
            key = org_key(loc.name)
            row = self.db.execute("SELECT * FROM actors WHERE kind IN ('organisation','group') AND match_key=?",
                                  (key,)).fetchone()
            gid = row["id"] if row else stable_id("actor", "org", key)
        if row is None:
            self.db.execute("INSERT OR IGNORE INTO actors (id,name,kind,country,roles,aliases,match_key) "
                            "VALUES (?,?,?,?,?,?,?)",
                            (gid, loc.name, kind, loc.country, json.dumps(sorted(loc.roles)),
                             json.dumps(sorted(set(loc.aliases) | {loc.name})), key))
        else:
            aliases = sorted(set(json.loads(row["aliases"])) | set(loc.aliases) | {loc.name})
            roles = sorted(set(json.loads(row["roles"])) | set(loc.roles))
            name = row["name"]
            if kind == "person" and len(loc.name.split()) > len(name.split()):
                name = loc.name
            self.db.execute("UPDATE actors SET name=?, aliases=?, roles=?, country=COALESCE(country, ?) WHERE id=?",
                            (name, json.dumps(aliases), json.dumps(roles), loc.country, gid))
        return gid

    def resolve_dates(self, today: Any = None, upto: int | None = None) -> int:
        """Give a year to articles whose dateline wrote only month and day, from the rest of the corpus.

        Incremental: the corpus enters only through the median of its years, so when that median
        is the one of the last pass, only the articles stored since then are looked at. ``upto``: only
        the articles up to that rowid count (a pass of api.catch_up), so a pass sees the same corpus
        whatever was stored after it."""
        from .header import infer_year
        import datetime as dt

        last_year = (today or dt.date.today()).year
        bound = upto if upto is not None else self.db.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0
        # the corpus's years counted by SQLite (not 100,000 rows read into Python at each pass)
        per_year = sorted((y, n) for y, n in self.db.execute(
            "SELECT CAST(substr(published, 1, 4) AS INTEGER) AS y, count(*) FROM articles WHERE published IS NOT NULL "
            "AND published_source IN ('metadata','dateline','date-line') AND rowid <= ? GROUP BY y", (bound,))
            if 1990 <= y <= last_year)
        if not per_year:
            return 0
        middle = sum(n for _, n in per_year) // 2  # the median: the year of the middle one in year order
        for median, n in per_year:
            if middle < n:
                break
            middle -= n
        state = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('dates_median', 'dates_rowid')"))
        since = int(state["dates_rowid"]) if state.get("dates_median") == str(median) and "dates_rowid" in state else -1
        top = bound
        n = 0
        # articles with no year yet, and those whose year only a weekday gave (several years fit a
        # weekday; the corpus decides between them)
        rows = self.db.execute("SELECT id, text, dateline_date, published FROM articles WHERE dateline_date IS NOT NULL "
                               "AND (published IS NULL OR published_source='weekday') AND rowid > ? AND rowid <= ?",
                               (since, top)).fetchall()
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [("dates_median", str(median)), ("dates_rowid", str(top))])
            for r in rows:
                month, day = int(r["dateline_date"][2:4]), int(r["dateline_date"][5:7])
                y, how = infer_year(r["text"], month, day, [median], today)
                if y and (r["published"] is None or int(r["published"][:4]) != y):
                    self.db.execute("UPDATE articles SET published=?, published_source=? WHERE id=?",
                                    (dt.date(y, month, day).isoformat(), how, r["id"]))
                    if r["published"]:  # claim dates were resolved against the old year: move them along
                        self.db.execute("UPDATE claims SET as_of = ? || substr(as_of, 5) WHERE article_id=? AND "
                                        "substr(as_of, 1, 4) = ?", (str(y), r["id"], r["published"][:4]))
                    n += 1
        return n

    # ---- reading -------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = {}
        for t in ("articles", "quotes", "claims", "actors", "failures"):
            out[t] = self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        return out

    def rows(self, sql: str, args: tuple = ()) -> Iterator[sqlite3.Row]:
        yield from self.db.execute(sql, args)

    def actor_map(self) -> dict[str, sqlite3.Row]:
        return {r["id"]: r for r in self.db.execute("SELECT * FROM actors")}
