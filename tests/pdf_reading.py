"""Reading a generated PDF back with pdfplumber: its text as a reader would search it, its
metadata, and the colours it paints with."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import pdfplumber


def _rgb(color: object) -> tuple[int, int, int] | None:
    """A pdfplumber colour as 0-255 RGB (None for anything else: grey, CMYK, a pattern)."""
    if isinstance(color, list | tuple) and len(color) == 3:
        return tuple(round(float(c) * 255) for c in color)  # type: ignore[return-value]
    return None


def hex_rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


@dataclass(frozen=True)
class PdfContent:
    text: str  # every page's text, ligatures unfolded ("ﬁ" → "fi")
    metadata: dict[str, object]
    pages: int
    rect_fills: tuple[tuple[tuple[int, int, int], float, float], ...]  # colour, width, height
    char_fills: dict[tuple[int, int, int], str]  # colour → the characters painted in it
    images: int

    @property
    def flat(self) -> str:
        """The text with all white space removed, lower-cased: a detail split over a line or
        spaced differently is still found."""
        return re.sub(r"\s+", "", self.text).casefold()

    def contains(self, value: str) -> bool:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold() in self.flat


def read_pdf(data: bytes) -> PdfContent:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts, rects, images = [], [], 0
        chars: dict[tuple[int, int, int], list[str]] = {}
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            for rect in page.rects:
                rgb = _rgb(rect.get("non_stroking_color"))
                if rgb is not None and rect.get("fill"):
                    rects.append((rgb, float(rect["width"]), float(rect["height"])))
            for char in page.chars:
                rgb = _rgb(char.get("non_stroking_color"))
                if rgb is not None:
                    chars.setdefault(rgb, []).append(char["text"])
            images += len(page.images)
        return PdfContent(
            text=unicodedata.normalize("NFKC", "\n".join(texts)),
            metadata=dict(pdf.metadata),
            pages=len(pdf.pages),
            rect_fills=tuple(rects),
            char_fills={rgb: "".join(text) for rgb, text in chars.items()},
            images=images,
        )


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 2) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))
