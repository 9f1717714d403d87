"""Resume parser accuracy on the shared set of real resumes, as the scorer reports it.

Runs `hirebench parse ../shared/resumes/files/* --json` into a temporary file, runs the
scorer beside those files, and prints each target figure as a BENCH line. It reports; it does
not assert the targets (the scorer's own exit status says whether all were met).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.perf.support import ROOT

SHARED = ROOT.parent / "shared" / "resumes"
# The scorer's target figures: scalar accuracy for the first four, list F1 for the rest.
FIGURES = (
    "name",
    "email",
    "phone",
    "current_title_lenient",
    "links",
    "employers_lenient",
    "education_lenient",
    "skills",
)


def _parse_targets(output: str) -> dict[str, tuple[float, float]]:
    """`targets met: name=0.96/0.95 ...` -> {"name": (0.96, 0.95), ...}."""
    line = next(x for x in output.splitlines() if x.startswith("targets "))
    return {
        key: (float(value), float(target))
        for key, value, target in re.findall(r"(\w+)=([\d.]+)/([\d.]+)", line)
    }


def test_parse_accuracy_on_shared_resumes() -> None:
    files = sorted((SHARED / "files").glob("*"))
    if not files or not (SHARED / "score.py").exists():
        pytest.fail(f"no shared resumes at {SHARED}: the benchmark needs ../shared/resumes")
    with tempfile.TemporaryDirectory(prefix="hirebench-parse-") as folder:
        out = Path(folder) / "parsed.json"
        env = dict(os.environ, HIREBENCH_HOME=str(Path(folder) / "home"))
        with out.open("w") as handle:
            subprocess.run(
                [sys.executable, "-m", "app", "parse", *map(str, files), "--json"],
                stdout=handle,
                check=True,
                env=env,
                cwd=ROOT,
            )
        scored = subprocess.run(
            [sys.executable, str(SHARED / "score.py"), str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
    targets = _parse_targets(scored.stdout)
    for key in FIGURES:
        value, target = targets[key]
        print(f"BENCH parse_{key} {value:.3f} ratio target>={target:g}", flush=True)
    print(scored.stdout.splitlines()[-1])
