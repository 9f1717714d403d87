"""`make bench` fails when a figure misses its target (after every benchmark has run); the
app's bytecode is compiled before any benchmark runs."""

from __future__ import annotations

import compileall
import os

import pytest

from tests.perf.support import FRESH_PROCESS_ENV, MISSED, ROOT


def pytest_configure(config: pytest.Config) -> None:
    # An installed Hirebench has its bytecode compiled (pip does it), as its dependencies do.
    # With PYTHONDONTWRITEBYTECODE set, a source checkout would compile every module it
    # imports in every process it starts: each parser process and mail reader of the intake
    # and mailbox benchmarks, each start of the start-up benchmark.
    compileall.compile_dir(ROOT / "app", quiet=1)
    config.addinivalue_line(
        "markers", "fresh_process: runs only in a process of its own, started by another bench"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A ``fresh_process`` benchmark is collected only in the process another one starts for
    it, and there alone."""
    fresh = bool(os.environ.get(FRESH_PROCESS_ENV))
    keep = [
        item for item in items if (item.get_closest_marker("fresh_process") is not None) == fresh
    ]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if MISSED and not os.environ.get(FRESH_PROCESS_ENV):  # its parent judges
        print("\nBENCH targets missed:", *MISSED, sep="\n  ", flush=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
