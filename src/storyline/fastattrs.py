"""A faster drop-in for the model's ``attribute_ruler``, with the same result on every token.

The small English model's attribute ruler holds ~180 rules, almost all of them "a token with
this tag (and this lower-case form) gets this POS and morphology". spaCy runs all of them through
its Matcher and builds a Span per match, about a sixth of the whole pipeline's time. Here a rule
about one token (conditions on its tag, lower-case form, dependency label and whether it is
white space: a value, IN, NOT_IN or REGEX) is a test on those four values, and which rules a
token matches is worked out once per distinct combination and kept; the few rules about several
tokens still go through a Matcher, run only on a document where one of them can start. As in
spaCy, a token gets the attributes of every rule that matches it, in rule order, so a later rule
wins (tests/test_fastattrs.py compares both on every token).

The lemmatizer is replaced the same way (FastLemmas): the model's own, asked once per distinct
word, POS and morphology.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

FEATURES = ("TAG", "LOWER", "DEP", "IS_SPACE")  # what a one-token rule may test, in this order
Values = tuple[str, str, str, bool]  # a token's (tag, lower, dep, is_space)
MAX_KEYS = 200_000  # distinct (tag, word class, dep, space) combinations kept before starting over


def _test(cond: dict) -> tuple[Callable[[Values], bool], set[str], list[re.Pattern]] | None:
    """A one-token Matcher condition as a test on a token's values, with the words and patterns it
    reads in the lower-case form; None if it uses anything else."""
    checks: list[tuple[int, str, Any]] = []
    words: set[str] = set()
    regexes: list[re.Pattern] = []
    for key, spec in cond.items():
        if key not in FEATURES:
            return None
        k = FEATURES.index(key)
        if key == "IS_SPACE":
            if not isinstance(spec, bool):
                return None
            checks.append((k, "eq", spec))
        elif isinstance(spec, str):
            checks.append((k, "eq", spec))
            words.update([spec] if key == "LOWER" else [])
        elif isinstance(spec, dict) and len(spec) == 1:
            op, v = next(iter(spec.items()))
            if op in ("IN", "NOT_IN") and isinstance(v, list) and all(isinstance(x, str) for x in v):
                checks.append((k, op, frozenset(v)))
                words.update(v if key == "LOWER" else [])
            elif op == "REGEX" and isinstance(v, str):
                rx = re.compile(v)
                checks.append((k, "REGEX", rx))
                regexes.extend([rx] if key == "LOWER" else [])
            else:
                return None
        else:
            return None

    def test(vals: Values) -> bool:
        for k, op, v in checks:
            x = vals[k]
            if op == "eq":
                ok = x == v
            elif op == "IN":
                ok = x in v
            elif op == "NOT_IN":
                ok = x not in v
            else:
                ok = bool(v.search(x))  # as spaCy's Matcher: search, not match
            if not ok:
                return False
        return True

    return test, words, regexes


class FastAttributes:
    def __init__(self, vocab: Any):
        self.vocab = vocab
        self.attrs: list[dict] = []
        self.indices: list[int] = []
        self.single: list[tuple[int, Callable[[Values], bool]]] = []  # (rule, test) of one-token rules
        self.starts: list[Callable[[Values], bool]] = []  # first-token tests of the Matcher's rules
        self.always_match = False  # a rule of several tokens whose first token we cannot test
        self.rest = Matcher(vocab)
        self.words: set[int] = set()  # lower-case forms some rule names
        self.regexes: list[re.Pattern] = []  # patterns some rule tests the lower-case form with
        self._cache: dict[tuple[int, int, int, bool], tuple[tuple[int, ...], dict | None, bool]] = {}
        self._word_class: Callable[[int], int] = lambda lower: 0

    def take(self, ruler: Any) -> FastAttributes:
        """Take over the rules of a spaCy AttributeRuler."""
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        words: set[str] = set()
        for i, p in enumerate(ruler.patterns):
            for pat in p["patterns"]:
                found = _test(pat[0]) if pat else None
                if found is not None:
                    words |= found[1]
                    self.regexes.extend(found[2])
                if found is not None and len(pat) == 1 and p["index"] in (0, -1):
                    self.single.append((i, found[0]))
                    continue
                self.rest.add(str(i), [pat])
                if found is None:
                    self.always_match = True
                else:
                    self.starts.append(found[0])
        strings = self.vocab.strings
        self.words = {strings.add(w) for w in words}
        regexes = self.regexes

        @lru_cache(maxsize=65536)
        def word_class(lower: int) -> int:
            """-1 - (which rule patterns match a word no rule names), so words alike share a key."""
            text = strings[lower]
            return -1 - sum(1 << n for n, rx in enumerate(regexes) if rx.search(text))

        self._word_class = word_class
        self._cache = {}
        return self

    def _rules(self, key: tuple[int, int, int, bool], vals: Values) -> tuple[tuple[int, ...], dict | None, bool]:
        """For a token's values: the one-token rules it matches (in rule order), their attributes
        merged (a later rule wins, as setting each in turn would), and whether a rule of several
        tokens may start at it. Every token with the same key gets the same answer."""
        hit = self._cache.get(key)
        if hit is None:
            ids = tuple(i for i, test in self.single if test(vals))
            merged: dict = {}
            for i in ids:
                merged.update(self.attrs[i])
            hit = (ids, merged or None, any(test(vals) for test in self.starts))
            if len(self._cache) >= MAX_KEYS:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def __call__(self, doc: Doc) -> Doc:
        strings = self.vocab.strings
        words, word_class = self.words, self._word_class
        found = []
        may_start = self.always_match
        for tag, lower, dep, space in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist():
            key = (tag, lower if lower in words else word_class(lower), dep, bool(space))
            hit = self._cache.get(key)
            if hit is None:
                hit = self._rules(key, (strings[tag] if tag else "", strings[lower], strings[dep] if dep else "",
                                        bool(space)))
            found.append(hit)
            may_start = may_start or hit[2]
        extra: dict[int, list[int]] = defaultdict(list)
        if may_start:
            for m_id, s, e in self.rest(doc, allow_missing=True):
                i = int(strings[m_id])
                extra[doc[s:e][self.indices[i]].i].append(i)
        attrs = self.attrs
        for i, (ids, merged, _) in enumerate(found):
            if i in extra:  # a rule of several tokens set something here too: every rule, in order
                tok = doc[i]
                for r in sorted(ids + tuple(extra[i])):
                    set_token_attrs(tok, attrs[r])
            elif merged:
                set_token_attrs(doc[i], merged)
        return doc


@Language.factory("storyline_fast_attributes")
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    return FastAttributes(nlp.vocab)


class FastLemmas:
    """The model's lemmatizer, asked once per distinct (word, POS, morphology) and remembered: its
    answer depends on nothing else (spaCy keys its own cache the same way), so every token gets
    the lemma it would get, without a Python call per token. Lemmas already set are kept, unless
    the lemmatizer overwrites."""

    def __init__(self) -> None:
        self.lemmatizer: Any = None
        self._cache: dict[tuple[int, int, int], int] = {}

    def take(self, lemmatizer: Any) -> FastLemmas:
        self.lemmatizer = lemmatizer
        self._cache = {}
        _index_as_sets(lemmatizer)
        return self

    def __call__(self, doc: Doc) -> Doc:
        lem, cache = self.lemmatizer, self._cache
        if not lem._validated:
            lem._validate_tables(Errors.E1004)
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not lem.overwrite:
                lemmas.append(lemma)
                continue
            key = (orth, pos, morph)
            got = cache.get(key)
            if got is None:
                got = strings.add(lem.lemmatize(doc[i])[0])
                if len(cache) >= MAX_KEYS:
                    cache.clear()
                cache[key] = got
            lemmas.append(got)
        if lemmas:
            doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


def _index_as_sets(lemmatizer: Any) -> None:
    """The rule lemmatizer asks whether a candidate lemma is a known word of its POS (``form in
    index``), and the model keeps those words as lists (57,528 nouns): a scan per candidate, most of
    the lemmatizer's time on text with many distinct words (1.1 s of CPU for the 84 PolNeAR dev
    texts). The same words as frozensets give the same answers (membership and truthiness are all
    the lemmatizer asks of them). The lemmatizer is FastLemmas' own: it has left the pipeline."""
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    for key in list(index.keys()):
        if isinstance(index[key], list):
            index[key] = frozenset(index[key])


@Language.factory("storyline_fast_lemmatizer")
def make_fast_lemmas(nlp: Language, name: str) -> FastLemmas:
    return FastLemmas()


def speed_up(nlp: Language) -> Language:
    """Replace the pipeline's attribute_ruler by FastAttributes and its lemmatizer by FastLemmas
    (same names, same result)."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        fast = nlp.replace_pipe("attribute_ruler", "storyline_fast_attributes")
        fast.take(ruler)
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        nlp.replace_pipe("lemmatizer", "storyline_fast_lemmatizer").take(lemmatizer)
    return nlp
