"""Undoing an attach or a merge: the records exactly as they were, in one audited transaction.

A resume attached to an existing candidate (`intake.importer`) and two candidates merged
(`candidates.duplicates`) each write an audit entry whose ``before`` and ``after`` hold a
snapshot of every row involved (`candidates.record_snapshot`). Undo reads the entry back
and restores the before rows; redo restores the after rows. Each is refused when the records
have changed since — a note added, an email sent, a card moved — because restoring then
would silently lose that work; the message says what changed.

`split_attached_resume` is the review screen's "This is a different person": the attach is
undone and the resume becomes a new candidate, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.parsing.result import ParsedResume
from app.services.candidates.duplicates import MERGE_ACTION, move_eeo_answers
from app.services.candidates.record_snapshot import (
    Snapshot,
    capture,
    differences,
    restore,
    rows,
    touched,
)
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.unit_of_work import NotFoundError, Transaction
from app.services.intake.importer import (
    ATTACH_ACTION,
    ImportResult,
    create_for_document,
    target_from_json,
)
from app.store.models import Activity, AuditEntry, Document

UNDONE_ACTION = "candidate.merge_undone"
REDONE_ACTION = "candidate.merge_redone"
UNDOABLE_ACTIONS = (ATTACH_ACTION, MERGE_ACTION)


class UndoRefusedError(ValueError):
    """An undo or redo that cannot be done without losing work, with the reason to show."""


@dataclass(frozen=True)
class UndoResult:
    audit_id: int
    action: str  # the step undone or redone: ATTACH_ACTION or MERGE_ACTION
    candidate_ids: tuple[int, ...]  # the records that exist now
    document_id: int | None  # the attached resume, for an attach
    message: str  # one line for the user


@dataclass(frozen=True)
class UndoableStep:
    """The latest attach or merge on a candidate's timeline, and whether it can be undone."""

    audit_id: int
    action: str
    activity_id: int  # the timeline entry it wrote
    description: str  # "adding jane.pdf to Jane Doe", "merging Jan Doe into Jane Doe"
    possible: bool
    reason: str  # why not, when not possible
    entry_kind: str = "note"  # the timeline entry, as the profile shows it
    entry_subject: str | None = None
    entry_body: str | None = None
    entry_at: dt.datetime | None = None


def describe(entry: AuditEntry) -> str:
    """What the step did, in a few words: "adding jane.pdf to Jane Doe"."""
    after = entry.after or {}
    if entry.action == ATTACH_ACTION:
        return f"adding {after.get('file') or 'a resume'} to {after.get('name') or 'a candidate'}"
    names = after.get("names") or ["the kept record", "another candidate"]
    return f"merging {names[1]} into {names[0]}"


def title(entry: AuditEntry) -> str:
    """The step as a command ("Add jane.pdf to Jane Doe"), for Edit → Undo."""
    words = describe(entry).split(" ", 1)
    verb = {"adding": "Add", "merging": "Merge"}.get(words[0], words[0].capitalize())
    return f"{verb} {words[1]}" if len(words) > 1 else verb


def step_title(ctx: ServiceContext, audit_id: int) -> str:
    with ctx.read() as session:
        return title(_entry(session, audit_id))


def _entry(session: Session, audit_id: int) -> AuditEntry:
    entry = session.get(AuditEntry, audit_id)
    if entry is None or entry.action not in UNDOABLE_ACTIONS:
        raise NotFoundError(f"There is no merge #{audit_id} to undo.")
    if not isinstance((entry.before or {}).get("restore"), dict):
        raise UndoRefusedError(f"{describe(entry).capitalize()} was saved without what undo needs.")
    return entry


def _in_effect(session: Session, entry: AuditEntry) -> bool:
    """False once undone (and not redone since)."""
    latest = session.scalar(
        select(AuditEntry.action)
        .where(
            AuditEntry.entity_type == "candidate",
            AuditEntry.entity_id == entry.entity_id,
            AuditEntry.action.in_((UNDONE_ACTION, REDONE_ACTION)),
            func.json_extract(AuditEntry.after, "$.audit_id") == entry.id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return latest != UNDONE_ACTION


def _names(snapshot: Snapshot) -> str:
    people = [
        person_name(r.get("first_name"), r.get("middle_name"), r.get("last_name"))
        for r in rows(snapshot, "candidates")
    ]
    return " and ".join(people) or "The candidate"


def _check(session: Session, entry: AuditEntry, expected: Snapshot, verb: str) -> Snapshot:
    """The rows as they are now, if they are exactly as the step left them; else refused."""
    current = capture(session, expected["candidates"], expected["documents"])
    changed = differences(current, expected)
    if changed:
        raise UndoRefusedError(
            f"Cannot {verb} {describe(entry)}: {_names(current)} changed since "
            f"({', '.join(changed)}). Doing it now would lose that."
        )
    return current


def _undo_in(tx: Transaction, entry: AuditEntry) -> Snapshot:
    """Restore the rows from before ``entry``, inside the caller's transaction."""
    session = tx.session
    if not _in_effect(session, entry):
        raise UndoRefusedError(f"{describe(entry).capitalize()} was already undone.")
    before, after = entry.before["restore"], entry.after["restore"]
    current = _check(session, entry, after, "undo")
    restore(session, before, current, {})
    # The dropped applications are back: their self-identification answers go back to them.
    for dropped, kept in (entry.after or {}).get("eeo_moved", ()):
        if move_eeo_answers(session, kept, dropped):
            tx.changed(ChangeKind.EEO, dropped, kept)
    _record(tx, entry, UNDONE_ACTION, current, before)
    return before


def _record(
    tx: Transaction, entry: AuditEntry, action: str, current: Snapshot, target: Snapshot
) -> None:
    tx.audit(
        action,
        "candidate",
        entry.entity_id,
        before={"candidates": [r["id"] for r in rows(current, "candidates")]},
        after={
            "audit_id": entry.id,
            "action": entry.action,
            "candidates": [r["id"] for r in rows(target, "candidates")],
        },
    )
    for kind, ids in touched(current, target).items():
        tx.changed(kind, *ids)


def _result(entry: AuditEntry, target: Snapshot, message: str) -> UndoResult:
    return UndoResult(
        audit_id=entry.id,
        action=entry.action,
        candidate_ids=tuple(r["id"] for r in rows(target, "candidates")),
        document_id=(entry.after or {}).get("document_id"),
        message=message,
    )


def undo_step(ctx: ServiceContext, audit_id: int) -> Outcome[UndoResult]:
    """Put the candidates back exactly as they were before the attach or merge ``audit_id``."""
    with ctx.write() as tx:
        entry = _entry(tx.session, audit_id)
        before = _undo_in(tx, entry)
        return outcome(_result(entry, before, f"Undone: {describe(entry)}."), tx)


def redo_step(ctx: ServiceContext, audit_id: int) -> Outcome[UndoResult]:
    """Do the undone attach or merge ``audit_id`` again, exactly as it was first done."""
    with ctx.write() as tx:
        session = tx.session
        entry = _entry(session, audit_id)
        if _in_effect(session, entry):
            raise UndoRefusedError(f"{describe(entry).capitalize()} is already done.")
        before, after = entry.before["restore"], entry.after["restore"]
        current = _check(session, entry, before, "redo")
        # Moved before the dropped applications go again (their answers would go with them).
        for dropped, kept in (entry.after or {}).get("eeo_moved", ()):
            if move_eeo_answers(session, dropped, kept):
                tx.changed(ChangeKind.EEO, dropped, kept)
        restore(session, after, current, after.get("created") or {})
        _record(tx, entry, REDONE_ACTION, current, after)
        return outcome(_result(entry, after, f"Redone: {describe(entry)}."), tx)


def latest_step(ctx: ServiceContext, candidate_id: int) -> UndoableStep | None:
    """The most recent attach or merge into this candidate that is still in effect, with
    whether undoing it is possible now (anything done to the record since prevents it)."""
    with ctx.read() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "candidate",
                AuditEntry.entity_id == candidate_id,
                AuditEntry.action.in_(UNDOABLE_ACTIONS),
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).all()
        if not entries or not _in_effect(session, entries[0]):
            return None
        entry = entries[0]
        activity_id = (entry.after or {}).get("activity_id")
        activity = session.get(Activity, activity_id) if isinstance(activity_id, int) else None
        if activity is None or activity.candidate_id != candidate_id:
            return None
        possible, reason = True, ""
        try:
            _entry(session, entry.id)
            _check(session, entry, entry.after["restore"], "undo")
        except UndoRefusedError as refused:
            possible, reason = False, str(refused)
        return UndoableStep(
            entry.id,
            entry.action,
            activity.id,
            describe(entry),
            possible,
            reason,
            entry_kind=str(activity.kind.value),
            entry_subject=activity.subject,
            entry_body=activity.body,
            entry_at=activity.occurred_at,
        )


def attach_of_document(session: Session, document_id: int) -> AuditEntry | None:
    """The attach that put this resume on its candidate, while it is in effect."""
    candidate_id = session.scalar(select(Document.candidate_id).where(Document.id == document_id))
    if candidate_id is None:
        return None
    entry = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == "candidate",
            AuditEntry.entity_id == candidate_id,
            AuditEntry.action == ATTACH_ACTION,
            func.json_extract(AuditEntry.after, "$.document_id") == document_id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return entry if entry is not None and _in_effect(session, entry) else None


def split_attached_resume(ctx: ServiceContext, document_id: int) -> Outcome[ImportResult]:
    """ "This is a different person": undo the attach of this resume and make it a new
    candidate (placed where the file was dropped), in one transaction. The person it had
    been attached to is not suggested as a duplicate of the new one: the recruiter said
    they are two people."""
    with ctx.write() as tx:
        session = tx.session
        entry = attach_of_document(session, document_id)
        if entry is None:
            raise UndoRefusedError("This resume was not added to an existing candidate.")
        before = _undo_in(tx, entry)
        document = session.get_one(Document, document_id)
        parsed = ParsedResume.from_json(
            document.parsed_fields or {}, document.text or "", document.media_type
        )
        former = frozenset(r["id"] for r in rows(before, "candidates"))
        after: dict[str, Any] = entry.after or {}
        notes: list[str] = []
        result = create_for_document(
            tx,
            document,
            document.original_name,
            parsed,
            target_from_json(after.get("target")),
            notes,
            not_suspect=former,
            body=f"New candidate from this resume; it had been added to {after.get('name')} "
            f"by mistake ({after.get('matched_by') or 'a match'}).",
        )
        return outcome(result, tx)
