"""A file saved from a screen is replaced whole or left as it was, with nothing beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ui.saving import write_atomically


def test_a_saved_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")
    write_atomically(target, b"new,data\n")
    assert target.read_bytes() == b"new,data\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_a_failed_save_keeps_the_old_file_and_leaves_nothing_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def full_disk(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
