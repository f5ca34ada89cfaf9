"""The parser's and the NER's greedy decoding, the same moves taken with the GIL held.

spaCy 3.8's wheels for Python before 3.12 are compiled with Cython's profiling hooks on. The greedy
loop of its transition-based components (``Parser._parseC``, used by ``parser`` and ``ner``)
releases the GIL, and every profiled ``nogil`` function it calls (the state's features, the valid
moves, each move) takes the GIL back to ask whether a profiler is set: on one core, about a third
of the model's time went into that locking (``perf``: ``pthread_mutex_lock``/``unlock`` under
``PyGILState_Ensure`` from ``_parseC``), the NER most of all.

``GreedySteps`` decodes the same way from Python, one step for a whole sub-batch at a time, through
the component's own pieces: the step model's scores (``ParserStepModel.predict``: the precomputed
features summed, the same maxout and output layer, unseen classes set to the minimum) and
``Parser.transition_states`` (the best valid move of each state, as ``_parseC`` takes it). The
scores and the moves are the same, so every head, label and entity is the same
(tests/test_fastparse.py compares both on every token). Documents are parsed in sub-batches of
similar length as spaCy does, read ahead ``READ_AHEAD`` at a time: a longer sub-batch shares each
step's Python work among more states.

Anything this does not know (beam search, a component without these pieces) is left to spaCy.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

READ_AHEAD = 64  # documents read ahead of the stream and sorted by length
SUB_BATCH = 32  # documents decoded together, one step for all of them at a time


class GreedySteps:
    """A parser or NER component (``take``) decoded greedily with the GIL held."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.inner: Any = None

    def take(self, inner: Any) -> GreedySteps:
        self.inner = inner
        return self

    def __getattr__(self, attr: str) -> Any:  # model, moves, labels, cfg...: the component's own
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(attr)
        return getattr(inner, attr)

    def predict(self, docs: list[Doc]) -> list:
        parser = self.inner
        if parser.cfg.get("beam_width", 1) != 1 or not any(len(doc) for doc in docs):
            return parser.predict(docs)
        parser._ensure_labels_are_added(docs)
        batch = parser.moves.init_batch(docs)
        step = parser.model.predict(docs)  # ParserStepModel: the features of every token precomputed
        states = [state for state in batch if not state.is_final()]
        while states:
            states = parser.transition_states(states, step.predict(states))
        step.clear_memory()
        return batch

    def __call__(self, doc: Doc) -> Doc:
        self.inner.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = READ_AHEAD) -> Iterator[Doc]:
        error_handler = self.inner.get_error_handler()
        for batch in util.minibatch(docs, size=max(batch_size, READ_AHEAD)):
            in_order = list(batch)
            try:
                for sub in util.minibatch(sorted(in_order, key=len), size=SUB_BATCH):
                    self.inner.set_annotations(sub, self.predict(sub))
                yield from in_order
            except Exception as e:  # noqa: BLE001 - spaCy's error handler decides, as in Parser.pipe
                error_handler(self.name, self, in_order, e)


@Language.factory("storyline_greedy_steps")
def _make(nlp: Language, name: str) -> GreedySteps:
    return GreedySteps(nlp, name)


def _decodable(component: Any) -> bool:
    return all(hasattr(component, attr) for attr in
               ("transition_states", "moves", "model", "set_annotations", "_ensure_labels_are_added"))


def speed_up(nlp: Language, names: Iterable[str] = ("parser", "ner")) -> Language:
    """Decode the named transition-based components with GreedySteps (same names, same result)."""
    for name in names:
        if name in nlp.pipe_names and _decodable(nlp.get_pipe(name)):
            inner = nlp.get_pipe(name)
            nlp.replace_pipe(name, "storyline_greedy_steps").take(inner)
    return nlp
