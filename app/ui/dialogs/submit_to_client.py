"""Submit to client: send candidates' profiles to one of the job's client contacts.

The contact is picked from the client's current contacts with an email address (the job's
hiring manager first); the profile may be blind (then employer names may go too, and the
original resume never goes); each candidate gets the recruiter's own pitch. The PDFs are drawn
and the email queued off the GUI thread; Preview… shows one candidate's PDF as it will go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.profile_document import profile_document
from app.services.candidates.submittal_records import SubmitChoices, submit_choices
from app.services.candidates.submittals import (
    SubmitResult,
    SubmittalRequest,
    submit_candidates,
)
from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui.background import BackgroundOps
from app.ui.dialogs.form import FormDialog
from app.ui.printing.profile_pdf import render_profile_pdf
from app.wording import plural

Publish = Callable[[Changes], None]


class SubmitDialog(FormDialog):
    """The form; `outcome` holds the result once the email is queued."""

    def __init__(
        self,
        services: ServiceContext,
        choices: SubmitChoices,
        documents_dir: Path | None,
        publish: Publish,
        parent: QWidget | None = None,
    ):
        super().__init__("Submit to client", parent)
        self.services = services
        self.choices = choices
        self.documents_dir = documents_dir
        self.publish = publish
        self.ops = BackgroundOps(self)
        self.pitches: dict[int, str] = {}
        self._pitch_for: int | None = None
        self.setMinimumWidth(560)
        names = list(choices.candidate_names.values())
        about = QLabel(
            f"{plural(len(names), 'candidate')} for {choices.job_title} at "
            f"{choices.client_name}: {', '.join(names)}"
        )
        about.setWordWrap(True)
        about.setObjectName("submitAbout")
        self.form.insertRow(0, about)
        self.contact = self.add_field("contact", "To", QComboBox(), required=True)
        for contact in choices.contacts:
            title = f", {contact.title}" if contact.title else ""
            self.contact.addItem(f"{contact.name}{title} <{contact.emails[0]}>", contact.id)
        if choices.suggested_contact_id is not None:
            self.contact.setCurrentIndex(self.contact.findData(choices.suggested_contact_id))
        self.blind = self.add_field("blind", "Profile", QCheckBox("Blind (initials only)"))
        self.blind.setToolTip("No name, email, phone, address or links in the profile.")
        self.hide_employers = self.add_field(
            "show_employers", "", QCheckBox("Leave out employer names")
        )
        self.with_resume = self.add_field(
            "with_resume", "", QCheckBox("Attach the original resume")
        )
        self.blind.toggled.connect(self._blind_changed)
        self._blind_changed(False)
        self.pitch_of = self.add_field("pitch_of", "Pitch for", QComboBox())
        for candidate_id, name in choices.candidate_names.items():
            self.pitch_of.addItem(name, candidate_id)
        self.pitch_of.setVisible(len(names) > 1)
        self.pitch = self.add_field("pitch", "Pitch", QPlainTextEdit())
        self.pitch.setPlaceholderText("Why this candidate fits the role (printed in the profile)")
        self.pitch.setMaximumHeight(110)
        self.pitch.setTabChangesFocus(True)
        self.pitch_of.currentIndexChanged.connect(self._switch_pitch)
        self._switch_pitch()
        self.note = self.add_field("note", "Message", QPlainTextEdit())
        self.note.setPlaceholderText("Your words to the contact (a standard line if empty)")
        self.note.setMaximumHeight(80)
        self.note.setTabChangesFocus(True)
        self.preview_button = QPushButton("Preview…")
        self.preview_button.setObjectName("previewProfile")
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.preview)
        self.buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        send = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        send.setText("Send")
        self.send_button = send
        if not choices.contacts:
            self.show_errors(
                {"contact": "No contact at this client has an email address: add one in Clients."}
            )
            send.setEnabled(False)
            self.preview_button.setEnabled(False)

    # ---- the form -----------------------------------------------------------------------------
    def _blind_changed(self, blind: bool) -> None:
        self.hide_employers.setEnabled(blind)
        if not blind:
            self.hide_employers.setChecked(False)
        self.with_resume.setEnabled(not blind)
        if blind:
            self.with_resume.setChecked(False)

    def _switch_pitch(self, *_args: object) -> None:
        if self._pitch_for is not None:
            self.pitches[self._pitch_for] = self.pitch.toPlainText()
        self._pitch_for = self.pitch_of.currentData()
        self.pitch.setPlainText(self.pitches.get(self._pitch_for or 0, ""))

    def collect(self) -> SubmittalRequest:
        self._switch_pitch()
        return SubmittalRequest(
            job_id=self.choices.job_id,
            contact_id=self.contact.currentData() or 0,
            candidate_ids=tuple(self.choices.candidate_names),
            blind=self.blind.isChecked(),
            show_employers=not self.hide_employers.isChecked(),
            with_resume=self.with_resume.isChecked(),
            pitches={cid: text for cid, text in self.pitches.items() if text.strip()},
            note=self.note.toPlainText(),
        )

    # ---- sending ------------------------------------------------------------------------------
    def accept(self) -> None:
        request = self.collect()
        self._attempted = True
        errors = request.validate()
        if errors:
            self.show_errors(errors, focus_first=True)
            return
        self._busy(True)
        services, documents_dir = self.services, self.documents_dir
        self.ops.write(
            "submit",
            lambda: submit_candidates(services, request, render_profile_pdf, documents_dir),
            self._sent,
            self._failed,
            self.publish,
        )

    def _busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.preview_button.setEnabled(not busy)
        self.send_button.setText("Sending…" if busy else "Send")

    def _sent(self, done: Outcome[SubmitResult]) -> None:
        self.outcome = done
        self._busy(False)
        QDialog.accept(self)

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, ValidationError):
            self.show_errors(error.errors, focus_first=True)
        else:
            self.show_errors({"general": str(error)})

    # ---- preview ------------------------------------------------------------------------------
    def preview(self) -> None:
        """Draw the chosen candidate's PDF off the GUI thread, then show it."""
        request = self.collect()
        candidate_id = self.pitch_of.currentData()
        options = request.options(candidate_id)
        self.preview_button.setEnabled(False)

        def work() -> bytes:
            return render_profile_pdf(profile_document(self.services, candidate_id, options))

        self.ops.query("preview", work, self._show_preview, self._failed)

    def _show_preview(self, data: bytes) -> None:
        self.preview_button.setEnabled(True)
        self.preview_dialog = PdfPreview(data, self)
        self.preview_dialog.open()


class PdfPreview(QDialog):
    """A PDF shown as it will print (QtPdf; no web engine)."""

    def __init__(self, data: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Profile preview")
        self.resize(720, 660)
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("profilePreview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def submit_to_client(
    parent: QWidget,
    services: ServiceContext,
    job_id: int,
    candidate_ids: tuple[int, ...],
    documents_dir: Path | None,
    publish: Publish,
    notice: Callable[[str], None],
    wake: Callable[[], None] | None = None,
) -> Outcome[Any] | None:
    """Open the dialog for these candidates; the outcome once the email is queued."""
    try:
        choices = submit_choices(services, job_id, candidate_ids)
    except NotFoundError as error:
        notice(str(error))
        return None
    dialog = SubmitDialog(services, choices, documents_dir, publish, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.outcome is None:
        return None
    result: SubmitResult = dialog.outcome.value
    sent = plural(len(result.submittal_ids), "profile")
    message = f"Submitted {sent} to {dialog.contact.currentText().split(' <')[0]}."
    if result.missing_resumes:
        message += " No resume on file for " + ", ".join(result.missing_resumes) + "."
    notice(message)
    if wake is not None:
        wake()
    return dialog.outcome
