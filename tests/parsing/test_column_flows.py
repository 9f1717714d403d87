"""Which gaps between text on a page are gutters between two columns read one after the
other: a block centred above left-aligned text is not a column beside it."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines

HEADER = [
    "Sneha Nair",
    "Senior Account Manager",
    "Singapore, SG",
    "sneha@example.org",
    "(+65) 9964-4154",
    "snehanair",
]
BODY = [
    "ABOUT",
    "Sales professional with 13 years of experience.",
    "WORK EXPERIENCE",
    "Account Manager, Brightpath Media",
    "2022-Jul - Present",
    "Exceeded annual quota by 132%",
    "Opened 40 new enterprise accounts",
    "Account Executive, Pinnacle Telecom",
    "2017-Jan - 2019-Jan",
    "Grew regional revenue from 1.2M",
    "SKILLS",
    "Sales",
]


def _words(text: str, x0: float, top: float, size: float = 8.0) -> list[dict]:
    out = []
    for token in text.split():
        width = len(token) * size * 0.5
        out.append(
            {
                "text": token,
                "x0": x0,
                "x1": x0 + width,
                "top": top,
                "bottom": top + size,
                "size": size,
                "fontname": "Times",
            }
        )
        x0 += width + size * 0.3
    return out


def _page() -> list[dict]:
    words: list[dict] = []
    top = 60.0
    for text in HEADER:  # centred on the page, right of where the body's lines end
        words += _words(text, 270, top)
        top += 14
    for text in BODY:  # left-aligned under it, every line ending short of x = 250
        words += _words(text, 50, top)
        top += 14
    assert max(w["x1"] for w in words if w["x0"] < 250) < 250
    return words


def test_centred_header_above_left_aligned_text_is_read_first() -> None:
    assert [line.text for line in page_lines(_page(), 612)] == HEADER + BODY
