"""A job's own stages: add, rename, reorder, SLA and removal (moving applications first)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.services.pipeline.stages import (
    MAX_STAGE_NAME,
    REMOVED_REASON,
    add_stage,
    list_stages,
    remove_stage,
    rename_stage,
    reorder_stages,
    set_stage_sla,
)
from app.store.database import Database
from app.store.models import (
    Activity,
    ActivityKind,
    Application,
    Candidate,
    Stage,
    StageChange,
    StageKind,
    StageTally,
)
from tests.support import AuditWatch, count_rows, fail_on_changed

DEFAULT_NAMES = ["Applied", "Screened", "Interviewed", "Offered", "Hired", "Rejected", "Withdrawn"]


@pytest.fixture
def client_id(ctx: ServiceContext) -> int:
    return create_client(ctx, ClientInput(name="Acme")).value


@pytest.fixture
def job_id(ctx: ServiceContext, client_id: int) -> int:
    return create_job(ctx, JobInput(client_id=client_id, title="Welder")).value


def _stages(database: Database, job_id: int) -> list[tuple[str, StageKind, int, int | None]]:
    with database.sessions() as session:
        rows = session.execute(
            select(Stage.name, Stage.kind, Stage.position, Stage.sla_days)
            .where(Stage.job_id == job_id)
            .order_by(Stage.position)
        )
        return [tuple(row) for row in rows]


def _names(database: Database, job_id: int) -> list[str]:
    stages = _stages(database, job_id)
    assert [position for _, _, position, _ in stages] == list(range(len(stages)))
    return [name for name, *_ in stages]


def _ids(database: Database, job_id: int) -> dict[str, int]:
    with database.sessions() as session:
        return dict(
            session.execute(select(Stage.name, Stage.id).where(Stage.job_id == job_id)).all()
        )


def _apply(database: Database, job_id: int, placements: dict[str, int]) -> list[int]:
    """New candidates' applications at the named stages; their ids, in insertion order."""
    stages = _ids(database, job_id)
    made = []
    with database.sessions() as session, session.begin():
        for stage_name, how_many in placements.items():
            for n in range(how_many):
                candidate = Candidate(first_name=f"{stage_name}{n}", last_name=f"J{job_id}")
                application = Application(
                    candidate=candidate,
                    job_id=job_id,
                    stage_id=stages[stage_name],
                    stage_entered_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    rejection_reason="Skills mismatch" if stage_name.startswith("Rej") else None,
                )
                session.add(application)
                session.flush()
                made.append(application.id)
    return made


def _tallies(database: Database) -> dict[int, int]:
    """Trigger-kept tallies, checked against a real count of the applications."""
    with database.sessions() as session:
        tallies = dict(session.execute(select(StageTally.stage_id, StageTally.applications)).all())
        counted = dict(
            session.execute(
                select(Application.stage_id, func.count()).group_by(Application.stage_id)
            ).all()
        )
        stage_ids = set(session.scalars(select(Stage.id)))
    assert set(tallies) == stage_ids
    assert {stage_id: n for stage_id, n in tallies.items() if n} == counted
    return tallies


class TestAddStage:
    def test_active_stage_goes_after_the_last_active_one(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        watch = AuditWatch(database)
        result = add_stage(ctx, job_id, "  Reference   check ", sla_days=4)
        assert _names(database, job_id) == [
            *DEFAULT_NAMES[:4],
            "Reference check",
            *DEFAULT_NAMES[4:],
        ]
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            "stage.create",
            "stage",
            result.value,
        )
        assert entry.after == {
            "job_id": job_id,
            "name": "Reference check",
            "kind": "active",
            "position": 4,
            "sla_days": 4,
        }
        assert dict(result.changes.ids) == {
            ChangeKind.STAGES: {result.value},
            ChangeKind.JOBS: {job_id},
        }
        assert _tallies(database)[result.value] == 0  # the trigger made its tally row

    def test_after_a_chosen_stage(self, ctx: ServiceContext, database: Database, job_id: int):
        add_stage(ctx, job_id, "Phone screen", after_stage_id=_ids(database, job_id)["Applied"])
        assert _names(database, job_id)[:3] == ["Applied", "Phone screen", "Screened"]

    def test_other_kinds_go_after_their_own_kind(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        add_stage(ctx, job_id, "Rejected by client", kind=StageKind.REJECTED)
        add_stage(ctx, job_id, "Ghosted", kind=StageKind.WITHDRAWN)
        names = _names(database, job_id)
        assert names[-4:] == ["Rejected", "Rejected by client", "Withdrawn", "Ghosted"]

    @pytest.mark.parametrize(
        ("name", "sla", "field"),
        [
            ("", None, "name"),
            ("   ", None, "name"),
            ("x" * 81, None, "name"),
            ("screened", None, "name"),  # duplicates ignore case
            ("New", 0, "sla_days"),
            ("New", 366, "sla_days"),
        ],
    )
    def test_invalid_stage_is_refused(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        name: str,
        sla: int | None,
        field: str,
    ):
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            add_stage(ctx, job_id, name, sla_days=sla)
        assert list(raised.value.errors) == [field]
        assert _names(database, job_id) == DEFAULT_NAMES
        assert watch.new() == []

    @pytest.mark.parametrize(("name", "sla"), [("x" * 80, 1), ("y", 365)])
    def test_bounds_are_inclusive(
        self, ctx: ServiceContext, database: Database, job_id: int, name: str, sla: int
    ):
        add_stage(ctx, job_id, name, sla_days=sla)
        assert (name, StageKind.ACTIVE, 4, sla) in _stages(database, job_id)

    def test_a_stage_of_another_job_is_refused_as_anchor(
        self, ctx: ServiceContext, database: Database, client_id: int, job_id: int
    ):
        other = create_job(ctx, JobInput(client_id=client_id, title="Other")).value
        with pytest.raises(ValidationError) as raised:
            add_stage(ctx, job_id, "New", after_stage_id=_ids(database, other)["Applied"])
        assert list(raised.value.errors) == ["after_stage_id"]
        assert _names(database, job_id) == DEFAULT_NAMES

    def test_missing_job(self, ctx: ServiceContext):
        with pytest.raises(NotFoundError):
            add_stage(ctx, 999, "New")

    def test_failure_leaves_no_stage_tally_or_audit(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ):
        stages_before, tallies_before = count_rows(database, "stages"), _tallies(database)
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError, match="injected"):
            add_stage(ctx, job_id, "Phone screen", after_stage_id=_ids(database, job_id)["Applied"])
        assert count_rows(database, "stages") == stages_before
        assert _tallies(database) == tallies_before
        assert _names(database, job_id) == DEFAULT_NAMES  # positions untouched too
        assert watch.new() == []


class TestRenameAndSla:
    def test_rename(self, ctx: ServiceContext, database: Database, job_id: int):
        stage_id = _ids(database, job_id)["Screened"]
        watch = AuditWatch(database)
        result = rename_stage(ctx, stage_id, " Phone  screen ")
        assert _names(database, job_id)[1] == "Phone screen"
        [entry] = watch.new()
        assert (entry.action, entry.entity_id, entry.before, entry.after) == (
            "stage.rename",
            stage_id,
            {"name": "Screened"},
            {"name": "Phone screen"},
        )
        assert dict(result.changes.ids) == {
            ChangeKind.STAGES: {stage_id},
            ChangeKind.JOBS: {job_id},
        }

    def test_changing_only_the_case_of_its_own_name_is_allowed(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        rename_stage(ctx, _ids(database, job_id)["Screened"], "SCREENED")
        assert "SCREENED" in _names(database, job_id)

    def test_same_name_is_a_no_op(self, ctx: ServiceContext, database: Database, job_id: int):
        watch = AuditWatch(database)
        result = rename_stage(ctx, _ids(database, job_id)["Screened"], "Screened")
        assert watch.new() == []
        assert result.changes.ids == {}

    @pytest.mark.parametrize("name", ["applied", "", "z" * 81])
    def test_bad_names_are_refused(
        self, ctx: ServiceContext, database: Database, job_id: int, name: str
    ):
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            rename_stage(ctx, _ids(database, job_id)["Screened"], name)
        assert list(raised.value.errors) == ["name"]
        assert _names(database, job_id) == DEFAULT_NAMES
        assert watch.new() == []

    def test_the_same_name_in_another_job_is_fine(
        self, ctx: ServiceContext, database: Database, client_id: int, job_id: int
    ):
        create_job(ctx, JobInput(client_id=client_id, title="Other"))
        rename_stage(ctx, _ids(database, job_id)["Screened"], "Phone screen")
        other = create_job(ctx, JobInput(client_id=client_id, title="Third")).value
        rename_stage(ctx, _ids(database, other)["Screened"], "Phone screen")
        assert _names(database, other)[1] == "Phone screen"

    def test_sla_set_and_cleared(self, ctx: ServiceContext, database: Database, job_id: int):
        stage_id = _ids(database, job_id)["Interviewed"]
        watch = AuditWatch(database)
        set_stage_sla(ctx, stage_id, 10)
        assert _stages(database, job_id)[2][3] == 10
        result = set_stage_sla(ctx, stage_id, None)
        assert _stages(database, job_id)[2][3] is None
        first, second = watch.new()
        assert (first.action, first.before, first.after) == (
            "stage.sla",
            {"sla_days": None},
            {"sla_days": 10},
        )
        assert (second.before, second.after) == ({"sla_days": 10}, {"sla_days": None})
        assert dict(result.changes.ids) == {
            ChangeKind.STAGES: {stage_id},
            ChangeKind.JOBS: {job_id},
        }
        assert set_stage_sla(ctx, stage_id, None).changes.ids == {}  # unchanged: nothing
        assert len(watch.new()) == 2

    @pytest.mark.parametrize("days", [0, -3, 366])
    def test_bad_sla_is_refused(
        self, ctx: ServiceContext, database: Database, job_id: int, days: int
    ):
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            set_stage_sla(ctx, _ids(database, job_id)["Interviewed"], days)
        assert list(raised.value.errors) == ["sla_days"]
        assert _stages(database, job_id)[2][3] is None
        assert watch.new() == []

    def test_missing_stage(self, ctx: ServiceContext):
        with pytest.raises(NotFoundError):
            rename_stage(ctx, 999, "Ghost")
        with pytest.raises(NotFoundError):
            set_stage_sla(ctx, 999, 3)


class TestReorder:
    def test_new_order_is_saved_and_audited(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        ids = _ids(database, job_id)
        order = [ids[name] for name in ["Screened", "Applied", *DEFAULT_NAMES[2:]]]
        watch = AuditWatch(database)
        result = reorder_stages(ctx, job_id, order)
        assert _names(database, job_id) == ["Screened", "Applied", *DEFAULT_NAMES[2:]]
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            "stage.reorder",
            "job",
            job_id,
        )
        assert entry.before["names"] == DEFAULT_NAMES
        assert entry.after == {
            "stage_ids": order,
            "names": ["Screened", "Applied", *DEFAULT_NAMES[2:]],
        }
        assert result.changes.ids[ChangeKind.JOBS] == {job_id}
        assert result.changes.ids[ChangeKind.STAGES] == set(order)

    def test_the_same_order_is_a_no_op(self, ctx: ServiceContext, database: Database, job_id: int):
        ids = _ids(database, job_id)
        watch = AuditWatch(database)
        assert reorder_stages(ctx, job_id, [ids[n] for n in DEFAULT_NAMES]).changes.ids == {}
        assert watch.new() == []

    @pytest.mark.parametrize("mistake", ["missing", "twice", "foreign"])
    def test_an_order_that_is_not_a_permutation_is_refused(
        self,
        ctx: ServiceContext,
        database: Database,
        client_id: int,
        job_id: int,
        mistake: str,
    ):
        ids = [_ids(database, job_id)[n] for n in reversed(DEFAULT_NAMES)]
        if mistake == "missing":
            ids = ids[1:]
        elif mistake == "twice":
            ids = [*ids[1:], ids[1]]
        else:
            other = create_job(ctx, JobInput(client_id=client_id, title="Other")).value
            ids = [*ids[1:], _ids(database, other)["Withdrawn"]]
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            reorder_stages(ctx, job_id, ids)
        assert list(raised.value.errors) == ["stages"]
        assert _names(database, job_id) == DEFAULT_NAMES
        assert watch.new() == []


class TestRemoveStage:
    def test_moves_applications_then_deletes_the_stage(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        moved = _apply(database, job_id, {"Screened": 3, "Interviewed": 2, "Applied": 1})
        ids = _ids(database, job_id)
        screened, interviewed = ids["Screened"], ids["Interviewed"]
        assert _tallies(database)[screened] == 3
        started = dt.datetime.now(dt.UTC)
        watch = AuditWatch(database)
        result = remove_stage(ctx, screened, interviewed)
        assert result.value == 3
        assert _names(database, job_id) == [n for n in DEFAULT_NAMES if n != "Screened"]
        with database.sessions() as session:
            apps = {a.id: a for a in session.scalars(select(Application))}
            changes = session.scalars(select(StageChange).order_by(StageChange.id)).all()
            activities = session.scalars(select(Activity).order_by(Activity.id)).all()
        for application_id in moved[:3]:
            assert apps[application_id].stage_id == interviewed
            assert apps[application_id].stage_entered_at >= started
            assert apps[application_id].version == 2  # the move counts as an update
        assert apps[moved[5]].stage_id == ids["Applied"]  # others stay where they were
        assert [(c.application_id, c.to_stage_id, c.reason) for c in changes] == [
            (application_id, interviewed, REMOVED_REASON) for application_id in moved[:3]
        ]
        assert all(c.from_stage_id is None for c in changes)  # the stage no longer exists
        assert all(c.changed_by_id == ctx.actor.user_id for c in changes)
        assert [(a.application_id, a.kind, a.subject) for a in activities] == [
            (application_id, ActivityKind.STAGE_CHANGE, "Moved from Screened to Interviewed")
            for application_id in moved[:3]
        ]
        tallies = _tallies(database)
        assert screened not in tallies  # its tally row went with it
        assert tallies[interviewed] == 5
        [entry] = watch.new()
        assert (entry.action, entry.entity_type, entry.entity_id) == (
            "stage.delete",
            "stage",
            screened,
        )
        assert entry.before["name"] == "Screened"
        assert entry.after == {
            "moved_to_stage_id": interviewed,
            "moved_to": "Interviewed",
            "applications": moved[:3],
            "history_repointed": 0,
        }
        assert dict(result.changes.ids) == {
            ChangeKind.STAGES: {screened, interviewed},
            ChangeKind.JOBS: {job_id},
            ChangeKind.APPLICATIONS: set(moved[:3]),
        }

    def test_moved_applications_go_to_the_end_of_the_receiving_stage(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        waiting = _apply(database, job_id, {"Interviewed": 2})
        moved = _apply(database, job_id, {"Screened": 2})
        with database.sessions() as session, session.begin():
            for position, application_id in enumerate(waiting):
                session.get(Application, application_id).board_position = 10.0 + position
        ids = _ids(database, job_id)
        remove_stage(ctx, ids["Screened"], ids["Interviewed"])
        with database.sessions() as session:
            order = session.scalars(
                select(Application.id)
                .where(Application.stage_id == ids["Interviewed"])
                .order_by(Application.board_position)
            ).all()
        assert order == [*waiting, *moved]

    def test_an_empty_stage_is_removed_without_moves(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        ids = _ids(database, job_id)
        assert remove_stage(ctx, ids["Withdrawn"], ids["Rejected"]).value == 0
        assert _names(database, job_id) == DEFAULT_NAMES[:-1]
        assert count_rows(database, "stage_changes") == 0
        assert count_rows(database, "activities") == 0
        _tallies(database)

    def test_earlier_history_through_the_stage_is_kept(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        ids = _ids(database, job_id)
        [application_id] = _apply(database, job_id, {"Interviewed": 1})
        with database.sessions() as session, session.begin():  # it came through Screened
            session.add_all(
                [
                    StageChange(application_id=application_id, to_stage_id=ids["Applied"]),
                    StageChange(
                        application_id=application_id,
                        from_stage_id=ids["Applied"],
                        to_stage_id=ids["Screened"],
                    ),
                    StageChange(
                        application_id=application_id,
                        from_stage_id=ids["Screened"],
                        to_stage_id=ids["Interviewed"],
                    ),
                ]
            )
        watch = AuditWatch(database)
        assert remove_stage(ctx, ids["Screened"], ids["Applied"]).value == 0
        with database.sessions() as session:
            history = session.execute(
                select(StageChange.from_stage_id, StageChange.to_stage_id).order_by(StageChange.id)
            ).all()
        assert history == [
            (None, ids["Applied"]),
            (ids["Applied"], ids["Applied"]),  # its entry into the removed stage, re-pointed
            (None, ids["Interviewed"]),
        ]
        [entry] = watch.new()
        assert entry.after["history_repointed"] == 1

    @pytest.mark.parametrize(("target", "keeps_reason"), [("Rejected", True), ("Applied", False)])
    def test_rejection_reason_stays_only_in_a_rejected_stage(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        target: str,
        keeps_reason: bool,
    ):
        add_stage(ctx, job_id, "Rejected by client", kind=StageKind.REJECTED)
        [application_id] = _apply(database, job_id, {"Rejected by client": 1})
        ids = _ids(database, job_id)
        remove_stage(ctx, ids["Rejected by client"], ids[target])
        with database.sessions() as session:
            application = session.get(Application, application_id)
        assert application.stage_id == ids[target]
        assert application.rejection_reason == ("Skills mismatch" if keeps_reason else None)

    @pytest.mark.parametrize("name", ["Hired", "Rejected"])
    def test_the_only_stage_of_a_required_kind_stays(
        self, ctx: ServiceContext, database: Database, job_id: int, name: str
    ):
        ids = _ids(database, job_id)
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            remove_stage(ctx, ids[name], ids["Applied"])
        assert list(raised.value.errors) == ["stage"]
        assert "only" in raised.value.errors["stage"]
        assert _names(database, job_id) == DEFAULT_NAMES
        assert watch.new() == []

    def test_the_last_active_stage_stays(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        ids = _ids(database, job_id)
        for name in ("Applied", "Screened", "Interviewed"):
            remove_stage(ctx, ids[name], ids["Offered"])
        with pytest.raises(ValidationError) as raised:
            remove_stage(ctx, ids["Offered"], ids["Hired"])
        assert list(raised.value.errors) == ["stage"]
        assert _names(database, job_id) == ["Offered", "Hired", "Rejected", "Withdrawn"]

    def test_a_second_hired_stage_can_go(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        add_stage(ctx, job_id, "Started", kind=StageKind.HIRED)
        ids = _ids(database, job_id)
        remove_stage(ctx, ids["Hired"], ids["Started"])
        assert "Hired" not in _names(database, job_id)

    @pytest.mark.parametrize("where", ["itself", "other job", "missing"])
    def test_the_receiving_stage_must_be_another_of_the_same_job(
        self,
        ctx: ServiceContext,
        database: Database,
        client_id: int,
        job_id: int,
        where: str,
    ):
        _apply(database, job_id, {"Screened": 2})
        ids = _ids(database, job_id)
        target = {
            "itself": ids["Screened"],
            "missing": 999,
        }.get(where)
        if target is None:
            other = create_job(ctx, JobInput(client_id=client_id, title="Other")).value
            target = _ids(database, other)["Screened"]
        tallies = _tallies(database)
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            remove_stage(ctx, ids["Screened"], target)
        assert list(raised.value.errors) == ["move_to_stage_id"]
        assert _names(database, job_id) == DEFAULT_NAMES
        assert _tallies(database) == tallies
        assert watch.new() == []

    def test_missing_stage(self, ctx: ServiceContext):
        with pytest.raises(NotFoundError):
            remove_stage(ctx, 999, 1)

    def test_failure_leaves_applications_stage_and_tallies_as_they_were(
        self,
        ctx: ServiceContext,
        database: Database,
        job_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ):
        moved = _apply(database, job_id, {"Screened": 3})
        ids = _ids(database, job_id)
        tallies = _tallies(database)
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError, match="injected"):
            remove_stage(ctx, ids["Screened"], ids["Applied"])
        assert _names(database, job_id) == DEFAULT_NAMES
        assert _tallies(database) == tallies
        with database.sessions() as session:
            stages = session.scalars(
                select(Application.stage_id).where(Application.id.in_(moved))
            ).all()
        assert stages == [ids["Screened"]] * 3
        assert count_rows(database, "stage_changes") == 0
        assert count_rows(database, "activities") == 0
        assert watch.new() == []


def test_list_stages_in_order_with_counts(ctx: ServiceContext, database: Database, job_id: int):
    _apply(database, job_id, {"Applied": 2, "Hired": 1})
    set_stage_sla(ctx, _ids(database, job_id)["Applied"], 3)
    rows = list_stages(ctx, job_id)
    assert [row.name for row in rows] == DEFAULT_NAMES
    assert [row.position for row in rows] == list(range(7))
    assert {row.name: row.applications for row in rows if row.applications} == {
        "Applied": 2,
        "Hired": 1,
    }
    assert (rows[0].sla_days, rows[0].kind, rows[4].kind) == (3, StageKind.ACTIVE, StageKind.HIRED)
    assert list_stages(ctx, 999) == []


class TestStoredNamesAreClean:
    """Issue #10: stage names are cleaned with text_rules and capped to the column."""

    HOSTILE = "Phone\x00 screen\x1b[31m\r\n\u202eround\t2\x85"
    CLEANED = "Phone screen[31m round 2"

    def test_add_stores_a_clean_line(self, ctx: ServiceContext, database: Database, job_id: int):
        stage_id = add_stage(ctx, job_id, self.HOSTILE).value
        with database.sessions() as session:
            assert session.get_one(Stage, stage_id).name == self.CLEANED
        assert self.CLEANED in _names(database, job_id)

    def test_rename_stores_a_clean_line(self, ctx: ServiceContext, database: Database, job_id: int):
        stage_id = _ids(database, job_id)["Screened"]
        watch = AuditWatch(database)
        rename_stage(ctx, stage_id, self.HOSTILE)
        with database.sessions() as session:
            assert session.get_one(Stage, stage_id).name == self.CLEANED
        [entry] = watch.new()
        assert entry.after == {"name": self.CLEANED}

    def test_duplicates_are_found_after_cleaning(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        with pytest.raises(ValidationError) as raised:
            add_stage(ctx, job_id, "\u202eScreen\x00ed\x1b")
        assert raised.value.errors == {"name": "This job already has a stage named “Screened”."}

    @pytest.mark.parametrize("name", ["\x00\x1b\u202e\r\n", "y" * 81, "\x1b[2J" + "y" * 78])
    def test_blank_or_over_long_names_are_refused_with_their_message(
        self, ctx: ServiceContext, database: Database, job_id: int, name: str
    ):
        expected = (
            "Stage name is required." if name.startswith("\x00") else "At most 80 characters."
        )
        watch = AuditWatch(database)
        with pytest.raises(ValidationError) as raised:
            add_stage(ctx, job_id, name)
        assert raised.value.errors == {"name": expected}
        with pytest.raises(ValidationError) as raised:
            rename_stage(ctx, _ids(database, job_id)["Screened"], name)
        assert raised.value.errors == {"name": expected}
        assert _names(database, job_id) == DEFAULT_NAMES
        assert watch.new() == []

    def test_the_cap_counts_what_is_stored(
        self, ctx: ServiceContext, database: Database, job_id: int
    ):
        stage_id = _ids(database, job_id)["Screened"]
        rename_stage(ctx, stage_id, "\u202e" + "s" * 80 + "\x00\x1b\r\n")
        with database.sessions() as session:
            assert session.get_one(Stage, stage_id).name == "s" * 80

    def test_the_cap_is_the_columns_size(self):
        assert Stage.__table__.c.name.type.length == MAX_STAGE_NAME == 80
