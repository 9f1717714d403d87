"""A social profile page copied into a word processor, cleaned of the page's furniture.

Recruiters often paste a candidate's online profile into Word and import that. The paste
carries the page's own interface text: a company logo's alt text above each employer ("Acme
logo"), the headline and name repeated, "Show all 12 experiences", "12 endorsements",
"500+ connections", employment types after the company ("Acme · Full-time"), durations after
the dates ("Jan 2020 - Present · 4 yrs 11 mos") and work modes after the place ("London ·
Hybrid"). Left in, they are taken for employers and skills. Only a document that shows several
of these marks is cleaned, so an ordinary resume is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

_EMPLOYMENT_TYPES = (
    r"full[- ]time|part[- ]time|self[- ]employed|freelance|contract|contractor|internship|"
    r"apprenticeship|seasonal|temporary|permanent|casual"
)
_WORK_MODES = r"hybrid|remote|on[- ]site"
# Whole lines that are the page's interface, never the person's data.
_NOISE = re.compile(
    r"^(?:.{2,80}\s(?:logo|company logo)|show all(?:\s+\d+)?\s+\w+(?:\s+\w+)?(?:\s*→)?|"
    r"see (?:more|less)|…?\s*(?:see )?more|\d+\s+endorsements?|endorsed by .{2,80}|"
    r"\d+\+?\s+(?:connections|followers)|contact info|"
    r"(?:\d+|one|two|three)\s+(?:mutual connections?|recommendations?)|"
    r"(?:message|connect|follow|more)|"
    rf"(?:{_EMPLOYMENT_TYPES})|(?:{_WORK_MODES}))$",
    re.IGNORECASE,
)
_MARKS = re.compile(
    r"\slogo$|^show all\b|\bendorsements?$|\bconnections$|^contact info$|"
    rf"\s·\s(?:{_EMPLOYMENT_TYPES})$|\s·\s\d+\s+(?:yrs?|mos?)\b|\s·\s(?:{_WORK_MODES})$",
    re.IGNORECASE,
)
# "Acme · Full-time", "Jan 2020 - Present · 4 yrs 11 mos", "London, UK · Hybrid".
_TRAILERS = re.compile(
    rf"\s+·\s+(?:(?:{_EMPLOYMENT_TYPES})|(?:{_WORK_MODES})|"
    r"(?:\d+\s+yrs?|less than a year)(?:\s+\d+\s+mos?)?|\d+\s+mos?)\s*$",
    re.IGNORECASE,
)

T = TypeVar("T")


def is_pasted_profile(texts: list[str]) -> bool:
    """Whether the text carries enough of a profile page's marks to be one."""
    marks = sum(1 for text in texts if _has_mark(text.strip()))
    return marks >= 3


def _has_mark(text: str) -> bool:
    """Whether ``_MARKS`` is found in ``text``, without trying it at every letter of every
    line: a mark without a "·" starts the text or ends it (in the last 12 characters, 13
    with a final line break)."""
    if "·" in text:
        return _MARKS.search(text) is not None
    return bool(_MARKS.match(text) or _MARKS.search(text, max(0, len(text) - 13)))


def clean(items: list[T], text_of: Callable[[T], str], with_text: Callable[[T, str], T]) -> list[T]:
    """``items`` without interface lines and trailers, and without a line repeated at once.

    ``text_of(item)`` gives an item's text and ``with_text(item, text)`` a copy with new text,
    so the same cleaning serves plain strings and typed lines.
    """
    out: list[T] = []
    previous = ""
    for item in items:
        text = text_of(item).strip()
        stripped = text
        while True:
            shorter = _TRAILERS.sub("", stripped)
            if shorter == stripped:
                break
            stripped = shorter
        if not stripped or _NOISE.match(stripped):
            continue
        if stripped.casefold() == previous.casefold():
            continue  # the page shows the name, the title or the company twice
        previous = stripped
        out.append(item if stripped == text else with_text(item, stripped))
    return out
