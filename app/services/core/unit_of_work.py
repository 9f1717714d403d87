"""One transaction per use case, with its audit entries and a record of what changed.

Every write in Hirebench goes through `transaction`: the session, the audit entries and the
commit travel together, so a failure leaves neither a half-written record nor an audit entry
for something that did not happen.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.services.core.changes import ChangeKind, Changes
from app.store.db import WRITE_INTENT
from app.store.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who is making a change: the user's id, login name and role (`app.services.core.roles`;
    "system" for start-up housekeeping and bulk loads, which no user makes)."""

    user_id: int | None
    name: str
    role: str = "recruiter"


class ValidationError(ValueError):
    """Input a use case refuses, with a message per field for inline display."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class NotFoundError(LookupError):
    """The record a use case was asked to act on no longer exists."""


_PLAIN = frozenset({str, int, float, bool, type(None)})


def snapshot(value: Any) -> Any:
    """A JSON-safe copy of plain values for audit entries.

    Plain values are taken as they are without a call each: an attach's entry holds a
    snapshot of the candidate's tables with hundreds of column names."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): v if type(v) in _PLAIN else snapshot(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [v if type(v) in _PLAIN else snapshot(v) for v in value]
    return value


def read_rows(session: Session, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
    """The rows of a plain SELECT in the session's transaction, through the driver's cursor.

    For the lookups an import makes for every file: an ORM query costs several times what
    SQLite spends on such a lookup. Pending changes are flushed first, as a query would."""
    session.flush()
    cursor = driver_cursor(session)
    try:
        rows: list[Any] = cursor.execute(sql, parameters).fetchall()
        return rows
    finally:
        cursor.close()


def driver_cursor(session: Session) -> Any:
    """A cursor on the driver's own connection, inside the session's transaction."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a session's connection is checked out while it is in use
    return driver.cursor()


def columns_of(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: snapshot(getattr(record, name)) for name in names}


class Transaction:
    """The open unit of work handed to a use case."""

    def __init__(self, session: Session, actor: Actor):
        self.session = session
        self.actor = actor
        self._changed: dict[ChangeKind, set[int]] = {}

    def audit(
        self,
        action: str,
        entity_type: str,
        entity_id: int | None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Add the entry to the session; returned so that a caller who needs its id (an undo
        step names it) has it once the session flushes, without looking it up again."""
        entry = AuditEntry(
            user_id=self.actor.user_id,
            actor=self.actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=snapshot(before) if before is not None else None,
            after=snapshot(after) if after is not None else None,
        )
        self.session.add(entry)
        return entry

    def changed(self, kind: ChangeKind, *ids: int) -> None:
        """Record that this use case changed data of ``kind`` (these ids), for the views."""
        if not isinstance(kind, ChangeKind):
            raise TypeError(f"not a ChangeKind: {kind!r}")
        self._changed.setdefault(kind, set()).update(ids)

    @property
    def changes(self) -> Changes:
        return Changes({kind: frozenset(ids) for kind, ids in self._changed.items()})


@contextmanager
def transaction(factory: sessionmaker[Session], actor: Actor) -> Iterator[Transaction]:
    """Open a session, yield the unit of work, commit on success and roll back on error.

    The transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), waiting up to
    busy_timeout for another writer, so a read-then-write use case never fails half-way
    because someone else committed in between.
    """
    with factory() as session, session.begin():
        session.connection(execution_options={WRITE_INTENT: True})
        yield Transaction(session, actor)
