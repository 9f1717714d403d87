"""The first page of the Candidates list, as plain values that may be read on any thread.

A `Question` is what the list shows (a search or the list, filters, order); `load_first_page`
answers it with a `FirstPage` — on the GUI thread for the plain list, in the background for a
search or a filtered list, which can take a while on a large database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.services.candidates.records import (
    CandidateFilters,
    CandidateRow,
    candidate_page,
    count_candidates,
)
from app.services.candidates.search import search_candidates
from app.services.core.context import ServiceContext
from app.ui.highlight import Spans, split_marks

PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRow:
    """One row of the Candidates table: the candidate and the text of its cells."""

    id: int
    values: tuple[str, ...]
    marks: Spans = ()  # the matched words of a search result's Match text


@dataclass(frozen=True)
class Question:
    """What the list shows: a search (ranked) or the list, narrowed by filters, in an order."""

    query: str
    filters: CandidateFilters
    order: str
    descending: bool

    @property
    def slow(self) -> bool:
        """A search or a filtered list: its first page is found in the background."""
        return bool(self.query.strip()) or self.filters.active


@dataclass(frozen=True)
class FirstPage:
    """The answer to a `Question`: its first page and count (plain values only)."""

    question: Question
    rows: list[PageRow]
    total: int
    warning: str | None = None
    capped: bool = False
    last: CandidateRow | None = None  # where the next list page starts


def load_first_page(services: ServiceContext, question: Question) -> FirstPage:
    """Count and read the first page of ``question`` (on any thread)."""
    if question.query.strip():
        result = search_candidates(
            services, question.query, limit=PAGE_SIZE, offset=0, filters=question.filters
        )
        rows = search_rows(result)
        return FirstPage(question, rows, search_total(result, 0), result.warning, result.capped)
    total = count_candidates(services, question.filters)
    page = candidate_page(
        services, 0, PAGE_SIZE, question.order, question.filters, descending=question.descending
    )
    return FirstPage(question, list_rows(page), total, last=page[-1] if page else None)


def list_rows(page: Sequence[CandidateRow]) -> list[PageRow]:
    return [
        PageRow(
            row.id,
            (
                row.name,
                row.current_title or "",
                row.current_employer or "",
                row.location or "",
                row.email or "",
                row.source or "",
                row.created_at.astimezone().strftime("%Y-%m-%d"),
            ),
        )
        for row in page
    ]


def search_total(result: Any, offset: int) -> int:
    if result.total is not None:
        return int(result.total)
    # Not counted: assume one more page while pages come back full.
    return offset + len(result.hits) + (len(result.hits) == PAGE_SIZE)


def search_rows(result: Any) -> list[PageRow]:
    rows = []
    for hit in result.hits:
        match, marks = split_marks(hit.snippet)
        # Name matches come first and carry no relevance score: the cell stays empty.
        score = "" if hit.score is None else f"{hit.score:.2f}"
        values = (hit.name, hit.current_title or "", hit.location or "", score, match)
        rows.append(PageRow(hit.candidate_id, values, marks))
    return rows
