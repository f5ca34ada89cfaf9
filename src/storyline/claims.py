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
            "words": c["number_words"], "vague": c["vague"], "measure": set(c["measure_units"]["units"]),
            "not": c["not_figures"], "shares": c["shares"], "triggers": {t for _, ts in c["classes"] for t in ts},
            "persons": set(c["person_nouns"]),
            "toll": set(c["toll_nouns"]), "things": set(c["thing_classes"]), "change": set(c["change_verbs"]), "overrides": c["verb_overrides"], "partitive": set(c["partitive"])}


def _change_from(doc: Doc, i: int) -> bool:
    """'the toll rose from 20 to 31': the number at i is the earlier value of a change, not a range."""
    return i >= 1 and doc[i - 1].lower_ == "from" and any(
        a.lemma_.lower() in _lex()["change"] for a in doc[i].ancestors)


def _toll_of(num: Token) -> Token | None:
    """'the toll rose to 27', 'put the death toll at 27': the toll noun a bare number is the value of."""
    if num.dep_ != "pobj" or num.head.lower_ not in ("to", "at", "from"):
        return None
    verb = num.head.head
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lemma_.lower() in _lex()["toll"]:
            return c
    return None


SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5}
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
            elif v >= 1000 and total and total < v:
                total = (total + current) * v  # "1.1 trillion" after "1.1": scale the running total
                current = 0
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
            while j < n and (_is_num(doc[j]) or (doc[j].lower_ in ("and", "-") and j + 1 < n and _is_num(doc[j + 1])
                                                   and doc[j + 1].lower_ in _lex()["words"]
                                                   and (doc[j].lower_ == "and" or doc[j - 1].lower_ in _lex()["words"]))):
                j += 1  # "two hundred and fifty", "Twenty-seven"
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
                elif phrase in ("several", "a few") and j < len(doc) and doc[j].lower_ in SCALES:
                    yield t.i, j + 1, lo * SCALES[doc[j].lower_], hi * SCALES[doc[j].lower_]  # "a few hundred"


@lru_cache(maxsize=1)
def _shares_by_first() -> dict[str, list[tuple[list[str], float]]]:
    """The share phrases by their first word, each as (words, percentage), in lexicon order."""
    out: dict[str, list[tuple[list[str], float]]] = {}
    for phrase, pct in _lex()["shares"].items():
        words = phrase.split()
        out.setdefault(words[0], []).append((words, float(pct)))
    return out


def _shares(doc: Doc) -> Iterator[tuple[int, int, float]]:
    """'half of the hospitals', 'a third of the town': a share, as a percentage."""
    by_first = _shares_by_first()
    lowers = [t.lower_ for t in doc]
    n = len(lowers)
    for i, low in enumerate(lowers):
        for words, pct in by_first.get(low, ()):
            j = i + len(words)
            prev = lowers[i - 1] if i else ""
            if j < n and lowers[j] == "of" and lowers[i:j] == words \
                    and prev not in ("the", "first", "second", "last", "latter", "other", "this", "that"):
                yield i, j, pct


def _skip(doc: Doc, i: int, j: int, value: float) -> bool:
    first, last = doc[i], doc[j - 1]
    text = doc[i:j].text
    if any(t.ent_type_ in ("DATE", "TIME", "ORDINAL") for t in doc[i:j]) and not any(
            t.ent_type_ in ("CARDINAL", "QUANTITY", "PERCENT", "MONEY") for t in doc[i:j]) and _toll_of(last) is None:
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


def _toll_giver(noun: Token | None, disc: Discourse) -> Resolved | None:
    """'The Health Ministry put the death toll at 27': the subject that gives the toll claims it."""
    toll = _toll_of(noun) if noun is not None and noun.pos_ == "NUM" else None
    if toll is None or toll.dep_ != "dobj":
        return None
    subj = next((c for c in toll.head.children if c.dep_ == "nsubj"), None)
    return disc.resolve(subj, subj.i) if subj is not None else None


def _not_a_figure(doc: Doc, i: int, j: int, qstart: int, value: float, qualifier: str, counts: str,
                  percent: bool, noun: Token | None = None) -> bool:
    """A number that is not a reported figure: a reference ("the two states", "one tweet", "no one"),
    a bracket or threshold ("$200 or less", "incomes above $1 million", "the top 1 percent"), or a
    figure in the subject of a hypothetical ("a 4-4 ruling would leave ...")."""
    lx = _lex()["not"]
    # a class counts as named here when the counted noun itself says it ("the nine sailors"), not
    # when only a verb further off does ("the two major parties ... release their returns")
    words = {noun.lemma_.lower(), noun.lower_} if noun is not None else set()
    person = bool(words & _lex()["persons"])
    is_class = person or counts in _lex()["class_names"] and (
        noun is None or (noun.pos_ == "NUM" and noun.lower_ != "one") or bool(words & _lex()["triggers"])
        # "one Palestinian was killed": the verb of the noun itself
        or (noun.dep_ in ("nsubj", "nsubjpass", "dobj") and noun.head.lemma_.lower() in _lex()["triggers"]))
    prev = doc[qstart - 1] if qstart > 0 else None
    nxt = doc[j] if j < len(doc) else None
    if prev is not None and prev.lower_ in lx["reference_before"] and value <= 10 and not percent \
            and (prev.lower_ not in ("that", "this") or prev.dep_ == "det") \
            and qualifier == "exact" and (not is_class or ((counts == "people" or person) and value <= 2)):
        return True  # "the two states", "their two nations", "the world's two biggest polluters", "the two women"
    if value == 1 and qualifier == "exact" and not percent and doc[i].lower_ in ("one", "a", "an") and (
            not is_class or counts not in _lex()["class_names"] or (nxt is not None and nxt.lower_ == "of")):
        return True  # "one tweet", "one of the reasons", "no one", "one official said": a reference, not a count
    if value == 1 and (prev is not None and prev.lower_ == "no" or nxt is not None and nxt.text in ("-", "–")):
        return True  # "one-sided"
    if value <= 3 and qualifier == "exact" and nxt is not None and nxt.text in (",", ":") and prev is not None \
            and prev.text in (",", ":", ";", "and") and doc[j - 1].is_lower:
        return True  # "is, one, his temperament, and two, his language": an enumeration
    after = [t.lower_ for t in doc[j + (1 if percent else 0): j + 3]]
    if any(after[:2] == pair for pair in lx["bracket_after"]):
        return True  # "$200 or less"
    if any(t.lemma_.lower() in lx["threshold_nouns"] for t in doc[j: j + 3]):
        return True  # "the 15 percent polling threshold"
    before = [t.lower_ for t in doc[max(0, qstart - 3): qstart]]
    if (percent or counts == "money") and any(w in lx["bracket_before"] for w in before[-2:]) and (
            qualifier != "exact" or before[-1:] in (["top"], ["bottom"], ["lower"], ["upper"])):
        return True  # "incomes of more than $5 million", "the top 1 percent"
    if qualifier in ("less_than", "more_than") and prev is not None and prev.pos_ in ("NOUN", "PRON") and \
            value <= 120 and not percent and (nxt is None or nxt.pos_ not in ("NOUN", "PROPN") or prev.lower_ in (
                "people", "voters", "adults", "children", "those", "men", "women", "anyone")):
        return True  # "people under 30", "voters over 65": an age bracket
    h = doc[j - 1]
    plain = not is_class and not percent and counts != "money" and qualifier == "exact"
    for _ in range(4 if plain else 0):  # a figure in the subject of a hypothetical: "a 4-4 ruling would ..."
        if h.dep_ in ("nsubj", "nsubjpass"):
            if any(c.dep_ == "aux" and c.lower_ in lx["modals"] for c in h.head.children):
                return True
            break
        if h.head is h:
            break
        h = h.head
    return any(c.dep_ == "mark" and c.lower_ == "if" for a in doc[j - 1].ancestors for c in a.children
               if a.pos_ in ("VERB", "AUX"))


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
    if h.pos_ == "ADJ" and h.i >= j and h.lemma_.lower() in _lex()["triggers"]:
        return h  # "61 dead", "40 wounded": the adjective is the counted noun
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


def _counts(noun: Token | None, context_things: bool = False) -> str | None:
    if noun is None:
        return None
    if noun.lemma_.lower() in _lex()["time"] or noun.lower_ in _lex()["time"]:
        return None
    lemmas: list[str] = [noun.lemma_.lower()]
    toll = _toll_of(noun)
    if toll is not None:
        # "the number of people injured rose to 55": the toll's own words say what is counted
        lemmas.extend(t.lemma_.lower() for t in toll.subtree if t.pos_ in ("NOUN", "VERB", "ADJ"))
    # what the noun itself is ("trucks", "hospitals"), as opposed to what happened to it
    own = set(lemmas) | {t.lemma_.lower() for c in noun.children if c.dep_ in ("amod", "compound") for t in c.subtree}
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "acl", "relcl", "prep"):
            lemmas.extend(t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "VERB", "ADJ"))
    h = noun.head
    hops = 0
    gov = None
    while hops < 4 and h is not None:
        lemmas.append(h.lemma_.lower())
        if h.pos_ == "VERB":
            gov = h.lemma_.lower()
        for c in h.children:
            if c.dep_ in ("xcomp", "advcl", "prep", "acomp", "dobj", "attr", "oprd") and c is not noun:
                lemmas.extend(t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "VERB", "ADJ"))
        if h.pos_ == "VERB" or h.head is h:
            break
        h = h.head
        hops += 1
    joined = " ".join(lemmas)
    for name, triggers in _lex()["classes"]:
        # a thing class comes from the counted noun only: "dozens of volunteers" near "trucks"
        # are not trucks; an event class (killed, evacuees ...) from the words around it too, and
        # so does a bare number, whose counted thing is elsewhere in its clause ("split 4 to 1")
        where = own if name in _lex()["things"] and not context_things and noun.pos_ != "NUM" else lemmas
        for trig in triggers:
            if trig in where or (" " in trig and trig in joined and name not in _lex()["things"]):
                # "the militants released 58 hostages" counts hostages released, not held
                verbs, other = _lex()["overrides"].get(name, ([], name))
                return other if gov in verbs else name
    lemma = noun.lemma_.lower()
    if lemma in _lex()["time"] or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return lemma


def _qualifier(doc: Doc, i: int) -> tuple[str, int]:
    """Qualifier written before token i (or before its currency sign: "more than $5 million"),
    and the index where it starts."""
    if i > 0 and doc[i - 1].is_currency:
        kind, k = _qualifier(doc, i - 1)
        return (kind, k) if kind != "exact" else ("exact", i)
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
    if j + 1 < len(doc) and doc[j].lower_ in ("to", "-", "–") and _is_num(doc[j + 1]) and not _change_from(doc, i):
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
    if noun is not None:  # "224 hostages taken by Hamas in the Gaza Strip"
        anchors += [c for c in noun.children if c.dep_ in ("acl", "relcl")]
    toll = _toll_of(noun) if noun is not None and noun.pos_ == "NUM" else None
    if toll is not None:
        anchors.append(toll)  # "the death toll in Gaza rose to 10,000"
    for a in anchors:
        for c in a.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "inside", "across", "from"):
                for p in c.children:
                    # a proper noun after "in" is a place more often than not ("in Dravik"), whatever
                    # the small model calls an invented name; persons and nationalities are not
                    if p.dep_ == "pobj" and (p.ent_type_ in ("GPE", "LOC") or p.lower_ in ("enclave", "strip", "region")
                                             or (c.lower_ in ("in", "inside") and p.pos_ == "PROPN"
                                                 and p.ent_type_ not in ("PERSON", "NORP", "DATE"))):
                        ent = next((e for e in sent.ents if e.start <= p.i < e.end), None)
                        return (ent.text if ent is not None else p.text).removeprefix("the ")
    return None


def find_claims(doc: Doc, disc: Discourse, quotes: list[Found], published: str | None) -> list[FoundClaim]:
    out: list[FoundClaim] = []
    used: set[int] = set()
    groups: list[tuple[int, int, float | None, float | None, float | None, float | None]] = []
    for i, j in _number_groups(doc):
        groups.append((i, j, None, None, None, None))
    for i, j, lo, hi in _vague(doc):
        groups.append((i, j, float(lo), float(lo), float(hi), None))
    for i, j, pct in _shares(doc):
        groups.append((i, j, None, None, None, pct))
    groups.sort(key=lambda g: (g[0], -g[1]))  # "hundreds of thousands" before "hundreds"
    for i, j, v0, lo0, hi0, share in groups:
        if any(k in used for k in range(i, j)):
            continue
        if doc[i].is_space:
            continue
        tokens = [t.text for t in doc[i:j]]
        qualifier, qstart = "exact", i
        low = high = None
        rng = None if v0 is not None or share is not None else _range(doc, i, j)
        if share is not None:
            value, start_i, end_i = share, i, j
        elif v0 is not None:
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
        if _skip(doc, i, j, value) or (qualifier != "range" and _change_from(doc, i)):
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
        percent = end_i < len(doc) and doc[end_i].text in ("%", "percent", "per") or share is not None
        unit = "percent" if percent else None
        frac = FRACTIONS.get(doc[end_i + 1].lower_) if end_i + 1 < len(doc) and doc[end_i].text in ("-", "–") \
            and qualifier != "range" else None
        if frac:  # "two-thirds of the population": a share, written as a percentage
            value = round(value / frac * 100, 1)
            low, high = (None if b is None else round(b / frac * 100, 1) for b in (low, high))
            percent, unit, end_i = True, "percent", end_i + 1
        money = any(t.ent_type_ == "MONEY" for t in doc[i:j])
        noun = _head_noun(doc, i, end_i) if not percent else None
        counts = _counts(noun)
        where_from: FoundClaim | None = None
        if not percent and end_i + 1 < len(doc) and doc[end_i].lower_ == "of" \
                and doc[end_i + 1].lower_ in _lex()["partitive"]:
            # "23 vessels ..., 17 of them": the part counts what the whole counted
            noun = None
            sent0 = doc[i].sent
            where_from = next((c for c in reversed(out) if c.end <= doc[i].idx and c.start >= sent0.start_char), None)
            if where_from is not None:
                counts = where_from.counts
            else:  # no whole in the sentence: "ordered nearly 300 of them to ..." counts as the words around say
                noun = _head_noun(doc, i, end_i)
                counts = _counts(noun, context_things=True)
        elif noun is not None and noun.lemma_.lower() in _lex()["measure"]:
            # "eight tonnes of fish": the fish, measured in tonnes
            unit = noun.lemma_.lower()
            stuff = next((p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                          for p in c.children if p.dep_ == "pobj"), None)
            counts = stuff.lemma_.lower() if stuff is not None else noun.lower_
        if percent:
            counts = "percent"
        elif money:
            unit = next((t.text for t in doc[max(0, i - 1): end_i + 1] if t.is_currency), None) or "money"
            counts = "money"  # what money is for is not what it counts
        if counts is None:
            continue
        if _not_a_figure(doc, i, end_i, qstart if qualifier != "range" else start_i, value, qualifier, counts,
                         percent, noun):
            continue
        if percent and share is None:
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
        where = where_from.where if where_from is not None else _where(noun, sent)
        claimant = quote.speaker if quote is not None else _toll_giver(noun, disc)
        out.append(FoundClaim(s, e, float(value), low, high, qualifier, counts, unit, where,
                              claimant, as_of, quote))
    return out
