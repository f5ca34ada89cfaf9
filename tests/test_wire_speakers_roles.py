"""Regressions found on the fictional wire tuning set (tests/fixtures/wire_tune2, written by a helper session): role nouns and
titles in wire copy (sentences written for these tests)."""
from test_quote_regressions import _speaker

from conftest import analyze


def test_title_the_parser_does_not_hang_on_the_name_still_gives_the_role():
    text = ("MOSCOW. April 7 (Interfax) - Russian Deputy Foreign Minister Ivo Dranek met with Serbian Ambassador "
            "to Russia Pavel Orlov on Monday.\n\n"
            'Orlov said that his country valued the partnership. "Our ties do not depend on anyone," the ambassador said.')
    an = analyze(text)
    assert _speaker(an, "Our ties do not depend") == "Pavel Orlov"


def test_role_noun_with_a_nationality_names_the_official_of_that_country():
    text = ("ANKARA. May 12 (Interfax) - Turkish Foreign Minister Kemal Arslan said Turkey would not take more "
            "refugees.\n\n"
            "He spoke after a phone call with Russian Foreign Minister Oleg Varin on Friday.\n\n"
            '"Our capacity has limits," the Turkish minister said.')
    an = analyze(text)
    assert _speaker(an, "Our capacity has limits") == "Kemal Arslan"


def test_role_noun_prefers_the_person_of_that_very_role():
    text = ("MOSCOW. Dec 5 (Interfax) - Palestinian Minister of Health Rania Saleh thanked Russia for the aid, "
            "the ministry said.\n\n"
            "Saleh met with Russian Deputy Foreign Minister Ivan Belsky in Moscow on Tuesday.\n\n"
            '"The medicines have saved many lives," the Palestinian minister said.')
    an = analyze(text)
    assert _speaker(an, "The medicines have saved") == "Rania Saleh"


def test_organisation_before_a_role_noun_does_not_take_the_quote_from_the_person():
    text = ("MOSCOW. July 8 (Interfax) - Kremlin spokesman Arkady Veshnyakov declined to comment on the reports.\n\n"
            '"Such things are not discussed in public," Veshnyakov told journalists.\n\n'
            '"There is nothing to say yet," the Kremlin spokesman said.')
    an = analyze(text)
    assert _speaker(an, "nothing to say yet") == "Arkady Veshnyakov"
