"""Email templates: saving them (checked, audited), merge values for a candidate, and previews.

Not to be confused with ``pipeline.stage_templates`` (a client's stage template). A template's
problems are refused when it is saved, per field, with the messages of
`app.mail.render.check_template`, so a send never meets a broken template it could have been
told about earlier; a missing value for one recipient is only knowable at send time.

The rules every email obeys, whoever sends it (a bulk send, a one-off, a sequence step), live
here too: it has a subject and a text (`blank_parts`), neither merges to nothing for a
recipient (`blank_once_merged`), and a field of the job has a job to come from (`job_problems`).
"""

from __future__ import annotations

import datetime as dt
import re
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
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import clean, clean_text
from app.services.core.unit_of_work import Actor, NotFoundError, ValidationError
from app.services.engagement.mail_settings import load_account, load_branding
from app.store.engagement import Campaign, CampaignStatus, EmailTemplate, SequenceStep
from app.store.models import Candidate, CandidateEmail, Client, Job, User

MAX_NAME = 120
# The renderer's own caps, so that a one-off email (never saved) is held to the same ones.
MAX_SUBJECT = MAX_TEMPLATE_SUBJECT
MAX_BODY = MAX_TEMPLATE_BODY
NAME_TAKEN = "A template with this name already exists."
_FIELDS = ("name", "subject", "body_text", "body_html")
# How the merge fields are named to people (the "Insert field" menu, problem lists).
FIELD_LABELS = {
    "candidate.first_name": "Candidate: first name",
    "candidate.last_name": "Candidate: last name",
    "candidate.full_name": "Candidate: full name",
    "candidate.current_title": "Candidate: current title",
    "candidate.email": "Candidate: email",
    "job.title": "Job: title",
    "job.location": "Job: location",
    "client.name": "Client: name",
    "recruiter.name": "Recruiter: name",
    "recruiter.email": "Recruiter: email",
    "recruiter.signature": "Recruiter: signature",
    "agency.name": "Agency: name",
    "unsubscribe": "Unsubscribe text",
}
JOB_FIELDS = ("job.title", "job.location", "client.name")  # come from the chosen job
NO_SUBJECT = "Write a subject: an email cannot go out without one."
NO_TEXT = "Write the email's text: it cannot go out empty."
NO_JOB = "but there is no job"  # in what `job_problems` says of a job field with no job
SUBJECT_BLANK = "the subject is empty once merged"
TEXT_BLANK = "the text is empty once merged"
# A recipient with every field filled in, to find what is missing for everyone alike.
SAMPLE_CANDIDATE = {
    "first_name": "Sam",
    "last_name": "Sample",
    "full_name": "Sam Sample",
    "current_title": "Engineer",
    "email": "sam@example.com",
}


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
    "body_text", "body_html" (required, too long, or the template's problems), and
    "sequences" for what a change would break in the running sequences that send it.
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
                if problems := _sequences_broken(tx.session, ctx.actor, record.id, values):
                    raise ValidationError({"sequences": "\n".join(problems)})
                after = {field: values[field] for field in before}
                for field, value in after.items():
                    setattr(record, field, value)
                tx.session.flush()
                tx.audit("email_template.update", "email_template", record.id, before, after)
            tx.changed(ChangeKind.EMAIL_TEMPLATES, record.id)
            return outcome(record.id, tx)
    except IntegrityError:  # the same name saved at the same moment elsewhere
        raise ValidationError({"name": NAME_TAKEN}) from None


def _sequences_broken(
    session: Session, actor: Actor, template_id: int, values: dict[str, Any]
) -> list[str]:
    """What the edited template would break in the running sequences that send it: a field
    of the job in a sequence without one, or a subject or text that merges to nothing."""

    using = session.execute(
        select(Campaign.name, Campaign.job_id)
        .join(SequenceStep, SequenceStep.campaign_id == Campaign.id)
        .where(SequenceStep.template_id == template_id, Campaign.status != CampaignStatus.STOPPED)
        .distinct()
        .order_by(Campaign.name)
    ).all()
    if not using:
        return []
    source = TemplateSource(values["subject"], values["body_text"], values["body_html"])
    account, branding = load_account(session), load_branding(session)
    recruiter = recruiter_name(session, actor)
    return [
        f"Sequence “{name}”: {problem}"
        for name, job_id in using
        for problem in job_problems(session, source, job_id, account, branding, recruiter)
    ]


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
        tx.changed(ChangeKind.EMAIL_TEMPLATES, template_id)
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
    values = shared_values(session, job_id, account, branding, recruiter_name)
    values["candidate"] = {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "full_name": person_name(candidate),
        "current_title": candidate.current_title,
        "email": email,
    }
    return values


def shared_values(
    session: Session,
    job_id: int | None,
    account: AccountSettings,
    branding: BrandingSettings,
    recruiter_name: str,
) -> dict[str, Any]:
    """The merge values every recipient shares: job, client, recruiter, agency, unsubscribe
    (the candidate's own are added by `merge_values`)."""
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


def missing_messages(fields: list[str], job_id: int | None = None) -> list[str]:
    """A line per missing field, saying where its value comes from and what to do."""
    lines = []
    for field in fields:
        name = field_label(field)
        fallback = f'give a fallback such as {{{{ {field} | default("…") }}}}'
        if field in JOB_FIELDS and job_id is None:
            lines.append(f"No job is chosen for {name}: choose one, or {fallback}")
        elif field in JOB_FIELDS:
            lines.append(f"The job has no value for {name}: fill it in on the job, or {fallback}")
        elif field.startswith("candidate."):
            lines.append(
                f"No value for {name} for this recipient: fill it in on their record, or {fallback}"
            )
        else:
            lines.append(f"No value for {name}: fill it in in Settings, or {fallback}")
    return lines


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
            return Preview(None, missing_messages(error.fields, job_id))
    return Preview(rendered, [])


# ---- what every email needs ----------------------------------------------------------------
def field_label(field: str) -> str:
    """ "“Job: title”": a merge field as the "Insert field" menu names it."""
    return f"“{FIELD_LABELS.get(field, field)}”"


def listed(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def blank_parts(source: TemplateSource) -> dict[str, str]:
    """What an email lacks as written: a subject, or a text ({} when it has both). Keyed by
    the part ("subject", "body_text"), so a form can say it under the field."""
    missing: dict[str, str] = {}
    if not (source.subject or "").strip():
        missing["subject"] = NO_SUBJECT
    if not (source.body_text or "").strip():
        missing["body_text"] = NO_TEXT
    return missing


_TAG = re.compile(r"{{.*?}}|{#.*?#}", re.DOTALL)


def _may_merge_to_nothing(text: str) -> bool:
    """Whether a part could merge to nothing: it has no words of its own outside its fields,
    or it has blocks ({% if %}) that may leave them out."""
    return "{%" in text or not _TAG.sub("", text).strip()


def blank_once_merged(
    source: TemplateSource,
    values: dict[str, Any],
    branding: BrandingSettings,
    rendered: RenderedEmail,
) -> list[str]:
    """What merged to nothing in ``rendered`` (made from ``source`` and ``values``).

    The rendered text always carries the footer and unsubscribe line, so the text is merged
    again on its own — only when it could be empty at all, which a text with words of its own
    cannot — in the subject's place, where blank means blank.
    """
    problems = [] if rendered.subject.strip() else [SUBJECT_BLANK]
    text = source.body_text or ""
    if _may_merge_to_nothing(text):
        try:
            alone = render_email(TemplateSource(text, ""), values, branding).subject
        except (TemplateError, MissingFieldsError):  # longer than a subject: not blank
            alone = "text"
        if not alone.strip():
            problems.append(TEXT_BLANK)
    return problems


def job_problems(
    session: Session,
    source: TemplateSource,
    job_id: int | None,
    account: AccountSettings,
    branding: BrandingSettings,
    recruiter: str,
) -> list[str]:
    """What would fail for every recipient alike, found by merging for a sample candidate:
    a field of the job when there is no job (or the job lacks that value), and a subject or
    text that merges to nothing. Template errors are `check_template`'s to report."""
    values = shared_values(session, job_id, account, branding, recruiter)
    values["candidate"] = dict(SAMPLE_CANDIDATE)
    try:
        rendered = render_email(source, values, branding)
    except TemplateError:
        return []
    except MissingFieldsError as error:
        fields = [field for field in error.fields if field in JOB_FIELDS]
        if not fields:
            return []
        names = listed([field_label(field) for field in fields])
        if job_id is None:
            return [f"uses {names}, {NO_JOB}: choose a job, or give a fallback"]
        return [f"the job has no value for {names}: fill it in on the job, or give a fallback"]
    return blank_once_merged(source, values, branding, rendered)
