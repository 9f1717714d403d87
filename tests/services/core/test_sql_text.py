"""LIKE patterns built from typed text match that text only, wildcards included."""

from __future__ import annotations

import sqlite3

import pytest

from app.services.core.sql_text import LIKE_ESCAPE, escape_like

STORED = ["100% remote", "1000 remote", "snake_case", "snakeXcase", "C:\\temp", "C:temp"]


def _matching(pattern: str) -> list[str]:
    """The stored values that ``LIKE pattern`` keeps, as SQLite evaluates it."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (value TEXT)")
    connection.executemany("INSERT INTO t VALUES (?)", [(value,) for value in STORED])
    rows = connection.execute(
        "SELECT value FROM t WHERE value LIKE ? ESCAPE ? ORDER BY rowid", (pattern, LIKE_ESCAPE)
    ).fetchall()
    connection.close()
    return [value for (value,) in rows]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("100%", ["100% remote"]),  # not "1000 remote"
        ("snake_case", ["snake_case"]),  # not "snakeXcase"
        ("C:\\", ["C:\\temp"]),
        ("remote", ["100% remote", "1000 remote"]),
    ],
)
def test_escaped_text_matches_itself(typed: str, found: list[str]) -> None:
    assert _matching(f"%{escape_like(typed)}%") == found


def test_unescaped_wildcards_would_match_more() -> None:
    """The same patterns without escaping match more rows: the escaping is what narrows."""
    assert _matching("%100%%") == ["100% remote", "1000 remote"]
    assert _matching("%snake_case%") == ["snake_case", "snakeXcase"]
