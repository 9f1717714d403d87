"""A person's rights over their data: a copy of everything held about them (subject access)
and erasure.

Export: every row about the candidate (their record, contact details, history, applications
and what hangs off them, the timeline, emails, documents, tasks, audit entries), as one JSON
file in a zip with their resume files beside it.

Erasure: the person is anonymised everywhere, in one transaction: the candidate row keeps
only what statistics need (applications and their stages stay for the reports and the
applicant flow log) under the name "Erased person #ID"; contact details, work history,
skills, tags, pools, sequences, duplicate suspicions and tasks about them are deleted;
timeline text, email bodies and addresses, attachments, interview and offer notes and
submittal pitches are blanked; their documents and review examples go, with the files;
old audit entries that hold their data are redacted (`app.store.audit_chain.redact`), and
one tombstone entry without personal data records the erasure. SQLite's ``secure_delete``
zeroes freed content; afterwards the search indexes are optimised (old segments rewritten),
the write-ahead log checkpointed and the file vacuumed, so no byte of them stays in the
file. Backups made before remain and are listed as still holding the person.

EEO self-identification answers (``eeo_answers``) are handled apart. The export says that
answers exist for which applications and that compliance holds them, never their values:
EEO answers leave the compliance views nowhere, a person's own export included (they may
ask compliance for them). On erasure, the answers to applications received within the last
`EEO_KEPT_DAYS` (two years) are kept: once the person is anonymised they identify nobody,
and the applicant flow log must show them for that long; older answers are deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, text
from sqlalchemy.orm import Session

from app.atomic_files import replacing
from app.services.candidates.delete import APPLICANT_RECORDS_KEPT_DAYS, remove_unused_files
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.names import person_name
from app.services.core.roles import Permission, require
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.store.audit_chain import redact
from app.store.models import Candidate, utc_now

ERASED_FIRST = "Erased"
ERASED_MARK = "[erased]"
EXPORT_FORMAT = 1
EEO_KEPT_DAYS = APPLICANT_RECORDS_KEPT_DAYS  # the flow log's records are kept two years
EEO_HELD = "held by compliance; not included"

# What belongs to a candidate, table by table, and how its rows are found (``:id``).
_APPLICATIONS = "SELECT id FROM applications WHERE candidate_id = :id"
_INTERVIEWS = f"SELECT id FROM interviews WHERE application_id IN ({_APPLICATIONS})"
_ENROLLMENTS = "SELECT id FROM sequence_enrollments WHERE candidate_id = :id"
_MESSAGES = (
    f"SELECT id FROM outbox_messages WHERE candidate_id = :id OR enrollment_id IN ({_ENROLLMENTS})"
)
OWNED: dict[str, str] = {
    "candidates": "id = :id",
    "candidate_emails": "candidate_id = :id",
    "candidate_phones": "candidate_id = :id",
    "experiences": "candidate_id = :id",
    "educations": "candidate_id = :id",
    "candidate_skills": "candidate_id = :id",
    "candidate_tags": "candidate_id = :id",
    "pool_memberships": "candidate_id = :id",
    "applications": "candidate_id = :id",
    "stage_changes": f"application_id IN ({_APPLICATIONS})",
    "activities": "candidate_id = :id",
    "documents": "candidate_id = :id",
    "review_examples": "document_id IN (SELECT id FROM documents WHERE candidate_id = :id)",
    "sequence_enrollments": "candidate_id = :id",
    "outbox_messages": f"id IN ({_MESSAGES})",
    "outbox_parts": f"message_id IN ({_MESSAGES})",
    "duplicate_suspects": "candidate_id = :id OR other_candidate_id = :id",
    "tasks": "candidate_id = :id",
    "submittals": "candidate_id = :id",
    "interviews": f"id IN ({_INTERVIEWS})",
    "scorecards": f"interview_id IN ({_INTERVIEWS})",
    "offers": f"application_id IN ({_APPLICATIONS})",
    "placements": f"application_id IN ({_APPLICATIONS})",
    "onboarding_checks": f"application_id IN ({_APPLICATIONS})",
    "consent_records": "candidate_id = :id",
    "retention_reviews": "candidate_id = :id",
    "audit_entries": "entity_type = 'candidate' AND entity_id = :id",
}
# EEO answers: listed in the export without their values; on erasure only those older than
# `EEO_KEPT_DAYS` go (see the module docstring).
_EEO_WHERE = f"application_id IN ({_APPLICATIONS})"
_EEO_OLD = (
    "application_id IN (SELECT id FROM applications WHERE candidate_id = :id"
    " AND applied_at < :cutoff)"
)
# Deleted on erasure (in this order: children first).
_DELETED = (
    "outbox_parts",
    "review_examples",
    "candidate_emails",
    "candidate_phones",
    "experiences",
    "educations",
    "candidate_skills",
    "candidate_tags",
    "pool_memberships",
    "duplicate_suspects",
    "tasks",
    "consent_records",  # the sources and notes name the person; the tombstone says it happened
)
# Text blanked on erasure: table → assignments.
_BLANKED: dict[str, str] = {
    "activities": f"subject = '{ERASED_MARK}', body = NULL",
    "outbox_messages": (
        f"to_address = 'erased-' || id || '@invalid', to_name = NULL, subject = '{ERASED_MARK}',"
        " body_text = '', body_html = NULL, last_error = NULL, part_count = 0,"
        " state = CASE WHEN state IN ('queued', 'failed', 'unknown') THEN 'cancelled'"
        " ELSE state END"
    ),
    "interviews": "notes = NULL, location = NULL, video_link = NULL",
    "scorecards": "notes = NULL",
    "offers": "notes = NULL",
    "placements": "notes = NULL",
    "submittals": "pitch = NULL, feedback = NULL",
    "sequence_enrollments": "status = 'stopped', stop_reason = 'erased'",
}


@dataclass(frozen=True)
class ErasureResult:
    candidate_id: int
    counts: dict[str, int]
    redacted_audit_entries: int
    files_removed: tuple[str, ...] = ()
    files_left: tuple[str, ...] = ()
    backups_holding: tuple[str, ...] = ()  # made before the erasure: they still hold the person
    compacted: bool = False  # the file was vacuumed (False: another connection was busy)
    notes: tuple[str, ...] = field(default_factory=tuple)


def _rows(session: Session, table: str, where: str, candidate_id: int) -> list[dict[str, Any]]:
    result = session.execute(text(f"SELECT * FROM {table} WHERE {where}"), {"id": candidate_id})
    return [dict(row._mapping) for row in result]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": len(value)}  # attachments are in the zip only as counts
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def person_data(ctx: ServiceContext, candidate_id: int) -> dict[str, Any]:
    """Everything about the candidate, table by table, as JSON-ready rows."""
    require(ctx.actor, Permission.EXPORT_PEOPLE)
    with ctx.read() as session:
        if session.get(Candidate, candidate_id) is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        tables = {
            table: [
                {k: _plain(v) for k, v in row.items()}
                for row in _rows(session, table, where, candidate_id)
            ]
            for table, where in OWNED.items()
        }
        # That answers exist, never what they are (see the module docstring).
        tables["eeo_answers"] = [
            {"application_id": application_id, "answers": EEO_HELD}
            for application_id in session.scalars(
                text(f"SELECT application_id FROM eeo_answers WHERE {_EEO_WHERE}"),
                {"id": candidate_id},
            )
        ]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utc_now().isoformat(),
        "candidate_id": candidate_id,
        "tables": tables,
    }


def export_person(
    ctx: ServiceContext, candidate_id: int, documents_dir: Path, out: Path
) -> tuple[int, int]:
    """Write ``out`` (a zip): ``person.json`` and ``files/`` with their documents. Written
    beside the target and renamed, so a failure leaves no half-written zip. Returns
    (rows, files)."""
    data = person_data(ctx, candidate_id)
    rows = sum(len(found) for found in data["tables"].values())
    root = Path(documents_dir).resolve()
    files = 0
    with replacing(out) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(data, indent=2, ensure_ascii=False))
        for document in data["tables"]["documents"]:
            path = (root / str(document["stored_path"])).resolve()
            if path.is_relative_to(root) and path.is_file():
                name = f"files/{document['id']}-{Path(str(document['original_name'])).name}"
                archive.write(path, name)
                files += 1
    return rows, files


def _identifiers(session: Session, candidate_id: int, candidate: Candidate) -> list[str]:
    """The strings that identify the person (name, emails, phones), as stored in JSON too."""
    found = {person_name(candidate)}
    found |= set(
        session.scalars(
            text("SELECT email FROM candidate_emails WHERE candidate_id = :id"),
            {"id": candidate_id},
        )
    )
    found |= set(
        session.scalars(
            text("SELECT phone FROM candidate_phones WHERE candidate_id = :id"),
            {"id": candidate_id},
        )
    )
    forms = set()
    for value in found:
        if value and len(value) >= 5:
            forms.add(value)
            forms.add(json.dumps(value)[1:-1])  # as ASCII-escaped JSON keeps it
    return sorted(forms)


def _audit_entries_holding(
    session: Session, candidate_id: int, identifiers: Iterable[str]
) -> list[int]:
    """Entries about the candidate, and any other entry whose values name them."""
    ids = set(
        session.scalars(
            text(
                "SELECT id FROM audit_entries WHERE entity_type = 'candidate' AND entity_id = :id"
            ),
            {"id": candidate_id},
        )
    )
    for value in identifiers:
        ids |= set(
            session.scalars(
                text(
                    "SELECT id FROM audit_entries WHERE instr(coalesce(before, ''), :v) > 0"
                    " OR instr(coalesce(after, ''), :v) > 0"
                ),
                {"v": value},
            )
        )
    return sorted(ids)


def erase_person(
    ctx: ServiceContext,
    candidate_id: int,
    documents_dir: Path | None,
    backups_dir: Path | None = None,
    compact: Callable[[], bool] | None = None,
) -> Outcome[ErasureResult]:
    """Anonymise the candidate everywhere (see the module docstring). ``compact`` rewrites
    the file afterwards (the window passes one that runs with the database otherwise idle);
    by default it is done here."""
    started = utc_now()
    with ctx.write(Permission.ERASE_PEOPLE) as tx:
        session = tx.session
        driver = session.connection().connection.driver_connection
        assert driver is not None  # an open session's connection
        driver.execute("PRAGMA secure_delete = ON")  # freed content is zeroed, not left
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
        if candidate.first_name == ERASED_FIRST and candidate.last_name.startswith("person #"):
            raise ValidationError({"candidate": f"Candidate #{candidate_id} was already erased."})
        sending = session.execute(
            text(f"SELECT count(*) FROM outbox_messages WHERE id IN ({_MESSAGES})"
                 " AND state = 'sending'"),
            {"id": candidate_id},
        ).scalar()  # fmt: skip
        if sending:
            raise ValidationError(
                {"candidate": "An email to them is being sent right now; try again in a minute."}
            )
        identifiers = _identifiers(session, candidate_id, candidate)
        documents = [
            str(path)
            for path in session.scalars(
                text("SELECT stored_path FROM documents WHERE candidate_id = :id"),
                {"id": candidate_id},
            )
        ]
        counts: dict[str, int] = {}
        params = {"id": candidate_id}
        # A one-off email's campaign is named after its one recipient.
        counts["campaigns"] = _changed(
            session,
            "UPDATE campaigns SET name = 'Email to an erased person', audience = NULL"
            " WHERE kind = 'one_off' AND id IN (SELECT campaign_id FROM outbox_messages"
            f" WHERE id IN ({_MESSAGES}))",
            params,
        )
        for table, assignments in _BLANKED.items():
            counts[table] = _changed(
                session, f"UPDATE {table} SET {assignments} WHERE {OWNED[table]}", params
            )
        for table in _DELETED:
            counts[table] = _changed(session, f"DELETE FROM {table} WHERE {OWNED[table]}", params)
        counts["documents"] = _changed(
            session, "DELETE FROM documents WHERE candidate_id = :id", params
        )
        cutoff = started - dt.timedelta(days=EEO_KEPT_DAYS)
        counts["eeo_answers"] = _changed(
            session,
            f"DELETE FROM eeo_answers WHERE {_EEO_OLD}",
            params | {"cutoff": cutoff.strftime("%Y-%m-%d %H:%M:%S.%f")},
        )
        session.execute(
            text(
                "UPDATE candidates SET first_name = :first, middle_name = NULL,"
                " last_name = :last, headline = NULL, current_title = NULL,"
                " current_employer = NULL, location = NULL, links = '[]', summary = NULL,"
                " do_not_contact = 1, consent = 'withdrawn', consent_at = NULL,"
                " unsubscribed_at = coalesce(unsubscribed_at, :now), updated_at = :now"
                " WHERE id = :id"
            ),
            {
                "first": ERASED_FIRST,
                "last": f"person #{candidate_id}",
                "now": started.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "id": candidate_id,
            },
        )
        session.flush()
        holding = _audit_entries_holding(session, candidate_id, identifiers)
        redacted = redact(
            driver.execute,
            holding,
            tx.actor.name,
            "erasure of a person's data",
            started.strftime("%Y-%m-%d %H:%M:%S.%f"),
        )
        kept = {table: count for table, count in counts.items() if count}
        tx.audit(
            "candidate.erase",
            "candidate",
            candidate_id,
            after={"erased": True, "removed_or_blanked": kept, "audit_entries_redacted": redacted},
        )
        for kind in (
            ChangeKind.CANDIDATES,
            ChangeKind.APPLICATIONS,
            ChangeKind.DOCUMENTS,
            ChangeKind.POOLS,
            ChangeKind.OUTBOX,
            ChangeKind.ENROLLMENTS,
            ChangeKind.DUPLICATES,
            ChangeKind.TASKS,
            ChangeKind.INTERVIEWS,
            ChangeKind.SUBMITTALS,
        ):
            if kind is ChangeKind.CANDIDATES:
                tx.changed(kind, candidate_id)
            else:
                tx.changed(kind)
        done = outcome(None, tx)
    removed_files: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    if documents_dir is not None and documents:
        removed_files, left = remove_unused_files(ctx, documents_dir, documents)
    compacted = (compact or (lambda: compact_database(ctx)))()
    backups = _backups_before(backups_dir, started)
    notes: list[str] = []
    if not compacted:
        notes.append(
            "The database file could not be compacted now (it was in use); run "
            "`hirebench maintenance` to finish removing the erased data from the file."
        )
    result = ErasureResult(
        candidate_id, kept, redacted, removed_files, left, backups, compacted, tuple(notes)
    )
    return Outcome(result, done.changes)


def _changed(session: Session, sql: str, params: dict[str, Any]) -> int:
    """Run an UPDATE or DELETE; how many rows it touched."""
    result = cast("CursorResult[Any]", session.execute(text(sql), params))
    return int(result.rowcount or 0)


def _backups_before(backups_dir: Path | None, moment: dt.datetime) -> tuple[str, ...]:
    if backups_dir is None or not Path(backups_dir).is_dir():
        return ()
    cutoff = moment.timestamp()
    return tuple(
        str(path)
        for path in sorted(Path(backups_dir).iterdir())
        if path.is_file()
        and path.suffix in {".sqlite3", ".db", ".bak"}
        and path.stat().st_mtime <= cutoff
    )


def full_text_tables(session: Session) -> list[str]:
    """The database's FTS5 tables (their names only; their shadow tables are not listed)."""
    return [
        str(name)
        for name in session.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5(%'"  # not fts5vocab views
            )
        )
    ]


def compact_database(ctx: ServiceContext) -> bool:
    """Rewrite what erased data may still sit in: each full-text index merged into fresh
    segments, the write-ahead log copied in and truncated, then the file vacuumed.
    False when another connection kept the database busy."""
    with ctx.write(Permission.ERASE_PEOPLE) as tx:
        for table in full_text_tables(tx.session):
            tx.session.execute(text(f"INSERT INTO {table} ({table}) VALUES ('optimize')"))
    with ctx.read() as session:
        engine = session.get_bind()
    assert isinstance(engine, Engine)
    raw = engine.raw_connection()  # a connection of its own: VACUUM runs outside transactions
    try:
        connection = raw.driver_connection
        assert connection is not None  # a connection just taken from the pool
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except Exception:  # locked by another connection: the caller says what to do
        return False
    finally:
        raw.close()
    return not (busy and busy[0])
