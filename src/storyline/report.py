"""`storyline report`: one self-contained HTML file (inline CSS and JS, no external request)
with each story page and every article of those stories, spans highlighted. Links between
them are in-page anchors, so a quote link lands on its highlighted span as on the server."""
from __future__ import annotations

import datetime as dt

from . import queries, web
from .stories import story_article_ids


class ReportLinks:
    api = False

    @staticmethod
    def story(sid: str) -> str:
        return f"#story-{sid}"

    @staticmethod
    def article(aid: str, frag: str | None = None) -> str:
        return f"#{frag}" if frag else f"#article-{aid}"


def build(db_path: str, story_id: str | None = None) -> str:
    """The report as HTML text; raises queries.NotFound for an unknown story."""
    db = queries.connect(db_path)
    try:
        if story_id:
            ids = [story_id]
        else:
            ids = [s["id"] for s in queries.list_stories(db, queries.Filters(limit=queries.MAX_LIMIT))["items"]]
        stories = [queries.story(db, sid) for sid in ids]
        art_ids = [a for sid in ids for a in story_article_ids(db, sid)]
        articles = [queries.article(db, a) for a in art_ids]
    finally:
        db.close()
    return web.render("report.html", standalone=True, stories=stories, articles=articles, db=db_path,
                      href=ReportLinks, generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
