"""The Privacy section: the retention review queue (who the rules found, to erase or keep for
a while) and the retention rules themselves. Scans, decisions and reads run off the GUI
thread; nothing is erased without a person choosing it here and confirming.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.candidates.retention import (
    KINDS,
    ReviewRow,
    RuleRow,
    erase_reviewed,
    keep,
    list_rules,
    review_queue,
    save_rule,
    scan,
)
from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.ui.background import BackgroundOps
from app.ui.messages import confirm_destructive, reason, say
from app.ui.widgets import SectionHeader, section_layout
from app.wording import plural

KEEP_DAYS = 182  # "Keep 6 months"
ERASE_BUTTON = "confirm_retention_erase"


class PrivacySection(QWidget):
    """See the module docstring."""

    changes_made = Signal(object)  # Changes
    profile_requested = Signal(int)
    shows = frozenset({ChangeKind.CANDIDATES})

    def __init__(
        self,
        services: ServiceContext,
        documents_dir: Path | None = None,
        backups_dir: Path | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.documents_dir = documents_dir
        self.backups_dir = backups_dir
        self.ops = BackgroundOps(self)
        self.queue: list[ReviewRow] = []
        self.rules: list[RuleRow] = []
        layout = section_layout(self)
        self.header = SectionHeader("Privacy", "Retention reviews and rules")
        self.scan_button = QPushButton("Scan now")
        self.scan_button.setObjectName("retentionScan")
        self.scan_button.setToolTip("List everyone the enabled rules find (nothing is deleted)")
        self.scan_button.clicked.connect(self.scan_now)
        self.header.add_action(self.scan_button)
        layout.addWidget(self.header)
        self.status = QLabel()
        self.status.setObjectName("privacyStatus")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        self.status.hide()
        layout.addWidget(self.status)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_queue(), "Review queue")
        self.tabs.addTab(self._build_rules(), "Retention rules")
        layout.addWidget(self.tabs, 1)
        self.reload()

    # -- building --

    def _build_queue(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.queue_table = QTableWidget(0, 4)
        self.queue_table.setObjectName("retentionQueue")
        self.queue_table.setHorizontalHeaderLabels(["Candidate", "Rule", "Why", "Found"])
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_table.verticalHeader().hide()
        header = self.queue_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.queue_table.doubleClicked.connect(self._open_profile)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton("Keep 6 months")
        self.keep_button.setObjectName("retentionKeep")
        self.keep_button.clicked.connect(self.keep_selected)
        self.erase_button = QPushButton("Erase…")
        self.erase_button.setObjectName("retentionErase")
        self.erase_button.setProperty("role", "danger")
        self.erase_button.clicked.connect(self.erase_selected)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.erase_button)
        box.addWidget(self.queue_table, 1)
        box.addLayout(buttons)
        return page

    def _build_rules(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.rules_table = QTableWidget(0, 3)
        self.rules_table.setObjectName("retentionRules")
        self.rules_table.setHorizontalHeaderLabels(["Rule", "Finds", "Enabled"])
        self.rules_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rules_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules_table.verticalHeader().hide()
        header = self.rules_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rules_table.itemSelectionChanged.connect(self._fill_rule_form)
        form = QFormLayout()
        self.rule_name = QLineEdit()
        self.rule_name.setObjectName("ruleName")
        self.rule_name.setPlaceholderText("e.g. Rejected two years ago")
        self.rule_kind = QComboBox()
        self.rule_kind.setObjectName("ruleKind")
        for kind, text in KINDS.items():
            self.rule_kind.addItem(f"{text} …", kind)
        self.rule_days = QSpinBox()
        self.rule_days.setObjectName("ruleDays")
        self.rule_days.setRange(0, 36_500)
        self.rule_days.setSuffix(" days")
        self.rule_days.setValue(730)
        form.addRow("Name", self.rule_name)
        form.addRow("Finds", self.rule_kind)
        form.addRow("Period", self.rule_days)
        actions = QHBoxLayout()
        self.new_rule_button = QPushButton("New rule")
        self.new_rule_button.clicked.connect(self._clear_rule_form)
        self.save_rule_button = QPushButton("Save rule")
        self.save_rule_button.setObjectName("saveRule")
        self.save_rule_button.setProperty("role", "primary")
        self.save_rule_button.clicked.connect(self.save_current_rule)
        self.enable_button = QPushButton("Disable")
        self.enable_button.clicked.connect(self.toggle_rule)
        actions.addStretch(1)
        for button in (self.new_rule_button, self.enable_button, self.save_rule_button):
            actions.addWidget(button)
        box.addWidget(self.rules_table, 1)
        box.addLayout(form)
        box.addLayout(actions)
        self.editing: int | None = None
        return page

    # -- reading --

    def reload(self) -> None:
        services = self.services
        self.ops.query(
            "load",
            lambda: (review_queue(services), list_rules(services)),
            self._show,
            lambda error: self._say(f"Could not read the privacy work: {reason(error)}", True),
        )

    def _show(self, loaded: tuple[list[ReviewRow], list[RuleRow]]) -> None:
        self.queue, self.rules = loaded
        self.queue_table.setRowCount(len(self.queue))
        for number, row in enumerate(self.queue):
            found = row.found_at.astimezone().strftime("%Y-%m-%d")
            for column, value in enumerate((row.candidate, row.rule, row.reason, found)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.queue_table.setItem(number, column, item)
        self.rules_table.setRowCount(len(self.rules))
        for number, rule in enumerate(self.rules):
            values = (rule.name, rule.describe(), "Yes" if rule.enabled else "No")
            for column, value in enumerate(values):
                self.rules_table.setItem(number, column, QTableWidgetItem(value))
        waiting = plural(len(self.queue), "person", "people")
        enabled = sum(rule.enabled for rule in self.rules)
        self.header.subtitle.setText(
            f"{waiting} waiting for a decision · {plural(enabled, 'rule')} enabled"
            if self.rules
            else "No retention rules yet: add one under Retention rules, then scan"
        )

    def _say(self, text: str, error: bool = False) -> None:
        say(self.status, text, error)
        self.status.setVisible(bool(text))

    def on_changes(self, changes: Changes) -> None:
        self.reload()

    # -- the queue --

    def selected_reviews(self) -> list[int]:
        rows = {index.row() for index in self.queue_table.selectionModel().selectedRows()}
        return [self.queue[row].id for row in sorted(rows)]

    def _open_profile(self, index: Any) -> None:
        if 0 <= index.row() < len(self.queue):
            self.profile_requested.emit(self.queue[index.row()].candidate_id)

    def _write(self, name: str, work: Any, said: str) -> None:
        def done(_value: Any) -> None:
            self.reload()
            self._say(said)

        self.ops.write(
            name, work, done, lambda error: self._say(reason(error), True), self.changes_made.emit
        )

    def scan_now(self) -> None:
        services = self.services
        self._say("Scanning…")

        def done(added: Any) -> None:
            self.reload()
            self._say(f"{plural(added.value, 'person', 'people')} newly listed.")

        self.ops.write(
            "scan",
            lambda: scan(services),
            done,
            lambda error: self._say(reason(error), True),
            self.changes_made.emit,
        )

    def keep_selected(self) -> None:
        reviews = self.selected_reviews()
        if not reviews:
            self._say("Select the people to keep.")
            return
        services = self.services
        until = dt.date.today() + dt.timedelta(days=KEEP_DAYS)
        self._write("keep", lambda: keep(services, reviews, until), f"Kept until {until:%Y-%m-%d}.")

    def confirm_erase(self, count: int) -> bool:
        return confirm_destructive(
            self,
            "Erase personal data",
            f"Erase the personal data of {plural(count, 'person', 'people')} everywhere? "
            "This cannot be undone.",
            "Erase",
            ERASE_BUTTON,
        )

    def erase_selected(self) -> None:
        reviews = self.selected_reviews()
        if not reviews:
            self._say("Select the people to erase.")
            return
        people = len({self.queue[i].candidate_id for i in range(len(self.queue))
                      if self.queue[i].id in reviews})  # fmt: skip
        if not self.confirm_erase(people):
            return
        services, documents, backups = self.services, self.documents_dir, self.backups_dir
        self._say("Erasing…")
        self._write(
            "erase",
            lambda: erase_reviewed(services, reviews, documents, backups),
            f"Erased {plural(people, 'person', 'people')}.",
        )

    # -- the rules --

    def _fill_rule_form(self) -> None:
        rows = self.rules_table.selectionModel().selectedRows()
        if not rows:
            return
        rule = self.rules[rows[0].row()]
        self.editing = rule.id
        self.rule_name.setText(rule.name)
        self.rule_kind.setCurrentIndex(max(0, self.rule_kind.findData(rule.kind)))
        self.rule_days.setValue(rule.period_days)
        self.enable_button.setText("Disable" if rule.enabled else "Enable")

    def _clear_rule_form(self) -> None:
        self.editing = None
        self.rules_table.clearSelection()
        self.rule_name.clear()
        self.rule_days.setValue(730)
        self.enable_button.setText("Disable")

    def save_current_rule(self) -> None:
        services, editing = self.services, self.editing
        name, kind, days = (
            self.rule_name.text(),
            self.rule_kind.currentData(),
            self.rule_days.value(),
        )
        enabled = next((r.enabled for r in self.rules if r.id == editing), True)
        self._write(
            "rule",
            lambda: save_rule(services, name, kind, days, enabled, editing),
            f"Saved the rule {name.strip()!r}.",
        )

    def toggle_rule(self) -> None:
        rule = next((r for r in self.rules if r.id == self.editing), None)
        if rule is None:
            return
        services = self.services
        self._write(
            "rule",
            lambda: save_rule(
                services, rule.name, rule.kind, rule.period_days, not rule.enabled, rule.id
            ),
            f"{'Disabled' if rule.enabled else 'Enabled'} {rule.name!r}.",
        )
