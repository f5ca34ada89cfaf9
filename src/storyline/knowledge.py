"""What storyline knows about actors before reading: countries, capitals, organisations, sectors.

The knowledge is data (``data/knowledge.json``): countries with their ISO 3166-1 alpha-3 code,
adjectives and demonyms, capital and other names; organisations (UN bodies, the OIC, the Arab
League, armed groups, parties, ministries' usual names, media) with kind, sector and country;
and the words that give an actor's sector ("army" → military, "rebels" → armed group).

Users extend it with their own file of the same shape: ``storyline ingest --knowledge FILE``,
``api.ingest(..., knowledge=[FILE])`` or the ``STORYLINE_KNOWLEDGE`` environment variable
(paths separated by ``os.pathsep``). Entries in a user file add to the bundled ones and win
over them when they name the same thing.

After articles are stored, :func:`enrich` gives every actor they touch its country, sector
and canonical kind, and merges actors that the corpus shows to be one ("IDF" and "Israel
Defense Forces", an acronym written in brackets after a name, a knowledge alias).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .lexicon import load_lexicon
from .names import fold

ENV = "STORYLINE_KNOWLEDGE"


@dataclass(frozen=True)
class Entity:
    """A known actor: a country or an organisation."""

    name: str
    kind: str  # state / organisation / group
    sector: str | None
    country: str | None
    aliases: tuple[str, ...] = ()


@dataclass
class Knowledge:
    countries: dict[str, Entity] = field(default_factory=dict)  # folded name/alias -> state
    adjectives: dict[str, Entity] = field(default_factory=dict)  # folded adjective/demonym -> state
    capitals: dict[str, Entity] = field(default_factory=dict)  # folded capital -> state
    orgs: dict[str, Entity] = field(default_factory=dict)  # folded name/alias -> organisation
    sector_words: dict[str, str] = field(default_factory=dict)  # word or phrase -> sector
    plover_sectors: dict[str, str] = field(default_factory=dict)

    def add(self, data: dict[str, Any]) -> None:
        for row in data.get("countries", []):
            name, iso, adjs, capital = row[0], row[1], row[2], row[3]
            others = row[4] if len(row) > 4 else []
            ent = Entity(name=name, kind="state", sector="government", country=iso,
                         aliases=tuple(sorted(set(others) | {name})))
            for n in [name, *others]:
                self.countries[fold(n)] = ent
            for a in adjs if isinstance(adjs, list) else [adjs]:
                self.adjectives[fold(a)] = ent
                self.adjectives[fold(a) + "s"] = ent
            if capital:
                self.capitals[fold(capital)] = ent
        for row in data.get("organisations", []):
            name, kind, sector, country = row[0], row[1], row[2], row[3]
            aliases = row[4] if len(row) > 4 else []
            ent = Entity(name=name, kind=kind, sector=sector, country=country,
                         aliases=tuple(sorted(set(aliases) | {name})))
            for n in [name, *aliases]:
                self.orgs[_key(n)] = ent
        for sector, words in data.get("sector_words", {}).items():
            for w in words:
                self.sector_words[w.lower()] = sector
        self.plover_sectors.update(data.get("plover_sectors", {}))

    # ---- look-ups ------------------------------------------------------------------------
    def country(self, text: str) -> Entity | None:
        """A country named by its name, another name, adjective, demonym or capital."""
        k = fold(_strip(text))
        return self.countries.get(k) or self.adjectives.get(k) or self.capitals.get(k)

    def org(self, text: str) -> Entity | None:
        return self.orgs.get(_key(text))

    def sector(self, text: str) -> str | None:
        """The sector the words of a name or role give ("Foreign Ministry" → government)."""
        low = " " + re.sub(r"[^\w\s-]", " ", text.lower()) + " "
        best: tuple[int, str] | None = None
        for phrase, sector in self.sector_words.items():
            at = low.rfind(f" {phrase} ")
            # the last matching word wins: "army spokesman" is the army's
            if at >= 0 and (best is None or at > best[0] or (at == best[0] and len(phrase) > 0)):
                best = (at, sector)
        return best[1] if best else None

    def country_in(self, text: str) -> Entity | None:
        """The first country a phrase names by any word ("Russian Foreign Ministry" → Russia)."""
        words = re.findall(r"[\w'.-]+", text)
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                ent = self.country(" ".join(words[i:i + n]))
                if ent is not None:
                    return ent
        return None


def _strip(text: str) -> str:
    t = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"['’]s$", "", t).strip()


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(_strip(text)).replace("-", " "))


def paths_from_env() -> tuple[str, ...]:
    raw = os.environ.get(ENV, "")
    return tuple(p for p in raw.split(os.pathsep) if p)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> Knowledge:
    k = Knowledge()
    k.add(load_lexicon("knowledge"))
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                k.add(json.load(f))
        except (OSError, ValueError, IndexError, TypeError) as e:
            from .errors import StorylineError

            raise StorylineError(f"cannot read the knowledge file {p}: {e}; it must be JSON with the keys of "
                                 "storyline/data/knowledge.json (countries, organisations, sector_words)") from None
    return k


def load(paths: tuple[str, ...] | None = None) -> Knowledge:
    """The bundled knowledge plus the user's files (``STORYLINE_KNOWLEDGE`` when paths is None)."""
    return _load(paths_from_env() if paths is None else tuple(paths))


def use(paths: list[str] | tuple[str, ...] | None) -> None:
    """Make user knowledge files visible to this process and the workers it starts."""
    if paths:
        for p in paths:
            if not os.path.isfile(p):
                from .errors import StorylineError

                raise StorylineError(f"no knowledge file at {p}; pass an existing JSON file to --knowledge")
        os.environ[ENV] = os.pathsep.join(os.path.abspath(p) for p in paths)
        load()  # fail early on a malformed file


# ---- after the store: enrich and merge actors ------------------------------------------------
PERSON_SECTORS = {"government": "government", "military": "military", "police": "police", "judiciary": "judiciary",
                  "legislature": "legislature"}


def describe(kn: Knowledge, name: str, kind: str, roles: list[str], aliases: list[str]) -> dict[str, Any]:
    """Kind, country and sector for an actor from its name, aliases and roles."""
    out: dict[str, Any] = {}
    forms = [name, *aliases]
    for f in forms:
        ent = kn.org(f)
        if ent is not None and kind != "person":
            out.update(kind=ent.kind, sector=ent.sector, country=ent.country, canonical=ent.name)
            return out
    if kind == "state" or any(fold(_strip(f)) in kn.countries for f in forms):
        ent = kn.country(name) or next((kn.country(f) for f in aliases if kn.country(f)), None)
        if ent is not None and kind != "person":
            out.update(kind="state", sector="government", country=ent.country, canonical=ent.name)
            return out
    where = kn.country_in(name) or next((kn.country_in(f) for f in aliases if kn.country_in(f)), None)
    if where is not None and kind != "unnamed_source":
        out["country"] = where.country
    if kind == "person":
        sec = kn.sector(" ".join(roles)) if roles else None
        out["sector"] = PERSON_SECTORS.get(sec or "", sec)
    elif kind in ("organisation", "group"):
        out["sector"] = kn.sector(name)
        if out["sector"] == "armed_group":
            out["kind"] = "group"
    return out


def enrich(store: Any, article_ids: list[str]) -> None:
    """Country, sector and kind for the actors of these articles; merge what the corpus shows is one."""
    db = store.db
    cols = {r[1] for r in db.execute("PRAGMA table_info(actors)")}
    if "sector" not in cols:
        db.execute("ALTER TABLE actors ADD COLUMN sector TEXT")
    if not article_ids:
        return
    kn = load()
    marks = ",".join("?" * len(article_ids))
    ids = [r[0] for r in db.execute(f"SELECT DISTINCT actor_id FROM article_actors WHERE article_id IN ({marks})",
                                    article_ids)]
    with db:
        for aid in ids:
            r = db.execute("SELECT * FROM actors WHERE id=?", (aid,)).fetchone()
            if r is None:
                continue
            aliases = json.loads(r["aliases"] or "[]")
            info = describe(kn, r["name"], r["kind"], json.loads(r["roles"] or "[]"), aliases)
            canonical = info.pop("canonical", None)
            if canonical and canonical != r["name"] and r["kind"] != "person":
                target = _same_canonical(db, canonical, aid)
                if target:
                    _merge(db, aid, target)
                    continue
                aliases = sorted(set(aliases) | {r["name"], canonical})
                db.execute("UPDATE actors SET name=?, aliases=? WHERE id=?", (canonical, json.dumps(aliases), aid))
            db.execute("UPDATE actors SET kind=COALESCE(?, kind), country=COALESCE(country, ?), "
                       "sector=COALESCE(?, sector) WHERE id=?",
                       (info.get("kind"), info.get("country"), info.get("sector"), aid))
        _merge_learned(db, ids)
        _merge_surnames(db, ids, article_ids)


def _merge_surnames(db: Any, ids: list[str], article_ids: list[str]) -> None:
    """A one-word "organisation" that is the surname of a person the same article names ("Voss welcomed")."""
    from .names import person_key

    # the persons of these articles with a first name, by surname key, the first by id kept: read once,
    # since merging an organisation into one of them changes neither the set nor their names
    persons: dict[str, str] | None = None
    for aid in ids:
        r = db.execute("SELECT id, name, kind FROM actors WHERE id=?", (aid,)).fetchone()
        if r is None or r["kind"] not in ("organisation", "group") or len(r["name"].split()) != 1:
            continue
        if r["name"].isupper() or load().org(r["name"]) is not None:
            continue  # "NATO", "Hamas": known organisations stay
        key = person_key(r["name"])
        if len(key) < 3:
            continue
        if persons is None:
            persons = {}
            marks = ",".join("?" * len(article_ids))
            for p in db.execute(f"SELECT DISTINCT ac.id, ac.name FROM article_actors aa JOIN actors ac "
                                f"ON ac.id=aa.actor_id WHERE aa.article_id IN ({marks}) AND ac.kind='person' "
                                "ORDER BY ac.id", article_ids):
                if len(p["name"].split()) > 1:
                    persons.setdefault(person_key(p["name"]), p["id"])
        if key in persons:
            _merge(db, aid, persons[key])


def _same_canonical(db: Any, canonical: str, aid: str) -> str | None:
    row = db.execute("SELECT id FROM actors WHERE name=? AND id<>? AND kind<>'person' ORDER BY id LIMIT 1",
                     (canonical, aid)).fetchone()
    return row[0] if row else None


def _merge_learned(db: Any, ids: list[str]) -> None:
    """Organisations one of whose names is a recorded alias of another: "IDF" and "Israel Defense Forces (IDF)"."""
    for aid in ids:
        r = db.execute("SELECT id, name, kind FROM actors WHERE id=?", (aid,)).fetchone()
        if r is None or r["kind"] not in ("organisation", "group"):
            continue
        for o in db.execute("SELECT id, aliases FROM actors WHERE id<>? AND kind IN ('organisation','group') "
                            "AND aliases LIKE ?", (aid, f'%{json.dumps(r["name"])}%')):
            if r["name"] in json.loads(o["aliases"] or "[]"):
                _merge(db, aid, o["id"])
                break


def _merge(db: Any, src: str, dst: str) -> None:
    """Fold actor src into dst: every reference to src now points to dst."""
    a = db.execute("SELECT aliases, roles, country, sector FROM actors WHERE id=?", (src,)).fetchone()
    b = db.execute("SELECT aliases, roles FROM actors WHERE id=?", (dst,)).fetchone()
    if a is None or b is None:
        return
    aliases = sorted(set(json.loads(a["aliases"] or "[]")) | set(json.loads(b["aliases"] or "[]")))
    roles = sorted(set(json.loads(a["roles"] or "[]")) | set(json.loads(b["roles"] or "[]")))
    db.execute("UPDATE actors SET aliases=?, roles=?, country=COALESCE(country, ?), sector=COALESCE(sector, ?) "
               "WHERE id=?", (json.dumps(aliases), json.dumps(roles), a["country"], a["sector"], dst))
    for table, col in _actor_columns(db):
        db.execute(f'UPDATE {table} SET "{col}"=? WHERE "{col}"=?', (dst, src))
    db.execute("DELETE FROM actors WHERE id=?", (src,))


def _actor_columns(db: Any) -> list[tuple[str, str]]:
    """Every (table, column) that holds an actor id, whichever tables this store has.

    ``story_view_actor_names`` is left out: it records which actors a stored story view showed,
    and a merged-away id must stay there so story_views.stale() sees the view is out of date."""
    names = {"actor_id", "speaker_id", "claimed_by_id", "recipient_id"}
    out = []
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        if t in ("actors", "story_view_actor_names") or t.startswith("articles_fts"):
            continue
        for c in db.execute(f'PRAGMA table_info("{t}")'):
            if c[1] in names:
                out.append((t, c[1]))
    return out
