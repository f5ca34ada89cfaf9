"""Speakers in wire copy written the way reports translated from Russian put them: "This was stated in
the ministry", "..., specified the source", "the statement said", an official named only in the
headline ("Kremlin's Rodionov"), an organisation's envoy by the organisation. Fictional reports
written for these tests (places and people invented)."""
from conftest import analyze
from test_quote_regressions import _speaker


def test_this_was_stated_in_the_ministry_reports_the_sentence_before():
    text = ("Karesh and Orsenka to reopen the border crossing\n\n"
            "VELDGRAD, 12 May - KNA. The two sides agreed to reopen the Tarik crossing for aid convoys next week. "
            "This was stated in the Karesh Foreign Ministry.\n\n"
            "The talks lasted four hours. This was told to the agency by a source in one of the delegations.")
    an = analyze(text)
    assert _speaker(an, "agreed to reopen the Tarik crossing") == "Karesh Foreign Ministry"
    assert _speaker(an, "The talks lasted four hours") == "source in one of the delegations"


def test_this_was_stated_does_not_reach_into_the_paragraph_before():
    text = ("VELDGRAD, 12 May - KNA. The two sides agreed to reopen the Tarik crossing for aid convoys next week.\n\n"
            "This was stated in the Karesh Foreign Ministry.")
    an = analyze(text)
    assert _speaker(an, "to reopen the Tarik crossing") != "Karesh Foreign Ministry"


def test_a_speaker_set_after_the_verb_at_the_end_of_the_sentence():
    text = ("VELDGRAD, 12 May - KNA. Delegations of nine Karesh parties took part in the meeting, "
            "specified the source.")
    an = analyze(text)
    assert _speaker(an, "Delegations of nine Karesh parties") == "source"


def test_the_statement_said_is_who_made_the_statement():
    text = ("BRANNHOLM, June 3 (QNS) - Deputy Foreign Minister Ilan Marchetti received the Karesh ambassador "
            "on Monday, the Orsenka Foreign Ministry said in a statement.\n\n"
            '"The sides discussed the return of the detained fishermen," the statement said.')
    an = analyze(text)
    assert _speaker(an, "return of the detained fishermen") == "Orsenka Foreign Ministry"


def test_an_official_named_only_in_the_headline_by_his_institution():
    text = ("Kremlin's Varnov: no talks with Karesh planned\n\n"
            "MOSCOW, June 3 (QNS) - No contacts with the Karesh leadership are planned for now, the Kremlin "
            "spokesman told journalists on Monday.\n\n"
            '"We are following the situation closely," the Kremlin official added.')
    an = analyze(text)
    assert _speaker(an, "following the situation closely") == "Varnov"
    assert _speaker(an, "No contacts with the Karesh leadership") == "Varnov"


def test_the_un_envoy_is_the_un_official_not_the_diplomat_named_since():
    text = ("BRANNHOLM, June 3 (QNS) - UN Special Coordinator for the Northern Sea Ingrid Solheim and "
            "Orsenka Deputy Foreign Minister Pavel Dorin met in Brannholm on Tuesday.\n\n"
            "Dorin assured his guest that Orsenka would keep the ports open.\n\n"
            '"The fishing families cannot wait another season," the UN envoy said.')
    an = analyze(text)
    assert _speaker(an, "cannot wait another season") == "Ingrid Solheim"
