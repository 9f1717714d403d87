"""New talent pool dialog: a static pool, or a smart pool (a saved search).

A smart pool's search shows, as it is typed, how many candidates it finds now — or what the
Candidates search box would say about it, since such a query is refused on Save. The count
waits for typing to pause (`PREVIEW_DELAY_MS`) and runs on a worker thread (a one-letter
search at 100,000 candidates takes a tenth of a second); only the newest count is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.services.candidates.pools import PoolInput, SmartPreview, preview_smart_pool, save_pool
from app.services.core.context import Outcome, ServiceContext
from app.ui.background import BackgroundOps
from app.ui.dialogs.form import FormDialog
from app.ui.theme import set_invalid

PREVIEW_DELAY_MS = 300
COUNTING = "Counting…"


def preview_text(preview: SmartPreview) -> str:
    """ "Finds 1,234 candidates now", "Finds 1 candidate now", "Finds nobody yet"."""
    if preview.problem:
        return preview.problem
    count = preview.members
    if count is None:
        return ""
    if count == 0:
        return "Finds nobody yet; the pool fills as matching candidates arrive."
    return f"Finds {count:,} candidate{'s' if count != 1 else ''} now; the pool stays current."


class NewPoolDialog(FormDialog):
    def __init__(
        self,
        services: ServiceContext,
        smart: bool,
        parent: QWidget | None = None,
    ):
        super().__init__("New smart pool" if smart else "New pool", parent)
        self.services = services
        self.smart = smart
        self.preview_result: SmartPreview | None = None  # the count for the query as typed
        self.name = self.add_field("name", "Name", QLineEdit(), required=True)
        self.name.setPlaceholderText("e.g. Python engineers in Berlin")
        self.query = QLineEdit()
        self.preview = QLabel()
        self.preview.setObjectName("poolPreview")
        self.preview.setWordWrap(True)
        self.preview.hide()
        self.ops = BackgroundOps(self)  # the live count
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.count_now)
        if smart:
            self.add_field("query", "Search", self.query, required=True)
            self.query.setPlaceholderText("words to search for, as in the Candidates search box")
            self.form.addRow("", self.preview)
            self.query.textChanged.connect(self._query_changed)
        self.description = self.add_field("description", "Description", QLineEdit())
        self.watch(self.name.textChanged, self.query.textChanged)

    # ---- the live count ------------------------------------------------------------------
    def _query_changed(self, text: str) -> None:
        self.preview_result = None
        if not text.strip():
            self._timer.stop()
            self.ops.cancel("count")  # a count still on its way is not wanted
            self._show_line("")
            return
        self._show_line(COUNTING)
        self._timer.start()

    def count_now(self) -> None:
        """Count the members of the query as typed, on a worker thread."""
        self._timer.stop()
        services, query = self.services, self.query.text()
        self.ops.query(
            "count",
            lambda: preview_smart_pool(services, query),
            self._show_preview,
            lambda error: self._show_line(f"Could not count: {error}"),
        )

    def _show_preview(self, preview: SmartPreview) -> None:
        if self._timer.isActive():
            return  # typed again since: a newer count follows
        self.preview_result = preview
        self._show_line(preview_text(preview), problem=bool(preview.problem))

    def _show_line(self, text: str, *, problem: bool = False) -> None:
        self.preview.setText(text)
        self.preview.setProperty("role", "error" if problem else "muted")
        self.preview.style().unpolish(self.preview)
        self.preview.style().polish(self.preview)
        said_below = bool(self.error_text("query")) and text == self.error_text("query")
        self.preview.setVisible(bool(text) and not said_below)
        set_invalid(self.query, problem or bool(self.error_text("query")))

    def show_errors(self, errors: Mapping[str, str], focus_first: bool = False) -> None:
        super().show_errors(errors, focus_first)
        if self.smart and errors.get("query") == self.preview.text():
            self.preview.hide()  # the same problem, said under the field already

    # ---- saving --------------------------------------------------------------------------
    def collect(self) -> PoolInput:
        return PoolInput(
            name=self.name.text(),
            description=self.description.text(),
            query=self.query.text() if self.smart else None,
            smart=self.smart,
        )

    def save(self, data: PoolInput) -> Outcome[Any]:
        return save_pool(self.services, data)
