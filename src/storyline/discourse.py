"""Who is who inside one article: the actors it names and what later words refer back to them.

A :class:`Discourse` is built from a parsed article. It records every named person,
organisation and state in order, with the roles the text gives them ("Russian Foreign
Ministry Spokeswoman Maria Zakharova" is Maria Zakharova, role spokeswoman, of the Russian
Foreign Ministry). :meth:`Discourse.resolve` turns a subject noun phrase into an actor:
a name, a role noun ("the diplomat", "the top Russian diplomat"), an organisation noun
("the ministry"), an unnamed source ("a diplomatic source", later "the source"), or a
pronoun ("he", "she"), looking back from the position where the words occur.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .doctext import doc_text
from .lexicon import load_lexicon
from .names import fold, same_person


@dataclass
class LocalActor:
    key: str
    name: str
    kind: str  # person / organisation / state / group / unnamed_source
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)
    affiliation: str | None = None
    country: str | None = None
    gender: str | None = None
    positions: list[int] = field(default_factory=list)  # char offsets (clean text) of mentions

    def add_name(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.aliases.add(name)
        if self.kind == "person" and len(name.split()) > len(self.name.split()):
            self.name = name


@dataclass(frozen=True)
class Resolved:
    actor: LocalActor
    start: int  # clean-text char offsets of the words that name the speaker here
    end: int
    text: str


@lru_cache(maxsize=1)
def _lex() -> dict:
    roles = load_lexicon("roles")
    cues = load_lexicon("cues")
    places = load_lexicon("places")
    adj = {a.lower(): n for n, a, _c, _k in places["states"]}
    adj.update({a.lower() + "s": n for n, a, _c, _k in places["states"]})
    capital = {c.lower(): n for n, _a, c, _k in places["states"]}
    code = {n: k for n, _a, _c, k in places["states"]}
    state_names = {n.lower(): n for n, _a, _c, _k in places["states"]}
    state_names.update({k.lower(): v for k, v in places["aliases"].items()})
    return {
        "roles": roles["roles"],
        "families": roles["role_families"],
        "female": set(roles["female"]),
        "male": set(roles["male"]),
        "female_first": set(roles["female_first_names"]),
        "male_first": set(roles.get("male_first_names", ())),
        "source_nouns": set(cues["source_nouns"]),
        "org_nouns": set(cues["org_nouns"]),
        "adj": adj,
        "capital": capital,
        "code": code,
        "states": state_names,
        "titles": set(roles["titles"]),
    }


# nouns for an unnamed source that, made definite, name the one met before: "a source in the
# ministry ... the source added"; "the agency's interlocutor" (wire copy translated from Russian)
_BACK = ("source", "sources", "insider", "insiders", "interlocutor", "interlocutors")

PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m", "they": None, "them": None, "it": None, "we": None, "i": None,
            "their": None, "its": None}


def _gender_of_name(name: str) -> str | None:
    words = [w for w in re.split(r"\s+", name) if w]
    if not words:
        return None
    lx = _lex()
    if len(words) > 1 and fold(words[0]) in lx["female_first"]:
        return "f"
    if len(words) > 1 and fold(words[0]) in lx["male_first"]:
        return "m"
    last = fold(words[-1])
    if re.search(r"(ova|eva|ina|aya|skaya|yna)$", last):
        return "f"
    if re.search(r"(ov|ev|in|sky|skiy|ovich|enko)$", last):
        return "m"
    return None


@lru_cache(maxsize=1)
def _role_patterns() -> list[tuple[str, str, re.Pattern]]:
    """(role noun, family, the noun as a whole-word pattern), in lexicon order."""
    return [(role, fam, re.compile(rf"\b{re.escape(role)}\b")) for role, fam in _lex()["roles"].items()]


def roles_in(words: list[str]) -> tuple[set[str], set[str]]:
    """Role nouns and their families found in a list of lower-case words ("foreign minister")."""
    roles, fams = set(), set()
    joined = " ".join(words)
    for role, fam, pattern in _role_patterns():
        if role in joined and pattern.search(joined):  # the substring test first: most roles are absent
            roles.add(role)
            fams.add(fam)
    # "foreign minister" is more than "minister"
    roles = {r for r in roles if not any(r != o and r in o for o in roles)}
    return roles, fams


def org_roles(actor: LocalActor) -> tuple[str, ...]:
    """The organisation a person's title names, as a role entry: ("org:Russian Foreign Ministry",).

    An actor's ``roles`` hold plain role nouns ("spokeswoman", "foreign minister") and, for the
    organisation the title ties the person to, one entry ``org:<name>``.
    """
    return (f"org:{actor.affiliation}",) if actor.kind == "person" and actor.affiliation else ()


def org_name(text: str) -> str:
    t = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.I)
    t = re.sub(r"['’]s$", "", t).strip()
    return t


def org_key(name: str) -> str:
    n = fold(name)
    n = re.sub(r"\bministry of foreign affairs\b", "foreign ministry", n)
    n = re.sub(r"\bministry of (\w+)\b", r"\1 ministry", n)
    n = re.sub(r"\bmfa\b", "foreign ministry", n)
    lx = _lex()
    words = n.split()
    words = [fold(lx["adj"].get(w, w)) for w in words]
    return " ".join(words)


STATEMENT_NOUNS = frozenset({"statement", "communique", "communiqué", "readout"})


class Discourse:
    """The actors of one article and the positions where they are named."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc_text(doc)  # Doc.text and Doc.ents are rebuilt on every access: read them once
        self.ents = list(doc.ents)
        self.actors: list[LocalActor] = []
        self._by_key: dict[str, LocalActor] = {}
        self.mentions: list[tuple[int, LocalActor]] = []  # (char offset, actor), in text order
        self.speakers: list[tuple[int, LocalActor]] = []  # resolved quote speakers, in text order
        self.reported: list[tuple[int, int]] = []  # the char spans of the quotes found (set by find_quotes)
        self._sent_starts: list[int] | None = None
        self._build()

    # ---- building -------------------------------------------------------------------------
    def _actor(self, key: str, name: str, kind: str) -> LocalActor:
        a = self._by_key.get(key)
        if a is None:
            a = LocalActor(key=key, name=name, kind=kind)
            self._by_key[key] = a
            self.actors.append(a)
        a.add_name(name)
        return a

    def person(self, name: str) -> LocalActor:
        for a in reversed(self.actors):
            if a.kind == "person" and any(same_person(name, n) for n in a.aliases | {a.name}):
                a.add_name(name)
                return a
        return self._actor(f"person:{fold(name)}", name, "person")

    def state(self, name: str) -> LocalActor:
        lx = _lex()
        name = lx["states"].get(name.lower(), name)
        a = self._actor(f"state:{fold(name)}", name, "state")
        a.country = lx["code"].get(name)
        return a

    def org(self, text: str) -> LocalActor:
        name = org_name(text)
        key = org_key(name)
        a = self._by_key.get(f"org:{key}")
        if a is None:
            kind = "group" if re.search(r"\b(group|movement|militants?|fighters|rebels)\b", name, re.I) else "organisation"
            a = self._actor(f"org:{key}", name, kind)
            lx = _lex()
            for w in name.lower().split():
                if w in lx["adj"]:
                    a.country = lx["code"].get(lx["adj"][w])
                    break
        a.add_name(name)
        return a

    def _build(self) -> None:
        lx = _lex()
        for ent in self.ents:
            if ent.label_ == "PERSON":
                a = self.person(ent.text)
                self._roles_for(a, ent)
                if a.gender is None:
                    a.gender = _gender_of_name(a.name)
            elif ent.label_ == "ORG":
                a = self.org(ent.text)
            elif ent.label_ == "GPE" and ent.text.lower().removeprefix("the ") in lx["states"]:
                a = self.state(ent.text.removeprefix("the "))
            else:
                continue
            a.positions.append(ent.start_char)
            self.mentions.append((ent.start_char, a))
        self.mentions.sort(key=lambda m: m[0])

    def _roles_for(self, a: LocalActor, ent: Span) -> None:
        """Roles written around a person's name: a title before it, an apposition after it."""
        doc = self.doc
        words: list[str] = []
        org_tokens: list[Token] = []
        title: list[Token] = []
        i = ent.start - 1
        while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod", "prep", "pobj", "det", "cc", "conj", "punct", "nummod") \
                and doc[i].head.i >= i and not doc[i].is_space and doc[i].text not in (",", ";", ":", '"', "“", "”"):
            words.append(doc[i].lower_)
            title.append(doc[i])
            if doc[i].ent_type_ == "ORG":
                org_tokens.append(doc[i])
            i -= 1
            if ent.start - i > 12:
                break
        words.reverse()
        root = ent.root
        for child in root.children:
            if child.dep_ == "appos" and child.i > root.i:
                words.extend(t.lower_ for t in child.subtree if t.i - child.i < 10)
                org_tokens.extend(t for t in child.subtree if t.ent_type_ == "ORG")
        # "the official representative of the Russian Foreign Ministry, Maria Zakharova"
        if root.dep_ == "appos" and root.head.i < root.i:
            words.extend(t.lower_ for t in root.head.subtree if t.i < ent.start and t.i >= root.head.left_edge.i)
            org_tokens.extend(t for t in root.head.subtree if t.i < ent.start and t.ent_type_ == "ORG")
        roles, fams = roles_in(words)
        if not roles:
            # a title the parser did not hang on the name: "met with Palestinian Minister of Health Rania
            # Saleh", a posting or a portfolio ("Ambassador to Veldgrad Tomas Reinholt", "Special Envoy
            # for the Northern Sea Pavel Dorin": the place hangs on "to" or "for", so the walk stops there)
            surface = _title_before(doc, ent.start)
            roles, fams = roles_in(surface)
            if roles:
                words = surface + words
        if not org_tokens and roles:
            # "UN Special Coordinator for Lebanon Ingrid Halvorsen": the organisation opening the title
            # (the model may tag the organisation elsewhere in the report and not here)
            n = len(_title_before(doc, ent.start))
            named = {e.text for e in self.ents if e.label_ == "ORG"}
            org_tokens.extend(t for t in doc[ent.start - n:ent.start] if t.ent_type_ == "ORG" or t.text in named)
        if not org_tokens and ent.start >= 2 and doc[ent.start - 1].lower_ in ("'s", "’s") \
                and doc[ent.start - 2].ent_type_ == "ORG":
            org_tokens.append(doc[ent.start - 2])  # "Kremlin's Rodionov", as headlines name an official
        a.roles |= roles
        a.families |= fams
        if not org_tokens and a.affiliation is None:
            # a title the model left untagged: "Veldonian Foreign Ministry Spokeswoman"
            title.reverse()
            lx = _lex()
            last = max((k for k, t in enumerate(title) if t.lower_ in lx["org_nouns"] and t.text[:1].isupper()), default=None)
            if last is not None:
                first = last
                while first > 0 and title[first - 1].text[:1].isupper() and title[first - 1].lower_ not in lx["roles"] \
                        and title[first - 1].lower_ != "the":
                    first -= 1
                if first < last:
                    a.affiliation = org_name(" ".join(t.text for t in title[first:last + 1]))
        if org_tokens and a.affiliation is None:
            t = org_tokens[0]
            for e in self.ents:
                if e.start <= t.i < e.end:
                    start = e.start  # "Russian Foreign Ministry": the adjective before the entity belongs to it
                    while start > 0 and doc[start - 1].ent_type_ in ("NORP", "GPE") and doc[start - 1].text[:1].isupper():
                        start -= 1
                    a.affiliation = org_name(doc[start:e.end].text)
                    break
            else:
                a.affiliation = org_name(t.text)
        lx = _lex()
        if a.country is None and roles:  # "Russian Foreign Ministry Spokeswoman": a Russian official
            state = next((lx["adj"][w] for w in words if w in lx["adj"]), None)
            if state is not None:
                a.country = lx["code"].get(state)
        if a.gender is None:
            if any(w in lx["female"] for w in words):
                a.gender = "f"
            elif any(w in lx["male"] for w in words):
                a.gender = "m"

    # ---- resolving -----------------------------------------------------------------------
    def before(self, pos: int, kinds: tuple[str, ...] = ("person",)) -> list[LocalActor]:
        """Actors named before pos, most recent first (each once)."""
        seen: list[LocalActor] = []
        for p, a in reversed(self.mentions):
            if p < pos and a.kind in kinds and a not in seen:
                seen.append(a)
        return seen

    def author(self) -> LocalActor:
        """The writer of the article, who speaks as "I" (or "we") outside quotation marks."""
        return self._actor("author", "the author", "unnamed_source")

    def unnamed(self, head: Token) -> Resolved:
        """An unnamed group named by its noun phrase: "many", "six in 10", "some voters"."""
        s, e = _np_span(head)
        text = self.text[s:e]
        a = self._actor(f"source:{fold(text)}:{s}", org_name(text), "unnamed_source")
        return Resolved(a, s, e, text)

    def note_speaker(self, pos: int, actor: LocalActor) -> None:
        self.speakers.append((pos, actor))
        self.speakers.sort(key=lambda s: s[0])

    def last_speaker(self, pos: int, within: int = 10_000) -> LocalActor | None:
        for p, a in reversed(self.speakers):
            if p < pos and pos - p <= within:
                return a
        return None

    def resolve(self, head: Token, pos: int | None = None) -> Resolved | None:
        """The actor a subject noun phrase (given by its head token) refers to."""
        doc = self.doc
        lx = _lex()
        pos = head.idx if pos is None else pos
        span = _np_span(head)
        text = self.text[span[0]:span[1]]
        low = head.lower_
        # 1. a named person inside the phrase; a title phrase may hold the name further on:
        # "Deputy Foreign Minister and Special Representative ... Mikhail Bogdanov"
        ents = [e for e in self.ents if e.start_char >= span[0] and e.end_char <= span[1]]
        if not any(e.label_ == "PERSON" for e in ents) and head.lower_ in _lex()["titles"] | set(_lex()["roles"]):
            full = (doc[head.left_edge.i].idx, doc[head.right_edge.i].idx + len(doc[head.right_edge.i].text))
            persons = [e for e in self.ents if e.label_ == "PERSON" and e.start_char >= full[0] and e.end_char <= full[1]]
            if persons:
                ents = persons
                span = (span[0], max(span[1], persons[0].end_char))
                text = self.text[span[0]:span[1]]
        # "the Kremlin spokesman", "the UN envoy": a role noun an organisation qualifies names the person
        # holding that role there, named before (the organisation itself when there is none)
        # ("the leader of the Hamas movement", qualified after the noun, is left to the entity)
        if ents and not any(e.label_ == "PERSON" or e.end_char > head.idx for e in ents) and low in lx["roles"] \
                and doc[head.left_edge.i].lower_ == "the":
            by_role = self._holder(head, pos, [t.lower_ for t in doc[head.left_edge.i: head.i + 1]], ents)
            if by_role is not None:
                return Resolved(by_role, span[0], span[1], text)
        # "the harbour master, Tove Rasmark": the name in apposition (the phrase ends at the comma)
        if head.pos_ == "NOUN" and not any(e.label_ == "PERSON" for e in ents):
            for c in head.children:
                if c.dep_ == "appos" and c.ent_type_ == "PERSON" and c.i > head.i and c.left_edge.i > 0 \
                        and doc[c.left_edge.i - 1].text == ",":
                    ents = [e for e in self.ents if e.label_ == "PERSON" and e.start <= c.i < e.end][:1] or ents
                    if ents and ents[0].label_ == "PERSON":
                        span = (span[0], max(span[1], ents[0].end_char))
                        text = self.text[span[0]:span[1]]
                    break
        if low in _BACK and not any(e.label_ == "PERSON" for e in ents):
            ents = [e for e in ents if e.start_char < head.idx]  # "a source in the Foreign Ministry" is a source
        for label in ("PERSON", "ORG"):
            for e in ents:
                if e.label_ == label:
                    a = self.person(e.text) if label == "PERSON" else self.org(e.text)
                    if label == "PERSON":
                        self._roles_for(a, e)
                    return Resolved(a, span[0], span[1], text)
        for e in ents:
            if e.label_ == "GPE":
                name = e.text.removeprefix("the ")
                if name.lower() in lx["capital"]:
                    name = lx["capital"][name.lower()]
                if name.lower() in lx["states"]:
                    return Resolved(self.state(name), span[0], span[1], text)
        # "the statement said", "the ministry's statement said": whoever made it
        if low in STATEMENT_NOUNS and head.pos_ == "NOUN":
            owner = self._statement_owner(head)
            if owner is not None and owner.lower_ not in STATEMENT_NOUNS:
                got = self.resolve(owner)
                if got is not None:
                    return Resolved(got.actor, span[0], span[1], text)
        # 2. a pronoun
        if head.pos_ == "PRON" or low in PRONOUNS:
            return self._pronoun(head, pos)
        words = [t.lower_ for t in doc[head.left_edge.i: head.i + 1]]
        det = words[0] if words else ""
        definite = det in ("the", "this", "that", "these", "those") or any(t.dep_ == "poss" for t in head.children)
        # "the Russian side", "the Israeli side": the state
        if low in ("side", "government", "authorities", "leadership"):
            for w in words:
                if w in lx["adj"]:
                    return Resolved(self.state(lx["adj"][w]), span[0], span[1], text)
        # 3. an unnamed source: "a diplomatic source", "sources", later "the source"
        if low in _BACK or (low in lx["source_nouns"] and not definite
                                                                    and low not in ("report", "reports", "statement")):
            if definite and low in _BACK:
                prev = [s for p, s in reversed(self.speakers) if p < pos and s.kind == "unnamed_source"]
                prev += [a for a in self.actors if a.kind == "unnamed_source" and a.positions and min(a.positions) < pos]
                if prev:
                    prev[0].positions.append(pos)
                    return Resolved(prev[0], span[0], span[1], text)
            name = re.sub(r"^(a|an|the|some|one|two|three|several|other|another)\s+", "", text.strip(), flags=re.I)
            # "a spokesman for one of the operators, who asked not to be named": the source is named
            # by its phrase up to a clause set off inside it (the span stays the whole phrase)
            name = re.sub(r"\s+", " ", re.split(r"\s*[,(–—]\s", name, maxsplit=1)[0])
            key = f"source:{fold(name)}:{span[0]}"
            a = self._actor(key, name, "unnamed_source")
            a.positions.append(pos)
            self.mentions.append((span[0], a))
            self.mentions.sort(key=lambda m: m[0])
            return Resolved(a, span[0], span[1], text)
        # 4. a role noun: "the diplomat", "the spokeswoman", "the top Russian diplomat"
        roles = roles_in(words)[0]
        if roles and definite or roles and det in ("", ) and head.tag_ == "NN":
            cands, exact, family = self._role_fits(head, pos, words)
            # one who holds that very role first ("the envoy": a Special Envoy before a Foreign Minister,
            # though both are diplomats), then one of its family; the person the report is quoting, when
            # still in focus, before another named since in what they said ("the diplomat added")
            last = self.last_speaker(pos, within=1500)
            focus = last if last is not None and last in family and self._recent(last, pos) else None
            if focus is not None and (focus in exact or not exact):
                return Resolved(focus, span[0], span[1], text)
            # of several who fit, one named in the report's own words before one named only inside
            # what someone is reported to have said ("the minister added" after "X also announced
            # that Foreign Minister Y will visit": X, not Y)
            for a in sorted(exact or family, key=lambda a: self._only_reported(a, pos)):
                return Resolved(a, span[0], span[1], text)
            for a in cands[:1]:
                return Resolved(a, span[0], span[1], text)
        # 5. an organisation noun: "the ministry", "the agency"
        if low in lx["org_nouns"]:
            for a in self.before(pos, ("organisation", "group")):
                if low in a.name.lower() or low in ("side", "government", "authorities"):
                    return Resolved(a, span[0], span[1], text)
            if definite:
                return Resolved(self.org(text), span[0], span[1], text)
        # 6. a group named by nationality: "the Russians", "Israelis"
        if low in lx["adj"] and head.tag_ in ("NNPS", "NNS", "NNP"):
            return Resolved(self.state(lx["adj"][low]), span[0], span[1], text)
        if head.pos_ in ("PROPN",) and head.text[:1].isupper():
            return Resolved(self.org(text), span[0], span[1], text)
        if head.pos_ == "NOUN" and not definite and det not in ("a", "an"):
            # "officials", "analysts": a plural group with no name
            a = self._actor(f"source:{fold(text)}:{span[0]}", org_name(text), "unnamed_source")
            return Resolved(a, span[0], span[1], text)
        if head.pos_ in ("NOUN", "PROPN"):
            return Resolved(self.org(text) if definite else
                            self._actor(f"source:{fold(text)}:{span[0]}", org_name(text), "unnamed_source"),
                            span[0], span[1], text)
        return None

    def _role_fits(self, head: Token, pos: int, words: list[str]
                   ) -> tuple[list[LocalActor], list[LocalActor], list[LocalActor]]:
        """For a role noun phrase (``words``, headed by ``head``): the persons named before ``pos`` of
        its gender and nationality, most recent first (``_of_country``); of those, the ones who hold
        that very role; and the ones who hold a role of its family."""
        lx = _lex()
        roles, fams = roles_in(words)
        want = set()
        for f in fams:
            want |= set(lx["families"].get(f, [f]))
        gender = "f" if head.lower_ in lx["female"] else "m" if head.lower_ in lx["male"] else None
        cands = _of_country(words, [a for a in self.before(pos, ("person",)) if gender is None or a.gender in (None, gender)])
        exact = [a for a in cands if any(r == n or r.endswith(" " + n) for r in a.roles for n in roles)]
        family = [a for a in cands if a.families & want or a.roles & roles]
        return cands, exact, family

    def _only_reported(self, actor: LocalActor, pos: int) -> bool:
        """Is every mention of actor before pos inside the words of a quote (``self.reported``)?"""
        before = [p for p in actor.positions if p < pos]
        return bool(before) and all(any(s <= p < e for s, e in self.reported) for p in before)

    def _statement_owner(self, head: Token) -> Token | None:
        """Who made the statement a noun names: its possessor ("the ministry's statement"), or, for "the
        statement", the maker of the last statement named before it in the report: "X said in a
        statement", "X issued a statement", "a statement by X", "X's statement"."""
        poss = next((c for c in head.children if c.dep_ == "poss"), None)
        if poss is not None:
            return poss
        if not any(c.lower_ == "the" for c in head.children):
            return None
        for t in reversed(self.doc[:head.i]):
            if t.lower_ not in STATEMENT_NOUNS:
                continue
            poss = next((c for c in t.children if c.dep_ == "poss"), None)
            if poss is not None:
                return poss
            by = next((c for c in t.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from", "of")), None)
            if by is not None:
                return next((c for c in by.children if c.dep_ == "pobj"), None)
            verb = t.head.head if t.head.dep_ == "prep" and t.head.lower_ == "in" else t.head if t.dep_ == "dobj" else None
            if verb is not None and verb.pos_ in ("VERB", "AUX"):
                return next((c for c in verb.children if c.dep_ == "nsubj"), None)
            return None
        return None

    def _holder(self, head: Token, pos: int, words: list[str], ents: list[Span]) -> LocalActor | None:
        """A person named before ``pos`` who holds the role of the phrase ``words`` (or one of its
        family), one of the organisation it names first."""
        cands, _, family = self._role_fits(head, pos, words)
        orgs = {org_key(org_name(e.text)) for e in ents if e.label_ in ("ORG", "GPE", "NORP")}
        of_org = [a for a in cands if a.affiliation and org_key(a.affiliation) in orgs]
        for a in family:
            if a in of_org:
                return a
        if of_org:  # "Kremlin's Rodionov" (no title) is "the Kremlin spokesman"; a UN coordinator "the UN envoy"
            return of_org[0]
        return family[0] if family else None

    def _pronoun(self, head: Token, pos: int) -> Resolved | None:
        low = head.lower_
        gender = PRONOUNS.get(low)
        span = (head.idx, head.idx + len(head.text))
        if low in ("i", "we", "you", "one", "who", "that", "which", "this", "there", "everyone", "nobody", "anyone"):
            return None
        last = self.last_speaker(pos, within=1500)
        if low in ("he", "she", "his", "her", "him"):  # "him": "according to him"
            if last is not None and last.kind in ("person", "unnamed_source") and (
                    last.gender in (None, gender)) and self._recent(last, pos):
                return Resolved(last, *span, head.text)
            recent = self.before(pos, ("person",))
            # a person known to be of the pronoun's gender first, then one of unknown gender
            for a in recent[:4]:
                if a.gender == gender:
                    return Resolved(a, *span, head.text)
            for a in recent:
                if a.gender in (None, gender):
                    return Resolved(a, *span, head.text)
            return None
        if low in ("they", "it", "their", "its", "them"):  # "according to them"
            if last is not None and last.kind in ("organisation", "group", "state", "unnamed_source") and self._recent(last, pos):
                return Resolved(last, *span, head.text)
            kinds = ("organisation", "group", "state")
            for a in self.before(pos, kinds):
                return Resolved(a, *span, head.text)
        return None

    def _recent(self, actor: LocalActor, pos: int) -> bool:
        """Is the last speaker still the person in focus at pos (no other person named since, but in
        the sentence where they spoke: "Grekov said he had met Ambassador Nabil Haddad. According to
        him, ..." is still Grekov)?"""
        last_pos = max([p for p, a in self.speakers if a is actor and p < pos] or [0])
        own = self._sentence_of(last_pos)
        for p, a in self.mentions:
            if last_pos < p < pos and a is not actor and a.kind == "person" and self._sentence_of(p) != own:
                return False
        return True

    def _sentence_of(self, char: int) -> int:
        """The start (a character offset) of the sentence holding ``char``."""
        if self._sent_starts is None:
            self._sent_starts = [s.start_char for s in self.doc.sents]
        k = bisect_right(self._sent_starts, char) - 1
        return self._sent_starts[k] if k >= 0 else 0


def _of_country(words: list[str], cands: list[LocalActor]) -> list[LocalActor]:
    """Candidates for a role noun with a nationality ("the Turkish minister"): those of that country
    first, then those whose country is not known; none of another country (all of them when every
    candidate is of another)."""
    lx = _lex()
    state = next((lx["adj"][w] for w in words if w in lx["adj"]), None)
    country = lx["code"].get(state) if state is not None else None
    if country is None:
        return cands
    fit = [a for a in cands if a.country in (None, country)] or cands
    return [a for a in fit if a.country == country] + [a for a in fit if a.country != country]


def _title_before(doc: Doc, start: int) -> list[str]:
    """The capitalised title words right before a name, read on the surface ("Palestinian Minister of
    Health", "Iranian Ambassador to Russia"); lowercase "of", "to", "for" only inside such a title."""
    words: list[str] = []
    i = start - 1
    while i >= 0 and start - i <= 10:
        t = doc[i]
        if t.text[:1].isupper() and t.is_alpha:
            words.append(t.lower_)
        elif t.lower_ in ("of", "to", "for", "-") and i > 0 and doc[i - 1].text[:1].isupper():
            words.append(t.lower_)
        elif t.lower_ == "the" and i > 0 and doc[i - 1].lower_ in ("of", "to", "for"):
            words.append(t.lower_)  # "Envoy for the Middle East"
        else:
            break
        i -= 1
    words.reverse()
    return words


def _np_span(head: Token) -> tuple[int, int]:
    """Char span of the noun phrase headed by head, cut before a comma or a relative clause."""
    left = head.left_edge.i
    right = head.i
    for t in head.rights:
        if t.dep_ in ("relcl", "acl", "punct", "cc", "conj", "advcl") or t.text in (",", "(", "–", "—"):
            break
        right = t.right_edge.i
    doc = head.doc
    while left < head.i and (doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > head.i and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)
