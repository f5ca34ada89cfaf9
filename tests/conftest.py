import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "src", "storyline", "sample")
UNSEEN = os.path.join(ROOT, "tests", "fixtures", "unseen")


@pytest.fixture(scope="session")
def nlp():
    from storyline.nlp import load

    return load()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """The bundled sample corpus ingested once into a real SQLite file."""
    from storyline import api

    db = str(tmp_path_factory.mktemp("sample") / "sample.db")
    rep = api.ingest([SAMPLE], db=db)
    assert rep.failed == 0, rep.failures
    return db


def analyze(text: str):
    from storyline.api import analyze_texts

    return analyze_texts([text])[0]


# ---- web: a store with every table the UI reads, served by a real uvicorn on loopback ----------
CONTRACT_DDL = """
CREATE TABLE IF NOT EXISTS statements (id TEXT PRIMARY KEY, text TEXT, speaker_id TEXT, quote_ids TEXT);
CREATE TABLE IF NOT EXISTS claim_groups (id TEXT PRIMARY KEY, counts TEXT, "where" TEXT, period TEXT, verdict TEXT,
  explanation TEXT, claim_ids TEXT);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER, "end" INTEGER,
  event_type TEXT, mode TEXT, context TEXT, actor_id TEXT, actor_text TEXT, recipient_id TEXT,
  recipient_text TEXT, date TEXT, location TEXT, trigger TEXT, trigger_start INTEGER,
  trigger_end INTEGER, status TEXT, quote_id TEXT, cluster_id TEXT);
CREATE TABLE IF NOT EXISTS event_clusters (id TEXT PRIMARY KEY, event_ids TEXT);
"""

# An article written to attack the pages: markup in the title, the text and inside a quote.
HOSTILE = {
    "id": "hostile-01", "outlet": "Quill Post", "published": "2025-03-07",
    "title": "Dravik talks <script>alert('title')</script> stall",
    "text": ("PORT SELVIN, March 7 (Quill Post) - Talks on the Dravik hostages stalled on Friday, "
             "Marenian Foreign Minister Lidia Petrova said.\n\n"
             "\"We will not sign <script>alert('quote')</script> anything today,\" Petrova told reporters "
             "in Port Selvin.\n\n"
             "A leaflet <img src=x onerror=alert('img')> handed out by the militants demanded 90 prisoners.\n"),
}


@pytest.fixture(scope="session")
def web_db(tmp_path_factory):
    """The sample corpus, the held-out fixtures and a hostile article ingested into one real store,
    plus rows in the tables other stages own (events, claim groups, statements), created with
    their agreed DDL."""
    import json
    import sqlite3

    from storyline import api

    d = tmp_path_factory.mktemp("web")
    hostile = d / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = str(d / "web.db")
    rep = api.ingest([SAMPLE, UNSEEN, str(hostile)], db=db)
    assert rep.failed == 0, rep.failures
    con = sqlite3.connect(db)
    con.executescript(CONTRACT_DDL)
    # the rows the other stages wrote are replaced by hand-made ones, so the filters are checked
    # against answers known in advance (test_server.py::test_real_records_are_served serves the real ones)
    con.executescript("DELETE FROM events; DELETE FROM event_clusters; DELETE FROM claim_groups; "
                      "DELETE FROM statements; DELETE FROM statement_quotes;")
    korvel = con.execute("SELECT id FROM actors WHERE name='Anna Korvel'").fetchone()[0]
    karesh = con.execute("SELECT id FROM actors WHERE name='Karesh Foreign Ministry'").fetchone()[0]
    q = con.execute("SELECT id, article_id, start, \"end\" FROM quotes WHERE speaker_id=? ORDER BY article_id, start",
                    (korvel,)).fetchone()
    con.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ("ev-accuse-1", q[1], q[2], q[3], "ACCUSE", "allege", None, korvel, "Korvel", karesh, "Karesh",
                 "2025-03-04", "Dravik", "accused", q[2], q[2] + 3, "asserted", q[0], None))
    con.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ("ev-request-2", q[1], q[2], q[3], "REQUEST", None, None, korvel, "Korvel", karesh, "Karesh",
                 "2025-03-05", None, "demanded", q[2], q[2] + 3, "future", None, None))
    killed = [r[0] for r in con.execute("SELECT id FROM claims WHERE counts='killed' ORDER BY id")]
    con.execute('INSERT INTO claim_groups (id, counts, "where", period, verdict, explanation, claim_ids) '
                "VALUES (?,?,?,?,?,?,?)",
                ("cg-killed", "killed", "Dravik", "2025-03-04", "conflict", "sources differ", json.dumps(killed)))
    # and its claims keyed to it, as claimgroups keeps them (story views read a claim's group from its key)
    con.executemany("UPDATE claim_keys SET group_id='cg-killed' WHERE claim_id=?", [(k,) for k in killed])
    con.execute("INSERT INTO statements VALUES (?,?,?,?)", ("st-1", "civilians first", korvel, json.dumps([q[0]])))
    con.execute("INSERT INTO statement_quotes VALUES (?,?)", (q[0], "st-1"))
    con.commit()
    # the stored story views were built from the rows just replaced: build them again
    from storyline import story_views

    con.row_factory = sqlite3.Row
    with con:
        story_views.write(con, [r[0] for r in con.execute("SELECT id FROM stories")])
    con.close()
    return db


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A real uvicorn server on 127.0.0.1 in a thread."""

    def __init__(self, db: str):
        import threading
        import time

        import uvicorn

        from storyline.server import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                break
            time.sleep(0.05)
        assert self.server.started, "uvicorn did not start"

    def get(self, path: str):
        """(status, parsed JSON or text) of a GET."""
        import json
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                body, status, ctype = r.read().decode("utf-8"), r.status, r.headers.get("content-type", "")
        except urllib.error.HTTPError as e:
            body, status, ctype = e.read().decode("utf-8"), e.code, e.headers.get("content-type", "")
        return status, (json.loads(body) if "json" in ctype else body)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def served(web_db):
    s = Served(web_db)
    yield s
    s.stop()
