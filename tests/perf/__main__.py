"""``python -m tests.perf [pytest arguments]``: the benchmarks, as `make bench` runs them.

A process the app spawns (a parser process, a mail reader) first imports its parent's main
module. Under ``hirebench`` that is the app's own few-line entry point; under ``python -m
pytest`` it would be pytest, about 0.12 s of CPU in every spawned process, which the app never
pays and which a benchmark would count against it. Started from this module, spawned processes
import only this module, whose work is all below the ``__main__`` guard.
"""

from __future__ import annotations

import sys


def main(arguments: list[str]) -> int:
    # Deferred: a spawned process imports this module and must not load pytest.
    import pytest

    options = ["-q", "-s", "-o", "python_files=bench_*.py"]
    return int(pytest.main([*options, *(arguments or ["tests/perf"])]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
