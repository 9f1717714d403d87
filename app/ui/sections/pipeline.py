"""The Pipeline section: how many candidates stand at each stage across all open jobs."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QWidget

from app.services.context import ServiceContext
from app.services.stats import pipeline_summary
from app.services.unit_of_work import Changes
from app.store.models import StageKind
from app.ui.widgets import MetricCard, SectionHeader, section_layout


class PipelineSection(QWidget):
    def __init__(self, services: ServiceContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        layout = section_layout(self)
        self.header = SectionHeader("Pipeline", "")
        layout.addWidget(self.header)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.cards: dict[str, MetricCard] = {}
        self.reload()

    def reload(self) -> None:
        summary = pipeline_summary(self.services)
        total = sum(count for _name, _kind, count in summary.stages) or 1
        for position, (name, kind, count) in enumerate(summary.stages):
            card = self.cards.get(name)
            if card is None:
                card = MetricCard(name)
                self.cards[name] = card
                self.grid.addWidget(card, position // 4, position % 4)
            note = "ended" if kind in (StageKind.REJECTED, StageKind.WITHDRAWN) else "in stage"
            card.set_value(f"{count:,}", f"{count / total:.0%} of applications · {note}")
        self.header.subtitle.setText(f"Applications by stage across {summary.open_jobs} open jobs")

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("jobs", "applications", "stages"):
            self.reload()
