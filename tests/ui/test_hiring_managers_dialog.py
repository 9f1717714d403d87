"""A job's Hiring managers… dialog: the users with that role, ticked as they follow the job;
saving changes who follows it."""

from __future__ import annotations

from app.services.admin.user_admin import add_user
from app.services.core.context import ServiceContext
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.ui.dialogs.hiring_managers_dialog import HiringManagersDialog
from tests.support import sqlite_rows


def test_choose_and_save(qtbot, ctx: ServiceContext, database: Database) -> None:
    job = create_job(ctx, JobInput(create_client(ctx, ClientInput("Acme")).value, "Analyst"))
    harry = add_user(ctx, "harry.manager", None, "hiring_manager").value
    add_user(ctx, "rita.recruiter", None, "recruiter")
    dialog = HiringManagersDialog(ctx, job.value, "Analyst")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10_000)  # recruiters not offered
    dialog.list.item(0).setCheckState(dialog.list.item(0).checkState().Checked)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    assert sqlite_rows(database.path, "SELECT job_id, user_id FROM job_hiring_managers") == [
        (job.value, harry)
    ]
