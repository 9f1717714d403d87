"""The Candidates section: everyone the agency has ever seen, loaded a page at a time.

A filter bar narrows the list (one service query), the search box shows ranked full-text
results instead (narrowed by the same filters), and the bulk toolbar acts on the selected
rows, or on every candidate matching (Ctrl+A, or the bar's "Select all N"). A reload after a
change keeps the selection and the scroll position. The first page of a search or of a
filtered list can take a while on a large database, so it is found in the background (the
rows shown stay until it arrives, and "Searching…" says it is coming); the plain list, and the
next pages as one scrolls, are read at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.services.candidates.pools import list_pools
from app.services.candidates.records import (
    SORT_KEYS,
    CandidateFilters,
    CandidateRow,
    all_matching_ids,
    candidate_page,
    filter_options,
)
from app.services.candidates.search import matching_candidate_ids, search_candidates
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.dialogs.candidate_actions import confirm_and_delete, edit_candidate
from app.ui.flow_layout import FlowLayout
from app.ui.highlight import HIGHLIGHT_ROLE, HighlightDelegate
from app.ui.icons import IconProvider
from app.ui.sections.bulk_actions import (
    CANDIDATE_IDS_MIME,
    BulkActions,
    Selection,
    candidate_mime,
)
from app.ui.sections.candidate_pages import (
    PAGE_SIZE,
    FirstPage,
    PageRow,
    Question,
    list_rows,
    load_first_page,
    search_rows,
    search_total,
)
from app.ui.sections.selection import (
    Place,
    SelectAllBar,
    SelectAllTable,
    SelectionKeeper,
    counted,
)
from app.ui.widgets import SectionHeader, section_layout

COLUMNS = ("Name", "Current title", "Employer", "Location", "Email", "Source", "Added")
SEARCH_COLUMNS = ("Name", "Current title", "Location", "Score", "Match")
SCORE_COLUMN = SEARCH_COLUMNS.index("Score")
MATCH_COLUMN = SEARCH_COLUMNS.index("Match")
# Every list column sorts, both ways: the service's sort key for each column of COLUMNS.
SORTABLE = dict(enumerate(SORT_KEYS))
CONTACT_WINDOWS = ((None, "Contacted: any time"), (7, "…in 7 days"), (30, "…in 30 days"))
CONTACT_WINDOWS += ((90, "…in 90 days"), (365, "…in a year"))
DNC_CHOICES = ((None, "Do-not-contact: shown"), (False, "…hidden"), (True, "…only them"))
SEARCH_DELAY_MS = 250
SEARCHING = "Searching…"
KEEP, FRESH, SORT = "keep", "fresh", "sort"  # how a reload shows its rows (`CandidatesSection`)

_Index = QModelIndex | QPersistentModelIndex


class CandidateListModel(QAbstractTableModel):
    """Lazy table: `fetchMore` pulls the next page of the filtered list, or of the search
    results when ``query`` is set."""

    def __init__(self, services: ServiceContext, parent: Any = None):
        super().__init__(parent)
        self.services = services
        self.order = "name"
        self.descending = False
        self.filters = CandidateFilters()
        self.query = ""
        self.warning: str | None = None
        self.capped = False  # a search with more matches than it counts
        self.rows: list[PageRow] = []
        self.total = 0
        self._last: CandidateRow | None = None  # where the next list page starts
        self.loading = False  # a new first page is on its way: no more pages of this one
        # Set by the section, which then answers a click on a column header (the order wanted,
        # descending?), in the background when the list is filtered.
        self.loader: Callable[[str, bool], None] | None = None

    @property
    def question(self) -> Question:
        return Question(self.query, self.filters, self.order, self.descending)

    @property
    def searching(self) -> bool:
        return bool(self.query.strip())

    @property
    def columns(self) -> tuple[str, ...]:
        return SEARCH_COLUMNS if self.searching else COLUMNS

    def reload(self) -> None:
        """Read the first page again, here and now."""
        self.show_first(load_first_page(self.services, self.question))

    def show_first(self, page: FirstPage) -> None:
        """Show a first page found (maybe in the background) for ``page.question``."""
        self.beginResetModel()
        question = page.question
        self.query, self.filters = question.query, question.filters
        self.order, self.descending = question.order, question.descending
        self.rows, self.total, self._last = list(page.rows), page.total, page.last
        self.warning = page.warning
        if question.query.strip():
            self.capped = page.capped
        self.loading = False
        self.endResetModel()

    def _list_page(self) -> list[PageRow]:
        """The next page of the list, after the last row loaded (keyset paging: as fast deep
        down the list as at its top)."""
        page = candidate_page(
            self.services,
            0,
            PAGE_SIZE,
            self.order,
            self.filters,
            descending=self.descending,
            after=self._last,
        )
        if page:
            self._last = page[-1]
        return list_rows(page)

    def _search_page(self, offset: int) -> list[PageRow]:

        result = search_candidates(
            self.services, self.query, limit=PAGE_SIZE, offset=offset, filters=self.filters
        )
        self.warning = result.warning
        self.capped = result.capped
        self.total = search_total(result, offset)
        return search_rows(result)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.loading and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        offset = len(self.rows)
        page = self._search_page(offset) if self.searching else self._list_page()
        if not page:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = SORTABLE.get(column)
        descending = order == Qt.SortOrder.DescendingOrder
        if self.searching or wanted is None:  # results stay ranked
            return
        if self.loader is not None:
            self.loader(wanted, descending)
        elif (wanted, descending) != (self.order, self.descending):
            self.order, self.descending = wanted, descending
            self.reload()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole and not self.searching:
            # The first click on Added shows the newest first; on the others, A to Z.
            newest_first = SORTABLE.get(section) == "added"
            return Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = row.values[index.column()]
            if role == Qt.ItemDataRole.ToolTipRole and self._is_score(index) and not value:
                return "Matched by name"
            return value
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == HIGHLIGHT_ROLE and self.searching and index.column() == MATCH_COLUMN:
            return row.marks
        if role == Qt.ItemDataRole.TextAlignmentRole and self._is_score(index):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _is_score(self, index: _Index) -> bool:
        return self.searching and index.column() == SCORE_COLUMN

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [CANDIDATE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = dict.fromkeys(self.rows[index.row()].id for index in indexes if index.isValid())
        return candidate_mime(list(ids))


class FilterBar(QWidget):
    """The filter widgets; `filters()` reads them into one `CandidateFilters`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = FlowLayout(self)  # wraps onto more lines in a narrow window
        self.skills = self._text("skillsFilter", "Skills (comma-separated)")
        self.location = self._text("locationFilter", "Location")
        self.tag = self._combo("tagFilter")
        self.source = self._combo("sourceFilter")
        self.owner = self._combo("ownerFilter")
        self.contacted = self._combo("contactedFilter", CONTACT_WINDOWS)
        self.pool = self._combo("poolFilter")
        self.stage = self._combo("stageFilter")
        self.dnc = self._combo("dncFilter", DNC_CHOICES)
        self.clear = QPushButton("Clear filters")
        self.clear.setObjectName("clearFilters")
        self.clear.clicked.connect(self.reset)
        widgets = (self.skills, self.location, self.tag, self.source, self.owner)
        widgets += (self.contacted, self.pool, self.stage, self.dnc, self.clear)
        for widget in widgets:
            row.addWidget(widget)

    def _text(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 48)
        edit.editingFinished.connect(self.changed)
        return edit

    def _combo(self, name: str, choices: Sequence[tuple[object, str]] = ()) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for value, label in choices:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        return combo

    def set_choices(self, services: ServiceContext) -> None:
        """Fill the combo boxes from the database, keeping the current choices."""
        options = filter_options(services)
        pools = [
            (pool.id, pool.name if pool.editable else f"{pool.name} ({pool.kind})")
            for pool in list_pools(services, include_builtin=True, counted=False)
        ]
        self._refill(self.tag, "Any tag", [(name, name) for name in options.tags])
        self._refill(self.source, "Any source", [(name, name) for name in options.sources])
        self._refill(self.owner, "Any owner", list(options.owners))
        self._refill(self.pool, "Any pool", pools)
        self._refill(
            self.stage, "Reached: any stage", [(n, f"Reached {n}") for n in options.stages]
        )

    def _refill(self, combo: QComboBox, anything: str, items: Sequence[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for value, label in items:
            combo.addItem(label, value)
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def select(self, combo: QComboBox, value: object) -> None:
        """Choose the entry holding ``value`` (for code and tests)."""
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def filters(self) -> CandidateFilters:
        skills = tuple(s.strip() for s in self.skills.text().split(",") if s.strip())
        tag = self.tag.currentData()
        return CandidateFilters(
            skills=skills,
            location=self.location.text().strip() or None,
            tags=(tag,) if tag else (),
            source=self.source.currentData(),
            owner_id=self.owner.currentData(),
            contacted_within_days=self.contacted.currentData(),
            pool_id=self.pool.currentData(),
            furthest_stage=self.stage.currentData(),
            do_not_contact=self.dnc.currentData(),
        )

    def reset(self) -> None:
        for edit in (self.skills, self.location):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        combos = (self.tag, self.source, self.owner, self.contacted, self.pool, self.stage)
        for combo in (*combos, self.dnc):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.changed.emit()


class CandidatesSection(QWidget):
    new_candidate_requested = Signal()
    duplicates_requested = Signal()
    # Tags and pools fill the filter bar; applications matter while a filter is on.
    shows = frozenset(
        {ChangeKind.CANDIDATES, ChangeKind.TAGS, ChangeKind.POOLS, ChangeKind.APPLICATIONS}
    )

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
        documents_dir: Path | None = None,
        wake: Callable[[], None] | None = None,
    ):
        """``documents_dir``: where Delete… removes resume files; ``wake``: nudges the mail
        dispatcher after emails are queued."""
        super().__init__(parent)
        self._stale = False  # changed while hidden: reload when shown
        self.services = services
        self.documents_dir = documents_dir
        layout = section_layout(self)
        self.header = SectionHeader("Candidates", "")
        new_candidate = QPushButton(
            icons.get("user-plus", icons.palette.accent_text), "New candidate"
        )
        new_candidate.setProperty("role", "primary")
        new_candidate.clicked.connect(self.new_candidate_requested)
        duplicates = QPushButton("Possible duplicates…")
        duplicates.setObjectName("duplicatesButton")
        duplicates.clicked.connect(self.duplicates_requested)
        self.header.add_action(duplicates)
        self.header.add_action(new_candidate)
        layout.addWidget(self.header)

        self.search = QLineEdit()
        self.search.setObjectName("candidateSearch")
        self.search.setPlaceholderText("Search names, titles, skills and resume text…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_search)
        layout.addWidget(self.search)
        self.filter_bar = FilterBar()
        self.filter_bar.set_choices(services)
        self.filter_bar.changed.connect(self.apply_filters)
        layout.addWidget(self.filter_bar)

        self.model = CandidateListModel(services, self)
        self.model.loader = self._sort
        self.ops = BackgroundOps(self)  # first pages of searches and filtered lists
        self._asked: tuple[Question, str] | None = None  # on its way: question, how to show it
        self.table = SelectAllTable()
        self.table.setObjectName("candidatesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        # The indicator first: turning sorting on sorts by it, and the model is already in
        # that order (Name, A to Z), so nothing is loaded twice.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setItemDelegateForColumn(MATCH_COLUMN, HighlightDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.bulk.open_selected_profile())

        self.keeper = SelectionKeeper(self.table, self)
        self.bulk = BulkActions(
            services,
            undo_stack or QUndoStack(self),
            self.selection,
            self.source_label,
            self,
            wake=wake,
        )
        self.select_all_bar = SelectAllBar(self.keeper, self._matching)
        layout.addWidget(self.bulk.toolbar())
        layout.addWidget(self.select_all_bar)
        layout.addWidget(self.table, 1)
        self.keeper.changed.connect(self.bulk.update_enabled)
        self.reload(keep_place=False)

    def _size_columns(self) -> None:
        widths = (200, 220, 160, 80) if self.model.searching else (200, 220, 180, 150, 240, 120)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def reload(self, keep_place: bool = True) -> None:
        """Read the rows again. After a change (``keep_place``) the same candidates stay
        selected and the view where it was; a new search or filter starts afresh."""
        if self._asked is not None:  # the question on its way, asked again
            question, how = self._asked
            self._load(question, how if how != KEEP or keep_place else FRESH)
        else:
            self._load(self.model.question, KEEP if keep_place else FRESH)

    @property
    def loading(self) -> bool:
        """Whether a search or filtered list is being found in the background."""
        return self._asked is not None

    def _wanted(self) -> Question:
        """The question asked last (maybe still on its way)."""
        return self._asked[0] if self._asked is not None else self.model.question

    def _load(self, question: Question, how: str) -> None:
        """Show ``question``'s first page; ``how``: `KEEP` the place, start `FRESH`, or only
        `SORT` again (the columns as the user left them)."""
        place = self.keeper.place() if how == KEEP else None
        if not question.slow:  # the whole list: its first page comes at once
            self.ops.cancel("rows")
            self._asked = None
            self._show(load_first_page(self.services, question), how, place)
            return
        self._asked = (question, how)
        self.model.loading = True
        self.header.subtitle.setText(SEARCHING)
        services = self.services
        self.ops.query(
            "rows",
            lambda: load_first_page(services, question),
            lambda page: self._arrived(page, how, place),
            self._not_found,
        )

    def _arrived(self, page: FirstPage, how: str, place: Place | None) -> None:
        self._asked = None
        self._show(page, how, place)

    def _not_found(self, error: BaseException) -> None:
        self._asked = None
        self.model.loading = False
        self.header.subtitle.setText(f"The search could not be done: {error}")

    def _show(self, page: FirstPage, how: str, place: Place | None) -> None:
        if how == KEEP:
            with self.keeper.keeping_place(place):
                self.model.show_first(page)
        elif how == FRESH:
            self.model.show_first(page)
            self._size_columns()
            self.table.setSortingEnabled(not self.model.searching)
        else:
            self.model.show_first(page)
        self._show_count()

    def _sort(self, order: str, descending: bool) -> None:
        """A click on a column header (never while searching: results stay ranked)."""
        asked = self._wanted()
        if (order, descending) != (asked.order, asked.descending):
            self._load(replace(asked, order=order, descending=descending), SORT)

    def _show_count(self) -> None:
        plus = "+" if self.model.searching and self.model.capped else ""
        one = self.model.total == 1 and not plus
        count = f"{self.model.total:,}{plus} candidate{'' if one else 's'}"
        match = "matches" if one else "match"
        if self.model.searching:
            narrowed = " and the filters" if self.model.filters.active else ""
            text = f"{count} {match} “{self.model.query.strip()}”{narrowed} · best first"
            if self.model.warning:
                text += f" · {self.model.warning}"
        elif self.model.filters.active:
            text = f"{count} {match} the filters"
        else:
            text = f"{count} · click a column to sort, again to reverse"
        self.header.subtitle.setText(text)

    def apply_filters(self) -> None:
        self._load(replace(self._wanted(), filters=self.filter_bar.filters()), FRESH)

    def apply_search(self) -> None:
        self._search_timer.stop()
        if self.search.text().strip() == self._wanted().query.strip():
            return
        self._load(replace(self._wanted(), query=self.search.text()), FRESH)

    def selected_ids(self) -> list[int]:
        """The rows selected by hand (the loaded ones, in all matching mode)."""
        return self.keeper.selected_ids()

    def selection(self) -> Selection:
        """What the bulk actions act on: the selected rows, or every candidate matching the
        search and filters (their ids found by the services, off the GUI thread)."""
        model = self.model
        if not self.keeper.all_matching:
            return Selection(ids=tuple(self.selected_ids()))
        if not model.canFetchMore() and not (model.searching and model.capped):
            return Selection(ids=tuple(row.id for row in model.rows))  # all of them loaded
        services, filters, query = self.services, model.filters, model.query
        order, descending = model.order, model.descending
        if model.searching:

            def find_all() -> list[int]:
                return matching_candidate_ids(services, query, filters)
        else:

            def find_all() -> list[int]:
                return all_matching_ids(services, filters, order, descending)

        return Selection(find_all=find_all, expected=model.total)

    def _matching(self) -> tuple[int, str]:
        """How many candidates match, and how to say it, for the select-all bar."""
        model = self.model
        narrowed = model.searching or model.filters.active
        text = counted(model.total, "matching candidate" if narrowed else "candidate")
        if model.searching and model.capped:
            text = text.replace(f"{model.total:,}", f"{model.total:,}+", 1)
        return model.total, text

    def source_label(self) -> str:
        """The source given to applications made from here: the search or the pool."""
        if self.model.searching:
            return f"Search: {self.model.query.strip()}"
        if self.model.filters.pool_id is not None:
            return f"Pool: {self.filter_bar.pool.currentText()}"
        return "Candidates list"

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = self.bulk.menu(self)
        self._add_record_actions(menu, self.model.rows[index.row()].id)
        menu.exec(self.table.viewport().mapToGlobal(point))

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(ChangeKind.TAGS, ChangeKind.POOLS, ChangeKind.EXTERNAL):
            self.filter_bar.set_choices(self.services)
        if changes.touches(ChangeKind.CANDIDATES, ChangeKind.EXTERNAL) or (
            self.model.filters.active
            and changes.touches(ChangeKind.APPLICATIONS, ChangeKind.TAGS, ChangeKind.POOLS)
        ):
            # Hidden (a bulk import while another section is shown): reload once when shown
            # rather than read a page of candidates on the GUI thread per batch.
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up on the changes made while hidden."""
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    # ---- one candidate's record: Edit… and Delete… in the context menu ------------------------

    def _add_record_actions(self, menu: Any, candidate_id: int) -> None:
        """Edit… and Delete… for the row right-clicked, when it is the only one selected."""
        one = len(self.table.selectionModel().selectedRows()) == 1
        menu.addSeparator()
        edit = menu.addAction("Edit…", lambda: self.edit_candidate(candidate_id))
        delete = menu.addAction("Delete…", lambda: self.delete_candidate(candidate_id))
        for action in (edit, delete):
            action.setEnabled(one)

    def edit_candidate(self, candidate_id: int) -> None:
        """The edit form; a saved change is published and goes on Edit → Undo."""

        bulk = self.bulk
        done = edit_candidate(
            self.services,
            candidate_id,
            self,
            bulk.undo_stack,
            bulk.changes_made.emit,
            bulk.notice.emit,
        )
        if done is not None:
            bulk.changes_made.emit(done.changes)
            bulk.notice.emit(f"Saved {done.value.name}.")

    def delete_candidate(self, candidate_id: int) -> None:
        """Delete once confirmed (the question names what goes with them)."""

        done = confirm_and_delete(
            self.services, candidate_id, self.documents_dir, self, self.bulk.notice.emit
        )
        if done is not None:
            self.bulk.changes_made.emit(done.changes)
