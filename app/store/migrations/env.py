"""Alembic environment: always run in-process on a connection handed over by ``migrate``."""

from alembic import context

from app.store import (  # noqa: F401  (their tables are part of the schema)
    compliance,
    engagement,
    interviews,
    mailbox,
    onboarding,
    placements,
    privacy,
    submittals,
)
from app.store.models import Base
from app.store.search import include_in_schema_comparison

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by app.store.migrate
    raise RuntimeError("Run migrations through app.store.migrate, which passes a connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
    include_object=include_in_schema_comparison,
)
with context.begin_transaction():
    context.run_migrations()
