"""Hostile command-line inputs (issue #10, items 2, 6 and 8), against real files and processes.

A device, a pipe, a folder or an empty file given as ``--database`` is refused in one line and
nothing appears beside it; read-only commands never create a database; every number argument
is checked by the parser (exit 2, one line, never an ``OverflowError`` from SQLite); Ctrl-C
stops a command with exit 130 and leaves nothing half-made; and names holding ESC, CR or LF are
printed escaped, so a file or candidate name can neither forge a line nor drive the terminal.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.bootstrap import open_workspace
from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.store.db import DatabaseError
from app.wording import plural
from tests.support import integrity_ok, raw_connect, sqlite_rows

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
SQLITE_MAX_ID = 2**63 - 1
HUGE = "99999999999999999999"  # past SQLite's 64-bit integers: once an OverflowError
EVIL_NAME = "evil\x1b[2J\rdone      ok\n.txt"
EVIL_SHOWN = "evil\\x1b[2J\\rdone      ok\\n.txt"
READ_ONLY = ("stats", "search", "outbox", "backup", "check", "recover")
CREATING = ("seed", "import", "demo")


@dataclass
class Outcome:
    """What a command did: its exit status and what it printed."""

    code: int
    out: str
    err: str

    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def assert_one_line(outcome: Outcome, *needles: str) -> str:
    """The command said what went wrong in one line on stderr: no traceback, no usage block."""
    everything = outcome.out + outcome.err
    for noise in ("Traceback", "OverflowError", "usage:"):
        assert noise not in everything, outcome.err
    lines = outcome.err_lines()
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def child_env(home: Path) -> dict[str, str]:
    """The test's environment with a private HIREBENCH_HOME and no inherited database."""
    env = {k: v for k, v in os.environ.items() if k not in ("HIREBENCH_DATABASE",)}
    env.update(HIREBENCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def hirebench(home: Path, *args: str, timeout: float = 30.0) -> Outcome:
    """``python -m app ARGS`` as a real process; a hang fails the test after ``timeout``."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    capsys.readouterr()
    code = run(list(args))
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def dev_side_files() -> list[str]:
    return [f"/dev/null{suffix}" for suffix in SIDE_SUFFIXES if Path(f"/dev/null{suffix}").exists()]


@dataclass
class Scene:
    """A folder holding only the ``--database`` target, and the command arguments around it."""

    where: Path  # must not change
    outside: Path  # resumes to import, backup and recovery destinations

    def argv(self, command: str) -> list[str]:
        return {
            "stats": ["stats"],
            "search": ["search", "python"],
            "outbox": ["outbox"],
            "backup": ["backup", str(self.outside / "copy.sqlite3")],
            "check": ["check"],
            "recover": ["recover", str(self.outside / "recovered.sqlite3")],
            "seed": ["seed", "--candidates", "5"],
            "import": ["import", str(self.outside / "inbox")],
            "demo": ["demo", "--no-gui"],
        }[command]

    def nothing_made_outside(self) -> None:
        for name in ("copy.sqlite3", "recovered.sqlite3"):
            assert not (self.outside / name).exists(), name


@pytest.fixture
def scene(tmp_path: Path, hirebench_home: Path) -> Scene:
    where, outside = tmp_path / "where", tmp_path / "outside"
    where.mkdir()
    (outside / "inbox").mkdir(parents=True)
    (outside / "inbox" / "ana.txt").write_text(
        "Ana Diaz\nAccount Manager\nChicago, IL | ana@example.com | (312) 555-0100\n",
        encoding="utf-8",
    )
    return Scene(where, outside)


def make_target(scene: Scene, kind: str) -> Path:
    """A non-database at ``--database``: an empty file dated a day ago, a folder or a device."""
    if kind == "device":
        return Path("/dev/null")
    target = scene.where / f"{kind}.sqlite3"
    if kind == "empty":
        target.write_bytes(b"")
        day_ago = time.time() - 86_400
        os.utime(target, (day_ago, day_ago))  # any write would show as a new mtime
    elif kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    return target


REASON = {"empty": "empty", "folder": "folder", "device": "device", "fifo": "pipe"}


# --- item 2: what cannot be a database is refused, and nothing appears beside it ------------


@pytest.mark.parametrize("kind", ["empty", "folder", "device"])
@pytest.mark.parametrize("command", READ_ONLY + CREATING)
def test_a_non_database_is_refused_in_one_line_and_nothing_appears_beside_it(
    scene: Scene, paths: AppPaths, capsys: pytest.CaptureFixture[str], command: str, kind: str
) -> None:
    """Whether or not the command may create a database, it creates none over these."""
    target = make_target(scene, kind)
    before, dev_before = listing(scene.where), dev_side_files()
    outcome = in_process(capsys, *scene.argv(command), "--database", str(target))
    assert outcome.code == EXIT_FAILURE
    line = assert_one_line(outcome, f"hirebench {command}:", str(target), REASON[kind])
    assert outcome.out == "", line
    assert listing(scene.where) == before  # the empty file is still 0 bytes, same mtime
    assert dev_side_files() == dev_before == []
    scene.nothing_made_outside()
    assert not paths.default_database.exists() and not paths.demo_database.exists()


@pytest.mark.parametrize("command", READ_ONLY + CREATING)
def test_a_fifo_is_refused_without_being_opened(
    scene: Scene, hirebench_home: Path, command: str
) -> None:
    """Opening a FIFO blocks until a writer comes: the command must refuse it first (a real
    process, so that a hang fails on the timeout instead of stopping the suite)."""
    fifo = make_target(scene, "fifo")
    before = listing(scene.where)
    outcome = hirebench(hirebench_home, *scene.argv(command), "--database", str(fifo), timeout=20)
    assert outcome.code == EXIT_FAILURE
    assert_one_line(outcome, f"hirebench {command}:", str(fifo), "pipe")
    assert outcome.out == ""
    assert listing(scene.where) == before
    scene.nothing_made_outside()


@pytest.mark.parametrize("kind", ["empty", "folder", "device"])
@pytest.mark.parametrize("demo", [False, True], ids=["window", "demo window"])
def test_the_window_refuses_a_non_database_too(
    scene: Scene, paths: AppPaths, kind: str, demo: bool
) -> None:
    """``hirebench --database X`` (the GUI) opens through `open_workspace`: the same refusal,
    before the window would show its message box."""
    target = make_target(scene, kind)
    before = listing(scene.where)
    with pytest.raises(DatabaseError) as refused:
        open_workspace(paths, str(target), demo=demo)
    message = str(refused.value)
    assert str(target) in message and REASON[kind] in message and "\n" not in message
    assert listing(scene.where) == before
    assert dev_side_files() == []


def test_the_window_refuses_a_fifo_without_blocking(scene: Scene, hirebench_home: Path) -> None:
    fifo = make_target(scene, "fifo")
    code = (
        "import sys\n"
        "from app.bootstrap import open_workspace\n"
        "from app.paths import resolve_paths\n"
        "from app.store.db import DatabaseError\n"
        "try:\n"
        "    open_workspace(resolve_paths(), sys.argv[1], demo=False)\n"
        "except DatabaseError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo)],
        cwd=PROJECT_ROOT,
        env=child_env(hirebench_home),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert (done.returncode, done.stderr) == (1, "")
    assert str(fifo) in done.stdout and "pipe" in done.stdout
    assert sorted(p.name for p in scene.where.iterdir()) == ["fifo.sqlite3"]


@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_commands_never_create_a_missing_database(
    scene: Scene, paths: AppPaths, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = scene.where / "typo.sqlite3"
    outcome = in_process(capsys, *scene.argv(command), "--database", str(missing))
    assert outcome.code == EXIT_FAILURE
    assert_one_line(outcome, f"hirebench {command}:", f"There is no database at {missing}")
    assert outcome.out == ""
    assert listing(scene.where) == {}
    scene.nothing_made_outside()
    assert not paths.default_database.exists()


@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_commands_never_touch_the_default_database_when_there_is_none(
    scene: Scene, paths: AppPaths, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Without ``--database`` the default file is meant: it is not created by reading it."""
    outcome = in_process(capsys, *scene.argv(command))
    assert outcome.code == EXIT_FAILURE
    assert_one_line(outcome, f"There is no database at {paths.default_database}")
    assert not paths.default_database.exists()
    assert not any(Path(f"{paths.default_database}{s}").exists() for s in SIDE_SUFFIXES)


def test_the_window_creates_a_database_only_where_there_is_none(
    scene: Scene, paths: AppPaths
) -> None:
    """The other side of the rule: the window may make a new database in an empty spot."""
    target = scene.where / "new.sqlite3"
    workspace = open_workspace(paths, str(target), demo=False)
    workspace.database.close()
    assert integrity_ok(target)
    assert sqlite_rows(target, "SELECT count(*) FROM candidates") == [(0,)]


# --- check and backup of a good database ---------------------------------------------------


@pytest.fixture
def demo_copy(tmp_path: Path, _demo_template: Path, hirebench_home: Path) -> Path:
    path = tmp_path / "agency.sqlite3"
    shutil.copyfile(_demo_template, path)
    return path


@pytest.mark.parametrize("quick", [False, True], ids=["full", "quick"])
def test_check_of_a_good_database(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], quick: bool
) -> None:
    before = listing(demo_copy.parent)
    outcome = in_process(
        capsys, "check", *(["--quick"] if quick else []), "--database", str(demo_copy)
    )
    assert outcome.code == EXIT_OK, outcome.err
    assert outcome.out.startswith(f"No problems found in {demo_copy}")
    assert len(outcome.out.splitlines()) == 1 and outcome.err == ""
    after = listing(demo_copy.parent)
    mine = [name for name in before.keys() | after.keys() if name.startswith(demo_copy.name)]
    assert {n: after.get(n) for n in mine} == {n: before.get(n) for n in mine}


def test_backup_of_a_good_database_is_a_complete_copy(
    demo_copy: Path, tmp_path: Path, hirebench_home: Path
) -> None:
    destination = tmp_path / "copies" / "copy.sqlite3"
    outcome = hirebench(hirebench_home, "backup", str(destination), "--database", str(demo_copy))
    assert outcome.code == EXIT_OK, outcome.err
    assert outcome.out.strip() == str(destination)
    assert integrity_ok(destination)
    query = "SELECT id, first_name, last_name FROM candidates ORDER BY id"
    assert sqlite_rows(destination, query) == sqlite_rows(demo_copy, query)


# --- item 8: every argument is checked before anything is opened -----------------------------

OUT_OF_RANGE = [
    pytest.param(["search", "x", "--pool", HUGE], "--pool", id="search --pool"),
    pytest.param(["search", "x", "--contacted-within", "999999999999"], "--contacted-within"),
    pytest.param(["search", "x", "--contacted-within", "-1"], "--contacted-within", id="-1 days"),
    pytest.param(["search", "x", "--limit", HUGE], "--limit", id="search --limit"),
    pytest.param(["search", "x", "--limit", "0"], "--limit", id="search --limit 0"),
    pytest.param(["search", "x", "--pool", str(SQLITE_MAX_ID + 1)], "--pool", id="2**63"),
    pytest.param(["outbox", "--limit", HUGE], "--limit", id="outbox --limit"),
    pytest.param(["import", "INBOX", "--job", HUGE], "--job", id="import --job"),
    pytest.param(["import", "INBOX", "--pool", HUGE], "--pool", id="import --pool"),
    pytest.param(["import", "INBOX", "--job", "0"], "--job", id="import --job 0"),
    pytest.param(["seed", "--candidates", HUGE], "--candidates", id="seed --candidates"),
    pytest.param(["seed", "--candidates", "2000001"], "--candidates", id="2,000,001 candidates"),
    pytest.param(["seed", "--candidates", "-5"], "--candidates", id="-5 candidates"),
    pytest.param(["seed", "--seed", HUGE], "--seed", id="seed --seed"),
    pytest.param(["seed", "--seed", "-1"], "--seed", id="seed --seed -1"),
]


@pytest.mark.parametrize(("argv", "option"), OUT_OF_RANGE)
def test_a_number_out_of_range_is_a_one_line_usage_error(
    scene: Scene, hirebench_home: Path, argv: list[str], option: str
) -> None:
    target = scene.where / "never.sqlite3"
    argv = [str(scene.outside / "inbox") if a == "INBOX" else a for a in argv]
    outcome = hirebench(hirebench_home, *argv, "--database", str(target))
    assert outcome.code == EXIT_USAGE
    line = assert_one_line(outcome, f"hirebench {argv[0]}: argument {option}:", "out of range")
    assert line.endswith(f"(see 'hirebench {argv[0]} --help')")
    assert outcome.out == ""
    assert listing(scene.where) == {}


@pytest.mark.parametrize(
    "value", ["abc", "1e3", "0x10", "", " ", "12abc", "9" * 5000], ids=lambda v: repr(v[:8])
)
def test_a_number_that_is_not_a_number_is_a_one_line_usage_error(
    scene: Scene, hirebench_home: Path, value: str
) -> None:
    """Including 5,000 digits, past the length Python's int() reads from text."""
    outcome = hirebench(hirebench_home, "search", "x", "--pool", value)
    assert outcome.code == EXIT_USAGE
    assert_one_line(outcome, "hirebench search: argument --pool:")
    assert outcome.out == ""


def test_the_largest_id_passes_the_parser_and_is_reported_missing(
    demo_copy: Path, scene: Scene, hirebench_home: Path
) -> None:
    """2**63 - 1 reaches SQLite (no overflow) and is simply not found; 2**63 is refused above."""
    before = sqlite_rows(demo_copy, "SELECT count(*) FROM candidates")
    outcome = hirebench(
        hirebench_home,
        "import",
        str(scene.outside / "inbox"),
        "--job",
        str(SQLITE_MAX_ID),
        "--database",
        str(demo_copy),
    )
    assert outcome.code == EXIT_FAILURE
    assert_one_line(outcome, "hirebench import:", f"There is no job #{SQLITE_MAX_ID}")
    assert sqlite_rows(demo_copy, "SELECT count(*) FROM candidates") == before


def test_search_in_a_talent_pool_that_does_not_exist_fails_in_one_line(
    demo_copy: Path, hirebench_home: Path
) -> None:
    outcome = hirebench(
        hirebench_home,
        "search",
        "python",
        "--pool",
        str(SQLITE_MAX_ID),
        "--database",
        str(demo_copy),
    )
    assert outcome.code == EXIT_FAILURE
    assert_one_line(outcome, "hirebench search:", f"#{SQLITE_MAX_ID}")
    assert outcome.out == ""


# --- Ctrl-C --------------------------------------------------------------------------------


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed if the test fails before they end."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_ctrl_c_stops_a_seed_and_leaves_no_database(
    scene: Scene, hirebench_home: Path, started: list[subprocess.Popen[str]]
) -> None:
    target = scene.where / "s.sqlite3"
    seed = subprocess.Popen(
        [sys.executable, "-m", "app", "seed", "--candidates", "200000", "--database", str(target)],
        cwd=PROJECT_ROOT,
        env=child_env(hirebench_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(seed)
    assert seed.stderr is not None
    first = seed.stderr.readline()  # blocks until the first 10,000 are written
    assert first == "  10,000 of 200,000 candidates…\n"
    assert target.exists()  # it really was being built
    seed.send_signal(signal.SIGINT)
    out, err = seed.communicate(timeout=30)
    assert seed.returncode == 130
    assert_one_line(Outcome(seed.returncode, out, err), "hirebench seed: interrupted")
    assert out == ""
    assert not target.exists()
    assert not any(Path(f"{target}{s}").exists() for s in SIDE_SUFFIXES)


def test_ctrl_c_stops_an_import_with_a_line_per_file_and_a_summary(
    tmp_path: Path, hirebench_home: Path, started: list[subprocess.Popen[str]]
) -> None:
    inbox = tmp_path / "many"
    inbox.mkdir()
    for i in range(300):
        (inbox / f"r{i:03}.txt").write_text(
            f"Person{i:03} Tester\nEngineer\nAustin, TX | p{i}@example.com | (512) 555-{i:04}\n",
            encoding="utf-8",
        )
    target = tmp_path / "imported.sqlite3"
    intake = subprocess.Popen(
        [sys.executable, "-m", "app", "import", str(inbox), "--database", str(target)],
        cwd=PROJECT_ROOT,
        env=child_env(hirebench_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(intake)
    assert intake.stdout is not None
    seen = []
    while not (seen and seen[-1].startswith("done ")):
        line = intake.stdout.readline()
        assert line, "the import ended before its first file was done"
        seen.append(line)
    intake.send_signal(signal.SIGINT)
    # The rest through the same reader: communicate() reads the pipe itself, and would miss
    # the lines readline() had already buffered with the first one.
    out, err = intake.stdout.read(), intake.stderr.read() if intake.stderr else ""
    intake.wait(timeout=60)
    assert intake.returncode == 130
    assert_one_line(Outcome(intake.returncode, out, err), "hirebench import: interrupted")
    *per_file, summary = [line.rstrip("\n") for line in seen] + out.splitlines()
    named = [line.split(" ", 1)[1].strip().rsplit(": ", 1)[0] for line in per_file]
    assert len(named) == len(set(named)) and all(name.startswith(str(inbox)) for name in named)
    assert summary.startswith(plural(len(per_file), "file") + ": ")
    done = sum(line.startswith("done ") for line in per_file)
    assert done < 300, "Ctrl-C came too late to stop anything"
    assert sqlite_rows(target, "SELECT count(*) FROM candidates") == [(done,)]
    assert plural(done, "new candidate") in summary
    assert integrity_ok(target)


# --- item 6: control characters in names are printed escaped ---------------------------------


def test_an_imported_file_name_cannot_forge_output_lines(
    tmp_path: Path, hirebench_home: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / EVIL_NAME).write_text(
        "Eve Hacker\nEngineer\nAustin, TX | eve@example.com | (512) 555-0100\n", encoding="utf-8"
    )
    (inbox / "plain.txt").write_text(
        "Bob Plain\nEngineer\nAustin, TX | bob@example.com | (512) 555-0101\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "app", "import", str(inbox), "--database", str(tmp_path / "x.db")],
        cwd=PROJECT_ROOT,
        env=child_env(hirebench_home),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    for raw in (done.stdout, done.stderr):
        assert b"\x1b" not in raw and b"\r" not in raw
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[-1] == ""  # the output ends with a line break, and nothing after it
    lines = lines[:-1]
    assert len(lines) == 3, lines
    assert sorted(line.split()[0] for line in lines[:2]) == ["done", "done"]
    evil = [line for line in lines if "evil" in line]
    prefix = f"done       {inbox / EVIL_SHOWN}: new candidate "
    assert len(evil) == 1 and evil[0].startswith(prefix)
    assert re.fullmatch(r"\S.* #\d+", evil[0][len(prefix) :]), evil[0]
    assert lines[2] == "2 files: 2 new candidates, 0 updated, 0 duplicates, 0 failed."


def test_a_missing_database_with_control_characters_in_its_name_is_named_escaped(
    tmp_path: Path, hirebench_home: Path
) -> None:
    name = "db\x1b[31m\rforged\n.sqlite3"
    outcome = hirebench(hirebench_home, "stats", "--database", str(tmp_path / name))
    assert outcome.code == EXIT_FAILURE
    assert "\x1b" not in outcome.err and "\r" not in outcome.err
    assert_one_line(outcome, "There is no database at", "db\\x1b[31m\\rforged\\n.sqlite3")
    assert not (tmp_path / name).exists()


def test_control_characters_in_a_usage_error_are_escaped(hirebench_home: Path) -> None:
    outcome = hirebench(hirebench_home, "stats", "--colour", "\x1b[2J\rforged")
    assert outcome.code == EXIT_USAGE
    assert "\x1b" not in outcome.err and "\r" not in outcome.err
    assert_one_line(outcome, "hirebench: unrecognized arguments:", "\\x1b[2J\\rforged")


@pytest.fixture
def older_data(demo_copy: Path) -> int:
    """A candidate whose name and title hold control characters, written with plain sqlite3
    the way an older version (before values were cleaned) could have stored them."""
    connection = raw_connect(demo_copy)
    try:
        (candidate_id,) = connection.execute("SELECT min(id) FROM candidates").fetchone()
        connection.execute(
            "UPDATE candidates SET first_name = ?, last_name = ?, current_title = ? WHERE id = ?",
            ("Zed\x1b[2J", "Quuxley\r\nforged line", "Boss\x1b]0;owned\x07", candidate_id),
        )
        connection.commit()
    finally:
        connection.close()
    return candidate_id


def test_search_prints_stored_control_characters_escaped(
    demo_copy: Path, older_data: int, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = in_process(capsys, "search", "quuxley", "--database", str(demo_copy))
    assert outcome.code == EXIT_OK, outcome.err
    for text in (outcome.out, outcome.err):
        assert not any(ch in text for ch in "\x1b\r\x07")
    lines = outcome.out.splitlines()
    assert len(lines) == 2, lines  # one hit: its name line and its snippet line
    assert lines[0].startswith(f"#{older_data:<7} ")
    assert "Zed\\x1b[2J Quuxley\\r\\nforged line" in lines[0]
    assert "Boss\\x1b]0;owned\\x07" in lines[0]
    assert outcome.err == "1 of 1 candidate shown.\n"


def test_search_json_keeps_the_stored_value_and_no_raw_control_character(
    demo_copy: Path, older_data: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON is for programs: the exact stored value, written with JSON's own escapes."""
    import json

    outcome = in_process(capsys, "search", "quuxley", "--json", "--database", str(demo_copy))
    assert outcome.code == EXIT_OK, outcome.err
    assert not any(ch in outcome.out for ch in "\x1b\r\x07")
    [hit] = json.loads(outcome.out)["hits"]
    assert hit["candidate_id"] == older_data
    assert "Zed\x1b[2J" in hit["name"] and "Quuxley\r\nforged line" in hit["name"]


def test_an_import_with_nothing_to_import_leaves_no_new_database(
    capsys: pytest.CaptureFixture[str], hirebench_home: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    target = tmp_path / "new.sqlite3"
    outcome = in_process(capsys, "import", str(empty), "--database", str(target))
    assert outcome.code == EXIT_FAILURE
    assert outcome.err.strip() == "hirebench import: no resume files found."
    missing = in_process(capsys, "import", str(tmp_path / "nope"), "--database", str(target))
    assert missing.code == EXIT_FAILURE and "no such file or folder" in missing.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-folder", "home"]


def test_an_empty_database_argument_is_refused(
    capsys: pytest.CaptureFixture[str], hirebench_home: Path
) -> None:
    outcome = in_process(capsys, "stats", "--database", "")
    assert outcome.code == EXIT_FAILURE
    assert outcome.err.strip() == "hirebench stats: The database must be a file path."
