"""The benchmarks' target check (tests/perf/support.py), which makes `make bench` fail."""

from __future__ import annotations

import pytest

from tests.perf.support import meets


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
