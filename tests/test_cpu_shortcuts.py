"""Shortcuts taken for CPU time (issue 7, fifth round) give the same answers as the long way."""
import json
import sqlite3

import spacy
from conftest import SAMPLE, UNSEEN

from storyline import api, synth, unnamed_groups
from storyline.doctext import doc_text
from storyline.fastattrs import _index_as_sets
from storyline.nlp import MODEL


def test_doc_text_is_the_docs_text_read_once(nlp):
    doc = nlp("PORT SELVIN - The ferry \u201cwill not sail\u201d today, the operator said.\n\nIt did not.  ")
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)  # kept, not joined again from the tokens
    other = nlp("Another report.")
    assert doc_text(other) == "Another report."


def test_lemma_index_as_sets_gives_the_lists_answers():
    stock = spacy.load(MODEL).get_pipe("lemmatizer")
    fast = spacy.load(MODEL).get_pipe("lemmatizer")
    _index_as_sets(fast)
    assert all(isinstance(v, frozenset) for v in fast.lookups.get_table("lemma_index").values())
    assert any(isinstance(v, list) for v in stock.lookups.get_table("lemma_index").values())
    nlp = spacy.load(MODEL, disable=["lemmatizer"])
    texts = [a["text"] for a in synth.articles(12, start=300)]
    texts.append("The striking dockers' unions were regrouping; she'd stopped buying geese and feet-washing "
                 "kits, worse luck, as the best-laid plans went awry and the children sang.")
    n = 0
    for doc in nlp.pipe(texts):
        for tok in doc:
            for pos in ("NOUN", "VERB", "ADJ", "ADV", tok.pos_):  # every table, not only the tagged POS
                tok.pos_ = pos
                stock.cache.clear()
                fast.cache.clear()
                assert fast.rule_lemmatize(tok) == stock.rule_lemmatize(tok), (tok.text, pos)
                n += 1
    assert n > 5000


def test_armed_group_of_the_neighbours_same_with_reads_kept(tmp_path):
    db_path = str(tmp_path / "s.db")
    api.ingest([SAMPLE], db=db_path)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    ids = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY rowid")]
    kept = unnamed_groups._Neighbours(db)
    fresh = [unnamed_groups.group_for(db, a) for a in ids]
    assert [unnamed_groups.group_for(db, a, kept) for a in ids] == fresh
    assert any(g is not None for g in fresh)  # the neighbours' vote was exercised
    db.close()


def _clustered(tmp_path, name: str, max_kept: int) -> tuple[list, list]:
    from storyline import event_clusters

    db_path = str(tmp_path / f"{name}.db")
    old = event_clusters._Matches.MAX_KEPT
    event_clusters._Matches.MAX_KEPT = max_kept
    try:
        api.ingest([SAMPLE, UNSEEN], db=db_path)
    finally:
        event_clusters._Matches.MAX_KEPT = old
    db = sqlite3.connect(db_path)
    out = (db.execute("SELECT id, cluster_id FROM events ORDER BY id").fetchall(),
           db.execute("SELECT id, event_ids FROM event_clusters ORDER BY id").fetchall())
    db.close()
    return out


def test_event_clusters_same_with_candidate_matches_kept(tmp_path):
    """The candidate events kept across a pass (and their clusters followed through every join and
    merge) give the clusters that asking the store for each event gives (MAX_KEPT 0: nothing kept)."""
    kept = _clustered(tmp_path, "kept", 200_000)
    asked = _clustered(tmp_path, "asked", 0)
    assert kept == asked
    _, clusters = kept
    assert any(len(json.loads(ids)) > 1 for _, ids in clusters)  # events did join clusters


def test_place_patterns_made_by_the_tokenizer_alone_match_the_same_words(nlp):
    from storyline.nlp import _place_patterns

    full = spacy.load(MODEL)  # the phrases made by every component before the ruler, as spaCy does it
    assert nlp.disabled == full.disabled and "storyline_places" in nlp.pipe_names  # every component back on
    ours = nlp.get_pipe("storyline_places").phrase_patterns
    ruler = full.add_pipe("entity_ruler", name="places_full", before="ner",
                          config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
    ruler.add_patterns(_place_patterns())
    theirs = ruler.phrase_patterns
    assert ours.keys() == theirs.keys()
    for label in ours:
        assert [[t.orth for t in d] for d in ours[label]] == [[t.orth for t in d] for d in theirs[label]]


def test_bulk_ingest_gc_settings_same_rows_and_restored(tmp_path):
    """The command line's ingest collects garbage less often (gctune.py): the same rows as the
    library's defaults, and the process's own settings back afterwards (API callers keep theirs)."""
    import gc

    from tablecmp import table_rows
    from typer.testing import CliRunner

    from storyline import gctune
    from storyline.cli import app

    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with gctune.bulk_ingest():
        assert gc.get_threshold() == gctune.BULK_THRESHOLD != before
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    tuned, plain = str(tmp_path / "tuned.db"), str(tmp_path / "plain.db")
    res = CliRunner().invoke(app, ["ingest", SAMPLE, "--db", tuned, "-q"])
    assert res.exit_code == 0, res.output
    assert gc.get_threshold() == before
    api.ingest([SAMPLE], db=plain)
    rows = table_rows(tuned)
    assert rows == table_rows(plain) and rows["articles"]


def test_paragraph_starts_found_from_the_line_breaks_equal_a_visit_of_every_token(nlp):
    """storyline_paragraphs finds the tokens after a line break from the text's line breaks; the long
    way looks at every token's text and trailing space."""
    from storyline.nlp import paragraphs

    texts = [a["text"] for a in synth.articles(12, start=40)]
    texts += ["a\nb", "\n\nx y\n", "x\r\n\r\ny  \n z", "no breaks here", "", "\n", "end\n", "  \n\n  lead"]
    for t in texts:
        long_way = nlp.tokenizer(t)
        want = [tok.i for tok in long_way[1:] if "\n" in long_way[tok.i - 1].text or "\n" in long_way[tok.i - 1].whitespace_]
        doc = paragraphs(nlp.tokenizer(t))
        assert [tok.i for tok in doc[1:] if tok.is_sent_start] == want, repr(t[:40])
    assert any("\n" in t for t in texts)
