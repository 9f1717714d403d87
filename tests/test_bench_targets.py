"""The benchmarks' target check (tests/perf/support.py), which makes `make bench` fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.perf.support import ROOT, meets


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (1.4, "target<=1.5", True),
        (1.5, "target<=1.5", True),
        (1.51, "target<=1.5", False),
        (0.7, "target>=0.7", True),
        (0.69, "target>=0.7", False),
        (120.0, "target<=100", False),
    ],
)
def test_meets(value: float, target: str, expected: bool) -> None:
    assert meets(value, target) is expected


def test_an_unreadable_target_is_an_error() -> None:
    with pytest.raises(ValueError):
        meets(1.0, "target about 2")


def _bench_run(tmp_path: Path, value: float) -> subprocess.CompletedProcess[str]:
    """`make bench`'s pytest over one benchmark printing ``value`` against target<=10, with
    tests/perf/conftest.py beside it as in tests/perf."""
    folder = tmp_path / "perf"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "perf" / "conftest.py", folder / "conftest.py")
    (folder / "bench_figure.py").write_text(
        "from tests.perf.support import bench\n\n\n"
        "def test_figure() -> None:\n"
        f"    bench('figure', {value!r}, 'ms', 'target<=10')\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"]
    command += ["-o", "python_files=bench_*.py", "--rootdir", str(tmp_path), str(folder)]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_make_bench_fails_on_a_missed_target(tmp_path: Path) -> None:
    missed = _bench_run(tmp_path, 12.5)
    assert "BENCH figure 12.5 ms target<=10" in missed.stdout
    assert "BENCH targets missed:" in missed.stdout
    assert missed.returncode == pytest.ExitCode.TESTS_FAILED, missed.stdout + missed.stderr


def test_make_bench_passes_when_every_target_is_met(tmp_path: Path) -> None:
    met = _bench_run(tmp_path, 7.0)
    assert "BENCH figure 7 ms target<=10" in met.stdout
    assert "targets missed" not in met.stdout
    assert met.returncode == pytest.ExitCode.OK, met.stdout + met.stderr
