"""Events in the export: JSON Lines records (``event``, ``event_cluster``) and PLOVER JSON.

``event`` follows the export contract (DESIGN.md): id, article_id, start, end, event_type, mode,
actor {actor_id, name, aliases, text}, recipient (or null), date, location, plus status, trigger,
context, quote_id and cluster_id. ``event_cluster`` is {id, event_ids}.

``storyline export --format plover`` writes one PLOVER record per event cluster that was
reported as having happened (negated events are left out; future and hypothetical ones carry
the auxiliary mode in ``context``): id, date, actor and recipient as lists of entity objects
{code, sector, entity_text, identifier_text}, event, mode, context, event_text, event_loc, and
where it came from (the articles and character spans).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from .knowledge import load as load_knowledge


def _party(actors: dict, actor_id: str | None, text: str | None) -> dict[str, Any] | None:
    if actor_id is None and not text:
        return None
    a = actors.get(actor_id) if actor_id else None
    if a is None:
        return {"actor_id": None, "name": text, "aliases": [], "text": text, "kind": None}
    return {"actor_id": a["id"], "name": a["name"], "aliases": json.loads(a["aliases"]), "text": text,
            "kind": a["kind"], "country": a["country"], "sector": a["sector"] if "sector" in a.keys() else None}


def _tables(store: Any) -> set[str]:
    return {r[0] for r in store.rows("SELECT name FROM sqlite_master WHERE type='table'")}


def event_records(store: Any, actors: dict, article_id: str) -> Iterator[dict[str, Any]]:
    if "events" not in _tables(store):
        return
    for e in store.rows('SELECT * FROM events WHERE article_id=? ORDER BY start, "end", id', (article_id,)):
        yield {"type": "event", "id": e["id"], "article_id": e["article_id"], "start": e["start"], "end": e["end"],
               "event_type": e["event_type"], "mode": e["mode"], "context": json.loads(e["context"] or "[]"),
               "actor": _party(actors, e["actor_id"], e["actor_text"]),
               "recipient": _party(actors, e["recipient_id"], e["recipient_text"]),
               "date": e["date"], "location": e["location"], "status": e["status"], "trigger": e["trigger"],
               "trigger_start": e["trigger_start"], "trigger_end": e["trigger_end"], "quote_id": e["quote_id"],
               "cluster_id": e["cluster_id"]}


def cluster_records(store: Any) -> Iterator[dict[str, Any]]:
    if "event_clusters" not in _tables(store):
        return
    for c in store.rows("SELECT id, event_ids FROM event_clusters ORDER BY id"):
        yield {"type": "event_cluster", "id": c["id"], "event_ids": json.loads(c["event_ids"])}


def _entity(kn: Any, actors: dict, actor_id: str | None, text: str | None) -> dict[str, Any] | None:
    if actor_id is None and not text:
        return None
    a = actors.get(actor_id) if actor_id else None
    code = a["country"] if a is not None else None
    sector = a["sector"] if a is not None and "sector" in a.keys() else None
    if a is not None and a["kind"] in ("organisation", "group"):
        ent = kn.org(a["name"])
        if ent is not None and ent.sector == "igo":
            code = "IGO"
        elif ent is not None and ent.sector == "ngo":
            code = "NGO"
    if code is None and text:
        where = kn.country_in(text)
        code = where.country if where else None
    words_sector = kn.sector(text or "") if text else None
    sector = words_sector or sector
    out = {"code": code, "sector": kn.plover_sectors.get(sector or "", None), "entity_text": text}
    if a is not None:
        out["identifier_text"] = a["name"]
        out["identifier_id"] = a["id"]
    return {k: v for k, v in out.items() if v is not None}


def plover_records(store: Any) -> Iterator[dict[str, Any]]:
    """One PLOVER record per event cluster that did not fail to happen."""
    if "events" not in _tables(store):
        return
    kn = load_knowledge()
    actors = store.actor_map()
    arts = {r["id"]: r for r in store.rows("SELECT id, path, outlet, published FROM articles")}
    rows = list(store.rows('SELECT * FROM events WHERE status<>? ORDER BY cluster_id, article_id, start, id',
                           ("negated",)))
    groups: dict[str, list[Any]] = {}
    for e in rows:
        groups.setdefault(e["cluster_id"] or e["id"], []).append(e)
    for cid in sorted(groups):
        evs = groups[cid]
        first = evs[0]
        context = list(json.loads(first["context"] or "[]"))
        if first["status"] in ("future", "hypothetical"):
            context.append(first["status"])
        dates = sorted(e["date"] for e in evs if e["date"])
        art = arts.get(first["article_id"])
        yield {
            "id": cid,
            "date": dates[0] if dates else (art["published"] if art is not None else None),
            "actor": [x for x in [_entity(kn, actors, first["actor_id"], first["actor_text"])] if x],
            "recipient": [x for x in [_entity(kn, actors, first["recipient_id"], first["recipient_text"])] if x],
            "event": [first["event_type"]],
            "mode": [first["mode"]] if first["mode"] else [],
            "context": context,
            "event_text": sorted({e["trigger"] for e in evs}),
            "event_loc": {"name": first["location"]} if first["location"] else None,
            "has_event": True,
            "coder": "storyline",
            "cite_info": [{"article_id": e["article_id"], "path": arts[e["article_id"]]["path"],
                           "outlet": arts[e["article_id"]]["outlet"], "start": e["start"], "end": e["end"],
                           "event_id": e["id"]} for e in evs if e["article_id"] in arts],
        }


def write_plover(store: Any, out: IO[str]) -> int:
    n = 0
    for rec in plover_records(store):
        out.write(json.dumps({k: v for k, v in rec.items() if v is not None}, ensure_ascii=False) + "\n")
        n += 1
    return n
