"""Stories: incremental clustering, copied paragraphs, positions, export, highlighting."""
import json
import os
import sqlite3

import pytest
from conftest import SAMPLE, UNSEEN

from storyline import api, stories
from storyline.web import highlight

# Our own fictional reports: an agency background paragraph reprinted by two other outlets,
# and a minister repeating one position in each.
BACKGROUND = ("The port of Halsey has been closed to commercial shipping since the storm surge of last "
              "autumn damaged three of its five piers, and the Tarnish government has twice postponed the "
              "repairs for lack of funds.")
POSITION = "\"Halsey must reopen to every ship before the winter fleet sails,\" Harbour Minister Oren Vale said on {day}."


def _art(i, outlet, date, day, body, background=BACKGROUND, position=POSITION):
    text = (f"HALSEY, {date[5:7]}/{date[8:]} ({outlet}) - {body}\n\n"
            + (position.format(day=day) + "\n\n" if position else "") + background + "\n")
    return {"id": f"halsey-{i}", "outlet": outlet, "published": date, "title": f"Halsey port report {i}", "text": text}


HALSEY = [
    _art(1, "Tern News", "2025-06-02", "Monday",
         "Dock workers in Halsey staged a protest outside the harbour office over unpaid wages."),
    _art(2, "Gull Daily", "2025-06-03", "Tuesday",
         "Shipowners in Halsey asked the Tarnish government for a date to reopen the damaged piers."),
    _art(3, "Brine Herald", "2025-06-04", "Wednesday",
         "The Halsey harbour office said repair crews had started to clear the wreckage from the piers.",
         background=BACKGROUND.replace("twice", "two times")),
]


def _ingest(tmp_path, arts, db=None):
    path = tmp_path / f"batch{len(os.listdir(tmp_path))}.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    db = db or str(tmp_path / "h.db")
    rep = api.ingest([str(path)], db=db)
    assert rep.failed == 0, rep.failures
    return db


def _copies(db):
    con = sqlite3.connect(db)
    rows = con.execute("SELECT a.path, s.path FROM copied_paragraphs c JOIN articles a ON a.id=c.article_id "
                       "JOIN articles s ON s.id=c.source_article_id ORDER BY a.path").fetchall()
    con.close()
    return rows


def test_reprinted_paragraph_is_marked_copied_from_the_earliest(tmp_path):
    db = _ingest(tmp_path, HALSEY)
    assert _copies(db) == [("halsey-2", "halsey-1"), ("halsey-3", "halsey-1")]
    # a report dated earlier, ingested later, becomes the original of them all
    early = _art(0, "Reed Wire", "2025-06-01", "Sunday", "Fishermen in Halsey moved their boats to the next bay.")
    _ingest(tmp_path, [early], db)
    assert _copies(db) == [("halsey-1", "halsey-0"), ("halsey-2", "halsey-0"), ("halsey-3", "halsey-0")]


def test_short_or_different_paragraphs_are_not_copies(tmp_path):
    other = _art(4, "Gull Daily", "2025-06-05", "Thursday", "Tug crews in Halsey were idle.",
                 background="The harbour master, Ines Rook, said the dredgers would arrive from Corran in two "
                            "weeks if the weather allowed and the insurers signed the contracts.")
    db = _ingest(tmp_path, [HALSEY[0], other])
    assert _copies(db) == []


def test_positions_count_independent_outlets_only(tmp_path):
    quoted_copy = _art(5, "Cove Times", "2025-06-05", "Thursday", "Ferry lines in Halsey cancelled summer routes.",
                       background=BACKGROUND + " " + POSITION.format(day="Monday"), position=None)
    db = _ingest(tmp_path, [*HALSEY, quoted_copy])
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    (sid,) = {r[0] for r in con.execute("SELECT story_id FROM story_articles")}
    pos = [p for p in stories.positions(con, sid) if "Oren Vale" in p["actor"]]
    assert len(pos) == 1
    p = pos[0]
    assert "reopen to every ship" in p["position"]
    # four outlets quote him; the Cove Times quote sits in a paragraph copied from Tern News
    assert p["outlets"] == ["Brine Herald", "Gull Daily", "Tern News"]
    assert p["n_outlets"] == 3 and p["copies"] == 1 and len(p["quote_ids"]) == 4
    con.close()


def test_stories_are_incremental_and_separate(tmp_path):
    db = str(tmp_path / "s.db")
    api.ingest([SAMPLE], db=db)
    con = sqlite3.connect(db)
    first = dict(con.execute("SELECT article_id, story_id FROM story_articles"))
    con.close()
    api.ingest([UNSEEN], db=db)
    con = sqlite3.connect(db)
    after = dict(con.execute("SELECT article_id, story_id FROM story_articles"))
    paths = dict(con.execute("SELECT id, path FROM articles"))
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert {k: after[k] for k in first} == first, "adding articles must not move stored ones"
    assert len(after) == n_articles
    new = {after[a] for a in after if a not in first}
    assert new and not new & set(first.values()), "the held-out story joins none of the sample's stories"
    unseen = {a for a, p in paths.items() if p.startswith(UNSEEN)}
    assert len({after[a] for a in unseen}) == 1, "the five held-out reports form one story"
    dated_sample = [a for a, p in paths.items() if p.startswith(SAMPLE) and p.endswith(".txt")]
    biggest = max(set(first.values()), key=list(first.values()).count)
    assert sum(first[a] == biggest for a in dated_sample) >= 8


def test_story_title_summary_and_dates(sample_db):
    con = sqlite3.connect(sample_db)
    rows = con.execute("SELECT id, title, summary, first_date, last_date FROM stories").fetchall()
    big = max(rows, key=lambda r: con.execute("SELECT count(*) FROM story_articles WHERE story_id=?",
                                              (r[0],)).fetchone()[0])
    titles = {r[0] for r in con.execute("SELECT title FROM articles")}
    assert big[1] in titles
    # extractive: every summary sentence is a sentence of a member article
    texts = " ".join(" ".join(r[0].split()) for r in con.execute("SELECT text FROM articles"))
    sentences = stories._SENT.split(big[2])
    assert 1 <= len(sentences) <= stories.SUMMARY_SENTENCES + 2 and len(big[2]) < 1200
    assert all(x in texts for x in sentences), sentences
    assert big[3] == "2025-03-03" and big[4] == "2025-03-12"
    con.close()


def test_export_has_story_records(sample_db):
    recs = list(api.export_records(sample_db))
    st = [r for r in recs if r["type"] == "story"]
    arts = {r["id"] for r in recs if r["type"] == "article"}
    assert st
    for s in st:
        assert {"id", "title", "article_ids", "first_date", "last_date"} <= set(s)
        assert s["article_ids"] == sorted(s["article_ids"])
    assert sorted(a for s in st for a in s["article_ids"]) == sorted(arts)


@pytest.mark.parametrize("text,spans,html", [
    ("a <b> c", [], "a &lt;b&gt; c"),
    ("say \"x<y\" now", [{"start": 4, "end": 9, "kind": "quote", "id": "quote-1"}],
     'say <mark class="hl hl-quote" data-ref="" id="quote-1">&quot;x&lt;y&quot;</mark> now'),
    # a claim inside a quote nests
    ("ab 12 cd", [{"start": 0, "end": 8, "kind": "quote", "id": "q"}, {"start": 3, "end": 5, "kind": "claim", "id": "c"}],
     ('<mark class="hl hl-quote" data-ref="" id="q">ab <mark class="hl hl-claim" data-ref="" id="c">12</mark>'
      ' cd</mark>')),
    # an event crossing the end of a quote is split; only its first piece carries the id
    ("abcdef", [{"start": 0, "end": 4, "kind": "quote", "id": "q"}, {"start": 2, "end": 6, "kind": "event", "id": "e"}],
     ('<mark class="hl hl-quote" data-ref="" id="q">ab<mark class="hl hl-event" data-ref="" id="e">cd</mark></mark>'
      '<mark class="hl hl-event" data-ref="">ef</mark>')),
    ("x", [{"start": 0, "end": 1, "kind": "quote", "id": "\"><script>", "title": "<img onerror=1>"}],
     '<mark class="hl hl-quote" data-ref="" id="&quot;&gt;&lt;script&gt;" title="&lt;img onerror=1&gt;">x</mark>'),
])
def test_highlight_nests_splits_and_escapes(text, spans, html):
    assert str(highlight(text, spans)) == html


def test_a_failing_aggregation_says_the_articles_are_kept(tmp_path):
    from storyline.errors import StoreError
    from storyline.store import Store

    db = _ingest(tmp_path, HALSEY[:1])
    store = Store(db)
    store.db.execute("DROP TABLE story_terms")
    store.db.execute("DELETE FROM story_articles")
    store.db.commit()
    with pytest.raises(StoreError, match="articles are stored"):
        stories.aggregate(store, stories.pending(store))
    store.close()
