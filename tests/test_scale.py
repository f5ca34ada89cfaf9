"""Parquet round trips and the Ray Data engine, on a real local Ray (127.0.0.1, 2 CPUs)."""
import json
import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import SAMPLE
from storyline import api
from storyline.scale import decode, encode
from tablecmp import integrity_ok, table_rows

BIN = [sys.executable, "-m", "storyline.cli"]
ENV = {**os.environ, "COLUMNS": "400"}
EXTRA = [
    {"id": "pq-1", "text": "HALVIK, May 2. /KNA/. Rescue teams reached 14 villages cut off by the flood, "
                           "the regional governor Anya Lisk said on Friday.", "outlet": "KNA"},
    {"id": "pq-2", "text": '"We will rebuild the bridge before winter," Anya Lisk told reporters in Halvik.',
     "published": "2025-05-03"},
]


def run(*args):
    return subprocess.run([*BIN, *args], capture_output=True, text=True, timeout=900, env=ENV)


def test_parquet_export_and_load_round_trip_every_table(sample_db, tmp_path):
    out = tmp_path / "export"
    r = run("export", "--db", sample_db, "--format", "parquet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    copy = str(tmp_path / "copy.db")
    r = run("load", str(out), "--db", copy)
    assert r.returncode == 0, r.stderr
    want, got = table_rows(sample_db), table_rows(copy)
    assert set(got) == set(want) and {"articles", "quotes", "claims", "actors", "article_actors"} <= set(got)
    for t in want:
        assert got[t] == want[t], t
    assert list(api.export_records(copy)) == list(api.export_records(sample_db))
    # full-text search is rebuilt on import
    import sqlite3

    with sqlite3.connect(copy) as con:
        assert con.execute("select count(*) from articles_fts where articles_fts match 'hostages'").fetchone()[0] > 0
    # loading the same folder again adds nothing
    r = run("load", str(out), "--db", copy)
    assert r.returncode == 0 and "0 added" in r.stderr
    assert table_rows(copy) == want and integrity_ok(copy)


def test_analysis_codec_round_trip():
    from storyline.api import analyze_texts

    an = analyze_texts([EXTRA[0]["text"] + ' "We are moving the families tonight," Lisk said.'])[0]
    assert an.quotes and an.claims
    assert decode(encode(an)) == an


def test_ray_engine_then_load_equals_a_local_ingest(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    broken = corpus / "zz_more.jsonl"
    broken.write_text(json.dumps({"id": "j-1", "text": EXTRA[0]["text"].replace("14", "15")}) + "\n{broken\n",
                      encoding="utf-8")
    pq_file = tmp_path / "extra.parquet"
    cols = ["id", "text", "outlet", "published"]
    pq.write_table(pa.Table.from_pylist([{c: e.get(c) for c in cols} for e in EXTRA]), pq_file)
    # the local run reads the Parquet rows' twin as JSONL, last, like the Ray run reads Parquet last
    twin = tmp_path / "extra.jsonl"
    twin.write_text("".join(json.dumps(e) + "\n" for e in EXTRA), encoding="utf-8")

    local = str(tmp_path / "local.db")
    r = run("ingest", str(corpus), str(twin), "--db", local, "-q")
    assert r.returncode == 1 and "zz_more.jsonl:2" in r.stderr  # the broken line

    out = tmp_path / "parts"
    r = run("ingest", "--engine", "ray", "--workers", "2", str(corpus), str(pq_file), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert os.listdir(out / "analyses")
    viaray = str(tmp_path / "ray.db")
    r = run("load", str(out), "--db", viaray)
    assert r.returncode == 1, r.stderr  # the broken line is reported again, the rest is stored
    assert "zz_more.jsonl:2" in r.stderr and "not valid JSON" in r.stderr

    want, got = table_rows(local), table_rows(viaray)
    for t in want:
        if t == "failures":  # same failure, reported under the same path
            assert [os.path.basename(r[0]) for r in got[t]] == [os.path.basename(r[0]) for r in want[t]]
        else:
            assert got[t] == want[t], t
    # idempotent
    r = run("load", str(out), "--db", viaray)
    assert "0 added" in r.stderr
    assert table_rows(viaray)["articles"] == want["articles"] and integrity_ok(viaray)
