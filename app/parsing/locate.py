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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# PDFium is not thread-safe: the review's page renders and searches take turns.
PDFIUM_LOCK = threading.Lock()
MAX_PAGES = 20  # a resume longer than this shows its first pages only
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
    """A rendered page as 32-bit BGRA rows (what a GUI turns into an image)."""

    width: int
    height: int
    stride: int
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
    """The first place each value occurs in ``text`` (case and white space folded)."""
    hits: list[TextHit] = []
    for key, values in wanted.items():
        for value in values:
            span = _find(text, value, key == "phone")
            if span is not None:
                hits.append(TextHit(key, value, *span))
    return hits


def locate_in_pdf(path: Path, wanted: Mapping[str, Iterable[str]]) -> list[PageHit]:
    """The first page and rectangles where each value is printed; values not printed (or
    only in an image) are left out."""
    # Deferred: PDFium loads only when a review shows a PDF.
    import pypdfium2

    hits: list[PageHit] = []
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(str(path))
        try:
            pages = [_page_text(document, n) for n in range(min(len(document), MAX_PAGES))]
            for key, values in wanted.items():
                for value in values:
                    hit = _first_hit(pages, key, value)
                    if hit is not None:
                        hits.append(hit)
            for _height, textpage, chars in pages:
                del chars
                textpage.close()
        finally:
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
                bitmap = page.render(scale=scale, may_draw_forms=True)
                buffer = bitmap.buffer
                images.append(
                    PageImage(
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        bytes(buffer),
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


def _first_hit(pages: list[tuple[float, Any, str]], key: str, value: str) -> PageHit | None:
    for number, (height, textpage, chars) in enumerate(pages):
        span = None
        if key != "phone":
            searcher = textpage.search(value, match_case=False, match_whole_word=False)
            found = searcher.get_next()
            searcher.close()
            if found:
                span = (found[0], found[0] + found[1])
        if span is None:
            span = _find(chars, value, key == "phone")
        if span is None:
            continue
        boxes = []
        for n in range(textpage.count_rects(span[0], span[1] - span[0])):
            left, bottom, right, top = textpage.get_rect(n)
            boxes.append(Box(left, height - top, right, height - bottom))
        if boxes:
            return PageHit(key, value, number, tuple(boxes))
    return None


def _find(chars: str, value: str, phone: bool = False) -> tuple[int, int] | None:
    """``(start, end)`` of ``value`` in ``chars``: digits only for a phone number, else
    case-insensitive with any run of white space (a line break too) standing for one."""
    if phone:
        return _find_digits(chars, value)
    folded, where = _fold(chars)
    needle = _SPACE.sub(" ", value.strip().lower())
    at = folded.find(needle) if needle else -1
    if at < 0:
        return None
    return where[at], where[at + len(needle) - 1] + 1


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
