"""Dates and date ranges as resumes print them ("May 2023 – Present", "06/2019 - 01/2022")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
SEASON = r"(?:spring|summer|fall|autumn|winter)"
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
NOW = r"(?:present|current(?:ly)?|now|today|ongoing|till date|to date|date)"
POINT = (
    rf"(?:(?:{MONTH}|{SEASON})\s*,?\s*['’]?{YEAR}|{YEAR}\s*[-/.]\s*(?:0?[1-9]|1[0-2])(?!\d)"
    rf"|(?:0?[1-9]|1[0-2])\s*/\s*(?:{YEAR}|\d{{2}})(?!\d)|(?:0?[1-9]|1[0-2])\.{YEAR}"
    rf"|{YEAR}|{NOW})"
)
DASH = r"\s*(?:-{1,2}|–|—|‒|―|to|until|till|through|thru|~|→)\s*"
RANGE = re.compile(rf"(?<![\w/])({POINT}){DASH}({POINT})(?![\w/])", re.IGNORECASE)
SINGLE = re.compile(rf"(?<![\w/])({POINT})(?![\w/])", re.IGNORECASE)
_OPEN_END = re.compile(rf"({DASH})(?:\t|$)", re.IGNORECASE)
DANGLING = re.compile(rf"(?<![\w/])({POINT}){DASH}$|^\s*({POINT}){DASH}(?=[A-Za-z])", re.IGNORECASE)
# What every point holds: an ASCII digit (a year or a month's number) or a word of NOW. A
# line with none has no date, and this is cheaper to look for than RANGE and SINGLE (with
# the same flags, so letters fold alike).
_POINT_SIGN = re.compile(r"[0-9]|present|current|now|today|ongoing|date", re.IGNORECASE)
# The shapes `point` reads, compiled once: it runs for every date found.
_NOW = re.compile(NOW)
_YEAR = re.compile(YEAR)
_YEAR_MONTH = re.compile(rf"({YEAR})\s*[-/.]\s*(\d{{1,2}})")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.]\s*(\d{2,4})")
_MONTH_WORD = re.compile(r"([a-z]{3})")


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    span: tuple[int, int]


def point(text: str) -> str | None:
    """ "Sept 2018" -> "2018-09", "2019" -> "2019", "Present" -> "present"."""
    t = text.strip().lower()
    if _NOW.fullmatch(t):
        return "present"
    m = _YEAR_MONTH.fullmatch(t)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = _MONTH_YEAR.fullmatch(t)
    if m:
        month, year = int(m.group(1)), m.group(2)
        full = (
            int(year)
            if len(year) == 4
            else 2000 + int(year)
            if int(year) < 50
            else 1900 + int(year)
        )
        return f"{full:04d}-{month:02d}" if 1 <= month <= 12 else None
    y = _YEAR.search(t)
    if not y:
        return None
    mo = _MONTH_WORD.match(t)
    if mo and mo.group(1) in _MONTHS:
        return f"{y.group(0)}-{_MONTHS[mo.group(1)]:02d}"
    return y.group(0)


def find_range(text: str) -> DateRange | None:
    """The first date range in ``text``, or a single date (as both start and end)."""
    if not _POINT_SIGN.search(text):
        return None
    m = RANGE.search(text)
    if m:
        start, end = point(m.group(1)), point(m.group(2))
        if start == "present":
            start = None
        return DateRange(start, end, m.span())
    for m in SINGLE.finditer(text):
        p = point(m.group(1))
        if p and p != "present" and not re.fullmatch(r"\d{1,2}\s*[/.]\s*\d{2}", m.group(1)):
            open_end = _OPEN_END.match(text, m.end())
            if open_end:
                # "2024-02 —" with nothing after: a range still open (themes print no end).
                return DateRange(p, "present", (m.start(), open_end.end(1)))
            return DateRange(p, p, m.span())
        if p == "present" and re.search(r"(?i)\b(?:present|current)\b", m.group(1)):
            # "Present" alone in an entry header: the end of a range printed on two lines.
            return DateRange(None, "present", m.span())
    return None


def months(value: str | None, end: bool = False) -> int | None:
    """A point as a month count, for durations; "present" is this month."""
    if value is None:
        return None
    if value == "present":
        today = dt.date.today()
        return today.year * 12 + today.month - 1
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else (12 if end else 1)
    return year * 12 + month - 1
