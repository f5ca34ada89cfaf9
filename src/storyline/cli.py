"""Command line: a thin layer over storyline.api.

Exit status: 0 when every input was ingested (or was already stored), 1 when some inputs
failed (each is listed with its reason; the others are stored), 2 for a usage or database
error (nothing was done).
"""
from __future__ import annotations

import json
import os
import sys
from importlib import resources

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import api
from .errors import StorylineError
from .gctune import bulk_ingest

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="storyline: turn a pile of news reports into a sourced, structured record.")
err = Console(stderr=True)
out = Console()

DB_OPT = typer.Option(api.DEFAULT_DB, "--db", help="SQLite database file (created if missing).")


def _fail(msg: str) -> None:
    err.print(f"[bold red]error:[/] {msg}")
    raise typer.Exit(2)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
           db: str = DB_OPT,
           workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes for the analysis."),
           quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
           engine: str = typer.Option("local", "--engine", help="local, or ray (Ray Data; writes Parquet to -o)."),
           address: str = typer.Option(None, "--address", help="Ray cluster address (ray://HOST:10001); "
                                       "default: a local Ray on 127.0.0.1."),
           output: str = typer.Option(None, "--output", "-o", help="With --engine ray: the Parquet folder to write "
                                      "(merge it with `storyline load`)."),
           knowledge: list[str] = typer.Option([], "--knowledge", "-k",
                                               help="A knowledge file of your own (countries, organisations, "
                                                    "sector words; see storyline/data/knowledge.json). Repeatable."),
           events: bool = typer.Option(True, "--events/--no-events", help="Code PLOVER events (on by default).")) -> None:
    """Read, analyse and store articles (.txt, .html, .json, .jsonl). Exit 1 if any input failed."""
    if engine != "local":
        _ingest_ray(paths, engine, address, output, workers)
        return
    try:
        show = not quiet and err.is_terminal
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=err, disable=not show) as prog:
            task = prog.add_task("", total=None)
            with bulk_ingest():  # fewer garbage collections in this process (gctune.py)
                rep = api.ingest(paths, db=db, workers=workers,
                                 progress=lambda n, p: prog.update(task, advance=n, description=os.path.basename(p)),
                                 events=events, knowledge=knowledge or None)
    except StorylineError as e:
        _fail(str(e))
        return
    for p in rep.skipped:
        err.print(f"[dim]skipped {p}: not an article file[/]")
    _summary(rep, db)


def _ingest_ray(paths: list[str], engine: str, address: str | None, output: str | None, workers: int) -> None:
    from . import scale

    if engine != "ray":
        _fail(f"unknown engine {engine!r}; use local or ray")
    if not output:
        _fail("--engine ray writes Parquet partitions: give the folder with -o FOLDER, then `storyline load FOLDER`")
    try:
        n = scale.run(paths, output, address=address, num_cpus=None if address or workers <= 1 else workers)
    except StorylineError as e:
        _fail(str(e))
        return
    err.print(f"wrote {n} analysed articles and input errors to {output}/{scale.ANALYSES_DIR}/; "
              f"merge them with `storyline load {output} --db FILE`")


@app.command()
def load(folder: str = typer.Argument(..., help="A Parquet folder from `ingest --engine ray` or `export --format "
                                      "parquet`."),
         db: str = DB_OPT) -> None:
    """Merge Parquet partitions or an exported store into the database (idempotent). Exit 1 if any input failed."""
    try:
        rep = api.load(folder, db=db)
    except StorylineError as e:
        _fail(str(e))
        return
    _summary(rep, db)


def _summary(rep: api.IngestReport, db: str) -> None:
    """Every failed input with its reason, the counts; exit status 1 if anything failed."""
    for f in rep.failures:
        err.print(f"[yellow]failed:[/] {f.path}: {f.reason}")
    err.print(f"{rep.added} added, {rep.unchanged} already stored, {rep.failed} failed "
              f"({rep.quotes} quotes, {rep.claims} claims, {rep.events} events) -> {db}")
    if rep.failed:
        raise typer.Exit(1)


@app.command()
def export(db: str = DB_OPT,
           output: str = typer.Option("-", "--output", "-o", help="Output file, or - for standard output."),
           fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, parquet (a folder of one file per type), "
                                                                  "or plover (PLOVER JSON Lines, one record per event).")
           ) -> None:
    """Write every record (articles, quotes, claims, events, actors) as JSON Lines, Parquet or PLOVER."""
    from .event_export import write_plover
    from .export import write_jsonl, write_parquet
    from .store import Store

    if fmt not in ("jsonl", "parquet", "plover"):
        _fail(f"unknown format {fmt!r}; use jsonl, parquet or plover")
    try:
        store = Store(db, readonly=True)
    except StorylineError as e:
        _fail(str(e))
        return
    try:
        if fmt == "parquet":
            if output == "-":
                _fail("parquet needs a folder: -o FOLDER")
            counts = write_parquet(store, output)
            from .tables import export_tables

            export_tables(store, output)  # every table, row for row, for `storyline load`
            err.print(f"wrote {sum(counts.values())} records to {output}/ ({', '.join(f'{k}: {v}' for k, v in counts.items())})")
        elif output == "-":
            (write_plover if fmt == "plover" else write_jsonl)(store, sys.stdout)
        else:
            with open(output, "w", encoding="utf-8") as f:
                n = (write_plover if fmt == "plover" else write_jsonl)(store, f)
            err.print(f"wrote {n} records to {output}")
    finally:
        store.close()


@app.command()
def show(db: str = DB_OPT, as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")) -> None:
    """A terminal summary: articles, speakers, quotes and claims."""
    try:
        s = api.summary(db)
    except StorylineError as e:
        _fail(str(e))
        return
    if as_json:
        out.print_json(json.dumps(s))
        return
    c = s["counts"]
    out.print(f"[bold]{c['articles']}[/] articles, [bold]{c['quotes']}[/] quotes, [bold]{c['claims']}[/] claims, "
              f"[bold]{c['actors']}[/] actors, {c['failures']} failed inputs  ({db})")
    t = Table(title="Articles", show_lines=False)
    for col in ("file", "outlet", "published", "quotes", "claims", "title"):
        t.add_column(col, overflow="fold")
    for a in s["articles"]:
        pub = a["published"] or "-"
        if a["published"] and a["published_source"] in ("weekday", "text-year", "corpus"):
            pub += f" ({a['published_source']})"
        t.add_row(os.path.basename(a["path"]), a["outlet"] or "-", pub, str(a["quotes"]), str(a["claims"]),
                  (a["title"] or "")[:60])
    out.print(t)
    t = Table(title="Speakers")
    for col in ("speaker", "kind", "quotes", "articles"):
        t.add_column(col)
    for r in s["speakers"]:
        t.add_row(r["name"], r["kind"], str(r["quotes"]), str(r["articles"]))
    out.print(t)
    t = Table(title="Figures")
    for col in ("counts", "figure", "as of", "claimed by", "outlet"):
        t.add_column(col)
    for r in s["claims"]:
        fig = {"exact": "", "about": "about ", "more_than": "more than ", "less_than": "less than ",
               "at_least": "at least ", "at_most": "up to ", "range": ""}.get(r["qualifier"], "")
        val = f"{r['low']:g}–{r['high']:g}" if r["qualifier"] == "range" and r["high"] else f"{r['value']:g}"
        t.add_row(r["counts"] or "-", fig + val, r["as_of"] or "-", r["claimed_by"] or "(outlet)", r["outlet"] or "-")
    out.print(t)
    for f in s["failures"]:
        out.print(f"[yellow]failed:[/] {f['path']}: {f['reason']}")


@app.command()
def demo(db: str = typer.Option("demo.db", "--db", help="Database for the demo (recreated).")) -> None:
    """Ingest the bundled sample corpus (a fictional story) and show the result."""
    sample = str(resources.files("storyline").joinpath("sample"))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    err.print(f"ingesting the sample corpus in {sample} (a fictional story written for storyline)")
    rep = api.ingest([sample], db=db)
    err.print(f"{rep.added} added, {rep.failed} failed")
    show(db=db, as_json=False)


def _call_or_json(call, as_json: bool):  # type: ignore[no-untyped-def]
    """Run an API call; on --json print its result and return None; a StorylineError exits 2."""
    try:
        res = call()
    except StorylineError as e:
        _fail(str(e))
        return None
    if as_json:
        out.print_json(json.dumps(res))
        return None
    return res


@app.command()
def claims(db: str = DB_OPT,
           counts: str = typer.Option(None, "--counts", help="Only this counted thing (killed, hostages, ...)."),
           as_json: bool = typer.Option(False, "--json", help="Print claims and groups as JSON.")) -> None:
    """Figures by counted thing, source and date, with where sources agree, conflict or update."""
    res = _call_or_json(lambda: api.claims(db, counts), as_json)
    if res is None:
        return
    if not res["claims"]:
        out.print(f"no claims{' counting ' + counts if counts else ''} in {db}")
        return
    t = Table(title="Claims")
    for col in ("counts", "where", "figure", "source", "date", "verdict"):
        t.add_column(col, overflow="fold")
    from rich.markup import escape  # names and places come from article text: never read them as markup

    for r in res["claims"]:
        src = r["source"] + (" (outlet)" if r["source_kind"] == "outlet" else "")
        t.add_row(*(escape(x) for x in (r["counts"], r["where"] or "-", r["figure"], src, r["date"] or "-",
                                        r["verdict"] or "-")))
    out.print(t)
    for g in res["groups"]:
        out.print(f"[bold]{g['verdict']}[/] {escape(g['explanation'])}", highlight=False)


def _need_server(db: str) -> None:
    """Exit 2 with a hint when the `server` extra is not installed or the database is missing."""
    import importlib.util

    for mod in ("fastapi", "uvicorn", "jinja2"):
        if importlib.util.find_spec(mod) is None:
            _fail(f"this command needs the `server` extra ({mod} is missing): pip install 'storyline[server]'")
    if not os.path.exists(db):
        _fail(f"no database at {db}; run `storyline ingest PATH --db {db}` first")


@app.command()
def views(db: str = DB_OPT) -> None:
    """Build the stored story views that are missing or out of date (run it after upgrading storyline:
    until then, story pages and /api/stories/{id} are computed per request, slower on long stories)."""
    try:
        n = api.refresh_views(db)
    except StorylineError as e:
        _fail(str(e))
        return
    out.print(f"{n} story views built ({db})")


@app.command()
def serve(db: str = DB_OPT,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
          port: int = typer.Option(8000, "--port", help="TCP port.")) -> None:
    """Serve the JSON API (/api, OpenAPI at /openapi.json, docs at /docs) and the web UI, read-only."""
    _need_server(db)
    from .server import serve as run

    err.print(f"serving {db} read-only on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    run(db, host=host, port=port)


@app.command()
def report(db: str = DB_OPT,
           story: str = typer.Option(None, "--story", help="Only this story id (default: every story)."),
           output: str = typer.Option("report.html", "--output", "-o", help="HTML file to write.")) -> None:
    """Write one self-contained HTML report (inline CSS/JS, no external requests) of the stories."""
    _need_server(db)
    from .queries import NotFound
    from .report import build

    try:
        html = build(db, story)
    except NotFound as e:
        _fail(f"{e}; list the stories with `curl http://127.0.0.1:8000/api/stories` or open the web UI")
        return
    with open(output, "w", encoding="utf-8") as f:
        f.write(html)
    err.print(f"wrote {output} ({len(html) // 1024} KB)")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
