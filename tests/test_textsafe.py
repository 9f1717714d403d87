"""Unsafe characters: escaped for the terminal, dropped from stored and header values."""

from __future__ import annotations

import pytest

from app.textsafe import is_unsafe, multi_line, one_line, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("resume.pdf", "resume.pdf"),
        ("Zoë Ünal — CV.pdf", "Zoë Ünal — CV.pdf"),
        ("a\x1b[2J\x1b[31mred.pdf", "a\\x1b[2J\\x1b[31mred.pdf"),
        ("ok.pdf\r\nIMPORTED  fake.pdf", "ok.pdf\\r\\nIMPORTED  fake.pdf"),
        ("tab\there", "tab\\there"),
        ("nul\x00bell\x07del\x7f", "nul\\x00bell\\x07del\\x7f"),
        ("next\x85line\x9b31m", "next\\x85line\\x9b31m"),
        ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
        ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
        ("line\u2028sep\u2029para", "line\\u2028sep\\u2029para"),
        ("bad\udcffbyte", "bad\\xffbyte"),  # a byte os.fsdecode could not decode
        ("lone\ud800high", "lone\\ud800high"),
        ("non\ufffechar\U0010ffff", "non\\ufffechar\\U0010ffff"),
        ("C:\\path\\x1b", "C:\\path\\x1b"),  # backslashes themselves are left alone
    ],
)
def test_printable_escapes_what_could_move_the_cursor_or_forge_a_line(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_output_is_one_line_of_printable_text() -> None:
    hostile = "".join(chr(code) for code in range(0x00, 0xA0)) + "\u202a\u202e\u2066\u2069"
    shown = printable(hostile)
    assert shown.isprintable()
    assert len(shown.splitlines()) == 1
    assert "\x1b" not in shown and "\r" not in shown and "\n" not in shown


@pytest.mark.parametrize(
    "char",
    [
        *("\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9f"),  # C0, DEL, C1
        *("\u202e", "\u2068", "\u2028"),  # bidi override and isolate, line separator
        *("\ud800", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0001fffe"),  # not characters
    ],
)
def test_unsafe_characters(char: str) -> None:
    assert is_unsafe(char)


@pytest.mark.parametrize(
    "char",
    [" ", "a", "é", "—", "中", "\u00a0", "\u200d", "\u200f", "\u05d0", "😀"],
)
def test_ordinary_characters_are_safe(char: str) -> None:
    assert not is_unsafe(char)


def test_one_line_drops_controls_and_turns_breaks_into_spaces() -> None:
    assert one_line("  Ada\x00 \x1b[31mLove\u202elace\r\nthe\tsecond\u2028 ") == (
        "Ada [31mLovelace the second"
    )
    assert one_line("Zoë 😀 Ünal") == "Zoë 😀 Ünal"
    assert one_line("\x00\x1b\u202e") == ""


def test_multi_line_keeps_lines_and_tabs_only() -> None:
    assert multi_line("one\r\ntwo\rthree\u2028four\n\tindented\x00\x1b\u202e") == (
        "one\ntwo\nthree\nfour\n\tindented"
    )
    assert multi_line("  plain\n\ntext  ") == "  plain\n\ntext  "  # nothing trimmed
