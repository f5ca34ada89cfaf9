"""textacy's ``direct_quotations`` side by side with storyline, scored by the same scorer.

`make eval` runs this on the same sets as storyline (the wire reports and PolNeAR dev) when the
optional ``eval`` extra (textacy) is installed. Each article is read exactly as storyline reads
it (same ids and paths), parsed with the same spaCy model without storyline's components, and
every (speaker, cue, content) triple textacy yields becomes a ``direct`` quote record in an
export the scorer reads. textacy refuses a text whose quotation marks do not pair up; such an
article yields no quotes and is counted in ``articles_refused``.

Words per second cover reading, parsing and extraction, as storyline's figure covers its whole
ingest.
"""
from __future__ import annotations

import json
import time
from typing import Any

from .ingest import build_article, expand, read
from .nlp import MODEL


def available() -> bool:
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError:
        return False
    return True


def export(paths: list[str], out_path: str) -> dict[str, Any]:
    """Run textacy over the articles under paths; write a scorer-readable export. Returns counts and speed."""
    import spacy
    from textacy.extract.triples import direct_quotations

    t0 = time.perf_counter()
    nlp = spacy.load(MODEL)
    arts = [build_article(item) for p in expand(paths) for item in read(p) if not isinstance(item, Exception)]
    words = refused = 0
    with open(out_path, "w", encoding="utf-8") as f:
        for art, doc in zip(arts, nlp.pipe((a.text for a in arts), batch_size=16)):
            words += len(art.text.split())
            f.write(json.dumps({"type": "article", "id": art.id, "path": art.path}) + "\n")
            try:
                triples = list(direct_quotations(doc))
            except ValueError:  # unpaired quotation marks: textacy bails out on the whole text
                refused += 1
                continue
            for n, (speaker, cue, content) in enumerate(triples):
                sp = None
                if speaker:
                    s, e = speaker[0].idx, speaker[-1].idx + len(speaker[-1].text)
                    sp = {"name": art.text[s:e], "text": art.text[s:e], "aliases": [], "start": s, "end": e}
                f.write(json.dumps({"type": "quote", "id": f"{art.id}-{n}", "article_id": art.id, "kind": "direct",
                                    "start": content.start_char, "end": content.end_char, "text": content.text,
                                    "cue": " ".join(t.text for t in cue), "speaker": sp}) + "\n")
    dt = time.perf_counter() - t0
    return {"articles_refused": refused, "words_per_s": round(words / dt) if dt else 0}
