"""Finding resumes by their text (the full-text index over every imported document)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from app.services.core.context import ServiceContext
from app.store.search import match_expression


@dataclass(frozen=True)
class DocumentHit:
    document_id: int
    candidate_id: int | None
    candidate_name: str | None
    file_name: str
    snippet: str


def search_documents(ctx: ServiceContext, query: str, limit: int = 50) -> list[DocumentHit]:
    """Resumes whose text has every word typed (prefixes count), best matches first.

    Any input is safe: words are quoted before they reach FTS5, so stray quotes, brackets
    or operators are searched for as text instead of failing.
    """
    expression = match_expression(query)
    if expression is None:
        return []
    statement = text(
        "SELECT d.id, d.candidate_id, c.first_name || ' ' || c.last_name, d.original_name,"
        " snippet(document_search, 0, '[', ']', '…', 12)"
        " FROM document_search"
        " JOIN documents d ON d.id = document_search.rowid"
        " LEFT JOIN candidates c ON c.id = d.candidate_id"
        " WHERE document_search MATCH :expression"
        " ORDER BY bm25(document_search) LIMIT :limit"
    )
    with ctx.read() as session:
        rows = session.execute(statement, {"expression": expression, "limit": limit})
        return [DocumentHit(*row) for row in rows]
