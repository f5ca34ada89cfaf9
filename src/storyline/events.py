"""Event coding: who did what to whom, when and where, typed with PLOVER 2.0.

Works on the spaCy parse the analysis already has (no other model). The trigger lexicon is
data (``data/events.json``): verb lemmas per type and mode with their argument patterns
(a particle, a governed preposition, the object's lemmas), event nouns coded when a light verb
governs them ("staged a protest") or when they name their actor ("the Hamas attack"), and
predicate adjectives ("is ready to").

For each trigger:

1. the **actor** is the subject (the ``by`` agent of a passive; the subject of the governing
   verb for an infinitive or a coordinated verb; the object of "urge X to"), the **recipient**
   the object or the object of a preposition the type expects ("met with", "sanctions on",
   "called on"), or the subject of the clause a demand governs ("demanded that X release");
   both are resolved to the article's actors (:mod:`storyline.discourse`) and to known
   countries, capitals and organisations (:mod:`storyline.knowledge`);
2. the **status** is ``negated`` ("did not consent"), ``future`` ("will visit"),
   ``hypothetical`` ("would", "if", what is demanded, offered or threatened) or ``asserted``;
3. PLOVER's own rules turn what is announced into what it is: a future cooperative act is
   also an AGREE, a future retreat a CONCEDE, a future conflictual act a THREATEN; "X said Y
   must ..." is a REQUEST from X to Y; the mode of a REQUEST, REJECT or THREATEN comes from
   what is requested or threatened;
4. the date ("on Tuesday", "on October 7") is resolved against the article's date
   (:mod:`storyline.dates`), the location is the place a preposition attaches to the event,
   the context comes from the words of the sentence, and the quote it sits in is kept.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from . import dates
from .discourse import Discourse, LocalActor, Resolved, _np_span
from .discourse import _lex as _disc_lex
from .doctext import doc_text
from .knowledge import Knowledge
from .knowledge import load as load_knowledge
from .lexicon import load_lexicon
from .names import person_key

TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
COOPERATIVE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
OBJECT_CONTROL = {"urge", "ask", "order", "call", "press", "pressure", "invite", "force", "allow", "help", "instruct",
                  "tell", "request", "encourage", "implore", "persuade", "lobby", "pressurize"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
VOWS = frozenset({"vow", "swear", "promise", "pledge"})
SUGGEST = frozenset({"suggest", "propose", "recommend", "advise"})  # "proposed that Y should ...": a request
HYPO_AUX = {"would", "could", "might", "may", "should", "must", "can", "'d", "ca"}
INTENT = {"plan", "intend", "expect", "prepare", "want", "hope", "seek", "aim", "try", "decide", "wish", "mean",
          "schedule", "set", "threaten", "consider", "propose", "attempt", "going", "weigh", "contemplate", "mull"}
WEIGH = frozenset({"consider", "weigh", "contemplate", "mull"})  # "is considering military action": a threat


@dataclass(frozen=True)
class Rule:
    type: str
    mode: str | None
    particle: str | None = None
    prep: str | None = None
    objects: frozenset[str] | None = None

    @property
    def weight(self) -> int:
        return 2 * bool(self.objects) + bool(self.particle or self.prep)


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, list[Rule]]
    nouns: dict[str, list[tuple[tuple[str, ...], str, str | None]]]  # head -> (modifiers, type, mode)
    adjectives: dict[str, tuple[str, str | None]]
    adjective_preps: dict[str, str]  # adjective -> the preposition it needs to be an event ("critical of")
    undergo: frozenset[str]  # verbs whose object event is done to their subject ("drew criticism")
    halt: frozenset[str]  # verbs that stop what they govern: a cooperative act stopped is a SANCTION
    light: frozenset[str]
    verb_preps: dict[str, tuple[str, ...]]
    embedding: dict[str, str]  # verb lemma -> AGREE / REQUEST / THREATEN / REJECT
    must_speech: frozenset[str]
    conflictual: frozenset[str]
    request_modes: dict[str, str]
    threaten_modes: dict[str, str]
    contexts: dict[str, str]  # lemma -> context


def _rule(t: str, mode: str | None, pattern: str) -> tuple[str, Rule]:
    words = pattern.split()
    lemma = words[0]
    particle = prep = None
    objs: frozenset[str] | None = None
    for w in words[1:]:
        if w.startswith(">"):
            prep = w[1:]
        elif w.startswith("+"):
            objs = frozenset(w[1:].split("|"))
        else:
            particle = w
    return lemma, Rule(t, mode, particle, prep, objs)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = load_lexicon("events")
    verbs: dict[str, list[Rule]] = {}
    for t, modes in data["verbs"].items():
        for mode, pats in modes.items():
            for p in pats:
                lemma, r = _rule(t, None if mode == "-" else mode, p)
                verbs.setdefault(lemma, []).append(r)
    nouns: dict[str, list[tuple[tuple[str, ...], str, str | None]]] = {}
    for t, modes in data["nouns"].items():
        for mode, words in modes.items():
            for w in words:
                parts = w.split()
                nouns.setdefault(parts[-1], []).append((tuple(parts[:-1]), t, None if mode == "-" else mode))
    for v in nouns.values():
        v.sort(key=lambda x: -len(x[0]))
    adjs = {w.split()[0]: (t, None if mode == "-" else mode) for t, modes in data["adjectives"].items()
            for mode, words in modes.items() for w in words}
    adj_preps = {w.split()[0]: w.split()[1][1:] for modes in data["adjectives"].values() for words in modes.values()
                 for w in words if len(w.split()) > 1}
    emb = {w: t for t, words in data["embedding"].items() for w in words}
    ctx = {w: c for c, words in data["contexts"].items() for w in words}
    return Lexicon(verbs=verbs, nouns=nouns, adjectives=adjs, adjective_preps=adj_preps,
                   undergo=frozenset(data.get("undergo_verbs", [])), halt=frozenset(data.get("halt_verbs", [])), light=frozenset(data["light_verbs"]),
                   verb_preps={k: tuple(v) for k, v in data["verb_preps"].items()}, embedding=emb,
                   must_speech=frozenset(data["must_speech"]), conflictual=frozenset(data["conflictual_future"]),
                   request_modes=data["request_modes"], threaten_modes=data["threaten_modes"], contexts=ctx)


@dataclass(frozen=True)
class Party:
    """An event's actor or recipient, in clean-text offsets."""

    actor: LocalActor | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Found:
    """An event found in the clean text (analyze maps offsets back to the original)."""

    event_type: str
    mode: str | None
    context: tuple[str, ...]
    trigger: tuple[int, int]
    span: tuple[int, int]
    actor: Party | None
    recipient: Party | None
    date: str | None
    location: str | None
    status: str
    quote: object | None = None  # quotes.Found the event sits in


# ---- arguments --------------------------------------------------------------------------
DATELINE_END = re.compile(r"(?:\)\s*[-\u2013\u2014]+|/[A-Za-z-]+/\.|\s[-\u2013\u2014]{1,2}\s)\s*")
ORG_HEADS = {"ministry", "government", "authorities", "army", "embassy", "military", "police", "navy", "parliament",
             "cabinet", "presidency", "office", "council", "court", "agency", "committee", "delegation", "side"}
COUNTERPART_PREPS = {"with", "to", "against", "from", "for", "toward", "towards"}
NAMED_HEADS = {"government", "authorities", "cabinet"}
SEAT_HEADS = {"government", "authorities", "leadership", "administration", "regime", "cabinet"}
GROUP_NOUNS = {"militant", "rebel", "fighter", "group", "gunman", "insurgent", "guerrilla", "militia", "kidnapper",
               "hostage-taker", "movement", "faction"}
ARMED_NAME = re.compile(r"\b(Brigades?|Front|Movement|Militia|Army|Group|Faction|Tigers|Liberation|Jihad|Battalion)\b")
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
class Arguments:
    """Resolves the noun phrases around a trigger to parties."""

    def __init__(self, doc: Doc, disc: Discourse, kn: Knowledge, quotes: list):
        self.doc, self.disc, self.kn, self.quotes = doc, disc, kn, quotes
        self.text = doc_text(doc)  # Doc.text and Doc.ents are rebuilt on every access: read them once
        self.ents = list(doc.ents)
        self.at: dict[int, LocalActor] = {p: a for p, a in disc.mentions}  # entity start -> actor
        self._keys: dict[str, str] = {}
        self._cache: dict[int, Party | None] = {}

    def party(self, tok: Token | None) -> Party | None:
        if tok is None:
            return None
        if tok.i not in self._cache:
            self._cache[tok.i] = self._party(tok)
        return self._cache[tok.i]

    def _party(self, tok: Token) -> Party | None:
        doc = self.doc
        low = tok.lower_
        if low in ("who", "that", "which") and tok.head.dep_ == "relcl":
            tok = tok.head.head
            low = tok.lower_
        if tok.pos_ == "PRON" or low in ("he", "she", "they", "it", "we", "i"):
            if low in ("we", "i", "us", "our"):
                q = self.quote_at(tok.idx)
                if q is not None and getattr(q, "speaker", None) is not None:
                    r = q.speaker
                    return Party(r.actor, tok.idx, tok.idx + len(tok.text), tok.text)
                return None
            if low in ("who", "what", "which", "that", "this", "there", "one", "you", "everyone", "nobody"):
                return None
            r = self.disc._pronoun(tok, tok.idx)
            return self._from(r) if r else None
        seat = self._seat(tok)
        if seat is not None:
            return seat
        if tok.lower_ in _disc_lex()["titles"] or tok.lower_ in _disc_lex()["roles"]:
            named_here = any(t.ent_type_ == "PERSON" or t.pos_ == "PROPN" and t.lower_ not in _disc_lex()["titles"]
                             and t.ent_type_ not in ("NORP", "GPE", "DATE") for t in tok.subtree)
            posted = any(c.dep_ == "prep" and c.lower_ in ("to", "in", "at") for c in tok.children)
            if posted and tok.i + 1 < len(doc) and doc[tok.i + 1].dep_ == "prep":
                named = self._title_person(tok)  # "Karesh Ambassador to Veldgrad Tomas Reinholt": the name after
                if named is not None and named.actor is not None and named.actor.kind == "person":
                    return named
            r = self.disc.resolve(tok) if named_here else None
            if r is not None and r.actor.kind == "person":
                return self._from(r)  # "Deputy Foreign Minister and Special Envoy ... Ilan Marchetti"
            named = self._title_person(tok)
            if named is not None:
                return named
        s, e = _np_span(tok)
        cut = None
        for m in DATELINE_END.finditer(self.text, s, e):
            cut = m
        if cut is not None and cut.end() <= tok.idx:
            s = cut.end()  # "MOSCOW. Nov 7 (Interfax) - Russian troops": the dateline is not the actor
        text = self.text[s:e]
        ents = [x for x in self.ents if x.start_char >= s and x.end_char <= e]
        labels = {x.label_ for x in ents}
        if "PERSON" in labels or ("ORG" in labels and not self.kn.country(text)):
            org = next((x for x in ents if x.label_ == "ORG"), None)
            if org is not None and "PERSON" not in labels:
                known = self.kn.org(org.text)
                a = self.disc.org(known.name if known else org.text)
                if known and org.text not in a.aliases:
                    a.aliases.add(org.text)
                if a.country is None:
                    where = self.kn.country_in(text)
                    a.country = where.country if where else (known.country if known else None)
                return Party(a, s, e, text)
            person = next((x for x in ents if x.label_ == "PERSON"), None)
            if person is not None:
                a = self.at.get(person.start_char)
                return Party(a if a is not None and a.kind == "person" else self.disc.person(person.text), s, e, text)
        known = self.kn.org(text) or self.kn.org(tok.text)
        if known is not None:
            a = self.disc.org(known.name)
            a.aliases.add(text if len(text) < 60 else tok.text)
            a.country = a.country or known.country
            return Party(a, s, e, text)
        # a country by name, capital, adjective or demonym: "Moscow said", "Israeli troops", "the Russians"
        where = self.kn.country(tok.text) or self.kn.country(text)
        if where is None:
            for x in ents:
                if x.label_ in ("GPE", "NORP", "LOC"):
                    where = self.kn.country(x.text)
                    if where:
                        break
        if where is None:
            for c in tok.children:
                if c.dep_ in ("amod", "compound", "poss", "nmod") and c.i < tok.i:
                    where = self.kn.country(c.text)
                    if where:
                        break
        if where is not None:
            a = self.disc.state(where.name)
            a.country = a.country or where.country
            return Party(a, s, e, text)
        words = [t.lower_ for t in doc[tok.left_edge.i: tok.i + 1]]
        if tok.lemma_.lower() in GROUP_NOUNS and words[:1] == ["the"] and len(words) <= 3:
            group = self._last_group(s)
            if group is not None:
                return Party(group, s, e, text)  # "the militants": the armed group named before
        if tok.lower_ in ORG_HEADS and words[:1] == ["the"] and len(words) <= 2:
            named = self._lookback(tok.lower_, s)
            if named is not None:
                return Party(self.disc.org(named), s, e, text)
        if any(w in _disc_lex()["roles"] for w in words) and words[:1] in (["the"], ["this"], ["that"]):
            r = self.disc.resolve(tok)
            if r is not None:
                return Party(r.actor, s, e, text)
        if tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.ent_type_ not in ("DATE", "TIME", "CARDINAL"):
            a = self.disc.org(text)
            return Party(a, s, e, text)
        if tok.pos_ in ("NOUN", "PROPN", "NUM"):
            return Party(None, s, e, text)
        return None

    def _seat(self, tok: Token) -> Party | None:
        """"the government in Brannholm": the state whose capital the knowledge file names, or else the
        place itself, which storyline.seats folds into its state once the corpus ties them."""
        if tok.lower_ not in SEAT_HEADS:
            return None
        named = self._named_government(tok)
        if named is not None:
            return named
        if tok.i + 2 >= len(self.doc) or self.doc[tok.i + 1].lower_ != "in":
            return None
        run = []
        for t in self.doc[tok.i + 2: tok.i + 5]:
            if t.pos_ != "PROPN" or not t.text[:1].isupper() or t.ent_type_ in ("DATE", "TIME", "NORP"):
                break
            run.append(t)
        if not run:
            return None
        place = self.text[run[0].idx: run[-1].idx + len(run[-1].text)]
        where = self.kn.country(place)
        a = self.disc.state(where.name if where is not None else place)
        if where is not None:
            a.country = a.country or where.country
        s = _np_span(tok)[0]
        e = run[-1].idx + len(run[-1].text)
        return Party(a, s, e, self.text[s:e])

    def _named_government(self, tok: Token) -> Party | None:
        """"the Ostmere government", "Brannholm's authorities": a name the knowledge file does not know, before
        a government noun, is a state (or a seat of one) unless the article names a person by it ("the
        Marlow government")."""
        if tok.lower_ not in NAMED_HEADS:
            return None
        mods = [c for c in tok.children if c.dep_ in ("compound", "poss") and c.i < tok.i]
        if len(mods) != 1 or mods[0].pos_ != "PROPN" or not mods[0].text[:1].isupper() or any(
                c.pos_ == "PROPN" for c in mods[0].children):
            return None
        name = mods[0].text
        if self.kn.country(name) is not None or self.kn.org(name) is not None or name.lower() in _disc_lex()["titles"]:
            return None  # known states and bodies resolve as before
        key = self._key(name)
        if len(key) < 3 or any(a.kind == "person" and key in self._key(a.name).split() + [self._key(a.name)]
                               for a in self.disc.actors):
            return None
        s, e = _np_span(tok)
        return Party(self.disc.state(name), s, e, self.text[s:e])

    def _title_person(self, tok: Token) -> Party | None:
        """A title the parser split from its name: the person named within a few words after it."""
        doc = self.doc
        titles = _disc_lex()["titles"]
        run: list[Token] = []
        for t in doc[tok.i + 1: min(len(doc), tok.i + 10)]:
            if t.pos_ in ("VERB", "AUX") or t.text in (",", ";", ":", "(", '"'):
                break
            if doc[t.i - 1].lower_ in ("to", "in", "at") and doc[t.i - 1].i > tok.i:
                run = []
                continue  # "Ambassador to Veldgrad ...": the post's place, never the person
            if t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in titles and t.ent_type_ not in (
                    "DATE", "TIME", "NORP", "GPE"):
                key = person_key(t.text)
                for a in self.disc.actors:
                    if a.kind == "person" and len(key) >= 4 and self._key(a.name) == key:
                        return Party(a, doc[tok.left_edge.i].idx, t.idx + len(t.text),
                                     self.text[doc[tok.left_edge.i].idx: t.idx + len(t.text)])
                run.append(t)
            elif len(run) >= 2:
                break  # "Ambassador to Veldgrad Tomas Reinholt and ...": the name ends here
            else:
                run = []
        if len(run) >= 2:
            name = " ".join(x.text for x in run[-2:])
            a = self.disc.person(name)
            return Party(a, doc[tok.left_edge.i].idx, run[-1].idx + len(run[-1].text),
                         self.text[doc[tok.left_edge.i].idx: run[-1].idx + len(run[-1].text)])
        return None

    def _key(self, name: str) -> str:
        if name not in self._keys:
            self._keys[name] = person_key(name)
        return self._keys[name]

    def _last_group(self, pos: int) -> LocalActor | None:
        for p, a in reversed(self.disc.mentions):
            if p >= pos or a.kind not in ("group", "organisation"):
                continue
            known = self.kn.org(a.name)
            if a.kind == "group" or (known is not None and known.sector == "armed_group") or ARMED_NAME.search(a.name):
                return a
        return None

    def _lookback(self, noun: str, pos: int) -> str | None:
        """"the ministry": the last organisation named before pos with that noun ("Veldonian Foreign Ministry")."""
        pat = re.compile(r"\b((?:[A-Z][\w'\u2019-]+\s+){1,4})(" + re.escape(noun) + r")\b", re.IGNORECASE)
        last = None
        for m in pat.finditer(self.text, 0, pos):
            words = m.group(1).split()
            while words and words[0].lower() in ("the", "a", "an", "of", "and"):
                words = words[1:]
            if words and all(w[:1].isupper() for w in words):
                last = " ".join(words) + " " + m.group(2)
        return last

    def _from(self, r: Resolved) -> Party:
        return Party(r.actor, r.start, r.end, r.text)

    def quote_at(self, pos: int):  # type: ignore[no-untyped-def]
        best = None
        for q in self.quotes:
            if q.start <= pos < q.end and (best is None or q.end - q.start < best.end - best.start):
                best = q
        return best


# ---- helpers ----------------------------------------------------------------------------
def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _first(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _object_lemmas(tok: Token) -> set[str]:
    out: set[str] = set()
    if tok.dep_ == "acl":
        out.add(tok.head.lemma_.lower())  # "rockets fired from the hills", "sanctions imposed on": the noun is the object
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "acomp", "xcomp", "ccomp", "advcl", "npadvmod", "dative"):
            out.add(c.lemma_.lower())
            for g in c.children:
                if g.dep_ in ("compound", "amod", "conj", "prep", "nmod", "dobj", "prt", "nsubj", "xcomp"):
                    out.add(g.lemma_.lower())
                    if g.dep_ == "prep":
                        out.update(p.lemma_.lower() for p in g.children if p.dep_ == "pobj")
                        out.update(_act_of(p) for p in g.children if p.dep_ == "pobj")
        elif c.dep_ in ("prep", "agent"):
            out.update(p.lemma_.lower() for p in c.children if p.dep_ in ("pobj", "pcomp"))
            for p in c.children:
                out.update(g.lemma_.lower() for g in p.children if g.dep_ in ("compound", "amod"))
                out.add(_act_of(p))
    return out


def _actor_object(tok: Token) -> bool:
    """Is the verb's object a state or an organisation ("the union suspended Mauritania", "was suspended")?"""
    obj = _first(tok, "dobj", "nsubjpass")
    return obj is not None and obj.ent_type_ in ("GPE", "ORG", "NORP")


def _act_of(tok: Token) -> str:
    """What "an act of ..." names ("described the raid as an act of aggression"), else ""."""
    if tok.lemma_.lower() not in ("act", "form", "kind", "case"):
        return ""
    of = next((p for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"), None)
    what = _first(of, "pobj") if of is not None else None
    return what.lemma_.lower() if what is not None else ""


def lemma(tok: Token) -> str:
    """The lemma, repaired where the small model's lemmatiser errs ("staged" -> "stag", "shelled" as a noun,
    "forgave" left as it is), and joined to a hyphenated prefix the tokenizer split off ("test-fired")."""
    lem = tok.lemma_.lower()
    lx = lexicon()
    prefix = _glued(tok.doc).get(tok.i)
    if prefix is not None:
        joined = prefix + "-" + _repair(tok, lem, lx)
        if joined in lx.verbs:
            return joined
    return _repair(tok, lem, lx)


def _glued(doc: Doc, text: str | None = None) -> dict[int, str]:
    """Token index -> the lowercased word glued to it by a hyphen ("test-fired": fired -> "test"), once a Doc
    (``text`` is the Doc's text when the caller has it: Doc.text is rebuilt on every access)."""
    got = doc.user_data.get("events_glued")
    if got is None:
        got = {}
        for m in GLUED.finditer(doc_text(doc) if text is None else text):
            span = doc.char_span(m.start(2), m.end(2))
            if span is not None and len(span) == 1:
                got[span.start] = m.group(1).lower()
        doc.user_data["events_glued"] = got
    return got


GLUED = re.compile(r"(\w+)-(\w+)")


def _repair(tok: Token, lem: str, lx: Lexicon) -> str:
    irregular = _irregular().get(tok.lower_)
    if irregular is not None:
        return irregular
    if lem in lx.verbs or lem in lx.light:
        return lem
    if lem + "e" in lx.verbs or lem + "e" in lx.light:
        return lem + "e"
    low = tok.lower_
    for suffix, add in (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""),
                        ("s", ""), ("d", "")):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)] + add
            if stem in lx.verbs:
                return stem
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in lx.verbs:  # "shelled" -> "shell", "expelled"
                return stem[:-1]
    return lem


def _match_verb(tok: Token, lx: Lexicon) -> list[Rule]:
    r_lemma = lemma(tok)
    rules = lx.verbs.get(r_lemma)
    if not rules:
        return []
    prts = {c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod", "prep")}
    # "set fire", "lay down": an adverb or a noun right after the verb works as a particle
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.dep_ in ("advmod", "prt", "dobj", "prep") and nxt.head.i == tok.i:
        prts.add(nxt.lower_)
    preps = {c.lower_ for c in tok.children if c.dep_ in ("prep", "agent", "dative")}
    objs: set[str] | None = None
    matched: list[Rule] = []
    for r in rules:
        if r.particle and r.particle not in prts:
            continue
        if r.prep and r.prep not in preps:
            continue
        if r.objects is not None:
            if objs is None:
                objs = _object_lemmas(tok)
            if not (r.objects & objs) and not ("*" in r.objects and _first(tok, "dobj") is not None) and not (
                    "@actor" in r.objects and _actor_object(tok)):
                continue
        elif not r.particle and prts & {"off", "out", "down", "up", "back"} and any(
                x.particle in prts for x in rules if x.particle):
            continue
        matched.append(r)
    emb = lx.embedding.get(r_lemma)
    # a particle or preposition that makes the verb another type ("warned against") ties with its embedding sense
    framed = any((r.particle or r.prep) and r.type != emb for r in matched)
    best: list[Rule] = []
    top = -1
    for r in matched:
        w = r.weight
        if not (r.objects or r.particle or r.prep) and r.type == emb:
            w = 1 if framed else 2  # "agreed to a ceasefire" is an AGREE whatever is agreed; "warned against" both
        if w > top:
            best, top = [r], w
        elif w == top and all(b.type != r.type for b in best):
            best.append(r)
    return best


def _match_noun(tok: Token, lx: Lexicon) -> tuple[str, str | None] | None:
    cands = lx.nouns.get(tok.lemma_.lower()) or lx.nouns.get(tok.lower_)
    prefix = _glued(tok.doc).get(tok.i)
    if prefix is not None:
        # "sit-in", "pull-out", "cease-fire": the tokenizer split the noun at its hyphen
        cands = lx.nouns.get(prefix + "-" + tok.lower_) or lx.nouns.get(prefix + "-" + tok.lemma_.lower()) or cands
    if not cands:
        return None
    mods = [c.lower_ for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    for need, t, mode in cands:
        if all(m in mods for m in need):
            if t == "COOPERATE" and _solo_exercise(tok):
                return "MOBILIZE", "troops"  # "held large-scale exercises": a show of force, not joint work
            return t, mode
    return None


def _solo_exercise(tok: Token) -> bool:
    """An exercise or drill no partner joins ("held exercises near the border") is a show of force."""
    ex = load_lexicon("events").get("exercise_nouns", {})
    if tok.lemma_.lower() not in ex.get("nouns", ()) and tok.lower_ not in ex.get("nouns", ()):
        return False
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i}
    if set(ex.get("joint", ())) & mods or any(c.dep_ == "prep" and c.lower_ in ("with", "between", "alongside") for c in tok.children):
        return False
    head = tok.head
    subj = _first(head, "nsubj")
    return not any(c.dep_ == "prep" and c.lower_ in ("with", "alongside") or c.lower_ == "together"
                   for c in head.children) and not (subj is not None and _first(subj, "conj") is not None)


def _status(tok: Token, lx: Lexicon) -> tuple[str, str | None]:
    """(status, the lemma of the verb that embeds the event if it makes it non-factual)."""
    if tok.pos_ == "NOUN" and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i != tok.i:
        tok = tok.head  # "if the attacks continue", "talks could collapse": the clause the event noun is subject of
        hl = tok.lemma_.lower()
        if hl in INTENT and _first(tok, "xcomp") is not None and _first(tok, "neg") is None:
            return ("future", hl)  # "talks are expected to resume"
    elif tok.pos_ == "NOUN" and tok.dep_ == "dobj" and (lemma(tok.head) == "call" or lemma(
            tok.head) in lx.light and lemma(tok.head) not in lx.embedding):
        tok = tok.head  # "will call a strike", "held talks": the light verb's clause, not what it asks for
    cur = tok
    for depth in range(6):
        kids = list(cur.children)
        outer = _outer_head(cur)
        if cur.dep_ == "conj" and not any(c.dep_ in ("aux", "auxpass", "neg") for c in kids):
            kids = kids + [c for c in (outer or cur.head).children if c.dep_ in ("aux", "neg")]
        if any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("neg", "advmod", "det") for c in kids):
            return ("negated", None)
        auxes = {c.lower_ for c in kids if c.dep_ in ("aux", "auxpass")}
        if auxes & FUTURE_AUX:
            return ("future", None)
        if auxes & HYPO_AUX:
            return ("hypothetical", None)
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in kids):
            return ("hypothetical", None)
        if cur.dep_ not in ("xcomp", "ccomp", "conj", "pcomp", "acl", "dobj", "pobj", "advcl") or cur.head.i == cur.i:
            break
        head = outer or cur.head
        if cur.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        hl = head.lemma_.lower()
        if cur.dep_ in ("xcomp", "ccomp", "acl", "pcomp", "advcl", "dobj") and (hl in lx.embedding or hl in INTENT):
            if lx.embedding.get(hl) == "REJECT":
                return ("negated", hl)
            if lx.embedding.get(hl) == "AGREE" or hl in ("plan", "intend", "schedule", "prepare", "going", "set", "want",
                                                          "hope", "seek", "aim", "wish", "decide", "expect"):
                return ("future", hl)
            return ("hypothetical", hl)
        if cur.dep_ in ("dobj", "pobj") and depth > 0:
            break
        cur = head
    if tok.pos_ in ("NOUN", "PROPN") and any(c.lower_ in ("no", "without") for c in tok.children):
        return ("negated", None)
    return ("asserted", None)


_QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d", "''", "``"})


def _outer_head(tok: Token) -> Token | None:
    """For a conjunct after a closing quote mark that the parser joined to a verb inside the quote
    (`X "warned that the town would not survive" and called on Y`), the verb outside the quote it
    really coordinates with; None otherwise."""
    if tok.dep_ != "conj" or tok.head.i >= tok.i:
        return None
    marks = [t.i for t in tok.sent if t.text in _QUOTE_MARKS]
    if not marks:
        return None

    def inside(i: int) -> bool:
        return sum(1 for m in marks if m < i) % 2 == 1

    if not inside(tok.head.i) or inside(tok.i):
        return None
    cur = tok.head  # up to the verb that governs the quoted words (outside them, or the root when the quote opens after the subject)
    while inside(cur.i) and cur.head.i != cur.i:
        cur = cur.head
    return cur if cur.i != tok.head.i else None


def _subject(tok: Token) -> tuple[Token | None, bool]:
    """The subject of a verb (climbing through infinitives and coordination); True if passive."""
    cur = _outer_head(tok) or tok
    lx = lexicon()
    if tok.dep_ == "conj" and tok.head.dep_ == "ccomp" and lemma(tok.head.head) in lx.must_speech and (
            lemma(tok) in lx.embedding or lemma(tok) in lx.must_speech) and tok.head.head.i < tok.i:
        # "X told reporters that ... and accused Y": X accused, not the clause's subject (but in "A is ready but
        # rejects Y, X said" the attribution comes after: A rejects)
        cur = tok.head.head
    for _ in range(5):
        subj = _first(cur, "nsubj", "csubj")
        if subj is not None:
            return subj, False
        sp = _first(cur, "nsubjpass")
        if sp is not None:
            agent = _first(cur, "agent")
            pobj = _first(agent, "pobj") if agent is not None else None
            return pobj, True
        if cur.dep_ == "xcomp" and cur.head.lemma_.lower() in OBJECT_CONTROL:
            obj = _first(cur.head, "dobj")
            if obj is not None:
                return obj, False
            on = next((p for p in cur.head.children if p.dep_ == "prep" and p.lower_ in ("on", "upon")), None)
            if on is not None and _first(on, "pobj") is not None:
                return _first(on, "pobj"), False
        if cur.dep_ in ("xcomp", "conj", "advcl", "pcomp") and cur.head.i != cur.i:
            cur = cur.head
            if cur.dep_ == "prep":
                cur = cur.head
            continue
        if cur.dep_ == "acl" and cur.head.pos_ in ("NOUN", "PROPN"):
            return None, False
        break
    return None, False


def _recipient(tok: Token, etype: str, lx: Lexicon, passive_subject: Token | None) -> Token | None:
    if passive_subject is not None:
        return passive_subject
    dobj = _first(tok, "dobj", "dative")
    preps = lx.verb_preps.get(etype, ())
    if dobj is not None and (dobj.lemma_.lower() in OWNED or etype in ("REJECT", "SUPPORT", "ACCUSE") and
                             _is_event_noun(dobj, lx)):
        # "rejected the demand of Ostmere", "Israel's proposal"
        owner = _first(dobj, "poss")
        if owner is None:
            of = next((p for p in dobj.children if p.dep_ == "prep" and p.lower_ in ("of", "by", "from")), None)
            owner = _first(of, "pobj") if of is not None else None
        if owner is None:
            owner = next((c for c in dobj.children if c.dep_ in ("amod", "compound") and c.ent_type_ in
                          ("NORP", "GPE", "ORG")), None)
        return owner
    if dobj is not None and _actorish(dobj) and not _is_event_noun(dobj, lx):
        return dobj
    if etype in ("REQUEST", "THREATEN") and dobj is None:
        cc = _first(tok, "ccomp")
        if cc is not None and _first(cc, "nsubj", "nsubjpass") is not None:
            return _first(cc, "nsubj", "nsubjpass")
    for host in (tok, dobj):
        if host is None:
            continue
        for p in host.children:
            if p.dep_ == "prep" and p.lower_ in preps + (("on", "against", "with", "to") if host is dobj else ()):
                pobj = _first(p, "pobj")
                if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME", "CARDINAL"):
                    return pobj
    if dobj is not None and not _is_event_noun(dobj, lx) and dobj.ent_type_ not in ("DATE", "TIME"):
        return dobj
    if etype in ("REQUEST", "THREATEN", "ACCUSE"):
        cc = _first(tok, "ccomp")
        if cc is not None:
            return _first(cc, "nsubj", "nsubjpass")
    return None


OWNED = {"demand", "request", "proposal", "offer", "call", "appeal", "plan", "invitation", "initiative", "ultimatum",
         "accusation", "allegation", "charge", "claim", "criticism", "statement", "remark", "position", "decision"}
ACTOR_NOUNS = {"government", "authorities", "ministry", "side", "army", "forces", "troops", "police", "rebels",
               "militants", "officials", "leaders", "leader", "president", "minister", "country", "countries",
               "delegation", "regime", "state", "people", "civilians", "protesters", "demonstrators", "soldiers",
               "refugees", "prisoners", "hostages", "partners", "allies", "neighbour", "neighbor", "counterpart",
               "guerrillas", "group", "movement", "party", "union", "workers", "students", "journalists", "crew"}


def _actorish_name(tok: Token) -> bool:
    return tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or tok.pos_ == "PROPN"


def _actorish(tok: Token) -> bool:
    return (tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or tok.pos_ in ("PROPN", "PRON")
            or tok.lower_ in ACTOR_NOUNS or tok.lemma_.lower() in ACTOR_NOUNS)


def _is_event_noun(tok: Token, lx: Lexicon) -> bool:
    return tok.pos_ == "NOUN" and _match_noun(tok, lx) is not None


def _location(tok: Token, kn: Knowledge, text: str) -> str | None:
    for host in (tok, tok.head if tok.dep_ in ("dobj", "pobj", "nsubj") else None):
        if host is None:
            continue
        for p in host.children:
            if p.dep_ == "prep" and p.lower_ in ("in", "at", "near", "outside", "inside", "into"):
                pobj = _first(p, "pobj")
                if pobj is not None and pobj.ent_type_ in ("GPE", "LOC", "FAC"):
                    s, e = _np_span(pobj)
                    return re.sub(r"^the\s+", "", text[s:e])
    return None


def _date(tok: Token, ref: str | None, ents: list[Span]) -> str | None:
    def scan(node: Token) -> str | None:
        for c in node.children:
            if c.dep_ in ("ccomp", "xcomp", "relcl", "conj", "advcl") and c.i != node.i:
                continue
            for t in ([c] + ([g for g in c.children if g.dep_ == "pobj"] if c.dep_ == "prep" else [])):
                if t.ent_type_ in ("DATE", "TIME"):
                    ent = next((e for e in ents if e.start <= t.i < e.end), None)
                    if ent is not None:
                        got = dates.resolve(ent.text, ref)
                        if got:
                            return got
        return None

    node = tok
    for _ in range(4):
        got = scan(node)
        if got:
            return got
        if node.head.i == node.i:
            break
        node = node.head
    return None


def _context(sent: Span, lx: Lexicon) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    for t in sent:
        c = lx.contexts.get(t.lemma_.lower())
        if c:
            seen[c] = seen.get(c, 0) + 1
    return tuple(sorted(seen, key=lambda c: (-seen[c], c))[:3])


# ---- coding -----------------------------------------------------------------------------
@dataclass
class _Draft:
    type: str
    mode: str | None
    trigger: Token
    actor_tok: Token | None
    recipient_tok: Token | None
    status: str
    embed: str | None
    derived: bool = False
    trig_end: int | None = None


def find_events(doc: Doc, disc: Discourse, quotes: Iterable = (), published: str | None = None,
                knowledge: Knowledge | None = None) -> list[Found]:
    """Every event the parsed article reports, in text order."""
    lx = lexicon()
    kn = knowledge or load_knowledge()
    args = Arguments(doc, disc, kn, list(quotes))
    _glued(doc, args.text)
    out: list[Found] = []
    pair: tuple[Party, Party] | None = None
    phrases = _phrase_matches(args.text)
    for sent in doc.sents:
        drafts = _sentence(sent, lx)
        if phrases:
            drafts.extend(_phrase_events(sent, [p for p in phrases if sent.start_char <= p[0].start() < sent.end_char],
                                         lx))
        if not drafts:
            drafts = _fallback(sent, lx)
        if not drafts:
            continue
        ctx = _context(sent, lx)
        seen: set[tuple[str, int]] = set()
        demanded: dict[int, Party] = {}  # REQUEST trigger -> its recipient, for a threat coordinated with it
        for d in drafts:
            key = (d.type, d.trigger.i)
            if key in seen:
                continue
            seen.add(key)
            actor_tok = d.actor_tok
            body = _body_start(sent, args.text)
            if actor_tok is not None and actor_tok.idx < body <= d.trigger.idx:
                actor_tok = _first_np_after(sent, body, d.trigger)
            if d.recipient_tok is None and d.type in ("THREATEN", "REQUEST", "REJECT"):
                inner = next((x for x in drafts if x.trigger.head.i == d.trigger.i and x.trigger.dep_ in
                              ("xcomp", "ccomp") and x.recipient_tok is not None), None)
                if inner is None:  # "threatened to resume attacks on Karesh border posts": deeper in the clause
                    comps = [c for c in d.trigger.children if c.dep_ in ("xcomp", "ccomp")]
                    inner = next((x for x in drafts if x is not d and x.recipient_tok is not None and any(
                        c.left_edge.i <= x.trigger.i <= c.right_edge.i for c in comps)), None)
                if inner is not None:
                    d.recipient_tok = inner.recipient_tok  # "threatened to attack Karesh border posts"
            other = None
            if actor_tok is not None:
                of = next((p for p in actor_tok.children if p.dep_ == "prep" and p.lower_ == "of"), None)
                head = _first(of, "pobj") if of is not None and not _actorish_name(actor_tok) else None
                if head is not None and _first(head, "conj") is not None:
                    actor_tok = head  # "delegations of X and Y met"
                other = _first(actor_tok, "conj")
                if other is not None and (d.recipient_tok is None or (lemma(d.trigger) in _reciprocal() and not (
                        d.recipient_tok.dep_ == "pobj" and d.recipient_tok.head.lower_ in COUNTERPART_PREPS))):
                    d.recipient_tok = other  # "X and Y agreed", "X and Y swapped prisoners": each the other's counterpart
            actor = args.party(actor_tok)
            recip = args.party(d.recipient_tok)
            second = args.party(other) if other is not None else None
            if actor is not None and second is not None and actor.actor is not None and second.actor is not None:
                pair = (actor, second)
            elif actor is not None and actor.actor is None and pair is not None and PAIR.match(actor.text.lower()):
                actor = Party(pair[0].actor, actor.start, actor.end, actor.text)  # "the two sides agreed"
                recip = recip or Party(pair[1].actor, actor.start, actor.end, actor.text)
            if d.type == "PROTEST" and _official(actor, kn):
                if d.trigger.lemma_.lower() == "protest":
                    d.type, d.mode = "ACCUSE", "disapprove"  # a government's protest is a diplomatic one
                elif d.mode == "obstruct":
                    d.type, d.mode = "COERCE", "restrict"  # a government's blockade restricts
                elif d.mode == "boycott":
                    d.type, d.mode = "SANCTION", "discontinue"  # a government's boycott is a sanction
            if d.type == "REQUEST" and recip is not None and recip.actor is not None:
                demanded[d.trigger.i] = recip
            elif d.type == "THREATEN" and (recip is None or recip.actor is None):
                # "demanded the release of his fighters from Karesh prisons and threatened to kill hostages":
                # the threat presses the one the demand is made of, not the victims it names
                twin = d.trigger.head.i if d.trigger.dep_ == "conj" else None
                recip = demanded.get(twin, recip) if twin is not None else recip
            if recip is not None and actor is not None and recip.actor is not None and recip.actor is actor.actor:
                recip = None
            t0 = _glued_start(d.trigger)
            t1 = d.trig_end if d.trig_end is not None else d.trigger.idx + len(d.trigger.text)
            bounds = [t0, t1] + [p.start for p in (actor, recip) if p] + [p.end for p in (actor, recip) if p]
            s0, s1 = max(min(bounds), sent.start_char), min(max(bounds), sent.end_char)
            date = _date(d.trigger, published, [x for x in args.ents if sent.start <= x.start < sent.end])
            if date is None and d.status == "asserted" and published and len(published) == 10:
                date = published
            out.append(Found(event_type=d.type, mode=d.mode, context=ctx, trigger=(t0, t1), span=(s0, s1),
                             actor=actor, recipient=recip, date=date, location=_location(d.trigger, kn, args.text),
                             status=d.status, quote=args.quote_at(t0)))
    return out


def _glued_start(tok: Token) -> int:
    """Where a trigger starts with the hyphenated prefix the tokenizer split off ("test-fired", "sit-in")."""
    prefix = _glued(tok.doc).get(tok.i)
    return tok.idx - len(prefix) - 1 if prefix is not None else tok.idx


def _body_start(sent: Span, text: str) -> int:
    """Where the text proper starts in a sentence that opens with a dateline, else the sentence start."""
    m = DATELINE_END.search(text, sent.start_char, min(sent.end_char, sent.start_char + 90))
    return m.end() if m else sent.start_char


def _first_np_after(sent: Span, pos: int, trigger: Token) -> Token | None:
    for t in sent:
        if t.idx >= pos and t.i < trigger.i and t.pos_ in ("NOUN", "PROPN", "PRON"):
            while t.dep_ in ("compound", "amod") and t.head.i < trigger.i:
                t = t.head
            return t
    return None


def _official(p: Party | None, kn: Knowledge) -> bool:
    """Is the party a government, an army, a police force or a state named as such ("Israel", "Moscow")?"""
    if p is None:
        return False
    sector = kn.sector(p.text)
    if sector is not None:
        return sector in ("government", "military", "police", "legislature", "judiciary", "igo")
    return kn.country(p.text) is not None and kn.country(p.text) is kn.countries.get(_fold_name(p.text)) or bool(
        kn.capitals.get(_fold_name(p.text)))


def _fold_name(text: str) -> str:
    from .names import fold

    return fold(re.sub(r"^(the)\s+", "", text.strip(), flags=re.IGNORECASE))


def _sentence(sent: Span, lx: Lexicon) -> list[_Draft]:
    drafts: list[_Draft] = []
    by_tok: dict[int, list[_Draft]] = {}
    for tok in sent:
        found: list[tuple[str, str | None]] = []
        actor_tok = recip_tok = None
        if tok.tag_.startswith("VB") and tok.pos_ in ("VERB", "AUX", "NOUN", "ADJ") and tok.dep_ != "amod" and not \
                _nominal(tok) or (
                tok.pos_ in ("NOUN", "PROPN") and (tok.dep_ == "ROOT" or _first(tok, "nsubj") is not None and
                                                   _first(tok, "dobj", "prep") is not None) and lemma(tok) in lx.verbs):
            rules = _match_verb(tok, lx)
            if lemma(tok) in lx.halt and all(r.type != "SANCTION" for r in rules) and _halts_cooperation(tok, lx):
                rules = rules + [HALT]  # "froze loans to", "halted payments": cooperation stopped is a sanction
            if rules:
                subj, passive = _subject(tok)
                actor_tok = subj
                sp = _first(tok, "nsubjpass")
                obj = _first(tok, "dobj")
                solo = obj is not None and _solo_exercise(obj)  # "held exercises": MOBILIZE, "held joint exercises"
                for r in rules:
                    found.append(("MOBILIZE", "troops") if solo and r.type == "COOPERATE" else (r.type, r.mode))
                recip_tok = _recipient(tok, rules[0].type, lx, sp)
                if rules[0].type == "AID" and lemma(tok) in RECEIVE:
                    giver = next((p for p in tok.children if p.dep_ == "prep" and p.lower_ == "from"), None)
                    actor_tok, recip_tok = (_first(giver, "pobj") if giver is not None else None), subj
                if actor_tok is not None and actor_tok.lemma_.lower() in INVESTIGATORS and any(
                        r.type == "CONSULT" for r in rules):
                    found.append(("ACCUSE", "investigate"))  # "UN inspectors visited the site"
        elif tok.pos_ == "NOUN" and tok.dep_ != "compound" and tok.ent_type_ not in ("DATE", "TIME") and not (
                tok.lower_ in MONTHS and tok.text[:1].isupper()):
            hit = _match_noun(tok, lx)
            if hit is not None:
                res = _noun_args(tok, hit[0], lx)
                if res is not None:
                    found.append(hit)
                    actor_tok, recip_tok = res
            if not found and tok.dep_ == "attr" and (tok.lemma_.lower() in _charges() or tok.lemma_.lower() == "act"):
                charged = _charge_nominal(tok, lx)  # "said the raid was a violation of international law"
                if charged is not None:
                    found.append(("ACCUSE", "disapprove"))
                    actor_tok, recip_tok = charged
        elif tok.pos_ == "ADJ" and tok.dep_ in ("acomp", "amod", "oprd", "ccomp") and tok.lemma_.lower() in lx.adjectives:
            need = lx.adjective_preps.get(tok.lemma_.lower())
            prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == need), None) if need else None
            if (tok.dep_ in ("acomp", "oprd", "ccomp") or tok.head.lemma_.lower() in ("remain", "be", "stay")) and (
                    need is None or prep is not None):
                t, mode = lx.adjectives[tok.lemma_.lower()]
                found.append((t, mode))
                actor_tok, _ = _subject(tok.head)
                recip_tok = _first(prep, "pobj") if prep is not None else None  # "critical of the decision"
                said = tok.head.head if tok.head.dep_ == "ccomp" else None
                if said is not None and lemma(said) in lx.must_speech and actor_tok is not None and (
                        (t, mode) == ("ACCUSE", "allege") or prep is None and actor_tok.pos_ == "NOUN" and not
                        _actorish(actor_tok)):
                    # "the ministry said the arrests were unacceptable", "said the rebels were responsible":
                    # the speaker judges them
                    actor_tok, recip_tok = _subject(said)[0], actor_tok
        if found:
            status, embed = _status(tok, lx)
            for t, mode in found:
                d = _Draft(t, mode, tok, actor_tok, recip_tok, status, embed)
                drafts.append(d)
                by_tok.setdefault(tok.i, []).append(d)
        if tok.tag_.startswith("VB"):
            _must_request(tok, lx, drafts)
            _control_request(tok, lx, drafts, by_tok)
    _plover_rules(drafts, by_tok, lx)
    return drafts


HALT = Rule("SANCTION", "discontinue")
RECEIVE = frozenset({"receive", "get", "obtain"})  # "X received aid from Y": Y aids X
INVESTIGATORS = frozenset({"inspector", "investigator", "monitor", "observer", "prosecutor", "detective", "auditor",
                           "examiner", "team", "mission", "commission", "panel"})


def _halts_cooperation(tok: Token, lx: Lexicon) -> bool:
    """Does the verb stop a cooperative act it governs ("suspended aid", "froze talks", "stopped lending")?"""
    obj = _first(tok, "dobj", "nsubjpass")
    if obj is None:
        return False
    hit = _match_noun(obj, lx)
    return hit is not None and hit[0] in ("AID", "COOPERATE", "CONSULT", "SUPPORT")


def _nominal(tok: Token) -> bool:
    """A participle used as a noun: "the accused", "evacuated the wounded"."""
    return tok.tag_.startswith("VB") and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr") and any(
        c.dep_ == "det" and c.i < tok.i for c in tok.children)


@lru_cache(maxsize=1)
def _charges() -> frozenset[str]:
    return frozenset(load_lexicon("events").get("charge_nouns", []))


def _charge_nominal(tok: Token, lx: Lexicon) -> tuple[Token | None, Token | None] | None:
    """"X said Y was a violation / an act of aggression": X disapproves of Y (the predicate noun under a copula
    that a speech verb reports); returns (speaker, what is charged) or None."""
    if tok.lemma_.lower() == "act":  # "an act of aggression", not "an act of kindness"
        of = next((p for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"), None)
        what = _first(of, "pobj") if of is not None else None
        if what is None or what.lemma_.lower() not in _charges():
            return None
    cop = tok.head
    if cop.lemma_.lower() != "be" or cop.dep_ not in ("ccomp", "conj") or lemma(cop.head) not in lx.must_speech:
        return None
    speaker, _ = _subject(cop.head)
    return speaker, _first(cop, "nsubj")


def _fallback(sent: Span, lx: Lexicon) -> list[_Draft]:
    """A sentence the parse gave no event: take its first event word as it stands (a back-off when the
    parser did not connect the trigger: a verb tagged as a noun, an event noun in an unusual place)."""
    for tok in sent:
        if tok.ent_type_ in ("DATE", "TIME") or tok.lower_ in MONTHS and tok.text[:1].isupper() or _nominal(tok) or \
                tok.tag_ in ("JJR", "JJS", "RBR", "RBS"):
            continue  # "the accused", "a faster shift": no event word
        hit = None
        if tok.pos_ in ("NOUN", "VERB", "ADJ") and tok.dep_ != "compound":
            rules = [r for r in lx.verbs.get(lemma(tok), []) if not (r.objects or r.particle or r.prep)]
            if rules and tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") for c in tok.children):
                rules = []  # "a storm battered", "the accused": a noun, not a verb the tagger missed
            if rules:
                hit = (rules[0].type, rules[0].mode)
            elif tok.pos_ == "NOUN":
                hit = _match_noun(tok, lx)
        if hit is not None:
            subj, _ = _subject(tok) if tok.pos_ == "VERB" else (None, False)
            return [_Draft(hit[0], hit[1], tok, subj, None, _status(tok, lx)[0], None)]
    return []


def _noun_args(tok: Token, etype: str, lx: Lexicon) -> tuple[Token | None, Token | None] | None:
    """Actor and recipient of an event noun, or None when the noun is not coded here."""
    head = tok.head
    recip = None
    for p in tok.children:
        if p.dep_ == "prep":
            role = load_role(p.lower_)
            pobj = _first(p, "pobj")
            if pobj is None:
                continue
            if role == "recipient" and recip is None and pobj.pos_ in ("PROPN", "NOUN", "PRON"):
                recip = pobj
            elif role == "actor" and p.lower_ == "by":
                return pobj, recip
    owner = _first(tok, "poss")
    if owner is None:
        owner = next((c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in
                      ("ORG", "GPE", "NORP", "PERSON") and c.i < tok.i), None)
    if tok.dep_ in ("dobj", "attr", "nsubjpass", "oprd") and lemma(head) in lx.light:
        subj, passive = _subject(head)
        if recip is None:
            recip = _recipient(head, etype, lx, None) if passive is False else None
            if recip is not None and recip.i == tok.i:
                recip = None
        return (owner or subj), recip
    if tok.dep_ == "dobj" and lemma(head) in lx.undergo:
        by = next((p for p in tok.children if p.dep_ == "prep" and p.lower_ in ("from", "by")), None)
        return (_first(by, "pobj") if by is not None else owner), _subject(head)[0]  # "the plan drew criticism from X"
    if tok.dep_ == "pobj" and head.dep_ == "prep" and lemma(head.head) in lx.light | {"engage", "take", "join",
                                                                                   "participate"}:
        subj, _ = _subject(head.head)
        return (owner or subj), recip
    if tok.dep_ == "pobj" and head.lower_ in ("on", "in") and (head.head.lemma_.lower() in (
            "be", "remain", "stay") or head.head.lower_ == "part" and head.head.head.lemma_.lower() == "take"):
        holder = head.head if head.head.lower_ != "part" else head.head.head
        return (owner or _subject(holder)[0]), recip  # "workers have been on strike", "took part in a protest"
    if owner is not None:
        return owner, recip
    if recip is not None and etype not in ("REQUEST", "AGREE", "SUPPORT"):
        return None, recip  # an event noun with its own participant: "the attack on the convoy"
    if tok.dep_ == "pobj" and head.lower_ == "under" and head.head.pos_ in ("VERB", "AUX"):
        return None, _subject(head.head)[0]  # "the patrol came under fire"
    if etype in ("ASSAULT", "PROTEST") and tok.dep_ == "pobj" and head.lower_ in ("in", "during", "amid", "after",
                                                                                 "following", "despite"):
        return None, recip  # "after heavy fighting", "killed in clashes"
    if tok.dep_ in ("nsubj", "nsubjpass") and lemma(head) in HAPPEN:
        agent = None
        for acl in (t for t in tok.subtree if t.dep_ == "acl"):
            by = _first(acl, "agent")
            agent = agent or (_first(by, "pobj") if by is not None else None)
        if recip is None:
            recip = _first(head, "dobj")  # "a convoy ... reached the outskirts of Dravik"
        return agent, recip  # "talks between X and Y began", "fighting broke out"
    if etype in ("ASSAULT", "PROTEST") and (tok.dep_ in ("nsubj",) or tok.dep_ == "pobj" and head.lower_ in (
            "in", "during") and head.head.lemma_.lower() in ("kill", "wound", "injure", "die", "destroy", "damage")):
        return None, recip
    return None


HAPPEN = {"take", "begin", "start", "continue", "resume", "erupt", "break", "open", "end", "conclude", "occur",
          "happen", "last", "go", "flare", "intensify", "escalate", "rage", "spread", "hold", "center", "focus",
          "reach", "arrive", "enter", "cross", "leave", "deliver", "bring", "carry", "fail"}


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    """Past forms of lexicon verbs the small model leaves unlemmatised when it tags them as base forms."""
    return dict(load_lexicon("events").get("irregular_forms", {}))


@lru_cache(maxsize=64)
def load_role(prep: str) -> str | None:
    return load_lexicon("events")["noun_preps"].get(prep)


@lru_cache(maxsize=2)
def _phrases(folded: bool = True) -> tuple[tuple[re.Pattern[str], str, str | None], ...]:
    """The phrase patterns, to run on lowercased text from word starts (fast), or ignoring case."""
    data = load_lexicon("events")
    return tuple((re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in data[key]) + ")") if folded else
                  re.compile("|".join(f"(?:{p})" for p in data[key]), re.IGNORECASE), etype, mode)
                 for key, etype, mode in (("threat_phrases", "THREATEN", "violence"), ("reject_phrases", "REJECT", None))
                 if data.get(key))


def _phrase_matches(text: str) -> list[tuple[re.Match[str], str, str | None]]:
    low = text.lower()
    folded = len(low) == len(text)  # lowercasing kept every offset (it does not for a few letters, "İ")
    return [(m, etype, mode) for pattern, etype, mode in _phrases(folded) for m in pattern.finditer(
        low if folded else text)]


PAIR = re.compile(load_lexicon("events")["pair_nouns"])


def _phrase_events(sent: Span, found: list[tuple[re.Match[str], str, str | None]], lx: Lexicon) -> list[_Draft]:
    """Threats and refusals said without a verb of their type: "will not go unanswered", "will pay a heavy
    price"; "is out of the question", "is not negotiable" (the sentence's matches of the phrase patterns)."""
    out = []
    for m, etype, mode in found:
        tok = next((t for t in sent if t.idx >= m.start()), None)
        if tok is None:
            continue
        speaker = None
        cur = tok
        while cur.head.i != cur.i:
            cur = cur.head
            if lemma(cur) in lx.must_speech:
                speaker = _subject(cur)[0]
                break
        own = _first(tok.head, "nsubj") if tok.dep_ == "aux" else None  # "Veyra will not leave ...": the threatener
        if speaker is None and tok.dep_ in ("aux", "neg") and etype == "THREATEN":
            speaker = own or _first(tok.head, "nsubj")  # "the minister did not rule out force": the threatener
        if etype == "REJECT":
            out.append(_Draft(etype, mode, tok, speaker, None, "asserted", None, derived=True, trig_end=m.end()))
            continue
        skip = ({x.i for x in speaker.subtree} if speaker is not None else set()) | (
            {own.i} if own is not None else set())
        target = next((t for t in sent if (t.ent_type_ in ("GPE", "ORG", "NORP", "PERSON") or t.pos_ == "PROPN")
                       and t.ent_type_ not in ("DATE", "TIME") and t.idx < m.start() and t.i not in skip), None)
        out.append(_Draft(etype, mode, tok, speaker, target, "asserted", None, derived=True, trig_end=m.end()))
    return out


def _must_request(tok: Token, lx: Lexicon, drafts: list[_Draft]) -> None:
    """"X said Y must ...": a REQUEST from X to Y."""
    if not tok.tag_.startswith("VB") or tok.dep_ != "ccomp":
        return
    aux = next((c for c in tok.children if c.dep_ == "aux" and c.lower_ in ("must", "should")), None)
    if aux is None or tok.head.lemma_.lower() not in lx.must_speech | SUGGEST:
        return
    speaker, _ = _subject(tok.head)
    target = _first(tok, "nsubj", "nsubjpass")
    if speaker is None or target is None:
        return
    drafts.append(_Draft("REQUEST", None, aux, speaker, target, "asserted", None, derived=True))


def _control_request(tok: Token, lx: Lexicon, drafts: list[_Draft], by_tok: dict[int, list[_Draft]]) -> None:
    """"X wants/told Y to ...": a REQUEST from X to Y, unless the verb already codes one."""
    if not tok.tag_.startswith("VB") or lemma(tok) not in REQUEST_CONTROL:
        return
    if any(d.type == "REQUEST" for d in by_tok.get(tok.i, [])):
        return
    comp = _first(tok, "xcomp", "ccomp")
    if comp is None or not any(c.dep_ == "aux" and c.lower_ == "to" for c in comp.children):
        return
    target = _first(tok, "dobj") or _first(comp, "nsubj")
    if target is None:
        return
    subj, _ = _subject(tok)
    d = _Draft("REQUEST", None, tok, subj, target, _status(tok, lx)[0], None)
    drafts.append(d)
    by_tok.setdefault(tok.i, []).append(d)


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _reciprocal() -> frozenset[str]:
    return frozenset(load_lexicon("events").get("reciprocal_verbs", []))


def _request_control() -> frozenset[str]:
    return frozenset(load_lexicon("events").get("request_control", []))


class _Lazy:
    def __contains__(self, item: object) -> bool:
        return item in _request_control()


REQUEST_CONTROL = _Lazy()


def _plover_rules(drafts: list[_Draft], by_tok: dict[int, list[_Draft]], lx: Lexicon) -> None:
    """Announced acts coded as PLOVER codes them; modes of requests, rejections and threats."""
    extra: list[_Draft] = []
    for d in drafts:
        # the mode of a REQUEST/REJECT/THREATEN is what it asks for, refuses or threatens
        head = d.trigger.head
        if d.trigger.dep_ in ("xcomp", "ccomp", "dobj") and head.i in by_tok:
            for p in by_tok[head.i]:
                if p.type in ("REQUEST", "REJECT") and p.mode is None:
                    p.mode = lx.request_modes.get(d.type)
                elif p.type == "THREATEN" and p.mode is None:
                    p.mode = lx.threaten_modes.get(f"{d.type}:{d.mode}") or lx.threaten_modes.get(d.type)
        if d.derived or d.status not in ("future", "hypothetical") or d.trigger.dep_ in ("nsubj", "nsubjpass") and \
                d.trigger.pos_ == "NOUN":
            continue  # "fighting will resume" announces nobody's act
        if d.embed and lx.embedding.get(d.embed) in ("REQUEST", "REJECT", "THREATEN") and not (
                d.type in lx.conflictual and d.embed in VOWS):
            continue  # what is demanded, refused or threatened is not announced by the actor
        if d.embed and lx.embedding.get(d.embed) == "AGREE" and d.type in COOPERATIVE:
            continue  # "agreed to share": the AGREE is coded from the verb that embeds it
        new = None
        if d.type in COOPERATIVE:
            new = ("AGREE", None)
        elif d.type in ("RETREAT", "CONCEDE") and (d.status == "future" or d.status == "hypothetical" and (
                d.embed in VOWS or d.embed is None and _reported(d.trigger, lx) and any(
                    c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in d.trigger.children))):
            new = ("AGREE", None)  # a promised release or withdrawal ("said they would free"): intent to yield
        elif d.type in lx.conflictual and d.status == "future" or d.type in lx.conflictual and d.embed in (
                VOWS | WEIGH) or d.type in lx.conflictual and d.status == "hypothetical" and d.embed is None and _reported(d.trigger, lx):
            new = ("THREATEN", lx.threaten_modes.get(f"{d.type}:{d.mode}") or lx.threaten_modes.get(d.type))
        elif d.type in ("AGREE",) and d.status == "negated":
            new = ("REJECT", None)
        if new:
            extra.append(_Draft(new[0], new[1], d.trigger, d.actor_tok, d.recipient_tok, "asserted", None,
                                derived=True))
    for d in drafts:
        # "will withdraw its force unless ...": an act announced on a condition is a threat
        clause = d.trigger.head if d.trigger.pos_ == "NOUN" and d.trigger.dep_ == "dobj" else d.trigger
        if not d.derived and d.type != "THREATEN" and d.status in ("future", "hypothetical", "negated") and any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
                for c in clause.children):
            mode = lx.threaten_modes.get(f"{d.type}:{d.mode}") or lx.threaten_modes.get(d.type)
            extra.append(_Draft("THREATEN", mode, d.trigger, d.actor_tok, d.recipient_tok, "asserted", None,
                                derived=True))
        # "will not accept", "would not agree", "there will be no talks": a refusal
        clause = d.trigger if d.trigger.pos_ != "NOUN" else d.trigger.head
        if d.type in COOPERATIVE | {"AGREE", "RETREAT", "CONCEDE"} and d.status == "negated" and not d.derived and any(
                c.lower_ in FUTURE_AUX | HYPO_AUX for c in clause.children if c.dep_ == "aux"):
            extra.append(_Draft("REJECT", None, d.trigger, d.actor_tok, d.recipient_tok, "asserted", None, derived=True))
    drafts.extend(extra)


def _reported(tok: Token, lx: Lexicon) -> bool:
    """Is the clause what someone said ("they said they would boycott")?"""
    cur = tok
    while cur.dep_ in ("ccomp", "conj") and cur.head.i != cur.i:
        cur = cur.head
        if cur.lemma_.lower() in lx.must_speech | {"announce", "warn", "threaten"}:
            return True
    return False


# ---- records ----------------------------------------------------------------------------
def event_records(art, omap, doc: Doc, disc: Discourse, quotes: list, quote_records=()) -> tuple:  # type: ignore[no-untyped-def]
    """The article's events as records, every span mapped back to the original text."""
    from .records import ActorRef, Event, stable_id

    orig = art.text

    def ref(p: Party | None) -> ActorRef | None:
        if p is None:
            return None
        s, e = omap.span(p.start, p.end)
        a = p.actor
        if a is None:
            return ActorRef(actor_id=None, name=orig[s:e], text=orig[s:e], start=s, end=e)
        return ActorRef(actor_id=a.key, name=a.name, aliases=tuple(sorted(a.aliases)), text=orig[s:e], start=s,
                        end=e, kind=a.kind)

    out = []
    for f in find_events(doc, disc, quotes, art.published):
        s, e = omap.span(*f.span)
        ts, te = omap.span(*f.trigger)
        inside = [q for q in quote_records if q.start <= ts and te <= q.end]
        qid = min(inside, key=lambda q: q.end - q.start).id if inside else None
        out.append(Event(id=stable_id(art.id, "event", ts, te, f.event_type), article_id=art.id, start=s, end=e,
                         event_type=f.event_type, mode=f.mode, context=f.context, actor=ref(f.actor),
                         recipient=ref(f.recipient), date=f.date, location=f.location, trigger=orig[ts:te],
                         trigger_start=ts, trigger_end=te, status=f.status, quote_id=qid))
    return tuple(out)
