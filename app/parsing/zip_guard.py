"""The zip-bomb check shared by the zip-based formats (DOCX, ODT)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from app.parsing.result import ParseError


def refuse_zip_bomb(
    path: Path, infos: list[zipfile.ZipInfo], max_bytes: int, max_ratio: float
) -> None:
    """Raise before anything is unpacked when the members would expand past ``max_bytes`` or
    by more than ``max_ratio`` times their packed size."""
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > max_bytes or total / packed > max_ratio:
        raise ParseError(
            f"{path.name}: the document expands to {total / 1e6:.0f} MB "
            f"({total / packed:.0f}× its size); refused as a possible zip bomb.",
            kind="too_large",
        )
