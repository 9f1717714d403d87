"""Tamper evidence for the audit trail: every entry sealed with a SHA-256 chain.

Each entry carries ``content_hash``, the SHA-256 of its stored values, and ``chain_hash``,
the SHA-256 of the previous entry's ``chain_hash`` followed by its own ``content_hash``.
Changing an entry's values breaks its content hash; removing or reordering entries breaks
the chain from that point on. `verify` walks the whole trail and names the first break.

The values are hashed exactly as SQLite holds them, through SQLite's own ``quote()`` (the
SQL literal of each value: type, text and escaping included), so a hash never depends on how
Python serialised a JSON column. Entries are written unsealed and sealed in id order at the
commit of the transaction that wrote them (`install_sealing`: one hook per engine, so ORM
sessions, Core statements and every service are covered; bulk writers on a plain sqlite3
connection call `seal` before they commit). The database's trigger lets an entry be updated
once, from unsealed to sealed, and never again.

Without a secret, a person with the file and this code could rewrite the whole chain; the
head hash (`verify` returns it) is what to record elsewhere to rule that out.

Erasing a person (privacy law) must remove their data from old entries too: `redact` does
that under a row in ``audit_redactions`` (when, who, why), which the trigger requires. A
redacted entry keeps its hashes, so the chain still links through it; `verify` checks its
link but not its content, and counts it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

GENESIS = "0" * 64  # the "previous hash" of the first entry
CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "user_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
)
# One text per entry: each stored value as its SQL literal, joined by a character that
# quote() never leaves bare (it quotes text, so a comma inside a value is inside quotes).
_CONTENT_SQL = " || ',' || ".join(f"quote({column})" for column in CONTENT_COLUMNS)
_BATCH = 2000

Execute = Callable[[str, tuple[Any, ...]], Any]  # returns a DB-API cursor-like result


@dataclass(frozen=True)
class Verification:
    """What `verify` found: how many entries, the head hash, and the first break if any."""

    entries: int
    head: str
    broken_at: int | None = None  # the id of the first entry that does not verify
    problem: str = ""
    redacted: int = 0  # entries whose content was erased (their links still verified)

    @property
    def ok(self) -> bool:
        return self.broken_at is None


class ChainError(RuntimeError):
    """The trail cannot be sealed: a sealed entry follows an unsealed one."""


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def link_hash(previous: str, content: str) -> str:
    return hashlib.sha256((previous + content).encode("ascii")).hexdigest()


def has_chain_columns(execute: Execute) -> bool:
    """Whether the schema has the chain's columns (older revisions, during migration, do not)."""
    columns = {row[1] for row in execute("PRAGMA table_info(audit_entries)", ()).fetchall()}
    return {"content_hash", "chain_hash"} <= columns


def seal(execute: Execute) -> int:
    """Seal the unsealed entries, oldest first; returns how many. Runs inside the caller's
    transaction (the writer's own, before its commit)."""
    first = execute("SELECT min(id) FROM audit_entries WHERE chain_hash IS NULL", ()).fetchone()[0]
    if first is None:
        return 0
    later = execute(
        "SELECT id FROM audit_entries WHERE chain_hash IS NOT NULL AND id > ? LIMIT 1", (first,)
    ).fetchone()
    if later is not None:
        raise ChainError(f"audit entry {first} is unsealed but entry {later[0]} after it is sealed")
    row = execute(
        "SELECT chain_hash FROM audit_entries WHERE id < ? ORDER BY id DESC LIMIT 1", (first,)
    ).fetchone()
    previous = row[0] if row and row[0] else GENESIS
    sealed = 0
    while True:
        rows = execute(
            f"SELECT id, {_CONTENT_SQL} FROM audit_entries WHERE chain_hash IS NULL"
            " ORDER BY id LIMIT ?",
            (_BATCH,),
        ).fetchall()
        if not rows:
            return sealed
        for entry_id, content in rows:
            own = content_hash(content)
            previous = link_hash(previous, own)
            execute(
                "UPDATE audit_entries SET content_hash = ?, chain_hash = ? WHERE id = ?",
                (own, previous, entry_id),
            )
        sealed += len(rows)


def _entries(
    execute: Execute,
) -> Iterator[tuple[int, str, str | None, str | None, int]]:
    last = 0
    while True:
        rows = execute(
            f"SELECT id, {_CONTENT_SQL}, content_hash, chain_hash,"
            " EXISTS (SELECT 1 FROM audit_redactions AS r WHERE r.entry_id = audit_entries.id)"
            " FROM audit_entries WHERE id > ? ORDER BY id LIMIT ?",
            (last, _BATCH),
        ).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify(execute: Execute, progress: Callable[[int], None] | None = None) -> Verification:
    """Recompute every entry's hashes in id order; stop at the first that does not match."""
    previous, count, redacted = GENESIS, 0, 0
    for entry_id, content, stored_content, stored_chain, erased in _entries(execute):
        if stored_chain is None or stored_content is None:
            return Verification(count, previous, entry_id, "it was never sealed", redacted)
        if erased:
            redacted += 1
        elif content_hash(content) != stored_content:
            return Verification(
                count, previous, entry_id, "its content was changed after it was written", redacted
            )
        expected = link_hash(previous, stored_content)
        if expected != stored_chain:
            return Verification(
                count,
                previous,
                entry_id,
                "its link to the entry before it is broken (an entry was removed, inserted "
                "or changed before it)",
                redacted,
            )
        previous, count = stored_chain, count + 1
        if progress is not None and count % 10_000 == 0:
            progress(count)
    return Verification(count, previous, redacted=redacted)


REDACTED = {"erased": "personal data removed"}


def redact(execute: Execute, entry_ids: list[int], actor: str, reason: str, when: str) -> int:
    """Erase ``before`` and ``after`` of these sealed entries, recording each redaction
    first (the trigger refuses the update without it). ``when``: the time as stored
    (``YYYY-MM-DD HH:MM:SS.ffffff``). Runs in the caller's transaction; returns how many."""
    marker = json.dumps(REDACTED)
    done = 0
    for entry_id in entry_ids:
        known = execute("SELECT 1 FROM audit_redactions WHERE entry_id = ?", (entry_id,)).fetchone()
        if known is None:
            execute(
                "INSERT INTO audit_redactions (entry_id, redacted_at, actor, reason)"
                " VALUES (?, ?, ?, ?)",
                (entry_id, when, actor, reason),
            )
        execute(
            "UPDATE audit_entries SET before = CASE WHEN before IS NULL THEN NULL ELSE ? END,"
            " after = CASE WHEN after IS NULL THEN NULL ELSE ? END WHERE id = ?",
            (marker, marker, entry_id),
        )
        done += 1
    return done


def sqlite_execute(connection: sqlite3.Connection) -> Execute:
    """`Execute` over a plain sqlite3 connection."""
    return connection.execute


def install_sealing(engine: Engine, writable: Callable[[], bool]) -> None:
    """Seal new entries at every commit on ``engine``'s connections (while ``writable``)."""

    def on_commit(connection: Any) -> None:
        if not writable():
            return
        info = connection.info
        execute: Execute = connection.connection.driver_connection.execute
        if not info.get("audit_chain"):
            if not has_chain_columns(execute):
                return  # a schema before the chain (a migration in progress)
            info["audit_chain"] = True
        seal(execute)

    event.listen(engine, "commit", on_commit)
