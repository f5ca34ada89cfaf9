"""Stored story views: what the server answers from ``story_views`` must be what computing the
view on the spot gives, however the store was filled; a view that can no longer be trusted is
not served."""
import json
import os
import shutil
import sqlite3

import pytest
from conftest import SAMPLE, UNSEEN, Served

from storyline import queries, story_views


def _fresh(db_path: str, sid: str) -> dict:
    """The story as computed on the spot, bypassing the stored view, through JSON like the API."""
    db = queries.connect(db_path)
    try:
        row = dict(db.execute("SELECT * FROM stories WHERE id=?", (sid,)).fetchone())
        return json.loads(json.dumps({**row, **story_views.public(story_views.compute(db, sid))}))
    finally:
        db.close()


def _stored(db_path: str, sid: str) -> str | None:
    db = queries.connect(db_path)
    try:
        return story_views.stored_json(db, sid)
    finally:
        db.close()


def _story_ids(db_path: str) -> list[str]:
    con = sqlite3.connect(db_path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM stories ORDER BY id")]
    finally:
        con.close()


def _get_once(db_path: str, path: str):  # type: ignore[no-untyped-def]
    s = Served(db_path)
    try:
        return s.get(path)
    finally:
        s.stop()


def _assert_served_views_are_fresh(db_path: str) -> None:
    db = queries.connect(db_path)
    try:
        sids = _story_ids(db_path)
        assert sids
        assert all(story_views.stored_json(db, sid) is not None for sid in sids), "a story has no stored view"
    finally:
        db.close()
    s = Served(db_path)
    try:
        for sid in sids:
            status, served = s.get(f"/api/stories/{sid}")
            assert status == 200
            assert served == _fresh(db_path, sid), f"the stored view of {sid} differs from the view computed now"
    finally:
        s.stop()


@pytest.fixture(scope="module")
def passes_db(tmp_path_factory):
    """The sample corpus and the held-out reports ingested in four passes, latest reports first,
    so later passes find earlier originals of paragraphs already stored, add quotes to
    statements and figures to claim groups that older stories show."""
    from storyline import api

    d = tmp_path_factory.mktemp("passes")
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    db = str(d / "passes.db")
    for batch in (files[7:], held_out[3:] + files[4:7], files[:4], held_out[:3]):
        rep = api.ingest(batch, db=db)
        assert rep.failed == 0, rep.failures
    return db


def test_views_after_incremental_passes_equal_fresh_ones(passes_db):
    con = sqlite3.connect(passes_db)
    n_copies = con.execute("SELECT count(*) FROM copied_paragraphs").fetchone()[0]
    n_groups = con.execute("SELECT count(*) FROM claim_groups").fetchone()[0]
    con.close()
    assert n_copies and n_groups, "the passes should exercise copies and claim groups"
    _assert_served_views_are_fresh(passes_db)


def test_story_page_from_a_stored_view_is_the_computed_one(passes_db):
    """The page served from the stored, pre-rendered sections is the page rendered from a view
    computed now."""
    from storyline import web
    from storyline.server import Links

    sid = max(_story_ids(passes_db), key=lambda s: len(_fresh(passes_db, s)["article_ids"]))
    ro = queries.connect(passes_db)
    try:
        assert story_views.stored_page(ro, sid) is not None, "the page sections were not stored"
    finally:
        ro.close()
    status, page = _get_once(passes_db, f"/stories/{sid}")
    assert status == 200
    assert page == web.render("story.html", s=_fresh(passes_db, sid), href=Links)


def test_a_renamed_actor_is_not_served_from_a_stale_view(passes_db, tmp_path):
    """An actor renamed behind the views' back (no aggregation pass): the view naming it is not
    trusted, and the answer carries the new name."""
    db = str(tmp_path / "renamed.db")
    shutil.copy(passes_db, db)
    con = sqlite3.connect(db)
    aid, name = con.execute("SELECT ac.id, ac.name FROM quotes q JOIN actors ac ON ac.id=q.speaker_id "
                            "WHERE ac.kind='person' GROUP BY ac.id ORDER BY count(*) DESC, ac.id LIMIT 1").fetchone()
    sid = con.execute("SELECT sa.story_id FROM quotes q JOIN story_articles sa ON sa.article_id=q.article_id "
                      "WHERE q.speaker_id=? LIMIT 1", (aid,)).fetchone()[0]
    con.execute("UPDATE actors SET name=? WHERE id=?", (name + " Renamed", aid))
    con.commit()
    con.close()
    ro = queries.connect(db)
    try:
        assert story_views.stored_json(ro, sid) is None
    finally:
        ro.close()
    status, story = _get_once(db, f"/api/stories/{sid}")
    assert status == 200
    assert any(sp["name"] == name + " Renamed" for sp in story["speakers"])
    assert story == _fresh(db, sid)


def test_a_view_of_another_version_is_ignored(passes_db, tmp_path):
    db = str(tmp_path / "old_version.db")
    shutil.copy(passes_db, db)
    sid = _story_ids(db)[0]
    con = sqlite3.connect(db)
    con.execute("UPDATE story_views SET version=?, view=? WHERE story_id=?",
                ("1:older", json.dumps({"timeline": "from an older build"}), sid))
    con.commit()
    con.close()
    ro = queries.connect(db)
    try:
        assert story_views.stored_json(ro, sid) is None
        assert queries.story(ro, sid)["timeline"] != "from an older build"
    finally:
        ro.close()


def test_an_older_store_gets_its_views_on_the_next_pass(passes_db, tmp_path):
    """A store from before story views serves stories computed on the spot; ``backfill`` gives
    every story its view, and the next aggregation pass keeps them (the pass itself also fills
    in a few missing views each time it runs)."""
    from storyline import stories
    from storyline.store import Store

    db = str(tmp_path / "older.db")
    shutil.copy(passes_db, db)
    con = sqlite3.connect(db)
    con.executescript("DELETE FROM story_views; DELETE FROM story_view_actor_names; "
                      "DELETE FROM meta WHERE key LIKE 'story_views%';")
    con.commit()
    con.close()
    sids = _story_ids(db)
    ro = queries.connect(db)
    try:
        assert all(story_views.stored_json(ro, sid) is None for sid in sids)
        assert json.loads(queries.story_json(ro, sids[0])) == _fresh(db, sids[0])
    finally:
        ro.close()
    store = Store(db)
    try:
        with store.db:
            assert story_views.backfill(store.db) == len(sids)
        stories.aggregate(store, stories.pending(store))
    finally:
        store.close()
    _assert_served_views_are_fresh(db)


OTHER_BACKGROUND = ("The Corran ferry company said it would lease two vessels from a northern operator for the "
                    "summer season and keep its winter timetable on the island routes until further notice.")


# the minister's position in more words: the statement now reads as this, its longest quote
LONGER_POSITION = ("\"Halsey must reopen to every ship before the winter fleet sails from the northern bays,\" "
                   "Harbour Minister Oren Vale said on {day}.")


@pytest.mark.parametrize("link", ["copied paragraph", "statement"])
def test_a_later_pass_refreshes_other_stories_it_changes(tmp_path, link):
    """A report dated a month before the Halsey story, ingested after it, starts a story of its
    own (outside the 6-day window) yet changes the Halsey story: its background paragraph is the
    earlier original of the one the Halsey reports carry, or its minister's words join their
    statement. The Halsey story's stored view must follow."""
    from test_stories import HALSEY, _art, _ingest

    db = _ingest(tmp_path, HALSEY)
    con = sqlite3.connect(db)
    halsey = con.execute("SELECT story_id FROM story_articles WHERE article_id=(SELECT id FROM articles "
                         "WHERE path='halsey-1')").fetchone()[0]
    con.close()
    before = _stored(db, halsey)
    body = "Fishermen in Halsey moved their boats to the next bay."
    early = (_art(9, "Reed Wire", "2025-05-01", "Thursday", body, position=None) if link == "copied paragraph" else
             _art(9, "Reed Wire", "2025-05-01", "Thursday", body, background=OTHER_BACKGROUND,
                  position=LONGER_POSITION))
    _ingest(tmp_path, [early], db)
    con = sqlite3.connect(db)
    stories_now = {r[0] for r in con.execute("SELECT DISTINCT story_id FROM story_articles")}
    sources = {r[0] for r in con.execute("SELECT a.path FROM copied_paragraphs c JOIN articles a "
                                         "ON a.id=c.source_article_id")}
    statements = [json.loads(r[0]) for r in con.execute("SELECT quote_ids FROM statements")]
    con.close()
    after = _stored(db, halsey)
    assert len(stories_now) == 2, "the early report is a story of its own"
    if link == "copied paragraph":
        assert sources == {"halsey-9"} and all(len(ids) == 3 for ids in statements)
    else:
        assert sources == {"halsey-1"} and [len(ids) for ids in statements] == [4]
    assert after != before
    _assert_served_views_are_fresh(db)
