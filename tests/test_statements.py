"""Statements: the same words quoted by several reports become one record (fictional reports)."""
import json

import pytest

from storyline import api

AGENCY = ("PORT SELVIN, March 3 (Selvin News Agency) - Veldonian Foreign Minister Lena Vosk said on Monday "
          "that the corridor would stay open.\n\n"
          '"We will keep the corridor open for as long as civilians need it, and we expect every side to respect '
          'the convoys," Vosk told reporters after the talks.\n\n'
          "The talks will resume on Thursday.")
DAILY = ("DRAVIK, March 3 (Dravik Daily) - Talks on the aid corridor ended on Monday without a deal on the "
         "hostages.\n\n"
         'Foreign Minister Lena Vosk told reporters: "We will keep the corridor open for as long as civilians need '
         'it, and we expect every side to respect the convoys."\n\n'
         '"The harbour is closed to all traffic until further notice," port director Emil Sarn said.')
WEEKLY = ("VELDGRAD, March 4 (Veldgrad Weekly) - The minister, Lena Vosk, promised to keep the corridor "
          '"open for as long as civilians need it" and warned the militias to stay away from the convoys.\n\n'
          "Fuel prices rose again in the capital.")
OTHER = ("ORSENKA, March 5 (Orsenka Post) - Militia commander Ivo Drent said his men would keep the corridor "
         '"open for as long as civilians need it" too.')


def write(tmp_path, files):
    paths = []
    for name, text in files.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    return paths


def statements_of(db):
    recs = list(api.export_records(db))
    quotes = {r["id"]: r for r in recs if r["type"] == "quote"}
    arts = {r["id"]: r for r in recs if r["type"] == "article"}
    return [r for r in recs if r["type"] == "statement"], quotes, arts


def test_same_words_in_three_outlets_are_one_statement(tmp_path):
    db = str(tmp_path / "s.db")
    api.ingest(write(tmp_path, {"a.txt": AGENCY, "b.txt": DAILY, "c.txt": WEEKLY}), db=db)
    sts, quotes, arts = statements_of(db)
    held = [s for s in sts if any("corridor open" in quotes[q]["text"] for q in s["quote_ids"])]
    assert len(held) == 1, [s["text"] for s in sts]
    st = held[0]
    assert st["speaker"] is not None and st["speaker"]["name"] == "Lena Vosk"
    outlets = {arts[quotes[q]["article_id"]]["path"].rsplit("/", 1)[-1] for q in st["quote_ids"]}
    assert outlets == {"a.txt", "b.txt", "c.txt"}
    assert "We will keep the corridor open" in st["text"]  # the full direct quote, not the fragment
    # the port director's words are nobody else's: no statement holds them
    assert not any("harbour is closed" in quotes[q]["text"] for s in sts for q in s["quote_ids"])


def test_statements_grow_incrementally_to_the_same_record(tmp_path):
    paths = write(tmp_path, {"a.txt": AGENCY, "b.txt": DAILY, "c.txt": WEEKLY})
    one = str(tmp_path / "one.db")
    api.ingest(paths, db=one)
    two = str(tmp_path / "two.db")
    api.ingest(paths[:2], db=two)
    first, _, _ = statements_of(two)
    api.ingest(paths[2:], db=two)
    second, _, _ = statements_of(two)
    assert len(first) == 1 and len(first[0]["quote_ids"]) == 2
    assert [(s["id"], s["quote_ids"]) for s in second] == [(s["id"], s["quote_ids"]) for s in statements_of(one)[0]]
    assert len(second[0]["quote_ids"]) == 3


def test_same_words_from_another_named_speaker_stay_apart(tmp_path):
    db = str(tmp_path / "s.db")
    api.ingest(write(tmp_path, {"a.txt": AGENCY, "d.txt": OTHER}), db=db)
    sts, quotes, _ = statements_of(db)
    for s in sts:
        speakers = {(quotes[q]["speaker"] or {}).get("name") for q in s["quote_ids"]}
        assert not {"Lena Vosk", "Ivo Drent"} <= speakers


@pytest.mark.parametrize("a, b, same", [
    ("We will keep the corridor open for as long as civilians need it.", "keep the corridor open for as long as", True),
    ("We will keep the corridor open for as long as civilians need it.", "The corridor will close on Friday at noon.", False),
    ("The harbour is closed.", "The harbour is closed.", False),  # too short to tell
])
def test_same_words(a, b, same):
    from storyline.statements import MIN_WORDS, same_words, trigrams, words

    long_enough = min(len(words(a)), len(words(b))) >= MIN_WORDS
    assert (long_enough and same_words(trigrams(a), trigrams(b))) == same


def test_statement_table_round_trips_quote_ids(tmp_path):
    db = str(tmp_path / "s.db")
    api.ingest(write(tmp_path, {"a.txt": AGENCY, "b.txt": DAILY}), db=db)
    from storyline.store import Store

    store = Store(db, readonly=True)
    rows = list(store.rows("SELECT quote_ids FROM statements"))
    store.close()
    assert rows and all(len(json.loads(r[0])) >= 2 for r in rows)
