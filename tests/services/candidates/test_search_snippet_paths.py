"""The snippets' quick paths on resume text: ASCII words between non-ASCII separators ("·",
"–", "•") take the one-search match test and the one-pass split, and they find what
splitting word by word finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.candidates.search import (
    _ascii_words,
    _fold,
    _folded_words,
    _occurs,
    _spans,
    _Term,
)

WORDS = st.sampled_from(["ab", "abc", "a", "b", "x_y", "AB", "bc", "c9", "9", "café", "ÅB", "ß"])
SEPARATORS = st.sampled_from([" ", " · ", "–", "•", "\u00a0", ", ", "\n", "—", "_"])


@given(
    words=st.lists(WORDS, max_size=12),
    separators=st.lists(SEPARATORS, min_size=12),
    term=st.lists(
        st.sampled_from(["ab", "a", "b", "bc", "c9", "cafe", "ss"]), min_size=1, max_size=3
    ),
    prefix=st.booleans(),
)
@settings(max_examples=400, deadline=None)
def test_either_path_agrees_with_the_token_spans(words, separators, term, prefix) -> None:
    value = "".join(word + sep for word, sep in zip(words, separators, strict=False))
    folded_term = _Term(tuple(_fold(t) for t in term), prefix, None)
    plain = _ascii_words(value)
    folded = value.lower() if plain else _fold(value)
    words = _folded_words(value)
    assert _folded_words(value, plain) == words
    assert _occurs(value, folded, folded_term, plain) == bool(_spans(words, folded_term))


def test_only_letters_and_digits_beyond_ascii_make_the_slow_path() -> None:
    assert _ascii_words("Staff Engineer · Remote – 2019–2024 • Go")
    assert not _ascii_words("Zoë Ångström")
    assert not _ascii_words("Level ² certificate")  # a digit beyond ASCII
    assert not _ascii_words("• 東京 •")
    assert _ascii_words("")
