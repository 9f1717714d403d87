"""Moving applications through a job's stages: the ATS's daily work.

Boards load as plain dataclasses (no ORM objects leave this module). A move is one
transaction that writes the StageChange, the timeline Activity and the AuditEntry, and it
is refused when the application changed since the board loaded it (optimistic locking on
``Application.version``), so two recruiters can never overwrite each other's move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.scope import job_scope, require_job
from app.services.core.text_rules import LIMITS, clean, fit
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.core.validation import check_length
from app.services.engagement.sequences import stop_on_stage_change
from app.services.pipeline.conflicts import VersionConflictError
from app.services.pipeline.onboarding import end_onboarding_in, start_onboarding_in
from app.services.pipeline.scorecards import check_leaving_interviewed, summaries
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    CandidateSkill,
    CandidateTag,
    Client,
    Job,
    JobStatus,
    Skill,
    Stage,
    StageChange,
    StageKind,
    StageTally,
    Tag,
    utc_now,
)
from app.store.submittals import Submittal

POSITION_STEP = 1024.0
SEPARATOR = "\x1f"  # joins names in one SQL string; never part of a name
MIN_GAP = 1e-6
# applications.rejection_reason and stage_changes.reason are String(200); the list of reasons
# offered (rejection_reasons.label) has the same size.
MAX_REJECTION_REASON = 200


@dataclass(frozen=True)
class StageInfo:
    id: int
    job_id: int
    name: str
    kind: StageKind
    position: int
    sla_days: int | None


@dataclass(slots=True)
class Card:
    """One application as a board card."""

    application_id: int
    candidate_id: int
    job_id: int
    stage_id: int
    name: str
    current_title: str | None
    current_employer: str | None
    stage_entered_at: dt.datetime
    rating: int | None
    source: str | None
    board_position: float
    version: int
    rejection_reason: str | None
    tags: tuple[str, ...] = ()
    job_title: str = ""
    client_name: str = ""
    # The latest submittal of this candidate for this job: "submitted", "interested", …
    submittal: str | None = None
    # The stars: the mean of the application's scorecards' averages, and how many there are.
    score: float | None = None
    score_count: int = 0

    def matches(self, words: Sequence[str], skills: Sequence[str] = ()) -> bool:
        """Whether every word occurs in the name, a tag or a skill (case-insensitive)."""
        if not words:
            return True
        haystack = " ".join((self.name, *self.tags, *skills)).lower()
        return all(word in haystack for word in words)

    def days_in_stage(self, now: dt.datetime) -> int:
        return max(0, (now - self.stage_entered_at).days)

    def is_overdue(self, sla_days: int | None, now: dt.datetime) -> bool:
        """Past its stage's SLA: more whole days in the stage than the SLA allows. The one
        rule behind the red flag on a card and the board's count of late cards."""
        return bool(sla_days) and self.days_in_stage(now) > (sla_days or 0)


@dataclass(frozen=True)
class Board:
    """A job's stages and cards, or (combined board) stage names over many jobs."""

    title: str
    stages: tuple[StageInfo, ...]
    cards: tuple[Card, ...]
    job_id: int | None = None
    # Combined boards: (job id, stage name) → that job's stage id.
    stage_by_job_and_name: dict[tuple[int, str], int] | None = None
    # Combined boards: applications per column in all, when not every card was loaded.
    totals: dict[str, int] | None = None
    # Each stage's SLA in days (stages without one left out). On a combined board a column
    # gathers the stages of many jobs, each with its own SLA, so a card is judged by the
    # SLA of its own stage, never by the column's.
    sla_days_by_stage: dict[int, int] = field(default_factory=dict)

    def sla_days(self, card: Card) -> int | None:
        """The SLA of the card's own stage (None: that stage has none)."""
        return self.sla_days_by_stage.get(card.stage_id)


def load_board(ctx: ServiceContext, job_id: int) -> Board:
    """A job's board: its stages in order and every application as a card."""
    require_job(ctx, job_id)
    stage = Stage.__table__.c
    with ctx.read() as session:
        job = session.execute(
            select(Job.__table__.c.title, Client.__table__.c.name)
            .join_from(Job.__table__, Client.__table__)
            .where(Job.__table__.c.id == job_id)
        ).first()
        if job is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        stages = tuple(
            StageInfo(*row)
            for row in session.execute(
                select(
                    stage.id, stage.job_id, stage.name, stage.kind, stage.position, stage.sla_days
                )
                .where(stage.job_id == job_id)
                .order_by(stage.position)
            )
        )
        application = Application.__table__.c
        cards = _cards(session, application.job_id == job_id, job.title, job.name)
        _scores(session, cards, job_ids=[job_id])
    return Board(
        title=f"{job.title} — {job.name}",
        stages=stages,
        cards=cards,
        job_id=job_id,
        sla_days_by_stage=_sla_days(stages),
    )


def _sla_days(stages: Iterable[StageInfo]) -> dict[int, int]:
    return {stage.id: stage.sla_days for stage in stages if stage.sla_days}


def load_pipeline(
    ctx: ServiceContext,
    owner_id: int | None = None,
    client_id: int | None = None,
    per_column: int = 1000,
) -> Board:
    """The combined board over all open jobs (of one owner or client): columns by stage name.

    At most ``per_column`` cards per column (the ones longest in their stage first): at
    100,000 candidates an agency has more open applications than a board can usefully show;
    `Board.totals` tells how many each column holds in all.
    """
    job_table, stage = Job.__table__, Stage.__table__.c
    jobs_query = select(job_table.c.id).where(job_table.c.status == JobStatus.OPEN)
    if owner_id is not None:
        jobs_query = jobs_query.where(job_table.c.owner_id == owner_id)
    if client_id is not None:
        jobs_query = jobs_query.where(job_table.c.client_id == client_id)
    scope = job_scope(ctx)
    if scope is not None:  # a hiring manager: the jobs they follow
        jobs_query = jobs_query.where(job_table.c.id.in_(scope))
    tally = StageTally.__table__.c
    with ctx.read() as session:
        job_ids = list(session.scalars(jobs_query))
        rows = session.execute(
            select(
                stage.id,
                stage.job_id,
                stage.name,
                stage.kind,
                stage.position,
                stage.sla_days,
                tally.applications,
            )
            .join_from(Stage.__table__, StageTally.__table__, tally.stage_id == stage.id)
            .where(stage.job_id.in_(job_ids))
            .order_by(stage.position, stage.id)
        ).all()
        columns: dict[str, StageInfo] = {}
        totals: dict[str, int] = defaultdict(int)
        by_job_and_name: dict[tuple[int, str], int] = {}
        every_stage: list[StageInfo] = []
        for row in rows:
            info = StageInfo(*row[:6])
            every_stage.append(info)
            by_job_and_name[(info.job_id, info.name)] = info.id
            columns.setdefault(info.name, info)
            totals[info.name] += row[6]
        application = Application.__table__.c
        ranked = (
            select(
                application.id.label("id"),
                func.row_number()
                .over(
                    partition_by=stage.name, order_by=(application.board_position, application.id)
                )
                .label("rank"),
            )
            .join_from(Application.__table__, Stage.__table__, stage.id == application.stage_id)
            .where(application.job_id.in_(job_ids))
            .subquery()
        )
        chosen = select(ranked.c.id).where(ranked.c.rank <= per_column)
        cards = _cards(session, application.id.in_(chosen))
        _scores(session, cards, job_ids=job_ids)
    ordered = tuple(sorted(columns.values(), key=lambda s: (s.position, s.name)))
    return Board(
        title="My pipeline",
        stages=ordered,
        cards=cards,
        stage_by_job_and_name=by_job_and_name,
        totals=dict(totals),
        sla_days_by_stage=_sla_days(every_stage),
    )


def _cards(
    session: Session, condition: object, job_title: str | None = None, client: str | None = None
) -> tuple[Card, ...]:
    """Cards in board order. With ``job_title`` and ``client`` given (one job's board) the
    job and client are not joined per row."""
    application, candidate = Application.__table__.c, Candidate.__table__.c
    job, client_table = Job.__table__.c, Client.__table__.c
    columns = [
        application.id,
        application.candidate_id,
        application.job_id,
        application.stage_id,
        candidate.first_name,
        candidate.last_name,
        candidate.current_title,
        candidate.current_employer,
        type_coerce(application.stage_entered_at, String),  # parsed below, much faster
        application.rating,
        application.source,
        application.board_position,
        application.version,
        application.rejection_reason,
        _tag_names(application.candidate_id),
        candidate.middle_name,
    ]
    query = select(*columns).join_from(
        Application.__table__, Candidate.__table__, candidate.id == application.candidate_id
    )
    one_job = job_title is not None and client is not None
    if not one_job:
        query = query.add_columns(job.title, client_table.name)
        query = query.join(Job.__table__, job.id == application.job_id).join(
            Client.__table__, client_table.id == job.client_id
        )
    rows = session.execute(
        query.where(condition).order_by(application.board_position, application.id)
    ).all()
    parse = dt.datetime.fromisoformat
    separator = SEPARATOR
    cards = tuple(
        Card(
            row[0],
            row[1],
            row[2],
            row[3],
            person_name(row[4], row[15], row[5]),
            row[6],
            row[7],
            parse(row[8] + "+00:00"),
            row[9],
            row[10],
            row[11],
            row[12],
            row[13],
            tuple(sorted(row[14].split(separator))) if row[14] else (),
            job_title if one_job else row[16],
            client if one_job else row[17],
        )
        for row in rows
    )
    _mark_submittals(session, cards)
    return cards


def _mark_submittals(session: Session, cards: tuple[Card, ...]) -> None:
    """Set each card's latest submittal status: one query over the cards' jobs (on the
    submittals' (job, date) index), not a subquery per card."""
    jobs = sorted({card.job_id for card in cards})
    if not jobs:
        return
    s = Submittal.__table__.c
    latest: dict[tuple[int, int], str] = {}
    for start in range(0, len(jobs), 900):  # SQLite's limit on bound parameters
        rows = session.execute(
            select(s.candidate_id, s.job_id, type_coerce(s.status, String))
            .where(s.job_id.in_(jobs[start : start + 900]))
            .order_by(s.submitted_at, s.id)
        )
        latest.update(((cid, job), status) for cid, job, status in rows)  # the last one wins
    if latest:
        for card in cards:
            card.submittal = latest.get((card.candidate_id, card.job_id))


def _scores(session: Session, cards: Sequence[Card], job_ids: Sequence[int]) -> None:
    """Fill each card's scorecard average and count (one grouped query for the jobs)."""
    if not cards:
        return
    found = summaries(session, job_ids=job_ids)
    for card in cards:
        summary = found.get(card.application_id)
        if summary is not None:
            card.score, card.score_count = summary.average, summary.count


def _tag_names(candidate_id: object) -> object:
    """The candidate's tag names joined in one string (a subquery per card row)."""
    link, tag = CandidateTag.__table__.c, Tag.__table__.c
    return (
        select(func.group_concat(tag.name, SEPARATOR))
        .join_from(CandidateTag.__table__, Tag.__table__, tag.id == link.tag_id)
        .where(link.candidate_id == candidate_id)
        .scalar_subquery()
    )


def skills_for_board(ctx: ServiceContext, board: Board) -> dict[int, tuple[str, ...]]:
    """Skills of the board's candidates, loaded when the board filter is first used."""
    ids = sorted({card.candidate_id for card in board.cards})
    found: dict[int, tuple[str, ...]] = {}
    with ctx.read() as session:
        for start in range(0, len(ids), 900):  # SQLite's limit on bound parameters
            chunk = ids[start : start + 900]
            found.update(_names_by_candidate(session, CandidateSkill, Skill, "skill_id", chunk))
    return found


def _names_by_candidate(
    session: Session, link: type, named: type, key: str, people: object
) -> dict[int, tuple[str, ...]]:
    """Tag or skill names per candidate, one row per candidate (joined in SQL)."""
    link_table, named_table = link.__table__, named.__table__
    rows = session.execute(
        select(link_table.c.candidate_id, func.group_concat(named_table.c.name, SEPARATOR))
        .join_from(link_table, named_table, named_table.c.id == link_table.c[key])
        .where(link_table.c.candidate_id.in_(people))
        .group_by(link_table.c.candidate_id)
    )
    return {candidate_id: tuple(sorted(names.split(SEPARATOR))) for candidate_id, names in rows}


class Replay(Enum):
    """A move that takes back (undo) or repeats (redo) an earlier one."""

    UNDO = "Undo"
    REDO = "Redo"


@dataclass(frozen=True)
class MoveRequest:
    """Where one application should go.

    ``before_application_id`` places it just above that card (None: at the end of the
    column); ``position`` instead restores an exact position (undo).

    ``replay`` marks an undo or redo: the application gets back ``stage_entered_at`` (its
    time in the stage is not reset by taking a move back), and the stage change written
    says "Undo of …" or "Redo of …", so that the history shows what really happened.
    """

    application_id: int
    expected_version: int
    to_stage_id: int
    before_application_id: int | None = None
    position: float | None = None
    rejection_reason: str | None = None
    replay: Replay | None = None
    stage_entered_at: dt.datetime | None = None

    def cleaned_reason(self) -> str | None:
        """The rejection reason as stored: one line, control characters and bidi overrides
        dropped, whitespace collapsed; empty means none."""
        return clean(self.rejection_reason)

    def validate(self) -> dict[str, str]:
        """What can be checked before the move is tried: the reason's length, once
        cleaned (whether a reason is needed depends on the target stage)."""
        errors: dict[str, str] = {}
        check_length(errors, "rejection_reason", self.cleaned_reason(), MAX_REJECTION_REASON)
        return errors


@dataclass(frozen=True)
class MovedCard:
    """An application's state before or after a move; enough to undo it."""

    application_id: int
    stage_id: int
    board_position: float
    version: int
    rejection_reason: str | None
    stage_entered_at: dt.datetime


@dataclass(frozen=True)
class MoveResult:
    before: tuple[MovedCard, ...]
    after: tuple[MovedCard, ...]


def move_applications(ctx: ServiceContext, requests: Sequence[MoveRequest]) -> Outcome[MoveResult]:
    """Move one or more applications in one transaction (all or nothing).

    Raises `VersionConflictError` if any changed since loaded, `ValidationError` for a
    rejection without a reason or a stage of another job.
    """
    if not requests:
        raise ValidationError({"applications": "Choose at least one card to move."})
    for request in requests:  # a person typed the reason: refuse, never cut, a long one
        errors = request.validate()
        if errors:
            raise ValidationError(errors)
    try:
        with ctx.write() as tx:
            return outcome(moves_in(tx, requests), tx)
    except StaleDataError as exc:  # changed between our read and our write
        ids = [request.application_id for request in requests]
        raise VersionConflictError(ids, []) from exc


def moves_in(tx: Transaction, requests: Sequence[MoveRequest]) -> MoveResult:
    """The moves within the caller's transaction, for a use case that records more with
    them (an offer, a placement). The caller turns `StaleDataError` into a conflict."""
    applications = _load_for_update(tx.session, requests)
    befores, afters = [], []
    for request in requests:
        application = applications[request.application_id]
        befores.append(_state(application))
        _apply_move(tx, application, request)
        afters.append(application)
    tx.session.flush()
    return MoveResult(tuple(befores), tuple(_state(a) for a in afters))


def _load_for_update(session: Session, requests: Sequence[MoveRequest]) -> dict[int, Application]:
    ids = [request.application_id for request in requests]
    if len(set(ids)) != len(ids):
        raise ValidationError({"applications": "The same card was asked to move twice."})
    found = {
        application.id: application
        for application in session.scalars(select(Application).where(Application.id.in_(ids)))
    }
    missing = [i for i in ids if i not in found]
    stale = [
        request.application_id
        for request in requests
        if request.application_id in found
        and found[request.application_id].version != request.expected_version
    ]
    if missing or stale:
        names = [_candidate_name(session, found[i]) for i in stale]
        names += ["a deleted application"] * len(missing)
        raise VersionConflictError(missing + stale, names)
    return found


def _candidate_name(session: Session, application: Application) -> str:
    candidate = session.get(Candidate, application.candidate_id)
    return person_name(candidate) if candidate else f"Application #{application.id}"


def _state(application: Application) -> MovedCard:
    return MovedCard(
        application_id=application.id,
        stage_id=application.stage_id,
        board_position=application.board_position,
        version=application.version,
        rejection_reason=application.rejection_reason,
        stage_entered_at=application.stage_entered_at,
    )


def _apply_move(tx: Transaction, application: Application, request: MoveRequest) -> None:
    session = tx.session
    target = session.get(Stage, request.to_stage_id)
    if target is None or target.job_id != application.job_id:
        raise ValidationError({"stage": "That stage does not belong to this application's job."})
    reason = request.cleaned_reason()
    if target.kind is StageKind.REJECTED and reason is None:
        raise ValidationError({"rejection_reason": "Choose why the candidate is rejected."})
    before = {
        "stage_id": application.stage_id,
        "board_position": application.board_position,
        "rejection_reason": application.rejection_reason,
        "stage_entered_at": application.stage_entered_at.isoformat(),
    }
    from_stage_id = application.stage_id
    changes_stage = target.id != from_stage_id
    if changes_stage and request.replay is None:  # before any change: a read may autoflush
        check_leaving_interviewed(session, application, session.get(Stage, from_stage_id), target)
    if request.position is not None:
        application.board_position = request.position
    else:
        application.board_position = _position_before(
            session, target.id, request.before_application_id, application.id
        )
    if changes_stage:
        now = utc_now()
        application.stage_id = target.id
        application.stage_entered_at = request.stage_entered_at or now
        application.rejection_reason = reason if target.kind is StageKind.REJECTED else None
        source = session.get(Stage, from_stage_id)
        if request.replay is None:
            note = application.rejection_reason
            subject = _activity_subject(source, target, application.rejection_reason)
        else:
            note = subject = replay_note(request.replay, source, target)
        session.add(
            StageChange(
                application_id=application.id,
                from_stage_id=from_stage_id,
                to_stage_id=target.id,
                changed_at=now,
                changed_by_id=tx.actor.user_id,
                reason=note,
            )
        )
        session.add(
            Activity(
                candidate_id=application.candidate_id,
                application_id=application.id,
                kind=ActivityKind.STAGE_CHANGE,
                subject=subject,
                occurred_at=now,
                user_id=tx.actor.user_id,
            )
        )
        # Sequences watching this application stop now, not at their next step.
        stop_on_stage_change(tx, [application.id])
        _follow_hire(tx, application.id, source, target)
    elif request.rejection_reason is not None and target.kind is StageKind.REJECTED:
        application.rejection_reason = reason
    after = {
        "stage_id": application.stage_id,
        "board_position": application.board_position,
        "rejection_reason": application.rejection_reason,
        "stage_entered_at": application.stage_entered_at.isoformat(),
    }
    action = "application.move" if changes_stage else "application.reorder"
    if request.replay is not None:
        action += f".{request.replay.name.lower()}"
    tx.audit(action, "application", application.id, before=before, after=after)
    tx.changed(ChangeKind.APPLICATIONS, application.id)
    tx.changed(ChangeKind.JOBS, application.job_id)
    if changes_stage:
        tx.changed(ChangeKind.STAGES, from_stage_id, target.id)


def _follow_hire(tx: Transaction, application_id: int, source: Stage | None, target: Stage) -> None:
    """A hire brings its onboarding checks; a move out of Hired (its undo included) takes
    back those nobody has worked on, so undo and redo leave exactly what was there."""
    was_hired = source is not None and source.kind is StageKind.HIRED
    if target.kind is StageKind.HIRED and not was_hired:
        start_onboarding_in(tx, application_id)
    elif was_hired and target.kind is not StageKind.HIRED:
        end_onboarding_in(tx, application_id)


def _activity_subject(source: Stage | None, target: Stage, reason: str | None) -> str:
    """The timeline line of a move, within activities.subject (String(300)) whatever the
    reason and stage names (a database written before names were capped may hold longer)."""
    origin = source.name if source else "?"
    if target.kind is StageKind.REJECTED:
        subject = f"Rejected ({reason}) after {origin}"
    elif target.kind is StageKind.WITHDRAWN:
        subject = f"Withdrew at {origin}"
    else:
        subject = f"Moved from {origin} to {target.name}"
    return fit(subject, LIMITS["activity_subject"]) or subject


# How the reason of a stage change written by undo begins: such a row and the move it took
# back cancel out (a hire undone is no hire).
UNDO_PREFIX = f"{Replay.UNDO.value} of "


def replay_note(replay: Replay, source: Stage | None, target: Stage) -> str:
    """What a stage change made by undo or redo says, in ``stage_changes.reason``.

    An undo moves the card back from ``source`` to ``target``: it takes back the move from
    ``target`` to ``source``. A redo repeats the move from ``source`` to ``target``.
    """
    current = source.name if source else "?"
    first, second = (target.name, current) if replay is Replay.UNDO else (current, target.name)
    note = f"{replay.value} of move from {first} to {second}"
    return fit(note, MAX_REJECTION_REASON) or note  # stage_changes.reason's size


def _position_before(
    session: Session, stage_id: int, before_id: int | None, moving_id: int
) -> float:
    """A board position just above ``before_id`` (or at the end), renumbering if crowded."""
    application = Application.__table__.c
    others = application.id != moving_id
    if before_id is None:
        last = session.scalar(
            select(func.max(application.board_position)).where(
                application.stage_id == stage_id, others
            )
        )
        return (last or 0.0) + POSITION_STEP
    anchor = session.scalar(
        select(application.board_position).where(
            application.id == before_id, application.stage_id == stage_id
        )
    )
    if anchor is None:  # the card to go before left the column: go to the end
        return _position_before(session, stage_id, None, moving_id)
    previous = session.scalar(
        select(func.max(application.board_position)).where(
            application.stage_id == stage_id, application.board_position < anchor, others
        )
    )
    low = previous if previous is not None else anchor - 2 * POSITION_STEP
    if anchor - low > MIN_GAP:
        return (low + anchor) / 2
    _renumber(session, stage_id)
    return _position_before(session, stage_id, before_id, moving_id)


def _renumber(session: Session, stage_id: int) -> None:
    """Spread a column's positions out again after many insertions at one spot."""
    for index, application in enumerate(
        session.scalars(
            select(Application)
            .where(Application.stage_id == stage_id)
            .order_by(Application.board_position, Application.id)
        ),
        start=1,
    ):
        application.board_position = index * POSITION_STEP
    session.flush()
