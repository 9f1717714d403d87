"""`hirebench outbox`: the outbox by state, and `--dispatch` sending what is due without the GUI
(to a real SMTP server on loopback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.cli
from app.cli import EXIT_FAILURE, EXIT_OK, OUTBOX_STATES, run
from app.paths import AppPaths
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.engagement import outbox
from app.services.engagement.outbox import Draft, add_to_outbox
from app.store.database import open_database
from app.store.engagement import MailAccount, MessageState
from app.store.models import Candidate, CandidateEmail
from tests.mail.smtp_server import DATA, SmtpTestServer

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as running:
        yield running


@pytest.fixture
def path(tmp_path: Path, _empty_template: Path) -> Path:
    """Where the test's database goes: a copy of the migrated empty template."""
    target = tmp_path / "agency.sqlite3"
    shutil.copy(_empty_template, target)
    return target


def make_database(path: Path, server: SmtpTestServer | None, username: str | None = None) -> None:
    """Three candidates with a queued email each; the account pointing at ``server``."""
    database = open_database(path, path.parent / "backups")
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "setup"))
        with ctx.write() as tx:
            if server is not None:
                tx.session.add(
                    MailAccount(
                        id=1,
                        host=server.host,
                        port=server.port,
                        security="none",
                        username=username,
                        from_name="Agency",
                        from_address="jobs@agency.test",
                        rate_per_minute=0,
                    )
                )
            people = [
                Candidate(
                    first_name=name,
                    last_name="Smith",
                    emails=[CandidateEmail(email=f"{name.lower()}@example.com")],
                )
                for name in ("Ann", "Bob", "Cleo")
            ]
            tx.session.add_all(people)
            tx.session.flush()
            drafts = [
                Draft(
                    to_address=p.emails[0].email,
                    to_name=f"{p.first_name} Smith",
                    subject=f"Hello {p.first_name}",
                    body_text="A role you may like.",
                    candidate_id=p.id,
                )
                for p in people
            ]
            add_to_outbox(tx.session, drafts, domain="agency.test")
    finally:
        database.close()


def counts(path: Path) -> dict[str, int]:
    database = open_database(path, path.parent / "backups")
    try:
        return outbox.outbox_counts(
            ServiceContext(database.sessions, ensure_user(database.sessions, "t"))
        )
    finally:
        database.close()


def test_the_listed_states_are_the_outbox_states() -> None:
    assert tuple(str(state) for state in MessageState) == OUTBOX_STATES


def test_lists_counts_and_messages(
    paths: AppPaths, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(path, None)
    assert run(["outbox", "--database", str(path)]) == EXIT_OK
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "queued 3  sending 0  sent 0  failed 0  cancelled 0  unknown 0"
    assert sum("queued" in line and "Hello" in line for line in lines[1:]) == 3
    assert "Cleo Smith <cleo@example.com>" in captured.out
    assert "3 of 3 messages shown." in captured.err


def test_json_with_a_state_filter(
    paths: AppPaths, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(path, None)
    assert run(["outbox", "--database", str(path), "--json", "--state", "sent"]) == EXIT_OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["counts"]["queued"] == 3 and payload["messages"] == []
    assert run(["outbox", "--database", str(path), "--json", "--state", "queued"]) == EXIT_OK
    messages = json.loads(capsys.readouterr().out)["messages"]
    assert {m["subject"] for m in messages} == {"Hello Ann", "Hello Bob", "Hello Cleo"}
    assert all(m["state"] == "queued" and m["message_id"].startswith("<") for m in messages)


def test_dispatch_sends_what_is_due(
    paths: AppPaths, path: Path, server: SmtpTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(path, server)
    assert run(["outbox", "--database", str(path), "--dispatch"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.count("sent ") == 3
    assert "Sent 3, to retry later 0, failed 0, unknown 0, cancelled 0." in out
    assert len(server.messages) == 3
    assert counts(path)["sent"] == 3
    assert run(["outbox", "--database", str(path), "--dispatch"]) == EXIT_OK  # nothing left
    assert len(server.messages) == 3


def test_dispatch_exits_1_when_a_message_fails(
    paths: AppPaths, path: Path, server: SmtpTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(path, server)
    server.fail(DATA, "550 5.7.1 Rejected by policy", recipient="bob@example.com")
    assert run(["outbox", "--database", str(path), "--dispatch", "--json"]) == EXIT_FAILURE
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (report["sent"], report["failed"]) == (2, 1)
    assert "550 5.7.1 Rejected by policy" in captured.err
    assert run(["outbox", "--database", str(path), "--state", "failed"]) == EXIT_OK
    assert "550 5.7.1 Rejected by policy" in capsys.readouterr().out


def test_dispatch_without_an_account_says_so(
    paths: AppPaths, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(path, None)
    assert run(["outbox", "--database", str(path), "--dispatch"]) == EXIT_FAILURE
    assert "Email is not set up" in capsys.readouterr().err
    assert counts(path)["queued"] == 3


class _NoPassword:
    problem = None

    def get(self, account: object) -> None:
        return None


def test_dispatch_without_a_saved_password_sends_nothing(
    paths: AppPaths,
    path: Path,
    server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app.mail.secrets

    monkeypatch.setattr(app.mail.secrets, "PasswordStore", _NoPassword)
    make_database(path, server, username="jobs@agency.test")
    assert run(["outbox", "--database", str(path), "--dispatch"]) == EXIT_FAILURE
    assert "No password for jobs@agency.test" in capsys.readouterr().err
    assert server.connections == 0
    assert counts(path)["queued"] == 3


def test_unknown_state_is_a_usage_error(paths: AppPaths, tmp_path: Path) -> None:
    assert run(["outbox", "--state", "lost"]) == 2


def test_missing_database_is_reported(
    paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["outbox", "--database", str(tmp_path / "none.sqlite3")]) == EXIT_FAILURE
    assert "There is no database" in capsys.readouterr().err


def test_as_a_real_process(tmp_path: Path, path: Path, server: SmtpTestServer) -> None:
    make_database(path, server)
    env = dict(os.environ, HIREBENCH_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    env.pop("HIREBENCH_DATABASE", None)
    result = subprocess.run(
        [sys.executable, "-m", "app", "outbox", "--database", str(path), "--dispatch"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert len(server.messages) == 3
    assert app.cli.OUTBOX_STATES[2] in result.stdout  # "sent" lines
