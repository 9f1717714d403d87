"""Turning what the user dropped (files, folders, zip archives) into resume files to parse.

Archives come from email and download folders, so they are treated as hostile: a member that
would land outside the extraction folder (``../``, absolute paths, drive letters, symlinks)
refuses the whole archive, and so do zip bombs (too many members, too many bytes in all, or
an implausible compression ratio; bytes are counted while extracting, not just declared).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

RESUME_SUFFIXES = frozenset(
    {".pdf", ".docx", ".odt", ".doc", ".txt", ".md", ".rtf", ".png", ".jpg", ".jpeg"}
)
ARCHIVE_SUFFIXES = frozenset({".zip"})
MAX_ARCHIVE_MEMBERS = 5_000
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # small members may compress extremely well
_CHUNK = 1 << 16


class UnsafeArchiveError(Exception):
    """An archive that is refused as a whole, with a message for the user."""

    def __init__(self, message: str, kind: str = "unsafe_archive"):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Entry:
    """One file to import: ``path`` to read (None when refused), ``display`` for the user."""

    display: str
    path: Path | None
    error_kind: str | None = None
    message: str = ""


def _junk(name: str) -> bool:
    """Hidden files, macOS resource forks and Office lock files: never resumes."""
    return name.startswith((".", "~$")) or name == "__MACOSX" or name == "Thumbs.db"


def expand(paths: Iterable[Path], scratch: Path) -> Iterator[Entry]:
    """Every resume in ``paths`` (folders recursively, zips extracted under ``scratch``)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, scratch)
        else:
            yield from _file(path, str(path), scratch, inside_archive=False)


def _walk(folder: Path, scratch: Path) -> Iterator[Entry]:
    for root, dirs, files in os.walk(folder):  # symlinked folders are not followed: no loops
        dirs[:] = sorted(d for d in dirs if not _junk(d))
        for name in sorted(files):
            if not _junk(name):
                path = Path(root) / name
                yield from _file(path, str(path), scratch, inside_archive=False)


def _file(path: Path, display: str, scratch: Path, inside_archive: bool) -> Iterator[Entry]:
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES and not inside_archive:
        if not path.is_file():
            yield Entry(display, None, "missing", "File not found.")
            return
        yield from _archive(path, scratch)
    elif suffix in RESUME_SUFFIXES:
        if path.is_file():
            yield Entry(display, path)
        else:
            yield Entry(display, None, "missing", "File not found.")
    elif suffix in ARCHIVE_SUFFIXES:
        yield Entry(display, None, "type", "Unsupported file type: archives inside archives.")
    else:
        kinds = ", ".join(sorted(RESUME_SUFFIXES | ARCHIVE_SUFFIXES))
        yield Entry(
            display, None, "type", f"Unsupported file type {suffix or '(none)'}; use {kinds}."
        )


def _archive(archive: Path, scratch: Path) -> Iterator[Entry]:
    scratch.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=f"{archive.stem[:40]}-", dir=scratch))
    try:
        members = extract_zip(archive, target)
    except UnsafeArchiveError as exc:
        shutil.rmtree(target, ignore_errors=True)
        yield Entry(str(archive), None, exc.kind, str(exc))
        return
    for name, path in members:
        display = f"{archive}/{name}"
        yield from _file(path, display, scratch, inside_archive=True)


def _member_parts(name: str) -> tuple[str, ...]:
    """The safe relative parts of a member name, or raise for one that escapes."""
    normalised = name.replace("\\", "/")
    parts = PurePosixPath(normalised).parts
    if (
        normalised.startswith("/")
        or any(part == ".." for part in parts)
        or (parts and ":" in parts[0])
        or "\x00" in normalised
    ):
        raise UnsafeArchiveError(
            f"Refused: the archive member {name!r} would be written outside its folder."
        )
    return tuple(part for part in parts if part not in ("", "."))


def extract_zip(archive: Path, into: Path) -> list[tuple[str, Path]]:
    """Check the whole archive, then extract its members; returns (member name, file path).

    Junk members (hidden files, ``__MACOSX``) are skipped. Raises `UnsafeArchiveError`.
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            infos = zipped.infolist()
            _check(infos)
            into.mkdir(parents=True, exist_ok=True)
            root = into.resolve()
            extracted: list[tuple[str, Path]] = []
            budget = MAX_ARCHIVE_BYTES
            for info in infos:
                parts = _member_parts(info.filename)
                if info.is_dir() or not parts or any(_junk(part) for part in parts):
                    continue
                destination = root.joinpath(*parts)
                if not destination.resolve().is_relative_to(root):
                    raise UnsafeArchiveError(f"Refused: {info.filename!r} escapes its folder.")
                destination.parent.mkdir(parents=True, exist_ok=True)
                budget -= _copy_member(zipped, info, destination, budget)
                extracted.append(("/".join(parts), destination))
            return extracted
    except zipfile.BadZipFile as exc:
        raise UnsafeArchiveError(f"Not a readable zip archive: {exc}.", "corrupt") from exc
    except RuntimeError as exc:  # zipfile's word for "encrypted"
        raise UnsafeArchiveError(f"Cannot open the archive: {exc}.", "encrypted") from exc
    except (OSError, EOFError, NotImplementedError) as exc:
        raise UnsafeArchiveError(f"Cannot extract the archive: {exc}.", "corrupt") from exc


def _check(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise UnsafeArchiveError(
            f"Refused: the archive holds {len(infos):,} files (at most {MAX_ARCHIVE_MEMBERS:,}).",
            "zip_bomb",
        )
    total = 0
    for info in infos:
        _member_parts(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeArchiveError(f"Refused: the archive member {info.filename!r} is a link.")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnsafeArchiveError(
                f"Refused: {info.filename!r} expands {ratio:,.0f} times (a zip bomb?).", "zip_bomb"
            )
    if total > MAX_ARCHIVE_BYTES:
        raise UnsafeArchiveError(
            f"Refused: the archive would expand to {total / 2**20:,.0f} MB "
            f"(at most {MAX_ARCHIVE_BYTES / 2**20:,.0f} MB).",
            "zip_bomb",
        )


def _copy_member(
    zipped: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, budget: int
) -> int:
    """Extract one member, trusting the bytes actually read over the declared size."""
    written = 0
    with zipped.open(info) as reader, destination.open("wb") as writer:
        while chunk := reader.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size or written > budget:
                raise UnsafeArchiveError(
                    f"Refused: {info.filename!r} holds more than it declares (a zip bomb?).",
                    "zip_bomb",
                )
            writer.write(chunk)
    return written
