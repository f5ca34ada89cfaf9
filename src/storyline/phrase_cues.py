"""Multiword cues: a verb that attributes only with a word of its phrase ('made it clear that ...',
'made the case that ...', 'made plain ...').

The verb alone is no cue ('made a deal'), and the parser hangs the attributed clause on the verb,
on the phrase word or on a word after it, so the content is read from the words: from right after
the phrase word to the end of the verb's clause. The frames are data (cues.json ``phrase_frames``:
a verb lemma and the words that make it a cue, each with the words that may stand between).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from spacy.tokens import Doc, Token

from .lexicon import load_lexicon

LEAD = frozenset({"that", ",", ":", "—", "–"})


@lru_cache(maxsize=1)
def phrase_frames() -> dict[str, dict[str, int]]:
    """verb lemma -> {phrase word: how many words may stand between the verb and it}."""
    return {verb: dict(words) for verb, words in load_lexicon("cues").get("phrase_frames", {}).items()}


def _phrase_word(verb: Token) -> Token | None:
    words = phrase_frames().get(verb.lemma_.lower())
    if not words:
        return None
    doc = verb.doc
    for j in range(verb.i + 1, min(verb.i + 4, verb.sent.end)):
        gap = words.get(doc[j].lower_)
        if gap is not None and j - verb.i - 1 <= gap:
            return doc[j]
    return None


def phrase_cues(doc: Doc, subject: Callable[[Token], Token | None],
                content_end: Callable[[Token], Token]) -> Iterator[tuple[int, int, Token, Token]]:
    """(start, end, cue, subject) of every multiword cue in doc whose subject is found."""
    for t in doc:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        word = _phrase_word(t)
        if word is None:
            continue
        subj = subject(t)
        if subj is None or (subj.lower_ == "it" and subj.head is not t):
            continue  # 'it becomes harder to make the case that ...'
        first = word.i + 1
        while first < t.sent.end and doc[first].lower_ in LEAD:
            first += 1
        # the clause the phrase introduces hangs on the verb, on the phrase word or on a word
        # after it: the verb's clause, cut where a clause with an attribution of its own begins
        last = content_end(t).i if word.is_ancestor(t) or t.is_ancestor(word) else word.right_edge.i
        if first >= t.sent.end or last < first:
            continue
        while last > first and (doc[last].is_punct or doc[last].is_space):
            last -= 1
        if last - first < 2:
            continue
        yield doc[first].idx, doc[last].idx + len(doc[last].text), t, subj
