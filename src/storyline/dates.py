"""Resolve the dates news text writes against the article's own date.

"on Tuesday" is the last Tuesday on or before the report; "on October 7" takes the report's
year unless that would put it after the report; "yesterday", "today", "last week".
"""
from __future__ import annotations

import datetime as dt
import re

from .header import MONTHS, WEEKDAYS

_MONTH_DAY = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+((?:19|20)\d\d))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})(?:,?\s+((?:19|20)\d\d))?\b")


def resolve(text: str, ref: str | None) -> str | None:
    """The ISO date that a date expression names, or None when it cannot be pinned down."""
    t = text.strip()
    ref_date = dt.date.fromisoformat(ref) if ref else None
    m = re.search(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", t)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    for pat, order in ((_MONTH_DAY, "md"), (_DAY_MONTH, "dm")):
        m = pat.search(t)
        if m:
            mon_s, day_s = (m[1], m[2]) if order == "md" else (m[2], m[1])
            mon = MONTHS.get(mon_s.lower())
            if mon is None:
                continue
            day = int(day_s)
            if m[3]:
                year = int(m[3])
            elif ref_date:
                year = ref_date.year
                try:
                    if dt.date(year, mon, day) > ref_date + dt.timedelta(days=2):
                        year -= 1
                except ValueError:
                    return None
            else:
                return None
            try:
                return dt.date(year, mon, day).isoformat()
            except ValueError:
                return None
    if ref_date is None:
        return None
    low = t.lower()
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", low):
            delta = (ref_date.weekday() - wd) % 7
            if "next" in low:
                delta = -((wd - ref_date.weekday()) % 7 or 7)
            return (ref_date - dt.timedelta(days=delta)).isoformat()
    if "yesterday" in low:
        return (ref_date - dt.timedelta(days=1)).isoformat()
    if re.search(r"\b(today|tonight|this morning|this evening|this afternoon)\b", low):
        return ref_date.isoformat()
    if "tomorrow" in low:
        return (ref_date + dt.timedelta(days=1)).isoformat()
    return None
