"""A submittal end to end: the profile PDFs drawn by Qt, queued through the outbox, sent by
the dispatcher to a real SMTP server (aiosmtpd), and read back from the received message."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.mail.account import AccountSettings
from app.services.candidates.submittals import SubmittalRequest, submit_candidates
from app.services.core.context import ServiceContext
from app.ui.printing.profile_pdf import render_profile_pdf
from app.workers.dispatcher import Dispatcher
from tests.mail.smtp_server import SmtpTestServer
from tests.pdf_reading import hex_rgb, near, read_pdf
from tests.services.candidates import profile_world as w


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as running:
        yield running


def _send(ctx: ServiceContext, server: SmtpTestServer) -> email.message.EmailMessage:
    account = AccountSettings(
        host=server.host,
        port=server.port,
        security=server.security,
        from_name="Northgate",
        from_address="jobs@northgate.test",
        rate_per_minute=0,
    )
    report = Dispatcher(ctx.sessions, ctx.actor, account, lambda: None, None).run_until_idle()
    assert report.sent == 1
    [message] = server.messages
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_the_client_receives_the_branded_pdf_and_the_resume(
    ctx: ServiceContext, tmp_path: Path, server: SmtpTestServer, qapp: QApplication
) -> None:
    world = w.build_world(ctx, tmp_path)
    request = SubmittalRequest(
        world.job_id, world.contact_id, (world.candidate_id,), with_resume=True
    )
    submit_candidates(ctx, request, render_profile_pdf, tmp_path / "documents")
    received = _send(ctx, server)
    assert received["To"].addresses[0].addr_spec == "dana@halcyon.example"
    attachments = {part.get_filename(): part for part in received.iter_attachments()}
    assert set(attachments) == {"Profile - Philippa Quinn Marchbanks.pdf", "marchbanks.txt"}
    pdf = read_pdf(attachments["Profile - Philippa Quinn Marchbanks.pdf"].get_content())
    assert pdf.contains(w.AGENCY) and pdf.contains(w.EMAIL)
    assert pdf.contains("Principal Data Engineer")
    assert any(near(rgb, hex_rgb(w.PRIMARY)) for rgb, _, _ in pdf.rect_fills)
    assert attachments["marchbanks.txt"].get_content().encode() == world.resume.read_bytes()


def test_a_blind_submittal_reaches_the_client_without_identifying_details(
    ctx: ServiceContext, tmp_path: Path, server: SmtpTestServer, qapp: QApplication
) -> None:
    world = w.build_world(ctx, tmp_path)
    pitch = {world.candidate_id: f"{w.FIRST} is ready; her mobile is {w.PHONE}."}
    request = SubmittalRequest(
        world.job_id, world.contact_id, (world.candidate_id,), blind=True, pitches=pitch
    )
    submit_candidates(ctx, request, render_profile_pdf)
    received = _send(ctx, server)
    [attachment] = list(received.iter_attachments())
    pdf = read_pdf(attachment.get_content())
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    visible = f"{received['Subject']}\n{attachment.get_filename()}\n{body.get_content()}"
    for secret in w.identifying_strings():
        assert not pdf.contains(secret), secret
        assert secret.casefold() not in visible.casefold(), secret
    assert pdf.contains("P. is ready") and pdf.contains("Blind candidate profile")
