"""File dialogs open in the folder last used for the same purpose, else the home folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QWidget

from app.ui.file_dialogs import remember_folder, start_folder


def test_home_first_then_the_last_folder_used(qtbot, tmp_path: Path) -> None:
    window = QWidget()
    field = QLineEdit(window)  # any widget of the window shares its memory
    qtbot.addWidget(window)
    assert start_folder(field, "import") == str(Path.home())
    resumes = tmp_path / "resumes"
    resumes.mkdir()
    remember_folder(field, "import", resumes / "cv.pdf")
    assert start_folder(window, "import") == str(resumes)
    assert start_folder(window, "logo") == str(Path.home())  # each purpose its own
    remember_folder(window, "import", resumes)  # a folder chosen as such
    assert start_folder(field, "import") == str(resumes)
    shutil.rmtree(resumes)
    assert start_folder(field, "import") == str(Path.home())  # gone: back to home
