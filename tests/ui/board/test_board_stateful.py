"""Random sequences of moves, undos and redos: the board and the database always agree, and
every application's StageChange history is an unbroken chain ending at its current stage."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.services.pipeline.board import load_board
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import open_database
from app.store.models import Application, Candidate, Client, Stage, StageChange
from app.ui.board.view import BoardWidget
from app.ui.theme import LIGHT

CARDS = 10


@cache
def _template() -> Path:
    """A small database: one job, ten applications, each with its first StageChange."""
    folder = Path(tempfile.mkdtemp(prefix="hirebench-stateful-"))
    path = folder / "template.sqlite3"
    database = open_database(path, folder / "backups")
    ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "tester"))
    with ctx.write() as tx:
        tx.session.add(Client(name="Acme"))
    with ctx.read() as session:
        client_id = session.scalar(select(Client.id))
    job_id = create_job(ctx, JobInput(client_id=client_id, title="Machinist")).value
    with database.sessions() as session, session.begin():
        first = session.scalar(select(Stage.id).where(Stage.job_id == job_id, Stage.position == 0))
        for n in range(CARDS):
            person = Candidate(first_name=f"Person{n}", last_name="Test")
            session.add(person)
            session.flush()
            application = Application(
                candidate_id=person.id, job_id=job_id, stage_id=first, board_position=float(n + 1)
            )
            session.add(application)
            session.flush()
            session.add(
                StageChange(
                    application_id=application.id,
                    from_stage_id=None,
                    to_stage_id=first,
                    changed_at=dt.datetime.now(dt.UTC),
                )
            )
    database.close()
    return path


class BoardMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        QApplication.instance() or QApplication([])
        self.folder = Path(tempfile.mkdtemp(prefix="hirebench-run-"))
        path = self.folder / "board.sqlite3"
        shutil.copy(_template(), path)
        self.database = open_database(path, self.folder / "backups")
        self.ctx = ServiceContext(
            self.database.sessions, ensure_user(self.database.sessions, "tester")
        )
        with self.ctx.read() as session:
            self.job_id = session.scalar(select(Application.job_id))
        self.stack = QUndoStack()
        self.board = BoardWidget(
            self.ctx,
            LIGHT,
            self.stack,
            lambda: load_board(self.ctx, self.job_id),
            lambda cards: "Other",
        )
        self.board.reload()

    def teardown(self) -> None:
        self.board.deleteLater()
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _ids(self) -> list[int]:
        return sorted(self.board.state.cards)

    @rule(card=st.integers(0, CARDS - 1), column=st.integers(0, 6), row=st.integers(-1, 12))
    def move_one(self, card: int, column: int, row: int) -> None:
        ids = self._ids()
        self.board.move_cards([ids[card]], self.board.columns[column].model.key, row)

    @rule(
        first=st.integers(0, CARDS - 1), second=st.integers(0, CARDS - 1), column=st.integers(0, 6)
    )
    def move_two(self, first: int, second: int, column: int) -> None:
        ids = self._ids()
        chosen = list(dict.fromkeys([ids[first], ids[second]]))
        self.board.move_cards(chosen, self.board.columns[column].model.key)

    @rule()
    def undo(self) -> None:
        if self.stack.canUndo():
            self.stack.undo()

    @rule()
    def redo(self) -> None:
        if self.stack.canRedo():
            self.stack.redo()

    @invariant()
    def board_matches_database(self) -> None:
        with self.ctx.read() as session:
            rows = session.execute(
                select(Application.id, Application.stage_id, Application.board_position)
                .where(Application.job_id == self.job_id)
                .order_by(Application.board_position, Application.id)
            ).all()
        expected: dict[str, list[int]] = {column.model.key: [] for column in self.board.columns}
        for application_id, stage_id, _position in rows:
            expected[str(stage_id)].append(application_id)
        shown = {column.model.key: list(column.model.visible) for column in self.board.columns}
        assert shown == expected
        for application_id, stage_id, _position in rows:
            assert self.board.state.cards[application_id].stage_id == stage_id

    @invariant()
    def history_is_complete(self) -> None:
        with self.ctx.read() as session:
            rows = session.execute(
                select(Application.id, Application.stage_id).where(
                    Application.job_id == self.job_id
                )
            )
            current = {application_id: stage_id for application_id, stage_id in rows}
            changes = session.execute(
                select(
                    StageChange.application_id, StageChange.from_stage_id, StageChange.to_stage_id
                ).order_by(StageChange.id)
            ).all()
        chains: dict[int, list[tuple[int | None, int]]] = {}
        for application_id, source, target in changes:
            chains.setdefault(application_id, []).append((source, target))
        for application_id, stage_id in current.items():
            chain = chains[application_id]
            assert chain[0][0] is None
            for (_a, previous_to), (next_from, _b) in itertools.pairwise(chain):
                assert next_from == previous_to
            assert chain[-1][1] == stage_id


TestBoardMachine = BoardMachine.TestCase
TestBoardMachine.settings = settings(
    max_examples=12,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
