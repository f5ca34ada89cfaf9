"""Seats of government learned from the corpus (storyline.seats): "the government in Lunde" is the
government of the state the corpus shows Lunde to be the capital of. Every text is written for these
tests; the states, places and people are invented."""
import sqlite3

import pytest
from conftest import analyze

from storyline import api, seats


@pytest.mark.parametrize("text,seat,state", [
    ("Talks opened in Lunde, the capital of Tarsia, on Monday.", "Lunde", "Tarsia"),
    ("Protesters gathered in Lunde, Tarsia's capital, at dawn.", "Lunde", "Tarsia"),
    ("Tarsia's capital, Lunde, was quiet on Sunday.", "Lunde", "Tarsia"),
    ("The envoy flew to the Tarsian capital Lunde for talks.", "Lunde", "Tarsian"),
    ("The capital of Tarsia, Lunde, lies on the coast.", "Lunde", "Tarsia"),
    ("Diplomats said the Tarsian government in Lunde had recalled its envoy.", "Lunde", "Tarsian"),
    ("In Lunde, Tarsia's government said it would not pay.", "Lunde", "Tarsia"),
])
def test_strong_evidence_ties_a_place_to_a_state(text, seat, state):
    found = [(s, x, w) for s, x, _kind, w in seats.evidence(text) if s]
    assert (seat, state) in [(s, x) for s, x, _w in found]
    assert max(w for _s, _x, w in found) >= 1.0


def test_weak_evidence_a_speaker_of_the_state_and_a_dateline_lead():
    text = ("LUNDE, May 3 (Delta Wire) - The Tarsian army closed the border crossings on Tuesday.\n\n"
            "An official in the Tarsian government told Delta Wire that Lunde would not reopen them soon.")
    body = text.index("The Tarsian army")
    found = seats.evidence(text, body, "LUNDE")
    assert found == [("Lunde", "Tarsian", "lead", 0.5), ("Lunde", "Tarsian", "speaker_seat", 0.5),
                     ("", "Tarsian", "state_name", 0.0)]  # two kinds of weak evidence, and the name used as a state's


def test_a_bare_name_opening_a_datelined_lead_counts_when_the_corpus_uses_it_as_a_state(tmp_path):
    lead = "LUNDE, May {} (Delta Wire) - {} on Monday demanded the return of {}.\n"
    two = [lead.format(3, "Tarsia", "a fishing boat"), lead.format(4, "Tarsia", "its nets")]
    con = _corpus(tmp_path, two + [lead.format(5, "Marlow", "a car"), lead.format(6, "Marlow", "a bike")])
    assert seats.seats(con) == {}  # neither name is used as a state's yet
    con.close()
    con = _corpus(tmp_path / "b", two + ["The Tarsia navy sailed on Friday, officials said.\n"])
    assert seats.seats(con) == {"Lunde": "Tarsia"}


@pytest.mark.parametrize("text", [
    # known to the knowledge file: what the user and the bundled data say wins
    "Talks opened in Paris, the capital of Tarsia, on Monday.",
    # an embassy or officials in a place are abroad, not the seat of their government
    "The Tarsian embassy in Lunde said nothing.",
    "Tarsian officials in Lunde met the mayor.",
    # the speaker's clause has another subject
    "A Tarsian government spokesman said that the talks in Lunde would go on.",
])
def test_no_evidence(text):
    assert [e for e in seats.evidence(text) if e[3] > 0] == []


@pytest.mark.parametrize("text", [
    "The Tarsian embassy in Lunde said nothing.",
    "Tarsian Ambassador to Lunde Ivo Brask said the talks would go on.",
    "Tarsian Special Envoy for the North Ivo Brask, who arrived in Lunde on Monday, met the minister.",
])
def test_a_states_envoy_or_embassy_in_a_place_is_evidence_against(text):
    assert ("Lunde", "Tarsian") in [(s, x) for s, x, _k, w in seats.evidence(text) if w < 0]


def test_datelines_from_a_foreign_capital_are_outweighed_by_its_envoy_there(tmp_path):
    report = ("LUNDE, May {} (Delta Wire) - Tarsia on Monday {} the border talks, Tarsian Ambassador to Lunde "
              "Ivo Brask said.\n\nThe Tarsia navy {}.\n")
    con = _corpus(tmp_path, [report.format(3, "welcomed", "sailed home"), report.format(4, "praised", "stayed in port")])
    assert seats.seats(con) == {}


def _corpus(tmp_path, texts):
    src = tmp_path / "in"
    src.mkdir(parents=True)
    for i, t in enumerate(texts):
        (src / f"{i:02d}.txt").write_text(t, encoding="utf-8")
    db = str(tmp_path / "s.db")
    rep = api.ingest([str(src)], db=db)
    assert rep.failed == 0, rep.failures
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return con


REPORT_A = ("Tarsia recalls envoy over border dispute\n\n"
            "LUNDE, March 4 (Delta Wire) - The Tarsian government recalled its ambassador from Morvia on Monday "
            "after a border clash near the river Eln.\n\n"
            "Lunde, the capital of Tarsia, has been calm, a government spokesman said.\n")
REPORT_B = ("Villagers ask for help after border clash\n\n"
            "Farmers near the river Eln said their fields had been shelled. The village council called on the "
            "government in Lunde to send engineers to repair the bridge.\n")


def test_the_government_in_a_learned_capital_is_its_state(tmp_path):
    con = _corpus(tmp_path, [REPORT_A, REPORT_B])
    ev = con.execute("SELECT e.recipient_id, e.recipient_text FROM events e JOIN articles a ON a.id=e.article_id "
                     "WHERE a.path LIKE '%01.txt' AND e.event_type='REQUEST' AND e.recipient_text IS NOT NULL").fetchone()
    assert ev is not None and ev["recipient_text"] == "the government in Lunde"
    actor = con.execute("SELECT name, kind, aliases FROM actors WHERE id=?", (ev["recipient_id"],)).fetchone()
    assert actor["name"] == "Tarsia" and actor["kind"] == "state" and "Lunde" in actor["aliases"]
    # no actor is left under the capital's own name
    assert seats.seats(con) == {"Lunde": "Tarsia"}
    assert con.execute("SELECT COUNT(*) FROM actors WHERE name='Lunde'").fetchone()[0] == 0


def test_a_place_the_corpus_ties_to_two_states_is_not_learned(tmp_path):
    other = ("Morvia answers Tarsia\n\n"
             "Officials said that Lunde, the capital of Morvia, was ready for talks. The village council "
             "called on the government in Lunde to act.\n")
    con = _corpus(tmp_path, [REPORT_A, other])
    assert seats.seats(con) == {}
    assert con.execute("SELECT COUNT(*) FROM actors WHERE name='Lunde'").fetchone()[0] >= 1


def test_the_government_in_a_known_capital_is_its_state():
    ev = next(e for e in analyze("The union called on the government in Paris to raise wages.").events
              if e.event_type == "REQUEST")
    assert ev.recipient.name == "France" and ev.recipient.text == "the government in Paris"


def test_reciprocal_verb_with_a_coordinated_subject_has_both_parties():
    evs = analyze("Tarsia and Morvia signed a border treaty in Lunde on Friday.").events
    ev = next(e for e in evs if e.trigger == "signed")
    assert {ev.actor.name, ev.recipient.name} == {"Tarsia", "Morvia"}


@pytest.mark.parametrize("pair", ["Both sides", "The two governments", "The two countries"])
def test_pair_nouns_name_the_coordinated_pair(pair):
    evs = analyze(f"Tarsia and Morvia met for talks in Lunde on Monday. {pair} agreed to reopen the crossing.").events
    ev = next(e for e in evs if e.event_type == "AGREE")
    assert {ev.actor.name, ev.recipient.name} == {"Tarsia", "Morvia"}


@pytest.mark.parametrize("text,recipient", [
    ("Tarsia and Morvia exchanged prisoners on Friday.", "Morvia"),
    # a counterpart after "with" stays the recipient: both named states are on one side
    ("Tarsia and Morvia agreed a ceasefire with the rebels.", "the rebels"),
])
def test_reciprocal_verb_recipient(text, recipient):
    ev = next(e for e in analyze(text).events if e.trigger in ("exchanged", "agreed"))
    assert ev.actor.name == "Tarsia" and ev.recipient.name == recipient


@pytest.mark.parametrize("text,name,kind", [
    ("The union called on the Ostmere government to compensate the families.", "Ostmere", "state"),
    ("The union called on the Brannholm government to compensate the families.", "Brannholm", "state"),
    ("The union called on the French government to act.", "France", "state"),
])
def test_a_government_named_by_a_name_the_knowledge_file_does_not_know(text, name, kind):
    ev = next(e for e in analyze(text).events if e.event_type == "REQUEST")
    assert (ev.recipient.name, ev.recipient.kind) == (name, kind)


def test_a_government_named_after_a_person_of_the_article_is_not_a_state():
    text = "Prime Minister Ada Marlow spoke on Monday. Critics urged the Marlow government to resign."
    ev = next(e for e in analyze(text).events if e.event_type == "REQUEST")
    assert ev.recipient.kind != "state"
