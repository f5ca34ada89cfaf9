"""Quotes and speakers on sentences written for these tests (fictional people and places)."""
import pytest

from conftest import analyze


def speaker_of(an, fragment):
    hits = [q for q in an.quotes if fragment in q.text]
    assert hits, f"no quote holds {fragment!r}: {[q.text for q in an.quotes]}"
    best = min(hits, key=lambda q: q.end - q.start)
    return best, (best.speaker.name if best.speaker else None)


CASES = [
    # direct quote, attribution after, straight marks
    ('"The border will stay open for aid convoys," Interior Minister Paul Ardent said on Monday.',
     "border will stay open", "direct", "Paul Ardent"),
    # curly marks, attribution before with a colon
    ("Foreign Minister Lena Vosk told reporters: \u201cWe expect the talks to resume next week.\u201d",
     "expect the talks to resume", "direct", "Lena Vosk"),
    # partial quote: the verb inside the marks, the name just before
    ('Ardent "stressed the need for an immediate ceasefire in the valley."', "need for an immediate ceasefire",
     "partial", "Ardent"),
    # indirect speech with "that"
    ("The regional governor Mark Tellen said that the evacuation had been completed.",
     "the evacuation had been completed", "indirect", "Mark Tellen"),
    # according to
    ("According to Tellen, the shelters were running out of water.", "shelters were running out of water",
     "indirect", "Tellen"),
    # belief counted as attribution
    ("Opposition leader Dana Koul believes the election will be postponed again.", "election will be postponed",
     "indirect", "Dana Koul"),
]


@pytest.mark.parametrize("text, fragment, kind, speaker", CASES)
def test_quote_and_speaker(text, fragment, kind, speaker):
    an = analyze(text)
    q, name = speaker_of(an, fragment)
    assert q.kind == kind
    assert name is not None and speaker.lower() in name.lower()


def test_role_noun_refers_back_to_the_named_person():
    text = ("Ambassador Karl Moden met the deputy minister on Tuesday.\n\n"
            '"We have agreed on the lists of those leaving," the diplomat said.')
    _, name = speaker_of(analyze(text), "agreed on the lists")
    assert name == "Karl Moden"


def test_unnamed_source_then_pronoun_stays_with_the_source():
    text = ('Foreign Minister Piet Ander spoke to his counterpart on Monday.\n\n'
            '"Everything is ready for the departure," a diplomatic source said.\n\n'
            '"The embassy raised the question again," the source said.\n\n'
            '"We hope for a quick answer," he said.')
    an = analyze(text)
    names = [speaker_of(an, f)[1] for f in ("ready for the departure", "raised the question", "quick answer")]
    assert names[0] == names[1] == names[2]
    assert "source" in names[0]


@pytest.mark.parametrize("text, fragment, expected", [
    # she: the last named woman
    ("Spokeswoman Maria Delen spoke at a briefing in the capital.\n\n"
     '"We continue to work with all sides," she noted.', "continue to work with all sides", "Maria Delen"),
    # the ministry: the ministry named before
    ("The Veldonian Foreign Ministry summoned the envoy on Friday.\n\n"
     '"The protest note was handed over in person," the ministry said.', "protest note was handed over",
     "Foreign Ministry"),
])
def test_back_reference(text, fragment, expected):
    _, name = speaker_of(analyze(text), fragment)
    assert name is not None and expected in name


def test_pull_quote_with_glued_attribution():
    text = ("Talks on the corridor began in the capital.\n\n"
            "We will not negotiate while civilians are held at gunpoint and we expect a clear answer "
            "Anna Korvelofficial representative of the Veldonian Foreign Ministry")
    an = analyze(text)
    q, name = speaker_of(an, "will not negotiate")
    assert name == "Anna Korvel"
    assert q.kind == "direct"
    assert "Korvel" not in q.text


def test_quote_over_two_paragraphs_keeps_its_speaker():
    text = ('"The first convoy crossed at dawn," Governor Ivo Strand said. "It carried water and medicine.\n\n'
            '"A second convoy will follow on Thursday if the road stays open."')
    an = analyze(text)
    _, name = speaker_of(an, "second convoy will follow")
    assert name == "Ivo Strand"


def test_unbalanced_marks_do_not_lose_other_quotes():
    text = ('The mayor said the "temporary measures were over.\n\n'
            '"Schools will reopen on Monday," the mayor, Lia Ferren, said.')
    an = analyze(text)
    q, name = speaker_of(an, "Schools will reopen")
    assert name is not None and "Ferren" in name


def test_offsets_point_at_the_original_text():
    text = ('MOSCOW. Nov 7 (Interfax) - "We are ready," Spokeswoman Anna Korvelofficial said.\n\n'
            "I can confirm that the delegation arrived today and will stay until Friday "
            "Anna Korvelofficial representative of the Veldonian Foreign Ministry")
    an = analyze(text)
    for q in an.quotes:
        assert text[q.start:q.end] == q.text
        if q.speaker and q.speaker.start is not None:
            assert text[q.speaker.start:q.speaker.end] == q.speaker.text
