"""What every use case needs: a way to open sessions and the recruiter acting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from app.services.core.changes import Changes
from app.services.core.roles import Permission, require
from app.services.core.unit_of_work import Actor, Transaction, transaction

T = TypeVar("T")


@dataclass(frozen=True)
class ServiceContext:
    sessions: sessionmaker[Session]
    actor: Actor

    def write(
        self, permission: Permission = Permission.EDIT_RECORDS
    ) -> AbstractContextManager[Transaction]:
        """A unit of work for one use case (see `transaction`), refused with
        `PermissionDenied` unless the actor's role grants ``permission``."""
        require(self.actor, permission)
        return transaction(self.sessions, self.actor)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session for queries."""
        with self.sessions() as session:
            yield session


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A use case's result and what it changed."""

    value: T
    changes: Changes


def outcome(value: T, tx: Transaction) -> Outcome[T]:
    return Outcome(value, tx.changes)
