"""Words, link targets and images of a PDF page from PDFium's text page (pypdfium2).

PDFium reads a resume's characters with their boxes about fifteen times faster than
pdfminer, which is most of what parsing a PDF costs. Each ctypes call costs about a
microsecond, so the page is read with as few calls per character as possible: the text once
per page (``FPDFText_GetText``), one loose box per visible character, ``IsGenerated`` only for
spaces, and the text object (font name and size) only at each word's first and last
character, per character only in the rare word whose font changes inside it.

Word breaks. A space the PDF encodes always breaks a word. Many PDFs encode none (TeX,
Qt): the break is a gap. Letter-spaced text (XeTeX/LuaTeX ``LetterSpace=``, tracked headings,
Qt's ``setLetterSpacing``) has a gap between every two letters, and PDFium then reports a
generated space between them ("J A N E"), while a fixed gap tolerance glues the words
("JANESMITH") when the word space is narrow. So each run of characters on one line between
encoded spaces is judged on its own letter spacing: its typical gap (a low quantile: most
gaps are inside words) is the letter spacing, and a word gap is one clearly wider than that.
"""

from __future__ import annotations

import ctypes
import itertools
import math
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

# A gap this much wider than the run's letter spacing (in ems) is a word space: TeX's
# narrowest (fully shrunk) interword space is 0.22 em, kerning rarely exceeds 0.1 em.
WORD_GAP_EM = 0.17
# Where PDFium itself saw a space (a generated one) a smaller excess is enough.
GENERATED_GAP_EM = 0.1
# ... and a word gap is at least this share of the preceding letter's width wider than the
# run's typical share (a space is a quarter to a third of an em, a wide letter about one).
WORD_GAP_SHARE = 0.15
# PDFium marks a hyphen that ends a line as U+FFFE; a glyph with no Unicode (pdfminer's
# "(cid:N)") is most often an icon, which the layout reads as a separator. (Replaced one
# by one: ``str.translate`` with a table looks up every character of the page.)
_REPLACE = (("\ufffe", "-"), ("\x00", "\ue000"), ("\ufffd", "\ue000"))
# The height of PDFium's loose character box (ascent to descent) in ems, typical of text fonts.
LOOSE_BOX_EM = 1.115
# Encoded spaces, line ends and control characters end a run of characters.
_BREAKS = frozenset(
    " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\uffff"
    + "".join(map(chr, range(32)))
)

_SOFT_BREAKS = frozenset(" \r\n")


def _bare(function: Any, result: Any, *arguments: Any) -> Any:
    """``function`` taking and returning bare addresses and numbers: no argument conversion
    or pointer casts on calls made once per character or text object."""
    address = ctypes.cast(function, ctypes.c_void_p).value or 0
    return ctypes.CFUNCTYPE(result, *arguments)(address)


_VOID, _INT = ctypes.c_void_p, ctypes.c_int
_text_object_address = _bare(pdfium_c.FPDFText_GetTextObject, _VOID, _VOID, _INT)
_text_object_font = _bare(pdfium_c.FPDFTextObj_GetFont, _VOID, _VOID)
_text_object_font_size = _bare(pdfium_c.FPDFTextObj_GetFontSize, _INT, _VOID, _VOID)
_object_matrix = _bare(pdfium_c.FPDFPageObj_GetMatrix, _INT, _VOID, _VOID)
_loose_char_box = _bare(pdfium_c.FPDFText_GetLooseCharBox, _INT, _VOID, _INT, _VOID)
_is_generated = _bare(pdfium_c.FPDFText_IsGenerated, _INT, _VOID, _INT)


class _Fonts:
    """Font name and scaled size per text object of one text page, asked once each."""

    def __init__(self, textpage_address: int) -> None:
        self._textpage = textpage_address
        self._objects: dict[int, tuple[str, float]] = {}
        self._names: dict[int, str] = {}
        self._buffer = ctypes.create_string_buffer(256)
        self._size = ctypes.c_float()
        self._size_address = ctypes.addressof(self._size)
        self._matrix = pdfium_c.FS_MATRIX()
        self._matrix_address = ctypes.addressof(self._matrix)

    def of(self, index: int) -> tuple[str, float]:
        """The font name and size of the character at ``index``."""
        key = _text_object_address(self._textpage, index) or 0
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = self._describe(key) if key else ("", 0.0)
        return found

    def _describe(self, obj: int) -> tuple[str, float]:
        font = _text_object_font(obj) or 0
        name = self._names.get(font)
        if name is None:
            handle = ctypes.cast(ctypes.c_void_p(font), pdfium_c.FPDF_FONT)
            got = pdfium_c.FPDFFont_GetBaseFontName(handle, self._buffer, len(self._buffer))
            name = self._buffer.raw[: max(0, got - 1)].decode("latin-1") if got else ""
            self._names[font] = name
        size = 0.0
        if _text_object_font_size(obj, self._size_address):
            size = self._size.value
            m = self._matrix
            if _object_matrix(obj, self._matrix_address):
                size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
        return name, round(size, 2)


def page_words(page: pypdfium2.PdfPage) -> tuple[list[dict], float]:
    """The page's words (see `pdf_layout`) and its width in points."""
    left, _bottom, right, top = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        words = _words(textpage.raw, left, top)
    finally:
        textpage.close()
    return words, float(right - left)


def _page_text(textpage: pdfium_c.FPDF_TEXTPAGE, count: int) -> str:
    """All characters in one call; per character only if the text does not line up."""
    buffer = (ctypes.c_ushort * (count + 1))()
    got = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    raw = ctypes.string_at(buffer, max(0, got - 1) * 2)
    text = raw.decode("utf-16-le", errors="surrogatepass")
    if len(text) != count:  # characters outside the BMP came back as surrogate pairs
        unicode = pdfium_c.FPDFText_GetUnicode
        text = "".join(chr(unicode(textpage, i)) for i in range(count))
    for old, new in _REPLACE:
        if old in text:
            text = text.replace(old, new)
    return text


_Char = tuple[int, float, float, float, float]  # index, x0, x1, top, bottom


def _words(textpage: pdfium_c.FPDF_TEXTPAGE, left: float, top: float) -> list[dict]:
    count = pdfium_c.FPDFText_CountChars(textpage)
    out: list[dict] = []
    if count <= 0:
        return out
    text = _page_text(textpage, count)
    box = (ctypes.c_float * 4)()  # left, top, right, bottom, as FS_RECTF
    box_address = ctypes.addressof(box)
    read_box = memoryview(box).cast("B").cast("f").tolist
    page_address = ctypes.cast(textpage, ctypes.c_void_p).value or 0
    get_box = _loose_char_box
    generated = _is_generated
    fonts = _Fonts(page_address)
    # Runs: visible characters between encoded spaces and line ends, as index lists with
    # their boxes; ``soft`` marks the positions in a run where PDFium generated a space.
    run: list[_Char] = []
    soft: set[int] = set()
    breaks = _BREAKS
    px0 = py0 = py1 = 0.0
    for i, ch in enumerate(text):
        if ch in breaks:
            # A space or line break PDFium generated: a word or line break only if the
            # geometry says so (some browsers' PDFs start a text object every few letters,
            # and PDFium reads each start as a new line).
            if ch in _SOFT_BREAKS and run and generated(page_address, i) == 1:
                soft.add(len(run))
                continue
            if run:
                _split_run(out, text, run, soft, fonts)
                run, soft = [], set()
            continue
        get_box(page_address, i, box_address)
        box_left, box_top, box_right, box_bottom = read_box()
        x0 = box_left - left
        y0, y1 = top - box_top, top - box_bottom
        if run:
            mid = (y0 + y1) / 2
            # Another line (the middle outside the previous box), or back to the left.
            if mid < py0 or mid > py1 or x0 < px0 - 0.25 * (py1 - py0 if py1 - py0 > 1 else 1):
                _split_run(out, text, run, soft, fonts)
                run, soft = [], set()
        run.append((i, x0, box_right - left, y0, y1))
        px0, py0, py1 = x0, y0, y1
    if run:
        _split_run(out, text, run, soft, fonts)
    return out


def _split_run(
    out: list[dict],
    text: str,
    run: list[_Char],
    soft: set[int],
    fonts: _Fonts,
) -> None:
    """Words of one run, added to ``out``: breaks where a gap is clearly wider than the
    run's letter spacing.

    Tracking is either a fixed amount (TeX's ``LetterSpace``, CSS ``letter-spacing``) or a
    share of each letter's width (Qt's percentage spacing, where an "M" is followed by a
    wider gap than an "I"), so a word gap must stand out under both readings: by its width
    over the run's typical gap, and by its share of the preceding letter's width over the
    typical share.
    """
    first = fonts.of(run[0][0])
    if len(run) == 1:
        out.append(_make(text, run, first))
        return
    loose = run[0][4] - run[0][3]
    em = first[1] or max(loose, 1.0)
    if loose > 0 and not 0.6 * loose <= em <= 1.5 * loose:
        em = loose / LOOSE_BOX_EM  # see _make
    gaps = [b[1] - a[2] for a, b in itertools.pairwise(run)]
    wide_gap, generated_gap = WORD_GAP_EM * em, GENERATED_GAP_EM * em
    if max(gaps) <= (generated_gap if soft else wide_gap):
        _word(out, text, run, fonts, first)  # no gap could pass below: one word (common)
        return
    shares: list[float] | None = None
    start = 0
    for k, gap in enumerate(gaps, start=1):
        # The excess below is at most the gap itself (the spacing is never negative), so a
        # gap that could not pass as an excess is passed over before its spacing is worked
        # out: most gaps are inside words.
        if gap <= generated_gap or (gap <= wide_gap and k not in soft):
            continue
        # The letter spacing around this gap: a run may hold plain text and tracked
        # capitals side by side ("Centre — S T A F F"), so each part is judged by its own.
        spacing = _local(gaps, k - 1)
        excess = gap - spacing
        if excess <= generated_gap or (excess <= wide_gap and k not in soft):
            continue
        if shares is None:  # the share model, needed only where a gap looks wide
            shares = _shares(run, gaps, em)
        if shares[k - 1] - _local(shares, k - 1) > WORD_GAP_SHARE:
            _word(out, text, run[start:k], fonts, None if start else first)
            start = k
    _word(out, text, run[start:] if start else run, fonts, None if start else first)


def _shares(run: list[_Char], gaps: list[float], em: float) -> list[float]:
    """Each gap as a share of the width of the letter before it (at least a tenth of an
    em); inline, not a call per gap, since a long run has hundreds."""
    least = 0.1 * em
    return [
        gap / (least if least > (width := before[2] - before[1]) else width)
        for before, gap in zip(run, gaps, strict=False)  # the last letter has no gap after
    ]


def _local(values: list[float], index: int, reach: int = 6) -> float:
    """The typical value on either side of ``index``, the larger side's: at the edge of
    tracked capitals beside plain text, the letter belongs with the tracked side. A side's
    typical value is its 30th percentile: most gaps in a run are inside words, so this is a
    letter gap. (One loop, no helper calls: asked for every wide gap of a tracked run.)"""
    typical = 0.0
    for side in (values[max(0, index - reach) : index], values[index + 1 : index + 1 + reach]):
        if len(side) >= 2:
            side.sort()  # a slice: a copy of its own
            low = side[(len(side) - 1) * 3 // 10]
            if low > typical:
                typical = low
    return typical


def _word(
    out: list[dict],
    text: str,
    chars: list[_Char],
    fonts: _Fonts,
    first: tuple[str, float] | None = None,
) -> None:
    """One word, or several where the font changes inside it (as pdfplumber splits them);
    ``first`` is the first character's font when the caller has it already."""
    if first is None:
        first = fonts.of(chars[0][0])
    if len(chars) == 1:
        out.append(_make(text, chars, first))
        return
    last = fonts.of(chars[-1][0])
    if first == last:
        out.append(_make(text, chars, first))
        return
    start, current = 0, first
    for k in range(1, len(chars)):
        font = fonts.of(chars[k][0])
        if font != current:
            out.append(_make(text, chars[start:k], current))
            start, current = k, font
    out.append(_make(text, chars[start:], current))


def _make(text: str, chars: list[_Char], font: tuple[str, float]) -> dict:
    """A word as pdfplumber gives it: one em high from the font's descent, which is where
    the loose box ends below (its top is the font's ascent, in some fonts two lines up)."""
    first, x0, x1, top, bottom = chars[0]
    if len(chars) == 1:
        word = text[first]
    else:
        # The extent in one loop of comparisons (as min() and max() compare): three times
        # faster than unzipping the boxes for four calls, and asked for every word.
        for _index, left, right, char_top, char_bottom in chars:
            if left < x0:
                x0 = left
            if right > x1:
                x1 = right
            if char_top < top:
                top = char_top
            if char_bottom > bottom:
                bottom = char_bottom
        last = chars[-1][0]
        if last - first + 1 == len(chars):  # no generated space left out between
            word = text[first : last + 1]
        else:
            word = "".join([text[c[0]] for c in chars])
    size = font[1]
    loose = bottom - top  # ascent to descent: about 1.1 em in most fonts
    if loose > 0 and not 0.6 * loose <= size <= 1.5 * loose:
        # A size from a text object whose matrix does not scale it as drawn (some
        # browsers' PDFs): the drawn height is the better witness.
        size = round(loose / LOOSE_BOX_EM, 2)
    return {
        "text": word,
        "x0": x0,
        "x1": x1,
        "top": bottom - size if size else top,
        "bottom": bottom,
        "size": size,
        "fontname": font[0],
    }


def page_links(document: pypdfium2.PdfDocument, page: pypdfium2.PdfPage) -> list[str]:
    """URI targets of the page's link annotations, in order."""
    links: list[str] = []
    position = ctypes.c_int(0)
    link = pdfium_c.FPDF_LINK()
    buffer = ctypes.create_string_buffer(2048)
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        action = pdfium_c.FPDFLink_GetAction(link)
        if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
            continue
        got = pdfium_c.FPDFAction_GetURIPath(document.raw, action, buffer, len(buffer))
        if got > 1:
            uri = buffer.raw[: got - 1].decode("utf-8", errors="replace")
            if uri and uri not in links:
                links.append(uri)
    return links


def page_images(page: pypdfium2.PdfPage) -> int:
    """How many image objects the page draws (a page of pictures may be a scan)."""
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    kind = pdfium_c.FPDFPageObj_GetType
    image = pdfium_c.FPDF_PAGEOBJ_IMAGE
    return sum(1 for i in range(count) if kind(pdfium_c.FPDFPage_GetObject(page.raw, i)) == image)
