"""Bulk actions on a selection of candidates: tag, add to a pool or a job, export.

Each action is one audited transaction. Adding to a job can be undone with
`remove_applications`, which is refused if any of the new applications changed since.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.services.candidates import pools
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.text_rules import LIMITS, clean, fit_field
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.core.validation import check_length, check_required
from app.services.pipeline.applications import open_application
from app.services.pipeline.board import POSITION_STEP, VersionConflictError
from app.store.models import (
    Activity,
    Application,
    Candidate,
    CandidateEmail,
    CandidatePhone,
    CandidateSkill,
    CandidateTag,
    Job,
    JobStatus,
    Skill,
    Stage,
    StageChange,
    StageKind,
    Tag,
    utc_now,
)
from app.textsafe import one_line

CSV_COLUMNS = (
    "name",
    "emails",
    "phones",
    "location",
    "title",
    "employer",
    "skills",
    "tags",
    "source",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 900  # SQLite's historical limit on bound parameters, with room to spare


def _unique(ids: Sequence[int]) -> list[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ValidationError({"candidates": "Choose at least one candidate."})
    return wanted


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def tag_candidates(ctx: ServiceContext, ids: Sequence[int], tag_name: str) -> Outcome[int]:
    """Give every candidate the tag (made if new; matched ignoring case). Returns how many
    candidates gained it."""
    errors: dict[str, str] = {}
    check_required(errors, "tag", tag_name, "Tag")
    check_length(errors, "tag", clean(tag_name), LIMITS["tag"])
    if errors:
        raise ValidationError(errors)
    name = clean(tag_name) or ""
    wanted = _unique(ids)
    with ctx.write() as tx:
        session = tx.session
        tag = session.scalar(select(Tag).where(func.lower(Tag.name) == name.lower()))
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
            tx.audit("tag.create", "tag", tag.id, after={"name": name})
        tagged = 0
        for chunk in _chunks(wanted):
            known = set(session.scalars(select(Candidate.id).where(Candidate.id.in_(chunk))))
            present = set(
                session.scalars(
                    select(CandidateTag.candidate_id).where(
                        CandidateTag.tag_id == tag.id, CandidateTag.candidate_id.in_(chunk)
                    )
                )
            )
            for candidate_id in chunk:
                if candidate_id in known and candidate_id not in present:
                    session.add(CandidateTag(candidate_id=candidate_id, tag_id=tag.id))
                    tx.audit("candidate.tag", "candidate", candidate_id, after={"tag": tag.name})
                    tx.changed(ChangeKind.CANDIDATES, candidate_id)
                    tagged += 1
        tx.changed(ChangeKind.TAGS, tag.id)
        return outcome(tagged, tx)


def add_to_pool(ctx: ServiceContext, ids: Sequence[int], pool_id: int) -> Outcome[int]:
    """Add the candidates to a static pool (see `pools.add_members`)."""
    return pools.add_members(ctx, pool_id, _unique(ids))


class ApplicationsAdded(list[int]):
    """The new applications' ids; ``candidates`` added (in the same order) and ``skipped``
    (already on the job, or no longer existing)."""

    def __init__(
        self,
        ids: Sequence[int] = (),
        candidates: Sequence[int] = (),
        skipped: Sequence[int] = (),
        job: str = "",
    ):
        super().__init__(ids)
        self.candidates = tuple(candidates)
        self.skipped = tuple(skipped)
        self.job = job

    @property
    def message(self) -> str:
        text = f"Added {len(self)} to {self.job}."
        if self.skipped:
            text += f" {len(self.skipped)} already on this job: left where they were."
        return text


def _target_stage(session: Session, job_id: int, stage_id: int) -> tuple[Job, Stage]:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"Job #{job_id} no longer exists.")
    if job.status in (JobStatus.FILLED, JobStatus.CLOSED):
        raise ValidationError({"job": f"{job.title} is {job.status.value}; reopen it first."})
    stage = session.get(Stage, stage_id)
    if stage is None or stage.job_id != job_id:
        raise ValidationError({"stage": "That stage does not belong to this job."})
    if stage.kind in (StageKind.REJECTED, StageKind.WITHDRAWN):
        raise ValidationError({"stage": "Choose a stage the candidates can start in."})
    return job, stage


# The source of an application made for a candidate whose own source is unknown: the agency
# found them in its own database.
AGENCY_DATABASE = "Agency database"


def add_to_job(
    ctx: ServiceContext, ids: Sequence[int], job_id: int, stage_id: int, origin: str
) -> Outcome[list[int]]:
    """Put the candidates on a job at ``stage_id``. Candidates already on the job are skipped
    and reported in the result's ``skipped``.

    Each application's source is where the candidate came from (their own source, or
    "Agency database" when unknown): that is what the sources report measures. ``origin``
    (the pool or the search the selection was made in) only says, on the timeline, how the
    recruiter found them this time.
    """
    wanted = _unique(ids)
    origin_text = fit_field("application_source", origin) or "Bulk action"
    with ctx.write() as tx:
        session = tx.session
        job, stage = _target_stage(session, job_id, stage_id)
        on_job: set[int] = set()
        sources: dict[int, str | None] = {}
        for chunk in _chunks(wanted):
            on_job |= set(
                session.scalars(
                    select(Application.candidate_id).where(
                        Application.job_id == job_id, Application.candidate_id.in_(chunk)
                    )
                )
            )
            for candidate_id, source in session.execute(
                select(Candidate.id, Candidate.source).where(Candidate.id.in_(chunk))
            ):
                sources[candidate_id] = source
        last = session.scalar(
            select(func.max(Application.board_position)).where(Application.stage_id == stage.id)
        )
        position = last or 0.0
        now = utc_now()
        created: list[int] = []
        added: list[int] = []
        for candidate_id in wanted:
            if candidate_id in on_job or candidate_id not in sources:
                continue
            position += POSITION_STEP
            source = fit_field("application_source", sources[candidate_id]) or AGENCY_DATABASE
            application_id = open_application(
                tx, candidate_id, job, stage, source, position, now, note=f"from {origin_text}"
            )
            created.append(application_id)
            added.append(candidate_id)
        if created:
            tx.changed(ChangeKind.APPLICATIONS, *created)
            tx.changed(ChangeKind.JOBS, job_id)
            tx.changed(ChangeKind.STAGES, stage.id)
            tx.changed(ChangeKind.CANDIDATES, *added)
        skipped = [cid for cid in wanted if cid in on_job or cid not in sources]
        return outcome(ApplicationsAdded(created, added, skipped, job.title), tx)


def remove_applications(
    ctx: ServiceContext,
    application_ids: Sequence[int],
    expected_versions: Mapping[int, int] | None = None,
) -> Outcome[int]:
    """Undo `add_to_job`: delete the applications with their history, all or nothing.

    Refused with `VersionConflictError` if any of them no longer exists or changed since it
    was created (its version is no longer ``expected_versions`` — by default 1, as made).
    """
    ids = list(dict.fromkeys(application_ids))
    versions = dict(expected_versions or {})
    with ctx.write() as tx:
        session = tx.session
        found = {
            a.id: a for a in session.scalars(select(Application).where(Application.id.in_(ids)))
        }
        stale = [i for i in ids if i not in found or found[i].version != versions.get(i, 1)]
        if stale:
            names = [
                person_name(found[i].candidate) if i in found else f"Application #{i}"
                for i in stale
            ]
            raise VersionConflictError(stale, names)
        for application_id in ids:
            application = found[application_id]
            tx.audit(
                "application.remove",
                "application",
                application_id,
                before={
                    "candidate_id": application.candidate_id,
                    "job_id": application.job_id,
                    "stage_id": application.stage_id,
                    "source": application.source,
                },
            )
            tx.changed(ChangeKind.JOBS, application.job_id)
            tx.changed(ChangeKind.STAGES, application.stage_id)
            tx.changed(ChangeKind.CANDIDATES, application.candidate_id)
            session.execute(delete(Activity).where(Activity.application_id == application_id))
            session.execute(delete(StageChange).where(StageChange.application_id == application_id))
            session.delete(application)
        if ids:
            tx.changed(ChangeKind.APPLICATIONS, *ids)
        return outcome(len(ids), tx)


# ---- export ---------------------------------------------------------------------------------
def neutralise(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (``'`` before =, +, -, @)."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def export_cell(value: str) -> str:
    """A value as one CSV cell: one line without control characters (NUL, ESC, CR/LF, bidi
    overrides…: a database written before values were cleaned may still hold them), then
    neutralised, so a formula uncovered by the cleaning is caught too."""
    return neutralise(one_line(value))


def _export_rows(session: Session, ids: Sequence[int]) -> list[tuple[int, list[str]]]:
    """Each existing candidate's id and CSV cells, in the order of ``ids``."""
    rows: list[tuple[int, list[str]]] = []
    for chunk in _chunks(ids):
        people = {
            c.id: c for c in session.scalars(select(Candidate).where(Candidate.id.in_(chunk)))
        }
        emails = _names(
            session,
            select(CandidateEmail.candidate_id, CandidateEmail.email)
            .where(CandidateEmail.candidate_id.in_(chunk))
            .order_by(CandidateEmail.position),
            ordered=True,
        )
        phones = _names(
            session,
            select(CandidatePhone.candidate_id, CandidatePhone.phone)
            .where(CandidatePhone.candidate_id.in_(chunk))
            .order_by(CandidatePhone.position),
            ordered=True,
        )
        skill_rows = select(CandidateSkill.candidate_id, Skill.name).join(
            Skill, Skill.id == CandidateSkill.skill_id
        )
        tag_rows = select(CandidateTag.candidate_id, Tag.name).join(
            Tag, Tag.id == CandidateTag.tag_id
        )
        skills = _names(session, skill_rows.where(CandidateSkill.candidate_id.in_(chunk)))
        tags = _names(session, tag_rows.where(CandidateTag.candidate_id.in_(chunk)))
        for candidate_id in chunk:
            person = people.get(candidate_id)
            if person is None:
                continue
            values = (
                person_name(person),
                emails.get(candidate_id, ""),
                phones.get(candidate_id, ""),
                person.location or "",
                person.current_title or "",
                person.current_employer or "",
                skills.get(candidate_id, ""),
                tags.get(candidate_id, ""),
                person.source or "",
            )
            rows.append((candidate_id, [export_cell(value) for value in values]))
    return rows


def _names(session: Session, query: Any, ordered: bool = False) -> dict[int, str]:
    """(candidate id, name) rows joined per candidate: in query order, or alphabetically."""
    found: dict[int, list[str]] = {}
    for candidate_id, name in session.execute(query):
        found.setdefault(candidate_id, []).append(name)
    return {
        cid: "; ".join(names if ordered else sorted(names, key=str.casefold))
        for cid, names in found.items()
    }


def write_csv_atomically(target: Path, rows: Sequence[Sequence[str]]) -> None:
    """Write a temporary file beside ``target``, then rename it over ``target``: a failure
    never leaves half a file, and readers see the old file or the new one."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        # utf-8-sig: spreadsheets then read accented names correctly
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_csv(ctx: ServiceContext, ids: Sequence[int], path: Path | str) -> Outcome[int]:
    """Write the candidates (in the given order) to a CSV file, atomically. Each cell is one
    line without control characters, and cells that a spreadsheet would run as formulas are
    neutralised. The export is audited (personal data left the database), naming the
    candidates written. Returns the number of rows written: ids of candidates deleted
    meanwhile are left out, and not counted.

    The rows are read before the write transaction, which then only writes the file and the
    audit entry: reading 100,000 candidates takes seconds, and the write lock would keep
    every other writer (the mail dispatcher, an import) waiting all that time.
    """
    wanted = _unique(ids)
    target = Path(path)
    with ctx.read() as session:
        rows = _export_rows(session, wanted)
    with ctx.write() as tx:
        write_csv_atomically(target, [values for _candidate_id, values in rows])
        written = [candidate_id for candidate_id, _values in rows]
        tx.audit(
            "candidate.export",
            "candidate",
            None,
            after={"count": len(written), "file": target.name, "candidate_ids": written},
        )
        return outcome(len(written), tx)
