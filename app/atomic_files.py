"""Files written whole or not at all: into a hidden ``.name.partial`` beside the target,
renamed over it only when complete, and removed on any failure. A full disk or a crash
never leaves half a file where the old one was, nor a stray partial beside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """The path to write instead of ``path``; renamed over it when the block ends well."""
    path = Path(path)
    partial = partial_path(path)
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def open_replacing(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (newlines as written: CSV writes its own) opened in place of
    ``path``; see `replacing`. Binary writers use `replacing` and open the path themselves."""
    with replacing(path) as partial, partial.open("w", encoding="utf-8", newline="") as out:
        yield out
