"""Inputs of every kind, bad inputs, idempotence, and the store."""
import json
import os
import sqlite3

import pytest

from storyline import api
from storyline.ingest import decode, read
from storyline.errors import InputError

STORY = ("ORSENKA, March 4. /KNA/. The Karesh Foreign Ministry said on Tuesday that more than 30 "
         "families had been evacuated from the border town.\n\n"
         '"We are working around the clock," ministry spokesman Eli Varro said.')


def write(path, data, mode="w", **kw):
    with open(path, mode, **kw) as f:
        f.write(data)
    return str(path)


def test_txt_html_json_jsonl(tmp_path):
    write(tmp_path / "a.txt", STORY, encoding="utf-8")
    html = ("<html><head><title>Border town evacuated</title></head><body><nav>Home | World</nav><article>"
            "<h1>Border town evacuated</h1><p>" + STORY.replace("\n\n", "</p><p>") + "</p></article></body></html>")
    write(tmp_path / "b.html", html.replace("30 families", "31 families"), encoding="utf-8")
    write(tmp_path / "c.json", json.dumps({"id": "c1", "text": STORY.replace("30", "32"), "outlet": "KNA",
                                           "published": "2025-03-04"}), encoding="utf-8")
    lines = [json.dumps({"id": f"l{i}", "text": STORY.replace("30", str(40 + i))}) for i in range(2)]
    write(tmp_path / "d.jsonl", "\n".join(lines), encoding="utf-8")
    db = str(tmp_path / "s.db")
    rep = api.ingest([str(tmp_path)], db=db)
    assert rep.failed == 0, rep.failures
    assert rep.added == 5
    recs = list(api.export_records(db))
    arts = [r for r in recs if r["type"] == "article"]
    assert len(arts) == 5
    by_path = {os.path.basename(a["path"]): a for a in arts}
    assert by_path["a.txt"]["outlet"] == "KNA" and by_path["a.txt"]["dateline"] == "Orsenka"
    assert by_path["c1"]["published"] == "2025-03-04"
    # the year of a.txt is inferred from the rest of the corpus and the weekday (Tuesday March 4, 2025)
    assert by_path["a.txt"]["published"] == "2025-03-04"
    quotes = [r for r in recs if r["type"] == "quote" and "around the clock" in r["text"]]
    assert len(quotes) == 5 and all(q["speaker"]["name"] == "Eli Varro" for q in quotes)


def test_same_article_twice_adds_nothing(tmp_path):
    p = write(tmp_path / "a.txt", STORY, encoding="utf-8")
    db = str(tmp_path / "s.db")
    first = api.ingest([p], db=db)
    before = list(api.export_records(db))
    again = api.ingest([p, p], db=db)
    after = list(api.export_records(db))
    assert first.added == 1 and again.added == 0 and again.unchanged == 2
    assert before == after


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path):
    good = write(tmp_path / "good.txt", STORY, encoding="utf-8")
    empty = write(tmp_path / "empty.txt", "", encoding="utf-8")
    binary = write(tmp_path / "blob.txt", bytes(range(256)) * 50, mode="wb")
    broken = write(tmp_path / "broken.jsonl", json.dumps({"text": STORY.replace("30", "77")}) + "\n{not json\n",
                   encoding="utf-8")
    notext = write(tmp_path / "notext.json", json.dumps({"title": "no text"}), encoding="utf-8")
    missing = str(tmp_path / "missing.txt")
    db = str(tmp_path / "s.db")
    rep = api.ingest([good, empty, binary, broken, notext, missing], db=db)
    assert rep.added == 2  # good.txt and the valid line of broken.jsonl
    reasons = {os.path.basename(f.path): f.reason for f in rep.failures}
    assert set(reasons) == {"empty.txt", "blob.txt", "broken.jsonl:2", "notext.json", "missing.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "JSON" in reasons["broken.jsonl:2"]
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from failures").fetchone()[0] == 5


@pytest.mark.parametrize("encoding", ["utf-16", "cp1251", "latin-1", "utf-8-sig"])
def test_encodings(tmp_path, encoding):
    text = "MOSCOW, November 2. /TASS/. The ministry said the café and the school were reopened."
    if encoding == "cp1251":
        text = "Текст на русском языке о переговорах. " * 3
    p = write(tmp_path / "x.txt", text.encode(encoding), mode="wb")
    items = list(read(p))
    assert len(items) == 1 and not isinstance(items[0], InputError)
    assert items[0].text == text


def test_decode_rejects_empty():
    with pytest.raises(InputError):
        decode(b"   \n", "x")


def test_unwritable_database_is_a_clear_error(tmp_path):
    from storyline.errors import StoreError

    with pytest.raises(StoreError, match="does not exist"):
        api.ingest([], db=str(tmp_path / "no" / "such" / "dir" / "s.db"))


def test_wal_mode_and_fts(tmp_path):
    p = write(tmp_path / "a.txt", STORY, encoding="utf-8")
    db = str(tmp_path / "s.db")
    api.ingest([p], db=db)
    with sqlite3.connect(db) as con:
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        hits = con.execute("select count(*) from articles_fts where articles_fts match 'evacuated'").fetchone()[0]
        assert hits == 1


def test_weekday_year_follows_the_corpus(tmp_path):
    """Regression: Nov 7 is a Tuesday in 2017 and 2023; the corpus around it decides."""
    dated = write(tmp_path / "a.txt", " date 2017-11-05 MOSCOW, November 5. /TASS/. The envoy arrived "
                  "for talks on the border crossing.", encoding="utf-8")
    undated = write(tmp_path / "b.txt", "MOSCOW. Nov 7 (Interfax) - The talks on the crossing ended, the "
                    "ministry said on Tuesday.", encoding="utf-8")
    db = str(tmp_path / "s.db")
    api.ingest([undated, dated], db=db)
    arts = {os.path.basename(a["path"]): a for a in api.export_records(db) if a["type"] == "article"}
    assert arts["b.txt"]["published"] == "2017-11-07"
    assert arts["b.txt"]["published_source"] == "weekday"
