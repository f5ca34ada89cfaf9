"""The CLI as a user runs it: real processes, a real SQLite file."""
import json
import os
import subprocess
import sys

from conftest import SAMPLE

BIN = [sys.executable, "-m", "storyline.cli"]


def run(*args, cwd=None, input=None):
    return subprocess.run([*BIN, *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=600)


def test_ingest_export_show(tmp_path):
    db = str(tmp_path / "s.db")
    r = run("ingest", SAMPLE, "--db", db)
    assert r.returncode == 0, r.stderr
    assert "added" in r.stderr
    out = tmp_path / "out.jsonl"
    r = run("export", "--db", db, "-o", str(out))
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    types = {r["type"] for r in recs}
    assert {"article", "quote", "claim", "actor"} <= types
    # export to stdout is the same, byte for byte (deterministic)
    r = run("export", "--db", db, "-o", "-")
    assert r.stdout == out.read_text()
    r = run("show", "--db", db)
    assert r.returncode == 0 and "Speakers" in r.stdout


def test_export_contract_fields(sample_db):
    from storyline import api

    need = {
        "article": {"id", "path", "outlet", "dateline", "published", "title"},
        "quote": {"id", "article_id", "kind", "start", "end", "text", "cue", "speaker"},
        "claim": {"id", "article_id", "start", "end", "value", "low", "high", "qualifier", "counts",
                  "claimed_by", "as_of"},
        "actor": {"id", "name", "kind", "country", "roles", "aliases"},
    }
    seen = set()
    for rec in api.export_records(sample_db):
        if rec["type"] in need:
            assert need[rec["type"]] <= set(rec), rec
            seen.add(rec["type"])
        if rec["type"] == "quote":
            assert rec["kind"] in ("direct", "partial", "indirect")
            if rec["speaker"]:
                assert {"actor_id", "name", "aliases", "text", "start", "end"} <= set(rec["speaker"])
        if rec["type"] == "claim":
            assert rec["qualifier"] in ("exact", "about", "more_than", "less_than", "at_least", "at_most", "range")
    assert seen == set(need)


def test_every_record_points_at_its_original_characters(sample_db):
    """Property over the whole sample corpus: text at the offsets equals the record's text."""
    from storyline import api

    recs = list(api.export_records(sample_db))
    texts = {}
    for a in recs:
        if a["type"] == "article":
            path = a["path"]
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    texts[a["id"]] = f.read()
            else:  # an article from wire.jsonl
                with open(os.path.join(SAMPLE, "wire.jsonl"), encoding="utf-8") as f:
                    for line in f:
                        o = json.loads(line)
                        if o["id"] == path:
                            texts[a["id"]] = o["text"]
    n = 0
    for r in recs:
        if r["type"] in ("quote", "claim"):
            text = texts[r["article_id"]]
            assert text[r["start"]:r["end"]] == r["text"]
            sp = r.get("speaker")
            if sp and sp.get("start") is not None:
                assert text[sp["start"]:sp["end"]] == sp["text"]
            n += 1
    assert n > 50


def test_failing_file_sets_exit_status(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text('"We are ready," the mayor, Lia Ferren, said.', encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    db = str(tmp_path / "s.db")
    r = run("ingest", str(good), str(bad), "--db", db)
    assert r.returncode == 1
    assert "bad.txt" in r.stderr and "empty" in r.stderr
    r = run("ingest", str(good), "--db", db)
    assert r.returncode == 0 and "1 already stored" in r.stderr


def test_stdin(tmp_path):
    db = str(tmp_path / "s.db")
    r = run("ingest", "-", "--db", db, input='"The crossing is open," Governor Ivo Strand said.')
    assert r.returncode == 0, r.stderr
    r = run("export", "--db", db)
    quotes = [json.loads(x) for x in r.stdout.splitlines() if '"quote"' in x]
    assert quotes and quotes[0]["speaker"]["name"] == "Ivo Strand"


def test_parquet_export(sample_db, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "pq"
    r = run("export", "--db", sample_db, "--format", "parquet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    t = pq.read_table(out / "quote.parquet")
    assert t.num_rows > 20 and "speaker" in t.column_names


def test_workers_give_the_same_records(tmp_path):
    from storyline import api

    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    api.ingest([SAMPLE], db=one, workers=1)
    api.ingest([SAMPLE], db=two, workers=2)
    assert list(api.export_records(one)) == list(api.export_records(two))


def test_every_command_is_documented():
    readme = open(os.path.join(os.path.dirname(SAMPLE), "..", "..", "README.md"), encoding="utf-8").read()
    from storyline.cli import app

    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        assert f"storyline {name}" in readme, f"README does not document `storyline {name}`"


def test_views_rebuilds_views_of_an_older_version(tmp_path):
    """After an upgrade the stored views of the old version are ignored (pages computed per
    request); `storyline views` builds them again, the same as the ingest built them."""
    import sqlite3

    from storyline import story_views

    db = str(tmp_path / "s.db")
    assert run("ingest", SAMPLE, "--db", db).returncode == 0
    con = sqlite3.connect(db)
    sids = [r[0] for r in con.execute("SELECT id FROM stories ORDER BY id")]
    before = {sid: story_views.stored_json(con, sid) for sid in sids}
    assert sids and all(before.values())
    with con:
        con.execute("UPDATE story_views SET version='older'")
    assert all(story_views.stored_json(con, sid) is None for sid in sids)
    con.close()
    r = run("views", "--db", db)
    assert r.returncode == 0, r.stderr
    assert f"{len(sids)} story views built" in r.stdout
    con = sqlite3.connect(db)
    assert {sid: story_views.stored_json(con, sid) for sid in sids} == before
    con.close()
    assert run("views", "--db", db).stdout.startswith("0 story views built")
    r = run("views", "--db", str(tmp_path / "missing.db"))
    assert r.returncode == 2 and "no database" in r.stderr
