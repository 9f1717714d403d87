"""Deleting a candidate: the person and everything that hangs on them, in one transaction.

Applications (with their stage history), the timeline, contacts, work history, skill, tag and
pool links, duplicate suggestions, sequence enrolments, their outbox messages (sent or not:
nothing more goes out, and no copy of what went out stays) and their documents go together.
The audit entry keeps who was deleted (name and id) and how much went, none of their
details. Resume files are removed from the documents folder after the commit, once no
document names them.

Refused while they stand in an active stage of an open job, and while any of their
applications is younger than `APPLICANT_RECORDS_KEPT_DAYS`: the applicant flow log must list
every application for two years, so such a person is erased instead
(`app.services.candidates.privacy`), which keeps the applications anonymised.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.engagement import (
    Campaign,
    CampaignKind,
    MessageState,
    OutboxMessage,
    SequenceEnrollment,
)
from app.store.models import (
    Activity,
    Application,
    Candidate,
    Document,
    DuplicateSuspect,
    Job,
    JobStatus,
    PoolMembership,
    Stage,
    StageKind,
    Task,
)
from app.store.search import drop_candidate_search_rows, set_candidate_search_suspended

log = logging.getLogger(__name__)

# Applicant records (the flow log's rows, with their EEO answers) are kept at least two years.
APPLICANT_RECORDS_KEPT_DAYS = 2 * 365 + 1


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting a candidate takes with them, for the confirmation."""

    candidate_id: int
    name: str
    applications: int
    activities: int
    documents: int
    pools: int
    emails: int  # outbox messages, sent or waiting
    waiting_emails: int  # of which not sent yet
    sequences: int
    tasks: int = 0  # follow-ups about them (deleted with them)
    in_pipeline: tuple[str, ...] = ()  # open jobs where they are active: deleting is refused
    recent_applications: int = 0  # received within the flow log's two years: refused too

    def refusal(self) -> str | None:
        """Why deleting them is refused now, or None."""
        if self.in_pipeline:
            return still_in_pipeline(self.name, list(self.in_pipeline))
        if self.recent_applications:
            return applied_recently(self.name, self.recent_applications)
        return None


@dataclass(frozen=True)
class DeletionResult:
    candidate_id: int
    name: str
    removed: dict[str, int] = field(default_factory=dict)  # how many, by kind
    files_removed: tuple[str, ...] = ()  # stored paths, relative to the documents folder
    files_left: tuple[str, ...] = ()  # that could not be removed (the reason is logged)


def _count(session: Session, column: object, candidate_id: int) -> int:
    return session.scalar(select(func.count()).where(column == candidate_id)) or 0  # type: ignore[arg-type]


def deletion_preview(ctx: ServiceContext, candidate_id: int) -> DeletionPreview:

    with ctx.read() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        o = OutboxMessage.__table__.c
        waiting = session.scalar(
            select(func.count()).where(
                o.candidate_id == candidate_id,
                o.state.in_((MessageState.QUEUED, MessageState.SENDING, MessageState.UNKNOWN)),
            )
        )
        return DeletionPreview(
            candidate_id=candidate_id,
            name=person_name(candidate),
            applications=_count(session, Application.candidate_id, candidate_id),
            activities=_count(session, Activity.candidate_id, candidate_id),
            documents=_count(session, Document.candidate_id, candidate_id),
            pools=_count(session, PoolMembership.candidate_id, candidate_id),
            emails=_count(session, o.candidate_id, candidate_id),
            waiting_emails=waiting or 0,
            sequences=_count(session, SequenceEnrollment.__table__.c.candidate_id, candidate_id),
            tasks=_count(session, Task.candidate_id, candidate_id),
            in_pipeline=tuple(open_pipeline_jobs(session, candidate_id)),
            recent_applications=recent_applications(session, candidate_id),
        )


def open_pipeline_jobs(session: Session, candidate_id: int) -> list[str]:
    """The titles of the open (or on-hold) jobs where the candidate stands in an active stage:
    a person still in a hiring process is withdrawn or rejected there before being deleted,
    so no client's pipeline loses someone without a recorded outcome."""
    return list(
        session.scalars(
            select(Job.title)
            .join(Application, Application.job_id == Job.id)
            .join(Stage, Stage.id == Application.stage_id)
            .where(
                Application.candidate_id == candidate_id,
                Stage.kind == StageKind.ACTIVE,
                Job.status.in_((JobStatus.OPEN, JobStatus.ON_HOLD)),
            )
            .order_by(Job.title)
        )
    )


def recent_applications(session: Session, candidate_id: int, now: dt.datetime | None = None) -> int:
    """How many of the candidate's applications the applicant flow log must still list
    (received within `APPLICANT_RECORDS_KEPT_DAYS`)."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=APPLICANT_RECORDS_KEPT_DAYS)
    a = Application.__table__.c
    query = select(func.count()).where(a.candidate_id == candidate_id, a.applied_at >= cutoff)
    return session.scalar(query) or 0


def applied_recently(name: str, applications: int) -> str:
    theirs = "their application" if applications == 1 else f"their {applications} applications"
    return (
        f"{name} cannot be deleted yet: the applicant flow log must keep {theirs} from the "
        "last two years. Erase their personal data instead (Privacy → Erase personal data…): "
        "the applications stay, anonymised."
    )


def still_in_pipeline(name: str, titles: list[str]) -> str:
    jobs = ", ".join(titles[:3]) + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")
    return (
        f"{name} is still in the pipeline for {jobs}. Withdraw or reject them there first; "
        "then they can be deleted."
    )


def delete_candidate(
    ctx: ServiceContext, candidate_id: int, documents_dir: Path | None = None
) -> Outcome[DeletionResult]:
    """Delete the candidate and every row that depends on them; then, with
    ``documents_dir``, the resume files no document names any more.

    Refused while they stand in an active stage of an open job (withdraw or reject them there
    first), while an application of theirs is younger than the flow log's two years (erase
    them instead), and while an email to them is being handed to the mail server (a moment
    later it is sent or failed, and the deletion can go ahead).
    """

    with ctx.write() as tx:
        session = tx.session
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        name = person_name(candidate)
        o, e = OutboxMessage.__table__.c, SequenceEnrollment.__table__.c
        enrollments = session.execute(
            select(e.id, e.campaign_id).where(e.candidate_id == candidate_id)
        ).all()
        theirs = or_(
            o.candidate_id == candidate_id, o.enrollment_id.in_([r.id for r in enrollments])
        )
        messages = session.execute(select(o.id, o.campaign_id, o.state).where(theirs)).all()
        if any(row.state == MessageState.SENDING for row in messages):
            raise ValidationError(
                {"candidate": f"An email to {name} is being sent right now; try again in a minute."}
            )
        a = Application.__table__.c
        applications = session.execute(
            select(a.id, a.job_id, a.stage_id).where(a.candidate_id == candidate_id)
        ).all()
        in_pipeline = open_pipeline_jobs(session, candidate_id)
        if in_pipeline:
            raise ValidationError({"candidate": still_in_pipeline(name, in_pipeline)})
        recent = recent_applications(session, candidate_id)
        if recent:
            raise ValidationError({"candidate": applied_recently(name, recent)})
        documents = session.execute(
            select(Document.id, Document.stored_path).where(Document.candidate_id == candidate_id)
        ).all()
        pools = list(
            session.scalars(
                select(PoolMembership.pool_id).where(PoolMembership.candidate_id == candidate_id)
            )
        )
        s = DuplicateSuspect.__table__.c
        suspects = list(
            session.scalars(
                select(s.id).where(
                    or_(s.candidate_id == candidate_id, s.other_candidate_id == candidate_id)
                )
            )
        )
        activities = _count(session, Activity.candidate_id, candidate_id)
        campaigns = {row.campaign_id for row in [*messages, *enrollments] if row.campaign_id}

        # The candidate's search entry goes once at the end, instead of being derived again
        # after every row below (the switch is inside this transaction only).
        set_candidate_search_suspended(session, True)
        if messages:
            session.execute(
                delete(OutboxMessage.__table__).where(o.id.in_([r.id for r in messages]))
            )
        session.execute(delete(SequenceEnrollment.__table__).where(e.candidate_id == candidate_id))
        dropped = _drop_emptied_one_offs(session, campaigns)
        session.execute(delete(Document.__table__).where(Document.candidate_id == candidate_id))
        # The rest cascades from the candidate (applications with their stage changes,
        # activities, emails, phones, experience, skill, tag and pool links, suspects).
        session.execute(delete(Candidate.__table__).where(Candidate.__table__.c.id == candidate_id))
        # Out of the index already (the BEFORE triggers ran while the rows were there);
        # this only makes sure, and never removes a row the index does not hold.
        drop_candidate_search_rows(session, [candidate_id])
        set_candidate_search_suspended(session, False)

        removed = {
            "applications": len(applications),
            "activities": activities,
            "documents": len(documents),
            "pools": len(pools),
            "emails": len(messages),
            "sequences": len(enrollments),
            "duplicate_suggestions": len(suspects),
        }
        tx.audit(
            "candidate.delete",
            "candidate",
            candidate_id,
            before={"name": name},
            after={
                "deleted": True,
                "removed": {kind: count for kind, count in removed.items() if count},
                "applications": [row.id for row in applications],
                "jobs": sorted({row.job_id for row in applications}),
                "pools": pools,
                "documents": [row.id for row in documents],
                "one_off_campaigns": dropped,
            },
        )
        tx.changed(ChangeKind.CANDIDATES, candidate_id)
        for kind, ids in (
            (ChangeKind.APPLICATIONS, [row.id for row in applications]),
            (ChangeKind.JOBS, [row.job_id for row in applications]),
            (ChangeKind.STAGES, [row.stage_id for row in applications]),
            (ChangeKind.POOLS, pools),
            (ChangeKind.DOCUMENTS, [row.id for row in documents]),
            (ChangeKind.DUPLICATES, suspects),
            (ChangeKind.OUTBOX, [row.id for row in messages]),
            (ChangeKind.ENROLLMENTS, [row.id for row in enrollments]),
            (ChangeKind.CAMPAIGNS, list(campaigns)),
        ):
            if ids:
                tx.changed(kind, *ids)
        result = DeletionResult(candidate_id, name, removed)
        done = outcome(result, tx)
    if documents_dir is None or not documents:
        return done
    removed_files, left = remove_unused_files(
        ctx, documents_dir, [row.stored_path for row in documents]
    )
    result = DeletionResult(candidate_id, name, removed, removed_files, left)
    return Outcome(result, done.changes)


def _drop_emptied_one_offs(session: Session, campaign_ids: set[int]) -> list[int]:
    """One-off emails to this candidate (campaigns named after them) left without a message
    go too; campaigns to several people stay with their other recipients."""

    if not campaign_ids:
        return []
    c, o = Campaign.__table__.c, OutboxMessage.__table__.c
    emptied = list(
        session.scalars(
            select(c.id).where(
                c.id.in_(sorted(campaign_ids)),
                c.kind == CampaignKind.ONE_OFF,
                ~select(o.id).where(o.campaign_id == c.id).exists(),
            )
        )
    )
    if emptied:
        session.execute(delete(Campaign.__table__).where(c.id.in_(emptied)))
    return emptied


def remove_unused_files(
    ctx: ServiceContext, documents_dir: Path, stored_paths: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Remove the stored files no document names any more: (removed, could not be removed).

    Checked and removed while holding the database's write lock, so an import of the same
    file, which decides under that lock whether the file is already in place, sees either
    the file or its absence, never a file about to vanish. Paths outside the documents folder
    are never touched.
    """
    root = Path(documents_dir).resolve()
    removed: list[str] = []
    left: list[str] = []
    with ctx.write() as tx:
        named = set(
            tx.session.scalars(
                select(Document.stored_path).where(Document.stored_path.in_(stored_paths))
            )
        )
        for stored in dict.fromkeys(stored_paths):
            path = (root / stored).resolve()
            if stored in named or not path.is_relative_to(root) or path == root:
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                log.warning("Could not remove the stored file %s: %s", path, error)
                left.append(stored)
                continue
            removed.append(stored)
            if path.parent != root:
                with contextlib.suppress(OSError):  # other files in the shard folder: it stays
                    path.parent.rmdir()
    return tuple(removed), tuple(left)
