"""`hirebench profile-pdf`: the same PDF as a submittal attaches, written by a real process
with no display (Qt on the offscreen platform)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run
from app.services.core.context import ServiceContext
from app.services.core.users import ensure_user
from app.store.database import open_database
from tests.pdf_reading import hex_rgb, near, read_pdf
from tests.services.candidates import profile_world as w

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def made(tmp_path: Path, _empty_template: Path) -> tuple[Path, w.ProfileWorld]:
    path = tmp_path / "agency.sqlite3"
    shutil.copy(_empty_template, path)
    database = open_database(path, tmp_path / "backups")
    try:
        ctx = ServiceContext(database.sessions, ensure_user(database.sessions, "setup"))
        world = w.build_world(ctx, tmp_path)
    finally:
        database.close()
    return path, world


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HIREBENCH_HOME=str(tmp_path / "home"))
    env.pop("QT_QPA_PLATFORM", None)  # the command needs no display of its own
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("HIREBENCH_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "profile-pdf", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_blind_profile_for_a_job(tmp_path: Path, made: tuple[Path, w.ProfileWorld]) -> None:
    path, world = made
    out = tmp_path / "out" / "blind.pdf"
    out.parent.mkdir()
    result = _run(
        tmp_path,
        str(world.candidate_id),
        str(out),
        "--blind",
        "--job",
        str(world.job_id),
        "--database",
        str(path),
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "P. M." in result.stderr
    pdf = read_pdf(out.read_bytes())
    for secret in w.identifying_strings():
        assert not pdf.contains(secret), secret
    assert pdf.contains("Principal Data Engineer") and pdf.contains(w.AGENCY)
    assert any(near(rgb, hex_rgb(w.PRIMARY)) for rgb, _, _ in pdf.rect_fills)


def test_a_branded_profile_and_the_refusals(
    tmp_path: Path, made: tuple[Path, w.ProfileWorld], hirebench_home: Path
) -> None:
    path, world = made
    out = tmp_path / "full.pdf"
    result = _run(tmp_path, str(world.candidate_id), str(out), "--database", str(path))
    assert result.returncode == EXIT_OK, result.stderr
    pdf = read_pdf(out.read_bytes())
    assert pdf.contains(w.EMAIL) and pdf.contains(f"{w.FIRST} {w.MIDDLE} {w.LAST}")
    # Refused before Qt is ever loaded: a missing candidate, a missing job, a usage mistake.
    home = ["--database", str(path)]
    missing = tmp_path / "missing.pdf"
    assert run(["profile-pdf", str(world.candidate_id + 50), str(missing), *home]) == EXIT_FAILURE
    job = ["--job", str(world.job_id + 50)]
    assert run(["profile-pdf", str(world.candidate_id), str(missing), *job, *home]) == EXIT_FAILURE
    hide = ["--hide-employers"]
    assert run(["profile-pdf", str(world.candidate_id), str(missing), *hide, *home]) == EXIT_FAILURE
    assert run(["profile-pdf", "x", str(missing), *home]) == EXIT_USAGE
    assert not missing.exists()
