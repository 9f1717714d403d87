"""Enter scorecard: one interviewer's ratings (1–5 per attribute of the job), recommendation
and notes, typed in by the recruiter from the interviewer's reply. Choosing an interviewer who
already returned one loads it, so saving replaces it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from app.services.core.context import Outcome, ServiceContext
from app.services.pipeline.interview_list import get_interview
from app.services.pipeline.scorecards import (
    RECOMMENDATION_LABELS,
    ScorecardInput,
    ScorecardResult,
    job_scorecard,
    save_scorecard,
    scorecards_of_interviews,
)
from app.store.enums import Recommendation
from app.ui.dialogs.form import FormDialog

NOT_RATED = 0
RATING_LABELS = {
    NOT_RATED: "Not rated",
    1: "1 — poor",
    2: "2 — weak",
    3: "3 — fair",
    4: "4 — good",
    5: "5 — excellent",
}


class ScorecardDialog(FormDialog):
    def __init__(
        self,
        services: ServiceContext,
        interview_id: int,
        parent: QWidget | None = None,
        attendee_id: int | None = None,
    ):
        row = get_interview(services, interview_id)  # NotFoundError before any window shows
        super().__init__("Enter scorecard", parent)
        self.services = services
        self.interview_id = interview_id
        self.existing = {
            card.attendee_id: card
            for card in scorecards_of_interviews(services, [interview_id])[interview_id].cards
        }
        self.interviewer = QComboBox()
        for attendee in row.attendees:
            done = " (entered)" if attendee.id in self.existing else ""
            self.interviewer.addItem(attendee.name + done, attendee.id)
        self.add_field("attendee_id", "Interviewer", self.interviewer, required=True)
        self.ratings: dict[str, QComboBox] = {}
        for attribute in job_scorecard(services, row.job_id).attributes:
            combo = QComboBox()
            for rating, label in RATING_LABELS.items():
                combo.addItem(label, rating)
            self.ratings[attribute.name] = combo
            self.add_field(f"rating_{attribute.name}", attribute.name, combo)
        self.recommendation = QComboBox()
        for choice, label in RECOMMENDATION_LABELS.items():
            self.recommendation.addItem(label, choice.value)
        self.recommendation.setCurrentIndex(2)
        self.add_field("recommendation", "Recommendation", self.recommendation, required=True)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(90)
        self.notes.setPlaceholderText("What they said, in their words")
        self.add_field("notes", "Notes", self.notes)
        self.extra_ratings: dict[str, int] = {}
        self.interviewer.currentIndexChanged.connect(self._load)
        if attendee_id is not None and self.interviewer.findData(attendee_id) >= 0:
            self.interviewer.setCurrentIndex(self.interviewer.findData(attendee_id))
        self._load()

    def _load(self, *_args: object) -> None:
        card = self.existing.get(self.interviewer.currentData())
        ratings = dict(card.ratings) if card is not None else {}
        for name, combo in self.ratings.items():
            combo.setCurrentIndex(max(0, combo.findData(ratings.get(name, NOT_RATED))))
        # A rating of an attribute the job no longer lists is kept as it was.
        self.extra_ratings = {n: r for n, r in ratings.items() if n not in self.ratings}
        if card is not None:
            self.recommendation.setCurrentIndex(
                self.recommendation.findData(card.recommendation.value)
            )
            self.notes.setPlainText(card.notes or "")

    def collect(self) -> ScorecardInput:
        ratings = tuple(
            (name, combo.currentData())
            for name, combo in self.ratings.items()
            if combo.currentData() != NOT_RATED
        )
        return ScorecardInput(
            interview_id=self.interview_id,
            attendee_id=self.interviewer.currentData() or 0,
            ratings=ratings + tuple(self.extra_ratings.items()),
            recommendation=Recommendation(self.recommendation.currentData()),
            notes=self.notes.toPlainText(),
        )

    def save(self, data: ScorecardInput) -> Outcome[ScorecardResult]:
        return save_scorecard(self.services, data)
