"""Numeric claims on sentences written for these tests."""
import pytest

from conftest import analyze
from storyline.claims import parse_number


@pytest.mark.parametrize("words, value", [
    (["1,400"], 1400), (["10,000"], 10000), (["a", "thousand"], 1000), (["two", "hundred"], 200),
    (["1.5", "million"], 1_500_000), (["224"], 224), (["twenty", "five"], 25), (["a", "dozen"], 12),
])
def test_parse_number(words, value):
    assert parse_number(words) == value


CASES = [
    ("Over 1,400 people were killed in the attack.", 1400, "more_than", "killed", None),
    ("The militants took more than 200 hostages.", 200, "more_than", "hostages", None),
    ("About 1,000 people are on the evacuation list.", 1000, "about", "evacuees", None),
    ("At least 40 people were wounded in the shelling.", 40, "at_least", "injured", None),
    ("Up to 300 residents were displaced by the floods.", 300, "at_most", "displaced", None),
    ("Between 50 and 70 trucks crossed the border on Sunday.", 50, "range", "aid_trucks", None),
    ("Army spokesman Tal Deren estimates that there are 236 hostages in the tunnels.", 236, "exact",
     "hostages", "Tal Deren"),
    ('"Nearly 90 hospitals are out of service," Health Minister Rana Olt said.', 90, "about",
     "hospitals_out_of_service", "Rana Olt"),
    ("According to the ministry, 12 soldiers were killed.", 12, "exact", "killed", "ministry"),
]


@pytest.mark.parametrize("text, value, qualifier, counts, claimant", CASES)
def test_claim(text, value, qualifier, counts, claimant):
    an = analyze(text)
    hits = [c for c in an.claims if c.value == value]
    assert hits, [(c.value, c.text) for c in an.claims]
    c = hits[0]
    assert c.qualifier == qualifier
    assert c.counts == counts
    if claimant is None:
        assert c.claimed_by is None
    else:
        assert c.claimed_by is not None and claimant.lower() in c.claimed_by.name.lower()
    assert text[c.start:c.end] == c.text


@pytest.mark.parametrize("text", [
    "The 54-year-old minister arrived in the capital.",
    "The talks were held on March 4, 2025.",
    "The hotline number is +907 31 552 0148.",
    "The plan is based on UN Resolution 9114 and the 1967 borders.",
    "The two states signed the agreement.",
    "He was aged 61 when he retired.",
])
def test_not_claims(text):
    assert analyze(text).claims == []


def test_range_bounds():
    c = analyze("Between 50 and 70 trucks crossed the border.").claims[0]
    assert (c.low, c.high) == (50, 70)


def test_more_than_bounds():
    c = analyze("More than 200 people were evacuated.").claims[0]
    assert (c.low, c.high) == (200, None)


def test_vague_figure_counts_the_noun_after_of():
    """Regression: "dozens of trucks" counted "dozen" instead of the trucks."""
    c = analyze("Dozens of aid trucks waited at the crossing on Monday.").claims[0]
    assert c.counts == "aid_trucks" and c.qualifier == "range" and (c.low, c.high) == (24, 99)
