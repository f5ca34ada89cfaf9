"""Attribution frames beyond "X said that ...": a verb and the words it attributes.

News attributes more than speech: "the senator criticized the plan", "she called for a recount",
"he vowed to appeal", "the mayor talked about the budget", "her criticism of the plan", "she is
confident in the plan". Each frame is a verb, noun or adjective lemma and the dependency that
holds the attributed words (``dobj``, ``xcomp``, ``ccomp``, ``oprd`` or ``prep_X``, the object of
the preposition X); a noun frame's source is its possessor, an adjective frame's the subject of
its copula. The frames are data (data/frames.json), chosen on PolNeAR train by tools/mine_frames.py.

Verbs like "seem" and "appear" attribute with no source ("the plan seems to work"): their
content runs from the subject to the end of the complement, and they have no speaker.

:func:`framed` yields (start, end, cue token, subject token or None) like the reported-speech
extractor in :mod:`storyline.quotes`; that module decides what is kept.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from spacy.tokens import Doc, Token

from .lexicon import load_lexicon


def frames() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    return _section("verbs"), _section("no_source")


@cache
def _section(name: str) -> dict[str, frozenset[str]]:
    """One section of data/frames.json: lemma -> the dependencies that hold the attributed words."""
    return {k: frozenset(v) for k, v in load_lexicon("frames").get(name, {}).items()}


def noun_frames() -> dict[str, frozenset[str]]:
    return _section("nouns")


def adjective_frames() -> dict[str, frozenset[str]]:
    return _section("adjectives")


def passive_frames() -> dict[str, frozenset[str]]:
    return _section("passive")


def passive_with_subject() -> dict[str, frozenset[str]]:
    return _section("passive_with_subject")


def sourceless_passive(verb: Token) -> bool:
    """"The senator is expected to run": a passive whose subject is not the source."""
    return verb.lemma_.lower() in passive_with_subject() and any(c.dep_ == "nsubjpass" for c in verb.children)


def _passive(verb: Token) -> bool:
    """"was asked about ...", "Asked whether ...": a past participle with no active subject."""
    return verb.tag_ == "VBN" and not any(c.dep_ == "nsubj" for c in verb.children) and (
        any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or verb.dep_ in ("advcl", "ROOT"))


def _complements(verb: Token, rels: frozenset[str]) -> list[Token]:
    """The verb's dependents that hold attributed words ("accused [the board] of [hiding it]")."""
    out = []
    for c in verb.children:
        if c.dep_ in rels:
            out.append(c)
        elif c.dep_ == "prep" and f"prep_{c.lower_}" in rels:
            out.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
    return out


def _owner_acts(noun: Token, owner: Token, subject: Callable[[Token], Token | None]) -> Token:
    """'He stepped up his attacks on ...', 'they were unsparing in their criticism of ...': a noun frame
    owned by a possessive pronoun, as the object of a verb (or of a preposition on it), is the act of
    that verb's subject, whom the pronoun names again; that subject is the source."""
    if owner.lower_ not in ("his", "her", "their", "its"):
        return owner
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "in":
        head = head.head
        if head.pos_ == "ADJ" and head.dep_ == "acomp":
            head = head.head
    elif noun.dep_ != "dobj":
        return owner
    if head.pos_ not in ("VERB", "AUX"):
        return owner
    subj = subject(head)
    if subj is None or subj.i > noun.i or subj.lower_ in ("it", "there", "which", "that"):
        return owner
    plural = subj.tag_ in ("NNS", "NNPS") or subj.lower_ in ("they", "we") or any(c.dep_ == "conj" for c in subj.children)
    if plural != (owner.lower_ == "their") or subj.lower_ in ("i", "you"):
        return owner  # 'voters who decided since his decision ...': the pronoun names someone else
    return subj


def framed(doc: Doc, subject: Callable[[Token], Token | None],
           content_end: Callable[[Token], Token]) -> Iterator[tuple[int, int, Token, Token | None]]:
    """(start, end, cue, subject) of every frame in doc; subject is None for sourceless frames."""
    verbs, no_source = frames()
    nouns = noun_frames()
    adjectives = adjective_frames()
    for t in doc:
        lemma = t.lemma_.lower()
        if t.pos_ == "ADJ" and lemma in adjectives:
            # "the senator is confident in the plan", "she was critical of the deal": the copula's subject
            comps = [c for c in _complements(t, adjectives[lemma]) if c.i > t.i]
            subj = subject(t.head) if t.dep_ == "acomp" and comps else None
            if subj is None:
                continue
            first, last = comps[0].left_edge, content_end(comps[-1])
        elif t.pos_ == "NOUN" and lemma in nouns:
            # "the senator's criticism of the plan", "her call for a recount": the possessor is the source
            owner = next((c for c in t.children if c.dep_ == "poss"), None)
            comps = [c for c in _complements(t, nouns[lemma]) if c.i > t.i]
            if owner is None or not comps:
                continue
            first, last, subj = comps[0].left_edge, content_end(comps[-1]), _owner_acts(t, owner, subject)
        elif t.pos_ != "VERB":
            continue
        elif sourceless_passive(t):
            comps = [c for c in _complements(t, passive_with_subject()[lemma]) if c.i > t.i]
            subj = next(c for c in t.children if c.dep_ == "nsubjpass")
            if not comps:
                continue
            first, last, subj = subj.left_edge, content_end(comps[-1]), None
        elif lemma in passive_frames() and _passive(t):
            comps = [c for c in _complements(t, passive_frames()[lemma]) if c.i > t.i]
            if not comps:
                continue
            # "When asked by the anchor about ...": the asker is the source
            agent = next((p for a in t.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"), None)
            first, last, subj = comps[0].left_edge, content_end(comps[-1]), agent
        elif lemma in verbs:
            comps = [c for c in _complements(t, verbs[lemma]) if c.i > t.i]
            subj = subject(t) if comps else None
            if not comps or subj is None:
                continue
            first, last = comps[0].left_edge, content_end(comps[-1])
        elif lemma in no_source:
            comps = _complements(t, no_source[lemma])
            subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if not comps or subj is None or subj.lower_ in ("it", "there", "this", "that", "which", "who"):
                continue
            first, last = subj.left_edge, content_end(comps[-1])
            subj = None
        else:
            continue
        while last.i > first.i and (last.is_punct or last.is_space):
            last = doc[last.i - 1]
        yield first.idx, last.idx + len(last.text), t, subj
