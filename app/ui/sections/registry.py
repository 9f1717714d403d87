"""The window's sections: what each is called, its icon, how it is built and what it shows.

The main window builds a section the first time it is shown, from its `SectionSpec` and one
`SectionContext` (what the window lends every section: the services, icons, Edit → Undo, the
change broadcast, the status bar, the mail runtime and the window's own commands). Adding a
section means adding its module and one entry here; the window needs no other change.

Each section declares the kinds of data it shows (`Section.shows`); the window hands it a
change notice only when it touches one of them, or when another process changed the database
(`ChangeKind.EXTERNAL`), which reloads every section that shows anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from app.services.core.changes import ChangeKind, Changes
from app.services.core.roles import Permission

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from app.bootstrap import Workspace
    from app.services.core.context import ServiceContext
    from app.ui.board.model import StageDrop
    from app.ui.icons import IconProvider
    from app.ui.mail_runtime import MailRuntime
    from app.ui.sections.boards import JobBoardPage
    from app.ui.sections.bulk_actions import BulkActions

NOTICE_MS = 8000  # how long a section's notice stays in the status bar


class Section(Protocol):
    """What the window asks of every section widget."""

    shows: ClassVar[frozenset[ChangeKind]]  # the kinds of data on screen; empty: none

    def on_changes(self, changes: Changes) -> None:
        """Reload what ``changes`` made stale (they touch `shows`, or are EXTERNAL)."""


def concerns(section: Section, changes: Changes) -> bool:
    """Whether ``section`` is to be told of ``changes``."""
    shows = section.shows
    return bool(shows) and (changes.external or changes.touches(*shows))


class SectionHost(Protocol):
    """The window's commands a section may call (the main window provides them)."""

    def show_section(self, key: str) -> None: ...
    def open_profile(self, candidate_id: int) -> None: ...
    def open_job_board(self, job_id: int) -> None: ...
    def show_best_matches(self, job_id: int) -> None: ...
    def new_job(self) -> None: ...
    def new_client(self) -> None: ...
    def new_candidate(self) -> None: ...
    def new_pool(self, smart: bool = False) -> None: ...
    def review_duplicates(self) -> None: ...
    def import_into_pool(self, pool_id: int, paths: list[str]) -> None: ...
    def hand_over_to_intake(self, drop: StageDrop) -> None: ...
    def set_theme(self, mode: str) -> None: ...
    def set_phone_region(self, region: str) -> None: ...
    def set_inbox_folder(self, folder: str) -> None: ...
    def backup_database(self) -> None: ...
    def compact_database(self) -> None: ...


@dataclass(frozen=True)
class SectionContext:
    """Everything a section gets from the window, handed over once, when it is built."""

    workspace: Workspace
    icons: IconProvider  # the current theme's
    undo_stack: QUndoStack  # Edit → Undo
    host: SectionHost
    publish: Callable[[Changes, object], None]  # (changes, the widget already up to date)
    notice: Callable[[str], None]  # a line in the status bar
    mail: Callable[[], MailRuntime]  # the keyring and the outbox dispatcher, made on first use

    @property
    def services(self) -> ServiceContext:
        return self.workspace.services

    def wake(self) -> None:
        """Tell the mail dispatcher there is mail to send now."""
        self.mail().wake()


@dataclass(frozen=True)
class SectionSpec:
    """One entry of the navigation: its key, label, icon and how to build it."""

    key: str
    title: str
    icon: str  # a bundled icon name (see `app.ui.icons`)
    build: Callable[[SectionContext], QWidget]  # the widget implements `Section`
    # Shown only to roles granting this (the services refuse the others anyway).
    permission: Permission | None = None
    # The View menu's key: the first ten sections in order get Ctrl+1 … Ctrl+9, Ctrl+0;
    # the ones after them name their own.
    shortcut: str | None = None


# ---- the factories: each imports its section's module when first shown ------------------------
# Signals connect to the window's methods or to lambdas, never to a method of the context:
# Qt holds a bound method's object weakly, and the context is not kept once a section is built.


def _connect_bulk(bulk: BulkActions, ctx: SectionContext) -> None:
    """A list's bulk toolbar: its changes reach every view (itself too)."""
    bulk.changes_made.connect(lambda changes: ctx.publish(changes, None))
    bulk.open_profile.connect(ctx.host.open_profile)
    bulk.notice.connect(ctx.notice)
    bulk.settings_requested.connect(lambda: ctx.host.show_section("settings"))


def _connect_board(page: QWidget, ctx: SectionContext) -> None:
    board = page.board  # type: ignore[attr-defined]
    board.changes_made.connect(lambda changes: ctx.publish(changes, page))
    board.intake_requested.connect(ctx.host.hand_over_to_intake)
    board.open_profile.connect(ctx.host.open_profile)
    board.notice.connect(ctx.notice)
    board.submit_requested.connect(
        lambda job_id, candidate_ids: _submit_to_client(page, ctx, job_id, candidate_ids)
    )


def _submit_to_client(
    page: QWidget, ctx: SectionContext, job_id: int, candidate_ids: tuple[int, ...]
) -> None:
    # Deferred: the dialog and the PDF renderer load when a submittal is first made.
    from app.ui.dialogs.submit_to_client import submit_to_client

    submit_to_client(
        page,
        ctx.services,
        job_id,
        candidate_ids,
        ctx.workspace.paths.documents_dir,
        lambda changes: ctx.publish(changes, None),
        ctx.notice,
        ctx.wake,
    )


def _jobs(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time (each section's module loads when it is first shown).
    from app.ui.sections.jobs import JobsSection

    section = JobsSection(ctx.services, ctx.icons, ctx.undo_stack)
    section.job_activated.connect(ctx.host.open_job_board)
    section.best_matches_requested.connect(ctx.host.show_best_matches)
    section.new_job_requested.connect(ctx.host.new_job)
    section.new_client_requested.connect(ctx.host.new_client)
    section.changes_made.connect(lambda changes: ctx.publish(changes, None))
    return section


def _pipeline(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.services.pipeline.clients import list_clients

    # Deferred: start-up time.
    from app.ui.sections.boards import PipelinePage

    clients = [(client.id, client.name) for client in list_clients(ctx.services)]
    page = PipelinePage(ctx.services, ctx.icons, ctx.undo_stack, clients)
    _connect_board(page, ctx)
    return page


def _clients(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.clients import ClientsSection

    section = ClientsSection(ctx.services, ctx.icons)
    section.changes_made.connect(lambda changes: ctx.publish(changes, None))
    section.job_activated.connect(ctx.host.open_job_board)
    section.profile_requested.connect(ctx.host.open_profile)
    return section


def _candidates(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.candidates import CandidatesSection

    section = CandidatesSection(
        ctx.services,
        ctx.icons,
        ctx.undo_stack,
        documents_dir=ctx.workspace.paths.documents_dir,  # Delete… removes the resume files
        wake=ctx.wake,
    )
    section.new_candidate_requested.connect(ctx.host.new_candidate)
    section.duplicates_requested.connect(ctx.host.review_duplicates)
    _connect_bulk(section.bulk, ctx)
    return section


def _talent_pools(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.pools import PoolsSection

    page = PoolsSection(ctx.services, ctx.undo_stack, wake=ctx.wake)
    page.files_dropped.connect(ctx.host.import_into_pool)
    page.new_pool_requested.connect(ctx.host.new_pool)
    _connect_bulk(page.bulk, ctx)
    return page


def _tasks(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.tasks import TasksSection

    page = TasksSection(ctx.services, ctx.icons)
    page.changes_made.connect(lambda changes: ctx.publish(changes, page))
    page.open_profile.connect(ctx.host.open_profile)
    page.open_job.connect(ctx.host.open_job_board)
    return page


def _compliance(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.compliance import ComplianceSection

    page = ComplianceSection(ctx.services, ctx.icons, undo_stack=ctx.undo_stack)
    page.changes_made.connect(lambda changes: ctx.publish(changes, None))  # itself reloads too
    page.open_profile.connect(ctx.host.open_profile)
    return page


def _interviews(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.interviews import InterviewsSection

    page = InterviewsSection(ctx.services, ctx.icons, ctx.undo_stack)
    page.changes_made.connect(lambda changes: ctx.publish(changes, None))  # itself reloads too
    page.open_profile.connect(ctx.host.open_profile)
    page.notice.connect(ctx.notice)
    return page


def _campaigns(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.campaigns import CampaignsSection

    page = CampaignsSection(ctx.services, ctx.icons, ctx.mail())
    page.changes_made.connect(lambda changes: ctx.publish(changes, page))
    page.notice.connect(ctx.notice)
    page.open_profile.connect(ctx.host.open_profile)
    return page


def _reports(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.reports import ReportsSection

    section = ReportsSection(ctx.services)
    section.profile_requested.connect(ctx.host.open_profile)
    return section


def _audit(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.audit import AuditSection

    section = AuditSection(ctx.services)
    section.profile_requested.connect(ctx.host.open_profile)
    return section


def _privacy(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.privacy import PrivacySection

    workspace = ctx.workspace
    section = PrivacySection(
        ctx.services,
        workspace.paths.documents_dir,
        workspace.database.backups_dir or workspace.paths.backups_dir,
    )
    section.changes_made.connect(lambda changes: ctx.publish(changes, section))
    section.profile_requested.connect(ctx.host.open_profile)
    return section


def _eeo(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.eeo import EeoSection

    return EeoSection(ctx.services)


def _settings(ctx: SectionContext) -> QWidget:
    # Deferred: start-up time.
    from app.ui.sections.settings_page import SettingsSection

    workspace = ctx.workspace
    paths, settings = workspace.paths, workspace.settings
    runtime = ctx.mail()
    page = SettingsSection(
        settings.theme,
        region=settings.default_phone_region,
        inbox=settings.inbox_folder,
        locations={
            "Database": workspace.database.path,
            "Data folder": paths.data_dir,
            "Backups": workspace.database.backups_dir or paths.backups_dir,
            "Log file": paths.log_file,
        },
        services=ctx.services,
        passwords=runtime.passwords,
        mailbox=getattr(ctx.host, "mailbox_runtime", None),
    )
    page.changes_made.connect(lambda changes: ctx.publish(changes, None))
    page.mail_account_changed.connect(runtime.account_changed)
    page.theme_changed.connect(ctx.host.set_theme)
    page.region_changed.connect(ctx.host.set_phone_region)
    page.inbox_changed.connect(ctx.host.set_inbox_folder)
    page.backup_requested.connect(ctx.host.backup_database)
    page.maintenance_requested.connect(ctx.host.compact_database)
    return page


def build_job_board(ctx: SectionContext) -> JobBoardPage:
    """The board of one job, opened from the Jobs list or a task (not in the navigation)."""
    # Deferred: start-up time.
    from app.ui.sections.boards import JobBoardPage

    page = JobBoardPage(ctx.services, ctx.icons, ctx.undo_stack)
    _connect_board(page, ctx)
    return page


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("jobs", "Jobs", "briefcase", _jobs),
    SectionSpec("pipeline", "Pipeline", "square-kanban", _pipeline, Permission.READ_ALL),
    SectionSpec("candidates", "Candidates", "users", _candidates, Permission.READ_ALL),
    SectionSpec("clients", "Clients", "building-2", _clients, Permission.READ_ALL),
    SectionSpec("interviews", "Interviews", "calendar", _interviews, Permission.READ_ALL),
    SectionSpec("talent_pools", "Talent pools", "layers", _talent_pools, Permission.READ_ALL),
    SectionSpec("tasks", "Tasks", "list-todo", _tasks, Permission.READ_ALL),
    SectionSpec("campaigns", "Campaigns", "send", _campaigns, Permission.READ_ALL),
    SectionSpec("reports", "Reports", "chart-column", _reports, Permission.READ_ALL),
    SectionSpec("settings", "Settings", "settings", _settings),
    SectionSpec(
        "compliance",
        "Compliance",
        "check",
        _compliance,
        Permission.MANAGE_COMPLIANCE,
        shortcut="Ctrl+Shift+O",
    ),
    SectionSpec(
        "audit", "Audit trail", "library", _audit, Permission.VIEW_AUDIT, shortcut="Ctrl+Shift+L"
    ),
    SectionSpec(
        "privacy", "Privacy", "eye", _privacy, Permission.MANAGE_COMPLIANCE, shortcut="Ctrl+Shift+P"
    ),
    SectionSpec("eeo", "EEO", "bar-chart-3", _eeo, Permission.VIEW_EEO, shortcut="Ctrl+Shift+E"),
)
