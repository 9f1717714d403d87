"""Change notices: typed kinds, merging, and what a transaction records."""

from __future__ import annotations

import pytest

from app.services.core.changes import ChangeKind, Changes
from app.services.core.context import ServiceContext
from app.store.models import Client


def test_kinds_and_touches():
    changes = Changes({ChangeKind.JOBS: frozenset({1, 2}), ChangeKind.CLIENTS: frozenset({7})})
    assert changes.kinds == {ChangeKind.JOBS, ChangeKind.CLIENTS}
    assert changes.touches(ChangeKind.CANDIDATES, ChangeKind.JOBS)
    assert not changes.touches(ChangeKind.CANDIDATES, ChangeKind.POOLS)
    assert not Changes().touches(ChangeKind.JOBS)
    assert Changes().kinds == frozenset()


def test_merge_unions_ids_per_kind():
    merged = Changes.of(ChangeKind.JOBS, 1) | Changes(
        {ChangeKind.JOBS: frozenset({2}), ChangeKind.CLIENTS: frozenset({3})}
    )
    assert dict(merged.ids) == {ChangeKind.JOBS: {1, 2}, ChangeKind.CLIENTS: {3}}


def test_external_is_its_own_kind_and_touches_only_when_asked_for():
    elsewhere = Changes.of(ChangeKind.EXTERNAL)
    assert elsewhere.external and elsewhere.ids  # published: AppEvents drops empty notices
    assert not elsewhere.touches(ChangeKind.JOBS, ChangeKind.CANDIDATES)
    assert elsewhere.touches(ChangeKind.EXTERNAL)
    assert not Changes.of(ChangeKind.JOBS, 1).external
    assert (Changes.of(ChangeKind.JOBS, 1) | elsewhere).external


@pytest.mark.parametrize("kind", ["jobs", None, 3])
def test_a_kind_that_is_not_a_change_kind_is_refused(kind):
    # A plain string would never match and leave a view silently stale.
    with pytest.raises(TypeError):
        Changes.of(ChangeKind.JOBS, 1).touches(kind)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Changes.of(kind)  # type: ignore[arg-type]


def test_a_transaction_records_kinds_and_refuses_strings(ctx: ServiceContext):
    with ctx.write() as tx:
        client = Client(name="Acme")
        tx.session.add(client)
        tx.session.flush()
        tx.changed(ChangeKind.CLIENTS, client.id)
        tx.changed(ChangeKind.JOBS)
        with pytest.raises(TypeError):
            tx.changed("clients", client.id)  # type: ignore[arg-type]
        changes = tx.changes
    assert dict(changes.ids) == {ChangeKind.CLIENTS: {client.id}, ChangeKind.JOBS: set()}
    assert changes.touches(ChangeKind.JOBS)


def test_every_kind_has_a_distinct_value():
    values = [kind.value for kind in ChangeKind]
    assert len(values) == len(set(values))
