"""One poll pass against a real IMAP server (Dovecot on loopback, mail delivered by LMTP):
applications imported once however often it is polled, after a restart or a new UIDVALIDITY,
replies matched by header and by sender, Postfix bounces, a connection cut mid-fetch, and the
account's problems said in words."""

from __future__ import annotations

import ssl
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.mail.imap import AUTHENTICATION, CERTIFICATE, UNREACHABLE, ImapSettings
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.context import ServiceContext
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database, open_database
from app.store.engagement import EnrollmentStatus, SequenceEnrollment
from app.store.mailbox import BouncingAddress, MailboxMessage
from app.store.models import Activity, Application, Candidate
from app.workers.mailbox_pass import poll_once
from tests.mail import dovecot as dovecot_fixtures
from tests.mail import messages
from tests.mail.cutting_proxy import CuttingProxy
from tests.mail.dovecot import PASSWORD, USER, Dovecot, free_port
from tests.services.mailbox.test_handling import sent_in_sequence
from tests.support import count_rows

dovecot = dovecot_fixtures.dovecot
dovecot_certificate = dovecot_fixtures.dovecot_certificate
dovecot_tls = dovecot_fixtures.dovecot_tls

APPLICATIONS = "Applications"


def settings_for(server: Dovecot, **changes: object) -> ImapSettings:
    base = ImapSettings(
        host="127.0.0.1",
        port=server.imap_port,
        security="none",
        username=USER,
        applications_folder=APPLICATIONS,
        replies_folder="INBOX",
        after_import="move",
        processed_folder="Processed",
        enabled=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def make_job(ctx: ServiceContext) -> int:
    client = create_client(ctx, ClientInput(name="Initech")).value
    return create_job(ctx, JobInput(client_id=client, title="Data Engineer")).value


def applicant(n: int, job: int) -> bytes:
    name = f"Applicant Number{n}"
    address = f"applicant{n}@example.org"
    return messages.application(
        sender=f"{name} <{address}>",
        subject=f"Application [JOB-{job}]",
        resume=messages.resume_text(name, address, phone=f"+1 555 010 {2000 + n}"),
        filename=f"resume-{n}.txt",
    )


def folder_uids(server: Dovecot, folder: str) -> list[int]:
    imap = server.imap()
    try:
        imap.select(f'"{folder}"')
        _, data = imap.uid("SEARCH", "ALL")
        return [int(u) for u in (data[0] or b"").split()]
    finally:
        imap.logout()


def test_applications_are_imported_once_polled_twice_and_after_a_restart(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    job = make_job(ctx)
    for n in range(3):
        dovecot.deliver(applicant(n, job), APPLICATIONS)
    docs = tmp_path / "documents"
    report = poll_once(ctx, docs, settings_for(dovecot), PASSWORD)
    assert report.error is None and report.handled == {"application": 3}
    assert count_rows(database, "candidates") == 3
    with database.sessions() as session:
        sources = session.scalars(select(Application.source).where(Application.job_id == job)).all()
        assert sources == ["Email"] * 3
    assert folder_uids(dovecot, APPLICATIONS) == []
    assert len(folder_uids(dovecot, "Processed")) == 3

    again = poll_once(ctx, docs, settings_for(dovecot), PASSWORD)
    assert again.error is None and again.fetched == 0 and again.handled == {}

    # A restart: a new process opens the same file; nothing in memory survives.
    path = Path(database.engine.url.database or "")
    reopened = open_database(path, tmp_path / "backups")
    try:
        fresh = ServiceContext(reopened.sessions, ctx.actor)
        dovecot.deliver(applicant(9, job), APPLICATIONS)
        after = poll_once(fresh, docs, settings_for(dovecot), PASSWORD)
        assert after.handled == {"application": 1}
    finally:
        reopened.close()
    assert count_rows(database, "candidates") == 4
    assert count_rows(database, "documents") == 4


def test_flag_mode_leaves_messages_flagged_and_a_new_uidvalidity_imports_nothing_again(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    job = make_job(ctx)
    raws = [applicant(n, job) for n in range(2)]
    for raw in raws:
        dovecot.deliver(raw, APPLICATIONS)
    settings = settings_for(dovecot, after_import="flag")
    docs = tmp_path / "documents"
    assert poll_once(ctx, docs, settings, PASSWORD).handled == {"application": 2}
    imap = dovecot.imap()
    try:
        imap.select(APPLICATIONS)
        _, flagged = imap.uid("SEARCH", "FLAGGED")
        assert len(flagged[0].split()) == 2
        before = int(imap.untagged_responses.get("UIDVALIDITY", [b"0"])[-1])
        # The server renumbers the folder: it is made anew and the same messages put back.
        imap.select("INBOX")
        imap.rename(APPLICATIONS, "Old")
        imap.create(APPLICATIONS)
        for raw in raws:
            imap.append(APPLICATIONS, None, None, raw)
        imap.select(APPLICATIONS)
        after = int(imap.untagged_responses.get("UIDVALIDITY", [b"0"])[-1])
    finally:
        imap.logout()
    assert after != before
    report = poll_once(ctx, docs, settings, PASSWORD)
    assert report.error is None and report.duplicates == 2 and report.handled == {}
    assert count_rows(database, "candidates") == 2 and count_rows(database, "applications") == 2
    # Remembered under the new UIDVALIDITY too: the next pass does not even look again.
    assert poll_once(ctx, docs, settings, PASSWORD).duplicates == 0


def test_replies_by_header_and_by_sender_and_a_postfix_bounce(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    ria = create_candidate(
        ctx, CandidateInput(first_name="Ria", last_name="T", email="ria@example.org")
    ).value
    bo = create_candidate(
        ctx, CandidateInput(first_name="Bo", last_name="T", email="bo@example.org")
    ).value
    gone = create_candidate(
        ctx, CandidateInput(first_name="Gone", last_name="T", email="gone@example.org")
    ).value
    ria_id, _, ria_enrollment = sent_in_sequence(database, ria, "ria@example.org")
    sent_in_sequence(database, bo, "bo@example.org")
    gone_id, _, _ = sent_in_sequence(database, gone, "gone@example.org")
    dovecot.deliver(
        messages.plain("ria.home@example.net", "Re: A role", "Interested!", in_reply_to=ria_id)
    )
    dovecot.deliver(messages.plain("Bo <bo@example.org>", "Hello again", "Call me"))
    dovecot.deliver(messages.postfix_bounce("gone@example.org", gone_id))
    settings = settings_for(dovecot, applications_folder="INBOX")
    report = poll_once(ctx, tmp_path / "documents", settings, PASSWORD)
    assert report.error is None
    assert report.handled == {"reply": 2, "bounce": 1}
    with database.sessions() as session:
        assert (
            session.get_one(SequenceEnrollment, ria_enrollment).status == EnrollmentStatus.STOPPED
        )
        replies = session.scalars(
            select(Activity.candidate_id)
            .where(Activity.direction == "in")
            .order_by(Activity.candidate_id)
        ).all()
        assert replies == sorted([ria, bo])
        assert session.get(BouncingAddress, "gone@example.org") is not None


def test_a_connection_cut_mid_fetch_loses_nothing_and_imports_nothing_twice(
    dovecot: Dovecot, ctx: ServiceContext, database: Database, tmp_path: Path
):
    job = make_job(ctx)
    for n in range(4):
        dovecot.deliver(applicant(n, job), APPLICATIONS)
    docs = tmp_path / "documents"
    with CuttingProxy(dovecot.imap_port, b"BODY.PEEK[]", occurrence=3, after_bytes=700) as proxy:
        cut = poll_once(ctx, docs, settings_for(dovecot, port=proxy.port), PASSWORD)
        assert proxy.cuts == 1
    assert cut.error_kind == UNREACHABLE
    # Messages are fetched a few at a time before they are handled: the third was on the
    # wire, so at most the two before it were handled.
    before = cut.handled.get("application", 0)
    assert before <= 2
    rest = poll_once(ctx, docs, settings_for(dovecot), PASSWORD)
    assert rest.error is None and rest.handled == {"application": 4 - before}
    assert count_rows(database, "candidates") == 4
    assert count_rows(database, "mailbox_messages") == 4
    with database.sessions() as session:
        names = session.scalars(select(Candidate.last_name).order_by(Candidate.last_name)).all()
    assert names == [f"Number{n}" for n in range(4)]
    assert folder_uids(dovecot, APPLICATIONS) == []


def test_problems_are_said_with_their_kind(dovecot: Dovecot, ctx: ServiceContext, tmp_path: Path):
    docs = tmp_path / "documents"
    wrong = poll_once(ctx, docs, settings_for(dovecot), "not the password")
    assert wrong.error_kind == AUTHENTICATION and "not the password" not in (wrong.error or "")
    closed = poll_once(ctx, docs, settings_for(dovecot, port=free_port()), PASSWORD)
    assert closed.error_kind == UNREACHABLE
    assert count_rows_of(ctx) == 0


def count_rows_of(ctx: ServiceContext) -> int:
    with ctx.read() as session:
        return len(session.scalars(select(MailboxMessage.id)).all())


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_trusted_certificate_and_an_untrusted_one(
    security: str, dovecot_tls: Dovecot, dovecot_certificate, ctx: ServiceContext, tmp_path: Path
):
    port = dovecot_tls.imap_port if security == "starttls" else dovecot_tls.imaps_port
    dovecot_tls.deliver(messages.plain("x@example.net", "Hello", "Who are you?"))
    settings = settings_for(dovecot_tls, port=port, security=security, applications_folder="INBOX")
    trusted = poll_once(
        ctx, tmp_path, settings, PASSWORD, ssl_context=dovecot_certificate.client_context()
    )
    assert trusted.error is None and trusted.pending == 1
    untrusted = poll_once(
        ctx, tmp_path, settings, PASSWORD, ssl_context=ssl.create_default_context()
    )
    assert untrusted.error_kind == CERTIFICATE and "not trusted" in (untrusted.error or "")


def test_batches_are_cut_by_count_and_by_size() -> None:
    from app.workers.mailbox_pass import BATCH, BATCH_BYTES, batches

    uids = list(range(1, 2 * BATCH + 2))
    assert [len(b) for b in batches(uids, {})] == [BATCH, BATCH, 1]
    big = BATCH_BYTES // 2 + 1
    cut = batches([1, 2, 3, 4], {1: big, 2: big, 3: 10 * BATCH_BYTES, 4: 5})
    assert cut == [[1], [2], [3], [4]]  # two halves overflow; a huge one travels alone
    assert [uid for batch in batches(uids, {uid: 1 for uid in uids}) for uid in batch] == uids


def test_resumes_are_staged_by_the_reader_and_moved_into_the_store_as_they_are(
    dovecot: Dovecot,
    ctx: ServiceContext,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """The reader saves each resume beside the store, synced and hashed; the importing thread
    moves that file into place and copies nothing. Nothing is left in the incoming folder."""
    import hashlib

    from app.services.mailbox import applications
    from app.store.models import Document

    def no_copy(*_args: object) -> None:
        raise AssertionError("the importing thread copied a resume the reader had staged")

    monkeypatch.setattr(applications, "copy_in", no_copy)
    job = make_job(ctx)
    sent = [applicant(n, job) for n in range(2)]
    for raw in sent:
        dovecot.deliver(raw, APPLICATIONS)
    docs = tmp_path / "documents"
    report = poll_once(ctx, docs, settings_for(dovecot), PASSWORD)
    assert report.error is None and report.handled == {"application": 2}, report.lines
    with database.sessions() as session:
        stored = session.execute(select(Document.sha256, Document.stored_path)).all()
    assert len(stored) == 2
    for digest, relative in stored:
        assert hashlib.sha256((docs / relative).read_bytes()).hexdigest() == digest
    assert not (docs / ".incoming").exists()
