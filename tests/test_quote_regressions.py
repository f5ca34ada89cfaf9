"""Regressions found while tuning speakers on PolNeAR train (sentences written for these tests)."""
from conftest import analyze


def _speaker(an, fragment):
    hits = [q for q in an.quotes if fragment in q.text]
    assert hits, f"no quote holds {fragment!r}: {[q.text for q in an.quotes]}"
    q = min(hits, key=lambda q: q.end - q.start)
    return q.speaker.name if q.speaker else None


def test_question_closing_a_paragraph_is_not_attributed_to_the_next_paragraphs_verb():
    text = ('"The count was wrong," said a senior election official in Dovrek. "But was it fraud?"\n\n'
            "Mayor Ilse Varga has since apologized for the delay.")
    an = analyze(text)
    assert _speaker(an, "But was it fraud?") == _speaker(an, "The count was wrong")


def test_quote_without_a_cue_goes_on_from_the_reported_speech_just_before_it():
    text = ('"Prices will keep falling," said the economist Ana Lindqvist.\n\n'
            "Mayor Tomas Brek disagreed. He noted that the city had added jobs all year. "
            '"That is not what a slump looks like."')
    an = analyze(text)
    assert _speaker(an, "not what a slump looks like") == "Tomas Brek"


def test_quote_relayed_by_an_outlet_keeps_the_person_quoted():
    # PolNeAR would annotate the outlet (outermost source); an analyst needs who spoke the words
    an = analyze('"We will not back down," Governor Rasa Vell said, according to the Dovrek Herald.')
    assert _speaker(an, "We will not back down") == "Rasa Vell"


def test_according_to_before_the_cue_keeps_the_speaker_named_at_the_cue():
    an = analyze('According to the Dovrek Herald, Governor Rasa Vell insisted on "a full recount of every district".')
    assert _speaker(an, "a full recount") == "Rasa Vell"


def test_participle_on_a_statement_speaks_for_who_issued_it():
    an = analyze('On Monday, Senator Ivo Marek issued a statement saying that the bridge was '
                 '"the worst use of public money in a decade."')
    assert _speaker(an, "worst use of public money") == "Ivo Marek"


def test_belief_reported_inside_a_belief_is_one_attribution_with_the_outer_source():
    an = analyze("Opposition leader Dana Koul believes the council wants to close the old bridge by spring.")
    assert _speaker(an, "close the old bridge") == "Dana Koul"


def test_cue_joined_to_a_reported_clause_speaks_for_the_reporter_mention():
    text = ("Mayor Tomas Brek spoke on Monday. He said that he would meet the strikers "
            "but did not suggest the port would reopen soon.")
    an = analyze(text)
    q = next(q for q in an.quotes if "port would reopen" in q.text)
    assert q.speaker is not None and q.speaker.name == "Tomas Brek"
    assert text[q.speaker.start:q.speaker.end] == "He"  # the reporter's mention, not the inner "he"


def test_quote_after_a_relative_aside_inherits_the_named_speaker():
    text = ('"Rents are up a little," said Anna Holm, a broker in Dovrek, who noted that sales had slowed. '
            '"Things are moving in the right direction."')
    an = analyze(text)
    q = next(q for q in an.quotes if "right direction" in q.text)
    assert q.speaker is not None and text[q.speaker.start:q.speaker.end] == "Anna Holm"


def test_infinitive_after_an_object_control_verb_is_the_objects():
    an = analyze("The landslide led Party Chairman Oren Sato to declare that the race was over.")
    assert _speaker(an, "the race was over") == "Oren Sato"


def test_pronoun_with_no_antecedent_found_is_still_the_speaker_mention():
    text = 'The report came out on Monday.\n\n"Keep the fuel levy where it is for the rest of the decade," it said.'
    an = analyze(text)
    q = next(q for q in an.quotes if "fuel levy" in q.text)
    assert q.speaker is not None and text[q.speaker.start:q.speaker.end] == "it"


def test_colon_after_a_relative_clause_takes_the_verb_before_it():
    text = ('"The count was wrong," said a senior election official.\n\n'
            'Mayor Ilse Varga has since apologized for what happened: "I should have checked every ballot box myself."')
    an = analyze(text)
    assert _speaker(an, "checked every ballot box") == "Ilse Varga"


def test_name_before_a_colon_after_a_dash_is_the_speaker():
    text = ('Polls in the valley fared better - Martin Keller: "Most surveys called the race within two points."\n\n'
            'Nelson Ardent, a former aide, said of Mr. Marek: "He knows every district by heart."')
    an = analyze(text)
    assert _speaker(an, "called the race within two points") == "Martin Keller"
    assert _speaker(an, "knows every district by heart") == "Nelson Ardent"


def test_frame_holding_another_cue_in_its_words_is_the_outer_attribution():
    an = analyze("Senator Ivo Marek was sternly critical of council members who say the old bridge must close.")
    outer = [q for q in an.quotes if q.text.startswith("council members who say")]
    assert outer and outer[0].speaker is not None and outer[0].speaker.name == "Ivo Marek"


def test_multiword_cue_is_the_outer_attribution_of_its_clause():
    # 'make it clear' is no cue verb; the belief inside its clause must not take the words
    text = ("Though she named no one, Mayor Ilse Varga made it clear that she felt the two rivals "
            "should leave the race before the spring vote.")
    an = analyze(text)
    q = min((q for q in an.quotes if "should leave the race" in q.text), key=lambda q: q.start)
    assert q.text.startswith("she felt") and q.speaker is not None
    assert text[q.speaker.start:q.speaker.end] == "Mayor Ilse Varga" or q.speaker.name == "Ilse Varga"
    assert not any(q.text.startswith("the two rivals") for q in an.quotes)


def test_made_alone_is_no_cue():
    an = analyze("Mayor Ilse Varga made a deal with the harbour board that the ferries would run all winter.")
    assert not any("ferries would run" in q.text for q in an.quotes)


def test_an_infinitive_after_went_on_has_the_subject_of_went():
    an = analyze("Governor Rasa Vell praised the crews. Vell went on to say she is confident that the bridge will reopen by May.")
    assert (_speaker(an, "the bridge will reopen") or "").endswith("Vell")


def test_asked_if_set_as_an_adverbial_clause_has_no_source():
    # the parser hangs 'if he thought ...' on 'Asked' as an adverbial clause: still the question's words
    an = analyze('Asked if he thought that the memo went too far, Tomas Brek responded: "I guess so."')
    q = next((q for q in an.quotes if "the memo went too far" in q.text), None)
    assert q is not None and q.speaker is None


def test_quoted_words_in_a_poll_question_are_not_the_answerers():
    an = analyze('Asked whether the mayor "has the stamina to serve a second term," 40 percent of voters said no.')
    q = next(q for q in an.quotes if "stamina to serve" in q.text)
    assert q.speaker is None


def test_cue_joined_to_a_reported_clause_about_a_thing_speaks_for_the_reporter():
    an = analyze("Minister Oren Sato predicted that the harbour economy would recover by spring "
                 "and praised the dock workers for their patience.")
    assert _speaker(an, "the dock workers for their patience") == "Oren Sato"


def test_paragraph_of_quoted_words_goes_on_from_a_frame_just_before_it():
    text = ("Valdis Ozols praised the governor's leadership after the flood in Dovrek.\n\n"
            '"We need someone who can bring people together, and she has done it."')
    an = analyze(text)
    assert _speaker(an, "bring people together") == "Valdis Ozols"


def test_was_said_to_names_no_source_not_the_subject_of_the_sentence_before():
    an = analyze('The budget vote split the council this week, and Chairman Ilse Varga was said to be '
                 '"furious" with the mayor for delaying it.')
    assert _speaker(an, "with the mayor for") is None


def test_dateline_opening_the_paragraph_is_not_the_speaker():
    text = ("Mayor faces questions.\n\n"
            "PORT ELLIS (AFP) - Governor Rasa Vell on Monday hit the campaign trail, accusing the mayor "
            "of endangering the harbor crews.")
    an = analyze(text)
    assert _speaker(an, "of endangering the harbor crews") == "Rasa Vell"


def test_what_a_released_video_says_is_said_by_who_released_it():
    an = analyze("The Harbour Party released a video that accuses Mayor Ilse Varga of wasting money on the new bridge.")
    q = next(q for q in an.quotes if "wasting money" in q.text)
    assert q.speaker is not None and q.speaker.text == "The Harbour Party"


def test_a_thing_held_up_that_reads_words_is_not_spoken_for_by_who_holds_it():
    # only verbs of making words public (publish_verbs) hand the relative clause to their subject
    an = analyze('A farmer held up a sign that read "Save the harbour" outside the town hall in Dovrek.')
    q = next(q for q in an.quotes if "Save the harbour" in q.text)
    assert q.speaker is None or q.speaker.text != "A farmer"


def test_possessive_frame_as_object_is_the_act_of_the_verbs_subject():
    an = analyze("Senator Ivo Marek stepped up his attacks on the new harbour tax this week.")
    q = next(q for q in an.quotes if "new harbour tax" in q.text)
    assert q.speaker is not None and q.speaker.text == "Senator Ivo Marek"
    an = analyze("Dock workers in Dovrek were unsparing in their criticism of the new port fees.")
    q = next(q for q in an.quotes if "new port fees" in q.text)
    assert q.speaker is not None and q.speaker.text.endswith("Dock workers in Dovrek")


def test_possessive_frame_that_does_not_agree_with_the_subject_keeps_the_possessor():
    an = analyze("Mayor Tomas Brek spoke on Monday. After the debate, many voters welcomed his criticism of the new harbour tax.")
    q = next(q for q in an.quotes if "new harbour tax" in q.text)
    assert q.speaker is not None and q.speaker.text == "his"


def test_attribution_set_off_before_a_cue_verb_is_the_outer_one():
    an = analyze("The ministry in Dovrek, Dana Koul said, called the harbour decision a grave mistake.")
    assert _speaker(an, "called the harbour decision") == "Dana Koul"


def test_digest_name_the_model_missed_before_a_colon_is_the_speaker():
    # news digest style: 'Headline - Source: "excerpt"', with a name the model tags no entity for
    an = analyze("Estimates of turnout are hard - Dovrek Research: \u201cAll the samples include more active voters.\u201d")
    q = next(q for q in an.quotes if "All the samples" in q.text)
    assert q.speaker is not None and q.speaker.text == "Dovrek Research"


def test_verb_glued_after_a_quote_has_its_subject_after_it():
    text = ("Mayor Tomas Brek opened the rally in Dovrek.\n\n"
            '"It is about time this town had a harbour of its own," exhorted the mayor\'s sister, Lena Vosk.')
    an = analyze(text)
    q = next(q for q in an.quotes if "harbour of its own" in q.text)
    assert q.speaker is not None and "sister" in q.speaker.text


def test_quotation_nobody_is_said_to_say_is_not_recorded():
    text = ("The old harbour of Dovrek opened in 1902.\n\n"
            '"Ships come and go, but the harbour stays with us for good."\n\n'
            "The council meets on Monday to vote on the new port fees.")
    an = analyze(text)
    assert not [q for q in an.quotes if "Ships come and go" in q.text]


def test_quotation_after_an_attributed_one_is_still_recorded_with_its_speaker():
    text = ('"The fees are too high," said Mayor Tomas Brek on Monday.\n\n'
            '"Ships come and go, but the harbour stays with us for good."')
    an = analyze(text)
    assert _speaker(an, "Ships come and go") == "Tomas Brek"


def test_participle_glued_to_a_group_noun_is_said_by_that_group():
    an = analyze("A poll of voters released on Monday found most residents saying that the port fees were too high.")
    q = next(q for q in an.quotes if "port fees were too high" in q.text)
    assert q.speaker is not None and q.speaker.text.endswith("residents")


def test_participle_after_the_addressees_is_said_by_the_subject():
    an = analyze("Mayor Tomas Brek emailed supporters saying that the vote on the port fees would be close.")
    assert _speaker(an, "vote on the port fees") == "Tomas Brek"


def test_it_is_worth_noting_names_no_source():
    an = analyze("Mayor Tomas Brek spoke on Monday. It is important to note that the harbour fees were set "
                 "before he took office.")
    q = next(q for q in an.quotes if "harbour fees were set" in q.text)
    assert q.speaker is None and q.cue == "note"
