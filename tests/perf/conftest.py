"""`make bench` fails when a figure misses its target (after every benchmark has run)."""

from __future__ import annotations

import pytest

from tests.perf.support import MISSED


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if MISSED:
        print("\nBENCH targets missed:", *MISSED, sep="\n  ", flush=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
