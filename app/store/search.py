"""The full-text index over resume text (SQLite FTS5), kept in step by triggers.

It is a virtual table outside the ORM models, so schema comparisons must skip it and
its shadow tables.
"""

from __future__ import annotations

DOCUMENT_SEARCH_TABLE = "document_search"


def is_search_table(name: str | None) -> bool:
    """The FTS table and the shadow tables SQLite keeps for it."""
    return bool(name) and (
        name == DOCUMENT_SEARCH_TABLE or name.startswith(f"{DOCUMENT_SEARCH_TABLE}_")
    )


def include_in_schema_comparison(obj: object, name: str | None, type_: str, *_args: object) -> bool:
    """Alembic ``include_object`` hook: leave the full-text tables out of comparisons."""
    return not (type_ == "table" and is_search_table(name))


def match_expression(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must occur (as a prefix).

    Quoting each word means no input can be a syntax error; None when nothing is left.
    """
    words = [word for word in text.replace('"', " ").split() if word]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)
