"""HTML for the web UI and the report: highlighted article text, SVG charts, templates.

Article text is untrusted. Every piece of it goes through ``html.escape`` (highlighting) or
Jinja2's autoescape (templates); the only markup we add is our own tags around escaped text.
"""
from __future__ import annotations

import datetime as dt
import heapq
import html
import math
import os
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from markupsafe import Markup

PALETTE = ["#1f6fb2", "#d9822b", "#2e8b57", "#8e44ad", "#b8860b", "#5f7c8a", "#c2185b", "#00838f"]
PRIORITY = {"copied": 0, "quote": 1, "event": 2, "claim": 3, "speaker": 4}


def highlight(text: str, spans: list[dict[str, Any]]) -> Markup:
    """Article text as HTML with every span wrapped in a ``<mark>``.

    ``spans``: dicts with start, end, kind (quote/speaker/claim/event/copied), id (the anchor id
    of its first piece), title (a tooltip) and ref (the id of its record in the side panel).
    Spans nest; a span that crosses the end of an enclosing one is split, and only its first
    piece carries the anchor id. Every text segment is escaped.
    """
    n = len(text)
    todo = []
    for i, s in enumerate(spans):
        a, b = max(0, int(s["start"])), min(n, int(s["end"]))
        if b > a:
            todo.append((a, -b, PRIORITY.get(s["kind"], 9), i, True))
    heapq.heapify(todo)
    out: list[str] = []
    stack: list[int] = []  # end offsets of open marks
    pos = 0

    def emit(upto: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= upto:
            end = stack.pop()
            out.append(html.escape(text[pos:end]))
            out.append("</mark>")
            pos = end
        out.append(html.escape(text[pos:upto]))
        pos = upto

    while todo:
        a, nb, pr, i, first = heapq.heappop(todo)
        b = -nb
        emit(a)
        if stack and b > stack[-1]:  # crosses the enclosing mark: split, the rest comes later
            heapq.heappush(todo, (stack[-1], -b, pr, i, False))
            b = stack[-1]
        if b <= a:
            continue
        s = spans[i]
        attrs = [f'class="hl hl-{html.escape(s["kind"])}"', f'data-ref="{html.escape(s.get("ref") or "")}"']
        if first and s.get("id"):
            attrs.append(f'id="{html.escape(s["id"])}"')
        if s.get("title"):
            attrs.append(f'title="{html.escape(s["title"])}"')
        out.append(f"<mark {' '.join(attrs)}>")
        stack.append(b)
    emit(n)
    return Markup("".join(out))


def article_spans(art: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """The highlight spans of an article from its records (see ``queries.article``)."""
    spans: list[dict[str, Any]] = []
    for c in art["copied"]:
        spans.append({"start": c["start"], "end": c["end"], "kind": "copied", "id": f"{prefix}copied-{c['start']}",
                      "ref": f"rec-{prefix}copied-{c['start']}",
                      "title": f"copied from {c.get('source_outlet') or 'another article'}"})
    for q in art["quotes"]:
        spans.append({"start": q["start"], "end": q["end"], "kind": "quote", "id": f"quote-{q['id']}",
                      "ref": f"rec-quote-{q['id']}", "title": f"{q['kind']} quote: {q.get('speaker_name') or '?'}"})
        if q.get("speaker_start") is not None:
            spans.append({"start": q["speaker_start"], "end": q["speaker_end"], "kind": "speaker",
                          "id": f"speaker-{q['id']}", "ref": f"rec-quote-{q['id']}",
                          "title": f"speaker: {q.get('speaker_name') or q.get('speaker_text')}"})
    for c in art["claims"]:
        spans.append({"start": c["start"], "end": c["end"], "kind": "claim", "id": f"claim-{c['id']}",
                      "ref": f"rec-claim-{c['id']}", "title": f"claim: {c.get('counts') or 'figure'}"})
    for e in art["events"]:
        if e.get("start") is not None and e.get("end") is not None:
            spans.append({"start": e["start"], "end": e["end"], "kind": "event", "id": f"event-{e['id']}",
                          "ref": f"rec-event-{e['id']}", "title": f"event: {e.get('event_type') or '?'}"})
    return spans


def _days(d: str | None) -> int | None:
    try:
        return dt.date.fromisoformat(d).toordinal() if d else None
    except ValueError:
        return None


def _fmt(v: float | None) -> str:
    return "" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def claim_chart(group: dict[str, Any], width: int = 640, height: int = 230) -> Markup:
    """An SVG of one claim group's figures by source (colour) and date (x); conflicting points
    are drawn with a thick red ring, ranges as vertical bars. Labels are escaped."""
    claims = group["claims"]
    sources = sorted({c["source"] for c in claims})
    color = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sources)}
    days = [d for d in (_days(c["date"]) for c in claims) if d is not None]
    d0, d1 = (min(days), max(days)) if days else (0, 1)
    if d1 == d0:
        d0, d1 = d0 - 1, d1 + 1
    top = 1.12 * max((c["high"] or c["value"] or 0) for c in claims) or 1
    top = 10 ** math.floor(math.log10(top)) * math.ceil(top / 10 ** math.floor(math.log10(top))) if top > 0 else 1
    left, right, t, b = 56, 20, 14, 40
    pw, ph = width - left - right, height - t - b

    def x(d: int | None) -> float:
        return left + (pw * (d - d0) / (d1 - d0) if d is not None else pw + 6)

    def y(v: float) -> float:
        return t + ph - ph * (v / top)

    label = f"Figures for {group.get('counts') or 'this group'} by source and date"
    parts = [(f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(label)}" '
              f'xmlns="http://www.w3.org/2000/svg">')]
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="tick">{_fmt(v)}</text>')
    seen_days = sorted(set(days))
    step = max(1, len(seen_days) // 6)
    for d in seen_days[::step]:
        parts.append(f'<text x="{x(d):.1f}" y="{height - b + 16}" text-anchor="middle" class="tick">'
                     f'{dt.date.fromordinal(d).strftime("%b %d")}</text>')
    jitter: dict[tuple[int | None, str], int] = {}
    labelled: set[tuple[int | None, float]] = set()
    for c in claims:
        cd = _days(c["date"])
        k = jitter[(cd, c["source"])] = jitter.get((cd, c["source"]), -1) + 1
        cx = x(cd) + (sources.index(c["source"]) - (len(sources) - 1) / 2) * 12 + k * 4
        col = color[c["source"]]
        tip = html.escape(f"{c['source']}: {c['text']} ({c['date'] or 'undated'})"
                          + (" — conflicts with another source" if c["conflict"] else "")
                          + (" — copied text" if c.get("copied") else ""))
        cls = "pt conflict" if c["conflict"] else "pt"
        if c["low"] is not None and c["high"] is not None and c["high"] != c["low"]:
            parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(c["low"]):.1f}" y2="{y(c["high"]):.1f}" '
                         f'stroke="{col}" stroke-width="5" class="{cls}"><title>{tip}</title></line>')
        else:
            v = c["value"] or 0
            fill = "white" if c.get("copied") else col
            parts.append(f'<circle cx="{cx:.1f}" cy="{y(v):.1f}" r="6" fill="{fill}" stroke="{col}" stroke-width="2" '
                         f'class="{cls}"><title>{tip}</title></circle>')
        if (cd, c["value"]) not in labelled:
            labelled.add((cd, c["value"]))
            parts.append(f'<text x="{cx + 10:.1f}" y="{y(c["value"] or 0) - 9:.1f}" class="tick">'
                         f'{_fmt(c["value"])}</text>')
        if c["conflict"]:
            vv = c["value"] or 0
            parts.append(f'<circle cx="{cx:.1f}" cy="{y(vv):.1f}" r="10" class="ring"/>')
    lx = left
    for s in sources:
        parts.append(f'<circle cx="{lx + 5}" cy="{height - 8}" r="5" fill="{color[s]}"/>'
                     f'<text x="{lx + 14}" y="{height - 4}" class="legend">{html.escape(s[:28])}</text>')
        lx += 22 + 7 * min(len(s), 28)
    parts.append("</svg>")
    return Markup("".join(parts))


def actor_graph(edges: list[dict[str, Any]], width: int = 640, height: int = 420) -> Markup:
    """Actors in a circle; an arrow per (actor, recipient, event type), labelled with the type."""
    names: list[str] = []
    for e in edges:
        for n in (e["actor"], e["recipient"]):
            if n and n not in names:
                names.append(n)
    if not names:
        return Markup("")
    cx, cy, r = width / 2, height / 2, min(width, height) / 2 - 60
    pos = {n: (cx + r * math.cos(2 * math.pi * i / len(names) - math.pi / 2),
               cy + r * math.sin(2 * math.pi * i / len(names) - math.pi / 2)) for i, n in enumerate(names)}
    parts = [(f'<svg class="graph" viewBox="0 0 {width} {height}" role="img" aria-label="Actors and what they '
              f'did to whom" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" '
              f'refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path '
              f'd="M0,0L10,5L0,10z" class="arrowhead"/></marker></defs>')]
    # one arrow per ordered pair, labelled with every event type between them
    pairs: dict[tuple[str, str], list[str]] = {}
    for e in edges:
        if e["recipient"]:
            pairs.setdefault((e["actor"], e["recipient"]), []).append(
                e["event_type"] + ("" if e["count"] == 1 else f" ×{e['count']}"))
    for (a, rcp), types in pairs.items():
        (x1, y1), (x2, y2) = pos[a], pos[rcp]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        ux, uy = dx / dist, dy / dist
        mx, my = (x1 + x2) / 2 - uy * 30, (y1 + y2) / 2 + ux * 30
        sx, sy, ex, ey = x1 + ux * 16, y1 + uy * 16, x2 - ux * 18, y2 - uy * 18
        label = ", ".join(types)
        tip = html.escape(f"{a} → {rcp}: {label}")
        parts.append(f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" class="edge" '
                     f'marker-end="url(#arrow)"><title>{tip}</title></path>'
                     f'<text x="{(sx + 2 * mx + ex) / 4:.1f}" y="{(sy + 2 * my + ey) / 4:.1f}" class="edge-label" '
                     f'text-anchor="middle">{html.escape(label)}</text>')
    solo = {e["actor"]: e for e in edges if not e["recipient"]}
    for n, (x0, y0) in pos.items():
        extra = f" ({html.escape(solo[n]['event_type'])})" if n in solo else ""
        anchor = "middle"
        parts.append(f'<g class="node"><circle cx="{x0:.1f}" cy="{y0:.1f}" r="14"/><text x="{x0:.1f}" '
                     f'y="{y0 + (30 if y0 >= cy else -22):.1f}" text-anchor="{anchor}">{html.escape(n[:32])}{extra}'
                     f'</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


class Links:
    """Where the UI links to, in the served site."""

    api = True

    @staticmethod
    def story(sid: str) -> str:
        return f"/stories/{quote(sid)}"

    @staticmethod
    def article(aid: str, frag: str | None = None) -> str:
        return f"/articles/{quote(aid)}" + (f"#{quote(frag)}" if frag else "")


def story_sections(s: dict[str, Any]) -> str:
    """The sections of a story page (all but title, dates and summary) as served, from a story
    view: stored with the view at aggregation, so the page is not rendered per request."""
    return str(env().get_template("_macros.html").module.story_sections(s, Links))  # type: ignore[attr-defined]


def story_section(name: str, s: dict[str, Any]) -> str:
    """One section of a story page (``nav``, ``timeline``, ``figures``, ``graph``, ``positions``,
    ``quotes``, ``articles``): ``story_sections`` is these in that order, joined."""
    return str(getattr(env().get_template("_macros.html").module, f"section_{name}")(s, Links))


def snippet(s: str | None) -> Markup:
    """An FTS5 snippet (matches between \\x02 and \\x03) as escaped HTML with <mark>s."""
    if not s:
        return Markup("")
    return Markup(html.escape(s).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def asset(name: str) -> str:
    return resources.files("storyline").joinpath("static", name).read_text(encoding="utf-8")


_ENV: Environment | None = None


class _BytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept between processes (Jinja2's per-user cache folder in the temporary
    directory, keyed by each template's source): an ``ingest`` of one article renders its story's
    page sections, and compiling the templates again in every process cost it 60-150 ms. A cache
    that cannot be written is skipped, never an error."""

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    if os.environ.get("STORYLINE_NO_TEMPLATE_CACHE"):
        return None
    try:
        return _BytecodeCache()
    except (OSError, RuntimeError):  # no writable temporary folder, or one that is not ours
        return None


def env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("storyline", "templates"), bytecode_cache=_bytecode_cache(),
                           autoescape=select_autoescape(default=True, default_for_string=True))
        _ENV.globals.update(highlight=highlight, article_spans=article_spans, claim_chart=claim_chart,
                            actor_graph=actor_graph, snippet=snippet, fmt=_fmt)
    return _ENV


def render(template: str, **ctx: Any) -> str:
    ctx.setdefault("standalone", False)
    if ctx["standalone"]:
        ctx["inline_css"] = Markup(asset("app.css"))
        ctx["inline_js"] = Markup(asset("app.js"))
    return env().get_template(template).render(**ctx)
