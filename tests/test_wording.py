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
