"""An onboarding check changed by another program (another window, a script) shows in the
open Compliance section: the window's watcher hears the commit and the list reloads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from app.services.core.context import ServiceContext
from app.services.pipeline.onboarding import list_checks
from app.ui.main_window import MainWindow
from tests.conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000

OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from app.services.core.context import ServiceContext
    from app.services.core.users import ensure_user
    from app.services.pipeline.onboarding import set_owner
    from app.store.database import open_database

    database = open_database(Path(sys.argv[1]), may_create=False)
    actor = ensure_user(database.sessions, "compliance officer")
    ctx = ServiceContext(database.sessions, actor)
    set_owner(ctx, int(sys.argv[2]), actor.user_id)
    database.close()
    """
)


def _owners(section: object, check_id: int) -> list[str | None]:
    return [
        item.data(0, 256).owner_name
        for group in ("overdue", "due_soon", "open", "done")
        for item in section.check_items(group)  # type: ignore[attr-defined]
        if item.data(0, 256).id == check_id
    ]


def test_a_check_given_to_someone_elsewhere_shows_its_new_owner(
    qtbot, window: MainWindow, demo_ctx: ServiceContext
) -> None:
    groups = list_checks(demo_ctx, DEMO_AS_OF.date())
    check = next(r for r in (*groups.overdue, *groups.open, *groups.due_soon))
    window.show_section("compliance")
    section = window.section("compliance")
    qtbot.waitUntil(lambda: section.loaded, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert _owners(section, check.id) not in ([], ["Compliance Officer"])
    with qtbot.waitSignal(window.watcher.changed_elsewhere, timeout=WAIT_MS):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                OTHER_PROCESS,
                str(window.workspace.database.path),
                str(check.id),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    qtbot.waitUntil(lambda: _owners(section, check.id) == ["Compliance Officer"], timeout=WAIT_MS)
