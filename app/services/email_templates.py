"""Email templates: saving them (checked, audited), merge values for a candidate, and previews.

Not to be confused with ``app.services.templates`` (a client's stage template). A template's
problems are refused when it is saved, per field, with the messages of
`app.mail.render.check_template`, so a send never meets a broken template it could have been
told about earlier; a missing value for one recipient is only knowable at send time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.render import (
    DEFAULT_UNSUBSCRIBE,
    MAX_TEMPLATE_BODY,
    MAX_TEMPLATE_SUBJECT,
    MissingFieldsError,
    RenderedEmail,
    TemplateError,
    TemplateSource,
    check_template,
    render_email,
)
from app.services.context import Outcome, ServiceContext, outcome
from app.services.mail_settings import load_account, load_branding
from app.services.text_rules import clean, clean_text
from app.services.unit_of_work import Actor, NotFoundError, ValidationError
from app.store.engagement import EmailTemplate
from app.store.models import Candidate, CandidateEmail, Client, Job, User

MAX_NAME = 120
# The renderer's own caps, so that a one-off email (never saved) is held to the same ones.
MAX_SUBJECT = MAX_TEMPLATE_SUBJECT
MAX_BODY = MAX_TEMPLATE_BODY
NAME_TAKEN = "A template with this name already exists."
_FIELDS = ("name", "subject", "body_text", "body_html")


def _body(value: str | None) -> str:
    """Line endings normalised, control characters other than tabs dropped, and blank lines
    trimmed at both ends (inner ones kept)."""
    return clean_text(value) or ""


@dataclass
class TemplateInput:
    name: str
    subject: str
    body_text: str
    body_html: str | None = None

    def cleaned(self) -> dict[str, Any]:
        """The values as they are stored."""
        return {
            "name": clean(self.name) or "",
            "subject": _body(self.subject),
            "body_text": _body(self.body_text),
            "body_html": _body(self.body_html) or None,
        }

    def validate(self) -> dict[str, str]:
        """A message per field; template problems are listed one per line."""
        values = self.cleaned()
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Name is required."
        elif len(values["name"]) > MAX_NAME:
            errors["name"] = f"At most {MAX_NAME} characters."
        parts = (
            ("subject", "Subject", MAX_SUBJECT, TemplateSource(values["subject"], "")),
            ("body_text", "Plain-text body", MAX_BODY, TemplateSource("", values["body_text"])),
            ("body_html", None, MAX_BODY, TemplateSource("", "", values["body_html"])),
        )
        for field, label, limit, source in parts:
            text = values[field] or ""
            if not text and label:
                errors[field] = f"{label} is required."
            elif len(text) > limit:
                errors[field] = f"At most {limit:,} characters."
            elif problems := check_template(source):
                errors[field] = "\n".join(problems)
        return errors


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    subject: str
    body_text: str
    body_html: str | None
    archived: bool
    updated_at: dt.datetime

    @property
    def source(self) -> TemplateSource:
        return TemplateSource(self.subject, self.body_text, self.body_html)


def _row(record: EmailTemplate) -> TemplateRow:
    return TemplateRow(
        id=record.id,
        name=record.name,
        subject=record.subject,
        body_text=record.body_text,
        body_html=record.body_html,
        archived=bool(record.archived),
        updated_at=record.updated_at,
    )


def list_templates(ctx: ServiceContext, include_archived: bool = False) -> list[TemplateRow]:
    """Templates by name; archived ones only when asked (they stay usable by old sequences)."""
    query = select(EmailTemplate)
    if not include_archived:
        query = query.where(EmailTemplate.archived.is_(False))
    with ctx.read() as session:
        rows = [_row(record) for record in session.scalars(query)]
    return sorted(rows, key=lambda row: (row.name.casefold(), row.id))


def get_template(ctx: ServiceContext, template_id: int) -> TemplateRow:
    with ctx.read() as session:
        record = session.get(EmailTemplate, template_id)
        if record is None:
            raise NotFoundError(f"Email template #{template_id} no longer exists.")
        return _row(record)


def _name_taken(session: Session, name: str, template_id: int | None) -> bool:
    """Case-insensitively, archived templates included (their names stay reserved)."""
    wanted = name.casefold()
    rows = session.execute(select(EmailTemplate.id, EmailTemplate.name))
    return any(n.casefold() == wanted and i != template_id for i, n in rows)


def save_template(
    ctx: ServiceContext, data: TemplateInput, template_id: int | None = None
) -> Outcome[int]:
    """Create (no ``template_id``) or update a template; the value is its id.

    Raises `ValidationError` per field: "name" (empty, too long or taken), "subject",
    "body_text", "body_html" (required, too long, or the template's problems).
    """
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    values = data.cleaned()
    try:
        with ctx.write() as tx:
            if _name_taken(tx.session, values["name"], template_id):
                raise ValidationError({"name": NAME_TAKEN})
            if template_id is None:
                record = EmailTemplate(**values, archived=False)
                tx.session.add(record)
                tx.session.flush()
                tx.audit("email_template.create", "email_template", record.id, after=values)
            else:
                record = tx.session.get(EmailTemplate, template_id)
                if record is None:
                    raise NotFoundError(f"Email template #{template_id} no longer exists.")
                before = {f: getattr(record, f) for f in _FIELDS if getattr(record, f) != values[f]}
                if not before:
                    return outcome(record.id, tx)  # nothing changed: nothing to audit
                after = {field: values[field] for field in before}
                for field, value in after.items():
                    setattr(record, field, value)
                tx.session.flush()
                tx.audit("email_template.update", "email_template", record.id, before, after)
            tx.changed("email_templates", record.id)
            return outcome(record.id, tx)
    except IntegrityError:  # the same name saved at the same moment elsewhere
        raise ValidationError({"name": NAME_TAKEN}) from None


def archive_template(ctx: ServiceContext, template_id: int, archived: bool = True) -> Outcome[None]:
    """Hide a template from pickers (or bring it back); sequences using it carry on."""
    with ctx.write() as tx:
        record = tx.session.get(EmailTemplate, template_id)
        if record is None:
            raise NotFoundError(f"Email template #{template_id} no longer exists.")
        if bool(record.archived) == archived:
            return outcome(None, tx)
        record.archived = archived
        tx.audit(
            "email_template.archive" if archived else "email_template.restore",
            "email_template",
            template_id,
            before={"archived": not archived},
            after={"archived": archived},
        )
        tx.changed("email_templates", template_id)
        return outcome(None, tx)


def merge_values(
    session: Session,
    candidate_id: int,
    job_id: int | None,
    account: AccountSettings,
    branding: BrandingSettings,
    recruiter_name: str,
) -> dict[str, Any]:
    """The values `render_email` merges for one candidate (and job, when there is one).

    Absent values are None: the renderer decides whether that matters (a printed field with no
    value blocks the send; a guarded one does not).
    """
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    email = session.scalar(
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == candidate_id)
        .order_by(CandidateEmail.position, CandidateEmail.id)
        .limit(1)
    )
    job: dict[str, Any] = {"title": None, "location": None}
    client: dict[str, Any] = {"name": None}
    if job_id is not None:
        found = session.execute(
            select(Job.title, Job.location, Client.name)
            .join(Client, Client.id == Job.client_id)
            .where(Job.id == job_id)
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        job = {"title": found[0], "location": found[1]}
        client = {"name": found[2]}
    return {
        "candidate": {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "full_name": candidate.full_name,
            "current_title": candidate.current_title,
            "email": email,
        },
        "job": job,
        "client": client,
        "recruiter": {
            "name": account.from_name or recruiter_name,
            "email": account.reply_to or account.from_address or None,
            "signature": account.signature,
        },
        "agency": {"name": branding.agency_name},
        "unsubscribe": branding.unsubscribe_text or DEFAULT_UNSUBSCRIBE,
    }


def render_for_candidate(
    session: Session,
    source: TemplateSource,
    candidate_id: int,
    job_id: int | None,
    account: AccountSettings,
    branding: BrandingSettings,
    recruiter_name: str,
) -> RenderedEmail:
    """The branded email for one candidate; raises as `render_email` (and `NotFoundError`)."""
    values = merge_values(session, candidate_id, job_id, account, branding, recruiter_name)
    return render_email(source, values, branding)


@dataclass(frozen=True)
class Preview:
    rendered: RenderedEmail | None  # None when there are problems
    problems: list[str]


def recruiter_name(session: Session, actor: Actor) -> str:
    """The sender's display name, for the "recruiter name" merge field."""
    if actor.user_id is not None:
        name = session.scalar(select(User.display_name).where(User.id == actor.user_id))
        if name:
            return name
    return actor.name


def missing_messages(fields: list[str]) -> list[str]:
    """A line per missing field, saying what to do about it."""
    return [
        f'No value for "{field}" for this recipient: fill it in on their record, or give a'
        f' fallback such as {{{{ {field} | default("…") }}}}'
        for field in fields
    ]


def preview(
    ctx: ServiceContext, source: TemplateSource, candidate_id: int, job_id: int | None = None
) -> Preview:
    """The email as ``candidate_id`` would get it, for the editor's live preview.

    Template problems and missing values come back as ``problems``, never as exceptions; a
    candidate or job that no longer exists still raises `NotFoundError`.
    """
    with ctx.read() as session:
        account = load_account(session)
        branding = load_branding(session)
        recruiter = recruiter_name(session, ctx.actor)
        try:
            rendered = render_for_candidate(
                session, source, candidate_id, job_id, account, branding, recruiter
            )
        except TemplateError as error:
            return Preview(None, error.problems)
        except MissingFieldsError as error:
            return Preview(None, missing_messages(error.fields))
    return Preview(rendered, [])
