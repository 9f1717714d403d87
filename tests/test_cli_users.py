"""`hirebench users`: listing, adding and changing roles as the login at the keyboard."""

from __future__ import annotations

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.paths import AppPaths
from app.services.core.users import current_login


def test_users_add_set_role_and_list(paths: AppPaths, capsys: pytest.CaptureFixture[str]):
    assert run(["demo", "--no-gui"]) == EXIT_OK
    demo = ["--database", str(paths.demo_database)]
    assert run(["users", "list", *demo]) == EXIT_OK  # the first login here becomes its admin
    listed = capsys.readouterr().out
    assert f"{current_login()}" in listed and "Admin" in listed
    assert run(["users", "add", "bob.smith", "--role", "compliance", *demo]) == EXIT_OK
    assert run(["users", "set-role", "bob.smith", "hiring_manager", *demo]) == EXIT_OK
    capsys.readouterr()
    assert run(["users", "list", *demo]) == EXIT_OK
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("bob.smith"))
    assert "Hiring manager" in line
    assert run(["users", "set-role", "nobody", "admin", *demo]) == EXIT_FAILURE
    assert "No user named" in capsys.readouterr().err
    assert run(["users", "deactivate", current_login(), *demo]) == EXIT_FAILURE
    assert "only active admin" in capsys.readouterr().err
    assert run(["users", "set-role", "bob.smith", "owner", *demo]) == EXIT_USAGE
