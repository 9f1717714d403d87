"""Resume parsing: text extraction and field recognition. No database and no Qt here, so it
runs in worker processes and from the command line alike."""

from __future__ import annotations

from pathlib import Path

from app.parsing.result import EducationEntry, Employment, ParsedResume, ParseError

__all__ = ["EducationEntry", "Employment", "ParseError", "ParsedResume", "parse_file"]


def parse_file(path: Path, default_region: str = "US") -> ParsedResume:
    """Parse one resume file; bad input raises ``ParseError`` and nothing else."""
    # Deferred: the parser brings pdfplumber and python-docx (~120 ms); code that needs only the
    # result types (services, the GUI, CLI commands) does not load them.
    from app.parsing.parser import parse_file as _parse_file

    return _parse_file(path, default_region)
