"""Repair scraping artefacts without losing offsets.

The analysis runs on a repaired copy of the text ("Zakharovaofficial" becomes
"Zakharova official"); an :class:`OffsetMap` turns every offset in the copy back into an
offset in the original, so records always point at the characters the user gave us.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .lexicon import load_lexicon


@dataclass(frozen=True)
class Edit:
    start: int  # in the original
    end: int  # in the original
    replacement: str


class OffsetMap:
    """Maps offsets of a repaired text back to the original text."""

    def __init__(self, original: str, edits: list[Edit]):
        edits = sorted(edits, key=lambda e: (e.start, e.end))
        parts: list[str] = []
        # (clean_start, orig_start, clean_len, orig_len) of each edited region
        self._clean_starts: list[int] = []
        self._regions: list[tuple[int, int, int, int]] = []
        pos = clean = 0
        for e in edits:
            if e.start < pos:
                continue  # overlapping edits: keep the first
            parts.append(original[pos:e.start])
            clean += e.start - pos
            self._clean_starts.append(clean)
            self._regions.append((clean, e.start, len(e.replacement), e.end - e.start))
            parts.append(e.replacement)
            clean += len(e.replacement)
            pos = e.end
        parts.append(original[pos:])
        self.original = original
        self.text = "".join(parts)

    def to_original(self, i: int) -> int:
        """Original offset of clean offset ``i``; inside a replacement it snaps to the edit's start."""
        k = bisect.bisect_right(self._clean_starts, i) - 1
        if k < 0:
            return i
        cstart, ostart, clen, olen = self._regions[k]
        if i < cstart + clen:
            return ostart
        return ostart + olen + (i - cstart - clen)

    def span(self, start: int, end: int) -> tuple[int, int]:
        s, e = self.to_original(start), self.to_original(end)
        return s, max(s, e)


_GLUE_RE: re.Pattern[str] | None = None


def _glue_re() -> re.Pattern[str]:
    global _GLUE_RE
    if _GLUE_RE is None:
        roles = sorted(load_lexicon("roles")["glue_words"], key=len, reverse=True)
        # a capitalised word glued to a lower-case role word: "Zakharovaofficial"
        _GLUE_RE = re.compile(r"\b([A-Z][a-z]{2,}?)(" + "|".join(map(re.escape, roles)) + r")\b")
    return _GLUE_RE


def repair(text: str, known_words: frozenset[str] = frozenset()) -> OffsetMap:
    """Return an OffsetMap whose ``text`` is ``text`` with scraping artefacts repaired.

    Repairs: a name glued to the role after it ("Maria Zakharovaofficial representative"),
    non-breaking and zero-width spaces, Windows line ends inside the analysis copy, and two
    apostrophes or backticks used as a quotation mark (''...'', ``...``, as some papers print), and a
    space where a curly quotation mark is glued to the word after or before it.
    """
    edits: list[Edit] = []
    for m in _glue_re().finditer(text):
        word = m.group(0)
        if word.lower() in known_words:
            continue
        edits.append(Edit(m.end(1), m.end(1), " "))
    for m in re.finditer("[\u00a0\u2007\u202f]", text):
        edits.append(Edit(m.start(), m.end(), " "))
    for m in re.finditer("[\u200b\u200c\u200d\ufeff]", text):
        edits.append(Edit(m.start(), m.end(), ""))
    for m in re.finditer("\r\n?", text):
        edits.append(Edit(m.start(), m.end(), "\n"))
    for m in re.finditer("''|``", text):
        edits.append(Edit(m.start(), m.end(), '"'))
    # a curly mark glued to the word next to it ('every day,”Ferren said', 'said,“Look'):
    # the tokenizer would keep them as one word and lose the speaker
    for m in re.finditer("(?<=[,.?!])”(?=[A-Za-z])", text):
        edits.append(Edit(m.end(), m.end(), " "))
    for m in re.finditer("(?<=[a-z][,:])“(?=[A-Za-z])", text):
        edits.append(Edit(m.start(), m.start(), " "))
    return OffsetMap(text, edits)
