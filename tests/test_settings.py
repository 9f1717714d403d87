"""User settings: typed defaults, tolerant loading and atomic saving."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.settings import Settings, load_settings, save_settings


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


def test_missing_file_gives_defaults(settings_file: Path):
    assert load_settings(settings_file) == Settings()


def test_round_trip(settings_file: Path):
    chosen = Settings(
        theme="dark",
        default_phone_region="GB",
        last_section="candidates",
        window_geometry="AdnQywADAAA=",
        window_state="AAAA/wAAAAD9",
        navigation_width=300,
    )
    save_settings(settings_file, chosen)
    assert load_settings(settings_file) == chosen
    assert json.loads(settings_file.read_text(encoding="utf-8"))["theme"] == "dark"


@pytest.mark.parametrize(
    "content", ["{not json", "", "[1, 2, 3]", '"a string"', "null", "\x00\x01binary"]
)
def test_damaged_file_gives_defaults(settings_file: Path, content: str):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(content, encoding="utf-8")
    assert load_settings(settings_file) == Settings()


def test_unknown_and_wrongly_typed_keys_are_ignored(settings_file: Path):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        json.dumps(
            {
                "theme": "light",
                "navigation_width": "wide",
                "last_section": 42,
                "password": "hunter2",
                "colour": "teal",
            }
        ),
        encoding="utf-8",
    )
    loaded = load_settings(settings_file)
    assert loaded == Settings(theme="light")
    assert not hasattr(loaded, "colour")


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"theme": "neon"}, Settings()),
        ({"navigation_width": 5}, Settings(navigation_width=140)),
        ({"navigation_width": 5000}, Settings(navigation_width=480)),
        ({"default_phone_region": "gbr"}, Settings(default_phone_region="GB")),
        ({"default_phone_region": ""}, Settings(default_phone_region="US")),
    ],
)
def test_out_of_range_values_are_corrected(settings_file: Path, stored: dict, expected: Settings):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(json.dumps(stored), encoding="utf-8")
    assert load_settings(settings_file) == expected


def test_save_is_atomic_and_leaves_no_temporary_files(settings_file: Path):
    save_settings(settings_file, Settings(theme="dark"))
    save_settings(settings_file, Settings(theme="light"))
    assert [p.name for p in settings_file.parent.iterdir()] == [settings_file.name]
    assert load_settings(settings_file).theme == "light"


def test_failed_save_keeps_the_old_file_and_cleans_up(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
):
    save_settings(settings_file, Settings(theme="dark"))
    before = settings_file.read_bytes()

    def broken_replace(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_settings(settings_file, Settings(theme="light"))
    assert settings_file.read_bytes() == before
    assert [p.name for p in settings_file.parent.iterdir()] == [settings_file.name]


def test_saved_values_are_validated(settings_file: Path):
    save_settings(settings_file, Settings(theme="purple", navigation_width=1))
    stored = json.loads(settings_file.read_text(encoding="utf-8"))
    assert (stored["theme"], stored["navigation_width"]) == ("system", 140)
