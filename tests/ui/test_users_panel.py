"""Settings → Users and roles: an admin adds a user, changes a role and deactivates someone
(off the GUI thread); the last admin's demotion is refused and said; a recruiter sees the
list with every control disabled."""

from __future__ import annotations

import threading

from app.services.admin.user_admin import add_user
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.store.database import Database
from app.ui.sections.users_panel import UsersPanel
from tests.support import sqlite_rows


def _panel(qtbot, services: ServiceContext) -> UsersPanel:
    panel = UsersPanel(services)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=10_000)
    return panel


def test_an_admin_manages_users(qtbot, ctx: ServiceContext, database: Database) -> None:
    panel = _panel(qtbot, ctx)  # "tester", the database's first user: its admin
    assert panel.may_manage and panel.add_button.isEnabled()
    panel.login.setText("rita.recruiter")
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=10_000)
    assert panel.ops.ran_on("add") is not threading.main_thread()
    row = next(i for i, user in enumerate(panel.users) if user.username == "rita.recruiter")
    panel.table.cellWidget(row, 1).setCurrentIndex(
        panel.table.cellWidget(row, 1).findData("compliance")
    )
    qtbot.waitUntil(lambda: "compliance" in panel.message.text(), timeout=10_000)
    assert sqlite_rows(database.path, "SELECT role FROM users WHERE username='rita.recruiter'") == [
        ("compliance",)
    ]
    me = next(i for i, user in enumerate(panel.users) if user.username == "tester")
    panel.table.cellWidget(me, 1).setCurrentIndex(
        panel.table.cellWidget(me, 1).findData("recruiter")
    )
    qtbot.waitUntil(lambda: "only admin" in panel.message.text(), timeout=10_000)
    assert panel.message.property("role") == "error"
    qtbot.waitUntil(
        lambda: (
            panel.table.cellWidget(me, 1) is not None
            and panel.table.cellWidget(me, 1).currentData() == "admin"
        ),
        timeout=10_000,
    )  # shown as it still is
    panel.table.selectRow(row)
    panel.toggle_button.click()
    qtbot.waitUntil(lambda: "Deactivated" in panel.message.text(), timeout=10_000)
    assert sqlite_rows(
        database.path, "SELECT is_active FROM users WHERE username='rita.recruiter'"
    ) == [(0,)]


def test_a_recruiter_only_reads(qtbot, ctx: ServiceContext, database: Database) -> None:
    add_user(ctx, "rita.recruiter", None, "recruiter")
    recruiter = ServiceContext(database.sessions, ensure_user(database.sessions, "rita.recruiter"))
    panel = _panel(qtbot, recruiter)
    assert not panel.may_manage
    assert not panel.add_button.isEnabled() and not panel.table.cellWidget(0, 1).isEnabled()
    assert "Only an admin" in panel.message.text()
