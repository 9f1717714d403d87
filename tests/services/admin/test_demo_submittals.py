"""The demo database's submittals: every status, sent to the client's hiring manager, dated
within the application's life, each on the candidate's timeline and counted by stats."""

from __future__ import annotations

import datetime as dt

from app.services.admin.stats import table_counts
from app.services.candidates.records import candidate_profile
from app.services.candidates.submittal_records import candidate_submittals, submittal_marks
from app.services.core.context import ServiceContext
from app.store.database import Database
from app.store.enums import SubmittalStatus
from tests.conftest import DEMO_AS_OF
from tests.support import sqlite_rows


def test_demo_submittals_cover_every_status(demo_ctx: ServiceContext, demo_database) -> None:
    statuses = dict(
        sqlite_rows(demo_database.path, "SELECT status, count(*) FROM submittals GROUP BY status")
    )
    assert set(statuses) == {s.value for s in SubmittalStatus}
    assert all(count >= 5 for count in statuses.values()), statuses
    [(blind, with_resume)] = sqlite_rows(
        demo_database.path, "SELECT sum(blind), sum(with_resume) FROM submittals"
    )
    assert blind > 0 and with_resume > 0


def test_they_go_to_the_hiring_manager_within_the_applications_life(demo_database) -> None:
    path = demo_database.path
    [(wrong_contact,)] = sqlite_rows(
        path,
        "SELECT count(*) FROM submittals s JOIN contacts c ON c.id = s.contact_id"
        " JOIN jobs j ON j.id = s.job_id"
        " WHERE c.client_id != j.client_id OR c.is_hiring_manager = 0"
        " OR s.contact_email != c.email",
    )
    assert wrong_contact == 0
    [(out_of_time,)] = sqlite_rows(
        path,
        "SELECT count(*) FROM submittals s JOIN applications a"
        " ON a.candidate_id = s.candidate_id AND a.job_id = s.job_id"
        " WHERE s.submitted_at < a.applied_at OR s.submitted_at > a.stage_entered_at"
        " OR s.status_changed_at > a.stage_entered_at OR s.status_changed_at < s.submitted_at",
    )
    assert out_of_time == 0
    [(latest,)] = sqlite_rows(path, "SELECT max(status_changed_at) FROM submittals")
    assert dt.datetime.fromisoformat(latest) <= DEMO_AS_OF.replace(tzinfo=None)


def test_each_shows_on_the_profile_the_timeline_and_the_board(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    [(candidate_id, job_id)] = sqlite_rows(
        demo_database.path,
        "SELECT candidate_id, job_id FROM submittals WHERE status = 'declined' LIMIT 1",
    )
    [row] = [r for r in candidate_submittals(demo_ctx, candidate_id) if r.job_id == job_id]
    assert row.status is SubmittalStatus.DECLINED and row.feedback
    assert submittal_marks(demo_ctx, job_id)[candidate_id] is SubmittalStatus.DECLINED
    subjects = [a.subject or "" for a in candidate_profile(demo_ctx, candidate_id).activities]
    assert any(s.startswith(f"Submitted to {row.contact_name}") for s in subjects)
    assert any(s.endswith(": Declined") for s in subjects)
    counts = table_counts(demo_database.engine)
    [(submittals,)] = sqlite_rows(demo_database.path, "SELECT count(*) FROM submittals")
    assert counts["submittals"] == submittals > 0
