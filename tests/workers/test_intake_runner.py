"""The background intake: real files through the real parser in worker processes, and
parsers that hang, crash or eat memory (see `fake_parsers`), which must fail alone."""

from __future__ import annotations

import os
import pickle
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.intake.importer import IntakeTarget
from app.store.database import Database
from app.workers.intake import PARSER_NICENESS, InboxWatcher, IntakeRunner, ItemUpdate
from tests.support import count_rows
from tests.workers import fake_parsers

NAMES = ["Alice Walker", "Bruno Costa", "Chen Wei", "Dana Scully", "Emeka Obi", "Fatima Khan"]


def resume_lines(n: int) -> list[str]:
    name = NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n}")
    first = name.split()[0].lower()
    return [
        name,
        "Software Engineer",
        f"Denver, CO | {first}{n}@example.com | (303) 555-01{n:02d}",
        "",
        "EXPERIENCE",
        f"Software Engineer, Company {n} — Jan 2020 – Present",
        "",
        "SKILLS",
        "Python, SQL",
    ]


def write_resume(folder: Path, name: str, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if path.suffix == ".docx":
        document = docx.Document()
        for line in resume_lines(n):
            document.add_paragraph(line)
        document.save(str(path))
    else:
        path.write_text("\n".join(resume_lines(n)) + "\n", encoding="utf-8")
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setPlainText("\n".join(lines))
    document.print_(writer)
    del writer  # finishes the file
    return path


class Updates:
    """Collects updates (from the runner's thread) and answers questions about them."""

    def __init__(self) -> None:
        self.all: list[ItemUpdate] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, update: ItemUpdate) -> None:
        with self._lock:
            self.all.append(update)
            self.threads.add(threading.current_thread().name)

    def states(self, item_id: int) -> list[str]:
        return [u.state for u in self.all if u.item_id == item_id]

    def last(self, item_id: int) -> ItemUpdate:
        return [u for u in self.all if u.item_id == item_id][-1]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out waiting for an update"
            time.sleep(0.02)


@pytest.fixture
def updates() -> Updates:
    return Updates()


@pytest.fixture
def make_runner(
    ctx: ServiceContext, tmp_path: Path, updates: Updates
) -> Iterator[Callable[..., IntakeRunner]]:
    made: list[IntakeRunner] = []

    def make(**options: object) -> IntakeRunner:
        options.setdefault("workers", 2)
        runner = IntakeRunner(ctx, tmp_path / "documents", updates, **options)  # type: ignore[arg-type]
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.close()


class TestRealFiles:
    def test_txt_docx_and_pdf_are_parsed_and_imported(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database, qapp
    ):
        inbox = tmp_path / "in"
        files = [
            write_resume(inbox, "alice.txt", 0),
            write_resume(inbox, "bruno.docx", 1),
            write_pdf(inbox / "chen.pdf", resume_lines(2)),
        ]
        runner = make_runner()
        ids = runner.submit(files)
        assert len(ids) == 3
        assert runner.wait(60)
        for item_id in ids:
            assert updates.states(item_id) == ["queued", "parsing", "importing", "done"], (
                updates.last(item_id)
            )
            result = updates.last(item_id).result
            assert result is not None and result.created
            assert "new candidate" in updates.last(item_id).message
        assert count_rows(database, "candidates") == 3
        assert count_rows(database, "documents") == 3
        assert updates.threads == {"hirebench-intake"}

    def test_parser_processes_run_below_the_app(
        self, make_runner, updates: Updates, tmp_path: Path
    ):
        """With every core parsing, the window and the import thread keep their share."""
        runner = make_runner()
        runner.submit([write_resume(tmp_path, f"r{n}.txt", n) for n in range(4)])
        assert runner.wait(60)
        workers = [w.process.pid for w in runner._pool if w.process.is_alive()]
        assert workers
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert all(
            os.getpriority(os.PRIO_PROCESS, pid) == min(19, ours + PARSER_NICENESS)
            for pid in workers
        )

    def test_the_same_file_twice_is_one_document(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        path = write_resume(tmp_path, "alice.txt", 0)
        runner = make_runner()
        [first] = runner.submit([path])
        assert runner.wait(60)
        [second] = runner.submit([path])
        assert runner.wait(60)
        assert updates.last(first).result.created
        again = updates.last(second).result
        assert again.duplicate_document and not again.created
        assert "already imported" in updates.last(second).message
        assert count_rows(database, "documents") == 1

    def test_target_places_every_candidate(
        self, make_runner, updates: Updates, tmp_path: Path, ctx: ServiceContext, database
    ):
        from tests.support import create_pool

        pool = create_pool(ctx, "Inbox").value
        files = [write_resume(tmp_path, f"r{n}.txt", n) for n in range(3)]
        runner = make_runner()
        ids = runner.submit(files, IntakeTarget(pool_id=pool))
        assert runner.wait(60)
        assert count_rows(database, "pool_memberships") == 3
        for item_id in ids:
            # The service's own notice travels with the final update, ids and all.
            last = updates.last(item_id)
            assert last.changes.ids[ChangeKind.POOLS] == {pool}
            assert last.changes.ids[ChangeKind.CANDIDATES] == {last.result.candidate_id}
            assert last.changes.ids[ChangeKind.DOCUMENTS] == {last.result.document_id}
            assert not any(u.changes.ids for u in updates.all if u.item_id == item_id and u != last)

    def test_an_import_failure_is_that_files_failure(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        runner = make_runner()
        [item] = runner.submit([write_resume(tmp_path, "a.txt", 0)], IntakeTarget(job_id=999))
        assert runner.wait(60)
        last = updates.last(item)
        assert (last.state, last.error_kind) == ("failed", "import")
        assert "Job #999 no longer exists" in last.message
        assert count_rows(database, "candidates") == 0

    def test_a_parse_error_is_reported_with_its_kind(
        self, make_runner, updates: Updates, tmp_path: Path
    ):
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"%PDF-1.7 this is not really a pdf")
        empty = tmp_path / "empty.txt"
        empty.write_text("   \n")
        runner = make_runner()
        ids = runner.submit([broken, empty])
        assert runner.wait(60)
        for item_id in ids:
            last = updates.last(item_id)
            assert last.state == "failed" and last.error_kind and last.message
            assert not last.changes.ids


class TestExpansion:
    def test_folders_are_walked_recursively(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        root = tmp_path / "resumes"
        write_resume(root, "a.txt", 0)
        write_resume(root / "2025" / "march", "b.docx", 1)
        write_resume(root / "2025", "c.md", 2)
        (root / "photo.gif").write_bytes(b"GIF89a")
        (root / ".DS_Store").write_bytes(b"junk")
        (root / "~$b.docx").write_bytes(b"lock")
        runner = make_runner()
        ids = runner.submit([root])
        assert runner.wait(60)
        finals = {Path(updates.last(i).path).name: updates.last(i) for i in ids}
        assert set(finals) == {"a.txt", "b.docx", "c.md", "photo.gif"}
        assert finals["photo.gif"].state == "failed"
        assert finals["photo.gif"].error_kind == "type"
        assert "Unsupported file type" in finals["photo.gif"].message
        assert updates.states(ids[list(finals).index("photo.gif")]) == ["failed"]
        assert count_rows(database, "candidates") == 3

    def test_a_drop_returns_before_its_folder_is_walked(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database, monkeypatch
    ):
        """The GUI hands dropped folders over without walking them: a slow share or a large
        zip must not hold it. Later drops are walked after earlier ones, and `wait` waits."""
        from app.workers import intake

        first, second = tmp_path / "first", tmp_path / "second"
        write_resume(first, "a.txt", 0)
        write_resume(second, "b.txt", 1)
        walking, release = threading.Event(), threading.Event()
        walked_on: list[str] = []
        real_expand = intake.expand

        def slow_expand(paths, scratch):
            walked_on.append(threading.current_thread().name)
            walking.set()
            assert release.wait(10)
            return real_expand(paths, scratch)

        monkeypatch.setattr(intake, "expand", slow_expand)
        runner = make_runner()
        started = time.monotonic()
        runner.submit_in_background([first])
        runner.submit_in_background([second])
        assert time.monotonic() - started < 1  # returned while the walk is held
        assert walking.wait(10) and updates.all == []
        assert not runner.wait(0.2)  # dropped paths not yet walked are work to wait for
        release.set()
        assert runner.wait(60)
        assert walked_on == ["hirebench-intake-files"] * 2
        names = [Path(u.path).name for u in updates.all if u.state == "queued"]
        assert names == ["a.txt", "b.txt"]  # in the order dropped
        assert count_rows(database, "candidates") == 2
        runner.close()
        with pytest.raises(RuntimeError, match="closed"):
            runner.submit_in_background([first])

    def test_missing_file_is_reported(self, make_runner, updates: Updates, tmp_path: Path):
        runner = make_runner()
        [item] = runner.submit([tmp_path / "nowhere.pdf"])
        assert runner.wait(10)
        assert (updates.last(item).state, updates.last(item).error_kind) == ("failed", "missing")

    def test_zip_members_are_imported(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        source = tmp_path / "src"
        archive = tmp_path / "batch.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for n, name in enumerate(["one.txt", "nested/two.docx"]):
                zipped.write(write_resume(source, Path(name).name, n), name)
            zipped.writestr("__MACOSX/._one.txt", b"junk")
            zipped.writestr("notes.xlsx", b"not a resume")
        runner = make_runner()
        ids = runner.submit([archive])
        assert runner.wait(60)
        finals = [updates.last(i) for i in ids]
        paths = sorted(u.path for u in finals)
        assert paths == [
            f"{archive}/nested/two.docx",
            f"{archive}/notes.xlsx",
            f"{archive}/one.txt",
        ]
        assert [u.state for u in finals].count("done") == 2
        assert count_rows(database, "candidates") == 2
        from sqlalchemy import select

        from app.store.models import Document

        with database.sessions() as session:
            names = set(session.scalars(select(Document.original_name)))
        assert names == {"one.txt", "two.docx"}

    @pytest.mark.parametrize("member", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt"])
    def test_zip_with_a_traversal_member_is_refused(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database, member: str
    ):
        archive = tmp_path / "box" / "bad.zip"
        archive.parent.mkdir()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("fine.txt", "\n".join(resume_lines(0)))
            zipped.writestr(member, "owned")
        runner = make_runner()
        [item] = runner.submit([archive])
        assert runner.wait(10)
        last = updates.last(item)
        assert (last.state, last.error_kind) == ("failed", "unsafe_archive")
        assert "outside" in last.message
        assert not (tmp_path / "evil.txt").exists()
        assert not (tmp_path / "box" / "evil.txt").exists()
        assert count_rows(database, "candidates") == 0

    def test_zip_bomb_is_refused(self, make_runner, updates: Updates, tmp_path: Path):
        archive = tmp_path / "bomb.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("cv.txt", b"\0" * (20 * 1024 * 1024))
        runner = make_runner()
        [item] = runner.submit([archive])
        assert runner.wait(10)
        assert updates.last(item).error_kind == "zip_bomb"


class TestContainment:
    def test_a_hanging_parser_is_killed_after_the_time_limit(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        hang = write_resume(tmp_path, "hang.txt", 0)
        good = [write_resume(tmp_path, f"good{n}.txt", n + 1) for n in range(3)]
        runner = make_runner(parse=fake_parsers.misbehaving, timeout_s=3)
        started = time.monotonic()
        ids = runner.submit([hang, *good])
        assert runner.wait(60)
        elapsed = time.monotonic() - started
        last = updates.last(ids[0])
        assert (last.state, last.error_kind) == ("failed", "timeout")
        assert "longer than 3 s" in last.message
        assert [updates.last(i).state for i in ids[1:]] == ["done"] * 3
        assert 3 <= elapsed < 30
        assert count_rows(database, "candidates") == 3

    def test_a_file_waiting_behind_a_hung_one_is_parsed_by_a_fresh_worker(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        """A worker holds a second file in its pipe; when the first hangs and the worker is
        killed, the second goes back to the queue instead of failing with it."""
        hang, good = write_resume(tmp_path, "hang.txt", 0), write_resume(tmp_path, "ok.txt", 1)
        runner = make_runner(parse=fake_parsers.misbehaving, timeout_s=2, workers=1)
        ids = runner.submit([hang, good])
        assert runner.wait(60)
        assert updates.last(ids[0]).error_kind == "timeout"
        assert updates.last(ids[1]).state == "done"
        assert updates.states(ids[1]).count("parsing") == 2  # sent twice: requeued between
        assert count_rows(database, "candidates") == 1

    def test_each_files_time_limit_counts_from_its_own_start(
        self, make_runner, updates: Updates, tmp_path: Path
    ):
        """Files wait in a worker's pipe behind the one it parses; their limit starts when
        the worker reaches them (four 1 s files under a 1.6 s limit all finish)."""
        files = [write_resume(tmp_path, f"slow{n}.txt", n) for n in range(4)]
        runner = make_runner(parse=fake_parsers.misbehaving, timeout_s=1.6, workers=1)
        ids = runner.submit(files)
        assert runner.wait(60)
        assert [updates.last(i).state for i in ids] == ["done"] * 4

    def test_a_crashing_parser_is_reported_and_the_others_carry_on(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        files = [
            write_resume(tmp_path, "a.txt", 0),
            write_resume(tmp_path, "crash.txt", 1),
            write_resume(tmp_path, "b.txt", 2),
            write_resume(tmp_path, "bug.txt", 3),
            write_resume(tmp_path, "c.txt", 4),
        ]
        runner = make_runner(parse=fake_parsers.misbehaving, workers=1)
        ids = runner.submit(files)
        assert runner.wait(60)
        finals = [updates.last(i) for i in ids]
        assert [u.state for u in finals] == ["done", "failed", "done", "failed", "done"]
        assert finals[1].error_kind == "crashed" and "exit code 3" in finals[1].message
        assert finals[3].error_kind == "parser_error" and "bug" in finals[3].message
        assert count_rows(database, "candidates") == 3

    def test_a_parser_over_the_memory_limit_fails_alone(
        self, make_runner, updates: Updates, tmp_path: Path
    ):
        files = [write_resume(tmp_path, "hog.txt", 0), write_resume(tmp_path, "ok.txt", 1)]
        runner = make_runner(parse=fake_parsers.misbehaving, memory_mb=768, workers=1)
        ids = runner.submit(files)
        assert runner.wait(60)
        hog, ok = (updates.last(i) for i in ids)
        assert (hog.state, hog.error_kind) == ("failed", "memory")
        assert ok.state == "done"


class TestCancelAndRetry:
    def test_cancel_stops_queued_and_running_files_and_retry_runs_them(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        files = [write_resume(tmp_path, f"slow{n}.txt", n) for n in range(4)]
        runner = make_runner(parse=fake_parsers.misbehaving, workers=1)
        ids = runner.submit(files)
        updates.wait_for(lambda: "parsing" in updates.states(ids[0]))
        runner.cancel()
        assert runner.wait(30)
        assert [updates.last(i).state for i in ids] == ["cancelled"] * 4
        assert count_rows(database, "candidates") == 0
        assert runner.retry(ids) == ids
        assert runner.wait(60)
        assert [updates.last(i).state for i in ids] == ["done"] * 4
        assert count_rows(database, "candidates") == 4

    def test_retry_after_a_failure(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        path = write_resume(tmp_path, "flaky.txt", 0)
        path.with_name("flaky.txt.fail-once").touch()
        runner = make_runner(parse=fake_parsers.misbehaving)
        [item] = runner.submit([path])
        assert runner.wait(60)
        assert (updates.last(item).state, updates.last(item).error_kind) == ("failed", "corrupt")
        assert runner.retry([item, 12345]) == [item]
        assert runner.wait(60)
        assert updates.last(item).state == "done"
        assert runner.retry([item]) == []  # done items stay done
        assert count_rows(database, "candidates") == 1

    def test_close_cancels_and_refuses_new_work(
        self, make_runner, updates: Updates, tmp_path: Path
    ):
        runner = make_runner(parse=fake_parsers.misbehaving, workers=1)
        ids = runner.submit([write_resume(tmp_path, f"slow{n}.txt", n) for n in range(3)])
        runner.close()
        assert {updates.last(i).state for i in ids} <= {"cancelled", "done"}
        assert updates.last(ids[-1]).state == "cancelled"
        runner.close()  # twice is fine
        with pytest.raises(RuntimeError):
            runner.submit([tmp_path / "x.txt"])


def test_item_updates_are_picklable(make_runner, updates: Updates, tmp_path: Path):
    runner = make_runner()
    [item] = runner.submit([write_resume(tmp_path, "a.txt", 0)])
    assert runner.wait(60)
    last = updates.last(item)
    assert pickle.loads(pickle.dumps(last)) == last


class TestInboxWatcher:
    def test_submits_stable_new_files_once(
        self, make_runner, updates: Updates, tmp_path: Path, database: Database
    ):
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        runner = make_runner()
        watcher = InboxWatcher(inbox, runner.submit, interval_s=0.1)
        first = write_resume(inbox, "a.txt", 0)
        (inbox / "notes.xlsx").write_bytes(b"ignored")
        assert watcher.poll() == []  # seen once: maybe still being written
        [item] = watcher.poll()
        assert runner.wait(60)
        assert updates.last(item).path == str(first)
        assert watcher.poll() == []  # remembered
        growing = inbox / "b.txt"
        growing.write_text("Bruno")
        assert watcher.poll() == []
        growing.write_text("\n".join(resume_lines(1)))  # still growing
        assert watcher.poll() == []
        assert len(watcher.poll()) == 1
        assert runner.wait(60)
        assert count_rows(database, "candidates") == 2

    def test_runs_in_the_background(self, make_runner, updates: Updates, tmp_path: Path):
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        runner = make_runner()
        submitted: list[int] = []
        watcher = InboxWatcher(inbox, runner.submit, interval_s=0.05, on_submit=submitted.extend)
        watcher.start()
        try:
            write_resume(inbox, "a.txt", 0)
            updates.wait_for(lambda: bool(submitted), timeout=10)
        finally:
            watcher.stop()
        assert runner.wait(60)
        assert updates.last(submitted[0]).state == "done"


def test_an_import_summary_names_fields_in_words() -> None:
    from app.services.intake.importer import ImportResult
    from app.workers.intake import describe

    one = describe(ImportResult(5, False, 9, conflicts={"location": ("Austin", "Dallas")}))
    assert "1 field not changed: location" in one
    two = describe(
        ImportResult(5, False, 9, conflicts={"current_title": ("a", "b"), "location": ("c", "d")})
    )
    assert "2 fields not changed: current title, location" in two
    assert "current_title" not in two and "(s)" not in two


def test_a_parser_process_collects_garbage_itself_every_few_files(monkeypatch) -> None:
    """After its first file a parser process freezes what is loaded and turns the automatic
    collector off; it then collects once every COLLECT_EVERY files."""
    from app.workers import intake

    calls: list[str] = []

    class Collector:
        def freeze(self) -> None:
            calls.append("freeze")

        def disable(self) -> None:
            calls.append("disable")

        def collect(self) -> int:
            calls.append("collect")
            return 0

    monkeypatch.setattr(intake, "gc", Collector())
    count = -1
    for _file in range(1 + 2 * intake.COLLECT_EVERY):
        count = intake._collect_garbage(count)
    assert calls == ["freeze", "disable", "collect", "collect"]


def _import_groups(updates: Updates) -> list[int]:
    """How many files each import took, in order: a batch posts "importing" for all of its
    files before any of them is done."""
    groups: list[int] = []
    previous = ""
    for update in updates.all:
        if update.state == "importing":
            if previous == "importing":
                groups[-1] += 1
            else:
                groups.append(1)
        if update.state in ("importing", "done"):
            previous = update.state
    return groups


class TestImportBatches:
    def test_while_files_are_parsed_a_batch_waits_for_the_minimum(
        self, make_runner, updates: Updates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """One worker delivers the files one by one; the import takes them eight at a time,
        and the rest once nothing more is coming."""
        from app.workers import intake

        monkeypatch.setattr(intake, "IMPORT_WAIT_S", 60.0)  # only the count decides here
        files = [write_resume(tmp_path / "in", f"person-{n}.txt", n) for n in range(12)]
        runner = make_runner(workers=1)
        ids = runner.submit(files)
        assert runner.wait(60)
        assert all(updates.last(i).state == "done" for i in ids)
        assert _import_groups(updates) == [intake.MIN_IMPORT_BATCH, 12 - intake.MIN_IMPORT_BATCH]

    def test_a_lone_file_is_imported_at_once(
        self, make_runner, updates: Updates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        from app.workers import intake

        monkeypatch.setattr(intake, "IMPORT_WAIT_S", 60.0)
        runner = make_runner(workers=1)
        [item] = runner.submit([write_resume(tmp_path, "alone.txt", 0)])
        assert runner.wait(30)  # not held for the 60 s wait: nothing else was coming
        assert updates.last(item).state == "done"

    def test_a_small_batch_is_imported_once_its_first_file_waited_long_enough(
        self, make_runner, updates: Updates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """A file parsed while a slow one is still being parsed is imported after the wait,
        not after the slow file."""
        from app.workers import intake

        monkeypatch.setattr(intake, "IMPORT_WAIT_S", 0.2)
        quick = write_resume(tmp_path, "quick.txt", 0)
        slow = write_resume(tmp_path, "slow.txt", 1)  # the fake parser sleeps a second on it
        runner = make_runner(workers=2, parse=fake_parsers.misbehaving)
        [first, second] = runner.submit([quick, slow])
        assert runner.wait(60)
        done = [u.item_id for u in updates.all if u.state == "done"]
        assert done == [first, second]
        assert _import_groups(updates) == [1, 1]
