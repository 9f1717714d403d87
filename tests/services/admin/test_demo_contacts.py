"""The demo database's client contacts, hiring managers and interviewers, and their counts."""

from __future__ import annotations

from app.services.admin.stats import table_counts
from app.services.core.context import ServiceContext
from app.services.pipeline.clients import list_clients
from app.services.pipeline.contacts import list_contacts
from app.services.pipeline.jobs import get_job, list_jobs
from app.store.database import Database


def test_every_demo_job_has_a_hiring_manager_and_interviewers_of_its_client(
    demo_ctx: ServiceContext,
) -> None:
    for job in list_jobs(demo_ctx):
        detail = get_job(demo_ctx, job.id)
        contacts = {c.id: c for c in list_contacts(demo_ctx, detail.client_id)}
        manager = contacts[detail.people.hiring_manager_id]
        assert manager.is_hiring_manager and detail.hiring_manager == manager.name
        assert len(detail.interviewers) == 2
        assert set(detail.people.interviewer_ids) <= set(contacts)


def test_demo_clients_have_contacts_with_an_email_and_a_phone(demo_ctx: ServiceContext) -> None:
    clients = list_clients(demo_ctx)
    assert clients and all(client.contacts == 3 for client in clients)
    for contact in list_contacts(demo_ctx, clients[0].id):
        assert len(contact.emails) == 1 and "@" in contact.emails[0]
        assert len(contact.phones) == 1 and not contact.archived


def test_stats_count_contacts_and_interviewers(demo_database: Database, demo_ctx) -> None:
    counts = table_counts(demo_database.engine)
    clients = len(list_clients(demo_ctx))
    assert counts["contacts"] == 3 * clients
    assert counts["job_interviewers"] == 2 * counts["jobs"]
