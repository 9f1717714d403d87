"""Which characters are unsafe in text shown on one line, stored, or put in an email header.

Candidates' values come from resumes, pasted profiles and forms, so they may carry characters
that do harm where the text ends up: NUL and other C0/C1 controls, ESC (terminal escape
sequences), CR/LF (forged output lines or headers), bidi embeddings, overrides and isolates
(text that reads differently from what it is), lone surrogates (which cannot be encoded, so a
later ``encode("utf-8")`` fails) and Unicode non-characters. This module only knows the
characters; `app.services.core.text_rules` applies them to stored fields, `app.mail` to headers,
and `printable` escapes them for the terminal.

No imports from the rest of the application: the command line, the mail code and the
services all use it.
"""

from __future__ import annotations

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). The marks
# (LRM, RLM, ALM) change no order on their own and stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What ends a line somewhere: str.splitlines() breaks at each of these.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(char: str) -> bool:
    """True for one character that should not be stored or shown as it is: C0 controls (tab
    and line breaks included), DEL, C1 controls, bidi controls, line and paragraph separators,
    surrogates and non-characters."""
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or char in BIDI_CONTROLS
        or char in "\u2028\u2029"
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def _has_unsafe(text: str) -> bool:
    """A quick pre-check (one pass in C): every unsafe character is also one that
    `str.isprintable` refuses (categories Cc, Cf, Zl, Zp, Cs, Cn), so printable text is safe."""
    return not text.isprintable()


def one_line(text: str) -> str:
    """``text`` as one line: line breaks and tabs become spaces, other unsafe characters are
    dropped, runs of whitespace become one space, and the ends are trimmed."""
    if _has_unsafe(text):
        text = "".join(
            " " if ch in LINE_BREAKS or ch == "\t" else ch
            for ch in text
            if ch in LINE_BREAKS or ch == "\t" or not is_unsafe(ch)
        )
    return " ".join(text.split())


def multi_line(text: str) -> str:
    """``text`` with its line breaks as ``\\n`` and its tabs kept; every other unsafe character
    is dropped. Nothing is trimmed."""
    text = text.replace("\r\n", "\n")
    if not _has_unsafe(text.replace("\n", "").replace("\t", "")):
        return text
    return "".join(
        "\n" if ch in LINE_BREAKS else ch
        for ch in text
        if ch == "\t" or ch in LINE_BREAKS or not is_unsafe(ch)
    )


def printable(text: str) -> str:
    """``text`` for one line of terminal output: every unsafe character written as an escape
    (``\\x1b``, ``\\r``, ``\\n``, ``\\u202e``…), so that a value (a file name, a candidate's
    name) cannot move the cursor, recolour the terminal or forge a line of output.

    File names undecodable as UTF-8 reach Python as surrogates U+DC80-U+DCFF (the
    ``surrogateescape`` error handler); each is written as the byte it stands for (``\\xff``).
    Backslashes are left as they are, so ordinary text reads unchanged.
    """
    if not _has_unsafe(text):
        return text
    out: list[str] = []
    for char in text:
        if not is_unsafe(char):
            out.append(char)
            continue
        code = ord(char)
        if char in _NAMED:
            out.append(_NAMED[char])
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)
