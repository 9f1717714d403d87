"""A full disk, a lock held by another process, two processes upgrading one file at once.

Each failure is said in one line with its cause in words, exits 1, and leaves the database
sound and nothing half-written beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from app.store.database import open_database
from app.store.migrate import downgrade_to
from app.store.schema_version import KNOWN_REVISIONS
from tests.faults.conftest import (
    CommandResult,
    SmallDisk,
    assert_one_line,
    integrity_problems,
)
from tests.support import sqlite_rows

Cli = Callable[..., CommandResult]
FULL = ("is full", "input/output error")  # a tmpfs says "full"; a size limit says I/O error


def _says_disk_full(line: str, disk: SmallDisk) -> None:
    if disk.mounted:
        assert "is full" in line, line
    else:
        assert any(words in line for words in FULL), line


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        path.name
        for path in folder.rglob("*")
        if path.name.endswith((".partial", "-journal", ".part")) or path.name == ".incoming"
    )


def test_seed_on_a_full_disk(cli: Cli, small_disk: SmallDisk) -> None:
    target = small_disk.folder / "seed.sqlite3"
    result = cli(
        "seed", "--candidates", "20000", "--database", str(target), preexec=small_disk.limit_child()
    )
    assert result.code == 1
    line = [text for text in result.err_lines() if not text.startswith("  ")]
    assert "Traceback" not in result.err
    assert len(line) == 1, result.err
    _says_disk_full(line[0], small_disk)
    assert line[0].startswith("hirebench seed: ")
    assert sorted(p.name for p in small_disk.folder.iterdir() if p.name != "filler.bin") == []


def test_backup_onto_a_full_disk(cli: Cli, demo_file: Path, small_disk: SmallDisk) -> None:
    assert demo_file.stat().st_size > small_disk.size_bytes // 4
    if small_disk.mounted:
        small_disk.fill(leave_bytes=demo_file.stat().st_size // 2)
    target = small_disk.folder / "copy.sqlite3"
    result = cli(
        "backup", "--database", str(demo_file), str(target), preexec=small_disk.limit_child()
    )
    if not small_disk.mounted and result.code == 0:
        raise AssertionError("the size limit was larger than the database")
    assert result.code == 1
    line = assert_one_line(result, "hirebench backup: backup failed")
    _says_disk_full(line, small_disk)
    assert not target.exists()
    assert _leftovers(small_disk.folder) == []
    assert integrity_problems(demo_file) == []


def test_import_onto_a_full_disk(
    cli: Cli, _demo_template: Path, small_disk: SmallDisk, tmp_path: Path
) -> None:
    """The database and the stored documents share the full disk (HIREBENCH_HOME on it)."""
    assert small_disk.mounted, "this case needs a real small file system (mount tmpfs as root)"
    home = small_disk.folder / "home"
    database = home / "data" / "agency.sqlite3"
    database.parent.mkdir(parents=True)
    shutil.copyfile(_demo_template, database)
    before = sqlite_rows(database, "SELECT count(*) FROM candidates")
    resumes = tmp_path / "resumes"
    resumes.mkdir()
    for number in range(3):
        text = f"Person{number} Example\nperson{number}@example.com\n" + "Python. " * 40_000
        (resumes / f"cv{number}.txt").write_text(text, encoding="utf-8")
    small_disk.fill(leave_bytes=200_000)
    result = cli(
        "import", str(resumes), "--database", str(database), env={"HIREBENCH_HOME": str(home)}
    )
    assert result.code == 1
    assert "Traceback" not in result.err + result.out
    failed = [line for line in result.out.splitlines() if line.startswith("failed")]
    assert failed, result.out
    assert all("is full" in line for line in failed), failed
    assert result.out.splitlines()[-1].endswith(f"{len(failed)} failed.")
    (small_disk.folder / "filler.bin").unlink()
    assert integrity_problems(database) == []
    after = sqlite_rows(database, "SELECT count(*) FROM candidates")
    assert after[0][0] - before[0][0] == 3 - len(failed)  # every import whole or not at all
    documents = home / "data" / "documents"
    empty = [p for p in documents.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == [] and _leftovers(home) == []


def test_import_while_another_process_writes(
    cli: Cli, demo_file: Path, tmp_path: Path, hold_write_lock
) -> None:
    resume = tmp_path / "resume.txt"
    resume.write_text("Jane Roe\njane.roe@example.com\nPython developer\n", encoding="utf-8")
    holder = hold_write_lock(demo_file, 30)
    started = time.monotonic()
    result = cli(
        "import", str(resume), "--database", str(demo_file), env={"HIREBENCH_LOCK_WAIT": "1"}
    )
    assert time.monotonic() - started < 25
    assert result.code == 1
    assert "Traceback" not in result.err + result.out
    failed = [line for line in result.out.splitlines() if line.startswith("failed")]
    if failed:  # the recruiter's user row existed: the file's own import waited
        assert len(failed) == 1
        assert "another Hirebench" in failed[0] and "waited 1 s" in failed[0], failed[0]
    else:  # the command's first write (the recruiter's user row) waited
        assert_one_line(result, "another Hirebench", str(demo_file), "waited 1 s")
    holder.kill()
    holder.wait()
    assert sqlite_rows(demo_file, "SELECT count(*) FROM candidates WHERE last_name = 'Roe'") == [
        (0,)
    ]


def test_a_file_import_waits_for_the_lock_and_says_how_long(
    cli: Cli, demo_file: Path, tmp_path: Path, hold_write_lock
) -> None:
    """With the recruiter already known, the lock is met by the import of the file itself."""
    first = tmp_path / "first.txt"
    first.write_text("John Doe\njohn.doe@example.com\nAnalyst\n", encoding="utf-8")
    assert cli("import", str(first), "--database", str(demo_file)).code == 0
    resume = tmp_path / "resume.txt"
    resume.write_text("Jane Roe\njane.roe@example.com\nPython developer\n", encoding="utf-8")
    hold_write_lock(demo_file, 30)
    result = cli(
        "import", str(resume), "--database", str(demo_file), env={"HIREBENCH_LOCK_WAIT": "1"}
    )
    assert result.code == 1
    failed = [line for line in result.out.splitlines() if line.startswith("failed")]
    assert len(failed) == 1, result.out + result.err
    assert "another Hirebench" in failed[0] and "waited 1 s" in failed[0], failed[0]


def test_a_lock_released_within_the_wait_is_waited_for(
    cli: Cli, demo_file: Path, tmp_path: Path, hold_write_lock
) -> None:
    resume = tmp_path / "resume.txt"
    resume.write_text("Jane Roe\njane.roe@example.com\nPython developer\n", encoding="utf-8")
    hold_write_lock(demo_file, 2)
    result = cli(
        "import", str(resume), "--database", str(demo_file), env={"HIREBENCH_LOCK_WAIT": "20"}
    )
    assert result.code == 0, result.out + result.err
    assert sqlite_rows(demo_file, "SELECT count(*) FROM candidates WHERE last_name = 'Roe'") == [
        (1,)
    ]


def test_dispatch_while_another_process_writes(cli: Cli, demo_file: Path, hold_write_lock) -> None:
    hold_write_lock(demo_file, 30)
    result = cli(
        "outbox", "--dispatch", "--database", str(demo_file), env={"HIREBENCH_LOCK_WAIT": "1"}
    )
    assert result.code == 1
    assert "Traceback" not in result.err + result.out
    problems = [line for line in result.err_lines() if line.startswith("hirebench outbox:")]
    assert problems and any("another" in line and "writing" in line for line in problems), (
        result.err
    )


OPENER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.store.database import open_database
    start = float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.001)
    database = open_database(Path(sys.argv[1]))
    print(database.migration_backup or "", flush=True)
    database.close()
    """
)


def test_two_processes_open_an_old_database_at_once(demo_file: Path, tmp_path: Path) -> None:
    database = open_database(demo_file)
    downgrade_to(database.engine, KNOWN_REVISIONS[-4])
    database.close()
    start = time.time() + 1.5
    children = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(demo_file), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "Traceback" not in err
    backups = [out.strip() for out, _err in outputs if out.strip()]
    assert len(backups) == 1  # one migrated (after a backup); the other waited and found it done
    assert Path(backups[0]).exists()
    assert sqlite_rows(demo_file, "SELECT version_num FROM alembic_version") == [
        (KNOWN_REVISIONS[-1],)
    ]
    assert integrity_problems(demo_file) == []
    assert list((demo_file.parent / "backups").iterdir()) == [Path(backups[0])]


def _other_process(path: Path, sql: str) -> str:
    code = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "print(c.execute(sys.argv[2]).fetchall())\n"
        "c.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), sql], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_looking_at_a_live_file_keeps_its_locks(demo_file: Path) -> None:
    """Checking or inspecting the open database must not drop this process's locks on it.

    Closing any handle on a file drops every POSIX lock the process holds on it; another
    process closing its connection would then delete the -wal still in use here, and later
    commits would be lost to everyone else.
    """
    from sqlalchemy import text

    from app.store.db import inspect_database
    from app.store.integrity import check_file

    database = open_database(demo_file)
    try:
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE clients SET name = 'Before' WHERE id = 1"))
        assert inspect_database(demo_file).is_current
        assert check_file(demo_file).ok
        assert _other_process(demo_file, "SELECT name FROM clients WHERE id = 1") == "[('Before',)]"
        assert Path(f"{demo_file}-wal").exists()  # the other process left it for us
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE clients SET name = 'After' WHERE id = 1"))
        assert _other_process(demo_file, "SELECT name FROM clients WHERE id = 1") == "[('After',)]"
    finally:
        database.close()
