"""Synthetic corpora for benchmarks and crash tests: variations of our own fictional sample.

Article ``i`` is one of the sample reports (src/storyline/sample) with its figures shifted
and one closing paragraph added, written from small lists of invented names and places, so
every article is distinct (ids are text hashes), reads like the sample and has the same mix of
quotes and figures. Deterministic: the same ``n`` gives the same corpus.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

_PLACES = ["Lomen", "Orsenka", "Dravik", "Halvik", "Port Selvin", "Varno", "Selm", "Brannholm"]
_OFFICIALS = ["district chief Oren Talvik", "Governor Anya Lisk", "Colonel Marek Halvorsen",
              "spokeswoman Vesna Tollner", "a ministry source", "Deputy Mayor Ilse Varga"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUM = re.compile(r"(?<![\d,.])(\d{2,3}(?:,\d{3})*)(?![\d,])")


@lru_cache(maxsize=1)
def sample_articles() -> tuple[dict[str, Any], ...]:
    """The bundled fictional sample as {text, title?, id?, ...} dicts, in file order."""
    root = resources.files("storyline").joinpath("sample")
    out: list[dict[str, Any]] = []
    for name in sorted(p.name for p in root.iterdir()):
        data = root.joinpath(name).read_text(encoding="utf-8")
        if name.endswith(".txt"):
            out.append({"text": data})
        elif name.endswith(".jsonl"):
            out.extend(json.loads(line) for line in data.splitlines() if line.strip())
    return tuple(out)


def _shift(m: re.Match[str], k: int) -> str:
    n = int(m.group(1).replace(",", ""))
    if n < 32 or 1900 <= n <= 2099:
        return m.group(0)  # days of the month and years stay as written
    return f"{n + k:,}"


def variant(text: str, i: int) -> str:
    """Sample text ``text`` as the ``i``-th variation."""
    k = i % 47 + 1
    body = _NUM.sub(lambda m: _shift(m, k), text).rstrip("\n")
    place = _PLACES[i % len(_PLACES)]
    who = _OFFICIALS[(i // len(_PLACES)) % len(_OFFICIALS)]
    day = _WEEKDAYS[(i // 3) % 7]
    return (f"{body}\n\nBy {day} evening, {i % 900 + 12} more families had registered at the reception centre "
            f"in {place}, {who} said (update {i}).\n")


def articles(n: int, start: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` synthetic articles as JSONL-ready dicts with ids ``syn-0000000``…"""
    base = sample_articles()
    for i in range(start, start + n):
        src = base[i % len(base)]
        rec = {k: v for k, v in src.items() if k in ("title", "outlet", "published")}
        rec.update(id=f"syn-{i:07d}", text=variant(src["text"], i))
        yield rec


def write_jsonl(path: str, n: int, start: int = 0) -> str:
    with open(path, "w", encoding="utf-8") as f:
        for rec in articles(n, start):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def write_folder(folder: str, n: int, start: int = 0) -> str:
    """``n`` articles as .txt files (metadata as a JSONL sidecar is not needed: the text holds it)."""
    os.makedirs(folder, exist_ok=True)
    for rec in articles(n, start):
        text = rec["text"] if "title" not in rec else f"{rec['title']}\n\n{rec['text']}"
        with open(os.path.join(folder, rec["id"] + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
    return folder
