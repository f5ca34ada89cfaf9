"""Hostile inputs: every bad file gets a clear per-file error (or is read correctly), the rest
of the batch is stored, and the exit status says which happened."""
import json
import os
import resource
import sqlite3
import subprocess
import sys

import pytest

from storyline import api
from storyline.errors import StoreError

STORY = ("VARNO, June 3. /KNA/. The Karesh interior ministry said {n} families had left the river "
         "villages by Monday evening.\n\n"
         '"The water is still rising," district chief Oren Talvik said.')
RUSSIAN = "Министерство сообщило, что переговоры о коридоре продолжатся во вторник. " * 3
LATIN1 = ("ORSENKA, June 4. /KNA/. The café owners of the old quarter said the façade of the "
          "théâtre had been damaged, the ministry said.")


def story(n):
    return STORY.format(n=n)


def hostile_folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "01_good.txt").write_text(story(11), encoding="utf-8")
    (d / "02_binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "03_empty.txt").write_bytes(b"")
    (d / "04_blank.txt").write_bytes(b"  \n\n \t\n")
    # invalid UTF-8: a stray byte in otherwise UTF-8 text is read, not refused
    (d / "05_bad_utf8.txt").write_bytes(story(12).encode("utf-8").replace(b"families", b"famil\xffies", 1))
    (d / "06_cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (d / "07_latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    (d / "08_utf16.txt").write_bytes(story(13).encode("utf-16"))  # with BOM
    (d / "09_nav_only.html").write_text(
        "<html><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav><footer>(c) KNA</footer>"
        "</body></html>", encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": story(14)}), "{\"id\": \"j2\", \"text\": \"unterminated",
             json.dumps({"id": "j3", "text": story(15)})]
    (d / "10_broken.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # one article over the character limit (but under the file-size limit)
    (d / "11_too_long.txt").write_text("The talks went on. " * 60_000, encoding="utf-8")
    return d


def test_hostile_batch(tmp_path):
    d = hostile_folder(tmp_path)
    db = str(tmp_path / "s.db")
    rep = api.ingest([str(d)], db=db)
    reasons = {os.path.basename(f.path): f.reason for f in rep.failures}
    assert set(reasons) == {"02_binary.txt", "03_empty.txt", "04_blank.txt", "09_nav_only.html",
                            "10_broken.jsonl:2", "11_too_long.txt"}, reasons
    assert "binary data" in reasons["02_binary.txt"] and ".txt" in reasons["02_binary.txt"]
    assert "empty" in reasons["03_empty.txt"] and "empty" in reasons["04_blank.txt"]
    assert "no article text" in reasons["09_nav_only.html"]
    assert "not valid JSON" in reasons["10_broken.jsonl:2"] and "this line" in reasons["10_broken.jsonl:2"]
    assert "limit" in reasons["11_too_long.txt"] and "split" in reasons["11_too_long.txt"]
    # the rest were read correctly and stored
    assert rep.added == 7
    with sqlite3.connect(db) as con:
        texts = {os.path.basename(p): t for p, t in con.execute("select path, text from articles")}
        assert con.execute("select count(*) from failures").fetchone()[0] == 6
    assert texts["06_cp1251.txt"] == RUSSIAN
    assert texts["07_latin1.txt"] == LATIN1
    assert texts["08_utf16.txt"] == story(13)
    assert "river villages" in texts["05_bad_utf8.txt"]
    assert {"j1", "j3"} <= set(texts)


def test_cli_exit_status_on_a_hostile_batch(tmp_path):
    d = hostile_folder(tmp_path)
    db = str(tmp_path / "s.db")
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(d), "--db", db, "-q"],
                       capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "400"})
    assert r.returncode == 1, r.stderr
    assert "10_broken.jsonl:2" in r.stderr and "7 added" in r.stderr and "6 failed" in r.stderr
    # nothing new: the failures are listed again, the stored ones are unchanged
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(d / "01_good.txt"), "--db", db, "-q"],
                       capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "400"})
    assert r.returncode == 0 and "0 added, 1 already stored" in r.stderr


def test_100_mb_text_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    chunk = ("The convoy waited at the crossing for another day. " * 2000 + "\n").encode()
    with open(big, "wb") as f:
        while f.tell() < 100_000_000:
            f.write(chunk)
    good = tmp_path / "good.txt"
    good.write_text(story(21), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    rep = api.ingest([str(big), str(good)], db=str(tmp_path / "s.db"))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert rep.added == 1 and [os.path.basename(f.path) for f in rep.failures] == ["huge.txt"]
    assert "100 MB is larger than the 20 MB limit" in rep.failures[0].reason
    assert grown_mb < 60  # the file was never read into memory


def test_big_jsonl_streams_and_reports_the_oversized_line(tmp_path):
    """A JSONL file is not one article: it streams line by line, whatever its size."""
    p = tmp_path / "many.jsonl"
    with open(p, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "a", "text": story(31)}) + "\n")
        f.write(json.dumps({"id": "huge", "text": "The talks went on. " * 1_200_000}) + "\n")  # ~23 MB line
        f.write(json.dumps({"id": "b", "text": story(32)}) + "\n")
    assert os.path.getsize(p) > 20_000_000
    rep = api.ingest([str(p)], db=str(tmp_path / "s.db"))
    assert rep.added == 2
    assert [(os.path.basename(f.path), "limit" in f.reason) for f in rep.failures] == [("many.jsonl:2", True)]


def test_file_deleted_mid_run(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for i in range(40):
        (d / f"{i:02d}.txt").write_text(story(100 + i), encoding="utf-8")
    victim = d / "39.txt"

    def progress(n, path):
        if victim.exists():
            victim.unlink()  # deleted after the folder was listed, before it was read

    rep = api.ingest([str(d)], db=str(tmp_path / "s.db"), progress=progress)
    assert rep.added == 39
    assert [os.path.basename(f.path) for f in rep.failures] == ["39.txt"]
    assert "disappeared" in rep.failures[0].reason and "ingest it again" in rep.failures[0].reason


@pytest.mark.parametrize("kind", ["folder", "not_a_database", "missing_parent"])
def test_unwritable_database(tmp_path, kind):
    good = tmp_path / "good.txt"
    good.write_text(story(41), encoding="utf-8")
    if kind == "folder":
        db = tmp_path / "adir"
        db.mkdir()
    elif kind == "not_a_database":
        db = tmp_path / "notes.db"
        db.write_text("these are my notes, not a database\n" * 200)
    else:
        db = tmp_path / "good.txt" / "s.db"  # a file where a folder should be
    with pytest.raises(StoreError, match="cannot"):
        api.ingest([str(good)], db=str(db))
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(good), "--db", str(db), "-q"],
                       capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "400"})
    assert r.returncode == 2 and "error:" in r.stderr and "Traceback" not in r.stderr
