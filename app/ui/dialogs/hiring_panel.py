"""The profile's "Offers and placements": what the candidate was offered and where they were
placed, with New offer…, Placement…, Edit… and the offer's answer (accepted, declined,
withdrawn). Every save goes on the window's undo stack; the timeline shows each one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.services.core.context import Outcome, ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.hiring import ApplicationInfo, applications_of
from app.services.pipeline.offers import (
    OfferInput,
    OfferRow,
    latest_offer,
    list_offers,
    record_offer,
    set_offer_status,
    update_offer,
)
from app.services.pipeline.onboarding import checks_line, checks_of
from app.services.pipeline.placement_report import list_placements
from app.services.pipeline.placements import (
    PlacementInput,
    PlacementRow,
    record_placement,
    terms_from_offer,
    update_placement,
)
from app.store.enums import OfferStatus
from app.ui.dialogs.offer_dialog import OfferDialog
from app.ui.dialogs.placement_dialog import PlacementDialog
from app.ui.dialogs.terms_commands import (
    offer_edited,
    offer_recorded,
    placement_edited,
    placement_recorded,
)

ROW_ROLE = Qt.ItemDataRole.UserRole
ANSWERS = (
    (OfferStatus.ACCEPTED, "Accepted"),
    (OfferStatus.DECLINED, "Declined"),
    (OfferStatus.WITHDRAWN, "Withdrawn"),
)


def offer_line(offer: OfferRow, today: dt.date) -> str:
    where = f"{offer.application.job_title} at {offer.application.client_name}"
    parts = [f"Offer · {where}", offer.amount_text]
    if offer.terms.start_date:
        parts.append(f"start {offer.terms.start_date:%Y-%m-%d}")
    status = offer.status_text(today)
    if offer.status is OfferStatus.EXTENDED and offer.terms.expires_on:
        status += f" (until {offer.terms.expires_on:%Y-%m-%d})"
    return " · ".join((*parts, status))


def placement_line(placement: PlacementRow) -> str:
    terms = placement.terms
    where = f"{placement.application.job_title} at {placement.application.client_name}"
    parts = [f"Placed · {where}", placement.type_text, placement.pay_text]
    if terms.start_date:
        parts.append(f"starts {terms.start_date:%Y-%m-%d}")
    parts.append(f"fee {placement.fee_text}")
    if terms.guarantee_ends_on:
        parts.append(f"guarantee until {terms.guarantee_ends_on:%Y-%m-%d}")
    return " · ".join(p for p in parts if p)


class HiringPanel(QGroupBox):
    """A candidate's offers and placements. ``saved`` hears each write's outcome (the
    profile records it and calls `reload`, with its timeline); ``publish`` hears what an
    undo or redo changed."""

    def __init__(
        self,
        services: ServiceContext,
        candidate_id: int,
        saved: Callable[[Outcome[Any]], None],
        publish: Callable[[Changes], None],
        notify: Callable[[str], None],
        undo_stack: QUndoStack | None,
        parent: QWidget | None = None,
    ):
        super().__init__("Offers and placements", parent)
        self.services = services
        self.candidate_id = candidate_id
        self.saved, self.publish, self.notify = saved, publish, notify
        self.undo_stack = undo_stack
        self.today = dt.date.today()
        column = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("profile_hiring")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemActivated.connect(lambda _item: self.edit_selected())
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()  # one row under the list
        self.offer_button = self._button("new_offer_button", "Offer…", self.new_offer)
        self.placement_button = self._button(
            "new_placement_button", "Placement…", self.new_placement
        )
        self.edit_button = self._button("edit_terms_button", "Edit…", self.edit_selected)
        self.answer_button = self._button("offer_answer_button", "Answer", lambda: None)
        menu = QMenu(self.answer_button)
        for status, label in ANSWERS:
            action = menu.addAction(label)
            action.triggered.connect(lambda _c=False, status=status: self.answer(status))
        self.answer_button.setMenu(menu)
        for button in (
            self.offer_button,
            self.placement_button,
            self.edit_button,
            self.answer_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.applications: list[ApplicationInfo] = []

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # ---- showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        self.applications = applications_of(self.services, self.candidate_id)
        offers = list_offers(self.services, candidate_id=self.candidate_id)
        placements = list_placements(self.services, candidate_id=self.candidate_id)
        self.list.clear()
        for placement in placements:
            self._add(placement_line(placement), placement)
        for offer in offers:
            self._add(offer_line(offer, self.today), offer)
        for application in self.applications:  # a hire's onboarding checks, to read only
            checks = checks_of(self.services, application.application_id)
            if checks:
                line = QListWidgetItem(checks_line(checks))
                line.setToolTip(line.text())
                line.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.list.addItem(line)
        if not self.list.count():
            self.list.addItem(QListWidgetItem("No offer or placement yet"))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.list.setCurrentRow(0)
        self.offer_button.setEnabled(bool(self.applications))
        self.placement_button.setEnabled(bool(self._unplaced(placements)))
        self._update_buttons()

    def _add(self, text: str, row: OfferRow | PlacementRow) -> None:
        item = QListWidgetItem(text)
        item.setData(ROW_ROLE, row)
        item.setToolTip(text)
        self.list.addItem(item)

    def _unplaced(self, placements: list[PlacementRow]) -> list[ApplicationInfo]:
        placed = {p.application.application_id for p in placements}
        return [a for a in self.applications if a.application_id not in placed]

    def selected(self) -> OfferRow | PlacementRow | None:
        item = self.list.currentItem()
        row = item.data(ROW_ROLE) if item is not None else None
        return row if isinstance(row, OfferRow | PlacementRow) else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        open_offer = isinstance(row, OfferRow) and row.status is OfferStatus.EXTENDED
        self.answer_button.setEnabled(open_offer)

    # ---- acting -----------------------------------------------------------------------------
    def _choose(self, choices: list[ApplicationInfo], what: str) -> ApplicationInfo | None:
        """The application an offer or placement is for: asked only when there are several."""
        if len(choices) <= 1:
            return choices[0] if choices else None
        labels = [f"{a.job_title} at {a.client_name}" for a in choices]
        label, ok = QInputDialog.getItem(self, what, "For which job?", labels, 0, False)
        return choices[labels.index(label)] if ok else None

    def _push(self, command: QUndoCommand) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(command)

    def _done(self, outcome: Outcome[Any]) -> None:
        self.saved(outcome)

    def new_offer(self) -> None:
        application = self._choose(self.applications, "New offer")
        if application is None:
            return
        saved: list[OfferInput] = []

        def write(data: OfferInput) -> Outcome[int]:
            saved.append(data)
            return record_offer(self.services, application.application_id, data)

        title = f"Offer for {application.job_title}"
        dialog = OfferDialog(title, write, today=self.today, parent=self)
        if dialog.exec() and dialog.outcome is not None:
            self._push(
                offer_recorded(
                    self.services,
                    application.application_id,
                    dialog.outcome.value,
                    saved[-1],
                    self.publish,
                    self.notify,
                    title,
                )
            )
            self._done(dialog.outcome)

    def new_placement(self) -> None:
        placements = list_placements(self.services, candidate_id=self.candidate_id)
        application = self._choose(self._unplaced(placements), "New placement")
        if application is None:
            return
        saved: list[PlacementInput] = []

        def write(data: PlacementInput) -> Outcome[int]:
            saved.append(data)
            return record_placement(self.services, application.application_id, data)

        title = f"Placement at {application.client_name}"
        initial = terms_from_offer(latest_offer(self.services, application.application_id))
        dialog = PlacementDialog(title, write, initial, today=self.today, parent=self)
        if dialog.exec() and dialog.outcome is not None:
            self._push(
                placement_recorded(
                    self.services,
                    application.application_id,
                    dialog.outcome.value,
                    saved[-1],
                    self.publish,
                    self.notify,
                    title,
                )
            )
            self._done(dialog.outcome)

    def edit_selected(self) -> None:
        row = self.selected()
        if isinstance(row, OfferRow):
            offer_id = row.id
            offer_dialog = OfferDialog(
                "Edit offer",
                lambda data: update_offer(self.services, offer_id, data),
                row.terms,
                today=self.today,
                parent=self,
            )
            if offer_dialog.exec() and offer_dialog.outcome is not None:
                edit = offer_dialog.outcome.value
                if edit.before != edit.after:
                    self._push(
                        offer_edited(self.services, edit, self.publish, self.notify, "Edit offer")
                    )
                self._done(offer_dialog.outcome)
        elif isinstance(row, PlacementRow):
            placement_id = row.id
            placement_dialog = PlacementDialog(
                "Edit placement",
                lambda data: update_placement(self.services, placement_id, data),
                row.terms,
                today=self.today,
                parent=self,
            )
            if placement_dialog.exec() and placement_dialog.outcome is not None:
                change = placement_dialog.outcome.value
                if change.before != change.after:
                    text = "Edit placement"
                    self._push(
                        placement_edited(self.services, change, self.publish, self.notify, text)
                    )
                self._done(placement_dialog.outcome)

    def answer(self, status: OfferStatus) -> None:
        row = self.selected()
        if not isinstance(row, OfferRow):
            return
        try:
            done = set_offer_status(self.services, row.id, status)
        except (ValidationError, NotFoundError) as error:
            reason = (
                "; ".join(error.errors.values()) if isinstance(error, ValidationError) else error
            )
            self.notify(str(reason))
            return
        text = f"Offer {status.value}"
        self._push(offer_edited(self.services, done.value, self.publish, self.notify, text))
        self._done(done)
