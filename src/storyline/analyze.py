"""The per-article stage: a pure function from a batch of articles to a batch of analyses.

1. repair scraping artefacts into an analysis copy (textfix.OffsetMap keeps the offsets);
2. parse the copies with spaCy (nlp.load: the model plus storyline's components);
3. build each article's discourse (discourse.Discourse: who is who);
4. extract quotes (quotes.find_quotes) and numeric claims (claims.find_claims);
5. map every span back to the original text and return records.

Nothing here reads or writes shared state, so the same function runs in one process, in a
pool of local workers, or on a distributed engine.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .claims import find_claims
from .discourse import Discourse, LocalActor, org_roles
from .events import event_records
from .nlp import load
from .quotes import find_quotes
from .records import Actor, ActorRef, Analysis, Article, Claim, Quote, stable_id
from .textfix import repair


def _local_actor(article_id: str, a: LocalActor) -> Actor:
    return Actor(id=a.key, name=a.name, kind=a.kind, country=a.country, roles=tuple(sorted(a.roles)) + org_roles(a),
                 aliases=tuple(sorted(a.aliases)))


def analyze_batch(articles: Iterable[Article], batch_size: int = 16, events: bool = True) -> Iterator[Analysis]:
    nlp = load()
    arts = list(articles)
    maps = [repair(a.text) for a in arts]
    for art, omap, doc in zip(arts, maps, nlp.pipe((m.text for m in maps), batch_size=batch_size)):
        yield analyze_doc(art, omap, doc, events=events)


def analyze_doc(art: Article, omap, doc, events: bool = True) -> Analysis:  # type: ignore[no-untyped-def]
    disc = Discourse(doc)
    title_span = None
    if art.title and art.text.startswith(art.title.strip()):
        title_span = (0, len(art.title))
    found = find_quotes(doc, disc, title_span)
    orig = art.text

    def ref(res, with_span: bool = True) -> ActorRef | None:  # type: ignore[no-untyped-def]
        if res is None:
            return None
        a = res.actor
        s, e = omap.span(res.start, res.end)
        return ActorRef(actor_id=a.key, name=a.name, aliases=tuple(sorted(a.aliases)),
                        text=orig[s:e] if with_span else None, start=s if with_span else None,
                        end=e if with_span else None, kind=a.kind)

    quotes: list[Quote] = []
    for f in sorted(found, key=lambda f: (f.start, f.end)):
        s, e = omap.span(f.start, f.end)
        if s < art.body_start < e:  # reported speech never includes the dateline
            s = art.body_start
            while s < e and orig[s].isspace():
                s += 1
        if e <= s:
            continue
        cs = ce = None
        cue = None
        if f.cue:
            cs, ce = omap.span(*f.cue)
            cue = orig[cs:ce]
        quotes.append(Quote(id=stable_id(art.id, "quote", s, e, f.kind), article_id=art.id, kind=f.kind,
                            start=s, end=e, text=orig[s:e], cue=cue, cue_start=cs, cue_end=ce,
                            speaker=ref(f.speaker)))
    claims: list[Claim] = []
    for c in find_claims(doc, disc, found, art.published):
        s, e = omap.span(c.start, c.end)
        q = c.quote
        qid = None
        if q is not None:
            qs, qe = omap.span(q.start, q.end)
            qid = stable_id(art.id, "quote", qs, qe, q.kind)
        claims.append(Claim(id=stable_id(art.id, "claim", s, e), article_id=art.id, start=s, end=e,
                            text=orig[s:e], value=c.value, low=c.low, high=c.high, qualifier=c.qualifier,
                            counts=c.counts, unit=c.unit, where=c.where,
                            claimed_by=ref(c.claimant, with_span=False), as_of=c.as_of, quote_id=qid))
    evs = event_records(art, omap, doc, disc, found, quotes) if events else ()  # before actors: it may name more
    actors = [_local_actor(art.id, a) for a in disc.actors]
    return Analysis(article=art, quotes=quotes, claims=claims, actors=actors, events=evs)
