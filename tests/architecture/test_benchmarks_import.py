"""`make bench` collects tests/perf/bench_*.py only when it runs, long after `make test`: a
benchmark that no longer imports (a helper moved or renamed) would be found then, and its
figures missing. Importing each one here finds it with the rest of the suite."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

PERF = Path(__file__).resolve().parents[1] / "perf"
# Marks registered by tests/perf/conftest.py, which this suite does not load.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
BENCHMARKS = sorted(path.stem for path in PERF.glob("bench_*.py"))


def test_there_are_benchmarks() -> None:
    assert len(BENCHMARKS) >= 10


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_module_imports(name: str) -> None:
    module = importlib.import_module(f"tests.perf.{name}")
    assert any(attribute.startswith("test_") for attribute in vars(module)), name
