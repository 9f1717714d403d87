"""Duplicate candidates: finding people who look alike, and merging or dismissing them.

An import that shares an email with a record, or a phone number and the name, is that person
(see `app.services.intake.importer`). Otherwise a similar name in the same city or at the same
employer, or a shared phone number alone, is only a suspicion: the new candidate is created
and the pair is recorded for the recruiter, who merges them (everything moves to the
survivor, in one audited transaction that keeps what undoing it needs, see
`app.services.candidates.merge_undo`) or dismisses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from rapidfuzz import fuzz
from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from app.services.candidates.phones import matching_key, phone_key
from app.services.candidates.record_snapshot import capture, capture_after
from app.services.candidates.records import RECORD_TEXT_FIELDS
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import city_of, person_name
from app.services.core.sql_text import LIKE_ESCAPE, escape_like
from app.services.core.text_rules import LIMITS, MAX_LINKS, clean, fit_field, fit_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.engagement.optout import block_reason, cancel_pending, stop_enrollments
from app.services.pipeline.tasks import move_candidate_tasks
from app.store.engagement import OutboxMessage, SequenceEnrollment
from app.store.interviews import Interview
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    AuditEntry,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    CandidateSkill,
    CandidateTag,
    Consent,
    Document,
    DuplicateSuspect,
    Education,
    Experience,
    PoolMembership,
    utc_now,
)
from app.store.onboarding import OnboardingCheck
from app.store.placements import Offer, Placement
from app.store.submittals import Submittal

SIMILAR_NAME_SCORE = 85.0  # rapidfuzz token_sort_ratio, 0-100: "Jane Smith" ~ "Jane Smyth"
MAX_SUSPECTS = 5
PREFILTER_LIMIT = 2000  # rows compared by rapidfuzz at most, whatever the database size
MERGE_FIELDS = (
    *RECORD_TEXT_FIELDS,
    "owner_id",
    "summary",
)


MERGE_ACTION = "candidate.merge"  # undoable (see app.services.candidates.merge_undo)


def find_similar(session: Session, candidate: Candidate) -> list[tuple[int, float, str]]:
    """(other id, score, reason) of candidates who may be ``candidate``, best first.

    Cheap SQL first (same last-name initial, by the name index; same city or employer), then
    rapidfuzz on the few rows left, so it stays fast at 100,000 candidates.
    """
    first, last = clean(candidate.first_name), clean(candidate.last_name)
    city, employer = city_of(candidate.location), clean(candidate.current_employer)
    if not first or not last or not (city or employer):
        return []
    c = Candidate.__table__.c
    initials = {last[0].upper(), last[0].lower()}
    same_initial = or_(
        *(and_(c.last_name >= i, c.last_name < chr(ord(i) + 1)) for i in sorted(initials))
    )
    places = []
    if city:
        location = func.lower(c.location)
        places.append(location == city)
        places.append(location.like(f"{escape_like(city)},%", escape=LIKE_ESCAPE))
    if employer:
        places.append(func.lower(c.current_employer) == employer.casefold())
    rows = session.execute(
        select(c.id, c.first_name, c.middle_name, c.last_name, c.location, c.current_employer)
        .where(same_initial, or_(*places), c.id != candidate.id)
        .limit(PREFILTER_LIMIT)
    ).all()
    name = f"{first} {last}".casefold()
    found: list[tuple[int, float, str]] = []
    for row in rows:
        score = fuzz.token_sort_ratio(name, f"{row.first_name} {row.last_name}".casefold())
        if score < SIMILAR_NAME_SCORE:
            continue
        why = [f"similar name ({person_name(row)}, {score:.0f}%)"]
        if city and city_of(row.location) == city:
            why.append(f"same city ({row.location})")
        if employer and (row.current_employer or "").casefold() == employer.casefold():
            why.append(f"same employer ({row.current_employer})")
        if len(why) > 1:
            found.append((row.id, round(score, 1), "; ".join(why)[:300]))
    found.sort(key=lambda item: (-item[1], item[0]))
    return _without_shared_contacts(session, candidate.id, found)[:MAX_SUSPECTS]


def _without_shared_contacts(
    session: Session, candidate_id: int, found: list[tuple[int, float, str]]
) -> list[tuple[int, float, str]]:
    """Drop pairs sharing an email or a real phone number: the import would have made them
    one person already, or the recruiter said they are two (see `record_suspects`)."""
    if not found:
        return found
    ids = [other for other, _score, _reason in found]
    emails = set(
        session.scalars(
            select(CandidateEmail.email).where(CandidateEmail.candidate_id == candidate_id)
        )
    )
    phones = {
        matching_key(p)
        for p in session.scalars(
            select(CandidatePhone.phone).where(CandidatePhone.candidate_id == candidate_id)
        )
    } - {None}
    shared = {
        row.candidate_id
        for row in session.execute(
            select(CandidateEmail.candidate_id).where(
                CandidateEmail.candidate_id.in_(ids), CandidateEmail.email.in_(emails)
            )
        )
    }
    for other, phone in session.execute(
        select(CandidatePhone.candidate_id, CandidatePhone.phone).where(
            CandidatePhone.candidate_id.in_(ids)
        )
    ):
        if matching_key(phone) in phones:
            shared.add(other)
    return [item for item in found if item[0] not in shared]


def record_suspects(
    tx: Transaction,
    candidate: Candidate,
    also: tuple[tuple[int, float, str], ...] = (),
    never: frozenset[int] = frozenset(),
) -> tuple[int, ...]:
    """Record the candidates ``candidate`` may duplicate (inside the caller's transaction):
    those `find_similar` finds, and ``also`` (id, score, reason), such as people sharing only
    a phone number; ``never`` holds people the recruiter said are someone else."""
    found: dict[int, tuple[float, str]] = {}
    for other_id, score, reason in [*also, *find_similar(tx.session, candidate)]:
        if other_id in never or other_id == candidate.id:
            continue
        if other_id in found:
            best, why = found[other_id]
            found[other_id] = (max(best, score), f"{why}; {reason}"[:300])
        else:
            found[other_id] = (score, reason)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_SUSPECTS]
    for other_id, (score, reason) in ranked:
        suspect = DuplicateSuspect(
            candidate_id=candidate.id, other_candidate_id=other_id, score=score, reason=reason
        )
        tx.session.add(suspect)
        tx.session.flush()
        tx.audit(
            "duplicate.suspect",
            "duplicate_suspect",
            suspect.id,
            after={"candidate_id": candidate.id, "other_candidate_id": other_id, "score": score},
        )
        tx.changed(ChangeKind.DUPLICATES, suspect.id)
    return tuple(other_id for other_id, _pair in ranked)


@dataclass(frozen=True)
class SuspectRow:
    id: int
    candidate_id: int
    candidate_name: str
    other_candidate_id: int
    other_name: str
    score: float
    reason: str
    created_at: dt.datetime


def list_duplicate_suspects(ctx: ServiceContext) -> list[SuspectRow]:
    """Unresolved suspects, the likeliest first."""
    one, other = aliased(Candidate), aliased(Candidate)
    with ctx.read() as session:
        rows = session.execute(
            select(
                DuplicateSuspect.id,
                DuplicateSuspect.candidate_id,
                one.first_name,
                one.last_name,
                DuplicateSuspect.other_candidate_id,
                other.first_name,
                other.last_name,
                DuplicateSuspect.score,
                DuplicateSuspect.reason,
                DuplicateSuspect.created_at,
                one.middle_name,
                other.middle_name,
            )
            .join(one, one.id == DuplicateSuspect.candidate_id)
            .join(other, other.id == DuplicateSuspect.other_candidate_id)
            .where(DuplicateSuspect.resolved_at.is_(None))
            .order_by(DuplicateSuspect.score.desc(), DuplicateSuspect.id)
        ).all()
    return [
        SuspectRow(
            r[0],
            r[1],
            person_name(r[2], r[10], r[3]),
            r[4],
            person_name(r[5], r[11], r[6]),
            *r[7:10],
        )
        for r in rows
    ]


def dismiss_suspect(ctx: ServiceContext, suspect_id: int) -> Outcome[int]:
    """The two are different people: keep both and stop suggesting the pair."""
    with ctx.write() as tx:
        suspect = tx.session.get(DuplicateSuspect, suspect_id)
        if suspect is None:
            raise NotFoundError(f"Duplicate suggestion #{suspect_id} no longer exists.")
        if suspect.resolved_at is not None:
            return outcome(suspect_id, tx)
        suspect.resolved_at = utc_now()
        tx.audit(
            "duplicate.dismiss",
            "duplicate_suspect",
            suspect_id,
            before={"resolved_at": None},
            after={"resolved_at": suspect.resolved_at},
        )
        tx.changed(ChangeKind.DUPLICATES, suspect_id)
        return outcome(suspect_id, tx)


@dataclass(frozen=True)
class MergeResult:
    survivor_id: int
    removed_id: int
    moved: dict[str, int] = field(default_factory=dict)  # what moved, by kind
    dropped_applications: tuple[int, ...] = ()  # the other's, on jobs the survivor was on
    audit_id: int | None = None  # the merge's audit entry: what undoing it reads back


def merge_candidates(
    ctx: ServiceContext, survivor_id: int, other_id: int, chosen: Mapping[str, str]
) -> Outcome[MergeResult]:
    """Fold ``other`` into ``survivor`` and delete ``other``, in one audited transaction.

    ``chosen`` says, per field of `MERGE_FIELDS`, whose value to keep ("survivor" or
    "other"); a field not chosen keeps the survivor's value, or the other's when the
    survivor's is empty. Applications, timeline, documents, contacts, skills, tags and pools
    move; where both applied to the same job the survivor's application stays and the
    other's timeline entries move onto it.
    """
    errors = {
        name: "Choose survivor or other."
        for name, pick in chosen.items()
        if pick not in ("survivor", "other")
    }
    errors |= {name: "This field cannot be merged." for name in chosen if name not in MERGE_FIELDS}
    if survivor_id == other_id:
        errors["other"] = "A candidate cannot be merged with itself."
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        session = tx.session
        survivor = session.get(Candidate, survivor_id)
        other = session.get(Candidate, other_id)
        if survivor is None or other is None:
            missing = survivor_id if survivor is None else other_id
            raise NotFoundError(f"Candidate #{missing} no longer exists.")
        restore = capture(session, [survivor_id, other_id])
        before = _merge_snapshot(session, survivor)
        removed = _merge_snapshot(session, other)
        names = (person_name(survivor), person_name(other))
        _merge_fields(survivor, other, chosen)
        moved: dict[str, int] = {}
        _repoint_watched_applications(session, survivor_id, other_id)
        eeo_moved: list[list[int]] = []
        dropped = _move_applications(tx, survivor_id, other_id, moved, eeo_moved)
        _move_rows(session, survivor_id, other_id, moved)
        if tasks := move_candidate_tasks(session, survivor_id, other_id):  # not lost on delete
            moved["tasks"] = tasks
        _move_engagement(tx, survivor, other, moved)
        resolved = _settle_suspects(tx, survivor_id, other_id)
        session.flush()
        session.execute(delete(Candidate.__table__).where(Candidate.__table__.c.id == other_id))
        # The note names the other record by number only: the timeline is searched, and the
        # merged-away name must not find this candidate.
        activity = Activity(
            candidate_id=survivor_id,
            kind=ActivityKind.NOTE,
            subject=f"Merged with candidate #{other_id}",
            body="Another record of this person: its applications, timeline, resumes, "
            "contacts, skills, tags and pools moved here.",
            user_id=tx.actor.user_id,
        )
        session.add(activity)
        session.flush()
        after = _merge_snapshot(session, survivor) | {
            "merged_from": other_id,
            "moved": moved,
            "dropped_applications": dropped,
            "eeo_moved": eeo_moved,  # [dropped, kept] application ids, never the answers
            "resolved_suspects": resolved,
            "activity_id": activity.id,
            "names": list(names),
            "restore": capture_after(session, restore),
        }
        before |= {"restore": restore}
        tx.audit(MERGE_ACTION, "candidate", survivor_id, before=before, after=after)
        tx.audit(
            "candidate.merged_away",
            "candidate",
            other_id,
            before=removed,
            after={"merged_into": survivor_id},
        )
        tx.changed(ChangeKind.CANDIDATES, survivor_id, other_id)
        session.flush()
        audit_id = session.scalar(
            select(func.max(AuditEntry.id)).where(
                AuditEntry.entity_type == "candidate",
                AuditEntry.entity_id == survivor_id,
                AuditEntry.action == MERGE_ACTION,
            )
        )
        result = MergeResult(survivor_id, other_id, moved, tuple(dropped), audit_id)
        return outcome(result, tx)


def _merge_snapshot(session: Session, candidate: Candidate) -> dict[str, Any]:
    emails = session.scalars(
        select(CandidateEmail.email)
        .where(CandidateEmail.candidate_id == candidate.id)
        .order_by(CandidateEmail.position)
    )
    phones = session.scalars(
        select(CandidatePhone.phone)
        .where(CandidatePhone.candidate_id == candidate.id)
        .order_by(CandidatePhone.position)
    )
    return {name: getattr(candidate, name) for name in MERGE_FIELDS} | {
        "links": list(candidate.links or []),
        "do_not_contact": candidate.do_not_contact,
        "consent": candidate.consent,
        "unsubscribed_at": candidate.unsubscribed_at,
        "emails": list(emails),
        "phones": list(phones),
    }


def _merge_fields(survivor: Candidate, other: Candidate, chosen: Mapping[str, str]) -> None:
    """The survivor's fields after the merge. Text is cleaned and fitted to its cap as it is
    written (records saved before the caps existed may hold more), and the links are merged
    up to `MAX_LINKS`."""
    for name in MERGE_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        pick = chosen.get(name)
        if pick == "other" or (pick is None and mine in (None, "") and theirs not in (None, "")):
            mine = theirs
        setattr(survivor, name, _merged_value(name, mine))
    links: list[str] = []
    for link in [*(survivor.links or []), *(other.links or [])]:
        value = clean(link) if isinstance(link, str) else None
        if value and len(value) <= LIMITS["link"] and value not in links:
            links.append(value)
    survivor.links = links[:MAX_LINKS]
    # The cautious answer wins: one "do not contact" or one withdrawal is enough.
    survivor.do_not_contact = bool(survivor.do_not_contact or other.do_not_contact)
    stricter = other.consent is Consent.WITHDRAWN and survivor.consent is not Consent.WITHDRAWN
    news = other.consent is Consent.GRANTED and survivor.consent is Consent.UNKNOWN
    if stricter or news:
        survivor.consent, survivor.consent_at = other.consent, other.consent_at


def _merged_value(name: str, value: Any) -> Any:
    if name == "owner_id" or not isinstance(value, str):
        return value
    if name == "summary":
        return fit_text(value, LIMITS["summary"])
    if name in ("first_name", "last_name"):
        return fit_field(name, value) or ""  # required columns: empty, never NULL
    return fit_field(name, value)


def _move_applications(
    tx: Transaction,
    survivor_id: int,
    other_id: int,
    moved: dict[str, int],
    eeo_moved: list[list[int]],
) -> list[int]:
    """Re-point the other's applications; drop those on jobs the survivor is already on
    (adding to ``eeo_moved`` each dropped and kept application whose answers moved)."""
    session = tx.session
    apps, acts = Application.__table__, Activity.__table__
    survivor_jobs = dict(
        session.execute(
            select(apps.c.job_id, apps.c.id).where(apps.c.candidate_id == survivor_id)
        ).all()
    )
    dropped: list[int] = []
    rows = session.execute(
        select(apps.c.id, apps.c.job_id, apps.c.stage_id).where(apps.c.candidate_id == other_id)
    ).all()
    for app_id, job_id, stage_id in rows:
        tx.changed(ChangeKind.JOBS, job_id)
        kept = survivor_jobs.get(job_id)
        if kept is None:
            session.execute(
                update(apps)
                .where(apps.c.id == app_id)
                .values(candidate_id=survivor_id, version=apps.c.version + 1)
            )
            tx.changed(ChangeKind.APPLICATIONS, app_id)
            moved["applications"] = moved.get("applications", 0) + 1
            continue
        session.execute(
            update(acts).where(acts.c.application_id == app_id).values(application_id=kept)
        )
        if _keep_offers_and_placement(session, app_id, kept):
            eeo_moved.append([app_id, kept])
        # Its interviews (and their scorecards) join the kept application rather than go.
        session.execute(
            update(Interview).where(Interview.application_id == app_id).values(application_id=kept)
        )
        session.execute(delete(apps).where(apps.c.id == app_id))
        tx.audit(
            "application.delete",
            "application",
            app_id,
            before={"candidate_id": other_id, "job_id": job_id, "stage_id": stage_id},
            after={"merged_into_application": kept},
        )
        tx.changed(ChangeKind.APPLICATIONS, app_id, kept)
        tx.changed(ChangeKind.STAGES, stage_id)
        dropped.append(app_id)
    return dropped


def _keep_offers_and_placement(session: Session, dropped: int, kept: int) -> bool:
    """The dropped application's offers move to the kept one, and its placement (and
    onboarding checks) too unless the kept one has its own (one hire of one person for one
    job); so do its self-identification answers, and whether they did is returned."""
    session.execute(
        update(Offer)
        .where(Offer.application_id == dropped)
        .values(application_id=kept)
        .execution_options(synchronize_session=False)
    )
    placed = select(Placement.id).where(Placement.application_id == kept).exists()
    session.execute(
        update(Placement)
        .where(Placement.application_id == dropped, ~placed)
        .values(application_id=kept)
        .execution_options(synchronize_session=False)
    )
    # Its onboarding checks too, each kind the kept application does not have already.
    kept_check = OnboardingCheck.__table__.alias("kept_check")
    same_kind = (
        select(kept_check.c.id)
        .where(kept_check.c.application_id == kept, kept_check.c.kind == OnboardingCheck.kind)
        .exists()
    )
    session.execute(
        update(OnboardingCheck)
        .where(OnboardingCheck.application_id == dropped, ~same_kind)
        .values(application_id=kept)
        .execution_options(synchronize_session=False)
    )
    # The self-identification answers too, unless the kept one has its own.
    return move_eeo_answers(session, dropped, kept)


def move_eeo_answers(session: Session, source: int, target: int) -> bool:
    """Move application ``source``'s self-identification answers to ``target`` unless the
    target has its own (and exists); whether they moved. The answers stay out of the merge's
    audit snapshot (admins read it): the entry names only the two applications
    (``eeo_moved``), and undo and redo move the answers back and forth by those ids."""
    moved = session.execute(
        text(
            "UPDATE eeo_answers SET application_id = :target WHERE application_id = :source"
            " AND EXISTS (SELECT 1 FROM applications WHERE id = :target)"
            " AND NOT EXISTS (SELECT 1 FROM eeo_answers WHERE application_id = :target)"
        ),
        {"target": target, "source": source},
    )
    return bool(cast(CursorResult[Any], moved).rowcount)


def _move_rows(session: Session, survivor_id: int, other_id: int, moved: dict[str, int]) -> None:
    """Timeline, documents, submittals, contacts, history, skills, tags and pools, without
    duplicates."""
    for linked, key in (
        (Activity.__table__, "activities"),
        (Document.__table__, "documents"),
        (Submittal.__table__, "submittals"),
    ):
        count = session.execute(
            update(linked).where(linked.c.candidate_id == other_id).values(candidate_id=survivor_id)
        ).rowcount
        if count:
            moved[key] = count
    _move_keyed(session, CandidateEmail, survivor_id, other_id, moved, "emails", lambda r: r.email)
    _move_keyed(
        session,
        CandidatePhone,
        survivor_id,
        other_id,
        moved,
        "phones",
        lambda r: phone_key(r.phone),
    )

    def job_key(row: Any) -> tuple[str, str, str | None]:
        return (row.company.casefold(), (row.title or "").casefold(), row.start)

    def school_key(row: Any) -> tuple[str, str, str | None]:
        return (row.institution.casefold(), (row.degree or "").casefold(), row.year)

    _move_keyed(session, Experience, survivor_id, other_id, moved, "experiences", job_key)
    _move_keyed(session, Education, survivor_id, other_id, moved, "educations", school_key)
    for model, column, key in (
        (CandidateSkill, "skill_id", "skills"),
        (CandidateTag, "tag_id", "tags"),
        (PoolMembership, "pool_id", "pools"),
    ):
        table = model.__table__
        have = set(
            session.scalars(select(table.c[column]).where(table.c.candidate_id == survivor_id))
        )
        rows = session.execute(select(table).where(table.c.candidate_id == other_id)).mappings()
        new = [dict(row) | {"candidate_id": survivor_id} for row in rows if row[column] not in have]
        if new:
            session.execute(insert(table), new)
            moved[key] = len(new)


def _move_keyed(
    session: Session,
    model: type,
    survivor_id: int,
    other_id: int,
    moved: dict[str, int],
    kind: str,
    key: Any,
) -> None:
    """Move the other's rows of ``model`` unless the survivor has one with the same key."""
    table = model.__table__
    has_position = "position" in table.c
    order = [table.c.position, table.c.id] if has_position else [table.c.id]
    mine = session.execute(
        select(table).where(table.c.candidate_id == survivor_id).order_by(*order)
    ).all()
    seen = {key(row) for row in mine}
    position = len(mine)
    count = 0
    for row in session.execute(
        select(table).where(table.c.candidate_id == other_id).order_by(*order)
    ).all():
        if key(row) in seen:
            continue  # deleted with the other candidate
        seen.add(key(row))
        values: dict[str, Any] = {"candidate_id": survivor_id}
        if has_position:
            values["position"] = position
        session.execute(update(table).where(table.c.id == row.id).values(**values))
        position += 1
        count += 1
    if count:
        moved[kind] = count


def _repoint_watched_applications(session: Session, survivor_id: int, other_id: int) -> None:
    """Sequences watching one of the other's applications that `_move_applications` will drop
    (both were on the job) watch the survivor's application instead, from its current stage,
    so the merge itself does not read as a stage change."""

    apps, e = Application.__table__.c, SequenceEnrollment.__table__.c
    kept = aliased(Application)
    for dropped_id, kept_id, kept_stage in session.execute(
        select(apps.id, kept.id, kept.stage_id)
        .join(kept, and_(kept.job_id == apps.job_id, kept.candidate_id == survivor_id))
        .where(apps.candidate_id == other_id)
    ).all():
        session.execute(
            update(SequenceEnrollment.__table__)
            .where(e.application_id == dropped_id)
            .values(application_id=kept_id, stage_id_at_enrollment=kept_stage)
        )


def _move_engagement(
    tx: Transaction, survivor: Candidate, other: Candidate, moved: dict[str, int]
) -> None:
    """The other's outbox messages and sequence enrolments go to the survivor (where both
    were in one sequence, the survivor's enrolment stays and takes the other's messages); the
    survivor stays unsubscribed if either was, and if the merged person may no longer be
    emailed, their sequences stop and their unsent messages are cancelled."""

    session = tx.session
    o, e = OutboxMessage.__table__.c, SequenceEnrollment.__table__.c
    mine = dict(
        session.execute(select(e.campaign_id, e.id).where(e.candidate_id == survivor.id)).all()
    )
    duplicates: list[int] = []
    for enrollment_id, campaign_id in session.execute(
        select(e.id, e.campaign_id).where(e.candidate_id == other.id)
    ).all():
        if campaign_id in mine:
            session.execute(
                update(OutboxMessage.__table__)
                .where(o.enrollment_id == enrollment_id)
                .values(enrollment_id=mine[campaign_id])
            )
            duplicates.append(enrollment_id)
    if duplicates:
        session.execute(delete(SequenceEnrollment.__table__).where(e.id.in_(duplicates)))
        moved["dropped_enrollments"] = len(duplicates)
        tx.changed(ChangeKind.ENROLLMENTS, *duplicates)
    enrollments = list(session.scalars(select(e.id).where(e.candidate_id == other.id)))
    if enrollments:
        session.execute(
            update(SequenceEnrollment.__table__)
            .where(e.id.in_(enrollments))
            .values(candidate_id=survivor.id)
        )
        moved["enrollments"] = len(enrollments)
        tx.changed(ChangeKind.ENROLLMENTS, *enrollments)
    messages = list(session.scalars(select(o.id).where(o.candidate_id == other.id)))
    if messages:
        session.execute(
            update(OutboxMessage.__table__)
            .where(o.id.in_(messages))
            .values(candidate_id=survivor.id)
        )
        moved["outbox_messages"] = len(messages)
        tx.changed(ChangeKind.OUTBOX, *messages)
    times = [t for t in (survivor.unsubscribed_at, other.unsubscribed_at) if t is not None]
    if times:
        survivor.unsubscribed_at = min(times)
    session.flush()
    blocked = block_reason(
        survivor.do_not_contact, survivor.unsubscribed_at, survivor.consent, True
    )
    if blocked is not None:
        stop_enrollments(tx, survivor.id, blocked)
        cancel_pending(tx, survivor.id, f"Cancelled: {blocked} (candidates merged).")


def _settle_suspects(tx: Transaction, survivor_id: int, other_id: int) -> list[int]:
    """Resolve the pair's suspects; hand the other's remaining suspicions to the survivor.

    The resolved rows then go with the other candidate (foreign keys cascade); the audit
    entries written here are what remains of them.
    """
    session = tx.session
    table = DuplicateSuspect.__table__.c
    pair = or_(
        and_(table.candidate_id == survivor_id, table.other_candidate_id == other_id),
        and_(table.candidate_id == other_id, table.other_candidate_id == survivor_id),
    )
    now = utc_now()
    resolved = list(session.scalars(select(table.id).where(pair, table.resolved_at.is_(None))))
    for suspect_id in resolved:
        session.execute(
            update(DuplicateSuspect.__table__).where(table.id == suspect_id).values(resolved_at=now)
        )
        tx.audit(
            "duplicate.resolve",
            "duplicate_suspect",
            suspect_id,
            before={"resolved_at": None},
            after={"resolved_at": now, "merged": [survivor_id, other_id]},
        )
        tx.changed(ChangeKind.DUPLICATES, suspect_id)
    existing = {
        tuple(sorted(row))
        for row in session.execute(
            select(table.candidate_id, table.other_candidate_id).where(
                or_(table.candidate_id == survivor_id, table.other_candidate_id == survivor_id)
            )
        )
    }
    for row in session.execute(
        select(table.id, table.candidate_id, table.other_candidate_id).where(
            or_(table.candidate_id == other_id, table.other_candidate_id == other_id),
            ~pair,
            table.resolved_at.is_(None),
        )
    ).all():
        third = row.other_candidate_id if row.candidate_id == other_id else row.candidate_id
        if tuple(sorted((survivor_id, third))) in existing:
            continue  # the survivor already has this suspicion; the copy goes with the other
        column = "candidate_id" if row.candidate_id == other_id else "other_candidate_id"
        session.execute(
            update(DuplicateSuspect.__table__)
            .where(table.id == row.id)
            .values({column: survivor_id})
        )
        existing.add(tuple(sorted((survivor_id, third))))
        tx.changed(ChangeKind.DUPLICATES, row.id)
    return resolved
