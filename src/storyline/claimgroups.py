"""Claim groups: the same counted thing, in the same place, across articles, with a verdict.

Two claims are about the same thing when

1. they count the same class (data/counts.json), and that class names one thing: generic
   classes ("people", "percent") and raw nouns outside the vocabulary are not grouped
   (data/claimgroups.json, ``grouped``);
2. they have the same scope: a figure tied to one incident ("12 killed in the attack",
   "the blast wounded 30") is compared only with figures of the same incident noun; a count of
   the dead or wounded tied to one day ("12 were killed on Tuesday", no "toll", "so far", "since")
   only with figures of that day; every other figure is read as a running total for its place
   ("the toll rose to 27", "224 hostages");
3. they name the same place, after normalisation (aliases, "the", generic words such as
   "the enclave" read as no place). A figure with no place joins the group of its class and
   scope when exactly one place is named for it across the store; otherwise the unplaced
   figures form their own group;
4. they count the same part: words that narrow a figure ("412 Veldonian citizens", "41
   foreign citizens") must match, so a part is never compared with the whole;
5. for classes that count what happened on one day (released, aid trucks, rockets, strikes:
   ``per_day``) the date must match too; the other classes are running totals compared over time.

Period: a claim's date is its ``as_of`` (the date its sentence names, else the article's
date). Figures more than ``window_days`` apart with nothing between them fall into separate
periods; undated figures join a period only when there is one, and a group needs at least one
dated figure. The group's period runs from its first to its last date.

Verdict: each claim is an interval (exact: the value; about: ±10%; more than: open above;
ranges as written). Two claims are compatible when their intervals meet. A group is
``conflict`` when two incompatible claims are made at the same time (same date, or a date
unknown), or when a later figure of a class that only rises (a death toll) falls below an
earlier one; ``update`` when every incompatible pair is a later figure superseding an earlier
one; ``agree`` otherwise. Groups of one claim are not stored.

``aggregate(store, article_ids)`` is incremental: each claim's part (scope and subset) and place
are read from its text once and kept in ``claim_keys`` with the group it is in; a pass re-groups
only the (class, part) keys of the given articles' claims, for per-day classes only on their days.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .lexicon import load_lexicon
from .records import stable_id

QUAL_WORDS = {"exact": "", "about": "about ", "more_than": "more than ", "less_than": "fewer than ",
              "at_least": "at least ", "at_most": "up to "}


@lru_cache(maxsize=1)
def _lex() -> dict[str, Any]:
    g = load_lexicon("claimgroups")
    places = load_lexicon("places")
    aliases = {k.lower(): v for k, v in places.get("aliases", {}).items()}
    for state in places.get("states", []):
        aliases[state[1].lower()] = state[0]  # "Israeli" -> Israel
    aliases.update({k.lower(): v for k, v in g["where_aliases"].items()})
    inc = "|".join(sorted((re.escape(w) for w in g["incidents"]), key=len, reverse=True))
    return {
        "grouped": set(g["grouped"]), "rising": set(g["rising"]), "aliases": aliases,
        "per_day": set(g["per_day"]), "daily": set(g["daily_scope"]),
        "cumulative": re.compile(r"\b(?:" + "|".join(re.escape(w) for w in g["cumulative"]) + r")\b", re.IGNORECASE),
        "day": re.compile(g["day_pattern"], re.IGNORECASE),
        "total_clause": re.compile(r",\s*(?:" + "|".join(g["total_clause"]) + r")\b", re.IGNORECASE),
        "window_days": int(g["window_days"]), "subset": set(g["subset_words"]),
        "generic": set(g["generic_places"]),
        "after": re.compile(r"^\W{0,3}(?:[\w'-]+\s+){0,5}?(?:in|during|by|from)\s+(?:the|a|an|this|that|last|"
                            r"[\w-]+'s)?\s*(?:[\w-]+\s+){0,2}?(" + inc + r")\b", re.IGNORECASE),
        "before": re.compile(r"\b(" + inc + r")\s+(?:\w+\s+){0,2}?(?:killed|wounded|injured|left|claimed|"
                             r"destroyed|damaged)\s+(?:\w+\s+)?$", re.IGNORECASE),
    }


@dataclass
class Member:
    """One claim as the grouping sees it."""

    id: str
    article_id: str
    value: float
    low: float | None
    high: float | None
    qualifier: str
    counts: str
    where: str | None
    scope: str
    date: str | None
    source: str
    subset: str = ""

    @property
    def figure(self) -> str:
        if self.qualifier == "range" and self.low is not None and self.high is not None:
            return f"between {self.low:,.0f} and {self.high:,.0f}"
        return f"{QUAL_WORDS.get(self.qualifier, '')}{self.value:,.{0 if self.value == int(self.value) else 1}f}"

    def said(self) -> str:
        return f"{self.source} says {self.figure} ({self.date or 'undated'})"


@dataclass
class Group:
    counts: str
    where: str | None
    scope: str
    members: list[Member] = field(default_factory=list)
    verdict: str = "agree"
    explanation: str = ""
    # the day a conflicting group first has incompatible figures of its own (judge stops there); None
    # for other verdicts and for a conflict found with an undated figure or a falling toll
    decided_on: str | None = None

    @property
    def id(self) -> str:
        first = min((m.date for m in self.members if m.date), default="")
        return stable_id("claim_group", self.counts, self.scope, self.where or "", first)

    @property
    def period(self) -> str | None:
        ds = sorted(m.date for m in self.members if m.date)
        if not ds:
            return None
        return ds[0] if ds[0] == ds[-1] else f"{ds[0]}/{ds[-1]}"


def normalise_where(where: str | None) -> str | None:
    """One spelling per place: "the Gaza Strip" -> "Gaza"; "the enclave" -> None (no place named)."""
    if not where:
        return None
    w = re.sub(r"^(the)\s+", "", where.strip(), flags=re.IGNORECASE)
    if w.lower() in _lex()["generic"]:
        return None
    return _lex()["aliases"].get(w.lower(), _lex()["aliases"].get(where.strip().lower(), w))


def subset_of(text: str) -> str:
    """The words that narrow a figure to a part ("412 Veldonian citizens" -> "veldonian"), or ""."""
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    if text[:1].isalpha():
        words = words[1:]  # the capital of a figure that opens a sentence ("Over 1,400 people")
    return " ".join(w.lower() for w in words if w[0].isupper() or w.lower() in _lex()["subset"])


def _sentence_after(text: str) -> str:
    m = re.search(r"[.!?](?:\s|$)|\n", text)
    return text[:m.start()] if m else text


def _sentence_before(text: str) -> str:
    cut = max(text.rfind("\n"), *(m.end() for m in re.finditer(r"[.!?]\s", text)), -1) if text else -1
    return text[cut + 1:] if cut >= 0 else text


def scope_of(before: str, after: str, counts: str | None = None) -> str:
    """'incident:<noun>' when the figure is tied to one incident; 'day' when a count of the dead or
    wounded is tied to one day ("12 were killed on Tuesday") and nothing marks a running total;
    else 'total'."""
    lx = _lex()
    sent_after, sent_before = _sentence_after(after), _sentence_before(before)
    m = lx["after"].search(sent_after[:90])
    if m is None:
        m = lx["before"].search(sent_before)
    if m:
        return f"incident:{m[1].lower()}"
    if counts in lx["daily"]:
        # only the words up to the next figure belong to this one: "12 were killed on Tuesday,
        # bringing the toll to 40" makes 40 a total, not 12
        own_after = lx["total_clause"].split(re.split(r"[0-9]", sent_after)[0])[0]
        sentence = f"{re.split(r'[0-9]', sent_before)[-1]} # {own_after}"
        if not lx["cumulative"].search(sentence) and lx["day"].search(sentence):
            return "day"
    return "total"


def _interval(m: Member) -> tuple[float, float]:
    lo = m.low if m.low is not None else (m.value if m.qualifier not in ("less_than", "at_most") else float("-inf"))
    hi = m.high if m.high is not None else (m.value if m.qualifier not in ("more_than", "at_least") else float("inf"))
    return lo, hi


def compatible(a: Member, b: Member) -> bool:
    (alo, ahi), (blo, bhi) = _interval(a), _interval(b)
    return alo <= bhi and blo <= ahi


def _incompatible(ms: list[Member], rising: bool) -> tuple[tuple[Member, Member, str] | None, bool]:
    """Is there a pair of incompatible figures made at the same time (or one undated): a conflict;
    a later figure of a count that only rises below an earlier one: a conflict; else incompatible
    figures on different dates: a change. Found from each date's extremes in O(n log n), not by
    comparing every pair (a running total reported daily makes groups of thousands)."""
    ivs = [(m, *_interval(m)) for m in ms]
    by_date: dict[str | None, list[tuple[Member, float, float]]] = {}
    for iv in ivs:
        by_date.setdefault(iv[0].date, []).append(iv)
    ext = {d: (max(v, key=lambda t: t[1]), min(v, key=lambda t: t[2])) for d, v in by_date.items()}

    def pair(x: Member, y: Member, how: str) -> tuple[Member, Member, str]:
        return (x, y, how) if ms.index(x) < ms.index(y) else (y, x, how)

    # the same date: the highest lower bound above the lowest upper bound
    for d, (top, low) in ext.items():
        if d is not None and top[1] > low[2]:
            return pair(top[0], low[0], "same"), False
    # an undated figure against any other
    if None in by_date:
        top = max(ivs, key=lambda t: t[1])
        low = min(ivs, key=lambda t: t[2])
        for m, lo, hi in by_date[None]:
            if top[0] is not m and top[1] > hi:
                return pair(m, top[0], "same"), False
            if low[0] is not m and low[2] < lo:
                return pair(m, low[0], "same"), False
    dated = sorted(d for d in by_date if d is not None)
    changed = False
    best: tuple[Member, float, float] | None = None  # the highest lower bound of the earlier dates
    for d in dated:
        top, low = ext[d]
        if best is not None and low[2] < best[1]:
            if rising:
                return (best[0], low[0], "falls"), False
            changed = True
        if best is None or top[1] > best[1]:
            best = top
    # a later figure above an earlier one's upper bound: the lowest upper bound of the earlier dates
    floor: tuple[Member, float, float] | None = None
    for d in dated:
        top, low = ext[d]
        if floor is not None and top[1] > floor[2]:
            changed = True
        if floor is None or low[2] < floor[2]:
            floor = low
    return None, changed


def judge(g: Group) -> None:
    """Set the group's verdict and a one-line explanation naming sources, figures and dates."""
    ms = sorted(g.members, key=lambda m: (m.date is None, m.date or "", m.source, m.value, m.qualifier, m.id))
    what = g.counts.replace("_", " ") + (f" in {g.where}" if g.where else "")
    m0 = g.members[0]
    if m0.subset:
        what += f" ({m0.subset})"
    if m0.scope != "total":
        what += f" ({m0.scope.split(':', 1)[1]})"
    conflict, changed = _incompatible(ms, g.counts in _lex()["rising"])
    g.decided_on = None
    if conflict is not None:
        a, b, how = conflict
        g.verdict = "conflict"
        # a pair of the same date (an undated figure against another: b is the undated one)
        g.decided_on = b.date if how == "same" else None
        if how == "falls":
            g.explanation = (f"{what}: {b.said()}, lower than the earlier figure ({a.said()}), "
                             "though this count only rises; the figures conflict.")
        else:
            g.explanation = (f"{what}: {a.said()} but {b.said()}; both cannot be right at the same time, "
                             "the figures conflict.")
    elif changed:
        dated = [m for m in ms if m.date]
        first, last = dated[0], dated[-1]
        g.verdict = "update"
        g.explanation = (f"{what}: the figure moved from {first.figure} ({first.source}, {first.date}) to "
                         f"{last.figure} ({last.source}, {last.date}); a later figure supersedes an earlier one, "
                         "not a conflict.")
    else:
        g.verdict = "agree"
        seen: list[str] = []
        for m in ms:
            s = m.said()
            if s not in seen:
                seen.append(s)
        listed = "; ".join(seen[:4]) + (f"; and {len(seen) - 4} more" if len(seen) > 4 else "")
        g.explanation = f"{what}: {listed}; the figures are compatible."


def part_key(m: Member) -> str:
    """What besides class and place must match: the scope, a subset ("Veldonian citizens"), and
    for per-day classes the date."""
    key = m.scope + (f"|of:{m.subset}" if m.subset else "")
    if m.counts in _lex()["per_day"] or m.scope == "day":
        key += f"|on:{m.date or 'undated'}"
    return key


def build_groups(members: Iterable[Member]) -> list[Group]:
    """Partition members of grouped classes into groups of two or more and judge each."""
    parts: dict[tuple[str, str], list[Member]] = {}
    for m in members:
        if m.counts in _lex()["grouped"]:
            parts.setdefault((m.counts, part_key(m)), []).append(m)
    out: list[Group] = []
    for (counts, scope), ms in sorted(parts.items()):
        places = sorted({m.where for m in ms if m.where})
        by_place: dict[str | None, list[Member]] = {}
        for m in ms:
            where = m.where if m.where else (places[0] if len(places) == 1 else None)
            by_place.setdefault(where, []).append(m)
        for where, placed in sorted(by_place.items(), key=lambda kv: kv[0] or ""):
            for group_members in windows(placed):
                if len(group_members) < 2:
                    continue
                g = Group(counts, where, scope, sorted(group_members, key=lambda m: m.id))
                judge(g)
                out.append(g)
    return out


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def windows(ms: list[Member]) -> list[list[Member]]:
    """Split figures into periods: a new period starts after a gap of more than ``window_days``
    without a figure. Undated figures join the period when there is exactly one; a period with no
    dated figure at all is not a group (nothing says the figures are of the same time)."""
    gap = _lex()["window_days"]
    for m in ms:
        if m.date and _day(m.date) is None:
            m.date = None  # not a calendar date ("2025-02-29" after a year correction): undated
    dated = sorted((m for m in ms if m.date), key=lambda m: m.date or "")
    out: list[list[Member]] = []
    last: dt.date | None = None
    for m in dated:
        d = _day(m.date or "") or dt.date.min
        if last is None or (d - last).days > gap:
            out.append([])
        out[-1].append(m)
        last = d
    undated = [m for m in ms if not m.date]
    if len(out) == 1:
        out[0].extend(undated)
    return out


_DATE = "COALESCE(NULLIF(c.as_of, ''), a.published)"


def _key_rows(store: Any, where_sql: str, args: tuple) -> Iterator[tuple[str, str, str, str | None, str | None]]:
    """(claim id, counts, part, place, date) of the claims of grouped classes that ``where_sql`` selects.
    The part (scope and subset) and the place are read from the claim's words and the text around it,
    once per claim, and kept in ``claim_keys``; the date is not kept (a year re-decided moves it)."""
    grouped = sorted(_lex()["grouped"])
    rows = store.db.execute(
        'SELECT c.id, c.counts, c."where", substr(a.text, max(c.start - 149, 1), min(c.start, 150)) AS before, '
        f'substr(a.text, c."end" + 1, 200) AS after, c.text, {_DATE} AS date FROM claims c JOIN articles a '
        f"ON a.id = c.article_id WHERE c.counts IN ({','.join('?' * len(grouped))}) AND {where_sql}",
        (*grouped, *args))
    for r in rows:
        subset = subset_of(r["text"] or "")
        part = scope_of(r["before"] or "", r["after"] or "", r["counts"]) + (f"|of:{subset}" if subset else "")
        yield r["id"], r["counts"], part, normalise_where(r["where"]), r["date"]


def _store_keys(store: Any, rows: list[tuple[str, str, str, str | None, str | None]]) -> None:
    with store.db:
        store.db.executemany('INSERT OR IGNORE INTO claim_keys (claim_id, counts, part, "where") VALUES (?,?,?,?)',
                             [r[:4] for r in rows])


_MEMBER_SQL = (
    'SELECT c.id, c.article_id, c.value, c.low, c.high, c.qualifier, c.counts, k."where", k.part, k.group_id, '
    f"{_DATE} AS date, ac.name AS claimant, a.outlet, a.path "
    "FROM claim_keys k JOIN claims c ON c.id = k.claim_id JOIN articles a ON a.id = c.article_id "
    "LEFT JOIN actors ac ON ac.id = c.claimed_by_id WHERE k.counts=? AND k.part=?")


def _members_sql(counts: str, part: str, days: set[str | None] | None) -> tuple[str, tuple[Any, ...]]:
    """The members of a (counts, part) key; of a per-day key only those of ``days``, found through
    the date indexes instead of reading the whole key (25,000 'released' figures at 100,000
    articles) to keep a few. A member's date is its as_of, else its article's date (``_DATE``)."""
    if days is None or not (counts in _lex()["per_day"] or part.partition("|of:")[0] == "day"):
        return _MEMBER_SQL, (counts, part)
    dated = sorted(d for d in days if d is not None)
    q = ",".join("?" * len(dated))
    subs: list[str] = []
    args: list[Any] = []
    if dated:
        subs.append(f"SELECT id FROM claims WHERE counts=? AND as_of IN ({q})")
        subs.append(f"SELECT c2.id FROM articles a2 JOIN claims c2 ON c2.article_id=a2.id WHERE a2.published IN ({q}) "
                    "AND c2.counts=? AND (c2.as_of IS NULL OR c2.as_of='')")
        args += [counts, *dated, *dated, counts]
    if None in days:
        subs.append("SELECT c2.id FROM claims c2 JOIN articles a2 ON a2.id=c2.article_id WHERE c2.counts=? "
                    "AND (c2.as_of IS NULL OR c2.as_of='') AND a2.published IS NULL")
        args.append(counts)
    return _MEMBER_SQL + f" AND c.id IN ({' UNION '.join(subs)})", (counts, part, *args)


def _member(r: Any) -> Member:
    source = r["claimant"] or r["outlet"] or f"the report {os.path.basename(r['path'] or '')}"
    scope, _, subset = r["part"].partition("|of:")
    return Member(r["id"], r["article_id"], r["value"], r["low"], r["high"], r["qualifier"], r["counts"],
                  r["where"], scope, r["date"], source, subset)


def _per_day(m: Member) -> bool:
    return m.counts in _lex()["per_day"] or m.scope == "day"


def _regroup(store: Any, parts: dict[tuple[str, str], set[str | None] | None], record: bool = True) -> None:
    """Build again the groups of each (counts, part) key; for a per-day key, only those of the given
    dates (None: every date). The members' keys say which groups they were in, so only those go.

    With ``record``, the claims whose group changed (another group, or the same group with another
    place, period, verdict or explanation; when only its members changed, the claims that joined or
    left it) go into ``claim_group_changes``, which the story views' refresh reads and empties: only
    the stories showing those claims are built again."""
    db = store.db
    for (counts, part), days in sorted(parts.items()):
        rows = db.execute(*_members_sql(counts, part, days)).fetchall()
        was = {r["id"]: r["group_id"] for r in rows}
        ms = [_member(r) for r in rows]
        if days is not None:
            ms = [m for m in ms if not _per_day(m) or m.date in days]
        groups = build_groups(ms)
        now = {m.id: gid for g in groups for gid in (g.id,) for m in g.members}
        with db:
            gone = sorted({was[m.id] for m in ms} - {None})
            if record:
                before = {r[0]: tuple(r[1:]) for k in range(0, len(gone), 500) for r in db.execute(
                    'SELECT id, "where", period, verdict, explanation, claim_ids FROM claim_groups WHERE id IN '
                    f"({','.join('?' * len(gone[k:k + 500]))})", gone[k:k + 500])}
                moved = {m.id for m in ms if now.get(m.id) != was[m.id]}
                for g in groups:
                    row = (g.where, g.period, g.verdict, g.explanation, json.dumps(sorted(m.id for m in g.members)))
                    old = before.get(g.id)
                    if old == row:
                        continue
                    if old is not None and old[:4] == row[:4]:
                        # only its members changed: a story shows the group's fields and its own members,
                        # so only the claims that joined or left it change a story (a figure joining a
                        # running total shown by every story of a long conflict changes one story, not all)
                        moved |= set(json.loads(old[4])) ^ {m.id for m in g.members}
                    else:
                        moved |= {m.id for m in g.members}
                db.executemany("INSERT OR IGNORE INTO claim_group_changes VALUES (?)", [(i,) for i in sorted(moved)])
            db.executemany("DELETE FROM claim_groups WHERE id=?", [(g,) for g in gone])
            db.executemany(
                'INSERT OR REPLACE INTO claim_groups (id, counts, "where", period, verdict, explanation, claim_ids, '
                "decided_on) VALUES (?,?,?,?,?,?,?,?)",
                [(g.id, g.counts, g.where, g.period, g.verdict, g.explanation,
                  json.dumps(sorted(m.id for m in g.members)), g.decided_on) for g in groups])
            db.executemany("UPDATE claim_keys SET group_id=? WHERE claim_id=?",
                           [(now.get(m.id), m.id) for m in ms if now.get(m.id) != was[m.id]])


def _judged_on(store: Any, gid: str, counts: str, part: str, where: str | None, day: str,
               joining: Iterable[str] = ()) -> str | None:
    """The explanation of the group's figures of ``day`` (with the claims ``joining`` it) judged
    alone, if they conflict. When the group conflicts first on that day, it is the explanation of
    the whole group: judge goes through the days in order and stops at the first with incompatible
    figures of its own, naming the day's highest lower bound and lowest upper bound."""
    extra = sorted(joining)
    rows = store.db.execute(
        _MEMBER_SQL + f" AND (k.group_id=? OR k.claim_id IN ({','.join('?' * len(extra))})) AND c.id IN ("
        "SELECT id FROM claims WHERE counts=? AND as_of=? UNION SELECT c2.id FROM articles a2 JOIN claims c2 "
        "ON c2.article_id=a2.id WHERE a2.published=? AND c2.counts=? AND (c2.as_of IS NULL OR c2.as_of=''))",
        (counts, part, gid, *extra, counts, day, day, counts)).fetchall()
    ms = [m for m in map(_member, rows) if m.date == day]
    if len(ms) < 2:
        return None
    g = Group(counts, where, part, sorted(ms, key=lambda m: m.id))
    judge(g)
    return g.explanation if g.verdict == "conflict" else None


def _join_conflicts(store: Any, added: dict[tuple[str, str], list[tuple[str, str | None, str | None]]]
                    ) -> list[tuple[str, str]]:
    """Add new figures to a running total already in conflict without reading the total again
    (33,000 death-toll figures in one place at 100,000 articles: 0.3-1 s each pass). It is exact
    where the whole key built again would give the same groups, checked from what is stored:

    - the key is not per day, and every new figure has a calendar date and no group yet;
    - each new figure's place is already named in the key (or it has none), so which place an
      unplaced figure joins does not change;
    - its date lies within the period of a group of its place, so the periods stay as they are
      (a date inside a run of figures with no gap wider than ``window_days`` makes no new gap);
    - that group conflicts on one date (``judge`` finds the earliest date with incompatible
      figures of its own and keeps it in ``decided_on``; a group stored without it, by an older
      version, is built again, which stores it), checked by judging that day's
      figures again (``_judged_on``, a few rows through the date indexes: a claimant renamed since
      is not kept), and the new date is not earlier. Days before it are unchanged, and figures added
      on it only widen its extremes, so the group still conflicts first on that day: a later figure
      leaves verdict and explanation as they are; one on that day gives the explanation of that
      day's figures judged with it.

    Then only the new claims join the group (its claim ids, their keys, and ``claim_group_changes``
    as ``_regroup`` records it: the new claims, and every member when the explanation changed).
    Returns the keys done; the others are built again by ``_regroup``."""
    db = store.db
    lx = _lex()
    done: list[tuple[str, str]] = []
    for (counts, part), new in sorted(added.items()):
        if counts in lx["per_day"] or part.partition("|of:")[0] == "day":
            continue
        ids = {cid for cid, _, _ in new}
        if len(ids) != len(new) or any(not d or _day(d) is None for _, _, d in new):
            continue
        if db.execute(f"SELECT 1 FROM claim_keys WHERE group_id IS NOT NULL AND claim_id IN ({','.join('?' * len(ids))})",
                      sorted(ids)).fetchone():
            continue  # a pass run again: built as a whole
        places = [r[0] for r in db.execute(
            'SELECT DISTINCT "where" FROM claim_keys WHERE counts=? AND part=? AND "where" IS NOT NULL', (counts, part))]
        news = {w: sum(1 for _, w2, _ in new if w2 == w) for _, w, _ in new if w}
        if any(db.execute('SELECT count(*) FROM claim_keys WHERE counts=? AND part=? AND "where"=?',
                          (counts, part, w)).fetchone()[0] <= n for w, n in news.items()):
            continue  # a place first named by the new figures
        gids = [r[0] for r in db.execute("SELECT DISTINCT group_id FROM claim_keys WHERE counts=? AND part=? "
                                         "AND group_id IS NOT NULL", (counts, part))]
        groups = [r for k in range(0, len(gids), 500) for r in db.execute(
            'SELECT id, "where", period, verdict, explanation, decided_on FROM claim_groups WHERE id IN '
            f"({','.join('?' * len(gids[k:k + 500]))})", gids[k:k + 500])]
        joins: dict[str, list[tuple[str, str]]] = {}
        checked: dict[str, bool] = {}
        decided: dict[str, str] = {}  # the day each joined group first conflicts on
        for cid, where, date in new:
            assert date is not None  # checked above
            place = where or (places[0] if len(places) == 1 else None)
            for gid, gwhere, period, verdict, explanation, day in groups:
                first, _, last = (period or "").partition("/")
                if not (gwhere == place and first and first <= date <= (last or first) and verdict == "conflict"
                        and day and date >= day):
                    continue
                if gid not in checked:
                    checked[gid] = _judged_on(store, gid, counts, part, gwhere, day) == explanation
                if checked[gid]:
                    joins.setdefault(gid, []).append((cid, date))
                    decided[gid] = day
                    break
            else:
                break
        else:
            by_id = {g[0]: g for g in groups}
            explained: dict[str, str] = {}
            for gid, cids in joins.items():
                on_day = [c for c, date in cids if date == decided[gid]]
                if on_day:
                    text = _judged_on(store, gid, counts, part, by_id[gid][1], decided[gid], on_day)
                    if text is None:
                        break  # cannot be (a day's extremes only widen): built again to be safe
                    explained[gid] = text
            else:
                with db:
                    moved = set(ids)
                    for gid, cids in sorted(joins.items()):
                        members = sorted(json.loads(db.execute("SELECT claim_ids FROM claim_groups WHERE id=?",
                                                               (gid,)).fetchone()[0]) + [c for c, _ in cids])
                        text = explained.get(gid, by_id[gid][4])
                        db.execute("UPDATE claim_groups SET claim_ids=?, explanation=? WHERE id=?",
                                   (json.dumps(members), text, gid))
                        if text != by_id[gid][4]:
                            moved |= set(members)
                        db.executemany("UPDATE claim_keys SET group_id=? WHERE claim_id=?", [(gid, c) for c, _ in cids])
                    db.executemany("INSERT OR IGNORE INTO claim_group_changes VALUES (?)", [(c,) for c in sorted(moved)])
                done.append((counts, part))
    return done


def _repeats(a: Member, b: Member) -> bool:
    """The same figure from the same source on the same date in the same place (as keyed): all that
    grouping and ``judge`` read of a figure (its interval, and its sentence: ``said``)."""
    return (a.where, a.qualifier, a.value, _interval(a), a.said()) == (b.where, b.qualifier, b.value, _interval(b),
                                                                       b.said())


def _join_repeats(store: Any, added: dict[tuple[str, str], list[tuple[str, str | None, str | None]]]
                  ) -> list[tuple[str, str]]:
    """Add new figures that repeat a grouped figure of their key without reading the key again: the
    same place (as keyed), date, figure (value, bounds, qualifier) and source as a member of a group,
    as wire copy repeats a ministry's toll. Such a figure changes nothing but the group's members,
    whatever its verdict: its date is already in the period (no new gap, the same first date, so the
    same group id), its place already named, its interval already judged on that day, and every
    sentence ``judge`` writes about it (``Member.said``, ``figure``, the date) reads as the member's
    does, so an agreement lists the same distinct figures, an update and a conflict name the same
    figures. A key whose new figures do not all repeat a member is built again by ``_regroup``.
    Returns the keys done."""
    db = store.db
    done: list[tuple[str, str]] = []
    for (counts, part), new in sorted(added.items()):
        ids = sorted({cid for cid, _, _ in new})
        if len(ids) != len(new) or any(not d for _, _, d in new):
            continue
        if db.execute(f"SELECT 1 FROM claim_keys WHERE group_id IS NOT NULL AND claim_id IN ({','.join('?' * len(ids))})",
                      ids).fetchone():
            continue  # a pass run again: built as a whole
        mine = {r["id"]: _member(r) for r in db.execute(
            _MEMBER_SQL + f" AND k.claim_id IN ({','.join('?' * len(ids))})", (counts, part, *ids))}
        joins: list[tuple[str, str]] = []
        for cid, _, date in new:
            m = mine.get(cid)
            if m is None or m.date != date:
                break
            # the key's grouped figures of that day with that value (through the date indexes)
            day = (_MEMBER_SQL + " AND k.group_id IS NOT NULL AND c.value=? AND c.qualifier=? AND c.id IN (SELECT id "
                   "FROM claims WHERE counts=? AND as_of=? UNION SELECT c2.id FROM articles a2 JOIN claims c2 ON "
                   "c2.article_id=a2.id WHERE a2.published=? AND c2.counts=? AND (c2.as_of IS NULL OR c2.as_of=''))")
            args = (counts, part, m.value, m.qualifier, counts, date, date, counts)
            gid = next((r["group_id"] for r in db.execute(day + ' AND k."where" IS ? ORDER BY c.id', (*args, m.where))
                        if r["id"] not in mine and _repeats(_member(r), m)), None)
            if gid is None or db.execute("SELECT 1 FROM claim_groups WHERE id=?", (gid,)).fetchone() is None:
                break
            # judge orders a day's figures by source, value, qualifier, then id: one of the group's
            # figures with those but another interval (a range) would be named before or after the new
            # one by id alone, so the group is built again then
            if any(_interval(_member(r)) != _interval(m) for r in db.execute(day + " AND k.group_id=?", (*args, gid))
                   if r["date"] == date):
                break
            joins.append((gid, cid))
        else:
            with db:
                for gid in sorted({g for g, _ in joins}):
                    members = json.loads(db.execute("SELECT claim_ids FROM claim_groups WHERE id=?", (gid,)).fetchone()[0])
                    db.execute("UPDATE claim_groups SET claim_ids=? WHERE id=?",
                               (json.dumps(sorted(members + [c for g, c in joins if g == gid])), gid))
                db.executemany("UPDATE claim_keys SET group_id=? WHERE claim_id=?", joins)
                db.executemany("INSERT OR IGNORE INTO claim_group_changes VALUES (?)", [(c,) for _, c in sorted(joins)])
            done.append((counts, part))
    return done


def pending(store: Any, upto: int | None = None) -> list[str]:
    """Articles stored since the last aggregate (a rowid mark kept in the meta table), up to rowid ``upto``."""
    row = store.db.execute("SELECT value FROM meta WHERE key='claim_groups_rowid'").fetchone()
    top = upto if upto is not None else store.db.execute("SELECT COALESCE(max(rowid), 0) FROM articles").fetchone()[0]
    return [r[0] for r in store.rows("SELECT id FROM articles WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                                     (int(row[0]) if row else 0, top))]


def backfill(store: Any) -> None:
    """A store grouped before claim keys were kept: key every claim once and build every group again."""
    db = store.db
    if db.execute("SELECT 1 FROM meta WHERE key='claim_keys'").fetchone():
        return
    _store_keys(store, list(_key_rows(store, "c.id NOT IN (SELECT claim_id FROM claim_keys)", ())))
    with db:
        db.execute("DELETE FROM claim_groups")
        db.execute("UPDATE claim_keys SET group_id=NULL")
    _regroup(store, {(r[0], r[1]): None for r in db.execute("SELECT DISTINCT counts, part FROM claim_keys")},
             record=False)  # a store from before claim keys: its stories have no views to refresh yet
    with db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('claim_keys', '1')")


def backfill_decided_on(store: Any) -> int:
    """A store whose conflicting groups were stored before ``decided_on`` was kept: build their keys
    again once, which stores it (an ingest otherwise builds such a key again the first time a figure
    joins it, 1-1.5 s for a running total of 25,000 figures at 100,000 articles). Returns the number
    of keys built again; a store done once (a mark in ``meta``) is not looked at again."""
    db = store.db
    if db.execute("SELECT 1 FROM meta WHERE key='claim_groups_decided_on'").fetchone():
        return 0
    keys = {(r[0], r[1]): None for r in db.execute(
        "SELECT DISTINCT k.counts, k.part FROM claim_groups g JOIN claim_keys k ON k.group_id=g.id "
        "WHERE g.verdict='conflict' AND g.decided_on IS NULL")}
    _regroup(store, dict(keys))
    with db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('claim_groups_decided_on', '1')")
    return len(keys)


def aggregate(store: Any, article_ids: Iterable[str], upto: int | None = None) -> None:
    """Key the claims of ``article_ids`` and build again only the groups of their (class, scope, part)
    keys, for per-day keys only on their dates (incremental: a key's other groups, and other keys, are
    not read). Idempotent: a pass killed half-way and run again gives the same groups."""
    ids = list(article_ids)
    backfill(store)
    parts: dict[tuple[str, str], set[str | None] | None] = {}
    added: dict[tuple[str, str], list[tuple[str, str | None, str | None]]] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        rows = list(_key_rows(store, f"c.article_id IN ({','.join('?' * len(chunk))})", tuple(chunk)))
        _store_keys(store, rows)
        for _, counts, part, _, date in rows:
            days = parts.setdefault((counts, part), set())
            assert days is not None
            days.add(date)
        for cid, counts, part, where, date in rows:
            added.setdefault((counts, part), []).append((cid, where, date))
    for key in _join_conflicts(store, added):
        del parts[key]
        del added[key]
    for key in _join_repeats(store, added):
        del parts[key]
    # a per-day key's undated figures make a part of their own with no dated figure (part_key), which is
    # never a group (windows): their day is not read again (8,000 undated aid-truck figures at 100,000)
    for (counts, part), days in sorted(parts.items()):
        if days is not None and (counts in _lex()["per_day"] or part.partition("|of:")[0] == "day"):
            days.discard(None)
            if not days:
                del parts[(counts, part)]
    _regroup(store, parts)
    top = upto if upto is not None else store.db.execute("SELECT COALESCE(max(rowid), 0) FROM articles").fetchone()[0]
    with store.db:
        store.db.execute("INSERT OR REPLACE INTO meta VALUES ('claim_groups_rowid', ?)", (str(top),))


def claim_rows(store: Any, where_sql: str = "", args: tuple = ()) -> list[dict[str, Any]]:
    """Claims as the reader sees them: figure in words, source (claimant, else the outlet), date."""
    out = []
    for r in store.rows(
            'SELECT c.id, c.article_id, c.counts, c."where", c.value, c.low, c.high, c.qualifier, c.as_of, c.text, '
            "ac.name AS claimant, a.outlet, a.path, a.published FROM claims c JOIN articles a ON a.id = c.article_id "
            f"LEFT JOIN actors ac ON ac.id = c.claimed_by_id {where_sql} "
            "ORDER BY c.counts, COALESCE(c.as_of, a.published) IS NULL, COALESCE(c.as_of, a.published), a.path, "
            "c.start", args):
        m = Member(r["id"], "", r["value"], r["low"], r["high"], r["qualifier"], r["counts"], None, "", None, "")
        out.append({"claim_id": r["id"], "article_id": r["article_id"], "counts": r["counts"],
                    "where": normalise_where(r["where"]), "figure": m.figure, "value": r["value"], "low": r["low"],
                    "high": r["high"], "qualifier": r["qualifier"], "text": r["text"],
                    "source": r["claimant"] or r["outlet"] or os.path.basename(r["path"] or ""),
                    "source_kind": "claimant" if r["claimant"] else "outlet",
                    "outlet": r["outlet"], "date": r["as_of"] or r["published"]})
    return out


def group_records(store: Any) -> list[dict[str, Any]]:
    """Every stored group as an export record (type claim_group), in a stable order, with its
    members (claim id, source, figure, date) in date order."""
    out = []
    try:
        rows = list(store.rows('SELECT id, counts, "where", period, verdict, explanation, claim_ids '
                               "FROM claim_groups ORDER BY counts, id"))
    except sqlite3.OperationalError:
        return []  # a database written before claim groups existed
    member = {c["claim_id"]: c for c in claim_rows(
        store, "WHERE c.id IN (SELECT value FROM claim_groups, json_each(claim_groups.claim_ids))")}
    for r in rows:
        ids = json.loads(r["claim_ids"])
        ms = sorted((member[i] for i in ids if i in member), key=lambda c: (c["date"] is None, c["date"] or "",
                                                                               c["claim_id"]))
        out.append({"type": "claim_group", "id": r["id"], "counts": r["counts"], "where": r["where"],
                    "period": r["period"], "claim_ids": ids, "verdict": r["verdict"],
                    "explanation": r["explanation"],
                    "members": [{k: c[k] for k in ("claim_id", "article_id", "source", "source_kind", "figure", "date")}
                                for c in ms]})
    return out


def table(store: Any, counts: str | None = None) -> dict[str, Any]:
    """Claims by counted thing, source and date, each with its group's verdict (`storyline claims`)."""
    groups = group_records(store)
    if counts:
        groups = [g for g in groups if g["counts"] == counts]
    of = {cid: g for g in groups for cid in g["claim_ids"]}
    rows = claim_rows(store, "WHERE c.counts = ?" if counts else "WHERE c.counts IS NOT NULL",
                      (counts,) if counts else ())
    for row in rows:
        g = of.get(row["claim_id"])
        row.update(group_id=g["id"] if g else None, verdict=g["verdict"] if g else None)
    return {"claims": rows, "groups": groups}
