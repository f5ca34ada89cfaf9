"""Compare two stores table by table (every row, every column but the clock)."""
import sqlite3

from storyline.tables import data_tables

CLOCK = {"ingested_at", "at", "updated"}  # updated: when a story view was built


def table_rows(db: str) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        out = {}
        for t in data_tables(con):
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")') if r[1] not in CLOCK]
            rows = con.execute("SELECT {} FROM \"{}\"".format(", ".join(f'"{c}"' for c in cols), t)).fetchall()
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def integrity_ok(db: str) -> bool:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
