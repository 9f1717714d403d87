"""What a recovery salvaged: per table, rows copied and an estimate of rows lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class TableRecovery:
    """What became of one table.

    ``copied`` is the number of rows the new database holds. ``source_count_estimate`` is how
    many the damaged file had (exact for an undamaged table; for a damaged one, counted
    through an intact index when there is one); ``lost_estimate`` is the difference, rows
    removed because their parent was lost included; None when nothing allows a guess.
    """

    name: str
    copied: int
    source_count_estimate: int | None
    lost_estimate: int | None
    errors: list[str]
    orphans_removed: int = 0  # rows left out because a row they belong to was lost
    references_cleared: int = 0  # rows kept with a reference to a lost row set to NULL

    @property
    def damaged(self) -> bool:
        """Rows of this table could not be read (as opposed to only orphans removed)."""
        return bool(self.errors)

    @property
    def lost(self) -> bool:
        return bool(self.errors) or bool(self.lost_estimate)


@dataclass(frozen=True)
class RecoveryReport:
    """The outcome of `recover_database`, table by table."""

    source: Path
    destination: Path
    source_revision: str | None  # None: the file's schema revision could not be read
    tables: list[TableRecovery]
    missing_tables: list[str] = field(default_factory=list)  # current tables not in the source
    skipped_tables: list[str] = field(default_factory=list)  # source tables this version lacks
    rebuilt_tables: list[str] = field(default_factory=list)  # derived again, not copied
    notes: list[str] = field(default_factory=list)

    @property
    def copied(self) -> int:
        return sum(table.copied for table in self.tables)

    @property
    def orphans_removed(self) -> int:
        return sum(table.orphans_removed for table in self.tables)

    @property
    def references_cleared(self) -> int:
        return sum(table.references_cleared for table in self.tables)

    @property
    def lost_estimate(self) -> int:
        """Rows that are not in the new database, as far as they can be counted."""
        return sum(table.lost_estimate or 0 for table in self.tables)

    def table(self, name: str) -> TableRecovery:
        return next(table for table in self.tables if table.name == name)

    def summary_lines(self) -> list[str]:
        """One line per table that lost rows, then anything else worth knowing, then a total."""
        lines = [
            _table_line(table) for table in self.tables if table.lost or table.references_cleared
        ]
        if self.missing_tables:
            at = f" (schema {self.source_revision})" if self.source_revision else ""
            lines.append(
                f"Not in the damaged file{at}, so as in a new database: "
                + ", ".join(self.missing_tables)
                + "."
            )
        if self.skipped_tables:
            lines.append(
                "Not copied, unknown to this version of Hirebench: "
                + ", ".join(self.skipped_tables)
                + "."
            )
        lines.extend(self.notes)
        lines.append(self._total_line())
        return lines

    def _total_line(self) -> str:
        total = (
            f"Recovered {self.copied:,} rows from {len(self.tables)} tables into {self.destination}"
        )
        damaged = [table for table in self.tables if table.damaged]
        unread = sum(
            max(0, (table.lost_estimate or 0) - table.orphans_removed) for table in damaged
        )
        if not damaged and not self.orphans_removed:
            return f"{total}; nothing was lost."
        parts = []
        if damaged:
            names = ", ".join(table.name for table in damaged)
            amount = f"about {unread:,} rows" if unread else "some rows"
            parts.append(f"{amount} in {names} could not be read")
        if self.orphans_removed:
            parts.append(f"{self.orphans_removed:,} rows that belonged to lost rows were left out")
        return f"{total}; " + ", and ".join(parts) + "."


def _table_line(table: TableRecovery) -> str:
    about = "about " if table.damaged else ""
    of = (
        f" of {about}{table.source_count_estimate:,}"
        if table.source_count_estimate is not None
        else ""
    )
    line = f"{table.name}: {table.copied:,}{of} rows recovered"
    details = []
    unread = (table.lost_estimate or 0) - table.orphans_removed
    if table.damaged:
        details.append(
            f"about {unread:,} could not be read" if unread > 0 else "some could not be read"
        )
    if table.orphans_removed:
        details.append(
            f"{table.orphans_removed:,} left out because the row they belong to was lost"
        )
    if table.references_cleared:
        details.append(f"{table.references_cleared:,} kept without their link to a lost row")
    if details:
        line += "; " + ", ".join(details)
    if table.errors:
        more = f" (and {len(table.errors) - 1} more)" if len(table.errors) > 1 else ""
        line += f" — {table.errors[0]}{more}"
    return line + "."
