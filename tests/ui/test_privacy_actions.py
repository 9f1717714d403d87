"""Export personal data… and Erase personal data… from a candidate's profile: both run off
the GUI thread; the erasure is confirmed first, then the profile closes and the window hears
of it."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest

from app.parsing import parse_file
from app.services.core.context import ServiceContext
from app.services.intake.importer import import_resume
from app.store.database import Database
from app.ui.dialogs import profile as profile_module
from app.ui.dialogs.privacy_actions import export_to
from app.ui.dialogs.profile import ProfileDialog
from tests.support import raw_connect

NAME, EMAIL = "Ines Vanterpool", "ines.vanterpool@example.net"


@pytest.fixture
def person(ctx: ServiceContext, tmp_path: Path) -> tuple[int, Path]:
    resume = tmp_path / "ines.txt"
    resume.write_text(f"{NAME}\nProduct Designer\nLisbon, Portugal | {EMAIL}\n", encoding="utf-8")
    documents = tmp_path / "documents"
    result = import_resume(ctx, documents, resume, parse_file(resume)).value
    assert result.candidate_id is not None
    return result.candidate_id, documents


def _threads_used(monkeypatch) -> list[str]:
    used: list[str] = []
    original = profile_module.erase_in_background.__globals__["erase_person"]

    def erase(*args, **kwargs):
        used.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setitem(profile_module.erase_in_background.__globals__, "erase_person", erase)
    return used


def test_erase_from_the_profile(qtbot, ctx, database: Database, person, monkeypatch, tmp_path):
    candidate_id, documents = person
    used = _threads_used(monkeypatch)
    asked: list[str] = []
    monkeypatch.setattr(
        profile_module, "confirm_erasure", lambda _p, name: asked.append(name) or True
    )
    dialog = ProfileDialog(ctx, candidate_id, documents, backups_dir=tmp_path / "no-backups")
    qtbot.addWidget(dialog)
    notices: list[str] = []
    dialog.notice.connect(notices.append)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.erase_personal_data()
    assert asked == [NAME] and dialog.erased
    assert used and used[0] != threading.main_thread().name
    assert notices and "Erased candidate" in notices[-1]
    with raw_connect(database.path) as raw:
        row = raw.execute("SELECT first_name FROM candidates WHERE id = ?", (candidate_id,))
        assert row.fetchone() == ("Erased",)
    assert not any(path.is_file() for path in documents.rglob("*"))


def test_declined_erasure_changes_nothing(qtbot, ctx, database: Database, person, monkeypatch):
    candidate_id, documents = person
    monkeypatch.setattr(profile_module, "confirm_erasure", lambda _p, _name: False)
    dialog = ProfileDialog(ctx, candidate_id, documents)
    qtbot.addWidget(dialog)
    dialog.erase_personal_data()
    assert not dialog.erased and dialog.isEnabled()
    with raw_connect(database.path) as raw:
        row = raw.execute("SELECT first_name FROM candidates WHERE id = ?", (candidate_id,))
        assert row.fetchone() == ("Ines",)


def test_export_writes_the_zip_in_the_background(qtbot, ctx, person, tmp_path: Path):
    candidate_id, documents = person
    dialog = ProfileDialog(ctx, candidate_id, documents)
    qtbot.addWidget(dialog)
    said: list[str] = []
    target = tmp_path / "ines.zip"
    export_to(dialog, ctx, candidate_id, documents, target, said.append)
    qtbot.waitUntil(lambda: any("written to" in line for line in said), timeout=10_000)
    with zipfile.ZipFile(target) as archive:
        data = json.loads(archive.read("person.json"))
    assert data["tables"]["candidate_emails"][0]["email"] == EMAIL
