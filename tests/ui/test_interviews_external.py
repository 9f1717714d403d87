"""An interview scheduled by another program (another window, a script) appears in the open
Interviews section: the window's watcher hears the commit and the week view reloads."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from app.services.core.context import ServiceContext
from app.services.pipeline.interview_list import list_interviews
from app.store.models import Application, JobInterviewer
from app.ui.main_window import MainWindow
from app.ui.sections.interviews import week_start

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000
DAY = dt.date(2027, 6, 9)

OTHER_PROCESS = textwrap.dedent(
    """
    import datetime as dt
    import json
    import sys
    from pathlib import Path

    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user
    from app.services.pipeline.interviews import InterviewInput, schedule_interview
    from app.store.database import open_database

    given = json.loads(sys.argv[2])
    database = open_database(Path(sys.argv[1]), may_create=False)
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "someone else"))
    data = InterviewInput(
        given["application"], dt.date(2027, 6, 9), dt.time(11, 0), "UTC", 45,
        contact_ids=(given["contact"],),
    )
    made = schedule_interview(ctx, data).value.interview_id
    database.close()
    print(json.dumps({"interview": made}))
    """
)


def test_an_interview_scheduled_elsewhere_shows_in_the_week(
    qtbot, window: MainWindow, demo_ctx: ServiceContext
) -> None:
    with demo_ctx.read() as session:
        application_id, contact_id = session.execute(
            select(Application.id, JobInterviewer.contact_id)
            .join(JobInterviewer, JobInterviewer.job_id == Application.job_id)
            .order_by(Application.id)
            .limit(1)
        ).one()
    window.show_section("interviews")
    section = window.section("interviews")
    section.monday = week_start(DAY)  # type: ignore[attr-defined]
    section.reload()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: section.week_label.text() == "7–13 Jun 2027", timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.wait(200)
    assert section.rows == []  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.watcher.changed_elsewhere, timeout=WAIT_MS):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                OTHER_PROCESS,
                str(window.workspace.database.path),
                json.dumps({"application": application_id, "contact": contact_id}),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    made = json.loads(done.stdout.strip().splitlines()[-1])["interview"]
    qtbot.waitUntil(
        lambda: [r.id for r in section.rows] == [made],  # type: ignore[attr-defined]
        timeout=WAIT_MS,
    )
    start = dt.datetime(2027, 6, 7, tzinfo=dt.UTC)
    assert [r.id for r in list_interviews(demo_ctx, start, start + dt.timedelta(days=7))] == [made]
