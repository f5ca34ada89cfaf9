"""Numeric claims: every reported figure with its bounds, what it counts and who claims it.

A figure is a number in digits or words ("1,400", "a thousand", "dozens", "12%") with its
qualifier ("over", "about", "at least", "between 50 and 70"). What it counts comes from the
noun it quantifies, that noun's modifiers and the verb around it ("1,400 people were killed"
counts ``killed``), normalised to a small vocabulary (data/counts.json). The claimant is the
speaker of the quote or reported speech the figure sits in; a figure in the outlet's own
voice has no claimant. Dates, ages, years, ids, phone numbers and list numbering are skipped.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from . import dates
from .discourse import Discourse, Resolved
from .lexicon import load_lexicon
from .quotes import Found


@dataclass
class FoundClaim:
    start: int
    end: int
    value: float
    low: float | None
    high: float | None
    qualifier: str
    counts: str | None
    unit: str | None
    where: str | None
    claimant: Resolved | None
    as_of: str | None
    quote: Found | None


@lru_cache(maxsize=1)
def _lex() -> dict:
    c = load_lexicon("counts")
    quals = sorted(((q.split(), k) for q, k in c["qualifiers"]), key=lambda x: -len(x[0]))
    return {"classes": c["classes"], "class_names": {n for n, _ in c["classes"]}, "time": set(c["time_units"]), "quals": quals,
            "words": c["number_words"], "vague": c["vague"]}


NUM_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def parse_number(tokens: list[str]) -> float | None:
    """Value of a number written in digits and/or words: "1,400", "1.5 million", "two hundred"."""
    words = _lex()["words"]
    total = 0.0
    current = 0.0
    seen = False
    for raw in tokens:
        w = raw.lower().replace(",", "") if NUM_RE.match(raw) else raw.lower()
        if w in ("a", "an", "and", "-"):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in words:
            v = words[w]
            seen = True
            if v == 100:
                current = (current or 1) * 100
            elif v >= 1000:
                total += (current or 1) * v
                current = 0
            elif v == 12 and w == "dozen":
                current = (current or 1) * 12
            else:
                current += v
        else:
            return None
    return total + current if seen else None


def _is_num(tok: Token) -> bool:
    if tok.like_num and not re.search(r"[A-Za-z]", tok.text.replace("million", "").replace("billion", "")
                                                              .replace("thousand", "").replace("hundred", "")):
        return True
    return tok.lower_ in _lex()["words"] or bool(NUM_RE.match(tok.text))


def _number_groups(doc: Doc) -> Iterator[tuple[int, int]]:
    """Token ranges [i, j) of numbers written as one figure."""
    i = 0
    n = len(doc)
    while i < n:
        t = doc[i]
        if _is_num(t):
            j = i + 1
            while j < n and (_is_num(doc[j]) or (doc[j].lower_ == "and" and j + 1 < n and _is_num(doc[j + 1])
                                                   and doc[j + 1].lower_ in _lex()["words"])):
                j += 1
            if i > 0 and doc[i - 1].lower_ in ("a", "an") and doc[i].lower_ in ("thousand", "hundred", "million", "dozen", "billion"):
                i -= 1
            yield i, j
            i = j
        else:
            i += 1


@lru_cache(maxsize=1)
def _vague_firsts() -> frozenset[str]:
    return frozenset(p.split()[0] for p in _lex()["vague"])


def _vague(doc: Doc) -> Iterator[tuple[int, int, float, float]]:
    vague = _lex()["vague"]
    firsts = _vague_firsts()
    for t in doc:
        if t.lower_ not in firsts:
            continue
        for phrase, (lo, hi) in vague.items():
            words = phrase.split()
            if t.lower_ == words[0] and doc[t.i: t.i + len(words)].text.lower() == phrase:
                j = t.i + len(words)
                if j < len(doc) and doc[j].lower_ == "of" or phrase in ("several", "a few", "a dozen") and j < len(doc) and doc[j].pos_ == "NOUN":
                    yield t.i, j, lo, hi


def _skip(doc: Doc, i: int, j: int, value: float) -> bool:
    first, last = doc[i], doc[j - 1]
    text = doc[i:j].text
    if any(t.ent_type_ in ("DATE", "TIME", "ORDINAL") for t in doc[i:j]) and not any(
            t.ent_type_ in ("CARDINAL", "QUANTITY", "PERCENT", "MONEY") for t in doc[i:j]):
        # the model sometimes calls "between 50 and 70 trucks" a date: a counted noun says otherwise
        k = j
        while k < len(doc) and (doc[k].lower_ in ("and", "to", "-", "–") or _is_num(doc[k])):
            k += 1
        noun = doc[k] if k < len(doc) else None
        if noun is None or noun.pos_ != "NOUN" or noun.lemma_.lower() in _lex()["time"] or re.search(
                r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", doc[max(0, i - 2): k].text.lower()):
            return True
    if re.fullmatch(r"(19|20)\d\d", text):
        return True  # a year
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[j] if j < len(doc) else None
    if prev is not None and (prev.text in ("No.", "no.", "#", "+", "Part", "part") or
                             (prev.pos_ == "PROPN" and prev.text[:1].isupper() and prev.ent_type_ not in ("CARDINAL",)
                              and not prev.text.isupper())):
        return True  # "Resolution 2417", "Part 2"
    if nxt is not None and (nxt.text in ("-year", "-year-old", "year-old", "years-old") or
                            (nxt.lower_ in ("years", "year") and j + 1 < len(doc) and doc[j + 1].lower_ in ("old", "-old"))):
        return True  # ages
    if "-year-old" in last.text or last.text.endswith("-old"):
        return True
    if prev is not None and prev.lower_ in ("aged", "age"):
        return True
    if re.search(r"\d[\d\-]{6,}", text) or (nxt is not None and re.match(r"^-\d", nxt.text)):
        return True  # phone numbers, ids
    sent = first.sent
    if first.i == sent.start and nxt is not None and nxt.text in (".", ")") and (j - i) == 1:
        return True  # list numbering
    return False


def _head_noun(doc: Doc, i: int, j: int) -> Token | None:
    last = doc[j - 1]
    if j + 1 < len(doc) and doc[j].lower_ == "of" and (last.lower_ in _lex()["vague"] or last.lower_ in (
            "dozen", "hundred", "thousand", "million")):
        # "dozens of aid trucks": the counted noun comes after "of"
        for t in doc[j + 1: j + 6]:
            if t.pos_ in ("NOUN", "PROPN"):
                while t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "NOUN" and t.dep_ == "compound":
                    t = doc[t.i + 1]
                return t
    h = last
    for _ in range(3):
        if h.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod") and h.head is not h:
            h = h.head
        else:
            break
    if h.pos_ in ("NOUN", "PROPN") and h.i >= j - 1:
        return h
    # "224 hostage held by ...": the noun right after the number
    if j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN"):
        k = j
        while k + 1 < len(doc) and doc[k + 1].pos_ in ("NOUN",) and doc[k].dep_ == "compound":
            k += 1
        return doc[k]
    # "the toll rose to 1,400", "killed 12": the number is itself the object
    if last.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "attr", "appos", "conj"):
        return last
    if j + 1 < len(doc) and doc[j].lower_ == "of" and doc[j + 1].pos_ in ("NOUN", "PROPN", "DET", "ADJ"):
        for t in doc[j + 1: j + 5]:
            if t.pos_ in ("NOUN", "PROPN"):
                return t
    return None


def _counts(noun: Token | None) -> str | None:
    if noun is None:
        return None
    if noun.lemma_.lower() in _lex()["time"] or noun.lower_ in _lex()["time"]:
        return None
    lemmas: list[str] = [noun.lemma_.lower()]
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "acl", "relcl", "prep"):
            lemmas.extend(t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "VERB", "ADJ"))
    h = noun.head
    hops = 0
    while hops < 4 and h is not None:
        lemmas.append(h.lemma_.lower())
        for c in h.children:
            if c.dep_ in ("xcomp", "advcl", "prep", "acomp", "dobj", "attr", "oprd") and c is not noun:
                lemmas.extend(t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "VERB", "ADJ"))
        if h.pos_ == "VERB" or h.head is h:
            break
        h = h.head
        hops += 1
    joined = " ".join(lemmas)
    for name, triggers in _lex()["classes"]:
        for trig in triggers:
            if trig in lemmas or (" " in trig and trig in joined):
                return name
    lemma = noun.lemma_.lower()
    if lemma in _lex()["time"] or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return lemma


def _qualifier(doc: Doc, i: int) -> tuple[str, int]:
    """Qualifier written before token i, and the index where it starts."""
    for words, kind in _lex()["quals"]:
        n = len(words)
        if i - n >= 0 and [t.lower_ for t in doc[i - n: i]] == words:
            return kind, i - n
    return "exact", i


def _range(doc: Doc, i: int, j: int) -> tuple[float, float, int, int] | None:
    """'between 50 and 70', '50 to 70', '50-70' around the number at [i, j)."""
    t = doc[i:j].text
    m = re.fullmatch(r"(\d[\d,]*)\s*[-–]\s*(\d[\d,]*)", t)
    if m:
        return float(m[1].replace(",", "")), float(m[2].replace(",", "")), i, j
    if i >= 1 and doc[i - 1].lower_ == "between" and j + 1 < len(doc) and doc[j].lower_ == "and":
        k = j + 1
        e = k
        while e < len(doc) and _is_num(doc[e]):
            e += 1
        hi = parse_number([x.text for x in doc[k:e]]) if e > k else None
        lo = parse_number([x.text for x in doc[i:j]])
        if lo is not None and hi is not None:
            return lo, hi, i - 1, e
    if j + 1 < len(doc) and doc[j].lower_ in ("to", "-", "–") and _is_num(doc[j + 1]) and not (
            i >= 1 and doc[i - 1].lower_ in ("from",)):
        e = j + 1
        while e < len(doc) and _is_num(doc[e]):
            e += 1
        lo = parse_number([x.text for x in doc[i:j]])
        hi = parse_number([x.text for x in doc[j + 1:e]])
        if lo is not None and hi is not None and hi > lo:
            return lo, hi, i, e
    return None


def _where(noun: Token | None, sent) -> str | None:  # type: ignore[no-untyped-def]
    anchors = [noun, noun.head] if noun is not None else []
    for a in anchors:
        for c in a.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "inside", "across", "from"):
                for p in c.children:
                    if p.dep_ == "pobj" and (p.ent_type_ in ("GPE", "LOC") or p.lower_ in ("enclave", "strip", "region")):
                        ent = next((e for e in sent.ents if e.start <= p.i < e.end), None)
                        return (ent.text if ent is not None else p.text).removeprefix("the ")
    return None


def find_claims(doc: Doc, disc: Discourse, quotes: list[Found], published: str | None) -> list[FoundClaim]:
    out: list[FoundClaim] = []
    used: set[int] = set()
    groups: list[tuple[int, int, float | None, float | None, float | None]] = []
    for i, j in _number_groups(doc):
        groups.append((i, j, None, None, None))
    for i, j, lo, hi in _vague(doc):
        groups.append((i, j, float(lo), float(lo), float(hi)))
    groups.sort(key=lambda g: (g[0], g[1]))
    for i, j, v0, lo0, hi0 in groups:
        if any(k in used for k in range(i, j)):
            continue
        if doc[i].is_space:
            continue
        tokens = [t.text for t in doc[i:j]]
        qualifier, qstart = "exact", i
        low = high = None
        rng = None if v0 is not None else _range(doc, i, j)
        if v0 is not None:
            value, low, high, qualifier = v0, lo0, hi0, "range"
            start_i, end_i = i, j
        elif rng is not None:
            low, high, start_i, end_i = rng
            value, qualifier = low, "range"
        else:
            value = parse_number(tokens)  # type: ignore[assignment]
            if value is None:
                continue
            start_i, end_i = i, j
        if _skip(doc, i, j, value):
            continue
        if qualifier != "range":
            qualifier, qstart = _qualifier(doc, i)
            start_i = qstart
            if qualifier == "exact":
                low = high = value
            elif qualifier in ("more_than", "at_least"):
                low, high = value, None
            elif qualifier in ("less_than", "at_most"):
                low, high = None, value
            else:
                low, high = round(value * 0.9, 2), round(value * 1.1, 2)
        percent = end_i < len(doc) and doc[end_i].text in ("%", "percent", "per")
        unit = "percent" if percent else None
        money = any(t.ent_type_ == "MONEY" for t in doc[i:j])
        noun = _head_noun(doc, i, end_i) if not percent else None
        counts = _counts(noun)
        if percent:
            counts = "percent"
        elif money:
            unit = next((t.text for t in doc[max(0, i - 1): end_i + 1] if t.is_currency), None) or "money"
            counts = counts or "money"
        if counts is None:
            continue
        if i > 0 and doc[i - 1].lower_ in ("the", "both", "these", "those", "all") and value <= 10 \
                and counts not in _lex()["class_names"] and not percent:
            continue  # "the two states": a reference, not a reported figure
        if percent:
            end_i += 1
        used.update(range(start_i, end_i))
        s, e = doc[start_i].idx, doc[end_i - 1].idx + len(doc[end_i - 1].text)
        if noun is not None and noun.i >= end_i and noun.i - end_i < 6:
            e = noun.idx + len(noun.text)
        sent = doc[i].sent
        inside = [q for q in quotes if q.start <= s and e <= q.end + 1 and q.speaker is not None]
        quote = min(inside, key=lambda q: q.end - q.start) if inside else None
        as_of = published
        for ent in sent.ents:
            if ent.label_ == "DATE":
                r = dates.resolve(ent.text, published)
                if r:
                    as_of = r
                    break
        out.append(FoundClaim(s, e, float(value), low, high, qualifier, counts, unit, _where(noun, sent),
                              quote.speaker if quote is not None else None, as_of, quote))
    return out
