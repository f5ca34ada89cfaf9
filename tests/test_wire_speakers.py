"""Speakers in wire copy of the Interfax/TASS kind: titles with a posting or a portfolio before the
name, the capital of a dateline, "according to him", "the agency's interlocutor". Fictional reports
written for these tests."""
from conftest import analyze
from test_quote_regressions import _speaker


def test_a_posting_ends_at_its_place_and_the_name_after_it_is_the_person():
    # the model read "Veldgrad Tomas Reinholt" as one organisation
    text = ("VELDGRAD, March 6 (KNA) - The Karesh Republic will guarantee safe passage to foreign citizens, "
            "Karesh Ambassador to Veldgrad Tomas Reinholt said on Thursday.\n\n"
            "Earlier, the militant commander Abu Tarik demanded an exchange of prisoners.\n\n"
            '"To give in today means new hostages tomorrow," the ambassador said.')
    an = analyze(text)
    assert _speaker(an, "new hostages tomorrow") == "Tomas Reinholt"
    assert _speaker(an, "guarantee safe passage") == "Tomas Reinholt"


def test_a_portfolio_between_title_and_name_still_gives_the_role():
    text = ("BRANNHOLM, October 16 (QNS) - Special Envoy for the Northern Sea Pavel Dorin arrived in "
            "Brannholm on Wednesday and met Foreign Minister Katrin Lund.\n\n"
            '"Both sides want the sailors home before winter," the envoy told QNS after the meeting.')
    an = analyze(text)
    assert _speaker(an, "sailors home before winter") == "Pavel Dorin"


def test_the_dateline_place_is_not_a_person_in_the_headline():
    text = ("Veldgrad says 40 killed in Dravik, hands note to envoy\n\n"
            "VELDGRAD, March 4 (Nordpress) - Deputy Foreign Minister Ilan Marchetti received "
            "Karesh Ambassador to Veldgrad Tomas Reinholt on Tuesday.\n\n"
            'The diplomat said Orsenka was ready to help "as soon as the security situation allows".')
    an = analyze(text)
    assert "Veldgrad" not in {a.name for a in an.actors if a.kind == "person"}
    assert _speaker(an, "security situation allows") == "Tomas Reinholt"


def test_according_to_him_is_the_man_named_before():
    text = ("On Monday the militants released 58 hostages, Colonel Marek Halvorsen, the spokesman of the "
            "Karesh Armed Forces, told KNA. According to him, the freed people are in good condition.")
    an = analyze(text)
    assert _speaker(an, "the freed people are in good condition") == "Marek Halvorsen"


def test_the_agencys_interlocutor_is_the_source_met_before():
    text = ("A source in the Karesh security services told KNA that contacts with the group continue.\n\n"
            '"The release of the rest is a question of days," the agency\'s interlocutor said.')
    an = analyze(text)
    first = next(q for q in an.quotes if "contacts with the group" in q.text)
    second = next(q for q in an.quotes if "question of days" in q.text)
    assert first.speaker is not None and second.speaker is not None
    assert second.speaker.actor_id == first.speaker.actor_id


def test_an_agency_citing_someone_relays_their_words():
    an = analyze("A government plane will bring 96 freed citizens home on Thursday, the Nordpress agency reported, "
                 "citing Foreign Ministry Spokeswoman Anna Korvel.")
    assert _speaker(an, "government plane will bring") == "Anna Korvel"


def test_a_ministry_citing_relatives_makes_the_claim_its_own():
    an = analyze("At least 40 people were killed in Dravik, the Veldonian Foreign Ministry said on Tuesday, "
                 "citing relatives and local doctors.")
    assert _speaker(an, "40 people were killed") == "Veldonian Foreign Ministry"


def test_the_minister_of_a_title_and_not_an_ambassador_named_after():
    text = ("Foreign Minister Ilya Sarkisov met reporters in Veldgrad on Monday.\n\n"
            "He said Karesh Ambassador to Veldgrad Tomas Reinholt had been summoned.\n\n"
            '"We will bring every one of our citizens home," the minister added.')
    an = analyze(text)
    assert _speaker(an, "every one of our citizens") == "Ilya Sarkisov"


def test_a_title_inside_an_organisation_entity_leaves_the_person_after_it():
    # the model read "Kremlin Spokesman Dmitry Vorontsov" as one organisation
    text = ("MOSCOW, November 15. /TASS/. The Kremlin sees no conditions for a truce yet, Kremlin Spokesman "
            'Dmitry Vorontsov told reporters on Wednesday.\n\n"The fighting continues," he said.')
    an = analyze(text)
    assert _speaker(an, "The fighting continues") == "Dmitry Vorontsov"


def test_a_name_opening_with_a_given_name_is_a_person_not_an_organisation():
    text = ("Evacuation will continue, the official representative of the Russian Foreign Ministry Irina "
            'Selezneva said at a briefing.\n\nShe said: "Work goes on around the clock."')
    an = analyze(text)
    assert _speaker(an, "Work goes on around the clock") == "Irina Selezneva"


def test_the_kremlin_spokesman_is_the_spokesman_named_before_not_the_kremlin():
    text = ("Kremlin Spokesman Dmitry Vorontsov said the president had no plans to call the prime minister.\n\n"
            '"If the need arises, the call will be arranged quickly," the Kremlin spokesman noted.')
    an = analyze(text)
    assert _speaker(an, "the call will be arranged") == "Dmitry Vorontsov"


def test_in_her_words_names_the_speaker_not_the_relative_pronoun():
    text = ("Irina Selezneva criticized Western countries, which, in her words, "
            '"prefer not to notice the humanitarian catastrophe".')
    an = analyze(text)
    assert _speaker(an, "prefer not to notice") == "Irina Selezneva"


def test_the_speaker_stays_in_focus_past_a_person_named_in_what_they_said():
    text = ("Deputy Foreign Minister Pavel Grekov said he had met Palestinian Ambassador to Russia Nabil Haddad. "
            "According to him, the ambassador passed on a list of citizens who wish to leave.\n\n"
            '"The list is being checked," the diplomat added.')
    an = analyze(text)
    assert _speaker(an, "passed on a list of citizens") == "Pavel Grekov"
    assert _speaker(an, "The list is being checked") == "Pavel Grekov"
