"""The Talent pools section: the CRM's long-term lists, their sizes and their members.

Static pools hold the people added to them; smart pools are saved searches and built-in
pools (silver medalists, past applicants) are computed, so both are always current. Counting a
computed pool takes up to half a second at 100,000 candidates, so the list appears at once with
"…" in their Members cells and a background operation (its own sessions) fills them in. Resume
files dropped on a pool's row are imported into it; candidates dragged from the Candidates
table onto a static pool's row join it. Ctrl+A over the members selects every
member (not only the rows loaded), and a reload keeps the members' selection and scroll.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.pools import (
    BUILTIN,
    SILVER_MEDALISTS,
    SMART,
    STATIC,
    PoolMember,
    PoolRow,
    count_members,
    list_pools,
    member_ids,
    pool_members,
    remove_members,
)
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.ui.background import BackgroundOps
from app.ui.sections.bulk_actions import (
    CANDIDATE_IDS_MIME,
    BulkActions,
    Selection,
    candidate_ids_from,
)
from app.ui.sections.selection import (
    Place,
    SelectAllBar,
    SelectAllTable,
    SelectionKeeper,
    counted,
)
from app.ui.widgets import SectionHeader, section_layout

POOL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
POOL_KIND_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_LABELS = {"static": "Static", SMART: "Smart", BUILTIN: "Built-in"}
MEMBER_COLUMNS = (
    "Name",
    "Current title",
    "Location",
    "Email",
    "Added",
    "Last contacted",
    "Replied",
    "Campaigns",
    "Runner-up for",
)
RUNNER_UP_COLUMN = MEMBER_COLUMNS.index("Runner-up for")  # silver medalists only
PAGE_SIZE = 200
FITTED_POOL_ROWS = 8  # the pools list shows this many rows before it scrolls
NONE_YET = "—"  # no reply logged
COUNTING = "…"  # a computed pool's size, until the background count arrives
ENGAGEMENT_TIPS = {
    5: "The last call, meeting or email sent to this person",
    6: "The last reply logged from this person (an incoming email)",
    7: "How many campaigns have sent this person an email",
}

_Index = QModelIndex | QPersistentModelIndex
log = logging.getLogger(__name__)


def count_pools(
    services: ServiceContext, pool_ids: Sequence[int], report: Callable[[Any], None]
) -> None:
    """Find the members of computed pools, one pool at a time, reporting ``(pool id, member
    ids)`` after each (None for the ids when it failed); only ids leave the worker. A newer
    count makes ``report`` raise, which ends this one."""
    for pool_id in pool_ids:
        members: list[int] | None
        try:
            members = member_ids(services, pool_id)
        except Exception:  # a pool deleted meanwhile, a locked database: show it, go on
            log.exception("counting the members of pool %s failed", pool_id)
            members = None
        report((pool_id, members))


class PoolTable(QTableWidget):
    """The pools list; resume files dropped on a pool's row join that pool, and candidates
    dragged from the Candidates table onto a static pool's row are added to it."""

    files_dropped = Signal(int, object)  # pool id, paths
    candidates_dropped = Signal(int, object)  # pool id, candidate ids

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _pool_at(self, event: QDropEvent | QDragMoveEvent) -> tuple[int, str] | None:
        item = self.itemAt(event.position().toPoint())
        if item is None:
            return None
        first = self.item(item.row(), 0)
        return first.data(POOL_ID_ROLE), first.data(POOL_KIND_ROLE)

    @staticmethod
    def _wanted(event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        data = event.mimeData()
        return data.hasUrls() or data.hasFormat(CANDIDATE_IDS_MIME)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._wanted(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        pool = self._pool_at(event)
        static = pool is not None and pool[1] not in (SMART, BUILTIN)
        if self._wanted(event) and static:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        pool = self._pool_at(event)
        if pool is None or pool[1] in (SMART, BUILTIN):
            event.ignore()
            return
        ids = candidate_ids_from(event.mimeData())
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if ids:
            event.acceptProposedAction()
            self.candidates_dropped.emit(pool[0], ids)
        elif paths:
            event.acceptProposedAction()
            self.files_dropped.emit(pool[0], paths)
        else:
            event.ignore()


class PoolMembersModel(QAbstractTableModel):
    """Lazy table of one pool's members, with their engagement."""

    def __init__(self, services: ServiceContext, parent: Any = None):
        super().__init__(parent)
        self.services = services
        self.pool_id: int | None = None
        self.member_ids: list[int] | None = None  # a computed pool's members, found already
        self.rows: list[PoolMember] = []
        self.total = 0

    def show_pool(self, pool_id: int | None, member_ids: list[int] | None = None) -> None:
        self.pool_id, self.member_ids = pool_id, member_ids
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self.pool_id is None:
            self.rows, self.total = [], 0
        else:
            known = self.member_ids
            self.total = (
                len(known) if known is not None else count_members(self.services, self.pool_id)
            )
            self.rows = pool_members(self.services, self.pool_id, 0, PAGE_SIZE, known)
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid() or self.pool_id is None:
            return
        page = pool_members(self.services, self.pool_id, len(self.rows), PAGE_SIZE, self.member_ids)
        if not page:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(MEMBER_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return MEMBER_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        member = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _member_values(member)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == RUNNER_UP_COLUMN:
                return "\n".join(member.runner_up_for) or None
            return ENGAGEMENT_TIPS.get(index.column())
        if role == Qt.ItemDataRole.UserRole:
            return member.candidate_id
        return None


def _day(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d") if value else ""


def _member_values(member: PoolMember) -> tuple[str, ...]:
    return (
        member.name,
        member.current_title or "",
        member.location or "",
        member.email or "",
        _day(member.added_at),
        _day(member.last_contacted) or "never",
        _day(member.replied) or NONE_YET,
        f"{member.campaigns:,}",
        "; ".join(member.runner_up_for),
    )


class PoolsSection(QWidget):
    """Pools number in the tens, so their list is a simple table widget; members are lazy."""

    files_dropped = Signal(int, object)  # pool id, paths: resumes to import into the pool
    new_pool_requested = Signal(bool)  # smart?
    shows = frozenset(
        {ChangeKind.POOLS, ChangeKind.CANDIDATES, ChangeKind.APPLICATIONS, ChangeKind.JOBS}
    )

    def __init__(
        self,
        services: ServiceContext,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
        wake: Callable[[], None] | None = None,
    ):
        """``wake`` nudges the mail dispatcher after emails are queued."""
        super().__init__(parent)
        self.services = services
        self.pools: list[PoolRow] = []
        self.ops = BackgroundOps(self)  # counts computed pools
        self._generation = 0
        self._pending: set[int] = set()  # computed pools not counted yet
        self._found: dict[int, list[int]] = {}  # computed pools' members, this generation
        # The members' selection and scroll while their pool is recounted after a reload.
        self._kept: tuple[int, Place] | None = None
        self._stale = False  # changed while hidden: reload when shown
        layout = section_layout(self)
        self.header = SectionHeader("Talent pools", "")
        new_smart = QPushButton("New smart pool…")
        new_smart.setObjectName("newSmartPool")
        new_smart.clicked.connect(lambda: self.new_pool_requested.emit(True))
        new_pool = QPushButton("New pool…")
        new_pool.setObjectName("newPool")
        new_pool.setProperty("role", "primary")
        new_pool.clicked.connect(lambda: self.new_pool_requested.emit(False))
        self.header.add_action(new_smart)
        self.header.add_action(new_pool)
        layout.addWidget(self.header)

        self.table = PoolTable()
        self.table.files_dropped.connect(self.files_dropped)
        self.table.candidates_dropped.connect(self.add_dropped)
        self.table.setObjectName("poolsTable")
        self.table.setHorizontalHeaderLabels(["Pool", "Members", "Kind", "Description"])
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        members = QWidget()
        column = QVBoxLayout(members)
        column.setContentsMargins(0, 8, 0, 0)
        self.members_title = QLabel("Choose a pool to see its members.")
        self.members_title.setProperty("role", "subtitle")
        self.members_model = PoolMembersModel(services, self)
        self.members = SelectAllTable()
        self.members.setObjectName("poolMembersTable")
        self.members.setModel(self.members_model)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.members.setAlternatingRowColors(True)
        self.members.setShowGrid(False)
        self.members.verticalHeader().hide()
        self.members.horizontalHeader().setStretchLastSection(True)
        for index, width in enumerate((190, 200, 150, 240, 100, 130, 80)):
            self.members.setColumnWidth(index, width)
        self.members.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.members.customContextMenuRequested.connect(self._context_menu)
        self.members.doubleClicked.connect(lambda _index: self.bulk.open_selected_profile())
        self.keeper = SelectionKeeper(self.members, self)
        self.bulk = BulkActions(
            services,
            undo_stack or QUndoStack(self),
            self.selection,
            self.source_label,
            self,
            wake=wake,
        )
        self.select_all_bar = SelectAllBar(
            self.keeper, self._all_members, rows_noun=("member", "members")
        )
        toolbar = self.bulk.toolbar()
        self.remove_button = QPushButton("Remove from pool")
        self.remove_button.setObjectName("removeFromPool")
        self.remove_button.clicked.connect(self.remove_selected)
        toolbar.addWidget(self.remove_button)
        column.addWidget(self.members_title)
        column.addWidget(toolbar)
        column.addWidget(self.select_all_bar)
        column.addWidget(self.members, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(members)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.table.itemSelectionChanged.connect(self._pool_chosen)
        self.keeper.changed.connect(self._update_actions)
        self.reload()

    # ---- the pools list ---------------------------------------------------------------------
    def reload(self) -> None:
        """The pools at once (stored counts only); computed pools are counted in the
        background, and any count still running for the previous list is dropped."""
        chosen = self.current_pool_id()
        self.pools = list_pools(self.services, include_builtin=True, counted=False)
        self._generation += 1
        self.ops.cancel("count")
        self._pending = {pool.id for pool in self.pools if pool.kind != STATIC}
        self._found = {}
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.pools))
        for row, pool in enumerate(self.pools):
            counted = pool.id not in self._pending
            members = QTableWidgetItem(f"{pool.members:,}" if counted else COUNTING)
            members.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            name = QTableWidgetItem(pool.name)
            name.setData(POOL_ID_ROLE, pool.id)
            name.setData(POOL_KIND_ROLE, pool.kind)
            if pool.editable:
                name.setToolTip("Drop resume files or candidates here to add them to this pool")
            elif pool.kind == SMART:
                name.setToolTip(f"Everyone matching “{pool.query}”, always current")
            description = pool.description or (f"Search: {pool.query}" if pool.query else "")
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, members)
            self.table.setItem(row, 2, QTableWidgetItem(KIND_LABELS.get(pool.kind, pool.kind)))
            self.table.setItem(row, 3, QTableWidgetItem(description))
        self.table.blockSignals(False)
        self._fit_pools()
        self._show_totals()
        if self._pending:
            self._count([pool.id for pool in self.pools if pool.id in self._pending])
        if chosen is not None and self.select_pool(chosen):
            return
        self._pool_chosen()

    def _count(self, pool_ids: list[int]) -> None:
        services, generation = self.services, self._generation

        def counted(found: tuple[int, list[int] | None]) -> None:
            self._counted(generation, *found)

        def failed(error: BaseException) -> None:  # count_pools itself goes on past failures
            log.error("counting pools failed: %s", error)
            for pool_id in list(self._pending):
                self._counted(generation, pool_id, None)

        self.ops.query(
            "count",
            lambda report: count_pools(services, pool_ids, report),
            lambda _none: None,
            failed,
            on_progress=counted,
        )

    @property
    def counting(self) -> bool:
        """Whether computed pools are still being counted."""
        return bool(self._pending)

    def _counted(self, generation: int, pool_id: int, found: list[int] | None) -> None:
        if generation != self._generation or pool_id not in self._pending:
            return  # a count for a list that has since been reloaded
        self._pending.discard(pool_id)
        if found is not None:
            self._found[pool_id] = found
        for row, pool in enumerate(self.pools):
            if pool.id == pool_id:
                self.pools[row] = dataclasses.replace(pool, members=len(found or ()))
                item = self.table.item(row, 1)
                item.setText(f"{len(found):,}" if found is not None else "?")
                item.setToolTip("" if found is not None else "Could not be counted; see the log.")
        self._show_totals()
        if self.current_pool_id() == pool_id:
            self._pool_chosen()  # its members were waiting for this

    def _show_totals(self) -> None:
        stored = [pool for pool in self.pools if pool.kind != BUILTIN]
        waiting = any(pool.id in self._pending for pool in stored)
        people = COUNTING if waiting else f"{sum(pool.members for pool in stored):,}"
        self.header.subtitle.setText(
            f"{len(stored)} pools · {people} members · built-in pools are computed"
        )

    def select_pool(self, pool_id: int) -> bool:
        for row, pool in enumerate(self.pools):
            if pool.id == pool_id:
                self.table.selectRow(row)
                self._pool_chosen()
                return True
        return False

    def current_pool(self) -> PoolRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.pools[rows[0].row()] if rows and rows[0].row() < len(self.pools) else None

    def current_pool_id(self) -> int | None:
        pool = self.current_pool()
        return pool.id if pool else None

    def _fit_pools(self) -> None:
        """Tall enough for every pool, the built-in ones included, without scrolling (up to
        `FITTED_POOL_ROWS`; a longer list scrolls)."""
        rows = min(self.table.rowCount(), FITTED_POOL_ROWS)
        height = sum(self.table.rowHeight(row) for row in range(rows))
        height += self.table.horizontalHeader().sizeHint().height()
        height += 2 * self.table.frameWidth()
        if self.table.horizontalScrollBar().isVisible():
            height += self.table.horizontalScrollBar().sizeHint().height()
        self.table.setMinimumHeight(height)

    def _pool_chosen(self) -> None:
        """Show the chosen pool's members: a computed pool's once the worker has found them
        (paging from those ids), so choosing one never computes it on the GUI thread."""
        pool = self.current_pool()
        self.members.setColumnHidden(RUNNER_UP_COLUMN, pool is None or pool.id != SILVER_MEDALISTS)
        if pool is not None and pool.id in self._pending:
            if self._kept is None and self.members_model.pool_id == pool.id:
                self._kept = (pool.id, self.keeper.place())  # back once it is counted
            self.members_model.show_pool(None)
            self.members_title.setText(f"{pool.name} · finding members {COUNTING}")
            return
        found = self._found.get(pool.id) if pool is not None else None
        kept, self._kept = self._kept, None
        if pool is not None and (kept is None or kept[0] != pool.id):
            shown = self.members_model.pool_id == pool.id  # the same pool, read again
            kept = (pool.id, self.keeper.place()) if shown else None
        if pool is not None and kept is not None:
            with self.keeper.keeping_place(kept[1]):
                self.members_model.show_pool(pool.id, found)
        else:
            self.members_model.show_pool(pool.id if pool else None, found)
        if pool is None:
            self.members_title.setText("Choose a pool to see its members.")
        else:
            self.members_title.setText(f"{pool.name} · {self.members_model.total:,} members")

    # ---- members ----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """The members selected by hand (the loaded ones, when all are selected)."""
        return self.keeper.selected_ids()

    def selection(self) -> Selection:
        """The selected members, or every member of the pool (Ctrl+A): a computed pool's
        are known already, a static pool's are read off the GUI thread."""
        model, pool = self.members_model, self.current_pool()
        if not self.keeper.all_matching or pool is None:
            return Selection(ids=tuple(self.selected_ids()))
        known = model.member_ids
        if known is None and not model.canFetchMore():
            known = [member.candidate_id for member in model.rows]
        if known is not None:
            return Selection(ids=tuple(known))
        services, pool_id = self.services, pool.id
        return Selection(find_all=lambda: member_ids(services, pool_id), expected=model.total)

    def _all_members(self) -> tuple[int, str]:
        """How many members the chosen pool has, and how to say it, for the select-all bar."""
        pool, total = self.current_pool(), self.members_model.total
        name = pool.name if pool else "the pool"
        return total, f"{counted(total, 'member')} of {name}"

    def source_label(self) -> str:
        pool = self.current_pool()
        return f"Pool: {pool.name}" if pool else "Talent pool"

    def _update_actions(self) -> None:
        self.bulk.update_enabled()
        pool = self.current_pool()
        chosen = self.selection().count and not self.bulk.busy
        self.remove_button.setEnabled(bool(pool and pool.editable and chosen))

    def _context_menu(self, point: QPoint) -> None:
        index = self.members.indexAt(point)
        if not index.isValid():
            return
        if not self.members.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.members.selectRow(index.row())
        self.bulk.menu(self).exec(self.members.viewport().mapToGlobal(point))

    def add_dropped(self, pool_id: int, candidate_ids: list[int]) -> None:
        """Candidates dragged onto a pool's row."""
        self.select_pool(pool_id)
        self.bulk.add_to_pool(pool_id, candidate_ids)

    def remove_selected(self) -> None:
        """Take the selection (every member, after Ctrl+A) out of the chosen static pool."""
        pool = self.current_pool()
        if pool is None or not self.selection().count:
            return

        def remove(ids: list[int]) -> None:
            try:
                done = remove_members(self.services, pool.id, ids)
            except ValidationError as exc:
                self.bulk.notice.emit("; ".join(exc.errors.values()))
                return
            removed = counted(int(done.value), "member")
            self.bulk.notice.emit(f"Removed {removed} from {pool.name}.")
            self.bulk.changes_made.emit(done.changes)

        self.bulk.act_on_selection(remove)

    def on_changes(self, changes: Changes) -> None:
        """Reload now if shown; a hidden section only notes it, so a bulk import's stream of
        changes does not read the pools on the GUI thread once per batch."""
        if changes.external or changes.touches(*self.shows):
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
