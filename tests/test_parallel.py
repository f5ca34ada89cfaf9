"""Ingest on several workers (storyline.parallel): the chunking the workers get does not change an
analysis, chunks shrink at the end of the input, and two workers store what one stores, with the
cross-article passes falling while the workers run ahead."""
import json
import os
import subprocess
import sys

import pytest
from tablecmp import table_rows

from storyline import api, parallel, synth
from storyline.parallel import shrinking_chunks


@pytest.mark.parametrize("n, size, parts", [(0, 16, 4), (1, 16, 4), (15, 16, 4), (16, 16, 4), (80, 16, 4),
                                            (240, 16, 4), (241, 16, 2), (1000, 16, 16), (37, 5, 3)])
def test_shrinking_chunks_keep_every_item_once_in_order(n, size, parts):
    chunks = list(shrinking_chunks(range(n), size, parts))
    assert [x for c in chunks for x in c] == list(range(n))
    assert all(1 <= len(c) <= size for c in chunks)


def test_the_last_chunks_are_small_and_the_rest_full():
    sizes = [len(c) for c in shrinking_chunks(range(240), 16, 4)]
    assert sizes == [16] * 12 + [12, 9, 7, 5, 4, 4, 4, 3]


def test_reads_only_a_few_chunks_ahead():
    read: list[int] = []

    def source():
        for i in range(1000):
            read.append(i)
            yield i

    chunks = shrinking_chunks(source(), 16, 4)
    first = next(chunks)
    assert first == list(range(16)) and len(read) == 16 * 5  # memory stays flat: the input is streamed


def _worker_view(chunk, offset):
    return [(x + offset, os.getpid(), os.nice(0)) for x in chunk]


def test_results_come_back_in_input_order_from_workers_at_a_lower_priority():
    loaded = []
    out = list(parallel.analysed(shrinking_chunks(range(200), 16, 4), _worker_view, (1000,), workers=2, window=3,
                                 preload=lambda: loaded.append(os.getpid())))
    values = [x for chunk in out for x, _, _ in chunk]
    assert values == [x + 1000 for x in range(200)]
    assert loaded == [os.getpid()]  # the model is loaded once, here, before the fork
    pids = {pid for chunk in out for _, pid, _ in chunk}
    assert pids and os.getpid() not in pids  # analysed in the workers (how many each took depends on timing)
    if parallel.WORKER_NICE > 0 and os.nice(0) + parallel.WORKER_NICE <= 19:
        assert {n for chunk in out for _, _, n in chunk} == {os.nice(0) + parallel.WORKER_NICE}


def test_the_collector_is_left_as_the_caller_set_it():
    import gc

    from storyline.gctune import bulk_ingest

    def run():
        return list(parallel.analysed(shrinking_chunks(range(8), 4, 2), _worker_view, (0,), workers=2, window=2))

    run()
    assert gc.get_freeze_count() == 0  # frozen for the run, unfrozen after
    with bulk_ingest():
        run()
        assert gc.get_freeze_count() > 0  # the caller froze it: still frozen until the caller ends
    assert gc.get_freeze_count() == 0


def test_chunk_sizes_do_not_change_an_analysis():
    """What makes the store independent of the chunking: the same records for an article whatever
    the articles parsed beside it (spaCy batches the chunk)."""
    from storyline.ingest import RawInput, build_article

    arts = [build_article(RawInput(path=str(i), text=a["text"])) for i, a in
            enumerate([*synth.sample_articles(), *synth.articles(12)])]
    whole = api._analyze_chunk(arts)
    pieces, i = [], 0
    for n in (3, 1, 7, 2, 16):
        pieces += api._analyze_chunk(arts[i:i + n])
        i += n
    pieces += api._analyze_chunk(arts[i:])
    assert len(whole) == len(arts) and pieces == whole


def _ingest_export(corpus, db, workers, every):
    env = dict(os.environ, STORYLINE_AGGREGATE_EVERY=str(every))
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", corpus, "--db", db, "--workers",
                        str(workers), "-q"], capture_output=True, text=True, env=env, timeout=900, check=False)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "export", "--db", db], capture_output=True, text=True, check=False,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_two_workers_store_what_one_stores_with_passes_during_the_run(tmp_path):
    """40 articles, a pass every 8: passes run while the workers are ahead, the last chunks are
    smaller, and the export and every table are the same as one worker's."""
    corpus = synth.write_jsonl(str(tmp_path / "corpus.jsonl"), 40)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    want = _ingest_export(corpus, one, 1, 8)
    got = _ingest_export(corpus, two, 2, 8)
    assert len([r for r in want if r["type"] == "article"]) == 40
    assert got == want
    assert table_rows(two) == table_rows(one)
