"""A person's data rights from their profile: Export personal data… (a zip with everything
held about them) and Erase personal data… (confirmed, then run off the GUI thread: the
erasure ends by compacting the database file, which takes a while on a large one)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.services.candidates.privacy import ErasureResult, erase_person, export_person
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.ui.background import run_in_background
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.messages import confirm_destructive, reason
from app.wording import plural

ERASE_BUTTON = "confirm_erase_button"
Notify = Callable[[str], None]


def export_personal_data(
    parent: QWidget,
    services: ServiceContext,
    candidate_id: int,
    documents_dir: Path | None,
    notify: Notify,
) -> None:
    """Ask where, then write the zip in the background and say how it went."""
    suggested = Path(start_folder(parent, "export")) / f"candidate-{candidate_id}-data.zip"
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Export personal data", str(suggested), "Zip archive (*.zip)"
    )
    if not chosen:
        return
    remember_folder(parent, "export", chosen)
    target = Path(chosen)
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    export_to(parent, services, candidate_id, documents_dir, target, notify)


def export_to(
    parent: QWidget,
    services: ServiceContext,
    candidate_id: int,
    documents_dir: Path | None,
    target: Path,
    notify: Notify,
) -> None:
    folder = documents_dir or Path()
    notify("Exporting personal data…")
    run_in_background(
        parent,
        lambda: export_person(services, candidate_id, folder, target),
        lambda counts: notify(
            f"{plural(counts[0], 'record')} and {plural(counts[1], 'file')} written to {target}"
        ),
        lambda error: notify(f"Could not export: {reason(error)}"),
        name="export-person",
    )


def erasure_question(name: str) -> str:
    return (
        f"Erase {name}'s personal data everywhere? Their name, contact details, work history, "
        "notes, emails and resume files are removed, and the audit entries that hold them are "
        "redacted. Their applications stay, anonymised, for the reports. This cannot be undone."
    )


def confirm_erasure(parent: QWidget, name: str) -> bool:
    return confirm_destructive(
        parent, "Erase personal data", erasure_question(name), "Erase", ERASE_BUTTON
    )


def erased_message(result: ErasureResult) -> str:
    text = f"Erased candidate #{result.candidate_id}'s personal data."
    if result.backups_holding:
        text += (
            f" {plural(len(result.backups_holding), 'backup')} made before still hold it"
            " until deleted."
        )
    for note in result.notes:
        text += f" {note}"
    return text


def erase_in_background(
    parent: QWidget,
    services: ServiceContext,
    candidate_id: int,
    documents_dir: Path | None,
    backups_dir: Path | None,
    on_done: Callable[[Outcome[ErasureResult]], None],
    on_failed: Notify,
    notify: Notify,
) -> None:
    """Erase (already confirmed); ``on_done`` gets the outcome on the GUI thread, or
    ``on_failed`` a sentence saying why nothing was erased."""

    def failed(error: BaseException) -> None:
        if isinstance(error, NotFoundError | ValidationError):
            on_failed(f"Nothing was erased: {reason(error)}")
        else:
            on_failed(f"The erasure failed: {reason(error)}")

    notify("Erasing personal data…")
    run_in_background(
        parent,
        lambda: erase_person(services, candidate_id, documents_dir, backups_dir),
        on_done,
        failed,
        name="erase-person",
    )
