"""Counting words."""

from __future__ import annotations

import pytest

from app.wording import plural


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (0, "candidate", "0 candidates"),
        (1, "candidate", "1 candidate"),
        (2, "candidate", "2 candidates"),
        (1204, "candidate", "1,204 candidates"),
        (3, "duplicate", "3 duplicates"),
        (2, "reply", "2 replies"),
        (2, "day", "2 days"),
        (2, "person", "2 people"),
        (2, "match", "2 matches"),
        (1, "file", "1 file"),
    ],
)
def test_plural(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected


def test_an_explicit_plural_wins() -> None:
    assert plural(2, "criterion", "criteria") == "2 criteria"


def test_no_message_counts_with_s_in_brackets() -> None:
    """Every count goes through `plural`: no "candidate(s)" left in the program's texts."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "app"
    # Not messages: the labels of printed CV forms, which the parser reads as the forms
    # print them ("Surname(s) / First name(s)").
    form_labels = root / "parsing" / "form_labels.py"
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and path.name != "wording.py" and path != form_labels
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line) and ('"' in line or "'" in line)
    ]
    assert found == []
