"""The review screen shows where each value was found: PDF pages (rendered off the GUI thread)
with the focused, hovered or selected value outlined, text originals with the value marked;
the parser's reasons beside the fields; corrections kept only when the review is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QEnterEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from app.parsing import parse_file
from app.services.core.context import ServiceContext
from app.services.intake.importer import import_resume
from app.services.intake.review import review_item, save_review
from app.store.database import Database
from app.ui.intake.review import ReviewDialog
from app.ui.theme import apply_theme
from tests.parsing.make_corpus import render_pdf as write_pdf
from tests.parsing.test_locate import RESUME
from tests.support import count_rows


def _import(ctx: ServiceContext, tmp_path: Path, name: str, write) -> tuple[int, Path]:
    source = tmp_path / "in" / name
    source.parent.mkdir(exist_ok=True)
    write(source)
    documents = tmp_path / "documents"
    done = import_resume(ctx, documents, source, parse_file(source)).value
    return done.document_id, documents


def _dialog(qtbot, ctx: ServiceContext, document_id: int, documents: Path) -> ReviewDialog:
    dialog = ReviewDialog(
        [document_id],
        lambda d: review_item(ctx, d, documents),
        lambda c, edits, d: save_review(ctx, c, edits, document_id=d),
    )
    qtbot.addWidget(dialog)
    dialog.resize(1024, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.original.loading, timeout=10_000)
    return dialog


def _pdf_words(path: Path, dialog: ReviewDialog, rect) -> str:
    """What the PDF prints under an overlay rectangle, mapped back to page points."""
    canvas = dialog.page_view.pages
    pages = canvas.page_rects()
    number = next(n for n, page in enumerate(pages) if page.contains(rect.center()))
    page = pages[number]
    scale = page.width() / canvas.sizes[number][0]
    left, top = (rect.left() + 2 - page.left()) / scale, (rect.top() + 2 - page.top()) / scale
    right, bottom = (
        (rect.right() - 2 - page.left()) / scale,
        (rect.bottom() - 2 - page.top()) / scale,
    )
    document = pypdfium2.PdfDocument(str(path))
    try:
        pdf_page = document[number]
        height = pdf_page.get_height()
        text = pdf_page.get_textpage().get_text_bounded(left, height - bottom, right, height - top)
    finally:
        document.close()
    return " ".join(text.split())


@pytest.fixture(params=["light", "dark"])
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    apply_theme(qapp, request.param)
    yield request.param
    apply_theme(qapp, "light")


def test_the_focused_field_is_outlined_on_the_page(
    qtbot, theme: str, ctx: ServiceContext, tmp_path: Path
) -> None:
    document_id, documents = _import(ctx, tmp_path, "maria.pdf", lambda p: write_pdf(RESUME, p))
    dialog = _dialog(qtbot, ctx, document_id, documents)
    stored = dialog.item.path
    assert dialog.viewer.currentWidget() is dialog.page_view
    assert len(dialog.page_view.pages.images) == 2
    assert dialog.original.overlay_rects() == []  # nothing chosen yet

    dialog.fields["phone"].setFocus()
    qtbot.waitUntil(lambda: dialog.original.overlay_rects() != [], timeout=5000)
    (rect,) = dialog.original.overlay_rects()
    assert dialog.page_view.pages.page_rects()[0].contains(rect)
    assert _pdf_words(stored, dialog, rect) == "415) 555-0142"  # the number as printed

    # Drawn in the theme's accent, not only recorded: the outline's pixels carry it.
    image = dialog.page_view.pages.grab().toImage()
    accent = dialog.palette().color(QPalette.ColorRole.Highlight)
    edge = QColor(image.pixel(int(rect.left()) + 1, int(rect.center().y())))
    assert abs(edge.hue() - accent.hue()) <= 12 and edge.saturation() > 30  # paper: 0

    # The mouse over another field shows that one meanwhile; leaving returns to the focus.
    email = dialog.fields["email"]
    QApplication.sendEvent(email, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    (hovered,) = dialog.original.overlay_rects()
    assert _pdf_words(stored, dialog, hovered) == "maria.kowalski@example.org"
    QApplication.sendEvent(email, QEvent(QEvent.Type.Leave))
    assert dialog.original.overlay_rects() == [rect]

    # A work-history entry on the second page: the view scrolls down to it.
    row = next(
        n for n in range(dialog.entries.count())
        if "Blue Harbor" in dialog.entries.item(n).text()
    )  # fmt: skip
    dialog.entries.setCurrentRow(row)
    rects = dialog.original.overlay_rects()
    second = dialog.page_view.pages.page_rects()[1]
    assert rects and all(second.contains(r) for r in rects)
    assert dialog.page_view.verticalScrollBar().value() > 0
    words = {_pdf_words(stored, dialog, r) for r in rects}
    assert words == {"Data Analyst", "Blue Harbor Logistics"}  # its title and its employer

    dialog.fields["name"].setFocus()  # back up to the first page
    (name,) = dialog.original.overlay_rects()
    assert _pdf_words(stored, dialog, name) == "Maria Kowalski"
    shown = name.translated(0, -dialog.page_view.verticalScrollBar().value())
    assert QRectF(dialog.page_view.viewport().rect()).contains(shown)
    assert dialog.grab().save(str(tmp_path / f"review-pdf-{theme}.png"))  # drawable offscreen


def test_a_text_original_marks_the_value_and_reasons_stand_beside_the_field(
    qtbot, theme: str, ctx: ServiceContext, tmp_path: Path
) -> None:
    text = "Jane Doe\nSenior Analyst\nPhone: 512.555.0142\n\nSkills\nExcel, SQL\n"
    document_id, documents = _import(
        ctx, tmp_path, "jane.txt", lambda p: p.write_text(text, encoding="utf-8")
    )
    dialog = _dialog(qtbot, ctx, document_id, documents)
    assert dialog.viewer.currentWidget() is dialog.text_view
    dialog.fields["phone"].setFocus()
    shown = dialog.text_view.toPlainText()
    ((start, end),) = dialog.original.text_selections()
    assert shown[start:end] == "512.555.0142"
    dialog.fields["skills"].setFocus()
    assert sorted(shown[s:e] for s, e in dialog.original.text_selections()) == ["Excel", "SQL"]

    reasons = dialog.reasons["email"]
    assert reasons.isVisible() and reasons.text() == "Why: no e-mail address found"
    assert reasons.property("role") == "warning"  # low confidence: read it first
    phone = dialog.reasons["phone"]
    assert phone.text() == "Why: phone number without a country code — assumed United States"
    assert not dialog.reasons["name"].isVisible()
    assert dialog.grab().save(str(tmp_path / f"review-text-{theme}.png"))


def test_the_focused_field_stays_outlined_in_the_next_file(
    qtbot, ctx: ServiceContext, tmp_path: Path
) -> None:
    first, documents = _import(ctx, tmp_path, "maria.pdf", lambda p: write_pdf(RESUME, p))
    second, _documents = _import(
        ctx, tmp_path, "jane.txt", lambda p: p.write_text("Jane Doe\njane@example.com\n")
    )
    dialog = ReviewDialog(
        [first, second], lambda d: review_item(ctx, d, documents), lambda *args: None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.fields["email"].setFocus()
    qtbot.waitUntil(lambda: dialog.original.overlay_rects() != [], timeout=10_000)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.original.text_selections() != [], timeout=10_000)
    ((start, end),) = dialog.original.text_selections()
    assert dialog.text_view.toPlainText()[start:end] == "jane@example.com"


def test_ctrl_wheel_zooms_and_the_outline_stays_on_its_words(
    qtbot, ctx: ServiceContext, tmp_path: Path
) -> None:
    document_id, documents = _import(ctx, tmp_path, "maria.pdf", lambda p: write_pdf(RESUME, p))
    dialog = _dialog(qtbot, ctx, document_id, documents)
    dialog.fields["location"].setFocus()
    qtbot.waitUntil(lambda: dialog.original.overlay_rects() != [], timeout=5000)
    view = dialog.page_view
    fitted = view.pages.page_rects()[0].width()
    assert fitted <= view.viewport().width()  # fitted to the width: nothing to scroll across
    wheel = QWheelEvent(
        QPointF(50, 50), QPointF(50, 50), QPoint(0, 0), QPoint(0, 240),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx(1.5625)
    assert view.pages.page_rects()[0].width() > 1.5 * fitted
    assert view.horizontalScrollBar().maximum() > 0  # wider than the view: it scrolls across
    (rect,) = dialog.original.overlay_rects()
    assert _pdf_words(dialog.item.path, dialog, rect) == "Portland, OR"
    visible = rect.translated(
        -view.horizontalScrollBar().value(), -view.verticalScrollBar().value()
    )
    assert QRectF(view.viewport().rect()).contains(visible)


def test_corrections_are_kept_on_accept_and_not_on_cancel(
    qtbot, ctx: ServiceContext, database: Database, tmp_path: Path
) -> None:
    document_id, documents = _import(ctx, tmp_path, "maria.pdf", lambda p: write_pdf(RESUME, p))
    dialog = _dialog(qtbot, ctx, document_id, documents)
    dialog.fields["current_title"].setText("Lead Data Engineer")
    dialog.reject()  # closed without accepting
    assert count_rows(database, "review_examples") == 0

    dialog = _dialog(qtbot, ctx, document_id, documents)
    assert dialog.fields["current_title"].text() == "Senior Data Engineer"
    dialog.fields["current_title"].setText("Lead Data Engineer")
    dialog.accept_current()
    assert count_rows(database, "review_examples") == 1
