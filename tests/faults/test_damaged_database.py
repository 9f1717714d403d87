"""A database with one ruined page: caught by every way in, never copied, never written to.

The damage is a page in the middle of the activities table overwritten with garbage,
as a failing disk would leave it. Each command must say so in one line (or list the problems,
for ``check``), leave the file byte for byte as it was, and never let a backup carry it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.admin.maintenance import automatic_backup, automatic_backups, backup
from app.store.database import open_database
from app.store.integrity import DatabaseDamaged, check_file
from app.store.migrate import downgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.faults.conftest import CommandResult, assert_one_line, integrity_problems, ruin_page
from tests.support import sha256_of, side_files

Cli = Callable[..., CommandResult]


def _unchanged(path: Path, digest: str) -> None:
    assert sha256_of(path) == digest
    assert side_files(path) == []


def test_check_lists_the_problems_and_fails(damaged_file: Path, cli: Cli) -> None:
    digest = sha256_of(damaged_file)
    result = cli("check", "--database", str(damaged_file))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "is damaged" in result.err_lines()[0]
    assert "hirebench recover OUT" in result.err
    quick = cli("check", "--quick", "--database", str(damaged_file))
    assert quick.code == 1 and "is damaged" in quick.err
    _unchanged(damaged_file, digest)


def test_check_of_a_sound_file_says_so(demo_file: Path, cli: Cli) -> None:
    result = cli("check", "--database", str(demo_file))
    assert result.code == 0, result.err
    assert result.out.startswith(f"No problems found in {demo_file}")


def test_backup_is_refused_and_writes_nothing(damaged_file: Path, cli: Cli, tmp_path: Path):
    digest = sha256_of(damaged_file)
    target = tmp_path / "copies"
    target.mkdir()
    result = cli("backup", "--database", str(damaged_file), str(target / "copy.sqlite3"))
    assert result.code == 1
    assert_one_line(result, "is damaged", "no backup was made")
    assert list(target.iterdir()) == []  # no copy, no .partial, no -journal
    _unchanged(damaged_file, digest)


def test_import_is_refused_before_anything_is_written(
    damaged_file: Path, cli: Cli, tmp_path: Path
) -> None:
    digest = sha256_of(damaged_file)
    resume = tmp_path / "resume.txt"
    resume.write_text("Jane Roe\njane.roe@example.com\nPython developer\n", encoding="utf-8")
    result = cli("import", str(resume), "--database", str(damaged_file))
    assert result.code == 1
    assert_one_line(result, "is damaged", "nothing was written")
    _unchanged(damaged_file, digest)
    assert not (tmp_path / "cli-home" / "data" / "documents").exists()


def test_sending_the_outbox_is_refused(damaged_file: Path, cli: Cli) -> None:
    digest = sha256_of(damaged_file)
    result = cli("outbox", "--dispatch", "--database", str(damaged_file))
    assert result.code == 1
    assert_one_line(result, "is damaged")
    _unchanged(damaged_file, digest)


@pytest.mark.parametrize(
    "arguments",
    [("stats",), ("search", "engineer"), ("outbox",)],
    ids=["stats", "search", "outbox"],
)
def test_reading_commands_never_write_and_never_trace(
    damaged_file: Path, cli: Cli, arguments: tuple[str, ...]
) -> None:
    """Reading may still work around the damage; if it hits it, one line says so."""
    digest = sha256_of(damaged_file)
    result = cli(*arguments, "--database", str(damaged_file))
    assert "Traceback" not in result.err
    if result.code != 0:
        assert result.code == 1
        assert_one_line(result)
    _unchanged(damaged_file, digest)


def test_recover_salvages_into_a_sound_file(damaged_file: Path, cli: Cli, tmp_path: Path):
    digest = sha256_of(damaged_file)
    out = tmp_path / "salvaged.sqlite3"
    result = cli("recover", "--database", str(damaged_file), str(out))
    assert result.code == 0, result.err
    assert "Recovered" in result.out and "activities" in result.out
    assert integrity_problems(out) == []
    assert cli("check", "--database", str(out)).code == 0
    again = cli("recover", "--database", str(damaged_file), str(out))
    assert again.code == 1
    assert_one_line(again, "already exists")
    _unchanged(damaged_file, digest)


def test_a_backup_of_a_damaged_file_keeps_the_good_backups(damaged_file: Path, tmp_path: Path):
    """The daily copies are rotated only after a new good one exists: damage rotates none."""
    folder = tmp_path / "backups"
    folder.mkdir()
    good = []
    for day in range(7):
        copy = folder / f"{damaged_file.stem}-auto-2026110{day}T080000Z.sqlite3"
        copy.write_bytes(b"SQLite format 3\0 good copy")
        good.append(copy)
    with pytest.raises(DatabaseDamaged):
        automatic_backup(damaged_file, folder, keep=7, every=_no_wait())
    with pytest.raises(DatabaseDamaged):
        backup(damaged_file, folder)
    assert automatic_backups(damaged_file, folder) == good
    assert sorted(folder.iterdir()) == good


def test_automatic_backups_rotate_after_a_good_copy(demo_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = [automatic_backup(demo_file, folder, keep=3, every=_no_wait()) for _ in range(5)]
    assert all(path is not None for path in made)
    kept = automatic_backups(demo_file, folder)
    assert len(kept) == 3 and made[-1] in kept
    assert all(check_file(path).ok for path in kept)
    # Not due yet: nothing written when the newest copy is recent.
    assert automatic_backup(demo_file, folder, keep=3) is None


def _no_wait():
    import datetime as dt

    return dt.timedelta(0)


def test_an_old_schema_with_damage_is_not_upgraded(demo_file: Path, tmp_path: Path) -> None:
    database = open_database(demo_file)
    downgrade_to(database.engine, KNOWN_REVISIONS[-3])
    database.engine.dispose()
    ruin_page(demo_file, "activities")
    digest = sha256_of(demo_file)
    with pytest.raises(DatabaseDamaged, match=r"not upgraded|no backup was made"):
        open_database(demo_file, tmp_path / "backups", startup_check=True)
    with pytest.raises(DatabaseDamaged, match="no backup was made"):
        open_database(demo_file, tmp_path / "backups")
    assert sha256_of(demo_file) == digest
    assert not (tmp_path / "backups").exists() or list((tmp_path / "backups").iterdir()) == []


def test_damage_in_a_first_screen_table_opens_read_only(demo_file: Path) -> None:
    from app.services.core.context import ServiceContext
    from app.services.core.unit_of_work import Actor
    from app.store.db import ReadOnlyDatabase

    ruin_page(demo_file, "jobs")  # the first screen lists jobs
    digest = sha256_of(demo_file)
    database = open_database(demo_file, startup_check=True)
    try:
        assert database.read_only and database.damage is not None
        ctx = ServiceContext(database.sessions, Actor(None, "test"))
        with pytest.raises(ReadOnlyDatabase, match="damaged"), ctx.write():
            pass
    finally:
        database.close()
    assert sha256_of(demo_file) == digest
