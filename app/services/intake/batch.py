"""Several parsed files imported in one transaction: what intake does at volume.

One file per transaction spends most of an import's time on what every transaction pays
again: the write lock, the commit's sync to disk, and re-deriving the candidate's search row
(which holds the text of all their resumes) for each row written. A batch takes the lock
once, writes each file inside its own savepoint (a file that fails is rolled back alone and
reported; the others go on), re-derives each touched candidate's search row once, and
commits once. A failed commit fails the whole batch, and every file it placed is removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.parsing.result import ParsedResume
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import Transaction
from app.services.intake.importer import (
    ImportResult,
    Incoming,
    IntakeTarget,
    copy_in,
    discard_unless_recorded,
    remove_if_empty,
    store,
)
from app.store.search import rebuild_candidate_search, set_candidate_search_suspended


@dataclass(frozen=True)
class BatchItem:
    """One parsed file to import."""

    source: Path
    parsed: ParsedResume
    target: IntakeTarget | None = None


BatchOutcome = Outcome[ImportResult] | Exception


def import_batch(
    ctx: ServiceContext,
    documents_dir: Path,
    items: list[BatchItem],
    between: Callable[[], None] | None = None,
) -> list[BatchOutcome]:
    """Import ``items`` in one transaction; per item its outcome or the error that failed it.

    Each outcome's changes are that file's own, so the window hears about each file once.
    ``between`` runs after each file (intake hands parser processes their next file there,
    so that they need not wait for the whole batch).
    """
    documents_dir = Path(documents_dir)
    results: list[BatchOutcome | None] = [None] * len(items)
    staged: list[tuple[int, Incoming]] = []
    for index, item in enumerate(items):
        try:
            staged.append((index, copy_in(Path(item.source), documents_dir)))
        except Exception as exc:  # unreadable source, full disk: this file only
            results[index] = exc
    placed: list[tuple[Path, str]] = []  # stored files, kept if their rows commit
    orphans: list[tuple[Path, str]] = []  # stored files whose rows were rolled back
    try:
        with ctx.write() as tx:
            set_candidate_search_suspended(tx.session, True)
            touched: set[int] = set()
            for index, incoming in staged:
                item = items[index]
                own = Transaction(tx.session, tx.actor)  # this file's changes only
                put: list[Path] = []
                try:
                    with tx.session.begin_nested():
                        result = store(
                            own,
                            documents_dir,
                            Path(item.source),
                            item.parsed,
                            item.target,
                            incoming,
                            put,
                        )
                        tx.session.flush()
                except Exception as exc:
                    results[index] = exc
                    orphans += [(path, incoming.digest) for path in put]
                    continue
                placed += [(path, incoming.digest) for path in put]
                if result.candidate_id is not None:
                    touched.add(result.candidate_id)
                results[index] = Outcome(result, own.changes)
                if between is not None:
                    between()
            rebuild_candidate_search(tx.session, touched)
            set_candidate_search_suspended(tx.session, False)
    except Exception as exc:  # the commit (or the lock) failed: nothing was stored
        results = [exc if not isinstance(r, Exception) else r for r in results]
        orphans += placed
    finally:
        for _index, incoming in staged:
            incoming.path.unlink(missing_ok=True)
        for path, digest in orphans:  # unless another file of the batch stored the same bytes
            discard_unless_recorded(ctx, path, digest)
        if staged:
            remove_if_empty(staged[0][1].path.parent)
    return [r if r is not None else RuntimeError("not imported") for r in results]
