"""The record types storyline produces: one frozen dataclass per output.

The same names are used in code, in the SQLite tables, in the export and in the UI.
Offsets (``start``/``end``) are always character offsets into the article's original
text (the input after decoding), never into a repaired or normalised copy.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


def stable_id(*parts: object, prefix: str = "", n: int = 16) -> str:
    """A short deterministic id: the same parts give the same id on every machine."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:n]
    return f"{prefix}{h}"


def text_id(text: str) -> str:
    """An article's id: a hash of its text, so the same article ingested twice is one record."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class ActorRef:
    """A party as it appears in one record: the resolved actor plus the words that name it here."""

    actor_id: str | None
    name: str
    aliases: tuple[str, ...] = ()
    text: str | None = None
    start: int | None = None
    end: int | None = None
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "name": self.name,
            "aliases": list(self.aliases),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Article:
    id: str
    path: str
    text: str
    title: str | None = None
    outlet: str | None = None
    dateline: str | None = None
    published: str | None = None
    # how `published` was found: metadata, dateline, date-line, weekday, text-year, corpus, or None
    published_source: str | None = None
    # month and day read from the dateline when the year was not written ("--11-07")
    dateline_date: str | None = None
    url: str | None = None
    body_start: int = 0
    repeated: tuple[Span, ...] = ()
    boilerplate: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Quote:
    id: str
    article_id: str
    kind: str  # direct / partial / indirect
    start: int
    end: int
    text: str
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker: ActorRef | None


@dataclass(frozen=True)
class Claim:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    value: float
    low: float | None
    high: float | None
    qualifier: str  # exact / about / more_than / less_than / at_least / at_most / range
    counts: str | None
    unit: str | None
    where: str | None
    claimed_by: ActorRef | None
    as_of: str | None
    quote_id: str | None = None


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str  # person / organisation / state / group / unnamed_source
    country: str | None = None
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sector: str | None = None  # government / military / police / armed_group / igo / ngo / media / ...


@dataclass(frozen=True)
class Failure:
    """An input that could not be ingested, with the reason and what to do about it."""

    path: str
    reason: str


@dataclass
class Analysis:
    """Everything the per-article stage produces for one article."""

    article: Article
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)  # local actors, ids are local keys
    events: tuple[Event, ...] = ()


def as_dict(rec: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(rec):
        v = getattr(rec, f.name)
        if isinstance(v, ActorRef):
            v = v.to_dict()
        elif isinstance(v, tuple):
            v = [dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in v]
        out[f.name] = v
    return out


@dataclass(frozen=True)
class Event:
    """Who did what to whom, when and where: one PLOVER event as one report tells it."""

    id: str
    article_id: str
    start: int
    end: int
    event_type: str  # PLOVER 2.0: AGREE, CONSULT, ..., ASSAULT
    mode: str | None
    context: tuple[str, ...]
    actor: ActorRef | None
    recipient: ActorRef | None
    date: str | None
    location: str | None
    trigger: str
    trigger_start: int
    trigger_end: int
    status: str  # asserted / negated / future / hypothetical
    quote_id: str | None = None
