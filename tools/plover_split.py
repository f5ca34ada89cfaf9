"""PLOVER gold records scored per half and per type, for tuning the event lexicon honestly.

    .venv/bin/python tools/plover_split.py odd [--misses]   # the tuning half: counts, and the misses
    .venv/bin/python tools/plover_split.py even             # the held-out half: counts only, never texts

The even half is only ever reported as numbers, so its sentences cannot steer the lexicon. Records
are ingested as `make eval` ingests them (one half at a time) and scored the way `score.py plover`
scores them: a record counts when any event of its sentence has its type.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict

from storyline import api
from storyline.export import write_jsonl
from storyline.store import Store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLOVER2 = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("half", choices=("odd", "even"))
    ap.add_argument("--misses", action="store_true", help="odd half only: print each missed record")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = ap.parse_args(argv)
    parity = 1 if args.half == "odd" else 0
    with open(os.path.join(args.shared, "eval", "plover", "PLOVER_GSR_CAMEO.json"), encoding="utf-8") as f:
        gsr = json.load(f)

    def mine(rid: str) -> bool:
        tail = rid.rsplit("-", 1)[-1]
        return tail.isdigit() and int(tail) % 2 == parity

    gold = [r for r in gsr if r.get("text") and mine(r["id"])]
    with tempfile.TemporaryDirectory() as work:
        src = os.path.join(work, "in.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            f.writelines(json.dumps({"id": r["id"], "title": "", "text": r["text"]}) + "\n" for r in gold)
        db = os.path.join(work, "p.db")
        api.ingest([src], db=db)
        out = os.path.join(work, "out.jsonl")
        store = Store(db, readonly=True)
        with open(out, "w", encoding="utf-8") as f:
            write_jsonl(store, f)
        store.close()
        with open(out, encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
    key = {r["id"]: os.path.basename(r.get("path") or r["id"]) for r in recs if r["type"] == "article"}
    got: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        if r["type"] == "event":
            got[key.get(r["article_id"], r["article_id"])].append(r)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ok = 0
    misses = []
    for r in gold:
        want = PLOVER2.get(r["event"], r["event"])
        types = {e["event_type"] for e in got[r["id"]]}
        per[want][0] += 1
        if want in types:
            per[want][1] += 1
            ok += 1
        else:
            misses.append((r, want, got[r["id"]]))
    macro = sum(b / a for a, b in per.values()) / len(per)
    print(f"{args.half}: records {len(gold)} type_recall {ok / len(gold):.3f} macro_recall {macro:.3f}")
    print(" · ".join(f"{t} {b}/{a}" for t, (a, b) in sorted(per.items())))
    if args.misses and parity == 1:
        for r, want, evs in misses:
            print(f"\n{r['id']} want {want} ({r['event']}, mode {r.get('mode')!r})")
            print("  ", r["text"])
            print("   got:", [(e["event_type"], e.get("trigger"), e.get("status")) for e in evs])
    return 0


if __name__ == "__main__":
    sys.exit(main())
