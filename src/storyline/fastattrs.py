"""A faster drop-in for the model's ``attribute_ruler``, with the same result on every token.

The small English model's attribute ruler holds ~180 rules, almost all of them "a token with
this tag (and this lower-case form) gets this POS and morphology". spaCy runs all of them through
its Matcher and builds a Span per match, about a sixth of the whole pipeline's time. Here the
one-token tag/word rules are looked up in dictionaries; the few others (several tokens, regular
expressions, dependency labels) still go through a Matcher. As in spaCy, a token gets the
attributes of every rule that matches it, in rule order, so a later rule wins
(tests/test_fastattrs.py compares both on every token).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs


def _values(v: Any) -> list[str] | None:
    """The strings a one-token condition accepts, or None if it is not a plain value or IN list."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, dict) and set(v) == {"IN"} and all(isinstance(x, str) for x in v["IN"]):
        return list(v["IN"])
    return None


class FastAttributes:
    def __init__(self, vocab: Any):
        self.vocab = vocab
        self.attrs: list[dict] = []
        self.by_tag: dict[str, list[int]] = defaultdict(list)
        self.by_lower: dict[str, list[tuple[int, frozenset[str] | None]]] = defaultdict(list)
        self.rest = Matcher(vocab)
        self.indices: list[int] = []

    def take(self, ruler: Any) -> FastAttributes:
        """Take over the rules of a spaCy AttributeRuler."""
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        for i, p in enumerate(ruler.patterns):
            for pat in p["patterns"]:
                tok = pat[0] if len(pat) == 1 else None
                keys = set(tok) if tok is not None else set()
                tags = _values(tok["TAG"]) if "TAG" in keys else None
                lowers = _values(tok["LOWER"]) if "LOWER" in keys else None
                simple = (tok is not None and keys and keys <= {"TAG", "LOWER"} and p["index"] in (0, -1)
                          and ("TAG" not in keys or tags) and ("LOWER" not in keys or lowers))
                if not simple:
                    self.rest.add(str(i), [pat])
                elif lowers:
                    for w in lowers:
                        self.by_lower[w].append((i, frozenset(tags) if tags else None))
                else:
                    for t in tags or []:
                        self.by_tag[t].append(i)
        return self

    def __call__(self, doc: Doc) -> Doc:
        extra: dict[int, list[int]] = defaultdict(list)
        strings = self.vocab.strings
        for m_id, s, e in self.rest(doc, allow_missing=True):
            i = int(strings[m_id])
            extra[doc[s:e][self.indices[i]].i].append(i)
        by_tag, by_lower, attrs = self.by_tag, self.by_lower, self.attrs
        for tok in doc:
            tag = tok.tag_
            ids = list(by_tag.get(tag, ()))
            for i, tags in by_lower.get(tok.lower_, ()):
                if tags is None or tag in tags:
                    ids.append(i)
            if tok.i in extra:
                ids.extend(extra[tok.i])
            if len(ids) > 1:
                ids.sort()
            for i in ids:
                set_token_attrs(tok, attrs[i])
        return doc


@Language.factory("storyline_fast_attributes")
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    return FastAttributes(nlp.vocab)


def speed_up(nlp: Language) -> Language:
    """Replace the pipeline's attribute_ruler (same name, same result) by FastAttributes."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        fast = nlp.replace_pipe("attribute_ruler", "storyline_fast_attributes")
        fast.take(ruler)
    return nlp
