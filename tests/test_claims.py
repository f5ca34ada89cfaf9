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


FIXED = [
    # "N of them": the part counts what the whole counted
    ("The navy has seized 31 boats this year, 12 of them from Brask, the harbour office said.", 12, "exact", None),
    # a weight is a claim, measured in its unit
    ("The freighter carried more than six tonnes of grain.", 6, "more_than", "grain"),
    # a toll given as the value of "toll"/"number"
    ("The health office put the final death toll at 19.", 19, "exact", "killed"),
    ("The number of people wounded rose to 48 on Friday.", 48, "exact", "injured"),
    # number words joined by a hyphen, and "trillion"
    ("Thirty-two villages were flooded overnight.", 32, "exact", None),
    ("The plan would cost $2.5 trillion over a decade.", 2.5e12, "exact", "money"),
    # a qualifier before the currency sign
    ("The firm lost more than $40 million last year.", 40e6, "more_than", "money"),
    # hostages set free are counted as released, not as held
    ("The rebels freed 14 hostages on Friday.", 14, "exact", "released"),
]


@pytest.mark.parametrize("text, value, qualifier, counts", FIXED)
def test_fixed_misses(text, value, qualifier, counts):
    hits = [c for c in analyze(text).claims if c.value == value]
    assert hits, [(c.value, c.text) for c in analyze(text).claims]
    assert hits[0].qualifier == qualifier
    if counts:
        assert hits[0].counts == counts


def test_part_counts_like_the_whole():
    cs = analyze("The navy has seized 31 boats this year, 12 of them from Brask, the harbour office said.").claims
    assert [c.value for c in cs] == [31, 12] and cs[0].counts == cs[1].counts


def test_toll_giver_claims_the_toll():
    c = analyze("The Orsk Health Office put the final death toll at 19.").claims[0]
    assert c.claimed_by is not None and "health office" in c.claimed_by.name.lower()


@pytest.mark.parametrize("text", [
    # references, not counts (the article "one", "no one", "their two ...")
    "In one post, the mayor mocked his rival.",
    "No one was available for comment on Sunday.",
    "The two main parties refused to comment.",
    "Their two nations signed the pact in spring.",
    "One of the reasons is the cost of fuel.",
    "One senior official said the talks would resume.",
    "The coverage was one-sided, the critics said.",
    # brackets and thresholds
    "Families earning $50,000 or less would get the credit.",
    "Households with incomes above $2 million would pay a surcharge.",
    "The top 1 percent of earners would pay more.",
    "She missed the 10 percent polling threshold.",
    "The program helps people under 30 engage in public service.",
    "Voters over 65 backed the measure.",
    # a figure in the subject of a hypothetical
    "A 3-3 ruling would leave the law in place.",
    # an enumeration inside a sentence
    "His worries are, one, the cost, and two, the timing.",
])
def test_not_claims_found_in_precision_review(text):
    assert analyze(text).claims == [], [(c.value, c.text) for c in analyze(text).claims]


@pytest.mark.parametrize("text, value", [
    ("Only 1 percent of voters backed the plan.", 1),
    ("At least one person was killed in the blast.", 1),
    ("The nominee raised about $18 million in August.", 18e6),
])
def test_small_figures_that_are_claims(text, value):
    assert [c.value for c in analyze(text).claims] == [value]


def test_fraction_is_a_share():
    c = analyze("The minister noted that two-thirds of the islanders were born after the war.").claims[0]
    assert (c.value, c.unit, c.counts) == (66.7, "percent", "percent")


def test_part_without_a_whole_counts_the_words_around():
    """Regression: "nearly 300 of them" with no whole in the sentence was dropped."""
    c = analyze("The president ordered nearly 300 of them to the border to assist the troops.").claims[0]
    assert (c.value, c.qualifier, c.counts) == (300, "about", "troops")


@pytest.mark.parametrize("text, field, expected", [
    # where: from the figure's noun, the clause on it, or the toll it is the value of
    ("Rebels hold 224 hostages taken from farms in Dravik.", "where", "Dravik"),
    ("At least 40 people were killed in Dravik on Sunday.", "where", "Dravik"),
    ("The death toll in Dravik rose to 61.", "where", "Dravik"),
    # a thing class comes from the counted noun, not from a thing named nearby
    ("Dozens of volunteers unloaded the aid trucks at the depot.", "counts", "volunteer"),
    ("Hackers targeted the voter systems of more than 20 states.", "counts", "state"),
    # what happened to the noun still decides ("soldiers" killed are counted as killed)
    ("Twelve soldiers were killed near the border.", "counts", "killed"),
])
def test_first_claim_field(text, field, expected):
    assert getattr(analyze(text).claims[0], field) == expected


@pytest.mark.parametrize("text", [
    "The talks began at 10:30 on Monday.",
    "Under Article 12 of the charter, the council must meet.",
    "The report, numbered 48213, was filed in the 1990s.",
    "The convoy stopped 5 km from the border for two hours.",
    "Call the hotline at 555-0148 for details.",
    "The ceasefire began at 8 p.m. local time.",
])
def test_times_ids_distances_are_not_claims(text):
    assert analyze(text).claims == []


@pytest.mark.parametrize("text, value, qualifier, counts", [
    ("Nearly half of the clinics in Dravik are out of service.", 50, "about", "percent"),
    ("About a third of the harbour town was flooded.", 33.3, "about", "percent"),
    ("Hundreds of thousands of people have fled south.", 200_000, "range", "displaced"),
    ("Several thousand people were evacuated from the coast.", 3000, "range", "evacuees"),
    ("One villager was killed in the raid.", 1, "exact", "killed"),
    ("Police arrested 1 man near the quay.", 1, "exact", "detained"),
    ("The toll has risen to 61 dead and 140 wounded.", 61, "exact", "killed"),
])
def test_shares_vague_scales_and_nominal_adjectives(text, value, qualifier, counts):
    c = next(c for c in analyze(text).claims if c.value == value)
    assert (c.qualifier, c.counts) == (qualifier, counts)


@pytest.mark.parametrize("text, values", [
    # a bracket is about money or shares; "making more than 40 arrests" is a count
    ("Police made more than 40 arrests in the port.", [40]),
    # "seven, including two children" is a count, not an enumeration
    ("Of the 40 dead, seven, including two children, were from Tarsk.", [40, 7, 2]),
])
def test_counts_the_bracket_and_enumeration_rules_keep(text, values):
    assert [c.value for c in analyze(text).claims] == values


def test_half_of_a_period_is_not_a_share():
    assert analyze("Talks resume in the second half of the year.").claims == []


@pytest.mark.parametrize("text, values, counts", [
    # the earlier value of a change is not a claim of today: only the new figure is
    ("The death toll rose from 20 to 31 overnight.", [31], "killed"),
    ("The number of displaced rose from 1,200 to 1,400 people.", [1400], "displaced"),
])
def test_change_keeps_the_new_figure(text, values, counts):
    cs = analyze(text).claims
    assert [c.value for c in cs] == values and cs[0].counts == counts


def test_from_to_without_a_change_is_a_range():
    c = analyze("From 20 to 30 trucks a day cross at the Varn bridge.").claims[0]
    assert (c.qualifier, c.low, c.high, c.counts) == ("range", 20, 30, "aid_trucks")

