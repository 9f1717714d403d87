"""Candidates: one record per person, created by hand, by import or by seeding."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from app.services.candidates.filters import CandidateFilters, filter_conditions
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.scope import require_all, require_candidate
from app.services.core.text_rules import LIMITS, MAX_LINKS, clean
from app.services.core.unit_of_work import NotFoundError, ValidationError, columns_of
from app.services.core.validation import (
    check_email,
    check_length,
    check_phone,
    check_required,
    check_url,
)
from app.store.engagement import Campaign, MessageState, OutboxMessage
from app.store.mailbox import BouncingAddress
from app.store.models import (
    Activity,
    Application,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    Client,
    Consent,
    Document,
    Job,
    Stage,
    StageKind,
    Tag,
    User,
)

CANDIDATE_FIELDS = (
    "first_name",
    "last_name",
    "headline",
    "current_title",
    "current_employer",
    "location",
    "links",
    "source",
    "owner_id",
)
# The one-line text fields a form sets, each checked against its cap in `LIMITS`.
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "location",
    "current_title",
    "current_employer",
    "headline",
    "source",
)
# The list's columns, in the order the Candidates table shows them; "recent" is "added", newest
# first.
SORT_KEYS = ("name", "title", "employer", "location", "email", "source", "added")
SORT_ORDERS = (*SORT_KEYS, "recent")

# Every one-line text field of a candidate's record, in the order the edit form shows them
# (the edit form, the merge dialog and the undo of an edit share it).
RECORD_TEXT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "headline",
    "current_title",
    "current_employer",
    "location",
    "source",
)


@dataclass(frozen=True)
class CandidateInput:
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    current_title: str | None = None
    current_employer: str | None = None
    headline: str | None = None
    source: str | None = None
    links: tuple[str, ...] = field(default_factory=tuple)

    def validate(self) -> dict[str, str]:
        """A message per field; every text field is checked against its cap (`LIMITS`) once
        cleaned, so a message never depends on stray spaces or control characters."""
        errors: dict[str, str] = {}
        check_required(errors, "first_name", self.first_name, "First name")
        check_required(errors, "last_name", self.last_name, "Last name")
        for name in TEXT_FIELDS:
            check_length(errors, name, clean(getattr(self, name)), LIMITS[name])
        check_email(errors, "email", clean(self.email))
        check_phone(errors, "phone", clean(self.phone))
        links = self.cleaned_links()
        if len(links) > MAX_LINKS:
            errors["links"] = f"At most {MAX_LINKS} links."
        for link in links:
            check_url(errors, "links", link)
        return errors

    def cleaned_links(self) -> list[str]:
        """The links as stored: cleaned, empty ones left out, each once."""
        return list(dict.fromkeys(link for link in map(clean, self.links) if link))


def find_by_email(session: Session, email: str) -> int | None:
    return session.scalar(
        select(CandidateEmail.candidate_id).where(CandidateEmail.email == email.lower()).limit(1)
    )


def check_email_free(ctx: ServiceContext, errors: dict[str, str], email: str | None) -> None:
    """Refuse an email address another candidate already has (one person, one record)."""
    if errors or not email:
        return
    with ctx.read() as session:
        existing = find_by_email(session, email)
    if existing is not None:
        errors["email"] = f"Candidate #{existing} already has this email address."


def create_candidate(ctx: ServiceContext, data: CandidateInput) -> Outcome[int]:
    errors = data.validate()
    email = clean(data.email)
    check_email_free(ctx, errors, email)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        candidate = Candidate(
            first_name=clean(data.first_name),
            last_name=clean(data.last_name),
            location=clean(data.location),
            current_title=clean(data.current_title),
            current_employer=clean(data.current_employer),
            headline=clean(data.headline),
            source=clean(data.source) or "Manual entry",
            links=data.cleaned_links(),
            owner_id=ctx.actor.user_id,
        )
        if email:
            candidate.emails.append(CandidateEmail(email=email.lower(), position=0))
        if clean(data.phone):
            candidate.phones.append(CandidatePhone(phone=clean(data.phone), position=0))
        tx.session.add(candidate)
        tx.session.flush()
        after = columns_of(candidate, CANDIDATE_FIELDS) | {
            "emails": [e.email for e in candidate.emails],
            "phones": [p.phone for p in candidate.phones],
        }
        tx.audit("candidate.create", "candidate", candidate.id, after=after)
        tx.changed(ChangeKind.CANDIDATES, candidate.id)
        return outcome(candidate.id, tx)


@dataclass(frozen=True)
class CandidateRow:
    """A candidate as the Candidates list shows it."""

    id: int
    name: str
    current_title: str | None
    current_employer: str | None
    location: str | None
    email: str | None
    source: str | None
    created_at: dt.datetime
    first_name: str = ""  # the name's parts, which the name order sorts by
    last_name: str = ""


def count_candidates(ctx: ServiceContext, filters: CandidateFilters | None = None) -> int:
    require_all(ctx)
    query = select(func.count(Candidate.id)).where(*filter_conditions(ctx, filters))
    with ctx.read() as session:
        return session.scalar(query) or 0


# ---- sorted pages ------------------------------------------------------------------------------
# Every list column sorts both ways. A page is found in two steps: the ids of the page (a query
# that reads only what it orders by, so SQLite's sorter never carries the other columns or the
# email subquery for 100,000 rows), then those rows' columns. Pages continue after the last row
# shown (keyset paging), so the 500th page costs what the first does. Blank values (no title,
# no email…) come last in both directions, as in a spreadsheet: the list is two segments, the
# candidates with a value ordered by it, then the others by id, each read by its own query so
# that an index on the column, where there is one, serves the first segment.


@dataclass(frozen=True)
class _Segment:
    source: Any  # a SELECT of Candidate.id over the segment's candidates
    keys: tuple[Any, ...]  # the ORDER BY columns, Candidate.id last


def _segments(order: str) -> list[_Segment]:
    if order == "name":
        keys = (Candidate.last_name, Candidate.first_name, Candidate.id)
        return [_Segment(select(Candidate.id), keys)]
    if order in ("added", "recent"):
        keys = (Candidate.created_at, Candidate.id)
        return [_Segment(select(Candidate.id), keys)]
    blank_last = _Segment(select(Candidate.id), (Candidate.id,))
    if order == "email":
        primary = aliased(CandidateEmail)
        first = aliased(CandidateEmail)
        first_id = (
            select(first.id)
            .where(first.candidate_id == primary.candidate_id)
            .order_by(first.position, first.id)
            .limit(1)
            .scalar_subquery()
        )
        with_email = (
            select(Candidate.id)
            .select_from(primary)
            .join(Candidate, Candidate.id == primary.candidate_id)
            .where(primary.id == first_id)
        )
        none = ~exists(select(CandidateEmail.id).where(CandidateEmail.candidate_id == Candidate.id))
        return [
            _Segment(with_email, (primary.email, Candidate.id)),
            _Segment(blank_last.source.where(none), blank_last.keys),
        ]
    column = _TEXT_SORTS[order]
    return [
        _Segment(select(Candidate.id).where(column > ""), (column, Candidate.id)),
        _Segment(blank_last.source.where(or_(column.is_(None), column == "")), blank_last.keys),
    ]


_TEXT_SORTS = {
    "title": Candidate.current_title,
    "employer": Candidate.current_employer,
    "location": Candidate.location,
    "source": Candidate.source,
}
_ROW_FIELDS = {
    "title": "current_title",
    "employer": "current_employer",
    "location": "location",
    "source": "source",
    "email": "email",
}


def _cursor(order: str, row: CandidateRow) -> tuple[int, tuple[Any, ...]]:
    """(segment, sort key) of a row already shown: the next page starts after it."""
    if order == "name":
        return 0, (row.last_name, row.first_name, row.id)
    if order in ("added", "recent"):
        return 0, (row.created_at, row.id)
    value = getattr(row, _ROW_FIELDS[order])
    return (0, (value, row.id)) if value else (1, (row.id,))


def _after(keys: tuple[Any, ...], values: tuple[Any, ...], descending: bool) -> Any:
    """Rows strictly after ``values`` in the order of ``keys`` (one row-value comparison, which
    SQLite answers from an index on the keys when there is one)."""
    bound = [literal(value, key.type) for key, value in zip(keys, values, strict=True)]
    if len(keys) == 1:
        return keys[0] < bound[0] if descending else keys[0] > bound[0]
    return tuple_(*keys) < tuple_(*bound) if descending else tuple_(*keys) > tuple_(*bound)


def _page_ids(
    session: Session,
    order: str,
    descending: bool,
    conditions: list[Any],
    after: CandidateRow | None,
    offset: int,
    limit: int,
) -> list[int]:
    start, key = _cursor(order, after) if after is not None else (0, None)
    ids: list[int] = []
    for index, segment in enumerate(_segments(order)):
        if index < start or len(ids) >= limit:
            continue
        query = segment.source.where(*conditions)
        if index == start and key is not None:
            query = query.where(_after(segment.keys, key, descending))
        ordered = [k.desc() for k in segment.keys] if descending else list(segment.keys)
        page = query.order_by(*ordered)
        found = list(session.scalars(page.offset(offset).limit(limit - len(ids))))
        if offset and not found:  # the whole segment lies before the offset: skip past it
            counted = select(func.count()).select_from(page.order_by(None).subquery())
            offset = max(0, offset - (session.scalar(counted) or 0))
        else:
            offset = 0
        ids.extend(found)
    return ids


def candidate_page(
    ctx: ServiceContext,
    offset: int,
    limit: int,
    order: str = "name",
    filters: CandidateFilters | None = None,
    descending: bool = False,
    after: CandidateRow | None = None,
) -> list[CandidateRow]:
    """One page of the candidate list (narrowed by ``filters``), for lazy loading.

    ``order`` is a list column (`SORT_KEYS`; "recent" is "added" newest first). ``after``, the
    last row of the previous page, continues from it at the cost of a first page; ``offset``
    then counts from there.
    """
    require_all(ctx)
    if order not in SORT_ORDERS:
        raise ValueError(f"order must be one of {SORT_ORDERS}")
    descending = descending or order == "recent"
    conditions = filter_conditions(ctx, filters)
    with ctx.read() as session:
        ids = _page_ids(session, order, descending, conditions, after, max(0, offset), limit)
        if not ids:
            return []
        rows = {
            row[0]: row
            for row in session.execute(
                select(
                    Candidate.id,
                    Candidate.first_name,
                    Candidate.last_name,
                    Candidate.current_title,
                    Candidate.current_employer,
                    Candidate.location,
                    _primary_email(),
                    Candidate.source,
                    Candidate.created_at,
                    Candidate.middle_name,
                ).where(Candidate.id.in_(_id_list(ids)))
            )
        }
    return [
        CandidateRow(
            id=row[0],
            name=person_name(row[1], row[9], row[2]),
            current_title=row[3],
            current_employer=row[4],
            location=row[5],
            email=row[6],
            source=row[7],
            created_at=row[8],
            first_name=row[1],
            last_name=row[2],
        )
        for row in (rows[candidate_id] for candidate_id in ids if candidate_id in rows)
    ]


def all_matching_ids(
    ctx: ServiceContext,
    filters: CandidateFilters | None = None,
    order: str = "name",
    descending: bool = False,
) -> list[int]:
    """Every candidate ``filters`` keep, in the list's order: what "select all" in the
    Candidates list means (ids only, one query per segment; call it off the GUI thread)."""
    if order not in SORT_ORDERS:
        raise ValueError(f"order must be one of {SORT_ORDERS}")
    descending = descending or order == "recent"
    conditions = filter_conditions(ctx, filters)
    ids: list[int] = []
    with ctx.read() as session:
        for segment in _segments(order):
            keys = [k.desc() for k in segment.keys] if descending else list(segment.keys)
            ids.extend(session.scalars(segment.source.where(*conditions).order_by(*keys)))
    return ids


def _id_list(ids: list[int]) -> Any:
    """Ids as a subquery over one JSON parameter: an IN list of 200 bound parameters costs
    SQLAlchemy more to render (tens of ms) than the whole query costs SQLite."""
    values = func.json_each(json.dumps(ids)).table_valued("value")
    return select(values.c.value)


def _primary_email() -> Any:
    """The candidate's first email address by position (a scalar subquery)."""
    return (
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == Candidate.id)
        .order_by(CandidateEmail.position, CandidateEmail.id)
        .limit(1)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class FilterOptions:
    """The choices offered by the Candidates filter bar."""

    sources: tuple[str, ...]
    tags: tuple[str, ...]
    owners: tuple[tuple[int, str], ...]
    stages: tuple[str, ...]


def filter_options(ctx: ServiceContext) -> FilterOptions:

    with ctx.read() as session:
        sources = session.scalars(
            select(Candidate.source).where(Candidate.source.is_not(None)).distinct()
        )
        tags = session.scalars(select(Tag.name).order_by(Tag.name))
        owners = session.execute(
            select(User.id, User.display_name)
            .where(User.is_active.is_(True))
            .order_by(User.display_name)
        )
        stages = session.execute(
            select(Stage.name, func.min(Stage.position))
            .where(Stage.kind.in_((StageKind.ACTIVE, StageKind.HIRED)))
            .group_by(Stage.name)
            .order_by(func.min(Stage.position), Stage.name)
        )
        return FilterOptions(
            sources=tuple(sorted((s for s in sources if s is not None), key=str.casefold)),
            tags=tuple(tags),
            owners=tuple((row[0], row[1]) for row in owners),
            stages=tuple(row[0] for row in stages),
        )


@dataclass(frozen=True)
class ProfileApplication:
    job_title: str
    client_name: str
    stage_name: str
    applied_at: dt.datetime
    rejection_reason: str | None


@dataclass(frozen=True)
class ProfileActivity:
    kind: str
    subject: str | None
    body: str | None
    occurred_at: dt.datetime
    direction: str | None = None  # emails: "out" (sent by us) or "in" (a logged reply)


@dataclass(frozen=True)
class ProfileTouch:
    """An email from a campaign (one-off, bulk or sequence step) to this candidate."""

    campaign_name: str | None
    campaign_kind: str | None  # "one_off", "bulk", "sequence"
    subject: str
    state: str  # the outbox state: queued, sending, sent, failed, cancelled, unknown
    at: dt.datetime  # sent at; else when it is due (queued) or was written


@dataclass(frozen=True)
class ProfileResume:
    """One resume file on record for a candidate; ``stored_path`` is relative to the
    documents folder."""

    document_id: int
    original_name: str
    imported_at: dt.datetime
    stored_path: str


@dataclass(frozen=True)
class CandidateProfile:
    """What a recruiter sees when opening a candidate: contact, history, pipelines, timeline."""

    id: int
    name: str
    headline: str | None
    current_title: str | None
    current_employer: str | None
    location: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[str, ...]
    source: str | None
    skills: tuple[str, ...]
    tags: tuple[str, ...]
    experience: tuple[tuple[str, str | None, str | None, str | None], ...]
    applications: tuple[ProfileApplication, ...]
    activities: tuple[ProfileActivity, ...]
    owner_name: str | None = None
    do_not_contact: bool = False
    consent: Consent = Consent.UNKNOWN
    consent_at: dt.datetime | None = None
    resumes: tuple[ProfileResume, ...] = ()  # newest first
    unsubscribed_at: dt.datetime | None = None  # asked for no more email (issue #6)
    touches: tuple[ProfileTouch, ...] = ()  # campaign emails, newest first
    summary: str | None = None
    bouncing: tuple[str, ...] = ()  # their addresses a hard bounce reported: never sent to


def candidate_profile(
    ctx: ServiceContext, candidate_id: int, activities: int | None = 50
) -> CandidateProfile:
    """The profile with the latest ``activities`` timeline entries (None: all of them)."""
    require_candidate(ctx, candidate_id)
    with ctx.read() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        applications = session.execute(
            select(
                Job.title,
                Client.name,
                Stage.name,
                Application.applied_at,
                Application.rejection_reason,
            )
            .join(Job, Job.id == Application.job_id)
            .join(Client, Client.id == Job.client_id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.candidate_id == candidate_id)
            .order_by(Application.applied_at.desc())
        ).all()
        timeline = session.execute(
            select(
                Activity.kind,
                Activity.subject,
                Activity.body,
                Activity.occurred_at,
                Activity.direction,
            )
            .where(Activity.candidate_id == candidate_id)
            .order_by(Activity.occurred_at.desc())
            .limit(activities)
        ).all()
        touches = _touches(session, candidate_id, activities)
        owner = session.get(User, candidate.owner_id) if candidate.owner_id else None
        resumes = session.execute(
            select(Document.id, Document.original_name, Document.created_at, Document.stored_path)
            .where(Document.candidate_id == candidate_id)
            .order_by(Document.created_at.desc(), Document.id.desc())
        ).all()
        return CandidateProfile(
            id=candidate.id,
            name=person_name(candidate),
            headline=candidate.headline,
            current_title=candidate.current_title,
            current_employer=candidate.current_employer,
            location=candidate.location,
            emails=tuple(e.email for e in candidate.emails),
            phones=tuple(p.phone for p in candidate.phones),
            links=tuple(candidate.links or ()),
            source=candidate.source,
            skills=tuple(sorted(s.name for s in candidate.skills)),
            tags=tuple(sorted(t.name for t in candidate.tags)),
            experience=tuple((e.company, e.title, e.start, e.end) for e in candidate.experiences),
            applications=tuple(ProfileApplication(*row) for row in applications),
            activities=tuple(
                ProfileActivity(row[0].value, row[1], row[2], row[3], row[4]) for row in timeline
            ),
            owner_name=owner.display_name if owner else None,
            do_not_contact=bool(candidate.do_not_contact),
            consent=candidate.consent or Consent.UNKNOWN,
            consent_at=candidate.consent_at,
            resumes=tuple(ProfileResume(*row) for row in resumes),
            unsubscribed_at=candidate.unsubscribed_at,
            touches=touches,
            summary=candidate.summary,
            bouncing=_bouncing(session, [e.email for e in candidate.emails]),
        )


def _bouncing(session: Session, emails: list[str]) -> tuple[str, ...]:
    if not emails:
        return ()
    found = set(
        session.scalars(
            select(BouncingAddress.email).where(
                BouncingAddress.email.in_([e.lower() for e in emails])
            )
        )
    )
    return tuple(e for e in emails if e.lower() in found)


def _touches(session: Session, candidate_id: int, limit: int | None) -> tuple[ProfileTouch, ...]:
    """The candidate's outbox messages with their campaign, newest first."""
    o, c = OutboxMessage.__table__.c, Campaign.__table__.c
    at = func.coalesce(o.sent_at, o.next_attempt_at, o.created_at)
    rows = session.execute(
        select(c.name, c.kind, o.subject, o.state, o.sent_at, o.next_attempt_at, o.created_at)
        .select_from(OutboxMessage.__table__)
        .outerjoin(Campaign.__table__, c.id == o.campaign_id)
        .where(o.candidate_id == candidate_id)
        .order_by(at.desc(), o.id.desc())
        .limit(limit)
    ).all()
    return tuple(
        ProfileTouch(
            campaign_name=row.name,
            campaign_kind=str(row.kind) if row.kind is not None else None,
            subject=row.subject,
            state=str(row.state),
            at=row.sent_at
            or (row.next_attempt_at if row.state == MessageState.QUEUED else row.created_at),
        )
        for row in rows
    )


def field_values(ctx: ServiceContext, candidate_id: int, fields: tuple[str, ...]) -> dict[str, str]:
    """A candidate's scalar fields as display text, for choosing between two records."""

    with ctx.read() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        values: dict[str, str] = {}
        for name in fields:
            value = getattr(candidate, name)
            if name == "owner_id" and value is not None:
                owner = session.get(User, value)
                value = owner.display_name if owner else value
            values[name] = "" if value is None else str(value)
        return values
