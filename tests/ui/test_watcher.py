"""The database watcher announces what other programs commit, never this process's own
commits, whichever of its connections or threads made them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from app.services.candidates.records import CandidateInput, create_candidate
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.ui.watcher import DatabaseWatcher

ROOT = Path(__file__).resolve().parents[2]

# Another Hirebench: its own process, its own engine, its own commits.
OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from app.services.candidates.records import CandidateInput, create_candidate
    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user
    from app.store.database import open_database

    database = open_database(Path(sys.argv[1]), may_create=False)
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "someone else"))
    for number in range(int(sys.argv[2])):
        create_candidate(ctx, CandidateInput(f"Remote{number}", "Elsewhere"))
    database.close()
    """
)


def write_from_another_process(path: Path, commits: int = 1) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, str(path), str(commits)], cwd=ROOT
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    assert process.wait(timeout=120) == 0


@pytest.fixture
def watcher(qtbot, database: Database) -> DatabaseWatcher:
    made = DatabaseWatcher(database.path)
    yield made
    made.close()


def _announcements(watcher: DatabaseWatcher) -> list[int]:
    heard: list[int] = []
    watcher.changed_elsewhere.connect(lambda: heard.append(1))
    return heard


def _add(ctx: ServiceContext, name: str) -> int:
    return create_candidate(ctx, CandidateInput(name, "Here")).value


def test_own_commits_from_any_thread_or_connection_are_not_news(
    watcher: DatabaseWatcher, database: Database, ctx: ServiceContext
) -> None:
    heard = _announcements(watcher)
    someone = _add(ctx, "Gui")  # the window's own thread
    assert watcher.poll() is False

    def worker() -> None:  # like the import worker and the mail dispatcher: other threads
        for number in range(30):
            add_note(ctx, someone, f"note {number}")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        assert watcher.poll() is False
    for thread in threads:
        thread.join()
    # Two connections of this process at once: one holds a transaction open while the
    # other commits.
    with database.sessions() as reading:
        reading.connection()
        _add(ctx, "Second connection")
    assert watcher.poll() is False
    assert heard == []


def test_another_process_is_announced_once(watcher: DatabaseWatcher, database: Database) -> None:
    heard = _announcements(watcher)
    finish(write_from_another_process(database.path))
    assert watcher.poll() is True
    assert heard == [1]
    assert watcher.poll() is False  # nothing new since
    assert heard == [1]


def test_a_foreign_commit_is_not_hidden_by_our_own_just_after(
    watcher: DatabaseWatcher, database: Database, ctx: ServiceContext
) -> None:
    """Another program commits, then we do, then the watcher looks: still news."""
    finish(write_from_another_process(database.path))
    _add(ctx, "Right after")
    assert watcher.poll() is True
    _add(ctx, "Again")
    assert watcher.poll() is False


def test_both_at_once_only_the_others_count(
    watcher: DatabaseWatcher, database: Database, ctx: ServiceContext
) -> None:
    """Our thread and another process write at the same time: the other's commits are
    announced; once it has finished, our continued writing is not."""
    other = write_from_another_process(database.path, commits=20)
    seen = False
    done = threading.Event()

    def ours() -> None:
        number = 0
        while not done.is_set():
            _add(ctx, f"Local{number}")
            number += 1

    thread = threading.Thread(target=ours)
    thread.start()
    try:
        while other.poll() is None:
            seen = watcher.poll() or seen
        finish(other)
        seen = watcher.poll() or seen
        assert seen
        for _ in range(200):  # only our writer now
            assert watcher.poll() is False
    finally:
        done.set()
        thread.join()


def test_paused_announcements_come_on_resume(
    watcher: DatabaseWatcher, database: Database, ctx: ServiceContext
) -> None:
    heard = _announcements(watcher)
    watcher.pause()
    finish(write_from_another_process(database.path))
    _add(ctx, "Our own burst")
    assert watcher.poll() is True
    assert heard == []  # held while paused…
    watcher.resume()
    assert heard == [1]  # …and not lost
    watcher.pause()
    _add(ctx, "Ours only")
    watcher.poll()
    watcher.resume()
    assert heard == [1]


def test_the_timer_polls(qtbot, watcher: DatabaseWatcher, database: Database, ctx) -> None:
    heard = _announcements(watcher)
    watcher.timer.setInterval(20)
    watcher.start()
    for number in range(10):
        _add(ctx, f"Ticking{number}")
        qtbot.wait(15)
    assert heard == []
    finish(write_from_another_process(database.path))
    qtbot.waitUntil(lambda: heard == [1], timeout=2000)
