"""The Campaigns section. Campaigns are not stored yet, so it explains what will live here."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.widgets import EmptyState, SectionHeader, section_layout


class CampaignsSection(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = section_layout(self)
        layout.addWidget(SectionHeader("Campaigns", "Nurture emails and sequences to your pools"))
        layout.addWidget(
            EmptyState(
                "No campaigns yet",
                "Campaigns send branded emails and drip sequences to talent pools from a "
                "background dispatcher. Sending needs an SMTP account; its password is kept "
                "in the system keyring, never in the database.",
            ),
            1,
        )
