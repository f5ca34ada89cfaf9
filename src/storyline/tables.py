"""Every table of the store as Parquet, and back.

Layout: one folder per table, ``FOLDER/tables/<table>/part-00000.parquet`` …, whose rows are
the table's rows, column for column. The tables are read from the database itself
(``sqlite_master``), so a table another module adds (events, statements, stories …) is
exported and imported with no code here. Full-text indexes are not exported; they are rebuilt
from their content tables on import.

Import is idempotent: rows go in with ``INSERT OR IGNORE``, so loading the same folder twice
adds nothing (every table has a primary key).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any

from .errors import StorylineError
from .store import Store

TABLES_DIR = "tables"
ROWS_PER_FILE = 50_000
_ARROW_TYPE = {"TEXT": "string", "INTEGER": "int64", "REAL": "float64"}


def data_tables(db: sqlite3.Connection) -> list[str]:
    """Ordinary tables of the store, in creation order; no virtual tables, no their shadow tables."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                      "ORDER BY rowid").fetchall()
    virtual = [r[0] for r in rows if (r[1] or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return [r[0] for r in rows if r[0] not in virtual and not any(r[0].startswith(v + "_") for v in virtual)]


def _fts_tables(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE "
                                     "'CREATE VIRTUAL TABLE%USING fts5%'")]


def _columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, position in the primary key) of each column."""
    return [(r[1], (r[2] or "").upper(), r[5]) for r in db.execute(f'PRAGMA table_info("{table}")')]


def _schema(db: sqlite3.Connection, table: str) -> Any:
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, _ARROW_TYPE.get(typ, "string"))()) for name, typ, _ in _columns(db, table)])


def _batches(cur: sqlite3.Cursor, n: int) -> Iterator[list[tuple]]:
    while True:
        rows = cur.fetchmany(n)
        if not rows:
            return
        yield rows


def export_tables(store: Store, folder: str, rows_per_file: int = ROWS_PER_FILE) -> dict[str, int]:
    """Write every table to ``folder/tables/<table>/``; rows in primary-key order (deterministic)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    db = store.db
    counts: dict[str, int] = {}
    for table in data_tables(db):
        cols = _columns(db, table)
        names = [c[0] for c in cols]
        pk = [c[0] for c in sorted(cols, key=lambda c: c[2]) if c[2]] or names
        schema = _schema(db, table)
        out = os.path.join(folder, TABLES_DIR, table)
        os.makedirs(out, exist_ok=True)
        for old in os.listdir(out):
            if old.endswith(".parquet"):
                os.remove(os.path.join(out, old))
        cur = db.execute("SELECT {} FROM \"{}\" ORDER BY {}".format(
            ", ".join(f'"{n}"' for n in names), table, ", ".join(f'"{n}"' for n in pk)))
        n = part = 0
        for rows in _batches(cur, rows_per_file):
            arrays = [pa.array([r[i] for r in rows], type=schema.field(i).type) for i in range(len(names))]
            pq.write_table(pa.Table.from_arrays(arrays, schema=schema), os.path.join(out, f"part-{part:05d}.parquet"))
            part += 1
            n += len(rows)
        if part == 0:  # an empty table still gets a file, so its columns travel
            pq.write_table(schema.empty_table(), os.path.join(out, "part-00000.parquet"))
        counts[table] = n
    return counts


def has_tables(folder: str) -> bool:
    return os.path.isdir(os.path.join(folder, TABLES_DIR))


def import_tables(store: Store, folder: str) -> dict[str, int]:
    """Insert the rows of ``folder/tables/*`` that the store does not hold yet; counts of rows added."""
    import pyarrow.parquet as pq

    db = store.db
    root = os.path.join(folder, TABLES_DIR)
    known = set(data_tables(db))
    added: dict[str, int] = {}
    order = [t for t in data_tables(db) if os.path.isdir(os.path.join(root, t))]
    unknown = sorted(set(os.listdir(root)) - known)
    if unknown:
        raise StorylineError(f"{root} holds tables this version of storyline does not know ({', '.join(unknown)}); "
                             "upgrade storyline, or remove those folders to load the rest")
    try:
        with db:
            for table in order:
                have = {c[0] for c in _columns(db, table)}
                n = 0
                for f in sorted(os.listdir(os.path.join(root, table))):
                    if not f.endswith(".parquet"):
                        continue
                    pf = pq.ParquetFile(os.path.join(root, table, f))
                    names = [c for c in pf.schema_arrow.names if c in have]
                    sql = 'INSERT OR IGNORE INTO "{}" ({}) VALUES ({})'.format(
                        table, ", ".join(f'"{c}"' for c in names), ", ".join("?" * len(names)))
                    for batch in pf.iter_batches(batch_size=10_000, columns=names):
                        cols = [batch.column(i).to_pylist() for i in range(len(names))]
                        before = db.total_changes
                        db.executemany(sql, zip(*cols))
                        n += db.total_changes - before
                added[table] = n
            if any(added.values()):
                for fts in _fts_tables(db):
                    db.execute(f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')")
    except sqlite3.Error as e:
        raise StorylineError(f"cannot load {folder} into {store.path}: {e}; check free disk space and permissions"
                             ) from None
    return added
