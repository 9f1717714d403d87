"""Words as PDF extraction gives them (`pdf_text.page_words`), placed by hand for the layout
tests: each token 0.5 em a letter wide, a 0.3 em space between tokens."""

from __future__ import annotations


def placed_word(text: str, x0: float, top: float, size: float, fontname: str = "Helvetica") -> dict:
    """One word with its left edge at ``x0`` and its top at ``top``."""
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + len(text) * size * 0.5,
        "top": top,
        "bottom": top + size,
        "size": size,
        "fontname": fontname,
    }


def placed_words(
    text: str, x0: float, top: float, size: float, fontname: str = "Helvetica"
) -> list[dict]:
    """The words of ``text`` on one row from ``x0``, their tops at ``top``."""
    out = []
    for token in text.split():
        word = placed_word(token, x0, top, size, fontname)
        out.append(word)
        x0 = word["x1"] + size * 0.3
    return out
