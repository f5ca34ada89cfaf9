"""`make eval`: score storyline with the independent scorer in ../shared/eval/score.py.

Sets scored: the three hand-annotated wire reports (../shared/corpus/dev), PolNeAR dev
(../shared/eval/polnear/dev), and the project's own fictional reports (the sample corpus and
the held-out tests/fixtures/unseen set). With ``--check`` the run fails when a number falls
below its floor in eval_floors.json at the repo root.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import api
from .export import write_jsonl
from .store import Store

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(paths: list[str], workdir: str, name: str) -> tuple[str, float, int]:
    db = os.path.join(workdir, f"{name}.db")
    t0 = time.perf_counter()
    api.ingest(paths, db=db)
    dt = time.perf_counter() - t0
    out = os.path.join(workdir, f"{name}.jsonl")
    store = Store(db, readonly=True)
    words = sum(len(r[0].split()) for r in store.rows("SELECT text FROM articles"))
    with open(out, "w", encoding="utf-8") as f:
        write_jsonl(store, f)
    store.close()
    return out, dt, words


def _score(scorer: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, scorer, *args], capture_output=True, text=True, check=True)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    misses = [ln for ln in res.stdout.splitlines() if ln.startswith("miss:") and " event " not in ln]
    out = json.loads(lines[-1])
    if misses:
        out["_misses"] = misses
    return out


def _gold_folder(texts: str, gold: str, workdir: str, name: str) -> str:
    """The scorer reads articles beside the gold file: lay them out together."""
    folder = os.path.join(workdir, name + "_gold")
    os.makedirs(folder, exist_ok=True)
    g = json.load(open(gold, encoding="utf-8"))
    for doc in g["documents"]:
        shutil.copy(os.path.join(texts, doc), os.path.join(folder, doc))
    shutil.copy(gold, os.path.join(folder, "gold.json"))
    return os.path.join(folder, "gold.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--check", action="store_true", help="fail when a number falls below its floor")
    ap.add_argument("--only", nargs="*", help="wire, polnear, sample, unseen, wire_tune, wire_tune2, wire_tune3, wire_heldout, wire_heldout2, wire_heldout3, wire_heldout4, wire_heldout5, plover, textacy")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the scorer's misses")
    args = ap.parse_args(argv)
    scorer = os.path.join(args.shared, "eval", "score.py")
    results: dict[str, dict] = {}
    want = set(args.only or ["wire", "polnear", "sample", "unseen", "wire_tune", "wire_tune2", "wire_tune3", "wire_heldout", "wire_heldout2",
                     "wire_heldout3", "wire_heldout4", "wire_heldout5", "plover", "textacy"])
    with tempfile.TemporaryDirectory() as work:
        if "wire" in want:
            dev = os.path.join(args.shared, "corpus", "dev")
            out, dt, words = _run([dev], work, "wire")
            results["wire"] = _score(scorer, "seeds", out, os.path.join(dev, "gold.json"))
        if "polnear" in want:
            split = os.path.join(args.shared, "eval", "polnear", "dev")
            out, dt, words = _run([os.path.join(split, "text")], work, "polnear")
            results["polnear"] = _score(scorer, "polnear", out, split)
            results["polnear"]["words_per_s"] = round(words / dt)
        if "sample" in want:
            sample = os.path.join(ROOT, "src", "storyline", "sample")
            out, _, _ = _run([sample], work, "sample")
            gold = _gold_folder(sample, os.path.join(ROOT, "tests", "fixtures", "sample_gold.json"), work, "sample")
            results["sample"] = _score(scorer, "seeds", out, gold)
        if "unseen" in want:
            unseen = os.path.join(ROOT, "tests", "fixtures", "unseen")
            out, _, _ = _run([unseen], work, "unseen")
            results["unseen"] = _score(scorer, "seeds", out, os.path.join(unseen, "gold.json"))
        # our own wire reports of the dev kind (tests/fixtures): one set tuned on, one never
        for name in ("wire_tune", "wire_tune2", "wire_tune3", "wire_heldout", "wire_heldout2", "wire_heldout3", "wire_heldout4", "wire_heldout5"):
            if name in want:
                folder = os.path.join(ROOT, "tests", "fixtures", name)
                out, _, _ = _run([folder], work, name)
                results[name] = _score(scorer, "seeds", out, os.path.join(folder, "gold.json"))
        if "plover" in want:
            results["plover"] = plover_set(scorer, args.shared, work)
        if "textacy" in want:
            results.update(_textacy(args.shared, scorer, work, want))
    failed = []
    floors = json.load(open(os.path.join(ROOT, "eval_floors.json"), encoding="utf-8"))
    floors.pop("about", None)
    for name, res in results.items():
        misses = res.pop("_misses", [])
        print(f"{name}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()))
        if args.verbose:
            for m in misses:
                print("   ", m)
        for metric, floor in floors.get(name, {}).items():
            got = res.get(metric)
            if got is None or got + 1e-9 < floor:
                failed.append(f"{name}.{metric} = {got} is below its floor {floor}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    if args.check and failed:
        for f in failed:
            print("FLOOR:", f, file=sys.stderr)
        return 1
    if args.check:
        print("all floors held")
    return 0


def plover_set(scorer: str, shared: str, work: str, parity: int = 0) -> dict:
    """PLOVER gold records: the sentences of the even ids (held out; odd ids are for tuning) are
    ingested as articles, exported, and scored with `score.py plover` against the even records."""
    gsr = os.path.join(shared, "eval", "plover", "PLOVER_GSR_CAMEO.json")
    every = os.path.join(work, "plover_all.jsonl")
    subprocess.run([sys.executable, scorer, "plover-input", gsr, every], check=True, capture_output=True)

    def mine(rid: str) -> bool:
        tail = rid.rsplit("-", 1)[-1]
        return tail.isdigit() and int(tail) % 2 == parity

    texts = os.path.join(work, "plover_input.jsonl")
    with open(every, encoding="utf-8") as f, open(texts, "w", encoding="utf-8") as out:
        out.writelines(line for line in f if line.strip() and mine(json.loads(line)["id"]))
    gold = os.path.join(work, "plover_gold.json")
    with open(gsr, encoding="utf-8") as f, open(gold, "w", encoding="utf-8") as out:
        json.dump([r for r in json.load(f) if r.get("text") and mine(r["id"])], out)
    exported, _, _ = _run([texts], work, "plover")
    return _score(scorer, "plover", exported, gold)


def _textacy(shared: str, scorer: str, work: str, want: set[str]) -> dict[str, dict]:
    """textacy's direct_quotations on the same sets, scored the same way (rows textacy_wire, textacy_polnear)."""
    from . import textacy_eval

    if not textacy_eval.available():
        print("textacy: not installed (pip install -e '.[eval]'); its rows are skipped")
        return {}
    out: dict[str, dict] = {}
    keep = {"wire": ("quote_recall", "speaker_accuracy"), "polnear": ("precision", "recall", "f1", "speaker_accuracy")}
    if "wire" in want:
        dev = os.path.join(shared, "corpus", "dev")
        path = os.path.join(work, "textacy_wire.jsonl")
        speed = textacy_eval.export([dev], path)
        res = _score(scorer, "seeds", path, os.path.join(dev, "gold.json"))
        out["textacy_wire"] = {k: res[k] for k in keep["wire"]} | speed
    if "polnear" in want:
        split = os.path.join(shared, "eval", "polnear", "dev")
        path = os.path.join(work, "textacy_polnear.jsonl")
        speed = textacy_eval.export([os.path.join(split, "text")], path)
        res = _score(scorer, "polnear", path, split)
        out["textacy_polnear"] = {k: res[k] for k in keep["polnear"]} | speed
    return out


if __name__ == "__main__":
    sys.exit(main())

