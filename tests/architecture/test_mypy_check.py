"""The mypy baseline check: new errors fail, moved ones do not, and the baseline only shrinks."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.architecture.mypy_check import (
    BASELINE,
    ROOT,
    compare,
    main,
    normalise,
    read_baseline,
    write_baseline,
)

OUTPUT = """\
app/a.py:10: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
app/a.py:12: note: See https://mypy.readthedocs.io
app/b.py:3:5: error: Name "z" already defined on line 1  [no-redef]
app/a.py:40: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
Found 3 errors in 2 files (checked 2 source files)
"""
ENTRIES = [
    'app/a.py: [union-attr] Item "None" of "X | None" has no attribute "y"',
    'app/a.py: [union-attr] Item "None" of "X | None" has no attribute "y"',
    'app/b.py: [no-redef] Name "z" already defined on line N',
]


def _run(output: str, code: int = 1):
    return lambda: (code, output)


def _check(tmp_path: Path, output: str, *argv: str, code: int = 1) -> tuple[int, list[str]]:
    said: list[str] = []
    result = main(list(argv), _run(output, code), tmp_path / "baseline.txt", said.append)
    return result, said


def test_normalise_drops_line_numbers_notes_and_summary() -> None:
    assert normalise(OUTPUT) == ENTRIES


def test_same_errors_on_other_lines_pass(tmp_path: Path) -> None:
    write_baseline(ENTRIES, tmp_path / "baseline.txt")
    moved = OUTPUT.replace(":10:", ":110:").replace(":40:", ":7:").replace("line 1", "line 9")
    code, said = _check(tmp_path, moved)
    assert code == 0
    assert said[-1] == "mypy: no new errors (3 known in the baseline)"


def test_a_new_error_fails(tmp_path: Path) -> None:
    write_baseline(ENTRIES, tmp_path / "baseline.txt")
    extra = OUTPUT + "app/c.py:1: error: Missing return statement  [return]\n"
    code, said = _check(tmp_path, extra)
    assert code == 1
    assert "new mypy error: app/c.py: [return] Missing return statement" in said


def test_one_more_of_a_repeated_error_is_new(tmp_path: Path) -> None:
    write_baseline(ENTRIES, tmp_path / "baseline.txt")
    third = (
        OUTPUT
        + 'app/a.py:90: error: Item "None" of "X | None" has no attribute "y"  [union-attr]\n'
    )
    code, _said = _check(tmp_path, third)
    assert code == 1
    new, fixed = compare(normalise(third), ENTRIES)
    assert new == [ENTRIES[0]] and fixed == []


def test_update_refuses_to_grow_the_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.txt"
    write_baseline(ENTRIES[:1], path)
    code, said = _check(tmp_path, OUTPUT, "--update")
    assert code == 1
    assert "baseline not updated" in said[-1]
    assert read_baseline(path) == ENTRIES[:1]


def test_update_drops_fixed_errors(tmp_path: Path) -> None:
    path = tmp_path / "baseline.txt"
    write_baseline(ENTRIES, path)
    fixed_one = OUTPUT.replace("app/b.py:3:5: error", "app/b.py:3:5: note")
    code, said = _check(tmp_path, fixed_one)
    assert code == 0 and any("--update" in line for line in said)
    assert _check(tmp_path, fixed_one, "--update")[0] == 0
    assert read_baseline(path) == ENTRIES[:2]


def test_mypy_that_cannot_run_fails(tmp_path: Path) -> None:
    write_baseline(ENTRIES, tmp_path / "baseline.txt")
    code, said = _check(tmp_path, "pyproject.toml: [mypy]: unrecognized option", code=2)
    assert code == 2 and "mypy failed to run" in said[-1]


def test_baseline_is_sorted_and_spares_the_strict_core() -> None:
    entries = read_baseline(BASELINE)
    assert entries, "the baseline file is missing or empty"
    assert entries == sorted(entries)
    assert not [e for e in entries if e.startswith("app/services/core/")]


def test_core_is_configured_strict() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    core = [o for o in config["overrides"] if "app.services.core.*" in o["module"]]
    assert core and core[0]["disallow_untyped_defs"] and core[0]["warn_return_any"]
