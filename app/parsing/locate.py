"""Where each parsed value is printed: a page and rectangles in a PDF, character offsets in
extracted text. The review screen highlights them, so a recruiter checks a value against the
original at a glance.

PDF positions come from PDFium: its own text search first (``FPDFText_FindStart``), then, for
values the parser joined across lines or wrote differently (spaces, case), a scan of the
page's characters with runs of white space folded. Phone numbers are matched by their digits,
so "+14155550142" is found where the page prints "(415) 555-0142".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# PDFium is not thread-safe: the review's page renders and searches take turns.
PDFIUM_LOCK = threading.Lock()
MAX_PAGES = 10  # a resume longer than this shows its first pages only
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Box:
    """A rectangle in page points, origin at the page's top left, y growing down."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class PageHit:
    """One value printed on a page (0-based), as one rectangle per line it covers."""

    key: str
    value: str
    page: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class TextHit:
    """One value in extracted text, as ``text[start:end]``."""

    key: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class PageImage:
    """A rendered page as RGB (or RGBA, ``channels`` 4) rows, for a GUI to show."""

    width: int
    height: int
    stride: int
    channels: int
    pixels: bytes
    size: tuple[float, float]  # the page in points


def values_to_find(parsed: Mapping[str, Any]) -> dict[str, list[str]]:
    """The values of a parse (``ParsedResume.to_json``) to look for, per review key:
    name, email, phone, location, current_title, current_employer, links, skills, and one
    key per work-history and education entry (``employers.0``, ``education.1``)."""

    def text(value: Any) -> list[str]:
        return [value] if isinstance(value, str) and value.strip() else []

    def texts(value: Any) -> list[str]:
        return (
            [v for v in value if isinstance(v, str) and v.strip()]
            if isinstance(value, list)
            else []
        )

    keys: dict[str, list[str]] = {
        "name": text(parsed.get("name")),
        "email": texts(parsed.get("emails"))[:1],
        "phone": texts(parsed.get("phones"))[:1],
        "location": text(parsed.get("location")),
        "current_title": text(parsed.get("current_title")),
        "current_employer": text(parsed.get("current_employer")),
        "links": texts(parsed.get("links")),
        "skills": texts(parsed.get("skills")),
    }
    for kind, parts in (
        ("employers", ("company", "title")),
        ("education", ("institution", "degree")),
    ):
        rows = parsed.get(kind)
        for index, row in enumerate(rows if isinstance(rows, list) else []):
            if isinstance(row, dict):
                keys[f"{kind}.{index}"] = [v for p in parts for v in text(row.get(p))]
    return {key: found for key, found in keys.items() if found}


def locate_in_text(text: str, wanted: Mapping[str, Iterable[str]]) -> list[TextHit]:
    """Where each value occurs in ``text`` (case and white space folded)."""
    pages = [_Page(text)]
    return [
        TextHit(key, value, start, end)
        for key, value, (_page, start, end) in _placed(pages, wanted, lambda page, value: [])
    ]


def locate_in_pdf(path: Path, wanted: Mapping[str, Iterable[str]]) -> list[PageHit]:
    """The page and rectangles where each value is printed; values not printed (or only in
    an image) are left out."""
    # Deferred: PDFium loads only when a review shows a PDF.
    import pypdfium2

    hits: list[PageHit] = []
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(str(path))
        textpages: list[Any] = []
        try:
            pages: list[_Page] = []
            for number in range(min(len(document), MAX_PAGES)):
                height, textpage, chars = _page_text(document, number)
                textpages.append(textpage)
                pages.append(_Page(chars, height, textpage))
            for key, value, (number, start, end) in _placed(pages, wanted, _pdfium_search):
                page = pages[number]
                boxes = []
                for n in range(page.textpage.count_rects(start, end - start)):
                    left, bottom, right, top = page.textpage.get_rect(n)
                    boxes.append(Box(left, page.height - top, right, page.height - bottom))
                if boxes:
                    hits.append(PageHit(key, value, number, _lines(boxes)))
        finally:
            for textpage in textpages:
                textpage.close()
            document.close()
    return hits


def render_pdf(path: Path, scale: float, pages: int = MAX_PAGES) -> list[PageImage]:
    """The first ``pages`` pages rendered at ``scale`` pixels per point (screen resolution
    is the screen's dots per inch / 72)."""
    # Deferred: PDFium loads only when a review shows a PDF.
    import pypdfium2

    images: list[PageImage] = []
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for number in range(min(len(document), pages)):
                page = document[number]
                width, height = page.get_size()
                bitmap = page.render(scale=scale, may_draw_forms=True, rev_byteorder=True)
                images.append(
                    PageImage(
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        bitmap.n_channels,
                        bytes(bitmap.buffer),
                        (width, height),
                    )
                )
                bitmap.close()
                page.close()
        finally:
            document.close()
    return images


def _page_text(document: Any, number: int) -> tuple[float, Any, str]:
    """The page's height, its text page, and its characters by PDFium index."""
    # Deferred: PDFium loads only when a review shows a PDF.
    import pypdfium2.raw as pdfium_c

    page = document[number]
    textpage = page.get_textpage()
    count = textpage.count_chars()
    chars = "".join(
        chr(code) if 0 < (code := pdfium_c.FPDFText_GetUnicode(textpage, i)) < 0x110000 else " "
        for i in range(count)
    )
    return page.get_height(), textpage, chars


def _lines(boxes: list[Box]) -> tuple[Box, ...]:
    """One rectangle per printed line: PDFium gives one per run of text, which for some
    writers is a word or a letter."""
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.top, b.left)):
        last = merged[-1] if merged else None
        middle = (box.top + box.bottom) / 2
        if last is not None and last.top <= middle <= last.bottom:
            merged[-1] = Box(
                min(last.left, box.left),
                min(last.top, box.top),
                max(last.right, box.right),
                max(last.bottom, box.bottom),
            )
        else:
            merged.append(box)
    return tuple(merged)


class _Page:
    """A page's characters (by PDFium index, or a text's), folded once for every value."""

    def __init__(self, chars: str, height: float = 0.0, textpage: Any = None):
        self.chars, self.height, self.textpage = chars, height, textpage
        self.folded, self.where = _fold(chars)


def _pdfium_search(page: _Page, value: str) -> list[tuple[int, int]]:
    """Every place PDFium's own search finds ``value`` on the page (case ignored)."""
    searcher = page.textpage.search(value, match_case=False, match_whole_word=False)
    spans: list[tuple[int, int]] = []
    try:
        while (found := searcher.get_next()) is not None and len(spans) < 50:
            spans.append((found[0], found[0] + found[1]))
    finally:
        searcher.close()
    return spans


def _placed(
    pages: list[_Page],
    wanted: Mapping[str, Iterable[str]],
    search: Callable[[_Page, str], list[tuple[int, int]]],
) -> list[tuple[str, str, tuple[int, int, int]]]:
    """(key, value, (page, start, end)) for each value found. A value printed more than once
    is placed at its first occurrence, except beside the other values of its key: a list's
    items (skills, links) at the one nearest the list's middle (a skill named in a bullet and
    again in the skills section is shown in the section); an entry's parts (a job's title and
    employer) at the one nearest its rarest part ("Research Intern" of the second internship
    is the one printed beside that employer)."""
    out: list[tuple[str, str, tuple[int, int, int]]] = []
    for key, values in wanted.items():
        found = [(value, _occurrences(pages, key, value, search)) for value in values]
        found = [(value, spans) for value, spans in found if spans]
        if len(found) > 2 and key in ("skills", "links"):
            firsts = sorted(spans[0][:2] for _value, spans in found)
            page, at = firsts[len(firsts) // 2]
        elif len(found) > 1 and "." in key:
            page, at = min((spans for _value, spans in found), key=len)[0][:2]
        else:
            out.extend((key, value, spans[0]) for value, spans in found)
            continue
        for value, spans in found:
            best = min(spans, key=lambda s: (abs(s[0] - page), abs(s[1] - at)))
            out.append((key, value, best))
    return out


def _occurrences(
    pages: list[_Page],
    key: str,
    value: str,
    search: Callable[[_Page, str], list[tuple[int, int]]],
) -> list[tuple[int, int, int]]:
    """Every (page, start, end) of ``value``, whole words only: PDFium's search first, then
    the folded scan (values joined across lines); phone numbers by their digits."""
    if key == "phone":
        return [
            (n, *span) for n, page in enumerate(pages) if (span := _find_digits(page.chars, value))
        ]
    spans = [
        (n, start, end)
        for n, page in enumerate(pages)
        for start, end in search(page, value)
        if _whole(page.chars, start, end)
    ]
    if spans:
        return spans
    needle = _SPACE.sub(" ", value.strip().lower())
    if not needle:
        return []
    for n, page in enumerate(pages):
        at = page.folded.find(needle)
        while at >= 0 and len(spans) < 50:
            start, end = page.where[at], page.where[at + len(needle) - 1] + 1
            if _whole(page.chars, start, end):
                spans.append((n, start, end))
            at = page.folded.find(needle, at + 1)
    return spans


def _whole(chars: str, start: int, end: int) -> bool:
    """Not part of a longer word: "Go" is not found inside "Google"."""
    before = chars[start - 1] if start > 0 else " "
    after = chars[end] if end < len(chars) else " "
    return not (
        (before.isalnum() and chars[start].isalnum())
        or (after.isalnum() and chars[end - 1].isalnum())
    )


def _fold(chars: str) -> tuple[str, list[int]]:
    """Lower-cased text with white-space runs as one space, and each kept character's index."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(chars):
        if char.isspace() or char in "\x00\ufffe":
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char.lower())
        where.append(index)
    return "".join(out), where


def _find_digits(chars: str, number: str) -> tuple[int, int] | None:
    """A phone number by its digits: the national number of an E.164 value (the page may
    print it without the country code), else all its digits."""
    # Deferred: phonenumbers' metadata loads only when a phone number is looked for.
    import phonenumbers

    digits = re.sub(r"\D", "", number)
    tries = [digits]
    if number.startswith("+"):
        try:
            national = str(phonenumbers.parse(number).national_number)
        except phonenumbers.NumberParseException:
            national = ""
        if national and national != digits:
            tries.append(national)
    positions = [i for i, char in enumerate(chars) if char.isdigit()]
    stream = "".join(chars[i] for i in positions)
    for wanted in tries:
        at = stream.find(wanted) if len(wanted) >= 6 else -1
        if at >= 0:
            return positions[at], positions[at + len(wanted) - 1] + 1
    return None
