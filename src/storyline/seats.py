"""Seats of government learned from the corpus: which place stands for which state.

Reports name a government by its capital ("Brannholm said", "the government in Brannholm"). The
knowledge file (storyline.knowledge) knows the capitals of real states; for a state it does not
list, or a capital it does not, the corpus itself says where the seat is. This module reads each
stored article for evidence that ties a place to a state, keeps the evidence per article in
``seat_evidence`` (so a pass run twice counts it once), and once a place's evidence points clearly
to one state, folds every actor named after the place into that state's actor, the place kept as
an alias: a capital learned across the corpus, like the other aliases storyline learns. (The table
is in store.SCHEMA, so every store has it and the Parquet export carries it.)

Evidence, strongest first (weights in data/seats.json):

1. apposition: "Brannholm, the capital of Ostmere", "Ostmere's capital, Brannholm", "the Ostmere
   capital Brannholm", "the capital of Ostmere, Brannholm";
2. government_in: "the Ostmere government in Brannholm", "in Brannholm, Ostmere's government";
3. speaker_seat: a speaker of a state's government whose reported clause has the place as its
   subject ("a source in the Ostmere government said that Brannholm would be ready");
4. dateline_lead: a report datelined in the place whose lead opens with the state's government
   or forces ("BRANNHOLM - The Ostmere navy detained ...");
5. abroad, against: the state's envoy or embassy is there ("the Ostmere Ambassador to Veyra",
   "the Corvannian envoy, who arrived in Brannholm"): a foreign capital, whatever its datelines say.

A place is tied to a state when that state's evidence reaches ``enough`` and is at least
``margin`` times that of any other state. Places the knowledge file or data/places.json knows are
never learned: what the user wrote wins.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

from .discourse import org_key
from .knowledge import _merge, load
from .lexicon import load_lexicon
from .names import fold, person_key

_W = r"[A-Z][\w-]*"
NAME = rf"{_W}(?: {_W}){{0,2}}"
POSS = r"(?:'s|\u2019s)"


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    lx = load_lexicon("seats")
    gov = f"(?i:{_alt(lx['gov_words'])})"
    seat = f"(?i:{_alt(lx['seat_words'])})"
    speech = _alt(lx["speech_verbs"])
    clause = _alt(lx["clause_verbs"])
    gap = r"[^.!?\"\u201c\u201d\n]"
    days = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    return {
        "apposition": [
            re.compile(rf"(?P<c>{NAME}), (?:the )?capital (?:city )?of (?:the )?(?P<x>{NAME})"),
            re.compile(rf"(?P<c>{NAME}), (?:the )?(?P<x>{NAME}){POSS} capital\b"),
            re.compile(rf"(?P<c>{NAME}), the (?P<x>{NAME}) capital\b"),
            re.compile(rf"(?P<x>{NAME}){POSS} capital(?: city)?,? (?P<c>{NAME})"),
            re.compile(rf"\b[Tt]he (?P<x>{NAME}) capital(?: city)?,? (?P<c>{NAME})"),
            re.compile(rf"\b[Tt]he capital (?:city )?of (?:the )?(?P<x>{NAME}), (?P<c>{NAME})"),
        ],
        "government_in": [
            re.compile(rf"(?P<x>{NAME}){POSS}? {seat} in (?P<c>{NAME})"),
            re.compile(rf"\b[Ii]n (?P<c>{NAME}), (?:the )?(?P<x>{NAME}){POSS}? {seat}\b"),
            re.compile(rf"\b[Tt]he {seat} of (?:the )?(?P<x>{NAME}) in (?P<c>{NAME})"),
        ],
        "speaker_seat": [
            re.compile(rf"(?P<x>{NAME}){POSS}? {gov}\b{gap}{{0,80}}?\b(?:{speech})\b{gap}{{0,40}}?\bthat "
                       rf"(?P<c>{NAME}) (?:{clause})\b"),
        ],
        "abroad": [
            re.compile(rf"(?P<x>{NAME}){POSS}? (?i:{_alt(lx['abroad_words'])}) (?:to|in|at) (?:the )?(?P<c>{NAME})"),
            re.compile(rf"(?P<x>{NAME}){POSS}? (?i:{_alt(lx['abroad_words'])})\b[^.;,\n]{{0,60}},? (?:who )?"
                       rf"(?:has |had )?(?:arrived|landed|travell?ed|flew|came) (?:in|to) (?P<c>{NAME})"),
        ],
        "lead": [re.compile(rf"(?P<x>{NAME}){POSS}? {gov}\b")],
        "lead_name": [re.compile(rf"(?P<x>{NAME}) (?:on (?i:{days})|(?:{clause}|said|says)\b|[a-z]+ed\b)")],
        "state_name": [re.compile(rf"(?P<x>{NAME}){POSS}? (?i:{_alt(lx['state_words'])})\b")],
    }


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    return frozenset(load_lexicon("seats")["not_names"])


@lru_cache(maxsize=1)
def _known_places() -> frozenset[str]:
    places = load_lexicon("places")
    known = {fold(p) for p in places.get("places", [])}
    for row in places.get("states", []):
        known.update(fold(str(x)) for x in row[:3])
    return frozenset(known)


def _clean(name: str) -> str | None:
    """A name without the words that open a phrase ("The Ostmere" -> "Ostmere"); None when nothing is left."""
    words = name.split()
    while words and words[0].lower() in _not_names():
        words = words[1:]
    while words and words[-1].lower() in _not_names():
        words = words[:-1]  # "Corvannian Special (Envoy)"
    if not words or any(w.lower() in _not_names() for w in words):
        return None
    return " ".join(words)


def _state(name: str) -> str:
    """The state a name or adjective stands for: the knowledge file's name when it knows it."""
    ent = load().country(name)
    return ent.name if ent is not None else name


def _unknown_place(name: str) -> bool:
    kn = load()
    return kn.country(name) is None and kn.org(name) is None and fold(name) not in _known_places()


def evidence(text: str, body_start: int | None = None,
             dateline: str | None = None) -> list[tuple[str, str, str, float]]:
    """(seat, state, kind, weight) for every piece of evidence one article's text gives, and ("", name,
    "state_name", 0) for each name it uses as a state's that the knowledge file does not know ("the
    Ostmere navy"): a bare name opening a datelined lead ("Ostmere on Monday demanded") counts only
    for a name the corpus uses so."""
    weights = load_lexicon("seats")["weights"]
    pats = _patterns()
    best: dict[tuple[str, str, str], float] = {}

    def add(seat: str | None, state: str | None, w: float, kind: str) -> None:
        seat, state = _clean(seat or ""), _clean(state or "")
        if not seat or not state or fold(seat) == fold(state) or not _unknown_place(seat):
            return
        if seat.isupper() and kind != "lead":
            return  # "NAFTA": an acronym is not a place (a dateline is written in capitals, and title-cased)
        if load().org(state) is not None:
            return
        state = _state(state)
        if fold(seat) == fold(state):
            return
        key = (seat, state, kind)
        best[key] = w  # one article counts each kind of evidence once per pair

    for kind in ("apposition", "government_in", "speaker_seat", "abroad"):
        for p in pats[kind]:
            if kind == "apposition" and "capital" not in text:
                break
            for m in p.finditer(text):
                if kind == "abroad":  # "to Veldgrad Tomas Reinholt": the place is some first words of the run
                    words = m.group("c").split()
                    for n in range(1, len(words) + 1):
                        add(" ".join(words[:n]), m.group("x"), weights[kind], kind)
                else:
                    add(m.group("c"), m.group("x"), weights[kind], kind)
    if dateline and body_start is not None:
        m = pats["lead"][0].match(text, body_start)
        if m is None:
            m = pats["lead_name"][0].match(text, body_start)
            kind = "lead_name"
        else:
            kind = "lead"
        if m is not None:
            add(dateline.title() if dateline.isupper() else dateline, m.group("x"), weights["dateline_lead"], kind)
    names = set()
    for m in pats["state_name"][0].finditer(text):
        x = _clean(m.group("x"))
        if x and load().country(x) is None and load().org(x) is None:
            names.add(x)
    return sorted((s, x, k, w) for (s, x, k), w in best.items()) + [("", x, "state_name", 0.0) for x in sorted(names)]


def learn(store: Any, article_ids: list[str]) -> None:
    """Record the seat evidence of these articles (idempotent: an article's evidence is replaced)."""
    db = store.db
    if not article_ids:
        return
    rows: list[tuple[str, str, str, str, float]] = []
    for i in range(0, len(article_ids), 500):
        part = article_ids[i:i + 500]
        marks = ",".join("?" * len(part))
        for r in db.execute(f"SELECT id, text, body_start, dateline FROM articles WHERE id IN ({marks})", part):
            rows.extend((r[0], *ev) for ev in evidence(r[1], r[2], r[3]))
        db.execute(f"DELETE FROM seat_evidence WHERE article_id IN ({marks})", part)
    db.executemany("INSERT OR REPLACE INTO seat_evidence VALUES (?,?,?,?,?)", rows)


def seats(db: Any) -> dict[str, str]:
    """Every place the corpus ties clearly to one state: seat -> state."""
    w = load_lexicon("seats")["weights"]
    score: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    names: dict[str, str] = {}
    named = {fold(r[0]) for r in db.execute("SELECT DISTINCT state FROM seat_evidence WHERE kind='state_name'")}
    for seat, state, kind, weight in db.execute("SELECT seat, state, kind, SUM(weight) FROM seat_evidence "
                                                "WHERE kind<>'state_name' GROUP BY seat, state, kind"):
        if kind == "lead_name" and fold(state) not in named and load().country(state) is None:
            continue  # "Marlow on Monday said": a bare name is a state's only when the corpus uses it so
        score[fold(seat)][state] += weight
        names.setdefault(fold(seat), seat)
    out = {}
    for key, by_state in score.items():
        ranked = sorted(_by_stem(by_state).items(), key=lambda kv: (-kv[1], kv[0]))
        best, second = ranked[0][1], (ranked[1][1] if len(ranked) > 1 else 0.0)
        if best >= w["enough"] and best >= w["margin"] * second:
            out[names[key]] = ranked[0][0]
    return out


STATE_FORMS = {"republic", "kingdom", "federation", "union", "state", "states", "emirate", "emirates", "principality",
               "of", "the", "democratic", "federal", "people's", "islamic", "united"}
ADJ_ENDINGS = ("ian", "ean", "ese", "ish", "an", "n", "i")


def _core(name: str) -> str:
    """A state's name without the words of its form: "Tarsian Republic" -> "tarsian"."""
    words = [w for w in fold(name).split() if w not in STATE_FORMS]
    return " ".join(words) or fold(name)


def _same_state(a: str, b: str) -> bool:
    """"Tarsia", "Tarsian" and "Tarsian Republic", "Corvanna" and "Corvannian": an invented state's adjective is
    not in the knowledge file."""
    a, b = _core(a), _core(b)
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        for end in ADJ_ENDINGS:
            if len(y) >= 4 and (x == y + end or (y[-1] in "aeiouy" and x == y[:-1] + end)):
                return True
    return False


def _by_stem(by_state: dict[str, float]) -> dict[str, float]:
    """A state's evidence under its name and its adjective added up, under the shortest form (the name)."""
    groups: list[list[str]] = []
    for state in sorted(by_state):
        home = next((g for g in groups if any(_same_state(state, f) for f in g)), None)
        if home is None:
            groups.append([state])
        else:
            home.append(state)
    return {min(forms, key=lambda f: (len(f), f)): sum(by_state[f] for f in forms) for forms in groups}


def _named(db: Any, name: str) -> list[Any]:
    """The actors whose name is exactly this one, of any kind (the small model calls a capital a person)."""
    rows = []
    for kind, key in (("state", fold(name)), ("organisation", org_key(name)), ("group", org_key(name)),
                      ("person", person_key(name))):
        rows += [r for r in db.execute("SELECT id, name, kind FROM actors WHERE kind=? AND match_key=?", (kind, key))
                 if fold(r["name"]) == fold(name)]
    return rows


RANK = {"state": 0, "organisation": 1, "group": 2, "person": 3}


def apply(store: Any) -> int:
    """Fold the actors named after a learned seat into its state's actor; the state's namesakes become one
    state actor. Returns how many actors were folded."""
    db = store.db
    folded = 0
    with db:
        for seat, state in sorted(seats(db).items()):
            places = [r for r in _named(db, seat) if r["kind"] != "person" or len(r["name"].split()) == 1]
            targets = sorted(_named(db, state), key=lambda r: (RANK.get(r["kind"], 9), r["id"]))
            if not targets or not places:
                continue
            dst = targets[0]["id"]
            for r in targets[1:] + places:
                _merge(db, r["id"], dst)
                folded += 1
            kn = load().country(state)
            db.execute("UPDATE actors SET kind='state', sector=COALESCE(sector, 'government'), "
                       "country=COALESCE(country, ?), match_key=? WHERE id=?",
                       (kn.country if kn else None, fold(state), dst))
    return folded
