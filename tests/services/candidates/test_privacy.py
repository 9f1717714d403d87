"""Subject access and erasure on a real database file with real resume files: the export
holds everything about the person; after erasure no byte of their name, email or phone is
left in the database file, its write-ahead log, or any file in the data folder, the audit
trail still verifies, and the tombstone names nobody."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from app.mail.render import TemplateSource
from app.parsing import parse_file
from app.services.candidates.bulk import add_to_job
from app.services.candidates.pools import PoolInput, add_members, save_pool
from app.services.candidates.privacy import erase_person, export_person
from app.services.candidates.search import search_candidates
from app.services.candidates.timeline import add_note
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.engagement.campaigns import send_one
from app.services.intake.importer import import_resume
from app.services.pipeline.tasks import TaskInput, create_task
from app.store.audit_chain import verify
from app.store.database import Database
from tests.support import raw_connect

NAME = "Zoë Quartermaine"
EMAIL = "zoe.quartermaine@example.org"
PHONE_DIGITS = "4155550199"


def _person(ctx: ServiceContext, database: Database, folder: Path) -> tuple[int, Path]:
    """A candidate from a resume file, with a note, a pool, a job, a task and an email."""
    folder.mkdir(parents=True, exist_ok=True)
    resume = folder / "zoe-quartermaine.txt"
    resume.write_text(
        f"{NAME}\nSenior Data Engineer\nPortland, OR | {EMAIL} | (415) 555-0199\n\n"
        "EXPERIENCE\nData Engineer, Quartermaine Analytics — Jan 2019 – Present\n\n"
        "SKILLS\nPython, SQL, Spark\n",
        encoding="utf-8",
    )
    documents = folder / "documents"
    result = import_resume(ctx, documents, resume, parse_file(resume)).value
    person = result.candidate_id
    assert person is not None
    add_note(ctx, person, f"Spoke with {NAME} about the role; call {EMAIL} back.")
    pool = save_pool(ctx, PoolInput("Data people")).value
    add_members(ctx, pool, [person])
    with raw_connect(database.path) as raw:
        job, stage = raw.execute(
            "SELECT j.id, s.id FROM jobs j JOIN stages s ON s.job_id = j.id ORDER BY j.id,"
            " s.position LIMIT 1"
        ).fetchone()
    add_to_job(ctx, [person], job, stage, "test")
    create_task(ctx, TaskInput(f"Call {NAME}", dt.date(2026, 12, 10), candidate_id=person))
    send_one(
        ctx,
        person,
        TemplateSource("Hello {{ candidate.first_name }}", "Dear {{ candidate.full_name }}, hi."),
    )
    return person, documents


def _scan(folder: Path, needles: list[bytes]) -> list[str]:
    """Files under ``folder`` holding any of ``needles`` (read as bytes)."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle!r}" for needle in needles if needle in data]
    return found


def test_export_holds_everything_and_the_files(
    demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path
):
    person, documents = _person(demo_ctx, demo_database, tmp_path / "data")
    out = tmp_path / "person.zip"
    rows, files = export_person(demo_ctx, person, documents, out)
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("person.json"))
        names = archive.namelist()
    tables = data["tables"]
    assert tables["candidates"][0]["first_name"] == "Zoë"
    assert {row["email"] for row in tables["candidate_emails"]} == {EMAIL}
    assert tables["activities"] and tables["applications"] and tables["pool_memberships"]
    assert tables["outbox_messages"][0]["to_address"] == EMAIL
    assert tables["tasks"] and tables["audit_entries"]
    assert files == 1 and any(name.startswith("files/") for name in names)
    assert rows == sum(len(found) for found in tables.values())


def test_erasure_leaves_no_byte_of_the_person(
    demo_ctx: ServiceContext, demo_database: Database, tmp_path: Path
):
    data = tmp_path / "data"
    person, documents = _person(demo_ctx, demo_database, data)
    (data / "zoe-quartermaine.txt").unlink()  # the dropped original is not the app's
    needles = [
        value.encode()
        for value in (NAME, EMAIL, "Quartermaine", "+1" + PHONE_DIGITS, "(415) 555-0199")
    ]
    database_folder = demo_database.path.parent
    assert _scan(database_folder, needles)  # the person is there before
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "hirebench-2026-12-01.sqlite3").write_bytes(b"an older backup")
    result = erase_person(demo_ctx, person, documents, backups).value
    assert result.compacted and result.redacted_audit_entries > 0
    assert result.files_removed and not result.files_left
    assert result.backups_holding == (str(backups / "hirebench-2026-12-01.sqlite3"),)
    assert _scan(database_folder, needles) == []
    assert _scan(data, needles) == []
    with raw_connect(demo_database.path) as raw:
        assert verify(raw.execute).ok
        first, last = raw.execute(
            "SELECT first_name, last_name FROM candidates WHERE id = ?", (person,)
        ).fetchone()
        assert (first, last) == ("Erased", f"person #{person}")
        assert raw.execute(
            "SELECT count(*) FROM applications WHERE candidate_id = ?", (person,)
        ).fetchone() == (1,)  # kept, anonymised, for the reports
        [(tombstone,)] = raw.execute(
            "SELECT after FROM audit_entries WHERE action = 'candidate.erase'"
        ).fetchall()
        assert "Quartermaine" not in tombstone and json.loads(tombstone)["erased"] is True
    assert search_candidates(demo_ctx, "Quartermaine").total == 0


def test_erasing_twice_is_refused(demo_ctx: ServiceContext, demo_database: Database, tmp_path):
    person, documents = _person(demo_ctx, demo_database, tmp_path / "data")
    erase_person(demo_ctx, person, documents)
    with pytest.raises(ValidationError, match="already erased"):
        erase_person(demo_ctx, person, documents)
