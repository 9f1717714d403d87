"""A report as the command line and the Reports section export it: CSV and JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

from app.services.admin.report_defs import Report


def report_json(report: Report) -> dict[str, Any]:
    """``rows``: one object per table row keyed by the screen's column names; ``totals``."""
    return {"rows": report.records(), "totals": dict(report.totals)}


def report_csv(report: Report) -> str:
    """The table with its header row; an empty figure is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def report_text(report: Report) -> str:
    """A plain table for a terminal: columns padded to their widest cell."""
    cells = [list(report.columns)] + [
        ["–" if value is None else str(value) for value in row] for row in report.rows
    ]
    widths = [max(len(row[index]) for row in cells) for index in range(len(report.columns))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    totals = ", ".join(f"{key}: {value}" for key, value in report.totals.items())
    return "\n".join([report.title, *(line.rstrip() for line in lines), totals]) + "\n"
