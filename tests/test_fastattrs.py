"""The fast attribute ruler gives every token exactly what spaCy's attribute_ruler gives."""
import glob
import os

import spacy

from conftest import SAMPLE, UNSEEN
from storyline import synth
from storyline.fastattrs import speed_up
from storyline.nlp import MODEL


def signature(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.norm_) for t in doc]


def test_same_annotations_as_spacys_attribute_ruler():
    texts = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(SAMPLE, "*.txt")))
             + sorted(glob.glob(os.path.join(UNSEEN, "*.txt")))]
    texts += [a["text"] for a in synth.articles(24, start=500)]
    # rules about contractions and colloquial forms, which few news reports contain
    texts.append("I ain't sure, y'all gonna wanna see it. She's gotta go, isn't she? We'd've won. "
                 "Dr. Smith's dogs ran 5km; 'twas the night... U.S. officials didn't say.")
    stock = spacy.load(MODEL)
    fast = speed_up(spacy.load(MODEL))
    assert fast.pipe_names == stock.pipe_names
    assert type(fast.get_pipe("attribute_ruler")).__name__ == "FastAttributes"
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert signature(a) == signature(b)
