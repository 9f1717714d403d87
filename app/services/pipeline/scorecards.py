"""Scorecards: what each interviewer thought, entered by the recruiter from their reply.

A job judges a list of attributes, copied from a template (the client's own, else the
agency's) the first time it needs them, so a template edited later never rewrites a job's
past scorecards. Per interview and interviewer there is one scorecard: a 1–5 rating per
attribute, an overall recommendation and notes. A job may require a scorecard before a card
moves on from the Interviewed stage (`check_leaving_interviewed`, called by the board).

The board's stars are the application's scorecards: the mean of each scorecard's average
(every interviewer weighs the same) and how many there are (`summaries`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import clean, clean_text
from app.services.core.unit_of_work import NotFoundError, Transaction, ValidationError
from app.services.core.validation import check_length
from app.store.interviews import (
    Interview,
    InterviewAttendee,
    JobScorecard,
    Recommendation,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
    ScorecardTemplate,
)
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Job,
    Stage,
    StageKind,
    utc_now,
)

INTERVIEW_STAGE = "Interviewed"
DEFAULT_ATTRIBUTES = ("Skills", "Experience", "Communication", "Motivation")
MAX_ATTRIBUTES = 12
ATTRIBUTE_LIMIT = 120
NAME_LIMIT = 120
NOTES_LIMIT = 5_000
RECOMMENDATION_LABELS = {
    Recommendation.STRONG_NO: "Strong no",
    Recommendation.NO: "No",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong yes",
}


def is_interview_stage(name: str | None) -> bool:
    return (name or "").strip().casefold() == INTERVIEW_STAGE.casefold()


def _attribute_names(errors: dict[str, str], names: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(n for n in (clean(x) for x in names) if n))
    if not cleaned:
        errors["attributes"] = "Name at least one attribute to judge."
    elif len(cleaned) > MAX_ATTRIBUTES:
        errors["attributes"] = f"At most {MAX_ATTRIBUTES} attributes."
    elif any(len(n) > ATTRIBUTE_LIMIT for n in cleaned):
        errors["attributes"] = f"An attribute has at most {ATTRIBUTE_LIMIT} characters."
    return cleaned


# ---- templates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    client_id: int | None
    attributes: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name + ("" if self.client_id is not None else " (agency)")


def save_template(
    ctx: ServiceContext,
    name: str,
    attributes: Sequence[str],
    client_id: int | None = None,
    template_id: int | None = None,
) -> Outcome[int]:
    """Create (or, with ``template_id``, replace) a template: the agency's when ``client_id``
    is None, else that client's. Jobs that copied it keep their own attributes."""
    title, names = _check_template(name, attributes)
    with ctx.write() as tx:
        return outcome(_write_template(tx, title, names, client_id, template_id), tx)


def _check_template(name: str, attributes: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    errors: dict[str, str] = {}
    title = clean(name) or ""
    if not title:
        errors["name"] = "Name the template."
    check_length(errors, "name", title, NAME_LIMIT)
    names = _attribute_names(errors, attributes)
    if errors:
        raise ValidationError(errors)
    return title, names


def _write_template(
    tx: Transaction,
    title: str,
    names: tuple[str, ...],
    client_id: int | None,
    template_id: int | None = None,
) -> int:
    clash = tx.session.scalar(
        select(ScorecardTemplate.id).where(
            ScorecardTemplate.name == title,
            ScorecardTemplate.client_id.is_(None)
            if client_id is None
            else ScorecardTemplate.client_id == client_id,
        )
    )
    if clash is not None and clash != template_id:
        raise ValidationError({"name": f"There is already a template named {title}."})
    before = None
    if template_id is None:
        template = ScorecardTemplate(name=title, client_id=client_id)
        tx.session.add(template)
        tx.session.flush()
    else:
        found = tx.session.get(ScorecardTemplate, template_id)
        if found is None:
            raise NotFoundError(f"Scorecard template #{template_id} no longer exists.")
        template = found
        before = {"name": template.name, "attributes": list(_template_names(tx, template.id))}
        template.name = title
        tx.session.execute(
            delete(ScorecardAttribute).where(ScorecardAttribute.template_id == template.id)
        )
    tx.session.add_all(
        ScorecardAttribute(template_id=template.id, name=n, position=i) for i, n in enumerate(names)
    )
    after = {"name": title, "client_id": client_id, "attributes": list(names)}
    action = "scorecard_template.create" if before is None else "scorecard_template.update"
    tx.audit(action, "scorecard_template", template.id, before, after)
    tx.changed(ChangeKind.INTERVIEWS)
    return template.id


def _template_names(tx: Transaction, template_id: int) -> list[str]:
    return list(
        tx.session.scalars(
            select(ScorecardAttribute.name)
            .where(ScorecardAttribute.template_id == template_id)
            .order_by(ScorecardAttribute.position)
        )
    )


def list_templates(ctx: ServiceContext, client_id: int | None = None) -> list[TemplateRow]:
    """The client's templates first, then the agency's."""
    with ctx.read() as session:
        return _templates(session, client_id)


def _templates(session: Session, client_id: int | None) -> list[TemplateRow]:
    query = select(ScorecardTemplate).where(
        ScorecardTemplate.client_id.is_(None) | (ScorecardTemplate.client_id == client_id)
    )
    templates = list(session.scalars(query))
    names: dict[int | None, list[str]] = defaultdict(list)
    for template_id, name in session.execute(
        select(ScorecardAttribute.template_id, ScorecardAttribute.name)
        .where(ScorecardAttribute.template_id.in_([t.id for t in templates]))
        .order_by(ScorecardAttribute.position)
    ):
        names[template_id].append(name)
    rows = [TemplateRow(t.id, t.name, t.client_id, tuple(names[t.id])) for t in templates]
    return sorted(rows, key=lambda r: (r.client_id is None, r.name.casefold()))


# ---- a job's attributes ----------------------------------------------------------------------
@dataclass(frozen=True)
class Attribute:
    id: int
    name: str


@dataclass(frozen=True)
class JobScorecardRow:
    job_id: int
    attributes: tuple[Attribute, ...]
    required: bool
    template_id: int | None


def _job_attributes(session: Session, job_id: int) -> list[ScorecardAttribute]:
    return list(
        session.scalars(
            select(ScorecardAttribute)
            .where(ScorecardAttribute.job_id == job_id)
            .order_by(ScorecardAttribute.position, ScorecardAttribute.id)
        )
    )


def _ensure_job_attributes(tx: Transaction, job: Job) -> list[ScorecardAttribute]:
    """The job's attributes, copied from its client's first template (else the agency's,
    else `DEFAULT_ATTRIBUTES`) when it has none yet."""
    found = _job_attributes(tx.session, job.id)
    if found:
        return found
    templates = _templates(tx.session, job.client_id)
    template = templates[0] if templates else None
    names = template.attributes if template is not None else DEFAULT_ATTRIBUTES
    rows = [ScorecardAttribute(job_id=job.id, name=n, position=i) for i, n in enumerate(names)]
    tx.session.add_all(rows)
    settings = tx.session.get(JobScorecard, job.id)
    if settings is None:
        tx.session.add(JobScorecard(job_id=job.id, template_id=template.id if template else None))
    tx.session.flush()
    return rows


def job_scorecard(ctx: ServiceContext, job_id: int) -> JobScorecardRow:
    """The job's attributes (what its scorecards will judge if none are set yet: the
    template's, with no ids) and whether a scorecard is required."""
    with ctx.read() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        settings = session.get(JobScorecard, job_id)
        rows = _job_attributes(session, job_id)
        attributes = tuple(Attribute(a.id, a.name) for a in rows)
        template_id = settings.template_id if settings else None
        if not attributes:
            templates = _templates(session, job.client_id)
            names = templates[0].attributes if templates else DEFAULT_ATTRIBUTES
            attributes = tuple(Attribute(0, n) for n in names)
            template_id = templates[0].id if templates else None
        return JobScorecardRow(
            job_id, attributes, bool(settings and settings.required), template_id
        )


@dataclass(frozen=True)
class JobScorecardInput:
    """What the job's scorecard dialog fills in (attributes one per line)."""

    attributes: tuple[str, ...]
    required: bool = False
    template_id: int | None = None
    save_as: str | None = None  # also keep these attributes as a template of this name
    agency_wide: bool = False  # that template is the agency's, not the client's

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        _attribute_names(errors, self.attributes)
        check_length(errors, "save_as", clean(self.save_as), NAME_LIMIT)
        return errors


def set_job_scorecard(
    ctx: ServiceContext,
    job_id: int,
    attributes: Sequence[str],
    required: bool,
    template_id: int | None = None,
    *,
    save_as: str | None = None,
    agency_wide: bool = False,
) -> Outcome[JobScorecardRow]:
    """Set the attributes a job's scorecards judge (an attribute already rated cannot be
    dropped: its ratings would go) and whether a scorecard is required before a card leaves
    the Interviewed stage; with ``save_as``, keep them also as a new template (the job's
    client's, or the agency's when ``agency_wide``) in the same transaction. The value is the
    job's settings before, for undo."""
    errors: dict[str, str] = {}
    names = _attribute_names(errors, attributes)
    if errors:
        raise ValidationError(errors)
    template_name = clean(save_as)
    if template_name:
        template_name, names = _check_template(template_name, names)
    previous = job_scorecard(ctx, job_id)
    with ctx.write() as tx:
        job = tx.session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"Job #{job_id} no longer exists.")
        current = _job_attributes(tx.session, job_id)
        by_name = {a.name: a for a in current}
        dropped = [a for a in current if a.name not in names]
        rated = set(
            tx.session.scalars(
                select(ScorecardRating.name).where(
                    ScorecardRating.attribute_id.in_([a.id for a in dropped])
                )
            )
        )
        if rated:
            raise ValidationError(
                {"attributes": f"Already rated, so kept: {', '.join(sorted(rated))}."}
            )
        for attribute in dropped:
            tx.session.delete(attribute)
        for position, name in enumerate(names):
            row = by_name.get(name) or ScorecardAttribute(job_id=job_id, name=name)
            row.position = position
            tx.session.add(row)
        settings = tx.session.get(JobScorecard, job_id) or JobScorecard(job_id=job_id)
        before = {
            "attributes": [a.name for a in current],
            "required": bool(settings.required),
        }
        settings.required = required
        if template_name:
            owner = None if agency_wide else job.client_id
            template_id = _write_template(tx, template_name, names, owner)
        if template_id is not None:
            settings.template_id = template_id
        tx.session.add(settings)
        tx.session.flush()
        after = {"attributes": list(names), "required": required, "template_id": template_id}
        tx.audit("job.scorecard", "job", job_id, before, after)
        tx.changed(ChangeKind.JOBS, job_id)
        tx.changed(ChangeKind.INTERVIEWS)
        return outcome(previous, tx)


# ---- scorecards ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScorecardInput:
    """One interviewer's scorecard: a rating for each of the job's attributes, by name (a
    job whose attributes are not set yet gets its template's when the first is saved)."""

    interview_id: int
    attendee_id: int
    ratings: tuple[tuple[str, int], ...]  # (attribute name, 1-5)
    recommendation: Recommendation
    notes: str | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.ratings:
            errors["ratings"] = "Rate at least one attribute."
        for name, rating in self.ratings:
            if not 1 <= rating <= 5:
                errors["ratings"] = f"Rate {name} from 1 to 5."
        try:
            Recommendation(self.recommendation)
        except ValueError:
            errors["recommendation"] = "Choose a recommendation."
        check_length(errors, "notes", clean_text(self.notes), NOTES_LIMIT)
        return errors


@dataclass(frozen=True)
class ScorecardResult:
    scorecard_id: int
    previous: ScorecardInput | None  # what undo puts back (None: there was none)


def _input_of(session: Session, card: Scorecard) -> ScorecardInput:
    ratings = session.execute(
        select(ScorecardRating.name, ScorecardRating.rating)
        .join(ScorecardAttribute, ScorecardAttribute.id == ScorecardRating.attribute_id)
        .where(ScorecardRating.scorecard_id == card.id)
        .order_by(ScorecardAttribute.position)
    ).all()
    return ScorecardInput(
        card.interview_id,
        card.attendee_id,
        tuple((n, r) for n, r in ratings),
        card.recommendation,
        card.notes,
    )


def save_scorecard(ctx: ServiceContext, data: ScorecardInput) -> Outcome[ScorecardResult]:
    """Enter (or replace) an interviewer's scorecard for an interview, with a timeline entry.
    The value names the scorecard and what it replaced."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        interview = tx.session.get(Interview, data.interview_id)
        attendee = tx.session.get(InterviewAttendee, data.attendee_id)
        if interview is None:
            raise NotFoundError(f"Interview #{data.interview_id} no longer exists.")
        if attendee is None or attendee.interview_id != interview.id:
            raise ValidationError({"attendee_id": "Choose one of this interview's interviewers."})
        application = tx.session.get(Application, interview.application_id)
        assert application is not None
        job = tx.session.get(Job, application.job_id)
        assert job is not None
        attributes = {a.name: a for a in _ensure_job_attributes(tx, job)}
        unknown = [n for n, _r in data.ratings if n not in attributes]
        if unknown:
            raise ValidationError({"ratings": f"Not an attribute of this job: {unknown[0]}."})
        card = tx.session.scalar(
            select(Scorecard).where(
                Scorecard.interview_id == interview.id, Scorecard.attendee_id == attendee.id
            )
        )
        previous = _input_of(tx.session, card) if card is not None else None
        if card is None:
            card = Scorecard(interview_id=interview.id, attendee_id=attendee.id)
        card.recommendation = Recommendation(data.recommendation)
        card.notes = clean_text(data.notes)
        tx.session.add(card)
        tx.session.flush()
        tx.session.execute(delete(ScorecardRating).where(ScorecardRating.scorecard_id == card.id))
        ratings = dict(data.ratings)
        tx.session.add_all(
            ScorecardRating(
                scorecard_id=card.id, attribute_id=attributes[n].id, name=n, rating=rating
            )
            for n, rating in ratings.items()
        )
        after = {
            "interview_id": interview.id,
            "interviewer": attendee.name,
            "ratings": ratings,
            "recommendation": card.recommendation,
            "notes": card.notes,
        }
        before = None
        if previous is not None:
            before = {
                "ratings": dict(previous.ratings),
                "recommendation": previous.recommendation,
                "notes": previous.notes,
            }
        action = "scorecard.create" if previous is None else "scorecard.update"
        tx.audit(action, "scorecard", card.id, before, after)
        _timeline(tx, application, attendee.name, card.recommendation, ratings)
        tx.changed(ChangeKind.INTERVIEWS, interview.id)
        tx.changed(ChangeKind.APPLICATIONS, application.id)
        return outcome(ScorecardResult(card.id, previous), tx)


def _timeline(
    tx: Transaction,
    application: Application,
    who: str,
    recommendation: Recommendation,
    ratings: dict[str, int],
) -> None:
    average = sum(ratings.values()) / len(ratings)
    label = RECOMMENDATION_LABELS[recommendation]
    tx.session.add(
        Activity(
            candidate_id=application.candidate_id,
            application_id=application.id,
            kind=ActivityKind.NOTE,
            subject=f"Scorecard from {who}: {label} ({average:.1f}/5)"[:300],
            body=", ".join(f"{n} {r}" for n, r in ratings.items()),
            occurred_at=utc_now(),
            user_id=tx.actor.user_id,
        )
    )
    tx.changed(ChangeKind.CANDIDATES, application.candidate_id)


def delete_scorecard(ctx: ServiceContext, scorecard_id: int) -> Outcome[ScorecardInput]:
    """Remove a scorecard (the undo of entering one); the value is what it held."""
    with ctx.write() as tx:
        card = tx.session.get(Scorecard, scorecard_id)
        if card is None:
            raise NotFoundError(f"Scorecard #{scorecard_id} no longer exists.")
        held = _input_of(tx.session, card)
        interview = tx.session.get(Interview, card.interview_id)
        assert interview is not None
        before = {"ratings": dict(held.ratings), "recommendation": held.recommendation}
        tx.session.delete(card)
        tx.audit("scorecard.delete", "scorecard", scorecard_id, before=before)
        tx.changed(ChangeKind.INTERVIEWS, interview.id)
        tx.changed(ChangeKind.APPLICATIONS, interview.application_id)
        return outcome(held, tx)


# ---- reading ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScorecardRow:
    id: int
    interview_id: int
    attendee_id: int
    interviewer: str
    recommendation: Recommendation
    notes: str | None
    ratings: tuple[tuple[str, int], ...]

    @property
    def average(self) -> float:
        return sum(r for _n, r in self.ratings) / len(self.ratings) if self.ratings else 0.0

    @property
    def recommendation_label(self) -> str:
        return RECOMMENDATION_LABELS[self.recommendation]


@dataclass(frozen=True)
class Summary:
    """What the board's stars show: the mean of the scorecards' averages, and how many."""

    average: float
    count: int


@dataclass(frozen=True)
class InterviewScorecards:
    """One interview's scorecards side by side: attributes down, interviewers across."""

    interview_id: int
    attributes: tuple[str, ...]
    cards: tuple[ScorecardRow, ...]
    missing: tuple[str, ...] = field(default=())  # interviewers with no scorecard yet


def scorecards_of_interviews(
    ctx: ServiceContext, interview_ids: Sequence[int]
) -> dict[int, InterviewScorecards]:
    with ctx.read() as session:
        cards = list(
            session.scalars(
                select(Scorecard)
                .where(Scorecard.interview_id.in_(interview_ids))
                .order_by(Scorecard.id)
            )
        )
        ratings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for card_id, name, rating, position in session.execute(
            select(
                ScorecardRating.scorecard_id,
                ScorecardRating.name,
                ScorecardRating.rating,
                ScorecardAttribute.position,
            )
            .join(ScorecardAttribute, ScorecardAttribute.id == ScorecardRating.attribute_id)
            .where(ScorecardRating.scorecard_id.in_([c.id for c in cards]))
        ):
            ratings[card_id].append((name, rating, position))
        attendees = {
            a.id: a
            for a in session.scalars(
                select(InterviewAttendee)
                .where(InterviewAttendee.interview_id.in_(interview_ids))
                .order_by(InterviewAttendee.position)
            )
        }
    result: dict[int, InterviewScorecards] = {}
    for interview_id in interview_ids:
        mine = [c for c in cards if c.interview_id == interview_id]
        rows = tuple(
            ScorecardRow(
                c.id,
                c.interview_id,
                c.attendee_id,
                attendees[c.attendee_id].name if c.attendee_id in attendees else "?",
                c.recommendation,
                c.notes,
                tuple((n, r) for n, r, _p in sorted(ratings[c.id], key=lambda x: x[2])),
            )
            for c in mine
        )
        names = sorted(
            {(p, n) for c in mine for n, _r, p in ratings[c.id]}, key=lambda x: (x[0], x[1])
        )
        scored = {c.attendee_id for c in mine}
        missing = tuple(
            a.name
            for a in attendees.values()
            if a.interview_id == interview_id and a.id not in scored
        )
        result[interview_id] = InterviewScorecards(
            interview_id, tuple(dict.fromkeys(n for _p, n in names)), rows, missing
        )
    return result


def summaries(
    session: Session,
    application_ids: Iterable[int] | None = None,
    job_ids: Iterable[int] | None = None,
) -> dict[int, Summary]:
    """The scorecard summary of each application named, or of every application of the
    jobs named (applications without scorecards left out)."""
    per_card = (
        select(
            Interview.application_id.label("application_id"),
            func.avg(ScorecardRating.rating).label("average"),
        )
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(ScorecardRating, ScorecardRating.scorecard_id == Scorecard.id)
        .group_by(Scorecard.id)
    )
    if application_ids is not None:
        per_card = per_card.where(Interview.application_id.in_(list(application_ids)))
    if job_ids is not None:
        per_card = per_card.join(Application, Application.id == Interview.application_id).where(
            Application.job_id.in_(list(job_ids))
        )
    cards = per_card.subquery()
    rows = session.execute(
        select(cards.c.application_id, func.avg(cards.c.average), func.count()).group_by(
            cards.c.application_id
        )
    )
    return {app_id: Summary(float(avg), int(count)) for app_id, avg, count in rows}


def check_leaving_interviewed(
    session: Session, application: Application, source: Stage | None, target: Stage
) -> None:
    """Refuse moving a card on from Interviewed without a scorecard when its job requires
    one. Rejection and withdrawal are exits and always allowed, and so is a step back."""
    if source is None or not is_interview_stage(source.name) or target.id == source.id:
        return
    if target.kind in (StageKind.REJECTED, StageKind.WITHDRAWN):
        return
    if target.position < source.position:
        return
    settings = session.get(JobScorecard, application.job_id)
    if settings is None or not settings.required:
        return
    count = session.scalar(
        select(func.count(Scorecard.id))
        .join(Interview, Interview.id == Scorecard.interview_id)
        .where(Interview.application_id == application.id)
    )
    if not count:
        candidate = session.get(Candidate, application.candidate_id)
        who = person_name(candidate) if candidate is not None else "This candidate"
        raise ValidationError(
            {
                "scorecard": "This job needs a scorecard before a candidate moves on from "
                f"{source.name}: {who} has none yet. Enter the interviewer's scorecard first "
                "(profile → Interviews → Scorecard…)."
            }
        )
