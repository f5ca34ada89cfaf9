"""Read inputs into Article records.

Inputs: .txt files, .html/.htm pages (main text extracted), .json (an object or a list of
objects) and .jsonl files ({id?, text, title?, url?, outlet?, published?}), folders (recursive),
glob patterns, and ``-`` for standard input. Each input that cannot be read becomes an
:class:`~storyline.errors.InputError` that names the file and says what to do; the rest go on.
"""
from __future__ import annotations

import datetime as dt
import glob
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .header import infer_year, parse_header
from .records import Article, Span, text_id

TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
ALL_EXT = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT
MAX_BYTES = 20_000_000  # one article file larger than this is refused before it is read
MAX_CHARS = 1_000_000  # spaCy's default max_length: one article longer than this is refused


@dataclass
class RawInput:
    """One article's text and metadata as read, before any analysis."""

    path: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


class Skipped(Exception):
    """A file found in a folder that is not an article file (e.g. a JSON file of other data)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


FOUND_IN_FOLDER: set[str] = set()


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Files named by paths, folders (recursively, sorted) and glob patterns; ``-`` passes through."""
    for p in paths:
        if p == "-":
            yield p
        elif os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and os.path.splitext(f)[1].lower() in ALL_EXT - {""}:
                        yield os.path.join(root, f) + "\x00folder"
        elif any(c in p for c in "*?[") and not os.path.exists(p):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield p  # reported as missing by read()
            for m in matches:
                if os.path.isfile(m):
                    yield m
        else:
            yield p


def decode(data: bytes, path: str) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with a BOM, else the best legacy code page."""
    if not data.strip():
        raise InputError(path, "the file is empty: nothing to ingest")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(path, f"broken UTF-16 text ({e.reason}); re-save the file as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample or controls > len(sample) // 20:
        raise InputError(path, "binary data, not text; pass .txt, .html, .json or .jsonl files")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(path, "cannot tell the text encoding; re-save the file as UTF-8")
    return str(best)


def _html_text(html: str, path: str) -> tuple[str, dict[str, Any]]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or len(text.split()) < 5:
        raise InputError(path, "no article text found in this HTML page (navigation or an empty page?)")
    meta: dict[str, Any] = {}
    md = trafilatura.extract_metadata(html)
    if md is not None:
        meta = {"title": md.title, "published": md.date, "outlet": md.sitename, "url": md.url}
    # paragraphs one per line, separated by a blank line, like the text inputs
    text = re.sub(r"\n(?=\S)", "\n\n", text)
    return text, {k: v for k, v in meta.items() if v}


def _from_obj(obj: Any, path: str, where: str) -> RawInput:
    if not isinstance(obj, dict):
        raise InputError(where, "expected a JSON object with a \"text\" field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, "the object has no \"text\" (a non-empty string is required)")
    if len(text) > MAX_CHARS:
        raise InputError(where, _too_long(len(text)))
    meta = {k: obj[k] for k in ("id", "title", "url", "outlet", "published") if obj.get(k) is not None}
    return RawInput(path=str(obj.get("id") or where), text=text, meta=meta)


def _too_long(n: int) -> str:
    return (f"{n:,} characters is longer than the {MAX_CHARS:,}-character limit for one article; "
            "split it into articles (one per file, or one per JSONL line)")


def _utf16(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _read_jsonl(path: str) -> Iterator[RawInput | InputError]:
    """A JSONL file line by line, so a file of any size streams in constant memory."""
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                if len(line) > MAX_BYTES:
                    raise InputError(where, _too_long(len(line)))
                yield _from_obj(json.loads(decode(line.removeprefix(b"\xef\xbb\xbf") if n == 1 else line, where)),
                                path, where)
            except json.JSONDecodeError as e:
                yield InputError(where, f"not valid JSON ({e.msg}); fix or remove this line")
            except InputError as e:
                yield e


def read(path: str) -> Iterator[RawInput | InputError | Skipped]:
    """The articles of one input; errors are yielded, not raised, so a batch goes on.

    A .json file met while walking a folder that holds no article objects (no "text") is
    skipped, not failed: folders often keep annotations or metadata beside the articles.
    """
    in_folder = path.endswith("\x00folder")
    path = path.removesuffix("\x00folder")
    if in_folder and path.lower().endswith(".json"):
        try:
            with open(path, "rb") as f:
                obj = json.loads(f.read().decode("utf-8-sig"))
            objs = obj if isinstance(obj, list) else [obj]
            if not any(isinstance(o, dict) and isinstance(o.get("text"), str) for o in objs):
                yield Skipped(path, "a JSON file with no article objects (no \"text\" field)")
                return
        except (OSError, ValueError):
            pass
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            ext = ".jsonl" if data.lstrip().startswith(b"{") else ".txt"
            name = "<stdin>"
        else:
            if not os.path.exists(path):
                raise FileNotFoundError(path) if in_folder else InputError(path, "no such file or folder; check the path")
            if os.path.splitext(path)[1].lower() in JSONL_EXT and not _utf16(path):
                yield from _read_jsonl(path)
                return
            size = os.path.getsize(path)
            if size > MAX_BYTES:
                yield InputError(path, f"{size / 1e6:.0f} MB is larger than the {MAX_BYTES // 1_000_000} MB limit "
                                       "for one article file; split it into articles (one per file, or one per "
                                       "JSONL line)")
                return
            with open(path, "rb") as f:
                data = f.read()
            ext = os.path.splitext(path)[1].lower()
            name = path
    except InputError as e:
        yield e
        return
    except FileNotFoundError:
        yield InputError(path, "the file disappeared before it was read (deleted or moved during the run); "
                               "check the path and ingest it again")
        return
    except OSError as e:
        yield InputError(path, f"cannot read: {e.strerror or e}; check that it exists and is readable")
        return
    yield from parse(data, name, ext)


def parse(data: bytes, name: str, ext: str) -> Iterator[RawInput | InputError]:
    """The articles in the bytes of one input named ``name`` (a file of type ``ext``)."""
    try:
        text = decode(data, name)
        del data
        if len(text) > MAX_CHARS and ext not in JSONL_EXT | JSON_EXT | HTML_EXT:
            raise InputError(name, _too_long(len(text)))
    except InputError as e:
        yield e
        return
    if ext in JSONL_EXT:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{name}:{n}"
            try:
                yield _from_obj(json.loads(line), name, where)
            except json.JSONDecodeError as e:
                yield InputError(where, f"not valid JSON ({e.msg}); fix or remove this line")
            except InputError as e:
                yield e
    elif ext in JSON_EXT:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield InputError(name, f"not valid JSON ({e.msg} at line {e.lineno}); fix the file")
            return
        for k, o in enumerate(obj if isinstance(obj, list) else [obj]):
            try:
                yield _from_obj(o, name, f"{name}[{k}]" if isinstance(obj, list) else name)
            except InputError as e:
                yield e
    elif ext in HTML_EXT or (ext not in TEXT_EXT and re.match(r"\s*<(!doctype|html)", text, re.I)):
        try:
            body, meta = _html_text(text, name)
            yield RawInput(path=name, text=body, meta=meta)
        except InputError as e:
            yield e
    else:
        yield RawInput(path=name, text=text)


def _iso(value: Any) -> str | None:
    if not value:
        return None
    m = re.match(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)", str(value))
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    return None


def repeated_paragraphs(text: str) -> tuple[Span, ...]:
    """Second and later copies of a paragraph inside one article (scraping duplicates)."""
    seen: set[str] = set()
    out = []
    pos = 0
    for line in text.split("\n"):
        key = re.sub(r"\W+", " ", line).strip().lower()
        if len(key) >= 40:
            if key in seen:
                out.append(Span(pos, pos + len(line)))
            seen.add(key)
        pos += len(line) + 1
    return tuple(out)


def build_article(raw: RawInput, corpus_years: list[int] | None = None) -> Article:
    """An Article from raw text and metadata: header parsed, date resolved or inferred."""
    text = raw.text
    meta = raw.meta
    h = parse_header(text, title=meta.get("title"))
    published, how = _iso(meta.get("published")), "metadata"
    month_day = None
    if h.month and h.day:
        month_day = f"--{h.month:02d}-{h.day:02d}"
    if published is None and h.year and h.month and h.day:
        published, how = dt.date(h.year, h.month, h.day).isoformat(), h.date_source
    if published is None and h.month and h.day:
        y, how = infer_year(text, h.month, h.day, corpus_years)
        published = dt.date(y, h.month, h.day).isoformat() if y else None
    if published is None:
        how = None
    outlet = meta.get("outlet") or h.outlet
    return Article(
        id=text_id(text),
        path=raw.path,
        text=text,
        title=h.title,
        outlet=outlet,
        dateline=h.dateline,
        published=published,
        published_source=how,
        dateline_date=month_day,
        url=meta.get("url"),
        body_start=h.body_start,
        repeated=repeated_paragraphs(text),
    )
