"""Which dropped files are taken as resumes: scans and photos (PNG, JPEG) are, for OCR."""

from __future__ import annotations

import zipfile
from pathlib import Path

from app.workers.archives import expand


def test_photos_and_scans_of_resumes_are_taken_other_pictures_are_not(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in ("scan.png", "photo.JPG", "phone.jpeg", "logo.gif", "cv.pdf"):
        (folder / name).write_bytes(b"x")
    with zipfile.ZipFile(tmp_path / "batch.zip", "w") as archive:
        archive.writestr("inside.png", b"x")
    entries = {
        Path(e.display).name: e for e in expand([folder, tmp_path / "batch.zip"], tmp_path / "s")
    }
    for name in ("scan.png", "photo.JPG", "phone.jpeg", "cv.pdf", "inside.png"):
        assert entries[name].path is not None and entries[name].error_kind is None, name
    assert entries["logo.gif"].path is None
    assert entries["logo.gif"].error_kind == "type"
    assert ".png" in entries["logo.gif"].message and ".jpg" in entries["logo.gif"].message
