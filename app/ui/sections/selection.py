"""Selecting in a lazily loaded candidate table: "all matching", and keeping one's place.

A table loads 200 rows at a time, so "select all" must mean every row matching the search
and filters, not the rows loaded so far: Ctrl+A (or the bar's "Select all N matching") puts
the table in *all matching* mode, which the bulk actions honour by asking the services for
the ids. A reload (after a change made here or by another program) keeps the selected rows,
the current row and the scroll position, reselecting by candidate id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QWidget

# After a reload, rows are loaded up to where they were, and a few pages further to find
# selected rows that moved down (a rename, say); a row further still is let go.
EXTRA_ROWS_FOR_SELECTION = 1000


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 candidate", "2 candidates", "1,234 candidates"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class SelectAllTable(QTableView):
    """A table whose Ctrl+A (or any `selectAll`) asks for every matching row."""

    select_all_requested = Signal()

    def selectAll(self) -> None:
        super().selectAll()
        self.select_all_requested.emit()

    def set_scroll(self, value: int) -> None:
        """Scroll to ``value`` now, with the scroll range already fitted to the rows."""
        self.updateGeometries()
        self.verticalScrollBar().setValue(value)


@dataclass(frozen=True)
class Place:
    """Where the user was in a table: what to restore after a reload."""

    selected: tuple[int, ...]
    current: int | None
    scroll: int
    loaded: int
    all_matching: bool


class SelectionKeeper(QObject):
    """Tracks the "all matching" mode of a `SelectAllTable` and keeps its place on reload.

    Its model gives each row's candidate id as ``UserRole`` data on column 0 and loads rows
    with ``canFetchMore``/``fetchMore``.
    """

    changed = Signal()  # the selection or the mode changed

    def __init__(self, table: SelectAllTable, parent: QObject | None = None):
        super().__init__(parent)
        self.table = table
        self.model = table.model()
        self.all_matching = False
        self._quiet = 0  # selection changes made here, not by the user
        self._restoring = False
        table.select_all_requested.connect(self.select_all_matching)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.rowsInserted.connect(self._rows_loaded)
        self.model.modelReset.connect(self._reset)

    # ---- the mode -----------------------------------------------------------------------------
    def select_all_matching(self) -> None:
        with self._quietly():
            self._select_rows(range(self.model.rowCount()))
        self.all_matching = self.model.rowCount() > 0
        self.changed.emit()

    def clear(self) -> None:
        with self._quietly():
            self.table.clearSelection()
        self.all_matching = False
        self.changed.emit()

    def _selection_changed(self, *_args: object) -> None:
        if not self._quiet:
            self.all_matching = False  # the user picked rows by hand
        self.changed.emit()

    def _rows_loaded(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self.all_matching:  # rows scrolled into view are part of the selection too
            with self._quietly():
                self._select_rows(range(first, last + 1), clear=False)

    def _reset(self) -> None:
        if not self._restoring:
            self.all_matching = False
        self.changed.emit()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _select_rows(self, rows: range | list[int], clear: bool = True) -> None:
        selection = QItemSelection()
        last_column = max(self.model.columnCount() - 1, 0)
        for first, last in _runs(rows):
            selection.select(self.model.index(first, 0), self.model.index(last, last_column))
        flags = QItemSelectionModel.SelectionFlag.Select
        if clear:
            flags |= QItemSelectionModel.SelectionFlag.Clear
        self.table.selectionModel().select(selection, flags)

    # ---- what is selected ---------------------------------------------------------------------
    def row_id(self, row: int) -> int | None:
        return self.model.index(row, 0).data(Qt.ItemDataRole.UserRole)

    def selected_ids(self) -> list[int]:
        """The ids of the selected loaded rows, in row order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [i for i in (self.row_id(row) for row in rows) if i is not None]

    def all_loaded_selected(self) -> bool:
        count = self.model.rowCount()
        return count > 0 and len(self.table.selectionModel().selectedRows()) == count

    # ---- keeping one's place ------------------------------------------------------------------
    def place(self) -> Place:
        current = self.table.currentIndex()
        return Place(
            selected=tuple(self.selected_ids()),
            current=self.row_id(current.row()) if current.isValid() else None,
            scroll=self.table.verticalScrollBar().value(),
            loaded=self.model.rowCount(),
            all_matching=self.all_matching,
        )

    @contextmanager
    def keeping_place(self, place: Place | None = None) -> Iterator[None]:
        """Around a reload of the same list: the same rows stay selected, the view where it
        was (or where ``place``, taken earlier, says)."""
        place = place or self.place()
        self._restoring = True
        try:
            yield
        finally:
            self._restoring = False
        self.restore(place)

    def restore(self, place: Place) -> None:
        """Load rows up to where they were, reselect ``place``'s rows by id, scroll back."""
        wanted = set(place.selected)
        if place.current is not None:
            wanted.add(place.current)
        found = self._load_up_to(place.loaded, wanted)
        with self._quietly():
            if place.all_matching and self.model.rowCount():
                self._select_rows(range(self.model.rowCount()))
            else:
                rows = sorted(found[i] for i in place.selected if i in found)
                if rows:
                    self._select_rows(rows)
                else:
                    self.table.clearSelection()
            if place.current in found:
                index = self.model.index(found[place.current], 0)
                flag = QItemSelectionModel.SelectionFlag.NoUpdate
                self.table.selectionModel().setCurrentIndex(index, flag)
        self.all_matching = place.all_matching and self.model.rowCount() > 0
        self.table.set_scroll(place.scroll)
        self.changed.emit()

    def _load_up_to(self, loaded: int, wanted: set[int]) -> dict[int, int]:
        """Fetch pages until ``loaded`` rows are in, and on (a little) until ``wanted`` are
        found; the row of each id."""
        rows: dict[int, int] = {}

        def index_rows(start: int) -> None:
            for row in range(start, self.model.rowCount()):
                row_id = self.row_id(row)
                if row_id is not None:
                    rows[row_id] = row

        index_rows(0)
        limit = loaded + EXTRA_ROWS_FOR_SELECTION
        while self.model.canFetchMore(QModelIndex()):
            count = self.model.rowCount()
            if count >= loaded and (wanted <= rows.keys() or count >= limit):
                break
            self.model.fetchMore(QModelIndex())
            if self.model.rowCount() == count:
                break
            index_rows(count)
        return rows


def _runs(rows: range | list[int]) -> Iterator[tuple[int, int]]:
    """Consecutive rows as (first, last) pairs: one selection range per run."""
    first = previous = None
    for row in rows:
        if first is None:
            first = previous = row
        elif row == previous + 1:
            previous = row
        else:
            yield first, previous  # type: ignore[misc]
            first = previous = row
    if first is not None:
        yield first, previous  # type: ignore[misc]


class SelectAllBar(QWidget):
    """The mail-client bar over the table: shown when every loaded row is selected.

    "All 200 loaded candidates are selected. Select all 509 matching" or, in all matching
    mode, "All 509 matching candidates are selected. Clear selection".
    """

    def __init__(
        self,
        keeper: SelectionKeeper,
        describe: Callable[[], tuple[int, str]],
        rows_noun: tuple[str, str] = ("candidate", "candidates"),
        parent: QWidget | None = None,
    ):
        """``describe()`` gives how many rows match and how to say it ("509 matching
        candidates", "1,234 members of Silver medalists"); ``rows_noun`` names a row, and
        rows."""
        super().__init__(parent)
        self.setObjectName("selectAllBar")
        self.keeper = keeper
        self.describe = describe
        self.rows_noun = rows_noun
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.label = QLabel()
        self.label.setObjectName("selectAllText")
        self.button = QPushButton()
        self.button.setObjectName("selectAllButton")
        self.button.setProperty("role", "flat")
        self.button.clicked.connect(self._clicked)
        row.addWidget(self.label)
        row.addWidget(self.button)
        row.addStretch(1)
        keeper.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        total, matching = self.describe()
        loaded = self.keeper.model.rowCount()
        if self.keeper.all_matching:
            self.label.setText(f"All {matching} are selected.")
            self.button.setText("Clear selection")
        elif self.keeper.all_loaded_selected() and total > loaded:
            one, many = self.rows_noun
            loaded_text = f"All {loaded:,} loaded {many} are" if loaded > 1 else f"The {one} is"
            self.label.setText(f"{loaded_text} selected.")
            self.button.setText(f"Select all {matching}")
        else:
            self.hide()
            return
        self.show()

    def _clicked(self) -> None:
        if self.keeper.all_matching:
            self.keeper.clear()
        else:
            self.keeper.select_all_matching()
