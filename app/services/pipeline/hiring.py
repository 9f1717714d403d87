"""What offers and placements share: the application they belong to (its candidate, job and
client) and the timeline entry each of their writes leaves for the candidate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.text_rules import LIMITS, fit
from app.services.core.unit_of_work import NotFoundError, Transaction
from app.services.pipeline.money import CURRENCY
from app.store.models import Activity, ActivityKind, Application, Candidate, Client, Job, utc_now

DEFAULT_CURRENCY = "USD"
NOTES_LIMIT = 5_000


@dataclass(frozen=True)
class ApplicationInfo:
    """An application as offers and placements name it."""

    application_id: int
    candidate_id: int
    candidate_name: str
    job_id: int
    job_title: str
    client_id: int
    client_name: str


def application_query() -> Select[*tuple[Any, ...]]:
    """The columns of `ApplicationInfo`, joined from applications (add a WHERE)."""
    return (
        select(
            Application.id,
            Application.candidate_id,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
            Job.id,
            Job.title,
            Client.id,
            Client.name,
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .join(Client, Client.id == Job.client_id)
    )


def info_from(r: Row[*tuple[Any, ...]]) -> ApplicationInfo:
    return ApplicationInfo(r[0], r[1], person_name(r[2], r[3], r[4]), r[5], r[6], r[7], r[8])


def application_info(session: Session, application_id: int) -> ApplicationInfo:
    row = session.execute(application_query().where(Application.id == application_id)).first()
    if row is None:
        raise NotFoundError(f"Application #{application_id} no longer exists.")
    return info_from(row)


def check_currency(errors: dict[str, str], currency: str) -> None:
    if not CURRENCY.match(currency):
        errors["currency"] = "A currency is three capital letters, like USD or EUR."


def add_timeline(
    tx: Transaction, info: ApplicationInfo, kind: ActivityKind, subject: str, body: str | None
) -> None:
    """A line on the candidate's timeline, tied to the application."""
    tx.session.add(
        Activity(
            candidate_id=info.candidate_id,
            application_id=info.application_id,
            kind=kind,
            subject=fit(subject, LIMITS["activity_subject"]) or subject,
            body=body,
            occurred_at=utc_now(),
            user_id=tx.actor.user_id,
        )
    )


def applications_of(ctx: ServiceContext, candidate_id: int) -> list[ApplicationInfo]:
    """The candidate's applications (the jobs an offer or placement can be for), newest first."""
    query = (
        application_query()
        .where(Application.candidate_id == candidate_id)
        .order_by(Application.applied_at.desc(), Application.id.desc())
    )
    with ctx.read() as session:
        return [info_from(row) for row in session.execute(query)]
