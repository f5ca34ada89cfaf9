from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.textfix import Edit, OffsetMap, repair


def test_glued_role_is_split_and_mapped_back():
    text = "we will inform you Anna Korvelofficial representative of the ministry"
    m = repair(text)
    assert "Korvel official" in m.text
    i = m.text.index("official")
    s, e = m.span(i, i + len("official"))
    assert text[s:e] == "official"
    j = m.text.index("Korvel")
    s, e = m.span(j, j + len("Korvel"))
    assert text[s:e] == "Korvel"


def test_real_words_are_not_split():
    for word in ("Presidential", "Ministerial", "Headquarters"):
        assert repair(f"The {word} office").text == f"The {word} office"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n\u00a0\r", min_size=1, max_size=60), st.data())
def test_offsets_outside_edits_are_preserved(text, data):
    m = repair(text)
    # every character of the copy that was not produced by an edit maps to the same character
    for i, ch in enumerate(m.text):
        o = m.to_original(i)
        assert 0 <= o <= len(text)
        if ch in "ab":
            assert text[o] == ch


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="xyz", min_size=5, max_size=40), st.integers(0, 4), st.integers(0, 3), st.text("-", max_size=3))
def test_span_roundtrip_after_insertions(text, at, width, rep):
    at = min(at, len(text))
    m = OffsetMap(text, [Edit(at, min(len(text), at + width), rep)])
    end = len(m.text)
    s, e = m.span(0, end)
    assert 0 <= s <= e <= len(text)
    # the characters no edit touched are all inside the mapped span
    if at > 0 or rep:
        assert s == 0
    if min(len(text), at + width) < len(text):
        assert e == len(text)


def test_a_curly_mark_glued_to_a_word_gets_a_space_and_offsets_map_back():
    text = "\u201cThe ferry must run,\u201dFerren said,\u201cevery day.\u201d"
    m = repair(text)
    assert m.text == "\u201cThe ferry must run,\u201d Ferren said, \u201cevery day.\u201d"
    i = m.text.index("Ferren")
    assert text[m.to_original(i):m.to_original(i) + 6] == "Ferren"
    assert repair("She said \u201cyes,\u201d and left.").text == "She said \u201cyes,\u201d and left."
