"""Counting words in messages: "1 candidate", "2 candidates", never "candidate(s)"."""

from __future__ import annotations

IRREGULAR = {"person": "people", "is": "are", "was": "were", "has": "have", "reply": "replies"}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the word in the right number, thousands separated: "1,204 candidates"."""
    if count == 1:
        return f"1 {singular}"
    word = plural_form or IRREGULAR.get(singular) or _regular_plural(singular)
    return f"{count:,} {word}"


def _regular_plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
