"""Property tests (hypothesis): datelines written as agencies write them parse back to what was
written; dates resolve to the date they name; numbers parse to their value; every record's
offsets slice the original text to the record's text, whatever artefacts the text carries."""
import calendar
import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storyline import dates
from storyline.claims import parse_number
from storyline.header import canonical_outlet, infer_year, parse_header

CITY_WORD = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWZ", min_size=3, max_size=9)
CITY = st.lists(CITY_WORD, min_size=1, max_size=3).map(" ".join)
OUTLET = st.text(alphabet="ABCDEFGHIKLMNOPRSTUVWZ", min_size=2, max_size=6) | st.builds(
    lambda a, b: f"{a.title()} {b.title()}", CITY_WORD, CITY_WORD)
DAY = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2026, 11, 1))
BODY = st.sampled_from(["The ministry said the talks would resume.", "Rescue teams reached the valley.",
                        '"We are ready," the envoy said.'])


def month_name(d, style):
    return {"full": calendar.month_name[d.month], "abbr": calendar.month_abbr[d.month]}[style]


@settings(max_examples=300, deadline=None)
@given(CITY, DAY, OUTLET, BODY, st.sampled_from(["interfax", "tass", "reuters", "plain"]),
       st.sampled_from(["full", "abbr"]), st.booleans(), st.booleans())
def test_dateline_parses_back_to_what_was_written(city, d, outlet, body, style, mstyle, with_year, with_title):
    mon = month_name(d, mstyle)
    year = f", {d.year}" if with_year else ""
    head = {"interfax": f"{city}. {mon} {d.day}{year} ({outlet}) - ",
            "tass": f"{city}, {mon} {d.day}{year}. /{outlet}/. ",
            "reuters": f"{city}, {mon} {d.day}{year} ({outlet}) — ",
            "plain": f"{city}, {mon} {d.day}{year} - "}[style]
    title = "Talks resume in the valley\n\n" if with_title else ""
    text = title + head + body
    h = parse_header(text)
    assert h.dateline == " ".join(w.capitalize() for w in city.split())
    assert (h.month, h.day) == (d.month, d.day)
    assert h.year == (d.year if with_year else None)
    assert h.outlet == (None if style == "plain" else canonical_outlet(outlet))
    assert text[h.body_start:] == body
    if with_title:
        assert h.title == "Talks resume in the valley"


@settings(max_examples=300, deadline=None)
@given(DAY, DAY, st.sampled_from(["full", "abbr"]))
def test_written_dates_resolve_to_themselves(d, ref, mstyle):
    mon = month_name(d, mstyle)
    for expr in (f"on {mon} {d.day}, {d.year}", f"on {d.day} {mon} {d.year}", f"on {d.isoformat()}",
                 f"{mon} {d.day}th, {d.year}" if d.day not in (1, 2, 3, 21, 22, 23, 31) else f"{mon} {d.day}, {d.year}"):
        assert dates.resolve(expr, ref.isoformat()) == d.isoformat(), expr


@settings(max_examples=300, deadline=None)
@given(DAY, DAY)
def test_a_date_without_year_is_the_latest_before_the_report(d, ref):
    assume(not (d.month == 2 and d.day == 29))
    got = dates.resolve(f"on {calendar.month_name[d.month]} {d.day}", ref.isoformat())
    g = dt.date.fromisoformat(got)
    assert (g.month, g.day) == (d.month, d.day)
    assert ref - dt.timedelta(days=366) < g <= ref + dt.timedelta(days=2)


@settings(max_examples=300, deadline=None)
@given(DAY, st.sampled_from(list(calendar.day_name)))
def test_weekdays_and_relative_days(ref, weekday):
    got = dt.date.fromisoformat(dates.resolve(f"on {weekday}", ref.isoformat()))
    assert got.strftime("%A") == weekday and 0 <= (ref - got).days <= 6
    assert dates.resolve("yesterday", ref.isoformat()) == (ref - dt.timedelta(days=1)).isoformat()
    assert dates.resolve("today", ref.isoformat()) == ref.isoformat()
    assert dates.resolve("tomorrow", ref.isoformat()) == (ref + dt.timedelta(days=1)).isoformat()
    assert dates.resolve(f"on {weekday}", None) is None


@settings(max_examples=300, deadline=None)
@given(DAY, st.lists(st.sampled_from(list(calendar.day_name)), max_size=2),
       st.lists(st.integers(1990, 2026), max_size=3), st.lists(st.integers(1990, 2026), max_size=5))
def test_infer_year_gives_a_real_past_date_that_fits_the_text(d, weekdays, written, corpus):
    today = dt.date(2026, 11, 21)
    text = " ".join(f"The envoy spoke on {w}." for w in weekdays) + " " + " ".join(f"In {y} it began." for y in written)
    y, how = infer_year(text, d.month, d.day, corpus or None, today=today)
    if y is None:
        assert how is None and not weekdays and not written and not corpus
        return
    got = dt.date(y, d.month, d.day)  # a valid date
    assert got <= today and how in ("weekday", "text-year", "corpus")
    if how == "weekday":
        assert got.strftime("%A") in weekdays


_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words_below_1000(n):
    out = []
    if n >= 100:
        out += [_ONES[n // 100], "hundred"]
        n %= 100
        if n:
            out.append("and")
    if n >= 20:
        out.append(_TENS[n // 10])
        if n % 10:
            out.append(_ONES[n % 10])
    elif n or not out:
        out.append(_ONES[n])
    return out


def in_words(n):
    """Our own speller: 1,234,567 -> one million two hundred and thirty four thousand ..."""
    if n == 0:
        return ["zero"]
    out = []
    for scale, name in ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")):
        if n >= scale:
            out += words_below_1000(n // scale) + [name]
            n %= scale
    if n:
        out += words_below_1000(n)
    return out


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 999_999_999_999))
def test_numbers_in_digits_parse_to_their_value(n):
    assert parse_number([f"{n:,}"]) == n
    assert parse_number([str(n)]) == n


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 999_999_999))
def test_numbers_in_words_parse_to_their_value(n):
    assert parse_number(in_words(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 999), st.sampled_from([("thousand", 1e3), ("million", 1e6), ("billion", 1e9)]),
       st.integers(0, 9))
def test_digits_with_a_scale_word(n, scale, tenth):
    word, mult = scale
    assert parse_number([str(n), word]) == n * mult
    assert abs(parse_number([f"{n}.{tenth}", word]) - (n + tenth / 10) * mult) < 1e-6 * mult


NAMES = st.sampled_from(["Anna Korvel", "Oren Talvik", "Vesna Tollner", "Marek Halvorsen", "Ilse Varga"])
ROLES = st.sampled_from(["official", "spokeswoman", "envoy", "minister"])
ARTEFACT = st.sampled_from(["\u00a0", "\u200b", "\r\n", " ", "\u202f", "\ufeff"])


@st.composite
def messy_article(draw):
    """A short report with the scraping artefacts textfix repairs in random places."""
    name, role = draw(NAMES), draw(ROLES)
    first, last = name.split()
    n = draw(st.integers(2, 5000))
    sep = draw(ARTEFACT)
    glue = draw(st.booleans())
    speaker = f"{first}{sep}{last}{role}" if glue else f"{first}{sep}{last}, the {role},"
    paras = [
        f"VARNO, June {draw(st.integers(1, 28))}. /KNA/. More than {n:,} people{draw(ARTEFACT)}left the valley, "
        f"{speaker} said on {draw(st.sampled_from(list(calendar.day_name)))}.",
        f"\u201cThe road is open again,{draw(ARTEFACT)}and the buses are running,\u201d {last} told reporters.",
        f"According to the ministry, {draw(st.integers(2, 90))} villages were still cut off.",
    ]
    return draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n"])).join(paras)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_article())
def test_every_record_slices_the_original_text(text):
    from storyline.api import analyze_texts

    an = analyze_texts([text])[0]
    assert an.article.text == text
    for q in an.quotes:
        assert text[q.start:q.end] == q.text
        if q.cue is not None:
            assert text[q.cue_start:q.cue_end] == q.cue
        if q.speaker is not None and q.speaker.start is not None:
            assert text[q.speaker.start:q.speaker.end] == q.speaker.text
    for c in an.claims:
        assert text[c.start:c.end] == c.text
    assert an.claims, "the figure was not found"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1980, 2030), st.sampled_from(["metadata", "dateline", "weekday", None])),
                min_size=1, max_size=40))
def test_corpus_median_year_is_the_middle_year(tmp_path_factory, rows):
    """``Store.resolve_dates`` counts the corpus's years in SQL; its median is the middle of the
    sorted years (1990 to this year, given by metadata or dateline) as before."""
    from storyline.store import Store

    db = str(tmp_path_factory.mktemp("years") / "y.db")
    store = Store(db)
    try:
        with store.db:
            store.db.executemany("INSERT INTO articles (id, published, published_source, text) VALUES (?,?,?,?)",
                                 [(f"a{i}", f"{y}-05-01", src, "x") for i, (y, src) in enumerate(rows)])
        years = sorted(y for y, src in rows if src in ("metadata", "dateline") and 1990 <= y <= 2026)
        store.resolve_dates(today=dt.date(2026, 11, 22))
        got = store.db.execute("SELECT value FROM meta WHERE key='dates_median'").fetchone()
        assert (got[0] if got else None) == (str(years[len(years) // 2]) if years else None)
    finally:
        store.close()
