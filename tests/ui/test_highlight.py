"""Matched words are drawn bold; the [word] markers of the search service never show."""

from __future__ import annotations

from app.ui.highlight import as_html, split_marks


def test_markers_become_spans_over_the_plain_text() -> None:
    text, spans = split_marks("…worked on [Python] and [Spark]\n pipelines [in] 2021")
    assert text == "…worked on Python and Spark pipelines in 2021"
    assert [text[start : start + length] for start, length in spans] == ["Python", "Spark", "in"]


def test_brackets_that_are_not_markers_stay_and_html_is_escaped() -> None:
    text, spans = split_marks("[a b] <script> [C++]")
    assert text == "[a b] <script> C++"
    assert as_html(text, spans) == "[a b] &lt;script&gt; <b>C++</b>"


def test_no_snippet() -> None:
    assert split_marks(None) == ("", ())


def test_search_results_show_words_in_bold_and_scores_as_numbers(window, qtbot) -> None:
    import re

    from PySide6.QtCore import Qt

    from app.ui.highlight import HIGHLIGHT_ROLE
    from app.ui.sections.candidates import MATCH_COLUMN, SCORE_COLUMN

    window.show_section("candidates")
    section = window.section("candidates")
    section.search.setText("engineer")
    qtbot.waitUntil(lambda: section.model.searching and section.model.rowCount() > 0, timeout=3000)
    model = section.model
    highlighted = 0
    for row in range(model.rowCount()):
        match = model.index(row, MATCH_COLUMN)
        text, spans = match.data(), match.data(HIGHLIGHT_ROLE)
        assert "[" not in text and "]" not in text, text
        for start, length in spans:
            assert text[start : start + length].lower().startswith("engineer")
        highlighted += bool(spans)
        score = model.index(row, SCORE_COLUMN).data()
        assert re.fullmatch(r"(\d+\.\d\d)?", score), score
        if not score:
            assert model.index(row, SCORE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert highlighted
    section.table.viewport().grab()  # the delegate paints them without error
