"""Client companies: adding and editing them, the list with job, contact and hire counts,
and one client's detail (jobs, contacts, recent activity)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.sql_text import LIKE_ESCAPE, escape_like
from app.services.core.text_rules import LIMITS, clean, clean_text
from app.services.core.unit_of_work import NotFoundError, ValidationError, columns_of
from app.services.core.validation import (
    check_length,
    check_phone,
    check_required,
    check_url,
)
from app.services.pipeline.contacts import ContactRow, list_contacts
from app.store.models import (
    Application,
    AuditEntry,
    Client,
    Contact,
    Job,
    JobStatus,
    Stage,
    StageKind,
)

RECENT_ACTIVITY = 30  # audit entries the detail pane shows

CLIENT_FIELDS = ("name", "industry", "website", "phone", "location", "notes")


@dataclass(frozen=True)
class ClientInput:
    name: str
    industry: str | None = None
    website: str | None = None
    phone: str | None = None
    location: str | None = None
    notes: str | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_required(errors, "name", self.name, "Company name")
        check_length(errors, "name", clean(self.name), LIMITS["client_name"])
        check_length(errors, "industry", clean(self.industry), LIMITS["industry"])
        check_length(errors, "website", clean(self.website), LIMITS["website"])
        check_url(errors, "website", clean(self.website))
        check_phone(errors, "phone", clean(self.phone))
        check_length(errors, "location", clean(self.location), LIMITS["client_location"])
        check_length(errors, "notes", clean_text(self.notes), LIMITS["client_notes"])
        return errors


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    industry: str | None
    location: str | None
    open_jobs: int
    contacts: int = 0  # not archived
    hires: int = 0
    last_activity: dt.datetime | None = None


def _name_taken(session: Session, name: str | None, other_than: int | None = None) -> bool:
    query = select(Client.id).where(func.lower(Client.name) == (clean(name) or "").lower())
    if other_than is not None:
        query = query.where(Client.id != other_than)
    return session.scalar(query) is not None


def create_client(ctx: ServiceContext, data: ClientInput) -> Outcome[int]:
    errors = data.validate()
    if not errors:
        with ctx.read() as session:
            taken = _name_taken(session, data.name)
        if taken:
            errors["name"] = "A client with this name already exists."
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        client = Client(
            name=clean(data.name),
            industry=clean(data.industry),
            website=clean(data.website),
            phone=clean(data.phone),
            location=clean(data.location),
            notes=clean_text(data.notes),
        )
        tx.session.add(client)
        tx.session.flush()
        tx.audit("client.create", "client", client.id, after=columns_of(client, CLIENT_FIELDS))
        tx.changed(ChangeKind.CLIENTS, client.id)
        return outcome(client.id, tx)


def update_client(ctx: ServiceContext, client_id: int, data: ClientInput) -> Outcome[int]:
    """Save the edited fields; the audit entry holds only what changed, and an unchanged
    client writes nothing."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    values = {
        "name": clean(data.name),
        "industry": clean(data.industry),
        "website": clean(data.website),
        "phone": clean(data.phone),
        "location": clean(data.location),
        "notes": clean_text(data.notes),
    }
    with ctx.write() as tx:
        client = tx.session.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"Client {client_id} no longer exists.")
        if _name_taken(tx.session, data.name, other_than=client_id):
            raise ValidationError({"name": "A client with this name already exists."})
        changed = tuple(name for name in CLIENT_FIELDS if getattr(client, name) != values[name])
        if not changed:
            return outcome(client_id, tx)
        before = columns_of(client, changed)
        for name in changed:
            setattr(client, name, values[name])
        tx.session.flush()
        tx.audit("client.update", "client", client_id, before, columns_of(client, changed))
        tx.changed(ChangeKind.CLIENTS, client_id)
        return outcome(client_id, tx)


def list_clients(ctx: ServiceContext, search: str | None = None) -> list[ClientRow]:
    """Every client by name (those whose name, industry or location contains ``search``),
    with open jobs, non-archived contacts, hires and the latest audited change."""
    open_jobs = (
        select(func.count(Job.id))
        .where(Job.client_id == Client.id, Job.status == JobStatus.OPEN)
        .scalar_subquery()
    )
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.client_id == Client.id, Contact.archived_at.is_(None))
        .scalar_subquery()
    )
    query = select(
        Client.id, Client.name, Client.industry, Client.location, open_jobs, contacts
    ).order_by(func.lower(Client.name))
    needle = clean(search)
    if needle:
        pattern = f"%{escape_like(needle.lower())}%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape=LIKE_ESCAPE)
                    for column in (Client.name, Client.industry, Client.location)
                )
            )
        )
    with ctx.read() as session:
        rows = session.execute(query).all()
        hires = _hires_by_client(session)
        latest = _latest_activity(session)
        return [
            ClientRow(
                id=client_id,
                name=name,
                industry=industry,
                location=location,
                open_jobs=open_count,
                contacts=contact_count,
                hires=hires.get(client_id, 0),
                last_activity=latest.get(client_id),
            )
            for client_id, name, industry, location, open_count, contact_count in rows
        ]


def _hires_by_client(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Job.client_id, func.count(Application.id))
        .join(Application, Application.job_id == Job.id)
        .join(Stage, Stage.id == Application.stage_id)
        .where(Stage.kind == StageKind.HIRED)
        .group_by(Job.client_id)
    )
    return {client_id: count for client_id, count in rows}


def _latest_activity(session: Session) -> dict[int, dt.datetime]:
    """Each client's latest change: audited ones to itself, its jobs or its contacts, and
    its applications' latest moves."""
    about_client = and_(AuditEntry.entity_type == "client", AuditEntry.entity_id == Client.id)
    about_job = and_(AuditEntry.entity_type == "job", AuditEntry.entity_id == Job.id)
    about_contact = and_(AuditEntry.entity_type == "contact", AuditEntry.entity_id == Contact.id)
    latest: dict[int, dt.datetime] = {}
    for key, about in (
        (Client.id, about_client),
        (Job.client_id, about_job),
        (Contact.client_id, about_contact),
    ):
        query = select(key, func.max(AuditEntry.occurred_at)).join(AuditEntry, about)
        for client_id, moment in session.execute(query.group_by(key)):
            if moment is not None and (client_id not in latest or moment > latest[client_id]):
                latest[client_id] = moment
    # Candidates moving through the client's pipelines count too (moves made by bulk imports
    # and older versions may have no audit entry of their own).
    moves = select(Job.client_id, func.max(Application.updated_at)).join(
        Application, Application.job_id == Job.id
    )
    for client_id, moment in session.execute(moves.group_by(Job.client_id)):
        if moment is not None and (client_id not in latest or moment > latest[client_id]):
            latest[client_id] = moment
    return latest


@dataclass(frozen=True)
class ClientJob:
    id: int
    title: str
    status: JobStatus
    opened_on: dt.date
    hiring_manager: str | None


@dataclass(frozen=True)
class ActivityEntry:
    occurred_at: dt.datetime
    actor: str
    action: str
    subject: str  # the client, job or contact it was about


@dataclass(frozen=True)
class ClientDetail:
    id: int
    name: str
    industry: str | None
    website: str | None
    phone: str | None
    location: str | None
    notes: str | None
    jobs: tuple[ClientJob, ...]
    contacts: tuple[ContactRow, ...]
    activity: tuple[ActivityEntry, ...]

    def as_input(self) -> ClientInput:
        return ClientInput(
            self.name, self.industry, self.website, self.phone, self.location, self.notes
        )


def get_client(ctx: ServiceContext, client_id: int) -> ClientDetail:
    contacts = tuple(list_contacts(ctx, client_id))
    with ctx.read() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"Client {client_id} no longer exists.")
        names = {c.id: c.name for c in contacts}
        jobs = tuple(
            ClientJob(
                job.id, job.title, job.status, job.opened_on, names.get(job.hiring_manager_id or 0)
            )
            for job in session.scalars(
                select(Job).where(Job.client_id == client_id).order_by(Job.opened_on.desc(), Job.id)
            )
        )
        return ClientDetail(
            id=client.id,
            name=client.name,
            industry=client.industry,
            website=client.website,
            phone=client.phone,
            location=client.location,
            notes=client.notes,
            jobs=jobs,
            contacts=contacts,
            activity=_recent_activity(session, client, jobs, contacts),
        )


def _recent_activity(
    session: Session, client: Client, jobs: tuple[ClientJob, ...], contacts: tuple[ContactRow, ...]
) -> tuple[ActivityEntry, ...]:
    subjects = {("client", client.id): client.name}
    subjects |= {("job", job.id): job.title for job in jobs}
    subjects |= {("contact", contact.id): contact.name for contact in contacts}
    conditions = [
        and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
        for kind in ("client", "job", "contact")
        if (ids := [i for k, i in subjects if k == kind])
    ]
    entries = session.execute(
        select(
            AuditEntry.occurred_at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.entity_type,
            AuditEntry.entity_id,
        )
        .where(or_(*conditions))
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(RECENT_ACTIVITY)
    )
    return tuple(
        ActivityEntry(at, actor, action, subjects.get((kind, entity_id or 0), ""))
        for at, actor, action, kind, entity_id in entries
    )
