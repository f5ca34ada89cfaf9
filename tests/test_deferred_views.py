"""Story views deferred during a bulk ingest (story_views.defer): the passes of an ingest leave the
views of the stories they touch to the ingest's last pass, which builds each once. The store must
be the one that building the views at every pass gives, row for row, whether the last pass has
articles of its own or the last article closed a pass (story_views.settle)."""
import sqlite3

import pytest
from tablecmp import table_rows

from storyline import api, queries, story_views, synth
from storyline.store import Store

EVERY = 8


@pytest.fixture(scope="module")
def analyses(tmp_path_factory):
    corpus = synth.write_jsonl(str(tmp_path_factory.mktemp("c") / "corpus.jsonl"), 44)
    from storyline.ingest import build_article, read

    arts = [build_article(item) for item in read(corpus)]
    return [r for r in api._analyze_chunk(arts)]


def _build(path: str, analyses, defer: bool, after=None) -> None:
    store = Store(path)
    for r in analyses:
        assert store.write(r)
        if api._top(store) % EVERY == 0:
            api.catch_up(store, EVERY, final=False, defer_views=defer)
            if after:
                after(store)
    api.catch_up(store, EVERY)
    store.close()


@pytest.mark.parametrize("n", [40, 44])  # 40: the last article closes a pass, which defers; 44: a last pass of 4
def test_deferred_views_equal_views_built_at_every_pass(tmp_path, analyses, n):
    every_pass, deferred = str(tmp_path / "every.db"), str(tmp_path / "deferred.db")
    _build(every_pass, analyses[:n], defer=False)
    _build(deferred, analyses[:n], defer=True)
    want, got = table_rows(every_pass), table_rows(deferred)
    assert want["story_views"] and want["story_view_parts"]
    for t in want:
        assert got[t] == want[t], f"table {t} differs"
    con = sqlite3.connect(deferred)
    assert con.execute("SELECT count(*) FROM story_view_stale WHERE part=?", (story_views.DEFERRED,)).fetchone()[0] == 0
    con.close()


def test_a_story_deferred_by_a_pass_is_served_computed_with_its_new_articles(tmp_path, analyses):
    """Between two passes of an ingest a reader gets the stories a pass touched computed on the spot,
    with the articles that joined them, not their older stored view."""
    path = str(tmp_path / "s.db")
    seen: list[int] = []

    def check(store: Store) -> None:
        db = store.db
        waiting = [r[0] for r in db.execute("SELECT story_id FROM story_view_stale WHERE part=?",
                                            (story_views.DEFERRED,))]
        if not waiting:
            return
        for sid in waiting:
            assert story_views.stored_json(db, sid) is None  # not served from the stored view
            members = {r[0] for r in db.execute("SELECT article_id FROM story_articles WHERE story_id=?", (sid,))}
            served = queries.story(db, sid)
            assert {a["id"] for a in served["articles"]} == members
        seen.append(len(waiting))

    _build(path, analyses[:40], defer=True, after=check)
    assert seen, "no pass deferred a view"
