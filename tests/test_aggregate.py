"""The cross-article steps run in passes of a few articles (api.catch_up) while an ingest goes on:
claim groups, event clusters and statements come out the same as in one pass over the batch.

Stories and copied paragraphs are left out on purpose: they are built article by article in date
order within a pass (an article joins the best story among those already built), so they depend
on which articles arrived before, as they do when a corpus is ingested in several runs. What
keeps them reproducible is that passes fall at fixed rowids (multiples of the pass size), so a
rerun after a crash sees the same passes as a clean run (tests/test_crash.py)."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from tablecmp import integrity_ok, table_rows

from storyline import api, synth
from storyline.store import Store

ORDER_DEPENDENT = {"stories", "story_articles", "story_terms", "story_outlets", "copied_paragraphs", "meta",
                   "story_views", "story_view_actor_names", "story_view_parts", "story_view_stale"}  # views show the stories


@pytest.fixture(scope="module")
def analyses():
    return api.analyze_texts(list(synth.articles(40)) + list(synth.sample_articles()))


def _store(path, analyses, every):
    store = Store(path)
    api._store_results(store, api.IngestReport(), analyses, None, every=every)
    api.catch_up(store, every=every)
    store.close()
    return table_rows(path)


def test_passes_give_the_same_groups_clusters_and_statements_as_one_pass(tmp_path, analyses):
    one = _store(str(tmp_path / "one.db"), analyses, every=10**6)
    for every in (5, 16):
        got = _store(str(tmp_path / f"p{every}.db"), analyses, every=every)
        for t in sorted(set(one) - ORDER_DEPENDENT):
            assert got[t] == one[t], f"table {t} differs when aggregated every {every} articles"
    # the comparison is not empty: every step found something to compare
    for t in ("claim_groups", "claim_keys", "event_clusters", "statements", "statement_quotes"):
        assert len(one[t]) >= 2, t


def test_passes_fall_at_fixed_rowids(tmp_path, analyses):
    """Stored in two runs with a pass size of 8, the passes fall at rowids 8, 16, … either way, so the
    stories equal one run's (the guarantee a rerun after a crash relies on)."""
    one = _store(str(tmp_path / "one.db"), analyses, every=8)
    db = str(tmp_path / "two.db")
    store = Store(db)
    api._store_results(store, api.IngestReport(), analyses[:13], None, every=8)  # stops between two passes
    store.close()
    store = Store(db)
    api.catch_up(store, every=8, final=False)
    api._store_results(store, api.IngestReport(), analyses[13:], None, every=8)
    api.catch_up(store, every=8)
    store.close()
    two = table_rows(db)
    for t in sorted(set(one) - {"meta"}):
        assert two[t] == one[t], f"table {t} differs"


def test_a_pass_killed_half_way_is_finished_by_the_next(tmp_path, analyses):
    """Each step keeps its own mark: a pass stopped after the claim groups is redone whole."""
    from storyline import claimgroups

    one = _store(str(tmp_path / "one.db"), analyses[:12], every=8)
    db = str(tmp_path / "half.db")
    store = Store(db)
    for an in analyses[:12]:
        store.write(an)
    claimgroups.aggregate(store, claimgroups.pending(store, 8), 8)  # the pass at rowid 8 stops here
    store.close()
    store = Store(db)
    api.catch_up(store, every=8)
    store.close()
    got = table_rows(db)
    for t in sorted(set(one) - {"meta"}):
        assert got[t] == one[t], f"table {t} differs"


def test_kill_9_with_small_passes_then_rerun_equals_a_clean_run(tmp_path):
    """test_crash's check with a pass every 4 articles, so the kill lands after some passes."""
    n = 24
    corpus = synth.write_folder(str(tmp_path / "corpus"), n)
    env = {**os.environ, "STORYLINE_AGGREGATE_EVERY": "4"}

    def cmd(db):
        return [sys.executable, "-m", "storyline.cli", "ingest", corpus, "--db", db, "-q"]

    clean = str(tmp_path / "clean.db")
    r = subprocess.run(cmd(clean), capture_output=True, text=True, timeout=900, env=env, check=False)
    assert r.returncode == 0, r.stderr
    crashed = str(tmp_path / "crashed.db")
    proc = subprocess.Popen(cmd(crashed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 600
    while proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
        try:
            con = sqlite3.connect(f"file:{crashed}?mode=ro", uri=True, timeout=5)
            got = con.execute("select count(*) from story_articles").fetchone()[0]
            con.close()
        except sqlite3.Error:
            got = 0
        if got >= 9:  # three passes done (stories are written a pass at a time), the fourth under way
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert integrity_ok(crashed)
    r = subprocess.run(cmd(crashed), capture_output=True, text=True, timeout=900, env=env, check=False)
    assert r.returncode == 0, r.stderr
    want, got = table_rows(clean), table_rows(crashed)
    for t in want:
        assert got[t] == want[t], f"table {t} differs from the clean run's"
