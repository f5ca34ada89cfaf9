"""Quotes and their speakers.

Finds, in one parsed article:

- **direct** quotes between quotation marks (straight or curly, « » and „ “ too), including
  quotes that run over several paragraphs and quotes whose closing mark is lost;
- **partial** quotes: quoted fragments inside a sentence (``Lavrov "highlighted the need..."``,
  ``expects "to take care of..."``);
- **pull-quotes**: a paragraph in the first person with the attribution glued after it and no
  marks at all, as news sites lay out a highlighted statement;
- **indirect** speech and attributed beliefs: ``X said (that) ...``, ``..., X said``,
  ``according to X, ...``, ``X believes/wants ...``.

Each quote gets its speaker through :class:`~storyline.discourse.Discourse`, processed in text
order so that "he said" and "the source said" refer to who was speaking before.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from .discourse import Discourse, Resolved, roles_in
from .doctext import doc_text
from .frames import framed, frames, sourceless_passive
from .lexicon import load_lexicon
from .phrase_cues import phrase_cues

OPENERS = "“«„‟"
RELATIVE = frozenset({"who", "which", "that", "whom", "whose", "what", "whoever", "it", "there"})
# words that name an unnamed group or person as a speaker: "many said", "both argued", "one of them said"
GROUP_WORDS = frozenset({"many", "some", "most", "others", "few", "all", "both", "those", "someone", "somebody",
                         "everyone", "everybody", "another", "nobody", "none", "one", "each", "anyone", "several"})
# subordinate clauses that belong to the reported sentence even when they hold a cue of their own
TIED = frozenset({"until", "because", "since", "if", "unless", "before", "after", "when", "once"})
CLOSERS = "”»"
ASIDE = frozenset({"which", "who", "whom", "whose", "when", "where"})
STRAIGHT = '"'
_MARK = re.compile("[" + re.escape(OPENERS + CLOSERS + STRAIGHT) + "]")  # any quotation mark


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, str], frozenset[str]]:
    c = load_lexicon("cues")
    return c["verbs"], frozenset(c["need_clause"])


@lru_cache(maxsize=None)
def _cues_extra(key: str) -> frozenset[str]:
    return frozenset(load_lexicon("cues").get(key, ()))


@lru_cache(maxsize=1)
def _object_control() -> frozenset[str]:
    return frozenset(load_lexicon("cues")["object_control"])


@dataclass
class Found:
    """A quote found in the clean text, before its speaker is resolved."""

    start: int
    end: int
    kind: str
    cue: tuple[int, int] | None = None
    subject: Token | None = None
    resolved: Resolved | None = None
    inherit: bool = False  # no attribution of its own: the speaker of the quote before it
    chain: int | None = None  # pieces of one quote running over several paragraphs
    order: int = 0
    speaker: Resolved | None = None
    via: str = ""  # which rule attributed it (for measuring classes of attributions)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            s = pos + len(line) - len(line.lstrip())
            out.append((s, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def quote_spans(text: str) -> list[tuple[int, int, int | None]]:
    """(start, end, chain) of the words between quotation marks, paragraph by paragraph.

    A quote left open at the end of a paragraph continues when the next paragraph opens with
    a mark (newspaper style); those pieces share a chain number. A stray mark elsewhere never
    swallows the rest of the article: pairing restarts at every paragraph.
    """
    out: list[tuple[int, int, int | None]] = []
    paras = paragraphs(text)
    chain: int | None = None
    for n, (ps, pe) in enumerate(paras):
        cur: int | None = None
        marks = [m.start() for m in _MARK.finditer(text, ps, pe)]
        for i in marks:
            c = text[i]
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if c in OPENERS and not (c == "“" and cur is not None and not prev.isspace()):
                role = "open"
            elif c in CLOSERS or c == "“":
                role = "close"
            elif (prev.isspace() or prev in "([{—–-/:") and not nxt.isspace():
                role = "open"
            elif not prev.isspace():
                role = "close"
            elif cur is not None and text[cur] == c and i - 2 >= ps and text[i - 2] in ",.?!'’":
                role = "close"  # 'treat it like, \'Oh, this matters,\' " Magel said': a space before the close
            else:
                continue
            if role == "open":
                if cur is None or text[cur] == c or c in OPENERS:
                    cur = i
            elif cur is not None:
                if i > cur + 1:
                    end = i
                    while text[end - 1].isspace():
                        end -= 1
                    out.append((cur + 1, end, chain if cur == ps and chain is not None else None))
                cur = None
                chain = None
            elif i - ps < 3 and chain is None:
                continue
        if cur is not None:
            nxt_para = paras[n + 1] if n + 1 < len(paras) else None
            continues = nxt_para is not None and text[nxt_para[0]] in OPENERS + STRAIGHT
            if continues or cur == ps:
                ch = chain if (chain is not None and cur == ps) else (len(out) + 1) * 1000 + n
                end = pe
                out.append((cur + 1, end, ch if continues or chain is not None else None))
                chain = ch if continues else None
            else:
                chain = None
        else:
            chain = None
    return [(s, e, ch) for s, e, ch in out if text[s:e].strip()]


def _sent_of(doc: Doc, char: int) -> Span | None:
    tok = _token_at(doc, char)
    return tok.sent if tok is not None else None


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span[0]


def _subject(verb: Token) -> Token | None:
    cited = _cited(verb)
    if cited is not None:
        return cited
    subs = [t for t in verb.children if t.dep_ in ("nsubj", "nsubjpass")]
    # with two subjects (a misparse), the one nearest the verb is the speaker
    for t in sorted(subs, key=lambda t: abs(t.i - verb.i)):
        if t.dep_ == "nsubj":
            return _past_dateline(t, verb) or _publisher(t, verb) or t
    for a in verb.children:  # "was confirmed by X"
        if a.dep_ == "agent":
            for p in a.children:
                if p.dep_ == "pobj":
                    return p
    if verb.dep_ == "xcomp" and verb.head is not verb:
        # "led the chairman to declare ...", "forcing candidates to scramble ...": the object acts
        obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if obj is not None and verb.head.lemma_.lower() in _object_control():
            return obj
    inverted = _inverted(verb) or _set_off_subject(verb)
    if inverted is not None:
        return inverted
    if verb.dep_ in ("conj", "xcomp") and verb.head is not verb:
        return _outer_speaker(verb) or _reporter(verb.head) or _subject(verb.head)
    # "He went on to say ...", "called reporters in to announce ...": an infinitive hung on the
    # verb as an adverbial clause has the subject of that verb
    if verb.dep_ == "advcl" and verb.tag_ == "VB" and verb.head is not verb and verb.head.lemma_.lower() in _cues_extra("infinitive_heads") \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return _subject(verb.head)
    glued = _glued_noun(verb)
    if glued is not None:
        return glued
    # "..., saying that ...", "..., adding that ...": a participle speaks for its clause's subject
    if verb.tag_ == "VBG" and verb.dep_ == "advcl" and verb.head is not verb:
        return _outer_speaker(verb) or _reporter(verb.head) or _subject(verb.head)
    # "X issued a statement saying ...": the participle speaks for who issued the statement
    if verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.dep_ == "dobj" and verb.head.head.pos_ == "VERB" \
            and _cues()[0].get(verb.lemma_.lower()) == "speech":
        return _subject(verb.head.head)
    if verb.tag_ in ("VBD", "VBZ", "VBP") and _cues()[0].get(verb.lemma_.lower()) == "speech":
        return _left_name(verb)
    return None


def _set_off_subject(verb: Token) -> Token | None:
    """'Moscow is ready to talk, a source in the Foreign Ministry told Interfax.': the phrase between
    the comma and a speech verb the parser joined to the clause before is its subject (the parser
    hung it on a noun of that clause as an apposition)."""
    if verb.dep_ not in ("conj", "ROOT", "ccomp", "parataxis") or _cues()[0].get(verb.lemma_.lower()) != "speech" \
            or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    doc = verb.doc
    lo = max(verb.sent.start, verb.i - 14, verb.head.i if verb.head.i < verb.i else 0)
    comma = next((k for k in range(verb.i - 1, lo, -1) if doc[k].text == ","), None)
    if comma is None or comma + 1 >= verb.i:
        return None
    phrase = doc[comma + 1:verb.i]
    roots = [t for t in phrase if not comma < t.head.i < verb.i]
    if len(roots) == 1 and roots[0].pos_ in ("NOUN", "PROPN") and roots[0].dep_ in ("appos", "conj", "npadvmod"):
        return roots[0]
    return None


def _inverted(verb: Token) -> Token | None:
    """'The delegations of 14 groups took part, specified the source.': a speech verb after a comma
    that ends the sentence with its speaker after it, which the parser took for an object."""
    if verb.dep_ not in ("conj", "parataxis") or verb.i < 1 or verb.doc[verb.i - 1].text != "," \
            or _cues()[0].get(verb.lemma_.lower()) != "speech":
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None or any(c.dep_ in ("ccomp", "xcomp", "dative", "prep") for c in verb.children):
        return None
    rest = [t for t in verb.doc[obj.right_edge.i + 1:verb.sent.end] if not (t.is_punct or t.is_space)]
    if rest:
        return None
    if obj.ent_type_ in ("PERSON", "ORG") or obj.lower_ in _cues_extra("source_nouns") or roles_in([obj.lower_])[0]:
        return obj
    return None


def _cited(verb: Token) -> Token | None:
    """'..., the agency reported, citing Foreign Ministry Spokeswoman Anna Korvel': the words are the
    one cited, relayed by the agency (as "according to" keeps the person quoted; `relay_participles`).
    Only a relay: an outlet (`media_nouns`) or a report (`relay_verbs`); "the ministry said, citing
    relatives" is the ministry's own claim."""
    subj = next((t for t in verb.children if t.dep_ == "nsubj"), None)
    if verb.lemma_.lower() not in _cues_extra("relay_verbs") and (
            subj is None or subj.lemma_.lower() not in _cues_extra("media_nouns")):
        return None
    for c in verb.children:
        if c.dep_ in ("advcl", "xcomp", "conj") and c.lower_ in _cues_extra("relay_participles") and c.i > verb.i:
            obj = next((o for o in c.children if o.dep_ == "dobj"), None)
            if obj is not None:
                return obj
    return None


def _publisher(subj: Token, verb: Token) -> Token | None:
    """'The campaign released a video that accuses ...': what a thing someone made public says is
    said by who made it public (PolNeAR marks the campaign); the verbs are data (`publish_verbs`)."""
    obj = verb.head
    if subj.lower_ not in ("that", "which") or verb.dep_ != "relcl" or obj.dep_ != "dobj" or obj.head.pos_ != "VERB" \
            or obj.head.lemma_.lower() not in _cues_extra("publish_verbs") or verb.doc[subj.i - 1].text == ",":
        return None
    outer = _subject(obj.head)
    return outer if outer is not None and outer.lower_ not in RELATIVE else None


def _glued_noun(verb: Token) -> Token | None:
    """'recent polls showing ...', 'supporters chanting ...': a participle right after the noun it
    hangs on, with no comma between, is said by that noun when it can speak (a name, a source,
    group or role noun, not a date or place), not by the subject of the clause."""
    prev = verb.head
    if verb.tag_ != "VBG" or verb.dep_ != "acl" or prev.i != verb.i - 1 or prev.pos_ not in ("NOUN", "PROPN") \
            or prev.dep_ not in ("dobj", "pobj", "attr", "conj", "appos"):
        return None
    if prev.pos_ == "NOUN" and _no_speaker(prev) and prev.lower_ not in ("percent", "%"):
        return None  # 'spent the day saying ...': the clause's subject speaks
    if (prev.dep_ == "pobj" and prev.head.lower_ == "to") or (prev.dep_ == "dobj" and (
            _cues()[0].get(prev.head.lemma_.lower()) == "speech" or prev.head.lemma_.lower() in _cues_extra("address_verbs"))):
        return None  # 'emailed supporters saying ...', 'a message to supporters saying ...': the addressees
    if prev.lemma_.lower() in _cues_extra("authored_nouns"):
        return None  # 'said in a statement saying ...': the words are the author's
    if prev.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "CARDINAL"):
        return None
    return prev


DATELINE = re.compile(r"(?:[A-Z]{3,}[A-Z .'-]*(?:, [A-Za-z0-9 .]+)?(?: \([A-Za-z]+\))?|[A-Z][A-Za-z .'-]+ \([A-Z]{2,}\)) ?[-–—]{1,2} ")


def _past_dateline(subj: Token, verb: Token) -> Token | None:
    """'CLEVELAND - Former Attorney General Ann Colby told delegates ...': the parser took the
    dateline opening the paragraph for the subject; the speaker is the noun phrase after the dash."""
    doc = verb.doc
    text = doc_text(doc)
    para = text.rfind("\n", 0, subj.idx) + 1
    m = DATELINE.match(text, para)
    if m is None or not para <= subj.idx < m.end() or verb.idx < m.end():
        return None
    after = [t for t in doc[subj.i:verb.i] if t.idx >= m.end()]
    heads = [t for t in after if t.pos_ in ("PROPN", "NOUN", "PRON") and not (after[0].i <= t.head.i < verb.i)]
    return heads[0] if heads else None


def _reporter(head: Token) -> Token | None:
    """'He said that he would offer a prayer but did not suggest ...': a cue joined to a clause that
    someone reports, whose subject is a pronoun, speaks for the one who reports it (the outer
    mention, which PolNeAR marks as the source)."""
    if head.dep_ != "ccomp" or head.head is head or not _is_cue(head.head):
        return None
    inner = next((t for t in head.children if t.dep_ == "nsubj"), None)
    if inner is None or inner.lower_ in RELATIVE or not (inner.pos_ == "PRON" or _no_speaker(inner)):
        return None
    return _subject(head.head)


def _no_speaker(noun: Token) -> bool:
    """'Mr. Putin forecast that the slumping economy would rebound and praised ...': a common noun
    that names no one (no entity, source, organisation or role noun) does not speak."""
    if noun.pos_ != "NOUN" or noun.ent_type_:
        return False
    lemma = noun.lemma_.lower()
    cues = load_lexicon("cues")
    return lemma not in cues["source_nouns"] and noun.lower_ not in cues["source_nouns"] \
        and lemma not in cues["org_nouns"] and not roles_in([noun.lower_, lemma])[0]


def _left_name(verb: Token) -> Token | None:
    """'In a statement, her adviser, Jake Sullivan, said: ...': the name set off right before a
    speech verb that the parser hung elsewhere (as an apposition of "statement")."""
    j = verb.i - 1
    while j > verb.sent.start and verb.doc[j].text == ",":
        j -= 1
    t = verb.doc[j]
    if j == verb.i - 1 or t.pos_ not in ("PROPN", "NOUN") or t.dep_ not in ("appos", "conj", "npadvmod", "dep", "ROOT"):
        return None
    return t


def _outer_speaker(verb: Token) -> Token | None:
    """'The strategist said Clinton must choose, saying ...' and 'He said X and said Y': the parser
    hangs the second cue on the reported clause; its speaker is the one who reports that clause."""
    head = verb.head
    if head.dep_ == "ccomp" and head.head is not head and _is_cue(head.head) and _is_cue(verb) \
            and _cues()[0].get(verb.lemma_.lower()) == "speech":
        return _subject(head.head)
    return None


def _is_cue(tok: Token) -> bool:
    verbs, _ = _cues()
    if tok.lemma_.lower() == "accord" or tok.lower_ == "according":
        return False
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in verbs and tok.lemma_.lower() not in ("be", "have")


def _can_speak(subj: Token, cue: Token) -> bool:
    """A subject that can be a speaker: not "which" or "there" (unless a "who" speaks for its
    antecedent); "it" only with a speech verb ('It added, "..."': the paper, the company)."""
    if subj.lower_ == "it":
        return _cues()[0].get(cue.lemma_.lower()) == "speech"
    return subj.lower_ not in RELATIVE or _relative_speaker(subj) is not None


def _according(sent: Span, lo: int, hi: int) -> Token | None:
    """The X of 'according to X' (or of 'in X's words', 'in her words', 'in her opinion', 'in his
    view') in sent, outside [lo, hi)."""
    for t in sent:
        if t.lower_ in ("words", "opinion", "view") and t.head.lower_ == "in" and not lo <= t.idx < hi:
            poss = next((c for c in t.children if c.dep_ == "poss"), None)
            if poss is not None:
                return poss
        if t.lower_ == "according" and not lo <= t.idx < hi:
            for to in t.children:
                if to.lower_ == "to":
                    for p in to.children:
                        if p.dep_ == "pobj":
                            return _named_after(p)
            nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
            if nxt is not None and nxt.lower_ == "to":
                for p in nxt.children:
                    if p.dep_ == "pobj":
                        return _named_after(p)
                if nxt.i + 1 < len(t.doc):
                    cand = t.doc[nxt.i + 1]
                    while cand.i + 1 < sent.end and cand.dep_ in ("det", "amod", "compound"):
                        cand = t.doc[cand.i + 1]
                    return cand
    return None


def _relayed_by_own_office(sent: Span | None, qe: int) -> bool:
    """Is the attribution after the quote the speaker's own office relaying it ('..., her ministry
    said', '..., his office said in a statement')?"""
    if sent is None:
        return False
    for t in sent:
        if t.idx >= qe and _is_cue(t) and _cues()[0].get(t.lemma_.lower()) == "speech":
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            return subj is not None and subj.lower_ in _cues_extra("org_nouns") and any(
                c.dep_ == "poss" and c.lower_ in ("her", "his", "their") for c in subj.children)
    return False


def _named_after(tok: Token) -> Token:
    """'according to the port captain, Marit Solberg, ...': the name set between commas right after
    a role noun is the one it names (whatever the parser hung it on); else the noun itself."""
    doc = tok.doc
    k = tok.right_edge.i + 1
    if tok.pos_ == "NOUN" and k + 1 < len(doc) and doc[k].text == ",":
        ent = next((e for e in doc.ents if e.start == k + 1 and e.label_ == "PERSON"), None)
        if ent is not None and ent.end < len(doc) and doc[ent.end].text == ",":
            return doc[ent.end - 1]
    return tok


def _attribution(doc: Doc, qs: int, qe: int, quotes: list[tuple[int, int, int | None]],
                 text: str | None = None) -> tuple[Token | None, Token | None]:
    """(cue, subject) attributing the quoted words [qs, qe), from outside the marks."""
    inside = lambda t: any(s - 1 <= t.idx < e + 1 for s, e, _ in quotes)  # noqa: E731
    close_sent = _sent_of(doc, max(qs, qe - 1))
    open_sent = _sent_of(doc, qs)
    # 'Petrova "stressed the need for a ceasefire," her ministry said': the person outside the marks
    # whose speech verb opens them said the words; what follows only relays them
    verbs, _ = _cues()
    if open_sent is not None and qs < qe:
        first = _token_at(doc, qs)
        if first is not None and first.idx == qs and verbs.get(first.lemma_.lower()) == "speech" and _is_cue(first):
            subj = next((c for c in first.children if c.dep_ == "nsubj" and c.idx < qs and not inside(c)), None)
            if subj is not None and subj.ent_type_ == "PERSON" and _relayed_by_own_office(close_sent, qe):
                return first, subj
    # after the quote, in the sentence that closes it: '"...," the source said.'
    if close_sent is not None:
        for t in close_sent:
            if t.idx >= qe and not inside(t) and _is_cue(t) and verbs.get(t.lemma_.lower()) == "speech":
                subj = _subject(t) or _name_between(doc, qe, t)
                if subj is not None and inside(subj):
                    # '"Good speech, Mr. President," Senator Ann Colby told him': the parser took the
                    # vocative in the marks for the subject and hung the name on it
                    subj = next((c for c in subj.children if c.dep_ == "appos" and c.idx >= qe and not inside(c)),
                                None) or _name_between(doc, qe, t)
                if subj is not None and not inside(subj) and _can_speak(subj, t):
                    return t, subj
            if t.idx >= qe and t.text in OPENERS + STRAIGHT and t.idx > qe + 1:
                break
    # before the quote, in the sentence that opens it: 'X said: "..."', 'X said that "..."';
    # "according to X" outranks a belief verb: 'According to her, the side expects "..."'
    if open_sent is not None:
        acc = _according(open_sent, qs, qe)
        cands = []
        for t in reversed(list(open_sent)):
            if t.idx < qs and not inside(t) and _is_cue(t):
                subj = _subject(t)
                if subj is not None and not inside(subj) and _can_speak(subj, t):
                    cands.append((t, subj))
        speech = [c for c in cands if verbs.get(c[0].lemma_.lower()) == "speech"]
        if speech:
            return speech[0]
        if acc is not None:
            return None, acc
        if cands:
            return cands[0]
        # 'Lavrov "highlighted the need ..."': the subject outside, its verb inside the marks
        for t in open_sent:
            if t.idx < qs and t.dep_ in ("nsubj", "nsubjpass") and qs <= t.head.idx < qe:
                return t.head, t
    if close_sent is not None:
        acc = _according(close_sent, qs, qe)
        if acc is not None:
            return None, acc
    return _any_verb_attribution(doc, qs, qe, inside, doc_text(doc) if text is None else text)


def _colon_name(doc: Doc, qs: int, text: str, ents: list[Span]) -> tuple[Token | None, Span | None]:
    """'Polls fared better - Lena Vosk: "..."', 'Vosk: "..." Marek: "..."': a name set right before
    the colon that opens a quote, after a dash, a sentence or the paragraph start, is its speaker."""
    i = qs - 1
    while i > 0 and text[i - 1] in " " + OPENERS + STRAIGHT:
        i -= 1
    if i <= 0 or text[i - 1] != ":":
        return None, None
    colon = i - 1
    end = colon
    while end > 0 and text[end - 1] == " ":
        end -= 1
    name = next((e for e in ents if e.end_char == end and len(e) <= 5), None)
    if name is None:
        name = _proper_run(doc, end)
    if name is None:
        return None, None
    k = name.start - 1
    while k >= 0 and doc[k].is_space and "\n" not in doc[k].text:
        k -= 1
    if k >= 0 and not (doc[k].is_space or doc[k].text in ("-", "—", "–", "--", ".", "?", "!", "”", '"', "''")):
        return None, None  # 'said of Mr. Rubio: "..."': the name is what the quote is about
    return _token_at(doc, colon), name


def _proper_run(doc: Doc, end: int) -> Span | None:
    """'- Dovrek Research: "..."': up to five proper nouns (and an 'and' between them) ending at end,
    after a dash, when the model tagged no entity there."""
    last = _token_at(doc, end - 1)
    if last is None or last.idx + len(last.text) != end:
        return None
    i = last.i
    while i >= 0 and last.i - i < 5 and (doc[i].pos_ == "PROPN" or (doc[i].lower_ in ("and", "&") and i < last.i)):
        i -= 1
    start = i + 1
    while start <= last.i and doc[start].pos_ != "PROPN":
        start += 1
    if start > last.i or i < 0 or doc[i].text not in ("-", "—", "–", "--"):
        return None
    return doc[start:last.i + 1]


def _name_between(doc: Doc, qe: int, cue: Token) -> Token | None:
    """'"...," Ramos, 58, told AFP': the name between a closing mark and a cue the parser left
    without a subject (it made the name a conjunct of the quoted clause); '"Meh," wrote a reader':
    the name right after the cue, which the parser took for its object."""
    names = [t for t in doc[max(0, cue.i - 10): cue.i] if t.idx >= qe and t.pos_ in ("PROPN", "NOUN")]
    if not names or any(t.idx >= qe and t.text in ".;!?" for t in doc[names[0].i: cue.i]):
        after = [t for t in doc[cue.i + 1: cue.i + 5] if t.pos_ in ("PROPN", "NOUN", "PRON")]
        if names or not after or any(t.is_punct for t in doc[cue.i + 1: after[0].i]) or \
                doc[cue.i - 1].text not in (",", *CLOSERS, STRAIGHT, "'", "''"):
            return None
        names = after
    head = names[0]
    while head.head.i < cue.i and head.head.idx >= qe and head.dep_ in ("compound", "flat", "amod") and head.head is not head:
        head = head.head
    return head


def _any_verb_attribution(doc: Doc, qs: int, qe: int, inside, text: str) -> tuple[Token | None, Token | None]:  # type: ignore[no-untyped-def]
    """Any verb glued to the quote's marks attributes it: '"...," the senator fumed.',
    '"...?" asked Lena Vosk.', 'The governor shot back: "..."'."""
    j = qe + 1
    while j < len(text) and text[j] in " " + CLOSERS + STRAIGHT:
        j += 1
    at = _token_at(doc, j) if j < len(text) else None
    if at is not None and (text[qe - 1:qe] in (",", "?", "!") or text[j:j + 1] == ","):
        after = [t for t in doc[at.i: at.i + 12] if not t.is_space]
        # '"...?"' closing its paragraph: the next paragraph's verb is not its attribution
        if after and "\n" in text[qe:after[0].idx]:
            after = []
        for t in after[:6]:
            if inside(t) or t.text in (".", "!", "?", ";"):
                break
            if t.pos_ == "VERB":
                subj = _subject(t)
                if subj is None and t is after[0] and t.tag_ in ("VBD", "VBZ", "VBP"):
                    subj = _inverted_subject(t)
                if subj is not None and not inside(subj) and subj.idx >= qe and subj.lower_ not in RELATIVE:
                    return t, subj
                break
    i = qs - 2
    while i >= 0 and text[i] == " ":
        i -= 1
    # 'The governor shot back: "..."', 'Hillary shot back, "I suppose ..."'
    if i >= 0 and (text[i] == ":" or (text[i] == "," and text[qs:qs + 1].isupper())):
        colon = _token_at(doc, i)
        if colon is not None:
            for t in reversed(list(doc[colon.sent.start: colon.i])):
                if t.pos_ == "VERB" and not inside(t):
                    subj = _subject(t)
                    if subj is not None and not inside(subj) and subj.lower_ not in RELATIVE:
                        return t, subj
                    if subj is not None and subj.lower_ in ("what", "which", "that") and t.dep_ in ("pcomp", "pobj"):
                        continue  # 'Clinton apologized for what happened: "..."': the verb before it
                    break
    # 'Romney attacked "the greed, the showing off"': the verb whose object holds the quote
    first = _token_at(doc, qs)
    if first is not None:
        for a in first.ancestors:
            if a.pos_ in ("VERB", "AUX") and not inside(a) and a.idx < qs:
                subj = _subject(a)
                if subj is not None and not inside(subj) and subj.lower_ not in RELATIVE:
                    return a, subj
                break
    return None, None


def _inverted_subject(verb: Token) -> Token | None:
    """'"...," exhorted the governor's aide.', '"...!" read one.': a verb right after the quote with no
    subject before it has its subject after it, the noun phrase that ends the sentence (the parser
    takes it for an object)."""
    nxt = [c for c in verb.rights if c.dep_ in ("dobj", "attr", "nsubj", "npadvmod", "dative")]
    if not nxt or any(t.is_punct for t in verb.doc[verb.i + 1: nxt[0].i]):
        return None
    obj = nxt[0]
    end = obj.right_edge.i + 1
    if end < verb.sent.end and verb.doc[end].text not in (".", ",", "!", "?", ";"):
        return None
    return obj if obj.pos_ in ("NOUN", "PROPN", "NUM", "PRON") else None


def _next_short_attribution(doc: Doc, qe: int, para_end: int) -> tuple[Token | None, Token | None]:
    """'"...". He added.' or '"..." — the source said' as the next short sentence."""
    sent = _sent_of(doc, max(0, qe - 1))
    if sent is None or sent.end >= len(doc):
        return None, None
    nxt = doc[sent.end].sent
    # '"... today?" Miller, a retired worker, said into the phone.': a longer sentence when it
    # follows the closing mark at once and holds no quote of its own
    glued = nxt.start_char - qe <= 3 and len(nxt) <= 20 and not any(t.text in OPENERS + STRAIGHT for t in nxt)
    if nxt.start_char > para_end or (len(nxt) > 8 and not glued):
        return None, None
    verbs, _ = _cues()
    for t in nxt:
        if len(nxt) > 8 and (t.i - nxt.start > 12 or verbs.get(t.lemma_.lower()) != "speech"):
            continue
        if _is_cue(t):
            s = _subject(t)
            if s is not None:
                return t, s
    return None, None


def _prev_colon(doc: Doc, qs: int) -> tuple[Token | None, Token | None]:
    """'The minister told reporters:' closing the sentence before a quote."""
    sent = _sent_of(doc, qs)
    if sent is None or sent.start == 0:
        return None, None
    prev = doc[sent.start - 1]
    while prev.is_space and prev.i > 0:
        prev = doc[prev.i - 1]
    if prev.text != ":":
        return None, None
    for t in reversed(list(prev.sent)):
        if _is_cue(t):
            s = _subject(t)
            if s is not None:
                return t, s
    root = prev.sent.root
    s = _subject(root)
    return (root, s) if s is not None else (None, None)


def _sign_off(doc: Doc, qe: int) -> tuple[Token | None, Token | None]:
    """'"... the top 1 percent."' then a line '- Senator Ruiz.': a quote signed on the next line."""
    text = doc_text(doc)
    j = qe
    while j < len(text) and text[j] in CLOSERS + STRAIGHT + ".,!?' ":
        j += 1
    if j >= len(text) or text[j] != "\n":
        return None, None
    while j < len(text) and text[j].isspace():
        j += 1
    dash = _token_at(doc, j) if j < len(text) and text[j] in "-–—" else None
    if dash is None:
        return None, None
    for e in doc.ents:
        if e.label_ in ("PERSON", "ORG") and dash.i < e.start <= dash.i + 4:
            return dash, e.root
    return None, None


def _kind_of(text: str, qs: int, qe: int, para_start: int) -> str:
    j = qs - 2
    while j >= para_start and text[j] == " ":
        j -= 1
    before = text[j] if j >= para_start else ""
    inner = text[qs:qe].strip()
    if inner[:1].islower() or (before and (before.isalnum() or before in ",")) and not inner[:1].isupper():
        return "partial"
    if before and before.isalnum() and len(inner.split()) < 12:
        return "partial"
    return "direct"


def _pull_quotes(doc: Doc, paras: list[tuple[int, int]], taken: list[tuple[int, int, int | None]],
                 skip: tuple[int, int] | None) -> Iterator[tuple[int, int, Span, int]]:
    """Paragraphs laid out as a highlighted statement with the attribution glued at the end.

    Yields (quote_start, quote_end, attribution entity, attribution_end).
    """
    text = doc_text(doc)
    for ps, pe in paras:
        if skip and ps <= skip[0] < pe:
            continue
        body = text[ps:pe]
        if body.rstrip()[-1:] in ".!?\"”»)…:;," or len(body.split()) < 10:
            continue
        if any(ps <= s < pe for s, _e, _c in taken):
            continue
        span = doc.char_span(ps, pe, alignment_mode="expand")
        if span is None:
            continue
        ents = [e for e in doc.ents if ps <= e.start_char and e.end_char <= pe and e.label_ in ("PERSON", "ORG")]
        if not ents:
            continue
        # the attribution: the last PERSON/ORG whose tail to the paragraph end holds only role words
        for ent in reversed(ents):
            tail = doc[ent.end: span.end]
            if ent.label_ == "ORG" and len(tail) > 0:
                continue
            if ent.label_ == "ORG" and ent.start > span.start and doc[ent.start - 1].lower_ in ("of", "for", "to", "at"):
                continue  # "... representative of the Russian Foreign Ministry": the person comes first
            if ent.label_ == "PERSON" and len(tail) > 0 and not _role_tail(tail):
                continue
            start = ent.start
            # an adjective or role before the name belongs to the attribution: "Israeli Foreign Ministry"
            while start > span.start and doc[start - 1].ent_type_ in ("NORP",) and doc[start - 1].i >= span.start:
                start -= 1
            before = doc[start - 1] if start > span.start else None
            if before is None or before.pos_ in ("ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX") or before.is_punct:
                break
            words_before = start - span.start
            if words_before < 6:
                break
            first_person = any(t.lower_ in ("i", "we", "our", "us", "my") for t in doc[span.start:start])
            lower_start = text[ps].islower()
            if not (first_person or lower_start):
                break
            yield ps, doc[start - 1].idx + len(doc[start - 1].text), ent, pe
            break


def _signed_lines(doc: Doc, paras: list[tuple[int, int]], taken: list[tuple[int, int, int | None]]
                  ) -> Iterator[tuple[int, int, Token, Token]]:
    """A statement laid out as lines with no quotation marks and signed on the next line: 'The
    situation is extremely dangerous. We cannot allow a catastrophe' / 'Deputy Permanent
    Representative ... Nikolai Saveliev wrote on his Telegram channel.' Yields (start, end, cue,
    subject) of the statement. The statement's last line ends with no full stop; the signing line
    is one short sentence whose subject opens it and whose speech verb reports nothing of its own."""
    text = doc_text(doc)
    verbs, _ = _cues()
    for (ps, pe), (ns, ne) in pairwise(paras):
        # the statement's last line has no full stop: the layout, not a paragraph of the report
        if text[pe:ns].count("\n") != 1 or len(text[ps:pe].split()) < 6 or text[ps:pe].rstrip()[-1:] in ":,;.!?":
            continue
        if any(ps <= s < pe or ps < e <= pe for s, e, _c in taken) or any(m in text[ps:pe] for m in OPENERS + STRAIGHT):
            continue
        span = doc.char_span(ns, ne, alignment_mode="expand")
        if span is None or len(span) > 30:
            continue
        cue = span.root
        if verbs.get(cue.lemma_.lower()) != "speech" or cue.sent.start != span.start or \
                any(c.dep_ in ("ccomp", "xcomp", "dobj", "neg", "aux", "advcl") and not _audience(c) for c in cue.children) \
                or len([t for t in span if t.i > cue.i and not t.is_punct]) > 8:
            continue
        subj = next((c for c in cue.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.left_edge.i != span.start or subj.pos_ not in ("NOUN", "PROPN"):
            continue
        yield ps, pe, cue, subj


def _role_tail(tail: Span) -> bool:
    words = [t.lower_ for t in tail if not t.is_punct]
    if not words or len(words) > 10:
        return False
    roles, _ = roles_in(words)
    return bool(roles) and all(t.pos_ in ("NOUN", "PROPN", "ADJ", "ADP", "DET", "CCONJ", "PUNCT") for t in tail)


def _indirect(doc: Doc, quotes: list[tuple[int, int, int | None]]) -> Iterator[tuple[int, int, Token, Token | None]]:
    """(start, end, cue, subject) of reported speech and attributed beliefs; subject None when the
    cue names no one ('It is worth noting that ...')."""
    verbs, need_clause = _cues()
    for t in doc:
        if not _is_cue(t):
            continue
        subj = _subject(t)
        lemma = t.lemma_.lower()
        expletive = _expletive(t)
        # "It said it would appeal": a company or agency named before speaks as "it"
        if not expletive and (subj is None or not _can_speak(subj, t) or sourceless_passive(t)):
            continue
        if expletive:
            subj = None
        # "X will ask for a meeting, Y told journalists": the parser may hang the attribution on the
        # reported verb as its complement; that clause is the attribution, not what is reported
        comp = [c for c in t.children if c.dep_ == "ccomp" and not (_is_cue(c) and _set_off_subject(c) is not None)] \
            or _statement_that(t)
        if not comp and verbs.get(lemma) == "belief":
            comp = [c for c in t.children if c.dep_ == "xcomp"]
        around = False
        if comp:
            c = comp[0]
            s, e = c.left_edge, _content_end(c)
        elif t.dep_ in ("parataxis", "advcl", "ccomp", "conj") and t.head.sent == t.sent \
                and (not _is_cue(t.head) or _set_off(t) or _set_off_subject(t) is not None) \
                and verbs.get(lemma) == "speech" and (t.head.dep_ == "ROOT" or t.dep_ == "parataxis"):
            # "The talks stalled, the source said." and "The plan, the source said, is ...": the
            # attribution hangs off the reported clause, which is the rest of the sentence
            part = _around(t)
            if part is None:
                continue
            s, e = part
            around = True
        else:
            continue
        while s.i < e.i and (s.is_punct or s.is_space or s.text in OPENERS + CLOSERS + STRAIGHT):
            s = doc[s.i + 1]
        while e.i > s.i and (e.is_punct or e.is_space) and e.text not in (".", "!", "?"):
            e = doc[e.i - 1]
        # two words make a content when they are a clause of their own: "she said he lied"
        short = 1 if comp and any(c.dep_ in ("nsubj", "nsubjpass") for c in comp[0].children) else 3
        if e.i - s.i < short:
            continue
        set_off = _set_off_subject(t)
        if set_off is not None and subj is not None and set_off.i == subj.i and s.i <= subj.i <= e.i:
            # "X is ready, a source in the ministry told QNS": the content ends at the comma before the source
            k = subj.left_edge.i - 1
            while k > s.i and (doc[k].is_punct or doc[k].is_space):
                k -= 1
            e = doc[k]
        start, end = s.idx, e.idx + len(e.text)
        if subj is not None and subj.idx >= start and subj.idx < end and not around:
            continue
        yield start, end, t, subj


def _set_off(cue: Token) -> bool:
    """'The ministry, Koul said, called the plan a mistake': an attribution set off by commas before
    the verb of the clause it reports is the outer one, even when that verb is a cue itself."""
    doc = cue.doc
    lo, hi = cue.left_edge.i, cue.right_edge.i
    if cue.dep_ != "parataxis" or cue.i > cue.head.i or lo <= cue.sent.start or hi + 1 >= cue.sent.end:
        return False
    return (doc[lo].text == "," or doc[lo - 1].text == ",") and (doc[hi].text == "," or doc[hi + 1].text == ",")


def _expletive(verb: Token) -> bool:
    """'It is important to note that ...', 'it is hard to see how ...': an infinitive cue after an
    adjective whose subject is an empty "it" names no one who says or believes it."""
    head = verb.head
    return verb.dep_ in ("xcomp", "advcl", "ccomp") and verb.tag_ == "VB" and head is not verb \
        and head.lemma_ == "be" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) \
        and any(c.dep_ == "nsubj" and c.lower_ == "it" for c in head.children) \
        and any(c.dep_ == "acomp" for c in head.children)


def _around(cue: Token) -> tuple[Token, Token] | None:
    """First and last token of the sentence around an attribution clause set in it.

    "The talks stalled, the source said." gives "The talks stalled"; "The plan, the source
    said, is to wait." gives the whole sentence (the reported words are on both sides).
    """
    sent = cue.sent
    lo, hi = cue.left_edge.i, cue.right_edge.i
    set_off = _set_off_subject(cue)  # the speaker hung on the clause before: it is not content
    if set_off is not None:
        lo = min(lo, set_off.left_edge.i)
    after_i = getattr(_inverted(cue), "i", -1)  # "..., specified the source.": the speaker parsed as an object
    # "..., Russian Permanent Representative to the UN Arkady Nebolsin told journalists": the
    # speaker's title is long, and telling an audience is no content of its own
    subj = next((c for c in cue.children if c.dep_ == "nsubj"), set_off)
    own = subj.right_edge.i - subj.left_edge.i + 1 if subj is not None else 0
    audience = {c.i for c in cue.children if c.dep_ in ("dobj", "dative") and _audience(c)}
    if hi - lo - min(own, 12) > 12 or any(c.dep_ in ("dobj", "xcomp", "ccomp", "oprd", "dative") and c.i != after_i
                                          and c.i not in audience or
                           (c.dep_ == "prep" and c.lower_ not in ("in", "on", "at", "during", "after"))
                           for c in cue.children):
        return None  # a clause of its own ("while rivals called for ..."), not a set-off "X said"
    words = lambda a, b: [x for x in sent if a <= x.i < b and not (x.is_punct or x.is_space)]  # noqa: E731
    before, after = words(sent.start, lo), words(hi + 1, sent.end)
    doc = sent.doc
    set_off = doc[hi].text in (",", "—", "–", ":") or (hi + 1 < sent.end and doc[hi + 1].text in (",", "—", "–", ":"))
    if after and before and not set_off:
        after = []  # '..., he said in a statement on Monday.' is no content after the cue
    if not before and not after:
        return None
    first = before[0] if before else after[0]
    last = after[-1] if after else before[-1]
    if last.i + 1 < sent.end and doc[last.i + 1].text in (".", "!", "?"):
        last = doc[last.i + 1]
    return first, last


ANONYMITY = re.compile(r"(not )?to (be (named|identified|quoted)|speak on the record|go on the record)\b", re.I)


def _statement_that(cue: Token) -> list[Token]:
    """'The ministry said in a statement that a plane was ready': the reported clause, which the
    parser hung on "statement" rather than on the verb."""
    if _cues()[0].get(cue.lemma_.lower()) != "speech":
        return []
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "on"):
            for noun in prep.children:
                if noun.dep_ == "pobj" and noun.lower_ in ("statement", "interview", "communique", "message", "post"):
                    return [c for c in noun.children if c.dep_ in ("acl", "relcl", "ccomp")
                            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)][:1]
    return []


def _audience(tok: Token) -> bool:
    """Is the object of "told" the audience ("journalists", "reporters", "TASS", "the agency")?"""
    return tok.head.lemma_.lower() == "tell" and (
        tok.lower_ in AUDIENCE or tok.ent_type_ == "ORG" or tok.lower_ in _cues_extra("media_nouns"))


AUDIENCE = frozenset({"journalists", "reporters", "correspondents", "press", "media", "agency", "newspaper",
                      "paper", "channel", "broadcaster", "us", "me", "parliament", "lawmakers", "deputies"})


def _content_end(head: Token) -> Token:
    """Last token of the content headed by head, stopping before a clause with its own attribution.

    "They said the plan works, while critics said it fails" and "She said the plan works and
    predicted that it would last": the first content stops at "works".
    """
    end = head.right_edge
    doc = head.doc
    for t in doc[head.i + 1: end.i + 1]:
        # "... an interview with the anchor - a play on words ...": a dash opens an aside
        if t.text in ("—", "–", "--") or (t.text == "-" and t.whitespace_ and doc[t.i - 1].whitespace_):
            if t.i - head.left_edge.i >= 4:
                end = doc[t.i - 1]
                break
    # "... such legislation, which would give ...": a relative clause set off by a comma is the
    # reporter's aside, not the attributed words
    for t in doc[head.left_edge.i + 3: end.i]:
        if t.text == "," and doc[t.i + 1].lower_ in ASIDE and any(a.dep_ in ("relcl", "advcl") and a.i > t.i
                                                                  for a in doc[t.i + 1].ancestors if a.i <= end.i):
            end = doc[t.i - 1]
            break
    for x in head.rights:
        if x.i > end.i:
            break
        if x.dep_ not in ("advcl", "conj", "parataxis"):
            continue
        if x.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in TIED for c in x.children):
            continue  # "he was on the fence until Haley said ...": the clause is part of what is reported
        if x.dep_ == "conj" and any(c.dep_ == "nsubj" and c.lower_ in ("he", "she", "they", "i", "we")
                                    for c in x.children):
            continue  # "X said the race is close and he feels he can win": still what X said
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children)
        if any(_is_cue(t) and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children) for t in x.subtree) or (
                not own_subject and (x.dep_ == "conj" or x.tag_ == "VBG")
                and (_is_cue(x) or (x.pos_ == "VERB" and x.lemma_.lower() in frames()[0]))):
            end = x.left_edge.doc[max(head.i, x.left_edge.i - 1)]
            while end.i > head.i and (end.is_punct or end.dep_ in ("cc", "mark")):
                end = end.doc[end.i - 1]
            break
    return end


def _nest(reported: list[tuple[int, int, Token, Token | None]]) -> list[tuple[int, int, Token, Token | None]]:
    """'Koul said the council plans to ...': an attribution (not a speech verb) whose cue sits in the
    clause a speech or belief cue reports, through complement clauses only, belongs to that outer
    content, which runs on to its end (PolNeAR gives each word one attribution, the outermost)."""
    verbs, _ = _cues()
    by_cue = {r[2].i: k for k, r in enumerate(reported)}
    out = list(reported)
    dropped = set()
    for k, (s, e, cue, _subj) in enumerate(reported):
        child = cue
        for a in cue.ancestors:
            if child.dep_ not in ("ccomp", "xcomp"):
                break  # "said he makes ... and questioned ...": a second attribution of its own
            j = by_cue.get(a.i)
            if j is not None and j != k and j not in dropped:
                os_, oe, ocue, osubj = out[j]
                if os_ <= s and verbs.get(ocue.lemma_.lower()) in ("speech", "belief") \
                        and verbs.get(cue.lemma_.lower()) != "speech":
                    out[j] = (os_, max(oe, e), ocue, osubj)
                    dropped.add(k)
                break
            child = a
    return [r for k, r in enumerate(out) if k not in dropped]


def _relative_speaker(subj: Token) -> Token | None:
    """The antecedent of a relative "who" that speaks: "the senator, who said ..."."""
    verb = subj.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    if verb.dep_ == "relcl" and verb.head.pos_ in ("PROPN", "NOUN", "PRON") and subj.lower_ in ("who", "which", "that"):
        return verb.head
    return None


def _colon_lines(doc: Doc, paras: list[tuple[int, int]]) -> Iterator[tuple[int, int, Token, Token]]:
    """Headline and transcript style: 'Lena Vosk: The Border Stays Open', 'VOSK: We are ready.'"""
    text = doc_text(doc)
    for ps, pe in paras:
        colon = text.find(":", ps, min(pe, ps + 60))
        if colon < 0:
            continue
        name = doc.char_span(ps, colon, alignment_mode="contract")
        if name is None or not 1 <= len(name) <= 4 or not name.text[:1].isupper():
            continue
        if any(t.pos_ in ("VERB", "AUX", "PRON", "NUM", "ADP") or t.like_num for t in name):
            continue
        if not all(t.text[:1].isupper() or t.lower_ in ("'s", "’s") for t in name):
            continue
        if not (any(t.ent_type_ in ("PERSON", "ORG") for t in name) or (name.text.isupper() and len(name.text) >= 4)):
            continue  # "Q:", "Breaking:", "Update:" name no one
        rest = doc.char_span(colon + 1, pe, alignment_mode="contract")
        if rest is None or len(rest) < 3:
            continue
        start = colon + 1
        while start < pe and text[start].isspace():
            start += 1
        end = pe
        while end > start and text[end - 1] in ".;, ":
            end -= 1
        yield start, end, doc[rest.start - 1], name.root


def _according_clauses(doc: Doc) -> Iterator[tuple[int, int, Token, Token]]:
    for sent in doc.sents:
        for t in sent:
            if t.lower_ != "according":
                continue
            src = _according(sent, -1, -1)
            if src is None:
                continue
            phrase = range(t.i, src.right_edge.i + 1)
            toks = _trimmed([x for x in sent if x.i not in phrase and not x.is_space])
            if len(toks) < 4:
                continue
            # the content is the part of the sentence on one side of the phrase
            after = [x for x in toks if x.i > src.right_edge.i]
            before = [x for x in toks if x.i < t.i]
            part = after if len(after) >= len(before) else before
            while part and part[0].is_punct:
                part.pop(0)
            while part and part[-1].is_punct and part[-1].text not in (".", "!", "?"):
                part.pop()
            if len(part) < 4:
                continue
            yield part[0].idx, part[-1].idx + len(part[-1].text), t, src


def _trimmed(toks: list[Token]) -> list[Token]:
    """The tokens of a reported clause without the punctuation and quotation marks around it (a
    closing full stop, question or exclamation mark stays)."""
    while toks and (toks[0].is_punct or toks[0].text in OPENERS + CLOSERS + STRAIGHT):
        toks.pop(0)
    while toks and toks[-1].is_punct and toks[-1].text not in (".", "!", "?"):
        toks.pop()
    return toks


def _this_was_said(doc: Doc) -> Iterator[tuple[int, int, Token, Token]]:
    """'The talks will resume in May. This was stated in the Foreign Ministry.', '... This was told to the
    agency by a source in the delegation.': a passive speech verb whose subject is "this" points
    back at the sentence before it (in its paragraph), said by the one after "by", or in the
    organisation after "in" (wire copy translated from Russian writes a source this way)."""
    verbs, _ = _cues()
    text = doc_text(doc)
    for sent in doc.sents:
        cue = sent.root
        if cue.lemma_.lower() not in verbs or verbs[cue.lemma_.lower()] != "speech":
            continue
        subj = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
        if subj is None or subj.lower_ != "this" or not any(c.dep_ == "auxpass" for c in cue.children):
            continue
        src = None
        for c in cue.children:
            if c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ == "in":
                src = next((p for p in c.children if p.dep_ == "pobj"), None)
                if c.dep_ == "agent":
                    break
        if src is None or sent.start == 0:
            continue
        words = [t for t in doc[sent.start - 1].sent if not t.is_space]
        if not words or "\n" in text[words[-1].idx:sent.start_char]:
            continue  # a new paragraph: what "this" stands for is not the sentence before
        toks = _trimmed(words)
        if len(toks) < 4:
            continue
        yield toks[0].idx, toks[-1].idx + len(toks[-1].text), cue, src


def find_quotes(doc: Doc, disc: Discourse, title_span: tuple[int, int] | None = None) -> list[Found]:
    """All quotes of a parsed article, with speakers resolved in text order."""
    text = doc_text(doc)
    paras = paragraphs(text)
    para_of = lambda c: next(((s, e) for s, e in paras if s <= c <= e), (0, len(text)))  # noqa: E731
    spans = quote_spans(text)
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    found: list[Found] = []
    for qs, qe, chain in spans:
        ps, pe = para_of(qs)
        via = "colon_name"
        cue, name = _colon_name(doc, qs, text, ents)
        subj = name.root if name is not None else None
        # a name the model tagged no entity for: the actor is named by those words only
        named = Resolved(disc.org(name.text), name.start_char, name.end_char, name.text) \
            if name is not None and not name.label_ else None
        if subj is None:
            via = "attribution"
            cue, subj = _attribution(doc, qs, qe, spans, text)
        if subj is None:
            via = "next_short"
            cue, subj = _next_short_attribution(doc, qe, pe)
        if subj is None and qs - ps <= 1:
            via = "prev_colon"
            cue, subj = _prev_colon(doc, qs)
        if subj is None:
            via = "sign_off"
            cue, subj = _sign_off(doc, qe)
        if subj is None:
            via = "none"
        kind = _kind_of(text, qs, qe, ps)
        if cue is not None and qs <= cue.idx < qe:
            kind = "partial"
        f = Found(qs, qe, kind, cue=(cue.idx, cue.idx + len(cue.text)) if cue is not None else None,
                  subject=subj, chain=chain, order=subj.idx if subj is not None else qs,
                  inherit=subj is None, via=via, resolved=named)
        found.append(f)
    for qs, qe, ent, _pe in _pull_quotes(doc, paras, spans, title_span):
        a = disc.person(ent.text) if ent.label_ == "PERSON" else disc.org(ent.text)
        if ent.label_ == "PERSON":
            tail_words = [t.lower_ for t in doc[ent.end: doc.char_span(ent.start_char, _pe, alignment_mode="expand").end]]
            roles, fams = roles_in(tail_words)
            a.roles |= roles
            a.families |= fams
        start = ent.start_char
        while start > qe and text[start - 1] != " ":
            start -= 1
        found.append(Found(qs, qe, "direct", resolved=Resolved(a, qe + (1 if text[qe:qe + 1] == " " else 0), _pe,
                                                                text[qe:_pe].strip()), order=ent.start_char, via="pull"))
    for qs, qe, cue, subj in _signed_lines(doc, paras, spans):
        if not any(f.start < qe and qs < f.end for f in found):
            found.append(Found(qs, qe, "direct", cue=(cue.idx, cue.idx + len(cue.text)), subject=subj,
                               order=subj.idx, via="signed"))
    direct = [(f.start, f.end) for f in found]
    reported: list[tuple[int, int, Token, Token | None]] = list(_indirect(doc, spans)) + list(_according_clauses(doc))
    reported += list(_colon_lines(doc, paras))
    reported += list(_this_was_said(doc))
    cues_taken = {r[2].i for r in reported}
    for r in framed(doc, _subject, _content_end):
        # a sourceless passive frame whose words hold another attribution's cue is the outer one
        # ('Asked if she believed ...'); not "seem" ('he seemed to indicate he knows ...' is his)
        outer_ask = r[2].lemma_.lower() not in frames()[1]
        if r[2].i not in cues_taken and not any(min(r[1], e) - max(r[0], s) > 0.5 * (r[1] - r[0])
                                                and not (outer_ask and r[0] <= c.idx < r[1]) for s, e, c, _ in reported):
            reported.append(r)
    # 'made it clear that he felt ...': a multiword cue is the outer attribution of its clause
    phrased = [r for r in phrase_cues(doc, _subject, _content_end) if r[2].i not in cues_taken]
    reported += phrased
    # a cue inside what another cue reports is part of that content, not a new attribution:
    # "X will insist that ..., the spokeswoman said" is the spokeswoman's statement
    verbs, _ = _cues()
    outer = [(s, e) for s, e, cue, _ in reported if cue.lower_ == "according" or verbs.get(cue.lemma_.lower()) in ("speech", "belief")]
    outer += [(s, e) for s, e, _cue, _subj in phrased]
    reported = [r for r in reported if not any(s <= r[2].idx < e and (s, e) != (r[0], r[1]) for s, e in outer)]
    reported = _nest(reported)
    _sourceless_frames(found, reported)
    for s, e, cue, subj in reported:
        covered = sum(max(0, min(e, qe) - max(s, qs)) for qs, qe in direct)
        if covered >= 0.6 * (e - s) or any(abs(s - f.start) <= 2 and abs(e - f.end) <= 2 for f in found):
            continue
        if title_span and title_span[0] <= s < title_span[1] and cue.text != ":":
            continue
        if ANONYMITY.match(text[s:e]):
            continue  # "who asked not to be named": how a source is described, not what it said
        found.append(Found(s, e, "indirect", cue=(cue.idx, cue.idx + len(cue.text)), subject=subj,
                           order=subj.idx if subj is not None else s, via="reported"))
    # resolve speakers in text order, so "he" and "the source" look back at who spoke before
    found.sort(key=lambda f: (f.order, f.start))
    disc.reported = [(f.start, f.end) for f in found]
    chains: dict[int, Resolved] = {}
    for f in found:
        if f.resolved is not None:
            f.speaker = f.resolved
        elif f.subject is not None:
            f.speaker = _resolve_subject(disc, f.subject, spans)
        if f.speaker is not None:
            disc.note_speaker(f.order, f.speaker.actor)
            if f.chain is not None:
                chains[f.chain] = f.speaker
    # pieces of a quote over several paragraphs share the speaker; a quote with no attribution
    # of its own, right after another, is most often the same speaker's next words
    found.sort(key=lambda f: f.start)
    for i, f in enumerate(found):
        if f.speaker is not None:
            continue
        if f.chain is not None and f.chain in chains:
            f.speaker = chains[f.chain]
            f.via += "+chain"
            continue
        if f.inherit and (f.kind == "direct" or _interrupted(text, found[:i], f) or _carries_on(doc, f)):
            prev = [g for g in found[:i] if g.speaker is not None and (g.kind != "indirect" or _speech_cue(doc, g)
                                                                     or _leads_in(doc, paras, found[:i], g, f))]
            if prev and f.start - prev[-1].end < 1200 and _para_gap(paras, prev[-1].end, f.start) <= 2:
                sp = prev[-1].speaker
                f.speaker = Resolved(sp.actor, sp.start, sp.end, sp.text)
                f.via += "+inherit"
    # a few words in marks that nobody is said to have said are a title, a nickname or scare
    # quotes ('the "Crossroads of America"'), not a quote; a whole quotation with no attribution
    # of its own and no speaker in reach to go on from (an epigraph, a slogan, an excerpt whose
    # source the text leaves to a headline) is not recorded: we cannot say whose words they are
    return [f for f in found if not (f.kind in ("partial", "direct") and f.speaker is None and f.cue is None
                                     and len(text[f.start:f.end].split()) <= 3) and not _title(text, f)
            and not (f.kind == "direct" and f.speaker is None and f.cue is None)]


def _sourceless_frames(found: list[Found], reported: list[tuple[int, int, Token, Token | None]]) -> None:
    """'Asked whether the mayor "has the stamina to serve," 40 percent said no': quoted words inside
    what a sourceless frame holds are the question's, not said by the subject of the verb after it."""
    for s, e, cue, subj in reported:
        if subj is not None:
            continue
        for f in found:
            if f.kind == "partial" and s - 1 <= f.start and f.end <= e + 1 and f.cue is not None \
                    and f.cue[0] >= e and f.resolved is None:
                f.subject, f.cue, f.inherit = None, (cue.idx, cue.idx + len(cue.text)), False
                f.order = f.start


def _speech_cue(doc: Doc, f: Found) -> bool:
    """Is f's cue a speech verb of a main clause ('..., Ms. Vosk noted'), not an aside on another
    attribution ('said Mr. Hale, who noted that ...', 'said Vosk, as she called for ...')?"""
    cue = _token_at(doc, f.cue[0]) if f.cue is not None else None
    return cue is not None and _cues()[0].get(cue.lemma_.lower()) == "speech" and not _aside(cue)


def _aside(cue: Token) -> bool:
    """'said Mr. Hale, who noted that ...', 'said Vosk, as she called for ...': a cue in an aside."""
    return cue.dep_ == "relcl" or (cue.dep_ == "advcl" and any(c.dep_ == "mark" for c in cue.children))


SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from"})


def _title(text: str, f: Found) -> bool:
    """'said on ABC's "This Week."', 'told "Meet the Press"': a show, book or film named in marks
    after a possessive or a preposition, every word capitalised, is not a quote."""
    if f.kind == "indirect":
        return False
    words = text[f.start:f.end].strip(" ,.;:!?").split()
    if not 1 <= len(words) <= 8 or not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in SMALL_WORDS for w in words) \
            or words[0].lower() in SMALL_WORDS - {"a", "an", "the"}:
        return False
    before = text[max(0, f.start - 12):f.start].rstrip(" " + OPENERS + STRAIGHT + "'").split()
    return bool(before) and (before[-1].endswith(("'s", "’s")) or before[-1].lower() in ("on", "in", "of", "to"))


def _carries_on(doc: Doc, f: Found) -> bool:
    """'Now, "within the business community there is ..."': a quote that holds its sentence's
    clause, with only an opener outside the marks, goes on with the words quoted before it."""
    if f.kind != "partial" or len(doc_text(doc)[f.start:f.end].split()) < 5:
        return False
    sent = _sent_of(doc, f.start)
    if sent is None or sent.end_char > f.end + 3:
        return False
    return not any(t.pos_ in ("VERB", "AUX") for t in sent if t.idx < f.start)


def _interrupted(text: str, before: list[Found], f: Found) -> bool:
    """'"Honestly," he went on, "we may be ...': the second piece of a quote broken by its attribution."""
    prev = [g for g in before if g.kind != "indirect" and g.end <= f.start]
    if not prev:
        return False
    gap = text[prev[-1].end:f.start]
    return len(gap) < 60 and "\n" not in gap and gap.rstrip()[-1:] in OPENERS + STRAIGHT and \
        gap.rstrip()[:-1].rstrip()[-1:] in (",", ":")


def _resolve_subject(disc: Discourse, subj: Token, spans: list[tuple[int, int, int | None]]) -> Resolved | None:
    """The speaker a subject names; "who" speaks for its antecedent, "I" outside quotes is the author."""
    ante = _relative_speaker(subj)
    if ante is not None:
        r = disc.resolve(ante)
        if r is None:
            r = disc.unnamed(ante)  # "those who said ...", "some who warned ...": the unnamed group speaks
        return Resolved(r.actor, subj.idx, subj.idx + len(subj.text), subj.text) if r is not None else None
    if subj.lower_ in ("i", "we") and not any(s - 1 <= subj.idx < e + 1 for s, e, _ in spans):
        return Resolved(disc.author(), subj.idx, subj.idx + len(subj.text), subj.text)
    if subj.lower_ == "you" and not any(s - 1 <= subj.idx < e + 1 for s, e, _ in spans):
        # "if you want a sense of the voters' mood, ...": the generic reader, named as such
        r = disc.unnamed(subj)
        r.actor.name = "you (generic)"
        return r
    r = disc.resolve(subj)
    if r is None and subj.lower_ not in RELATIVE and subj.lower_ not in ("you", "i", "we") and (
            subj.pos_ in ("DET", "NUM", "NOUN", "ADJ") or subj.lower_ in GROUP_WORDS):
        # "Many said ...", "Six in 10 say ...", "Some argue ...": an unnamed group
        return disc.unnamed(subj)
    if r is None and subj.lower_ in ("he", "she", "they", "it", "who", "which", "that", "this", "one"):
        # a pronoun whose antecedent we cannot find: the speaker is the one it names, marked unresolved
        r = disc.unnamed(subj)
        r.actor.name = f"{subj.lower_} (unresolved)"
    return r


def _leads_in(doc: Doc, paras: list[tuple[int, int]], before: list[Found], g: Found, f: Found) -> bool:
    """'Valdis Ozols praised the governor's leadership.' then a paragraph of quoted words only: the
    words go on from the last attribution of the paragraph just before, whatever its cue."""
    cue = _token_at(doc, g.cue[0]) if g.cue is not None else None
    return f.kind == "direct" and g is before[-1] and _para_gap(paras, g.end, f.start) == 1 \
        and any(s <= f.start <= s + 2 for s, _ in paras) and not (cue is not None and _aside(cue))


def _para_gap(paras: list[tuple[int, int]], a: int, b: int) -> int:
    ia = next((i for i, (s, e) in enumerate(paras) if s <= a <= e + 1), 0)
    ib = next((i for i, (s, e) in enumerate(paras) if s <= b <= e + 1), 0)
    return ib - ia

