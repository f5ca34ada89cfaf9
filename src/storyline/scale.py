"""Scale-out on Ray Data: the per-article stage on a cluster, merged into the store afterwards.

    storyline ingest --engine ray [--address ray://HOST:10001] INPUTS -o PARQUET_DIR
    storyline load PARQUET_DIR --db storyline.db

1. Ray Data reads the inputs: Parquet files (columns text, id?, title?, url?, outlet?,
   published?) with ``read_parquet``, every other file (JSONL, JSON, text, HTML) as bytes with
   ``read_binary_files``, parsed by the same code as a local ingest (ingest.parse), so a broken
   line or an unreadable file is a per-input error row, not a failed job;
2. ``map_batches`` runs the same pure per-article function as a local ingest
   (analyze.analyze_batch, through api._analyze_chunk which isolates a failing article);
3. each article becomes one row — ``key`` (input order), ``article_id``, ``path``, ``analysis``
   (the whole Analysis record as JSON, see :func:`encode`) or ``error`` — written as Parquet
   partitions in ``PARQUET_DIR/analyses/``.

Actor resolution and the other cross-article steps need the whole store, so they are not done
on the cluster: ``storyline load`` writes each analysis with the same ``Store.write`` as a
local ingest, in input order. Loading twice adds nothing (article ids are content hashes).

The codec is generic over the record dataclasses (records.py), so a record type added to
``Analysis`` travels through the partitions with no code here.
"""
from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

from . import records
from .errors import StorylineError
from .ingest import HTML_EXT, JSON_EXT, JSONL_EXT, TEXT_EXT, RawInput, build_article, expand, parse
from .records import Analysis, Failure

ANALYSES_DIR = "analyses"
PARQUET_EXT = {".parquet", ".pq"}
META_FIELDS = ("id", "title", "url", "outlet", "published")


class RayNotInstalled(StorylineError):
    pass


# ---- codec: Analysis <-> JSON, generic over the record dataclasses ----------------------------
def _plain(v: Any) -> Any:
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def encode(an: Analysis) -> str:
    return json.dumps(_plain(an), ensure_ascii=False, separators=(",", ":"))


def _hints(cls: type) -> dict[str, Any]:
    mod = __import__(cls.__module__, fromlist=["_"])
    try:
        return typing.get_type_hints(cls, vars(mod))
    except NameError:  # a record type imported only for type checking: look in every storyline module
        import sys

        ns: dict[str, Any] = {}
        for name, m in list(sys.modules.items()):
            if name.split(".")[0] == "storyline" and m is not None:
                ns.update({k: v for k, v in vars(m).items() if isinstance(v, type)})
        ns.update(vars(mod))
        return typing.get_type_hints(cls, ns)


def _build(tp: Any, v: Any) -> Any:
    if v is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(args[0], v) if len(args) == 1 else v
    if origin in (list, tuple):
        args = typing.get_args(tp)
        item = args[0] if args else Any
        out = [_build(item, x) for x in v]
        return tuple(out) if origin is tuple else out
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{k: _build(hints.get(k, Any), x) for k, x in v.items() if k in hints})
    if tp is float and isinstance(v, int):
        return float(v)
    return v


def decode(s: str) -> Analysis:
    return _build(records.Analysis, json.loads(s))


# ---- the Ray Data pipeline -------------------------------------------------------------------
def _split(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(Parquet files, other files) named by ``paths``, in the order a local ingest reads them."""
    pq_files, other = [], []
    for p in expand(paths):
        p = p.removesuffix("\x00folder")
        if p == "-":
            raise StorylineError("--engine ray reads files, not standard input; write the input to a file first")
        if os.path.isdir(p):
            continue
        (pq_files if os.path.splitext(p)[1].lower() in PARQUET_EXT else other).append(os.path.abspath(p))
    # a folder walk skips Parquet; pick it up explicitly for the Ray engine
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                pq_files += [os.path.abspath(os.path.join(root, f)) for f in sorted(files)
                             if os.path.splitext(f)[1].lower() in PARQUET_EXT]
    return pq_files, other


def _explode_files(row: dict[str, Any], order: dict[str, int]) -> list[dict[str, Any]]:
    """One input file's bytes -> one row per article (or per error) found in it."""
    path = row["path"]
    ext = os.path.splitext(path)[1].lower()
    if ext not in TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT:
        ext = ".txt"
    base = order.get(path, order.get("/" + path.lstrip("/"), 0))
    out = []
    for k, item in enumerate(parse(row["bytes"], path, ext)):
        r = {"key": f"{base:08d}:{k:09d}", "path": item.path, "text": None, "meta": None, "error": None}
        if isinstance(item, RawInput):
            r.update(text=item.text, meta=json.dumps(item.meta))
        else:
            r.update(error=item.reason)
        out.append(r)
    return out


def _from_parquet_rows(batch: Any, order: dict[str, int]) -> Any:
    """Rows of Parquet inputs {text, id?, title?, …} -> the rows analyze_rows takes.

    Parquet rows are taken in file order, and by text hash inside a file.
    """
    import pandas as pd

    from .records import text_id

    rows = []
    for r in batch.to_dict("records"):
        text = r.get("text")
        file = r.get("path") or ""
        base = order.get(file, order.get("/" + file.lstrip("/"), 0))
        ok = isinstance(text, str) and bool(text.strip())
        h = text_id(text) if ok else "-"
        meta = {f: str(r[f]) for f in META_FIELDS if r.get(f) is not None and r.get(f) == r.get(f)}
        rows.append({"key": f"{base:08d}:{h}", "path": str(meta.get("id") or f"{file}#{h}"),
                     "text": text if ok else None, "meta": json.dumps(meta),
                     "error": None if ok else "the row has no \"text\" (a non-empty string is required)"})
    return pd.DataFrame(rows, columns=["key", "path", "text", "meta", "error"])


def analyze_rows(batch: Any) -> Any:
    """map_batches function: rows {key, path, text, meta, error} -> rows {key, article_id, path, analysis, error}."""
    import pandas as pd

    from .api import _analyze_chunk

    out: list[dict[str, Any]] = []
    arts, keys = [], []
    for r in batch.to_dict("records"):
        if r["error"] is not None:
            out.append({"key": r["key"], "article_id": None, "path": r["path"], "analysis": None, "error": r["error"]})
            continue
        meta = json.loads(r["meta"] or "{}")
        arts.append(build_article(RawInput(path=r["path"], text=r["text"], meta=meta)))
        keys.append(r["key"])
    if arts:
        for key, art, res in zip(keys, arts, _analyze_chunk(arts), strict=True):
            if isinstance(res, Failure):
                out.append({"key": key, "article_id": art.id, "path": res.path, "analysis": None, "error": res.reason})
            else:
                out.append({"key": key, "article_id": art.id, "path": art.path, "analysis": encode(res),
                            "error": None})
    return pd.DataFrame(out, columns=["key", "article_id", "path", "analysis", "error"])


def init_ray(address: str | None = None, num_cpus: int | None = None) -> Any:
    try:
        import ray
    except ImportError:
        raise RayNotInstalled("Ray is not installed; `pip install 'storyline[ray]'` (or 'ray[data]')") from None
    import logging

    logging.getLogger("ray").setLevel(logging.WARNING)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:  # a private local cluster bound to the loopback interface
            ray.init(_node_ip_address="127.0.0.1", num_cpus=num_cpus or os.cpu_count() or 1,
                     include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    return ray


def run(paths: list[str], out: str, address: str | None = None, num_cpus: int | None = None,
        batch_size: int = 16) -> int:
    """Analyse every article under ``paths`` on Ray Data; write partitions to ``out/analyses/``.

    Returns the number of rows (articles and per-input errors) written.
    """
    pq_files, other = _split(paths)
    if not pq_files and not other:
        raise StorylineError("no input files found; check the paths")
    ray = init_ray(address, num_cpus)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    order = {p: i for i, p in enumerate(other + pq_files)}
    parts = []
    if other:
        files = ray.data.read_binary_files(other, include_paths=True)
        parts.append(files.flat_map(_explode_files, fn_args=(order,)))
    if pq_files:
        rows = ray.data.read_parquet(pq_files, include_paths=True)
        parts.append(rows.map_batches(_from_parquet_rows, fn_args=(order,), batch_format="pandas"))
    ds = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    # small blocks, so one big JSONL file is still analysed by every worker
    ds = ds.repartition(target_num_rows_per_block=batch_size)
    done = ds.map_batches(analyze_rows, batch_size=batch_size, batch_format="pandas")
    dest = os.path.join(out, ANALYSES_DIR)
    os.makedirs(dest, exist_ok=True)
    done.write_parquet(dest)
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(os.path.join(dest, f)).metadata.num_rows for f in os.listdir(dest)
               if f.endswith(".parquet"))


# ---- merging partitions into the store --------------------------------------------------------
def has_analyses(folder: str) -> bool:
    return os.path.isdir(os.path.join(folder, ANALYSES_DIR))


def analysis_rows(folder: str) -> Iterator[dict[str, Any]]:
    """The rows of ``folder/analyses`` in input order, one file in memory at a time.

    Files are taken in the order of their first key; rows inside a file by key. Ray writes
    blocks in input order (preserve_order), so this is the order of a local ingest.
    """
    import pyarrow.parquet as pq

    root = os.path.join(folder, ANALYSES_DIR)
    files = []
    for f in os.listdir(root):
        if f.endswith(".parquet"):
            keys = pq.read_table(os.path.join(root, f), columns=["key"]).column("key").to_pylist()
            if keys:
                files.append((min(keys), f))
    for _, f in sorted(files):
        rows = pq.read_table(os.path.join(root, f)).to_pylist()
        yield from sorted(rows, key=lambda r: r["key"])
