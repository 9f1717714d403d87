"""Whether an applicant meets the job's basic qualifications: set by a recruiter on the
board, reported in the applicant flow log. Not EEO data, so an ordinary record edit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import NotFoundError
from app.store.enums import BasicQualifications
from app.store.models import Application


def set_basic_qualifications(
    ctx: ServiceContext, application_id: int, value: BasicQualifications
) -> Outcome[BasicQualifications]:
    with ctx.write() as tx:
        application = tx.session.get(Application, application_id)
        if application is None:
            raise NotFoundError(f"Application {application_id} no longer exists.")
        before = BasicQualifications(application.basic_qualifications)
        if before is value:
            return outcome(value, tx)
        application.basic_qualifications = value
        tx.session.flush()
        tx.audit(
            "application.qualifications",
            "application",
            application_id,
            before={"basic_qualifications": before.value},
            after={"basic_qualifications": value.value},
        )
        tx.changed(ChangeKind.APPLICATIONS, application_id)
        return outcome(value, tx)


def basic_qualifications_of(
    ctx: ServiceContext, application_ids: Sequence[int]
) -> dict[int, BasicQualifications]:
    """What is recorded for these applications (a card's menu ticks it)."""
    a = Application.__table__.c
    with ctx.read() as session:
        rows = session.execute(
            select(a.id, a.basic_qualifications).where(a.id.in_(list(application_ids)))
        ).all()
    return {row.id: BasicQualifications(row.basic_qualifications) for row in rows}
