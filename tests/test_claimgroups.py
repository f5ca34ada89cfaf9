"""Claim groups: the same counted thing across articles, with agree / conflict / update."""
import json
import os

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.claimgroups import (
    Group,
    Member,
    build_groups,
    compatible,
    judge,
    normalise_where,
    scope_of,
    subset_of,
)

GROUPS = os.path.join(ROOT, "tests", "fixtures", "claimgroups")
DEV = os.path.join(ROOT, "..", "shared", "corpus", "dev")


def m(value, qualifier="exact", date=None, source="Harbour Wire", counts="hostages", low=None, high=None, where=None,
      scope="total", subset=""):
    if qualifier == "exact":
        low = high = value
    elif qualifier in ("more_than", "at_least"):
        low = value
    elif qualifier == "about":
        low, high = value * 0.9, value * 1.1
    return Member(f"c{value}{date}{source}", "a", value, low, high, qualifier, counts, where, scope, date, source, subset)


@pytest.mark.parametrize("members, verdict", [
    # "more than 200" and "224": compatible bounds
    ([m(200, "more_than", "2025-06-02", "Corran Post"), m(224, date=None, source="army spokesman")], "agree"),
    ([m(1000, "about", "2025-06-02"), m(1050, date="2025-06-02", source="Meridian Wire")], "agree"),
    # incompatible at the same time
    ([m(12, "at_least", "2025-06-02", counts="killed"), m(6, date="2025-06-02", source="minister", counts="killed")],
     "conflict"),
    # an undated figure cannot be a later update
    ([m(30, date="2025-06-02"), m(40, date=None, source="police")], "conflict"),
    # a toll rising over days is an update, not a conflict
    ([m(12, date="2025-06-02", counts="killed"), m(19, date="2025-06-04", counts="killed"),
      m(27, "at_least", "2025-06-06", counts="killed")], "update"),
    # a toll that falls later conflicts with the earlier one
    ([m(40, "at_least", "2025-06-02", counts="killed"), m(27, date="2025-06-08", counts="killed")], "conflict"),
    # hostages can fall as they are released: an update
    ([m(236, date="2025-06-02"), m(178, date="2025-06-09")], "update"),
])
def test_verdicts(members, verdict):
    g = Group(members[0].counts, None, "total", members)
    judge(g)
    assert g.verdict == verdict, g.explanation
    for x in members:  # the explanation names every source it compares, in plain words
        if verdict == "agree":
            assert x.source in g.explanation and x.figure in g.explanation
    assert "\n" not in g.explanation


def test_explanation_names_sources_figures_and_dates():
    g = Group("killed", "Tarsk", "total", [m(12, "at_least", "2025-06-02", "regional health office", "killed"),
                                          m(6, date="2025-06-02", source="Pavel Odrin", counts="killed")])
    judge(g)
    assert g.verdict == "conflict"
    for word in ("killed in Tarsk", "at least 12", "regional health office", "Pavel Odrin", "6", "2025-06-02"):
        assert word in g.explanation


def test_grouping_rules():
    members = [
        m(30, where="Tarsk", date="2025-06-02"), m(34, date="2025-06-02", source="police"),    # place joins Tarsk
        m(5, date="2025-06-02", counts="people"), m(7, date="2025-06-02", counts="people"),     # generic: no group
        m(12, "at_least", "2025-06-02", counts="killed", scope="incident:attack"),
        m(500, date="2025-06-02", counts="killed", source="ministry"),                          # a total, not the attack
        m(14, date="2025-06-02", counts="killed", scope="incident:attack", source="police"),
        m(41, date="2025-06-02", subset="foreign"), m(41, date="2025-06-02", subset="foreign", source="police"),
        m(58, date="2025-06-09", counts="released"), m(178, date="2025-06-11", counts="released"),  # per day
    ]
    groups = {(g.counts, g.where, g.scope): g for g in build_groups(members)}
    # the whole (placed in Tarsk by its one placed figure) and the foreign part, apart
    assert {k[:2] for k in groups} == {("hostages", "Tarsk"), ("hostages", None), ("killed", None)}
    part = next(g for g in groups.values() if g.counts == "hostages" and g.where is None)
    assert [x.subset for x in part.members] == ["foreign", "foreign"]
    killed = next(g for g in groups.values() if g.counts == "killed")
    assert killed.scope == "incident:attack" and [x.value for x in killed.members] == [12, 14]


@pytest.mark.parametrize("where, norm", [
    ("the Gaza Strip", "Gaza"), ("Gaza", "Gaza"), ("the enclave", None), (None, None), ("Israeli", "Israel"),
    ("Tarsk", "Tarsk"),
])
def test_normalise_where(where, norm):
    assert normalise_where(where) == norm


@pytest.mark.parametrize("before, after, scope", [
    ("At least ", " people were killed in the attack, the office said.", "incident:attack"),
    ("The blast killed ", " people on the quay.", "incident:blast"),
    ("The toll has risen to ", " in the district. More were killed in the attack.", "total"),
    ("Officials said ", " people were killed in Tarsk since Sunday.", "total"),
])
def test_scope(before, after, scope):
    assert scope_of(before, after) == scope


@pytest.mark.parametrize("text, subset", [
    ("412 Veldonian citizens", "veldonian"), ("41 foreign citizens", "foreign"), ("224 hostages", ""),
    ("Over 1,400 people", ""),
])
def test_subset(text, subset):
    assert subset_of(text) == subset


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    """Our three fictional reports on one siege, ingested the way a user would: two, then the third."""
    from storyline import api

    db = str(tmp_path_factory.mktemp("groups") / "g.db")
    files = sorted(os.listdir(GROUPS))
    rep = api.ingest([os.path.join(GROUPS, f) for f in files[:2]], db=db)
    assert rep.failed == 0
    before = {r["counts"]: r for r in api.export_records(db) if r["type"] == "claim_group"}
    api.ingest([os.path.join(GROUPS, files[2])], db=db)
    return db, before


def groups_of(db):
    from storyline import api

    return {r["counts"]: r for r in api.export_records(db) if r["type"] == "claim_group"}


def test_fixture_groups_agree_conflict_update(fixture_db):
    db, _ = fixture_db
    g = groups_of(db)
    assert g["hostages"]["verdict"] == "agree"          # "more than 30" and "34"
    assert g["killed"]["verdict"] == "conflict"         # "at least 12" and "six ... not more", same day
    assert g["injured"]["verdict"] == "update"          # 40 on Monday, 55 on Wednesday
    assert "Pavel Odrin" in g["killed"]["explanation"] and "at least 12" in g["killed"]["explanation"]
    for rec in g.values():
        assert {"id", "counts", "where", "claim_ids", "verdict", "explanation", "period"} <= set(rec)
        assert len(rec["claim_ids"]) >= 2
        assert sorted(x["claim_id"] for x in rec["members"]) == sorted(rec["claim_ids"])
    assert [x["date"] for x in g["injured"]["members"]] == ["2025-06-02", "2025-06-04"]


def test_aggregate_is_incremental(fixture_db):
    db, before = fixture_db
    after = groups_of(db)
    assert "injured" not in before and "injured" in after      # the third report made the update
    assert before["hostages"] == after["hostages"]               # untouched by the third report
    from storyline.store import Store

    st = Store(db, readonly=True)
    assert st.db.execute("SELECT count(*) FROM claim_groups").fetchone()[0] == len(after)
    st.close()


def test_claims_command(fixture_db):
    from test_cli import run

    db, _ = fixture_db
    r = run("claims", "--db", db, "--counts", "killed")
    assert r.returncode == 0, r.stderr
    assert "conflict" in r.stdout and "Pavel Odrin" in r.stdout and "hostages" not in r.stdout
    r = run("claims", "--db", db, "--json")
    res = json.loads(r.stdout)
    assert {c["verdict"] for c in res["claims"]} >= {"agree", "conflict", "update"}
    assert any(c["source_kind"] == "claimant" for c in res["claims"])


@pytest.mark.skipif(not os.path.isdir(DEV), reason="../shared/corpus/dev is not beside the repo")
def test_dev_hostage_figures_agree(tmp_path):
    """The two outlets' hostage figures in the dev wire reports fall into one group that agrees."""
    from storyline import api

    db = str(tmp_path / "dev.db")
    api.ingest([DEV], db=db)
    recs = list(api.export_records(db))
    claims = {r["id"]: r for r in recs if r["type"] == "claim"}
    arts = {r["id"]: r for r in recs if r["type"] == "article"}
    groups = [r for r in recs if r["type"] == "claim_group" and r["counts"] == "hostages"]
    assert len(groups) == 1
    g = groups[0]
    assert g["verdict"] == "agree", g["explanation"]
    values = {claims[c]["value"] for c in g["claim_ids"]}
    assert {200, 224} <= values
    assert len({claims[c]["article_id"] for c in g["claim_ids"]}) >= 2
    assert "TASS" in {arts[claims[c]["article_id"]]["outlet"] for c in g["claim_ids"]}


def test_periods():
    """Figures weeks apart with nothing between them are different periods; undated figures alone
    say nothing about time and make no group."""
    far = [m(12, date="2025-01-05", counts="killed"), m(40, date="2025-03-20", counts="killed", source="police")]
    assert build_groups(far) == []
    chain = [m(12, date="2025-01-05", counts="killed"), m(20, date="2025-01-20", counts="killed", source="a"),
             m(31, date="2025-02-05", counts="killed", source="b"), m(30, date=None, counts="killed", source="c")]
    [g] = build_groups(chain)
    assert g.period == "2025-01-05/2025-02-05" and len(g.members) == 4
    undated = [m(4, counts="strikes"), m(95, counts="strikes", source="police")]
    assert build_groups(undated) == []
    odd = [m(12, date="2025-02-28", counts="killed"), m(14, date="2025-02-29", counts="killed", source="police")]
    [g] = build_groups(odd)  # a date that is no calendar day counts as undated, it does not crash
    assert g.period == "2025-02-28"


def test_claims_command_prints_names_as_text(tmp_path):
    """Names come from article text: '[red]' in an explanation is printed, not read as markup."""
    import sqlite3

    from test_cli import run

    from storyline import api

    p = tmp_path / "a.txt"
    p.write_text("TARSK, June 2, 2025 (Corran Post) - At least 12 people were killed in Tarsk, the office said.",
                 encoding="utf-8")
    db = str(tmp_path / "m.db")
    api.ingest([str(p)], db=db)
    con = sqlite3.connect(db)
    with con:
        con.execute('INSERT INTO claim_groups (id, counts, "where", period, verdict, explanation, claim_ids) '
                    "VALUES ('g1', 'killed', NULL, NULL, 'agree', "
                    "'killed: [red]Corran Post[/red] says at least 12', '[]')")
    con.close()
    r = run("claims", "--db", db)
    assert r.returncode == 0, r.stderr
    assert "[red]Corran Post[/red]" in r.stdout


@pytest.mark.parametrize("before, after, counts, scope", [
    ("Officials said ", " people were killed in Tarsk on Tuesday.", "killed", "day"),
    ("", " people were wounded overnight, the office said.", "injured", "day"),
    ("The death toll in Tarsk rose to ", " on Tuesday.", "killed", "total"),
    ("At least ", " people were killed in Dravik as of Tuesday.", "killed", "total"),
    ("Gunmen took more than ", " hostages on Sunday.", "hostages", "total"),   # a stock, not a daily count
    ("Officials said ", " people were killed on Tuesday, bringing the toll to 40.", "killed", "day"),
])
def test_day_scope(before, after, counts, scope):
    assert scope_of(before, after, counts) == scope


def test_daily_count_is_not_compared_with_the_toll():
    """'12 killed on Tuesday' and 'the toll rose to 10,000' the same day are not a conflict."""
    day = m(12, date="2025-06-03", counts="killed", scope="day", where="Tarsk")
    toll = m(10000, date="2025-06-03", counts="killed", where="Tarsk", source="health office")
    toll2 = m(10050, "about", date="2025-06-03", counts="killed", where="Tarsk", source="police")
    [g] = build_groups([day, toll, toll2])
    assert day not in g.members and g.verdict == "agree"


def test_claim_dates_follow_the_corrected_year(sample_db):
    """Regression: a claim dated against an article's first-guess year kept that year after the
    corpus corrected the article's date (178 hostages 'as of' 2026 in a 2025 report)."""
    from storyline import api

    recs = list(api.export_records(sample_db))
    published = {r["id"]: r["published"] for r in recs if r["type"] == "article"}
    dated = [(r["as_of"], published[r["article_id"]]) for r in recs if r["type"] == "claim" and r["as_of"]]
    assert len(dated) > 10
    for as_of, pub in dated:
        assert pub is None or as_of[:4] == pub[:4], (as_of, pub)

_figure = st.tuples(st.integers(1, 500), st.sampled_from(["exact", "about", "more_than", "at_least", "at_most"]),
                    st.sampled_from(["2025-06-01", "2025-06-03", "2025-06-05", None]),
                    st.sampled_from(["Corran Post", "police", "Meridian Wire"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_figure, min_size=2, max_size=6), st.randoms(use_true_random=False),
       st.sampled_from(["killed", "hostages"]))
def test_verdict_does_not_depend_on_order(figures, rnd, counts):
    members = [m(v, q, d, s, counts) for v, q, d, s in figures]
    g1 = Group(counts, None, "total", list(members))
    judge(g1)
    rnd.shuffle(members)
    g2 = Group(counts, None, "total", members)
    judge(g2)
    assert (g1.verdict, g1.explanation) == (g2.verdict, g2.explanation)
    if g1.verdict == "agree":  # agree means every two figures are compatible
        assert all(compatible(a, b) for a in members for b in members)


def test_members_of_given_days_are_those_the_whole_key_gives(web_db):
    """A per-day key's members of some days, found through the date indexes, are exactly the
    members of the whole key whose date is one of those days (dated, undated and unknown days)."""
    import sqlite3

    from storyline import claimgroups

    db = sqlite3.connect(web_db)
    db.row_factory = sqlite3.Row
    try:
        keys = [(c, p) for c, p in db.execute("SELECT DISTINCT counts, part FROM claim_keys ORDER BY 1, 2")
                if c in claimgroups._lex()["per_day"] or p.partition("|of:")[0] == "day"]
        assert keys, "the store should hold figures of a per-day class"
        tried = 0
        for counts, part in keys:
            whole = db.execute(claimgroups._MEMBER_SQL, (counts, part)).fetchall()
            dates = sorted({r["date"] for r in whole}, key=lambda d: d or "")
            for days in [{d} for d in dates] + [set(dates), {None}, {"2099-01-01"}, {dates[0], None}]:
                got = db.execute(*claimgroups._members_sql(counts, part, days)).fetchall()
                assert sorted(map(tuple, got)) == sorted(tuple(r) for r in whole if r["date"] in days), (counts, days)
                tried += 1
        assert tried >= 5
    finally:
        db.close()
