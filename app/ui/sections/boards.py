"""Pages holding a kanban board: one job's board, and "My pipeline" over all open jobs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.services.core.users import list_users
from app.services.pipeline.board import (
    Board,
    Card,
    MoveRequest,
    StageInfo,
    load_board,
    load_pipeline,
)
from app.services.pipeline.jobs import JobDetail, get_job
from app.services.pipeline.reasons import list_rejection_reasons
from app.ui.background import BackgroundOps
from app.ui.board.reject_dialog import ask_reason
from app.ui.board.stage_terms import TermsAnswer, ask_terms
from app.ui.board.view import BoardWidget
from app.ui.icons import IconProvider
from app.ui.widgets import SectionHeader, section_layout


class _BoardPage(QWidget):
    # What a board shows; `BoardWidget.concerns` decides whether a change reaches its cards.
    shows = frozenset(
        {ChangeKind.JOBS, ChangeKind.STAGES, ChangeKind.APPLICATIONS, ChangeKind.CANDIDATES}
    )

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack,
        title: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.layout_ = section_layout(self)
        self.header = SectionHeader(title, "")
        self.layout_.addWidget(self.header)
        self.board = BoardWidget(
            services,
            icons.palette,
            undo_stack,
            self.load,
            self._ask_reason,
            ask_terms=self._ask_terms,
        )
        self.board.schedule_requested.connect(self.schedule_interview)
        self.undo_stack = undo_stack
        self.layout_.addWidget(self.board, 1)

    def load(self) -> Board:
        raise NotImplementedError

    def _ask_reason(self, cards: Sequence[Card]) -> str | None:
        return ask_reason(self, list_rejection_reasons(self.services), cards)

    def _ask_terms(self, card: Card, stage: StageInfo, request: MoveRequest) -> TermsAnswer | None:
        board = self.board
        return ask_terms(
            self, self.services, card, stage, request, board.changes_made.emit, board.show_notice
        )

    def on_changes(self, changes: Changes) -> None:
        self.board.on_changes(changes)

    def schedule_interview(self, application_id: int) -> None:
        """The schedule dialog for a card (offered on reaching Interviewed, or its menu)."""
        # Deferred: the interview dialogs load when first used.
        from app.ui.interviews.commands import open_schedule

        open_schedule(
            self.services,
            application_id,
            self,
            self.undo_stack,
            self.board.changes_made.emit,
            self.board.show_notice,
        )


_HINT = "Drag cards between stages · Ctrl+←/→ moves the selection · right-click for more"


def _job_gone(_error: BaseException) -> None:
    """The job was deleted meanwhile: the board itself says so; the heading stays."""


class JobBoardPage(_BoardPage):
    """The board of the job opened from the Jobs list."""

    back_requested = Signal()

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ):
        super().__init__(services, icons, undo_stack, "Job", parent)
        self.job_id: int | None = None
        self.ops = BackgroundOps(self)
        back = QPushButton(icons.get("chevron-left"), "Jobs")
        back.setObjectName("backToJobs")
        back.clicked.connect(self.back_requested)
        scorecard = QPushButton("Scorecard…")
        scorecard.setObjectName("jobScorecard")
        scorecard.setToolTip("What interviewers rate for this job, and whether it is required")
        scorecard.clicked.connect(self.edit_scorecard)
        self.header.add_action(scorecard)
        self.header.add_action(back)

    def open_job(self, job_id: int) -> None:
        self.job_id = job_id
        board = load_board(self.services, job_id)
        self.header.title.setText(board.title)
        self.header.subtitle.setText(_HINT)
        self._load_heading()
        self.board.set_board(board)

    def edit_scorecard(self) -> None:
        if self.job_id is None:
            return
        # Deferred: the interview dialogs load when first used.
        from app.ui.interviews.commands import open_job_scorecard

        open_job_scorecard(
            self.services,
            self.job_id,
            self,
            self.undo_stack,
            self.board.changes_made.emit,
            self.board.show_notice,
        )

    def _load_heading(self) -> None:
        """Who hires and interviews for the job, read off the GUI thread."""
        services, job_id = self.services, self.job_id
        assert job_id is not None
        self.ops.query("heading", lambda: get_job(services, job_id), self._show_heading, _job_gone)

    def _show_heading(self, detail: JobDetail) -> None:
        if detail.id != self.job_id:
            return
        self.header.title.setText(f"{detail.title} — {detail.client_name}")
        people = [f"Hiring manager: {detail.hiring_manager or 'none'}"]
        if detail.interviewers:
            people.append("Interviewers: " + ", ".join(detail.interviewers))
        self.header.subtitle.setText(" · ".join(people) + "\n" + _HINT)

    def on_changes(self, changes: Changes) -> None:
        super().on_changes(changes)
        if self.job_id is not None and (changes.external or changes.touches(ChangeKind.JOBS)):
            self._load_heading()

    def load(self) -> Board:
        assert self.job_id is not None
        return load_board(self.services, self.job_id)


class PipelinePage(_BoardPage):
    """All open jobs on one board, narrowed by owner and client."""

    def __init__(
        self,
        services: ServiceContext,
        icons: IconProvider,
        undo_stack: QUndoStack,
        clients: list[tuple[int, str]],
        parent: QWidget | None = None,
    ):
        super().__init__(services, icons, undo_stack, "My pipeline", parent)
        self.owner = QComboBox()
        self.owner.setObjectName("pipelineOwner")
        self.owner.addItem("All owners", None)
        for user_id, name in list_users(services.sessions):
            self.owner.addItem(name, user_id)
        mine = self.owner.findData(services.actor.user_id)
        self.client = QComboBox()
        self.client.setObjectName("pipelineClient")
        self.client.addItem("All clients", None)
        for client_id, name in clients:
            self.client.addItem(name, client_id)
        self.header.add_action(self.owner)
        self.header.add_action(self.client)
        self.header.subtitle.setText("Every open job's candidates, by stage")
        self.owner.setCurrentIndex(mine if mine > 0 else 0)
        self.owner.currentIndexChanged.connect(self.board.reload)
        self.client.currentIndexChanged.connect(self.board.reload)
        self.board.reload()
        if self.owner.currentIndex() > 0 and not self.board.state.cards:
            self.owner.setCurrentIndex(0)  # the recruiter owns no open job: show everyone's

    def load(self) -> Board:
        return load_pipeline(self.services, self.owner.currentData(), self.client.currentData())
