"""Another program writes to the open database: every section the window has built shows it.

The main window watches the file for commits made by other programs (another window, the
command line). Here a real second process, with its own engine on the same file, adds a job,
a candidate, a talent-pool member, an application on the job whose board is open and a
scheduled email; the window hears of it through its watcher and each section reloads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from app.services.core.context import ServiceContext
from app.store.models import Job, JobStatus
from app.ui.main_window import MainWindow
from tests.support import create_pool

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000

# Another Hirebench: its own process, its own engine, its own commits.
OTHER_PROCESS = textwrap.dedent(
    """
    import datetime as dt
    import json
    import sys
    from pathlib import Path

    from app.mail.render import TemplateSource
    from app.services.candidates.bulk import add_to_job
    from app.services.candidates.pools import add_members
    from app.services.candidates.records import CandidateInput, create_candidate
    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user
    from app.services.engagement.campaigns import send_one
    from app.services.pipeline.jobs import JobInput, create_job
    from app.store.database import open_database

    given = json.loads(sys.argv[2])
    database = open_database(Path(sys.argv[1]), may_create=False)
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "someone else"))
    job = create_job(ctx, JobInput(given["client"], "Remote Lighthouse Keeper")).value
    person = create_candidate(
        ctx, CandidateInput("Aabel", "Aardvark", email="aabel@example.org")
    ).value
    add_members(ctx, given["pool"], [person])
    [application] = add_to_job(ctx, [person], given["job"], given["stage"], "Elsewhere").value
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)  # the dispatcher leaves it queued
    template = TemplateSource(subject="Hello from elsewhere", body_text="Hi")
    message = send_one(ctx, person, template, scheduled_at=later).value
    database.close()
    print(json.dumps(
        {"job": job, "candidate": person, "application": application, "message": message}
    ))
    """
)


def _write_from_another_process(path: Path, given: dict[str, int]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(path), json.dumps(given)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_change_from_another_process_reaches_every_section(
    qtbot, window: MainWindow, demo_ctx: ServiceContext
) -> None:
    with demo_ctx.read() as session:
        job = session.scalars(
            select(Job).where(Job.status == JobStatus.OPEN).order_by(Job.id).limit(1)
        ).one()
        job_id, client_id = job.id, job.client_id
    pool_id = create_pool(demo_ctx, "Lighthouse people").value  # empty, ours

    # Every section built, as after a recruiter's look around; the job's board left open.
    for key in ("jobs", "pipeline", "candidates", "clients", "talent_pools", "tasks", "campaigns"):
        window.show_section(key)
    clients = window.section("clients")

    def open_jobs_of_client() -> int | None:
        rows = clients.model.rows  # type: ignore[attr-defined]
        return next((row.open_jobs for row in rows if row.id == client_id), None)

    qtbot.waitUntil(lambda: open_jobs_of_client() is not None, timeout=WAIT_MS)
    client_open_jobs = open_jobs_of_client()
    window.show_section("reports")
    pools = window.section("talent_pools")
    assert pools.select_pool(pool_id)  # type: ignore[attr-defined]
    assert pools.members_model.rows == []  # type: ignore[attr-defined]
    reports = window.section("reports")
    # Its figures are computed in the background.
    qtbot.waitUntil(lambda: not reports.ops.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    open_jobs = int(reports.open_jobs.value.text().replace(",", ""))  # type: ignore[attr-defined]
    candidates = window.section("candidates")
    total = candidates.model.total  # type: ignore[attr-defined]
    window.open_job_board(job_id)
    board = window.sections["job_board"].board  # type: ignore[attr-defined]
    column = board.columns[1]
    stage_key = column.model.key

    # The window's event loop is held while the other program writes: one announcement.
    with qtbot.waitSignal(window.watcher.changed_elsewhere, timeout=WAIT_MS):
        made = _write_from_another_process(
            window.workspace.database.path,
            {"client": client_id, "job": job_id, "stage": int(stage_key), "pool": pool_id},
        )
    assert "changed elsewhere" in window.statusBar().currentMessage()

    # The board on screen shows the new application in its stage.
    qtbot.waitUntil(
        lambda: made["application"] in board.column(stage_key).model.visible, timeout=WAIT_MS
    )
    # Jobs: the new job is listed.
    jobs = window.section("jobs")
    assert made["job"] in {row.id for row in jobs.model.rows}  # type: ignore[attr-defined]
    # Clients: the job's client has one more open job.
    qtbot.waitUntil(lambda: open_jobs_of_client() == client_open_jobs + 1, timeout=WAIT_MS)
    # Reports: one more open job.
    qtbot.waitUntil(
        lambda: reports.open_jobs.value.text() == f"{open_jobs + 1:,}",  # type: ignore[attr-defined]
        timeout=WAIT_MS,
    )
    # Candidates: one more, and "Aardvark" sorts first by name. A hidden section reloads
    # when it is shown again.
    window.show_section("candidates")
    qtbot.waitUntil(lambda: candidates.model.total == total + 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert made["candidate"] in {row.id for row in candidates.model.rows}  # type: ignore[attr-defined]
    # Talent pools: the chosen pool has its new member once the section is shown.
    window.show_section("talent_pools")
    qtbot.waitUntil(
        lambda: [m.candidate_id for m in pools.members_model.rows] == [made["candidate"]],  # type: ignore[attr-defined]
        timeout=WAIT_MS,
    )
    # Campaigns: the outbox lists the scheduled email once it is shown.
    window.show_section("campaigns")
    outbox = window.section("campaigns").outbox  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: made["message"] in {row.id for row in outbox.model.rows}, timeout=WAIT_MS
    )
