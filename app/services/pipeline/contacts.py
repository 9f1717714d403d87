"""Client contacts: the people at a client (hiring managers, interviewers), and who hires and
interviews for each job.

A contact is archived, never deleted: the jobs that name it keep it, but pickers no longer
offer it. Each write is one audited transaction returning what it changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.phones import distinct_phones
from app.services.core.text_rules import LIMITS, clean, clean_text
from app.services.core.unit_of_work import (
    NotFoundError,
    Transaction,
    ValidationError,
    columns_of,
)
from app.services.core.validation import (
    check_email,
    check_length,
    check_phone,
    check_required,
)
from app.store.models import Client, Contact, Job, JobInterviewer, utc_now

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "emails",
    "phones",
    "is_hiring_manager",
    "notes",
)
MAX_EMAILS = 5
MAX_PHONES = 5
NOTES_LIMIT = 5_000
MAX_INTERVIEWERS = 20


def _cleaned(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value for value in (clean(v) for v in values) if value)


@dataclass(frozen=True)
class ContactInput:
    """What the contact dialog fills in; the first email and phone are the main ones."""

    first_name: str
    last_name: str = ""
    title: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    is_hiring_manager: bool = False
    notes: str | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_required(errors, "first_name", self.first_name, "First name")
        check_length(errors, "first_name", clean(self.first_name), LIMITS["first_name"])
        check_length(errors, "last_name", clean(self.last_name), LIMITS["last_name"])
        check_length(errors, "title", clean(self.title), LIMITS["contact_title"])
        check_length(errors, "notes", clean_text(self.notes), NOTES_LIMIT)
        emails, phones = _cleaned(self.emails), _cleaned(self.phones)
        if len(emails) > MAX_EMAILS:
            errors["emails"] = f"At most {MAX_EMAILS} email addresses."
        for email in emails:
            check_email(errors, "emails", email)
        if len(phones) > MAX_PHONES:
            errors["phones"] = f"At most {MAX_PHONES} phone numbers."
        for phone in phones:
            check_phone(errors, "phones", phone)
        return errors

    def stored(self) -> dict[str, object]:
        """The values as stored: cleaned, emails in lower case, each email and number once
        (a number written two ways is one number)."""
        emails = tuple(dict.fromkeys(email.lower() for email in _cleaned(self.emails)))
        phones = distinct_phones(_cleaned(self.phones))
        return {
            "first_name": clean(self.first_name) or "",
            "last_name": clean(self.last_name) or "",
            "title": clean(self.title),
            "emails": list(emails),
            "phones": list(phones),
            "email": emails[0] if emails else None,
            "phone": phones[0] if phones else None,
            "is_hiring_manager": self.is_hiring_manager,
            "notes": clean_text(self.notes),
        }


@dataclass(frozen=True)
class ContactRow:
    id: int
    client_id: int
    first_name: str
    last_name: str
    title: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    is_hiring_manager: bool
    notes: str | None
    archived: bool

    @property
    def name(self) -> str:
        return person_name(self.first_name, None, self.last_name)

    def as_input(self) -> ContactInput:
        return ContactInput(
            self.first_name,
            self.last_name,
            self.title,
            self.emails,
            self.phones,
            self.is_hiring_manager,
            self.notes,
        )


def _row(contact: Contact) -> ContactRow:
    emails = tuple(contact.emails or ([contact.email] if contact.email else []))
    phones = tuple(contact.phones or ([contact.phone] if contact.phone else []))
    return ContactRow(
        id=contact.id,
        client_id=contact.client_id,
        first_name=contact.first_name,
        last_name=contact.last_name,
        title=contact.title,
        emails=emails,
        phones=phones,
        is_hiring_manager=contact.is_hiring_manager,
        notes=contact.notes,
        archived=contact.archived_at is not None,
    )


def create_contact(ctx: ServiceContext, client_id: int, data: ContactInput) -> Outcome[int]:
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        if tx.session.get(Client, client_id) is None:
            raise NotFoundError(f"Client {client_id} no longer exists.")
        contact = Contact(client_id=client_id, **data.stored())
        tx.session.add(contact)
        tx.session.flush()
        after = columns_of(contact, CONTACT_FIELDS) | {"client_id": client_id}
        tx.audit("contact.create", "contact", contact.id, after=after)
        tx.changed(ChangeKind.CONTACTS, contact.id)
        tx.changed(ChangeKind.CLIENTS, client_id)
        return outcome(contact.id, tx)


def update_contact(ctx: ServiceContext, contact_id: int, data: ContactInput) -> Outcome[int]:
    """Save the edited fields; the audit entry holds only what changed, and an unchanged
    contact writes nothing."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    values = data.stored()
    with ctx.write() as tx:
        contact = _contact(tx, contact_id)
        changed = tuple(n for n in CONTACT_FIELDS if getattr(contact, n) != values[n])
        if not changed:
            return outcome(contact_id, tx)
        before = columns_of(contact, changed)
        for name, value in values.items():
            setattr(contact, name, value)
        tx.session.flush()
        tx.audit("contact.update", "contact", contact_id, before, columns_of(contact, changed))
        tx.changed(ChangeKind.CONTACTS, contact_id)
        tx.changed(ChangeKind.CLIENTS, contact.client_id)
        return outcome(contact_id, tx)


def archive_contact(ctx: ServiceContext, contact_id: int, archived: bool = True) -> Outcome[int]:
    """Archive a contact (``archived`` False brings it back). The jobs that name it keep it."""
    with ctx.write() as tx:
        contact = _contact(tx, contact_id)
        if (contact.archived_at is not None) == archived:
            return outcome(contact_id, tx)
        before = columns_of(contact, ("archived_at",))
        contact.archived_at = utc_now() if archived else None
        tx.session.flush()
        action = "contact.archive" if archived else "contact.restore"
        tx.audit(action, "contact", contact_id, before, columns_of(contact, ("archived_at",)))
        tx.changed(ChangeKind.CONTACTS, contact_id)
        tx.changed(ChangeKind.CLIENTS, contact.client_id)
        return outcome(contact_id, tx)


def _contact(tx: Transaction, contact_id: int) -> Contact:
    contact = tx.session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"Contact {contact_id} no longer exists.")
    return contact


def list_contacts(
    ctx: ServiceContext, client_id: int, include_archived: bool = True
) -> list[ContactRow]:
    """A client's contacts by name (archived ones last)."""
    query = select(Contact).where(Contact.client_id == client_id)
    if not include_archived:
        query = query.where(Contact.archived_at.is_(None))
    query = query.order_by(
        Contact.archived_at.is_not(None), func.lower(Contact.first_name), Contact.last_name
    )
    with ctx.read() as session:
        return [_row(contact) for contact in session.scalars(query)]


def contact_choices(
    ctx: ServiceContext, client_id: int, keep: tuple[int, ...] = ()
) -> list[ContactRow]:
    """The contacts a job of this client may name: the non-archived ones, and those in
    ``keep`` (already on the job) even if archived since."""
    return [c for c in list_contacts(ctx, client_id) if not c.archived or c.id in keep]


# ---- a job's hiring manager and interviewers ------------------------------------------------
@dataclass(frozen=True)
class JobPeople:
    hiring_manager_id: int | None = None
    interviewer_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class JobPeopleNames:
    hiring_manager: str | None
    interviewers: tuple[str, ...]


def people_of(session: Session, job: Job) -> JobPeople:
    interviewers = session.scalars(
        select(JobInterviewer.contact_id)
        .join(Contact, Contact.id == JobInterviewer.contact_id)
        .where(JobInterviewer.job_id == job.id)
        .order_by(func.lower(Contact.first_name), Contact.last_name)
    )
    return JobPeople(job.hiring_manager_id, tuple(interviewers))


def names_of(session: Session, people: JobPeople) -> JobPeopleNames:
    ids = set(people.interviewer_ids) | ({people.hiring_manager_id} - {None})
    rows = session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name).where(Contact.id.in_(ids))
    )
    names = {row.id: person_name(row.first_name, None, row.last_name) for row in rows}
    manager = names.get(people.hiring_manager_id) if people.hiring_manager_id else None
    return JobPeopleNames(manager, tuple(names[i] for i in people.interviewer_ids if i in names))


def set_job_people(tx: Transaction, job: Job, people: JobPeople) -> dict[str, tuple[object, ...]]:
    """Name the job's hiring manager and interviewers within the caller's transaction;
    returns what changed as {field: (before, after)}. Each must be one of the job's
    client's contacts, and not archived unless the job already names it in that role."""
    current = people_of(tx.session, job)
    wanted_interviewers = tuple(dict.fromkeys(people.interviewer_ids))
    errors: dict[str, str] = {}
    if len(wanted_interviewers) > MAX_INTERVIEWERS:
        errors["interviewer_ids"] = f"At most {MAX_INTERVIEWERS} interviewers."
    ids = {*wanted_interviewers} | ({people.hiring_manager_id} - {None})
    found = {c.id: c for c in tx.session.scalars(select(Contact).where(Contact.id.in_(ids)))}

    def check(field: str, contact_id: int, kept: set[int | None]) -> None:
        contact = found.get(contact_id)
        if contact is None or contact.client_id != job.client_id:
            errors[field] = "Choose a contact of this job's client."
        elif contact.archived_at is not None and contact_id not in kept:
            name = person_name(contact.first_name, None, contact.last_name)
            errors[field] = f"{name} is archived."

    if people.hiring_manager_id is not None:
        check("hiring_manager_id", people.hiring_manager_id, {current.hiring_manager_id})
    for contact_id in wanted_interviewers:
        check("interviewer_ids", contact_id, set(current.interviewer_ids))
    if errors:
        raise ValidationError(errors)
    changes: dict[str, tuple[object, ...]] = {}
    if job.hiring_manager_id != people.hiring_manager_id:
        changes["hiring_manager_id"] = (job.hiring_manager_id, people.hiring_manager_id)
        job.hiring_manager_id = people.hiring_manager_id
    if set(current.interviewer_ids) != set(wanted_interviewers):
        changes["interviewer_ids"] = (sorted(current.interviewer_ids), sorted(wanted_interviewers))
        tx.session.execute(delete(JobInterviewer).where(JobInterviewer.job_id == job.id))
        tx.session.add_all(JobInterviewer(job_id=job.id, contact_id=c) for c in wanted_interviewers)
    return changes
