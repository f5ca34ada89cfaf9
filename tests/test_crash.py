"""Crash safety: kill -9 in the middle of an ingest, ingest again, and the store equals a clean
run's. Readers keep answering while an ingest writes."""
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from storyline import synth
from storyline.store import Store
from tablecmp import integrity_ok, table_rows

N = 60


def ingest_cmd(corpus, db, workers=1):
    return [sys.executable, "-m", "storyline.cli", "ingest", corpus, "--db", db, "-q", "--workers", str(workers)]


def count(db):
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("select count(*) from articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


# every: articles between two passes of the cross-article steps (None: the default, 128, so one
# pass at the end); 8 puts passes, and story views they defer, before and after the kill
@pytest.mark.parametrize("workers, every", [(1, None), (2, None), (1, 8)])
def test_kill_9_mid_ingest_then_rerun_equals_a_clean_run(tmp_path, workers, every):
    env = dict(os.environ, **({"STORYLINE_AGGREGATE_EVERY": str(every)} if every else {}))
    corpus = synth.write_folder(str(tmp_path / "corpus"), N)
    clean = str(tmp_path / "clean.db")
    r = subprocess.run(ingest_cmd(corpus, clean), capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stderr
    want = table_rows(clean)
    assert len(want["articles"]) == N

    crashed = str(tmp_path / "crashed.db")
    proc = subprocess.Popen(ingest_cmd(corpus, crashed, workers), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    deadline = time.time() + 600
    while count(crashed) < 5 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = count(crashed)
    assert proc.returncode == -signal.SIGKILL
    assert 0 < stored < N, f"the kill did not land mid-run ({stored} of {N} stored)"
    assert integrity_ok(crashed)

    r = subprocess.run(ingest_cmd(corpus, crashed, workers), capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stderr
    got = table_rows(crashed)
    assert set(got) == set(want)
    for t in want:
        assert got[t] == want[t], f"table {t} differs from the clean run's"
    assert integrity_ok(crashed)
    with sqlite3.connect(crashed) as con:  # no duplicates, and the full-text index agrees with the table
        assert con.execute("select count(*), count(distinct text) from articles").fetchone() == (N, N)
        assert con.execute("select count(*) from articles_fts").fetchone()[0] == N
        con.execute("insert into articles_fts(articles_fts) values ('integrity-check')")


def test_readers_keep_answering_during_an_ingest(tmp_path):
    corpus = synth.write_folder(str(tmp_path / "corpus"), 40)
    db = str(tmp_path / "s.db")
    Store(db).close()  # the schema exists before the first reader opens it
    proc = subprocess.Popen(ingest_cmd(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    errors: list[str] = []

    def reader():
        while proc.poll() is None:
            try:
                store = Store(db, readonly=True)
                try:
                    n = store.counts()["articles"]
                    # a search and a join answer too, and see whole articles only
                    list(store.rows("select rowid from articles_fts where articles_fts match 'families'"))
                    q = store.db.execute("select count(*) from quotes q left join articles a on a.id=q.article_id "
                                         "where a.id is null").fetchone()[0]
                    assert q == 0, "a quote whose article is not there: a half-written article was visible"
                    seen.append(n)
                finally:
                    store.close()
            except Exception as e:  # noqa: BLE001 - any failure of a reader fails the test
                errors.append(repr(e))
            time.sleep(0.01)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    proc.wait(timeout=900)
    for t in threads:
        t.join()
    assert proc.returncode == 0, proc.stderr.read()
    assert not errors, errors[:3]
    assert len(set(seen)) >= 3, "the readers did not see the store grow while the ingest ran"
