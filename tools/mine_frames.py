"""Choose the attribution frames in src/storyline/data/frames.json from PolNeAR train.

    .venv/bin/python tools/mine_frames.py ../shared/eval/polnear/train [--ratio 0.55] [--count 3] [--precision 0.65] [--write]

For every verb outside quotation marks that has a subject (every noun with a possessor, every
adjective after a copula with a subject: "is confident in"),
and every dependent of it that could hold attributed words (dobj, xcomp, ccomp, oprd, attr, acl, or the object of a preposition), the
script counts how often those words make up at least half of an annotated attribution's content
whose cue is that verb. A verb inside another attribution's content is left out: PolNeAR gives
each word one attribution, so such a verb is never a cue of its own. Frames that matched at least
``--count`` times and ``--ratio`` of the time are kept; verbs that are cue verbs already
(data/cues.json) keep their ``ccomp`` (and belief verbs their ``xcomp``) in the main extractor.
The hand-written sourceless entries (``no_source``, ``passive``, ``passive_with_subject``) are kept
as they are. With ``--write`` the file is written, then the whole extractor runs on train with it
(the parsed split is cached by tools/polnear_loop.py), and the frames of lemmas whose found
contents lie inside an annotated content less than ``--precision`` of the time are dropped.

Only train is read (never dev), and only lemmas and counts come out of it.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from storyline.quotes import _cues, _subject, quote_spans  # noqa: E402

SKIP = {"be", "have", "do", "make", "get", "give", "take", "go", "include", "seem", "appear"}
RELS = ("ccomp", "xcomp", "dobj", "acl", "attr", "oprd")


def annotations(path: str, roles: tuple[str, ...] = ("Content", "Cue")) -> list[tuple[list[tuple[int, int]], ...]]:
    """The spans of each attribution in a brat .ann file, one list per role (content and cue by
    default; ("Content", "Source", "Cue") for all three); attributions with no content are left out."""
    spans: dict[str, list[tuple[int, int]]] = {}
    rels = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 2:
            offs = parts[1].partition(" ")[2]
            spans[parts[0]] = [tuple(map(int, o.split())) for o in offs.split(";")]  # type: ignore[misc]
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(p.split(":") for p in parts[1].split()))
    out = []
    for r in rels:
        got = tuple([o for k, v in r.items() if k.startswith(role) for o in spans.get(v, [])] for role in roles)
        if got[0]:
            out.append(got)
    return out


def mine(split: str, cache: str) -> tuple[collections.Counter, collections.Counter]:
    hit: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    anns = sorted(os.listdir(os.path.join(split, "attributions")))
    first = {}
    for a in anns:  # one annotator per article, as the scorer does
        first.setdefault(a.rsplit("_", 1)[0] + ".txt", a)
    from polnear_loop import parsed_split  # the parsed split, cached

    arts, maps, docs = parsed_split(split, 1, cache, False)
    ov = lambda a, b, c, d: max(0, min(b, d) - max(a, c))  # noqa: E731
    for art, omap, doc in zip(arts, maps, docs):
        gold = annotations(os.path.join(split, "attributions", first[os.path.basename(art.path)]))
        o = omap.to_original
        marks = quote_spans(doc.text)
        for t in doc:
            if t.pos_ not in ("VERB", "NOUN", "ADJ") or any(a - 1 <= t.idx < b + 1 for a, b, _ in marks):
                continue
            ti = o(t.idx)
            in_content = any(a <= ti < b for c, _ in gold for a, b in c)
            if in_content and not any(a <= ti < b for _, k in gold for a, b in k):
                continue
            if t.pos_ == "ADJ":  # "the senator is open to a deal": the subject of the copula
                source = _subject(t.head) if t.dep_ == "acomp" else None
            else:
                source = _subject(t) if t.pos_ == "VERB" else next((c for c in t.children if c.dep_ == "poss"), None)
            if source is None:
                continue
            comps = [(c.dep_, c) for c in t.children if c.dep_ in RELS]
            comps += [("prep_" + c.lower_, p) for c in t.children if c.dep_ == "prep"
                      for p in c.children if p.dep_ in ("pobj", "pcomp")]
            cs, ce = o(t.idx), o(t.idx + len(t.text))
            for rel, c in comps:
                s0, e0 = o(c.left_edge.idx), o(c.right_edge.idx + len(c.right_edge.text))
                key = (t.lemma_.lower(), t.pos_, rel)
                total[key] += 1
                if any(any(ov(cs, ce, a, b) for a, b in k) and sum(ov(s0, e0, a, b) for a, b in c2) >= 0.5 * (e0 - s0)
                       for c2, k in gold):
                    hit[key] += 1
    return hit, total


def choose(hit: collections.Counter, total: collections.Counter, ratio: float, count: int,
           pos: str) -> dict[str, list[str]]:
    verbs, _ = _cues()
    out: dict[str, list[str]] = {}
    for (lemma, p, rel), n in total.items():
        if p != pos or lemma in SKIP or not lemma.isalpha():
            continue
        if pos == "VERB" and lemma in verbs and (rel == "ccomp" or (verbs[lemma] == "belief" and rel == "xcomp")):
            continue
        if hit[(lemma, p, rel)] >= count and hit[(lemma, p, rel)] / n >= ratio:
            out.setdefault(lemma, []).append(rel)
    return {k: sorted(v) for k, v in sorted(out.items())}


def output_precision(split: str, cache: str) -> dict[tuple[str, str], list[int]]:
    """[found, right] per (part of speech, lemma) of the cues of the reported speech that the
    whole extractor (with data/frames.json as it stands) finds on the split: a found content is
    right when at least half of it lies inside an annotated content, as the scorer counts."""
    from polnear_loop import parsed_split  # the parsed split, cached

    from storyline import frames as fr
    from storyline.analyze import analyze_doc
    from storyline.lexicon import load_lexicon

    for cached in (load_lexicon, fr._section):
        cached.cache_clear()
    first: dict[str, str] = {}
    for a in sorted(os.listdir(os.path.join(split, "attributions"))):
        first.setdefault(a.rsplit("_", 1)[0] + ".txt", a)
    out: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    arts, maps, docs = parsed_split(split, 1, cache, False)
    for art, omap, doc in zip(arts, maps, docs):
        gold = [c for c, _ in annotations(os.path.join(split, "attributions", first[os.path.basename(art.path)]))]
        at = {omap.to_original(t.idx): t for t in doc}
        for q in analyze_doc(art, omap, doc, events=False).quotes:
            cue = at.get(q.cue_start) if q.kind == "indirect" and q.cue_start is not None else None
            if cue is None:
                continue
            inside = max(sum(max(0, min(q.end, b) - max(q.start, a)) for a, b in c) for c in gold) if gold else 0
            key = (cue.pos_, cue.lemma_.lower())
            out[key][0] += 1
            out[key][1] += inside >= 0.5 * (q.end - q.start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", help="PolNeAR train folder (text/ and attributions/)")
    ap.add_argument("--ratio", type=float, default=0.55)
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="rewrite src/storyline/data/frames.json")
    ap.add_argument("--cache", default=tempfile.gettempdir(), help="where the parsed split is kept (polnear_loop.py)")
    ap.add_argument("--precision", type=float, default=0.65, help="with --write: then run the extractor on the split and drop "
                    "the frames of lemmas whose found contents are right less often than this")
    args = ap.parse_args()
    if os.path.basename(os.path.normpath(args.split)) != "train":
        sys.exit("frames are chosen on PolNeAR train only")
    hit, total = mine(args.split, args.cache)
    frames = choose(hit, total, args.ratio, args.count, "VERB")
    nouns = choose(hit, total, args.ratio, args.count, "NOUN")
    adjectives = choose(hit, total, args.ratio, args.count, "ADJ")
    path = os.path.join(ROOT, "src", "storyline", "data", "frames.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not args.write:
        print(json.dumps({"verbs": frames, "nouns": nouns, "adjectives": adjectives}, indent=1))
        return
    write(path, data, frames, nouns, adjectives, args.ratio, args.count, None)
    if args.precision is None:
        return
    found = output_precision(args.split, args.cache)
    verbs, _ = _cues()
    poor = {lemma for (pos, lemma), (n, ok) in found.items() if n >= args.count and ok / n < args.precision
            and lemma not in verbs}
    for table in (frames, nouns, adjectives):
        for lemma in poor & set(table):
            print(f"dropped {lemma}: {found.get(('VERB', lemma), found.get(('NOUN', lemma), found.get(('ADJ', lemma))))}",
                  file=sys.stderr)
            del table[lemma]
    write(path, data, frames, nouns, adjectives, args.ratio, args.count, args.precision)


def write(path: str, data: dict, frames: dict, nouns: dict, adjectives: dict, ratio: float, count: int,
          precision: float | None) -> None:
    block = lambda d: ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in d.items())  # noqa: E731
    text = "\n".join(["{", f' "about": {json.dumps(data["about"], ensure_ascii=False)},', ' "verbs": {',
                      block(frames), " },", ' "nouns": {', block(nouns), " },", ' "adjectives": {', block(adjectives), " },",
                      *[f' "{k}": {json.dumps(data[k])},' for k in ("no_source", "passive", "passive_with_subject") if k in data],
                      f' "min_ratio": {ratio}, "min_count": {count}, "min_precision": {json.dumps(precision)}', "}"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
