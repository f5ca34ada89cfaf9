"""API latency on a large store: p50/p95 per endpoint against a real `storyline serve` on loopback.

    python bench/api_latency.py [--articles 10000] [--requests 60] [--rebuild] [--json out.json]

Building the store. Analysing 10,000 articles with spaCy would take an hour on this machine, so
the store is synthesised from our own fictional sample corpus: the 12 sample reports are analysed
once for real, then each synthetic article is a copy of one of them in which about a third of
the words outside every extracted span (quotes, speakers, claims) are swapped for words of the
same length from a vocabulary drawn per "topic" (so offsets stay valid and articles of a topic
resemble each other), with its own outlet and date spread over about a year. Their records are
written straight through ``Store.write`` (the same path as ``storyline ingest``, less the spaCy
analysis), then the real incremental aggregation (``stories.aggregate``: copied paragraphs and
story clustering) runs over them in batches, as ingest does. The store is cached under
out/bench/ and reused unless --rebuild (or a different --articles) is given.

Goal: p95 < 100 ms for every API endpoint. Prints a markdown table and a JSON summary.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from storyline import api, stories
from storyline.ingest import expand, read
from storyline.records import Analysis, stable_id, text_id
from storyline.store import Store

SAMPLE = os.path.join(ROOT, "src", "storyline", "sample")
OUTLETS = ["Nordpress", "KNA", "Selvin Wire", "Lomen Courier", "Quill Post", "Tern News", "Gull Daily",
           "Brine Herald", "Reed Wire", "Cove Times"]
TOPICS = 300


def _seed_analyses() -> list[Analysis]:
    texts = []
    for path in expand([SAMPLE]):
        for item in read(path):
            if hasattr(item, "text") and not item.path.endswith(".md"):
                texts.append({"id": item.path, "text": item.text, **getattr(item, "meta", {})})
    return [a for a in api.analyze_texts(texts) if a.quotes]


@functools.cache
def _vocab(topic: int) -> dict[int, list[str]]:
    rnd = random.Random(topic)
    return {n: ["".join(rnd.choice(string.ascii_lowercase) for _ in range(n)) for _ in range(6)] for n in range(1, 20)}


def _vary(an: Analysis, i: int, day0: int) -> Analysis:
    """A synthetic article from a real analysis: same spans and offsets, other words and metadata."""
    import datetime as dt
    import re

    rnd = random.Random(i)
    topic = rnd.randrange(TOPICS)
    vocab = _vocab(topic)
    text = an.article.text
    keep = [(q.start, q.end) for q in an.quotes] + [(c.start, c.end) for c in an.claims]
    keep += [(q.speaker.start, q.speaker.end) for q in an.quotes if q.speaker and q.speaker.start is not None]
    chars = list(text)
    for m in re.finditer(r"[A-Za-z]{3,}", text):
        if rnd.random() < 0.35 and not any(s < m.end() and m.start() < e for s, e in keep):
            w = rnd.choice(vocab[min(len(m.group()), 19)])[: len(m.group())].ljust(len(m.group()), "x")
            chars[m.start():m.end()] = w.capitalize() if m.group()[0].isupper() else w
    new_text = "".join(chars)
    aid = text_id(new_text + f"#{i}")
    day = dt.date.fromordinal(day0 + (topic * 7 + rnd.randrange(5)) % 400).isoformat()
    art = dataclasses.replace(an.article, id=aid, path=f"synthetic-{i:06d}", text=new_text,
                              outlet=OUTLETS[rnd.randrange(len(OUTLETS))], published=day,
                              published_source="metadata", title=f"{an.article.title or ''} ({topic})")
    quotes = [dataclasses.replace(q, id=stable_id("quote", aid, q.start, q.end), article_id=aid) for q in an.quotes]
    claims = [dataclasses.replace(c, id=stable_id("claim", aid, c.start, c.end), article_id=aid,
                                  quote_id=None, as_of=day) for c in an.claims]
    return Analysis(article=art, quotes=quotes, claims=claims, actors=an.actors)


def build(final: str, n: int) -> dict[str, float]:
    """Build the store in a side file and move it into place when complete (an interrupted build
    is never reused)."""
    import datetime as dt

    db = final + ".building"
    for name in (db, final):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(name + suffix):
                os.remove(name + suffix)
    t0 = time.perf_counter()
    seeds = _seed_analyses()
    t1 = time.perf_counter()
    store = Store(db)
    day0 = dt.date(2024, 1, 1).toordinal()
    batch: list[str] = []
    for i in range(n):
        an = _vary(seeds[i % len(seeds)], i, day0)
        store.write(an)
        batch.append(an.article.id)
        if len(batch) == 500:
            stories.aggregate(store, batch)
            batch = []
            print(f"  {i + 1} articles", file=sys.stderr)
    stories.aggregate(store, batch)
    store.db.execute("PRAGMA optimize")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    os.replace(db, final)
    t2 = time.perf_counter()
    return {"seed_analysis_s": round(t1 - t0, 1), "write_and_aggregate_s": round(t2 - t1, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[float, int, bytes]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
        status = r.status
    return (time.perf_counter() - t) * 1000, status, body


def measure(db: str, requests: int) -> list[dict[str, object]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "src")})
    try:
        for _ in range(200):
            try:
                _get(base + "/openapi.json")
                break
            except OSError:
                time.sleep(0.1)
        # the story with the most articles: the heaviest story page
        first = json.loads(_get(base + "/api/stories?limit=500")[2])["items"]
        sid = max(first, key=lambda s: (len(s["article_ids"]), s["id"]))["id"]
        aid = json.loads(_get(base + f"/api/articles?story={sid}&limit=1")[2])["items"][0]["id"]
        qid = json.loads(_get(base + "/api/quotes?limit=1&offset=777")[2])["items"][0]["id"]
        actor = json.loads(_get(base + "/api/actors?type=person&limit=1")[2])["items"][0]["name"]
        # the cursor of the page at offset 20000, for keyset paging (old servers give no `next`)
        deep = json.loads(_get(base + "/api/quotes?limit=50&offset=19950")[2]).get("next")
        a = urllib.request.quote(actor)
        cases = {
            "/api/stories": ["/api/stories", "/api/stories?offset=100", f"/api/stories?actor={a}",
                             "/api/stories?outlet=KNA&date_from=2024-03-01&date_to=2024-06-30",
                             "/api/stories?type=multi_outlet"],
            "/api/stories/{id}": [f"/api/stories/{sid}"],
            "/api/articles": ["/api/articles", "/api/articles?offset=5000", "/api/articles?q=hostages",
                              "/api/articles?q=evacuation%20corridor", f"/api/articles?actor={a}",
                              "/api/articles?outlet=KNA&date_from=2024-05-01&date_to=2024-05-31",
                              "/api/articles?type=copied"],
            "/api/articles/{id}": [f"/api/articles/{aid}"],
            "/api/quotes": ["/api/quotes", "/api/quotes?offset=20000", f"/api/quotes?actor={a}",
                            "/api/quotes?type=direct&outlet=KNA", "/api/quotes?date_from=2024-06-01&date_to=2024-06-07"],
            **({"/api/quotes?after= (keyset, page 401)": [f"/api/quotes?after={deep}"]} if deep else {}),
            "/api/quotes/{id}": [f"/api/quotes/{qid}"],
            "/api/claims": ["/api/claims", "/api/claims?type=killed", f"/api/claims?actor={a}",
                            "/api/claims?outlet=Nordpress&date_from=2024-02-01&date_to=2024-02-29"],
            "/api/events": ["/api/events", "/api/events?type=ACCUSE"],
            "/api/actors": ["/api/actors", "/api/actors?type=person", f"/api/actors?actor={a}",
                            "/api/actors?outlet=KNA"],
            "page /stories/{id}": [f"/stories/{sid}"],
            "page /articles/{id}": [f"/articles/{aid}"],
            "page /search": ["/search?q=hostages"],
        }
        rows = []
        for name, urls in cases.items():
            for u in urls:
                _get(base + u)  # warm
            times = []
            for k in range(requests):
                ms, status, _ = _get(base + urls[k % len(urls)])
                assert status == 200
                times.append(ms)
            times.sort()
            rows.append({"endpoint": name, "requests": len(times), "p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1)})
        return rows
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=60, help="timed requests per endpoint")
    ap.add_argument("--db", default=None, help="store to build or reuse (default out/bench/api_N.db)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--json", default=None, help="also write the summary here")
    args = ap.parse_args()
    db = args.db or os.path.join(ROOT, "out", "bench", f"api_{args.articles}.db")
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    build_info: dict[str, object] = {"reused": True}
    if args.rebuild or not os.path.exists(db):
        print(f"building a {args.articles}-article store in {db} ...", file=sys.stderr)
        build_info = {"reused": False, **build(db, args.articles)}
    # a reused store may hold story views of an older version (ignored, so computed per request):
    # built here as `storyline views` does after an upgrade, not in the timed requests
    build_info["views_built"] = api.refresh_views(db)
    s = Store(db, readonly=True)
    counts = s.counts()
    counts["stories"] = s.db.execute("SELECT count(*) FROM stories").fetchone()[0]
    s.close()
    rows = measure(db, args.requests)
    summary = {"db": db, "counts": counts, "build": build_info, "goal_p95_ms": 100,
               "all_api_under_goal": all(r["p95_ms"] < 100 for r in rows if str(r["endpoint"]).startswith("/api")),
               "endpoints": rows}
    print(f"\nAPI latency, {counts['articles']} articles, {counts['quotes']} quotes, {counts['stories']} stories "
          f"(real server on 127.0.0.1, {args.requests} requests each)\n")
    print("| endpoint | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: |")
    for r in rows:
        print(f"| `{r['endpoint']}` | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |")
    print("\n" + json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
