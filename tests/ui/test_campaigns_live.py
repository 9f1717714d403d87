"""The Campaigns section following a real send: the window's `MailRuntime` runs the real
dispatcher against a real SMTP server on loopback (aiosmtpd), and the outbox view catches up
from the runtime's signals — the server's refusal shown word for word."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.mail.render import TemplateSource
from app.mail.secrets import PasswordStore
from app.services.core.context import ServiceContext
from app.services.engagement.campaigns import send_to_candidates
from app.services.engagement.mail_settings import AccountInput, save_account
from app.store.database import Database
from app.store.models import Candidate, CandidateEmail
from app.ui.mail_runtime import MailRuntime
from app.ui.sections.campaigns import CAMPAIGNS_TAB, CampaignsSection
from tests.mail.smtp_server import RCPT, SmtpTestServer
from tests.support import sqlite_rows

REFUSED = "550 5.1.1 Mailbox unavailable"


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer("none") as server:
        yield server


def _recipients(database: Database, count: int) -> list[tuple[int, str]]:
    """Contactable candidates and their primary address."""
    with database.sessions() as session:
        return [
            (row.id, row.email)
            for row in session.execute(
                select(Candidate.id, CandidateEmail.email)
                .join(CandidateEmail, CandidateEmail.candidate_id == Candidate.id)
                .where(
                    Candidate.do_not_contact.is_(False),
                    Candidate.unsubscribed_at.is_(None),
                    CandidateEmail.position == 0,
                )
                .order_by(Candidate.id)
                .limit(count)
            )
        ]


def test_the_outbox_follows_a_real_send(qtbot, demo_ctx: ServiceContext, demo_database, smtp):
    save_account(
        demo_ctx,
        AccountInput(
            host=smtp.host,
            port=smtp.port,
            security="none",
            from_name="Brightpath Recruiting",
            from_address="team@brightpath.example",
            rate_per_minute=0,
        ),
    )
    people = _recipients(demo_database, 6)
    refused_address = people[2][1]
    smtp.fail(RCPT, REFUSED, count=None, recipient=refused_address)
    template = TemplateSource("Roles for {{ candidate.first_name | default('you') }}", "Hi.\n")
    campaign_id = send_to_candidates(
        demo_ctx, [candidate for candidate, _ in people], template, name="Live"
    ).value

    runtime = MailRuntime(demo_ctx, PasswordStore(backend=None))
    section = CampaignsSection(demo_ctx, None, runtime)
    qtbot.addWidget(section)
    section.show()
    qtbot.waitExposed(section)
    chips = section.outbox.chips
    assert chips["queued"].text() == "Queued  6"
    reloads = section.outbox.throttle.reloads
    try:
        runtime.start()
        assert runtime.running
        qtbot.waitUntil(
            lambda: (chips["sent"].text(), chips["failed"].text()) == ("Sent  5", "Failed  1"),
            timeout=10_000,
        )
    finally:
        runtime.stop()
    assert len(smtp.messages) == 5
    assert refused_address not in {address for m in smtp.messages for address in m.rcpt_tos}
    assert section.outbox.throttle.reloads - reloads <= 4  # 12+ state changes, few reloads

    qtbot.mouseClick(chips["failed"], Qt.MouseButton.LeftButton)
    model = section.outbox.model
    assert model.rowCount() == 1
    assert refused_address in model.index(0, 0).data()
    assert REFUSED in model.index(0, 6).data()
    [(error,)] = sqlite_rows(
        demo_database.path, "SELECT last_error FROM outbox_messages WHERE state='failed'"
    )
    assert REFUSED in error

    section.tabs.setCurrentIndex(CAMPAIGNS_TAB)
    row = section.campaigns.model.rows[0]
    assert row.id == campaign_id
    assert section.campaigns.model.index(0, 4).data() == "5 of 6 sent"
    assert section.campaigns.model.index(0, 10).data() == "Finished"
