"""The import contracts hold for Hirebench, and each one fails when broken.

import-linter checks the contracts in pyproject.toml ([tool.importlinter]): layers, no Qt below
the UI, no ORM or SQLAlchemy in the UI, the service domains' direction. `import_rules` checks
what it cannot: no module cycles (imports inside functions included) and a reason for every
import left inside a function.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.architecture import import_rules
from tests.architecture.import_rules import (
    FunctionImport,
    deferred_violations,
    find_cycles,
    function_imports,
    import_graph,
    read_allow_list,
    unmarked_imports,
)

ROOT = import_rules.ROOT
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# The files the allow-list started with. It may lose entries, never gain one: a new exemption
# would have to be added here too, on purpose.
FIRST_ALLOWED = frozenset(
    {
        "app/ui/intake/dock.py",
        "app/ui/intake/review.py",
        "app/ui/mail_runtime.py",
        "app/ui/mail_widgets.py",
        "app/ui/main_window.py",
        "app/ui/sections/bulk_actions.py",
        "app/ui/sections/campaigns.py",
        "app/ui/sections/candidates.py",
        "app/ui/sections/jobs.py",
        "app/ui/sections/mail_account_panel.py",
        "app/ui/sections/settings_page.py",
        "app/ui/sections/tasks.py",
        "app/workers/intake.py",
    }
)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


# ---- cycles ------------------------------------------------------------------------------------


def test_no_import_cycles_in_app() -> None:
    assert find_cycles(import_graph()) == []


def test_cycle_finder_reports_each_loop_once() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": set()}
    assert sorted(find_cycles(graph)) == [["a", "b", "c"], ["d", "e"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_graph_counts_function_imports_but_not_type_checking_ones(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/one.py": """
                from pkg import two

                def run():
                    return two
            """,
            "pkg/two.py": """
                def run():
                    from pkg.one import run as other  # hidden from a top-level scan
                    return other
            """,
            "pkg/three.py": """
                from typing import TYPE_CHECKING

                from pkg import one

                if TYPE_CHECKING:
                    from pkg.four import Thing
            """,
            "pkg/four.py": "from pkg.three import one\n",
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.two"] == {"pkg.one"}
    assert graph["pkg.three"] == {"pkg.one"}
    assert find_cycles(graph) == [["pkg.one", "pkg.two"]]


# ---- imports inside functions ------------------------------------------------------------------


def test_every_function_import_says_why() -> None:
    assert deferred_violations(unmarked_imports(), read_allow_list()) == []


def test_allow_list_only_shrinks() -> None:
    allowed = read_allow_list()
    assert set(allowed) <= FIRST_ALLOWED, "deferred_allow.txt may only lose files"
    assert len(allowed) == len(set(allowed))


def test_deferred_rule_fails_on_an_unmarked_import(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/marked.py": """
                def run():
                    # Deferred: a slow library, needed only here.
                    import json
                    import csv

                    return json, csv

                def other():
                    # Deferred: a reason that takes
                    # two lines.
                    import json
                    # Just a remark.
                    import csv
                    return json, csv
            """,
            "pkg/loose.py": """
                import os

                def run():
                    import json

                    def inner():
                        # Deferred: why not.
                        import csv
                        return csv

                    value = os.sep
                    import sys  # after a statement: not covered by any comment
                    return json, inner, value, sys
            """,
            "pkg/exempt.py": """
                def run():
                    import json
                    return json
            """,
        },
    )
    marked = function_imports(tmp_path / "pkg/marked.py", tmp_path)
    assert [(i.line, i.deferred) for i in marked] == [(4, True), (5, True), (12, True), (14, False)]
    unmarked = unmarked_imports(tmp_path, "pkg")
    assert sorted(unmarked) == ["pkg/exempt.py", "pkg/loose.py", "pkg/marked.py"]
    assert [i.text for i in unmarked["pkg/loose.py"]] == ["import json", "import sys"]
    problems = deferred_violations(unmarked, ["pkg/exempt.py", "pkg/gone.py"])
    assert len(problems) == 4
    assert problems[0].startswith("pkg/loose.py:5: `import json`")
    assert problems[1].startswith("pkg/loose.py:13: `import sys`")
    assert problems[2].startswith("pkg/marked.py:14: `import csv`")
    assert "pkg/gone.py: listed in deferred_allow.txt" in problems[3]
    allowed = ["pkg/exempt.py", "pkg/loose.py", "pkg/marked.py"]
    assert deferred_violations(unmarked, allowed) == []


def test_allow_list_reader_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "allow.txt"
    path.write_text("# why\n\napp/a.py  # owner\napp/b.py\n", encoding="utf-8")
    assert read_allow_list(path) == ["app/a.py", "app/b.py"]


def test_function_import_record_is_plain_data() -> None:
    item = FunctionImport("app/x.py", 3, "import json", False)
    assert (item.path, item.line, item.deferred) == ("app/x.py", 3, False)


# ---- import-linter contracts -------------------------------------------------------------------


def _contracts() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_every_command_line_module_is_kept_from_the_lower_layers() -> None:
    """A new ``app/cli_*.py`` must join the entry-points contract, or the layers below could
    import it unnoticed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    forbidden = {
        module
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "forbidden" and "app.services" in contract["source_modules"]
        for module in contract["forbidden_modules"]
    }
    command_line = {f"app.{path.stem}" for path in (ROOT / "app").glob("cli*.py")}
    assert command_line and command_line <= forbidden, sorted(command_line - forbidden)


def _lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _broken(output: str, names: dict[str, str]) -> set[str]:
    flat = "".join(output.split())  # the report wraps long contract names anywhere
    return {cid for cid, name in names.items() if "".join(name.split()) + "BROKEN" in flat}


def test_import_linter_contracts_hold_for_app() -> None:
    result = _lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


# A stand-in for `app` with every module the contracts name, importing as Hirebench does
# (the ignored imports included, which import-linter insists are present).
SKELETON = {
    "app/__init__.py": "",
    "app/__main__.py": "import app.cli\n",
    "app/cli.py": (
        "import app.bootstrap\nimport app.cli_corrections\nimport app.cli_maintenance\n"
        "import app.cli_interviews\nimport app.cli_onboarding\nimport app.cli_profiles\n"
        "import app.cli_reports\n"
        "import app.cli_support\nimport app.cli_mailbox\nimport app.cli_audit\n"
        "import app.cli_eeo\nimport app.cli_privacy\nimport app.cli_users\n"
    ),
    "app/cli_audit.py": "",
    "app/cli_eeo.py": "",
    "app/cli_privacy.py": "",
    "app/cli_users.py": "",
    "app/cli_corrections.py": "",
    "app/cli_interviews.py": "",
    "app/cli_mailbox.py": "",
    "app/cli_onboarding.py": "",
    "app/cli_maintenance.py": "",
    "app/cli_profiles.py": "",
    "app/cli_reports.py": "",
    "app/cli_support.py": "",
    "app/bootstrap.py": "import app.services.core\nimport app.store.models\n",
    "app/ui/__init__.py": "import PySide6.QtWidgets\nimport app.workers\nimport app.store.enums\n",
    "app/ui/sections/__init__.py": "",
    "app/workers/__init__.py": "import app.services.engagement\n",
    "app/services/__init__.py": "",
    "app/services/admin/__init__.py": "import app.services.mailbox\n",
    "app/services/mailbox/__init__.py": "import app.services.intake\n",
    "app/services/intake/__init__.py": "import app.services.compliance\n",
    "app/services/compliance/__init__.py": "import app.services.candidates\n",
    "app/services/intake/importer.py": "import app.services.candidates.timeline\n",
    "app/services/candidates/__init__.py": "import app.services.pipeline\n",
    "app/services/candidates/merge_undo.py": "import app.services.intake.importer\n",
    "app/services/candidates/timeline.py": "import app.services.core\n",
    "app/services/pipeline/__init__.py": "import app.services.engagement\n",
    "app/services/engagement/__init__.py": "import app.services.core\nimport app.mail\n",
    "app/services/core/__init__.py": "import sqlalchemy\nimport app.store.models\n",
    "app/parsing/__init__.py": "",
    "app/mail/__init__.py": "",
    "app/store/__init__.py": "",
    "app/store/enums.py": "import enum\n",
    "app/store/models.py": "import sqlalchemy\nimport app.store.enums\n",
    "app/store/engagement.py": "import app.store.models\n",
    "app/store/submittals.py": "import app.store.models\n",
    "app/store/interviews.py": "import app.store.models\n",
    "app/store/mailbox.py": "import app.store.models\n",
}

# One import per contract that breaks that contract alone.
VIOLATIONS = {
    "layers": ("app/store/upward.py", "import app.services\n"),
    "entry-points-on-top": ("app/store/upward.py", "import app.cli_support\n"),
    "no-qt-below-ui": ("app/workers/widgets.py", "from PySide6 import QtWidgets\n"),
    "ui-no-orm": ("app/ui/table.py", "from app.store.models import Base\n"),
    "service-domains": ("app/services/core/upward.py", "import app.services.admin\n"),
}


@pytest.fixture(scope="module")
def skeleton_config() -> dict[str, str]:
    return _contracts()


def test_skeleton_keeps_every_contract(tmp_path: Path, skeleton_config: dict[str, str]) -> None:
    _write(tmp_path, SKELETON)
    result = _lint_imports(tmp_path, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_fails_when_broken(
    tmp_path: Path, skeleton_config: dict[str, str], contract: str
) -> None:
    assert set(VIOLATIONS) == set(skeleton_config), "a contract without a failing case"
    name, text = VIOLATIONS[contract]
    _write(tmp_path, {**SKELETON, name: text})
    result = _lint_imports(tmp_path, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert _broken(result.stdout, skeleton_config) == {contract}, result.stdout


def test_ui_may_not_import_sqlalchemy_directly(
    tmp_path: Path, skeleton_config: dict[str, str]
) -> None:
    _write(tmp_path, {**SKELETON, "app/ui/query.py": "from sqlalchemy import select\n"})
    result = _lint_imports(tmp_path, ROOT / "pyproject.toml")
    assert _broken(result.stdout, skeleton_config) == {"ui-no-orm"}, result.stdout
