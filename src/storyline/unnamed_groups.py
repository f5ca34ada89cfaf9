"""'The militants' of a report that never names them: the armed group its neighbours in the corpus name.

Follow-up reports often say only "the militants" or "the group": the story's other reports named
the Black Ridge Brigade, this one does not. Within an article, events.py resolves "the militants"
to the armed group named before; this cross-article step fills the events it left without a party,
in reports that speak of militants, gunmen, kidnappers or hostages (a super PAC is "the group" too).
For an article that names no armed group itself, its neighbours are the articles sharing at least
two of its named actors (states, people, organisations; actors in more than ``MAX_SPREAD`` articles
are too common to tie reports together). The armed group named in the most neighbours becomes the
party, when at least two neighbours name it and no other group is named as often. Only parties
left empty are filled; nothing coded in the article is overridden.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

GROUP_TEXT = re.compile(r"^(?:the|these|those) (?:\w+ )?(?:militants|group|gunmen|kidnappers|hostage-takers|fighters|"
                        r"insurgents|rebels|guerrillas|militia|militiamen|captors|attackers)$")
VIOLENT = re.compile(r"\b(?:militants|gunmen|kidnappers|hostage-takers|insurgents|guerrillas|militiamen|captors|"
                     r"armed group|hostages)\b", re.IGNORECASE)
ARMED = re.compile(r"\b(Brigades?|Front|Militia|Faction|Jihad|Tigers|Liberation|Movement|Battalion)\b")
MAX_SPREAD = 200


def _armed(row: Any) -> bool:
    return row["kind"] == "group" or row["sector"] == "armed_group" or bool(ARMED.search(row["name"]))


def _actors(db: Any, article_id: str) -> list[Any]:
    return db.execute("SELECT DISTINCT ac.id, ac.name, ac.kind, ac.sector FROM article_actors aa JOIN actors ac "
                      "ON ac.id=aa.actor_id WHERE aa.article_id=? ORDER BY ac.id", (article_id,)).fetchall()


class _Neighbours:
    """An article's actors (and which are armed groups) and an actor's articles, each read once: resolve()
    changes only events, so what it reads of article_actors and actors stays the same for its whole run
    (the neighbours of a pass's articles are mostly the same articles)."""

    def __init__(self, db: Any):
        self.db = db
        self._actors: dict[str, list[Any]] = {}
        self._armed: dict[str, set[str]] = {}
        self._articles: dict[str, list[str]] = {}

    def actors(self, article_id: str) -> list[Any]:
        got = self._actors.get(article_id)
        if got is None:
            got = self._actors[article_id] = _actors(self.db, article_id)
        return got

    def armed(self, article_id: str) -> set[str]:
        got = self._armed.get(article_id)
        if got is None:
            got = self._armed[article_id] = {r["id"] for r in self.actors(article_id) if _armed(r)}
        return got

    def articles(self, actor_id: str) -> list[str]:
        got = self._articles.get(actor_id)
        if got is None:
            got = self._articles[actor_id] = [x[0] for x in self.db.execute(
                "SELECT DISTINCT article_id FROM article_actors WHERE actor_id=? LIMIT ?", (actor_id, MAX_SPREAD + 1))]
        return got


def group_for(db: Any, article_id: str, seen: _Neighbours | None = None) -> str | None:
    """The armed group this article's neighbours name, or None (see the module doc). ``seen`` keeps what
    was read for the next article of the same resolve()."""
    seen = seen or _Neighbours(db)
    own = seen.actors(article_id)
    if any(_armed(r) for r in own):
        return None  # the article names its group: events.py resolved what it could
    shared: Counter[str] = Counter()
    for r in own:
        if r["kind"] == "unnamed_source":
            continue
        arts = seen.articles(r["id"])
        if len(arts) > MAX_SPREAD:
            continue
        shared.update(a for a in arts if a != article_id)
    votes: Counter[str] = Counter()
    for other, n in shared.items():
        if n >= 2:
            votes.update(seen.armed(other))
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return str(ranked[0][0])


def resolve(store: Any, article_ids: list[str]) -> int:
    """Fill the empty parties "the militants" of these articles' events; returns how many were filled."""
    db = store.db
    filled = 0
    seen = _Neighbours(db)
    with db:
        for aid in article_ids:
            rows = [r for r in db.execute("SELECT id, actor_id, actor_text, recipient_id, recipient_text FROM events "
                                          "WHERE article_id=? AND (actor_id IS NULL OR recipient_id IS NULL)", (aid,))
                    if (r["actor_id"] is None and GROUP_TEXT.match((r["actor_text"] or "").lower()))
                    or (r["recipient_id"] is None and GROUP_TEXT.match((r["recipient_text"] or "").lower()))]
            if not rows:
                continue
            text = db.execute("SELECT text FROM articles WHERE id=?", (aid,)).fetchone()[0] or ""
            if not VIOLENT.search(text):
                continue  # "the group" of a report with no militants, kidnappers or hostages is some other group
            group = group_for(db, aid, seen)
            if group is None:
                continue
            for r in rows:
                for col, text in (("actor_id", r["actor_text"]), ("recipient_id", r["recipient_text"])):
                    if r[col] is None and GROUP_TEXT.match((text or "").lower()):
                        db.execute(f"UPDATE events SET {col}=? WHERE id=?", (group, r["id"]))
                        filled += 1
    return filled
