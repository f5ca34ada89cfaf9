import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.header import infer_year, parse_header


@pytest.mark.parametrize("text, outlet, city, ymd", [
    ("Title line here\n\nMOSCOW. Nov 7 (Interfax) - The ministry said.", "Interfax", "Moscow", (None, 11, 7)),
    ("MOSCOW, November 21. /TASS/. The ministry said.", "TASS", "Moscow", (None, 11, 21)),
    (" date 2023-11-02 MOSCOW, November 2. /TASS/. The ministry said.", "TASS", "Moscow", (2023, 11, 2)),
    ("WASHINGTON, Nov 7, 2023 (Reuters) - Officials said.", "Reuters", "Washington", (2023, 11, 7)),
    ("KYIV, Ukraine (AP) — The city was shelled.", "AP", "Kyiv", (None, None, None)),
    ("PORT SELVIN, March 7, 2025 (Selvin Wire) — Talks opened.", "Selvin Wire", "Port Selvin", (2025, 3, 7)),
    ("All news\n\nA title without a dateline\n\nBody text of the article.", None, None, (None, None, None)),
    ("Russian Foreign Ministry: Moscow discussed the release\n\nBody text.", None, None, (None, None, None)),
])
def test_dateline(text, outlet, city, ymd):
    h = parse_header(text)
    assert (h.outlet, h.dateline) == (outlet, city)
    assert (h.year, h.month, h.day) == ymd
    assert 0 <= h.body_start <= len(text)


def test_crumbs_and_title():
    h = parse_header("All news\n\nBorder talks resume in the capital\n\nThe talks resumed on Monday.")
    assert h.title == "Border talks resume in the capital"
    assert h.body_start == len("All news\n\nBorder talks resume in the capital\n\n")


@pytest.mark.parametrize("text, month, day, corpus, year, how", [
    # Nov 7 was a Tuesday in 2023 (and 2017): the most recent one is chosen
    ("the ministry said on Tuesday.", 11, 7, None, 2023, "weekday"),
    # with the corpus dated 2017, the 2017 Tuesday wins
    ("the ministry said on Tuesday.", 11, 7, [2017], 2017, "weekday"),
    # a written year is a lower bound
    ("In 2021 the border closed. The talks resumed.", 3, 4, None, 2021, "text-year"),
    ("Nothing here dates the report.", 3, 4, None, None, None),
    ("Nothing here dates the report.", 3, 4, [2024, 2024, 2025], 2024, "corpus"),
])
def test_infer_year(text, month, day, corpus, year, how):
    assert infer_year(text, month, day, corpus, today=dt.date(2026, 11, 21)) == (year, how)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_header_never_fails(text):
    h = parse_header(text)
    assert 0 <= h.body_start <= len(text)
    if h.month:
        assert 1 <= h.month <= 12 and 1 <= h.day <= 31


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2026, 11, 1)))
def test_weekday_year_is_consistent(d):
    text = f"The ministry said on {d.strftime('%A')}."
    y, how = infer_year(text, d.month, d.day, today=dt.date(2026, 11, 21))
    assert how == "weekday"
    assert dt.date(y, d.month, d.day).weekday() == d.weekday()
