"""The background poller against a real IMAP server: new mail is read moments after it
arrives through IDLE (the interval is ten minutes), resumes are read in parser processes, and
a refused password stops polling until the user acts."""

from __future__ import annotations

import datetime as dt
import os
import queue
import time
from pathlib import Path

from app.mail.imap import AUTHENTICATION, SETTINGS
from app.services.core.context import ServiceContext
from app.services.mailbox.settings import mailbox_status, save_settings
from app.store.database import Database
from app.workers.mailbox_pass import PollReport, read_in_turn
from app.workers.mailbox_poller import MailboxPoller, ProcessReader
from tests.mail import dovecot as dovecot_fixtures
from tests.mail.dovecot import PASSWORD, Dovecot
from tests.support import count_rows
from tests.workers.test_mailbox_pass import APPLICATIONS, applicant, make_job, settings_for

dovecot = dovecot_fixtures.dovecot


def next_report(reports: queue.Queue[PollReport], timeout: float = 30.0) -> PollReport:
    return reports.get(timeout=timeout)


def test_idle_reads_new_mail_at_once_with_the_parser_processes(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    job = make_job(ctx)
    dovecot.deliver(applicant(1, job), APPLICATIONS)
    reports: queue.Queue[PollReport] = queue.Queue()
    settings = save_settings(ctx, settings_for(dovecot, poll_minutes=10, use_idle=True)).value
    poller = MailboxPoller(
        database.sessions,
        ctx.actor,
        tmp_path / "documents",
        settings,
        lambda _settings: PASSWORD,
        on_report=reports.put,
        reader=ProcessReader(workers=1),
    )
    poller.start()
    try:
        first = next_report(reports, timeout=60)
        assert first.error is None and first.handled == {"application": 1}
        time.sleep(1.0)  # the poller is in IDLE now
        started = time.monotonic()
        dovecot.deliver(applicant(2, job), APPLICATIONS)
        second = next_report(reports, timeout=30)
        assert second.handled == {"application": 1}
        assert time.monotonic() - started < 30  # not the ten-minute interval
    finally:
        assert poller.stop(timeout=30)
    assert count_rows(database, "candidates") == 2
    status = mailbox_status(ctx)
    assert status.last_poll_at is not None and status.last_error is None
    assert status.counts == {"application": 2}
    assert status.next_poll_at == status.last_poll_at + dt.timedelta(minutes=10)


def test_a_refused_password_waits_for_the_user(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    reports: queue.Queue[PollReport] = queue.Queue()
    password = ["wrong"]
    poller = MailboxPoller(
        database.sessions,
        ctx.actor,
        tmp_path / "documents",
        settings_for(dovecot, poll_minutes=1, use_idle=False, applications_folder="Missing"),
        lambda _settings: password[0],
        on_report=reports.put,
        reader=read_in_turn,
    )
    poller.start()
    try:
        refused = next_report(reports)
        assert refused.error_kind == AUTHENTICATION
        assert mailbox_status(ctx).last_error_kind == AUTHENTICATION
        poller.wake()  # the user asked again: still refused, and said again
        assert next_report(reports).error_kind == AUTHENTICATION
        time.sleep(1.5)
        assert reports.empty() and poller.passes == 2  # blocked: no retry loop
        password[0] = PASSWORD
        poller.wake()
        missing = next_report(reports)
        assert missing.error_kind == SETTINGS and "Missing" in (missing.error or "")
        poller.update_settings(
            settings_for(dovecot, poll_minutes=1, use_idle=False, applications_folder="INBOX")
        )
        assert next_report(reports).error is None
    finally:
        assert poller.stop(timeout=30)
    assert mailbox_status(ctx).last_error is None


def test_reader_processes_stay_light():
    """A reader process imports what reading needs, not SQLAlchemy and the services: it
    imports its initializer's module, and half a second of CPU per reader would be lost."""
    reader = ProcessReader(workers=1)
    try:
        pool = reader._executor()
        loaded = pool.submit(eval, "sorted(__import__('sys').modules)").result(timeout=60)
        niceness = pool.submit(eval, "__import__('os').nice(0)").result(timeout=60)
    finally:
        reader.close()
    assert "app.workers.mailbox_reading" in loaded  # the initializer ran in the process
    assert niceness > os.nice(0)
    assert not [name for name in loaded if name.split(".")[0] == "sqlalchemy"]
    assert "app.services" not in loaded
