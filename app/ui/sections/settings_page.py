"""The Settings section: appearance, resume import, the email account and branding, and
where this installation keeps its files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.parsing.regions import DEFAULT_REGIONS
from app.services.core.changes import ChangeKind
from app.settings import THEMES
from app.ui.file_dialogs import remember_folder, start_folder
from app.ui.widgets import SectionHeader, section_layout

if TYPE_CHECKING:
    from app.mail.secrets import PasswordStore
    from app.services.core.changes import Changes
    from app.services.core.context import ServiceContext
    from app.ui.mailbox_runtime import MailboxRuntime
    from app.ui.sections.holidays_panel import HolidaysPanel
    from app.ui.sections.mail_settings import BrandingPanel, EmailAccountPanel
    from app.ui.sections.mailbox_panel import MailboxPanel

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


REGIONS = DEFAULT_REGIONS


class SettingsSection(QWidget):
    theme_changed = Signal(str)
    backup_requested = Signal()
    maintenance_requested = Signal()  # merge the index, VACUUM: the window's DatabaseCare
    region_changed = Signal(str)
    inbox_changed = Signal(str)
    changes_made = Signal(object)  # Changes saved by the email panels, for the broadcast
    mail_account_changed = Signal()  # the mail account or its password changed
    shows = frozenset({ChangeKind.MAIL_ACCOUNT, ChangeKind.BRANDING, ChangeKind.MAILBOX})
    shows = frozenset({ChangeKind.MAIL_ACCOUNT, ChangeKind.BRANDING, ChangeKind.HOLIDAYS})

    def __init__(
        self,
        theme: str,
        locations: dict[str, Path],
        parent: QWidget | None = None,
        region: str = "US",
        inbox: str = "",
        services: ServiceContext | None = None,
        passwords: PasswordStore | None = None,
        mailbox: MailboxRuntime | None = None,
    ):
        super().__init__(parent)
        self.mailbox_runtime = mailbox
        outer = section_layout(self)
        outer.addWidget(SectionHeader("Settings", "Appearance, email and data"))
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(14)

        appearance = QGroupBox("Appearance")
        form = QFormLayout(appearance)
        self.theme = QComboBox()
        self.theme.setObjectName("themeCombo")
        for mode in THEMES:
            self.theme.addItem(THEME_LABELS[mode], mode)
        self.theme.setCurrentIndex(self.theme.findData(theme))
        self.theme.currentIndexChanged.connect(
            lambda _i: self.theme_changed.emit(self.theme.currentData())
        )
        form.addRow("Theme", self.theme)
        layout.addWidget(appearance)

        intake = QGroupBox("Resume import")
        intake_form = QFormLayout(intake)
        self.region = QComboBox()
        self.region.setObjectName("regionCombo")
        for code, name in REGIONS:
            self.region.addItem(f"{name} ({code})", code)
        if self.region.findData(region) < 0:
            self.region.addItem(region, region)
        self.region.setCurrentIndex(self.region.findData(region))
        self.region.currentIndexChanged.connect(
            lambda _i: self.region_changed.emit(self.region.currentData())
        )
        intake_form.addRow("Phone numbers without a country code are from", self.region)
        inbox_row = QHBoxLayout()
        self.inbox = QLabel(inbox or "Not watched")
        self.inbox.setObjectName("inboxFolder")
        self.inbox.setProperty("role", "muted")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_inbox)
        stop = QPushButton("Stop watching")
        stop.clicked.connect(lambda: self.set_inbox(""))
        inbox_row.addWidget(self.inbox, 1)
        inbox_row.addWidget(choose)
        inbox_row.addWidget(stop)
        intake_form.addRow("Inbox folder (new files are imported)", inbox_row)
        layout.addWidget(intake)

        self.email_panel: EmailAccountPanel | None = None
        self.branding_panel: BrandingPanel | None = None
        self.mailbox_panel: MailboxPanel | None = None
        self.holidays_panel: HolidaysPanel | None = None
        if services is not None:
            self._add_mail_panels(layout, services, passwords)
            # Deferred: start-up time (as the mail panels).
            from app.ui.sections.holidays_panel import HolidaysPanel

            self.holidays_panel = HolidaysPanel(services)
            self.holidays_panel.changes_made.connect(self.changes_made)
            layout.addWidget(self.holidays_panel)

        data = QGroupBox("Data")
        data_form = QFormLayout(data)
        for label, path in locations.items():
            value = QLabel(str(path))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setProperty("role", "muted")
            data_form.addRow(label, value)
        buttons = QHBoxLayout()
        backup = QPushButton("Back up database…")
        backup.setObjectName("backupButton")
        backup.clicked.connect(self.backup_requested)
        buttons.addWidget(backup)
        compact = QPushButton("Compact database…")
        compact.setObjectName("compactButton")
        compact.setToolTip(
            "Merge the search index and give free space inside the file back to the disk; "
            "shows the size before and after"
        )
        compact.clicked.connect(self.maintenance_requested)
        buttons.addWidget(compact)
        buttons.addStretch(1)
        data_form.addRow("", buttons)
        layout.addWidget(data)
        layout.addStretch(1)

    def _add_mail_panels(
        self, layout: QVBoxLayout, services: ServiceContext, passwords: PasswordStore | None
    ) -> None:
        # Deferred: start-up time (the mail modules stay off it when Settings is shown first).
        from app.mail.secrets import PasswordStore

        # Deferred: start-up time (as above).
        from app.ui.sections.mail_settings import BrandingPanel, EmailAccountPanel

        if passwords is None:
            passwords = PasswordStore()
        self.email_panel = EmailAccountPanel(services, passwords)
        self.email_panel.changes_made.connect(self.changes_made)
        self.email_panel.account_changed.connect(self.mail_account_changed)
        layout.addWidget(self.email_panel)
        self.branding_panel = BrandingPanel(services)
        self.branding_panel.changes_made.connect(self.changes_made)
        layout.addWidget(self.branding_panel)
        # Deferred: start-up time (as above).
        from app.ui.sections.users_panel import UsersPanel

        self.users_panel = UsersPanel(services)
        self.users_panel.changes_made.connect(self.changes_made)
        layout.addWidget(self.users_panel)
        # Deferred: start-up time (as above).
        from app.ui.sections.mailbox_panel import MailboxPanel

        runtime = self.mailbox_runtime
        self.mailbox_panel = MailboxPanel(services, runtime.passwords if runtime else None)
        self.mailbox_panel.changes_made.connect(self.changes_made)
        if runtime is not None:
            self.mailbox_panel.settings_saved.connect(runtime.settings_saved)
            self.mailbox_panel.poll_requested.connect(runtime.poll_now)
            runtime.report.connect(lambda _report: self._mailbox_polled())
        layout.addWidget(self.mailbox_panel)

    def _mailbox_polled(self) -> None:
        if self.mailbox_panel is not None:
            self.mailbox_panel.refresh_status()

    def on_changes(self, changes: Changes) -> None:
        """Show the account and branding saved elsewhere (another window or computer) —
        unless the recruiter is in the middle of editing them here."""
        for panel, kind in (
            (self.email_panel, ChangeKind.MAIL_ACCOUNT),
            (self.branding_panel, ChangeKind.BRANDING),
        ):
            if (
                panel is not None
                and changes.touches(kind, ChangeKind.EXTERNAL)
                and not panel.edited
            ):
                panel.reload()
        mailbox = self.mailbox_panel
        if mailbox is not None and changes.touches(ChangeKind.MAILBOX, ChangeKind.EXTERNAL):
            if mailbox.edited:
                mailbox.refresh_status()
            else:
                mailbox.reload()
        if self.holidays_panel is not None and changes.touches(
            ChangeKind.HOLIDAYS, ChangeKind.EXTERNAL
        ):
            self.holidays_panel.reload()

    def _choose_inbox(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder to watch for new resumes", start_folder(self, "inbox")
        )
        if folder:
            remember_folder(self, "inbox", Path(folder).parent)
            self.set_inbox(folder)

    def set_inbox(self, folder: str) -> None:
        self.inbox.setText(folder or "Not watched")
        self.inbox_changed.emit(folder)
