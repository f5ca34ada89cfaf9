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


# ---- attribution patterns added for PolNeAR-style reporting (issue 3) ----------------------------

NEW_CASES = [
    # two apostrophes as quotation marks, as some papers print them
    ("''The convoy left at dawn,'' said Governor Ivo Strand.", "convoy left at dawn", "direct", "Ivo Strand"),
    # the attribution set off in the middle of the reported sentence
    ("The plan, a senior Veldonian official said, is to reopen the crossing on Friday.",
     "to reopen the crossing", "indirect", "official"),
    # any verb glued to the quote's marks is its attribution
    ('"They have no right to stop our boats," Captain Piet Hallvik fumed.', "no right to stop our boats", "direct",
     "Piet Hallvik"),
    # a colon after a clause with any verb introduces the quote
    ('Mayor Lia Ferren shot back: "We will not close a single school this winter."', "close a single school",
     "direct", "Lia Ferren"),
    # the verb whose object holds a partial quote
    ('Senator Dana Koul attacked "the arrogance and the waste" of the port authority.', "arrogance and the waste",
     "partial", "Dana Koul"),
    # frames beyond speech: criticize / call for / vow to
    ("Opposition leader Dana Koul criticized the new harbour tax on Tuesday.", "the new harbour tax", "indirect",
     "Dana Koul"),
    ("Governor Ivo Strand called for an independent inquiry into the fire.", "an independent inquiry", "indirect",
     "Ivo Strand"),
    ("Minister Lena Vosk vowed to rebuild every damaged school before the winter.", "rebuild every damaged school",
     "indirect", "Lena Vosk"),
    # an unnamed group as the source
    ("Many in the port town said the new tax would drive the fishing fleet away.", "drive the fishing fleet away",
     "indirect", "Many"),
    ("The two captains met the mayor. Both argued that the harbour tax was unfair to the fishermen.",
     "harbour tax was unfair", "indirect", "Both"),
    # a noun frame: the possessor is the source
    ("Governor Ivo Strand met the fishermen. Strand's criticism of the new harbour tax was sharp.",
     "the new harbour tax", "indirect", "Ivo Strand"),
    # a headline in the 'Name: words' style
    ("Lena Vosk: The Corridor Will Stay Open\n\nThe minister spoke in Port Selvin.", "Corridor Will Stay Open",
     "indirect", "Lena Vosk"),
]


@pytest.mark.parametrize("text, fragment, kind, speaker", NEW_CASES)
def test_more_attribution_patterns(text, fragment, kind, speaker):
    test_quote_and_speaker(text, fragment, kind, speaker)


def test_relative_who_speaks_for_its_antecedent():
    an = analyze("The harbour master, who said the ice would close the port by Friday, left the meeting early.")
    q, name = speaker_of(an, "ice would close the port")
    assert q.speaker.text == "who"  # the words that name the speaker here
    assert "harbour master" in name.lower()  # the actor they refer to


def test_first_person_outside_quotes_is_the_author():
    an = analyze("I think the new bridge will never carry a single lorry across the river.")
    _, name = speaker_of(an, "new bridge will never carry")
    assert name == "the author"


def test_seem_attributes_with_no_source():
    an = analyze("The governor seemed to lose patience with the harbour board during the hearing.")
    q, name = speaker_of(an, "to lose patience")
    assert name is None
    assert q.text.startswith("The governor")  # the content holds its subject


def test_content_stops_before_a_second_attribution():
    an = analyze("In the survey, most residents said the ferry was too expensive, while a third said they "
                 "would pay more for a faster boat.")
    first, a = speaker_of(an, "ferry was too expensive")
    _, b = speaker_of(an, "pay more for a faster boat")
    assert "faster boat" not in first.text
    assert a != b


def test_short_scare_quotes_without_a_speaker_are_not_quotes():
    an = analyze('The town is known as the "Northern Pearl" among sailors.')
    assert not any("Northern Pearl" in q.text for q in an.quotes)


@pytest.mark.parametrize("text, name, roles, org", [
    ("Veldonian Foreign Ministry Spokeswoman Anna Korvel said the border was open.", "Anna Korvel",
     {"spokeswoman"}, "Veldonian Foreign Ministry"),
    ("The official representative of the Marenian Foreign Ministry, Anna Korvel, said the talks would resume.",
     "Anna Korvel", {"official representative"}, "Marenian Foreign Ministry"),
])
def test_title_resolves_into_roles_and_organisation(text, name, roles, org):
    an = analyze(text)
    actor = next(a for a in an.actors if a.name == name)
    assert roles <= set(actor.roles)
    assert f"org:{org}" in actor.roles


def test_passive_ask_has_no_source():
    an = analyze("Asked whether the harbour would reopen before the winter, Mayor Lia Ferren only shrugged.")
    q, name = speaker_of(an, "harbour would reopen")
    assert name is None and q.kind == "indirect"


def test_expected_in_the_passive_has_no_source_and_keeps_its_subject():
    an = analyze("The harbour master is expected to close the port before the storm.")
    q, name = speaker_of(an, "close the port")
    assert name is None
    assert q.text.startswith("The harbour master")


# ---- patterns added in the second PolNeAR round (issue 3) ---------------------------------------

ROUND2_CASES = [
    # a participle speaks for its clause's subject
    ("Governor Ivo Strand closed the bridge on Monday, saying that the ice had cracked its pillars.",
     "the ice had cracked its pillars", "indirect", "Ivo Strand"),
    ('"The boats are safe," Captain Piet Hallvik said, adding that the crews would sail at dawn.',
     "the crews would sail at dawn", "indirect", "Piet Hallvik"),
    # a two-word reported clause with its own subject
    ("Mayor Lia Ferren met the fishermen. She said she agreed.", "she agreed", "indirect", "Lia Ferren"),
    # the name after the closing mark that the parser does not make the subject
    ("\u201cWe were wrong to wait so long,\u201d Hallvik, 58, told the Port Selvin Courier in an interview.",
     "wrong to wait so long", "direct", "Hallvik"),
    # a name set off by commas right before the speech verb
    ("In a statement to the Courier, her senior adviser, Jon Marek, said: \u201cThe minister will not resign.\u201d",
     "will not resign", "direct", "Jon Marek"),
    # an adjective frame: the subject of the copula is the source
    ("Senator Dana Koul is confident in the new harbour plan.", "the new harbour plan", "indirect", "Dana Koul"),
]


@pytest.mark.parametrize("text, fragment, kind, speaker", ROUND2_CASES)
def test_second_round_attribution_patterns(text, fragment, kind, speaker):
    test_quote_and_speaker(text, fragment, kind, speaker)


def test_a_second_cue_hung_on_the_reported_clause_speaks_for_the_outer_speaker():
    an = analyze("A senior harbour official said the mayor will have to choose a side soon, saying that "
                 "the pressure on her is growing.")
    _, name = speaker_of(an, "pressure on her is growing")
    assert name is not None and "official" in name.lower()


def test_a_show_named_in_marks_is_not_a_quote():
    an = analyze('"The port will reopen," Mayor Lia Ferren said on Channel Four\'s "Morning Harbour."')
    assert not any("Morning Harbour" in q.text for q in an.quotes)
    assert any("port will reopen" in q.text for q in an.quotes)


def test_content_stops_before_a_relative_clause_set_off_by_a_comma():
    an = analyze("Governor Ivo Strand said he would sign the fishing bill, which the assembly passed in May.")
    q, _ = speaker_of(an, "sign the fishing bill")
    assert "assembly" not in q.text


def test_the_second_piece_of_an_interrupted_quote_keeps_the_speaker():
    an = analyze('"Honestly," Hallvik went on, "we may be on the brink of losing the whole fleet."')
    _, name = speaker_of(an, "brink of losing the whole fleet")
    assert name is not None and "Hallvik" in name


# ---- third round (issue 3): speakers in nested, inherited and unusual attributions ---------------

def test_those_who_said_speak_as_an_unnamed_group():
    an = analyze("Among those who said they cared most about the harbour, most backed Mayor Lia Ferren.")
    q, name = speaker_of(an, "cared most about the harbour")
    assert q.speaker is not None and q.speaker.text == "who" and name != "Lia Ferren"


def test_a_pronoun_with_no_antecedent_still_names_the_speaker_unresolved():
    an = analyze('"The nets are empty this year," she said.')
    q, name = speaker_of(an, "nets are empty")
    assert q.speaker is not None and q.speaker.text == "she" and name == "she (unresolved)"


ROUND3_NAMED = [
    # a vocative in the marks is not the speaker; the name after the quote is
    ("The mayor walked the pier.\n\n''That was a fine speech you gave, Mr. Mayor,'' Representative "
     "Ann Colby, Democrat of Selvin, told him as he stopped to shake hands with the crew.",
     "fine speech you gave", "Ann Colby"),
    # a quote signed on the next line
    ("We do not rate claims made in debates.\n\n\"Almost all new income goes to the top of the "
     "harbour trade.\"\n\n- Senator Mara Ruiz.\n\nThe senator relies on old data.",
     "new income goes to the top", "Mara Ruiz"),
]


@pytest.mark.parametrize("text, fragment, speaker", ROUND3_NAMED)
def test_third_round_speakers(text, fragment, speaker):
    _, name = speaker_of(analyze(text), fragment)
    assert name == speaker


def test_a_straight_mark_after_a_space_closes_the_quote():
    an = analyze("The crowd cheered.\n\n\"They look for anything and treat it like, 'Oh, this matters,' \" "
                 "Piet Hallvik said at the rally. \"But the ferry is still late.\"")
    q, name = speaker_of(an, "treat it like")
    assert name == "Piet Hallvik" and not q.text.endswith(" ")
    _, name = speaker_of(an, "ferry is still late")
    assert name == "Piet Hallvik"


def test_a_clause_tied_to_the_reported_words_stays_with_their_speaker():
    an = analyze("Farmer Tom Sims says he was undecided until Governor Nia Haley said she was backing the senator.")
    q, name = speaker_of(an, "he was undecided")
    assert name is not None and "Tom Sims" in name and "backing the senator" in q.text


def test_a_joined_clause_with_a_pronoun_subject_stays_with_the_speaker():
    an = analyze("Speaking to Harbour Radio on Monday, Ferren said the county's caucus system is \"complex\" "
                 "and he feels he can win the primary.")
    q, name = speaker_of(an, "caucus system is")
    assert name == "Ferren" and "win the primary" in q.text


def test_a_generic_you_outside_the_marks_is_named_as_such():
    an = analyze("If you believe the harbour will reopen this winter, the council has bad news.")
    q, name = speaker_of(an, "harbour will reopen")
    assert q.speaker is not None and q.speaker.text == "you" and name == "you (generic)"
