"""A Doc's text, read once.

spaCy's ``Doc.text`` joins every token's text on each access (a few hundred tokens per report);
the extractors ask for it in many places, some once per verb. The text is kept in the Doc's
``user_data`` (where events.py keeps its per-Doc tables), so it lives exactly as long as the Doc.
"""
from __future__ import annotations

from spacy.tokens import Doc

KEY = "storyline_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built on the first call for this Doc and kept in ``doc.user_data``."""
    text = doc.user_data.get(KEY)
    if text is None:
        text = doc.user_data[KEY] = doc.text
    return text
