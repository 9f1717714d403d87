"""Files written whole or not at all (`app.atomic_files`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.atomic_files import open_replacing, replacing


def test_a_complete_write_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with open_replacing(target) as out:
        out.write("new,\u00e9\n")
        assert target.read_text(encoding="utf-8") == "old"  # untouched until the end
    assert target.read_text(encoding="utf-8") == "new,\u00e9\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("the disk filled up")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip"]
