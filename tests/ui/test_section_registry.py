"""Sections come from the registry, and the window tells each only of the changes it shows."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt

from app.services.core.changes import ChangeKind, Changes
from app.ui.main_window import MainWindow
from app.ui.sections.registry import SECTIONS, concerns

# The window's user is the database's admin: every section but the compliance role's EEO.
BUILT = [spec.key for spec in SECTIONS if spec.key != "eeo"]


def _build_all(window: MainWindow) -> dict[str, object]:
    for key in BUILT:
        window.show_section(key)
    window.open_job_board(1)
    return dict(window.sections)


def test_the_navigation_lists_the_registry_in_order(window: MainWindow) -> None:
    items = [window.navigation.item(row) for row in range(window.navigation.count())]
    assert [item.text() for item in items] == [spec.title for spec in SECTIONS]
    assert [item.data(Qt.ItemDataRole.UserRole) for item in items] == [s.key for s in SECTIONS]
    # The ones the role may not use are listed but hidden.
    assert [item.data(Qt.ItemDataRole.UserRole) for item in items if item.isHidden()] == ["eeo"]
    assert all(not item.icon().isNull() for item in items)


def test_every_section_declares_the_kinds_it_shows(window: MainWindow) -> None:
    for key, widget in _build_all(window).items():
        shows = type(widget).shows  # type: ignore[attr-defined]
        assert isinstance(shows, frozenset) and shows, key
        assert all(isinstance(kind, ChangeKind) for kind in shows), key
        assert ChangeKind.EXTERNAL not in shows, key  # implied for every section
        assert callable(widget.on_changes), key  # type: ignore[attr-defined]


def _listen(window: MainWindow, monkeypatch) -> list[str]:
    heard: list[str] = []
    for key, widget in _build_all(window).items():
        monkeypatch.setattr(widget, "on_changes", lambda _changes, key=key: heard.append(key))
    return heard


def test_only_the_sections_showing_a_kind_hear_of_it(window: MainWindow, monkeypatch) -> None:
    heard = _listen(window, monkeypatch)
    # The audit trail shows an entry for every write, so it hears of every kind.
    window.events.publish(Changes.of(ChangeKind.TASKS, 1))
    assert sorted(heard) == ["audit", "tasks"]
    heard.clear()
    window.events.publish(Changes.of(ChangeKind.MAIL_ACCOUNT, 1))
    assert sorted(heard) == ["audit", "settings"]
    heard.clear()
    window.events.publish(Changes.of(ChangeKind.JOBS, 1))
    assert set(heard) == {
        "jobs",
        "pipeline",
        "clients",
        "talent_pools",
        "tasks",
        "interviews",
        "compliance",
        "reports",
        "audit",
        "job_board",
    }


def test_a_change_elsewhere_reaches_every_section_but_not_its_origin(
    window: MainWindow, monkeypatch
) -> None:
    heard = _listen(window, monkeypatch)
    window.events.publish(Changes.of(ChangeKind.EXTERNAL))
    assert sorted(heard) == sorted([*BUILT, "job_board"])
    heard.clear()
    window.events.publish(Changes.of(ChangeKind.TASKS, 1), window.section("tasks"))
    assert heard == ["audit"]  # the tasks section made it: already up to date


class _Shows:
    shows: ClassVar[frozenset[ChangeKind]] = frozenset({ChangeKind.POOLS})

    def on_changes(self, changes: Changes) -> None:
        """Not called here."""


class _ShowsNothing(_Shows):
    shows: ClassVar[frozenset[ChangeKind]] = frozenset()


def test_concerns() -> None:
    assert concerns(_Shows(), Changes.of(ChangeKind.POOLS, 3))
    assert concerns(_Shows(), Changes.of(ChangeKind.EXTERNAL))
    assert not concerns(_Shows(), Changes.of(ChangeKind.JOBS, 3))
    assert not concerns(_ShowsNothing(), Changes.of(ChangeKind.EXTERNAL))
