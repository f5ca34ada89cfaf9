"""`storyline serve`: the JSON API (OpenAPI at /openapi.json, docs at /docs) and the web UI.

The store is opened read-only (``file:...?mode=ro``), one connection per request, so the server
keeps answering while another process ingests into the same WAL file. The docs page is ours,
rendered from the OpenAPI document: nothing is fetched from a CDN.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from . import queries, web
from .queries import BadQuery, Filters, NotFound

DESCRIPTION = ("Read-only access to a storyline store: stories, articles (with full-text search), quotes, claims, "
               "events and actors. Every list is filterable and paginated and answers "
               "{total, limit, offset, items, next}; pass next as after= for the following page (keyset "
               "paging), or use offset.")


Links = web.Links


def _filters(actor: str | None = Query(None, description="actor id, or part of a name or alias"),
             outlet: str | None = Query(None, description="outlet name (case-insensitive)"),
             date_from: str | None = Query(None, description="first date, YYYY-MM-DD (article or event date)"),
             date_to: str | None = Query(None, description="last date, YYYY-MM-DD"),
             type: str | None = Query(None, description="record type: quote kind (direct/partial/indirect), what a "
                                                      "claim counts, PLOVER event type, actor kind, article "
                                                      "original/copied, story multi_outlet/single_outlet"),
             story: str | None = Query(None, description="only records from this story's articles"),
             article: str | None = Query(None, description="only records from this article"),
             q: str | None = Query(None, description="text search (articles: FTS5 full text; quotes, stories, "
                                                     "actors: substring)"),
             limit: int = Query(50, ge=1, le=queries.MAX_LIMIT, description="page size"),
             offset: int = Query(0, ge=0, description="records to skip (a deep offset walks every row before "
                                                      "it: prefer after=)"),
             after: str | None = Query(None, description="cursor: the `next` of the previous page; the page "
                                                         "after it, found by seeking (keyset paging)")) -> Filters:
    return Filters(actor=actor, outlet=outlet, date_from=date_from, date_to=date_to, type=type, story=story,
                   article=article, q=q, limit=limit, offset=offset, after=after)


def create_app(db_path: str) -> FastAPI:
    app = FastAPI(title="storyline", version="0.1.0", description=DESCRIPTION, docs_url=None, redoc_url=None)

    def conn() -> Iterator[sqlite3.Connection]:
        try:
            db = queries.connect(db_path)
        except (FileNotFoundError, sqlite3.Error) as e:
            raise HTTPException(503, f"cannot open the store: {e}") from None
        try:
            yield db
        finally:
            db.close()

    @app.exception_handler(NotFound)
    def _nf(request: Request, e: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(e)}, status_code=404)
        return HTMLResponse(web.render("search.html", q="", page=None, error=f"Not found: {e}", href=Links),
                            status_code=404)

    @app.exception_handler(BadQuery)
    def _bq(request: Request, e: BadQuery) -> Response:
        return JSONResponse({"detail": str(e)}, status_code=400)

    DB = Depends(conn)
    F = Depends(_filters)

    # ---- JSON API ------------------------------------------------------------------------
    for kind, lister, getter, what in (
            ("stories", queries.list_stories, queries.story_json,
             "filter by actor, outlet, dates (stories active in the range), type multi_outlet/single_outlet"),
            ("articles", queries.list_articles, queries.article,
             "?q= searches titles and text (SQLite FTS5, all words must occur; results carry a snippet)"),
            ("quotes", queries.list_quotes, partial(queries.get_record, kind="quote"), "type = direct/partial/indirect"),
            ("claims", queries.list_claims, partial(queries.get_record, kind="claim"), "type = what the figure counts"),
            ("events", queries.list_events, partial(queries.get_record, kind="event"), "type = PLOVER event type"),
            ("actors", queries.list_actors, partial(queries.get_record, kind="actor"), "type = actor kind")):
        _add_kind(app, kind, lister, getter, what, F, DB)

    # ---- web UI --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def ui_stories(request: Request, f: Filters = F, db: sqlite3.Connection = DB) -> str:
        page = queries.list_stories(db, f)
        nxt = {k: v for k, v in request.query_params.items() if k != "offset"}
        nxt["offset"] = str(f.offset + f.limit)
        return web.render("stories.html", page=page, f=f, href=Links, next_qs=urlencode(nxt))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_story(story_id: str, db: sqlite3.Connection = DB) -> str:
        s = queries.story_page(db, story_id)
        if "sections_html" in s:  # rendered at aggregation from the same templates, escaped there
            s["sections_html"] = Markup(s["sections_html"])
        return web.render("story.html", s=s, href=Links)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_article(article_id: str, db: sqlite3.Connection = DB) -> str:
        return web.render("article.html", a=queries.article(db, article_id), href=Links)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def ui_search(q: str = "", offset: int = Query(0, ge=0), db: sqlite3.Connection = DB) -> str:
        page = queries.list_articles(db, Filters(q=q, limit=50, offset=offset)) if q.strip() else None
        return web.render("search.html", q=q, page=page, href=Links)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def ui_docs() -> str:
        return web.render("docs.html", spec=app.openapi(), href=Links)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        types = {"app.css": "text/css", "app.js": "text/javascript"}
        if name not in types:
            raise HTTPException(404, "no such asset")
        return Response(web.asset(name), media_type=types[name], headers={"Cache-Control": "max-age=300"})

    return app


def _add_kind(app: FastAPI, kind: str, lister: Any, getter: Any, what: str, F: Any, DB: Any) -> None:
    one = kind[:-1]

    def list_(f: Filters = F, db: sqlite3.Connection = DB) -> dict[str, Any]:
        return lister(db, f)

    def get_(record_id: str, db: sqlite3.Connection = DB) -> Any:
        out = getter(db, rid=record_id)
        # JSON text (a stored story view) is served as it is, not parsed and encoded again
        return Response(out, media_type="application/json") if isinstance(out, str) else out

    app.add_api_route(f"/api/{kind}", list_, methods=["GET"], summary=kind.capitalize(), description=what,
                      tags=["api"], operation_id=f"list_{kind}")
    app.add_api_route(f"/api/{kind}/{{record_id}}", get_, methods=["GET"], tags=["api"], operation_id=f"get_{one}",
                      summary=f"One {one}" + (" with everything its page shows" if kind in ("stories", "articles")
                                                else ""))


def serve(db: str, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")

