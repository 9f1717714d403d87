"""`hirebench eeo-log`: the flow log as CSV for the compliance role, a one-line refusal for
any other role."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, run
from app.paths import AppPaths
from app.services.admin.user_admin import set_role
from app.services.compliance.flow_log import COLUMNS
from app.services.core.context import ServiceContext
from app.services.core.roles import Role
from app.services.core.users import current_login, ensure_user
from app.store.database import Database
from tests.services.compliance.eeo_world import world


def _login_as(database: Database, admin: ServiceContext, role: Role) -> None:
    """The operating-system login, as a user with ``role``."""
    me = ensure_user(database.sessions, current_login())
    assert me.user_id is not None
    set_role(admin, me.user_id, role.value)


def _args(database: Database, *extra: str) -> list[str]:
    today = dt.date.today().isoformat()
    return [
        "eeo-log",
        "--from",
        today,
        "--to",
        today,
        "--csv",
        "--database",
        str(database.path),
        *extra,
    ]


def test_compliance_gets_the_csv(
    paths: AppPaths, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    w = world(database)
    _login_as(database, w.admin, Role.COMPLIANCE)
    assert run(_args(database, "--job", str(w.job_id))) == EXIT_OK
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 5
    by_id = {int(row[3]): dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    brian = by_id[w.candidates["Brian"]]
    assert brian["disposition"] == "Rejected" and brian["hiring manager"] == "Helen Hiring"
    assert brian["race/ethnicity"] == "Native Hawaiian or Other Pacific Islander"


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.ADMIN])
def test_other_roles_are_refused_in_one_line(
    paths: AppPaths, database: Database, capsys: pytest.CaptureFixture[str], role: Role
) -> None:
    w = world(database)
    _login_as(database, w.admin, role)
    assert run(_args(database)) == EXIT_FAILURE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "may not see EEO answers" in captured.err


def test_csv_is_required(paths: AppPaths, database: Database, capsys) -> None:
    today = dt.date.today().isoformat()
    assert run(["eeo-log", "--from", today, "--to", today, "--database", str(database.path)]) == (
        EXIT_FAILURE
    )
    assert "--csv" in capsys.readouterr().err
