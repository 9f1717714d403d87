"""mypy against a baseline: only errors that are not in the baseline fail.

The baseline (``mypy_baseline.txt``) holds the errors the code had when mypy was brought in,
one per line as ``file: [code] message``, without line numbers so that edits elsewhere in a
file do not disturb it. ``app.services.core`` is checked strictly and has no entry there.

    python -m tests.architecture.mypy_check            # fail on a new error
    python -m tests.architecture.mypy_check --update   # rewrite the baseline if it shrinks
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from app.wording import plural

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("mypy_baseline.txt")
HEADER = (
    "# mypy errors accepted for now: `file: [code] message`, line numbers left out.\n"
    "# Only shrinks: `python -m tests.architecture.mypy_check --update` after fixing some.\n"
)

_ERROR = re.compile(
    r"^(?P<path>[^:\s][^:]*):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[\w-]+)\]$"
)
_LINE_REFERENCE = re.compile(r"\bline \d+\b")


def normalise(output: str) -> list[str]:
    """mypy's error lines as baseline entries, sorted; notes and the summary are dropped."""
    entries = []
    for line in output.splitlines():
        match = _ERROR.match(line.strip())
        if match:
            path = Path(match["path"]).as_posix()
            message = _LINE_REFERENCE.sub("line N", match["message"])
            entries.append(f"{path}: [{match['code']}] {message}")
    return sorted(entries)


def read_baseline(path: Path = BASELINE) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted(line for line in lines if line.strip() and not line.startswith("#"))


def write_baseline(entries: Iterable[str], path: Path = BASELINE) -> None:
    path.write_text(HEADER + "".join(f"{entry}\n" for entry in sorted(entries)), encoding="utf-8")


def compare(current: Sequence[str], baseline: Sequence[str]) -> tuple[list[str], list[str]]:
    """(errors not in the baseline, baseline entries no longer reported), counting repeats:
    a third identical error in a file where the baseline has two is new."""
    now, before = Counter(current), Counter(baseline)
    return sorted((now - before).elements()), sorted((before - now).elements())


def run_mypy() -> tuple[int, str]:
    """mypy over the configured files ([tool.mypy] in pyproject.toml), its cache reused."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--show-error-codes", "--no-color-output"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def main(
    argv: Sequence[str] | None = None,
    run: Callable[[], tuple[int, str]] = run_mypy,
    baseline_path: Path = BASELINE,
    out: Callable[[str], None] = print,
) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.architecture.mypy_check")
    parser.add_argument(
        "--update", action="store_true", help="rewrite the baseline when no error is new"
    )
    args = parser.parse_args(argv)
    code, output = run()
    if code not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        out(output)
        out(f"mypy failed to run (exit {code})")
        return 2
    current = normalise(output)
    baseline = read_baseline(baseline_path)
    new, fixed = compare(current, baseline)
    if baseline_path.exists():
        for entry in new:
            out(f"new mypy error: {entry}")
    if args.update:
        if new and baseline_path.exists():
            out(f"baseline not updated: {plural(len(new), 'new error')} would make it grow")
            return 1
        if fixed or not baseline_path.exists():
            write_baseline(current, baseline_path)
        out(f"mypy baseline: {len(current)} entries ({len(fixed)} dropped)")
        return 0
    if new:
        errors = plural(len(new), "mypy error")
        out(f"{errors} not in {baseline_path.name}; fix them (it only shrinks)")
        return 1
    if fixed:
        entries = plural(len(fixed), "baseline entry", "baseline entries")
        out(f"{entries} fixed: run with --update to drop them")
    out(f"mypy: no new errors ({len(current)} known in the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
