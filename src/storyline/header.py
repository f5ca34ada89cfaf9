"""Read what wire copy writes at its head: crumbs, title, dateline, outlet and date.

Datelines as agencies write them::

    MOSCOW. Nov 7 (Interfax) - ...
    MOSCOW, November 21. /TASS/. ...
     date 2023-11-02 MOSCOW, November 2. /TASS/. ...
    WASHINGTON, Nov 7, 2023 (Reuters) - ...
    KYIV, Ukraine (AP) — ...

When the year is not written, :func:`infer_year` picks it from what the text supports.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .lexicon import load_lexicon

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_CITY_CAPS = r"[A-Z][A-Z'\-]+(?:[ .][A-Z][A-Z'\-]+){0,3}"
_CITY_ANY = r"[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){0,3}"
_REGION = r"(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?"
_DATE = rf"(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_OUTLET = r"(?:\((?P<o1>[A-Za-z][^()\n]{0,38})\)|/(?P<o2>[A-Za-z][^/\n]{0,38})/)"
_DASH = r"\s*(?:[-\u2013\u2014]+|\.)?\s*"

DATELINE_PATTERNS = [
    # MOSCOW. Nov 7 (Interfax) -   |   MOSCOW, November 21. /TASS/.   |   WASHINGTON, Nov 7, 2023 (Reuters) -
    re.compile(rf"(?P<city>{_CITY_CAPS}){_REGION}[.,]\s+{_DATE}\.?\s*{_OUTLET}{_DASH}"),
    # Moscow, November 21 (TASS) -
    re.compile(rf"(?P<city>{_CITY_ANY}){_REGION}[.,]\s+{_DATE}\.?\s*{_OUTLET}{_DASH}"),
    # MOSCOW, Nov 7 -   (no outlet)
    re.compile(rf"(?P<city>{_CITY_CAPS}){_REGION}[.,]\s+{_DATE}\.?\s*[-\u2013\u2014]+\s*"),
    # KYIV, Ukraine (AP) -   |   MOSCOW (Reuters) -   |   MOSCOW /TASS/.
    re.compile(rf"(?P<city>{_CITY_CAPS}){_REGION}\s*{_OUTLET}{_DASH}"),
    # MOSCOW -- The ministry ...
    re.compile(rf"(?P<city>{_CITY_CAPS}){_REGION}\s*[\u2013\u2014]+\s*|(?P<city2>{_CITY_CAPS}){_REGION}\s+--\s+"),
]
DATE_LINE = re.compile(r"\s*date:?\s+(?P<iso>\d{4}-\d{2}-\d{2})(?:[T ][\d:.+\-Z]*)?\s*", re.I)
ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
WEEKDAY_RE = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
YEAR_RE = re.compile(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,])")
FULL_DATE_RE = re.compile(rf"\b{_DATE}")


@dataclass(frozen=True)
class Header:
    title: str | None
    title_span: tuple[int, int] | None
    outlet: str | None
    dateline: str | None
    year: int | None
    month: int | None
    day: int | None
    date_source: str | None  # "date-line" or "dateline" when a full date was written
    body_start: int


def canonical_outlet(name: str) -> str:
    name = name.strip().strip(".").strip()
    return load_lexicon("outlets")["outlets"].get(name.lower(), name)


def _city(raw: str) -> str:
    raw = raw.strip().rstrip(".,")
    if raw.isupper():
        return " ".join(w.capitalize() if not w.startswith("AL-") else "al-" + w[3:].capitalize()
                        for w in raw.split())
    return raw


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _is_crumb(line: str) -> bool:
    s = line.strip().lower()
    if s in set(load_lexicon("crumbs")["lines"]):
        return True
    return bool(re.fullmatch(r"[\w .'-]{1,30}(?:\s*[>/|»]\s*[\w .'-]{1,30}){1,5}", s)) and len(s.split()) <= 8


def _looks_like_title(line: str) -> bool:
    s = line.strip()
    words = s.split()
    return 2 <= len(words) <= 30 and not s.endswith((".", ",", ";")) or (
        2 <= len(words) <= 20 and s.endswith((")", "?", "!")))


def parse_header(text: str, title: str | None = None) -> Header:
    lines = _lines(text)
    i = 0
    while i < len(lines) and i < 4 and _is_crumb(text[lines[i][0]:lines[i][1]]):
        i += 1
    found_title, title_span = None, None
    body_start = lines[i][0] if i < len(lines) else 0
    outlet = city = None
    year = month = day = None
    source = None
    # the dateline is on the first content line, or on the line after a title
    for j in range(i, min(i + 2, len(lines))):
        s, e = lines[j]
        line = text[s:e]
        pos = 0
        m = DATE_LINE.match(line)
        if m:
            y, mo, d = map(int, m.group("iso").split("-"))
            if _valid(y, mo, d):
                year, month, day, source = y, mo, d, "date-line"
            pos = m.end()
        for pat in DATELINE_PATTERNS:
            dm = pat.match(line, pos)
            if dm and (dm.groupdict().get("city") or dm.groupdict().get("city2")):
                city = _city(dm.group("city") or dm.group("city2"))
                o = dm.groupdict().get("o1") or dm.groupdict().get("o2")
                if o and not re.search(r"\d", o):
                    outlet = canonical_outlet(o)
                if dm.groupdict().get("month"):
                    mo = MONTHS[dm.group("month").lower()]
                    d = int(dm.group("day"))
                    y = int(dm.group("year")) if dm.group("year") else None
                    if source != "date-line" and _valid(y or 2000, mo, d):
                        month, day = mo, d
                        if y:
                            year, source = y, "dateline"
                pos = dm.end()
                break
        if city or source:
            body_start = s + pos
            if j > i:
                t = text[lines[i][0]:lines[i][1]]
                found_title, title_span = t.strip(), lines[i]
            break
    if found_title is None and title is None and i < len(lines) - 1 and not (city or source):
        t = text[lines[i][0]:lines[i][1]]
        if _looks_like_title(t):
            found_title, title_span = t.strip(), lines[i]
            body_start = lines[i + 1][0]
    return Header(title if title is not None else found_title, title_span, outlet, city,
                  year, month, day, source, body_start)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def infer_year(text: str, month: int, day: int, corpus_years: list[int] | None = None,
               today: dt.date | None = None) -> tuple[int | None, str | None]:
    """Pick the year of a month/day when the text does not write it.

    Evidence, strongest first: a weekday that the text names for the day of the report
    ("said on Tuesday" in a report datelined Nov 7 fixes the years where Nov 7 is a Tuesday);
    full dates and years written elsewhere in the article; the years of the rest of the corpus.
    Returns (year, how) or (None, None) when nothing supports a year.
    """
    today = today or dt.date.today()
    years = list(range(1990, today.year + 1))
    years = [y for y in years if _valid(y, month, day) and dt.date(y, month, day) <= today]
    weekdays = {WEEKDAYS[w.lower()] for w in WEEKDAY_RE.findall(text)}
    by_weekday = [y for y in years if dt.date(y, month, day).weekday() in weekdays]
    written = [int(y) for y in YEAR_RE.findall(text)]
    written = [y for y in written if 1990 <= y <= today.year]
    corpus_years = [y for y in (corpus_years or []) if 1990 <= y <= today.year]
    lower = max(written) if written else None  # a report is not older than the years it names
    median = sorted(corpus_years)[len(corpus_years) // 2] if corpus_years else None
    if by_weekday:
        cands = [y for y in by_weekday if lower is None or y >= lower] or by_weekday
        if median is not None:
            return min(cands, key=lambda y: (abs(y - median), -y)), "weekday"
        return (min(cands) if lower is not None else max(cands)), "weekday"
    # a day that would still lie ahead in the chosen year (or is no date in it) is from a year before
    past = lambda y: max((c for c in years if c <= y), default=None)  # noqa: E731
    if median is not None and past(max(median, lower or 0)) is not None:
        return past(max(median, lower or 0)), "corpus"
    if lower is not None and past(lower) is not None:
        return past(lower), "text-year"
    return None, None
