"""Opening an application: the one place that writes a new application with its first
StageChange, timeline entry and audit entry (used by intake, bulk actions and sourcing)."""

from __future__ import annotations

import datetime as dt

from app.services.core.unit_of_work import Transaction
from app.store.models import Activity, ActivityKind, Application, Job, Stage, StageChange


def open_application(
    tx: Transaction,
    candidate_id: int,
    job: Job,
    stage: Stage,
    source: str,
    board_position: float,
    now: dt.datetime,
    note: str = "",
) -> int:
    """Add the candidate to ``job`` at ``stage`` inside the caller's transaction."""
    session = tx.session
    application = Application(
        candidate_id=candidate_id,
        job_id=job.id,
        stage_id=stage.id,
        source=source,
        applied_at=now,
        stage_entered_at=now,
        board_position=board_position,
    )
    session.add(application)
    session.flush()
    session.add(
        StageChange(
            application_id=application.id,
            from_stage_id=None,
            to_stage_id=stage.id,
            changed_at=now,
            changed_by_id=tx.actor.user_id,
        )
    )
    subject = f"Added to {stage.name} for {job.title}" + (f" ({note})" if note else "")
    session.add(
        Activity(
            candidate_id=candidate_id,
            application_id=application.id,
            kind=ActivityKind.STAGE_CHANGE,
            subject=subject[:300],
            occurred_at=now,
            user_id=tx.actor.user_id,
        )
    )
    tx.audit(
        "application.create",
        "application",
        application.id,
        after={
            "candidate_id": candidate_id,
            "job_id": job.id,
            "stage_id": stage.id,
            "source": source,
        },
    )
    return application.id
