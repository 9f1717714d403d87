"""The Campaigns section: the outbox, campaigns with their progress, sequences and templates.

Every email is an outbox row that the background dispatcher sends; this section shows where
each one is and lets the recruiter retry, cancel, pause or stop. It reloads when a use case
reports changes to what it shows and when the dispatcher reports a message's new state —
at most every half second, so a 1,000-message campaign does not reload 1,000 times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QTabWidget, QWidget

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.ui.campaigns.campaign_list import CampaignsPanel
from app.ui.campaigns.outbox import STATE_LABELS, OutboxPanel
from app.ui.campaigns.sequences import SequencesPanel
from app.ui.campaigns.templates import TemplatesPanel
from app.ui.dialogs.sequence_editor import SequenceEditorDialog
from app.ui.icons import IconProvider
from app.ui.widgets import EmptyState, SectionHeader, section_layout

if TYPE_CHECKING:
    from app.ui.mail_runtime import MailRuntime

OUTBOX_TAB, CAMPAIGNS_TAB, SEQUENCES_TAB, TEMPLATES_TAB = range(4)
# Which change kinds each panel shows (EXTERNAL: another process changed the database).
OUTBOX_KINDS = (ChangeKind.OUTBOX, ChangeKind.CAMPAIGNS, ChangeKind.EXTERNAL)
CAMPAIGN_KINDS = (
    ChangeKind.OUTBOX,
    ChangeKind.CAMPAIGNS,
    ChangeKind.ENROLLMENTS,
    ChangeKind.EXTERNAL,
)
SEQUENCE_KINDS = (
    ChangeKind.OUTBOX,
    ChangeKind.CAMPAIGNS,
    ChangeKind.ENROLLMENTS,
    ChangeKind.EMAIL_TEMPLATES,
    ChangeKind.EXTERNAL,
)
TEMPLATE_KINDS = (ChangeKind.EMAIL_TEMPLATES, ChangeKind.EXTERNAL)
NOT_WIRED = (
    "Campaigns send branded emails and drip sequences to talent pools from a background "
    "dispatcher. Sending needs an SMTP account; its password is kept in the system keyring, "
    "never in the database."
)


class CampaignsSection(QWidget):
    """``runtime`` is the window's `MailRuntime` (or None): its ``message_state_changed`` and
    ``problem`` signals are followed, and its ``wake()`` is called after a retry or resume."""

    changes_made = Signal(object)  # Changes made here, for the application's broadcast
    notice = Signal(str)  # a short result for the status bar
    open_profile = Signal(int)  # candidate id: a message or an enrolment double-clicked
    shows = frozenset(OUTBOX_KINDS + CAMPAIGN_KINDS + SEQUENCE_KINDS + TEMPLATE_KINDS) - {
        ChangeKind.EXTERNAL
    }

    def __init__(
        self,
        services: ServiceContext | None = None,
        icons: IconProvider | None = None,
        runtime: MailRuntime | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.runtime = runtime
        layout = section_layout(self)
        self.header = SectionHeader("Campaigns", "Nurture emails and sequences to your pools")
        if services is None:  # a window not wired for mail yet: say what lives here
            layout.addWidget(self.header)
            layout.addWidget(EmptyState("No campaigns yet", NOT_WIRED), 1)
            return
        self.new_sequence_button = QPushButton("New sequence…")
        self.new_sequence_button.setObjectName("newSequence")
        self.new_sequence_button.setProperty("role", "primary")
        if icons is not None:
            self.new_sequence_button.setIcon(icons.get("plus"))
        self.header.add_action(self.new_sequence_button)
        layout.addWidget(self.header)

        self.outbox = OutboxPanel(services, self.wake)
        self.campaigns = CampaignsPanel(services, self.wake)
        self.sequences = SequencesPanel(services)
        self.templates = TemplatesPanel(services)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("campaignTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.outbox, "Outbox")
        self.tabs.addTab(self.campaigns, "Campaigns")
        self.tabs.addTab(self.sequences, "Sequences")
        self.tabs.addTab(self.templates, "Templates")
        if icons is not None:
            for index, name in enumerate(("send", "bar-chart-3", "calendar", "mail")):
                self.tabs.setTabIcon(index, icons.get(name))
        layout.addWidget(self.tabs, 1)

        for panel in (self.outbox, self.campaigns, self.sequences, self.templates):
            panel.changes_made.connect(self._made)
            panel.notice.connect(self.notice)
        for panel in (self.outbox, self.campaigns, self.sequences):
            panel.open_profile.connect(self.open_profile)
        self.outbox.counts_changed.connect(self._show_counts)
        self._show_counts(self.outbox.counts)
        self.campaigns.show_messages.connect(self.show_campaign_messages)
        self.campaigns.edit_sequence.connect(self.edit_sequence)
        self.sequences.edit_sequence.connect(self.edit_sequence)
        self.sequences.new_sequence.connect(self.new_sequence)
        self.new_sequence_button.clicked.connect(self.new_sequence)
        if runtime is not None:
            runtime.message_state_changed.connect(self._message_state_changed)
            runtime.problem.connect(self.show_problem)
            if runtime.last_problem:  # reported before this section opened
                self.show_problem(runtime.last_problem)

    # ---- what the dispatcher reports --------------------------------------------------------
    def wake(self) -> None:
        """Tell the dispatcher there is mail to send now (after a retry, a resume…)."""
        if self.runtime is not None:
            self.runtime.wake()

    def _message_state_changed(self, _message_id: int = 0, state: str = "") -> None:
        if state == "sent":  # mail goes out again: whatever stopped it is over
            self.outbox.clear_problem()
        self.outbox.request_reload()
        self.campaigns.request_reload()
        self.sequences.request_reload()

    def show_problem(self, text: str) -> None:
        """A banner over the outbox for what stops sending ('' hides it)."""
        self.outbox.show_problem(text)

    # ---- changes ----------------------------------------------------------------------------
    def _made(self, changes: Changes) -> None:
        """A panel changed something: the other panels follow, then the window is told."""
        self.on_changes(changes)
        self.changes_made.emit(changes)

    def on_changes(self, changes: Changes) -> None:
        if self.services is None:
            return
        if changes.touches(*OUTBOX_KINDS):
            self.outbox.request_reload()
        if changes.touches(*CAMPAIGN_KINDS):
            self.campaigns.request_reload()
        if changes.touches(*SEQUENCE_KINDS):
            self.sequences.request_reload()
        if changes.touches(*TEMPLATE_KINDS):
            self.templates.request_reload()

    def _show_counts(self, counts: dict[str, int]) -> None:
        unknown = counts.get("unknown", 0)
        self.tabs.setTabText(OUTBOX_TAB, f"Outbox ({unknown:,} to check)" if unknown else "Outbox")
        parts = [
            f"{counts[state]:,} {STATE_LABELS[state].lower()}"
            for state in ("queued", "sending", "failed", "unknown")
            if counts.get(state)
        ]
        sent = counts.get("sent", 0)
        scope = f"Campaign “{self.outbox.campaign_name}”: " if self.outbox.campaign_id else ""
        summary = ", ".join([f"{sent:,} sent", *parts]) if any(counts.values()) else ""
        summary = summary or "Nothing sent yet"
        self.header.subtitle.setText(f"{scope}{summary}")

    # ---- navigation and dialogs --------------------------------------------------------------
    def show_campaign_messages(self, campaign_id: int, name: str) -> None:
        self.outbox.show_campaign(campaign_id, name)
        self.tabs.setCurrentIndex(OUTBOX_TAB)

    def new_sequence(self) -> None:
        self._sequence_dialog(None)

    def edit_sequence(self, campaign_id: int) -> None:
        self._sequence_dialog(campaign_id)

    def _sequence_dialog(self, campaign_id: int | None) -> None:
        dialog = SequenceEditorDialog(self.services, campaign_id, self)
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        changes = dialog.all_changes()
        if changes.ids:
            self.sequences.throttle.now()
            self.campaigns.throttle.now()
            self._made(changes)
        if accepted and dialog.outcome is not None:
            saved = campaign_id if campaign_id is not None else dialog.outcome.value
            if self.tabs.currentIndex() != CAMPAIGNS_TAB:
                self.tabs.setCurrentIndex(SEQUENCES_TAB)
                self.sequences.select_sequence(saved)
            else:
                self.campaigns.select_campaign(saved)
            self.notice.emit("Sequence saved." if campaign_id else "Sequence created.")
