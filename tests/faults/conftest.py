"""Fault fixtures: damaged database files, a small disk, a lock held by another process."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def ruin_page(path: Path, table: str, kind: str = "leaf", which: float = 0.5) -> int:
    """Overwrite one page of ``table``'s b-tree with garbage; return its number.

    ``which`` picks the page by position among the table's pages of ``kind`` (0.5: the one in
    the middle), the way a failing disk or a stray write damages one block of a file.
    """
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        pages = [
            row[0]
            for row in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
                (table, kind),
            )
        ]
        page = connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()
    assert pages, f"{table} has no {kind} pages"
    number = pages[min(len(pages) - 1, int(len(pages) * which))]
    garbage = bytes((index * 151 + 7) % 256 for index in range(page))
    with path.open("r+b") as handle:
        handle.seek((number - 1) * page)
        handle.write(garbage)
    return number


def integrity_problems(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows


@pytest.fixture
def demo_file(tmp_path: Path, _demo_template: Path) -> Path:
    """A private copy of the demo database (closed, no -wal)."""
    path = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, path)
    return path


@pytest.fixture
def damaged_file(demo_file: Path) -> Path:
    """The demo database with a page in the middle of the activities table ruined."""
    ruin_page(demo_file, "activities")
    assert integrity_problems(demo_file)
    return demo_file


@dataclass
class CommandResult:
    code: int
    out: str
    err: str

    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def assert_one_line(result: CommandResult, *needles: str) -> str:
    """The command said what went wrong in exactly one line on stderr, without a traceback."""
    lines = result.err_lines()
    assert "Traceback" not in result.err + result.out, result.err
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., CommandResult]:
    """Run ``python -m app …`` in a child process with a private HIREBENCH_HOME."""
    home = tmp_path / "cli-home"

    def run(
        *arguments: str,
        env: dict[str, str] | None = None,
        timeout: float = 120,
        preexec: Callable[[], None] | None = None,
    ) -> CommandResult:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("HIREBENCH_DATABASE", "HIREBENCH_LOCK_WAIT")
        }
        environment.update({"HIREBENCH_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"})
        environment.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", "app", *arguments],
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout,
            preexec_fn=preexec,
        )
        return CommandResult(completed.returncode, completed.stdout, completed.stderr)

    return run


@dataclass
class SmallDisk:
    """A folder with little room: a tmpfs mounted for the test, else a file-size limit for
    the child process (``limit_child``) standing in for the full disk."""

    folder: Path
    mounted: bool
    size_bytes: int

    def limit_child(self) -> Callable[[], None] | None:
        if self.mounted:
            return None
        size = self.size_bytes

        def limit() -> None:  # in the child, before exec
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

        return limit

    def fill(self, leave_bytes: int) -> None:
        """Take up the room, leaving about ``leave_bytes`` free (tmpfs only)."""
        assert self.mounted, "filling needs a real small file system"
        free = shutil.disk_usage(self.folder).free
        with (self.folder / "filler.bin").open("wb") as handle:
            remaining = max(0, free - leave_bytes)
            while remaining > 0:
                chunk = min(remaining, 1 << 20)
                try:
                    handle.write(b"\0" * chunk)
                    handle.flush()
                except OSError:
                    break
                remaining -= chunk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """An 8 MB tmpfs (we run as root here and in CI); a size limit where mounting fails."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    size = 8 * 1024 * 1024
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield SmallDisk(folder=folder, mounted=mounted, size_bytes=size)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


LOCK_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("CREATE TABLE IF NOT EXISTS lock_probe (x)")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("ROLLBACK")
    print("released", flush=True)
    """
)


@pytest.fixture
def hold_write_lock() -> Iterator[Callable[[Path, float], subprocess.Popen[str]]]:
    """Start another process that holds the database's write lock for some seconds."""
    started: list[subprocess.Popen[str]] = []

    def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(path), str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        return holder

    yield hold
    for holder in started:
        holder.kill()
        holder.wait()
