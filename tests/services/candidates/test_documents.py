"""Full-text search over resume text: kept in step by triggers, safe for any input."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from app.services.candidates.documents import search_documents
from app.services.core.context import ServiceContext
from app.store.models import Candidate, Document


@pytest.fixture
def documents(ctx: ServiceContext) -> dict[str, int]:
    texts = {
        "ada": "Ada Lovelace — analyst. Python, Kubernetes. Studied at Boğaziçi University.",
        "bob": "Bob Stone, welder and fabricator. TIG, MIG, blueprint reading.",
    }
    ids: dict[str, int] = {}
    with ctx.write() as tx:
        for key, body in texts.items():
            person = Candidate(first_name=key.title(), last_name="Test")
            tx.session.add(person)
            tx.session.flush()
            document = Document(
                candidate_id=person.id,
                sha256=key * 16,
                original_name=f"{key}.pdf",
                media_type="application/pdf",
                size_bytes=1,
                stored_path=f"{key}.pdf",
                text=body,
            )
            tx.session.add(document)
            tx.session.flush()
            ids[key] = document.id
    return ids


def test_words_prefixes_and_accents(ctx: ServiceContext, documents: dict[str, int]) -> None:
    assert [h.document_id for h in search_documents(ctx, "kubernetes")] == [documents["ada"]]
    assert [h.document_id for h in search_documents(ctx, "fabric")] == [documents["bob"]]
    (hit,) = search_documents(ctx, "bogazici")  # diacritics folded
    assert hit.candidate_name == "Ada Test" and "[" in hit.snippet
    assert search_documents(ctx, "python welder") == []  # every word must occur


@pytest.mark.parametrize("typed", ['"', "(", "AND", "python OR", "NEAR(", "*", "col:x", "'; --"])
def test_malformed_queries_never_fail(
    ctx: ServiceContext, documents: dict[str, int], typed: str
) -> None:
    assert isinstance(search_documents(ctx, typed), list)


def test_index_follows_updates_and_deletes(ctx: ServiceContext, documents: dict[str, int]) -> None:
    with ctx.write() as tx:
        tx.session.execute(
            update(Document)
            .where(Document.id == documents["bob"])
            .values(text="Bob Stone, carpenter")
        )
    assert search_documents(ctx, "welder") == []
    assert [h.document_id for h in search_documents(ctx, "carpenter")] == [documents["bob"]]
    with ctx.write() as tx:
        tx.session.execute(delete(Document).where(Document.id == documents["ada"]))
    assert search_documents(ctx, "kubernetes") == []
