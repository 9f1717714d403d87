"""The composition root: paths, database and services, put together once.

Nothing else in Hirebench creates these; the window (`app.ui.application.run_gui`) receives
what it needs. No Qt here: the GUI imports this module, never the other way round.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from app.paths import AppPaths, choose_database
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import Actor
from app.services.core.users import current_login, ensure_user
from app.settings import Settings, load_settings
from app.store.database import Database, open_database, prepare_mappers
from app.store.db import DatabaseError, ReadOnlyDatabase
from app.store.models import Candidate

log = logging.getLogger(__name__)

__all__ = ["Workspace", "ensure_demo_database", "open_workspace", "prepare_mappers"]


def ensure_demo_database(database: Database) -> bool:
    """Fill the demo database on first use; return whether it was filled now."""

    # Deferred: only a new demo database needs the generator (~50 ms off start-up).
    from app.services.admin.generate import demo_plan
    from app.services.admin.maintenance import fill_generated

    with database.sessions() as session:
        if session.scalar(select(func.count(Candidate.id))):
            return False
    fill_generated(database, demo_plan(), action="database.demo")
    return True


@dataclass
class Workspace:
    """What the GUI runs on: the open database, the acting recruiter, paths and settings."""

    paths: AppPaths
    database: Database
    services: ServiceContext
    settings: Settings


def open_workspace(paths: AppPaths, database_argument: str | None, demo: bool) -> Workspace:
    """Open (and, for the demo, fill) the database; raise `DatabaseError` with a message."""
    try:
        if demo and not database_argument:
            path = paths.demo_database
        else:
            path = choose_database(paths, database_argument)
    except ValueError as exc:
        raise DatabaseError(str(exc)) from exc
    if path.parent == paths.data_dir:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
    database = open_database(path, startup_check=True)
    if database.migration_backup:
        log.info("database migrated; backup at %s", database.migration_backup)
    if database.damage is not None:
        log.error("database damaged, opened read-only: %s", database.damage.summary())
    elif demo:
        ensure_demo_database(database)
    try:
        actor = ensure_user(database.sessions, current_login())
    except ReadOnlyDatabase:  # a damaged database: browse it as nobody in particular
        actor = Actor(user_id=None, name=current_login())
    return Workspace(
        paths=paths,
        database=database,
        services=ServiceContext(database.sessions, actor),
        settings=load_settings(paths.settings_file),
    )
