"""Client companies: adding them and the list with job counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import LIMITS, clean, clean_text
from app.services.core.unit_of_work import ValidationError, columns_of
from app.services.core.validation import (
    check_length,
    check_phone,
    check_required,
    check_url,
)
from app.store.models import Client, Job, JobStatus

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


def create_client(ctx: ServiceContext, data: ClientInput) -> Outcome[int]:
    errors = data.validate()
    if not errors:
        with ctx.read() as session:
            taken = session.scalar(
                select(Client.id).where(func.lower(Client.name) == clean(data.name).lower())
            )
        if taken is not None:
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


def list_clients(ctx: ServiceContext) -> list[ClientRow]:
    open_jobs = (
        select(func.count(Job.id))
        .where(Job.client_id == Client.id, Job.status == JobStatus.OPEN)
        .scalar_subquery()
    )
    with ctx.read() as session:
        rows = session.execute(
            select(Client.id, Client.name, Client.industry, Client.location, open_jobs).order_by(
                func.lower(Client.name)
            )
        )
        return [ClientRow(*row) for row in rows]
