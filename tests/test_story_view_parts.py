"""Story views built in parts: a pass that changes one part of an older story's view (a claim
group it shows, a statement of its timeline) builds only that part and its page section again.
The store it leaves must equal the store after building every view whole, row for row."""
import json
import os
import shutil
import sqlite3

import pytest
from conftest import SAMPLE, UNSEEN

from storyline import api, queries, story_views, web


def _view_rows(db_path: str) -> dict[str, list[tuple]]:
    """Everything the stored views hold, but the clock."""
    con = sqlite3.connect(db_path)
    try:
        return {
            "story_views": con.execute("SELECT story_id, version, view, actors, groups_key, dates_key, page "
                                       "FROM story_views ORDER BY story_id").fetchall(),
            "story_view_parts": con.execute("SELECT story_id, part, json, html FROM story_view_parts "
                                            "ORDER BY story_id, part").fetchall(),
            "story_view_stale": con.execute("SELECT * FROM story_view_stale ORDER BY 1, 2").fetchall(),
        }
    finally:
        con.close()


def _rebuilt_whole(db_path: str, tmp_path) -> dict[str, list[tuple]]:
    """The view rows of a copy of the store after every story's view is built whole."""
    copy = str(tmp_path / "whole.db")
    shutil.copy(db_path, copy)
    con = sqlite3.connect(copy)
    con.row_factory = sqlite3.Row
    with con:
        story_views.write(con, [r[0] for r in con.execute("SELECT id FROM stories")])
    con.close()
    return _view_rows(copy)


@pytest.fixture
def counted_updates(monkeypatch):
    """The parts each partial update built, in order."""
    seen: list[tuple[str, frozenset[str]]] = []
    real = story_views.update

    def update(db, sid, parts, groups=None):  # type: ignore[no-untyped-def]
        done = real(db, sid, parts, groups)
        if done:
            seen.append((sid, frozenset(parts)))
        return done

    monkeypatch.setattr(story_views, "update", update)
    return seen


def test_claim_group_parts_equal_whole_views(tmp_path, counted_updates):
    """The sample and held-out reports in four passes: later passes add figures to claim groups
    an older story shows, which is built again in that part only."""
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    db = str(tmp_path / "passes.db")
    for batch in (files[7:], held_out[3:] + files[4:7], files[:4], held_out[:3]):
        assert api.ingest(batch, db=db).failed == 0
    assert any(parts == {"claim_groups"} for _, parts in counted_updates), counted_updates
    rows = _view_rows(db)
    assert rows["story_view_parts"] and not rows["story_view_stale"]
    assert rows == _rebuilt_whole(db, tmp_path)


def test_a_statement_part_equals_the_whole_view(tmp_path, counted_updates):
    """A report a month older than the Halsey story starts a story of its own, and its minister's
    words join the Halsey reports' statement: the Halsey view's timeline is built again alone."""
    from test_stories import HALSEY, _art, _ingest
    from test_story_views import LONGER_POSITION, OTHER_BACKGROUND

    db = _ingest(tmp_path, HALSEY)
    early = _art(9, "Reed Wire", "2025-05-01", "Thursday", "Fishermen in Halsey moved their boats to the next bay.",
                 background=OTHER_BACKGROUND, position=LONGER_POSITION)
    _ingest(tmp_path, [early], db)
    assert [parts for _, parts in counted_updates] == [{"timeline"}]
    assert _view_rows(db) == _rebuilt_whole(db, tmp_path)


def test_the_page_is_its_sections_in_order(tmp_path):
    """The page stored section by section is the page the template renders whole."""
    from test_stories import HALSEY, _ingest

    db = _ingest(tmp_path, HALSEY)
    ro = queries.connect(db)
    try:
        sid = ro.execute("SELECT id FROM stories").fetchone()[0]
        page = story_views.stored_page(ro, sid)
        view = json.loads(story_views.stored_json(ro, sid) or "null")
        assert page is not None and view is not None
        assert page["html"] == web.story_sections({**view, "id": sid})
        assert page["n_articles"] == len(HALSEY)
    finally:
        ro.close()


def test_a_story_waiting_for_a_part_is_computed_on_the_spot(tmp_path):
    """A story whose part waits for a later pass (``story_view_stale``) is not served from its
    stored parts."""
    from test_stories import HALSEY, _ingest

    db = _ingest(tmp_path, HALSEY)
    con = sqlite3.connect(db)
    sid = con.execute("SELECT id FROM stories").fetchone()[0]
    con.execute("UPDATE story_view_parts SET json='[]' WHERE story_id=? AND part='timeline'", (sid,))
    con.execute("INSERT INTO story_view_stale VALUES (?, 'timeline')", (sid,))
    con.commit()
    con.close()
    ro = queries.connect(db)
    try:
        assert story_views.stored_json(ro, sid) is None and story_views.stored_page(ro, sid) is None
        assert queries.story(ro, sid)["timeline"] != []
    finally:
        ro.close()


def test_groups_read_through_claim_keys_equal_groups_read_by_class(tmp_path):
    """A view reads only the claim groups its claims are keyed to (``claim_keys.group_id``), not
    every group of their classes: the same groups, members and order as reading each class whole."""
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    db = str(tmp_path / "keyed.db")
    for batch in (files + held_out[::2], held_out[1::2]):
        assert api.ingest(batch, db=db).failed == 0
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        keyed, by_class = story_views._Groups(con), story_views._Groups(con)
        assert keyed.keyed
        by_class.keyed = False
        shown = 0
        for (sid,) in con.execute("SELECT id FROM stories ORDER BY id").fetchall():
            view = story_views.compute(con, sid, keyed, only={"claim_groups"})
            assert view == story_views.compute(con, sid, by_class, only={"claim_groups"})
            shown += sum(1 for g in view["claim_groups"] if not g["id"].startswith("counts:"))
        assert shown >= 3
    finally:
        con.close()


@pytest.fixture
def extended(monkeypatch):
    """The stories whose views a pass extended by their new articles (story_joins), in order."""
    from storyline import story_joins

    seen: list[str] = []
    real = story_joins.Joins.extend

    def extend(self, sid, stale_parts, groups):  # type: ignore[no-untyped-def]
        done = real(self, sid, stale_parts, groups)
        if done:
            seen.append(sid)
        return done

    monkeypatch.setattr(story_joins.Joins, "extend", extend)
    return seen


def test_views_extended_by_joining_articles_equal_whole_views(tmp_path, extended):
    """Halsey reports arriving one pass at a time, each with words of its own from the minister,
    one of them dated before the others (its entries go to the front of the timeline) and one with
    no quote at all: each pass extends the story's view, which equals the view built whole. A
    report repeating an older report's words (a statement they now share) is built whole."""
    from test_stories import HALSEY, _art, _ingest

    said = "\"{words},\" Harbour Minister Oren Vale said on {{day}}."
    db = _ingest(tmp_path, HALSEY[:1])
    later = [
        _art(2, "Gull Daily", "2025-06-03", "Tuesday", HALSEY[1]["text"].split(" - ", 1)[1].split("\n")[0],
             position=said.format(words="The piers will take the summer to mend, whatever the budget says")),
        _art(6, "Reed Wire", "2025-05-30", "Friday",
             "Dock workers in Halsey said the harbour office had not paid their wages since the spring.",
             background=("The port of Halsey lost three of its five piers to the storm surge of last autumn, and "
                         "the shipping lines have moved their calls to the next bay."), position=said.format(words="No crew goes unpaid while I hold this office")),
        _art(3, "Brine Herald", "2025-06-04", "Wednesday",
             "The Halsey harbour office said repair crews had started to clear the wreckage from the piers.",
             position=said.format(words="Three cranes arrive from the north yards next week")),
        _art(5, "Tern News", "2025-06-06", "Friday", "Repair crews in Halsey cleared the last of the wreckage.",
             position=None),
    ]
    for k, art in enumerate(later):
        _ingest(tmp_path, [art], db)
        # the first pass to find views checks every view's dates once (story_views._redated): built whole
        assert len(extended) == k, art["id"]
        assert _view_rows(db) == _rebuilt_whole(db, tmp_path), art["id"]
    _ingest(tmp_path, [_art(7, "Gull Daily", "2025-06-07", "Saturday", "Halsey dock workers returned to work.")], db)
    assert len(extended) == len(later) - 1  # the minister's first words again: built whole
    assert _view_rows(db) == _rebuilt_whole(db, tmp_path)
    con = sqlite3.connect(db)
    stories_ = con.execute("SELECT story_id, count(*) FROM story_articles GROUP BY story_id").fetchall()
    con.close()
    assert [n for _, n in stories_] == [6] and set(extended) == {stories_[0][0]}


def test_extended_views_over_the_sample_equal_whole_views(tmp_path, extended):
    """The sample and held-out reports in several passes: the stories later reports join are
    extended where they can be, built whole where they cannot (a statement of an older report
    joined, copies re-marked), and every view equals the view built whole."""
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    db = str(tmp_path / "passes.db")
    everything = files + held_out
    for k in range(0, len(everything), 3):
        assert api.ingest(everything[k:k + 3], db=db).failed == 0
    assert extended
    rows = _view_rows(db)
    assert rows["story_view_parts"] and not rows["story_view_stale"]
    assert rows == _rebuilt_whole(db, tmp_path)
