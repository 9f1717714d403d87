"""A 1,000-recipient campaign to a local SMTP server, against a plain smtplib loop.

The server is `tests.mail.smtp_server` in its own process. The baseline sends 1,000 prebuilt
messages (the very bytes the campaign sends) over one connection with ``smtplib``; ours queues
1,000 outbox rows for 1,000 candidates (rendered from a branded template, with the agency's
logo) in a real SQLite file and lets the background `Dispatcher` send them (no rate limit) while
the GUI thread runs a Qt event loop with a 10 ms timer. Each sent message is committed with its
timeline Activity and audit entry as in production. The two alternate for a few rounds in the
same run (this machine is shared, so one round proves little) and the medians are compared.

Figures: both throughputs, their ratio (target ≥ 0.7) and the longest gap between the GUI
thread's timer ticks while the dispatcher sends (target ≤ 100 ms).
"""

from __future__ import annotations

import itertools
import shutil
import smtplib
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.mime import OutgoingEmail, render_message
from app.mail.render import TemplateSource, render_email
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.engagement.outbox import Draft, add_to_outbox, outbox_counts
from app.store.database import open_database
from app.store.engagement import Campaign, CampaignKind
from app.store.models import Candidate, CandidateEmail
from app.workers.dispatcher import Dispatcher, DispatchEvent
from tests.mail.smtp_server import ServerProcess
from tests.perf.support import bench

RECIPIENTS = 1000
ROUNDS = 3
SAFETY_S = 120
DOMAIN = "agency.test"
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16  # a 4 KB logo, as agencies' logos go
BRANDING = BrandingSettings(
    agency_name="Northwind Talent",
    logo=LOGO,
    logo_mime="image/png",
    footer="Northwind Talent · 12 Harbour Street · Leeds",
)
TEMPLATE = TemplateSource(
    subject="{{ candidate.first_name }}, a {{ job.title }} role at {{ client.name }}",
    body_text=(
        "Hi {{ candidate.first_name }},\n\n"
        "We are looking for a {{ job.title }} for {{ client.name }}, and your background in "
        "data engineering stood out. The team is twelve people, remote-first, with a strong "
        "engineering culture and a four-day week in the summer.\n\n"
        "Would you have fifteen minutes this week for a call? Reply to this email with a time "
        "that suits you.\n\n"
        "Best regards,\n{{ recruiter.name }}\n{{ recruiter.signature }}"
    ),
)


def _values(number: int) -> dict[str, object]:
    return {
        "candidate": {"first_name": f"Alex{number}", "last_name": "Morgan"},
        "job": {"title": "Senior Data Engineer"},
        "client": {"name": "Acme Analytics"},
        "recruiter": {"name": "Jamie Recruiter", "signature": "Northwind Talent, Leeds"},
        "agency": {"name": "Northwind Talent"},
        "unsubscribe": 'Reply "unsubscribe" and we will not email you again.',
    }


def _address(number: int) -> str:
    return f"alex{number}.morgan@example.com"


def _drafts(campaign_id: int, candidate_ids: list[int]) -> list[Draft]:
    drafts = []
    for number, candidate_id in enumerate(candidate_ids):
        email = render_email(TEMPLATE, _values(number), BRANDING)
        drafts.append(
            Draft(
                to_address=_address(number),
                to_name=f"Alex{number} Morgan",
                subject=email.subject,
                body_text=email.text,
                body_html=email.html,
                candidate_id=candidate_id,
                campaign_id=campaign_id,
            )
        )
    return drafts


def _template_database(folder: Path) -> Path:
    """A database with 1,000 candidates and their campaign queued, copied for each round."""
    path = folder / "campaign.sqlite3"
    database = open_database(path, folder / "backups")
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "bench"))
    with ctx.write() as tx:
        candidates = [
            Candidate(
                first_name=f"Alex{n}",
                last_name="Morgan",
                current_title="Data Engineer",
                location="Leeds",
                emails=[CandidateEmail(email=_address(n))],
            )
            for n in range(RECIPIENTS)
        ]
        tx.session.add_all(candidates)
        campaign = Campaign(name="Senior Data Engineer outreach", kind=CampaignKind.BULK)
        tx.session.add(campaign)
        tx.session.flush()
        drafts = _drafts(campaign.id, [c.id for c in candidates])
        add_to_outbox(tx.session, drafts, domain=DOMAIN, created_by_id=ctx.actor.user_id)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


def _prebuilt(account: AccountSettings) -> list[tuple[str, bytes]]:
    """The campaign's messages as bytes, for the smtplib baseline."""
    messages = []
    for number in range(RECIPIENTS):
        email = render_email(TEMPLATE, _values(number), BRANDING)
        outgoing = OutgoingEmail(
            id=number,
            to_address=_address(number),
            to_name=f"Alex{number} Morgan",
            subject=email.subject,
            body_text=email.text,
            body_html=email.html,
            message_id=f"<baseline.{number}.{time.monotonic_ns()}@{DOMAIN}>",
        )
        messages.append((outgoing.to_address, render_message(outgoing, account, BRANDING)))
    return messages


def _baseline(server: ServerProcess, account: AccountSettings, messages: list) -> float:
    client = smtplib.SMTP(server.host, server.port)
    client.ehlo()
    started = time.perf_counter()
    for recipient, raw in messages:
        client.sendmail(account.from_address, [recipient], raw)
    elapsed = time.perf_counter() - started
    client.quit()
    return RECIPIENTS / elapsed


def _campaign(
    app: QApplication, template: Path, folder: Path, account: AccountSettings
) -> tuple[float, float]:
    """Throughput of the dispatcher and the GUI thread's longest stall meanwhile."""
    path = folder / "round.sqlite3"
    for leftover in folder.glob("round.sqlite3*"):
        leftover.unlink()
    shutil.copy(template, path)
    database = open_database(path, folder / "backups")
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "bench"))
    sent = threading.Event()
    progress = {"sent": 0, "last": 0.0}

    def on_event(event: DispatchEvent) -> None:  # on the dispatcher's threads
        if event.state == "sent":
            progress["sent"] += 1
            progress["last"] = time.perf_counter()
            if progress["sent"] == RECIPIENTS:
                sent.set()

    dispatcher = Dispatcher(database.sessions, ctx.actor, account, lambda: None, on_event)
    ticks: list[float] = []
    loop = QEventLoop()

    def tick() -> None:
        ticks.append(time.perf_counter())
        if sent.is_set():
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(loop.quit)
    timer.start()
    safety.start(SAFETY_S * 1000)
    app.processEvents()
    started = time.perf_counter()
    ticks.append(started)
    dispatcher.start()
    loop.exec()
    timer.stop()
    dispatcher.stop(10)
    counts = outbox_counts(ctx)
    database.close()
    assert sent.is_set(), f"the campaign did not finish in time: {counts}"
    assert counts["sent"] == RECIPIENTS, counts
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return RECIPIENTS / (progress["last"] - started), max(gaps)


def test_campaign_throughput(tmp_path: Path) -> None:
    app = QApplication.instance() or QApplication([])
    template = _template_database(tmp_path)
    with ServerProcess(tmp_path / "received.jsonl") as server:
        account = AccountSettings(
            host=server.host,
            port=server.port,
            security="none",
            from_name="Jamie Recruiter",
            from_address=f"jamie@{DOMAIN}",
            rate_per_minute=0,
        )
        messages = _prebuilt(account)
        baseline, ours, stalls = [], [], []
        for _round in range(ROUNDS):
            baseline.append(_baseline(server, account, messages))
            rate, stall = _campaign(app, template, tmp_path, account)
            ours.append(rate)
            stalls.append(stall)
        received = server.wait_for(2 * ROUNDS * RECIPIENTS)
    # Every round sends the same 2 × 1,000 messages (the prebuilt ones, the template's rows):
    # each Message-ID arrived once per round, none twice, none missing.
    times_received = Counter(line["message_id"] for line in received)
    assert len(times_received) == 2 * RECIPIENTS
    assert set(times_received.values()) == {ROUNDS}
    size = sum(len(raw) for _to, raw in messages) / RECIPIENTS
    ratio = statistics.median(ours) / statistics.median(baseline)
    print(f"\n{RECIPIENTS} messages of {size / 1024:.1f} KB, {ROUNDS} rounds each")
    print(f"smtplib loop:   {', '.join(f'{r:.0f}' for r in baseline)} msgs/s")
    print(f"dispatcher:     {', '.join(f'{r:.0f}' for r in ours)} msgs/s")
    bench("campaign_smtplib_loop", statistics.median(baseline), "msgs/s")
    bench("campaign_dispatcher", statistics.median(ours), "msgs/s")
    bench("campaign_throughput_ratio", ratio, "ratio", "target>=0.7")
    bench("campaign_gui_max_stall", max(stalls), "ms", "target<=100")
