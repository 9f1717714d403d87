"""`hirebench mailbox --poll`: one headless pass over a real IMAP server (Dovecot on loopback)
with the account given on the command line, and one line with exit 1 on a bad account."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.store.database import open_database
from app.store.models import Candidate
from tests.mail import dovecot as dovecot_fixtures
from tests.mail import messages
from tests.mail.dovecot import PASSWORD, USER, Dovecot

dovecot = dovecot_fixtures.dovecot


@pytest.fixture
def path(tmp_path: Path, _empty_template: Path, hirebench_home: Path) -> Path:
    target = tmp_path / "agency.sqlite3"
    shutil.copy(_empty_template, target)
    return target


def poll(path: Path, server: Dovecot, password: str, *extra: str) -> int:
    argv = ["mailbox", "--poll", "--database", str(path), "--host", "127.0.0.1"]
    argv += ["--port", str(server.imap_port), "--user", USER, "--tls", "none"]
    return run([*argv, "--password-stdin", *extra])


def test_poll_imports_an_application_once(
    path: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    dovecot.deliver(messages.application(subject="My application"))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert poll(path, dovecot, PASSWORD, "--folder", "INBOX") == EXIT_OK
    out = capsys.readouterr().out
    assert "application" in out and "Read 1" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert poll(path, dovecot, PASSWORD, "--folder", "INBOX") == EXIT_OK
    assert "Read 0" in capsys.readouterr().out
    database = open_database(path, path.parent / "backups")
    try:
        with database.sessions() as session:
            [candidate] = session.query(Candidate).all()
            assert candidate.source == "Email"
    finally:
        database.close()


def test_a_wrong_password_exits_1_with_one_line(
    path: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong secret\n"))
    assert poll(path, dovecot, "wrong secret") == EXIT_FAILURE
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "refused the user name or password" in lines[0]
    assert "wrong secret" not in captured.err + captured.out


def test_an_unconfigured_mailbox_exits_1(path: Path, capsys: pytest.CaptureFixture):
    assert run(["mailbox", "--poll", "--database", str(path)]) == EXIT_FAILURE
    assert "not set up" in capsys.readouterr().err
