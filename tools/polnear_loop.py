"""Score quote attribution on a PolNeAR split quickly, for tuning on train.

    .venv/bin/python tools/polnear_loop.py ../shared/eval/polnear/train [--every 1] [--misses FILE]

The first run parses the split's articles (one annotator per article, as the scorer reads
them) and keeps the parsed docs in a cache (``--cache``, default in /tmp); later runs only
re-run the quote stage (analyze.analyze_doc without events), write an export of the quotes and
score it with ../shared/eval/score.py polnear. So a change to quotes.py, discourse.py, frames.py
or the lexicons is measured in seconds, not minutes. A change to the spaCy pipeline itself
(nlp.py, places) needs ``--reparse``.

``--misses FILE`` writes, for the tuner's eyes only (never into the repo), each gold
attribution not found and each found one whose speaker is wrong, with the cue around it.
Only train is meant to be read this way; dev is scored with `make eval`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from mine_frames import annotations  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from storyline.analyze import analyze_doc  # noqa: E402
from storyline.ingest import build_article, read  # noqa: E402
from storyline.nlp import load  # noqa: E402
from storyline.textfix import repair  # noqa: E402


def _articles(split: str, every: int) -> list:  # type: ignore[type-arg]
    first: dict[str, str] = {}
    for a in sorted(os.listdir(os.path.join(split, "attributions"))):
        first.setdefault(a.rsplit("_", 1)[0] + ".txt", a)
    names = sorted(first)[::every]
    return [build_article(item) for name in names for item in read(os.path.join(split, "text", name))]


def parsed_split(split: str, every: int, cache: str, reparse: bool):  # type: ignore[no-untyped-def]
    arts = _articles(split, every)
    nlp = load()
    maps = [repair(a.text) for a in arts]
    key = hashlib.sha1("".join(m.text for m in maps).encode()).hexdigest()[:12]
    path = os.path.join(cache, f"polnear_{key}.spacy")
    if os.path.exists(path) and not reparse:
        with open(path, "rb") as f:
            docs = list(DocBin().from_bytes(f.read()).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((m.text for m in maps), batch_size=16))
        with open(path, "wb") as f:
            f.write(DocBin(store_user_data=True, docs=docs).to_bytes())
    return arts, maps, docs


def _export(arts, maps, docs, out: str) -> None:  # type: ignore[no-untyped-def]
    with open(out, "w", encoding="utf-8") as f:
        for art, omap, doc in zip(arts, maps, docs):
            an = analyze_doc(art, omap, doc, events=False)
            f.write(json.dumps({"type": "article", "id": art.id, "path": art.path}) + "\n")
            for q in an.quotes:
                sp = q.speaker
                f.write(json.dumps({"type": "quote", "article_id": art.id, "start": q.start, "end": q.end,
                                    "kind": q.kind, "cue": q.cue, "cue_start": q.cue_start,
                                    "speaker": None if sp is None else {"start": sp.start, "end": sp.end,
                                                                         "name": sp.name, "text": sp.text}}) + "\n")


def _misses(split: str, export: str, out: str) -> None:
    """Gold attributions missed or with the wrong speaker, with their cue and our quote."""
    sys.path.insert(0, os.path.join(split, "..", ".."))
    import score  # type: ignore[import-not-found]

    by = score.load(export)
    arts, key, group = score.by_article(by)
    texts = {}
    for i, a in arts.items():
        with open(a["path"], encoding="utf-8") as f:
            texts[key[i]] = f.read()
    seen = set()
    rows = []
    for ann in sorted(os.listdir(os.path.join(split, "attributions"))):
        doc = ann.rsplit("_", 1)[0] + ".txt"
        if doc in seen or doc not in texts:
            continue
        seen.add(doc)
        text = texts[doc]
        quotes = [q for q in group[doc]["quote"] if q["end"] > q["start"]]
        for content, source, cue in annotations(os.path.join(split, "attributions", ann), ("Content", "Source", "Cue")):
            inside = lambda q, c: score.overlap([(q["start"], q["end"])], c) >= 0.5 * (q["end"] - q["start"])  # noqa: E731
            mine = [q for q in quotes if inside(q, content)]
            clen = sum(e - s for s, e in content)
            cue_t = " ".join(text[s:e] for s, e in cue)
            src_t = " ".join(text[s:e] for s, e in source)
            ctx = text[max(0, content[0][0] - 80): content[-1][1] + 40].replace("\n", " ")
            if not mine or score.overlap([(q["start"], q["end"]) for q in mine], content) < 0.5 * clen:
                near = [q for q in quotes if score.overlap([(q["start"], q["end"])], content) > 0]
                gold_t = " ".join(text[s:e] for s, e in content)
                ours = " || ".join(text[q["start"]:q["end"]] for q in near)
                rows.append(f"MISS\tcue={cue_t!r}\tsrc={src_t!r}\tnear={len(near)}\t{doc}:{content[0][0]}\t{ctx}"
                            f"\tGOLD={gold_t}\tOURS={ours}")
                continue
            best = max(mine, key=lambda q: score.overlap([(q["start"], q["end"])], content))
            sp = best.get("speaker") or {}
            ok = (source and sp.get("start") is not None and score.overlap([(sp["start"], sp["end"])], source) > 0) or (
                not source and not sp)
            if not ok:
                rows.append(f"SPEAKER\tcue={cue_t!r}\tsrc={src_t!r}\tgot={sp.get('text')!r}({sp.get('name')!r})"
                            f"\tours_cue={best.get('cue')!r}\t{doc}:{content[0][0]}\t{ctx}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", help="a PolNeAR split folder (text/ and attributions/); train for tuning")
    ap.add_argument("--every", type=int, default=1, help="take every n-th article (a quicker subset)")
    ap.add_argument("--cache", default=tempfile.gettempdir())
    ap.add_argument("--reparse", action="store_true")
    ap.add_argument("--misses", help="write the misses here (outside the repo)")
    ap.add_argument("--export", help="keep the export here")
    args = ap.parse_args()
    arts, maps, docs = parsed_split(args.split, args.every, args.cache, args.reparse)
    with tempfile.TemporaryDirectory() as work:
        out = args.export or os.path.join(work, "export.jsonl")
        _export(arts, maps, docs, out)
        scorer = os.path.join(args.split, "..", "..", "score.py")
        res = subprocess.run([sys.executable, scorer, "polnear", out, args.split], capture_output=True, text=True,
                             check=True)
        r = json.loads(res.stdout.splitlines()[-1])
        print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))
        if args.misses:
            _misses(args.split, out, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
