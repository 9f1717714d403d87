"""Editing a candidate's record by hand: every field, one audited transaction, undoable.

A form is filled from `load_edit_form` and saved with `update_candidate(ctx, id, wanted,
expected)`, where ``expected`` is what the form was filled with. Only the fields that differ
from ``expected`` are written, so a field somebody else changed meanwhile is never overwritten
unseen; if the user changed that same field, the save is refused for it
(`EditConflictError`, which names what it holds now). The `EditResult` carries the record
before and after: `undo_edit` writes the before back (refused the same way if those fields
changed since) and `redo_edit` the after, each in its own audited transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.services.candidates.duplicates import phone_key
from app.services.candidates.records import RECORD_TEXT_FIELDS, filter_options
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import LIMITS, MAX_LINKS, MAX_SKILLS, clean, clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.core.validation import (
    check_email,
    check_length,
    check_phone,
    check_required,
    check_url,
)
from app.store.engagement import MessageState, OutboxMessage
from app.store.models import (
    Candidate,
    CandidateEmail,
    CandidatePhone,
    CandidateSkill,
    CandidateTag,
    Skill,
    Tag,
    User,
    utc_now,
)

CANCELLED_REASON = "Cancelled: the address was taken off the candidate's record."
MAX_EMAILS = 10
MAX_PHONES = 10
MAX_TAGS = 50
TEXT_FIELDS = RECORD_TEXT_FIELDS
LIST_FIELDS = ("emails", "phones", "links", "skills", "tags")
NAMED_FIELDS = ("skills", "tags")  # sets of shared names, matched ignoring case
EDIT_FIELDS = (*TEXT_FIELDS, "owner_id", "summary", *LIST_FIELDS)
# What each field is called on screen (edit form, merge dialog, import results).
LABELS = {
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "headline": "Headline",
    "current_title": "Current title",
    "current_employer": "Employer",
    "location": "Location",
    "source": "Source",
    "owner_id": "Owner",
    "summary": "Summary",
    "emails": "Emails",
    "phones": "Phones",
    "links": "Links",
    "skills": "Skills",
    "tags": "Tags",
}


def field_label(name: str) -> str:
    """The on-screen name of a candidate field ("current_title" → "Current title")."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class CandidateValues:
    """A candidate's hand-maintained fields. As input, what a form holds; as a snapshot, what
    the record holds. The first email and phone are the primary ones; skills and tags are
    kept sorted (they are sets)."""

    first_name: str = ""
    middle_name: str | None = None
    last_name: str = ""
    headline: str | None = None
    current_title: str | None = None
    current_employer: str | None = None
    location: str | None = None
    source: str | None = None
    owner_id: int | None = None
    summary: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def validate(self) -> dict[str, str]:
        """A message per field, on the cleaned values (stray spaces and control characters
        never decide whether something is valid)."""
        errors: dict[str, str] = {}
        check_required(errors, "first_name", self.first_name, "First name")
        check_required(errors, "last_name", self.last_name, "Last name")
        for name in TEXT_FIELDS:
            check_length(errors, name, clean(getattr(self, name)), LIMITS[name])
        check_length(errors, "summary", clean_text(self.summary), LIMITS["summary"])
        _check_each(
            errors, "emails", _cleaned(self.emails), check_email, MAX_EMAILS, "email addresses"
        )
        _check_each(
            errors, "phones", _cleaned(self.phones), check_phone, MAX_PHONES, "phone numbers"
        )
        _check_each(errors, "links", _cleaned(self.links), check_url, MAX_LINKS, "links")
        _check_names(errors, "skills", self.skills, LIMITS["skill"], MAX_SKILLS)
        _check_names(errors, "tags", self.tags, LIMITS["tag"], MAX_TAGS)
        return errors

    def cleaned(self) -> CandidateValues:
        """The values as they would be stored: cleaned, emails in lower case, repeats left
        out (a phone number written two ways is one number)."""
        phones: dict[str, str] = {}
        for phone in _cleaned(self.phones):
            phones.setdefault(phone_key(phone) or phone, phone)
        return CandidateValues(
            first_name=clean(self.first_name) or "",
            middle_name=clean(self.middle_name),
            last_name=clean(self.last_name) or "",
            headline=clean(self.headline),
            current_title=clean(self.current_title),
            current_employer=clean(self.current_employer),
            location=clean(self.location),
            source=clean(self.source),
            owner_id=self.owner_id,
            summary=clean_text(self.summary),
            emails=tuple(dict.fromkeys(email.lower() for email in _cleaned(self.emails))),
            phones=tuple(phones.values()),
            links=tuple(dict.fromkeys(_cleaned(self.links))),
            skills=_name_set(self.skills),
            tags=_name_set(self.tags),
        )

    def subset(self, fields: Iterable[str]) -> dict[str, Any]:
        """Some fields as plain values, for an audit entry."""
        return {name: _plain(getattr(self, name)) for name in fields}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _cleaned(values: Iterable[str]) -> list[str]:
    return [value for value in map(clean, values) if value]


def _name_set(names: Iterable[str]) -> tuple[str, ...]:
    """Names once each (ignoring case, the first spelling kept), sorted ignoring case."""
    unique: dict[str, str] = {}
    for name in _cleaned(names):
        unique.setdefault(name.casefold(), name)
    return tuple(sorted(unique.values(), key=str.casefold))


def _short(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:39]}…"


def _check_each(
    errors: dict[str, str],
    name: str,
    values: list[str],
    check: Callable[[dict[str, str], str, str | None], None],
    most: int,
    noun: str,
) -> None:
    """Every value checked; the message names the first one refused."""
    if len(values) > most:
        errors[name] = f"At most {most} {noun}."
        return
    for value in values:
        found: dict[str, str] = {}
        check(found, name, value)
        if found:
            errors[name] = f"“{_short(value)}”: {found[name]}"
            return


def _check_names(
    errors: dict[str, str], name: str, values: Iterable[str], limit: int, most: int
) -> None:
    names = _name_set(values)
    if len(names) > most:
        errors[name] = f"At most {most} {name}."
        return
    for value in names:
        if len(value) > limit:
            errors[name] = f"“{_short(value)}” is too long: at most {limit} characters."
            return


def same(name: str, first: Any, second: Any) -> bool:
    """Whether a field holds the same in two snapshots (skills and tags ignoring case)."""
    if name in NAMED_FIELDS:
        return [n.casefold() for n in first] == [n.casefold() for n in second]
    return bool(first == second)


class EditConflictError(ValidationError):
    """Fields the user changed that somebody else changed too since the form was filled;
    ``current`` is the record as it is now."""

    def __init__(self, errors: dict[str, str], current: CandidateValues):
        super().__init__(errors)
        self.current = current


@dataclass(frozen=True)
class EditResult:
    """What an edit changed: the fields, and the record before and after."""

    candidate_id: int
    name: str  # after the edit, for messages ("Edit Jane Roe")
    fields: tuple[str, ...]
    before: CandidateValues
    after: CandidateValues
    created_tags: tuple[str, ...] = ()  # made by this edit: an undo removes them if unused
    created_skills: tuple[str, ...] = ()
    # Queued emails to an address the edit removed, cancelled by it (an undo queues them again).
    cancelled_messages: tuple[int, ...] = ()


@dataclass(frozen=True)
class EditForm:
    """What the edit form starts from: the values and the choices it offers."""

    candidate_id: int
    name: str
    values: CandidateValues
    owners: tuple[tuple[int, str], ...]  # active recruiters, and the current owner if not
    sources: tuple[str, ...]
    tags: tuple[str, ...] = ()  # every tag, for completion


def read_values(session: Session, candidate_id: int) -> CandidateValues:
    """The record as it is now (queries, not the ORM collections, so that what was just
    written in this session is what is read)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    emails = session.scalars(
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == candidate_id)
        .order_by(CandidateEmail.position, CandidateEmail.id)
    )
    phones = session.scalars(
        select(CandidatePhone.phone)
        .where(CandidatePhone.candidate_id == candidate_id)
        .order_by(CandidatePhone.position, CandidatePhone.id)
    )
    skills = session.scalars(
        select(Skill.name)
        .join(CandidateSkill, CandidateSkill.skill_id == Skill.id)
        .where(CandidateSkill.candidate_id == candidate_id)
    )
    tags = session.scalars(
        select(Tag.name)
        .join(CandidateTag, CandidateTag.tag_id == Tag.id)
        .where(CandidateTag.candidate_id == candidate_id)
    )
    return CandidateValues(
        first_name=candidate.first_name,
        middle_name=candidate.middle_name,
        last_name=candidate.last_name,
        headline=candidate.headline,
        current_title=candidate.current_title,
        current_employer=candidate.current_employer,
        location=candidate.location,
        source=candidate.source,
        owner_id=candidate.owner_id,
        summary=candidate.summary,
        emails=tuple(emails),
        phones=tuple(phones),
        links=tuple(link for link in candidate.links or () if isinstance(link, str)),
        skills=tuple(sorted(skills, key=str.casefold)),
        tags=tuple(sorted(tags, key=str.casefold)),
    )


def load_edit_form(ctx: ServiceContext, candidate_id: int) -> EditForm:

    options = filter_options(ctx)
    with ctx.read() as session:
        values = read_values(session, candidate_id)
        owners = list(options.owners)
        if values.owner_id is not None and values.owner_id not in dict(owners):
            owner = session.get(User, values.owner_id)
            if owner is not None:
                owners.append((owner.id, f"{owner.display_name} (inactive)"))
    name = person_name(values)
    return EditForm(candidate_id, name, values, tuple(owners), options.sources, options.tags)


def update_candidate(
    ctx: ServiceContext, candidate_id: int, wanted: CandidateValues, expected: CandidateValues
) -> Outcome[EditResult]:
    """Write the fields of ``wanted`` that differ from ``expected`` (what the form showed).

    Refused per field (`ValidationError`) for invalid values, an email another candidate
    has, an owner who is not an active recruiter, and (`EditConflictError`) a field somebody else
    changed meanwhile. Nothing changed: nothing is written or audited (empty ``fields``).
    """
    errors = wanted.validate()
    if errors:
        raise ValidationError(errors)
    wanted = wanted.cleaned()
    fields = tuple(f for f in EDIT_FIELDS if not same(f, getattr(wanted, f), getattr(expected, f)))
    return _write(ctx, candidate_id, wanted, expected, fields, "candidate.edit")


def undo_edit(ctx: ServiceContext, result: EditResult) -> Outcome[EditResult]:
    """Put back what ``result`` changed, exactly; tags and skills the edit made go again when
    nobody else uses them. Refused if those fields changed since."""
    return _write(
        ctx,
        result.candidate_id,
        result.before,
        result.after,
        result.fields,
        "candidate.edit_undo",
        prune=result,
    )


def redo_edit(ctx: ServiceContext, result: EditResult) -> Outcome[EditResult]:
    """Make ``result``'s edit again after an undo (refused if those fields changed since)."""
    return _write(
        ctx, result.candidate_id, result.after, result.before, result.fields, "candidate.edit_redo"
    )


def _write(
    ctx: ServiceContext,
    candidate_id: int,
    wanted: CandidateValues,
    expected: CandidateValues,
    fields: Sequence[str],
    action: str,
    prune: EditResult | None = None,
) -> Outcome[EditResult]:
    with ctx.write() as tx:
        session = tx.session
        before = read_values(session, candidate_id)
        candidate = session.get_one(Candidate, candidate_id)
        if not fields:
            result = EditResult(candidate_id, person_name(candidate), (), before, before)
            return outcome(result, tx)
        restoring = action != "candidate.edit"
        conflicts = {
            name: _conflict_message(session, name, getattr(before, name), restoring)
            for name in fields
            if not same(name, getattr(before, name), getattr(expected, name))
        }
        if conflicts:
            raise EditConflictError(conflicts, before)
        errors: dict[str, str] = {}
        if "owner_id" in fields:
            _check_owner(session, wanted.owner_id, errors, restoring)
        if "emails" in fields:
            _check_emails_free(session, candidate_id, wanted.emails, errors)
        if errors:
            raise ValidationError(errors)
        created_tags, created_skills = _apply(tx, candidate, wanted, fields)
        cancelled: list[int] = []
        if "emails" in fields:
            cancelled = _cancel_mail_to_removed(tx, candidate_id, wanted.emails)
        if prune is not None:
            _prune(tx, prune.created_tags, prune.created_skills)
            _requeue(tx, prune.cancelled_messages)
        session.flush()
        after = read_values(session, candidate_id)
        tx.audit(
            action,
            "candidate",
            candidate_id,
            before=before.subset(fields),
            after=after.subset(fields),
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        result = EditResult(
            candidate_id,
            person_name(candidate),
            tuple(fields),
            before,
            after,
            tuple(created_tags),
            tuple(created_skills),
            tuple(cancelled),
        )
        return outcome(result, tx)


def _conflict_message(session: Session, name: str, now: Any, restoring: bool) -> str:
    if name == "owner_id":
        owner = session.get(User, now) if now is not None else None
        shown = owner.display_name if owner else "no owner"
    elif isinstance(now, tuple):
        shown = ", ".join(now) if now else "nothing"
    else:
        shown = now or "empty"
    if restoring:  # an undo or redo: the field moved on since the edit
        return f"{LABELS[name]} changed since; it is now “{_short(str(shown))}”."
    return (
        f"Someone else changed this meanwhile; it is now “{_short(str(shown))}”. "
        "Save again to keep yours."
    )


def _check_owner(
    session: Session, owner_id: int | None, errors: dict[str, str], restoring: bool
) -> None:
    if owner_id is None:
        return
    owner = session.get(User, owner_id)
    if owner is None or not (owner.is_active or restoring):
        errors["owner_id"] = "Choose an active recruiter, or no owner."


def _check_emails_free(
    session: Session, candidate_id: int, emails: Sequence[str], errors: dict[str, str]
) -> None:
    """One person, one record: an address another candidate has is refused, naming them."""
    if not emails:
        return
    taken = session.execute(
        select(
            CandidateEmail.email,
            Candidate.id,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
        )
        .join(Candidate, Candidate.id == CandidateEmail.candidate_id)
        .where(
            CandidateEmail.email.in_([email.lower() for email in emails]),
            CandidateEmail.candidate_id != candidate_id,
        )
        .order_by(CandidateEmail.id)
    ).first()
    if taken is not None:
        errors["emails"] = (
            f"{taken.email} belongs to {person_name(taken)} (#{taken.id}): "
            "one person, one record. Merge the two instead."
        )


def _apply(
    tx: Transaction, candidate: Candidate, wanted: CandidateValues, fields: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Write ``fields`` of ``wanted``; returns the tags and the skills made for it."""
    session = tx.session
    for name in (*TEXT_FIELDS, "owner_id", "summary"):
        if name in fields:
            setattr(candidate, name, getattr(wanted, name))
    if "links" in fields:
        candidate.links = list(wanted.links)
    candidate.updated_at = utc_now()
    if "emails" in fields:
        _replace_rows(session, CandidateEmail, "email", candidate.id, wanted.emails)
    if "phones" in fields:
        _replace_rows(session, CandidatePhone, "phone", candidate.id, wanted.phones)
    created_tags: list[str] = []
    created_skills: list[str] = []
    if "skills" in fields:
        made, _touched = _link_names(
            session, CandidateSkill, Skill, "skill_id", candidate.id, wanted.skills
        )
        created_skills = list(made.values())
    if "tags" in fields:
        made, touched = _link_names(session, CandidateTag, Tag, "tag_id", candidate.id, wanted.tags)
        for tag_id, name in made.items():
            tx.audit("tag.create", "tag", tag_id, after={"name": name})
        created_tags = list(made.values())
        if touched:
            tx.changed(ChangeKind.TAGS, *touched)
    return created_tags, created_skills


def _replace_rows(
    session: Session, model: type, column: str, candidate_id: int, values: Sequence[str]
) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    session.execute(delete(table).where(table.c.candidate_id == candidate_id))
    if values:
        rows = [
            {"candidate_id": candidate_id, column: value, "position": position}
            for position, value in enumerate(values)
        ]
        session.execute(insert(table), rows)


def _link_names(
    session: Session,
    link: type,
    named: type,
    key: str,
    candidate_id: int,
    names: Sequence[str],
) -> tuple[dict[int, str], set[int]]:
    """Link exactly the named rows (found ignoring case, made when new). Returns the rows
    made (id → name) and the ids linked or unlinked. The link rows are inserted and deleted
    as such, so the search index's triggers keep the candidate's entry in step."""
    links, rows = link.__table__, named.__table__  # type: ignore[attr-defined]
    wanted = {name.casefold(): name for name in names}
    found = {
        row.name.casefold(): row.id
        for row in session.execute(
            select(rows.c.id, rows.c.name).where(func.lower(rows.c.name).in_(list(wanted)))
        )
    }
    made: dict[int, str] = {}
    for folded, name in wanted.items():
        if folded not in found:
            row_id = session.execute(insert(rows).values(name=name)).inserted_primary_key[0]
            found[folded] = row_id
            made[row_id] = name
    keep = {found[folded] for folded in wanted}
    linked = set(session.scalars(select(links.c[key]).where(links.c.candidate_id == candidate_id)))
    gone = linked - keep
    if gone:
        session.execute(
            delete(links).where(links.c.candidate_id == candidate_id, links.c[key].in_(gone))
        )
    new = [{"candidate_id": candidate_id, key: row_id} for row_id in sorted(keep - linked)]
    if new:
        session.execute(insert(links), new)
    return made, gone | (keep - linked)


def _prune(tx: Transaction, tags: Sequence[str], skills: Sequence[str]) -> None:
    """Remove the tags and skills an undone edit made, unless someone uses them by now."""
    session = tx.session
    for named, link, key, names in (
        (Tag, CandidateTag, "tag_id", tags),
        (Skill, CandidateSkill, "skill_id", skills),
    ):
        rows, links = named.__table__, link.__table__
        for row_id, name in session.execute(
            select(rows.c.id, rows.c.name).where(rows.c.name.in_(list(names)))
        ).all():
            if session.scalar(select(links.c.candidate_id).where(links.c[key] == row_id).limit(1)):
                continue
            session.execute(delete(rows).where(rows.c.id == row_id))
            if named is Tag:
                tx.audit("tag.delete", "tag", row_id, before={"name": name})
                tx.changed(ChangeKind.TAGS, row_id)


def _cancel_mail_to_removed(tx: Transaction, candidate_id: int, emails: Sequence[str]) -> list[int]:
    """Queued emails to an address no longer on the record are cancelled: an address taken
    off is wrong or unwanted, and mail rendered for it must not go out."""

    o = OutboxMessage.__table__.c
    ids = list(
        tx.session.scalars(
            select(o.id).where(
                o.candidate_id == candidate_id,
                o.state == MessageState.QUEUED,
                func.lower(o.to_address).not_in(list(emails)),
            )
        )
    )
    if ids:
        tx.session.execute(
            update(OutboxMessage.__table__)
            .where(o.id.in_(ids))
            .values(state=MessageState.CANCELLED, last_error=CANCELLED_REASON)
        )
        tx.changed(ChangeKind.OUTBOX, *ids)
    return ids


def _requeue(tx: Transaction, ids: Sequence[int]) -> None:
    """Queue again the emails an undone edit cancelled (those still cancelled by it)."""

    if not ids:
        return
    o = OutboxMessage.__table__.c
    done = tx.session.execute(
        update(OutboxMessage.__table__)
        .where(
            o.id.in_(list(ids)),
            o.state == MessageState.CANCELLED,
            o.last_error == CANCELLED_REASON,
        )
        .values(state=MessageState.QUEUED, last_error=None)
    )
    if done.rowcount:
        tx.changed(ChangeKind.OUTBOX, *ids)


def replace_values(
    values: CandidateValues, fields: Iterable[str], source: CandidateValues
) -> CandidateValues:
    """``values`` with ``fields`` taken from ``source`` (a form's baseline after a conflict)."""
    return dataclasses.replace(values, **{name: getattr(source, name) for name in fields})
