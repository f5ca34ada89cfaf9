"""The parser and the NER decoded by GreedySteps give every token exactly what spaCy's own loop gives."""
import glob
import os

import spacy
from conftest import SAMPLE, UNSEEN

from storyline import fastparse, nlp, synth
from storyline.nlp import MODEL

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def signature(doc):
    return [(t.i, t.head.i, t.dep_, t.is_sent_start, t.ent_iob_, t.ent_type_, t.pos_, t.lemma_) for t in doc]


def texts():
    paths = sorted(glob.glob(os.path.join(SAMPLE, "*.txt")) + glob.glob(os.path.join(UNSEEN, "*.txt"))
                   + glob.glob(os.path.join(FIXTURES, "wire_*", "*.txt")))
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            out.append(f.read())
    out += [a["text"] for a in synth.articles(40, start=900)]
    # documents spaCy treats specially: empty, white space only, one token, no sentence end, long
    out += ["", "   \n\n ", "Kyiv", "the minister said that talks would resume in Geneva",
            " ".join(out[:6])]
    return out


def test_parser_and_ner_are_decoded_by_greedy_steps():
    pipeline = nlp.load()
    assert type(pipeline.get_pipe("parser")).__name__ == "GreedySteps"
    assert type(pipeline.get_pipe("ner")).__name__ == "GreedySteps"
    assert pipeline.get_pipe("ner").labels == pipeline.get_pipe("ner").inner.labels


def test_same_annotations_as_spacys_own_decoding():
    stock = spacy.load(MODEL)
    fast = fastparse.speed_up(spacy.load(MODEL))
    assert fast.pipe_names == stock.pipe_names
    docs = texts()
    # the stream as the ingest reads it (batches of 16) and as one large batch, and one by one
    for batch_size in (16, 1000):
        for a, b in zip(stock.pipe(docs, batch_size=batch_size), fast.pipe(docs, batch_size=batch_size),
                        strict=True):
            assert signature(a) == signature(b)
    for text in docs[:12] + docs[-5:]:
        assert signature(stock(text)) == signature(fast(text))


def test_same_annotations_with_storylines_components(monkeypatch):
    """With the entity ruler's places set before the NER and the sentence starts of paragraphs set
    before the parser, as storyline runs them."""
    fast = nlp.load()
    monkeypatch.setattr(fastparse, "speed_up", lambda pipeline, names=(): pipeline)
    stock = nlp.load.__wrapped__(MODEL)
    assert type(stock.get_pipe("ner")).__name__ == "EntityRecognizer"
    docs = texts()
    for a, b in zip(stock.pipe(docs, batch_size=16), fast.pipe(docs, batch_size=16), strict=True):
        assert signature(a) == signature(b)
