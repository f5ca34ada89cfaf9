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


def test_a_long_title_before_told_journalists_still_sets_off_the_attribution():
    text = ("UNITED NATIONS, May 20 (QNS) - Orsenka will ask for an urgent meeting of the Security Council on the "
            "fishing dispute, Orsenka's Permanent Representative to the UN Mikhail Sorin told journalists on Monday.")
    an = analyze(text)
    assert _speaker(an, "will ask for an urgent meeting") == "Mikhail Sorin"


def test_said_in_a_statement_that_reports_the_clause_hung_on_the_statement():
    text = ("BRANNHOLM, May 20 (QNS) - The Orsenka Coast Guard said in a statement that a ship was ready to "
            "take the fishermen home.")
    an = analyze(text)
    assert _speaker(an, "a ship was ready to take the fishermen home") == "Orsenka Coast Guard"


def test_in_her_opinion_attributes_the_quote():
    text = ("Spokeswoman Irma Solvik commented on the talks in Brannholm.\n\n"
            'In her opinion, the neighbours "for years did not want to hear our warnings" about the nets.')
    an = analyze(text)
    assert _speaker(an, "did not want to hear our warnings") == "Irma Solvik"


def test_a_source_set_off_before_told_is_the_speaker_not_the_clause_subject():
    text = ("BRANNHOLM, May 20 (QNS) - Orsenka is ready to consider any new proposal on the fishing zones, "
            "a source in the Orsenka Foreign Ministry told QNS.")
    an = analyze(text)
    assert _speaker(an, "ready to consider any new proposal") == "source in the Orsenka Foreign Ministry"


def test_a_statement_in_lines_without_marks_signed_on_the_next_line():
    text = ("Orsenka asks for talks on the fishing zones\n\n"
            "BRANNHOLM. May 20 (QNS) - Orsenka has asked for urgent talks on the northern fishing zones.\n\n"
            "The boats cannot wait another season and the families need an answer now. We will not accept a ban\n"
            "Deputy Foreign Minister Pavel Dorin wrote on his Telegram channel.\n\n"
            "The talks may take place next week.")
    an = analyze(text)
    assert _speaker(an, "The boats cannot wait another season") == "Pavel Dorin"


def test_a_report_paragraph_ending_in_a_full_stop_is_not_a_signed_statement():
    text = ("The boats stayed in port for a third week and the families waited for news from the capital.\n"
            "Harbour master Lena Rasmark said on Monday.")
    an = analyze(text)
    assert not [q for q in an.quotes if "The boats stayed in port" in q.text and q.kind == "direct"]


def test_a_name_in_apposition_after_the_comma_is_the_speaker():
    text = ("According to the port captain, Marit Solberg, about 90 boats have stayed in the harbour since Monday.")
    an = analyze(text)
    assert _speaker(an, "about 90 boats have stayed in the harbour") == "Marit Solberg"


def test_a_role_noun_prefers_the_one_named_in_the_report_over_one_named_in_what_was_said():
    text = ("BRANNHOLM, May 20 (QNS) - Foreign Minister Pavel Dorin said on Monday that the boats would sail "
            "next week.\n\n"
            "Dorin also announced that Foreign Minister Katrin Lund would visit Brannholm on Friday.\n\n"
            "Spokeswoman Irma Solvik said the visit had been planned for months.\n\n"
            '"Nobody will be left behind," the minister added.')
    an = analyze(text)
    assert _speaker(an, "Nobody will be left behind") == "Pavel Dorin"


def test_the_person_whose_verb_opens_the_marks_said_the_words_the_ministry_relays():
    text = ('Opening the talks, Foreign Minister Katrin Lund "stressed the need to release every detained '
            'fisherman before winter," her ministry said in a statement.')
    an = analyze(text)
    assert _speaker(an, "stressed the need to release every detained fisherman") == "Katrin Lund"


def test_international_wire_copy_who_asked_not_to_be_named_and_who_after_a_name():
    text = ('"The employers came with nothing new," said Marleen de Vries, who leads the port section of the '
            "dockers' union. She added that the union would meet the operators again on Thursday.\n\n"
            "A spokesman for one of the operators, who asked not to be named because the talks are "
            'confidential, told Reuters the gap between the sides was "smaller than it looks".')
    an = analyze(text)
    assert _speaker(an, "the union would meet the operators again") == "Marleen de Vries"
    assert _speaker(an, "the gap between the sides was") == "spokesman for one of the operators"
    assert not [q for q in an.quotes if q.text.startswith("not to be named")]
