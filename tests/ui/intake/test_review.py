"""The review screen: the original beside editable fields, low confidence flagged, keyboard
flow through the batch, edits saved on accept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.services.intake.review import ReviewItem
from app.ui.intake.review import ReviewDialog


def _pdf(path: Path, text: str) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
        )
    )
    document = QTextDocument()
    document.setPlainText(text)
    document.print_(writer)
    return path


def _items(tmp_path: Path) -> dict[int, ReviewItem]:
    pdf = _pdf(tmp_path / "ada.pdf", "Ada Lovelace\nada@example.com\nAnalyst")
    base = {
        "name": "",
        "email": "",
        "phone": "",
        "location": "",
        "current_title": "",
        "current_employer": "",
        "links": "",
        "skills": "",
    }
    return {
        1: ReviewItem(
            1,
            10,
            "ada.pdf",
            pdf,
            "application/pdf",
            "Ada Lovelace",
            values=base | {"name": "Ada Lovelace", "email": "ada@example.com"},
            parsed=base | {"name": "Ada Lovelace", "current_title": "Analyst"},
            confidence={"name": 0.95, "current_title": 0.4},
        ),
        2: ReviewItem(
            2,
            11,
            "bob.docx",
            tmp_path / "bob.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Bob Stone\nWelder",
            values=base | {"name": "Bob Stone"},
            parsed=base | {"name": "Bob Stone"},
            confidence={"name": 0.9},
        ),
    }


def test_pdf_beside_fields_and_low_confidence_flagged(qtbot, tmp_path: Path) -> None:
    items = _items(tmp_path)
    saved: list[tuple[int, dict[str, str]]] = []
    dialog = ReviewDialog([1, 2], items.__getitem__, lambda c, f, d: saved.append((c, f)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.fields["name"].setFocus()
    assert dialog.viewer.currentWidget() is dialog.page_view
    qtbot.waitUntil(lambda: len(dialog.page_view.pages.images) == 1, timeout=10_000)
    assert dialog.fields["name"].text() == "Ada Lovelace"
    assert dialog.fields["current_title"].property("invalid") is True  # 40 % confidence
    assert dialog.fields["name"].property("invalid") is False
    assert "Analyst" in dialog.hints["current_title"].text()
    # Keyboard: next shows the DOCX as text, previous goes back.
    qtbot.keyClick(dialog.fields["location"], Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert dialog.position == 1 and dialog.viewer.currentWidget() is dialog.text_view
    assert "Welder" in dialog.text_view.toPlainText()
    qtbot.keyClick(dialog.fields["location"], Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert dialog.position == 0
    # Edit and accept: only changed fields are saved, and the batch moves on.
    dialog.fields["current_title"].setText("Senior Analyst")
    qtbot.keyClick(
        dialog.fields["current_title"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert saved == [(10, {"current_title": "Senior Analyst"})]
    assert dialog.position == 1 and 1 in dialog.accepted_ids
    dialog.accept_current()  # nothing edited: nothing saved, dialog closes at the end
    assert len(saved) == 1 and dialog.result() == ReviewDialog.DialogCode.Accepted


def test_an_invalid_edit_is_shown_and_nothing_moves_on(qtbot, tmp_path: Path) -> None:
    from app.services.core.unit_of_work import ValidationError

    items = _items(tmp_path)

    def refuse(candidate_id: int, edits: dict[str, str], document_id: int) -> None:
        raise ValidationError({"email": "Not a valid email address (name@example.com)."})

    dialog = ReviewDialog([1, 2], items.__getitem__, refuse)
    qtbot.addWidget(dialog)
    dialog.fields["email"].setText("ada@")
    dialog.accept_current()
    assert dialog.position == 0 and 1 not in dialog.accepted_ids
    assert dialog.fields["email"].property("invalid") is True
    assert "valid email" in dialog.hints["email"].text()


def test_attached_and_waiting_files_say_so(qtbot, tmp_path: Path) -> None:
    """The line above the fields: why a file joined a candidate (with the way out), or that it
    waits for a name; a refused split says why and leaves the screen where it was."""
    from dataclasses import replace

    from app.services.candidates.merge_undo import UndoRefusedError
    from app.ui.intake.review import NEEDS_REVIEW_TEXT, SPLIT_LABEL

    items = _items(tmp_path)
    items[1] = replace(items[1], attached="Added to Ada Lovelace (#10) because of the same email.")
    items[2] = replace(items[2], candidate_id=None, values={}, needs_review=True)
    created: list[tuple[int, dict[str, str]]] = []

    def refuse(document_id: int) -> None:
        raise UndoRefusedError("Cannot undo adding ada.pdf to Ada Lovelace: changed since.")

    dialog = ReviewDialog(
        [1, 2],
        items.__getitem__,
        lambda c, f, d: None,
        split=refuse,
        create=lambda d, f: created.append((d, f)),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.status.text() == "Added to Ada Lovelace (#10) because of the same email."
    assert dialog.split_button.isVisible() and dialog.split_button.text() == SPLIT_LABEL
    qtbot.mouseClick(dialog.split_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cannot undo adding ada.pdf to Ada Lovelace: changed since."
    assert dialog.position == 0 and dialog.split_button.isVisible()
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert dialog.status.text() == NEEDS_REVIEW_TEXT
    assert not dialog.split_button.isVisible()
    assert dialog.accept_button.text() == "Create candidate"
    assert dialog.fields["name"].text() == "Bob Stone"  # what the parser read, to check
    qtbot.keyClick(dialog.fields["name"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert created == [(2, {name: dialog.fields[name].text() for name in dialog.fields})]
    assert created[0][1]["name"] == "Bob Stone"


def test_a_resume_read_by_ocr_shows_a_line_asking_to_check_it(qtbot, tmp_path: Path) -> None:
    items = _items(tmp_path)
    items[2] = replace(items[2], ocr_confidence=0.83)
    dialog = ReviewDialog([1, 2], items.__getitem__, lambda c, f, d: None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ocr_note.isHidden()  # a typed PDF: no OCR line
    dialog.next()
    assert dialog.ocr_note.isVisible()
    assert dialog.ocr_note.text() == "Read by OCR (confidence 83%) — check the values"
    dialog.previous()
    assert dialog.ocr_note.isHidden()
