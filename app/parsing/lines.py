"""The extractor's output: lines of text with the typography the field finders use.

Shared by every format's reader (`extract`, `pdf`), so that none of them imports another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Icon fonts (Font Awesome and friends) draw glyphs from the private use area: the glyph
# itself is meaningless text, but it separates the items of a contact line.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000fffff]")


@dataclass
class Line:
    """One line of text with the typography that helps to tell headings and names apart."""

    text: str
    size: float = 0.0  # font size in points (0 when the format has none)
    bold: bool = False
    heading: bool = False  # a Word heading/title style, or a text box (often a heading)
    new_block: bool = False  # a paragraph, column or page starts here


@dataclass
class Extracted:
    """What the extractor hands to the field finders."""

    lines: list[Line]
    links: list[str] = field(default_factory=list)  # link targets (annotations, relationships)
    media_type: str = ""
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr_confidence: float | None = None  # set when the text was read by OCR

    @property
    def text(self) -> str:
        out: list[str] = []
        for line in self.lines:
            if line.new_block and out:
                out.append("")
            out.append(line.text)
        return "\n".join(out).strip()


def clean(text: str) -> str:
    """Icons become separators, odd spaces become spaces, soft hyphens go."""
    if not text.isascii():
        text = _PRIVATE_USE.sub(" | ", text)
        text = text.replace("\u00ad", "-").replace("\u200b", "").replace("\ufeff", "")
        text = _ODD_SPACE.sub(" ", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if "\t" in text:
        text = _TAB.sub("\t", text)
    if "|" in text:
        text = _EDGE_BARS.sub("", text)
        text = _REPEATED_BARS.sub(" | ", text)
    return text.strip()


# What `clean` replaces; the steps that need two spaces, a tab, a bar or a letter beyond ASCII are
# skipped on the many lines without one (a resume has hundreds of lines).
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(r"[ ]{2,}")
_TAB = re.compile(r" *\t[\t ]*")
_EDGE_BARS = re.compile(r"^(?:\s*\|\s*)+|(?:\s*\|\s*)+$")
_REPEATED_BARS = re.compile(r"(?:\s*\|\s*){2,}")
